//! disruption loop (not built yet).

use crate::Context;

pub async fn run(_ctx: Context) {}

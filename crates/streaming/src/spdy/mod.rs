//! SPDY/3.1 as Kubernetes uses it (moby/spdystream on the other side): streams opened with
//! SYN_STREAM and answered with SYN_REPLY, DATA with FIN for half-close, RST_STREAM, PING.
//! Peers do not do flow control, so WINDOW_UPDATE and SETTINGS are read and ignored.

pub mod frame;
pub mod session;

pub use frame::{Frame, Headers};
pub use session::{Role, Session, Stream, StreamWriter};

/// The `Upgrade` token of an HTTP/1.1 SPDY upgrade.
pub const UPGRADE: &str = "SPDY/3.1";

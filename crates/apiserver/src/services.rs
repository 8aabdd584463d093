//! Service IP and NodePort allocation at the API edge: one lock serializes Service writes, and
//! what Services hold is kept in memory from the store (listed once, then followed through a
//! watch on the Services prefix plus the writes made under the lock), so an allocation costs
//! the same with 10 or 10,000 Services. The pure rules are `apimachinery::service_alloc`.

use apimachinery::catalog::{self, Resource};
use apimachinery::service_alloc::{self, InUse, ServiceRanges};
use serde_json::Value;
use store::{EventKind, ListOptions, Store, Watch};
use tokio::sync::{mpsc::error::TryRecvError, Mutex, MutexGuard};

use crate::error::{ApiError, ApiResult};
use crate::registry;

/// Allocation state, behind the lock every Service write holds until it is stored.
pub(crate) struct ServiceAllocator {
    pub(crate) ranges: ServiceRanges,
    state: Mutex<State>,
}

#[derive(Default)]
pub(crate) struct State {
    in_use: InUse,
    watch: Option<Watch>,
}

impl State {
    /// Records a Service write made under the lock (before its watch event arrives).
    pub(crate) fn record(&mut self, key: &str, revision: i64, svc: &Value) {
        self.in_use.set(key, revision, svc);
    }
}

fn services() -> &'static Resource {
    catalog::find("", "v1", "services").expect("services are served")
}

pub(crate) fn is_service(res: &Resource) -> bool {
    res.group.is_empty() && res.kind == "Service"
}

impl ServiceAllocator {
    pub(crate) fn new(ranges: ServiceRanges) -> ServiceAllocator {
        ServiceAllocator {
            ranges,
            state: Mutex::new(State::default()),
        }
    }

    /// Takes the lock, brings the state up to date and allocates `new`'s ClusterIP and
    /// NodePorts. The returned guard is held until the write is stored (then [`State::record`]).
    pub(crate) async fn allocate(
        &self,
        store: &dyn Store,
        key: &str,
        old: Option<&Value>,
        new: &mut Value,
    ) -> ApiResult<MutexGuard<'_, State>> {
        let mut state = self.state.lock().await;
        catch_up(&mut state, store).await?;
        let causes =
            service_alloc::allocate(&self.ranges, &state.in_use, key, old, new, &mut |n| {
                rand::random::<u32>() % n.max(1)
            });
        if !causes.is_empty() {
            return Err(ApiError::invalid("", "Service", meta_name(new), &causes));
        }
        Ok(state)
    }
}

fn meta_name(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or("")
}

/// Applies the watch events that arrived since the last allocation; relists when there is no
/// watch yet or it fell behind.
async fn catch_up(state: &mut State, store: &dyn Store) -> ApiResult<()> {
    let res = services();
    loop {
        let Some(watch) = state.watch.as_mut() else {
            let prefix = registry::resource_prefix(res);
            let list = store.list(&prefix, ListOptions::default()).await?;
            let mut in_use = InUse::default();
            for kv in &list.kvs {
                in_use.set(&kv.key, kv.mod_revision, &registry::decode(res, kv)?);
            }
            state.in_use = in_use;
            state.watch = Some(store.watch(&prefix, list.revision)?);
            return Ok(());
        };
        match watch.events.try_recv() {
            Ok(event) => match event.kind {
                EventKind::Put => {
                    let svc = registry::decode(res, &event.kv)?;
                    state.in_use.set(&event.kv.key, event.kv.mod_revision, &svc);
                }
                EventKind::Delete => state.in_use.remove(&event.kv.key, event.kv.mod_revision),
            },
            Err(TryRecvError::Empty) => return Ok(()),
            Err(TryRecvError::Disconnected) => state.watch = None,
        }
    }
}

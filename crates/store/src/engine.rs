//! The core shared by every backend.
//!
//! The whole current key space lives in memory, so reads and lists never touch disk. All writes
//! go through a single writer thread: it drains every request that is waiting, validates them in
//! order against the current state, hands the successful ones to the [`Durability`] layer as one
//! transaction (group commit: one sync for the whole batch), and only once that has succeeded
//! makes the batch visible to readers and watchers and answers the callers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::JoinHandle;

use bytes::Bytes;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};

use crate::{Event, EventKind, KeyValue, ListOptions, ListResult, Result, StoreError, Watch};

/// Upper bound on the writes in one commit, so a flood of writers cannot make one batch (and
/// the latency of everyone in it) grow without limit.
const MAX_BATCH: usize = 4096;

/// Tuning shared by all backends.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// How many recent events are kept for watch replay. A watch that needs anything older
    /// fails with [`StoreError::Compacted`].
    pub history_limit: usize,
    /// How many live events a watcher may have waiting before it is dropped as too slow.
    /// Queued events share their values with the store, and the queue grows only as it
    /// fills, so a generous bound costs nothing for watchers that keep up; it lets a client
    /// ride out a burst of thousands of writes a second (a scheduler binding a backlog)
    /// without having to relist.
    pub watch_buffer: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            history_limit: 10_000,
            watch_buffer: 16_384,
        }
    }
}

/// Makes a batch of writes durable before the engine makes it visible.
pub(crate) trait Durability: Send + 'static {
    /// Persists `events` (consecutive revisions, the last being `revision`) atomically: after
    /// an error none of them may be persisted.
    fn commit(&mut self, events: &[Event], revision: i64) -> Result<()>;
}

/// The state a backend recovered at open.
#[derive(Default)]
pub(crate) struct Snapshot {
    pub kvs: BTreeMap<String, KeyValue>,
    pub revision: i64,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Op {
    Create,
    Update { expected: i64 },
    Delete { expected: Option<i64> },
}

struct Request {
    key: String,
    value: Bytes,
    op: Op,
    reply: oneshot::Sender<Result<KeyValue>>,
}

struct Watcher {
    prefix: String,
    after: i64,
    events: mpsc::Sender<Event>,
}

impl Watcher {
    /// Queues `event` if this watcher wants it. Returns false once the watcher should be
    /// dropped: its receiver is gone, or it is so far behind that its buffer is full.
    fn offer(&self, event: &Event) -> bool {
        if event.kv.mod_revision <= self.after || !event.kv.key.starts_with(&self.prefix) {
            return !self.events.is_closed();
        }
        match self.events.try_send(event.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::debug!(prefix = %self.prefix, "dropping a watcher that fell behind");
                false
            }
            Err(TrySendError::Closed(_)) => false,
        }
    }
}

struct State {
    kvs: BTreeMap<String, KeyValue>,
    revision: i64,
    /// Every revision up to and including this one has left `history`.
    compacted: i64,
    /// The events of revisions `compacted + 1 ..= revision`, oldest first.
    history: VecDeque<Event>,
    watchers: Vec<Watcher>,
}

struct Shared {
    state: RwLock<State>,
    /// Mirrors of `State` fields for lock-free reads.
    revision: AtomicI64,
    compacted: AtomicI64,
    commits: AtomicU64,
    committed_writes: AtomicU64,
    options: StoreOptions,
}

/// Successful writes of one batch, and each request's outcome (an index into `events`).
struct Plan {
    events: Vec<Event>,
    outcomes: Vec<Result<usize>>,
}

impl Shared {
    // Nothing inside the critical sections can panic short of aborting on allocation failure,
    // so a poisoned lock still guards consistent state.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn process(&self, batch: Vec<Request>, durability: &mut dyn Durability) {
        let plan = self.plan(&batch);
        let committed = match plan.events.last() {
            None => Ok(()),
            Some(last) => durability.commit(&plan.events, last.kv.mod_revision),
        };
        match committed {
            Ok(()) => {
                if !plan.events.is_empty() {
                    self.commits.fetch_add(1, Ordering::Relaxed);
                    self.committed_writes
                        .fetch_add(plan.events.len() as u64, Ordering::Relaxed);
                }
                let results: Vec<_> = plan
                    .outcomes
                    .into_iter()
                    .map(|outcome| outcome.map(|index| plan.events[index].kv.clone()))
                    .collect();
                self.apply(plan.events);
                for (request, result) in batch.into_iter().zip(results) {
                    // The caller may have stopped waiting; the write stands regardless.
                    let _ = request.reply.send(result);
                }
            }
            Err(error) => {
                // Failed validations are answered with the same error: they were judged
                // against writes that never happened.
                tracing::warn!(%error, writes = batch.len(), "commit failed");
                for request in batch {
                    let _ = request.reply.send(Err(error.clone()));
                }
            }
        }
    }

    /// Validates the batch in order, each request seeing the effect of the earlier ones, and
    /// assigns consecutive revisions to those that pass.
    fn plan(&self, batch: &[Request]) -> Plan {
        let state = self.read();
        let mut revision = state.revision;
        let mut pending: HashMap<&str, Option<KeyValue>> = HashMap::new();
        let mut events = Vec::with_capacity(batch.len());
        let mut outcomes = Vec::with_capacity(batch.len());
        for request in batch {
            let current = match pending.get(request.key.as_str()) {
                Some(kv) => kv.clone(),
                None => state.kvs.get(&request.key).cloned(),
            };
            let outcome = decide(request, current, revision + 1).map(|event| {
                revision += 1;
                let after = (event.kind == EventKind::Put).then(|| event.kv.clone());
                pending.insert(&request.key, after);
                events.push(event);
                events.len() - 1
            });
            outcomes.push(outcome);
        }
        Plan { events, outcomes }
    }

    /// Makes committed events visible to readers and watchers.
    fn apply(&self, events: Vec<Event>) {
        let mut guard = self.write();
        let state = &mut *guard;
        for event in events {
            match event.kind {
                EventKind::Put => state.kvs.insert(event.kv.key.clone(), event.kv.clone()),
                EventKind::Delete => state.kvs.remove(&event.kv.key),
            };
            state.revision = event.kv.mod_revision;
            state.watchers.retain(|watcher| watcher.offer(&event));
            state.history.push_back(event);
        }
        while state.history.len() > self.options.history_limit {
            state.history.pop_front();
            state.compacted += 1;
        }
        self.revision.store(state.revision, Ordering::Release);
        self.compacted.store(state.compacted, Ordering::Release);
    }
}

/// Checks one request against the key's current value and builds its event.
fn decide(request: &Request, current: Option<KeyValue>, revision: i64) -> Result<Event> {
    let key = &request.key;
    match (request.op, current) {
        (Op::Create, Some(_)) => Err(StoreError::AlreadyExists(key.clone())),
        (Op::Create, None) => Ok(Event {
            kind: EventKind::Put,
            kv: KeyValue {
                key: key.clone(),
                value: request.value.clone(),
                create_revision: revision,
                mod_revision: revision,
            },
            prev: None,
        }),
        (_, None) => Err(StoreError::NotFound(key.clone())),
        (Op::Update { expected }, Some(current)) => {
            check_revision(&current, expected)?;
            Ok(Event {
                kind: EventKind::Put,
                kv: KeyValue {
                    key: key.clone(),
                    value: request.value.clone(),
                    create_revision: current.create_revision,
                    mod_revision: revision,
                },
                prev: Some(current),
            })
        }
        (Op::Delete { expected }, Some(current)) => {
            if let Some(expected) = expected {
                check_revision(&current, expected)?;
            }
            Ok(Event {
                kind: EventKind::Delete,
                kv: KeyValue {
                    mod_revision: revision,
                    ..current.clone()
                },
                prev: Some(current),
            })
        }
    }
}

fn check_revision(current: &KeyValue, expected: i64) -> Result<()> {
    if current.mod_revision == expected {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            key: current.key.clone(),
            expected,
            current: current.mod_revision,
        })
    }
}

fn shut_down() -> StoreError {
    StoreError::Internal("the store's writer has stopped".into())
}

/// Owns the writer thread; dropping the engine lets it finish the queued writes and stop.
pub(crate) struct Engine {
    shared: Arc<Shared>,
    requests: Option<std_mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
}

impl Engine {
    pub(crate) fn start(
        snapshot: Snapshot,
        mut durability: Box<dyn Durability>,
        options: StoreOptions,
    ) -> Result<Engine> {
        let revision = snapshot.revision;
        let shared = Arc::new(Shared {
            state: RwLock::new(State {
                kvs: snapshot.kvs,
                revision,
                // History from before the start is not kept.
                compacted: revision,
                history: VecDeque::new(),
                watchers: Vec::new(),
            }),
            revision: AtomicI64::new(revision),
            compacted: AtomicI64::new(revision),
            commits: AtomicU64::new(0),
            committed_writes: AtomicU64::new(0),
            options,
        });
        let (sender, receiver) = std_mpsc::channel::<Request>();
        let writer_shared = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                while let Ok(first) = receiver.recv() {
                    let mut batch = vec![first];
                    batch.extend(receiver.try_iter().take(MAX_BATCH - 1));
                    writer_shared.process(batch, durability.as_mut());
                }
                // Closing the watchers' channels tells them the store is gone.
                writer_shared.write().watchers.clear();
            })
            .map_err(|e| StoreError::Internal(format!("cannot start the writer thread: {e}")))?;
        Ok(Engine {
            shared,
            requests: Some(sender),
            writer: Some(writer),
        })
    }

    pub(crate) fn get(&self, key: &str) -> Option<KeyValue> {
        self.shared.read().kvs.get(key).cloned()
    }

    pub(crate) fn list(&self, prefix: &str, opts: &ListOptions) -> ListResult {
        let state = self.shared.read();
        let lower = match opts.start_after.as_deref() {
            Some(after) if after >= prefix => Bound::Excluded(after),
            _ => Bound::Included(prefix),
        };
        let limit = if opts.limit == 0 {
            usize::MAX
        } else {
            opts.limit
        };
        let mut under_prefix = state
            .kvs
            .range::<str, _>((lower, Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(prefix));
        let kvs = under_prefix
            .by_ref()
            .take(limit)
            .map(|(_, kv)| kv.clone())
            .collect();
        ListResult {
            kvs,
            revision: state.revision,
            more: under_prefix.next().is_some(),
        }
    }

    /// Queues a write and waits for its outcome. If the caller stops waiting, the write still
    /// happens (or not) exactly as if it had waited.
    pub(crate) async fn write(&self, key: &str, value: Bytes, op: Op) -> Result<KeyValue> {
        self.enqueue(key, value, op)?
            .await
            .unwrap_or_else(|_| Err(shut_down()))
    }

    fn enqueue(
        &self,
        key: &str,
        value: Bytes,
        op: Op,
    ) -> Result<oneshot::Receiver<Result<KeyValue>>> {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            key: key.to_owned(),
            value,
            op,
            reply,
        };
        self.requests
            .as_ref()
            .ok_or_else(shut_down)?
            .send(request)
            .map_err(|_| shut_down())?;
        Ok(answer)
    }

    /// Registers a watcher under the same lock that commits take, so the replayed history
    /// and the live events join without a gap or an overlap.
    pub(crate) fn watch(&self, prefix: &str, after_revision: i64) -> Result<Watch> {
        let mut state = self.shared.write();
        if after_revision < state.compacted {
            return Err(StoreError::Compacted {
                requested: after_revision,
                oldest: state.compacted,
            });
        }
        let already_seen = usize::try_from(after_revision - state.compacted).unwrap_or(usize::MAX);
        let replay: Vec<Event> = state
            .history
            .iter()
            .skip(already_seen)
            .filter(|event| event.kv.key.starts_with(prefix))
            .cloned()
            .collect();
        // Room for the whole replay, so only live events count against the buffer.
        let capacity = self.shared.options.watch_buffer.max(1) + replay.len();
        let (sender, receiver) = mpsc::channel(capacity);
        for event in replay {
            sender
                .try_send(event)
                .map_err(|_| StoreError::Internal("watch replay overflowed".into()))?;
        }
        state.watchers.push(Watcher {
            prefix: prefix.to_owned(),
            after: after_revision,
            events: sender,
        });
        Ok(Watch { events: receiver })
    }

    pub(crate) fn current_revision(&self) -> i64 {
        self.shared.revision.load(Ordering::Acquire)
    }

    pub(crate) fn oldest_watchable_revision(&self) -> i64 {
        self.shared.compacted.load(Ordering::Acquire)
    }

    pub(crate) fn commits(&self) -> u64 {
        self.shared.commits.load(Ordering::Relaxed)
    }

    pub(crate) fn committed_writes(&self) -> u64 {
        self.shared.committed_writes.load(Ordering::Relaxed)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // Closing the queue stops the writer once it has drained it; waiting for it releases
        // the backend (e.g. the database file) before the drop returns.
        self.requests.take();
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!("the store's writer thread panicked");
            }
        }
    }
}

/// Implements [`crate::Store`] for a type with an `engine: Engine` field.
macro_rules! impl_store_with_engine {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            async fn get(&self, key: &str) -> $crate::Result<Option<$crate::KeyValue>> {
                Ok(self.engine.get(key))
            }

            async fn list(
                &self,
                prefix: &str,
                opts: $crate::ListOptions,
            ) -> $crate::Result<$crate::ListResult> {
                Ok(self.engine.list(prefix, &opts))
            }

            async fn create(
                &self,
                key: &str,
                value: bytes::Bytes,
            ) -> $crate::Result<$crate::KeyValue> {
                self.engine
                    .write(key, value, $crate::engine::Op::Create)
                    .await
            }

            async fn update(
                &self,
                key: &str,
                value: bytes::Bytes,
                expected_mod_revision: i64,
            ) -> $crate::Result<$crate::KeyValue> {
                let op = $crate::engine::Op::Update {
                    expected: expected_mod_revision,
                };
                self.engine.write(key, value, op).await
            }

            async fn delete(
                &self,
                key: &str,
                expected_mod_revision: Option<i64>,
            ) -> $crate::Result<$crate::KeyValue> {
                let op = $crate::engine::Op::Delete {
                    expected: expected_mod_revision,
                };
                self.engine.write(key, bytes::Bytes::new(), op).await
            }

            fn watch(&self, prefix: &str, after_revision: i64) -> $crate::Result<$crate::Watch> {
                self.engine.watch(prefix, after_revision)
            }

            fn current_revision(&self) -> i64 {
                self.engine.current_revision()
            }

            fn oldest_watchable_revision(&self) -> i64 {
                self.engine.oldest_watchable_revision()
            }
        }
    };
}
pub(crate) use impl_store_with_engine;

#[cfg(test)]
mod tests {
    use super::*;

    /// A durability layer that reports each commit's size and waits for the test to decide
    /// whether it succeeds.
    struct Gate {
        entered: std_mpsc::Sender<usize>,
        verdicts: std_mpsc::Receiver<bool>,
    }

    impl Durability for Gate {
        fn commit(&mut self, events: &[Event], _revision: i64) -> Result<()> {
            let _ = self.entered.send(events.len());
            match self.verdicts.recv() {
                Ok(true) => Ok(()),
                _ => Err(StoreError::Internal("injected failure".into())),
            }
        }
    }

    struct Harness {
        engine: Engine,
        entered: std_mpsc::Receiver<usize>,
        verdicts: std_mpsc::Sender<bool>,
    }

    fn gated_engine() -> Harness {
        let (entered_tx, entered) = std_mpsc::channel();
        let (verdicts, verdicts_rx) = std_mpsc::channel();
        let gate = Gate {
            entered: entered_tx,
            verdicts: verdicts_rx,
        };
        let engine =
            Engine::start(Snapshot::default(), Box::new(gate), StoreOptions::default()).unwrap();
        Harness {
            engine,
            entered,
            verdicts,
        }
    }

    fn enqueue(engine: &Engine, key: &str, op: Op) -> oneshot::Receiver<Result<KeyValue>> {
        engine.enqueue(key, Bytes::from_static(b"v"), op).unwrap()
    }

    #[test]
    fn a_batch_is_validated_in_order_and_failures_consume_no_revision() {
        let h = gated_engine();
        let first = enqueue(&h.engine, "x", Op::Create);
        assert_eq!(h.entered.recv().unwrap(), 1);
        // The writer is blocked in the first commit, so these queue up into one batch.
        let a = enqueue(&h.engine, "a", Op::Create);
        let a_again = enqueue(&h.engine, "a", Op::Create);
        let missing = enqueue(&h.engine, "missing", Op::Delete { expected: None });
        let stale = enqueue(&h.engine, "a", Op::Update { expected: 1 });
        let a_update = enqueue(&h.engine, "a", Op::Update { expected: 2 });
        h.verdicts.send(true).unwrap();
        assert_eq!(h.entered.recv().unwrap(), 2);
        // Nothing of the pending batch is visible before its commit succeeds.
        assert_eq!(h.engine.current_revision(), 1);
        assert_eq!(h.engine.get("a"), None);
        h.verdicts.send(true).unwrap();

        assert_eq!(first.blocking_recv().unwrap().unwrap().mod_revision, 1);
        assert_eq!(a.blocking_recv().unwrap().unwrap().mod_revision, 2);
        assert_eq!(
            a_again.blocking_recv().unwrap(),
            Err(StoreError::AlreadyExists("a".into()))
        );
        assert_eq!(
            missing.blocking_recv().unwrap(),
            Err(StoreError::NotFound("missing".into()))
        );
        assert_eq!(
            stale.blocking_recv().unwrap(),
            Err(StoreError::Conflict {
                key: "a".into(),
                expected: 1,
                current: 2
            })
        );
        let updated = a_update.blocking_recv().unwrap().unwrap();
        assert_eq!((updated.create_revision, updated.mod_revision), (2, 3));
        assert_eq!(h.engine.current_revision(), 3);
        assert_eq!(h.engine.commits(), 2);
        assert_eq!(h.engine.committed_writes(), 3);
    }

    #[test]
    fn a_failed_commit_leaves_no_trace() {
        let h = gated_engine();
        let mut watch = h.engine.watch("", 0).unwrap();
        let failed = enqueue(&h.engine, "k", Op::Create);
        h.entered.recv().unwrap();
        h.verdicts.send(false).unwrap();
        assert!(matches!(
            failed.blocking_recv().unwrap(),
            Err(StoreError::Internal(_))
        ));
        assert_eq!(h.engine.current_revision(), 0);
        assert_eq!(h.engine.get("k"), None);
        assert!(watch.events.try_recv().is_err());
        assert_eq!(h.engine.commits(), 0);

        let retried = enqueue(&h.engine, "k", Op::Create);
        h.entered.recv().unwrap();
        h.verdicts.send(true).unwrap();
        assert_eq!(retried.blocking_recv().unwrap().unwrap().mod_revision, 1);
        assert_eq!(watch.events.blocking_recv().unwrap().kv.mod_revision, 1);
    }

    #[test]
    fn dropping_the_engine_closes_watchers() {
        let h = gated_engine();
        let mut watch = h.engine.watch("", 0).unwrap();
        drop(h.engine);
        assert_eq!(watch.events.blocking_recv(), None);
    }
}

//! A revisioned key-value store with watch, modelled on etcd's data model so that an etcd
//! backend can implement the same trait: one global revision counter, per-key create/mod
//! revisions, compare-and-swap on the mod revision, watch from a revision, and compaction that
//! turns too-old watch requests into [`StoreError::Compacted`].
//!
//! The API server maps `metadata.resourceVersion` to `mod_revision`.

use async_trait::async_trait;
use bytes::Bytes;

/// One stored key at one revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub value: Bytes,
    /// Revision of the write that created this key (unchanged by updates).
    pub create_revision: i64,
    /// Revision of the last write to this key (for a delete event: the delete's revision).
    pub mod_revision: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Put,
    Delete,
}

/// A change, as delivered to watchers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    /// For `Put`: the new value. For `Delete`: the last value, with `mod_revision` set to the
    /// revision of the delete.
    pub kv: KeyValue,
    /// The value before this event, if the key existed.
    pub prev: Option<KeyValue>,
}

#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// Only keys strictly greater than this (pagination).
    pub start_after: Option<String>,
    /// At most this many keys; 0 = no limit.
    pub limit: usize,
}

#[derive(Clone, Debug, Default)]
pub struct ListResult {
    /// Keys in ascending byte order.
    pub kvs: Vec<KeyValue>,
    /// The store revision the list reflects.
    pub revision: i64,
    /// True if more keys under the prefix follow the last returned key.
    pub more: bool,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum StoreError {
    #[error("key {0} not found")]
    NotFound(String),
    #[error("key {0} already exists")]
    AlreadyExists(String),
    /// Compare-and-swap failed: the key's mod revision is not the expected one.
    #[error("key {key} was modified: expected revision {expected}, current {current}")]
    Conflict {
        key: String,
        expected: i64,
        current: i64,
    },
    /// The requested watch revision is older than the retained history.
    #[error("required revision {requested} has been compacted (oldest available {oldest})")]
    Compacted { requested: i64, oldest: i64 },
    #[error("storage failure: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A live watch. Events arrive in revision order. The channel closes when the watcher falls too
/// far behind or the store shuts down; the client then re-watches from its last seen revision.
pub struct Watch {
    pub events: tokio::sync::mpsc::Receiver<Event>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("pending_events", &self.events.len())
            .finish()
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn get(&self, key: &str) -> Result<Option<KeyValue>>;
    /// Keys starting with `prefix`, in key order.
    async fn list(&self, prefix: &str, opts: ListOptions) -> Result<ListResult>;
    /// Fails with `AlreadyExists` if the key exists.
    async fn create(&self, key: &str, value: Bytes) -> Result<KeyValue>;
    /// Replaces the value iff the key's current `mod_revision == expected_mod_revision`
    /// (`Conflict` otherwise, `NotFound` if absent).
    async fn update(&self, key: &str, value: Bytes, expected_mod_revision: i64)
        -> Result<KeyValue>;
    /// Deletes the key (only if its mod revision matches, when given). Returns the deleted value
    /// with `mod_revision` set to the revision of the delete.
    async fn delete(&self, key: &str, expected_mod_revision: Option<i64>) -> Result<KeyValue>;
    /// Events for keys under `prefix` with revision > `after_revision`.
    /// `Compacted` if history before that revision is gone.
    fn watch(&self, prefix: &str, after_revision: i64) -> Result<Watch>;
    /// The revision of the latest committed write.
    fn current_revision(&self) -> i64;
    /// The oldest revision a watch may start after.
    fn oldest_watchable_revision(&self) -> i64;
}

mod engine;
pub mod memory;
pub mod sqlite;

pub use engine::StoreOptions;
pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

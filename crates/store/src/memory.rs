//! An in-memory store: the engine with nothing behind it. Everything is lost on drop; meant
//! for tests and for embedding where persistence is not wanted.

use crate::engine::{impl_store_with_engine, Durability, Engine, Snapshot, StoreOptions};
use crate::{Event, Result};

/// A [`crate::Store`] that keeps everything in memory.
pub struct MemoryStore {
    engine: Engine,
}

/// Commits are accepted as soon as they are validated.
struct Volatile;

impl Durability for Volatile {
    fn commit(&mut self, _events: &[Event], _revision: i64) -> Result<()> {
        Ok(())
    }
}

impl MemoryStore {
    /// An empty store at revision 0.
    ///
    /// # Panics
    /// If the operating system cannot start the writer thread, like [`std::thread::spawn`].
    pub fn new() -> MemoryStore {
        MemoryStore::with_options(StoreOptions::default())
    }

    /// An empty store with the given tuning.
    ///
    /// # Panics
    /// If the operating system cannot start the writer thread, like [`std::thread::spawn`].
    pub fn with_options(options: StoreOptions) -> MemoryStore {
        match Engine::start(Snapshot::default(), Box::new(Volatile), options) {
            Ok(engine) => MemoryStore { engine },
            Err(error) => panic!("{error}"),
        }
    }

    /// How many batches have been committed so far.
    pub fn commits(&self) -> u64 {
        self.engine.commits()
    }

    /// How many writes those batches contained.
    pub fn committed_writes(&self) -> u64 {
        self.engine.committed_writes()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl_store_with_engine!(MemoryStore);

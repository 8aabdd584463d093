use store::{MemoryStore, SqliteStore, Store, StoreOptions};
use tempfile::TempDir;

/// A store under test, with the directory that must outlive it.
pub struct TestStore {
    pub store: Box<dyn Store>,
    _dir: Option<TempDir>,
}

pub fn memory(options: StoreOptions) -> TestStore {
    TestStore {
        store: Box::new(MemoryStore::with_options(options)),
        _dir: None,
    }
}

pub fn sqlite(options: StoreOptions) -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with_options(&dir.path().join("store.db"), options).unwrap();
    TestStore {
        store: Box::new(store),
        _dir: Some(dir),
    }
}

/// For each `async fn name(&dyn Store)` listed, defines the tests `memory::name` and
/// `sqlite::name` running it on a fresh store of that backend opened with `options`.
macro_rules! on_both_backends {
    ($options:expr; $($name:ident),+ $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    let t = $crate::support::memory($options);
                    super::$name(&*t.store).await;
                }
            )+
        }

        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let t = $crate::support::sqlite($options);
                    super::$name(&*t.store).await;
                }
            )+
        }
    };
}

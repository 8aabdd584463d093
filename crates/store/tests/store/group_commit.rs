use std::sync::Arc;

use bytes::Bytes;
use store::{MemoryStore, SqliteStore, Store};

const TASKS: usize = 64;
const PER_TASK: usize = 50;
const WRITES: usize = TASKS * PER_TASK;

/// Runs `TASKS` concurrent tasks each creating `PER_TASK` keys and checks that every write got
/// its own revision and together they fill `1..=WRITES`.
async fn create_concurrently(store: Arc<dyn Store>) {
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut revisions = Vec::with_capacity(PER_TASK);
                for i in 0..PER_TASK {
                    let key = format!("/gc/{task}/{i}");
                    let kv = store.create(&key, Bytes::from(key.clone())).await.unwrap();
                    revisions.push(kv.mod_revision);
                }
                revisions
            })
        })
        .collect();
    let mut revisions = Vec::with_capacity(WRITES);
    for task in tasks {
        let mine = task.await.unwrap();
        assert!(
            mine.windows(2).all(|w| w[0] < w[1]),
            "a task went back in time"
        );
        revisions.extend(mine);
    }
    revisions.sort_unstable();
    let expected: Vec<i64> = (1..=WRITES as i64).collect();
    assert_eq!(revisions, expected);
    assert_eq!(store.current_revision(), WRITES as i64);
    let listed = store.list("/gc/", Default::default()).await.unwrap();
    assert_eq!(listed.kvs.len(), WRITES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sqlite_writes_share_commits() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("store.db")).unwrap());
    create_concurrently(store.clone()).await;
    assert_eq!(store.committed_writes(), WRITES as u64);
    let commits = store.commits();
    assert!(
        commits < WRITES as u64 / 2,
        "{commits} commits for {WRITES} writes: batches averaged under 2 writes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_memory_writes_get_distinct_revisions() {
    let store = Arc::new(MemoryStore::new());
    create_concurrently(store.clone()).await;
    assert_eq!(store.committed_writes(), WRITES as u64);
    assert!(store.commits() <= WRITES as u64);
}

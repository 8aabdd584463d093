use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use store::{SqliteStore, Store, StoreError};

fn value(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

#[tokio::test]
async fn reopening_restores_keys_and_revision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let (kept, updated) = {
        let store = SqliteStore::open(&path).unwrap();
        let kept = store.create("/kept", value("k")).await.unwrap();
        store.create("/updated", value("old")).await.unwrap();
        let updated = store.update("/updated", value("new"), 2).await.unwrap();
        store.create("/deleted", value("d")).await.unwrap();
        // The last write is a delete: only the persisted revision remembers it.
        store.delete("/deleted", None).await.unwrap();
        assert_eq!(store.current_revision(), 5);
        (kept, updated)
    };

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.current_revision(), 5);
    assert_eq!(store.get("/kept").await.unwrap(), Some(kept));
    assert_eq!(store.get("/updated").await.unwrap(), Some(updated));
    assert_eq!(store.get("/deleted").await.unwrap(), None);
    assert_eq!(
        store.list("", Default::default()).await.unwrap().kvs.len(),
        2
    );

    // History does not survive a restart.
    assert_eq!(store.oldest_watchable_revision(), 5);
    assert_eq!(
        store.watch("", 4).unwrap_err(),
        StoreError::Compacted {
            requested: 4,
            oldest: 5
        }
    );
    let mut watch = store.watch("", 5).unwrap();
    let next = store.create("/next", value("n")).await.unwrap();
    assert_eq!(next.mod_revision, 6);
    assert_eq!(watch.events.recv().await.unwrap().kv, next);
}

#[test]
fn a_database_cannot_be_opened_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let first = SqliteStore::open(&path).unwrap();
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::Internal(_))
    ));
    drop(first);
    SqliteStore::open(&path).unwrap();
}

#[test]
fn a_corrupt_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    std::fs::write(&path, vec![0xA5; 8192]).unwrap();
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::Internal(_))
    ));
}

const CHILD_DB: &str = "STORE_CRASH_TEST_DB";
const CHILD_TEST: &str = "durability::crash_child";
const ACK: &str = "ACK ";

/// Writes keys as fast as it can, printing each acknowledged one, until it is killed.
#[test]
#[ignore = "only run as the child process of acknowledged_writes_survive_sigkill"]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Arc::new(SqliteStore::open(Path::new(&path)).unwrap());
        let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel();
        // Bounded in time in case the parent never kills us.
        let deadline = Instant::now() + Duration::from_secs(60);
        for writer in 0..8 {
            let store = Arc::clone(&store);
            let acks = acks.clone();
            tokio::spawn(async move {
                for i in 0.. {
                    if Instant::now() > deadline {
                        break;
                    }
                    let key = format!("/crash/{writer}/{i}");
                    let kv = store.create(&key, value(&key)).await.unwrap();
                    if acks.send(format!("{key} {}", kv.mod_revision)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(acks);
        let mut stdout = std::io::stdout().lock();
        while let Some(line) = acked.recv().await {
            writeln!(stdout, "{ACK}{line}").unwrap();
            stdout.flush().unwrap();
        }
    });
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([CHILD_TEST, "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(CHILD_DB, &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();

    // Kill the child mid-stream, after it has acknowledged a fair number of writes.
    let mut acked: HashMap<String, i64> = HashMap::new();
    let mut record = |line: String| {
        // The test harness may print its own text before the first acknowledgement.
        if let Some(ack) = line.split_once(ACK).map(|(_, ack)| ack) {
            let (key, revision) = ack.split_once(' ').unwrap();
            acked.insert(key.to_owned(), revision.parse().unwrap());
        }
    };
    let mut seen = 0;
    for line in lines.by_ref() {
        record(line.unwrap());
        seen += 1;
        if seen >= 500 {
            break;
        }
    }
    child.kill().unwrap();
    // Lines already in the pipe were acknowledged before the kill.
    for line in lines.map_while(|line| line.ok()) {
        record(line);
    }
    child.wait().unwrap();
    assert!(
        acked.len() >= 400,
        "only {} acknowledged writes",
        acked.len()
    );

    let check = rusqlite::Connection::open(&path).unwrap();
    let integrity: String = check
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    drop(check);

    let store = SqliteStore::open(&path).unwrap();
    let max_acked = acked.values().copied().max().unwrap();
    assert!(store.current_revision() >= max_acked);
    for (key, revision) in &acked {
        let kv = store.get(key).await.unwrap();
        let kv = kv.unwrap_or_else(|| panic!("acknowledged key {key} was lost"));
        assert_eq!(kv.mod_revision, *revision);
        assert_eq!(kv.value, value(key));
    }
}

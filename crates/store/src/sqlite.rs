//! The default persistent store: the engine backed by a SQLite database.
//!
//! The database holds only the current key space and the revision; history is kept in memory
//! and starts afresh at every open. Each batch of writes is one transaction, and with WAL and
//! `synchronous=FULL` a write is acknowledged only once it is on stable storage.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use rusqlite::{params, Connection, TransactionBehavior};

use crate::engine::{impl_store_with_engine, Durability, Engine, Snapshot, StoreOptions};
use crate::{Event, EventKind, KeyValue, Result, StoreError};

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS kv (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        create_revision INTEGER NOT NULL,
        mod_revision INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        revision INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO meta (id, revision) VALUES (0, 0);
";

const UPSERT: &str = "
    INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (key) DO UPDATE SET
        value = excluded.value,
        create_revision = excluded.create_revision,
        mod_revision = excluded.mod_revision
";

/// A [`crate::Store`] persisted in a SQLite database file.
///
/// The file is locked for as long as the store is open, so a second store (in this or another
/// process) cannot open it and diverge.
pub struct SqliteStore {
    engine: Engine,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and loads it into memory.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_with_options(path, StoreOptions::default())
    }

    /// Like [`SqliteStore::open`], with the given tuning.
    pub fn open_with_options(path: &Path, options: StoreOptions) -> Result<SqliteStore> {
        let conn = Connection::open(path).map_err(sqlite_error)?;
        configure(&conn)?;
        let snapshot = load(&conn)?;
        tracing::debug!(
            path = %path.display(),
            keys = snapshot.kvs.len(),
            revision = snapshot.revision,
            "opened store"
        );
        let engine = Engine::start(snapshot, Box::new(SqliteLog { conn }), options)?;
        Ok(SqliteStore { engine })
    }

    /// How many transactions have been committed since the open.
    pub fn commits(&self) -> u64 {
        self.engine.commits()
    }

    /// How many writes those transactions contained.
    pub fn committed_writes(&self) -> u64 {
        self.engine.committed_writes()
    }
}

impl_store_with_engine!(SqliteStore);

fn sqlite_error(error: rusqlite::Error) -> StoreError {
    StoreError::Internal(format!("sqlite: {error}"))
}

fn configure(conn: &Connection) -> Result<()> {
    // Only this store ever holds the file's lock, so finding it taken means another store has
    // the file open: fail at once rather than wait.
    conn.busy_timeout(Duration::ZERO).map_err(sqlite_error)?;
    // Holding the lock keeps other connections out, and lets WAL work without shared memory.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
        .map_err(sqlite_error)?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(sqlite_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Internal(format!(
            "sqlite: cannot enable WAL (journal mode is {mode})"
        )));
    }
    // FULL syncs the WAL at every commit: an acknowledged write survives power loss.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sqlite_error)?;
    conn.execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))
        .map_err(sqlite_error)
}

fn load(conn: &Connection) -> Result<Snapshot> {
    let revision: i64 = conn
        .query_row("SELECT revision FROM meta WHERE id = 0", [], |row| {
            row.get(0)
        })
        .map_err(sqlite_error)?;
    let mut statement = conn
        .prepare("SELECT key, value, create_revision, mod_revision FROM kv")
        .map_err(sqlite_error)?;
    let rows = statement
        .query_map([], |row| {
            Ok(KeyValue {
                key: row.get(0)?,
                value: Bytes::from(row.get::<_, Vec<u8>>(1)?),
                create_revision: row.get(2)?,
                mod_revision: row.get(3)?,
            })
        })
        .map_err(sqlite_error)?;
    let mut kvs = BTreeMap::new();
    for row in rows {
        let kv = row.map_err(sqlite_error)?;
        if kv.mod_revision > revision {
            return Err(StoreError::Internal(format!(
                "sqlite: key {} has revision {} beyond the store revision {revision}",
                kv.key, kv.mod_revision
            )));
        }
        kvs.insert(kv.key.clone(), kv);
    }
    Ok(Snapshot { kvs, revision })
}

/// The writer thread's handle on the database.
struct SqliteLog {
    conn: Connection,
}

impl Durability for SqliteLog {
    fn commit(&mut self, events: &[Event], revision: i64) -> Result<()> {
        // On any error the transaction is rolled back when dropped.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite_error)?;
        {
            let mut upsert = tx.prepare_cached(UPSERT).map_err(sqlite_error)?;
            let mut delete = tx
                .prepare_cached("DELETE FROM kv WHERE key = ?1")
                .map_err(sqlite_error)?;
            for event in events {
                let kv = &event.kv;
                match event.kind {
                    EventKind::Put => upsert.execute(params![
                        kv.key,
                        kv.value.as_ref(),
                        kv.create_revision,
                        kv.mod_revision
                    ]),
                    EventKind::Delete => delete.execute([&kv.key]),
                }
                .map_err(sqlite_error)?;
            }
            tx.execute("UPDATE meta SET revision = ?1 WHERE id = 0", [revision])
                .map_err(sqlite_error)?;
        }
        tx.commit().map_err(sqlite_error)
    }
}

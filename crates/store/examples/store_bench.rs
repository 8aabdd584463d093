//! Measures what the SQLite store gets out of the disk, next to what the disk can do.
//!
//! ```text
//! cargo run --release -p store --example store_bench -- --writers 64 --count 20000
//! ```
//!
//! Everything is written under a temporary directory that is removed at the end.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rusqlite::{params, Connection};
use store::{ListOptions, SqliteStore, Store};

const VALUE_SIZE: usize = 512;
const ROWS_PER_BATCH: usize = 100;
const LIST_KEYS: usize = 1000;
const LIST_ROUNDS: usize = 500;

struct Args {
    writers: usize,
    count: usize,
    /// Rows for the one-commit-per-row baseline, which is slow by nature.
    baseline_rows: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        writers: 64,
        count: 20_000,
        baseline_rows: 2_000,
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let slot = match flag.as_str() {
            "--writers" => &mut args.writers,
            "--count" => &mut args.count,
            "--baseline-rows" => &mut args.baseline_rows,
            _ => return Err(format!("unknown argument {flag}")),
        };
        let number = words.next().ok_or(format!("{flag} needs a value"))?;
        *slot = number
            .parse()
            .map_err(|e| format!("{flag} {number}: {e}"))?;
    }
    if args.writers == 0 || args.count < args.writers {
        return Err("need --writers >= 1 and --count >= --writers".into());
    }
    Ok(args)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args().map_err(|e| {
        format!("{e}\nusage: store_bench [--writers N] [--count N] [--baseline-rows N]")
    })?;
    let dir = tempfile::tempdir()?;
    let value = Bytes::from(vec![b'x'; VALUE_SIZE]);
    println!(
        "{VALUE_SIZE}-byte values, WAL + synchronous=FULL, in {}",
        dir.path().display()
    );

    println!("\n# raw SQLite");
    let single = raw_inserts(&dir.path().join("raw1.db"), args.baseline_rows, 1, &value)?;
    println!(
        "1 row per commit:    {single:>10.0} rows/s ({} rows)",
        args.baseline_rows
    );
    let batched = raw_inserts(
        &dir.path().join("raw100.db"),
        args.count,
        ROWS_PER_BATCH,
        &value,
    )?;
    println!(
        "{ROWS_PER_BATCH} rows per commit: {batched:>10.0} rows/s ({} rows)",
        args.count
    );

    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(bench_store(&dir.path().join("store.db"), &args, value))?;
    Ok(())
}

/// Inserts `rows` rows, `per_commit` to a transaction, and returns rows per second.
fn raw_inserts(path: &Path, rows: usize, per_commit: usize, value: &[u8]) -> rusqlite::Result<f64> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL,
         create_revision INTEGER NOT NULL, mod_revision INTEGER NOT NULL) WITHOUT ROWID",
    )?;
    let start = Instant::now();
    let mut next = 0;
    while next < rows {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached("INSERT INTO kv VALUES (?1, ?2, ?3, ?3)")?;
            for i in next..rows.min(next + per_commit) {
                insert.execute(params![format!("/raw/{i:08}"), value, i as i64])?;
            }
        }
        tx.commit()?;
        next += per_commit;
    }
    Ok(rows as f64 / start.elapsed().as_secs_f64())
}

async fn bench_store(
    path: &Path,
    args: &Args,
    value: Bytes,
) -> Result<(), Box<dyn std::error::Error>> {
    let store = Arc::new(SqliteStore::open(path)?);

    println!("\n# SqliteStore, {} concurrent writers", args.writers);
    let start = Instant::now();
    let mut latencies =
        create_concurrently(&store, "/bench", args.writers, args.count, &value).await?;
    let elapsed = start.elapsed();
    println!(
        "creates:             {:>10.0} /s ({} in {:.2?})",
        args.count as f64 / elapsed.as_secs_f64(),
        args.count,
        elapsed
    );
    println!(
        "create latency:      p50 {:.2?}, p99 {:.2?}",
        percentile(&mut latencies, 0.50),
        percentile(&mut latencies, 0.99)
    );
    println!(
        "average batch:       {:>10.1} writes per commit ({} commits)",
        store.committed_writes() as f64 / store.commits().max(1) as f64,
        store.commits()
    );

    create_concurrently(
        &store,
        "/list",
        args.writers.min(LIST_KEYS),
        LIST_KEYS,
        &value,
    )
    .await?;
    let mut latencies = Vec::with_capacity(LIST_ROUNDS);
    for _ in 0..LIST_ROUNDS {
        let start = Instant::now();
        let listed = store.list("/list/", ListOptions::default()).await?;
        latencies.push(start.elapsed());
        assert_eq!(listed.kvs.len(), LIST_KEYS);
    }
    println!(
        "list {LIST_KEYS} keys:      p50 {:.2?}, p99 {:.2?} (of {} keys in the store)",
        percentile(&mut latencies, 0.50),
        percentile(&mut latencies, 0.99),
        args.count + LIST_KEYS
    );
    Ok(())
}

/// Creates `count` keys under `prefix` from `writers` tasks; returns each create's latency.
async fn create_concurrently(
    store: &Arc<SqliteStore>,
    prefix: &str,
    writers: usize,
    count: usize,
    value: &Bytes,
) -> store::Result<Vec<Duration>> {
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let store = Arc::clone(store);
            let value = value.clone();
            let prefix = prefix.to_owned();
            // Spread the remainder over the first writers.
            let share = count / writers + usize::from(writer < count % writers);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(share);
                for i in 0..share {
                    let key = format!("{prefix}/{writer:03}/{i:06}");
                    let start = Instant::now();
                    store.create(&key, value.clone()).await?;
                    latencies.push(start.elapsed());
                }
                Ok::<_, store::StoreError>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(count);
    for task in tasks {
        let mine = task
            .await
            .map_err(|e| store::StoreError::Internal(e.to_string()))??;
        latencies.extend(mine);
    }
    Ok(latencies)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let index = ((samples.len().saturating_sub(1)) as f64 * p).round() as usize;
    samples.get(index).copied().unwrap_or_default()
}

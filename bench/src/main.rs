//! End-to-end figures of the Rudder API server, measured over TLS + HTTP/2 with the admin
//! client certificate, next to what the disk can do in the same run.
//!
//! ```text
//! cargo build --release --bin rudder -p rudder
//! cargo run --release -p bench --bin api_bench -- [--quick] [--rudder PATH]
//! ```
//!
//! The program starts `rudder server` on a free 127.0.0.1 port with a fresh temporary data
//! directory, sends traffic only to that address, and kills the server (its own child) when it
//! ends, also on errors, panics and Ctrl-C. Figures are printed, not asserted.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Method, StatusCode};
use http_body_util::BodyExt;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_rustls::TlsConnector;

#[path = "client.rs"]
mod client;

use client::{free_port, tls_connector, Client, Error, Reply, Result, REQUEST_TIMEOUT};
/// How long the server may take to become ready.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for watch events still in flight after the last create.
const WATCH_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Size of the `data.payload` string of every ConfigMap created.
const PAYLOAD_BYTES: usize = 200;
/// Size of each row of the raw SQLite baseline.
const BASELINE_VALUE_BYTES: usize = 512;
/// Linux reports process CPU time in USER_HZ ticks, 100 per second on every supported ABI.
const USER_HZ: f64 = 100.0;

const TARGET_CREATES_PER_SEC: f64 = 5_000.0;
const TARGET_PACED_P99: Duration = Duration::from_millis(10);
const TARGET_IDLE_RSS_KB: u64 = 30 * 1024;

struct Args {
    rudder: PathBuf,
    quick: bool,
}

/// Counts and durations of one run; `--quick` shrinks them.
struct Plan {
    creates: usize,
    clients: usize,
    connections: usize,
    paced_rate: u32,
    paced_duration: Duration,
    gets: usize,
    list_objects: usize,
    lists: usize,
    watch_events: usize,
    baseline_single_rows: usize,
    baseline_batched_rows: usize,
    baseline_batch: usize,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        Plan {
            creates: if quick { 2_000 } else { 20_000 },
            clients: 32,
            connections: 4,
            paced_rate: 100,
            paced_duration: Duration::from_secs(if quick { 3 } else { 10 }),
            gets: 2_000,
            list_objects: 1_000,
            lists: 50,
            watch_events: if quick { 200 } else { 500 },
            baseline_single_rows: if quick { 500 } else { 2_000 },
            baseline_batched_rows: if quick { 5_000 } else { 20_000 },
            baseline_batch: 100,
        }
    }
}

fn usage() -> String {
    "usage: api_bench [--quick] [--rudder PATH]\n\
     \n  --quick        smaller counts and a 3 s paced phase (seconds instead of a quarter minute)\
     \n  --rudder PATH  the rudder binary (default: target/release/rudder next to this program)"
        .into()
}

fn parse_args() -> Result<Args> {
    let mut quick = false;
    let mut rudder = None;
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--quick" => quick = true,
            "--rudder" => {
                rudder = Some(PathBuf::from(words.next().ok_or("--rudder needs a path")?))
            }
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{}", usage()).into()),
        }
    }
    let rudder = match rudder {
        Some(path) => path,
        None => default_rudder_path(),
    };
    if !rudder.is_file() {
        return Err(format!(
            "no rudder binary at {}\nbuild it first with `cargo build --release --bin rudder` \
             (or pass --rudder PATH)",
            rudder.display()
        )
        .into());
    }
    Ok(Args { rudder, quick })
}

/// `rudder` in the directory this program was built into (target/release under cargo), else
/// the workspace's target/release.
fn default_rudder_path() -> PathBuf {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("rudder")));
    match sibling {
        Some(path) if path.is_file() => path,
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("target")
            .join("release")
            .join("rudder"),
    }
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("api_bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("api_bench: starting the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            r = run(&args) => r,
            _ = tokio::signal::ctrl_c() => Err("interrupted".into()),
        }
    });
    // Dropping the run above has already killed the server.
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("api_bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The server process

/// The `rudder server` child and its data directory; dropping it kills the child (by its PID)
/// and then removes the directory.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    fn start(binary: &Path) -> Result<Server> {
        let dir = tempfile::Builder::new()
            .prefix("rudder-api-bench-")
            .tempdir()?;
        let port = free_port()?;
        let log = File::create(dir.path().join("rudder.log"))?;
        let child = Command::new(binary)
            .arg("server")
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["--bind-address", "127.0.0.1", "--port", &port.to_string()])
            // The API alone: pods the benchmark creates must not become containers here.
            .arg("--disable-agent")
            .env("RUDDER_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        Ok(Server { child, port, dir })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("rudder.log")).unwrap_or_default()
    }

    /// Fails if the child has exited, with the end of its log.
    fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            let log = self.log();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "rudder server exited ({status}); its log ends:\n{}",
                tail.join("\n")
            )
            .into());
        }
        Ok(())
    }

    /// Log lines at WARN or ERROR level.
    fn complaints(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .map(str::to_string)
            .collect()
    }

    /// (VmRSS, VmHWM) in KiB.
    fn memory_kb(&self) -> Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> Result<u64> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .ok_or_else(|| format!("no {name} in /proc/{}/status", self.pid()))?;
            let kb = line[name.len()..].trim().trim_end_matches("kB").trim();
            Ok(kb.parse()?)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// Reports the current memory use on stderr.
    fn trace_memory(&self) {
        if let Ok((rss, hwm)) = self.memory_kb() {
            progress(&format!("  server RSS {}, peak {}", mb(rss), mb(hwm)));
        }
    }

    /// User + system CPU time the server has used so far.
    fn cpu_time(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        let rest = stat
            .rsplit_once(')')
            .map(|(_, r)| r)
            .ok_or("malformed /proc/PID/stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = fields
            .get(11)
            .ok_or("short /proc/PID/stat")?
            .parse::<u64>()?
            + fields
                .get(12)
                .ok_or("short /proc/PID/stat")?
                .parse::<u64>()?;
        Ok(Duration::from_secs_f64(ticks as f64 / USER_HZ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The benchmark's requests

impl Client {
    async fn create_namespace(&self, name: &str) -> Result<()> {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
        let reply = self.post("/api/v1/namespaces", &ns).await?;
        match reply.status {
            StatusCode::CREATED | StatusCode::OK | StatusCode::CONFLICT => Ok(()),
            _ => Err(format!("creating namespace {name}: {}", reply.describe()).into()),
        }
    }

    async fn create_config_map(&self, namespace: &str, name: &str) -> Result<Reply> {
        self.post(
            &format!("/api/v1/namespaces/{namespace}/configmaps"),
            &config_map(name),
        )
        .await
    }
}

fn config_map(name: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"app": "api-bench"}},
        "data": {"payload": "x".repeat(PAYLOAD_BYTES)},
    })
}

// ---------------------------------------------------------------------------------------------
// Measurements

/// Latencies of successful requests, failures, and how long the whole phase took.
#[derive(Default)]
struct Sample {
    latencies: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
    elapsed: Duration,
}

impl Sample {
    fn record(&mut self, reply: &Reply, expected: StatusCode) {
        if reply.status == expected {
            self.latencies.push(reply.latency);
        } else {
            self.fail(reply.describe());
        }
    }

    fn fail(&mut self, what: String) {
        self.failures += 1;
        self.first_failure.get_or_insert(what);
    }

    fn merge(&mut self, other: Sample) {
        self.latencies.extend(other.latencies);
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }

    fn ok(&self) -> usize {
        self.latencies.len()
    }

    fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort_unstable();
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    fn p50_p99(&mut self) -> String {
        if self.latencies.is_empty() {
            return "no successful requests".into();
        }
        format!(
            "p50 {}  p99 {}",
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99))
        )
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

/// Creates `count` ConfigMaps named `{prefix}-NNNNNN` in `namespace` from `clients` tasks that
/// each send one request at a time.
async fn create_many(
    client: &Client,
    namespace: &str,
    prefix: &str,
    count: usize,
    clients: usize,
) -> Result<Sample> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients.max(1))
        .map(|_| {
            let client = client.clone();
            let next = next.clone();
            let namespace = namespace.to_string();
            let prefix = prefix.to_string();
            tokio::spawn(async move {
                let mut sample = Sample::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return Ok::<_, Error>(sample);
                    }
                    let reply = client
                        .create_config_map(&namespace, &format!("{prefix}-{i:06}"))
                        .await?;
                    sample.record(&reply, StatusCode::CREATED);
                }
            })
        })
        .collect();
    let mut total = Sample::default();
    for task in tasks {
        total.merge(task.await??);
    }
    total.elapsed = start.elapsed();
    Ok(total)
}

/// Open-loop creates at `rate` per second for `duration`: each create starts on its tick,
/// whether or not earlier ones have finished.
async fn paced_creates(
    client: &Client,
    namespace: &str,
    rate: u32,
    duration: Duration,
) -> Result<Sample> {
    let count = (rate as f64 * duration.as_secs_f64()).round() as usize;
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for i in 0..count {
        tick.tick().await;
        let client = client.clone();
        let namespace = namespace.to_string();
        tasks.push(tokio::spawn(async move {
            client
                .create_config_map(&namespace, &format!("paced-{i:06}"))
                .await
        }));
    }
    let mut sample = Sample::default();
    for task in tasks {
        sample.record(&task.await??, StatusCode::CREATED);
    }
    sample.elapsed = start.elapsed();
    Ok(sample)
}

/// Sequential GETs of single objects named `{prefix}-NNNNNN`, cycling over `existing`.
async fn gets(
    client: &Client,
    namespace: &str,
    prefix: &str,
    existing: usize,
    count: usize,
) -> Result<Sample> {
    let mut sample = Sample::default();
    let start = Instant::now();
    for i in 0..count {
        let name = format!("{prefix}-{:06}", (i * 7919) % existing.max(1));
        let reply = client
            .get(&format!("/api/v1/namespaces/{namespace}/configmaps/{name}"))
            .await?;
        sample.record(&reply, StatusCode::OK);
    }
    sample.elapsed = start.elapsed();
    Ok(sample)
}

/// Sequential lists of a namespace; returns the sample and the size of the last list body.
/// Each list must hold the `expected` objects named `prefix…` (the namespace also holds its
/// `kube-root-ca.crt`).
async fn lists(
    client: &Client,
    namespace: &str,
    prefix: &str,
    expected: usize,
    count: usize,
) -> Result<(Sample, usize)> {
    let mut sample = Sample::default();
    let mut size = 0;
    let start = Instant::now();
    for _ in 0..count {
        let reply = client
            .get(&format!("/api/v1/namespaces/{namespace}/configmaps"))
            .await?;
        size = reply.body.len();
        if reply.status != StatusCode::OK {
            sample.fail(reply.describe());
            continue;
        }
        let items = reply.json()?["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| {
                i["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .count();
        if items == expected {
            sample.latencies.push(reply.latency);
        } else {
            sample.fail(format!("list returned {items} items, expected {expected}"));
        }
    }
    sample.elapsed = start.elapsed();
    Ok((sample, size))
}

/// Opens a watch on `namespace`'s ConfigMaps from its current revision, on a connection of its
/// own, then creates `count` objects one after another. Latency: from sending a create to
/// reading the matching ADDED event from the watch stream.
async fn watch_latency(
    tls: &TlsConnector,
    port: u16,
    client: &Client,
    namespace: &str,
    count: usize,
) -> Result<(Sample, Sample)> {
    let path = format!("/api/v1/namespaces/{namespace}/configmaps");
    let listed = client.get(&path).await?;
    if listed.status != StatusCode::OK {
        return Err(format!("listing {namespace}: {}", listed.describe()).into());
    }
    let revision = listed.json()?["metadata"]["resourceVersion"]
        .as_str()
        .ok_or("list without metadata.resourceVersion")?
        .to_string();

    let watcher = Client::new(tls, port, 1).await?;
    let request = watcher.request(
        Method::GET,
        &format!("{path}?watch=true&resourceVersion={revision}"),
        None,
    )?;
    let mut sender = watcher.sender();
    sender.ready().await?;
    let response = tokio::time::timeout(REQUEST_TIMEOUT, sender.send_request(request))
        .await
        .map_err(|_| "the watch did not answer")??;
    if response.status() != StatusCode::OK {
        return Err(format!("watch: HTTP {}", response.status()).into());
    }
    let mut body = response.into_body();

    // Reader: timestamps each ADDED event as soon as its line is complete.
    let (events_tx, mut events) = mpsc::unbounded_channel::<(String, Instant)>();
    let reader = tokio::spawn(async move {
        let mut pending: Vec<u8> = Vec::new();
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let arrived = Instant::now();
            pending.extend_from_slice(&data);
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let Ok(event) = serde_json::from_slice::<Value>(&line) else {
                    continue;
                };
                if event["type"] == "ADDED" {
                    if let Some(name) = event["object"]["metadata"]["name"].as_str() {
                        let _ = events_tx.send((name.to_string(), arrived));
                    }
                }
            }
        }
    });

    let mut sample = Sample::default();
    let mut created = Sample::default();
    let mut sent = HashMap::with_capacity(count);
    let start = Instant::now();
    for i in 0..count {
        let name = format!("watched-{i:06}");
        sent.insert(name.clone(), Instant::now());
        let reply = client.create_config_map(namespace, &name).await?;
        created.record(&reply, StatusCode::CREATED);
        if reply.status != StatusCode::CREATED {
            sent.remove(&name);
        }
    }
    let deadline = tokio::time::Instant::now() + WATCH_DRAIN_TIMEOUT;
    while !sent.is_empty() {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some((name, arrived))) => {
                if let Some(at) = sent.remove(&name) {
                    sample.latencies.push(arrived.saturating_duration_since(at));
                }
            }
            Ok(None) => break,
            Err(_) => break,
        }
    }
    if !sent.is_empty() {
        sample.failures += sent.len();
        sample
            .first_failure
            .get_or_insert(format!("{} ADDED events never arrived", sent.len()));
    }
    sample.elapsed = start.elapsed();
    created.elapsed = sample.elapsed;
    reader.abort();
    Ok((sample, created))
}

/// Inserts `rows` rows of `BASELINE_VALUE_BYTES`, `per_commit` to a transaction, into a fresh
/// SQLite database (WAL, synchronous=FULL) at `path`; returns rows per second.
fn sqlite_inserts(path: &Path, rows: usize, per_commit: usize) -> rusqlite::Result<f64> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID",
    )?;
    let value = vec![b'x'; BASELINE_VALUE_BYTES];
    let start = Instant::now();
    let mut next = 0;
    while next < rows {
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached("INSERT INTO kv VALUES (?1, ?2, ?3)")?;
            for i in next..rows.min(next + per_commit) {
                insert.execute(params![format!("/baseline/{i:08}"), value, i as i64])?;
            }
        }
        tx.commit()?;
        next += per_commit;
    }
    Ok(rows as f64 / start.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// The run

/// One line of the report.
struct Row {
    metric: String,
    measured: String,
    target: String,
}

fn row(metric: impl Into<String>, measured: impl Into<String>, target: impl Into<String>) -> Row {
    Row {
        metric: metric.into(),
        measured: measured.into(),
        target: target.into(),
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn progress(what: &str) {
    eprintln!("api_bench: {what}");
}

async fn run(args: &Args) -> Result<()> {
    let plan = Plan::new(args.quick);
    let run_start = Instant::now();
    let mut rows = Vec::new();
    let mut failures: Vec<(String, usize, String)> = Vec::new();
    let mut note_failures = |phase: &str, sample: &Sample| {
        if sample.failures > 0 {
            failures.push((
                phase.to_string(),
                sample.failures,
                sample.first_failure.clone().unwrap_or_default(),
            ));
        }
    };

    // The physical baseline first, while nothing else runs.
    progress("raw SQLite baseline");
    let scratch = tempfile::Builder::new()
        .prefix("rudder-api-bench-sqlite-")
        .tempdir()?;
    let single = sqlite_inserts(
        &scratch.path().join("single.db"),
        plan.baseline_single_rows,
        1,
    )?;
    let batched = sqlite_inserts(
        &scratch.path().join("batched.db"),
        plan.baseline_batched_rows,
        plan.baseline_batch,
    )?;
    drop(scratch);

    progress(&format!("starting {}", args.rudder.display()));
    let mut server = Server::start(&args.rudder)?;
    let tls_dir = server.data_dir().join("tls");
    let started = Instant::now();
    let (tls, client) = loop {
        server.check_alive()?;
        if started.elapsed() > START_TIMEOUT {
            return Err(format!("rudder was not ready within {START_TIMEOUT:?}").into());
        }
        if tls_dir.join("ca.crt").exists() {
            if let Ok(tls) = tls_connector(&tls_dir) {
                if let Ok(client) = Client::new(&tls, server.port, plan.connections).await {
                    if client
                        .get("/readyz")
                        .await
                        .is_ok_and(|r| r.status == StatusCode::OK)
                    {
                        break (tls, client);
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let ready_after = started.elapsed();
    progress(&format!(
        "ready after {} (pid {}, port {})",
        ms(ready_after),
        server.pid(),
        server.port
    ));

    tokio::time::sleep(Duration::from_millis(500)).await;
    let (idle_rss, _) = server.memory_kb()?;
    rows.push(row("server ready after start", ms(ready_after), ""));
    rows.push(row(
        "idle server RSS",
        mb(idle_rss),
        format!("<= 30 MB  {}", verdict(idle_rss <= TARGET_IDLE_RSS_KB)),
    ));

    // Throughput of concurrent creates.
    progress(&format!(
        "{} creates from {} clients over {} HTTP/2 connections",
        plan.creates, plan.clients, plan.connections
    ));
    let cpu_before = server.cpu_time()?;
    let mut creates = create_many(&client, "default", "bench", plan.creates, plan.clients).await?;
    let cpu_used = server.cpu_time()?.saturating_sub(cpu_before);
    let (rss_after_creates, _) = server.memory_kb()?;
    let rate = creates.ok() as f64 / creates.elapsed.as_secs_f64();
    rows.push(row(
        format!(
            "create throughput ({} clients, {} conns)",
            plan.clients, plan.connections
        ),
        format!(
            "{rate:.0} /s ({} in {:.2} s)",
            creates.ok(),
            creates.elapsed.as_secs_f64()
        ),
        format!(">= 5,000 /s  {}", verdict(rate >= TARGET_CREATES_PER_SEC)),
    ));
    rows.push(row("create latency under that load", creates.p50_p99(), ""));
    rows.push(row(
        "server CPU per create",
        format!(
            "{:.0} us ({:.2} s CPU in {:.2} s)",
            cpu_used.as_secs_f64() * 1e6 / creates.ok().max(1) as f64,
            cpu_used.as_secs_f64(),
            creates.elapsed.as_secs_f64()
        ),
        "",
    ));
    note_failures("concurrent creates", &creates);
    server.trace_memory();

    // Mutating latency at a modest steady rate.
    progress(&format!(
        "{} creates/s for {:?}",
        plan.paced_rate, plan.paced_duration
    ));
    let mut paced = paced_creates(&client, "default", plan.paced_rate, plan.paced_duration).await?;
    let p99 = paced.percentile(0.99);
    rows.push(row(
        format!(
            "paced creates ({}/s for {} s)",
            plan.paced_rate,
            plan.paced_duration.as_secs()
        ),
        paced.p50_p99(),
        format!(
            "p99 <= 10 ms  {}",
            verdict(paced.ok() > 0 && p99 <= TARGET_PACED_P99)
        ),
    ));
    note_failures("paced creates", &paced);
    server.trace_memory();

    // Single-object reads.
    progress(&format!("{} gets", plan.gets));
    let mut got = gets(&client, "default", "bench", plan.creates, plan.gets).await?;
    rows.push(row(
        format!("get one object ({} sequential)", plan.gets),
        got.p50_p99(),
        "",
    ));
    note_failures("gets", &got);
    server.trace_memory();

    // Lists of a namespace holding exactly `list_objects` objects.
    progress(&format!("list of {} objects", plan.list_objects));
    client.create_namespace("bench-list").await?;
    let filled = create_many(
        &client,
        "bench-list",
        "item",
        plan.list_objects,
        plan.clients,
    )
    .await?;
    note_failures("filling bench-list", &filled);
    server.trace_memory();
    let cpu_before = server.cpu_time()?;
    let (mut listed, list_bytes) =
        lists(&client, "bench-list", "item", filled.ok(), plan.lists).await?;
    let list_cpu = server.cpu_time()?.saturating_sub(cpu_before);
    rows.push(row(
        format!(
            "list {} objects ({} sequential, {} KB)",
            filled.ok(),
            plan.lists,
            list_bytes / 1024
        ),
        listed.p50_p99(),
        "",
    ));
    rows.push(row(
        "server CPU per list",
        ms(list_cpu / plan.lists.max(1) as u32),
        "",
    ));
    note_failures("lists", &listed);
    server.trace_memory();

    // Watch event delivery.
    progress(&format!("watch delivery of {} events", plan.watch_events));
    client.create_namespace("bench-watch").await?;
    let (mut watched, mut sequential) =
        watch_latency(&tls, server.port, &client, "bench-watch", plan.watch_events).await?;
    rows.push(row(
        format!("create latency, one at a time ({})", sequential.ok()),
        sequential.p50_p99(),
        "",
    ));
    note_failures("sequential creates", &sequential);
    rows.push(row(
        format!("watch event delivery ({} creates)", watched.ok()),
        watched.p50_p99(),
        "",
    ));
    note_failures("watch", &watched);
    server.trace_memory();

    // The four namespaces rudder creates at start, the two made here, and every ConfigMap.
    let objects = 4 + 2 + creates.ok() + paced.ok() + filled.ok() + sequential.ok();
    let (rss_end, hwm_end) = server.memory_kb()?;
    rows.push(row(
        format!("server RSS with {} ConfigMaps", creates.ok()),
        mb(rss_after_creates),
        "",
    ));
    rows.push(row(
        format!("server RSS with {objects} objects (end)"),
        mb(rss_end),
        "",
    ));
    rows.push(row("server peak RSS (VmHWM)", mb(hwm_end), ""));
    rows.push(row(
        format!(
            "SQLite baseline, 1 row/commit ({} rows)",
            plan.baseline_single_rows
        ),
        format!("{single:.0} rows/s"),
        "",
    ));
    rows.push(row(
        format!(
            "SQLite baseline, {} rows/commit ({} rows)",
            plan.baseline_batch, plan.baseline_batched_rows
        ),
        format!("{batched:.0} rows/s"),
        "",
    ));

    server.check_alive()?;
    let complaints = server.complaints();
    drop(client);
    drop(server);

    println!();
    println!(
        "Rudder API server, {} run: TLS + HTTP/2, admin client certificate, {}-byte ConfigMap payloads",
        if args.quick { "quick" } else { "full" },
        PAYLOAD_BYTES
    );
    println!(
        "{} CPUs shared by server and client; SQLite rows of {BASELINE_VALUE_BYTES} bytes, WAL, synchronous=FULL",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    let width = rows.iter().map(|r| r.metric.len()).max().unwrap_or(0);
    let measured_width = rows.iter().map(|r| r.measured.len()).max().unwrap_or(0);
    println!(
        "{:width$}  {:measured_width$}  target",
        "metric", "measured"
    );
    println!("{}", "-".repeat(width + measured_width + 20));
    for r in &rows {
        let line = format!(
            "{:width$}  {:measured_width$}  {}",
            r.metric, r.measured, r.target
        );
        println!("{}", line.trim_end());
    }
    println!();
    if failures.is_empty() {
        println!("no failed requests");
    } else {
        for (phase, count, first) in &failures {
            println!("{phase}: {count} failed; first: {first}");
        }
    }
    if complaints.is_empty() {
        println!("server log: no warnings or errors");
    } else {
        println!(
            "server log: {} warnings or errors, the first ones:",
            complaints.len()
        );
        for line in complaints.iter().take(5) {
            println!("  {line}");
        }
    }
    println!("whole run: {:.1} s", run_start.elapsed().as_secs_f64());
    Ok(())
}

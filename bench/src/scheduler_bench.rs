//! Scheduler throughput and latency, measured against the release binary over TLS + HTTP/2
//! with the admin client certificate.
//!
//! ```text
//! cargo build --release --bin rudder -p rudder
//! cargo run --release -p bench --bin scheduler_bench -- [--quick] [--rudder PATH]
//! ```
//!
//! Each phase starts a fresh `rudder server` on a free 127.0.0.1 port with every control loop
//! disabled except the scheduler (and the Deployment and ReplicaSet controllers for the
//! Deployment phase) and without a node agent for this machine, registers simulated Node
//! objects (Ready, with allocatable CPU, memory and pods), watches the benchmark namespace's
//! pods, creates pods as fast as the API takes them, and waits until
//! every pod is bound. Times come from when the watch delivered each pod's first event
//! (created) and the event carrying its `spec.nodeName` (bound). The server (its own child)
//! is killed when a phase ends, also on errors and Ctrl-C. In the phase where every pod exists
//! before the scheduler starts, bindings are timed by sampling the server's own count of them
//! (`apiserver_request_total` of `pods/binding`), since the scheduler may start before a watch
//! of ours could. Figures are printed, not asserted.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

#[path = "client.rs"]
mod client;

use client::{tls_connector, Error, Result};

const NAMESPACE: &str = "bench";
const START_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long pods may take to be bound once the last one was created.
const BIND_TIMEOUT: Duration = Duration::from_secs(180);
const ZONES: usize = 10;
/// Requests in flight while creating objects.
const CREATORS: usize = 64;
const CONNECTIONS: usize = 4;
/// Linux reports process CPU time in USER_HZ ticks, 100 per second on every supported ABI.
const USER_HZ: f64 = 100.0;
const TARGET_PODS_PER_SEC: f64 = 5_000.0;

struct Args {
    rudder: PathBuf,
    quick: bool,
}

fn usage() -> String {
    "usage: scheduler_bench [--quick] [--rudder PATH]\n\
     \n  --quick        smaller clusters and fewer pods (well under a minute)\
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
    let rudder = rudder.unwrap_or_else(default_rudder_path);
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
            eprintln!("scheduler_bench: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("scheduler_bench: starting the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            r = run(&args) => r,
            _ = tokio::signal::ctrl_c() => Err("interrupted".into()),
        }
    });
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scheduler_bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<()> {
    let (pods, small, large, replicas) = if args.quick {
        (2_000, 100, 500, 200)
    } else {
        (10_000, 1_000, 5_000, 1_000)
    };
    println!(
        "scheduler benchmark ({})",
        if args.quick { "quick" } else { "full" }
    );
    println!(
        "kube-scheduler's published floors for these shapes are 680-810 pods/s; target {TARGET_PODS_PER_SEC:.0} pods/s\n"
    );
    for nodes in [small, large] {
        let server = Server::start(&args.rudder, &["scheduler"])?;
        let client = server.client().await?;
        pods_phase(&server, &client, nodes, pods).await?;
        report_complaints(&server);
        drop(server);
        backlog_phase(&args.rudder, nodes, pods).await?;
    }
    let server = Server::start(&args.rudder, &["scheduler", "replicaset", "deployment"])?;
    let client = server.client().await?;
    deployment_phase(&server, &client, small, replicas).await?;
    report_complaints(&server);
    Ok(())
}

fn report_complaints(server: &Server) {
    let log = server.log();
    let dropped = log.matches("dropping a watcher that fell behind").count();
    let relists = log.matches("relisting").count();
    if dropped > 0 || relists > 0 {
        println!(
            "  watches dropped by the store as too slow: {dropped}; scheduler informer relists: {relists}"
        );
    }
    let complaints = server.complaints();
    if !complaints.is_empty() {
        println!("  server log warnings/errors: {}", complaints.len());
        for c in complaints.iter().take(5) {
            println!("    {c}");
        }
    }
}

fn note_resumes(resumes: usize) {
    if resumes > 0 {
        println!(
            "  (the benchmark's own watch was dropped by the server as too slow and resumed {resumes} time(s); \
             binds seen after a resume carry the resume time)"
        );
    }
}

fn progress(msg: &str) {
    eprintln!("{msg}");
}

// ---------------------------------------------------------------------------------------------
// Phases

async fn pods_phase(server: &Server, client: &Client, nodes: usize, pods: usize) -> Result<()> {
    println!("{pods} pods onto {nodes} nodes");
    setup(client, nodes).await?;
    let watch = PodWatch::start(client, "").await?;
    let cpu_before = server.cpu_time()?;
    progress(&format!("  creating {pods} pods"));
    let started = Instant::now();
    let created = create_all(client, pods, pod_manifest).await?;
    let create_secs = created.duration_since(started).as_secs_f64();
    let (seen, resumes) = watch.wait_bound(pods, BIND_TIMEOUT).await?;
    let cpu = server.cpu_time()? - cpu_before;
    let stats = Stats::from(&seen, started);
    note_resumes(resumes);
    println!(
        "  created:   {pods} pods in {create_secs:.2} s ({:.0} pods/s through the API)",
        pods as f64 / create_secs
    );
    println!(
        "  scheduled: {} pods bound {:.2} s after the first create: {:.0} pods/s",
        stats.bound,
        stats.span_secs,
        stats.bound as f64 / stats.span_secs
    );
    println!(
        "             best 1-second window {} pods/s; scheduling latency (created -> bound) p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        stats.best_window,
        stats.p50.as_secs_f64() * 1e3,
        stats.p99.as_secs_f64() * 1e3,
        stats.max.as_secs_f64() * 1e3
    );
    println!(
        "             server CPU {:.1} s ({:.0}% of 2 cores over the run)",
        cpu.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / (2.0 * stats.span_secs)
    );
    report_events(client, pods, &seen).await?;
    check_spread(client, nodes, pods).await?;
    println!();
    Ok(())
}

/// Waits for the `Scheduled` events (written after the bindings, at lower priority) and says
/// when the last one was there.
async fn report_events(client: &Client, pods: usize, seen: &HashMap<String, Seen>) -> Result<()> {
    let last_bind = seen
        .values()
        .filter_map(|s| s.bound)
        .max()
        .unwrap_or_else(Instant::now);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut count = 0;
    while Instant::now() < deadline {
        let reply = client
            .send(
                Method::GET,
                &format!("/api/v1/namespaces/{NAMESPACE}/events?fieldSelector=reason%3DScheduled"),
                None,
            )
            .await?;
        let list: Value = serde_json::from_slice(&reply.1)?;
        count = list["items"].as_array().map_or(0, Vec::len);
        if count >= pods {
            println!(
                "             all {pods} Scheduled events recorded {:.2} s after the last bind",
                last_bind.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!("             only {count} of {pods} Scheduled events recorded after 60 s");
    Ok(())
}

/// All pods exist before the scheduler starts: created with every loop off (which also gives
/// the API's own pod creation rate), then the server restarts on the same data with the
/// scheduler, which finds them all pending.
async fn backlog_phase(binary: &Path, nodes: usize, pods: usize) -> Result<()> {
    println!("{pods} pending pods onto {nodes} nodes, all created before the scheduler starts");
    let mut server = Server::start(binary, &[])?;
    let client = server.client().await?;
    setup(&client, nodes).await?;
    progress(&format!("  creating {pods} pods with the scheduler off"));
    let cpu_before = server.cpu_time()?;
    let started = Instant::now();
    create_all(&client, pods, pod_manifest).await?;
    let create_secs = started.elapsed().as_secs_f64();
    let cpu = server.cpu_time()? - cpu_before;
    println!(
        "  API alone: {pods} pods created in {create_secs:.2} s ({:.0} pods/s), server CPU {:.2} ms per pod",
        pods as f64 / create_secs,
        cpu.as_secs_f64() * 1e3 / pods as f64
    );
    drop(client);
    progress("  restarting the server with the scheduler");
    let restarted = Instant::now();
    server.restart(binary, &["scheduler"])?;
    let client = server.client().await?;
    let ready = Instant::now();
    // The scheduler may bind pods before a watch of ours is established, so the bindings are
    // timed by the server's own count of them.
    let counter = tokio::spawn(count_bindings(client.clone(), pods));
    let watch = PodWatch::start(&client, "").await?;
    let (seen, resumes) = watch.wait_bound(pods, BIND_TIMEOUT).await?;
    let cpu = server.cpu_time()?;
    note_resumes(resumes);
    let bound = seen.values().filter(|p| p.bound.is_some()).count();
    let binds = counter.await.map_err(|e| e.to_string())??;
    let span = binds.span().as_secs_f64().max(1e-6);
    println!(
        "  scheduled: {bound} pods bound {:.2} s after the restarted server was ready ({:.2} s after it started)",
        binds.last.duration_since(ready).as_secs_f64(),
        binds.last.duration_since(restarted).as_secs_f64()
    );
    println!(
        "             first to last bind {span:.2} s (the server's binding count, sampled every {} ms): {:.0} pods/s; server CPU since restart {:.1} s",
        BINDING_SAMPLE.as_millis(),
        binds.count as f64 / span,
        cpu.as_secs_f64()
    );
    report_events(&client, pods, &seen).await?;
    check_spread(&client, nodes, pods).await?;
    report_complaints(&server);
    println!();
    Ok(())
}

/// How often the server's binding count is read.
const BINDING_SAMPLE: Duration = Duration::from_millis(20);

/// When the bindings began and ended, as bounds from samples of a server-side count: `first`
/// is the last sample that saw none (so the span is never shorter than the real one).
struct Bindings {
    count: u64,
    first: Instant,
    last: Instant,
}

impl Bindings {
    fn span(&self) -> Duration {
        self.last.duration_since(self.first)
    }
}

/// Samples `apiserver_request_total` of successful `pods/binding` creates until `pods` were
/// counted.
async fn count_bindings(client: Client, pods: usize) -> Result<Bindings> {
    let deadline = Instant::now() + BIND_TIMEOUT;
    let mut first = Instant::now();
    loop {
        let sampled = Instant::now();
        let (status, body) = client.send(Method::GET, "/metrics", None).await?;
        if !status.is_success() {
            return Err(format!("/metrics: HTTP {status}").into());
        }
        let count = binding_count(&String::from_utf8_lossy(&body));
        if count == 0 {
            first = sampled;
        }
        if count >= pods as u64 {
            return Ok(Bindings {
                count,
                first,
                last: Instant::now(),
            });
        }
        if Instant::now() > deadline {
            return Err(format!("only {count} of {pods} pods bound").into());
        }
        tokio::time::sleep(BINDING_SAMPLE).await;
    }
}

fn binding_count(metrics: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("apiserver_request_total{")
                && l.contains("code=\"201\"")
                && l.contains("resource=\"pods\"")
                && l.contains("subresource=\"binding\"")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

fn pod_manifest(i: usize) -> (String, Value) {
    let body = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("pod-{i:05}"), "namespace": NAMESPACE},
        "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10",
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}});
    (format!("/api/v1/namespaces/{NAMESPACE}/pods"), body)
}

async fn deployment_phase(
    server: &Server,
    client: &Client,
    nodes: usize,
    replicas: usize,
) -> Result<()> {
    println!(
        "Deployment of {replicas} replicas on {nodes} nodes (deployment + replicaset + scheduler loops)"
    );
    setup(client, nodes).await?;
    let watch = PodWatch::start(client, "app=bench-deploy").await?;
    let cpu_before = server.cpu_time()?;
    let started = Instant::now();
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "bench-deploy", "namespace": NAMESPACE},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "bench-deploy"}},
            "template": {"metadata": {"labels": {"app": "bench-deploy"}},
                "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}});
    let reply = client
        .send(
            Method::POST,
            &format!("/apis/apps/v1/namespaces/{NAMESPACE}/deployments"),
            Some(deployment),
        )
        .await?;
    if !reply.0.is_success() {
        return Err(format!("creating the Deployment: {}", describe(&reply)).into());
    }
    let (seen, resumes) = watch.wait_bound(replicas, BIND_TIMEOUT).await?;
    note_resumes(resumes);
    let cpu = server.cpu_time()? - cpu_before;
    let last_created = seen
        .values()
        .filter_map(|p| p.added)
        .max()
        .ok_or("no pods seen")?;
    let stats = Stats::from(&seen, started);
    println!(
        "  all {replicas} pods created after {:.2} s, all bound after {:.2} s ({:.0} pods/s end to end)",
        last_created.duration_since(started).as_secs_f64(),
        stats.span_secs,
        replicas as f64 / stats.span_secs
    );
    println!(
        "  scheduling latency p50 {:.1} ms, p99 {:.1} ms; server CPU {:.1} s",
        stats.p50.as_secs_f64() * 1e3,
        stats.p99.as_secs_f64() * 1e3,
        cpu.as_secs_f64()
    );
    check_spread(client, nodes, replicas).await?;
    println!();
    Ok(())
}

/// Creates the namespace and `nodes` Ready nodes over `ZONES` zones.
async fn setup(client: &Client, nodes: usize) -> Result<()> {
    let reply = client
        .send(
            Method::POST,
            "/api/v1/namespaces",
            Some(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})),
        )
        .await?;
    if !reply.0.is_success() {
        return Err(format!("creating the namespace: {}", describe(&reply)).into());
    }
    progress(&format!("  registering {nodes} nodes"));
    let started = Instant::now();
    create_all(client, nodes, |i| {
        let name = node_name(i);
        let resources = json!({"cpu": "32", "memory": "128Gi", "pods": "110", "ephemeral-storage": "500Gi"});
        let body = json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux", "topology.kubernetes.io/zone": format!("zone-{}", i % ZONES)}},
            "status": {"capacity": resources, "allocatable": resources,
                "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}]}});
        ("/api/v1/nodes".to_string(), body)
    })
    .await?;
    // Node status is kept on create; if a server did not, write it through the subresource.
    let reply = client
        .send(
            Method::GET,
            &format!("/api/v1/nodes/{}", node_name(0)),
            None,
        )
        .await?;
    let node: Value = serde_json::from_slice(&reply.1)?;
    if node.pointer("/status/allocatable/cpu").is_none() {
        progress("  node status was not kept on create; patching it");
        for i in 0..nodes {
            let status = json!({"status": {"allocatable": {"cpu": "32", "memory": "128Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True"}]}});
            client
                .patch_merge(&format!("/api/v1/nodes/{}/status", node_name(i)), status)
                .await?;
        }
    }
    progress(&format!(
        "  {nodes} nodes registered in {:.2} s",
        started.elapsed().as_secs_f64()
    ));
    // Let the scheduler's informer take them in before the clock starts.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(())
}

fn node_name(i: usize) -> String {
    format!("node-{i:05}")
}

/// Creates `count` objects with `CREATORS` requests in flight; returns when the last finished.
async fn create_all(
    client: &Client,
    count: usize,
    make: impl Fn(usize) -> (String, Value) + Send + Sync + 'static,
) -> Result<Instant> {
    let next = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let mut workers = Vec::new();
    for _ in 0..CREATORS {
        let client = client.clone();
        let next = next.clone();
        let make = make.clone();
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<(), Error>(());
                }
                let (path, body) = make(i);
                let reply = client.send(Method::POST, &path, Some(body)).await?;
                if !reply.0.is_success() {
                    return Err(format!("POST {path}: {}", describe(&reply)).into());
                }
            }
        }));
    }
    for w in workers {
        w.await??;
    }
    Ok(Instant::now())
}

/// How evenly the pods spread: pods per node (min/max) among nodes that got any.
async fn check_spread(client: &Client, nodes: usize, pods: usize) -> Result<()> {
    let reply = client
        .send(
            Method::GET,
            &format!("/api/v1/namespaces/{NAMESPACE}/pods"),
            None,
        )
        .await?;
    let list: Value = serde_json::from_slice(&reply.1)?;
    let mut per_node: HashMap<String, usize> = HashMap::new();
    for p in list["items"].as_array().into_iter().flatten() {
        if let Some(n) = p.pointer("/spec/nodeName").and_then(Value::as_str) {
            *per_node.entry(n.to_string()).or_default() += 1;
        }
    }
    let max = per_node.values().copied().max().unwrap_or(0);
    let min = if per_node.len() < nodes {
        0
    } else {
        per_node.values().copied().min().unwrap_or(0)
    };
    println!(
        "  placement: {} of {nodes} nodes used, pods per node min {min} max {max} (ideal {:.1})",
        per_node.len(),
        pods as f64 / nodes as f64
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Watching pods

#[derive(Clone, Copy, Default)]
struct Seen {
    added: Option<Instant>,
    bound: Option<Instant>,
}

#[derive(Deserialize)]
struct WatchEvent {
    #[serde(rename = "type")]
    kind: String,
    object: WatchObject,
}

#[derive(Deserialize)]
struct WatchObject {
    metadata: WatchMeta,
    spec: Option<WatchSpec>,
}

#[derive(Deserialize)]
struct WatchMeta {
    name: Option<String>,
    #[serde(rename = "resourceVersion")]
    resource_version: Option<String>,
}

#[derive(Deserialize)]
struct WatchSpec {
    #[serde(rename = "nodeName")]
    node_name: Option<String>,
}

struct PodWatch {
    task: tokio::task::JoinHandle<Result<(HashMap<String, Seen>, usize)>>,
    target: Arc<AtomicUsize>,
}

/// Lists the pods into `seen` (present ones count as seen now); returns the list's revision.
async fn list_pods(
    client: &Client,
    query: &str,
    seen: &mut HashMap<String, Seen>,
    bound: &mut usize,
) -> Result<String> {
    let reply = client
        .send(
            Method::GET,
            &format!("/api/v1/namespaces/{NAMESPACE}/pods?{query}"),
            None,
        )
        .await?;
    if !reply.0.is_success() {
        return Err(format!("listing pods: {}", describe(&reply)).into());
    }
    let list: Value = serde_json::from_slice(&reply.1)?;
    let now = Instant::now();
    for p in list["items"].as_array().into_iter().flatten() {
        let Some(name) = p.pointer("/metadata/name").and_then(Value::as_str) else {
            continue;
        };
        let has_node = p
            .pointer("/spec/nodeName")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        let entry = seen.entry(name.to_string()).or_default();
        entry.added.get_or_insert(now);
        if has_node && entry.bound.is_none() {
            entry.bound = Some(now);
            *bound += 1;
        }
    }
    Ok(list
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .ok_or("the pod list has no resourceVersion")?
        .to_string())
}

impl PodWatch {
    /// Lists the pods, then watches from the list's revision (so the stream carries only
    /// changes); established when this returns. Should the server drop the watch (a watcher
    /// falling behind is dropped), it resumes from the last revision seen, or lists again.
    async fn start(client: &Client, label_selector: &str) -> Result<PodWatch> {
        let mut query = String::new();
        if !label_selector.is_empty() {
            query.push_str(&format!("labelSelector={label_selector}&"));
        }
        let mut seen: HashMap<String, Seen> = HashMap::new();
        let mut bound = 0usize;
        let mut revision = list_pods(client, &query, &mut seen, &mut bound).await?;
        let open = |client: Client, query: String, revision: String| async move {
            let path = format!(
                "/api/v1/namespaces/{NAMESPACE}/pods?{query}watch=true&resourceVersion={revision}"
            );
            let response = client.open(&path).await?;
            if !response.status().is_success() {
                return Err::<_, Error>(format!("watch: HTTP {}", response.status()).into());
            }
            Ok(response)
        };
        let first = open(client.clone(), query.clone(), revision.clone()).await?;
        let target = Arc::new(AtomicUsize::new(usize::MAX));
        let want = target.clone();
        let client = client.clone();
        let task = tokio::spawn(async move {
            let mut response = Some(first);
            let mut resumes = 0;
            loop {
                let body_response = match response.take() {
                    Some(r) => r,
                    None => {
                        resumes += 1;
                        match open(client.clone(), query.clone(), revision.clone()).await {
                            Ok(r) => r,
                            Err(_) => {
                                revision =
                                    list_pods(&client, &query, &mut seen, &mut bound).await?;
                                continue;
                            }
                        }
                    }
                };
                let mut body = body_response.into_body();
                let mut buf = BytesMut::new();
                let mut expired = false;
                loop {
                    if bound >= want.load(Ordering::Relaxed) {
                        return Ok((seen, resumes));
                    }
                    let frame = match tokio::time::timeout(Duration::from_millis(100), body.frame())
                        .await
                    {
                        Err(_) => continue,
                        Ok(None) => break,
                        Ok(Some(Ok(frame))) => frame,
                        Ok(Some(Err(_))) => break,
                    };
                    let Some(data) = frame.data_ref() else {
                        continue;
                    };
                    let now = Instant::now();
                    buf.extend_from_slice(data);
                    while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                        let line = buf.split_to(pos + 1);
                        let line = &line[..line.len() - 1];
                        if line.iter().all(|b| b.is_ascii_whitespace()) {
                            continue;
                        }
                        let ev: WatchEvent = serde_json::from_slice(line)?;
                        if ev.kind == "ERROR" {
                            expired = true;
                            break;
                        }
                        if let Some(rv) = ev.object.metadata.resource_version {
                            revision = rv;
                        }
                        let Some(name) = ev.object.metadata.name else {
                            continue;
                        };
                        let entry = seen.entry(name).or_default();
                        entry.added.get_or_insert(now);
                        let has_node = ev
                            .object
                            .spec
                            .and_then(|s| s.node_name)
                            .is_some_and(|n| !n.is_empty());
                        if has_node && entry.bound.is_none() {
                            entry.bound = Some(now);
                            bound += 1;
                        }
                    }
                    if expired {
                        break;
                    }
                }
                if expired {
                    revision = list_pods(&client, &query, &mut seen, &mut bound).await?;
                    resumes += 1;
                    response = Some(open(client.clone(), query.clone(), revision.clone()).await?);
                }
            }
        });
        Ok(PodWatch { task, target })
    }

    /// Waits until `count` pods were seen bound; also says how often the watch was resumed.
    async fn wait_bound(
        self,
        count: usize,
        timeout: Duration,
    ) -> Result<(HashMap<String, Seen>, usize)> {
        self.target.store(count, Ordering::Relaxed);
        match tokio::time::timeout(timeout, self.task).await {
            Ok(r) => r?,
            Err(_) => Err(format!("pods not all bound within {timeout:?}").into()),
        }
    }
}

struct Stats {
    bound: usize,
    /// From `start` to the last bind seen.
    span_secs: f64,
    best_window: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    fn from(seen: &HashMap<String, Seen>, start: Instant) -> Stats {
        let mut latencies: Vec<Duration> = seen
            .values()
            .filter_map(|s| Some(s.bound?.duration_since(s.added?)))
            .collect();
        latencies.sort();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or_default()
        };
        let binds: Vec<Instant> = seen.values().filter_map(|s| s.bound).collect();
        let last = binds.iter().max().copied().unwrap_or(start);
        let mut windows: HashMap<u64, usize> = HashMap::new();
        for b in &binds {
            *windows
                .entry(b.duration_since(start).as_secs())
                .or_default() += 1;
        }
        Stats {
            bound: binds.len(),
            span_secs: last.duration_since(start).as_secs_f64().max(1e-6),
            best_window: windows.values().copied().max().unwrap_or(0),
            p50: pct(0.50),
            p99: pct(0.99),
            max: latencies.last().copied().unwrap_or_default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The server process

/// The `rudder server` child and its data directory; dropping it kills the child (by its PID)
/// and removes the directory.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts a server running only the named control loops.
    fn start(binary: &Path, keep: &[&str]) -> Result<Server> {
        let dir = tempfile::Builder::new()
            .prefix("rudder-scheduler-bench-")
            .tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Self::spawn(binary, dir.path(), port, keep)?;
        Ok(Server { child, port, dir })
    }

    /// Stops the server and starts it again on the same data with other loops.
    fn restart(&mut self, binary: &Path, keep: &[&str]) -> Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = Self::spawn(binary, self.dir.path(), self.port, keep)?;
        Ok(())
    }

    fn spawn(binary: &Path, dir: &Path, port: u16, keep: &[&str]) -> Result<Child> {
        let disable: Vec<&str> = controllers::LOOPS
            .iter()
            .map(|(name, _)| *name)
            .filter(|n| !keep.contains(n))
            .collect();
        let log = File::options()
            .create(true)
            .append(true)
            .open(dir.join("rudder.log"))?;
        let mut cmd = Command::new(binary);
        cmd.arg("server")
            .arg("--data-dir")
            .arg(dir.join("data"))
            .args(["--bind-address", "127.0.0.1", "--port", &port.to_string()]);
        if !disable.is_empty() {
            cmd.arg("--disable").arg(disable.join(","));
        }
        // Only the simulated nodes: no node agent for this machine, where the server has one.
        let help = Command::new(binary).args(["server", "--help"]).output()?;
        if String::from_utf8_lossy(&help.stdout).contains("--disable-agent") {
            cmd.arg("--disable-agent");
        }
        let child = cmd
            .env("RUDDER_LOG", "info,store=debug")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        progress(&format!(
            "  started rudder server (pid {}, loops: {})",
            child.id(),
            if keep.is_empty() {
                "none".to_string()
            } else {
                keep.join(", ")
            }
        ));
        Ok(child)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("rudder.log")).unwrap_or_default()
    }

    fn complaints(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
            .map(str::to_string)
            .collect()
    }

    /// Connects once the server answers `/readyz`.
    async fn client(&self) -> Result<Client> {
        let deadline = Instant::now() + START_TIMEOUT;
        let tls_dir = self.data_dir().join("tls");
        loop {
            if tls_dir.join("admin.key").exists() {
                if let Ok(tls) = tls_connector(&tls_dir) {
                    if let Ok(client) = Client::new(&tls, self.port, CONNECTIONS).await {
                        if let Ok(r) = client.send(Method::GET, "/readyz", None).await {
                            if r.0.is_success() {
                                return Ok(client);
                            }
                        }
                    }
                }
            }
            if Instant::now() > deadline {
                let log = self.log();
                let tail: Vec<&str> = log.lines().rev().take(10).collect();
                return Err(format!(
                    "the server did not become ready within {START_TIMEOUT:?}; its log ends:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn cpu_time(&self) -> Result<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        let rest = stat
            .rsplit_once(')')
            .map(|(_, r)| r)
            .ok_or("malformed /proc/PID/stat")?;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = fields.get(11).ok_or("short stat")?.parse::<u64>()?
            + fields.get(12).ok_or("short stat")?.parse::<u64>()?;
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
// The client

/// A few HTTP/2 connections used round-robin.
#[derive(Clone)]
struct Client {
    connections: Arc<Vec<SendRequest<Full<Bytes>>>>,
    next: Arc<AtomicUsize>,
    base: String,
}

type Reply = (StatusCode, Bytes);

fn describe(r: &Reply) -> String {
    let text: String = String::from_utf8_lossy(&r.1).chars().take(300).collect();
    format!("HTTP {}: {text}", r.0.as_u16())
}

impl Client {
    async fn new(tls: &TlsConnector, port: u16, connections: usize) -> Result<Client> {
        let mut all = Vec::with_capacity(connections);
        for _ in 0..connections {
            let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
            tcp.set_nodelay(true)?;
            let stream = tls.connect(ServerName::try_from("127.0.0.1")?, tcp).await?;
            let (sender, connection) =
                hyper::client::conn::http2::Builder::new(TokioExecutor::new())
                    .handshake(TokioIo::new(stream))
                    .await?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            all.push(sender);
        }
        Ok(Client {
            connections: Arc::new(all),
            next: Arc::new(AtomicUsize::new(0)),
            base: format!("https://127.0.0.1:{port}"),
        })
    }

    fn sender(&self) -> SendRequest<Full<Bytes>> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[i].clone()
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Option<Value>,
    ) -> Result<Request<Full<Bytes>>> {
        let body = match body {
            Some(v) => Bytes::from(serde_json::to_vec(&v)?),
            None => Bytes::new(),
        };
        Ok(Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, content_type)
            .header(http::header::USER_AGENT, "scheduler-bench/0.1")
            .body(Full::new(body))?)
    }

    async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<Reply> {
        let mut sender = self.sender();
        let exchange = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, Error>((status, body))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| "no reply within the request timeout")?
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Result<Reply> {
        let request = self.request(method, path, "application/json", body)?;
        self.exchange(request).await
    }

    async fn patch_merge(&self, path: &str, body: Value) -> Result<Reply> {
        let request = self.request(
            Method::PATCH,
            path,
            "application/merge-patch+json",
            Some(body),
        )?;
        self.exchange(request).await
    }

    /// Starts a streaming request (a watch) and returns the response with its body unread.
    async fn open(&self, path: &str) -> Result<http::Response<Incoming>> {
        let request = self.request(Method::GET, path, "application/json", None)?;
        let mut sender = self.sender();
        sender.ready().await?;
        Ok(
            tokio::time::timeout(REQUEST_TIMEOUT, sender.send_request(request))
                .await
                .map_err(|_| "no watch response within the request timeout")??,
        )
    }
}

//! Pod startup latency and the node agent's memory, next to `ctr run` of the same image on
//! the same containerd.
//!
//! ```text
//! cargo build --release --bin rudder -p rudder
//! cargo run --release -p bench --bin pod_bench -- [--pods N] [--rudder PATH]
//! ```
//!
//! Starts `rudder server --disable-agent` on a free 127.0.0.1 port and one `rudder agent`
//! (node address 127.0.0.1, pod CIDR 198.18.241.0/24) in temporary directories. It measures
//! create → Ready of one busybox pod at a time (10 times), then of N pods created at once,
//! from each create request to the watch event that shows the pod Ready; then the agent's RSS
//! with those pods running. The baseline is `ctr run -d` of busybox on the agent's containerd
//! (10 times). Traffic goes only to 127.0.0.1 and into the pods' network namespaces. At the
//! end everything started is stopped and `rudder killall` removes the containers, bridge and
//! nftables table. Needs root. Figures are printed, not asserted.

#[path = "client.rs"]
mod client;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::{free_port, tls_connector, Client, Result};
use http_body_util::BodyExt;
use serde_json::{json, Value};

const NODE: &str = "rudder-bench-node";
const POD_CIDR: &str = "198.18.241.0/24";
const NAMESPACE: &str = "pod-bench";
const BUSYBOX: &str = "docker.io/library/busybox:latest";
const TARGET_P99: Duration = Duration::from_millis(500);
const TARGET_AGENT_RSS_KB: u64 = 20 * 1024;
const READY_TIMEOUT: Duration = Duration::from_secs(300);

/// A child process killed (by PID) when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(binary: &Path, args: &[String], log: &Path) -> Result<Process> {
    let log = std::fs::File::create(log)?;
    let child = Command::new(binary)
        .args(args)
        .env("RUDDER_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", binary.display()))?;
    Ok(Process(child))
}

fn rss_kb(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS")?;
    Ok(line[6..].trim().trim_end_matches("kB").trim().parse()?)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn pod(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "pod-bench"}},
        "spec": {"terminationGracePeriodSeconds": 0, "automountServiceAccountToken": false,
                 "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    })
}

/// Pod name → when a watch event first showed it Ready.
type ReadyTimes = Arc<Mutex<HashMap<String, Instant>>>;

/// Watches the namespace's pods and records when each becomes Ready.
async fn watch_ready(client: &Client, ready: ReadyTimes) -> Result<()> {
    let path = format!("/api/v1/namespaces/{NAMESPACE}/pods?watch=1&allowWatchBookmarks=false");
    let request = client.request(http::Method::GET, &path, None)?;
    let mut sender = client.sender();
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let mut body = response.into_body();
    tokio::spawn(async move {
        let mut buf = Vec::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            buf.extend_from_slice(&data);
            while let Some(i) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=i).collect();
                let Ok(event) = serde_json::from_slice::<Value>(&line) else {
                    continue;
                };
                let obj = &event["object"];
                let is_ready = obj["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
                if is_ready {
                    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                    let now = Instant::now();
                    if let Ok(mut r) = ready.lock() {
                        r.entry(name).or_insert(now);
                    }
                }
            }
        }
    });
    Ok(())
}

/// Creates the pods (concurrently) and waits until all are Ready; create → Ready per pod.
async fn start_pods(
    client: &Client,
    names: &[String],
    ready: &ReadyTimes,
) -> Result<Vec<Duration>> {
    let path = format!("/api/v1/namespaces/{NAMESPACE}/pods");
    let mut created = Vec::new();
    let mut tasks = Vec::new();
    for name in names {
        let (client, path, body) = (client.clone(), path.clone(), pod(name));
        let name = name.clone();
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let reply = client.post(&path, &body).await?;
            if !reply.status.is_success() {
                return Err(format!("creating pod {name}: {}", reply.describe()).into());
            }
            Ok::<_, client::Error>((name, at))
        }));
    }
    for t in tasks {
        created.push(t.await??);
    }
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let done = {
            let r = ready.lock().map_err(|_| "poisoned")?;
            created.iter().all(|(n, _)| r.contains_key(n))
        };
        if done {
            break;
        }
        if Instant::now() > deadline {
            return Err("pods did not all become Ready in time".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = ready.lock().map_err(|_| "poisoned")?;
    let mut out: Vec<Duration> = created
        .iter()
        .map(|(n, at)| r[n].saturating_duration_since(*at))
        .collect();
    out.sort();
    Ok(out)
}

fn ctr(socket: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("/usr/bin/ctr")
        .arg("--address")
        .arg(socket)
        .args(["--namespace", "k8s.io"])
        .args(args)
        .output()
}

/// Starts a busybox container with `ctr run -d`; how long that took.
fn ctr_run(socket: &Path, id: &str) -> Result<Duration> {
    let start = Instant::now();
    let run = ctr(socket, &["run", "-d", BUSYBOX, id, "sleep", "3600"])?;
    let took = start.elapsed();
    if !run.status.success() {
        return Err(format!("ctr run: {}", String::from_utf8_lossy(&run.stderr)).into());
    }
    Ok(took)
}

fn ctr_remove(socket: &Path, ids: &[String]) {
    for id in ids {
        let _ = ctr(socket, &["task", "kill", "--signal", "SIGKILL", id]);
    }
    std::thread::sleep(Duration::from_millis(200));
    for id in ids {
        let _ = ctr(socket, &["task", "rm", "--force", id]);
        let _ = ctr(socket, &["container", "rm", id]);
    }
}

/// `ctr run -d` of busybox, 10 times: the runtime's own start latency.
fn ctr_baseline(socket: &Path) -> Result<Vec<Duration>> {
    let mut out = Vec::new();
    for i in 0..10 {
        let id = format!("pod-bench-ctr-{i}");
        out.push(ctr_run(socket, &id)?);
        ctr_remove(socket, &[id]);
    }
    out.sort();
    Ok(out)
}

/// `n` `ctr run -d` at once (one thread each): what the runtime alone needs for a burst, with
/// no sandbox, network or API in the way. Each start's latency, sorted, and the whole burst's.
fn ctr_burst(socket: &Path, n: usize) -> Result<(Vec<Duration>, Duration)> {
    let ids: Vec<String> = (0..n).map(|i| format!("pod-bench-burst-{i}")).collect();
    let started = Instant::now();
    let results: Vec<Result<Duration>> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| s.spawn(move || ctr_run(socket, id)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("ctr thread panicked".into()))
            })
            .collect()
    });
    let total = started.elapsed();
    ctr_remove(socket, &ids);
    let mut out = results.into_iter().collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok((out, total))
}

fn row(metric: &str, measured: String, target: &str) {
    println!("{metric:<46} {measured:>18}   {target}");
}

fn default_rudder() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .map(|d| d.join("rudder"))
        .unwrap_or_else(|| PathBuf::from("target/release/rudder"))
}

async fn run(binary: &Path, pods: usize, dir: &Path) -> Result<()> {
    let port = free_port()?;
    let server_dir = dir.join("server");
    let _server = spawn(
        binary,
        &[
            "server".into(),
            "--data-dir".into(),
            server_dir.display().to_string(),
            "--bind-address".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--disable-agent".into(),
        ],
        &dir.join("server.log"),
    )?;
    let tls_dir = server_dir.join("tls");
    let token_file = tls_dir.join("node-token");
    let started = Instant::now();
    while !token_file.exists() || !tls_dir.join("admin.key").exists() {
        if started.elapsed() > Duration::from_secs(30) {
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let client = Client::new(&tls_connector(&tls_dir)?, port, 4).await?;
    let token = std::fs::read_to_string(&token_file)?.trim().to_string();
    let agent_dir = dir.join("agent");
    let agent = spawn(
        binary,
        &[
            "agent".into(),
            "--server".into(),
            format!("https://127.0.0.1:{port}"),
            "--token".into(),
            token,
            "--data-dir".into(),
            agent_dir.display().to_string(),
            "--node-name".into(),
            NODE.into(),
            "--node-ip".into(),
            "127.0.0.1".into(),
            "--pod-cidr".into(),
            POD_CIDR.into(),
            "--kubelet-port".into(),
            free_port()?.to_string(),
            "--dns-upstream".into(),
            format!("127.0.0.1:{}", free_port()?),
        ],
        &dir.join("agent.log"),
    )?;
    eprintln!("waiting for the node to be Ready");
    let node_ready = Instant::now();
    loop {
        let reply = client.get(&format!("/api/v1/nodes/{NODE}")).await?;
        let node = reply.json().unwrap_or(Value::Null);
        let ready = node["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        if ready {
            break;
        }
        if node_ready.elapsed() > Duration::from_secs(120) {
            return Err("the node did not become Ready".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client
        .post(
            "/api/v1/namespaces",
            &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}),
        )
        .await?;
    let ready: ReadyTimes = Arc::default();
    watch_ready(&client, ready.clone()).await?;

    eprintln!("baseline: ctr run -d x 10");
    let socket = agent_dir.join("agent/containerd/containerd.sock");
    let baseline = ctr_baseline(&socket)?;
    eprintln!("baseline: ctr run -d x {pods} at once");
    let (ctr_burst, ctr_burst_total) = ctr_burst(&socket, pods)?;

    eprintln!("one pod at a time x 10");
    let mut single = Vec::new();
    for i in 0..10 {
        single.extend(start_pods(&client, &[format!("single-{i}")], &ready).await?);
    }
    single.sort();

    eprintln!("{pods} pods at once");
    let names: Vec<String> = (0..pods).map(|i| format!("burst-{i}")).collect();
    let burst_started = Instant::now();
    let burst = start_pods(&client, &names, &ready).await?;
    let burst_total = burst_started.elapsed();
    let running = pods + 10;
    let agent_rss = rss_kb(agent.0.id())?;

    println!();
    println!("{:<46} {:>18}   target", "metric", "measured");
    row(
        "ctr run -d busybox p50 (baseline)",
        ms(percentile(&baseline, 50.0)),
        "",
    );
    row(
        "ctr run -d busybox p99 (baseline)",
        ms(percentile(&baseline, 99.0)),
        "",
    );
    row(
        &format!("{pods} x ctr run -d at once p50 (baseline)"),
        ms(percentile(&ctr_burst, 50.0)),
        "",
    );
    row(
        &format!("{pods} x ctr run -d at once p99 (baseline)"),
        ms(percentile(&ctr_burst, 99.0)),
        "",
    );
    row(
        &format!("{pods} x ctr run -d at once: all after"),
        ms(ctr_burst_total),
        "",
    );
    row(
        "1 pod: create → Ready p50",
        ms(percentile(&single, 50.0)),
        "",
    );
    row(
        "1 pod: create → Ready p99",
        ms(percentile(&single, 99.0)),
        &format!("<= {}", ms(TARGET_P99)),
    );
    row(
        &format!("{pods} pods at once: create → Ready p50"),
        ms(percentile(&burst, 50.0)),
        "",
    );
    row(
        &format!("{pods} pods at once: create → Ready p99"),
        ms(percentile(&burst, 99.0)),
        &format!(
            "<= {} {}",
            ms(TARGET_P99),
            if percentile(&burst, 99.0) <= TARGET_P99 {
                "met"
            } else {
                "NOT met"
            }
        ),
    );
    row(
        &format!("{pods} pods at once: all Ready after"),
        ms(burst_total),
        "",
    );
    row(
        &format!("agent RSS with {running} pods (no containerd)"),
        format!("{:.1} MB", agent_rss as f64 / 1024.0),
        &format!(
            "<= 20 MB {}",
            if agent_rss <= TARGET_AGENT_RSS_KB {
                "met"
            } else {
                "NOT met"
            }
        ),
    );

    eprintln!("cleaning up");
    let _ = client
        .send(
            http::Method::DELETE,
            &format!("/api/v1/namespaces/{NAMESPACE}/pods"),
            None,
        )
        .await;
    let cleanup = Instant::now();
    while cleanup.elapsed() < Duration::from_secs(120) {
        let list = client
            .get(&format!("/api/v1/namespaces/{NAMESPACE}/pods"))
            .await?;
        if list.json()?["items"]
            .as_array()
            .is_none_or(|a| a.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    drop(agent);
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut pods = 100;
    let mut binary = default_rudder();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pods" => pods = args.next().and_then(|n| n.parse().ok()).unwrap_or(100),
            "--rudder" => binary = args.next().map(PathBuf::from).unwrap_or(binary),
            _ => {
                eprintln!("usage: pod_bench [--pods N] [--rudder PATH]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let dir = match tempfile::Builder::new()
        .prefix("rudder-pod-bench-")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("pod_bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let outcome = runtime.block_on(run(&binary, pods, dir.path()));
    // Whatever happened: remove the containers, the bridge and the nftables table.
    let _ = Command::new(&binary)
        .args(["killall", "--data-dir"])
        .arg(dir.path().join("agent"))
        .stdout(Stdio::null())
        .status();
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pod_bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

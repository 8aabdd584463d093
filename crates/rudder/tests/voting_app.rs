//! The Example Voting App on Rudder, end to end with real containers: images built offline by
//! `voting-images` from this workspace's vote/worker/result and Debian's redis and PostgreSQL,
//! imported by the node agent from `DATA_DIR/agent/images`, the kustomize overlay applied with
//! the real kubectl, and then:
//! - 1,000 votes from 200 voters through the vote Service: the result Service reports exactly
//!   each voter's last vote;
//! - the worker pod deleted while votes are queued: its replacement loses none;
//! - a vote pod deleted: voting keeps working through the other replica;
//! - a headless Chromium on the result page sees a later vote arrive without a reload (and
//!   saves a screenshot under the test's target tmp dir);
//! - the server killed and restarted: the app comes back with the tally intact.
//!
//! Needs the workspace's binaries next to `rudder` (`cargo test --workspace` builds them).
//! Traffic goes from this process to the Services' cluster IPs, which this node's proxy
//! DNATs to the app's pods. Shares the host network namespace like `agent.rs` (its own pod /24,
//! cleaned up on the way out).

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{AgentCleanup, Cluster};
use serde_json::Value;

const NODE: &str = "rudder-voting-e2e";
const DEPLOYMENTS: [&str; 5] = ["redis", "db", "vote", "worker", "result"];

fn workspace_binary(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_rudder")).parent().unwrap();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the workspace (cargo test --workspace)",
        path.display()
    );
    path
}

/// One HTTP/1.1 request; the status code and body.
fn http(addr: &str, request: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// Casts `vote` as `voter`, retrying a few times (a replica may be going away).
fn cast(vote_addr: &str, voter: &str, vote: &str) {
    let body = format!("vote={vote}");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: vote\r\nCookie: voter_id={voter}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut last = String::new();
    for _ in 0..5 {
        match http(vote_addr, &request) {
            Ok((200, _)) => return,
            Ok((status, body)) => last = format!("HTTP {status}: {body}"),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("voting as {voter} failed: {last}");
}

/// The result Service's tally: (a, b).
fn tally(result_addr: &str) -> Option<(u64, u64)> {
    let (status, body) = http(
        result_addr,
        "GET /api/results HTTP/1.1\r\nHost: result\r\nConnection: close\r\n\r\n",
    )
    .ok()?;
    if status != 200 {
        return None;
    }
    let v: Value = serde_json::from_str(body.trim()).ok()?;
    Some((v["a"].as_u64()?, v["b"].as_u64()?))
}

/// Voter ids are hex, as the vote app's cookies are.
fn voter_id(n: usize) -> String {
    format!("{n:016x}")
}

fn expected(last: &BTreeMap<String, &str>) -> (u64, u64) {
    let a = last.values().filter(|v| **v == "a").count() as u64;
    (a, last.len() as u64 - a)
}

fn wait_for_tally(result_addr: &str, want: (u64, u64)) {
    let mut seen = None;
    let ok = (0..1200).any(|_| {
        seen = tally(result_addr);
        if seen == Some(want) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
        false
    });
    assert!(ok, "tally {seen:?}, expected {want:?}");
}

fn service_addr(c: &Cluster, name: &str) -> String {
    let svc = c.json(&["get", "service", name, "-n", "voting"]);
    format!(
        "{}:{}",
        svc["spec"]["clusterIP"].as_str().unwrap(),
        svc["spec"]["ports"][0]["port"]
    )
}

fn rolled_out(c: &Cluster) {
    for d in DEPLOYMENTS {
        c.ok(&[
            "rollout",
            "status",
            &format!("deployment/{d}"),
            "-n",
            "voting",
            "--timeout=180s",
        ]);
    }
}

fn pods(c: &Cluster, app: &str) -> Vec<String> {
    let out = c.ok(&[
        "get",
        "pods",
        "-n",
        "voting",
        "-l",
        &format!("app={app}"),
        "-o",
        "name",
    ]);
    out.lines().map(str::to_string).collect()
}

/// A headless Chromium driven over the DevTools protocol, killed (by PID) on drop.
struct Browser {
    child: std::process::Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium (no network of its own: background services off) on `url`.
    fn open(url: &str) -> Browser {
        use std::io::BufRead;
        let profile = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("/usr/bin/chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1000,700",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("chromium (scripts/install-deps.sh installs it)");
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut endpoint = None;
        for line in stderr.lines() {
            let line = line.unwrap_or_default();
            if let Some(at) = line.find("ws://") {
                endpoint = Some(line[at..].trim().to_string());
                break;
            }
        }
        let endpoint = endpoint.expect("chromium printed its DevTools endpoint");
        let (socket, _) = tungstenite::connect(endpoint.as_str()).expect("DevTools socket");
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", serde_json::json!({"url": url}));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            serde_json::json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().unwrap().to_string();
        browser
    }

    /// Sends a command (to the page once attached) and returns its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = serde_json::json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = Value::String(self.session.clone());
        }
        self.socket
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let reply = self.socket.read().expect("DevTools reply");
            let Ok(text) = reply.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or_default();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({"expression": expression, "returnByValue": true}),
        );
        r["result"]["value"].clone()
    }
}

/// The result page in a browser follows votes live: a vote cast after the page loaded shows
/// up without a reload. Saves a screenshot.
fn result_page_updates_live(result: &str, vote: &str, voter: &str) -> PathBuf {
    let mut browser = Browser::open(&format!("http://{result}/"));
    let state = "document.getElementById('status').textContent + '|' + document.getElementById('total').textContent";
    let mut text = String::new();
    for _ in 0..100 {
        text = browser.eval(state).as_str().unwrap_or("").to_string();
        if text.starts_with("live|") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let before: u64 = text
        .strip_prefix("live|")
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the page did not go live: {text:?}"));
    cast(vote, voter, "b");
    let want = format!("live|{} votes", before + 1);
    for _ in 0..100 {
        text = browser.eval(state).as_str().unwrap_or("").to_string();
        if text == want {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(text, want, "the page follows votes without a reload");
    let shot = browser.call(
        "Page.captureScreenshot",
        serde_json::json!({"format": "png"}),
    );
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 1000,
        "{} bytes",
        png.len()
    );
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("voting-app-result.png");
    std::fs::write(&path, png).unwrap();
    path
}

#[test]
fn voting_app_counts_every_voters_last_vote() {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("agent/images");
    let bin_dir = workspace_binary("rudder").parent().unwrap().to_path_buf();
    for b in ["vote", "worker", "result"] {
        workspace_binary(b);
    }
    let built = std::process::Command::new(workspace_binary("voting-images"))
        .arg("--out")
        .arg(&images)
        .arg("--bin-dir")
        .arg(&bin_dir)
        .arg("--uncompressed")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );

    let pod_cidr = format!("198.18.{}.0/24", 20 + std::process::id() % 10);
    let args = ["--node-name", NODE, "--pod-cidr", &pod_cidr];
    let mut c = Cluster::start_in_with_agent(dir, &args);
    // Path-based: it also serves the restarted server (same data dir and containerd socket).
    let _cleanup = AgentCleanup::new(&c, NODE);
    let overlay =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/voting-app/overlays/local");
    c.ok(&["apply", "-k", &overlay.to_string_lossy()]);
    rolled_out(&c);
    let pvc = c.json(&["get", "pvc", "db-data", "-n", "voting"]);
    assert_eq!(pvc["status"]["phase"], "Bound");
    let (vote, result) = (service_addr(&c, "vote"), service_addr(&c, "result"));

    // 1,000 votes from 200 voters; each voter's last vote counts.
    let mut last: BTreeMap<String, &str> = BTreeMap::new();
    for i in 0..1000usize {
        let voter = voter_id(i % 200);
        let choice = if (i * 7 + i / 200) % 3 == 0 { "b" } else { "a" };
        cast(&vote, &voter, choice);
        last.insert(voter, choice);
    }
    wait_for_tally(&result, expected(&last));
    eprintln!("after 1,000 votes: {:?}", expected(&last));

    // The worker goes away while votes are queued; its replacement processes them all.
    let worker = pods(&c, "worker");
    for i in 0..300usize {
        if i == 50 {
            c.ok(&["delete", "-n", "voting", &worker[0], "--wait=false"]);
        }
        let voter = voter_id(150 + i % 100);
        let choice = if i % 2 == 0 { "a" } else { "b" };
        cast(&vote, &voter, choice);
        last.insert(voter, choice);
    }
    wait_for_tally(&result, expected(&last));
    let workers = pods(&c, "worker");
    assert!(
        workers.iter().any(|p| *p != worker[0]),
        "a replacement worker: {workers:?}"
    );

    // A vote replica goes away; voting keeps working through the other.
    let voters = pods(&c, "vote");
    assert_eq!(voters.len(), 2, "{voters:?}");
    c.ok(&["delete", "-n", "voting", &voters[0], "--wait=false"]);
    for i in 0..100usize {
        let voter = voter_id(1000 + i);
        cast(&vote, &voter, "b");
        last.insert(voter, "b");
    }
    wait_for_tally(&result, expected(&last));

    // A browser on the result page sees a new vote arrive without reloading.
    let shot = result_page_updates_live(&result, &vote, &voter_id(3000));
    last.insert(voter_id(3000), "b");
    eprintln!("result page screenshot: {}", shot.display());

    // The whole server restarts (pods keep running in their shims meanwhile): the app comes
    // back with the tally intact.
    let dir = c.crash();
    c = Cluster::start_in_with_agent(dir, &args);
    rolled_out(&c);
    wait_for_tally(&service_addr(&c, "result"), expected(&last));
    cast(&service_addr(&c, "vote"), &voter_id(2000), "a");
    last.insert(voter_id(2000), "a");
    wait_for_tally(&service_addr(&c, "result"), expected(&last));
}

//! Streaming through the API server to the node agent, driven by the real kubectl against real
//! containerd: `exec` (output streams, exit codes, stdin with its end; over WebSocket and over
//! SPDY), `cp` both ways, `attach`, `port-forward` to a pod and to a Service, and the API's
//! refusals.
//!
//! Port-forward listens on loopback only (kubectl's default), and the pod's server listens on
//! the pod's own loopback, so the test also shows that forwarding happens inside the pod's
//! network namespace.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{eventually, AgentCleanup, Cluster};

const NODE: &str = "rudder-streaming-e2e";
const WAIT: Duration = Duration::from_secs(60);

/// A kubectl child process killed on drop (port-forward, attach).
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http_get(port: u16) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the forwarded port");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET / HTTP/1.0\r\nHost: test\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// Starts `kubectl port-forward TARGET :REMOTE` and returns it with the local port it chose.
fn port_forward(c: &Cluster, target: &str, remote: u16) -> (Background, u16) {
    let mut child = c
        .command(&["port-forward", target, &format!(":{remote}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kubectl port-forward");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // "Forwarding from 127.0.0.1:41234 -> 80"
    let line = lines.next().expect("port-forward printed nothing").unwrap();
    let port = line
        .strip_prefix("Forwarding from 127.0.0.1:")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected port-forward output: {line}"));
    std::thread::spawn(move || for _ in lines {});
    (Background(child), port)
}

#[test]
fn exec_cp_attach_and_port_forward_through_the_api() {
    let pod_cidr = format!("198.18.{}.0/24", 10 + std::process::id() % 5);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);

    c.ok(&[
        "run",
        "box",
        "--image=busybox",
        "--labels=app=box",
        "--",
        "sh",
        "-c",
        "mkdir -p /www && echo served-from-pod-loopback > /www/index.html \
         && httpd -p 127.0.0.1:8080 -h /www && sleep 3600",
    ]);
    c.ok(&[
        "run",
        "ticker",
        "--image=busybox",
        "--",
        "sh",
        "-c",
        "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done",
    ]);
    for pod in ["box", "ticker"] {
        c.ok(&[
            "wait",
            "--for=condition=Ready",
            &format!("pod/{pod}"),
            "--timeout=60s",
        ]);
    }

    // --- exec: stdout and stderr apart, the exit code passed through.
    let out = c.kubectl(&[
        "exec",
        "box",
        "--",
        "sh",
        "-c",
        "echo to-stdout; echo to-stderr >&2; exit 3",
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "to-stdout\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("to-stderr"), "{stderr}");
    assert!(
        stderr.contains("command terminated with exit code 3"),
        "{stderr}"
    );
    assert_eq!(
        c.ok(&["exec", "box", "-c", "box", "--", "hostname"]).trim(),
        "box"
    );

    // --- exec -i: 300 KB of stdin reach the command, and its end does too (wc finishes).
    let input = "0123456789abcdef\n".repeat(300 * 1024 / 17);
    let counted = c.ok_stdin(&["exec", "-i", "box", "--", "wc", "-c"], &input);
    assert_eq!(counted.trim(), input.len().to_string());

    // --- The same over SPDY, kubectl's older protocol (and its fallback): stdin, output
    // streams and the exit code.
    let mut spdy = c.command(&[
        "exec",
        "-i",
        "box",
        "--",
        "sh",
        "-c",
        "wc -c; echo spdy-stderr >&2; exit 4",
    ]);
    spdy.env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = spdy.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"12345").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("spdy-stderr"), "{stderr}");
    assert!(
        stderr.contains("command terminated with exit code 4"),
        "{stderr}"
    );

    // --- cp: a file in and back out, byte for byte.
    let local = c.data_dir().join("upload.bin");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&local, &content).unwrap();
    c.ok(&["cp", local.to_str().unwrap(), "box:/tmp/upload.bin"]);
    assert_eq!(
        c.ok(&["exec", "box", "--", "wc", "-c", "/tmp/upload.bin"])
            .split_whitespace()
            .next(),
        Some("200000")
    );
    let back = c.data_dir().join("download.bin");
    c.ok(&["cp", "box:/tmp/upload.bin", back.to_str().unwrap()]);
    assert!(
        std::fs::read(&back).unwrap() == content,
        "cp changed the file"
    );

    // --- attach: the running container's output.
    let mut attach = Background(
        c.command(&["attach", "ticker"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(attach.0.stdout.take().unwrap()).lines();
    let first = lines.next().expect("attach printed nothing").unwrap();
    assert!(first.starts_with("tick "), "{first}");
    drop(attach);

    // --- port-forward to the pod: its loopback-only server answers.
    let (forward, port) = port_forward(&c, "pod/box", 8080);
    for _ in 0..3 {
        let page = http_get(port);
        assert!(page.contains("served-from-pod-loopback"), "{page}");
    }
    drop(forward);

    // --- port-forward to a Service: kubectl picks a pod and its target port.
    c.ok(&["create", "service", "clusterip", "box", "--tcp=80:8080"]);
    let (forward, port) = port_forward(&c, "svc/box", 80);
    let page = http_get(port);
    assert!(page.contains("served-from-pod-loopback"), "{page}");
    drop(forward);

    // --- Refusals as the API gives them.
    let err = c.fails(&["exec", "box", "-c", "nope", "--", "true"]);
    assert!(
        err.contains("container nope is not valid for pod box"),
        "{err}"
    );
    let err = c.fails(&["exec", "missing", "--", "true"]);
    assert!(err.contains("pods \"missing\" not found"), "{err}");
    c.ok(&[
        "run",
        "done",
        "--image=busybox",
        "--restart=Never",
        "--",
        "true",
    ]);
    eventually(WAIT, || {
        let phase = c.ok(&["get", "pod", "done", "-o", "jsonpath={.status.phase}"]);
        (phase == "Succeeded").then_some(())
    });
    let err = c.fails(&["exec", "done", "--", "true"]);
    assert!(
        err.contains("cannot exec into a container in a completed pod; current phase is Succeeded"),
        "{err}"
    );
}

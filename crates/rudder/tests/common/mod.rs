//! End-to-end harness: starts a real `rudder server` on a free loopback port with its own data
//! dir, and runs the real kubectl against it. The server is killed (by PID) on drop.

#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const KUBECTL: &str = "/usr/bin/kubectl";

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    pub fn start() -> Cluster {
        Self::start_with(&[])
    }

    /// Starts a server with extra `rudder server` flags.
    pub fn start_with(extra: &[&str]) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in_with(dir, extra)
    }

    /// Starts a server on an existing data dir (to test restarts).
    pub fn start_in(dir: tempfile::TempDir) -> Cluster {
        Self::start_in_with(dir, &[])
    }

    /// Starts a server with its embedded node agent (the other constructors pass
    /// `--disable-agent`: most suites need no containers). Cluster DNS relays names outside
    /// the cluster to a closed loopback port, so no test query leaves the machine.
    pub fn start_with_agent(extra: &[&str]) -> Cluster {
        Self::start_in_with_agent(tempfile::tempdir().unwrap(), extra)
    }

    /// [`Cluster::start_with_agent`] on an existing data dir.
    pub fn start_in_with_agent(dir: tempfile::TempDir, extra: &[&str]) -> Cluster {
        let port = free_port();
        let upstream = format!("127.0.0.1:{}", free_port());
        let mut args = vec!["--dns-upstream", upstream.as_str()];
        args.extend_from_slice(extra);
        let child = spawn_server(dir.path(), port, &args);
        let c = Cluster { dir, port, child };
        c.wait_ready();
        c
    }

    /// Starts a server without an agent listening on `bind` (an address the test made, for
    /// agents in other network namespaces to reach).
    pub fn start_bound(bind: &str, extra: &[&str]) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut args = vec!["--disable-agent"];
        args.extend_from_slice(extra);
        let child = spawn_server_on(dir.path(), bind, port, &args);
        let c = Cluster { dir, port, child };
        c.wait_ready();
        c
    }

    fn start_in_with(dir: tempfile::TempDir, extra: &[&str]) -> Cluster {
        let port = free_port();
        let mut args = vec!["--disable-agent"];
        args.extend_from_slice(extra);
        let child = spawn_server(dir.path(), port, &args);
        let c = Cluster { dir, port, child };
        c.wait_ready();
        c
    }

    /// Waits until `node` reports Ready.
    pub fn wait_node_ready(&self, node: &str) {
        eventually(Duration::from_secs(90), || {
            let out = self.kubectl(&["get", "node", node]);
            String::from_utf8_lossy(&out.stdout)
                .contains(" Ready")
                .then_some(())
        });
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig.yaml")
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.kubeconfig().exists() {
                let out = self.kubectl(&["get", "--raw", "/readyz"]);
                if out.status.success() {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("rudder server did not become ready on port {}", self.port);
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(KUBECTL);
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig())
            .arg("--cache-dir")
            .arg(self.dir.path().join("kube-cache"))
            .args(args)
            .env_remove("KUBECONFIG")
            .env("HOME", self.dir.path());
        cmd
    }

    /// kubectl authenticated by a bearer `token` alone (no client certificate).
    pub fn kubectl_with_token(&self, token: &str, args: &[&str]) -> Output {
        Command::new(KUBECTL)
            .args(["--kubeconfig", "/dev/null"])
            .arg(format!("--server=https://127.0.0.1:{}", self.port))
            .arg(format!(
                "--certificate-authority={}",
                self.data_dir().join("tls/ca.crt").display()
            ))
            .arg(format!("--token={token}"))
            .arg("--cache-dir")
            .arg(self.data_dir().join("token-cache"))
            .args(args)
            .env_remove("KUBECONFIG")
            .env("HOME", self.data_dir())
            .output()
            .expect("run kubectl")
    }

    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run kubectl")
    }

    pub fn kubectl_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run kubectl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs kubectl and returns stdout, panicking with stderr on failure.
    pub fn ok(&self, args: &[&str]) -> String {
        check(self.kubectl(args), args)
    }

    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        check(self.kubectl_stdin(args, stdin), args)
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        check_failed(self.kubectl(args), args)
    }

    /// Runs kubectl with `stdin`, expecting failure; returns stderr.
    pub fn fails_stdin(&self, args: &[&str], stdin: &str) -> String {
        check_failed(self.kubectl_stdin(args, stdin), args)
    }

    /// True when kubectl fails (e.g. the object is gone), without asserting anything.
    pub fn fails_quietly(&self, args: &[&str]) -> bool {
        !self.kubectl(args).status.success()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        serde_json::from_str(&self.ok(&a)).expect("kubectl printed JSON")
    }

    /// Kills the server with SIGKILL and hands back its data dir.
    pub fn crash(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

fn spawn_server(dir: &Path, port: u16, extra: &[&str]) -> Child {
    spawn_server_on(dir, "127.0.0.1", port, extra)
}

fn spawn_server_on(dir: &Path, bind: &str, port: u16, extra: &[&str]) -> Child {
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["server", "--data-dir"])
        .arg(dir)
        .args(["--bind-address", bind, "--port", &port.to_string()])
        .args(extra)
        .env("RUDDER_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start rudder server")
}

fn check(out: Output, args: &[&str]) -> String {
    assert!(
        out.status.success(),
        "kubectl {args:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check_failed(out: Output, args: &[&str]) -> String {
    assert!(
        !out.status.success(),
        "kubectl {args:?} unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `f` until it returns Some or the timeout passes.
pub fn eventually<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "condition not met within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Removes what a cluster's embedded agent left on the host: its pod sandboxes (through its
/// containerd), its bridge, its service proxy's nftables table and its cgroups. Declare it
/// after the `Cluster`, so it runs while containerd is still up.
pub struct AgentCleanup {
    socket: PathBuf,
    bridge: String,
    cgroup_root: String,
}

impl AgentCleanup {
    pub fn new(c: &Cluster, node: &str) -> AgentCleanup {
        Self::at(&c.data_dir().join("agent"), node)
    }

    /// For an agent whose `DATA_DIR/agent` is `agent_dir`.
    pub fn at(agent_dir: &Path, node: &str) -> AgentCleanup {
        AgentCleanup {
            socket: agent_dir.join("containerd/containerd.sock"),
            bridge: kubelet::cni::bridge_name(node, agent_dir),
            cgroup_root: format!("/rudder-{node}"),
        }
    }

    /// The nftables table of the node's service proxy.
    pub fn table(&self) -> String {
        net::proxy::table_name(&self.bridge)
    }
}

impl Drop for AgentCleanup {
    fn drop(&mut self) {
        let socket = self.socket.clone();
        let worker = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let Ok(client) = cri::RuntimeClient::connect(&socket).await else {
                    return;
                };
                let client = client.with_timeout(Duration::from_secs(30));
                if let Ok(pods) = client.list_pod_sandbox(None).await {
                    for pod in pods {
                        let _ = client.stop_pod_sandbox(&pod.id).await;
                        let _ = client.remove_pod_sandbox(&pod.id).await;
                    }
                }
            });
        });
        let _ = worker.join();
        // The bridge this test's node created (by its unique name).
        let _ = std::process::Command::new("ip")
            .args(["link", "del", &self.bridge])
            .stderr(std::process::Stdio::null())
            .status();
        let table = self.table();
        for name in [net::proxy::rules::alternate_table(&table), table] {
            let _ = std::process::Command::new("nft")
                .args(["delete", "table", "ip", &name])
                .stderr(std::process::Stdio::null())
                .status();
        }
        remove_cgroups(&self.cgroup_root);
    }
}

fn remove_cgroups(root: &str) {
    let rel = root.trim_start_matches('/');
    let Ok(hierarchies) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let mut roots: Vec<PathBuf> = hierarchies.flatten().map(|e| e.path()).collect();
    roots.push(PathBuf::from("/sys/fs/cgroup"));
    for h in roots {
        let dir = h.join(rel);
        if let Ok(pods) = std::fs::read_dir(&dir) {
            for pod in pods.flatten().filter(|p| p.path().is_dir()) {
                if let Ok(cs) = std::fs::read_dir(pod.path()) {
                    for c in cs.flatten().filter(|c| c.path().is_dir()) {
                        let _ = std::fs::remove_dir(c.path());
                    }
                }
                let _ = std::fs::remove_dir(pod.path());
            }
        }
        let _ = std::fs::remove_dir(&dir);
    }
}

async fn sandboxes(socket: &Path) -> Vec<cri::api::PodSandbox> {
    let client = cri::RuntimeClient::connect(socket).await.expect("CRI");
    client.list_pod_sandbox(None).await.expect("ListPodSandbox")
}

/// The pod sandboxes a containerd holds (through its CRI socket).
pub fn list_sandboxes(socket: &Path) -> Vec<cri::api::PodSandbox> {
    let socket = socket.to_path_buf();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(sandboxes(&socket))
    })
    .join()
    .unwrap()
}

//! Rudder's node agent: an API client that registers its Node (capacity, labels, addresses,
//! conditions), renews the node's Lease, and runs the pods bound to it in containerd through
//! the CRI — sandbox with CNI networking, init containers, app containers with restart policy
//! and back-off, environment, volumes, graceful termination and pod status.
//!
//! - [`node`]: registration, status and lease loop;
//! - [`cni`]: the CNI configuration for the node's pod CIDR;
//! - [`dns`]: the pods' `resolv.conf` from their DNS policy;
//! - [`pods`]: the watch on this node's pods and one worker per pod;
//! - [`service_env`]: the `{SVC}_SERVICE_HOST`… variables describing Services;
//! - [`registry`]: pull credentials (pull secrets, `registries.yaml`) and registry mirrors;
//! - [`security`]: a container's effective security context and the `runAsNonRoot` check;
//! - [`probes`]: exec, httpGet and tcpSocket readiness and liveness probes;
//! - [`spec`]: pod spec → CRI configuration (environment, volumes, mounts);
//! - [`events`]: core/v1 events about pods;
//! - [`server`]: the streaming endpoint (exec, attach, port-forward) the API server
//!   forwards to; `exec` and `port_forward` relay to the runtime's streaming server.

pub mod cni;
pub mod dns;
pub mod events;
mod exec;
mod logs;
pub mod node;
pub mod pods;
mod port_forward;
pub mod probes;
pub mod pull_policy;
pub mod registry;
pub mod security;
pub mod server;
pub mod service_env;
pub mod spec;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cri::{Containerd, ContainerdConfig, ImageClient, RuntimeClient};
use tokio::sync::watch;

/// Settings of one node agent.
#[derive(Debug, Clone)]
pub struct AgentConfig {
    /// The Node's name (lowercase DNS name).
    pub node_name: String,
    /// Where the agent keeps containerd, CNI configuration, pod volumes and logs.
    pub data_dir: PathBuf,
    /// Label the node `node-role.kubernetes.io/control-plane`.
    pub control_plane: bool,
    /// The node's address (default: the first global IPv4 address of the host).
    pub node_ip: Option<IpAddr>,
    /// A pod CIDR to register the Node with (as kubelet's `--pod-cidr`); by default the
    /// control plane's node lifecycle loop assigns one.
    pub pod_cidr: Option<String>,
    /// The cluster DNS that `ClusterFirst` pods resolve through (empty: none).
    pub cluster_dns: dns::ClusterDns,
    /// The host's resolver configuration, for `dnsPolicy: Default` and host-network pods.
    pub host_resolv_conf: dns::ResolvConf,
    /// The port of the streaming endpoint (exec, attach, port-forward), as the Node reports it.
    pub kubelet_port: u16,
    /// Serve that endpoint over TLS on the node address (agents on other machines than the
    /// API server); `None` when the API server reaches this agent in process.
    pub serving: Option<server::ServingTls>,
    /// The node's `registries.yaml` (mirrors and credentials; absent is fine).
    pub registries_file: PathBuf,
}

/// What the agent's loops share.
pub struct Shared {
    pub client: kube::Client,
    pub runtime: RuntimeClient,
    pub images: ImageClient,
    pub config: AgentConfig,
    pub containerd: ContainerdConfig,
    pub node_ip: IpAddr,
    /// The node's pod CIDR once the control plane assigned one and the CNI config is written.
    pub pod_cidr: watch::Receiver<Option<String>>,
    pub events: events::Recorder,
    /// Service-account tokens of this node's pods.
    pub tokens: Arc<spec::TokenCache>,
    pub registries: registry::Registries,
    /// Normalized names of the images the node provides itself (built in, or imported from
    /// `DATA_DIR/agent/images/`): pinned, never pulled over.
    pub node_images: std::collections::HashSet<String>,
}

impl Shared {
    /// `DATA/pods/<uid>`: a pod's volumes and logs.
    pub fn pod_dir(&self, uid: &str) -> PathBuf {
        self.config.data_dir.join("pods").join(uid)
    }

    /// The directory a pod's container logs go to (`<container>/<attempt>.log` below it).
    pub fn pod_log_dir(&self, uid: &str) -> PathBuf {
        self.pod_dir(uid).join("logs")
    }

    /// The cgroup parent of a pod (cgroupfs driver).
    pub fn cgroup_parent(&self, uid: &str) -> String {
        format!("{}/pod{uid}", self.cgroup_root())
    }

    /// The cgroup every pod of this node lives under.
    pub fn cgroup_root(&self) -> String {
        format!("/rudder-{}", self.config.node_name)
    }
}

/// A running agent. Dropping it stops containerd (pods keep running in their shims).
pub struct Agent {
    pub containerd: Containerd,
    pub shared: Arc<Shared>,
}

/// Starts containerd under `config.data_dir`, imports the built-in images and starts the node
/// and pod loops on `client`.
pub async fn start(client: kube::Client, config: AgentConfig) -> Result<Agent, String> {
    let started = Instant::now();
    std::fs::create_dir_all(config.data_dir.join("pods"))
        .map_err(|e| format!("creating {}: {e}", config.data_dir.display()))?;
    let ccfg = ContainerdConfig::new(&config.data_dir);
    let registries = registry::Registries::load(&config.registries_file)?;
    registries.write_hosts(&ccfg.registry_config_dir())?;
    let containerd = Containerd::start(ccfg.clone())
        .await
        .map_err(|e| format!("containerd: {e}"))?;
    cri::images::ensure_builtin_images(&ccfg)
        .await
        .map_err(|e| format!("importing built-in images: {e}"))?;
    for (archive, outcome) in cri::images::import_dropped_archives(&ccfg).await {
        match outcome {
            Ok(outcome) => {
                tracing::info!(archive = %archive.display(), ?outcome, "image archive")
            }
            Err(e) => {
                tracing::warn!(archive = %archive.display(), error = %e, "image archive not imported")
            }
        }
    }
    let node_images = cri::images::Importer::new(&ccfg)
        .node_image_names()
        .into_iter()
        .collect();
    let runtime = containerd
        .runtime_client()
        .await
        .map_err(|e| format!("CRI: {e}"))?
        .with_timeout(Duration::from_secs(60));
    let images = runtime.image_client();
    let node_ip = config.node_ip.unwrap_or_else(node::host_ip);
    let (cidr_tx, cidr_rx) = watch::channel(None);
    let shared = Arc::new(Shared {
        events: events::Recorder::new(client.clone(), config.node_name.clone()),
        client,
        runtime,
        images,
        config,
        containerd: ccfg,
        node_ip,
        pod_cidr: cidr_rx,
        tokens: Arc::default(),
        registries,
        node_images,
    });
    tracing::info!(node = %shared.config.node_name, elapsed = ?started.elapsed(), "node agent: containerd and images ready");
    if let Some(tls) = &shared.config.serving {
        let addr = std::net::SocketAddr::new(shared.node_ip, shared.config.kubelet_port);
        server::StreamingServer::new(shared.clone())
            .listen_tls(addr, tls)
            .await
            .map_err(|e| format!("streaming endpoint on {addr}: {e}"))?;
    }
    tokio::spawn(node::run(shared.clone(), cidr_tx));
    tokio::spawn(pods::run(shared.clone()));
    Ok(Agent { containerd, shared })
}

/// The CRI log files of a pod's container under an agent data dir, one per attempt, oldest
/// first (`pods/<uid>/logs/<container>/<attempt>.log`).
pub fn container_log_files(data_dir: &std::path::Path, uid: &str, container: &str) -> Vec<PathBuf> {
    let ok = |s: &str| !s.is_empty() && !s.contains('/') && s != "." && s != "..";
    if !ok(uid) || !ok(container) {
        return Vec::new();
    }
    let dir = data_dir.join("pods").join(uid).join("logs").join(container);
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            let n = p
                .file_name()?
                .to_str()?
                .strip_suffix(".log")?
                .parse()
                .ok()?;
            Some((n, p))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// Removes what an agent left on this machine under `data_dir`: every pod sandbox (CNI then
/// releases its network namespace and address), containerd itself, and the node's bridge.
/// Returns how many sandboxes were removed. The agent must not be running.
pub async fn teardown(data_dir: &std::path::Path) -> Result<usize, String> {
    let ccfg = ContainerdConfig::new(data_dir);
    if !ccfg.config_path().exists() {
        return Ok(0);
    }
    let containerd = Containerd::start(ccfg.clone())
        .await
        .map_err(|e| format!("containerd: {e}"))?;
    let runtime = containerd
        .runtime_client()
        .await
        .map_err(|e| format!("CRI: {e}"))?;
    let sandboxes = runtime
        .list_pod_sandbox(None)
        .await
        .map_err(|e| format!("listing sandboxes: {e}"))?;
    for sandbox in &sandboxes {
        runtime
            .stop_pod_sandbox(&sandbox.id)
            .await
            .map_err(|e| format!("stopping sandbox {}: {e}", sandbox.id))?;
        runtime
            .remove_pod_sandbox(&sandbox.id)
            .await
            .map_err(|e| format!("removing sandbox {}: {e}", sandbox.id))?;
    }
    containerd
        .shutdown()
        .await
        .map_err(|e| format!("stopping containerd: {e}"))?;
    for pid in stray_shims(&ccfg.socket_path()) {
        // SAFETY: kill(2) with a pid read from /proc and a valid signal number.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    for bridge in configured_bridges(&ccfg.cni_conf_dir) {
        let _ = std::process::Command::new("ip")
            .args(["link", "delete", &bridge])
            .status();
    }
    Ok(sandboxes.len())
}

/// Shims of this containerd still running once its sandboxes are removed (a task whose
/// deletion was cut short leaves one idle): ours, told apart by the `-address` they were
/// started with.
fn stray_shims(socket: &std::path::Path) -> Vec<i32> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let socket = socket.as_os_str().as_encoded_bytes();
    procs
        .flatten()
        .filter_map(|e| {
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            let is_shim = args.first()?.ends_with(b"containerd-shim-runc-v2");
            let ours = args
                .windows(2)
                .any(|w| w[0] == b"-address" && w[1] == socket);
            (is_shim && ours).then_some(pid)
        })
        .collect()
}

/// The bridges of the nodes whose agent used `data_dir` (from the CNI configuration written).
pub fn node_bridges(data_dir: &std::path::Path) -> Vec<String> {
    configured_bridges(&ContainerdConfig::new(data_dir).cni_conf_dir)
}

/// Bridge names in the CNI configurations the agent wrote.
fn configured_bridges(conf_dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(conf_dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .flat_map(|conf| {
            conf["plugins"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["bridge"].as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

//! The pods of this node: a watch on `spec.nodeName=<node>` feeds one worker per pod UID.
//! A worker creates the sandbox (CNI networking from the node's pod CIDR), prepares volumes,
//! runs init containers in order and then the app containers, restarts exited containers as
//! the restart policy says with back-off (10 s doubling to 5 min), reports status through
//! `pods/status`, and on deletion stops the containers with the grace period, removes the
//! sandbox and finishes the deletion with grace 0.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cri::api;
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Container, Pod, PodIP, PodStatus};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, Patch, PatchParams, Preconditions};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, ResourceExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};

use crate::events::pod_ref;
use crate::probes::{self, Verdict};
use crate::pull_policy::{self, ImageAction};
use crate::registry;
use crate::security;
use crate::spec::{self, Sources};
use crate::Shared;

/// First restart delay after a crash; doubled per crash up to [`MAX_BACKOFF`].
pub const INITIAL_BACKOFF: Duration = Duration::from_secs(10);
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How often a worker looks at its containers while the pod runs (upstream's PLEG relist).
const RELIST: Duration = Duration::from_secs(1);
/// How often mounted configMaps and secrets are compared with the API (kubelet's sync period
/// is a minute; updates here show within seconds).
const VOLUME_REFRESH: Duration = Duration::from_secs(5);
/// The longest a postStart hook may take.
const HOOK_LIMIT: Duration = Duration::from_secs(120);

const LABEL_POD_NAME: &str = "io.kubernetes.pod.name";
const LABEL_POD_NAMESPACE: &str = "io.kubernetes.pod.namespace";
pub(crate) const LABEL_POD_UID: &str = "io.kubernetes.pod.uid";
pub(crate) const LABEL_CONTAINER_NAME: &str = "io.kubernetes.container.name";

type PodTx = watch::Sender<Option<Arc<Pod>>>;

/// Watches this node's pods and runs a worker per pod.
pub async fn run(sh: Arc<Shared>) {
    let api: Api<Pod> = Api::all(sh.client.clone());
    let cfg = watcher::Config::default().fields(&format!("spec.nodeName={}", sh.config.node_name));
    let mut stream = watcher::watcher(api, cfg).default_backoff().boxed();
    let mut workers: HashMap<String, PodTx> = HashMap::new();
    let mut finished: HashSet<String> = HashSet::new();
    let mut listing: Option<HashSet<String>> = None;
    let mut first_list = true;
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<String>();
    loop {
        tokio::select! {
            ev = stream.next() => match ev {
                Some(Ok(Event::Apply(pod))) => dispatch(&sh, &mut workers, &finished, &done_tx, pod),
                Some(Ok(Event::Delete(pod))) => {
                    if let Some(tx) = workers.get(&pod.uid().unwrap_or_default()) {
                        let _ = tx.send(None);
                    }
                }
                Some(Ok(Event::Init)) => listing = Some(HashSet::new()),
                Some(Ok(Event::InitApply(pod))) => {
                    if let Some(l) = listing.as_mut() {
                        l.insert(pod.uid().unwrap_or_default());
                    }
                    dispatch(&sh, &mut workers, &finished, &done_tx, pod);
                }
                Some(Ok(Event::InitDone)) => {
                    let seen = listing.take().unwrap_or_default();
                    for (uid, tx) in &workers {
                        if !seen.contains(uid) {
                            let _ = tx.send(None);
                        }
                    }
                    if first_list {
                        first_list = false;
                        tokio::spawn(remove_orphans(sh.clone(), seen));
                    }
                }
                Some(Err(e)) => tracing::debug!(error = %e, "pod watch"),
                None => return,
            },
            Some(uid) = done_rx.recv() => {
                workers.remove(&uid);
                // Late events about a pod whose deletion we finished are ignored; the set only
                // needs to outlive the watch's last word on those pods.
                if finished.len() > 10_000 {
                    finished.clear();
                }
                finished.insert(uid);
            }
        }
    }
}

fn dispatch(
    sh: &Arc<Shared>,
    workers: &mut HashMap<String, PodTx>,
    finished: &HashSet<String>,
    done: &mpsc::UnboundedSender<String>,
    pod: Pod,
) {
    let Some(uid) = pod.uid() else { return };
    if finished.contains(&uid) {
        return;
    }
    let pod = Arc::new(pod);
    if let Some(tx) = workers.get(&uid) {
        let _ = tx.send(Some(pod));
        return;
    }
    let (tx, rx) = watch::channel(Some(pod));
    workers.insert(uid.clone(), tx);
    tokio::spawn(worker(sh.clone(), uid, rx, done.clone()));
}

/// Sandboxes whose pod no longer exists (for example deleted while the agent was down).
async fn remove_orphans(sh: Arc<Shared>, live: HashSet<String>) {
    let Ok(sandboxes) = sh.runtime.list_pod_sandbox(None).await else {
        return;
    };
    for sb in sandboxes {
        let uid = sb.labels.get(LABEL_POD_UID).cloned().unwrap_or_default();
        if !live.contains(&uid) {
            tracing::info!(sandbox = %sb.id, %uid, "removing the sandbox of a pod that no longer exists");
            let _ = sh.runtime.stop_pod_sandbox(&sb.id).await;
            let _ = sh.runtime.remove_pod_sandbox(&sb.id).await;
            remove_cgroup(&sh.cgroup_parent(&uid));
            let _ = std::fs::remove_dir_all(sh.pod_dir(&uid));
        }
    }
}

/// Removes a pod's (empty) cgroup directories in every hierarchy.
fn remove_cgroup(parent: &str) {
    let rel = parent.trim_start_matches('/');
    let Ok(hierarchies) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let mut roots: Vec<PathBuf> = hierarchies.flatten().map(|e| e.path()).collect();
    roots.push(PathBuf::from("/sys/fs/cgroup"));
    for root in roots {
        let dir = root.join(rel);
        if let Ok(children) = std::fs::read_dir(&dir) {
            for child in children.flatten() {
                if child.path().is_dir() {
                    let _ = std::fs::remove_dir(child.path());
                }
            }
        }
        let _ = std::fs::remove_dir(&dir);
    }
}

/// What the runtime last said about a container.
#[derive(Debug, Clone)]
struct Observed {
    state: api::ContainerState,
    exit_code: i32,
    started_at: i64,
    finished_at: i64,
    reason: String,
    message: String,
    image_ref: String,
}

#[derive(Default)]
struct Ctr {
    id: Option<String>,
    attempt: u32,
    restart_count: i32,
    backoff: Option<Duration>,
    last_terminated: Option<Value>,
    waiting: Option<(String, String)>,
    observed: Option<Observed>,
    retry_at: Option<tokio::time::Instant>,
    backoff_reported_for: i64,
    /// The container (by ID) the probe states belong to, and since when it runs.
    running_since: Option<(String, tokio::time::Instant)>,
    readiness: probes::ProbeState,
    liveness: probes::ProbeState,
    /// The startup probe; `ok` once it passed (readiness and liveness wait for that).
    startup: probes::ProbeState,
}

impl Ctr {
    /// Whether the container counts as started: running, and past its startup probe.
    fn started(&self, c: &Container) -> bool {
        c.startup_probe.is_none() || self.startup.ok
    }

    /// Whether the runtime last saw it running.
    fn is_running(&self) -> bool {
        self.observed
            .as_ref()
            .is_some_and(|o| o.state == api::ContainerState::ContainerRunning)
    }

    /// Shows the container waiting for `reason` and tries it again after `retry_in`.
    fn hold(&mut self, reason: &str, message: String, retry_in: Duration) {
        self.waiting = Some((reason.to_string(), message));
        self.retry_at = Some(tokio::time::Instant::now() + retry_in);
    }
}

struct Sandbox {
    id: String,
    config: api::PodSandboxConfig,
    ip: Option<String>,
}

struct Worker {
    sh: Arc<Shared>,
    uid: String,
    sandbox: Option<Sandbox>,
    volumes: Option<HashMap<String, PathBuf>>,
    /// When the configMap, secret and downwardAPI volumes were last brought up to date.
    refreshed: Option<tokio::time::Instant>,
    containers: HashMap<String, Ctr>,
    start_time: Option<Timestamp>,
    sent: Option<Value>,
    terminal: bool,
}

/// One pod's task, alive as long as the pod. Its steps (`adopt`, `sync`, `teardown`) are
/// boxed: their state machines hold tens of kilobytes of CRI and API requests, which would
/// otherwise be part of every sleeping worker.
async fn worker(
    sh: Arc<Shared>,
    uid: String,
    mut rx: watch::Receiver<Option<Arc<Pod>>>,
    done: mpsc::UnboundedSender<String>,
) {
    let mut w = Worker {
        sh,
        uid: uid.clone(),
        sandbox: None,
        volumes: None,
        refreshed: None,
        containers: HashMap::new(),
        start_time: None,
        sent: None,
        terminal: false,
    };
    Box::pin(w.adopt()).await;
    loop {
        let pod = rx.borrow_and_update().clone();
        let Some(pod) = pod else {
            // Gone from the API (force-deleted): stop everything now.
            Box::pin(w.teardown(None, 0)).await;
            let _ = done.send(uid);
            return;
        };
        if pod.metadata.deletion_timestamp.is_some() {
            let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(30);
            Box::pin(w.teardown(Some(&pod), grace)).await;
            let pods: Api<Pod> =
                Api::namespaced(w.sh.client.clone(), &pod.namespace().unwrap_or_default());
            let dp = DeleteParams {
                grace_period_seconds: Some(0),
                preconditions: Some(Preconditions {
                    uid: Some(uid.clone()),
                    resource_version: None,
                }),
                ..Default::default()
            };
            if let Err(e) = Box::pin(pods.delete(&pod.name_any(), &dp)).await {
                tracing::debug!(error = %e, pod = %pod.name_any(), "finishing the pod's deletion");
            }
            let _ = done.send(uid);
            return;
        }
        let wait = Box::pin(w.sync(&pod)).await;
        tokio::select! {
            changed = rx.changed() => if changed.is_err() { return },
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

fn rfc3339(ns: i64) -> Value {
    match Timestamp::from_nanosecond(i128::from(ns)) {
        Ok(t) if ns > 0 => json!(t
            .round(k8s_openapi::jiff::Unit::Second)
            .unwrap_or(t)
            .to_string()),
        _ => Value::Null,
    }
}

fn now_rfc3339() -> Value {
    rfc3339(now_ns())
}

impl Worker {
    /// Picks up a sandbox and containers left by an earlier run of the agent.
    async fn adopt(&mut self) {
        let filter = api::PodSandboxFilter {
            label_selector: HashMap::from([(LABEL_POD_UID.to_string(), self.uid.clone())]),
            ..Default::default()
        };
        let Ok(sandboxes) = self.sh.runtime.list_pod_sandbox(Some(filter)).await else {
            return;
        };
        let Some(sb) = sandboxes
            .into_iter()
            .find(|s| s.state() == api::PodSandboxState::SandboxReady)
        else {
            return;
        };
        let Ok(status) = self.sh.runtime.pod_sandbox_status(&sb.id, false).await else {
            return;
        };
        let ip = status
            .status
            .and_then(|s| s.network)
            .map(|n| n.ip)
            .filter(|ip| !ip.is_empty());
        let containers = self
            .sh
            .runtime
            .list_containers(Some(api::ContainerFilter {
                pod_sandbox_id: sb.id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap_or_default();
        for c in containers {
            let Some(meta) = c.metadata else { continue };
            let entry = self.containers.entry(meta.name).or_default();
            if entry.id.is_none() || meta.attempt >= entry.attempt {
                entry.id = Some(c.id);
                entry.attempt = meta.attempt;
                entry.restart_count = meta.attempt as i32;
            }
        }
        // The config is rebuilt on the first sync; only the ID and IP matter for reuse.
        self.sandbox = Some(Sandbox {
            id: sb.id,
            config: api::PodSandboxConfig::default(),
            ip,
        });
    }

    fn sandbox_config(&self, pod: &Pod) -> api::PodSandboxConfig {
        let spec = pod.spec.clone().unwrap_or_default();
        let host_network = spec.host_network.unwrap_or(false);
        let name = pod.name_any();
        let ns = pod.namespace().unwrap_or_default();
        let hostname = if host_network {
            String::new()
        } else {
            let h = spec.hostname.clone().unwrap_or_else(|| name.clone());
            h.chars()
                .take(63)
                .collect::<String>()
                .trim_end_matches(['-', '.'])
                .to_string()
        };
        let port_mappings = spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .filter(|p| p.host_port.unwrap_or(0) > 0)
            .map(|p| api::PortMapping {
                protocol: match p.protocol.as_deref() {
                    Some("UDP") => api::Protocol::Udp as i32,
                    Some("SCTP") => api::Protocol::Sctp as i32,
                    _ => api::Protocol::Tcp as i32,
                },
                container_port: p.container_port,
                host_port: p.host_port.unwrap_or(0),
                host_ip: p.host_ip.clone().unwrap_or_default(),
            })
            .collect();
        let mode = |host: Option<bool>, otherwise: api::NamespaceMode| {
            if host.unwrap_or(false) {
                api::NamespaceMode::Node as i32
            } else {
                otherwise as i32
            }
        };
        let pid_default = if spec.share_process_namespace.unwrap_or(false) {
            api::NamespaceMode::Pod
        } else {
            api::NamespaceMode::Container
        };
        api::PodSandboxConfig {
            metadata: Some(api::PodSandboxMetadata {
                name: name.clone(),
                uid: self.uid.clone(),
                namespace: ns.clone(),
                attempt: 0,
            }),
            hostname,
            log_directory: self
                .sh
                .pod_log_dir(&self.uid)
                .to_string_lossy()
                .into_owned(),
            dns_config: Some({
                let c = &self.sh.config;
                let conf =
                    crate::dns::pod_resolv_conf(&spec, &ns, &c.cluster_dns, &c.host_resolv_conf);
                api::DnsConfig {
                    servers: conf.servers,
                    searches: conf.searches,
                    options: conf.options,
                }
            }),
            port_mappings,
            labels: HashMap::from([
                (LABEL_POD_NAME.to_string(), name),
                (LABEL_POD_NAMESPACE.to_string(), ns),
                (LABEL_POD_UID.to_string(), self.uid.clone()),
            ]),
            annotations: HashMap::new(),
            linux: Some(api::LinuxPodSandboxConfig {
                cgroup_parent: self.sh.cgroup_parent(&self.uid),
                security_context: Some(api::LinuxSandboxSecurityContext {
                    namespace_options: Some(api::NamespaceOption {
                        network: mode(spec.host_network, api::NamespaceMode::Pod),
                        pid: mode(spec.host_pid, pid_default),
                        ipc: mode(spec.host_ipc, api::NamespaceMode::Pod),
                        target_id: String::new(),
                    }),
                    // The runtime refuses privileged containers in an unprivileged sandbox.
                    privileged: spec
                        .init_containers
                        .iter()
                        .flatten()
                        .chain(&spec.containers)
                        .any(|c| {
                            c.security_context
                                .as_ref()
                                .and_then(|s| s.privileged)
                                .unwrap_or(false)
                        }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    async fn ensure_sandbox(&mut self, pod: &Pod) -> Result<(), String> {
        let config = self.sandbox_config(pod);
        if let Some(sb) = self.sandbox.as_mut() {
            sb.config = config;
            return Ok(());
        }
        std::fs::create_dir_all(self.sh.pod_log_dir(&self.uid))
            .map_err(|e| format!("creating the pod's log directory: {e}"))?;
        let id = self
            .sh
            .runtime
            .run_pod_sandbox(config.clone(), "")
            .await
            .map_err(|e| e.to_string())?;
        let status = self.sh.runtime.pod_sandbox_status(&id, false).await.ok();
        let ip = status
            .and_then(|s| s.status)
            .and_then(|s| s.network)
            .map(|n| n.ip)
            .filter(|ip| !ip.is_empty());
        self.sandbox = Some(Sandbox { id, config, ip });
        Ok(())
    }

    async fn observe(&mut self) {
        for ctr in self.containers.values_mut() {
            let Some(id) = ctr.id.clone() else { continue };
            match self.sh.runtime.container_status(&id, false).await {
                Ok(r) => {
                    if let Some(s) = r.status {
                        ctr.observed = Some(Observed {
                            state: s.state(),
                            exit_code: s.exit_code,
                            started_at: s.started_at,
                            finished_at: s.finished_at,
                            reason: s.reason,
                            message: s.message,
                            image_ref: s.image_ref,
                        });
                    }
                }
                Err(e) if e.is_not_found() => {
                    ctr.id = None;
                    ctr.observed = None;
                }
                Err(e) => tracing::debug!(error = %e, "ContainerStatus"),
            }
        }
    }

    async fn event(
        &self,
        pod: &Pod,
        container: Option<&str>,
        warning: bool,
        reason: &str,
        note: String,
    ) {
        self.sh
            .events
            .record(pod_ref(pod, container), warning, reason, note)
            .await;
    }

    /// Pulls `image` with each credential that applies (the pod's pull secrets, then the
    /// node's `registries.yaml`) until one works; anonymously when none applies.
    async fn pull(
        &self,
        pod: &Pod,
        image: &str,
        sandbox_config: &api::PodSandboxConfig,
    ) -> Result<String, String> {
        let host = registry::registry_host(image);
        let mut sources = Sources::new(
            self.sh.client.clone(),
            &pod.namespace().unwrap_or_default(),
            self.sh.tokens.clone(),
        );
        let mut candidates = Vec::new();
        let secrets = pod.spec.as_ref().and_then(|s| s.image_pull_secrets.clone());
        for secret in secrets.iter().flatten() {
            let name = secret.name.as_str();
            if let Ok(Some(data)) = sources.secret(name).await {
                candidates.extend(registry::secret_credentials(&data, &host));
            }
        }
        candidates.extend(self.sh.registries.credentials(&host));
        let attempts: Vec<Option<api::AuthConfig>> = if candidates.is_empty() {
            vec![None]
        } else {
            candidates.into_iter().map(Some).collect()
        };
        let mut last = String::new();
        for auth in attempts {
            match self
                .sh
                .images
                .pull_image(image, auth, Some(sandbox_config.clone()))
                .await
            {
                Ok(reference) => return Ok(reference),
                Err(e) => last = e.to_string(),
            }
        }
        Err(last)
    }

    /// Pulls (if absent), creates and starts one container.
    async fn start_container(&mut self, pod: &Pod, c: &Container) {
        let sh = self.sh.clone();
        let Some(sb) = self.sandbox.as_ref() else {
            return;
        };
        let sandbox_id = sb.id.clone();
        let sandbox_config = sb.config.clone();
        let pod_ip = sb.ip.clone();
        let image = c.image.clone().unwrap_or_default();
        let name = c.name.clone();
        let ctr = self.containers.entry(c.name.clone()).or_default();
        if ctr
            .retry_at
            .is_some_and(|t| t > tokio::time::Instant::now())
        {
            // As kubelet: a failed pull shows as ImagePullBackOff until the next attempt.
            if ctr
                .waiting
                .as_ref()
                .is_some_and(|(r, _)| r == "ErrImagePull")
            {
                let msg = format!("Back-off pulling image \"{image}\"");
                ctr.waiting = Some(("ImagePullBackOff".into(), msg.clone()));
                self.event(pod, Some(&name), false, "BackOff", msg).await;
            }
            return;
        }
        let attempt = if ctr.id.is_some() || ctr.restart_count > 0 {
            ctr.attempt + 1
        } else {
            ctr.attempt
        };

        // Image: used, pulled or refused as its pull policy says.
        let present = match sh.images.image_status(&image).await {
            Ok(found) => found.is_some(),
            Err(e) => {
                let ctr = self.containers.entry(name).or_default();
                ctr.hold("ErrImagePull", e.to_string(), Duration::from_secs(2));
                return;
            }
        };
        let node_provided = cri::images::normalize_image_ref(&image)
            .is_ok_and(|full| sh.node_images.contains(&full));
        let policy = c.image_pull_policy.as_deref();
        match pull_policy::image_action(policy, &image, present, node_provided) {
            ImageAction::UsePresent => {
                self.event(
                    pod,
                    Some(&name),
                    false,
                    "Pulled",
                    format!("Container image \"{image}\" already present on machine"),
                )
                .await;
            }
            ImageAction::NeverPull => {
                let msg =
                    format!("Container image \"{image}\" is not present with pull policy of Never");
                self.event(pod, Some(&name), true, "ErrImageNeverPull", msg.clone())
                    .await;
                let ctr = self.containers.entry(name).or_default();
                ctr.hold("ErrImageNeverPull", msg, INITIAL_BACKOFF);
                return;
            }
            ImageAction::Pull => {
                self.event(
                    pod,
                    Some(&name),
                    false,
                    "Pulling",
                    format!("Pulling image \"{image}\""),
                )
                .await;
                let started = std::time::Instant::now();
                match self.pull(pod, &image, &sandbox_config).await {
                    Ok(_) => {
                        self.event(
                            pod,
                            Some(&name),
                            false,
                            "Pulled",
                            format!(
                                "Successfully pulled image \"{image}\" in {:?}",
                                started.elapsed()
                            ),
                        )
                        .await;
                    }
                    Err(e) => {
                        let msg = format!("Failed to pull image \"{image}\": {e}");
                        self.event(pod, Some(&name), true, "Failed", msg.clone())
                            .await;
                        self.event(
                            pod,
                            Some(&name),
                            true,
                            "Failed",
                            "Error: ErrImagePull".into(),
                        )
                        .await;
                        let ctr = self.containers.entry(name).or_default();
                        ctr.hold("ErrImagePull", msg, INITIAL_BACKOFF);
                        return;
                    }
                }
            }
        }

        // Environment: the pod as the API has it, plus the IP the sandbox got.
        let mut view = pod.clone();
        let status = view.status.get_or_insert_with(PodStatus::default);
        if let Some(ip) = &pod_ip {
            status.pod_ip = Some(ip.clone());
            status.pod_ips = Some(vec![PodIP { ip: ip.clone() }]);
        }
        let host_ip = sh.node_ip.to_string();
        let mut sources = Sources::new(
            sh.client.clone(),
            &pod.namespace().unwrap_or_default(),
            sh.tokens.clone(),
        );
        let config = async {
            let env = spec::environment(&view, c, &mut sources, &host_ip).await?;
            let lookup = |n: &str| env.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
            let command = c
                .command
                .iter()
                .flatten()
                .map(|s| spec::expand(s, &lookup))
                .collect();
            let args = c
                .args
                .iter()
                .flatten()
                .map(|s| spec::expand(s, &lookup))
                .collect();
            let mounts = spec::mounts(c, self.volumes.as_ref().unwrap_or(&HashMap::new()))?;
            let pod_spec = pod.spec.clone().unwrap_or_default();
            let security_context = security::container_context(&pod_spec, c);
            if security::requires_non_root(&pod_spec, c) {
                let img = sh
                    .images
                    .image_status(&image)
                    .await
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default();
                security::verify_non_root(
                    &security_context,
                    img.uid.map(|u| u.value),
                    &img.username,
                )
                .map_err(|e| {
                    format!(
                        "{e} (pod: \"{}_{}({})\", container: {name})",
                        pod.name_any(),
                        pod.namespace().unwrap_or_default(),
                        self.uid
                    )
                })?;
            }
            Ok::<_, String>(api::ContainerConfig {
                metadata: Some(api::ContainerMetadata {
                    name: name.clone(),
                    attempt,
                }),
                image: Some(cri::client::image_spec(&image)),
                command,
                args,
                working_dir: c.working_dir.clone().unwrap_or_default(),
                envs: env
                    .iter()
                    .map(|(k, v)| api::KeyValue {
                        key: k.clone(),
                        value: v.clone(),
                    })
                    .collect(),
                mounts,
                labels: HashMap::from([
                    (LABEL_CONTAINER_NAME.to_string(), name.clone()),
                    (LABEL_POD_NAME.to_string(), pod.name_any()),
                    (
                        LABEL_POD_NAMESPACE.to_string(),
                        pod.namespace().unwrap_or_default(),
                    ),
                    (LABEL_POD_UID.to_string(), self.uid.clone()),
                ]),
                log_path: format!("{name}/{attempt}.log"),
                stdin: c.stdin.unwrap_or(false),
                stdin_once: c.stdin_once.unwrap_or(false),
                tty: c.tty.unwrap_or(false),
                linux: Some(api::LinuxContainerConfig {
                    resources: Some(resources(c)),
                    security_context: Some(security_context),
                }),
                ..Default::default()
            })
        }
        .await;
        let config = match config {
            Ok(c) => c,
            Err(e) => {
                self.event(pod, Some(&name), true, "Failed", format!("Error: {e}"))
                    .await;
                let ctr = self.containers.entry(name).or_default();
                ctr.hold("CreateContainerConfigError", e, Duration::from_secs(2));
                return;
            }
        };
        let id = match sh
            .runtime
            .create_container(&sandbox_id, config, sandbox_config)
            .await
        {
            Ok(id) => id,
            Err(e) => {
                let msg = e.to_string();
                self.event(pod, Some(&name), true, "Failed", format!("Error: {msg}"))
                    .await;
                let ctr = self.containers.entry(name).or_default();
                ctr.hold("CreateContainerError", msg, Duration::from_secs(2));
                return;
            }
        };
        self.event(
            pod,
            Some(&name),
            false,
            "Created",
            format!("Created container: {name}"),
        )
        .await;
        {
            let ctr = self.containers.entry(name.clone()).or_default();
            ctr.id = Some(id.clone());
            ctr.attempt = attempt;
            ctr.waiting = None;
            ctr.observed = None;
            ctr.retry_at = None;
        }
        match sh.runtime.start_container(&id).await {
            Ok(()) => {
                self.event(
                    pod,
                    Some(&name),
                    false,
                    "Started",
                    format!("Started container {name}"),
                )
                .await;
                let post_start = c.lifecycle.as_ref().and_then(|l| l.post_start.as_ref());
                if let Some(hook) = post_start {
                    let ip = pod_ip.as_deref().map(str::to_string);
                    if let Err(e) =
                        probes::run_hook(hook, &sh.runtime, &id, c, ip.as_deref(), HOOK_LIMIT).await
                    {
                        // As upstream: the container is killed and the restart policy decides.
                        self.event(
                            pod,
                            Some(&name),
                            true,
                            "FailedPostStartHook",
                            format!("PostStartHook failed: {e}"),
                        )
                        .await;
                        let grace = pod
                            .spec
                            .as_ref()
                            .and_then(|s| s.termination_grace_period_seconds)
                            .unwrap_or(30);
                        let _ = sh.runtime.stop_container(&id, grace).await;
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                self.event(pod, Some(&name), true, "Failed", format!("Error: {msg}"))
                    .await;
                let ctr = self.containers.entry(name).or_default();
                ctr.waiting = Some(("RunContainerError".into(), msg));
            }
        }
    }

    /// An exited container that the policy restarts: now, or after its back-off. Returns how
    /// long until it should be looked at again.
    async fn restart(&mut self, pod: &Pod, c: &Container) -> Duration {
        let ctr = self.containers.entry(c.name.clone()).or_default();
        let Some(obs) = ctr.observed.clone() else {
            return RELIST;
        };
        let since = Duration::from_nanos((now_ns() - obs.finished_at).max(0) as u64);
        if let Some(b) = ctr.backoff {
            if since < b {
                let msg = format!(
                    "back-off {}s restarting failed container={} pod={}_{}({})",
                    b.as_secs(),
                    c.name,
                    pod.name_any(),
                    pod.namespace().unwrap_or_default(),
                    self.uid
                );
                ctr.waiting = Some(("CrashLoopBackOff".into(), msg));
                let report = ctr.backoff_reported_for != obs.finished_at;
                ctr.backoff_reported_for = obs.finished_at;
                if report {
                    let note = format!(
                        "Back-off restarting failed container {} in pod {}_{}({})",
                        c.name,
                        pod.name_any(),
                        pod.namespace().unwrap_or_default(),
                        self.uid
                    );
                    self.event(pod, Some(&c.name), true, "BackOff", note).await;
                }
                return (b - since).min(RELIST * 5);
            }
        }
        ctr.backoff = Some(
            ctr.backoff
                .map_or(INITIAL_BACKOFF, |b| (b * 2).min(MAX_BACKOFF)),
        );
        ctr.last_terminated = Some(terminated_json(&obs, ctr.id.as_deref()));
        ctr.restart_count += 1;
        let old = ctr.id.take();
        ctr.observed = None;
        ctr.waiting = None;
        if let Some(old) = old {
            let _ = self.sh.runtime.remove_container(&old).await;
        }
        self.start_container(pod, c).await;
        RELIST
    }

    /// One pass: make the runtime match the pod, then report status. Returns when to look
    /// again.
    /// Every [`VOLUME_REFRESH`], rewrites the configMap, secret and downwardAPI volumes
    /// whose sources changed.
    async fn refresh_volumes(&mut self, pod: &Pod) {
        let due = self
            .refreshed
            .is_some_and(|t| t.elapsed() >= VOLUME_REFRESH);
        let Some(volumes) = self.volumes.as_ref().filter(|_| due) else {
            return;
        };
        self.refreshed = Some(tokio::time::Instant::now());
        let mut sources = Sources::new(
            self.sh.client.clone(),
            &pod.namespace().unwrap_or_default(),
            self.sh.tokens.clone(),
        );
        let host_ip = self.sh.node_ip.to_string();
        match spec::refresh_projections(pod, volumes, &mut sources, &host_ip).await {
            Ok(changed) if !changed.is_empty() => {
                tracing::debug!(pod = %pod.name_any(), ?changed, "volumes updated");
                let spec = pod.spec.as_ref();
                let fs_group = spec
                    .and_then(|s| s.security_context.as_ref())
                    .and_then(|s| s.fs_group);
                if let (Some(gid), Some(spec)) = (fs_group, spec) {
                    let touched: HashMap<String, PathBuf> = volumes
                        .iter()
                        .filter(|(name, _)| changed.contains(name))
                        .map(|(n, p)| (n.clone(), p.clone()))
                        .collect();
                    spec::apply_fs_group(spec, &touched, gid);
                }
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(pod = %pod.name_any(), error = %e, "refreshing volumes"),
        }
    }

    async fn sync(&mut self, pod: &Pod) -> Duration {
        if self.start_time.is_none() {
            self.start_time = Some(
                pod.status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .map_or_else(Timestamp::now, |t| t.0),
            );
        }
        let spec = pod.spec.clone().unwrap_or_default();
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if !self.terminal && matches!(phase, Some("Succeeded" | "Failed")) {
            // Finished (perhaps before this agent restarted, or failed by eviction): a pod in
            // a terminal phase never runs again.
            self.terminal = true;
            if let Some(sb) = &self.sandbox {
                if let Err(e) = self.sh.runtime.stop_pod_sandbox(&sb.id).await {
                    tracing::debug!(error = %e, "stopping the sandbox of a finished pod");
                }
            }
        }
        if self.terminal {
            return Duration::from_secs(60);
        }
        let host_network = spec.host_network.unwrap_or(false);
        let mut wait = RELIST;
        let mut pod_error: Option<(String, String)> = None;
        if self.sandbox.is_none() && !host_network && self.sh.pod_cidr.borrow().is_none() {
            pod_error = Some(("ContainerCreating".into(), String::new()));
            wait = Duration::from_millis(250);
        } else if let Err(e) = self.ensure_sandbox(pod).await {
            self.event(
                pod,
                None,
                true,
                "FailedCreatePodSandBox",
                format!("Failed to create pod sandbox: {e}"),
            )
            .await;
            pod_error = Some(("ContainerCreating".into(), e));
            wait = Duration::from_secs(2);
        } else if self.volumes.is_none() {
            let mut sources = Sources::new(
                self.sh.client.clone(),
                &pod.namespace().unwrap_or_default(),
                self.sh.tokens.clone(),
            );
            match spec::prepare_volumes(
                pod,
                &self.sh.pod_dir(&self.uid),
                &mut sources,
                &self.sh.node_ip.to_string(),
            )
            .await
            {
                Ok(v) => {
                    let spec = pod.spec.as_ref();
                    let fs_group = spec
                        .and_then(|s| s.security_context.as_ref())
                        .and_then(|s| s.fs_group);
                    if let (Some(gid), Some(spec)) = (fs_group, spec) {
                        spec::apply_fs_group(spec, &v, gid);
                    }
                    self.volumes = Some(v);
                    self.refreshed = Some(tokio::time::Instant::now());
                }
                Err(e) => {
                    self.event(
                        pod,
                        None,
                        true,
                        "FailedMount",
                        format!("MountVolume.SetUp failed: {e}"),
                    )
                    .await;
                    pod_error = Some(("ContainerCreating".into(), e));
                    wait = Duration::from_secs(2);
                }
            }
        }
        self.refresh_volumes(pod).await;

        let policy = spec
            .restart_policy
            .clone()
            .unwrap_or_else(|| "Always".into());
        let mut init_done = spec.init_containers.as_ref().is_none_or(|v| v.is_empty());
        let mut failed = false;
        if pod_error.is_none() {
            self.observe().await;
            init_done = true;
            let apps_started = spec
                .containers
                .iter()
                .any(|c| self.containers.get(&c.name).is_some_and(|c| c.id.is_some()));
            for ic in spec.init_containers.iter().flatten() {
                let obs = self
                    .containers
                    .get(&ic.name)
                    .and_then(|c| c.observed.clone());
                let has_id = self
                    .containers
                    .get(&ic.name)
                    .is_some_and(|c| c.id.is_some());
                if is_sidecar(ic) {
                    // A sidecar lets the next container start once it runs (and passed its
                    // startup probe), keeps running, and is restarted whatever the pod's
                    // policy; once the app containers run, its restarts block nothing.
                    let started = self.containers.get(&ic.name).is_some_and(|c| c.started(ic));
                    match obs {
                        Some(o) if o.state == api::ContainerState::ContainerRunning => {
                            if started {
                                continue;
                            }
                        }
                        Some(o) if o.state == api::ContainerState::ContainerExited => {
                            wait = wait.min(self.restart(pod, ic).await);
                            if apps_started {
                                continue;
                            }
                        }
                        _ if has_id => {}
                        _ => self.start_container(pod, ic).await,
                    }
                    init_done = false;
                    break;
                }
                match obs {
                    Some(o)
                        if o.state == api::ContainerState::ContainerExited && o.exit_code == 0 =>
                    {
                        continue
                    }
                    Some(o) if o.state == api::ContainerState::ContainerExited => {
                        init_done = false;
                        if policy == "Never" {
                            failed = true;
                        } else {
                            wait = wait.min(self.restart(pod, ic).await);
                        }
                        break;
                    }
                    _ if has_id => {
                        init_done = false;
                        break;
                    }
                    _ => {
                        init_done = false;
                        self.start_container(pod, ic).await;
                        break;
                    }
                }
            }
            if init_done {
                for c in &spec.containers {
                    let ctr = self.containers.get(&c.name);
                    let obs = ctr.and_then(|c| c.observed.clone());
                    let has_id = ctr.is_some_and(|c| c.id.is_some());
                    match obs {
                        Some(o) if o.state == api::ContainerState::ContainerExited => {
                            let again =
                                policy == "Always" || (policy == "OnFailure" && o.exit_code != 0);
                            if again {
                                wait = wait.min(self.restart(pod, c).await);
                            }
                        }
                        _ if has_id => {}
                        _ => self.start_container(pod, c).await,
                    }
                }
                self.observe().await;
            }
            // Sidecars are probed from their start; app containers once they run.
            let mut probed: Vec<Container> = spec
                .init_containers
                .iter()
                .flatten()
                .filter(|c| is_sidecar(c))
                .cloned()
                .collect();
            if init_done {
                probed.extend(spec.containers.iter().cloned());
            }
            self.probe(pod, &probed).await;
        }

        let mut status = self.status(pod, init_done, failed, pod_error.as_ref());
        if matches!(status["phase"].as_str(), Some("Succeeded") | Some("Failed")) {
            // Sidecars serve the app containers; once those are done, so are they.
            if self.stop_sidecars(pod).await {
                self.observe().await;
                status = self.status(pod, init_done, failed, pod_error.as_ref());
            }
            // A finished pod keeps its status (and IP) but no longer holds network or processes.
            self.terminal = true;
            if let Some(sb) = &self.sandbox {
                if let Err(e) = self.sh.runtime.stop_pod_sandbox(&sb.id).await {
                    tracing::debug!(error = %e, "stopping the sandbox of a finished pod");
                }
            }
        }
        self.push_status(pod, status).await;
        wait
    }

    fn container_status(
        &self,
        c: &Container,
        init: bool,
        pod_error: bool,
        initializing: bool,
    ) -> Value {
        let ctr = self.containers.get(&c.name);
        let obs = ctr.and_then(|c| c.observed.as_ref());
        let id = ctr.and_then(|c| c.id.as_ref());
        let waiting_reason = if !init && initializing {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        let (state, running, ready) = match (ctr.and_then(|c| c.waiting.clone()), obs) {
            (Some((reason, message)), _) => {
                let mut w = json!({"reason": reason});
                if !message.is_empty() {
                    w["message"] = json!(message);
                }
                (json!({"waiting": w}), false, false)
            }
            (None, Some(o)) if o.state == api::ContainerState::ContainerRunning => (
                json!({"running": {"startedAt": rfc3339(o.started_at)}}),
                ctr.is_some_and(|ctr| ctr.started(c)),
                (!init || is_sidecar(c))
                    && ctr.is_some_and(|ctr| ctr.started(c))
                    && (c.readiness_probe.is_none() || ctr.is_some_and(|c| c.readiness.ok)),
            ),
            (None, Some(o)) if o.state == api::ContainerState::ContainerExited => (
                json!({"terminated": terminated_json(o, id.map(String::as_str))}),
                false,
                init && o.exit_code == 0,
            ),
            _ => (json!({"waiting": {"reason": waiting_reason}}), false, false),
        };
        let _ = pod_error;
        let mut s = json!({
            "name": c.name,
            "image": c.image.clone().unwrap_or_default(),
            "imageID": obs.map(|o| o.image_ref.clone()).unwrap_or_default(),
            "state": state,
            "lastState": ctr.and_then(|c| c.last_terminated.clone()).map_or(json!({}), |t| json!({"terminated": t})),
            "ready": ready,
            "restartCount": ctr.map_or(0, |c| c.restart_count),
            "started": running,
        });
        if let Some(id) = id {
            s["containerID"] = json!(format!("containerd://{id}"));
        }
        s
    }

    fn status(
        &self,
        pod: &Pod,
        init_done: bool,
        failed: bool,
        pod_error: Option<&(String, String)>,
    ) -> Value {
        let spec = pod.spec.clone().unwrap_or_default();
        let policy = spec
            .restart_policy
            .clone()
            .unwrap_or_else(|| "Always".into());
        let inits: Vec<Value> = spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| self.container_status(c, true, pod_error.is_some(), !init_done))
            .collect();
        let apps: Vec<Value> = spec
            .containers
            .iter()
            .map(|c| self.container_status(c, false, pod_error.is_some(), !init_done))
            .collect();
        let exited: Vec<i32> = spec
            .containers
            .iter()
            .filter_map(|c| {
                let ctr = self.containers.get(&c.name)?;
                let o = ctr.observed.as_ref()?;
                (o.state == api::ContainerState::ContainerExited && ctr.waiting.is_none())
                    .then_some(o.exit_code)
            })
            .collect();
        let running = apps.iter().any(|s| s["state"].get("running").is_some());
        let all_exited = exited.len() == spec.containers.len() && !exited.is_empty();
        let phase = if failed {
            "Failed"
        } else if !init_done || pod_error.is_some() {
            "Pending"
        } else if all_exited && policy == "Never" {
            if exited.iter().all(|c| *c == 0) {
                "Succeeded"
            } else {
                "Failed"
            }
        } else if all_exited && policy == "OnFailure" && exited.iter().all(|c| *c == 0) {
            "Succeeded"
        } else if running
            || apps
                .iter()
                .any(|s| s["restartCount"].as_i64().unwrap_or(0) > 0)
        {
            "Running"
        } else {
            "Pending"
        };
        let unready: Vec<String> = apps
            .iter()
            .filter(|s| s["ready"] != json!(true))
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect();
        let incomplete: Vec<String> = inits
            .iter()
            .filter(|s| s["ready"] != json!(true))
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect();
        let old = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        let cond = |type_: &str, ok: bool, reason: Option<&str>, message: Option<String>| {
            let status = if ok { "True" } else { "False" };
            let since = old
                .iter()
                .find(|c| c.type_ == type_ && c.status == status)
                .and_then(|c| c.last_transition_time.as_ref())
                .map_or_else(now_rfc3339, |t| json!(t.0.to_string()));
            let mut c = json!({"type": type_, "status": status, "lastProbeTime": null, "lastTransitionTime": since});
            if let Some(r) = reason {
                c["reason"] = json!(r);
            }
            if let Some(m) = message {
                c["message"] = json!(m);
            }
            c
        };
        let terminal_ok = phase == "Succeeded";
        let (ready_reason, ready_msg) = if terminal_ok {
            (Some("PodCompleted"), None)
        } else if unready.is_empty() {
            (None, None)
        } else {
            (
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: [{}]",
                    unready.join(" ")
                )),
            )
        };
        let init_ok = init_done || failed && incomplete.is_empty();
        let sandbox_ok = self.sandbox.is_some() && !self.terminal;
        let conditions = vec![
            cond(
                "PodReadyToStartContainers",
                sandbox_ok || self.sandbox.is_some(),
                None,
                None,
            ),
            if terminal_ok {
                cond("Initialized", true, Some("PodCompleted"), None)
            } else if init_ok {
                cond("Initialized", true, None, None)
            } else {
                cond(
                    "Initialized",
                    false,
                    Some("ContainersNotInitialized"),
                    Some(format!(
                        "containers with incomplete status: [{}]",
                        incomplete.join(" ")
                    )),
                )
            },
            cond(
                "Ready",
                unready.is_empty() && !terminal_ok,
                ready_reason,
                ready_msg.clone(),
            ),
            cond(
                "ContainersReady",
                unready.is_empty() && !terminal_ok,
                ready_reason,
                ready_msg,
            ),
            cond("PodScheduled", true, None, None),
        ];
        let host_ip = self.sh.node_ip.to_string();
        let mut status = json!({
            "phase": phase,
            "conditions": conditions,
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "startTime": self.start_time.map(|t| json!(t.round(k8s_openapi::jiff::Unit::Second).unwrap_or(t).to_string())),
            "containerStatuses": apps,
            "qosClass": qos_class(&spec.containers),
        });
        if !inits.is_empty() {
            status["initContainerStatuses"] = json!(inits);
        }
        let ip = if spec.host_network.unwrap_or(false) {
            Some(host_ip.clone())
        } else {
            self.sandbox.as_ref().and_then(|s| s.ip.clone())
        };
        if let Some(ip) = ip {
            status["podIP"] = json!(ip);
            status["podIPs"] = json!([{"ip": ip}]);
        }
        status
    }

    async fn push_status(&mut self, pod: &Pod, status: Value) {
        if self.sent.as_ref() == Some(&status) {
            return;
        }
        let pods: Api<Pod> =
            Api::namespaced(self.sh.client.clone(), &pod.namespace().unwrap_or_default());
        match pods
            .patch_status(
                &pod.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&json!({"status": status})),
            )
            .await
        {
            Ok(_) => self.sent = Some(status),
            Err(e) => {
                tracing::debug!(error = %e, pod = %pod.name_any(), "pod status update failed")
            }
        }
    }

    /// Runs the probes that are due: the startup probe until it passes, then readiness and
    /// liveness. A failed startup or liveness probe stops the container, which the restart
    /// policy then restarts.
    async fn probe(&mut self, pod: &Pod, containers: &[Container]) {
        let spec = pod.spec.clone().unwrap_or_default();
        let pod_ip = if spec.host_network.unwrap_or(false) {
            Some(self.sh.node_ip.to_string())
        } else {
            self.sandbox.as_ref().and_then(|s| s.ip.clone())
        };
        let grace = spec.termination_grace_period_seconds.unwrap_or(30);
        let runtime = self.sh.runtime.clone();
        for c in containers {
            if c.readiness_probe.is_none()
                && c.liveness_probe.is_none()
                && c.startup_probe.is_none()
            {
                continue;
            }
            let Some(ctr) = self.containers.get_mut(&c.name) else {
                continue;
            };
            let Some(id) = ctr.id.clone() else { continue };
            if !ctr.is_running() {
                ctr.readiness.ok = false;
                continue;
            }
            let now = tokio::time::Instant::now();
            let since = match &ctr.running_since {
                Some((i, t)) if *i == id => *t,
                _ => {
                    ctr.running_since = Some((id.clone(), now));
                    ctr.readiness = probes::ProbeState::default();
                    ctr.liveness = probes::ProbeState::default();
                    ctr.startup = probes::ProbeState::default();
                    now
                }
            };
            let mut notes: Vec<(bool, &str, String)> = Vec::new();
            let mut kill = false;
            if let (Some(p), false) = (&c.startup_probe, ctr.startup.ok) {
                if probes::due(p, &ctr.startup, since, now) {
                    let v =
                        probes::run(p, &mut ctr.startup, &runtime, &id, c, pod_ip.as_deref()).await;
                    if let Verdict::Failed(why) = v {
                        notes.push((true, "Unhealthy", format!("Startup probe failed: {why}")));
                        notes.push((
                            false,
                            "Killing",
                            format!(
                                "Container {} failed startup probe, will be restarted",
                                c.name
                            ),
                        ));
                        kill = true;
                    }
                }
            }
            let started = ctr.started(c);
            if let (Some(p), true) = (&c.readiness_probe, started) {
                if probes::due(p, &ctr.readiness, since, now) {
                    let v = probes::run(p, &mut ctr.readiness, &runtime, &id, c, pod_ip.as_deref())
                        .await;
                    if let Verdict::Failed(why) = v {
                        notes.push((true, "Unhealthy", format!("Readiness probe failed: {why}")));
                    }
                }
            }
            if let (Some(p), true) = (&c.liveness_probe, started) {
                if probes::due(p, &ctr.liveness, since, now) {
                    let v = probes::run(p, &mut ctr.liveness, &runtime, &id, c, pod_ip.as_deref())
                        .await;
                    if let Verdict::Failed(why) = v {
                        notes.push((true, "Unhealthy", format!("Liveness probe failed: {why}")));
                        notes.push((
                            false,
                            "Killing",
                            format!(
                                "Container {} failed liveness probe, will be restarted",
                                c.name
                            ),
                        ));
                        kill = true;
                    }
                }
            }
            for (warning, reason, note) in notes {
                self.event(pod, Some(&c.name), warning, reason, note).await;
            }
            if kill {
                if let Err(e) = runtime.stop_container(&id, grace).await {
                    tracing::warn!(error = %e, container = %c.name, "stopping an unhealthy container");
                }
            }
        }
    }

    /// Stops the running sidecars of a pod whose app containers are done, last one first (as
    /// upstream), each with the pod's grace period. Whether any was running.
    async fn stop_sidecars(&self, pod: &Pod) -> bool {
        let Some(spec) = pod.spec.as_ref() else {
            return false;
        };
        let grace = spec.termination_grace_period_seconds.unwrap_or(30);
        let pod_ip = self.sandbox.as_ref().and_then(|s| s.ip.as_deref());
        let mut stopped = false;
        for c in spec.init_containers.iter().flatten().rev() {
            let ctr = self.containers.get(&c.name).filter(|ctr| ctr.is_running());
            let Some(id) = ctr.and_then(|ctr| ctr.id.as_deref()) else {
                continue;
            };
            if is_sidecar(c) {
                stop_gracefully(&self.sh, Some(pod), &c.name, id, true, pod_ip, grace).await;
                stopped = true;
            }
        }
        stopped
    }

    /// Stops the containers (SIGTERM, SIGKILL after `grace` seconds) and removes them and the
    /// sandbox, the pod's cgroups and its files.
    async fn teardown(&mut self, pod: Option<&Pod>, grace: i64) {
        self.observe().await;
        let (sh, pod_ip) = (
            &self.sh,
            self.sandbox.as_ref().and_then(|s| s.ip.as_deref()),
        );
        let mut stops = Vec::new();
        for (name, ctr) in &self.containers {
            let Some(id) = ctr.id.as_deref() else {
                continue;
            };
            stops.push(async move {
                stop_gracefully(sh, pod, name, id, ctr.is_running(), pod_ip, grace).await;
                let _ = sh.runtime.remove_container(id).await;
            });
        }
        futures::future::join_all(stops).await;
        // Also whatever an earlier run left for this UID.
        let filter = api::PodSandboxFilter {
            label_selector: HashMap::from([(LABEL_POD_UID.to_string(), self.uid.clone())]),
            ..Default::default()
        };
        let mut ids: Vec<String> = self
            .sh
            .runtime
            .list_pod_sandbox(Some(filter))
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.id)
            .collect();
        if let Some(sb) = self.sandbox.take() {
            if !ids.contains(&sb.id) {
                ids.push(sb.id);
            }
        }
        for id in ids {
            if let Err(e) = self.sh.runtime.stop_pod_sandbox(&id).await {
                tracing::warn!(error = %e, sandbox = %id, "StopPodSandbox");
            }
            if let Err(e) = self.sh.runtime.remove_pod_sandbox(&id).await {
                tracing::warn!(error = %e, sandbox = %id, "RemovePodSandbox");
            }
        }
        self.containers.clear();
        remove_cgroup(&self.sh.cgroup_parent(&self.uid));
        let _ = std::fs::remove_dir_all(self.sh.pod_dir(&self.uid));
    }
}

/// Stops one container as kubelet does: a running one gets a `Killing` event and its preStop
/// hook (when the pod is still known), and the hook and the stop share the grace period; a
/// hook that uses it up leaves the container two more seconds, as upstream.
async fn stop_gracefully(
    sh: &Shared,
    pod: Option<&Pod>,
    name: &str,
    id: &str,
    running: bool,
    pod_ip: Option<&str>,
    grace: i64,
) {
    let started = tokio::time::Instant::now();
    let limit = Duration::from_secs(grace.max(0) as u64);
    if let Some(pod) = pod.filter(|_| running) {
        let note = format!("Stopping container {name}");
        sh.events
            .record(pod_ref(pod, Some(name)), false, "Killing", note)
            .await;
        let container = pod.spec.as_ref().and_then(|spec| {
            spec.init_containers
                .iter()
                .flatten()
                .chain(&spec.containers)
                .find(|c| c.name == name)
        });
        let hook = container.and_then(|c| Some((c, c.lifecycle.as_ref()?.pre_stop.as_ref()?)));
        if let Some((c, hook)) = hook {
            let run = probes::run_hook(hook, &sh.runtime, id, c, pod_ip, limit);
            let failure = match tokio::time::timeout(limit, run).await {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e),
                Err(_) => Some(format!("PreStopHook did not finish within {grace}s")),
            };
            if let Some(e) = failure {
                let note = format!("PreStopHook failed: {e}");
                sh.events
                    .record(pod_ref(pod, Some(name)), true, "FailedPreStopHook", note)
                    .await;
            }
        }
    }
    let left = limit.saturating_sub(started.elapsed()).as_secs() as i64;
    if let Err(e) = sh.runtime.stop_container(id, left.max(2)).await {
        tracing::debug!(error = %e, container = %name, "stopping a container");
    }
}

/// An init container with `restartPolicy: Always`: a sidecar that runs beside the app.
fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

fn terminated_json(o: &Observed, id: Option<&str>) -> Value {
    let reason = if !o.reason.is_empty() && o.reason != "Completed" && o.reason != "Error" {
        o.reason.clone()
    } else if o.exit_code == 0 {
        "Completed".into()
    } else {
        "Error".into()
    };
    let mut t = json!({
        "exitCode": o.exit_code,
        "reason": reason,
        "startedAt": rfc3339(o.started_at),
        "finishedAt": rfc3339(o.finished_at),
    });
    if !o.message.is_empty() {
        t["message"] = json!(o.message);
    }
    if let Some(id) = id {
        t["containerID"] = json!(format!("containerd://{id}"));
    }
    t
}

/// CPU shares, quota and memory limit from the container's requests and limits.
fn resources(c: &Container) -> api::LinuxContainerResources {
    let res = c.resources.as_ref();
    let q = |limits: bool, name: &str| {
        let m = if limits {
            res.and_then(|r| r.limits.as_ref())
        } else {
            res.and_then(|r| r.requests.as_ref())
        };
        m.and_then(|m| m.get(name))
            .and_then(|q| spec::parse_quantity(&q.0))
    };
    let cpu_request = q(false, "cpu").or(q(true, "cpu"));
    let cpu_limit = q(true, "cpu");
    let mem_limit = q(true, "memory");
    api::LinuxContainerResources {
        cpu_shares: cpu_request.map_or(2, |c| ((c * 1024.0) as i64).max(2)),
        cpu_period: if cpu_limit.is_some() { 100_000 } else { 0 },
        cpu_quota: cpu_limit.map_or(0, |c| ((c * 100_000.0) as i64).max(1000)),
        memory_limit_in_bytes: mem_limit.map_or(0, |m| m as i64),
        ..Default::default()
    }
}

/// The pod's QoS class, as upstream computes it from its containers.
fn qos_class(containers: &[Container]) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let r = c.resources.as_ref();
        let req = r.and_then(|r| r.requests.clone()).unwrap_or_default();
        let lim = r.and_then(|r| r.limits.clone()).unwrap_or_default();
        if !req.is_empty() || !lim.is_empty() {
            any = true;
        }
        for name in ["cpu", "memory"] {
            let l = lim.get(name).and_then(|q| spec::parse_quantity(&q.0));
            let rq = req.get(name).and_then(|q| spec::parse_quantity(&q.0)).or(l);
            if l.is_none() || l != rq {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(res: Value) -> Container {
        serde_json::from_value(json!({"name": "c", "resources": res})).unwrap()
    }

    #[test]
    fn qos_classes() {
        assert_eq!(qos_class(&[container(json!({}))]), "BestEffort");
        assert_eq!(
            qos_class(&[container(json!({"limits": {"cpu": "1", "memory": "1Gi"}}))]),
            "Guaranteed"
        );
        assert_eq!(
            qos_class(&[container(json!({"requests": {"cpu": "100m"}}))]),
            "Burstable"
        );
    }

    #[test]
    fn cgroup_resources() {
        let r = resources(&container(
            json!({"requests": {"cpu": "500m"}, "limits": {"cpu": "1", "memory": "64Mi"}}),
        ));
        assert_eq!(r.cpu_shares, 512);
        assert_eq!(r.cpu_quota, 100_000);
        assert_eq!(r.cpu_period, 100_000);
        assert_eq!(r.memory_limit_in_bytes, 64 << 20);
        assert_eq!(resources(&container(json!({}))).cpu_shares, 2);
    }

    #[test]
    fn terminated_reasons() {
        let o = Observed {
            state: api::ContainerState::ContainerExited,
            exit_code: 3,
            started_at: 1_700_000_000_000_000_000,
            finished_at: 1_700_000_001_000_000_000,
            reason: "Error".into(),
            message: String::new(),
            image_ref: String::new(),
        };
        let t = terminated_json(&o, Some("abc"));
        assert_eq!(t["exitCode"], 3);
        assert_eq!(t["reason"], "Error");
        assert_eq!(t["containerID"], "containerd://abc");
        assert_eq!(t["finishedAt"], "2023-11-14T22:13:21Z");
        let ok = Observed {
            exit_code: 0,
            reason: String::new(),
            ..o
        };
        assert_eq!(terminated_json(&ok, None)["reason"], "Completed");
    }
}

//! The Node object: registration with the host's capacity, labels and addresses; status with
//! conditions and node info; the Lease in `kube-node-lease` renewed every 10 s; and the CNI
//! configuration written once the control plane assigns the node a pod CIDR.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{Node, NodeCondition, NodeSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::Api;
use serde_json::json;
use tokio::sync::watch;

use crate::{cni, Shared};

/// How often the Lease is renewed (upstream's default).
pub const LEASE_RENEW: Duration = Duration::from_secs(10);
/// How long the Lease is valid.
pub const LEASE_DURATION_SECONDS: i32 = 40;
/// The Kubernetes release the agent reports.
pub const KUBELET_VERSION: &str = "v1.32.0";
/// Pods per node.
pub const MAX_PODS: u32 = 110;

/// The first global IPv4 address of the host outside the pod range, else 127.0.0.1.
pub fn host_ip() -> IpAddr {
    let mut found = None;
    // SAFETY: getifaddrs fills a linked list we walk read-only and free once.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) == 0 {
            let mut cur = list;
            while !cur.is_null() {
                let ifa = &*cur;
                if !ifa.ifa_addr.is_null() && i32::from((*ifa.ifa_addr).sa_family) == libc::AF_INET
                {
                    let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                    let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                    let o = ip.octets();
                    if !(ip.is_loopback() || o[0] == 198 && o[1] == 18) && found.is_none() {
                        found = Some(ip);
                    }
                }
                cur = ifa.ifa_next;
            }
            libc::freeifaddrs(list);
        }
    }
    IpAddr::V4(found.unwrap_or(Ipv4Addr::LOCALHOST))
}

/// The host name, lowercased (the default node name).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_lowercase())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        a => a,
    }
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// `MemTotal` of /proc/meminfo in KiB.
fn memory_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Size of the file system holding `path`, in bytes.
fn fs_bytes(path: &Path) -> u64 {
    let Ok(c) = std::ffi::CString::new(path.to_string_lossy().as_bytes()) else {
        return 0;
    };
    // SAFETY: statvfs writes into the struct we own.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) == 0 {
            st.f_blocks as u64 * st.f_frsize as u64
        } else {
            0
        }
    }
}

fn os_image() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "Linux".into())
}

/// The node's capacity: CPUs, memory, ephemeral storage of the data dir's file system, pods.
pub fn capacity(data_dir: &Path) -> BTreeMap<String, Quantity> {
    // SAFETY: sysconf has no preconditions.
    let cpus = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) }.max(1);
    BTreeMap::from([
        ("cpu".to_string(), Quantity(cpus.to_string())),
        (
            "memory".to_string(),
            Quantity(format!("{}Ki", memory_kib())),
        ),
        (
            "ephemeral-storage".to_string(),
            Quantity(format!("{}Ki", fs_bytes(data_dir) / 1024)),
        ),
        ("pods".to_string(), Quantity(MAX_PODS.to_string())),
    ])
}

fn labels(sh: &Shared) -> BTreeMap<String, String> {
    let mut l = BTreeMap::from([
        (
            "kubernetes.io/hostname".to_string(),
            sh.config.node_name.clone(),
        ),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
        ("kubernetes.io/arch".to_string(), arch().to_string()),
        ("beta.kubernetes.io/os".to_string(), "linux".to_string()),
        ("beta.kubernetes.io/arch".to_string(), arch().to_string()),
    ]);
    if sh.config.control_plane {
        l.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
    }
    l
}

/// Creates the Node, or merges our labels into an existing one.
async fn register(sh: &Shared) -> Result<(), kube::Error> {
    let nodes: Api<Node> = Api::all(sh.client.clone());
    let node = Node {
        metadata: ObjectMeta {
            name: Some(sh.config.node_name.clone()),
            labels: Some(labels(sh)),
            annotations: Some(BTreeMap::from([(
                "node.alpha.kubernetes.io/ttl".to_string(),
                "0".to_string(),
            )])),
            ..Default::default()
        },
        spec: sh.config.pod_cidr.as_ref().map(|cidr| NodeSpec {
            pod_cidr: Some(cidr.clone()),
            pod_cidrs: Some(vec![cidr.clone()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    match nodes.create(&PostParams::default(), &node).await {
        Ok(_) => {
            tracing::info!(node = %sh.config.node_name, "node registered");
            Ok(())
        }
        Err(kube::Error::Api(s)) if s.code == 409 => {
            let patch = json!({"metadata": {"labels": labels(sh)}});
            nodes
                .patch(
                    &sh.config.node_name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Keeps condition transition times stable across heartbeats.
struct Conditions {
    since: BTreeMap<&'static str, (String, Time)>,
}

impl Conditions {
    fn condition(
        &mut self,
        type_: &'static str,
        status: bool,
        reason: &str,
        message: &str,
        now: Timestamp,
    ) -> NodeCondition {
        let status = if status { "True" } else { "False" }.to_string();
        let entry = self
            .since
            .entry(type_)
            .or_insert_with(|| (status.clone(), Time(now)));
        if entry.0 != status {
            *entry = (status.clone(), Time(now));
        }
        NodeCondition {
            type_: type_.into(),
            status,
            reason: Some(reason.into()),
            message: Some(message.into()),
            last_heartbeat_time: Some(Time(now)),
            last_transition_time: Some(entry.1.clone()),
        }
    }
}

async fn runtime_ready(sh: &Shared) -> (bool, bool) {
    match sh.runtime.status(false).await {
        Ok(s) => {
            let conds = s.status.map(|s| s.conditions).unwrap_or_default();
            let has = |t: &str| conds.iter().any(|c| c.r#type == t && c.status);
            (has("RuntimeReady"), has("NetworkReady"))
        }
        Err(_) => (false, false),
    }
}

async fn post_status(
    sh: &Shared,
    conds: &mut Conditions,
    runtime_version: &str,
    ready: bool,
    not_ready_why: &str,
) -> Result<(), kube::Error> {
    let now = Timestamp::now();
    let cap = capacity(&sh.config.data_dir);
    let conditions = vec![
        conds.condition(
            "MemoryPressure",
            false,
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
            now,
        ),
        conds.condition(
            "DiskPressure",
            false,
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
            now,
        ),
        conds.condition(
            "PIDPressure",
            false,
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
            now,
        ),
        if ready {
            conds.condition(
                "Ready",
                true,
                "KubeletReady",
                "kubelet is posting ready status",
                now,
            )
        } else {
            conds.condition("Ready", false, "KubeletNotReady", not_ready_why, now)
        },
    ];
    let status = json!({
        "capacity": cap,
        "allocatable": cap,
        "conditions": conditions,
        "addresses": [
            {"type": "InternalIP", "address": sh.node_ip.to_string()},
            {"type": "Hostname", "address": sh.config.node_name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": sh.config.kubelet_port}},
        "nodeInfo": {
            "machineID": read_trimmed("/etc/machine-id"),
            "systemUUID": read_trimmed("/sys/class/dmi/id/product_uuid"),
            "bootID": read_trimmed("/proc/sys/kernel/random/boot_id"),
            "kernelVersion": read_trimmed("/proc/sys/kernel/osrelease"),
            "osImage": os_image(),
            "containerRuntimeVersion": runtime_version,
            "kubeletVersion": KUBELET_VERSION,
            "kubeProxyVersion": "",
            "operatingSystem": "linux",
            "architecture": arch(),
        },
    });
    let nodes: Api<Node> = Api::all(sh.client.clone());
    nodes
        .patch_status(
            &sh.config.node_name,
            &PatchParams::default(),
            &Patch::Merge(&json!({ "status": status })),
        )
        .await?;
    Ok(())
}

async fn renew_lease(sh: &Shared) -> Result<(), kube::Error> {
    let leases: Api<Lease> = Api::namespaced(sh.client.clone(), "kube-node-lease");
    let name = &sh.config.node_name;
    let now = MicroTime(Timestamp::now());
    match leases.get_opt(name).await? {
        Some(_) => {
            let patch = json!({"spec": {"holderIdentity": name, "leaseDurationSeconds": LEASE_DURATION_SECONDS, "renewTime": now}});
            leases
                .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
        }
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(name.clone()),
                    namespace: Some("kube-node-lease".into()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(name.clone()),
                    lease_duration_seconds: Some(LEASE_DURATION_SECONDS),
                    renew_time: Some(now),
                    ..Default::default()
                }),
            };
            leases.create(&PostParams::default(), &lease).await?;
        }
    }
    Ok(())
}

/// Writes the CNI configuration once the node has a pod CIDR; returns the CIDR.
async fn ensure_network(sh: &Shared) -> Result<Option<String>, String> {
    let nodes: Api<Node> = Api::all(sh.client.clone());
    let node = nodes
        .get_opt(&sh.config.node_name)
        .await
        .map_err(|e| e.to_string())?;
    let Some(cidr) = node.and_then(|n| n.spec?.pod_cidr) else {
        return Ok(None);
    };
    let bridge = cni::bridge_name(&sh.config.node_name, &sh.config.data_dir);
    let conf = cni::conflist(&bridge, &cidr, &sh.config.data_dir.join("cni").join("ipam"));
    cni::write(&sh.containerd.cni_conf_dir, &conf)
        .map_err(|e| format!("writing the CNI configuration: {e}"))?;
    Ok(Some(cidr))
}

/// The node loop: register, then heartbeat status and lease.
pub async fn run(sh: Arc<Shared>, cidr_tx: watch::Sender<Option<String>>) {
    let runtime_version = match sh.runtime.version().await {
        Ok(v) => format!("{}://{}", v.runtime_name, v.runtime_version),
        Err(_) => "containerd://unknown".into(),
    };
    while let Err(e) = register(&sh).await {
        tracing::warn!(error = %e, "node registration failed; retrying");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let mut conds = Conditions {
        since: BTreeMap::new(),
    };
    let mut last_status = None::<tokio::time::Instant>;
    let mut was_ready = false;
    loop {
        if cidr_tx.borrow().is_none() {
            match ensure_network(&sh).await {
                Ok(Some(cidr)) => {
                    tracing::info!(%cidr, "pod network configured");
                    let _ = cidr_tx.send(Some(cidr));
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "pod network"),
            }
        }
        let (runtime_ok, network_ok) = runtime_ready(&sh).await;
        let have_cidr = cidr_tx.borrow().is_some();
        let ready = runtime_ok && network_ok && have_cidr;
        let why = if !runtime_ok {
            "container runtime is down"
        } else {
            "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
        };
        let due = last_status.is_none_or(|t| t.elapsed() >= LEASE_RENEW) || ready != was_ready;
        if due {
            match post_status(&sh, &mut conds, &runtime_version, ready, why).await {
                Ok(()) => {
                    last_status = Some(tokio::time::Instant::now());
                    was_ready = ready;
                }
                Err(e) => tracing::warn!(error = %e, "node status update failed"),
            }
            if let Err(e) = renew_lease(&sh).await {
                tracing::warn!(error = %e, "lease renewal failed");
            }
        }
        let pause = if ready {
            Duration::from_secs(1).max(
                LEASE_RENEW.saturating_sub(last_status.map_or(Duration::ZERO, |t| t.elapsed())),
            )
        } else {
            Duration::from_millis(200)
        };
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_read_from_the_host() {
        let cap = capacity(Path::new("/"));
        assert!(cap["cpu"].0.parse::<u32>().unwrap() >= 1);
        assert!(cap["memory"].0.ends_with("Ki"));
        assert_ne!(cap["memory"].0, "0Ki");
        assert_ne!(cap["ephemeral-storage"].0, "0Ki");
        assert_eq!(cap["pods"].0, "110");
    }

    #[test]
    fn host_ip_is_not_in_the_pod_range() {
        let ip = host_ip().to_string();
        assert!(!ip.starts_with("198.18."), "{ip}");
        assert!(!hostname().is_empty());
    }
}

//! Security contexts on real containers, checked from inside with `kubectl exec`: user and
//! groups, fsGroup ownership of volumes, a read-only root file system, no privilege
//! escalation, dropped capabilities, the runtime's seccomp profile by default, privileged
//! containers, and `runAsNonRoot` refusing an image that runs as root.

mod common;

use std::time::Duration;

use common::{eventually, AgentCleanup, Cluster};
use serde_json::json;

const NODE: &str = "rudder-security-e2e";

fn status_line(c: &Cluster, pod: &str, field: &str) -> String {
    let status = c.ok(&["exec", pod, "--", "cat", "/proc/self/status"]);
    status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in {status}"))
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string()
}

#[test]
fn security_contexts_reach_the_containers() {
    let pod_cidr = format!("198.18.{}.0/24", 2 + std::process::id() % 4);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);

    let restricted = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "restricted"},
        "spec": {
            "securityContext": {"runAsUser": 1000, "runAsGroup": 3000, "fsGroup": 2000,
                                "runAsNonRoot": true},
            "volumes": [{"name": "data", "emptyDir": {}}],
            "containers": [{
                "name": "main", "image": "busybox", "command": ["sleep", "3600"],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "securityContext": {"readOnlyRootFilesystem": true,
                                    "allowPrivilegeEscalation": false,
                                    "capabilities": {"drop": ["ALL"]}}}]}
    });
    let privileged = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "privileged"},
        "spec": {"containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"],
                                 "securityContext": {"privileged": true}}]}
    });
    let plain = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "plain"},
        "spec": {"containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    });
    let root_image = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nonroot"},
        "spec": {"securityContext": {"runAsNonRoot": true},
                 "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    });
    for p in [&restricted, &privileged, &plain, &root_image] {
        c.ok_stdin(&["apply", "-f", "-"], &p.to_string());
    }
    for p in ["restricted", "privileged", "plain"] {
        c.ok(&[
            "wait",
            "--for=condition=Ready",
            &format!("pod/{p}"),
            "--timeout=60s",
        ]);
    }

    // --- User and groups.
    let id = |args: &str| c.ok(&["exec", "restricted", "--", "id", args]);
    assert_eq!(id("-u").trim(), "1000");
    assert_eq!(id("-g").trim(), "3000");
    assert!(
        id("-G").split_whitespace().any(|g| g == "2000"),
        "{}",
        id("-G")
    );

    // --- fsGroup owns the volume, and new files inherit the group.
    let sh = |script: &str| c.kubectl(&["exec", "restricted", "--", "sh", "-c", script]);
    let out = sh("stat -c %g /data && touch /data/new && stat -c %g /data/new");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2000\n2000\n");

    // --- Read-only root file system; no privilege escalation; no capabilities; seccomp.
    let out = sh("touch /rootfs-write");
    assert!(
        !out.status.success(),
        "writing to a read-only root succeeded"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Read-only file system"),
        "{out:?}"
    );
    assert_eq!(status_line(&c, "restricted", "NoNewPrivs:"), "1");
    assert_eq!(status_line(&c, "restricted", "CapEff:"), "0000000000000000");
    assert_eq!(status_line(&c, "restricted", "Seccomp:"), "2");

    // --- Defaults: the runtime's seccomp profile, escalation allowed. Privileged: neither
    // seccomp nor a reduced capability set.
    assert_eq!(status_line(&c, "plain", "Seccomp:"), "2");
    assert_eq!(status_line(&c, "plain", "NoNewPrivs:"), "0");
    assert_eq!(status_line(&c, "privileged", "Seccomp:"), "0");
    let caps = status_line(&c, "privileged", "CapEff:");
    let plain_caps = status_line(&c, "plain", "CapEff:");
    assert!(
        u64::from_str_radix(&caps, 16).unwrap().count_ones()
            > u64::from_str_radix(&plain_caps, 16).unwrap().count_ones(),
        "privileged {caps} vs default {plain_caps}"
    );

    // --- runAsNonRoot with an image that runs as root never starts.
    let waiting = eventually(Duration::from_secs(60), || {
        let p = c.json(&["get", "pod", "nonroot"]);
        let w = p["status"]["containerStatuses"][0]["state"]["waiting"].clone();
        (w["reason"] == "CreateContainerConfigError").then_some(w)
    });
    let message = waiting["message"].as_str().unwrap_or("");
    assert!(
        message.contains("container has runAsNonRoot and image will run as root"),
        "{waiting}"
    );
}

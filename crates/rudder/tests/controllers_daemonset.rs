//! The DaemonSet controller, driven through real kubectl: one pod per eligible node (taints
//! against tolerations), new nodes getting a pod, status and `kubectl get ds` columns, and a
//! rolling update that replaces pods node by node.
//!
//! Nodes are bare Node objects and nothing runs containers, so the tests play the kubelet:
//! they mark pods Running and Ready through the status subresource. Node lifecycle is disabled
//! so the nodes never go stale.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{eventually, Cluster};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

fn now_rfc3339() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn register_node(c: &Cluster, name: &str) {
    let now = now_rfc3339();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {name}}}\n"
        ),
    );
    let status = format!(
        r#"{{"status":{{"capacity":{{"cpu":"4","memory":"8Gi","pods":"110"}},"allocatable":{{"cpu":"4","memory":"8Gi","pods":"110"}},"conditions":[{{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"{now}","lastTransitionTime":"{now}"}}]}}}}"#
    );
    c.ok(&[
        "patch",
        "node",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        &status,
    ]);
}

fn ready_pod(c: &Cluster, name: &str) {
    let status = format!(
        r#"{{"status":{{"phase":"Running","conditions":[{{"type":"Ready","status":"True","lastTransitionTime":"{}"}}]}}}}"#,
        now_rfc3339()
    );
    let _ = c.kubectl(&[
        "patch",
        "pod",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        &status,
    ]);
}

#[derive(Debug, Clone)]
struct PodInfo {
    name: String,
    hash: String,
    ready: bool,
    json: Value,
}

/// Live pods of the set by node.
fn pods_by_node(c: &Cluster) -> BTreeMap<String, Vec<PodInfo>> {
    let list = c.json(&["get", "pods", "-l", "app=agent"]);
    let mut out: BTreeMap<String, Vec<PodInfo>> = BTreeMap::new();
    for p in list["items"].as_array().unwrap() {
        if !p["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let node = p["spec"]["nodeName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        out.entry(node).or_default().push(PodInfo {
            name: p["metadata"]["name"].as_str().unwrap().to_string(),
            hash: p["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            ready: p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True"),
            json: p.clone(),
        });
    }
    out
}

fn daemonset(image: &str, tolerations: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      terminationGracePeriodSeconds: 0
{tolerations}      containers: [{{name: c, image: \"{image}\"}}]
"
    )
}

/// Readies every pod until each of `nodes` has exactly one ready pod at revision `hash`
/// (any revision when empty); checks no more than `max_lacking` nodes lack a ready pod meanwhile.
fn converge(c: &Cluster, nodes: &[&str], hash: &str, max_lacking: usize) {
    eventually(WAIT, || {
        let by_node = pods_by_node(c);
        let lacking = nodes
            .iter()
            .filter(|n| {
                !by_node
                    .get(**n)
                    .is_some_and(|ps| ps.iter().any(|p| p.ready))
            })
            .count();
        assert!(
            lacking <= max_lacking,
            "{lacking} nodes without a ready pod: {by_node:?}"
        );
        for p in by_node.values().flatten().filter(|p| !p.ready) {
            ready_pod(c, &p.name);
        }
        let done = by_node.len() == nodes.len()
            && nodes.iter().all(|n| {
                by_node.get(*n).is_some_and(|ps| {
                    ps.len() == 1 && ps[0].ready && (hash.is_empty() || ps[0].hash == hash)
                })
            });
        done.then_some(())
    });
}

fn status(c: &Cluster) -> Value {
    c.json(&["get", "ds", "agent"])["status"].clone()
}

#[test]
fn one_pod_per_eligible_node_and_node_by_node_rolling_update() {
    let c = Cluster::start_with(&["--disable", "nodelifecycle"]);
    for n in ["n1", "n2", "n3"] {
        register_node(&c, n);
    }
    c.ok(&["taint", "node", "n3", "dedicated=infra:NoSchedule"]);
    c.ok_stdin(&["apply", "-f", "-"], &daemonset("busybox:1", ""));

    // Only the untainted nodes get a pod, bound by node affinity and nodeName.
    let by_node = eventually(WAIT, || {
        let m = pods_by_node(&c);
        (m.len() == 2).then_some(m)
    });
    assert_eq!(by_node.keys().collect::<Vec<_>>(), ["n1", "n2"]);
    let p = &by_node["n1"][0].json;
    assert_eq!(
        p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            ["nodeSelectorTerms"][0]["matchFields"][0]["values"][0],
        "n1"
    );
    let tolerated: Vec<&str> = p["spec"]["tolerations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure",
        "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
    ] {
        assert!(tolerated.contains(&key), "{key} missing: {tolerated:?}");
    }
    assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "DaemonSet");
    converge(&c, &["n1", "n2"], "", 2);
    std::thread::sleep(Duration::from_millis(500));
    assert!(!pods_by_node(&c).contains_key("n3"));

    let st = eventually(WAIT, || {
        let s = status(&c);
        (s["numberReady"] == 2 && s["numberAvailable"] == 2).then_some(s)
    });
    assert_eq!(st["desiredNumberScheduled"], 2);
    assert_eq!(st["currentNumberScheduled"], 2);
    assert_eq!(st["updatedNumberScheduled"], 2);
    assert_eq!(st["numberMisscheduled"], 0);
    assert_eq!(st["observedGeneration"], 1);
    let table = c.ok(&["get", "ds", "agent"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE",
            "SELECTOR",
            "AGE"
        ]
    );
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        &row[..7],
        ["agent", "2", "2", "2", "2", "2", "<none>"],
        "{table}"
    );
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=agent",
    ]);
    assert!(events.contains("Created pod: agent-"), "{events}");

    // A new node gets a pod.
    register_node(&c, "n4");
    converge(&c, &["n1", "n2", "n4"], "", 1);
    eventually(WAIT, || (status(&c)["numberReady"] == 3).then_some(()));

    // Rolling update (maxUnavailable 1): pods are replaced node by node.
    let old_hash = pods_by_node(&c)["n1"][0].hash.clone();
    let revs = c.json(&["get", "controllerrevisions", "-l", "app=agent"]);
    assert_eq!(revs["items"].as_array().unwrap().len(), 1);
    c.ok(&["set", "image", "ds/agent", "c=busybox:2"]);
    let new_hash = eventually(WAIT, || {
        let revs = c.json(&["get", "controllerrevisions", "-l", "app=agent"]);
        let items = revs["items"].as_array().unwrap().clone();
        items.iter().find(|r| r["revision"] == 2).map(|r| {
            r["metadata"]["labels"]["controller-revision-hash"]
                .as_str()
                .unwrap()
                .to_string()
        })
    });
    assert_ne!(new_hash, old_hash);
    converge(&c, &["n1", "n2", "n4"], &new_hash, 1);
    let st = eventually(WAIT, || {
        let s = status(&c);
        (s["updatedNumberScheduled"] == 3 && s["numberAvailable"] == 3).then_some(s)
    });
    assert_eq!(st["observedGeneration"], 2);
    for ps in pods_by_node(&c).values() {
        assert_eq!(ps[0].json["spec"]["containers"][0]["image"], "busybox:2");
    }

    // Tolerating the taint brings a pod to n3.
    c.ok_stdin(
        &["apply", "-f", "-"],
        &daemonset(
            "busybox:2",
            "      tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]\n",
        ),
    );
    eventually(WAIT, || pods_by_node(&c).contains_key("n3").then_some(()));
    converge(&c, &["n1", "n2", "n3", "n4"], "", 2);
    eventually(WAIT, || {
        let s = status(&c);
        (s["desiredNumberScheduled"] == 4
            && s["updatedNumberScheduled"] == 4
            && s["numberReady"] == 4)
            .then_some(())
    });
}

#[test]
fn surge_update_starts_the_new_pod_before_removing_the_old() {
    let c = Cluster::start_with(&["--disable", "nodelifecycle"]);
    register_node(&c, "n1");
    let manifest = |image: &str| {
        daemonset(image, "").replace(
            "  template:\n",
            "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n  template:\n",
        )
    };
    c.ok_stdin(&["apply", "-f", "-"], &manifest("busybox:1"));
    converge(&c, &["n1"], "", 1);
    let old = pods_by_node(&c)["n1"][0].clone();
    c.ok_stdin(&["apply", "-f", "-"], &manifest("busybox:2"));

    // The new pod joins the old one, which stays until the new one is ready.
    let new = eventually(WAIT, || {
        let ps = pods_by_node(&c).remove("n1").unwrap_or_default();
        ps.into_iter().find(|p| p.name != old.name)
    });
    std::thread::sleep(Duration::from_millis(500));
    let names: Vec<String> = pods_by_node(&c)["n1"]
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert!(
        names.contains(&old.name),
        "old pod removed before the new one was ready"
    );
    ready_pod(&c, &new.name);
    eventually(WAIT, || {
        let ps = pods_by_node(&c).remove("n1").unwrap_or_default();
        (ps.len() == 1 && ps[0].name == new.name).then_some(())
    });
    eventually(WAIT, || {
        (status(&c)["updatedNumberScheduled"] == 1 && status(&c)["numberAvailable"] == 1)
            .then_some(())
    });
}

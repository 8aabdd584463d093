//! Node lifecycle and disruption budgets with real kubectl: a node whose kubelet went silent is
//! tainted and its pods evicted when their tolerations expire, and a ReplicaSet's replacement is
//! scheduled onto a healthy node; `kubectl drain` is held back by a PodDisruptionBudget until the
//! budget allows it.

mod common;

use std::time::Duration;

use common::{eventually, Cluster};

fn ago(secs: i64) -> String {
    let t = std::time::SystemTime::now() - Duration::from_secs(secs as u64);
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // RFC 3339 in UTC without pulling in a date crate: let `date` format it.
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Registers a Ready node whose last heartbeat was `silent_for` seconds ago.
fn register_node(c: &Cluster, name: &str, silent_for: i64) {
    let beat = ago(silent_for);
    c.ok_stdin(&["apply", "-f", "-"], &format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/hostname: {name}}}\n"
    ));
    let status = format!(
        r#"{{"status":{{"capacity":{{"cpu":"4","memory":"8Gi","pods":"110"}},"allocatable":{{"cpu":"4","memory":"8Gi","pods":"110"}},"conditions":[{{"type":"Ready","status":"True","reason":"KubeletReady","lastHeartbeatTime":"{beat}","lastTransitionTime":"{beat}"}}]}}}}"#
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

fn bound_pod(c: &Cluster, name: &str, node: &str, owner: Option<(&str, &str)>, extra_spec: &str) {
    let owner = owner
        .map(|(rs, uid)| format!("  ownerReferences: [{{apiVersion: apps/v1, kind: ReplicaSet, name: {rs}, uid: {uid}, controller: true}}]\n"))
        .unwrap_or_default();
    c.ok_stdin(&["apply", "-f", "-"], &format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{app: web}}\n{owner}spec:\n  nodeName: {node}\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: busybox}}]\n{extra_spec}"
    ));
    c.ok(&[
        "patch",
        "pod",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        r#"{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}"#,
    ]);
}

#[test]
fn silent_node_is_tainted_and_its_pods_evicted_after_their_toleration() {
    let c = Cluster::start_with(&["--disable", "scheduler,replicaset"]);
    register_node(&c, "stale", 120);
    register_node(&c, "fresh", 0);
    bound_pod(&c, "short", "stale", None,
        "  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}]\n");
    bound_pod(&c, "patient", "stale", None, "");

    let taints = eventually(Duration::from_secs(20), || {
        let t = c.ok(&[
            "get",
            "node",
            "stale",
            "-o",
            "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}",
        ]);
        t.contains("node.kubernetes.io/unreachable:NoExecute")
            .then_some(t)
    });
    assert!(
        taints.contains("node.kubernetes.io/unreachable:NoSchedule"),
        "{taints}"
    );
    assert_eq!(
        c.ok(&[
            "get",
            "node",
            "stale",
            "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"
        ]),
        "Unknown"
    );
    let table = c.ok(&["get", "nodes"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("stale ") && l.contains("NotReady")),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("fresh ") && l.contains(" Ready")),
        "{table}"
    );

    // The pod tolerating the taint for 2 s goes; the one with the default 300 s stays.
    eventually(Duration::from_secs(20), || {
        c.fails_quietly(&["get", "pod", "short"]).then_some(())
    });
    assert!(c.kubectl(&["get", "pod", "patient"]).status.success());
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "reason=TaintManagerEviction",
        "-o",
        "jsonpath={.items[*].message}",
    ]);
    assert!(
        events.contains("Marking for deletion Pod default/short"),
        "{events}"
    );

    // Pod CIDRs are allocated, a /24 each.
    let cidrs = c.ok(&["get", "nodes", "-o", "jsonpath={.items[*].spec.podCIDR}"]);
    let mut cidrs: Vec<&str> = cidrs.split_whitespace().collect();
    cidrs.sort();
    assert_eq!(cidrs, ["198.18.0.0/24", "198.18.1.0/24"]);
}

#[test]
fn drain_is_held_back_by_a_disruption_budget() {
    let c = Cluster::start_with(&["--disable", "scheduler,replicaset,nodelifecycle"]);
    register_node(&c, "node1", 0);
    c.ok_stdin(&["apply", "-f", "-"], "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: busybox}]}\n");
    let uid = c.ok(&["get", "rs", "web", "-o", "jsonpath={.metadata.uid}"]);
    bound_pod(&c, "web-a", "node1", Some(("web", &uid)), "");
    bound_pod(&c, "web-b", "node1", Some(("web", &uid)), "");
    c.ok_stdin(&["apply", "-f", "-"], "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web-pdb}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n");
    eventually(Duration::from_secs(20), || {
        let s = c.json(&["get", "pdb", "web-pdb"]);
        (s["status"]["currentHealthy"] == 2 && s["status"]["disruptionsAllowed"] == 0).then_some(())
    });
    let table = c.ok(&["get", "pdb"]);
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    "web-pdb",
                    "2",
                    "N/A",
                    "0",
                    l.split_whitespace().last().unwrap()
                ]),
        "{table}"
    );

    let out = c.kubectl(&["drain", "node1", "--ignore-daemonsets", "--timeout=4s"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Cannot evict pod as it would violate the pod's disruption budget"),
        "{err}"
    );
    assert!(
        c.kubectl(&["get", "pod", "web-a"]).status.success()
            && c.kubectl(&["get", "pod", "web-b"]).status.success()
    );
    assert_eq!(
        c.ok(&[
            "get",
            "node",
            "node1",
            "-o",
            "jsonpath={.spec.unschedulable}"
        ]),
        "true",
        "drain cordons first"
    );

    c.ok(&[
        "patch",
        "pdb",
        "web-pdb",
        "--type=merge",
        "-p",
        r#"{"spec":{"minAvailable":0}}"#,
    ]);
    eventually(Duration::from_secs(20), || {
        (c.json(&["get", "pdb", "web-pdb"])["status"]["disruptionsAllowed"] == 2).then_some(())
    });
    let out = c.ok(&["drain", "node1", "--ignore-daemonsets", "--timeout=20s"]);
    assert!(out.contains("node/node1 drained"), "{out}");
    assert!(
        out.contains("pod/web-a evicted") && out.contains("pod/web-b evicted"),
        "{out}"
    );
}

#[test]
fn pods_of_a_silent_node_are_replaced_on_a_healthy_one() {
    let c = Cluster::start();
    register_node(&c, "first", 0);
    c.ok_stdin(&["apply", "-f", "-"], "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      terminationGracePeriodSeconds: 0\n      tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}]\n      containers: [{name: c, image: busybox}]\n");
    let first = eventually(Duration::from_secs(20), || {
        let pods = c.json(&["get", "pods", "-l", "app=web"]);
        let pod = pods["items"].as_array()?.first()?.clone();
        (pod["spec"]["nodeName"] == "first").then_some(pod)
    });
    let first_name = first["metadata"]["name"].as_str().unwrap().to_string();

    // The first node falls silent; a second one joins.
    register_node(&c, "first", 120);
    register_node(&c, "second", 0);
    let replacement = eventually(Duration::from_secs(30), || {
        let pods = c.json(&["get", "pods", "-l", "app=web"]);
        let items = pods["items"].as_array()?;
        let pod = items
            .iter()
            .find(|p| p["metadata"]["name"] != first_name.as_str())?;
        (items.len() == 1 && pod["spec"]["nodeName"] == "second").then(|| pod.clone())
    });
    assert_eq!(
        replacement["metadata"]["ownerReferences"][0]["name"], "web",
        "{replacement}"
    );
    let taints = c.ok(&[
        "get",
        "node",
        "first",
        "-o",
        "jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}",
    ]);
    assert!(
        taints.contains("node.kubernetes.io/unreachable:NoSchedule")
            && taints.contains("node.kubernetes.io/unreachable:NoExecute"),
        "{taints}"
    );
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={first_name}"),
        "-o",
        "jsonpath={.items[*].reason}",
    ]);
    assert!(
        events.contains("Scheduled") && events.contains("TaintManagerEviction"),
        "{events}"
    );
}

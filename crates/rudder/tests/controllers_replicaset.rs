//! The ReplicaSet controller, driven through real kubectl: creation, self-healing, scaling,
//! adoption of orphans, and events.

mod common;

use std::time::Duration;

use common::{eventually, Cluster};

const RS: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: frontend}
spec:
  replicas: 3
  selector: {matchLabels: {tier: frontend}}
  template:
    metadata: {labels: {tier: frontend}}
    spec:
      containers: [{name: php, image: busybox}]
";

fn pod_names(c: &Cluster) -> Vec<String> {
    c.ok(&[
        "get",
        "pods",
        "-l",
        "tier=frontend",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ])
    .split_whitespace()
    .map(str::to_string)
    .collect()
}

fn wait_for_count(c: &Cluster, n: usize) -> Vec<String> {
    eventually(Duration::from_secs(20), || {
        let names = pod_names(c);
        (names.len() == n).then_some(names)
    })
}

#[test]
fn replicaset_creates_heals_scales_and_adopts() {
    let c = Cluster::start();
    // An orphan that matches the selector is adopted rather than duplicated.
    c.ok_stdin(&["apply", "-f", "-"], "apiVersion: v1\nkind: Pod\nmetadata: {name: orphan, labels: {tier: frontend}}\nspec:\n  containers: [{name: c, image: busybox}]\n");
    c.ok_stdin(&["apply", "-f", "-"], RS);
    let pods = wait_for_count(&c, 3);
    assert!(pods.contains(&"orphan".to_string()), "{pods:?}");
    let owner = c.ok(&[
        "get",
        "pod",
        "orphan",
        "-o",
        "jsonpath={.metadata.ownerReferences[0].name}",
    ]);
    assert_eq!(owner, "frontend");
    for p in pods.iter().filter(|p| *p != "orphan") {
        assert!(p.starts_with("frontend-"), "{p}");
        let controller = c.ok(&[
            "get",
            "pod",
            p,
            "-o",
            "jsonpath={.metadata.ownerReferences[0].controller}",
        ]);
        assert_eq!(controller, "true");
    }

    // Self-healing: a deleted pod is replaced.
    c.ok(&["delete", "pod", &pods[0], "--wait=false"]);
    let healed = eventually(Duration::from_secs(20), || {
        let names = pod_names(&c);
        (names.len() == 3 && !names.contains(&pods[0])).then_some(names)
    });
    assert_eq!(healed.len(), 3);

    c.ok(&["scale", "rs", "frontend", "--replicas=5"]);
    wait_for_count(&c, 5);
    c.ok(&["scale", "rs", "frontend", "--replicas=1"]);
    wait_for_count(&c, 1);

    let status = eventually(Duration::from_secs(20), || {
        let s = c.json(&["get", "rs", "frontend"]);
        (s["status"]["replicas"] == 1
            && s["status"]["observedGeneration"] == s["metadata"]["generation"])
            .then_some(s)
    });
    assert_eq!(status["status"]["readyReplicas"], 0);

    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=frontend",
        "-o",
        "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}",
    ]);
    assert!(
        events
            .lines()
            .any(|l| l.starts_with("SuccessfulCreate Created pod: frontend-")),
        "{events}"
    );
    assert!(
        events
            .lines()
            .any(|l| l.starts_with("SuccessfulDelete Deleted pod: ")),
        "{events}"
    );
    let described = c.ok(&["describe", "rs", "frontend"]);
    assert!(described.contains("replicaset-controller"), "{described}");
}

#[test]
fn disabled_loops_do_not_run() {
    let c = Cluster::start_with(&["--disable", "replicaset"]);
    c.ok_stdin(&["apply", "-f", "-"], RS);
    std::thread::sleep(Duration::from_secs(2));
    assert!(pod_names(&c).is_empty());
}

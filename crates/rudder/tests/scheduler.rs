//! The scheduler, driven through real kubectl against Node objects registered by hand: node
//! selectors, affinity, taints and tolerations, cordons, resource fit with kube-scheduler's
//! FailedScheduling message, host ports, pod (anti-)affinity, topology spread, pending pods
//! scheduled once a node fits, and preemption between PriorityClasses.
//!
//! The node lifecycle loop is disabled: these nodes have no kubelet heart-beating for them (and
//! the harness runs no node agent, so only the registered nodes exist).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{eventually, Cluster};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);

fn start() -> Cluster {
    Cluster::start_with(&["--disable", "nodelifecycle"])
}

/// Registers a Ready node with the given allocatable CPU and memory, labels and taints
/// (`key=value:Effect`, value optional).
fn add_node(c: &Cluster, name: &str, cpu: &str, labels: &[(&str, &str)], taints: &[&str]) {
    let mut l: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    l.insert("kubernetes.io/hostname".into(), name.into());
    let taints: Vec<Value> = taints
        .iter()
        .map(|t| {
            let (kv, effect) = t.split_once(':').unwrap();
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            json!({"key": k, "value": v, "effect": effect})
        })
        .collect();
    let status = json!({
        "capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
        "allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
        "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                        "message": "kubelet is posting ready status"}],
    });
    let node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": l},
        "spec": {"taints": taints},
        "status": status,
    });
    c.ok_stdin(&["apply", "-f", "-"], &node.to_string());
    c.ok(&[
        "patch",
        "node",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        &json!({"status": status}).to_string(),
    ]);
}

fn apply(c: &Cluster, manifest: Value) {
    c.ok_stdin(&["apply", "-f", "-"], &manifest.to_string());
}

/// A pod requesting `cpu` with extra spec fields merged in.
fn pod(name: &str, cpu: &str, labels: Value, extra: Value) -> Value {
    let mut spec = json!({
        "terminationGracePeriodSeconds": 0,
        "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10",
                        "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}],
    });
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "labels": labels}, "spec": spec})
}

fn node_of(c: &Cluster, pod: &str) -> String {
    c.ok(&["get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"])
}

fn wait_bound(c: &Cluster, pod: &str) -> String {
    eventually(WAIT, || Some(node_of(c, pod)).filter(|n| !n.is_empty()))
}

/// The PodScheduled condition once it is False: (reason, message).
fn wait_unschedulable(c: &Cluster, pod: &str) -> (String, String) {
    eventually(WAIT, || {
        let p = c.json(&["get", "pod", pod]);
        let cond = p["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "PodScheduled")?
            .clone();
        (cond["status"] == "False").then(|| {
            (
                cond["reason"].as_str().unwrap_or_default().to_string(),
                cond["message"].as_str().unwrap_or_default().to_string(),
            )
        })
    })
}

/// `reason message` lines of the events about an object.
fn events_of(c: &Cluster, name: &str) -> Vec<String> {
    c.ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={name}"),
        "-o",
        "jsonpath={range .items[*]}{.reason} {.source.component} {.message}{\"\\n\"}{end}",
    ])
    .lines()
    .map(str::to_string)
    .collect()
}

#[test]
fn node_filters_failed_scheduling_and_late_nodes() {
    let c = start();
    add_node(
        &c,
        "cp",
        "4",
        &[("node-role.kubernetes.io/control-plane", "")],
        &["node-role.kubernetes.io/control-plane:NoSchedule"],
    );
    add_node(&c, "w1", "2", &[("disktype", "ssd")], &[]);
    add_node(&c, "w2", "2", &[("disktype", "hdd"), ("gen", "5")], &[]);

    // nodeSelector.
    apply(
        &c,
        pod(
            "on-ssd",
            "100m",
            json!({}),
            json!({"nodeSelector": {"disktype": "ssd"}}),
        ),
    );
    // Required node affinity with Gt and NotIn.
    apply(
        &c,
        pod(
            "affine",
            "100m",
            json!({}),
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "gen", "operator": "Gt", "values": ["4"]},
                    {"key": "disktype", "operator": "NotIn", "values": ["ssd"]}]}]}}}}),
        ),
    );
    // Tolerating the control plane's taint and selecting it.
    apply(
        &c,
        pod(
            "on-cp",
            "100m",
            json!({}),
            json!({"nodeSelector": {"node-role.kubernetes.io/control-plane": ""},
                   "tolerations": [{"key": "node-role.kubernetes.io/control-plane",
                                    "operator": "Exists", "effect": "NoSchedule"}]}),
        ),
    );
    // More CPU than any untainted node has.
    apply(&c, pod("big", "3", json!({}), json!({})));
    // Another scheduler's pod is left alone.
    apply(
        &c,
        pod(
            "other",
            "100m",
            json!({}),
            json!({"schedulerName": "my-scheduler"}),
        ),
    );

    assert_eq!(wait_bound(&c, "on-ssd"), "w1");
    assert_eq!(wait_bound(&c, "affine"), "w2");
    assert_eq!(wait_bound(&c, "on-cp"), "cp");

    let (reason, message) = wait_unschedulable(&c, "big");
    assert_eq!(reason, "Unschedulable");
    let expected = "0/3 nodes are available: 1 node(s) had untolerated taint \
        {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes \
        are available: 3 Preemption is not helpful for scheduling.";
    assert_eq!(message, expected);
    let events = eventually(WAIT, || {
        let e = events_of(&c, "big");
        e.iter()
            .any(|l| l.starts_with("FailedScheduling"))
            .then_some(e)
    });
    assert!(
        events.contains(&format!("FailedScheduling default-scheduler {expected}")),
        "{events:?}"
    );
    let described = c.ok(&["describe", "pod", "big"]);
    assert!(described.contains("FailedScheduling"), "{described}");

    let scheduled = eventually(WAIT, || {
        let e = events_of(&c, "on-ssd");
        e.iter().find(|l| l.starts_with("Scheduled")).cloned()
    });
    assert_eq!(
        scheduled,
        "Scheduled default-scheduler Successfully assigned default/on-ssd to w1"
    );
    let cond = c.ok(&[
        "get",
        "pod",
        "on-ssd",
        "-o",
        "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].status}",
    ]);
    assert_eq!(cond, "True");

    // A node that fits arrives: the pending pod goes there.
    add_node(&c, "w3", "4", &[], &[]);
    assert_eq!(wait_bound(&c, "big"), "w3");

    // A cordoned node takes nothing new until uncordoned.
    c.ok(&["cordon", "w3"]);
    apply(
        &c,
        pod(
            "pinned",
            "100m",
            json!({}),
            json!({"nodeSelector": {"kubernetes.io/hostname": "w3"}}),
        ),
    );
    let (_, message) = wait_unschedulable(&c, "pinned");
    assert!(
        message.contains("1 node(s) were unschedulable"),
        "{message}"
    );
    c.ok(&["uncordon", "w3"]);
    assert_eq!(wait_bound(&c, "pinned"), "w3");

    assert_eq!(node_of(&c, "other"), "");
    let other = c.json(&["get", "pod", "other"]);
    assert!(other["status"]["conditions"]
        .as_array()
        .is_none_or(|cs| cs.is_empty()));
}

#[test]
fn taints_tolerations_and_host_ports() {
    let c = start();
    add_node(&c, "infra", "4", &[], &["dedicated=infra:NoSchedule"]);
    add_node(&c, "general", "4", &[], &[]);

    apply(&c, pod("plain", "100m", json!({}), json!({})));
    assert_eq!(wait_bound(&c, "plain"), "general");
    let tolerate = json!([{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}]);
    apply(
        &c,
        pod(
            "tolerant",
            "100m",
            json!({}),
            json!({"tolerations": tolerate,
                   "nodeSelector": {"kubernetes.io/hostname": "infra"}}),
        ),
    );
    assert_eq!(wait_bound(&c, "tolerant"), "infra");
    // A toleration with the wrong value does not help.
    apply(
        &c,
        pod(
            "wrong-value",
            "100m",
            json!({}),
            json!({"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}],
                   "nodeSelector": {"kubernetes.io/hostname": "infra"}}),
        ),
    );
    let (_, message) = wait_unschedulable(&c, "wrong-value");
    assert_eq!(
        message,
        "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, \
         1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/2 nodes are \
         available: 2 Preemption is not helpful for scheduling."
    );

    // Three pods wanting host port 8080 on two nodes (all tolerate the taint).
    let ports = |name: &str| {
        let mut p = pod(
            name,
            "100m",
            json!({"app": "edge"}),
            json!({"tolerations": tolerate}),
        );
        p["spec"]["containers"][0]["ports"] = json!([{"containerPort": 80, "hostPort": 8080}]);
        p
    };
    apply(&c, ports("edge-1"));
    let first = wait_bound(&c, "edge-1");
    apply(&c, ports("edge-2"));
    let second = wait_bound(&c, "edge-2");
    assert_ne!(first, second);
    apply(&c, ports("edge-3"));
    let (_, message) = wait_unschedulable(&c, "edge-3");
    assert_eq!(
        message,
        "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. \
         preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
    // Freeing the port lets it in.
    c.ok(&["delete", "pod", "edge-1", "--wait=false"]);
    assert_eq!(wait_bound(&c, "edge-3"), first);
}

#[test]
fn pod_affinity_anti_affinity_and_topology_spread() {
    let c = start();
    let zone = "topology.kubernetes.io/zone";
    for (n, z) in [("a1", "a"), ("a2", "a"), ("b1", "b"), ("b2", "b")] {
        add_node(&c, n, "4", &[(zone, z)], &[]);
    }

    // A ReplicaSet whose replicas must not share a node.
    apply(
        &c,
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
               "metadata": {"name": "web"},
               "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"terminationGracePeriodSeconds": 0,
                                              "containers": [{"name": "web", "image": "nginx",
                                                              "resources": {"requests": {"cpu": "100m"}}}],
                                              "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                                                  {"labelSelector": {"matchLabels": {"app": "web"}},
                                                   "topologyKey": "kubernetes.io/hostname"}]}}}}}}),
    );
    let placed = eventually(WAIT, || {
        let out = c.ok(&[
            "get",
            "pods",
            "-l",
            "app=web",
            "-o",
            "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}",
        ]);
        let mut nodes: Vec<String> = out.lines().map(str::to_string).collect();
        nodes.sort();
        (nodes.len() == 4 && nodes.iter().all(|n| !n.is_empty())).then_some(nodes)
    });
    assert_eq!(placed, vec!["a1", "a2", "b1", "b2"]);
    // A fifth replica has nowhere to go.
    c.ok(&["scale", "rs", "web", "--replicas=5"]);
    let message = eventually(WAIT, || {
        let pods = c.json(&["get", "pods", "-l", "app=web"]);
        pods["items"].as_array()?.iter().find_map(|p| {
            let cond = p["status"]["conditions"]
                .as_array()?
                .iter()
                .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")?;
            cond["message"].as_str().map(str::to_string)
        })
    });
    assert_eq!(
        message,
        "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules. preemption: \
         0/4 nodes are available: 4 No preemption victims found for incoming pod."
    );
    c.ok(&["scale", "rs", "web", "--replicas=0"]);

    // Required pod affinity by zone: follow the cache into zone b.
    apply(
        &c,
        pod(
            "cache",
            "100m",
            json!({"app": "cache"}),
            json!({"nodeSelector": {"kubernetes.io/hostname": "b2"}}),
        ),
    );
    assert_eq!(wait_bound(&c, "cache"), "b2");
    for i in 0..3 {
        apply(
            &c,
            pod(
                &format!("near-cache-{i}"),
                "100m",
                json!({"app": "near"}),
                json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": zone}]}}}),
            ),
        );
    }
    for i in 0..3 {
        let n = wait_bound(&c, &format!("near-cache-{i}"));
        assert!(n.starts_with('b'), "near-cache-{i} on {n}");
    }
    // No pod matches: unresolvable affinity.
    apply(
        &c,
        pod(
            "lonely",
            "100m",
            json!({}),
            json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "nothing"}}, "topologyKey": zone}]}}}),
        ),
    );
    let (_, message) = wait_unschedulable(&c, "lonely");
    assert_eq!(
        message,
        "0/4 nodes are available: 4 node(s) didn't match pod affinity rules. preemption: 0/4 \
         nodes are available: 4 Preemption is not helpful for scheduling."
    );

    // Topology spread across zones, maxSkew 1, created in one burst.
    let spread = |name: &str| {
        pod(
            name,
            "100m",
            json!({"app": "spread"}),
            json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": zone,
                "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "spread"}}}]}),
        )
    };
    let burst: Vec<Value> = (0..6).map(|i| spread(&format!("spread-{i}"))).collect();
    let docs: Vec<String> = burst.iter().map(Value::to_string).collect();
    c.ok_stdin(&["apply", "-f", "-"], &docs.join("\n"));
    let mut per_zone = BTreeMap::new();
    for i in 0..6 {
        let n = wait_bound(&c, &format!("spread-{i}"));
        *per_zone.entry(n[..1].to_string()).or_insert(0) += 1;
    }
    assert_eq!(
        per_zone,
        BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 3)])
    );
    // Pods restricted to zone a but counting zone b too (nodeAffinityPolicy Ignore): the
    // first makes a 4 vs b 3, a second would make the skew 2.
    let only_a = |name: &str| {
        let mut p = spread(name);
        p["spec"]["nodeSelector"] = json!({zone: "a"});
        p["spec"]["topologySpreadConstraints"][0]["nodeAffinityPolicy"] = json!("Ignore");
        p
    };
    apply(&c, only_a("spread-a-1"));
    assert!(wait_bound(&c, "spread-a-1").starts_with('a'));
    apply(&c, only_a("spread-a-2"));
    let (_, message) = wait_unschedulable(&c, "spread-a-2");
    assert_eq!(
        message,
        "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) \
         didn't match pod topology spread constraints. preemption: 0/4 nodes are available: \
         2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    );
}

#[test]
fn preemption_between_priority_classes() {
    let c = start();
    add_node(&c, "n1", "2", &[], &[]);
    for (name, value) in [("low", 100), ("high", 1000)] {
        apply(
            &c,
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                   "metadata": {"name": name}, "value": value}),
        );
    }
    for name in ["low-1", "low-2"] {
        apply(
            &c,
            pod(
                name,
                "1",
                json!({"tier": "batch"}),
                json!({"priorityClassName": "low"}),
            ),
        );
        assert_eq!(wait_bound(&c, name), "n1");
    }
    // Same priority cannot preempt.
    apply(
        &c,
        pod("low-3", "1", json!({}), json!({"priorityClassName": "low"})),
    );
    let (_, message) = wait_unschedulable(&c, "low-3");
    assert_eq!(
        message,
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: \
         1 No preemption victims found for incoming pod."
    );
    c.ok(&["delete", "pod", "low-3"]);

    apply(
        &c,
        pod(
            "important",
            "1",
            json!({}),
            json!({"priorityClassName": "high"}),
        ),
    );
    assert_eq!(wait_bound(&c, "important"), "n1");
    let priority = c.ok(&[
        "get",
        "pod",
        "important",
        "-o",
        "jsonpath={.spec.priorityClassName}",
    ]);
    assert_eq!(priority, "high");
    // Exactly one victim went.
    let left = c.ok(&[
        "get",
        "pods",
        "-l",
        "tier=batch",
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ]);
    let left: Vec<&str> = left.split_whitespace().collect();
    assert_eq!(left.len(), 1, "{left:?}");
    let victim = if left[0] == "low-1" { "low-2" } else { "low-1" };
    let uid = c.ok(&["get", "pod", "important", "-o", "jsonpath={.metadata.uid}"]);
    let events = eventually(WAIT, || {
        let e = events_of(&c, victim);
        e.iter().any(|l| l.starts_with("Preempted")).then_some(e)
    });
    assert!(
        events.contains(&format!(
            "Preempted default-scheduler Preempted by pod {uid} on node n1"
        )),
        "{events:?}"
    );
    let events = events_of(&c, "important");
    assert!(
        events
            .iter()
            .any(|l| l
                == "Scheduled default-scheduler Successfully assigned default/important to n1"),
        "{events:?}"
    );
}

/// A claim of an `Immediate` class is provisioned before any pod uses it, and its pods follow
/// its volume; a claim that must be bound first and is not (no class, nothing to bind it)
/// keeps its pods pending with kube-scheduler's message.
#[test]
fn claims_of_immediate_classes_bind_before_their_pods_schedule() {
    let c = start();
    add_node(&c, "n1", "2", &[], &[]);
    add_node(&c, "n2", "2", &[], &[]);
    apply(
        &c,
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
               "metadata": {"name": "fast"}, "provisioner": "rudder.io/local-path",
               "volumeBindingMode": "Immediate"}),
    );
    let claim = |name: &str, class: &str| {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
               "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class,
                        "resources": {"requests": {"storage": "1Mi"}}}})
    };
    let using = |name: &str, claim: &str| {
        pod(
            name,
            "100m",
            json!({}),
            json!({"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]}),
        )
    };

    apply(&c, claim("early", "fast"));
    let volume = eventually(WAIT, || {
        let pvc = c.json(&["get", "pvc", "early"]);
        (pvc["status"]["phase"] == "Bound").then(|| pvc["spec"]["volumeName"].clone())
    });
    let pv = c.json(&["get", "pv", volume.as_str().unwrap()]);
    let volume_node = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]
        ["matchExpressions"][0]["values"][0]
        .as_str()
        .unwrap()
        .to_string();
    apply(&c, using("uses-early", "early"));
    assert_eq!(wait_bound(&c, "uses-early"), volume_node);

    apply(&c, claim("static", ""));
    apply(&c, using("uses-static", "static"));
    let (reason, message) = wait_unschedulable(&c, "uses-static");
    assert_eq!(reason, "Unschedulable");
    assert_eq!(
        message,
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. \
         preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    );
    assert!(
        events_of(&c, "uses-static")
            .iter()
            .any(|e| e.starts_with("FailedScheduling default-scheduler 0/2 nodes")),
        "{:?}",
        events_of(&c, "uses-static")
    );
}

//! The garbage collector, the namespace lifecycle and the service-account controllers, driven
//! through real kubectl: cascading deletion in its three modes, collection of objects whose
//! owners are gone, namespace termination, and the `default` ServiceAccount.

mod common;

use std::time::Duration;

use common::{eventually, Cluster};

const WAIT: Duration = Duration::from_secs(30);

fn rs_manifest(name: &str, replicas: u32, pod_finalizer: Option<&str>) -> String {
    let finalizers = pod_finalizer
        .map(|f| format!(", finalizers: [{f}]"))
        .unwrap_or_default();
    format!(
        "apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}{finalizers}}}
    spec:
      containers: [{{name: c, image: busybox}}]
"
    )
}

fn pods_of(c: &Cluster, app: &str) -> Vec<String> {
    c.ok(&[
        "get",
        "pods",
        "-l",
        &format!("app={app}"),
        "-o",
        "jsonpath={.items[*].metadata.name}",
    ])
    .split_whitespace()
    .map(str::to_string)
    .collect()
}

fn wait_pods(c: &Cluster, app: &str, n: usize) -> Vec<String> {
    eventually(WAIT, || {
        let p = pods_of(c, app);
        (p.len() == n).then_some(p)
    })
}

fn exists(c: &Cluster, args: &[&str]) -> bool {
    let mut a = vec!["get"];
    a.extend_from_slice(args);
    let out = c.kubectl(&a);
    if out.status.success() {
        return true;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NotFound"), "kubectl {a:?}: {err}");
    false
}

fn uid(c: &Cluster, args: &[&str]) -> String {
    let mut a = vec!["get"];
    a.extend_from_slice(args);
    a.extend(["-o", "jsonpath={.metadata.uid}"]);
    c.ok(&a)
}

#[test]
fn replicaset_deletion_in_each_mode() {
    let c = Cluster::start();

    // Background (kubectl's default): the ReplicaSet goes at once, its pods after it.
    c.ok_stdin(&["apply", "-f", "-"], &rs_manifest("bg", 2, None));
    wait_pods(&c, "bg", 2);
    let out = c.ok(&["delete", "rs", "bg", "--timeout=20s"]);
    assert!(out.contains("replicaset.apps \"bg\" deleted"), "{out}");
    wait_pods(&c, "bg", 0);

    // Orphan: the pods stay, released from their owner.
    c.ok_stdin(&["apply", "-f", "-"], &rs_manifest("orph", 2, None));
    let pods = wait_pods(&c, "orph", 2);
    c.ok(&["delete", "rs", "orph", "--cascade=orphan", "--timeout=20s"]);
    assert!(!exists(&c, &["rs", "orph"]));
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(pods_of(&c, "orph"), pods);
    let refs = c.ok(&[
        "get",
        "pods",
        "-l",
        "app=orph",
        "-o",
        "jsonpath={.items[*].metadata.ownerReferences}",
    ]);
    assert!(refs.trim().is_empty(), "{refs}");

    // Foreground: the owner stays, marked for deletion, until its pods are gone. The pods
    // carry a finalizer so that they stay around long enough to look.
    c.ok_stdin(
        &["apply", "-f", "-"],
        &rs_manifest("fg", 2, Some("example.com/hold")),
    );
    let pods = wait_pods(&c, "fg", 2);
    c.ok(&["delete", "rs", "fg", "--cascade=foreground", "--wait=false"]);
    for p in &pods {
        eventually(WAIT, || {
            let ts = c.ok(&[
                "get",
                "pod",
                p,
                "-o",
                "jsonpath={.metadata.deletionTimestamp}",
            ]);
            (!ts.is_empty()).then_some(())
        });
    }
    std::thread::sleep(Duration::from_millis(500));
    let rs = c.json(&["get", "rs", "fg"]);
    assert!(rs["metadata"]["deletionTimestamp"].is_string(), "{rs}");
    assert_eq!(
        rs["metadata"]["finalizers"],
        serde_json::json!(["foregroundDeletion"])
    );
    // No replacement pods while the owner is being deleted.
    assert_eq!(pods_of(&c, "fg").len(), 2);
    c.ok(&[
        "patch",
        "pod",
        &pods[0],
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(exists(&c, &["rs", "fg"]), "owner left before its last pod");
    c.ok(&[
        "patch",
        "pod",
        &pods[1],
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    eventually(WAIT, || (!exists(&c, &["rs", "fg"])).then_some(()));
    assert!(pods_of(&c, "fg").is_empty());
}

/// A Deployment → ReplicaSet → Pods chain, built by hand (the deployment loop is disabled so
/// that it does not manage the ReplicaSet itself).
fn chain(c: &Cluster, name: &str) -> (String, Vec<String>) {
    c.ok(&[
        "create",
        "deployment",
        name,
        "--image=busybox",
        "--replicas=0",
    ]);
    let owner = uid(c, &["deployment", name]);
    let rs = format!(
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}-rs
  ownerReferences:
  - {{apiVersion: apps/v1, kind: Deployment, name: {name}, uid: {owner}, controller: true, blockOwnerDeletion: true}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}-chain}}}}
  template:
    metadata: {{labels: {{app: {name}-chain}}}}
    spec:
      containers: [{{name: c, image: busybox}}]
"
    );
    c.ok_stdin(&["apply", "-f", "-"], &rs);
    let pods = wait_pods(c, &format!("{name}-chain"), 2);
    (format!("{name}-rs"), pods)
}

#[test]
fn deployment_chains_cascade_in_each_mode() {
    let c = Cluster::start_with(&["--disable", "deployment"]);

    let (rs, pods) = chain(&c, "orph");
    let out = c.ok(&[
        "delete",
        "deployment",
        "orph",
        "--cascade=orphan",
        "--timeout=20s",
    ]);
    assert!(out.contains("deployment.apps \"orph\" deleted"), "{out}");
    assert!(exists(&c, &["rs", &rs]));
    let refs = c.ok(&[
        "get",
        "rs",
        &rs,
        "-o",
        "jsonpath={.metadata.ownerReferences}",
    ]);
    assert!(refs.trim().is_empty(), "{refs}");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(pods_of(&c, "orph-chain"), pods);
    let owner = c.ok(&[
        "get",
        "pod",
        &pods[0],
        "-o",
        "jsonpath={.metadata.ownerReferences[0].name}",
    ]);
    assert_eq!(owner, rs);

    let (rs, _) = chain(&c, "fg");
    c.ok(&[
        "delete",
        "deployment",
        "fg",
        "--cascade=foreground",
        "--timeout=20s",
    ]);
    // The Deployment went last: everything below it is already gone.
    assert!(!exists(&c, &["rs", &rs]));
    assert!(pods_of(&c, "fg-chain").is_empty());

    let (rs, _) = chain(&c, "bg");
    c.ok(&[
        "delete",
        "deployment",
        "bg",
        "--cascade=background",
        "--timeout=20s",
    ]);
    eventually(WAIT, || (!exists(&c, &["rs", &rs])).then_some(()));
    wait_pods(&c, "bg-chain", 0);
}

#[test]
fn objects_whose_owners_are_gone_are_collected() {
    let c = Cluster::start();
    c.ok(&["create", "configmap", "parent", "--from-literal=a=b"]);
    let parent = uid(&c, &["configmap", "parent"]);
    let ghost = "6b1e8c1e-0000-4000-8000-000000000000";
    let cm = |name: &str, owners: &[(&str, &str)]| {
        let refs: Vec<String> = owners
            .iter()
            .map(|(n, u)| format!("  - {{apiVersion: v1, kind: ConfigMap, name: {n}, uid: {u}}}"))
            .collect();
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  ownerReferences:\n{}\n",
            refs.join("\n")
        )
    };
    c.ok_stdin(&["apply", "-f", "-"], &cm("child", &[("parent", &parent)]));
    c.ok_stdin(&["apply", "-f", "-"], &cm("stray", &[("ghost", ghost)]));
    c.ok_stdin(
        &["apply", "-f", "-"],
        &cm("mixed", &[("parent", &parent), ("ghost", ghost)]),
    );
    // An owner of the right name but another uid is absent too.
    c.ok_stdin(&["apply", "-f", "-"], &cm("renamed", &[("parent", ghost)]));

    eventually(WAIT, || (!exists(&c, &["cm", "stray"])).then_some(()));
    eventually(WAIT, || (!exists(&c, &["cm", "renamed"])).then_some(()));
    // A dependent with a live owner only loses the reference to the absent one.
    eventually(WAIT, || {
        let refs = c.ok(&[
            "get",
            "cm",
            "mixed",
            "-o",
            "jsonpath={.metadata.ownerReferences[*].uid}",
        ]);
        (refs == parent).then_some(())
    });
    assert!(exists(&c, &["cm", "child"]));

    c.ok(&["delete", "cm", "parent"]);
    eventually(WAIT, || (!exists(&c, &["cm", "child"])).then_some(()));
    eventually(WAIT, || (!exists(&c, &["cm", "mixed"])).then_some(()));
}

#[test]
fn namespace_termination_removes_content_then_the_namespace() {
    let c = Cluster::start();
    c.ok(&["create", "namespace", "team"]);
    c.ok(&[
        "create",
        "configmap",
        "settings",
        "-n",
        "team",
        "--from-literal=a=b",
    ]);
    c.ok(&[
        "create",
        "secret",
        "generic",
        "creds",
        "-n",
        "team",
        "--from-literal=k=v",
    ]);
    c.ok(&[
        "create",
        "service",
        "clusterip",
        "web",
        "-n",
        "team",
        "--tcp=80:80",
    ]);
    c.ok_stdin(
        &["apply", "-n", "team", "-f", "-"],
        &rs_manifest("web", 2, None),
    );
    c.ok_stdin(
        &["apply", "-n", "team", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n",
    );
    eventually(WAIT, || {
        let n = c.ok(&["get", "pods", "-n", "team", "-o", "name"]);
        (n.lines().count() == 2).then_some(())
    });

    let out = c.ok(&["delete", "namespace", "team", "--wait=false"]);
    assert!(out.contains("namespace \"team\" deleted"), "{out}");
    let phase = c.ok(&["get", "ns", "team", "-o", "jsonpath={.status.phase}"]);
    assert_eq!(phase, "Terminating");
    let err = c.fails(&[
        "create",
        "configmap",
        "late",
        "-n",
        "team",
        "--from-literal=a=b",
    ]);
    assert!(
        err.contains(
            "unable to create new content in namespace team because it is being terminated"
        ),
        "{err}"
    );

    // Everything but the held object goes; the namespace waits for it and says why.
    eventually(WAIT, || {
        let left = c.ok(&[
            "get",
            "pods,rs,svc,cm,secrets,sa",
            "-n",
            "team",
            "-o",
            "name",
        ]);
        (left.trim() == "configmap/held").then_some(())
    });
    let ns = eventually(WAIT, || {
        let ns = c.json(&["get", "ns", "team"]);
        let conds = ns["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        conds
            .iter()
            .any(|cond| {
                cond["type"] == "NamespaceFinalizersRemaining"
                    && cond["status"] == "True"
                    && cond["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("example.com/hold in 1 resource instances"))
            })
            .then_some(ns)
    });
    assert_eq!(ns["status"]["phase"], "Terminating");
    assert_eq!(ns["spec"]["finalizers"], serde_json::json!(["kubernetes"]));
    let described = c.ok(&["describe", "ns", "team"]);
    assert!(
        described.contains("NamespaceContentRemaining"),
        "{described}"
    );

    c.ok(&[
        "patch",
        "cm",
        "held",
        "-n",
        "team",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    eventually(WAIT, || (!exists(&c, &["ns", "team"])).then_some(()));

    // A namespace of that name can be created afresh; kubectl waiting on deletion works too.
    c.ok(&["create", "namespace", "team"]);
    c.ok(&[
        "create",
        "configmap",
        "again",
        "-n",
        "team",
        "--from-literal=a=b",
    ]);
    let out = c.ok(&["delete", "namespace", "team", "--timeout=30s"]);
    assert!(out.contains("namespace \"team\" deleted"), "{out}");
    assert!(!exists(&c, &["ns", "team"]));
}

#[test]
fn a_pod_no_kubelet_confirms_does_not_hold_its_namespace_forever() {
    let c = Cluster::start();
    c.ok(&["create", "namespace", "stuck"]);
    // Bound to a node nothing runs: deleting it starts a grace period nobody ends.
    c.ok_stdin(
        &["apply", "-n", "stuck", "-f", "-"],
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bound}\nspec:\n  nodeName: nowhere\n  terminationGracePeriodSeconds: 2\n  containers: [{name: c, image: busybox}]\n",
    );
    c.ok(&["delete", "namespace", "stuck", "--wait=false"]);
    eventually(WAIT, || {
        let ts = c.ok(&[
            "get",
            "pod",
            "bound",
            "-n",
            "stuck",
            "-o",
            "jsonpath={.metadata.deletionTimestamp}",
        ]);
        (!ts.is_empty()).then_some(())
    });
    eventually(WAIT, || (!exists(&c, &["ns", "stuck"])).then_some(()));
}

#[test]
fn every_namespace_gets_a_default_service_account() {
    let c = Cluster::start();
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        eventually(WAIT, || {
            exists(&c, &["sa", "default", "-n", ns]).then_some(())
        });
    }
    c.ok(&["create", "namespace", "apps"]);
    eventually(WAIT, || {
        exists(&c, &["sa", "default", "-n", "apps"]).then_some(())
    });
    let first = uid(&c, &["sa", "default", "-n", "apps"]);
    c.ok(&["delete", "sa", "default", "-n", "apps"]);
    let second = eventually(WAIT, || {
        let out = c.kubectl(&[
            "get",
            "sa",
            "default",
            "-n",
            "apps",
            "-o",
            "jsonpath={.metadata.uid}",
        ]);
        let u = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success() && !u.is_empty() && u != first).then_some(u)
    });
    assert_ne!(first, second);
    // Other accounts are left alone.
    c.ok(&["create", "sa", "builder", "-n", "apps"]);
    c.ok(&["delete", "sa", "builder", "-n", "apps"]);
    std::thread::sleep(Duration::from_secs(1));
    assert!(!exists(&c, &["sa", "builder", "-n", "apps"]));
}

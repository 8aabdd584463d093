//! The StatefulSet controller, driven through real kubectl: ordered creation with stable names
//! and per-pod claims, scale-down from the highest ordinal, ControllerRevisions, partitioned
//! rolling updates and Parallel pod management.
//!
//! Nothing runs containers here, so the tests play the node: they mark pods Running and Ready
//! through the status subresource.

mod common;

use std::time::Duration;

use common::{eventually, Cluster};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

fn statefulset(name: &str, replicas: i32, image: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
spec:
  replicas: {replicas}
  serviceName: nginx
  selector: {{matchLabels: {{app: {name}}}}}
{extra}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{{name: c, image: \"{image}\"}}]
  volumeClaimTemplates:
  - metadata: {{name: www}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
"
    )
}

fn apply(c: &Cluster, manifest: &str) {
    c.ok_stdin(&["apply", "-f", "-"], manifest);
}

fn now_rfc3339() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Plays the kubelet for one pod: Running and Ready.
fn ready_pod(c: &Cluster, name: &str) {
    let status = format!(
        r#"{{"status":{{"phase":"Running","conditions":[{{"type":"Ready","status":"True","lastTransitionTime":"{}"}}]}}}}"#,
        now_rfc3339()
    );
    c.ok(&[
        "patch",
        "pod",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        &status,
    ]);
}

fn pod(c: &Cluster, name: &str) -> Option<Value> {
    let out = c.kubectl(&["get", "pod", name, "-o", "json"]);
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).unwrap())
}

fn wait_pod(c: &Cluster, name: &str) -> Value {
    eventually(WAIT, || pod(c, name))
}

fn revision(p: &Value) -> String {
    p["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn pod_names(c: &Cluster, app: &str) -> Vec<String> {
    let list = c.json(&["get", "pods", "-l", &format!("app={app}")]);
    let mut names: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// Waits until `web-<i>` exists and has `rev`, then readies it.
fn ready_at_revision(c: &Cluster, name: &str, rev: &str) {
    eventually(WAIT, || pod(c, name).filter(|p| revision(p) == rev));
    ready_pod(c, name);
}

fn status(c: &Cluster, name: &str) -> Value {
    c.json(&["get", "sts", name])["status"].clone()
}

#[test]
fn ordered_pods_claims_scale_down_and_partitioned_rolling_update() {
    let c = Cluster::start();
    apply(&c, &statefulset("web", 3, "busybox:1", ""));

    // Strictly in order: web-1 only once web-0 is Running and Ready, and so on.
    for i in 0..3 {
        let name = format!("web-{i}");
        wait_pod(&c, &name);
        std::thread::sleep(Duration::from_millis(700));
        assert!(
            pod(&c, &format!("web-{}", i + 1)).is_none(),
            "web-{} created before {name} was ready",
            i + 1
        );
        ready_pod(&c, &name);
    }

    let p = wait_pod(&c, "web-1");
    let labels = &p["metadata"]["labels"];
    assert_eq!(labels["statefulset.kubernetes.io/pod-name"], "web-1");
    assert_eq!(labels["apps.kubernetes.io/pod-index"], "1");
    assert_eq!(p["spec"]["hostname"], "web-1");
    assert_eq!(p["spec"]["subdomain"], "nginx");
    assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
    let vol = p["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "www")
        .expect("claim volume")
        .clone();
    assert_eq!(vol["persistentVolumeClaim"]["claimName"], "www-web-1");
    for i in 0..3 {
        let claim = c.json(&["get", "pvc", &format!("www-web-{i}")]);
        assert_eq!(claim["metadata"]["labels"]["app"], "web");
        assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "1Gi");
    }

    // Status, revisions and the printed columns.
    let st = eventually(WAIT, || {
        let s = status(&c, "web");
        (s["readyReplicas"] == 3 && s["availableReplicas"] == 3 && s["currentReplicas"] == 3)
            .then_some(s)
    });
    assert_eq!(st["replicas"], 3);
    assert_eq!(st["updatedReplicas"], 3);
    assert_eq!(st["observedGeneration"], 1);
    assert_eq!(st["collisionCount"], 0);
    let rev1 = st["updateRevision"].as_str().unwrap().to_string();
    assert_eq!(st["currentRevision"], rev1.as_str());
    assert!(rev1.starts_with("web-"));
    assert_eq!(revision(&p), rev1);
    let cr = c.json(&["get", "controllerrevision", &rev1]);
    assert_eq!(cr["revision"], 1);
    assert_eq!(cr["metadata"]["ownerReferences"][0]["name"], "web");
    assert_eq!(
        cr["data"]["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1"
    );
    let table = c.ok(&["get", "sts", "web"]);
    assert!(
        table.lines().nth(1).unwrap().split_whitespace().nth(1) == Some("3/3"),
        "{table}"
    );
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=web",
    ]);
    assert!(
        events.contains("create Pod web-0 in StatefulSet web successful"),
        "{events}"
    );
    assert!(
        events.contains("create Claim www-web-0 Pod web-0 in StatefulSet web success"),
        "{events}"
    );

    // Scale down removes the highest ordinal; its claim stays.
    c.ok(&["scale", "sts", "web", "--replicas=2"]);
    eventually(WAIT, || {
        (pod_names(&c, "web") == ["web-0", "web-1"]).then_some(())
    });
    assert!(pod(&c, "web-0").is_some());
    c.ok(&["get", "pvc", "www-web-2"]);
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=web",
    ]);
    assert!(
        events.contains("delete Pod web-2 in StatefulSet web successful"),
        "{events}"
    );
    eventually(WAIT, || (status(&c, "web")["replicas"] == 2).then_some(()));

    // Back to 3, then a rolling update with partition 2 touches only web-2.
    c.ok(&["scale", "sts", "web", "--replicas=3"]);
    ready_at_revision(&c, "web-2", &rev1);
    c.ok(&[
        "patch",
        "sts",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"c","image":"busybox:2"}]}}}}"#,
    ]);
    let st = eventually(WAIT, || {
        let s = status(&c, "web");
        (s["updateRevision"] != rev1.as_str()).then_some(s)
    });
    let rev2 = st["updateRevision"].as_str().unwrap().to_string();
    ready_at_revision(&c, "web-2", &rev2);
    let st = eventually(WAIT, || {
        let s = status(&c, "web");
        (s["updatedReplicas"] == 1 && s["readyReplicas"] == 3).then_some(s)
    });
    assert_eq!(st["currentRevision"], rev1.as_str());
    assert_eq!(st["currentReplicas"], 2);
    std::thread::sleep(Duration::from_secs(1));
    for name in ["web-0", "web-1"] {
        let p = pod(&c, name).unwrap();
        assert_eq!(revision(&p), rev1, "{name} must keep the old revision");
        assert_eq!(p["spec"]["containers"][0]["image"], "busybox:1");
    }
    assert_eq!(
        pod(&c, "web-2").unwrap()["spec"]["containers"][0]["image"],
        "busybox:2"
    );
    let cr2 = c.json(&["get", "controllerrevision", &rev2]);
    assert_eq!(cr2["revision"], 2);

    // Lifting the partition finishes the rollout from the top: web-1, then web-0.
    c.ok(&[
        "patch",
        "sts",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#,
    ]);
    eventually(WAIT, || pod(&c, "web-1").filter(|p| revision(p) == rev2));
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(
        revision(&pod(&c, "web-0").unwrap()),
        rev1,
        "web-0 is updated only once web-1 is ready again"
    );
    ready_pod(&c, "web-1");
    ready_at_revision(&c, "web-0", &rev2);
    let st = eventually(WAIT, || {
        let s = status(&c, "web");
        (s["currentRevision"] == rev2.as_str() && s["currentReplicas"] == 3).then_some(s)
    });
    assert_eq!(st["updatedReplicas"], 3);
}

#[test]
fn parallel_creates_all_pods_at_once_and_recreates_deleted_ones() {
    let c = Cluster::start();
    apply(
        &c,
        &statefulset("par", 3, "busybox", "  podManagementPolicy: Parallel\n"),
    );
    eventually(WAIT, || {
        (pod_names(&c, "par") == ["par-0", "par-1", "par-2"]).then_some(())
    });
    for i in 0..3 {
        c.ok(&["get", "pvc", &format!("www-par-{i}")]);
    }
    // A deleted pod comes back under the same name.
    let uid = pod(&c, "par-1").unwrap()["metadata"]["uid"].clone();
    c.ok(&["delete", "pod", "par-1", "--wait=false"]);
    eventually(WAIT, || {
        pod(&c, "par-1").filter(|p| p["metadata"]["uid"] != uid)
    });
    // Scaling to zero removes them all at once.
    c.ok(&["scale", "sts", "par", "--replicas=0"]);
    eventually(WAIT, || pod_names(&c, "par").is_empty().then_some(()));
    eventually(WAIT, || (status(&c, "par")["replicas"] == 0).then_some(()));
}

#[test]
fn on_delete_updates_and_claim_retention_on_scale_down() {
    let c = Cluster::start();
    let extra = "  podManagementPolicy: Parallel
  updateStrategy: {type: OnDelete}
  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}
";
    apply(&c, &statefulset("ret", 2, "busybox:1", extra));
    eventually(WAIT, || {
        (pod_names(&c, "ret") == ["ret-0", "ret-1"]).then_some(())
    });
    for name in ["ret-0", "ret-1"] {
        ready_pod(&c, name);
    }
    let rev1 = eventually(WAIT, || {
        let s = status(&c, "ret");
        (s["readyReplicas"] == 2).then(|| s["currentRevision"].as_str().unwrap().to_string())
    });

    // OnDelete: a new template reaches a pod only when that pod is deleted.
    apply(&c, &statefulset("ret", 2, "busybox:2", extra));
    let rev2 = eventually(WAIT, || {
        let s = status(&c, "ret");
        s["updateRevision"]
            .as_str()
            .filter(|r| *r != rev1)
            .map(str::to_string)
    });
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(revision(&pod(&c, "ret-0").unwrap()), rev1);
    assert_eq!(revision(&pod(&c, "ret-1").unwrap()), rev1);
    c.ok(&["delete", "pod", "ret-0", "--wait=false"]);
    ready_at_revision(&c, "ret-0", &rev2);
    assert_eq!(revision(&pod(&c, "ret-1").unwrap()), rev1);
    eventually(WAIT, || {
        (status(&c, "ret")["updatedReplicas"] == 1).then_some(())
    });

    // whenScaled: Delete removes the claims of the pods scaled away (via their pods).
    c.ok(&["scale", "sts", "ret", "--replicas=1"]);
    eventually(WAIT, || (pod_names(&c, "ret") == ["ret-0"]).then_some(()));
    eventually(WAIT, || {
        c.fails_quietly(&["get", "pvc", "www-ret-1"]).then_some(())
    });
    c.ok(&["get", "pvc", "www-ret-0"]);

    // whenDeleted: Delete makes the set own its claims, so they go with it.
    c.ok(&[
        "patch",
        "sts",
        "ret",
        "--type=merge",
        "-p",
        r#"{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete"}}}"#,
    ]);
    eventually(WAIT, || {
        let claim = c.json(&["get", "pvc", "www-ret-0"]);
        (claim["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet").then_some(())
    });
    c.ok(&["delete", "sts", "ret", "--wait=false"]);
    eventually(WAIT, || {
        c.fails_quietly(&["get", "pvc", "www-ret-0"]).then_some(())
    });
}

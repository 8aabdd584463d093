//! Persistent volumes end to end with real containers: the default `local-path` StorageClass,
//! a claim that waits for its first consumer, provisioning and binding on the consumer's
//! node, data that outlives the pod that wrote it, and the volume deleted with its claim; a
//! generic ephemeral volume's claim made for its pod and deleted with it.
//! Shares the host network namespace like `agent.rs` (its own pod /24; everything the agent
//! made is removed on the way out).

mod common;

use std::time::Duration;

use common::{eventually, AgentCleanup, Cluster};
use serde_json::json;

const NODE: &str = "rudder-volumes-e2e";
const WAIT: Duration = Duration::from_secs(90);

fn run_pod(c: &Cluster, name: &str, script: &str) -> String {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", script],
                                 "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &pod.to_string());
    let phase = eventually(WAIT, || {
        let p = c.json(&["get", "pod", name]);
        let phase = p["status"]["phase"].as_str().unwrap_or("").to_string();
        matches!(phase.as_str(), "Succeeded" | "Failed").then_some(phase)
    });
    let log = c.ok(&["logs", name]);
    assert_eq!(phase, "Succeeded", "{log}");
    log
}

#[test]
fn claims_are_provisioned_on_first_use_and_keep_data() {
    let pod_cidr = format!("198.18.{}.0/24", 90 + std::process::id() % 10);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);

    let classes = c.ok(&["get", "storageclass"]);
    assert!(classes.contains("local-path (default)"), "{classes}");
    assert!(classes.contains("WaitForFirstConsumer"), "{classes}");

    // A claim without a class gets the default one and waits for a consumer.
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "64Mi"}}}});
    c.ok_stdin(&["apply", "-f", "-"], &pvc.to_string());
    let claim = c.json(&["get", "pvc", "data"]);
    assert_eq!(claim["spec"]["storageClassName"], "local-path");
    eventually(WAIT, || {
        let events = c.ok(&[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=data",
        ]);
        events.contains("WaitForFirstConsumer").then_some(())
    });
    assert_eq!(
        c.json(&["get", "pvc", "data"])["status"]["phase"],
        "Pending"
    );

    // The first pod gets it provisioned on its node and writes.
    run_pod(&c, "writer", "echo kept > /data/file && echo wrote");
    let claim = c.json(&["get", "pvc", "data"]);
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["status"]["capacity"]["storage"], "64Mi");
    let pv_name = claim["spec"]["volumeName"].as_str().unwrap().to_string();
    let pv = c.json(&["get", "pv", &pv_name]);
    assert_eq!(pv["status"]["phase"], "Bound");
    assert_eq!(pv["spec"]["claimRef"]["name"], "data");
    let terms = &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0];
    assert_eq!(terms["matchExpressions"][0]["values"][0], NODE);
    let host_path = pv["spec"]["hostPath"]["path"].as_str().unwrap().to_string();
    assert!(
        host_path.starts_with(&c.data_dir().join("storage").to_string_lossy().into_owned()),
        "{host_path}"
    );
    assert_eq!(
        std::fs::read_to_string(format!("{host_path}/file")).unwrap(),
        "kept\n"
    );
    let table = c.ok(&["get", "pvc", "data"]);
    assert!(
        table.contains("Bound") && table.contains(&pv_name),
        "{table}"
    );
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=data",
    ]);
    assert!(events.contains("ProvisioningSucceeded"), "{events}");

    // Another pod sees the data.
    c.ok(&["delete", "pod", "writer"]);
    let log = run_pod(&c, "reader", "cat /data/file");
    assert_eq!(log.trim(), "kept");

    // Deleting the claim deletes its volume (reclaim policy Delete).
    c.ok(&["delete", "pod", "reader"]);
    c.ok(&["delete", "pvc", "data"]);
    eventually(WAIT, || {
        let out = c.kubectl(&["get", "pv", &pv_name]);
        (!out.status.success()).then_some(())
    });

    // A generic ephemeral volume: a claim `<pod>-<volume>` owned by the pod, provisioned on
    // its node, mounted, and deleted with the pod (and its volume with it).
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "scratch"},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "c", "image": "busybox",
                                 "command": ["sh", "-c", "echo scratch > /work/f && cat /work/f && sleep 3600"],
                                 "volumeMounts": [{"name": "work", "mountPath": "/work"}]}],
                 "volumes": [{"name": "work", "ephemeral": {"volumeClaimTemplate": {
                     "metadata": {"labels": {"purpose": "scratch"}},
                     "spec": {"accessModes": ["ReadWriteOnce"],
                              "resources": {"requests": {"storage": "16Mi"}}}}}}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &pod.to_string());
    c.ok(&[
        "wait",
        "--for=condition=Ready",
        "pod/scratch",
        "--timeout=90s",
    ]);
    assert_eq!(c.ok(&["logs", "scratch"]).trim(), "scratch");
    let claim = c.json(&["get", "pvc", "scratch-work"]);
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["metadata"]["labels"]["purpose"], "scratch");
    let owner = &claim["metadata"]["ownerReferences"][0];
    assert_eq!(
        (owner["kind"].as_str(), owner["name"].as_str()),
        (Some("Pod"), Some("scratch"))
    );
    let pv_name = claim["spec"]["volumeName"].as_str().unwrap().to_string();
    c.ok(&["delete", "pod", "scratch", "--grace-period=1"]);
    eventually(WAIT, || {
        let gone = !c.kubectl(&["get", "pvc", "scratch-work"]).status.success()
            && !c.kubectl(&["get", "pv", &pv_name]).status.success();
        gone.then_some(())
    });
}

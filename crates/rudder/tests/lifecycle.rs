//! Container lifecycle on real containers: postStart and preStop hooks (a failing postStart
//! kills the container), startup probes holding back readiness until they pass or restarting
//! the container when they fail, sidecar init containers, a SIGTERM handler finishing within
//! the grace period, and a memory hog over its limit reported as OOMKilled.

mod common;

use std::time::Duration;

use common::{eventually, AgentCleanup, Cluster};
use serde_json::{json, Value};

const NODE: &str = "rudder-lifecycle-e2e";
const WAIT: Duration = Duration::from_secs(60);

fn container_status(c: &Cluster, pod: &str) -> Value {
    c.json(&["get", "pod", pod])["status"]["containerStatuses"][0].clone()
}

fn events_of(c: &Cluster, pod: &str) -> String {
    c.ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={pod}"),
    ])
}

#[test]
fn hooks_and_startup_probes() {
    let pod_cidr = format!("198.18.{}.0/24", 6 + std::process::id() % 4);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);
    let shared = c.data_dir().join("hook-output");

    let hooks = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hooks"},
        "spec": {
            "terminationGracePeriodSeconds": 10,
            "volumes": [{"name": "out", "hostPath": {"path": shared, "type": "DirectoryOrCreate"}}],
            "containers": [{
                "name": "main", "image": "busybox", "command": ["sleep", "3600"],
                "volumeMounts": [{"name": "out", "mountPath": "/out"}],
                "lifecycle": {
                    "postStart": {"exec": {"command": ["sh", "-c", "echo started > /tmp/post-start"]}},
                    "preStop": {"exec": {"command": ["sh", "-c", "echo stopping > /out/pre-stop"]}}}}]}
    });
    let bad_hook = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad-hook"},
        "spec": {"containers": [{
            "name": "main", "image": "busybox", "command": ["sleep", "3600"],
            "lifecycle": {"postStart": {"exec": {"command": ["sh", "-c", "exit 4"]}}}}]}
    });
    let slow_start = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "slow-start"},
        "spec": {"containers": [{
            "name": "main", "image": "busybox",
            "command": ["sh", "-c", "sleep 4; touch /tmp/up; exec sleep 3600"],
            "startupProbe": {"exec": {"command": ["cat", "/tmp/up"]},
                             "periodSeconds": 1, "failureThreshold": 30},
            "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 1}}]}
    });
    let never_starts = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "never-starts"},
        "spec": {"containers": [{
            "name": "main", "image": "busybox", "command": ["sleep", "3600"],
            "startupProbe": {"exec": {"command": ["false"]},
                             "periodSeconds": 1, "failureThreshold": 2}}]}
    });
    let hog = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hog"},
        "spec": {"containers": [{
            "name": "main", "image": "busybox",
            "command": ["sh", "-c", "a=$(head -c 100000000 /dev/zero | tr '\\0' x); sleep 100"],
            "resources": {"limits": {"memory": "32Mi"}}}]}
    });
    let sidecar = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sidecar"},
        "spec": {
            "restartPolicy": "Never",
            // The helper's `sleep` ignores SIGTERM; it is killed after the grace period.
            "terminationGracePeriodSeconds": 2,
            "volumes": [{"name": "shared", "emptyDir": {}}],
            "initContainers": [{
                "name": "helper", "image": "busybox", "restartPolicy": "Always",
                "command": ["sh", "-c", "echo helper-up > /shared/up; exec sleep 3600"],
                "startupProbe": {"exec": {"command": ["cat", "/shared/up"]}, "periodSeconds": 1},
                "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]}],
            "containers": [{
                "name": "main", "image": "busybox",
                "command": ["sh", "-c", "cat /shared/up; sleep 5"],
                "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]}]}
    });
    for p in [&hooks, &bad_hook, &slow_start, &never_starts, &hog] {
        c.ok_stdin(&["apply", "-f", "-"], &p.to_string());
    }

    // --- Startup probe: running but neither started nor ready until the probe passes.
    let early = eventually(WAIT, || {
        let s = container_status(&c, "slow-start");
        s["state"].get("running").is_some().then_some(s)
    });
    assert_eq!(early["started"], false, "{early}");
    assert_eq!(early["ready"], false, "{early}");
    c.ok(&[
        "wait",
        "--for=condition=Ready",
        "pod/slow-start",
        "--timeout=60s",
    ]);
    let s = container_status(&c, "slow-start");
    assert_eq!(s["started"], true, "{s}");
    assert_eq!(s["restartCount"], 0, "{s}");

    // --- A startup probe that never passes restarts the container.
    eventually(WAIT, || {
        let s = container_status(&c, "never-starts");
        (s["restartCount"].as_i64() >= Some(1)).then_some(())
    });
    let events = events_of(&c, "never-starts");
    assert!(events.contains("Startup probe failed"), "{events}");
    assert!(
        events.contains("failed startup probe, will be restarted"),
        "{events}"
    );

    // --- postStart ran inside the container; a failing one kills it.
    c.ok(&[
        "wait",
        "--for=condition=Ready",
        "pod/hooks",
        "--timeout=60s",
    ]);
    assert_eq!(
        c.ok(&["exec", "hooks", "--", "cat", "/tmp/post-start"]),
        "started\n"
    );
    eventually(WAIT, || {
        let s = container_status(&c, "bad-hook");
        (s["restartCount"].as_i64() >= Some(1)).then_some(())
    });
    let events = events_of(&c, "bad-hook");
    assert!(events.contains("FailedPostStartHook"), "{events}");

    // --- Over its memory limit: OOMKilled, exit code 137, as kubectl describe shows it.
    let last = eventually(WAIT, || {
        let s = container_status(&c, "hog");
        let t = s["lastState"]["terminated"].clone();
        t.is_object().then_some(t)
    });
    assert_eq!(last["reason"], "OOMKilled", "{last}");
    assert_eq!(last["exitCode"], 137, "{last}");
    let described = c.ok(&["describe", "pod", "hog"]);
    let last_state = described
        .split("Last State:")
        .nth(1)
        .unwrap_or_else(|| panic!("no Last State in {described}"));
    assert!(
        last_state.trim_start().starts_with("Terminated")
            && last_state.contains("Reason:       OOMKilled")
            && last_state.contains("Exit Code:    137"),
        "{described}"
    );

    // --- A sidecar (an init container that always restarts) starts before the app, runs
    // beside it, and does not keep a finished pod from completing.
    c.ok_stdin(&["apply", "-f", "-"], &sidecar.to_string());
    let both = eventually(WAIT, || {
        let p = c.json(&["get", "pod", "sidecar"]);
        let helper = &p["status"]["initContainerStatuses"][0];
        let main = &p["status"]["containerStatuses"][0];
        (helper["state"].get("running").is_some() && main["state"].get("running").is_some())
            .then(|| p.clone())
    });
    assert_eq!(both["status"]["initContainerStatuses"][0]["started"], true);
    assert_eq!(both["status"]["phase"], "Running");
    let done = eventually(WAIT, || {
        let p = c.json(&["get", "pod", "sidecar"]);
        (p["status"]["phase"] == "Succeeded").then_some(p)
    });
    // The finished pod's sidecar was stopped, not left reported as running.
    let helper = &done["status"]["initContainerStatuses"][0];
    assert!(helper["state"].get("terminated").is_some(), "{helper}");
    assert_eq!(helper["ready"], false, "{helper}");
    assert_eq!(c.ok(&["logs", "sidecar", "-c", "main"]), "helper-up\n");

    // --- SIGTERM reaches the container, whose handler gets to finish within the grace period.
    let graceful = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "graceful"},
        "spec": {
            "terminationGracePeriodSeconds": 30,
            "volumes": [{"name": "out", "hostPath": {"path": shared, "type": "DirectoryOrCreate"}}],
            "containers": [{
                "name": "main", "image": "busybox",
                "command": ["sh", "-c", "trap 'sleep 1; echo cleaned-up > /out/term; exit 0' TERM; while true; do sleep 0.2; done"],
                "volumeMounts": [{"name": "out", "mountPath": "/out"}]}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &graceful.to_string());
    c.ok(&[
        "wait",
        "--for=condition=Ready",
        "pod/graceful",
        "--timeout=60s",
    ]);
    let deleting = std::time::Instant::now();
    c.ok(&["delete", "pod", "graceful", "--timeout=60s"]);
    let took = deleting.elapsed();
    assert_eq!(
        std::fs::read_to_string(shared.join("term")).unwrap_or_default(),
        "cleaned-up\n"
    );
    assert!(
        took < Duration::from_secs(20),
        "the handler's exit should end the pod long before the grace period: {took:?}"
    );

    // --- preStop runs before the container is stopped.
    c.ok(&["delete", "pod", "hooks", "--timeout=60s"]);
    let written = std::fs::read_to_string(shared.join("pre-stop")).unwrap_or_default();
    assert_eq!(written, "stopping\n");
}

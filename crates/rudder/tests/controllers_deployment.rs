//! The Deployment controller, driven through real kubectl: hashed ReplicaSets, rolling updates
//! within maxSurge/maxUnavailable, `rollout status|history|undo|restart|pause|resume`,
//! Recreate, scaling, revision history cleanup and the progress deadline.
//!
//! Nothing runs containers here, so the tests play the node: they mark pods Running and Ready
//! through the status subresource.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{eventually, Cluster};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

/// A Deployment `name` with `app: name` pods running `image`; `extra` is added under `spec`.
fn deployment(name: &str, replicas: i32, image: &str, cause: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  annotations: {{kubernetes.io/change-cause: \"{cause}\"}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
{extra}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: c, image: \"{image}\"}}]
"
    )
}

fn apply(c: &Cluster, manifest: &str) {
    c.ok_stdin(&["apply", "-f", "-"], manifest);
}

#[derive(Debug, Clone)]
struct PodInfo {
    name: String,
    hash: String,
    ready: bool,
}

fn pods(c: &Cluster, app: &str) -> Vec<PodInfo> {
    let list = c.json(&["get", "pods", "-l", &format!("app={app}")]);
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| PodInfo {
            name: p["metadata"]["name"].as_str().unwrap().to_string(),
            hash: p["metadata"]["labels"]["pod-template-hash"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            ready: p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True"),
        })
        .collect()
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
    // The pod may have been deleted meanwhile by a scale-down; that is fine.
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

/// Readies pods of `app` until exactly `n` exist, all ready (bounded by WAIT).
fn ready_all(c: &Cluster, app: &str, n: usize) -> Vec<PodInfo> {
    eventually(WAIT, || {
        let ps = pods(c, app);
        for p in ps.iter().filter(|p| !p.ready) {
            ready_pod(c, &p.name);
        }
        (ps.len() == n && ps.iter().all(|p| p.ready)).then_some(ps)
    })
}

fn get(c: &Cluster, what: &str) -> Value {
    c.json(&["get", what])
}

/// ReplicaSets labelled `app`, by revision (creation times only have whole seconds).
fn replica_sets(c: &Cluster, app: &str) -> Vec<Value> {
    let list = c.json(&["get", "rs", "-l", &format!("app={app}")]);
    let mut sets = list["items"].as_array().unwrap().clone();
    sets.sort_by_key(|s| {
        annotation(s, "deployment.kubernetes.io/revision")
            .parse::<i64>()
            .unwrap_or(0)
    });
    sets
}

fn annotation(obj: &Value, key: &str) -> String {
    obj["metadata"]["annotations"][key]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn condition(d: &Value, type_: &str) -> Value {
    d["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == type_)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Waits until the Deployment reports every replica updated and available for its generation.
fn wait_complete(c: &Cluster, name: &str, replicas: i64) -> Value {
    eventually(WAIT, || {
        let d = get(c, &format!("deployment/{name}"));
        let s = &d["status"];
        (s["observedGeneration"] == d["metadata"]["generation"]
            && s["replicas"] == replicas
            && s["updatedReplicas"] == replicas
            && s["availableReplicas"] == replicas)
            .then_some(d)
    })
}

/// Reason and message of the events about `name`, oldest first.
fn events(c: &Cluster, name: &str) -> String {
    c.ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={name}"),
        "--sort-by=.eventTime",
        "-o",
        "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}",
    ])
}

/// `kubectl rollout history` rows as (revision, change-cause).
fn history(c: &Cluster, name: &str) -> Vec<(String, String)> {
    let out = c.ok(&["rollout", "history", &format!("deployment/{name}")]);
    out.lines()
        .skip_while(|l| !l.starts_with("REVISION"))
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (rev, cause) = l.split_once(' ').unwrap_or((l, ""));
            (rev.to_string(), cause.trim().to_string())
        })
        .collect()
}

fn owned((a, b): (&str, &str)) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn rolling_update_respects_surge_then_history_and_undo() {
    let c = Cluster::start();
    let strategy =
        "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n";
    apply(&c, &deployment("web", 3, "nginx:1.0", "initial", strategy));

    // The first ReplicaSet: hashed name, hash label in selector and template, annotations.
    let ps = eventually(WAIT, || {
        let ps = pods(&c, "web");
        (ps.len() == 3).then_some(ps)
    });
    let sets = replica_sets(&c, "web");
    assert_eq!(sets.len(), 1);
    let rs1 = &sets[0];
    let hash1 = rs1["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!hash1.is_empty() && hash1.len() <= 10, "{hash1}");
    assert!(
        hash1
            .chars()
            .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)),
        "{hash1}"
    );
    let rs1_name = format!("web-{hash1}");
    assert_eq!(rs1["metadata"]["name"], rs1_name.as_str());
    assert_eq!(
        rs1["spec"]["selector"]["matchLabels"]["pod-template-hash"],
        hash1.as_str()
    );
    assert_eq!(
        rs1["spec"]["template"]["metadata"]["labels"]["pod-template-hash"],
        hash1.as_str()
    );
    assert_eq!(rs1["metadata"]["ownerReferences"][0]["kind"], "Deployment");
    assert_eq!(rs1["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(annotation(rs1, "deployment.kubernetes.io/revision"), "1");
    assert_eq!(
        annotation(rs1, "deployment.kubernetes.io/desired-replicas"),
        "3"
    );
    assert_eq!(
        annotation(rs1, "deployment.kubernetes.io/max-replicas"),
        "4"
    );
    assert_eq!(annotation(rs1, "kubernetes.io/change-cause"), "initial");
    assert!(ps.iter().all(|p| p.hash == hash1), "{ps:?}");

    // Not available until pods are ready.
    let d = get(&c, "deployment/web");
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "1");
    ready_all(&c, "web", 3);
    let d = wait_complete(&c, "web", 3);
    assert_eq!(
        condition(&d, "Available")["reason"],
        "MinimumReplicasAvailable"
    );
    assert_eq!(
        condition(&d, "Progressing")["reason"],
        "NewReplicaSetAvailable"
    );
    assert_eq!(d["status"]["readyReplicas"], 3);

    // Roll out a new image, readying one pod at a time and checking the bounds at every step.
    let started = Instant::now();
    apply(&c, &deployment("web", 3, "nginx:2.0", "image v2", strategy));
    let status = c
        .command(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut samples = 0;
    let mut max_pods = 0;
    // Every other sample readies a pod, so each state is observed at least once more.
    let new_hash = eventually(WAIT, || {
        let ps = pods(&c, "web");
        samples += 1;
        max_pods = max_pods.max(ps.len());
        assert!(ps.len() <= 4, "more than replicas+maxSurge pods: {ps:?}");
        let ready = ps.iter().filter(|p| p.ready).count();
        assert!(
            ready >= 3,
            "fewer than replicas-maxUnavailable ready: {ps:?}"
        );
        let new: Vec<&PodInfo> = ps.iter().filter(|p| p.hash != hash1).collect();
        if ps.len() == 3 && new.len() == 3 && new.iter().all(|p| p.ready) {
            return Some(new[0].hash.clone());
        }
        if samples % 2 == 0 {
            if let Some(p) = new.iter().find(|p| !p.ready) {
                ready_pod(&c, &p.name);
            }
        }
        None
    });
    let out = status.wait_with_output().unwrap();
    let rolled = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("deployment \"web\" successfully rolled out"),
        "{stdout}"
    );
    eprintln!("3-replica rolling update: {rolled:?}, {samples} samples, at most {max_pods} pods");
    assert_eq!(max_pods, 4, "the surge pod was never observed");

    let rs2_name = format!("web-{new_hash}");
    let sets = replica_sets(&c, "web");
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["spec"]["replicas"], 0);
    assert_eq!(sets[1]["metadata"]["name"], rs2_name.as_str());
    assert_eq!(
        annotation(&sets[1], "deployment.kubernetes.io/revision"),
        "2"
    );
    assert_eq!(
        annotation(&sets[1], "kubernetes.io/change-cause"),
        "image v2"
    );
    let d = wait_complete(&c, "web", 3);
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "2");
    let ev = events(&c, "web");
    for line in [
        format!("ScalingReplicaSet Scaled up replica set {rs1_name} from 0 to 3"),
        format!("ScalingReplicaSet Scaled up replica set {rs2_name} from 0 to 1"),
        format!("ScalingReplicaSet Scaled down replica set {rs1_name} from 3 to 2"),
        format!("ScalingReplicaSet Scaled up replica set {rs2_name} from 2 to 3"),
        format!("ScalingReplicaSet Scaled down replica set {rs1_name} from 1 to 0"),
    ] {
        assert!(ev.lines().any(|l| l == line), "missing {line:?} in\n{ev}");
    }

    assert_eq!(
        history(&c, "web"),
        [("1", "initial"), ("2", "image v2")].map(owned).to_vec()
    );
    let rev1 = c.ok(&["rollout", "history", "deployment/web", "--revision=1"]);
    assert!(rev1.contains("nginx:1.0"), "{rev1}");

    // Undo: the first template comes back, in the first ReplicaSet, as revision 3.
    let undone = c.ok(&["rollout", "undo", "deployment/web"]);
    assert!(undone.contains("rolled back"), "{undone}");
    let d = get(&c, "deployment/web");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.0"
    );
    eventually(WAIT, || {
        let ps = pods(&c, "web");
        for p in ps.iter().filter(|p| !p.ready) {
            ready_pod(&c, &p.name);
        }
        (ps.len() == 3 && ps.iter().all(|p| p.ready && p.hash == hash1)).then_some(())
    });
    c.ok(&["rollout", "status", "deployment/web", "--timeout=60s"]);
    let sets = replica_sets(&c, "web");
    assert_eq!(sets.len(), 2, "undo must reuse the old ReplicaSet");
    let old = sets
        .iter()
        .find(|s| s["metadata"]["name"] == rs1_name.as_str())
        .unwrap();
    assert_eq!(annotation(old, "deployment.kubernetes.io/revision"), "3");
    assert_eq!(
        annotation(old, "deployment.kubernetes.io/revision-history"),
        "1"
    );
    assert_eq!(old["spec"]["replicas"], 3);
    let d = wait_complete(&c, "web", 3);
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "3");
    assert_eq!(annotation(&d, "kubernetes.io/change-cause"), "initial");
    assert_eq!(
        history(&c, "web"),
        [("2", "image v2"), ("3", "initial")].map(owned).to_vec()
    );
}

#[test]
fn recreate_stops_old_pods_before_starting_new_ones() {
    let c = Cluster::start();
    let strategy = "  strategy: {type: Recreate}\n";
    apply(&c, &deployment("db", 2, "postgres:15", "v15", strategy));
    let first = ready_all(&c, "db", 2);
    wait_complete(&c, "db", 2);
    let old_hash = first[0].hash.clone();

    apply(&c, &deployment("db", 2, "postgres:16", "v16", strategy));
    // Old and new pods never coexist.
    let new = eventually(WAIT, || {
        let ps = pods(&c, "db");
        let old = ps.iter().filter(|p| p.hash == old_hash).count();
        assert!(
            old == 0 || old == ps.len(),
            "old and new pods together: {ps:?}"
        );
        (ps.len() == 2 && old == 0).then_some(ps)
    });
    ready_all(&c, "db", 2);
    let d = wait_complete(&c, "db", 2);
    assert_eq!(
        condition(&d, "Progressing")["reason"],
        "NewReplicaSetAvailable"
    );
    c.ok(&["rollout", "status", "deployment/db", "--timeout=30s"]);
    let ev = events(&c, "db");
    let down = format!("Scaled down replica set db-{old_hash} from 2 to 0");
    let up = format!("Scaled up replica set db-{} from 0 to 2", new[0].hash);
    let pos = |needle: &str| {
        ev.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in\n{ev}"))
    };
    assert!(pos(&down) < pos(&up), "{ev}");
}

#[test]
fn scaling_pause_and_resume() {
    let c = Cluster::start();
    apply(&c, &deployment("api", 2, "api:1", "v1", ""));
    ready_all(&c, "api", 2);
    wait_complete(&c, "api", 2);
    let rs = replica_sets(&c, "api")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();

    c.ok(&["scale", "deployment/api", "--replicas=4"]);
    ready_all(&c, "api", 4);
    wait_complete(&c, "api", 4);
    c.ok(&["scale", "deployment/api", "--replicas=1"]);
    ready_all(&c, "api", 1);
    let d = wait_complete(&c, "api", 1);
    assert_eq!(d["status"]["unavailableReplicas"].as_i64().unwrap_or(0), 0);
    let sets = replica_sets(&c, "api");
    assert_eq!(sets.len(), 1, "scaling must not create a ReplicaSet");
    assert_eq!(
        annotation(&sets[0], "deployment.kubernetes.io/desired-replicas"),
        "1"
    );
    let ev = events(&c, "api");
    assert!(
        ev.contains(&format!("Scaled up replica set {rs} from 2 to 4")),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("Scaled down replica set {rs} from 4 to 1")),
        "{ev}"
    );

    // Paused: template changes are recorded but not rolled out.
    c.ok(&["rollout", "pause", "deployment/api"]);
    c.ok(&["set", "image", "deployment/api", "c=api:2"]);
    let d = eventually(WAIT, || {
        let d = get(&c, "deployment/api");
        (d["status"]["observedGeneration"] == d["metadata"]["generation"]
            && condition(&d, "Progressing")["reason"] == "DeploymentPaused")
            .then_some(d)
    });
    assert_eq!(condition(&d, "Progressing")["status"], "Unknown");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        replica_sets(&c, "api").len(),
        1,
        "a paused deployment rolled out"
    );
    // Scaling still works while paused.
    c.ok(&["scale", "deployment/api", "--replicas=2"]);
    ready_all(&c, "api", 2);
    assert_eq!(replica_sets(&c, "api").len(), 1);

    c.ok(&["rollout", "resume", "deployment/api"]);
    let new = eventually(WAIT, || {
        let sets = replica_sets(&c, "api");
        (sets.len() == 2).then(|| sets[1]["metadata"]["name"].as_str().unwrap().to_string())
    });
    eventually(WAIT, || {
        let ps = pods(&c, "api");
        for p in ps.iter().filter(|p| !p.ready) {
            ready_pod(&c, &p.name);
        }
        (ps.len() == 2 && ps.iter().all(|p| p.ready && new.ends_with(&p.hash))).then_some(())
    });
    let d = wait_complete(&c, "api", 2);
    assert_eq!(
        condition(&d, "Progressing")["reason"],
        "NewReplicaSetAvailable"
    );
    assert_eq!(annotation(&d, "deployment.kubernetes.io/revision"), "2");

    // Scaling mid-rollout (2 -> 4, maxSurge 25% = 1) spreads the change over both sets in
    // proportion to their sizes: 2+1 becomes 3+2.
    c.ok(&["set", "image", "deployment/api", "c=api:3"]);
    eventually(WAIT, || {
        let sets = replica_sets(&c, "api");
        (sets.len() == 3 && sets[2]["status"]["replicas"] == 1).then_some(())
    });
    c.ok(&["scale", "deployment/api", "--replicas=4"]);
    let sizes = eventually(WAIT, || {
        let sets = replica_sets(&c, "api");
        let sizes: Vec<i64> = sets
            .iter()
            .map(|s| s["spec"]["replicas"].as_i64().unwrap())
            .collect();
        (sizes.iter().sum::<i64>() == 5).then_some(sizes)
    });
    assert_eq!(sizes, [0, 3, 2]);
    let ev = events(&c, "api");
    assert!(
        ev.contains(&format!("Scaled up replica set {new} from 2 to 3")),
        "{ev}"
    );
    let newest = replica_sets(&c, "api")[2]["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap()
        .to_string();
    eventually(WAIT, || {
        let ps = pods(&c, "api");
        for p in ps.iter().filter(|p| !p.ready) {
            ready_pod(&c, &p.name);
        }
        (ps.len() == 4 && ps.iter().all(|p| p.ready && p.hash == newest)).then_some(())
    });
    wait_complete(&c, "api", 4);
}

#[test]
fn restart_rolls_out_and_history_is_trimmed() {
    let c = Cluster::start();
    apply(
        &c,
        &deployment("cache", 2, "redis:7", "v7", "  revisionHistoryLimit: 1\n"),
    );
    ready_all(&c, "cache", 2);
    wait_complete(&c, "cache", 2);
    let first = replica_sets(&c, "cache")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();

    for round in 2..=3 {
        // Distinct restartedAt values need distinct seconds.
        std::thread::sleep(Duration::from_millis(1100));
        let out = c.ok(&["rollout", "restart", "deployment/cache"]);
        assert!(out.contains("restarted"), "{out}");
        let d = get(&c, "deployment/cache");
        assert!(d["spec"]["template"]["metadata"]["annotations"]
            ["kubectl.kubernetes.io/restartedAt"]
            .is_string());
        let newest = eventually(WAIT, || {
            let sets = replica_sets(&c, "cache");
            sets.iter()
                .find(|s| annotation(s, "deployment.kubernetes.io/revision") == round.to_string())
                .cloned()
        });
        let hash = newest["metadata"]["labels"]["pod-template-hash"]
            .as_str()
            .unwrap()
            .to_string();
        eventually(WAIT, || {
            let ps = pods(&c, "cache");
            for p in ps.iter().filter(|p| !p.ready) {
                ready_pod(&c, &p.name);
            }
            (ps.len() == 2 && ps.iter().all(|p| p.ready && p.hash == hash)).then_some(())
        });
        c.ok(&["rollout", "status", "deployment/cache", "--timeout=30s"]);
    }
    // Three revisions, but only one old ReplicaSet is kept: the first one is gone.
    let names = eventually(WAIT, || {
        let sets = replica_sets(&c, "cache");
        (sets.len() == 2).then(|| {
            sets.iter()
                .map(|s| s["metadata"]["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
    });
    assert!(!names.contains(&first), "{names:?}");
}

#[test]
fn progress_deadline_exceeded_when_pods_never_become_ready() {
    let c = Cluster::start();
    apply(
        &c,
        &deployment(
            "stuck",
            2,
            "broken:1",
            "v1",
            "  progressDeadlineSeconds: 2\n",
        ),
    );
    let started = Instant::now();
    let d = eventually(WAIT, || {
        let d = get(&c, "deployment/stuck");
        (condition(&d, "Progressing")["reason"] == "ProgressDeadlineExceeded").then_some(d)
    });
    let took = started.elapsed();
    eprintln!("progress deadline of 2s reported after {took:?}");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    let cond = condition(&d, "Progressing");
    assert_eq!(cond["status"], "False");
    let rs = replica_sets(&c, "stuck")[0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        cond["message"],
        format!("ReplicaSet \"{rs}\" has timed out progressing.").as_str()
    );
    assert_eq!(
        condition(&d, "Available")["reason"],
        "MinimumReplicasUnavailable"
    );
    assert_eq!(d["status"]["unavailableReplicas"], 2);
    let err = c.fails(&["rollout", "status", "deployment/stuck", "--timeout=20s"]);
    assert!(err.contains("exceeded its progress deadline"), "{err}");
}

//! The embedded node agent against real containerd, runc and CNI plugins, driven by the real
//! kubectl: node registration and lease, pods reaching Running with pod IPs, a Deployment whose
//! HTTP server another pod reaches by IP, env and volumes from ConfigMaps and Secrets,
//! CrashLoopBackOff with growing restarts, and deletion removing containers and sandbox.
//!
//! Everything runs in one test function: agent tests share the host's network namespace (the
//! pod bridge and routes of 198.18.0.0/16). Needs root, containerd, runc, busybox-static and
//! containernetworking-plugins (scripts/install-deps.sh). On the way out — also on failure —
//! the test removes every sandbox of its containerd, its bridge and its cgroups; the server
//! (and with it containerd) is killed by PID.

mod common;

use std::time::{Duration, Instant};

use common::{eventually, list_sandboxes, AgentCleanup, Cluster};
use serde_json::{json, Value};

const NODE: &str = "rudder-agent-e2e";
const WAIT: Duration = Duration::from_secs(60);

fn pod(c: &Cluster, name: &str) -> Option<Value> {
    let out = c.kubectl(&["get", "pod", name, "-o", "json"]);
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).unwrap())
}

fn wait_phase(c: &Cluster, name: &str, phase: &str) -> Value {
    eventually(WAIT, || {
        pod(c, name).filter(|p| p["status"]["phase"] == phase)
    })
}

fn wait_ready(c: &Cluster, name: &str) -> Value {
    eventually(WAIT, || {
        pod(c, name).filter(|p| {
            p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
    })
}

/// The CRI log of a pod's container (attempt 0), as plain text lines.
fn container_log(c: &Cluster, pod: &Value, container: &str) -> String {
    let uid = pod["metadata"]["uid"].as_str().unwrap();
    let path = c
        .data_dir()
        .join("agent/pods")
        .join(uid)
        .join("logs")
        .join(container)
        .join("0.log");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.splitn(4, ' ').nth(3).unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn in_cidr(ip: &str, cidr: &str) -> bool {
    let prefix = cidr.trim_end_matches("0/24");
    ip.starts_with(prefix) && cidr.ends_with(".0/24")
}

#[test]
fn node_agent_runs_pods_in_containerd() {
    // A /24 of its own, so that other clusters on this machine (whose first node gets
    // 198.18.0.0/24) do not share the pods' host route.
    let pod_cidr = format!("198.18.{}.0/24", 100 + std::process::id() % 150);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let agent_dir = c.data_dir().join("agent");
    let _cleanup = AgentCleanup::new(&c, NODE);
    let socket = agent_dir.join("containerd/containerd.sock");

    // --- The Node: registered, Ready, with capacity, labels, info, lease, pod CIDR.
    let t = Instant::now();
    let node = eventually(WAIT, || {
        let out = c.kubectl(&["get", "node", NODE, "-o", "json"]);
        let n: Value = serde_json::from_slice(&out.stdout).ok()?;
        let ready = n["status"]["conditions"]
            .as_array()?
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        ready.then_some(n)
    });
    eprintln!("node Ready after {:?}", t.elapsed());
    let labels = &node["metadata"]["labels"];
    assert_eq!(labels["kubernetes.io/hostname"], NODE);
    assert_eq!(labels["kubernetes.io/os"], "linux");
    assert!(labels["kubernetes.io/arch"].is_string());
    assert_eq!(labels["node-role.kubernetes.io/control-plane"], "");
    let cap = &node["status"]["capacity"];
    assert_eq!(cap["pods"], "110");
    assert!(cap["cpu"].as_str().unwrap().parse::<u32>().unwrap() >= 1);
    assert!(cap["memory"].as_str().unwrap().ends_with("Ki"));
    assert!(cap["ephemeral-storage"].is_string());
    let info = &node["status"]["nodeInfo"];
    assert!(info["containerRuntimeVersion"]
        .as_str()
        .unwrap()
        .starts_with("containerd://"));
    assert!(!info["kernelVersion"].as_str().unwrap().is_empty());
    let types: Vec<&str> = node["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    for t in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
        assert!(types.contains(&t), "{types:?}");
    }
    let cidr = node["spec"]["podCIDR"].as_str().unwrap().to_string();
    assert_eq!(cidr, pod_cidr);
    let lease = c.json(&["get", "lease", NODE, "-n", "kube-node-lease"]);
    assert_eq!(lease["spec"]["holderIdentity"], NODE);
    assert!(lease["spec"]["renewTime"].is_string());
    let wide = c.ok(&["get", "nodes"]);
    assert!(wide.contains(NODE) && wide.contains("Ready"), "{wide}");

    // --- kubectl run reaches Running with an IP from the node's range.
    let t = Instant::now();
    c.ok(&["run", "t", "--image=busybox", "--", "sleep", "3600"]);
    let p = wait_ready(&c, "t");
    let to_running = t.elapsed();
    eprintln!("pod create -> Running/Ready: {to_running:?}");
    assert_eq!(p["status"]["phase"], "Running");
    let ip = p["status"]["podIP"].as_str().unwrap().to_string();
    assert!(in_cidr(&ip, &cidr), "{ip} not in {cidr}");
    assert!(p["status"]["hostIP"].is_string());
    assert!(p["status"]["startTime"].is_string());
    let cs = &p["status"]["containerStatuses"][0];
    assert_eq!(cs["ready"], true);
    assert_eq!(cs["restartCount"], 0);
    assert!(cs["state"]["running"]["startedAt"].is_string());
    assert!(cs["containerID"]
        .as_str()
        .unwrap()
        .starts_with("containerd://"));
    let conds: Vec<String> = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["type"].as_str().unwrap(),
                c["status"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "PodScheduled=True",
        "Initialized=True",
        "ContainersReady=True",
        "Ready=True",
        "PodReadyToStartContainers=True",
    ] {
        assert!(conds.iter().any(|c| c == want), "{conds:?}");
    }
    let table = c.ok(&["get", "pods", "t"]);
    assert!(
        table.contains("1/1") && table.contains("Running"),
        "{table}"
    );
    let events = c.ok(&["get", "events", "--field-selector", "involvedObject.name=t"]);
    for reason in ["Pulled", "Created", "Started"] {
        assert!(events.contains(reason), "{events}");
    }

    // --- Env and volumes from a ConfigMap and a Secret, init container, $(VAR) expansion.
    c.ok(&[
        "create",
        "configmap",
        "cfg",
        "--from-literal=greeting=hello-cm",
        "--from-literal=color=blue",
    ]);
    c.ok(&[
        "create",
        "secret",
        "generic",
        "sec",
        "--from-literal=password=s3cret",
    ]);
    let manifest = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "envpod", "labels": {"app": "envpod"}},
        "spec": {
            "restartPolicy": "Never",
            "initContainers": [{
                "name": "init", "image": "busybox",
                "command": ["sh", "-c", "echo from-init > /work/init.txt"],
                "volumeMounts": [{"name": "work", "mountPath": "/work"}]
            }],
            "containers": [{
                "name": "main", "image": "busybox",
                "command": ["sh", "-c"],
                "args": ["echo GREETING=$GREETING; echo COMBINED=$(COMBINED); echo PREFIXED=$CM_color; echo POD=$POD_NAME; echo IP=$POD_IP; cat /cfg/greeting; echo; cat /sec/password; echo; cat /work/init.txt; cat /info/labels; echo; pwd"],
                "workingDir": "/tmp",
                "env": [
                    {"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "greeting"}}},
                    {"name": "COMBINED", "value": "$(GREETING)-and-more"},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
                ],
                "envFrom": [{"prefix": "CM_", "configMapRef": {"name": "cfg"}}],
                "volumeMounts": [
                    {"name": "cfg", "mountPath": "/cfg"},
                    {"name": "sec", "mountPath": "/sec", "readOnly": true},
                    {"name": "work", "mountPath": "/work"},
                    {"name": "info", "mountPath": "/info"}
                ]
            }],
            "volumes": [
                {"name": "cfg", "configMap": {"name": "cfg"}},
                {"name": "sec", "secret": {"secretName": "sec"}},
                {"name": "work", "emptyDir": {}},
                {"name": "info", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}
            ]
        }
    });
    c.ok_stdin(&["apply", "-f", "-"], &manifest.to_string());
    let p = wait_phase(&c, "envpod", "Succeeded");
    let log = c.ok(&["logs", "envpod"]);
    assert_eq!(log.trim_end(), container_log(&c, &p, "main").trim_end());
    eprintln!("envpod log:\n{log}");
    for want in [
        "GREETING=hello-cm",
        "COMBINED=hello-cm-and-more",
        "PREFIXED=blue",
        "POD=envpod",
        "s3cret",
        "from-init",
        "app=\"envpod\"",
        "/tmp",
    ] {
        assert!(log.contains(want), "{want:?} missing from {log}");
    }
    let pod_ip = p["status"]["podIP"].as_str().unwrap();
    assert!(log.contains(&format!("IP={pod_ip}")), "{log}");
    assert_eq!(
        p["status"]["initContainerStatuses"][0]["state"]["terminated"]["reason"],
        "Completed"
    );
    // kubectl logs: container choice, tail, timestamps, errors as upstream.
    assert_eq!(c.ok(&["logs", "envpod", "--tail=1"]), "/tmp\n");
    let stamped = c.ok(&["logs", "envpod", "-c", "main", "--tail=1", "--timestamps"]);
    assert!(
        stamped.starts_with("20") && stamped.ends_with("Z /tmp\n"),
        "{stamped:?}"
    );
    assert_eq!(c.ok(&["logs", "envpod", "-c", "init"]), "");
    let err = c.fails(&["logs", "envpod", "-c", "nope"]);
    assert!(
        err.contains("container nope is not valid for pod envpod"),
        "{err}"
    );
    let err = c.fails(&["logs", "envpod", "--previous"]);
    assert!(
        err.contains("previous terminated container \"main\" in pod \"envpod\" not found"),
        "{err}"
    );
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"],
        0
    );

    // --- Edited ConfigMaps and Secrets reach the mounted files of a running pod.
    let watcher = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "watcher"},
        "spec": {
            "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"],
                            "volumeMounts": [{"name": "cfg", "mountPath": "/cfg"},
                                             {"name": "sec", "mountPath": "/sec"}]}],
            "volumes": [{"name": "cfg", "configMap": {"name": "cfg"}},
                        {"name": "sec", "secret": {"secretName": "sec"}}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &watcher.to_string());
    wait_ready(&c, "watcher");
    let read = |path: &str| c.ok(&["exec", "watcher", "--", "cat", path]);
    assert_eq!(read("/cfg/greeting"), "hello-cm");
    c.ok(&[
        "patch",
        "configmap",
        "cfg",
        "-p",
        r#"{"data":{"greeting":"hello-again","added":"new-key"}}"#,
    ]);
    c.ok(&[
        "patch",
        "secret",
        "sec",
        "-p",
        r#"{"stringData":{"password":"rotated"}}"#,
    ]);
    eventually(WAIT, || {
        (read("/cfg/greeting") == "hello-again" && read("/sec/password") == "rotated").then_some(())
    });
    assert_eq!(read("/cfg/added"), "new-key");
    c.ok(&["delete", "pod", "watcher", "--grace-period=0"]);

    // --- A Deployment of HTTP servers; one pod reaches another by IP.
    c.ok(&[
        "create", "deployment", "web", "--image=busybox", "--replicas=2", "--",
        "sh", "-c",
        "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html && exec httpd -f -p 8080 -h /www",
    ]);
    let t = Instant::now();
    let pods = eventually(WAIT, || {
        let list = c.json(&["get", "pods", "-l", "app=web"]);
        let items = list["items"].as_array()?.clone();
        let ready = items
            .iter()
            .filter(|p| {
                p["status"]["phase"] == "Running"
                    && p["status"]["containerStatuses"][0]["ready"] == true
                    && p["status"]["podIP"].is_string()
            })
            .count();
        (items.len() == 2 && ready == 2).then_some(items)
    });
    eprintln!("deployment 2/2 Running/Ready after {:?}", t.elapsed());
    eventually(WAIT, || {
        let d = c.json(&["get", "deployment", "web"]);
        (d["status"]["readyReplicas"] == 2).then_some(())
    });
    let target_name = pods[0]["metadata"]["name"].as_str().unwrap().to_string();
    let target_ip = pods[0]["status"]["podIP"].as_str().unwrap().to_string();
    assert_ne!(target_ip, pods[1]["status"]["podIP"].as_str().unwrap());
    assert!(in_cidr(&target_ip, &cidr));
    let url = format!("http://{target_ip}:8080/");
    c.ok(&[
        "run",
        "client",
        "--image=busybox",
        "--restart=Never",
        "--",
        "wget",
        "-qO-",
        &url,
    ]);
    wait_phase(&c, "client", "Succeeded");
    let log = c.ok(&["logs", "client"]);
    assert!(log.contains(&format!("hello-from-{target_name}")), "{log}");

    // --- Scaling out: eight more pods on the node.
    let t = Instant::now();
    c.ok(&["scale", "deployment", "web", "--replicas=10"]);
    eventually(WAIT, || {
        let d = c.json(&["get", "deployment", "web"]);
        (d["status"]["readyReplicas"] == 10).then_some(())
    });
    eprintln!("deployment scaled 2 -> 10 Ready after {:?}", t.elapsed());
    c.ok(&["scale", "deployment", "web", "--replicas=2"]);

    // --- A crashing container: CrashLoopBackOff, growing restarts, lastState exit code 3.
    let t = Instant::now();
    c.ok(&[
        "run",
        "crash",
        "--image=busybox",
        "--",
        "sh",
        "-c",
        "echo crashing; exit 3",
    ]);
    let p = eventually(Duration::from_secs(90), || {
        pod(&c, "crash").filter(|p| {
            let cs = &p["status"]["containerStatuses"][0];
            cs["restartCount"].as_i64().unwrap_or(0) >= 2
                && cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
        })
    });
    eprintln!("CrashLoopBackOff with 2 restarts after {:?}", t.elapsed());
    let cs = &p["status"]["containerStatuses"][0];
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 3);
    assert_eq!(cs["lastState"]["terminated"]["reason"], "Error");
    assert_eq!(cs["ready"], false);
    assert!(cs["state"]["waiting"]["message"]
        .as_str()
        .unwrap()
        .starts_with("back-off "));
    let table = c.ok(&["get", "pod", "crash"]);
    assert!(table.contains("CrashLoopBackOff"), "{table}");
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=crash",
    ]);
    assert!(events.contains("BackOff"), "{events}");
    assert_eq!(c.ok(&["logs", "crash", "--previous"]), "crashing\n");

    // --- kubectl logs -f streams lines as they are written.
    c.ok(&[
        "run",
        "ticker",
        "--image=busybox",
        "--",
        "sh",
        "-c",
        "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done",
    ]);
    wait_phase(&c, "ticker", "Running");
    let mut follow = c
        .command(&["logs", "-f", "ticker"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = follow.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut seen = Vec::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            seen.push(line);
            if seen.len() >= 15 {
                break;
            }
        }
        seen
    });
    let t = Instant::now();
    while !reader.is_finished() && t.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = follow.kill();
    let _ = follow.wait();
    let seen = reader.join().unwrap();
    assert!(seen.len() >= 15, "{seen:?}");
    assert!(seen.iter().all(|l| l.starts_with("tick ")), "{seen:?}");

    // --- Probes: httpGet readiness on a named port, tcpSocket readiness on a closed port,
    // exec liveness that starts failing and restarts its container.
    let probed = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probed"},
        "spec": {"terminationGracePeriodSeconds": 1, "containers": [
            {"name": "web", "image": "busybox",
             "command": ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"],
             "ports": [{"name": "http", "containerPort": 8080}],
             "readinessProbe": {"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 1}},
            {"name": "closed", "image": "busybox", "command": ["sleep", "3600"],
             "readinessProbe": {"tcpSocket": {"port": 9999}, "periodSeconds": 1, "failureThreshold": 1}},
            {"name": "live", "image": "busybox",
             "command": ["sh", "-c", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600"],
             "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 1, "failureThreshold": 1}}
        ]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &probed.to_string());
    let t = Instant::now();
    let p = eventually(WAIT, || {
        pod(&c, "probed").filter(|p| {
            let st = |name: &str| {
                p["status"]["containerStatuses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|s| s["name"] == name)
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            st("web")["ready"] == true
                && st("closed")["ready"] == false
                && st("closed")["state"]["running"].is_object()
                && st("live")["restartCount"].as_i64().unwrap_or(0) >= 1
        })
    });
    eprintln!("probes settled after {:?}", t.elapsed());
    let ready = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap()
        .clone();
    assert_eq!(ready["status"], "False");
    assert!(
        ready["message"].as_str().unwrap().contains("closed"),
        "{ready}"
    );
    let events = c.ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=probed",
    ]);
    assert!(events.contains("Liveness probe failed"), "{events}");
    assert!(events.contains("Readiness probe failed"), "{events}");
    assert!(
        events.contains("failed liveness probe, will be restarted"),
        "{events}"
    );

    // --- Deletion: containers stopped within the grace period, sandbox removed, pod gone.
    let uid = pod(&c, "t").unwrap()["metadata"]["uid"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(list_sandboxes(&socket)
        .iter()
        .any(|s| s.metadata.as_ref().is_some_and(|m| m.uid == uid)));
    let t = Instant::now();
    c.ok(&["delete", "pod", "t", "--grace-period=2", "--wait=true"]);
    eprintln!("delete (grace 2s) took {:?}", t.elapsed());
    assert!(c.fails_quietly(&["get", "pod", "t"]));
    assert!(!list_sandboxes(&socket)
        .iter()
        .any(|s| s.metadata.as_ref().is_some_and(|m| m.uid == uid)));
    assert!(!agent_dir.join("pods").join(&uid).exists());
    let events = c.ok(&["get", "events", "--field-selector", "involvedObject.name=t"]);
    assert!(events.contains("Killing"), "{events}");

    // --- Everything else goes away the same way.
    c.ok(&["delete", "deployment", "web"]);
    c.ok(&["delete", "pod", "--all", "--grace-period=1", "--wait=true"]);
    eventually(WAIT, || list_sandboxes(&socket).is_empty().then_some(()));

    // --- A killed server leaves its pods running; `rudder killall` removes them.
    c.ok(&["run", "leftover", "--image=busybox", "--", "sleep", "3600"]);
    eventually(WAIT, || {
        let phase = c.ok(&["get", "pod", "leftover", "-o", "jsonpath={.status.phase}"]);
        (phase == "Running").then_some(())
    });
    let bridge = kubelet::cni::bridge_name(NODE, &agent_dir);
    let dir = c.crash();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rudder"))
        .args(["killall", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("removed 1 pod sandbox"), "{stdout}");
    let socket_text = socket.to_string_lossy().to_string();
    let survivors: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&socket_text))
        .collect();
    assert!(survivors.is_empty(), "still running: {survivors:?}");
    let link = std::process::Command::new("ip")
        .args(["link", "show", &bridge])
        .output()
        .unwrap();
    assert!(!link.status.success(), "bridge {bridge} still exists");
}

//! Two nodes joined with `rudder agent`, each in a network namespace of its own (a veth to a
//! bridge this test creates, 198.18.254.0/24), against a server bound on that bridge. Checks
//! the join (a wrong token or a CA that does not match is refused), node routes between the
//! nodes' pod CIDRs, and that a pod on one node reaches a pod on the other by IP, through a
//! Service and by DNS name, that `kubectl exec` reaches a joined node's pod through its
//! agent's TLS streaming endpoint, and that pods using a claim whose local volume was
//! provisioned on one node are scheduled there.
//!
//! Agents run through `nsenter --net` (not `ip netns exec`, which remounts /sys and hides the
//! cgroup hierarchy from runc). On the way out the sandboxes are removed through each agent's
//! containerd, the agents and server are killed by PID, and the namespaces (with the bridges,
//! routes and nftables tables inside) and the host bridge are deleted.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{eventually, free_port, AgentCleanup, Cluster};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(90);
const SERVER_IP: &str = "198.18.254.1";

fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The host bridge and the nodes' namespaces, removed on drop.
struct Lab {
    bridge: String,
    namespaces: Vec<String>,
}

impl Lab {
    fn new(nodes: usize) -> Lab {
        let id = std::process::id();
        let bridge = format!("rmn{id}");
        sh(&["ip", "link", "add", &bridge, "type", "bridge"]);
        let mut lab = Lab {
            bridge: bridge.clone(),
            namespaces: Vec::new(),
        };
        sh(&[
            "ip",
            "addr",
            "add",
            &format!("{SERVER_IP}/24"),
            "dev",
            &bridge,
        ]);
        sh(&["ip", "link", "set", &bridge, "up"]);
        for i in 0..nodes {
            let ns = format!("rmn{i}-{id}");
            sh(&["ip", "netns", "add", &ns]);
            lab.namespaces.push(ns.clone());
            let host_end = format!("rmv{i}-{id}");
            sh(&[
                "ip", "link", "add", &host_end, "type", "veth", "peer", "name", "eth0", "netns",
                &ns,
            ]);
            sh(&["ip", "link", "set", &host_end, "master", &bridge, "up"]);
            let addr = format!("{}/24", Lab::node_ip(i));
            for args in [
                vec!["link", "set", "lo", "up"],
                vec!["addr", "add", &addr, "dev", "eth0"],
                vec!["link", "set", "eth0", "up"],
                vec!["route", "add", "default", "via", SERVER_IP],
            ] {
                let mut full = vec!["ip", "-n", ns.as_str()];
                full.extend(args);
                sh(&full);
            }
        }
        lab
    }

    fn node_ip(i: usize) -> String {
        format!("198.18.254.{}", i + 2)
    }

    fn pod_cidr(i: usize) -> String {
        format!("198.18.{}.0/24", 250 + i)
    }

    fn routes(&self, i: usize) -> String {
        let out = Command::new("ip")
            .args(["-n", &self.namespaces[i], "route"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for ns in &self.namespaces {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .status();
    }
}

/// A `rudder agent` process, killed by PID on drop.
struct Agent {
    child: Child,
    data_dir: PathBuf,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent_command(netns: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("nsenter");
    cmd.arg(format!("--net=/run/netns/{netns}"))
        .arg(env!("CARGO_BIN_EXE_rudder"))
        .arg("agent")
        .args(args)
        .env("RUDDER_LOG", "info");
    cmd
}

fn start_agent(lab: &Lab, c: &Cluster, i: usize, token: &str, dir: &Path) -> Agent {
    let server = format!("https://{SERVER_IP}:{}", c.port);
    let node = format!("node-{i}");
    let upstream = format!("127.0.0.1:{}", free_port());
    let (ip, cidr) = (Lab::node_ip(i), Lab::pod_cidr(i));
    let data_dir = dir.to_string_lossy().into_owned();
    let log = std::fs::File::create(dir.join("agent.log")).unwrap();
    let child = agent_command(
        &lab.namespaces[i],
        &[
            "--server",
            &server,
            "--token",
            token,
            "--data-dir",
            &data_dir,
            "--node-name",
            &node,
            "--node-ip",
            &ip,
            "--pod-cidr",
            &cidr,
            "--dns-upstream",
            &upstream,
        ],
    )
    .stdout(Stdio::null())
    .stderr(log)
    .spawn()
    .expect("start rudder agent");
    Agent {
        child,
        data_dir: dir.to_path_buf(),
    }
}

/// The phase a pod ends in (`Succeeded` or `Failed`).
fn finished_phase(c: &Cluster, name: &str) -> String {
    eventually(WAIT, || {
        let p: Value = c.json(&["get", "pod", name]);
        let phase = p["status"]["phase"].as_str().unwrap_or("").to_string();
        matches!(phase.as_str(), "Succeeded" | "Failed").then_some(phase)
    })
}

/// A run-once busybox pod with `claim` mounted at `/data`; `placement` is merged into its spec.
fn claim_pod(name: &str, claim: &str, script: &str, placement: Value) -> Value {
    let mut pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", script],
                                 "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]}
    });
    for (k, v) in placement.as_object().unwrap() {
        pod["spec"][k] = v.clone();
    }
    pod
}

/// The output of a failed join: the agent must exit on its own, with an error.
fn refused_join(lab: &Lab, c: &Cluster, token: &str, dir: &Path) -> String {
    let server = format!("https://{SERVER_IP}:{}", c.port);
    let data_dir = dir.to_string_lossy().into_owned();
    let out = agent_command(
        &lab.namespaces[0],
        &[
            "--server",
            &server,
            "--token",
            token,
            "--data-dir",
            &data_dir,
            "--node-name",
            "intruder",
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn agents_in_other_namespaces_join_and_their_pods_talk() {
    let lab = Lab::new(2);
    let c = Cluster::start_bound(SERVER_IP, &[]);
    let token = std::fs::read_to_string(c.data_dir().join("tls/node-token")).unwrap();
    let token = token.trim();
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();

    // --- Joining needs the right secret and the right CA.
    let (hash, _) = token.split_once("::").unwrap();
    let err = refused_join(&lab, &c, &format!("{hash}::wrong"), dirs[2].path());
    assert!(err.contains("401"), "{err}");
    let err = refused_join(&lab, &c, &format!("{}::x", "0".repeat(64)), dirs[2].path());
    assert!(err.contains("does not match the token"), "{err}");

    let agents: Vec<Agent> = (0..2)
        .map(|i| start_agent(&lab, &c, i, token, dirs[i].path()))
        .collect();
    let _cleanups: Vec<AgentCleanup> = (0..2)
        .map(|i| AgentCleanup::at(&agents[i].data_dir.join("agent"), &format!("node-{i}")))
        .collect();

    // --- Both nodes register Ready with their addresses, and route to each other's pods.
    eventually(WAIT, || {
        let nodes = c.json(&["get", "nodes"]);
        let ready = nodes["items"]
            .as_array()?
            .iter()
            .filter(|n| {
                n["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
            .count();
        (ready == 2).then_some(())
    });
    let wide = c.ok(&["get", "nodes", "-o", "wide"]);
    assert!(
        wide.contains(&Lab::node_ip(0)) && wide.contains(&Lab::node_ip(1)),
        "{wide}"
    );
    let route = format!("{} via {}", Lab::pod_cidr(0), Lab::node_ip(0));
    eventually(WAIT, || lab.routes(1).contains(&route).then_some(()));
    assert!(lab.routes(1).contains("proto 199"), "{}", lab.routes(1));

    // --- A web pod on node-0 behind a Service; a client on node-1.
    let web = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"nodeSelector": {"kubernetes.io/hostname": "node-0"},
                                       "containers": [{"name": "httpd", "image": "busybox",
                                           "command": ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
                                           "ports": [{"name": "http", "containerPort": 8080}],
                                           "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1}}]}}}
    });
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                     "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}});
    c.ok_stdin(&["apply", "-f", "-"], &web.to_string());
    c.ok_stdin(&["apply", "-f", "-"], &svc.to_string());
    c.ok(&["rollout", "status", "deployment/web", "--timeout=90s"]);
    let pods = c.json(&["get", "pods", "-l", "app=web"]);
    let web_pod = &pods["items"][0];
    let web_name = web_pod["metadata"]["name"].as_str().unwrap().to_string();
    let web_ip = web_pod["status"]["podIP"].as_str().unwrap().to_string();
    assert_eq!(web_pod["spec"]["nodeName"], "node-0");
    assert!(web_ip.starts_with("198.18.250."), "{web_ip}");
    // The Service's endpoint must be known to node-1's proxy before the client starts.
    eventually(WAIT, || {
        let out = c.kubectl(&[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "jsonpath={.items[*].endpoints[*].addresses[*]}",
        ]);
        (String::from_utf8_lossy(&out.stdout).trim() == web_ip).then_some(())
    });

    let script = format!(
        "wget -qO- http://{web_ip}:8080; wget -qO- http://web; nslookup web.default.svc.cluster.local"
    );
    let client = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
        "spec": {"nodeName": "node-1", "restartPolicy": "Never",
                 "containers": [{"name": "client", "image": "busybox", "command": ["sh", "-c", script]}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &client.to_string());
    let phase = finished_phase(&c, "client");
    // Logs of a joined node's pod come through its agent's streaming endpoint.
    let log = c.ok(&["logs", "client"]);
    eprintln!("client on node-1:\n{log}");
    assert_eq!(phase, "Succeeded", "{log}");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines[0], web_name, "by pod IP across nodes: {log}");
    assert_eq!(lines[1], web_name, "through the Service: {log}");
    let cluster_ip = c.ok(&["get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"]);
    assert!(
        log.contains(&format!("Address: {}", cluster_ip.trim())),
        "DNS answer: {log}"
    );

    // --- exec reaches node-0's pod through its agent's TLS streaming endpoint.
    let served = c.ok(&["exec", &web_name, "--", "cat", "/www/index.html"]);
    assert_eq!(served.trim(), web_name);
    let out = c.kubectl(&["exec", &web_name, "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7), "{out:?}");

    // --- A claim's local volume is provisioned on its first consumer's node (node-1), and a
    // later consumer goes there too, even though it would rather run on node-0.
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
                     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Mi"}}}});
    c.ok_stdin(&["apply", "-f", "-"], &pvc.to_string());
    let writer = claim_pod(
        "writer",
        "data",
        "echo kept > /data/file",
        json!({"nodeSelector": {"kubernetes.io/hostname": "node-1"}}),
    );
    c.ok_stdin(&["apply", "-f", "-"], &writer.to_string());
    let phase = finished_phase(&c, "writer");
    assert_eq!(phase, "Succeeded", "{}", c.ok(&["logs", "writer"]));
    let pv_name = c.ok(&["get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}"]);
    let pv = c.json(&["get", "pv", pv_name.trim()]);
    let pinned = &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0];
    assert_eq!(pinned["matchExpressions"][0]["values"][0], "node-1", "{pv}");
    c.ok(&["delete", "pod", "writer"]);

    let prefer_node_0 = json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "preference": {"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-0"]}]}}]}});
    let reader = claim_pod(
        "reader",
        "data",
        "cat /data/file",
        json!({"affinity": prefer_node_0}),
    );
    c.ok_stdin(&["apply", "-f", "-"], &reader.to_string());
    let phase = finished_phase(&c, "reader");
    let log = c.ok(&["logs", "reader"]);
    // Both agents share this machine's disk, so the data alone does not show where it ran.
    let node = c.ok(&["get", "pod", "reader", "-o", "jsonpath={.spec.nodeName}"]);
    assert_eq!(node.trim(), "node-1", "the volume is pinned there");
    assert_eq!(phase, "Succeeded", "{log}");
    assert_eq!(log.trim(), "kept");

    // --- A pod naming a claim that does not exist waits, and is scheduled once it appears
    // (at once, not at the periodic retry of unschedulable pods after 30 s).
    let waiting = claim_pod("waiting", "late", "ls /data", json!({}));
    c.ok_stdin(&["apply", "-f", "-"], &waiting.to_string());
    let message = eventually(WAIT, || {
        let p = c.json(&["get", "pod", "waiting"]);
        let conditions = p["status"]["conditions"].as_array()?;
        let scheduled = conditions.iter().find(|c| c["type"] == "PodScheduled")?;
        let message = scheduled["message"].as_str().unwrap_or("").to_string();
        (scheduled["status"] == "False").then_some(message)
    });
    assert!(
        message.contains(r#"0/2 nodes are available: persistentvolumeclaim "late" not found."#),
        "{message}"
    );
    let late = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "late"},
                      "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Mi"}}}});
    c.ok_stdin(&["apply", "-f", "-"], &late.to_string());
    eventually(Duration::from_secs(15), || {
        let node = c.ok(&["get", "pod", "waiting", "-o", "jsonpath={.spec.nodeName}"]);
        (!node.trim().is_empty()).then_some(())
    });
    assert_eq!(finished_phase(&c, "waiting"), "Succeeded");
}

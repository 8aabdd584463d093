//! Service networking end to end, with real pods: the embedded agent's nftables service proxy
//! and cluster DNS, driven by the real kubectl. Busybox httpd pods behind a Service; client pods
//! (restartPolicy Never) run wget/nslookup scripts and the test reads their logs: names resolve
//! through `resolv.conf`'s search path in and across namespaces, 300 requests spread over all
//! three replicas, a replica that turns unready stops receiving traffic and comes back, a
//! NodePort answers on the node's gateway address, headless and StatefulSet names resolve to
//! pod IPs, SRV records exist for named ports, and a Service without endpoints is refused.
//!
//! Shares the host network namespace like `agent.rs` (its own pod /24, bridge and nftables
//! table, all removed on the way out). Traffic stays between pods and the node's bridge.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{eventually, AgentCleanup, Cluster};
use serde_json::{json, Value};

const NODE: &str = "rudder-svc-e2e";
const WAIT: Duration = Duration::from_secs(90);

/// The web Deployment: busybox httpd serving its hostname, ready while `/www/ready` exists
/// (in an emptyDir the test can reach from the host).
fn web_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{
                        "name": "httpd", "image": "busybox",
                        "command": ["sh", "-c", "hostname > /www/index.html && touch /www/ready && exec httpd -f -p 8080 -h /www"],
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080},
                                           "periodSeconds": 1, "failureThreshold": 1},
                        "volumeMounts": [{"name": "www", "mountPath": "/www"}]
                    }],
                    "volumes": [{"name": "www", "emptyDir": {}}]
                }
            }
        }
    })
}

fn service(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": "shop"}, "spec": spec})
}

/// Runs `script` in a busybox pod of `ns` to completion and returns its log.
fn run_script(c: &Cluster, ns: &str, name: &str, script: &str) -> String {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"restartPolicy": "Never",
                 "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", script]}]}
    });
    c.ok_stdin(&["apply", "-f", "-"], &pod.to_string());
    eventually(WAIT, || {
        let p = c.json(&["get", "pod", name, "-n", ns]);
        matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")).then_some(())
    });
    let log = c.ok(&["logs", name, "-n", ns]);
    c.ok(&["delete", "pod", name, "-n", ns, "--wait=false"]);
    log
}

/// `kubectl expose deployment web` as a Service `name` of `type_` on `port` (to httpd's 8080).
fn expose_web(c: &Cluster, name: &str, type_: &str, port: &str) {
    c.ok(&[
        "expose",
        "deployment",
        "web",
        "-n",
        "shop",
        "--name",
        name,
        "--type",
        type_,
        "--port",
        port,
        "--target-port",
        "8080",
    ]);
}

/// Pod name → IP of the web pods.
fn web_pods(c: &Cluster) -> BTreeMap<String, String> {
    let pods = c.json(&["get", "pods", "-n", "shop", "-l", "app=web"]);
    pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["status"]["podIP"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// How many ready endpoints the `web` Service's slices list.
fn ready_endpoints(c: &Cluster) -> usize {
    let slices = c.json(&[
        "get",
        "endpointslices",
        "-n",
        "shop",
        "-l",
        "kubernetes.io/service-name=web",
    ]);
    slices["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["conditions"]["ready"] == true)
        .count()
}

/// Counts the lines of `log` per web pod name; panics on any other line.
fn hits(log: &str, pods: &BTreeMap<String, String>) -> BTreeMap<String, usize> {
    let mut hits = BTreeMap::new();
    for line in log.lines().filter(|l| !l.is_empty()) {
        assert!(
            pods.contains_key(line),
            "unexpected line {line:?} in:\n{log}"
        );
        *hits.entry(line.to_string()).or_insert(0) += 1;
    }
    hits
}

#[test]
fn services_and_dns_reach_ready_pods() {
    let pod_cidr = format!("198.18.{}.0/24", 40 + std::process::id() % 50);
    let gateway = pod_cidr.replace(".0/24", ".1");
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);

    // --- Cluster DNS is a Service with this node's gateway as its endpoint.
    let dns = c.json(&["get", "service", "kube-dns", "-n", "kube-system"]);
    assert_eq!(dns["spec"]["clusterIP"], "198.19.0.10");
    let slice = eventually(WAIT, || {
        let out = c.kubectl(&[
            "get",
            "endpointslice",
            &format!("kube-dns-{NODE}"),
            "-n",
            "kube-system",
            "-o",
            "json",
        ]);
        out.status
            .success()
            .then(|| serde_json::from_slice::<Value>(&out.stdout).unwrap())
    });
    assert_eq!(slice["endpoints"][0]["addresses"][0], gateway.as_str());

    // --- The app: three replicas behind a Service, plus headless and empty Services.
    c.ok(&["create", "namespace", "shop"]);
    c.ok_stdin(&["apply", "-f", "-"], &web_deployment().to_string());
    let web = service(
        "web",
        json!({"selector": {"app": "web"},
                                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}),
    );
    let headless = service(
        "web-headless",
        json!({"clusterIP": "None", "selector": {"app": "web"},
                                                  "ports": [{"name": "http", "port": 8080}]}),
    );
    let nothing = service(
        "nothing",
        json!({"selector": {"app": "nobody"}, "ports": [{"port": 80}]}),
    );
    for svc in [web, headless, nothing] {
        c.ok_stdin(&["apply", "-f", "-"], &svc.to_string());
    }
    expose_web(&c, "web-np", "NodePort", "80");
    c.ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "shop",
        "--timeout=90s",
    ]);
    eventually(WAIT, || (ready_endpoints(&c) == 3).then_some(()));
    let pods = web_pods(&c);
    assert_eq!(pods.len(), 3, "{pods:?}");

    // --- resolv.conf, same-namespace name, and 300 requests over all three replicas.
    let log = run_script(
        &c,
        "shop",
        "client",
        "cat /etc/resolv.conf; echo ---; for i in $(seq 300); do wget -qO- http://web || echo FAIL; done",
    );
    let (resolv, requests) = log.split_once("---\n").expect("separator");
    assert!(resolv.contains("nameserver 198.19.0.10"), "{resolv}");
    assert!(
        resolv.contains("search shop.svc.cluster.local svc.cluster.local cluster.local"),
        "{resolv}"
    );
    assert!(resolv.contains("options ndots:5"), "{resolv}");
    let counts = hits(requests, &pods);
    assert_eq!(counts.values().sum::<usize>(), 300, "{counts:?}");
    assert_eq!(counts.len(), 3, "every replica gets traffic: {counts:?}");
    eprintln!("300 requests over the replicas: {counts:?}");

    // --- Cross-namespace name.
    let log = run_script(
        &c,
        "default",
        "cross",
        "wget -qO- http://web.shop.svc.cluster.local",
    );
    assert_eq!(hits(&log, &pods).values().sum::<usize>(), 1, "{log}");

    // --- A replica that turns unready gets no traffic, and gets it again once ready.
    let (victim, _) = pods.iter().next().unwrap();
    let uid = c.ok(&[
        "get",
        "pod",
        victim,
        "-n",
        "shop",
        "-o",
        "jsonpath={.metadata.uid}",
    ]);
    let ready_file = c
        .data_dir()
        .join("agent/pods")
        .join(uid.trim())
        .join("volumes/www/ready");
    std::fs::remove_file(&ready_file).expect("the pod's readiness file");
    eventually(WAIT, || (ready_endpoints(&c) == 2).then_some(()));
    let log = run_script(
        &c,
        "shop",
        "unready",
        "for i in $(seq 60); do wget -qO- http://web || echo FAIL; done",
    );
    let counts = hits(&log, &pods);
    assert_eq!(counts.values().sum::<usize>(), 60, "{counts:?}");
    assert!(
        !counts.contains_key(victim),
        "{victim} is not ready: {counts:?}"
    );
    std::fs::write(&ready_file, "").unwrap();
    eventually(WAIT, || (ready_endpoints(&c) == 3).then_some(()));
    let log = run_script(
        &c,
        "shop",
        "ready",
        "for i in $(seq 60); do wget -qO- http://web || echo FAIL; done",
    );
    assert!(hits(&log, &pods).contains_key(victim), "{log}");

    // --- NodePort on the node's gateway address.
    let node_port = c.ok(&[
        "get",
        "svc",
        "web-np",
        "-n",
        "shop",
        "-o",
        "jsonpath={.spec.ports[0].nodePort}",
    ]);
    let script = format!("wget -qO- http://{gateway}:{}", node_port.trim());
    let log = run_script(&c, "shop", "nodeport", &script);
    assert_eq!(hits(&log, &pods).values().sum::<usize>(), 1, "{log}");

    // --- A LoadBalancer Service is served on the node's address.
    expose_web(&c, "web-lb", "LoadBalancer", "8081");
    let node_ip = c.ok(&[
        "get",
        "node",
        NODE,
        "-o",
        "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}",
    ]);
    let node_ip = node_ip.trim().to_string();
    assert!(!node_ip.is_empty());
    eventually(WAIT, || {
        let out = c.kubectl(&[
            "get",
            "svc",
            "web-lb",
            "-n",
            "shop",
            "-o",
            "jsonpath={.status.loadBalancer.ingress[*].ip}",
        ]);
        (String::from_utf8_lossy(&out.stdout).trim() == node_ip).then_some(())
    });
    let table = c.ok(&["get", "svc", "web-lb", "-n", "shop"]);
    assert!(table.contains(&node_ip), "EXTERNAL-IP column: {table}");
    let events = c.ok(&[
        "get",
        "events",
        "-n",
        "shop",
        "--field-selector",
        "involvedObject.name=web-lb",
    ]);
    assert!(events.contains("EnsuredLoadBalancer"), "{events}");

    // --- Headless names resolve to the pods, SRV records name the port.
    let log = run_script(
        &c,
        "shop",
        "lookups",
        "nslookup web-headless; echo ---; nslookup -type=SRV _http._tcp.web.shop.svc.cluster.local",
    );
    let (headless, srv) = log.split_once("---\n").expect("separator");
    for ip in pods.values() {
        assert!(
            headless.contains(&format!("Address: {ip}")),
            "{ip} missing:\n{headless}"
        );
    }
    assert!(srv.contains("0 100 80 web.shop.svc.cluster.local"), "{srv}");

    // --- StatefulSet pods get names under their governing Service.
    let sts = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "shop"},
        "spec": {"serviceName": "db", "replicas": 1,
                 "selector": {"matchLabels": {"app": "db"}},
                 "template": {"metadata": {"labels": {"app": "db"}},
                              "spec": {"containers": [{"name": "db", "image": "busybox",
                                                       "command": ["sleep", "3600"]}]}}}
    });
    let db_svc = service(
        "db",
        json!({"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 5432}]}),
    );
    c.ok_stdin(&["apply", "-f", "-"], &db_svc.to_string());
    c.ok_stdin(&["apply", "-f", "-"], &sts.to_string());
    let db_ip = eventually(WAIT, || {
        let p = c.json(&["get", "pods", "-n", "shop", "-l", "app=db"]);
        let pod = p["items"].as_array()?.first()?.clone();
        let ready = pod["status"]["conditions"]
            .as_array()?
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        ready.then(|| pod["status"]["podIP"].as_str().unwrap().to_string())
    });
    eventually(WAIT, || {
        let out = c.kubectl(&[
            "get",
            "endpointslices",
            "-n",
            "shop",
            "-l",
            "kubernetes.io/service-name=db",
            "-o",
            "jsonpath={.items[*].endpoints[*].hostname}",
        ]);
        (String::from_utf8_lossy(&out.stdout).trim() == "db-0").then_some(())
    });
    let log = run_script(
        &c,
        "default",
        "sts",
        "nslookup db-0.db.shop.svc.cluster.local",
    );
    assert!(log.contains(&format!("Address: {db_ip}")), "{log}");

    // --- A Service without endpoints is refused, not left to time out.
    let log = run_script(
        &c,
        "shop",
        "refused",
        "timeout 3 wget -qO- http://nothing 2>&1; echo rc=$?",
    );
    assert!(log.contains("Connection refused"), "{log}");

    // --- The proxy's rules live in this node's own table.
    let out = std::process::Command::new("nft")
        .args(["list", "table", "ip", &cleanup.table()])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("\"shop/web:http\""), "{table}");
    assert!(table.contains("\"shop/nothing\""), "{table}");
    assert!(
        table.contains(&format!("{node_ip} . tcp . 8081")),
        "{table}"
    );
}

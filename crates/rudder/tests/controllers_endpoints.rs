//! The Endpoints and EndpointSlice controllers, driven through real kubectl. There is no
//! kubelet: pods get their IPs and readiness through the status subresource (addresses from
//! 198.18.0.0/16; nothing is ever sent to them).

mod common;

use std::time::Duration;

use common::{eventually, Cluster};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {team: blue}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
";

fn pod_manifest(name: &str, app: &str, named_port: bool) -> String {
    let ports = if named_port {
        "\n    ports: [{name: http, containerPort: 8080}]"
    } else {
        ""
    };
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: {app}}}
spec:
  containers:
  - name: c
    image: busybox{ports}
"
    )
}

fn apply(c: &Cluster, manifest: &str) {
    c.ok_stdin(&["apply", "-f", "-"], manifest);
}

/// Does what a kubelet would: reports the pod running with an IP, ready or not.
fn set_status(c: &Cluster, pod: &str, ip: &str, ready: bool, since: &str) {
    let patch = json!({"status": {
        "phase": "Running",
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "conditions": [{
            "type": "Ready",
            "status": if ready { "True" } else { "False" },
            "lastTransitionTime": since,
        }],
    }});
    c.ok(&[
        "patch",
        "pod",
        pod,
        "--subresource=status",
        "--type=merge",
        "-p",
        &patch.to_string(),
    ]);
}

/// The ENDPOINTS column of `kubectl get endpoints NAME`.
fn endpoints_column(c: &Cluster, name: &str) -> Option<String> {
    let out = c.kubectl(&["get", "endpoints", name, "--no-headers"]);
    if !out.status.success() {
        return None;
    }
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    line.split_whitespace().nth(1).map(str::to_string)
}

fn wait_for_endpoints(c: &Cluster, name: &str, want: &str) {
    eventually(WAIT, || {
        (endpoints_column(c, name).as_deref() == Some(want)).then_some(())
    });
}

fn ips(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["ip"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// Every endpoint of the Service's slices: (address, ready, serving, terminating).
fn slice_endpoints(c: &Cluster, svc: &str) -> Vec<(String, bool, bool, bool)> {
    let slices = c.json(&[
        "get",
        "endpointslices",
        "-l",
        &format!("kubernetes.io/service-name={svc}"),
    ]);
    let mut out = Vec::new();
    for s in slices["items"].as_array().unwrap() {
        for e in s["endpoints"].as_array().into_iter().flatten() {
            let cond = |k: &str| e["conditions"][k].as_bool().unwrap();
            out.push((
                e["addresses"][0].as_str().unwrap().to_string(),
                cond("ready"),
                cond("serving"),
                cond("terminating"),
            ));
        }
    }
    out.sort();
    out
}

fn wait_for_slices(c: &Cluster, svc: &str, want: &[(&str, bool, bool, bool)]) {
    let want: Vec<(String, bool, bool, bool)> = want
        .iter()
        .map(|(a, r, s, t)| (a.to_string(), *r, *s, *t))
        .collect();
    eventually(WAIT, || (slice_endpoints(c, svc) == want).then_some(()));
}

#[test]
fn endpoints_and_slices_follow_pods() {
    let c = Cluster::start();
    apply(&c, &pod_manifest("web-1", "web", true));
    apply(&c, &pod_manifest("web-2", "web", true));
    apply(&c, &pod_manifest("no-port", "web", false));
    apply(&c, &pod_manifest("stranger", "other", true));
    apply(&c, WEB);

    // Created at once, empty, with the Service's labels and the trigger time.
    wait_for_endpoints(&c, "web", "<none>");
    let ep = c.json(&["get", "endpoints", "web"]);
    let svc = c.json(&["get", "service", "web"]);
    assert_eq!(ep["metadata"]["labels"]["team"], "blue", "{ep}");
    assert_eq!(
        ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"],
        svc["metadata"]["creationTimestamp"],
        "{ep}"
    );
    assert!(ep["metadata"].get("ownerReferences").is_none(), "{ep}");

    set_status(&c, "web-1", "198.18.0.5", true, "2025-06-01T12:00:00Z");
    wait_for_endpoints(&c, "web", "198.18.0.5:8080");
    let ep = c.json(&["get", "endpoints", "web"]);
    let subset = &ep["subsets"][0];
    assert_eq!(subset["ports"][0]["name"], "http", "{ep}");
    assert_eq!(subset["ports"][0]["port"], 8080, "{ep}");
    assert_eq!(subset["ports"][0]["protocol"], "TCP", "{ep}");
    let addr = &subset["addresses"][0];
    assert_eq!(addr["targetRef"]["kind"], "Pod", "{ep}");
    assert_eq!(addr["targetRef"]["name"], "web-1", "{ep}");
    assert_eq!(addr["targetRef"]["namespace"], "default", "{ep}");
    let uid = c.ok(&["get", "pod", "web-1", "-o", "jsonpath={.metadata.uid}"]);
    assert_eq!(addr["targetRef"]["uid"], uid.as_str(), "{ep}");
    assert_eq!(
        ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"],
        "2025-06-01T12:00:00Z"
    );

    // An unready pod is listed under notReadyAddresses, then moves when it becomes ready.
    set_status(&c, "web-2", "198.18.0.6", false, "2025-06-01T12:00:01Z");
    let ep = eventually(WAIT, || {
        let ep = c.json(&["get", "endpoints", "web"]);
        (ips(&ep["subsets"][0]["notReadyAddresses"]) == ["198.18.0.6"]).then_some(ep)
    });
    assert_eq!(ips(&ep["subsets"][0]["addresses"]), ["198.18.0.5"], "{ep}");
    assert_eq!(
        endpoints_column(&c, "web").as_deref(),
        Some("198.18.0.5:8080")
    );
    wait_for_slices(
        &c,
        "web",
        &[
            ("198.18.0.5", true, true, false),
            ("198.18.0.6", false, false, false),
        ],
    );
    set_status(&c, "web-2", "198.18.0.6", true, "2025-06-01T12:00:02Z");
    wait_for_endpoints(&c, "web", "198.18.0.5:8080,198.18.0.6:8080");
    let ep = c.json(&["get", "endpoints", "web"]);
    assert!(ep["subsets"][0].get("notReadyAddresses").is_none(), "{ep}");

    // A pod without the named target port is not an endpoint of that port; the other app's
    // pod is not selected at all.
    set_status(&c, "no-port", "198.18.0.7", true, "2025-06-01T12:00:03Z");
    set_status(&c, "stranger", "198.18.0.8", true, "2025-06-01T12:00:03Z");
    wait_for_slices(
        &c,
        "web",
        &[
            ("198.18.0.5", true, true, false),
            ("198.18.0.6", true, true, false),
            ("198.18.0.7", true, true, false),
        ],
    );
    assert_eq!(
        endpoints_column(&c, "web").as_deref(),
        Some("198.18.0.5:8080,198.18.0.6:8080")
    );

    // The slices: managed, owned by the Service, with the resolved port.
    let slices = c.json(&[
        "get",
        "endpointslices",
        "-l",
        "kubernetes.io/service-name=web",
    ]);
    let svc_uid = svc["metadata"]["uid"].as_str().unwrap();
    let items = slices["items"].as_array().unwrap();
    for s in items {
        let name = s["metadata"]["name"].as_str().unwrap();
        assert!(
            name.starts_with("web-") && name.len() == "web-".len() + 5,
            "{name}"
        );
        assert_eq!(s["addressType"], "IPv4");
        assert_eq!(
            s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
            "endpointslice-controller.k8s.io"
        );
        assert_eq!(s["metadata"]["labels"]["team"], "blue");
        let owner = &s["metadata"]["ownerReferences"][0];
        assert_eq!(owner["kind"], "Service");
        assert_eq!(owner["uid"], svc_uid);
        assert_eq!(owner["controller"], true);
    }
    let with_port = items
        .iter()
        .find(|s| s["ports"][0]["port"] == 8080)
        .expect("a slice for port 8080");
    assert_eq!(with_port["ports"][0]["name"], "http");
    assert_eq!(with_port["ports"][0]["protocol"], "TCP");
    assert_eq!(with_port["endpoints"].as_array().unwrap().len(), 2);
    let table = c.ok(&[
        "get",
        "endpointslices",
        "-l",
        "kubernetes.io/service-name=web",
    ]);
    assert!(
        table.contains("IPv4") && table.contains("198.18.0.5,198.18.0.6"),
        "{table}"
    );

    // Losing the label takes a pod out.
    c.ok(&["label", "pod", "web-1", "app-"]);
    wait_for_endpoints(&c, "web", "198.18.0.6:8080");
    wait_for_slices(
        &c,
        "web",
        &[
            ("198.18.0.6", true, true, false),
            ("198.18.0.7", true, true, false),
        ],
    );

    // Deleted Endpoints and slices of a Service are recreated.
    c.ok(&["delete", "endpoints", "web"]);
    wait_for_endpoints(&c, "web", "198.18.0.6:8080");
    c.ok(&[
        "delete",
        "endpointslices",
        "-l",
        "kubernetes.io/service-name=web",
    ]);
    wait_for_slices(
        &c,
        "web",
        &[
            ("198.18.0.6", true, true, false),
            ("198.18.0.7", true, true, false),
        ],
    );

    // Once synced, nothing is rewritten.
    let before = c.json(&["get", "endpoints", "web"]);
    let slices_before = c.ok(&[
        "get",
        "endpointslices",
        "-o",
        "jsonpath={.items[*].metadata.resourceVersion}",
    ]);
    c.ok(&["annotate", "pod", "web-2", "note=irrelevant"]);
    c.ok(&["annotate", "service", "web", "note=irrelevant"]);
    std::thread::sleep(Duration::from_secs(2));
    let after = c.json(&["get", "endpoints", "web"]);
    assert_eq!(
        before["metadata"]["resourceVersion"],
        after["metadata"]["resourceVersion"]
    );
    let slices_after = c.ok(&[
        "get",
        "endpointslices",
        "-o",
        "jsonpath={.items[*].metadata.resourceVersion}",
    ]);
    assert_eq!(slices_before, slices_after);

    // Deleting the Service removes both.
    c.ok(&["delete", "service", "web"]);
    eventually(WAIT, || endpoints_column(&c, "web").is_none().then_some(()));
    eventually(WAIT, || {
        let out = c.ok(&[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "name",
        ]);
        out.trim().is_empty().then_some(())
    });
}

#[test]
fn terminating_pods_leave_endpoints_but_stay_in_slices() {
    let c = Cluster::start();
    apply(&c, &pod_manifest("web-1", "web", true));
    apply(&c, &pod_manifest("web-2", "web", true));
    // A finalizer keeps the deleted pod around while it terminates.
    c.ok(&[
        "patch",
        "pod",
        "web-2",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":["example.com/hold"]}}"#,
    ]);
    apply(&c, WEB);
    set_status(&c, "web-1", "198.18.0.5", true, "2025-06-01T12:00:00Z");
    set_status(&c, "web-2", "198.18.0.6", true, "2025-06-01T12:00:00Z");
    wait_for_endpoints(&c, "web", "198.18.0.5:8080,198.18.0.6:8080");
    c.ok(&["delete", "pod", "web-2", "--wait=false"]);
    wait_for_endpoints(&c, "web", "198.18.0.5:8080");
    wait_for_slices(
        &c,
        "web",
        &[
            ("198.18.0.5", true, true, false),
            ("198.18.0.6", false, true, true),
        ],
    );
    c.ok(&[
        "patch",
        "pod",
        "web-2",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    wait_for_slices(&c, "web", &[("198.18.0.5", true, true, false)]);
}

#[test]
fn headless_publish_not_ready_and_zones() {
    // No scheduler or node lifecycle: the pod is placed by hand on a node that stays as made.
    let c = Cluster::start_with(&["--disable", "scheduler,nodelifecycle"]);
    apply(
        &c,
        "apiVersion: v1
kind: Node
metadata:
  name: node-z
  labels: {topology.kubernetes.io/zone: zone-a}
",
    );
    apply(
        &c,
        "apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: db}
  ports:
  - {port: 5432, targetPort: 5432}
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  labels: {app: db}
spec:
  hostname: db-0
  subdomain: db
  nodeName: node-z
  containers: [{name: c, image: busybox}]
",
    );
    set_status(&c, "db-0", "198.18.1.1", false, "2025-06-01T12:00:00Z");
    wait_for_endpoints(&c, "db", "198.18.1.1:5432");
    let ep = c.json(&["get", "endpoints", "db"]);
    let addr = &ep["subsets"][0]["addresses"][0];
    assert_eq!(addr["hostname"], "db-0", "{ep}");
    assert_eq!(addr["nodeName"], "node-z", "{ep}");
    assert!(ep["subsets"][0].get("notReadyAddresses").is_none(), "{ep}");
    assert_eq!(
        ep["metadata"]["labels"]["service.kubernetes.io/headless"], "",
        "{ep}"
    );
    // Published as ready, though not serving.
    wait_for_slices(&c, "db", &[("198.18.1.1", true, false, false)]);
    let slices = c.json(&[
        "get",
        "endpointslices",
        "-l",
        "kubernetes.io/service-name=db",
    ]);
    let e = &slices["items"][0]["endpoints"][0];
    assert_eq!(e["zone"], "zone-a", "{slices}");
    assert_eq!(e["nodeName"], "node-z", "{slices}");
    assert_eq!(e["hostname"], "db-0", "{slices}");
    assert_eq!(e["targetRef"]["name"], "db-0", "{slices}");

    // Without publishNotReadyAddresses the same pod is not ready.
    c.ok(&[
        "patch",
        "service",
        "db",
        "--type=merge",
        "-p",
        r#"{"spec":{"publishNotReadyAddresses":false}}"#,
    ]);
    let ep = eventually(WAIT, || {
        let ep = c.json(&["get", "endpoints", "db"]);
        (ips(&ep["subsets"][0]["notReadyAddresses"]) == ["198.18.1.1"]).then_some(ep)
    });
    assert!(ep["subsets"][0].get("addresses").is_none(), "{ep}");
    wait_for_slices(&c, "db", &[("198.18.1.1", false, false, false)]);
}

#[test]
fn services_without_selectors_keep_their_own_endpoints() {
    let c = Cluster::start();
    apply(
        &c,
        "apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external}
subsets:
- addresses: [{ip: 198.18.2.1}]
  ports: [{port: 80}]
",
    );
    // A selector Service in the same namespace proves the controllers are running.
    apply(&c, WEB);
    wait_for_endpoints(&c, "web", "<none>");
    eventually(WAIT, || {
        let out = c.ok(&[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "name",
        ]);
        (!out.trim().is_empty()).then_some(())
    });
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        endpoints_column(&c, "external").as_deref(),
        Some("198.18.2.1:80")
    );
    let out = c.ok(&[
        "get",
        "endpointslices",
        "-l",
        "kubernetes.io/service-name=external",
        "-o",
        "name",
    ]);
    assert!(out.trim().is_empty(), "{out}");
}

#[test]
fn leftovers_of_services_deleted_while_stopped_are_removed() {
    // With the controllers off, leave what a deleted Service's controllers would have left.
    let c = Cluster::start_with(&["--disable", "endpoints,endpointslice"]);
    apply(
        &c,
        "apiVersion: v1
kind: Endpoints
metadata: {name: ghost}
subsets:
- addresses: [{ip: 198.18.3.1}]
  ports: [{port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ghost-abcde
  labels:
    kubernetes.io/service-name: ghost
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
endpoints: [{addresses: [198.18.3.1]}]
ports: [{port: 80}]
",
    );
    let c = Cluster::start_in(c.crash());
    eventually(WAIT, || {
        endpoints_column(&c, "ghost").is_none().then_some(())
    });
    eventually(WAIT, || {
        let out = c.ok(&["get", "endpointslices", "-o", "name"]);
        out.trim().is_empty().then_some(())
    });
}

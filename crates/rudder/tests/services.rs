//! Service IPs and NodePorts through real kubectl: the `kubernetes` Service, ClusterIPs from the
//! service CIDR (dynamic ones above the static band), chosen IPs and ports honoured and
//! conflicts refused with Kubernetes' messages, values freed on delete, headless and
//! ExternalName Services left without an IP, and allocations surviving a crash.

mod common;

use std::net::Ipv4Addr;

use common::Cluster;

fn cluster_ip(c: &Cluster, name: &str) -> String {
    c.ok(&["get", "svc", name, "-o", "jsonpath={.spec.clusterIP}"])
}

fn node_port(c: &Cluster, name: &str) -> u16 {
    c.ok(&[
        "get",
        "svc",
        name,
        "-o",
        "jsonpath={.spec.ports[0].nodePort}",
    ])
    .parse()
    .unwrap()
}

fn service(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n{spec}")
}

#[test]
fn cluster_ips_and_node_ports_are_allocated_checked_and_kept() {
    let c = Cluster::start();

    let table = c.ok(&["get", "svc", "kubernetes"]);
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        &row[..5],
        ["kubernetes", "ClusterIP", "198.19.0.1", "<none>", "443/TCP"],
        "{table}"
    );

    // Dynamic ClusterIPs: in 198.19.0.0/16, above the static band, distinct.
    c.ok(&["create", "service", "clusterip", "web", "--tcp=80:8080"]);
    c.ok(&["create", "service", "clusterip", "api", "--tcp=80:8080"]);
    let web: Ipv4Addr = cluster_ip(&c, "web").parse().unwrap();
    let api: Ipv4Addr = cluster_ip(&c, "api").parse().unwrap();
    for ip in [web, api] {
        let o = ip.octets();
        assert!(o[0] == 198 && o[1] == 19 && o[2] >= 1, "{ip}");
    }
    assert_ne!(web, api);
    let svc = c.json(&["get", "svc", "web"]);
    assert_eq!(svc["spec"]["clusterIPs"][0], web.to_string());
    assert_eq!(svc["spec"]["ipFamilies"][0], "IPv4");

    // A chosen ClusterIP is honoured; the same one again is refused.
    c.ok_stdin(
        &["apply", "-f", "-"],
        &service("fixed", "  clusterIP: 198.19.0.50\n  ports: [{port: 80}]\n"),
    );
    assert_eq!(cluster_ip(&c, "fixed"), "198.19.0.50");
    let err = c.kubectl_stdin(
        &["apply", "-f", "-"],
        &service("twin", "  clusterIP: 198.19.0.50\n  ports: [{port: 80}]\n"),
    );
    assert!(!err.status.success());
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(
        stderr.contains("spec.clusterIPs: Invalid value: []string{\"198.19.0.50\"}: failed to allocate IP 198.19.0.50: provided IP is already allocated"),
        "{stderr}"
    );
    let stderr = c.fails(&[
        "create",
        "service",
        "clusterip",
        "far",
        "--tcp=80",
        "--clusterip=10.0.0.5",
    ]);
    assert!(
        stderr.contains("the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 198.19.0.0/16"),
        "{stderr}"
    );

    // Headless and ExternalName Services get no IP.
    c.ok(&[
        "create",
        "service",
        "clusterip",
        "headless",
        "--clusterip=None",
    ]);
    assert_eq!(cluster_ip(&c, "headless"), "None");
    c.ok(&[
        "create",
        "service",
        "externalname",
        "ext",
        "--external-name=db.example.org",
    ]);
    assert_eq!(cluster_ip(&c, "ext"), "");

    // NodePorts: allocated in 30000-32767; a taken or out-of-range one is refused.
    c.ok(&["create", "service", "nodeport", "np", "--tcp=80:80"]);
    let port = node_port(&c, "np");
    assert!((30000..=32767).contains(&port), "{port}");
    let stderr = c.fails(&[
        "create",
        "service",
        "nodeport",
        "np2",
        "--tcp=80:80",
        &format!("--node-port={port}"),
    ]);
    assert!(
        stderr.contains(&format!(
            "spec.ports[0].nodePort: Invalid value: {port}: provided port is already allocated"
        )),
        "{stderr}"
    );
    let stderr = c.fails(&[
        "create",
        "service",
        "nodeport",
        "np3",
        "--tcp=80:80",
        "--node-port=8080",
    ]);
    assert!(
        stderr.contains(
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        ),
        "{stderr}"
    );
    let table = c.ok(&["get", "svc", "np"]);
    assert!(table.contains(&format!("80:{port}/TCP")), "{table}");

    // Editing a Service keeps its allocations; changing the type allocates what it now needs.
    c.ok(&["label", "svc", "np", "tier=front"]);
    assert_eq!(node_port(&c, "np"), port);
    c.ok(&[
        "patch",
        "svc",
        "web",
        "-p",
        r#"{"spec":{"type":"NodePort"}}"#,
    ]);
    assert_eq!(cluster_ip(&c, "web"), web.to_string());
    assert!((30000..=32767).contains(&node_port(&c, "web")));

    // Allocations survive a crash; deleting frees them.
    let dir = c.crash();
    let c = Cluster::start_in(dir);
    let err = c.kubectl_stdin(
        &["apply", "-f", "-"],
        &service("twin", "  clusterIP: 198.19.0.50\n  ports: [{port: 80}]\n"),
    );
    assert!(
        !err.status.success(),
        "a held IP was handed out again after restart"
    );
    c.fails(&[
        "create",
        "service",
        "nodeport",
        "np2",
        "--tcp=80:80",
        &format!("--node-port={port}"),
    ]);
    c.ok(&["delete", "svc", "fixed", "np"]);
    c.ok_stdin(
        &["apply", "-f", "-"],
        &service("twin", "  clusterIP: 198.19.0.50\n  ports: [{port: 80}]\n"),
    );
    assert_eq!(cluster_ip(&c, "twin"), "198.19.0.50");
    c.ok(&[
        "create",
        "service",
        "nodeport",
        "np2",
        "--tcp=80:80",
        &format!("--node-port={port}"),
    ]);
    assert_eq!(node_port(&c, "np2"), port);
}

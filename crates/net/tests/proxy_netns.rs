//! The service proxy against the real kernel: a "node" network namespace with a bridge and two
//! "pod" namespaces, busybox httpd as the backend, and the proxy's nftables table inside the
//! node namespace. Checks cluster-IP load balancing, hairpin traffic, node ports, rejection of
//! Services without endpoints, and incremental updates. Needs root, `ip`, `nft` and busybox
//! (scripts/install-deps.sh). Every namespace it creates is deleted on the way out (which
//! removes the table, the bridge and the veths with it); the httpd processes are killed by PID.

use std::net::Ipv4Addr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use net::proxy::nft::Session;
use net::proxy::{Proxier, ProxyConfig};
use serde_json::json;

const TABLE: &str = "rudder-test";

fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Namespaces and processes of one test, removed on drop.
struct Lab {
    node: String,
    pods: Vec<String>,
    servers: Vec<Child>,
    /// The httpd document roots.
    docroots: Vec<std::path::PathBuf>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for s in &mut self.servers {
            let _ = s.kill();
            let _ = s.wait();
        }
        for ns in self.pods.iter().chain([&self.node]) {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
        for dir in &self.docroots {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Lab {
    /// A node namespace with bridge `br0` at 198.18.0.1/24 and pods at .2, .3, …
    fn new(pods: usize) -> Lab {
        // Tests run in parallel: each lab's namespaces get a number of their own.
        static LABS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let lab_number = LABS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}-{lab_number}", std::process::id());
        let mut lab = Lab {
            node: format!("rnode-{id}"),
            pods: Vec::new(),
            servers: Vec::new(),
            docroots: Vec::new(),
        };
        let node = lab.node.clone();
        sh(&["ip", "netns", "add", &node]);
        let inn = |args: &[&str]| {
            let mut full = vec!["ip", "netns", "exec", node.as_str()];
            full.extend_from_slice(args);
            sh(&full);
        };
        inn(&["ip", "link", "set", "lo", "up"]);
        inn(&["ip", "link", "add", "br0", "type", "bridge"]);
        inn(&["ip", "addr", "add", "198.18.0.1/24", "dev", "br0"]);
        inn(&["ip", "link", "set", "br0", "up"]);
        inn(&["sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
        // A host has a default route, which is what lets its own connections to a cluster IP
        // leave the routing stage before DNAT; here it points at an unused bridge address.
        inn(&[
            "ip",
            "route",
            "add",
            "default",
            "via",
            "198.18.0.254",
            "dev",
            "br0",
        ]);
        for i in 0..pods {
            let pod = format!("rpod{i}-{id}");
            sh(&["ip", "netns", "add", &pod]);
            lab.pods.push(pod.clone());
            let host_end = format!("rv{i}");
            inn(&[
                "ip", "link", "add", &host_end, "type", "veth", "peer", "name", "eth0", "netns",
                &pod,
            ]);
            inn(&["ip", "link", "set", &host_end, "master", "br0", "up"]);
            // As the CNI bridge plugin's hairpinMode: a pod may reach itself via its Service.
            inn(&[
                "ip",
                "link",
                "set",
                &host_end,
                "type",
                "bridge_slave",
                "hairpin",
                "on",
            ]);
            let ip = format!("198.18.0.{}/24", i + 2);
            let p = |args: &[&str]| {
                let mut full = vec!["ip", "netns", "exec", pod.as_str()];
                full.extend_from_slice(args);
                sh(&full);
            };
            p(&["ip", "link", "set", "lo", "up"]);
            p(&["ip", "addr", "add", &ip, "dev", "eth0"]);
            p(&["ip", "link", "set", "eth0", "up"]);
            p(&["ip", "route", "add", "default", "via", "198.18.0.1"]);
        }
        lab
    }

    fn pod_ip(i: usize) -> Ipv4Addr {
        Ipv4Addr::new(198, 18, 0, 2 + i as u8)
    }

    /// busybox httpd on port 8080 in pod `i`, answering `GET /` with the pod's name.
    fn serve(&mut self, i: usize) {
        let dir =
            std::env::temp_dir().join(format!("rudder-proxy-test-{}-{i}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), format!("pod{i}\n")).unwrap();
        self.docroots.push(dir.clone());
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &self.pods[i],
                "busybox",
                "httpd",
                "-f",
                "-p",
                "8080",
                "-h",
            ])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.servers.push(child);
    }

    /// `wget` from pod `from` (or the node with `None`): the body, or the error text.
    fn get(&self, from: Option<usize>, url: &str) -> Result<String, String> {
        let ns = from.map_or(&self.node, |i| &self.pods[i]);
        let out = Command::new("ip")
            .args([
                "netns", "exec", ns, "busybox", "timeout", "5", "busybox", "wget", "-q", "-O-", url,
            ])
            .output()
            .unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    fn nft(&self) -> Vec<String> {
        ["ip", "netns", "exec", &self.node, "nft"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn table(&self) -> String {
        self.table_named(TABLE)
    }

    fn table_named(&self, name: &str) -> String {
        let out = Command::new("ip")
            .args([
                "netns", "exec", &self.node, "nft", "list", "table", "ip", name,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// A table listing as a sorted list of its lines and elements: the kernel lists a map's
/// elements in hash order, which differs between two maps with the same elements.
fn pieces(listing: &str) -> Vec<String> {
    let mut pieces: Vec<String> = listing
        .replace("elements = { ", "")
        .replace(" }", "")
        .split([',', '\n'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    pieces.sort();
    pieces
}

fn service(name: &str, ip: &str, node_port: Option<u16>) -> Service {
    let mut port = json!({"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"});
    let mut spec = json!({"clusterIP": ip, "clusterIPs": [ip], "ports": []});
    if let Some(np) = node_port {
        port["nodePort"] = json!(np);
        spec["type"] = json!("NodePort");
    }
    spec["ports"] = json!([port]);
    serde_json::from_value(json!({
        "metadata": {"namespace": "default", "name": name},
        "spec": spec,
    }))
    .unwrap()
}

fn slice(service: &str, ips: &[Ipv4Addr]) -> EndpointSlice {
    let endpoints: Vec<_> = ips
        .iter()
        .map(|ip| json!({"addresses": [ip.to_string()], "conditions": {"ready": true}, "nodeName": "node"}))
        .collect();
    serde_json::from_value(json!({
        "metadata": {"namespace": "default", "name": format!("{service}-x"),
                     "labels": {"kubernetes.io/service-name": service}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": endpoints,
    }))
    .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn service_traffic_through_nftables() {
    let mut lab = Lab::new(3);
    lab.serve(1);
    lab.serve(2);
    let mut proxier = Proxier::new(ProxyConfig {
        table: TABLE.into(),
        node_name: "node".into(),
        cluster_cidr: Some("198.18.0.0/16".into()),
        nft: lab.nft(),
        netns: Some(lab.node.clone()),
    });
    proxier.set_service(service("web", "198.19.0.20", Some(30080)));
    proxier.set_slice(slice("web", &[Lab::pod_ip(1), Lab::pod_ip(2)]));
    proxier.set_service(service("empty", "198.19.0.21", None));
    let stats = proxier.sync().await.expect("full sync");
    assert!(stats.full);
    // web: its cluster IP and node port entries, two slots for each, two hairpin entries;
    // empty: its no-endpoint entry.
    assert_eq!(stats.netlink_elements, 9, "{stats:?}");
    eprintln!("full sync: {stats:?}");

    // httpd needs a moment to listen.
    let deadline = Instant::now() + Duration::from_secs(10);
    while lab.get(Some(0), "http://198.18.0.3:8080/").is_err() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }

    // Cluster IP from a pod reaches both endpoints.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        seen.insert(lab.get(Some(0), "http://198.19.0.20/").expect("cluster IP"));
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["pod1", "pod2"]);

    // From the node itself, and hairpin (an endpoint reaching its own Service).
    assert!(lab
        .get(None, "http://198.19.0.20/")
        .unwrap()
        .starts_with("pod"));
    for _ in 0..10 {
        assert!(lab
            .get(Some(1), "http://198.19.0.20/")
            .unwrap()
            .starts_with("pod"));
    }

    // Node port on the node's address.
    assert!(lab
        .get(Some(0), "http://198.18.0.1:30080/")
        .unwrap()
        .starts_with("pod"));

    // A Service without endpoints is refused at once, not left to time out.
    let t = Instant::now();
    let err = lab.get(Some(0), "http://198.19.0.21/").unwrap_err();
    assert!(err.contains("refused"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    // The same objects loaded by nft's parser (here because netlink is unavailable, the
    // fallback) read back the same as the elements loaded over netlink.
    let mut by_text = Proxier::new(ProxyConfig {
        table: "rudder-text".into(),
        node_name: "node".into(),
        cluster_cidr: Some("198.18.0.0/16".into()),
        nft: lab.nft(),
        netns: Some("rudder-no-such-netns".into()),
    });
    by_text.set_service(service("web", "198.19.0.20", Some(30080)));
    by_text.set_slice(slice("web", &[Lab::pod_ip(1), Lab::pod_ip(2)]));
    by_text.set_service(service("empty", "198.19.0.21", None));
    assert_eq!(
        by_text
            .sync()
            .await
            .expect("full sync by nft")
            .netlink_elements,
        0
    );
    let text = lab.table_named("rudder-text");
    assert!(text.contains("goto lb-2"), "{text}");
    assert_eq!(
        pieces(&text.replace("rudder-text", TABLE)),
        pieces(&lab.table())
    );
    by_text.cleanup().await.expect("cleanup");

    // A second full sync builds the table under its other name and retires the first in
    // the transaction that loads the elements (over netlink): nothing stops working, and
    // the elements read back as nft wrote them before (comments included).
    let alternate = net::proxy::rules::alternate_table(TABLE);
    let before = lab.table();
    proxier.force_full_sync();
    let stats = proxier.sync().await.expect("second full sync");
    assert!(stats.full && stats.netlink_elements == 9, "{stats:?}");
    assert_eq!(lab.table(), "");
    let after = lab.table_named(&alternate);
    assert_eq!(pieces(&after.replace(&alternate, TABLE)), pieces(&before));
    assert!(
        after.contains("198.19.0.20 . tcp . 80 comment \"default/web:http\" : goto lb-2"),
        "{after}"
    );
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        seen.insert(lab.get(Some(0), "http://198.19.0.20/").expect("cluster IP"));
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["pod1", "pod2"]);
    assert!(lab
        .get(Some(0), "http://198.18.0.1:30080/")
        .unwrap()
        .starts_with("pod"));

    // Incremental: one endpoint goes; only pod2 answers.
    proxier.set_slice(slice("web", &[Lab::pod_ip(2)]));
    let stats = proxier.sync().await.expect("incremental sync");
    assert!(!stats.full);
    assert_eq!(stats.services, 1);
    eprintln!("one-service change: {stats:?}");
    for _ in 0..10 {
        assert_eq!(lab.get(Some(0), "http://198.19.0.20/").unwrap(), "pod2");
    }

    // The empty Service gains an endpoint; web loses all of its own and is refused.
    proxier.set_slice(slice("empty", &[Lab::pod_ip(1)]));
    proxier.set_slice(slice("web", &[]));
    proxier.sync().await.expect("sync");
    assert_eq!(lab.get(Some(0), "http://198.19.0.21/").unwrap(), "pod1");
    let err = lab.get(Some(0), "http://198.19.0.20/").unwrap_err();
    assert!(err.contains("refused"), "{err}");
    let err = lab.get(Some(0), "http://198.18.0.1:30080/").unwrap_err();
    assert!(err.contains("refused"), "{err}");

    // Client-IP affinity: one client sticks to one endpoint.
    let mut sticky = service("sticky", "198.19.0.22", None);
    sticky.spec.as_mut().unwrap().session_affinity = Some("ClientIP".into());
    proxier.set_service(sticky);
    proxier.set_slice(slice("sticky", &[Lab::pod_ip(1), Lab::pod_ip(2)]));
    proxier.sync().await.expect("sync");
    let first = lab.get(Some(0), "http://198.19.0.22/").unwrap();
    for _ in 0..15 {
        assert_eq!(lab.get(Some(0), "http://198.19.0.22/").unwrap(), first);
    }
    proxier.delete_service("default", "sticky");

    // externalTrafficPolicy: Local keeps client addresses, yet an endpoint reaching itself
    // through its node port is masqueraded (hairpin), or its replies would not come back.
    let mut local = service("local", "198.19.0.23", Some(30081));
    local.spec.as_mut().unwrap().external_traffic_policy = Some("Local".into());
    proxier.set_service(local);
    proxier.set_slice(slice("local", &[Lab::pod_ip(1)]));
    proxier.sync().await.expect("sync");
    assert_eq!(
        lab.get(Some(0), "http://198.18.0.1:30081/").unwrap(),
        "pod1"
    );
    assert_eq!(
        lab.get(Some(1), "http://198.18.0.1:30081/").unwrap(),
        "pod1"
    );
    proxier.delete_service("default", "local");

    // A node without a local endpoint for an externalTrafficPolicy: Local node port still
    // serves pods and itself through it, over every endpoint (kube-proxy's short-circuit);
    // the endpoint reaching itself that way is masqueraded too.
    let mut remote = service("remote", "198.19.0.24", Some(30082));
    remote.spec.as_mut().unwrap().external_traffic_policy = Some("Local".into());
    proxier.set_service(remote);
    let mut elsewhere = slice("remote", &[Lab::pod_ip(2)]);
    elsewhere.endpoints[0].node_name = Some("other-node".into());
    proxier.set_slice(elsewhere);
    proxier.sync().await.expect("sync");
    for from in [Some(0), None, Some(2)] {
        assert_eq!(
            lab.get(from, "http://198.18.0.1:30082/").as_deref(),
            Ok("pod2"),
            "from {from:?}"
        );
    }
    proxier.delete_service("default", "remote");

    // Deleting a Service removes its chains and elements; nothing else is left behind.
    proxier.delete_service("default", "empty");
    proxier.delete_service("default", "web");
    proxier.sync().await.expect("sync");
    let table = lab.table_named(&alternate);
    assert!(
        table.contains("service-ips") && !table.contains("svc-") && !table.contains("198.19.0."),
        "{table}"
    );
    proxier.cleanup().await.expect("cleanup");
    assert_eq!(lab.table_named(&alternate), "");
}

/// The long-lived `nft -i` session: a transaction is all or nothing, a failure is reported
/// (and ends the session), and removals work as well as additions.
#[tokio::test(flavor = "current_thread")]
async fn nft_session_commits_whole_transactions_and_reports_failures() {
    let lab = Lab::new(0);
    let t = format!("ip {TABLE}");
    net::proxy::run_nft(
        &lab.nft(),
        &format!(
            "add table {t}\nadd set {t} marker {{ type ipv4_addr ; }}\nadd map {t} m {{ type ipv4_addr : ipv4_addr ; }}\n"
        ),
    )
    .await
    .expect("setup");
    let elements = || {
        let out = Command::new("ip")
            .args([
                "netns", "exec", &lab.node, "nft", "list", "map", "ip", TABLE, "m",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    let mut session = Session::start(&lab.nft(), TABLE, "marker").expect("start nft -i");
    session
        .apply(&format!(
            "add element {t} m {{ 198.19.0.1 : 198.18.0.2 }}\nadd element {t} m {{ 198.19.0.2 : 198.18.0.3 }}\n"
        ))
        .await
        .expect("add");
    // Replacing a value is a removal and an addition in one transaction; repeated, so the
    // session is seen to stay usable after removals.
    for last in 4..8 {
        session
            .apply(&format!(
                "delete element {t} m {{ 198.19.0.1 }}\nadd element {t} m {{ 198.19.0.1 : 198.18.0.{last} }}\n"
            ))
            .await
            .expect("replace");
    }
    assert!(
        elements().contains("198.19.0.1 : 198.18.0.7"),
        "{}",
        elements()
    );

    // A session serves a bounded number of transactions (nft's history grows with each).
    assert!(!session.worn_out());
    let mut served = 5;
    while !session.worn_out() {
        session
            .apply(&format!(
                "add element {t} m {{ 198.19.0.2 : 198.18.0.3 }}\n"
            ))
            .await
            .expect("idempotent add");
        served += 1;
        assert!(served <= 1000, "still not worn out after {served}");
    }
    assert_eq!(served, 1000);

    // The second command fails (no such element): the first is not applied either.
    let err = session
        .apply(&format!(
            "add element {t} m {{ 198.19.0.9 : 198.18.0.9 }}\ndelete element {t} m {{ 198.19.0.99 }}\n"
        ))
        .await
        .unwrap_err();
    assert!(err.contains("No such file or directory"), "{err}");
    assert!(!elements().contains("198.19.0.9 "), "{}", elements());
    drop(session);

    // A session whose marker set is gone reports that instead of waiting.
    let mut session = Session::start(&lab.nft(), TABLE, "no-such-set").expect("start nft -i");
    let err = session
        .apply(&format!(
            "add element {t} m {{ 198.19.0.3 : 198.18.0.3 }}\n"
        ))
        .await
        .unwrap_err();
    assert!(err.contains("nft failed"), "{err}");

    net::proxy::run_nft(&lab.nft(), &format!("delete table {t}\n"))
        .await
        .expect("cleanup");
}

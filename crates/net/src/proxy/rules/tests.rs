use super::*;
use crate::proxy::model::{Protocol, ServicePortName};
use std::net::Ipv4Addr;

fn config() -> RuleConfig {
    RuleConfig {
        table: "rudder-t".into(),
        cluster_cidr: Some("198.18.0.0/16".into()),
    }
}

fn port(endpoints: &[(u8, bool)]) -> ServicePort {
    ServicePort {
        name: ServicePortName {
            namespace: "default".into(),
            name: "web".into(),
            port: "http".into(),
            protocol: Protocol::Tcp,
        },
        cluster_ips: vec![Ipv4Addr::new(198, 19, 0, 20)],
        port: 80,
        node_port: None,
        external_ips: vec![],
        internal_local: false,
        external_local: false,
        affinity_timeout: None,
        endpoints: endpoints
            .iter()
            .map(|(last, local)| Endpoint {
                ip: Ipv4Addr::new(198, 18, 0, *last),
                port: 8080,
                local: *local,
            })
            .collect(),
    }
}

fn elements(f: &Fragment, map: &str) -> Vec<(String, String)> {
    f.elements
        .iter()
        .filter(|e| e.map == map)
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect()
}

fn kv(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

#[test]
fn endpoints_fill_slots_behind_a_shared_balancer() {
    let f = fragment(&[port(&[(5, true), (6, false)])], &config());
    assert_eq!(
        elements(&f, "service-ips"),
        vec![kv("198.19.0.20 . tcp . 80", "goto lb-2")]
    );
    assert_eq!(
        elements(&f, "cluster-endpoints-tcp"),
        vec![
            kv("198.19.0.20 . 80 . 0", "198.18.0.5 . 8080"),
            kv("198.19.0.20 . 80 . 1", "198.18.0.6 . 8080"),
        ]
    );
    assert_eq!(
        elements(&f, "hairpin"),
        vec![
            kv("198.19.0.20 . 198.18.0.5 . 198.18.0.5", ""),
            kv("198.19.0.20 . 198.18.0.6 . 198.18.0.6", ""),
        ]
    );
    assert!(f.chains.is_empty() && f.sets.is_empty());
    assert_eq!(f.shared.len(), 1);
    let lb = &f.shared[0];
    assert_eq!(lb.name, "lb-2");
    assert_eq!(
        lb.rules[0],
        "ip saddr != 198.18.0.0/16 jump mark-for-masquerade"
    );
    assert_eq!(
        lb.rules[1],
        "dnat ip to ip daddr . tcp dport . numgen random mod 2 map @cluster-endpoints-tcp"
    );
    assert_eq!(lb.rules.len(), 4, "one DNAT rule per protocol");
}

#[test]
fn no_endpoints_means_reject() {
    let mut sp = port(&[]);
    sp.node_port = Some(30080);
    let f = fragment(&[sp], &config());
    let maps: Vec<(&str, &str)> = f
        .elements
        .iter()
        .map(|e| (e.map, e.value.as_str()))
        .collect();
    assert_eq!(
        maps,
        vec![
            ("no-endpoint-nodeports", "goto reject-chain"),
            ("no-endpoint-services", "goto reject-chain"),
        ]
    );
    assert!(f.shared.is_empty());
}

#[test]
fn node_ports_and_external_ips_masquerade_unless_external_policy_is_local() {
    let mut sp = port(&[(5, true), (6, false)]);
    sp.node_port = Some(30080);
    sp.external_ips = vec![Ipv4Addr::new(198, 18, 250, 1)];
    let f = fragment(std::slice::from_ref(&sp), &config());
    assert_eq!(
        elements(&f, "service-nodeports"),
        vec![kv("tcp . 30080", "goto np-2")]
    );
    assert_eq!(
        elements(&f, "nodeport-endpoints-tcp")[1],
        kv("30080 . 1", "198.18.0.6 . 8080")
    );
    assert!(elements(&f, "service-ips").contains(&kv("198.18.250.1 . tcp . 80", "goto ext-2")));
    let np = f.shared.iter().find(|c| c.name == "np-2").unwrap();
    assert_eq!(np.rules[0], "jump mark-for-masquerade");
    assert!(np.rules[1]
        .ends_with("dnat ip to tcp dport . numgen random mod 2 map @nodeport-endpoints-tcp"));

    sp.external_local = true;
    let f = fragment(std::slice::from_ref(&sp), &config());
    assert_eq!(
        elements(&f, "service-nodeports"),
        vec![kv("tcp . 30080", "goto np-local-1")]
    );
    assert_eq!(
        elements(&f, "nodeport-endpoints-tcp"),
        vec![kv("30080 . 0", "198.18.0.5 . 8080")]
    );
    // The client address is kept, except for a local endpoint reaching its own node port
    // (hairpin), whose replies would otherwise never come back through the node.
    let np = f.shared.iter().find(|c| c.name == "np-local-1").unwrap();
    assert_eq!(
        np.rules[0],
        "ip saddr . meta l4proto . th dport @hairpin-nodeports jump mark-for-masquerade"
    );
    assert!(
        np.rules[1..].iter().all(|r| !r.contains("masquerade")),
        "{np:?}"
    );
    // Every endpoint, the remote one too: pods reach the node port through the
    // short-circuit, whose chain checks the same set.
    assert_eq!(
        elements(&f, "hairpin-nodeports"),
        vec![
            kv("198.18.0.5 . tcp . 30080", ""),
            kv("198.18.0.6 . tcp . 30080", "")
        ]
    );

    // Local policy with no endpoint on this node drops.
    sp.endpoints.retain(|e| !e.local);
    let f = fragment(&[sp], &config());
    assert_eq!(
        elements(&f, "service-nodeports"),
        vec![kv("tcp . 30080", "drop")]
    );
}

#[test]
fn pods_and_the_node_reach_external_local_addresses_through_every_endpoint() {
    let mut sp = port(&[(6, false), (7, false)]);
    sp.node_port = Some(30080);
    sp.external_ips = vec![Ipv4Addr::new(198, 18, 250, 1)];
    sp.external_local = true;
    let f = fragment(&[sp], &config());
    // From outside, this node has no endpoint: dropped, as upstream.
    assert_eq!(
        elements(&f, "service-nodeports"),
        vec![kv("tcp . 30080", "drop")]
    );
    assert!(elements(&f, "service-ips").contains(&kv("198.18.250.1 . tcp . 80", "drop")));
    // From pods and from the node: both endpoints, as for a cluster IP.
    assert_eq!(
        elements(&f, "short-circuit-nodeports"),
        vec![kv("tcp . 30080", "goto sc-np-2")]
    );
    assert_eq!(
        elements(&f, "short-circuit-ips"),
        vec![kv("198.18.250.1 . tcp . 80", "goto sc-2")]
    );
    assert_eq!(
        elements(&f, "short-circuit-nodeport-endpoints-tcp"),
        vec![
            kv("30080 . 0", "198.18.0.6 . 8080"),
            kv("30080 . 1", "198.18.0.7 . 8080"),
        ]
    );
    assert_eq!(elements(&f, "short-circuit-endpoints-tcp").len(), 2);
    // Pods keep their address; the node's own connections and hairpins are masqueraded.
    let sc = f.shared.iter().find(|c| c.name == "sc-np-2").unwrap();
    assert_eq!(sc.rules[0], "fib saddr type local jump mark-for-masquerade");
    assert_eq!(
        sc.rules[1],
        "ip saddr . meta l4proto . th dport @hairpin-nodeports jump mark-for-masquerade"
    );
    assert!(sc.rules[2].ends_with("numgen random mod 2 map @short-circuit-nodeport-endpoints-tcp"));
    assert_eq!(elements(&f, "hairpin-nodeports").len(), 2);
    assert!(elements(&f, "hairpin").contains(&kv("198.18.250.1 . 198.18.0.7 . 198.18.0.7", "")));

    // The skeleton sends pods (by the cluster CIDR) and the node to those maps first.
    let mut shared = BTreeSet::new();
    let script = full_sync(&config(), [&f], &mut shared);
    let services: Vec<&str> = script
        .lines()
        .filter(|l| l.starts_with("add rule ip rudder-t services "))
        .collect();
    assert_eq!(services.len(), 6, "{services:#?}");
    assert!(
        services[0].contains("ip saddr 198.18.0.0/16 ip daddr")
            && services[0].ends_with("@short-circuit-ips")
    );
    assert!(
        services[3].contains("fib saddr type local fib daddr type local")
            && services[3].ends_with("@short-circuit-nodeports")
    );
    assert!(services[4].ends_with("vmap @service-ips"));
}

#[test]
fn internal_traffic_policy_local_uses_local_endpoints() {
    let mut sp = port(&[(5, true), (6, false)]);
    sp.internal_local = true;
    let f = fragment(&[sp], &config());
    assert_eq!(
        elements(&f, "cluster-endpoints-tcp"),
        vec![kv("198.19.0.20 . 80 . 0", "198.18.0.5 . 8080")]
    );
    assert_eq!(
        elements(&f, "service-ips"),
        vec![kv("198.19.0.20 . tcp . 80", "goto lb-1")]
    );
}

#[test]
fn client_affinity_remembers_clients_per_endpoint() {
    let mut sp = port(&[(5, true), (6, true)]);
    sp.affinity_timeout = Some(60);
    let f = fragment(std::slice::from_ref(&sp), &config());
    let set = "aff-60-default/web/tcp/http__198.18.0.5/8080";
    let ep = "ep-default/web/tcp/http__198.18.0.5/8080";
    assert_eq!(f.sets.len(), 2);
    assert_eq!(f.sets[0].name, set);
    assert!(f.sets[0].definition.contains("timeout 60s"));
    assert!(f.shared.is_empty());
    assert_eq!(
        elements(&f, "service-ips"),
        vec![kv(
            "198.19.0.20 . tcp . 80",
            "goto svc-default/web/tcp/http"
        )]
    );
    let svc = f
        .chains
        .iter()
        .find(|c| c.name.starts_with("svc-"))
        .unwrap();
    assert!(svc.rules.contains(&format!("ip saddr @{set} goto {ep}")));
    let tail: Vec<&str> = svc.rules.iter().rev().take(2).map(String::as_str).collect();
    assert_eq!(
        tail,
        vec![
            "goto ep-default/web/tcp/http__198.18.0.6/8080",
            "numgen random mod 2 == 0 goto ep-default/web/tcp/http__198.18.0.5/8080",
        ]
    );
    let ep_chain = f.chains.iter().find(|c| c.name == ep).unwrap();
    assert_eq!(
        ep_chain.rules,
        vec![
            format!("update @{set} {{ ip saddr }}"),
            "meta l4proto tcp dnat ip to 198.18.0.5:8080".to_string()
        ]
    );
    // Dropping an endpoint deletes its chain, then its set, after the service chain
    // stopped referring to them.
    let mut fewer = sp.clone();
    fewer.endpoints.pop();
    let mut tx = Transaction::default();
    let mut shared = BTreeSet::new();
    tx.change(
        &config(),
        Some(&f),
        Some(&fragment(&[fewer], &config())),
        &mut shared,
    );
    let script = tx.render("rudder-t");
    let flush_svc = script.find("flush chain ip rudder-t svc-").unwrap();
    let del_chain = script
        .find("delete chain ip rudder-t ep-default/web/tcp/http__198.18.0.6/8080")
        .unwrap();
    let del_set = script
        .find("delete set ip rudder-t aff-60-default/web/tcp/http__198.18.0.6/8080")
        .unwrap();
    assert!(flush_svc < del_chain && del_chain < del_set, "{script}");
}

#[test]
fn unchanged_fragments_make_an_empty_transaction() {
    let f = fragment(&[port(&[(5, true)])], &config());
    let mut shared = BTreeSet::from(["lb-1".to_string()]);
    let mut tx = Transaction::default();
    tx.change(&config(), Some(&f), Some(&f), &mut shared);
    assert!(tx.is_empty());
    assert_eq!(tx.render("rudder-t"), "");
}

#[test]
fn endpoint_change_updates_elements_and_creates_a_balancer_once() {
    let old = fragment(&[port(&[(5, true)])], &config());
    let new = fragment(&[port(&[(5, true), (6, true)])], &config());
    let mut shared = BTreeSet::from(["lb-1".to_string()]);
    let mut tx = Transaction::default();
    tx.change(&config(), Some(&old), Some(&new), &mut shared);
    let script = tx.render("rudder-t");
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(
        lines[0],
        "delete element ip rudder-t service-ips { 198.19.0.20 . tcp . 80 }"
    );
    assert_eq!(lines[1], "add chain ip rudder-t lb-2");
    assert!(script.contains(
        "add element ip rudder-t cluster-endpoints-tcp { 198.19.0.20 . 80 . 1 : 198.18.0.6 . 8080 }"
    ));
    assert!(script.contains(
        "add element ip rudder-t service-ips { 198.19.0.20 . tcp . 80 comment \"default/web:http\" : goto lb-2 }"
    ));
    assert!(
        !script.contains("198.18.0.5 . 8080"),
        "slot 0 is unchanged: {script}"
    );
    assert!(shared.contains("lb-2"));
    // A second Service needing lb-2 does not create it again.
    let mut tx = Transaction::default();
    tx.change(&config(), None, Some(&new), &mut shared);
    assert!(!tx.render("rudder-t").contains("add chain"));
}

#[test]
fn losing_all_endpoints_swaps_to_the_reject_map() {
    let old = fragment(&[port(&[(5, true)])], &config());
    let new = fragment(&[port(&[])], &config());
    let mut shared = BTreeSet::from(["lb-1".to_string()]);
    let mut tx = Transaction::default();
    tx.change(&config(), Some(&old), Some(&new), &mut shared);
    let script = tx.render("rudder-t");
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(
        lines,
        vec![
            "delete element ip rudder-t cluster-endpoints-tcp { 198.19.0.20 . 80 . 0 }",
            "delete element ip rudder-t hairpin { 198.19.0.20 . 198.18.0.5 . 198.18.0.5 }",
            "delete element ip rudder-t service-ips { 198.19.0.20 . tcp . 80 }",
            "add element ip rudder-t no-endpoint-services { 198.19.0.20 . tcp . 80 comment \"default/web:http\" : goto reject-chain }",
        ]
    );
}

#[test]
fn full_sync_replaces_the_table() {
    let f = fragment(&[port(&[(5, true)])], &config());
    let mut shared = BTreeSet::from(["stale".to_string()]);
    let script = full_sync(&config(), [&f], &mut shared);
    assert!(script
        .starts_with("add table ip rudder-t\ndelete table ip rudder-t\nadd table ip rudder-t\n"));
    assert!(script.contains("add chain ip rudder-t nat-prerouting { type nat hook prerouting"));
    let chain_at = script.find("add chain ip rudder-t lb-1\n").unwrap();
    let element_at = script.find("add element ip rudder-t service-ips").unwrap();
    assert!(chain_at < element_at);
    assert_eq!(shared, BTreeSet::from(["lb-1".to_string()]));
}

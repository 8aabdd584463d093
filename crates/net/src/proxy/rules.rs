//! The nftables ruleset of the service proxy, as text for `nft -f`. No I/O.
//!
//! Layout (one `ip` table, the shape of kube-proxy's nftables mode):
//! - verdict maps keyed by `daddr . l4proto . dport` (`service-ips`) and `l4proto . dport`
//!   (`service-nodeports`) send new connections to a chain per service port, which marks
//!   traffic that needs masquerading and DNATs to a random endpoint through an anonymous
//!   `numgen` map;
//! - ports without endpoints sit in `no-endpoint-*` maps instead, whose filter chains refuse
//!   new connections (ICMP port-unreachable as Kubernetes does, a TCP reset for TCP);
//! - `nat-postrouting` masquerades marked packets.
//!
//! Each service port owns a [`Fragment`] (its chains and map elements), so one Service change
//! becomes a small transaction ([`Transaction::change`]) rather than a rebuild; a full sync
//! replaces the whole table atomically ([`full_sync`]).

use std::collections::BTreeMap;

use super::model::{Endpoint, ServicePort};

/// The packet mark bit that asks `nat-postrouting` to masquerade (kube-proxy's value).
pub const MASQUERADE_MARK: u32 = 0x4000;

/// Settings of the ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleConfig {
    /// The nftables table (family `ip`) the proxy owns.
    pub table: String,
    /// The pod network (e.g. `198.18.0.0/16`): cluster-IP traffic from outside it is
    /// masqueraded so replies come back through this node.
    pub cluster_cidr: Option<String>,
}

/// A chain of the proxy's table with its rules, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    pub rules: Vec<String>,
}

/// A verdict-map element: `key : verdict` in `map`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Element {
    pub map: &'static str,
    pub key: String,
    pub verdict: String,
    pub comment: String,
}

/// A named set of the proxy's table: `name` and its `{ … }` definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSet {
    pub name: String,
    pub definition: String,
}

/// What one service port puts into the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fragment {
    pub chains: Vec<Chain>,
    pub elements: Vec<Element>,
    /// Client-affinity sets (one per endpoint) when `sessionAffinity` is `ClientIP`.
    pub sets: Vec<NamedSet>,
}

impl Fragment {
    fn add_chain(&mut self, chain: Chain) {
        if !self.chains.iter().any(|c| c.name == chain.name) {
            self.chains.push(chain);
        }
    }
}

const SERVICE_IPS: &str = "service-ips";
const SERVICE_NODEPORTS: &str = "service-nodeports";
const NO_ENDPOINT_SERVICES: &str = "no-endpoint-services";
const NO_ENDPOINT_NODEPORTS: &str = "no-endpoint-nodeports";
const REJECT: &str = "goto reject-chain";

/// The part of chain and set names that identifies a service port. Namespaces, Service names
/// and port names are DNS labels, so the `ns/name/proto/port` form is a valid and unique
/// nftables identifier.
fn port_id(sp: &ServicePort) -> String {
    let n = &sp.name;
    let port = if n.port.is_empty() {
        sp.port.to_string()
    } else {
        n.port.clone()
    };
    format!("{}/{}/{}/{port}", n.namespace, n.name, n.protocol.nft())
}

/// The chain of a service port for cluster-IP traffic (`svc-…`) or for node-port and
/// external-IP traffic (`ext-…`).
fn chain_name(prefix: &str, sp: &ServicePort) -> String {
    format!("{prefix}-{}", port_id(sp))
}

/// `ip saddr { … } jump mark-for-masquerade` for hairpin traffic (a pod reaching itself
/// through its Service) and the DNAT to a random endpoint. With client affinity, each endpoint
/// gets a chain that remembers the client in a timed set, and a client found in one goes
/// straight back to that endpoint (kube-proxy's scheme).
fn dnat_rules(sp: &ServicePort, endpoints: &[Endpoint], rules: &mut Vec<String>, f: &mut Fragment) {
    let proto = sp.name.protocol.nft();
    let mut sources: Vec<String> = endpoints.iter().map(|e| e.ip.to_string()).collect();
    sources.dedup();
    rules.push(format!(
        "ip saddr {{ {} }} jump mark-for-masquerade",
        sources.join(", ")
    ));
    if let Some(timeout) = sp.affinity_timeout {
        let mut targets = Vec::new();
        for e in endpoints {
            let id = format!("{}__{}/{}", port_id(sp), e.ip, e.port);
            let set = format!("aff-{timeout}-{id}");
            let chain = format!("ep-{id}");
            if !f.sets.iter().any(|s| s.name == set) {
                f.sets.push(NamedSet {
                    name: set.clone(),
                    definition: format!(
                        "{{ type ipv4_addr ; flags dynamic,timeout ; timeout {timeout}s ; }}"
                    ),
                });
            }
            f.add_chain(Chain {
                name: chain.clone(),
                rules: vec![
                    format!("update @{set} {{ ip saddr }}"),
                    format!("meta l4proto {proto} dnat ip to {}:{}", e.ip, e.port),
                ],
            });
            rules.push(format!("ip saddr @{set} goto {chain}"));
            targets.push(chain);
        }
        let vmap: Vec<String> = targets
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{i} : goto {c}"))
            .collect();
        rules.push(format!(
            "numgen random mod {} vmap {{ {} }}",
            targets.len(),
            vmap.join(", ")
        ));
        return;
    }
    if let [only] = endpoints {
        rules.push(format!(
            "meta l4proto {proto} dnat ip to {}:{}",
            only.ip, only.port
        ));
    } else {
        let map: Vec<String> = endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| format!("{i} : {} . {}", e.ip, e.port))
            .collect();
        rules.push(format!(
            "meta l4proto {proto} dnat ip to numgen random mod {} map {{ {} }}",
            endpoints.len(),
            map.join(", ")
        ));
    }
}

/// The chains and map elements of one service port.
pub fn fragment(sp: &ServicePort, config: &RuleConfig) -> Fragment {
    let mut f = Fragment::default();
    let proto = sp.name.protocol.nft();
    let comment = sp.name.to_string();
    let internal = sp.internal_endpoints();
    let element = |map, key: String, verdict: String| Element {
        map,
        key,
        verdict,
        comment: comment.clone(),
    };

    // Cluster IPs.
    let svc_chain = chain_name("svc", sp);
    if sp.endpoints.is_empty() {
        for ip in &sp.cluster_ips {
            let key = format!("{ip} . {proto} . {}", sp.port);
            f.elements
                .push(element(NO_ENDPOINT_SERVICES, key, REJECT.into()));
        }
    } else {
        let mut rules = Vec::new();
        if let Some(cidr) = &config.cluster_cidr {
            rules.push(format!("ip saddr != {cidr} jump mark-for-masquerade"));
        }
        if internal.is_empty() {
            // internalTrafficPolicy: Local without a local endpoint: dropped, as upstream.
            rules.push("drop".into());
        } else {
            dnat_rules(sp, &internal, &mut rules, &mut f);
        }
        for ip in &sp.cluster_ips {
            let key = format!("{ip} . {proto} . {}", sp.port);
            f.elements
                .push(element(SERVICE_IPS, key, format!("goto {svc_chain}")));
        }
        f.add_chain(Chain {
            name: svc_chain,
            rules,
        });
    }

    // Node ports and external IPs.
    if sp.is_external() {
        let ext_chain = chain_name("ext", sp);
        let verdict = if sp.endpoints.is_empty() {
            None
        } else {
            let external = sp.external_endpoints();
            let mut rules = Vec::new();
            if external.is_empty() {
                rules.push("drop".into());
            } else {
                if !sp.external_local {
                    rules.push("jump mark-for-masquerade".into());
                }
                dnat_rules(sp, &external, &mut rules, &mut f);
            }
            f.add_chain(Chain {
                name: ext_chain.clone(),
                rules,
            });
            Some(format!("goto {ext_chain}"))
        };
        for ip in &sp.external_ips {
            let key = format!("{ip} . {proto} . {}", sp.port);
            match &verdict {
                Some(v) => f.elements.push(element(SERVICE_IPS, key, v.clone())),
                None => f
                    .elements
                    .push(element(NO_ENDPOINT_SERVICES, key, REJECT.into())),
            }
        }
        if let Some(node_port) = sp.node_port {
            let key = format!("{proto} . {node_port}");
            match &verdict {
                Some(v) => f.elements.push(element(SERVICE_NODEPORTS, key, v.clone())),
                None => f
                    .elements
                    .push(element(NO_ENDPOINT_NODEPORTS, key, REJECT.into())),
            }
        }
    }
    f
}

/// The fixed part of the table: maps, hook chains, masquerading and rejection.
fn skeleton(config: &RuleConfig, out: &mut String) {
    let t = format!("ip {}", config.table);
    let lines = [
        format!("add map {t} {SERVICE_IPS} {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {SERVICE_NODEPORTS} {{ type inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {NO_ENDPOINT_SERVICES} {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {NO_ENDPOINT_NODEPORTS} {{ type inet_proto . inet_service : verdict ; }}"),
        format!("add chain {t} reject-chain"),
        // TCP gets a reset: the kernel rate-limits ICMP errors per peer (one a second by
        // default), which would turn "refused at once" into a one-second wait.
        format!("add rule {t} reject-chain meta l4proto tcp reject with tcp reset"),
        format!("add rule {t} reject-chain reject"),
        format!("add chain {t} mark-for-masquerade"),
        format!("add rule {t} mark-for-masquerade meta mark set meta mark | {MASQUERADE_MARK:#x}"),
        format!("add chain {t} services"),
        format!("add rule {t} services ip daddr . meta l4proto . th dport vmap @{SERVICE_IPS}"),
        format!("add rule {t} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @{SERVICE_NODEPORTS}"),
        format!("add chain {t} nat-prerouting {{ type nat hook prerouting priority dstnat ; policy accept ; }}"),
        format!("add rule {t} nat-prerouting jump services"),
        format!("add chain {t} nat-output {{ type nat hook output priority -100 ; policy accept ; }}"),
        format!("add rule {t} nat-output jump services"),
        format!("add chain {t} nat-postrouting {{ type nat hook postrouting priority srcnat ; policy accept ; }}"),
        format!("add rule {t} nat-postrouting meta mark & {MASQUERADE_MARK:#x} == {MASQUERADE_MARK:#x} masquerade fully-random"),
        format!("add chain {t} endpoints-check"),
        format!("add rule {t} endpoints-check ip daddr . meta l4proto . th dport vmap @{NO_ENDPOINT_SERVICES}"),
        format!("add rule {t} endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @{NO_ENDPOINT_NODEPORTS}"),
        format!("add chain {t} filter-input {{ type filter hook input priority -110 ; policy accept ; }}"),
        format!("add rule {t} filter-input ct state new jump endpoints-check"),
        format!("add chain {t} filter-forward {{ type filter hook forward priority -110 ; policy accept ; }}"),
        format!("add rule {t} filter-forward ct state new jump endpoints-check"),
        format!("add chain {t} filter-output {{ type filter hook output priority -110 ; policy accept ; }}"),
        format!("add rule {t} filter-output ct state new jump endpoints-check"),
    ];
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
}

/// One nftables transaction, in the order references allow: stale map elements go first
/// (so chains lose their references), then new sets and chains are written, then new
/// elements point at them, then chains no longer used are emptied and deleted, and last the
/// sets they used.
#[derive(Debug, Default)]
pub struct Transaction {
    delete_elements: Vec<String>,
    add_sets: Vec<String>,
    write_chains: Vec<String>,
    add_elements: Vec<String>,
    flush_chains: Vec<String>,
    delete_chains: Vec<String>,
    delete_sets: Vec<String>,
}

impl Transaction {
    /// True when the transaction changes nothing.
    pub fn is_empty(&self) -> bool {
        self.delete_elements.is_empty()
            && self.add_sets.is_empty()
            && self.write_chains.is_empty()
            && self.add_elements.is_empty()
            && self.delete_chains.is_empty()
            && self.delete_sets.is_empty()
    }

    /// The commands that turn `old` (what the table holds for one service port) into `new`.
    pub fn change(&mut self, config: &RuleConfig, old: Option<&Fragment>, new: Option<&Fragment>) {
        let t = &config.table;
        let empty = Fragment::default();
        let old = old.unwrap_or(&empty);
        let new = new.unwrap_or(&empty);
        for e in &old.elements {
            if !new.elements.contains(e) {
                self.delete_elements
                    .push(format!("delete element ip {t} {} {{ {} }}", e.map, e.key));
            }
        }
        for set in &new.sets {
            if !old.sets.contains(set) {
                self.add_sets
                    .push(format!("add set ip {t} {} {}", set.name, set.definition));
            }
        }
        for set in &old.sets {
            if !new.sets.contains(set) {
                self.delete_sets
                    .push(format!("delete set ip {t} {}", set.name));
            }
        }
        let old_chains: BTreeMap<&str, &Chain> =
            old.chains.iter().map(|c| (c.name.as_str(), c)).collect();
        for chain in &new.chains {
            match old_chains.get(chain.name.as_str()) {
                Some(before) if *before == chain => {}
                Some(_) => {
                    self.write_chains
                        .push(format!("flush chain ip {t} {}", chain.name));
                    self.push_rules(t, chain);
                }
                None => {
                    self.write_chains
                        .push(format!("add chain ip {t} {}", chain.name));
                    self.push_rules(t, chain);
                }
            }
        }
        for e in &new.elements {
            if !old.elements.contains(e) {
                self.add_elements.push(element_command(t, e));
            }
        }
        for chain in &old.chains {
            if !new.chains.iter().any(|c| c.name == chain.name) {
                self.flush_chains
                    .push(format!("flush chain ip {t} {}", chain.name));
                self.delete_chains
                    .push(format!("delete chain ip {t} {}", chain.name));
            }
        }
    }

    fn push_rules(&mut self, table: &str, chain: &Chain) {
        for rule in &chain.rules {
            self.write_chains
                .push(format!("add rule ip {table} {} {rule}", chain.name));
        }
    }

    /// The `nft -f` script.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in self
            .delete_elements
            .iter()
            .chain(&self.add_sets)
            .chain(&self.write_chains)
            .chain(&self.add_elements)
            .chain(&self.flush_chains)
            .chain(&self.delete_chains)
            .chain(&self.delete_sets)
        {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

fn element_command(table: &str, e: &Element) -> String {
    format!(
        "add element ip {table} {} {{ {} comment \"{}\" : {} }}",
        e.map, e.key, e.comment, e.verdict
    )
}

/// A script that replaces the whole table with the skeleton and `fragments`, atomically.
pub fn full_sync<'a>(
    config: &RuleConfig,
    fragments: impl IntoIterator<Item = &'a Fragment>,
) -> String {
    let t = &config.table;
    let mut out = format!("add table ip {t}\ndelete table ip {t}\nadd table ip {t}\n");
    skeleton(config, &mut out);
    let mut tx = Transaction::default();
    for f in fragments {
        tx.change(config, None, Some(f));
    }
    out.push_str(&tx.render());
    out
}

/// A script that removes the table (nothing if it does not exist).
pub fn delete_table(table: &str) -> String {
    format!("add table ip {table}\ndelete table ip {table}\n")
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn endpoints_are_load_balanced_with_hairpin_masquerade() {
        let f = fragment(&port(&[(5, true), (6, false)]), &config());
        assert_eq!(f.chains.len(), 1);
        let chain = &f.chains[0];
        assert_eq!(chain.name, "svc-default/web/tcp/http");
        assert_eq!(
            chain.rules,
            vec![
                "ip saddr != 198.18.0.0/16 jump mark-for-masquerade",
                "ip saddr { 198.18.0.5, 198.18.0.6 } jump mark-for-masquerade",
                "meta l4proto tcp dnat ip to numgen random mod 2 map { 0 : 198.18.0.5 . 8080, 1 : 198.18.0.6 . 8080 }",
            ]
        );
        assert_eq!(
            f.elements,
            vec![Element {
                map: "service-ips",
                key: "198.19.0.20 . tcp . 80".into(),
                verdict: "goto svc-default/web/tcp/http".into(),
                comment: "default/web:http".into(),
            }]
        );
        let one = fragment(&port(&[(5, true)]), &config());
        assert_eq!(
            one.chains[0].rules[2],
            "meta l4proto tcp dnat ip to 198.18.0.5:8080"
        );
    }

    #[test]
    fn no_endpoints_means_reject() {
        let mut sp = port(&[]);
        sp.node_port = Some(30080);
        let f = fragment(&sp, &config());
        assert!(f.chains.is_empty());
        let maps: Vec<(&str, &str)> = f
            .elements
            .iter()
            .map(|e| (e.map, e.verdict.as_str()))
            .collect();
        assert_eq!(
            maps,
            vec![
                ("no-endpoint-services", "goto reject-chain"),
                ("no-endpoint-nodeports", "goto reject-chain")
            ]
        );
    }

    #[test]
    fn node_ports_masquerade_unless_external_policy_is_local() {
        let mut sp = port(&[(5, true), (6, false)]);
        sp.node_port = Some(30080);
        sp.external_ips = vec![Ipv4Addr::new(198, 18, 250, 1)];
        let f = fragment(&sp, &config());
        let ext = f
            .chains
            .iter()
            .find(|c| c.name.starts_with("ext-"))
            .unwrap();
        assert_eq!(ext.rules[0], "jump mark-for-masquerade");
        let keys: Vec<&str> = f.elements.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "198.19.0.20 . tcp . 80",
                "198.18.250.1 . tcp . 80",
                "tcp . 30080"
            ]
        );
        sp.external_local = true;
        let f = fragment(&sp, &config());
        let ext = f
            .chains
            .iter()
            .find(|c| c.name.starts_with("ext-"))
            .unwrap();
        assert_eq!(
            ext.rules,
            vec![
                "ip saddr { 198.18.0.5 } jump mark-for-masquerade",
                "meta l4proto tcp dnat ip to 198.18.0.5:8080"
            ]
        );
        // Local policy with no endpoint on this node drops.
        sp.endpoints.retain(|e| !e.local);
        let f = fragment(&sp, &config());
        let ext = f
            .chains
            .iter()
            .find(|c| c.name.starts_with("ext-"))
            .unwrap();
        assert_eq!(ext.rules, vec!["drop"]);
    }

    #[test]
    fn client_affinity_remembers_clients_per_endpoint() {
        let mut sp = port(&[(5, true), (6, true)]);
        sp.affinity_timeout = Some(60);
        let f = fragment(&sp, &config());
        let set = "aff-60-default/web/tcp/http__198.18.0.5/8080";
        let ep = "ep-default/web/tcp/http__198.18.0.5/8080";
        assert_eq!(f.sets.len(), 2);
        assert_eq!(f.sets[0].name, set);
        assert!(f.sets[0].definition.contains("timeout 60s"));
        let svc = &f
            .chains
            .iter()
            .find(|c| c.name.starts_with("svc-"))
            .unwrap();
        assert!(svc.rules.contains(&format!("ip saddr @{set} goto {ep}")));
        assert!(svc
            .rules
            .last()
            .unwrap()
            .starts_with("numgen random mod 2 vmap { 0 : goto ep-"));
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
        tx.change(&config(), Some(&f), Some(&fragment(&fewer, &config())));
        let script = tx.render();
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
        let f = fragment(&port(&[(5, true)]), &config());
        let mut tx = Transaction::default();
        tx.change(&config(), Some(&f), Some(&f));
        assert!(tx.is_empty());
        assert_eq!(tx.render(), "");
    }

    #[test]
    fn endpoint_change_rewrites_only_the_service_chain() {
        let old = fragment(&port(&[(5, true)]), &config());
        let new = fragment(&port(&[(5, true), (6, true)]), &config());
        let mut tx = Transaction::default();
        tx.change(&config(), Some(&old), Some(&new));
        let script = tx.render();
        assert!(script.starts_with("flush chain ip rudder-t svc-default/web/tcp/http\n"));
        assert_eq!(script.matches("add rule").count(), 3, "{script}");
        assert!(!script.contains("element"), "{script}");
    }

    #[test]
    fn losing_all_endpoints_swaps_the_element_before_deleting_the_chain() {
        let old = fragment(&port(&[(5, true)]), &config());
        let new = fragment(&port(&[]), &config());
        let mut tx = Transaction::default();
        tx.change(&config(), Some(&old), Some(&new));
        let script = tx.render();
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(
            lines,
            vec![
                "delete element ip rudder-t service-ips { 198.19.0.20 . tcp . 80 }",
                "add element ip rudder-t no-endpoint-services { 198.19.0.20 . tcp . 80 comment \"default/web:http\" : goto reject-chain }",
                "flush chain ip rudder-t svc-default/web/tcp/http",
                "delete chain ip rudder-t svc-default/web/tcp/http",
            ]
        );
    }

    #[test]
    fn full_sync_replaces_the_table() {
        let f = fragment(&port(&[(5, true)]), &config());
        let script = full_sync(&config(), [&f]);
        assert!(script.starts_with(
            "add table ip rudder-t\ndelete table ip rudder-t\nadd table ip rudder-t\n"
        ));
        assert!(script.contains("add chain ip rudder-t nat-prerouting { type nat hook prerouting"));
        assert!(script.contains("add chain ip rudder-t svc-default/web/tcp/http\n"));
        let chain_at = script.find("add chain ip rudder-t svc-").unwrap();
        let element_at = script.find("add element ip rudder-t service-ips").unwrap();
        assert!(chain_at < element_at);
    }
}

//! The nftables ruleset of the service proxy, as text for `nft -f`. No I/O.
//!
//! Services live in map elements, not in rules, so that a Service costs the kernel and `nft`
//! a handful of set elements and a change to one Service is a few element updates:
//! - `service-ips` (`daddr . l4proto . dport`) and `service-nodeports` (`l4proto . dport`)
//!   send new connections to a chain shared by every Service with the same endpoint count
//!   `N` (`lb-N` for cluster IPs, `ext-N`/`ext-local-N` for external IPs, `np-N`/`np-local-N`
//!   for node ports), which marks what needs masquerading and DNATs through
//!   `numgen random mod N` into the per-protocol `cluster-endpoints-*`/`nodeport-endpoints-*`
//!   maps (slot `i` of a port holds its `i`th endpoint);
//! - ports without endpoints sit in `no-endpoint-*` maps, whose filter chains refuse new
//!   connections (ICMP port-unreachable as Kubernetes does, a TCP reset for TCP);
//! - `hairpin` holds `service address . endpoint . endpoint`, so a pod reaching itself through
//!   its Service is masqueraded in `nat-postrouting` (with other marked packets);
//!   `hairpin-nodeports` holds `endpoint . protocol . node port` for node ports with
//!   `externalTrafficPolicy: Local`, whose traffic is otherwise not masqueraded: an endpoint
//!   connecting to its own node port is;
//! - addresses and node ports with `externalTrafficPolicy: Local` also have an entry in
//!   `short-circuit-ips`/`short-circuit-nodeports`, looked up first for connections from pods
//!   (the cluster CIDR) and from the node itself: those go to every endpoint through
//!   `sc-N`/`sc-np-N` and the `short-circuit-*` slot maps, as kube-proxy does, instead of
//!   being dropped on a node without a local endpoint.
//!
//! Anonymous sets are avoided on purpose: the kernel names each one by scanning the others,
//! which makes thousands of them quadratic. Only Services with `sessionAffinity: ClientIP` get
//! chains and (named) sets of their own.
//!
//! Each Service owns a [`Fragment`]; [`Transaction::change`] turns an old fragment into a new
//! one, and [`full_sync`] replaces the whole table atomically.

use std::collections::{BTreeMap, BTreeSet};

use super::batch::{Data, Field, Layout};
use super::model::{Endpoint, Protocol, ServicePort};

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

/// An element of a map (`key : value`) or set (empty `value`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Element {
    pub map: &'static str,
    pub key: String,
    pub value: String,
    /// Shown by `nft list` (the Service port), empty for none.
    pub comment: String,
}

/// A named set of the proxy's table: `name` and its `{ … }` definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSet {
    pub name: String,
    pub definition: String,
}

/// What one Service puts into the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fragment {
    pub elements: BTreeSet<Element>,
    /// Shared chains (`lb-N`, …) the elements jump to; created once, kept.
    pub shared: Vec<Chain>,
    /// Chains of its own (client affinity only).
    pub chains: Vec<Chain>,
    /// Client-affinity sets (one per endpoint).
    pub sets: Vec<NamedSet>,
}

impl Fragment {
    fn add_chain(&mut self, chain: Chain) {
        if !self.chains.iter().any(|c| c.name == chain.name) {
            self.chains.push(chain);
        }
    }

    fn add_shared(&mut self, chain: Chain) {
        if !self.shared.iter().any(|c| c.name == chain.name) {
            self.shared.push(chain);
        }
    }

    fn element(&mut self, map: &'static str, key: String, value: String, comment: &str) {
        self.elements.insert(Element {
            map,
            key,
            value,
            comment: comment.to_string(),
        });
    }
}

const SERVICE_IPS: &str = "service-ips";
const SERVICE_NODEPORTS: &str = "service-nodeports";
const NO_ENDPOINT_SERVICES: &str = "no-endpoint-services";
const NO_ENDPOINT_NODEPORTS: &str = "no-endpoint-nodeports";
const HAIRPIN: &str = "hairpin";
const HAIRPIN_NODEPORTS: &str = "hairpin-nodeports";
const SHORT_CIRCUIT_IPS: &str = "short-circuit-ips";
const SHORT_CIRCUIT_NODEPORTS: &str = "short-circuit-nodeports";
const REJECT: &str = "goto reject-chain";
/// An empty set every table has: listing it tells a session's caller that the transaction
/// before it is done. Listing anything that refers to the big maps would make nft fetch
/// their elements first, which takes seconds at 10,000 Services.
pub const MARKER_SET: &str = "session-marker";
const PROTOCOLS: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

/// The slot map of a protocol, keyed by destination address and port or by node port. One
/// map per protocol, so that each names its port as `tcp dport` (…): nft fails to read back
/// rules that mix a protocol-less `th dport` key with a protocol match. Short-circuited
/// traffic has maps of its own: its keys are also those of the local-only slots.
fn endpoint_map(path: Path, node_port: bool, protocol: Protocol) -> &'static str {
    let short_circuit = path == Path::ShortCircuit;
    match (short_circuit, node_port, protocol) {
        (false, false, Protocol::Tcp) => "cluster-endpoints-tcp",
        (false, false, Protocol::Udp) => "cluster-endpoints-udp",
        (false, false, Protocol::Sctp) => "cluster-endpoints-sctp",
        (false, true, Protocol::Tcp) => "nodeport-endpoints-tcp",
        (false, true, Protocol::Udp) => "nodeport-endpoints-udp",
        (false, true, Protocol::Sctp) => "nodeport-endpoints-sctp",
        (true, false, Protocol::Tcp) => "short-circuit-endpoints-tcp",
        (true, false, Protocol::Udp) => "short-circuit-endpoints-udp",
        (true, false, Protocol::Sctp) => "short-circuit-endpoints-sctp",
        (true, true, Protocol::Tcp) => "short-circuit-nodeport-endpoints-tcp",
        (true, true, Protocol::Udp) => "short-circuit-nodeport-endpoints-udp",
        (true, true, Protocol::Sctp) => "short-circuit-nodeport-endpoints-sctp",
    }
}

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

/// Which traffic a path carries: it decides masquerading and the slot map.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// To a cluster IP: masquerade only sources outside the pod network.
    Cluster,
    /// To an external IP or node port with `externalTrafficPolicy: Cluster`: masquerade all.
    External,
    /// With `externalTrafficPolicy: Local`: keep the client address.
    ExternalLocal,
    /// To an external IP or node port with `externalTrafficPolicy: Local`, from a pod or
    /// from the node itself: every endpoint, as for a cluster IP (kube-proxy's
    /// short-circuit), so that a node without a local endpoint does not drop it; the node's
    /// own connections are masqueraded.
    ShortCircuit,
}

impl Path {
    fn masquerade_rule(self, config: &RuleConfig) -> Option<String> {
        match self {
            Path::Cluster => config
                .cluster_cidr
                .as_ref()
                .map(|cidr| format!("ip saddr != {cidr} jump mark-for-masquerade")),
            Path::External => Some("jump mark-for-masquerade".into()),
            Path::ExternalLocal => None,
            Path::ShortCircuit => Some("fib saddr type local jump mark-for-masquerade".into()),
        }
    }
}

/// The shared chain that balances over `n` slots of the maps keyed by destination address
/// and port (`node_port` false) or by node port.
fn balancer(path: Path, node_port: bool, n: usize, config: &RuleConfig) -> Chain {
    let prefix = match (path, node_port) {
        (Path::Cluster, _) => "lb",
        (Path::External, false) => "ext",
        (Path::ExternalLocal, false) => "ext-local",
        (Path::External, true) => "np",
        (Path::ExternalLocal, true) => "np-local",
        (Path::ShortCircuit, false) => "sc",
        (Path::ShortCircuit, true) => "sc-np",
    };
    let mut rules: Vec<String> = path.masquerade_rule(config).into_iter().collect();
    if node_port && matches!(path, Path::ExternalLocal | Path::ShortCircuit) {
        rules.push(format!(
            "ip saddr . meta l4proto . th dport @{HAIRPIN_NODEPORTS} jump mark-for-masquerade"
        ));
    }
    for p in PROTOCOLS {
        let port = format!("{} dport", p.nft());
        let key = if node_port {
            port
        } else {
            format!("ip daddr . {port}")
        };
        let map = endpoint_map(path, node_port, p);
        rules.push(format!(
            "dnat ip to {key} . numgen random mod {n} map @{map}"
        ));
    }
    Chain {
        name: format!("{prefix}-{n}"),
        rules,
    }
}

/// Client affinity for one path: a chain that sends a remembered client back to its endpoint
/// and otherwise picks one at random (each endpoint's chain remembers the client in a timed
/// set), as kube-proxy does. Returns the chain's name.
fn affinity_chain(
    sp: &ServicePort,
    path: Path,
    endpoints: &[Endpoint],
    timeout: u32,
    config: &RuleConfig,
    f: &mut Fragment,
) -> String {
    let proto = sp.name.protocol.nft();
    let prefix = match path {
        Path::Cluster => "svc",
        Path::External => "ext",
        Path::ExternalLocal => "ext-local",
        Path::ShortCircuit => "sc",
    };
    let name = format!("{prefix}-{}", port_id(sp));
    let mut rules: Vec<String> = path.masquerade_rule(config).into_iter().collect();
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
    // A fresh random number per rule: the k-th of n endpoints is taken with probability
    // 1/(n-k) if none before it was, which is uniform overall.
    let n = targets.len();
    for (k, chain) in targets.iter().enumerate() {
        if k + 1 == n {
            rules.push(format!("goto {chain}"));
        } else {
            rules.push(format!("numgen random mod {} == 0 goto {chain}", n - k));
        }
    }
    f.add_chain(Chain {
        name: name.clone(),
        rules,
    });
    name
}

/// Slot elements: the `i`th endpoint under `key . i`.
fn slots(f: &mut Fragment, map: &'static str, key: &str, endpoints: &[Endpoint]) {
    for (i, e) in endpoints.iter().enumerate() {
        f.element(
            map,
            format!("{key} . {i}"),
            format!("{} . {}", e.ip, e.port),
            "",
        );
    }
}

/// The verdict for one path of a service port, adding what it needs to `f`.
fn route(
    sp: &ServicePort,
    path: Path,
    node_port: bool,
    endpoints: &[Endpoint],
    slot_key: &str,
    config: &RuleConfig,
    f: &mut Fragment,
) -> String {
    if endpoints.is_empty() {
        // A traffic policy of Local without a local endpoint: dropped, as upstream.
        return "drop".into();
    }
    if let Some(timeout) = sp.affinity_timeout {
        return format!(
            "goto {}",
            affinity_chain(sp, path, endpoints, timeout, config, f)
        );
    }
    let chain = balancer(path, node_port, endpoints.len(), config);
    let verdict = format!("goto {}", chain.name);
    f.add_shared(chain);
    slots(
        f,
        endpoint_map(path, node_port, sp.name.protocol),
        slot_key,
        endpoints,
    );
    verdict
}

/// The table contents of one Service (all its ports).
pub fn fragment(ports: &[ServicePort], config: &RuleConfig) -> Fragment {
    let mut f = Fragment::default();
    for sp in ports {
        add_port(sp, config, &mut f);
    }
    f
}

fn add_port(sp: &ServicePort, config: &RuleConfig, f: &mut Fragment) {
    let proto = sp.name.protocol.nft();
    let comment = sp.name.to_string();
    let no_endpoints = sp.endpoints.is_empty();
    let internal = sp.internal_endpoints();
    let external = sp.external_endpoints();
    let external_path = if sp.external_local {
        Path::ExternalLocal
    } else {
        Path::External
    };

    let mut addresses: Vec<(Path, &Vec<Endpoint>, _)> = sp
        .cluster_ips
        .iter()
        .map(|ip| (Path::Cluster, &internal, ip))
        .collect();
    addresses.extend(
        sp.external_ips
            .iter()
            .map(|ip| (external_path, &external, ip)),
    );
    for (path, endpoints, ip) in addresses {
        let key = format!("{ip} . {proto} . {}", sp.port);
        if no_endpoints {
            f.element(NO_ENDPOINT_SERVICES, key, REJECT.into(), &comment);
            continue;
        }
        let slot_key = format!("{ip} . {}", sp.port);
        let verdict = route(sp, path, false, endpoints, &slot_key, config, f);
        f.element(SERVICE_IPS, key.clone(), verdict, &comment);
        let mut hairpins = endpoints.iter();
        if path == Path::ExternalLocal {
            let verdict = route(
                sp,
                Path::ShortCircuit,
                false,
                &sp.endpoints,
                &slot_key,
                config,
                f,
            );
            f.element(SHORT_CIRCUIT_IPS, key, verdict, &comment);
            hairpins = sp.endpoints.iter();
        }
        for e in hairpins {
            f.element(
                HAIRPIN,
                format!("{ip} . {} . {}", e.ip, e.ip),
                String::new(),
                "",
            );
        }
    }
    if let Some(node_port) = sp.node_port {
        let key = format!("{proto} . {node_port}");
        if no_endpoints {
            f.element(NO_ENDPOINT_NODEPORTS, key, REJECT.into(), &comment);
        } else {
            let slot_key = node_port.to_string();
            let verdict = route(sp, external_path, true, &external, &slot_key, config, f);
            f.element(SERVICE_NODEPORTS, key.clone(), verdict, &comment);
            if external_path == Path::ExternalLocal {
                let verdict = route(
                    sp,
                    Path::ShortCircuit,
                    true,
                    &sp.endpoints,
                    &slot_key,
                    config,
                    f,
                );
                f.element(SHORT_CIRCUIT_NODEPORTS, key, verdict, &comment);
                // Every endpoint: pods reach the node port through the short-circuit.
                for e in &sp.endpoints {
                    f.element(
                        HAIRPIN_NODEPORTS,
                        format!("{} . {proto} . {node_port}", e.ip),
                        String::new(),
                        "",
                    );
                }
            }
        }
    }
}

/// The fixed part of the table: maps, hook chains, masquerading and rejection.
fn skeleton(config: &RuleConfig, out: &mut String) {
    let t = format!("ip {}", config.table);
    let lines = [
        format!("add map {t} {SERVICE_IPS} {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {SERVICE_NODEPORTS} {{ type inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {NO_ENDPOINT_SERVICES} {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {NO_ENDPOINT_NODEPORTS} {{ type inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {SHORT_CIRCUIT_IPS} {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}"),
        format!("add map {t} {SHORT_CIRCUIT_NODEPORTS} {{ type inet_proto . inet_service : verdict ; }}"),
        format!("add set {t} {HAIRPIN} {{ typeof ct original ip daddr . ip saddr . ip daddr ; }}"),
        format!("add set {t} {HAIRPIN_NODEPORTS} {{ type ipv4_addr . inet_proto . inet_service ; }}"),
        format!("add set {t} {MARKER_SET} {{ type ipv4_addr ; }}"),
        format!("add chain {t} reject-chain"),
        // TCP gets a reset: the kernel rate-limits ICMP errors per peer (one a second by
        // default), which would turn "refused at once" into a one-second wait.
        format!("add rule {t} reject-chain meta l4proto tcp reject with tcp reset"),
        format!("add rule {t} reject-chain reject"),
        format!("add chain {t} mark-for-masquerade"),
        format!("add rule {t} mark-for-masquerade meta mark set meta mark | {MASQUERADE_MARK:#x}"),
        format!("add chain {t} services"),
    ];
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    // Pods and the node itself reach `externalTrafficPolicy: Local` addresses through every
    // endpoint (`Path::ShortCircuit`); everyone else takes the maps below.
    let mut short_circuit_sources = vec!["fib saddr type local".to_string()];
    if let Some(cidr) = &config.cluster_cidr {
        short_circuit_sources.insert(0, format!("ip saddr {cidr}"));
    }
    for source in short_circuit_sources {
        out.push_str(&format!(
            "add rule {t} services {source} ip daddr . meta l4proto . th dport vmap @{SHORT_CIRCUIT_IPS}\n\
             add rule {t} services {source} fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @{SHORT_CIRCUIT_NODEPORTS}\n"
        ));
    }
    let lines = [
        format!("add rule {t} services ip daddr . meta l4proto . th dport vmap @{SERVICE_IPS}"),
        format!("add rule {t} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @{SERVICE_NODEPORTS}"),
        format!("add chain {t} nat-prerouting {{ type nat hook prerouting priority dstnat ; policy accept ; }}"),
        format!("add rule {t} nat-prerouting jump services"),
        format!("add chain {t} nat-output {{ type nat hook output priority -100 ; policy accept ; }}"),
        format!("add rule {t} nat-output jump services"),
        format!("add chain {t} nat-postrouting {{ type nat hook postrouting priority srcnat ; policy accept ; }}"),
        format!("add rule {t} nat-postrouting ct status dnat ct original ip daddr . ip saddr . ip daddr @{HAIRPIN} jump mark-for-masquerade"),
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
    for p in PROTOCOLS {
        let port = format!("{} dport", p.nft());
        for (path, node_port) in [
            (Path::Cluster, false),
            (Path::Cluster, true),
            (Path::ShortCircuit, false),
            (Path::ShortCircuit, true),
        ] {
            let key = if node_port {
                port.clone()
            } else {
                format!("ip daddr . {port}")
            };
            let map = endpoint_map(path, node_port, p);
            out.push_str(&format!(
                "add map {t} {map} {{ typeof {key} . numgen random mod 1 : ip daddr . {port} ; }}\n"
            ));
        }
    }
}

/// One nftables transaction, in the order references allow: stale elements go first (so
/// chains lose their references), then new sets and chains are written, then new elements
/// point at them, then chains no longer used are emptied and deleted, and last their sets.
#[derive(Debug, Default)]
pub struct Transaction {
    /// Map → keys to delete.
    delete_elements: BTreeMap<&'static str, Vec<String>>,
    add_sets: Vec<String>,
    write_chains: Vec<String>,
    /// Map → elements to add (`key [comment "…"] [: value]`).
    add_elements: BTreeMap<&'static str, Vec<String>>,
    flush_chains: Vec<String>,
    delete_chains: Vec<String>,
    delete_sets: Vec<String>,
    /// Leaves new elements out (a full sync loads them over netlink instead).
    without_new_elements: bool,
}

/// Elements per `add element`/`delete element` command: nft's cost is mostly per command,
/// so elements are batched, in commands of bounded size.
const ELEMENTS_PER_COMMAND: usize = 1000;

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

    /// The commands that turn `old` (what the table holds for one Service) into `new`.
    /// `shared` names the shared chains the table has; ones `new` needs are created.
    pub fn change(
        &mut self,
        config: &RuleConfig,
        old: Option<&Fragment>,
        new: Option<&Fragment>,
        shared: &mut BTreeSet<String>,
    ) {
        let t = &config.table;
        let empty = Fragment::default();
        let old = old.unwrap_or(&empty);
        let new = new.unwrap_or(&empty);
        for e in old.elements.difference(&new.elements) {
            self.delete_elements
                .entry(e.map)
                .or_default()
                .push(e.key.clone());
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
        for chain in &new.shared {
            if shared.insert(chain.name.clone()) {
                self.write_chains
                    .push(format!("add chain ip {t} {}", chain.name));
                self.push_rules(t, chain);
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
        if !self.without_new_elements {
            for e in new.elements.difference(&old.elements) {
                self.add_elements
                    .entry(e.map)
                    .or_default()
                    .push(element_text(e));
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

    /// The `nft -f` script for `table`.
    pub fn render(&self, table: &str) -> String {
        let mut out = String::new();
        let batched = |out: &mut String, verb: &str, by_map: &BTreeMap<&str, Vec<String>>| {
            for (map, items) in by_map {
                for chunk in items.chunks(ELEMENTS_PER_COMMAND) {
                    out.push_str(&format!(
                        "{verb} element ip {table} {map} {{ {} }}\n",
                        chunk.join(", ")
                    ));
                }
            }
        };
        batched(&mut out, "delete", &self.delete_elements);
        for line in self.add_sets.iter().chain(&self.write_chains) {
            out.push_str(line);
            out.push('\n');
        }
        batched(&mut out, "add", &self.add_elements);
        for line in self
            .flush_chains
            .iter()
            .chain(&self.delete_chains)
            .chain(&self.delete_sets)
        {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// An element as `add element` takes it: `key [comment "…"] [: value]`.
fn element_text(e: &Element) -> String {
    let mut text = e.key.clone();
    if !e.comment.is_empty() {
        text.push_str(&format!(" comment \"{}\"", e.comment));
    }
    if !e.value.is_empty() {
        text.push_str(&format!(" : {}", e.value));
    }
    text
}

/// A script that replaces the whole table with the skeleton and `fragments`, atomically;
/// `shared` is reset to the shared chains it creates.
pub fn full_sync<'a>(
    config: &RuleConfig,
    fragments: impl IntoIterator<Item = &'a Fragment>,
    shared: &mut BTreeSet<String>,
) -> String {
    full_sync_script(config, fragments, shared, true)
}

/// [`full_sync`] without the map elements, which the caller loads in bulk ([`layout`]).
pub fn full_sync_without_elements<'a>(
    config: &RuleConfig,
    fragments: impl IntoIterator<Item = &'a Fragment>,
    shared: &mut BTreeSet<String>,
) -> String {
    full_sync_script(config, fragments, shared, false)
}

fn full_sync_script<'a>(
    config: &RuleConfig,
    fragments: impl IntoIterator<Item = &'a Fragment>,
    shared: &mut BTreeSet<String>,
    with_elements: bool,
) -> String {
    let t = &config.table;
    let mut out = format!("add table ip {t}\ndelete table ip {t}\nadd table ip {t}\n");
    skeleton(config, &mut out);
    shared.clear();
    let mut tx = Transaction {
        without_new_elements: !with_elements,
        ..Transaction::default()
    };
    for f in fragments {
        tx.change(config, None, Some(f), shared);
    }
    out.push_str(&tx.render(t));
    out
}

/// How a map of the table holds its elements, for loading them over netlink; `None` for
/// the per-Service affinity sets, which are never bulk-loaded.
pub fn layout(map: &str) -> Option<Layout> {
    use super::batch::Field::{Addr, Port, Proto, Slot};
    const ADDRESS_PORT: &[Field] = &[Addr, Proto, Port];
    const ENDPOINT: &[Field] = &[Addr, Port];
    let (key, data): (&'static [Field], Data) = match map {
        SERVICE_IPS | NO_ENDPOINT_SERVICES | SHORT_CIRCUIT_IPS => (ADDRESS_PORT, Data::Verdict),
        SERVICE_NODEPORTS | NO_ENDPOINT_NODEPORTS | SHORT_CIRCUIT_NODEPORTS => {
            (&[Proto, Port], Data::Verdict)
        }
        HAIRPIN => (&[Addr, Addr, Addr], Data::None),
        HAIRPIN_NODEPORTS => (ADDRESS_PORT, Data::None),
        m if m.contains("nodeport-endpoints-") => (&[Port, Slot], Data::Fields(ENDPOINT)),
        m if m.contains("endpoints-") => (&[Addr, Port, Slot], Data::Fields(ENDPOINT)),
        _ => return None,
    };
    Some(Layout { key, data })
}

/// The other name a node's table takes: a full sync builds the table under the name not in
/// use and retires the old one in the same transaction that fills the new one, so Services
/// keep working throughout.
pub fn alternate_table(table: &str) -> String {
    format!("{table}-alt")
}

/// A script that removes the table under both its names (nothing where none exists).
pub fn delete_table(table: &str) -> String {
    let alternate = alternate_table(table);
    format!(
        "add table ip {table}\ndelete table ip {table}\nadd table ip {alternate}\ndelete table ip {alternate}\n"
    )
}

#[cfg(test)]
mod tests;

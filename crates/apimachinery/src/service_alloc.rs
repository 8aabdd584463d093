//! ClusterIP and NodePort allocation for Services, as Kubernetes' Service REST storage does it:
//! chosen values are checked against the range and against what other Services hold; missing
//! ones are picked at random. Dynamic ClusterIPs come from the upper part of the range first, so
//! the lower band stays free for well-known addresses (the `kubernetes` and DNS services).
//!
//! What is in use is derived from the Services that exist, never kept separately, so deleting a
//! Service frees its values and nothing can leak. The caller serializes allocations.

use std::collections::{HashMap, HashSet};
use std::net::Ipv4Addr;

use serde_json::{json, Value};

use crate::validation::{goslice, Cause, Errs, Path};

/// The ranges Services are allocated from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRanges {
    /// Network address of the service CIDR.
    pub base: Ipv4Addr,
    pub prefix: u8,
    pub node_ports: (u16, u16),
}

impl Default for ServiceRanges {
    fn default() -> Self {
        ServiceRanges {
            base: Ipv4Addr::new(198, 19, 0, 0),
            prefix: 16,
            node_ports: (30000, 32767),
        }
    }
}

impl ServiceRanges {
    /// Parses `a.b.c.d/n` (IPv4; the prefix leaves at least 4 addresses).
    pub fn with_cidr(cidr: &str) -> Result<ServiceRanges, String> {
        let (ip, prefix) = cidr
            .split_once('/')
            .ok_or_else(|| format!("{cidr:?} is not a CIDR"))?;
        let ip: Ipv4Addr = ip
            .parse()
            .map_err(|_| format!("{cidr:?} is not an IPv4 CIDR"))?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| (8..=30).contains(p))
            .ok_or_else(|| format!("{cidr:?}: the prefix must be between 8 and 30"))?;
        let mask = u32::MAX << (32 - prefix);
        Ok(ServiceRanges {
            base: Ipv4Addr::from(u32::from(ip) & mask),
            prefix,
            ..ServiceRanges::default()
        })
    }

    fn cidr(&self) -> String {
        format!("{}/{}", self.base, self.prefix)
    }

    /// Usable addresses: all but the network and broadcast addresses.
    fn size(&self) -> u32 {
        (1u32 << (32 - self.prefix)) - 2
    }

    /// The address at `offset` among the usable ones.
    fn address(&self, offset: u32) -> u32 {
        u32::from(self.base) + 1 + offset
    }

    fn offset_of(&self, ip: Ipv4Addr) -> Option<u32> {
        let ip = u32::from(ip);
        let first = u32::from(self.base) + 1;
        (ip >= first && ip - first < self.size()).then(|| ip - first)
    }

    /// Addresses below this offset are handed out dynamically only when the rest is full
    /// (upstream: `min(max(16, size/16), 256)`).
    fn static_band(&self) -> u32 {
        (self.size() / 16).clamp(16, 256).min(self.size())
    }

    /// The `n`th address of the range (`kubernetes` is the first, the DNS service the tenth).
    pub fn nth(&self, n: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.base) + n)
    }
}

/// ClusterIPs and NodePorts held by Services, by the Service's key, kept current from writes and
/// watch events alike: each holding carries the revision it was seen at, so an older event never
/// overwrites a newer write.
#[derive(Debug, Default)]
pub struct InUse {
    ips: HashMap<Ipv4Addr, String>,
    node_ports: HashMap<u16, String>,
    held: HashMap<String, Holding>,
}

#[derive(Debug)]
struct Holding {
    revision: i64,
    ips: Vec<Ipv4Addr>,
    node_ports: Vec<u16>,
}

impl InUse {
    /// Records what the Service stored under `key` at `revision` holds.
    pub fn set(&mut self, key: &str, revision: i64, svc: &Value) {
        if self.held.get(key).is_some_and(|h| h.revision > revision) {
            return;
        }
        self.release(key);
        let spec = &svc["spec"];
        let holding = Holding {
            revision,
            ips: cluster_ips(spec)
                .iter()
                .filter_map(|ip| ip.parse().ok())
                .collect(),
            node_ports: node_ports(spec),
        };
        for ip in &holding.ips {
            self.ips.insert(*ip, key.to_string());
        }
        for port in &holding.node_ports {
            self.node_ports.insert(*port, key.to_string());
        }
        self.held.insert(key.to_string(), holding);
    }

    /// Forgets the Service under `key`, deleted at `revision`.
    pub fn remove(&mut self, key: &str, revision: i64) {
        if self.held.get(key).is_some_and(|h| h.revision <= revision) {
            self.release(key);
        }
    }

    fn release(&mut self, key: &str) {
        let Some(h) = self.held.remove(key) else {
            return;
        };
        for ip in h.ips {
            if self.ips.get(&ip).is_some_and(|k| k == key) {
                self.ips.remove(&ip);
            }
        }
        for port in h.node_ports {
            if self.node_ports.get(&port).is_some_and(|k| k == key) {
                self.node_ports.remove(&port);
            }
        }
    }

    fn ip_taken(&self, ip: &Ipv4Addr, by_other_than: &str) -> bool {
        self.ips.get(ip).is_some_and(|k| k != by_other_than)
    }

    fn port_taken(&self, port: u16, by_other_than: &str) -> bool {
        self.node_ports
            .get(&port)
            .is_some_and(|k| k != by_other_than)
    }
}

fn cluster_ips(spec: &Value) -> Vec<String> {
    spec["clusterIPs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn node_ports(spec: &Value) -> Vec<u16> {
    let ports = spec["ports"].as_array().into_iter().flatten();
    ports
        .map(|p| &p["nodePort"])
        .chain(std::iter::once(&spec["healthCheckNodePort"]))
        .filter_map(Value::as_u64)
        .filter_map(|n| u16::try_from(n).ok())
        .filter(|n| *n != 0)
        .collect()
}

fn service_type(spec: &Value) -> &str {
    spec["type"].as_str().unwrap_or("ClusterIP")
}

fn wants_node_ports(spec: &Value) -> bool {
    match service_type(spec) {
        "NodePort" => true,
        "LoadBalancer" => spec["allocateLoadBalancerNodePorts"].as_bool() != Some(false),
        _ => false,
    }
}

fn wants_health_check_port(spec: &Value) -> bool {
    service_type(spec) == "LoadBalancer" && spec["externalTrafficPolicy"] == "Local"
}

/// Allocates the ClusterIP and NodePorts of `new` (validated and defaulted already), stored
/// under `key`, given what Services hold. `old` is the stored Service on update: values it held
/// stay its own. `random(n)` returns a number in `0..n`. Causes are Kubernetes' for the fields
/// at fault.
pub fn allocate(
    ranges: &ServiceRanges,
    in_use: &InUse,
    key: &str,
    old: Option<&Value>,
    new: &mut Value,
    random: &mut dyn FnMut(u32) -> u32,
) -> Vec<Cause> {
    let mut e = Errs::new();
    let Some(spec) = new.get_mut("spec").filter(|s| s.is_object()) else {
        return e.list;
    };
    let old_spec = old.map(|o| &o["spec"]);
    let others = Others { in_use, key };
    allocate_cluster_ip(&mut e, ranges, &others, old_spec, spec, random);
    allocate_node_ports(&mut e, ranges, &others, old_spec, spec, random);
    e.list
}

/// What Services other than the one being allocated for hold.
struct Others<'a> {
    in_use: &'a InUse,
    key: &'a str,
}

impl Others<'_> {
    fn ip(&self, ip: &Ipv4Addr) -> bool {
        self.in_use.ip_taken(ip, self.key)
    }

    fn port(&self, port: u16) -> bool {
        self.in_use.port_taken(port, self.key)
    }
}

fn allocate_cluster_ip(
    e: &mut Errs,
    ranges: &ServiceRanges,
    others: &Others,
    old: Option<&Value>,
    spec: &mut Value,
    random: &mut dyn FnMut(u32) -> u32,
) {
    if service_type(spec) == "ExternalName" {
        return;
    }
    let requested = cluster_ips(spec);
    if requested.first().is_some_and(|ip| ip == "None") {
        return;
    }
    let held = old.map(cluster_ips).unwrap_or_default();
    let path = Path::new("spec").child("clusterIPs");
    if requested.is_empty() {
        match free_ip(ranges, others, random) {
            Some(ip) => {
                spec["clusterIP"] = json!(ip.to_string());
                spec["clusterIPs"] = json!([ip.to_string()]);
            }
            None => e.invalid(
                &path,
                &goslice(None),
                "failed to allocate IP: range is full",
            ),
        }
        return;
    }
    for ip in &requested {
        if held.contains(ip) {
            continue;
        }
        let problem = match ip.parse::<Ipv4Addr>() {
            Ok(addr) if ranges.offset_of(addr).is_none() => format!(
                "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {}",
                ranges.cidr()
            ),
            Ok(addr) if others.ip(&addr) => "provided IP is already allocated".into(),
            Ok(_) => continue,
            Err(_) => format!(
                "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {}",
                ranges.cidr()
            ),
        };
        e.invalid(
            &path,
            &goslice(Some(&requested)),
            &format!("failed to allocate IP {ip}: {problem}"),
        );
    }
}

/// A free address, at random from the dynamic band, else from the static band.
fn free_ip(
    ranges: &ServiceRanges,
    others: &Others,
    random: &mut dyn FnMut(u32) -> u32,
) -> Option<Ipv4Addr> {
    let band = ranges.static_band();
    let size = ranges.size();
    [(band, size), (0, band)]
        .into_iter()
        .find_map(|(from, to)| {
            scan(from, to, random, |offset| {
                let ip = Ipv4Addr::from(ranges.address(offset));
                (!others.ip(&ip)).then_some(ip)
            })
        })
}

/// Visits `from..to` once, starting at a random point and wrapping, until `f` finds something.
fn scan<T>(
    from: u32,
    to: u32,
    random: &mut dyn FnMut(u32) -> u32,
    mut f: impl FnMut(u32) -> Option<T>,
) -> Option<T> {
    let len = to.checked_sub(from).filter(|l| *l > 0)?;
    let start = random(len) % len;
    (0..len).find_map(|i| f(from + (start + i) % len))
}

fn allocate_node_ports(
    e: &mut Errs,
    ranges: &ServiceRanges,
    others: &Others,
    old: Option<&Value>,
    spec: &mut Value,
    random: &mut dyn FnMut(u32) -> u32,
) {
    let held: HashSet<u16> = old
        .map(node_ports)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let (low, high) = ranges.node_ports;
    let mut mine: HashSet<u16> = HashSet::new();
    let mut claim = |e: &mut Errs, path: &Path, slot: &mut Value| match slot
        .as_u64()
        .filter(|n| *n != 0)
    {
        Some(n) => {
            let port = u16::try_from(n).ok().filter(|p| (low..=high).contains(p));
            let problem = match port {
                    None => format!(
                        "provided port is not in the valid range. The range of valid ports is {low}-{high}"
                    ),
                    Some(p) if !held.contains(&p) && others.port(p) => {
                        "provided port is already allocated".into()
                    }
                    Some(p) => {
                        mine.insert(p);
                        return;
                    }
                };
            e.invalid(path, &n.to_string(), &problem);
        }
        None => {
            let span = u32::from(high - low) + 1;
            let free = scan(0, span, random, |i| {
                let p = low + i as u16;
                (!others.port(p) && !mine.contains(&p)).then_some(p)
            });
            match free {
                Some(p) => {
                    mine.insert(p);
                    *slot = json!(p);
                }
                None => e.invalid(path, "0", "failed to allocate a nodePort: range is full"),
            }
        }
    };
    if wants_node_ports(spec) {
        let ports = Path::new("spec").child("ports");
        if let Some(list) = spec["ports"].as_array_mut() {
            for (i, port) in list.iter_mut().enumerate() {
                if port.is_object() {
                    claim(e, &ports.index(i).child("nodePort"), &mut port["nodePort"]);
                }
            }
        }
    }
    if wants_health_check_port(spec) {
        let path = Path::new("spec").child("healthCheckNodePort");
        claim(e, &path, &mut spec["healthCheckNodePort"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> impl FnMut(u32) -> u32 {
        let mut n = 0;
        move |len| {
            n += 7;
            n % len
        }
    }

    fn svc(spec: Value) -> Value {
        json!({"metadata": {"name": "s"}, "spec": spec})
    }

    fn run(in_use: &InUse, old: Option<&Value>, new: &mut Value) -> Vec<Cause> {
        allocate(
            &ServiceRanges::default(),
            in_use,
            "ns/new",
            old,
            new,
            &mut counter(),
        )
    }

    /// Services held by others, one key each.
    fn holding(services: &[Value]) -> InUse {
        let mut in_use = InUse::default();
        for (i, s) in services.iter().enumerate() {
            in_use.set(&format!("ns/other-{i}"), 1, s);
        }
        in_use
    }

    #[test]
    fn dynamic_ips_come_from_above_the_static_band() {
        let mut s = svc(json!({"type": "ClusterIP", "ports": [{"port": 80}]}));
        assert!(run(&InUse::default(), None, &mut s).is_empty());
        let ip: Ipv4Addr = s["spec"]["clusterIP"].as_str().unwrap().parse().unwrap();
        assert_eq!(s["spec"]["clusterIPs"], json!([ip.to_string()]));
        let o = ip.octets();
        assert_eq!((o[0], o[1]), (198, 19));
        assert!(o[2] >= 1, "{ip} is in the static band");
        assert!(s["spec"]["ports"][0].get("nodePort").is_none());
    }

    #[test]
    fn allocation_avoids_addresses_in_use_and_falls_back_to_the_static_band() {
        let ranges = ServiceRanges::with_cidr("198.19.7.0/28").unwrap();
        // 14 usable addresses, all in the static band (at least 16).
        let taken: Vec<Value> = (1..=13)
            .map(|last| svc(json!({"clusterIPs": [format!("198.19.7.{last}")]})))
            .collect();
        let mut in_use = holding(&taken);
        let mut s = svc(json!({"ports": [{"port": 80}]}));
        assert!(allocate(&ranges, &in_use, "ns/a", None, &mut s, &mut counter()).is_empty());
        assert_eq!(s["spec"]["clusterIP"], "198.19.7.14");
        in_use.set("ns/a", 2, &s);
        let mut full = svc(json!({"ports": [{"port": 80}]}));
        let causes = allocate(&ranges, &in_use, "ns/b", None, &mut full, &mut counter());
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "spec.clusterIPs");
        assert!(causes[0].message.contains("range is full"), "{causes:?}");
    }

    #[test]
    fn chosen_ips_are_checked() {
        let others = holding(&[svc(json!({"clusterIPs": ["198.19.0.50"]}))]);
        let mut taken = svc(json!({"clusterIP": "198.19.0.50", "clusterIPs": ["198.19.0.50"]}));
        let causes = run(&others, None, &mut taken);
        assert_eq!(causes[0].field, "spec.clusterIPs");
        assert_eq!(
            causes[0].message,
            "Invalid value: []string{\"198.19.0.50\"}: failed to allocate IP 198.19.0.50: provided IP is already allocated"
        );
        let mut outside = svc(json!({"clusterIPs": ["10.0.0.5"]}));
        let causes = run(&others, None, &mut outside);
        assert_eq!(
            causes[0].message,
            "Invalid value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 198.19.0.0/16"
        );
        let mut free = svc(json!({"clusterIPs": ["198.19.0.51"]}));
        assert!(run(&others, None, &mut free).is_empty());
        // On update the service keeps what it holds.
        let mut same = taken.clone();
        assert!(run(&others, Some(&taken), &mut same).is_empty());
    }

    #[test]
    fn headless_and_external_name_get_no_ip() {
        let mut h = svc(json!({"clusterIP": "None", "clusterIPs": ["None"]}));
        assert!(run(&InUse::default(), None, &mut h).is_empty());
        assert_eq!(h["spec"]["clusterIP"], "None");
        let mut x = svc(json!({"type": "ExternalName", "externalName": "example.org"}));
        assert!(run(&InUse::default(), None, &mut x).is_empty());
        assert!(x["spec"].get("clusterIP").is_none());
    }

    #[test]
    fn node_ports_are_allocated_and_checked() {
        let others = holding(&[svc(
            json!({"type": "NodePort", "ports": [{"nodePort": 30080}]}),
        )]);
        let mut s = svc(json!({"type": "NodePort", "ports": [
            {"name": "a", "port": 80}, {"name": "b", "port": 81}]}));
        assert!(run(&others, None, &mut s).is_empty());
        let a = s["spec"]["ports"][0]["nodePort"].as_u64().unwrap();
        let b = s["spec"]["ports"][1]["nodePort"].as_u64().unwrap();
        assert!((30000..=32767).contains(&a) && (30000..=32767).contains(&b));
        assert_ne!(a, b);
        assert_ne!(a, 30080);

        let mut clash =
            svc(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}));
        let causes = run(&others, None, &mut clash);
        assert_eq!(causes[0].field, "spec.ports[0].nodePort");
        assert_eq!(
            causes[0].message,
            "Invalid value: 30080: provided port is already allocated"
        );
        let mut low = svc(json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": 8080}]}));
        let causes = run(&others, None, &mut low);
        assert_eq!(
            causes[0].message,
            "Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        // A ClusterIP service gets none; a LoadBalancer with Local traffic gets a health port.
        let mut lb = svc(
            json!({"type": "LoadBalancer", "externalTrafficPolicy": "Local",
                                "ports": [{"port": 80}]}),
        );
        assert!(run(&others, None, &mut lb).is_empty());
        assert!(lb["spec"]["healthCheckNodePort"].as_u64().is_some());
        assert!(lb["spec"]["ports"][0]["nodePort"].as_u64().is_some());
        let mut no_np = svc(
            json!({"type": "LoadBalancer", "allocateLoadBalancerNodePorts": false,
                                   "ports": [{"port": 80}]}),
        );
        assert!(run(&others, None, &mut no_np).is_empty());
        assert!(no_np["spec"]["ports"][0].get("nodePort").is_none());
    }

    #[test]
    fn holdings_follow_writes_and_deletes_in_revision_order() {
        let mut in_use = InUse::default();
        let a = svc(json!({"clusterIPs": ["198.19.0.50"], "ports": [{"nodePort": 30001}]}));
        let b = svc(json!({"clusterIPs": ["198.19.0.51"]}));
        in_use.set("ns/s", 5, &a);
        assert!(in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 50), "ns/t"));
        assert!(!in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 50), "ns/s"));
        assert!(in_use.port_taken(30001, "ns/t"));
        // A newer write replaces; an older event arriving late is ignored.
        in_use.set("ns/s", 7, &b);
        in_use.set("ns/s", 5, &a);
        assert!(!in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 50), "ns/t"));
        assert!(!in_use.port_taken(30001, "ns/t"));
        assert!(in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 51), "ns/t"));
        // A delete older than the holding is ignored; a newer one frees it.
        in_use.remove("ns/s", 6);
        assert!(in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 51), "ns/t"));
        in_use.remove("ns/s", 8);
        assert!(!in_use.ip_taken(&Ipv4Addr::new(198, 19, 0, 51), "ns/t"));
    }

    #[test]
    fn ranges_parse() {
        let r = ServiceRanges::with_cidr("198.19.3.7/24").unwrap();
        assert_eq!(r.base, Ipv4Addr::new(198, 19, 3, 0));
        assert_eq!(r.nth(10), Ipv4Addr::new(198, 19, 3, 10));
        assert!(ServiceRanges::with_cidr("198.19.0.0").is_err());
        assert!(ServiceRanges::with_cidr("198.19.0.0/31").is_err());
        assert!(ServiceRanges::with_cidr("fd00::/64").is_err());
    }
}

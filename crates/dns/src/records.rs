//! The cluster zone as an in-memory index: Services and EndpointSlices go in, DNS answers come
//! out. No I/O. Each Service owns the names it contributes, so applying or deleting one Service
//! or EndpointSlice rebuilds only that Service's names; a query is one hash lookup.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, Metadata, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, NS, PTR, SOA, SRV, TXT};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

use crate::model::{self, Key, ServiceInfo, ServiceKind, SliceInfo};
use crate::names::{child, dashed, reverse_ip, undashed};

/// CoreDNS's default TTL for cluster records, in seconds.
pub const DEFAULT_TTL: u32 = 5;

/// The UDP payload size this server advertises and answers within (the DNS flag day value).
pub const MAX_UDP_PAYLOAD: u16 = 1232;

/// The schema version of the Kubernetes DNS specification these records follow, served as TXT
/// at `dns-version.<domain>`.
const DNS_SCHEMA_VERSION: &str = "1.1.0";

/// What to do with a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The complete response (cluster names, errors): send it.
    Reply(Message),
    /// The name is not ours (outside the cluster domain, or a reverse name of an unknown
    /// address): relay the query to an upstream resolver.
    Forward,
}

/// The cluster domain given to [`Records::new`] is not a valid DNS name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidDomain(pub String);

impl fmt::Display for InvalidDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid cluster domain {:?}", self.0)
    }
}

impl std::error::Error for InvalidDomain {}

/// The fixed names of the zone, computed once.
#[derive(Debug)]
struct Zone {
    apex: Name,
    svc: Name,
    pod: Name,
    dns_version: Name,
    /// `ns.dns.<domain>`: the SOA's MNAME and the apex NS.
    ns: Name,
    /// `hostmaster.<domain>`: the SOA's RNAME.
    hostmaster: Name,
}

impl Zone {
    fn new(domain: &str) -> Result<Self, InvalidDomain> {
        let invalid = || InvalidDomain(domain.to_owned());
        let labels: Vec<String> = domain
            .trim_end_matches('.')
            .split('.')
            .map(str::to_ascii_lowercase)
            .collect();
        if labels.iter().any(|l| !model::is_label(l)) {
            return Err(invalid());
        }
        let apex = Name::from_labels(labels.iter().map(|l| l.as_bytes())).map_err(|_| invalid())?;
        let sub = |label: &str| child(&apex, label).ok_or_else(invalid);
        let dns = sub("dns")?;
        Ok(Self {
            svc: sub("svc")?,
            pod: sub("pod")?,
            dns_version: sub("dns-version")?,
            ns: child(&dns, "ns").ok_or_else(invalid)?,
            hostmaster: sub("hostmaster")?,
            apex,
        })
    }
}

/// Where a PTR target comes from: CoreDNS prefers a Service's cluster IP over endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PtrKind {
    ClusterIp,
    Endpoint,
}

#[derive(Debug)]
struct PtrEntry {
    owner: u64,
    target: Name,
    kind: PtrKind,
}

/// Everything one Service contributes to the zone.
#[derive(Debug, Default)]
struct Built {
    /// Names with records.
    nodes: Vec<(Name, Vec<Record>)>,
    /// Names that exist without records of their own (the service name's ancestors, down to
    /// the namespace), counted per owner.
    ents: Vec<Name>,
    ptrs: Vec<(IpAddr, Name, PtrKind)>,
}

/// The names a Service put into the index, so they can be withdrawn.
#[derive(Debug, Default)]
struct Contributed {
    nodes: Vec<Name>,
    ents: Vec<Name>,
    ptrs: Vec<IpAddr>,
}

/// One name in the index: the records each owner put there, and how many owners need it to
/// exist as an empty non-terminal.
#[derive(Debug, Default)]
struct Node {
    entries: Vec<(u64, Vec<Record>)>,
    ents: u32,
}

impl Node {
    fn records(&self) -> impl Iterator<Item = &Record> {
        self.entries.iter().flat_map(|(_, records)| records.iter())
    }
}

/// The name and reverse indexes, shared by all Services.
#[derive(Debug, Default)]
struct Index {
    names: HashMap<Name, Node>,
    ptrs: HashMap<IpAddr, Vec<PtrEntry>>,
}

impl Index {
    fn withdraw(&mut self, owner: u64, old: &Contributed) {
        for name in &old.nodes {
            if let Some(node) = self.names.get_mut(name) {
                node.entries.retain(|(o, _)| *o != owner);
                if node.entries.is_empty() && node.ents == 0 {
                    self.names.remove(name);
                }
            }
        }
        for name in &old.ents {
            if let Some(node) = self.names.get_mut(name) {
                node.ents = node.ents.saturating_sub(1);
                if node.entries.is_empty() && node.ents == 0 {
                    self.names.remove(name);
                }
            }
        }
        for ip in &old.ptrs {
            if let Some(entries) = self.ptrs.get_mut(ip) {
                entries.retain(|e| e.owner != owner);
                if entries.is_empty() {
                    self.ptrs.remove(ip);
                }
            }
        }
    }

    fn install(&mut self, owner: u64, built: Built) -> Contributed {
        let mut contributed = Contributed::default();
        for (name, records) in built.nodes {
            contributed.nodes.push(name.clone());
            self.names
                .entry(name)
                .or_default()
                .entries
                .push((owner, records));
        }
        for name in built.ents {
            contributed.ents.push(name.clone());
            self.names.entry(name).or_default().ents += 1;
        }
        for (ip, target, kind) in built.ptrs {
            contributed.ptrs.push(ip);
            self.ptrs.entry(ip).or_default().push(PtrEntry {
                owner,
                target,
                kind,
            });
        }
        contributed.ptrs.sort_unstable();
        contributed.ptrs.dedup();
        contributed
    }
}

/// A Service as the index knows it: the object's DNS view, its slices, and what it contributed.
#[derive(Debug, Default)]
struct ServiceState {
    id: u64,
    service: Option<ServiceInfo>,
    slices: BTreeMap<String, SliceInfo>,
    contributed: Contributed,
}

/// The cluster zone's records, indexed for answering and for per-Service updates.
#[derive(Debug)]
pub struct Records {
    zone: Zone,
    ttl: u32,
    serial: u32,
    next_id: u64,
    services: HashMap<Key, ServiceState>,
    /// EndpointSlice (namespace, name) → the Service it was filed under.
    slice_owner: HashMap<Key, String>,
    index: Index,
}

impl Records {
    /// An empty zone for `domain` (e.g. `cluster.local`) with CoreDNS's 5 s TTL.
    pub fn new(domain: &str) -> Result<Self, InvalidDomain> {
        Self::with_ttl(domain, DEFAULT_TTL)
    }

    /// An empty zone whose records carry `ttl` seconds.
    pub fn with_ttl(domain: &str, ttl: u32) -> Result<Self, InvalidDomain> {
        Ok(Self {
            zone: Zone::new(domain)?,
            ttl,
            serial: 1,
            next_id: 0,
            services: HashMap::new(),
            slice_owner: HashMap::new(),
            index: Index::default(),
        })
    }

    /// The cluster domain, fully qualified (`cluster.local.`).
    pub fn domain(&self) -> &Name {
        &self.zone.apex
    }

    /// The SOA serial: changes whenever a record does, so secondaries and tests can tell.
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// Adds or updates a Service; only its own names are rebuilt.
    pub fn apply_service(&mut self, svc: &Service) {
        if let Some((key, info)) = model::service_info(svc) {
            self.set_service(key, Some(info));
        }
    }

    /// Removes a Service's records (its slices are kept in case it comes back).
    pub fn delete_service(&mut self, namespace: &str, name: &str) {
        self.set_service((namespace.to_owned(), name.to_owned()), None);
    }

    /// Adds or updates an EndpointSlice, filed under its `kubernetes.io/service-name` label.
    pub fn apply_slice(&mut self, slice: &EndpointSlice) {
        if let Some((key, service, info)) = model::slice_info(slice) {
            self.set_slice(key, service, info);
        }
    }

    /// Removes an EndpointSlice's endpoints from its Service's records.
    pub fn delete_slice(&mut self, namespace: &str, name: &str) {
        let key = (namespace.to_owned(), name.to_owned());
        let Some(service) = self.slice_owner.remove(&key) else {
            return;
        };
        let owner = (key.0, service);
        if let Some(state) = self.services.get_mut(&owner) {
            if state.slices.remove(&key.1).is_some() {
                self.refresh(&owner);
            }
        }
    }

    /// Makes `services` the complete set of Services (a relist); unchanged ones keep their
    /// records untouched.
    pub fn replace_services<'a>(&mut self, services: impl IntoIterator<Item = &'a Service>) {
        let fresh: HashMap<Key, ServiceInfo> = services
            .into_iter()
            .filter_map(model::service_info)
            .collect();
        let gone: Vec<Key> = self
            .services
            .iter()
            .filter(|(key, state)| state.service.is_some() && !fresh.contains_key(*key))
            .map(|(key, _)| key.clone())
            .collect();
        for key in gone {
            self.set_service(key, None);
        }
        for (key, info) in fresh {
            self.set_service(key, Some(info));
        }
    }

    /// Makes `slices` the complete set of EndpointSlices (a relist).
    pub fn replace_slices<'a>(&mut self, slices: impl IntoIterator<Item = &'a EndpointSlice>) {
        let fresh: HashMap<Key, (Option<String>, SliceInfo)> = slices
            .into_iter()
            .filter_map(model::slice_info)
            .map(|(key, service, info)| (key, (service, info)))
            .collect();
        let gone: Vec<Key> = self
            .slice_owner
            .keys()
            .filter(|key| !fresh.contains_key(*key))
            .cloned()
            .collect();
        for key in gone {
            self.delete_slice(&key.0, &key.1);
        }
        for (key, (service, info)) in fresh {
            self.set_slice(key, service, info);
        }
    }

    /// Makes these the complete sets of Services and EndpointSlices.
    pub fn replace_all<'a, 'b>(
        &mut self,
        services: impl IntoIterator<Item = &'a Service>,
        slices: impl IntoIterator<Item = &'b EndpointSlice>,
    ) {
        self.replace_services(services);
        self.replace_slices(slices);
    }

    fn state_mut(&mut self, key: &Key) -> &mut ServiceState {
        if !self.services.contains_key(key) {
            self.next_id += 1;
            let state = ServiceState {
                id: self.next_id,
                ..ServiceState::default()
            };
            self.services.insert(key.clone(), state);
        }
        self.services
            .get_mut(key)
            .unwrap_or_else(|| unreachable!("inserted above"))
    }

    fn set_service(&mut self, key: Key, info: Option<ServiceInfo>) {
        if info.is_none() && !self.services.contains_key(&key) {
            return;
        }
        let state = self.state_mut(&key);
        if state.service == info {
            return;
        }
        state.service = info;
        self.refresh(&key);
    }

    fn set_slice(&mut self, key: Key, service: Option<String>, info: SliceInfo) {
        let Some(service) = service else {
            // No longer (or never) labelled for a Service: it contributes nothing.
            self.delete_slice(&key.0, &key.1);
            return;
        };
        if self.slice_owner.get(&key).is_some_and(|s| *s != service) {
            self.delete_slice(&key.0, &key.1);
        }
        let owner = (key.0.clone(), service.clone());
        self.slice_owner.insert(key.clone(), service);
        let state = self.state_mut(&owner);
        if state.slices.get(&key.1) == Some(&info) {
            return;
        }
        state.slices.insert(key.1, info);
        self.refresh(&owner);
    }

    /// Rebuilds one Service's names from its current object and slices.
    fn refresh(&mut self, key: &Key) {
        let Some(state) = self.services.get_mut(key) else {
            return;
        };
        self.index.withdraw(state.id, &state.contributed);
        let built = match &state.service {
            Some(info) => build(&self.zone, self.ttl, key, info, &state.slices),
            None => Built::default(),
        };
        state.contributed = self.index.install(state.id, built);
        if state.service.is_none() && state.slices.is_empty() {
            self.services.remove(key);
        }
        self.serial = self.serial.wrapping_add(1).max(1);
    }

    /// Answers a query message: a reply for cluster names and errors, or [`Answer::Forward`].
    pub fn answer(&self, request: &Message) -> Answer {
        let meta = &request.metadata;
        if meta.message_type != MessageType::Query {
            return Answer::Reply(self.error(request, ResponseCode::FormErr));
        }
        if meta.op_code != OpCode::Query {
            return Answer::Reply(self.error(request, ResponseCode::NotImp));
        }
        let [query] = request.queries.as_slice() else {
            return Answer::Reply(self.error(request, ResponseCode::FormErr));
        };
        let mut name = query.name().clone();
        if !name.is_fqdn() {
            name.set_fqdn(true);
        }
        if self.zone.apex.zone_of(&name) {
            return Answer::Reply(self.answer_zone(request, query, &name));
        }
        if let Some(reply) = self.answer_reverse(request, query, &name) {
            return Answer::Reply(reply);
        }
        Answer::Forward
    }

    /// A response skeleton: the request's id, flags and question, EDNS echoed.
    fn response(&self, request: &Message, code: ResponseCode) -> Message {
        let mut msg = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
        msg.metadata = Metadata::response_from_request(&request.metadata);
        msg.metadata.message_type = MessageType::Response;
        msg.metadata.recursion_available = true;
        msg.metadata.response_code = code;
        msg.queries = request.queries.clone();
        if request.edns.is_some() {
            let mut edns = Edns::new();
            edns.set_max_payload(MAX_UDP_PAYLOAD);
            msg.edns = Some(edns);
        }
        msg
    }

    fn error(&self, request: &Message, code: ResponseCode) -> Message {
        let mut msg = self.response(request, code);
        if code == ResponseCode::FormErr {
            msg.queries.clear();
        }
        msg
    }

    fn soa(&self) -> Record {
        let soa = SOA::new(
            self.zone.ns.clone(),
            self.zone.hostmaster.clone(),
            self.serial,
            7200,
            1800,
            86400,
            self.ttl,
        );
        Record::from_rdata(self.zone.apex.clone(), self.ttl, RData::SOA(soa))
    }

    fn record(&self, name: &Name, data: RData) -> Record {
        Record::from_rdata(name.clone(), self.ttl, data)
    }

    fn answer_zone(&self, request: &Message, query: &Query, name: &Name) -> Message {
        if request.edns.as_ref().is_some_and(|e| e.version() > 0) {
            return self.response(request, ResponseCode::BADVERS);
        }
        if !matches!(query.query_class(), DNSClass::IN | DNSClass::ANY) {
            return self.response(request, ResponseCode::NotImp);
        }
        let qtype = query.query_type();
        if matches!(qtype, RecordType::AXFR | RecordType::IXFR) {
            return self.response(request, ResponseCode::NotImp);
        }
        let wants = |t: RecordType| qtype == t || qtype == RecordType::ANY;
        let qname = query.name();
        let mut msg = self.response(request, ResponseCode::NoError);
        msg.metadata.authoritative = true;

        let zone = &self.zone;
        let found = if *name == zone.apex {
            if wants(RecordType::SOA) {
                let mut soa = self.soa();
                soa.name = qname.clone();
                msg.answers.push(soa);
            }
            if wants(RecordType::NS) {
                msg.answers
                    .push(self.record(qname, RData::NS(NS(zone.ns.clone()))));
            }
            true
        } else if *name == zone.dns_version {
            if wants(RecordType::TXT) {
                let txt = TXT::new(vec![DNS_SCHEMA_VERSION.to_owned()]);
                msg.answers.push(self.record(qname, RData::TXT(txt)));
            }
            true
        } else if *name == zone.svc || *name == zone.pod {
            true
        } else if zone.pod.zone_of(name) {
            self.answer_pod(&mut msg, qname, name, wants)
        } else if let Some(node) = self.index.names.get(name) {
            self.answer_node(&mut msg, qname, qtype, node);
            true
        } else {
            false
        };
        if !found {
            msg.metadata.response_code = ResponseCode::NXDomain;
        }
        if msg.answers.is_empty() {
            msg.authorities.push(self.soa());
        }
        msg
    }

    /// `<dashed-ip>.<namespace>.pod.<domain>`: the address itself ("pods insecure").
    fn answer_pod(
        &self,
        msg: &mut Message,
        qname: &Name,
        name: &Name,
        wants: impl Fn(RecordType) -> bool,
    ) -> bool {
        if name.num_labels() != self.zone.pod.num_labels() + 2 {
            return false;
        }
        let Some(ip) = name.iter().next().and_then(undashed) else {
            return false;
        };
        match ip {
            IpAddr::V4(v4) if wants(RecordType::A) => {
                msg.answers.push(self.record(qname, RData::A(A(v4))));
            }
            IpAddr::V6(v6) if wants(RecordType::AAAA) => {
                msg.answers.push(self.record(qname, RData::AAAA(AAAA(v6))));
            }
            _ => {}
        }
        true
    }

    fn answer_node(&self, msg: &mut Message, qname: &Name, qtype: RecordType, node: &Node) {
        let has_cname = node.records().any(|r| r.record_type() == RecordType::CNAME);
        let select = |r: &&Record| {
            let t = r.record_type();
            if has_cname && !matches!(qtype, RecordType::CNAME | RecordType::ANY) {
                t == RecordType::CNAME
            } else {
                qtype == RecordType::ANY || t == qtype
            }
        };
        for record in node.records().filter(select) {
            let mut record = record.clone();
            record.name = qname.clone();
            msg.answers.push(record);
        }
        // Additional section: the addresses of SRV targets that are cluster names.
        let mut targets: Vec<&Name> = Vec::new();
        for record in &msg.answers {
            if let RData::SRV(srv) = &record.data {
                if !targets.contains(&&srv.target) {
                    targets.push(&srv.target);
                }
            }
        }
        let mut additionals = Vec::new();
        for target in targets {
            if let Some(node) = self.index.names.get(target) {
                additionals.extend(
                    node.records()
                        .filter(|r| matches!(r.record_type(), RecordType::A | RecordType::AAAA))
                        .cloned(),
                );
            }
        }
        msg.additionals.extend(additionals);
    }

    /// PTR for a known cluster IP or endpoint address; anything else about reverse names is
    /// left to upstream (CoreDNS's `fallthrough in-addr.arpa ip6.arpa`).
    fn answer_reverse(&self, request: &Message, query: &Query, name: &Name) -> Option<Message> {
        if !matches!(query.query_type(), RecordType::PTR | RecordType::ANY)
            || query.query_class() != DNSClass::IN
        {
            return None;
        }
        let ip = reverse_ip(name)?;
        let entries = self.index.ptrs.get(&ip)?;
        let mut msg = self.response(request, ResponseCode::NoError);
        msg.metadata.authoritative = true;
        let mut targets: Vec<&Name> = Vec::new();
        if let Some(svc) = entries.iter().find(|e| e.kind == PtrKind::ClusterIp) {
            targets.push(&svc.target);
        } else {
            for entry in entries {
                if !targets.contains(&&entry.target) {
                    targets.push(&entry.target);
                }
            }
        }
        for target in targets {
            let ptr = RData::PTR(PTR(target.clone()));
            msg.answers.push(self.record(query.name(), ptr));
        }
        Some(msg)
    }
}

fn address(ip: IpAddr) -> RData {
    match ip {
        IpAddr::V4(v4) => RData::A(A(v4)),
        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
    }
}

/// Collects one Service's records; duplicates are dropped as they come.
struct Builder {
    ttl: u32,
    nodes: HashMap<Name, Vec<Record>>,
    seen: HashSet<(Name, RData)>,
    /// SRV owner name → (port, target), in insertion order, weights computed at the end.
    srv: BTreeMap<Name, Vec<(u16, Name)>>,
    ptrs: Vec<(IpAddr, Name, PtrKind)>,
}

impl Builder {
    fn add(&mut self, name: &Name, data: RData) {
        if self.seen.insert((name.clone(), data.clone())) {
            let record = Record::from_rdata(name.clone(), self.ttl, data);
            self.nodes.entry(name.clone()).or_default().push(record);
        }
    }

    fn srv(&mut self, name: &Name, port: u16, target: &Name) {
        let targets = self.srv.entry(name.clone()).or_default();
        if !targets.iter().any(|(p, t)| *p == port && t == target) {
            targets.push((port, target.clone()));
        }
    }

    /// SRV records with CoreDNS's weights: priority 0, weight 100/n (at least 1).
    fn finish(mut self, zone: &Zone, base: &Name) -> Built {
        let srv = std::mem::take(&mut self.srv);
        for (name, targets) in srv {
            let count = u16::try_from(targets.len()).unwrap_or(u16::MAX).max(1);
            let weight = (100 / count).max(1);
            for (port, target) in targets {
                self.add(&name, RData::SRV(SRV::new(0, weight, port, target)));
            }
        }
        // Every ancestor down to the namespace exists, and so does the service name itself.
        let floor = zone.svc.num_labels();
        let mut ents: HashSet<Name> = HashSet::new();
        ents.insert(base.clone());
        for name in self.nodes.keys() {
            let mut up = name.base_name();
            while up.num_labels() > floor && !ents.contains(&up) {
                let next = up.base_name();
                ents.insert(up);
                up = next;
            }
        }
        let mut up = base.base_name();
        while up.num_labels() > floor {
            let next = up.base_name();
            ents.insert(up);
            up = next;
        }
        Built {
            nodes: self.nodes.into_iter().collect(),
            ents: ents.into_iter().collect(),
            ptrs: self.ptrs,
        }
    }
}

/// The SRV owner name of a named port: `_<port>._<proto>.<base>`.
fn srv_name(base: &Name, port: &model::PortInfo) -> Option<Name> {
    if port.name.is_empty() {
        return None;
    }
    let proto = child(base, &format!("_{}", port.protocol))?;
    child(&proto, &format!("_{}", port.name))
}

/// Everything one Service contributes: pure function of the Service and its slices.
fn build(
    zone: &Zone,
    ttl: u32,
    (namespace, name): &Key,
    svc: &ServiceInfo,
    slices: &BTreeMap<String, SliceInfo>,
) -> Built {
    let Some(base) = child(&zone.svc, namespace).and_then(|ns| child(&ns, name)) else {
        return Built::default();
    };
    let mut b = Builder {
        ttl,
        nodes: HashMap::new(),
        seen: HashSet::new(),
        srv: BTreeMap::new(),
        ptrs: Vec::new(),
    };
    let headless = match &svc.kind {
        ServiceKind::ExternalName(target) => {
            if let Some(target) = target {
                b.add(&base, RData::CNAME(CNAME(target.clone())));
                for port in &svc.ports {
                    if let Some(srv) = srv_name(&base, port) {
                        b.srv(&srv, port.port, target);
                    }
                    b.srv(&base, port.port, target);
                }
            }
            return b.finish(zone, &base);
        }
        ServiceKind::ClusterIp(ips) => {
            for ip in ips {
                b.add(&base, address(*ip));
                b.ptrs.push((*ip, base.clone(), PtrKind::ClusterIp));
            }
            for port in &svc.ports {
                if let Some(srv) = srv_name(&base, port) {
                    b.srv(&srv, port.port, &base);
                }
                b.srv(&base, port.port, &base);
            }
            false
        }
        ServiceKind::Headless => true,
    };
    let mut ptr_seen: HashSet<(IpAddr, Name)> = HashSet::new();
    for slice in slices.values() {
        for ep in &slice.endpoints {
            if !(ep.ready || svc.publish_not_ready) {
                continue;
            }
            for ip in &ep.addresses {
                let label = ep.hostname.clone().unwrap_or_else(|| dashed(*ip));
                let Some(host) = child(&base, &label) else {
                    continue;
                };
                b.add(&host, address(*ip));
                if ptr_seen.insert((*ip, host.clone())) {
                    b.ptrs.push((*ip, host.clone(), PtrKind::Endpoint));
                }
                if headless {
                    b.add(&base, address(*ip));
                    for port in &slice.ports {
                        if let Some(srv) = srv_name(&base, port) {
                            b.srv(&srv, port.port, &host);
                        }
                        b.srv(&base, port.port, &host);
                    }
                }
            }
        }
    }
    b.finish(zone, &base)
}

#[cfg(test)]
mod tests;

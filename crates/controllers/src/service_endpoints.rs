//! What the Endpoints and EndpointSlice controllers share: which pods back a Service, how a
//! Service port resolves against a pod's containers, which pod addresses are published, the
//! trigger-time bookkeeping, and the watches that turn pod changes into the keys of the
//! Services selecting them.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use futures::stream::{self, BoxStream};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, ObjectReference, Pod, Service, ServicePort,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client, ResourceExt};

use crate::pods;

/// Label marking Endpoints and EndpointSlices of headless Services.
pub const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// Annotation carrying the time of the change that caused the last write.
pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// The Service's pod selector, if the endpoint controllers manage its addresses at all:
/// ExternalName Services and Services without a selector get none (the latter are managed by
/// their users). An empty selector counts as none: the API drops empty maps, so upstream never
/// sees one.
pub fn managed_selector(svc: &Service) -> Option<&BTreeMap<String, String>> {
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    spec.selector.as_ref().filter(|s| !s.is_empty())
}

pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `clusterIP: None`. (Upstream also treats an unset cluster IP as headless; that state only
/// exists here while no IP allocator runs, so it is not taken to mean headless.)
pub fn is_headless(svc: &Service) -> bool {
    svc.spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .is_some_and(|ip| ip == "None")
}

pub fn publishes_not_ready(svc: &Service) -> bool {
    svc.spec
        .as_ref()
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false)
}

pub fn service_ports(svc: &Service) -> &[ServicePort] {
    svc.spec
        .as_ref()
        .and_then(|s| s.ports.as_deref())
        .unwrap_or_default()
}

fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// The pod's IPs: `status.podIPs`, or `status.podIP` when the list is empty.
pub fn pod_ips(pod: &Pod) -> Vec<&str> {
    let Some(status) = pod.status.as_ref() else {
        return Vec::new();
    };
    let listed: Vec<&str> = status
        .pod_ips
        .iter()
        .flatten()
        .map(|p| p.ip.as_str())
        .filter(|ip| !ip.is_empty())
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    status
        .pod_ip
        .as_deref()
        .filter(|ip| !ip.is_empty())
        .into_iter()
        .collect()
}

/// Whether a pod appears in a Service's endpoints at all: it has an IP, has not finished, and is
/// not terminating unless terminating pods are included.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    !is_terminal(pod)
        && !pod_ips(pod).is_empty()
        && (include_terminating || pod.metadata.deletion_timestamp.is_none())
}

/// A pod's hostname is published when its `subdomain` names the Service.
pub fn should_set_hostname(pod: &Pod, svc: &Service) -> bool {
    let spec = pod.spec.as_ref();
    spec.and_then(|s| s.hostname.as_deref())
        .is_some_and(|h| !h.is_empty())
        && spec.and_then(|s| s.subdomain.as_deref()) == Some(svc.name_any().as_str())
        && pod.namespace() == svc.namespace()
}

fn parse_ip(ip: &str) -> Option<IpAddr> {
    ip.parse().ok()
}

pub fn is_ipv6(ip: &str) -> bool {
    parse_ip(ip).is_some_and(|a| a.is_ipv6())
}

pub fn is_ipv4(ip: &str) -> bool {
    parse_ip(ip).is_some_and(|a| a.is_ipv4())
}

/// Resolves a Service port's `targetPort` for a pod: numbers as they are, names against the
/// named ports (of the same protocol) of the pod's containers and sidecar init containers.
/// None when the pod has no such named port.
pub fn find_port(pod: &Pod, port: &ServicePort) -> Option<i32> {
    let protocol = port.protocol.as_deref().unwrap_or("TCP");
    match &port.target_port {
        Some(IntOrString::String(name)) if !name.is_empty() => {
            let spec = pod.spec.as_ref()?;
            let sidecars = spec
                .init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            spec.containers
                .iter()
                .chain(sidecars)
                .flat_map(|c| c.ports.iter().flatten())
                .find(|p| {
                    p.name.as_deref() == Some(name.as_str())
                        && p.protocol.as_deref().unwrap_or("TCP") == protocol
                })
                .map(|p| p.container_port)
        }
        Some(IntOrString::Int(n)) if *n != 0 => Some(*n),
        // Defaulting sets an unset targetPort to the port.
        _ => Some(port.port),
    }
}

/// The pod's reference as endpoints record it.
pub fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: Some("Pod".into()),
        namespace: pod.namespace(),
        name: Some(pod.name_any()),
        uid: pod.metadata.uid.clone(),
        ..Default::default()
    }
}

fn node_name(pod: &Pod) -> Option<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .filter(|n| !n.is_empty())
}

/// The IP family Endpoints publish for a Service: its first `ipFamilies` entry, else the family
/// of its cluster IP, else (headless, old objects) the family of the pod's primary IP.
fn endpoints_family_is_v6(svc: &Service, pod: &Pod) -> bool {
    let spec = svc.spec.as_ref();
    if let Some(first) = spec
        .and_then(|s| s.ip_families.as_ref())
        .and_then(|f| f.first())
    {
        return first == "IPv6";
    }
    match spec.and_then(|s| s.cluster_ip.as_deref()) {
        Some(ip) if !ip.is_empty() && ip != "None" => is_ipv6(ip),
        _ => pod_ips(pod).first().is_some_and(|ip| is_ipv6(ip)),
    }
}

/// The pod's address in a Service's Endpoints; None if it has no IP of the Service's family.
pub fn endpoint_address(svc: &Service, pod: &Pod) -> Option<EndpointAddress> {
    let v6 = endpoints_family_is_v6(svc, pod);
    let ip = pod_ips(pod)
        .into_iter()
        .find(|ip| if v6 { is_ipv6(ip) } else { is_ipv4(ip) })?;
    Some(EndpointAddress {
        ip: ip.to_string(),
        hostname: should_set_hostname(pod, svc)
            .then(|| pod.spec.as_ref().and_then(|s| s.hostname.clone()))
            .flatten(),
        node_name: node_name(pod),
        target_ref: Some(pod_reference(pod)),
    })
}

type PortKey = (String, i32, String, String);

fn port_key(p: &EndpointPort) -> PortKey {
    (
        p.name.clone().unwrap_or_default(),
        p.port,
        p.protocol.clone().unwrap_or_else(|| "TCP".into()),
        p.app_protocol.clone().unwrap_or_default(),
    )
}

fn port_from_key(k: &PortKey) -> EndpointPort {
    EndpointPort {
        name: Some(k.0.clone()).filter(|n| !n.is_empty()),
        port: k.1,
        protocol: Some(k.2.clone()),
        app_protocol: Some(k.3.clone()).filter(|a| !a.is_empty()),
    }
}

/// Addresses are told apart by IP and the UID of what they point at.
type AddrKey = (String, String);

fn addr_key(a: &EndpointAddress) -> AddrKey {
    (
        a.ip.clone(),
        a.target_ref
            .as_ref()
            .and_then(|r| r.uid.clone())
            .unwrap_or_default(),
    )
}

/// The Endpoints subsets for a Service and the pods its selector matches, in canonical form:
/// one subset per distinct set of addresses, each with every port those addresses serve.
/// Pods lacking a named target port are left out of that port; a headless Service without
/// ports lists its pods without ports.
pub fn endpoint_subsets(svc: &Service, pods: &[&Pod]) -> Vec<EndpointSubset> {
    let tolerate = publishes_not_ready(svc);
    let ports = service_ports(svc);
    // (address, port or None for "no ports", ready)
    let mut entries: Vec<(EndpointAddress, Option<PortKey>, bool)> = Vec::new();
    for pod in pods {
        if !should_pod_be_in_endpoints(pod, tolerate) {
            continue;
        }
        let Some(addr) = endpoint_address(svc, pod) else {
            continue;
        };
        let ready = tolerate || pods::is_ready(pod);
        if ports.is_empty() {
            if is_headless(svc) {
                entries.push((addr, None, ready));
            }
            continue;
        }
        for sp in ports {
            let Some(num) = find_port(pod, sp) else {
                continue;
            };
            let port = EndpointPort {
                name: sp.name.clone(),
                port: num,
                protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                app_protocol: sp.app_protocol.clone(),
            };
            entries.push((addr.clone(), Some(port_key(&port)), ready));
        }
    }
    repack(entries)
}

/// Groups (address, port, ready) triples into subsets; an address not ready for a port stays
/// not ready however often it is also seen ready.
fn repack(entries: Vec<(EndpointAddress, Option<PortKey>, bool)>) -> Vec<EndpointSubset> {
    let mut all: HashMap<AddrKey, EndpointAddress> = HashMap::new();
    let mut by_port: BTreeMap<Option<PortKey>, BTreeMap<AddrKey, bool>> = BTreeMap::new();
    for (addr, port, ready) in entries {
        let key = addr_key(&addr);
        all.entry(key.clone()).or_insert(addr);
        let set = by_port.entry(port).or_default();
        let slot = set.entry(key).or_insert(ready);
        *slot = *slot && ready;
    }
    // Address sets → the ports they serve (None is the "no ports" sentinel).
    let mut groups: BTreeMap<Vec<(AddrKey, bool)>, Vec<PortKey>> = BTreeMap::new();
    for (port, addrs) in by_port {
        let key: Vec<(AddrKey, bool)> = addrs.into_iter().collect();
        let ports = groups.entry(key).or_default();
        if let Some(p) = port {
            ports.push(p);
        }
    }
    groups
        .into_iter()
        .map(|(addrs, mut ports)| {
            ports.sort();
            let (ready, not_ready): (Vec<_>, Vec<_>) = addrs.into_iter().partition(|(_, r)| *r);
            let list = |v: Vec<(AddrKey, bool)>| {
                let out: Vec<EndpointAddress> = v.iter().map(|(k, _)| all[k].clone()).collect();
                (!out.is_empty()).then_some(out)
            };
            EndpointSubset {
                addresses: list(ready),
                not_ready_addresses: list(not_ready),
                ports: (!ports.is_empty()).then(|| ports.iter().map(port_from_key).collect()),
            }
        })
        .collect()
}

/// Most addresses an Endpoints object holds; beyond it the controller truncates.
pub const MAX_ENDPOINTS: usize = 1000;
pub const OVER_CAPACITY_ANNOTATION: &str = "endpoints.kubernetes.io/over-capacity";

/// Cuts subsets down to [`MAX_ENDPOINTS`] addresses, each subset keeping its share: not-ready
/// addresses go first; if ready ones alone are too many, all not-ready ones go and the ready ones
/// are cut. Returns whether anything was cut.
pub fn truncate(subsets: &mut [EndpointSubset]) -> bool {
    let count = |s: &EndpointSubset, ready: bool| {
        if ready {
            s.addresses.as_ref().map_or(0, Vec::len)
        } else {
            s.not_ready_addresses.as_ref().map_or(0, Vec::len)
        }
    };
    let total_ready: usize = subsets.iter().map(|s| count(s, true)).sum();
    let total_not_ready: usize = subsets.iter().map(|s| count(s, false)).sum();
    if total_ready + total_not_ready <= MAX_ENDPOINTS {
        return false;
    }
    let truncate_ready = total_ready > MAX_ENDPOINTS;
    let (max, num_total) = if truncate_ready {
        (MAX_ENDPOINTS, total_ready)
    } else {
        (MAX_ENDPOINTS - total_ready, total_not_ready)
    };
    let mut can_add = max;
    let last = subsets.len().saturating_sub(1);
    for (i, s) in subsets.iter_mut().enumerate() {
        let in_subset = count(s, truncate_ready);
        let mut to_add = if i == last {
            can_add
        } else {
            (in_subset * max).div_ceil(num_total.max(1))
        };
        to_add = to_add.min(can_add);
        if truncate_ready {
            if let Some(a) = s.addresses.as_mut() {
                a.truncate(to_add);
            }
            s.not_ready_addresses = None;
            can_add -= s.addresses.as_ref().map_or(0, Vec::len);
        } else {
            if let Some(a) = s.not_ready_addresses.as_mut() {
                a.truncate(to_add);
            }
            can_add -= s.not_ready_addresses.as_ref().map_or(0, Vec::len);
        }
    }
    true
}

/// Subsets compared as the API returns them: empty lists and absent ones alike, protocols
/// defaulted, target references without resource versions.
pub fn normalize_subsets(subsets: Option<&[EndpointSubset]>) -> Vec<EndpointSubset> {
    let norm_addrs = |v: &Option<Vec<EndpointAddress>>| {
        let out: Vec<EndpointAddress> = v
            .iter()
            .flatten()
            .map(|a| {
                let mut a = a.clone();
                if let Some(r) = a.target_ref.as_mut() {
                    r.resource_version = None;
                }
                if a.hostname.as_deref() == Some("") {
                    a.hostname = None;
                }
                if a.node_name.as_deref() == Some("") {
                    a.node_name = None;
                }
                a
            })
            .collect();
        (!out.is_empty()).then_some(out)
    };
    subsets
        .unwrap_or_default()
        .iter()
        .map(|s| EndpointSubset {
            addresses: norm_addrs(&s.addresses),
            not_ready_addresses: norm_addrs(&s.not_ready_addresses),
            ports: s
                .ports
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(|p| p.iter().map(|p| port_from_key(&port_key(p))).collect()),
        })
        .filter(|s| s.addresses.is_some() || s.not_ready_addresses.is_some() || s.ports.is_some())
        .collect()
}

/// RFC 3339 with as many fractional digits as needed, in UTC (Go's RFC3339Nano).
pub fn format_time(t: Timestamp) -> String {
    t.to_string()
}

fn ready_transition(pod: &Pod) -> Option<Timestamp> {
    let conds = pod.status.as_ref()?.conditions.as_ref()?;
    let c = conds.iter().find(|c| c.type_ == "Ready")?;
    c.last_transition_time.as_ref().map(|t| t.0)
}

#[derive(Default)]
struct TriggerState {
    pods: HashMap<String, Timestamp>,
    service: Option<Timestamp>,
}

/// Works out the `last-change-trigger-time` of a sync: the Service's creation on its first sync,
/// afterwards the earliest change (a pod's Ready transition, the Service's creation) not seen by
/// the previous sync; None if there is none.
#[derive(Default)]
pub struct TriggerTimeTracker {
    states: Mutex<HashMap<(String, String), TriggerState>>,
}

impl TriggerTimeTracker {
    pub fn compute(&self, svc: &Service, pods: &[&Pod]) -> Option<Timestamp> {
        let key = (svc.namespace().unwrap_or_default(), svc.name_any());
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        let known = states.contains_key(&key);
        let state = states.entry(key).or_default();
        let mut earliest: Option<Timestamp> = None;
        let mut seen = HashMap::new();
        for pod in pods {
            if let Some(t) = ready_transition(pod) {
                let name = pod.name_any();
                if state.pods.get(&name).is_none_or(|prev| t > *prev) {
                    earliest = Some(earliest.map_or(t, |e| e.min(t)));
                }
                seen.insert(name, t);
            }
        }
        let created = svc.metadata.creation_timestamp.as_ref().map(|t| t.0);
        if let Some(c) = created {
            if state.service.is_none_or(|prev| c > prev) {
                earliest = Some(earliest.map_or(c, |e| e.min(c)));
            }
        }
        state.pods = seen;
        state.service = created;
        if known {
            earliest
        } else {
            created
        }
    }

    pub fn forget(&self, namespace: &str, name: &str) {
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        states.remove(&(namespace.to_string(), name.to_string()));
    }
}

/// A digest of everything about a pod that can change its endpoints.
pub fn pod_fingerprint(pod: &Pod) -> u64 {
    let mut h = DefaultHasher::new();
    pod.metadata.uid.hash(&mut h);
    pod.metadata.labels.hash(&mut h);
    pod.metadata.deletion_timestamp.is_some().hash(&mut h);
    if let Some(status) = pod.status.as_ref() {
        status.phase.hash(&mut h);
        pod_ips(pod).hash(&mut h);
        let ready = status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == "Ready");
        ready.map(|c| &c.status).hash(&mut h);
        ready
            .and_then(|c| c.last_transition_time.as_ref())
            .map(|t| t.0.as_nanosecond())
            .hash(&mut h);
    }
    if let Some(spec) = pod.spec.as_ref() {
        spec.hostname.hash(&mut h);
        spec.subdomain.hash(&mut h);
        spec.node_name.hash(&mut h);
        for c in spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
        {
            c.restart_policy.hash(&mut h);
            for p in c.ports.iter().flatten() {
                (&p.name, p.container_port, &p.protocol).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// Keys of the Services in `namespace` whose selector matches `labels`.
pub fn services_selecting(
    services: &[Arc<Service>],
    namespace: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<ObjectRef<Service>> {
    services
        .iter()
        .filter(|s| s.namespace().as_deref() == Some(namespace))
        .filter(|s| managed_selector(s).is_some_and(|sel| selects(sel, labels)))
        .map(|s| ObjectRef::from_obj(s.as_ref()))
        .collect()
}

type PodKey = (String, String);

/// Turns pod watch events into the Services to resync: those selecting the pod before the change
/// and those selecting it after, and only when something endpoints depend on changed.
#[derive(Default)]
pub struct PodTriggers {
    known: HashMap<PodKey, (BTreeMap<String, String>, u64)>,
    relisted: HashSet<PodKey>,
    pending: Vec<ObjectRef<Service>>,
}

impl PodTriggers {
    pub fn handle(
        &mut self,
        event: &Event<Pod>,
        services: &Store<Service>,
    ) -> Vec<ObjectRef<Service>> {
        let key = |p: &Pod| (p.namespace().unwrap_or_default(), p.name_any());
        match event {
            Event::Apply(pod) => self.changed(key(pod), pod, services).into_iter().collect(),
            Event::Delete(pod) => {
                let k = key(pod);
                let all = services.state();
                let mut out = services_selecting(&all, &k.0, pod.labels());
                if let Some((old, _)) = self.known.remove(&k) {
                    out.extend(services_selecting(&all, &k.0, &old));
                }
                dedup(out)
            }
            Event::Init => {
                self.relisted.clear();
                self.pending.clear();
                Vec::new()
            }
            Event::InitApply(pod) => {
                let k = key(pod);
                self.relisted.insert(k.clone());
                let refs = self.changed(k, pod, services);
                self.pending.extend(refs);
                Vec::new()
            }
            Event::InitDone => {
                let gone: Vec<PodKey> = self
                    .known
                    .keys()
                    .filter(|k| !self.relisted.contains(*k))
                    .cloned()
                    .collect();
                let all = services.state();
                for k in gone {
                    if let Some((old, _)) = self.known.remove(&k) {
                        self.pending.extend(services_selecting(&all, &k.0, &old));
                    }
                }
                self.relisted.clear();
                dedup(std::mem::take(&mut self.pending))
            }
        }
    }

    fn changed(
        &mut self,
        k: PodKey,
        pod: &Pod,
        services: &Store<Service>,
    ) -> Vec<ObjectRef<Service>> {
        let fp = pod_fingerprint(pod);
        let old = self.known.insert(k.clone(), (pod.labels().clone(), fp));
        if old.as_ref().is_some_and(|(_, f)| *f == fp) {
            return Vec::new();
        }
        let all = services.state();
        let mut out = services_selecting(&all, &k.0, pod.labels());
        if let Some((labels, _)) = old {
            out.extend(services_selecting(&all, &k.0, &labels));
        }
        dedup(out)
    }
}

fn dedup(mut refs: Vec<ObjectRef<Service>>) -> Vec<ObjectRef<Service>> {
    let mut seen = HashSet::new();
    refs.retain(|r| seen.insert(r.clone()));
    refs
}

/// Turns Service watch events into keys to reconcile. Keys relisted after a watch restart are
/// held until the relist is complete (the store swaps in the new state only then), and Services
/// that vanished meanwhile are reported too.
#[derive(Default)]
struct ServiceTriggers {
    known: HashSet<ObjectRef<Service>>,
    relisted: HashSet<ObjectRef<Service>>,
}

impl ServiceTriggers {
    fn handle(&mut self, event: &Event<Service>) -> Vec<ObjectRef<Service>> {
        match event {
            Event::Apply(s) => {
                let r = ObjectRef::from_obj(s);
                self.known.insert(r.clone());
                vec![r]
            }
            Event::Delete(s) => {
                let r = ObjectRef::from_obj(s);
                self.known.remove(&r);
                vec![r]
            }
            Event::Init => {
                self.relisted.clear();
                Vec::new()
            }
            Event::InitApply(s) => {
                self.relisted.insert(ObjectRef::from_obj(s));
                Vec::new()
            }
            Event::InitDone => {
                let relisted = std::mem::take(&mut self.relisted);
                let gone: Vec<_> = self.known.difference(&relisted).cloned().collect();
                self.known = relisted;
                self.known.iter().cloned().chain(gone).collect()
            }
        }
    }
}

/// Set once a cache holds its first complete list. Any number of tasks may wait for it
/// (kube-runtime's `Store::wait_until_ready` wakes only one waiter reliably).
#[derive(Clone)]
pub struct Readiness(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Readiness {
    fn default() -> Self {
        Readiness(Arc::new(tokio::sync::watch::channel(false).0))
    }
}

impl Readiness {
    pub fn set(&self) {
        self.0.send_replace(true);
    }

    pub async fn wait(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|ready| *ready).await;
    }

    /// Marks readiness when `event` completes a list (the reflector has applied it by then).
    pub fn observe<K>(&self, event: &Event<K>) {
        if matches!(event, Event::InitDone) {
            self.set();
        }
    }
}

/// The Service and pod caches both controllers reconcile from.
#[derive(Clone)]
pub struct Informers {
    pub services: Store<Service>,
    pub pods: Store<Pod>,
    pub services_ready: Readiness,
    pub pods_ready: Readiness,
}

impl Informers {
    /// Starts the Service and pod reflectors. The stream drives both caches (it must be polled)
    /// and yields the keys of Services to reconcile.
    pub fn start(client: &Client) -> (Informers, BoxStream<'static, ObjectRef<Service>>) {
        let (services, svc_writer) = reflector::store::<Service>();
        let (pods, pod_writer) = reflector::store::<Pod>();
        let mut svc_triggers = ServiceTriggers::default();
        let services_ready = Readiness::default();
        let pods_ready = Readiness::default();
        let svc_readiness = services_ready.clone();
        let pod_readiness = pods_ready.clone();
        let svc_stream = reflector::reflector(
            svc_writer,
            watcher::watcher(
                Api::<Service>::all(client.clone()),
                watcher::Config::default(),
            )
            .default_backoff(),
        )
        .flat_map(move |ev| match ev {
            Ok(ev) => {
                svc_readiness.observe(&ev);
                stream::iter(svc_triggers.handle(&ev))
            }
            Err(e) => {
                tracing::debug!(error = %e, "service watch failed");
                stream::iter(Vec::new())
            }
        });
        let mut pod_triggers = PodTriggers::default();
        let svc_store = services.clone();
        let pod_stream = reflector::reflector(
            pod_writer,
            watcher::watcher(Api::<Pod>::all(client.clone()), watcher::Config::default())
                .default_backoff(),
        )
        .flat_map(move |ev| match ev {
            Ok(ev) => {
                pod_readiness.observe(&ev);
                stream::iter(pod_triggers.handle(&ev, &svc_store))
            }
            Err(e) => {
                tracing::debug!(error = %e, "pod watch failed");
                stream::iter(Vec::new())
            }
        });
        (
            Informers {
                services,
                pods,
                services_ready,
                pods_ready,
            },
            stream::select(svc_stream, pod_stream).boxed(),
        )
    }

    /// Waits for both caches to hold a complete list.
    pub async fn ready(&self) {
        self.services_ready.wait().await;
        self.pods_ready.wait().await;
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<Arc<Service>> {
        self.services.get(&ObjectRef::new(name).within(namespace))
    }

    /// The pods in the Service's namespace its selector matches (none without a selector).
    pub fn pods_for(&self, svc: &Service) -> Vec<Arc<Pod>> {
        let Some(sel) = managed_selector(svc) else {
            return Vec::new();
        };
        let ns = svc.namespace();
        self.pods
            .state_filter(|p| p.namespace() == ns && selects(sel, p.labels()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Container, ContainerPort, PodCondition, PodIP, PodSpec, PodStatus, ServiceSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

    pub(crate) fn pod(name: &str, ip: &str, ready: bool) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                uid: Some(format!("uid-{name}")),
                labels: Some([("app".to_string(), "web".to_string())].into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    ports: Some(vec![ContainerPort {
                        name: Some("http".into()),
                        container_port: 8080,
                        ..Default::default()
                    }]),
                    ..Default::default()
                }],
                node_name: Some("node-a".into()),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some("Running".into()),
                pod_ip: Some(ip.into()),
                pod_ips: Some(vec![PodIP { ip: ip.into() }]),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    pub(crate) fn service(ports: Vec<ServicePort>) -> Service {
        Service {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                uid: Some("svc-uid".into()),
                ..Default::default()
            },
            spec: Some(ServiceSpec {
                selector: Some([("app".to_string(), "web".to_string())].into()),
                ports: Some(ports),
                ip_families: Some(vec!["IPv4".into()]),
                ..Default::default()
            }),
            status: None,
        }
    }

    pub(crate) fn svc_port(name: &str, port: i32, target: IntOrString) -> ServicePort {
        ServicePort {
            name: Some(name.into()).filter(|n: &String| !n.is_empty()),
            port,
            protocol: Some("TCP".into()),
            target_port: Some(target),
            ..Default::default()
        }
    }

    fn ips(list: &Option<Vec<EndpointAddress>>) -> Vec<&str> {
        list.iter().flatten().map(|a| a.ip.as_str()).collect()
    }

    #[test]
    fn target_ports_resolve_numbers_names_and_defaults() {
        let p = pod("a", "198.18.0.1", true);
        let by_name = svc_port("", 80, IntOrString::String("http".into()));
        assert_eq!(find_port(&p, &by_name), Some(8080));
        let missing = svc_port("", 80, IntOrString::String("metrics".into()));
        assert_eq!(find_port(&p, &missing), None);
        let mut udp = by_name.clone();
        udp.protocol = Some("UDP".into());
        assert_eq!(find_port(&p, &udp), None, "protocols must match");
        assert_eq!(
            find_port(&p, &svc_port("", 80, IntOrString::Int(9090))),
            Some(9090)
        );
        let mut unset = by_name.clone();
        unset.target_port = None;
        assert_eq!(find_port(&p, &unset), Some(80));
    }

    #[test]
    fn sidecar_ports_count_but_plain_init_containers_do_not() {
        let mut p = pod("a", "198.18.0.1", true);
        let init = Container {
            name: "init".into(),
            ports: Some(vec![ContainerPort {
                name: Some("side".into()),
                container_port: 7000,
                ..Default::default()
            }]),
            ..Default::default()
        };
        p.spec.as_mut().unwrap().init_containers = Some(vec![init.clone()]);
        let sp = svc_port("", 80, IntOrString::String("side".into()));
        assert_eq!(find_port(&p, &sp), None);
        let mut sidecar = init;
        sidecar.restart_policy = Some("Always".into());
        p.spec.as_mut().unwrap().init_containers = Some(vec![sidecar]);
        assert_eq!(find_port(&p, &sp), Some(7000));
    }

    #[test]
    fn ready_and_not_ready_pods_share_a_subset() {
        let svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let (a, b, c) = (
            pod("a", "198.18.0.2", true),
            pod("b", "198.18.0.1", false),
            pod("c", "198.18.0.3", true),
        );
        let subsets = endpoint_subsets(&svc, &[&a, &b, &c]);
        assert_eq!(subsets.len(), 1);
        assert_eq!(ips(&subsets[0].addresses), ["198.18.0.2", "198.18.0.3"]);
        assert_eq!(ips(&subsets[0].not_ready_addresses), ["198.18.0.1"]);
        let port = &subsets[0].ports.as_ref().unwrap()[0];
        assert_eq!((port.port, port.protocol.as_deref()), (8080, Some("TCP")));
        let addr = &subsets[0].addresses.as_ref().unwrap()[0];
        assert_eq!(addr.node_name.as_deref(), Some("node-a"));
        let r = addr.target_ref.as_ref().unwrap();
        assert_eq!(
            (r.kind.as_deref(), r.name.as_deref(), r.uid.as_deref()),
            (Some("Pod"), Some("a"), Some("uid-a"))
        );
    }

    #[test]
    fn publish_not_ready_lists_every_pod_as_ready_including_terminating() {
        let mut svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let a = pod("a", "198.18.0.1", false);
        let mut b = pod("b", "198.18.0.2", true);
        b.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let subsets = endpoint_subsets(&svc, &[&a, &b]);
        assert_eq!(ips(&subsets[0].not_ready_addresses), ["198.18.0.1"]);
        assert!(
            subsets[0].addresses.is_none(),
            "terminating pods are left out"
        );
        svc.spec.as_mut().unwrap().publish_not_ready_addresses = Some(true);
        let subsets = endpoint_subsets(&svc, &[&a, &b]);
        assert_eq!(ips(&subsets[0].addresses), ["198.18.0.1", "198.18.0.2"]);
        assert!(subsets[0].not_ready_addresses.is_none());
    }

    #[test]
    fn pods_without_ip_or_finished_are_left_out() {
        let svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let mut no_ip = pod("a", "", true);
        no_ip.status.as_mut().unwrap().pod_ips = None;
        let mut done = pod("b", "198.18.0.2", false);
        done.status.as_mut().unwrap().phase = Some("Succeeded".into());
        assert!(endpoint_subsets(&svc, &[&no_ip, &done]).is_empty());
    }

    #[test]
    fn named_ports_split_subsets_by_the_ports_each_pod_serves() {
        let svc = service(vec![
            svc_port("http", 80, IntOrString::String("http".into())),
            svc_port("admin", 81, IntOrString::Int(9000)),
        ]);
        let a = pod("a", "198.18.0.1", true);
        let mut b = pod("b", "198.18.0.2", true);
        b.spec.as_mut().unwrap().containers[0].ports = None;
        let subsets = endpoint_subsets(&svc, &[&a, &b]);
        assert_eq!(subsets.len(), 2, "{subsets:?}");
        let both = subsets
            .iter()
            .find(|s| ips(&s.addresses) == ["198.18.0.1", "198.18.0.2"])
            .unwrap();
        let names: Vec<_> = both
            .ports
            .iter()
            .flatten()
            .map(|p| (p.name.as_deref().unwrap(), p.port))
            .collect();
        assert_eq!(names, [("admin", 9000)]);
        let only_a = subsets
            .iter()
            .find(|s| ips(&s.addresses) == ["198.18.0.1"])
            .unwrap();
        assert_eq!(only_a.ports.as_ref().unwrap()[0].port, 8080);
    }

    #[test]
    fn not_ready_wins_when_an_address_is_seen_twice() {
        let svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let a = pod("a", "198.18.0.1", true);
        let mut a2 = a.clone();
        a2.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].status = "False".into();
        let subsets = endpoint_subsets(&svc, &[&a, &a2]);
        assert_eq!(ips(&subsets[0].not_ready_addresses), ["198.18.0.1"]);
        assert!(subsets[0].addresses.is_none());
    }

    #[test]
    fn headless_without_ports_lists_addresses_and_hostnames() {
        let mut svc = service(Vec::new());
        let mut a = pod("a", "198.18.0.1", true);
        a.spec.as_mut().unwrap().hostname = Some("a-0".into());
        a.spec.as_mut().unwrap().subdomain = Some("web".into());
        assert!(endpoint_subsets(&svc, &[&a]).is_empty(), "not headless");
        svc.spec.as_mut().unwrap().cluster_ip = Some("None".into());
        let subsets = endpoint_subsets(&svc, &[&a]);
        assert_eq!(subsets.len(), 1);
        assert!(subsets[0].ports.is_none());
        let addr = &subsets[0].addresses.as_ref().unwrap()[0];
        assert_eq!(addr.hostname.as_deref(), Some("a-0"));
    }

    #[test]
    fn addresses_follow_the_service_family() {
        let mut svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let mut a = pod("a", "198.18.0.1", true);
        a.status.as_mut().unwrap().pod_ips = Some(vec![
            PodIP {
                ip: "198.18.0.1".into(),
            },
            PodIP {
                ip: "2001:db8::1".into(),
            },
        ]);
        assert_eq!(endpoint_address(&svc, &a).unwrap().ip, "198.18.0.1");
        svc.spec.as_mut().unwrap().ip_families = Some(vec!["IPv6".into()]);
        assert_eq!(endpoint_address(&svc, &a).unwrap().ip, "2001:db8::1");
    }

    #[test]
    fn truncation_drops_not_ready_addresses_first() {
        let addrs = |prefix: &str, n: usize| {
            Some(
                (0..n)
                    .map(|i| EndpointAddress {
                        ip: format!("{prefix}{i}"),
                        ..Default::default()
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let mut subsets = vec![EndpointSubset {
            addresses: addrs("r", 900),
            not_ready_addresses: addrs("n", 300),
            ports: None,
        }];
        assert!(truncate(&mut subsets));
        assert_eq!(subsets[0].addresses.as_ref().unwrap().len(), 900);
        assert_eq!(subsets[0].not_ready_addresses.as_ref().unwrap().len(), 100);
        let mut small = vec![EndpointSubset {
            addresses: addrs("r", 10),
            ..Default::default()
        }];
        assert!(!truncate(&mut small));
    }

    #[test]
    fn normalization_ignores_empty_lists_and_resource_versions() {
        let svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        let a = pod("a", "198.18.0.1", true);
        let want = endpoint_subsets(&svc, &[&a]);
        let mut got = want.clone();
        got[0].not_ready_addresses = Some(Vec::new());
        got[0].addresses.as_mut().unwrap()[0]
            .target_ref
            .as_mut()
            .unwrap()
            .resource_version = Some("7".into());
        got[0].ports.as_mut().unwrap()[0].name = Some(String::new());
        assert_eq!(
            normalize_subsets(Some(&got)),
            normalize_subsets(Some(&want))
        );
    }

    #[test]
    fn trigger_time_is_creation_first_then_earliest_new_change() {
        let tracker = TriggerTimeTracker::default();
        let mut svc = service(Vec::new());
        let created: Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
        svc.metadata.creation_timestamp = Some(Time(created));
        let mut a = pod("a", "198.18.0.1", true);
        assert_eq!(tracker.compute(&svc, &[&a]), Some(created));
        assert_eq!(tracker.compute(&svc, &[&a]), None, "nothing changed");
        let t: Timestamp = "2025-01-01T00:00:05.25Z".parse().unwrap();
        a.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].last_transition_time =
            Some(Time(t));
        assert_eq!(tracker.compute(&svc, &[&a]), Some(t));
        assert_eq!(format_time(t), "2025-01-01T00:00:05.25Z");
        assert_eq!(format_time(created), "2025-01-01T00:00:00Z");
        tracker.forget("default", "web");
        assert_eq!(tracker.compute(&svc, &[&a]), Some(created));
    }

    #[test]
    fn empty_selectors_and_external_names_are_not_managed() {
        let mut svc = service(Vec::new());
        assert!(managed_selector(&svc).is_some());
        svc.spec.as_mut().unwrap().selector = Some(BTreeMap::new());
        assert!(managed_selector(&svc).is_none());
        let mut ext = service(Vec::new());
        ext.spec.as_mut().unwrap().type_ = Some("ExternalName".into());
        assert!(managed_selector(&ext).is_none());
    }

    #[tokio::test]
    async fn readiness_wakes_every_waiter() {
        let ready = Readiness::default();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let r = ready.clone();
                tokio::spawn(async move { r.wait().await })
            })
            .collect();
        tokio::task::yield_now().await;
        ready.observe::<Pod>(&Event::Init);
        ready.observe::<Pod>(&Event::InitDone);
        for w in waiters {
            tokio::time::timeout(std::time::Duration::from_secs(5), w)
                .await
                .expect("woken")
                .unwrap();
        }
        // Late waiters return at once.
        ready.wait().await;
    }

    #[test]
    fn pod_triggers_cover_old_and_new_labels_and_skip_noise() {
        let (store, mut writer) = reflector::store::<Service>();
        let mut other = service(Vec::new());
        other.metadata.name = Some("other".into());
        other.spec.as_mut().unwrap().selector = Some([("app".into(), "other".into())].into());
        for s in [service(Vec::new()), other] {
            writer.apply_watcher_event(&Event::Apply(s));
        }
        let mut t = PodTriggers::default();
        let a = pod("a", "198.18.0.1", false);
        let names = |refs: Vec<ObjectRef<Service>>| {
            let mut v: Vec<String> = refs.into_iter().map(|r| r.name).collect();
            v.sort();
            v
        };
        assert_eq!(names(t.handle(&Event::Apply(a.clone()), &store)), ["web"]);
        let mut annotated = a.clone();
        annotated.metadata.annotations = Some([("x".into(), "y".into())].into());
        assert!(t.handle(&Event::Apply(annotated), &store).is_empty());
        let mut moved = a.clone();
        moved.metadata.labels = Some([("app".into(), "other".into())].into());
        assert_eq!(
            names(t.handle(&Event::Apply(moved.clone()), &store)),
            ["other", "web"]
        );
        assert_eq!(names(t.handle(&Event::Delete(moved), &store)), ["other"]);
        // A pod that vanished while the watch was down is noticed at the relist.
        t.handle(&Event::Apply(a.clone()), &store);
        t.handle(&Event::Init, &store);
        assert_eq!(names(t.handle(&Event::InitDone, &store)), ["web"]);
    }
}

//! EndpointSlice controller: for every Service with a selector, keeps discovery.k8s.io/v1
//! EndpointSlices (at most 100 endpoints each, one group per distinct port set and address
//! type) listing the pods it selects with their ready/serving/terminating conditions.
//!
//! Slices are named `<service>-<random>`, labelled with the Service's name and this controller,
//! and owned by the Service. Existing slices are updated in place where their endpoints changed,
//! filled up before new ones are created, and deleted when empty; a Service with no endpoints
//! keeps one empty placeholder slice. Nothing is written when nothing changed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{stream, StreamExt};
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::runtime::controller::{self, applier, Action};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client, ResourceExt};

use crate::pods::{self, controller_ref};
use crate::service_endpoints::{
    self as se, Informers, Readiness, TriggerTimeTracker, TRIGGER_TIME_ANNOTATION,
};
use crate::{Context, Error, Result};

pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
/// Services reconciled at once.
const CONCURRENCY: u16 = 8;

/// What this controller last wrote per slice (`namespace/name`): the resource version of its
/// write, or None for a delete. Watch events for those are its own and trigger nothing.
#[derive(Default)]
struct WriteTracker(Mutex<HashMap<String, Option<String>>>);

impl WriteTracker {
    fn record(&self, slice: &EndpointSlice, deleted: bool) {
        let key = format!(
            "{}/{}",
            slice.namespace().unwrap_or_default(),
            slice.name_any()
        );
        let rv = (!deleted).then(|| slice.resource_version().unwrap_or_default());
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, rv);
    }

    /// Whether a watch event for `slice` reports something other than this controller's write.
    fn is_foreign(&self, slice: &EndpointSlice, deleted: bool) -> bool {
        let key = format!(
            "{}/{}",
            slice.namespace().unwrap_or_default(),
            slice.name_any()
        );
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if deleted {
            return !matches!(map.remove(&key), Some(None));
        }
        map.get(&key) != Some(&slice.resource_version())
    }
}

struct Shared {
    ctx: Context,
    informers: Informers,
    nodes: Store<Node>,
    nodes_ready: Readiness,
    tracker: TriggerTimeTracker,
    writes: WriteTracker,
}

pub async fn run(ctx: Context) {
    let client = ctx.client.clone();
    let (informers, triggers) = Informers::start(&client);
    let services = informers.services.clone();
    let (nodes, node_writer) = reflector::store::<Node>();
    let nodes_ready = Readiness::default();
    let node_readiness = nodes_ready.clone();
    let node_stream = reflector::reflector(
        node_writer,
        watcher::watcher(Api::<Node>::all(client.clone()), watcher::Config::default())
            .default_backoff(),
    )
    .filter_map(move |ev| {
        if let Ok(ev) = &ev {
            node_readiness.observe(ev);
        }
        futures::future::ready(None::<ObjectRef<Service>>)
    });
    let shared = Arc::new(Shared {
        ctx,
        informers,
        nodes,
        nodes_ready,
        tracker: TriggerTimeTracker::default(),
        writes: WriteTracker::default(),
    });
    let queue = stream::select_all([
        triggers,
        node_stream.boxed(),
        slice_changes(client, shared.clone()).boxed(),
    ])
    .map(Ok::<_, Infallible>);
    applier(
        |svc, shared| {
            Box::pin(async move {
                tokio::spawn(reconcile(svc, shared))
                    .await
                    .unwrap_or_else(|e| Err(Error::Invalid(e.to_string())))
            })
        },
        error_policy,
        shared.clone(),
        services,
        queue,
        controller::Config::default().concurrency(CONCURRENCY),
    )
    .for_each_concurrent(16, |res| {
        let shared = shared.clone();
        async move {
            match res {
                Err(controller::Error::ObjectNotFound(r)) => {
                    remove(&shared, r.namespace.as_deref().unwrap_or_default(), &r.name).await
                }
                Err(e) => tracing::debug!(error = %e, "endpointslice sync failed"),
                Ok(_) => {}
            }
        }
    })
    .await;
}

fn error_policy(_svc: Arc<Service>, err: &Error, _shared: Arc<Shared>) -> Action {
    tracing::debug!(error = %err, "endpointslice reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// Changes to managed slices made by anyone else (including deletions and slices of Services
/// that are gone): the owning Service's key.
fn slice_changes(
    client: Client,
    shared: Arc<Shared>,
) -> impl futures::Stream<Item = ObjectRef<Service>> + Send {
    let config = watcher::Config::default().labels(&format!("{LABEL_MANAGED_BY}={MANAGED_BY}"));
    watcher::watcher(Api::<EndpointSlice>::all(client), config)
        .default_backoff()
        .filter_map(move |ev| {
            let slice = match ev {
                Ok(Event::Apply(s) | Event::InitApply(s)) => {
                    shared.writes.is_foreign(&s, false).then_some(s)
                }
                Ok(Event::Delete(s)) => shared.writes.is_foreign(&s, true).then_some(s),
                _ => None,
            };
            let key = slice.and_then(|s| {
                let svc = s.labels().get(LABEL_SERVICE_NAME)?.clone();
                Some(ObjectRef::new(&svc).within(&s.namespace().unwrap_or_default()))
            });
            futures::future::ready(key)
        })
}

fn managed_selector_for(name: &str) -> String {
    format!("{LABEL_SERVICE_NAME}={name},{LABEL_MANAGED_BY}={MANAGED_BY}")
}

/// Deletes the slices of a Service that no longer exists (the API, not the cache, decides).
async fn remove(shared: &Shared, ns: &str, name: &str) {
    let client = &shared.ctx.client;
    let svcs: Api<Service> = Api::namespaced(client.clone(), ns);
    let api: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    for attempt in 0..5u32 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
        }
        match svcs.get_opt(name).await {
            Ok(Some(_)) => return,
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(error = %e, "reading service failed");
                continue;
            }
        }
        shared.tracker.forget(ns, name);
        let listed = match api
            .list(&ListParams::default().labels(&managed_selector_for(name)))
            .await
        {
            Ok(l) => l.items,
            Err(e) => {
                tracing::debug!(error = %e, "listing endpointslices failed");
                continue;
            }
        };
        let mut failed = false;
        for slice in listed {
            shared.writes.record(&slice, true);
            match api
                .delete(&slice.name_any(), &DeleteParams::default())
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => {
                    tracing::debug!(error = %e, "deleting endpointslice failed");
                    failed = true;
                }
            }
        }
        if !failed {
            return;
        }
    }
}

/// The address types a Service's slices carry: its IP families; for old objects without them
/// the family of its cluster IP, or both for headless Services.
fn address_types(svc: &Service) -> Vec<&'static str> {
    let spec = svc.spec.as_ref();
    let mut types = Vec::new();
    for f in spec
        .and_then(|s| s.ip_families.as_ref())
        .into_iter()
        .flatten()
    {
        let t = match f.as_str() {
            "IPv4" => "IPv4",
            "IPv6" => "IPv6",
            _ => continue,
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    if !types.is_empty() {
        return types;
    }
    match spec.and_then(|s| s.cluster_ip.as_deref()) {
        Some(ip) if !ip.is_empty() && ip != "None" => {
            vec![if se::is_ipv6(ip) { "IPv6" } else { "IPv4" }]
        }
        _ => vec!["IPv4", "IPv6"],
    }
}

/// Labels of a Service's slices: the Service's own (minus the reserved ones), the headless
/// marker, the Service's name and this controller.
fn slice_labels(svc: &Service) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = svc
        .labels()
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                LABEL_SERVICE_NAME | LABEL_MANAGED_BY | se::LABEL_HEADLESS
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if se::is_headless(svc) {
        labels.insert(se::LABEL_HEADLESS.into(), String::new());
    }
    labels.insert(LABEL_SERVICE_NAME.into(), svc.name_any());
    labels.insert(LABEL_MANAGED_BY.into(), MANAGED_BY.into());
    labels
}

fn owned_by(slice: &EndpointSlice, svc: &Service) -> bool {
    slice.owner_references().iter().any(|o| {
        Some(&o.uid) == svc.metadata.uid.as_ref() && o.kind == "Service" && o.api_version == "v1"
    })
}

/// The ports a pod serves for the Service; ports whose named target the pod lacks are left out.
fn endpoint_ports(svc: &Service, pod: &Pod) -> Vec<EndpointPort> {
    se::service_ports(svc)
        .iter()
        .filter_map(|sp| {
            let num = se::find_port(pod, sp)?;
            Some(EndpointPort {
                name: Some(sp.name.clone().unwrap_or_default()),
                port: Some(num),
                protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

type PortKey = Vec<(String, Option<i32>, String, String)>;

fn port_key(ports: &[EndpointPort]) -> PortKey {
    let mut key: PortKey = ports
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.port,
                p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                p.app_protocol.clone().unwrap_or_default(),
            )
        })
        .collect();
    key.sort();
    key
}

/// What identifies an endpoint across syncs: its addresses, hostname and pod.
type EndpointKey = (Vec<String>, String, String, String);

fn endpoint_key(ep: &Endpoint) -> EndpointKey {
    let mut addresses = ep.addresses.clone();
    addresses.sort();
    let r = ep.target_ref.as_ref();
    (
        addresses,
        ep.hostname.clone().unwrap_or_default(),
        r.and_then(|r| r.namespace.clone()).unwrap_or_default(),
        r.and_then(|r| r.name.clone()).unwrap_or_default(),
    )
}

/// Equal as far as the controller is concerned (the pod's resource version does not count).
fn endpoint_equal(want: &Endpoint, have: &Endpoint) -> bool {
    let mut have = have.clone();
    if let Some(r) = have.target_ref.as_mut() {
        r.resource_version = None;
    }
    *want == have
}

/// A pod's endpoint for the Service in one address family.
fn pod_endpoint(svc: &Service, pod: &Pod, zone: Option<String>, address_type: &str) -> Endpoint {
    let serving = pods::is_ready(pod);
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = se::publishes_not_ready(svc) || (serving && !terminating);
    let addresses = se::pod_ips(pod)
        .into_iter()
        .filter(|ip| match address_type {
            "IPv6" => se::is_ipv6(ip),
            _ => se::is_ipv4(ip),
        })
        .map(str::to_string)
        .collect();
    let spec = pod.spec.as_ref();
    Endpoint {
        addresses,
        conditions: Some(EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        }),
        hostname: se::should_set_hostname(pod, svc)
            .then(|| spec.and_then(|s| s.hostname.clone()))
            .flatten(),
        node_name: spec
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty()),
        target_ref: Some(se::pod_reference(pod)),
        zone,
        ..Default::default()
    }
}

fn new_slice(svc: &Service, ports: Vec<EndpointPort>, address_type: &str) -> EndpointSlice {
    let name = svc.name_any();
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!("{name}-")),
            namespace: svc.namespace(),
            labels: Some(slice_labels(svc)),
            owner_references: controller_ref(svc).map(|r| vec![r]),
            ..Default::default()
        },
        address_type: address_type.into(),
        endpoints: Vec::new(),
        ports: Some(ports),
    }
}

/// How a node's zone is known: the node's name → None if the node does not exist, else its
/// zone label (if any).
pub type ZoneOf<'a> = &'a dyn Fn(&str) -> Option<Option<String>>;

/// Writes that bring a Service's slices to the desired state.
#[derive(Debug, Default)]
pub struct Plan {
    pub create: Vec<EndpointSlice>,
    pub update: Vec<EndpointSlice>,
    pub delete: Vec<EndpointSlice>,
    /// Some pods were left out because their node does not exist (yet).
    pub missing_nodes: bool,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.delete.is_empty()
    }
}

/// Compares the desired slices for a Service and its selected pods with the existing managed
/// slices and works out the writes.
pub fn plan(
    svc: &Service,
    pods: &[&Pod],
    zone_of: ZoneOf<'_>,
    existing: Vec<EndpointSlice>,
) -> Plan {
    let mut plan = Plan::default();
    let types = address_types(svc);
    let mut by_type: BTreeMap<String, Vec<EndpointSlice>> = BTreeMap::new();
    for slice in existing {
        if types.contains(&slice.address_type.as_str()) {
            by_type
                .entry(slice.address_type.clone())
                .or_default()
                .push(slice);
        } else {
            plan.delete.push(slice);
        }
    }
    for t in types {
        let existing = by_type.remove(t).unwrap_or_default();
        plan_address_type(svc, pods, zone_of, existing, t, &mut plan);
    }
    plan
}

fn plan_address_type(
    svc: &Service,
    pods: &[&Pod],
    zone_of: ZoneOf<'_>,
    existing: Vec<EndpointSlice>,
    address_type: &str,
    plan: &mut Plan,
) {
    let existing_count = existing.len();
    let mut to_delete = Vec::new();
    let mut existing_by_ports: BTreeMap<PortKey, Vec<EndpointSlice>> = BTreeMap::new();
    for slice in existing {
        if owned_by(&slice, svc) {
            existing_by_ports
                .entry(port_key(slice.ports.as_deref().unwrap_or_default()))
                .or_default()
                .push(slice);
        } else {
            to_delete.push(slice);
        }
    }

    type Desired = (Vec<EndpointPort>, BTreeMap<EndpointKey, Endpoint>);
    let mut desired: BTreeMap<PortKey, Desired> = BTreeMap::new();
    for pod in pods {
        if !se::should_pod_be_in_endpoints(pod, true) {
            continue;
        }
        let ports = endpoint_ports(svc, pod);
        let entry = desired
            .entry(port_key(&ports))
            .or_insert_with(|| (ports, BTreeMap::new()));
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .filter(|n| !n.is_empty());
        let zone = match node.map(zone_of) {
            None => None,
            Some(Some(zone)) => zone,
            // The node is gone: leave the pod out (and retry later) unless the Service
            // publishes addresses regardless.
            Some(None) if se::publishes_not_ready(svc) => None,
            Some(None) => {
                plan.missing_nodes = true;
                continue;
            }
        };
        let ep = pod_endpoint(svc, pod, zone, address_type);
        if !ep.addresses.is_empty() {
            entry.1.insert(endpoint_key(&ep), ep);
        }
    }

    let mut to_create = Vec::new();
    let mut to_update = Vec::new();
    for (key, (ports, endpoints)) in desired {
        let existing = existing_by_ports.remove(&key).unwrap_or_default();
        let (c, u, d) = plan_port_set(svc, existing, endpoints, ports, address_type);
        to_create.extend(c);
        to_update.extend(u);
        to_delete.extend(d);
    }
    // Port sets no pod serves any more.
    to_delete.extend(existing_by_ports.into_values().flatten());

    // A Service with no endpoints keeps one empty placeholder slice.
    if existing_count == to_delete.len() && to_create.is_empty() {
        let placeholder = new_slice(svc, Vec::new(), address_type);
        if to_delete.len() == 1 && is_placeholder_like(&to_delete[0], &placeholder, svc) {
            to_delete.clear();
        } else {
            to_create.push(placeholder);
        }
    }

    // Rather than deleting one slice and creating another, reuse the one being deleted.
    let mut i = 0;
    while i < to_delete.len() && !to_create.is_empty() {
        let old = &to_delete[i];
        if old.address_type == address_type && owned_by(old, svc) {
            let new = to_create.pop().expect("checked non-empty");
            let mut reused = to_delete.remove(i);
            reused.endpoints = new.endpoints;
            reused.ports = new.ports;
            reused.metadata.labels = new.metadata.labels;
            reused.metadata.owner_references = new.metadata.owner_references;
            to_update.push(reused);
        } else {
            i += 1;
        }
    }
    plan.create.extend(to_create);
    plan.update.extend(to_update);
    plan.delete.extend(to_delete);
}

fn is_placeholder_like(slice: &EndpointSlice, placeholder: &EndpointSlice, svc: &Service) -> bool {
    slice.namespace() == placeholder.namespace()
        && slice.labels() == placeholder.labels()
        && slice.address_type == placeholder.address_type
        && slice.endpoints.is_empty()
        && slice.ports.as_ref().is_none_or(Vec::is_empty)
        && owned_by(slice, svc)
}

/// Slices of one port set: keeps endpoints in the slices that hold them (updating changed
/// ones), deletes slices left empty, then places new endpoints into slices being updated
/// anyway, then into the unchanged slice they fit best, then into new slices.
fn plan_port_set(
    svc: &Service,
    existing: Vec<EndpointSlice>,
    mut desired: BTreeMap<EndpointKey, Endpoint>,
    ports: Vec<EndpointPort>,
    address_type: &str,
) -> (Vec<EndpointSlice>, Vec<EndpointSlice>, Vec<EndpointSlice>) {
    let labels = slice_labels(svc);
    let mut by_name: BTreeMap<String, EndpointSlice> = BTreeMap::new();
    let mut unchanged: BTreeSet<String> = BTreeSet::new();
    let mut updating: BTreeSet<String> = BTreeSet::new();
    let mut deleting: BTreeSet<String> = BTreeSet::new();

    for slice in existing {
        let name = slice.name_any();
        let mut kept = Vec::new();
        let mut changed = false;
        for ep in &slice.endpoints {
            if let Some(want) = desired.remove(&endpoint_key(ep)) {
                changed |= !endpoint_equal(&want, ep);
                kept.push(want);
            }
        }
        let labels_changed = slice.labels() != &labels;
        if changed || kept.len() != slice.endpoints.len() {
            if kept.is_empty() {
                deleting.insert(name.clone());
                by_name.insert(name, slice);
            } else {
                let mut s = slice;
                s.endpoints = kept;
                s.metadata.labels = Some(labels.clone());
                updating.insert(name.clone());
                by_name.insert(name, s);
            }
        } else if labels_changed {
            let mut s = slice;
            s.metadata.labels = Some(labels.clone());
            updating.insert(name.clone());
            by_name.insert(name, s);
        } else {
            unchanged.insert(name.clone());
            by_name.insert(name, slice);
        }
    }

    // Fill the slices being written anyway, fullest first.
    if !desired.is_empty() && !updating.is_empty() {
        let mut names: Vec<&String> = updating.iter().collect();
        names.sort_by_key(|n| std::cmp::Reverse(by_name[*n].endpoints.len()));
        for name in names {
            let slice = by_name.get_mut(name).expect("known slice");
            while slice.endpoints.len() < MAX_ENDPOINTS_PER_SLICE {
                let Some((_, ep)) = desired.pop_first() else {
                    break;
                };
                slice.endpoints.push(ep);
            }
        }
    }

    let mut create = Vec::new();
    while !desired.is_empty() {
        let fill = if desired.len() < MAX_ENDPOINTS_PER_SLICE {
            slice_to_fill(&unchanged, &by_name, desired.len())
        } else {
            None
        };
        let mut slice = match &fill {
            Some(name) => by_name.remove(name).expect("known slice"),
            None => new_slice(svc, ports.clone(), address_type),
        };
        while slice.endpoints.len() < MAX_ENDPOINTS_PER_SLICE {
            let Some((_, ep)) = desired.pop_first() else {
                break;
            };
            slice.endpoints.push(ep);
        }
        match fill {
            Some(name) => {
                unchanged.remove(&name);
                updating.insert(name.clone());
                by_name.insert(name, slice);
            }
            None => create.push(slice),
        }
    }

    let take = |names: &BTreeSet<String>, by_name: &mut BTreeMap<String, EndpointSlice>| {
        names
            .iter()
            .filter_map(|n| by_name.remove(n))
            .collect::<Vec<_>>()
    };
    let update = take(&updating, &mut by_name);
    let delete = take(&deleting, &mut by_name);
    (create, update, delete)
}

/// The unchanged slice that ends up closest to full when `count` endpoints are added.
fn slice_to_fill(
    unchanged: &BTreeSet<String>,
    by_name: &BTreeMap<String, EndpointSlice>,
    count: usize,
) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for name in unchanged {
        let len = by_name[name].endpoints.len();
        if len + count > MAX_ENDPOINTS_PER_SLICE {
            continue;
        }
        let room = MAX_ENDPOINTS_PER_SLICE - len - count;
        if best.is_none_or(|(r, _)| room < r) {
            best = Some((room, name));
            if room == 0 {
                break;
            }
        }
    }
    best.map(|(_, n)| n.clone())
}

fn stamp(slice: &mut EndpointSlice, trigger_time: Option<Timestamp>) {
    slice.metadata.managed_fields = None;
    let annotations = slice.annotations_mut();
    match trigger_time {
        Some(t) => {
            annotations.insert(TRIGGER_TIME_ANNOTATION.into(), se::format_time(t));
        }
        None => {
            annotations.remove(TRIGGER_TIME_ANNOTATION);
        }
    }
    if annotations.is_empty() {
        slice.metadata.annotations = None;
    }
}

async fn reconcile(svc: Arc<Service>, shared: Arc<Shared>) -> Result<Action> {
    shared.informers.ready().await;
    shared.nodes_ready.wait().await;
    if se::managed_selector(&svc).is_none() {
        return Ok(Action::await_change());
    }
    let ns = svc.namespace().unwrap_or_default();
    let name = svc.name_any();
    let pods = shared.informers.pods_for(&svc);
    let pods: Vec<&Pod> = pods.iter().map(AsRef::as_ref).collect();
    let trigger_time = shared.tracker.compute(&svc, &pods);
    let api: Api<EndpointSlice> = Api::namespaced(shared.ctx.client.clone(), &ns);
    let existing = api
        .list(&ListParams::default().labels(&managed_selector_for(&name)))
        .await?
        .items;
    let nodes = &shared.nodes;
    let zone_of = |node: &str| {
        nodes
            .get(&ObjectRef::new(node))
            .map(|n| n.labels().get(LABEL_ZONE).cloned())
    };
    let mut plan = plan(&svc, &pods, &zone_of, existing);
    if plan.missing_nodes {
        tracing::debug!(service = %format!("{ns}/{name}"), "pods on unknown nodes left out");
    }
    let requeue = if plan.missing_nodes {
        Action::requeue(Duration::from_secs(5))
    } else {
        Action::await_change()
    };
    if plan.is_empty() {
        return Ok(requeue);
    }
    // No new slices for a Service on its way out.
    if svc.metadata.deletion_timestamp.is_some() {
        plan.create.clear();
    }
    let mut errors = Vec::new();
    let params = PostParams::default();
    for mut slice in plan.create {
        stamp(&mut slice, trigger_time);
        match api.create(&params, &slice).await {
            Ok(created) => shared.writes.record(&created, false),
            Err(e) => errors.push(e),
        }
    }
    for mut slice in plan.update {
        stamp(&mut slice, trigger_time);
        match api.replace(&slice.name_any(), &params, &slice).await {
            Ok(updated) => shared.writes.record(&updated, false),
            Err(e) => errors.push(e),
        }
    }
    for slice in plan.delete {
        shared.writes.record(&slice, true);
        match api
            .delete(&slice.name_any(), &DeleteParams::default())
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => errors.push(e),
        }
    }
    let Some(first) = errors.into_iter().next() else {
        return Ok(requeue);
    };
    if matches!(&first, kube::Error::Api(e) if e.code == 403 && e.message.contains("being terminated"))
    {
        return Ok(Action::await_change());
    }
    shared
        .ctx
        .event(
            &crate::replicaset::reference(svc.as_ref()),
            true,
            "FailedToUpdateEndpointSlices",
            "Update",
            format!("Error updating Endpoint Slices for Service {ns}/{name}: {first}"),
        )
        .await;
    Err(first.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service_endpoints::tests::{pod, service, svc_port};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn web() -> Service {
        service(vec![svc_port(
            "http",
            80,
            IntOrString::String("http".into()),
        )])
    }

    fn zones(node: &str) -> Option<Option<String>> {
        match node {
            "node-a" => Some(Some("zone-1".into())),
            "node-b" => Some(None),
            _ => None,
        }
    }

    /// What the API returns after creating `slice`.
    fn stored(mut slice: EndpointSlice, n: usize) -> EndpointSlice {
        slice.metadata.name = Some(format!("web-{n:05}"));
        slice.metadata.resource_version = Some(n.to_string());
        slice
    }

    fn numbered_pods(n: usize) -> Vec<Pod> {
        (0..n)
            .map(|i| {
                pod(
                    &format!("p{i:03}"),
                    &format!("198.18.{}.{}", i / 250, i % 250 + 1),
                    true,
                )
            })
            .collect()
    }

    #[test]
    fn one_slice_with_conditions_zone_and_owner() {
        let svc = web();
        let a = pod("a", "198.18.0.1", true);
        let mut b = pod("b", "198.18.0.2", false);
        b.spec.as_mut().unwrap().node_name = Some("node-b".into());
        let mut c = pod("c", "198.18.0.3", true);
        c.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let p = plan(&svc, &[&a, &b, &c], &zones, Vec::new());
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (1, 0, 0));
        let s = &p.create[0];
        assert_eq!(s.metadata.generate_name.as_deref(), Some("web-"));
        assert_eq!(s.address_type, "IPv4");
        assert_eq!(s.labels()[LABEL_SERVICE_NAME], "web");
        assert_eq!(s.labels()[LABEL_MANAGED_BY], MANAGED_BY);
        let owner = &s.owner_references()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("Service", Some(true))
        );
        let port = &s.ports.as_ref().unwrap()[0];
        assert_eq!(
            (port.name.as_deref(), port.port),
            (Some("http"), Some(8080))
        );
        let conds: Vec<_> = s
            .endpoints
            .iter()
            .map(|e| {
                let c = e.conditions.as_ref().unwrap();
                (
                    e.addresses[0].as_str(),
                    c.ready.unwrap(),
                    c.serving.unwrap(),
                    c.terminating.unwrap(),
                    e.zone.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            conds,
            [
                ("198.18.0.1", true, true, false, Some("zone-1")),
                ("198.18.0.2", false, false, false, None),
                ("198.18.0.3", false, true, true, Some("zone-1")),
            ]
        );
        assert_eq!(s.endpoints[0].node_name.as_deref(), Some("node-a"));
        assert_eq!(
            s.endpoints[0].target_ref.as_ref().unwrap().name.as_deref(),
            Some("a")
        );
    }

    #[test]
    fn nothing_to_write_when_nothing_changed() {
        let svc = web();
        let pods = numbered_pods(3);
        let refs: Vec<&Pod> = pods.iter().collect();
        let first = plan(&svc, &refs, &zones, Vec::new());
        let existing: Vec<_> = first
            .create
            .into_iter()
            .enumerate()
            .map(|(i, s)| stored(s, i))
            .collect();
        assert!(plan(&svc, &refs, &zones, existing).is_empty());
    }

    #[test]
    fn changes_update_in_place_and_empty_slices_are_deleted() {
        let svc = web();
        let pods = numbered_pods(3);
        let refs: Vec<&Pod> = pods.iter().collect();
        let existing = vec![stored(
            plan(&svc, &refs, &zones, Vec::new()).create.remove(0),
            1,
        )];
        // One pod becomes unready: the same slice is updated.
        let mut changed = pods.clone();
        changed[1]
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()[0]
            .status = "False".into();
        let refs2: Vec<&Pod> = changed.iter().collect();
        let p = plan(&svc, &refs2, &zones, existing.clone());
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (0, 1, 0));
        assert_eq!(p.update[0].metadata.name.as_deref(), Some("web-00001"));
        let ready: Vec<bool> = p.update[0]
            .endpoints
            .iter()
            .map(|e| e.conditions.as_ref().unwrap().ready.unwrap())
            .collect();
        assert_eq!(ready, [true, false, true]);
        // All pods gone: the slice is kept as the (empty) placeholder.
        let p = plan(&svc, &[], &zones, existing);
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (0, 1, 0));
        assert!(p.update[0].endpoints.is_empty());
        assert!(p.update[0].ports.as_ref().unwrap().is_empty());
        let placeholder = stored(p.update[0].clone(), 1);
        assert!(plan(&svc, &[], &zones, vec![placeholder]).is_empty());
    }

    #[test]
    fn no_pods_means_one_placeholder() {
        let p = plan(&web(), &[], &zones, Vec::new());
        assert_eq!(p.create.len(), 1);
        assert!(p.create[0].endpoints.is_empty());
    }

    #[test]
    fn large_services_are_split_and_surplus_slices_deleted() {
        let svc = web();
        let pods = numbered_pods(250);
        let refs: Vec<&Pod> = pods.iter().collect();
        let p = plan(&svc, &refs, &zones, Vec::new());
        let sizes: Vec<usize> = p.create.iter().map(|s| s.endpoints.len()).collect();
        assert_eq!(sizes, [100, 100, 50]);
        let existing: Vec<_> = p
            .create
            .into_iter()
            .enumerate()
            .map(|(i, s)| stored(s, i))
            .collect();
        // Scale down to the pods of the first slice: the others go.
        let first: Vec<&str> = existing[0]
            .endpoints
            .iter()
            .map(|e| e.target_ref.as_ref().unwrap().name.as_deref().unwrap())
            .collect();
        let kept: Vec<&Pod> = refs
            .iter()
            .copied()
            .filter(|p| first.contains(&p.metadata.name.as_deref().unwrap()))
            .collect();
        let p = plan(&svc, &kept, &zones, existing.clone());
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (0, 0, 2));
        // A new pod goes into the slice with room.
        let extra = pod("zz", "198.18.9.9", true);
        let mut more = refs.clone();
        more.push(&extra);
        let p = plan(&svc, &more, &zones, existing);
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (0, 1, 0));
        assert_eq!(p.update[0].endpoints.len(), 51);
    }

    #[test]
    fn pods_on_missing_nodes_wait_unless_not_ready_addresses_are_published() {
        let mut svc = web();
        let mut a = pod("a", "198.18.0.1", true);
        a.spec.as_mut().unwrap().node_name = Some("gone".into());
        let p = plan(&svc, &[&a], &zones, Vec::new());
        assert!(p.missing_nodes);
        assert!(p.create[0].endpoints.is_empty());
        svc.spec.as_mut().unwrap().publish_not_ready_addresses = Some(true);
        let p = plan(&svc, &[&a], &zones, Vec::new());
        assert_eq!(p.create[0].endpoints.len(), 1);
    }

    #[test]
    fn pods_without_the_named_port_get_their_own_port_set() {
        let svc = web();
        let a = pod("a", "198.18.0.1", true);
        let mut b = pod("b", "198.18.0.2", true);
        b.spec.as_mut().unwrap().containers[0].ports = None;
        let p = plan(&svc, &[&a, &b], &zones, Vec::new());
        assert_eq!(p.create.len(), 2);
        let empty = p
            .create
            .iter()
            .find(|s| s.ports.as_ref().unwrap().is_empty())
            .unwrap();
        assert_eq!(empty.endpoints[0].addresses, ["198.18.0.2"]);
    }

    #[test]
    fn foreign_and_wrong_family_slices_are_replaced() {
        let svc = web();
        let a = pod("a", "198.18.0.1", true);
        let mut old = stored(plan(&svc, &[&a], &zones, Vec::new()).create.remove(0), 1);
        old.metadata.owner_references.as_mut().unwrap()[0].uid = "previous".into();
        let mut v6 = stored(new_slice(&svc, Vec::new(), "IPv6"), 2);
        v6.address_type = "IPv6".into();
        let p = plan(&svc, &[&a], &zones, vec![old, v6]);
        assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (1, 0, 2));
    }

    #[test]
    fn service_label_changes_reach_the_slices() {
        let mut svc = web();
        let a = pod("a", "198.18.0.1", true);
        let existing = vec![stored(
            plan(&svc, &[&a], &zones, Vec::new()).create.remove(0),
            1,
        )];
        svc.metadata.labels = Some([("team".to_string(), "blue".to_string())].into());
        let p = plan(&svc, &[&a], &zones, existing);
        assert_eq!(p.update.len(), 1);
        assert_eq!(p.update[0].labels()["team"], "blue");
    }

    #[test]
    fn own_writes_are_recognised() {
        let t = WriteTracker::default();
        let s = stored(new_slice(&web(), Vec::new(), "IPv4"), 3);
        assert!(t.is_foreign(&s, false));
        t.record(&s, false);
        assert!(!t.is_foreign(&s, false));
        let mut edited = s.clone();
        edited.metadata.resource_version = Some("4".into());
        assert!(t.is_foreign(&edited, false));
        t.record(&s, true);
        assert!(!t.is_foreign(&s, true));
        assert!(t.is_foreign(&s, true), "only once");
    }
}

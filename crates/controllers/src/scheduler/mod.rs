//! The scheduler (`default-scheduler`): assigns pending pods to nodes with kube-scheduler's
//! semantics.
//!
//! Informers for nodes, pods, PriorityClasses, namespaces, PersistentVolumeClaims,
//! PersistentVolumes and StorageClasses feed one loop that owns all state: the cache of nodes with the pods on
//! them, and of claims and volumes ([`cache`]), and the scheduling queue ([`queue`]). The
//! loop takes pods from the queue by priority, runs the filters and scores ([`algorithm`])
//! against the cache, assumes the pod onto the chosen node at once (so the next pod sees it)
//! and hands the binding (`pods/binding`) to a task, several in flight. A pod that fits
//! nowhere tries preemption ([`preemption`]), gets `PodScheduled=False` with kube-scheduler's
//! message and a `FailedScheduling` event, and waits for a cluster change that could help (or
//! a periodic retry, with back-off).
//!
//! All scheduling logic lives in I/O-free submodules; this one does the I/O.

pub mod affinity;
pub mod algorithm;
pub mod cache;
pub mod filters;
pub mod model;
pub mod preemption;
pub mod queue;
pub mod scores;
mod slim;
pub mod spread;
pub mod volumes;

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{
    Binding, Namespace, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod,
};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, Patch, PatchParams, PostParams};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::{mpsc, Semaphore};

use crate::Context;
use algorithm::Algorithm;
use cache::{Cluster, NodeChange};
use filters::kind;
use model::{Labels, NodeData, PodInfo, DEFAULT_SCHEDULER};
use queue::Queue;
use volumes::{ClaimInfo, StorageClassInfo, VolumeInfo};

/// Bindings in flight at once.
const MAX_BINDINGS_IN_FLIGHT: usize = 64;
/// Status patches and preemption deletes in flight at once.
const MAX_WRITES_IN_FLIGHT: usize = 16;
/// Pods scheduled before the loop looks at new informer messages again.
const BATCH: usize = 64;
/// Parallel event writers (each keeps its own de-duplication cache; a pod always uses the
/// same one).
const EVENT_LANES: usize = 4;
/// Events queued per lane before new ones are dropped (events are best effort).
const EVENT_QUEUE: usize = 4096;
/// How often unschedulable pods are checked for the periodic retry.
const STALE_CHECK: Duration = Duration::from_secs(1);

/// The system priority classes, which exist even before their objects are created.
fn system_priority(name: &str) -> Option<i32> {
    match name {
        "system-node-critical" => Some(2_000_001_000),
        "system-cluster-critical" => Some(2_000_000_000),
        _ => None,
    }
}

#[derive(Clone, Debug)]
struct ClassInfo {
    name: String,
    value: i32,
    global_default: bool,
    preemption_policy: Option<String>,
}

enum Update<T> {
    Apply(T),
    Delete(String),
    /// A complete listing (after the watch (re)started).
    Synced(Vec<T>),
}

enum BindOutcome {
    Bound,
    /// The pod is gone or no longer bindable (deleted, bound elsewhere).
    Gone,
    Retry,
}

enum Msg {
    Node(Update<NodeData>),
    /// Boxed: a pod's scheduling view is far larger than the other messages.
    Pod(Update<Box<PodInfo>>),
    Class(Update<ClassInfo>),
    Namespace(Update<(String, Labels)>),
    Claim(Update<ClaimInfo>),
    Volume(Update<VolumeInfo>),
    StorageClass(Update<StorageClassInfo>),
    Bound {
        key: String,
        outcome: BindOutcome,
        attempts: u32,
    },
    StatusWritten(String),
}

const SYNCED_NODES: u8 = 1;
const SYNCED_PODS: u8 = 2;
const SYNCED_CLASSES: u8 = 4;
const SYNCED_NAMESPACES: u8 = 8;
const SYNCED_CLAIMS: u8 = 16;
const SYNCED_VOLUMES: u8 = 32;
const SYNCED_STORAGE_CLASSES: u8 = 64;
const SYNCED_ALL: u8 = 127;

pub async fn run(ctx: Context) {
    let (tx, rx) = mpsc::unbounded_channel();
    let client = ctx.client.clone();
    inform(
        Api::<slim::SlimNode>::all(client.clone()),
        tx.clone(),
        |n: &slim::SlimNode| NodeData::from_node(&n.0),
        Msg::Node,
    );
    inform(
        Api::<slim::SlimPod>::all(client.clone()),
        tx.clone(),
        |p: &slim::SlimPod| Box::new(PodInfo::from_pod(&p.0)),
        Msg::Pod,
    );
    inform(
        Api::<PriorityClass>::all(client.clone()),
        tx.clone(),
        |pc: &PriorityClass| ClassInfo {
            name: pc.name_any(),
            value: pc.value,
            global_default: pc.global_default.unwrap_or(false),
            preemption_policy: pc.preemption_policy.clone(),
        },
        Msg::Class,
    );
    inform(
        Api::<Namespace>::all(client.clone()),
        tx.clone(),
        |ns: &Namespace| (ns.name_any(), ns.labels().clone()),
        Msg::Namespace,
    );
    inform(
        Api::<PersistentVolumeClaim>::all(client.clone()),
        tx.clone(),
        ClaimInfo::from_claim,
        Msg::Claim,
    );
    inform(
        Api::<PersistentVolume>::all(client.clone()),
        tx.clone(),
        VolumeInfo::from_volume,
        Msg::Volume,
    );
    inform(
        Api::<StorageClass>::all(client),
        tx.clone(),
        StorageClassInfo::from_class,
        Msg::StorageClass,
    );
    let events = Events::start(&ctx);
    let scheduler = Scheduler {
        ctx,
        tx,
        events,
        cluster: Cluster::default(),
        queue: Queue::default(),
        algo: Algorithm::default(),
        classes: HashMap::new(),
        synced: 0,
        binds: Arc::new(Semaphore::new(MAX_BINDINGS_IN_FLIGHT)),
        writes: Arc::new(Semaphore::new(MAX_WRITES_IN_FLIGHT)),
        pending_moves: 0,
        status_in_flight: HashSet::new(),
        last_stale_check: Instant::now(),
    };
    scheduler.run(rx).await;
}

fn object_key<K: Resource>(obj: &K) -> String {
    let name = obj.meta().name.clone().unwrap_or_default();
    match &obj.meta().namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name,
    }
}

/// Watches `api` and sends every change, converted, to the scheduler loop.
fn inform<K, T>(
    api: Api<K>,
    tx: mpsc::UnboundedSender<Msg>,
    convert: fn(&K) -> T,
    wrap: fn(Update<T>) -> Msg,
) where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
    T: Send + 'static,
{
    tokio::spawn(async move {
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut listed = Vec::new();
        let mut lists = 0u64;
        while let Some(event) = stream.next().await {
            let msg = match event {
                Ok(Event::Init) => {
                    lists += 1;
                    if lists > 1 {
                        tracing::info!(
                            kind = %K::kind(&Default::default()),
                            "scheduler watch restarted; relisting"
                        );
                    }
                    listed.clear();
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    listed.push(convert(&o));
                    continue;
                }
                Ok(Event::InitDone) => Update::Synced(std::mem::take(&mut listed)),
                Ok(Event::Apply(o)) => Update::Apply(convert(&o)),
                Ok(Event::Delete(o)) => Update::Delete(object_key(&o)),
                Err(e) => {
                    tracing::debug!(error = %e, "scheduler watch failed; retrying");
                    continue;
                }
            };
            if tx.send(wrap(msg)).is_err() {
                return;
            }
        }
    });
}

fn pod_reference(pod: &PodInfo) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("Pod".into()),
        name: Some(pod.name.clone()),
        namespace: Some(pod.namespace.clone()),
        uid: Some(pod.uid.clone()).filter(|u| !u.is_empty()),
        ..Default::default()
    }
}

struct EventRequest {
    regarding: ObjectReference,
    warning: bool,
    reason: &'static str,
    action: &'static str,
    note: String,
}

/// Event writers working in parallel, so that thousands of `Scheduled` events a second do not
/// queue behind one another; an object's events always go through the same writer, which keeps
/// the recorder's repeat counting intact.
#[derive(Clone)]
struct Events {
    lanes: Arc<Vec<mpsc::Sender<EventRequest>>>,
}

impl Events {
    fn start(ctx: &Context) -> Events {
        let mut lanes = Vec::with_capacity(EVENT_LANES);
        for _ in 0..EVENT_LANES {
            let (tx, mut rx) = mpsc::channel::<EventRequest>(EVENT_QUEUE);
            let recorder = Context::new(ctx.client.clone(), ctx.name);
            tokio::spawn(async move {
                while let Some(r) = rx.recv().await {
                    recorder
                        .event(&r.regarding, r.warning, r.reason, r.action, r.note)
                        .await;
                }
            });
            lanes.push(tx);
        }
        Events {
            lanes: Arc::new(lanes),
        }
    }

    fn emit(
        &self,
        pod: &PodInfo,
        warning: bool,
        reason: &'static str,
        action: &'static str,
        note: String,
    ) {
        let mut h = DefaultHasher::new();
        pod.uid.hash(&mut h);
        pod.key.hash(&mut h);
        let lane = (h.finish() % self.lanes.len() as u64) as usize;
        let request = EventRequest {
            regarding: pod_reference(pod),
            warning,
            reason,
            action,
            note,
        };
        if self.lanes[lane].try_send(request).is_err() {
            tracing::debug!(pod = %pod.key, reason, "event queue full; event dropped");
        }
    }
}

struct Scheduler {
    ctx: Context,
    tx: mpsc::UnboundedSender<Msg>,
    events: Events,
    cluster: Cluster,
    queue: Queue,
    algo: Algorithm,
    classes: HashMap<String, ClassInfo>,
    synced: u8,
    binds: Arc<Semaphore>,
    writes: Arc<Semaphore>,
    /// Kinds of failures the cluster changes seen since the last loop turn could resolve.
    pending_moves: u32,
    /// Pods whose status patch is still being written (not retried meanwhile).
    status_in_flight: HashSet<String>,
    last_stale_check: Instant,
}

/// Kinds of failures an assigned pod appearing could resolve, and one disappearing.
const MOVES_ON_POD_ADDED: u32 = kind::POD_AFFINITY | kind::SPREAD;
const MOVES_ON_POD_DELETED: u32 =
    kind::RESOURCES | kind::PORTS | kind::POD_ANTI_AFFINITY | kind::SPREAD;
const MOVES_ON_NODE_CHANGE: u32 = u32::MAX;

impl Scheduler {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Msg>) {
        loop {
            let mut taken = 0;
            while let Ok(m) = rx.try_recv() {
                self.handle(m);
                taken += 1;
                if taken >= 4096 {
                    break;
                }
            }
            if self.synced != SYNCED_ALL {
                match rx.recv().await {
                    Some(m) => self.handle(m),
                    None => return,
                }
                if self.synced == SYNCED_ALL {
                    tracing::info!(
                        nodes = self.cluster.node_count(),
                        pods = self.cluster.pod_count(),
                        pending = self.queue.len(),
                        "scheduler caches synced"
                    );
                }
                continue;
            }
            let now = Instant::now();
            if self.pending_moves != 0 {
                self.queue.move_unschedulable(self.pending_moves, now);
                self.pending_moves = 0;
            }
            self.queue.flush(now);
            if now.duration_since(self.last_stale_check) >= STALE_CHECK {
                self.queue.flush_stale(now);
                self.last_stale_check = now;
            }
            let mut scheduled = 0;
            while scheduled < BATCH {
                let Some(pod) = self.queue.pop() else {
                    break;
                };
                self.schedule_one(pod);
                scheduled += 1;
            }
            if scheduled > 0 {
                tokio::task::yield_now().await;
                continue;
            }
            let mut wake = now + Duration::from_secs(3600);
            if let Some(t) = self.queue.next_backoff() {
                wake = wake.min(t);
            }
            if self.queue.unschedulable_count() > 0 {
                wake = wake.min(self.last_stale_check + STALE_CHECK);
            }
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => self.handle(m),
                    None => return,
                },
                _ = tokio::time::sleep_until(wake.into()) => {}
            }
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Node(u) => self.on_node(u),
            Msg::Pod(u) => self.on_pods(u),
            Msg::Class(u) => match u {
                Update::Apply(c) => {
                    self.classes.insert(c.name.clone(), c);
                }
                Update::Delete(name) => {
                    self.classes.remove(&name);
                }
                Update::Synced(all) => {
                    self.classes = all.into_iter().map(|c| (c.name.clone(), c)).collect();
                    self.synced |= SYNCED_CLASSES;
                }
            },
            Msg::Namespace(u) => match u {
                Update::Apply((name, labels)) => {
                    self.cluster.namespaces.insert(name, labels);
                }
                Update::Delete(name) => {
                    self.cluster.namespaces.remove(&name);
                }
                Update::Synced(all) => {
                    self.cluster.namespaces = all.into_iter().collect();
                    self.synced |= SYNCED_NAMESPACES;
                }
            },
            Msg::Claim(u) => self.on_claims(u),
            Msg::Volume(u) => self.on_volumes(u),
            Msg::StorageClass(u) => self.on_storage_classes(u),
            Msg::Bound {
                key,
                outcome,
                attempts,
            } => self.on_bound(key, outcome, attempts),
            Msg::StatusWritten(key) => {
                self.status_in_flight.remove(&key);
            }
        }
    }

    fn on_node(&mut self, u: Update<NodeData>) {
        match u {
            Update::Apply(n) => self.apply_node(n),
            Update::Delete(name) => {
                self.cluster.remove_node(&name);
            }
            Update::Synced(all) => {
                let names: HashSet<String> = all.iter().map(|n| n.name.clone()).collect();
                let gone: Vec<String> = self
                    .cluster
                    .nodes
                    .iter()
                    .map(|n| n.node.name.clone())
                    .filter(|n| !names.contains(n))
                    .collect();
                for n in gone {
                    self.cluster.remove_node(&n);
                }
                for n in all {
                    self.apply_node(n);
                }
                self.synced |= SYNCED_NODES;
            }
        }
    }

    /// A claim appearing or being bound can help only pods that failed on volumes.
    fn on_claims(&mut self, u: Update<ClaimInfo>) {
        let v = &mut self.cluster.volumes;
        let changed = match u {
            Update::Apply(c) => v.apply_claim(c),
            Update::Delete(key) => v.remove_claim(&key),
            Update::Synced(all) => {
                self.synced |= SYNCED_CLAIMS;
                v.replace_claims(all)
            }
        };
        if changed {
            self.pending_moves |= kind::VOLUMES;
        }
    }

    fn on_volumes(&mut self, u: Update<VolumeInfo>) {
        let v = &mut self.cluster.volumes;
        let changed = match u {
            Update::Apply(pv) => v.apply_volume(pv),
            Update::Delete(name) => v.remove_volume(&name),
            Update::Synced(all) => {
                self.synced |= SYNCED_VOLUMES;
                v.replace_volumes(all)
            }
        };
        if changed {
            self.pending_moves |= kind::VOLUMES;
        }
    }

    fn on_storage_classes(&mut self, u: Update<StorageClassInfo>) {
        let v = &mut self.cluster.volumes;
        let changed = match u {
            Update::Apply(c) => v.apply_class(c),
            Update::Delete(name) => v.remove_class(&name),
            Update::Synced(all) => {
                self.synced |= SYNCED_STORAGE_CLASSES;
                v.replace_classes(all)
            }
        };
        if changed {
            self.pending_moves |= kind::VOLUMES;
        }
    }

    fn apply_node(&mut self, n: NodeData) {
        if self.cluster.upsert_node(n) != NodeChange::Unchanged {
            self.pending_moves |= MOVES_ON_NODE_CHANGE;
        }
    }

    fn on_pods(&mut self, u: Update<Box<PodInfo>>) {
        match u {
            Update::Apply(p) => self.apply_pod(*p),
            Update::Delete(key) => self.delete_pod(&key),
            Update::Synced(all) => {
                let keys: HashSet<String> = all.iter().map(|p| p.key.clone()).collect();
                let known = self
                    .cluster
                    .pod_keys()
                    .into_iter()
                    .chain(self.queue.keys())
                    .filter(|k| !keys.contains(k))
                    .collect::<Vec<_>>();
                for k in known {
                    self.delete_pod(&k);
                }
                for p in all {
                    self.apply_pod(*p);
                }
                self.synced |= SYNCED_PODS;
            }
        }
    }

    /// Priority from the spec, else the named PriorityClass, else the global default class;
    /// the preemption policy likewise.
    fn resolve_priority(&self, pod: &mut PodInfo) {
        let class = if pod.priority_class_name.is_empty() {
            self.classes.values().find(|c| c.global_default)
        } else {
            self.classes.get(&pod.priority_class_name)
        };
        pod.priority = pod
            .spec_priority
            .or(class.map(|c| c.value))
            .or_else(|| system_priority(&pod.priority_class_name))
            .unwrap_or(0);
        if pod.preemption_policy.is_none() {
            pod.preemption_policy = class.and_then(|c| c.preemption_policy.clone());
        }
    }

    fn apply_pod(&mut self, mut pod: PodInfo) {
        self.resolve_priority(&mut pod);
        let key = pod.key.clone();
        if pod.finished {
            self.delete_pod(&key);
            return;
        }
        if !pod.node_name.is_empty() {
            self.queue.remove(&key);
            self.cluster.unnominate(&key);
            let pod = Arc::new(pod);
            let previous = self.cluster.remove_pod(&key);
            self.pending_moves |= match &previous {
                None => MOVES_ON_POD_ADDED,
                Some((old, assumed))
                    if old.node_name == pod.node_name
                        && old.labels == pod.labels
                        && old.terminating == pod.terminating =>
                {
                    // A confirmed binding now counts for pods waiting on affinity; a
                    // status-only change of a bound pod helps nobody.
                    if *assumed {
                        MOVES_ON_POD_ADDED
                    } else {
                        0
                    }
                }
                Some(_) => MOVES_ON_POD_ADDED | MOVES_ON_POD_DELETED,
            };
            self.cluster.add_pod(pod, false);
            return;
        }
        match self.cluster.placed(&key) {
            // Its binding is in flight; the informer has not seen it yet.
            Some((_, true)) => return,
            Some((_, false)) => {
                self.cluster.remove_pod(&key);
                self.pending_moves |= MOVES_ON_POD_DELETED;
            }
            None => {}
        }
        if pod.scheduler_name != DEFAULT_SCHEDULER || pod.terminating {
            self.queue.remove(&key);
            self.cluster.unnominate(&key);
            return;
        }
        match pod.nominated_node.clone() {
            Some(n) => self.cluster.nominate(&pod, &n),
            None => self.cluster.unnominate(&key),
        }
        self.queue.add(Arc::new(pod), Instant::now());
    }

    fn delete_pod(&mut self, key: &str) {
        self.queue.remove(key);
        self.cluster.unnominate(key);
        self.status_in_flight.remove(key);
        if self.cluster.remove_pod(key).is_some() {
            self.pending_moves |= MOVES_ON_POD_DELETED;
        }
    }

    fn on_bound(&mut self, key: String, outcome: BindOutcome, attempts: u32) {
        let assumed = matches!(self.cluster.placed(&key), Some((_, true)));
        match outcome {
            BindOutcome::Bound => {}
            BindOutcome::Gone => {
                if assumed {
                    self.cluster.remove_pod(&key);
                    self.pending_moves |= MOVES_ON_POD_DELETED;
                }
            }
            BindOutcome::Retry => {
                if assumed {
                    if let Some((pod, _)) = self.cluster.remove_pod(&key) {
                        self.pending_moves |= MOVES_ON_POD_DELETED;
                        let mut pending = (*pod).clone();
                        pending.node_name.clear();
                        self.queue
                            .requeue(Arc::new(pending), attempts, Instant::now());
                    }
                }
            }
        }
    }

    fn schedule_one(&mut self, pod: Arc<PodInfo>) {
        let key = pod.key.clone();
        let now = Instant::now();
        if self.status_in_flight.contains(&key) {
            // Do not race our own status write; try again shortly.
            self.queue.retry(&key, now);
            return;
        }
        match self.algo.schedule(&self.cluster, &pod) {
            Ok(node) => {
                let attempts = self.queue.attempts(&key);
                self.queue.done(&key);
                self.cluster.unnominate(&key);
                let mut assumed = (*pod).clone();
                assumed.node_name = node.clone();
                let assumed = Arc::new(assumed);
                self.cluster.add_pod(assumed.clone(), true);
                self.bind(assumed, node, attempts);
            }
            Err(fit) => {
                let mut nominated = pod.nominated_node.clone();
                let post = if fit.num_nodes == 0 {
                    None
                } else {
                    match preemption::preempt(&self.cluster, &pod, &fit) {
                        Ok(candidate) => {
                            nominated = Some(candidate.node.clone());
                            self.preempt(&pod, candidate);
                            None
                        }
                        Err(msg) => {
                            if msg != preemption::TERMINATING_ON_NOMINATED {
                                nominated = None;
                            }
                            Some(format!("preemption: {msg}"))
                        }
                    }
                };
                let message = fit.message(post.as_deref());
                tracing::debug!(pod = %key, %message, "unschedulable");
                let mut pod = (*pod).clone();
                if nominated != pod.nominated_node {
                    match &nominated {
                        Some(n) => self.cluster.nominate(&pod, n),
                        None => self.cluster.unnominate(&key),
                    }
                }
                let failed = fit.kinds();
                self.report_unschedulable(&pod, &message, &nominated);
                pod.nominated_node = nominated;
                pod.scheduled_condition = Some(("False".into(), "Unschedulable".into(), message));
                self.queue.add(Arc::new(pod), now);
                self.queue.unschedulable(&key, failed, now);
            }
        }
    }

    fn bind(&self, pod: Arc<PodInfo>, node: String, attempts: u32) {
        let client = self.ctx.client.clone();
        let tx = self.tx.clone();
        let events = self.events.clone();
        let permits = self.binds.clone();
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let api: Api<Pod> = Api::namespaced(client, &pod.namespace);
            let binding = Binding {
                metadata: ObjectMeta {
                    name: Some(pod.name.clone()),
                    namespace: Some(pod.namespace.clone()),
                    uid: Some(pod.uid.clone()).filter(|u| !u.is_empty()),
                    ..Default::default()
                },
                target: ObjectReference {
                    api_version: Some("v1".into()),
                    kind: Some("Node".into()),
                    name: Some(node.clone()),
                    ..Default::default()
                },
            };
            let result = api
                .create_subresource::<Binding, serde_json::Value>(
                    "binding",
                    &pod.name,
                    &PostParams::default(),
                    &binding,
                )
                .await;
            let outcome = match result {
                Ok(_) => {
                    events.emit(
                        &pod,
                        false,
                        "Scheduled",
                        "Binding",
                        format!(
                            "Successfully assigned {}/{} to {node}",
                            pod.namespace, pod.name
                        ),
                    );
                    BindOutcome::Bound
                }
                Err(kube::Error::Api(e))
                    if e.code == 404
                        || (e.code == 409
                            && (e.message.contains("already assigned")
                                || e.message.contains("being deleted"))) =>
                {
                    BindOutcome::Gone
                }
                Err(e) => {
                    tracing::debug!(pod = %pod.key, error = %e, "binding failed");
                    events.emit(
                        &pod,
                        true,
                        "FailedScheduling",
                        "Scheduling",
                        format!("Binding rejected: {e}"),
                    );
                    BindOutcome::Retry
                }
            };
            let _ = tx.send(Msg::Bound {
                key: pod.key.clone(),
                outcome,
                attempts,
            });
        });
    }

    /// `PodScheduled=False` (and the nominated node) through the status subresource, when they
    /// change, and a `FailedScheduling` event every time.
    fn report_unschedulable(&mut self, pod: &PodInfo, message: &str, nominated: &Option<String>) {
        self.events.emit(
            pod,
            true,
            "FailedScheduling",
            "Scheduling",
            message.to_string(),
        );
        let condition_same = pod
            .scheduled_condition
            .as_ref()
            .is_some_and(|(s, r, m)| s == "False" && r == "Unschedulable" && m == message);
        if condition_same && *nominated == pod.nominated_node {
            return;
        }
        let mut condition = json!({
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": message,
            "lastProbeTime": null,
        });
        if pod
            .scheduled_condition
            .as_ref()
            .is_none_or(|(s, _, _)| s != "False")
        {
            condition["lastTransitionTime"] = json!(Time(Timestamp::now()));
        }
        let mut status = json!({"conditions": [condition]});
        if *nominated != pod.nominated_node {
            status["nominatedNodeName"] = json!(nominated);
        }
        let patch = json!({"status": status});
        self.status_in_flight.insert(pod.key.clone());
        let key = pod.key.clone();
        let name = pod.name.clone();
        let api: Api<Pod> = Api::namespaced(self.ctx.client.clone(), &pod.namespace);
        let tx = self.tx.clone();
        let permits = self.writes.clone();
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            if let Err(e) = api
                .patch_status(&name, &PatchParams::default(), &Patch::Strategic(&patch))
                .await
            {
                tracing::debug!(pod = %key, error = %e, "updating pod status failed");
            }
            let _ = tx.send(Msg::StatusWritten(key));
        });
    }

    /// Evicts the victims (DisruptionTarget condition, delete, `Preempted` event) and clears the
    /// nomination of lower-priority pods nominated to the same node.
    fn preempt(&mut self, pod: &PodInfo, candidate: preemption::Candidate) {
        let node = candidate.node;
        tracing::info!(pod = %pod.key, %node, victims = candidate.victims.len(), "preempting");
        let lower: Vec<String> = self
            .cluster
            .nominated_below(&node, pod.priority)
            .into_iter()
            .filter(|k| *k != pod.key)
            .collect();
        for k in &lower {
            self.cluster.unnominate(k);
        }
        let client = self.ctx.client.clone();
        let events = self.events.clone();
        let permits = self.writes.clone();
        let preemptor_uid = pod.uid.clone();
        let victims = candidate.victims;
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let evictions = victims.iter().map(|v| {
                let api: Api<Pod> = Api::namespaced(client.clone(), &v.namespace);
                let events = events.clone();
                let note = format!("Preempted by pod {preemptor_uid} on node {node}");
                async move {
                    let target = json!({"status": {"conditions": [{
                        "type": "DisruptionTarget",
                        "status": "True",
                        "reason": "PreemptionByScheduler",
                        "message": "default-scheduler: preempting to accommodate a higher priority pod",
                        "lastTransitionTime": Time(Timestamp::now()),
                    }]}});
                    let _ = api
                        .patch_status(&v.name, &PatchParams::default(), &Patch::Strategic(&target))
                        .await;
                    match api.delete(&v.name, &DeleteParams::default()).await {
                        Ok(_) => events.emit(v, false, "Preempted", "Preempting", note),
                        Err(kube::Error::Api(e)) if e.code == 404 => {}
                        Err(e) => {
                            tracing::debug!(pod = %v.key, error = %e, "deleting victim failed")
                        }
                    }
                }
            });
            futures::future::join_all(evictions).await;
            for key in lower {
                let Some((ns, name)) = key.split_once('/') else {
                    continue;
                };
                let api: Api<Pod> = Api::namespaced(client.clone(), ns);
                let patch = json!({"status": {"nominatedNodeName": null}});
                let _ = api
                    .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await;
            }
        });
    }
}

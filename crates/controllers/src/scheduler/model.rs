//! What the scheduler knows about pods and nodes, extracted once from the API objects: label
//! selectors, resource requests and allocatable amounts as integers, host ports, affinity terms
//! and spread constraints. Everything here is pure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    Container, Node, NodeSelectorTerm, Pod, PodAffinityTerm, PodSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub type Labels = BTreeMap<String, String>;

pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub const DEFAULT_SCHEDULER: &str = "default-scheduler";
/// Requests assumed for scoring when a container states none (upstream's non-zero defaults).
pub const DEFAULT_MILLI_CPU: i64 = 100;
pub const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Label selectors

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: &Labels) -> bool {
        match self.op {
            Op::In => labels
                .get(&self.key)
                .is_some_and(|v| self.values.contains(v)),
            Op::NotIn => labels
                .get(&self.key)
                .is_none_or(|v| !self.values.contains(v)),
            Op::Exists => labels.contains_key(&self.key),
            Op::DoesNotExist => !labels.contains_key(&self.key),
        }
    }
}

/// A `metav1.LabelSelector` as a list of requirements. An absent selector matches nothing, an
/// empty one everything (`LabelSelectorAsSelector`); an invalid one matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub reqs: Vec<Requirement>,
    pub nothing: bool,
}

impl Selector {
    pub fn nothing() -> Selector {
        Selector {
            reqs: Vec::new(),
            nothing: true,
        }
    }

    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn from_label_selector(sel: Option<&LabelSelector>) -> Selector {
        let Some(sel) = sel else {
            return Selector::nothing();
        };
        let mut reqs = Vec::new();
        for (k, v) in sel.match_labels.iter().flatten() {
            reqs.push(Requirement {
                key: k.clone(),
                op: Op::In,
                values: vec![v.clone()],
            });
        }
        for e in sel.match_expressions.iter().flatten() {
            let op = match e.operator.as_str() {
                "In" => Op::In,
                "NotIn" => Op::NotIn,
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                _ => return Selector::nothing(),
            };
            reqs.push(Requirement {
                key: e.key.clone(),
                op,
                values: e.values.clone().unwrap_or_default(),
            });
        }
        Selector {
            reqs,
            nothing: false,
        }
    }

    /// Adds `key in (value of key in labels)` for every listed key the labels carry
    /// (`matchLabelKeys`), or `notin` for `mismatchLabelKeys`.
    fn merge_label_keys(&mut self, keys: Option<&Vec<String>>, labels: &Labels, op: Op) {
        if self.nothing {
            return;
        }
        for key in keys.into_iter().flatten() {
            if let Some(v) = labels.get(key) {
                self.reqs.push(Requirement {
                    key: key.clone(),
                    op,
                    values: vec![v.clone()],
                });
            }
        }
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        !self.nothing && self.reqs.iter().all(|r| r.matches(labels))
    }
}

// ---------------------------------------------------------------------------------------------
// Resources

/// Amounts of the resources the scheduler accounts for: CPU in millicores, memory and ephemeral
/// storage in bytes, and any other (extended, hugepages) resource as an integer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub scalar: BTreeMap<String, i64>,
}

/// A quantity's value rounded up to an integer (`Quantity.Value()`), or in thousandths for CPU.
fn quantity_value(q: &Quantity, milli: bool) -> i64 {
    let Some(parsed) = apimachinery::validation::parse_quantity(&q.0) else {
        return 0;
    };
    let unit: i128 = if milli { 1_000_000 } else { 1_000_000_000 };
    let n = parsed.nanos();
    let v = if n >= 0 {
        (n + unit - 1) / unit
    } else {
        n / unit
    };
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl Resources {
    pub fn from_list(list: Option<&BTreeMap<String, Quantity>>) -> Resources {
        let mut r = Resources::default();
        for (name, q) in list.into_iter().flatten() {
            r.set(name, q);
        }
        r
    }

    fn set(&mut self, name: &str, q: &Quantity) {
        match name {
            "cpu" => self.milli_cpu = quantity_value(q, true),
            "memory" => self.memory = quantity_value(q, false),
            "ephemeral-storage" => self.ephemeral_storage = quantity_value(q, false),
            "pods" => {}
            other => {
                self.scalar
                    .insert(other.to_string(), quantity_value(q, false));
            }
        }
    }

    pub fn add(&mut self, o: &Resources) {
        self.milli_cpu += o.milli_cpu;
        self.memory += o.memory;
        self.ephemeral_storage += o.ephemeral_storage;
        for (k, v) in &o.scalar {
            *self.scalar.entry(k.clone()).or_default() += v;
        }
    }

    pub fn sub(&mut self, o: &Resources) {
        self.milli_cpu -= o.milli_cpu;
        self.memory -= o.memory;
        self.ephemeral_storage -= o.ephemeral_storage;
        for (k, v) in &o.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e -= v;
            if *e == 0 {
                self.scalar.remove(k);
            }
        }
    }

    fn max_with(&mut self, o: &Resources) {
        self.milli_cpu = self.milli_cpu.max(o.milli_cpu);
        self.memory = self.memory.max(o.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(o.ephemeral_storage);
        for (k, v) in &o.scalar {
            let e = self.scalar.entry(k.clone()).or_default();
            *e = (*e).max(*v);
        }
    }

    pub fn is_zero(&self) -> bool {
        self.milli_cpu == 0
            && self.memory == 0
            && self.ephemeral_storage == 0
            && self.scalar.values().all(|v| *v == 0)
    }
}

fn container_requests(c: &Container, non_zero: bool) -> Resources {
    let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
    let mut r = Resources::from_list(requests);
    if non_zero {
        if !requests.is_some_and(|m| m.contains_key("cpu")) {
            r.milli_cpu = DEFAULT_MILLI_CPU;
        }
        if !requests.is_some_and(|m| m.contains_key("memory")) {
            r.memory = DEFAULT_MEMORY;
        }
    }
    r
}

/// A pod's effective requests, as upstream computes them: the sum over containers and sidecars
/// (restartable init containers), or the largest init container plus the sidecars started
/// before it if that is more, plus the pod overhead. With `non_zero`, containers that state no
/// CPU or memory request count the scoring defaults instead.
pub fn pod_requests(spec: &PodSpec, non_zero: bool) -> Resources {
    let mut reqs = Resources::default();
    for c in &spec.containers {
        reqs.add(&container_requests(c, non_zero));
    }
    let mut sidecars = Resources::default();
    let mut init_max = Resources::default();
    for c in spec.init_containers.iter().flatten() {
        let r = container_requests(c, non_zero);
        let effective = if c.restart_policy.as_deref() == Some("Always") {
            reqs.add(&r);
            sidecars.add(&r);
            sidecars.clone()
        } else {
            let mut t = r;
            t.add(&sidecars);
            t
        };
        init_max.max_with(&effective);
    }
    reqs.max_with(&init_max);
    if let Some(overhead) = spec.overhead.as_ref() {
        reqs.add(&Resources::from_list(Some(overhead)));
    }
    reqs
}

// ---------------------------------------------------------------------------------------------
// Host ports

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

impl HostPort {
    /// Upstream's conflict rule: the same protocol and port where either side binds all
    /// addresses (`0.0.0.0`) or both bind the same address.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == "0.0.0.0" || other.ip == "0.0.0.0" || self.ip == other.ip)
    }
}

fn host_ports(spec: &PodSpec) -> Vec<HostPort> {
    let mut out = Vec::new();
    for c in &spec.containers {
        for p in c.ports.iter().flatten() {
            let Some(port) = p.host_port.filter(|p| *p > 0) else {
                continue;
            };
            out.push(HostPort {
                ip: p
                    .host_ip
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "0.0.0.0".into()),
                protocol: p
                    .protocol
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "TCP".into()),
                port,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Inter-pod affinity terms and topology spread constraints

/// A pod (anti-)affinity term: which pods (selector, namespaces) in which topology domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityTerm {
    pub selector: Selector,
    pub namespaces: BTreeSet<String>,
    /// `None`: only the listed namespaces (or the pod's own when none are listed).
    pub namespace_selector: Option<Selector>,
    pub topology_key: String,
}

impl AffinityTerm {
    fn new(owner_ns: &str, owner_labels: &Labels, t: &PodAffinityTerm) -> AffinityTerm {
        let mut selector = Selector::from_label_selector(t.label_selector.as_ref());
        selector.merge_label_keys(t.match_label_keys.as_ref(), owner_labels, Op::In);
        selector.merge_label_keys(t.mismatch_label_keys.as_ref(), owner_labels, Op::NotIn);
        let listed: BTreeSet<String> = t.namespaces.iter().flatten().cloned().collect();
        let namespaces = if listed.is_empty() && t.namespace_selector.is_none() {
            BTreeSet::from([owner_ns.to_string()])
        } else {
            listed
        };
        AffinityTerm {
            selector,
            namespaces,
            namespace_selector: t
                .namespace_selector
                .as_ref()
                .map(|s| Selector::from_label_selector(Some(s))),
            topology_key: t.topology_key.clone(),
        }
    }

    /// Whether a pod in `ns` with `labels` is selected; `ns_labels` are that namespace's labels.
    pub fn matches(&self, ns: &str, labels: &Labels, ns_labels: Option<&Labels>) -> bool {
        let ns_ok = self.namespaces.contains(ns)
            || self
                .namespace_selector
                .as_ref()
                .is_some_and(|s| s.matches(ns_labels.unwrap_or(&EMPTY_LABELS)));
        ns_ok && self.selector.matches(labels)
    }
}

pub static EMPTY_LABELS: Labels = BTreeMap::new();

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedTerm {
    pub weight: i64,
    pub term: AffinityTerm,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    /// `DoNotSchedule` (a filter) rather than `ScheduleAnyway` (a score).
    pub hard: bool,
    pub selector: Selector,
    pub min_domains: i64,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes matching the pod's node
    /// selector and required node affinity count.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor`: only nodes whose taints the pod tolerates count.
    pub honor_node_taints: bool,
}

// ---------------------------------------------------------------------------------------------
// Pods

/// The scheduler's view of a pod.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodInfo {
    /// `namespace/name`.
    pub key: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Labels,
    /// Empty while unscheduled.
    pub node_name: String,
    pub scheduler_name: String,
    /// Resolved priority (spec, else PriorityClass, else the global default, else 0); filled
    /// in by the scheduler from its PriorityClass informer.
    pub priority: i32,
    pub spec_priority: Option<i32>,
    pub priority_class_name: String,
    pub preemption_policy: Option<String>,
    pub requests: Resources,
    pub non_zero_cpu: i64,
    pub non_zero_memory: i64,
    pub host_ports: Vec<HostPort>,
    pub node_selector: Labels,
    /// `None`: no required node affinity.
    pub required_node_affinity: Option<Vec<NodeSelectorTerm>>,
    pub preferred_node_affinity: Vec<(i64, NodeSelectorTerm)>,
    pub tolerations: Vec<Toleration>,
    pub required_affinity: Vec<AffinityTerm>,
    pub required_anti_affinity: Vec<AffinityTerm>,
    pub preferred_affinity: Vec<WeightedTerm>,
    pub preferred_anti_affinity: Vec<WeightedTerm>,
    pub spread: Vec<SpreadConstraint>,
    /// The PersistentVolumeClaims its volumes use (in its namespace), ephemeral ones included.
    pub claims: Vec<crate::ephemeral::PodClaim>,
    /// The controller owner's UID (ReplicaSet, StatefulSet, ...): replicas are spread.
    pub owner_uid: Option<String>,
    /// Creation time in milliseconds since the epoch.
    pub created_ms: i64,
    pub start_ms: Option<i64>,
    pub terminating: bool,
    pub finished: bool,
    pub gated: bool,
    pub nominated_node: Option<String>,
    /// The current PodScheduled condition: (status, reason, message).
    pub scheduled_condition: Option<(String, String, String)>,
}

impl PodInfo {
    pub fn from_pod(pod: &Pod) -> PodInfo {
        let m = &pod.metadata;
        let namespace = m.namespace.clone().unwrap_or_default();
        let name = m.name.clone().unwrap_or_default();
        let labels = m.labels.clone().unwrap_or_default();
        let default_spec = PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&default_spec);
        let status = pod.status.as_ref();
        let affinity = spec.affinity.as_ref();
        let node_aff = affinity.and_then(|a| a.node_affinity.as_ref());
        let pod_aff = affinity.and_then(|a| a.pod_affinity.as_ref());
        let anti_aff = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
        let term = |t: &PodAffinityTerm| AffinityTerm::new(&namespace, &labels, t);
        let non_zero = pod_requests(spec, true);
        let phase = status.and_then(|s| s.phase.as_deref());
        PodInfo {
            key: format!("{namespace}/{name}"),
            uid: m.uid.clone().unwrap_or_default(),
            node_name: spec.node_name.clone().unwrap_or_default(),
            scheduler_name: spec
                .scheduler_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| DEFAULT_SCHEDULER.into()),
            priority: spec.priority.unwrap_or(0),
            spec_priority: spec.priority,
            priority_class_name: spec.priority_class_name.clone().unwrap_or_default(),
            preemption_policy: spec.preemption_policy.clone(),
            requests: pod_requests(spec, false),
            non_zero_cpu: non_zero.milli_cpu,
            non_zero_memory: non_zero.memory,
            host_ports: host_ports(spec),
            node_selector: spec.node_selector.clone().unwrap_or_default(),
            required_node_affinity: node_aff
                .and_then(|n| {
                    n.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .map(|s| s.node_selector_terms.clone()),
            preferred_node_affinity: node_aff
                .and_then(|n| {
                    n.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(|p| (i64::from(p.weight), p.preference.clone()))
                .collect(),
            tolerations: spec.tolerations.clone().unwrap_or_default(),
            required_affinity: pod_aff
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(term)
                .collect(),
            required_anti_affinity: anti_aff
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(term)
                .collect(),
            preferred_affinity: pod_aff
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(|w| WeightedTerm {
                    weight: i64::from(w.weight),
                    term: term(&w.pod_affinity_term),
                })
                .collect(),
            preferred_anti_affinity: anti_aff
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .into_iter()
                .flatten()
                .map(|w| WeightedTerm {
                    weight: i64::from(w.weight),
                    term: term(&w.pod_affinity_term),
                })
                .collect(),
            spread: spec
                .topology_spread_constraints
                .iter()
                .flatten()
                .map(|c| {
                    let mut selector = Selector::from_label_selector(c.label_selector.as_ref());
                    selector.merge_label_keys(c.match_label_keys.as_ref(), &labels, Op::In);
                    SpreadConstraint {
                        max_skew: i64::from(c.max_skew.max(1)),
                        topology_key: c.topology_key.clone(),
                        hard: c.when_unsatisfiable != "ScheduleAnyway",
                        selector,
                        min_domains: i64::from(c.min_domains.unwrap_or(1).max(1)),
                        honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
                        honor_node_taints: c.node_taints_policy.as_deref() == Some("Honor"),
                    }
                })
                .collect(),
            claims: crate::ephemeral::pod_claims(pod),
            owner_uid: m
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true))
                .map(|o| o.uid.clone()),
            created_ms: m
                .creation_timestamp
                .as_ref()
                .map_or(0, |t| t.0.as_millisecond()),
            start_ms: status
                .and_then(|s| s.start_time.as_ref())
                .map(|t| t.0.as_millisecond()),
            terminating: m.deletion_timestamp.is_some(),
            finished: matches!(phase, Some("Succeeded" | "Failed")),
            gated: spec
                .scheduling_gates
                .as_ref()
                .is_some_and(|g| !g.is_empty()),
            nominated_node: status
                .and_then(|s| s.nominated_node_name.clone())
                .filter(|n| !n.is_empty()),
            scheduled_condition: status
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled"))
                .map(|c| {
                    (
                        c.status.clone(),
                        c.reason.clone().unwrap_or_default(),
                        c.message.clone().unwrap_or_default(),
                    )
                }),
            namespace,
            name,
            labels,
        }
    }

    pub fn has_affinity(&self) -> bool {
        !self.required_affinity.is_empty()
            || !self.required_anti_affinity.is_empty()
            || !self.preferred_affinity.is_empty()
            || !self.preferred_anti_affinity.is_empty()
    }

    /// Whether a change from `self` to `new` can change where the pod may go.
    pub fn scheduling_changed(&self, new: &PodInfo) -> bool {
        self.labels != new.labels
            || self.requests != new.requests
            || self.tolerations != new.tolerations
            || self.node_selector != new.node_selector
            || self.required_node_affinity != new.required_node_affinity
            || self.required_affinity != new.required_affinity
            || self.required_anti_affinity != new.required_anti_affinity
            || self.spread != new.spread
            || self.host_ports != new.host_ports
            || self.gated != new.gated
            || self.priority != new.priority
    }
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// The scheduler's view of a Node object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeData {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub ready: bool,
    pub allocatable: Resources,
    pub allowed_pods: i64,
}

impl NodeData {
    pub fn from_node(node: &Node) -> NodeData {
        let status = node.status.as_ref();
        let list = status
            .and_then(|s| s.allocatable.as_ref())
            .or_else(|| status.and_then(|s| s.capacity.as_ref()));
        NodeData {
            name: node.metadata.name.clone().unwrap_or_default(),
            labels: node.metadata.labels.clone().unwrap_or_default(),
            taints: node
                .spec
                .as_ref()
                .and_then(|s| s.taints.clone())
                .unwrap_or_default(),
            unschedulable: node
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false),
            ready: status
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
                .is_some_and(|c| c.status == "True"),
            allocatable: Resources::from_list(list),
            allowed_pods: list
                .and_then(|l| l.get("pods"))
                .map_or(0, |q| quantity_value(q, false)),
        }
    }
}

/// A node with the pods on it (bound or assumed) and their aggregated demands.
#[derive(Clone, Debug, Default)]
pub struct NodeInfo {
    pub node: NodeData,
    pub pods: Vec<Arc<PodInfo>>,
    pub requested: Resources,
    pub non_zero_cpu: i64,
    pub non_zero_memory: i64,
    pub ports: Vec<HostPort>,
    /// Pods per controller owner UID.
    pub owners: HashMap<String, u32>,
    /// Pods with any affinity term, and with required anti-affinity terms.
    pub with_affinity: u32,
    pub with_required_anti: u32,
}

impl NodeInfo {
    pub fn new(node: NodeData) -> NodeInfo {
        NodeInfo {
            node,
            ..Default::default()
        }
    }

    pub fn name(&self) -> &str {
        &self.node.name
    }

    pub fn label(&self, key: &str) -> Option<&String> {
        self.node.labels.get(key)
    }

    pub fn add_pod(&mut self, pod: Arc<PodInfo>) {
        self.requested.add(&pod.requests);
        self.non_zero_cpu += pod.non_zero_cpu;
        self.non_zero_memory += pod.non_zero_memory;
        self.ports.extend(pod.host_ports.iter().cloned());
        if let Some(o) = &pod.owner_uid {
            *self.owners.entry(o.clone()).or_default() += 1;
        }
        if pod.has_affinity() {
            self.with_affinity += 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.with_required_anti += 1;
        }
        self.pods.push(pod);
    }

    pub fn remove_pod(&mut self, key: &str) -> Option<Arc<PodInfo>> {
        let i = self.pods.iter().position(|p| p.key == key)?;
        let pod = self.pods.swap_remove(i);
        self.requested.sub(&pod.requests);
        self.non_zero_cpu -= pod.non_zero_cpu;
        self.non_zero_memory -= pod.non_zero_memory;
        for hp in &pod.host_ports {
            if let Some(j) = self.ports.iter().position(|p| p == hp) {
                self.ports.swap_remove(j);
            }
        }
        if let Some(o) = &pod.owner_uid {
            if let Some(c) = self.owners.get_mut(o) {
                *c -= 1;
                if *c == 0 {
                    self.owners.remove(o);
                }
            }
        }
        if pod.has_affinity() {
            self.with_affinity -= 1;
        }
        if !pod.required_anti_affinity.is_empty() {
            self.with_required_anti -= 1;
        }
        Some(pod)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builders of realistic objects for the scheduler's tests.
    use super::*;
    use k8s_openapi::api::core::v1::{
        NodeCondition, NodeSpec, NodeStatus, PodSpec, PodStatus, ResourceRequirements,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use serde_json::json;

    pub fn node_json(v: serde_json::Value) -> NodeData {
        NodeData::from_node(&serde_json::from_value(v).unwrap())
    }

    /// A Ready node with the given allocatable CPU and memory (110 pods) and labels.
    pub fn node(name: &str, cpu: &str, mem: &str, labels: &[(&str, &str)]) -> NodeData {
        let mut l: Labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        l.insert(HOSTNAME_LABEL.into(), name.into());
        let alloc: BTreeMap<String, Quantity> = [
            ("cpu", cpu),
            ("memory", mem),
            ("pods", "110"),
            ("ephemeral-storage", "100Gi"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
        .collect();
        NodeData::from_node(&Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some(l),
                ..Default::default()
            },
            spec: Some(NodeSpec::default()),
            status: Some(NodeStatus {
                allocatable: Some(alloc.clone()),
                capacity: Some(alloc),
                conditions: Some(vec![NodeCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        })
    }

    pub fn pod_json(v: serde_json::Value) -> PodInfo {
        PodInfo::from_pod(&serde_json::from_value(v).unwrap())
    }

    /// A pending pod in `default` with one container requesting `cpu` and `mem`.
    pub fn pod(name: &str, cpu: &str, mem: &str) -> PodInfo {
        let mut requests = BTreeMap::new();
        if !cpu.is_empty() {
            requests.insert("cpu".to_string(), Quantity(cpu.into()));
        }
        if !mem.is_empty() {
            requests.insert("memory".to_string(), Quantity(mem.into()));
        }
        PodInfo::from_pod(&Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                uid: Some(format!("uid-{name}")),
                creation_timestamp: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                    k8s_openapi::jiff::Timestamp::from_second(1_700_000_000).unwrap(),
                )),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "app".into(),
                    image: Some("nginx".into()),
                    resources: Some(ResourceRequirements {
                        requests: Some(requests),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some("Pending".into()),
                ..Default::default()
            }),
        })
    }

    pub fn with_labels(mut p: PodInfo, labels: &[(&str, &str)]) -> PodInfo {
        for (k, v) in labels {
            p.labels.insert(k.to_string(), v.to_string());
        }
        p
    }

    pub fn on(mut p: PodInfo, node: &str) -> Arc<PodInfo> {
        p.node_name = node.into();
        Arc::new(p)
    }

    pub fn spec_pod(name: &str, labels: serde_json::Value, spec: serde_json::Value) -> PodInfo {
        pod_json(json!({
            "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"), "labels": labels,
                         "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": spec,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_become_integers() {
        let p = pod("a", "250m", "1.5Gi");
        assert_eq!(p.requests.milli_cpu, 250);
        assert_eq!(p.requests.memory, 1536 * 1024 * 1024);
        let p = pod("b", "0.1", "128M");
        assert_eq!(p.requests.milli_cpu, 100);
        assert_eq!(p.requests.memory, 128_000_000);
        // A fractional byte rounds up, as Quantity.Value() does.
        assert_eq!(pod("c", "1", "0.5").requests.memory, 1);
    }

    #[test]
    fn requests_take_the_largest_init_container_and_sidecars_and_overhead() {
        let p = spec_pod(
            "p",
            json!({}),
            json!({
                "initContainers": [
                    {"name": "big-init", "image": "x", "resources": {"requests": {"cpu": "2", "memory": "1Gi"}}},
                    {"name": "sidecar", "image": "x", "restartPolicy": "Always",
                     "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
                    {"name": "late-init", "image": "x", "resources": {"requests": {"cpu": "1", "memory": "3Gi"}}},
                ],
                "containers": [
                    {"name": "a", "image": "x", "resources": {"requests": {"cpu": "500m", "memory": "256Mi", "nvidia.com/gpu": "1"}}},
                    {"name": "b", "image": "x", "resources": {"requests": {"cpu": "250m"}}},
                ],
                "overhead": {"cpu": "10m"},
            }),
        );
        // containers + sidecar = 850m / 320Mi; inits: 2 / 1Gi and 1.1 / 3Gi+64Mi.
        assert_eq!(p.requests.milli_cpu, 2000 + 10);
        assert_eq!(p.requests.memory, (3 * 1024 + 64) * 1024 * 1024);
        assert_eq!(p.requests.scalar.get("nvidia.com/gpu"), Some(&1));
        // Scoring defaults: container b has no memory request, so it counts 200Mi.
        assert_eq!(p.non_zero_memory, (3 * 1024 + 64) * 1024 * 1024);
        let q = pod("q", "", "");
        assert_eq!(
            (q.non_zero_cpu, q.non_zero_memory),
            (DEFAULT_MILLI_CPU, DEFAULT_MEMORY)
        );
        assert!(q.requests.is_zero());
    }

    #[test]
    fn selectors() {
        let sel: LabelSelector = serde_json::from_value(json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]},
                                 {"key": "env", "operator": "Exists"}]
        }))
        .unwrap();
        let s = Selector::from_label_selector(Some(&sel));
        let l = |v: &[(&str, &str)]| -> Labels {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert!(s.matches(&l(&[("app", "web"), ("env", "prod")])));
        assert!(!s.matches(&l(&[("app", "web"), ("env", "prod"), ("tier", "db")])));
        assert!(!s.matches(&l(&[("app", "web")])));
        assert!(!Selector::from_label_selector(None).matches(&l(&[])));
        assert!(Selector::from_label_selector(Some(&LabelSelector::default())).matches(&l(&[])));
    }

    #[test]
    fn affinity_terms_default_to_the_pods_namespace_and_merge_label_keys() {
        let p = pod_json(json!({
            "metadata": {"name": "p", "namespace": "shop", "labels": {"app": "web", "rev": "7"}},
            "spec": {"containers": [{"name": "c", "image": "x"}],
                     "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": HOSTNAME_LABEL,
                         "matchLabelKeys": ["rev"]}]}}}
        }));
        let t = &p.required_anti_affinity[0];
        assert_eq!(t.namespaces, BTreeSet::from(["shop".to_string()]));
        let web7: Labels = [("app", "web"), ("rev", "7")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let mut web8 = web7.clone();
        web8.insert("rev".into(), "8".into());
        assert!(t.matches("shop", &web7, None));
        assert!(!t.matches("shop", &web8, None));
        assert!(!t.matches("other", &web7, None));
    }

    #[test]
    fn host_port_conflicts() {
        let hp = |ip: &str, proto: &str, port| HostPort {
            ip: ip.into(),
            protocol: proto.into(),
            port,
        };
        assert!(hp("0.0.0.0", "TCP", 80).conflicts(&hp("10.0.0.1", "TCP", 80)));
        assert!(hp("10.0.0.1", "TCP", 80).conflicts(&hp("10.0.0.1", "TCP", 80)));
        assert!(!hp("10.0.0.1", "TCP", 80).conflicts(&hp("10.0.0.2", "TCP", 80)));
        assert!(!hp("0.0.0.0", "TCP", 80).conflicts(&hp("0.0.0.0", "UDP", 80)));
        assert!(!hp("0.0.0.0", "TCP", 80).conflicts(&hp("0.0.0.0", "TCP", 81)));
    }

    #[test]
    fn node_info_aggregates_and_releases() {
        let mut n = NodeInfo::new(node("n1", "4", "8Gi", &[]));
        assert_eq!(n.node.allocatable.milli_cpu, 4000);
        assert_eq!(n.node.allowed_pods, 110);
        assert!(n.node.ready);
        n.add_pod(on(pod("a", "1", "1Gi"), "n1"));
        n.add_pod(on(pod("b", "500m", ""), "n1"));
        assert_eq!(n.requested.milli_cpu, 1500);
        assert_eq!(n.non_zero_memory, 1024 * 1024 * 1024 + DEFAULT_MEMORY);
        n.remove_pod("default/a").unwrap();
        assert_eq!(n.requested.milli_cpu, 500);
        assert_eq!(n.requested.memory, 0);
        assert_eq!(n.pods.len(), 1);
    }
}

//! One scheduling cycle, pure: filter the nodes (stopping once enough feasible nodes are
//! found in large clusters, like upstream's `percentageOfNodesToScore`, rotating where the
//! search starts), score the feasible ones with the default plugin weights, pick the best
//! (ties at random), or explain why no node fits in kube-scheduler's words.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::affinity::{AffinityScore, InterPodState};
use super::cache::Cluster;
use super::filters::{self, Code, Failure, FilterResult};
use super::model::{NodeInfo, PodInfo, Resources};
use super::scores::{self, weight};
use super::spread::{self, SpreadScore, SpreadState};
use super::volumes::BoundVolumes;

pub const NO_NODES: &str = "no nodes available to schedule pods";

/// Clusters smaller than this are always searched completely.
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
const MIN_FEASIBLE_PERCENTAGE: usize = 5;

/// How many feasible nodes to look for before scoring (upstream's adaptive default:
/// 50% of nodes, less 1% per 125 nodes, at least 5% and at least 100 nodes).
pub fn feasible_nodes_to_find(nodes: usize) -> usize {
    if nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return nodes;
    }
    let pct = (50usize.saturating_sub(nodes / 125)).max(MIN_FEASIBLE_PERCENTAGE);
    (nodes * pct / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Why a pod fits nowhere.
#[derive(Debug, Default)]
pub struct FitError {
    pub num_nodes: usize,
    /// Node index → the failed check.
    pub statuses: Vec<(usize, Failure)>,
    /// A PreFilter's message, when one rejected the pod before any node was looked at.
    pub pre_filter: Option<String>,
}

/// `"3 Insufficient cpu, 1 node(s) ..."`, sorted as upstream sorts the strings.
pub fn histogram<'a>(reasons: impl Iterator<Item = &'a str>) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in reasons {
        *counts.entry(r).or_default() += 1;
    }
    let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    parts.join(", ")
}

impl FitError {
    /// A PreFilter rejected the pod: every node fails alike (so preemption knows it cannot
    /// help) and the message is the plugin's instead of a histogram, as upstream reports it.
    pub fn pre_filter(num_nodes: usize, kind: u32, message: String) -> FitError {
        let failure = Failure::new(Code::Unresolvable, kind, message.clone());
        FitError {
            num_nodes,
            statuses: (0..num_nodes).map(|i| (i, failure.clone())).collect(),
            pre_filter: Some(message),
        }
    }

    /// The kinds of all failed checks (`filters::kind`).
    pub fn kinds(&self) -> u32 {
        self.statuses.iter().fold(0, |k, (_, f)| k | f.kind)
    }

    /// kube-scheduler's message, with the preemption outcome appended when there is one.
    pub fn message(&self, post_filter: Option<&str>) -> String {
        if self.num_nodes == 0 {
            return NO_NODES.to_string();
        }
        let mut msg = format!("0/{} nodes are available:", self.num_nodes);
        let hist = match &self.pre_filter {
            Some(p) => p.clone(),
            None => histogram(
                self.statuses
                    .iter()
                    .flat_map(|(_, f)| f.reasons.iter().map(|r| r.as_ref())),
            ),
        };
        if !hist.is_empty() {
            msg.push_str(&format!(" {hist}."));
        }
        if let Some(p) = post_filter.filter(|p| !p.is_empty()) {
            msg.push_str(&format!(" {}.", p.trim_end_matches('.')));
        }
        msg
    }
}

/// Per-cycle state shared by the filters of all nodes.
pub struct CycleState {
    pub inter: Option<InterPodState>,
    pub spread: Option<SpreadState>,
    pub volumes: Option<BoundVolumes>,
}

impl CycleState {
    pub fn new(cluster: &Cluster, pod: &PodInfo) -> CycleState {
        CycleState {
            inter: InterPodState::compute(
                pod,
                &cluster.nodes,
                &cluster.namespaces,
                cluster.required_anti_pods > 0,
            ),
            spread: SpreadState::compute(pod, &cluster.nodes),
            volumes: cluster.volumes.bound(pod),
        }
    }
}

/// Every filter in upstream's order; the first failure is reported.
pub fn run_filters(
    pod: &PodInfo,
    node: &NodeInfo,
    state: &CycleState,
    nominated: Option<(&Resources, usize)>,
) -> FilterResult {
    let n = &node.node;
    filters::node_ready(n)?;
    filters::node_unschedulable(pod, n)?;
    filters::node_name(pod, n)?;
    filters::taint_toleration(pod, n)?;
    filters::node_affinity(pod, n)?;
    filters::node_ports(pod, node)?;
    filters::resources_fit(pod, node, nominated)?;
    if let Some(v) = &state.volumes {
        v.filter(n)?;
    }
    if let Some(s) = &state.spread {
        s.filter(pod, n)?;
    }
    if let Some(s) = &state.inter {
        s.filter(pod, n)?;
    }
    Ok(())
}

/// Filters one node of the cache, holding back what higher-priority nominated pods need.
pub fn filter_node(
    cluster: &Cluster,
    pod: &PodInfo,
    node: &NodeInfo,
    state: &CycleState,
) -> FilterResult {
    let extra = if cluster.has_nominations() {
        cluster.nominated_extra(node.name(), pod)
    } else {
        None
    };
    run_filters(pod, node, state, extra.as_ref().map(|(r, n)| (r, *n)))
}

pub struct Algorithm {
    next_start: usize,
    rng: StdRng,
    feasible: Vec<usize>,
}

impl Default for Algorithm {
    fn default() -> Self {
        Algorithm::new(StdRng::from_entropy())
    }
}

impl Algorithm {
    pub fn new(rng: StdRng) -> Algorithm {
        Algorithm {
            next_start: 0,
            rng,
            feasible: Vec::new(),
        }
    }

    /// Picks a node for `pod`, or says why none fits.
    pub fn schedule(&mut self, cluster: &Cluster, pod: &PodInfo) -> Result<String, FitError> {
        let n = cluster.node_count();
        if n == 0 {
            return Err(FitError::default());
        }
        if let Some(msg) = cluster.volumes.claim_problem(pod) {
            return Err(FitError::pre_filter(n, filters::kind::VOLUMES, msg));
        }
        let state = CycleState::new(cluster, pod);

        // A pod nominated by an earlier preemption goes there if it fits now.
        if let Some(i) = pod
            .nominated_node
            .as_deref()
            .and_then(|nn| cluster.node_index(nn))
        {
            if filter_node(cluster, pod, &cluster.nodes[i], &state).is_ok() {
                return Ok(cluster.nodes[i].name().to_string());
            }
        }

        let mut statuses = Vec::new();
        self.feasible.clear();
        if let Some(names) = filters::required_node_names(pod) {
            let allowed: Vec<usize> = names
                .iter()
                .filter_map(|nm| cluster.node_index(nm))
                .collect();
            for &i in &allowed {
                match filter_node(cluster, pod, &cluster.nodes[i], &state) {
                    Ok(()) => self.feasible.push(i),
                    Err(f) => statuses.push((i, f)),
                }
            }
            if self.feasible.is_empty() {
                for i in (0..n).filter(|i| !allowed.contains(i)) {
                    statuses.push((
                        i,
                        Failure::new(
                            Code::Unresolvable,
                            filters::kind::NODE,
                            filters::NODE_AFFINITY,
                        ),
                    ));
                }
            }
        } else {
            let want = feasible_nodes_to_find(n);
            let start = self.next_start % n;
            let mut processed = 0;
            for k in 0..n {
                let i = (start + k) % n;
                processed = k + 1;
                match filter_node(cluster, pod, &cluster.nodes[i], &state) {
                    Ok(()) => {
                        self.feasible.push(i);
                        if self.feasible.len() >= want {
                            break;
                        }
                    }
                    Err(f) => statuses.push((i, f)),
                }
            }
            self.next_start = (start + processed) % n;
        }

        match self.feasible.len() {
            0 => Err(FitError {
                num_nodes: n,
                statuses,
                pre_filter: None,
            }),
            1 => Ok(cluster.nodes[self.feasible[0]].name().to_string()),
            _ => {
                let feasible = std::mem::take(&mut self.feasible);
                let totals = score(cluster, pod, &feasible);
                let best = self.select(&feasible, &totals);
                self.feasible = feasible;
                Ok(cluster.nodes[best].name().to_string())
            }
        }
    }

    /// The highest total; ties broken uniformly at random (reservoir sampling).
    fn select(&mut self, feasible: &[usize], totals: &[i64]) -> usize {
        let mut best = feasible[0];
        let mut max = totals[0];
        let mut ties = 1u32;
        for (k, &t) in totals.iter().enumerate().skip(1) {
            if t > max {
                max = t;
                best = feasible[k];
                ties = 1;
            } else if t == max {
                ties += 1;
                if self.rng.gen_range(0..ties) == 0 {
                    best = feasible[k];
                }
            }
        }
        best
    }
}

/// Weighted totals of every score plugin for the feasible nodes (indices into the cache).
pub fn score(cluster: &Cluster, pod: &PodInfo, feasible: &[usize]) -> Vec<i64> {
    let nodes = &cluster.nodes;
    let node = |k: usize| &nodes[feasible[k]];
    let len = feasible.len();
    let balanced = scores::balanced_applies(pod);
    let mut totals: Vec<i64> = (0..len)
        .map(|k| {
            let n = node(k);
            let mut t = scores::least_allocated(pod, n) * weight::LEAST_ALLOCATED;
            if balanced {
                t += scores::balanced_allocation(pod, n) * weight::BALANCED_ALLOCATION;
            }
            t
        })
        .collect();
    let mut add = |values: &[i64], w: i64| {
        for (t, v) in totals.iter_mut().zip(values) {
            *t += v * w;
        }
    };

    // PreferNoSchedule taints (only where some node has one; otherwise all score alike).
    if feasible.iter().any(|&i| {
        nodes[i]
            .node
            .taints
            .iter()
            .any(|t| t.effect == "PreferNoSchedule")
    }) {
        let mut v: Vec<i64> = (0..len)
            .map(|k| scores::intolerable_prefer_no_schedule(pod, node(k)))
            .collect();
        scores::default_normalize(&mut v, true);
        add(&v, weight::TAINT_TOLERATION);
    }

    if !pod.preferred_node_affinity.is_empty() {
        let mut v: Vec<i64> = (0..len)
            .map(|k| scores::preferred_node_affinity(pod, node(k)))
            .collect();
        scores::default_normalize(&mut v, false);
        add(&v, weight::NODE_AFFINITY);
    }

    if let Some(s) =
        AffinityScore::compute(pod, nodes, &cluster.namespaces, cluster.affinity_pods > 0)
    {
        let mut v: Vec<i64> = (0..len).map(|k| s.score(&node(k).node)).collect();
        scores::min_max_normalize(&mut v);
        add(&v, weight::INTER_POD_AFFINITY);
    }

    if let Some(s) = SpreadScore::compute(pod, feasible, nodes, &cluster.zone_owner) {
        let mut raw: Vec<Option<i64>> = (0..len).map(|k| s.score(pod, node(k))).collect();
        let v = spread::normalize(&mut raw);
        add(&v, weight::TOPOLOGY_SPREAD);
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use crate::scheduler::model::{NodeData, HOSTNAME_LABEL, ZONE_LABEL};
    use crate::scheduler::volumes::{ClaimInfo, VolumeInfo};
    use serde_json::json;
    use std::collections::HashSet;
    use std::sync::Arc;

    fn algo() -> Algorithm {
        Algorithm::new(StdRng::seed_from_u64(7))
    }

    fn cluster(nodes: Vec<NodeData>) -> Cluster {
        let mut c = Cluster::default();
        for n in nodes {
            c.upsert_node(n);
        }
        c
    }

    #[test]
    fn feasible_node_sampling_follows_upstream() {
        assert_eq!(feasible_nodes_to_find(50), 50);
        assert_eq!(feasible_nodes_to_find(100), 100);
        assert_eq!(feasible_nodes_to_find(1000), 420);
        assert_eq!(feasible_nodes_to_find(5000), 500);
        assert_eq!(feasible_nodes_to_find(10_000), 500);
    }

    #[test]
    fn picks_the_least_loaded_node() {
        let mut c = cluster(vec![
            node("a", "4", "8Gi", &[]),
            node("b", "4", "8Gi", &[]),
            node("c", "4", "8Gi", &[]),
        ]);
        c.add_pod(on(pod("x", "3", "6Gi"), "a"), false);
        c.add_pod(on(pod("y", "2", "4Gi"), "b"), false);
        assert_eq!(algo().schedule(&c, &pod("p", "500m", "1Gi")).unwrap(), "c");
    }

    #[test]
    fn ties_are_broken_at_random() {
        let c = cluster(
            (0..4)
                .map(|i| node(&format!("n{i}"), "4", "8Gi", &[]))
                .collect(),
        );
        let mut a = algo();
        let picked: HashSet<String> = (0..64)
            .map(|_| a.schedule(&c, &pod("p", "1", "1Gi")).unwrap())
            .collect();
        assert!(picked.len() > 1, "{picked:?}");
    }

    #[test]
    fn unschedulable_message_matches_kube_scheduler() {
        let cp = node_json(json!({
            "metadata": {"name": "cp", "labels": {HOSTNAME_LABEL: "cp"}},
            "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "8", "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}
        }));
        let c = cluster(vec![
            cp,
            node("w1", "2", "8Gi", &[]),
            node("w2", "2", "8Gi", &[]),
        ]);
        let err = algo().schedule(&c, &pod("big", "3", "1Gi")).unwrap_err();
        assert_eq!(
            err.message(Some(
                "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
            )),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
        assert_eq!(
            FitError::default().message(None),
            "no nodes available to schedule pods"
        );
    }

    #[test]
    fn volume_failures_in_the_message() {
        let mut c = cluster(vec![
            node("n0", "4", "8Gi", &[("disk", "hdd")]),
            node("n1", "4", "8Gi", &[("disk", "ssd")]),
        ]);
        let claim = serde_json::from_value(json!({
            "metadata": {"name": "data", "namespace": "default"},
            "spec": {"volumeName": "pv-1"}
        }))
        .unwrap();
        c.volumes.apply_claim(ClaimInfo::from_claim(&claim));
        let pv = serde_json::from_value(json!({
            "metadata": {"name": "pv-1"},
            "spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": HOSTNAME_LABEL, "operator": "In", "values": ["n0"]}]}]}}}
        }))
        .unwrap();
        c.volumes.apply_volume(VolumeInfo::from_volume(&pv));
        let with_claim = |claim: &str, selector: serde_json::Value| {
            spec_pod(
                "p",
                json!({}),
                json!({"containers": [{"name": "c", "image": "x"}], "nodeSelector": selector,
                       "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": claim}}]}),
            )
        };
        // The volume's node wins even when the pod would rather go elsewhere.
        for _ in 0..8 {
            assert_eq!(
                algo().schedule(&c, &with_claim("data", json!({}))).unwrap(),
                "n0"
            );
        }
        let err = algo()
            .schedule(&c, &with_claim("data", json!({"disk": "ssd"})))
            .unwrap_err();
        assert_eq!(
            err.message(None),
            "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, \
             1 node(s) had volume node affinity conflict."
        );
        assert_eq!(err.kinds(), filters::kind::NODE | filters::kind::VOLUMES);

        // A missing claim is reported once, not per node; preemption cannot help.
        let p = with_claim("gone", json!({}));
        let err = algo().schedule(&c, &p).unwrap_err();
        assert_eq!(err.kinds(), filters::kind::VOLUMES);
        let post = crate::scheduler::preemption::preempt(&c, &p, &err).unwrap_err();
        assert_eq!(
            err.message(Some(&format!("preemption: {post}"))),
            "0/2 nodes are available: persistentvolumeclaim \"gone\" not found. \
             preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn large_clusters_look_at_a_sample_and_rotate() {
        let c = cluster(
            (0..1000)
                .map(|i| node(&format!("n{i:04}"), "4", "8Gi", &[]))
                .collect(),
        );
        let mut a = algo();
        a.schedule(&c, &pod("p", "1", "1Gi")).unwrap();
        assert_eq!(a.next_start, 420);
        a.schedule(&c, &pod("q", "1", "1Gi")).unwrap();
        assert_eq!(a.next_start, 840);
        // Infeasible pods are checked against every node.
        let err = a.schedule(&c, &pod("huge", "64", "1Gi")).unwrap_err();
        assert_eq!(err.statuses.len(), 1000);
        assert_eq!(
            err.message(None),
            "0/1000 nodes are available: 1000 Insufficient cpu."
        );
    }

    #[test]
    fn nominated_node_is_tried_first_and_reserved() {
        let c0 = cluster(vec![node("a", "4", "8Gi", &[]), node("b", "4", "8Gi", &[])]);
        let mut p = pod("p", "1", "1Gi");
        p.nominated_node = Some("b".into());
        for _ in 0..8 {
            assert_eq!(algo().schedule(&c0, &p).unwrap(), "b");
        }
        // A lower-priority pod cannot take what a nominated pod holds.
        let mut c = cluster(vec![node("a", "4", "8Gi", &[])]);
        let mut high = pod("high", "3", "");
        high.priority = 10;
        c.nominate(&high, "a");
        let err = algo().schedule(&c, &pod("low", "2", "")).unwrap_err();
        assert_eq!(
            err.message(None),
            "0/1 nodes are available: 1 Insufficient cpu."
        );
    }

    #[test]
    fn match_fields_restricts_the_search() {
        let c = cluster(
            (0..5)
                .map(|i| node(&format!("n{i}"), "4", "8Gi", &[]))
                .collect(),
        );
        let p = spec_pod(
            "ds",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                       {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n3"]}]}]}}}}),
        );
        assert_eq!(algo().schedule(&c, &p).unwrap(), "n3");
        let q = spec_pod(
            "ds",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                       {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["gone"]}]}]}}}}),
        );
        let err = algo().schedule(&c, &q).unwrap_err();
        assert_eq!(
            err.message(None),
            "0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector."
        );
    }

    #[test]
    fn replicas_spread_over_nodes_and_zones() {
        let mut c = cluster(vec![
            node("a1", "8", "16Gi", &[(ZONE_LABEL, "a")]),
            node("a2", "8", "16Gi", &[(ZONE_LABEL, "a")]),
            node("b1", "8", "16Gi", &[(ZONE_LABEL, "b")]),
            node("b2", "8", "16Gi", &[(ZONE_LABEL, "b")]),
        ]);
        let mut a = algo();
        let mut placed = Vec::new();
        for i in 0..4 {
            let mut p = pod(&format!("r{i}"), "100m", "128Mi");
            p.owner_uid = Some("rs-uid".into());
            let n = a.schedule(&c, &p).unwrap();
            p.node_name = n.clone();
            c.add_pod(Arc::new(p), true);
            placed.push(n);
        }
        placed.sort();
        assert_eq!(placed, vec!["a1", "a2", "b1", "b2"]);
    }

    #[test]
    fn preferred_node_affinity_wins_over_load() {
        let mut c = cluster(vec![
            node("ssd", "4", "8Gi", &[("disk", "ssd")]),
            node("hdd", "4", "8Gi", &[("disk", "hdd")]),
        ]);
        c.add_pod(on(pod("x", "2", "4Gi"), "ssd"), false);
        let p = spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "100m"}}}],
                   "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                       {"weight": 100, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}}]}}}),
        );
        for _ in 0..8 {
            assert_eq!(algo().schedule(&c, &p).unwrap(), "ssd");
        }
    }

    #[test]
    fn preferred_anti_affinity_and_prefer_no_schedule_steer_away() {
        let spot = node_json(json!({
            "metadata": {"name": "spot", "labels": {HOSTNAME_LABEL: "spot"}},
            "spec": {"taints": [{"key": "spot", "effect": "PreferNoSchedule"}]},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}
        }));
        let c = cluster(vec![spot, node("regular", "4", "8Gi", &[])]);
        for _ in 0..8 {
            assert_eq!(
                algo().schedule(&c, &pod("p", "1", "1Gi")).unwrap(),
                "regular"
            );
        }
        let mut c = cluster(vec![
            node("n1", "4", "8Gi", &[]),
            node("n2", "4", "8Gi", &[]),
        ]);
        c.add_pod(
            on(with_labels(pod("db", "", ""), &[("app", "db")]), "n1"),
            false,
        );
        let p = spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                       {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": HOSTNAME_LABEL}}]}}}),
        );
        for _ in 0..8 {
            assert_eq!(algo().schedule(&c, &p).unwrap(), "n2");
        }
    }
}

//! Preemption, pure: for a pod that fits nowhere, find the node where evicting the fewest and
//! least important lower-priority pods makes it fit (upstream's DefaultPreemption: remove all
//! lower-priority pods, check the pod fits, then reprieve victims from the most important
//! down while it still fits), or say why preemption cannot help.

use std::cmp::Reverse;
use std::sync::Arc;

use super::algorithm::{histogram, run_filters, CycleState, FitError};
use super::cache::Cluster;
use super::filters::{Code, Failure};
use super::model::{NodeInfo, PodInfo};

pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const POLICY_NEVER: &str = "not eligible due to preemptionPolicy=Never.";
pub const TERMINATING_ON_NOMINATED: &str =
    "not eligible due to a terminating pod on the nominated node.";

/// Candidates are searched until this many are found: 10% of the nodes, at least 100.
fn candidates_wanted(nodes: usize) -> usize {
    (nodes / 10).max(100)
}

#[derive(Debug)]
pub struct Candidate {
    pub node: String,
    pub victims: Vec<Arc<PodInfo>>,
}

/// Upstream's `MoreImportantPod`: higher priority, then started earlier.
fn importance(p: &PodInfo) -> (i32, Reverse<i64>) {
    (p.priority, Reverse(p.start_ms.unwrap_or(p.created_ms)))
}

/// The pods on `node` whose eviction lets `pod` fit, or why none does.
fn select_victims(
    cluster: &Cluster,
    pod: &PodInfo,
    node: &NodeInfo,
    base: &CycleState,
) -> Result<Vec<Arc<PodInfo>>, Failure> {
    let mut potential: Vec<Arc<PodInfo>> = node
        .pods
        .iter()
        .filter(|p| p.priority < pod.priority)
        .cloned()
        .collect();
    if potential.is_empty() {
        return Err(Failure::new(Code::Unresolvable, 0, NO_VICTIMS));
    }
    let mut sim = node.clone();
    let mut state = CycleState {
        inter: base.inter.clone(),
        spread: base.spread.clone(),
        volumes: base.volumes.clone(),
    };
    let ns = &cluster.namespaces;
    let change = |sim: &mut NodeInfo, state: &mut CycleState, v: &Arc<PodInfo>, delta: i64| {
        if delta < 0 {
            sim.remove_pod(&v.key);
        } else {
            sim.add_pod(v.clone());
        }
        if let Some(s) = state.inter.as_mut() {
            s.update(pod, v, &sim.node, ns, delta);
        }
        if let Some(s) = state.spread.as_mut() {
            s.update(pod, v, &sim.node, delta);
        }
    };
    for v in &potential {
        change(&mut sim, &mut state, v, -1);
    }
    let extra = cluster.nominated_extra(node.name(), pod);
    let fits = |sim: &NodeInfo, state: &CycleState| {
        run_filters(pod, sim, state, extra.as_ref().map(|(r, n)| (r, *n)))
    };
    fits(&sim, &state)?;
    potential.sort_by_key(|p| Reverse(importance(p)));
    let mut victims = Vec::new();
    for v in potential {
        change(&mut sim, &mut state, &v, 1);
        if fits(&sim, &state).is_err() {
            change(&mut sim, &mut state, &v, -1);
            victims.push(v);
        }
    }
    Ok(victims)
}

/// Upstream's `pickOneNodeForPreemption` order: lowest highest-victim priority, lowest sum of
/// priorities, fewest victims, latest start of the most important victims.
fn rank(c: &Candidate) -> (i64, i64, usize, Reverse<i64>) {
    let highest = c.victims.iter().map(|v| v.priority).max();
    let sum: i64 = c
        .victims
        .iter()
        .map(|v| i64::from(v.priority) + i64::from(i32::MAX) + 1)
        .sum();
    let earliest_of_highest = c
        .victims
        .iter()
        .filter(|v| Some(v.priority) == highest)
        .map(|v| v.start_ms.unwrap_or(v.created_ms))
        .min()
        .unwrap_or(0);
    (
        highest.map_or(i64::MIN, i64::from),
        sum,
        c.victims.len(),
        Reverse(earliest_of_highest),
    )
}

/// Finds the node and victims for `pod`, or the message explaining why preemption does not
/// help (to be shown after `preemption: `).
pub fn preempt(cluster: &Cluster, pod: &PodInfo, fit: &FitError) -> Result<Candidate, String> {
    if pod.preemption_policy.as_deref() == Some("Never") {
        return Err(POLICY_NEVER.into());
    }
    if let Some(nominated) = pod.nominated_node.as_deref().and_then(|n| cluster.node(n)) {
        if nominated
            .pods
            .iter()
            .any(|p| p.terminating && p.priority < pod.priority)
        {
            return Err(TERMINATING_ON_NOMINATED.into());
        }
    }
    let n = cluster.node_count();
    let base = CycleState::new(cluster, pod);
    let mut reasons: Vec<String> = Vec::new();
    let mut candidates = Vec::new();
    let wanted = candidates_wanted(n);
    for (i, f) in &fit.statuses {
        if f.code == Code::Unresolvable || candidates.len() >= wanted {
            reasons.push(NOT_HELPFUL.into());
            continue;
        }
        let node = &cluster.nodes[*i];
        match select_victims(cluster, pod, node, &base) {
            Ok(victims) => candidates.push(Candidate {
                node: node.name().to_string(),
                victims,
            }),
            Err(f) => reasons.extend(f.reasons.iter().map(|r| r.to_string())),
        }
    }
    if candidates.is_empty() {
        return Err(format!(
            "0/{n} nodes are available: {}.",
            histogram(reasons.iter().map(String::as_str))
        ));
    }
    let best = candidates
        .into_iter()
        .min_by_key(rank)
        .expect("candidates is not empty");
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::algorithm::Algorithm;
    use crate::scheduler::model::testing::*;
    use crate::scheduler::model::{NodeData, HOSTNAME_LABEL};
    use rand::SeedableRng;
    use serde_json::json;

    fn cluster(nodes: Vec<NodeData>) -> Cluster {
        let mut c = Cluster::default();
        for n in nodes {
            c.upsert_node(n);
        }
        c
    }

    fn prio(name: &str, cpu: &str, priority: i32, start: i64) -> PodInfo {
        let mut p = pod(name, cpu, "");
        p.priority = priority;
        p.start_ms = Some(start);
        p
    }

    fn try_preempt(c: &Cluster, p: &PodInfo) -> Result<Candidate, String> {
        let mut a = Algorithm::new(rand::rngs::StdRng::seed_from_u64(1));
        let fit = a.schedule(c, p).unwrap_err();
        preempt(c, p, &fit)
    }

    #[test]
    fn evicts_the_fewest_lowest_priority_pods() {
        let mut c = cluster(vec![node("a", "4", "8Gi", &[]), node("b", "4", "8Gi", &[])]);
        // a: two low pods of 2 CPU; b: one medium pod of 2 and one low of 2.
        c.add_pod(on(prio("a-low-1", "2", 1, 10), "a"), false);
        c.add_pod(on(prio("a-low-2", "2", 1, 20), "a"), false);
        c.add_pod(on(prio("b-mid", "2", 50, 10), "b"), false);
        c.add_pod(on(prio("b-low", "2", 1, 10), "b"), false);
        let high = prio("high", "2", 100, 0);
        let cand = try_preempt(&c, &high).unwrap();
        // One victim is enough on either node; both have highest victim priority 1, so the
        // tie goes to the node whose victim started latest (a-low-2 at 20 vs b-low at 10).
        assert_eq!(cand.node, "a");
        let names: Vec<&str> = cand.victims.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, vec!["a-low-2"]);
    }

    #[test]
    fn prefers_nodes_with_lower_priority_victims() {
        let mut c = cluster(vec![node("a", "4", "8Gi", &[]), node("b", "4", "8Gi", &[])]);
        c.add_pod(on(prio("a-mid", "4", 50, 0), "a"), false);
        c.add_pod(on(prio("b-low-1", "2", 1, 0), "b"), false);
        c.add_pod(on(prio("b-low-2", "2", 1, 0), "b"), false);
        let cand = try_preempt(&c, &prio("high", "3", 100, 0)).unwrap();
        assert_eq!(cand.node, "b");
        assert_eq!(cand.victims.len(), 2);
    }

    #[test]
    fn equal_or_higher_priority_pods_are_never_victims() {
        let mut c = cluster(vec![node("a", "2", "8Gi", &[])]);
        c.add_pod(on(prio("peer", "2", 100, 0), "a"), false);
        let err = try_preempt(&c, &prio("high", "1", 100, 0)).unwrap_err();
        assert_eq!(
            err,
            "0/1 nodes are available: 1 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn unresolvable_failures_are_not_helped() {
        let tainted = node_json(json!({
            "metadata": {"name": "t", "labels": {HOSTNAME_LABEL: "t"}},
            "spec": {"taints": [{"key": "dedicated", "value": "infra", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "8", "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}
        }));
        let mut c = cluster(vec![tainted, node("w", "2", "8Gi", &[])]);
        c.add_pod(on(prio("low", "2", 0, 0), "t"), false);
        let err = try_preempt(&c, &prio("p", "4", 100, 0)).unwrap_err();
        // w: 4 CPU > 2 allocatable (unresolvable), t: taint.
        assert_eq!(
            err,
            "0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        );
        let mut never = prio("p", "1", 100, 0);
        never.preemption_policy = Some("Never".into());
        c.add_pod(on(prio("low2", "2", 0, 0), "w"), false);
        assert_eq!(try_preempt(&c, &never).unwrap_err(), POLICY_NEVER);
    }

    #[test]
    fn victims_blocking_by_anti_affinity_are_found() {
        let mut c = cluster(vec![node("a", "8", "8Gi", &[])]);
        let mut low = with_labels(prio("low", "100m", 1, 0), &[("app", "db")]);
        low.node_name = "a".into();
        c.add_pod(Arc::new(low), false);
        let mut p = spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                       {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": HOSTNAME_LABEL}]}}}),
        );
        p.priority = 10;
        let cand = try_preempt(&c, &p).unwrap();
        assert_eq!(cand.victims[0].name, "low");
    }

    #[test]
    fn waits_for_terminating_victims_on_the_nominated_node() {
        let mut c = cluster(vec![node("a", "2", "8Gi", &[])]);
        let mut dying = prio("dying", "2", 1, 0);
        dying.terminating = true;
        c.add_pod(on(dying, "a"), false);
        let mut p = prio("p", "2", 100, 0);
        p.nominated_node = Some("a".into());
        assert_eq!(try_preempt(&c, &p).unwrap_err(), TERMINATING_ON_NOMINATED);
    }
}

//! Node scores that need only the pod and the node: least-allocated and balanced resource
//! use, preferred node affinity and PreferNoSchedule taints, plus upstream's default
//! normalization. Scores are 0..=100 before the profile's weights apply.

use super::filters::{term_matches, tolerates};
use super::model::{NodeInfo, PodInfo};

pub const MAX_SCORE: i64 = 100;

/// Upstream's default plugin weights.
pub mod weight {
    pub const TAINT_TOLERATION: i64 = 3;
    pub const NODE_AFFINITY: i64 = 2;
    pub const INTER_POD_AFFINITY: i64 = 2;
    pub const TOPOLOGY_SPREAD: i64 = 2;
    pub const LEAST_ALLOCATED: i64 = 1;
    pub const BALANCED_ALLOCATION: i64 = 1;
}

fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_SCORE / capacity
}

/// NodeResourcesFit with the LeastAllocated strategy over CPU and memory (weight 1 each),
/// counting the scoring defaults for containers without requests.
pub fn least_allocated(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let alloc = &node.node.allocatable;
    let mut sum = 0;
    let mut weights = 0;
    for (req, cap) in [
        (node.non_zero_cpu + pod.non_zero_cpu, alloc.milli_cpu),
        (node.non_zero_memory + pod.non_zero_memory, alloc.memory),
    ] {
        if cap == 0 {
            continue;
        }
        sum += least_requested(req, cap);
        weights += 1;
    }
    if weights == 0 {
        0
    } else {
        sum / weights
    }
}

/// Whether BalancedAllocation applies: it skips pods requesting neither CPU nor memory.
pub fn balanced_applies(pod: &PodInfo) -> bool {
    pod.requests.milli_cpu != 0 || pod.requests.memory != 0
}

/// NodeResourcesBalancedAllocation: 100 × (1 − the spread of CPU and memory fractions).
pub fn balanced_allocation(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let alloc = &node.node.allocatable;
    let mut fractions = [0f64; 2];
    let mut n = 0;
    for (req, cap) in [
        (
            node.requested.milli_cpu + pod.requests.milli_cpu,
            alloc.milli_cpu,
        ),
        (node.requested.memory + pod.requests.memory, alloc.memory),
    ] {
        if cap == 0 {
            continue;
        }
        fractions[n] = (req as f64 / cap as f64).min(1.0);
        n += 1;
    }
    let std = if n == 2 {
        ((fractions[0] - fractions[1]) / 2.0).abs()
    } else {
        0.0
    };
    ((1.0 - std) * MAX_SCORE as f64) as i64
}

/// PreferNoSchedule taints the pod does not tolerate (normalized in reverse).
pub fn intolerable_prefer_no_schedule(pod: &PodInfo, node: &NodeInfo) -> i64 {
    node.node
        .taints
        .iter()
        .filter(|taint| taint.effect == "PreferNoSchedule")
        .filter(|taint| {
            !pod.tolerations.iter().any(|t| {
                let e = t.effect.as_deref().unwrap_or("");
                (e.is_empty() || e == "PreferNoSchedule") && tolerates(t, taint)
            })
        })
        .count() as i64
}

/// Sum of the weights of the preferred node affinity terms the node matches.
pub fn preferred_node_affinity(pod: &PodInfo, node: &NodeInfo) -> i64 {
    pod.preferred_node_affinity
        .iter()
        .filter(|(_, term)| term_matches(term, &node.node))
        .map(|(w, _)| *w)
        .sum()
}

/// `DefaultNormalizeScore`: scale to 0..=100 by the maximum, optionally reversed.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_SCORE);
        }
        return;
    }
    for s in scores.iter_mut() {
        let v = MAX_SCORE * *s / max;
        *s = if reverse { MAX_SCORE - v } else { v };
    }
}

/// Min–max scaling to 0..=100 (inter-pod affinity); all 0 when every score is equal.
pub fn min_max_normalize(scores: &mut [i64]) {
    let min = scores.iter().copied().min().unwrap_or(0);
    let max = scores.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    for s in scores.iter_mut() {
        *s = if diff > 0 {
            (MAX_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
        } else {
            0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use serde_json::json;

    #[test]
    fn least_allocated_prefers_emptier_nodes() {
        let mut busy = NodeInfo::new(node("busy", "4", "8Gi", &[]));
        busy.add_pod(on(pod("a", "3", "6Gi"), "busy"));
        let idle = NodeInfo::new(node("idle", "4", "8Gi", &[]));
        let p = pod("p", "1", "2Gi");
        // idle: cpu (4-1)/4 = 75, mem (8-2)/8 = 75.
        assert_eq!(least_allocated(&p, &idle), 75);
        // busy: cpu 0 left, mem 0 left.
        assert_eq!(least_allocated(&p, &busy), 0);
        // A pod without requests counts 100m and 200Mi.
        let q = pod("q", "", "");
        let s = least_allocated(&q, &idle);
        assert_eq!(s, ((3900 * 100 / 4000) + (8192 - 200) * 100 / 8192) / 2);
    }

    #[test]
    fn balanced_allocation_prefers_even_use() {
        let n = NodeInfo::new(node("n", "4", "8Gi", &[]));
        // cpu 50%, memory 50%: perfectly balanced.
        assert_eq!(balanced_allocation(&pod("p", "2", "4Gi"), &n), 100);
        // cpu 100%, memory 0%: std 0.5.
        assert_eq!(balanced_allocation(&pod("p", "4", "1"), &n), 50);
        assert!(!balanced_applies(&pod("p", "", "")));
    }

    #[test]
    fn prefer_no_schedule_taints_count_against_a_node() {
        let spot = node_json(json!({
            "metadata": {"name": "spot"},
            "spec": {"taints": [{"key": "spot", "effect": "PreferNoSchedule"},
                                {"key": "gpu", "effect": "NoSchedule"}]},
        }));
        let n = NodeInfo::new(spot);
        assert_eq!(intolerable_prefer_no_schedule(&pod("p", "", ""), &n), 1);
        let tolerant = spec_pod(
            "t",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "tolerations": [{"key": "spot", "operator": "Exists", "effect": "PreferNoSchedule"}]}),
        );
        assert_eq!(intolerable_prefer_no_schedule(&tolerant, &n), 0);
        let mut scores = vec![1, 0];
        default_normalize(&mut scores, true);
        assert_eq!(scores, vec![0, 100]);
    }

    #[test]
    fn preferred_node_affinity_sums_weights() {
        let p = spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                       {"weight": 80, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}},
                       {"weight": 20, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z1"]}]}}]}}}),
        );
        let both = NodeInfo::new(node("a", "1", "1Gi", &[("disk", "ssd"), ("zone", "z1")]));
        let ssd = NodeInfo::new(node("b", "1", "1Gi", &[("disk", "ssd")]));
        let none = NodeInfo::new(node("c", "1", "1Gi", &[]));
        let mut scores: Vec<i64> = [&both, &ssd, &none]
            .iter()
            .map(|n| preferred_node_affinity(&p, n))
            .collect();
        assert_eq!(scores, vec![100, 80, 0]);
        default_normalize(&mut scores, false);
        assert_eq!(scores, vec![100, 80, 0]);
    }

    #[test]
    fn min_max() {
        let mut s = vec![-4, 0, 6];
        min_max_normalize(&mut s);
        assert_eq!(s, vec![0, 40, 100]);
        let mut same = vec![3, 3];
        min_max_normalize(&mut same);
        assert_eq!(same, vec![0, 0]);
    }
}

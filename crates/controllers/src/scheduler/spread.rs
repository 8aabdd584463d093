//! Pod topology spread: `DoNotSchedule` constraints filter (skew of matching pods between
//! topology domains), `ScheduleAnyway` constraints score, and pods with a controller owner but
//! no constraints of their own get upstream's system defaults (by hostname, maxSkew 3, and by
//! zone, maxSkew 5), counting the owner's replicas.

use std::collections::{HashMap, HashSet};

use super::filters::{kind, matches_node_selector_and_affinity, untolerated_taint};
use super::filters::{Code, Failure, FilterResult};
use super::model::{NodeData, NodeInfo, PodInfo, Selector, SpreadConstraint};
use super::model::{HOSTNAME_LABEL, ZONE_LABEL};

pub const CONSTRAINTS_NOT_MATCH: &str = "node(s) didn't match pod topology spread constraints";
pub const MISSING_LABEL: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

/// Whether `node` counts towards constraint `c` of `pod` (node inclusion policies).
fn included(c: &SpreadConstraint, pod: &PodInfo, node: &NodeData) -> bool {
    (!c.honor_node_affinity || matches_node_selector_and_affinity(pod, node))
        && (!c.honor_node_taints || untolerated_taint(&node.taints, &pod.tolerations).is_none())
}

fn has_all_keys(constraints: &[SpreadConstraint], node: &NodeData) -> bool {
    constraints
        .iter()
        .all(|c| node.labels.contains_key(&c.topology_key))
}

fn counts_towards(selector: &Selector, ns: &str, p: &PodInfo) -> bool {
    !p.terminating && p.namespace == ns && selector.matches(&p.labels)
}

fn count_matching(node: &NodeInfo, selector: &Selector, ns: &str) -> i64 {
    node.pods
        .iter()
        .filter(|p| counts_towards(selector, ns, p))
        .count() as i64
}

/// Matching pods per domain for the `DoNotSchedule` constraints of one pod.
#[derive(Clone, Debug)]
pub struct SpreadState {
    constraints: Vec<SpreadConstraint>,
    /// Per constraint: domain value → matching pods.
    counts: Vec<HashMap<String, i64>>,
}

impl SpreadState {
    pub fn compute(pod: &PodInfo, nodes: &[NodeInfo]) -> Option<SpreadState> {
        let constraints: Vec<SpreadConstraint> =
            pod.spread.iter().filter(|c| c.hard).cloned().collect();
        if constraints.is_empty() {
            return None;
        }
        let mut counts = vec![HashMap::new(); constraints.len()];
        for node in nodes {
            if !has_all_keys(&constraints, &node.node) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                if !included(c, pod, &node.node) {
                    continue;
                }
                let v = &node.node.labels[&c.topology_key];
                *counts[i].entry(v.clone()).or_default() +=
                    count_matching(node, &c.selector, &pod.namespace);
            }
        }
        Some(SpreadState {
            constraints,
            counts,
        })
    }

    fn min_match(&self, i: usize) -> i64 {
        let domains = &self.counts[i];
        if (domains.len() as i64) < self.constraints[i].min_domains {
            return 0;
        }
        domains
            .values()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX))
    }

    pub fn filter(&self, pod: &PodInfo, node: &NodeData) -> FilterResult {
        for (i, c) in self.constraints.iter().enumerate() {
            let Some(v) = node.labels.get(&c.topology_key) else {
                return Err(Failure::new(
                    Code::Unresolvable,
                    kind::SPREAD,
                    MISSING_LABEL,
                ));
            };
            let self_match = i64::from(c.selector.matches(&pod.labels));
            let matching = self.counts[i].get(v).copied().unwrap_or(0);
            if matching + self_match - self.min_match(i) > c.max_skew {
                return Err(Failure::new(
                    Code::Unschedulable,
                    kind::SPREAD,
                    CONSTRAINTS_NOT_MATCH,
                ));
            }
        }
        Ok(())
    }

    /// Accounts for `existing` being added to (`delta` 1) or removed from (-1) `node`.
    pub fn update(&mut self, pod: &PodInfo, existing: &PodInfo, node: &NodeData, delta: i64) {
        if !has_all_keys(&self.constraints, node) {
            return;
        }
        for (i, c) in self.constraints.iter().enumerate() {
            if !included(c, pod, node) || !counts_towards(&c.selector, &pod.namespace, existing) {
                continue;
            }
            let v = &node.labels[&c.topology_key];
            *self.counts[i].entry(v.clone()).or_default() += delta;
        }
    }
}

/// How a scored constraint counts pods.
#[derive(Debug)]
enum Counting {
    Selector(Selector),
    /// System default: replicas of the same controller owner.
    Owner(String),
}

#[derive(Debug)]
struct Scored {
    key: String,
    max_skew: i64,
    counting: Counting,
    weight: f64,
}

/// The spreading score for one cycle over the feasible nodes.
#[derive(Debug)]
pub struct SpreadScore {
    constraints: Vec<Scored>,
    /// Per constraint (not hostname): domain value → matching pods.
    pair_counts: Vec<HashMap<String, i64>>,
    /// Feasible nodes lacking a topology key of the pod's own constraints: scored 0.
    ignored: HashSet<String>,
}

impl SpreadScore {
    /// `feasible` are indices into `nodes`; `zone_owner` counts each owner's pods per zone.
    pub fn compute(
        pod: &PodInfo,
        feasible: &[usize],
        nodes: &[NodeInfo],
        zone_owner: &HashMap<String, HashMap<String, u32>>,
    ) -> Option<SpreadScore> {
        let explicit: Vec<&SpreadConstraint> = pod.spread.iter().filter(|c| !c.hard).collect();
        let (mut constraints, system_default) = if !pod.spread.is_empty() {
            if explicit.is_empty() {
                return None;
            }
            let list = explicit
                .iter()
                .map(|c| Scored {
                    key: c.topology_key.clone(),
                    max_skew: c.max_skew,
                    counting: Counting::Selector(c.selector.clone()),
                    weight: 0.0,
                })
                .collect::<Vec<_>>();
            (list, false)
        } else {
            let owner = pod.owner_uid.clone()?;
            let list = vec![
                Scored {
                    key: HOSTNAME_LABEL.into(),
                    max_skew: 3,
                    counting: Counting::Owner(owner.clone()),
                    weight: 0.0,
                },
                Scored {
                    key: ZONE_LABEL.into(),
                    max_skew: 5,
                    counting: Counting::Owner(owner),
                    weight: 0.0,
                },
            ];
            (list, true)
        };
        let mut ignored = HashSet::new();
        let mut domains: Vec<HashSet<&str>> = vec![HashSet::new(); constraints.len()];
        for &i in feasible {
            let n = &nodes[i].node;
            if !system_default && !constraints.iter().all(|c| n.labels.contains_key(&c.key)) {
                ignored.insert(n.name.clone());
                continue;
            }
            for (ci, c) in constraints.iter().enumerate() {
                if let Some(v) = n.labels.get(&c.key) {
                    domains[ci].insert(v);
                }
            }
        }
        let scored_nodes = feasible.len() - ignored.len();
        for (ci, c) in constraints.iter_mut().enumerate() {
            let size = if c.key == HOSTNAME_LABEL {
                scored_nodes
            } else {
                domains[ci].len()
            };
            c.weight = ((size + 2) as f64).ln();
        }
        let mut pair_counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); constraints.len()];
        for (ci, c) in constraints.iter().enumerate() {
            if c.key == HOSTNAME_LABEL || domains[ci].is_empty() {
                continue;
            }
            match &c.counting {
                Counting::Owner(uid) => {
                    for (zone, n) in zone_owner.get(uid).into_iter().flatten() {
                        if domains[ci].contains(zone.as_str()) {
                            pair_counts[ci].insert(zone.clone(), i64::from(*n));
                        }
                    }
                }
                Counting::Selector(sel) => {
                    let explicit_c = explicit[ci];
                    for node in nodes {
                        let n = &node.node;
                        let Some(v) = n.labels.get(&c.key) else {
                            continue;
                        };
                        if !domains[ci].contains(v.as_str())
                            || !explicit
                                .iter()
                                .all(|e| n.labels.contains_key(&e.topology_key))
                            || !included(explicit_c, pod, n)
                        {
                            continue;
                        }
                        *pair_counts[ci].entry(v.clone()).or_default() +=
                            count_matching(node, sel, &pod.namespace);
                    }
                }
            }
        }
        Some(SpreadScore {
            constraints,
            pair_counts,
            ignored,
        })
    }

    /// The raw score (more matching pods → higher); `None` for ignored nodes.
    pub fn score(&self, pod: &PodInfo, node: &NodeInfo) -> Option<i64> {
        if self.ignored.contains(node.name()) {
            return None;
        }
        let mut score = 0.0;
        for (ci, c) in self.constraints.iter().enumerate() {
            let Some(v) = node.label(&c.key) else {
                continue;
            };
            let count = if c.key == HOSTNAME_LABEL {
                match &c.counting {
                    Counting::Owner(uid) => i64::from(node.owners.get(uid).copied().unwrap_or(0)),
                    Counting::Selector(sel) => count_matching(node, sel, &pod.namespace),
                }
            } else {
                self.pair_counts[ci].get(v).copied().unwrap_or(0)
            };
            score += count as f64 * c.weight + (c.max_skew - 1) as f64;
        }
        Some(score.round() as i64)
    }
}

/// Upstream's normalization: fewer matching pods → closer to 100; ignored nodes get 0.
pub fn normalize(scores: &mut [Option<i64>]) -> Vec<i64> {
    let present = scores.iter().flatten();
    let min = present.clone().copied().min().unwrap_or(0);
    let max = present.copied().max().unwrap_or(0);
    scores
        .iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use serde_json::json;
    use std::sync::Arc;

    fn zoned(nodes: &[(&str, Option<&str>)]) -> Vec<NodeInfo> {
        nodes
            .iter()
            .map(|(n, z)| {
                let labels: Vec<(&str, &str)> = z.iter().map(|z| (ZONE_LABEL, *z)).collect();
                NodeInfo::new(node(n, "8", "16Gi", &labels))
            })
            .collect()
    }

    fn place(nodes: &mut [NodeInfo], node: &str, p: PodInfo) {
        let n = nodes.iter_mut().find(|n| n.name() == node).unwrap();
        let mut p = p;
        p.node_name = node.into();
        n.add_pod(Arc::new(p));
    }

    fn spread_pod(name: &str, when: &str, key: &str, skew: i32) -> PodInfo {
        spec_pod(
            name,
            json!({"app": "web"}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "topologySpreadConstraints": [{"maxSkew": skew, "topologyKey": key,
                       "whenUnsatisfiable": when, "labelSelector": {"matchLabels": {"app": "web"}}}]}),
        )
    }

    fn web(name: &str) -> PodInfo {
        with_labels(pod(name, "", ""), &[("app", "web")])
    }

    #[test]
    fn do_not_schedule_keeps_skew_within_bounds() {
        let mut nodes = zoned(&[("a1", Some("a")), ("a2", Some("a")), ("b1", Some("b"))]);
        place(&mut nodes, "a1", web("w1"));
        place(&mut nodes, "a2", web("w2"));
        // Zone a has 2, zone b has 0: another pod in a would make skew 3 > 1.
        let p = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 1);
        let s = SpreadState::compute(&p, &nodes).unwrap();
        let f = s.filter(&p, &nodes[0].node).unwrap_err();
        assert_eq!(f.reasons, vec![CONSTRAINTS_NOT_MATCH]);
        assert_eq!(f.code, Code::Unschedulable);
        assert!(s.filter(&p, &nodes[2].node).is_ok());
        // maxSkew 2 admits zone a again.
        let p2 = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 2);
        let s2 = SpreadState::compute(&p2, &nodes).unwrap();
        assert!(s2.filter(&p2, &nodes[0].node).is_err());
        let p3 = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 3);
        let s3 = SpreadState::compute(&p3, &nodes).unwrap();
        assert!(s3.filter(&p3, &nodes[0].node).is_ok());
    }

    #[test]
    fn nodes_without_the_key_are_unresolvable_and_not_counted() {
        let mut nodes = zoned(&[("a1", Some("a")), ("x", None)]);
        place(&mut nodes, "x", web("w1"));
        let p = spread_pod("w2", "DoNotSchedule", ZONE_LABEL, 1);
        let s = SpreadState::compute(&p, &nodes).unwrap();
        let f = s.filter(&p, &nodes[1].node).unwrap_err();
        assert_eq!(f.reasons, vec![MISSING_LABEL]);
        assert_eq!(f.code, Code::Unresolvable);
        assert!(s.filter(&p, &nodes[0].node).is_ok());
    }

    #[test]
    fn min_domains_treats_missing_domains_as_empty() {
        let mut nodes = zoned(&[("a1", Some("a")), ("b1", Some("b"))]);
        place(&mut nodes, "a1", web("w1"));
        place(&mut nodes, "b1", web("w2"));
        let mut p = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 1);
        assert!(SpreadState::compute(&p, &nodes)
            .unwrap()
            .filter(&p, &nodes[0].node)
            .is_ok());
        p.spread[0].min_domains = 3;
        let s = SpreadState::compute(&p, &nodes).unwrap();
        assert!(s.filter(&p, &nodes[0].node).is_err());
    }

    #[test]
    fn node_affinity_policy_limits_counted_nodes() {
        let mut nodes = zoned(&[("a1", Some("a")), ("b1", Some("b"))]);
        nodes[1].node.labels.insert("pool".into(), "batch".into());
        place(&mut nodes, "a1", web("w1"));
        place(&mut nodes, "a1", web("w2"));
        let mut p = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 1);
        p.node_selector.insert("pool".into(), "batch".into());
        // Zone a is excluded (does not match the selector), so only b counts: skew 1.
        let s = SpreadState::compute(&p, &nodes).unwrap();
        assert!(s.filter(&p, &nodes[1].node).is_ok());
        // Preemption-style removal and re-adding keeps counts consistent.
        let mut s = SpreadState::compute(&spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 1), &nodes)
            .unwrap();
        let q = spread_pod("w3", "DoNotSchedule", ZONE_LABEL, 1);
        assert!(s.filter(&q, &nodes[0].node).is_err());
        let w1 = nodes[0].pods[0].clone();
        let w2 = nodes[0].pods[1].clone();
        s.update(&q, &w1, &nodes[0].node, -1);
        s.update(&q, &w2, &nodes[0].node, -1);
        assert!(s.filter(&q, &nodes[0].node).is_ok());
    }

    #[test]
    fn schedule_anyway_prefers_emptier_domains() {
        let mut nodes = zoned(&[("a1", Some("a")), ("a2", Some("a")), ("b1", Some("b"))]);
        place(&mut nodes, "a1", web("w1"));
        place(&mut nodes, "a2", web("w2"));
        let p = spread_pod("w3", "ScheduleAnyway", ZONE_LABEL, 1);
        let feasible = [0, 1, 2];
        let s = SpreadScore::compute(&p, &feasible, &nodes, &HashMap::new()).unwrap();
        let mut raw: Vec<Option<i64>> = feasible.iter().map(|&i| s.score(&p, &nodes[i])).collect();
        let scores = normalize(&mut raw);
        assert!(scores[2] > scores[0], "{scores:?}");
        assert_eq!(scores[0], scores[1]);
        assert_eq!(scores[2], 100);
    }

    #[test]
    fn replicas_of_an_owner_are_spread_by_default() {
        let mut nodes = zoned(&[("a1", Some("a")), ("a2", Some("a")), ("b1", Some("b"))]);
        let mut replica = pod("r1", "", "");
        replica.owner_uid = Some("rs-1".into());
        place(&mut nodes, "a1", replica.clone());
        let mut zone_owner = HashMap::new();
        zone_owner.insert("rs-1".to_string(), HashMap::from([("a".to_string(), 1u32)]));
        let mut next = pod("r2", "", "");
        next.owner_uid = Some("rs-1".into());
        let feasible = [0, 1, 2];
        let s = SpreadScore::compute(&next, &feasible, &nodes, &zone_owner).unwrap();
        let mut raw: Vec<Option<i64>> = feasible
            .iter()
            .map(|&i| s.score(&next, &nodes[i]))
            .collect();
        let scores = normalize(&mut raw);
        // The node with a replica is worst; the other zone is best.
        assert!(scores[0] < scores[1] && scores[1] < scores[2], "{scores:?}");
        // Pods without owner or constraints are not scored.
        assert!(SpreadScore::compute(&pod("x", "", ""), &feasible, &nodes, &zone_owner).is_none());
    }
}

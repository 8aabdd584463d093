//! Inter-pod affinity and anti-affinity: the per-cycle counts of matching pods per topology
//! domain (upstream's PreFilter state), the filter over them, their incremental update used by
//! preemption, and the preferred-terms score.

use std::collections::HashMap;

use super::filters::{kind, Code, Failure, FilterResult};
use super::model::{AffinityTerm, Labels, NodeData, NodeInfo, PodInfo, WeightedTerm};

pub type NsLabels = HashMap<String, Labels>;
/// (topology key, value) → number of pods.
type TopoCounts = HashMap<(String, String), i64>;

pub const AFFINITY_RULES: &str = "node(s) didn't match pod affinity rules";
pub const ANTI_AFFINITY_RULES: &str = "node(s) didn't match pod anti-affinity rules";
pub const EXISTING_ANTI_AFFINITY: &str = "node(s) didn't satisfy existing pods anti-affinity rules";

/// The weight of an existing pod's required affinity term matching the incoming pod when
/// scoring (upstream's `hardPodAffinityWeight`).
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

fn bump(counts: &mut TopoCounts, key: &str, node: &NodeData, delta: i64) {
    if let Some(v) = node.labels.get(key) {
        let e = counts.entry((key.to_string(), v.clone())).or_default();
        *e += delta;
        if *e == 0 {
            counts.remove(&(key.to_string(), v.clone()));
        }
    }
}

fn term_matches_pod(t: &AffinityTerm, p: &PodInfo, ns: &NsLabels) -> bool {
    t.matches(&p.namespace, &p.labels, ns.get(&p.namespace))
}

/// Counts for one scheduling cycle of `pod`.
#[derive(Clone, Debug, Default)]
pub struct InterPodState {
    /// Domains holding an existing pod whose required anti-affinity selects `pod`.
    existing_anti: TopoCounts,
    /// Domains holding pods that match all of `pod`'s required affinity terms.
    affinity: TopoCounts,
    /// Domains holding pods that `pod`'s required anti-affinity terms select.
    anti: TopoCounts,
    /// The pod matches all of its own required affinity terms.
    self_match: bool,
}

impl InterPodState {
    /// `None` when there is nothing to check: the pod has no required terms and no existing pod
    /// has required anti-affinity.
    pub fn compute(
        pod: &PodInfo,
        nodes: &[NodeInfo],
        ns: &NsLabels,
        any_required_anti: bool,
    ) -> Option<InterPodState> {
        let own_terms = !pod.required_affinity.is_empty() || !pod.required_anti_affinity.is_empty();
        if !own_terms && !any_required_anti {
            return None;
        }
        let mut s = InterPodState {
            self_match: pod
                .required_affinity
                .iter()
                .all(|t| term_matches_pod(t, pod, ns)),
            ..Default::default()
        };
        for node in nodes {
            if own_terms {
                for existing in &node.pods {
                    s.count_incoming(pod, existing, &node.node, ns, 1);
                }
            }
            if any_required_anti && node.with_required_anti > 0 {
                for existing in &node.pods {
                    s.count_existing(pod, existing, &node.node, ns, 1);
                }
            }
        }
        Some(s)
    }

    fn count_incoming(
        &mut self,
        pod: &PodInfo,
        existing: &PodInfo,
        node: &NodeData,
        ns: &NsLabels,
        delta: i64,
    ) {
        if !pod.required_affinity.is_empty()
            && pod
                .required_affinity
                .iter()
                .all(|t| term_matches_pod(t, existing, ns))
        {
            for t in &pod.required_affinity {
                bump(&mut self.affinity, &t.topology_key, node, delta);
            }
        }
        for t in &pod.required_anti_affinity {
            if term_matches_pod(t, existing, ns) {
                bump(&mut self.anti, &t.topology_key, node, delta);
            }
        }
    }

    fn count_existing(
        &mut self,
        pod: &PodInfo,
        existing: &PodInfo,
        node: &NodeData,
        ns: &NsLabels,
        delta: i64,
    ) {
        for t in &existing.required_anti_affinity {
            if term_matches_pod(t, pod, ns) {
                bump(&mut self.existing_anti, &t.topology_key, node, delta);
            }
        }
    }

    /// Accounts for `existing` being added to (`delta` 1) or removed from (-1) `node`.
    pub fn update(
        &mut self,
        pod: &PodInfo,
        existing: &PodInfo,
        node: &NodeData,
        ns: &NsLabels,
        delta: i64,
    ) {
        self.count_incoming(pod, existing, node, ns, delta);
        self.count_existing(pod, existing, node, ns, delta);
    }

    pub fn filter(&self, pod: &PodInfo, node: &NodeData) -> FilterResult {
        if !self.satisfies_affinity(pod, node) {
            return Err(Failure::new(
                Code::Unresolvable,
                kind::POD_AFFINITY,
                AFFINITY_RULES,
            ));
        }
        for t in &pod.required_anti_affinity {
            if let Some(v) = node.labels.get(&t.topology_key) {
                if self
                    .anti
                    .get(&(t.topology_key.clone(), v.clone()))
                    .is_some_and(|c| *c > 0)
                {
                    return Err(Failure::new(
                        Code::Unschedulable,
                        kind::POD_ANTI_AFFINITY,
                        ANTI_AFFINITY_RULES,
                    ));
                }
            }
        }
        let blocked = self
            .existing_anti
            .iter()
            .any(|((k, v), c)| *c > 0 && node.labels.get(k) == Some(v));
        if blocked {
            return Err(Failure::new(
                Code::Unschedulable,
                kind::POD_ANTI_AFFINITY,
                EXISTING_ANTI_AFFINITY,
            ));
        }
        Ok(())
    }

    fn satisfies_affinity(&self, pod: &PodInfo, node: &NodeData) -> bool {
        let mut pods_exist = true;
        for t in &pod.required_affinity {
            let Some(v) = node.labels.get(&t.topology_key) else {
                return false;
            };
            if self
                .affinity
                .get(&(t.topology_key.clone(), v.clone()))
                .is_none_or(|c| *c <= 0)
            {
                pods_exist = false;
            }
        }
        if pods_exist {
            return true;
        }
        // The first of a group of pods with affinity to each other: allowed when no pod in the
        // cluster matches yet and the pod matches its own terms.
        self.affinity.is_empty() && self.self_match
    }
}

/// Preferred inter-pod (anti-)affinity: a score per topology domain.
#[derive(Debug, Default)]
pub struct AffinityScore {
    scores: HashMap<String, HashMap<String, i64>>,
}

impl AffinityScore {
    fn add(&mut self, key: &str, node: &NodeData, value: i64) {
        if value == 0 {
            return;
        }
        if let Some(v) = node.labels.get(key) {
            *self
                .scores
                .entry(key.to_string())
                .or_default()
                .entry(v.clone())
                .or_default() += value;
        }
    }

    fn terms(
        &mut self,
        terms: &[WeightedTerm],
        target: &PodInfo,
        node: &NodeData,
        ns: &NsLabels,
        sign: i64,
    ) {
        for w in terms {
            if term_matches_pod(&w.term, target, ns) {
                self.add(&w.term.topology_key, node, w.weight * sign);
            }
        }
    }

    /// `None` when no node would get a non-zero score.
    pub fn compute(
        pod: &PodInfo,
        nodes: &[NodeInfo],
        ns: &NsLabels,
        any_affinity_pods: bool,
    ) -> Option<AffinityScore> {
        let preferred =
            !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
        if !preferred && !any_affinity_pods {
            return None;
        }
        let mut s = AffinityScore::default();
        for node in nodes {
            if node.node.labels.is_empty() || (!preferred && node.with_affinity == 0) {
                continue;
            }
            for existing in &node.pods {
                if !preferred && !existing.has_affinity() {
                    continue;
                }
                let n = &node.node;
                s.terms(&pod.preferred_affinity, existing, n, ns, 1);
                s.terms(&pod.preferred_anti_affinity, existing, n, ns, -1);
                for t in &existing.required_affinity {
                    if term_matches_pod(t, pod, ns) {
                        s.add(&t.topology_key, n, HARD_POD_AFFINITY_WEIGHT);
                    }
                }
                s.terms(&existing.preferred_affinity, pod, n, ns, 1);
                s.terms(&existing.preferred_anti_affinity, pod, n, ns, -1);
            }
        }
        (!s.scores.is_empty()).then_some(s)
    }

    pub fn score(&self, node: &NodeData) -> i64 {
        self.scores
            .iter()
            .filter_map(|(k, values)| node.labels.get(k).and_then(|v| values.get(v)))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use crate::scheduler::model::{NodeInfo, HOSTNAME_LABEL, ZONE_LABEL};
    use serde_json::json;
    use std::sync::Arc;

    fn cluster(pods: &[(&str, Arc<PodInfo>)]) -> Vec<NodeInfo> {
        let mut nodes: Vec<NodeInfo> = [("n1", "z1"), ("n2", "z1"), ("n3", "z2")]
            .iter()
            .map(|(n, z)| NodeInfo::new(node(n, "4", "8Gi", &[(ZONE_LABEL, z)])))
            .collect();
        for (n, p) in pods {
            nodes
                .iter_mut()
                .find(|x| x.name() == *n)
                .unwrap()
                .add_pod(p.clone());
        }
        nodes
    }

    fn affinity_pod(name: &str, labels: serde_json::Value, affinity: serde_json::Value) -> PodInfo {
        spec_pod(
            name,
            labels,
            json!({"containers": [{"name": "c", "image": "x"}], "affinity": affinity}),
        )
    }

    fn fits(s: &InterPodState, p: &PodInfo, nodes: &[NodeInfo]) -> Vec<String> {
        nodes
            .iter()
            .filter(|n| s.filter(p, &n.node).is_ok())
            .map(|n| n.name().to_string())
            .collect()
    }

    #[test]
    fn required_affinity_follows_matching_pods_by_zone() {
        let cache = on(with_labels(pod("cache", "", ""), &[("app", "cache")]), "n3");
        let nodes = cluster(&[("n3", cache)]);
        let web = affinity_pod(
            "web",
            json!({"app": "web"}),
            json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": ZONE_LABEL}]}}),
        );
        let s = InterPodState::compute(&web, &nodes, &NsLabels::new(), false).unwrap();
        assert_eq!(fits(&s, &web, &nodes), vec!["n3"]);
        let f = s.filter(&web, &nodes[0].node).unwrap_err();
        assert_eq!(f.reasons, vec![AFFINITY_RULES]);
        assert_eq!(f.code, Code::Unresolvable);
    }

    #[test]
    fn first_pod_of_a_self_affine_group_may_go_anywhere() {
        let nodes = cluster(&[]);
        let p = affinity_pod(
            "a",
            json!({"group": "g"}),
            json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"group": "g"}}, "topologyKey": ZONE_LABEL}]}}),
        );
        let s = InterPodState::compute(&p, &nodes, &NsLabels::new(), false).unwrap();
        assert_eq!(fits(&s, &p, &nodes).len(), 3);
        // Not so for a pod that does not match its own terms.
        let q = affinity_pod(
            "b",
            json!({"group": "other"}),
            json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"group": "g"}}, "topologyKey": ZONE_LABEL}]}}),
        );
        let s = InterPodState::compute(&q, &nodes, &NsLabels::new(), false).unwrap();
        assert!(fits(&s, &q, &nodes).is_empty());
    }

    #[test]
    fn anti_affinity_spreads_replicas_over_hosts() {
        let anti = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": HOSTNAME_LABEL}]}});
        let first = Arc::new({
            let mut p = affinity_pod("web-1", json!({"app": "web"}), anti.clone());
            p.node_name = "n1".into();
            p
        });
        let nodes = cluster(&[("n1", first.clone())]);
        let second = affinity_pod("web-2", json!({"app": "web"}), anti);
        let s = InterPodState::compute(&second, &nodes, &NsLabels::new(), true).unwrap();
        assert_eq!(fits(&s, &second, &nodes), vec!["n2", "n3"]);
        let f = s.filter(&second, &nodes[0].node).unwrap_err();
        assert_eq!(f.reasons, vec![ANTI_AFFINITY_RULES]);
        assert_eq!(f.code, Code::Unschedulable);

        // A pod without terms is still kept off n1 by the existing pod's anti-affinity.
        let plain = with_labels(pod("web-3", "", ""), &[("app", "web")]);
        let s = InterPodState::compute(&plain, &nodes, &NsLabels::new(), true).unwrap();
        assert_eq!(
            s.filter(&plain, &nodes[0].node).unwrap_err().reasons,
            vec![EXISTING_ANTI_AFFINITY]
        );
        assert!(s.filter(&plain, &nodes[1].node).is_ok());
        // Removing the existing pod (as preemption simulates) lifts both.
        let mut s2 = InterPodState::compute(&second, &nodes, &NsLabels::new(), true).unwrap();
        s2.update(&second, &first, &nodes[0].node, &NsLabels::new(), -1);
        assert!(s2.filter(&second, &nodes[0].node).is_ok());
    }

    #[test]
    fn namespaces_and_namespace_selectors() {
        let mut db = with_labels(pod("db", "", ""), &[("app", "db")]);
        db.namespace = "data".into();
        let nodes = cluster(&[(
            "n2",
            Arc::new({
                db.node_name = "n2".into();
                db
            }),
        )]);
        let mut ns = NsLabels::new();
        ns.insert(
            "data".into(),
            [("team".to_string(), "storage".to_string())].into(),
        );
        // Own namespace only by default: the db pod in `data` does not count.
        let p = affinity_pod(
            "p",
            json!({}),
            json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": HOSTNAME_LABEL}]}}),
        );
        let s = InterPodState::compute(&p, &nodes, &ns, false).unwrap();
        assert!(fits(&s, &p, &nodes).is_empty());
        for sel in [
            json!({"namespaces": ["data"]}),
            json!({"namespaceSelector": {"matchLabels": {"team": "storage"}}}),
            json!({"namespaceSelector": {}}),
        ] {
            let mut term = json!({"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": HOSTNAME_LABEL});
            for (k, v) in sel.as_object().unwrap() {
                term[k] = v.clone();
            }
            let p = affinity_pod(
                "p",
                json!({}),
                json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}),
            );
            let s = InterPodState::compute(&p, &nodes, &ns, false).unwrap();
            assert_eq!(fits(&s, &p, &nodes), vec!["n2"], "{sel}");
        }
    }

    #[test]
    fn preferred_terms_score_domains() {
        let cache = on(with_labels(pod("cache", "", ""), &[("app", "cache")]), "n1");
        let nodes = cluster(&[("n1", cache)]);
        let p = affinity_pod(
            "p",
            json!({}),
            json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 10, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": ZONE_LABEL}}]},
                   "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 4, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": HOSTNAME_LABEL}}]}}),
        );
        let s = AffinityScore::compute(&p, &nodes, &NsLabels::new(), false).unwrap();
        let scores: Vec<i64> = nodes.iter().map(|n| s.score(&n.node)).collect();
        assert_eq!(scores, vec![6, 10, 0]);
        // Nothing to score for a plain pod in a cluster without affinity.
        assert!(
            AffinityScore::compute(&pod("q", "", ""), &nodes, &NsLabels::new(), false).is_none()
        );
    }

    #[test]
    fn existing_pods_preferences_attract_the_incoming_pod() {
        let existing = Arc::new({
            let mut p = affinity_pod(
                "front",
                json!({"app": "front"}),
                json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 5, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "back"}}, "topologyKey": HOSTNAME_LABEL}}]}}),
            );
            p.node_name = "n2".into();
            p
        });
        let nodes = cluster(&[("n2", existing)]);
        let back = with_labels(pod("back", "", ""), &[("app", "back")]);
        let s = AffinityScore::compute(&back, &nodes, &NsLabels::new(), true).unwrap();
        assert_eq!(s.score(&nodes[1].node), 5);
        assert_eq!(s.score(&nodes[0].node), 0);
    }
}

//! The scheduler's cache: every node with the pods bound or assumed on it, kept aggregated
//! incrementally, so a pod the scheduler just placed counts at once, before its binding is
//! even written. Also the namespaces' labels, each owner's pods per zone, the pods
//! nominated to nodes by preemption, and the claims and volumes pods use.

use std::collections::HashMap;
use std::sync::Arc;

use super::affinity::NsLabels;
use super::model::{NodeData, NodeInfo, PodInfo, Resources, ZONE_LABEL};
use super::volumes::Volumes;

#[derive(Debug, PartialEq, Eq)]
pub enum NodeChange {
    Added,
    /// Something the scheduler looks at changed.
    Updated,
    Unchanged,
}

#[derive(Clone, Debug)]
struct Placed {
    node: String,
    assumed: bool,
}

#[derive(Clone, Debug)]
struct Nominee {
    key: String,
    priority: i32,
    requests: Resources,
}

#[derive(Default)]
pub struct Cluster {
    pub nodes: Vec<NodeInfo>,
    index: HashMap<String, usize>,
    pods: HashMap<String, Placed>,
    /// Pods bound to nodes the cache does not know (yet).
    orphans: HashMap<String, Vec<Arc<PodInfo>>>,
    /// Owner UID → zone → pods.
    pub zone_owner: HashMap<String, HashMap<String, u32>>,
    pub namespaces: NsLabels,
    /// Pods with required anti-affinity terms, and with any affinity term, on known nodes.
    pub required_anti_pods: usize,
    pub affinity_pods: usize,
    nominated: HashMap<String, Vec<Nominee>>,
    nominated_node: HashMap<String, String>,
    pub volumes: Volumes,
}

impl Cluster {
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.node_index(name).map(|i| &self.nodes[i])
    }

    fn account(&mut self, pod: &PodInfo, zone: Option<&String>, delta: i64) {
        if let (Some(owner), Some(zone)) = (&pod.owner_uid, zone) {
            let zones = self.zone_owner.entry(owner.clone()).or_default();
            let c = zones.entry(zone.clone()).or_default();
            *c = (i64::from(*c) + delta).max(0) as u32;
            if *c == 0 {
                zones.remove(zone);
                if zones.is_empty() {
                    self.zone_owner.remove(owner);
                }
            }
        }
        if !pod.required_anti_affinity.is_empty() {
            self.required_anti_pods = (self.required_anti_pods as i64 + delta) as usize;
        }
        if pod.has_affinity() {
            self.affinity_pods = (self.affinity_pods as i64 + delta) as usize;
        }
    }

    pub fn upsert_node(&mut self, data: NodeData) -> NodeChange {
        if let Some(&i) = self.index.get(&data.name) {
            if self.nodes[i].node == data {
                return NodeChange::Unchanged;
            }
            let old_zone = self.nodes[i].node.labels.get(ZONE_LABEL).cloned();
            let new_zone = data.labels.get(ZONE_LABEL).cloned();
            if old_zone != new_zone {
                let pods = self.nodes[i].pods.clone();
                for p in &pods {
                    self.account(p, old_zone.as_ref(), -1);
                    self.account(p, new_zone.as_ref(), 1);
                }
            }
            self.nodes[i].node = data;
            return NodeChange::Updated;
        }
        let name = data.name.clone();
        let zone = data.labels.get(ZONE_LABEL).cloned();
        let mut info = NodeInfo::new(data);
        for p in self.orphans.remove(&name).unwrap_or_default() {
            self.account(&p, zone.as_ref(), 1);
            info.add_pod(p);
        }
        self.index.insert(name, self.nodes.len());
        self.nodes.push(info);
        NodeChange::Added
    }

    pub fn remove_node(&mut self, name: &str) -> bool {
        let Some(i) = self.index.remove(name) else {
            return false;
        };
        let info = self.nodes.swap_remove(i);
        if i < self.nodes.len() {
            self.index.insert(self.nodes[i].node.name.clone(), i);
        }
        let zone = info.node.labels.get(ZONE_LABEL).cloned();
        for p in &info.pods {
            self.account(p, zone.as_ref(), -1);
        }
        if !info.pods.is_empty() {
            self.orphans.insert(name.to_string(), info.pods);
        }
        true
    }

    /// Adds a pod on `pod.node_name`; `assumed` while its binding is not confirmed.
    pub fn add_pod(&mut self, pod: Arc<PodInfo>, assumed: bool) {
        let node = pod.node_name.clone();
        self.pods.insert(
            pod.key.clone(),
            Placed {
                node: node.clone(),
                assumed,
            },
        );
        match self.index.get(&node) {
            Some(&i) => {
                let zone = self.nodes[i].node.labels.get(ZONE_LABEL).cloned();
                self.account(&pod, zone.as_ref(), 1);
                self.nodes[i].add_pod(pod);
            }
            None => self.orphans.entry(node).or_default().push(pod),
        }
    }

    pub fn remove_pod(&mut self, key: &str) -> Option<(Arc<PodInfo>, bool)> {
        let placed = self.pods.remove(key)?;
        let pod = match self.index.get(&placed.node) {
            Some(&i) => {
                let pod = self.nodes[i].remove_pod(key)?;
                let zone = self.nodes[i].node.labels.get(ZONE_LABEL).cloned();
                self.account(&pod, zone.as_ref(), -1);
                pod
            }
            None => {
                let list = self.orphans.get_mut(&placed.node)?;
                let j = list.iter().position(|p| p.key == key)?;
                let pod = list.swap_remove(j);
                if list.is_empty() {
                    self.orphans.remove(&placed.node);
                }
                pod
            }
        };
        Some((pod, placed.assumed))
    }

    /// Where a pod is, and whether only assumed.
    pub fn placed(&self, key: &str) -> Option<(&str, bool)> {
        self.pods.get(key).map(|p| (p.node.as_str(), p.assumed))
    }

    pub fn pod(&self, key: &str) -> Option<&Arc<PodInfo>> {
        let placed = self.pods.get(key)?;
        let list = match self.index.get(&placed.node) {
            Some(&i) => &self.nodes[i].pods,
            None => self.orphans.get(&placed.node)?,
        };
        list.iter().find(|p| p.key == key)
    }

    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }

    pub fn pod_keys(&self) -> Vec<String> {
        self.pods.keys().cloned().collect()
    }

    // -----------------------------------------------------------------------------------------
    // Nominated pods

    pub fn nominate(&mut self, pod: &PodInfo, node: &str) {
        if self.nominated_node.get(&pod.key).map(String::as_str) == Some(node) {
            return;
        }
        self.unnominate(&pod.key);
        self.nominated
            .entry(node.to_string())
            .or_default()
            .push(Nominee {
                key: pod.key.clone(),
                priority: pod.priority,
                requests: pod.requests.clone(),
            });
        self.nominated_node
            .insert(pod.key.clone(), node.to_string());
    }

    pub fn unnominate(&mut self, key: &str) {
        let Some(node) = self.nominated_node.remove(key) else {
            return;
        };
        if let Some(list) = self.nominated.get_mut(&node) {
            list.retain(|n| n.key != key);
            if list.is_empty() {
                self.nominated.remove(&node);
            }
        }
    }

    pub fn nominated_node_of(&self, key: &str) -> Option<&str> {
        self.nominated_node.get(key).map(String::as_str)
    }

    /// What pods nominated to `node` with at least `pod`'s priority hold there.
    pub fn nominated_extra(&self, node: &str, pod: &PodInfo) -> Option<(Resources, usize)> {
        let list = self.nominated.get(node)?;
        let mut total = Resources::default();
        let mut count = 0;
        for n in list {
            if n.key != pod.key && n.priority >= pod.priority {
                total.add(&n.requests);
                count += 1;
            }
        }
        (count > 0).then_some((total, count))
    }

    pub fn has_nominations(&self) -> bool {
        !self.nominated.is_empty()
    }

    /// Pods nominated to `node` with a priority below `priority`.
    pub fn nominated_below(&self, node: &str, priority: i32) -> Vec<String> {
        self.nominated
            .get(node)
            .into_iter()
            .flatten()
            .filter(|n| n.priority < priority)
            .map(|n| n.key.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;

    #[test]
    fn pods_on_unknown_nodes_wait_for_them() {
        let mut c = Cluster::default();
        let mut p = pod("a", "1", "1Gi");
        p.owner_uid = Some("rs".into());
        c.add_pod(on(p, "n1"), false);
        assert_eq!(c.node_count(), 0);
        assert_eq!(c.placed("default/a"), Some(("n1", false)));
        assert_eq!(
            c.upsert_node(node("n1", "4", "8Gi", &[(ZONE_LABEL, "z")])),
            NodeChange::Added
        );
        assert_eq!(c.node("n1").unwrap().requested.milli_cpu, 1000);
        assert_eq!(c.zone_owner["rs"]["z"], 1);
        assert_eq!(
            c.upsert_node(node("n1", "4", "8Gi", &[(ZONE_LABEL, "z")])),
            NodeChange::Unchanged
        );
        assert_eq!(
            c.upsert_node(node("n1", "4", "8Gi", &[(ZONE_LABEL, "y")])),
            NodeChange::Updated
        );
        assert_eq!(c.zone_owner["rs"].get("z"), None);
        assert_eq!(c.zone_owner["rs"]["y"], 1);
        assert!(c.remove_node("n1"));
        assert!(c.zone_owner.is_empty());
        let (p, assumed) = c.remove_pod("default/a").unwrap();
        assert_eq!(p.key, "default/a");
        assert!(!assumed);
        assert_eq!(c.pod_count(), 0);
    }

    #[test]
    fn removing_a_node_keeps_the_index_consistent() {
        let mut c = Cluster::default();
        for n in ["a", "b", "c"] {
            c.upsert_node(node(n, "1", "1Gi", &[]));
        }
        c.add_pod(on(pod("p", "100m", ""), "c"), true);
        c.remove_node("a");
        assert_eq!(c.node("c").unwrap().name(), "c");
        assert_eq!(c.node("b").unwrap().name(), "b");
        assert_eq!(c.placed("default/p"), Some(("c", true)));
        assert!(c.remove_pod("default/p").unwrap().1);
        assert_eq!(c.node("c").unwrap().requested.milli_cpu, 0);
    }

    #[test]
    fn nominations_hold_resources_for_equal_or_higher_priority() {
        let mut c = Cluster::default();
        c.upsert_node(node("n", "4", "8Gi", &[]));
        let mut high = pod("high", "2", "");
        high.priority = 100;
        c.nominate(&high, "n");
        let mut low = pod("low", "1", "");
        low.priority = 1;
        let (r, n) = c.nominated_extra("n", &low).unwrap();
        assert_eq!((r.milli_cpu, n), (2000, 1));
        // Not against itself or higher-priority pods.
        assert!(c.nominated_extra("n", &high).is_none());
        assert_eq!(
            c.nominated_below("n", 101),
            vec!["default/high".to_string()]
        );
        c.unnominate("default/high");
        assert!(!c.has_nominations());
    }
}

//! PersistentVolumeClaims as kube-scheduler's VolumeBinding plugin filters with them: a pod
//! naming a claim that does not exist (or is being deleted, or, for an ephemeral volume, was
//! not made for the pod) waits for it to change, and a claim bound to a volume pinned to
//! nodes (`spec.nodeAffinity`, as local volumes are) confines the pod to those nodes, since
//! the data lives there. An unbound claim of a `WaitForFirstConsumer` class restricts
//! nothing: its provisioner follows the pod. Any other unbound claim (an `Immediate` class,
//! no class, or a class not known) keeps the pod waiting until it is bound, as upstream.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::api::storage::v1::StorageClass;

use super::filters::{kind, term_matches, Code, Failure, FilterResult};
use super::model::{NodeData, PodInfo};

pub const NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
pub const UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";

/// A claim: `namespace/name` and what the filters read of it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimInfo {
    pub key: String,
    pub state: ClaimState,
}

/// What the filters read of a claim.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimState {
    /// The volume it is bound to (empty while unbound).
    pub volume_name: String,
    /// It has a deletion timestamp.
    pub deleting: bool,
    /// Its controlling owner's UID (empty for none): an ephemeral volume's claim must be its
    /// pod's.
    pub owner_uid: String,
    /// `spec.storageClassName` (empty for none).
    pub class: String,
}

impl ClaimInfo {
    pub fn from_claim(pvc: &PersistentVolumeClaim) -> ClaimInfo {
        let m = &pvc.metadata;
        ClaimInfo {
            key: format!(
                "{}/{}",
                m.namespace.as_deref().unwrap_or_default(),
                m.name.as_deref().unwrap_or_default()
            ),
            state: ClaimState {
                volume_name: pvc
                    .spec
                    .as_ref()
                    .and_then(|s| s.volume_name.clone())
                    .unwrap_or_default(),
                deleting: m.deletion_timestamp.is_some(),
                owner_uid: m
                    .owner_references
                    .iter()
                    .flatten()
                    .find(|o| o.controller == Some(true))
                    .map(|o| o.uid.clone())
                    .unwrap_or_default(),
                class: pvc
                    .spec
                    .as_ref()
                    .and_then(|s| s.storage_class_name.clone())
                    .unwrap_or_default(),
            },
        }
    }
}

/// A StorageClass as the filters read it: whether it delays binding until a pod uses the
/// claim (`volumeBindingMode: WaitForFirstConsumer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageClassInfo {
    pub name: String,
    pub waits_for_consumer: bool,
}

impl StorageClassInfo {
    pub fn from_class(class: &StorageClass) -> StorageClassInfo {
        StorageClassInfo {
            name: class.metadata.name.clone().unwrap_or_default(),
            waits_for_consumer: class.volume_binding_mode.as_deref()
                == Some("WaitForFirstConsumer"),
        }
    }
}

/// Required node terms; shared, so that a scheduling cycle copies no terms.
type Terms = Arc<Vec<NodeSelectorTerm>>;

/// A volume and the nodes it is reachable from (`None`: any node).
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeInfo {
    pub name: String,
    pub required: Option<Terms>,
}

impl VolumeInfo {
    pub fn from_volume(pv: &PersistentVolume) -> VolumeInfo {
        VolumeInfo {
            name: pv.metadata.name.clone().unwrap_or_default(),
            required: pv
                .spec
                .as_ref()
                .and_then(|s| s.node_affinity.as_ref())
                .and_then(|a| a.required.as_ref())
                .map(|r| Arc::new(r.node_selector_terms.clone())),
        }
    }
}

/// Every claim's bound volume and every volume's required node terms. The update methods
/// say whether anything the filters read changed, so pods waiting on volumes are retried only
/// then.
#[derive(Default)]
pub struct Volumes {
    claims: HashMap<String, ClaimState>,
    volumes: HashMap<String, Option<Terms>>,
    /// StorageClass name → whether it waits for the first consumer.
    classes: HashMap<String, bool>,
}

impl Volumes {
    pub fn apply_claim(&mut self, c: ClaimInfo) -> bool {
        if self.claims.get(&c.key) == Some(&c.state) {
            return false;
        }
        self.claims.insert(c.key, c.state);
        true
    }

    pub fn remove_claim(&mut self, key: &str) -> bool {
        self.claims.remove(key).is_some()
    }

    pub fn replace_claims(&mut self, all: Vec<ClaimInfo>) -> bool {
        let claims: HashMap<String, ClaimState> =
            all.into_iter().map(|c| (c.key, c.state)).collect();
        let changed = claims != self.claims;
        self.claims = claims;
        changed
    }

    pub fn apply_volume(&mut self, v: VolumeInfo) -> bool {
        if self.volumes.get(&v.name) == Some(&v.required) {
            return false;
        }
        self.volumes.insert(v.name, v.required);
        true
    }

    pub fn remove_volume(&mut self, name: &str) -> bool {
        self.volumes.remove(name).is_some()
    }

    pub fn replace_volumes(&mut self, all: Vec<VolumeInfo>) -> bool {
        let volumes: HashMap<String, Option<Terms>> =
            all.into_iter().map(|v| (v.name, v.required)).collect();
        let changed = volumes != self.volumes;
        self.volumes = volumes;
        changed
    }

    pub fn apply_class(&mut self, c: StorageClassInfo) -> bool {
        self.classes.insert(c.name, c.waits_for_consumer) != Some(c.waits_for_consumer)
    }

    pub fn remove_class(&mut self, name: &str) -> bool {
        self.classes.remove(name).is_some()
    }

    pub fn replace_classes(&mut self, all: Vec<StorageClassInfo>) -> bool {
        let classes: HashMap<String, bool> = all
            .into_iter()
            .map(|c| (c.name, c.waits_for_consumer))
            .collect();
        let changed = classes != self.classes;
        self.classes = classes;
        changed
    }

    /// Whether an unbound claim may wait for the pod's node: only with a known class that
    /// waits for the first consumer (upstream's `IsDelayBindingMode`).
    fn delays_binding(&self, claim: &ClaimState) -> bool {
        self.classes.get(&claim.class) == Some(&true)
    }

    fn claim(&self, pod: &PodInfo, name: &str) -> Option<&ClaimState> {
        self.claims.get(&format!("{}/{name}", pod.namespace))
    }

    /// The PreFilter: upstream's message for the first of the pod's claims that cannot be
    /// used: missing, being deleted, or (an ephemeral volume's) not made for this pod; then,
    /// for any claim still unbound that must be bound before scheduling. No node can help;
    /// only a change to the claim can.
    pub fn claim_problem(&self, pod: &PodInfo) -> Option<String> {
        let unusable = pod.claims.iter().find_map(|claim| {
            let c = &claim.name;
            match self.claim(pod, c) {
                None => Some(format!("persistentvolumeclaim \"{c}\" not found")),
                Some(state) if state.deleting => {
                    Some(format!("persistentvolumeclaim \"{c}\" is being deleted"))
                }
                Some(state) if claim.ephemeral && state.owner_uid != pod.uid => Some(format!(
                    "PVC {ns}/{c} was not created for pod {ns}/{name} (pod is not owner)",
                    ns = pod.namespace,
                    name = pod.name
                )),
                Some(_) => None,
            }
        });
        unusable.or_else(|| {
            pod.claims
                .iter()
                .filter_map(|c| self.claim(pod, &c.name))
                .any(|state| state.volume_name.is_empty() && !self.delays_binding(state))
                .then(|| UNBOUND_IMMEDIATE.to_string())
        })
    }

    /// What the pod's bound claims require of a node; `None` when they require nothing.
    pub fn bound(&self, pod: &PodInfo) -> Option<BoundVolumes> {
        let pinned: Vec<Pinned> = pod
            .claims
            .iter()
            .filter_map(|c| self.claim(pod, &c.name))
            .map(|state| &state.volume_name)
            .filter(|v| !v.is_empty())
            .filter_map(|v| match self.volumes.get(v) {
                None => Some(Pinned::Missing),
                Some(terms) => terms.clone().map(Pinned::To),
            })
            .collect();
        (!pinned.is_empty()).then_some(BoundVolumes(pinned))
    }
}

#[derive(Clone, Debug)]
enum Pinned {
    /// The claim names a volume that does not exist (yet, or any more).
    Missing,
    To(Terms),
}

/// The pinned volumes of a pod's bound claims, in the pod's order.
#[derive(Clone, Debug)]
pub struct BoundVolumes(Vec<Pinned>);

impl BoundVolumes {
    /// The first volume the node cannot reach decides the reason, as upstream checks them in
    /// order. Either way evicting pods does not help.
    pub fn filter(&self, node: &NodeData) -> FilterResult {
        for p in &self.0 {
            let reason = match p {
                Pinned::Missing => PV_NOT_EXIST,
                Pinned::To(terms) if !terms.iter().any(|t| term_matches(t, node)) => NODE_CONFLICT,
                Pinned::To(_) => continue,
            };
            return Err(Failure::new(Code::Unresolvable, kind::VOLUMES, reason));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use crate::scheduler::model::HOSTNAME_LABEL;
    use serde_json::json;

    fn claim(name: &str, volume: Option<&str>) -> ClaimInfo {
        ClaimInfo::from_claim(
            &serde_json::from_value(json!({
                "metadata": {"name": name, "namespace": "default"},
                "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": volume,
                         "storageClassName": "local-path",
                         "resources": {"requests": {"storage": "1Mi"}}}
            }))
            .unwrap(),
        )
    }

    fn class(name: &str, mode: Option<&str>) -> StorageClassInfo {
        StorageClassInfo::from_class(
            &serde_json::from_value(json!({
                "metadata": {"name": name},
                "provisioner": "rancher.io/local-path",
                "volumeBindingMode": mode,
            }))
            .unwrap(),
        )
    }

    /// Volumes knowing the `local-path` class, which waits for the first consumer.
    fn with_local_path() -> Volumes {
        let mut v = Volumes::default();
        v.apply_class(class("local-path", Some("WaitForFirstConsumer")));
        v
    }

    /// A local volume on `node`, as the local-path provisioner makes them.
    fn local_volume(name: &str, node: &str) -> VolumeInfo {
        VolumeInfo::from_volume(
            &serde_json::from_value(json!({
                "metadata": {"name": name},
                "spec": {"capacity": {"storage": "1Mi"}, "hostPath": {"path": "/x"},
                         "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                             {"key": HOSTNAME_LABEL, "operator": "In", "values": [node]}]}]}}}
            }))
            .unwrap(),
        )
    }

    fn using(claims: &[&str]) -> PodInfo {
        let volumes: Vec<_> = claims
            .iter()
            .map(|c| json!({"name": c, "persistentVolumeClaim": {"claimName": c}}))
            .collect();
        spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}], "volumes": volumes}),
        )
    }

    fn filter(v: &Volumes, pod: &PodInfo, node: &NodeData) -> FilterResult {
        v.bound(pod).map_or(Ok(()), |b| b.filter(node))
    }

    #[test]
    fn bound_volumes_confine_pods_to_their_nodes() {
        let mut v = Volumes::default();
        v.apply_claim(claim("data", Some("pv-1")));
        v.apply_volume(local_volume("pv-1", "n1"));
        let p = using(&["data"]);
        assert_eq!(v.claim_problem(&p), None);
        assert!(filter(&v, &p, &node("n1", "1", "1Gi", &[])).is_ok());
        let f = filter(&v, &p, &node("n2", "1", "1Gi", &[])).unwrap_err();
        assert_eq!(f.reasons, vec![NODE_CONFLICT]);
        assert_eq!((f.code, f.kind), (Code::Unresolvable, kind::VOLUMES));
        // Terms are ORed, expressions within one ANDed.
        let either = VolumeInfo {
            name: "pv-1".into(),
            required: Some(Arc::new(
                serde_json::from_value(json!([
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]},
                                          {"key": "disk", "operator": "Exists"}]},
                    {"matchExpressions": [{"key": HOSTNAME_LABEL, "operator": "In", "values": ["n3"]}]}
                ]))
                .unwrap(),
            )),
        };
        assert!(v.apply_volume(either));
        let fits = |labels: &[(&str, &str)]| filter(&v, &p, &node("n", "1", "1Gi", labels)).is_ok();
        assert!(fits(&[("zone", "a"), ("disk", "ssd")]));
        assert!(!fits(&[("zone", "a")]));
        assert!(!fits(&[("zone", "b"), ("disk", "ssd")]));
        assert!(filter(&v, &p, &node("n3", "1", "1Gi", &[])).is_ok());
    }

    #[test]
    fn volumes_without_node_affinity_and_unbound_claims_restrict_nothing() {
        let mut v = with_local_path();
        v.apply_claim(claim("fresh", None));
        v.apply_claim(claim("shared", Some("nfs")));
        v.apply_volume(VolumeInfo {
            name: "nfs".into(),
            required: None,
        });
        let p = using(&["fresh", "shared"]);
        assert_eq!(v.claim_problem(&p), None);
        assert!(v.bound(&p).is_none());
        assert!(v.bound(&pod("plain", "", "")).is_none());
    }

    #[test]
    fn missing_claims_and_volumes() {
        let mut v = Volumes::default();
        v.apply_claim(claim("data", Some("pv-1")));
        let p = using(&["data", "logs"]);
        assert_eq!(
            v.claim_problem(&p).as_deref(),
            Some("persistentvolumeclaim \"logs\" not found")
        );
        // Claims live in the pod's namespace.
        let mut elsewhere = using(&["data"]);
        elsewhere.namespace = "shop".into();
        assert!(v.claim_problem(&elsewhere).is_some());
        // A claim bound to a volume not (yet) known fails every node.
        let f = filter(&v, &using(&["data"]), &node("n1", "1", "1Gi", &[])).unwrap_err();
        assert_eq!(f.reasons, vec![PV_NOT_EXIST]);
        assert!(v.apply_volume(local_volume("pv-1", "n1")));
        assert!(filter(&v, &using(&["data"]), &node("n1", "1", "1Gi", &[])).is_ok());
    }

    #[test]
    fn claims_being_deleted_or_not_made_for_the_pod_wait() {
        let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "default", "uid": "pod-uid"},
            "spec": {"containers": [{"name": "c", "image": "x"}],
                     "volumes": [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {
                         "spec": {"accessModes": ["ReadWriteOnce"],
                                  "resources": {"requests": {"storage": "1Mi"}}}}}}]}
        }))
        .unwrap();
        let p = PodInfo::from_pod(&pod);
        let mut v = with_local_path();
        assert_eq!(
            v.claim_problem(&p).as_deref(),
            Some("persistentvolumeclaim \"web-scratch\" not found")
        );
        let with_owner = |uid: &str, deleting: bool| {
            let mut c = claim("web-scratch", None);
            c.state.owner_uid = uid.into();
            c.state.deleting = deleting;
            c
        };
        v.apply_claim(with_owner("someone-else", false));
        assert_eq!(
            v.claim_problem(&p).as_deref(),
            Some("PVC default/web-scratch was not created for pod default/web (pod is not owner)")
        );
        v.apply_claim(with_owner("pod-uid", true));
        assert_eq!(
            v.claim_problem(&p).as_deref(),
            Some("persistentvolumeclaim \"web-scratch\" is being deleted")
        );
        v.apply_claim(with_owner("pod-uid", false));
        assert_eq!(v.claim_problem(&p), None);
        // A claim a pod names itself may have any owner.
        v.apply_claim(claim("data", None));
        assert_eq!(v.claim_problem(&using(&["data"])), None);
    }

    #[test]
    fn unbound_claims_wait_unless_their_class_waits_for_the_first_consumer() {
        let mut v = with_local_path();
        let p = using(&["data"]);
        let unbound = |class_name: Option<&str>| {
            let mut c = claim("data", None);
            c.state.class = class_name.unwrap_or_default().into();
            c
        };
        v.apply_claim(unbound(Some("local-path")));
        assert_eq!(v.claim_problem(&p), None);
        // Immediate (the default mode), no class, and a class not known must bind first.
        assert!(v.apply_class(class("fast", None)));
        for c in [Some("fast"), None, Some("unknown")] {
            v.apply_claim(unbound(c));
            assert_eq!(
                v.claim_problem(&p).as_deref(),
                Some(UNBOUND_IMMEDIATE),
                "{c:?}"
            );
        }
        // Bound, the claim no longer waits; its volume decides the node.
        v.apply_claim(claim("data", Some("pv-1")));
        v.apply_volume(local_volume("pv-1", "n1"));
        assert_eq!(v.claim_problem(&p), None);
        // Class changes count as changes; unchanged ones do not.
        assert!(!v.apply_class(class("fast", None)));
        assert!(v.apply_class(class("fast", Some("WaitForFirstConsumer"))));
        assert!(v.remove_class("fast"));
        assert!(!v.replace_classes(vec![class("local-path", Some("WaitForFirstConsumer"))]));
    }

    #[test]
    fn only_changes_the_filters_read_count() {
        let mut v = Volumes::default();
        assert!(v.apply_claim(claim("data", None)));
        assert!(!v.apply_claim(claim("data", None)));
        assert!(v.apply_claim(claim("data", Some("pv-1"))));
        assert!(v.apply_volume(local_volume("pv-1", "n1")));
        assert!(!v.apply_volume(local_volume("pv-1", "n1")));
        assert!(v.apply_volume(local_volume("pv-1", "n2")));
        assert!(!v.replace_claims(vec![claim("data", Some("pv-1"))]));
        assert!(v.replace_volumes(vec![]));
        assert!(v.remove_claim("default/data"));
        assert!(!v.remove_claim("default/data"));
        assert!(!v.remove_volume("pv-1"));
    }
}

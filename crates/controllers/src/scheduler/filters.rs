//! Per-node filters that need nothing but the pod and the node: readiness, cordons, node name,
//! taints, node selector and required node affinity, host ports and resource fit. Each
//! returns upstream's reason strings and whether preemption could help.

use std::borrow::Cow;

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration};

use super::model::{Labels, NodeData, NodeInfo, PodInfo, Resources};

/// Whether evicting pods could make the node fit (`Unschedulable`) or not
/// (`UnschedulableAndUnresolvable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Unschedulable,
    Unresolvable,
}

/// Which kind of check failed: decides which cluster changes make the pod worth retrying.
pub mod kind {
    pub const NODE: u32 = 1;
    pub const RESOURCES: u32 = 2;
    pub const PORTS: u32 = 4;
    pub const POD_AFFINITY: u32 = 8;
    pub const POD_ANTI_AFFINITY: u32 = 16;
    pub const SPREAD: u32 = 32;
    pub const VOLUMES: u32 = 64;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub code: Code,
    pub reasons: Vec<Cow<'static, str>>,
    pub kind: u32,
}

impl Failure {
    pub fn new(code: Code, kind: u32, reason: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            code,
            reasons: vec![reason.into()],
            kind,
        }
    }
}

pub type FilterResult = Result<(), Failure>;

pub const NOT_READY: &str = "node(s) were not ready";
pub const UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const NODE_NAME: &str = "node(s) didn't match the requested node name";
pub const NODE_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const PORTS: &str = "node(s) didn't have free ports for the requested pod ports";
pub const TOO_MANY_PODS: &str = "Too many pods";
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// The node's Ready condition must be True.
pub fn node_ready(node: &NodeData) -> FilterResult {
    if node.ready {
        Ok(())
    } else {
        Err(Failure::new(Code::Unresolvable, kind::NODE, NOT_READY))
    }
}

/// A cordoned node (`spec.unschedulable`) takes only pods tolerating its taint.
pub fn node_unschedulable(pod: &PodInfo, node: &NodeData) -> FilterResult {
    if !node.unschedulable {
        return Ok(());
    }
    let taint = Taint {
        key: UNSCHEDULABLE_TAINT.into(),
        effect: "NoSchedule".into(),
        ..Default::default()
    };
    if pod.tolerations.iter().any(|t| tolerates(t, &taint)) {
        Ok(())
    } else {
        Err(Failure::new(Code::Unresolvable, kind::NODE, UNSCHEDULABLE))
    }
}

/// A pod naming its node in `spec.nodeName` fits only there.
pub fn node_name(pod: &PodInfo, node: &NodeData) -> FilterResult {
    if pod.node_name.is_empty() || pod.node_name == node.name {
        Ok(())
    } else {
        Err(Failure::new(Code::Unresolvable, kind::NODE, NODE_NAME))
    }
}

/// `Toleration.ToleratesTaint`.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or("") {
        "" | "Equal" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        "Exists" => true,
        _ => false,
    }
}

/// The first NoSchedule or NoExecute taint no toleration tolerates.
pub fn untolerated_taint<'a>(taints: &'a [Taint], tolerations: &[Toleration]) -> Option<&'a Taint> {
    taints.iter().find(|taint| {
        (taint.effect == "NoSchedule" || taint.effect == "NoExecute")
            && !tolerations.iter().any(|t| tolerates(t, taint))
    })
}

pub fn taint_toleration(pod: &PodInfo, node: &NodeData) -> FilterResult {
    match untolerated_taint(&node.taints, &pod.tolerations) {
        None => Ok(()),
        Some(taint) => Err(Failure::new(
            Code::Unresolvable,
            kind::NODE,
            format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint.key,
                taint.value.as_deref().unwrap_or("")
            ),
        )),
    }
}

fn expression_matches(r: &NodeSelectorRequirement, labels: &Labels) -> bool {
    let values = r.values.as_deref().unwrap_or_default();
    let label = labels.get(&r.key);
    match r.operator.as_str() {
        "In" => label.is_some_and(|v| values.contains(v)),
        "NotIn" => label.is_none_or(|v| !values.contains(v)),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), [bound]) = (label, values) else {
                return false;
            };
            let (Ok(v), Ok(bound)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                return false;
            };
            if r.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

fn field_matches(r: &NodeSelectorRequirement, node_name: &str) -> bool {
    let values = r.values.as_deref().unwrap_or_default();
    if r.key != "metadata.name" || values.len() != 1 {
        return false;
    }
    match r.operator.as_str() {
        "In" => values[0] == node_name,
        "NotIn" => values[0] != node_name,
        _ => false,
    }
}

/// A node selector term: all expressions and fields hold; an empty term matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, node: &NodeData) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs.iter().all(|r| expression_matches(r, &node.labels))
        && fields.iter().all(|r| field_matches(r, &node.name))
}

/// `nodeSelector` and required node affinity (terms ORed) both hold.
pub fn matches_node_selector_and_affinity(pod: &PodInfo, node: &NodeData) -> bool {
    pod.node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
        && pod
            .required_node_affinity
            .as_ref()
            .is_none_or(|terms| terms.iter().any(|t| term_matches(t, node)))
}

pub fn node_affinity(pod: &PodInfo, node: &NodeData) -> FilterResult {
    if matches_node_selector_and_affinity(pod, node) {
        Ok(())
    } else {
        Err(Failure::new(Code::Unresolvable, kind::NODE, NODE_AFFINITY))
    }
}

/// Node names a pod's required node affinity restricts it to (every term a single
/// `metadata.name In` field), so the other nodes need not be looked at.
pub fn required_node_names(pod: &PodInfo) -> Option<Vec<String>> {
    let terms = pod.required_node_affinity.as_ref()?;
    let mut names = Vec::new();
    for t in terms {
        let fields = t.match_fields.as_deref().unwrap_or_default();
        match fields {
            [f] if f.key == "metadata.name"
                && f.operator == "In"
                && f.values.as_ref().is_some_and(|v| v.len() == 1) =>
            {
                names.push(f.values.as_ref().unwrap()[0].clone())
            }
            _ => return None,
        }
    }
    Some(names)
}

pub fn node_ports(pod: &PodInfo, node: &NodeInfo) -> FilterResult {
    let conflict = pod
        .host_ports
        .iter()
        .any(|want| node.ports.iter().any(|used| used.conflicts(want)));
    if conflict {
        Err(Failure::new(Code::Unschedulable, kind::PORTS, PORTS))
    } else {
        Ok(())
    }
}

/// Requests and pod count against what is allocatable minus what the node's pods (and
/// `extra`, higher-priority pods nominated to it) request. A request larger than the node's
/// whole allocatable amount cannot be helped by preemption.
pub fn resources_fit(
    pod: &PodInfo,
    node: &NodeInfo,
    extra: Option<(&Resources, usize)>,
) -> FilterResult {
    let mut reasons: Vec<Cow<'static, str>> = Vec::new();
    let mut unresolvable = false;
    let (extra_res, extra_pods) = match extra {
        Some((r, n)) => (Some(r), n),
        None => (None, 0),
    };
    let alloc = &node.node.allocatable;
    if (node.pods.len() + extra_pods + 1) as i64 > node.node.allowed_pods {
        reasons.push(Cow::Borrowed(TOO_MANY_PODS));
    }
    let req = &pod.requests;
    let used = |f: fn(&Resources) -> i64| f(&node.requested) + extra_res.map_or(0, f);
    let mut check = |want: i64, have: i64, used: i64, reason: &'static str| {
        if want > 0 && want > have - used {
            reasons.push(Cow::Borrowed(reason));
            unresolvable |= want > have;
        }
    };
    check(
        req.milli_cpu,
        alloc.milli_cpu,
        used(|r| r.milli_cpu),
        "Insufficient cpu",
    );
    check(
        req.memory,
        alloc.memory,
        used(|r| r.memory),
        "Insufficient memory",
    );
    check(
        req.ephemeral_storage,
        alloc.ephemeral_storage,
        used(|r| r.ephemeral_storage),
        "Insufficient ephemeral-storage",
    );
    for (name, want) in &req.scalar {
        if *want <= 0 {
            continue;
        }
        let have = alloc.scalar.get(name).copied().unwrap_or(0);
        let used = node.requested.scalar.get(name).copied().unwrap_or(0)
            + extra_res
                .and_then(|r| r.scalar.get(name))
                .copied()
                .unwrap_or(0);
        if *want > have - used {
            reasons.push(Cow::Owned(format!("Insufficient {name}")));
            unresolvable |= *want > have;
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: if unresolvable {
                Code::Unresolvable
            } else {
                Code::Unschedulable
            },
            reasons,
            kind: kind::RESOURCES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::model::testing::*;
    use crate::scheduler::model::NodeInfo;
    use serde_json::json;

    fn control_plane() -> NodeData {
        node_json(json!({
            "metadata": {"name": "cp", "labels": {"node-role.kubernetes.io/control-plane": ""}},
            "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                       "conditions": [{"type": "Ready", "status": "True"}]}
        }))
    }

    fn with_tolerations(tolerations: serde_json::Value) -> PodInfo {
        spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}], "tolerations": tolerations}),
        )
    }

    #[test]
    fn readiness() {
        let mut n = node("n", "1", "1Gi", &[]);
        assert!(node_ready(&n).is_ok());
        n.ready = false;
        let f = node_ready(&n).unwrap_err();
        assert_eq!(f.reasons, vec![NOT_READY]);
        assert_eq!(f.code, Code::Unresolvable);
        // A node reporting no conditions at all is not ready either.
        let bare = node_json(json!({"metadata": {"name": "bare"}}));
        assert!(node_ready(&bare).is_err());
    }

    #[test]
    fn cordoned_nodes_take_only_pods_tolerating_it() {
        let mut n = node("n", "1", "1Gi", &[]);
        n.unschedulable = true;
        let plain = pod("p", "", "");
        assert_eq!(
            node_unschedulable(&plain, &n).unwrap_err().reasons,
            vec![UNSCHEDULABLE]
        );
        let tolerant = with_tolerations(
            json!([{"key": UNSCHEDULABLE_TAINT, "operator": "Exists", "effect": "NoSchedule"}]),
        );
        assert!(node_unschedulable(&tolerant, &n).is_ok());
    }

    #[test]
    fn node_name_must_match_when_set() {
        let n = node("n1", "1", "1Gi", &[]);
        let mut p = pod("p", "", "");
        assert!(node_name(&p, &n).is_ok());
        p.node_name = "n2".into();
        assert_eq!(node_name(&p, &n).unwrap_err().reasons, vec![NODE_NAME]);
        p.node_name = "n1".into();
        assert!(node_name(&p, &n).is_ok());
    }

    #[test]
    fn taints_and_tolerations() {
        let cp = control_plane();
        let f = taint_toleration(&pod("p", "", ""), &cp).unwrap_err();
        assert_eq!(
            f.reasons,
            vec!["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"]
        );
        assert_eq!(f.code, Code::Unresolvable);
        // Exists on the key, with or without effect.
        for t in [
            json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]),
            json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]),
            json!([{"operator": "Exists"}]),
            json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Equal", "value": ""}]),
        ] {
            assert!(
                taint_toleration(&with_tolerations(t.clone()), &cp).is_ok(),
                "{t}"
            );
        }
        // Wrong effect or value does not tolerate.
        for t in [
            json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoExecute"}]),
            json!([{"key": "node-role.kubernetes.io/control-plane", "operator": "Equal", "value": "yes"}]),
            json!([{"key": "other", "operator": "Exists"}]),
        ] {
            assert!(
                taint_toleration(&with_tolerations(t.clone()), &cp).is_err(),
                "{t}"
            );
        }
        // Equal compares values; PreferNoSchedule never filters.
        let gpu = node_json(json!({
            "metadata": {"name": "g"},
            "spec": {"taints": [{"key": "gpu", "value": "true", "effect": "NoExecute"},
                                {"key": "spot", "effect": "PreferNoSchedule"}]},
        }));
        let f = taint_toleration(&pod("p", "", ""), &gpu).unwrap_err();
        assert_eq!(f.reasons, vec!["node(s) had untolerated taint {gpu: true}"]);
        assert!(taint_toleration(
            &with_tolerations(json!([{"key": "gpu", "operator": "Equal", "value": "true"}])),
            &gpu
        )
        .is_ok());
    }

    fn affinity_pod(node_affinity: serde_json::Value) -> PodInfo {
        spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}],
                   "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                        {"nodeSelectorTerms": node_affinity}}}}),
        )
    }

    #[test]
    fn node_selector() {
        let ssd = node("a", "1", "1Gi", &[("disktype", "ssd")]);
        let hdd = node("b", "1", "1Gi", &[("disktype", "hdd")]);
        let p = spec_pod(
            "p",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x"}], "nodeSelector": {"disktype": "ssd"}}),
        );
        assert!(node_affinity(&p, &ssd).is_ok());
        assert_eq!(
            node_affinity(&p, &hdd).unwrap_err().reasons,
            vec![NODE_AFFINITY]
        );
    }

    #[test]
    fn required_node_affinity_operators() {
        let n = node(
            "n1",
            "1",
            "1Gi",
            &[("zone", "z1"), ("gen", "5"), ("gpu", "")],
        );
        let fits = |terms: serde_json::Value| node_affinity(&affinity_pod(terms), &n).is_ok();
        let expr = |key: &str, op: &str, values: &[&str]| json!([{"matchExpressions": [{"key": key, "operator": op, "values": values}]}]);
        assert!(fits(expr("zone", "In", &["z1", "z2"])));
        assert!(!fits(expr("zone", "In", &["z2"])));
        assert!(fits(expr("zone", "NotIn", &["z2"])));
        assert!(!fits(expr("zone", "NotIn", &["z1"])));
        assert!(fits(expr("missing", "NotIn", &["x"])));
        assert!(fits(
            json!([{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}])
        ));
        assert!(!fits(
            json!([{"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}])
        ));
        assert!(fits(
            json!([{"matchExpressions": [{"key": "ssd", "operator": "DoesNotExist"}]}])
        ));
        assert!(fits(expr("gen", "Gt", &["4"])));
        assert!(!fits(expr("gen", "Gt", &["5"])));
        assert!(fits(expr("gen", "Lt", &["6"])));
        assert!(!fits(expr("gen", "Lt", &["x"])));
        assert!(!fits(expr("zone", "Gt", &["1"])));
        // matchFields on the node's name.
        let field = |op: &str, v: &str| json!([{"matchFields": [{"key": "metadata.name", "operator": op, "values": [v]}]}]);
        assert!(fits(field("In", "n1")));
        assert!(!fits(field("In", "n2")));
        assert!(fits(field("NotIn", "n2")));
        // Terms are ORed, requirements within a term ANDed; an empty term matches nothing.
        assert!(fits(json!([
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z9"]}]},
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z1"]},
                                  {"key": "gen", "operator": "Gt", "values": ["1"]}]}
        ])));
        assert!(!fits(json!([
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z1"]},
                                  {"key": "gen", "operator": "Gt", "values": ["9"]}]}
        ])));
        assert!(!fits(json!([{}])));
        assert!(!fits(json!([])));
    }

    #[test]
    fn node_name_restriction_from_match_fields() {
        let p = affinity_pod(
            json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n7"]}]}]),
        );
        assert_eq!(required_node_names(&p), Some(vec!["n7".to_string()]));
        let q = affinity_pod(json!([{"matchExpressions": [{"key": "a", "operator": "Exists"}]}]));
        assert_eq!(required_node_names(&q), None);
    }

    #[test]
    fn host_ports() {
        let web = spec_pod(
            "web",
            json!({}),
            json!({"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 8080}]}]}),
        );
        let mut n = NodeInfo::new(node("n", "4", "8Gi", &[]));
        assert!(node_ports(&web, &n).is_ok());
        n.add_pod(on(web.clone(), "n"));
        let f = node_ports(&web, &n).unwrap_err();
        assert_eq!(f.reasons, vec![PORTS]);
        assert_eq!(f.code, Code::Unschedulable);
        let udp = spec_pod(
            "dns",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": 53, "hostPort": 8080, "protocol": "UDP"}]}]}),
        );
        assert!(node_ports(&udp, &n).is_ok());
    }

    #[test]
    fn resource_fit() {
        let mut n = NodeInfo::new(node("n", "2", "4Gi", &[]));
        n.add_pod(on(pod("a", "1500m", "1Gi"), "n"));
        assert!(resources_fit(&pod("p", "500m", "3Gi"), &n, None).is_ok());
        let f = resources_fit(&pod("p", "600m", "3500Mi"), &n, None).unwrap_err();
        assert_eq!(f.reasons, vec!["Insufficient cpu", "Insufficient memory"]);
        assert_eq!(f.code, Code::Unschedulable);
        // More than the node has at all: preemption cannot help.
        let f = resources_fit(&pod("p", "3", ""), &n, None).unwrap_err();
        assert_eq!(f.code, Code::Unresolvable);
        // Nominated higher-priority pods hold their share.
        let held = pod("h", "400m", "").requests;
        let f = resources_fit(&pod("p", "200m", ""), &n, Some((&held, 1))).unwrap_err();
        assert_eq!(f.reasons, vec!["Insufficient cpu"]);
        // Pod count and extended resources.
        let mut tiny = node("t", "8", "8Gi", &[]);
        tiny.allowed_pods = 1;
        let mut t = NodeInfo::new(tiny);
        assert!(resources_fit(&pod("p", "", ""), &t, None).is_ok());
        t.add_pod(on(pod("a", "", ""), "t"));
        assert_eq!(
            resources_fit(&pod("p", "", ""), &t, None)
                .unwrap_err()
                .reasons,
            vec![TOO_MANY_PODS]
        );
        let gpu = spec_pod(
            "g",
            json!({}),
            json!({"containers": [{"name": "c", "image": "x", "resources": {"requests": {"nvidia.com/gpu": "1"}}}]}),
        );
        let f = resources_fit(&gpu, &n, None).unwrap_err();
        assert_eq!(f.reasons, vec!["Insufficient nvidia.com/gpu"]);
    }
}

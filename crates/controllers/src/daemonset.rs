//! DaemonSet controller: one pod per eligible node (nodeSelector, required node affinity,
//! taints against the pod's tolerations plus the ones upstream adds to every daemon pod),
//! ControllerRevisions, RollingUpdate within maxUnavailable/maxSurge and OnDelete, and status.
//!
//! Pods are created bound: `spec.nodeName` is set, and the required node affinity is replaced
//! by a `matchFields metadata.name` term for the node, as upstream writes it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodTemplateSpec, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::json;

use crate::deployment::{pod_template_hash, scaled_value};
use crate::pods::{self, controller_ref};
use crate::replicaset::{reference, selector_string};
use crate::statefulset::{revision_data, same_data};
use crate::{Context, Error, Result};

pub const REVISION_LABEL: &str = "controller-revision-hash";
pub const GENERATION_LABEL: &str = "pod-template-generation";

pub async fn run(ctx: Context) {
    let sets: Api<DaemonSet> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let nodes: Api<Node> = Api::all(ctx.client.clone());
    let controller = Controller::new(sets, watcher::Config::default());
    let store = controller.store();
    controller
        .owns(pods, watcher::Config::default())
        .watches(nodes, watcher::Config::default(), move |_node| {
            store
                .state()
                .iter()
                .map(|d| ObjectRef::from_obj(d.as_ref()))
                .collect::<Vec<_>>()
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_d: Arc<DaemonSet>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "daemonset reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: eligibility.

/// The tolerations upstream adds to every daemon pod.
pub fn default_tolerations(host_network: bool) -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Default::default()
    };
    let mut v = vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        v.push(t("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    v
}

fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(e) = t.effect.as_deref().filter(|e| !e.is_empty()) {
        if e != taint.effect {
            return false;
        }
    }
    match t.operator.as_deref().unwrap_or("Equal") {
        "Exists" => t
            .key
            .as_deref()
            .is_none_or(|k| k.is_empty() || k == taint.key),
        _ => {
            t.key.as_deref() == Some(taint.key.as_str())
                && t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
    }
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.clone().unwrap_or_default();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
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

fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node.labels();
    exprs
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            let v = (r.key == "metadata.name").then(|| node.name_any());
            requirement_matches(r, v.as_deref())
        })
}

/// Whether a daemon pod from `template` belongs on `node`: (should run, may keep running).
pub fn node_should_run(template: &PodTemplateSpec, node: &Node) -> (bool, bool) {
    let Some(spec) = template.spec.as_ref() else {
        return (false, false);
    };
    let labels = node.labels();
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let affinity_ok = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_none_or(|sel| {
            sel.node_selector_terms
                .iter()
                .any(|t| term_matches(t, node))
        });
    if !selector_ok || !affinity_ok {
        return (false, false);
    }
    let mut tolerations = spec.tolerations.clone().unwrap_or_default();
    tolerations.extend(default_tolerations(spec.host_network == Some(true)));
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let untolerated = |effects: &[&str]| {
        taints
            .iter()
            .filter(|t| effects.contains(&t.effect.as_str()))
            .any(|taint| !tolerations.iter().any(|t| tolerates(t, taint)))
    };
    (
        !untolerated(&["NoSchedule", "NoExecute"]),
        !untolerated(&["NoExecute"]),
    )
}

/// The node a daemon pod is for: `spec.nodeName`, else its `matchFields metadata.name` term.
pub fn pod_node(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(n) = spec.node_name.as_ref().filter(|n| !n.is_empty()) {
        return Some(n.clone());
    }
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// The pod `ds` runs on `node` with revision `hash`.
pub fn new_pod(ds: &DaemonSet, hash: &str, node: &str) -> Option<Pod> {
    let template = &ds.spec.as_ref()?.template;
    let tmeta = template.metadata.clone().unwrap_or_default();
    let mut labels = tmeta.labels.unwrap_or_default();
    labels.insert(REVISION_LABEL.into(), hash.to_string());
    if let Some(g) = ds.metadata.generation {
        labels.insert(GENERATION_LABEL.into(), g.to_string());
    }
    let mut spec = template.spec.clone().unwrap_or_default();
    let mut tolerations = spec.tolerations.take().unwrap_or_default();
    for t in default_tolerations(spec.host_network == Some(true)) {
        if !tolerations
            .iter()
            .any(|x| x.key == t.key && x.effect == t.effect)
        {
            tolerations.push(t);
        }
    }
    spec.tolerations = Some(tolerations);
    let term = NodeSelectorTerm {
        match_expressions: None,
        match_fields: Some(vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: Some(vec![node.to_string()]),
        }]),
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let na = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    na.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    spec.node_name = Some(node.to_string());
    Some(Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", ds.name_any())),
            namespace: ds.namespace(),
            labels: Some(labels),
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            owner_references: Some(vec![controller_ref(ds)?]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    })
}

fn rolling_params(ds: &DaemonSet, desired: i32) -> Option<(i32, i32)> {
    let strategy = ds.spec.as_ref()?.update_strategy.as_ref();
    if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
        return None;
    }
    let ru = strategy.and_then(|s| s.rolling_update.as_ref());
    let surge = scaled_value(ru.and_then(|r| r.max_surge.as_ref()), desired, true);
    let default_unavailable = IntOrString::Int(if surge > 0 { 0 } else { 1 });
    let unavailable = scaled_value(
        Some(
            ru.and_then(|r| r.max_unavailable.as_ref())
                .unwrap_or(&default_unavailable),
        ),
        desired,
        false,
    );
    Some((unavailable.max(if surge == 0 { 1 } else { 0 }), surge))
}

// ---------------------------------------------------------------------------------------------
// Reconcile.

async fn reconcile(ds: Arc<DaemonSet>, ctx: Arc<Context>) -> Result<Action> {
    if ds.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let Some(spec) = ds.spec.as_ref() else {
        return Ok(Action::await_change());
    };
    let selector = selector_string(&spec.selector);
    if selector.is_empty() {
        return Ok(Action::await_change());
    }
    let ns = ds.namespace().unwrap_or_default();
    let name = ds.name_any();
    let uid = ds.uid().unwrap_or_default();
    let ds_ref = reference(ds.as_ref());
    let pod_api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let rev_api: Api<ControllerRevision> = Api::namespaced(ctx.client.clone(), &ns);

    // Revisions.
    let mut revs: Vec<ControllerRevision> = rev_api
        .list(&ListParams::default().labels(&selector))
        .await?
        .items
        .into_iter()
        .filter(|r| {
            r.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.controller == Some(true) && o.uid == uid)
        })
        .collect();
    revs.sort_by_key(|r| r.revision);
    let data = revision_data(&spec.template);
    let max_rev = revs.last().map(|r| r.revision).unwrap_or(0);
    let mut collision = ds
        .status
        .as_ref()
        .and_then(|s| s.collision_count)
        .unwrap_or(0);
    let current = match revs
        .iter()
        .rev()
        .find(|r| r.data.as_ref().is_some_and(|d| same_data(&d.0, &data)))
    {
        Some(r) if r.revision < max_rev => {
            rev_api
                .patch(
                    &r.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&json!({"revision": max_rev + 1})),
                )
                .await?
        }
        Some(r) => r.clone(),
        None => loop {
            let hash = pod_template_hash(&spec.template, Some(collision));
            let mut labels = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            labels.insert(REVISION_LABEL.into(), hash.clone());
            let rev = ControllerRevision {
                metadata: ObjectMeta {
                    name: Some(format!("{name}-{hash}")),
                    namespace: Some(ns.clone()),
                    labels: Some(labels),
                    owner_references: controller_ref(ds.as_ref()).map(|o| vec![o]),
                    ..Default::default()
                },
                data: Some(RawExtension(data.clone())),
                revision: max_rev + 1,
            };
            match rev_api.create(&PostParams::default(), &rev).await {
                Ok(r) => break r,
                Err(kube::Error::Api(e)) if e.code == 409 => collision += 1,
                Err(e) => return Err(e.into()),
            }
        },
    };
    let hash = current
        .labels()
        .get(REVISION_LABEL)
        .cloned()
        .unwrap_or_else(|| {
            current
                .name_any()
                .rsplit('-')
                .next()
                .unwrap_or_default()
                .to_string()
        });

    // Nodes and the set's pods by node.
    let nodes = Api::<Node>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await?
        .items;
    let listed = pod_api
        .list(&ListParams::default().labels(&selector))
        .await?
        .items;
    let mut by_node: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
    for pod in listed {
        if pods::controller_of(&pod).is_none_or(|o| o.uid != uid) {
            continue;
        }
        if let Some(n) = pod_node(&pod) {
            by_node.entry(n).or_default().push(pod);
        }
    }
    for ps in by_node.values_mut() {
        ps.sort_by_key(|p| p.creation_timestamp().map(|t| t.0));
    }

    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let now = Timestamp::now();
    let available = |p: &Pod| pods::is_available(p, min_ready, now);
    let is_new = |p: &Pod| p.labels().get(REVISION_LABEL) == Some(&hash);
    let mut to_create: Vec<String> = Vec::new();
    let mut to_delete: Vec<Pod> = Vec::new();
    let mut eligible: Vec<(&Node, Vec<&Pod>)> = Vec::new();
    let node_names: Vec<String> = nodes.iter().map(|n| n.name_any()).collect();
    let mut misscheduled = 0;
    for node in &nodes {
        let nname = node.name_any();
        let (should_run, keep) = node_should_run(&spec.template, node);
        let node_pods: Vec<&Pod> = by_node.get(&nname).into_iter().flatten().collect();
        let active: Vec<&Pod> = node_pods
            .iter()
            .copied()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .collect();
        if !should_run && !node_pods.is_empty() {
            misscheduled += 1;
        }
        if should_run || keep && !active.is_empty() {
            // Failed pods are replaced.
            for p in &active {
                if !pods::is_active(p) {
                    to_delete.push((*p).clone());
                }
            }
            let running: Vec<&Pod> = active
                .iter()
                .copied()
                .filter(|p| pods::is_active(p))
                .collect();
            if running.is_empty() {
                if should_run
                    && node_pods
                        .iter()
                        .all(|p| p.metadata.deletion_timestamp.is_none())
                {
                    to_create.push(nname.clone());
                }
            } else if running.len() > 1 {
                // Keep one pod: the newest revision's available one, else the oldest.
                let keep_pod = running
                    .iter()
                    .find(|p| is_new(p) && available(p))
                    .or_else(|| running.first())
                    .copied();
                let surge_pair = running.len() == 2
                    && running.iter().any(|p| is_new(p))
                    && running.iter().any(|p| !is_new(p));
                if !surge_pair {
                    for p in &running {
                        if Some(*p) != keep_pod {
                            to_delete.push((*p).clone());
                        }
                    }
                }
            }
            eligible.push((node, running));
        } else {
            for p in active {
                to_delete.push(p.clone());
            }
        }
    }
    // Pods on nodes that no longer exist.
    for (n, ps) in &by_node {
        if !node_names.contains(n) {
            for p in ps
                .iter()
                .filter(|p| p.metadata.deletion_timestamp.is_none())
            {
                to_delete.push(p.clone());
            }
        }
    }

    // Rolling update.
    let desired = eligible.len() as i32;
    if let Some((max_unavailable, max_surge)) = rolling_params(&ds, desired) {
        let mut unavailable = eligible
            .iter()
            .filter(|(_, ps)| !ps.iter().any(|p| available(p)))
            .count() as i32;
        let mut surging = eligible
            .iter()
            .filter(|(_, ps)| ps.iter().any(|p| is_new(p)) && ps.iter().any(|p| !is_new(p)))
            .count() as i32;
        for (node, ps) in &eligible {
            let old: Vec<&&Pod> = ps.iter().filter(|p| !is_new(p)).collect();
            if old.is_empty() {
                continue;
            }
            let new = ps.iter().find(|p| is_new(p));
            if max_surge > 0 {
                match new {
                    Some(n) if available(n) => {
                        to_delete.extend(old.iter().map(|p| (**p).clone()));
                    }
                    Some(_) => {}
                    None if surging < max_surge => {
                        surging += 1;
                        to_create.push(node.name_any());
                    }
                    None => {}
                }
                continue;
            }
            for p in old {
                if !available(p) {
                    to_delete.push((*p).clone());
                } else if unavailable < max_unavailable {
                    unavailable += 1;
                    to_delete.push((*p).clone());
                }
            }
        }
    }

    // Writes.
    to_delete.sort_by_key(|p| p.name_any());
    to_delete.dedup_by_key(|p| p.name_any());
    for p in &to_delete {
        let pname = p.name_any();
        match pod_api.delete(&pname, &DeleteParams::default()).await {
            Ok(_) => {
                ctx.event(
                    &ds_ref,
                    false,
                    "SuccessfulDelete",
                    "Delete",
                    format!("Deleted pod: {pname}"),
                )
                .await
            }
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(e.into()),
        }
    }
    for nname in &to_create {
        let Some(pod) = new_pod(&ds, &hash, nname) else {
            continue;
        };
        match pod_api.create(&PostParams::default(), &pod).await {
            Ok(p) => {
                ctx.event(
                    &ds_ref,
                    false,
                    "SuccessfulCreate",
                    "Create",
                    format!("Created pod: {}", p.name_any()),
                )
                .await
            }
            Err(e) => {
                ctx.event(
                    &ds_ref,
                    true,
                    "FailedCreate",
                    "Create",
                    format!("Error creating: {e}"),
                )
                .await;
                return Err(e.into());
            }
        }
    }

    // Status from what was observed.
    let count = |f: &dyn Fn(&Pod) -> bool| {
        eligible
            .iter()
            .filter(|(_, ps)| ps.iter().any(|p| f(p)))
            .count() as i32
    };
    let current_scheduled = count(&|_| true);
    let ready = count(&pods::is_ready);
    let avail = count(&|p| available(p));
    let updated = count(&|p| is_new(p));
    let status = DaemonSetStatus {
        collision_count: Some(collision),
        conditions: ds.status.as_ref().and_then(|s| s.conditions.clone()),
        current_number_scheduled: current_scheduled,
        desired_number_scheduled: desired,
        number_available: Some(avail),
        number_misscheduled: misscheduled,
        number_ready: ready,
        number_unavailable: Some(desired - avail).filter(|n| *n > 0),
        observed_generation: ds.metadata.generation,
        updated_number_scheduled: Some(updated),
    };
    if ds.status.as_ref() != Some(&status) {
        let api: Api<DaemonSet> = Api::namespaced(ctx.client.clone(), &ns);
        match api
            .patch_status(
                &name,
                &PatchParams::default(),
                &Patch::Merge(&json!({"status": status})),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Action::await_change()),
            Err(e) => return Err(e.into()),
        }
    }

    // Old revisions beyond the history limit.
    let limit = spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let live: Vec<String> = by_node
        .values()
        .flatten()
        .filter_map(|p| p.labels().get(REVISION_LABEL).cloned())
        .chain([hash.clone()])
        .collect();
    let mut old: Vec<&ControllerRevision> = revs
        .iter()
        .filter(|r| {
            r.name_any() != current.name_any()
                && !r
                    .labels()
                    .get(REVISION_LABEL)
                    .is_some_and(|h| live.contains(h))
        })
        .collect();
    if old.len() > limit {
        old.sort_by_key(|r| r.revision);
        let n = old.len() - limit;
        for r in old.into_iter().take(n) {
            let _ = rev_api
                .delete(&r.name_any(), &DeleteParams::default())
                .await;
        }
    }

    if min_ready > 0 && avail < ready {
        return Ok(Action::requeue(Duration::from_secs(min_ready as u64)));
    }
    Ok(Action::await_change())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeSpec, PodSpec};

    fn node(name: &str, labels: &[(&str, &str)], taints: Vec<Taint>) -> Node {
        Node {
            metadata: ObjectMeta {
                name: Some(name.into()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                taints: Some(taints),
                ..Default::default()
            }),
            status: None,
        }
    }

    fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            effect: effect.into(),
            ..Default::default()
        }
    }

    fn template(spec: PodSpec) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: None,
            spec: Some(spec),
        }
    }

    #[test]
    fn taints_selectors_and_default_tolerations() {
        let t = template(PodSpec::default());
        assert_eq!(node_should_run(&t, &node("a", &[], vec![])), (true, true));
        assert_eq!(
            node_should_run(&t, &node("a", &[], vec![taint("dedicated", "NoSchedule")])),
            (false, true)
        );
        assert_eq!(
            node_should_run(&t, &node("a", &[], vec![taint("dedicated", "NoExecute")])),
            (false, false)
        );
        assert_eq!(
            node_should_run(
                &t,
                &node(
                    "a",
                    &[],
                    vec![
                        taint("node.kubernetes.io/not-ready", "NoExecute"),
                        taint("node.kubernetes.io/unschedulable", "NoSchedule")
                    ]
                )
            ),
            (true, true)
        );
        let tolerating = template(PodSpec {
            tolerations: Some(vec![Toleration {
                key: Some("dedicated".into()),
                operator: Some("Exists".into()),
                ..Default::default()
            }]),
            ..Default::default()
        });
        assert_eq!(
            node_should_run(
                &tolerating,
                &node("a", &[], vec![taint("dedicated", "NoSchedule")])
            ),
            (true, true)
        );
        let selecting = template(PodSpec {
            node_selector: Some([("disk".to_string(), "ssd".to_string())].into()),
            ..Default::default()
        });
        assert!(!node_should_run(&selecting, &node("a", &[], vec![])).0);
        assert!(node_should_run(&selecting, &node("a", &[("disk", "ssd")], vec![])).0);
    }

    #[test]
    fn pods_are_bound_to_their_node() {
        let ds = DaemonSet {
            metadata: ObjectMeta {
                name: Some("agent".into()),
                namespace: Some("default".into()),
                uid: Some("u".into()),
                generation: Some(3),
                ..Default::default()
            },
            spec: Some(k8s_openapi::api::apps::v1::DaemonSetSpec {
                template: template(PodSpec::default()),
                ..Default::default()
            }),
            status: None,
        };
        let pod = new_pod(&ds, "abc", "n1").unwrap();
        assert_eq!(pod_node(&pod).as_deref(), Some("n1"));
        assert_eq!(pod.labels()[REVISION_LABEL], "abc");
        assert_eq!(pod.labels()[GENERATION_LABEL], "3");
        let spec = pod.spec.unwrap();
        assert_eq!(spec.tolerations.unwrap().len(), 6);
        let mut unbound = new_pod(&ds, "abc", "n2").unwrap();
        unbound.spec.as_mut().unwrap().node_name = None;
        assert_eq!(pod_node(&unbound).as_deref(), Some("n2"));
    }

    #[test]
    fn rolling_update_budgets() {
        use k8s_openapi::api::apps::v1::{
            DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
        };
        let ds =
            |type_: &str, unavailable: Option<IntOrString>, surge: Option<IntOrString>| DaemonSet {
                spec: Some(DaemonSetSpec {
                    update_strategy: Some(DaemonSetUpdateStrategy {
                        type_: Some(type_.into()),
                        rolling_update: Some(RollingUpdateDaemonSet {
                            max_unavailable: unavailable,
                            max_surge: surge,
                        }),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            };
        assert_eq!(
            rolling_params(&ds("RollingUpdate", None, None), 4),
            Some((1, 0))
        );
        assert_eq!(
            rolling_params(
                &ds(
                    "RollingUpdate",
                    Some(IntOrString::String("50%".into())),
                    None
                ),
                4
            ),
            Some((2, 0))
        );
        assert_eq!(
            rolling_params(
                &ds(
                    "RollingUpdate",
                    Some(IntOrString::Int(0)),
                    Some(IntOrString::Int(1))
                ),
                4
            ),
            Some((0, 1))
        );
        assert_eq!(rolling_params(&ds("OnDelete", None, None), 4), None);
    }
}

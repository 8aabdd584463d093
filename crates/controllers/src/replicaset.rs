//! ReplicaSet controller: keeps `spec.replicas` active pods matching the selector, adopting
//! orphans, deleting surplus pods in upstream's order, and reporting status.
//!
//! Pods are listed from the API on every reconcile (the in-process API answers from memory),
//! so a burst of creates is always seen by the next reconcile and never doubled.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, Resource, ResourceExt};
use serde_json::json;

use crate::pods::{self, controller_ref};
use crate::{Context, Error, Result};

/// Largest number of pods created or deleted in one reconcile; creation also ramps up
/// 1, 2, 4 … and stops at the first failure, as upstream's slow start does.
const BURST: usize = 500;

pub async fn run(ctx: Context) {
    let sets: Api<ReplicaSet> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    Controller::new(sets, watcher::Config::default())
        .owns(pods, watcher::Config::default())
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_rs: Arc<ReplicaSet>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "replicaset reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// Renders a metav1.LabelSelector as a query-string selector.
pub fn selector_string(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    parts.join(",")
}

pub fn reference<K: Resource<DynamicType = ()>>(obj: &K) -> ObjectReference {
    obj.object_ref(&())
}

async fn reconcile(rs: Arc<ReplicaSet>, ctx: Arc<Context>) -> Result<Action> {
    let ns = rs.namespace().unwrap_or_default();
    let name = rs.name_any();
    if rs.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let spec = rs
        .spec
        .as_ref()
        .ok_or_else(|| Error::Invalid(format!("replicaset {ns}/{name} has no spec")))?;
    let selector = selector_string(&spec.selector);
    if selector.is_empty() {
        return Ok(Action::await_change());
    }
    let uid = rs.uid().unwrap_or_default();
    let pod_api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let listed = pod_api
        .list(&ListParams::default().labels(&selector))
        .await?;

    let mut owned = Vec::new();
    for pod in listed.items {
        match pods::controller_of(&pod) {
            Some(owner) if owner.uid == uid => owned.push(pod),
            Some(_) => {}
            None if pod.metadata.deletion_timestamp.is_none() => {
                if let Some(adopted) = adopt(&pod_api, &pod, &rs).await? {
                    owned.push(adopted);
                }
            }
            None => {}
        }
    }
    let active: Vec<&Pod> = owned.iter().filter(|p| pods::is_active(p)).collect();
    let want = spec.replicas.unwrap_or(1).max(0) as usize;
    let rs_ref = reference(rs.as_ref());
    if active.len() < want {
        let missing = (want - active.len()).min(BURST);
        create_pods(&ctx, &pod_api, &rs, &rs_ref, missing).await;
    } else if active.len() > want {
        let mut surplus: Vec<&Pod> = active.clone();
        surplus.sort_by(|a, b| pods::deletion_order(a, b));
        for pod in surplus.into_iter().take((active.len() - want).min(BURST)) {
            let pod_name = pod.name_any();
            match pod_api.delete(&pod_name, &DeleteParams::default()).await {
                Ok(_) => {
                    ctx.event(
                        &rs_ref,
                        false,
                        "SuccessfulDelete",
                        "Delete",
                        format!("Deleted pod: {pod_name}"),
                    )
                    .await
                }
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => {
                    ctx.event(
                        &rs_ref,
                        true,
                        "FailedDelete",
                        "Delete",
                        format!("Error deleting: {e}"),
                    )
                    .await;
                    return Err(e.into());
                }
            }
        }
    }
    update_status(&ctx, &rs, &active).await
}

/// Makes `rs` the controller of an orphan pod; None if the pod changed meanwhile.
async fn adopt(api: &Api<Pod>, pod: &Pod, rs: &ReplicaSet) -> Result<Option<Pod>> {
    let Some(owner) = controller_ref(rs) else {
        return Ok(None);
    };
    let mut refs = pod.metadata.owner_references.clone().unwrap_or_default();
    refs.push(owner);
    let patch = json!({"metadata": {"ownerReferences": refs, "uid": pod.metadata.uid}});
    match api
        .patch(
            &pod.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
    {
        Ok(p) => Ok(Some(p)),
        Err(kube::Error::Api(e)) if e.code == 404 || e.code == 409 || e.code == 422 => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The pod a ReplicaSet's template describes.
pub fn pod_from_template(rs: &ReplicaSet) -> Option<Pod> {
    let template = rs.spec.as_ref()?.template.as_ref()?;
    let tmeta = template.metadata.clone().unwrap_or_default();
    Some(Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", rs.name_any())),
            namespace: rs.namespace(),
            labels: tmeta.labels,
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            owner_references: Some(vec![controller_ref(rs)?]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    })
}

async fn create_pods(
    ctx: &Context,
    api: &Api<Pod>,
    rs: &ReplicaSet,
    rs_ref: &ObjectReference,
    count: usize,
) {
    let Some(pod) = pod_from_template(rs) else {
        return;
    };
    let mut created = 0;
    let mut batch = 1;
    while created < count {
        let n = batch.min(count - created);
        let params = PostParams::default();
        let results = futures::future::join_all((0..n).map(|_| api.create(&params, &pod))).await;
        let mut failed = false;
        for r in results {
            match r {
                Ok(p) => {
                    created += 1;
                    ctx.event(
                        rs_ref,
                        false,
                        "SuccessfulCreate",
                        "Create",
                        format!("Created pod: {}", p.name_any()),
                    )
                    .await;
                }
                Err(e) => {
                    failed = true;
                    ctx.event(
                        rs_ref,
                        true,
                        "FailedCreate",
                        "Create",
                        format!("Error creating: {e}"),
                    )
                    .await;
                }
            }
        }
        if failed {
            return;
        }
        batch *= 2;
    }
}

async fn update_status(ctx: &Context, rs: &ReplicaSet, active: &[&Pod]) -> Result<Action> {
    let spec = rs.spec.as_ref();
    let min_ready = spec.and_then(|s| s.min_ready_seconds).unwrap_or(0);
    let now = Timestamp::now();
    let template_labels = spec
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let fully_labeled = active
        .iter()
        .filter(|p| {
            template_labels
                .iter()
                .all(|(k, v)| p.labels().get(k) == Some(v))
        })
        .count() as i32;
    let ready = active.iter().filter(|p| pods::is_ready(p)).count() as i32;
    let available = active
        .iter()
        .filter(|p| pods::is_available(p, min_ready, now))
        .count() as i32;
    let status = ReplicaSetStatus {
        replicas: active.len() as i32,
        fully_labeled_replicas: Some(fully_labeled),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        observed_generation: rs.metadata.generation,
        conditions: rs.status.as_ref().and_then(|s| s.conditions.clone()),
        terminating_replicas: None,
    };
    if rs.status.as_ref() != Some(&status) {
        let api: Api<ReplicaSet> =
            Api::namespaced(ctx.client.clone(), &rs.namespace().unwrap_or_default());
        let patch = json!({"status": status});
        match api
            .patch_status(
                &rs.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Action::await_change()),
            Err(e) => return Err(e.into()),
        }
    }
    // Pods that are ready but not yet available become available without any event.
    if min_ready > 0 && available < ready {
        return Ok(Action::requeue(Duration::from_secs(min_ready as u64)));
    }
    Ok(Action::await_change())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn selectors_render_as_query_strings() {
        let sel = LabelSelector {
            match_labels: Some([("app".to_string(), "web".to_string())].into()),
            match_expressions: Some(vec![
                LabelSelectorRequirement {
                    key: "tier".into(),
                    operator: "In".into(),
                    values: Some(vec!["a".into(), "b".into()]),
                },
                LabelSelectorRequirement {
                    key: "canary".into(),
                    operator: "DoesNotExist".into(),
                    values: None,
                },
            ]),
        };
        assert_eq!(selector_string(&sel), "app=web,tier in (a,b),!canary");
    }
}

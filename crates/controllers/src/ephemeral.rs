//! Ephemeral volume controller: a pod's generic ephemeral volumes (`volumes[].ephemeral`)
//! become PersistentVolumeClaims named `<pod>-<volume>`, owned by the pod, so they are
//! provisioned like any claim and deleted with the pod by the garbage collector. The scheduler
//! and the node agent treat such a volume as that claim.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::PostParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};

use crate::{Context, Error, Result};

/// The claim behind a pod's ephemeral volume, as upstream names it.
pub fn claim_name(pod: &str, volume: &str) -> String {
    format!("{pod}-{volume}")
}

/// A claim one of a pod's volumes uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodClaim {
    pub name: String,
    /// Made for an ephemeral volume: usable only if the pod owns it.
    pub ephemeral: bool,
}

/// Every claim a pod's volumes use: named ones and those of its ephemeral volumes.
pub fn pod_claims(pod: &Pod) -> Vec<PodClaim> {
    let pod_name = pod.name_any();
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| match (&v.persistent_volume_claim, &v.ephemeral) {
            (Some(c), _) => Some(PodClaim {
                name: c.claim_name.clone(),
                ephemeral: false,
            }),
            (None, Some(_)) => Some(PodClaim {
                name: claim_name(&pod_name, &v.name),
                ephemeral: true,
            }),
            _ => None,
        })
        .collect()
}

/// The names of [`pod_claims`].
pub fn pod_claim_names(pod: &Pod) -> Vec<String> {
    pod_claims(pod).into_iter().map(|c| c.name).collect()
}

/// The claims a pod's ephemeral volumes need: each template's metadata and spec, named after
/// the pod and the volume, with the pod as controlling owner.
pub fn wanted_claims(pod: &Pod) -> Vec<PersistentVolumeClaim> {
    let name = pod.name_any();
    let owner = OwnerReference {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: name.clone(),
        uid: pod.uid().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| {
            let template = v.ephemeral.as_ref()?.volume_claim_template.as_ref()?;
            let meta = template.metadata.clone().unwrap_or_default();
            Some(PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(claim_name(&name, &v.name)),
                    namespace: pod.namespace(),
                    labels: meta.labels,
                    annotations: meta.annotations,
                    owner_references: Some(vec![owner.clone()]),
                    ..Default::default()
                },
                spec: Some(template.spec.clone()),
                status: None,
            })
        })
        .collect()
}

pub async fn run(ctx: Context) {
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let claims: Api<PersistentVolumeClaim> = Api::all(ctx.client.clone());
    Controller::new(pods, watcher::Config::default())
        .owns(claims, watcher::Config::default())
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_pod: Arc<Pod>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "ephemeral volume reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

async fn reconcile(pod: Arc<Pod>, ctx: Arc<Context>) -> Result<Action> {
    if pod.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let wanted = wanted_claims(&pod);
    if wanted.is_empty() {
        return Ok(Action::await_change());
    }
    let namespace = pod.namespace().unwrap_or_default();
    let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), &namespace);
    for claim in wanted {
        let name = claim.name_any();
        match api.get_opt(&name).await? {
            Some(existing) => {
                let ours = existing
                    .owner_references()
                    .iter()
                    .any(|o| Some(&o.uid) == pod.uid().as_ref());
                if !ours {
                    // As upstream: a claim of that name the pod does not own is never used.
                    tracing::debug!(pod = %pod.name_any(), claim = %name, "claim exists but was not created for the pod");
                }
            }
            None => match api.create(&PostParams::default(), &claim).await {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 409 => {}
                Err(e) => return Err(e.into()),
            },
        }
    }
    Ok(Action::await_change())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "team", "uid": "u-1"},
            "spec": {
                "containers": [{"name": "c", "image": "busybox"}],
                "volumes": [
                    {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {
                        "metadata": {"labels": {"kind": "scratch"}},
                        "spec": {"accessModes": ["ReadWriteOnce"],
                                 "resources": {"requests": {"storage": "1Gi"}}}}}},
                    {"name": "data", "persistentVolumeClaim": {"claimName": "shared"}},
                    {"name": "tmp", "emptyDir": {}}
                ]
            }
        }))
        .unwrap()
    }

    #[test]
    fn ephemeral_volumes_become_claims_owned_by_the_pod() {
        let claims = wanted_claims(&pod());
        assert_eq!(claims.len(), 1);
        let c = &claims[0];
        assert_eq!(c.metadata.name.as_deref(), Some("web-scratch"));
        assert_eq!(c.metadata.namespace.as_deref(), Some("team"));
        assert_eq!(c.labels().get("kind").map(String::as_str), Some("scratch"));
        let owner = &c.owner_references()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str(), owner.uid.as_str()),
            ("Pod", "web", "u-1")
        );
        assert_eq!(owner.controller, Some(true));
        let spec = c.spec.as_ref().unwrap();
        assert_eq!(
            spec.access_modes.as_deref(),
            Some(&["ReadWriteOnce".to_string()][..])
        );
    }

    #[test]
    fn pod_claims_include_ephemeral_ones() {
        assert_eq!(pod_claim_names(&pod()), ["web-scratch", "shared"]);
        let ephemeral: Vec<bool> = pod_claims(&pod()).iter().map(|c| c.ephemeral).collect();
        assert_eq!(ephemeral, [true, false]);
    }
}

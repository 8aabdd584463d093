//! Local-path volumes: claims of a StorageClass whose provisioner is `rudder.io/local-path` get
//! a PersistentVolume on one node's disk (a directory under the class's `path` parameter,
//! created by the node agent when a pod mounts it), pinned to that node by node affinity.
//! With `WaitForFirstConsumer` the node is the one the claim's first pod was scheduled to.
//! Claim and volume are bound to each other, as the PV controller binds them; a volume whose
//! claim is gone is deleted when its reclaim policy says `Delete`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{
    Node, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod,
};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::{json, Value};

use crate::ephemeral::pod_claim_names;
use crate::garbage_collector::is_status;
use crate::{Context, Error, Result};

/// The provisioner name the built-in StorageClass carries.
pub const PROVISIONER: &str = "rudder.io/local-path";
/// Where volumes go when the class names no `path`.
pub const DEFAULT_PATH: &str = "/var/lib/rudder/storage";
const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";

pub async fn run(ctx: Context) {
    let ctx = Arc::new(ctx);
    let claims: Api<PersistentVolumeClaim> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let volumes: Api<PersistentVolume> = Api::all(ctx.client.clone());
    let claim_loop = Controller::new(claims, watcher::Config::default())
        .watches(pods, watcher::Config::default(), |pod| {
            let ns = pod.namespace().unwrap_or_default();
            pod_claim_names(&pod)
                .into_iter()
                .map(move |c| ObjectRef::new(&c).within(&ns))
                .collect::<Vec<_>>()
        })
        .watches(volumes.clone(), watcher::Config::default(), |pv| {
            let claim = pv.spec.as_ref()?.claim_ref.as_ref()?;
            Some(ObjectRef::new(claim.name.as_deref()?).within(claim.namespace.as_deref()?))
        })
        .run(reconcile_claim, error_policy, ctx.clone())
        .for_each(|_| futures::future::ready(()));
    let volume_loop = Controller::new(volumes, watcher::Config::default())
        .watches(
            Api::<PersistentVolumeClaim>::all(ctx.client.clone()),
            watcher::Config::default(),
            |pvc| {
                let volume = pvc.spec.as_ref()?.volume_name.as_deref()?;
                Some(ObjectRef::new(volume))
            },
        )
        .run(reconcile_volume, error_policy, ctx)
        .for_each(|_| futures::future::ready(()));
    futures::join!(claim_loop, volume_loop);
}

fn error_policy<K>(_obj: Arc<K>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "local-path reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// The volume provisioned for `pvc` on `node` under `root`.
pub fn volume_for(pvc: &PersistentVolumeClaim, class: &StorageClass, node: &str) -> Value {
    let ns = pvc.namespace().unwrap_or_default();
    let name = pvc.name_any();
    let uid = pvc.uid().unwrap_or_default();
    let pv_name = format!("pvc-{uid}");
    let root = class
        .parameters
        .as_ref()
        .and_then(|p| p.get("path"))
        .map(String::as_str)
        .unwrap_or(DEFAULT_PATH)
        .trim_end_matches('/');
    let spec = pvc.spec.clone().unwrap_or_default();
    let storage = spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
        .map(|q| q.0.clone())
        .unwrap_or_else(|| "1Gi".into());
    json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": pv_name, "annotations": {PROVISIONED_BY: PROVISIONER}},
        "spec": {
            "capacity": {"storage": storage},
            "accessModes": spec.access_modes.unwrap_or_else(|| vec!["ReadWriteOnce".into()]),
            "persistentVolumeReclaimPolicy": class.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            "storageClassName": class.name_any(),
            "volumeMode": spec.volume_mode.unwrap_or_else(|| "Filesystem".into()),
            "hostPath": {"path": format!("{root}/{pv_name}_{ns}_{name}"), "type": "DirectoryOrCreate"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                         "namespace": ns, "name": name, "uid": uid},
        }
    })
}

fn claim_reference(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: Some(pvc.name_any()),
        namespace: pvc.namespace(),
        uid: pvc.uid(),
        ..Default::default()
    }
}

/// The node the claim's volume goes to: the first scheduled consumer's for
/// `WaitForFirstConsumer`, else any Ready node.
async fn choose_node(
    ctx: &Context,
    pvc: &PersistentVolumeClaim,
    class: &StorageClass,
) -> Result<Option<String>> {
    if let Some(node) = pvc.annotations().get(SELECTED_NODE) {
        return Ok(Some(node.clone()));
    }
    let ns = pvc.namespace().unwrap_or_default();
    if class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer") {
        let pods = Api::<Pod>::namespaced(ctx.client.clone(), &ns)
            .list(&ListParams::default())
            .await?;
        let mut consumers: Vec<&Pod> = pods
            .items
            .iter()
            .filter(|p| pod_claim_names(p).contains(&pvc.name_any()))
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some())
            .collect();
        consumers.sort_by_key(|p| p.metadata.creation_timestamp.clone());
        return Ok(consumers
            .first()
            .and_then(|p| p.spec.as_ref()?.node_name.clone()));
    }
    let nodes = Api::<Node>::all(ctx.client.clone())
        .list(&ListParams::default())
        .await?;
    let mut ready: Vec<String> = nodes
        .items
        .iter()
        .filter(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True")
        })
        .map(|n| n.name_any())
        .collect();
    ready.sort();
    Ok(ready.into_iter().next())
}

async fn reconcile_claim(pvc: Arc<PersistentVolumeClaim>, ctx: Arc<Context>) -> Result<Action> {
    if pvc.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = pvc.namespace().unwrap_or_default();
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), &ns);
    let volumes: Api<PersistentVolume> = Api::all(ctx.client.clone());
    let spec = pvc.spec.clone().unwrap_or_default();
    let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref());

    if let Some(pv_name) = spec.volume_name.as_deref().filter(|n| !n.is_empty()) {
        // Bound (or pre-bound): the statuses follow once the volume points back.
        let Some(pv) = volumes.get_opt(pv_name).await? else {
            if phase != Some("Lost") {
                set_claim_phase(&claims, &pvc, "Lost", None).await?;
            }
            return Ok(Action::await_change());
        };
        let points_back = pv
            .spec
            .as_ref()
            .and_then(|s| s.claim_ref.as_ref())
            .is_some_and(|c| c.uid == pvc.uid() || c.uid.is_none());
        if points_back && phase != Some("Bound") {
            set_claim_phase(&claims, &pvc, "Bound", Some(&pv)).await?;
        }
        if points_back && pv.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound") {
            let patch = json!({"status": {"phase": "Bound"}});
            volumes
                .patch_status(pv_name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
        }
        return Ok(Action::await_change());
    }

    let Some(class_name) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(Action::await_change());
    };
    let Some(class) = Api::<StorageClass>::all(ctx.client.clone())
        .get_opt(class_name)
        .await?
    else {
        return Ok(Action::requeue(Duration::from_secs(5)));
    };
    if class.provisioner != PROVISIONER {
        return Ok(Action::await_change());
    }
    let Some(node) = choose_node(&ctx, &pvc, &class).await? else {
        ctx.event(
            &claim_reference(&pvc),
            false,
            "WaitForFirstConsumer",
            "Provisioning",
            "waiting for first consumer to be created before binding".into(),
        )
        .await;
        return Ok(Action::await_change());
    };
    let pv: PersistentVolume = serde_json::from_value(volume_for(&pvc, &class, &node))
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let pv_name = pv.name_any();
    match volumes.create(&PostParams::default(), &pv).await {
        Ok(_) => {
            ctx.event(
                &claim_reference(&pvc),
                false,
                "ProvisioningSucceeded",
                "Provisioning",
                format!("Successfully provisioned volume {pv_name}"),
            )
            .await;
        }
        Err(e) if is_status(&e, 409) => {}
        Err(e) => return Err(e.into()),
    }
    let patch = json!({
        "metadata": {"annotations": {
            "pv.kubernetes.io/bind-completed": "yes",
            "pv.kubernetes.io/bound-by-controller": "yes",
            SELECTED_NODE: node,
        }},
        "spec": {"volumeName": pv_name},
    });
    claims
        .patch(
            &pvc.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await?;
    // The watch on volumes brings the claim back to finish the binding above.
    Ok(Action::await_change())
}

async fn set_claim_phase(
    claims: &Api<PersistentVolumeClaim>,
    pvc: &PersistentVolumeClaim,
    phase: &str,
    pv: Option<&PersistentVolume>,
) -> Result<()> {
    let mut status = json!({"phase": phase});
    if let Some(pv_spec) = pv.and_then(|p| p.spec.as_ref()) {
        status["accessModes"] = json!(pv_spec.access_modes);
        status["capacity"] = json!(pv_spec.capacity);
    }
    claims
        .patch_status(
            &pvc.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&json!({ "status": status })),
        )
        .await?;
    Ok(())
}

/// A provisioned volume whose claim is gone: deleted (`Delete`) or `Released` (`Retain`).
async fn reconcile_volume(pv: Arc<PersistentVolume>, ctx: Arc<Context>) -> Result<Action> {
    let ours = pv.annotations().get(PROVISIONED_BY).map(String::as_str) == Some(PROVISIONER);
    let Some(claim) = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) else {
        return Ok(Action::await_change());
    };
    if !ours || pv.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = claim.namespace.clone().unwrap_or_default();
    let name = claim.name.clone().unwrap_or_default();
    let current = Api::<PersistentVolumeClaim>::namespaced(ctx.client.clone(), &ns)
        .get_opt(&name)
        .await?;
    if current.is_some_and(|c| claim.uid.is_none() || c.uid() == claim.uid) {
        return Ok(Action::await_change());
    }
    let volumes: Api<PersistentVolume> = Api::all(ctx.client.clone());
    let policy = pv
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_reclaim_policy.as_deref());
    if policy == Some("Retain") {
        if pv.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Released") {
            let patch = json!({"status": {"phase": "Released"}});
            volumes
                .patch_status(
                    &pv.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await?;
        }
        return Ok(Action::await_change());
    }
    match volumes
        .delete(&pv.name_any(), &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(Action::await_change()),
        Err(e) if is_status(&e, 404) => Ok(Action::await_change()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_pinned_to_the_node_under_the_class_path() {
        let pvc: PersistentVolumeClaim = serde_json::from_value(json!({
            "metadata": {"name": "data", "namespace": "shop", "uid": "u1"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local-path",
                     "resources": {"requests": {"storage": "2Gi"}}}
        }))
        .unwrap();
        let class: StorageClass = serde_json::from_value(json!({
            "metadata": {"name": "local-path"}, "provisioner": PROVISIONER,
            "parameters": {"path": "/srv/storage/"}, "reclaimPolicy": "Delete"
        }))
        .unwrap();
        let pv = volume_for(&pvc, &class, "n1");
        assert_eq!(pv["metadata"]["name"], "pvc-u1");
        assert_eq!(
            pv["spec"]["hostPath"]["path"],
            "/srv/storage/pvc-u1_shop_data"
        );
        assert_eq!(pv["spec"]["capacity"]["storage"], "2Gi");
        assert_eq!(pv["spec"]["claimRef"]["uid"], "u1");
        assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], "Delete");
        assert_eq!(
            pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
                ["values"][0],
            "n1"
        );
        // It is a valid PersistentVolume.
        let _: PersistentVolume = serde_json::from_value(pv).unwrap();
    }
}

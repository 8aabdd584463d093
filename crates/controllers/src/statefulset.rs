//! StatefulSet controller: pods with stable identities `<set>-<ordinal>`, per-pod claims from
//! `volumeClaimTemplates`, ControllerRevisions for the template history, OrderedReady and
//! Parallel pod management, RollingUpdate (from the highest ordinal down, honouring
//! `partition`) and OnDelete updates, and status.
//!
//! Every reconcile lists the set's pods and revisions from the API and takes at most the steps
//! the pod management policy allows; the next pod event drives the next step.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{
    ObjectReference, PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod,
    PodTemplateSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::{json, Value};

use crate::deployment::pod_template_hash;
use crate::pods::{self, controller_ref};
use crate::replicaset::{reference, selector_string};
use crate::{Context, Error, Result};

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";
const REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";

pub async fn run(ctx: Context) {
    let sets: Api<StatefulSet> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    Controller::new(sets, watcher::Config::default())
        .owns(pods, watcher::Config::default())
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_s: Arc<StatefulSet>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "statefulset reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

// ---------------------------------------------------------------------------------------------
// Pure helpers.

/// The ordinal of a pod named `<set>-<n>`.
pub fn ordinal_of(set: &str, pod: &str) -> Option<i32> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty() || (rest.len() > 1 && rest.starts_with('0')) {
        return None;
    }
    rest.parse::<i32>().ok().filter(|n| *n >= 0)
}

fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map
                .into_iter()
                .map(|(k, v)| (k, canonical(v)))
                .filter(|(_, v)| match v {
                    Value::Null => false,
                    Value::Object(m) => !m.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    _ => true,
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        v => v,
    }
}

/// A revision's data: the template as a patch replacing the set's, as upstream records it.
pub fn revision_data(template: &PodTemplateSpec) -> Value {
    let mut t = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut t {
        m.insert("$patch".into(), json!("replace"));
    }
    json!({"spec": {"template": t}})
}

/// The template recorded in a revision.
pub fn revision_template(rev: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut t = rev.data.as_ref()?.0.get("spec")?.get("template")?.clone();
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    serde_json::from_value(t).ok()
}

pub fn same_data(a: &Value, b: &Value) -> bool {
    canonical(a.clone()) == canonical(b.clone())
}

fn revision_name(set: &str, template: &PodTemplateSpec, collision: Option<i32>) -> String {
    format!("{set}-{}", pod_template_hash(template, collision))
}

fn start_ordinal(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.ordinals.as_ref())
        .and_then(|o| o.start)
        .unwrap_or(0)
}

fn replicas(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0)
}

fn parallel(set: &StatefulSet) -> bool {
    set.spec
        .as_ref()
        .and_then(|s| s.pod_management_policy.as_deref())
        == Some("Parallel")
}

fn rolling(set: &StatefulSet) -> bool {
    set.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.type_.as_deref())
        .is_none_or(|t| t == "RollingUpdate")
}

fn partition(set: &StatefulSet) -> i32 {
    set.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0)
        .max(0)
}

fn running_and_ready(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running") && pods::is_ready(pod)
}

fn finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

fn pod_revision(pod: &Pod) -> Option<&str> {
    pod.labels().get(REVISION_LABEL).map(String::as_str)
}

fn claim_name(claim: &str, set: &str, ordinal: i32) -> String {
    format!("{claim}-{set}-{ordinal}")
}

/// The pod for `ordinal` of `set` at revision `rev_name` with template `template`.
pub fn new_pod(
    set: &StatefulSet,
    template: &PodTemplateSpec,
    rev_name: &str,
    ordinal: i32,
) -> Option<Pod> {
    let name = set.name_any();
    let pod_name = format!("{name}-{ordinal}");
    let tmeta = template.metadata.clone().unwrap_or_default();
    let mut labels = tmeta.labels.unwrap_or_default();
    labels.insert(POD_NAME_LABEL.into(), pod_name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    labels.insert(REVISION_LABEL.into(), rev_name.to_string());
    let mut spec = template.spec.clone().unwrap_or_default();
    spec.hostname = Some(pod_name.clone());
    let service = set.spec.as_ref().and_then(|s| s.service_name.clone());
    if let Some(svc) = service.filter(|s| !s.is_empty()) {
        spec.subdomain = Some(svc);
    }
    let claims = set
        .spec
        .as_ref()
        .and_then(|s| s.volume_claim_templates.clone())
        .unwrap_or_default();
    if !claims.is_empty() {
        let mut volumes = spec.volumes.take().unwrap_or_default();
        for c in &claims {
            let cname = c.metadata.name.clone().unwrap_or_default();
            volumes.retain(|v| v.name != cname);
            volumes.push(Volume {
                name: cname.clone(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name(&cname, &name, ordinal),
                    read_only: None,
                }),
                ..Default::default()
            });
        }
        spec.volumes = Some(volumes);
    }
    Some(Pod {
        metadata: ObjectMeta {
            name: Some(pod_name),
            namespace: set.namespace(),
            labels: Some(labels),
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            owner_references: Some(vec![controller_ref(set)?]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Reconcile.

struct SetSync<'a> {
    ctx: &'a Context,
    set: &'a StatefulSet,
    set_ref: ObjectReference,
    ns: String,
    name: String,
    pods: Api<Pod>,
}

async fn reconcile(set: Arc<StatefulSet>, ctx: Arc<Context>) -> Result<Action> {
    if set.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let ns = set.namespace().unwrap_or_default();
    let name = set.name_any();
    let Some(spec) = set.spec.as_ref() else {
        return Ok(Action::await_change());
    };
    let selector = selector_string(&spec.selector);
    if selector.is_empty() {
        return Ok(Action::await_change());
    }
    let s = SetSync {
        ctx: &ctx,
        set: &set,
        set_ref: reference(set.as_ref()),
        ns: ns.clone(),
        name: name.clone(),
        pods: Api::namespaced(ctx.client.clone(), &ns),
    };
    let uid = set.uid().unwrap_or_default();

    // Revisions.
    let (current, update, collision) = s.revisions(&selector, &uid).await?;
    let cur_name = current.name_any();
    let upd_name = update.name_any();
    let cur_template = revision_template(&current).unwrap_or_else(|| spec.template.clone());
    let upd_template = spec.template.clone();

    // Pods owned by the set (orphans with the set's pod names are adopted).
    let listed = s
        .pods
        .list(&ListParams::default().labels(&selector))
        .await?;
    let mut owned: BTreeMap<i32, Pod> = BTreeMap::new();
    let mut strays = Vec::new();
    for pod in listed.items {
        let Some(ord) = ordinal_of(&name, &pod.name_any()) else {
            continue;
        };
        match pods::controller_of(&pod) {
            Some(o) if o.uid == uid => {
                owned.insert(ord, pod);
            }
            Some(_) => {}
            None if pod.metadata.deletion_timestamp.is_none() => strays.push((ord, pod)),
            None => {}
        }
    }
    for (ord, pod) in strays {
        if let Some(adopted) = s.adopt(&pod).await? {
            owned.insert(ord, adopted);
        }
    }

    let start = start_ordinal(&set);
    let want = replicas(&set);
    let end = start + want;
    let in_range = |o: i32| o >= start && o < end;
    let part = start + partition(&set);
    let ordered = !parallel(&set);

    let status_before = set.status.clone().unwrap_or_default();
    let template_for = |ord: i32| -> (&PodTemplateSpec, &str) {
        let keep_current = rolling(&set)
            && (if spec
                .update_strategy
                .as_ref()
                .and_then(|u| u.rolling_update.as_ref())
                .is_none()
            {
                ord < start + status_before.current_replicas.unwrap_or(0)
            } else {
                ord < part
            });
        if keep_current {
            (&cur_template, cur_name.as_str())
        } else {
            (&upd_template, upd_name.as_str())
        }
    };

    let result = s
        .step(
            &owned,
            start,
            end,
            ordered,
            &template_for,
            &upd_name,
            part,
            &in_range,
        )
        .await;

    // Status from the pods as they are after the step (created ones count from the next pass).
    let now = Timestamp::now();
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        collision_count: Some(collision),
        current_revision: Some(cur_name.clone()),
        update_revision: Some(upd_name.clone()),
        conditions: set.status.as_ref().and_then(|s| s.conditions.clone()),
        ..Default::default()
    };
    let mut replicas_n = 0;
    let (mut ready, mut available, mut cur_n, mut upd_n) = (0, 0, 0, 0);
    for pod in owned.values() {
        if pod.metadata.deletion_timestamp.is_some() || finished(pod) {
            continue;
        }
        replicas_n += 1;
        if running_and_ready(pod) {
            ready += 1;
            if pods::is_available(pod, min_ready, now) {
                available += 1;
            }
        }
        match pod_revision(pod) {
            Some(r) if r == cur_name => cur_n += 1,
            _ => {}
        }
        if pod_revision(pod) == Some(upd_name.as_str()) {
            upd_n += 1;
        }
    }
    status.replicas = replicas_n;
    status.ready_replicas = Some(ready);
    status.available_replicas = Some(available);
    status.current_replicas = Some(cur_n);
    status.updated_replicas = Some(upd_n);
    if rolling(&set) && upd_n == replicas_n && ready == replicas_n && replicas_n == want {
        status.current_replicas = Some(upd_n);
        status.current_revision = Some(upd_name.clone());
    }
    if set.status.as_ref() != Some(&status) {
        let api: Api<StatefulSet> = Api::namespaced(ctx.client.clone(), &ns);
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
    s.truncate_history(&selector, &uid, &status).await;
    result?;
    if min_ready > 0 && available < ready {
        return Ok(Action::requeue(Duration::from_secs(min_ready as u64)));
    }
    Ok(Action::await_change())
}

impl SetSync<'_> {
    fn revisions_api(&self) -> Api<ControllerRevision> {
        Api::namespaced(self.ctx.client.clone(), &self.ns)
    }

    async fn owned_revisions(&self, selector: &str, uid: &str) -> Result<Vec<ControllerRevision>> {
        let list = self
            .revisions_api()
            .list(&ListParams::default().labels(selector))
            .await?;
        Ok(list
            .items
            .into_iter()
            .filter(|r| {
                r.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|o| o.controller == Some(true) && o.uid == uid)
            })
            .collect())
    }

    /// The current and update revisions (creating the update revision if needed) and the
    /// collision count.
    async fn revisions(
        &self,
        selector: &str,
        uid: &str,
    ) -> Result<(ControllerRevision, ControllerRevision, i32)> {
        let spec = self.set.spec.as_ref().expect("checked");
        let mut revs = self.owned_revisions(selector, uid).await?;
        revs.sort_by_key(|r| r.revision);
        let data = revision_data(&spec.template);
        let max_rev = revs.last().map(|r| r.revision).unwrap_or(0);
        let mut collision = self
            .set
            .status
            .as_ref()
            .and_then(|s| s.collision_count)
            .unwrap_or(0);
        let api = self.revisions_api();
        let equal: Vec<&ControllerRevision> = revs
            .iter()
            .filter(|r| r.data.as_ref().is_some_and(|d| same_data(&d.0, &data)))
            .collect();
        let update = if let Some(r) = equal.last() {
            let r = (*r).clone();
            if r.revision < max_rev {
                // Rolling back to an earlier template makes it the newest revision again.
                api.patch(
                    &r.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&json!({"revision": max_rev + 1})),
                )
                .await?
            } else {
                r
            }
        } else {
            let mut labels = spec
                .template
                .metadata
                .as_ref()
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            loop {
                let name = revision_name(&self.name, &spec.template, Some(collision));
                let hash = name.rsplit('-').next().unwrap_or_default().to_string();
                labels.insert(REVISION_HASH_LABEL.into(), hash);
                let rev = ControllerRevision {
                    metadata: ObjectMeta {
                        name: Some(name.clone()),
                        namespace: Some(self.ns.clone()),
                        labels: Some(labels.clone()),
                        owner_references: controller_ref(self.set).map(|o| vec![o]),
                        ..Default::default()
                    },
                    data: Some(RawExtension(data.clone())),
                    revision: max_rev + 1,
                };
                match api.create(&PostParams::default(), &rev).await {
                    Ok(r) => break r,
                    Err(kube::Error::Api(e)) if e.code == 409 => {
                        let existing = api.get(&name).await?;
                        let ours = existing
                            .metadata
                            .owner_references
                            .iter()
                            .flatten()
                            .any(|o| o.uid == uid);
                        if ours
                            && existing
                                .data
                                .as_ref()
                                .is_some_and(|d| same_data(&d.0, &data))
                        {
                            break existing;
                        }
                        collision += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        let current_name = self
            .set
            .status
            .as_ref()
            .and_then(|s| s.current_revision.clone());
        let current = current_name
            .and_then(|n| revs.iter().find(|r| r.name_any() == n).cloned())
            .unwrap_or_else(|| update.clone());
        Ok((current, update, collision))
    }

    /// Deletes the oldest revisions beyond `revisionHistoryLimit` that no pod uses.
    async fn truncate_history(&self, selector: &str, uid: &str, status: &StatefulSetStatus) {
        let limit = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.revision_history_limit)
            .unwrap_or(10)
            .max(0) as usize;
        let Ok(mut revs) = self.owned_revisions(selector, uid).await else {
            return;
        };
        let Ok(pods) = self
            .pods
            .list(&ListParams::default().labels(selector))
            .await
        else {
            return;
        };
        let live: Vec<String> = pods
            .items
            .iter()
            .filter_map(|p| pod_revision(p).map(str::to_string))
            .chain(status.current_revision.clone())
            .chain(status.update_revision.clone())
            .collect();
        revs.retain(|r| !live.contains(&r.name_any()));
        revs.sort_by_key(|r| r.revision);
        if revs.len() <= limit {
            return;
        }
        let n = revs.len() - limit;
        for r in revs.into_iter().take(n) {
            let _ = self
                .revisions_api()
                .delete(&r.name_any(), &DeleteParams::default())
                .await;
        }
    }

    async fn adopt(&self, pod: &Pod) -> Result<Option<Pod>> {
        let Some(owner) = controller_ref(self.set) else {
            return Ok(None);
        };
        let mut refs = pod.metadata.owner_references.clone().unwrap_or_default();
        refs.push(owner);
        let patch = json!({"metadata": {"ownerReferences": refs, "uid": pod.metadata.uid}});
        match self
            .pods
            .patch(
                &pod.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            Ok(p) => Ok(Some(p)),
            Err(kube::Error::Api(e)) if matches!(e.code, 404 | 409 | 422) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn min_ready(&self) -> i32 {
        self.set
            .spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0)
    }

    fn retention(&self) -> (bool, bool) {
        let p = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
        let when_deleted = p.and_then(|p| p.when_deleted.as_deref()) == Some("Delete");
        let when_scaled = p.and_then(|p| p.when_scaled.as_deref()) == Some("Delete");
        (when_deleted, when_scaled)
    }

    /// Creates the claims of `ordinal` that do not exist yet.
    async fn ensure_claims(&self, ordinal: i32) -> Result<()> {
        let templates = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.volume_claim_templates.clone())
            .unwrap_or_default();
        if templates.is_empty() {
            return Ok(());
        }
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.ctx.client.clone(), &self.ns);
        let pod_name = format!("{}-{ordinal}", self.name);
        let (when_deleted, _) = self.retention();
        let selector_labels = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.selector.match_labels.clone())
            .unwrap_or_default();
        for t in templates {
            let cname = claim_name(
                t.metadata.name.as_deref().unwrap_or_default(),
                &self.name,
                ordinal,
            );
            if let Some(existing) = api.get_opt(&cname).await? {
                // whenDeleted: Delete hands claims made under another policy to the set too.
                let set_uid = self.set.metadata.uid.clone().unwrap_or_default();
                let refs = existing
                    .metadata
                    .owner_references
                    .clone()
                    .unwrap_or_default();
                if when_deleted && !refs.iter().any(|o| o.uid == set_uid) {
                    if let Some(owner) = controller_ref(self.set) {
                        let mut refs: Vec<_> = refs
                            .into_iter()
                            .filter(|o| o.controller != Some(true))
                            .collect();
                        refs.push(owner);
                        let _ = api
                            .patch(
                                &cname,
                                &PatchParams::default(),
                                &Patch::Merge(&json!({"metadata": {"ownerReferences": refs}})),
                            )
                            .await;
                    }
                }
                continue;
            }
            let mut labels = t.metadata.labels.clone().unwrap_or_default();
            labels.extend(selector_labels.clone());
            let claim = PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(cname.clone()),
                    namespace: Some(self.ns.clone()),
                    labels: Some(labels),
                    annotations: t.metadata.annotations.clone(),
                    owner_references: if when_deleted {
                        controller_ref(self.set).map(|o| vec![o])
                    } else {
                        None
                    },
                    ..Default::default()
                },
                spec: t.spec.clone(),
                status: None,
            };
            match api.create(&PostParams::default(), &claim).await {
                Ok(_) => {
                    self.ctx
                        .event(
                            &self.set_ref,
                            false,
                            "SuccessfulCreate",
                            "Create",
                            format!(
                                "create Claim {cname} Pod {pod_name} in StatefulSet {} success",
                                self.name
                            ),
                        )
                        .await
                }
                Err(kube::Error::Api(e)) if e.code == 409 => {}
                Err(e) => {
                    self.ctx
                        .event(
                            &self.set_ref,
                            true,
                            "FailedCreate",
                            "Create",
                            format!(
                                "create Claim {cname} for Pod {pod_name} in StatefulSet {} failed error: {e}",
                                self.name
                            ),
                        )
                        .await;
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    async fn create_pod(&self, template: &PodTemplateSpec, rev: &str, ordinal: i32) -> Result<()> {
        self.ensure_claims(ordinal).await?;
        let Some(pod) = new_pod(self.set, template, rev, ordinal) else {
            return Ok(());
        };
        let pod_name = pod.name_any();
        match self.pods.create(&PostParams::default(), &pod).await {
            Ok(_) => {
                self.ctx
                    .event(
                        &self.set_ref,
                        false,
                        "SuccessfulCreate",
                        "Create",
                        format!(
                            "create Pod {pod_name} in StatefulSet {} successful",
                            self.name
                        ),
                    )
                    .await;
                Ok(())
            }
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
            Err(e) => {
                self.ctx
                    .event(
                        &self.set_ref,
                        true,
                        "FailedCreate",
                        "Create",
                        format!(
                            "create Pod {pod_name} in StatefulSet {} failed error: {e}",
                            self.name
                        ),
                    )
                    .await;
                Err(e.into())
            }
        }
    }

    async fn delete_pod(&self, pod: &Pod) -> Result<()> {
        let pod_name = pod.name_any();
        match self.pods.delete(&pod_name, &DeleteParams::default()).await {
            Ok(_) => {
                self.ctx
                    .event(
                        &self.set_ref,
                        false,
                        "SuccessfulDelete",
                        "Delete",
                        format!(
                            "delete Pod {pod_name} in StatefulSet {} successful",
                            self.name
                        ),
                    )
                    .await;
                Ok(())
            }
            Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
            Err(e) => {
                self.ctx
                    .event(
                        &self.set_ref,
                        true,
                        "FailedDelete",
                        "Delete",
                        format!(
                            "delete Pod {pod_name} in StatefulSet {} failed error: {e}",
                            self.name
                        ),
                    )
                    .await;
                Err(e.into())
            }
        }
    }

    /// Hands the claims of a condemned pod to that pod, so they go with it (whenScaled: Delete).
    async fn release_claims(&self, pod: &Pod, ordinal: i32) {
        let templates = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.volume_claim_templates.clone())
            .unwrap_or_default();
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.ctx.client.clone(), &self.ns);
        let Some(mut owner) = controller_ref(pod) else {
            return;
        };
        owner.controller = None;
        owner.block_owner_deletion = None;
        for t in templates {
            let cname = claim_name(
                t.metadata.name.as_deref().unwrap_or_default(),
                &self.name,
                ordinal,
            );
            let Ok(Some(claim)) = api.get_opt(&cname).await else {
                continue;
            };
            let mut refs = claim.metadata.owner_references.clone().unwrap_or_default();
            if refs.iter().any(|o| o.uid == owner.uid) {
                continue;
            }
            refs.retain(|o| o.controller != Some(true));
            refs.push(owner.clone());
            let _ = api
                .patch(
                    &cname,
                    &PatchParams::default(),
                    &Patch::Merge(&json!({"metadata": {"ownerReferences": refs}})),
                )
                .await;
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn step<'t>(
        &self,
        owned: &BTreeMap<i32, Pod>,
        start: i32,
        end: i32,
        ordered: bool,
        template_for: &(dyn Fn(i32) -> (&'t PodTemplateSpec, &'t str) + Sync),
        upd_name: &str,
        part: i32,
        in_range: &(dyn Fn(i32) -> bool + Sync),
    ) -> Result<()> {
        // Finished pods are replaced: delete them first.
        for (ord, pod) in owned {
            if in_range(*ord) && finished(pod) && pod.metadata.deletion_timestamp.is_none() {
                self.delete_pod(pod).await?;
                if ordered {
                    return Ok(());
                }
            }
        }
        // Create missing replicas in order; OrderedReady waits for each to be Running and Ready.
        for ord in start..end {
            match owned.get(&ord) {
                None => {
                    let (t, rev) = template_for(ord);
                    self.create_pod(t, rev, ord).await?;
                    if ordered {
                        return Ok(());
                    }
                }
                Some(pod) => {
                    // Claims deleted from under a pod are recreated.
                    if pod.metadata.deletion_timestamp.is_none() {
                        self.ensure_claims(ord).await?;
                    }
                    if ordered
                        && (pod.metadata.deletion_timestamp.is_some()
                            || !running_and_ready(pod)
                            || !pods::is_available(pod, self.min_ready(), Timestamp::now()))
                    {
                        return Ok(());
                    }
                }
            }
        }
        // Condemned pods, highest ordinal first.
        let (_, when_scaled) = self.retention();
        let condemned: Vec<(i32, &Pod)> = owned
            .iter()
            .rev()
            .filter(|(o, _)| !in_range(**o))
            .map(|(o, p)| (*o, p))
            .collect();
        for (ord, pod) in condemned {
            if pod.metadata.deletion_timestamp.is_some() {
                if ordered {
                    return Ok(());
                }
                continue;
            }
            if when_scaled {
                self.release_claims(pod, ord).await;
            }
            self.delete_pod(pod).await?;
            if ordered {
                return Ok(());
            }
        }
        if !rolling(self.set) {
            return Ok(());
        }
        // Rolling update: every replica must be present, Running and Ready first.
        let all_healthy = (start..end).all(|o| {
            owned
                .get(&o)
                .is_some_and(|p| p.metadata.deletion_timestamp.is_none() && running_and_ready(p))
        });
        for ord in (part.max(start)..end).rev() {
            let Some(pod) = owned.get(&ord) else {
                return Ok(());
            };
            if pod.metadata.deletion_timestamp.is_some() {
                return Ok(());
            }
            if pod_revision(pod) != Some(upd_name) {
                if !all_healthy {
                    return Ok(());
                }
                return self.delete_pod(pod).await;
            }
            if !running_and_ready(pod) {
                return Ok(());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::StatefulSetSpec;
    use k8s_openapi::api::core::v1::{Container, PersistentVolumeClaimSpec, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

    fn set() -> StatefulSet {
        StatefulSet {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                uid: Some("u1".into()),
                ..Default::default()
            },
            spec: Some(StatefulSetSpec {
                service_name: Some("nginx".into()),
                selector: LabelSelector {
                    match_labels: Some([("app".to_string(), "web".to_string())].into()),
                    ..Default::default()
                },
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some([("app".to_string(), "web".to_string())].into()),
                        ..Default::default()
                    }),
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "c".into(),
                            image: Some("busybox".into()),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                },
                volume_claim_templates: Some(vec![PersistentVolumeClaim {
                    metadata: ObjectMeta {
                        name: Some("www".into()),
                        ..Default::default()
                    },
                    spec: Some(PersistentVolumeClaimSpec::default()),
                    status: None,
                }]),
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn ordinals_parse_only_exact_names() {
        assert_eq!(ordinal_of("web", "web-0"), Some(0));
        assert_eq!(ordinal_of("web", "web-12"), Some(12));
        assert_eq!(ordinal_of("web", "web-01"), None);
        assert_eq!(ordinal_of("web", "web-x"), None);
        assert_eq!(ordinal_of("web", "webb-1"), None);
        assert_eq!(ordinal_of("web", "web-"), None);
    }

    #[test]
    fn pods_carry_identity_and_claims() {
        let s = set();
        let t = s.spec.as_ref().unwrap().template.clone();
        let pod = new_pod(&s, &t, "web-abc", 2).unwrap();
        let labels = pod.labels();
        assert_eq!(pod.name_any(), "web-2");
        assert_eq!(labels[POD_NAME_LABEL], "web-2");
        assert_eq!(labels[POD_INDEX_LABEL], "2");
        assert_eq!(labels[REVISION_LABEL], "web-abc");
        let spec = pod.spec.unwrap();
        assert_eq!(spec.hostname.as_deref(), Some("web-2"));
        assert_eq!(spec.subdomain.as_deref(), Some("nginx"));
        let vol = &spec.volumes.unwrap()[0];
        assert_eq!(vol.name, "www");
        assert_eq!(
            vol.persistent_volume_claim.as_ref().unwrap().claim_name,
            "www-web-2"
        );
    }

    #[test]
    fn revision_data_round_trips_the_template() {
        let s = set();
        let t = s.spec.as_ref().unwrap().template.clone();
        let data = revision_data(&t);
        assert_eq!(data["spec"]["template"]["$patch"], "replace");
        let rev = ControllerRevision {
            data: Some(RawExtension(data.clone())),
            ..Default::default()
        };
        assert_eq!(revision_template(&rev), Some(t.clone()));
        assert!(same_data(&data, &revision_data(&t)));
        assert_ne!(
            revision_name("web", &t, Some(0)),
            revision_name("web", &t, Some(1))
        );
    }
}

//! Namespace lifecycle: a namespace being deleted (Terminating, `spec.finalizers` still holding
//! `kubernetes`) has everything in it deleted; once nothing is left, the `kubernetes`
//! finalizer is removed through `PUT /api/v1/namespaces/{name}/finalize` and the API server
//! removes the namespace. Progress is reported in the namespace's status conditions with
//! upstream's types, reasons and messages.
//!
//! Every namespaced resource of the catalog is swept, each object deleted with Background
//! propagation. Pods deleted gracefully wait for their kubelet to confirm; a pod still present
//! after its grace period has run out (its `deletionTimestamp` has passed) and with no
//! finalizers is force-deleted with grace period 0, so that a namespace whose pods' node has
//! no working kubelet still terminates (upstream leaves this to the pod garbage collector).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, NamespaceCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{
    DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions, PropagationPolicy,
};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::json;

use crate::garbage_collector::{dynamic_api, is_status, monitored};
use crate::{Context, Error, Result};

/// The `spec.finalizers` entry this controller is responsible for.
pub const FINALIZER: &str = "kubernetes";
/// How often a terminating namespace with content left is swept again.
const POLL: Duration = Duration::from_secs(1);

pub async fn run(ctx: Context) {
    let namespaces: Api<Namespace> = Api::all(ctx.client.clone());
    Controller::new(namespaces, watcher::Config::default())
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_ns: Arc<Namespace>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "namespace reconcile failed");
    Action::requeue(POLL)
}

fn pending_finalizer(ns: &Namespace) -> bool {
    ns.spec
        .as_ref()
        .and_then(|s| s.finalizers.as_ref())
        .is_some_and(|f| f.iter().any(|x| x == FINALIZER))
}

async fn reconcile(ns: Arc<Namespace>, ctx: Arc<Context>) -> Result<Action> {
    if ns.metadata.deletion_timestamp.is_none() || !pending_finalizer(&ns) {
        return Ok(Action::await_change());
    }
    let name = ns.name_any();
    let sweep = delete_content(&ctx, &name).await;
    let old = ns
        .status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default();
    let conditions = deletion_conditions(&sweep, &old, Timestamp::now());
    let api: Api<Namespace> = Api::all(ctx.client.clone());
    if conditions != old {
        let patch = json!({"status": {"conditions": conditions}});
        match api
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {}
            Err(e) if is_status(&e, 404) => return Ok(Action::await_change()),
            Err(e) => return Err(e.into()),
        }
    }
    if !sweep.done() {
        return Ok(Action::requeue(
            sweep
                .wait
                .unwrap_or(POLL)
                .clamp(Duration::from_millis(100), POLL),
        ));
    }
    finalize(&api, &name).await?;
    tracing::info!(namespace = name, "namespace content removed; finalized");
    Ok(Action::await_change())
}

/// Removes `kubernetes` from `spec.finalizers` through the finalize subresource.
async fn finalize(api: &Api<Namespace>, name: &str) -> Result<()> {
    let mut current = match api.get(name).await {
        Ok(ns) => ns,
        Err(e) if is_status(&e, 404) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let Some(spec) = current.spec.as_mut() else {
        return Ok(());
    };
    let finalizers: Vec<String> = spec
        .finalizers
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f != FINALIZER)
        .collect();
    spec.finalizers = Some(finalizers);
    match api
        .replace_subresource("finalize", name, &PostParams::default(), &current)
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if is_status(&e, 404) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What one pass over a namespace's content found.
#[derive(Debug, Default, PartialEq)]
pub struct Sweep {
    /// `plural.group` → objects still present (deleting, waiting on finalizers or grace).
    pub remaining: BTreeMap<String, usize>,
    /// finalizer → objects still carrying it.
    pub finalizers: BTreeMap<String, usize>,
    /// Failed lists and deletes.
    pub errors: Vec<String>,
    /// When the earliest gracefully deleted pod's grace period runs out.
    pub wait: Option<Duration>,
}

impl Sweep {
    pub fn done(&self) -> bool {
        self.remaining.is_empty() && self.errors.is_empty()
    }

    fn wait_for(&mut self, at: Timestamp, now: Timestamp) {
        if at <= now {
            return;
        }
        let left = at.duration_since(now).unsigned_abs();
        self.wait = Some(self.wait.map_or(left, |w| w.min(left)));
    }

    fn still_there(&mut self, resource: &str, finalizers: &[String]) {
        *self.remaining.entry(resource.to_string()).or_default() += 1;
        for f in finalizers {
            *self.finalizers.entry(f.clone()).or_default() += 1;
        }
    }
}

/// Deletes every object in the namespace that is not already being deleted, and reports what
/// is left.
async fn delete_content(ctx: &Context, namespace: &str) -> Sweep {
    let mut sweep = Sweep::default();
    let now = Timestamp::now();
    for res in monitored().into_iter().filter(|r| r.namespaced) {
        let key = format!("{}.{}", res.plural, res.group);
        let api = dynamic_api(&ctx.client, res, Some(namespace));
        let list = match api.list_metadata(&ListParams::default()).await {
            Ok(l) => l,
            Err(e) => {
                sweep.errors.push(format!("{key}: {e}"));
                continue;
            }
        };
        let is_pod = res.group.is_empty() && res.kind == "Pod";
        for item in list.items {
            let meta = item.metadata;
            let (Some(name), Some(uid)) = (meta.name.clone(), meta.uid.clone()) else {
                continue;
            };
            let finalizers = meta.finalizers.clone().unwrap_or_default();
            let mut params = DeleteParams {
                propagation_policy: Some(PropagationPolicy::Background),
                preconditions: Some(Preconditions {
                    uid: Some(uid),
                    resource_version: None,
                }),
                ..Default::default()
            };
            if let Some(at) = &meta.deletion_timestamp {
                // Already on its way out; only an overdue pod is pushed.
                if !(is_pod && at.0 <= now && finalizers.is_empty()) {
                    if is_pod {
                        sweep.wait_for(at.0, now);
                    }
                    sweep.still_there(&key, &finalizers);
                    continue;
                }
                tracing::info!(
                    namespace,
                    pod = name,
                    "force-deleting a pod past its grace period"
                );
                params.grace_period_seconds = Some(0);
            }
            match api.delete(&name, &params).await {
                // The reply is the object as deleted; marked with a deletionTimestamp by this
                // request means it is still there.
                Ok(either) => {
                    if let Some(obj) = either.left() {
                        let marked = obj.metadata.deletion_timestamp.as_ref();
                        if let (Some(at), None) = (marked, &meta.deletion_timestamp) {
                            if is_pod {
                                sweep.wait_for(at.0, now);
                            }
                            sweep.still_there(&key, obj.finalizers());
                        }
                    }
                }
                Err(e) if is_status(&e, 404) || is_status(&e, 409) => {}
                Err(e) => sweep.errors.push(format!("{key} \"{name}\": {e}")),
            }
        }
    }
    sweep
}

const CONDITION_TYPES: [&str; 5] = [
    "NamespaceDeletionDiscoveryFailure",
    "NamespaceDeletionGroupVersionParsingFailure",
    "NamespaceDeletionContentFailure",
    "NamespaceContentRemaining",
    "NamespaceFinalizersRemaining",
];

/// The namespace's deletion conditions after a sweep, with upstream's reasons and messages.
/// A condition whose status does not change keeps its `lastTransitionTime`.
pub fn deletion_conditions(
    sweep: &Sweep,
    old: &[NamespaceCondition],
    now: Timestamp,
) -> Vec<NamespaceCondition> {
    let mut out: Vec<NamespaceCondition> = old
        .iter()
        .filter(|c| !CONDITION_TYPES.contains(&c.type_.as_str()))
        .cloned()
        .collect();
    for type_ in CONDITION_TYPES {
        let (failing, reason, message) = match type_ {
            "NamespaceDeletionDiscoveryFailure" => (
                false,
                "ResourcesDiscovered",
                "All resources successfully discovered".to_string(),
            ),
            "NamespaceDeletionGroupVersionParsingFailure" => (
                false,
                "ParsedGroupVersions",
                "All legacy kube types successfully parsed".to_string(),
            ),
            "NamespaceDeletionContentFailure" if !sweep.errors.is_empty() => (
                true,
                "ContentDeletionFailed",
                format!(
                    "Failed to delete all resource types, {} remaining: {}",
                    sweep.errors.len(),
                    sweep.errors.join(", ")
                ),
            ),
            "NamespaceDeletionContentFailure" => (
                false,
                "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization".to_string(),
            ),
            "NamespaceContentRemaining" if !sweep.remaining.is_empty() => (
                true,
                "SomeResourcesRemain",
                format!(
                    "Some resources are remaining: {}",
                    sweep
                        .remaining
                        .iter()
                        .map(|(r, n)| format!("{r} has {n} resource instances"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            "NamespaceContentRemaining" => (
                false,
                "ContentRemoved",
                "All content successfully removed".to_string(),
            ),
            _ if !sweep.finalizers.is_empty() => (
                true,
                "SomeFinalizersRemain",
                format!(
                    "Some content in the namespace has finalizers remaining: {}",
                    sweep
                        .finalizers
                        .iter()
                        .map(|(f, n)| format!("{f} in {n} resource instances"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            _ => (
                false,
                "ContentHasNoFinalizers",
                "All content-preserving finalizers finished".to_string(),
            ),
        };
        let status = if failing { "True" } else { "False" };
        let previous = old.iter().find(|c| c.type_ == type_);
        let since = match previous {
            Some(p) if p.status == status => p.last_transition_time.clone(),
            _ => Some(Time(now)),
        };
        out.push(NamespaceCondition {
            type_: type_.to_string(),
            status: status.to_string(),
            reason: Some(reason.to_string()),
            message: Some(message),
            last_transition_time: since,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::NamespaceSpec;

    #[test]
    fn conditions_report_remaining_content_and_finalizers() {
        let now = Timestamp::now();
        let mut sweep = Sweep::default();
        sweep.still_there("pods.", &["example.com/hold".to_string()]);
        sweep.still_there("pods.", &[]);
        sweep.still_there("configmaps.", &["example.com/hold".to_string()]);
        let conds = deletion_conditions(&sweep, &[], now);
        assert_eq!(conds.len(), 5);
        let get = |t: &str| conds.iter().find(|c| c.type_ == t).unwrap();
        assert_eq!(get("NamespaceDeletionDiscoveryFailure").status, "False");
        assert_eq!(get("NamespaceDeletionContentFailure").status, "False");
        let remaining = get("NamespaceContentRemaining");
        assert_eq!(remaining.status, "True");
        assert_eq!(
            remaining.message.as_deref(),
            Some("Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances")
        );
        let fins = get("NamespaceFinalizersRemaining");
        assert_eq!(fins.reason.as_deref(), Some("SomeFinalizersRemain"));
        assert_eq!(
            fins.message.as_deref(),
            Some("Some content in the namespace has finalizers remaining: example.com/hold in 2 resource instances")
        );
        assert!(!sweep.done());

        // Unchanged statuses keep their transition time; a repeat is identical.
        let later = deletion_conditions(&sweep, &conds, Timestamp::now());
        assert_eq!(later, conds);
        let cleared = deletion_conditions(&Sweep::default(), &conds, now);
        assert_eq!(
            cleared
                .iter()
                .find(|c| c.type_ == "NamespaceContentRemaining")
                .unwrap()
                .reason
                .as_deref(),
            Some("ContentRemoved")
        );
        assert!(Sweep::default().done());
    }

    #[test]
    fn the_sweep_waits_for_the_earliest_grace_period_still_running() {
        let now = Timestamp::now();
        let mut sweep = Sweep::default();
        sweep.wait_for(now - Duration::from_secs(5), now);
        assert_eq!(sweep.wait, None);
        sweep.wait_for(now + Duration::from_secs(20), now);
        sweep.wait_for(now + Duration::from_secs(3), now);
        assert_eq!(sweep.wait, Some(Duration::from_secs(3)));
    }

    #[test]
    fn only_the_kubernetes_finalizer_is_ours() {
        let mut ns = Namespace::default();
        assert!(!pending_finalizer(&ns));
        ns.spec = Some(NamespaceSpec {
            finalizers: Some(vec!["example.com/other".into(), FINALIZER.into()]),
        });
        assert!(pending_finalizer(&ns));
    }
}

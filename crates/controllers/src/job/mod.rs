//! Job controller: runs pods from `spec.template` until enough succeed (`completions`, per
//! index for Indexed Jobs) with at most `parallelism` at a time, or the Job fails
//! (`backoffLimit`, `activeDeadlineSeconds`, a pod failure policy). It honours `suspend`,
//! delays replacements of failed pods with exponential backoff, keeps the status counters and
//! conditions, and deletes finished Jobs once `ttlSecondsAfterFinished` has passed.
//!
//! Finished pods are counted through the `batch.kubernetes.io/job-tracking` finalizer (see
//! [`plan`]). A second loop watches Job pods and drops that finalizer from pods whose Job is
//! gone or finished, so nothing is left hanging when a Job is deleted.

pub mod indexes;
pub mod plan;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector, ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::json;

use self::indexes::COMPLETION_INDEX;
use self::plan::{has_finalizer, Backoff, Deletion, TRACKING_FINALIZER};
use crate::pods::{self, controller_ref};
use crate::replicaset::{reference, selector_string};
use crate::{Context, Error, Result};

/// The label every Job pod carries; the orphan loop watches pods with it.
const CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
const MANAGER: &str = "kubernetes.io/job-controller";
/// Longest generateName prefix that leaves room for the random suffix.
const MAX_GENERATE_NAME: usize = 58;

struct State {
    ctx: Context,
    /// Failure backoff per Job uid.
    backoff: Mutex<HashMap<String, Backoff>>,
}

pub async fn run(ctx: Context) {
    let client = ctx.client.clone();
    let state = Arc::new(State {
        ctx,
        backoff: Mutex::default(),
    });
    let jobs: Api<Job> = Api::all(client.clone());
    let pods: Api<Pod> = Api::all(client);
    let main = Controller::new(jobs, watcher::Config::default())
        .owns(pods.clone(), watcher::Config::default())
        .run(reconcile, error_policy, state.clone())
        .for_each(|_| futures::future::ready(()));
    let orphans = Controller::new(
        pods,
        watcher::Config::default().labels(CONTROLLER_UID_LABEL),
    )
    .run(release_pod, pod_error_policy, state)
    .for_each(|_| futures::future::ready(()));
    futures::join!(main, orphans);
}

fn error_policy(_job: Arc<Job>, err: &Error, _st: Arc<State>) -> Action {
    tracing::debug!(error = %err, "job reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

fn pod_error_policy(_pod: Arc<Pod>, err: &Error, _st: Arc<State>) -> Action {
    tracing::debug!(error = %err, "job pod finalizer removal failed");
    Action::requeue(Duration::from_secs(1))
}

fn managed_elsewhere(job: &Job) -> bool {
    job.spec
        .as_ref()
        .and_then(|s| s.managed_by.as_deref())
        .is_some_and(|m| m != MANAGER)
}

async fn reconcile(cached: Arc<Job>, st: Arc<State>) -> Result<Action> {
    let ctx = &st.ctx;
    let ns = cached.namespace().unwrap_or_default();
    let name = cached.name_any();
    let api: Api<Job> = Api::namespaced(ctx.client.clone(), &ns);
    // Work from the live object: the cache may not have seen our last status write, and
    // counting from a stale status would lose or double pods.
    let Some(job) = api.get_opt(&name).await? else {
        if let (Some(uid), Ok(mut b)) = (cached.uid(), st.backoff.lock()) {
            b.remove(&uid);
        }
        return Ok(Action::await_change());
    };
    if managed_elsewhere(&job) {
        return Ok(Action::await_change());
    }
    let uid = job.uid().unwrap_or_default();
    let selector = job
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .map(selector_string)
        .unwrap_or_default();
    if selector.is_empty() {
        return Ok(Action::await_change());
    }
    let pod_api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let listed = pod_api
        .list(&ListParams::default().labels(&selector))
        .await?
        .items;
    let done = plan::finished(&job).is_some();

    let mut owned = Vec::new();
    for pod in listed {
        match pods::controller_of(&pod) {
            Some(owner) if owner.uid == uid => owned.push(pod),
            Some(_) => {}
            None if !done
                && pod.metadata.deletion_timestamp.is_none()
                && job.metadata.deletion_timestamp.is_none() =>
            {
                if let Some(adopted) = adopt(&pod_api, &pod, &job).await? {
                    owned.push(adopted);
                }
            }
            None => {}
        }
    }

    if done {
        // Everything is counted: let any remaining pods go.
        for pod in owned.iter().filter(|p| has_finalizer(p)) {
            remove_finalizer(&pod_api, &pod.name_any()).await?;
        }
        if let Ok(mut b) = st.backoff.lock() {
            b.remove(&uid);
        }
        return expire(&api, &job).await;
    }

    let backoff = st
        .backoff
        .lock()
        .ok()
        .and_then(|b| b.get(&uid).copied())
        .unwrap_or_default();
    let a = plan::assess(&job, &owned, &backoff, Timestamp::now());
    let job_ref = reference(&job);

    let mut deleted: Vec<&Deletion> = Vec::new();
    for d in &a.delete {
        if delete_pod(ctx, &pod_api, &job_ref, d).await {
            deleted.push(d);
        }
    }
    let created = create_pods(ctx, &pod_api, &job, &job_ref, &a.create).await;
    let (status, notes) = plan::conclude(&job, &a, created as i32, &deleted, Timestamp::now());

    if job.status.as_ref() != Some(&status) {
        let mut updated = job.clone();
        updated.status = Some(status.clone());
        match api
            .replace_status(&name, &PostParams::default(), &updated)
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Action::await_change()),
            Err(e) => return Err(e.into()),
        }
    }
    // The status now records every pod below: their finalizers can go.
    if let Ok(mut b) = st.backoff.lock() {
        b.insert(uid, a.backoff);
    }
    for n in notes {
        ctx.event(&job_ref, n.warning, &n.reason, "Sync", n.message)
            .await;
    }
    for pod in &a.unfinalize {
        remove_finalizer(&pod_api, pod).await?;
    }

    if deleted.len() < a.delete.len() || created < a.create.len() {
        return Ok(Action::requeue(Duration::from_secs(1)));
    }
    let mut finished = job.clone();
    finished.status = Some(status);
    if plan::finished(&finished).is_some() {
        return expire(&api, &finished).await;
    }
    Ok(a.requeue.map_or_else(Action::await_change, |d| {
        Action::requeue(d + Duration::from_millis(50))
    }))
}

/// Deletes a finished Job once `ttlSecondsAfterFinished` has passed since it finished, or says
/// when to look again.
async fn expire(api: &Api<Job>, job: &Job) -> Result<Action> {
    let ttl = job.spec.as_ref().and_then(|s| s.ttl_seconds_after_finished);
    let (Some(ttl), Some(done)) = (ttl, plan::finish_time(job)) else {
        return Ok(Action::await_change());
    };
    if job.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let due = done.as_millisecond() + i64::from(ttl) * 1000;
    let now = Timestamp::now().as_millisecond();
    if now < due {
        return Ok(Action::requeue(Duration::from_millis((due - now) as u64)));
    }
    let params = DeleteParams {
        preconditions: Some(Preconditions {
            uid: job.uid(),
            resource_version: None,
        }),
        ..DeleteParams::background()
    };
    match api.delete(&job.name_any(), &params).await {
        Ok(_) => Ok(Action::await_change()),
        Err(kube::Error::Api(e)) if e.code == 404 || e.code == 409 => Ok(Action::await_change()),
        Err(e) => Err(e.into()),
    }
}

/// Drops the tracking finalizer from a Job pod whose Job is gone, replaced or finished.
async fn release_pod(pod: Arc<Pod>, st: Arc<State>) -> Result<Action> {
    if !has_finalizer(&pod) {
        return Ok(Action::await_change());
    }
    let ns = pod.namespace().unwrap_or_default();
    let keep = match pods::controller_of(&pod) {
        Some(o) if o.kind == "Job" && o.api_version == "batch/v1" => {
            let api: Api<Job> = Api::namespaced(st.ctx.client.clone(), &ns);
            match api.get_opt(&o.name).await? {
                Some(job) if job.uid().as_deref() == Some(o.uid.as_str()) => {
                    plan::finished(&job).is_none() || managed_elsewhere(&job)
                }
                _ => false,
            }
        }
        // Controlled by something else: not ours to touch.
        Some(_) => true,
        None => false,
    };
    if !keep {
        let api: Api<Pod> = Api::namespaced(st.ctx.client.clone(), &ns);
        remove_finalizer(&api, &pod.name_any()).await?;
    }
    Ok(Action::await_change())
}

async fn remove_finalizer(api: &Api<Pod>, name: &str) -> Result<()> {
    let patch = json!({"metadata": {"$deleteFromPrimitiveList/finalizers": [TRACKING_FINALIZER]}});
    match api
        .patch(name, &PatchParams::default(), &Patch::Strategic(&patch))
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Makes `job` the controller of an orphan pod its selector matches; None if the pod changed
/// meanwhile.
async fn adopt(api: &Api<Pod>, pod: &Pod, job: &Job) -> Result<Option<Pod>> {
    let Some(owner) = controller_ref(job) else {
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
        Err(kube::Error::Api(e)) if matches!(e.code, 404 | 409 | 422) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a pod; surplus pods lose their tracking finalizer first so their end is not
/// counted as a failure. True when the pod is gone or going.
async fn delete_pod(
    ctx: &Context,
    api: &Api<Pod>,
    job_ref: &ObjectReference,
    d: &Deletion,
) -> bool {
    if !d.tracked && remove_finalizer(api, &d.name).await.is_err() {
        return false;
    }
    match api.delete(&d.name, &DeleteParams::default()).await {
        Ok(_) => {
            ctx.event(
                job_ref,
                false,
                "SuccessfulDelete",
                "Delete",
                format!("Deleted pod: {}", d.name),
            )
            .await;
            true
        }
        Err(kube::Error::Api(e)) if e.code == 404 => true,
        Err(e) => {
            ctx.event(
                job_ref,
                true,
                "FailedDelete",
                "Delete",
                format!("Error deleting: {e}"),
            )
            .await;
            false
        }
    }
}

fn generate_name(job: &str, index: Option<i32>) -> String {
    let suffix = match index {
        Some(i) => format!("-{i}-"),
        None => "-".to_string(),
    };
    let room = MAX_GENERATE_NAME.saturating_sub(suffix.len());
    let mut base = job.to_string();
    if base.len() > room {
        let mut cut = room;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    format!("{base}{suffix}")
}

/// The pod a Job's template describes, with the tracking finalizer and, for Indexed Jobs,
/// its completion index (annotation, label, hostname and `JOB_COMPLETION_INDEX`).
pub fn pod_for(job: &Job, index: Option<i32>) -> Option<Pod> {
    let template = &job.spec.as_ref()?.template;
    let tmeta = template.metadata.clone().unwrap_or_default();
    let mut labels = tmeta.labels.unwrap_or_default();
    let mut annotations = tmeta.annotations.unwrap_or_default();
    let mut finalizers = tmeta.finalizers.unwrap_or_default();
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(TRACKING_FINALIZER.into());
    }
    let mut spec = template.spec.clone()?;
    let job_name = job.name_any();
    if let Some(i) = index {
        annotations.insert(COMPLETION_INDEX.into(), i.to_string());
        labels.insert(COMPLETION_INDEX.into(), i.to_string());
        spec.hostname = Some(format!("{job_name}-{i}"));
        let env = EnvVar {
            name: "JOB_COMPLETION_INDEX".into(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    api_version: None,
                    field_path: format!("metadata.annotations['{COMPLETION_INDEX}']"),
                }),
                ..Default::default()
            }),
        };
        let containers = spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten());
        for c in containers {
            let vars = c.env.get_or_insert_with(Vec::new);
            if !vars.iter().any(|v| v.name == env.name) {
                vars.push(env.clone());
            }
        }
    }
    Some(Pod {
        metadata: ObjectMeta {
            generate_name: Some(generate_name(&job_name, index)),
            namespace: job.namespace(),
            labels: Some(labels),
            annotations: (!annotations.is_empty()).then_some(annotations),
            finalizers: Some(finalizers),
            owner_references: Some(vec![controller_ref(job)?]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    })
}

/// Creates the pods, in batches of 1, 2, 4 … that stop at the first failure; returns how
/// many were created.
async fn create_pods(
    ctx: &Context,
    api: &Api<Pod>,
    job: &Job,
    job_ref: &ObjectReference,
    wanted: &[Option<i32>],
) -> usize {
    let mut created = 0;
    let mut batch = 1;
    let params = PostParams::default();
    while created < wanted.len() {
        let chunk = &wanted[created..(created + batch).min(wanted.len())];
        let pods: Vec<Pod> = chunk.iter().filter_map(|i| pod_for(job, *i)).collect();
        if pods.len() < chunk.len() {
            return created;
        }
        let results = futures::future::join_all(pods.iter().map(|p| api.create(&params, p))).await;
        let mut failed = false;
        for r in results {
            match r {
                Ok(p) => {
                    created += 1;
                    ctx.event(
                        job_ref,
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
                        job_ref,
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
            return created;
        }
        batch *= 2;
    }
    created
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::JobSpec;
    use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec};

    fn job(name: &str) -> Job {
        Job {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("ns".into()),
                uid: Some("u1".into()),
                ..Default::default()
            },
            spec: Some(JobSpec {
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some([("job-name".to_string(), name.to_string())].into()),
                        ..Default::default()
                    }),
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "c".into(),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn pods_carry_owner_finalizer_and_index() {
        let p = pod_for(&job("pi"), None).unwrap();
        assert_eq!(p.metadata.generate_name.as_deref(), Some("pi-"));
        assert_eq!(p.finalizers(), [TRACKING_FINALIZER]);
        let owner = &p.owner_references()[0];
        assert_eq!((owner.kind.as_str(), owner.controller), ("Job", Some(true)));
        assert_eq!(p.labels()["job-name"], "pi");

        let p = pod_for(&job("pi"), Some(3)).unwrap();
        assert_eq!(p.metadata.generate_name.as_deref(), Some("pi-3-"));
        assert_eq!(p.annotations()[COMPLETION_INDEX], "3");
        assert_eq!(p.labels()[COMPLETION_INDEX], "3");
        let spec = p.spec.unwrap();
        assert_eq!(spec.hostname.as_deref(), Some("pi-3"));
        let env = &spec.containers[0].env.as_ref().unwrap()[0];
        assert_eq!(env.name, "JOB_COMPLETION_INDEX");
    }

    #[test]
    fn generate_names_leave_room_for_the_suffix() {
        let long = "x".repeat(63);
        assert_eq!(generate_name(&long, None).len(), MAX_GENERATE_NAME);
        let indexed = generate_name(&long, Some(12));
        assert_eq!(indexed.len(), MAX_GENERATE_NAME);
        assert!(indexed.ends_with("-12-"));
    }
}

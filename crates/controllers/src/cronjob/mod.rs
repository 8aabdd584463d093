//! CronJob controller: starts a Job from `spec.jobTemplate` at each scheduled time (in
//! `spec.timeZone`, else the local zone), honouring `startingDeadlineSeconds`, `suspend` and
//! the concurrency policy; keeps `status.active`, `lastScheduleTime` and `lastSuccessfulTime`;
//! trims finished Jobs to the history limits. Each CronJob is requeued for exactly its next
//! scheduled time rather than polled.
//!
//! Jobs are named `<cronjob>-<scheduled minutes since the epoch>`, so a crash between creating
//! a Job and recording it never starts the same time twice.

pub mod plan;
pub mod schedule;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, PostParams, Preconditions};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};

use crate::replicaset::reference;
use crate::{Context, Error, Result};

pub async fn run(ctx: Context) {
    let cron_jobs: Api<CronJob> = Api::all(ctx.client.clone());
    let jobs: Api<Job> = Api::all(ctx.client.clone());
    Controller::new(cron_jobs, watcher::Config::default())
        .owns(jobs, watcher::Config::default())
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_cj: Arc<CronJob>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "cronjob reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

fn controlled_by(job: &Job, uid: &str) -> bool {
    job.owner_references()
        .iter()
        .any(|o| o.controller == Some(true) && o.uid == uid)
}

async fn reconcile(cached: Arc<CronJob>, ctx: Arc<Context>) -> Result<Action> {
    let ns = cached.namespace().unwrap_or_default();
    let api: Api<CronJob> = Api::namespaced(ctx.client.clone(), &ns);
    // Work from the live object: the cache may not have seen our last status write yet.
    let Some(cj) = api.get_opt(&cached.name_any()).await? else {
        return Ok(Action::await_change());
    };
    let uid = cj.uid().unwrap_or_default();
    let job_api: Api<Job> = Api::namespaced(ctx.client.clone(), &ns);
    let jobs: Vec<Job> = job_api
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|j| controlled_by(j, &uid))
        .collect();
    let now = Timestamp::now();
    let cj_ref = reference(&cj);
    let plan = plan::plan(&cj, &jobs, now);
    for n in &plan.notes {
        ctx.event(&cj_ref, n.warning, n.reason, "Sync", n.message.clone())
            .await;
    }
    let mut status = plan.status;
    let mut outcome = Ok(());

    for r in &plan.replace {
        match delete_job(&ctx, &job_api, &cj_ref, r).await {
            Ok(()) => plan::forget(&mut status, &r.uid),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    if let (Some((job, scheduled)), Ok(())) = (plan.create, &outcome) {
        match job_api.create(&PostParams::default(), &job).await {
            Ok(created) => {
                ctx.event(
                    &cj_ref,
                    false,
                    "SuccessfulCreate",
                    "Create",
                    format!("Created job {}", created.name_any()),
                )
                .await;
                plan::started(&mut status, &created, scheduled);
            }
            Err(kube::Error::Api(e)) if e.code == 409 => {
                // Created before, but not recorded: record it if it is ours.
                match job_api.get_opt(&job.name_any()).await {
                    Ok(Some(existing)) if controlled_by(&existing, &uid) => {
                        if plan::finished(&existing).is_some() {
                            // Already ran to the end (sub-minute schedules share a name).
                            status.last_schedule_time = Some(Time(scheduled));
                        } else {
                            plan::started(&mut status, &existing, scheduled);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => outcome = Err(e.into()),
                }
            }
            Err(e) => {
                ctx.event(
                    &cj_ref,
                    true,
                    "FailedCreate",
                    "Create",
                    format!("Error creating job: {e}"),
                )
                .await;
                outcome = Err(e.into());
            }
        }
    }

    for job in plan::history_to_delete(&cj, &jobs) {
        let r = plan::job_ref(job);
        if delete_job(&ctx, &job_api, &cj_ref, &r).await.is_ok() {
            plan::forget(&mut status, &r.uid);
        }
    }

    if cj.status.as_ref() != Some(&status) {
        let mut updated = cj.clone();
        updated.status = Some(status.clone());
        match api
            .replace_status(&cj.name_any(), &PostParams::default(), &updated)
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(Action::await_change()),
            Err(e) => return Err(e.into()),
        }
    }
    outcome?;
    Ok(plan
        .schedule
        .and_then(|s| plan::requeue_after(&cj, &status, &s, Timestamp::now()))
        .map_or_else(Action::await_change, Action::requeue))
}

/// Deletes a Job (its pods follow through the garbage collector); a Job already gone counts
/// as deleted.
async fn delete_job(
    ctx: &Context,
    api: &Api<Job>,
    cj_ref: &ObjectReference,
    job: &ObjectReference,
) -> Result<()> {
    let name = job.name.clone().unwrap_or_default();
    let params = DeleteParams {
        preconditions: job.uid.clone().map(|uid| Preconditions {
            uid: Some(uid),
            resource_version: None,
        }),
        ..DeleteParams::background()
    };
    match api.delete(&name, &params).await {
        Ok(_) => {}
        Err(kube::Error::Api(e)) if e.code == 404 => {}
        Err(e) => {
            ctx.event(
                cj_ref,
                true,
                "FailedDelete",
                "Delete",
                format!("Deleted job: {e}"),
            )
            .await;
            return Err(e.into());
        }
    }
    ctx.event(
        cj_ref,
        false,
        "SuccessfulDelete",
        "Delete",
        format!("Deleted job {name}"),
    )
    .await;
    Ok(())
}

//! The CronJob controller's decisions, free of I/O: which bookkeeping a CronJob's status needs,
//! whether a run is due and what Job it gets, which finished Jobs fall out of the history, and
//! when to look again.

use std::collections::HashSet;
use std::time::Duration;

use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus, Job};
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::tz::TimeZone;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;

use super::schedule::{load_zone, local_zone, rfc1123z_utc, rfc3339_in, Schedule};
use crate::pods::controller_ref;

pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// Walking more missed times than this switches to an estimate from the schedule's interval.
const EXACT_STEPS: usize = 10_000;
/// More missed times than this earn a warning.
const TOO_MANY_MISSED: u64 = 100;
/// Requeues land this long after a scheduled time, so the time has surely passed.
const REQUEUE_SLACK: Duration = Duration::from_millis(100);

/// An event to record on the CronJob.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

fn note(warning: bool, reason: &'static str, message: String) -> Note {
    Note {
        warning,
        reason,
        message,
    }
}

/// What one sync of a CronJob should do.
#[derive(Debug, Default)]
pub struct Plan {
    /// The status after bookkeeping (finished and missing Jobs dropped from `active`,
    /// `lastSuccessfulTime` advanced); the executor adds the Job it creates.
    pub status: CronJobStatus,
    pub notes: Vec<Note>,
    /// Running Jobs to delete before the new one starts (concurrencyPolicy Replace).
    pub replace: Vec<ObjectReference>,
    /// The Job to create, and the time it is scheduled for.
    pub create: Option<(Job, Timestamp)>,
    /// The parsed schedule, when the CronJob should be looked at again at its next time.
    pub schedule: Option<Schedule>,
}

/// `Complete` or `Failed` when a Job has finished.
pub fn finished(job: &Job) -> Option<&'static str> {
    let conds = job.status.as_ref()?.conditions.as_ref()?;
    ["Complete", "Failed"]
        .into_iter()
        .find(|t| conds.iter().any(|c| c.type_ == *t && c.status == "True"))
}

/// The zone a CronJob's schedule runs in: `spec.timeZone`, else the local zone.
pub fn zone(cj: &CronJob) -> Result<TimeZone, String> {
    match cj.spec.as_ref().and_then(|s| s.time_zone.as_deref()) {
        Some(name) => load_zone(name),
        None => Ok(local_zone()),
    }
}

/// Jobs are named after their scheduled time in minutes since the epoch, so a time is
/// never run twice.
pub fn job_name(cj_name: &str, scheduled: Timestamp) -> String {
    format!("{cj_name}-{}", scheduled.as_second().div_euclid(60))
}

/// The Job a CronJob's template describes for `scheduled`.
pub fn job_for(cj: &CronJob, scheduled: Timestamp) -> Job {
    let template = cj.spec.as_ref().map(|s| &s.job_template);
    let tmeta = template
        .and_then(|t| t.metadata.clone())
        .unwrap_or_default();
    let mut annotations = tmeta.annotations.unwrap_or_default();
    // The annotation is in the CronJob's own zone, UTC without one.
    let tz = cj
        .spec
        .as_ref()
        .and_then(|s| s.time_zone.as_deref())
        .and_then(|n| load_zone(n).ok())
        .unwrap_or(TimeZone::UTC);
    annotations.insert(SCHEDULED_TIMESTAMP.into(), rfc3339_in(scheduled, &tz));
    Job {
        metadata: ObjectMeta {
            name: Some(job_name(&cj.name_any(), scheduled)),
            namespace: cj.namespace(),
            labels: tmeta.labels,
            annotations: Some(annotations),
            owner_references: controller_ref(cj).map(|r| vec![r]),
            ..Default::default()
        },
        spec: template.and_then(|t| t.spec.clone()),
        status: None,
    }
}

/// A reference to a Job as `status.active` lists it.
pub fn job_ref(job: &Job) -> ObjectReference {
    ObjectReference {
        api_version: Some("batch/v1".into()),
        kind: Some("Job".into()),
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace.clone(),
        uid: job.metadata.uid.clone(),
        resource_version: job.metadata.resource_version.clone(),
        ..Default::default()
    }
}

/// The most recent scheduled time in `(earliest, now]`, and how many times fell in that
/// window. Err when the schedule cannot fire at all.
pub fn most_recent(
    s: &Schedule,
    earliest: Timestamp,
    now: Timestamp,
) -> Result<(Option<Timestamp>, u64), String> {
    let too_close = || "time difference between two schedules is less than 1 second".to_string();
    let t1 = s.next(earliest).ok_or_else(too_close)?;
    if now < t1 {
        return Ok((None, 0));
    }
    let (mut latest, mut count, mut t) = (t1, 1u64, t1);
    for _ in 0..EXACT_STEPS {
        match s.next(t) {
            Some(n) if n <= now => {
                latest = n;
                count += 1;
                t = n;
            }
            _ => return Ok((Some(latest), count)),
        }
    }
    // Far behind: estimate how many intervals passed, then walk the last few.
    let t2 = s.next(t1).ok_or_else(too_close)?;
    let interval = t2.as_second() - t1.as_second();
    if interval < 1 {
        return Err(too_close());
    }
    let missed = (now.as_second() - t1.as_second()) / interval + 1;
    let mut from = Timestamp::from_second(t1.as_second() + (missed - 2) * interval)
        .map_err(|e| e.to_string())?;
    let mut found = None;
    while let Some(n) = s.next(from).filter(|n| *n <= now) {
        found = Some(n);
        from = n;
    }
    Ok((Some(found.unwrap_or(latest)), missed.max(0) as u64))
}

fn earliest(cj: &CronJob, status: &CronJobStatus, now: Timestamp) -> Timestamp {
    status
        .last_schedule_time
        .as_ref()
        .or(cj.metadata.creation_timestamp.as_ref())
        .map_or(now, |t| t.0)
}

/// How long until the CronJob's next scheduled time (slightly after it); None if the
/// schedule never fires again.
pub fn requeue_after(
    cj: &CronJob,
    status: &CronJobStatus,
    s: &Schedule,
    now: Timestamp,
) -> Option<Duration> {
    let earliest = earliest(cj, status, now);
    let base = match most_recent(s, earliest, now) {
        Err(_) => now,
        Ok((Some(t), _)) => t,
        Ok((None, 0)) => earliest,
        Ok((None, _)) => now,
    };
    let next = s.next(base)?;
    let wait = (next.as_millisecond() - now.as_millisecond()).max(0) as u64;
    Some(Duration::from_millis(wait) + REQUEUE_SLACK)
}

/// Decides one sync of `cj`, given the Jobs it controls.
pub fn plan(cj: &CronJob, jobs: &[Job], now: Timestamp) -> Plan {
    let mut status = cj.status.clone().unwrap_or_default();
    let mut active = status.active.take().unwrap_or_default();
    let mut notes = Vec::new();
    let in_active = |active: &[ObjectReference], uid: &Option<String>| {
        uid.is_some() && active.iter().any(|r| r.uid == *uid)
    };

    let mut children = HashSet::new();
    for job in jobs {
        children.insert(job.metadata.uid.clone());
        let listed = in_active(&active, &job.metadata.uid);
        match finished(job) {
            None if !listed => notes.push(note(
                true,
                "UnexpectedJob",
                format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    job.name_any()
                ),
            )),
            None => {}
            Some(cond) => {
                if listed {
                    active.retain(|r| r.uid != job.metadata.uid);
                    notes.push(note(
                        false,
                        "SawCompletedJob",
                        format!("Saw completed job: {}, condition: {cond}", job.name_any()),
                    ));
                }
                if cond == "Complete" {
                    let done = job.status.as_ref().and_then(|s| s.completion_time.clone());
                    if let Some(done) = done {
                        if status
                            .last_successful_time
                            .as_ref()
                            .is_none_or(|t| t.0 < done.0)
                        {
                            status.last_successful_time = Some(done);
                        }
                    }
                }
            }
        }
    }
    active.retain(|r| {
        let present = children.contains(&r.uid);
        if !present {
            notes.push(note(
                false,
                "MissingJob",
                format!(
                    "Active job went missing: {}",
                    r.name.as_deref().unwrap_or_default()
                ),
            ));
        }
        present
    });
    status.active = (!active.is_empty()).then(|| active.clone());
    let mut plan = Plan {
        status,
        notes,
        ..Default::default()
    };

    let Some(spec) = cj.spec.as_ref() else {
        return plan;
    };
    if cj.metadata.deletion_timestamp.is_some() {
        return plan;
    }
    let tz = match zone(cj) {
        Ok(tz) => tz,
        Err(e) => {
            let name = spec.time_zone.clone().unwrap_or_default();
            plan.notes.push(note(
                true,
                "UnknownTimeZone",
                format!("invalid timeZone: {name:?}: {e}"),
            ));
            return plan;
        }
    };
    if spec.suspend == Some(true) {
        return plan;
    }
    if spec.schedule.contains("TZ") && spec.time_zone.is_some() {
        plan.notes.push(note(
            true,
            "UnsupportedSchedule",
            format!(
                "CRON_TZ or TZ used in schedule {:?} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
                spec.schedule
            ),
        ));
    }
    let schedule = match Schedule::parse(&spec.schedule, tz) {
        Ok(s) => s,
        Err(e) => {
            plan.notes.push(note(
                true,
                "UnparseableSchedule",
                format!("unparseable schedule: {:?} : {e}", spec.schedule),
            ));
            return plan;
        }
    };

    // Nothing earlier than the starting deadline can still start.
    let mut from = earliest(cj, &plan.status, now);
    if let Some(deadline) = spec.starting_deadline_seconds {
        let limit = now.as_second() - deadline;
        if limit > from.as_second() {
            from = Timestamp::from_second(limit).unwrap_or(from);
        }
    }
    let scheduled = match most_recent(&schedule, from, now) {
        Err(e) => {
            plan.notes.push(note(
                true,
                "InvalidSchedule",
                format!("invalid schedule: {} : {e}", spec.schedule),
            ));
            return plan;
        }
        Ok((None, _)) => {
            plan.schedule = Some(schedule);
            return plan;
        }
        Ok((Some(t), missed)) => {
            if missed > TOO_MANY_MISSED {
                plan.notes.push(note(
                    true,
                    "TooManyMissedTimes",
                    format!("too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew"),
                ));
            }
            t
        }
    };
    plan.schedule = Some(schedule);

    if let Some(deadline) = spec.starting_deadline_seconds {
        if scheduled.as_second() + deadline < now.as_second() {
            plan.notes.push(note(
                true,
                "MissSchedule",
                format!(
                    "Missed scheduled time to start a job: {}",
                    rfc1123z_utc(scheduled)
                ),
            ));
            return plan;
        }
    }
    let name = job_name(&cj.name_any(), scheduled);
    let already = active.iter().any(|r| r.name.as_deref() == Some(&name))
        || plan
            .status
            .last_schedule_time
            .as_ref()
            .is_some_and(|t| t.0 == scheduled);
    if already {
        return plan;
    }
    match spec.concurrency_policy.as_deref() {
        Some("Forbid") if !active.is_empty() => {
            plan.notes.push(note(
                false,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
            ));
            return plan;
        }
        Some("Replace") => plan.replace = active,
        _ => {}
    }
    plan.create = Some((job_for(cj, scheduled), scheduled));
    plan
}

/// Records that `job` was started for `scheduled`.
pub fn started(status: &mut CronJobStatus, job: &Job, scheduled: Timestamp) {
    let active = status.active.get_or_insert_with(Vec::new);
    if !active.iter().any(|r| r.uid == job.metadata.uid) {
        active.push(job_ref(job));
    }
    status.last_schedule_time = Some(Time(scheduled));
}

/// Drops a deleted Job from `status.active`.
pub fn forget(status: &mut CronJobStatus, uid: &Option<String>) {
    if let Some(active) = status.active.as_mut() {
        active.retain(|r| r.uid != *uid);
        if active.is_empty() {
            status.active = None;
        }
    }
}

/// Finished Jobs beyond the history limits, oldest start first.
pub fn history_to_delete<'a>(cj: &CronJob, jobs: &'a [Job]) -> Vec<&'a Job> {
    let Some(spec) = cj.spec.as_ref() else {
        return Vec::new();
    };
    let mut doomed = Vec::new();
    for (kind, limit) in [
        ("Complete", spec.successful_jobs_history_limit),
        ("Failed", spec.failed_jobs_history_limit),
    ] {
        let Some(limit) = limit else { continue };
        let mut done: Vec<&Job> = jobs.iter().filter(|j| finished(j) == Some(kind)).collect();
        let surplus = done.len().saturating_sub(limit.max(0) as usize);
        if surplus == 0 {
            continue;
        }
        // Oldest start first; Jobs that never started go last, ties by name.
        done.sort_by(|a, b| {
            let start = |j: &Job| {
                j.status
                    .as_ref()
                    .and_then(|s| s.start_time.as_ref())
                    .map(|t| t.0)
            };
            match (start(a), start(b)) {
                (Some(x), Some(y)) if x != y => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                _ => a.name_any().cmp(&b.name_any()),
            }
        });
        doomed.extend(done.into_iter().take(surplus));
    }
    doomed
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::{CronJobSpec, JobCondition, JobStatus, JobTemplateSpec};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn cron(schedule: &str, created: &str) -> CronJob {
        CronJob {
            metadata: ObjectMeta {
                name: Some("hello".into()),
                namespace: Some("default".into()),
                uid: Some("cj-uid".into()),
                creation_timestamp: Some(Time(ts(created))),
                ..Default::default()
            },
            spec: Some(CronJobSpec {
                schedule: schedule.into(),
                time_zone: Some("UTC".into()),
                concurrency_policy: Some("Allow".into()),
                job_template: JobTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some([("app".to_string(), "hello".to_string())].into()),
                        ..Default::default()
                    }),
                    spec: Some(Default::default()),
                },
                ..Default::default()
            }),
            status: None,
        }
    }

    fn job(name: &str, uid: &str, cond: Option<&str>, start: Option<&str>) -> Job {
        Job {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                uid: Some(uid.into()),
                ..Default::default()
            },
            spec: None,
            status: Some(JobStatus {
                start_time: start.map(|s| Time(ts(s))),
                completion_time: (cond == Some("Complete"))
                    .then(|| Time(ts(start.unwrap_or("2024-01-01T00:00:00Z")))),
                conditions: cond.map(|c| {
                    vec![JobCondition {
                        type_: c.into(),
                        status: "True".into(),
                        ..Default::default()
                    }]
                }),
                ..Default::default()
            }),
        }
    }

    fn listed(cj: &mut CronJob, jobs: &[&Job]) {
        cj.status = Some(CronJobStatus {
            active: Some(jobs.iter().map(|j| job_ref(j)).collect()),
            ..Default::default()
        });
    }

    #[test]
    fn creates_the_due_job_with_a_deterministic_name() {
        let cj = cron("*/5 * * * *", "2024-01-01T10:00:30Z");
        let p = plan(&cj, &[], ts("2024-01-01T10:05:02Z"));
        let (job, at) = p.create.expect("due");
        assert_eq!(at, ts("2024-01-01T10:05:00Z"));
        assert_eq!(job.name_any(), format!("hello-{}", at.as_second() / 60));
        assert_eq!(
            job.annotations()[SCHEDULED_TIMESTAMP],
            "2024-01-01T10:05:00Z"
        );
        assert_eq!(job.labels()["app"], "hello");
        let owner = &job.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("CronJob", Some(true))
        );
        // Not due yet: nothing to do, look again at 10:05.
        let early = plan(&cj, &[], ts("2024-01-01T10:04:00Z"));
        assert!(early.create.is_none());
        let wait = requeue_after(
            &cj,
            &early.status,
            early.schedule.as_ref().unwrap(),
            ts("2024-01-01T10:04:00Z"),
        );
        assert_eq!(wait, Some(Duration::from_millis(60_100)));
    }

    #[test]
    fn requeues_at_the_next_time_after_starting_one() {
        let cj = cron("*/5 * * * *", "2024-01-01T10:00:30Z");
        let now = ts("2024-01-01T10:05:02Z");
        let p = plan(&cj, &[], now);
        let (mut job, at) = p.create.unwrap();
        job.metadata.uid = Some("j1".into());
        let mut status = p.status;
        started(&mut status, &job, at);
        assert_eq!(status.active.as_ref().unwrap().len(), 1);
        let wait = requeue_after(&cj, &status, p.schedule.as_ref().unwrap(), now).unwrap();
        assert_eq!(wait, Duration::from_millis(298_100));
        // The same time is not started twice.
        let mut again = cj.clone();
        again.status = Some(status);
        assert!(plan(&again, &[job], now).create.is_none());
    }

    #[test]
    fn annotation_uses_the_cron_jobs_zone() {
        let mut cj = cron("0 9 * * *", "2024-01-01T00:00:00Z");
        cj.spec.as_mut().unwrap().time_zone = Some("Etc/GMT-2".into());
        let p = plan(&cj, &[], ts("2024-01-01T07:00:30Z"));
        let (job, at) = p.create.unwrap();
        assert_eq!(at, ts("2024-01-01T07:00:00Z"));
        assert_eq!(
            job.annotations()[SCHEDULED_TIMESTAMP],
            "2024-01-01T09:00:00+02:00"
        );
    }

    #[test]
    fn concurrency_policies() {
        let running = job("hello-1", "j1", None, Some("2024-01-01T10:00:00Z"));
        let mut cj = cron("*/5 * * * *", "2024-01-01T10:00:30Z");
        listed(&mut cj, &[&running]);
        let now = ts("2024-01-01T10:05:02Z");
        // Allow: another one starts alongside.
        let p = plan(&cj, std::slice::from_ref(&running), now);
        assert!(p.create.is_some() && p.replace.is_empty());
        // Forbid: skipped, with an event.
        cj.spec.as_mut().unwrap().concurrency_policy = Some("Forbid".into());
        let p = plan(&cj, std::slice::from_ref(&running), now);
        assert!(p.create.is_none());
        assert_eq!(p.notes[0].reason, "JobAlreadyActive");
        // Replace: the running one goes first.
        cj.spec.as_mut().unwrap().concurrency_policy = Some("Replace".into());
        let p = plan(&cj, std::slice::from_ref(&running), now);
        assert!(p.create.is_some());
        assert_eq!(p.replace[0].name.as_deref(), Some("hello-1"));
    }

    #[test]
    fn bookkeeping_of_finished_missing_and_unexpected_jobs() {
        let done = job(
            "hello-1",
            "j1",
            Some("Complete"),
            Some("2024-01-01T10:00:00Z"),
        );
        let gone = job("hello-2", "j2", None, None);
        let manual = job("manual", "j3", None, None);
        let mut cj = cron("0 0 1 1 *", "2024-01-01T10:00:30Z");
        listed(&mut cj, &[&done, &gone]);
        let p = plan(
            &cj,
            &[done.clone(), manual.clone()],
            ts("2024-01-01T10:05:00Z"),
        );
        let reasons: Vec<&str> = p.notes.iter().map(|n| n.reason).collect();
        assert_eq!(reasons, ["SawCompletedJob", "UnexpectedJob", "MissingJob"]);
        assert_eq!(
            p.notes[0].message,
            "Saw completed job: hello-1, condition: Complete"
        );
        assert!(p.status.active.is_none());
        assert_eq!(
            p.status.last_successful_time,
            Some(Time(ts("2024-01-01T10:00:00Z")))
        );
        assert!(p.create.is_none());
    }

    #[test]
    fn suspended_deleting_and_broken_cron_jobs_do_not_start() {
        let now = ts("2024-01-01T10:05:02Z");
        let mut cj = cron("*/5 * * * *", "2024-01-01T10:00:30Z");
        cj.spec.as_mut().unwrap().suspend = Some(true);
        let p = plan(&cj, &[], now);
        assert!(p.create.is_none() && p.schedule.is_none());

        let mut cj = cron("*/5 * * * *", "2024-01-01T10:00:30Z");
        cj.spec.as_mut().unwrap().time_zone = Some("Mars/Olympus".into());
        let p = plan(&cj, &[], now);
        assert_eq!(p.notes[0].reason, "UnknownTimeZone");
        assert!(p.create.is_none());

        let cj = cron("0 0 30 2 *", "2024-01-01T10:00:30Z");
        let p = plan(&cj, &[], now);
        assert_eq!(p.notes[0].reason, "InvalidSchedule");
    }

    #[test]
    fn starting_deadline() {
        let mut cj = cron("0 * * * *", "2024-01-01T09:30:00Z");
        cj.spec.as_mut().unwrap().starting_deadline_seconds = Some(60);
        // 10:00 was missed by more than a minute, and nothing is due inside the deadline.
        let p = plan(&cj, &[], ts("2024-01-01T10:05:00Z"));
        assert!(p.create.is_none());
        assert!(p.notes.is_empty());
        // Within the deadline it still starts.
        let p = plan(&cj, &[], ts("2024-01-01T10:00:40Z"));
        assert_eq!(p.create.unwrap().1, ts("2024-01-01T10:00:00Z"));
    }

    #[test]
    fn many_missed_times_pick_the_latest() {
        let cj = cron("* * * * *", "2023-01-01T00:00:00Z");
        let p = plan(&cj, &[], ts("2024-01-01T10:05:30Z"));
        assert_eq!(p.create.unwrap().1, ts("2024-01-01T10:05:00Z"));
        assert_eq!(p.notes[0].reason, "TooManyMissedTimes");
    }

    #[test]
    fn history_limits_delete_the_oldest() {
        let mut cj = cron("0 0 1 1 *", "2024-01-01T00:00:00Z");
        let spec = cj.spec.as_mut().unwrap();
        spec.successful_jobs_history_limit = Some(1);
        spec.failed_jobs_history_limit = Some(0);
        let jobs = [
            job(
                "ok-old",
                "1",
                Some("Complete"),
                Some("2024-01-01T01:00:00Z"),
            ),
            job(
                "ok-new",
                "2",
                Some("Complete"),
                Some("2024-01-01T02:00:00Z"),
            ),
            job("ok-nostart", "3", Some("Complete"), None),
            job("bad", "4", Some("Failed"), Some("2024-01-01T01:00:00Z")),
            job("running", "5", None, Some("2024-01-01T01:00:00Z")),
        ];
        let names: Vec<String> = history_to_delete(&cj, &jobs)
            .iter()
            .map(|j| j.name_any())
            .collect();
        assert_eq!(names, ["ok-old", "ok-new", "bad"]);
    }

    #[test]
    fn most_recent_counts_missed_times() {
        let s = Schedule::parse("*/10 * * * *", TimeZone::UTC).unwrap();
        let r = most_recent(&s, ts("2024-01-01T10:00:00Z"), ts("2024-01-01T10:35:00Z"));
        assert_eq!(r, Ok((Some(ts("2024-01-01T10:30:00Z")), 3)));
        let r = most_recent(&s, ts("2024-01-01T10:00:00Z"), ts("2024-01-01T10:05:00Z"));
        assert_eq!(r, Ok((None, 0)));
    }
}

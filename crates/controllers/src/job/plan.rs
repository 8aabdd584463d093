//! The Job controller's decisions, free of I/O.
//!
//! Finished pods are accounted for through the `batch.kubernetes.io/job-tracking` finalizer
//! the controller puts on every pod it creates: a finished pod still carrying it is first
//! recorded in `status.uncountedTerminatedPods` (or, for Indexed Jobs that succeeded, in
//! `completedIndexes`), then the finalizer is removed, and once the pod no longer carries it the
//! uid moves into the `succeeded`/`failed` counters. A pod is therefore counted exactly once,
//! even if it is deleted right after finishing.
//!
//! A Job that is done first gets an interim condition (`SuccessCriteriaMet` or
//! `FailureTarget`); the terminal `Complete`/`Failed` condition follows once every pod is
//! accounted for and none is still terminating.
//!
//! [`assess`] runs before the controller creates or deletes pods, [`conclude`] after, with
//! the number of pods it actually managed to create and delete.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use k8s_openapi::api::batch::v1::{
    Job, JobCondition, JobSpec, JobStatus, PodFailurePolicy, SuccessPolicy, UncountedTerminatedPods,
};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;

use super::indexes;
use crate::pods;

pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";

/// Delay before replacing a failed pod, doubled per consecutive failure up to the maximum.
const BACKOFF_BASE: Duration = Duration::from_secs(10);
const BACKOFF_MAX: Duration = Duration::from_secs(600);
/// Most pods created or deleted in one sync.
const BURST: usize = 500;

/// Consecutive pod failures since the last success, which delay replacement pods.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Backoff {
    pub failures: u32,
    pub last_failure: Option<Timestamp>,
}

impl Backoff {
    /// How long pod creation must still wait at `now`.
    pub fn remaining(&self, now: Timestamp) -> Duration {
        let Some(last) = self.last_failure.filter(|_| self.failures > 0) else {
            return Duration::ZERO;
        };
        let mut delay = BACKOFF_BASE;
        for _ in 1..self.failures {
            delay = (delay * 2).min(BACKOFF_MAX);
            if delay == BACKOFF_MAX {
                break;
            }
        }
        let elapsed = (now.as_millisecond() - last.as_millisecond()).max(0) as u64;
        delay.saturating_sub(Duration::from_millis(elapsed))
    }

    /// The record after newly finished pods: a success resets the count to the failures that
    /// came after the latest success.
    pub fn record(self, successes: &[Timestamp], failures: &[Timestamp]) -> Backoff {
        let mut failures = failures.to_vec();
        failures.sort();
        match successes.iter().max() {
            None => match failures.last() {
                None => self,
                Some(last) => Backoff {
                    failures: self.failures + failures.len() as u32,
                    last_failure: Some(*last),
                },
            },
            Some(success) => {
                let after: Vec<&Timestamp> = failures.iter().filter(|f| *f > success).collect();
                Backoff {
                    failures: after.len() as u32,
                    last_failure: after.last().map(|t| **t),
                }
            }
        }
    }
}

/// An event to record on the Job.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub warning: bool,
    pub reason: String,
    pub message: String,
}

fn note(warning: bool, reason: &str, message: &str) -> Note {
    Note {
        warning,
        reason: reason.into(),
        message: message.into(),
    }
}

/// How a Job is ending.
#[derive(Clone, Debug, PartialEq)]
pub enum Finish {
    Success { reason: String, message: String },
    Failure { reason: String, message: String },
}

/// A pod to delete; `tracked` pods keep their finalizer so their failure is counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Deletion {
    pub name: String,
    pub tracked: bool,
    /// Still takes time to go (scheduled or held by the tracking finalizer).
    pub lingers: bool,
}

/// Everything decided before pods are created or deleted.
#[derive(Clone, Debug, Default)]
pub struct Assessment {
    /// The status being built: counters folded, uncounted pods recorded, start time and
    /// suspension conditions updated.
    pub status: JobStatus,
    succeeded_total: i32,
    active: i32,
    ready: i32,
    terminating: i32,
    /// Whether pods were managed this sync (the Job is neither ending nor being deleted).
    manage: bool,
    /// The ending, and whether its interim condition is new.
    pub finish: Option<(Finish, bool)>,
    /// Pods to create: each one's completion index (Indexed Jobs) or None.
    pub create: Vec<Option<i32>>,
    pub delete: Vec<Deletion>,
    /// Pods whose tracking finalizer can go once `status` is written.
    pub unfinalize: Vec<String>,
    pub new_successes: Vec<Timestamp>,
    pub new_failures: Vec<Timestamp>,
    /// When to look again without any change (deadline, pod-creation backoff).
    pub requeue: Option<Duration>,
    /// The failure backoff including this sync's newly finished pods; kept once the status
    /// recording them is written.
    pub backoff: Backoff,
    pub notes: Vec<Note>,
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

pub fn has_finalizer(pod: &Pod) -> bool {
    pod.finalizers().iter().any(|f| f == TRACKING_FINALIZER)
}

fn condition<'a>(status: &'a JobStatus, type_: &str) -> Option<&'a JobCondition> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_ && c.status == "True")
}

/// `Complete` or `Failed` once a Job has finished.
pub fn finished(job: &Job) -> Option<&'static str> {
    let status = job.status.as_ref()?;
    ["Complete", "Failed"]
        .into_iter()
        .find(|t| condition(status, t).is_some())
}

/// When a finished Job finished: its terminal condition's transition time.
pub fn finish_time(job: &Job) -> Option<Timestamp> {
    let status = job.status.as_ref()?;
    let c = condition(status, "Complete").or_else(|| condition(status, "Failed"))?;
    c.last_transition_time.as_ref().map(|t| t.0)
}

/// Sets a condition as upstream does: an existing one is rewritten when its status, reason or
/// message differ; a missing one is added unless its status would be False.
fn ensure_condition(
    status: &mut JobStatus,
    type_: &str,
    value: &str,
    reason: &str,
    message: &str,
    now: Timestamp,
) -> bool {
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let fresh = JobCondition {
        type_: type_.into(),
        status: value.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_probe_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
    };
    let changed = match conds.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            let differs = c.status != value
                || c.reason.as_deref() != Some(reason)
                || c.message.as_deref() != Some(message);
            if differs {
                *c = fresh;
            }
            differs
        }
        None if value != "False" => {
            conds.push(fresh);
            true
        }
        None => false,
    };
    if conds.is_empty() {
        status.conditions = None;
    }
    changed
}

/// When a pod finished: its containers' latest exit, else when it stopped being ready, else
/// its deletion, else now.
fn pod_finish_time(pod: &Pod, now: Timestamp) -> Timestamp {
    let status = pod.status.as_ref();
    let exited = status
        .into_iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .filter_map(|c| c.state.as_ref()?.terminated.as_ref()?.finished_at.as_ref())
        .map(|t| t.0)
        .max();
    let unready = || {
        status?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_ == "Ready" && c.status == "False")?
            .last_transition_time
            .as_ref()
            .map(|t| t.0)
    };
    exited
        .or_else(unready)
        .or_else(|| pod.metadata.deletion_timestamp.as_ref().map(|t| t.0))
        .unwrap_or(now)
}

/// What a pod failure policy says about a failed pod.
#[derive(Debug, PartialEq)]
enum Verdict {
    FailJob(String),
    Ignore,
    Count,
}

fn judge(policy: &PodFailurePolicy, pod: &Pod) -> Verdict {
    let ns = pod.namespace().unwrap_or_default();
    let name = pod.name_any();
    let status = pod.status.clone().unwrap_or_default();
    for (i, rule) in policy.rules.iter().enumerate() {
        let mut message = None;
        if let Some(req) = &rule.on_exit_codes {
            let statuses = status
                .container_statuses
                .iter()
                .flatten()
                .chain(status.init_container_statuses.iter().flatten());
            for cs in statuses {
                let Some(code) = cs
                    .state
                    .as_ref()
                    .and_then(|s| s.terminated.as_ref())
                    .map(|t| t.exit_code)
                else {
                    continue;
                };
                let named = req.container_name.as_ref().is_none_or(|n| *n == cs.name);
                let listed = req.values.contains(&code);
                let hit = match req.operator.as_str() {
                    "In" => listed,
                    "NotIn" => !listed,
                    _ => false,
                };
                if code != 0 && named && hit {
                    message = Some(format!(
                        "Container {} for pod {ns}/{name} failed with exit code {code} matching {} rule at index {i}",
                        cs.name, rule.action
                    ));
                    break;
                }
            }
        }
        for pattern in rule.on_pod_conditions.iter().flatten() {
            if message.is_some() {
                break;
            }
            let want = if pattern.status.is_empty() {
                "True"
            } else {
                pattern.status.as_str()
            };
            if status
                .conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == pattern.type_ && c.status == want)
            {
                message = Some(format!(
                    "Pod {ns}/{name} has condition {} matching {} rule at index {i}",
                    pattern.type_, rule.action
                ));
            }
        }
        if let Some(message) = message {
            return match rule.action.as_str() {
                "FailJob" => Verdict::FailJob(message),
                "Ignore" => Verdict::Ignore,
                _ => Verdict::Count,
            };
        }
    }
    Verdict::Count
}

/// The first success-policy rule the completed indexes satisfy.
fn success_policy_met(
    policy: &SuccessPolicy,
    completions: i32,
    done: &BTreeSet<i32>,
) -> Option<String> {
    policy.rules.iter().enumerate().find_map(|(i, rule)| {
        let met = match (&rule.succeeded_indexes, rule.succeeded_count) {
            (Some(ix), count) => {
                let wanted = indexes::parse(ix, completions);
                let hits = wanted.intersection(done).count();
                match count {
                    Some(c) => hits >= c.max(0) as usize,
                    None => !wanted.is_empty() && hits == wanted.len(),
                }
            }
            (None, Some(c)) => done.len() >= c.max(0) as usize,
            (None, None) => false,
        };
        met.then(|| format!("Matched rules at index {i}"))
    })
}

/// Restarts of a pod still running count against the backoff limit when pods restart in place.
fn past_backoff_limit_on_failure(spec: &JobSpec, pods: &[Pod], limit: i32) -> bool {
    let restart_on_failure = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        == Some("OnFailure");
    if !restart_on_failure {
        return false;
    }
    let restarts: i32 = pods
        .iter()
        .filter(|p| matches!(phase(p), "Running" | "Pending"))
        .filter_map(|p| p.status.as_ref())
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .map(|c| c.restart_count)
        .sum();
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

fn seconds(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// Accounts for finished pods and decides the pod changes of one sync.
pub fn assess(job: &Job, pods: &[Pod], backoff: &Backoff, now: Timestamp) -> Assessment {
    let now = seconds(now);
    let spec = job.spec.clone().unwrap_or_default();
    let indexed = spec.completion_mode.as_deref() == Some("Indexed");
    let completions = spec.completions;
    let parallelism = spec.parallelism.unwrap_or(1).max(0);
    let backoff_limit = spec.backoff_limit.unwrap_or(6);
    let suspended = spec.suspend == Some(true);
    let only_failed = spec.pod_replacement_policy.as_deref() == Some("Failed")
        || spec.pod_failure_policy.is_some();
    let deleting = job.metadata.deletion_timestamp.is_some();

    let mut a = Assessment::default();
    let mut status = job.status.clone().unwrap_or_default();
    let uncounted = status.uncounted_terminated_pods.take().unwrap_or_default();
    let mut unc_succeeded = uncounted.succeeded.unwrap_or_default();
    let mut unc_failed = uncounted.failed.unwrap_or_default();

    // Uncounted pods whose finalizer is gone are counted now.
    let tracked: HashMap<String, &Pod> = pods
        .iter()
        .filter(|p| has_finalizer(p))
        .filter_map(|p| Some((p.uid()?, p)))
        .collect();
    let mut succeeded = status.succeeded.unwrap_or(0);
    let mut failed = status.failed.unwrap_or(0);
    unc_succeeded.retain(|uid| {
        let keep = tracked.contains_key(uid);
        if !keep && !indexed {
            succeeded += 1;
        }
        keep
    });
    unc_failed.retain(|uid| {
        let keep = tracked.contains_key(uid);
        if !keep {
            failed += 1;
        }
        keep
    });
    let completions_or_zero = completions.unwrap_or(0);
    let mut done = if indexed {
        indexes::parse(
            status.completed_indexes.as_deref().unwrap_or(""),
            completions_or_zero,
        )
    } else {
        BTreeSet::new()
    };

    // Newly finished pods are recorded as uncounted; their finalizers go after the write.
    let mut fail_job = None;
    let recorded: HashSet<String> = unc_succeeded.iter().chain(&unc_failed).cloned().collect();
    for pod in pods.iter().filter(|p| has_finalizer(p)) {
        let uid = pod.uid().unwrap_or_default();
        if recorded.contains(&uid) {
            a.unfinalize.push(pod.name_any());
            continue;
        }
        let deleted = pod.metadata.deletion_timestamp.is_some();
        match phase(pod) {
            "Succeeded" => {
                if indexed {
                    let index = indexes::pod_index(pod).filter(|i| *i < completions_or_zero);
                    if let Some(i) = index {
                        if done.insert(i) {
                            a.new_successes.push(pod_finish_time(pod, now));
                        }
                    }
                } else {
                    unc_succeeded.push(uid);
                    a.new_successes.push(pod_finish_time(pod, now));
                }
                a.unfinalize.push(pod.name_any());
            }
            p if p == "Failed" || (deleted && !only_failed) => {
                let verdict = match (&spec.pod_failure_policy, p) {
                    (Some(policy), "Failed") => judge(policy, pod),
                    _ => Verdict::Count,
                };
                match verdict {
                    Verdict::Ignore => {}
                    Verdict::FailJob(message) => {
                        fail_job.get_or_insert(message);
                        unc_failed.push(uid);
                        a.new_failures.push(pod_finish_time(pod, now));
                    }
                    Verdict::Count => {
                        unc_failed.push(uid);
                        a.new_failures.push(pod_finish_time(pod, now));
                    }
                }
                a.unfinalize.push(pod.name_any());
            }
            _ => {}
        }
    }
    a.backoff = backoff.record(&a.new_successes, &a.new_failures);
    let succeeded_total = if indexed {
        done.len() as i32
    } else {
        succeeded + unc_succeeded.len() as i32
    };
    let failed_total = failed + unc_failed.len() as i32;
    status.succeeded = if indexed {
        Some(done.len() as i32)
    } else {
        Some(succeeded)
    };
    status.failed = Some(failed);
    status.uncounted_terminated_pods = Some(UncountedTerminatedPods {
        succeeded: (!unc_succeeded.is_empty()).then_some(unc_succeeded),
        failed: (!unc_failed.is_empty()).then_some(unc_failed),
    });
    if indexed {
        let rendered = indexes::format(&done);
        status.completed_indexes = (!rendered.is_empty()).then_some(rendered);
    }

    let active: Vec<&Pod> = pods.iter().filter(|p| pods::is_active(p)).collect();
    a.active = active.len() as i32;
    a.ready = active.iter().filter(|p| pods::is_ready(p)).count() as i32;
    a.terminating = pods
        .iter()
        .filter(|p| {
            p.metadata.deletion_timestamp.is_some() && !matches!(phase(p), "Succeeded" | "Failed")
        })
        .count() as i32;
    a.succeeded_total = succeeded_total;

    // Suspension stops the deadline clock; resuming restarts it.
    let was_suspended = condition(&status, "Suspended").is_some();
    let resuming = was_suspended && !suspended && !deleting;
    let start = if resuming {
        Some(now)
    } else {
        status
            .start_time
            .as_ref()
            .map(|t| t.0)
            .or((!suspended).then_some(now))
    };

    let failure = |reason: &str, message: &str| Finish::Failure {
        reason: reason.into(),
        message: message.into(),
    };
    a.finish = if let Some(c) = condition(&status, "FailureTarget") {
        Some((
            failure(
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or(""),
            ),
            false,
        ))
    } else if let Some(c) = condition(&status, "SuccessCriteriaMet") {
        Some((
            Finish::Success {
                reason: c.reason.clone().unwrap_or_default(),
                message: c.message.clone().unwrap_or_default(),
            },
            false,
        ))
    } else if let Some(message) = fail_job {
        Some((failure("PodFailurePolicy", &message), true))
    } else if failed_total > backoff_limit
        || past_backoff_limit_on_failure(&spec, pods, backoff_limit)
    {
        Some((
            failure(
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            ),
            true,
        ))
    } else if let (Some(deadline), Some(start), false) =
        (spec.active_deadline_seconds, start, suspended)
    {
        let left = start.as_millisecond() + deadline * 1000 - now.as_millisecond();
        if left <= 0 {
            Some((
                failure(
                    "DeadlineExceeded",
                    "Job was active longer than specified deadline",
                ),
                true,
            ))
        } else {
            a.requeue = Some(Duration::from_millis(left as u64));
            None
        }
    } else {
        None
    };
    if a.finish.is_none() && indexed {
        if let Some(message) = spec
            .success_policy
            .as_ref()
            .and_then(|p| success_policy_met(p, completions_or_zero, &done))
        {
            a.finish = Some((
                Finish::Success {
                    reason: "SuccessPolicy".into(),
                    message,
                },
                true,
            ));
        }
    }

    let lingers = |p: &Pod, tracked: bool| {
        tracked && has_finalizer(p)
            || p.spec
                .as_ref()
                .and_then(|s| s.node_name.as_ref())
                .is_some_and(|n| !n.is_empty())
    };
    if a.finish.is_some() {
        // Ending: every active pod goes, and its termination is counted.
        a.delete = active
            .iter()
            .map(|p| Deletion {
                name: p.name_any(),
                tracked: true,
                lingers: lingers(p, true),
            })
            .collect();
    } else if !deleting {
        a.manage = true;
        if resuming || status.start_time.is_none() && !suspended {
            status.start_time = Some(Time(now));
        }
        if suspended {
            if ensure_condition(
                &mut status,
                "Suspended",
                "True",
                "JobSuspended",
                "Job suspended",
                now,
            ) {
                a.notes.push(note(false, "Suspended", "Job suspended"));
            }
        } else if ensure_condition(
            &mut status,
            "Suspended",
            "False",
            "JobResumed",
            "Job resumed",
            now,
        ) {
            a.notes.push(note(false, "Resumed", "Job resumed"));
        }

        let want = if suspended {
            0
        } else {
            match completions {
                None if succeeded_total > 0 => a.active,
                None => parallelism,
                Some(c) => (c - succeeded_total).clamp(0, parallelism),
            }
        };
        let mut ordered = active.clone();
        ordered.sort_by(|x, y| pods::deletion_order(x, y));
        let surplus = |p: &&Pod| Deletion {
            name: p.name_any(),
            tracked: false,
            lingers: lingers(p, false),
        };
        let mut keep: Vec<&Pod> = Vec::new();
        if indexed {
            // Pods with a bad, completed or duplicated index go first.
            let mut seen = HashSet::new();
            let mut kept = Vec::new();
            for p in ordered.iter().rev() {
                let ok = indexes::pod_index(p)
                    .filter(|i| *i < completions_or_zero && !done.contains(i))
                    .is_some_and(|i| seen.insert(i));
                if ok {
                    kept.push(*p);
                } else {
                    a.delete.push(surplus(p));
                }
            }
            kept.reverse();
            keep = kept;
        } else {
            keep.extend(ordered.iter().copied());
        }
        let extra = keep.len().saturating_sub(want.max(0) as usize);
        a.delete
            .extend(keep.iter().take(extra.min(BURST)).map(surplus));
        let kept = (keep.len() - extra) as i32;

        let mut missing = (want - kept).max(0);
        if only_failed {
            missing = (missing - a.terminating).max(0);
        }
        if missing > 0 {
            let wait = a.backoff.remaining(now);
            if wait > Duration::ZERO {
                a.requeue = Some(a.requeue.map_or(wait, |r| r.min(wait)));
            } else if indexed {
                let busy: HashSet<i32> = pods
                    .iter()
                    .filter(|p| {
                        pods::is_active(p)
                            || only_failed
                                && p.metadata.deletion_timestamp.is_some()
                                && !matches!(phase(p), "Succeeded" | "Failed")
                    })
                    .filter_map(indexes::pod_index)
                    .collect();
                a.create = (0..completions_or_zero)
                    .filter(|i| !done.contains(i) && !busy.contains(i))
                    .take((missing as usize).min(BURST))
                    .map(Some)
                    .collect();
            } else {
                a.create = vec![None; (missing as usize).min(BURST)];
            }
        }
    }
    a.status = status;
    a
}

/// Completes the status after pods were created and deleted, and says which events the
/// write earns. `deleted` lists the deletions that went through.
pub fn conclude(
    job: &Job,
    a: &Assessment,
    created: i32,
    deleted: &[&Deletion],
    now: Timestamp,
) -> (JobStatus, Vec<Note>) {
    let now = seconds(now);
    let spec = job.spec.clone().unwrap_or_default();
    let mut status = a.status.clone();
    let mut notes = a.notes.clone();
    let active = (a.active - deleted.len() as i32 + created).max(0);
    let terminating = a.terminating + deleted.iter().filter(|d| d.lingers).count() as i32;

    let mut finish = a.finish.clone();
    if finish.is_none() && a.manage {
        let complete = active == 0
            && match spec.completions {
                None => a.succeeded_total > 0,
                Some(c) => a.succeeded_total >= c,
            };
        if complete {
            finish = Some((
                Finish::Success {
                    reason: "CompletionsReached".into(),
                    message: "Reached expected number of succeeded pods".into(),
                },
                true,
            ));
        }
    }

    if let Some((end, new)) = &finish {
        let (interim, terminal, reason, message) = match end {
            Finish::Success { reason, message } => {
                ("SuccessCriteriaMet", "Complete", reason, message)
            }
            Finish::Failure { reason, message } => ("FailureTarget", "Failed", reason, message),
        };
        if *new {
            ensure_condition(&mut status, interim, "True", reason, message, now);
        }
        let uncounted = status
            .uncounted_terminated_pods
            .as_ref()
            .is_some_and(|u| u.succeeded.is_some() || u.failed.is_some());
        let settled = !uncounted
            && a.unfinalize.is_empty()
            && terminating == 0
            && active == 0
            && deleted.len() == a.delete.len();
        if settled && ensure_condition(&mut status, terminal, "True", reason, message, now) {
            if terminal == "Complete" {
                status.completion_time = Some(Time(now));
                if spec.completions.is_some_and(|c| a.succeeded_total > c) {
                    notes.push(note(
                        true,
                        "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached",
                    ));
                }
                notes.push(note(false, "Completed", "Job completed"));
            } else {
                notes.push(note(true, reason, message));
            }
        }
    }
    status.active = (active > 0).then_some(active);
    status.succeeded = status.succeeded.filter(|n| *n > 0);
    status.failed = status.failed.filter(|n| *n > 0);
    status.ready = Some(a.ready.min(active));
    status.terminating = Some(terminating);
    (status, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::{
        PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule, SuccessPolicyRule,
    };
    use k8s_openapi::api::core::v1::{
        ContainerState, ContainerStateTerminated, ContainerStatus, PodCondition, PodSpec,
        PodStatus, PodTemplateSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const NOW: &str = "2024-01-01T10:00:00Z";

    fn job(completions: Option<i32>, parallelism: i32) -> Job {
        Job {
            metadata: ObjectMeta {
                name: Some("pi".into()),
                namespace: Some("default".into()),
                uid: Some("job-uid".into()),
                ..Default::default()
            },
            spec: Some(JobSpec {
                completions,
                parallelism: Some(parallelism),
                backoff_limit: Some(6),
                template: PodTemplateSpec {
                    spec: Some(PodSpec {
                        restart_policy: Some("Never".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            }),
            status: None,
        }
    }

    fn pod(name: &str, phase: &str) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                uid: Some(format!("uid-{name}")),
                finalizers: Some(vec![TRACKING_FINALIZER.into()]),
                ..Default::default()
            },
            spec: Some(PodSpec::default()),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
        }
    }

    fn indexed_pod(name: &str, phase: &str, index: i32) -> Pod {
        let mut p = pod(name, phase);
        p.metadata.annotations =
            Some([(indexes::COMPLETION_INDEX.to_string(), index.to_string())].into());
        p
    }

    fn untracked(mut p: Pod) -> Pod {
        p.metadata.finalizers = None;
        p
    }

    /// One sync where every create and delete succeeds.
    fn sync(job: &Job, pods: &[Pod]) -> (Assessment, JobStatus, Vec<Note>) {
        sync_at(job, pods, &Backoff::default(), ts(NOW))
    }

    fn sync_at(
        job: &Job,
        pods: &[Pod],
        backoff: &Backoff,
        now: Timestamp,
    ) -> (Assessment, JobStatus, Vec<Note>) {
        let a = assess(job, pods, backoff, now);
        let deleted: Vec<&Deletion> = a.delete.iter().collect();
        let (status, notes) = conclude(job, &a, a.create.len() as i32, &deleted, now);
        (a, status, notes)
    }

    fn cond<'a>(s: &'a JobStatus, t: &str) -> Option<&'a JobCondition> {
        condition(s, t)
    }

    fn with_status(mut job: Job, status: JobStatus) -> Job {
        job.status = Some(status);
        job
    }

    #[test]
    fn creates_up_to_parallelism_and_remaining_completions() {
        let j = job(Some(3), 2);
        let (a, status, _) = sync(&j, &[]);
        assert_eq!(a.create.len(), 2);
        assert_eq!(status.active, Some(2));
        assert_eq!(status.start_time, Some(Time(ts(NOW))));
        assert_eq!(status.ready, Some(0));
        assert_eq!(status.terminating, Some(0));
        // Two running: nothing more to do.
        let running = [pod("a", "Running"), pod("b", "Pending")];
        let (a, _, _) = sync(&with_status(j.clone(), status.clone()), &running);
        assert!(a.create.is_empty() && a.delete.is_empty());
        // Only one completion left: the surplus pod is deleted, its finalizer dropped first.
        let mut s = status.clone();
        s.succeeded = Some(2);
        let (a, _, _) = sync(&with_status(j, s), &running);
        assert_eq!(a.delete.len(), 1);
        assert!(!a.delete[0].tracked);
    }

    #[test]
    fn success_is_recorded_then_counted_then_completes() {
        let j = job(Some(1), 1);
        let done = pod("a", "Succeeded");
        // Sync 1: the success is recorded as uncounted; the finalizer may go after the write.
        let (a, s1, notes) = sync(&j, std::slice::from_ref(&done));
        assert_eq!(a.unfinalize, ["a"]);
        assert_eq!(
            s1.uncounted_terminated_pods.as_ref().unwrap().succeeded,
            Some(vec!["uid-a".to_string()])
        );
        assert_eq!(s1.succeeded, None);
        assert!(cond(&s1, "SuccessCriteriaMet").is_some());
        assert!(cond(&s1, "Complete").is_none(), "uncounted pods remain");
        assert!(notes.is_empty());
        // Sync 2: the finalizer is gone, so the pod is counted and the Job completes.
        let (a, s2, notes) = sync(&with_status(j, s1), &[untracked(done)]);
        assert!(a.unfinalize.is_empty() && a.create.is_empty());
        assert_eq!(s2.succeeded, Some(1));
        assert_eq!(
            s2.uncounted_terminated_pods,
            Some(UncountedTerminatedPods::default())
        );
        let c = cond(&s2, "Complete").expect("complete");
        assert_eq!(c.reason.as_deref(), Some("CompletionsReached"));
        assert_eq!(s2.completion_time, Some(Time(ts(NOW))));
        assert_eq!(notes, [note(false, "Completed", "Job completed")]);
    }

    #[test]
    fn backoff_limit_fails_the_job_and_deletes_active_pods() {
        let mut j = job(Some(3), 3);
        j.spec.as_mut().unwrap().backoff_limit = Some(1);
        let pods = [pod("a", "Failed"), pod("b", "Failed"), pod("c", "Running")];
        let (a, s1, notes) = sync(&j, &pods);
        assert!(notes.is_empty());
        let ft = cond(&s1, "FailureTarget").expect("failure target");
        assert_eq!(ft.reason.as_deref(), Some("BackoffLimitExceeded"));
        assert_eq!(
            a.delete,
            [Deletion {
                name: "c".into(),
                tracked: true,
                lingers: true
            }]
        );
        assert_eq!(s1.terminating, Some(1));
        assert!(cond(&s1, "Failed").is_none());
        // Next: the deleted pod is terminating and counted as failed too.
        let mut c = pod("c", "Running");
        c.metadata.deletion_timestamp = Some(Time(ts(NOW)));
        let pods = [untracked(pods[0].clone()), untracked(pods[1].clone()), c];
        let (_, s2, _) = sync(&with_status(j.clone(), s1), &pods);
        assert_eq!(s2.failed, Some(2));
        assert_eq!(
            s2.uncounted_terminated_pods.as_ref().unwrap().failed,
            Some(vec!["uid-c".to_string()])
        );
        assert!(cond(&s2, "Failed").is_none());
        // Finally all are counted and gone: Failed.
        let pods = [untracked(pods[0].clone()), untracked(pods[1].clone())];
        let (_, s3, notes) = sync(&with_status(j, s2), &pods);
        assert_eq!(s3.failed, Some(3));
        assert_eq!(
            cond(&s3, "Failed").unwrap().reason.as_deref(),
            Some("BackoffLimitExceeded")
        );
        assert_eq!(
            notes,
            [note(
                true,
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit"
            )]
        );
        assert_eq!(s3.completion_time, None);
    }

    #[test]
    fn replacement_pods_wait_out_the_backoff() {
        let j = job(Some(1), 1);
        let failed = pod("a", "Failed");
        let (a, s1, _) = sync(&j, std::slice::from_ref(&failed));
        assert_eq!(a.new_failures.len(), 1);
        assert!(a.create.is_empty(), "not even right after the failure");
        assert_eq!(a.requeue, Some(Duration::from_secs(10)));
        let backoff = a.backoff;
        assert_eq!(backoff.failures, 1);
        let (a, _, _) = sync_at(
            &with_status(j.clone(), s1.clone()),
            &[untracked(failed.clone())],
            &backoff,
            ts("2024-01-01T10:00:04Z"),
        );
        assert!(a.create.is_empty());
        assert_eq!(a.requeue, Some(Duration::from_secs(6)));
        let (a, _, _) = sync_at(
            &with_status(j, s1),
            &[untracked(failed)],
            &backoff,
            ts("2024-01-01T10:00:10Z"),
        );
        assert_eq!(a.create.len(), 1);
    }

    #[test]
    fn backoff_doubles_and_resets_on_success() {
        let t0 = ts(NOW);
        let b = Backoff::default().record(&[], &[t0]);
        assert_eq!(b.remaining(t0), Duration::from_secs(10));
        let b = b.record(&[], &[t0, t0]);
        assert_eq!(b.failures, 3);
        assert_eq!(b.remaining(t0), Duration::from_secs(40));
        let late = ts("2024-01-01T10:00:30Z");
        let b = b.record(&[ts("2024-01-01T10:00:20Z")], &[late]);
        assert_eq!(b.failures, 1);
        assert_eq!(b.last_failure, Some(late));
        let many = Backoff {
            failures: 30,
            last_failure: Some(t0),
        };
        assert_eq!(many.remaining(t0), BACKOFF_MAX);
    }

    #[test]
    fn active_deadline() {
        let mut j = job(Some(1), 1);
        j.spec.as_mut().unwrap().active_deadline_seconds = Some(2);
        let started = JobStatus {
            start_time: Some(Time(ts("2024-01-01T09:59:59Z"))),
            ..Default::default()
        };
        let (a, s, _) = sync(&with_status(j.clone(), started), &[pod("a", "Running")]);
        assert!(a.finish.is_none());
        assert_eq!(a.requeue, Some(Duration::from_secs(1)));
        assert!(cond(&s, "FailureTarget").is_none());
        let old = JobStatus {
            start_time: Some(Time(ts("2024-01-01T09:59:58Z"))),
            ..Default::default()
        };
        let (a, s, _) = sync(&with_status(j, old), &[pod("a", "Running")]);
        assert_eq!(
            cond(&s, "FailureTarget").unwrap().reason.as_deref(),
            Some("DeadlineExceeded")
        );
        assert_eq!(a.delete.len(), 1);
    }

    #[test]
    fn suspend_deletes_pods_and_resume_restarts_the_clock() {
        let mut j = job(Some(2), 2);
        j.spec.as_mut().unwrap().suspend = Some(true);
        let (a, s, notes) = sync(&j, &[pod("a", "Running")]);
        assert!(a.create.is_empty());
        assert_eq!(a.delete.len(), 1);
        assert!(!a.delete[0].tracked, "suspension is not a failure");
        assert_eq!(
            cond(&s, "Suspended").unwrap().reason.as_deref(),
            Some("JobSuspended")
        );
        assert_eq!(notes, [note(false, "Suspended", "Job suspended")]);
        assert_eq!(s.start_time, None);

        j.spec.as_mut().unwrap().suspend = Some(false);
        let later = ts("2024-01-01T11:00:00Z");
        let (a, s, notes) = sync_at(&with_status(j, s), &[], &Backoff::default(), later);
        assert_eq!(a.create.len(), 2);
        let c = s
            .conditions
            .as_ref()
            .unwrap()
            .iter()
            .find(|c| c.type_ == "Suspended");
        assert_eq!(c.unwrap().status, "False");
        assert_eq!(notes, [note(false, "Resumed", "Job resumed")]);
        assert_eq!(s.start_time, Some(Time(later)));
    }

    #[test]
    fn work_queue_jobs_finish_when_one_succeeded_and_none_run() {
        let j = job(None, 2);
        let (a, _, _) = sync(&j, &[]);
        assert_eq!(a.create.len(), 2);
        let pods = [untracked(pod("a", "Succeeded")), pod("b", "Running")];
        let status = JobStatus {
            succeeded: Some(1),
            ..Default::default()
        };
        let (a, s, _) = sync(&with_status(j.clone(), status.clone()), &pods);
        assert!(
            a.create.is_empty() && a.delete.is_empty(),
            "the rest keeps running"
        );
        assert!(cond(&s, "SuccessCriteriaMet").is_none());
        let (_, s, _) = sync(&with_status(j, status), &pods[..1]);
        assert!(cond(&s, "Complete").is_some());
    }

    #[test]
    fn indexed_jobs_create_missing_indexes_and_track_completed_ones() {
        let mut j = job(Some(4), 2);
        j.spec.as_mut().unwrap().completion_mode = Some("Indexed".into());
        let (a, _, _) = sync(&j, &[]);
        assert_eq!(a.create, [Some(0), Some(1)]);
        let pods = [
            indexed_pod("p0", "Succeeded", 0),
            indexed_pod("p1", "Running", 1),
            indexed_pod("p1b", "Running", 1),
            indexed_pod("p9", "Running", 9),
        ];
        let (a, s, _) = sync(&j, &pods);
        assert_eq!(s.completed_indexes.as_deref(), Some("0"));
        assert_eq!(s.succeeded, Some(1));
        // One of the two pods for index 1 goes, and the out-of-range one.
        let gone: Vec<&str> = a.delete.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(gone.len(), 2);
        assert!(gone.contains(&"p9"));
        assert!(gone.contains(&"p1") != gone.contains(&"p1b"));
        assert_eq!(a.create, [Some(2)]);
        assert_eq!(a.unfinalize, ["p0"]);
        // All indexes done.
        let status = JobStatus {
            completed_indexes: Some("0-3".into()),
            succeeded: Some(4),
            ..Default::default()
        };
        let (_, s, _) = sync(&with_status(j, status), &[]);
        assert!(cond(&s, "Complete").is_some());
    }

    #[test]
    fn success_policy_ends_indexed_jobs_early() {
        let mut j = job(Some(5), 5);
        let spec = j.spec.as_mut().unwrap();
        spec.completion_mode = Some("Indexed".into());
        spec.success_policy = Some(SuccessPolicy {
            rules: vec![SuccessPolicyRule {
                succeeded_indexes: Some("0-1".into()),
                succeeded_count: None,
            }],
        });
        let status = JobStatus {
            completed_indexes: Some("0-1".into()),
            ..Default::default()
        };
        let (a, s, _) = sync(&with_status(j, status), &[indexed_pod("p2", "Running", 2)]);
        let c = cond(&s, "SuccessCriteriaMet").unwrap();
        assert_eq!(c.reason.as_deref(), Some("SuccessPolicy"));
        assert_eq!(c.message.as_deref(), Some("Matched rules at index 0"));
        assert_eq!(a.delete.len(), 1);
        assert!(cond(&s, "Complete").is_none());
    }

    #[test]
    fn pod_failure_policy() {
        let mut j = job(Some(1), 1);
        j.spec.as_mut().unwrap().pod_failure_policy = Some(PodFailurePolicy {
            rules: vec![
                PodFailurePolicyRule {
                    action: "Ignore".into(),
                    on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                        container_name: None,
                        operator: "In".into(),
                        values: vec![137],
                    }),
                    on_pod_conditions: None,
                },
                PodFailurePolicyRule {
                    action: "FailJob".into(),
                    on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                        container_name: Some("main".into()),
                        operator: "In".into(),
                        values: vec![42],
                    }),
                    on_pod_conditions: None,
                },
            ],
        });
        let exited = |name: &str, code: i32| {
            let mut p = pod(name, "Failed");
            p.status.as_mut().unwrap().container_statuses = Some(vec![ContainerStatus {
                name: "main".into(),
                state: Some(ContainerState {
                    terminated: Some(ContainerStateTerminated {
                        exit_code: code,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }]);
            p
        };
        let (a, s, _) = sync(&j, &[exited("a", 137)]);
        assert!(a.new_failures.is_empty(), "ignored");
        assert_eq!(a.unfinalize, ["a"]);
        assert!(s
            .uncounted_terminated_pods
            .as_ref()
            .unwrap()
            .failed
            .is_none());
        assert_eq!(a.create.len(), 1);
        let (_, s, _) = sync(&j, &[exited("b", 42)]);
        let c = cond(&s, "FailureTarget").unwrap();
        assert_eq!(c.reason.as_deref(), Some("PodFailurePolicy"));
        assert_eq!(
            c.message.as_deref(),
            Some("Container main for pod default/b failed with exit code 42 matching FailJob rule at index 1")
        );
        // With a policy, only pods in phase Failed are failures; deleted ones just terminate.
        let mut terminating = pod("c", "Running");
        terminating.metadata.deletion_timestamp = Some(Time(ts(NOW)));
        let (a, s, _) = sync(&j, &[terminating]);
        assert!(a.unfinalize.is_empty());
        assert_eq!(s.terminating, Some(1));
        assert!(
            a.create.is_empty(),
            "replacement waits for the terminating pod"
        );
    }

    #[test]
    fn restart_counts_count_against_the_limit_with_on_failure() {
        let mut j = job(Some(1), 1);
        let spec = j.spec.as_mut().unwrap();
        spec.backoff_limit = Some(2);
        spec.template.spec.as_mut().unwrap().restart_policy = Some("OnFailure".into());
        let mut p = pod("a", "Running");
        p.status.as_mut().unwrap().container_statuses = Some(vec![ContainerStatus {
            name: "main".into(),
            restart_count: 2,
            ..Default::default()
        }]);
        let (_, s, _) = sync(&j, &[p]);
        assert!(cond(&s, "FailureTarget").is_some());
    }

    #[test]
    fn ready_pods_are_reported() {
        let j = job(Some(2), 2);
        let mut p = pod("a", "Running");
        p.status.as_mut().unwrap().conditions = Some(vec![PodCondition {
            type_: "Ready".into(),
            status: "True".into(),
            ..Default::default()
        }]);
        let (_, s, _) = sync(&j, &[p, pod("b", "Running")]);
        assert_eq!(s.ready, Some(1));
        assert_eq!(s.active, Some(2));
    }

    #[test]
    fn converges_without_further_writes() {
        // A status computed from itself with no pod changes is unchanged.
        let j = job(Some(2), 2);
        let pods = [pod("a", "Running"), pod("b", "Running")];
        let (_, s1, _) = sync(&j, &pods);
        let (_, s2, _) = sync(&with_status(j, s1.clone()), &pods);
        assert_eq!(s1, s2);
    }
}

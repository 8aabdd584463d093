//! Pod facts shared by the workload controllers: activity, readiness, availability, ordering.

use std::cmp::Ordering;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{OwnerReference, Time};
use k8s_openapi::jiff::Timestamp;
use kube::{Resource, ResourceExt};

/// Not terminating and not finished: counts towards a workload's replicas.
pub fn is_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    pod.metadata.deletion_timestamp.is_none() && !matches!(phase, Some("Succeeded" | "Failed"))
}

fn ready_condition(pod: &Pod) -> Option<(bool, Option<&Time>)> {
    let conds = pod.status.as_ref()?.conditions.as_ref()?;
    let c = conds.iter().find(|c| c.type_ == "Ready")?;
    Some((c.status == "True", c.last_transition_time.as_ref()))
}

pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|(r, _)| r)
}

/// Ready for at least `min_ready_seconds` at `now`.
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: Timestamp) -> bool {
    match ready_condition(pod) {
        Some((true, since)) => {
            min_ready_seconds <= 0
                || since.is_some_and(|t| {
                    t.0.as_second() + i64::from(min_ready_seconds) <= now.as_second()
                })
        }
        _ => false,
    }
}

pub fn controller_of(pod: &Pod) -> Option<&OwnerReference> {
    pod.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|o| o.controller == Some(true))
}

/// An owner reference making `owner` the controller of a dependent.
pub fn controller_ref<K: Resource<DynamicType = ()>>(owner: &K) -> Option<OwnerReference> {
    let mut r = owner.controller_owner_ref(&())?;
    r.block_owner_deletion = Some(true);
    Some(r)
}

fn phase_rank(pod: &Pod) -> u8 {
    match pod.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Pending") => 0,
        Some("Running") => 2,
        _ => 1,
    }
}

fn restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map(|cs| cs.iter().map(|c| c.restart_count).max().unwrap_or(0))
        .unwrap_or(0)
}

/// Order in which surplus pods are deleted (first = deleted first), as upstream ranks them:
/// unscheduled before scheduled, pending before running, not ready before ready, more restarts
/// first, then newer before older.
pub fn deletion_order(a: &Pod, b: &Pod) -> Ordering {
    let scheduled = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some_and(|n| !n.is_empty())
    };
    scheduled(a)
        .cmp(&scheduled(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(is_ready(a).cmp(&is_ready(b)))
        .then(restarts(b).cmp(&restarts(a)))
        .then(
            b.creation_timestamp()
                .map(|t| t.0)
                .cmp(&a.creation_timestamp().map(|t| t.0)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodCondition, PodSpec, PodStatus};

    fn pod(node: Option<&str>, phase: &str, ready: bool) -> Pod {
        Pod {
            spec: Some(PodSpec {
                node_name: node.map(str::to_string),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(phase.into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: if ready { "True" } else { "False" }.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn deletion_prefers_unscheduled_then_pending_then_unready() {
        let mut pods = [
            pod(Some("n"), "Running", true),
            pod(None, "Pending", false),
            pod(Some("n"), "Running", false),
            pod(Some("n"), "Pending", false),
        ];
        pods.sort_by(deletion_order);
        assert!(pods[0].spec.as_ref().unwrap().node_name.is_none());
        assert_eq!(
            pods[1].status.as_ref().unwrap().phase.as_deref(),
            Some("Pending")
        );
        assert!(!is_ready(&pods[2]));
        assert!(is_ready(&pods[3]));
    }

    #[test]
    fn activity() {
        assert!(is_active(&pod(None, "Pending", false)));
        assert!(!is_active(&pod(None, "Succeeded", false)));
    }
}

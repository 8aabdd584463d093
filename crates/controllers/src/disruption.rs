//! Disruption controller: keeps each PodDisruptionBudget's status (healthy pods, desired
//! healthy pods, disruptions allowed) current, which the `pods/eviction` subresource spends.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::json;

use crate::replicaset::selector_string;
use crate::{pods, Context, Error, Result};

/// How long an eviction's pod counts as disrupted while it is still being deleted.
const DISRUPTED_POD_TIMEOUT_SECONDS: i64 = 120;

pub async fn run(ctx: Context) {
    let budgets: Api<PodDisruptionBudget> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let controller = Controller::new(budgets, watcher::Config::default());
    let store = controller.store();
    controller
        .watches(pods, watcher::Config::default(), move |pod: Pod| {
            let ns = pod.namespace();
            store
                .state()
                .into_iter()
                .filter(|pdb| pdb.namespace() == ns && selects(pdb, &pod))
                .map(|pdb| ObjectRef::from_obj(pdb.as_ref()))
                .collect::<Vec<_>>()
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_pdb: Arc<PodDisruptionBudget>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "disruption reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

fn selects(pdb: &PodDisruptionBudget, pod: &Pod) -> bool {
    let Some(sel) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return false;
    };
    let labels = pod.labels();
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|e| {
        let v = labels.get(&e.key);
        let values = e.values.clone().unwrap_or_default();
        match e.operator.as_str() {
            "In" => v.is_some_and(|v| values.contains(v)),
            "NotIn" => v.is_none_or(|v| !values.contains(v)),
            "Exists" => v.is_some(),
            _ => v.is_none(),
        }
    });
    let empty = sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|m| m.is_empty());
    !empty && labels_ok && exprs_ok
}

/// An int-or-percent of `total`, rounded up as upstream does for budgets.
fn scaled(v: &IntOrString, total: i32) -> i32 {
    match v {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            ((pct * i64::from(total) + 99) / 100) as i32
        }
    }
}

/// How many healthy pods the budget requires out of `expected`.
pub fn desired_healthy(pdb: &PodDisruptionBudget, expected: i32) -> i32 {
    let spec = pdb.spec.as_ref();
    if let Some(min) = spec.and_then(|s| s.min_available.as_ref()) {
        return scaled(min, expected);
    }
    if let Some(max) = spec.and_then(|s| s.max_unavailable.as_ref()) {
        return (expected - scaled(max, expected)).max(0);
    }
    expected
}

async fn reconcile(pdb: Arc<PodDisruptionBudget>, ctx: Arc<Context>) -> Result<Action> {
    let ns = pdb.namespace().unwrap_or_default();
    let Some(selector) = pdb
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .map(selector_string)
    else {
        return Ok(Action::await_change());
    };
    let api: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let listed = if selector.is_empty() {
        Vec::new()
    } else {
        api.list(&ListParams::default().labels(&selector))
            .await?
            .items
    };
    let now = Timestamp::now();
    let existing: Vec<&Pod> = listed
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();

    // Evicted pods still being deleted count as disrupted for a while.
    let mut disrupted = BTreeMap::new();
    let mut next_expiry: Option<i64> = None;
    for (name, at) in pdb
        .status
        .as_ref()
        .and_then(|s| s.disrupted_pods.clone())
        .unwrap_or_default()
    {
        let age = now.as_second() - at.0.as_second();
        let still_there = existing.iter().any(|p| p.name_any() == name);
        if still_there && age < DISRUPTED_POD_TIMEOUT_SECONDS {
            next_expiry = Some(
                next_expiry.map_or(DISRUPTED_POD_TIMEOUT_SECONDS - age, |e| {
                    e.min(DISRUPTED_POD_TIMEOUT_SECONDS - age)
                }),
            );
            disrupted.insert(name, at);
        }
    }
    let expected = existing.len() as i32;
    let healthy = existing
        .iter()
        .filter(|p| pods::is_ready(p) && !disrupted.contains_key(&p.name_any()))
        .count() as i32;
    let desired = desired_healthy(&pdb, expected);
    let allowed = (healthy - desired).max(0);
    let generation = pdb.metadata.generation;
    let sufficient = allowed > 0;
    let previous = pdb
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "DisruptionAllowed"));
    let status_word = if sufficient { "True" } else { "False" };
    let transition = match previous {
        Some(c) if c.status == status_word => c.last_transition_time.clone(),
        _ => Time(now),
    };
    let status = PodDisruptionBudgetStatus {
        observed_generation: generation,
        disrupted_pods: if disrupted.is_empty() {
            None
        } else {
            Some(disrupted)
        },
        disruptions_allowed: allowed,
        current_healthy: healthy,
        desired_healthy: desired,
        expected_pods: expected,
        conditions: Some(vec![Condition {
            type_: "DisruptionAllowed".into(),
            status: status_word.into(),
            reason: if sufficient {
                "SufficientPods"
            } else {
                "InsufficientPods"
            }
            .into(),
            message: String::new(),
            last_transition_time: transition,
            observed_generation: generation,
        }]),
    };
    if pdb.status.as_ref() != Some(&status) {
        let api: Api<PodDisruptionBudget> = Api::namespaced(ctx.client.clone(), &ns);
        let patch = json!({"status": status});
        match api
            .patch_status(
                &pdb.name_any(),
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
    Ok(match next_expiry {
        Some(secs) => Action::requeue(Duration::from_secs(secs.max(1) as u64)),
        None => Action::await_change(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::policy::v1::PodDisruptionBudgetSpec;

    fn pdb(min: Option<IntOrString>, max: Option<IntOrString>) -> PodDisruptionBudget {
        PodDisruptionBudget {
            spec: Some(PodDisruptionBudgetSpec {
                min_available: min,
                max_unavailable: max,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn desired_healthy_from_min_available_and_max_unavailable() {
        assert_eq!(desired_healthy(&pdb(Some(IntOrString::Int(2)), None), 3), 2);
        assert_eq!(
            desired_healthy(&pdb(Some(IntOrString::String("50%".into())), None), 3),
            2,
            "rounds up"
        );
        assert_eq!(desired_healthy(&pdb(None, Some(IntOrString::Int(1))), 3), 2);
        assert_eq!(
            desired_healthy(&pdb(None, Some(IntOrString::String("34%".into()))), 3),
            1,
            "34% of 3 rounds up to 2 unavailable"
        );
        assert_eq!(desired_healthy(&pdb(None, None), 3), 3);
    }
}

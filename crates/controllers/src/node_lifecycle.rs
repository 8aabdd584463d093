//! Node lifecycle: allocates each node's pod CIDR, marks nodes whose kubelet stopped
//! heart-beating (lease and Ready heartbeat older than the grace period) `Ready=Unknown` with
//! the `unreachable` taints, and evicts pods from NoExecute-tainted nodes once their
//! tolerations run out.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, NodeCondition, Pod, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::json;

use crate::replicaset::reference;
use crate::{Context, Error, Result};

/// A node is unreachable when its kubelet has not reported for this long.
pub const GRACE_PERIOD_SECONDS: i64 = 40;
/// How often healthy nodes are re-checked.
const MONITOR_PERIOD: Duration = Duration::from_secs(5);
const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Pod networks come from this range, a /24 per node (DESIGN.md network defaults).
const CLUSTER_CIDR_PREFIX: &str = "198.18";

pub async fn run(ctx: Context) {
    let nodes: Api<Node> = Api::all(ctx.client.clone());
    let leases: Api<Lease> = Api::namespaced(ctx.client.clone(), "kube-node-lease");
    Controller::new(nodes, watcher::Config::default())
        .watches(leases, watcher::Config::default(), |lease: Lease| {
            Some(ObjectRef::<Node>::new(&lease.name_any()))
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_node: Arc<Node>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "node lifecycle reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

fn ready_condition(node: &Node) -> Option<&NodeCondition> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// The latest sign of life: lease renewal, Ready heartbeat, or (never heard from) creation.
fn last_heartbeat(node: &Node, lease: Option<&Lease>) -> Option<i64> {
    let renew = lease
        .and_then(|l| l.spec.as_ref())
        .and_then(|s| s.renew_time.as_ref())
        .map(|t| t.0.as_second());
    let heartbeat = ready_condition(node)
        .and_then(|c| c.last_heartbeat_time.as_ref())
        .map(|t| t.0.as_second());
    let created = node
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.as_second());
    renew.max(heartbeat).or(created)
}

/// The lowest free /24 of the cluster range.
fn free_cidr(nodes: &[Node]) -> Option<String> {
    let used: Vec<String> = nodes
        .iter()
        .filter_map(|n| n.spec.as_ref()?.pod_cidr.clone())
        .collect();
    (0..=255)
        .map(|i| format!("{CLUSTER_CIDR_PREFIX}.{i}.0/24"))
        .find(|c| !used.contains(c))
}

/// Taints the node should carry for its Ready state (keeping any other taints).
pub fn desired_taints(current: &[Taint], ready: Option<&str>, now: &Timestamp) -> Vec<Taint> {
    let wanted: &[&str] = match ready {
        Some("True") => &[],
        Some("False") => &[NOT_READY],
        _ => &[UNREACHABLE],
    };
    let mut out: Vec<Taint> = current
        .iter()
        .filter(|t| {
            !((t.key == UNREACHABLE || t.key == NOT_READY) && !wanted.contains(&t.key.as_str()))
        })
        .cloned()
        .collect();
    for key in wanted {
        for effect in ["NoSchedule", "NoExecute"] {
            if !out.iter().any(|t| t.key == *key && t.effect == effect) {
                out.push(Taint {
                    key: key.to_string(),
                    effect: effect.into(),
                    time_added: (effect == "NoExecute").then_some(Time(*now)),
                    value: None,
                });
            }
        }
    }
    out
}

fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect_ok = t
        .effect
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == taint.effect);
    let key_ok = match t.operator.as_deref() {
        Some("Exists") => t
            .key
            .as_deref()
            .is_none_or(|k| k.is_empty() || k == taint.key),
        _ => {
            t.key.as_deref() == Some(taint.key.as_str())
                && t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
    };
    effect_ok && key_ok
}

/// Seconds until `pod` must leave a node with these NoExecute taints: 0 = now, None = never.
pub fn eviction_delay(pod: &Pod, taints: &[Taint], now: i64) -> Option<i64> {
    let tolerations = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default();
    let mut delay: Option<i64> = None;
    for taint in taints.iter().filter(|t| t.effect == "NoExecute") {
        let Some(t) = tolerations.iter().find(|t| tolerates(t, taint)) else {
            return Some(0);
        };
        if let Some(secs) = t.toleration_seconds {
            let added = taint.time_added.as_ref().map_or(now, |a| a.0.as_second());
            let left = (added + secs - now).max(0);
            delay = Some(delay.map_or(left, |d| d.min(left)));
        }
    }
    delay
}

async fn reconcile(node: Arc<Node>, ctx: Arc<Context>) -> Result<Action> {
    let name = node.name_any();
    let nodes: Api<Node> = Api::all(ctx.client.clone());
    let now = Timestamp::now();
    let mut requeue = MONITOR_PERIOD;

    if node
        .spec
        .as_ref()
        .and_then(|s| s.pod_cidr.as_ref())
        .is_none()
    {
        let all = nodes.list(&ListParams::default()).await?.items;
        if let Some(cidr) = free_cidr(&all) {
            let patch = json!({"spec": {"podCIDR": cidr, "podCIDRs": [cidr]}});
            nodes
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
            ctx.event(
                &reference(node.as_ref()),
                false,
                "CIDRAssignmentSucceeded",
                "Allocate",
                format!("Node {name} was assigned pod CIDR {cidr}"),
            )
            .await;
        } else {
            ctx.event(
                &reference(node.as_ref()),
                true,
                "CIDRNotAvailable",
                "Allocate",
                "No pod CIDRs are left in the cluster range".into(),
            )
            .await;
        }
    }

    let lease = Api::<Lease>::namespaced(ctx.client.clone(), "kube-node-lease")
        .get_opt(&name)
        .await?;
    let stale = last_heartbeat(&node, lease.as_ref())
        .is_some_and(|t| now.as_second() - t > GRACE_PERIOD_SECONDS);
    let mut ready = ready_condition(&node).map(|c| c.status.clone());
    if stale && ready.as_deref() != Some("Unknown") {
        let conditions: Vec<NodeCondition> = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|mut c| {
                c.status = "Unknown".into();
                c.reason = Some("NodeStatusUnknown".into());
                c.message = Some("Kubelet stopped posting node status.".into());
                c.last_transition_time = Some(Time(now));
                c
            })
            .collect();
        let conditions = if conditions.iter().any(|c| c.type_ == "Ready") {
            conditions
        } else {
            let mut c = conditions;
            c.push(NodeCondition {
                type_: "Ready".into(),
                status: "Unknown".into(),
                reason: Some("NodeStatusNeverUpdated".into()),
                message: Some("Kubelet never posted node status.".into()),
                last_transition_time: Some(Time(now)),
                ..Default::default()
            });
            c
        };
        nodes
            .patch_status(
                &name,
                &PatchParams::default(),
                &Patch::Strategic(json!({"status": {"conditions": conditions}})),
            )
            .await?;
        ctx.event(
            &reference(node.as_ref()),
            false,
            "NodeNotReady",
            "Monitor",
            format!("Node {name} status is now: NodeNotReady"),
        )
        .await;
        ready = Some("Unknown".into());
    }

    let current = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let taints = desired_taints(&current, ready.as_deref(), &now);
    if taints != current {
        nodes
            .patch(
                &name,
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"taints": taints}})),
            )
            .await?;
    }

    if taints.iter().any(|t| t.effect == "NoExecute") {
        let pods: Api<Pod> = Api::all(ctx.client.clone());
        let on_node = pods
            .list(&ListParams::default().fields(&format!("spec.nodeName={name}")))
            .await?;
        for pod in on_node
            .items
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
        {
            match eviction_delay(pod, &taints, now.as_second()) {
                Some(0) => {
                    let api: Api<Pod> =
                        Api::namespaced(ctx.client.clone(), &pod.namespace().unwrap_or_default());
                    match api.delete(&pod.name_any(), &DeleteParams::default()).await {
                        Ok(_) | Err(kube::Error::Api(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                    ctx.event(
                        &reference(pod),
                        false,
                        "TaintManagerEviction",
                        "Evict",
                        format!(
                            "Marking for deletion Pod {}/{}",
                            pod.namespace().unwrap_or_default(),
                            pod.name_any()
                        ),
                    )
                    .await;
                }
                Some(secs) => requeue = requeue.min(Duration::from_secs(secs as u64)),
                None => {}
            }
        }
    }
    Ok(Action::requeue(requeue))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodSpec;

    #[test]
    fn taints_follow_readiness() {
        let now = Timestamp::now();
        let other = Taint {
            key: "dedicated".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        };
        let t = desired_taints(std::slice::from_ref(&other), Some("Unknown"), &now);
        assert_eq!(t.len(), 3);
        assert!(t
            .iter()
            .any(|t| t.key == UNREACHABLE && t.effect == "NoExecute" && t.time_added.is_some()));
        let healed = desired_taints(&t, Some("True"), &now);
        assert_eq!(healed, vec![other]);
        let not_ready = desired_taints(&[], Some("False"), &now);
        assert!(not_ready.iter().all(|t| t.key == NOT_READY));
    }

    #[test]
    fn eviction_waits_for_toleration_seconds() {
        let taint = Taint {
            key: UNREACHABLE.into(),
            effect: "NoExecute".into(),
            time_added: Some(Time(Timestamp::from_second(1000).unwrap())),
            value: None,
        };
        let mut pod = Pod {
            spec: Some(PodSpec::default()),
            ..Default::default()
        };
        assert_eq!(
            eviction_delay(&pod, std::slice::from_ref(&taint), 1010),
            Some(0),
            "no toleration: evict now"
        );
        pod.spec.as_mut().unwrap().tolerations = Some(vec![Toleration {
            key: Some(UNREACHABLE.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(300),
            value: None,
        }]);
        assert_eq!(
            eviction_delay(&pod, std::slice::from_ref(&taint), 1010),
            Some(290)
        );
        assert_eq!(
            eviction_delay(&pod, std::slice::from_ref(&taint), 1400),
            Some(0)
        );
        pod.spec.as_mut().unwrap().tolerations.as_mut().unwrap()[0].toleration_seconds = None;
        assert_eq!(
            eviction_delay(&pod, &[taint], 5000),
            None,
            "tolerated forever"
        );
    }

    #[test]
    fn cidrs_are_allocated_lowest_first() {
        let n = Node {
            spec: Some(k8s_openapi::api::core::v1::NodeSpec {
                pod_cidr: Some("198.18.0.0/24".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(free_cidr(&[n]).as_deref(), Some("198.18.1.0/24"));
        assert_eq!(free_cidr(&[]).as_deref(), Some("198.18.0.0/24"));
    }
}

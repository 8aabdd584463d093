//! Service load balancer: without a cloud, a `type: LoadBalancer` Service is served on the
//! nodes' own addresses (as k3s's ServiceLB does). This loop writes those addresses into
//! `status.loadBalancer.ingress`; every node's service proxy then accepts the Service's ports on
//! them. Services of another `loadBalancerClass` are left to their controller, and a Service
//! that stops being a LoadBalancer has its ingress cleared.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, ObjectReference, Service};
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::Store;
use kube::runtime::{reflector, watcher, WatchStreamExt};
use kube::{Api, ResourceExt};
use serde_json::json;

use crate::{Context, Error, Result};

struct State {
    ctx: Context,
    nodes: Store<Node>,
}

pub async fn run(ctx: Context) {
    let services: Api<Service> = Api::all(ctx.client.clone());
    let (nodes, writer) = reflector::store();
    let node_events = reflector(
        writer,
        watcher(
            Api::<Node>::all(ctx.client.clone()),
            watcher::Config::default(),
        ),
    )
    .default_backoff()
    .touched_objects()
    .filter_map(|r| futures::future::ready(r.ok().map(|_| ())));
    let state = Arc::new(State { ctx, nodes });
    Controller::new(services, watcher::Config::default())
        .reconcile_all_on(node_events)
        .run(reconcile, error_policy, state)
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_svc: Arc<Service>, err: &Error, _state: Arc<State>) -> Action {
    tracing::debug!(error = %err, "service load balancer reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// The addresses a LoadBalancer Service is reachable on: each Ready, schedulable node's
/// ExternalIP, or its InternalIP when it has none; sorted.
pub fn ingress_ips<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Vec<String> {
    let mut ips = BTreeSet::new();
    for node in nodes {
        if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
            continue;
        }
        let status = node.status.as_ref();
        let ready = status
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        if !ready {
            continue;
        }
        let addresses = status.and_then(|s| s.addresses.as_ref());
        let pick = |kind: &str| {
            addresses
                .into_iter()
                .flatten()
                .find(|a| a.type_ == kind)
                .map(|a| a.address.clone())
        };
        if let Some(ip) = pick("ExternalIP").or_else(|| pick("InternalIP")) {
            ips.insert(ip);
        }
    }
    ips.into_iter().collect()
}

/// The ingress this controller wants for `svc`: `None` to leave it alone.
pub fn desired_ingress(svc: &Service, node_ips: &[String]) -> Option<Vec<String>> {
    let spec = svc.spec.as_ref()?;
    if spec.load_balancer_class.is_some() {
        return None;
    }
    if spec.type_.as_deref() == Some("LoadBalancer") {
        Some(node_ips.to_vec())
    } else {
        Some(Vec::new())
    }
}

fn current_ingress(svc: &Service) -> Vec<String> {
    svc.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|i| i.ip.clone())
        .collect()
}

async fn reconcile(svc: Arc<Service>, state: Arc<State>) -> Result<Action> {
    let nodes = state.nodes.state();
    let node_ips = ingress_ips(nodes.iter().map(|n| n.as_ref()));
    let Some(want) = desired_ingress(&svc, &node_ips) else {
        return Ok(Action::await_change());
    };
    if current_ingress(&svc) == want {
        return Ok(Action::await_change());
    }
    let namespace = svc.namespace().unwrap_or_default();
    let name = svc.name_any();
    let ingress: Vec<_> = want
        .iter()
        .map(|ip| json!({"ip": ip, "ipMode": "VIP"}))
        .collect();
    let patch = json!({"status": {"loadBalancer": {"ingress": ingress}}});
    Api::<Service>::namespaced(state.ctx.client.clone(), &namespace)
        .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(Error::from)?;
    if !want.is_empty() {
        let regarding = ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("Service".into()),
            name: Some(name),
            namespace: Some(namespace),
            uid: svc.uid(),
            ..Default::default()
        };
        state
            .ctx
            .event(
                &regarding,
                false,
                "EnsuredLoadBalancer",
                "EnsureLoadBalancer",
                "Ensured load balancer".into(),
            )
            .await;
    }
    Ok(Action::await_change())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(v: serde_json::Value) -> Node {
        serde_json::from_value(v).unwrap()
    }

    fn ready_node(name: &str, addresses: serde_json::Value) -> Node {
        node(json!({"metadata": {"name": name}, "status": {
            "conditions": [{"type": "Ready", "status": "True"}], "addresses": addresses}}))
    }

    #[test]
    fn ingress_uses_ready_schedulable_nodes() {
        let a = ready_node(
            "a",
            json!([{"type": "InternalIP", "address": "198.18.250.2"}]),
        );
        let b = ready_node(
            "b",
            json!([{"type": "InternalIP", "address": "198.18.250.3"},
                   {"type": "ExternalIP", "address": "198.18.251.3"}]),
        );
        let not_ready = node(json!({"metadata": {"name": "c"}, "status": {
            "conditions": [{"type": "Ready", "status": "Unknown"}],
            "addresses": [{"type": "InternalIP", "address": "198.18.250.4"}]}}));
        let mut cordoned = ready_node(
            "d",
            json!([{"type": "InternalIP", "address": "198.18.250.5"}]),
        );
        cordoned.spec = Some(k8s_openapi::api::core::v1::NodeSpec {
            unschedulable: Some(true),
            ..Default::default()
        });
        assert_eq!(
            ingress_ips([&b, &a, &not_ready, &cordoned]),
            vec!["198.18.250.2", "198.18.251.3"]
        );
    }

    #[test]
    fn only_load_balancers_of_the_default_class_get_ingress() {
        let ips = vec!["198.18.250.2".to_string()];
        let svc = |spec: serde_json::Value| -> Service {
            serde_json::from_value(json!({"metadata": {"name": "s"}, "spec": spec})).unwrap()
        };
        assert_eq!(
            desired_ingress(&svc(json!({"type": "LoadBalancer"})), &ips),
            Some(ips.clone())
        );
        assert_eq!(
            desired_ingress(&svc(json!({"type": "ClusterIP"})), &ips),
            Some(vec![])
        );
        assert_eq!(
            desired_ingress(
                &svc(json!({"type": "LoadBalancer", "loadBalancerClass": "example.com/lb"})),
                &ips
            ),
            None
        );
    }
}

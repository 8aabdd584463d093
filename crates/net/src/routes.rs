//! Routes between nodes (host-gateway style): every node reaches each other node's pod CIDR
//! through that node's address, so pods talk across nodes without encapsulation, as
//! flannel's host-gw backend does. Needs the nodes on one L2 network. Routes are tagged with
//! their own routing protocol number, so the ones this agent installed can be told apart from
//! everyone else's and removed when their node goes.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Node;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::Api;

/// The `proto` of the routes this module installs (any unused number 5–255; `ip route` shows
/// it by number).
pub const ROUTE_PROTOCOL: &str = "199";

/// Pod CIDR → the node address it is reached through: every other node with both.
pub fn desired_routes<'a>(
    nodes: impl IntoIterator<Item = &'a Node>,
    this_node: &str,
) -> BTreeMap<String, String> {
    let mut routes = BTreeMap::new();
    for node in nodes {
        if node.metadata.name.as_deref() == Some(this_node) {
            continue;
        }
        let cidr = node.spec.as_ref().and_then(|s| s.pod_cidr.clone());
        let address = node
            .status
            .as_ref()
            .and_then(|s| s.addresses.as_ref())
            .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
            .map(|a| a.address.clone());
        if let (Some(cidr), Some(address)) = (cidr, address) {
            if cidr.contains('.') && address.contains('.') {
                routes.insert(cidr, address);
            }
        }
    }
    routes
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = std::process::Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("running ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Makes the kernel's routes of our protocol equal `want`, given what was installed.
fn apply(installed: &mut BTreeMap<String, String>, want: &BTreeMap<String, String>) {
    for cidr in installed
        .keys()
        .filter(|c| !want.contains_key(*c))
        .cloned()
        .collect::<Vec<_>>()
    {
        match ip(&["route", "del", &cidr, "proto", ROUTE_PROTOCOL]) {
            Ok(()) => {
                installed.remove(&cidr);
                tracing::info!(%cidr, "removed the route to a gone node's pods");
            }
            Err(e) => tracing::warn!(error = %e, "removing a node route failed"),
        }
    }
    for (cidr, via) in want {
        if installed.get(cidr) == Some(via) {
            continue;
        }
        match ip(&[
            "route",
            "replace",
            cidr,
            "via",
            via,
            "proto",
            ROUTE_PROTOCOL,
        ]) {
            Ok(()) => {
                installed.insert(cidr.clone(), via.clone());
                tracing::info!(%cidr, %via, "routing to another node's pods");
            }
            Err(e) => tracing::warn!(error = %e, "adding a node route failed"),
        }
    }
}

/// Keeps the routes to other nodes' pod CIDRs current until dropped. Routes of ours left by
/// an earlier run are flushed first.
pub async fn run(client: kube::Client, this_node: String) {
    if let Err(e) = ip(&["route", "flush", "proto", ROUTE_PROTOCOL]) {
        tracing::debug!(error = %e, "flushing old node routes");
    }
    let mut installed = BTreeMap::new();
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut listing: Option<BTreeMap<String, Node>> = None;
    let mut stream = watcher::watcher(Api::<Node>::all(client), watcher::Config::default())
        .default_backoff()
        .boxed();
    while let Some(event) = stream.next().await {
        let name = |n: &Node| n.metadata.name.clone().unwrap_or_default();
        match event {
            Ok(Event::Init) => {
                listing = Some(BTreeMap::new());
                continue;
            }
            Ok(Event::InitApply(n)) => {
                if let Some(l) = listing.as_mut() {
                    l.insert(name(&n), n);
                }
                continue;
            }
            Ok(Event::InitDone) => nodes = listing.take().unwrap_or_default(),
            Ok(Event::Apply(n)) => {
                nodes.insert(name(&n), n);
            }
            Ok(Event::Delete(n)) => {
                nodes.remove(&name(&n));
            }
            Err(e) => {
                tracing::debug!(error = %e, "node watch failed; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        }
        apply(&mut installed, &desired_routes(nodes.values(), &this_node));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, cidr: Option<&str>, ip: Option<&str>) -> Node {
        let mut v = json!({"metadata": {"name": name}, "spec": {}, "status": {}});
        if let Some(c) = cidr {
            v["spec"]["podCIDR"] = json!(c);
        }
        if let Some(i) = ip {
            v["status"]["addresses"] = json!([{"type": "Hostname", "address": name},
                                              {"type": "InternalIP", "address": i}]);
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn routes_go_to_other_nodes_with_a_cidr_and_address() {
        let nodes = [
            node("a", Some("198.18.1.0/24"), Some("198.18.254.2")),
            node("b", Some("198.18.2.0/24"), Some("198.18.254.3")),
            node("c", None, Some("198.18.254.4")),
            node("d", Some("198.18.4.0/24"), None),
        ];
        let routes = desired_routes(&nodes, "a");
        assert_eq!(
            routes.into_iter().collect::<Vec<_>>(),
            vec![("198.18.2.0/24".to_string(), "198.18.254.3".to_string())]
        );
    }
}

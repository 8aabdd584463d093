//! Each node agent serves cluster DNS on its own bridge gateway; it tells the service proxy so
//! by publishing that address as an EndpointSlice of `kube-system/kube-dns` (a Service without
//! a selector), owned by the Node so it goes when the Node does.

use k8s_openapi::api::core::v1::Node;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Patch, PatchParams};
use kube::Api;
use std::net::Ipv4Addr;

/// The namespace and Service the slices belong to.
pub const NAMESPACE: &str = "kube-system";
pub const SERVICE: &str = "kube-dns";
/// The `endpointslice.kubernetes.io/managed-by` value of these slices, so the EndpointSlice
/// controller leaves them alone.
pub const MANAGED_BY: &str = "rudder-node-agent";

/// The slice advertising `ip` (port 53, UDP and TCP) for `node` (whose UID owns it).
pub fn endpoint_slice(node: &str, node_uid: &str, ip: Ipv4Addr) -> EndpointSlice {
    let port = |name: &str, protocol: &str| EndpointPort {
        name: Some(name.into()),
        port: Some(53),
        protocol: Some(protocol.into()),
        app_protocol: None,
    };
    EndpointSlice {
        metadata: ObjectMeta {
            name: Some(format!("{SERVICE}-{node}")),
            namespace: Some(NAMESPACE.into()),
            labels: Some(
                [
                    ("kubernetes.io/service-name", SERVICE),
                    ("endpointslice.kubernetes.io/managed-by", MANAGED_BY),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ),
            owner_references: Some(vec![OwnerReference {
                api_version: "v1".into(),
                kind: "Node".into(),
                name: node.into(),
                uid: node_uid.into(),
                ..Default::default()
            }]),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: vec![Endpoint {
            addresses: vec![ip.to_string()],
            conditions: Some(EndpointConditions {
                ready: Some(true),
                serving: Some(true),
                terminating: Some(false),
            }),
            node_name: Some(node.into()),
            ..Default::default()
        }],
        ports: Some(vec![port("dns", "UDP"), port("dns-tcp", "TCP")]),
    }
}

/// Publishes (server-side applies) this node's DNS address.
pub async fn publish(client: kube::Client, node: &str, ip: Ipv4Addr) -> Result<(), kube::Error> {
    let uid = Api::<Node>::all(client.clone())
        .get(node)
        .await?
        .metadata
        .uid
        .unwrap_or_default();
    let mut slice = endpoint_slice(node, &uid, ip);
    // Server-side apply needs the type in the body.
    let mut body = serde_json::to_value(&slice).map_err(kube::Error::SerdeError)?;
    body["apiVersion"] = "discovery.k8s.io/v1".into();
    body["kind"] = "EndpointSlice".into();
    let name = slice.metadata.name.take().unwrap_or_default();
    Api::<EndpointSlice>::namespaced(client, NAMESPACE)
        .patch(
            &name,
            &PatchParams::apply(MANAGED_BY).force(),
            &Patch::Apply(body),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_names_the_service_node_and_ports() {
        let s = endpoint_slice("n1", "uid-1", Ipv4Addr::new(198, 18, 0, 1));
        assert_eq!(s.metadata.name.as_deref(), Some("kube-dns-n1"));
        let labels = s.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["kubernetes.io/service-name"], "kube-dns");
        assert_eq!(labels["endpointslice.kubernetes.io/managed-by"], MANAGED_BY);
        assert_eq!(
            s.metadata.owner_references.as_ref().unwrap()[0].uid,
            "uid-1"
        );
        assert_eq!(s.endpoints[0].addresses, ["198.18.0.1"]);
        assert_eq!(s.endpoints[0].node_name.as_deref(), Some("n1"));
        let ports: Vec<(String, String)> = s
            .ports
            .unwrap()
            .into_iter()
            .map(|p| (p.name.unwrap(), p.protocol.unwrap()))
            .collect();
        assert_eq!(
            ports,
            [
                ("dns".into(), "UDP".into()),
                ("dns-tcp".into(), "TCP".into())
            ]
        );
    }
}

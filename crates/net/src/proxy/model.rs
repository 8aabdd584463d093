//! What the service proxy needs from Services and EndpointSlices, extracted into plain values:
//! one [`ServicePort`] per (Service, port), with the endpoints kube-proxy would use for it.
//! No I/O.

use std::collections::BTreeSet;
use std::fmt;
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

/// The label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Kubernetes' default `sessionAffinityConfig.clientIP.timeoutSeconds` (3 hours).
pub const DEFAULT_AFFINITY_TIMEOUT: u32 = 10_800;

/// A transport protocol as nftables names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// `TCP` (the default when unset), `UDP` or `SCTP`; anything else is not proxied.
    pub fn parse(text: Option<&str>) -> Option<Protocol> {
        match text.unwrap_or("TCP") {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// The nftables keyword (`tcp`, `udp`, `sctp`).
    pub fn nft(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

/// Identifies one port of one Service: `namespace/name:port` as kube-proxy logs it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServicePortName {
    pub namespace: String,
    pub name: String,
    /// The port's name; empty for the single unnamed port a Service may have.
    pub port: String,
    pub protocol: Protocol,
}

impl fmt::Display for ServicePortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)?;
        if !self.port.is_empty() {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// One backend of a service port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// Whether the endpoint runs on the node this proxy programs.
    pub local: bool,
}

/// Everything the proxy programs for one port of one Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub name: ServicePortName,
    /// The Service's IPv4 cluster IPs.
    pub cluster_ips: Vec<Ipv4Addr>,
    pub port: u16,
    /// The node port, for `NodePort` and `LoadBalancer` Services.
    pub node_port: Option<u16>,
    /// `spec.externalIPs` and `status.loadBalancer.ingress[].ip`: reached like a node port.
    pub external_ips: Vec<Ipv4Addr>,
    /// `internalTrafficPolicy: Local`: cluster-IP traffic goes to this node's endpoints only.
    pub internal_local: bool,
    /// `externalTrafficPolicy: Local`: node-port and external traffic goes to this node's
    /// endpoints only, without masquerading (the client address is kept).
    pub external_local: bool,
    /// `sessionAffinity: ClientIP`: how long (seconds) a client sticks to its endpoint.
    pub affinity_timeout: Option<u32>,
    /// The endpoints traffic may go to, sorted: the ready ones, or when none is ready the
    /// serving and terminating ones (kube-proxy's fallback).
    pub endpoints: Vec<Endpoint>,
}

impl ServicePort {
    /// Endpoints for cluster-IP traffic.
    pub fn internal_endpoints(&self) -> Vec<Endpoint> {
        self.policy_endpoints(self.internal_local)
    }

    /// Endpoints for node-port and external-IP traffic.
    pub fn external_endpoints(&self) -> Vec<Endpoint> {
        self.policy_endpoints(self.external_local)
    }

    fn policy_endpoints(&self, local_only: bool) -> Vec<Endpoint> {
        self.endpoints
            .iter()
            .filter(|e| !local_only || e.local)
            .cloned()
            .collect()
    }

    /// Whether anything outside the cluster IPs reaches this port.
    pub fn is_external(&self) -> bool {
        self.node_port.is_some() || !self.external_ips.is_empty()
    }
}

/// The Service an EndpointSlice belongs to, from its label.
pub fn slice_service(slice: &EndpointSlice) -> Option<&str> {
    slice
        .metadata
        .labels
        .as_ref()?
        .get(SERVICE_NAME_LABEL)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
}

/// The ports of `svc` that the proxy programs, with their endpoints from `slices` (the
/// EndpointSlices labelled for it). Headless and ExternalName Services, and Services without
/// an IPv4 cluster IP, have none.
pub fn service_ports<'a>(
    svc: &Service,
    slices: impl IntoIterator<Item = &'a EndpointSlice> + Clone,
    node_name: &str,
) -> Vec<ServicePort> {
    let Some(spec) = svc.spec.as_ref() else {
        return Vec::new();
    };
    let namespace = svc.metadata.namespace.clone().unwrap_or_default();
    let Some(name) = svc.metadata.name.clone() else {
        return Vec::new();
    };
    let type_ = spec.type_.as_deref().unwrap_or("ClusterIP");
    if type_ == "ExternalName" {
        return Vec::new();
    }
    let cluster_ips: Vec<Ipv4Addr> = spec
        .cluster_ips
        .iter()
        .flatten()
        .chain(spec.cluster_ip.iter())
        .filter_map(|ip| ip.parse().ok())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if cluster_ips.is_empty() {
        return Vec::new();
    }
    let mut external_ips: BTreeSet<Ipv4Addr> = spec
        .external_ips
        .iter()
        .flatten()
        .filter_map(|ip| ip.parse().ok())
        .collect();
    if type_ == "LoadBalancer" {
        let ingress = svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.as_ref());
        external_ips.extend(
            ingress
                .into_iter()
                .flatten()
                .filter_map(|i| i.ip.as_deref()?.parse::<Ipv4Addr>().ok()),
        );
    }
    let internal_local = spec.internal_traffic_policy.as_deref() == Some("Local");
    let external_local = spec.external_traffic_policy.as_deref() == Some("Local");
    let node_ports = matches!(type_, "NodePort" | "LoadBalancer");
    let affinity_timeout = (spec.session_affinity.as_deref() == Some("ClientIP")).then(|| {
        spec.session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .and_then(|t| u32::try_from(t).ok())
            .filter(|t| *t > 0)
            .unwrap_or(DEFAULT_AFFINITY_TIMEOUT)
    });

    let mut out = Vec::new();
    for port in spec.ports.iter().flatten() {
        let Some(protocol) = Protocol::parse(port.protocol.as_deref()) else {
            continue;
        };
        let Ok(number) = u16::try_from(port.port) else {
            continue;
        };
        let port_name = port.name.clone().unwrap_or_default();
        let node_port = node_ports
            .then_some(port.node_port)
            .flatten()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0);
        out.push(ServicePort {
            name: ServicePortName {
                namespace: namespace.clone(),
                name: name.clone(),
                port: port_name.clone(),
                protocol,
            },
            cluster_ips: cluster_ips.clone(),
            port: number,
            node_port,
            external_ips: external_ips.iter().copied().collect(),
            internal_local,
            external_local,
            affinity_timeout,
            endpoints: port_endpoints(slices.clone(), &port_name, protocol, node_name),
        });
    }
    out
}

/// The endpoints of a named port across slices: ready ones, or serving-and-terminating ones
/// when none is ready.
fn port_endpoints<'a>(
    slices: impl IntoIterator<Item = &'a EndpointSlice>,
    port_name: &str,
    protocol: Protocol,
    node_name: &str,
) -> Vec<Endpoint> {
    let mut ready = BTreeSet::new();
    let mut terminating = BTreeSet::new();
    for slice in slices {
        if slice.address_type != "IPv4" {
            continue;
        }
        let port = slice.ports.iter().flatten().find(|p| {
            p.name.as_deref().unwrap_or("") == port_name
                && Protocol::parse(p.protocol.as_deref()) == Some(protocol)
        });
        let Some(number) = port
            .and_then(|p| p.port)
            .and_then(|p| u16::try_from(p).ok())
        else {
            continue;
        };
        for ep in &slice.endpoints {
            let cond = ep.conditions.clone().unwrap_or_default();
            let is_ready = cond.ready.unwrap_or(true);
            let serving = cond.serving.unwrap_or(is_ready);
            let is_terminating = cond.terminating.unwrap_or(false);
            let local = ep.node_name.as_deref() == Some(node_name);
            for ip in ep.addresses.iter().filter_map(|a| a.parse().ok()) {
                let e = Endpoint {
                    ip,
                    port: number,
                    local,
                };
                if is_ready {
                    ready.insert(e);
                } else if serving && is_terminating {
                    terminating.insert(e);
                }
            }
        }
    }
    let chosen = if ready.is_empty() { terminating } else { ready };
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn svc(v: serde_json::Value) -> Service {
        serde_json::from_value(v).unwrap()
    }

    fn slice(v: serde_json::Value) -> EndpointSlice {
        serde_json::from_value(v).unwrap()
    }

    fn web() -> Service {
        svc(json!({
            "metadata": {"namespace": "default", "name": "web"},
            "spec": {"type": "NodePort", "clusterIP": "198.19.0.20", "clusterIPs": ["198.19.0.20"],
                     "ports": [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080},
                               {"name": "dns", "port": 53, "protocol": "UDP"}]}
        }))
    }

    fn web_slice() -> EndpointSlice {
        slice(json!({
            "metadata": {"namespace": "default", "name": "web-abc",
                         "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                      {"name": "dns", "port": 5353, "protocol": "UDP"}],
            "endpoints": [
                {"addresses": ["198.18.0.6"], "conditions": {"ready": true}, "nodeName": "n1"},
                {"addresses": ["198.18.0.5"], "nodeName": "n2"},
                {"addresses": ["198.18.0.7"], "conditions": {"ready": false}, "nodeName": "n1"},
                {"addresses": ["198.18.0.8"], "conditions": {"ready": false, "serving": true, "terminating": true}}
            ]
        }))
    }

    #[test]
    fn ports_take_ready_endpoints_by_port_name() {
        let s = web_slice();
        let ports = service_ports(&web(), [&s], "n1");
        assert_eq!(ports.len(), 2);
        let http = &ports[0];
        assert_eq!(http.name.to_string(), "default/web:http");
        assert_eq!(http.name.protocol, Protocol::Tcp);
        assert_eq!(http.cluster_ips, vec![Ipv4Addr::new(198, 19, 0, 20)]);
        assert_eq!(http.node_port, Some(30080));
        let eps: Vec<String> = http
            .endpoints
            .iter()
            .map(|e| format!("{}:{}:{}", e.ip, e.port, e.local))
            .collect();
        assert_eq!(eps, ["198.18.0.5:8080:false", "198.18.0.6:8080:true"]);
        let dns = &ports[1];
        assert_eq!(dns.name.protocol, Protocol::Udp);
        assert_eq!(dns.node_port, None);
        assert_eq!(dns.endpoints[0].port, 5353);
    }

    #[test]
    fn terminating_serving_endpoints_are_the_fallback() {
        let s = slice(json!({
            "metadata": {"namespace": "default", "name": "web-abc"},
            "addressType": "IPv4",
            "ports": [{"name": "http", "port": 8080}],
            "endpoints": [
                {"addresses": ["198.18.0.7"], "conditions": {"ready": false}},
                {"addresses": ["198.18.0.8"], "conditions": {"ready": false, "serving": true, "terminating": true}}
            ]
        }));
        let ports = service_ports(&web(), [&s], "n1");
        let ips: Vec<Ipv4Addr> = ports[0].endpoints.iter().map(|e| e.ip).collect();
        assert_eq!(ips, vec![Ipv4Addr::new(198, 18, 0, 8)]);
    }

    #[test]
    fn traffic_policies_pick_local_endpoints() {
        let mut s = web();
        let spec = s.spec.as_mut().unwrap();
        spec.internal_traffic_policy = Some("Local".into());
        spec.external_traffic_policy = Some("Local".into());
        let sl = web_slice();
        let p = &service_ports(&s, [&sl], "n1")[0];
        assert_eq!(p.internal_endpoints().len(), 1);
        assert_eq!(p.external_endpoints().len(), 1);
        assert!(p.external_endpoints()[0].local);
        let p = &service_ports(&web(), [&sl], "n1")[0];
        assert_eq!(p.internal_endpoints().len(), 2);
    }

    #[test]
    fn headless_external_name_and_unallocated_services_are_skipped() {
        for spec in [
            json!({"clusterIP": "None", "ports": [{"port": 80}]}),
            json!({"type": "ExternalName", "externalName": "example.org", "ports": [{"port": 80}]}),
            json!({"ports": [{"port": 80}]}),
        ] {
            let s = svc(json!({"metadata": {"namespace": "a", "name": "b"}, "spec": spec}));
            assert!(service_ports(&s, [], "n1").is_empty());
        }
    }

    #[test]
    fn external_ips_and_load_balancer_ingress() {
        let s = svc(json!({
            "metadata": {"namespace": "a", "name": "lb"},
            "spec": {"type": "LoadBalancer", "clusterIP": "198.19.0.9", "externalIPs": ["198.18.250.1"],
                     "ports": [{"port": 80, "nodePort": 31000}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "198.18.250.2"}, {"hostname": "x"}]}}
        }));
        let p = &service_ports(&s, [], "n1")[0];
        assert_eq!(p.name.to_string(), "a/lb");
        assert_eq!(p.node_port, Some(31000));
        assert_eq!(
            p.external_ips,
            vec![
                Ipv4Addr::new(198, 18, 250, 1),
                Ipv4Addr::new(198, 18, 250, 2)
            ]
        );
        assert!(p.is_external());
        assert!(p.endpoints.is_empty());
    }

    #[test]
    fn client_ip_affinity_timeout() {
        let mut s = web();
        assert_eq!(service_ports(&s, [], "n1")[0].affinity_timeout, None);
        s.spec.as_mut().unwrap().session_affinity = Some("ClientIP".into());
        assert_eq!(
            service_ports(&s, [], "n1")[0].affinity_timeout,
            Some(DEFAULT_AFFINITY_TIMEOUT)
        );
        let mut s: Service = serde_json::from_value(json!({
            "metadata": {"namespace": "default", "name": "web"},
            "spec": {"clusterIP": "198.19.0.20", "sessionAffinity": "ClientIP",
                     "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}},
                     "ports": [{"port": 80}]}
        }))
        .unwrap();
        assert_eq!(service_ports(&s, [], "n1")[0].affinity_timeout, Some(60));
        s.spec.as_mut().unwrap().session_affinity = Some("None".into());
        assert_eq!(service_ports(&s, [], "n1")[0].affinity_timeout, None);
    }

    #[test]
    fn slice_service_label() {
        assert_eq!(slice_service(&web_slice()), Some("web"));
        let s = slice(json!({"metadata": {"name": "x"}, "addressType": "IPv4", "endpoints": []}));
        assert_eq!(slice_service(&s), None);
    }
}

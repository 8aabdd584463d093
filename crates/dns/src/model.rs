//! The parts of Services and EndpointSlices that DNS answers depend on, extracted once so the
//! index never looks at API objects again and can tell cheaply whether an update matters.

use std::collections::BTreeMap;
use std::net::IpAddr;

use hickory_proto::rr::Name;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

/// The label through which an EndpointSlice belongs to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// What a Service resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ServiceKind {
    /// A virtual IP per family (`spec.clusterIPs`); empty while none is allocated.
    ClusterIp(Vec<IpAddr>),
    /// `clusterIP: None`: the service name resolves to its endpoints.
    Headless,
    /// `type: ExternalName`: a CNAME; `None` when `spec.externalName` is not a valid name.
    ExternalName(Option<Name>),
}

/// A port as SRV records name it: `_<name>._<protocol>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PortInfo {
    /// The port's name; empty for an unnamed port (no `_<name>._<proto>` record then).
    pub name: String,
    /// Lower-case protocol label without the underscore: `tcp`, `udp`, `sctp`.
    pub protocol: String,
    pub port: u16,
}

/// The DNS-relevant part of a Service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ServiceInfo {
    pub kind: ServiceKind,
    pub ports: Vec<PortInfo>,
    pub publish_not_ready: bool,
}

/// One endpoint of a slice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EndpointInfo {
    pub addresses: Vec<IpAddr>,
    /// `hostname`, when set and a valid DNS label.
    pub hostname: Option<String>,
    /// `conditions.ready` is not false.
    pub ready: bool,
}

/// The DNS-relevant part of an EndpointSlice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SliceInfo {
    pub endpoints: Vec<EndpointInfo>,
    pub ports: Vec<PortInfo>,
}

/// Identifies an object: (namespace, name).
pub(crate) type Key = (String, String);

/// Namespace and name of an object; objects without a name are ignored.
fn key_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Option<Key> {
    let name = meta.name.clone().filter(|n| !n.is_empty())?;
    let ns = meta
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    Some((ns, name))
}

/// True for a label the index may put into a name: 1–63 of `[a-z0-9_-]`.
pub(crate) fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn protocol_label(protocol: Option<&str>) -> String {
    protocol.unwrap_or("TCP").to_ascii_lowercase()
}

fn port_info(name: Option<&str>, protocol: Option<&str>, port: Option<i32>) -> Option<PortInfo> {
    let port = u16::try_from(port?).ok()?;
    let name = name.unwrap_or_default().to_ascii_lowercase();
    Some(PortInfo {
        name,
        protocol: protocol_label(protocol),
        port,
    })
}

/// Parses an external name (`example.com` or `example.com.`) into a fully qualified name.
fn external_name(text: &str) -> Option<Name> {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() || text.contains('\\') {
        return None;
    }
    let mut name = Name::from_ascii(text).ok()?;
    name.set_fqdn(true);
    Some(name.to_lowercase())
}

/// Extracts the key and DNS view of a Service.
pub(crate) fn service_info(svc: &Service) -> Option<(Key, ServiceInfo)> {
    let key = key_of(&svc.metadata)?;
    let spec = svc.spec.as_ref();
    let ports = spec
        .and_then(|s| s.ports.as_ref())
        .map(|ports| {
            ports
                .iter()
                .filter_map(|p| port_info(p.name.as_deref(), p.protocol.as_deref(), Some(p.port)))
                .collect()
        })
        .unwrap_or_default();
    let kind = if spec.and_then(|s| s.type_.as_deref()) == Some("ExternalName") {
        ServiceKind::ExternalName(
            spec.and_then(|s| s.external_name.as_deref())
                .and_then(external_name),
        )
    } else {
        let mut ips: Vec<&str> = spec
            .and_then(|s| s.cluster_ips.as_ref())
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        if ips.is_empty() {
            ips.extend(spec.and_then(|s| s.cluster_ip.as_deref()));
        }
        if ips
            .first()
            .is_some_and(|ip| ip.eq_ignore_ascii_case("none"))
        {
            ServiceKind::Headless
        } else {
            ServiceKind::ClusterIp(ips.iter().filter_map(|ip| ip.parse().ok()).collect())
        }
    };
    let publish_not_ready = spec
        .and_then(|s| s.publish_not_ready_addresses)
        .unwrap_or(false);
    Some((
        key,
        ServiceInfo {
            kind,
            ports,
            publish_not_ready,
        },
    ))
}

/// Extracts the key of an EndpointSlice, the Service it belongs to (its
/// `kubernetes.io/service-name` label, if any) and its DNS view.
pub(crate) fn slice_info(slice: &EndpointSlice) -> Option<(Key, Option<String>, SliceInfo)> {
    let key = key_of(&slice.metadata)?;
    let service = slice
        .metadata
        .labels
        .as_ref()
        .and_then(|l: &BTreeMap<String, String>| l.get(SERVICE_NAME_LABEL))
        .filter(|s| !s.is_empty())
        .cloned();
    let ip_slice = matches!(slice.address_type.as_str(), "IPv4" | "IPv6");
    let endpoints = if ip_slice {
        slice
            .endpoints
            .iter()
            .map(|ep| EndpointInfo {
                addresses: ep
                    .addresses
                    .iter()
                    .filter_map(|a| a.parse::<IpAddr>().ok())
                    .collect(),
                hostname: ep
                    .hostname
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .filter(|h| is_label(h) && !h.starts_with('_')),
                ready: ep.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true),
            })
            .filter(|ep| !ep.addresses.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let ports = slice
        .ports
        .as_ref()
        .map(|ports| {
            ports
                .iter()
                .filter_map(|p| port_info(p.name.as_deref(), p.protocol.as_deref(), p.port))
                .collect()
        })
        .unwrap_or_default();
    Some((key, service, SliceInfo { endpoints, ports }))
}

//! Records as a resolver sees them: each test builds Services and EndpointSlices, asks a
//! question and checks the sections of the reply.

use std::collections::BTreeMap;
use std::net::IpAddr;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Answer, Records, DEFAULT_TTL, MAX_UDP_PAYLOAD};
use crate::model::SERVICE_NAME_LABEL;

// ---- fixtures -------------------------------------------------------------------------------

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(ns.to_owned()),
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

fn service_ports(ports: &[(&str, &str, i32)]) -> Option<Vec<ServicePort>> {
    Some(
        ports
            .iter()
            .map(|(name, proto, port)| ServicePort {
                name: (!name.is_empty()).then(|| (*name).to_owned()),
                protocol: Some((*proto).to_owned()),
                port: *port,
                ..ServicePort::default()
            })
            .collect(),
    )
}

/// A ClusterIP Service with the given cluster IPs (one per family).
fn cluster_ip(ns: &str, name: &str, ips: &[&str], ports: &[(&str, &str, i32)]) -> Service {
    Service {
        metadata: meta(ns, name),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            cluster_ip: ips.first().map(|ip| (*ip).to_owned()),
            cluster_ips: Some(ips.iter().map(|ip| (*ip).to_owned()).collect()),
            ports: service_ports(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn headless(ns: &str, name: &str, ports: &[(&str, &str, i32)]) -> Service {
    cluster_ip(ns, name, &["None"], ports)
}

fn external(ns: &str, name: &str, target: &str) -> Service {
    Service {
        metadata: meta(ns, name),
        spec: Some(ServiceSpec {
            type_: Some("ExternalName".to_owned()),
            external_name: Some(target.to_owned()),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn endpoint(ip: &str, hostname: Option<&str>, ready: bool) -> Endpoint {
    Endpoint {
        addresses: vec![ip.to_owned()],
        hostname: hostname.map(str::to_owned),
        conditions: Some(EndpointConditions {
            ready: Some(ready),
            ..EndpointConditions::default()
        }),
        ..Endpoint::default()
    }
}

fn slice(
    ns: &str,
    name: &str,
    service: &str,
    endpoints: Vec<Endpoint>,
    ports: &[(&str, &str, i32)],
) -> EndpointSlice {
    let mut metadata = meta(ns, name);
    metadata.labels = Some(BTreeMap::from([(
        SERVICE_NAME_LABEL.to_owned(),
        service.to_owned(),
    )]));
    EndpointSlice {
        metadata,
        address_type: "IPv4".to_owned(),
        endpoints,
        ports: Some(
            ports
                .iter()
                .map(|(name, proto, port)| EndpointPort {
                    name: Some((*name).to_owned()),
                    protocol: Some((*proto).to_owned()),
                    port: Some(*port),
                    ..EndpointPort::default()
                })
                .collect(),
        ),
    }
}

fn records() -> Records {
    Records::new("cluster.local").expect("valid domain")
}

fn name(s: &str) -> Name {
    Name::from_ascii(s).expect("test name")
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn query(qname: &str, qtype: RecordType) -> Message {
    let mut msg = Message::new(4242, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = true;
    msg.queries.push(Query::query(name(qname), qtype));
    msg
}

/// The reply to `request`; fails the test when the query would be forwarded.
fn reply_to(records: &Records, request: &Message) -> Message {
    match records.answer(request) {
        Answer::Reply(msg) => msg,
        Answer::Forward => panic!("expected a reply, got Forward for {:?}", request.queries),
    }
}

fn ask(records: &Records, qname: &str, qtype: RecordType) -> Message {
    reply_to(records, &query(qname, qtype))
}

/// The addresses in a section, sorted.
fn addresses(section: &[Record]) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = section
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// `(port, target)` of every SRV answer, sorted.
fn srv_targets(msg: &Message) -> Vec<(u16, Name)> {
    let mut out: Vec<(u16, Name)> = msg
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::SRV(srv) => Some((srv.port, srv.target.clone())),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

fn ptr_targets(msg: &Message) -> Vec<Name> {
    msg.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::PTR(ptr) => Some(ptr.0.clone()),
            _ => None,
        })
        .collect()
}

fn assert_nxdomain(msg: &Message) {
    assert_eq!(msg.metadata.response_code, ResponseCode::NXDomain);
    assert!(msg.answers.is_empty(), "answers: {:?}", msg.answers);
    assert_soa_authority(msg);
}

fn assert_nodata(msg: &Message) {
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert!(msg.answers.is_empty(), "answers: {:?}", msg.answers);
    assert_soa_authority(msg);
}

fn assert_soa_authority(msg: &Message) {
    assert_eq!(
        msg.authorities.len(),
        1,
        "authorities: {:?}",
        msg.authorities
    );
    let soa = &msg.authorities[0];
    assert_eq!(soa.name, name("cluster.local."));
    assert!(matches!(soa.data, RData::SOA(_)), "not an SOA: {soa:?}");
}

const WEB: &str = "web.default.svc.cluster.local.";
const DB: &str = "db.default.svc.cluster.local.";

/// A headless `db` Service with two ready endpoints (one StatefulSet-style with a hostname)
/// and one not ready.
fn with_headless_db(publish_not_ready: bool) -> Records {
    let mut r = records();
    let mut svc = headless("default", "db", &[("pg", "TCP", 5432)]);
    if let Some(spec) = svc.spec.as_mut() {
        spec.publish_not_ready_addresses = Some(publish_not_ready);
    }
    r.apply_service(&svc);
    r.apply_slice(&slice(
        "default",
        "db-abc",
        "db",
        vec![
            endpoint("198.18.0.4", Some("db-0"), true),
            endpoint("198.18.0.5", None, true),
            endpoint("198.18.0.6", Some("db-2"), false),
        ],
        &[("pg", "TCP", 5432)],
    ));
    r
}

// ---- ClusterIP services ---------------------------------------------------------------------

#[test]
fn cluster_ip_service_resolves_to_its_virtual_ip() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    let msg = ask(&r, WEB, RecordType::A);
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert_eq!(msg.metadata.message_type, MessageType::Response);
    assert_eq!(msg.metadata.id, 4242);
    assert!(msg.metadata.authoritative);
    assert!(msg.metadata.recursion_desired, "RD is echoed");
    assert_eq!(addresses(&msg.answers), vec![ip("198.19.0.30")]);
    assert_eq!(msg.answers[0].name, name(WEB));
    assert_eq!(msg.answers[0].ttl, DEFAULT_TTL);
    assert_eq!(
        msg.queries,
        query(WEB, RecordType::A).queries,
        "question echoed"
    );
    assert!(msg.authorities.is_empty());
}

#[test]
fn lookups_ignore_case_and_echo_the_question_spelling() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    let msg = ask(&r, "WEB.Default.SVC.cluster.local.", RecordType::A);
    assert_eq!(addresses(&msg.answers), vec![ip("198.19.0.30")]);
    assert_eq!(
        msg.answers[0].name.to_ascii(),
        "WEB.Default.SVC.cluster.local."
    );
}

#[test]
fn dual_stack_service_answers_each_family_separately() {
    let mut r = records();
    r.apply_service(&cluster_ip(
        "default",
        "web",
        &["198.19.0.30", "fd00:96::10"],
        &[],
    ));
    let a = ask(&r, WEB, RecordType::A);
    assert_eq!(addresses(&a.answers), vec![ip("198.19.0.30")]);
    let aaaa = ask(&r, WEB, RecordType::AAAA);
    assert_eq!(addresses(&aaaa.answers), vec![ip("fd00:96::10")]);
}

#[test]
fn service_without_an_allocated_ip_exists_but_has_no_address() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &[], &[]));
    assert_nodata(&ask(&r, WEB, RecordType::A));
}

// ---- headless services and endpoint names ----------------------------------------------------

#[test]
fn headless_service_resolves_to_ready_endpoints_only() {
    let r = with_headless_db(false);
    let msg = ask(&r, DB, RecordType::A);
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        addresses(&msg.answers),
        vec![ip("198.18.0.4"), ip("198.18.0.5")]
    );
}

#[test]
fn publish_not_ready_addresses_includes_unready_endpoints() {
    let r = with_headless_db(true);
    let msg = ask(&r, DB, RecordType::A);
    assert_eq!(
        addresses(&msg.answers),
        vec![ip("198.18.0.4"), ip("198.18.0.5"), ip("198.18.0.6")]
    );
    let host = ask(&r, "db-2.db.default.svc.cluster.local.", RecordType::A);
    assert_eq!(addresses(&host.answers), vec![ip("198.18.0.6")]);
}

#[test]
fn endpoints_get_hostname_and_dashed_names() {
    let r = with_headless_db(false);
    let host = ask(&r, "db-0.db.default.svc.cluster.local.", RecordType::A);
    assert_eq!(addresses(&host.answers), vec![ip("198.18.0.4")]);
    let dashed = ask(
        &r,
        "198-18-0-5.db.default.svc.cluster.local.",
        RecordType::A,
    );
    assert_eq!(addresses(&dashed.answers), vec![ip("198.18.0.5")]);
    // An endpoint with a hostname is named only by it, and unready ones not at all.
    assert_nxdomain(&ask(
        &r,
        "198-18-0-4.db.default.svc.cluster.local.",
        RecordType::A,
    ));
    assert_nxdomain(&ask(
        &r,
        "db-2.db.default.svc.cluster.local.",
        RecordType::A,
    ));
}

#[test]
fn slices_arriving_before_their_service_count_once_it_exists() {
    let mut r = records();
    r.apply_slice(&slice(
        "default",
        "db-abc",
        "db",
        vec![endpoint("198.18.0.4", None, true)],
        &[],
    ));
    assert_nxdomain(&ask(&r, DB, RecordType::A));
    r.apply_service(&headless("default", "db", &[]));
    assert_eq!(
        addresses(&ask(&r, DB, RecordType::A).answers),
        vec![ip("198.18.0.4")]
    );
}

#[test]
fn endpoints_of_several_slices_are_merged() {
    let mut r = records();
    r.apply_service(&headless("default", "db", &[]));
    r.apply_slice(&slice(
        "default",
        "db-a",
        "db",
        vec![endpoint("198.18.0.4", None, true)],
        &[],
    ));
    r.apply_slice(&slice(
        "default",
        "db-b",
        "db",
        vec![endpoint("198.18.0.9", None, true)],
        &[],
    ));
    assert_eq!(
        addresses(&ask(&r, DB, RecordType::A).answers),
        vec![ip("198.18.0.4"), ip("198.18.0.9")]
    );
}

#[test]
fn relabelled_slice_moves_to_its_new_service() {
    let mut r = records();
    r.apply_service(&headless("default", "db", &[]));
    r.apply_service(&headless("default", "cache", &[]));
    let eps = vec![endpoint("198.18.0.4", None, true)];
    r.apply_slice(&slice("default", "s", "db", eps.clone(), &[]));
    assert_eq!(addresses(&ask(&r, DB, RecordType::A).answers).len(), 1);
    r.apply_slice(&slice("default", "s", "cache", eps, &[]));
    assert_nodata(&ask(&r, DB, RecordType::A));
    let cache = ask(&r, "cache.default.svc.cluster.local.", RecordType::A);
    assert_eq!(addresses(&cache.answers), vec![ip("198.18.0.4")]);
}

// ---- SRV ------------------------------------------------------------------------------------

#[test]
fn srv_for_named_port_of_headless_service_lists_endpoints_with_addresses() {
    let r = with_headless_db(false);
    let msg = ask(
        &r,
        "_pg._tcp.db.default.svc.cluster.local.",
        RecordType::SRV,
    );
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        srv_targets(&msg),
        vec![
            (5432, name("198-18-0-5.db.default.svc.cluster.local.")),
            (5432, name("db-0.db.default.svc.cluster.local.")),
        ]
    );
    for record in &msg.answers {
        let RData::SRV(srv) = &record.data else {
            panic!("not an SRV: {record:?}");
        };
        assert_eq!((srv.priority, srv.weight), (0, 50));
    }
    assert_eq!(
        addresses(&msg.additionals),
        vec![ip("198.18.0.4"), ip("198.18.0.5")]
    );
    let names: Vec<&Name> = msg.additionals.iter().map(|r| &r.name).collect();
    assert!(names.contains(&&name("db-0.db.default.svc.cluster.local.")));
}

#[test]
fn srv_for_cluster_ip_service_targets_the_service() {
    let mut r = records();
    r.apply_service(&cluster_ip(
        "default",
        "web",
        &["198.19.0.30"],
        &[("http", "TCP", 80), ("dns", "UDP", 53), ("", "TCP", 9000)],
    ));
    let http = ask(
        &r,
        "_http._tcp.web.default.svc.cluster.local.",
        RecordType::SRV,
    );
    assert_eq!(srv_targets(&http), vec![(80, name(WEB))]);
    assert_eq!(addresses(&http.additionals), vec![ip("198.19.0.30")]);
    let dns = ask(
        &r,
        "_dns._udp.web.default.svc.cluster.local.",
        RecordType::SRV,
    );
    assert_eq!(srv_targets(&dns), vec![(53, name(WEB))]);
    // The protocol must match the port's.
    assert_nxdomain(&ask(
        &r,
        "_http._udp.web.default.svc.cluster.local.",
        RecordType::SRV,
    ));
    // SRV at the service name lists every port, the unnamed one included.
    let all = ask(&r, WEB, RecordType::SRV);
    let ports: Vec<u16> = srv_targets(&all).into_iter().map(|(p, _)| p).collect();
    assert_eq!(ports, vec![53, 80, 9000]);
}

#[test]
fn srv_parent_labels_exist_as_empty_names() {
    let r = with_headless_db(false);
    assert_nodata(&ask(
        &r,
        "_tcp.db.default.svc.cluster.local.",
        RecordType::SRV,
    ));
}

// ---- ExternalName ---------------------------------------------------------------------------

#[test]
fn external_name_service_is_a_cname() {
    let mut r = records();
    r.apply_service(&external("default", "ext", "Example.COM."));
    let qname = "ext.default.svc.cluster.local.";
    for qtype in [RecordType::A, RecordType::CNAME, RecordType::AAAA] {
        let msg = ask(&r, qname, qtype);
        assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
        assert_eq!(msg.answers.len(), 1, "{qtype}: {:?}", msg.answers);
        match &msg.answers[0].data {
            RData::CNAME(cname) => assert_eq!(cname.0, name("example.com.")),
            other => panic!("expected a CNAME, got {other:?}"),
        }
    }
}

#[test]
fn external_name_with_invalid_target_has_no_records() {
    let mut r = records();
    r.apply_service(&external("default", "ext", "bad\\name"));
    assert_nodata(&ask(
        &r,
        "ext.default.svc.cluster.local.",
        RecordType::CNAME,
    ));
}

// ---- PTR ------------------------------------------------------------------------------------

#[test]
fn ptr_for_cluster_ip_names_the_service() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    let msg = ask(&r, "30.0.19.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert!(msg.metadata.authoritative);
    assert_eq!(ptr_targets(&msg), vec![name(WEB)]);
    assert_eq!(msg.answers[0].name, name("30.0.19.198.in-addr.arpa."));
}

#[test]
fn ptr_for_endpoints_names_the_endpoint() {
    let r = with_headless_db(false);
    let host = ask(&r, "4.0.18.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(
        ptr_targets(&host),
        vec![name("db-0.db.default.svc.cluster.local.")]
    );
    let dashed = ask(&r, "5.0.18.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(
        ptr_targets(&dashed),
        vec![name("198-18-0-5.db.default.svc.cluster.local.")]
    );
}

#[test]
fn ptr_for_ipv6_cluster_ip() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["fd00::1"], &[]));
    let rev = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.";
    assert_eq!(ptr_targets(&ask(&r, rev, RecordType::PTR)), vec![name(WEB)]);
}

#[test]
fn reverse_names_of_unknown_addresses_are_forwarded() {
    let r = with_headless_db(false);
    let request = query("6.0.18.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(r.answer(&request), Answer::Forward, "unready endpoint");
    let request = query("8.8.8.8.in-addr.arpa.", RecordType::PTR);
    assert_eq!(r.answer(&request), Answer::Forward);
}

// ---- negative answers -----------------------------------------------------------------------

#[test]
fn unknown_names_in_the_zone_are_nxdomain_with_soa() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    for qname in [
        "nope.default.svc.cluster.local.",
        "web.other.svc.cluster.local.",
        "x.web.default.svc.cluster.local.",
        "random.cluster.local.",
    ] {
        let msg = ask(&r, qname, RecordType::A);
        assert_nxdomain(&msg);
        assert!(msg.metadata.authoritative, "{qname}");
    }
}

#[test]
fn existing_names_without_the_type_are_nodata() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    assert_nodata(&ask(&r, WEB, RecordType::AAAA));
    assert_nodata(&ask(&r, WEB, RecordType::TXT));
    assert_nodata(&ask(&r, WEB, RecordType::MX));
    // The namespace and fixed subtrees exist as empty non-terminals.
    assert_nodata(&ask(&r, "default.svc.cluster.local.", RecordType::A));
    assert_nodata(&ask(&r, "svc.cluster.local.", RecordType::A));
}

#[test]
fn namespace_without_services_does_not_exist() {
    let r = records();
    assert_nxdomain(&ask(&r, "default.svc.cluster.local.", RecordType::A));
}

#[test]
fn names_outside_the_zone_are_forwarded() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    for qname in [
        "example.org.",
        "local.",
        "web.default.svc.cluster.local.example.",
    ] {
        let request = query(qname, RecordType::A);
        assert_eq!(r.answer(&request), Answer::Forward, "{qname}");
    }
}

// ---- zone apex and extras -------------------------------------------------------------------

#[test]
fn apex_serves_soa_and_ns() {
    let r = records();
    let soa = ask(&r, "cluster.local.", RecordType::SOA);
    assert_eq!(soa.answers.len(), 1);
    let RData::SOA(data) = &soa.answers[0].data else {
        panic!("not an SOA: {:?}", soa.answers);
    };
    assert_eq!(data.serial, r.serial());
    let ns = ask(&r, "cluster.local.", RecordType::NS);
    assert!(matches!(ns.answers.as_slice(), [rec] if matches!(rec.data, RData::NS(_))));
}

#[test]
fn dns_version_is_served_as_txt() {
    let r = records();
    let msg = ask(&r, "dns-version.cluster.local.", RecordType::TXT);
    assert_eq!(msg.answers.len(), 1);
    assert!(matches!(msg.answers[0].data, RData::TXT(_)));
}

#[test]
fn pod_names_resolve_to_their_dashed_address() {
    let r = records();
    let msg = ask(&r, "198-18-2-3.default.pod.cluster.local.", RecordType::A);
    assert_eq!(addresses(&msg.answers), vec![ip("198.18.2.3")]);
    assert_nxdomain(&ask(
        &r,
        "not-an-ip.default.pod.cluster.local.",
        RecordType::A,
    ));
}

#[test]
fn edns_is_echoed_with_our_payload_size() {
    let mut r = records();
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    let mut request = query(WEB, RecordType::A);
    let mut edns = Edns::new();
    edns.set_max_payload(4096);
    request.edns = Some(edns);
    let msg = reply_to(&r, &request);
    let edns = msg.edns.expect("EDNS echoed");
    assert_eq!(edns.max_payload(), MAX_UDP_PAYLOAD);
    assert!(ask(&r, WEB, RecordType::A).edns.is_none());
}

#[test]
fn unsupported_edns_version_is_badvers() {
    let r = records();
    let mut request = query(WEB, RecordType::A);
    let mut edns = Edns::new();
    edns.set_version(1);
    request.edns = Some(edns);
    assert_eq!(
        reply_to(&r, &request).metadata.response_code,
        ResponseCode::BADVERS
    );
}

#[test]
fn invalid_domain_is_rejected() {
    assert!(Records::new("Cluster Local").is_err());
    assert!(Records::new("").is_err());
    assert!(Records::new("a..b").is_err());
    let r = Records::new("corp.example.").expect("trailing dot is fine");
    assert_eq!(r.domain(), &name("corp.example."));
}

// ---- updates --------------------------------------------------------------------------------

#[test]
fn deleting_a_service_withdraws_its_names() {
    let mut r = records();
    r.apply_service(&cluster_ip(
        "default",
        "web",
        &["198.19.0.30"],
        &[("http", "TCP", 80)],
    ));
    let before = r.serial();
    r.delete_service("default", "web");
    assert_ne!(r.serial(), before, "serial moves on change");
    assert_nxdomain(&ask(&r, WEB, RecordType::A));
    assert_nxdomain(&ask(
        &r,
        "_http._tcp.web.default.svc.cluster.local.",
        RecordType::SRV,
    ));
    assert_nxdomain(&ask(&r, "default.svc.cluster.local.", RecordType::A));
    let request = query("30.0.19.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(r.answer(&request), Answer::Forward);
}

#[test]
fn deleting_a_slice_withdraws_its_endpoints() {
    let mut r = with_headless_db(false);
    r.delete_slice("default", "db-abc");
    assert_nodata(&ask(&r, DB, RecordType::A));
    assert_nxdomain(&ask(
        &r,
        "db-0.db.default.svc.cluster.local.",
        RecordType::A,
    ));
    let request = query("4.0.18.198.in-addr.arpa.", RecordType::PTR);
    assert_eq!(r.answer(&request), Answer::Forward);
}

#[test]
fn updating_a_slice_replaces_its_endpoints() {
    let mut r = with_headless_db(false);
    r.apply_slice(&slice(
        "default",
        "db-abc",
        "db",
        vec![endpoint("198.18.0.7", Some("db-0"), true)],
        &[],
    ));
    let host = ask(&r, "db-0.db.default.svc.cluster.local.", RecordType::A);
    assert_eq!(addresses(&host.answers), vec![ip("198.18.0.7")]);
    assert_eq!(
        addresses(&ask(&r, DB, RecordType::A).answers),
        vec![ip("198.18.0.7")]
    );
}

#[test]
fn unchanged_apply_keeps_the_serial() {
    let mut r = records();
    let svc = cluster_ip("default", "web", &["198.19.0.30"], &[]);
    r.apply_service(&svc);
    let serial = r.serial();
    r.apply_service(&svc);
    assert_eq!(r.serial(), serial);
}

#[test]
fn relist_drops_vanished_objects_and_keeps_the_rest() {
    let mut r = with_headless_db(false);
    r.apply_service(&cluster_ip("default", "web", &["198.19.0.30"], &[]));
    r.apply_service(&cluster_ip("other", "api", &["198.19.0.20"], &[]));
    let web = cluster_ip("default", "web", &["198.19.0.30"], &[]);
    let db = headless("default", "db", &[("pg", "TCP", 5432)]);
    r.replace_all([&web, &db], std::iter::empty());
    assert_eq!(
        addresses(&ask(&r, WEB, RecordType::A).answers),
        vec![ip("198.19.0.30")]
    );
    assert_nxdomain(&ask(&r, "api.other.svc.cluster.local.", RecordType::A));
    // The slice vanished too, so the headless service has no addresses left.
    assert_nodata(&ask(&r, DB, RecordType::A));
}

#[test]
fn relist_applies_new_objects() {
    let mut r = records();
    let db = headless("default", "db", &[]);
    let s = slice(
        "default",
        "db-abc",
        "db",
        vec![endpoint("198.18.0.4", None, true)],
        &[],
    );
    r.replace_all([&db], [&s]);
    assert_eq!(
        addresses(&ask(&r, DB, RecordType::A).answers),
        vec![ip("198.18.0.4")]
    );
}

// ---- malformed queries ----------------------------------------------------------------------

#[test]
fn query_without_question_is_formerr() {
    let r = records();
    let request = Message::new(7, MessageType::Query, OpCode::Query);
    let msg = reply_to(&r, &request);
    assert_eq!(msg.metadata.response_code, ResponseCode::FormErr);
    assert_eq!(msg.metadata.id, 7);
    assert_eq!(msg.metadata.message_type, MessageType::Response);
}

#[test]
fn query_with_two_questions_is_formerr() {
    let r = records();
    let mut request = query(WEB, RecordType::A);
    request
        .queries
        .push(Query::query(name("example.org."), RecordType::A));
    let msg = reply_to(&r, &request);
    assert_eq!(msg.metadata.response_code, ResponseCode::FormErr);
    assert!(msg.queries.is_empty());
}

#[test]
fn responses_and_other_opcodes_are_refused_politely() {
    let r = records();
    let mut response = query(WEB, RecordType::A);
    response.metadata.message_type = MessageType::Response;
    assert_eq!(
        reply_to(&r, &response).metadata.response_code,
        ResponseCode::FormErr
    );
    let mut update = query(WEB, RecordType::A);
    update.metadata.op_code = OpCode::Update;
    assert_eq!(
        reply_to(&r, &update).metadata.response_code,
        ResponseCode::NotImp
    );
}

#[test]
fn zone_transfers_are_not_implemented() {
    let r = records();
    assert_eq!(
        ask(&r, "cluster.local.", RecordType::AXFR)
            .metadata
            .response_code,
        ResponseCode::NotImp
    );
}

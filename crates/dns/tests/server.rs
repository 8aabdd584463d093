//! The server over real sockets on 127.0.0.1: cluster answers over UDP and TCP, forwarding to
//! a fake upstream (also on 127.0.0.1), SERVFAIL when upstreams are gone, truncation, and
//! broken packets. No traffic leaves the loopback network.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use dns::{serve, DnsConfig, DnsHandle, Records};
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{Name, RData, Record, RecordType};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// What the fake upstream answers for every A question.
const UPSTREAM_ANSWER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 7);

const WAIT: Duration = Duration::from_secs(5);

fn loopback() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

// ---- cluster objects ------------------------------------------------------------------------

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        namespace: Some(ns.to_owned()),
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

fn service(ns: &str, name: &str, cluster_ip: &str) -> Service {
    Service {
        metadata: meta(ns, name),
        spec: Some(ServiceSpec {
            cluster_ip: Some(cluster_ip.to_owned()),
            cluster_ips: Some(vec![cluster_ip.to_owned()]),
            ports: Some(vec![ServicePort {
                name: Some("http".to_owned()),
                protocol: Some("TCP".to_owned()),
                port: 80,
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn slice(ns: &str, name: &str, svc: &str, ips: &[String]) -> EndpointSlice {
    let mut metadata = meta(ns, name);
    metadata.labels = Some(BTreeMap::from([(
        "kubernetes.io/service-name".to_owned(),
        svc.to_owned(),
    )]));
    EndpointSlice {
        metadata,
        address_type: "IPv4".to_owned(),
        endpoints: ips
            .iter()
            .map(|ip| Endpoint {
                addresses: vec![ip.clone()],
                conditions: Some(EndpointConditions {
                    ready: Some(true),
                    ..EndpointConditions::default()
                }),
                ..Endpoint::default()
            })
            .collect(),
        ports: None,
    }
}

/// `web` (ClusterIP 198.19.0.30) and headless `many` with 100 endpoints.
fn cluster_records() -> Arc<RwLock<Records>> {
    let mut records = Records::new("cluster.local").expect("domain");
    records.apply_service(&service("default", "web", "198.19.0.30"));
    records.apply_service(&service("default", "many", "None"));
    let ips: Vec<String> = (1..=100).map(|i| format!("10.1.0.{i}")).collect();
    records.apply_slice(&slice("default", "many-1", "many", &ips));
    records.apply_slice(&slice(
        "default",
        "web-1",
        "web",
        &["198.18.1.1".to_owned()],
    ));
    Arc::new(RwLock::new(records))
}

async fn start(upstreams: Vec<SocketAddr>) -> DnsHandle {
    let config = DnsConfig {
        domain: "cluster.local".to_owned(),
        listen: vec![loopback()],
        upstreams,
    };
    serve(&config, cluster_records())
        .await
        .expect("server binds")
}

// ---- clients --------------------------------------------------------------------------------

fn query(id: u16, qname: &str, qtype: RecordType, edns: Option<u16>) -> Message {
    let mut msg = Message::new(id, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = true;
    let name = Name::from_ascii(qname).expect("name");
    msg.queries.push(Query::query(name, qtype));
    msg.edns = edns.map(|payload| {
        let mut edns = Edns::new();
        edns.set_max_payload(payload);
        edns
    });
    msg
}

/// Sends raw bytes over UDP; the raw reply, or `None` after `wait`.
async fn udp_raw(server: SocketAddr, packet: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let socket = UdpSocket::bind(loopback()).await.expect("client socket");
    socket.connect(server).await.expect("connect");
    socket.send(packet).await.expect("send");
    let mut buf = vec![0u8; 65535];
    let len = timeout(wait, socket.recv(&mut buf)).await.ok()?.ok()?;
    buf.truncate(len);
    Some(buf)
}

async fn udp(server: SocketAddr, request: &Message) -> (Message, usize) {
    let packet = request.to_vec().expect("encode");
    let reply = udp_raw(server, &packet, WAIT).await.expect("UDP reply");
    let msg = Message::from_vec(&reply).expect("decode reply");
    assert_eq!(msg.metadata.id, request.metadata.id);
    (msg, reply.len())
}

async fn tcp_send(stream: &mut TcpStream, request: &Message) -> Message {
    let packet = request.to_vec().expect("encode");
    let len = u16::try_from(packet.len()).expect("fits");
    stream.write_all(&len.to_be_bytes()).await.expect("write");
    stream.write_all(&packet).await.expect("write");
    let mut len = [0u8; 2];
    timeout(WAIT, stream.read_exact(&mut len))
        .await
        .expect("TCP reply in time")
        .expect("read");
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut reply).await.expect("read");
    let msg = Message::from_vec(&reply).expect("decode reply");
    assert_eq!(msg.metadata.id, request.metadata.id);
    msg
}

async fn tcp(server: SocketAddr, request: &Message) -> Message {
    let mut stream = TcpStream::connect(server).await.expect("connect");
    tcp_send(&mut stream, request).await
}

fn a_records(msg: &Message) -> Vec<Ipv4Addr> {
    addresses(&msg.answers)
}

fn addresses(section: &[Record]) -> Vec<Ipv4Addr> {
    let mut out: Vec<Ipv4Addr> = section
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(a.0),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

// ---- a fake upstream ------------------------------------------------------------------------

/// A resolver on 127.0.0.1 that answers every A question with [`UPSTREAM_ANSWER`] (over UDP
/// and TCP on one port) and counts the queries it gets. With `truncate_udp` its UDP replies
/// carry only the TC bit.
struct Upstream {
    addr: SocketAddr,
    queries: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn upstream_reply(packet: &[u8], truncate: bool) -> Option<Vec<u8>> {
    let request = Message::from_vec(packet).ok()?;
    let mut reply = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.queries = request.queries.clone();
    if truncate {
        reply.metadata.truncation = true;
    } else {
        for q in &request.queries {
            if q.query_type() == RecordType::A {
                let rdata = RData::A(A(UPSTREAM_ANSWER));
                reply
                    .answers
                    .push(Record::from_rdata(q.name().clone(), 60, rdata));
            }
        }
    }
    reply.to_vec().ok()
}

async fn upstream(truncate_udp: bool) -> Upstream {
    let (udp, tcp) = loop {
        let udp = UdpSocket::bind(loopback()).await.expect("upstream UDP");
        let addr = udp.local_addr().expect("addr");
        if let Ok(tcp) = TcpListener::bind(addr).await {
            break (udp, tcp);
        }
    };
    let addr = udp.local_addr().expect("addr");
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&queries);
    let udp_task = tokio::spawn(async move {
        let mut buf = vec![0u8; 65535];
        while let Ok((len, peer)) = udp.recv_from(&mut buf).await {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Some(reply) = upstream_reply(&buf[..len], truncate_udp) {
                let _ = udp.send_to(&reply, peer).await;
            }
        }
    });
    let counter = Arc::clone(&queries);
    let tcp_task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = tcp.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut len = [0u8; 2];
            if stream.read_exact(&mut len).await.is_err() {
                continue;
            }
            let mut packet = vec![0u8; usize::from(u16::from_be_bytes(len))];
            if stream.read_exact(&mut packet).await.is_err() {
                continue;
            }
            if let Some(reply) = upstream_reply(&packet, false) {
                let len = u16::try_from(reply.len()).expect("fits");
                let _ = stream.write_all(&len.to_be_bytes()).await;
                let _ = stream.write_all(&reply).await;
            }
        }
    });
    Upstream {
        addr,
        queries,
        tasks: vec![udp_task, tcp_task],
    }
}

/// A loopback port with nothing behind it.
async fn closed_port() -> SocketAddr {
    let socket = UdpSocket::bind(loopback()).await.expect("bind");
    socket.local_addr().expect("addr")
}

// ---- tests ----------------------------------------------------------------------------------

#[tokio::test]
async fn udp_answers_cluster_names() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];
    assert_eq!(server.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(server.port(), 0);

    let (msg, _) = udp(
        server,
        &query(1, "web.default.svc.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert!(msg.metadata.authoritative);
    assert_eq!(a_records(&msg), vec![Ipv4Addr::new(198, 19, 0, 30)]);

    let (srv, _) = udp(
        server,
        &query(
            2,
            "_http._tcp.web.default.svc.cluster.local.",
            RecordType::SRV,
            Some(1232),
        ),
    )
    .await;
    assert_eq!(srv.answers.len(), 1);
    assert!(matches!(&srv.answers[0].data, RData::SRV(s) if s.port == 80));
    assert_eq!(
        addresses(&srv.additionals),
        vec![Ipv4Addr::new(198, 19, 0, 30)]
    );

    let (nx, _) = udp(
        server,
        &query(3, "nope.default.svc.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);
    assert!(matches!(nx.authorities.as_slice(), [soa] if soa.record_type() == RecordType::SOA));
}

#[tokio::test]
async fn tcp_answers_several_queries_per_connection() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];
    let mut stream = TcpStream::connect(server).await.expect("connect");
    let web = tcp_send(
        &mut stream,
        &query(10, "web.default.svc.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(a_records(&web), vec![Ipv4Addr::new(198, 19, 0, 30)]);
    let ptr = tcp_send(
        &mut stream,
        &query(11, "30.0.19.198.in-addr.arpa.", RecordType::PTR, None),
    )
    .await;
    assert!(
        matches!(&ptr.answers[..], [r] if matches!(&r.data, RData::PTR(p) if p.0 == Name::from_ascii("web.default.svc.cluster.local.").unwrap()))
    );
    let nx = tcp_send(
        &mut stream,
        &query(12, "nope.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);
}

#[tokio::test]
async fn large_udp_answers_are_truncated_and_complete_over_tcp() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];
    let name = "many.default.svc.cluster.local.";

    let (plain, len) = udp(server, &query(20, name, RecordType::A, None)).await;
    assert!(plain.metadata.truncation, "100 A records exceed 512 bytes");
    assert!(len <= 512, "{len} bytes");
    assert!(plain.answers.is_empty());

    let (edns, len) = udp(server, &query(21, name, RecordType::A, Some(4096))).await;
    assert!(
        edns.metadata.truncation,
        "100 A records exceed 1232 bytes too"
    );
    assert!(len <= 1232, "{len} bytes");

    let full = tcp(server, &query(22, name, RecordType::A, None)).await;
    assert!(!full.metadata.truncation);
    assert_eq!(a_records(&full).len(), 100);
}

#[tokio::test]
async fn updates_to_records_are_served_at_once() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];
    let name = "late.default.svc.cluster.local.";
    let (before, _) = udp(server, &query(30, name, RecordType::A, None)).await;
    assert_eq!(before.metadata.response_code, ResponseCode::NXDomain);
    dns.records()
        .write()
        .expect("lock")
        .apply_service(&service("default", "late", "198.19.0.99"));
    let (after, _) = udp(server, &query(31, name, RecordType::A, None)).await;
    assert_eq!(a_records(&after), vec![Ipv4Addr::new(198, 19, 0, 99)]);
}

#[tokio::test]
async fn other_names_are_forwarded_over_the_clients_transport() {
    let up = upstream(false).await;
    let dns = start(vec![up.addr]).await;
    let server = dns.local_addrs()[0];

    let (msg, _) = udp(server, &query(40, "example.org.", RecordType::A, None)).await;
    assert_eq!(msg.metadata.response_code, ResponseCode::NoError);
    assert_eq!(a_records(&msg), vec![UPSTREAM_ANSWER]);
    assert_eq!(
        msg.queries[0].name(),
        &Name::from_ascii("example.org.").unwrap()
    );

    let over_tcp = tcp(server, &query(41, "example.org.", RecordType::A, None)).await;
    assert_eq!(a_records(&over_tcp), vec![UPSTREAM_ANSWER]);
    assert_eq!(up.queries.load(Ordering::SeqCst), 2);

    // Cluster names never reach the upstream.
    let (_, _) = udp(
        server,
        &query(42, "web.default.svc.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(up.queries.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn truncated_upstream_answers_are_retried_over_tcp() {
    let up = upstream(true).await;
    let dns = start(vec![up.addr]).await;
    let server = dns.local_addrs()[0];
    let (msg, _) = udp(server, &query(50, "example.org.", RecordType::A, None)).await;
    assert!(!msg.metadata.truncation);
    assert_eq!(a_records(&msg), vec![UPSTREAM_ANSWER]);
    assert_eq!(up.queries.load(Ordering::SeqCst), 2, "one UDP, one TCP");
}

#[tokio::test]
async fn upstreams_are_tried_in_order() {
    let dead = closed_port().await;
    let up = upstream(false).await;
    let dns = start(vec![dead, up.addr]).await;
    let server = dns.local_addrs()[0];
    let (msg, _) = udp(server, &query(60, "example.org.", RecordType::A, None)).await;
    assert_eq!(a_records(&msg), vec![UPSTREAM_ANSWER]);
}

#[tokio::test]
async fn servfail_when_no_upstream_answers() {
    let dns = start(vec![closed_port().await]).await;
    let server = dns.local_addrs()[0];
    let (msg, _) = udp(
        server,
        &query(70, "example.org.", RecordType::A, Some(1232)),
    )
    .await;
    assert_eq!(msg.metadata.response_code, ResponseCode::ServFail);
    assert!(msg.answers.is_empty());
    assert!(msg.edns.is_some(), "EDNS echoed");
    let over_tcp = tcp(server, &query(71, "example.org.", RecordType::A, None)).await;
    assert_eq!(over_tcp.metadata.response_code, ResponseCode::ServFail);

    let none = start(Vec::new()).await;
    let (msg, _) = udp(
        none.local_addrs()[0],
        &query(72, "example.org.", RecordType::A, None),
    )
    .await;
    assert_eq!(msg.metadata.response_code, ResponseCode::ServFail);
}

#[tokio::test]
async fn broken_packets_get_formerr_or_nothing() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];

    // A header that promises a question which is not there.
    let header = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    let reply = udp_raw(server, &header, WAIT).await.expect("FormErr reply");
    let msg = Message::from_vec(&reply).expect("decode");
    assert_eq!(msg.metadata.id, 0x1234);
    assert_eq!(msg.metadata.response_code, ResponseCode::FormErr);

    // Too short for a header, and a response: no reply.
    let short = Duration::from_millis(300);
    assert_eq!(udp_raw(server, &[1, 2, 3], short).await, None);
    let response = query(80, "web.default.svc.cluster.local.", RecordType::A, None);
    let mut response = response.to_vec().expect("encode");
    response[2] |= 0x80;
    assert_eq!(udp_raw(server, &response, short).await, None);

    // Two questions: FormErr from the zone logic.
    let mut two = query(81, "web.default.svc.cluster.local.", RecordType::A, None);
    two.queries.push(two.queries[0].clone());
    let (msg, _) = udp(server, &two).await;
    assert_eq!(msg.metadata.response_code, ResponseCode::FormErr);

    // The server is still fine, over TCP too after a zero-length frame.
    let mut stream = TcpStream::connect(server).await.expect("connect");
    stream.write_all(&[0, 0]).await.expect("write");
    let msg = tcp_send(
        &mut stream,
        &query(82, "web.default.svc.cluster.local.", RecordType::A, None),
    )
    .await;
    assert_eq!(a_records(&msg), vec![Ipv4Addr::new(198, 19, 0, 30)]);
}

#[tokio::test]
async fn shutdown_releases_the_ports() {
    let dns = start(Vec::new()).await;
    let server = dns.local_addrs()[0];
    dns.shutdown().await;
    UdpSocket::bind(server).await.expect("UDP port free again");
    TcpListener::bind(server)
        .await
        .expect("TCP port free again");
}

#[tokio::test]
async fn forwarding_to_itself_is_refused() {
    // Listening on a fixed port lets the config name the server as its own upstream.
    let port = closed_port().await.port();
    let own = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let config = DnsConfig {
        domain: "cluster.local".to_owned(),
        listen: vec![own],
        upstreams: vec![own],
    };
    let dns = serve(&config, cluster_records()).await.expect("binds");
    let (msg, _) = udp(
        dns.local_addrs()[0],
        &query(90, "example.org.", RecordType::A, None),
    )
    .await;
    assert_eq!(msg.metadata.response_code, ResponseCode::ServFail);
}

//! The DNS server's sockets: UDP and TCP on each listen address, answering from the shared
//! [`Records`] and relaying everything else to the upstream resolvers.
//!
//! Listen sockets are bound with `IP_FREEBIND` so the server can take the node's pod-bridge
//! gateway address before the bridge exists (the network setup creates it later, and pods
//! only start after that). Cluster answers are computed inline under a short read lock; only
//! forwarded queries get a task of their own, and there are at most [`MAX_FORWARDS`] of those
//! per UDP socket and [`MAX_TCP_CONNECTIONS`] connections per TCP listener, so a flood costs a
//! bounded amount of memory.

use std::io;
use std::net::{IpAddr, SocketAddr, SocketAddrV6};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinSet;
use tokio::time::timeout;

use crate::forward::Forwarder;
use crate::records::{Answer, Records};
use crate::wire;

/// Forwarded UDP queries in flight per socket; beyond that a query gets SERVFAIL at once.
pub const MAX_FORWARDS: usize = 512;

/// Open TCP connections per listener; beyond that new connections are closed at once.
pub const MAX_TCP_CONNECTIONS: usize = 128;

/// A TCP connection with no complete query for this long is closed.
pub const TCP_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the server listens and where it sends what is not the cluster's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsConfig {
    /// The cluster domain, e.g. `cluster.local`.
    pub domain: String,
    /// Each address is served over UDP and TCP. Port 0 picks a free port (the same one for
    /// both transports); [`crate::DnsHandle::local_addrs`] reports it.
    pub listen: Vec<SocketAddr>,
    /// Resolvers for other names, tried in order; see [`host_upstreams`].
    pub upstreams: Vec<SocketAddr>,
}

/// The resolvers of a `resolv.conf`: each `nameserver` line's address on port 53, in file
/// order, without duplicates. Lines that do not parse are skipped, as the C library does; an
/// IPv6 zone (`fe80::1%2`) is kept only when numeric, since interface names need a lookup.
pub fn host_upstreams(resolv_conf_text: &str) -> Vec<SocketAddr> {
    let mut out: Vec<SocketAddr> = Vec::new();
    for line in resolv_conf_text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            continue;
        }
        let Some(addr) = words.next().and_then(nameserver_addr) else {
            continue;
        };
        if !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

fn nameserver_addr(text: &str) -> Option<SocketAddr> {
    let (ip, zone) = match text.split_once('%') {
        Some((ip, zone)) => (ip, Some(zone.parse::<u32>().ok()?)),
        None => (text, None),
    };
    match (ip.parse::<IpAddr>().ok()?, zone) {
        (IpAddr::V6(v6), Some(scope)) => Some(SocketAddrV6::new(v6, 53, 0, scope).into()),
        (_, Some(_)) => None,
        (ip, None) => Some(SocketAddr::new(ip, 53)),
    }
}

/// What the server does with one packet, decided without waiting on anything.
enum Step {
    /// Send these bytes back.
    Reply(Vec<u8>),
    /// Say nothing (not a query, or not even a header).
    Drop,
    /// Relay to the upstreams; the decoded query and the reply's size limit come along.
    Forward(Box<Message>, usize),
}

/// The transport a query came over, which bounds the size of its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Udp,
    Tcp,
}

/// Answers packets: shared by every socket of a server.
pub(crate) struct Handler {
    records: Arc<RwLock<Records>>,
    forwarder: Forwarder,
}

impl Handler {
    pub(crate) fn new(records: Arc<RwLock<Records>>, upstreams: Vec<SocketAddr>) -> Self {
        Self {
            records,
            forwarder: Forwarder::new(upstreams),
        }
    }

    /// Decodes and answers `packet` from the zone, or says it must be forwarded.
    fn local(&self, packet: &[u8], transport: Transport) -> Step {
        let request = match Message::from_vec(packet) {
            Ok(request) => request,
            Err(error) => {
                tracing::debug!(%error, "undecodable DNS packet");
                return wire::formerr_from_header(packet).map_or(Step::Drop, Step::Reply);
            }
        };
        if request.metadata.message_type != MessageType::Query {
            return Step::Drop;
        }
        let limit = match transport {
            Transport::Udp => wire::udp_limit(&request),
            Transport::Tcp => wire::TCP_LIMIT,
        };
        let answer = {
            let records = self.records.read().unwrap_or_else(PoisonError::into_inner);
            records.answer(&request)
        };
        match answer {
            Answer::Reply(reply) => {
                wire::encode(&reply, &request, limit).map_or(Step::Drop, Step::Reply)
            }
            Answer::Forward => Step::Forward(Box::new(request), limit),
        }
    }

    /// Relays `packet` upstream; SERVFAIL when no upstream answers.
    async fn forward(&self, packet: &[u8], request: &Message, limit: usize) -> Option<Vec<u8>> {
        match self.forwarder.forward(packet, request).await {
            Some(reply) => wire::fit_relayed(reply, request, limit),
            None => self.servfail(request, limit),
        }
    }

    fn servfail(&self, request: &Message, limit: usize) -> Option<Vec<u8>> {
        wire::encode(&wire::servfail(request), request, limit)
    }
}

/// Sets the options every listen socket gets, then binds it.
fn bind_socket(socket: &Socket, addr: SocketAddr) -> io::Result<()> {
    if addr.is_ipv6() {
        // `[::]` must not also claim the IPv4 wildcard: that is a separate listen address.
        socket.set_only_v6(true)?;
    }
    set_freebind(socket, addr);
    socket.bind(&addr.into())?;
    socket.set_nonblocking(true)
}

/// `IP_FREEBIND`: binding an address no interface has yet. Best effort; without it binding
/// such an address fails, which the caller reports.
#[cfg(target_os = "linux")]
fn set_freebind(socket: &Socket, addr: SocketAddr) {
    let result = match addr {
        SocketAddr::V4(_) => socket.set_freebind_v4(true),
        SocketAddr::V6(_) => socket.set_freebind_v6(true),
    };
    if let Err(error) = result {
        tracing::debug!(%addr, %error, "IP_FREEBIND not available");
    }
}

#[cfg(not(target_os = "linux"))]
fn set_freebind(_socket: &Socket, _addr: SocketAddr) {}

/// A UDP socket on `addr`. No `SO_REUSEADDR`: on Linux that would let a second server bind
/// the same UDP port and silently take part of the traffic, and UDP has no TIME_WAIT to wait
/// out after a restart.
pub(crate) fn bind_udp(addr: SocketAddr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    bind_socket(&socket, addr)?;
    UdpSocket::from_std(socket.into())
}

/// A TCP listener on `addr`, with `SO_REUSEADDR` so a restart need not wait for the previous
/// run's connections to leave TIME_WAIT.
pub(crate) fn bind_tcp(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    bind_socket(&socket, addr)?;
    socket.listen(1024)?;
    TcpListener::from_std(socket.into())
}

/// Binds UDP and TCP on `addr`. With port 0 the TCP listener takes the port the kernel gave
/// the UDP socket, retrying with a new one when that port is taken for TCP.
pub(crate) fn bind_pair(addr: SocketAddr) -> io::Result<(UdpSocket, TcpListener)> {
    const ATTEMPTS: usize = 16;
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        let udp = bind_udp(addr)?;
        let bound = udp.local_addr()?;
        match bind_tcp(bound) {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(error) if addr.port() == 0 && error.kind() == io::ErrorKind::AddrInUse => {
                last_error = Some(error);
            }
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

/// Serves one UDP socket until the task is aborted; aborting also ends its forwards.
pub(crate) async fn serve_udp(socket: UdpSocket, handler: Arc<Handler>) {
    let socket = Arc::new(socket);
    let mut forwards = JoinSet::new();
    let mut buf = vec![0u8; usize::from(u16::MAX)];
    loop {
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                let (len, peer) = match received {
                    Ok(received) => received,
                    Err(error) => {
                        // ICMP errors from earlier sends surface here; nothing is lost.
                        tracing::debug!(%error, "UDP receive failed");
                        continue;
                    }
                };
                let packet = buf.get(..len).unwrap_or_default();
                handle_udp(&socket, &handler, &mut forwards, packet, peer).await;
            }
            Some(_) = forwards.join_next(), if !forwards.is_empty() => {}
        }
    }
}

async fn handle_udp(
    socket: &Arc<UdpSocket>,
    handler: &Arc<Handler>,
    forwards: &mut JoinSet<()>,
    packet: &[u8],
    peer: SocketAddr,
) {
    let (request, limit) = match handler.local(packet, Transport::Udp) {
        Step::Drop => return,
        Step::Reply(bytes) => return send_udp(socket, &bytes, peer).await,
        Step::Forward(request, limit) => (request, limit),
    };
    if forwards.len() >= MAX_FORWARDS {
        tracing::debug!(%peer, "too many forwarded queries in flight");
        if let Some(bytes) = handler.servfail(&request, limit) {
            send_udp(socket, &bytes, peer).await;
        }
        return;
    }
    let (socket, handler, packet) = (Arc::clone(socket), Arc::clone(handler), packet.to_vec());
    forwards.spawn(async move {
        if let Some(bytes) = handler.forward(&packet, &request, limit).await {
            send_udp(&socket, &bytes, peer).await;
        }
    });
}

async fn send_udp(socket: &UdpSocket, bytes: &[u8], peer: SocketAddr) {
    if let Err(error) = socket.send_to(bytes, peer).await {
        tracing::debug!(%peer, %error, "UDP send failed");
    }
}

/// Serves one TCP listener until the task is aborted; aborting also closes its connections.
pub(crate) async fn serve_tcp(listener: TcpListener, handler: Arc<Handler>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if connections.len() >= MAX_TCP_CONNECTIONS {
                        tracing::debug!(%peer, "too many DNS TCP connections; closing");
                        continue;
                    }
                    connections.spawn(serve_connection(stream, Arc::clone(&handler)));
                }
                Err(error) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!(%error, "DNS TCP accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Length-prefixed queries, answered in order, until the client closes or goes idle.
async fn serve_connection(mut stream: TcpStream, handler: Arc<Handler>) {
    let _ = stream.set_nodelay(true);
    loop {
        let mut len = [0u8; 2];
        match timeout(TCP_IDLE_TIMEOUT, stream.read_exact(&mut len)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let mut packet = vec![0u8; usize::from(u16::from_be_bytes(len))];
        match timeout(TCP_IDLE_TIMEOUT, stream.read_exact(&mut packet)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let reply = match handler.local(&packet, Transport::Tcp) {
            Step::Reply(bytes) => Some(bytes),
            Step::Drop => None,
            Step::Forward(request, limit) => handler.forward(&packet, &request, limit).await,
        };
        let Some(reply) = reply else {
            continue;
        };
        let Ok(len) = u16::try_from(reply.len()) else {
            continue;
        };
        let mut framed = Vec::with_capacity(reply.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(&reply);
        match timeout(TCP_IDLE_TIMEOUT, stream.write_all(&framed)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_upstreams_reads_nameserver_lines() {
        let text = "\
# generated
search example.internal
nameserver 198.18.100.2
nameserver   2001:db8::53   # trailing comment
nameserver fe80::1%2
nameserver fe80::1%eth0
nameserver not-an-ip
nameserver
;nameserver 198.18.99.9
options ndots:5
nameserver 198.18.100.2
nameserver 127.0.0.53
";
        let expected: Vec<SocketAddr> = vec![
            "198.18.100.2:53".parse().unwrap(),
            "[2001:db8::53]:53".parse().unwrap(),
            SocketAddrV6::new("fe80::1".parse().unwrap(), 53, 0, 2).into(),
            "127.0.0.53:53".parse().unwrap(),
        ];
        assert_eq!(host_upstreams(text), expected);
        assert!(host_upstreams("").is_empty());
    }
}

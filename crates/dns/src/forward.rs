//! Relaying queries for names outside the cluster to the host's resolvers.
//!
//! The client's packet goes out as it came (EDNS options and all) except for its id, which is
//! replaced by a random one so that a forged reply has to guess it; a reply counts only when it
//! comes from the upstream (a connected socket), carries that id and echoes the question.
//! Upstreams are tried in order, each over UDP with a timeout, and over TCP when the UDP reply
//! is truncated.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::{timeout, timeout_at, Instant};

use crate::wire;

/// How long one upstream gets to answer, per transport.
pub(crate) const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(2);

/// The upstream resolvers, in order of preference.
#[derive(Debug, Clone)]
pub(crate) struct Forwarder {
    upstreams: Vec<SocketAddr>,
    timeout: Duration,
}

impl Forwarder {
    pub(crate) fn new(upstreams: Vec<SocketAddr>) -> Self {
        Self {
            upstreams,
            timeout: UPSTREAM_TIMEOUT,
        }
    }

    /// The first usable reply to `packet` (whose decoded form is `request`), with the client's
    /// id restored; `None` when no upstream answered. A SERVFAIL or REFUSED from one upstream
    /// sends the query on to the next, and is returned only when no one does better.
    pub(crate) async fn forward(&self, packet: &[u8], request: &Message) -> Option<Vec<u8>> {
        let mut fallback = None;
        for &upstream in &self.upstreams {
            match self.exchange(upstream, packet, request).await {
                Ok(mut reply) => {
                    wire::set_id(&mut reply, request.metadata.id);
                    if !refused_or_failed(&reply) {
                        return Some(reply);
                    }
                    tracing::debug!(%upstream, "upstream could not answer; trying the next");
                    fallback = Some(reply);
                }
                Err(error) => tracing::debug!(%upstream, %error, "upstream did not answer"),
            }
        }
        fallback
    }

    /// One upstream: UDP, then TCP if the UDP reply is truncated. If TCP fails the truncated
    /// reply is still an answer (the client may retry over TCP itself).
    async fn exchange(
        &self,
        upstream: SocketAddr,
        packet: &[u8],
        request: &Message,
    ) -> io::Result<Vec<u8>> {
        let reply = self.udp(upstream, packet, request).await?;
        if !wire::is_truncated(&reply) {
            return Ok(reply);
        }
        match self.tcp(upstream, packet, request).await {
            Ok(full) => Ok(full),
            Err(error) => {
                tracing::debug!(%upstream, %error, "TCP retry of a truncated reply failed");
                Ok(reply)
            }
        }
    }

    async fn udp(
        &self,
        upstream: SocketAddr,
        packet: &[u8],
        request: &Message,
    ) -> io::Result<Vec<u8>> {
        let local: SocketAddr = match upstream {
            SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
        };
        let socket = UdpSocket::bind(local).await?;
        socket.connect(upstream).await?;
        let id = rand::random::<u16>();
        let mut query = packet.to_vec();
        wire::set_id(&mut query, id);
        let deadline = Instant::now() + self.timeout;
        timeout_at(deadline, socket.send(&query))
            .await
            .map_err(|_| timed_out())??;
        // The upstream must keep within the payload size the query advertises; one byte more
        // tells a reply that broke that rule from one that filled it exactly.
        let payload = usize::from(request.max_payload());
        let mut buf = vec![0u8; payload + 1];
        loop {
            let len = timeout_at(deadline, socket.recv(&mut buf))
                .await
                .map_err(|_| timed_out())??;
            if len > payload {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "UDP reply larger than the advertised payload size",
                ));
            }
            let reply = buf.get(..len).unwrap_or_default();
            if wire::answers(reply, id, request) {
                return Ok(reply.to_vec());
            }
            tracing::debug!(%upstream, "ignoring a packet that does not answer the query");
        }
    }

    async fn tcp(
        &self,
        upstream: SocketAddr,
        packet: &[u8],
        request: &Message,
    ) -> io::Result<Vec<u8>> {
        let len = u16::try_from(packet.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "query too long"))?;
        let id = rand::random::<u16>();
        let mut framed = Vec::with_capacity(packet.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(packet);
        wire::set_id(&mut framed[2..], id);
        let exchange = async {
            let mut stream = TcpStream::connect(upstream).await?;
            stream.set_nodelay(true)?;
            stream.write_all(&framed).await?;
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).await?;
            let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut reply).await?;
            Ok::<_, io::Error>(reply)
        };
        let reply = timeout(self.timeout, exchange)
            .await
            .map_err(|_| timed_out())??;
        if wire::answers(&reply, id, request) {
            Ok(reply)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "TCP reply does not answer the query",
            ))
        }
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "upstream timed out")
}

/// SERVFAIL or REFUSED: this upstream cannot help, another might.
fn refused_or_failed(reply: &[u8]) -> bool {
    let rcode = reply.get(3).map_or(0, |b| b & 0x0f);
    rcode == ResponseCode::ServFail.low() || rcode == ResponseCode::Refused.low()
}

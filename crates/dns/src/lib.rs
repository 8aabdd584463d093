//! Cluster DNS: the names the Kubernetes DNS specification defines
//! (`<service>.<namespace>.svc.<domain>`, endpoint and SRV names, PTR for cluster IPs and
//! endpoints), answered from Services and EndpointSlices, with every other name relayed to the
//! host's resolvers.
//!
//! It runs inside the Rudder binary instead of as a CoreDNS pod, so name resolution does not
//! depend on a workload being scheduled, and pods need no route to a resolver other than their
//! node's bridge gateway. The zone is an in-memory index ([`Records`]) that the API watchers
//! update per object and the servers read under a short lock.
//!
//! - [`Records`] (`records`, `model`, `names`): the zone and the answering logic, no I/O.
//! - `server`, `forward`, `wire`: UDP/TCP sockets, relaying to upstreams, message framing.
//! - `watch`: kube-runtime watchers feeding [`Records`].
//! - [`advertise`]: the node's DNS address as an EndpointSlice of `kube-system/kube-dns`.

pub mod advertise;
mod forward;
mod model;
mod names;
pub mod records;
mod server;
mod watch;
mod wire;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use tokio::task::JoinHandle;

pub use records::{Answer, InvalidDomain, Records, DEFAULT_TTL, MAX_UDP_PAYLOAD};
pub use server::{host_upstreams, DnsConfig, MAX_FORWARDS, MAX_TCP_CONNECTIONS, TCP_IDLE_TIMEOUT};
pub use watch::follow;

/// A running DNS server (and, from [`start`], its watchers). Dropping it stops everything:
/// sockets close, connections and forwards in flight are abandoned.
#[derive(Debug)]
pub struct DnsHandle {
    records: Arc<RwLock<Records>>,
    local_addrs: Vec<SocketAddr>,
    tasks: Vec<JoinHandle<()>>,
}

impl DnsHandle {
    /// The addresses actually bound, in `listen` order: each serves UDP and TCP on the same
    /// port, which is how a `listen` port of 0 can be found out.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local_addrs
    }

    /// The zone being served; writes show up in the next answer.
    pub fn records(&self) -> &Arc<RwLock<Records>> {
        &self.records
    }

    /// Stops the server and watchers and waits until they have.
    pub async fn shutdown(mut self) {
        let tasks = std::mem::take(&mut self.tasks);
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            let _ = task.await;
        }
    }
}

impl Drop for DnsHandle {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Serves `records` on `config.listen` (UDP and TCP each) and forwards other names to
/// `config.upstreams`; `config.domain` is not used here (the zone comes with `records`).
/// Binding happens before this returns, so address problems are reported here.
pub async fn serve(config: &DnsConfig, records: Arc<RwLock<Records>>) -> io::Result<DnsHandle> {
    if config.listen.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no DNS listen address",
        ));
    }
    let mut sockets = Vec::with_capacity(config.listen.len());
    for &addr in &config.listen {
        let (udp, tcp) = server::bind_pair(addr)
            .map_err(|e| io::Error::new(e.kind(), format!("DNS on {addr}: {e}")))?;
        sockets.push((udp.local_addr()?, udp, tcp));
    }
    let local_addrs: Vec<SocketAddr> = sockets.iter().map(|(addr, _, _)| *addr).collect();
    // Relaying to ourselves would loop until every query timed out.
    let upstreams: Vec<SocketAddr> = config
        .upstreams
        .iter()
        .filter(|up| !config.listen.contains(up) && !local_addrs.contains(up))
        .copied()
        .collect();
    if upstreams.len() < config.upstreams.len() {
        tracing::warn!("DNS upstreams that are this server's own addresses are ignored");
    }
    let handler = Arc::new(server::Handler::new(Arc::clone(&records), upstreams));
    let mut tasks = Vec::with_capacity(sockets.len() * 2);
    for (addr, udp, tcp) in sockets {
        tracing::info!(%addr, "cluster DNS listening (UDP and TCP)");
        tasks.push(tokio::spawn(server::serve_udp(udp, Arc::clone(&handler))));
        tasks.push(tokio::spawn(server::serve_tcp(tcp, Arc::clone(&handler))));
    }
    Ok(DnsHandle {
        records,
        local_addrs,
        tasks,
    })
}

/// Cluster DNS for `config.domain`: the server of [`serve`] fed by [`follow`]ing the API
/// through `client`.
pub async fn start(client: kube::Client, config: DnsConfig) -> Result<DnsHandle, String> {
    let records = Records::new(&config.domain).map_err(|e| e.to_string())?;
    let records = Arc::new(RwLock::new(records));
    let mut handle = serve(&config, Arc::clone(&records))
        .await
        .map_err(|e| e.to_string())?;
    handle
        .tasks
        .push(tokio::spawn(follow(client, Arc::clone(&records))));
    Ok(handle)
}

//! What a node runs beside its agent so that Services work: the nftables service proxy, routes
//! to other nodes' pods, and the cluster DNS server on the node's bridge gateway, advertised as
//! a `kube-dns` endpoint.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The pod network every node's /24 comes from (DESIGN.md).
pub const CLUSTER_CIDR: &str = "198.18.0.0/16";

/// Settings of a node's networking.
pub struct NodeNetwork {
    pub node_name: String,
    /// The agent's data dir (the proxy's table is named after the node's bridge).
    pub agent_dir: std::path::PathBuf,
    pub cluster_domain: String,
    pub dns_upstreams: Vec<SocketAddr>,
}

/// The first address of an IPv4 CIDR: the bridge gateway host-local hands out.
pub fn gateway(cidr: &str) -> Option<Ipv4Addr> {
    let (ip, _) = cidr.split_once('/')?;
    let ip: Ipv4Addr = ip.parse().ok()?;
    Some(Ipv4Addr::from(u32::from(ip).checked_add(1)?))
}

/// The DNS servers of a `resolv.conf`, as addresses to relay to.
pub fn upstreams_from(path: &str) -> Vec<SocketAddr> {
    std::fs::read_to_string(path)
        .map(|text| dns::host_upstreams(&text))
        .unwrap_or_default()
}

/// Runs the service proxy and node routes and, once the node has a pod CIDR, cluster DNS on
/// its gateway; never returns (dropping the future stops them all).
pub async fn run(
    client: kube::Client,
    config: NodeNetwork,
    mut pod_cidr: tokio::sync::watch::Receiver<Option<String>>,
) {
    let proxy = net::proxy::ProxyConfig {
        table: net::proxy::table_name(&kubelet::cni::bridge_name(
            &config.node_name,
            &config.agent_dir,
        )),
        node_name: config.node_name.clone(),
        cluster_cidr: Some(CLUSTER_CIDR.into()),
        nft: vec!["nft".into()],
        netns: None,
    };
    tracing::info!(table = %proxy.table, "service proxy starting");
    let _proxy = AbortOnDrop(tokio::spawn(net::proxy::run(client.clone(), proxy)));
    let _routes = AbortOnDrop(tokio::spawn(net::routes::run(
        client.clone(),
        config.node_name.clone(),
    )));

    // DNS failing to start is logged; the proxy and routes keep running regardless.
    let _dns = serve_dns(&client, &config, &mut pod_cidr).await;
    std::future::pending::<()>().await;
}

/// Once the node has a pod CIDR: cluster DNS on its gateway, advertised in `kube-dns`.
async fn serve_dns(
    client: &kube::Client,
    config: &NodeNetwork,
    pod_cidr: &mut tokio::sync::watch::Receiver<Option<String>>,
) -> Option<dns::DnsHandle> {
    let cidr = pod_cidr.wait_for(Option::is_some).await.ok()?.clone()?;
    let Some(gateway) = gateway(&cidr) else {
        tracing::error!(%cidr, "cluster DNS not started: the pod CIDR is not an IPv4 network");
        return None;
    };
    let dns_config = dns::DnsConfig {
        domain: config.cluster_domain.clone(),
        listen: vec![SocketAddr::new(IpAddr::V4(gateway), 53)],
        upstreams: config.dns_upstreams.clone(),
    };
    let handle = match dns::start(client.clone(), dns_config).await {
        Ok(handle) => handle,
        Err(e) => {
            tracing::error!(error = %e, "cluster DNS not started");
            return None;
        }
    };
    let mut delay = Duration::from_millis(200);
    while let Err(e) = dns::advertise::publish(client.clone(), &config.node_name, gateway).await {
        tracing::warn!(error = %e, "publishing the node's DNS endpoint failed; retrying");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
    tracing::info!(%gateway, "cluster DNS serving and advertised");
    Some(handle)
}

/// Aborts a task when dropped, so the proxy stops with the node.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_is_the_first_address() {
        assert_eq!(gateway("198.18.3.0/24"), Some(Ipv4Addr::new(198, 18, 3, 1)));
        assert_eq!(gateway("x/24"), None);
        assert_eq!(gateway("198.18.3.0"), None);
    }
}

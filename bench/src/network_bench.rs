//! Service proxy and cluster DNS figures.
//!
//! ```text
//! cargo run --release -p bench --bin network_bench -- [--quick]
//! ```
//!
//! Proxy: the real `Proxier` programs nftables inside a network namespace of this process's
//! own (gone when it exits): full syncs of 1,000 and 10,000 Services with 10 endpoints each,
//! then one-Service endpoint changes applied incrementally (the time from the change reaching
//! the proxy to `nft` having committed it, through the proxy's long-lived `nft -i` session).
//! Full syncs load the skeleton with `nft -f` and the map elements over netlink. Measured in
//! the same run as baselines: the same full sync with `nft` parsing every element (the
//! proxy's fallback when netlink fails), one endpoint slot replaced through a one-shot
//! `nft -f` (as the proxy did before it kept a session), the same one-Service change done as
//! a full table replacement, and `nft -f` of an empty transaction (the cost of running nft
//! at all).
//!
//! DNS: the real server on 127.0.0.1 (of that namespace) with a 1,000-Service zone, queried over UDP by
//! concurrent clients for a bounded number of queries: queries/s and p50/p99 latency. Needs
//! root, `ip` and `nft`. Figures are printed, not asserted.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RecordType};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use net::proxy::{Proxier, ProxyConfig};
use serde_json::json;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const ENDPOINTS: usize = 10;
const TARGET_FULL_SYNC: Duration = Duration::from_millis(100);
const TARGET_CHANGE_P99: Duration = Duration::from_millis(10);

/// Moves this process into a network namespace of its own (with loopback up), so the rules
/// and the DNS traffic stay inside it and `nft` runs as the agent runs it: directly, not
/// through `ip netns exec`. The namespace goes away with the process.
fn enter_own_netns() -> Result<()> {
    // SAFETY: unshare(2) with CLONE_NEWNET only changes this process's network namespace;
    // it is called before any thread or socket exists.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "unshare(CLONE_NEWNET): {} (root needed)",
            std::io::Error::last_os_error()
        )
        .into());
    }
    let status = std::process::Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status()?;
    if !status.success() {
        return Err("ip link set lo up failed".into());
    }
    Ok(())
}

fn cluster_ip(i: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 19, 0, 0)) + 100 + i as u32)
}

fn service(i: usize) -> Service {
    let ip = cluster_ip(i).to_string();
    serde_json::from_value(json!({
        "metadata": {"namespace": "bench", "name": format!("svc-{i}")},
        "spec": {"clusterIP": ip, "clusterIPs": [ip],
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}
    }))
    .expect("service")
}

/// The slice of Service `i`, with endpoint addresses shifted by `generation`.
fn slice(i: usize, generation: usize) -> EndpointSlice {
    let endpoints: Vec<_> = (0..ENDPOINTS)
        .map(|e| {
            let n = (i * ENDPOINTS + e + generation) as u32;
            let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 0)) + 2 + n % 65_000);
            json!({"addresses": [ip.to_string()], "conditions": {"ready": true}, "nodeName": "n1"})
        })
        .collect();
    serde_json::from_value(json!({
        "metadata": {"namespace": "bench", "name": format!("svc-{i}-x"),
                     "labels": {"kubernetes.io/service-name": format!("svc-{i}")}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": endpoints,
    }))
    .expect("slice")
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "not met"
    }
}

fn row(metric: &str, measured: String, target: &str) {
    println!("{metric:<52} {measured:<34} {target}");
}

fn nft() -> Vec<String> {
    vec!["nft".to_string()]
}

/// A proxier holding `services` Services; `netns` names a namespace that does not exist
/// to make its full syncs fall back to loading everything with `nft`.
fn bench_proxier(table: &str, services: usize, netns: Option<&str>) -> Proxier {
    let mut proxier = Proxier::new(ProxyConfig {
        table: table.into(),
        node_name: "n1".into(),
        cluster_cidr: Some("198.18.0.0/16".into()),
        nft: nft(),
        netns: netns.map(str::to_string),
    });
    for i in 0..services {
        proxier.set_service(service(i));
        proxier.set_slice(slice(i, 0));
    }
    proxier
}

async fn proxy_phase(services: usize, changes: usize, full_runs: usize) -> Result<()> {
    // Baseline: the same full sync with nft parsing every element (the netlink fallback).
    let mut by_nft = bench_proxier("rudder-bench-nft", services, Some("rudder-bench-no-netns"));
    let mut nft_only = Vec::new();
    for _ in 0..full_runs.min(3) {
        by_nft.force_full_sync();
        let stats = by_nft.sync().await?;
        assert_eq!(stats.netlink_elements, 0);
        nft_only.push(stats.elapsed);
    }
    by_nft.cleanup().await?;
    drop(by_nft);
    nft_only.sort();

    let mut proxier = bench_proxier("rudder-bench", services, None);
    let mut full = Vec::new();
    let (mut lines, mut netlink_elements) = (0, 0);
    for _ in 0..full_runs {
        proxier.force_full_sync();
        let stats = proxier.sync().await?;
        lines = stats.commands;
        netlink_elements = stats.netlink_elements;
        full.push(stats.elapsed);
    }
    full.sort();
    let full_p50 = pct(&full, 0.5);
    row(
        &format!("full sync, {services} Services x {ENDPOINTS} endpoints"),
        format!(
            "p50 {} max {} ({lines} nft lines + {netlink_elements} elements over netlink, {full_runs} runs)",
            ms(full_p50),
            ms(*full.last().unwrap_or(&Duration::ZERO))
        ),
        &format!(
            "<= 100 ms at 10,000  {}",
            if services >= 10_000 {
                verdict(full_p50 <= TARGET_FULL_SYNC)
            } else {
                ""
            }
        ),
    );
    row(
        "  baseline: same full sync, every element by nft -f",
        format!("p50 {} ({} runs)", ms(pct(&nft_only, 0.5)), nft_only.len()),
        "",
    );

    let mut incremental = Vec::with_capacity(changes);
    for k in 0..changes {
        let i = (k * 7919) % services;
        proxier.set_slice(slice(i, k + 1));
        let stats = proxier.sync().await?;
        assert!(!stats.full && stats.commands > 0);
        incremental.push(stats.elapsed);
    }
    incremental.sort();
    let p99 = pct(&incremental, 0.99);
    row(
        &format!("one Service's endpoints change ({changes} changes)"),
        format!("p50 {} p99 {}", ms(pct(&incremental, 0.5)), ms(p99)),
        &format!("p99 <= 10 ms  {}", verdict(p99 <= TARGET_CHANGE_P99)),
    );

    // Baseline: a change of the same kind (one endpoint slot replaced) through a one-shot
    // `nft -f`, which waits for the removal's RCU grace period as it exits.
    let mut one_shot = Vec::new();
    for k in 0..50u32 {
        let script = format!(
            "delete element ip {table} cluster-endpoints-tcp {{ {ip} . 80 . 0 }}\n\
             add element ip {table} cluster-endpoints-tcp {{ {ip} . 80 . 0 : {ep} . 8080 }}\n",
            table = proxier.table(),
            ip = cluster_ip(0),
            ep = Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 255, 0)) + k),
        );
        let t = Instant::now();
        net::proxy::run_nft(&nft(), &script).await?;
        one_shot.push(t.elapsed());
    }
    one_shot.sort();
    row(
        "  baseline: one slot replaced by a one-shot nft -f",
        format!(
            "p50 {} p99 {}",
            ms(pct(&one_shot, 0.5)),
            ms(pct(&one_shot, 0.99))
        ),
        "",
    );

    // Baseline: the same change applied by replacing the whole table.
    let mut rebuild = Vec::new();
    for k in 0..full_runs {
        proxier.set_slice(slice(k % services, changes + k + 1));
        proxier.force_full_sync();
        rebuild.push(proxier.sync().await?.elapsed);
    }
    rebuild.sort();
    row(
        "  baseline: same change as a full table rebuild",
        format!("p50 {}", ms(pct(&rebuild, 0.5))),
        "",
    );
    proxier.cleanup().await?;
    Ok(())
}

async fn nft_floor() -> Result<()> {
    let nft = nft();
    let mut runs = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        net::proxy::run_nft(&nft, "add table ip rudder-floor\n").await?;
        runs.push(t.elapsed());
    }
    runs.sort();
    row(
        "  baseline: nft -f of a one-line transaction",
        format!("p50 {} p99 {}", ms(pct(&runs, 0.5)), ms(pct(&runs, 0.99))),
        "",
    );
    net::proxy::run_nft(&nft, "delete table ip rudder-floor\n").await?;
    Ok(())
}

fn query(name: &Name, id: u16) -> Vec<u8> {
    let mut msg = Message::new(id, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = true;
    msg.queries.push(Query::query(name.clone(), RecordType::A));
    msg.to_vec().expect("encode query")
}

async fn dns_phase(total: usize, clients: usize) -> Result<()> {
    let mut records = dns::Records::new("cluster.local")?;
    for i in 0..1_000 {
        records.apply_service(&service(i));
        records.apply_slice(&slice(i, 0));
    }
    let records = Arc::new(RwLock::new(records));
    let config = dns::DnsConfig {
        domain: "cluster.local".into(),
        listen: vec![SocketAddr::from(([127, 0, 0, 1], 0))],
        upstreams: vec![],
    };
    let server = dns::serve(&config, records).await?;
    let addr = server.local_addrs()[0];
    let started = Instant::now();
    let per_client = total / clients;
    let mut tasks = Vec::new();
    for c in 0..clients {
        tasks.push(tokio::spawn(async move {
            let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
            socket.connect(addr).await?;
            let mut latencies = Vec::with_capacity(per_client);
            let mut buf = [0u8; 1500];
            for q in 0..per_client {
                let name = Name::from_ascii(format!(
                    "svc-{}.bench.svc.cluster.local.",
                    (c * per_client + q) % 1_000
                ))?;
                let packet = query(&name, q as u16);
                let t = Instant::now();
                socket.send(&packet).await?;
                let n =
                    tokio::time::timeout(Duration::from_secs(2), socket.recv(&mut buf)).await??;
                latencies.push(t.elapsed());
                let reply = Message::from_vec(&buf[..n])?;
                if reply.answers.is_empty() {
                    return Err::<Vec<Duration>, Box<dyn std::error::Error + Send + Sync>>(
                        "empty answer".into(),
                    );
                }
            }
            Ok(latencies)
        }));
    }
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await?.map_err(|e| e.to_string())?);
    }
    let elapsed = started.elapsed();
    all.sort();
    row(
        &format!(
            "DNS A queries over UDP ({} from {clients} clients)",
            all.len()
        ),
        format!(
            "{:.0} /s; p50 {} p99 {}",
            all.len() as f64 / elapsed.as_secs_f64(),
            ms(pct(&all, 0.5)),
            ms(pct(&all, 0.99))
        ),
        "",
    );
    server.shutdown().await;
    Ok(())
}

fn main() -> Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::args().any(|a| a == "-h" || a == "--help") {
        println!("usage: network_bench [--quick]");
        return Ok(());
    }
    enter_own_netns()?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(quick))
}

async fn run(quick: bool) -> Result<()> {
    println!(
        "Rudder service proxy (nftables: full syncs by nft -f + netlink, changes by a long-lived nft -i; in a network namespace of its own) and cluster DNS"
    );
    row("metric", "measured".into(), "target");
    println!("{}", "-".repeat(110));
    let started = Instant::now();
    nft_floor().await?;
    if quick {
        proxy_phase(1_000, 100, 3).await?;
        dns_phase(20_000, 4).await?;
    } else {
        proxy_phase(1_000, 300, 5).await?;
        proxy_phase(10_000, 300, 3).await?;
        dns_phase(100_000, 8).await?;
    }
    println!("whole run: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

//! `rudder`: the command line. `server` runs the control plane; `kubeconfig` prints the admin
//! kubeconfig of a data dir.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

mod allocator;
mod node_network;
mod remote;

#[global_allocator]
static ALLOCATOR: allocator::RoleAllocator = allocator::RoleAllocator;

#[derive(Parser)]
#[command(
    name = "rudder",
    version,
    about = "A Kubernetes-compatible container orchestrator in one binary"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the control plane (API server on an embedded SQLite store).
    Server(ServerArgs),
    /// Join a server's cluster as a node (with the token from the server's
    /// DATA_DIR/tls/node-token file).
    Agent(AgentArgs),
    /// Stop every container a stopped server's node agent left running under its data dir,
    /// release their network namespaces and remove the node's bridge.
    Killall {
        #[arg(long, default_value = "/var/lib/rudder")]
        data_dir: PathBuf,
    },
    /// Print the admin kubeconfig of a server's data dir.
    Kubeconfig {
        #[arg(long, default_value = "/var/lib/rudder")]
        data_dir: PathBuf,
    },
}

#[derive(Parser)]
struct ServerArgs {
    /// Where the store, certificates and kubeconfig live.
    #[arg(long, default_value = "/var/lib/rudder")]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0")]
    bind_address: IpAddr,
    /// HTTPS port of the API.
    #[arg(long, default_value_t = 6443)]
    port: u16,
    /// Address written into the kubeconfig and legacy discovery (default: the bind address,
    /// or 127.0.0.1 when binding all addresses).
    #[arg(long)]
    advertise_address: Option<IpAddr>,
    /// Extra names or addresses for the serving certificate.
    #[arg(long = "tls-san")]
    tls_san: Vec<String>,
    /// Control loops not to run (comma-separated), e.g. `scheduler,deployment`.
    #[arg(long, value_delimiter = ',')]
    disable: Vec<String>,
    /// Do not run the embedded node agent (no containers on this machine).
    #[arg(long)]
    disable_agent: bool,
    #[command(flatten)]
    node: NodeArgs,
}

/// What a machine's node agent is configured with, on servers and agents alike.
#[derive(clap::Args)]
struct NodeArgs {
    /// Name of this machine's Node (default: the host name).
    #[arg(long)]
    node_name: Option<String>,
    /// Address this machine's Node reports (default: the host's first global IPv4 address).
    #[arg(long)]
    node_ip: Option<IpAddr>,
    /// Pod CIDR this machine's Node registers with (default: one /24 of 198.18.0.0/16 is
    /// assigned by the control plane).
    #[arg(long)]
    pod_cidr: Option<String>,
    /// The DNS domain of Services and pods.
    #[arg(long, default_value = "cluster.local")]
    cluster_domain: String,
    /// Where cluster DNS relays names outside the cluster (repeatable; default: the
    /// nameservers of /etc/resolv.conf).
    #[arg(long = "dns-upstream")]
    dns_upstreams: Vec<SocketAddr>,
    /// Port of the node's streaming endpoint (exec, attach, port-forward). Agents serve it
    /// over TLS on the node address; a server's own node is reached in process.
    #[arg(long, default_value_t = 10250)]
    kubelet_port: u16,
}

#[derive(Parser)]
struct AgentArgs {
    /// The server's API URL (`https://HOST:PORT`).
    #[arg(long)]
    server: String,
    /// The server's node token (the file `DATA_DIR/tls/node-token` on the server).
    #[arg(long)]
    token: String,
    /// Where containerd, pod volumes and logs live (under `DATA_DIR/agent`).
    #[arg(long, default_value = "/var/lib/rudder")]
    data_dir: PathBuf,
    #[command(flatten)]
    node: NodeArgs,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RUDDER_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Server(args) => {
            allocator::use_mimalloc();
            run_server(args)
        }
        Command::Agent(args) => run_agent(args),
        Command::Kubeconfig { data_dir } => print_kubeconfig(&data_dir),
        Command::Killall { data_dir } => killall(&data_dir),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rudder: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn killall(data_dir: &Path) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let agent_dir = data_dir.join("agent");
    let bridges = kubelet::node_bridges(&agent_dir);
    let removed = runtime.block_on(kubelet::teardown(&agent_dir))?;
    println!(
        "removed {removed} pod sandbox(es) under {}",
        data_dir.display()
    );
    for bridge in bridges {
        let table = net::proxy::table_name(&bridge);
        let script = net::proxy::rules::delete_table(&table);
        runtime.block_on(net::proxy::run_nft(&["nft".to_string()], &script))?;
        println!(
            "removed nftables table ip {table} (and any {})",
            net::proxy::rules::alternate_table(&table)
        );
    }
    Ok(())
}

fn print_kubeconfig(data_dir: &Path) -> Result<(), String> {
    let path = data_dir.join("kubeconfig.yaml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    print!("{text}");
    Ok(())
}

/// Runs this machine's node: the agent (containerd, node registration, pods), then the
/// service proxy, cluster DNS and routes to other nodes. Lives as long as its task: dropping
/// it stops containerd (pods keep running in their shims, as with any kubelet restart).
async fn run_node(
    client: kube::Client,
    node_name: String,
    data_dir: PathBuf,
    args: NodeArgs,
    control_plane: bool,
    serving: Option<kubelet::server::ServingTls>,
) {
    let cluster_dns = kubelet::dns::ClusterDns {
        servers: vec![apimachinery::service_alloc::ServiceRanges::default()
            .nth(10)
            .to_string()],
        domain: args.cluster_domain.clone(),
    };
    let host_resolv_conf = kubelet::dns::ResolvConf::parse(
        &std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default(),
    );
    let network = node_network::NodeNetwork {
        node_name: node_name.clone(),
        agent_dir: data_dir.join("agent"),
        cluster_domain: args.cluster_domain.clone(),
        dns_upstreams: if args.dns_upstreams.is_empty() {
            node_network::upstreams_from("/etc/resolv.conf")
        } else {
            args.dns_upstreams.clone()
        },
    };
    let config = kubelet::AgentConfig {
        node_name,
        data_dir: data_dir.join("agent"),
        control_plane,
        node_ip: args.node_ip,
        pod_cidr: args.pod_cidr.clone(),
        cluster_dns,
        host_resolv_conf,
        kubelet_port: args.kubelet_port,
        serving,
        registries_file: data_dir.join("registries.yaml"),
    };
    match kubelet::start(client, config).await {
        Ok(agent) => {
            tracing::info!(node = %agent.shared.config.node_name, "node agent started");
            let streaming = kubelet::server::StreamingServer::new(agent.shared.clone());
            apiserver::node_proxy::register_local(
                &agent.shared.config.node_name,
                Arc::new(move || {
                    let (ours, theirs) = tokio::io::duplex(64 << 10);
                    tokio::spawn(streaming.clone().serve_connection(theirs));
                    Box::pin(ours)
                }),
            );
            let client = agent.shared.client.clone();
            let cidr = agent.shared.pod_cidr.clone();
            // Never returns; the agent lives as long as this task.
            node_network::run(client, network, cidr).await;
            drop(agent);
        }
        Err(e) => tracing::error!(
            "node agent not started: {e} (on a server, pass --disable-agent to run without one)"
        ),
    }
}

fn run_agent(args: AgentArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(agent(args))
}

async fn agent(args: AgentArgs) -> Result<(), String> {
    let endpoint = remote::Endpoint::parse(&args.server)?;
    let node_name = args
        .node
        .node_name
        .clone()
        .unwrap_or_else(kubelet::node::hostname);
    let node_ip = args.node.node_ip.unwrap_or_else(kubelet::node::host_ip);
    let credentials = remote::join(&endpoint, &args.token, &node_name, node_ip).await?;
    tracing::info!(server = %endpoint.base, node = %node_name, "joined the cluster");
    let transport = remote::Remote::new(endpoint, &credentials)?;
    let client = kube::Client::new(transport, "default");
    let serving = kubelet::server::ServingTls {
        ca: credentials.ca.clone(),
        certificate: credentials.serving_certificate.clone(),
        key: credentials.serving_key.clone(),
    };
    let mut node_args = args.node;
    node_args.node_ip = Some(node_ip);
    let node = tokio::spawn(run_node(
        client,
        node_name,
        args.data_dir,
        node_args,
        false,
        Some(serving),
    ));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted, shutting down"),
        _ = term.recv() => tracing::info!("terminated, shutting down"),
        _ = node => {}
    }
    Ok(())
}

fn run_server(args: ServerArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(server(args))
}

async fn server(args: ServerArgs) -> Result<(), String> {
    let data_dir = &args.data_dir;
    std::fs::create_dir_all(data_dir.join("db"))
        .map_err(|e| format!("creating {}: {e}", data_dir.display()))?;
    let store = store::sqlite::SqliteStore::open(&data_dir.join("db").join("state.db"))
        .map_err(|e| format!("opening store: {e}"))?;
    let advertise = args
        .advertise_address
        .unwrap_or(if args.bind_address.is_unspecified() {
            IpAddr::from([127, 0, 0, 1])
        } else {
            args.bind_address
        });
    let mut sans = args.tls_san.clone();
    sans.push(advertise.to_string());
    if !args.bind_address.is_unspecified() {
        sans.push(args.bind_address.to_string());
    }
    let pki = apiserver::pki::Pki::load_or_create(&data_dir.join("tls"), &sans)
        .map_err(|e| format!("PKI: {e}"))?;
    let server_url = format!("https://{}", SocketAddr::new(advertise, args.port));
    pki.write_kubeconfig(&data_dir.join("kubeconfig.yaml"), &server_url)
        .map_err(|e| format!("writing kubeconfig: {e}"))?;
    let tls = apiserver::serve::tls_config(&pki).map_err(|e| format!("TLS: {e}"))?;
    let (kubelet_cert, kubelet_key) = pki
        .kubelet_client()
        .map_err(|e| format!("kubelet client certificate: {e}"))?;
    let kubelet_tls =
        apiserver::node_proxy::KubeletTls::new(&pki.ca_cert, &kubelet_cert, &kubelet_key)
            .map_err(|e| format!("kubelet client TLS: {e}"))?;

    let api = apiserver::ApiServer::new(
        Arc::new(store),
        SocketAddr::new(advertise, args.port).to_string(),
    );
    api.set_kubelet_tls(kubelet_tls);
    api.set_token_issuer(
        apiserver::tokens::TokenIssuer::load_or_create(&data_dir.join("tls"))
            .map_err(|e| format!("service account signing key: {e}"))?,
    );
    let storage = data_dir.join("storage");
    api.bootstrap(&storage.to_string_lossy())
        .await
        .map_err(|e| format!("bootstrap: {}", e.message))?;
    // Pods reach the API through `default/kubernetes`: at the advertised address, or, when
    // that is loopback and the server listens on every address, at the host's.
    let service_endpoint = match advertise {
        ip if !ip.is_loopback() => Some(ip),
        _ if args.bind_address.is_unspecified() => Some(kubelet::node::host_ip()),
        _ => None,
    };
    if let Some(ip) = service_endpoint.filter(|ip| !ip.is_loopback()) {
        api.publish_endpoints(ip)
            .await
            .map_err(|e| format!("publishing the kubernetes endpoints: {}", e.message))?;
    }
    for name in &args.disable {
        if !controllers::LOOPS.iter().any(|(n, _)| n == name) {
            let known: Vec<&str> = controllers::LOOPS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "--disable: unknown control loop {name:?} (known: {})",
                known.join(", ")
            ));
        }
    }
    let controller_user = apiserver::User {
        name: "system:kube-controller-manager".into(),
        groups: vec!["system:masters".into()],
    };
    let transport = apiserver::inprocess::InProcess::new(api.clone(), controller_user);
    let started = controllers::start(
        kube::Client::new(transport, "default"),
        &args.disable,
        Some(&pki.ca_cert),
    );
    tracing::info!(loops = %started.join(","), "control loops started");

    let addr = SocketAddr::new(args.bind_address, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("listening on {addr}: {e}"))?;
    tracing::info!(%addr, kubeconfig = %data_dir.join("kubeconfig.yaml").display(), "rudder API server ready");

    let join = apiserver::join::Join::load_or_create(&data_dir.join("tls"), &pki.ca_cert)
        .map_err(|e| format!("node token: {e}"))?;
    tracing::info!(
        token_file = %data_dir.join("tls/node-token").display(),
        "nodes join with: rudder agent --server URL --token $(cat TOKEN_FILE)"
    );
    let serving = tokio::spawn(apiserver::serve::serve(
        api.clone(),
        listener,
        tls,
        Some(Arc::new(join)),
    ));
    if !args.disable_agent {
        let node_name = args
            .node
            .node_name
            .clone()
            .unwrap_or_else(kubelet::node::hostname);
        let node_user = apiserver::User {
            name: format!("system:node:{node_name}"),
            groups: vec!["system:nodes".into(), "system:authenticated".into()],
        };
        let transport = apiserver::inprocess::InProcess::new(api.clone(), node_user);
        let client = kube::Client::new(transport, "default");
        tokio::spawn(run_node(
            client,
            node_name,
            data_dir.clone(),
            args.node,
            true,
            None,
        ));
    }

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!("interrupted, shutting down"),
        _ = term.recv() => tracing::info!("terminated, shutting down"),
        r = serving => return match r {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        },
    }
    Ok(())
}

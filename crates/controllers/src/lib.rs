//! Rudder's control loops: the scheduler and the controllers that turn desired state into
//! actual state. Each is an ordinary API client (a `kube::Client`), built on kube-runtime's
//! informer → work queue → `reconcile(key)` pattern, and lives in its own module.
//!
//! Inside `rudder server` the client uses the in-process transport; nothing here depends on
//! that, so any loop can run out of process against a remote API server.

pub mod context;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod ephemeral;
pub mod garbage_collector;
pub mod job;
pub mod local_path;
pub mod namespace;
pub mod node_lifecycle;
pub mod pods;
pub mod replicaset;
pub mod root_ca;
pub mod scheduler;
pub mod service_endpoints;
pub mod service_lb;
pub mod serviceaccount;
pub mod statefulset;

use std::future::Future;
use std::pin::Pin;

pub use context::Context;

type Loop = fn(Context) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Every control loop by the name `--disable` uses.
pub const LOOPS: &[(&str, Loop)] = &[
    ("scheduler", |c| Box::pin(scheduler::run(c))),
    ("replicaset", |c| Box::pin(replicaset::run(c))),
    ("deployment", |c| Box::pin(deployment::run(c))),
    ("statefulset", |c| Box::pin(statefulset::run(c))),
    ("daemonset", |c| Box::pin(daemonset::run(c))),
    ("job", |c| Box::pin(job::run(c))),
    ("cronjob", |c| Box::pin(cronjob::run(c))),
    ("garbagecollector", |c| Box::pin(garbage_collector::run(c))),
    ("namespace", |c| Box::pin(namespace::run(c))),
    ("serviceaccount", |c| Box::pin(serviceaccount::run(c))),
    ("root-ca-cert-publisher", |c| Box::pin(root_ca::run(c))),
    ("endpoints", |c| Box::pin(endpoints::run(c))),
    ("endpointslice", |c| Box::pin(endpointslice::run(c))),
    ("nodelifecycle", |c| Box::pin(node_lifecycle::run(c))),
    ("disruption", |c| Box::pin(disruption::run(c))),
    ("servicelb", |c| Box::pin(service_lb::run(c))),
    ("local-storage", |c| Box::pin(local_path::run(c))),
    ("ephemeral-volume", |c| Box::pin(ephemeral::run(c))),
];

/// Starts every loop not named in `disabled`; returns their names. `root_ca` is the cluster
/// CA certificate (PEM) the namespaces publish.
pub fn start(
    client: kube::Client,
    disabled: &[String],
    root_ca: Option<&str>,
) -> Vec<&'static str> {
    let root_ca: Option<std::sync::Arc<str>> = root_ca.map(Into::into);
    let mut started = Vec::new();
    for (name, run) in LOOPS {
        if disabled.iter().any(|d| d == name) {
            continue;
        }
        let ctx = Context::new(client.clone(), name).with_root_ca(root_ca.clone());
        tokio::spawn(run(ctx));
        started.push(*name);
    }
    started
}

/// Errors from reconcilers; all are retried with back-off.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("API request failed: {0}")]
    Api(#[from] kube::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

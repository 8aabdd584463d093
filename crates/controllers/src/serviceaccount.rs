//! ServiceAccount controller: every active namespace has a `default` ServiceAccount; one
//! that is missing (a new namespace, or the account was deleted) is created. Terminating
//! namespaces are left alone (the API server refuses new content in them).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::PostParams;
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};

use crate::garbage_collector::is_status;
use crate::{Context, Error, Result};

/// The accounts every namespace gets.
pub const DEFAULT_ACCOUNTS: &[&str] = &["default"];

pub async fn run(ctx: Context) {
    let namespaces: Api<Namespace> = Api::all(ctx.client.clone());
    let accounts: Api<ServiceAccount> = Api::all(ctx.client.clone());
    Controller::new(namespaces, watcher::Config::default())
        .watches(accounts, watcher::Config::default(), |sa| {
            let managed = DEFAULT_ACCOUNTS.contains(&sa.name_any().as_str());
            sa.namespace()
                .filter(|_| managed)
                .map(|ns| ObjectRef::new(&ns))
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_ns: Arc<Namespace>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "serviceaccount reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

pub fn is_active(ns: &Namespace) -> bool {
    let phase = ns.status.as_ref().and_then(|s| s.phase.as_deref());
    ns.metadata.deletion_timestamp.is_none() && phase != Some("Terminating")
}

async fn reconcile(ns: Arc<Namespace>, ctx: Arc<Context>) -> Result<Action> {
    if !is_active(&ns) {
        return Ok(Action::await_change());
    }
    let namespace = ns.name_any();
    let api: Api<ServiceAccount> = Api::namespaced(ctx.client.clone(), &namespace);
    for name in DEFAULT_ACCOUNTS {
        if api.get_opt(name).await?.is_some() {
            continue;
        }
        let sa = ServiceAccount {
            metadata: ObjectMeta {
                name: Some(name.to_string()),
                namespace: Some(namespace.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        if create_in_namespace(&api, &sa).await? {
            tracing::debug!(namespace, name, "created service account");
        }
    }
    Ok(Action::await_change())
}

/// Creates an object a namespace must hold. Returns false when there was nothing to do: it
/// was created meanwhile, or the namespace is terminating or gone.
pub(crate) async fn create_in_namespace<K>(api: &Api<K>, obj: &K) -> Result<bool>
where
    K: kube::Resource + Clone + serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    match api.create(&PostParams::default(), obj).await {
        Ok(_) => Ok(true),
        Err(e) if is_status(&e, 409) || is_status(&e, 403) || is_status(&e, 404) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::NamespaceStatus;

    #[test]
    fn terminating_namespaces_are_not_active() {
        let mut ns = Namespace::default();
        assert!(is_active(&ns));
        ns.status = Some(NamespaceStatus {
            phase: Some("Terminating".into()),
            ..Default::default()
        });
        assert!(!is_active(&ns));
    }
}

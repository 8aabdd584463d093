//! Root CA publisher: every active namespace has the ConfigMap `kube-root-ca.crt` with the
//! cluster CA (`ca.crt`), which service-account volumes project next to the token so that
//! in-cluster clients can verify the API server. A missing or edited one is put back.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};

use crate::serviceaccount::{create_in_namespace, is_active};
use crate::{Context, Error, Result};

pub const CONFIGMAP: &str = "kube-root-ca.crt";

pub async fn run(ctx: Context) {
    if ctx.root_ca.is_none() {
        tracing::warn!("root CA publisher: no CA certificate given; not started");
        return;
    }
    let namespaces: Api<Namespace> = Api::all(ctx.client.clone());
    let maps: Api<ConfigMap> = Api::all(ctx.client.clone());
    Controller::new(namespaces, watcher::Config::default())
        .watches(
            maps,
            watcher::Config::default().fields(&format!("metadata.name={CONFIGMAP}")),
            |cm| cm.namespace().map(|ns| ObjectRef::new(&ns)),
        )
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_ns: Arc<Namespace>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "root CA publisher reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// The data the ConfigMap must hold.
fn wanted(ca: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("ca.crt".to_string(), ca.to_string())])
}

async fn reconcile(ns: Arc<Namespace>, ctx: Arc<Context>) -> Result<Action> {
    let Some(ca) = ctx.root_ca.as_deref() else {
        return Ok(Action::await_change());
    };
    if !is_active(&ns) {
        return Ok(Action::await_change());
    }
    let namespace = ns.name_any();
    let api: Api<ConfigMap> = Api::namespaced(ctx.client.clone(), &namespace);
    let data = wanted(ca);
    match api.get_opt(CONFIGMAP).await? {
        Some(cm) if cm.data.as_ref() == Some(&data) => {}
        Some(_) => {
            let patch = serde_json::json!({"data": data});
            api.patch(CONFIGMAP, &PatchParams::default(), &Patch::Merge(&patch))
                .await?;
        }
        None => {
            let cm = ConfigMap {
                metadata: ObjectMeta {
                    name: Some(CONFIGMAP.into()),
                    namespace: Some(namespace.clone()),
                    annotations: Some(BTreeMap::from([(
                        "kubernetes.io/description".to_string(),
                        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
                    )])),
                    ..Default::default()
                },
                data: Some(data),
                ..Default::default()
            };
            if create_in_namespace(&api, &cm).await? {
                tracing::debug!(namespace, "published the root CA");
            }
        }
    }
    Ok(Action::await_change())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configmap_holds_the_ca_under_ca_crt() {
        let d = wanted("PEM");
        assert_eq!(d.len(), 1);
        assert_eq!(d["ca.crt"], "PEM");
    }
}

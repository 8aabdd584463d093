//! Endpoints controller: for every Service with a selector, keeps an Endpoints object of the
//! same name listing the pods it selects, ready ones under `addresses` and the others under
//! `notReadyAddresses`, grouped into subsets by the ports they serve.
//!
//! Services and pods come from reflector caches; pod changes are mapped to the Services whose
//! selectors match the pod before and after the change. The current Endpoints object is read
//! from the API and only written when its subsets, labels or capacity marker differ.
//! Endpoints carry no owner reference (as upstream), so a deleted Service's Endpoints are
//! deleted explicitly, including ones left behind while the controller was not running.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use futures::{stream, StreamExt};
use k8s_openapi::api::core::v1::{Endpoints, ObjectReference, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::runtime::controller::{self, applier, Action};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client, ResourceExt};

use crate::service_endpoints::{
    self as se, Informers, TriggerTimeTracker, OVER_CAPACITY_ANNOTATION, TRIGGER_TIME_ANNOTATION,
};
use crate::{Context, Error, Result};

/// Services reconciled at once.
const CONCURRENCY: u16 = 8;

/// Annotation of the Endpoints objects old leader-election locks use; never cleaned up.
const LEADER_ANNOTATION: &str = "control-plane.alpha.kubernetes.io/leader";

struct Shared {
    ctx: Context,
    informers: Informers,
    tracker: TriggerTimeTracker,
}

pub async fn run(ctx: Context) {
    let client = ctx.client.clone();
    let (informers, triggers) = Informers::start(&client);
    let services = informers.services.clone();
    let shared = Arc::new(Shared {
        ctx,
        informers,
        tracker: TriggerTimeTracker::default(),
    });
    let queue = stream::select_all([
        triggers,
        deleted_endpoints(client.clone(), services.clone()).boxed(),
        leftover_endpoints(client, shared.informers.clone()).boxed(),
    ])
    .map(Ok::<_, Infallible>);
    applier(
        |svc, shared| {
            Box::pin(async move {
                tokio::spawn(reconcile(svc, shared))
                    .await
                    .unwrap_or_else(|e| Err(Error::Invalid(e.to_string())))
            })
        },
        error_policy,
        shared.clone(),
        services,
        queue,
        controller::Config::default().concurrency(CONCURRENCY),
    )
    .for_each_concurrent(16, |res| {
        let shared = shared.clone();
        async move {
            match res {
                Err(controller::Error::ObjectNotFound(r)) => {
                    remove(&shared, r.namespace.as_deref().unwrap_or_default(), &r.name).await
                }
                Err(e) => tracing::debug!(error = %e, "endpoints sync failed"),
                Ok(_) => {}
            }
        }
    })
    .await;
}

fn error_policy(_svc: Arc<Service>, err: &Error, _shared: Arc<Shared>) -> Action {
    tracing::debug!(error = %err, "endpoints reconcile failed");
    Action::requeue(Duration::from_secs(1))
}

/// Endpoints deleted from under a cached Service: its key, so they are recreated.
fn deleted_endpoints(
    client: Client,
    services: Store<Service>,
) -> impl futures::Stream<Item = ObjectRef<Service>> + Send {
    watcher::watcher(Api::<Endpoints>::all(client), watcher::Config::default())
        .default_backoff()
        .filter_map(move |ev| {
            let key = match ev {
                Ok(Event::Delete(ep)) => {
                    let r =
                        ObjectRef::new(&ep.name_any()).within(&ep.namespace().unwrap_or_default());
                    services.get(&r).map(|_| r)
                }
                _ => None,
            };
            futures::future::ready(key)
        })
}

/// Once the Service cache is complete: the keys of Endpoints whose Service is gone (deleted
/// while the controller was not running), so they are cleaned up.
fn leftover_endpoints(
    client: Client,
    informers: Informers,
) -> impl futures::Stream<Item = ObjectRef<Service>> + Send {
    stream::once(async move {
        informers.services_ready.wait().await;
        let listed = match Api::<Endpoints>::all(client)
            .list(&ListParams::default())
            .await
        {
            Ok(l) => l.items,
            Err(e) => {
                tracing::debug!(error = %e, "listing endpoints failed; leftovers stay");
                return Vec::new();
            }
        };
        listed
            .iter()
            .filter(|ep| !ep.annotations().contains_key(LEADER_ANNOTATION))
            .map(|ep| ObjectRef::new(&ep.name_any()).within(&ep.namespace().unwrap_or_default()))
            .filter(|r| informers.services.get(r).is_none())
            .collect()
    })
    .flat_map(stream::iter)
}

/// Deletes the Endpoints of a Service that no longer exists (the API, not the cache, decides).
async fn remove(shared: &Shared, ns: &str, name: &str) {
    let client = &shared.ctx.client;
    let svcs: Api<Service> = Api::namespaced(client.clone(), ns);
    let eps: Api<Endpoints> = Api::namespaced(client.clone(), ns);
    for attempt in 0..5u32 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
        }
        match svcs.get_opt(name).await {
            Ok(Some(_)) => return,
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(error = %e, "reading service failed");
                continue;
            }
        }
        shared.tracker.forget(ns, name);
        match eps.delete(name, &DeleteParams::default()).await {
            Ok(_) => return,
            Err(kube::Error::Api(e)) if e.code == 404 => return,
            Err(e) => tracing::debug!(error = %e, "deleting endpoints failed"),
        }
    }
}

/// The Service's labels, plus the headless marker for headless Services.
fn desired_labels(svc: &Service) -> std::collections::BTreeMap<String, String> {
    let mut labels = svc.labels().clone();
    if se::is_headless(svc) {
        labels.insert(se::LABEL_HEADLESS.into(), String::new());
    } else {
        labels.remove(se::LABEL_HEADLESS);
    }
    labels
}

/// Builds the Endpoints object a Service should have, starting from the current one; None when
/// the current one already says the same.
pub fn desired_endpoints(
    svc: &Service,
    pods: &[&k8s_openapi::api::core::v1::Pod],
    current: Option<&Endpoints>,
    trigger_time: Option<k8s_openapi::jiff::Timestamp>,
) -> Option<Endpoints> {
    let mut subsets = se::endpoint_subsets(svc, pods);
    let truncated = se::truncate(&mut subsets);
    let labels = desired_labels(svc);
    if let Some(cur) = current {
        let same_subsets =
            se::normalize_subsets(cur.subsets.as_deref()) == se::normalize_subsets(Some(&subsets));
        let same_labels = cur.labels() == &labels;
        let marked = cur.annotations().contains_key(OVER_CAPACITY_ANNOTATION);
        if same_subsets && same_labels && marked == truncated {
            return None;
        }
    }
    let mut ep = current.cloned().unwrap_or_else(|| Endpoints {
        metadata: ObjectMeta {
            name: Some(svc.name_any()),
            namespace: svc.namespace(),
            ..Default::default()
        },
        subsets: None,
    });
    ep.metadata.managed_fields = None;
    ep.metadata.labels = (!labels.is_empty()).then_some(labels);
    let annotations = ep.annotations_mut();
    match trigger_time {
        Some(t) => {
            annotations.insert(TRIGGER_TIME_ANNOTATION.into(), se::format_time(t));
        }
        None => {
            annotations.remove(TRIGGER_TIME_ANNOTATION);
        }
    }
    if truncated {
        annotations.insert(OVER_CAPACITY_ANNOTATION.into(), "truncated".into());
    } else {
        annotations.remove(OVER_CAPACITY_ANNOTATION);
    }
    if annotations.is_empty() {
        ep.metadata.annotations = None;
    }
    ep.subsets = (!subsets.is_empty()).then_some(subsets);
    Some(ep)
}

async fn reconcile(svc: Arc<Service>, shared: Arc<Shared>) -> Result<Action> {
    shared.informers.ready().await;
    if se::managed_selector(&svc).is_none() {
        return Ok(Action::await_change());
    }
    let ns = svc.namespace().unwrap_or_default();
    let name = svc.name_any();
    let pods = shared.informers.pods_for(&svc);
    let pods: Vec<_> = pods.iter().map(AsRef::as_ref).collect();
    let trigger_time = shared.tracker.compute(&svc, &pods);
    let api: Api<Endpoints> = Api::namespaced(shared.ctx.client.clone(), &ns);
    let current = api.get_opt(&name).await?;
    let Some(ep) = desired_endpoints(&svc, &pods, current.as_ref(), trigger_time) else {
        return Ok(Action::await_change());
    };
    let params = PostParams::default();
    let (result, reason, note) = match &current {
        None => (
            api.create(&params, &ep).await,
            "FailedToCreateEndpoint",
            format!("Failed to create endpoint for service {ns}/{name}"),
        ),
        Some(_) => (
            api.replace(&name, &params, &ep).await,
            "FailedToUpdateEndpoint",
            format!("Failed to update endpoint {ns}/{name}"),
        ),
    };
    match result {
        Ok(_) => Ok(Action::await_change()),
        Err(kube::Error::Api(e))
            if current.is_none() && e.code == 403 && e.message.contains("being terminated") =>
        {
            Ok(Action::await_change())
        }
        Err(e) => {
            let regarding = ObjectReference {
                api_version: Some("v1".into()),
                kind: Some("Endpoints".into()),
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                uid: current.as_ref().and_then(|c| c.metadata.uid.clone()),
                ..Default::default()
            };
            shared
                .ctx
                .event(&regarding, true, reason, "Update", format!("{note}: {e}"))
                .await;
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service_endpoints::tests::{pod, service, svc_port};
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    #[test]
    fn endpoints_copy_service_labels_and_are_not_rewritten_when_unchanged() {
        let mut svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        svc.metadata.labels = Some([("tier".to_string(), "front".to_string())].into());
        let a = pod("a", "198.18.0.1", true);
        let t: k8s_openapi::jiff::Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
        let ep = desired_endpoints(&svc, &[&a], None, Some(t)).unwrap();
        assert_eq!(ep.metadata.name.as_deref(), Some("web"));
        assert_eq!(ep.labels().get("tier").map(String::as_str), Some("front"));
        assert_eq!(
            ep.annotations()
                .get(TRIGGER_TIME_ANNOTATION)
                .map(String::as_str),
            Some("2025-01-01T00:00:00Z")
        );
        // As the API would return it: ports' empty names dropped, resource versions added.
        let mut stored = ep.clone();
        stored.metadata.resource_version = Some("5".into());
        assert!(desired_endpoints(&svc, &[&a], Some(&stored), None).is_none());

        let b = pod("b", "198.18.0.2", false);
        let next = desired_endpoints(&svc, &[&a, &b], Some(&stored), None).unwrap();
        assert_eq!(next.metadata.resource_version.as_deref(), Some("5"));
        assert!(!next.annotations().contains_key(TRIGGER_TIME_ANNOTATION));
        let subset = &next.subsets.as_ref().unwrap()[0];
        assert_eq!(
            subset.not_ready_addresses.as_ref().unwrap()[0].ip,
            "198.18.0.2"
        );
    }

    #[test]
    fn headless_services_mark_their_endpoints() {
        let mut svc = service(vec![svc_port("", 80, IntOrString::Int(8080))]);
        svc.spec.as_mut().unwrap().cluster_ip = Some("None".into());
        let ep = desired_endpoints(&svc, &[], None, None).unwrap();
        assert_eq!(
            ep.labels().get(se::LABEL_HEADLESS).map(String::as_str),
            Some("")
        );
        assert!(ep.subsets.is_none());
        // A label change on the Service alone is a change.
        let mut labelled = svc.clone();
        labelled.metadata.labels = Some([("a".to_string(), "b".to_string())].into());
        assert!(desired_endpoints(&labelled, &[], Some(&ep), None).is_some());
        assert!(desired_endpoints(&svc, &[], Some(&ep), None).is_none());
    }
}

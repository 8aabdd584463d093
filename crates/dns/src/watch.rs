//! Keeping [`Records`] in step with the API: one watcher for Services and one for
//! EndpointSlices, across all namespaces.
//!
//! A (re)list is buffered until it is complete and then replaces the whole set, so objects
//! deleted while the watch was down disappear, and the old records keep answering until the
//! new list is in. Watch errors are retried by the watcher itself, paced by kube-runtime's
//! default back-off.

use std::fmt::Debug;
use std::pin::pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::serde::de::DeserializeOwned;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Client, Resource, ResourceExt};

use crate::records::Records;

/// A kind of object the zone is built from, and how it enters [`Records`].
trait Source: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + 'static {
    /// For logs.
    const KIND: &'static str;
    fn apply(records: &mut Records, object: &Self);
    fn delete(records: &mut Records, namespace: &str, name: &str);
    fn replace(records: &mut Records, objects: &[Self]);
}

impl Source for Service {
    const KIND: &'static str = "Service";
    fn apply(records: &mut Records, object: &Self) {
        records.apply_service(object);
    }
    fn delete(records: &mut Records, namespace: &str, name: &str) {
        records.delete_service(namespace, name);
    }
    fn replace(records: &mut Records, objects: &[Self]) {
        records.replace_services(objects);
    }
}

impl Source for EndpointSlice {
    const KIND: &'static str = "EndpointSlice";
    fn apply(records: &mut Records, object: &Self) {
        records.apply_slice(object);
    }
    fn delete(records: &mut Records, namespace: &str, name: &str) {
        records.delete_slice(namespace, name);
    }
    fn replace(records: &mut Records, objects: &[Self]) {
        records.replace_slices(objects);
    }
}

/// Follows Services and EndpointSlices in all namespaces into `records`. Runs until the task
/// is dropped or aborted.
pub async fn follow(client: Client, records: Arc<RwLock<Records>>) {
    let services = follow_kind(Api::<Service>::all(client.clone()), Arc::clone(&records));
    let slices = follow_kind(Api::<EndpointSlice>::all(client), records);
    futures::join!(services, slices);
}

/// Pause before starting a new watcher should a stream ever end.
const RESTART_DELAY: Duration = Duration::from_secs(1);

async fn follow_kind<K: Source>(api: Api<K>, records: Arc<RwLock<Records>>) {
    loop {
        let stream = watcher::watcher(api.clone(), watcher::Config::default()).default_backoff();
        let mut stream = pin!(stream);
        // Objects of a list in progress; `None` between lists.
        let mut listing: Option<Vec<K>> = None;
        while let Some(event) = stream.next().await {
            match event {
                Ok(Event::Apply(object)) => K::apply(&mut write(&records), &object),
                Ok(Event::Delete(object)) => {
                    let namespace = object.namespace().unwrap_or_else(|| "default".to_owned());
                    K::delete(&mut write(&records), &namespace, &object.name_any());
                }
                Ok(Event::Init) => listing = Some(Vec::new()),
                Ok(Event::InitApply(object)) => listing.get_or_insert_with(Vec::new).push(object),
                Ok(Event::InitDone) => {
                    let objects = listing.take().unwrap_or_default();
                    K::replace(&mut write(&records), &objects);
                    tracing::debug!(kind = K::KIND, count = objects.len(), "DNS listed");
                }
                Err(error) => {
                    tracing::warn!(kind = K::KIND, %error, "DNS watch failed; retrying");
                }
            }
        }
        tracing::warn!(kind = K::KIND, "DNS watch ended; restarting");
        tokio::time::sleep(RESTART_DELAY).await;
    }
}

/// The write lock, held for one update. Poisoning is ignored: a panic while holding it would
/// be a bug in `Records`, and answering from that index beats stopping cluster DNS.
fn write(records: &RwLock<Records>) -> std::sync::RwLockWriteGuard<'_, Records> {
    records.write().unwrap_or_else(PoisonError::into_inner)
}

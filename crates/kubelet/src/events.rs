//! core/v1 events about pods, reported as `kubelet` from this node. Repeats of one event bump
//! its count instead of creating another.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};
use serde_json::json;
use tokio::sync::Mutex;

#[derive(Clone)]
pub struct Recorder {
    client: Client,
    host: String,
    seen: Arc<Mutex<HashMap<String, (String, i32)>>>,
}

/// The reference events about `pod` point at (optionally one of its containers).
pub fn pod_ref(pod: &Pod, container: Option<&str>) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("Pod".into()),
        name: Some(pod.name_any()),
        namespace: pod.namespace(),
        uid: pod.metadata.uid.clone(),
        resource_version: pod.metadata.resource_version.clone(),
        field_path: container.map(|c| format!("spec.containers{{{c}}}")),
    }
}

impl Recorder {
    pub fn new(client: Client, host: String) -> Recorder {
        Recorder {
            client,
            host,
            seen: Arc::default(),
        }
    }

    /// Records an event; failures are logged only (events are best effort).
    pub async fn record(
        &self,
        regarding: ObjectReference,
        warning: bool,
        reason: &str,
        note: String,
    ) {
        let type_ = if warning { "Warning" } else { "Normal" };
        let ns = regarding
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let key = format!(
            "{}|{}|{type_}|{reason}|{note}",
            regarding.uid.as_deref().unwrap_or_default(),
            regarding.field_path.as_deref().unwrap_or_default()
        );
        let api: Api<Event> = Api::namespaced(self.client.clone(), &ns);
        let now = Timestamp::now();
        let mut seen = self.seen.lock().await;
        if let Some((name, count)) = seen.get(&key).cloned() {
            let patch = json!({"count": count + 1, "lastTimestamp": Time(now)});
            if api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .is_ok()
            {
                seen.insert(key, (name, count + 1));
                return;
            }
        }
        let ev = Event {
            metadata: ObjectMeta {
                generate_name: Some(format!("{}.", regarding.name.as_deref().unwrap_or("event"))),
                namespace: Some(ns),
                ..Default::default()
            },
            involved_object: regarding,
            reason: Some(reason.into()),
            message: Some(note),
            type_: Some(type_.into()),
            count: Some(1),
            first_timestamp: Some(Time(now)),
            last_timestamp: Some(Time(now)),
            source: Some(EventSource {
                component: Some("kubelet".into()),
                host: Some(self.host.clone()),
            }),
            ..Default::default()
        };
        match api.create(&PostParams::default(), &ev).await {
            Ok(created) => {
                if seen.len() > 4096 {
                    seen.clear();
                }
                seen.insert(key, (created.metadata.name.unwrap_or_default(), 1));
            }
            Err(e) => tracing::warn!(error = %e, "recording event failed"),
        }
    }
}

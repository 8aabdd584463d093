//! What every control loop shares: the API client, its event recorder and its name.

use std::collections::HashMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use serde_json::json;
use tokio::sync::Mutex;

#[derive(Clone)]
pub struct Context {
    pub client: Client,
    pub name: &'static str,
    /// The cluster CA certificate (PEM) that namespaces publish in `kube-root-ca.crt`.
    pub root_ca: Option<Arc<str>>,
    recorder: Arc<Mutex<HashMap<String, (String, i32)>>>,
}

impl Context {
    pub fn new(client: Client, name: &'static str) -> Context {
        Context {
            client,
            name,
            root_ca: None,
            recorder: Arc::default(),
        }
    }

    pub fn with_root_ca(mut self, pem: Option<Arc<str>>) -> Context {
        self.root_ca = pem;
        self
    }

    /// The component name events are reported from (`replicaset-controller`, `default-scheduler`).
    pub fn component(&self) -> String {
        match self.name {
            "scheduler" => "default-scheduler".to_string(),
            n => format!("{n}-controller"),
        }
    }

    /// Records a core/v1 event. A repeat of the same event (object, type, reason and message)
    /// bumps its count instead of creating another, as upstream's recorder does. Failures are
    /// logged, never fatal: events are best effort.
    pub async fn event(
        &self,
        regarding: &ObjectReference,
        warning: bool,
        reason: &str,
        action: &str,
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
            regarding.name.as_deref().unwrap_or_default()
        );
        let events: Api<Event> = Api::namespaced(self.client.clone(), &ns);
        let now = Timestamp::now();
        let mut cache = self.recorder.lock().await;
        if let Some((name, count)) = cache.get(&key).cloned() {
            let patch = json!({"count": count + 1, "lastTimestamp": Time(now)});
            if events
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .is_ok()
            {
                cache.insert(key, (name, count + 1));
                return;
            }
        }
        let ev = Event {
            metadata: ObjectMeta {
                generate_name: Some(format!("{}.", regarding.name.as_deref().unwrap_or("event"))),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            involved_object: regarding.clone(),
            reason: Some(reason.to_string()),
            message: Some(note),
            type_: Some(type_.to_string()),
            action: Some(action.to_string()),
            count: Some(1),
            first_timestamp: Some(Time(now)),
            last_timestamp: Some(Time(now)),
            event_time: Some(MicroTime(now)),
            reporting_component: Some(self.component()),
            reporting_instance: Some(format!("{}-rudder", self.component())),
            source: Some(EventSource {
                component: Some(self.component()),
                host: None,
            }),
            ..Default::default()
        };
        match events.create(&PostParams::default(), &ev).await {
            Ok(created) => {
                if cache.len() > 4096 {
                    cache.clear();
                }
                cache.insert(key, (created.metadata.name.unwrap_or_default(), 1));
            }
            Err(e) => tracing::debug!(controller = self.name, error = %e, "recording event failed"),
        }
    }
}

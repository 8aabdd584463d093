//! Watch streams: newline-delimited JSON events over a chunked response.
//!
//! A watch without a resourceVersion (or with "0") first sends the current objects as ADDED
//! events, then every change after that list's revision. Selector transitions become ADDED or
//! DELETED, as Kubernetes' watch cache does. Too-old revisions get an ERROR event with a 410.

use std::time::Duration;

use apimachinery::catalog::Resource;
use bytes::Bytes;
use serde_json::{json, Value};
use store::{EventKind, ListOptions, StoreError};
use tokio::sync::mpsc;

use crate::codec::{self, Output};
use crate::error::{ApiError, ApiResult};
use crate::registry;
use crate::request::{Query, ResourceRequest};
use crate::rest::Filter;
use crate::stored_json;
use crate::ApiServer;

const BOOKMARK_INTERVAL: Duration = Duration::from_secs(30);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

/// Renders events in the client's representation; tables carry column headers only once.
struct Encoder {
    res: &'static Resource,
    out: Output,
    headers_sent: bool,
}

impl Encoder {
    fn event(&mut self, kind: &str, obj: Value) -> Bytes {
        let object = match self.out {
            Output::Json => obj,
            Output::PartialMetadata => codec::render_object(self.res, obj, Output::PartialMetadata),
            Output::Table { include_object } => {
                let rv = obj
                    .pointer("/metadata/resourceVersion")
                    .cloned()
                    .unwrap_or(Value::Null);
                let t = codec::to_table(
                    self.res,
                    std::slice::from_ref(&obj),
                    json!({"resourceVersion": rv}),
                    include_object,
                    !self.headers_sent,
                );
                self.headers_sent = true;
                t
            }
        };
        line(&json!({"type": kind, "object": object}))
    }

    /// Plain JSON to a client that sees every object: stored objects are spliced into event
    /// lines without being decoded ([`stored_json`]).
    fn passes_everything(&self, filter: &Filter) -> bool {
        self.out == Output::Json && filter.is_everything()
    }

    fn bookmark(&self, revision: i64) -> Bytes {
        let (api_version, kind) = match self.out {
            Output::Table { .. } => ("meta.k8s.io/v1".to_string(), "Table".to_string()),
            _ => (self.res.api_version(), self.res.kind.to_string()),
        };
        line(
            &json!({"type": "BOOKMARK", "object": {"kind": kind, "apiVersion": api_version,
                                                    "metadata": {"resourceVersion": revision.to_string()}}}),
        )
    }
}

fn line(v: &Value) -> Bytes {
    let mut buf = serde_json::to_vec(v).unwrap_or_default();
    buf.push(b'\n');
    Bytes::from(buf)
}

fn error_event(e: &ApiError) -> Bytes {
    line(&json!({"type": "ERROR", "object": e.status_json()}))
}

impl ApiServer {
    /// Starts a watch; chunks of the response body arrive on the returned channel.
    pub(crate) async fn watch(
        &self,
        rr: &ResourceRequest,
        q: &Query,
        out: Output,
    ) -> ApiResult<mpsc::Receiver<Bytes>> {
        let res = rr.resource;
        let mut q = q.clone();
        if let Some(name) = &rr.name {
            let fs = match q.get("fieldSelector").filter(|s| !s.is_empty()) {
                Some(s) => format!("{s},metadata.name={name}"),
                None => format!("metadata.name={name}"),
            };
            q.set("fieldSelector", &fs);
        }
        let filter = Filter::from_query(res, &q)?;
        let bookmarks = q.flag("allowWatchBookmarks");
        let timeout = q
            .int("timeoutSeconds")?
            .filter(|t| *t > 0)
            .map(|t| Duration::from_secs(t as u64))
            .unwrap_or(DEFAULT_TIMEOUT);
        let prefix = registry::list_prefix(res, rr.namespace.as_deref());
        let mut enc = Encoder {
            res,
            out,
            headers_sent: false,
        };
        let (tx, rx) = mpsc::channel::<Bytes>(256);

        let requested = q.get("resourceVersion").unwrap_or("");
        let mut initial = Vec::new();
        let start = if requested.is_empty() || requested == "0" {
            let list = self.store.list(&prefix, ListOptions::default()).await?;
            for kv in &list.kvs {
                if enc.passes_everything(&filter) {
                    let obj = registry::render_json(res, &kv.value, kv.mod_revision)?;
                    initial.push(Bytes::from(stored_json::watch_line("ADDED", &obj)));
                    continue;
                }
                let obj = registry::decode(res, kv)?;
                if filter.matches(&obj) {
                    initial.push(enc.event("ADDED", obj));
                }
            }
            list.revision
        } else {
            requested.parse::<i64>().map_err(|_| {
                ApiError::bad_request(format!("invalid resourceVersion {requested:?}"))
            })?
        };
        let watch = match self.store.watch(&prefix, start) {
            Ok(w) => w,
            Err(StoreError::Compacted { .. }) => {
                let e = ApiError::gone(format!(
                    "too old resource version: {start} ({})",
                    self.store.oldest_watchable_revision()
                ));
                let _ = tx.try_send(error_event(&e));
                return Ok(rx);
            }
            Err(e) => return Err(e.into()),
        };
        let store = self.store.clone();
        tokio::spawn(async move {
            for line in initial {
                if tx.send(line).await.is_err() {
                    return;
                }
            }
            let mut events = watch.events;
            let deadline = tokio::time::sleep(timeout);
            tokio::pin!(deadline);
            let mut tick = tokio::time::interval(BOOKMARK_INTERVAL);
            tick.tick().await;
            loop {
                tokio::select! {
                    ev = events.recv() => {
                        let Some(ev) = ev else { return };
                        let Some(bytes) = translate(&mut enc, res, &filter, &ev) else { continue };
                        if tx.send(bytes).await.is_err() {
                            return;
                        }
                    }
                    _ = tick.tick(), if bookmarks => {
                        if tx.send(enc.bookmark(store.current_revision())).await.is_err() {
                            return;
                        }
                    }
                    _ = tx.closed() => return,
                    _ = &mut deadline => return,
                }
            }
        });
        Ok(rx)
    }
}

/// One store event as the watch event this client should see, if any.
fn translate(
    enc: &mut Encoder,
    res: &Resource,
    filter: &Filter,
    ev: &store::Event,
) -> Option<Bytes> {
    if enc.passes_everything(filter) {
        // Every event is seen as it is: no object needs decoding.
        let event_type = match (ev.kind, ev.prev.is_some()) {
            (EventKind::Delete, false) => return None,
            (EventKind::Delete, true) => "DELETED",
            (EventKind::Put, false) => "ADDED",
            (EventKind::Put, true) => "MODIFIED",
        };
        let object = registry::render_json(res, &ev.kv.value, ev.kv.mod_revision).ok()?;
        return Some(Bytes::from(stored_json::watch_line(event_type, &object)));
    }
    let obj = registry::decode(res, &ev.kv).ok()?;
    let prev_matches = ev
        .prev
        .as_ref()
        .and_then(|p| registry::decode(res, p).ok())
        .is_some_and(|p| filter.matches(&p));
    match ev.kind {
        EventKind::Delete => prev_matches.then(|| enc.event("DELETED", obj)),
        EventKind::Put => {
            let now_matches = filter.matches(&obj);
            match (prev_matches, now_matches) {
                (false, true) => Some(enc.event("ADDED", obj)),
                (true, true) => Some(enc.event("MODIFIED", obj)),
                (true, false) => Some(enc.event("DELETED", obj)),
                (false, false) => None,
            }
        }
    }
}

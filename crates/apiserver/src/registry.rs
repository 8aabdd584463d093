//! Objects in the store: key layout, encoding, and the resourceVersion ↔ revision mapping.
//!
//! Objects are stored as JSON without `metadata.resourceVersion`; the store's mod revision is
//! the resourceVersion, injected on every read so it can never go stale.

use std::sync::Arc;

use apimachinery::catalog::Resource;
use apimachinery::convert;
use bytes::Bytes;
use serde_json::{json, Value};
use store::{KeyValue, Store};

use crate::error::{ApiError, ApiResult};

/// Storage key of one object: `/registry/{group}/{plural}/[{namespace}/]{name}`.
pub fn key(res: &Resource, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{}{ns}/{name}", resource_prefix(res)),
        None => format!("{}{name}", resource_prefix(res)),
    }
}

/// Prefix of every object of a resource, in all namespaces.
pub fn resource_prefix(res: &Resource) -> String {
    let group = if res.storage_group.is_empty() {
        "core"
    } else {
        res.storage_group
    };
    format!("/registry/{group}/{}/", res.plural)
}

/// Prefix of a list request: one namespace, or the whole resource.
pub fn list_prefix(res: &Resource, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if res.namespaced => format!("{}{ns}/", resource_prefix(res)),
        _ => resource_prefix(res),
    }
}

/// Decodes a stored value as the served version of `res`, with its resourceVersion.
pub fn decode(res: &Resource, kv: &KeyValue) -> ApiResult<Value> {
    decode_at(res, &kv.value, kv.mod_revision)
}

pub fn decode_at(res: &Resource, value: &[u8], revision: i64) -> ApiResult<Value> {
    let stored: Value = serde_json::from_slice(value)
        .map_err(|e| ApiError::internal(format!("stored object is corrupt: {e}")))?;
    let mut obj = convert::from_storage(res.group, res.version, res.kind, stored);
    apimachinery::meta::metadata_mut(&mut obj)
        .insert("resourceVersion".into(), json!(revision.to_string()));
    Ok(obj)
}

/// A stored value served as JSON, as `decode_at` and printing would give, without building
/// the tree when its stored shape is its served shape (everything but events.k8s.io Events).
pub fn render_json(res: &Resource, value: &[u8], revision: i64) -> ApiResult<Vec<u8>> {
    if !convert::needs_conversion(res.group) {
        if let Some(out) = crate::stored_json::render(value, res.kind, &res.api_version(), revision)
        {
            return Ok(out);
        }
    }
    let obj = decode_at(res, value, revision)?;
    serde_json::to_vec(&obj).map_err(|e| ApiError::internal(e.to_string()))
}

/// Encodes an object (already in its served version) for storage.
pub fn encode(res: &Resource, obj: &Value) -> Bytes {
    if convert::needs_conversion(res.group) {
        let stored = convert::to_storage(res.group, res.version, res.kind, obj.clone());
        return Bytes::from(serde_json::to_vec(&WithoutRevision(&stored)).unwrap_or_default());
    }
    Bytes::from(serde_json::to_vec(&WithoutRevision(obj)).unwrap_or_default())
}

/// Prints an object without its `metadata.resourceVersion` (which the store keeps beside it),
/// so that it need not be copied to have the field removed.
struct WithoutRevision<'a>(&'a Value);

impl serde::Serialize for WithoutRevision<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Value::Object(top) = self.0 else {
            return self.0.serialize(s);
        };
        let mut map = s.serialize_map(Some(top.len()))?;
        for (key, value) in top {
            match value {
                Value::Object(meta) if key == "metadata" => {
                    map.serialize_entry(key, &Skipping(meta, "resourceVersion"))?
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        map.end()
    }
}

/// A map without one key.
struct Skipping<'a>(&'a serde_json::Map<String, Value>, &'static str);

impl serde::Serialize for Skipping<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().filter(|(k, _)| k.as_str() != self.1))
    }
}

/// What reading an object back right after writing it with [`encode`] at `revision` gives,
/// without printing and parsing it again.
pub fn as_written(res: &Resource, obj: Value, revision: i64) -> Value {
    let mut stored = convert::to_storage(res.group, res.version, res.kind, obj);
    apimachinery::meta::metadata_mut(&mut stored).shift_remove("resourceVersion");
    let mut obj = convert::from_storage(res.group, res.version, res.kind, stored);
    apimachinery::meta::metadata_mut(&mut obj)
        .insert("resourceVersion".into(), json!(revision.to_string()));
    obj
}

/// Parses `metadata.resourceVersion` of a request object; empty means "unconditional".
pub fn requested_revision(obj: &Value) -> ApiResult<Option<i64>> {
    match apimachinery::meta::meta_str(obj, "resourceVersion") {
        None | Some("") => Ok(None),
        Some(rv) => rv
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("invalid resourceVersion {rv:?}"))),
    }
}

/// Reads one object, 404 when absent.
pub async fn get(
    store: &Arc<dyn Store>,
    res: &Resource,
    namespace: Option<&str>,
    name: &str,
) -> ApiResult<(Value, i64)> {
    let kv = get_stored(store, res, namespace, name).await?;
    Ok((decode(res, &kv)?, kv.mod_revision))
}

/// Reads one object as stored, 404 when absent.
pub async fn get_stored(
    store: &Arc<dyn Store>,
    res: &Resource,
    namespace: Option<&str>,
    name: &str,
) -> ApiResult<KeyValue> {
    store
        .get(&key(res, namespace, name))
        .await?
        .ok_or_else(|| ApiError::not_found(res.group, res.plural, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use apimachinery::catalog;

    fn read_back(res: &Resource, obj: &Value, revision: i64) -> Value {
        decode_at(res, &encode(res, obj), revision).unwrap()
    }

    #[test]
    fn written_objects_read_back_as_as_written_says() {
        let pods = catalog::find("", "v1", "pods").unwrap();
        let pod = json!({"metadata": {"name": "p", "resourceVersion": "7", "uid": "u"},
            "apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}});
        let events = catalog::find("events.k8s.io", "v1", "events").unwrap();
        let event = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "e", "namespace": "n", "resourceVersion": "3"},
            "reason": "Scheduled", "note": "n", "regarding": {"kind": "Pod", "name": "p"},
            "eventTime": "2026-01-01T00:00:00.000000Z"});
        for (res, obj) in [(pods, pod), (events, event)] {
            let expected = read_back(res, &obj, 12);
            let got = as_written(res, obj, 12);
            // Key order too: both print the same.
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
            assert_eq!(got["metadata"]["resourceVersion"], "12");
        }
    }

    #[test]
    fn stored_objects_leave_out_only_the_resource_version() {
        let pods = catalog::find("", "v1", "pods").unwrap();
        let pod = json!({"kind": "Pod", "metadata": {"a": 1, "resourceVersion": "7", "b": 2},
            "spec": {"resourceVersion": "kept"}});
        let stored: Value = serde_json::from_slice(&encode(pods, &pod)).unwrap();
        assert_eq!(
            stored,
            json!({"kind": "Pod", "metadata": {"a": 1, "b": 2}, "spec": {"resourceVersion": "kept"}})
        );
        assert_eq!(
            serde_json::to_string(&stored["metadata"]).unwrap(),
            r#"{"a":1,"b":2}"#
        );
    }
}

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

/// Encodes an object (already in its served version) for storage.
pub fn encode(res: &Resource, obj: &Value) -> Bytes {
    let mut stored = convert::to_storage(res.group, res.version, res.kind, obj.clone());
    apimachinery::meta::metadata_mut(&mut stored).remove("resourceVersion");
    Bytes::from(serde_json::to_vec(&stored).unwrap_or_default())
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
    match store.get(&key(res, namespace, name)).await? {
        Some(kv) => Ok((decode(res, &kv)?, kv.mod_revision)),
        None => Err(ApiError::not_found(res.group, res.plural, name)),
    }
}

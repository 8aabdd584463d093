//! Mutating admission that needs the store: what Kubernetes' admission plugins do to a new
//! object from other objects (the pure defaults are `apimachinery::defaults`).

use apimachinery::catalog::{self, Resource};
use serde_json::Value;
use store::{ListOptions, Store};

use crate::error::ApiResult;
use crate::registry;

/// The annotation that marks the default StorageClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// Mutates `obj`, about to be created as `res`.
pub(crate) async fn admit_create(
    store: &dyn Store,
    res: &Resource,
    obj: &mut Value,
) -> ApiResult<()> {
    if res.group.is_empty() && res.kind == "PersistentVolumeClaim" {
        default_storage_class(store, obj).await?;
    }
    Ok(())
}

/// DefaultStorageClass: a claim that names no class (the field absent, not `""`) gets the
/// default one; with several defaults, the newest.
async fn default_storage_class(store: &dyn Store, pvc: &mut Value) -> ApiResult<()> {
    if pvc
        .pointer("/spec/storageClassName")
        .is_some_and(|v| !v.is_null())
    {
        return Ok(());
    }
    let Some(classes) = catalog::find("storage.k8s.io", "v1", "storageclasses") else {
        return Ok(());
    };
    let list = store
        .list(&registry::resource_prefix(classes), ListOptions::default())
        .await?;
    let mut best: Option<(String, String)> = None;
    for kv in &list.kvs {
        let class = registry::decode(classes, kv)?;
        let is_default = class
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
            .and_then(Value::as_str)
            == Some("true");
        if !is_default {
            continue;
        }
        let name = class["metadata"]["name"].as_str().unwrap_or("").to_string();
        let created = class["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if best.as_ref().is_none_or(|(c, _)| created > *c) {
            best = Some((created, name));
        }
    }
    if let (Some((_, name)), Some(spec)) =
        (best, pvc.get_mut("spec").and_then(Value::as_object_mut))
    {
        spec.insert("storageClassName".into(), Value::String(name));
    }
    Ok(())
}

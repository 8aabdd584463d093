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
    if res.group.is_empty() && res.kind == "Pod" {
        service_account(store, obj).await?;
    }
    Ok(())
}

/// Where the service-account volume is mounted, as upstream.
pub const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// The ConfigMap with the cluster CA that every namespace gets.
pub const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

/// ServiceAccount admission: a pod runs as `default` unless it names an account, and unless
/// the pod or its account opts out it gets a projected `kube-api-access-*` volume (a bound
/// token, the cluster CA and its namespace) mounted in every container.
async fn service_account(store: &dyn Store, pod: &mut Value) -> ApiResult<()> {
    let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    let account = spec
        .get("serviceAccountName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            spec.get("serviceAccount")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or("default")
        .to_string();
    spec.insert("serviceAccountName".into(), Value::String(account.clone()));
    spec.insert("serviceAccount".into(), Value::String(account.clone()));
    let sa = service_account_object(store, pod, &account).await?;
    let Some(spec) = pod.get_mut("spec").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    // The account's pull secrets, for pods that name none.
    let pod_secrets = spec
        .get("imagePullSecrets")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let account_secrets = sa.as_ref().map(|sa| sa["imagePullSecrets"].clone());
    if let (false, Some(Value::Array(secrets))) = (pod_secrets, account_secrets) {
        if !secrets.is_empty() {
            spec.insert("imagePullSecrets".into(), Value::Array(secrets));
        }
    }
    // Unset on the pod: the account decides; a missing account (it may be created after
    // the pod, as `default` is for a new namespace) mounts.
    let automount = spec
        .get("automountServiceAccountToken")
        .and_then(Value::as_bool)
        .or_else(|| {
            sa.as_ref()
                .and_then(|sa| sa["automountServiceAccountToken"].as_bool())
        })
        .unwrap_or(true);
    if !automount {
        return Ok(());
    }
    let suffix: String = {
        use rand::Rng;
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut rng = rand::thread_rng();
        (0..5)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect()
    };
    let name = format!("kube-api-access-{suffix}");
    let volume = serde_json::json!({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": ROOT_CA_CONFIGMAP, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace",
                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ],
        },
    });
    let mut mounted = false;
    for list in ["initContainers", "containers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let mounts = c.as_object_mut().map(|c| {
                c.entry("volumeMounts")
                    .or_insert_with(|| Value::Array(Vec::new()))
            });
            let Some(Value::Array(mounts)) = mounts else {
                continue;
            };
            if mounts
                .iter()
                .any(|m| m["mountPath"] == SERVICE_ACCOUNT_MOUNT)
            {
                continue;
            }
            mounts.push(serde_json::json!({
                "name": name, "readOnly": true, "mountPath": SERVICE_ACCOUNT_MOUNT,
            }));
            mounted = true;
        }
    }
    if mounted {
        let volumes = spec
            .entry("volumes")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(v) = volumes {
            v.push(volume);
        }
    }
    Ok(())
}

/// The pod's service account, if it exists.
async fn service_account_object(
    store: &dyn Store,
    pod: &Value,
    account: &str,
) -> ApiResult<Option<Value>> {
    let Some(res) = catalog::find("", "v1", "serviceaccounts") else {
        return Ok(None);
    };
    let namespace = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    let key = registry::key(res, Some(namespace), account);
    match store.get(&key).await? {
        Some(kv) => Ok(Some(registry::decode(res, &kv)?)),
        None => Ok(None),
    }
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

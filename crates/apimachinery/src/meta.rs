//! ObjectMeta lifecycle rules: what the server sets on create, carries over on update, and how
//! deletion with finalizers works. Pure functions; the caller supplies time and randomness.

use serde_json::{json, Map, Value};

/// Kinds whose `metadata.generation` tracks spec changes (controllers compare it with
/// `status.observedGeneration`).
pub fn tracks_generation(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("apps", _)
            | ("batch", _)
            | ("autoscaling", _)
            | ("policy", "PodDisruptionBudget")
            | ("networking.k8s.io", "Ingress" | "NetworkPolicy")
            | ("", "ReplicationController")
    )
}

/// RFC 3339 with seconds precision, as Kubernetes serialises `metav1.Time`.
pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// The characters Kubernetes uses for `generateName` suffixes (no vowels, no confusable digits).
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A 5-character `generateName` suffix from caller-supplied random bytes.
pub fn name_suffix(random: [u8; 5]) -> String {
    random
        .iter()
        .map(|b| SUFFIX_ALPHABET[*b as usize % SUFFIX_ALPHABET.len()] as char)
        .collect()
}

pub fn metadata(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("metadata")?.as_object()
}

pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    obj["metadata"]
        .as_object_mut()
        .expect("metadata is an object")
}

pub fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    metadata(obj)?.get(field)?.as_str()
}

pub fn name(obj: &Value) -> &str {
    meta_str(obj, "name").unwrap_or("")
}

pub fn finalizers(obj: &Value) -> Vec<String> {
    metadata(obj)
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub fn is_deleting(obj: &Value) -> bool {
    metadata(obj).is_some_and(|m| m.get("deletionTimestamp").is_some_and(|t| !t.is_null()))
}

/// Sets the server-owned fields of a new object. `name` is the final name (after
/// `generateName`), `namespace` the request's namespace (None for cluster-scoped).
pub fn prepare_create(
    obj: &mut Value,
    name: &str,
    namespace: Option<&str>,
    uid: &str,
    now: &str,
    generation: bool,
) {
    let meta = metadata_mut(obj);
    meta.insert("name".into(), json!(name));
    match namespace {
        Some(ns) => meta.insert("namespace".into(), json!(ns)),
        None => meta.remove("namespace"),
    };
    meta.insert("uid".into(), json!(uid));
    meta.insert("creationTimestamp".into(), json!(now));
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    if generation {
        meta.insert("generation".into(), json!(1));
    } else {
        meta.remove("generation");
    }
}

/// Everything of an object but metadata and status: what counts as "spec" for generation.
fn spec_part(obj: &Value) -> Map<String, Value> {
    obj.as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Carries server-owned fields from `old` into the updated object `new` (a main-resource
/// update): identity and timestamps are kept, status is kept when the kind has a status
/// subresource, and generation is bumped when the spec changed.
pub fn prepare_update(old: &Value, new: &mut Value, has_status: bool, generation: bool) {
    if has_status {
        match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(o) = new.as_object_mut() {
                    o.remove("status");
                }
            }
        }
    }
    let old_meta = metadata(old).cloned().unwrap_or_default();
    let spec_changed = spec_part(old) != spec_part(new);
    let meta = metadata_mut(new);
    for key in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        match old_meta.get(key) {
            Some(v) => meta.insert(key.into(), v.clone()),
            None => meta.remove(key),
        };
    }
    meta.remove("selfLink");
    if generation {
        let g = old_meta
            .get("generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        meta.insert(
            "generation".into(),
            json!(if spec_changed { g + 1 } else { g }),
        );
    } else {
        meta.remove("generation");
    }
}

/// A status-subresource update: only `status` changes; everything else comes from `old`.
pub fn merge_status(old: &Value, new: &Value) -> Value {
    let mut out = old.clone();
    match new.get("status") {
        Some(s) => out["status"] = s.clone(),
        None => {
            if let Some(o) = out.as_object_mut() {
                o.remove("status");
            }
        }
    }
    out
}

/// What a delete request does to a stored object.
#[derive(Debug, PartialEq)]
pub enum DeleteOutcome {
    /// Remove it from the store now.
    Remove,
    /// Keep it, updated to this (deletionTimestamp set; finalizers or a grace period pending).
    MarkDeleting(Value),
    /// Already marked and nothing changes.
    Unchanged,
}

fn is_namespace(obj: &Value) -> bool {
    obj.get("kind").and_then(Value::as_str) == Some("Namespace")
        && obj.get("apiVersion").and_then(Value::as_str) == Some("v1")
}

/// True while something must still happen before a deleting object may go: metadata
/// finalizers, or a namespace's `spec.finalizers` (content not yet removed).
pub fn deletion_blocked(obj: &Value) -> bool {
    let namespace_pending = is_namespace(obj)
        && obj
            .pointer("/spec/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
    !finalizers(obj).is_empty() || namespace_pending
}

/// The finalizer the garbage collector honours for a propagation policy.
pub fn propagation_finalizer(policy: Option<&str>) -> Option<&'static str> {
    match policy {
        Some("Orphan") => Some("orphan"),
        Some("Foreground") => Some("foregroundDeletion"),
        _ => None,
    }
}

/// The finalizers an object gets when a delete names a propagation policy: the garbage
/// collector's finalizers (`orphan`, `foregroundDeletion`) are replaced by the one the policy
/// asks for, so the latest explicit policy wins (a Background delete of an object waiting in
/// the foreground drops `foregroundDeletion`). None when nothing changes, including when no
/// policy was named (the finalizers already there are honoured).
fn gc_finalizers(current: &[String], propagation: Option<&str>) -> Option<Vec<String>> {
    let policy = propagation?;
    let gc = ["orphan", "foregroundDeletion"];
    let mut wanted: Vec<String> = current
        .iter()
        .filter(|f| !gc.contains(&f.as_str()))
        .cloned()
        .collect();
    if let Some(f) = propagation_finalizer(Some(policy)) {
        wanted.push(f.to_string());
    }
    let same = wanted.len() == current.len() && wanted.iter().all(|f| current.contains(f));
    (!same).then_some(wanted)
}

/// Decides a delete. Objects with finalizers (including the one an Orphan or Foreground
/// propagation policy adds), namespaces with content, and pods with a grace period are only
/// marked with a deletionTimestamp; everything else is removed now.
pub fn plan_delete(
    obj: &Value,
    grace_period: Option<i64>,
    propagation: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> DeleteOutcome {
    let new_finalizers = gc_finalizers(&finalizers(obj), propagation);
    let mut planned = obj.clone();
    if let Some(f) = &new_finalizers {
        let meta = metadata_mut(&mut planned);
        if f.is_empty() {
            meta.remove("finalizers");
        } else {
            meta.insert("finalizers".into(), json!(f));
        }
    }
    let blocked = deletion_blocked(&planned);
    let grace = grace_period.unwrap_or(0).max(0);
    if !blocked && grace == 0 {
        return DeleteOutcome::Remove;
    }
    let already = is_deleting(obj);
    let current_grace = metadata(obj)
        .and_then(|m| m.get("deletionGracePeriodSeconds"))
        .and_then(Value::as_i64);
    // A repeated delete may only shorten a pending grace period.
    if already && new_finalizers.is_none() && current_grace.is_some_and(|g| grace >= g) {
        return DeleteOutcome::Unchanged;
    }
    let mut out = planned;
    if is_namespace(&out) {
        out["status"]["phase"] = json!("Terminating");
    }
    let meta = metadata_mut(&mut out);
    if !already || current_grace.is_none_or(|g| grace < g) {
        let at = now + chrono::Duration::seconds(grace);
        meta.insert("deletionTimestamp".into(), json!(format_time(at)));
        meta.insert("deletionGracePeriodSeconds".into(), json!(grace));
    }
    DeleteOutcome::MarkDeleting(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_sets_identity_and_generation() {
        let mut o =
            json!({"metadata": {"name": "x", "resourceVersion": "5", "uid": "bogus"}, "spec": {}});
        prepare_create(&mut o, "x", Some("ns"), "u-1", "2026-01-01T00:00:00Z", true);
        assert_eq!(o["metadata"]["uid"], "u-1");
        assert_eq!(o["metadata"]["namespace"], "ns");
        assert_eq!(o["metadata"]["generation"], 1);
        assert!(o["metadata"].get("resourceVersion").is_none());
    }

    #[test]
    fn update_bumps_generation_only_on_spec_change_and_keeps_status() {
        let old = json!({"metadata": {"name": "x", "uid": "u", "generation": 3, "creationTimestamp": "t"},
                         "spec": {"replicas": 1}, "status": {"replicas": 1}});
        let mut same = json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"replicas": 1}, "status": {}});
        prepare_update(&old, &mut same, true, true);
        assert_eq!(same["metadata"]["generation"], 3);
        assert_eq!(same["metadata"]["uid"], "u");
        assert_eq!(same["status"]["replicas"], 1);
        let mut changed = json!({"metadata": {"name": "x"}, "spec": {"replicas": 2}});
        prepare_update(&old, &mut changed, true, true);
        assert_eq!(changed["metadata"]["generation"], 4);
    }

    #[test]
    fn delete_plans() {
        let now = chrono::Utc::now();
        assert_eq!(
            plan_delete(&json!({"metadata": {}}), None, None, now),
            DeleteOutcome::Remove
        );
        let with_fin = json!({"metadata": {"finalizers": ["x"]}});
        assert!(matches!(
            plan_delete(&with_fin, None, None, now),
            DeleteOutcome::MarkDeleting(_)
        ));
        let pod = json!({"metadata": {}});
        match plan_delete(&pod, Some(30), None, now) {
            DeleteOutcome::MarkDeleting(o) => {
                assert_eq!(o["metadata"]["deletionGracePeriodSeconds"], 30)
            }
            other => panic!("{other:?}"),
        }
        let marked =
            json!({"metadata": {"deletionTimestamp": "t", "deletionGracePeriodSeconds": 30}});
        assert_eq!(
            plan_delete(&marked, Some(30), None, now),
            DeleteOutcome::Unchanged
        );
        assert_eq!(
            plan_delete(&marked, Some(0), None, now),
            DeleteOutcome::Remove
        );
    }

    #[test]
    fn suffix_uses_alphabet() {
        let s = name_suffix([0, 1, 26, 27, 255]);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| SUFFIX_ALPHABET.contains(&b)));
    }

    #[test]
    fn propagation_policies_add_gc_finalizers() {
        let now = chrono::Utc::now();
        let plain = json!({"metadata": {"name": "d"}});
        for (policy, finalizer) in [("Orphan", "orphan"), ("Foreground", "foregroundDeletion")] {
            match plan_delete(&plain, None, Some(policy), now) {
                DeleteOutcome::MarkDeleting(o) => {
                    assert_eq!(finalizers(&o), vec![finalizer.to_string()]);
                    assert!(is_deleting(&o));
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            plan_delete(&plain, None, Some("Background"), now),
            DeleteOutcome::Remove
        );
    }

    #[test]
    fn the_latest_explicit_propagation_policy_wins() {
        let now = chrono::Utc::now();
        let waiting = json!({"metadata": {"name": "d", "deletionTimestamp": "t",
            "deletionGracePeriodSeconds": 0, "finalizers": ["example.com/x", "foregroundDeletion"]}});
        match plan_delete(&waiting, None, Some("Orphan"), now) {
            DeleteOutcome::MarkDeleting(o) => {
                assert_eq!(finalizers(&o), vec!["example.com/x", "orphan"]);
                assert_eq!(o["metadata"]["deletionTimestamp"], "t");
            }
            other => panic!("{other:?}"),
        }
        match plan_delete(&waiting, None, Some("Background"), now) {
            DeleteOutcome::MarkDeleting(o) => assert_eq!(finalizers(&o), vec!["example.com/x"]),
            other => panic!("{other:?}"),
        }
        // No policy named: the finalizers already there are honoured.
        assert_eq!(
            plan_delete(&waiting, None, None, now),
            DeleteOutcome::Unchanged
        );
        assert_eq!(
            plan_delete(&waiting, None, Some("Foreground"), now),
            DeleteOutcome::Unchanged
        );
        // Only the garbage collector's finalizer was pending: a Background delete removes it.
        let only_gc = json!({"metadata": {"name": "d", "deletionTimestamp": "t",
            "deletionGracePeriodSeconds": 0, "finalizers": ["foregroundDeletion"]}});
        assert_eq!(
            plan_delete(&only_gc, None, Some("Background"), now),
            DeleteOutcome::Remove
        );
        // A pod in its grace period keeps waiting for it, without the finalizer.
        let pod = json!({"metadata": {"name": "p", "deletionTimestamp": "t",
            "deletionGracePeriodSeconds": 30, "finalizers": ["orphan"]}});
        match plan_delete(&pod, Some(30), Some("Background"), now) {
            DeleteOutcome::MarkDeleting(o) => {
                assert!(o["metadata"].get("finalizers").is_none());
                assert_eq!(o["metadata"]["deletionTimestamp"], "t");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn namespaces_terminate_until_their_spec_finalizers_are_gone() {
        let now = chrono::Utc::now();
        let ns = json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "x"},
                        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        let marked = match plan_delete(&ns, None, None, now) {
            DeleteOutcome::MarkDeleting(o) => o,
            other => panic!("{other:?}"),
        };
        assert_eq!(marked["status"]["phase"], "Terminating");
        assert!(deletion_blocked(&marked));
        let mut finalized = marked.clone();
        finalized["spec"]["finalizers"] = json!([]);
        assert!(!deletion_blocked(&finalized));
    }
}

//! Conversion between a served version and the storage version of a resource.
//!
//! Most resources are stored as served. Core `events` and `events.k8s.io/v1` events share one
//! store in the core/v1 shape, so that `kubectl describe` sees events whichever API wrote them.

use serde_json::{json, Map, Value};

use crate::catalog::api_version;

/// Converts a stored object to the served `group/version`, setting apiVersion and kind.
pub fn from_storage(group: &str, version: &str, kind: &str, mut obj: Value) -> Value {
    if needs_conversion(group) {
        obj = core_event_to_events_v1(obj);
    }
    set_type(&mut obj, group, version, kind);
    obj
}

/// Whether objects of `group` are stored in another shape than they are served in (beyond
/// `apiVersion` and `kind`).
pub fn needs_conversion(group: &str) -> bool {
    group == "events.k8s.io"
}

/// Converts a served object to its storage shape.
pub fn to_storage(group: &str, _version: &str, kind: &str, mut obj: Value) -> Value {
    if needs_conversion(group) {
        obj = events_v1_to_core_event(obj);
        set_type(&mut obj, "", "v1", kind);
    }
    obj
}

/// Normalises a written object as Kubernetes' conversion into its internal form does: a Secret's
/// write-only `stringData` is folded into `data` (base64), winning over equal keys.
pub fn normalize_input(group: &str, kind: &str, obj: &mut Value) {
    if !(group.is_empty() && kind == "Secret") {
        return;
    }
    let Some(o) = obj.as_object_mut() else { return };
    let Some(Value::Object(string_data)) = o.remove("stringData") else {
        return;
    };
    use base64::Engine;
    if !o.get("data").is_some_and(Value::is_object) {
        o.insert("data".into(), json!({}));
    }
    if let Some(Value::Object(data)) = o.get_mut("data") {
        for (k, v) in string_data {
            let text = v.as_str().unwrap_or_default();
            data.insert(
                k,
                json!(base64::engine::general_purpose::STANDARD.encode(text)),
            );
        }
    }
}

fn set_type(obj: &mut Value, group: &str, version: &str, kind: &str) {
    if let Some(o) = obj.as_object_mut() {
        // apiVersion and kind lead the object, as in Kubernetes' own serialisation.
        let rest: Map<String, Value> = std::mem::take(o)
            .into_iter()
            .filter(|(k, _)| k != "apiVersion" && k != "kind")
            .collect();
        o.insert("kind".into(), json!(kind));
        o.insert("apiVersion".into(), json!(api_version(group, version)));
        o.extend(rest);
    }
}

/// Moves `from` to `to` when present.
fn rename(o: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = o.remove(from) {
        o.insert(to.into(), v);
    }
}

fn core_event_to_events_v1(obj: Value) -> Value {
    let Value::Object(mut o) = obj else {
        return obj;
    };
    rename(&mut o, "involvedObject", "regarding");
    rename(&mut o, "related", "related");
    rename(&mut o, "message", "note");
    rename(&mut o, "count", "deprecatedCount");
    rename(&mut o, "firstTimestamp", "deprecatedFirstTimestamp");
    rename(&mut o, "lastTimestamp", "deprecatedLastTimestamp");
    if let Some(src) = o.remove("source") {
        if let Some(c) = src.get("component").filter(|c| !c.is_null()) {
            o.entry("reportingController").or_insert(c.clone());
        }
        o.insert("deprecatedSource".into(), src);
    }
    rename(&mut o, "reportingComponent", "reportingController");
    Value::Object(o)
}

fn events_v1_to_core_event(obj: Value) -> Value {
    let Value::Object(mut o) = obj else {
        return obj;
    };
    rename(&mut o, "regarding", "involvedObject");
    rename(&mut o, "note", "message");
    rename(&mut o, "deprecatedCount", "count");
    rename(&mut o, "deprecatedFirstTimestamp", "firstTimestamp");
    rename(&mut o, "deprecatedLastTimestamp", "lastTimestamp");
    rename(&mut o, "deprecatedSource", "source");
    rename(&mut o, "reportingController", "reportingComponent");
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_core_storage() {
        let v1 = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"},
                        "regarding": {"kind": "Pod", "name": "p"}, "note": "hello", "reason": "Started",
                        "reportingController": "kubelet", "type": "Normal"});
        let stored = to_storage("events.k8s.io", "v1", "Event", v1.clone());
        assert_eq!(stored["apiVersion"], "v1");
        assert_eq!(stored["involvedObject"]["name"], "p");
        assert_eq!(stored["message"], "hello");
        let core = from_storage("", "v1", "Event", stored.clone());
        assert_eq!(core["message"], "hello");
        let back = from_storage("events.k8s.io", "v1", "Event", stored);
        assert_eq!(back["apiVersion"], "events.k8s.io/v1");
        assert_eq!(back["note"], "hello");
        assert_eq!(back["regarding"]["kind"], "Pod");
        assert_eq!(back["reportingController"], "kubelet");
    }

    #[test]
    fn secret_string_data_is_folded_into_data() {
        let mut s = json!({"kind": "Secret", "data": {"a": "eA==", "b": "eQ=="}, "stringData": {"b": "zz", "c": "hi"}});
        normalize_input("", "Secret", &mut s);
        assert!(s.get("stringData").is_none());
        assert_eq!(s["data"], json!({"a": "eA==", "b": "eno=", "c": "aGk="}));
        let mut cm = json!({"stringData": {"x": "y"}});
        normalize_input("", "ConfigMap", &mut cm);
        assert!(cm.get("stringData").is_some());
    }

    #[test]
    fn sets_type_first() {
        let o = from_storage(
            "apps",
            "v1",
            "Deployment",
            json!({"metadata": {}, "kind": "x"}),
        );
        let keys: Vec<&String> = o.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["kind", "apiVersion", "metadata"]);
        assert_eq!(o["apiVersion"], "apps/v1");
    }
}

//! `metadata.managedFields` and server-side apply.
//!
//! Each manager owns a set of field paths (serialised as `FieldsV1`). An apply owns exactly the
//! fields of its configuration: fields it owned before and no longer sets are removed (unless
//! another manager owns them too), and setting a field another manager owns to a different value
//! is a conflict unless forced. Updates take ownership of the fields they change.

use std::collections::BTreeSet;

use apimachinery::catalog::Resource;
use apimachinery::meta;
use apimachinery::patch;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::request::Query;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Field(String),
    /// A keyed list element, by its merge key values (serialised JSON object).
    Key(String),
    /// A primitive set element (serialised JSON value).
    Value(String),
}

type Path = Vec<Step>;
type FieldSet = BTreeSet<Path>;

/// Server-owned metadata that no manager owns.
fn ignored(path: &[Step]) -> bool {
    match path {
        [Step::Field(f)] => matches!(f.as_str(), "apiVersion" | "kind" | "status"),
        [Step::Field(m), Step::Field(f), ..] if m == "metadata" => !matches!(
            f.as_str(),
            "labels" | "annotations" | "finalizers" | "ownerReferences"
        ),
        _ => false,
    }
}

/// The merge key of a list of objects, guessed from its elements as the built-in types define
/// them; `None` for atomic lists.
fn list_key(items: &[Value]) -> Option<&'static str> {
    const KEYS: &[&str] = &[
        "name",
        "containerPort",
        "port",
        "type",
        "mountPath",
        "devicePath",
        "ip",
        "uid",
        "key",
        "topologyKey",
    ];
    let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
    if objects.is_empty() || objects.len() != items.len() {
        return None;
    }
    KEYS.iter().copied().find(|k| {
        objects
            .iter()
            .all(|o| o.get(*k).is_some_and(|v| !v.is_null()))
    })
}

fn key_of(item: &Value, key: &str) -> String {
    json!({ key: item[key] }).to_string()
}

/// Leaf paths of an object: scalars, atomic lists, empty maps, and keyed list elements.
fn fields_of(value: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    collect(value, &mut Vec::new(), &mut out);
    out.retain(|p| !ignored(p));
    out
}

fn collect(value: &Value, path: &mut Path, out: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                path.push(Step::Field(k.clone()));
                collect(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            if let Some(key) = list_key(items) {
                for item in items {
                    path.push(Step::Key(key_of(item, key)));
                    out.insert(path.clone());
                    collect(item, path, out);
                    path.pop();
                }
            } else if items.iter().all(|i| i.is_string()) && is_set_field(path) {
                for item in items {
                    path.push(Step::Value(item.to_string()));
                    out.insert(path.clone());
                    path.pop();
                }
            } else {
                out.insert(path.clone());
            }
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

/// Lists of strings merged as sets rather than replaced.
fn is_set_field(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Field(f)) if f == "finalizers")
}

/// The value at a path, if present.
fn lookup<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut cur = value;
    for step in path {
        cur = match step {
            Step::Field(f) => cur.get(f)?,
            Step::Key(k) => {
                let want: Map<String, Value> = serde_json::from_str(k).ok()?;
                cur.as_array()?
                    .iter()
                    .find(|i| want.iter().all(|(wk, wv)| i.get(wk) == Some(wv)))?
            }
            Step::Value(v) => {
                let want: Value = serde_json::from_str(v).ok()?;
                cur.as_array()?.iter().find(|i| **i == want)?
            }
        };
    }
    Some(cur)
}

/// Removes the value at a path.
fn remove(value: &mut Value, path: &[Step]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let mut cur = value;
    for step in parent_path {
        let next = match step {
            Step::Field(f) => cur.get_mut(f),
            Step::Key(k) => {
                let want: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
                cur.as_array_mut().and_then(|a| {
                    a.iter_mut()
                        .find(|i| want.iter().all(|(wk, wv)| i.get(wk) == Some(wv)))
                })
            }
            Step::Value(_) => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last {
        Step::Field(f) => {
            if let Some(o) = cur.as_object_mut() {
                o.remove(f);
            }
        }
        Step::Key(k) => {
            let want: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
            if let Some(a) = cur.as_array_mut() {
                a.retain(|i| !want.iter().all(|(wk, wv)| i.get(wk) == Some(wv)));
            }
        }
        Step::Value(v) => {
            let want: Value = serde_json::from_str(v).unwrap_or(Value::Null);
            if let Some(a) = cur.as_array_mut() {
                a.retain(|i| *i != want);
            }
        }
    }
}

fn step_name(step: &Step) -> String {
    match step {
        Step::Field(f) => format!("f:{f}"),
        Step::Key(k) => format!("k:{k}"),
        Step::Value(v) => format!("v:{v}"),
    }
}

fn parse_step(s: &str) -> Option<Step> {
    let (kind, rest) = s.split_once(':')?;
    Some(match kind {
        "f" => Step::Field(rest.to_string()),
        "k" => Step::Key(rest.to_string()),
        "v" => Step::Value(rest.to_string()),
        _ => return None,
    })
}

/// Serialises a field set as `FieldsV1`.
fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = json!({});
    for path in set {
        let mut cur = &mut root;
        for step in path {
            let name = step_name(step);
            if !cur.get(&name).is_some_and(Value::is_object) {
                cur[&name] = json!({});
            }
            cur = &mut cur[&name];
        }
        // Keyed elements are nodes in their own right, marked with ".".
        if matches!(path.last(), Some(Step::Key(_))) {
            cur["."] = json!({});
        }
    }
    root
}

fn from_fields_v1(v: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    walk_fields_v1(v, &mut Vec::new(), &mut out);
    out
}

fn walk_fields_v1(v: &Value, path: &mut Path, out: &mut FieldSet) {
    let Some(map) = v.as_object() else { return };
    let children: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| k.as_str() != ".").collect();
    if (children.is_empty() || map.contains_key(".")) && !path.is_empty() {
        out.insert(path.clone());
    }
    for (k, child) in children {
        if let Some(step) = parse_step(k) {
            path.push(step);
            walk_fields_v1(child, path, out);
            path.pop();
        }
    }
}

struct Entry {
    manager: String,
    operation: String,
    subresource: Option<String>,
    fields: FieldSet,
    raw: Value,
}

fn entries(obj: &Value) -> Vec<Entry> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| Entry {
                    manager: e["manager"].as_str().unwrap_or_default().to_string(),
                    operation: e["operation"].as_str().unwrap_or_default().to_string(),
                    subresource: e["subresource"].as_str().map(str::to_string),
                    fields: from_fields_v1(&e["fieldsV1"]),
                    raw: e.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn store_entries(obj: &mut Value, list: Vec<Entry>, res: &Resource) {
    let now = meta::format_time(chrono::Utc::now());
    let out: Vec<Value> = list
        .into_iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = e.raw;
            if !v.is_object() || v.get("fieldsV1") != Some(&to_fields_v1(&e.fields)) {
                v = json!({"manager": e.manager, "operation": e.operation, "apiVersion": res.api_version(),
                           "time": now, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(&e.fields)});
                if let Some(s) = e.subresource {
                    v["subresource"] = json!(s);
                }
            }
            v
        })
        .collect();
    let m = meta::metadata_mut(obj);
    if out.is_empty() {
        m.remove("managedFields");
    } else {
        m.insert("managedFields".into(), json!(out));
    }
}

/// Records an update by `manager`: it takes ownership of every field it changed.
pub fn record_update(
    obj: &mut Value,
    old: Option<&Value>,
    manager: Option<&str>,
    res: &Resource,
    operation: &str,
) {
    let manager = manager.filter(|m| !m.is_empty()).unwrap_or("unknown");
    // Clients may not write managedFields through ordinary updates except to clear them.
    let mut list = match old {
        Some(o) => entries(o),
        None => Vec::new(),
    };
    let mut stripped = obj.clone();
    meta::metadata_mut(&mut stripped).remove("managedFields");
    let new_fields = fields_of(&stripped);
    let changed: FieldSet = new_fields
        .iter()
        .filter(|p| old.is_none_or(|o| lookup(o, p) != lookup(&stripped, p)))
        .cloned()
        .collect();
    for e in &mut list {
        e.fields
            .retain(|p| new_fields.contains(p) && !(changed.contains(p) && e.manager != manager));
    }
    if !changed.is_empty() {
        match list
            .iter_mut()
            .find(|e| e.manager == manager && e.operation == operation)
        {
            Some(e) => {
                e.fields.extend(changed);
                e.raw = Value::Null;
            }
            None => list.push(Entry {
                manager: manager.to_string(),
                operation: operation.to_string(),
                subresource: None,
                fields: changed,
                raw: Value::Null,
            }),
        }
    }
    store_entries(obj, list, res);
}

/// Records the first apply of a new object.
pub fn record_apply(obj: &mut Value, applied: &Value, manager: &str, res: &Resource) {
    let entry = Entry {
        manager: manager.to_string(),
        operation: "Apply".into(),
        subresource: None,
        fields: fields_of(applied),
        raw: Value::Null,
    };
    store_entries(obj, vec![entry], res);
}

/// Server-side apply of `applied` onto `live`; returns the new object with managedFields set.
pub fn apply(live: &Value, applied: &Value, q: &Query, res: &Resource) -> ApiResult<Value> {
    let manager = q.get("fieldManager").unwrap_or_default();
    let force = q.flag("force");
    if let Some(v) = applied.get("apiVersion").and_then(Value::as_str) {
        if v != res.api_version() {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({})",
                res.api_version()
            )));
        }
    }
    let new_set = fields_of(applied);
    let mut list = entries(live);
    let mut conflicts = Vec::new();
    for e in list
        .iter()
        .filter(|e| !(e.manager == manager && e.operation == "Apply"))
    {
        for p in new_set.intersection(&e.fields) {
            if matches!(p.last(), Some(Step::Key(_))) {
                continue;
            }
            if lookup(live, p) != lookup(applied, p) {
                conflicts.push((e.manager.clone(), p.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflict_error(&conflicts, res));
    }
    for (m, p) in &conflicts {
        for e in list.iter_mut().filter(|e| &e.manager == m) {
            e.fields.remove(p);
            e.raw = Value::Null;
        }
    }
    let previous: FieldSet = list
        .iter()
        .find(|e| e.manager == manager && e.operation == "Apply")
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    let mut result = live.clone();
    for p in previous.difference(&new_set) {
        let owned_elsewhere = list
            .iter()
            .any(|e| e.manager != manager && e.fields.contains(p));
        if !owned_elsewhere {
            remove(&mut result, p);
        }
    }
    let mut body = applied.clone();
    if let Some(o) = body.as_object_mut() {
        o.remove("status");
    }
    meta::metadata_mut(&mut body).remove("managedFields");
    let schema = patch::schema_for(res.group, res.kind);
    result = match patch::apply_strategic_merge_patch(&result, &body, &schema) {
        Ok(v) => v,
        Err(_) => patch::apply_merge_patch(&result, &body),
    };
    list.retain(|e| !(e.manager == manager && e.operation == "Apply"));
    list.push(Entry {
        manager: manager.to_string(),
        operation: "Apply".into(),
        subresource: None,
        fields: new_set,
        raw: Value::Null,
    });
    meta::metadata_mut(&mut result).remove("managedFields");
    store_entries(&mut result, list, res);
    Ok(result)
}

fn dotted(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Field(f) => format!(".{f}"),
            Step::Key(k) => format!(
                "[{}]",
                k.trim_matches(|c| c == '{' || c == '}').replace('"', "")
            ),
            Step::Value(v) => format!("[{v}]"),
        })
        .collect()
}

fn conflict_error(conflicts: &[(String, Path)], res: &Resource) -> ApiError {
    let api_version = res.api_version();
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(m, p)| {
            json!({"reason": "FieldManagerConflict",
                             "message": format!("conflict with \"{m}\" using {api_version}"),
                             "field": dotted(p)})
        })
        .collect();
    let lines: Vec<String> = conflicts
        .iter()
        .map(|(m, p)| format!("- {}: conflict with \"{m}\" using {api_version}", dotted(p)))
        .collect();
    let message = if conflicts.len() == 1 {
        format!(
            "Apply failed with 1 conflict: conflict with \"{}\" using {api_version}: {}",
            conflicts[0].0,
            dotted(&conflicts[0].1)
        )
    } else {
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    let mut e = ApiError::new(409, "Conflict", message);
    e.details = Some(json!({"causes": causes}));
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use apimachinery::catalog;

    fn deploy() -> &'static Resource {
        catalog::find("apps", "v1", "deployments").unwrap()
    }

    fn q(manager: &str, force: bool) -> Query {
        Query::parse(Some(&format!("fieldManager={manager}&force={force}")))
    }

    #[test]
    fn fields_v1_round_trip() {
        let obj = json!({"metadata": {"name": "x", "labels": {"a": "b"}},
                         "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        let set = fields_of(&obj);
        let v1 = to_fields_v1(&set);
        assert!(
            v1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"]
                .get(".")
                .is_some()
        );
        assert!(v1["f:metadata"].get("f:name").is_none());
        assert_eq!(from_fields_v1(&v1), set);
    }

    #[test]
    fn apply_conflicts_and_force() {
        let res = deploy();
        let first = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replicas": 2}});
        let mut live = first.clone();
        record_apply(&mut live, &first, "alice", res);
        let second = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replicas": 3}});
        let err = apply(&live, &second, &q("bob", false), res).unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(
            err.details.as_ref().unwrap()["causes"][0]["field"],
            ".spec.replicas"
        );
        let forced = apply(&live, &second, &q("bob", true), res).unwrap();
        assert_eq!(forced["spec"]["replicas"], 3);
        let owners: Vec<&str> = forced["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(owners, ["bob"]);
        // Same value is shared ownership, not a conflict.
        assert!(apply(&live, &first, &q("carol", false), res).is_ok());
    }

    #[test]
    fn apply_removes_fields_it_stopped_setting() {
        let res = deploy();
        let first = json!({"metadata": {"name": "w", "labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 2}});
        let mut live = first.clone();
        record_apply(&mut live, &first, "alice", res);
        let second =
            json!({"metadata": {"name": "w", "labels": {"a": "1"}}, "spec": {"replicas": 2}});
        let out = apply(&live, &second, &q("alice", false), res).unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"a": "1"}));
    }

    #[test]
    fn updates_take_ownership_of_changed_fields() {
        let res = deploy();
        let applied = json!({"metadata": {"name": "w"}, "spec": {"replicas": 2}});
        let mut live = applied.clone();
        record_apply(&mut live, &applied, "alice", res);
        let mut scaled = live.clone();
        scaled["spec"]["replicas"] = json!(5);
        record_update(
            &mut scaled,
            Some(&live),
            Some("kubectl-scale"),
            res,
            "Update",
        );
        let err = apply(&scaled, &applied, &q("alice", false), res).unwrap_err();
        assert!(err.message.contains("kubectl-scale"), "{}", err.message);
    }
}

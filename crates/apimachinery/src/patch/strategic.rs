//! Kubernetes strategic merge patch (`application/strategic-merge-patch+json`).
//!
//! Semantics follow the API server's server-side application: maps merge recursively and `null`
//! deletes a key; lists tagged `merge` merge element-wise by their merge key (lists of primitives
//! merge as sets); untagged lists are replaced. The patch may carry directives:
//!
//! * `$patch: replace` / `delete` in a map, `$patch: replace` / `delete` as a list element;
//! * `$retainKeys: [...]` — drop keys of the live map not listed;
//! * `$deleteFromPrimitiveList/<field>: [...]` — remove values from a primitive list;
//! * `$setElementOrder/<field>: [...]` — order of the merged list (items not mentioned, which
//!   exist only in the live object, are interleaved by their live position).
//!
//! Values the patch inserts wholesale (new keys, new list elements, replaced values) are stored
//! without directives and without `null` members, which is what the API server ends up persisting
//! after decoding the result into the typed object.

use serde_json::{Map, Value};

use super::schema::{PatchStrategy, PatchType};
use super::{json_type_name, PatchError, PatchSchema, NON_STRATEGIC_PATCH_MEDIA_TYPES};

const DIRECTIVE_MARKER: &str = "$patch";
const DELETE_DIRECTIVE: &str = "delete";
const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

type JsonMap = Map<String, Value>;
type Result<T> = std::result::Result<T, PatchError>;

/// Applies a strategic merge patch to `doc` using the list merge metadata in `schema`.
///
/// Fails with [`PatchError::UnsupportedMediaType`] when the schema marks the kind as having no
/// strategic-merge metadata (custom resources), with [`PatchError::BadRequest`] for malformed
/// patches and directives, and with [`PatchError::Invalid`] when the patch cannot be applied to
/// this object (missing merge keys, mismatched list element types, ...). A `null` patch is a
/// no-op. The input values are not modified.
pub fn apply_strategic_merge_patch(
    doc: &Value,
    patch: &Value,
    schema: &PatchSchema,
) -> Result<Value> {
    let Some(root) = schema.root() else {
        return Err(PatchError::UnsupportedMediaType(format!(
            "the body of the request was in an unknown format - accepted media types include: {}",
            NON_STRATEGIC_PATCH_MEDIA_TYPES.join(", ")
        )));
    };
    let original = match doc {
        Value::Object(m) => m.clone(),
        Value::Null => JsonMap::new(),
        other => {
            return Err(PatchError::Invalid(format!(
                "invalid JSON document: expected an object, got {}",
                json_type_name(other)
            )))
        }
    };
    let patch = match patch {
        Value::Object(m) => m.clone(),
        Value::Null => return Ok(Value::Object(original)),
        other => {
            return Err(PatchError::BadRequest(format!(
                "invalid strategic merge patch: expected a JSON object, got {}",
                json_type_name(other)
            )))
        }
    };
    merge_map(original, patch, Some(root)).map(Value::Object)
}

/// Patch metadata of one field as seen from its parent type.
struct Field<'a> {
    strategy: PatchStrategy,
    merge_key: &'a str,
    child: Option<&'a PatchType>,
}

fn lookup<'a>(node: Option<&'a PatchType>, key: &str) -> Field<'a> {
    match node.and_then(|n| n.get(key)) {
        Some(f) => Field {
            strategy: f.strategy(),
            merge_key: f.merge_key().unwrap_or(""),
            child: f.child(),
        },
        None => Field {
            strategy: PatchStrategy::Default,
            merge_key: "",
            child: None,
        },
    }
}

/// JSON value categories; two values of different categories never merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    Array,
    Object,
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Int,
        Value::Number(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

fn merge_map(
    mut original: JsonMap,
    mut patch: JsonMap,
    node: Option<&PatchType>,
) -> Result<JsonMap> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        match directive.as_str() {
            Some(REPLACE_DIRECTIVE) => return Ok(clean_map(patch)),
            Some(DELETE_DIRECTIVE) => return Ok(JsonMap::new()),
            // An explicit `merge` is what happens anyway.
            Some(MERGE_DIRECTIVE) => {
                patch.shift_remove(DIRECTIVE_MARKER);
            }
            _ => return Err(bad_patch_type(directive, &patch)),
        }
    }

    apply_retain_keys(&mut original, &mut patch)?;
    merge_ordered_lists(&mut original, &mut patch, node)?;

    for (key, patch_value) in patch {
        let (key, is_delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
            (extract_key(&key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)?, true)
        } else {
            (key, false)
        };

        if patch_value.is_null() {
            original.shift_remove(&key);
            continue;
        }

        let Some(current) = original.get_mut(&key) else {
            if !is_delete_list {
                if let Some(v) = clean_value(patch_value) {
                    original.insert(key, v);
                }
            }
            continue;
        };

        if kind_of(current) != kind_of(&patch_value) {
            if !is_delete_list {
                match clean_value(patch_value) {
                    Some(v) => *current = v,
                    None => {
                        original.shift_remove(&key);
                    }
                }
            }
            continue;
        }

        let field = lookup(node, &key);
        match (current, patch_value) {
            (Value::Object(cur), Value::Object(p)) => {
                let cur = std::mem::take(cur);
                let merged = if field.strategy == PatchStrategy::Replace {
                    clean_map(p)
                } else {
                    merge_map(cur, p, field.child)?
                };
                original.insert(key, Value::Object(merged));
            }
            (Value::Array(cur), Value::Array(p)) => {
                let cur = std::mem::take(cur);
                let merged = merge_list_field(cur, p, &field, is_delete_list)?;
                original.insert(key, Value::Array(merged));
            }
            (current, p) => *current = p,
        }
    }
    Ok(original)
}

/// Handles `$retainKeys`: every non-null key of the patch must be listed, and keys of the live
/// map that are not listed are dropped.
fn apply_retain_keys(original: &mut JsonMap, patch: &mut JsonMap) -> Result<()> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(bad_retain_keys());
    };
    let retained = |k: &str| retain.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        {
            continue;
        }
        if !retained(k) {
            return Err(bad_retain_keys());
        }
    }
    original.retain(|k, _| retained(k));
    Ok(())
}

/// Processes every `$setElementOrder/<field>` directive: merges the field's patch list (if any)
/// into the live list and orders the result, then removes both from the patch.
fn merge_ordered_lists(
    original: &mut JsonMap,
    patch: &mut JsonMap,
    node: Option<&PatchType>,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let Some(Value::Array(order)) = patch.shift_remove(&key) else {
            return Err(bad_set_element_order());
        };
        let field_key = extract_key(&key, SET_ELEMENT_ORDER_PREFIX)?;
        let original_list = match original.get(&field_key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(other) => return Err(bad_arg_type("array", other)),
        };
        let patch_list = match patch.get(&field_key) {
            None => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(other) => return Err(bad_arg_type("array", other)),
        };
        let field = lookup(node, &field_key);
        let merge_key = field.merge_key;
        validate_patch_with_set_order_list(
            patch_list.as_deref().unwrap_or(&[]),
            &order,
            merge_key,
        )?;

        let live = original_list.clone().unwrap_or_default();
        let kind = element_kind(&[live.as_slice(), patch_list.as_deref().unwrap_or(&[])])?;
        let merged = match (original_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) => clean_list(p),
            (Some(o), Some(p)) => merge_list_field(o, p, &field, false)?,
            (None, None) => continue,
        };
        let ordered = match kind {
            None => merged,
            Some(kind) => {
                let (patch_items, server_only) = partition(merged, &order, merge_key)?;
                normalize_element_order(patch_items, server_only, &order, &live, merge_key, kind)?
            }
        };
        original.insert(field_key.clone(), Value::Array(ordered));
        patch.shift_remove(&field_key);
    }
    Ok(())
}

/// Checks that the non-deleted items of the patch list appear in the `$setElementOrder` list in
/// the same relative order.
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    order: &[Value],
    merge_key: &str,
) -> Result<()> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_deleted: Vec<Value> = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        split_delete_items(patch_list.to_vec())?.0
    };
    let (mut p, mut s) = (0, 0);
    while p < non_deleted.len() && s < order.len() {
        if has_directive_marker(&non_deleted[p]) {
            p += 1;
            continue;
        }
        if merge_key_values_equal(&non_deleted[p], &order[s], merge_key)? {
            p += 1;
        }
        s += 1;
    }
    if p < non_deleted.len() && s >= order.len() {
        return Err(PatchError::Invalid(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER_PREFIX} list:\n{}\n",
            Value::Array(patch_list.to_vec()),
            Value::Array(order.to_vec())
        )));
    }
    Ok(())
}

fn merge_key_values_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let l = left.as_object().ok_or_else(|| bad_arg_type("map", left))?;
    let r = right
        .as_object()
        .ok_or_else(|| bad_arg_type("map", right))?;
    let lv = l
        .get(merge_key)
        .ok_or_else(|| no_merge_key(left, merge_key))?;
    let rv = r
        .get(merge_key)
        .ok_or_else(|| no_merge_key(right, merge_key))?;
    Ok(lv == rv)
}

fn merge_list_field(
    original: Vec<Value>,
    patch: Vec<Value>,
    field: &Field<'_>,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    if field.strategy == PatchStrategy::Merge || is_delete_list {
        merge_list(
            original,
            patch,
            field.child,
            field.merge_key,
            is_delete_list,
        )
    } else {
        Ok(clean_list(patch))
    }
}

fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    element: Option<&PatchType>,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    let Some(kind) = element_kind(&[original.as_slice(), patch.as_slice()])? else {
        return Ok(original);
    };

    if kind != Kind::Object {
        if is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
        for v in original.iter().chain(patch.iter()) {
            if !merged.contains(v) {
                merged.push(v.clone());
            }
        }
        let (patch_items, server_only) = partition(merged, &patch, "")?;
        return normalize_element_order(patch_items, server_only, &patch, &original, "", kind);
    }

    if merge_key.is_empty() {
        return Err(PatchError::Invalid(
            "cannot merge lists of objects without a merge key".to_string(),
        ));
    }
    let (original, patch) = apply_list_element_directives(original, patch, merge_key)?;
    let merged = merge_list_elements(original.clone(), &patch, merge_key, element)?;
    let (patch_items, server_only) = partition(merged, &patch, merge_key)?;
    normalize_element_order(patch_items, server_only, &patch, &original, merge_key, kind)
}

/// Applies `$patch` list elements: `delete` removes live elements with the same merge key,
/// `replace` makes the remaining patch elements the whole list. Returns the live list and the
/// patch elements left to merge.
fn apply_list_element_directives(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut plain = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let directive = match v.as_object() {
            Some(m) => m.get(DIRECTIVE_MARKER),
            None => return Err(bad_arg_type("map", &v)),
        };
        let Some(directive) = directive else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some(DELETE_DIRECTIVE) => {
                let Some(key_value) = v.get(merge_key) else {
                    return Err(no_merge_key(&v, merge_key));
                };
                original.retain(|e| e.get(merge_key) != Some(key_value));
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some(MERGE_DIRECTIVE) => {
                return Err(PatchError::BadRequest(
                    "merging lists cannot yet be specified in the patch".to_string(),
                ))
            }
            _ => {
                let m = v.as_object().expect("checked above");
                return Err(bad_patch_type(directive, m));
            }
        }
    }
    if replace {
        return Ok((clean_list(plain), Vec::new()));
    }
    Ok((original, plain))
}

/// Merges each patch element into the live element with the same merge key, appending the ones
/// that have no live counterpart.
fn merge_list_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
    element: Option<&PatchType>,
) -> Result<Vec<Value>> {
    for v in patch {
        let Some(pm) = v.as_object() else {
            return Err(bad_arg_type("map", v));
        };
        let Some(key_value) = pm.get(merge_key) else {
            return Err(no_merge_key(v, merge_key));
        };
        let mut found = None;
        for (i, e) in original.iter().enumerate() {
            let Some(em) = e.as_object() else {
                return Err(PatchError::Invalid(format!(
                    "value for key {i} is not a map"
                )));
            };
            if em.get(merge_key) == Some(key_value) {
                found = Some(i);
                break;
            }
        }
        match found {
            Some(i) => {
                let live = match std::mem::take(&mut original[i]) {
                    Value::Object(m) => m,
                    _ => unreachable!("checked to be an object"),
                };
                original[i] = Value::Object(merge_map(live, pm.clone(), element)?);
            }
            None => {
                if let Some(c) = clean_value(v.clone()) {
                    original.push(c);
                }
            }
        }
    }
    Ok(original)
}

/// Common element kind of the given lists; `None` when they are all empty.
fn element_kind(lists: &[&[Value]]) -> Result<Option<Kind>> {
    let mut kind = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let k = kind_of(v);
        match kind {
            None => {
                if k == Kind::Array {
                    return Err(PatchError::Invalid(
                        "lists of lists are not supported".to_string(),
                    ));
                }
                kind = Some(k);
            }
            Some(prev) if prev != k => {
                let all: Vec<Value> = lists.iter().map(|l| Value::Array(l.to_vec())).collect();
                return Err(PatchError::Invalid(format!(
                    "list element types are not identical: {}",
                    Value::Array(all)
                )));
            }
            Some(_) => {}
        }
    }
    Ok(kind)
}

/// Splits `items` into those present in `by` (compared by merge key, or by value for primitive
/// lists) and the rest, keeping relative order.
fn partition(items: Vec<Value>, by: &[Value], merge_key: &str) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut present = Vec::with_capacity(items.len());
    let mut absent = Vec::new();
    for v in items {
        let found = if merge_key.is_empty() {
            by.contains(&v)
        } else {
            let Some(m) = v.as_object() else {
                return Err(bad_arg_type("map", &v));
            };
            let Some(key_value) = m.get(merge_key) else {
                return Err(no_merge_key(&v, merge_key));
            };
            let mut found = false;
            for (i, b) in by.iter().enumerate() {
                let Some(bm) = b.as_object() else {
                    return Err(PatchError::Invalid(format!(
                        "value for key {i} is not a map"
                    )));
                };
                if bm.get(merge_key) == Some(key_value) {
                    found = true;
                    break;
                }
            }
            found
        };
        if found {
            present.push(v);
        } else {
            absent.push(v);
        }
    }
    Ok((present, absent))
}

/// Orders the patch items by `patch_order` and the server-only items by their live order, then
/// interleaves them: a server-only item is emitted before a patch item only when both exist in
/// the live list and the server-only one comes first there.
fn normalize_element_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>> {
    let patch_items = sort_by_order(patch_items, patch_order, merge_key, kind)?;
    let server_only = sort_by_order(server_only, server_order, merge_key, kind)?;

    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = patch_items.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => {
                match (
                    index_in(server_order, l, merge_key, kind),
                    index_in(server_order, r, merge_key, kind),
                ) {
                    (Some(li), Some(ri)) => li < ri,
                    _ => false,
                }
            }
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    Ok(out)
}

/// Stable sort of `items` by their position in `order`; items with `$patch: delete` go last and
/// items absent from `order` keep their relative order after the ones present.
fn sort_by_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>> {
    let (items, deleted) = if kind == Kind::Object {
        for v in items.iter().chain(order.iter()) {
            let Some(m) = v.as_object() else {
                return Err(bad_arg_type("map", v));
            };
            if !m.contains_key(merge_key) {
                return Err(no_merge_key(v, merge_key));
            }
        }
        split_delete_items(items)?
    } else {
        (items, Vec::new())
    };
    let mut keyed: Vec<(usize, Value)> = items
        .into_iter()
        .map(|v| {
            (
                index_in(order, &v, merge_key, kind).unwrap_or(usize::MAX),
                v,
            )
        })
        .collect();
    keyed.sort_by_key(|(i, _)| *i);
    let mut out: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
    out.extend(deleted);
    Ok(out)
}

/// Position of `item` in `list`, comparing merge-key values for objects and whole values otherwise.
fn index_in(list: &[Value], item: &Value, merge_key: &str, kind: Kind) -> Option<usize> {
    if kind == Kind::Object {
        let wanted = merge_key_of(item, merge_key);
        list.iter()
            .position(|v| merge_key_of(v, merge_key) == wanted)
    } else {
        list.iter().position(|v| v == item)
    }
}

fn merge_key_of<'a>(v: &'a Value, merge_key: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| m.get(merge_key))
}

/// Splits list elements into those without and those with `$patch: delete`.
fn split_delete_items(items: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut keep = Vec::with_capacity(items.len());
    let mut deleted = Vec::new();
    for v in items {
        let Some(m) = v.as_object() else {
            return Err(bad_arg_type("map", &v));
        };
        if m.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE) {
            deleted.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, deleted))
}

fn has_directive_marker(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.contains_key(DIRECTIVE_MARKER))
}

/// `<prefix>/<field>` → `<field>`.
fn extract_key(key: &str, prefix: &str) -> Result<String> {
    match key.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX => Err(PatchError::BadRequest(
            "invalid patch format of primitive list".to_string(),
        )),
        _ => Err(bad_set_element_order()),
    }
}

fn is_directive_key(k: &str) -> bool {
    k == DIRECTIVE_MARKER
        || k == RETAIN_KEYS_DIRECTIVE
        || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
}

/// Prepares a patch value for insertion as-is: drops `null` members and directive keys, and
/// drops objects carrying a `$patch` directive entirely (`None` for such a top-level value).
fn clean_value(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.get(DIRECTIVE_MARKER).is_some_and(|d| !d.is_null()) {
                return None;
            }
            Some(Value::Object(clean_map(m)))
        }
        Value::Array(items) => Some(Value::Array(clean_list(items))),
        other => Some(other),
    }
}

fn clean_map(m: JsonMap) -> JsonMap {
    m.into_iter()
        .filter(|(k, v)| !v.is_null() && !is_directive_key(k))
        .filter_map(|(k, v)| clean_value(v).map(|v| (k, v)))
        .collect()
}

fn clean_list(items: Vec<Value>) -> Vec<Value> {
    items.into_iter().filter_map(clean_value).collect()
}

fn bad_retain_keys() -> PatchError {
    PatchError::BadRequest("invalid patch format of retainKeys".to_string())
}

fn bad_set_element_order() -> PatchError {
    PatchError::BadRequest("invalid patch format of setElementOrder list".to_string())
}

fn bad_patch_type(directive: &Value, m: &JsonMap) -> PatchError {
    let directive = match directive {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    PatchError::BadRequest(format!(
        "unknown patch type: {directive} in map: {}",
        Value::Object(m.clone())
    ))
}

fn no_merge_key(v: &Value, merge_key: &str) -> PatchError {
    PatchError::Invalid(format!(
        "map: {v} does not contain declared merge key: {merge_key}"
    ))
}

fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    PatchError::Invalid(format!(
        "expected a {expected}, but received a {}",
        json_type_name(actual)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{schema_for, FieldPatch};
    use serde_json::json;

    fn smp(doc: Value, patch: Value, group: &str, kind: &str) -> Result<Value> {
        apply_strategic_merge_patch(&doc, &patch, &schema_for(group, kind))
    }

    /// A small schema with one field per patch strategy, for exercising the list algorithms.
    fn merge_item_schema() -> PatchSchema {
        let item = std::sync::Arc::new(
            PatchType::new()
                .field("mergingIntList", FieldPatch::merge_set())
                .field("simpleMap", FieldPatch::object(PatchType::new())),
        );
        let root = PatchType::new()
            .field("mergingList", FieldPatch::merge_list("name", item.clone()))
            .field("mergingIntList", FieldPatch::merge_set())
            .field("replacingItem", FieldPatch::replace())
            .field(
                "retainKeysMergingList",
                FieldPatch::merge_list("name", item).with_retain_keys(),
            );
        PatchSchema::new(root)
    }

    fn apply_item(doc: Value, patch: Value) -> Result<Value> {
        apply_strategic_merge_patch(&doc, &patch, &merge_item_schema())
    }

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "namespace": "default",
                "labels": {"app": "web"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}
            },
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}
                },
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "nginx",
                                "image": "nginx:1.14.2",
                                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                "env": [
                                    {"name": "MODE", "value": "prod"},
                                    {"name": "DEBUG", "value": "1"}
                                ],
                                "args": ["--a", "--b"],
                                "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}
                            },
                            {"name": "sidecar", "image": "busybox:1.36"}
                        ],
                        "volumes": [{"name": "data", "emptyDir": {}}],
                        "tolerations": [
                            {"key": "a", "operator": "Exists"},
                            {"key": "b", "operator": "Exists"}
                        ]
                    }
                }
            },
            "status": {
                "conditions": [
                    {"type": "Available", "status": "True"},
                    {"type": "Progressing", "status": "True"}
                ]
            }
        })
    }

    fn containers(v: &Value) -> &Vec<Value> {
        v["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
    }

    fn names(list: &Value) -> Vec<&str> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn kubectl_apply_image_change_with_set_element_order() {
        // What `kubectl apply` (client side) sends after editing the image in the manifest.
        let patch = json!({
            "metadata": {"annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"new\":true}"
            }},
            "spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
                "containers": [{"image": "nginx:1.16.1", "name": "nginx"}]
            }}}
        });
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        let cs = containers(&out);
        assert_eq!(
            names(&out["spec"]["template"]["spec"]["containers"]),
            ["nginx", "sidecar"]
        );
        assert_eq!(cs[0]["image"], "nginx:1.16.1");
        // Everything else of the container is preserved.
        assert_eq!(
            cs[0]["ports"],
            json!([{"containerPort": 80, "protocol": "TCP"}])
        );
        assert_eq!(cs[0]["env"].as_array().unwrap().len(), 2);
        assert_eq!(cs[1]["image"], "busybox:1.36");
        assert_eq!(
            out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
            "{\"new\":true}"
        );
        assert_eq!(out["metadata"]["labels"], json!({"app": "web"}));
        assert_eq!(out["status"], deployment()["status"]);
        // No directive leaks into the stored object.
        assert!(!out.to_string().contains("$setElementOrder"));
    }

    #[test]
    fn kubectl_apply_reorders_and_adds_containers() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "init"}, {"name": "nginx"}],
            "containers": [{"name": "init", "image": "alpine"}]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            names(&out["spec"]["template"]["spec"]["containers"]),
            ["sidecar", "init", "nginx"]
        );
    }

    #[test]
    fn kubectl_apply_removes_container_with_delete_directive() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}],
            "containers": [{"$patch": "delete", "name": "sidecar"}]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            names(&out["spec"]["template"]["spec"]["containers"]),
            ["nginx"]
        );
    }

    #[test]
    fn kubectl_set_image() {
        let patch = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "sidecar", "image": "busybox:1.37"}]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        let cs = containers(&out);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0]["image"], "nginx:1.14.2");
        assert_eq!(cs[1]["image"], "busybox:1.37");
    }

    #[test]
    fn kubectl_rollout_restart() {
        let patch = json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"
        }}}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["spec"]["template"]["metadata"],
            json!({
                "labels": {"app": "web"},
                "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}
            })
        );
        assert_eq!(containers(&out), containers(&deployment()));
    }

    #[test]
    fn kubectl_cordon_and_uncordon() {
        let node = json!({
            "metadata": {"name": "n1"},
            "spec": {"podCIDR": "10.0.0.0/24", "taints": [{"key": "k", "effect": "NoSchedule"}]}
        });
        let cordoned = smp(
            node.clone(),
            json!({"spec": {"unschedulable": true}}),
            "",
            "Node",
        )
        .unwrap();
        assert_eq!(cordoned["spec"]["unschedulable"], true);
        assert_eq!(cordoned["spec"]["podCIDR"], "10.0.0.0/24");
        let uncordoned = smp(
            cordoned,
            json!({"spec": {"unschedulable": null}}),
            "",
            "Node",
        )
        .unwrap();
        assert_eq!(uncordoned, node);
    }

    #[test]
    fn node_taints_are_replaced_because_the_list_is_atomic() {
        let node = json!({"spec": {"taints": [
            {"key": "a", "effect": "NoSchedule"},
            {"key": "b", "effect": "NoSchedule"}
        ]}});
        let out = smp(
            node,
            json!({"spec": {"taints": [{"key": "b", "effect": "NoExecute"}]}}),
            "",
            "Node",
        )
        .unwrap();
        assert_eq!(
            out["spec"]["taints"],
            json!([{"key": "b", "effect": "NoExecute"}])
        );
    }

    #[test]
    fn delete_env_var_with_patch_delete() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}, {"name": "sidecar"}],
            "containers": [{
                "$setElementOrder/env": [{"name": "MODE"}],
                "name": "nginx",
                "env": [{"$patch": "delete", "name": "DEBUG"}]
            }]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            containers(&out)[0]["env"],
            json!([{"name": "MODE", "value": "prod"}])
        );
    }

    #[test]
    fn null_deletes_env_field_and_whole_list() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "nginx", "env": [{"name": "DEBUG", "value": null}]}
        ]}}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            containers(&out)[0]["env"],
            json!([{"name": "MODE", "value": "prod"}, {"name": "DEBUG"}])
        );

        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "nginx", "env": null}
        ]}}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert!(containers(&out)[0].get("env").is_none());
        assert!(containers(&out)[0].get("ports").is_some());
    }

    #[test]
    fn retain_keys_switches_deployment_strategy() {
        // kubectl apply after changing strategy to Recreate.
        let patch = json!({"spec": {"strategy": {
            "$retainKeys": ["type"],
            "type": "Recreate",
            "rollingUpdate": null
        }}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
    }

    #[test]
    fn retain_keys_switches_volume_source() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/volumes": [{"name": "data"}],
            "volumes": [{
                "$retainKeys": ["configMap", "name"],
                "configMap": {"name": "cfg"},
                "name": "data"
            }]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["volumes"],
            json!([{"name": "data", "configMap": {"name": "cfg"}}])
        );
    }

    #[test]
    fn retain_keys_rejects_unlisted_patch_keys() {
        let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}});
        let err = smp(deployment(), patch, "apps", "Deployment").unwrap_err();
        assert_eq!(err.status_code(), 400);
        assert_eq!(err.message(), "invalid patch format of retainKeys");
        let patch = json!({"spec": {"strategy": {"$retainKeys": "type"}}});
        assert!(smp(deployment(), patch, "apps", "Deployment").is_err());
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let doc = json!({"metadata": {"name": "x", "finalizers": ["a", "b"]}});
        let out = smp(
            doc.clone(),
            json!({"metadata": {"finalizers": ["b", "c"]}}),
            "",
            "ConfigMap",
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["a", "b", "c"]));
        // A purely new item goes before the live-only ones, as Kubernetes orders it.
        let out = smp(
            doc,
            json!({"metadata": {"finalizers": ["c"]}}),
            "",
            "ConfigMap",
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["c", "a", "b"]));
    }

    #[test]
    fn delete_from_primitive_list_removes_finalizer() {
        let doc = json!({"metadata": {"finalizers": ["a", "b", "c", "b"]}});
        let out = smp(
            doc.clone(),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}),
            "",
            "Secret",
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["a", "c"]));

        // As kubectl apply sends it: with the element order of the remaining items.
        let out = smp(
            doc,
            json!({"metadata": {
                "$setElementOrder/finalizers": ["c", "a"],
                "$deleteFromPrimitiveList/finalizers": ["b"]
            }}),
            "",
            "Secret",
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["c", "a"]));
    }

    #[test]
    fn delete_from_primitive_list_never_adds() {
        let out = smp(
            json!({"metadata": {"name": "x"}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
            "",
            "Secret",
        )
        .unwrap();
        assert_eq!(out, json!({"metadata": {"name": "x"}}));
        let err = smp(
            json!({"metadata": {}}),
            json!({"metadata": {"$deleteFromPrimitiveListX/finalizers": ["a"]}}),
            "",
            "Secret",
        )
        .unwrap_err();
        assert_eq!(err.message(), "invalid patch format of primitive list");
    }

    #[test]
    fn list_without_strategy_is_replaced() {
        let patch = json!({"spec": {"template": {"spec": {
            "tolerations": [{"key": "c", "operator": "Exists"}],
            "containers": [{"name": "nginx", "args": ["--c"]}]
        }}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["tolerations"],
            json!([{"key": "c", "operator": "Exists"}])
        );
        assert_eq!(containers(&out)[0]["args"], json!(["--c"]));
        assert_eq!(containers(&out)[0]["image"], "nginx:1.14.2");
    }

    #[test]
    fn replace_directive_in_list_and_map() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"$patch": "replace"},
            {"name": "only", "image": "x", "bogus": null}
        ]}}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            containers(&out),
            &vec![json!({"name": "only", "image": "x"})]
        );

        let patch =
            json!({"spec": {"selector": {"$patch": "replace", "matchLabels": {"app": "v2"}}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["spec"]["selector"],
            json!({"matchLabels": {"app": "v2"}})
        );

        let out = apply_item(
            json!({"name": 1, "value": 1}),
            json!({"$patch": "replace", "other": "a"}),
        )
        .unwrap();
        assert_eq!(out, json!({"other": "a"}));
    }

    #[test]
    fn delete_directive_in_map_empties_it() {
        let patch = json!({"metadata": {"labels": {"$patch": "delete"}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(out["metadata"]["labels"], json!({}));
        // A new map carrying a directive is not created at all.
        let patch = json!({"metadata": {"ownerReferences": [{"uid": "u", "$patch": "delete"}]}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(out["metadata"]["ownerReferences"], json!([]));
    }

    #[test]
    fn explicit_merge_directive_in_map_merges() {
        let patch = json!({"metadata": {"labels": {"$patch": "merge", "tier": "fe"}}});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["metadata"]["labels"],
            json!({"app": "web", "tier": "fe"})
        );
    }

    #[test]
    fn unknown_and_misplaced_directives_are_errors() {
        let patch = json!({"metadata": {"labels": {"$patch": "explode"}}});
        let err = smp(deployment(), patch, "apps", "Deployment").unwrap_err();
        assert_eq!(err.status_code(), 400);
        assert!(
            err.message().starts_with("unknown patch type: explode"),
            "{err}"
        );

        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "$patch": "explode"}]}}}});
        assert!(smp(deployment(), patch, "apps", "Deployment").is_err());

        let patch = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "merge"}]}}}});
        let err = smp(deployment(), patch, "apps", "Deployment").unwrap_err();
        assert!(err
            .message()
            .contains("merging lists cannot yet be specified"));

        let patch = json!({"spec": {"template": {"spec": {"$setElementOrder": []}}}});
        let err = smp(deployment(), patch, "apps", "Deployment").unwrap_err();
        assert_eq!(
            err.message(),
            "invalid patch format of setElementOrder list"
        );
    }

    #[test]
    fn missing_merge_key_is_an_error() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}});
        let err = smp(deployment(), patch, "apps", "Deployment").unwrap_err();
        assert_eq!(err.status_code(), 422);
        assert!(
            err.message()
                .contains("does not contain declared merge key: name"),
            "{err}"
        );

        let patch = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "delete"}]}}}});
        assert!(smp(deployment(), patch, "apps", "Deployment").is_err());
    }

    #[test]
    fn mixed_element_types_and_lists_of_lists_are_errors() {
        let doc = json!({"metadata": {"finalizers": ["a"]}});
        let err = smp(
            doc.clone(),
            json!({"metadata": {"finalizers": [1]}}),
            "",
            "Pod",
        )
        .unwrap_err();
        assert!(err.message().contains("not identical"));
        let err = smp(
            json!({"metadata": {"finalizers": [["a"]]}}),
            json!({"metadata": {"finalizers": [["b"]]}}),
            "",
            "Pod",
        )
        .unwrap_err();
        assert_eq!(err.message(), "lists of lists are not supported");
    }

    #[test]
    fn set_element_order_mismatch_is_an_error() {
        let err = apply_item(
            json!({"mergingList": [{"name": "1"}, {"name": "3"}, {"name": "2"}]}),
            json!({
                "$setElementOrder/mergingList": [{"name": "1"}, {"name": "2"}, {"name": "3"}],
                "mergingList": [{"name": "3", "value": "3"}, {"name": "1", "value": "1"}]
            }),
        )
        .unwrap_err();
        assert!(err.message().contains("doesn't match"), "{err}");
    }

    #[test]
    fn set_element_order_ignores_items_not_in_list() {
        let out = apply_item(
            json!({"mergingList": [{"name": "1"}, {"name": "3"}]}),
            json!({
                "$setElementOrder/mergingList": [{"name": "3"}, {"name": "2"}, {"name": "1"}],
                "mergingList": [{"name": "3", "value": "3"}, {"name": "1", "value": "1"}]
            }),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"mergingList": [{"name": "3", "value": "3"}, {"name": "1", "value": "1"}]})
        );
    }

    #[test]
    fn set_element_order_with_server_only_items() {
        // Server-only items stay next to their live neighbours.
        let out = apply_item(
            json!({"mergingList": [
                {"name": "1", "other": "a"}, {"name": "2", "value": "2"}, {"name": "7"},
                {"name": "9"}, {"name": "8"}, {"name": "3", "value": "3"}, {"name": "4", "value": "4"}
            ]}),
            json!({"$setElementOrder/mergingList": [
                {"name": "2"}, {"name": "1"}, {"name": "4"}, {"name": "3"}
            ]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"mergingList": [
                {"name": "2", "value": "2"}, {"name": "1", "other": "a"}, {"name": "7"},
                {"name": "9"}, {"name": "8"}, {"name": "4", "value": "4"}, {"name": "3", "value": "3"}
            ]})
        );
    }

    #[test]
    fn set_element_order_for_primitive_lists() {
        let out = apply_item(
            json!({"mergingIntList": [1, 2, 3]}),
            json!({
                "$setElementOrder/mergingIntList": [1, 2, 4],
                "$deleteFromPrimitiveList/mergingIntList": [3],
                "mergingIntList": [4]
            }),
        )
        .unwrap();
        assert_eq!(out, json!({"mergingIntList": [1, 2, 4]}));

        let out = apply_item(
            json!({"mergingIntList": [1, 3]}),
            json!({"$setElementOrder/mergingIntList": [3, 2, 1]}),
        )
        .unwrap();
        assert_eq!(out, json!({"mergingIntList": [3, 1]}));
    }

    #[test]
    fn merging_list_adds_before_live_only_items_without_order() {
        let out = apply_item(
            json!({"mergingList": [{"name": "1"}, {"name": "2", "value": "2"}]}),
            json!({"mergingList": [{"name": "3", "value": "3"}, {"name": "2", "other": "b"}]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"mergingList": [
                {"name": "3", "value": "3"},
                {"name": "1"},
                {"name": "2", "value": "2", "other": "b"}
            ]})
        );
    }

    #[test]
    fn delete_all_duplicates_from_merging_list() {
        let out = apply_item(
            json!({"mergingList": [
                {"name": "1"}, {"name": "1"}, {"name": "2", "value": "a"}, {"name": "3"}, {"name": "3"}
            ]}),
            json!({"mergingList": [
                {"name": "1", "$patch": "delete"},
                {"name": "3", "$patch": "delete"}
            ]}),
        )
        .unwrap();
        assert_eq!(out, json!({"mergingList": [{"name": "2", "value": "a"}]}));
    }

    #[test]
    fn delete_all_items_with_list_replace() {
        let out = apply_item(
            json!({"mergingList": [{"name": "1"}, {"name": "2"}]}),
            json!({"mergingList": [{"$patch": "replace"}]}),
        )
        .unwrap();
        assert_eq!(out, json!({"mergingList": []}));
    }

    #[test]
    fn nested_merge_into_absent_list_drops_directive_elements() {
        let out = apply_item(
            json!({"name": "hi"}),
            json!({"mergingList": [{"name": "hello"}, {"$patch": "delete", "name": "doesntexist"}]}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"name": "hi", "mergingList": [{"name": "hello"}]})
        );
    }

    #[test]
    fn replace_strategy_replaces_maps() {
        let out = apply_item(
            json!({"replacingItem": {"a": 1, "b": 2}}),
            json!({"replacingItem": {"c": 3}}),
        )
        .unwrap();
        assert_eq!(out, json!({"replacingItem": {"c": 3}}));
        let pdb = json!({"spec": {"selector": {"matchLabels": {"a": "b"}}, "minAvailable": 1}});
        let out = smp(
            pdb,
            json!({"spec": {"selector": {"matchExpressions": []}}}),
            "policy",
            "PodDisruptionBudget",
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"spec": {"selector": {"matchExpressions": []}, "minAvailable": 1}})
        );
    }

    #[test]
    fn status_conditions_merge_by_type() {
        let patch = json!({"status": {
            "$setElementOrder/conditions": [{"type": "Available"}, {"type": "Progressing"}],
            "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"}]
        }});
        let out = smp(deployment(), patch, "apps", "Deployment").unwrap();
        assert_eq!(
            out["status"]["conditions"],
            json!([
                {"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable"},
                {"type": "Progressing", "status": "True"}
            ])
        );
    }

    #[test]
    fn service_ports_merge_by_port() {
        let svc = json!({"spec": {"ports": [
            {"name": "http", "port": 80, "targetPort": 8080},
            {"name": "https", "port": 443}
        ]}});
        let out = smp(
            svc,
            json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}),
            "",
            "Service",
        )
        .unwrap();
        assert_eq!(
            out["spec"]["ports"],
            json!([
                {"name": "http", "port": 80, "targetPort": 9090},
                {"name": "https", "port": 443}
            ])
        );
    }

    #[test]
    fn owner_references_merge_by_uid() {
        let doc = json!({"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}]}});
        let out = smp(
            doc,
            json!({"metadata": {"ownerReferences": [{"uid": "1", "controller": true}, {"uid": "2", "name": "b"}]}}),
            "",
            "Pod",
        )
        .unwrap();
        assert_eq!(
            out["metadata"]["ownerReferences"],
            json!([{"uid": "1", "name": "a", "controller": true}, {"uid": "2", "name": "b"}])
        );
    }

    #[test]
    fn cronjob_job_template_containers_merge() {
        let cj = json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x"}, {"name": "b", "image": "y"}
        ]}}}}}});
        let out = smp(
            cj,
            json!({"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
                {"name": "b", "image": "z"}
            ]}}}}}}),
            "batch",
            "CronJob",
        )
        .unwrap();
        assert_eq!(
            out["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"],
            json!([{"name": "a", "image": "x"}, {"name": "b", "image": "z"}])
        );
    }

    #[test]
    fn unknown_kinds_without_metadata_lists_replace_lists() {
        // ConfigMap has no tagged lists beyond metadata: lists in data-like fields are replaced.
        let out = smp(
            json!({"data": {"a": "1"}, "x": [1, 2]}),
            json!({"data": {"b": "2"}, "x": [3]}),
            "",
            "ConfigMap",
        )
        .unwrap();
        assert_eq!(out, json!({"data": {"a": "1", "b": "2"}, "x": [3]}));
    }

    #[test]
    fn custom_resources_are_refused_with_415() {
        let err = smp(json!({}), json!({"spec": {}}), "example.com", "Widget").unwrap_err();
        assert_eq!(err.status_code(), 415);
        assert!(err.message().contains("application/merge-patch+json"));
    }

    #[test]
    fn malformed_patch_bodies() {
        let err = smp(json!({}), json!([1]), "", "Pod").unwrap_err();
        assert_eq!(err.status_code(), 400);
        assert!(smp(json!({}), json!("x"), "", "Pod").is_err());
        assert_eq!(
            smp(json!({"a": 1}), Value::Null, "", "Pod").unwrap(),
            json!({"a": 1})
        );
    }

    #[test]
    fn inserted_values_are_cleaned() {
        let out = smp(
            json!({"spec": {}}),
            json!({"spec": {"template": {
                "metadata": {"labels": {"a": "b", "c": null}},
                "spec": {"$setElementOrder/containers": [{"name": "x"}], "containers": [{"name": "x"}]}
            }}}),
            "apps",
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"spec": {"template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "x"}]}
            }}})
        );
    }

    #[test]
    fn type_change_replaces_value() {
        let out = smp(
            json!({"spec": {"a": [1]}}),
            json!({"spec": {"a": {"b": 1}}}),
            "",
            "Pod",
        )
        .unwrap();
        assert_eq!(out, json!({"spec": {"a": {"b": 1}}}));
        let out = smp(
            json!({"spec": {"a": "s"}}),
            json!({"spec": {"a": 2}}),
            "",
            "Pod",
        )
        .unwrap();
        assert_eq!(out, json!({"spec": {"a": 2}}));
    }

    #[test]
    fn key_order_is_preserved() {
        let out = smp(
            json!({"a": 1, "b": {"x": 1, "y": 2}, "c": 3}),
            json!({"b": {"x": null, "z": 3}, "a": 5}),
            "",
            "ConfigMap",
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"a":5,"b":{"y":2,"z":3},"c":3}"#
        );
    }

    #[test]
    fn does_not_mutate_inputs() {
        let doc = deployment();
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "$patch": "delete"}]}}}});
        let before = (doc.clone(), patch.clone());
        let out = smp(doc.clone(), patch.clone(), "apps", "Deployment").unwrap();
        assert_eq!((doc, patch), before);
        assert_eq!(
            names(&out["spec"]["template"]["spec"]["containers"]),
            ["sidecar"]
        );
    }
}

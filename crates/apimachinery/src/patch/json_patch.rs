//! JSON patch (RFC 6902), as applied to `application/json-patch+json` requests.
//!
//! Behaviour follows the implementation the Kubernetes API server uses, including its
//! compatibility quirks: `replace` of a missing object member adds it, negative array indices
//! count from the end, and `test` treats a missing member as equal to `null`.

use serde_json::{Map, Value};

use super::{json_type_name, PatchError};

/// Largest number of operations accepted in one JSON patch (the API server answers 413 beyond).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

/// Upper bound on the number of JSON nodes all `copy` operations of one patch may duplicate,
/// so a short patch cannot blow the object up exponentially.
const MAX_COPIED_NODES: usize = 2_000_000;

/// Applies an RFC 6902 JSON patch (an array of operation objects) to `doc`.
///
/// Supports `add`, `remove`, `replace`, `move`, `copy` and `test`; JSON pointers are decoded with
/// `~1` → `/` and `~0` → `~`, and `-` appends to an array. The input is not modified; on error no
/// partial result is returned.
pub fn apply_json_patch(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops = match patch {
        Value::Array(ops) => ops,
        other => {
            return Err(PatchError::BadRequest(format!(
                "invalid JSON patch: expected an array of operations, got {}",
                json_type_name(other)
            )))
        }
    };
    for (i, op) in ops.iter().enumerate() {
        if !op.is_object() {
            return Err(PatchError::BadRequest(format!(
                "invalid JSON patch: operation {i} is a {}, not an object",
                json_type_name(op)
            )));
        }
    }
    if ops.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(PatchError::TooManyOperations(format!(
            "The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {}",
            ops.len()
        )));
    }

    let mut doc = doc.clone();
    let mut copied_nodes = 0usize;
    for op in ops {
        let op = op.as_object().expect("checked above");
        apply_operation(&mut doc, op, &mut copied_nodes)?;
    }
    Ok(doc)
}

fn apply_operation(
    doc: &mut Value,
    op: &Map<String, Value>,
    copied_nodes: &mut usize,
) -> Result<(), PatchError> {
    let kind = match op.get("op") {
        Some(Value::String(s)) => s.as_str(),
        _ => "unknown",
    };
    match kind {
        "add" => {
            let path = op_string(op, "path", kind)?;
            let value = op.get("value").cloned().unwrap_or(Value::Null);
            add(doc, path, value, kind)
        }
        "remove" => {
            let path = op_string(op, "path", kind)?;
            remove(doc, path, kind).map(|_| ())
        }
        "replace" => {
            let path = op_string(op, "path", kind)?;
            let value = op.get("value").cloned().unwrap_or(Value::Null);
            replace(doc, path, value)
        }
        "move" => {
            let from = op_string(op, "from", kind)?;
            let path = op_string(op, "path", kind)?;
            let value = remove(doc, from, kind)?;
            add(doc, path, value, kind)
        }
        "copy" => {
            let from = op_string(op, "from", kind)?;
            let path = op_string(op, "path", kind)?;
            let value = get(doc, from, kind)?.cloned().ok_or_else(|| {
                PatchError::PathNotFound(format!(
                    "copy operation does not apply: doc is missing from path: {from}: missing value"
                ))
            })?;
            *copied_nodes = copied_nodes.saturating_add(count_nodes(&value, MAX_COPIED_NODES));
            if *copied_nodes > MAX_COPIED_NODES {
                return Err(PatchError::Invalid(format!(
                    "copy operations in this patch duplicate more than {MAX_COPIED_NODES} values"
                )));
            }
            add(doc, path, value, kind)
        }
        "test" => {
            let path = op_string(op, "path", kind)?;
            test(doc, path, op.get("value"))
        }
        other => Err(PatchError::Invalid(format!("Unexpected kind: {other}"))),
    }
}

fn op_string<'a>(
    op: &'a Map<String, Value>,
    field: &str,
    kind: &str,
) -> Result<&'a str, PatchError> {
    match op.get(field) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(PatchError::Invalid(format!(
            "{kind} operation failed to decode {field}: missing value"
        ))),
        Some(other) => Err(PatchError::Invalid(format!(
            "{kind} operation failed to decode {field}: expected a string, got {}",
            json_type_name(other)
        ))),
    }
}

/// Splits a JSON pointer into unescaped reference tokens. `None` for pointers that do not start
/// with `/` (and are not the empty root pointer).
fn parse_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape_token).collect())
}

fn unescape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    out.push('/');
                }
                Some('0') => {
                    chars.next();
                    out.push('~');
                }
                _ => out.push('~'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_index(token: &str) -> Option<i64> {
    // Accept an optional sign and decimal digits (leading zeros allowed), nothing else.
    let digits = token.strip_prefix(['+', '-']).unwrap_or(token);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse::<i64>().ok()
}

/// Resolves an index for reading, replacing or removing an existing element.
fn existing_index(token: &str, len: usize) -> Option<usize> {
    let idx = parse_index(token)?;
    let len = i64::try_from(len).ok()?;
    let idx = if idx < 0 { idx.checked_add(len)? } else { idx };
    if (0..len).contains(&idx) {
        usize::try_from(idx).ok()
    } else {
        None
    }
}

/// Walks to the object or array that holds the final token of `tokens`.
fn container_mut<'a>(doc: &'a mut Value, parents: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for token in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(token.as_str())?,
            Value::Array(items) => {
                let i = existing_index(token, items.len())?;
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    match cur {
        Value::Object(_) | Value::Array(_) => Some(cur),
        _ => None,
    }
}

fn split_last(tokens: &[String]) -> Option<(&[String], &str)> {
    let (last, parents) = tokens.split_last()?;
    Some((parents, last.as_str()))
}

fn missing_path(kind: &str, path: &str) -> PatchError {
    PatchError::PathNotFound(format!(
        "{kind} operation does not apply: doc is missing path: \"{path}\": missing value"
    ))
}

fn invalid_index(kind: &str, path: &str, token: &str) -> PatchError {
    PatchError::Invalid(format!(
        "error in {kind} for path: '{path}': Unable to access invalid index: {token}: invalid index referenced"
    ))
}

fn add(doc: &mut Value, path: &str, value: Value, kind: &str) -> Result<(), PatchError> {
    let tokens = parse_pointer(path).ok_or_else(|| missing_path(kind, path))?;
    let Some((parents, key)) = split_last(&tokens) else {
        *doc = value;
        return Ok(());
    };
    match container_mut(doc, parents) {
        Some(Value::Object(m)) => {
            m.insert(key.to_string(), value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let idx = parse_index(key).ok_or_else(|| {
                PatchError::Invalid(format!(
                    "error in {kind} for path: '{path}': value was not a proper array index: '{key}'"
                ))
            })?;
            let size = i64::try_from(items.len())
                .unwrap_or(i64::MAX)
                .saturating_add(1);
            let idx = if idx < 0 {
                idx.saturating_add(size)
            } else {
                idx
            };
            if !(0..size).contains(&idx) {
                return Err(invalid_index(kind, path, key));
            }
            let idx = usize::try_from(idx).map_err(|_| invalid_index(kind, path, key))?;
            items.insert(idx, value);
            Ok(())
        }
        _ => Err(missing_path(kind, path)),
    }
}

/// Removes and returns the value at `path`.
fn remove(doc: &mut Value, path: &str, kind: &str) -> Result<Value, PatchError> {
    let from_word = if kind == "move" { "from path" } else { "path" };
    let missing = || {
        PatchError::PathNotFound(format!(
            "{kind} operation does not apply: doc is missing {from_word}: \"{path}\": missing value"
        ))
    };
    let tokens = parse_pointer(path).ok_or_else(missing)?;
    let (parents, key) = split_last(&tokens).ok_or_else(missing)?;
    match container_mut(doc, parents) {
        Some(Value::Object(m)) => m.shift_remove(key).ok_or_else(|| {
            PatchError::PathNotFound(format!(
                "error in {kind} for path: '{path}': Unable to remove nonexistent key: {key}: missing value"
            ))
        }),
        Some(Value::Array(items)) => {
            let i = existing_index(key, items.len()).ok_or_else(|| invalid_index(kind, path, key))?;
            Ok(items.remove(i))
        }
        _ => Err(missing()),
    }
}

fn replace(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let missing = || {
        PatchError::PathNotFound(format!(
            "replace operation does not apply: doc is missing path: {path}: missing value"
        ))
    };
    let tokens = parse_pointer(path).ok_or_else(missing)?;
    let Some((parents, key)) = split_last(&tokens) else {
        if !(value.is_object() || value.is_array()) {
            return Err(PatchError::Invalid(
                "replace operation value must be object or array".to_string(),
            ));
        }
        *doc = value;
        return Ok(());
    };
    match container_mut(doc, parents) {
        // Kubernetes' JSON patch implementation lets `replace` create a missing member.
        Some(Value::Object(m)) => {
            m.insert(key.to_string(), value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let i = existing_index(key, items.len()).ok_or_else(|| {
                PatchError::PathNotFound(format!(
                    "replace operation does not apply: doc is missing key: {path}: missing value"
                ))
            })?;
            items[i] = value;
            Ok(())
        }
        _ => Err(missing()),
    }
}

/// Looks up `path` for reading: `Ok(None)` when the parent exists but the member does not.
fn get<'a>(doc: &'a mut Value, path: &str, kind: &str) -> Result<Option<&'a Value>, PatchError> {
    let missing = || {
        PatchError::PathNotFound(format!(
            "{kind} operation does not apply: doc is missing from path: {path}: missing value"
        ))
    };
    let tokens = parse_pointer(path).ok_or_else(missing)?;
    let (parents, key) = split_last(&tokens).ok_or_else(missing)?;
    match container_mut(doc, parents) {
        Some(Value::Object(m)) => Ok(m.get(key)),
        Some(Value::Array(items)) => {
            let i =
                existing_index(key, items.len()).ok_or_else(|| invalid_index(kind, path, key))?;
            Ok(items.get(i))
        }
        _ => Err(missing()),
    }
}

fn test(doc: &mut Value, path: &str, expected: Option<&Value>) -> Result<(), PatchError> {
    let failed = || PatchError::TestFailed(format!("testing value {path} failed: test failed"));
    let tokens = parse_pointer(path).ok_or_else(|| {
        PatchError::PathNotFound(format!(
            "test operation does not apply: is missing path: {path}: missing value"
        ))
    })?;
    if tokens.is_empty() {
        return if expected == Some(&*doc) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let (parents, key) = split_last(&tokens).expect("non-empty");
    let actual = match container_mut(doc, parents) {
        Some(Value::Object(m)) => m.get(key),
        Some(Value::Array(items)) => {
            let i = existing_index(key, items.len()).ok_or_else(|| {
                PatchError::Invalid(format!(
                    "error in test for path: '{path}': Unable to access invalid index: {key}: invalid index referenced"
                ))
            })?;
            items.get(i)
        }
        _ => {
            return Err(PatchError::PathNotFound(format!(
                "test operation does not apply: is missing path: {path}: missing value"
            )))
        }
    };
    let matches = match (actual, expected) {
        (None | Some(Value::Null), None | Some(Value::Null)) => true,
        (Some(a), Some(e)) => a == e,
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(failed())
    }
}

/// Counts nodes of `v`, stopping early once `limit` is exceeded.
fn count_nodes(v: &Value, limit: usize) -> usize {
    let mut count = 0usize;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        count += 1;
        if count > limit {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply(doc: Value, patch: Value) -> Result<Value, PatchError> {
        apply_json_patch(&doc, &patch)
    }

    #[test]
    fn add_member_and_nested_member() {
        let out = apply(
            json!({"metadata": {"name": "a"}}),
            json!([
                {"op": "add", "path": "/metadata/labels", "value": {}},
                {"op": "add", "path": "/metadata/labels/app", "value": "web"}
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"metadata": {"name": "a", "labels": {"app": "web"}}})
        );
    }

    #[test]
    fn add_replaces_existing_member_in_place() {
        let out = apply(
            json!({"a": 1, "b": 2, "c": 3}),
            json!([{"op": "add", "path": "/b", "value": 20}]),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"{"a":1,"b":20,"c":3}"#
        );
    }

    #[test]
    fn add_to_arrays_by_index_and_dash() {
        let doc = json!({"l": ["a", "c"]});
        let out = apply(
            doc,
            json!([
                {"op": "add", "path": "/l/1", "value": "b"},
                {"op": "add", "path": "/l/-", "value": "d"},
                {"op": "add", "path": "/l/4", "value": "e"},
                {"op": "add", "path": "/l/0", "value": "_"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"l": ["_", "a", "b", "c", "d", "e"]}));
    }

    #[test]
    fn add_past_end_of_array_fails() {
        let err = apply(
            json!({"l": [1]}),
            json!([{"op": "add", "path": "/l/2", "value": 3}]),
        )
        .unwrap_err();
        assert_eq!(err.status_code(), 422);
        assert!(err.message().contains("invalid index"), "{err}");
    }

    #[test]
    fn add_with_missing_parent_fails_with_path_not_found() {
        let err = apply(
            json!({}),
            json!([{"op": "add", "path": "/a/b", "value": 1}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)), "{err:?}");
        assert!(err.message().contains("doc is missing path"));
    }

    #[test]
    fn negative_indices_count_from_the_end() {
        let out = apply(
            json!({"l": [1, 2, 3]}),
            json!([
                {"op": "remove", "path": "/l/-1"},
                {"op": "replace", "path": "/l/-2", "value": 10},
                {"op": "add", "path": "/l/-1", "value": 4}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"l": [10, 2, 4]}));
        assert!(apply(
            json!({"l": [1]}),
            json!([{"op": "remove", "path": "/l/-2"}])
        )
        .is_err());
    }

    #[test]
    fn remove_member_and_element() {
        let out = apply(
            json!({"a": {"b": 1, "c": 2}, "l": [1, 2, 3]}),
            json!([
                {"op": "remove", "path": "/a/b"},
                {"op": "remove", "path": "/l/1"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"a": {"c": 2}, "l": [1, 3]}));
    }

    #[test]
    fn remove_missing_member_fails() {
        let err = apply(json!({"a": {}}), json!([{"op": "remove", "path": "/a/b"}])).unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)));
        assert!(err
            .message()
            .contains("Unable to remove nonexistent key: b"));
        let err = apply(json!({"l": []}), json!([{"op": "remove", "path": "/l/0"}])).unwrap_err();
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn replace_member_element_and_root() {
        let out = apply(
            json!({"spec": {"replicas": 1}, "l": [1, 2]}),
            json!([
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "replace", "path": "/l/0", "value": 9}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"spec": {"replicas": 3}, "l": [9, 2]}));
        let out = apply(
            json!({"a": 1}),
            json!([{"op": "replace", "path": "", "value": {"b": 2}}]),
        )
        .unwrap();
        assert_eq!(out, json!({"b": 2}));
        assert!(apply(
            json!({"a": 1}),
            json!([{"op": "replace", "path": "", "value": 1}])
        )
        .is_err());
    }

    #[test]
    fn replace_of_missing_member_adds_it_like_kubernetes() {
        let out = apply(
            json!({"metadata": {}}),
            json!([{"op": "replace", "path": "/metadata/labels", "value": {"a": "b"}}]),
        )
        .unwrap();
        assert_eq!(out, json!({"metadata": {"labels": {"a": "b"}}}));
        // ...but the parent must exist, and array indices must be in range.
        assert!(apply(
            json!({}),
            json!([{"op": "replace", "path": "/x/y", "value": 1}])
        )
        .is_err());
        assert!(apply(
            json!({"l": [1]}),
            json!([{"op": "replace", "path": "/l/1", "value": 1}])
        )
        .is_err());
    }

    #[test]
    fn move_and_copy() {
        let out = apply(
            json!({"a": {"x": 1}, "b": {}}),
            json!([
                {"op": "copy", "from": "/a/x", "path": "/b/y"},
                {"op": "move", "from": "/a", "path": "/c"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"b": {"y": 1}, "c": {"x": 1}}));

        let out = apply(
            json!({"l": ["a", "b", "c"]}),
            json!([{"op": "move", "from": "/l/0", "path": "/l/-"}]),
        )
        .unwrap();
        assert_eq!(out, json!({"l": ["b", "c", "a"]}));
    }

    #[test]
    fn move_and_copy_from_missing_fail() {
        let err = apply(
            json!({}),
            json!([{"op": "move", "from": "/a", "path": "/b"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)));
        let err = apply(
            json!({}),
            json!([{"op": "copy", "from": "/a", "path": "/b"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)));
        let err = apply(json!({"a": 1}), json!([{"op": "copy", "path": "/b"}])).unwrap_err();
        assert!(err.message().contains("failed to decode from"), "{err}");
    }

    #[test]
    fn move_into_own_child_fails() {
        let err = apply(
            json!({"a": {"b": {}}}),
            json!([{"op": "move", "from": "/a", "path": "/a/b/c"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)));
    }

    #[test]
    fn test_operation_passes_and_fails() {
        let doc = json!({"metadata": {"resourceVersion": "5", "labels": {"a": "b"}}, "l": [1]});
        assert!(apply(
            doc.clone(),
            json!([
                {"op": "test", "path": "/metadata/resourceVersion", "value": "5"},
                {"op": "test", "path": "/metadata/labels", "value": {"a": "b"}},
                {"op": "test", "path": "/l/0", "value": 1},
                {"op": "test", "path": "/metadata/missing", "value": null}
            ])
        )
        .is_ok());
        let err = apply(
            doc.clone(),
            json!([{"op": "test", "path": "/metadata/resourceVersion", "value": "6"}]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            PatchError::TestFailed(
                "testing value /metadata/resourceVersion failed: test failed".into()
            )
        );
        let err = apply(
            doc.clone(),
            json!([{"op": "test", "path": "/metadata/missing", "value": 1}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::TestFailed(_)));
        // Number representation matters: 1 is not 1.0.
        assert!(apply(doc, json!([{"op": "test", "path": "/l/0", "value": 1.0}])).is_err());
    }

    #[test]
    fn failed_test_aborts_whole_patch() {
        let doc = json!({"a": 1});
        let err = apply(
            doc.clone(),
            json!([
                {"op": "replace", "path": "/a", "value": 2},
                {"op": "test", "path": "/a", "value": 1}
            ]),
        );
        assert!(err.is_err());
        assert_eq!(doc, json!({"a": 1}));
    }

    #[test]
    fn pointer_escapes_are_decoded() {
        let out = apply(
            json!({"metadata": {"annotations": {"example.com/a~b": "x"}}}),
            json!([
                {"op": "replace", "path": "/metadata/annotations/example.com~1a~0b", "value": "y"},
                {"op": "add", "path": "/metadata/annotations/~01", "value": "z"}
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"metadata": {"annotations": {"example.com/a~b": "y", "~1": "z"}}})
        );
    }

    #[test]
    fn malformed_patches_are_bad_requests() {
        let err = apply(json!({}), json!({"op": "add"})).unwrap_err();
        assert_eq!(err.status_code(), 400);
        let err = apply(json!({}), json!(["add"])).unwrap_err();
        assert_eq!(err.status_code(), 400);
    }

    #[test]
    fn unknown_op_and_missing_path_fail() {
        let err = apply(json!({}), json!([{"op": "frobnicate", "path": "/a"}])).unwrap_err();
        assert_eq!(err.message(), "Unexpected kind: frobnicate");
        let err = apply(json!({}), json!([{"path": "/a"}])).unwrap_err();
        assert_eq!(err.message(), "Unexpected kind: unknown");
        let err = apply(json!({}), json!([{"op": "add", "value": 1}])).unwrap_err();
        assert!(err.message().contains("failed to decode path"));
        let err = apply(json!({}), json!([{"op": "add", "path": "a", "value": 1}])).unwrap_err();
        assert!(matches!(err, PatchError::PathNotFound(_)));
    }

    #[test]
    fn bad_array_tokens_fail() {
        for path in ["/l/x", "/l/1.0", "/l/", "/l/ 1"] {
            let r = apply(
                json!({"l": [1, 2]}),
                json!([{"op": "add", "path": path, "value": 0}]),
            );
            assert!(r.is_err(), "{path}");
        }
        let r = apply(
            json!({"l": [1, 2]}),
            json!([{"op": "remove", "path": "/l/-"}]),
        );
        assert!(r.is_err());
    }

    #[test]
    fn add_without_value_sets_null() {
        let out = apply(json!({}), json!([{"op": "add", "path": "/a"}])).unwrap();
        assert_eq!(out, json!({"a": null}));
    }

    #[test]
    fn add_at_root_replaces_document() {
        let out = apply(
            json!({"a": 1}),
            json!([{"op": "add", "path": "", "value": {"b": 1}}]),
        )
        .unwrap();
        assert_eq!(out, json!({"b": 1}));
    }

    #[test]
    fn too_many_operations_is_413() {
        let ops: Vec<Value> = (0..=MAX_JSON_PATCH_OPERATIONS)
            .map(|_| json!({"op": "test", "path": "/a", "value": 1}))
            .collect();
        let err = apply(json!({"a": 1}), Value::Array(ops)).unwrap_err();
        assert_eq!(err.status_code(), 413);
    }

    #[test]
    fn exponential_copy_is_refused() {
        let ops: Vec<Value> = (0..40)
            .map(|_| json!({"op": "copy", "from": "/a", "path": "/a/-"}))
            .collect();
        let err = apply(json!({"a": [1]}), Value::Array(ops)).unwrap_err();
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn empty_patch_is_identity() {
        let doc = json!({"a": [1, {"b": null}]});
        assert_eq!(apply(doc.clone(), json!([])).unwrap(), doc);
    }
}

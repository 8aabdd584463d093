//! JSON merge patch (RFC 7386), as applied to `application/merge-patch+json` requests.

use serde_json::{Map, Value};

/// Applies an RFC 7386 merge patch: object members in the patch are merged recursively into the
/// document, `null` members delete the corresponding key, and any non-object patch replaces the
/// document wholesale.
///
/// Like the Kubernetes API server, values taken from the patch (newly added keys and arrays) are
/// stored with `null` object members removed, so a patch never introduces explicit nulls into the
/// object. Applying the same patch twice yields the same result as applying it once.
pub fn apply_merge_patch(doc: &Value, patch: &Value) -> Value {
    merge_value(Some(doc), patch)
}

fn merge_value(target: Option<&Value>, patch: &Value) -> Value {
    match patch {
        Value::Object(patch_map) => {
            let mut out = match target {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            };
            for (key, pv) in patch_map {
                if pv.is_null() {
                    out.shift_remove(key);
                    continue;
                }
                let merged = merge_value(out.get(key), pv);
                out.insert(key.clone(), merged);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(prune_nulls).collect()),
        other => other.clone(),
    }
}

/// Drops `null` members from objects (recursively, including objects nested in arrays); `null`
/// array elements are kept.
fn prune_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), prune_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(prune_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The examples from RFC 7386 Appendix A.
    #[test]
    fn rfc7386_appendix_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (doc, patch, want) in cases {
            assert_eq!(
                apply_merge_patch(&doc, &patch),
                want,
                "doc={doc} patch={patch}"
            );
        }
    }

    #[test]
    fn labels_are_merged_and_deleted() {
        let doc = json!({"metadata": {"name": "x", "labels": {"a": "1", "b": "2"}}});
        let patch = json!({"metadata": {"labels": {"a": null, "c": "3"}}});
        let out = apply_merge_patch(&doc, &patch);
        assert_eq!(
            out,
            json!({"metadata": {"name": "x", "labels": {"b": "2", "c": "3"}}})
        );
    }

    #[test]
    fn lists_are_replaced_not_merged() {
        let doc = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b"}]}});
        let patch = json!({"spec": {"containers": [{"name": "a", "image": "y"}]}});
        let out = apply_merge_patch(&doc, &patch);
        assert_eq!(
            out,
            json!({"spec": {"containers": [{"name": "a", "image": "y"}]}})
        );
    }

    #[test]
    fn key_order_is_preserved_on_update_and_delete() {
        let doc = json!({"a": 1, "b": 2, "c": 3, "d": 4});
        let out = apply_merge_patch(&doc, &json!({"b": null, "c": 30, "e": 5}));
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "c", "d", "e"]);
    }

    #[test]
    fn nulls_inside_new_values_are_dropped() {
        let out = apply_merge_patch(&json!({}), &json!({"a": [{"x": null, "y": 1}, null]}));
        assert_eq!(out, json!({"a": [{"y": 1}, null]}));
    }

    #[test]
    fn does_not_mutate_input() {
        let doc = json!({"a": {"b": 1}});
        let _ = apply_merge_patch(&doc, &json!({"a": {"b": null}}));
        assert_eq!(doc, json!({"a": {"b": 1}}));
    }
}

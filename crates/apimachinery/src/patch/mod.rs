//! Patch engines for the three patch content types the Kubernetes API accepts on `PATCH`:
//!
//! * `application/json-patch+json` — RFC 6902 operations ([`apply_json_patch`]),
//! * `application/merge-patch+json` — RFC 7386 merge documents ([`apply_merge_patch`]),
//! * `application/strategic-merge-patch+json` — Kubernetes strategic merge patch
//!   ([`apply_strategic_merge_patch`]), driven by per-kind list merge metadata ([`PatchSchema`]).
//!
//! All functions are pure: they take the current object and the patch body as JSON values and
//! return the patched object (or a [`PatchError`] the API server maps to a `Status`).

mod json_patch;
mod merge_patch;
mod schema;
mod strategic;

pub use json_patch::{apply_json_patch, MAX_JSON_PATCH_OPERATIONS};
pub use merge_patch::apply_merge_patch;
pub use schema::{schema_for, FieldPatch, PatchSchema, PatchStrategy, PatchType};
pub use strategic::apply_strategic_merge_patch;

/// Media types accepted for `PATCH` on resources without strategic-merge metadata (custom
/// resources); quoted in the 415 message so clients can fall back to another patch type.
pub const NON_STRATEGIC_PATCH_MEDIA_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
];

/// Why a patch could not be applied. Each variant corresponds to the HTTP status the Kubernetes
/// API server answers with, so callers can build a `metav1.Status` via [`PatchError::status_code`]
/// and [`PatchError::reason`] without inspecting messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch body is malformed for its patch type (wrong JSON shape, bad directive syntax).
    /// HTTP 400 BadRequest.
    #[error("{0}")]
    BadRequest(String),
    /// A JSON patch operation referenced a location that does not exist. HTTP 422.
    #[error("{0}")]
    PathNotFound(String),
    /// A JSON patch `test` operation did not match. HTTP 422.
    #[error("{0}")]
    TestFailed(String),
    /// The patch is well-formed but cannot be applied to this object (e.g. list merge key
    /// missing, bad array index, list element types differ). HTTP 422.
    #[error("{0}")]
    Invalid(String),
    /// The JSON patch has more operations than the server accepts. HTTP 413.
    #[error("{0}")]
    TooManyOperations(String),
    /// The patch type is not supported for this resource (strategic merge on a custom
    /// resource). HTTP 415.
    #[error("{0}")]
    UnsupportedMediaType(String),
}

impl PatchError {
    /// HTTP status code the API server responds with for this error.
    pub fn status_code(&self) -> u16 {
        match self {
            PatchError::BadRequest(_) => 400,
            PatchError::PathNotFound(_) | PatchError::TestFailed(_) | PatchError::Invalid(_) => 422,
            PatchError::TooManyOperations(_) => 413,
            PatchError::UnsupportedMediaType(_) => 415,
        }
    }

    /// `metav1.Status.reason` matching [`PatchError::status_code`].
    pub fn reason(&self) -> &'static str {
        match self {
            PatchError::BadRequest(_) => "BadRequest",
            PatchError::PathNotFound(_) | PatchError::TestFailed(_) | PatchError::Invalid(_) => {
                "Invalid"
            }
            PatchError::TooManyOperations(_) => "RequestEntityTooLarge",
            PatchError::UnsupportedMediaType(_) => "UnsupportedMediaType",
        }
    }

    /// The error message (the text inside the variant).
    pub fn message(&self) -> &str {
        match self {
            PatchError::BadRequest(m)
            | PatchError::PathNotFound(m)
            | PatchError::TestFailed(m)
            | PatchError::Invalid(m)
            | PatchError::TooManyOperations(m)
            | PatchError::UnsupportedMediaType(m) => m,
        }
    }
}

/// Short JSON type name used in error messages.
pub(crate) fn json_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    #[test]
    fn status_codes_match_kubernetes() {
        assert_eq!(PatchError::BadRequest("x".into()).status_code(), 400);
        assert_eq!(PatchError::PathNotFound("x".into()).status_code(), 422);
        assert_eq!(PatchError::TestFailed("x".into()).status_code(), 422);
        assert_eq!(PatchError::Invalid("x".into()).status_code(), 422);
        assert_eq!(PatchError::TooManyOperations("x".into()).status_code(), 413);
        let e = PatchError::UnsupportedMediaType("nope".into());
        assert_eq!(e.status_code(), 415);
        assert_eq!(e.reason(), "UnsupportedMediaType");
        assert_eq!(e.message(), "nope");
        assert_eq!(e.to_string(), "nope");
    }

    fn arb_scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..5).prop_map(|n| json!(n)),
            Just(json!(1.5)),
            prop::sample::select(vec!["a", "b", "c", "delete", "replace", "merge", ""])
                .prop_map(|s| json!(s)),
        ]
    }

    fn arb_key() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a",
            "b",
            "name",
            "uid",
            "image",
            "env",
            "value",
            "finalizers",
            "containers",
            "metadata",
            "spec",
            "template",
            "ports",
            "containerPort",
            "$patch",
            "$retainKeys",
            "$setElementOrder/containers",
            "$setElementOrder/finalizers",
            "$setElementOrder/a",
            "$deleteFromPrimitiveList/finalizers",
            "$deleteFromPrimitiveList/a",
            "$deleteFromPrimitiveList",
            "$setElementOrder",
            "$other",
        ])
        .prop_map(String::from)
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        arb_scalar().prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((arb_key(), inner), 0..6)
                    .prop_map(|kvs| Value::Object(kvs.into_iter().collect())),
            ]
        })
    }

    fn arb_object() -> impl Strategy<Value = Value> {
        prop::collection::vec((arb_key(), arb_json()), 0..6)
            .prop_map(|kvs| Value::Object(kvs.into_iter().collect()))
    }

    fn arb_pointer() -> impl Strategy<Value = Value> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "name", "0", "1", "2", "-", "-1", "-9", "99", "~0", "~1", "x~", "01", "",
            ]),
            0..4,
        )
        .prop_map(|parts| {
            let mut s = String::new();
            for p in parts {
                s.push('/');
                s.push_str(p);
            }
            json!(s)
        })
    }

    fn arb_op() -> impl Strategy<Value = Value> {
        (
            prop::sample::select(vec![
                "add", "remove", "replace", "move", "copy", "test", "x",
            ]),
            arb_pointer(),
            arb_pointer(),
            arb_json(),
            any::<bool>(),
        )
            .prop_map(|(op, path, from, value, with_value)| {
                let mut m = serde_json::Map::new();
                m.insert("op".into(), json!(op));
                m.insert("path".into(), path);
                m.insert("from".into(), from);
                if with_value {
                    m.insert("value".into(), value);
                }
                Value::Object(m)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn json_patch_never_panics(doc in arb_json(), ops in prop::collection::vec(arb_op(), 0..6)) {
            let _ = apply_json_patch(&doc, &Value::Array(ops));
        }

        #[test]
        fn json_patch_arbitrary_body_never_panics(doc in arb_json(), patch in arb_json()) {
            let _ = apply_json_patch(&doc, &patch);
        }

        #[test]
        fn merge_patch_is_idempotent(doc in arb_json(), patch in arb_json()) {
            let once = apply_merge_patch(&doc, &patch);
            let twice = apply_merge_patch(&once, &patch);
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn merge_patch_object_result_has_no_patch_nulls(doc in arb_object(), patch in arb_object()) {
            let out = apply_merge_patch(&doc, &patch);
            let out = out.as_object().expect("object patch yields an object");
            for (k, v) in patch.as_object().unwrap() {
                if v.is_null() {
                    prop_assert!(!out.contains_key(k));
                }
            }
        }

        #[test]
        fn strategic_merge_never_panics(doc in arb_json(), patch in arb_json()) {
            for (group, kind) in [("apps", "Deployment"), ("", "Pod"), ("", "ConfigMap")] {
                let schema = schema_for(group, kind);
                let _ = apply_strategic_merge_patch(&doc, &patch, &schema);
            }
        }

        #[test]
        fn strategic_merge_objects_never_panic(doc in arb_object(), patch in arb_object()) {
            let schema = schema_for("", "Pod");
            let _ = apply_strategic_merge_patch(&doc, &patch, &schema);
            let pod_doc = json!({"spec": doc.clone(), "metadata": doc.clone()});
            let pod_patch = json!({"spec": patch.clone(), "metadata": patch.clone()});
            let _ = apply_strategic_merge_patch(&pod_doc, &pod_patch, &schema);
        }

        #[test]
        fn strategic_merge_without_directives_matches_merge_patch_on_plain_maps(
            doc in prop::collection::btree_map("[a-c]", "[x-z]", 0..4),
            patch in prop::collection::btree_map("[a-c]", prop::option::of("[x-z]"), 0..4),
        ) {
            // For maps of scalars the two patch types agree.
            let doc = json!({"data": doc});
            let patch = json!({"data": patch});
            let schema = schema_for("", "ConfigMap");
            let smp = apply_strategic_merge_patch(&doc, &patch, &schema).unwrap();
            prop_assert_eq!(smp, apply_merge_patch(&doc, &patch));
        }
    }
}

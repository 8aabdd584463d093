//! Request body decoding (with `fieldValidation`) and response shaping (plain JSON, `Table`,
//! `PartialObjectMetadata`).

use apimachinery::catalog::Resource;
use apimachinery::schema::{self, FieldProblem};
use apimachinery::table;
use apimachinery::validation::Cause;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::request::Query;

/// Largest request body accepted, as Kubernetes' 3 MiB limit.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// How the client wants objects rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Table { include_object: IncludeObject },
    PartialMetadata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

/// Picks the first representation in `Accept` we can produce.
pub fn negotiate(accept: Option<&str>, include_object: Option<&str>) -> Output {
    let Some(accept) = accept else {
        return Output::Json;
    };
    for part in accept.split(',') {
        let params: Vec<&str> = part.split(';').map(str::trim).collect();
        let is = |k: &str, v: &str| params.iter().any(|p| *p == format!("{k}={v}"));
        if is("as", "Table") && is("g", "meta.k8s.io") {
            let include = match include_object {
                Some("None") => IncludeObject::None,
                Some("Object") => IncludeObject::Object,
                _ => IncludeObject::Metadata,
            };
            return Output::Table {
                include_object: include,
            };
        }
        if is("as", "PartialObjectMetadata") || is("as", "PartialObjectMetadataList") {
            return Output::PartialMetadata;
        }
        let media = params.first().copied().unwrap_or("");
        if matches!(
            media,
            "application/json" | "*/*" | "application/*" | "application/yaml"
        ) {
            return Output::Json;
        }
    }
    Output::Json
}

/// Parses a JSON or YAML body into an object.
pub fn decode_body(content_type: &str, body: &[u8]) -> ApiResult<Value> {
    let media = content_type.split(';').next().unwrap_or("").trim();
    match media {
        "application/yaml" | "application/apply-patch+yaml" | "text/yaml" => decode_yaml(body),
        "application/vnd.kubernetes.protobuf" => crate::protobuf::decode(body),
        ""
        | "application/json"
        | "application/merge-patch+json"
        | "application/json-patch+json"
        | "application/strategic-merge-patch+json"
        | "*/*" => decode_json(body),
        other => Err(ApiError::unsupported_media_type(other)),
    }
}

/// How a write treats unknown and duplicate fields (the `fieldValidation` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and say so in `Warning` headers (the default, as in Kubernetes).
    Warn,
    /// Reject the request.
    Strict,
}

impl FieldValidation {
    /// Reads `fieldValidation`; `options` is the options kind named in errors (`CreateOptions`,
    /// `UpdateOptions`, `PatchOptions`).
    pub fn from_query(q: &Query, options: &str) -> ApiResult<FieldValidation> {
        match q.get("fieldValidation") {
            None | Some("" | "Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => Err(ApiError::invalid(
                "meta.k8s.io",
                options,
                "",
                &[Cause {
                    reason: "FieldValueNotSupported",
                    message: format!(
                        "Unsupported value: {}: supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
                        Value::String(other.to_string())
                    ),
                    field: "fieldValidation".into(),
                }],
            )),
        }
    }

    /// Applies the directive to the problems found: an error under Strict (made by `reject`
    /// from the `strict decoding error: …` message), warnings under Warn.
    pub fn check(
        self,
        problems: &[FieldProblem],
        warnings: &mut Vec<String>,
        reject: impl FnOnce(String) -> ApiError,
    ) -> ApiResult<()> {
        if problems.is_empty() {
            return Ok(());
        }
        match self {
            FieldValidation::Ignore => Ok(()),
            FieldValidation::Warn => {
                warnings.extend(problems.iter().map(ToString::to_string));
                Ok(())
            }
            FieldValidation::Strict => Err(reject(schema::strict_decoding_error(problems))),
        }
    }
}

/// Decodes the body of a create or update of `res`: unknown and duplicate fields are handled
/// as `validation` says, and unknown fields are dropped from the object in any case, as
/// Kubernetes' typed decoding drops them.
pub fn decode_object(
    res: &Resource,
    content_type: &str,
    body: &[u8],
    validation: FieldValidation,
    warnings: &mut Vec<String>,
) -> ApiResult<Value> {
    let mut obj = decode_body(content_type, body)?;
    let api_version = res.api_version();
    if validation != FieldValidation::Ignore {
        let problems = body_problems(&api_version, res.kind, content_type, body, &obj);
        validation.check(&problems, warnings, |message| {
            let str_of = |k: &str| obj.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
            let kind = str_of("kind").unwrap_or(res.kind);
            let version = str_of("apiVersion")
                .map(|v| v.rsplit('/').next().unwrap_or(v))
                .unwrap_or(res.version);
            ApiError::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {}: {message}",
                res.kind
            ))
        })?;
    }
    schema::prune(&api_version, res.kind, &mut obj);
    Ok(obj)
}

/// Whether a body that decoded fine was JSON (YAML bodies are often JSON too).
pub fn is_json_body(content_type: &str, body: &[u8]) -> bool {
    match content_type.split(';').next().unwrap_or("").trim() {
        "application/yaml" | "application/apply-patch+yaml" | "text/yaml" => {
            serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
        }
        "application/vnd.kubernetes.protobuf" => false,
        _ => true,
    }
}

/// The unknown and duplicate fields of a decoded object body. JSON is scanned as Kubernetes'
/// strict JSON decoder does (document order, duplicates included); YAML bodies (where a
/// repeated key already fails decoding) are checked on the decoded object, in path order as
/// Kubernetes reports them for YAML; protobuf bodies cannot carry unknown fields.
fn body_problems(
    api_version: &str,
    kind: &str,
    content_type: &str,
    body: &[u8],
    obj: &Value,
) -> Vec<FieldProblem> {
    if content_type.split(';').next().unwrap_or("").trim() == "application/vnd.kubernetes.protobuf"
    {
        return Vec::new();
    }
    if is_json_body(content_type, body) {
        return schema::strict_problems(api_version, kind, body);
    }
    let mut unknown = schema::unknown_fields(api_version, kind, obj);
    unknown.sort();
    unknown.into_iter().map(FieldProblem::Unknown).collect()
}

pub fn decode_json(body: &[u8]) -> ApiResult<Value> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding request body: {e}")))
}

fn decode_yaml(body: &[u8]) -> ApiResult<Value> {
    // JSON is YAML; parsing JSON bodies as JSON keeps integer types exact.
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return Ok(v);
    }
    let v: serde_yaml::Value = serde_yaml::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    serde_json::to_value(v)
        .map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))
}

fn partial_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

fn column_definitions(res: &Resource) -> Vec<Value> {
    table::columns(res.group, res.plural)
        .iter()
        .map(|c| {
            json!({"name": c.name, "type": c.type_, "format": c.format,
                   "description": c.description, "priority": c.priority})
        })
        .collect()
}

fn table_row(
    res: &Resource,
    obj: &Value,
    include: IncludeObject,
    now: chrono::DateTime<chrono::Utc>,
) -> Value {
    let mut row = json!({"cells": table::cells(res.group, res.plural, obj, now)});
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => row["object"] = partial_metadata(obj),
        IncludeObject::Object => row["object"] = obj.clone(),
    }
    row
}

/// A Table of `items`; `list_meta` is the list's metadata (resourceVersion, continue).
pub fn to_table(
    res: &Resource,
    items: &[Value],
    list_meta: Value,
    include: IncludeObject,
    headers: bool,
) -> Value {
    let now = chrono::Utc::now();
    let rows: Vec<Value> = items
        .iter()
        .map(|o| table_row(res, o, include, now))
        .collect();
    let mut t = json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": if headers { column_definitions(res) } else { Vec::new() },
        "rows": rows,
    });
    if !headers {
        if let Some(o) = t.as_object_mut() {
            o.insert("columnDefinitions".into(), Value::Null);
        }
    }
    t
}

/// Renders one object for the requested output.
pub fn render_object(res: &Resource, obj: Value, out: Output) -> Value {
    match out {
        Output::Json => obj,
        Output::PartialMetadata => partial_metadata(&obj),
        Output::Table { include_object } => {
            let rv = obj
                .pointer("/metadata/resourceVersion")
                .cloned()
                .unwrap_or(Value::Null);
            to_table(
                res,
                std::slice::from_ref(&obj),
                json!({"resourceVersion": rv}),
                include_object,
                true,
            )
        }
    }
}

/// Renders a list for the requested output.
pub fn render_list(
    res: &Resource,
    items: Vec<Value>,
    list_meta: Map<String, Value>,
    out: Output,
) -> Value {
    match out {
        Output::Json => json!({
            "kind": format!("{}List", res.kind),
            "apiVersion": res.api_version(),
            "metadata": list_meta,
            "items": items,
        }),
        Output::PartialMetadata => json!({
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": list_meta,
            "items": items.iter().map(partial_metadata).collect::<Vec<_>>(),
        }),
        Output::Table { include_object } => {
            to_table(res, &items, Value::Object(list_meta), include_object, true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_first_supported() {
        let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert!(matches!(
            negotiate(Some(kubectl), None),
            Output::Table {
                include_object: IncludeObject::Metadata
            }
        ));
        assert!(matches!(
            negotiate(Some(kubectl), Some("Object")),
            Output::Table {
                include_object: IncludeObject::Object
            }
        ));
        assert_eq!(negotiate(Some("application/json"), None), Output::Json);
        assert_eq!(negotiate(None, None), Output::Json);
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"), None),
            Output::PartialMetadata
        );
    }

    #[test]
    fn yaml_and_json_bodies() {
        let v = decode_body("application/yaml", b"a: 1\nb: [x]\n").unwrap();
        assert_eq!(v, json!({"a": 1, "b": ["x"]}));
        let v = decode_body("application/apply-patch+yaml", br#"{"a":1}"#).unwrap();
        assert_eq!(v, json!({"a": 1}));
        assert_eq!(
            decode_body("application/json", b"{oops").unwrap_err().code,
            400
        );
        assert_eq!(decode_body("text/plain", b"x").unwrap_err().code, 415);
    }
}

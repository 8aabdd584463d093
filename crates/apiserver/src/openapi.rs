//! OpenAPI v3 documents, one per group version, generated from the catalog and the field
//! schemas of [`apimachinery::schema`].
//!
//! kubectl reads them for two facts: PATCH operations that accept `fieldValidation` (so it
//! leaves unknown-field checks to the server), and schemas tagged with
//! `x-kubernetes-group-version-kind`, whose fields `kubectl explain` walks. Every message
//! reachable from a kind has its component schema, named as upstream names it
//! (`io.k8s.api.core.v1.PodSpec`), with field types but no field descriptions. PATCH
//! operations deliberately do not list the strategic-merge content type: kubectl then computes
//! strategic patches from its own compiled-in types, which know the merge keys and patch
//! strategies these schemas do not carry.

use std::collections::HashMap;
use std::sync::OnceLock;

use apimachinery::catalog::{self, api_version, Resource};
use apimachinery::schema::{FieldSchema, FieldType, MessageType};
use serde_json::{json, Map, Value};

/// A hash of each group version's document (keyed by its path, `apis/apps/v1`), so clients
/// may cache a document until its content changes.
fn document_hashes() -> &'static HashMap<String, String> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        let mut hashes = HashMap::new();
        for (group, versions) in catalog::groups() {
            for version in versions {
                let path = gv_path(group, version);
                let text = document(&path).map(|d| d.to_string()).unwrap_or_default();
                let mut h: u64 = 0xcbf29ce484222325;
                for b in text.bytes() {
                    h = (h ^ b as u64).wrapping_mul(0x100000001b3);
                }
                hashes.insert(path, format!("{h:016X}{:016X}", h.rotate_left(32)));
            }
        }
        hashes
    })
}

/// `GET /openapi/v3`.
pub fn index() -> Value {
    let hashes = document_hashes();
    let mut paths = Map::new();
    for (group, versions) in catalog::groups() {
        for version in versions {
            let p = gv_path(group, version);
            let hash = hashes.get(&p).map(String::as_str).unwrap_or_default();
            paths.insert(
                p.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash}")}),
            );
        }
    }
    json!({"paths": paths})
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The schema name Kubernetes uses for a kind (`io.k8s.api.apps.v1.Deployment`).
fn schema_name(r: &Resource) -> String {
    let pkg = match r.group {
        "" => "core".to_string(),
        g => g
            .trim_end_matches(".k8s.io")
            .replace(".authorization", "")
            .replace('.', "_"),
    };
    format!("io.k8s.api.{pkg}.{}.{}", r.version, r.kind)
}

fn gvk(r: &Resource) -> Value {
    json!([{"group": r.group, "version": r.version, "kind": r.kind}])
}

fn param(name: &str, location: &str, description: &str) -> Value {
    json!({"name": name, "in": location, "description": description, "schema": {"type": "string", "uniqueItems": true}})
}

fn write_params() -> Vec<Value> {
    vec![
        param("dryRun", "query", "When present, indicates that modifications should not be persisted."),
        param("fieldManager", "query", "fieldManager is a name associated with the actor or entity that is making these changes."),
        param("fieldValidation", "query", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict."),
    ]
}

fn body(r: &Resource, types: &[&str]) -> Value {
    let schema = json!({"$ref": format!("#/components/schemas/{}", schema_name(r))});
    let content: Map<String, Value> = types
        .iter()
        .map(|t| (t.to_string(), json!({"schema": schema})))
        .collect();
    json!({"content": content, "required": true})
}

fn ok(r: &Resource) -> Value {
    json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", schema_name(r))}}}}})
}

fn operation(r: &Resource, action: &str, id: &str) -> Value {
    json!({"operationId": id, "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk(r)[0], "responses": ok(r), "tags": [api_version(r.group, r.version)]})
}

fn resource_paths(r: &Resource, paths: &mut Map<String, Value>) {
    let base = if r.group.is_empty() {
        format!("/api/{}", r.version)
    } else {
        format!("/apis/{}/{}", r.group, r.version)
    };
    let collection = if r.namespaced {
        format!("{base}/namespaces/{{namespace}}/{}", r.plural)
    } else {
        format!("{base}/{}", r.plural)
    };
    let item = format!("{collection}/{{name}}");
    let id = format!("{}{}", r.kind, r.version);

    let mut create = operation(r, "post", &format!("create{id}"));
    create["parameters"] = json!(write_params());
    create["requestBody"] = body(r, &["*/*"]);
    let list = operation(r, "list", &format!("list{id}"));
    let mut coll = json!({"get": list, "post": create});
    if r.verbs.contains(&"deletecollection") {
        coll["delete"] = operation(r, "deletecollection", &format!("deleteCollection{id}"));
    }
    paths.insert(collection, coll);

    let mut patch = operation(r, "patch", &format!("patch{id}"));
    let mut params = write_params();
    params.push(param(
        "force",
        "query",
        "Force is going to \"force\" Apply requests.",
    ));
    patch["parameters"] = json!(params);
    patch["requestBody"] = body(
        r,
        &[
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ],
    );
    let mut put = operation(r, "put", &format!("replace{id}"));
    put["parameters"] = json!(write_params());
    put["requestBody"] = body(r, &["*/*"]);
    paths.insert(
        item.clone(),
        json!({
            "get": operation(r, "get", &format!("read{id}")),
            "put": put,
            "patch": patch,
            "delete": operation(r, "delete", &format!("delete{id}")),
        }),
    );
    for s in r
        .subresources
        .iter()
        .filter(|s| s.name == "status" || s.name == "scale")
    {
        let mut p = operation(r, "patch", &format!("patch{id}{}", s.name));
        p["parameters"] = json!(write_params());
        p["requestBody"] = body(
            r,
            &[
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/apply-patch+yaml",
            ],
        );
        // Subresource operations must not claim the parent's kind, or kubectl could pick them.
        p.as_object_mut()
            .map(|o| o.remove("x-kubernetes-group-version-kind"));
        paths.insert(format!("{item}/{}", s.name), json!({"patch": p}));
    }
}

const TIME: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
const MICRO_TIME: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// The schemas of the value types that are not messages, as upstream publishes them: `oneOf`
/// without a `type`, so `kubectl explain` names them (`map[string]Quantity`, `<IntOrString>`).
fn scalar_schemas() -> [(&'static str, Value); 4] {
    [
        (
            TIME,
            json!({"type": "string", "format": "date-time",
            "description": "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON (RFC 3339)."}),
        ),
        (
            MICRO_TIME,
            json!({"type": "string", "format": "date-time",
            "description": "MicroTime is version of Time with microsecond level precision."}),
        ),
        (
            QUANTITY,
            json!({"oneOf": [{"type": "string"}, {"type": "number"}],
            "description": "Quantity is a fixed-point representation of a number, serialized as a string such as `100m`, `1.5Gi` or `2`."}),
        ),
        (
            INT_OR_STRING,
            json!({"oneOf": [{"type": "integer"}, {"type": "string"}], "format": "int-or-string",
            "x-kubernetes-int-or-string": true,
            "description": "IntOrString is a type that can hold an int32 or a string."}),
        ),
    ]
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The schema of one value of type `ty`; messages are queued in `pending` for their own
/// component schema.
fn value_schema(ty: FieldType, pending: &mut Vec<MessageType>) -> Value {
    match ty {
        FieldType::String => json!({"type": "string"}),
        FieldType::Bytes => json!({"type": "string", "format": "byte"}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Int32 => json!({"type": "integer", "format": "int32"}),
        FieldType::Int64 => json!({"type": "integer", "format": "int64"}),
        FieldType::Message(m) => {
            pending.push(m);
            json!({"allOf": [reference(m.name())], "default": {}})
        }
        FieldType::Map(v) => {
            json!({"type": "object", "additionalProperties": value_schema(v.value(), pending)})
        }
        FieldType::Time => json!({"allOf": [reference(TIME)]}),
        FieldType::MicroTime => json!({"allOf": [reference(MICRO_TIME)]}),
        FieldType::Quantity => json!({"allOf": [reference(QUANTITY)]}),
        FieldType::IntOrString => json!({"allOf": [reference(INT_OR_STRING)]}),
        FieldType::Json => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        FieldType::StringList => {
            json!({"type": "array", "items": {"type": "string", "default": ""}})
        }
    }
}

fn field_schema(f: &FieldSchema, pending: &mut Vec<MessageType>) -> Value {
    let value = value_schema(f.ty, pending);
    if !f.list {
        return value;
    }
    // Items are value schemas too: message items are `allOf` references, as upstream writes.
    json!({"type": "array", "items": value})
}

/// Short descriptions of the fields every object shares (the tables carry no text).
const COMMON_DESCRIPTIONS: &[(&str, &str, &str)] = &[
    ("", "apiVersion", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values."),
    ("", "kind", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase."),
    ("", "metadata", "Standard object's metadata."),
    ("", "spec", "Specification of the desired behavior of the object."),
    ("", "status", "Most recently observed status of the object. Populated by the system. Read-only."),
    (OBJECT_META, "name", "Name must be unique within a namespace."),
    (OBJECT_META, "generateName", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
    (OBJECT_META, "namespace", "Namespace defines the space within which each name must be unique."),
    (OBJECT_META, "labels", "Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
    (OBJECT_META, "annotations", "Annotations is an unstructured key value map stored with a resource."),
    (OBJECT_META, "uid", "UID is the unique in time and space value for this object."),
    (OBJECT_META, "resourceVersion", "An opaque value that represents the internal version of this object."),
    (OBJECT_META, "generation", "A sequence number representing a specific generation of the desired state."),
    (OBJECT_META, "creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created."),
    (OBJECT_META, "deletionTimestamp", "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
    (OBJECT_META, "deletionGracePeriodSeconds", "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."),
    (OBJECT_META, "finalizers", "Must be empty before the object is deleted from the registry."),
    (OBJECT_META, "ownerReferences", "List of objects depended by this object."),
    (OBJECT_META, "managedFields", "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."),
];

fn description(message: &str, field: &str, top_level: bool) -> Option<&'static str> {
    COMMON_DESCRIPTIONS
        .iter()
        .find(|(m, f, _)| *f == field && (*m == message || (m.is_empty() && top_level)))
        .map(|(_, _, d)| *d)
}

/// The component schema of a message.
fn message_schema(m: MessageType, pending: &mut Vec<MessageType>) -> Value {
    let top_level = m.has_type_meta();
    let mut properties = Map::new();
    if top_level {
        for f in ["apiVersion", "kind"] {
            properties.insert(f.into(), json!({"type": "string"}));
        }
    }
    for f in m.fields() {
        properties.insert(f.name.into(), field_schema(&f, pending));
    }
    for (name, schema) in properties.iter_mut() {
        if let Some(d) = description(m.name(), name, top_level) {
            schema["description"] = json!(d);
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if m.name() == OBJECT_META {
        schema["description"] = json!("ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.");
    }
    schema
}

/// A kind's schema: its message, described and tagged with its group, version and kind.
fn kind_schema(r: &Resource, pending: &mut Vec<MessageType>) -> Value {
    let mut schema = match MessageType::of_kind(&r.api_version(), r.kind) {
        Some(m) => message_schema(m, pending),
        None => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
    };
    schema["description"] = json!(format!(
        "{} is a {} resource of {}.",
        r.kind,
        if r.namespaced {
            "namespaced"
        } else {
            "cluster-scoped"
        },
        api_version(r.group, r.version)
    ));
    schema["x-kubernetes-group-version-kind"] = gvk(r);
    schema
}

/// `GET /openapi/v3/{api/v1 | apis/G/V}`; None for unknown group versions.
pub fn document(gv: &str) -> Option<Value> {
    let (group, version) = match gv.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => (String::new(), v.to_string()),
        ["apis", g, v] => (g.to_string(), v.to_string()),
        _ => return None,
    };
    let resources: Vec<&Resource> = catalog::resources_of(&group, &version).collect();
    if resources.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut pending = Vec::new();
    let mut kinds = Map::new();
    for r in &resources {
        resource_paths(r, &mut paths);
        kinds.insert(schema_name(r), kind_schema(r, &mut pending));
    }
    // Every message reachable from the kinds gets its component schema.
    while let Some(m) = pending.pop() {
        if !schemas.contains_key(m.name()) {
            let schema = message_schema(m, &mut pending);
            schemas.insert(m.name().to_string(), schema);
        }
    }
    schemas.extend(kinds);
    for (name, schema) in scalar_schemas() {
        schemas.insert(name.to_string(), schema);
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": crate::KUBERNETES_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lists_every_group_version() {
        let i = index();
        assert!(i["paths"]["api/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap()
            .starts_with("/openapi/v3/api/v1?hash="));
        assert!(i["paths"].get("apis/apps/v1").is_some());
    }

    #[test]
    fn patch_operations_offer_field_validation_without_strategic_merge() {
        let d = document("apis/apps/v1").unwrap();
        let p = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(p["x-kubernetes-group-version-kind"]["kind"], "Deployment");
        assert!(p["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "fieldValidation"));
        assert!(p["requestBody"]["content"]
            .get("application/strategic-merge-patch+json")
            .is_none());
        let s = &d["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            s["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert!(document("apis/nope/v1").is_none());
    }

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_in_its_document() {
        for (group, versions) in catalog::groups() {
            for version in versions {
                let d = document(&gv_path(group, version)).unwrap();
                let mut found = Vec::new();
                refs(&d, &mut found);
                assert!(!found.is_empty());
                for r in found {
                    let name = r.strip_prefix("#/components/schemas/").unwrap();
                    assert!(
                        d["components"]["schemas"].get(name).is_some(),
                        "{group}/{version}: {name} is referenced but missing"
                    );
                }
            }
        }
    }

    #[test]
    fn schemas_describe_nested_fields_with_types() {
        let d = document("apis/apps/v1").unwrap();
        let s = &d["components"]["schemas"];
        let deploy = &s["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            deploy["properties"]["spec"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"
        );
        assert_eq!(deploy["properties"]["kind"]["type"], "string");
        assert!(deploy["description"]
            .as_str()
            .unwrap()
            .contains("Deployment"));
        let spec = &s["io.k8s.api.apps.v1.DeploymentSpec"]["properties"];
        assert_eq!(
            spec["replicas"],
            json!({"type": "integer", "format": "int32"})
        );
        assert_eq!(
            spec["strategy"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"
        );
        let rolling = &s["io.k8s.api.apps.v1.RollingUpdateDeployment"]["properties"];
        assert_eq!(
            rolling["maxSurge"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"
        );
        let ios = &s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
        assert_eq!(ios["format"], "int-or-string");
        assert_eq!(ios["x-kubernetes-int-or-string"], true);
        let pod = &s["io.k8s.api.core.v1.PodSpec"]["properties"];
        assert_eq!(pod["containers"]["type"], "array");
        assert_eq!(
            pod["containers"]["items"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.Container"
        );
        assert_eq!(
            pod["nodeSelector"],
            json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
        let resources = &s["io.k8s.api.core.v1.ResourceRequirements"]["properties"];
        assert_eq!(
            resources["limits"]["additionalProperties"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"
        );
        // Embedded structs are flattened, as upstream's schemas are.
        let volume = &s["io.k8s.api.core.v1.Volume"]["properties"];
        assert!(volume.get("configMap").is_some() && volume.get("").is_none());
        let meta = &s["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"];
        assert_eq!(meta["labels"]["additionalProperties"]["type"], "string");
        assert_eq!(
            meta["creationTimestamp"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"
        );
        assert!(meta["name"]["description"].is_string());
        // Only the kind carries apiVersion and kind.
        assert!(spec.get("kind").is_none());
    }

    #[test]
    fn index_hashes_follow_document_content() {
        let i = index();
        let url = i["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        let hash = url.split("hash=").nth(1).unwrap();
        assert_eq!(hash.len(), 32);
        assert_ne!(
            hash,
            i["paths"]["api/v1"]["serverRelativeURL"]
                .as_str()
                .unwrap()
                .split("hash=")
                .nth(1)
                .unwrap()
        );
        assert_eq!(index(), i);
    }
}

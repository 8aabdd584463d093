//! OpenAPI v3 documents, one per group version, generated from the catalog.
//!
//! kubectl reads them for two facts: PATCH operations that accept `fieldValidation` (so it
//! leaves unknown-field checks to the server), and schemas tagged with
//! `x-kubernetes-group-version-kind` (for `kubectl explain`). PATCH operations deliberately do
//! not list the strategic-merge content type: kubectl then computes strategic patches from its
//! own compiled-in types instead of from these schemas, which describe only the top level.

use apimachinery::catalog::{self, api_version, Resource};
use serde_json::{json, Map, Value};

/// A stable hash of the served API, so clients may cache documents per server version.
fn api_hash() -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for r in catalog::RESOURCES {
        for b in r
            .group
            .bytes()
            .chain(r.version.bytes())
            .chain(r.plural.bytes())
        {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016X}{h:016X}")
}

/// `GET /openapi/v3`.
pub fn index() -> Value {
    let hash = api_hash();
    let mut paths = Map::new();
    for (group, versions) in catalog::groups() {
        for version in versions {
            let p = gv_path(group, version);
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

fn kind_schema(r: &Resource) -> Value {
    let mut properties = json!({
        "apiVersion": {"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values."},
        "kind": {"type": "string", "description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase."},
        "metadata": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}], "default": {}, "description": "Standard object's metadata."},
    });
    for field in body_fields(r) {
        properties[field] = json!({"type": "object", "description": format!("{field} of the {}.", r.kind), "x-kubernetes-preserve-unknown-fields": true});
    }
    json!({
        "type": "object",
        "description": format!("{} is a {} resource.", r.kind, if r.namespaced { "namespaced" } else { "cluster-scoped" }),
        "properties": properties,
        "x-kubernetes-group-version-kind": gvk(r),
    })
}

/// Top-level fields besides type and metadata, per kind.
fn body_fields(r: &Resource) -> &'static [&'static str] {
    match r.kind {
        "ConfigMap" => &["data", "binaryData", "immutable"],
        "Secret" => &["data", "stringData", "type", "immutable"],
        "Event" if r.group.is_empty() => &[
            "involvedObject",
            "reason",
            "message",
            "source",
            "type",
            "count",
            "firstTimestamp",
            "lastTimestamp",
            "eventTime",
            "reportingComponent",
            "reportingInstance",
            "action",
            "related",
            "series",
        ],
        "Event" => &[
            "regarding",
            "reason",
            "note",
            "type",
            "eventTime",
            "reportingController",
            "reportingInstance",
            "action",
            "related",
            "series",
            "deprecatedCount",
            "deprecatedFirstTimestamp",
            "deprecatedLastTimestamp",
            "deprecatedSource",
        ],
        "Endpoints" => &["subsets"],
        "EndpointSlice" => &["addressType", "endpoints", "ports"],
        "ServiceAccount" => &[
            "secrets",
            "imagePullSecrets",
            "automountServiceAccountToken",
        ],
        "Role" | "ClusterRole" => &["rules", "aggregationRule"],
        "RoleBinding" | "ClusterRoleBinding" => &["subjects", "roleRef"],
        "ControllerRevision" => &["data", "revision"],
        "StorageClass" => &[
            "provisioner",
            "parameters",
            "reclaimPolicy",
            "mountOptions",
            "allowVolumeExpansion",
            "volumeBindingMode",
            "allowedTopologies",
        ],
        "PriorityClass" => &["value", "globalDefault", "description", "preemptionPolicy"],
        "PodTemplate" => &["template"],
        _ if r.has_status() => &["spec", "status"],
        _ => &["spec"],
    }
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
    for r in &resources {
        resource_paths(r, &mut paths);
        schemas.insert(schema_name(r), kind_schema(r));
    }
    schemas.insert(
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta".into(),
        json!({"type": "object", "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
               "properties": {
                   "name": {"type": "string", "description": "Name must be unique within a namespace."},
                   "generateName": {"type": "string", "description": "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."},
                   "namespace": {"type": "string", "description": "Namespace defines the space within which each name must be unique."},
                   "labels": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Map of string keys and values that can be used to organize and categorize (scope and select) objects."},
                   "annotations": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Annotations is an unstructured key value map stored with a resource."},
                   "uid": {"type": "string", "description": "UID is the unique in time and space value for this object."},
                   "resourceVersion": {"type": "string", "description": "An opaque value that represents the internal version of this object."},
                   "generation": {"type": "integer", "format": "int64", "description": "A sequence number representing a specific generation of the desired state."},
                   "creationTimestamp": {"type": "string", "format": "date-time", "description": "CreationTimestamp is a timestamp representing the server time when this object was created."},
                   "deletionTimestamp": {"type": "string", "format": "date-time", "description": "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."},
                   "deletionGracePeriodSeconds": {"type": "integer", "format": "int64", "description": "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."},
                   "finalizers": {"type": "array", "items": {"type": "string"}, "description": "Must be empty before the object is deleted from the registry."},
                   "ownerReferences": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}, "description": "List of objects depended by this object."},
                   "managedFields": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}, "description": "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."}
               }}),
    );
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
}

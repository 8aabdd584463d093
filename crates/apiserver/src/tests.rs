//! Requests through [`ApiServer::handle`] on an in-memory store: `fieldValidation` on create,
//! update and the patch types, and the `Warning` headers it produces.

use std::sync::Arc;

use http::Request;
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};

use crate::{ApiServer, User};

const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/default/deployments";

async fn server() -> Arc<ApiServer> {
    let api = ApiServer::new(Arc::new(store::MemoryStore::new()), "127.0.0.1:6443".into());
    api.bootstrap("/var/lib/rudder/storage").await.unwrap();
    api
}

struct Reply {
    code: u16,
    warnings: Vec<String>,
    body: Value,
}

async fn call(api: &ApiServer, method: &str, uri: &str, content_type: &str, body: &str) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(Full::new(bytes::Bytes::from(body.to_string())))
        .unwrap();
    let user = User {
        name: "admin".into(),
        groups: vec!["system:masters".into()],
    };
    let resp = api.handle(req, Some(user)).await;
    let code = resp.status().as_u16();
    let warnings = resp
        .headers()
        .get_all(http::header::WARNING)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Reply {
        code,
        warnings,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn deployment(name: &str, extra_spec: &str) -> String {
    format!(
        r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "{name}", "labels": {{"free-form": "yes"}}}},
            "spec": {{{extra_spec} "replicas": 1, "selector": {{"matchLabels": {{"app": "a"}}}},
                     "template": {{"metadata": {{"labels": {{"app": "a"}}}},
                                  "spec": {{"containers": [{{"name": "c", "image": "nginx", "bogusNested": 1}}]}}}}}}}}"#
    )
}

#[tokio::test]
async fn strict_create_rejects_unknown_and_duplicate_fields() {
    let api = server().await;
    let r = call(
        &api,
        "POST",
        &format!("{DEPLOYMENTS}?fieldValidation=Strict"),
        "application/json",
        &deployment("web", r#""bogus": 1, "replicas": 3,"#),
    )
    .await;
    assert_eq!(r.code, 400, "{}", r.body);
    assert_eq!(r.body["reason"], "BadRequest");
    assert_eq!(
        r.body["message"],
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
         unknown field \"spec.bogus\", duplicate field \"spec.replicas\", \
         unknown field \"spec.template.spec.containers[0].bogusNested\""
    );
    let r = call(&api, "GET", &format!("{DEPLOYMENTS}/web"), "", "").await;
    assert_eq!(r.code, 404);
}

#[tokio::test]
async fn warn_is_the_default_and_unknown_fields_are_never_stored() {
    let api = server().await;
    for (name, query) in [
        ("warned", "?fieldValidation=Warn"),
        ("defaulted", ""),
        ("ignored", "?fieldValidation=Ignore"),
    ] {
        let r = call(
            &api,
            "POST",
            &format!("{DEPLOYMENTS}{query}"),
            "application/json",
            &deployment(name, r#""bogus": {"x": 1},"#),
        )
        .await;
        assert_eq!(r.code, 201, "{}", r.body);
        if name == "ignored" {
            assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        } else {
            assert_eq!(
                r.warnings,
                [
                    r#"299 - "unknown field \"spec.bogus\"""#,
                    r#"299 - "unknown field \"spec.template.spec.containers[0].bogusNested\"""#
                ]
            );
        }
        let stored = call(&api, "GET", &format!("{DEPLOYMENTS}/{name}"), "", "").await;
        assert!(
            stored.body["spec"].get("bogus").is_none(),
            "{}",
            stored.body
        );
        assert!(stored.body["spec"]["template"]["spec"]["containers"][0]
            .get("bogusNested")
            .is_none());
        assert_eq!(stored.body["metadata"]["labels"]["free-form"], "yes");
        assert_eq!(stored.body["spec"]["replicas"], 1);
    }
}

#[tokio::test]
async fn invalid_directive_is_rejected() {
    let api = server().await;
    let r = call(
        &api,
        "POST",
        &format!("{DEPLOYMENTS}?fieldValidation=Loud"),
        "application/json",
        &deployment("web", ""),
    )
    .await;
    assert_eq!(r.code, 422);
    assert_eq!(
        r.body["message"],
        "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loud\": \
         supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
    );
}

#[tokio::test]
async fn update_and_patches_validate_fields() {
    let api = server().await;
    let created = call(
        &api,
        "POST",
        DEPLOYMENTS,
        "application/json",
        &deployment("web", ""),
    )
    .await;
    assert_eq!(created.code, 201);
    let item = format!("{DEPLOYMENTS}/web");

    // PUT under Strict.
    let r = call(
        &api,
        "PUT",
        &format!("{item}?fieldValidation=Strict"),
        "application/json",
        &deployment("web", r#""bogus": 1,"#),
    )
    .await;
    assert_eq!(r.code, 400);
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .ends_with("strict decoding error: unknown field \"spec.bogus\", unknown field \"spec.template.spec.containers[0].bogusNested\""));

    // Strategic merge patch: duplicates in the body, unknown fields in the result.
    let smp = r#"{"spec": {"replicas": 2, "replicas": 3, "bogus": true}}"#;
    let r = call(
        &api,
        "PATCH",
        &format!("{item}?fieldValidation=Strict"),
        "application/strategic-merge-patch+json",
        smp,
    )
    .await;
    assert_eq!(r.code, 422, "{}", r.body);
    assert_eq!(
        r.body["message"],
        " \"\" is invalid: patch: Invalid value: \"map[spec:map[bogus:true replicas:3]]\": \
         strict decoding error: duplicate field \"spec.replicas\", unknown field \"spec.bogus\""
    );
    let r = call(
        &api,
        "PATCH",
        &format!("{item}?fieldValidation=Warn"),
        "application/strategic-merge-patch+json",
        smp,
    )
    .await;
    assert_eq!(r.code, 200, "{}", r.body);
    assert_eq!(
        r.warnings,
        [
            r#"299 - "duplicate field \"spec.replicas\"""#,
            r#"299 - "unknown field \"spec.bogus\"""#
        ]
    );
    assert_eq!(r.body["spec"]["replicas"], 3);
    assert!(r.body["spec"].get("bogus").is_none());

    // Merge patch and JSON patch: the patched object is checked.
    let r = call(
        &api,
        "PATCH",
        &format!("{item}?fieldValidation=Strict"),
        "application/merge-patch+json",
        r#"{"metadata": {"labels": {"any": "key"}}, "spec": {"paused": true}}"#,
    )
    .await;
    assert_eq!(r.code, 200, "{}", r.body);
    let r = call(
        &api,
        "PATCH",
        &format!("{item}?fieldValidation=Strict"),
        "application/json-patch+json",
        r#"[{"op": "add", "path": "/spec/template/spec/containers/0/bogus", "value": 1}]"#,
    )
    .await;
    assert_eq!(r.code, 422);
    assert!(r.body["message"].as_str().unwrap().ends_with(
        "strict decoding error: unknown field \"spec.template.spec.containers[0].bogus\""
    ));
    let r = call(
        &api,
        "PATCH",
        &item,
        "application/json-patch+json",
        r#"[{"op": "add", "path": "/spec/template/spec/containers/0/bogus", "value": 1}]"#,
    )
    .await;
    assert_eq!(r.code, 200);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.body["spec"]["template"]["spec"]["containers"][0]
        .get("bogus")
        .is_none());
}

#[tokio::test]
async fn apply_rejects_unknown_fields_whatever_the_directive() {
    let api = server().await;
    let item = format!("{DEPLOYMENTS}/web?fieldManager=test&fieldValidation=Ignore");
    let applied = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                         "spec": {"bogus": 1, "selector": {"matchLabels": {"app": "a"}},
                                  "template": {"metadata": {"labels": {"app": "a"}},
                                               "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    let r = call(
        &api,
        "PATCH",
        &item,
        "application/apply-patch+yaml",
        &applied.to_string(),
    )
    .await;
    assert_eq!(r.code, 400, "{}", r.body);
    assert_eq!(
        r.body["message"],
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.bogus: field not declared in schema"
    );
    let dup = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "name": "web"},
                  "spec": {"selector": {"matchLabels": {"app": "a"}},
                           "template": {"metadata": {"labels": {"app": "a"}},
                                        "spec": {"containers": [{"name": "c", "image": "i"}]}}}}"#;
    let strict = format!("{DEPLOYMENTS}/web?fieldManager=test&fieldValidation=Strict");
    let r = call(&api, "PATCH", &strict, "application/apply-patch+yaml", dup).await;
    assert_eq!(r.code, 400);
    assert_eq!(
        r.body["message"],
        "error strict decoding YAML: duplicate field \"metadata.name\""
    );
    let warn = format!("{DEPLOYMENTS}/web?fieldManager=test&fieldValidation=Warn");
    let r = call(&api, "PATCH", &warn, "application/apply-patch+yaml", dup).await;
    assert_eq!(r.code, 201, "{}", r.body);
    assert_eq!(r.warnings, [r#"299 - "duplicate field \"metadata.name\"""#]);
}

#[tokio::test]
async fn yaml_bodies_report_unknown_fields_in_path_order() {
    let api = server().await;
    let yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  zzz: 1\ndata:\n  k: v\naaa: 2\n";
    let r = call(
        &api,
        "POST",
        "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
        "application/yaml",
        yaml,
    )
    .await;
    assert_eq!(r.code, 400);
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .ends_with("strict decoding error: unknown field \"aaa\", unknown field \"metadata.zzz\""));
    let r = call(
        &api,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        "application/yaml",
        yaml,
    )
    .await;
    assert_eq!(r.code, 201);
    assert_eq!(r.warnings.len(), 2);
    assert_eq!(r.body["data"]["k"], "v");
    assert!(r.body.get("aaa").is_none());
    // A YAML mapping with a repeated key does not decode at all.
    let r = call(
        &api,
        "POST",
        "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore",
        "application/yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  k: v\n  k: w\n",
    )
    .await;
    assert_eq!(r.code, 400);
    assert!(
        r.body["message"].as_str().unwrap().contains("duplicate"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn claims_without_a_class_get_the_default_one() {
    let api = server().await;
    let claim = |name: &str, class: &str| {
        format!(
            r#"{{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {{"name": "{name}"}},
                "spec": {{{class} "accessModes": ["ReadWriteOnce"], "resources": {{"requests": {{"storage": "1Gi"}}}}}}}}"#
        )
    };
    let pvcs = "/api/v1/namespaces/default/persistentvolumeclaims";
    let r = call(&api, "POST", pvcs, "application/json", &claim("a", "")).await;
    assert_eq!(r.code, 201, "{}", r.body);
    assert_eq!(r.body["spec"]["storageClassName"], "local-path");
    // An explicit empty class means "no class" and stays.
    let r = call(
        &api,
        "POST",
        pvcs,
        "application/json",
        &claim("b", r#""storageClassName": "","#),
    )
    .await;
    assert_eq!(r.code, 201, "{}", r.body);
    assert_eq!(r.body["spec"]["storageClassName"], "");
    // A newer default wins.
    let class = r#"{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "fast", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "example.com/fast"}"#;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = call(
        &api,
        "POST",
        "/apis/storage.k8s.io/v1/storageclasses",
        "application/json",
        class,
    )
    .await;
    assert_eq!(r.code, 201, "{}", r.body);
    let r = call(&api, "POST", pvcs, "application/json", &claim("c", "")).await;
    assert_eq!(r.body["spec"]["storageClassName"], "fast");
}

#[tokio::test]
async fn the_kubernetes_service_points_at_the_published_address() {
    let api = server().await;
    let get = |api: Arc<ApiServer>, uri: &'static str| async move {
        call(&api, "GET", uri, "application/json", "").await.body
    };
    const ENDPOINTS: &str = "/api/v1/namespaces/default/endpoints/kubernetes";
    const SLICE: &str = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes";
    api.publish_endpoints("198.19.250.7".parse().unwrap())
        .await
        .unwrap();
    let ep = get(api.clone(), ENDPOINTS).await;
    assert_eq!(ep["subsets"][0]["addresses"][0]["ip"], "198.19.250.7");
    assert_eq!(ep["subsets"][0]["ports"][0]["port"], 6443);
    let first_version = ep["metadata"]["resourceVersion"].clone();
    // Unchanged: nothing is written.
    api.publish_endpoints("198.19.250.7".parse().unwrap())
        .await
        .unwrap();
    let again = get(api.clone(), ENDPOINTS).await;
    assert_eq!(again["metadata"]["resourceVersion"], first_version);
    // A new address replaces the old one in both objects.
    api.publish_endpoints("198.19.250.8".parse().unwrap())
        .await
        .unwrap();
    let ep = get(api.clone(), ENDPOINTS).await;
    assert_eq!(ep["subsets"][0]["addresses"][0]["ip"], "198.19.250.8");
    let slice = get(api.clone(), SLICE).await;
    assert_eq!(slice["endpoints"][0]["addresses"][0], "198.19.250.8");
    assert_eq!(
        slice["metadata"]["labels"]["kubernetes.io/service-name"],
        "kubernetes"
    );
}

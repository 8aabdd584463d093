use super::*;
use serde_json::json;

fn deployment(spec: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
}

fn unknown(p: &str) -> FieldProblem {
    FieldProblem::Unknown(p.into())
}

fn duplicate(p: &str) -> FieldProblem {
    FieldProblem::Duplicate(p.into())
}

#[test]
fn known_objects_have_no_unknown_fields() {
    let d = deployment(json!({
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web", "any/key.here": "x"}, "annotations": {"a": "b"}},
            "spec": {
                "nodeSelector": {"disk": "ssd"},
                "containers": [{
                    "name": "c", "image": "nginx",
                    "resources": {"limits": {"cpu": "1", "memory": "1Gi", "example.com/gpu": 1}},
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
                    "env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                }],
                "volumes": [{"name": "v", "configMap": {"name": "cm", "items": [{"key": "k", "path": "p"}]}}],
            }
        }
    }));
    assert!(unknown_fields("apps/v1", "Deployment", &d).is_empty());
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                    "data": {"anything": "goes"}, "binaryData": {"b": "AAE="}, "immutable": true});
    assert!(unknown_fields("v1", "ConfigMap", &cm).is_empty());
}

#[test]
fn unknown_field_paths_follow_lists_maps_and_embedded_structs() {
    let d = deployment(json!({
        "bogus": 1,
        "selector": {"matchLabels": {"app": "web"}, "extra": true},
        "template": {"spec": {
            "containers": [
                {"name": "a"},
                {"name": "b", "bogus": {"deep": 1}, "resources": {"limits": {"cpu": "1"}, "nope": {}}},
            ],
            "volumes": [{"name": "v", "configMap": {"name": "cm", "wrong": 1}}],
        }},
    }));
    assert_eq!(
        unknown_fields("apps/v1", "Deployment", &d),
        vec![
            "spec.bogus",
            "spec.selector.extra",
            "spec.template.spec.containers[1].bogus",
            "spec.template.spec.containers[1].resources.nope",
            "spec.template.spec.volumes[0].configMap.wrong",
        ]
    );
}

#[test]
fn type_meta_is_known_only_where_upstream_has_it() {
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "spec": {"template": {"apiVersion": "v1", "kind": "PodTemplateSpec"}}});
    assert_eq!(
        unknown_fields("apps/v1", "Deployment", &d),
        vec!["spec.template.apiVersion", "spec.template.kind"]
    );
}

#[test]
fn embedded_json_and_type_mismatches_are_not_looked_into() {
    let cr = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "revision": 1,
                    "data": {"spec": {"anything": {"at": "all"}}}});
    assert!(unknown_fields("apps/v1", "ControllerRevision", &cr).is_empty());
    // A wrong type is a decoding error of its own, not an unknown field.
    let d = deployment(json!({"replicas": {"x": 1}, "template": [1, {"y": 2}]}));
    assert!(unknown_fields("apps/v1", "Deployment", &d).is_empty());
}

#[test]
fn kinds_without_a_schema_are_not_checked() {
    let obj = json!({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"x": 1}});
    assert!(!has_schema("example.com/v1", "Widget"));
    assert!(unknown_fields("example.com/v1", "Widget", &obj).is_empty());
    let mut pruned = obj.clone();
    assert_eq!(prune("example.com/v1", "Widget", &mut pruned), 0);
    assert_eq!(pruned, obj);
    assert!(has_schema("apps/v1", "Deployment"));
}

#[test]
fn prune_drops_unknown_members_and_keeps_map_keys() {
    let mut d = deployment(json!({
        "bogus": 1,
        "replicas": 3,
        "template": {
            "metadata": {"labels": {"custom": "kept"}},
            "spec": {"containers": [{"name": "c", "image": "i", "bogus": [1]}], "nodeSelector": {"k": "v"}},
        },
    }));
    d["status"] = json!({"replicas": 1, "madeUp": true});
    assert_eq!(prune("apps/v1", "Deployment", &mut d), 3);
    assert_eq!(
        d,
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"replicas": 3, "template": {
                   "metadata": {"labels": {"custom": "kept"}},
                   "spec": {"containers": [{"name": "c", "image": "i"}], "nodeSelector": {"k": "v"}}}},
               "status": {"replicas": 1}})
    );
    assert!(unknown_fields("apps/v1", "Deployment", &d).is_empty());
}

#[test]
fn strict_problems_come_in_document_order_like_upstream() {
    // The body of Kubernetes' own field validation integration test.
    let body = br#"{
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "dupename", "name": "test", "unknownMeta": "metaVal", "labels": {"app": "nginx"}},
        "spec": {
            "unknown1": "val1",
            "unknownDupe": "valDupe",
            "unknownDupe": "valDupe2",
            "paused": true,
            "paused": false,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{
                    "name": "nginx",
                    "image": "nginx:latest",
                    "unknownNested": "val1",
                    "imagePullPolicy": "Always",
                    "imagePullPolicy": "Never"
                }]}
            }
        }
    }"#;
    let problems = strict_problems("apps/v1", "Deployment", body);
    assert_eq!(
        problems,
        vec![
            duplicate("metadata.name"),
            unknown("metadata.unknownMeta"),
            unknown("spec.unknown1"),
            unknown("spec.unknownDupe"),
            duplicate("spec.paused"),
            unknown("spec.template.spec.containers[0].unknownNested"),
            duplicate("spec.template.spec.containers[0].imagePullPolicy"),
        ]
    );
    assert_eq!(
        strict_decoding_error(&problems),
        "strict decoding error: duplicate field \"metadata.name\", unknown field \"metadata.unknownMeta\", \
         unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", duplicate field \"spec.paused\", \
         unknown field \"spec.template.spec.containers[0].unknownNested\", \
         duplicate field \"spec.template.spec.containers[0].imagePullPolicy\""
    );
    // The Value-based check agrees on the unknown ones.
    let v: Value = serde_json::from_slice(body).unwrap();
    let from_value: Vec<FieldProblem> = unknown_fields("apps/v1", "Deployment", &v)
        .into_iter()
        .map(FieldProblem::Unknown)
        .collect();
    let from_scan: Vec<FieldProblem> = problems
        .into_iter()
        .filter(|p| matches!(p, FieldProblem::Unknown(_)))
        .collect();
    assert_eq!(from_value, from_scan);
}

#[test]
fn duplicates_in_maps_lists_and_free_documents() {
    let body = br#"{"metadata": {"labels": {"a": "1", "a": "2"}},
                    "spec": {"template": {"spec": {"containers": [{"name": "x"}, {"name": "y", "name": "z"}]}}}}"#;
    assert_eq!(
        strict_problems("apps/v1", "Deployment", body),
        vec![
            duplicate("metadata.labels.a"),
            duplicate("spec.template.spec.containers[1].name")
        ]
    );
    // Patch bodies have no schema: duplicates anywhere, nothing is unknown.
    let patch =
        br#"{"spec": {"bogus": {"x": 1, "x": 2}, "list": [[{"k": 1, "k": 2}]]}, "spec": {}}"#;
    assert_eq!(
        duplicate_fields(patch),
        vec![
            duplicate("spec.bogus.x"),
            duplicate("spec.list[0][0].k"),
            duplicate("spec")
        ]
    );
    // Custom resources: duplicates only.
    assert_eq!(
        strict_problems(
            "example.com/v1",
            "Widget",
            br#"{"a": 1, "b": {"c": 1}, "a": 2}"#
        ),
        vec![duplicate("a")]
    );
}

#[test]
fn unknown_subtrees_and_embedded_json_are_skipped_by_the_scan() {
    let body = br#"{"spec": {"bogus": {"x": 1, "x": 2}, "bogus": 3}}"#;
    assert_eq!(
        strict_problems("apps/v1", "Deployment", body),
        vec![unknown("spec.bogus")]
    );
    let cr = br#"{"kind": "ControllerRevision", "data": {"a": 1, "a": 2}, "revision": 1}"#;
    assert!(strict_problems("apps/v1", "ControllerRevision", cr).is_empty());
}

#[test]
fn scan_handles_escapes_whitespace_and_literals() {
    let body = b" {\n\t\"spec\" : { \"re\\u0070licas\" : 1 , \"replicas\":-2.5e3, \"paused\": true,\r\n \"b\\\"x\": null, \"minReadySeconds\": 0 } } ";
    assert_eq!(
        strict_problems("apps/v1", "Deployment", body),
        vec![duplicate("spec.replicas"), unknown("spec.b\"x")]
    );
    assert_eq!(
        FieldProblem::Unknown("spec.b\"x".into()).to_string(),
        r#"unknown field "spec.b\"x""#
    );
    // Malformed input ends the scan without panicking.
    assert_eq!(
        strict_problems("apps/v1", "Deployment", br#"{"spec": {"a": 1, "a""#),
        vec![unknown("spec.a")]
    );
    assert!(strict_problems("apps/v1", "Deployment", b"").is_empty());
    assert!(duplicate_fields(br#"{"a": "unterminated"#).is_empty());
}

#[test]
fn at_most_a_hundred_problems() {
    let members: Vec<String> = (0..150).map(|i| format!("\"f{i}\": {i}")).collect();
    let body = format!("{{\"spec\": {{{}}}}}", members.join(","));
    let problems = strict_problems("apps/v1", "Deployment", body.as_bytes());
    assert_eq!(problems.len(), 100);
    assert_eq!(problems[99], unknown("spec.f99"));
}

#[test]
fn typed_view_of_the_tables() {
    let d = MessageType::of_kind("apps/v1", "Deployment").unwrap();
    assert_eq!(d.name(), "io.k8s.api.apps.v1.Deployment");
    assert!(d.has_type_meta());
    let names: Vec<&str> = d.fields().iter().map(|f| f.name).collect();
    assert_eq!(names, ["metadata", "spec", "status"]);
    let FieldType::Message(meta) = d.field("metadata").unwrap().ty else {
        panic!("metadata is a message")
    };
    assert_eq!(
        meta.name(),
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    assert!(!meta.has_type_meta());
    let labels = meta.field("labels").unwrap();
    assert!(!labels.list);
    assert!(matches!(labels.ty, FieldType::Map(m) if matches!(m.value(), FieldType::String)));
    let FieldType::Message(spec) = d.field("spec").unwrap().ty else {
        panic!("spec is a message")
    };
    assert!(matches!(
        spec.field("replicas").unwrap().ty,
        FieldType::Int32
    ));
    let FieldType::Message(template) = spec.field("template").unwrap().ty else {
        panic!("template is a message")
    };
    let FieldType::Message(pod_spec) = template.field("spec").unwrap().ty else {
        panic!("template.spec is a message")
    };
    assert_eq!(pod_spec.name(), "io.k8s.api.core.v1.PodSpec");
    let containers = pod_spec.field("containers").unwrap();
    assert!(containers.list);
    let FieldType::Message(container) = containers.ty else {
        panic!("containers are messages")
    };
    let FieldType::Message(resources) = container.field("resources").unwrap().ty else {
        panic!("resources is a message")
    };
    assert!(
        matches!(resources.field("limits").unwrap().ty, FieldType::Map(m) if matches!(m.value(), FieldType::Quantity))
    );
    // Embedded structs are flattened: a Volume has its sources' fields directly.
    let FieldType::Message(volume) = pod_spec.field("volumes").unwrap().ty else {
        panic!("volumes are messages")
    };
    let volume_fields: Vec<&str> = volume.fields().iter().map(|f| f.name).collect();
    assert!(volume_fields.contains(&"configMap") && volume_fields.contains(&"name"));
    assert!(!volume_fields.contains(&""));
    assert!(MessageType::of_kind("v1", "Widget").is_none());
}

#[test]
fn every_message_is_named_like_upstream() {
    for (api_version, kind, m) in KINDS {
        let t = MessageType(m);
        assert!(t.name().starts_with("io.k8s."), "{api_version} {kind}");
        assert!(
            t.name().ends_with(&format!(".{kind}")),
            "{api_version} {kind}"
        );
    }
}

#[test]
fn go_formatting() {
    assert_eq!(
        go_format(&json!({"spec": {"replicas": 2, "b": [1, "x", null, true], "f": 1.5}, "a": {}})),
        "map[a:map[] spec:map[b:[1 x <nil> true] f:1.5 replicas:2]]"
    );
    assert_eq!(go_float(1e21), "1e+21");
    assert_eq!(go_float(1.5e-7), "1.5e-07");
    assert_eq!(go_float(100.0), "100");
}

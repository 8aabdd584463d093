//! Server-side field validation and the OpenAPI schemas, driven by the real kubectl.

mod common;

use common::Cluster;

const BOGUS_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  bogus: 1
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn apply_is_strict_by_default() {
    let c = Cluster::start();
    let out = c.kubectl_stdin(&["apply", "-f", "-"], BOGUS_DEPLOYMENT);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(r#"strict decoding error: unknown field "spec.bogus""#),
        "{err}"
    );
    assert!(!c.kubectl(&["get", "deploy", "web"]).status.success());

    // An update of an existing object goes through a strategic merge patch.
    c.ok_stdin(
        &["apply", "-f", "-"],
        &BOGUS_DEPLOYMENT.replace("  bogus: 1\n", ""),
    );
    let out = c.kubectl_stdin(
        &["apply", "-f", "-"],
        &BOGUS_DEPLOYMENT.replace("replicas: 1", "replicas: 2"),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(r#"strict decoding error: unknown field "spec.bogus""#),
        "{err}"
    );
    let d = c.json(&["get", "deploy", "web"]);
    assert_eq!(d["spec"]["replicas"], 1);
}

#[test]
fn apply_with_validate_warn_succeeds_with_a_warning() {
    let c = Cluster::start();
    let out = c.kubectl_stdin(&["apply", "--validate=warn", "-f", "-"], BOGUS_DEPLOYMENT);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(r#"Warning: unknown field "spec.bogus""#),
        "{err}"
    );
    let d = c.json(&["get", "deploy", "web"]);
    assert!(d["spec"].get("bogus").is_none(), "{d}");
}

#[test]
fn apply_without_validation_drops_unknown_fields_silently() {
    let c = Cluster::start();
    let out = c.kubectl_stdin(&["apply", "--validate=false", "-f", "-"], BOGUS_DEPLOYMENT);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("Warning"), "{err}");
    let d = c.json(&["get", "deploy", "web"]);
    assert!(d["spec"].get("bogus").is_none(), "{d}");
    assert_eq!(d["spec"]["replicas"], 1);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx"
    );
}

#[test]
fn server_side_apply_rejects_unknown_fields() {
    let c = Cluster::start();
    let out = c.kubectl_stdin(&["apply", "--server-side", "-f", "-"], BOGUS_DEPLOYMENT);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(".spec.bogus: field not declared in schema"),
        "{err}"
    );
}

#[test]
fn create_and_replace_validate_nested_fields() {
    let c = Cluster::start();
    let nested = BOGUS_DEPLOYMENT
        .replace("  bogus: 1\n", "")
        .replace("image: nginx", "image: nginx\n        imagePolicy: Always");
    let out = c.kubectl_stdin(&["create", "-f", "-"], &nested);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            r#"strict decoding error: unknown field "spec.template.spec.containers[0].imagePolicy""#
        ),
        "{err}"
    );
    c.ok_stdin(
        &["create", "-f", "-"],
        &BOGUS_DEPLOYMENT.replace("  bogus: 1\n", ""),
    );
    let out = c.kubectl_stdin(&["replace", "-f", "-"], BOGUS_DEPLOYMENT);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(r#"unknown field "spec.bogus""#),
        "{}",
        stderr(&out)
    );
    // Labels, annotations and data are maps: any key is fine.
    c.ok_stdin(
        &["create", "-f", "-"],
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: {anything: goes}\n  annotations: {x/y: z}\ndata:\n  free: form\n",
    );
}

#[test]
fn duplicate_fields_are_rejected() {
    let c = Cluster::start();
    // kubectl collapses duplicate keys of a manifest while parsing it, so the raw body is
    // posted as it is.
    let body = r#"{"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "dup", "name": "dup"},
                   "data": {"a": "1", "a": "2"}}"#;
    let file = c.data_dir().join("dup.json");
    std::fs::write(&file, body).unwrap();
    let file = file.to_str().unwrap();
    let strict = "/api/v1/namespaces/default/configmaps?fieldValidation=Strict";
    let out = c.kubectl(&["create", "--raw", strict, "-f", file]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(
            r#"strict decoding error: duplicate field "metadata.name", duplicate field "data.a""#
        ),
        "{err}"
    );
    let warn = "/api/v1/namespaces/default/configmaps?fieldValidation=Warn";
    let out = c.kubectl(&["create", "--raw", warn, "-f", file]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(r#"Warning: duplicate field "data.a""#),
        "{err}"
    );
    let cm = c.json(&["get", "cm", "dup"]);
    assert_eq!(cm["data"]["a"], "2");
}

#[test]
fn explain_prints_nested_fields_with_types() {
    let c = Cluster::start();
    let containers = c.ok(&["explain", "deployment.spec.template.spec.containers"]);
    assert!(
        containers.contains("FIELD: containers <[]Container>"),
        "{containers}"
    );
    for line in [
        "image\t<string>",
        "env\t<[]EnvVar>",
        "ports\t<[]ContainerPort>",
        "resources\t<ResourceRequirements>",
        "readinessProbe\t<Probe>",
    ] {
        assert!(
            containers.contains(line),
            "{line} missing in:\n{containers}"
        );
    }
    let resources = c.ok(&["explain", "pod.spec.containers.resources"]);
    assert!(
        resources.contains("limits\t<map[string]Quantity>"),
        "{resources}"
    );
    assert!(
        resources.contains("requests\t<map[string]Quantity>"),
        "{resources}"
    );
    let labels = c.ok(&["explain", "deployment.metadata.labels"]);
    assert!(
        labels.contains("FIELD: labels <map[string]string>"),
        "{labels}"
    );
    let strategy = c.ok(&["explain", "deployment.spec.strategy.rollingUpdate"]);
    assert!(strategy.contains("maxSurge\t<IntOrString>"), "{strategy}");
    let meta = c.ok(&["explain", "pod.metadata"]);
    assert!(meta.contains("creationTimestamp\t<string>"), "{meta}");
    let recursive = c.ok(&["explain", "service.spec", "--recursive"]);
    assert!(recursive.contains("ports\t<[]ServicePort>"), "{recursive}");
    assert!(
        recursive.contains("targetPort\t<IntOrString>"),
        "{recursive}"
    );
    let missing = c.fails(&["explain", "deployment.spec.bogus"]);
    assert!(
        missing.contains(r#"field "bogus" does not exist"#),
        "{missing}"
    );
}

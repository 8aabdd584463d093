//! Everyday object management with the real kubectl against a real `rudder server`.

mod common;

use std::time::Duration;

use common::{eventually, Cluster};
use serde_json::Value;

const WEB: &str = include_str!("manifests/web.yaml");

#[test]
fn version_discovery_and_health() {
    let c = Cluster::start();
    let v = c.ok(&["version", "-o", "json"]);
    let v: Value = serde_json::from_str(&v).unwrap();
    assert_eq!(v["serverVersion"]["minor"], "32");
    assert!(v["serverVersion"]["gitVersion"]
        .as_str()
        .unwrap()
        .starts_with("v1.32."));

    let resources = c.ok(&["api-resources"]);
    let deploy = resources
        .lines()
        .find(|l| l.starts_with("deployments "))
        .expect("deployments listed");
    let cols: Vec<&str> = deploy.split_whitespace().collect();
    assert_eq!(
        cols,
        ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    );
    assert!(resources
        .lines()
        .any(|l| l.starts_with("pods ") && l.contains(" po ")));
    assert!(resources
        .lines()
        .any(|l| l.starts_with("leases ") && l.contains("coordination.k8s.io/v1")));

    let versions = c.ok(&["api-versions"]);
    for gv in [
        "v1",
        "apps/v1",
        "batch/v1",
        "rbac.authorization.k8s.io/v1",
        "networking.k8s.io/v1",
        "policy/v1",
    ] {
        assert!(
            versions.lines().any(|l| l == gv),
            "{gv} missing from {versions}"
        );
    }
    assert_eq!(c.ok(&["get", "--raw", "/livez"]), "ok");

    let namespaces = c.ok(&["get", "namespaces", "-o", "name"]);
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            namespaces.contains(&format!("namespace/{ns}")),
            "{namespaces}"
        );
    }
}

#[test]
fn unauthenticated_requests_are_refused() {
    let c = Cluster::start();
    // Same server and CA, no client certificate: a token the server does not know instead.
    let out = c.kubectl_with_token("not-a-known-token", &["get", "pods"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the server has asked for the client to provide credentials"),
        "{err}"
    );
}

#[test]
fn auth_can_i_whoami_and_reviews() {
    let c = Cluster::start();
    // can-i and whoami send protobuf bodies.
    assert_eq!(
        c.ok(&["auth", "can-i", "create", "deployments"]).trim(),
        "yes"
    );
    assert_eq!(
        c.ok(&[
            "auth",
            "can-i",
            "get",
            "pods",
            "--subresource=log",
            "-n",
            "kube-system"
        ])
        .trim(),
        "yes"
    );
    assert_eq!(c.ok(&["auth", "can-i", "get", "/healthz"]).trim(), "yes");
    let list = c.ok(&["auth", "can-i", "--list"]);
    assert!(
        list.lines()
            .any(|l| l.split_whitespace().next() == Some("*.*")),
        "{list}"
    );
    let me = c.json(&["auth", "whoami"]);
    assert_eq!(me["kind"], "SelfSubjectReview");
    assert_eq!(me["status"]["userInfo"]["username"], "admin");
    let groups = me["status"]["userInfo"]["groups"].to_string();
    assert!(groups.contains("system:masters") && groups.contains("system:authenticated"));

    // A service account's token: whoami names the account, a TokenReview accepts the token
    // and refuses a forged one.
    c.ok(&["create", "serviceaccount", "builder"]);
    let token = c.ok(&["create", "token", "builder"]);
    let token = token.trim();
    let out = c.kubectl_with_token(token, &["auth", "whoami", "-o", "json"]);
    assert!(out.status.success(), "{out:?}");
    let me: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        me["status"]["userInfo"]["username"],
        "system:serviceaccount:default:builder"
    );
    let review = |token: &str| {
        let manifest = format!(
            "apiVersion: authentication.k8s.io/v1\nkind: TokenReview\nspec:\n  token: {token}\n"
        );
        let out = c.ok_stdin(&["create", "-f", "-", "-o", "json"], &manifest);
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let accepted = review(token);
    assert_eq!(accepted["status"]["authenticated"], true);
    assert_eq!(
        accepted["status"]["user"]["username"],
        "system:serviceaccount:default:builder"
    );
    let forged = review(&format!("{token}x"));
    assert_eq!(forged["status"]["authenticated"], false);

    // SubjectAccessReviews need a subject and exactly one kind of attributes.
    let sar = |spec: &str| {
        format!("apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n{spec}")
    };
    let out = c.ok_stdin(
        &["create", "-f", "-", "-o", "json"],
        &sar("  user: jane\n  resourceAttributes: {verb: list, resource: secrets, namespace: default}\n"),
    );
    let answered: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answered["status"]["allowed"], true);
    assert_eq!(answered["spec"]["user"], "jane");
    let err = c.fails_stdin(
        &["create", "-f", "-"],
        &sar("  resourceAttributes: {verb: list, resource: secrets}\n"),
    );
    assert!(
        err.contains("at least one of user or group must be specified"),
        "{err}"
    );
    let err = c.fails_stdin(&["create", "-f", "-"], &sar("  user: jane\n"));
    assert!(
        err.contains(
            "exactly one of nonResourceAttributes or resourceAttributes must be specified"
        ),
        "{err}"
    );
}

#[test]
fn apply_is_idempotent_and_tracks_changes() {
    let c = Cluster::start();
    let out = c.ok_stdin(&["apply", "-f", "-"], WEB);
    for line in [
        "configmap/web-config created",
        "secret/web-secret created",
        "deployment.apps/web created",
        "service/web created",
    ] {
        assert!(out.contains(line), "{out}");
    }
    let again = c.ok_stdin(&["apply", "-f", "-"], WEB);
    for line in [
        "configmap/web-config unchanged",
        "deployment.apps/web unchanged",
        "service/web unchanged",
    ] {
        assert!(again.contains(line), "{again}");
    }
    let changed = WEB
        .replace("nginx:1.14.2", "nginx:1.16.1")
        .replace("greeting: hello", "greeting: bonjour");
    let out = c.ok_stdin(&["apply", "-f", "-"], &changed);
    assert!(out.contains("deployment.apps/web configured"), "{out}");
    assert!(out.contains("configmap/web-config configured"), "{out}");
    let d = c.json(&["get", "deployment", "web"]);
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.16.1"
    );
    assert_eq!(d["metadata"]["generation"], 2);
    // Server-side defaults are filled in.
    assert_eq!(d["spec"]["strategy"]["type"], "RollingUpdate");
    assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(d["spec"]["template"]["spec"]["restartPolicy"], "Always");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    let cm = c.json(&["get", "configmap", "web-config"]);
    assert_eq!(cm["data"]["greeting"], "bonjour");
    let secret = c.json(&["get", "secret", "web-secret"]);
    assert_eq!(
        secret["data"]["username"], "YWRtaW4=",
        "stringData is folded into data"
    );
    let svc = c.json(&["get", "service", "web"]);
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["sessionAffinity"], "None");
}

#[test]
fn get_output_formats() {
    let c = Cluster::start();
    c.ok_stdin(&["apply", "-f", "-"], WEB);
    c.ok(&["create", "namespace", "other"]);
    c.ok(&[
        "create",
        "configmap",
        "elsewhere",
        "-n",
        "other",
        "--from-literal=a=b",
    ]);

    let table = c.ok(&["get", "deployments"]);
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    assert!(table.lines().nth(1).unwrap().starts_with("web "), "{table}");

    let wide = c.ok(&["get", "deploy", "-o", "wide"]);
    assert!(
        wide.lines().next().unwrap().contains("CONTAINERS"),
        "{wide}"
    );
    assert!(wide.contains("nginx:1.14.2"), "{wide}");

    let svc = c.ok(&["get", "svc", "web"]);
    let header: Vec<&str> = svc.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ]
    );
    assert!(svc.contains("80/TCP"), "{svc}");

    assert_eq!(
        c.ok(&["get", "configmap", "web-config", "-o", "name"])
            .trim(),
        "configmap/web-config"
    );
    assert_eq!(
        c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "3"
    );
    let yaml = c.ok(&["get", "configmap", "web-config", "-o", "yaml"]);
    assert!(
        yaml.contains("greeting: hello") && yaml.contains("resourceVersion:"),
        "{yaml}"
    );

    let all = c.ok(&["get", "configmaps", "-A"]);
    assert!(
        all.lines().next().unwrap().starts_with("NAMESPACE"),
        "{all}"
    );
    assert!(
        all.lines()
            .any(|l| l.starts_with("other ") && l.contains("elsewhere")),
        "{all}"
    );
    assert!(
        all.lines()
            .any(|l| l.starts_with("default ") && l.contains("web-config")),
        "{all}"
    );

    let labelled = c.ok(&["get", "cm", "-A", "-l", "app=web", "-o", "name"]);
    assert_eq!(labelled.trim(), "configmap/web-config");
    let none = c.ok(&["get", "cm", "-l", "app in (nothing)", "-o", "name"]);
    assert!(none.trim().is_empty());

    let by_field = c.ok(&[
        "get",
        "cm",
        "-A",
        "--field-selector",
        "metadata.namespace=other",
        "-o",
        "name",
    ]);
    // Every namespace also holds the cluster CA's ConfigMap.
    let mut listed: Vec<&str> = by_field.lines().collect();
    listed.sort();
    assert_eq!(
        listed,
        ["configmap/elsewhere", "configmap/kube-root-ca.crt"]
    );
    let err = c.fails(&["get", "cm", "--field-selector", "spec.bogus=1"]);
    assert!(err.contains("field label not supported"), "{err}");

    let labels = c.ok(&["get", "deploy", "web", "--show-labels"]);
    assert!(
        labels.lines().next().unwrap().ends_with("LABELS"),
        "{labels}"
    );
    assert!(labels.contains("app=web"), "{labels}");

    let desc = c.ok(&["describe", "deployment", "web"]);
    assert!(desc.contains("Name:") && desc.contains("web"), "{desc}");
    assert!(desc.contains("nginx:1.14.2"), "{desc}");
    assert!(desc.contains("RollingUpdate"), "{desc}");
    let desc = c.ok(&["describe", "configmap", "web-config"]);
    assert!(desc.contains("greeting"), "{desc}");
}

#[test]
fn pagination_with_limit_and_continue() {
    let c = Cluster::start();
    for i in 0..25 {
        c.ok(&[
            "create",
            "configmap",
            &format!("page-{i:02}"),
            "--from-literal=i=x",
        ]);
    }
    // kubectl pages with ?limit=N&continue=... and joins the pages.
    let names = c.ok(&["get", "cm", "--chunk-size=7", "-o", "name"]);
    let count = names
        .lines()
        .filter(|l| l.starts_with("configmap/page-"))
        .count();
    assert_eq!(count, 25, "{names}");
    let raw = c.ok(&[
        "get",
        "--raw",
        "/api/v1/namespaces/default/configmaps?limit=10",
    ]);
    let page: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    let token = page["metadata"]["continue"]
        .as_str()
        .expect("continue token");
    let raw = c.ok(&[
        "get",
        "--raw",
        &format!("/api/v1/namespaces/default/configmaps?limit=100&continue={token}"),
    ]);
    let rest: Value = serde_json::from_str(&raw).unwrap();
    assert!(rest["metadata"]
        .get("continue")
        .is_none_or(|c| c.as_str() == Some("")));
    let total = 10 + rest["items"].as_array().unwrap().len();
    assert!(total >= 25, "{total}");
}

#[test]
fn create_commands_send_protobuf_bodies() {
    let c = Cluster::start();
    c.ok(&["create", "namespace", "team-a"]);
    c.ok(&[
        "create",
        "configmap",
        "lit",
        "-n",
        "team-a",
        "--from-literal=color=blue",
        "--from-literal=size=L",
    ]);
    let file = c.data_dir().join("app.properties");
    std::fs::write(&file, "mode=fast\n").unwrap();
    c.ok(&[
        "create",
        "configmap",
        "fromfile",
        "-n",
        "team-a",
        &format!("--from-file={}", file.display()),
    ]);
    c.ok(&[
        "create",
        "secret",
        "generic",
        "creds",
        "-n",
        "team-a",
        "--from-literal=password=hunter2",
    ]);
    c.ok(&[
        "create",
        "deployment",
        "api",
        "-n",
        "team-a",
        "--image=busybox:1.36",
        "--replicas=2",
        "--port=8080",
    ]);

    let cm = c.json(&["get", "cm", "lit", "-n", "team-a"]);
    assert_eq!(cm["data"]["color"], "blue");
    assert_eq!(cm["data"]["size"], "L");
    let cm = c.json(&["get", "cm", "fromfile", "-n", "team-a"]);
    assert_eq!(cm["data"]["app.properties"], "mode=fast\n");
    let s = c.json(&["get", "secret", "creds", "-n", "team-a"]);
    assert_eq!(s["data"]["password"], "aHVudGVyMg==");
    assert_eq!(s["type"], "Opaque");
    let d = c.json(&["get", "deploy", "api", "-n", "team-a"]);
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["spec"]["selector"]["matchLabels"]["app"], "api");
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox:1.36"
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        8080
    );
    let ns = c.json(&["get", "ns", "team-a"]);
    assert_eq!(ns["status"]["phase"], "Active");
}

#[test]
fn patch_label_annotate_scale_replace() {
    let c = Cluster::start();
    c.ok_stdin(&["apply", "-f", "-"], WEB);

    c.ok(&[
        "patch",
        "deployment",
        "web",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}"#,
    ]);
    let d = c.json(&["get", "deploy", "web"]);
    let container = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["image"], "nginx:1.25");
    assert_eq!(
        container["ports"][0]["containerPort"], 80,
        "strategic merge keeps other fields"
    );

    c.ok(&[
        "patch",
        "deployment",
        "web",
        "--type=merge",
        "-p",
        r#"{"spec":{"minReadySeconds":5}}"#,
    ]);
    c.ok(&[
        "patch",
        "deployment",
        "web",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/replicas","value":4}]"#,
    ]);
    let d = c.json(&["get", "deploy", "web"]);
    assert_eq!(d["spec"]["minReadySeconds"], 5);
    assert_eq!(d["spec"]["replicas"], 4);
    let err = c.fails(&[
        "patch",
        "deployment",
        "web",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/spec/nothing"}]"#,
    ]);
    assert!(
        err.contains("The request is invalid") && err.contains("/spec/nothing"),
        "{err}"
    );

    c.ok(&["label", "deployment", "web", "tier=frontend"]);
    c.ok(&["annotate", "deployment", "web", "owner=team-a"]);
    let d = c.json(&["get", "deploy", "web"]);
    assert_eq!(d["metadata"]["labels"]["tier"], "frontend");
    assert_eq!(d["metadata"]["annotations"]["owner"], "team-a");
    let err = c.fails(&["label", "deployment", "web", "tier=backend"]);
    assert!(err.contains("already has a value"), "{err}");
    c.ok(&["label", "deployment", "web", "tier-"]);
    let d = c.json(&["get", "deploy", "web"]);
    assert!(d["metadata"]["labels"].get("tier").is_none());

    let out = c.ok(&["scale", "deployment", "web", "--replicas=7"]);
    assert!(out.contains("deployment.apps/web scaled"), "{out}");
    assert_eq!(
        c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "7"
    );
    let err = c.fails(&[
        "scale",
        "deployment",
        "web",
        "--current-replicas=2",
        "--replicas=3",
    ]);
    assert!(err.contains("Expected replicas to be 2, was 7"), "{err}");

    // replace: GET, edit, PUT with the resourceVersion.
    let mut cm = c.json(&["get", "cm", "web-config"]);
    cm["data"]["greeting"] = Value::from("replaced");
    c.ok_stdin(&["replace", "-f", "-"], &cm.to_string());
    assert_eq!(
        c.ok(&["get", "cm", "web-config", "-o", "jsonpath={.data.greeting}"]),
        "replaced"
    );
    // The old resourceVersion is now stale.
    let err = c.kubectl_stdin(&["replace", "-f", "-"], &cm.to_string());
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("the object has been modified"));
}

#[test]
fn edit_with_an_editor_script() {
    let c = Cluster::start();
    c.ok_stdin(&["apply", "-f", "-"], WEB);
    let editor = c.data_dir().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/greeting: hello/greeting: edited/' \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = c
        .command(&["edit", "configmap", "web-config"])
        .env("KUBE_EDITOR", &editor)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("configmap/web-config edited"));
    assert_eq!(
        c.ok(&["get", "cm", "web-config", "-o", "jsonpath={.data.greeting}"]),
        "edited"
    );
}

#[test]
fn diff_and_server_dry_run() {
    let c = Cluster::start();
    c.ok_stdin(&["apply", "-f", "-"], WEB);
    let changed = WEB.replace("replicas: 3", "replicas: 5");
    let out = c.kubectl_stdin(&["diff", "-f", "-"], &changed);
    // kubectl diff exits 1 when there are differences.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-  replicas: 3") && diff.contains("+  replicas: 5"),
        "{diff}"
    );
    let same = c.kubectl_stdin(&["diff", "-f", "-"], WEB);
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );

    let out = c.ok_stdin(&["apply", "--dry-run=server", "-f", "-"], &changed);
    assert!(out.contains("(server dry run)"), "{out}");
    assert_eq!(
        c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "3"
    );
    c.ok(&[
        "create",
        "configmap",
        "ghost",
        "--from-literal=a=b",
        "--dry-run=server",
    ]);
    assert!(c.fails(&["get", "cm", "ghost"]).contains("NotFound"));
}

#[test]
fn server_side_apply_with_conflicts() {
    let c = Cluster::start();
    let out = c.ok_stdin(&["apply", "--server-side", "-f", "-"], WEB);
    assert!(
        out.contains("deployment.apps/web serverside-applied"),
        "{out}"
    );
    let d = c.json(&["get", "deploy", "web", "--show-managed-fields"]);
    let managers: Vec<&str> = d["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["manager"].as_str().unwrap())
        .collect();
    assert!(managers.contains(&"kubectl"), "{managers:?}");

    let other = WEB.replace("replicas: 3", "replicas: 6");
    let out = c.kubectl_stdin(
        &["apply", "--server-side", "--field-manager=ops", "-f", "-"],
        &other,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("conflict") && err.contains(".spec.replicas"),
        "{err}"
    );
    assert_eq!(
        c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "3"
    );

    c.ok_stdin(
        &[
            "apply",
            "--server-side",
            "--field-manager=ops",
            "--force-conflicts",
            "-f",
            "-",
        ],
        &other,
    );
    assert_eq!(
        c.ok(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]),
        "6"
    );
}

#[test]
fn delete_with_each_propagation_policy() {
    let c = Cluster::start();
    c.ok_stdin(&["apply", "-f", "-"], WEB);
    c.ok(&["create", "deployment", "a", "--image=busybox"]);
    c.ok(&["create", "deployment", "b", "--image=busybox"]);
    for (name, cascade) in [("a", "orphan"), ("b", "foreground"), ("web", "background")] {
        let out = c.ok(&[
            "delete",
            "deployment",
            name,
            &format!("--cascade={cascade}"),
            "--timeout=20s",
        ]);
        assert!(
            out.contains(&format!("deployment.apps \"{name}\" deleted")),
            "{out}"
        );
    }
    assert!(c.ok(&["get", "deploy", "-o", "name"]).trim().is_empty());
    let out = c.ok(&["delete", "configmap", "-l", "app=web"]);
    assert!(out.contains("configmap \"web-config\" deleted"), "{out}");
    let err = c.fails(&["delete", "configmap", "nope"]);
    assert!(
        err.contains("Error from server (NotFound): configmaps \"nope\" not found"),
        "{err}"
    );
}

#[test]
fn errors_read_like_kubernetes() {
    let c = Cluster::start();
    c.ok(&["create", "configmap", "dup", "--from-literal=a=b"]);
    let err = c.fails(&["create", "configmap", "dup", "--from-literal=a=b"]);
    assert!(
        err.contains("failed to create configmap: configmaps \"dup\" already exists"),
        "{err}"
    );
    let dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n";
    let out = c.kubectl_stdin(&["create", "-f", "-"], dup);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"dup\" already exists"), "{err}");
    let err = c.fails(&["get", "deployment", "missing"]);
    assert!(
        err.contains("Error from server (NotFound): deployments.apps \"missing\" not found"),
        "{err}"
    );

    let bad_name = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\ndata:\n  a: b\n";
    let out = c.kubectl_stdin(&["create", "-f", "-"], bad_name);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is invalid") && err.contains("metadata.name"),
        "{err}"
    );

    let bad_key =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e422\ndata:\n  \"bad key\": b\n";
    let out = c.kubectl_stdin(&["create", "-f", "-"], bad_key);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("The ConfigMap \"e422\" is invalid") && err.contains("data[bad key]"),
        "{err}"
    );

    let no_selector = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nosel\nspec:\n  template:\n    metadata:\n      labels: {app: x}\n    spec:\n      containers: [{name: c, image: busybox}]\n";
    let out = c.kubectl_stdin(&["create", "-f", "-"], no_selector);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spec.selector: Required value"), "{err}");

    c.ok(&["create", "deployment", "immut", "--image=busybox"]);
    let err = c.fails(&["patch", "deploy", "immut", "--type=merge", "-p", r#"{"spec":{"selector":{"matchLabels":{"app":"other"}},"template":{"metadata":{"labels":{"app":"other"}}}}}"#]);
    assert!(err.contains("field is immutable"), "{err}");

    let err = c.fails(&[
        "create",
        "configmap",
        "x",
        "-n",
        "no-such-ns",
        "--from-literal=a=b",
    ]);
    assert!(err.contains("namespaces \"no-such-ns\" not found"), "{err}");

    // A body over 3 MiB is refused whole, and nothing is stored.
    let big = c.data_dir().join("big.txt");
    std::fs::write(&big, "x".repeat(4 << 20)).unwrap();
    let err = c.fails(&[
        "create",
        "configmap",
        "big",
        &format!("--from-file={}", big.display()),
    ]);
    assert!(err.contains("Request entity too large"), "{err}");
    assert!(c.fails_quietly(&["get", "configmap", "big"]));

    // Every request above is counted in the Prometheus metrics, by verb, resource,
    // subresource and code.
    let metrics = c.ok(&["get", "--raw", "/metrics"]);
    let counted = |needle: &str| {
        metrics
            .lines()
            .any(|l| l.starts_with("apiserver_request_total{") && l.contains(needle))
    };
    assert!(
        counted("code=\"409\",resource=\"configmaps\",subresource=\"\",verb=\"POST\""),
        "{metrics}"
    );
    assert!(
        counted("code=\"413\",resource=\"configmaps\",subresource=\"\",verb=\"POST\""),
        "{metrics}"
    );
    assert!(
        metrics.contains("apiserver_request_duration_seconds_bucket{"),
        "{metrics}"
    );
}

#[test]
fn watch_streams_changes() {
    let c = Cluster::start();
    let mut watcher = c
        .command(&["get", "configmaps", "-w", "--output-watch-events"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = watcher.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    c.ok(&["create", "configmap", "watched", "--from-literal=a=b"]);
    c.ok(&["label", "configmap", "watched", "x=y"]);
    c.ok(&["delete", "configmap", "watched"]);
    let mut seen = Vec::new();
    let want = ["ADDED", "MODIFIED", "DELETED"];
    let lines = eventually(Duration::from_secs(15), || {
        while let Ok(l) = rx.try_recv() {
            if l.contains("watched") {
                seen.push(l);
            }
        }
        want.iter()
            .all(|w| seen.iter().any(|l| l.starts_with(w)))
            .then(|| seen.clone())
    });
    let _ = watcher.kill();
    let _ = watcher.wait();
    assert!(
        lines.iter().position(|l| l.starts_with("ADDED"))
            < lines.iter().position(|l| l.starts_with("DELETED"))
    );
}

#[test]
fn explain_reads_openapi() {
    let c = Cluster::start();
    let out = c.ok(&["explain", "deployments"]);
    let field = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
    };
    assert_eq!(field("GROUP:").as_deref(), Some("apps"), "{out}");
    assert_eq!(field("KIND:").as_deref(), Some("Deployment"), "{out}");
    assert_eq!(field("VERSION:").as_deref(), Some("v1"), "{out}");
    assert!(out.contains("FIELDS:") && out.contains("metadata"), "{out}");
    let meta = c.ok(&["explain", "deployment.metadata.labels"]);
    assert!(meta.contains("map[string]string"), "{meta}");
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let c = Cluster::start();
    for i in 0..20 {
        c.ok(&[
            "create",
            "configmap",
            &format!("durable-{i}"),
            &format!("--from-literal=i={i}"),
        ]);
    }
    c.ok_stdin(&["apply", "-f", "-"], WEB);
    let deploy_before = c.json(&["get", "deploy", "web"]);
    // No control loop writes ConfigMaps, so its resourceVersion must survive unchanged.
    let cm_before = c.json(&["get", "cm", "durable-19"]);
    let dir = c.crash();
    let c = Cluster::start_in(dir);
    let names = c.ok(&["get", "cm", "-o", "name"]);
    for i in 0..20 {
        assert!(
            names.contains(&format!("configmap/durable-{i}")),
            "lost durable-{i}: {names}"
        );
    }
    let cm_after = c.json(&["get", "cm", "durable-19"]);
    assert_eq!(cm_before, cm_after);
    let deploy_after = c.json(&["get", "deploy", "web"]);
    assert_eq!(
        deploy_before["metadata"]["uid"],
        deploy_after["metadata"]["uid"]
    );
    assert_eq!(deploy_before["spec"], deploy_after["spec"]);
    // New writes continue the revision sequence.
    c.ok(&["label", "cm", "durable-0", "after=restart"]);
    let rv: i64 = c
        .ok(&[
            "get",
            "cm",
            "durable-0",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ])
        .parse()
        .unwrap();
    let before: i64 = cm_before["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv > before, "{rv} <= {before}");
}

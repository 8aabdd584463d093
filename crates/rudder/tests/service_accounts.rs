//! Service-account tokens end to end: `kubectl create token` (TokenRequest), bearer-token
//! authentication with the token alone, the `kube-api-access-*` volume every pod gets (token,
//! cluster CA, namespace) unless it opts out, the `KUBERNETES_SERVICE_*` variables, and
//! revocation of a pod-bound token when its pod is deleted.

mod common;

use common::{AgentCleanup, Cluster};
use serde_json::json;

const NODE: &str = "rudder-sa-e2e";
const MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

#[test]
fn service_account_tokens_authenticate_and_are_mounted() {
    let pod_cidr = format!("198.18.{}.0/24", 15 + std::process::id() % 5);
    let c = Cluster::start_with_agent(&["--node-name", NODE, "--pod-cidr", &pod_cidr]);
    let _cleanup = AgentCleanup::new(&c, NODE);
    c.wait_node_ready(NODE);
    let ca = c.data_dir().join("tls/ca.crt");

    // --- TokenRequest through kubectl; the token alone authenticates.
    common::eventually(std::time::Duration::from_secs(30), || {
        c.kubectl(&["get", "serviceaccount", "default"])
            .status
            .success()
            .then_some(())
    });
    let token = c.ok(&["create", "token", "default", "--duration=1h"]);
    let token = token.trim();
    assert_eq!(token.split('.').count(), 3, "not a JWT: {token}");
    let out = c.kubectl_with_token(token, &["get", "serviceaccounts", "-o", "name"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("serviceaccount/default"));
    let forged = format!("{token}x");
    let out = c.kubectl_with_token(&forged, &["get", "pods"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Unauthorized"),
        "{out:?}"
    );
    let err = c.fails(&["create", "token", "default", "--duration=1m"]);
    assert!(
        err.contains("may not specify a duration less than 10 minutes"),
        "{err}"
    );
    let err = c.fails(&["create", "token", "nobody"]);
    assert!(
        err.contains("serviceaccounts \"nobody\" not found"),
        "{err}"
    );

    // --- Every namespace publishes the cluster CA.
    let published = c.ok(&[
        "get",
        "configmap",
        "kube-root-ca.crt",
        "-o",
        "jsonpath={.data.ca\\.crt}",
    ]);
    assert_eq!(published, std::fs::read_to_string(&ca).unwrap());

    // --- Pods get the token, the CA and their namespace, unless they opt out.
    let with_token_pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
        "spec": {"containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    });
    let opted_out = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "no-token"},
        "spec": {"automountServiceAccountToken": false,
                 "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    });
    for p in [&with_token_pod, &opted_out] {
        c.ok_stdin(&["apply", "-f", "-"], &p.to_string());
    }
    for p in ["client", "no-token"] {
        c.ok(&[
            "wait",
            "--for=condition=Ready",
            &format!("pod/{p}"),
            "--timeout=60s",
        ]);
    }
    let pod = c.json(&["get", "pod", "client"]);
    assert_eq!(pod["spec"]["serviceAccountName"], "default");
    let volume = &pod["spec"]["volumes"][0];
    assert!(
        volume["name"]
            .as_str()
            .unwrap()
            .starts_with("kube-api-access-"),
        "{volume}"
    );
    assert_eq!(
        pod["spec"]["containers"][0]["volumeMounts"][0]["mountPath"],
        MOUNT
    );
    let read = |file: &str| c.ok(&["exec", "client", "--", "cat", &format!("{MOUNT}/{file}")]);
    assert_eq!(read("namespace"), "default");
    assert_eq!(read("ca.crt"), std::fs::read_to_string(&ca).unwrap());
    let pod_token = read("token");
    let out = c.kubectl_with_token(&pod_token, &["get", "pod", "client", "-o", "name"]);
    assert!(out.status.success(), "{out:?}");
    // In-cluster clients find the API through the `kubernetes` Service's variables.
    let env = c.ok(&["exec", "client", "--", "env"]);
    let cluster_ip = c.ok(&[
        "get",
        "svc",
        "kubernetes",
        "-o",
        "jsonpath={.spec.clusterIP}",
    ]);
    for want in [
        format!("KUBERNETES_SERVICE_HOST={cluster_ip}"),
        "KUBERNETES_SERVICE_PORT=443".to_string(),
        "KUBERNETES_SERVICE_PORT_HTTPS=443".to_string(),
        format!("KUBERNETES_PORT=tcp://{cluster_ip}:443"),
    ] {
        assert!(env.lines().any(|l| l == want), "{want} missing from {env}");
    }
    let opted = c.json(&["get", "pod", "no-token"]);
    assert!(opted["spec"]["volumes"].is_null(), "{opted}");
    let out = c.kubectl(&["exec", "no-token", "--", "ls", MOUNT]);
    assert!(!out.status.success(), "the opted-out pod has {MOUNT}");

    // --- A token bound to a pod dies with the pod.
    c.ok(&["delete", "pod", "client", "--grace-period=0", "--force"]);
    common::eventually(std::time::Duration::from_secs(30), || {
        c.fails_quietly(&["get", "pod", "client"]).then_some(())
    });
    let out = c.kubectl_with_token(&pod_token, &["get", "pods"]);
    assert!(!out.status.success(), "a deleted pod's token still works");
}

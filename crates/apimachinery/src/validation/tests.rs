//! Validation tests: realistic manifests validate cleanly after defaulting, and bad ones give
//! the exact causes Kubernetes reports.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::defaults::apply_defaults;

fn cause(reason: &'static str, field: &str, message: &str) -> Cause {
    Cause {
        reason,
        field: field.to_string(),
        message: message.to_string(),
    }
}

fn create(group: &str, kind: &str, mut obj: Value) -> Vec<Cause> {
    apply_defaults(group, kind, &mut obj);
    validate_create(group, kind, true, &obj)
}

fn update(group: &str, kind: &str, mut old: Value, mut new: Value) -> Vec<Cause> {
    apply_defaults(group, kind, &mut old);
    apply_defaults(group, kind, &mut new);
    validate_update(group, kind, true, &old, &new)
}

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn nginx_deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "nginx-deployment", "namespace": "default", "labels": {"app": "nginx"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {
                    "containers": [{
                        "name": "nginx",
                        "image": "nginx:1.14.2",
                        "ports": [{"containerPort": 80, "name": "http"}],
                        "resources": {
                            "requests": {"cpu": "250m", "memory": "64Mi"},
                            "limits": {"cpu": "500m", "memory": "128Mi"}
                        },
                        "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 3},
                        "readinessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 5},
                        "env": [{"name": "NGINX_PORT", "value": "80"}],
                        "volumeMounts": [{"name": "html", "mountPath": "/usr/share/nginx/html"}]
                    }],
                    "volumes": [{"name": "html", "configMap": {"name": "site"}}]
                }
            }
        }
    })
}

fn pod(containers: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": containers}})
}

// ---- valid manifests -------------------------------------------------------------------------

#[test]
fn docs_manifests_validate_cleanly_after_defaulting() {
    assert_eq!(create("apps", "Deployment", nginx_deployment()), vec![]);
    let service = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "my-service", "namespace": "default"},
        "spec": {"selector": {"app.kubernetes.io/name": "MyApp"}, "ports": [{"protocol": "TCP", "port": 80, "targetPort": 9376}]}
    });
    assert_eq!(create("", "Service", service), vec![]);
    let multi = json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80, "nodePort": 30080}, {"name": "https", "port": 443, "targetPort": "https"}]}});
    assert_eq!(create("", "Service", multi), vec![]);
    let headless = json!({"metadata": {"name": "db"}, "spec": {"clusterIP": "None", "selector": {"app": "db"}}});
    assert_eq!(create("", "Service", headless), vec![]);
    let external = json!({"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com."}});
    assert_eq!(create("", "Service", external), vec![]);
    let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local",
        "healthCheckNodePort": 31000, "ports": [{"port": 443}]}});
    assert_eq!(create("", "Service", lb), vec![]);
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "game-demo"},
        "data": {"player_initial_lives": "3", "ui_properties_file_name": "user-interface.properties",
                 "game.properties": "enemy.types=aliens,monsters\n"},
        "binaryData": {"logo.png": "iVBORw0KGgo="}
    });
    assert_eq!(create("", "ConfigMap", cm), vec![]);
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "secret-basic-auth"},
        "type": "kubernetes.io/basic-auth", "stringData": {"username": "admin", "password": "t0p-Secret"}});
    assert_eq!(create("", "Secret", secret), vec![]);
    let opaque = json!({"metadata": {"name": "mysecret"}, "data": {"USER_NAME": "YWRtaW4=", "PASSWORD": "MWYyZDFlMmU2N2Rm"}});
    assert_eq!(create("", "Secret", opaque), vec![]);
    let docker = json!({"metadata": {"name": "regcred"}, "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": "eyJhdXRocyI6e319"}});
    assert_eq!(create("", "Secret", docker), vec![]);
}

#[test]
fn other_kinds_validate_cleanly_after_defaulting() {
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "",
            "Pod",
            json!({"metadata": {"name": "nginx"}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2", "ports": [{"containerPort": 80}]}]}}),
        ),
        (
            "",
            "Namespace",
            json!({"metadata": {"name": "development"}}),
        ),
        (
            "",
            "PersistentVolumeClaim",
            json!({"metadata": {"name": "claim"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Gi"}}, "storageClassName": "standard"}}),
        ),
        (
            "",
            "PersistentVolume",
            json!({"metadata": {"name": "pv0003"}, "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"], "nfs": {"path": "/tmp", "server": "172.17.0.2"}}}),
        ),
        (
            "",
            "ServiceAccount",
            json!({"metadata": {"name": "build-robot"}}),
        ),
        (
            "",
            "Node",
            json!({"metadata": {"name": "node-1.example.com", "labels": {"kubernetes.io/hostname": "node-1"}}, "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"], "taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]}}),
        ),
        (
            "",
            "Event",
            json!({"metadata": {"name": "x.17a", "namespace": "default"}, "involvedObject": {"kind": "Pod", "name": "x", "namespace": "default"}, "reason": "Started", "message": "ok", "type": "Normal"}),
        ),
        (
            "",
            "ReplicationController",
            json!({"metadata": {"name": "nginx"}, "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}),
        ),
        (
            "",
            "PodTemplate",
            json!({"metadata": {"name": "t"}, "template": {"spec": {"containers": [{"name": "a", "image": "b"}]}}}),
        ),
        (
            "apps",
            "ReplicaSet",
            json!({"metadata": {"name": "frontend"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"tier": "frontend"}}, "template": {"metadata": {"labels": {"tier": "frontend"}}, "spec": {"containers": [{"name": "php-redis", "image": "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5"}]}}}}),
        ),
        (
            "apps",
            "StatefulSet",
            json!({"metadata": {"name": "web"}, "spec": {"serviceName": "nginx", "replicas": 3, "selector": {"matchLabels": {"app": "nginx"}}, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}}, "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}),
        ),
        (
            "apps",
            "DaemonSet",
            json!({"metadata": {"name": "fluentd-elasticsearch", "namespace": "kube-system"}, "spec": {"selector": {"matchLabels": {"name": "fluentd-elasticsearch"}}, "template": {"metadata": {"labels": {"name": "fluentd-elasticsearch"}}, "spec": {"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}], "containers": [{"name": "fluentd-elasticsearch", "image": "quay.io/fluentd_elasticsearch/fluentd:v2.5.2", "resources": {"limits": {"memory": "200Mi"}, "requests": {"cpu": "100m", "memory": "200Mi"}}, "volumeMounts": [{"name": "varlog", "mountPath": "/var/log"}]}], "terminationGracePeriodSeconds": 30, "volumes": [{"name": "varlog", "hostPath": {"path": "/var/log"}}]}}}}),
        ),
        (
            "batch",
            "Job",
            json!({"metadata": {"name": "pi", "uid": "0b6e8f34-6d3a-4a52-9d1c-2f8f7c2d9a11"}, "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}], "restartPolicy": "Never"}}, "backoffLimit": 4}}),
        ),
        (
            "batch",
            "CronJob",
            json!({"metadata": {"name": "hello"}, "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "hello", "image": "busybox:1.28", "command": ["/bin/sh", "-c", "date; echo Hello"]}], "restartPolicy": "OnFailure"}}}}}}),
        ),
        (
            "autoscaling",
            "HorizontalPodAutoscaler",
            json!({"metadata": {"name": "php-apache"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"}, "minReplicas": 1, "maxReplicas": 10, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}], "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}}}),
        ),
        (
            "policy",
            "PodDisruptionBudget",
            json!({"metadata": {"name": "zk-pdb"}, "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}}}),
        ),
        (
            "networking.k8s.io",
            "NetworkPolicy",
            json!({"metadata": {"name": "test-network-policy"}, "spec": {"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress", "Egress"], "ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}}, {"namespaceSelector": {"matchLabels": {"project": "myproject"}}}, {"podSelector": {"matchLabels": {"role": "frontend"}}}], "ports": [{"protocol": "TCP", "port": 6379}]}], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 5978}]}]}}),
        ),
        (
            "networking.k8s.io",
            "Ingress",
            json!({"metadata": {"name": "minimal-ingress", "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}}, "spec": {"ingressClassName": "nginx-example", "rules": [{"http": {"paths": [{"path": "/testpath", "pathType": "Prefix", "backend": {"service": {"name": "test", "port": {"number": 80}}}}]}}]}}),
        ),
        (
            "networking.k8s.io",
            "IngressClass",
            json!({"metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}),
        ),
        (
            "rbac.authorization.k8s.io",
            "Role",
            json!({"metadata": {"name": "pod-reader"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "watch", "list"]}]}),
        ),
        (
            "rbac.authorization.k8s.io",
            "RoleBinding",
            json!({"metadata": {"name": "read-pods"}, "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}, {"kind": "ServiceAccount", "name": "default", "namespace": "kube-system"}], "roleRef": {"kind": "Role", "name": "pod-reader", "apiGroup": "rbac.authorization.k8s.io"}}),
        ),
        (
            "rbac.authorization.k8s.io",
            "ClusterRole",
            json!({"metadata": {"name": "system:secret-reader"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}, {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]}),
        ),
        (
            "coordination.k8s.io",
            "Lease",
            json!({"metadata": {"name": "my-lease"}, "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40, "renewTime": "2024-01-01T00:00:00.000000Z"}}),
        ),
        (
            "storage.k8s.io",
            "StorageClass",
            json!({"metadata": {"name": "standard"}, "provisioner": "kubernetes.io/aws-ebs", "parameters": {"type": "gp2"}}),
        ),
        (
            "scheduling.k8s.io",
            "PriorityClass",
            json!({"metadata": {"name": "high-priority"}, "value": 1000000, "globalDefault": false}),
        ),
        (
            "discovery.k8s.io",
            "EndpointSlice",
            json!({"metadata": {"name": "example-abc"}, "addressType": "IPv4", "ports": [{"name": "http", "protocol": "TCP", "port": 80}], "endpoints": [{"addresses": ["10.1.2.3"], "conditions": {"ready": true}}]}),
        ),
        (
            "example.com",
            "Widget",
            json!({"metadata": {"name": "w1"}, "spec": {"anything": [1, 2, 3]}}),
        ),
    ];
    for (group, kind, obj) in cases {
        assert_eq!(create(group, kind, obj), vec![], "{group}/{kind}");
    }
}

// ---- metadata --------------------------------------------------------------------------------

#[test]
fn metadata_names() {
    assert_eq!(
        create("", "ConfigMap", json!({"metadata": {"name": "Bad_Name"}})),
        vec![cause(
            "FieldValueInvalid",
            "metadata.name",
            &format!("Invalid value: \"Bad_Name\": {SUBDOMAIN_MSG}")
        )]
    );
    assert_eq!(
        create("", "ConfigMap", json!({"metadata": {}})),
        vec![cause(
            "FieldValueRequired",
            "metadata.name",
            "Required value: name or generateName is required"
        )]
    );
    assert_eq!(
        create(
            "",
            "ConfigMap",
            json!({"metadata": {"generateName": "cfg-"}})
        ),
        vec![]
    );
    assert_eq!(
        create("", "Namespace", json!({"metadata": {"name": "a.b"}})),
        vec![cause(
            "FieldValueInvalid",
            "metadata.name",
            "Invalid value: \"a.b\": must not contain dots"
        )]
    );
    assert_eq!(
        create("", "Service", json!({"metadata": {"name": "1web"}, "spec": {"ports": [{"port": 80}]}})),
        vec![cause(
            "FieldValueInvalid",
            "metadata.name",
            "Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        )]
    );
    assert_eq!(
        create(
            "rbac.authorization.k8s.io",
            "ClusterRole",
            json!({"metadata": {"name": "a/b"}})
        ),
        vec![cause(
            "FieldValueInvalid",
            "metadata.name",
            "Invalid value: \"a/b\": may not contain '/'"
        )]
    );
    assert_eq!(
        create(
            "rbac.authorization.k8s.io",
            "ClusterRole",
            json!({"metadata": {"name": "system:Admin"}})
        ),
        vec![]
    );
    assert_eq!(
        create(
            "",
            "Node",
            json!({"metadata": {"name": "ip-10-0-0-1.ec2.internal"}})
        ),
        vec![]
    );
}

#[test]
fn metadata_labels_and_annotations() {
    let causes = create(
        "",
        "ConfigMap",
        json!({"metadata": {"name": "c", "labels": {"bad key!": "ok", "good": "-bad-"}, "annotations": {"a/b/c": "x"}}}),
    );
    assert_eq!(
        causes,
        vec![
            cause("FieldValueInvalid", "metadata.labels", "Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
            cause("FieldValueInvalid", "metadata.labels", "Invalid value: \"-bad-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
            cause("FieldValueInvalid", "metadata.annotations", "Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
        ]
    );
    let long = "x".repeat(64);
    assert_eq!(
        create(
            "",
            "ConfigMap",
            json!({"metadata": {"name": "c", "labels": {"a": long}}})
        ),
        vec![cause(
            "FieldValueInvalid",
            "metadata.labels",
            &format!("Invalid value: \"{long}\": must be no more than 63 characters")
        )]
    );
    let big = "v".repeat(256 * 1024);
    assert_eq!(
        create(
            "",
            "ConfigMap",
            json!({"metadata": {"name": "c", "annotations": {"Upper.Case/Key": big}}})
        ),
        vec![cause(
            "FieldValueTooLong",
            "metadata.annotations",
            "Too long: must have at most 262144 bytes"
        )]
    );
    assert_eq!(
        create("", "ConfigMap", json!({"metadata": {"name": "c", "finalizers": ["custom"]}})),
        vec![cause(
            "FieldValueInvalid",
            "metadata.finalizers[0]",
            "Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"
        )]
    );
}

#[test]
fn metadata_is_immutable_on_update() {
    let old = json!({"metadata": {"name": "c", "namespace": "default", "uid": "u1", "creationTimestamp": "2024-01-02T03:04:05Z"}});
    assert_eq!(update("", "ConfigMap", old.clone(), old.clone()), vec![]);
    let new = json!({"metadata": {"name": "d", "namespace": "default", "uid": "u2", "creationTimestamp": "2024-01-02T03:04:06Z"}});
    assert_eq!(
        update("", "ConfigMap", old.clone(), new),
        vec![
            cause(
                "FieldValueInvalid",
                "metadata.name",
                "Invalid value: \"d\": field is immutable"
            ),
            cause(
                "FieldValueInvalid",
                "metadata.uid",
                "Invalid value: \"u2\": field is immutable"
            ),
            cause(
                "FieldValueInvalid",
                "metadata.creationTimestamp",
                "Invalid value: 2024-01-02 03:04:06 +0000 UTC: field is immutable"
            ),
        ]
    );
    // A client that omits uid and creationTimestamp is fine.
    assert_eq!(
        update(
            "",
            "ConfigMap",
            old,
            json!({"metadata": {"name": "c", "namespace": "default"}})
        ),
        vec![]
    );
    let deleting = json!({"metadata": {"name": "c", "namespace": "default", "deletionTimestamp": "2024-01-01T00:00:00Z", "finalizers": ["a.io/x"]}});
    let added = json!({"metadata": {"name": "c", "namespace": "default", "finalizers": ["a.io/x", "b.io/y"]}});
    assert_eq!(
        update("", "ConfigMap", deleting, added),
        vec![cause(
            "FieldValueForbidden",
            "metadata.finalizers",
            "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\"}"
        )]
    );
}

// ---- pods ------------------------------------------------------------------------------------

#[test]
fn pod_container_errors() {
    assert_eq!(
        create("", "Pod", pod(json!([{"name": "web"}]))),
        vec![cause(
            "FieldValueRequired",
            "spec.containers[0].image",
            "Required value"
        )]
    );
    assert_eq!(
        create("", "Pod", json!({"metadata": {"name": "p"}, "spec": {}})),
        vec![cause(
            "FieldValueRequired",
            "spec.containers",
            "Required value"
        )]
    );
    assert_eq!(
        create("", "Pod", pod(json!([{"name": "Web_1", "image": "nginx"}]))),
        vec![cause(
            "FieldValueInvalid",
            "spec.containers[0].name",
            &format!("Invalid value: \"Web_1\": {LABEL_MSG}")
        )]
    );
    let mut p = pod(json!([{"name": "a", "image": "nginx"}, {"name": "a", "image": "nginx"}]));
    p["spec"]["initContainers"] = json!([{"name": "a", "image": "busybox"}]);
    assert_eq!(
        create("", "Pod", p),
        vec![
            cause(
                "FieldValueDuplicate",
                "spec.containers[1].name",
                "Duplicate value: \"a\""
            ),
            cause(
                "FieldValueDuplicate",
                "spec.initContainers[0].name",
                "Duplicate value: \"a\""
            ),
        ]
    );
    assert_eq!(
        create(
            "",
            "Pod",
            pod(
                json!([{"name": "a", "image": "nginx", "ports": [{"containerPort": 70000, "protocol": "HTTP"}, {}]}])
            )
        ),
        vec![
            cause(
                "FieldValueInvalid",
                "spec.containers[0].ports[0].containerPort",
                "Invalid value: 70000: must be between 1 and 65535, inclusive"
            ),
            cause(
                "FieldValueNotSupported",
                "spec.containers[0].ports[0].protocol",
                "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
            ),
            cause(
                "FieldValueRequired",
                "spec.containers[0].ports[1].containerPort",
                "Required value"
            ),
        ]
    );
    let mut bad_policy = pod(json!([{"name": "a", "image": "nginx"}]));
    bad_policy["spec"]["restartPolicy"] = json!("Sometimes");
    assert_eq!(
        create("", "Pod", bad_policy),
        vec![cause(
            "FieldValueNotSupported",
            "spec.restartPolicy",
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
        )]
    );
    assert_eq!(
        create("", "Pod", pod(json!([{"name": "a", "image": "nginx", "env": [{"name": "A=B"}, {"name": ""}]}]))),
        vec![
            cause("FieldValueInvalid", "spec.containers[0].env[0].name", "Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"),
            cause("FieldValueRequired", "spec.containers[0].env[1].name", "Required value"),
        ]
    );
    assert_eq!(
        create("", "Pod", pod(json!([{"name": "a", "image": "nginx", "imagePullPolicy": "Sometimes"}]))),
        vec![cause(
            "FieldValueNotSupported",
            "spec.containers[0].imagePullPolicy",
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""
        )]
    );
    assert_eq!(
        create("", "Pod", pod(json!([{"name": "a", "image": " nginx"}]))),
        vec![cause(
            "FieldValueInvalid",
            "spec.containers[0].image",
            "Invalid value: \" nginx\": must not have leading or trailing whitespace"
        )]
    );
}

#[test]
fn pod_resources() {
    let causes = create(
        "",
        "Pod",
        pod(
            json!([{"name": "a", "image": "nginx", "resources": {"requests": {"cpu": "1", "memory": "lots"}, "limits": {"cpu": "500m"}}}]),
        ),
    );
    assert_eq!(
        causes,
        vec![
            cause("FieldValueInvalid", "spec.containers[0].resources.requests[memory]", "Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
            cause("FieldValueInvalid", "spec.containers[0].resources.requests", "Invalid value: \"1\": must be less than or equal to cpu limit of 500m"),
        ]
    );
    assert_eq!(
        create(
            "",
            "Pod",
            pod(
                json!([{"name": "a", "image": "nginx", "resources": {"requests": {"cpu": "-1", "foo": "1"}}}])
            )
        ),
        vec![
            cause(
                "FieldValueInvalid",
                "spec.containers[0].resources.requests[cpu]",
                "Invalid value: \"-1\": must be greater than or equal to 0"
            ),
            cause(
                "FieldValueInvalid",
                "spec.containers[0].resources.requests[foo]",
                "Invalid value: foo: must be a standard resource type or fully qualified"
            ),
            cause(
                "FieldValueInvalid",
                "spec.containers[0].resources.requests[foo]",
                "Invalid value: foo: must be a standard resource for containers"
            ),
        ]
    );
    assert_eq!(
        create(
            "",
            "Pod",
            pod(
                json!([{"name": "a", "image": "nginx", "resources": {"requests": {"nvidia.com/gpu": "1"}}}])
            )
        ),
        vec![cause(
            "FieldValueRequired",
            "spec.containers[0].resources.limits",
            "Required value: Limit must be set for non overcommitable resources"
        )]
    );
    assert_eq!(
        create(
            "",
            "Pod",
            pod(
                json!([{"name": "a", "image": "nginx", "resources": {"limits": {"cpu": 2, "memory": "1Gi", "nvidia.com/gpu": 1}}}])
            )
        ),
        vec![]
    );
}

#[test]
fn pod_volumes_and_mounts() {
    let mut p = pod(json!([{"name": "a", "image": "nginx", "volumeMounts": [
        {"name": "data", "mountPath": "/data"}, {"name": "cfg", "mountPath": "/data"}, {"name": "cfg", "mountPath": "/x", "subPath": "../up"}
    ]}]));
    p["spec"]["volumes"] = json!([
        {"name": "cfg", "configMap": {"name": "c", "defaultMode": 1000}},
        {"name": "cfg", "emptyDir": {}},
        {"name": "two", "emptyDir": {}, "hostPath": {"path": "/tmp"}}
    ]);
    assert_eq!(
        create("", "Pod", p),
        vec![
            // An invalid volume is not registered, so the second "cfg" is the one mounted.
            cause(
                "FieldValueInvalid",
                "spec.volumes[0].configMap.defaultMode",
                "Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive"
            ),
            cause(
                "FieldValueForbidden",
                "spec.volumes[2].hostPath",
                "Forbidden: may not specify more than 1 volume type"
            ),
            cause(
                "FieldValueNotFound",
                "spec.containers[0].volumeMounts[0].name",
                "Not found: \"data\""
            ),
            cause(
                "FieldValueInvalid",
                "spec.containers[0].volumeMounts[1].mountPath",
                "Invalid value: \"/data\": must be unique"
            ),
            cause(
                "FieldValueInvalid",
                "spec.containers[0].volumeMounts.subPath",
                "Invalid value: \"../up\": must not contain '..'"
            ),
        ]
    );
    let mut dup = pod(json!([{"name": "a", "image": "nginx"}]));
    dup["spec"]["volumes"] = json!([{"name": "v", "emptyDir": {}}, {"name": "v", "secret": {"secretName": "s"}}, {"name": "Bad"}]);
    assert_eq!(
        create("", "Pod", dup),
        vec![
            cause(
                "FieldValueDuplicate",
                "spec.volumes[1].name",
                "Duplicate value: \"v\""
            ),
            cause(
                "FieldValueInvalid",
                "spec.volumes[2].name",
                &format!("Invalid value: \"Bad\": {LABEL_MSG}")
            ),
        ]
    );
}

#[test]
fn pod_probes_and_tolerations() {
    let mut p = pod(json!([{"name": "a", "image": "nginx",
        "livenessProbe": {"httpGet": {"port": 0}, "exec": {"command": ["true"]}, "successThreshold": 2},
        "readinessProbe": {}}]));
    p["spec"]["tolerations"] = json!([{"operator": "Equal", "value": "x"}, {"key": "k", "operator": "Exists", "value": "v"}]);
    assert_eq!(
        create("", "Pod", p),
        vec![
            cause("FieldValueForbidden", "spec.containers[0].livenessProbe.httpGet", "Forbidden: may not specify more than 1 handler type"),
            cause("FieldValueInvalid", "spec.containers[0].livenessProbe.successThreshold", "Invalid value: 2: must be 1"),
            cause("FieldValueRequired", "spec.containers[0].readinessProbe", "Required value: must specify a handler type"),
            cause("FieldValueInvalid", "spec.tolerations[0].operator", "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""),
            cause("FieldValueInvalid", "spec.tolerations[1].operator", "Invalid value: \"v\": value must be empty when `operator` is 'Exists'"),
        ]
    );
}

#[test]
fn pod_updates() {
    let old = pod(json!([{"name": "a", "image": "nginx:1.0", "command": ["a"]}]));
    let mut image_only = old.clone();
    image_only["spec"]["containers"][0]["image"] = json!("nginx:2.0");
    assert_eq!(update("", "Pod", old.clone(), image_only), vec![]);
    let mut deadline = old.clone();
    deadline["spec"]["activeDeadlineSeconds"] = json!(60);
    deadline["spec"]["tolerations"] = json!([{"key": "k", "operator": "Exists"}]);
    assert_eq!(update("", "Pod", old.clone(), deadline), vec![]);
    let mut changed = old.clone();
    changed["spec"]["containers"][0]["command"] = json!(["b"]);
    let causes = update("", "Pod", old.clone(), changed);
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].reason, "FieldValueForbidden");
    assert_eq!(causes[0].field, "spec");
    assert!(causes[0].message.starts_with(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
    ));
    assert!(causes[0].message.contains(
        "- spec.containers[0].command[0]: \"a\"\n+ spec.containers[0].command[0]: \"b\""
    ));
    let mut more = old.clone();
    more["spec"]["containers"] = json!([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]);
    assert_eq!(
        update("", "Pod", old, more),
        vec![cause(
            "FieldValueForbidden",
            "spec.containers",
            "Forbidden: pod updates may not add or remove containers"
        )]
    );
}

// ---- workloads -------------------------------------------------------------------------------

#[test]
fn deployment_selector_errors() {
    let mut d = nginx_deployment();
    d["spec"].as_object_mut().unwrap().remove("selector");
    let causes = create("apps", "Deployment", d);
    assert_eq!(
        causes,
        vec![
            cause("FieldValueRequired", "spec.selector", "Required value"),
            cause("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"),
        ]
    );
    assert_eq!(
        invalid_message("apps", "Deployment", "web", &causes[..1]),
        "Deployment.apps \"web\" is invalid: spec.selector: Required value"
    );
    assert_eq!(
        invalid_message("apps", "Deployment", "web", &causes),
        "Deployment.apps \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`]"
    );
    let mut mismatch = nginx_deployment();
    mismatch["spec"]["selector"] = json!({"matchLabels": {"app": "web"}});
    assert_eq!(
        create("apps", "Deployment", mismatch),
        vec![cause("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`")]
    );
    let mut empty = nginx_deployment();
    empty["spec"]["selector"] = json!({});
    assert_eq!(
        create("apps", "Deployment", empty),
        vec![cause("FieldValueInvalid", "spec.selector", "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment")]
    );
}

#[test]
fn deployment_spec_errors() {
    let mut d = nginx_deployment();
    d["spec"]["replicas"] = json!(-1);
    d["spec"]["strategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}});
    d["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
    assert_eq!(
        create("apps", "Deployment", d),
        vec![
            cause(
                "FieldValueInvalid",
                "spec.replicas",
                "Invalid value: -1: must be greater than or equal to 0"
            ),
            cause(
                "FieldValueRequired",
                "spec.template.spec.containers[0].image",
                "Required value"
            ),
            cause(
                "FieldValueNotSupported",
                "spec.template.spec.restartPolicy",
                "Unsupported value: \"Never\": supported values: \"Always\""
            ),
            cause(
                "FieldValueInvalid",
                "spec.strategy.rollingUpdate.maxUnavailable",
                "Invalid value: 0%: may not be 0 when `maxSurge` is 0"
            ),
        ]
    );
    let mut s = nginx_deployment();
    s["spec"]["strategy"] = json!({"type": "Blue"});
    let causes = create("apps", "Deployment", s);
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].field, "spec.strategy");
    assert!(causes[0]
        .message
        .ends_with("supported values: \"Recreate\", \"RollingUpdate\""));
    let mut typed = nginx_deployment();
    typed["spec"]["replicas"] = json!("three");
    assert_eq!(
        create("apps", "Deployment", typed),
        vec![cause(
            "FieldValueTypeInvalid",
            "spec.replicas",
            "Invalid value: \"three\": must be an integer"
        )]
    );
}

#[test]
fn deployment_selector_is_immutable() {
    let old = nginx_deployment();
    let mut new = nginx_deployment();
    new["spec"]["selector"] = json!({"matchLabels": {"app": "nginx", "tier": "web"}});
    new["spec"]["template"]["metadata"]["labels"]["tier"] = json!("web");
    assert_eq!(
        update("apps", "Deployment", old.clone(), new),
        vec![cause("FieldValueInvalid", "spec.selector", "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"nginx\", \"tier\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")]
    );
    let mut scaled = old.clone();
    scaled["spec"]["replicas"] = json!(5);
    scaled["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.16.1");
    assert_eq!(update("apps", "Deployment", old, scaled), vec![]);
}

#[test]
fn stateful_set_and_daemon_set_errors() {
    let sts = json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "y"}}, "spec": {"containers": [{"name": "a", "image": "b"}]}}}});
    assert_eq!(
        create("apps", "StatefulSet", sts.clone()),
        vec![cause("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: map[string]string{\"app\":\"y\"}: `selector` does not match template `labels`")]
    );
    let mut fixed = sts.clone();
    fixed["spec"]["template"]["metadata"]["labels"]["app"] = json!("x");
    let mut changed = fixed.clone();
    changed["spec"]["serviceName"] = json!("other");
    assert_eq!(
        update("apps", "StatefulSet", fixed.clone(), changed),
        vec![cause("FieldValueForbidden", "spec", "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")]
    );
    let mut scaled = fixed.clone();
    scaled["spec"]["replicas"] = json!(4);
    assert_eq!(update("apps", "StatefulSet", fixed, scaled), vec![]);
    let ds = json!({"metadata": {"name": "ds"}, "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "a", "image": "b"}]}},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}}});
    assert_eq!(
        create("apps", "DaemonSet", ds),
        vec![
            cause("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: map[string]string{\"a\":\"b\"}: `selector` does not match template `labels`"),
            cause("FieldValueRequired", "spec.updateStrategy.rollingUpdate.maxUnavailable", "Required value: cannot be 0 when maxSurge is 0"),
        ]
    );
}

#[test]
fn job_errors() {
    let job = json!({"metadata": {"name": "pi", "uid": "u-1"}, "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}}});
    assert_eq!(
        create("batch", "Job", job.clone()),
        vec![cause(
            "FieldValueRequired",
            "spec.template.spec.restartPolicy",
            "Required value: valid values: \"OnFailure\", \"Never\""
        )]
    );
    let mut always = job.clone();
    always["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
    assert_eq!(
        create("batch", "Job", always),
        vec![cause(
            "FieldValueRequired",
            "spec.template.spec.restartPolicy",
            "Required value: valid values: \"OnFailure\", \"Never\""
        )]
    );
    let mut ok = job.clone();
    ok["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
    assert_eq!(create("batch", "Job", ok.clone()), vec![]);
    let mut manual = ok.clone();
    manual["spec"]["manualSelector"] = json!(true);
    assert_eq!(
        create("batch", "Job", manual),
        vec![
            cause("FieldValueRequired", "spec.selector", "Required value"),
            cause("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: map[string]string(nil): `selector` does not match template `labels`"),
        ]
    );
    let mut old = ok.clone();
    apply_defaults("batch", "Job", &mut old);
    let mut new = old.clone();
    new["spec"]["template"]["spec"]["containers"][0]["image"] = json!("perl:5");
    new["spec"]["completions"] = json!(3);
    let causes = validate_update("batch", "Job", true, &old, &new);
    assert_eq!(causes.len(), 2);
    assert_eq!(
        causes[0],
        cause(
            "FieldValueInvalid",
            "spec.completions",
            "Invalid value: 3: field is immutable"
        )
    );
    assert_eq!(causes[1].field, "spec.template");
    assert!(causes[1].message.ends_with(": field is immutable"));
    let mut parallel = old.clone();
    parallel["spec"]["parallelism"] = json!(4);
    assert_eq!(
        validate_update("batch", "Job", true, &old, &parallel),
        vec![]
    );
}

#[test]
fn cron_job_errors() {
    let cj = json!({"metadata": {"name": "hello"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {
        "containers": [{"name": "hello", "image": "busybox"}], "restartPolicy": "OnFailure"}}}}}});
    assert_eq!(
        create("batch", "CronJob", cj.clone()),
        vec![cause(
            "FieldValueRequired",
            "spec.schedule",
            "Required value"
        )]
    );
    let mut bad = cj.clone();
    bad["spec"]["schedule"] = json!("*/5 * * *");
    assert_eq!(
        create("batch", "CronJob", bad),
        vec![cause(
            "FieldValueInvalid",
            "spec.schedule",
            "Invalid value: \"*/5 * * *\": expected exactly 5 fields, found 4: [*/5 * * *]"
        )]
    );
    let mut tz = cj.clone();
    tz["spec"]["schedule"] = json!("TZ=UTC 0 * * * *");
    assert_eq!(
        create("batch", "CronJob", tz),
        vec![cause("FieldValueInvalid", "spec.schedule", "Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    );
    let mut long = cj;
    long["metadata"]["name"] = json!("a".repeat(53));
    long["spec"]["schedule"] = json!("@daily");
    assert_eq!(
        create("batch", "CronJob", long),
        vec![cause(
            "FieldValueInvalid",
            "metadata.name",
            &format!(
                "Invalid value: \"{}\": must be no more than 52 characters",
                "a".repeat(53)
            )
        )]
    );
}

// ---- services --------------------------------------------------------------------------------

#[test]
fn service_errors() {
    assert_eq!(
        create(
            "",
            "Service",
            json!({"metadata": {"name": "s"}, "spec": {"selector": {"app": "x"}}})
        ),
        vec![cause("FieldValueRequired", "spec.ports", "Required value")]
    );
    assert_eq!(
        create(
            "",
            "Service",
            json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}, {"port": 80, "name": "b", "protocol": "ICMP"}]}})
        ),
        vec![
            cause("FieldValueRequired", "spec.ports[0].name", "Required value"),
            cause(
                "FieldValueNotSupported",
                "spec.ports[1].protocol",
                "Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
            ),
        ]
    );
    assert_eq!(
        create("", "Service", json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 0}], "type": "Magic"}})),
        vec![
            cause("FieldValueInvalid", "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive"),
            cause("FieldValueInvalid", "spec.ports[0].targetPort", "Invalid value: 0: must be between 1 and 65535, inclusive"),
            cause("FieldValueNotSupported", "spec.type", "Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""),
        ]
    );
    assert_eq!(
        create(
            "",
            "Service",
            json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "nodePort": 30001}]}})
        ),
        vec![cause(
            "FieldValueForbidden",
            "spec.ports[0].nodePort",
            "Forbidden: may not be used when `type` is 'ClusterIP'"
        )]
    );
    assert_eq!(
        create("", "Service", json!({"metadata": {"name": "s"}, "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]}})),
        vec![cause("FieldValueInvalid", "spec.ports[0].nodePort", "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")]
    );
    assert_eq!(
        create("", "Service", json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}, {"port": 80}]}})),
        vec![
            cause("FieldValueRequired", "spec.ports[0].name", "Required value"),
            cause("FieldValueRequired", "spec.ports[1].name", "Required value"),
            cause("FieldValueDuplicate", "spec.ports[1]", "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"),
        ]
    );
    assert_eq!(
        create("", "Service", json!({"metadata": {"name": "s"}, "spec": {"selector": {"app": "x y"}, "ports": [{"port": 80}]}})).len(),
        1
    );
}

#[test]
fn service_cluster_ip_is_immutable() {
    let old = json!({"metadata": {"name": "s"}, "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ports": [{"port": 53}]}});
    let mut changed = old.clone();
    changed["spec"]["clusterIP"] = json!("10.96.0.11");
    changed["spec"]["clusterIPs"] = json!(["10.96.0.11"]);
    assert_eq!(
        update("", "Service", old.clone(), changed),
        vec![cause(
            "FieldValueInvalid",
            "spec.clusterIPs[0]",
            "Invalid value: []string{\"10.96.0.11\"}: may not change once set"
        )]
    );
    // Only the singular field changed (an old client): the same error.
    let mut singular = old.clone();
    singular["spec"]["clusterIP"] = json!("10.96.0.12");
    assert_eq!(
        update("", "Service", old.clone(), singular)[0].field,
        "spec.clusterIPs[0]"
    );
    // Omitting the allocated IP keeps it.
    let omitted = json!({"metadata": {"name": "s"}, "spec": {"ports": [{"port": 53}]}});
    assert_eq!(update("", "Service", old.clone(), omitted), vec![]);
    // Switching to ExternalName releases it.
    let external = json!({"metadata": {"name": "s"}, "spec": {"type": "ExternalName", "externalName": "example.com"}});
    assert_eq!(update("", "Service", old.clone(), external), vec![]);
    // The same switch sent as a merged object (allocated fields still present) is also accepted.
    let mut stored = old.clone();
    apply_defaults("", "Service", &mut stored);
    let mut merged = stored.clone();
    merged["spec"]["type"] = json!("ExternalName");
    merged["spec"]["externalName"] = json!("example.com");
    assert_eq!(
        validate_update("", "Service", true, &stored, &merged),
        vec![]
    );
    // NodePort back to ClusterIP drops the node ports the client did not change.
    let np = json!({"metadata": {"name": "s"}, "spec": {"type": "NodePort", "clusterIP": "10.96.0.10",
        "ports": [{"port": 80, "nodePort": 30080}]}});
    let mut np_stored = np.clone();
    apply_defaults("", "Service", &mut np_stored);
    let mut back = np_stored.clone();
    back["spec"]["type"] = json!("ClusterIP");
    assert_eq!(
        validate_update("", "Service", true, &np_stored, &back),
        vec![]
    );
    back["spec"]["ports"][0]["nodePort"] = json!(30081);
    assert_eq!(
        validate_update("", "Service", true, &np_stored, &back),
        vec![cause(
            "FieldValueForbidden",
            "spec.ports[0].nodePort",
            "Forbidden: may not be used when `type` is 'ClusterIP'"
        )]
    );
}

// ---- config maps and secrets -----------------------------------------------------------------

#[test]
fn config_map_errors() {
    assert_eq!(
        create("", "ConfigMap", json!({"metadata": {"name": "c"}, "data": {"bad key": "v", "dup": "x"}, "binaryData": {"dup": "eA=="}})),
        vec![
            cause("FieldValueInvalid", "data[bad key]", "Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"),
            cause("FieldValueInvalid", "data[dup]", "Invalid value: \"dup\": duplicate of key present in binaryData"),
        ]
    );
    let big = "x".repeat(1024 * 1024 + 1);
    assert_eq!(
        create(
            "",
            "ConfigMap",
            json!({"metadata": {"name": "c"}, "data": {"big": big}})
        ),
        vec![cause(
            "FieldValueTooLong",
            "",
            "Too long: must have at most 1048576 bytes"
        )]
    );
    let old = json!({"metadata": {"name": "c"}, "immutable": true, "data": {"a": "1"}});
    let new = json!({"metadata": {"name": "c"}, "data": {"a": "2"}});
    assert_eq!(
        update("", "ConfigMap", old.clone(), new),
        vec![
            cause(
                "FieldValueForbidden",
                "immutable",
                "Forbidden: field is immutable when `immutable` is set"
            ),
            cause(
                "FieldValueForbidden",
                "data",
                "Forbidden: field is immutable when `immutable` is set"
            ),
        ]
    );
    assert_eq!(update("", "ConfigMap", old.clone(), old), vec![]);
}

#[test]
fn secret_errors() {
    assert_eq!(
        create(
            "",
            "Secret",
            json!({"metadata": {"name": "r"}, "type": "kubernetes.io/dockerconfigjson", "data": {"config": "e30="}})
        ),
        vec![cause(
            "FieldValueRequired",
            "data[.dockerconfigjson]",
            "Required value"
        )]
    );
    assert_eq!(
        create("", "Secret", json!({"metadata": {"name": "r"}, "type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "nope"}})),
        vec![cause("FieldValueInvalid", "data[.dockerconfigjson]", "Invalid value: \"<secret contents redacted>\": invalid character 'o' in literal null (expecting 'u')")]
    );
    assert_eq!(
        create("", "Secret", json!({"metadata": {"name": "r"}, "type": "kubernetes.io/dockercfg", "stringData": {".dockercfg": "[1]"}})),
        vec![cause("FieldValueInvalid", "data[.dockercfg]", "Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go value of type map[string]interface {}")]
    );
    assert_eq!(
        create("", "Secret", json!({"metadata": {"name": "r"}, "type": "kubernetes.io/dockercfg", "stringData": {".dockercfg": "x"}})),
        vec![cause("FieldValueInvalid", "data[.dockercfg]", "Invalid value: \"<secret contents redacted>\": invalid character 'x' looking for beginning of value")]
    );
    assert_eq!(
        create(
            "",
            "Secret",
            json!({"metadata": {"name": "t"}, "type": "kubernetes.io/tls", "data": {"tls.crt": ""}})
        ),
        vec![cause(
            "FieldValueRequired",
            "data[tls.key]",
            "Required value"
        )]
    );
    let old = json!({"metadata": {"name": "s"}, "type": "Opaque", "immutable": true, "data": {"a": "MQ=="}});
    let new = json!({"metadata": {"name": "s"}, "type": "kubernetes.io/tls", "immutable": true, "data": {"a": "Mg==", "tls.crt": "", "tls.key": ""}});
    assert_eq!(
        update("", "Secret", old.clone(), new),
        vec![
            cause(
                "FieldValueInvalid",
                "type",
                "Invalid value: \"kubernetes.io/tls\": field is immutable"
            ),
            cause(
                "FieldValueForbidden",
                "data",
                "Forbidden: field is immutable when `immutable` is set"
            ),
        ]
    );
    let string_data =
        json!({"metadata": {"name": "s"}, "immutable": true, "stringData": {"a": "1"}});
    assert_eq!(update("", "Secret", old, string_data), vec![]);
}

// ---- other kinds -----------------------------------------------------------------------------

#[test]
fn other_kind_errors() {
    assert_eq!(
        create(
            "autoscaling",
            "HorizontalPodAutoscaler",
            json!({"metadata": {"name": "h"}, "spec": {"minReplicas": 5, "maxReplicas": 2, "scaleTargetRef": {"kind": "Deployment"}}})
        ),
        vec![
            cause(
                "FieldValueInvalid",
                "spec.maxReplicas",
                "Invalid value: 2: must be greater than or equal to `minReplicas`"
            ),
            cause(
                "FieldValueRequired",
                "spec.scaleTargetRef.name",
                "Required value"
            ),
        ]
    );
    assert_eq!(
        create(
            "autoscaling",
            "HorizontalPodAutoscaler",
            json!({"metadata": {"name": "h"}, "spec": {"maxReplicas": 0, "scaleTargetRef": {"kind": "Deployment", "name": "d"}}})
        ),
        vec![
            cause(
                "FieldValueInvalid",
                "spec.maxReplicas",
                "Invalid value: 0: must be greater than 0"
            ),
            cause(
                "FieldValueInvalid",
                "spec.maxReplicas",
                "Invalid value: 0: must be greater than or equal to `minReplicas`"
            ),
        ]
    );
    let pdb = create(
        "policy",
        "PodDisruptionBudget",
        json!({"metadata": {"name": "p"}, "spec": {"minAvailable": 1, "maxUnavailable": "10%"}}),
    );
    assert_eq!(pdb.len(), 1);
    assert_eq!(pdb[0].field, "spec");
    assert!(pdb[0]
        .message
        .ends_with(": minAvailable and maxUnavailable cannot be both set"));
    assert_eq!(
        create(
            "networking.k8s.io",
            "Ingress",
            json!({"metadata": {"name": "i"}, "spec": {"rules": [{"http": {"paths": [{"path": "api", "backend": {"service": {"name": "s", "port": {"number": 80}}}}, {"path": "api", "pathType": "Exact", "backend": {"service": {"name": "s"}}}]}}]}})
        ),
        vec![
            cause(
                "FieldValueRequired",
                "spec.rules[0].http.paths[0].pathType",
                "Required value: pathType must be specified"
            ),
            cause(
                "FieldValueInvalid",
                "spec.rules[0].http.paths[1].path",
                "Invalid value: \"api\": must be an absolute path"
            ),
            cause(
                "FieldValueRequired",
                "spec.rules[0].http.paths[1].backend",
                "Required value: port name or number is required"
            ),
        ]
    );
    assert_eq!(
        create("rbac.authorization.k8s.io", "RoleBinding", json!({"metadata": {"name": "b"}, "roleRef": {"kind": "Secret", "name": "r"}, "subjects": [{"kind": "Robot", "name": "x"}]})),
        vec![
            cause("FieldValueNotSupported", "roleRef.kind", "Unsupported value: \"Secret\": supported values: \"Role\", \"ClusterRole\""),
            cause("FieldValueNotSupported", "subjects[0].kind", "Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\""),
        ]
    );
    assert_eq!(
        create(
            "rbac.authorization.k8s.io",
            "Role",
            json!({"metadata": {"name": "r"}, "rules": [{"resources": ["pods"]}]})
        ),
        vec![
            cause(
                "FieldValueRequired",
                "rules[0].verbs",
                "Required value: verbs must contain at least one value"
            ),
            cause(
                "FieldValueRequired",
                "rules[0].apiGroups",
                "Required value: resource rules must supply at least one api group"
            ),
        ]
    );
    assert_eq!(
        create(
            "",
            "Event",
            json!({"metadata": {"name": "e", "namespace": "default"}, "involvedObject": {"kind": "Pod", "name": "p", "namespace": "other"}})
        ),
        vec![cause(
            "FieldValueInvalid",
            "involvedObject.namespace",
            "Invalid value: \"other\": does not match event.namespace"
        )]
    );
    assert_eq!(
        create(
            "",
            "PersistentVolumeClaim",
            json!({"metadata": {"name": "c"}, "spec": {}})
        ),
        vec![
            cause(
                "FieldValueRequired",
                "spec.accessModes",
                "Required value: at least 1 access mode is required"
            ),
            cause(
                "FieldValueRequired",
                "spec.resources[storage]",
                "Required value"
            ),
        ]
    );
    assert_eq!(
        create("scheduling.k8s.io", "PriorityClass", json!({"metadata": {"name": "system-custom"}, "value": 10})),
        vec![cause("FieldValueForbidden", "metadata.name", "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-custom is not a known system priority class")]
    );
    assert_eq!(
        create(
            "storage.k8s.io",
            "StorageClass",
            json!({"metadata": {"name": "s"}})
        ),
        vec![cause("FieldValueRequired", "provisioner", "Required value")]
    );
    assert_eq!(
        create(
            "coordination.k8s.io",
            "Lease",
            json!({"metadata": {"name": "l"}, "spec": {"leaseDurationSeconds": 0}})
        ),
        vec![cause(
            "FieldValueInvalid",
            "spec.leaseDurationSeconds",
            "Invalid value: 0: must be greater than 0"
        )]
    );
    let rb = json!({"metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "a"}});
    let mut rb2 = rb.clone();
    rb2["roleRef"]["name"] = json!("b");
    assert_eq!(
        update("rbac.authorization.k8s.io", "RoleBinding", rb, rb2),
        vec![cause("FieldValueInvalid", "roleRef", "Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"b\"}: cannot change roleRef")]
    );
}

#[test]
fn invalid_message_formats() {
    assert_eq!(
        invalid_message("", "ConfigMap", "c", &[]),
        "ConfigMap \"c\" is invalid"
    );
    let c = cause("FieldValueRequired", "spec.selector", "Required value");
    assert_eq!(
        invalid_message("apps", "Deployment", "web", &[c.clone(), c.clone()]),
        "Deployment.apps \"web\" is invalid: spec.selector: Required value"
    );
}

#[test]
fn wrong_types_are_reported_not_panicked() {
    assert_eq!(
        validate_create("", "ConfigMap", true, &json!({"metadata": {"name": 5}})),
        vec![
            cause(
                "FieldValueTypeInvalid",
                "metadata.name",
                "Invalid value: 5: must be a string"
            ),
            cause(
                "FieldValueRequired",
                "metadata.name",
                "Required value: name or generateName is required"
            ),
        ]
    );
    assert_eq!(
        validate_create(
            "",
            "Pod",
            true,
            &json!({"metadata": {"name": "p"}, "spec": {"containers": "nginx"}})
        ),
        vec![
            cause(
                "FieldValueRequired",
                "spec.terminationGracePeriodSeconds",
                "Required value"
            ),
            cause(
                "FieldValueTypeInvalid",
                "spec.containers",
                "Invalid value: \"nginx\": must be an array"
            ),
            cause("FieldValueRequired", "spec.containers", "Required value"),
            cause("FieldValueRequired", "spec.restartPolicy", "Required value"),
            cause("FieldValueRequired", "spec.dnsPolicy", "Required value"),
        ]
    );
    assert_eq!(
        validate_create("", "Pod", true, &json!([1, 2])),
        vec![cause(
            "FieldValueTypeInvalid",
            "",
            "Invalid value: [1,2]: must be an object"
        )]
    );
}

// ---- never panics ----------------------------------------------------------------------------

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-zA-Z0-9 ._/:@%=-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Always"),
            Just("TCP"),
            Just("None"),
            Just("RollingUpdate"),
            Just("100m"),
            Just("1Gi"),
            Just("25%"),
            Just("In"),
            Just("Exists"),
            Just("ClusterIP"),
            Just("NodePort"),
            Just("10.0.0.1"),
            Just("ExternalName"),
            Just("Indexed"),
            Just("*/5 * * * *"),
            Just("Resource"),
            Just("User")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    let keys = prop_oneof![
        Just("metadata"),
        Just("spec"),
        Just("name"),
        Just("labels"),
        Just("annotations"),
        Just("selector"),
        Just("matchLabels"),
        Just("matchExpressions"),
        Just("template"),
        Just("containers"),
        Just("initContainers"),
        Just("image"),
        Just("ports"),
        Just("port"),
        Just("targetPort"),
        Just("nodePort"),
        Just("protocol"),
        Just("resources"),
        Just("requests"),
        Just("limits"),
        Just("cpu"),
        Just("volumes"),
        Just("volumeMounts"),
        Just("env"),
        Just("valueFrom"),
        Just("fieldRef"),
        Just("type"),
        Just("data"),
        Just("replicas"),
        Just("strategy"),
        Just("rollingUpdate"),
        Just("maxSurge"),
        Just("maxUnavailable"),
        Just("clusterIP"),
        Just("clusterIPs"),
        Just("restartPolicy"),
        Just("livenessProbe"),
        Just("httpGet"),
        Just("jobTemplate"),
        Just("schedule"),
        Just("uid"),
        Just("rules"),
        Just("http"),
        Just("paths"),
        Just("backend"),
        Just("service"),
        Just("roleRef"),
        Just("subjects"),
        Just("metrics"),
        Just("behavior"),
        Just("tolerations"),
        Just("finalizers"),
        Just("ownerReferences"),
        Just("configMap"),
        Just("secret"),
        Just("projected"),
        Just("sources"),
        Just("updateStrategy"),
        Just("stringData"),
        Just("binaryData"),
        Just("immutable"),
        Just("ipFamilies"),
        Just("affinity"),
        Just("nodeAffinity"),
        Just("securityContext"),
        Just("key"),
        Just("operator"),
        Just("values")
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

fn base_manifests() -> Vec<(&'static str, &'static str, Value)> {
    let mut job = json!({"metadata": {"name": "pi", "uid": "u"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
        "containers": [{"name": "pi", "image": "perl", "resources": {"limits": {"cpu": "1"}}}]}}}});
    apply_defaults("batch", "Job", &mut job);
    vec![
        ("apps", "Deployment", nginx_deployment()),
        (
            "",
            "Service",
            json!({"metadata": {"name": "s"}, "spec": {"type": "LoadBalancer", "clusterIP": "10.0.0.1",
            "ports": [{"name": "a", "port": 80, "targetPort": "http", "nodePort": 30001}], "selector": {"a": "b"},
            "sessionAffinity": "ClientIP", "ipFamilies": ["IPv4"], "externalTrafficPolicy": "Local"}}),
        ),
        (
            "",
            "Secret",
            json!({"metadata": {"name": "s", "annotations": {"a": "b"}}, "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": "e30="}, "stringData": {"x": "y"}}),
        ),
        ("batch", "Job", job),
        (
            "batch",
            "CronJob",
            json!({"metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *", "timeZone": "Etc/UTC",
            "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "a", "image": "b",
            "env": [{"name": "X", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['a']"}}}]}],
            "volumes": [{"name": "p", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}]}}}}}}),
        ),
        (
            "apps",
            "StatefulSet",
            json!({"metadata": {"name": "w"}, "spec": {"selector": {"matchExpressions": [{"key": "a", "operator": "In", "values": ["b"]}]},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "50%"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"a": "b"}}, "topologyKey": "kubernetes.io/hostname"}]}},
                "containers": [{"name": "a", "image": "b", "livenessProbe": {"exec": {"command": ["x"]}}}]}}}}),
        ),
    ]
}

fn collect_paths(v: &Value, cur: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(cur.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                cur.push(k.clone());
                collect_paths(child, cur, out);
                cur.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                cur.push(i.to_string());
                collect_paths(child, cur, out);
                cur.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

const KINDS: &[(&str, &str)] = &[
    ("", "Pod"),
    ("", "Service"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "PersistentVolumeClaim"),
    ("", "Event"),
    ("", "Endpoints"),
    ("", "ReplicationController"),
    ("", "PodTemplate"),
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ControllerRevision"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("policy", "PodDisruptionBudget"),
    ("coordination.k8s.io", "Lease"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("events.k8s.io", "Event"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("networking.k8s.io", "Ingress"),
    ("networking.k8s.io", "IngressClass"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("storage.k8s.io", "StorageClass"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("example.com", "Widget"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_json_never_panics(old in arb_json(), new in arb_json(), k in 0..KINDS.len()) {
        let (group, kind) = KINDS[k];
        let mut a = old.clone();
        let mut b = new.clone();
        apply_defaults(group, kind, &mut a);
        apply_defaults(group, kind, &mut b);
        crate::defaults::apply_update_defaults(group, kind, &a, &mut b);
        let _ = validate_create(group, kind, true, &old);
        let _ = validate_create(group, kind, true, &a);
        let _ = validate_update(group, kind, true, &a, &b);
        let _ = validate_update(group, kind, false, &old, &new);
        let causes = validate_create(group, kind, true, &b);
        let _ = invalid_message(group, kind, "x", &causes);
    }

    #[test]
    fn mutated_manifests_never_panic(replacement in arb_json(), pick in any::<usize>(), k in 0..6usize) {
        let (group, kind, base) = base_manifests().swap_remove(k);
        let mut obj = base.clone();
        let mut paths = Vec::new();
        collect_paths(&obj, &mut Vec::new(), &mut paths);
        let path = &paths[pick % paths.len()];
        if let Some(slot) = obj.pointer_mut(&pointer(path)) {
            *slot = replacement;
        }
        let mut defaulted = obj.clone();
        apply_defaults(group, kind, &mut defaulted);
        let _ = validate_create(group, kind, true, &obj);
        let _ = validate_create(group, kind, true, &defaulted);
        let _ = validate_update(group, kind, true, &base, &defaulted);
        let _ = validate_update(group, kind, true, &defaulted, &base);
    }

    #[test]
    fn arbitrary_manifest_shapes_never_panic(spec in arb_json(), k in 0..KINDS.len()) {
        let (group, kind) = KINDS[k];
        let mut obj = json!({"metadata": {"name": "x", "uid": "u"}, "spec": spec.clone(), "data": spec.clone(), "template": spec});
        apply_defaults(group, kind, &mut obj);
        let _ = validate_create(group, kind, true, &obj);
        let _ = validate_update(group, kind, true, &obj, &obj);
    }
}

#[test]
fn core_events_with_event_time_use_reporting_component() {
    let ev = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web.1", "namespace": "default"},
        "involvedObject": {"kind": "ReplicaSet", "name": "web", "namespace": "default"},
        "reason": "SuccessfulCreate", "message": "Created pod: web-x", "type": "Normal",
        "action": "Create", "eventTime": "2026-01-01T00:00:00.000000Z",
        "reportingComponent": "replicaset-controller", "reportingInstance": "replicaset-controller-rudder"
    });
    assert_eq!(validate_create("", "Event", true, &ev), vec![]);
    let mut missing = ev.clone();
    missing
        .as_object_mut()
        .unwrap()
        .remove("reportingComponent");
    let causes = validate_create("", "Event", true, &missing);
    assert!(
        causes
            .iter()
            .any(|c| c.field == "reportingController" && c.reason == "FieldValueRequired"),
        "{causes:?}"
    );
}

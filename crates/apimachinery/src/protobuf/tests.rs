use super::*;
use proptest::prelude::*;
use serde_json::json;

/// Minimal protobuf writer emitting fields in call order, as Go's generated marshalers do.
#[derive(Default, Clone)]
struct Enc(Vec<u8>);

impl Enc {
    fn new() -> Self {
        Enc::default()
    }

    fn raw_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn tag(&mut self, num: u32, wt: u8) {
        self.raw_varint((u64::from(num) << 3) | u64::from(wt));
    }

    fn varint(mut self, num: u32, v: u64) -> Self {
        self.tag(num, 0);
        self.raw_varint(v);
        self
    }

    fn int(self, num: u32, v: i64) -> Self {
        self.varint(num, v as u64)
    }

    fn bytes(mut self, num: u32, b: &[u8]) -> Self {
        self.tag(num, 2);
        self.raw_varint(b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    fn str(self, num: u32, s: &str) -> Self {
        self.bytes(num, s.as_bytes())
    }

    fn msg(self, num: u32, m: Enc) -> Self {
        self.bytes(num, &m.0)
    }

    fn fixed32(mut self, num: u32, v: u32) -> Self {
        self.tag(num, 5);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    fn fixed64(mut self, num: u32, v: u64) -> Self {
        self.tag(num, 1);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A `map<string, string>` entry.
    fn entry(self, num: u32, k: &str, v: &str) -> Self {
        self.msg(num, Enc::new().str(1, k).str(2, v))
    }

    /// A `map<string, Quantity>` entry.
    fn qty_entry(self, num: u32, k: &str, v: &str) -> Self {
        self.msg(num, Enc::new().str(1, k).msg(2, Enc::new().str(1, v)))
    }
}

/// Wraps an object encoding in the `k8s\0` + `runtime.Unknown` envelope the way client-go does.
fn envelope(api_version: &str, kind: &str, raw: Enc) -> Vec<u8> {
    let unknown = Enc::new()
        .msg(1, Enc::new().str(1, api_version).str(2, kind))
        .msg(2, raw)
        .str(3, "")
        .str(4, CONTENT_TYPE);
    let mut body = MAGIC.to_vec();
    body.extend_from_slice(&unknown.0);
    body
}

/// ObjectMeta as Go marshals it for a new object: every non-pointer field is written.
fn new_meta(name: &str, namespace: &str) -> Enc {
    Enc::new()
        .str(1, name)
        .str(2, "")
        .str(3, namespace)
        .str(4, "")
        .str(5, "")
        .str(6, "")
        .varint(7, 0)
        .msg(8, Enc::new())
}

#[test]
fn kubectl_create_configmap() {
    // kubectl create configmap cfg --from-literal=a=b
    let raw = Enc::new().msg(1, new_meta("cfg", "")).entry(2, "a", "b");
    let body = envelope("v1", "ConfigMap", raw);
    assert_eq!(&body[..4], b"k8s\0");
    assert_eq!(
        decode(&body).unwrap(),
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "cfg"}, "data": {"a": "b"}})
    );
}

#[test]
fn configmap_hand_written_bytes() {
    let mut body = b"k8s\0".to_vec();
    #[rustfmt::skip]
    body.extend_from_slice(&[
        0x0a, 0x0f, 0x0a, 0x02, b'v', b'1', 0x12, 0x09, b'C', b'o', b'n', b'f', b'i', b'g', b'M', b'a', b'p',
        0x12, 0x0f,
            0x0a, 0x05, 0x0a, 0x03, b'c', b'f', b'g',
            0x12, 0x06, 0x0a, 0x01, b'a', 0x12, 0x01, b'b',
        0x1a, 0x00,
        0x22, 0x00,
    ]);
    assert_eq!(
        decode(&body).unwrap(),
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "cfg"}, "data": {"a": "b"}})
    );
}

#[test]
fn configmap_binary_data_and_immutable() {
    let raw = Enc::new()
        .msg(1, Enc::new().str(1, "c").str(3, "ns"))
        .msg(
            3,
            Enc::new().str(1, "bin").bytes(2, &[0xde, 0xad, 0xbe, 0xef]),
        )
        .varint(4, 0);
    let v = decode(&envelope("v1", "ConfigMap", raw)).unwrap();
    assert_eq!(
        v,
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "namespace": "ns"},
               "binaryData": {"bin": "3q2+7w=="}, "immutable": false})
    );
}

#[test]
fn secret_with_binary_data() {
    let raw = Enc::new()
        .msg(
            1,
            new_meta("s", "default")
                .entry(11, "app", "x")
                .entry(12, "note", ""),
        )
        .msg(2, Enc::new().str(1, "bin").bytes(2, &[0, 1, 2, 0xff]))
        .msg(2, Enc::new().str(1, "empty").bytes(2, b""))
        .msg(2, Enc::new().str(1, "nokey-value"))
        .str(3, "Opaque")
        .entry(4, "plain", "text")
        .varint(5, 1);
    let v = decode(&envelope("v1", "Secret", raw)).unwrap();
    assert_eq!(
        v,
        json!({
            "kind": "Secret", "apiVersion": "v1",
            "metadata": {"name": "s", "namespace": "default", "labels": {"app": "x"}, "annotations": {"note": ""}},
            "immutable": true,
            "data": {"bin": "AAEC/w==", "empty": "", "nokey-value": ""},
            "stringData": {"plain": "text"},
            "type": "Opaque"
        })
    );
}

#[test]
fn namespace_with_finalizers_and_status() {
    let raw = Enc::new()
        .msg(1, new_meta("team-a", ""))
        .msg(2, Enc::new().str(1, "kubernetes"))
        .msg(3, Enc::new().str(1, "Active"));
    let v = decode(&envelope("v1", "Namespace", raw)).unwrap();
    assert_eq!(
        v,
        json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "team-a"},
               "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
    );
}

fn int_or_string_int(v: i64) -> Enc {
    Enc::new().varint(1, 0).int(2, v).str(3, "")
}

fn int_or_string_str(s: &str) -> Enc {
    Enc::new().varint(1, 1).varint(2, 0).str(3, s)
}

#[test]
fn deployment_with_resources_and_rolling_update() {
    let container = Enc::new()
        .str(1, "web")
        .str(2, "nginx:1.27")
        .str(3, "nginx")
        .str(4, "-g")
        .str(5, "")
        .msg(
            6,
            Enc::new().str(1, "").varint(2, 0).int(3, 80).str(4, "TCP"),
        )
        .msg(
            7,
            Enc::new().str(1, "MODE").str(2, "").msg(
                3,
                Enc::new().msg(1, Enc::new().str(1, "v1").str(2, "metadata.name")),
            ),
        )
        .msg(
            8,
            Enc::new()
                .qty_entry(1, "cpu", "500m")
                .qty_entry(1, "memory", "128Mi")
                .qty_entry(2, "cpu", "100m"),
        )
        .msg(
            9,
            Enc::new()
                .str(1, "data")
                .varint(2, 1)
                .str(3, "/data")
                .str(4, ""),
        )
        .msg(
            10,
            Enc::new()
                .msg(
                    1,
                    Enc::new().msg(
                        2,
                        Enc::new()
                            .str(1, "/healthz")
                            .msg(2, int_or_string_str("http")),
                    ),
                )
                .int(2, 5)
                .int(3, 1),
        )
        .str(13, "/dev/termination-log")
        .str(14, "IfNotPresent")
        .varint(16, 0)
        .varint(17, 0)
        .varint(18, 0)
        .str(20, "File");
    let pod_spec = Enc::new()
        .msg(
            1,
            Enc::new().str(1, "data").msg(
                2,
                Enc::new().msg(2, Enc::new().str(1, "").msg(2, Enc::new().str(1, "64Mi"))),
            ),
        )
        .msg(2, container)
        .str(3, "Always")
        .int(4, 30)
        .str(6, "ClusterFirst")
        .entry(7, "disk", "ssd")
        .str(8, "")
        .str(9, "")
        .varint(11, 0)
        .msg(14, Enc::new())
        .str(19, "default-scheduler");
    let template = Enc::new()
        .msg(
            1,
            Enc::new()
                .str(1, "")
                .msg(8, Enc::new())
                .entry(11, "app", "web"),
        )
        .msg(2, pod_spec);
    let selector = Enc::new().entry(1, "app", "web").msg(
        2,
        Enc::new()
            .str(1, "tier")
            .str(2, "In")
            .str(3, "a")
            .str(3, "b"),
    );
    let strategy = Enc::new().str(1, "RollingUpdate").msg(
        2,
        Enc::new()
            .msg(1, int_or_string_int(0))
            .msg(2, int_or_string_str("25%")),
    );
    let spec = Enc::new()
        .varint(1, 0)
        .msg(2, selector)
        .msg(3, template)
        .msg(4, strategy)
        .varint(5, 0)
        .int(6, 10)
        .varint(7, 0)
        .int(9, 600);
    let raw = Enc::new()
        .msg(1, new_meta("web", "default"))
        .msg(2, spec)
        .msg(3, Enc::new());
    let v = decode(&envelope("apps/v1", "Deployment", raw)).unwrap();
    assert_eq!(
        v,
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": 0,
                "selector": {
                    "matchLabels": {"app": "web"},
                    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]
                },
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "volumes": [{"name": "data", "emptyDir": {"sizeLimit": "64Mi"}}],
                        "containers": [{
                            "name": "web",
                            "image": "nginx:1.27",
                            "command": ["nginx"],
                            "args": ["-g"],
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "env": [{"name": "MODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
                            "resources": {
                                "limits": {"cpu": "500m", "memory": "128Mi"},
                                "requests": {"cpu": "100m"}
                            },
                            "volumeMounts": [{"name": "data", "readOnly": true, "mountPath": "/data"}],
                            "livenessProbe": {
                                "httpGet": {"path": "/healthz", "port": "http"},
                                "initialDelaySeconds": 5,
                                "timeoutSeconds": 1
                            },
                            "terminationMessagePath": "/dev/termination-log",
                            "terminationMessagePolicy": "File",
                            "imagePullPolicy": "IfNotPresent"
                        }],
                        "restartPolicy": "Always",
                        "terminationGracePeriodSeconds": 30,
                        "dnsPolicy": "ClusterFirst",
                        "nodeSelector": {"disk": "ssd"},
                        "securityContext": {},
                        "schedulerName": "default-scheduler"
                    }
                },
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}
                },
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600
            },
            "status": {}
        })
    );
    // JSON member order follows the Go structs.
    let keys: Vec<&String> = v["spec"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "replicas",
            "selector",
            "template",
            "strategy",
            "revisionHistoryLimit",
            "progressDeadlineSeconds"
        ]
    );
    assert_eq!(v.as_object().unwrap().keys().next().unwrap(), "kind");
}

#[test]
fn self_subject_access_review() {
    let attrs = Enc::new()
        .str(1, "default")
        .str(2, "get")
        .str(3, "")
        .str(4, "")
        .str(5, "pods")
        .str(6, "log")
        .str(7, "");
    let raw = Enc::new()
        .msg(1, new_meta("", ""))
        .msg(2, Enc::new().msg(1, attrs))
        .msg(
            3,
            Enc::new().varint(1, 0).str(2, "").str(3, "").varint(4, 0),
        );
    let v = decode(&envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        raw,
    ))
    .unwrap();
    assert_eq!(
        v,
        json!({
            "kind": "SelfSubjectAccessReview",
            "apiVersion": "authorization.k8s.io/v1",
            "metadata": {},
            "spec": {"resourceAttributes": {"namespace": "default", "verb": "get", "resource": "pods", "subresource": "log"}},
            "status": {"allowed": false}
        })
    );

    let raw = Enc::new().msg(1, new_meta("", "")).msg(
        2,
        Enc::new().msg(2, Enc::new().str(1, "/healthz").str(2, "get")),
    );
    let v = decode(&envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        raw,
    ))
    .unwrap();
    assert_eq!(
        v["spec"],
        json!({"nonResourceAttributes": {"path": "/healthz", "verb": "get"}})
    );
}

#[test]
fn self_subject_rules_review_and_self_subject_review() {
    let raw = Enc::new()
        .msg(1, new_meta("", ""))
        .msg(2, Enc::new().str(1, "kube-system"));
    let v = decode(&envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        raw,
    ))
    .unwrap();
    assert_eq!(
        v,
        json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
               "metadata": {}, "spec": {"namespace": "kube-system"}})
    );

    let raw = Enc::new()
        .msg(1, new_meta("", ""))
        .msg(2, Enc::new().msg(1, Enc::new()));
    let v = decode(&envelope(
        "authentication.k8s.io/v1",
        "SelfSubjectReview",
        raw,
    ))
    .unwrap();
    assert_eq!(
        v,
        json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
               "metadata": {}, "status": {"userInfo": {}}})
    );
}

#[test]
fn token_request() {
    let bound = Enc::new()
        .str(1, "Pod")
        .str(2, "v1")
        .str(3, "p")
        .str(4, "1234");
    let raw = Enc::new()
        .msg(1, new_meta("builder", "ci"))
        .msg(
            2,
            Enc::new()
                .str(1, "https://kubernetes.default.svc")
                .str(1, "vault")
                .int(4, 3600)
                .msg(3, bound),
        )
        .msg(3, Enc::new().str(1, "").msg(2, Enc::new()));
    let v = decode(&envelope("authentication.k8s.io/v1", "TokenRequest", raw)).unwrap();
    assert_eq!(
        v,
        json!({
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": "builder", "namespace": "ci"},
            "spec": {
                "audiences": ["https://kubernetes.default.svc", "vault"],
                "expirationSeconds": 3600,
                "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p", "uid": "1234"}
            },
            "status": {"token": "", "expirationTimestamp": null}
        })
    );
}

#[test]
fn subject_access_review_extra_values() {
    let raw = Enc::new().msg(1, new_meta("", "")).msg(
        2,
        Enc::new()
            .str(3, "alice")
            .str(4, "devs")
            .msg(
                5,
                Enc::new()
                    .str(1, "scopes")
                    .msg(2, Enc::new().str(1, "a").str(1, "b")),
            )
            .msg(5, Enc::new().str(1, "none")),
    );
    let v = decode(&envelope(
        "authorization.k8s.io/v1",
        "SubjectAccessReview",
        raw,
    ))
    .unwrap();
    assert_eq!(
        v["spec"],
        json!({"user": "alice", "groups": ["devs"], "extra": {"scopes": ["a", "b"], "none": []}})
    );
}

#[test]
fn timestamps_and_owner_references() {
    let meta = Enc::new()
        .str(1, "p")
        .msg(8, Enc::new().int(1, 1_767_323_045).int(2, 123_456_789))
        .msg(9, Enc::new().int(1, 0))
        .int(10, 0)
        .msg(
            13,
            Enc::new()
                .str(1, "ReplicaSet")
                .str(3, "rs")
                .str(4, "u1")
                .str(5, "apps/v1")
                .varint(6, 1),
        )
        .str(14, "example.com/f")
        .msg(
            17,
            Enc::new()
                .str(1, "kubectl")
                .str(2, "Update")
                .str(3, "v1")
                .str(6, "FieldsV1")
                .msg(7, Enc::new().str(1, r#"{"f:data":{}}"#)),
        );
    let raw = Enc::new().msg(1, meta);
    let v = decode(&envelope("v1", "ConfigMap", raw)).unwrap();
    assert_eq!(
        v["metadata"],
        json!({
            "name": "p",
            "creationTimestamp": "2026-01-02T03:04:05Z",
            "deletionTimestamp": "1970-01-01T00:00:00Z",
            "deletionGracePeriodSeconds": 0,
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "u1", "controller": true}],
            "finalizers": ["example.com/f"],
            "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                               "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}}]
        })
    );
}

#[test]
fn micro_time() {
    let raw = Enc::new().msg(1, new_meta("l", "ns")).msg(
        2,
        Enc::new()
            .str(1, "me")
            .msg(3, Enc::new().int(1, 1_767_323_045).int(2, 123_456_789)),
    );
    let v = decode(&envelope("coordination.k8s.io/v1", "Lease", raw)).unwrap();
    assert_eq!(
        v["spec"],
        json!({"holderIdentity": "me", "acquireTime": "2026-01-02T03:04:05.123456Z"})
    );
}

#[test]
fn negative_and_packed_integers() {
    // A negative int32 is a sign-extended 10-byte varint; repeated int32 may arrive packed.
    let mut packed = Enc::new();
    for v in [1u64, 2, 300] {
        packed.raw_varint(v);
    }
    let rule = Enc::new().str(2, "In").bytes(3, &packed.0).int(3, -1);
    let failure_policy = Enc::new().msg(1, Enc::new().str(1, "FailJob").msg(2, rule));
    let raw = Enc::new()
        .msg(1, new_meta("j", ""))
        .msg(2, Enc::new().int(1, -3).msg(11, failure_policy));
    let v = decode(&envelope("batch/v1", "Job", raw)).unwrap();
    assert_eq!(
        v["spec"],
        json!({
            "parallelism": -3,
            "podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1, 2, 300, -1]}}]}
        })
    );
}

#[test]
fn unknown_fields_are_skipped_and_messages_merge() {
    let mut group = Enc::new();
    group.tag(90, 3);
    let mut group = group.varint(1, 7).str(2, "x");
    group.tag(90, 4);
    let raw = Enc::new()
        .msg(
            1,
            Enc::new()
                .str(1, "a")
                .fixed32(99, 5)
                .fixed64(98, 6)
                .varint(97, 1),
        )
        .entry(2, "k", "v")
        .str(77, "ignored");
    let mut raw = raw.msg(1, Enc::new().str(3, "ns"));
    raw.0.extend_from_slice(&group.0);
    let v = decode(&envelope("v1", "ConfigMap", raw)).unwrap();
    assert_eq!(
        v,
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a", "namespace": "ns"}, "data": {"k": "v"}})
    );
}

#[test]
fn envelope_errors() {
    assert_eq!(decode(b""), Err(ProtoError::BadMagic));
    assert_eq!(
        decode(b"{\"kind\":\"ConfigMap\"}"),
        Err(ProtoError::BadMagic)
    );
    assert!(matches!(
        decode(&envelope("example.com/v1", "Widget", Enc::new())),
        Err(ProtoError::UnsupportedKind(k)) if k == "example.com/v1, Kind=Widget"
    ));
    assert!(matches!(decode(MAGIC), Err(ProtoError::UnsupportedKind(_))));

    let unknown = Enc::new()
        .msg(1, Enc::new().str(1, "v1").str(2, "ConfigMap"))
        .msg(2, Enc::new())
        .str(3, "gzip");
    let mut body = MAGIC.to_vec();
    body.extend_from_slice(&unknown.0);
    assert!(matches!(
        decode(&body),
        Err(ProtoError::UnsupportedEncoding(_))
    ));

    let mut body = envelope("v1", "ConfigMap", Enc::new().msg(1, new_meta("x", "")));
    body.pop();
    body.truncate(body.len() - 3);
    assert!(decode(&body).is_err());
}

#[test]
fn malformed_bodies_are_errors() {
    // Truncated length-delimited field inside the object.
    let mut raw = Enc::new();
    raw.tag(1, 2);
    raw.raw_varint(50);
    raw.0.extend_from_slice(b"short");
    assert_eq!(
        decode(&envelope("v1", "ConfigMap", raw)),
        Err(ProtoError::Truncated)
    );

    // Wrong wire type for a known field.
    let raw = Enc::new().varint(1, 5);
    assert!(matches!(
        decode(&envelope("v1", "ConfigMap", raw)),
        Err(ProtoError::Malformed(_))
    ));

    // Invalid IntOrString type.
    let strategy = Enc::new().msg(2, Enc::new().msg(1, Enc::new().varint(1, 7)));
    let raw = Enc::new().msg(2, Enc::new().msg(4, strategy));
    assert!(matches!(
        decode(&envelope("apps/v1", "Deployment", raw)),
        Err(ProtoError::Malformed(_))
    ));

    // Invalid embedded JSON.
    let meta = Enc::new().msg(17, Enc::new().msg(7, Enc::new().str(1, "{not json")));
    let raw = Enc::new().msg(1, meta);
    assert!(matches!(
        decode(&envelope("v1", "ConfigMap", raw)),
        Err(ProtoError::Malformed(_))
    ));

    // Varint overflow, field number zero.
    let mut body = MAGIC.to_vec();
    body.extend_from_slice(&[
        0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ]);
    assert!(matches!(decode(&body), Err(ProtoError::Malformed(_))));
    let mut body = MAGIC.to_vec();
    body.extend_from_slice(&[0x00, 0x01]);
    assert!(matches!(decode(&body), Err(ProtoError::Malformed(_))));
}

#[test]
fn deep_nesting_is_rejected() {
    // Unknown-field groups nested beyond the limit.
    let mut body = MAGIC.to_vec();
    let mut e = Enc::new();
    for _ in 0..200 {
        e.tag(9, 3);
    }
    body.extend_from_slice(&e.0);
    assert!(decode(&body).is_err());
}

#[test]
fn schema_tables_are_consistent() {
    fn check(m: &'static Message, seen: &mut Vec<*const Message>) {
        if seen.contains(&(m as *const Message)) {
            return;
        }
        seen.push(m);
        for (i, f) in m.1.iter().enumerate() {
            assert!(f.num > 0);
            assert!(
                m.1[..i].iter().all(|g| g.num != f.num),
                "duplicate field {}",
                f.num
            );
            assert!(
                m.1[..i]
                    .iter()
                    .all(|g| f.json.is_empty() || g.json != f.json),
                "duplicate {}",
                f.json
            );
            assert_eq!(f.json.is_empty(), f.card == Card::Inline);
            let mut ty = f.ty;
            if let Ty::Map(v) = ty {
                ty = *v;
            }
            if let Ty::Msg(inner) = ty {
                check(inner, seen);
            }
        }
    }
    let mut seen = Vec::new();
    for (i, (v, k, m)) in KINDS.iter().enumerate() {
        assert!(KINDS[..i].iter().all(|(v2, k2, _)| (v2, k2) != (v, k)));
        assert!(is_supported(v, k));
        check(m, &mut seen);
    }
    for (v, k) in [
        ("v1", "ConfigMap"),
        ("v1", "Secret"),
        ("v1", "Namespace"),
        ("apps/v1", "Deployment"),
        ("authentication.k8s.io/v1", "TokenRequest"),
        ("authentication.k8s.io/v1", "SelfSubjectReview"),
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
        ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
    ] {
        assert!(is_supported(v, k), "{v} {k}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(&body);
    }

    #[test]
    fn never_panics_after_magic(rest in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(&rest);
        let _ = decode(&body);
    }

    #[test]
    fn never_panics_on_arbitrary_objects(
        idx in 0..KINDS.len(),
        raw in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let (v, k, _) = KINDS[idx];
        let mut body = MAGIC.to_vec();
        body.extend_from_slice(&Enc::new().msg(1, Enc::new().str(1, v).str(2, k)).bytes(2, &raw).0);
        let _ = decode(&body);
    }

    #[test]
    fn never_panics_on_corrupted_deployment(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let container = Enc::new().str(1, "c").str(2, "img")
            .msg(8, Enc::new().qty_entry(1, "cpu", "1"));
        let spec = Enc::new().varint(1, 2)
            .msg(3, Enc::new().msg(2, Enc::new().msg(2, container)))
            .msg(4, Enc::new().msg(2, Enc::new().msg(1, int_or_string_str("1"))));
        let mut body = envelope("apps/v1", "Deployment", Enc::new().msg(1, new_meta("d", "ns")).msg(2, spec));
        for (i, b) in flips {
            let at = 4 + i.index(body.len() - 4);
            body[at] ^= b;
        }
        let _ = decode(&body);
    }
}

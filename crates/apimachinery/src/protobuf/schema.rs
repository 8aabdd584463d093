//! Wire schemas of the Kubernetes objects [`super::decode`] understands.
//!
//! Every table lists, in Go struct order, the fields of one protobuf message as declared in
//! the upstream `generated.proto` files (k8s.io/api and k8s.io/apimachinery, v0.36): the field
//! number, the JSON name, the value type and how absence/zero values map to JSON (mirroring
//! the Go struct's pointer-ness and `omitempty`/`omitzero` tags).

/// How a message field is laid out on the wire and in JSON.
#[derive(Clone, Copy, Debug)]
pub(super) struct Field {
    /// Protobuf field number.
    pub num: u32,
    /// JSON member name (empty for inlined embedded structs).
    pub json: &'static str,
    /// Value type.
    pub ty: Ty,
    /// Cardinality / JSON presence rule.
    pub card: Card,
}

/// A message: its fields in JSON output order.
#[derive(Debug)]
pub(super) struct Message(pub &'static [Field]);

/// Value types.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ty {
    /// `string` → JSON string.
    Str,
    /// `bytes` → base64 JSON string.
    Bytes,
    /// `bool`.
    Bool,
    /// `int32` (varint, truncated to 32 bits).
    I32,
    /// `int64`.
    I64,
    /// A nested message → JSON object.
    Msg(&'static Message),
    /// `map<string, V>` → JSON object.
    Map(&'static Ty),
    /// `metav1.Time` (`{1: seconds, 2: nanos}`) → RFC 3339 with second precision.
    Time,
    /// `metav1.MicroTime` → RFC 3339 with microsecond precision.
    MicroTime,
    /// `resource.Quantity` (`{1: string}`) → JSON string.
    Quantity,
    /// `intstr.IntOrString` (`{1: type, 2: intVal, 3: strVal}`) → JSON number or string.
    IntOrString,
    /// `runtime.RawExtension` / `metav1.FieldsV1` (`{1: bytes}` holding JSON) → embedded JSON.
    RawJson,
    /// A named `[]string` type (`{1: repeated string}`) → JSON array of strings.
    StrList,
}

/// Cardinality and JSON presence of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Card {
    /// Singular; emitted whenever present on the wire (pointer fields, non-`omitempty`
    /// fields, structs). Maps are always `One`.
    One,
    /// Singular value field with `omitempty`/`omitzero`: omitted when zero.
    OmitZero,
    /// Repeated field → JSON array.
    Many,
    /// Embedded struct whose JSON members are inlined into the parent object.
    Inline,
}

const fn f(num: u32, json: &'static str, ty: Ty, card: Card) -> Field {
    Field {
        num,
        json,
        ty,
        card,
    }
}

use Card::{Inline, Many, OmitZero, One};
use Ty::{
    Bool, Bytes, IntOrString, Map, MicroTime, Msg, Quantity, RawJson, StrList, Str, Time, I32, I64,
};

/// `(apiVersion, kind, message)` of every top-level object that can be decoded.
pub(super) static KINDS: &[(&str, &str, &Message)] = &[
    ("v1", "ConfigMap", &CORE_V1_CONFIG_MAP),
    ("v1", "Secret", &CORE_V1_SECRET),
    ("v1", "Namespace", &CORE_V1_NAMESPACE),
    ("v1", "Pod", &CORE_V1_POD),
    ("v1", "PodTemplate", &CORE_V1_POD_TEMPLATE),
    ("v1", "Service", &CORE_V1_SERVICE),
    ("v1", "ServiceAccount", &CORE_V1_SERVICE_ACCOUNT),
    ("v1", "ResourceQuota", &CORE_V1_RESOURCE_QUOTA),
    ("v1", "LimitRange", &CORE_V1_LIMIT_RANGE),
    ("v1", "Endpoints", &CORE_V1_ENDPOINTS),
    ("v1", "Event", &CORE_V1_EVENT),
    ("v1", "PersistentVolumeClaim", &CORE_V1_PERSISTENT_VOLUME_CLAIM),
    ("v1", "PersistentVolume", &CORE_V1_PERSISTENT_VOLUME),
    ("v1", "ReplicationController", &CORE_V1_REPLICATION_CONTROLLER),
    ("v1", "Node", &CORE_V1_NODE),
    ("v1", "Binding", &CORE_V1_BINDING),
    ("v1", "DeleteOptions", &META_V1_DELETE_OPTIONS),
    ("meta.k8s.io/v1", "DeleteOptions", &META_V1_DELETE_OPTIONS),
    ("apps/v1", "Deployment", &APPS_V1_DEPLOYMENT),
    ("apps/v1", "StatefulSet", &APPS_V1_STATEFUL_SET),
    ("apps/v1", "DaemonSet", &APPS_V1_DAEMON_SET),
    ("apps/v1", "ReplicaSet", &APPS_V1_REPLICA_SET),
    ("apps/v1", "ControllerRevision", &APPS_V1_CONTROLLER_REVISION),
    ("autoscaling/v1", "Scale", &AUTOSCALING_V1_SCALE),
    ("autoscaling/v1", "HorizontalPodAutoscaler", &AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER),
    ("autoscaling/v2", "HorizontalPodAutoscaler", &AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER),
    ("batch/v1", "Job", &BATCH_V1_JOB),
    ("batch/v1", "CronJob", &BATCH_V1_CRON_JOB),
    ("policy/v1", "PodDisruptionBudget", &POLICY_V1_POD_DISRUPTION_BUDGET),
    ("policy/v1", "Eviction", &POLICY_V1_EVICTION),
    ("rbac.authorization.k8s.io/v1", "Role", &RBAC_V1_ROLE),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", &RBAC_V1_CLUSTER_ROLE),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", &RBAC_V1_ROLE_BINDING),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &RBAC_V1_CLUSTER_ROLE_BINDING),
    ("networking.k8s.io/v1", "Ingress", &NETWORKING_V1_INGRESS),
    ("networking.k8s.io/v1", "IngressClass", &NETWORKING_V1_INGRESS_CLASS),
    ("networking.k8s.io/v1", "NetworkPolicy", &NETWORKING_V1_NETWORK_POLICY),
    ("scheduling.k8s.io/v1", "PriorityClass", &SCHEDULING_V1_PRIORITY_CLASS),
    ("coordination.k8s.io/v1", "Lease", &COORDINATION_V1_LEASE),
    ("discovery.k8s.io/v1", "EndpointSlice", &DISCOVERY_V1_ENDPOINT_SLICE),
    ("events.k8s.io/v1", "Event", &EVENTS_V1_EVENT),
    ("storage.k8s.io/v1", "StorageClass", &STORAGE_V1_STORAGE_CLASS),
    ("certificates.k8s.io/v1", "CertificateSigningRequest", &CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST),
    ("authentication.k8s.io/v1", "TokenRequest", &AUTHENTICATION_V1_TOKEN_REQUEST),
    ("authentication.k8s.io/v1", "TokenReview", &AUTHENTICATION_V1_TOKEN_REVIEW),
    ("authentication.k8s.io/v1", "SelfSubjectReview", &AUTHENTICATION_V1_SELF_SUBJECT_REVIEW),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview", &AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview", &AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW),
    ("authorization.k8s.io/v1", "SubjectAccessReview", &AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW),
    ("authorization.k8s.io/v1", "LocalSubjectAccessReview", &AUTHORIZATION_V1_LOCAL_SUBJECT_ACCESS_REVIEW),
];

pub(super) static APPS_V1_CONTROLLER_REVISION: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "data", RawJson, One),
    f(3, "revision", I64, One),
]);

pub(super) static APPS_V1_DAEMON_SET: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_DAEMON_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_DAEMON_SET_STATUS), One),
]);

pub(super) static APPS_V1_DAEMON_SET_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static APPS_V1_DAEMON_SET_SPEC: Message = Message(&[
    f(1, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(3, "updateStrategy", Msg(&APPS_V1_DAEMON_SET_UPDATE_STRATEGY), One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(6, "revisionHistoryLimit", I32, One),
]);

pub(super) static APPS_V1_DAEMON_SET_STATUS: Message = Message(&[
    f(1, "currentNumberScheduled", I32, One),
    f(2, "numberMisscheduled", I32, One),
    f(3, "desiredNumberScheduled", I32, One),
    f(4, "numberReady", I32, One),
    f(5, "observedGeneration", I64, OmitZero),
    f(6, "updatedNumberScheduled", I32, OmitZero),
    f(7, "numberAvailable", I32, OmitZero),
    f(8, "numberUnavailable", I32, OmitZero),
    f(9, "collisionCount", I32, One),
    f(10, "conditions", Msg(&APPS_V1_DAEMON_SET_CONDITION), Many),
]);

pub(super) static APPS_V1_DAEMON_SET_UPDATE_STRATEGY: Message = Message(&[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_DAEMON_SET), One),
]);

pub(super) static APPS_V1_DEPLOYMENT: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_DEPLOYMENT_SPEC), One),
    f(3, "status", Msg(&APPS_V1_DEPLOYMENT_STATUS), One),
]);

pub(super) static APPS_V1_DEPLOYMENT_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(6, "lastUpdateTime", Time, One),
    f(7, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static APPS_V1_DEPLOYMENT_SPEC: Message = Message(&[
    f(1, "replicas", I32, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(4, "strategy", Msg(&APPS_V1_DEPLOYMENT_STRATEGY), One),
    f(5, "minReadySeconds", I32, OmitZero),
    f(6, "revisionHistoryLimit", I32, One),
    f(7, "paused", Bool, OmitZero),
    f(9, "progressDeadlineSeconds", I32, One),
]);

pub(super) static APPS_V1_DEPLOYMENT_STATUS: Message = Message(&[
    f(1, "observedGeneration", I64, OmitZero),
    f(2, "replicas", I32, OmitZero),
    f(3, "updatedReplicas", I32, OmitZero),
    f(7, "readyReplicas", I32, OmitZero),
    f(4, "availableReplicas", I32, OmitZero),
    f(5, "unavailableReplicas", I32, OmitZero),
    f(9, "terminatingReplicas", I32, One),
    f(6, "conditions", Msg(&APPS_V1_DEPLOYMENT_CONDITION), Many),
    f(8, "collisionCount", I32, One),
]);

pub(super) static APPS_V1_DEPLOYMENT_STRATEGY: Message = Message(&[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_DEPLOYMENT), One),
]);

pub(super) static APPS_V1_REPLICA_SET: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_REPLICA_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_REPLICA_SET_STATUS), One),
]);

pub(super) static APPS_V1_REPLICA_SET_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static APPS_V1_REPLICA_SET_SPEC: Message = Message(&[
    f(1, "replicas", I32, One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(super) static APPS_V1_REPLICA_SET_STATUS: Message = Message(&[
    f(1, "replicas", I32, One),
    f(2, "fullyLabeledReplicas", I32, OmitZero),
    f(4, "readyReplicas", I32, OmitZero),
    f(5, "availableReplicas", I32, OmitZero),
    f(7, "terminatingReplicas", I32, One),
    f(3, "observedGeneration", I64, OmitZero),
    f(6, "conditions", Msg(&APPS_V1_REPLICA_SET_CONDITION), Many),
]);

pub(super) static APPS_V1_ROLLING_UPDATE_DAEMON_SET: Message = Message(&[
    f(1, "maxUnavailable", IntOrString, One),
    f(2, "maxSurge", IntOrString, One),
]);

pub(super) static APPS_V1_ROLLING_UPDATE_DEPLOYMENT: Message = Message(&[
    f(1, "maxUnavailable", IntOrString, One),
    f(2, "maxSurge", IntOrString, One),
]);

pub(super) static APPS_V1_ROLLING_UPDATE_STATEFUL_SET_STRATEGY: Message = Message(&[
    f(1, "partition", I32, One),
    f(2, "maxUnavailable", IntOrString, One),
]);

pub(super) static APPS_V1_STATEFUL_SET: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_STATEFUL_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_STATEFUL_SET_STATUS), One),
]);

pub(super) static APPS_V1_STATEFUL_SET_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static APPS_V1_STATEFUL_SET_ORDINALS: Message = Message(&[
    f(1, "start", I32, One),
]);

pub(super) static APPS_V1_STATEFUL_SET_PERSISTENT_VOLUME_CLAIM_RETENTION_POLICY: Message = Message(&[
    f(1, "whenDeleted", Str, OmitZero),
    f(2, "whenScaled", Str, OmitZero),
]);

pub(super) static APPS_V1_STATEFUL_SET_SPEC: Message = Message(&[
    f(1, "replicas", I32, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(4, "volumeClaimTemplates", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM), Many),
    f(5, "serviceName", Str, One),
    f(6, "podManagementPolicy", Str, OmitZero),
    f(7, "updateStrategy", Msg(&APPS_V1_STATEFUL_SET_UPDATE_STRATEGY), One),
    f(8, "revisionHistoryLimit", I32, One),
    f(9, "minReadySeconds", I32, OmitZero),
    f(10, "persistentVolumeClaimRetentionPolicy", Msg(&APPS_V1_STATEFUL_SET_PERSISTENT_VOLUME_CLAIM_RETENTION_POLICY), One),
    f(11, "ordinals", Msg(&APPS_V1_STATEFUL_SET_ORDINALS), One),
]);

pub(super) static APPS_V1_STATEFUL_SET_STATUS: Message = Message(&[
    f(1, "observedGeneration", I64, OmitZero),
    f(2, "replicas", I32, One),
    f(3, "readyReplicas", I32, OmitZero),
    f(4, "currentReplicas", I32, OmitZero),
    f(5, "updatedReplicas", I32, OmitZero),
    f(6, "currentRevision", Str, OmitZero),
    f(7, "updateRevision", Str, OmitZero),
    f(9, "collisionCount", I32, One),
    f(10, "conditions", Msg(&APPS_V1_STATEFUL_SET_CONDITION), Many),
    f(11, "availableReplicas", I32, One),
]);

pub(super) static APPS_V1_STATEFUL_SET_UPDATE_STRATEGY: Message = Message(&[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_STATEFUL_SET_STRATEGY), One),
]);

pub(super) static AUTHENTICATION_V1_BOUND_OBJECT_REFERENCE: Message = Message(&[
    f(1, "kind", Str, OmitZero),
    f(2, "apiVersion", Str, OmitZero),
    f(3, "name", Str, OmitZero),
    f(4, "uid", Str, OmitZero),
]);

pub(super) static AUTHENTICATION_V1_SELF_SUBJECT_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "status", Msg(&AUTHENTICATION_V1_SELF_SUBJECT_REVIEW_STATUS), One),
]);

pub(super) static AUTHENTICATION_V1_SELF_SUBJECT_REVIEW_STATUS: Message = Message(&[
    f(1, "userInfo", Msg(&AUTHENTICATION_V1_USER_INFO), One),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REQUEST: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHENTICATION_V1_TOKEN_REQUEST_SPEC), One),
    f(3, "status", Msg(&AUTHENTICATION_V1_TOKEN_REQUEST_STATUS), One),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REQUEST_SPEC: Message = Message(&[
    f(1, "audiences", Str, Many),
    f(4, "expirationSeconds", I64, One),
    f(3, "boundObjectRef", Msg(&AUTHENTICATION_V1_BOUND_OBJECT_REFERENCE), One),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REQUEST_STATUS: Message = Message(&[
    f(1, "token", Str, One),
    f(2, "expirationTimestamp", Time, One),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHENTICATION_V1_TOKEN_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHENTICATION_V1_TOKEN_REVIEW_STATUS), One),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REVIEW_SPEC: Message = Message(&[
    f(1, "token", Str, OmitZero),
    f(2, "audiences", Str, Many),
]);

pub(super) static AUTHENTICATION_V1_TOKEN_REVIEW_STATUS: Message = Message(&[
    f(1, "authenticated", Bool, OmitZero),
    f(2, "user", Msg(&AUTHENTICATION_V1_USER_INFO), One),
    f(4, "audiences", Str, Many),
    f(3, "error", Str, OmitZero),
]);

pub(super) static AUTHENTICATION_V1_USER_INFO: Message = Message(&[
    f(1, "username", Str, OmitZero),
    f(2, "uid", Str, OmitZero),
    f(3, "groups", Str, Many),
    f(4, "extra", Map(&StrList), One),
]);

pub(super) static AUTHORIZATION_V1_FIELD_SELECTOR_ATTRIBUTES: Message = Message(&[
    f(1, "rawSelector", Str, OmitZero),
    f(2, "requirements", Msg(&META_V1_FIELD_SELECTOR_REQUIREMENT), Many),
]);

pub(super) static AUTHORIZATION_V1_LABEL_SELECTOR_ATTRIBUTES: Message = Message(&[
    f(1, "rawSelector", Str, OmitZero),
    f(2, "requirements", Msg(&META_V1_LABEL_SELECTOR_REQUIREMENT), Many),
]);

pub(super) static AUTHORIZATION_V1_LOCAL_SUBJECT_ACCESS_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(super) static AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES: Message = Message(&[
    f(1, "path", Str, OmitZero),
    f(2, "verb", Str, OmitZero),
]);

pub(super) static AUTHORIZATION_V1_NON_RESOURCE_RULE: Message = Message(&[
    f(1, "verbs", Str, Many),
    f(2, "nonResourceURLs", Str, Many),
]);

pub(super) static AUTHORIZATION_V1_RESOURCE_ATTRIBUTES: Message = Message(&[
    f(1, "namespace", Str, OmitZero),
    f(2, "verb", Str, OmitZero),
    f(3, "group", Str, OmitZero),
    f(4, "version", Str, OmitZero),
    f(5, "resource", Str, OmitZero),
    f(6, "subresource", Str, OmitZero),
    f(7, "name", Str, OmitZero),
    f(8, "fieldSelector", Msg(&AUTHORIZATION_V1_FIELD_SELECTOR_ATTRIBUTES), One),
    f(9, "labelSelector", Msg(&AUTHORIZATION_V1_LABEL_SELECTOR_ATTRIBUTES), One),
]);

pub(super) static AUTHORIZATION_V1_RESOURCE_RULE: Message = Message(&[
    f(1, "verbs", Str, Many),
    f(2, "apiGroups", Str, Many),
    f(3, "resources", Str, Many),
    f(4, "resourceNames", Str, Many),
]);

pub(super) static AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(super) static AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message(&[
    f(1, "resourceAttributes", Msg(&AUTHORIZATION_V1_RESOURCE_ATTRIBUTES), One),
    f(2, "nonResourceAttributes", Msg(&AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES), One),
]);

pub(super) static AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_RULES_REVIEW_STATUS), One),
]);

pub(super) static AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW_SPEC: Message = Message(&[
    f(1, "namespace", Str, OmitZero),
]);

pub(super) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(super) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message(&[
    f(1, "resourceAttributes", Msg(&AUTHORIZATION_V1_RESOURCE_ATTRIBUTES), One),
    f(2, "nonResourceAttributes", Msg(&AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES), One),
    f(3, "user", Str, OmitZero),
    f(4, "groups", Str, Many),
    f(5, "extra", Map(&StrList), One),
    f(6, "uid", Str, OmitZero),
]);

pub(super) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS: Message = Message(&[
    f(1, "allowed", Bool, One),
    f(4, "denied", Bool, OmitZero),
    f(2, "reason", Str, OmitZero),
    f(3, "evaluationError", Str, OmitZero),
]);

pub(super) static AUTHORIZATION_V1_SUBJECT_RULES_REVIEW_STATUS: Message = Message(&[
    f(1, "resourceRules", Msg(&AUTHORIZATION_V1_RESOURCE_RULE), Many),
    f(2, "nonResourceRules", Msg(&AUTHORIZATION_V1_NON_RESOURCE_RULE), Many),
    f(3, "incomplete", Bool, One),
    f(4, "evaluationError", Str, OmitZero),
]);

pub(super) static AUTOSCALING_V1_CROSS_VERSION_OBJECT_REFERENCE: Message = Message(&[
    f(1, "kind", Str, One),
    f(2, "name", Str, One),
    f(3, "apiVersion", Str, OmitZero),
]);

pub(super) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_STATUS), One),
]);

pub(super) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_SPEC: Message = Message(&[
    f(1, "scaleTargetRef", Msg(&AUTOSCALING_V1_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "minReplicas", I32, One),
    f(3, "maxReplicas", I32, One),
    f(4, "targetCPUUtilizationPercentage", I32, One),
]);

pub(super) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_STATUS: Message = Message(&[
    f(1, "observedGeneration", I64, One),
    f(2, "lastScaleTime", Time, One),
    f(3, "currentReplicas", I32, One),
    f(4, "desiredReplicas", I32, One),
    f(5, "currentCPUUtilizationPercentage", I32, One),
]);

pub(super) static AUTOSCALING_V1_SCALE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V1_SCALE_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V1_SCALE_STATUS), One),
]);

pub(super) static AUTOSCALING_V1_SCALE_SPEC: Message = Message(&[
    f(1, "replicas", I32, OmitZero),
]);

pub(super) static AUTOSCALING_V1_SCALE_STATUS: Message = Message(&[
    f(1, "replicas", I32, One),
    f(2, "selector", Str, OmitZero),
]);

pub(super) static AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_SOURCE: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
    f(3, "container", Str, One),
]);

pub(super) static AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
    f(3, "container", Str, One),
]);

pub(super) static AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE: Message = Message(&[
    f(1, "kind", Str, One),
    f(2, "name", Str, One),
    f(3, "apiVersion", Str, OmitZero),
]);

pub(super) static AUTOSCALING_V2_EXTERNAL_METRIC_SOURCE: Message = Message(&[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(super) static AUTOSCALING_V2_EXTERNAL_METRIC_STATUS: Message = Message(&[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(super) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS), One),
]);

pub(super) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_BEHAVIOR: Message = Message(&[
    f(1, "scaleUp", Msg(&AUTOSCALING_V2_HPA_SCALING_RULES), One),
    f(2, "scaleDown", Msg(&AUTOSCALING_V2_HPA_SCALING_RULES), One),
]);

pub(super) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_SPEC: Message = Message(&[
    f(1, "scaleTargetRef", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "minReplicas", I32, One),
    f(3, "maxReplicas", I32, One),
    f(4, "metrics", Msg(&AUTOSCALING_V2_METRIC_SPEC), Many),
    f(5, "behavior", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_BEHAVIOR), One),
]);

pub(super) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS: Message = Message(&[
    f(1, "observedGeneration", I64, One),
    f(2, "lastScaleTime", Time, One),
    f(3, "currentReplicas", I32, OmitZero),
    f(4, "desiredReplicas", I32, One),
    f(5, "currentMetrics", Msg(&AUTOSCALING_V2_METRIC_STATUS), Many),
    f(6, "conditions", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_CONDITION), Many),
]);

pub(super) static AUTOSCALING_V2_HPA_SCALING_POLICY: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "value", I32, One),
    f(3, "periodSeconds", I32, One),
]);

pub(super) static AUTOSCALING_V2_HPA_SCALING_RULES: Message = Message(&[
    f(3, "stabilizationWindowSeconds", I32, One),
    f(1, "selectPolicy", Str, One),
    f(2, "policies", Msg(&AUTOSCALING_V2_HPA_SCALING_POLICY), Many),
    f(4, "tolerance", Quantity, One),
]);

pub(super) static AUTOSCALING_V2_METRIC_IDENTIFIER: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
]);

pub(super) static AUTOSCALING_V2_METRIC_SPEC: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "object", Msg(&AUTOSCALING_V2_OBJECT_METRIC_SOURCE), One),
    f(3, "pods", Msg(&AUTOSCALING_V2_PODS_METRIC_SOURCE), One),
    f(4, "resource", Msg(&AUTOSCALING_V2_RESOURCE_METRIC_SOURCE), One),
    f(7, "containerResource", Msg(&AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_SOURCE), One),
    f(5, "external", Msg(&AUTOSCALING_V2_EXTERNAL_METRIC_SOURCE), One),
]);

pub(super) static AUTOSCALING_V2_METRIC_STATUS: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "object", Msg(&AUTOSCALING_V2_OBJECT_METRIC_STATUS), One),
    f(3, "pods", Msg(&AUTOSCALING_V2_PODS_METRIC_STATUS), One),
    f(4, "resource", Msg(&AUTOSCALING_V2_RESOURCE_METRIC_STATUS), One),
    f(7, "containerResource", Msg(&AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_STATUS), One),
    f(5, "external", Msg(&AUTOSCALING_V2_EXTERNAL_METRIC_STATUS), One),
]);

pub(super) static AUTOSCALING_V2_METRIC_TARGET: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "value", Quantity, One),
    f(3, "averageValue", Quantity, One),
    f(4, "averageUtilization", I32, One),
]);

pub(super) static AUTOSCALING_V2_METRIC_VALUE_STATUS: Message = Message(&[
    f(1, "value", Quantity, One),
    f(2, "averageValue", Quantity, One),
    f(3, "averageUtilization", I32, One),
]);

pub(super) static AUTOSCALING_V2_OBJECT_METRIC_SOURCE: Message = Message(&[
    f(1, "describedObject", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
    f(3, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
]);

pub(super) static AUTOSCALING_V2_OBJECT_METRIC_STATUS: Message = Message(&[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
    f(3, "describedObject", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
]);

pub(super) static AUTOSCALING_V2_PODS_METRIC_SOURCE: Message = Message(&[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(super) static AUTOSCALING_V2_PODS_METRIC_STATUS: Message = Message(&[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(super) static AUTOSCALING_V2_RESOURCE_METRIC_SOURCE: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(super) static AUTOSCALING_V2_RESOURCE_METRIC_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(super) static BATCH_V1_CRON_JOB: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_CRON_JOB_SPEC), One),
    f(3, "status", Msg(&BATCH_V1_CRON_JOB_STATUS), One),
]);

pub(super) static BATCH_V1_CRON_JOB_SPEC: Message = Message(&[
    f(1, "schedule", Str, One),
    f(8, "timeZone", Str, One),
    f(2, "startingDeadlineSeconds", I64, One),
    f(3, "concurrencyPolicy", Str, OmitZero),
    f(4, "suspend", Bool, One),
    f(5, "jobTemplate", Msg(&BATCH_V1_JOB_TEMPLATE_SPEC), One),
    f(6, "successfulJobsHistoryLimit", I32, One),
    f(7, "failedJobsHistoryLimit", I32, One),
]);

pub(super) static BATCH_V1_CRON_JOB_STATUS: Message = Message(&[
    f(1, "active", Msg(&CORE_V1_OBJECT_REFERENCE), Many),
    f(4, "lastScheduleTime", Time, One),
    f(5, "lastSuccessfulTime", Time, One),
]);

pub(super) static BATCH_V1_JOB: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_JOB_SPEC), One),
    f(3, "status", Msg(&BATCH_V1_JOB_STATUS), One),
]);

pub(super) static BATCH_V1_JOB_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(super) static BATCH_V1_JOB_SPEC: Message = Message(&[
    f(1, "parallelism", I32, One),
    f(2, "completions", I32, One),
    f(3, "activeDeadlineSeconds", I64, One),
    f(11, "podFailurePolicy", Msg(&BATCH_V1_POD_FAILURE_POLICY), One),
    f(16, "successPolicy", Msg(&BATCH_V1_SUCCESS_POLICY), One),
    f(7, "backoffLimit", I32, One),
    f(12, "backoffLimitPerIndex", I32, One),
    f(13, "maxFailedIndexes", I32, One),
    f(4, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "manualSelector", Bool, One),
    f(6, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(8, "ttlSecondsAfterFinished", I32, One),
    f(9, "completionMode", Str, One),
    f(10, "suspend", Bool, One),
    f(14, "podReplacementPolicy", Str, One),
    f(15, "managedBy", Str, One),
]);

pub(super) static BATCH_V1_JOB_STATUS: Message = Message(&[
    f(1, "conditions", Msg(&BATCH_V1_JOB_CONDITION), Many),
    f(2, "startTime", Time, One),
    f(3, "completionTime", Time, One),
    f(4, "active", I32, OmitZero),
    f(5, "succeeded", I32, OmitZero),
    f(6, "failed", I32, OmitZero),
    f(11, "terminating", I32, One),
    f(7, "completedIndexes", Str, OmitZero),
    f(10, "failedIndexes", Str, One),
    f(8, "uncountedTerminatedPods", Msg(&BATCH_V1_UNCOUNTED_TERMINATED_PODS), One),
    f(9, "ready", I32, One),
]);

pub(super) static BATCH_V1_JOB_TEMPLATE_SPEC: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_JOB_SPEC), One),
]);

pub(super) static BATCH_V1_POD_FAILURE_POLICY: Message = Message(&[
    f(1, "rules", Msg(&BATCH_V1_POD_FAILURE_POLICY_RULE), Many),
]);

pub(super) static BATCH_V1_POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT: Message = Message(&[
    f(1, "containerName", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", I32, Many),
]);

pub(super) static BATCH_V1_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
]);

pub(super) static BATCH_V1_POD_FAILURE_POLICY_RULE: Message = Message(&[
    f(1, "action", Str, One),
    f(2, "onExitCodes", Msg(&BATCH_V1_POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT), One),
    f(3, "onPodConditions", Msg(&BATCH_V1_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN), Many),
]);

pub(super) static BATCH_V1_SUCCESS_POLICY: Message = Message(&[
    f(1, "rules", Msg(&BATCH_V1_SUCCESS_POLICY_RULE), Many),
]);

pub(super) static BATCH_V1_SUCCESS_POLICY_RULE: Message = Message(&[
    f(1, "succeededIndexes", Str, One),
    f(2, "succeededCount", I32, One),
]);

pub(super) static BATCH_V1_UNCOUNTED_TERMINATED_PODS: Message = Message(&[
    f(1, "succeeded", Str, Many),
    f(2, "failed", Str, Many),
]);

pub(super) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_SPEC), One),
    f(3, "status", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_STATUS), One),
]);

pub(super) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(6, "status", Str, One),
    f(2, "reason", Str, OmitZero),
    f(3, "message", Str, OmitZero),
    f(4, "lastUpdateTime", Time, One),
    f(5, "lastTransitionTime", Time, One),
]);

pub(super) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_SPEC: Message = Message(&[
    f(1, "request", Bytes, One),
    f(7, "signerName", Str, One),
    f(8, "expirationSeconds", I32, One),
    f(5, "usages", Str, Many),
    f(2, "username", Str, OmitZero),
    f(3, "uid", Str, OmitZero),
    f(4, "groups", Str, Many),
    f(6, "extra", Map(&StrList), One),
]);

pub(super) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_STATUS: Message = Message(&[
    f(1, "conditions", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_CONDITION), Many),
    f(2, "certificate", Bytes, OmitZero),
]);

pub(super) static COORDINATION_V1_LEASE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&COORDINATION_V1_LEASE_SPEC), One),
]);

pub(super) static COORDINATION_V1_LEASE_SPEC: Message = Message(&[
    f(1, "holderIdentity", Str, One),
    f(2, "leaseDurationSeconds", I32, One),
    f(3, "acquireTime", MicroTime, One),
    f(4, "renewTime", MicroTime, One),
    f(5, "leaseTransitions", I32, One),
    f(6, "strategy", Str, One),
    f(7, "preferredHolder", Str, One),
]);

pub(super) static CORE_V1_AFFINITY: Message = Message(&[
    f(1, "nodeAffinity", Msg(&CORE_V1_NODE_AFFINITY), One),
    f(2, "podAffinity", Msg(&CORE_V1_POD_AFFINITY), One),
    f(3, "podAntiAffinity", Msg(&CORE_V1_POD_ANTI_AFFINITY), One),
]);

pub(super) static CORE_V1_APP_ARMOR_PROFILE: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "localhostProfile", Str, One),
]);

pub(super) static CORE_V1_ATTACHED_VOLUME: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "devicePath", Str, One),
]);

pub(super) static CORE_V1_AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "partition", I32, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_AZURE_DISK_VOLUME_SOURCE: Message = Message(&[
    f(1, "diskName", Str, One),
    f(2, "diskURI", Str, One),
    f(3, "cachingMode", Str, One),
    f(4, "fsType", Str, One),
    f(5, "readOnly", Bool, One),
    f(6, "kind", Str, One),
]);

pub(super) static CORE_V1_AZURE_FILE_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "secretName", Str, One),
    f(2, "shareName", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretNamespace", Str, One),
]);

pub(super) static CORE_V1_AZURE_FILE_VOLUME_SOURCE: Message = Message(&[
    f(1, "secretName", Str, One),
    f(2, "shareName", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_BINDING: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "target", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_CAPABILITIES: Message = Message(&[
    f(1, "add", Str, Many),
    f(2, "drop", Str, Many),
]);

pub(super) static CORE_V1_CEPH_FS_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "monitors", Str, Many),
    f(2, "path", Str, OmitZero),
    f(3, "user", Str, OmitZero),
    f(4, "secretFile", Str, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(6, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_CEPH_FS_VOLUME_SOURCE: Message = Message(&[
    f(1, "monitors", Str, Many),
    f(2, "path", Str, OmitZero),
    f(3, "user", Str, OmitZero),
    f(4, "secretFile", Str, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(6, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_CINDER_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
]);

pub(super) static CORE_V1_CINDER_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_CLIENT_IP_CONFIG: Message = Message(&[
    f(1, "timeoutSeconds", I32, One),
]);

pub(super) static CORE_V1_CLUSTER_TRUST_BUNDLE_PROJECTION: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "signerName", Str, One),
    f(3, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "optional", Bool, One),
    f(4, "path", Str, One),
]);

pub(super) static CORE_V1_CONFIG_MAP: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(4, "immutable", Bool, One),
    f(2, "data", Map(&Str), One),
    f(3, "binaryData", Map(&Bytes), One),
]);

pub(super) static CORE_V1_CONFIG_MAP_ENV_SOURCE: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "optional", Bool, One),
]);

pub(super) static CORE_V1_CONFIG_MAP_KEY_SELECTOR: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "key", Str, One),
    f(3, "optional", Bool, One),
]);

pub(super) static CORE_V1_CONFIG_MAP_NODE_CONFIG_SOURCE: Message = Message(&[
    f(1, "namespace", Str, One),
    f(2, "name", Str, One),
    f(3, "uid", Str, OmitZero),
    f(4, "resourceVersion", Str, OmitZero),
    f(5, "kubeletConfigKey", Str, One),
]);

pub(super) static CORE_V1_CONFIG_MAP_PROJECTION: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(4, "optional", Bool, One),
]);

pub(super) static CORE_V1_CONFIG_MAP_VOLUME_SOURCE: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(3, "defaultMode", I32, One),
    f(4, "optional", Bool, One),
]);

pub(super) static CORE_V1_CONTAINER: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "image", Str, OmitZero),
    f(3, "command", Str, Many),
    f(4, "args", Str, Many),
    f(5, "workingDir", Str, OmitZero),
    f(6, "ports", Msg(&CORE_V1_CONTAINER_PORT), Many),
    f(19, "envFrom", Msg(&CORE_V1_ENV_FROM_SOURCE), Many),
    f(7, "env", Msg(&CORE_V1_ENV_VAR), Many),
    f(8, "resources", Msg(&CORE_V1_RESOURCE_REQUIREMENTS), One),
    f(23, "resizePolicy", Msg(&CORE_V1_CONTAINER_RESIZE_POLICY), Many),
    f(24, "restartPolicy", Str, One),
    f(25, "restartPolicyRules", Msg(&CORE_V1_CONTAINER_RESTART_RULE), Many),
    f(9, "volumeMounts", Msg(&CORE_V1_VOLUME_MOUNT), Many),
    f(21, "volumeDevices", Msg(&CORE_V1_VOLUME_DEVICE), Many),
    f(10, "livenessProbe", Msg(&CORE_V1_PROBE), One),
    f(11, "readinessProbe", Msg(&CORE_V1_PROBE), One),
    f(22, "startupProbe", Msg(&CORE_V1_PROBE), One),
    f(12, "lifecycle", Msg(&CORE_V1_LIFECYCLE), One),
    f(13, "terminationMessagePath", Str, OmitZero),
    f(20, "terminationMessagePolicy", Str, OmitZero),
    f(14, "imagePullPolicy", Str, OmitZero),
    f(15, "securityContext", Msg(&CORE_V1_SECURITY_CONTEXT), One),
    f(16, "stdin", Bool, OmitZero),
    f(17, "stdinOnce", Bool, OmitZero),
    f(18, "tty", Bool, OmitZero),
]);

pub(super) static CORE_V1_CONTAINER_EXTENDED_RESOURCE_REQUEST: Message = Message(&[
    f(1, "containerName", Str, One),
    f(2, "resourceName", Str, One),
    f(3, "requestName", Str, One),
]);

pub(super) static CORE_V1_CONTAINER_IMAGE: Message = Message(&[
    f(1, "names", Str, Many),
    f(2, "sizeBytes", I64, OmitZero),
]);

pub(super) static CORE_V1_CONTAINER_PORT: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "hostPort", I32, OmitZero),
    f(3, "containerPort", I32, One),
    f(4, "protocol", Str, OmitZero),
    f(5, "hostIP", Str, OmitZero),
]);

pub(super) static CORE_V1_CONTAINER_RESIZE_POLICY: Message = Message(&[
    f(1, "resourceName", Str, One),
    f(2, "restartPolicy", Str, One),
]);

pub(super) static CORE_V1_CONTAINER_RESTART_RULE: Message = Message(&[
    f(1, "action", Str, OmitZero),
    f(2, "exitCodes", Msg(&CORE_V1_CONTAINER_RESTART_RULE_ON_EXIT_CODES), One),
]);

pub(super) static CORE_V1_CONTAINER_RESTART_RULE_ON_EXIT_CODES: Message = Message(&[
    f(1, "operator", Str, OmitZero),
    f(2, "values", I32, Many),
]);

pub(super) static CORE_V1_CONTAINER_STATE: Message = Message(&[
    f(1, "waiting", Msg(&CORE_V1_CONTAINER_STATE_WAITING), One),
    f(2, "running", Msg(&CORE_V1_CONTAINER_STATE_RUNNING), One),
    f(3, "terminated", Msg(&CORE_V1_CONTAINER_STATE_TERMINATED), One),
]);

pub(super) static CORE_V1_CONTAINER_STATE_RUNNING: Message = Message(&[
    f(1, "startedAt", Time, One),
]);

pub(super) static CORE_V1_CONTAINER_STATE_TERMINATED: Message = Message(&[
    f(1, "exitCode", I32, One),
    f(2, "signal", I32, OmitZero),
    f(3, "reason", Str, OmitZero),
    f(4, "message", Str, OmitZero),
    f(5, "startedAt", Time, One),
    f(6, "finishedAt", Time, One),
    f(7, "containerID", Str, OmitZero),
]);

pub(super) static CORE_V1_CONTAINER_STATE_WAITING: Message = Message(&[
    f(1, "reason", Str, OmitZero),
    f(2, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_CONTAINER_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "state", Msg(&CORE_V1_CONTAINER_STATE), One),
    f(3, "lastState", Msg(&CORE_V1_CONTAINER_STATE), One),
    f(4, "ready", Bool, One),
    f(5, "restartCount", I32, One),
    f(6, "image", Str, One),
    f(7, "imageID", Str, One),
    f(8, "containerID", Str, OmitZero),
    f(9, "started", Bool, One),
    f(10, "allocatedResources", Map(&Quantity), One),
    f(11, "resources", Msg(&CORE_V1_RESOURCE_REQUIREMENTS), One),
    f(12, "volumeMounts", Msg(&CORE_V1_VOLUME_MOUNT_STATUS), Many),
    f(13, "user", Msg(&CORE_V1_CONTAINER_USER), One),
    f(14, "allocatedResourcesStatus", Msg(&CORE_V1_RESOURCE_STATUS), Many),
    f(15, "stopSignal", Str, One),
]);

pub(super) static CORE_V1_CONTAINER_USER: Message = Message(&[
    f(1, "linux", Msg(&CORE_V1_LINUX_CONTAINER_USER), One),
]);

pub(super) static CORE_V1_CSI_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "driver", Str, One),
    f(2, "volumeHandle", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "fsType", Str, OmitZero),
    f(5, "volumeAttributes", Map(&Str), One),
    f(6, "controllerPublishSecretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(7, "nodeStageSecretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(8, "nodePublishSecretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(9, "controllerExpandSecretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(10, "nodeExpandSecretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
]);

pub(super) static CORE_V1_CSI_VOLUME_SOURCE: Message = Message(&[
    f(1, "driver", Str, One),
    f(2, "readOnly", Bool, One),
    f(3, "fsType", Str, One),
    f(4, "volumeAttributes", Map(&Str), One),
    f(5, "nodePublishSecretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_DAEMON_ENDPOINT: Message = Message(&[
    f(1, "Port", I32, One),
]);

pub(super) static CORE_V1_DOWNWARD_API_PROJECTION: Message = Message(&[
    f(1, "items", Msg(&CORE_V1_DOWNWARD_API_VOLUME_FILE), Many),
]);

pub(super) static CORE_V1_DOWNWARD_API_VOLUME_FILE: Message = Message(&[
    f(1, "path", Str, One),
    f(2, "fieldRef", Msg(&CORE_V1_OBJECT_FIELD_SELECTOR), One),
    f(3, "resourceFieldRef", Msg(&CORE_V1_RESOURCE_FIELD_SELECTOR), One),
    f(4, "mode", I32, One),
]);

pub(super) static CORE_V1_DOWNWARD_API_VOLUME_SOURCE: Message = Message(&[
    f(1, "items", Msg(&CORE_V1_DOWNWARD_API_VOLUME_FILE), Many),
    f(2, "defaultMode", I32, One),
]);

pub(super) static CORE_V1_EMPTY_DIR_VOLUME_SOURCE: Message = Message(&[
    f(1, "medium", Str, OmitZero),
    f(2, "sizeLimit", Quantity, One),
]);

pub(super) static CORE_V1_ENDPOINTS: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subsets", Msg(&CORE_V1_ENDPOINT_SUBSET), Many),
]);

pub(super) static CORE_V1_ENDPOINT_ADDRESS: Message = Message(&[
    f(1, "ip", Str, One),
    f(3, "hostname", Str, OmitZero),
    f(4, "nodeName", Str, One),
    f(2, "targetRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_ENDPOINT_PORT: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "port", I32, One),
    f(3, "protocol", Str, OmitZero),
    f(4, "appProtocol", Str, One),
]);

pub(super) static CORE_V1_ENDPOINT_SUBSET: Message = Message(&[
    f(1, "addresses", Msg(&CORE_V1_ENDPOINT_ADDRESS), Many),
    f(2, "notReadyAddresses", Msg(&CORE_V1_ENDPOINT_ADDRESS), Many),
    f(3, "ports", Msg(&CORE_V1_ENDPOINT_PORT), Many),
]);

pub(super) static CORE_V1_ENV_FROM_SOURCE: Message = Message(&[
    f(1, "prefix", Str, OmitZero),
    f(2, "configMapRef", Msg(&CORE_V1_CONFIG_MAP_ENV_SOURCE), One),
    f(3, "secretRef", Msg(&CORE_V1_SECRET_ENV_SOURCE), One),
]);

pub(super) static CORE_V1_ENV_VAR: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "value", Str, OmitZero),
    f(3, "valueFrom", Msg(&CORE_V1_ENV_VAR_SOURCE), One),
]);

pub(super) static CORE_V1_ENV_VAR_SOURCE: Message = Message(&[
    f(1, "fieldRef", Msg(&CORE_V1_OBJECT_FIELD_SELECTOR), One),
    f(2, "resourceFieldRef", Msg(&CORE_V1_RESOURCE_FIELD_SELECTOR), One),
    f(3, "configMapKeyRef", Msg(&CORE_V1_CONFIG_MAP_KEY_SELECTOR), One),
    f(4, "secretKeyRef", Msg(&CORE_V1_SECRET_KEY_SELECTOR), One),
    f(5, "fileKeyRef", Msg(&CORE_V1_FILE_KEY_SELECTOR), One),
]);

pub(super) static CORE_V1_EPHEMERAL_CONTAINER: Message = Message(&[
    f(1, "", Msg(&CORE_V1_EPHEMERAL_CONTAINER_COMMON), Inline),
    f(2, "targetContainerName", Str, OmitZero),
]);

pub(super) static CORE_V1_EPHEMERAL_CONTAINER_COMMON: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "image", Str, OmitZero),
    f(3, "command", Str, Many),
    f(4, "args", Str, Many),
    f(5, "workingDir", Str, OmitZero),
    f(6, "ports", Msg(&CORE_V1_CONTAINER_PORT), Many),
    f(19, "envFrom", Msg(&CORE_V1_ENV_FROM_SOURCE), Many),
    f(7, "env", Msg(&CORE_V1_ENV_VAR), Many),
    f(8, "resources", Msg(&CORE_V1_RESOURCE_REQUIREMENTS), One),
    f(23, "resizePolicy", Msg(&CORE_V1_CONTAINER_RESIZE_POLICY), Many),
    f(24, "restartPolicy", Str, One),
    f(25, "restartPolicyRules", Msg(&CORE_V1_CONTAINER_RESTART_RULE), Many),
    f(9, "volumeMounts", Msg(&CORE_V1_VOLUME_MOUNT), Many),
    f(21, "volumeDevices", Msg(&CORE_V1_VOLUME_DEVICE), Many),
    f(10, "livenessProbe", Msg(&CORE_V1_PROBE), One),
    f(11, "readinessProbe", Msg(&CORE_V1_PROBE), One),
    f(22, "startupProbe", Msg(&CORE_V1_PROBE), One),
    f(12, "lifecycle", Msg(&CORE_V1_LIFECYCLE), One),
    f(13, "terminationMessagePath", Str, OmitZero),
    f(20, "terminationMessagePolicy", Str, OmitZero),
    f(14, "imagePullPolicy", Str, OmitZero),
    f(15, "securityContext", Msg(&CORE_V1_SECURITY_CONTEXT), One),
    f(16, "stdin", Bool, OmitZero),
    f(17, "stdinOnce", Bool, OmitZero),
    f(18, "tty", Bool, OmitZero),
]);

pub(super) static CORE_V1_EPHEMERAL_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeClaimTemplate", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_TEMPLATE), One),
]);

pub(super) static CORE_V1_EVENT: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "involvedObject", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(3, "reason", Str, OmitZero),
    f(4, "message", Str, OmitZero),
    f(5, "source", Msg(&CORE_V1_EVENT_SOURCE), One),
    f(6, "firstTimestamp", Time, One),
    f(7, "lastTimestamp", Time, One),
    f(8, "count", I32, OmitZero),
    f(9, "type", Str, OmitZero),
    f(10, "eventTime", MicroTime, One),
    f(11, "series", Msg(&CORE_V1_EVENT_SERIES), One),
    f(12, "action", Str, OmitZero),
    f(13, "related", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(14, "reportingComponent", Str, One),
    f(15, "reportingInstance", Str, One),
]);

pub(super) static CORE_V1_EVENT_SERIES: Message = Message(&[
    f(1, "count", I32, OmitZero),
    f(2, "lastObservedTime", MicroTime, One),
]);

pub(super) static CORE_V1_EVENT_SOURCE: Message = Message(&[
    f(1, "component", Str, OmitZero),
    f(2, "host", Str, OmitZero),
]);

pub(super) static CORE_V1_EXEC_ACTION: Message = Message(&[
    f(1, "command", Str, Many),
]);

pub(super) static CORE_V1_FC_VOLUME_SOURCE: Message = Message(&[
    f(1, "targetWWNs", Str, Many),
    f(2, "lun", I32, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "wwids", Str, Many),
]);

pub(super) static CORE_V1_FILE_KEY_SELECTOR: Message = Message(&[
    f(1, "volumeName", Str, One),
    f(2, "path", Str, One),
    f(3, "key", Str, One),
    f(4, "optional", Bool, One),
]);

pub(super) static CORE_V1_FLEX_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "driver", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "options", Map(&Str), One),
]);

pub(super) static CORE_V1_FLEX_VOLUME_SOURCE: Message = Message(&[
    f(1, "driver", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "options", Map(&Str), One),
]);

pub(super) static CORE_V1_FLOCKER_VOLUME_SOURCE: Message = Message(&[
    f(1, "datasetName", Str, OmitZero),
    f(2, "datasetUUID", Str, OmitZero),
]);

pub(super) static CORE_V1_GCE_PERSISTENT_DISK_VOLUME_SOURCE: Message = Message(&[
    f(1, "pdName", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "partition", I32, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_GIT_REPO_VOLUME_SOURCE: Message = Message(&[
    f(1, "repository", Str, One),
    f(2, "revision", Str, OmitZero),
    f(3, "directory", Str, OmitZero),
]);

pub(super) static CORE_V1_GLUSTERFS_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "endpoints", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "endpointsNamespace", Str, One),
]);

pub(super) static CORE_V1_GLUSTERFS_VOLUME_SOURCE: Message = Message(&[
    f(1, "endpoints", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_GRPC_ACTION: Message = Message(&[
    f(1, "port", I32, One),
    f(2, "service", Str, One),
]);

pub(super) static CORE_V1_HOST_ALIAS: Message = Message(&[
    f(1, "ip", Str, One),
    f(2, "hostnames", Str, Many),
]);

pub(super) static CORE_V1_HOST_IP: Message = Message(&[
    f(1, "ip", Str, One),
]);

pub(super) static CORE_V1_HOST_PATH_VOLUME_SOURCE: Message = Message(&[
    f(1, "path", Str, One),
    f(2, "type", Str, One),
]);

pub(super) static CORE_V1_HTTP_GET_ACTION: Message = Message(&[
    f(1, "path", Str, OmitZero),
    f(2, "port", IntOrString, One),
    f(3, "host", Str, OmitZero),
    f(4, "scheme", Str, OmitZero),
    f(5, "httpHeaders", Msg(&CORE_V1_HTTP_HEADER), Many),
]);

pub(super) static CORE_V1_HTTP_HEADER: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "value", Str, One),
]);

pub(super) static CORE_V1_IMAGE_VOLUME_SOURCE: Message = Message(&[
    f(1, "reference", Str, OmitZero),
    f(2, "pullPolicy", Str, OmitZero),
]);

pub(super) static CORE_V1_IMAGE_VOLUME_STATUS: Message = Message(&[
    f(1, "imageRef", Str, OmitZero),
]);

pub(super) static CORE_V1_ISCSI_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "targetPortal", Str, One),
    f(2, "iqn", Str, One),
    f(3, "lun", I32, One),
    f(4, "iscsiInterface", Str, OmitZero),
    f(5, "fsType", Str, OmitZero),
    f(6, "readOnly", Bool, OmitZero),
    f(7, "portals", Str, Many),
    f(8, "chapAuthDiscovery", Bool, OmitZero),
    f(11, "chapAuthSession", Bool, OmitZero),
    f(10, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(12, "initiatorName", Str, One),
]);

pub(super) static CORE_V1_ISCSI_VOLUME_SOURCE: Message = Message(&[
    f(1, "targetPortal", Str, One),
    f(2, "iqn", Str, One),
    f(3, "lun", I32, One),
    f(4, "iscsiInterface", Str, OmitZero),
    f(5, "fsType", Str, OmitZero),
    f(6, "readOnly", Bool, OmitZero),
    f(7, "portals", Str, Many),
    f(8, "chapAuthDiscovery", Bool, OmitZero),
    f(11, "chapAuthSession", Bool, OmitZero),
    f(10, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(12, "initiatorName", Str, One),
]);

pub(super) static CORE_V1_KEY_TO_PATH: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "path", Str, One),
    f(3, "mode", I32, One),
]);

pub(super) static CORE_V1_LIFECYCLE: Message = Message(&[
    f(1, "postStart", Msg(&CORE_V1_LIFECYCLE_HANDLER), One),
    f(2, "preStop", Msg(&CORE_V1_LIFECYCLE_HANDLER), One),
    f(3, "stopSignal", Str, One),
]);

pub(super) static CORE_V1_LIFECYCLE_HANDLER: Message = Message(&[
    f(1, "exec", Msg(&CORE_V1_EXEC_ACTION), One),
    f(2, "httpGet", Msg(&CORE_V1_HTTP_GET_ACTION), One),
    f(3, "tcpSocket", Msg(&CORE_V1_TCP_SOCKET_ACTION), One),
    f(4, "sleep", Msg(&CORE_V1_SLEEP_ACTION), One),
]);

pub(super) static CORE_V1_LIMIT_RANGE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_LIMIT_RANGE_SPEC), One),
]);

pub(super) static CORE_V1_LIMIT_RANGE_ITEM: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "max", Map(&Quantity), One),
    f(3, "min", Map(&Quantity), One),
    f(4, "default", Map(&Quantity), One),
    f(5, "defaultRequest", Map(&Quantity), One),
    f(6, "maxLimitRequestRatio", Map(&Quantity), One),
]);

pub(super) static CORE_V1_LIMIT_RANGE_SPEC: Message = Message(&[
    f(1, "limits", Msg(&CORE_V1_LIMIT_RANGE_ITEM), Many),
]);

pub(super) static CORE_V1_LINUX_CONTAINER_USER: Message = Message(&[
    f(1, "uid", I64, One),
    f(2, "gid", I64, One),
    f(3, "supplementalGroups", I64, Many),
]);

pub(super) static CORE_V1_LOAD_BALANCER_INGRESS: Message = Message(&[
    f(1, "ip", Str, OmitZero),
    f(2, "hostname", Str, OmitZero),
    f(3, "ipMode", Str, One),
    f(4, "ports", Msg(&CORE_V1_PORT_STATUS), Many),
]);

pub(super) static CORE_V1_LOAD_BALANCER_STATUS: Message = Message(&[
    f(1, "ingress", Msg(&CORE_V1_LOAD_BALANCER_INGRESS), Many),
]);

pub(super) static CORE_V1_LOCAL_OBJECT_REFERENCE: Message = Message(&[
    f(1, "name", Str, OmitZero),
]);

pub(super) static CORE_V1_LOCAL_VOLUME_SOURCE: Message = Message(&[
    f(1, "path", Str, One),
    f(2, "fsType", Str, One),
]);

pub(super) static CORE_V1_MODIFY_VOLUME_STATUS: Message = Message(&[
    f(1, "targetVolumeAttributesClassName", Str, OmitZero),
    f(2, "status", Str, One),
]);

pub(super) static CORE_V1_NAMESPACE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_NAMESPACE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_NAMESPACE_STATUS), One),
]);

pub(super) static CORE_V1_NAMESPACE_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_NAMESPACE_SPEC: Message = Message(&[
    f(1, "finalizers", Str, Many),
]);

pub(super) static CORE_V1_NAMESPACE_STATUS: Message = Message(&[
    f(1, "phase", Str, OmitZero),
    f(2, "conditions", Msg(&CORE_V1_NAMESPACE_CONDITION), Many),
]);

pub(super) static CORE_V1_NFS_VOLUME_SOURCE: Message = Message(&[
    f(1, "server", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_NODE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_NODE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_NODE_STATUS), One),
]);

pub(super) static CORE_V1_NODE_ADDRESS: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "address", Str, One),
]);

pub(super) static CORE_V1_NODE_AFFINITY: Message = Message(&[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_NODE_SELECTOR), One),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_PREFERRED_SCHEDULING_TERM), Many),
]);

pub(super) static CORE_V1_NODE_ALLOCATABLE_RESOURCE_CLAIM_STATUS: Message = Message(&[
    f(1, "resourceClaimName", Str, One),
    f(2, "containers", Str, Many),
    f(3, "resources", Map(&Quantity), One),
]);

pub(super) static CORE_V1_NODE_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastHeartbeatTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_NODE_CONFIG_SOURCE: Message = Message(&[
    f(2, "configMap", Msg(&CORE_V1_CONFIG_MAP_NODE_CONFIG_SOURCE), One),
]);

pub(super) static CORE_V1_NODE_CONFIG_STATUS: Message = Message(&[
    f(1, "assigned", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(2, "active", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(3, "lastKnownGood", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(4, "error", Str, OmitZero),
]);

pub(super) static CORE_V1_NODE_DAEMON_ENDPOINTS: Message = Message(&[
    f(1, "kubeletEndpoint", Msg(&CORE_V1_DAEMON_ENDPOINT), One),
]);

pub(super) static CORE_V1_NODE_FEATURES: Message = Message(&[
    f(1, "supplementalGroupsPolicy", Bool, One),
]);

pub(super) static CORE_V1_NODE_RUNTIME_HANDLER: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "features", Msg(&CORE_V1_NODE_RUNTIME_HANDLER_FEATURES), One),
]);

pub(super) static CORE_V1_NODE_RUNTIME_HANDLER_FEATURES: Message = Message(&[
    f(1, "recursiveReadOnlyMounts", Bool, One),
    f(2, "userNamespaces", Bool, One),
]);

pub(super) static CORE_V1_NODE_SELECTOR: Message = Message(&[
    f(1, "nodeSelectorTerms", Msg(&CORE_V1_NODE_SELECTOR_TERM), Many),
]);

pub(super) static CORE_V1_NODE_SELECTOR_REQUIREMENT: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(super) static CORE_V1_NODE_SELECTOR_TERM: Message = Message(&[
    f(1, "matchExpressions", Msg(&CORE_V1_NODE_SELECTOR_REQUIREMENT), Many),
    f(2, "matchFields", Msg(&CORE_V1_NODE_SELECTOR_REQUIREMENT), Many),
]);

pub(super) static CORE_V1_NODE_SPEC: Message = Message(&[
    f(1, "podCIDR", Str, OmitZero),
    f(7, "podCIDRs", Str, Many),
    f(3, "providerID", Str, OmitZero),
    f(4, "unschedulable", Bool, OmitZero),
    f(5, "taints", Msg(&CORE_V1_TAINT), Many),
    f(6, "configSource", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(2, "externalID", Str, OmitZero),
]);

pub(super) static CORE_V1_NODE_STATUS: Message = Message(&[
    f(1, "capacity", Map(&Quantity), One),
    f(2, "allocatable", Map(&Quantity), One),
    f(3, "phase", Str, OmitZero),
    f(4, "conditions", Msg(&CORE_V1_NODE_CONDITION), Many),
    f(5, "addresses", Msg(&CORE_V1_NODE_ADDRESS), Many),
    f(6, "daemonEndpoints", Msg(&CORE_V1_NODE_DAEMON_ENDPOINTS), One),
    f(7, "nodeInfo", Msg(&CORE_V1_NODE_SYSTEM_INFO), One),
    f(8, "images", Msg(&CORE_V1_CONTAINER_IMAGE), Many),
    f(9, "volumesInUse", Str, Many),
    f(10, "volumesAttached", Msg(&CORE_V1_ATTACHED_VOLUME), Many),
    f(11, "config", Msg(&CORE_V1_NODE_CONFIG_STATUS), One),
    f(12, "runtimeHandlers", Msg(&CORE_V1_NODE_RUNTIME_HANDLER), Many),
    f(13, "features", Msg(&CORE_V1_NODE_FEATURES), One),
    f(14, "declaredFeatures", Str, Many),
]);

pub(super) static CORE_V1_NODE_SWAP_STATUS: Message = Message(&[
    f(1, "capacity", I64, One),
]);

pub(super) static CORE_V1_NODE_SYSTEM_INFO: Message = Message(&[
    f(1, "machineID", Str, One),
    f(2, "systemUUID", Str, One),
    f(3, "bootID", Str, One),
    f(4, "kernelVersion", Str, One),
    f(5, "osImage", Str, One),
    f(6, "containerRuntimeVersion", Str, One),
    f(7, "kubeletVersion", Str, One),
    f(8, "kubeProxyVersion", Str, One),
    f(9, "operatingSystem", Str, One),
    f(10, "architecture", Str, One),
    f(11, "swap", Msg(&CORE_V1_NODE_SWAP_STATUS), One),
]);

pub(super) static CORE_V1_OBJECT_FIELD_SELECTOR: Message = Message(&[
    f(1, "apiVersion", Str, OmitZero),
    f(2, "fieldPath", Str, One),
]);

pub(super) static CORE_V1_OBJECT_REFERENCE: Message = Message(&[
    f(1, "kind", Str, OmitZero),
    f(2, "namespace", Str, OmitZero),
    f(3, "name", Str, OmitZero),
    f(4, "uid", Str, OmitZero),
    f(5, "apiVersion", Str, OmitZero),
    f(6, "resourceVersion", Str, OmitZero),
    f(7, "fieldPath", Str, OmitZero),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_SPEC), One),
    f(3, "status", Msg(&CORE_V1_PERSISTENT_VOLUME_STATUS), One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC), One),
    f(3, "status", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_STATUS), One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC: Message = Message(&[
    f(1, "accessModes", Str, Many),
    f(4, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "resources", Msg(&CORE_V1_VOLUME_RESOURCE_REQUIREMENTS), One),
    f(3, "volumeName", Str, OmitZero),
    f(5, "storageClassName", Str, One),
    f(6, "volumeMode", Str, One),
    f(7, "dataSource", Msg(&CORE_V1_TYPED_LOCAL_OBJECT_REFERENCE), One),
    f(8, "dataSourceRef", Msg(&CORE_V1_TYPED_OBJECT_REFERENCE), One),
    f(9, "volumeAttributesClassName", Str, One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM_STATUS: Message = Message(&[
    f(1, "phase", Str, OmitZero),
    f(2, "accessModes", Str, Many),
    f(3, "capacity", Map(&Quantity), One),
    f(4, "conditions", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_CONDITION), Many),
    f(5, "allocatedResources", Map(&Quantity), One),
    f(7, "allocatedResourceStatuses", Map(&Str), One),
    f(8, "currentVolumeAttributesClassName", Str, One),
    f(9, "modifyVolumeStatus", Msg(&CORE_V1_MODIFY_VOLUME_STATUS), One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM_TEMPLATE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC), One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE: Message = Message(&[
    f(1, "claimName", Str, One),
    f(2, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "gcePersistentDisk", Msg(&CORE_V1_GCE_PERSISTENT_DISK_VOLUME_SOURCE), One),
    f(2, "awsElasticBlockStore", Msg(&CORE_V1_AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE), One),
    f(3, "hostPath", Msg(&CORE_V1_HOST_PATH_VOLUME_SOURCE), One),
    f(4, "glusterfs", Msg(&CORE_V1_GLUSTERFS_PERSISTENT_VOLUME_SOURCE), One),
    f(5, "nfs", Msg(&CORE_V1_NFS_VOLUME_SOURCE), One),
    f(6, "rbd", Msg(&CORE_V1_RBD_PERSISTENT_VOLUME_SOURCE), One),
    f(7, "iscsi", Msg(&CORE_V1_ISCSI_PERSISTENT_VOLUME_SOURCE), One),
    f(8, "cinder", Msg(&CORE_V1_CINDER_PERSISTENT_VOLUME_SOURCE), One),
    f(9, "cephfs", Msg(&CORE_V1_CEPH_FS_PERSISTENT_VOLUME_SOURCE), One),
    f(10, "fc", Msg(&CORE_V1_FC_VOLUME_SOURCE), One),
    f(11, "flocker", Msg(&CORE_V1_FLOCKER_VOLUME_SOURCE), One),
    f(12, "flexVolume", Msg(&CORE_V1_FLEX_PERSISTENT_VOLUME_SOURCE), One),
    f(13, "azureFile", Msg(&CORE_V1_AZURE_FILE_PERSISTENT_VOLUME_SOURCE), One),
    f(14, "vsphereVolume", Msg(&CORE_V1_VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE), One),
    f(15, "quobyte", Msg(&CORE_V1_QUOBYTE_VOLUME_SOURCE), One),
    f(16, "azureDisk", Msg(&CORE_V1_AZURE_DISK_VOLUME_SOURCE), One),
    f(17, "photonPersistentDisk", Msg(&CORE_V1_PHOTON_PERSISTENT_DISK_VOLUME_SOURCE), One),
    f(18, "portworxVolume", Msg(&CORE_V1_PORTWORX_VOLUME_SOURCE), One),
    f(19, "scaleIO", Msg(&CORE_V1_SCALE_IO_PERSISTENT_VOLUME_SOURCE), One),
    f(20, "local", Msg(&CORE_V1_LOCAL_VOLUME_SOURCE), One),
    f(21, "storageos", Msg(&CORE_V1_STORAGE_OS_PERSISTENT_VOLUME_SOURCE), One),
    f(22, "csi", Msg(&CORE_V1_CSI_PERSISTENT_VOLUME_SOURCE), One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_SPEC: Message = Message(&[
    f(1, "capacity", Map(&Quantity), One),
    f(2, "", Msg(&CORE_V1_PERSISTENT_VOLUME_SOURCE), Inline),
    f(3, "accessModes", Str, Many),
    f(4, "claimRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(5, "persistentVolumeReclaimPolicy", Str, OmitZero),
    f(6, "storageClassName", Str, OmitZero),
    f(7, "mountOptions", Str, Many),
    f(8, "volumeMode", Str, One),
    f(9, "nodeAffinity", Msg(&CORE_V1_VOLUME_NODE_AFFINITY), One),
    f(10, "volumeAttributesClassName", Str, One),
]);

pub(super) static CORE_V1_PERSISTENT_VOLUME_STATUS: Message = Message(&[
    f(1, "phase", Str, OmitZero),
    f(2, "message", Str, OmitZero),
    f(3, "reason", Str, OmitZero),
    f(4, "lastPhaseTransitionTime", Time, One),
]);

pub(super) static CORE_V1_PHOTON_PERSISTENT_DISK_VOLUME_SOURCE: Message = Message(&[
    f(1, "pdID", Str, One),
    f(2, "fsType", Str, OmitZero),
]);

pub(super) static CORE_V1_POD: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_POD_SPEC), One),
    f(3, "status", Msg(&CORE_V1_POD_STATUS), One),
]);

pub(super) static CORE_V1_POD_AFFINITY: Message = Message(&[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_POD_AFFINITY_TERM), Many),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_WEIGHTED_POD_AFFINITY_TERM), Many),
]);

pub(super) static CORE_V1_POD_AFFINITY_TERM: Message = Message(&[
    f(1, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "namespaces", Str, Many),
    f(3, "topologyKey", Str, One),
    f(4, "namespaceSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "matchLabelKeys", Str, Many),
    f(6, "mismatchLabelKeys", Str, Many),
]);

pub(super) static CORE_V1_POD_ANTI_AFFINITY: Message = Message(&[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_POD_AFFINITY_TERM), Many),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_WEIGHTED_POD_AFFINITY_TERM), Many),
]);

pub(super) static CORE_V1_POD_CERTIFICATE_PROJECTION: Message = Message(&[
    f(1, "signerName", Str, OmitZero),
    f(2, "keyType", Str, OmitZero),
    f(3, "maxExpirationSeconds", I32, One),
    f(4, "credentialBundlePath", Str, OmitZero),
    f(5, "keyPath", Str, OmitZero),
    f(6, "certificateChainPath", Str, OmitZero),
    f(7, "userAnnotations", Map(&Str), One),
]);

pub(super) static CORE_V1_POD_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(7, "observedGeneration", I64, OmitZero),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_POD_DNS_CONFIG: Message = Message(&[
    f(1, "nameservers", Str, Many),
    f(2, "searches", Str, Many),
    f(3, "options", Msg(&CORE_V1_POD_DNS_CONFIG_OPTION), Many),
]);

pub(super) static CORE_V1_POD_DNS_CONFIG_OPTION: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "value", Str, One),
]);

pub(super) static CORE_V1_POD_EXTENDED_RESOURCE_CLAIM_STATUS: Message = Message(&[
    f(1, "requestMappings", Msg(&CORE_V1_CONTAINER_EXTENDED_RESOURCE_REQUEST), Many),
    f(2, "resourceClaimName", Str, One),
]);

pub(super) static CORE_V1_POD_IP: Message = Message(&[
    f(1, "ip", Str, One),
]);

pub(super) static CORE_V1_POD_OS: Message = Message(&[
    f(1, "name", Str, One),
]);

pub(super) static CORE_V1_POD_READINESS_GATE: Message = Message(&[
    f(1, "conditionType", Str, One),
]);

pub(super) static CORE_V1_POD_RESOURCE_CLAIM: Message = Message(&[
    f(1, "name", Str, One),
    f(3, "resourceClaimName", Str, One),
    f(4, "resourceClaimTemplateName", Str, One),
]);

pub(super) static CORE_V1_POD_RESOURCE_CLAIM_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "resourceClaimName", Str, One),
]);

pub(super) static CORE_V1_POD_SCHEDULING_GATE: Message = Message(&[
    f(1, "name", Str, One),
]);

pub(super) static CORE_V1_POD_SCHEDULING_GROUP: Message = Message(&[
    f(1, "podGroupName", Str, One),
]);

pub(super) static CORE_V1_POD_SECURITY_CONTEXT: Message = Message(&[
    f(1, "seLinuxOptions", Msg(&CORE_V1_SE_LINUX_OPTIONS), One),
    f(8, "windowsOptions", Msg(&CORE_V1_WINDOWS_SECURITY_CONTEXT_OPTIONS), One),
    f(2, "runAsUser", I64, One),
    f(6, "runAsGroup", I64, One),
    f(3, "runAsNonRoot", Bool, One),
    f(4, "supplementalGroups", I64, Many),
    f(12, "supplementalGroupsPolicy", Str, One),
    f(5, "fsGroup", I64, One),
    f(7, "sysctls", Msg(&CORE_V1_SYSCTL), Many),
    f(9, "fsGroupChangePolicy", Str, One),
    f(10, "seccompProfile", Msg(&CORE_V1_SECCOMP_PROFILE), One),
    f(11, "appArmorProfile", Msg(&CORE_V1_APP_ARMOR_PROFILE), One),
    f(13, "seLinuxChangePolicy", Str, One),
]);

pub(super) static CORE_V1_POD_SPEC: Message = Message(&[
    f(1, "volumes", Msg(&CORE_V1_VOLUME), Many),
    f(20, "initContainers", Msg(&CORE_V1_CONTAINER), Many),
    f(2, "containers", Msg(&CORE_V1_CONTAINER), Many),
    f(34, "ephemeralContainers", Msg(&CORE_V1_EPHEMERAL_CONTAINER), Many),
    f(3, "restartPolicy", Str, OmitZero),
    f(4, "terminationGracePeriodSeconds", I64, One),
    f(5, "activeDeadlineSeconds", I64, One),
    f(6, "dnsPolicy", Str, OmitZero),
    f(7, "nodeSelector", Map(&Str), One),
    f(8, "serviceAccountName", Str, OmitZero),
    f(9, "serviceAccount", Str, OmitZero),
    f(21, "automountServiceAccountToken", Bool, One),
    f(10, "nodeName", Str, OmitZero),
    f(11, "hostNetwork", Bool, OmitZero),
    f(12, "hostPID", Bool, OmitZero),
    f(13, "hostIPC", Bool, OmitZero),
    f(27, "shareProcessNamespace", Bool, One),
    f(14, "securityContext", Msg(&CORE_V1_POD_SECURITY_CONTEXT), One),
    f(15, "imagePullSecrets", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Many),
    f(16, "hostname", Str, OmitZero),
    f(17, "subdomain", Str, OmitZero),
    f(18, "affinity", Msg(&CORE_V1_AFFINITY), One),
    f(19, "schedulerName", Str, OmitZero),
    f(22, "tolerations", Msg(&CORE_V1_TOLERATION), Many),
    f(23, "hostAliases", Msg(&CORE_V1_HOST_ALIAS), Many),
    f(24, "priorityClassName", Str, OmitZero),
    f(25, "priority", I32, One),
    f(26, "dnsConfig", Msg(&CORE_V1_POD_DNS_CONFIG), One),
    f(28, "readinessGates", Msg(&CORE_V1_POD_READINESS_GATE), Many),
    f(29, "runtimeClassName", Str, One),
    f(30, "enableServiceLinks", Bool, One),
    f(31, "preemptionPolicy", Str, One),
    f(32, "overhead", Map(&Quantity), One),
    f(33, "topologySpreadConstraints", Msg(&CORE_V1_TOPOLOGY_SPREAD_CONSTRAINT), Many),
    f(35, "setHostnameAsFQDN", Bool, One),
    f(36, "os", Msg(&CORE_V1_POD_OS), One),
    f(37, "hostUsers", Bool, One),
    f(38, "schedulingGates", Msg(&CORE_V1_POD_SCHEDULING_GATE), Many),
    f(39, "resourceClaims", Msg(&CORE_V1_POD_RESOURCE_CLAIM), Many),
    f(40, "resources", Msg(&CORE_V1_RESOURCE_REQUIREMENTS), One),
    f(41, "hostnameOverride", Str, One),
    f(43, "schedulingGroup", Msg(&CORE_V1_POD_SCHEDULING_GROUP), One),
]);

pub(super) static CORE_V1_POD_STATUS: Message = Message(&[
    f(17, "observedGeneration", I64, OmitZero),
    f(1, "phase", Str, OmitZero),
    f(2, "conditions", Msg(&CORE_V1_POD_CONDITION), Many),
    f(3, "message", Str, OmitZero),
    f(4, "reason", Str, OmitZero),
    f(11, "nominatedNodeName", Str, OmitZero),
    f(5, "hostIP", Str, OmitZero),
    f(16, "hostIPs", Msg(&CORE_V1_HOST_IP), Many),
    f(6, "podIP", Str, OmitZero),
    f(12, "podIPs", Msg(&CORE_V1_POD_IP), Many),
    f(7, "startTime", Time, One),
    f(10, "initContainerStatuses", Msg(&CORE_V1_CONTAINER_STATUS), Many),
    f(8, "containerStatuses", Msg(&CORE_V1_CONTAINER_STATUS), Many),
    f(9, "qosClass", Str, OmitZero),
    f(13, "ephemeralContainerStatuses", Msg(&CORE_V1_CONTAINER_STATUS), Many),
    f(14, "resize", Str, OmitZero),
    f(15, "resourceClaimStatuses", Msg(&CORE_V1_POD_RESOURCE_CLAIM_STATUS), Many),
    f(18, "extendedResourceClaimStatus", Msg(&CORE_V1_POD_EXTENDED_RESOURCE_CLAIM_STATUS), One),
    f(19, "allocatedResources", Map(&Quantity), One),
    f(20, "resources", Msg(&CORE_V1_RESOURCE_REQUIREMENTS), One),
    f(21, "nodeAllocatableResourceClaimStatuses", Msg(&CORE_V1_NODE_ALLOCATABLE_RESOURCE_CLAIM_STATUS), Many),
]);

pub(super) static CORE_V1_POD_TEMPLATE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(super) static CORE_V1_POD_TEMPLATE_SPEC: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_POD_SPEC), One),
]);

pub(super) static CORE_V1_PORTWORX_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_PORT_STATUS: Message = Message(&[
    f(1, "port", I32, One),
    f(2, "protocol", Str, One),
    f(3, "error", Str, One),
]);

pub(super) static CORE_V1_PREFERRED_SCHEDULING_TERM: Message = Message(&[
    f(1, "weight", I32, One),
    f(2, "preference", Msg(&CORE_V1_NODE_SELECTOR_TERM), One),
]);

pub(super) static CORE_V1_PROBE: Message = Message(&[
    f(1, "", Msg(&CORE_V1_PROBE_HANDLER), Inline),
    f(2, "initialDelaySeconds", I32, OmitZero),
    f(3, "timeoutSeconds", I32, OmitZero),
    f(4, "periodSeconds", I32, OmitZero),
    f(5, "successThreshold", I32, OmitZero),
    f(6, "failureThreshold", I32, OmitZero),
    f(7, "terminationGracePeriodSeconds", I64, One),
]);

pub(super) static CORE_V1_PROBE_HANDLER: Message = Message(&[
    f(1, "exec", Msg(&CORE_V1_EXEC_ACTION), One),
    f(2, "httpGet", Msg(&CORE_V1_HTTP_GET_ACTION), One),
    f(3, "tcpSocket", Msg(&CORE_V1_TCP_SOCKET_ACTION), One),
    f(4, "grpc", Msg(&CORE_V1_GRPC_ACTION), One),
]);

pub(super) static CORE_V1_PROJECTED_VOLUME_SOURCE: Message = Message(&[
    f(1, "sources", Msg(&CORE_V1_VOLUME_PROJECTION), Many),
    f(2, "defaultMode", I32, One),
]);

pub(super) static CORE_V1_QUOBYTE_VOLUME_SOURCE: Message = Message(&[
    f(1, "registry", Str, One),
    f(2, "volume", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "user", Str, OmitZero),
    f(5, "group", Str, OmitZero),
    f(6, "tenant", Str, OmitZero),
]);

pub(super) static CORE_V1_RBD_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "monitors", Str, Many),
    f(2, "image", Str, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "pool", Str, OmitZero),
    f(5, "user", Str, OmitZero),
    f(6, "keyring", Str, OmitZero),
    f(7, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(8, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_RBD_VOLUME_SOURCE: Message = Message(&[
    f(1, "monitors", Str, Many),
    f(2, "image", Str, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "pool", Str, OmitZero),
    f(5, "user", Str, OmitZero),
    f(6, "keyring", Str, OmitZero),
    f(7, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(8, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_REPLICATION_CONTROLLER: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_REPLICATION_CONTROLLER_SPEC), One),
    f(3, "status", Msg(&CORE_V1_REPLICATION_CONTROLLER_STATUS), One),
]);

pub(super) static CORE_V1_REPLICATION_CONTROLLER_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(super) static CORE_V1_REPLICATION_CONTROLLER_SPEC: Message = Message(&[
    f(1, "replicas", I32, One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(2, "selector", Map(&Str), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(super) static CORE_V1_REPLICATION_CONTROLLER_STATUS: Message = Message(&[
    f(1, "replicas", I32, One),
    f(2, "fullyLabeledReplicas", I32, OmitZero),
    f(4, "readyReplicas", I32, OmitZero),
    f(5, "availableReplicas", I32, OmitZero),
    f(3, "observedGeneration", I64, OmitZero),
    f(6, "conditions", Msg(&CORE_V1_REPLICATION_CONTROLLER_CONDITION), Many),
]);

pub(super) static CORE_V1_RESOURCE_CLAIM: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "request", Str, OmitZero),
]);

pub(super) static CORE_V1_RESOURCE_FIELD_SELECTOR: Message = Message(&[
    f(1, "containerName", Str, OmitZero),
    f(2, "resource", Str, One),
    f(3, "divisor", Quantity, One),
]);

pub(super) static CORE_V1_RESOURCE_HEALTH: Message = Message(&[
    f(1, "resourceID", Str, One),
    f(2, "health", Str, OmitZero),
    f(6, "message", Str, One),
]);

pub(super) static CORE_V1_RESOURCE_QUOTA: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_RESOURCE_QUOTA_SPEC), One),
    f(3, "status", Msg(&CORE_V1_RESOURCE_QUOTA_STATUS), One),
]);

pub(super) static CORE_V1_RESOURCE_QUOTA_SPEC: Message = Message(&[
    f(1, "hard", Map(&Quantity), One),
    f(2, "scopes", Str, Many),
    f(3, "scopeSelector", Msg(&CORE_V1_SCOPE_SELECTOR), One),
]);

pub(super) static CORE_V1_RESOURCE_QUOTA_STATUS: Message = Message(&[
    f(1, "hard", Map(&Quantity), One),
    f(2, "used", Map(&Quantity), One),
]);

pub(super) static CORE_V1_RESOURCE_REQUIREMENTS: Message = Message(&[
    f(1, "limits", Map(&Quantity), One),
    f(2, "requests", Map(&Quantity), One),
    f(3, "claims", Msg(&CORE_V1_RESOURCE_CLAIM), Many),
]);

pub(super) static CORE_V1_RESOURCE_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "resources", Msg(&CORE_V1_RESOURCE_HEALTH), Many),
]);

pub(super) static CORE_V1_SCALE_IO_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "gateway", Str, One),
    f(2, "system", Str, One),
    f(3, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(4, "sslEnabled", Bool, OmitZero),
    f(5, "protectionDomain", Str, OmitZero),
    f(6, "storagePool", Str, OmitZero),
    f(7, "storageMode", Str, OmitZero),
    f(8, "volumeName", Str, OmitZero),
    f(9, "fsType", Str, OmitZero),
    f(10, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_SCALE_IO_VOLUME_SOURCE: Message = Message(&[
    f(1, "gateway", Str, One),
    f(2, "system", Str, One),
    f(3, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(4, "sslEnabled", Bool, OmitZero),
    f(5, "protectionDomain", Str, OmitZero),
    f(6, "storagePool", Str, OmitZero),
    f(7, "storageMode", Str, OmitZero),
    f(8, "volumeName", Str, OmitZero),
    f(9, "fsType", Str, OmitZero),
    f(10, "readOnly", Bool, OmitZero),
]);

pub(super) static CORE_V1_SCOPED_RESOURCE_SELECTOR_REQUIREMENT: Message = Message(&[
    f(1, "scopeName", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(super) static CORE_V1_SCOPE_SELECTOR: Message = Message(&[
    f(1, "matchExpressions", Msg(&CORE_V1_SCOPED_RESOURCE_SELECTOR_REQUIREMENT), Many),
]);

pub(super) static CORE_V1_SECCOMP_PROFILE: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "localhostProfile", Str, One),
]);

pub(super) static CORE_V1_SECRET: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(5, "immutable", Bool, One),
    f(2, "data", Map(&Bytes), One),
    f(4, "stringData", Map(&Str), One),
    f(3, "type", Str, OmitZero),
]);

pub(super) static CORE_V1_SECRET_ENV_SOURCE: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "optional", Bool, One),
]);

pub(super) static CORE_V1_SECRET_KEY_SELECTOR: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "key", Str, One),
    f(3, "optional", Bool, One),
]);

pub(super) static CORE_V1_SECRET_PROJECTION: Message = Message(&[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(4, "optional", Bool, One),
]);

pub(super) static CORE_V1_SECRET_REFERENCE: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "namespace", Str, OmitZero),
]);

pub(super) static CORE_V1_SECRET_VOLUME_SOURCE: Message = Message(&[
    f(1, "secretName", Str, OmitZero),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(3, "defaultMode", I32, One),
    f(4, "optional", Bool, One),
]);

pub(super) static CORE_V1_SECURITY_CONTEXT: Message = Message(&[
    f(1, "capabilities", Msg(&CORE_V1_CAPABILITIES), One),
    f(2, "privileged", Bool, One),
    f(3, "seLinuxOptions", Msg(&CORE_V1_SE_LINUX_OPTIONS), One),
    f(10, "windowsOptions", Msg(&CORE_V1_WINDOWS_SECURITY_CONTEXT_OPTIONS), One),
    f(4, "runAsUser", I64, One),
    f(8, "runAsGroup", I64, One),
    f(5, "runAsNonRoot", Bool, One),
    f(6, "readOnlyRootFilesystem", Bool, One),
    f(7, "allowPrivilegeEscalation", Bool, One),
    f(9, "procMount", Str, One),
    f(11, "seccompProfile", Msg(&CORE_V1_SECCOMP_PROFILE), One),
    f(12, "appArmorProfile", Msg(&CORE_V1_APP_ARMOR_PROFILE), One),
]);

pub(super) static CORE_V1_SERVICE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_SERVICE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_SERVICE_STATUS), One),
]);

pub(super) static CORE_V1_SERVICE_ACCOUNT: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "secrets", Msg(&CORE_V1_OBJECT_REFERENCE), Many),
    f(3, "imagePullSecrets", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Many),
    f(4, "automountServiceAccountToken", Bool, One),
]);

pub(super) static CORE_V1_SERVICE_ACCOUNT_TOKEN_PROJECTION: Message = Message(&[
    f(1, "audience", Str, OmitZero),
    f(2, "expirationSeconds", I64, One),
    f(3, "path", Str, One),
]);

pub(super) static CORE_V1_SERVICE_PORT: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "protocol", Str, OmitZero),
    f(6, "appProtocol", Str, One),
    f(3, "port", I32, One),
    f(4, "targetPort", IntOrString, One),
    f(5, "nodePort", I32, OmitZero),
]);

pub(super) static CORE_V1_SERVICE_SPEC: Message = Message(&[
    f(1, "ports", Msg(&CORE_V1_SERVICE_PORT), Many),
    f(2, "selector", Map(&Str), One),
    f(3, "clusterIP", Str, OmitZero),
    f(18, "clusterIPs", Str, Many),
    f(4, "type", Str, OmitZero),
    f(5, "externalIPs", Str, Many),
    f(7, "sessionAffinity", Str, OmitZero),
    f(8, "loadBalancerIP", Str, OmitZero),
    f(9, "loadBalancerSourceRanges", Str, Many),
    f(10, "externalName", Str, OmitZero),
    f(11, "externalTrafficPolicy", Str, OmitZero),
    f(12, "healthCheckNodePort", I32, OmitZero),
    f(13, "publishNotReadyAddresses", Bool, OmitZero),
    f(14, "sessionAffinityConfig", Msg(&CORE_V1_SESSION_AFFINITY_CONFIG), One),
    f(19, "ipFamilies", Str, Many),
    f(17, "ipFamilyPolicy", Str, One),
    f(20, "allocateLoadBalancerNodePorts", Bool, One),
    f(21, "loadBalancerClass", Str, One),
    f(22, "internalTrafficPolicy", Str, One),
    f(23, "trafficDistribution", Str, One),
]);

pub(super) static CORE_V1_SERVICE_STATUS: Message = Message(&[
    f(1, "loadBalancer", Msg(&CORE_V1_LOAD_BALANCER_STATUS), One),
    f(2, "conditions", Msg(&META_V1_CONDITION), Many),
]);

pub(super) static CORE_V1_SESSION_AFFINITY_CONFIG: Message = Message(&[
    f(1, "clientIP", Msg(&CORE_V1_CLIENT_IP_CONFIG), One),
]);

pub(super) static CORE_V1_SE_LINUX_OPTIONS: Message = Message(&[
    f(1, "user", Str, OmitZero),
    f(2, "role", Str, OmitZero),
    f(3, "type", Str, OmitZero),
    f(4, "level", Str, OmitZero),
]);

pub(super) static CORE_V1_SLEEP_ACTION: Message = Message(&[
    f(1, "seconds", I64, One),
]);

pub(super) static CORE_V1_STORAGE_OS_PERSISTENT_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeName", Str, OmitZero),
    f(2, "volumeNamespace", Str, OmitZero),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_STORAGE_OS_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumeName", Str, OmitZero),
    f(2, "volumeNamespace", Str, OmitZero),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(super) static CORE_V1_SYSCTL: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "value", Str, One),
]);

pub(super) static CORE_V1_TAINT: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "value", Str, OmitZero),
    f(3, "effect", Str, One),
    f(4, "timeAdded", Time, One),
]);

pub(super) static CORE_V1_TCP_SOCKET_ACTION: Message = Message(&[
    f(1, "port", IntOrString, One),
    f(2, "host", Str, OmitZero),
]);

pub(super) static CORE_V1_TOLERATION: Message = Message(&[
    f(1, "key", Str, OmitZero),
    f(2, "operator", Str, OmitZero),
    f(3, "value", Str, OmitZero),
    f(4, "effect", Str, OmitZero),
    f(5, "tolerationSeconds", I64, One),
]);

pub(super) static CORE_V1_TOPOLOGY_SELECTOR_LABEL_REQUIREMENT: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "values", Str, Many),
]);

pub(super) static CORE_V1_TOPOLOGY_SELECTOR_TERM: Message = Message(&[
    f(1, "matchLabelExpressions", Msg(&CORE_V1_TOPOLOGY_SELECTOR_LABEL_REQUIREMENT), Many),
]);

pub(super) static CORE_V1_TOPOLOGY_SPREAD_CONSTRAINT: Message = Message(&[
    f(1, "maxSkew", I32, One),
    f(2, "topologyKey", Str, One),
    f(3, "whenUnsatisfiable", Str, One),
    f(4, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "minDomains", I32, One),
    f(6, "nodeAffinityPolicy", Str, One),
    f(7, "nodeTaintsPolicy", Str, One),
    f(8, "matchLabelKeys", Str, Many),
]);

pub(super) static CORE_V1_TYPED_LOCAL_OBJECT_REFERENCE: Message = Message(&[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
]);

pub(super) static CORE_V1_TYPED_OBJECT_REFERENCE: Message = Message(&[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "namespace", Str, One),
]);

pub(super) static CORE_V1_VOLUME: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "", Msg(&CORE_V1_VOLUME_SOURCE), Inline),
]);

pub(super) static CORE_V1_VOLUME_DEVICE: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "devicePath", Str, One),
]);

pub(super) static CORE_V1_VOLUME_MOUNT: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "readOnly", Bool, OmitZero),
    f(7, "recursiveReadOnly", Str, One),
    f(3, "mountPath", Str, One),
    f(4, "subPath", Str, OmitZero),
    f(5, "mountPropagation", Str, One),
    f(6, "subPathExpr", Str, OmitZero),
]);

pub(super) static CORE_V1_VOLUME_MOUNT_STATUS: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "mountPath", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "recursiveReadOnly", Str, One),
    f(5, "volumeStatus", Msg(&CORE_V1_VOLUME_STATUS), One),
]);

pub(super) static CORE_V1_VOLUME_NODE_AFFINITY: Message = Message(&[
    f(1, "required", Msg(&CORE_V1_NODE_SELECTOR), One),
]);

pub(super) static CORE_V1_VOLUME_PROJECTION: Message = Message(&[
    f(1, "secret", Msg(&CORE_V1_SECRET_PROJECTION), One),
    f(2, "downwardAPI", Msg(&CORE_V1_DOWNWARD_API_PROJECTION), One),
    f(3, "configMap", Msg(&CORE_V1_CONFIG_MAP_PROJECTION), One),
    f(4, "serviceAccountToken", Msg(&CORE_V1_SERVICE_ACCOUNT_TOKEN_PROJECTION), One),
    f(5, "clusterTrustBundle", Msg(&CORE_V1_CLUSTER_TRUST_BUNDLE_PROJECTION), One),
    f(6, "podCertificate", Msg(&CORE_V1_POD_CERTIFICATE_PROJECTION), One),
]);

pub(super) static CORE_V1_VOLUME_RESOURCE_REQUIREMENTS: Message = Message(&[
    f(1, "limits", Map(&Quantity), One),
    f(2, "requests", Map(&Quantity), One),
]);

pub(super) static CORE_V1_VOLUME_SOURCE: Message = Message(&[
    f(1, "hostPath", Msg(&CORE_V1_HOST_PATH_VOLUME_SOURCE), One),
    f(2, "emptyDir", Msg(&CORE_V1_EMPTY_DIR_VOLUME_SOURCE), One),
    f(3, "gcePersistentDisk", Msg(&CORE_V1_GCE_PERSISTENT_DISK_VOLUME_SOURCE), One),
    f(4, "awsElasticBlockStore", Msg(&CORE_V1_AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE), One),
    f(5, "gitRepo", Msg(&CORE_V1_GIT_REPO_VOLUME_SOURCE), One),
    f(6, "secret", Msg(&CORE_V1_SECRET_VOLUME_SOURCE), One),
    f(7, "nfs", Msg(&CORE_V1_NFS_VOLUME_SOURCE), One),
    f(8, "iscsi", Msg(&CORE_V1_ISCSI_VOLUME_SOURCE), One),
    f(9, "glusterfs", Msg(&CORE_V1_GLUSTERFS_VOLUME_SOURCE), One),
    f(10, "persistentVolumeClaim", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE), One),
    f(11, "rbd", Msg(&CORE_V1_RBD_VOLUME_SOURCE), One),
    f(12, "flexVolume", Msg(&CORE_V1_FLEX_VOLUME_SOURCE), One),
    f(13, "cinder", Msg(&CORE_V1_CINDER_VOLUME_SOURCE), One),
    f(14, "cephfs", Msg(&CORE_V1_CEPH_FS_VOLUME_SOURCE), One),
    f(15, "flocker", Msg(&CORE_V1_FLOCKER_VOLUME_SOURCE), One),
    f(16, "downwardAPI", Msg(&CORE_V1_DOWNWARD_API_VOLUME_SOURCE), One),
    f(17, "fc", Msg(&CORE_V1_FC_VOLUME_SOURCE), One),
    f(18, "azureFile", Msg(&CORE_V1_AZURE_FILE_VOLUME_SOURCE), One),
    f(19, "configMap", Msg(&CORE_V1_CONFIG_MAP_VOLUME_SOURCE), One),
    f(20, "vsphereVolume", Msg(&CORE_V1_VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE), One),
    f(21, "quobyte", Msg(&CORE_V1_QUOBYTE_VOLUME_SOURCE), One),
    f(22, "azureDisk", Msg(&CORE_V1_AZURE_DISK_VOLUME_SOURCE), One),
    f(23, "photonPersistentDisk", Msg(&CORE_V1_PHOTON_PERSISTENT_DISK_VOLUME_SOURCE), One),
    f(26, "projected", Msg(&CORE_V1_PROJECTED_VOLUME_SOURCE), One),
    f(24, "portworxVolume", Msg(&CORE_V1_PORTWORX_VOLUME_SOURCE), One),
    f(25, "scaleIO", Msg(&CORE_V1_SCALE_IO_VOLUME_SOURCE), One),
    f(27, "storageos", Msg(&CORE_V1_STORAGE_OS_VOLUME_SOURCE), One),
    f(28, "csi", Msg(&CORE_V1_CSI_VOLUME_SOURCE), One),
    f(29, "ephemeral", Msg(&CORE_V1_EPHEMERAL_VOLUME_SOURCE), One),
    f(30, "image", Msg(&CORE_V1_IMAGE_VOLUME_SOURCE), One),
]);

pub(super) static CORE_V1_VOLUME_STATUS: Message = Message(&[
    f(1, "image", Msg(&CORE_V1_IMAGE_VOLUME_STATUS), One),
]);

pub(super) static CORE_V1_VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE: Message = Message(&[
    f(1, "volumePath", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "storagePolicyName", Str, OmitZero),
    f(4, "storagePolicyID", Str, OmitZero),
]);

pub(super) static CORE_V1_WEIGHTED_POD_AFFINITY_TERM: Message = Message(&[
    f(1, "weight", I32, One),
    f(2, "podAffinityTerm", Msg(&CORE_V1_POD_AFFINITY_TERM), One),
]);

pub(super) static CORE_V1_WINDOWS_SECURITY_CONTEXT_OPTIONS: Message = Message(&[
    f(1, "gmsaCredentialSpecName", Str, One),
    f(2, "gmsaCredentialSpec", Str, One),
    f(3, "runAsUserName", Str, One),
    f(4, "hostProcess", Bool, One),
]);

pub(super) static DISCOVERY_V1_ENDPOINT: Message = Message(&[
    f(1, "addresses", Str, Many),
    f(2, "conditions", Msg(&DISCOVERY_V1_ENDPOINT_CONDITIONS), One),
    f(3, "hostname", Str, One),
    f(4, "targetRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(5, "deprecatedTopology", Map(&Str), One),
    f(6, "nodeName", Str, One),
    f(7, "zone", Str, One),
    f(8, "hints", Msg(&DISCOVERY_V1_ENDPOINT_HINTS), One),
]);

pub(super) static DISCOVERY_V1_ENDPOINT_CONDITIONS: Message = Message(&[
    f(1, "ready", Bool, One),
    f(2, "serving", Bool, One),
    f(3, "terminating", Bool, One),
]);

pub(super) static DISCOVERY_V1_ENDPOINT_HINTS: Message = Message(&[
    f(1, "forZones", Msg(&DISCOVERY_V1_FOR_ZONE), Many),
    f(2, "forNodes", Msg(&DISCOVERY_V1_FOR_NODE), Many),
]);

pub(super) static DISCOVERY_V1_ENDPOINT_PORT: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "protocol", Str, One),
    f(3, "port", I32, One),
    f(4, "appProtocol", Str, One),
]);

pub(super) static DISCOVERY_V1_ENDPOINT_SLICE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(4, "addressType", Str, One),
    f(2, "endpoints", Msg(&DISCOVERY_V1_ENDPOINT), Many),
    f(3, "ports", Msg(&DISCOVERY_V1_ENDPOINT_PORT), Many),
]);

pub(super) static DISCOVERY_V1_FOR_NODE: Message = Message(&[
    f(1, "name", Str, One),
]);

pub(super) static DISCOVERY_V1_FOR_ZONE: Message = Message(&[
    f(1, "name", Str, One),
]);

pub(super) static EVENTS_V1_EVENT: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "eventTime", MicroTime, One),
    f(3, "series", Msg(&EVENTS_V1_EVENT_SERIES), One),
    f(4, "reportingController", Str, OmitZero),
    f(5, "reportingInstance", Str, OmitZero),
    f(6, "action", Str, OmitZero),
    f(7, "reason", Str, OmitZero),
    f(8, "regarding", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(9, "related", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(10, "note", Str, OmitZero),
    f(11, "type", Str, OmitZero),
    f(12, "deprecatedSource", Msg(&CORE_V1_EVENT_SOURCE), One),
    f(13, "deprecatedFirstTimestamp", Time, One),
    f(14, "deprecatedLastTimestamp", Time, One),
    f(15, "deprecatedCount", I32, OmitZero),
]);

pub(super) static EVENTS_V1_EVENT_SERIES: Message = Message(&[
    f(1, "count", I32, One),
    f(2, "lastObservedTime", MicroTime, One),
]);

pub(super) static META_V1_CONDITION: Message = Message(&[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "observedGeneration", I64, OmitZero),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, One),
    f(6, "message", Str, One),
]);

pub(super) static META_V1_DELETE_OPTIONS: Message = Message(&[
    f(1, "gracePeriodSeconds", I64, One),
    f(2, "preconditions", Msg(&META_V1_PRECONDITIONS), One),
    f(3, "orphanDependents", Bool, One),
    f(4, "propagationPolicy", Str, One),
    f(5, "dryRun", Str, Many),
    f(6, "ignoreStoreReadErrorWithClusterBreakingPotential", Bool, One),
]);

pub(super) static META_V1_FIELD_SELECTOR_REQUIREMENT: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(super) static META_V1_LABEL_SELECTOR: Message = Message(&[
    f(1, "matchLabels", Map(&Str), One),
    f(2, "matchExpressions", Msg(&META_V1_LABEL_SELECTOR_REQUIREMENT), Many),
]);

pub(super) static META_V1_LABEL_SELECTOR_REQUIREMENT: Message = Message(&[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(super) static META_V1_MANAGED_FIELDS_ENTRY: Message = Message(&[
    f(1, "manager", Str, OmitZero),
    f(2, "operation", Str, OmitZero),
    f(3, "apiVersion", Str, OmitZero),
    f(4, "time", Time, One),
    f(6, "fieldsType", Str, OmitZero),
    f(7, "fieldsV1", RawJson, One),
    f(8, "subresource", Str, OmitZero),
]);

pub(super) static META_V1_OBJECT_META: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "generateName", Str, OmitZero),
    f(3, "namespace", Str, OmitZero),
    f(4, "selfLink", Str, OmitZero),
    f(5, "uid", Str, OmitZero),
    f(6, "resourceVersion", Str, OmitZero),
    f(7, "generation", I64, OmitZero),
    f(8, "creationTimestamp", Time, OmitZero),
    f(9, "deletionTimestamp", Time, One),
    f(10, "deletionGracePeriodSeconds", I64, One),
    f(11, "labels", Map(&Str), One),
    f(12, "annotations", Map(&Str), One),
    f(13, "ownerReferences", Msg(&META_V1_OWNER_REFERENCE), Many),
    f(14, "finalizers", Str, Many),
    f(17, "managedFields", Msg(&META_V1_MANAGED_FIELDS_ENTRY), Many),
]);

pub(super) static META_V1_OWNER_REFERENCE: Message = Message(&[
    f(5, "apiVersion", Str, One),
    f(1, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "uid", Str, One),
    f(6, "controller", Bool, One),
    f(7, "blockOwnerDeletion", Bool, One),
]);

pub(super) static META_V1_PRECONDITIONS: Message = Message(&[
    f(1, "uid", Str, One),
    f(2, "resourceVersion", Str, One),
]);

pub(super) static NETWORKING_V1_HTTP_INGRESS_PATH: Message = Message(&[
    f(1, "path", Str, OmitZero),
    f(3, "pathType", Str, One),
    f(2, "backend", Msg(&NETWORKING_V1_INGRESS_BACKEND), One),
]);

pub(super) static NETWORKING_V1_HTTP_INGRESS_RULE_VALUE: Message = Message(&[
    f(1, "paths", Msg(&NETWORKING_V1_HTTP_INGRESS_PATH), Many),
]);

pub(super) static NETWORKING_V1_INGRESS: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_INGRESS_SPEC), One),
    f(3, "status", Msg(&NETWORKING_V1_INGRESS_STATUS), One),
]);

pub(super) static NETWORKING_V1_INGRESS_BACKEND: Message = Message(&[
    f(4, "service", Msg(&NETWORKING_V1_INGRESS_SERVICE_BACKEND), One),
    f(3, "resource", Msg(&CORE_V1_TYPED_LOCAL_OBJECT_REFERENCE), One),
]);

pub(super) static NETWORKING_V1_INGRESS_CLASS: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_INGRESS_CLASS_SPEC), One),
]);

pub(super) static NETWORKING_V1_INGRESS_CLASS_PARAMETERS_REFERENCE: Message = Message(&[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "scope", Str, One),
    f(5, "namespace", Str, One),
]);

pub(super) static NETWORKING_V1_INGRESS_CLASS_SPEC: Message = Message(&[
    f(1, "controller", Str, OmitZero),
    f(2, "parameters", Msg(&NETWORKING_V1_INGRESS_CLASS_PARAMETERS_REFERENCE), One),
]);

pub(super) static NETWORKING_V1_INGRESS_LOAD_BALANCER_INGRESS: Message = Message(&[
    f(1, "ip", Str, OmitZero),
    f(2, "hostname", Str, OmitZero),
    f(4, "ports", Msg(&NETWORKING_V1_INGRESS_PORT_STATUS), Many),
]);

pub(super) static NETWORKING_V1_INGRESS_LOAD_BALANCER_STATUS: Message = Message(&[
    f(1, "ingress", Msg(&NETWORKING_V1_INGRESS_LOAD_BALANCER_INGRESS), Many),
]);

pub(super) static NETWORKING_V1_INGRESS_PORT_STATUS: Message = Message(&[
    f(1, "port", I32, One),
    f(2, "protocol", Str, One),
    f(3, "error", Str, One),
]);

pub(super) static NETWORKING_V1_INGRESS_RULE: Message = Message(&[
    f(1, "host", Str, OmitZero),
    f(2, "", Msg(&NETWORKING_V1_INGRESS_RULE_VALUE), Inline),
]);

pub(super) static NETWORKING_V1_INGRESS_RULE_VALUE: Message = Message(&[
    f(1, "http", Msg(&NETWORKING_V1_HTTP_INGRESS_RULE_VALUE), One),
]);

pub(super) static NETWORKING_V1_INGRESS_SERVICE_BACKEND: Message = Message(&[
    f(1, "name", Str, One),
    f(2, "port", Msg(&NETWORKING_V1_SERVICE_BACKEND_PORT), One),
]);

pub(super) static NETWORKING_V1_INGRESS_SPEC: Message = Message(&[
    f(4, "ingressClassName", Str, One),
    f(1, "defaultBackend", Msg(&NETWORKING_V1_INGRESS_BACKEND), One),
    f(2, "tls", Msg(&NETWORKING_V1_INGRESS_TLS), Many),
    f(3, "rules", Msg(&NETWORKING_V1_INGRESS_RULE), Many),
]);

pub(super) static NETWORKING_V1_INGRESS_STATUS: Message = Message(&[
    f(1, "loadBalancer", Msg(&NETWORKING_V1_INGRESS_LOAD_BALANCER_STATUS), One),
]);

pub(super) static NETWORKING_V1_INGRESS_TLS: Message = Message(&[
    f(1, "hosts", Str, Many),
    f(2, "secretName", Str, OmitZero),
]);

pub(super) static NETWORKING_V1_IP_BLOCK: Message = Message(&[
    f(1, "cidr", Str, One),
    f(2, "except", Str, Many),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_NETWORK_POLICY_SPEC), One),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY_EGRESS_RULE: Message = Message(&[
    f(1, "ports", Msg(&NETWORKING_V1_NETWORK_POLICY_PORT), Many),
    f(2, "to", Msg(&NETWORKING_V1_NETWORK_POLICY_PEER), Many),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY_INGRESS_RULE: Message = Message(&[
    f(1, "ports", Msg(&NETWORKING_V1_NETWORK_POLICY_PORT), Many),
    f(2, "from", Msg(&NETWORKING_V1_NETWORK_POLICY_PEER), Many),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY_PEER: Message = Message(&[
    f(1, "podSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "namespaceSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "ipBlock", Msg(&NETWORKING_V1_IP_BLOCK), One),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY_PORT: Message = Message(&[
    f(1, "protocol", Str, One),
    f(2, "port", IntOrString, One),
    f(3, "endPort", I32, One),
]);

pub(super) static NETWORKING_V1_NETWORK_POLICY_SPEC: Message = Message(&[
    f(1, "podSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "ingress", Msg(&NETWORKING_V1_NETWORK_POLICY_INGRESS_RULE), Many),
    f(3, "egress", Msg(&NETWORKING_V1_NETWORK_POLICY_EGRESS_RULE), Many),
    f(4, "policyTypes", Str, Many),
]);

pub(super) static NETWORKING_V1_SERVICE_BACKEND_PORT: Message = Message(&[
    f(1, "name", Str, OmitZero),
    f(2, "number", I32, OmitZero),
]);

pub(super) static POLICY_V1_EVICTION: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "deleteOptions", Msg(&META_V1_DELETE_OPTIONS), One),
]);

pub(super) static POLICY_V1_POD_DISRUPTION_BUDGET: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&POLICY_V1_POD_DISRUPTION_BUDGET_SPEC), One),
    f(3, "status", Msg(&POLICY_V1_POD_DISRUPTION_BUDGET_STATUS), One),
]);

pub(super) static POLICY_V1_POD_DISRUPTION_BUDGET_SPEC: Message = Message(&[
    f(1, "minAvailable", IntOrString, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "maxUnavailable", IntOrString, One),
    f(4, "unhealthyPodEvictionPolicy", Str, One),
]);

pub(super) static POLICY_V1_POD_DISRUPTION_BUDGET_STATUS: Message = Message(&[
    f(1, "observedGeneration", I64, OmitZero),
    f(2, "disruptedPods", Map(&Time), One),
    f(3, "disruptionsAllowed", I32, One),
    f(4, "currentHealthy", I32, One),
    f(5, "desiredHealthy", I32, One),
    f(6, "expectedPods", I32, One),
    f(7, "conditions", Msg(&META_V1_CONDITION), Many),
]);

pub(super) static RBAC_V1_AGGREGATION_RULE: Message = Message(&[
    f(1, "clusterRoleSelectors", Msg(&META_V1_LABEL_SELECTOR), Many),
]);

pub(super) static RBAC_V1_CLUSTER_ROLE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "rules", Msg(&RBAC_V1_POLICY_RULE), Many),
    f(3, "aggregationRule", Msg(&RBAC_V1_AGGREGATION_RULE), One),
]);

pub(super) static RBAC_V1_CLUSTER_ROLE_BINDING: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subjects", Msg(&RBAC_V1_SUBJECT), Many),
    f(3, "roleRef", Msg(&RBAC_V1_ROLE_REF), One),
]);

pub(super) static RBAC_V1_POLICY_RULE: Message = Message(&[
    f(1, "verbs", Str, Many),
    f(2, "apiGroups", Str, Many),
    f(3, "resources", Str, Many),
    f(4, "resourceNames", Str, Many),
    f(5, "nonResourceURLs", Str, Many),
]);

pub(super) static RBAC_V1_ROLE: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "rules", Msg(&RBAC_V1_POLICY_RULE), Many),
]);

pub(super) static RBAC_V1_ROLE_BINDING: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subjects", Msg(&RBAC_V1_SUBJECT), Many),
    f(3, "roleRef", Msg(&RBAC_V1_ROLE_REF), One),
]);

pub(super) static RBAC_V1_ROLE_REF: Message = Message(&[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
]);

pub(super) static RBAC_V1_SUBJECT: Message = Message(&[
    f(1, "kind", Str, One),
    f(2, "apiGroup", Str, OmitZero),
    f(3, "name", Str, One),
    f(4, "namespace", Str, OmitZero),
]);

pub(super) static SCHEDULING_V1_PRIORITY_CLASS: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "value", I32, One),
    f(3, "globalDefault", Bool, OmitZero),
    f(4, "description", Str, OmitZero),
    f(5, "preemptionPolicy", Str, One),
]);

pub(super) static STORAGE_V1_STORAGE_CLASS: Message = Message(&[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "provisioner", Str, One),
    f(3, "parameters", Map(&Str), One),
    f(4, "reclaimPolicy", Str, One),
    f(5, "mountOptions", Str, Many),
    f(6, "allowVolumeExpansion", Bool, One),
    f(7, "volumeBindingMode", Str, One),
    f(8, "allowedTopologies", Msg(&CORE_V1_TOPOLOGY_SELECTOR_TERM), Many),
]);

//! Wire schemas of the Kubernetes objects [`super::decode`] understands.
//!
//! Every table lists, in Go struct order, the fields of one protobuf message as declared in
//! the upstream `generated.proto` files (k8s.io/api and k8s.io/apimachinery, v0.36): the field
//! number, the JSON name, the value type and how absence/zero values map to JSON (mirroring
//! the Go struct's pointer-ness and `omitempty`/`omitzero` tags). Each message also carries the
//! name of its upstream OpenAPI schema, so [`crate::schema`] can serve the same tables as
//! field schemas.

/// How a message field is laid out on the wire and in JSON.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    /// Protobuf field number.
    pub num: u32,
    /// JSON member name (empty for inlined embedded structs).
    pub json: &'static str,
    /// Value type.
    pub ty: Ty,
    /// Cardinality / JSON presence rule.
    pub card: Card,
}

/// A message: its OpenAPI schema name (`io.k8s.api.core.v1.PodSpec`) and its fields in JSON
/// output order.
#[derive(Debug)]
pub(crate) struct Message(pub &'static str, pub &'static [Field]);

/// Value types.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ty {
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
pub(crate) enum Card {
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
pub(crate) static KINDS: &[(&str, &str, &Message)] = &[
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

pub(crate) static APPS_V1_CONTROLLER_REVISION: Message = Message("io.k8s.api.apps.v1.ControllerRevision", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "data", RawJson, One),
    f(3, "revision", I64, One),
]);

pub(crate) static APPS_V1_DAEMON_SET: Message = Message("io.k8s.api.apps.v1.DaemonSet", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_DAEMON_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_DAEMON_SET_STATUS), One),
]);

pub(crate) static APPS_V1_DAEMON_SET_CONDITION: Message = Message("io.k8s.api.apps.v1.DaemonSetCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static APPS_V1_DAEMON_SET_SPEC: Message = Message("io.k8s.api.apps.v1.DaemonSetSpec", &[
    f(1, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(3, "updateStrategy", Msg(&APPS_V1_DAEMON_SET_UPDATE_STRATEGY), One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(6, "revisionHistoryLimit", I32, One),
]);

pub(crate) static APPS_V1_DAEMON_SET_STATUS: Message = Message("io.k8s.api.apps.v1.DaemonSetStatus", &[
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

pub(crate) static APPS_V1_DAEMON_SET_UPDATE_STRATEGY: Message = Message("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", &[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_DAEMON_SET), One),
]);

pub(crate) static APPS_V1_DEPLOYMENT: Message = Message("io.k8s.api.apps.v1.Deployment", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_DEPLOYMENT_SPEC), One),
    f(3, "status", Msg(&APPS_V1_DEPLOYMENT_STATUS), One),
]);

pub(crate) static APPS_V1_DEPLOYMENT_CONDITION: Message = Message("io.k8s.api.apps.v1.DeploymentCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(6, "lastUpdateTime", Time, One),
    f(7, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static APPS_V1_DEPLOYMENT_SPEC: Message = Message("io.k8s.api.apps.v1.DeploymentSpec", &[
    f(1, "replicas", I32, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
    f(4, "strategy", Msg(&APPS_V1_DEPLOYMENT_STRATEGY), One),
    f(5, "minReadySeconds", I32, OmitZero),
    f(6, "revisionHistoryLimit", I32, One),
    f(7, "paused", Bool, OmitZero),
    f(9, "progressDeadlineSeconds", I32, One),
]);

pub(crate) static APPS_V1_DEPLOYMENT_STATUS: Message = Message("io.k8s.api.apps.v1.DeploymentStatus", &[
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

pub(crate) static APPS_V1_DEPLOYMENT_STRATEGY: Message = Message("io.k8s.api.apps.v1.DeploymentStrategy", &[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_DEPLOYMENT), One),
]);

pub(crate) static APPS_V1_REPLICA_SET: Message = Message("io.k8s.api.apps.v1.ReplicaSet", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_REPLICA_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_REPLICA_SET_STATUS), One),
]);

pub(crate) static APPS_V1_REPLICA_SET_CONDITION: Message = Message("io.k8s.api.apps.v1.ReplicaSetCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static APPS_V1_REPLICA_SET_SPEC: Message = Message("io.k8s.api.apps.v1.ReplicaSetSpec", &[
    f(1, "replicas", I32, One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(crate) static APPS_V1_REPLICA_SET_STATUS: Message = Message("io.k8s.api.apps.v1.ReplicaSetStatus", &[
    f(1, "replicas", I32, One),
    f(2, "fullyLabeledReplicas", I32, OmitZero),
    f(4, "readyReplicas", I32, OmitZero),
    f(5, "availableReplicas", I32, OmitZero),
    f(7, "terminatingReplicas", I32, One),
    f(3, "observedGeneration", I64, OmitZero),
    f(6, "conditions", Msg(&APPS_V1_REPLICA_SET_CONDITION), Many),
]);

pub(crate) static APPS_V1_ROLLING_UPDATE_DAEMON_SET: Message = Message("io.k8s.api.apps.v1.RollingUpdateDaemonSet", &[
    f(1, "maxUnavailable", IntOrString, One),
    f(2, "maxSurge", IntOrString, One),
]);

pub(crate) static APPS_V1_ROLLING_UPDATE_DEPLOYMENT: Message = Message("io.k8s.api.apps.v1.RollingUpdateDeployment", &[
    f(1, "maxUnavailable", IntOrString, One),
    f(2, "maxSurge", IntOrString, One),
]);

pub(crate) static APPS_V1_ROLLING_UPDATE_STATEFUL_SET_STRATEGY: Message = Message("io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy", &[
    f(1, "partition", I32, One),
    f(2, "maxUnavailable", IntOrString, One),
]);

pub(crate) static APPS_V1_STATEFUL_SET: Message = Message("io.k8s.api.apps.v1.StatefulSet", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&APPS_V1_STATEFUL_SET_SPEC), One),
    f(3, "status", Msg(&APPS_V1_STATEFUL_SET_STATUS), One),
]);

pub(crate) static APPS_V1_STATEFUL_SET_CONDITION: Message = Message("io.k8s.api.apps.v1.StatefulSetCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static APPS_V1_STATEFUL_SET_ORDINALS: Message = Message("io.k8s.api.apps.v1.StatefulSetOrdinals", &[
    f(1, "start", I32, One),
]);

pub(crate) static APPS_V1_STATEFUL_SET_PERSISTENT_VOLUME_CLAIM_RETENTION_POLICY: Message = Message("io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", &[
    f(1, "whenDeleted", Str, OmitZero),
    f(2, "whenScaled", Str, OmitZero),
]);

pub(crate) static APPS_V1_STATEFUL_SET_SPEC: Message = Message("io.k8s.api.apps.v1.StatefulSetSpec", &[
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

pub(crate) static APPS_V1_STATEFUL_SET_STATUS: Message = Message("io.k8s.api.apps.v1.StatefulSetStatus", &[
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

pub(crate) static APPS_V1_STATEFUL_SET_UPDATE_STRATEGY: Message = Message("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", &[
    f(1, "type", Str, OmitZero),
    f(2, "rollingUpdate", Msg(&APPS_V1_ROLLING_UPDATE_STATEFUL_SET_STRATEGY), One),
]);

pub(crate) static AUTHENTICATION_V1_BOUND_OBJECT_REFERENCE: Message = Message("io.k8s.api.authentication.v1.BoundObjectReference", &[
    f(1, "kind", Str, OmitZero),
    f(2, "apiVersion", Str, OmitZero),
    f(3, "name", Str, OmitZero),
    f(4, "uid", Str, OmitZero),
]);

pub(crate) static AUTHENTICATION_V1_SELF_SUBJECT_REVIEW: Message = Message("io.k8s.api.authentication.v1.SelfSubjectReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "status", Msg(&AUTHENTICATION_V1_SELF_SUBJECT_REVIEW_STATUS), One),
]);

pub(crate) static AUTHENTICATION_V1_SELF_SUBJECT_REVIEW_STATUS: Message = Message("io.k8s.api.authentication.v1.SelfSubjectReviewStatus", &[
    f(1, "userInfo", Msg(&AUTHENTICATION_V1_USER_INFO), One),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REQUEST: Message = Message("io.k8s.api.authentication.v1.TokenRequest", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHENTICATION_V1_TOKEN_REQUEST_SPEC), One),
    f(3, "status", Msg(&AUTHENTICATION_V1_TOKEN_REQUEST_STATUS), One),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REQUEST_SPEC: Message = Message("io.k8s.api.authentication.v1.TokenRequestSpec", &[
    f(1, "audiences", Str, Many),
    f(4, "expirationSeconds", I64, One),
    f(3, "boundObjectRef", Msg(&AUTHENTICATION_V1_BOUND_OBJECT_REFERENCE), One),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REQUEST_STATUS: Message = Message("io.k8s.api.authentication.v1.TokenRequestStatus", &[
    f(1, "token", Str, One),
    f(2, "expirationTimestamp", Time, One),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REVIEW: Message = Message("io.k8s.api.authentication.v1.TokenReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHENTICATION_V1_TOKEN_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHENTICATION_V1_TOKEN_REVIEW_STATUS), One),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REVIEW_SPEC: Message = Message("io.k8s.api.authentication.v1.TokenReviewSpec", &[
    f(1, "token", Str, OmitZero),
    f(2, "audiences", Str, Many),
]);

pub(crate) static AUTHENTICATION_V1_TOKEN_REVIEW_STATUS: Message = Message("io.k8s.api.authentication.v1.TokenReviewStatus", &[
    f(1, "authenticated", Bool, OmitZero),
    f(2, "user", Msg(&AUTHENTICATION_V1_USER_INFO), One),
    f(4, "audiences", Str, Many),
    f(3, "error", Str, OmitZero),
]);

pub(crate) static AUTHENTICATION_V1_USER_INFO: Message = Message("io.k8s.api.authentication.v1.UserInfo", &[
    f(1, "username", Str, OmitZero),
    f(2, "uid", Str, OmitZero),
    f(3, "groups", Str, Many),
    f(4, "extra", Map(&StrList), One),
]);

pub(crate) static AUTHORIZATION_V1_FIELD_SELECTOR_ATTRIBUTES: Message = Message("io.k8s.api.authorization.v1.FieldSelectorAttributes", &[
    f(1, "rawSelector", Str, OmitZero),
    f(2, "requirements", Msg(&META_V1_FIELD_SELECTOR_REQUIREMENT), Many),
]);

pub(crate) static AUTHORIZATION_V1_LABEL_SELECTOR_ATTRIBUTES: Message = Message("io.k8s.api.authorization.v1.LabelSelectorAttributes", &[
    f(1, "rawSelector", Str, OmitZero),
    f(2, "requirements", Msg(&META_V1_LABEL_SELECTOR_REQUIREMENT), Many),
]);

pub(crate) static AUTHORIZATION_V1_LOCAL_SUBJECT_ACCESS_REVIEW: Message = Message("io.k8s.api.authorization.v1.LocalSubjectAccessReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(crate) static AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES: Message = Message("io.k8s.api.authorization.v1.NonResourceAttributes", &[
    f(1, "path", Str, OmitZero),
    f(2, "verb", Str, OmitZero),
]);

pub(crate) static AUTHORIZATION_V1_NON_RESOURCE_RULE: Message = Message("io.k8s.api.authorization.v1.NonResourceRule", &[
    f(1, "verbs", Str, Many),
    f(2, "nonResourceURLs", Str, Many),
]);

pub(crate) static AUTHORIZATION_V1_RESOURCE_ATTRIBUTES: Message = Message("io.k8s.api.authorization.v1.ResourceAttributes", &[
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

pub(crate) static AUTHORIZATION_V1_RESOURCE_RULE: Message = Message("io.k8s.api.authorization.v1.ResourceRule", &[
    f(1, "verbs", Str, Many),
    f(2, "apiGroups", Str, Many),
    f(3, "resources", Str, Many),
    f(4, "resourceNames", Str, Many),
]);

pub(crate) static AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW: Message = Message("io.k8s.api.authorization.v1.SelfSubjectAccessReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(crate) static AUTHORIZATION_V1_SELF_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message("io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec", &[
    f(1, "resourceAttributes", Msg(&AUTHORIZATION_V1_RESOURCE_ATTRIBUTES), One),
    f(2, "nonResourceAttributes", Msg(&AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES), One),
]);

pub(crate) static AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW: Message = Message("io.k8s.api.authorization.v1.SelfSubjectRulesReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_RULES_REVIEW_STATUS), One),
]);

pub(crate) static AUTHORIZATION_V1_SELF_SUBJECT_RULES_REVIEW_SPEC: Message = Message("io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec", &[
    f(1, "namespace", Str, OmitZero),
]);

pub(crate) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW: Message = Message("io.k8s.api.authorization.v1.SubjectAccessReview", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC), One),
    f(3, "status", Msg(&AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS), One),
]);

pub(crate) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_SPEC: Message = Message("io.k8s.api.authorization.v1.SubjectAccessReviewSpec", &[
    f(1, "resourceAttributes", Msg(&AUTHORIZATION_V1_RESOURCE_ATTRIBUTES), One),
    f(2, "nonResourceAttributes", Msg(&AUTHORIZATION_V1_NON_RESOURCE_ATTRIBUTES), One),
    f(3, "user", Str, OmitZero),
    f(4, "groups", Str, Many),
    f(5, "extra", Map(&StrList), One),
    f(6, "uid", Str, OmitZero),
]);

pub(crate) static AUTHORIZATION_V1_SUBJECT_ACCESS_REVIEW_STATUS: Message = Message("io.k8s.api.authorization.v1.SubjectAccessReviewStatus", &[
    f(1, "allowed", Bool, One),
    f(4, "denied", Bool, OmitZero),
    f(2, "reason", Str, OmitZero),
    f(3, "evaluationError", Str, OmitZero),
]);

pub(crate) static AUTHORIZATION_V1_SUBJECT_RULES_REVIEW_STATUS: Message = Message("io.k8s.api.authorization.v1.SubjectRulesReviewStatus", &[
    f(1, "resourceRules", Msg(&AUTHORIZATION_V1_RESOURCE_RULE), Many),
    f(2, "nonResourceRules", Msg(&AUTHORIZATION_V1_NON_RESOURCE_RULE), Many),
    f(3, "incomplete", Bool, One),
    f(4, "evaluationError", Str, OmitZero),
]);

pub(crate) static AUTOSCALING_V1_CROSS_VERSION_OBJECT_REFERENCE: Message = Message("io.k8s.api.autoscaling.v1.CrossVersionObjectReference", &[
    f(1, "kind", Str, One),
    f(2, "name", Str, One),
    f(3, "apiVersion", Str, OmitZero),
]);

pub(crate) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER: Message = Message("io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_STATUS), One),
]);

pub(crate) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_SPEC: Message = Message("io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec", &[
    f(1, "scaleTargetRef", Msg(&AUTOSCALING_V1_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "minReplicas", I32, One),
    f(3, "maxReplicas", I32, One),
    f(4, "targetCPUUtilizationPercentage", I32, One),
]);

pub(crate) static AUTOSCALING_V1_HORIZONTAL_POD_AUTOSCALER_STATUS: Message = Message("io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus", &[
    f(1, "observedGeneration", I64, One),
    f(2, "lastScaleTime", Time, One),
    f(3, "currentReplicas", I32, One),
    f(4, "desiredReplicas", I32, One),
    f(5, "currentCPUUtilizationPercentage", I32, One),
]);

pub(crate) static AUTOSCALING_V1_SCALE: Message = Message("io.k8s.api.autoscaling.v1.Scale", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V1_SCALE_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V1_SCALE_STATUS), One),
]);

pub(crate) static AUTOSCALING_V1_SCALE_SPEC: Message = Message("io.k8s.api.autoscaling.v1.ScaleSpec", &[
    f(1, "replicas", I32, OmitZero),
]);

pub(crate) static AUTOSCALING_V1_SCALE_STATUS: Message = Message("io.k8s.api.autoscaling.v1.ScaleStatus", &[
    f(1, "replicas", I32, One),
    f(2, "selector", Str, OmitZero),
]);

pub(crate) static AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_SOURCE: Message = Message("io.k8s.api.autoscaling.v2.ContainerResourceMetricSource", &[
    f(1, "name", Str, One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
    f(3, "container", Str, One),
]);

pub(crate) static AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.ContainerResourceMetricStatus", &[
    f(1, "name", Str, One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
    f(3, "container", Str, One),
]);

pub(crate) static AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE: Message = Message("io.k8s.api.autoscaling.v2.CrossVersionObjectReference", &[
    f(1, "kind", Str, One),
    f(2, "name", Str, One),
    f(3, "apiVersion", Str, OmitZero),
]);

pub(crate) static AUTOSCALING_V2_EXTERNAL_METRIC_SOURCE: Message = Message("io.k8s.api.autoscaling.v2.ExternalMetricSource", &[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(crate) static AUTOSCALING_V2_EXTERNAL_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.ExternalMetricStatus", &[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(crate) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER: Message = Message("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_SPEC), One),
    f(3, "status", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS), One),
]);

pub(crate) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_BEHAVIOR: Message = Message("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerBehavior", &[
    f(1, "scaleUp", Msg(&AUTOSCALING_V2_HPA_SCALING_RULES), One),
    f(2, "scaleDown", Msg(&AUTOSCALING_V2_HPA_SCALING_RULES), One),
]);

pub(crate) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_CONDITION: Message = Message("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_SPEC: Message = Message("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec", &[
    f(1, "scaleTargetRef", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "minReplicas", I32, One),
    f(3, "maxReplicas", I32, One),
    f(4, "metrics", Msg(&AUTOSCALING_V2_METRIC_SPEC), Many),
    f(5, "behavior", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_BEHAVIOR), One),
]);

pub(crate) static AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_STATUS: Message = Message("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus", &[
    f(1, "observedGeneration", I64, One),
    f(2, "lastScaleTime", Time, One),
    f(3, "currentReplicas", I32, OmitZero),
    f(4, "desiredReplicas", I32, One),
    f(5, "currentMetrics", Msg(&AUTOSCALING_V2_METRIC_STATUS), Many),
    f(6, "conditions", Msg(&AUTOSCALING_V2_HORIZONTAL_POD_AUTOSCALER_CONDITION), Many),
]);

pub(crate) static AUTOSCALING_V2_HPA_SCALING_POLICY: Message = Message("io.k8s.api.autoscaling.v2.HPAScalingPolicy", &[
    f(1, "type", Str, One),
    f(2, "value", I32, One),
    f(3, "periodSeconds", I32, One),
]);

pub(crate) static AUTOSCALING_V2_HPA_SCALING_RULES: Message = Message("io.k8s.api.autoscaling.v2.HPAScalingRules", &[
    f(3, "stabilizationWindowSeconds", I32, One),
    f(1, "selectPolicy", Str, One),
    f(2, "policies", Msg(&AUTOSCALING_V2_HPA_SCALING_POLICY), Many),
    f(4, "tolerance", Quantity, One),
]);

pub(crate) static AUTOSCALING_V2_METRIC_IDENTIFIER: Message = Message("io.k8s.api.autoscaling.v2.MetricIdentifier", &[
    f(1, "name", Str, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
]);

pub(crate) static AUTOSCALING_V2_METRIC_SPEC: Message = Message("io.k8s.api.autoscaling.v2.MetricSpec", &[
    f(1, "type", Str, One),
    f(2, "object", Msg(&AUTOSCALING_V2_OBJECT_METRIC_SOURCE), One),
    f(3, "pods", Msg(&AUTOSCALING_V2_PODS_METRIC_SOURCE), One),
    f(4, "resource", Msg(&AUTOSCALING_V2_RESOURCE_METRIC_SOURCE), One),
    f(7, "containerResource", Msg(&AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_SOURCE), One),
    f(5, "external", Msg(&AUTOSCALING_V2_EXTERNAL_METRIC_SOURCE), One),
]);

pub(crate) static AUTOSCALING_V2_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.MetricStatus", &[
    f(1, "type", Str, One),
    f(2, "object", Msg(&AUTOSCALING_V2_OBJECT_METRIC_STATUS), One),
    f(3, "pods", Msg(&AUTOSCALING_V2_PODS_METRIC_STATUS), One),
    f(4, "resource", Msg(&AUTOSCALING_V2_RESOURCE_METRIC_STATUS), One),
    f(7, "containerResource", Msg(&AUTOSCALING_V2_CONTAINER_RESOURCE_METRIC_STATUS), One),
    f(5, "external", Msg(&AUTOSCALING_V2_EXTERNAL_METRIC_STATUS), One),
]);

pub(crate) static AUTOSCALING_V2_METRIC_TARGET: Message = Message("io.k8s.api.autoscaling.v2.MetricTarget", &[
    f(1, "type", Str, One),
    f(2, "value", Quantity, One),
    f(3, "averageValue", Quantity, One),
    f(4, "averageUtilization", I32, One),
]);

pub(crate) static AUTOSCALING_V2_METRIC_VALUE_STATUS: Message = Message("io.k8s.api.autoscaling.v2.MetricValueStatus", &[
    f(1, "value", Quantity, One),
    f(2, "averageValue", Quantity, One),
    f(3, "averageUtilization", I32, One),
]);

pub(crate) static AUTOSCALING_V2_OBJECT_METRIC_SOURCE: Message = Message("io.k8s.api.autoscaling.v2.ObjectMetricSource", &[
    f(1, "describedObject", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
    f(3, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
]);

pub(crate) static AUTOSCALING_V2_OBJECT_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.ObjectMetricStatus", &[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
    f(3, "describedObject", Msg(&AUTOSCALING_V2_CROSS_VERSION_OBJECT_REFERENCE), One),
]);

pub(crate) static AUTOSCALING_V2_PODS_METRIC_SOURCE: Message = Message("io.k8s.api.autoscaling.v2.PodsMetricSource", &[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(crate) static AUTOSCALING_V2_PODS_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.PodsMetricStatus", &[
    f(1, "metric", Msg(&AUTOSCALING_V2_METRIC_IDENTIFIER), One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(crate) static AUTOSCALING_V2_RESOURCE_METRIC_SOURCE: Message = Message("io.k8s.api.autoscaling.v2.ResourceMetricSource", &[
    f(1, "name", Str, One),
    f(2, "target", Msg(&AUTOSCALING_V2_METRIC_TARGET), One),
]);

pub(crate) static AUTOSCALING_V2_RESOURCE_METRIC_STATUS: Message = Message("io.k8s.api.autoscaling.v2.ResourceMetricStatus", &[
    f(1, "name", Str, One),
    f(2, "current", Msg(&AUTOSCALING_V2_METRIC_VALUE_STATUS), One),
]);

pub(crate) static BATCH_V1_CRON_JOB: Message = Message("io.k8s.api.batch.v1.CronJob", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_CRON_JOB_SPEC), One),
    f(3, "status", Msg(&BATCH_V1_CRON_JOB_STATUS), One),
]);

pub(crate) static BATCH_V1_CRON_JOB_SPEC: Message = Message("io.k8s.api.batch.v1.CronJobSpec", &[
    f(1, "schedule", Str, One),
    f(8, "timeZone", Str, One),
    f(2, "startingDeadlineSeconds", I64, One),
    f(3, "concurrencyPolicy", Str, OmitZero),
    f(4, "suspend", Bool, One),
    f(5, "jobTemplate", Msg(&BATCH_V1_JOB_TEMPLATE_SPEC), One),
    f(6, "successfulJobsHistoryLimit", I32, One),
    f(7, "failedJobsHistoryLimit", I32, One),
]);

pub(crate) static BATCH_V1_CRON_JOB_STATUS: Message = Message("io.k8s.api.batch.v1.CronJobStatus", &[
    f(1, "active", Msg(&CORE_V1_OBJECT_REFERENCE), Many),
    f(4, "lastScheduleTime", Time, One),
    f(5, "lastSuccessfulTime", Time, One),
]);

pub(crate) static BATCH_V1_JOB: Message = Message("io.k8s.api.batch.v1.Job", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_JOB_SPEC), One),
    f(3, "status", Msg(&BATCH_V1_JOB_STATUS), One),
]);

pub(crate) static BATCH_V1_JOB_CONDITION: Message = Message("io.k8s.api.batch.v1.JobCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(crate) static BATCH_V1_JOB_SPEC: Message = Message("io.k8s.api.batch.v1.JobSpec", &[
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

pub(crate) static BATCH_V1_JOB_STATUS: Message = Message("io.k8s.api.batch.v1.JobStatus", &[
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

pub(crate) static BATCH_V1_JOB_TEMPLATE_SPEC: Message = Message("io.k8s.api.batch.v1.JobTemplateSpec", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&BATCH_V1_JOB_SPEC), One),
]);

pub(crate) static BATCH_V1_POD_FAILURE_POLICY: Message = Message("io.k8s.api.batch.v1.PodFailurePolicy", &[
    f(1, "rules", Msg(&BATCH_V1_POD_FAILURE_POLICY_RULE), Many),
]);

pub(crate) static BATCH_V1_POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT: Message = Message("io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement", &[
    f(1, "containerName", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", I32, Many),
]);

pub(crate) static BATCH_V1_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN: Message = Message("io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
]);

pub(crate) static BATCH_V1_POD_FAILURE_POLICY_RULE: Message = Message("io.k8s.api.batch.v1.PodFailurePolicyRule", &[
    f(1, "action", Str, One),
    f(2, "onExitCodes", Msg(&BATCH_V1_POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT), One),
    f(3, "onPodConditions", Msg(&BATCH_V1_POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN), Many),
]);

pub(crate) static BATCH_V1_SUCCESS_POLICY: Message = Message("io.k8s.api.batch.v1.SuccessPolicy", &[
    f(1, "rules", Msg(&BATCH_V1_SUCCESS_POLICY_RULE), Many),
]);

pub(crate) static BATCH_V1_SUCCESS_POLICY_RULE: Message = Message("io.k8s.api.batch.v1.SuccessPolicyRule", &[
    f(1, "succeededIndexes", Str, One),
    f(2, "succeededCount", I32, One),
]);

pub(crate) static BATCH_V1_UNCOUNTED_TERMINATED_PODS: Message = Message("io.k8s.api.batch.v1.UncountedTerminatedPods", &[
    f(1, "succeeded", Str, Many),
    f(2, "failed", Str, Many),
]);

pub(crate) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST: Message = Message("io.k8s.api.certificates.v1.CertificateSigningRequest", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_SPEC), One),
    f(3, "status", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_STATUS), One),
]);

pub(crate) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_CONDITION: Message = Message("io.k8s.api.certificates.v1.CertificateSigningRequestCondition", &[
    f(1, "type", Str, One),
    f(6, "status", Str, One),
    f(2, "reason", Str, OmitZero),
    f(3, "message", Str, OmitZero),
    f(4, "lastUpdateTime", Time, One),
    f(5, "lastTransitionTime", Time, One),
]);

pub(crate) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_SPEC: Message = Message("io.k8s.api.certificates.v1.CertificateSigningRequestSpec", &[
    f(1, "request", Bytes, One),
    f(7, "signerName", Str, One),
    f(8, "expirationSeconds", I32, One),
    f(5, "usages", Str, Many),
    f(2, "username", Str, OmitZero),
    f(3, "uid", Str, OmitZero),
    f(4, "groups", Str, Many),
    f(6, "extra", Map(&StrList), One),
]);

pub(crate) static CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_STATUS: Message = Message("io.k8s.api.certificates.v1.CertificateSigningRequestStatus", &[
    f(1, "conditions", Msg(&CERTIFICATES_V1_CERTIFICATE_SIGNING_REQUEST_CONDITION), Many),
    f(2, "certificate", Bytes, OmitZero),
]);

pub(crate) static COORDINATION_V1_LEASE: Message = Message("io.k8s.api.coordination.v1.Lease", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&COORDINATION_V1_LEASE_SPEC), One),
]);

pub(crate) static COORDINATION_V1_LEASE_SPEC: Message = Message("io.k8s.api.coordination.v1.LeaseSpec", &[
    f(1, "holderIdentity", Str, One),
    f(2, "leaseDurationSeconds", I32, One),
    f(3, "acquireTime", MicroTime, One),
    f(4, "renewTime", MicroTime, One),
    f(5, "leaseTransitions", I32, One),
    f(6, "strategy", Str, One),
    f(7, "preferredHolder", Str, One),
]);

pub(crate) static CORE_V1_AFFINITY: Message = Message("io.k8s.api.core.v1.Affinity", &[
    f(1, "nodeAffinity", Msg(&CORE_V1_NODE_AFFINITY), One),
    f(2, "podAffinity", Msg(&CORE_V1_POD_AFFINITY), One),
    f(3, "podAntiAffinity", Msg(&CORE_V1_POD_ANTI_AFFINITY), One),
]);

pub(crate) static CORE_V1_APP_ARMOR_PROFILE: Message = Message("io.k8s.api.core.v1.AppArmorProfile", &[
    f(1, "type", Str, One),
    f(2, "localhostProfile", Str, One),
]);

pub(crate) static CORE_V1_ATTACHED_VOLUME: Message = Message("io.k8s.api.core.v1.AttachedVolume", &[
    f(1, "name", Str, One),
    f(2, "devicePath", Str, One),
]);

pub(crate) static CORE_V1_AWS_ELASTIC_BLOCK_STORE_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.AWSElasticBlockStoreVolumeSource", &[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "partition", I32, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_AZURE_DISK_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.AzureDiskVolumeSource", &[
    f(1, "diskName", Str, One),
    f(2, "diskURI", Str, One),
    f(3, "cachingMode", Str, One),
    f(4, "fsType", Str, One),
    f(5, "readOnly", Bool, One),
    f(6, "kind", Str, One),
]);

pub(crate) static CORE_V1_AZURE_FILE_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.AzureFilePersistentVolumeSource", &[
    f(1, "secretName", Str, One),
    f(2, "shareName", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretNamespace", Str, One),
]);

pub(crate) static CORE_V1_AZURE_FILE_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.AzureFileVolumeSource", &[
    f(1, "secretName", Str, One),
    f(2, "shareName", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_BINDING: Message = Message("io.k8s.api.core.v1.Binding", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "target", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_CAPABILITIES: Message = Message("io.k8s.api.core.v1.Capabilities", &[
    f(1, "add", Str, Many),
    f(2, "drop", Str, Many),
]);

pub(crate) static CORE_V1_CEPH_FS_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CephFSPersistentVolumeSource", &[
    f(1, "monitors", Str, Many),
    f(2, "path", Str, OmitZero),
    f(3, "user", Str, OmitZero),
    f(4, "secretFile", Str, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(6, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_CEPH_FS_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CephFSVolumeSource", &[
    f(1, "monitors", Str, Many),
    f(2, "path", Str, OmitZero),
    f(3, "user", Str, OmitZero),
    f(4, "secretFile", Str, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(6, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_CINDER_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CinderPersistentVolumeSource", &[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
]);

pub(crate) static CORE_V1_CINDER_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CinderVolumeSource", &[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_CLIENT_IP_CONFIG: Message = Message("io.k8s.api.core.v1.ClientIPConfig", &[
    f(1, "timeoutSeconds", I32, One),
]);

pub(crate) static CORE_V1_CLUSTER_TRUST_BUNDLE_PROJECTION: Message = Message("io.k8s.api.core.v1.ClusterTrustBundleProjection", &[
    f(1, "name", Str, One),
    f(2, "signerName", Str, One),
    f(3, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "optional", Bool, One),
    f(4, "path", Str, One),
]);

pub(crate) static CORE_V1_CONFIG_MAP: Message = Message("io.k8s.api.core.v1.ConfigMap", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(4, "immutable", Bool, One),
    f(2, "data", Map(&Str), One),
    f(3, "binaryData", Map(&Bytes), One),
]);

pub(crate) static CORE_V1_CONFIG_MAP_ENV_SOURCE: Message = Message("io.k8s.api.core.v1.ConfigMapEnvSource", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "optional", Bool, One),
]);

pub(crate) static CORE_V1_CONFIG_MAP_KEY_SELECTOR: Message = Message("io.k8s.api.core.v1.ConfigMapKeySelector", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "key", Str, One),
    f(3, "optional", Bool, One),
]);

pub(crate) static CORE_V1_CONFIG_MAP_NODE_CONFIG_SOURCE: Message = Message("io.k8s.api.core.v1.ConfigMapNodeConfigSource", &[
    f(1, "namespace", Str, One),
    f(2, "name", Str, One),
    f(3, "uid", Str, OmitZero),
    f(4, "resourceVersion", Str, OmitZero),
    f(5, "kubeletConfigKey", Str, One),
]);

pub(crate) static CORE_V1_CONFIG_MAP_PROJECTION: Message = Message("io.k8s.api.core.v1.ConfigMapProjection", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(4, "optional", Bool, One),
]);

pub(crate) static CORE_V1_CONFIG_MAP_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ConfigMapVolumeSource", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(3, "defaultMode", I32, One),
    f(4, "optional", Bool, One),
]);

pub(crate) static CORE_V1_CONTAINER: Message = Message("io.k8s.api.core.v1.Container", &[
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

pub(crate) static CORE_V1_CONTAINER_EXTENDED_RESOURCE_REQUEST: Message = Message("io.k8s.api.core.v1.ContainerExtendedResourceRequest", &[
    f(1, "containerName", Str, One),
    f(2, "resourceName", Str, One),
    f(3, "requestName", Str, One),
]);

pub(crate) static CORE_V1_CONTAINER_IMAGE: Message = Message("io.k8s.api.core.v1.ContainerImage", &[
    f(1, "names", Str, Many),
    f(2, "sizeBytes", I64, OmitZero),
]);

pub(crate) static CORE_V1_CONTAINER_PORT: Message = Message("io.k8s.api.core.v1.ContainerPort", &[
    f(1, "name", Str, OmitZero),
    f(2, "hostPort", I32, OmitZero),
    f(3, "containerPort", I32, One),
    f(4, "protocol", Str, OmitZero),
    f(5, "hostIP", Str, OmitZero),
]);

pub(crate) static CORE_V1_CONTAINER_RESIZE_POLICY: Message = Message("io.k8s.api.core.v1.ContainerResizePolicy", &[
    f(1, "resourceName", Str, One),
    f(2, "restartPolicy", Str, One),
]);

pub(crate) static CORE_V1_CONTAINER_RESTART_RULE: Message = Message("io.k8s.api.core.v1.ContainerRestartRule", &[
    f(1, "action", Str, OmitZero),
    f(2, "exitCodes", Msg(&CORE_V1_CONTAINER_RESTART_RULE_ON_EXIT_CODES), One),
]);

pub(crate) static CORE_V1_CONTAINER_RESTART_RULE_ON_EXIT_CODES: Message = Message("io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes", &[
    f(1, "operator", Str, OmitZero),
    f(2, "values", I32, Many),
]);

pub(crate) static CORE_V1_CONTAINER_STATE: Message = Message("io.k8s.api.core.v1.ContainerState", &[
    f(1, "waiting", Msg(&CORE_V1_CONTAINER_STATE_WAITING), One),
    f(2, "running", Msg(&CORE_V1_CONTAINER_STATE_RUNNING), One),
    f(3, "terminated", Msg(&CORE_V1_CONTAINER_STATE_TERMINATED), One),
]);

pub(crate) static CORE_V1_CONTAINER_STATE_RUNNING: Message = Message("io.k8s.api.core.v1.ContainerStateRunning", &[
    f(1, "startedAt", Time, One),
]);

pub(crate) static CORE_V1_CONTAINER_STATE_TERMINATED: Message = Message("io.k8s.api.core.v1.ContainerStateTerminated", &[
    f(1, "exitCode", I32, One),
    f(2, "signal", I32, OmitZero),
    f(3, "reason", Str, OmitZero),
    f(4, "message", Str, OmitZero),
    f(5, "startedAt", Time, One),
    f(6, "finishedAt", Time, One),
    f(7, "containerID", Str, OmitZero),
]);

pub(crate) static CORE_V1_CONTAINER_STATE_WAITING: Message = Message("io.k8s.api.core.v1.ContainerStateWaiting", &[
    f(1, "reason", Str, OmitZero),
    f(2, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_CONTAINER_STATUS: Message = Message("io.k8s.api.core.v1.ContainerStatus", &[
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

pub(crate) static CORE_V1_CONTAINER_USER: Message = Message("io.k8s.api.core.v1.ContainerUser", &[
    f(1, "linux", Msg(&CORE_V1_LINUX_CONTAINER_USER), One),
]);

pub(crate) static CORE_V1_CSI_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CSIPersistentVolumeSource", &[
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

pub(crate) static CORE_V1_CSI_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.CSIVolumeSource", &[
    f(1, "driver", Str, One),
    f(2, "readOnly", Bool, One),
    f(3, "fsType", Str, One),
    f(4, "volumeAttributes", Map(&Str), One),
    f(5, "nodePublishSecretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_DAEMON_ENDPOINT: Message = Message("io.k8s.api.core.v1.DaemonEndpoint", &[
    f(1, "Port", I32, One),
]);

pub(crate) static CORE_V1_DOWNWARD_API_PROJECTION: Message = Message("io.k8s.api.core.v1.DownwardAPIProjection", &[
    f(1, "items", Msg(&CORE_V1_DOWNWARD_API_VOLUME_FILE), Many),
]);

pub(crate) static CORE_V1_DOWNWARD_API_VOLUME_FILE: Message = Message("io.k8s.api.core.v1.DownwardAPIVolumeFile", &[
    f(1, "path", Str, One),
    f(2, "fieldRef", Msg(&CORE_V1_OBJECT_FIELD_SELECTOR), One),
    f(3, "resourceFieldRef", Msg(&CORE_V1_RESOURCE_FIELD_SELECTOR), One),
    f(4, "mode", I32, One),
]);

pub(crate) static CORE_V1_DOWNWARD_API_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.DownwardAPIVolumeSource", &[
    f(1, "items", Msg(&CORE_V1_DOWNWARD_API_VOLUME_FILE), Many),
    f(2, "defaultMode", I32, One),
]);

pub(crate) static CORE_V1_EMPTY_DIR_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.EmptyDirVolumeSource", &[
    f(1, "medium", Str, OmitZero),
    f(2, "sizeLimit", Quantity, One),
]);

pub(crate) static CORE_V1_ENDPOINTS: Message = Message("io.k8s.api.core.v1.Endpoints", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subsets", Msg(&CORE_V1_ENDPOINT_SUBSET), Many),
]);

pub(crate) static CORE_V1_ENDPOINT_ADDRESS: Message = Message("io.k8s.api.core.v1.EndpointAddress", &[
    f(1, "ip", Str, One),
    f(3, "hostname", Str, OmitZero),
    f(4, "nodeName", Str, One),
    f(2, "targetRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_ENDPOINT_PORT: Message = Message("io.k8s.api.core.v1.EndpointPort", &[
    f(1, "name", Str, OmitZero),
    f(2, "port", I32, One),
    f(3, "protocol", Str, OmitZero),
    f(4, "appProtocol", Str, One),
]);

pub(crate) static CORE_V1_ENDPOINT_SUBSET: Message = Message("io.k8s.api.core.v1.EndpointSubset", &[
    f(1, "addresses", Msg(&CORE_V1_ENDPOINT_ADDRESS), Many),
    f(2, "notReadyAddresses", Msg(&CORE_V1_ENDPOINT_ADDRESS), Many),
    f(3, "ports", Msg(&CORE_V1_ENDPOINT_PORT), Many),
]);

pub(crate) static CORE_V1_ENV_FROM_SOURCE: Message = Message("io.k8s.api.core.v1.EnvFromSource", &[
    f(1, "prefix", Str, OmitZero),
    f(2, "configMapRef", Msg(&CORE_V1_CONFIG_MAP_ENV_SOURCE), One),
    f(3, "secretRef", Msg(&CORE_V1_SECRET_ENV_SOURCE), One),
]);

pub(crate) static CORE_V1_ENV_VAR: Message = Message("io.k8s.api.core.v1.EnvVar", &[
    f(1, "name", Str, One),
    f(2, "value", Str, OmitZero),
    f(3, "valueFrom", Msg(&CORE_V1_ENV_VAR_SOURCE), One),
]);

pub(crate) static CORE_V1_ENV_VAR_SOURCE: Message = Message("io.k8s.api.core.v1.EnvVarSource", &[
    f(1, "fieldRef", Msg(&CORE_V1_OBJECT_FIELD_SELECTOR), One),
    f(2, "resourceFieldRef", Msg(&CORE_V1_RESOURCE_FIELD_SELECTOR), One),
    f(3, "configMapKeyRef", Msg(&CORE_V1_CONFIG_MAP_KEY_SELECTOR), One),
    f(4, "secretKeyRef", Msg(&CORE_V1_SECRET_KEY_SELECTOR), One),
    f(5, "fileKeyRef", Msg(&CORE_V1_FILE_KEY_SELECTOR), One),
]);

pub(crate) static CORE_V1_EPHEMERAL_CONTAINER: Message = Message("io.k8s.api.core.v1.EphemeralContainer", &[
    f(1, "", Msg(&CORE_V1_EPHEMERAL_CONTAINER_COMMON), Inline),
    f(2, "targetContainerName", Str, OmitZero),
]);

pub(crate) static CORE_V1_EPHEMERAL_CONTAINER_COMMON: Message = Message("io.k8s.api.core.v1.EphemeralContainerCommon", &[
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

pub(crate) static CORE_V1_EPHEMERAL_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.EphemeralVolumeSource", &[
    f(1, "volumeClaimTemplate", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_TEMPLATE), One),
]);

pub(crate) static CORE_V1_EVENT: Message = Message("io.k8s.api.core.v1.Event", &[
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

pub(crate) static CORE_V1_EVENT_SERIES: Message = Message("io.k8s.api.core.v1.EventSeries", &[
    f(1, "count", I32, OmitZero),
    f(2, "lastObservedTime", MicroTime, One),
]);

pub(crate) static CORE_V1_EVENT_SOURCE: Message = Message("io.k8s.api.core.v1.EventSource", &[
    f(1, "component", Str, OmitZero),
    f(2, "host", Str, OmitZero),
]);

pub(crate) static CORE_V1_EXEC_ACTION: Message = Message("io.k8s.api.core.v1.ExecAction", &[
    f(1, "command", Str, Many),
]);

pub(crate) static CORE_V1_FC_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.FCVolumeSource", &[
    f(1, "targetWWNs", Str, Many),
    f(2, "lun", I32, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "wwids", Str, Many),
]);

pub(crate) static CORE_V1_FILE_KEY_SELECTOR: Message = Message("io.k8s.api.core.v1.FileKeySelector", &[
    f(1, "volumeName", Str, One),
    f(2, "path", Str, One),
    f(3, "key", Str, One),
    f(4, "optional", Bool, One),
]);

pub(crate) static CORE_V1_FLEX_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.FlexPersistentVolumeSource", &[
    f(1, "driver", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "options", Map(&Str), One),
]);

pub(crate) static CORE_V1_FLEX_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.FlexVolumeSource", &[
    f(1, "driver", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "options", Map(&Str), One),
]);

pub(crate) static CORE_V1_FLOCKER_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.FlockerVolumeSource", &[
    f(1, "datasetName", Str, OmitZero),
    f(2, "datasetUUID", Str, OmitZero),
]);

pub(crate) static CORE_V1_GCE_PERSISTENT_DISK_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.GCEPersistentDiskVolumeSource", &[
    f(1, "pdName", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "partition", I32, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_GIT_REPO_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.GitRepoVolumeSource", &[
    f(1, "repository", Str, One),
    f(2, "revision", Str, OmitZero),
    f(3, "directory", Str, OmitZero),
]);

pub(crate) static CORE_V1_GLUSTERFS_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.GlusterfsPersistentVolumeSource", &[
    f(1, "endpoints", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "endpointsNamespace", Str, One),
]);

pub(crate) static CORE_V1_GLUSTERFS_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.GlusterfsVolumeSource", &[
    f(1, "endpoints", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_GRPC_ACTION: Message = Message("io.k8s.api.core.v1.GRPCAction", &[
    f(1, "port", I32, One),
    f(2, "service", Str, One),
]);

pub(crate) static CORE_V1_HOST_ALIAS: Message = Message("io.k8s.api.core.v1.HostAlias", &[
    f(1, "ip", Str, One),
    f(2, "hostnames", Str, Many),
]);

pub(crate) static CORE_V1_HOST_IP: Message = Message("io.k8s.api.core.v1.HostIP", &[
    f(1, "ip", Str, One),
]);

pub(crate) static CORE_V1_HOST_PATH_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.HostPathVolumeSource", &[
    f(1, "path", Str, One),
    f(2, "type", Str, One),
]);

pub(crate) static CORE_V1_HTTP_GET_ACTION: Message = Message("io.k8s.api.core.v1.HTTPGetAction", &[
    f(1, "path", Str, OmitZero),
    f(2, "port", IntOrString, One),
    f(3, "host", Str, OmitZero),
    f(4, "scheme", Str, OmitZero),
    f(5, "httpHeaders", Msg(&CORE_V1_HTTP_HEADER), Many),
]);

pub(crate) static CORE_V1_HTTP_HEADER: Message = Message("io.k8s.api.core.v1.HTTPHeader", &[
    f(1, "name", Str, One),
    f(2, "value", Str, One),
]);

pub(crate) static CORE_V1_IMAGE_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ImageVolumeSource", &[
    f(1, "reference", Str, OmitZero),
    f(2, "pullPolicy", Str, OmitZero),
]);

pub(crate) static CORE_V1_IMAGE_VOLUME_STATUS: Message = Message("io.k8s.api.core.v1.ImageVolumeStatus", &[
    f(1, "imageRef", Str, OmitZero),
]);

pub(crate) static CORE_V1_ISCSI_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ISCSIPersistentVolumeSource", &[
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

pub(crate) static CORE_V1_ISCSI_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ISCSIVolumeSource", &[
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

pub(crate) static CORE_V1_KEY_TO_PATH: Message = Message("io.k8s.api.core.v1.KeyToPath", &[
    f(1, "key", Str, One),
    f(2, "path", Str, One),
    f(3, "mode", I32, One),
]);

pub(crate) static CORE_V1_LIFECYCLE: Message = Message("io.k8s.api.core.v1.Lifecycle", &[
    f(1, "postStart", Msg(&CORE_V1_LIFECYCLE_HANDLER), One),
    f(2, "preStop", Msg(&CORE_V1_LIFECYCLE_HANDLER), One),
    f(3, "stopSignal", Str, One),
]);

pub(crate) static CORE_V1_LIFECYCLE_HANDLER: Message = Message("io.k8s.api.core.v1.LifecycleHandler", &[
    f(1, "exec", Msg(&CORE_V1_EXEC_ACTION), One),
    f(2, "httpGet", Msg(&CORE_V1_HTTP_GET_ACTION), One),
    f(3, "tcpSocket", Msg(&CORE_V1_TCP_SOCKET_ACTION), One),
    f(4, "sleep", Msg(&CORE_V1_SLEEP_ACTION), One),
]);

pub(crate) static CORE_V1_LIMIT_RANGE: Message = Message("io.k8s.api.core.v1.LimitRange", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_LIMIT_RANGE_SPEC), One),
]);

pub(crate) static CORE_V1_LIMIT_RANGE_ITEM: Message = Message("io.k8s.api.core.v1.LimitRangeItem", &[
    f(1, "type", Str, One),
    f(2, "max", Map(&Quantity), One),
    f(3, "min", Map(&Quantity), One),
    f(4, "default", Map(&Quantity), One),
    f(5, "defaultRequest", Map(&Quantity), One),
    f(6, "maxLimitRequestRatio", Map(&Quantity), One),
]);

pub(crate) static CORE_V1_LIMIT_RANGE_SPEC: Message = Message("io.k8s.api.core.v1.LimitRangeSpec", &[
    f(1, "limits", Msg(&CORE_V1_LIMIT_RANGE_ITEM), Many),
]);

pub(crate) static CORE_V1_LINUX_CONTAINER_USER: Message = Message("io.k8s.api.core.v1.LinuxContainerUser", &[
    f(1, "uid", I64, One),
    f(2, "gid", I64, One),
    f(3, "supplementalGroups", I64, Many),
]);

pub(crate) static CORE_V1_LOAD_BALANCER_INGRESS: Message = Message("io.k8s.api.core.v1.LoadBalancerIngress", &[
    f(1, "ip", Str, OmitZero),
    f(2, "hostname", Str, OmitZero),
    f(3, "ipMode", Str, One),
    f(4, "ports", Msg(&CORE_V1_PORT_STATUS), Many),
]);

pub(crate) static CORE_V1_LOAD_BALANCER_STATUS: Message = Message("io.k8s.api.core.v1.LoadBalancerStatus", &[
    f(1, "ingress", Msg(&CORE_V1_LOAD_BALANCER_INGRESS), Many),
]);

pub(crate) static CORE_V1_LOCAL_OBJECT_REFERENCE: Message = Message("io.k8s.api.core.v1.LocalObjectReference", &[
    f(1, "name", Str, OmitZero),
]);

pub(crate) static CORE_V1_LOCAL_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.LocalVolumeSource", &[
    f(1, "path", Str, One),
    f(2, "fsType", Str, One),
]);

pub(crate) static CORE_V1_MODIFY_VOLUME_STATUS: Message = Message("io.k8s.api.core.v1.ModifyVolumeStatus", &[
    f(1, "targetVolumeAttributesClassName", Str, OmitZero),
    f(2, "status", Str, One),
]);

pub(crate) static CORE_V1_NAMESPACE: Message = Message("io.k8s.api.core.v1.Namespace", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_NAMESPACE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_NAMESPACE_STATUS), One),
]);

pub(crate) static CORE_V1_NAMESPACE_CONDITION: Message = Message("io.k8s.api.core.v1.NamespaceCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_NAMESPACE_SPEC: Message = Message("io.k8s.api.core.v1.NamespaceSpec", &[
    f(1, "finalizers", Str, Many),
]);

pub(crate) static CORE_V1_NAMESPACE_STATUS: Message = Message("io.k8s.api.core.v1.NamespaceStatus", &[
    f(1, "phase", Str, OmitZero),
    f(2, "conditions", Msg(&CORE_V1_NAMESPACE_CONDITION), Many),
]);

pub(crate) static CORE_V1_NFS_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.NFSVolumeSource", &[
    f(1, "server", Str, One),
    f(2, "path", Str, One),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_NODE: Message = Message("io.k8s.api.core.v1.Node", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_NODE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_NODE_STATUS), One),
]);

pub(crate) static CORE_V1_NODE_ADDRESS: Message = Message("io.k8s.api.core.v1.NodeAddress", &[
    f(1, "type", Str, One),
    f(2, "address", Str, One),
]);

pub(crate) static CORE_V1_NODE_AFFINITY: Message = Message("io.k8s.api.core.v1.NodeAffinity", &[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_NODE_SELECTOR), One),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_PREFERRED_SCHEDULING_TERM), Many),
]);

pub(crate) static CORE_V1_NODE_ALLOCATABLE_RESOURCE_CLAIM_STATUS: Message = Message("io.k8s.api.core.v1.NodeAllocatableResourceClaimStatus", &[
    f(1, "resourceClaimName", Str, One),
    f(2, "containers", Str, Many),
    f(3, "resources", Map(&Quantity), One),
]);

pub(crate) static CORE_V1_NODE_CONDITION: Message = Message("io.k8s.api.core.v1.NodeCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastHeartbeatTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_NODE_CONFIG_SOURCE: Message = Message("io.k8s.api.core.v1.NodeConfigSource", &[
    f(2, "configMap", Msg(&CORE_V1_CONFIG_MAP_NODE_CONFIG_SOURCE), One),
]);

pub(crate) static CORE_V1_NODE_CONFIG_STATUS: Message = Message("io.k8s.api.core.v1.NodeConfigStatus", &[
    f(1, "assigned", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(2, "active", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(3, "lastKnownGood", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(4, "error", Str, OmitZero),
]);

pub(crate) static CORE_V1_NODE_DAEMON_ENDPOINTS: Message = Message("io.k8s.api.core.v1.NodeDaemonEndpoints", &[
    f(1, "kubeletEndpoint", Msg(&CORE_V1_DAEMON_ENDPOINT), One),
]);

pub(crate) static CORE_V1_NODE_FEATURES: Message = Message("io.k8s.api.core.v1.NodeFeatures", &[
    f(1, "supplementalGroupsPolicy", Bool, One),
]);

pub(crate) static CORE_V1_NODE_RUNTIME_HANDLER: Message = Message("io.k8s.api.core.v1.NodeRuntimeHandler", &[
    f(1, "name", Str, One),
    f(2, "features", Msg(&CORE_V1_NODE_RUNTIME_HANDLER_FEATURES), One),
]);

pub(crate) static CORE_V1_NODE_RUNTIME_HANDLER_FEATURES: Message = Message("io.k8s.api.core.v1.NodeRuntimeHandlerFeatures", &[
    f(1, "recursiveReadOnlyMounts", Bool, One),
    f(2, "userNamespaces", Bool, One),
]);

pub(crate) static CORE_V1_NODE_SELECTOR: Message = Message("io.k8s.api.core.v1.NodeSelector", &[
    f(1, "nodeSelectorTerms", Msg(&CORE_V1_NODE_SELECTOR_TERM), Many),
]);

pub(crate) static CORE_V1_NODE_SELECTOR_REQUIREMENT: Message = Message("io.k8s.api.core.v1.NodeSelectorRequirement", &[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(crate) static CORE_V1_NODE_SELECTOR_TERM: Message = Message("io.k8s.api.core.v1.NodeSelectorTerm", &[
    f(1, "matchExpressions", Msg(&CORE_V1_NODE_SELECTOR_REQUIREMENT), Many),
    f(2, "matchFields", Msg(&CORE_V1_NODE_SELECTOR_REQUIREMENT), Many),
]);

pub(crate) static CORE_V1_NODE_SPEC: Message = Message("io.k8s.api.core.v1.NodeSpec", &[
    f(1, "podCIDR", Str, OmitZero),
    f(7, "podCIDRs", Str, Many),
    f(3, "providerID", Str, OmitZero),
    f(4, "unschedulable", Bool, OmitZero),
    f(5, "taints", Msg(&CORE_V1_TAINT), Many),
    f(6, "configSource", Msg(&CORE_V1_NODE_CONFIG_SOURCE), One),
    f(2, "externalID", Str, OmitZero),
]);

pub(crate) static CORE_V1_NODE_STATUS: Message = Message("io.k8s.api.core.v1.NodeStatus", &[
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

pub(crate) static CORE_V1_NODE_SWAP_STATUS: Message = Message("io.k8s.api.core.v1.NodeSwapStatus", &[
    f(1, "capacity", I64, One),
]);

pub(crate) static CORE_V1_NODE_SYSTEM_INFO: Message = Message("io.k8s.api.core.v1.NodeSystemInfo", &[
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

pub(crate) static CORE_V1_OBJECT_FIELD_SELECTOR: Message = Message("io.k8s.api.core.v1.ObjectFieldSelector", &[
    f(1, "apiVersion", Str, OmitZero),
    f(2, "fieldPath", Str, One),
]);

pub(crate) static CORE_V1_OBJECT_REFERENCE: Message = Message("io.k8s.api.core.v1.ObjectReference", &[
    f(1, "kind", Str, OmitZero),
    f(2, "namespace", Str, OmitZero),
    f(3, "name", Str, OmitZero),
    f(4, "uid", Str, OmitZero),
    f(5, "apiVersion", Str, OmitZero),
    f(6, "resourceVersion", Str, OmitZero),
    f(7, "fieldPath", Str, OmitZero),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME: Message = Message("io.k8s.api.core.v1.PersistentVolume", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_SPEC), One),
    f(3, "status", Msg(&CORE_V1_PERSISTENT_VOLUME_STATUS), One),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaim", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC), One),
    f(3, "status", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_STATUS), One),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM_CONDITION: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaimCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaimSpec", &[
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

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM_STATUS: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaimStatus", &[
    f(1, "phase", Str, OmitZero),
    f(2, "accessModes", Str, Many),
    f(3, "capacity", Map(&Quantity), One),
    f(4, "conditions", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_CONDITION), Many),
    f(5, "allocatedResources", Map(&Quantity), One),
    f(7, "allocatedResourceStatuses", Map(&Str), One),
    f(8, "currentVolumeAttributesClassName", Str, One),
    f(9, "modifyVolumeStatus", Msg(&CORE_V1_MODIFY_VOLUME_STATUS), One),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM_TEMPLATE: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaimTemplate", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_PERSISTENT_VOLUME_CLAIM_SPEC), One),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.PersistentVolumeClaimVolumeSource", &[
    f(1, "claimName", Str, One),
    f(2, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.PersistentVolumeSource", &[
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

pub(crate) static CORE_V1_PERSISTENT_VOLUME_SPEC: Message = Message("io.k8s.api.core.v1.PersistentVolumeSpec", &[
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

pub(crate) static CORE_V1_PERSISTENT_VOLUME_STATUS: Message = Message("io.k8s.api.core.v1.PersistentVolumeStatus", &[
    f(1, "phase", Str, OmitZero),
    f(2, "message", Str, OmitZero),
    f(3, "reason", Str, OmitZero),
    f(4, "lastPhaseTransitionTime", Time, One),
]);

pub(crate) static CORE_V1_PHOTON_PERSISTENT_DISK_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.PhotonPersistentDiskVolumeSource", &[
    f(1, "pdID", Str, One),
    f(2, "fsType", Str, OmitZero),
]);

pub(crate) static CORE_V1_POD: Message = Message("io.k8s.api.core.v1.Pod", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_POD_SPEC), One),
    f(3, "status", Msg(&CORE_V1_POD_STATUS), One),
]);

pub(crate) static CORE_V1_POD_AFFINITY: Message = Message("io.k8s.api.core.v1.PodAffinity", &[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_POD_AFFINITY_TERM), Many),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_WEIGHTED_POD_AFFINITY_TERM), Many),
]);

pub(crate) static CORE_V1_POD_AFFINITY_TERM: Message = Message("io.k8s.api.core.v1.PodAffinityTerm", &[
    f(1, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "namespaces", Str, Many),
    f(3, "topologyKey", Str, One),
    f(4, "namespaceSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "matchLabelKeys", Str, Many),
    f(6, "mismatchLabelKeys", Str, Many),
]);

pub(crate) static CORE_V1_POD_ANTI_AFFINITY: Message = Message("io.k8s.api.core.v1.PodAntiAffinity", &[
    f(1, "requiredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_POD_AFFINITY_TERM), Many),
    f(2, "preferredDuringSchedulingIgnoredDuringExecution", Msg(&CORE_V1_WEIGHTED_POD_AFFINITY_TERM), Many),
]);

pub(crate) static CORE_V1_POD_CERTIFICATE_PROJECTION: Message = Message("io.k8s.api.core.v1.PodCertificateProjection", &[
    f(1, "signerName", Str, OmitZero),
    f(2, "keyType", Str, OmitZero),
    f(3, "maxExpirationSeconds", I32, One),
    f(4, "credentialBundlePath", Str, OmitZero),
    f(5, "keyPath", Str, OmitZero),
    f(6, "certificateChainPath", Str, OmitZero),
    f(7, "userAnnotations", Map(&Str), One),
]);

pub(crate) static CORE_V1_POD_CONDITION: Message = Message("io.k8s.api.core.v1.PodCondition", &[
    f(1, "type", Str, One),
    f(7, "observedGeneration", I64, OmitZero),
    f(2, "status", Str, One),
    f(3, "lastProbeTime", Time, One),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, OmitZero),
    f(6, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_POD_DNS_CONFIG: Message = Message("io.k8s.api.core.v1.PodDNSConfig", &[
    f(1, "nameservers", Str, Many),
    f(2, "searches", Str, Many),
    f(3, "options", Msg(&CORE_V1_POD_DNS_CONFIG_OPTION), Many),
]);

pub(crate) static CORE_V1_POD_DNS_CONFIG_OPTION: Message = Message("io.k8s.api.core.v1.PodDNSConfigOption", &[
    f(1, "name", Str, OmitZero),
    f(2, "value", Str, One),
]);

pub(crate) static CORE_V1_POD_EXTENDED_RESOURCE_CLAIM_STATUS: Message = Message("io.k8s.api.core.v1.PodExtendedResourceClaimStatus", &[
    f(1, "requestMappings", Msg(&CORE_V1_CONTAINER_EXTENDED_RESOURCE_REQUEST), Many),
    f(2, "resourceClaimName", Str, One),
]);

pub(crate) static CORE_V1_POD_IP: Message = Message("io.k8s.api.core.v1.PodIP", &[
    f(1, "ip", Str, One),
]);

pub(crate) static CORE_V1_POD_OS: Message = Message("io.k8s.api.core.v1.PodOS", &[
    f(1, "name", Str, One),
]);

pub(crate) static CORE_V1_POD_READINESS_GATE: Message = Message("io.k8s.api.core.v1.PodReadinessGate", &[
    f(1, "conditionType", Str, One),
]);

pub(crate) static CORE_V1_POD_RESOURCE_CLAIM: Message = Message("io.k8s.api.core.v1.PodResourceClaim", &[
    f(1, "name", Str, One),
    f(3, "resourceClaimName", Str, One),
    f(4, "resourceClaimTemplateName", Str, One),
]);

pub(crate) static CORE_V1_POD_RESOURCE_CLAIM_STATUS: Message = Message("io.k8s.api.core.v1.PodResourceClaimStatus", &[
    f(1, "name", Str, One),
    f(2, "resourceClaimName", Str, One),
]);

pub(crate) static CORE_V1_POD_SCHEDULING_GATE: Message = Message("io.k8s.api.core.v1.PodSchedulingGate", &[
    f(1, "name", Str, One),
]);

pub(crate) static CORE_V1_POD_SCHEDULING_GROUP: Message = Message("io.k8s.api.core.v1.PodSchedulingGroup", &[
    f(1, "podGroupName", Str, One),
]);

pub(crate) static CORE_V1_POD_SECURITY_CONTEXT: Message = Message("io.k8s.api.core.v1.PodSecurityContext", &[
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

pub(crate) static CORE_V1_POD_SPEC: Message = Message("io.k8s.api.core.v1.PodSpec", &[
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

pub(crate) static CORE_V1_POD_STATUS: Message = Message("io.k8s.api.core.v1.PodStatus", &[
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

pub(crate) static CORE_V1_POD_TEMPLATE: Message = Message("io.k8s.api.core.v1.PodTemplate", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(crate) static CORE_V1_POD_TEMPLATE_SPEC: Message = Message("io.k8s.api.core.v1.PodTemplateSpec", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_POD_SPEC), One),
]);

pub(crate) static CORE_V1_PORTWORX_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.PortworxVolumeSource", &[
    f(1, "volumeID", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_PORT_STATUS: Message = Message("io.k8s.api.core.v1.PortStatus", &[
    f(1, "port", I32, One),
    f(2, "protocol", Str, One),
    f(3, "error", Str, One),
]);

pub(crate) static CORE_V1_PREFERRED_SCHEDULING_TERM: Message = Message("io.k8s.api.core.v1.PreferredSchedulingTerm", &[
    f(1, "weight", I32, One),
    f(2, "preference", Msg(&CORE_V1_NODE_SELECTOR_TERM), One),
]);

pub(crate) static CORE_V1_PROBE: Message = Message("io.k8s.api.core.v1.Probe", &[
    f(1, "", Msg(&CORE_V1_PROBE_HANDLER), Inline),
    f(2, "initialDelaySeconds", I32, OmitZero),
    f(3, "timeoutSeconds", I32, OmitZero),
    f(4, "periodSeconds", I32, OmitZero),
    f(5, "successThreshold", I32, OmitZero),
    f(6, "failureThreshold", I32, OmitZero),
    f(7, "terminationGracePeriodSeconds", I64, One),
]);

pub(crate) static CORE_V1_PROBE_HANDLER: Message = Message("io.k8s.api.core.v1.ProbeHandler", &[
    f(1, "exec", Msg(&CORE_V1_EXEC_ACTION), One),
    f(2, "httpGet", Msg(&CORE_V1_HTTP_GET_ACTION), One),
    f(3, "tcpSocket", Msg(&CORE_V1_TCP_SOCKET_ACTION), One),
    f(4, "grpc", Msg(&CORE_V1_GRPC_ACTION), One),
]);

pub(crate) static CORE_V1_PROJECTED_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ProjectedVolumeSource", &[
    f(1, "sources", Msg(&CORE_V1_VOLUME_PROJECTION), Many),
    f(2, "defaultMode", I32, One),
]);

pub(crate) static CORE_V1_QUOBYTE_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.QuobyteVolumeSource", &[
    f(1, "registry", Str, One),
    f(2, "volume", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "user", Str, OmitZero),
    f(5, "group", Str, OmitZero),
    f(6, "tenant", Str, OmitZero),
]);

pub(crate) static CORE_V1_RBD_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.RBDPersistentVolumeSource", &[
    f(1, "monitors", Str, Many),
    f(2, "image", Str, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "pool", Str, OmitZero),
    f(5, "user", Str, OmitZero),
    f(6, "keyring", Str, OmitZero),
    f(7, "secretRef", Msg(&CORE_V1_SECRET_REFERENCE), One),
    f(8, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_RBD_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.RBDVolumeSource", &[
    f(1, "monitors", Str, Many),
    f(2, "image", Str, One),
    f(3, "fsType", Str, OmitZero),
    f(4, "pool", Str, OmitZero),
    f(5, "user", Str, OmitZero),
    f(6, "keyring", Str, OmitZero),
    f(7, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
    f(8, "readOnly", Bool, OmitZero),
]);

pub(crate) static CORE_V1_REPLICATION_CONTROLLER: Message = Message("io.k8s.api.core.v1.ReplicationController", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_REPLICATION_CONTROLLER_SPEC), One),
    f(3, "status", Msg(&CORE_V1_REPLICATION_CONTROLLER_STATUS), One),
]);

pub(crate) static CORE_V1_REPLICATION_CONTROLLER_CONDITION: Message = Message("io.k8s.api.core.v1.ReplicationControllerCondition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "lastTransitionTime", Time, One),
    f(4, "reason", Str, OmitZero),
    f(5, "message", Str, OmitZero),
]);

pub(crate) static CORE_V1_REPLICATION_CONTROLLER_SPEC: Message = Message("io.k8s.api.core.v1.ReplicationControllerSpec", &[
    f(1, "replicas", I32, One),
    f(4, "minReadySeconds", I32, OmitZero),
    f(2, "selector", Map(&Str), One),
    f(3, "template", Msg(&CORE_V1_POD_TEMPLATE_SPEC), One),
]);

pub(crate) static CORE_V1_REPLICATION_CONTROLLER_STATUS: Message = Message("io.k8s.api.core.v1.ReplicationControllerStatus", &[
    f(1, "replicas", I32, One),
    f(2, "fullyLabeledReplicas", I32, OmitZero),
    f(4, "readyReplicas", I32, OmitZero),
    f(5, "availableReplicas", I32, OmitZero),
    f(3, "observedGeneration", I64, OmitZero),
    f(6, "conditions", Msg(&CORE_V1_REPLICATION_CONTROLLER_CONDITION), Many),
]);

pub(crate) static CORE_V1_RESOURCE_CLAIM: Message = Message("io.k8s.api.core.v1.ResourceClaim", &[
    f(1, "name", Str, One),
    f(2, "request", Str, OmitZero),
]);

pub(crate) static CORE_V1_RESOURCE_FIELD_SELECTOR: Message = Message("io.k8s.api.core.v1.ResourceFieldSelector", &[
    f(1, "containerName", Str, OmitZero),
    f(2, "resource", Str, One),
    f(3, "divisor", Quantity, One),
]);

pub(crate) static CORE_V1_RESOURCE_HEALTH: Message = Message("io.k8s.api.core.v1.ResourceHealth", &[
    f(1, "resourceID", Str, One),
    f(2, "health", Str, OmitZero),
    f(6, "message", Str, One),
]);

pub(crate) static CORE_V1_RESOURCE_QUOTA: Message = Message("io.k8s.api.core.v1.ResourceQuota", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_RESOURCE_QUOTA_SPEC), One),
    f(3, "status", Msg(&CORE_V1_RESOURCE_QUOTA_STATUS), One),
]);

pub(crate) static CORE_V1_RESOURCE_QUOTA_SPEC: Message = Message("io.k8s.api.core.v1.ResourceQuotaSpec", &[
    f(1, "hard", Map(&Quantity), One),
    f(2, "scopes", Str, Many),
    f(3, "scopeSelector", Msg(&CORE_V1_SCOPE_SELECTOR), One),
]);

pub(crate) static CORE_V1_RESOURCE_QUOTA_STATUS: Message = Message("io.k8s.api.core.v1.ResourceQuotaStatus", &[
    f(1, "hard", Map(&Quantity), One),
    f(2, "used", Map(&Quantity), One),
]);

pub(crate) static CORE_V1_RESOURCE_REQUIREMENTS: Message = Message("io.k8s.api.core.v1.ResourceRequirements", &[
    f(1, "limits", Map(&Quantity), One),
    f(2, "requests", Map(&Quantity), One),
    f(3, "claims", Msg(&CORE_V1_RESOURCE_CLAIM), Many),
]);

pub(crate) static CORE_V1_RESOURCE_STATUS: Message = Message("io.k8s.api.core.v1.ResourceStatus", &[
    f(1, "name", Str, One),
    f(2, "resources", Msg(&CORE_V1_RESOURCE_HEALTH), Many),
]);

pub(crate) static CORE_V1_SCALE_IO_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ScaleIOPersistentVolumeSource", &[
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

pub(crate) static CORE_V1_SCALE_IO_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.ScaleIOVolumeSource", &[
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

pub(crate) static CORE_V1_SCOPED_RESOURCE_SELECTOR_REQUIREMENT: Message = Message("io.k8s.api.core.v1.ScopedResourceSelectorRequirement", &[
    f(1, "scopeName", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(crate) static CORE_V1_SCOPE_SELECTOR: Message = Message("io.k8s.api.core.v1.ScopeSelector", &[
    f(1, "matchExpressions", Msg(&CORE_V1_SCOPED_RESOURCE_SELECTOR_REQUIREMENT), Many),
]);

pub(crate) static CORE_V1_SECCOMP_PROFILE: Message = Message("io.k8s.api.core.v1.SeccompProfile", &[
    f(1, "type", Str, One),
    f(2, "localhostProfile", Str, One),
]);

pub(crate) static CORE_V1_SECRET: Message = Message("io.k8s.api.core.v1.Secret", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(5, "immutable", Bool, One),
    f(2, "data", Map(&Bytes), One),
    f(4, "stringData", Map(&Str), One),
    f(3, "type", Str, OmitZero),
]);

pub(crate) static CORE_V1_SECRET_ENV_SOURCE: Message = Message("io.k8s.api.core.v1.SecretEnvSource", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "optional", Bool, One),
]);

pub(crate) static CORE_V1_SECRET_KEY_SELECTOR: Message = Message("io.k8s.api.core.v1.SecretKeySelector", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "key", Str, One),
    f(3, "optional", Bool, One),
]);

pub(crate) static CORE_V1_SECRET_PROJECTION: Message = Message("io.k8s.api.core.v1.SecretProjection", &[
    f(1, "", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Inline),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(4, "optional", Bool, One),
]);

pub(crate) static CORE_V1_SECRET_REFERENCE: Message = Message("io.k8s.api.core.v1.SecretReference", &[
    f(1, "name", Str, OmitZero),
    f(2, "namespace", Str, OmitZero),
]);

pub(crate) static CORE_V1_SECRET_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.SecretVolumeSource", &[
    f(1, "secretName", Str, OmitZero),
    f(2, "items", Msg(&CORE_V1_KEY_TO_PATH), Many),
    f(3, "defaultMode", I32, One),
    f(4, "optional", Bool, One),
]);

pub(crate) static CORE_V1_SECURITY_CONTEXT: Message = Message("io.k8s.api.core.v1.SecurityContext", &[
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

pub(crate) static CORE_V1_SERVICE: Message = Message("io.k8s.api.core.v1.Service", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&CORE_V1_SERVICE_SPEC), One),
    f(3, "status", Msg(&CORE_V1_SERVICE_STATUS), One),
]);

pub(crate) static CORE_V1_SERVICE_ACCOUNT: Message = Message("io.k8s.api.core.v1.ServiceAccount", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "secrets", Msg(&CORE_V1_OBJECT_REFERENCE), Many),
    f(3, "imagePullSecrets", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), Many),
    f(4, "automountServiceAccountToken", Bool, One),
]);

pub(crate) static CORE_V1_SERVICE_ACCOUNT_TOKEN_PROJECTION: Message = Message("io.k8s.api.core.v1.ServiceAccountTokenProjection", &[
    f(1, "audience", Str, OmitZero),
    f(2, "expirationSeconds", I64, One),
    f(3, "path", Str, One),
]);

pub(crate) static CORE_V1_SERVICE_PORT: Message = Message("io.k8s.api.core.v1.ServicePort", &[
    f(1, "name", Str, OmitZero),
    f(2, "protocol", Str, OmitZero),
    f(6, "appProtocol", Str, One),
    f(3, "port", I32, One),
    f(4, "targetPort", IntOrString, One),
    f(5, "nodePort", I32, OmitZero),
]);

pub(crate) static CORE_V1_SERVICE_SPEC: Message = Message("io.k8s.api.core.v1.ServiceSpec", &[
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

pub(crate) static CORE_V1_SERVICE_STATUS: Message = Message("io.k8s.api.core.v1.ServiceStatus", &[
    f(1, "loadBalancer", Msg(&CORE_V1_LOAD_BALANCER_STATUS), One),
    f(2, "conditions", Msg(&META_V1_CONDITION), Many),
]);

pub(crate) static CORE_V1_SESSION_AFFINITY_CONFIG: Message = Message("io.k8s.api.core.v1.SessionAffinityConfig", &[
    f(1, "clientIP", Msg(&CORE_V1_CLIENT_IP_CONFIG), One),
]);

pub(crate) static CORE_V1_SE_LINUX_OPTIONS: Message = Message("io.k8s.api.core.v1.SELinuxOptions", &[
    f(1, "user", Str, OmitZero),
    f(2, "role", Str, OmitZero),
    f(3, "type", Str, OmitZero),
    f(4, "level", Str, OmitZero),
]);

pub(crate) static CORE_V1_SLEEP_ACTION: Message = Message("io.k8s.api.core.v1.SleepAction", &[
    f(1, "seconds", I64, One),
]);

pub(crate) static CORE_V1_STORAGE_OS_PERSISTENT_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.StorageOSPersistentVolumeSource", &[
    f(1, "volumeName", Str, OmitZero),
    f(2, "volumeNamespace", Str, OmitZero),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_STORAGE_OS_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.StorageOSVolumeSource", &[
    f(1, "volumeName", Str, OmitZero),
    f(2, "volumeNamespace", Str, OmitZero),
    f(3, "fsType", Str, OmitZero),
    f(4, "readOnly", Bool, OmitZero),
    f(5, "secretRef", Msg(&CORE_V1_LOCAL_OBJECT_REFERENCE), One),
]);

pub(crate) static CORE_V1_SYSCTL: Message = Message("io.k8s.api.core.v1.Sysctl", &[
    f(1, "name", Str, One),
    f(2, "value", Str, One),
]);

pub(crate) static CORE_V1_TAINT: Message = Message("io.k8s.api.core.v1.Taint", &[
    f(1, "key", Str, One),
    f(2, "value", Str, OmitZero),
    f(3, "effect", Str, One),
    f(4, "timeAdded", Time, One),
]);

pub(crate) static CORE_V1_TCP_SOCKET_ACTION: Message = Message("io.k8s.api.core.v1.TCPSocketAction", &[
    f(1, "port", IntOrString, One),
    f(2, "host", Str, OmitZero),
]);

pub(crate) static CORE_V1_TOLERATION: Message = Message("io.k8s.api.core.v1.Toleration", &[
    f(1, "key", Str, OmitZero),
    f(2, "operator", Str, OmitZero),
    f(3, "value", Str, OmitZero),
    f(4, "effect", Str, OmitZero),
    f(5, "tolerationSeconds", I64, One),
]);

pub(crate) static CORE_V1_TOPOLOGY_SELECTOR_LABEL_REQUIREMENT: Message = Message("io.k8s.api.core.v1.TopologySelectorLabelRequirement", &[
    f(1, "key", Str, One),
    f(2, "values", Str, Many),
]);

pub(crate) static CORE_V1_TOPOLOGY_SELECTOR_TERM: Message = Message("io.k8s.api.core.v1.TopologySelectorTerm", &[
    f(1, "matchLabelExpressions", Msg(&CORE_V1_TOPOLOGY_SELECTOR_LABEL_REQUIREMENT), Many),
]);

pub(crate) static CORE_V1_TOPOLOGY_SPREAD_CONSTRAINT: Message = Message("io.k8s.api.core.v1.TopologySpreadConstraint", &[
    f(1, "maxSkew", I32, One),
    f(2, "topologyKey", Str, One),
    f(3, "whenUnsatisfiable", Str, One),
    f(4, "labelSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(5, "minDomains", I32, One),
    f(6, "nodeAffinityPolicy", Str, One),
    f(7, "nodeTaintsPolicy", Str, One),
    f(8, "matchLabelKeys", Str, Many),
]);

pub(crate) static CORE_V1_TYPED_LOCAL_OBJECT_REFERENCE: Message = Message("io.k8s.api.core.v1.TypedLocalObjectReference", &[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
]);

pub(crate) static CORE_V1_TYPED_OBJECT_REFERENCE: Message = Message("io.k8s.api.core.v1.TypedObjectReference", &[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "namespace", Str, One),
]);

pub(crate) static CORE_V1_VOLUME: Message = Message("io.k8s.api.core.v1.Volume", &[
    f(1, "name", Str, One),
    f(2, "", Msg(&CORE_V1_VOLUME_SOURCE), Inline),
]);

pub(crate) static CORE_V1_VOLUME_DEVICE: Message = Message("io.k8s.api.core.v1.VolumeDevice", &[
    f(1, "name", Str, One),
    f(2, "devicePath", Str, One),
]);

pub(crate) static CORE_V1_VOLUME_MOUNT: Message = Message("io.k8s.api.core.v1.VolumeMount", &[
    f(1, "name", Str, One),
    f(2, "readOnly", Bool, OmitZero),
    f(7, "recursiveReadOnly", Str, One),
    f(3, "mountPath", Str, One),
    f(4, "subPath", Str, OmitZero),
    f(5, "mountPropagation", Str, One),
    f(6, "subPathExpr", Str, OmitZero),
]);

pub(crate) static CORE_V1_VOLUME_MOUNT_STATUS: Message = Message("io.k8s.api.core.v1.VolumeMountStatus", &[
    f(1, "name", Str, One),
    f(2, "mountPath", Str, One),
    f(3, "readOnly", Bool, OmitZero),
    f(4, "recursiveReadOnly", Str, One),
    f(5, "volumeStatus", Msg(&CORE_V1_VOLUME_STATUS), One),
]);

pub(crate) static CORE_V1_VOLUME_NODE_AFFINITY: Message = Message("io.k8s.api.core.v1.VolumeNodeAffinity", &[
    f(1, "required", Msg(&CORE_V1_NODE_SELECTOR), One),
]);

pub(crate) static CORE_V1_VOLUME_PROJECTION: Message = Message("io.k8s.api.core.v1.VolumeProjection", &[
    f(1, "secret", Msg(&CORE_V1_SECRET_PROJECTION), One),
    f(2, "downwardAPI", Msg(&CORE_V1_DOWNWARD_API_PROJECTION), One),
    f(3, "configMap", Msg(&CORE_V1_CONFIG_MAP_PROJECTION), One),
    f(4, "serviceAccountToken", Msg(&CORE_V1_SERVICE_ACCOUNT_TOKEN_PROJECTION), One),
    f(5, "clusterTrustBundle", Msg(&CORE_V1_CLUSTER_TRUST_BUNDLE_PROJECTION), One),
    f(6, "podCertificate", Msg(&CORE_V1_POD_CERTIFICATE_PROJECTION), One),
]);

pub(crate) static CORE_V1_VOLUME_RESOURCE_REQUIREMENTS: Message = Message("io.k8s.api.core.v1.VolumeResourceRequirements", &[
    f(1, "limits", Map(&Quantity), One),
    f(2, "requests", Map(&Quantity), One),
]);

pub(crate) static CORE_V1_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.VolumeSource", &[
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

pub(crate) static CORE_V1_VOLUME_STATUS: Message = Message("io.k8s.api.core.v1.VolumeStatus", &[
    f(1, "image", Msg(&CORE_V1_IMAGE_VOLUME_STATUS), One),
]);

pub(crate) static CORE_V1_VSPHERE_VIRTUAL_DISK_VOLUME_SOURCE: Message = Message("io.k8s.api.core.v1.VsphereVirtualDiskVolumeSource", &[
    f(1, "volumePath", Str, One),
    f(2, "fsType", Str, OmitZero),
    f(3, "storagePolicyName", Str, OmitZero),
    f(4, "storagePolicyID", Str, OmitZero),
]);

pub(crate) static CORE_V1_WEIGHTED_POD_AFFINITY_TERM: Message = Message("io.k8s.api.core.v1.WeightedPodAffinityTerm", &[
    f(1, "weight", I32, One),
    f(2, "podAffinityTerm", Msg(&CORE_V1_POD_AFFINITY_TERM), One),
]);

pub(crate) static CORE_V1_WINDOWS_SECURITY_CONTEXT_OPTIONS: Message = Message("io.k8s.api.core.v1.WindowsSecurityContextOptions", &[
    f(1, "gmsaCredentialSpecName", Str, One),
    f(2, "gmsaCredentialSpec", Str, One),
    f(3, "runAsUserName", Str, One),
    f(4, "hostProcess", Bool, One),
]);

pub(crate) static DISCOVERY_V1_ENDPOINT: Message = Message("io.k8s.api.discovery.v1.Endpoint", &[
    f(1, "addresses", Str, Many),
    f(2, "conditions", Msg(&DISCOVERY_V1_ENDPOINT_CONDITIONS), One),
    f(3, "hostname", Str, One),
    f(4, "targetRef", Msg(&CORE_V1_OBJECT_REFERENCE), One),
    f(5, "deprecatedTopology", Map(&Str), One),
    f(6, "nodeName", Str, One),
    f(7, "zone", Str, One),
    f(8, "hints", Msg(&DISCOVERY_V1_ENDPOINT_HINTS), One),
]);

pub(crate) static DISCOVERY_V1_ENDPOINT_CONDITIONS: Message = Message("io.k8s.api.discovery.v1.EndpointConditions", &[
    f(1, "ready", Bool, One),
    f(2, "serving", Bool, One),
    f(3, "terminating", Bool, One),
]);

pub(crate) static DISCOVERY_V1_ENDPOINT_HINTS: Message = Message("io.k8s.api.discovery.v1.EndpointHints", &[
    f(1, "forZones", Msg(&DISCOVERY_V1_FOR_ZONE), Many),
    f(2, "forNodes", Msg(&DISCOVERY_V1_FOR_NODE), Many),
]);

pub(crate) static DISCOVERY_V1_ENDPOINT_PORT: Message = Message("io.k8s.api.discovery.v1.EndpointPort", &[
    f(1, "name", Str, One),
    f(2, "protocol", Str, One),
    f(3, "port", I32, One),
    f(4, "appProtocol", Str, One),
]);

pub(crate) static DISCOVERY_V1_ENDPOINT_SLICE: Message = Message("io.k8s.api.discovery.v1.EndpointSlice", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(4, "addressType", Str, One),
    f(2, "endpoints", Msg(&DISCOVERY_V1_ENDPOINT), Many),
    f(3, "ports", Msg(&DISCOVERY_V1_ENDPOINT_PORT), Many),
]);

pub(crate) static DISCOVERY_V1_FOR_NODE: Message = Message("io.k8s.api.discovery.v1.ForNode", &[
    f(1, "name", Str, One),
]);

pub(crate) static DISCOVERY_V1_FOR_ZONE: Message = Message("io.k8s.api.discovery.v1.ForZone", &[
    f(1, "name", Str, One),
]);

pub(crate) static EVENTS_V1_EVENT: Message = Message("io.k8s.api.events.v1.Event", &[
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

pub(crate) static EVENTS_V1_EVENT_SERIES: Message = Message("io.k8s.api.events.v1.EventSeries", &[
    f(1, "count", I32, One),
    f(2, "lastObservedTime", MicroTime, One),
]);

pub(crate) static META_V1_CONDITION: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.Condition", &[
    f(1, "type", Str, One),
    f(2, "status", Str, One),
    f(3, "observedGeneration", I64, OmitZero),
    f(4, "lastTransitionTime", Time, One),
    f(5, "reason", Str, One),
    f(6, "message", Str, One),
]);

pub(crate) static META_V1_DELETE_OPTIONS: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", &[
    f(1, "gracePeriodSeconds", I64, One),
    f(2, "preconditions", Msg(&META_V1_PRECONDITIONS), One),
    f(3, "orphanDependents", Bool, One),
    f(4, "propagationPolicy", Str, One),
    f(5, "dryRun", Str, Many),
    f(6, "ignoreStoreReadErrorWithClusterBreakingPotential", Bool, One),
]);

pub(crate) static META_V1_FIELD_SELECTOR_REQUIREMENT: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement", &[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(crate) static META_V1_LABEL_SELECTOR: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", &[
    f(1, "matchLabels", Map(&Str), One),
    f(2, "matchExpressions", Msg(&META_V1_LABEL_SELECTOR_REQUIREMENT), Many),
]);

pub(crate) static META_V1_LABEL_SELECTOR_REQUIREMENT: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", &[
    f(1, "key", Str, One),
    f(2, "operator", Str, One),
    f(3, "values", Str, Many),
]);

pub(crate) static META_V1_MANAGED_FIELDS_ENTRY: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", &[
    f(1, "manager", Str, OmitZero),
    f(2, "operation", Str, OmitZero),
    f(3, "apiVersion", Str, OmitZero),
    f(4, "time", Time, One),
    f(6, "fieldsType", Str, OmitZero),
    f(7, "fieldsV1", RawJson, One),
    f(8, "subresource", Str, OmitZero),
]);

pub(crate) static META_V1_OBJECT_META: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", &[
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

pub(crate) static META_V1_OWNER_REFERENCE: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", &[
    f(5, "apiVersion", Str, One),
    f(1, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "uid", Str, One),
    f(6, "controller", Bool, One),
    f(7, "blockOwnerDeletion", Bool, One),
]);

pub(crate) static META_V1_PRECONDITIONS: Message = Message("io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions", &[
    f(1, "uid", Str, One),
    f(2, "resourceVersion", Str, One),
]);

pub(crate) static NETWORKING_V1_HTTP_INGRESS_PATH: Message = Message("io.k8s.api.networking.v1.HTTPIngressPath", &[
    f(1, "path", Str, OmitZero),
    f(3, "pathType", Str, One),
    f(2, "backend", Msg(&NETWORKING_V1_INGRESS_BACKEND), One),
]);

pub(crate) static NETWORKING_V1_HTTP_INGRESS_RULE_VALUE: Message = Message("io.k8s.api.networking.v1.HTTPIngressRuleValue", &[
    f(1, "paths", Msg(&NETWORKING_V1_HTTP_INGRESS_PATH), Many),
]);

pub(crate) static NETWORKING_V1_INGRESS: Message = Message("io.k8s.api.networking.v1.Ingress", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_INGRESS_SPEC), One),
    f(3, "status", Msg(&NETWORKING_V1_INGRESS_STATUS), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_BACKEND: Message = Message("io.k8s.api.networking.v1.IngressBackend", &[
    f(4, "service", Msg(&NETWORKING_V1_INGRESS_SERVICE_BACKEND), One),
    f(3, "resource", Msg(&CORE_V1_TYPED_LOCAL_OBJECT_REFERENCE), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_CLASS: Message = Message("io.k8s.api.networking.v1.IngressClass", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_INGRESS_CLASS_SPEC), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_CLASS_PARAMETERS_REFERENCE: Message = Message("io.k8s.api.networking.v1.IngressClassParametersReference", &[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
    f(4, "scope", Str, One),
    f(5, "namespace", Str, One),
]);

pub(crate) static NETWORKING_V1_INGRESS_CLASS_SPEC: Message = Message("io.k8s.api.networking.v1.IngressClassSpec", &[
    f(1, "controller", Str, OmitZero),
    f(2, "parameters", Msg(&NETWORKING_V1_INGRESS_CLASS_PARAMETERS_REFERENCE), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_LOAD_BALANCER_INGRESS: Message = Message("io.k8s.api.networking.v1.IngressLoadBalancerIngress", &[
    f(1, "ip", Str, OmitZero),
    f(2, "hostname", Str, OmitZero),
    f(4, "ports", Msg(&NETWORKING_V1_INGRESS_PORT_STATUS), Many),
]);

pub(crate) static NETWORKING_V1_INGRESS_LOAD_BALANCER_STATUS: Message = Message("io.k8s.api.networking.v1.IngressLoadBalancerStatus", &[
    f(1, "ingress", Msg(&NETWORKING_V1_INGRESS_LOAD_BALANCER_INGRESS), Many),
]);

pub(crate) static NETWORKING_V1_INGRESS_PORT_STATUS: Message = Message("io.k8s.api.networking.v1.IngressPortStatus", &[
    f(1, "port", I32, One),
    f(2, "protocol", Str, One),
    f(3, "error", Str, One),
]);

pub(crate) static NETWORKING_V1_INGRESS_RULE: Message = Message("io.k8s.api.networking.v1.IngressRule", &[
    f(1, "host", Str, OmitZero),
    f(2, "", Msg(&NETWORKING_V1_INGRESS_RULE_VALUE), Inline),
]);

pub(crate) static NETWORKING_V1_INGRESS_RULE_VALUE: Message = Message("io.k8s.api.networking.v1.IngressRuleValue", &[
    f(1, "http", Msg(&NETWORKING_V1_HTTP_INGRESS_RULE_VALUE), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_SERVICE_BACKEND: Message = Message("io.k8s.api.networking.v1.IngressServiceBackend", &[
    f(1, "name", Str, One),
    f(2, "port", Msg(&NETWORKING_V1_SERVICE_BACKEND_PORT), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_SPEC: Message = Message("io.k8s.api.networking.v1.IngressSpec", &[
    f(4, "ingressClassName", Str, One),
    f(1, "defaultBackend", Msg(&NETWORKING_V1_INGRESS_BACKEND), One),
    f(2, "tls", Msg(&NETWORKING_V1_INGRESS_TLS), Many),
    f(3, "rules", Msg(&NETWORKING_V1_INGRESS_RULE), Many),
]);

pub(crate) static NETWORKING_V1_INGRESS_STATUS: Message = Message("io.k8s.api.networking.v1.IngressStatus", &[
    f(1, "loadBalancer", Msg(&NETWORKING_V1_INGRESS_LOAD_BALANCER_STATUS), One),
]);

pub(crate) static NETWORKING_V1_INGRESS_TLS: Message = Message("io.k8s.api.networking.v1.IngressTLS", &[
    f(1, "hosts", Str, Many),
    f(2, "secretName", Str, OmitZero),
]);

pub(crate) static NETWORKING_V1_IP_BLOCK: Message = Message("io.k8s.api.networking.v1.IPBlock", &[
    f(1, "cidr", Str, One),
    f(2, "except", Str, Many),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY: Message = Message("io.k8s.api.networking.v1.NetworkPolicy", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&NETWORKING_V1_NETWORK_POLICY_SPEC), One),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY_EGRESS_RULE: Message = Message("io.k8s.api.networking.v1.NetworkPolicyEgressRule", &[
    f(1, "ports", Msg(&NETWORKING_V1_NETWORK_POLICY_PORT), Many),
    f(2, "to", Msg(&NETWORKING_V1_NETWORK_POLICY_PEER), Many),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY_INGRESS_RULE: Message = Message("io.k8s.api.networking.v1.NetworkPolicyIngressRule", &[
    f(1, "ports", Msg(&NETWORKING_V1_NETWORK_POLICY_PORT), Many),
    f(2, "from", Msg(&NETWORKING_V1_NETWORK_POLICY_PEER), Many),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY_PEER: Message = Message("io.k8s.api.networking.v1.NetworkPolicyPeer", &[
    f(1, "podSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "namespaceSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "ipBlock", Msg(&NETWORKING_V1_IP_BLOCK), One),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY_PORT: Message = Message("io.k8s.api.networking.v1.NetworkPolicyPort", &[
    f(1, "protocol", Str, One),
    f(2, "port", IntOrString, One),
    f(3, "endPort", I32, One),
]);

pub(crate) static NETWORKING_V1_NETWORK_POLICY_SPEC: Message = Message("io.k8s.api.networking.v1.NetworkPolicySpec", &[
    f(1, "podSelector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(2, "ingress", Msg(&NETWORKING_V1_NETWORK_POLICY_INGRESS_RULE), Many),
    f(3, "egress", Msg(&NETWORKING_V1_NETWORK_POLICY_EGRESS_RULE), Many),
    f(4, "policyTypes", Str, Many),
]);

pub(crate) static NETWORKING_V1_SERVICE_BACKEND_PORT: Message = Message("io.k8s.api.networking.v1.ServiceBackendPort", &[
    f(1, "name", Str, OmitZero),
    f(2, "number", I32, OmitZero),
]);

pub(crate) static POLICY_V1_EVICTION: Message = Message("io.k8s.api.policy.v1.Eviction", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "deleteOptions", Msg(&META_V1_DELETE_OPTIONS), One),
]);

pub(crate) static POLICY_V1_POD_DISRUPTION_BUDGET: Message = Message("io.k8s.api.policy.v1.PodDisruptionBudget", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "spec", Msg(&POLICY_V1_POD_DISRUPTION_BUDGET_SPEC), One),
    f(3, "status", Msg(&POLICY_V1_POD_DISRUPTION_BUDGET_STATUS), One),
]);

pub(crate) static POLICY_V1_POD_DISRUPTION_BUDGET_SPEC: Message = Message("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", &[
    f(1, "minAvailable", IntOrString, One),
    f(2, "selector", Msg(&META_V1_LABEL_SELECTOR), One),
    f(3, "maxUnavailable", IntOrString, One),
    f(4, "unhealthyPodEvictionPolicy", Str, One),
]);

pub(crate) static POLICY_V1_POD_DISRUPTION_BUDGET_STATUS: Message = Message("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", &[
    f(1, "observedGeneration", I64, OmitZero),
    f(2, "disruptedPods", Map(&Time), One),
    f(3, "disruptionsAllowed", I32, One),
    f(4, "currentHealthy", I32, One),
    f(5, "desiredHealthy", I32, One),
    f(6, "expectedPods", I32, One),
    f(7, "conditions", Msg(&META_V1_CONDITION), Many),
]);

pub(crate) static RBAC_V1_AGGREGATION_RULE: Message = Message("io.k8s.api.rbac.v1.AggregationRule", &[
    f(1, "clusterRoleSelectors", Msg(&META_V1_LABEL_SELECTOR), Many),
]);

pub(crate) static RBAC_V1_CLUSTER_ROLE: Message = Message("io.k8s.api.rbac.v1.ClusterRole", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "rules", Msg(&RBAC_V1_POLICY_RULE), Many),
    f(3, "aggregationRule", Msg(&RBAC_V1_AGGREGATION_RULE), One),
]);

pub(crate) static RBAC_V1_CLUSTER_ROLE_BINDING: Message = Message("io.k8s.api.rbac.v1.ClusterRoleBinding", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subjects", Msg(&RBAC_V1_SUBJECT), Many),
    f(3, "roleRef", Msg(&RBAC_V1_ROLE_REF), One),
]);

pub(crate) static RBAC_V1_POLICY_RULE: Message = Message("io.k8s.api.rbac.v1.PolicyRule", &[
    f(1, "verbs", Str, Many),
    f(2, "apiGroups", Str, Many),
    f(3, "resources", Str, Many),
    f(4, "resourceNames", Str, Many),
    f(5, "nonResourceURLs", Str, Many),
]);

pub(crate) static RBAC_V1_ROLE: Message = Message("io.k8s.api.rbac.v1.Role", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "rules", Msg(&RBAC_V1_POLICY_RULE), Many),
]);

pub(crate) static RBAC_V1_ROLE_BINDING: Message = Message("io.k8s.api.rbac.v1.RoleBinding", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "subjects", Msg(&RBAC_V1_SUBJECT), Many),
    f(3, "roleRef", Msg(&RBAC_V1_ROLE_REF), One),
]);

pub(crate) static RBAC_V1_ROLE_REF: Message = Message("io.k8s.api.rbac.v1.RoleRef", &[
    f(1, "apiGroup", Str, One),
    f(2, "kind", Str, One),
    f(3, "name", Str, One),
]);

pub(crate) static RBAC_V1_SUBJECT: Message = Message("io.k8s.api.rbac.v1.Subject", &[
    f(1, "kind", Str, One),
    f(2, "apiGroup", Str, OmitZero),
    f(3, "name", Str, One),
    f(4, "namespace", Str, OmitZero),
]);

pub(crate) static SCHEDULING_V1_PRIORITY_CLASS: Message = Message("io.k8s.api.scheduling.v1.PriorityClass", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "value", I32, One),
    f(3, "globalDefault", Bool, OmitZero),
    f(4, "description", Str, OmitZero),
    f(5, "preemptionPolicy", Str, One),
]);

pub(crate) static STORAGE_V1_STORAGE_CLASS: Message = Message("io.k8s.api.storage.v1.StorageClass", &[
    f(1, "metadata", Msg(&META_V1_OBJECT_META), One),
    f(2, "provisioner", Str, One),
    f(3, "parameters", Map(&Str), One),
    f(4, "reclaimPolicy", Str, One),
    f(5, "mountOptions", Str, Many),
    f(6, "allowVolumeExpansion", Bool, One),
    f(7, "volumeBindingMode", Str, One),
    f(8, "allowedTopologies", Msg(&CORE_V1_TOPOLOGY_SELECTOR_TERM), Many),
]);

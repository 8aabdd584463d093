//! Strategic-merge metadata for built-in kinds: which lists merge by key, which primitive lists
//! merge as sets, which fields are replaced wholesale.
//!
//! The facts mirror the `patchStrategy` / `patchMergeKey` struct tags of the Kubernetes
//! API types (`x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` in OpenAPI). Fields
//! not described here behave like untagged fields: maps merge recursively, lists are replaced.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How a field is combined with the live value during a strategic merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PatchStrategy {
    /// No tag: maps merge recursively, lists are replaced wholesale (atomic).
    #[default]
    Default,
    /// `patchStrategy:"merge"`: lists of objects merge element-wise by the merge key, lists of
    /// primitives merge as sets.
    Merge,
    /// `patchStrategy:"replace"`: the patch value replaces the live value, even for maps.
    Replace,
}

/// Patch metadata of one field: its strategy, list merge key, the `retainKeys` flag, and the
/// description of its value (for objects) or elements (for lists).
#[derive(Debug, Clone, Default)]
pub struct FieldPatch {
    strategy: PatchStrategy,
    merge_key: Option<String>,
    retain_keys: bool,
    child: Option<Arc<PatchType>>,
}

impl FieldPatch {
    /// A nested object described by `child` (merged recursively).
    pub fn object(child: impl Into<Arc<PatchType>>) -> Self {
        FieldPatch {
            child: Some(child.into()),
            ..FieldPatch::default()
        }
    }

    /// A list of objects merged element-by-element on `merge_key` (`patchStrategy:"merge"`).
    pub fn merge_list(merge_key: &str, element: impl Into<Arc<PatchType>>) -> Self {
        FieldPatch {
            strategy: PatchStrategy::Merge,
            merge_key: Some(merge_key.to_string()),
            retain_keys: false,
            child: Some(element.into()),
        }
    }

    /// A list of primitives merged as a set (`patchStrategy:"merge"` without merge key).
    pub fn merge_set() -> Self {
        FieldPatch {
            strategy: PatchStrategy::Merge,
            ..FieldPatch::default()
        }
    }

    /// An untagged (atomic) field: lists are replaced by the patch. Listed explicitly where the
    /// Kubernetes type declares the list atomic, to document that it does not merge.
    pub fn atomic() -> Self {
        FieldPatch::default()
    }

    /// `patchStrategy:"replace"`: the value from the patch replaces the live one wholesale.
    pub fn replace() -> Self {
        FieldPatch {
            strategy: PatchStrategy::Replace,
            ..FieldPatch::default()
        }
    }

    /// Adds the `retainKeys` strategy (the client sends `$retainKeys` for this field).
    pub fn with_retain_keys(mut self) -> Self {
        self.retain_keys = true;
        self
    }

    /// The field's merge strategy.
    pub fn strategy(&self) -> PatchStrategy {
        self.strategy
    }

    /// The list merge key, for lists of objects with strategy `merge`.
    pub fn merge_key(&self) -> Option<&str> {
        self.merge_key.as_deref()
    }

    /// Whether the field carries the `retainKeys` strategy.
    pub fn retain_keys(&self) -> bool {
        self.retain_keys
    }

    /// Description of the value (object fields) or list elements.
    pub fn child(&self) -> Option<&PatchType> {
        self.child.as_deref()
    }
}

/// Patch metadata for the fields of one object type. Unlisted fields use the defaults.
#[derive(Debug, Clone, Default)]
pub struct PatchType {
    fields: HashMap<String, FieldPatch>,
}

impl PatchType {
    /// An object type with no tagged fields.
    pub fn new() -> Self {
        PatchType::default()
    }

    /// Adds (or replaces) the metadata of field `name`.
    pub fn field(mut self, name: &str, patch: FieldPatch) -> Self {
        self.fields.insert(name.to_string(), patch);
        self
    }

    /// Metadata of field `name`, if described.
    pub fn get(&self, name: &str) -> Option<&FieldPatch> {
        self.fields.get(name)
    }
}

#[derive(Debug, Clone)]
enum SchemaInner {
    Known(Arc<PatchType>),
    Unsupported { group: String, kind: String },
}

/// Strategic-merge description of one kind, or the marker that the kind has none (custom
/// resources), in which case strategic merge patches are refused with 415.
#[derive(Debug, Clone)]
pub struct PatchSchema {
    inner: SchemaInner,
}

impl PatchSchema {
    /// A schema rooted at `root` (the top-level object type).
    pub fn new(root: impl Into<Arc<PatchType>>) -> Self {
        PatchSchema {
            inner: SchemaInner::Known(root.into()),
        }
    }

    /// The schema of a kind without strategic-merge metadata.
    pub fn unsupported(group: &str, kind: &str) -> Self {
        PatchSchema {
            inner: SchemaInner::Unsupported {
                group: group.to_string(),
                kind: kind.to_string(),
            },
        }
    }

    /// Whether strategic merge patches may be applied to this kind.
    pub fn supports_strategic_merge(&self) -> bool {
        matches!(self.inner, SchemaInner::Known(_))
    }

    /// The root object type, if the kind supports strategic merge.
    pub fn root(&self) -> Option<&PatchType> {
        match &self.inner {
            SchemaInner::Known(root) => Some(root),
            SchemaInner::Unsupported { .. } => None,
        }
    }

    /// `(group, kind)` of an unsupported schema.
    pub fn unsupported_kind(&self) -> Option<(&str, &str)> {
        match &self.inner {
            SchemaInner::Known(_) => None,
            SchemaInner::Unsupported { group, kind } => Some((group, kind)),
        }
    }
}

/// API groups served natively by the API server (not custom resources). Every kind in these
/// groups accepts strategic merge patches; kinds without tagged lists get the generic
/// metadata-only schema.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Strategic-merge schema for `group`/`kind` (group `""` is the core group). Built-in kinds get
/// their list merge metadata; other kinds of built-in groups get the generic schema (only
/// `metadata` is described); kinds of other groups — custom resources — get an unsupported
/// schema so strategic merge is refused with 415, as Kubernetes does.
pub fn schema_for(group: &str, kind: &str) -> PatchSchema {
    let group = if group == "core" { "" } else { group };
    if let Some(root) = registry().get(&(group, kind)) {
        return PatchSchema::new(Arc::clone(root));
    }
    if BUILT_IN_GROUPS.contains(&group) {
        return PatchSchema::new(Arc::clone(generic()));
    }
    PatchSchema::unsupported(group, kind)
}

fn generic() -> &'static Arc<PatchType> {
    static GENERIC: OnceLock<Arc<PatchType>> = OnceLock::new();
    GENERIC.get_or_init(|| Arc::new(with_metadata(PatchType::new())))
}

type Registry = HashMap<(&'static str, &'static str), Arc<PatchType>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(build_registry)
}

fn object_meta() -> PatchType {
    PatchType::new()
        .field(
            "ownerReferences",
            FieldPatch::merge_list("uid", PatchType::new()),
        )
        .field("finalizers", FieldPatch::merge_set())
        .field("managedFields", FieldPatch::atomic())
}

fn with_metadata(t: PatchType) -> PatchType {
    t.field("metadata", FieldPatch::object(object_meta()))
}

/// `metav1.Condition`-style lists keyed by `type`.
fn conditions() -> FieldPatch {
    FieldPatch::merge_list("type", PatchType::new())
}

fn status_with_conditions() -> FieldPatch {
    FieldPatch::object(PatchType::new().field("conditions", conditions()))
}

fn container() -> PatchType {
    PatchType::new()
        .field(
            "ports",
            FieldPatch::merge_list("containerPort", PatchType::new()),
        )
        .field("env", FieldPatch::merge_list("name", PatchType::new()))
        .field(
            "volumeMounts",
            FieldPatch::merge_list("mountPath", PatchType::new()),
        )
        .field(
            "volumeDevices",
            FieldPatch::merge_list("devicePath", PatchType::new()),
        )
        .field("resizePolicy", FieldPatch::atomic())
}

fn pod_spec() -> PatchType {
    let container = Arc::new(container());
    PatchType::new()
        .field(
            "volumes",
            FieldPatch::merge_list("name", PatchType::new()).with_retain_keys(),
        )
        .field(
            "containers",
            FieldPatch::merge_list("name", Arc::clone(&container)),
        )
        .field(
            "initContainers",
            FieldPatch::merge_list("name", Arc::clone(&container)),
        )
        .field(
            "ephemeralContainers",
            FieldPatch::merge_list("name", container),
        )
        .field(
            "imagePullSecrets",
            FieldPatch::merge_list("name", PatchType::new()),
        )
        .field(
            "hostAliases",
            FieldPatch::merge_list("ip", PatchType::new()),
        )
        .field(
            "topologySpreadConstraints",
            FieldPatch::merge_list("topologyKey", PatchType::new()),
        )
        .field(
            "schedulingGates",
            FieldPatch::merge_list("name", PatchType::new()),
        )
        .field(
            "resourceClaims",
            FieldPatch::merge_list("name", PatchType::new()).with_retain_keys(),
        )
        .field(
            "evictionResponders",
            FieldPatch::merge_list("name", PatchType::new()),
        )
        .field("tolerations", FieldPatch::atomic())
        .field("readinessGates", FieldPatch::atomic())
}

fn pod_status() -> PatchType {
    PatchType::new()
        .field("conditions", conditions())
        .field("hostIPs", FieldPatch::merge_list("ip", PatchType::new()))
        .field("podIPs", FieldPatch::merge_list("ip", PatchType::new()))
        .field(
            "resourceClaimStatuses",
            FieldPatch::merge_list("name", PatchType::new()).with_retain_keys(),
        )
        .field(
            "nodeAllocatableResourceClaimStatuses",
            FieldPatch::merge_list(
                "resourceClaimName",
                PatchType::new()
                    .field("mapping", FieldPatch::merge_list("name", PatchType::new()))
                    .field("overhead", FieldPatch::merge_list("name", PatchType::new())),
            ),
        )
        .field("containerStatuses", FieldPatch::atomic())
        .field("initContainerStatuses", FieldPatch::atomic())
        .field("ephemeralContainerStatuses", FieldPatch::atomic())
}

fn pod_template_spec() -> PatchType {
    with_metadata(PatchType::new().field("spec", FieldPatch::object(pod_spec())))
}

/// A workload whose `spec.template` is a pod template and whose status has conditions.
fn workload(extra_spec: impl FnOnce(PatchType) -> PatchType) -> PatchType {
    let spec =
        extra_spec(PatchType::new().field("template", FieldPatch::object(pod_template_spec())));
    with_metadata(
        PatchType::new()
            .field("spec", FieldPatch::object(spec))
            .field("status", status_with_conditions()),
    )
}

fn webhook() -> PatchType {
    PatchType::new().field(
        "matchConditions",
        FieldPatch::merge_list("name", PatchType::new()),
    )
}

fn build_registry() -> Registry {
    let mut r: Registry = HashMap::new();
    let mut add = |group: &'static str, kind: &'static str, t: PatchType| {
        r.insert((group, kind), Arc::new(t));
    };

    // core/v1
    add(
        "",
        "Pod",
        with_metadata(
            PatchType::new()
                .field("spec", FieldPatch::object(pod_spec()))
                .field("status", FieldPatch::object(pod_status())),
        ),
    );
    add(
        "",
        "PodTemplate",
        with_metadata(PatchType::new().field("template", FieldPatch::object(pod_template_spec()))),
    );
    add("", "ReplicationController", workload(|s| s));
    add(
        "",
        "Service",
        with_metadata(
            PatchType::new()
                .field(
                    "spec",
                    FieldPatch::object(
                        PatchType::new()
                            .field("ports", FieldPatch::merge_list("port", PatchType::new())),
                    ),
                )
                .field("status", status_with_conditions()),
        ),
    );
    add(
        "",
        "Node",
        with_metadata(
            PatchType::new()
                .field(
                    "spec",
                    FieldPatch::object(
                        PatchType::new()
                            .field("podCIDRs", FieldPatch::merge_set())
                            .field("taints", FieldPatch::atomic()),
                    ),
                )
                .field(
                    "status",
                    FieldPatch::object(PatchType::new().field("conditions", conditions()).field(
                        "addresses",
                        FieldPatch::merge_list("type", PatchType::new()),
                    )),
                ),
        ),
    );
    add(
        "",
        "Namespace",
        with_metadata(PatchType::new().field("status", status_with_conditions())),
    );
    add(
        "",
        "PersistentVolumeClaim",
        with_metadata(PatchType::new().field("status", status_with_conditions())),
    );
    add(
        "",
        "ServiceAccount",
        with_metadata(
            PatchType::new().field("secrets", FieldPatch::merge_list("name", PatchType::new())),
        ),
    );
    add(
        "",
        "ComponentStatus",
        with_metadata(PatchType::new().field("conditions", conditions())),
    );

    // apps/v1 (and the legacy extensions group, which served the same types)
    for group in ["apps", "extensions"] {
        add(
            group,
            "Deployment",
            workload(|s| {
                s.field(
                    "strategy",
                    FieldPatch::object(PatchType::new()).with_retain_keys(),
                )
            }),
        );
        add(group, "ReplicaSet", workload(|s| s));
        add(group, "DaemonSet", workload(|s| s));
    }
    add("apps", "StatefulSet", workload(|s| s));

    // batch/v1
    add("batch", "Job", workload(|s| s));
    add(
        "batch",
        "CronJob",
        with_metadata(PatchType::new().field(
            "spec",
            FieldPatch::object(PatchType::new().field(
                "jobTemplate",
                FieldPatch::object(with_metadata(PatchType::new().field(
                    "spec",
                    FieldPatch::object(
                        PatchType::new().field("template", FieldPatch::object(pod_template_spec())),
                    ),
                ))),
            )),
        )),
    );

    // autoscaling/v2
    add(
        "autoscaling",
        "HorizontalPodAutoscaler",
        with_metadata(PatchType::new().field("status", status_with_conditions())),
    );

    // policy/v1
    add(
        "policy",
        "PodDisruptionBudget",
        with_metadata(
            PatchType::new()
                .field(
                    "spec",
                    FieldPatch::object(PatchType::new().field("selector", FieldPatch::replace())),
                )
                .field("status", status_with_conditions()),
        ),
    );

    // admissionregistration.k8s.io/v1
    let ar = "admissionregistration.k8s.io";
    for kind in [
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    ] {
        add(
            ar,
            kind,
            with_metadata(
                PatchType::new().field("webhooks", FieldPatch::merge_list("name", webhook())),
            ),
        );
    }
    add(
        ar,
        "ValidatingAdmissionPolicy",
        with_metadata(
            PatchType::new().field(
                "spec",
                FieldPatch::object(
                    PatchType::new()
                        .field(
                            "matchConditions",
                            FieldPatch::merge_list("name", PatchType::new()),
                        )
                        .field(
                            "variables",
                            FieldPatch::merge_list("name", PatchType::new()),
                        ),
                ),
            ),
        ),
    );
    add(
        ar,
        "MutatingAdmissionPolicy",
        with_metadata(PatchType::new().field("spec", FieldPatch::object(webhook()))),
    );

    // Kinds whose only tagged list is status.conditions keyed by type.
    for (group, kind) in [
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
        ("certificates.k8s.io", "PodCertificateRequest"),
        ("resource.k8s.io", "DeviceTaintRule"),
    ] {
        add(
            group,
            kind,
            with_metadata(PatchType::new().field("status", status_with_conditions())),
        );
    }

    // storage.k8s.io/v1
    add(
        "storage.k8s.io",
        "CSINode",
        with_metadata(PatchType::new().field(
            "spec",
            FieldPatch::object(
                PatchType::new().field("drivers", FieldPatch::merge_list("name", PatchType::new())),
            ),
        )),
    );

    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(schema: &'a PatchSchema, path: &[&str]) -> Option<&'a FieldPatch> {
        let mut t = schema.root()?;
        let (last, parents) = path.split_last()?;
        for p in parents {
            t = t.get(p)?.child()?;
        }
        t.get(last)
    }

    #[test]
    fn deployment_containers_merge_by_name() {
        let s = schema_for("apps", "Deployment");
        let f = lookup(&s, &["spec", "template", "spec", "containers"]).unwrap();
        assert_eq!(f.strategy(), PatchStrategy::Merge);
        assert_eq!(f.merge_key(), Some("name"));
        let env = lookup(&s, &["spec", "template", "spec", "containers", "env"]).unwrap();
        assert_eq!(env.merge_key(), Some("name"));
        let ports = lookup(&s, &["spec", "template", "spec", "initContainers", "ports"]).unwrap();
        assert_eq!(ports.merge_key(), Some("containerPort"));
        let strategy = lookup(&s, &["spec", "strategy"]).unwrap();
        assert!(strategy.retain_keys());
        let conds = lookup(&s, &["status", "conditions"]).unwrap();
        assert_eq!(conds.merge_key(), Some("type"));
    }

    #[test]
    fn cronjob_pod_template_is_nested_in_job_template() {
        let s = schema_for("batch", "CronJob");
        let f = lookup(
            &s,
            &["spec", "jobTemplate", "spec", "template", "spec", "volumes"],
        )
        .unwrap();
        assert_eq!(f.merge_key(), Some("name"));
        assert!(f.retain_keys());
    }

    #[test]
    fn metadata_lists_for_every_built_in_kind() {
        for (g, k) in [
            ("", "ConfigMap"),
            ("", "Pod"),
            ("rbac.authorization.k8s.io", "Role"),
        ] {
            let s = schema_for(g, k);
            assert!(s.supports_strategic_merge());
            let owners = lookup(&s, &["metadata", "ownerReferences"]).unwrap();
            assert_eq!(owners.merge_key(), Some("uid"));
            let fin = lookup(&s, &["metadata", "finalizers"]).unwrap();
            assert_eq!(fin.strategy(), PatchStrategy::Merge);
            assert_eq!(fin.merge_key(), None);
            let mf = lookup(&s, &["metadata", "managedFields"]).unwrap();
            assert_eq!(mf.strategy(), PatchStrategy::Default);
        }
    }

    #[test]
    fn atomic_lists_match_kubernetes() {
        let node = schema_for("", "Node");
        assert_eq!(
            lookup(&node, &["spec", "taints"]).unwrap().strategy(),
            PatchStrategy::Default
        );
        assert_eq!(
            lookup(&node, &["status", "addresses"]).unwrap().merge_key(),
            Some("type")
        );
        let pod = schema_for("", "Pod");
        assert_eq!(
            lookup(&pod, &["spec", "tolerations"]).unwrap().strategy(),
            PatchStrategy::Default
        );
        assert_eq!(
            lookup(&pod, &["status", "containerStatuses"])
                .unwrap()
                .strategy(),
            PatchStrategy::Default
        );
        let svc = schema_for("", "Service");
        assert_eq!(
            lookup(&svc, &["spec", "ports"]).unwrap().merge_key(),
            Some("port")
        );
        let pdb = schema_for("policy", "PodDisruptionBudget");
        assert_eq!(
            lookup(&pdb, &["spec", "selector"]).unwrap().strategy(),
            PatchStrategy::Replace
        );
    }

    #[test]
    fn custom_resources_are_unsupported() {
        for (g, k) in [
            ("example.com", "Widget"),
            ("gateway.networking.k8s.io", "Gateway"),
            ("snapshot.storage.k8s.io", "VolumeSnapshot"),
        ] {
            let s = schema_for(g, k);
            assert!(!s.supports_strategic_merge(), "{g}/{k}");
            assert_eq!(s.unsupported_kind(), Some((g, k)));
            assert!(s.root().is_none());
        }
        assert!(schema_for("core", "Pod").supports_strategic_merge());
        assert!(
            schema_for("apiextensions.k8s.io", "CustomResourceDefinition")
                .supports_strategic_merge()
        );
    }

    #[test]
    fn schemas_are_shared_not_rebuilt() {
        let a = schema_for("apps", "Deployment");
        let b = schema_for("apps", "Deployment");
        assert!(std::ptr::eq(a.root().unwrap(), b.root().unwrap()));
    }
}

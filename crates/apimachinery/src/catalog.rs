//! The resource catalog: every API resource the server serves, with the facts discovery,
//! routing and storage need (group/version/kind, plural, scope, verbs, short names, categories,
//! subresources). One static table, so discovery and routing can never disagree.

/// The verbs of an ordinary read-write resource, in discovery order.
pub const STANDARD_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Reviews (access checks, token checks, "who am I") can only be created.
const CREATE_ONLY: &[&str] = &["create"];
/// Namespaces cannot be deleted as a collection.
const NAMESPACE_VERBS: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];

/// A subresource such as `pods/status` or `deployments/scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subresource {
    pub name: &'static str,
    /// Group, version and kind of the object the subresource reads and writes.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub verbs: &'static [&'static str],
}

const GET_PATCH_UPDATE: &[&str] = &["get", "patch", "update"];

const fn status(group: &'static str, version: &'static str, kind: &'static str) -> Subresource {
    Subresource {
        name: "status",
        group,
        version,
        kind,
        verbs: GET_PATCH_UPDATE,
    }
}

const fn scale() -> Subresource {
    Subresource {
        name: "scale",
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        verbs: GET_PATCH_UPDATE,
    }
}

/// One served resource at one group version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// Plural, lower-case: the URL segment.
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub verbs: &'static [&'static str],
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub subresources: &'static [Subresource],
    /// The group whose storage holds the objects; differs for resources served by two groups
    /// (core `events` and `events.k8s.io` share one store).
    pub storage_group: &'static str,
}

impl Resource {
    /// `apiVersion` as written in objects: `v1` for core, `group/version` otherwise.
    pub fn api_version(&self) -> String {
        api_version(self.group, self.version)
    }

    pub fn subresource(&self, name: &str) -> Option<&'static Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// A review: computed from the request and the caller, answered and never stored.
    pub fn is_review(&self) -> bool {
        matches!(self.group, "authentication.k8s.io" | "authorization.k8s.io")
    }

    pub fn has_status(&self) -> bool {
        self.subresource("status").is_some()
    }

    /// `deployments.apps`, `pods`: the name users and error messages use.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

macro_rules! res {
    ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr, $namespaced:expr,
     short: [$($short:expr),*], cat: [$($cat:expr),*], sub: [$($sub:expr),* $(,)?]) => {
        res!($group, $version, $kind, $plural, $singular, $namespaced, STANDARD_VERBS,
             short: [$($short),*], cat: [$($cat),*], sub: [$($sub),*], storage: $group)
    };
    ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr, $namespaced:expr, $verbs:expr,
     short: [$($short:expr),*], cat: [$($cat:expr),*], sub: [$($sub:expr),* $(,)?], storage: $storage:expr) => {
        Resource {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
            singular: $singular,
            namespaced: $namespaced,
            verbs: $verbs,
            short_names: &[$($short),*],
            categories: &[$($cat),*],
            subresources: &[$($sub),*],
            storage_group: $storage,
        }
    };
}

const fn pod_sub(
    name: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
) -> Subresource {
    Subresource {
        name,
        group: "",
        version: "v1",
        kind,
        verbs,
    }
}

/// Every served resource. Within a group, versions appear preferred-first.
pub static RESOURCES: &[Resource] = &[
    // core/v1
    res!("", "v1", "ConfigMap", "configmaps", "configmap", true, short: ["cm"], cat: [], sub: []),
    res!("", "v1", "Endpoints", "endpoints", "endpoints", true, short: ["ep"], cat: [], sub: []),
    res!("", "v1", "Event", "events", "event", true, short: ["ev"], cat: [], sub: []),
    res!("", "v1", "LimitRange", "limitranges", "limitrange", true, short: ["limits"], cat: [], sub: []),
    res!("", "v1", "Namespace", "namespaces", "namespace", false, NAMESPACE_VERBS,
         short: ["ns"], cat: [], sub: [status("", "v1", "Namespace"),
             Subresource { name: "finalize", group: "", version: "v1", kind: "Namespace", verbs: &["update"] }],
         storage: ""),
    res!("", "v1", "Node", "nodes", "node", false, short: ["no"], cat: [], sub: [status("", "v1", "Node")]),
    res!("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true,
         short: ["pvc"], cat: [], sub: [status("", "v1", "PersistentVolumeClaim")]),
    res!("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false,
         short: ["pv"], cat: [], sub: [status("", "v1", "PersistentVolume")]),
    res!("", "v1", "Pod", "pods", "pod", true, short: ["po"], cat: ["all"], sub: [
        pod_sub("attach", "PodAttachOptions", &["create", "get"]),
        pod_sub("binding", "Binding", &["create"]),
        pod_sub("ephemeralcontainers", "Pod", GET_PATCH_UPDATE),
        Subresource { name: "eviction", group: "policy", version: "v1", kind: "Eviction", verbs: &["create"] },
        pod_sub("exec", "PodExecOptions", &["create", "get"]),
        pod_sub("log", "Pod", &["get"]),
        pod_sub("portforward", "PodPortForwardOptions", &["create", "get"]),
        status("", "v1", "Pod"),
    ]),
    res!("", "v1", "PodTemplate", "podtemplates", "podtemplate", true, short: [], cat: [], sub: []),
    res!("", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", true,
         short: ["rc"], cat: ["all"], sub: [scale(), status("", "v1", "ReplicationController")]),
    res!("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true,
         short: ["quota"], cat: [], sub: [status("", "v1", "ResourceQuota")]),
    res!("", "v1", "Secret", "secrets", "secret", true, short: [], cat: [], sub: []),
    res!("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, short: ["sa"], cat: [],
         sub: [Subresource { name: "token", group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: &["create"] }]),
    res!("", "v1", "Service", "services", "service", true, short: ["svc"], cat: ["all"],
         sub: [status("", "v1", "Service")]),
    // apps/v1
    res!("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, short: [], cat: [], sub: []),
    res!("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, short: ["ds"], cat: ["all"],
         sub: [status("apps", "v1", "DaemonSet")]),
    res!("apps", "v1", "Deployment", "deployments", "deployment", true, short: ["deploy"], cat: ["all"],
         sub: [scale(), status("apps", "v1", "Deployment")]),
    res!("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, short: ["rs"], cat: ["all"],
         sub: [scale(), status("apps", "v1", "ReplicaSet")]),
    res!("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, short: ["sts"], cat: ["all"],
         sub: [scale(), status("apps", "v1", "StatefulSet")]),
    // authentication.k8s.io/v1 and authorization.k8s.io/v1: reviews, answered from the
    // request and the caller's identity and never stored.
    res!("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview", false,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authentication.k8s.io"),
    res!("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", "tokenreview", false,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authentication.k8s.io"),
    res!("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "localsubjectaccessreview", true,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authorization.k8s.io"),
    res!("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "selfsubjectaccessreview", false,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authorization.k8s.io"),
    res!("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "selfsubjectrulesreview", false,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authorization.k8s.io"),
    res!("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", "subjectaccessreview", false,
         CREATE_ONLY, short: [], cat: [], sub: [], storage: "authorization.k8s.io"),
    // autoscaling
    res!("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true,
         short: ["hpa"], cat: ["all"], sub: [status("autoscaling", "v2", "HorizontalPodAutoscaler")]),
    // batch/v1
    res!("batch", "v1", "CronJob", "cronjobs", "cronjob", true, short: ["cj"], cat: ["all"],
         sub: [status("batch", "v1", "CronJob")]),
    res!("batch", "v1", "Job", "jobs", "job", true, short: [], cat: ["all"], sub: [status("batch", "v1", "Job")]),
    // policy/v1
    res!("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true,
         short: ["pdb"], cat: [], sub: [status("policy", "v1", "PodDisruptionBudget")]),
    // coordination.k8s.io/v1
    res!("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, short: [], cat: [], sub: []),
    // discovery.k8s.io/v1
    res!("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, short: [], cat: [], sub: []),
    // events.k8s.io/v1 shares the core events store.
    res!("events.k8s.io", "v1", "Event", "events", "event", true, STANDARD_VERBS,
         short: ["ev"], cat: [], sub: [], storage: ""),
    // networking.k8s.io/v1
    res!("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", false, short: [], cat: [], sub: []),
    res!("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true, short: ["ing"], cat: [],
         sub: [status("networking.k8s.io", "v1", "Ingress")]),
    res!("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true,
         short: ["netpol"], cat: [], sub: []),
    // rbac.authorization.k8s.io/v1
    res!("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false, short: [], cat: [], sub: []),
    res!("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", false, short: [], cat: [], sub: []),
    res!("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", true, short: [], cat: [], sub: []),
    res!("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", true, short: [], cat: [], sub: []),
    // storage.k8s.io/v1
    res!("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false, short: ["sc"], cat: [], sub: []),
    // scheduling.k8s.io/v1
    res!("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false, short: ["pc"], cat: [], sub: []),
];

/// Looks up a resource by group, version and plural name.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// Looks up a resource by group, version and kind.
pub fn find_kind(group: &str, version: &str, kind: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == kind)
}

/// The served groups in discovery order, each with its versions (preferred first).
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for r in RESOURCES {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, versions)) => {
                if !versions.contains(&r.version) {
                    versions.push(r.version);
                }
            }
            None => out.push((r.group, vec![r.version])),
        }
    }
    out
}

/// The resources of one group version.
pub fn resources_of<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static Resource> + 'a {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

/// Splits an `apiVersion` into group and version (`v1` → core).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_kind_are_unique_per_group_version() {
        for (i, a) in RESOURCES.iter().enumerate() {
            for b in &RESOURCES[i + 1..] {
                if a.group == b.group && a.version == b.version {
                    assert_ne!(a.plural, b.plural);
                    assert_ne!(a.kind, b.kind);
                }
            }
        }
    }

    #[test]
    fn short_names_are_unique() {
        let mut seen = std::collections::HashMap::new();
        for r in RESOURCES {
            for s in r.short_names {
                if let Some(prev) = seen.insert(*s, r.group_resource()) {
                    // The same short name may only be shared by the same resource in two groups.
                    assert_eq!(r.plural, prev.split('.').next().unwrap(), "short name {s}");
                }
            }
        }
    }

    #[test]
    fn lookups_and_api_versions() {
        let d = find("apps", "v1", "deployments").unwrap();
        assert_eq!(d.kind, "Deployment");
        assert_eq!(d.api_version(), "apps/v1");
        assert_eq!(d.short_names, &["deploy"]);
        assert!(d.subresource("scale").is_some());
        assert_eq!(find_kind("", "v1", "Pod").unwrap().plural, "pods");
        assert!(!find("", "v1", "namespaces").unwrap().namespaced);
        assert_eq!(split_api_version("v1"), ("", "v1"));
        assert_eq!(split_api_version("apps/v1"), ("apps", "v1"));
        assert!(find("apps", "v1", "pods").is_none());
        let gs = groups();
        assert_eq!(gs[0].0, "");
        assert!(gs.iter().any(|(g, _)| *g == "rbac.authorization.k8s.io"));
    }
}

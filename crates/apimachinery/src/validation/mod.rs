//! Kubernetes validation of objects on create and update, with the causes, field paths and
//! messages the Kubernetes API server reports (`ValidateObjectMeta` plus per-kind rules).
//!
//! Objects are validated after defaulting ([`crate::defaults::apply_defaults`]). Values of an
//! unexpected JSON type are reported as `FieldValueTypeInvalid`, never a panic.

mod common;
mod core;
mod field;
mod names;
mod other;
mod pod;
mod quantity;
mod workloads;

#[cfg(test)]
mod tests;

use serde_json::Value;

use self::field::q;
pub(crate) use self::field::{goslice, Errs, Path};
use self::names::NameRule;
pub use self::names::{
    is_config_map_key, is_dns1035_label, is_dns1123_label, is_dns1123_subdomain, is_qualified_name,
    is_valid_label_value,
};
pub use self::quantity::{parse_quantity, Quantity, QuantityFormat};

pub(crate) use self::core::normalize_service;
pub(crate) use self::field::q as go_quote;
pub(crate) use self::pod::volume_source_keys;
pub(crate) use self::workloads::generate_job_selector;

/// One validation failure, as a `metav1.StatusCause`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`,
    /// `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueTooMany`, `FieldValueNotFound` or
    /// `FieldValueTypeInvalid`.
    pub reason: &'static str,
    /// The message without the field, e.g. `Required value` or `Invalid value: "x": ...`.
    pub message: String,
    /// The field path, e.g. `spec.template.spec.containers[0].image`.
    pub field: String,
}

fn name_rule(group: &str, kind: &str) -> NameRule {
    match (group, kind) {
        ("", "Namespace") => NameRule::Label,
        ("", "Service") => NameRule::Dns1035,
        ("apps", "StatefulSet") => NameRule::Label,
        ("rbac.authorization.k8s.io", _) => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

/// Kinds served by this server (whose metadata gets the core finalizer-name checks).
fn is_builtin(group: &str) -> bool {
    matches!(
        group,
        "" | "apps"
            | "batch"
            | "autoscaling"
            | "policy"
            | "coordination.k8s.io"
            | "discovery.k8s.io"
            | "events.k8s.io"
            | "networking.k8s.io"
            | "storage.k8s.io"
            | "scheduling.k8s.io"
    )
}

/// Validates a new object (already defaulted). An empty list means valid.
pub fn validate_create(group: &str, kind: &str, namespaced: bool, obj: &Value) -> Vec<Cause> {
    let mut e = Errs::new();
    if !obj.is_object() {
        e.type_invalid(&Path::new(""), obj, "an object");
        return e.list;
    }
    let owned = match (group, kind) {
        ("", "Service") => {
            let mut o = obj.clone();
            core::normalize_service(&mut o, None);
            Some(o)
        }
        ("batch", "Job") => {
            let mut o = obj.clone();
            workloads::generate_job_selector(&mut o);
            Some(o)
        }
        _ => None,
    };
    let obj = owned.as_ref().unwrap_or(obj);
    let legacy_event = group.is_empty() && kind == "Event";
    if !legacy_event {
        common::validate_object_meta(&mut e, obj, name_rule(group, kind), is_builtin(group));
    }
    validate_kind(&mut e, group, kind, namespaced, obj, None);
    e.list
}

/// Validates an update of `old` to `new` (both defaulted). An empty list means valid.
pub fn validate_update(
    group: &str,
    kind: &str,
    namespaced: bool,
    old: &Value,
    new: &Value,
) -> Vec<Cause> {
    let mut e = Errs::new();
    if !new.is_object() {
        e.type_invalid(&Path::new(""), new, "an object");
        return e.list;
    }
    let owned;
    let new = if group.is_empty() && kind == "Service" {
        let mut n = new.clone();
        core::normalize_service(&mut n, Some(old));
        owned = n;
        &owned
    } else {
        new
    };
    let legacy_event = group.is_empty() && kind == "Event";
    if !legacy_event {
        common::validate_object_meta_update(&mut e, new, old, is_builtin(group));
    }
    validate_kind(&mut e, group, kind, namespaced, new, Some(old));
    e.list
}

fn validate_kind(
    e: &mut Errs,
    group: &str,
    kind: &str,
    namespaced: bool,
    obj: &Value,
    old: Option<&Value>,
) {
    match (group, kind) {
        ("", "Pod") => {
            other::validate_pod(e, obj, old.is_none());
            if let Some(old) = old {
                pod::validate_pod_spec_update(e, obj, old);
            }
        }
        ("", "Service") => {
            if let Some(old) = old {
                core::validate_service_update(e, obj, old);
            }
            core::validate_service(e, obj);
        }
        ("", "ConfigMap") => {
            if let Some(old) = old {
                core::validate_config_map_update(e, obj, old);
            }
            core::validate_config_map(e, obj);
        }
        ("", "Secret") => {
            if let Some(old) = old {
                core::validate_secret_update(e, obj, old);
            }
            core::validate_secret(e, obj);
        }
        ("", "Namespace") if old.is_none() => core::validate_namespace(e, obj),
        ("", "Node") => {
            core::validate_node(e, obj);
            if let Some(old) = old {
                core::validate_node_update(e, obj, old);
            }
        }
        ("", "PersistentVolume") => {
            core::validate_pv(e, obj);
            if let Some(old) = old {
                core::validate_pv_update(e, obj, old);
            }
        }
        ("", "PersistentVolumeClaim") => {
            core::validate_pvc(e, obj);
            if let Some(old) = old {
                core::validate_pvc_update(e, obj, old);
            }
        }
        ("", "Event") => core::validate_event(e, obj, false),
        ("events.k8s.io", "Event") => match old {
            None => core::validate_event(e, obj, true),
            Some(old) => {
                core::validate_event(e, obj, false);
                core::validate_event_update(e, obj, old);
            }
        },
        ("", "Endpoints") => core::validate_endpoints(e, obj),
        ("", "ReplicationController") => core::validate_replication_controller(e, obj),
        ("", "PodTemplate") => core::validate_pod_template_object(e, obj),
        ("", "LimitRange") => core::validate_limit_range(e, obj),
        ("", "ResourceQuota") => core::validate_resource_quota(e, obj),
        ("apps", "Deployment") => {
            workloads::validate_deployment(e, obj);
            if let Some(old) = old {
                workloads::validate_selector_immutable(e, obj, old);
            }
        }
        ("apps", "ReplicaSet") => {
            workloads::validate_replica_set(e, obj);
            if let Some(old) = old {
                workloads::validate_selector_immutable(e, obj, old);
            }
        }
        ("apps", "DaemonSet") => {
            workloads::validate_daemon_set(e, obj);
            if let Some(old) = old {
                workloads::validate_selector_immutable(e, obj, old);
            }
        }
        ("apps", "StatefulSet") => {
            workloads::validate_stateful_set(e, obj);
            if let Some(old) = old {
                workloads::validate_stateful_set_update(e, obj, old);
            }
        }
        ("apps", "ControllerRevision") => other::validate_controller_revision(e, obj, old),
        ("batch", "Job") => {
            workloads::validate_job(e, obj);
            if let Some(old) = old {
                workloads::validate_job_update(e, obj, old);
            }
        }
        ("batch", "CronJob") => workloads::validate_cron_job(e, obj, old),
        ("autoscaling", "HorizontalPodAutoscaler") => other::validate_hpa(e, obj, old),
        ("policy", "PodDisruptionBudget") => other::validate_pdb(e, obj),
        ("coordination.k8s.io", "Lease") => other::validate_lease(e, obj),
        ("discovery.k8s.io", "EndpointSlice") => other::validate_endpoint_slice(e, obj),
        ("networking.k8s.io", "NetworkPolicy") => other::validate_network_policy(e, obj),
        ("networking.k8s.io", "Ingress") => {
            other::validate_ingress(e, obj);
            if old.is_none() {
                other::validate_ingress_create(e, obj);
            }
        }
        ("networking.k8s.io", "IngressClass") => {
            if let Some(old) = old {
                other::validate_ingress_class_update(e, obj, old);
            }
            other::validate_ingress_class(e, obj);
        }
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => {
            other::validate_role(e, obj, namespaced && kind == "Role");
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            other::validate_role_binding(e, obj, namespaced && kind == "RoleBinding");
            if let Some(old) = old {
                other::validate_role_binding_update(e, obj, old);
            }
        }
        ("storage.k8s.io", "StorageClass") => match old {
            None => other::validate_storage_class(e, obj),
            Some(old) => other::validate_storage_class_update(e, obj, old),
        },
        ("scheduling.k8s.io", "PriorityClass") => match old {
            None => other::validate_priority_class(e, obj),
            Some(old) => other::validate_priority_class_update(e, obj, old),
        },
        _ => {}
    }
}

/// The `Status.message` Kubernetes builds for an Invalid error:
/// `Deployment.apps "web" is invalid: spec.selector: Required value` for one cause,
/// `... is invalid: [a: x, b: y]` for several (identical lines are reported once).
pub fn invalid_message(group: &str, kind: &str, name: &str, causes: &[Cause]) -> String {
    let qualified = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let mut lines: Vec<String> = Vec::new();
    for c in causes {
        let line = format!("{}: {}", c.field, c.message);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    match lines.len() {
        0 => format!("{qualified} {} is invalid", q(name)),
        1 => format!("{qualified} {} is invalid: {}", q(name), lines[0]),
        _ => format!("{qualified} {} is invalid: [{}]", q(name), lines.join(", ")),
    }
}

//! Printers for core (`""` group) resources.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::quantity::qty;
use super::util::{
    age, arr_at, at, bool_at, containers, deleting, format_labels, int_at, later,
    load_balancer_ingress, name, obj_at, obj_len, opt_bool, opt_str, present, since, str_at,
    time_at,
};
use super::{col, row, wide, ColumnDef, AGE, CONTAINERS_DESC, IMAGES_DESC, NAME};

// ---------------------------------------------------------------------------------------------
// Pods

pub(super) static POD_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Ready",
        "string",
        "The aggregate readiness state of this pod for accepting traffic.",
    ),
    col(
        "Status",
        "string",
        "The aggregate status of the containers in this pod.",
    ),
    col(
        "Restarts",
        "string",
        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE,
    wide("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
    wide("Node", "string", "NodeName indicates in which node this pod is scheduled."),
    wide("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
    wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness."),
];

fn condition_true(conditions: &[Value], type_: &str) -> bool {
    conditions
        .iter()
        .any(|c| str_at(c, &["type"]) == type_ && str_at(c, &["status"]) == "True")
}

/// Time the container last terminated (`lastState.terminated.finishedAt`), if recorded.
fn last_termination(status: &Value) -> Option<DateTime<Utc>> {
    if !present(status, &["lastState", "terminated"]) {
        return None;
    }
    time_at(status, &["lastState", "terminated", "finishedAt"])
}

/// Terminated-state reason, or `Signal:N` / `ExitCode:N` when no reason is given.
fn terminated_reason(status: &Value, prefix: &str) -> String {
    let reason = str_at(status, &["state", "terminated", "reason"]);
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    let signal = int_at(status, &["state", "terminated", "signal"]);
    if signal != 0 {
        format!("{prefix}Signal:{signal}")
    } else {
        let code = int_at(status, &["state", "terminated", "exitCode"]);
        format!("{prefix}ExitCode:{code}")
    }
}

pub(super) fn pod(pod: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let init_specs = arr_at(pod, &["spec", "initContainers"]);
    let conditions = arr_at(pod, &["status", "conditions"]);
    let phase = str_at(pod, &["status", "phase"]);
    let status_reason = str_at(pod, &["status", "reason"]);

    // Sidecars (init containers with restartPolicy Always); a later spec of the same name wins.
    let restartable = |name: &str| {
        init_specs
            .iter()
            .rev()
            .find(|c| str_at(c, &["name"]) == name)
            .is_some_and(|c| str_at(c, &["restartPolicy"]) == "Always")
    };

    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut ready: i64 = 0;
    let total = arr_at(pod, &["spec", "containers"]).len() as i64
        + init_specs
            .iter()
            .filter(|c| str_at(c, &["restartPolicy"]) == "Always")
            .count() as i64;
    let mut last_restart = None;
    let mut last_sidecar_restart = None;

    let mut reason = if status_reason.is_empty() {
        phase.to_string()
    } else {
        status_reason.to_string()
    };
    if conditions.iter().any(|c| {
        str_at(c, &["type"]) == "PodScheduled" && str_at(c, &["reason"]) == "SchedulingGated"
    }) {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    for (i, status) in arr_at(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let count = int_at(status, &["restartCount"]);
        let terminated_at = last_termination(status);
        restarts = restarts.saturating_add(count);
        last_restart = later(last_restart, terminated_at);
        let sidecar = restartable(str_at(status, &["name"]));
        if sidecar {
            sidecar_restarts = sidecar_restarts.saturating_add(count);
            last_sidecar_restart = later(last_sidecar_restart, terminated_at);
        }
        let terminated = present(status, &["state", "terminated"]);
        let waiting_reason = if present(status, &["state", "waiting"]) {
            str_at(status, &["state", "waiting", "reason"])
        } else {
            ""
        };
        if terminated && int_at(status, &["state", "terminated", "exitCode"]) == 0 {
            continue;
        }
        if sidecar && opt_bool(status, &["started"]) == Some(true) {
            if bool_at(status, &["ready"]) {
                ready += 1;
            }
            continue;
        }
        reason = if terminated {
            terminated_reason(status, "Init:")
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_specs.len())
        };
        initializing = true;
        break;
    }

    if !initializing || initialized(conditions) {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for status in arr_at(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts = restarts.saturating_add(int_at(status, &["restartCount"]));
            last_restart = later(last_restart, last_termination(status));
            let waiting_reason = if present(status, &["state", "waiting"]) {
                str_at(status, &["state", "waiting", "reason"])
            } else {
                ""
            };
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if present(status, &["state", "terminated"]) {
                reason = terminated_reason(status, "");
            } else if bool_at(status, &["ready"]) && present(status, &["state", "running"]) {
                has_running = true;
                ready += 1;
            }
        }
        // Some containers completed while at least one is still running.
        if reason == "Completed" && has_running {
            reason = if condition_true(conditions, "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    if deleting(pod) && status_reason == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting(pod) && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_string();
    }

    let restarts_cell = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(Some(t), now)),
        _ => restarts.to_string(),
    };

    let pod_ip = arr_at(pod, &["status", "podIPs"])
        .first()
        .map(|ip| str_at(ip, &["ip"]))
        .unwrap_or_else(|| str_at(pod, &["status", "podIP"]));
    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    let gates = arr_at(pod, &["spec", "readinessGates"]);
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let passing = gates
            .iter()
            .filter(|gate| {
                let wanted = str_at(gate, &["conditionType"]);
                conditions
                    .iter()
                    .find(|c| str_at(c, &["type"]) == wanted)
                    .is_some_and(|c| str_at(c, &["status"]) == "True")
            })
            .count();
        format!("{passing}/{}", gates.len())
    };

    row![
        name(pod),
        format!("{ready}/{total}"),
        reason,
        restarts_cell,
        age(pod, now),
        or_none(pod_ip),
        or_none(str_at(pod, &["spec", "nodeName"])),
        or_none(str_at(pod, &["status", "nominatedNodeName"])),
        readiness_gates,
    ]
}

/// Whether the pod's first `Initialized` condition is `True`.
fn initialized(conditions: &[Value]) -> bool {
    conditions
        .iter()
        .find(|c| str_at(c, &["type"]) == "Initialized")
        .is_some_and(|c| str_at(c, &["status"]) == "True")
}

/// `Completed` row condition for pods that succeeded or failed.
pub(super) fn pod_conditions(pod: &Value) -> Vec<Value> {
    let (reason, message) = match str_at(pod, &["status", "phase"]) {
        "Succeeded" => ("Succeeded", "The pod has completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return Vec::new(),
    };
    vec![serde_json::json!({
        "type": "Completed",
        "status": "True",
        "reason": reason,
        "message": message,
    })]
}

// ---------------------------------------------------------------------------------------------
// Pod templates and replication controllers

pub(super) static POD_TEMPLATE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Containers", "string", CONTAINERS_DESC),
    col("Images", "string", IMAGES_DESC),
    col("Pod Labels", "string", "The labels for the pod template."),
];

pub(super) fn pod_template(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, &["template", "spec", "containers"]);
    row![
        name(obj),
        names,
        images,
        format_labels(obj_at(obj, &["template", "metadata", "labels"])),
    ]
}

pub(super) static RC_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Desired",
        "integer",
        "Replicas is the number of desired replicas.",
    ),
    col(
        "Current",
        "integer",
        "Replicas is the most recently observed number of replicas.",
    ),
    col(
        "Ready",
        "integer",
        "The number of ready replicas for this replication controller.",
    ),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide(
        "Selector",
        "string",
        "Selector is a label query over pods that should match the Replicas count.",
    ),
];

pub(super) fn replication_controller(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, &["spec", "template", "spec", "containers"]);
    row![
        name(obj),
        int_at(obj, &["spec", "replicas"]),
        int_at(obj, &["status", "replicas"]),
        int_at(obj, &["status", "readyReplicas"]),
        age(obj, now),
        names,
        images,
        format_labels(obj_at(obj, &["spec", "selector"])),
    ]
}

// ---------------------------------------------------------------------------------------------
// Services and endpoints

pub(super) static SERVICE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Type", "string", "type determines how the Service is exposed."),
    col("Cluster-IP", "string", "clusterIP is the IP address of the service."),
    col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
    col("Port(s)", "string", "The list of ports that are exposed by this service."),
    AGE,
    wide("Selector", "string", "Route service traffic to pods with label keys and values matching this selector."),
];

fn service_external_ip(svc: &Value) -> String {
    let external: Vec<&str> = arr_at(svc, &["spec", "externalIPs"])
        .iter()
        .map(|ip| ip.as_str().unwrap_or(""))
        .collect();
    match str_at(svc, &["spec", "type"]) {
        "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "ClusterIP" | "NodePort" => "<none>".to_string(),
        "LoadBalancer" => {
            let lb = load_balancer_ingress(arr_at(svc, &["status", "loadBalancer", "ingress"]));
            if !external.is_empty() {
                let mut all: Vec<&str> = Vec::new();
                if !lb.is_empty() {
                    all.extend(lb.split(','));
                }
                all.extend(external);
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => str_at(svc, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    }
}

fn service_ports(svc: &Value) -> String {
    let ports: Vec<String> = arr_at(svc, &["spec", "ports"])
        .iter()
        .map(|p| {
            let port = int_at(p, &["port"]);
            let protocol = str_at(p, &["protocol"]);
            match int_at(p, &["nodePort"]) {
                node_port if node_port > 0 => format!("{port}:{node_port}/{protocol}"),
                _ => format!("{port}/{protocol}"),
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    }
}

pub(super) fn service(svc: &Value, now: DateTime<Utc>) -> Vec<Value> {
    // Objects predating dual-stack only carry `clusterIP`.
    let cluster_ip = match arr_at(svc, &["spec", "clusterIPs"]).first() {
        Some(ip) => ip.as_str().unwrap_or(""),
        None => str_at(svc, &["spec", "clusterIP"]),
    };
    let cluster_ip = if cluster_ip.is_empty() && arr_at(svc, &["spec", "clusterIPs"]).is_empty() {
        "<none>"
    } else {
        cluster_ip
    };
    row![
        name(svc),
        str_at(svc, &["spec", "type"]),
        cluster_ip,
        service_external_ip(svc),
        service_ports(svc),
        age(svc, now),
        format_labels(obj_at(svc, &["spec", "selector"])),
    ]
}

pub(super) static ENDPOINTS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Endpoints",
        "string",
        "The set of all endpoints is the union of all subsets.",
    ),
    AGE,
];

/// `host:port`, bracketing IPv6 hosts.
fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn format_endpoints(obj: &Value) -> String {
    let subsets = arr_at(obj, &["subsets"]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for subset in subsets {
        let addresses = arr_at(subset, &["addresses"]);
        let ports = arr_at(subset, &["ports"]);
        if ports.is_empty() {
            // Headless services may have no ports.
            count += addresses.len();
            for addr in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(str_at(addr, &["ip"]).to_string());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for addr in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(
                    str_at(addr, &["ip"]),
                    int_at(port, &["port"]),
                ));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(MAX))
    } else {
        ret
    }
}

pub(super) fn endpoints(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![name(obj), format_endpoints(obj), age(obj, now)]
}

// ---------------------------------------------------------------------------------------------
// Namespaces and nodes

pub(super) static NAMESPACE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Status", "string", "The status of the namespace"),
    AGE,
];

pub(super) fn namespace(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![name(obj), str_at(obj, &["status", "phase"]), age(obj, now)]
}

pub(super) static NODE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Status", "string", "The status of the node"),
    col("Roles", "string", "The roles of the node"),
    AGE,
    col("Version", "string", "Kubelet Version reported by the node."),
    wide("Internal-IP", "string", "List of addresses reachable to the node."),
    wide("External-IP", "string", "List of addresses reachable to the node."),
    wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
    wide("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
];

/// Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value.
fn node_roles(node: &Value) -> String {
    let mut roles: Vec<&str> = Vec::new();
    for (key, value) in obj_at(node, &["metadata", "labels"]).into_iter().flatten() {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role);
            }
        } else if key == "kubernetes.io/role" {
            if let Some(role) = value.as_str().filter(|r| !r.is_empty()) {
                roles.push(role);
            }
        }
    }
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

fn node_address(node: &Value, type_: &str) -> String {
    arr_at(node, &["status", "addresses"])
        .iter()
        .find(|a| str_at(a, &["type"]) == type_)
        .map_or_else(
            || "<none>".to_string(),
            |a| str_at(a, &["address"]).to_string(),
        )
}

pub(super) fn node(node: &Value, now: DateTime<Utc>) -> Vec<Value> {
    // The last Ready condition wins.
    let ready = arr_at(node, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| str_at(c, &["type"]) == "Ready");
    let mut status = vec![match ready {
        Some(c) if str_at(c, &["status"]) == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }];
    if bool_at(node, &["spec", "unschedulable"]) {
        status.push("SchedulingDisabled");
    }
    let info = |field: &str| match str_at(node, &["status", "nodeInfo", field]) {
        "" => "<unknown>".to_string(),
        v => v.to_string(),
    };
    row![
        name(node),
        status.join(","),
        node_roles(node),
        age(node, now),
        str_at(node, &["status", "nodeInfo", "kubeletVersion"]),
        node_address(node, "InternalIP"),
        node_address(node, "ExternalIP"),
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Events (core/v1 and events.k8s.io/v1 shapes)

pub(super) static EVENT_COLUMNS: &[ColumnDef] = &[
    col("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col("Object", "string", "The object that this event is about."),
    wide("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement."),
    wide("Source", "string", "The component reporting this event. Should be a short machine understandable string."),
    col("Message", "string", "A human-readable description of the status of this operation."),
    wide("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
    wide("Count", "string", "The number of times this event has occurred."),
    ColumnDef {
        priority: 1,
        ..NAME
    },
];

/// A field under its core/v1 name, else under its events.k8s.io/v1 name.
fn event_field<'a>(ev: &'a Value, core: &str, events: &str) -> Option<&'a Value> {
    at(ev, &[core])
        .filter(|v| !v.is_null())
        .or_else(|| at(ev, &[events]))
}

pub(super) fn event(ev: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let time_of = |v: Option<&Value>| v.and_then(Value::as_str).and_then(super::util::parse_time);
    let first_ts = time_of(event_field(
        ev,
        "firstTimestamp",
        "deprecatedFirstTimestamp",
    ));
    let first_seen = match first_ts {
        Some(t) => since(Some(t), now),
        None => since(time_at(ev, &["eventTime"]), now),
    };
    let last_ts = time_of(event_field(ev, "lastTimestamp", "deprecatedLastTimestamp"));
    let mut last_seen = match last_ts {
        Some(t) => since(Some(t), now),
        None => first_seen.clone(),
    };
    let mut count = event_field(ev, "count", "deprecatedCount")
        .and_then(super::util::as_int)
        .unwrap_or(0);
    if present(ev, &["series"]) {
        last_seen = since(time_at(ev, &["series", "lastObservedTime"]), now);
        count = int_at(ev, &["series", "count"]);
    } else if count == 0 {
        // Singleton events carry no count in the newer API.
        count = 1;
    }

    let empty = Value::Null;
    let involved = event_field(ev, "involvedObject", "regarding").unwrap_or(&empty);
    let kind = str_at(involved, &["kind"]).to_lowercase();
    let involved_name = str_at(involved, &["name"]);
    let target = if involved_name.is_empty() {
        kind
    } else {
        format!("{kind}/{involved_name}")
    };

    let source = event_field(ev, "source", "deprecatedSource").unwrap_or(&empty);
    let first_non_empty = |a: &'_ str, b: &'_ str| -> String {
        if a.is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let component = first_non_empty(
        str_at(source, &["component"]),
        str_at(ev, &["reportingController"]),
    );
    let instance = first_non_empty(
        str_at(source, &["host"]),
        str_at(ev, &["reportingInstance"]),
    );
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };

    let message = event_field(ev, "message", "note")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();

    row![
        last_seen,
        str_at(ev, &["type"]),
        str_at(ev, &["reason"]),
        target,
        str_at(involved, &["fieldPath"]),
        source,
        message,
        first_seen,
        count,
        name(ev),
    ]
}

// ---------------------------------------------------------------------------------------------
// Config and identity

pub(super) static CONFIG_MAP_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Data", "string", "Data contains the configuration data."),
    AGE,
];

pub(super) fn config_map(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        obj_len(obj, &["data"]) + obj_len(obj, &["binaryData"]),
        age(obj, now),
    ]
}

pub(super) static SECRET_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Type",
        "string",
        "Used to facilitate programmatic handling of secret data.",
    ),
    col("Data", "string", "Data contains the secret data."),
    AGE,
];

pub(super) fn secret(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    // `stringData` is write-only and merged into `data`; count the union of keys.
    let data = obj_at(obj, &["data"]);
    let extra = obj_at(obj, &["stringData"])
        .into_iter()
        .flatten()
        .filter(|(k, _)| !data.is_some_and(|d| d.contains_key(*k)))
        .count() as i64;
    row![
        name(obj),
        str_at(obj, &["type"]),
        obj_len(obj, &["data"]) + extra,
        age(obj, now),
    ]
}

pub(super) static SERVICE_ACCOUNT_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
    AGE,
];

pub(super) fn service_account(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        arr_at(obj, &["secrets"]).len() as i64,
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// Storage

/// Access modes abbreviated in fixed order (`RWO,ROX,RWX,RWOP`).
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| has(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// Storage class: the legacy beta annotation, else `spec.storageClassName`.
fn storage_class(obj: &Value) -> &str {
    super::util::annotation(obj, "volume.beta.kubernetes.io/storage-class")
        .unwrap_or_else(|| str_at(obj, &["spec", "storageClassName"]))
}

fn unset_or(v: Option<&str>) -> &str {
    v.unwrap_or("<unset>")
}

pub(super) static PV_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
    col("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
    col("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
    col("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    col("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    col("StorageClass", "string", "StorageClass of the pv"),
    col("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    col("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
    AGE,
    wide("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
];

pub(super) fn persistent_volume(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let claim = if present(obj, &["spec", "claimRef"]) {
        format!(
            "{}/{}",
            str_at(obj, &["spec", "claimRef", "namespace"]),
            str_at(obj, &["spec", "claimRef", "name"])
        )
    } else {
        String::new()
    };
    let phase = if deleting(obj) {
        "Terminating"
    } else {
        str_at(obj, &["status", "phase"])
    };
    row![
        name(obj),
        qty(obj, &["spec", "capacity", "storage"]),
        access_modes(arr_at(obj, &["spec", "accessModes"])),
        str_at(obj, &["spec", "persistentVolumeReclaimPolicy"]),
        phase,
        claim,
        storage_class(obj),
        unset_or(opt_str(obj, &["spec", "volumeAttributesClassName"])),
        str_at(obj, &["status", "reason"]),
        age(obj, now),
        unset_or(opt_str(obj, &["spec", "volumeMode"])),
    ]
}

pub(super) static PVC_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Status",
        "string",
        "phase represents the current phase of PersistentVolumeClaim.",
    ),
    col(
        "Volume",
        "string",
        "volumeName is the binding reference to the PersistentVolume backing this claim.",
    ),
    col(
        "Capacity",
        "string",
        "capacity represents the actual resources of the underlying volume.",
    ),
    col(
        "Access Modes",
        "string",
        "accessModes contains the actual access modes the volume backing the PVC has.",
    ),
    col("StorageClass", "string", "StorageClass of the pvc"),
    col(
        "VolumeAttributesClass",
        "string",
        "VolumeAttributesClass of the pvc",
    ),
    AGE,
    wide(
        "VolumeMode",
        "string",
        "volumeMode defines what type of volume is required by the claim.",
    ),
];

pub(super) fn persistent_volume_claim(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let phase = if deleting(obj) {
        "Terminating"
    } else {
        str_at(obj, &["status", "phase"])
    };
    let volume = str_at(obj, &["spec", "volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            qty(obj, &["status", "capacity", "storage"]),
            access_modes(arr_at(obj, &["status", "accessModes"])),
        )
    };
    row![
        name(obj),
        phase,
        volume,
        capacity,
        modes,
        storage_class(obj),
        unset_or(opt_str(obj, &["spec", "volumeAttributesClassName"])),
        age(obj, now),
        unset_or(opt_str(obj, &["spec", "volumeMode"])),
    ]
}

// ---------------------------------------------------------------------------------------------
// Resource quotas and component statuses

pub(super) static RESOURCE_QUOTA_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
    col("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
    AGE,
];

pub(super) fn resource_quota(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut resources: Vec<&str> = obj_at(obj, &["status", "hard"])
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
    resources.sort_unstable();
    let mut requests: Vec<String> = Vec::new();
    let mut limits: Vec<String> = Vec::new();
    for resource in resources {
        let used = qty(obj, &["status", "used", resource]);
        let hard = qty(obj, &["status", "hard", resource]);
        let entry = format!("{resource}: {used}/{hard}");
        let mut pieces = resource.split('.');
        if pieces.next() == Some("limits") && pieces.next().is_some() {
            limits.push(entry);
        } else {
            requests.push(entry);
        }
    }
    row![
        name(obj),
        requests.join(", "),
        limits.join(", "),
        age(obj, now),
    ]
}

pub(super) static COMPONENT_STATUS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Status", "string", "Status of the component conditions"),
    col("Message", "string", "Message of the component conditions"),
    col("Error", "string", "Error of the component conditions"),
];

pub(super) fn component_status(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let healthy = arr_at(obj, &["conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == "Healthy");
    let (status, message, error) = match healthy {
        Some(c) => (
            if str_at(c, &["status"]) == "True" {
                "Healthy"
            } else {
                "Unhealthy"
            },
            str_at(c, &["message"]),
            str_at(c, &["error"]),
        ),
        None => ("Unknown", "", ""),
    };
    row![name(obj), status, message, error]
}

//! Printers for workload resources: apps, batch, autoscaling and policy.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::human_duration;
use super::quantity::{opt_qty, qty_ptr};
use super::util::{
    age, arr_at, at, bool_ptr, containers, deleting, format_label_selector, format_labels, int_at,
    int_or_string, name, obj_at, opt_bool, opt_int, opt_str, present, selector_string, since,
    str_at, time_at,
};
use super::{col, row, wide, ColumnDef, AGE, CONTAINERS_DESC, IMAGES_DESC, NAME};

const TEMPLATE_CONTAINERS: &[&str] = &["spec", "template", "spec", "containers"];

// ---------------------------------------------------------------------------------------------
// apps

pub(super) static REPLICA_SET_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Desired",
        "integer",
        "Replicas is the number of desired pods.",
    ),
    col(
        "Current",
        "integer",
        "Replicas is the most recently observed number of non-terminating pods.",
    ),
    col(
        "Ready",
        "integer",
        "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.",
    ),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide(
        "Selector",
        "string",
        "Selector is a label query over pods that should match the replica count.",
    ),
];

pub(super) fn replica_set(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, TEMPLATE_CONTAINERS);
    row![
        name(obj),
        int_at(obj, &["spec", "replicas"]),
        int_at(obj, &["status", "replicas"]),
        int_at(obj, &["status", "readyReplicas"]),
        age(obj, now),
        names,
        images,
        format_label_selector(at(obj, &["spec", "selector"])),
    ]
}

pub(super) static DEPLOYMENT_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
    col("Available", "string", "Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment."),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
];

pub(super) fn deployment(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, TEMPLATE_CONTAINERS);
    let selector = selector_string(at(obj, &["spec", "selector"]))
        .unwrap_or_else(|()| "<invalid>".to_string());
    row![
        name(obj),
        format!(
            "{}/{}",
            int_at(obj, &["status", "readyReplicas"]),
            int_at(obj, &["spec", "replicas"])
        ),
        int_at(obj, &["status", "updatedReplicas"]),
        int_at(obj, &["status", "availableReplicas"]),
        age(obj, now),
        names,
        images,
        selector,
    ]
}

pub(super) static STATEFUL_SET_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Ready", "string", "Number of the pod with ready state"),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
];

pub(super) fn stateful_set(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, TEMPLATE_CONTAINERS);
    row![
        name(obj),
        format!(
            "{}/{}",
            int_at(obj, &["status", "readyReplicas"]),
            int_at(obj, &["spec", "replicas"])
        ),
        age(obj, now),
        names,
        images,
    ]
}

pub(super) static DAEMON_SET_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
    col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
    col("Ready", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
    col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
    col("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
    col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide("Selector", "string", "A label query over pods that are managed by the daemon set."),
];

pub(super) fn daemon_set(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (names, images) = containers(obj, TEMPLATE_CONTAINERS);
    row![
        name(obj),
        int_at(obj, &["status", "desiredNumberScheduled"]),
        int_at(obj, &["status", "currentNumberScheduled"]),
        int_at(obj, &["status", "numberReady"]),
        int_at(obj, &["status", "updatedNumberScheduled"]),
        int_at(obj, &["status", "numberAvailable"]),
        format_labels(obj_at(obj, &["spec", "template", "spec", "nodeSelector"])),
        age(obj, now),
        names,
        images,
        format_label_selector(at(obj, &["spec", "selector"])),
    ]
}

pub(super) static CONTROLLER_REVISION_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Controller", "string", "Controller of the object"),
    col(
        "Revision",
        "string",
        "Revision indicates the revision of the state represented by Data.",
    ),
    AGE,
];

pub(super) fn controller_revision(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let owner = arr_at(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| opt_bool(r, &["controller"]) == Some(true));
    let controller = match owner {
        None => "<none>".to_string(),
        Some(r) => {
            let api_version = str_at(r, &["apiVersion"]);
            let kind = str_at(r, &["kind"]);
            let owner_name = str_at(r, &["name"]);
            let group = match api_version.matches('/').count() {
                0 => Some(""),
                1 => api_version.split('/').next(),
                _ => None,
            };
            match group {
                // An unparsable apiVersion makes the reference unusable.
                None => "<invalid>".to_string(),
                Some("") if kind.is_empty() => owner_name.to_string(),
                Some("") => format!("{}/{owner_name}", kind.to_lowercase()),
                Some(group) => format!("{}/{owner_name}", format!("{kind}.{group}").to_lowercase()),
            }
        }
    };
    row![
        name(obj),
        controller,
        int_at(obj, &["revision"]),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// batch

pub(super) static JOB_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Status", "string", "Status of the job."),
    col(
        "Completions",
        "string",
        "The number of pods which reached phase Succeeded.",
    ),
    col("Duration", "string", "Time required to complete the job."),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide(
        "Selector",
        "string",
        "A label query over pods that should match the pod count.",
    ),
];

/// Whether the first condition of the given type is `True`.
fn has_condition(obj: &Value, type_: &str) -> bool {
    arr_at(obj, &["status", "conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == type_)
        .is_some_and(|c| str_at(c, &["status"]) == "True")
}

pub(super) fn job(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let succeeded = int_at(obj, &["status", "succeeded"]);
    let completions = match opt_int(obj, &["spec", "completions"]) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int_at(obj, &["spec", "parallelism"]) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = time_at(obj, &["status", "startTime"]);
    let duration = match (start, time_at(obj, &["status", "completionTime"])) {
        (None, _) => String::new(),
        (Some(s), None) => human_duration(now.signed_duration_since(s)),
        (Some(s), Some(c)) => human_duration(c.signed_duration_since(s)),
    };
    let status = if has_condition(obj, "Complete") {
        "Complete"
    } else if has_condition(obj, "Failed") {
        "Failed"
    } else if deleting(obj) {
        "Terminating"
    } else if has_condition(obj, "Suspended") {
        "Suspended"
    } else if has_condition(obj, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = containers(obj, TEMPLATE_CONTAINERS);
    row![
        name(obj),
        status,
        completions,
        duration,
        age(obj, now),
        names,
        images,
        format_label_selector(at(obj, &["spec", "selector"])),
    ]
}

pub(super) static CRON_JOB_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
    col("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
    col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
    col("Active", "integer", "A list of pointers to currently running jobs."),
    col("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
    AGE,
    wide("Containers", "string", CONTAINERS_DESC),
    wide("Images", "string", IMAGES_DESC),
    wide("Selector", "string", "A label query over pods that should match the pod count."),
];

pub(super) fn cron_job(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let last_schedule = if present(obj, &["status", "lastScheduleTime"]) {
        since(time_at(obj, &["status", "lastScheduleTime"]), now)
    } else {
        "<none>".to_string()
    };
    let (names, images) = containers(
        obj,
        &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "containers",
        ],
    );
    row![
        name(obj),
        str_at(obj, &["spec", "schedule"]),
        opt_str(obj, &["spec", "timeZone"]).unwrap_or("<none>"),
        bool_ptr(opt_bool(obj, &["spec", "suspend"])),
        arr_at(obj, &["status", "active"]).len() as i64,
        last_schedule,
        age(obj, now),
        names,
        images,
        format_label_selector(at(obj, &["spec", "jobTemplate", "spec", "selector"])),
    ]
}

// ---------------------------------------------------------------------------------------------
// autoscaling

pub(super) static HPA_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Reference", "string", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
    col("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count."),
    col("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
    col("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
    col("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
    AGE,
];

/// Metric specs and statuses; `autoscaling/v1` CPU-utilization fields are mapped onto the
/// equivalent `Resource` metric.
fn hpa_metrics(obj: &Value) -> (Vec<Value>, Vec<Value>) {
    let cpu_spec = |target: Option<i64>| serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}});
    let specs = match at(obj, &["spec", "metrics"]).and_then(Value::as_array) {
        Some(specs) => specs.clone(),
        None => opt_int(obj, &["spec", "targetCPUUtilizationPercentage"])
            .map(|t| vec![cpu_spec(Some(t))])
            .unwrap_or_default(),
    };
    let statuses = match at(obj, &["status", "currentMetrics"]).and_then(Value::as_array) {
        Some(statuses) => statuses.clone(),
        None => opt_int(obj, &["status", "currentCPUUtilizationPercentage"])
            .map(|c| {
                vec![serde_json::json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": c}}})]
            })
            .unwrap_or_default(),
    };
    (specs, statuses)
}

fn format_hpa_metrics(specs: &[Value], statuses: &[Value]) -> String {
    if specs.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 2;
    let unknown = || "<unknown>".to_string();
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        // The status for a metric, if one was reported under the same source key.
        let status = |key: &str| {
            statuses
                .get(i)
                .and_then(|s| at(s, &[key]))
                .filter(|v| !v.is_null())
        };
        let entry = match str_at(spec, &["type"]) {
            "External" | "Object" => {
                let key = if str_at(spec, &["type"]) == "External" {
                    "external"
                } else {
                    "object"
                };
                if let Some(target) = opt_qty(spec, &[key, "target", "averageValue"]) {
                    let current = status(key)
                        .and_then(|s| opt_qty(s, &["current", "averageValue"]))
                        .unwrap_or_else(unknown);
                    format!("{current}/{target} (avg)")
                } else {
                    let current = status(key)
                        .map(|s| qty_ptr(s, &["current", "value"]))
                        .unwrap_or_else(unknown);
                    format!("{current}/{}", qty_ptr(spec, &[key, "target", "value"]))
                }
            }
            "Pods" => {
                let current = status("pods")
                    .map(|s| qty_ptr(s, &["current", "averageValue"]))
                    .unwrap_or_else(unknown);
                format!(
                    "{current}/{}",
                    qty_ptr(spec, &["pods", "target", "averageValue"])
                )
            }
            "Resource" | "ContainerResource" => {
                let key = if str_at(spec, &["type"]) == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let resource = str_at(spec, &[key, "name"]);
                if let Some(target) = opt_qty(spec, &[key, "target", "averageValue"]) {
                    let current = status(key)
                        .map(|s| qty_ptr(s, &["current", "averageValue"]))
                        .unwrap_or_else(unknown);
                    format!("{resource}: {current}/{target}")
                } else {
                    let current = status(key)
                        .and_then(|s| opt_int(s, &["current", "averageUtilization"]))
                        .map_or_else(unknown, |u| format!("{u}%"));
                    let target = opt_int(spec, &[key, "target", "averageUtilization"])
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    format!("{resource}: {current}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(entry);
    }
    let count = list.len();
    if count > MAX {
        list.truncate(MAX);
        return format!("{} + {} more...", list.join(", "), count - MAX);
    }
    list.join(", ")
}

pub(super) fn hpa(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let (specs, statuses) = hpa_metrics(obj);
    let reference = format!(
        "{}/{}",
        str_at(obj, &["spec", "scaleTargetRef", "kind"]),
        str_at(obj, &["spec", "scaleTargetRef", "name"])
    );
    let min_pods = opt_int(obj, &["spec", "minReplicas"])
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    row![
        name(obj),
        reference,
        format_hpa_metrics(&specs, &statuses),
        min_pods,
        int_at(obj, &["spec", "maxReplicas"]),
        int_at(obj, &["status", "currentReplicas"]),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// policy

pub(super) static PDB_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Min Available",
        "string",
        "The minimum number of pods that must be available.",
    ),
    col(
        "Max Unavailable",
        "string",
        "The maximum number of pods that may be unavailable.",
    ),
    col(
        "Allowed Disruptions",
        "integer",
        "Calculated number of pods that may be disrupted at this time.",
    ),
    AGE,
];

pub(super) fn pod_disruption_budget(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let or_na = |path: &[&str]| int_or_string(at(obj, path)).unwrap_or_else(|| "N/A".to_string());
    row![
        name(obj),
        or_na(&["spec", "minAvailable"]),
        or_na(&["spec", "maxUnavailable"]),
        int_at(obj, &["status", "disruptionsAllowed"]),
        age(obj, now),
    ]
}

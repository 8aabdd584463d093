//! Tests for the table printers: exact rows for realistic objects, and robustness against
//! arbitrary stored objects.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::{cells, columns, human_duration, row_conditions};

/// Every resource with a dedicated printer or a known generic table.
const RESOURCES: &[(&str, &str)] = &[
    ("", "pods"),
    ("", "podtemplates"),
    ("", "replicationcontrollers"),
    ("", "services"),
    ("", "endpoints"),
    ("", "namespaces"),
    ("", "nodes"),
    ("", "events"),
    ("events.k8s.io", "events"),
    ("", "configmaps"),
    ("", "secrets"),
    ("", "serviceaccounts"),
    ("", "persistentvolumes"),
    ("", "persistentvolumeclaims"),
    ("", "resourcequotas"),
    ("", "componentstatuses"),
    ("", "limitranges"),
    ("apps", "replicasets"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "controllerrevisions"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("autoscaling", "horizontalpodautoscalers"),
    ("policy", "poddisruptionbudgets"),
    ("networking.k8s.io", "ingresses"),
    ("networking.k8s.io", "ingressclasses"),
    ("networking.k8s.io", "networkpolicies"),
    ("networking.k8s.io", "servicecidrs"),
    ("networking.k8s.io", "ipaddresses"),
    ("discovery.k8s.io", "endpointslices"),
    ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterroles"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("storage.k8s.io", "storageclasses"),
    ("storage.k8s.io", "volumeattributesclasses"),
    ("storage.k8s.io", "csinodes"),
    ("storage.k8s.io", "csidrivers"),
    ("storage.k8s.io", "csistoragecapacities"),
    ("storage.k8s.io", "volumeattachments"),
    ("scheduling.k8s.io", "priorityclasses"),
    ("node.k8s.io", "runtimeclasses"),
    ("coordination.k8s.io", "leases"),
    ("coordination.k8s.io", "leasecandidates"),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
    ),
    ("admissionregistration.k8s.io", "mutatingadmissionpolicies"),
    (
        "admissionregistration.k8s.io",
        "mutatingadmissionpolicybindings",
    ),
    ("flowcontrol.apiserver.k8s.io", "flowschemas"),
    (
        "flowcontrol.apiserver.k8s.io",
        "prioritylevelconfigurations",
    ),
    ("certificates.k8s.io", "certificatesigningrequests"),
    ("certificates.k8s.io", "clustertrustbundles"),
    ("resource.k8s.io", "deviceclasses"),
    ("resource.k8s.io", "resourceclaims"),
    ("resource.k8s.io", "resourceclaimtemplates"),
    ("resource.k8s.io", "resourceslices"),
    ("apiextensions.k8s.io", "customresourcedefinitions"),
    ("apiregistration.k8s.io", "apiservices"),
    ("internal.apiserver.k8s.io", "storageversions"),
    ("storagemigration.k8s.io", "storageversionmigrations"),
    ("example.com", "widgets"),
];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-06-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// RFC 3339 timestamp `secs` seconds before [`now`].
fn ago(secs: i64) -> String {
    (now() - Duration::seconds(secs))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Cells for an object, checking they line up with the column definitions.
#[track_caller]
fn row(group: &str, resource: &str, obj: &Value) -> Value {
    let cells = cells(group, resource, obj, now());
    assert_eq!(
        cells.len(),
        columns(group, resource).len(),
        "cells/columns mismatch for {group}/{resource}"
    );
    Value::Array(cells)
}

fn names(group: &str, resource: &str) -> Vec<&'static str> {
    columns(group, resource).iter().map(|c| c.name).collect()
}

/// Column names kubectl shows without `-o wide`.
fn default_names(group: &str, resource: &str) -> Vec<&'static str> {
    columns(group, resource)
        .iter()
        .filter(|c| c.priority == 0)
        .map(|c| c.name)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// human_duration

#[test]
fn human_duration_boundaries() {
    let cases: &[(i64, &str)] = &[
        (-3, "<invalid>"),
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (1, "1s"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (300, "5m"),
        (330, "5m30s"),
        (599, "9m59s"),
        (600, "10m"),
        (630, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 5 * 60, "3h5m"),
        (3 * 3600 + 5 * 60 + 59, "3h5m"),
        (8 * 3600 - 60, "7h59m"),
        (8 * 3600, "8h"),
        (47 * 3600 + 3599, "47h"),
        (48 * 3600, "2d"),
        (2 * 86400 + 3 * 3600, "2d3h"),
        (8 * 86400 - 3600, "7d23h"),
        (8 * 86400, "8d"),
        (400 * 86400, "400d"),
        (729 * 86400 + 86399, "729d"),
        (730 * 86400, "2y"),
        ((3 * 365 + 25) * 86400, "3y25d"),
        (8 * 365 * 86400 - 1, "7y364d"),
        (8 * 365 * 86400, "8y"),
        (10 * 365 * 86400, "10y"),
    ];
    for (secs, want) in cases {
        assert_eq!(
            human_duration(Duration::seconds(*secs)),
            *want,
            "{secs} seconds"
        );
    }
}

#[test]
fn human_duration_sub_second_and_saturation() {
    assert_eq!(human_duration(Duration::milliseconds(-1500)), "0s");
    assert_eq!(human_duration(Duration::milliseconds(-2500)), "<invalid>");
    assert_eq!(human_duration(Duration::milliseconds(119_999)), "119s");
    // Durations saturate at ~292 years, as Kubernetes' nanosecond durations do.
    assert_eq!(human_duration(Duration::days(365 * 1000)), "292y");
    assert_eq!(human_duration(Duration::days(-365 * 1000)), "<invalid>");
}

// ---------------------------------------------------------------------------------------------
// Column definitions

#[test]
fn column_sets() {
    assert_eq!(
        default_names("", "pods"),
        ["Name", "Ready", "Status", "Restarts", "Age"]
    );
    assert_eq!(
        names("", "pods")[5..],
        ["IP", "Node", "Nominated Node", "Readiness Gates"]
    );
    assert_eq!(
        default_names("apps", "deployments"),
        ["Name", "Ready", "Up-to-date", "Available", "Age"]
    );
    assert_eq!(
        names("apps", "replicasets"),
        [
            "Name",
            "Desired",
            "Current",
            "Ready",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    assert_eq!(
        names("apps", "statefulsets"),
        ["Name", "Ready", "Age", "Containers", "Images"]
    );
    assert_eq!(
        default_names("apps", "daemonsets"),
        [
            "Name",
            "Desired",
            "Current",
            "Ready",
            "Up-to-date",
            "Available",
            "Node Selector",
            "Age"
        ]
    );
    assert_eq!(
        default_names("batch", "jobs"),
        ["Name", "Status", "Completions", "Duration", "Age"]
    );
    assert_eq!(
        default_names("batch", "cronjobs"),
        [
            "Name",
            "Schedule",
            "Timezone",
            "Suspend",
            "Active",
            "Last Schedule",
            "Age"
        ]
    );
    assert_eq!(
        default_names("", "services"),
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age"
        ]
    );
    assert_eq!(
        default_names("", "events"),
        ["Last Seen", "Type", "Reason", "Object", "Message"]
    );
    assert_eq!(
        default_names("events.k8s.io", "events"),
        default_names("", "events")
    );
    assert_eq!(
        default_names("", "persistentvolumeclaims"),
        [
            "Name",
            "Status",
            "Volume",
            "Capacity",
            "Access Modes",
            "StorageClass",
            "VolumeAttributesClass",
            "Age"
        ]
    );
    assert_eq!(
        default_names("autoscaling", "horizontalpodautoscalers"),
        [
            "Name",
            "Reference",
            "Targets",
            "MinPods",
            "MaxPods",
            "Replicas",
            "Age"
        ]
    );
    assert_eq!(
        default_names("policy", "poddisruptionbudgets"),
        [
            "Name",
            "Min Available",
            "Max Unavailable",
            "Allowed Disruptions",
            "Age"
        ]
    );
    assert_eq!(
        default_names("", "nodes"),
        ["Name", "Status", "Roles", "Age", "Version"]
    );
    assert_eq!(
        default_names("coordination.k8s.io", "leases"),
        ["Name", "Holder", "Age"]
    );
    assert_eq!(
        default_names("discovery.k8s.io", "endpointslices"),
        ["Name", "AddressType", "Ports", "Endpoints", "Age"]
    );
}

#[test]
fn column_metadata() {
    let pod = columns("", "pods");
    assert_eq!(pod[0].format, "name");
    assert_eq!(pod[0].type_, "string");
    assert!(pod[1..].iter().all(|c| c.format.is_empty()));
    assert_eq!(pod[3].type_, "string", "restarts are rendered as text");
    assert!(pod[5..].iter().all(|c| c.priority == 1));
    assert_eq!(columns("apps", "replicasets")[1].type_, "integer");
    assert_eq!(columns("batch", "cronjobs")[3].type_, "boolean");
    let json = pod[0].to_json();
    assert_eq!(json["name"], "Name");
    assert_eq!(json["type"], "string");
    assert_eq!(json["format"], "name");
    assert_eq!(json["priority"], 0);
    assert!(json["description"]
        .as_str()
        .unwrap()
        .starts_with("Name must be unique"));
    // Every resource has exactly one name-format column, except the migration printer.
    for (group, resource) in RESOURCES {
        let cols = columns(group, resource);
        let name_cols = cols.iter().filter(|c| c.format == "name").count();
        if *resource == "storageversionmigrations" {
            assert_eq!(name_cols, 0);
        } else if *resource == "volumeattachments" {
            assert_eq!(name_cols, 2);
        } else {
            assert_eq!(name_cols, 1, "{group}/{resource}");
        }
        for c in &cols {
            assert!(
                ["string", "integer", "number", "boolean", "date"].contains(&c.type_),
                "{group}/{resource} {}",
                c.name
            );
            assert!(c.priority == 0 || c.priority == 1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generic tables

#[test]
fn generic_tables() {
    let role = json!({"metadata": {"name": "pod-reader", "creationTimestamp": "2024-05-01T10:00:00.123Z"}});
    assert_eq!(
        names("rbac.authorization.k8s.io", "roles"),
        ["Name", "Created At"]
    );
    assert_eq!(
        columns("rbac.authorization.k8s.io", "roles")[1].type_,
        "date"
    );
    assert_eq!(
        row("rbac.authorization.k8s.io", "roles", &role),
        json!(["pod-reader", "2024-05-01T10:00:00Z"])
    );
    assert_eq!(
        row("rbac.authorization.k8s.io", "clusterroles", &role),
        json!(["pod-reader", "2024-05-01T10:00:00Z"])
    );
    assert_eq!(
        row(
            "",
            "limitranges",
            &json!({"metadata": {"name": "limits", "creationTimestamp": "2024-05-01T12:00:00+02:00"}})
        ),
        json!(["limits", "2024-05-01T10:00:00Z"])
    );
    assert_eq!(
        row(
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            &json!({"metadata": {"name": "widgets.example.com"}})
        ),
        json!(["widgets.example.com", "0001-01-01T00:00:00Z"])
    );
    assert_eq!(
        names("storage.k8s.io", "csistoragecapacities"),
        ["Name", "Created At"]
    );
}

#[test]
fn custom_resources() {
    assert_eq!(names("example.com", "widgets"), ["Name", "Age"]);
    assert_eq!(columns("example.com", "widgets")[1].type_, "date");
    let w = json!({"metadata": {"name": "w1", "creationTimestamp": ago(3 * 86400 + 7200)}});
    assert_eq!(row("example.com", "widgets", &w), json!(["w1", "3d2h"]));
    assert_eq!(
        row(
            "example.com",
            "widgets",
            &json!({"metadata": {"name": "w2"}})
        ),
        json!(["w2", null])
    );
    assert_eq!(
        row(
            "example.com",
            "widgets",
            &json!({"metadata": {"name": "w3", "creationTimestamp": "yesterday"}})
        ),
        json!(["w3", "<invalid>"])
    );
    // A group that only looks built-in is still unknown.
    assert_eq!(names("", "widgets"), ["Name", "Age"]);
}

// ---------------------------------------------------------------------------------------------
// Pods

fn pod(status: Value) -> Value {
    json!({
        "metadata": {"name": "web-0", "namespace": "default", "creationTimestamp": ago(300)},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "nginx"}]},
        "status": status,
    })
}

fn running(name: &str) -> Value {
    json!({"name": name, "ready": true, "restartCount": 0, "state": {"running": {"startedAt": ago(290)}}})
}

/// The READY, STATUS and RESTARTS cells of a pod.
#[track_caller]
fn pod_summary(obj: &Value) -> (String, String, String) {
    let r = row("", "pods", obj);
    let s = |i: usize| r[i].as_str().unwrap().to_string();
    (s(1), s(2), s(3))
}

#[test]
fn pod_running() {
    let mut p = pod(json!({
        "phase": "Running",
        "podIP": "10.244.1.5",
        "podIPs": [{"ip": "10.244.1.5"}, {"ip": "fd00::5"}],
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [running("app")],
    }));
    assert_eq!(
        row("", "pods", &p),
        json!([
            "web-0",
            "1/1",
            "Running",
            "0",
            "5m",
            "10.244.1.5",
            "node-1",
            "<none>",
            "<none>"
        ])
    );
    // Without podIPs the legacy podIP is used.
    p["status"].as_object_mut().unwrap().remove("podIPs");
    assert_eq!(row("", "pods", &p)[5], "10.244.1.5");
    assert!(row_conditions("", "pods", &p).is_empty());
}

#[test]
fn pod_pending_without_statuses() {
    let p = json!({
        "metadata": {"name": "p", "creationTimestamp": ago(10)},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Pending"},
    });
    assert_eq!(
        row("", "pods", &p),
        json!(["p", "0/2", "Pending", "0", "10s", "<none>", "<none>", "<none>", "<none>"])
    );
}

#[test]
fn pod_restarts_with_last_restart_age() {
    let mut c = running("app");
    c["restartCount"] = json!(3);
    c["lastState"] =
        json!({"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(600)}});
    let p = pod(json!({"phase": "Running", "containerStatuses": [c]}));
    assert_eq!(
        pod_summary(&p),
        ("1/1".into(), "Running".into(), "3 (10m ago)".into())
    );

    // Restarts without a recorded termination time have no suffix.
    let mut c = running("app");
    c["restartCount"] = json!(2);
    let p = pod(json!({"phase": "Running", "containerStatuses": [c]}));
    assert_eq!(pod_summary(&p).2, "2");

    // The most recent termination across containers is used.
    let mut a = running("a");
    a["restartCount"] = json!(1);
    a["lastState"] = json!({"terminated": {"finishedAt": ago(7200)}});
    let mut b = running("b");
    b["restartCount"] = json!(4);
    b["lastState"] = json!({"terminated": {"finishedAt": ago(90)}});
    let mut p = pod(json!({"phase": "Running", "containerStatuses": [a, b]}));
    p["spec"]["containers"] = json!([{"name": "a"}, {"name": "b"}]);
    assert_eq!(
        pod_summary(&p),
        ("2/2".into(), "Running".into(), "5 (90s ago)".into())
    );
}

#[test]
fn pod_waiting_and_terminated_reasons() {
    let waiting = |reason: &str| {
        pod(json!({"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 5,
             "state": {"waiting": {"reason": reason, "message": "back-off"}},
             "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(30)}}}
        ]}))
    };
    assert_eq!(
        pod_summary(&waiting("CrashLoopBackOff")),
        (
            "0/1".into(),
            "CrashLoopBackOff".into(),
            "5 (30s ago)".into()
        )
    );
    assert_eq!(
        pod_summary(&waiting("ImagePullBackOff")).1,
        "ImagePullBackOff"
    );

    let creating = pod(json!({"phase": "Pending", "containerStatuses": [
        {"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}
    ]}));
    assert_eq!(pod_summary(&creating).1, "ContainerCreating");

    let terminated = |state: Value| {
        pod(json!({"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 0, "state": {"terminated": state}}
        ]}))
    };
    assert_eq!(
        pod_summary(&terminated(json!({"exitCode": 137, "reason": "OOMKilled"}))).1,
        "OOMKilled"
    );
    assert_eq!(
        pod_summary(&terminated(json!({"exitCode": 137}))).1,
        "ExitCode:137"
    );
    assert_eq!(
        pod_summary(&terminated(json!({"exitCode": 137, "signal": 9}))).1,
        "Signal:9"
    );
}

#[test]
fn pod_completed_and_failed() {
    let p = pod(json!({"phase": "Succeeded", "containerStatuses": [
        {"name": "app", "ready": false, "restartCount": 0,
         "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": ago(60)}}}
    ]}));
    assert_eq!(
        pod_summary(&p),
        ("0/1".into(), "Completed".into(), "0".into())
    );
    assert_eq!(
        row_conditions("", "pods", &p),
        vec![
            json!({"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."})
        ]
    );

    let p = pod(json!({"phase": "Failed", "containerStatuses": [
        {"name": "app", "ready": false, "restartCount": 0,
         "state": {"terminated": {"exitCode": 2, "reason": "Error"}}}
    ]}));
    assert_eq!(pod_summary(&p).1, "Error");
    assert_eq!(row_conditions("", "pods", &p)[0]["reason"], "Failed");

    let evicted = pod(json!({"phase": "Failed", "reason": "Evicted", "message": "low on memory"}));
    assert_eq!(pod_summary(&evicted).1, "Evicted");
}

#[test]
fn pod_completed_container_with_running_sibling() {
    let status = |conditions: Value| {
        json!({"phase": "Running", "conditions": conditions, "containerStatuses": [
            running("app"),
            {"name": "job", "ready": false, "restartCount": 0,
             "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
        ]})
    };
    let mut p = pod(status(json!([{"type": "Ready", "status": "True"}])));
    p["spec"]["containers"] = json!([{"name": "app"}, {"name": "job"}]);
    assert_eq!(
        pod_summary(&p),
        ("1/2".into(), "Running".into(), "0".into())
    );
    p["status"] = status(json!([{"type": "Ready", "status": "False"}]));
    assert_eq!(
        pod_summary(&p),
        ("1/2".into(), "NotReady".into(), "0".into())
    );
}

#[test]
fn pod_init_containers() {
    let init_pod = |statuses: Value| {
        let mut p = pod(
            json!({"phase": "Pending", "initContainerStatuses": statuses, "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}
            ]}),
        );
        p["spec"]["initContainers"] = json!([{"name": "init-a"}, {"name": "init-b"}]);
        p
    };
    let done = json!({"name": "init-a", "ready": true, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}});
    let run_b =
        json!({"name": "init-b", "ready": false, "restartCount": 0, "state": {"running": {}}});
    let wait_a = json!({"name": "init-a", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}});

    assert_eq!(
        pod_summary(&init_pod(
            json!([wait_a, {"name": "init-b", "state": {"waiting": {}}}])
        ))
        .1,
        "Init:0/2"
    );
    assert_eq!(
        pod_summary(&init_pod(json!([done.clone(), run_b]))).1,
        "Init:1/2"
    );

    let crash = json!({"name": "init-b", "ready": false, "restartCount": 4,
        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(45)}}});
    assert_eq!(
        pod_summary(&init_pod(json!([done.clone(), crash]))),
        (
            "0/1".into(),
            "Init:CrashLoopBackOff".into(),
            "4 (45s ago)".into()
        )
    );

    let failed = |state: Value| {
        init_pod(
            json!([done.clone(), {"name": "init-b", "restartCount": 0, "state": {"terminated": state}}]),
        )
    };
    assert_eq!(
        pod_summary(&failed(json!({"exitCode": 1, "reason": "Error"}))).1,
        "Init:Error"
    );
    assert_eq!(
        pod_summary(&failed(json!({"exitCode": 2}))).1,
        "Init:ExitCode:2"
    );
    assert_eq!(
        pod_summary(&failed(json!({"exitCode": 2, "signal": 15}))).1,
        "Init:Signal:15"
    );

    // Once initialized, the regular containers decide the status.
    let mut p = init_pod(json!([done.clone(), done.clone()]));
    p["status"]["phase"] = json!("Running");
    p["status"]["containerStatuses"] = json!([running("app")]);
    assert_eq!(
        pod_summary(&p),
        ("1/1".into(), "Running".into(), "0".into())
    );
}

#[test]
fn pod_sidecar_containers() {
    let mut p = pod(json!({
        "phase": "Running",
        "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
        "initContainerStatuses": [
            {"name": "proxy", "ready": true, "started": true, "restartCount": 2,
             "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(120)}}}
        ],
        "containerStatuses": [running("app")],
    }));
    p["spec"]["initContainers"] = json!([{"name": "proxy", "restartPolicy": "Always"}]);
    assert_eq!(
        pod_summary(&p),
        ("2/2".into(), "Running".into(), "2 (2m ago)".into())
    );

    // A sidecar that has not started yet holds initialization.
    p["status"]["initContainerStatuses"][0]["started"] = json!(false);
    p["status"]["conditions"] = json!([]);
    assert_eq!(pod_summary(&p).1, "Init:0/1");
}

#[test]
fn pod_terminating_and_node_lost() {
    let mut p = pod(json!({"phase": "Running", "containerStatuses": [running("app")]}));
    p["metadata"]["deletionTimestamp"] = json!(ago(5));
    assert_eq!(pod_summary(&p).1, "Terminating");

    p["status"]["reason"] = json!("NodeLost");
    assert_eq!(pod_summary(&p).1, "Unknown");

    p["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("deletionTimestamp");
    p["status"]["containerStatuses"] = json!([]);
    assert_eq!(pod_summary(&p).1, "NodeLost");

    // Pods in a terminal phase keep their status while being deleted.
    let mut done = pod(json!({"phase": "Succeeded", "containerStatuses": [
        {"name": "app", "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
    ]}));
    done["metadata"]["deletionTimestamp"] = json!(ago(5));
    assert_eq!(pod_summary(&done).1, "Completed");
}

#[test]
fn pod_scheduling_gated_nominated_and_readiness_gates() {
    let mut p = pod(json!({
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
    }));
    p["spec"].as_object_mut().unwrap().remove("nodeName");
    assert_eq!(pod_summary(&p).1, "SchedulingGated");

    let mut p = pod(json!({
        "phase": "Running",
        "nominatedNodeName": "node-2",
        "conditions": [
            {"type": "Ready", "status": "True"},
            {"type": "example.com/gate-a", "status": "True"},
            {"type": "example.com/gate-b", "status": "False"},
        ],
        "containerStatuses": [running("app")],
    }));
    p["spec"]["readinessGates"] =
        json!([{"conditionType": "example.com/gate-a"}, {"conditionType": "example.com/gate-b"}]);
    let r = row("", "pods", &p);
    assert_eq!(r[7], "node-2");
    assert_eq!(r[8], "1/2");
}

// ---------------------------------------------------------------------------------------------
// Other core resources

#[test]
fn pod_templates_and_replication_controllers() {
    let pt = json!({
        "metadata": {"name": "tmpl"},
        "template": {"metadata": {"labels": {"tier": "web", "app": "nginx"}},
                     "spec": {"containers": [{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "busybox"}]}},
    });
    assert_eq!(
        names("", "podtemplates"),
        ["Name", "Containers", "Images", "Pod Labels"]
    );
    assert_eq!(
        row("", "podtemplates", &pt),
        json!(["tmpl", "a,b", "nginx:1,busybox", "app=nginx,tier=web"])
    );
    let rc = json!({
        "metadata": {"name": "rc", "creationTimestamp": ago(3600)},
        "spec": {"replicas": 3, "selector": {"app": "web"},
                 "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
        "status": {"replicas": 3, "readyReplicas": 2},
    });
    assert_eq!(
        row("", "replicationcontrollers", &rc),
        json!(["rc", 3, 3, 2, "60m", "web", "nginx", "app=web"])
    );
}

fn service(spec: Value, status: Value) -> Value {
    json!({"metadata": {"name": "svc", "creationTimestamp": ago(86400)}, "spec": spec, "status": status})
}

#[test]
fn services() {
    let s = service(
        json!({"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
               "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}, {"port": 9153, "protocol": "TCP"}],
               "selector": {"k8s-app": "kube-dns"}}),
        json!({}),
    );
    assert_eq!(
        row("", "services", &s),
        json!([
            "svc",
            "ClusterIP",
            "10.96.0.10",
            "<none>",
            "53/UDP,53/TCP,9153/TCP",
            "24h",
            "k8s-app=kube-dns"
        ])
    );

    let s = service(
        json!({"type": "NodePort", "clusterIPs": ["10.96.1.1", "fd00::1"], "externalIPs": ["1.2.3.4"],
               "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}),
        json!({}),
    );
    assert_eq!(
        row("", "services", &s),
        json!([
            "svc",
            "NodePort",
            "10.96.1.1",
            "1.2.3.4",
            "80:30080/TCP",
            "24h",
            "<none>"
        ])
    );

    let lb = |ingress: Value, external: Value| {
        service(
            json!({"type": "LoadBalancer", "clusterIP": "10.96.2.2", "externalIPs": external,
                   "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}),
            json!({"loadBalancer": {"ingress": ingress}}),
        )
    };
    assert_eq!(
        row("", "services", &lb(json!([]), json!([])))[3],
        "<pending>"
    );
    assert_eq!(
        row("", "services", &lb(json!([]), json!([])))[2],
        "10.96.2.2"
    );
    assert_eq!(
        row(
            "",
            "services",
            &lb(
                json!([{"ip": "203.0.113.9"}, {"hostname": "lb.example.com"}, {"ip": "203.0.113.9"}]),
                json!([])
            )
        )[3],
        "203.0.113.9,lb.example.com"
    );
    assert_eq!(
        row(
            "",
            "services",
            &lb(json!([{"ip": "203.0.113.9"}]), json!(["198.51.100.1"]))
        )[3],
        "203.0.113.9,198.51.100.1"
    );
    assert_eq!(
        row("", "services", &lb(json!([]), json!(["198.51.100.1"])))[3],
        "198.51.100.1"
    );

    let s = service(
        json!({"type": "ExternalName", "externalName": "db.example.com"}),
        json!({}),
    );
    assert_eq!(
        row("", "services", &s),
        json!([
            "svc",
            "ExternalName",
            "<none>",
            "db.example.com",
            "<none>",
            "24h",
            "<none>"
        ])
    );

    let headless = service(
        json!({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"], "ports": [{"port": 5432, "protocol": "TCP"}]}),
        json!({}),
    );
    assert_eq!(row("", "services", &headless)[2], "None");

    assert_eq!(
        row("", "services", &service(json!({}), json!({})))[3],
        "<unknown>"
    );
}

#[test]
fn endpoints() {
    let ep = |subsets: Value| json!({"metadata": {"name": "ep", "creationTimestamp": ago(60)}, "subsets": subsets});
    assert_eq!(
        row("", "endpoints", &ep(json!([]))),
        json!(["ep", "<none>", "60s"])
    );
    assert_eq!(
        row(
            "",
            "endpoints",
            &ep(
                json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 8080}]}])
            )
        )[1],
        "10.0.0.1:8080,10.0.0.2:8080"
    );
    assert_eq!(
        row(
            "",
            "endpoints",
            &ep(json!([
                {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}], "ports": [{"port": 80}, {"port": 443}]}
            ]))
        )[1],
        "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more..."
    );
    assert_eq!(
        row(
            "",
            "endpoints",
            &ep(json!([{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]))
        )[1],
        "[fd00::1]:80"
    );
    assert_eq!(
        row(
            "",
            "endpoints",
            &ep(json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]}]))
        )[1],
        "10.0.0.1,10.0.0.2"
    );
    // Subsets with only not-ready addresses print nothing.
    assert_eq!(
        row(
            "",
            "endpoints",
            &ep(json!([{"notReadyAddresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]))
        )[1],
        ""
    );
}

#[test]
fn namespaces() {
    let ns = json!({"metadata": {"name": "kube-system", "creationTimestamp": ago(400 * 86400)}, "status": {"phase": "Active"}});
    assert_eq!(
        row("", "namespaces", &ns),
        json!(["kube-system", "Active", "400d"])
    );
    let ns = json!({"metadata": {"name": "gone", "creationTimestamp": ago(30), "deletionTimestamp": ago(1)}, "status": {"phase": "Terminating"}});
    assert_eq!(
        row("", "namespaces", &ns),
        json!(["gone", "Terminating", "30s"])
    );
}

fn node(labels: Value, conditions: Value, unschedulable: bool) -> Value {
    json!({
        "metadata": {"name": "node-1", "labels": labels, "creationTimestamp": ago(10 * 86400)},
        "spec": {"unschedulable": unschedulable},
        "status": {
            "conditions": conditions,
            "addresses": [{"type": "Hostname", "address": "node-1"}, {"type": "InternalIP", "address": "192.168.1.10"}],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Ubuntu 24.04 LTS", "kernelVersion": "6.8.0-31-generic",
                         "containerRuntimeVersion": "containerd://1.7.12"},
        },
    })
}

#[test]
fn nodes() {
    let ready =
        json!([{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}]);
    let n = node(
        json!({"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "node-1"}),
        ready.clone(),
        false,
    );
    assert_eq!(
        row("", "nodes", &n),
        json!([
            "node-1",
            "Ready",
            "control-plane",
            "10d",
            "v1.32.0",
            "192.168.1.10",
            "<none>",
            "Ubuntu 24.04 LTS",
            "6.8.0-31-generic",
            "containerd://1.7.12"
        ])
    );

    let n = node(
        json!({"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/": "", "kubernetes.io/role": "infra",
               "node-role.kubernetes.io/infra": "true"}),
        ready.clone(),
        true,
    );
    let r = row("", "nodes", &n);
    assert_eq!(r[1], "Ready,SchedulingDisabled");
    assert_eq!(r[2], "infra,worker");

    let n = node(
        json!({}),
        json!([{"type": "Ready", "status": "False"}]),
        false,
    );
    assert_eq!(
        row("", "nodes", &n).as_array().unwrap()[1..3],
        [json!("NotReady"), json!("<none>")]
    );
    let n = node(
        json!({}),
        json!([{"type": "Ready", "status": "Unknown"}]),
        false,
    );
    assert_eq!(row("", "nodes", &n)[1], "NotReady");
    let n = node(json!({}), json!([]), true);
    assert_eq!(row("", "nodes", &n)[1], "Unknown,SchedulingDisabled");

    let bare = json!({"metadata": {"name": "bare"}});
    assert_eq!(
        row("", "nodes", &bare),
        json!([
            "bare",
            "Unknown",
            "<none>",
            "<unknown>",
            "",
            "<none>",
            "<none>",
            "<unknown>",
            "<unknown>",
            "<unknown>"
        ])
    );
}

#[test]
fn core_events() {
    let ev = json!({
        "metadata": {"name": "web-0.17d", "namespace": "default", "creationTimestamp": ago(600)},
        "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "default", "fieldPath": "spec.containers{app}"},
        "reason": "BackOff",
        "message": "Back-off restarting failed container\n",
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": ago(600),
        "lastTimestamp": ago(30),
        "count": 12,
        "type": "Warning",
    });
    assert_eq!(
        row("", "events", &ev),
        json!([
            "30s",
            "Warning",
            "BackOff",
            "pod/web-0",
            "spec.containers{app}",
            "kubelet, node-1",
            "Back-off restarting failed container",
            "10m",
            12,
            "web-0.17d"
        ])
    );

    // Events written through the newer API: eventTime, series, reportingController.
    let ev = json!({
        "metadata": {"name": "e2", "creationTimestamp": ago(3600)},
        "involvedObject": {"kind": "Node", "name": ""},
        "reason": "Starting",
        "message": "Starting kubelet.",
        "reportingComponent": "kubelet",
        "reportingController": "kubelet",
        "reportingInstance": "node-1",
        "eventTime": ago(3600),
        "series": {"count": 4, "lastObservedTime": ago(120)},
        "type": "Normal",
    });
    assert_eq!(
        row("", "events", &ev),
        json!([
            "2m",
            "Normal",
            "Starting",
            "node",
            "",
            "kubelet, node-1",
            "Starting kubelet.",
            "60m",
            4,
            "e2"
        ])
    );

    // No timestamps at all, and no count: a singleton.
    let ev = json!({"metadata": {"name": "e3"}, "involvedObject": {"kind": "Pod", "name": "x"}, "source": {"component": "scheduler"}});
    assert_eq!(
        row("", "events", &ev),
        json!([
            "<unknown>",
            "",
            "",
            "pod/x",
            "",
            "scheduler",
            "",
            "<unknown>",
            1,
            "e3"
        ])
    );
}

#[test]
fn events_k8s_io_events() {
    let ev = json!({
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "web.1", "creationTimestamp": ago(900)},
        "eventTime": null,
        "regarding": {"kind": "Deployment", "name": "web", "namespace": "default"},
        "note": "Scaled up replica set web-5d4 to 3",
        "reason": "ScalingReplicaSet",
        "type": "Normal",
        "deprecatedSource": {"component": "deployment-controller"},
        "deprecatedFirstTimestamp": ago(900),
        "deprecatedLastTimestamp": ago(600),
        "deprecatedCount": 2,
    });
    assert_eq!(
        row("events.k8s.io", "events", &ev),
        json!([
            "10m",
            "Normal",
            "ScalingReplicaSet",
            "deployment/web",
            "",
            "deployment-controller",
            "Scaled up replica set web-5d4 to 3",
            "15m",
            2,
            "web.1"
        ])
    );
    let ev = json!({
        "metadata": {"name": "e"},
        "eventTime": ago(45),
        "regarding": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{c}"},
        "note": "Pulled",
        "reportingController": "kubelet",
        "reportingInstance": "node-2",
        "type": "Normal",
        "reason": "Pulled",
    });
    assert_eq!(
        row("events.k8s.io", "events", &ev),
        json!([
            "45s",
            "Normal",
            "Pulled",
            "pod/p",
            "spec.containers{c}",
            "kubelet, node-2",
            "Pulled",
            "45s",
            1,
            "e"
        ])
    );
}

#[test]
fn config_secrets_and_service_accounts() {
    let cm = json!({"metadata": {"name": "cfg", "creationTimestamp": ago(7200)}, "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}});
    assert_eq!(row("", "configmaps", &cm), json!(["cfg", 3, "120m"]));
    assert_eq!(
        row("", "configmaps", &json!({"metadata": {"name": "e"}})),
        json!(["e", 0, "<unknown>"])
    );

    let s = json!({"metadata": {"name": "tls", "creationTimestamp": ago(5)}, "type": "kubernetes.io/tls",
                   "data": {"tls.crt": "", "tls.key": ""}});
    assert_eq!(
        row("", "secrets", &s),
        json!(["tls", "kubernetes.io/tls", 2, "5s"])
    );
    let s = json!({"metadata": {"name": "mixed"}, "type": "Opaque", "data": {"a": "eA=="}, "stringData": {"a": "x", "b": "y"}});
    assert_eq!(row("", "secrets", &s)[2], 2);

    let sa = json!({"metadata": {"name": "default", "creationTimestamp": ago(86400 * 3)}, "secrets": [{"name": "t"}]});
    assert_eq!(row("", "serviceaccounts", &sa), json!(["default", 1, "3d"]));
    assert_eq!(
        row("", "serviceaccounts", &json!({"metadata": {"name": "x"}}))[1],
        0
    );
}

#[test]
fn persistent_volumes() {
    let pv = json!({
        "metadata": {"name": "pv-1", "creationTimestamp": ago(3600 * 5)},
        "spec": {"capacity": {"storage": "1024Mi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "standard",
                 "claimRef": {"namespace": "default", "name": "data"}, "volumeMode": "Filesystem"},
        "status": {"phase": "Bound"},
    });
    assert_eq!(
        row("", "persistentvolumes", &pv),
        json!([
            "pv-1",
            "1Gi",
            "RWO,RWX",
            "Retain",
            "Bound",
            "default/data",
            "standard",
            "<unset>",
            "",
            "5h",
            "Filesystem"
        ])
    );
    let pv = json!({
        "metadata": {"name": "pv-2", "deletionTimestamp": ago(1),
                     "annotations": {"volume.beta.kubernetes.io/storage-class": "legacy"}},
        "spec": {"accessModes": ["ReadWriteOncePod", "ReadOnlyMany"], "persistentVolumeReclaimPolicy": "Delete",
                 "volumeAttributesClassName": "gold", "storageClassName": "ignored"},
        "status": {"phase": "Failed", "reason": "ProvisioningFailed"},
    });
    assert_eq!(
        row("", "persistentvolumes", &pv),
        json!([
            "pv-2",
            "0",
            "ROX,RWOP",
            "Delete",
            "Terminating",
            "",
            "legacy",
            "gold",
            "ProvisioningFailed",
            "<unknown>",
            "<unset>"
        ])
    );
}

#[test]
fn persistent_volume_claims() {
    let pvc = json!({
        "metadata": {"name": "data", "creationTimestamp": ago(120)},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}},
                 "storageClassName": "standard", "volumeName": "pvc-123", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "5Gi"}},
    });
    assert_eq!(
        row("", "persistentvolumeclaims", &pvc),
        json!([
            "data",
            "Bound",
            "pvc-123",
            "5Gi",
            "RWO",
            "standard",
            "<unset>",
            "2m",
            "Filesystem"
        ])
    );
    let pending = json!({
        "metadata": {"name": "wait", "creationTimestamp": ago(20)},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "slow"},
        "status": {"phase": "Pending"},
    });
    assert_eq!(
        row("", "persistentvolumeclaims", &pending),
        json!(["wait", "Pending", "", "", "", "slow", "<unset>", "20s", "<unset>"])
    );
}

#[test]
fn resource_quotas_and_component_statuses() {
    let rq = json!({
        "metadata": {"name": "quota", "creationTimestamp": ago(60)},
        "status": {
            "hard": {"pods": "10", "requests.cpu": "4", "limits.memory": "8Gi", "limits.cpu": "8", "requests.memory": "4096Mi"},
            "used": {"pods": "3", "requests.cpu": "1500m", "limits.memory": "1Gi", "requests.memory": "0"},
        },
    });
    assert_eq!(
        row("", "resourcequotas", &rq),
        json!([
            "quota",
            "pods: 3/10, requests.cpu: 1500m/4, requests.memory: 0/4Gi",
            "limits.cpu: 0/8, limits.memory: 1Gi/8Gi",
            "60s"
        ])
    );
    let cs = json!({"metadata": {"name": "etcd-0"}, "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]});
    assert_eq!(
        row("", "componentstatuses", &cs),
        json!(["etcd-0", "Healthy", "ok", ""])
    );
    let cs = json!({"metadata": {"name": "scheduler"}, "conditions": [{"type": "Healthy", "status": "False", "error": "refused"}]});
    assert_eq!(
        row("", "componentstatuses", &cs),
        json!(["scheduler", "Unhealthy", "", "refused"])
    );
    assert_eq!(
        row("", "componentstatuses", &json!({})),
        json!(["", "Unknown", "", ""])
    );
}

// ---------------------------------------------------------------------------------------------
// Workloads

fn template(containers: Value) -> Value {
    json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": containers}})
}

#[test]
fn deployments() {
    let d = json!({
        "metadata": {"name": "web", "creationTimestamp": ago(86400 * 2 + 3600 * 5)},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "tier": "frontend"}},
                 "template": template(json!([{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "fluent-bit"}]))},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    });
    assert_eq!(
        row("apps", "deployments", &d),
        json!([
            "web",
            "2/3",
            3,
            2,
            "2d5h",
            "nginx,log",
            "nginx:1.27,fluent-bit",
            "app=web,tier=frontend"
        ])
    );
    let empty = json!({"metadata": {"name": "x"}});
    assert_eq!(
        row("apps", "deployments", &empty),
        json!(["x", "0/0", 0, 0, "<unknown>", "", "", ""])
    );
    let bad = json!({"metadata": {"name": "x"}, "spec": {"selector": {"matchLabels": {"bad key!": "v"}}}});
    assert_eq!(row("apps", "deployments", &bad)[7], "<invalid>");
}

#[test]
fn replica_sets_stateful_sets_daemon_sets() {
    let rs = json!({
        "metadata": {"name": "web-5d4", "creationTimestamp": ago(600)},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "5d4"}},
                 "template": template(json!([{"name": "nginx", "image": "nginx"}]))},
        "status": {"replicas": 3, "readyReplicas": 3},
    });
    assert_eq!(
        row("apps", "replicasets", &rs),
        json!([
            "web-5d4",
            3,
            3,
            3,
            "10m",
            "nginx",
            "nginx",
            "app=web,pod-template-hash=5d4"
        ])
    );
    assert_eq!(row("apps", "replicasets", &json!({}))[7], "<none>");

    let sts = json!({
        "metadata": {"name": "db", "creationTimestamp": ago(45)},
        "spec": {"replicas": 3, "template": template(json!([{"name": "pg", "image": "postgres:16"}]))},
        "status": {"replicas": 2, "readyReplicas": 1},
    });
    assert_eq!(
        row("apps", "statefulsets", &sts),
        json!(["db", "1/3", "45s", "pg", "postgres:16"])
    );

    let ds = json!({
        "metadata": {"name": "kube-proxy", "creationTimestamp": ago(86400 * 30)},
        "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"},
                              "matchExpressions": [{"key": "tier", "operator": "In", "values": ["node", "edge"]},
                                                   {"key": "canary", "operator": "DoesNotExist"}]},
                 "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"},
                                       "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.32.0"}]}}},
        "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                   "updatedNumberScheduled": 3, "numberAvailable": 2},
    });
    assert_eq!(
        row("apps", "daemonsets", &ds),
        json!([
            "kube-proxy",
            3,
            3,
            2,
            3,
            2,
            "kubernetes.io/os=linux",
            "30d",
            "kube-proxy",
            "registry.k8s.io/kube-proxy:v1.32.0",
            "!canary,k8s-app=kube-proxy,tier in (edge,node)"
        ])
    );
    assert_eq!(row("apps", "daemonsets", &json!({}))[6], "<none>");
}

#[test]
fn label_selector_rendering() {
    let sel = |s: Value| {
        row(
            "apps",
            "replicasets",
            &json!({"metadata": {"name": "x"}, "spec": {"selector": s}}),
        )[7]
        .clone()
    };
    assert_eq!(sel(json!({})), "<none>");
    assert_eq!(
        sel(
            json!({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]},
                                         {"key": "app", "operator": "Exists"}]})
        ),
        "app,env notin (prod)"
    );
    assert_eq!(
        sel(json!({"matchExpressions": [{"key": "env", "operator": "Gt", "values": ["1"]}]})),
        "<error>"
    );
    assert_eq!(
        sel(json!({"matchExpressions": [{"key": "env", "operator": "In", "values": []}]})),
        "<error>"
    );
    assert_eq!(
        sel(json!({"matchExpressions": [{"key": "env", "operator": "Exists", "values": ["x"]}]})),
        "<error>"
    );
    assert_eq!(
        sel(json!({"matchLabels": {"app": "bad value!"}})),
        "<error>"
    );
    assert_eq!(
        sel(json!({"matchLabels": {"example.com/app": "v-1.2_x"}})),
        "example.com/app=v-1.2_x"
    );
    assert_eq!(
        sel(json!({"matchLabels": {"Example.com/app": "v"}})),
        "<error>"
    );
    assert_eq!(sel(json!({"matchLabels": {"a/b/c": "v"}})), "<error>");
    assert_eq!(sel(json!({"matchLabels": {"app": ""}})), "app=");
}

#[test]
fn controller_revisions() {
    let cr = |owner: Value| json!({"metadata": {"name": "web-7b9", "creationTimestamp": ago(3600), "ownerReferences": owner}, "revision": 2});
    assert_eq!(
        row(
            "apps",
            "controllerrevisions",
            &cr(
                json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true}])
            )
        ),
        json!(["web-7b9", "statefulset.apps/web", 2, "60m"])
    );
    assert_eq!(
        row(
            "apps",
            "controllerrevisions",
            &cr(json!([{"apiVersion": "v1", "kind": "Pod", "name": "p", "controller": true}]))
        )[1],
        "pod/p"
    );
    assert_eq!(
        row(
            "apps",
            "controllerrevisions",
            &cr(json!([{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "d"}]))
        )[1],
        "<none>"
    );
}

fn job(spec: Value, status: Value) -> Value {
    let mut spec = spec;
    spec["template"] = template(json!([{"name": "pi", "image": "perl:5.34"}]));
    spec["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "abc"}});
    json!({"metadata": {"name": "pi", "creationTimestamp": ago(600)}, "spec": spec, "status": status})
}

#[test]
fn jobs() {
    let done = job(
        json!({"completions": 1, "parallelism": 1}),
        json!({"succeeded": 1, "startTime": ago(600), "completionTime": ago(570),
               "conditions": [{"type": "SuccessCriteriaMet", "status": "True"}, {"type": "Complete", "status": "True"}]}),
    );
    assert_eq!(
        row("batch", "jobs", &done),
        json!([
            "pi",
            "Complete",
            "1/1",
            "30s",
            "10m",
            "pi",
            "perl:5.34",
            "batch.kubernetes.io/controller-uid=abc"
        ])
    );

    let running = job(
        json!({"completions": 5, "parallelism": 2}),
        json!({"succeeded": 2, "active": 2, "startTime": ago(200)}),
    );
    let r = row("batch", "jobs", &running);
    assert_eq!(
        r.as_array().unwrap()[1..4],
        [json!("Running"), json!("2/5"), json!("3m20s")]
    );

    let queue = job(json!({"parallelism": 3}), json!({"succeeded": 1}));
    assert_eq!(
        row("batch", "jobs", &queue).as_array().unwrap()[1..4],
        [json!("Running"), json!("1/1 of 3"), json!("")]
    );
    let single = job(json!({}), json!({}));
    assert_eq!(row("batch", "jobs", &single)[2], "0/1");

    let failed = job(
        json!({"completions": 1}),
        json!({"failed": 6, "startTime": ago(100), "conditions": [
        {"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]}),
    );
    assert_eq!(row("batch", "jobs", &failed)[1], "Failed");
    let target = job(
        json!({"completions": 1}),
        json!({"conditions": [{"type": "FailureTarget", "status": "True"}]}),
    );
    assert_eq!(row("batch", "jobs", &target)[1], "FailureTarget");
    let suspended = job(
        json!({"completions": 1, "suspend": true}),
        json!({"conditions": [{"type": "Suspended", "status": "True"}]}),
    );
    assert_eq!(row("batch", "jobs", &suspended)[1], "Suspended");
    let not_suspended = job(
        json!({"completions": 1}),
        json!({"conditions": [{"type": "Suspended", "status": "False"}]}),
    );
    assert_eq!(row("batch", "jobs", &not_suspended)[1], "Running");
    let mut terminating = job(json!({"completions": 1}), json!({}));
    terminating["metadata"]["deletionTimestamp"] = json!(ago(1));
    assert_eq!(row("batch", "jobs", &terminating)[1], "Terminating");
}

#[test]
fn cron_jobs() {
    let cj = json!({
        "metadata": {"name": "backup", "creationTimestamp": ago(86400)},
        "spec": {"schedule": "*/5 * * * *", "suspend": false,
                 "jobTemplate": {"spec": {"template": template(json!([{"name": "b", "image": "busybox"}]))}}},
        "status": {"active": [{"name": "backup-1"}], "lastScheduleTime": ago(125)},
    });
    assert_eq!(
        row("batch", "cronjobs", &cj),
        json!([
            "backup",
            "*/5 * * * *",
            "<none>",
            "False",
            1,
            "2m5s",
            "24h",
            "b",
            "busybox",
            "<none>"
        ])
    );
    let cj = json!({
        "metadata": {"name": "nightly", "creationTimestamp": ago(60)},
        "spec": {"schedule": "0 2 * * *", "timeZone": "Europe/Paris", "suspend": true},
    });
    assert_eq!(
        row("batch", "cronjobs", &cj),
        json!([
            "nightly",
            "0 2 * * *",
            "Europe/Paris",
            "True",
            0,
            "<none>",
            "60s",
            "",
            "",
            "<none>"
        ])
    );
    assert_eq!(row("batch", "cronjobs", &json!({}))[3], "<unset>");
}

fn hpa(spec_extra: Value, status: Value) -> Value {
    let mut spec = json!({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                          "minReplicas": 2, "maxReplicas": 10});
    for (k, v) in spec_extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    json!({"metadata": {"name": "web", "creationTimestamp": ago(3600)}, "spec": spec, "status": status})
}

#[test]
fn horizontal_pod_autoscalers() {
    let cpu = json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}});
    let h = hpa(
        json!({"metrics": [cpu.clone()]}),
        json!({"currentReplicas": 3, "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45, "averageValue": "45m"}}}
        ]}),
    );
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &h),
        json!(["web", "Deployment/web", "cpu: 45%/80%", "2", 10, 3, "60m"])
    );
    let h = hpa(json!({"metrics": [cpu.clone()]}), json!({}));
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &h)[2],
        "cpu: <unknown>/80%"
    );

    // autoscaling/v1 objects.
    let h = hpa(
        json!({"targetCPUUtilizationPercentage": 50}),
        json!({"currentCPUUtilizationPercentage": 20, "currentReplicas": 2}),
    );
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &h)[2],
        "cpu: 20%/50%"
    );
    let h = hpa(json!({}), json!({}));
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &h)[2],
        "<none>"
    );

    let many = hpa(
        json!({"metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1024Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}}},
            {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "Value", "value": "30"}}},
        ]}),
        json!({"currentMetrics": [
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "512Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "current": {"averageValue": "1500m"}}},
        ]}),
    );
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &many)[2],
        "memory: 512Mi/1Gi, 1500m/1k + 1 more..."
    );
    let ext = hpa(
        json!({"minReplicas": null, "metrics": [
            {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "30"}}},
            {"type": "Object", "object": {"metric": {"name": "rps"}, "target": {"type": "Value", "value": "2k"}}},
        ]}),
        json!({"currentMetrics": [
            {"type": "External", "external": {"current": {"averageValue": "12"}}},
            {"type": "Object", "object": {"current": {"value": "1500"}}},
        ]}),
    );
    let r = row("autoscaling", "horizontalpodautoscalers", &ext);
    assert_eq!(r[2], "12/30 (avg), 1500/2k");
    assert_eq!(r[3], "<unset>");
    let container = hpa(
        json!({"metrics": [{"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app",
                                                                         "target": {"type": "Utilization"}}}]}),
        json!({}),
    );
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &container)[2],
        "cpu: <unknown>/<auto>"
    );
    let odd = hpa(json!({"metrics": [{"type": "Custom"}]}), json!({}));
    assert_eq!(
        row("autoscaling", "horizontalpodautoscalers", &odd)[2],
        "<unknown type>"
    );
}

#[test]
fn pod_disruption_budgets() {
    let pdb = json!({"metadata": {"name": "web", "creationTimestamp": ago(10)},
                     "spec": {"minAvailable": 2}, "status": {"disruptionsAllowed": 1}});
    assert_eq!(
        row("policy", "poddisruptionbudgets", &pdb),
        json!(["web", "2", "N/A", 1, "10s"])
    );
    let pdb = json!({"metadata": {"name": "db"}, "spec": {"maxUnavailable": "25%"}});
    assert_eq!(
        row("policy", "poddisruptionbudgets", &pdb),
        json!(["db", "N/A", "25%", 0, "<unknown>"])
    );
}

// ---------------------------------------------------------------------------------------------
// Networking, RBAC, storage and the rest

#[test]
fn ingresses_and_classes() {
    let ing = json!({
        "metadata": {"name": "web", "creationTimestamp": ago(300)},
        "spec": {"ingressClassName": "nginx",
                 "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}, {}, {"host": "c.example.com"}, {"host": "d.example.com"}],
                 "tls": [{"hosts": ["a.example.com"]}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}, {"hostname": "a-very-long-load-balancer.example.com"}]}},
    });
    assert_eq!(
        row("networking.k8s.io", "ingresses", &ing),
        json!([
            "web",
            "nginx",
            "a.example.com,b.example.com,c.example.com + 2 more...",
            "192.0.2.10,a-very-long-load-balancer.example.com",
            "80, 443",
            "5m"
        ])
    );
    let bare = json!({"metadata": {"name": "default-backend"}, "spec": {"defaultBackend": {}}});
    assert_eq!(
        row("networking.k8s.io", "ingresses", &bare),
        json!(["default-backend", "<none>", "*", "", "80", "<unknown>"])
    );

    let class = json!({"metadata": {"name": "nginx", "creationTimestamp": ago(60)},
                       "spec": {"controller": "k8s.io/ingress-nginx",
                                "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}});
    assert_eq!(
        row("networking.k8s.io", "ingressclasses", &class),
        json!([
            "nginx",
            "k8s.io/ingress-nginx",
            "IngressParameters.k8s.example.com/external-lb",
            "60s"
        ])
    );
    let class = json!({"metadata": {"name": "x"}, "spec": {"controller": "c", "parameters": {"kind": "ConfigMap", "name": "p"}}});
    assert_eq!(
        row("networking.k8s.io", "ingressclasses", &class)[2],
        "ConfigMap/p"
    );
    assert_eq!(
        row("networking.k8s.io", "ingressclasses", &json!({}))[2],
        "<none>"
    );
}

#[test]
fn network_policies_cidrs_and_ip_addresses() {
    let np = json!({"metadata": {"name": "deny", "creationTimestamp": ago(60)}, "spec": {"podSelector": {}}});
    assert_eq!(
        row("networking.k8s.io", "networkpolicies", &np),
        json!(["deny", "<none>", "60s"])
    );
    let np = json!({"metadata": {"name": "allow"}, "spec": {"podSelector": {"matchLabels": {"role": "db"}}}});
    assert_eq!(
        row("networking.k8s.io", "networkpolicies", &np)[1],
        "role=db"
    );
    assert_eq!(
        row("networking.k8s.io", "networkpolicies", &json!({}))[1],
        "<none>"
    );

    let cidr = json!({"metadata": {"name": "kubernetes", "creationTimestamp": ago(60)}, "spec": {"cidrs": ["10.96.0.0/12", "fd00::/108"]}});
    assert_eq!(
        row("networking.k8s.io", "servicecidrs", &cidr),
        json!(["kubernetes", "10.96.0.0/12,fd00::/108", "60s"])
    );
    let ip = json!({"metadata": {"name": "10.96.0.1"},
                    "spec": {"parentRef": {"group": "", "resource": "services", "namespace": "default", "name": "kubernetes"}}});
    assert_eq!(
        row("networking.k8s.io", "ipaddresses", &ip),
        json!(["10.96.0.1", "services/default/kubernetes"])
    );
    let ip = json!({"metadata": {"name": "x"}, "spec": {"parentRef": {"group": "Gateway.Networking.k8s.io", "resource": "Gateways", "name": "gw"}}});
    assert_eq!(
        row("networking.k8s.io", "ipaddresses", &ip)[1],
        "gateways.gateway.networking.k8s.io/gw"
    );
}

#[test]
fn endpoint_slices() {
    let es = json!({
        "metadata": {"name": "web-abc", "creationTimestamp": ago(30)},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "metrics"}, {}],
        "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2", "10.0.0.3"]}, {"addresses": ["10.0.0.4"]}],
    });
    assert_eq!(
        row("discovery.k8s.io", "endpointslices", &es),
        json!([
            "web-abc",
            "IPv4",
            "80,metrics,*",
            "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
            "30s"
        ])
    );
    let empty = json!({"metadata": {"name": "e"}, "addressType": "IPv6", "ports": [{"port": 1}, {"port": 2}, {"port": 3}, {"port": 4}, {"port": 5}]});
    assert_eq!(
        row("discovery.k8s.io", "endpointslices", &empty),
        json!(["e", "IPv6", "1,2,3 + 2 more...", "<unset>", "<unknown>"])
    );
}

#[test]
fn role_bindings() {
    let rb = json!({
        "metadata": {"name": "read-pods", "creationTimestamp": ago(60)},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
        "subjects": [
            {"kind": "User", "name": "jane"}, {"kind": "User", "name": "joe"},
            {"kind": "Group", "name": "devs"},
            {"kind": "ServiceAccount", "name": "builder", "namespace": "ci"},
            {"kind": "Robot", "name": "r2"},
        ],
    });
    assert_eq!(
        row("rbac.authorization.k8s.io", "rolebindings", &rb),
        json!([
            "read-pods",
            "Role/pod-reader",
            "60s",
            "jane, joe",
            "devs",
            "ci/builder"
        ])
    );
    let crb = json!({"metadata": {"name": "admin"}, "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
                     "subjects": [{"kind": "Group", "name": "system:masters"}]});
    assert_eq!(
        row("rbac.authorization.k8s.io", "clusterrolebindings", &crb),
        json!([
            "admin",
            "ClusterRole/cluster-admin",
            "<unknown>",
            "",
            "system:masters",
            ""
        ])
    );
}

#[test]
fn storage_resources() {
    let sc = json!({"metadata": {"name": "standard", "creationTimestamp": ago(86400),
                                 "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                    "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
                    "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true});
    assert_eq!(
        row("storage.k8s.io", "storageclasses", &sc),
        json!([
            "standard (default)",
            "rancher.io/local-path",
            "Delete",
            "WaitForFirstConsumer",
            true,
            "24h"
        ])
    );
    let sc = json!({"metadata": {"name": "fast"}, "provisioner": "ebs.csi.aws.com"});
    assert_eq!(
        row("storage.k8s.io", "storageclasses", &sc),
        json!([
            "fast",
            "ebs.csi.aws.com",
            "Delete",
            "Immediate",
            false,
            "<unknown>"
        ])
    );

    let vac = json!({"metadata": {"name": "gold", "annotations": {"volumeattributesclass.alpha.kubernetes.io/is-default-class": "true"}},
                     "driverName": "pd.csi.storage.gke.io"});
    assert_eq!(
        row("storage.k8s.io", "volumeattributesclasses", &vac),
        json!(["gold (default)", "pd.csi.storage.gke.io", "<unknown>"])
    );

    let node =
        json!({"metadata": {"name": "n1"}, "spec": {"drivers": [{"name": "a"}, {"name": "b"}]}});
    assert_eq!(
        row("storage.k8s.io", "csinodes", &node),
        json!(["n1", 2, "<unknown>"])
    );

    let driver = json!({"metadata": {"name": "ebs.csi.aws.com"},
                        "spec": {"attachRequired": false, "podInfoOnMount": true,
                                 "tokenRequests": [{"audience": "sts"}, {"audience": "vault"}],
                                 "volumeLifecycleModes": ["Persistent", "Ephemeral"]}});
    assert_eq!(
        row("storage.k8s.io", "csidrivers", &driver),
        json!([
            "ebs.csi.aws.com",
            false,
            true,
            false,
            "sts,vault",
            false,
            "Persistent,Ephemeral",
            "<unknown>"
        ])
    );
    assert_eq!(
        row("storage.k8s.io", "csidrivers", &json!({})),
        json!([
            "",
            true,
            false,
            false,
            "<unset>",
            false,
            "<none>",
            "<unknown>"
        ])
    );

    let va = json!({"metadata": {"name": "csi-123"},
                    "spec": {"attacher": "ebs.csi.aws.com", "nodeName": "n1", "source": {"persistentVolumeName": "pv-1"}},
                    "status": {"attached": true}});
    assert_eq!(
        row("storage.k8s.io", "volumeattachments", &va),
        json!([
            "csi-123",
            "ebs.csi.aws.com",
            "pv-1",
            "n1",
            true,
            "<unknown>"
        ])
    );
}

#[test]
fn scheduling_node_and_coordination() {
    let pc = json!({"metadata": {"name": "system-node-critical", "creationTimestamp": ago(60)},
                    "value": 2000001000, "globalDefault": false, "preemptionPolicy": "PreemptLowerPriority"});
    assert_eq!(
        row("scheduling.k8s.io", "priorityclasses", &pc),
        json!([
            "system-node-critical",
            2000001000,
            false,
            "60s",
            "PreemptLowerPriority"
        ])
    );
    let rc = json!({"metadata": {"name": "gvisor"}, "handler": "runsc"});
    assert_eq!(
        row("node.k8s.io", "runtimeclasses", &rc),
        json!(["gvisor", "runsc", "<unknown>"])
    );

    let lease = json!({"metadata": {"name": "kube-scheduler", "creationTimestamp": ago(3600 * 4)},
                       "spec": {"holderIdentity": "node-1_5f3c", "leaseDurationSeconds": 15}});
    assert_eq!(
        row("coordination.k8s.io", "leases", &lease),
        json!(["kube-scheduler", "node-1_5f3c", "4h"])
    );
    assert_eq!(
        row(
            "coordination.k8s.io",
            "leases",
            &json!({"metadata": {"name": "l"}})
        )[1],
        ""
    );
    let lc = json!({"metadata": {"name": "c"}, "spec": {"leaseName": "kube-scheduler", "binaryVersion": "1.32.0", "emulationVersion": "1.32"}});
    assert_eq!(
        row("coordination.k8s.io", "leasecandidates", &lc),
        json!(["c", "kube-scheduler", "1.32.0", "1.32", "<unknown>"])
    );
}

#[test]
fn admission_resources() {
    let g = "admissionregistration.k8s.io";
    let wh = json!({"metadata": {"name": "cert-manager-webhook"}, "webhooks": [{"name": "a"}, {"name": "b"}]});
    assert_eq!(
        row(g, "mutatingwebhookconfigurations", &wh),
        json!(["cert-manager-webhook", 2, "<unknown>"])
    );
    assert_eq!(row(g, "validatingwebhookconfigurations", &wh)[1], 2);

    let vap = json!({"metadata": {"name": "replicas"},
                     "spec": {"paramKind": {"apiVersion": "rules.example.com/v1", "kind": "ReplicaLimit"},
                              "validations": [{"expression": "true"}]}});
    assert_eq!(
        row(g, "validatingadmissionpolicies", &vap),
        json!([
            "replicas",
            1,
            "rules.example.com/v1/ReplicaLimit",
            "<unknown>"
        ])
    );
    assert_eq!(
        row(g, "mutatingadmissionpolicies", &json!({}))
            .as_array()
            .unwrap()[1..3],
        [json!(0), json!("<unset>")]
    );

    let binding = |param: Value| json!({"metadata": {"name": "b"}, "spec": {"policyName": "replicas", "paramRef": param}});
    assert_eq!(
        row(
            g,
            "validatingadmissionpolicybindings",
            &binding(json!({"name": "limits", "namespace": "prod"}))
        ),
        json!(["b", "replicas", "prod/limits", "<unknown>"])
    );
    assert_eq!(
        row(
            g,
            "validatingadmissionpolicybindings",
            &binding(json!({"name": "limits"}))
        )[2],
        "*/limits"
    );
    assert_eq!(
        row(g, "mutatingadmissionpolicybindings", &binding(json!({"selector": {
            "matchLabels": {"env": "prod"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}})))[2],
        "&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}"
    );
    assert_eq!(
        row(
            g,
            "validatingadmissionpolicybindings",
            &binding(Value::Null)
        )[2],
        "<unset>"
    );
}

#[test]
fn flow_control() {
    let g = "flowcontrol.apiserver.k8s.io";
    let fs = json!({"metadata": {"name": "exempt", "creationTimestamp": ago(60)},
                    "spec": {"priorityLevelConfiguration": {"name": "exempt"}, "matchingPrecedence": 1,
                             "distinguisherMethod": {"type": "ByUser"}},
                    "status": {"conditions": [{"type": "Dangling", "status": "False"}]}});
    assert_eq!(
        row(g, "flowschemas", &fs),
        json!(["exempt", "exempt", 1, "ByUser", "60s", "False"])
    );
    let fs =
        json!({"metadata": {"name": "x"}, "spec": {"priorityLevelConfiguration": {"name": "p"}}});
    assert_eq!(
        row(g, "flowschemas", &fs),
        json!(["x", "p", 0, "<none>", "<unknown>", "?"])
    );

    let pl = json!({"metadata": {"name": "workload-low"},
                    "spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 100,
                             "limitResponse": {"type": "Queue", "queuing": {"queues": 128, "handSize": 6, "queueLengthLimit": 50}}}}});
    assert_eq!(
        row(g, "prioritylevelconfigurations", &pl),
        json!(["workload-low", "Limited", 100, 128, 6, 50, "<unknown>"])
    );
    let pl = json!({"metadata": {"name": "exempt"}, "spec": {"type": "Exempt", "exempt": {}}});
    assert_eq!(
        row(g, "prioritylevelconfigurations", &pl),
        json!([
            "exempt",
            "Exempt",
            "<none>",
            "<none>",
            "<none>",
            "<none>",
            "<unknown>"
        ])
    );
    let pl = json!({"metadata": {"name": "reject"}, "spec": {"type": "Limited", "limited": {"nominalConcurrencyShares": 5, "limitResponse": {"type": "Reject"}}}});
    assert_eq!(
        row(g, "prioritylevelconfigurations", &pl)
            .as_array()
            .unwrap()[2..6],
        [json!(5), json!("<none>"), json!("<none>"), json!("<none>")]
    );
}

#[test]
fn certificates() {
    let g = "certificates.k8s.io";
    let csr = json!({"metadata": {"name": "csr-abc", "creationTimestamp": ago(90)},
                     "spec": {"signerName": "kubernetes.io/kube-apiserver-client", "username": "jane", "expirationSeconds": 86400},
                     "status": {"conditions": [{"type": "Approved", "status": "True"}], "certificate": "LS0tLS1CRUdJTg=="}});
    assert_eq!(
        row(g, "certificatesigningrequests", &csr),
        json!([
            "csr-abc",
            "90s",
            "kubernetes.io/kube-apiserver-client",
            "jane",
            "24h",
            "Approved,Issued"
        ])
    );
    let csr = json!({"metadata": {"name": "x"}, "status": {"conditions": [{"type": "Approved"}, {"type": "Denied"}, {"type": "Failed"}]}});
    assert_eq!(
        row(g, "certificatesigningrequests", &csr),
        json!(["x", "<unknown>", "<none>", "", "<none>", "Denied,Failed"])
    );
    assert_eq!(
        row(g, "certificatesigningrequests", &json!({}))[5],
        "Pending"
    );
    assert_eq!(
        row(
            g,
            "clustertrustbundles",
            &json!({"metadata": {"name": "b"}, "spec": {"signerName": "example.com/s"}})
        ),
        json!(["b", "example.com/s"])
    );
}

#[test]
fn dynamic_resource_allocation() {
    let g = "resource.k8s.io";
    assert_eq!(
        row(
            g,
            "deviceclasses",
            &json!({"metadata": {"name": "gpu", "creationTimestamp": ago(5)}})
        ),
        json!(["gpu", "5s"])
    );
    assert_eq!(
        row(
            g,
            "resourceclaimtemplates",
            &json!({"metadata": {"name": "t"}})
        ),
        json!(["t", "<unknown>"])
    );
    let claim = |status: Value, deleting: bool| {
        let mut c = json!({"metadata": {"name": "c"}, "status": status});
        if deleting {
            c["metadata"]["deletionTimestamp"] = json!(ago(1));
        }
        row(g, "resourceclaims", &c)[1].clone()
    };
    assert_eq!(claim(json!({}), false), "pending");
    assert_eq!(claim(json!({}), true), "deleted");
    assert_eq!(claim(json!({"allocation": {}}), false), "allocated");
    assert_eq!(
        claim(
            json!({"allocation": {}, "reservedFor": [{"name": "p"}]}),
            true
        ),
        "deleted,allocated,reserved"
    );
    let slice = json!({"metadata": {"name": "s"}, "spec": {"nodeName": "n1", "driver": "gpu.example.com", "pool": {"name": "n1"}}});
    assert_eq!(
        row(g, "resourceslices", &slice),
        json!(["s", "n1", "gpu.example.com", "n1", "<unknown>"])
    );
}

#[test]
fn api_services_and_internals() {
    let g = "apiregistration.k8s.io";
    let local = json!({"metadata": {"name": "v1.apps", "creationTimestamp": ago(86400 * 9)},
                       "spec": {"group": "apps", "version": "v1"},
                       "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local"}]}});
    assert_eq!(
        row(g, "apiservices", &local),
        json!(["v1.apps", "Local", "True", "9d"])
    );
    let remote = json!({"metadata": {"name": "v1beta1.metrics.k8s.io"},
                        "spec": {"service": {"namespace": "kube-system", "name": "metrics-server"}},
                        "status": {"conditions": [{"type": "Available", "status": "False", "reason": "MissingEndpoints"}]}});
    assert_eq!(
        row(g, "apiservices", &remote),
        json!([
            "v1beta1.metrics.k8s.io",
            "kube-system/metrics-server",
            "False (MissingEndpoints)",
            "<unknown>"
        ])
    );
    assert_eq!(row(g, "apiservices", &json!({}))[2], "Unknown");

    let sv = json!({"metadata": {"name": "apps.deployments"},
                    "status": {"commonEncodingVersion": "apps/v1",
                               "storageVersions": [{"apiServerID": "a", "encodingVersion": "apps/v1"}]}});
    assert_eq!(
        row("internal.apiserver.k8s.io", "storageversions", &sv),
        json!(["apps.deployments", "apps/v1", "a=apps/v1", "<unknown>"])
    );
    assert_eq!(
        row("internal.apiserver.k8s.io", "storageversions", &json!({}))
            .as_array()
            .unwrap()[1..3],
        [json!("<unset>"), json!("<unset>")]
    );
    let svm = json!({"metadata": {"name": "m"}, "spec": {"resource": {"group": "apps", "version": "v1", "resource": "deployments"}}});
    assert_eq!(
        row("storagemigration.k8s.io", "storageversionmigrations", &svm),
        json!(["m", "deployments.v1.apps"])
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness

#[test]
fn every_printer_handles_empty_objects() {
    for (group, resource) in RESOURCES {
        for obj in [json!({}), json!(null), json!([]), json!("pod"), json!(42)] {
            let r = row(group, resource, &obj);
            assert!(
                r.as_array().unwrap().iter().all(|c| !c.is_object()),
                "{group}/{resource}"
            );
        }
    }
}

/// Objects whose fields all have the wrong JSON type.
fn malformed_objects() -> Vec<Value> {
    let everything_wrong = |v: Value| {
        json!({
            "metadata": {"name": v, "creationTimestamp": v, "deletionTimestamp": v, "labels": v,
                         "annotations": v, "ownerReferences": v},
            "spec": v, "status": v, "data": v, "binaryData": v, "stringData": v, "subsets": v,
            "ports": v, "endpoints": v, "subjects": v, "roleRef": v, "webhooks": v, "secrets": v,
            "involvedObject": v, "regarding": v, "source": v, "series": v, "count": v, "message": v,
            "note": v, "firstTimestamp": v, "lastTimestamp": v, "eventTime": v, "type": v,
            "reason": v, "value": v, "globalDefault": v, "revision": v, "provisioner": v,
            "reclaimPolicy": v, "volumeBindingMode": v, "allowVolumeExpansion": v, "handler": v,
            "driverName": v, "addressType": v, "conditions": v, "template": v,
        })
    };
    let mut objects: Vec<Value> = [
        json!(1),
        json!(-1.5),
        json!("x"),
        json!(true),
        json!([1, "a", null]),
        json!({"a": 1}),
        json!(null),
        json!(u64::MAX),
        json!(1e300),
    ]
    .into_iter()
    .map(everything_wrong)
    .collect();
    // Nested shapes that are almost right.
    objects.push(json!({
        "metadata": {"name": "p", "creationTimestamp": "2024-13-45T99:00:00Z", "deletionTimestamp": 5},
        "spec": {"containers": [1, null, {"name": 5}], "initContainers": "x", "readinessGates": [{"conditionType": []}],
                 "ports": [{"port": "80", "nodePort": 1e20, "protocol": 6}], "selector": {"matchLabels": [1],
                 "matchExpressions": [{"key": 1, "operator": null, "values": "x"}]}, "replicas": "3",
                 "capacity": {"storage": 10}, "metrics": [{"type": "Resource", "resource": {"target": 3}}, 7],
                 "template": {"spec": {"containers": {"name": "x"}}}},
        "status": {"phase": 3, "conditions": [{"type": "Ready"}, "x"], "initContainerStatuses": [{"state": {"terminated": {"exitCode": "1"}}}, 2],
                   "containerStatuses": [{"restartCount": i64::MAX, "lastState": {"terminated": {"finishedAt": 3}}},
                                         {"restartCount": i64::MAX, "state": {"waiting": []}}],
                   "podIPs": [3], "hard": {"cpu": {"x": 1}, "memory": "1Zi"}, "used": {"cpu": []},
                   "currentMetrics": "x", "loadBalancer": {"ingress": [{"ip": 1}]}, "addresses": [{"type": "InternalIP"}]},
        "subsets": [{"addresses": [{"ip": 1}], "ports": [{"port": "x"}]}, 5],
        "series": {"count": "many"},
    }));
    objects
}

#[test]
fn every_printer_handles_malformed_objects() {
    for obj in malformed_objects() {
        for (group, resource) in RESOURCES {
            row(group, resource, &obj);
        }
        row_conditions("", "pods", &obj);
    }
}

/// Arbitrary JSON values, biased towards objects with Kubernetes-looking keys.
fn arb_json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "metadata",
        "name",
        "creationTimestamp",
        "deletionTimestamp",
        "labels",
        "spec",
        "status",
        "containers",
        "initContainers",
        "containerStatuses",
        "initContainerStatuses",
        "state",
        "waiting",
        "terminated",
        "running",
        "lastState",
        "finishedAt",
        "reason",
        "restartCount",
        "ready",
        "started",
        "restartPolicy",
        "conditions",
        "type",
        "phase",
        "ports",
        "port",
        "nodePort",
        "protocol",
        "selector",
        "matchLabels",
        "matchExpressions",
        "key",
        "operator",
        "values",
        "replicas",
        "capacity",
        "storage",
        "metrics",
        "resource",
        "target",
        "current",
        "averageUtilization",
        "averageValue",
        "subsets",
        "addresses",
        "ip",
        "endpoints",
        "series",
        "count",
        "involvedObject",
        "kind",
        "data",
        "hard",
        "used",
        "loadBalancer",
        "ingress",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            "",
            "True",
            "False",
            "Always",
            "Running",
            "Completed",
            "LoadBalancer",
            "NodePort",
            "In",
            "Exists",
            "Resource",
            "1Gi",
            "1.5",
            "2024-06-01T11:00:00Z",
            "0001-01-01T00:00:00Z",
            "-1e999",
            "9999999999999999999999Ei",
        ])
        .prop_map(Value::from),
        "[a-z:/.]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn printers_never_panic_on_arbitrary_objects(obj in arb_json()) {
        for (group, resource) in RESOURCES {
            let cells = cells(group, resource, &obj, now());
            prop_assert_eq!(cells.len(), columns(group, resource).len());
        }
    }

    #[test]
    fn human_duration_never_panics(secs in any::<i64>(), nanos in 0i64..1_000_000_000) {
        let d = Duration::try_seconds(secs / 1000).unwrap_or(Duration::zero()) + Duration::nanoseconds(nanos);
        prop_assert!(!human_duration(d).is_empty());
    }
}

#[test]
fn custom_resource_odd_timestamps() {
    for (ts, want) in [
        (json!(""), json!("<unknown>")),
        (json!("null"), json!("<unknown>")),
        (json!("0001-01-01T00:00:00Z"), json!("<unknown>")),
        (json!(12), Value::Null),
        (Value::Null, Value::Null),
        (json!(ago(-5)), json!("<invalid>")),
    ] {
        let obj = json!({"metadata": {"name": "w", "creationTimestamp": ts}});
        assert_eq!(row("example.com", "widgets", &obj), json!(["w", want]));
    }
}

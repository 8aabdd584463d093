//! Kubernetes defaulting (`SetDefaults_*` and the declarative defaults) applied to decoded
//! objects in place, before validation. Fields of an unexpected JSON type are left alone.

use serde_json::{json, Map, Value};

use crate::validation;

/// Fills in the fields Kubernetes defaults, in place. Never fails; ignores fields of the wrong
/// JSON type (validation reports them).
///
/// Covers pods and every pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
/// CronJob, ReplicationController, PodTemplate), Service, Secret, Namespace, PV and PVC,
/// Endpoints, EndpointSlice, LimitRange, Node, HPA, NetworkPolicy, StorageClass,
/// PriorityClass and RBAC bindings. A Job with `metadata.uid` also gets its generated
/// selector and pod labels (unless `spec.manualSelector` is true).
pub fn apply_defaults(group: &str, kind: &str, obj: &mut Value) {
    if !obj.is_object() {
        return;
    }
    match (group, kind) {
        ("", "Pod") => default_pod(obj),
        ("", "PodTemplate") => {
            if let Some(t) = ensure_obj(obj, "template") {
                default_template(t, true);
            }
        }
        ("", "ReplicationController") => default_replication_controller(obj),
        ("apps", "Deployment") => default_deployment(obj),
        ("apps", "ReplicaSet") => {
            if let Some(spec) = ensure_obj(obj, "spec") {
                set_default(spec, "replicas", json!(1));
                default_template_in(spec, true);
            }
        }
        ("apps", "StatefulSet") => default_stateful_set(obj),
        ("apps", "DaemonSet") => default_daemon_set(obj),
        ("batch", "Job") => default_job(obj),
        ("batch", "CronJob") => default_cron_job(obj),
        ("", "Service") => default_service(obj),
        ("", "Secret") => set_default(obj, "type", json!("Opaque")),
        ("", "Namespace") => default_namespace(obj),
        ("", "PersistentVolumeClaim") => {
            if let Some(spec) = ensure_obj(obj, "spec") {
                set_default(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(status) = ensure_obj(obj, "status") {
                set_default(status, "phase", json!("Pending"));
            }
        }
        ("", "PersistentVolume") => {
            if let Some(spec) = ensure_obj(obj, "spec") {
                set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                set_default(spec, "volumeMode", json!("Filesystem"));
            }
            if let Some(status) = ensure_obj(obj, "status") {
                set_default(status, "phase", json!("Pending"));
            }
        }
        ("", "Endpoints") => {
            for subset in items_mut(obj, "subsets") {
                for port in items_mut(subset, "ports") {
                    set_default(port, "protocol", json!("TCP"));
                }
            }
        }
        ("discovery.k8s.io", "EndpointSlice") => {
            for port in items_mut(obj, "ports") {
                set_default(port, "name", json!(""));
                set_default(port, "protocol", json!("TCP"));
            }
        }
        ("", "LimitRange") => default_limit_range(obj),
        ("", "Node") => {
            if let Some(status) = obj.get_mut("status").filter(|s| s.is_object()) {
                if is_absent(status, "allocatable") {
                    if let Some(cap) = status.get("capacity").filter(|c| c.is_object()).cloned() {
                        status["allocatable"] = cap;
                    }
                }
            }
        }
        ("autoscaling", "HorizontalPodAutoscaler") => default_hpa(obj),
        ("networking.k8s.io", "NetworkPolicy") => default_network_policy(obj),
        ("storage.k8s.io", "StorageClass") => {
            set_default(obj, "reclaimPolicy", json!("Delete"));
            set_default(obj, "volumeBindingMode", json!("Immediate"));
        }
        ("scheduling.k8s.io", "PriorityClass") => {
            set_default(obj, "preemptionPolicy", json!("PreemptLowerPriority"))
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            if let Some(r) = ensure_obj(obj, "roleRef") {
                set_default_if_empty(r, "apiGroup", json!("rbac.authorization.k8s.io"));
            }
            for s in items_mut(obj, "subjects") {
                let group = match s.get("kind").and_then(Value::as_str) {
                    Some("User" | "Group") => "rbac.authorization.k8s.io",
                    _ => continue,
                };
                set_default_if_empty(s, "apiGroup", json!(group));
            }
        }
        _ => {}
    }
}

/// Carries server-allocated values of a Service from the stored object into an update that
/// left them out (cluster IPs, node ports by port name, health check node port), as the
/// Kubernetes Service REST storage does. Call before [`apply_defaults`] on updates.
pub fn apply_update_defaults(group: &str, kind: &str, old: &Value, new: &mut Value) {
    if !group.is_empty() || kind != "Service" || !new.is_object() {
        return;
    }
    validation::normalize_service(new, Some(old));
    let Some(os) = old.get("spec") else { return };
    let needs_node_port = |s: &Value| {
        matches!(
            s.get("type").and_then(Value::as_str),
            Some("NodePort" | "LoadBalancer")
        )
    };
    let Some(ns) = new.get_mut("spec").filter(|s| s.is_object()) else {
        return;
    };
    if needs_node_port(os) && needs_node_port(ns) {
        let old_ports: Vec<(String, i64)> = os
            .get("ports")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p.get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            p.get("nodePort").and_then(Value::as_i64).unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let used_new: Vec<i64> = ns
            .get("ports")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
                    .collect()
            })
            .unwrap_or_default();
        for port in items_mut(ns, "ports") {
            if port.get("nodePort").and_then(Value::as_i64).unwrap_or(0) != 0 {
                continue;
            }
            let name = port
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if let Some((_, np)) = old_ports.iter().find(|(n, _)| *n == name) {
                if *np != 0 && !used_new.contains(np) {
                    port["nodePort"] = json!(np);
                }
            }
        }
    }
    let needs_hc = |s: &Value| {
        s.get("type").and_then(Value::as_str) == Some("LoadBalancer")
            && s.get("externalTrafficPolicy").and_then(Value::as_str) == Some("Local")
    };
    if needs_hc(os)
        && needs_hc(ns)
        && ns
            .get("healthCheckNodePort")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            == 0
    {
        if let Some(hc) = os.get("healthCheckNodePort").filter(|v| !v.is_null()) {
            ns["healthCheckNodePort"] = hc.clone();
        }
    }
}

// ---- helpers ---------------------------------------------------------------------------------

fn is_absent(v: &Value, key: &str) -> bool {
    v.get(key).is_none_or(Value::is_null)
}

/// Sets `v[key]` when `v` is an object and the key is missing or null.
fn set_default(v: &mut Value, key: &str, default: Value) {
    if let Some(m) = v.as_object_mut() {
        if m.get(key).is_none_or(Value::is_null) {
            m.insert(key.to_string(), default);
        }
    }
}

/// Like [`set_default`], also replacing `""` and `0` (Go zero values).
fn set_default_if_empty(v: &mut Value, key: &str, default: Value) {
    if let Some(m) = v.as_object_mut() {
        let empty = match m.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            _ => false,
        };
        if empty {
            m.insert(key.to_string(), default);
        }
    }
}

/// `v[key]` as an object, created (`{}`) when missing or null; None when of another type.
fn ensure_obj<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let m = v.as_object_mut()?;
    let entry = m.entry(key.to_string()).or_insert(Value::Null);
    if entry.is_null() {
        *entry = Value::Object(Map::new());
    }
    entry.is_object().then_some(entry)
}

/// `v[key]` when it is an existing object.
fn obj_mut<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    v.get_mut(key).filter(|x| x.is_object())
}

/// The object items of the array `v[key]` (other items skipped).
fn items_mut<'a>(v: &'a mut Value, key: &str) -> impl Iterator<Item = &'a mut Value> {
    v.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter(|x| x.is_object())
}

// ---- pods ------------------------------------------------------------------------------------

fn default_pod(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    default_pod_spec(spec, true);
    for key in ["containers", "initContainers"] {
        for c in items_mut(spec, key) {
            // Requests default to limits (pods only, not templates).
            let Some(limits) = c
                .get("resources")
                .and_then(|r| r.get("limits"))
                .and_then(Value::as_object)
                .cloned()
            else {
                continue;
            };
            let Some(res) = obj_mut(c, "resources") else {
                continue;
            };
            if let Some(req) = ensure_obj(res, "requests") {
                for (k, v) in limits {
                    set_default(req, &k, v);
                }
            }
        }
    }
    set_default(spec, "enableServiceLinks", json!(true));
    default_toleration_seconds(spec);
    if spec.get("hostNetwork").and_then(Value::as_bool) == Some(true) {
        for key in ["containers", "initContainers"] {
            for c in items_mut(spec, key) {
                for port in items_mut(c, "ports") {
                    if port.get("hostPort").and_then(Value::as_i64).unwrap_or(0) == 0 {
                        if let Some(cp) = port.get("containerPort").cloned() {
                            port["hostPort"] = cp;
                        }
                    }
                }
            }
        }
    }
}

/// How long pods stay bound to a node that is not ready or unreachable before eviction.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// Pods tolerate `node.kubernetes.io/not-ready` and `unreachable` NoExecute taints for five
/// minutes unless they say otherwise, as Kubernetes' DefaultTolerationSeconds admission does.
fn default_toleration_seconds(spec: &mut Value) {
    if spec
        .get("tolerations")
        .is_some_and(|t| !t.is_array() && !t.is_null())
    {
        return;
    }
    let mut tolerations = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = tolerations.iter().any(|t| {
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            let tkey = t.get("key").and_then(Value::as_str).unwrap_or("");
            let exists = t.get("operator").and_then(Value::as_str) == Some("Exists");
            (tkey == key || (tkey.is_empty() && exists))
                && (effect.is_empty() || effect == "NoExecute")
        });
        if !covered {
            tolerations.push(
                json!({"key": key, "operator": "Exists", "effect": "NoExecute",
                                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}),
            );
        }
    }
    spec["tolerations"] = Value::Array(tolerations);
}

/// Defaults `spec.template` of a controller.
fn default_template_in(spec: &mut Value, default_restart: bool) {
    if let Some(t) = ensure_obj(spec, "template") {
        default_template(t, default_restart);
    }
}

fn default_template(t: &mut Value, default_restart: bool) {
    if let Some(spec) = ensure_obj(t, "spec") {
        default_pod_spec(spec, default_restart);
    }
}

/// `SetDefaults_PodSpec` and the defaults of everything a pod spec contains.
fn default_pod_spec(spec: &mut Value, default_restart: bool) {
    set_default_if_empty(spec, "dnsPolicy", json!("ClusterFirst"));
    if default_restart {
        set_default_if_empty(spec, "restartPolicy", json!("Always"));
    }
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default_if_empty(spec, "schedulerName", json!("default-scheduler"));
    for key in ["containers", "initContainers", "ephemeralContainers"] {
        for c in items_mut(spec, key) {
            default_container(c);
        }
    }
    for v in items_mut(spec, "volumes") {
        default_volume(v);
    }
}

fn default_container(c: &mut Value) {
    if c.get("imagePullPolicy")
        .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
    {
        let image = c.get("image").and_then(Value::as_str).unwrap_or("");
        let policy = if image_tag(image).as_deref() == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
        c["imagePullPolicy"] = json!(policy);
    }
    set_default_if_empty(c, "terminationMessagePath", json!("/dev/termination-log"));
    set_default_if_empty(c, "terminationMessagePolicy", json!("File"));
    set_default(c, "resources", json!({}));
    for port in items_mut(c, "ports") {
        set_default_if_empty(port, "protocol", json!("TCP"));
    }
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = obj_mut(c, key) {
            set_default_if_empty(p, "timeoutSeconds", json!(1));
            set_default_if_empty(p, "periodSeconds", json!(10));
            set_default_if_empty(p, "successThreshold", json!(1));
            set_default_if_empty(p, "failureThreshold", json!(3));
            default_handler(p);
        }
    }
    if let Some(lc) = obj_mut(c, "lifecycle") {
        for key in ["postStart", "preStop"] {
            if let Some(h) = obj_mut(lc, key) {
                default_handler(h);
            }
        }
    }
    for ev in items_mut(c, "env") {
        if let Some(fr) = ev.get_mut("valueFrom").and_then(|v| obj_mut(v, "fieldRef")) {
            set_default_if_empty(fr, "apiVersion", json!("v1"));
        }
    }
}

fn default_handler(h: &mut Value) {
    if let Some(g) = obj_mut(h, "httpGet") {
        set_default_if_empty(g, "path", json!("/"));
        set_default_if_empty(g, "scheme", json!("HTTP"));
    }
    if let Some(g) = obj_mut(h, "grpc") {
        set_default(g, "service", json!(""));
    }
}

fn default_volume(v: &mut Value) {
    let has_source = validation::volume_source_keys().any(|k| !is_absent(v, k));
    if !has_source {
        v["emptyDir"] = json!({});
    }
    for key in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(src) = obj_mut(v, key) {
            set_default(src, "defaultMode", json!(420));
        }
    }
    if let Some(d) = obj_mut(v, "downwardAPI") {
        for item in items_mut(d, "items") {
            if let Some(fr) = obj_mut(item, "fieldRef") {
                set_default_if_empty(fr, "apiVersion", json!("v1"));
            }
        }
    }
    if let Some(p) = obj_mut(v, "projected") {
        for source in items_mut(p, "sources") {
            if let Some(t) = obj_mut(source, "serviceAccountToken") {
                set_default(t, "expirationSeconds", json!(3600));
            }
            if let Some(d) = obj_mut(source, "downwardAPI") {
                for item in items_mut(d, "items") {
                    if let Some(fr) = obj_mut(item, "fieldRef") {
                        set_default_if_empty(fr, "apiVersion", json!("v1"));
                    }
                }
            }
        }
    }
    if let Some(h) = obj_mut(v, "hostPath") {
        set_default(h, "type", json!(""));
    }
    if let Some(spec) = v
        .get_mut("ephemeral")
        .and_then(|e| e.get_mut("volumeClaimTemplate"))
        .and_then(|t| obj_mut(t, "spec"))
    {
        set_default(spec, "volumeMode", json!("Filesystem"));
    }
    if let Some(img) = obj_mut(v, "image") {
        if img
            .get("pullPolicy")
            .is_none_or(|p| p.is_null() || p.as_str() == Some(""))
        {
            let reference = img.get("reference").and_then(Value::as_str).unwrap_or("");
            let policy = if image_tag(reference).as_deref() == Some("latest") {
                "Always"
            } else {
                "IfNotPresent"
            };
            img["pullPolicy"] = json!(policy);
        }
    }
}

/// The tag of an image reference (`latest` when it has neither tag nor digest, `""` for a
/// digest without tag); None when the reference does not parse.
fn image_tag(image: &str) -> Option<String> {
    if image.is_empty() || image.chars().any(char::is_whitespace) {
        return None;
    }
    let (name_tag, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if digest.is_some_and(|d| !d.contains(':')) {
        return None;
    }
    let last_slash = name_tag.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (name, tag) = match name_tag[last_slash..].rfind(':') {
        Some(i) => (
            &name_tag[..last_slash + i],
            Some(&name_tag[last_slash + i + 1..]),
        ),
        None => (name_tag, None),
    };
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 && (components[0].contains(['.', ':']) || components[0] == "localhost")
    {
        let domain = components.remove(0);
        if !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        {
            return None;
        }
    }
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.chars().all(|ch| {
                ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '_' | '-')
            })
            && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.ends_with(|ch: char| ch.is_ascii_alphanumeric())
    };
    if !components.iter().all(|c| component_ok(c)) {
        return None;
    }
    match tag {
        Some(t) => {
            let ok = !t.is_empty()
                && t.len() <= 128
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                && !t.starts_with(['.', '-']);
            ok.then(|| t.to_string())
        }
        None if digest.is_some() => Some(String::new()),
        None => Some("latest".to_string()),
    }
}

// ---- controllers -----------------------------------------------------------------------------

fn template_labels(spec: &Value) -> Option<Value> {
    spec.get("template")?
        .get("metadata")?
        .get("labels")
        .filter(|l| l.is_object())
        .cloned()
}

fn is_empty_map(v: Option<&Value>) -> bool {
    v.is_none_or(|x| x.is_null() || x.as_object().is_some_and(Map::is_empty))
}

fn default_replication_controller(obj: &mut Value) {
    let labels = obj.get("spec").and_then(template_labels);
    if let Some(labels) = labels {
        if let Some(spec) = ensure_obj(obj, "spec") {
            if is_empty_map(spec.get("selector")) {
                spec["selector"] = labels.clone();
            }
        }
        if let Some(meta) = ensure_obj(obj, "metadata") {
            if is_empty_map(meta.get("labels")) {
                meta["labels"] = labels;
            }
        }
    }
    if let Some(spec) = ensure_obj(obj, "spec") {
        set_default(spec, "replicas", json!(1));
        if !is_absent(spec, "template") {
            default_template_in(spec, true);
        }
    }
}

fn default_deployment(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    set_default(spec, "replicas", json!(1));
    if let Some(strategy) = ensure_obj(spec, "strategy") {
        set_default_if_empty(strategy, "type", json!("RollingUpdate"));
        if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            if let Some(ru) = ensure_obj(strategy, "rollingUpdate") {
                set_default(ru, "maxUnavailable", json!("25%"));
                set_default(ru, "maxSurge", json!("25%"));
            }
        }
    }
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(spec, "progressDeadlineSeconds", json!(600));
    default_template_in(spec, true);
}

fn default_stateful_set(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    set_default_if_empty(spec, "podManagementPolicy", json!("OrderedReady"));
    if let Some(us) = ensure_obj(spec, "updateStrategy") {
        if us
            .get("type")
            .is_none_or(|t| t.is_null() || t.as_str() == Some(""))
        {
            us["type"] = json!("RollingUpdate");
            ensure_obj(us, "rollingUpdate");
        }
        if us.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            if let Some(ru) = obj_mut(us, "rollingUpdate") {
                set_default(ru, "partition", json!(0));
            }
        }
    }
    if let Some(policy) = ensure_obj(spec, "persistentVolumeClaimRetentionPolicy") {
        set_default_if_empty(policy, "whenDeleted", json!("Retain"));
        set_default_if_empty(policy, "whenScaled", json!("Retain"));
    }
    set_default(spec, "replicas", json!(1));
    set_default(spec, "revisionHistoryLimit", json!(10));
    default_template_in(spec, true);
    for claim in items_mut(spec, "volumeClaimTemplates") {
        if let Some(s) = ensure_obj(claim, "spec") {
            set_default(s, "volumeMode", json!("Filesystem"));
        }
        if let Some(status) = ensure_obj(claim, "status") {
            set_default(status, "phase", json!("Pending"));
        }
    }
}

fn default_daemon_set(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    if let Some(us) = ensure_obj(spec, "updateStrategy") {
        set_default_if_empty(us, "type", json!("RollingUpdate"));
        if us.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
            if let Some(ru) = ensure_obj(us, "rollingUpdate") {
                set_default(ru, "maxUnavailable", json!(1));
                set_default(ru, "maxSurge", json!(0));
            }
        }
    }
    set_default(spec, "revisionHistoryLimit", json!(10));
    default_template_in(spec, true);
}

fn default_job_spec(spec: &mut Value) {
    if is_absent(spec, "completions") && is_absent(spec, "parallelism") {
        spec["completions"] = json!(1);
    }
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
    let replacement = if is_absent(spec, "podFailurePolicy") {
        "TerminatingOrFailed"
    } else {
        "Failed"
    };
    set_default(spec, "podReplacementPolicy", json!(replacement));
}

fn default_job(obj: &mut Value) {
    let labels = obj.get("spec").and_then(template_labels);
    if let Some(spec) = ensure_obj(obj, "spec") {
        default_job_spec(spec);
        default_template_in(spec, false);
    }
    if let Some(labels) = labels {
        if let Some(meta) = ensure_obj(obj, "metadata") {
            if is_empty_map(meta.get("labels")) {
                meta["labels"] = labels;
            }
        }
    }
    validation::generate_job_selector(obj);
}

fn default_cron_job(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    set_default_if_empty(spec, "concurrencyPolicy", json!("Allow"));
    set_default(spec, "suspend", json!(false));
    set_default(spec, "successfulJobsHistoryLimit", json!(3));
    set_default(spec, "failedJobsHistoryLimit", json!(1));
    if let Some(job_spec) = ensure_obj(spec, "jobTemplate").and_then(|jt| ensure_obj(jt, "spec")) {
        default_template_in(job_spec, false);
    }
}

// ---- services and the rest -------------------------------------------------------------------

fn default_service(obj: &mut Value) {
    validation::normalize_service(obj, None);
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    set_default_if_empty(spec, "sessionAffinity", json!("None"));
    match spec.get("sessionAffinity").and_then(Value::as_str) {
        Some("None") => {
            if let Some(m) = spec.as_object_mut() {
                m.remove("sessionAffinityConfig");
            }
        }
        Some("ClientIP") => {
            let has_timeout = spec
                .get("sessionAffinityConfig")
                .and_then(|c| c.get("clientIP"))
                .and_then(|c| c.get("timeoutSeconds"))
                .is_some_and(|t| !t.is_null());
            if !has_timeout {
                spec["sessionAffinityConfig"] = json!({"clientIP": {"timeoutSeconds": 10800}});
            }
        }
        _ => {}
    }
    set_default_if_empty(spec, "type", json!("ClusterIP"));
    for port in items_mut(spec, "ports") {
        set_default_if_empty(port, "protocol", json!("TCP"));
        let target_empty = match port.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            _ => false,
        };
        if target_empty {
            if let Some(p) = port.get("port").filter(|p| p.is_number()).cloned() {
                port["targetPort"] = p;
            }
        }
    }
    let typ = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let has_external_ips = spec
        .get("externalIPs")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let externally_accessible = matches!(typ.as_str(), "NodePort" | "LoadBalancer")
        || (typ == "ClusterIP" && has_external_ips);
    if externally_accessible {
        set_default_if_empty(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if matches!(typ.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if typ == "LoadBalancer" {
        set_default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if typ != "ExternalName" {
        let family = match spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .map(str::parse::<std::net::IpAddr>)
        {
            Some(Ok(std::net::IpAddr::V6(_))) => "IPv6",
            _ => "IPv4",
        };
        set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
        if spec
            .get("ipFamilies")
            .is_none_or(|f| f.is_null() || f.as_array().is_some_and(Vec::is_empty))
        {
            spec["ipFamilies"] = json!([family]);
        }
    }
}

fn default_namespace(obj: &mut Value) {
    let name = obj
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !name.is_empty() {
        if let Some(labels) = ensure_obj(obj, "metadata").and_then(|m| ensure_obj(m, "labels")) {
            labels["kubernetes.io/metadata.name"] = json!(name);
        }
    }
    if let Some(spec) = ensure_obj(obj, "spec") {
        set_default(spec, "finalizers", json!(["kubernetes"]));
    }
    if let Some(status) = ensure_obj(obj, "status") {
        set_default_if_empty(status, "phase", json!("Active"));
    }
}

fn default_limit_range(obj: &mut Value) {
    let Some(spec) = obj_mut(obj, "spec") else {
        return;
    };
    for item in items_mut(spec, "limits") {
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        let section = |item: &Value, key: &str| {
            item.get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let mut default = section(item, "default");
        let mut default_request = section(item, "defaultRequest");
        for (k, v) in section(item, "max") {
            default.entry(k).or_insert(v);
        }
        for (k, v) in &default {
            default_request.entry(k.clone()).or_insert(v.clone());
        }
        for (k, v) in section(item, "min") {
            default_request.entry(k).or_insert(v);
        }
        if !default.is_empty()
            && item
                .get("default")
                .is_none_or(|d| d.is_object() || d.is_null())
        {
            item["default"] = Value::Object(default);
        }
        if !default_request.is_empty()
            && item
                .get("defaultRequest")
                .is_none_or(|d| d.is_object() || d.is_null())
        {
            item["defaultRequest"] = Value::Object(default_request);
        }
    }
}

fn default_scaling_rules(rules: &mut Value, up: bool) {
    let policies = if up {
        json!([
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}
        ])
    } else {
        json!([{"type": "Percent", "value": 100, "periodSeconds": 15}])
    };
    set_default(rules, "selectPolicy", json!("Max"));
    set_default(rules, "policies", policies);
    if up {
        set_default(rules, "stabilizationWindowSeconds", json!(0));
    }
}

fn default_hpa(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    set_default(spec, "minReplicas", json!(1));
    if spec
        .get("metrics")
        .is_none_or(|m| m.is_null() || m.as_array().is_some_and(Vec::is_empty))
    {
        spec["metrics"] = json!([{
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}
        }]);
    }
    if let Some(behavior) = obj_mut(spec, "behavior") {
        for (key, up) in [("scaleUp", true), ("scaleDown", false)] {
            if let Some(rules) = ensure_obj(behavior, key) {
                default_scaling_rules(rules, up);
            }
        }
    }
}

fn default_network_policy(obj: &mut Value) {
    let Some(spec) = ensure_obj(obj, "spec") else {
        return;
    };
    if spec
        .get("policyTypes")
        .is_none_or(|t| t.is_null() || t.as_array().is_some_and(Vec::is_empty))
    {
        let has_egress = spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty());
        spec["policyTypes"] = if has_egress {
            json!(["Ingress", "Egress"])
        } else {
            json!(["Ingress"])
        };
    }
    for dir in ["ingress", "egress"] {
        for rule in items_mut(spec, dir) {
            for port in items_mut(rule, "ports") {
                set_default(port, "protocol", json!("TCP"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaulted(group: &str, kind: &str, mut v: Value) -> Value {
        apply_defaults(group, kind, &mut v);
        v
    }

    #[test]
    fn pods_tolerate_unready_nodes_for_five_minutes() {
        let p = defaulted(
            "",
            "Pod",
            json!({"spec": {"containers": [{"name": "c", "image": "i"}],
            "tolerations": [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10}]}}),
        );
        let t = p["spec"]["tolerations"].as_array().unwrap();
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0]["tolerationSeconds"], 10, "a user's toleration is kept");
        assert_eq!(t[1]["key"], "node.kubernetes.io/not-ready");
        assert_eq!(t[1]["tolerationSeconds"], 300);
        let again = defaulted("", "Pod", p.clone());
        assert_eq!(
            again["spec"]["tolerations"], p["spec"]["tolerations"],
            "idempotent"
        );
    }

    #[test]
    fn image_pull_policies() {
        assert_eq!(image_tag("nginx").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx:latest").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx:1.14.2").as_deref(), Some("1.14.2"));
        assert_eq!(image_tag("localhost:5000/app").as_deref(), Some("latest"));
        assert_eq!(
            image_tag("registry.k8s.io/pause:3.9").as_deref(),
            Some("3.9")
        );
        assert_eq!(image_tag("nginx@sha256:abcd").as_deref(), Some(""));
        assert_eq!(image_tag("nginx:1.2@sha256:abcd").as_deref(), Some("1.2"));
        assert_eq!(image_tag("Nginx"), None);
        assert_eq!(image_tag(""), None);
    }

    #[test]
    fn pod_defaults() {
        let pod = defaulted(
            "",
            "Pod",
            json!({
                "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {
                    "containers": [{
                        "name": "web", "image": "nginx",
                        "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"cpu": "500m"}},
                        "livenessProbe": {"httpGet": {"port": 80}},
                        "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]
                    }],
                    "initContainers": [{"name": "init", "image": "busybox:1.36"}],
                    "volumes": [
                        {"name": "cache"},
                        {"name": "cfg", "configMap": {"name": "c"}},
                        {"name": "sec", "secret": {"secretName": "s"}}
                    ]
                }
            }),
        );
        assert_eq!(
            pod["spec"],
            json!({
                "containers": [{
                    "name": "web", "image": "nginx",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"limits": {"cpu": "500m"}, "requests": {"cpu": "500m"}},
                    "livenessProbe": {
                        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
                        "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3
                    },
                    "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name", "apiVersion": "v1"}}}],
                    "imagePullPolicy": "Always",
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"
                }],
                "initContainers": [{
                    "name": "init", "image": "busybox:1.36",
                    "imagePullPolicy": "IfNotPresent",
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "resources": {}
                }],
                "volumes": [
                    {"name": "cache", "emptyDir": {}},
                    {"name": "cfg", "configMap": {"name": "c", "defaultMode": 420}},
                    {"name": "sec", "secret": {"secretName": "s", "defaultMode": 420}}
                ],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30,
                "schedulerName": "default-scheduler",
                "enableServiceLinks": true,
                "tolerations": [
                    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
                ]
            })
        );
    }

    #[test]
    fn host_network_ports() {
        let pod = defaulted(
            "",
            "Pod",
            json!({"spec": {"hostNetwork": true, "containers": [{"name": "a", "image": "x:1", "ports": [{"containerPort": 53}]}]}}),
        );
        assert_eq!(
            pod["spec"]["containers"][0]["ports"][0]["hostPort"],
            json!(53)
        );
    }

    #[test]
    fn deployment_defaults() {
        let d = defaulted(
            "apps",
            "Deployment",
            json!({"metadata": {"name": "web"}, "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.14.2"}]}}
            }}),
        );
        let spec = &d["spec"];
        assert_eq!(spec["replicas"], json!(1));
        assert_eq!(
            spec["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
        );
        assert_eq!(spec["revisionHistoryLimit"], json!(10));
        assert_eq!(spec["progressDeadlineSeconds"], json!(600));
        let ps = &spec["template"]["spec"];
        assert_eq!(ps["restartPolicy"], json!("Always"));
        assert_eq!(
            ps["containers"][0]["imagePullPolicy"],
            json!("IfNotPresent")
        );
        assert!(
            ps.get("enableServiceLinks").is_none(),
            "only pods get enableServiceLinks"
        );
        // Recreate gets no rollingUpdate.
        let r = defaulted(
            "apps",
            "Deployment",
            json!({"spec": {"strategy": {"type": "Recreate"}}}),
        );
        assert_eq!(r["spec"]["strategy"], json!({"type": "Recreate"}));
    }

    #[test]
    fn stateful_set_and_daemon_set_defaults() {
        let s = defaulted(
            "apps",
            "StatefulSet",
            json!({"spec": {"template": {"spec": {"containers": []}}}}),
        );
        assert_eq!(s["spec"]["podManagementPolicy"], json!("OrderedReady"));
        assert_eq!(
            s["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        );
        assert_eq!(
            s["spec"]["persistentVolumeClaimRetentionPolicy"],
            json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
        );
        assert_eq!(s["spec"]["replicas"], json!(1));
        assert_eq!(s["spec"]["revisionHistoryLimit"], json!(10));
        let d = defaulted("apps", "DaemonSet", json!({"spec": {}}));
        assert_eq!(
            d["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], json!(10));
        let o = defaulted(
            "apps",
            "StatefulSet",
            json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}),
        );
        assert_eq!(o["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    }

    #[test]
    fn job_and_cron_job_defaults() {
        let j = defaulted(
            "batch",
            "Job",
            json!({"metadata": {"name": "pi", "uid": "u1"}, "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}}}),
        );
        let spec = &j["spec"];
        assert_eq!(spec["completions"], json!(1));
        assert_eq!(spec["parallelism"], json!(1));
        assert_eq!(spec["backoffLimit"], json!(6));
        assert_eq!(spec["completionMode"], json!("NonIndexed"));
        assert_eq!(spec["suspend"], json!(false));
        assert_eq!(spec["podReplacementPolicy"], json!("TerminatingOrFailed"));
        assert!(spec.get("manualSelector").is_none());
        assert!(spec["template"]["spec"].get("restartPolicy").is_none());
        assert_eq!(
            spec["selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}})
        );
        assert_eq!(
            spec["template"]["metadata"]["labels"]["job-name"],
            json!("pi")
        );
        let parallel = defaulted("batch", "Job", json!({"spec": {"parallelism": 3}}));
        assert!(parallel["spec"].get("completions").is_none());
        let c = defaulted(
            "batch",
            "CronJob",
            json!({"spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "b"}]}}}}}}),
        );
        assert_eq!(c["spec"]["concurrencyPolicy"], json!("Allow"));
        assert_eq!(c["spec"]["suspend"], json!(false));
        assert_eq!(c["spec"]["successfulJobsHistoryLimit"], json!(3));
        assert_eq!(c["spec"]["failedJobsHistoryLimit"], json!(1));
        let ts = &c["spec"]["jobTemplate"]["spec"]["template"]["spec"];
        assert_eq!(ts["dnsPolicy"], json!("ClusterFirst"));
        assert!(ts.get("restartPolicy").is_none());
    }

    #[test]
    fn service_defaults() {
        let s = defaulted(
            "",
            "Service",
            json!({"spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
        );
        assert_eq!(
            s["spec"],
            json!({
                "selector": {"app": "web"},
                "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
                "sessionAffinity": "None",
                "type": "ClusterIP",
                "internalTrafficPolicy": "Cluster",
                "ipFamilyPolicy": "SingleStack",
                "ipFamilies": ["IPv4"]
            })
        );
        let np = defaulted(
            "",
            "Service",
            json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": "http"}]}}),
        );
        assert_eq!(np["spec"]["externalTrafficPolicy"], json!("Cluster"));
        assert_eq!(np["spec"]["ports"][0]["targetPort"], json!("http"));
        let lb = defaulted(
            "",
            "Service",
            json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 443}]}}),
        );
        assert_eq!(lb["spec"]["allocateLoadBalancerNodePorts"], json!(true));
        let en = defaulted(
            "",
            "Service",
            json!({"spec": {"type": "ExternalName", "externalName": "example.com"}}),
        );
        assert!(en["spec"].get("ipFamilies").is_none());
        assert!(en["spec"].get("internalTrafficPolicy").is_none());
        let headless = defaulted(
            "",
            "Service",
            json!({"spec": {"clusterIP": "None", "ports": [{"port": 80}]}}),
        );
        assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));
        let sticky = defaulted(
            "",
            "Service",
            json!({"spec": {"sessionAffinity": "ClientIP"}}),
        );
        assert_eq!(
            sticky["spec"]["sessionAffinityConfig"],
            json!({"clientIP": {"timeoutSeconds": 10800}})
        );
        let v6 = defaulted("", "Service", json!({"spec": {"clusterIP": "fd00::10"}}));
        assert_eq!(v6["spec"]["ipFamilies"], json!(["IPv6"]));
    }

    #[test]
    fn service_update_carries_allocations() {
        let old = json!({"spec": {"type": "NodePort", "clusterIP": "10.0.0.5", "clusterIPs": ["10.0.0.5"],
            "ports": [{"name": "http", "port": 80, "nodePort": 30080}]}});
        let mut new =
            json!({"spec": {"type": "NodePort", "ports": [{"name": "http", "port": 80}]}});
        apply_update_defaults("", "Service", &old, &mut new);
        assert_eq!(new["spec"]["clusterIP"], json!("10.0.0.5"));
        assert_eq!(new["spec"]["clusterIPs"], json!(["10.0.0.5"]));
        assert_eq!(new["spec"]["ports"][0]["nodePort"], json!(30080));
    }

    #[test]
    fn misc_defaults() {
        assert_eq!(defaulted("", "Secret", json!({}))["type"], json!("Opaque"));
        let ns = defaulted("", "Namespace", json!({"metadata": {"name": "dev"}}));
        assert_eq!(
            ns["metadata"]["labels"],
            json!({"kubernetes.io/metadata.name": "dev"})
        );
        assert_eq!(ns["spec"], json!({"finalizers": ["kubernetes"]}));
        assert_eq!(ns["status"], json!({"phase": "Active"}));
        let pvc = defaulted("", "PersistentVolumeClaim", json!({"spec": {}}));
        assert_eq!(pvc["spec"]["volumeMode"], json!("Filesystem"));
        let pv = defaulted("", "PersistentVolume", json!({"spec": {}}));
        assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], json!("Retain"));
        assert_eq!(pv["spec"]["volumeMode"], json!("Filesystem"));
        let hpa = defaulted(
            "autoscaling",
            "HorizontalPodAutoscaler",
            json!({"spec": {"maxReplicas": 3}}),
        );
        assert_eq!(hpa["spec"]["minReplicas"], json!(1));
        assert_eq!(
            hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            json!(80)
        );
        let np = defaulted(
            "networking.k8s.io",
            "NetworkPolicy",
            json!({"spec": {"egress": [{"ports": [{"port": 53}]}]}}),
        );
        assert_eq!(np["spec"]["policyTypes"], json!(["Ingress", "Egress"]));
        assert_eq!(
            np["spec"]["egress"][0]["ports"][0]["protocol"],
            json!("TCP")
        );
        let np2 = defaulted("networking.k8s.io", "NetworkPolicy", json!({"spec": {}}));
        assert_eq!(np2["spec"]["policyTypes"], json!(["Ingress"]));
        let sc = defaulted(
            "storage.k8s.io",
            "StorageClass",
            json!({"provisioner": "x"}),
        );
        assert_eq!(sc["reclaimPolicy"], json!("Delete"));
        assert_eq!(sc["volumeBindingMode"], json!("Immediate"));
        let pc = defaulted("scheduling.k8s.io", "PriorityClass", json!({"value": 5}));
        assert_eq!(pc["preemptionPolicy"], json!("PreemptLowerPriority"));
        let rb = defaulted(
            "rbac.authorization.k8s.io",
            "RoleBinding",
            json!({"roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "s"}]}),
        );
        assert_eq!(
            rb["roleRef"]["apiGroup"],
            json!("rbac.authorization.k8s.io")
        );
        assert_eq!(
            rb["subjects"][0]["apiGroup"],
            json!("rbac.authorization.k8s.io")
        );
        assert!(rb["subjects"][1].get("apiGroup").is_none());
        let ing = defaulted(
            "networking.k8s.io",
            "Ingress",
            json!({"spec": {"rules": [{"http": {"paths": [{"path": "/"}]}}]}}),
        );
        assert!(ing["spec"]["rules"][0]["http"]["paths"][0]
            .get("pathType")
            .is_none());
        let rc = defaulted(
            "",
            "ReplicationController",
            json!({"spec": {"template": {"metadata": {"labels": {"a": "b"}}}}}),
        );
        assert_eq!(rc["spec"]["selector"], json!({"a": "b"}));
        assert_eq!(rc["metadata"]["labels"], json!({"a": "b"}));
        assert_eq!(rc["spec"]["replicas"], json!(1));
    }

    #[test]
    fn wrong_types_are_left_alone() {
        let mut v = json!({"spec": "nope"});
        apply_defaults("apps", "Deployment", &mut v);
        assert_eq!(v, json!({"spec": "nope"}));
        let mut p = json!({"spec": {"containers": [5, {"name": "a", "ports": "x", "image": 3}]}});
        apply_defaults("", "Pod", &mut p);
        assert_eq!(p["spec"]["containers"][0], json!(5));
        assert_eq!(p["spec"]["containers"][1]["ports"], json!("x"));
        assert_eq!(
            p["spec"]["containers"][1]["imagePullPolicy"],
            json!("IfNotPresent")
        );
        let mut s = json!(7);
        apply_defaults("", "Service", &mut s);
        assert_eq!(s, json!(7));
    }
}

//! Workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet (`apps`), Job and
//! CronJob (`batch`).

use serde_json::Value;

use super::common::{self, nonneg_field, nonnegative, render_selector, Selector};
use super::field::{self, q, raw, render_int_or_string, Errs, Path};
use super::names;
use super::pod::{self, PodOpts};

const TEMPLATE_OPTS: PodOpts = PodOpts {
    is_pod: false,
    restart_policy_optional: false,
};

fn spec_of(e: &mut Errs, obj: &Value) -> Value {
    field::object(e, obj, "spec", &Path::new(""))
        .cloned()
        .unwrap_or(Value::Object(Default::default()))
}

/// The template's labels and whether the selector matches them; reports a mismatch.
fn check_selector_matches_template(
    e: &mut Errs,
    selector: &Selector,
    spec: &Value,
    tp: &Path,
    only_if_nonempty: bool,
) {
    if only_if_nonempty && selector.is_empty() {
        return;
    }
    let labels = pod::template_labels(raw(spec, "template"));
    if !selector.matches(labels.as_deref().unwrap_or(&[])) {
        e.invalid(
            &tp.child("metadata").child("labels"),
            &field::gomap(labels.as_deref()),
            "`selector` does not match template `labels`",
        );
    }
}

fn template_spec_field<'a>(spec: &'a Value, key: &str) -> Option<&'a Value> {
    spec.get("template")
        .and_then(|t| t.get("spec"))
        .and_then(|s| raw(s, key))
}

/// `ValidatePodTemplateSpecForReplicaSet` (also used by Deployments).
fn validate_template_for_replica_set(
    e: &mut Errs,
    spec: &Value,
    selector: &Selector,
    sp: &Path,
    kind: &str,
) {
    let tp = sp.child("template");
    let Some(tmpl) = field::object(e, spec, "template", sp) else {
        // A missing template is the zero template: still validated.
        let empty = Value::Object(Default::default());
        check_selector_matches_template(e, selector, spec, &tp, true);
        pod::validate_pod_template(e, &empty, &tp, TEMPLATE_OPTS);
        e.not_supported(
            &tp.child("spec").child("restartPolicy"),
            &q(""),
            &["Always"],
        );
        return;
    };
    check_selector_matches_template(e, selector, spec, &tp, true);
    pod::validate_pod_template(e, tmpl, &tp, TEMPLATE_OPTS);
    let rp = template_spec_field(spec, "restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    if rp != "Always" {
        e.not_supported(
            &tp.child("spec").child("restartPolicy"),
            &q(rp),
            &["Always"],
        );
    }
    if template_spec_field(spec, "activeDeadlineSeconds").is_some() {
        e.forbidden(
            &tp.child("spec").child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        );
    }
}

/// Selector presence, syntax and non-emptiness; returns the evaluated selector.
fn validate_required_selector(
    e: &mut Errs,
    spec: &Value,
    sp: &Path,
    empty_msg: &str,
) -> Result<Selector, ()> {
    let sel = raw(spec, "selector");
    match sel {
        None => e.required(&sp.child("selector"), ""),
        Some(s) => {
            common::validate_label_selector(e, s, &sp.child("selector"));
            let n = s
                .get("matchLabels")
                .and_then(Value::as_object)
                .map(|m| m.len())
                .unwrap_or(0)
                + s.get("matchExpressions")
                    .and_then(Value::as_array)
                    .map(Vec::len)
                    .unwrap_or(0);
            if s.is_object() && n == 0 {
                e.invalid(&sp.child("selector"), &render_selector(Some(s)), empty_msg);
            }
        }
    }
    common::label_selector(sel)
}

// ---- Deployment ------------------------------------------------------------------------------

pub(crate) fn validate_deployment(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    nonneg_field(e, &spec, "replicas", &sp);
    match validate_required_selector(e, &spec, &sp, "empty selector is invalid for deployment") {
        Ok(selector) => validate_template_for_replica_set(e, &spec, &selector, &sp, "ReplicaSet"),
        Err(()) => e.invalid(
            &sp.child("selector"),
            &render_selector(raw(&spec, "selector")),
            "invalid label selector",
        ),
    }
    let stp = sp.child("strategy");
    let empty = Value::Object(Default::default());
    let strategy = field::object(e, &spec, "strategy", &sp).unwrap_or(&empty);
    match field::string_or_empty(e, strategy, "type", &stp) {
        "Recreate" => {
            if raw(strategy, "rollingUpdate").is_some() {
                e.forbidden(
                    &stp.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                );
            }
        }
        "RollingUpdate" => match field::object(e, strategy, "rollingUpdate", &stp) {
            None => e.required(
                &stp.child("rollingUpdate"),
                "this should be defaulted and never be nil",
            ),
            Some(ru) => {
                let rp = stp.child("rollingUpdate");
                let zero = Value::from(0);
                let mu = raw(ru, "maxUnavailable").unwrap_or(&zero);
                let ms = raw(ru, "maxSurge").unwrap_or(&zero);
                common::validate_positive_int_or_percent(e, mu, &rp.child("maxUnavailable"));
                common::validate_positive_int_or_percent(e, ms, &rp.child("maxSurge"));
                if common::int_or_percent_value(mu).unwrap_or(0) == 0
                    && common::int_or_percent_value(ms).unwrap_or(0) == 0
                {
                    e.invalid(
                        &rp.child("maxUnavailable"),
                        &render_int_or_string(mu),
                        "may not be 0 when `maxSurge` is 0",
                    );
                }
                common::validate_not_more_than_100_percent(e, mu, &rp.child("maxUnavailable"));
            }
        },
        other => e.not_supported(
            &stp,
            &render_strategy(strategy, other),
            &["Recreate", "RollingUpdate"],
        ),
    }
    let min_ready = field::int(e, &spec, "minReadySeconds", &sp);
    nonnegative(e, &sp.child("minReadySeconds"), min_ready);
    nonneg_field(e, &spec, "revisionHistoryLimit", &sp);
    if let Some(pds) = field::int(e, &spec, "progressDeadlineSeconds", &sp) {
        nonnegative(e, &sp.child("progressDeadlineSeconds"), Some(pds));
        if pds <= min_ready.unwrap_or(0) {
            e.invalid(
                &sp.child("progressDeadlineSeconds"),
                &pds.to_string(),
                "must be greater than minReadySeconds",
            );
        }
    }
}

fn render_strategy(strategy: &Value, typ: &str) -> String {
    let ru = if raw(strategy, "rollingUpdate").is_some() {
        "(*apps.RollingUpdateDeployment)(...)"
    } else {
        "(*apps.RollingUpdateDeployment)(nil)"
    };
    format!(
        "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{ru}}}",
        q(typ)
    )
}

/// The selector of Deployments, ReplicaSets and DaemonSets is immutable in `apps/v1`.
pub(crate) fn validate_selector_immutable(e: &mut Errs, new: &Value, old: &Value) {
    let ns = new.get("spec").and_then(|s| raw(s, "selector"));
    let os = old.get("spec").and_then(|s| raw(s, "selector"));
    if !selectors_equal(ns, os) {
        e.immutable(&Path::new("spec").child("selector"), &render_selector(ns));
    }
}

/// A selector's sorted match labels and its expressions, for comparison.
type NormalSelector = (Vec<(String, String)>, Vec<Value>);

fn selectors_equal(a: Option<&Value>, b: Option<&Value>) -> bool {
    let norm = |v: Option<&Value>| -> Option<NormalSelector> {
        let v = v?;
        let mut labels = field::smap(v, "matchLabels").unwrap_or_default();
        labels.sort();
        let exprs = v
            .get("matchExpressions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Some((labels, exprs))
    };
    norm(a) == norm(b)
}

// ---- ReplicaSet ------------------------------------------------------------------------------

pub(crate) fn validate_replica_set(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    nonneg_field(e, &spec, "replicas", &sp);
    nonneg_field(e, &spec, "minReadySeconds", &sp);
    match validate_required_selector(e, &spec, &sp, "empty selector is invalid for deployment") {
        Ok(selector) => validate_template_for_replica_set(e, &spec, &selector, &sp, "ReplicaSet"),
        Err(()) => e.invalid(
            &sp.child("selector"),
            &render_selector(raw(&spec, "selector")),
            "invalid label selector",
        ),
    }
}

// ---- StatefulSet -----------------------------------------------------------------------------

pub(crate) fn validate_stateful_set(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    match field::string_or_empty(e, &spec, "podManagementPolicy", &sp) {
        "" => e.required(&sp.child("podManagementPolicy"), ""),
        "OrderedReady" | "Parallel" => {}
        other => e.invalid_str(
            &sp.child("podManagementPolicy"),
            other,
            "must be 'OrderedReady' or 'Parallel'",
        ),
    }
    let up = sp.child("updateStrategy");
    let empty = Value::Object(Default::default());
    let strategy = field::object(e, &spec, "updateStrategy", &sp).unwrap_or(&empty);
    match field::string_or_empty(e, strategy, "type", &up) {
        "" => e.required(&up, ""),
        "OnDelete" => {
            if let Some(ru) = raw(strategy, "rollingUpdate") {
                e.invalid(
                    &up.child("rollingUpdate"),
                    &field::render_json(ru),
                    "only allowed for updateStrategy 'RollingUpdate'",
                );
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = field::object(e, strategy, "rollingUpdate", &up) {
                let rp = up.child("rollingUpdate");
                nonneg_field(e, ru, "partition", &rp);
                if let Some(mu) = raw(ru, "maxUnavailable") {
                    let mp = rp.child("maxUnavailable");
                    common::validate_positive_int_or_percent(e, mu, &mp);
                    if common::int_or_percent_value(mu).unwrap_or(0) == 0 {
                        e.invalid(&mp, &render_int_or_string(mu), "cannot be 0");
                    }
                    common::validate_not_more_than_100_percent(e, mu, &mp);
                }
            }
        }
        other => e.invalid(
            &up,
            &format!("apps.StatefulSetUpdateStrategy{{Type:{}}}", q(other)),
            "must be 'RollingUpdate' or 'OnDelete'",
        ),
    }
    if let Some(policy) = field::object(e, &spec, "persistentVolumeClaimRetentionPolicy", &sp) {
        let pp = sp.child("persistentVolumeClaimRetentionPolicy");
        for key in ["whenDeleted", "whenScaled"] {
            let v = field::string_or_empty(e, policy, key, &pp);
            if !matches!(v, "Retain" | "Delete") {
                e.not_supported(&pp.child(key), &q(v), &["Retain", "Delete"]);
            }
        }
    }
    nonneg_field(e, &spec, "replicas", &sp);
    nonneg_field(e, &spec, "minReadySeconds", &sp);
    if let Some(ord) = field::object(e, &spec, "ordinals", &sp) {
        let start = field::int(e, ord, "start", &sp.child("ordinals"));
        nonnegative(e, &sp.child("ordinals.start"), start);
    }
    match validate_required_selector(e, &spec, &sp, "empty selector is invalid for statefulset") {
        Ok(selector) => {
            let tp = sp.child("template");
            match field::object(e, &spec, "template", &sp) {
                None => {
                    check_selector_matches_template(e, &selector, &spec, &tp, true);
                }
                Some(tmpl) => {
                    check_selector_matches_template(e, &selector, &spec, &tp, true);
                    let meta = field::object(e, tmpl, "metadata", &tp);
                    let maps = common::meta_maps(e, meta, &tp.child("metadata"));
                    if let Some(l) = &maps.labels {
                        common::validate_labels(e, l, &tp.child("labels"));
                    }
                    if let Some(a) = &maps.annotations {
                        common::validate_annotations(e, a, &tp.child("annotations"));
                    }
                }
            }
        }
        Err(()) => e.invalid(
            &sp.child("selector"),
            &render_selector(raw(&spec, "selector")),
            "",
        ),
    }
    let tp = sp.child("template").child("spec");
    let rp = template_spec_field(&spec, "restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    if rp != "Always" {
        e.not_supported(&tp.child("restartPolicy"), &q(rp), &["Always"]);
    }
    if template_spec_field(&spec, "activeDeadlineSeconds").is_some() {
        e.forbidden(
            &tp.child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in StatefulSet is not Supported",
        );
    }
}

pub(crate) fn validate_stateful_set_update(e: &mut Errs, new: &Value, old: &Value) {
    let strip = |o: &Value| -> Value {
        let mut spec = o
            .get("spec")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        if let Some(m) = spec.as_object_mut() {
            for key in [
                "replicas",
                "template",
                "updateStrategy",
                "minReadySeconds",
                "ordinals",
                "persistentVolumeClaimRetentionPolicy",
            ] {
                m.remove(key);
            }
        }
        spec
    };
    if strip(new) != strip(old) {
        e.forbidden(
            &Path::new("spec"),
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        );
    }
}

// ---- DaemonSet -------------------------------------------------------------------------------

pub(crate) fn validate_daemon_set(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let sel = raw(&spec, "selector");
    if let Some(s) = sel {
        common::validate_label_selector(e, s, &sp.child("selector"));
    }
    let tp = sp.child("template");
    if let Ok(selector) = common::label_selector(sel) {
        check_selector_matches_template(e, &selector, &spec, &tp, false);
    }
    if let Some(s) = sel.filter(|s| s.is_object()) {
        let n = s
            .get("matchLabels")
            .and_then(Value::as_object)
            .map(|m| m.len())
            .unwrap_or(0)
            + s.get("matchExpressions")
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or(0);
        if n == 0 {
            e.invalid(
                &sp.child("selector"),
                &render_selector(Some(s)),
                "empty selector is invalid for daemonset",
            );
        }
    }
    let empty = Value::Object(Default::default());
    let tmpl = field::object(e, &spec, "template", &sp).unwrap_or(&empty);
    pod::validate_pod_template(e, tmpl, &tp, TEMPLATE_OPTS);
    let rp = template_spec_field(&spec, "restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    if rp != "Always" {
        e.not_supported(
            &tp.child("spec").child("restartPolicy"),
            &q(rp),
            &["Always"],
        );
    }
    if template_spec_field(&spec, "activeDeadlineSeconds").is_some() {
        e.forbidden(
            &tp.child("spec").child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in DaemonSet is not Supported",
        );
    }
    nonneg_field(e, &spec, "minReadySeconds", &sp);
    nonneg_field(e, &spec, "templateGeneration", &sp);
    let up = sp.child("updateStrategy");
    let strategy = field::object(e, &spec, "updateStrategy", &sp).unwrap_or(&empty);
    match field::string_or_empty(e, strategy, "type", &up) {
        "OnDelete" => {}
        "RollingUpdate" => match field::object(e, strategy, "rollingUpdate", &up) {
            None => e.required(&up.child("rollingUpdate"), ""),
            Some(ru) => {
                let rp = up.child("rollingUpdate");
                let zero = Value::from(0);
                let mu = raw(ru, "maxUnavailable").unwrap_or(&zero);
                let ms = raw(ru, "maxSurge").unwrap_or(&zero);
                common::validate_positive_int_or_percent(e, mu, &rp.child("maxUnavailable"));
                common::validate_positive_int_or_percent(e, ms, &rp.child("maxSurge"));
                common::validate_not_more_than_100_percent(e, mu, &rp.child("maxUnavailable"));
                common::validate_not_more_than_100_percent(e, ms, &rp.child("maxSurge"));
                let has_u = common::int_or_percent_value(mu).unwrap_or(0) != 0;
                let has_s = common::int_or_percent_value(ms).unwrap_or(0) != 0;
                if has_u && has_s {
                    e.invalid(
                        &rp.child("maxSurge"),
                        &render_int_or_string(ms),
                        "may not be set when maxUnavailable is non-zero",
                    );
                } else if !has_u && !has_s {
                    e.required(
                        &rp.child("maxUnavailable"),
                        "cannot be 0 when maxSurge is 0",
                    );
                }
            }
        },
        other => e.not_supported(
            &up,
            &format!("apps.DaemonSetUpdateStrategy{{Type:{}}}", q(other)),
            &["RollingUpdate", "OnDelete"],
        ),
    }
    nonneg_field(e, &spec, "revisionHistoryLimit", &sp);
}

// ---- Job -------------------------------------------------------------------------------------

/// Adds the selector and pod labels Kubernetes generates for a Job (unless `manualSelector`).
pub(crate) fn generate_job_selector(job: &mut Value) {
    let manual = job
        .get("spec")
        .and_then(|s| s.get("manualSelector"))
        .and_then(Value::as_bool)
        == Some(true);
    let Some(uid) = job
        .get("metadata")
        .and_then(|m| m.get("uid"))
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    if manual || uid.is_empty() {
        return;
    }
    let name = job
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(spec) = job.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let tmpl = spec
        .entry("template")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(tmpl) = tmpl.as_object_mut() else {
        return;
    };
    let meta = tmpl
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(meta) = meta.as_object_mut() else {
        return;
    };
    let labels = meta
        .entry("labels")
        .or_insert_with(|| Value::Object(Default::default()));
    if labels.is_null() {
        *labels = Value::Object(Default::default());
    }
    if let Some(labels) = labels.as_object_mut() {
        for key in [
            "batch.kubernetes.io/controller-uid",
            "batch.kubernetes.io/job-name",
            "controller-uid",
            "job-name",
        ] {
            let value = if key.ends_with("uid") { &uid } else { &name };
            labels
                .entry(key)
                .or_insert_with(|| Value::String(value.clone()));
        }
    }
    let selector = spec
        .entry("selector")
        .or_insert_with(|| Value::Object(Default::default()));
    if selector.is_null() {
        *selector = Value::Object(Default::default());
    }
    if let Some(sel) = selector.as_object_mut() {
        let ml = sel
            .entry("matchLabels")
            .or_insert_with(|| Value::Object(Default::default()));
        if ml.is_null() {
            *ml = Value::Object(Default::default());
        }
        if let Some(ml) = ml.as_object_mut() {
            ml.entry("batch.kubernetes.io/controller-uid")
                .or_insert_with(|| Value::String(uid.clone()));
        }
    }
}

fn validate_job_spec_common(e: &mut Errs, spec: &Value, sp: &Path) {
    for key in [
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
    ] {
        nonneg_field(e, spec, key, sp);
    }
    let completions = field::i(spec, "completions");
    let parallelism = field::i(spec, "parallelism");
    if let Some(mfi) = field::int(e, spec, "maxFailedIndexes", sp) {
        nonnegative(e, &sp.child("maxFailedIndexes"), Some(mfi));
        if raw(spec, "backoffLimitPerIndex").is_none() {
            e.required(
                &sp.child("backoffLimitPerIndex"),
                "when maxFailedIndexes is specified",
            );
        }
    }
    if let Some(mb) = field::string(e, spec, "managedBy", sp) {
        let mp = sp.child("managedBy");
        let segments: Vec<&str> = mb.splitn(2, '/').collect();
        if segments.len() != 2 || segments[0].is_empty() || segments[1].is_empty() {
            e.invalid_str(
                &mp,
                mb,
                "must be a domain-prefixed path (such as \"acme.io/foo\")",
            );
        } else {
            for msg in names::dns1123_subdomain_errors(segments[0]) {
                e.invalid_str(&mp, segments[0], &msg);
            }
        }
        if mb.len() > 63 {
            e.list.push(super::Cause {
                reason: super::field::TOO_LONG,
                message: "Too long: may not be more than 63 bytes".to_string(),
                field: mp.as_str().to_string(),
            });
        }
    }
    let mode = field::string(e, spec, "completionMode", sp);
    if let Some(mode) = mode {
        if !matches!(mode, "NonIndexed" | "Indexed") {
            e.not_supported(
                &sp.child("completionMode"),
                &q(mode),
                &["NonIndexed", "Indexed"],
            );
        }
        if mode == "Indexed" {
            if completions.is_none() {
                e.required(&sp.child("completions"), "when completion mode is Indexed");
            }
            if let Some(p) = parallelism.filter(|p| *p > 100_000) {
                e.invalid(
                    &sp.child("parallelism"),
                    &p.to_string(),
                    "must be less than or equal to 100000 when completion mode is Indexed",
                );
            }
        }
    }
    if mode.is_none_or(|m| m == "NonIndexed") {
        for key in ["backoffLimitPerIndex", "maxFailedIndexes"] {
            if let Some(v) = field::i(spec, key) {
                e.invalid(
                    &sp.child(key),
                    &v.to_string(),
                    "requires indexed completion mode",
                );
            }
        }
    }
    let has_failure_policy = raw(spec, "podFailurePolicy").is_some();
    if let Some(prp) = field::string(e, spec, "podReplacementPolicy", sp) {
        if has_failure_policy {
            if prp != "Failed" {
                e.not_supported(&sp.child("podReplacementPolicy"), &q(prp), &["Failed"]);
            }
        } else if !matches!(prp, "Failed" | "TerminatingOrFailed") {
            e.not_supported(
                &sp.child("podReplacementPolicy"),
                &q(prp),
                &["Failed", "TerminatingOrFailed"],
            );
        }
    }
    let tp = sp.child("template");
    let empty = Value::Object(Default::default());
    let tmpl = field::object(e, spec, "template", sp).unwrap_or(&empty);
    pod::validate_pod_template(
        e,
        tmpl,
        &tp,
        PodOpts {
            is_pod: false,
            restart_policy_optional: true,
        },
    );
    let rp = template_spec_field(spec, "restartPolicy")
        .and_then(Value::as_str)
        .unwrap_or("");
    let rpp = tp.child("spec").child("restartPolicy");
    if rp == "Always" || rp.is_empty() {
        e.required(&rpp, "valid values: \"OnFailure\", \"Never\"");
    } else if !matches!(rp, "OnFailure" | "Never") {
        e.not_supported(&rpp, &q(rp), &["OnFailure", "Never"]);
    } else if has_failure_policy && rp != "Never" {
        e.invalid_str(
            &rpp,
            rp,
            "only \"Never\" is supported when podFailurePolicy is specified",
        );
    }
}

/// `ValidateJob` on a Job whose generated selector (if any) has been applied.
pub(crate) fn validate_job(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let manual = spec.get("manualSelector").and_then(Value::as_bool) == Some(true);
    let uid = obj
        .get("metadata")
        .and_then(|m| field::s(m, "uid"))
        .unwrap_or("");
    let name = obj
        .get("metadata")
        .and_then(|m| field::s(m, "name"))
        .unwrap_or("");
    let selector = raw(&spec, "selector");
    // Generated-selector checks run only when a uid exists to generate from.
    if !manual && selector.is_some() && !uid.is_empty() {
        let mp = sp.child("template").child("metadata");
        let labels = pod::template_labels(raw(&spec, "template")).unwrap_or_default();
        for (key, want) in [
            ("controller-uid", uid),
            ("job-name", name),
            ("batch.kubernetes.io/controller-uid", uid),
            ("batch.kubernetes.io/job-name", name),
        ] {
            match labels.iter().find(|(k, _)| k == key) {
                None => e.required(&mp.child("labels").key(key), &format!("must be '{want}'")),
                Some((_, v)) if v != want => e.invalid(
                    &mp.child("labels").key(key),
                    &field::gomap(Some(&labels)),
                    &format!("must be '{want}'"),
                ),
                _ => {}
            }
        }
        let expected: Vec<(String, String)> = [
            ("batch.kubernetes.io/controller-uid", uid),
            ("batch.kubernetes.io/job-name", name),
            ("controller-uid", uid),
            ("job-name", name),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if let Ok(sel) = common::label_selector(selector) {
            if !sel.matches(&expected) {
                e.invalid(
                    &sp.child("selector"),
                    &render_selector(selector),
                    "`selector` not auto-generated",
                );
            }
        }
    }
    validate_job_spec_common(e, &spec, &sp);
    match selector {
        None => {
            if manual || !uid.is_empty() {
                e.required(&sp.child("selector"), "");
            }
        }
        Some(s) => common::validate_label_selector(e, s, &sp.child("selector")),
    }
    if selector.is_some() || manual || !uid.is_empty() {
        if let Ok(sel) = common::label_selector(selector) {
            check_selector_matches_template(e, &sel, &spec, &sp.child("template"), false);
        }
    }
    let indexed = field::s(&spec, "completionMode") == Some("Indexed");
    if let (true, Some(c)) = (indexed, field::i(&spec, "completions").filter(|c| *c > 0)) {
        let host = format!("{name}-{}", c - 1);
        if !names::is_dns1123_label(&host) {
            e.invalid_str(
                &Path::new("metadata").child("name"),
                name,
                &format!("will not able to create pod with invalid DNS label: {host}"),
            );
        }
    }
}

pub(crate) fn validate_job_update(e: &mut Errs, new: &Value, old: &Value) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let ns = new.get("spec").unwrap_or(&empty);
    let os = old.get("spec").unwrap_or(&empty);
    let completions_changed = raw(ns, "completions") != raw(os, "completions");
    let indexed = field::s(ns, "completionMode") == Some("Indexed");
    if completions_changed {
        if indexed && raw(ns, "completions").is_some() {
            if field::i(ns, "completions") != field::i(ns, "parallelism") {
                e.invalid(
                    &sp.child("completions"),
                    &field::render_json(&ns["completions"]),
                    "can only be modified in tandem with spec.parallelism",
                );
            }
        } else if !indexed {
            e.immutable(
                &sp.child("completions"),
                &field::render_json(raw(ns, "completions").unwrap_or(&Value::Null)),
            );
        }
    }
    if !selectors_equal(raw(ns, "selector"), raw(os, "selector")) {
        e.immutable(&sp.child("selector"), &render_selector(raw(ns, "selector")));
    }
    let mut old_tmpl = os.get("template").cloned().unwrap_or(Value::Null);
    let new_tmpl = ns.get("template").cloned().unwrap_or(Value::Null);
    let suspended = os.get("suspend").and_then(Value::as_bool) == Some(true)
        && old.get("status").and_then(|s| s.get("startTime")).is_none();
    if suspended {
        // Scheduling directives of a suspended, never-started Job may change.
        if let (Some(o), Some(n)) = (old_tmpl.as_object_mut(), new_tmpl.as_object()) {
            for (outer, keys) in [
                ("metadata", &["labels", "annotations"][..]),
                (
                    "spec",
                    &["nodeSelector", "tolerations", "schedulingGates", "affinity"][..],
                ),
            ] {
                let nsec = n
                    .get(outer)
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                let osec = o
                    .entry(outer)
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(osec) = osec.as_object_mut() {
                    for k in keys {
                        match nsec.get(*k) {
                            Some(v) => osec.insert(k.to_string(), v.clone()),
                            None => osec.remove(*k),
                        };
                    }
                }
            }
        }
    }
    if new_tmpl != old_tmpl {
        e.immutable(&sp.child("template"), &render_template(&new_tmpl));
    }
    for key in [
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
        "managedBy",
        "successPolicy",
    ] {
        if raw(ns, key) != raw(os, key) {
            e.immutable(
                &sp.child(key),
                &field::render_json(raw(ns, key).unwrap_or(&Value::Null)),
            );
        }
    }
}

fn render_template(t: &Value) -> String {
    format!("core.PodTemplateSpec{}", t)
}

// ---- CronJob ---------------------------------------------------------------------------------

pub(crate) fn validate_cron_job(e: &mut Errs, obj: &Value, old: Option<&Value>) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let schedule = field::string_or_empty(e, &spec, "schedule", &sp);
    let time_zone = field::string(e, &spec, "timeZone", &sp);
    let old_spec = old.and_then(|o| o.get("spec"));
    if schedule.is_empty() {
        e.required(&sp.child("schedule"), "");
    } else {
        if let Err(msg) = parse_cron(schedule) {
            e.invalid_str(&sp.child("schedule"), schedule, &msg);
        }
        let allow_tz = old_spec
            .and_then(|s| field::s(s, "schedule"))
            .is_some_and(|s| s.contains("TZ"));
        if allow_tz && schedule.contains("TZ") && time_zone.is_some() {
            e.invalid_str(
                &sp.child("schedule"),
                schedule,
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            );
        } else if !allow_tz && schedule.contains("TZ") {
            e.invalid_str(
                &sp.child("schedule"),
                schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            );
        }
    }
    nonneg_field(e, &spec, "startingDeadlineSeconds", &sp);
    let old_tz = old_spec.and_then(|s| field::s(s, "timeZone"));
    if old.is_none() || old_tz != time_zone {
        if let Some(tz) = time_zone {
            validate_time_zone(e, tz, &sp.child("timeZone"));
        }
    }
    match field::string_or_empty(e, &spec, "concurrencyPolicy", &sp) {
        "Allow" | "Forbid" | "Replace" => {}
        "" => e.required(&sp.child("concurrencyPolicy"), ""),
        other => e.not_supported(
            &sp.child("concurrencyPolicy"),
            &q(other),
            &["Allow", "Forbid", "Replace"],
        ),
    }
    let jp = sp.child("jobTemplate");
    let empty = Value::Object(Default::default());
    let jt = field::object(e, &spec, "jobTemplate", &sp).unwrap_or(&empty);
    let jspec = field::object(e, jt, "spec", &jp).unwrap_or(&empty);
    validate_job_spec_common(e, jspec, &jp.child("spec"));
    if let Some(sel) = raw(jspec, "selector") {
        e.invalid(
            &jp.child("spec").child("selector"),
            &render_selector(Some(sel)),
            "`selector` will be auto-generated",
        );
    }
    if jspec.get("manualSelector").and_then(Value::as_bool) == Some(true) {
        e.not_supported(
            &jp.child("spec").child("manualSelector"),
            "true",
            &["nil", "false"],
        );
    }
    for key in ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] {
        nonneg_field(e, &spec, key, &sp);
    }
    if old.is_none() {
        let name = obj
            .get("metadata")
            .and_then(|m| field::s(m, "name"))
            .unwrap_or("");
        if name.len() > 52 {
            e.invalid_str(
                &Path::new("metadata").child("name"),
                name,
                "must be no more than 52 characters",
            );
        }
    }
}

fn validate_time_zone(e: &mut Errs, tz: &str, p: &Path) {
    if tz.is_empty() {
        e.invalid_str(p, tz, "timeZone must be nil or non-empty string");
        return;
    }
    for part in tz.split('/') {
        let ok = !part.is_empty()
            && part.len() <= 14
            && part != "."
            && part != ".."
            && !part.starts_with('-')
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
        if !ok {
            e.invalid_str(p, tz, &format!("unknown time zone {tz}"));
            return;
        }
    }
    if tz.eq_ignore_ascii_case("local") {
        e.invalid_str(
            p,
            tz,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        );
    }
}

/// A standard 5-field cron schedule (or `@hourly`-style descriptor), as the Go cron parser
/// reads it; `Err` carries its message.
pub(crate) fn parse_cron(spec: &str) -> Result<(), String> {
    let mut spec = spec.trim();
    if spec.is_empty() {
        return Err("empty spec string".to_string());
    }
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        match spec.find(' ') {
            Some(i) => spec = spec[i..].trim(),
            None => return Err("missing spec after timezone".to_string()),
        }
    }
    if let Some(desc) = spec.strip_prefix('@') {
        return match desc {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => {
                Ok(())
            }
            d if d.starts_with("every ") => {
                let dur = d["every ".len()..].trim();
                if go_duration_ok(dur) {
                    Ok(())
                } else {
                    Err(format!(
                        "failed to parse duration {spec}: time: invalid duration {}",
                        q(dur)
                    ))
                }
            }
            _ => Err(format!("unrecognized descriptor: {spec}")),
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let bounds: [(u64, u64, &[&str], u64); 5] = [
        (0, 59, &[], 0),
        (0, 23, &[], 0),
        (1, 31, &[], 0),
        (1, 12, MONTHS, 1),
        (0, 6, DAYS, 0),
    ];
    for (field, (min, max, names, offset)) in fields.iter().zip(bounds) {
        for expr in field.split(',') {
            cron_range(expr, min, max, names, offset)?;
        }
    }
    Ok(())
}

fn cron_int(expr: &str, names: &[&str], offset: u64) -> Result<u64, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(expr)) {
        return Ok(i as u64 + offset);
    }
    let parsed: Result<i64, _> = if !expr.is_empty()
        && expr
            .trim_start_matches(['+', '-'])
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        expr.parse::<i64>().map_err(|_| "value out of range")
    } else {
        Err("invalid syntax")
    };
    match parsed {
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        Ok(n) => Ok(n as u64),
        Err(why) => Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {}: {why}",
            q(expr)
        )),
    }
}

fn cron_range(expr: &str, min: u64, max: u64, names: &[&str], offset: u64) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        (min, max)
    } else {
        let start = cron_int(low_high[0], names, offset)?;
        let end = match low_high.len() {
            1 => start,
            2 => cron_int(low_high[1], names, offset)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = cron_int(range_and_step[1], &[], 0)?;
            if single {
                end = max;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({min}): {expr}"
        ));
    }
    if end > max {
        return Err(format!(
            "end of range ({end}) above maximum ({max}): {expr}"
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

fn go_duration_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    if s == "0" {
        return true;
    }
    if s.is_empty() {
        return false;
    }
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if num_len == 0 || rest[..num_len].bytes().all(|b| b == b'.') {
            return false;
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| !b.is_ascii_digit() && *b != b'.')
            .count();
        let unit = &rest[..unit_len];
        if !matches!(unit, "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h") {
            return false;
        }
        rest = &rest[unit_len..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_schedules() {
        assert!(parse_cron("*/5 * * * *").is_ok());
        assert!(parse_cron("0 0 * * MON-FRI").is_ok());
        assert!(parse_cron("0 12 1 jan,jul *").is_ok());
        assert!(parse_cron("@hourly").is_ok());
        assert!(parse_cron("@every 1h30m").is_ok());
        assert_eq!(
            parse_cron("* * *").unwrap_err(),
            "expected exactly 5 fields, found 3: [* * *]"
        );
        assert_eq!(
            parse_cron("60 * * * *").unwrap_err(),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            parse_cron("x * * * *").unwrap_err(),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse_cron("@often").unwrap_err(),
            "unrecognized descriptor: @often"
        );
        assert_eq!(
            parse_cron("5-1 * * * *").unwrap_err(),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(
            parse_cron("*/0 * * * *").unwrap_err(),
            "step of range should be a positive number: */0"
        );
        assert_eq!(
            parse_cron("0 0 0 * *").unwrap_err(),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(parse_cron("").unwrap_err(), "empty spec string");
    }
}

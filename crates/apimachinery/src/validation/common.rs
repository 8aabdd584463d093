//! Checks shared by many kinds: object metadata, labels and annotations, label selectors,
//! int-or-percent values and resource quantities.

use serde_json::Value;

use super::field::{self, gomap, q, raw, render_json, Errs, Path};
use super::names::{self, NameRule};
use super::quantity;

pub(crate) const NEGATIVE: &str = "must be greater than or equal to 0";
const TOTAL_ANNOTATION_SIZE: usize = 256 * 1024;

pub(crate) fn nonnegative(e: &mut Errs, p: &Path, v: Option<i64>) {
    if let Some(n) = v {
        if n < 0 {
            e.invalid(p, &n.to_string(), NEGATIVE);
        }
    }
}

/// `ValidateNonnegativeField` on an integer field `parent[key]`.
pub(crate) fn nonneg_field(e: &mut Errs, parent: &Value, key: &str, p: &Path) {
    let v = field::int(e, parent, key, p);
    nonnegative(e, &p.child(key), v);
}

pub(crate) fn validate_labels(e: &mut Errs, labels: &[(String, String)], p: &Path) {
    for (k, v) in labels {
        for msg in names::qualified_name_errors(k) {
            e.invalid_str(p, k, &msg);
        }
        for msg in names::label_value_errors(v) {
            e.invalid_str(p, v, &msg);
        }
    }
}

/// A qualified-name check reported at `p`.
pub(crate) fn validate_qualified_name(e: &mut Errs, s: &str, p: &Path) {
    for msg in names::qualified_name_errors(s) {
        e.invalid_str(p, s, &msg);
    }
}

pub(crate) fn validate_dns_label(e: &mut Errs, s: &str, p: &Path) {
    for msg in names::dns1123_label_errors(s) {
        e.invalid_str(p, s, &msg);
    }
}

pub(crate) fn validate_dns_subdomain(e: &mut Errs, s: &str, p: &Path) {
    for msg in names::dns1123_subdomain_errors(s) {
        e.invalid_str(p, s, &msg);
    }
}

pub(crate) fn validate_annotations(e: &mut Errs, annotations: &[(String, String)], p: &Path) {
    let mut total = 0usize;
    for (k, v) in annotations {
        for msg in names::qualified_name_errors(&k.to_lowercase()) {
            e.invalid_str(p, k, &msg);
        }
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE {
        e.too_long(p, TOTAL_ANNOTATION_SIZE);
    }
}

/// The labels and annotations of an object's (or template's) metadata, type-checked.
pub(crate) struct MetaMaps {
    pub(crate) labels: Option<Vec<(String, String)>>,
    pub(crate) annotations: Option<Vec<(String, String)>>,
}

pub(crate) fn meta_maps(e: &mut Errs, meta: Option<&Value>, meta_path: &Path) -> MetaMaps {
    match meta {
        Some(m) => MetaMaps {
            labels: field::string_map(e, m, "labels", meta_path),
            annotations: field::string_map(e, m, "annotations", meta_path),
        },
        None => MetaMaps {
            labels: None,
            annotations: None,
        },
    }
}

/// The object's `metadata`, reporting a non-object one.
pub(crate) fn metadata<'a>(e: &mut Errs, obj: &'a Value) -> Option<&'a Value> {
    field::object(e, obj, "metadata", &Path::new(""))
}

/// `ValidateObjectMeta` for a create: name (or generateName), generation, labels,
/// annotations, owner references and finalizers.
pub(crate) fn validate_object_meta(
    e: &mut Errs,
    obj: &Value,
    rule: NameRule,
    kube_finalizers: bool,
) {
    let mp = Path::new("metadata");
    let empty = Value::Object(Default::default());
    let meta = metadata(e, obj).unwrap_or(&empty);
    let generate_name = field::string_or_empty(e, meta, "generateName", &mp);
    let name = field::string_or_empty(e, meta, "name", &mp);
    if !generate_name.is_empty() {
        for msg in names::name_errors(rule, generate_name, true) {
            e.invalid_str(&mp.child("generateName"), generate_name, &msg);
        }
    }
    if name.is_empty() {
        if generate_name.is_empty() {
            e.required(&mp.child("name"), "name or generateName is required");
        }
    } else {
        for msg in names::name_errors(rule, name, false) {
            e.invalid_str(&mp.child("name"), name, &msg);
        }
    }
    validate_meta_common(e, meta, &mp, kube_finalizers);
}

/// The metadata checks shared by create and update.
fn validate_meta_common(e: &mut Errs, meta: &Value, mp: &Path, kube_finalizers: bool) {
    nonneg_field(e, meta, "generation", mp);
    let maps = meta_maps(e, Some(meta), mp);
    if let Some(labels) = &maps.labels {
        validate_labels(e, labels, &mp.child("labels"));
    }
    if let Some(annotations) = &maps.annotations {
        validate_annotations(e, annotations, &mp.child("annotations"));
    }
    let op = mp.child("ownerReferences");
    let mut first_controller: Option<String> = None;
    for (_, r) in field::object_items(e, meta, "ownerReferences", mp) {
        let api_version = field::string_or_empty(e, r, "apiVersion", &op);
        let kind = field::string_or_empty(e, r, "kind", &op);
        let name = field::string_or_empty(e, r, "name", &op);
        let uid = field::string_or_empty(e, r, "uid", &op);
        let version = match api_version.matches('/').count() {
            0 => api_version,
            1 => api_version.split_once('/').map(|(_, v)| v).unwrap_or(""),
            _ => "",
        };
        if version.is_empty() {
            e.invalid_str(
                &op.child("apiVersion"),
                api_version,
                "version must not be empty",
            );
        }
        if kind.is_empty() {
            e.invalid_str(&op.child("kind"), kind, "must not be empty");
        }
        if name.is_empty() {
            e.invalid_str(&op.child("name"), name, "must not be empty");
        }
        if uid.is_empty() {
            e.invalid_str(&op.child("uid"), uid, "must not be empty");
        }
        if api_version == "v1" && kind == "Event" {
            e.invalid(
                &op,
                &render_json(r),
                "/v1, Kind=Event is disallowed from being an owner",
            );
        }
        if field::boolean(e, r, "controller", &op) == Some(true) {
            let current = format!("{kind}/{name}");
            match &first_controller {
                Some(first) => e.invalid(
                    &op,
                    &render_json(raw(meta, "ownerReferences").unwrap_or(&Value::Null)),
                    &format!(
                        "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"
                    ),
                ),
                None => first_controller = Some(current),
            }
        }
    }
    let fp = mp.child("finalizers");
    if let Some(finalizers) = field::string_items(e, meta, "finalizers", mp) {
        let mut orphan = false;
        let mut foreground = false;
        for (_, f) in &finalizers {
            for msg in names::qualified_name_errors(f) {
                e.invalid_str(&fp, f, &msg);
            }
            orphan |= *f == "orphan";
            foreground |= *f == "foregroundDeletion";
        }
        if orphan && foreground {
            let all: Vec<String> = finalizers.iter().map(|(_, f)| f.to_string()).collect();
            e.invalid(
                &fp,
                &field::goslice(Some(&all)),
                "finalizer orphan and foregroundDeletion cannot be both set",
            );
        }
        if kube_finalizers {
            for (i, f) in &finalizers {
                if !f.contains('/') && !matches!(*f, "kubernetes" | "orphan" | "foregroundDeletion")
                {
                    e.invalid_str(
                        &fp.index(*i),
                        f,
                        "name is neither a standard finalizer name nor is it fully qualified",
                    );
                }
            }
        }
    }
}

/// `ValidateObjectMetaUpdate`: identity fields are immutable, then the common checks.
pub(crate) fn validate_object_meta_update(
    e: &mut Errs,
    new: &Value,
    old: &Value,
    kube_finalizers: bool,
) {
    let mp = Path::new("metadata");
    let empty = Value::Object(Default::default());
    let meta = metadata(e, new).unwrap_or(&empty);
    let old_meta = old
        .get("metadata")
        .filter(|m| m.is_object())
        .unwrap_or(&empty);
    if field::s(old_meta, "deletionTimestamp").is_some() {
        let old_f: Vec<&str> = old_meta
            .get("finalizers")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut extra: Vec<String> = meta
            .get("finalizers")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .filter(|f| !old_f.contains(f))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        extra.sort();
        extra.dedup();
        if !extra.is_empty() {
            e.forbidden(
                &mp.child("finalizers"),
                &format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers {}",
                    field::goslice(Some(&extra))
                ),
            );
        }
    }
    for key in ["name", "namespace"] {
        let new_v = field::string_or_empty(e, meta, key, &mp);
        let old_v = field::s(old_meta, key).unwrap_or("");
        // An omitted namespace is the request's (filled in by the server).
        if new_v != old_v && !(key == "namespace" && new_v.is_empty()) {
            e.immutable(&mp.child(key), &q(new_v));
        }
    }
    let new_uid = field::string_or_empty(e, meta, "uid", &mp);
    let old_uid = field::s(old_meta, "uid").unwrap_or("");
    if !new_uid.is_empty() && new_uid != old_uid {
        e.immutable(&mp.child("uid"), &q(new_uid));
    }
    if let Some(new_ts) = field::string(e, meta, "creationTimestamp", &mp) {
        let old_ts = field::s(old_meta, "creationTimestamp").unwrap_or("");
        if !same_time(new_ts, old_ts) {
            e.immutable(&mp.child("creationTimestamp"), &go_time(new_ts));
        }
    }
    validate_meta_common(e, meta, &mp, kube_finalizers);
}

fn same_time(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(x), Ok(y)) => x.timestamp() == y.timestamp(),
        _ => false,
    }
}

/// A timestamp as Go's `time.Time.String()` prints it.
pub(crate) fn go_time(s: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%d %H:%M:%S +0000 UTC")
            .to_string(),
        Err(_) => q(s),
    }
}

// ---- label selectors -------------------------------------------------------------------------

/// One requirement of a selector.
#[derive(Debug, Clone)]
pub(crate) struct Requirement {
    key: String,
    op: String,
    values: Vec<String>,
}

/// A label selector as evaluated by `LabelSelectorAsSelector`.
#[derive(Debug, Clone)]
pub(crate) enum Selector {
    /// A nil selector: matches nothing.
    Nothing,
    /// An empty selector: matches everything.
    Everything,
    Reqs(Vec<Requirement>),
}

impl Selector {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Selector::Everything)
    }

    pub(crate) fn matches(&self, labels: &[(String, String)]) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Everything => true,
            Selector::Reqs(reqs) => reqs.iter().all(|r| {
                let v = labels
                    .iter()
                    .find(|(k, _)| *k == r.key)
                    .map(|(_, v)| v.as_str());
                match r.op.as_str() {
                    "In" => v.is_some_and(|v| r.values.iter().any(|x| x == v)),
                    "NotIn" => v.is_none_or(|v| !r.values.iter().any(|x| x == v)),
                    "Exists" => v.is_some(),
                    "DoesNotExist" => v.is_none(),
                    _ => false,
                }
            }),
        }
    }
}

/// Converts a `metav1.LabelSelector`; `Err` when it cannot be (bad operator, values, keys).
pub(crate) fn label_selector(sel: Option<&Value>) -> Result<Selector, ()> {
    let Some(sel) = sel else {
        return Ok(Selector::Nothing);
    };
    let Some(obj) = sel.as_object() else {
        return Err(());
    };
    let mut reqs = Vec::new();
    if let Some(ml) = obj.get("matchLabels").filter(|v| !v.is_null()) {
        let m = ml.as_object().ok_or(())?;
        for (k, v) in m {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                _ => return Err(()),
            };
            if !names::is_qualified_name(k) || !names::is_valid_label_value(&v) {
                return Err(());
            }
            reqs.push(Requirement {
                key: k.clone(),
                op: "In".into(),
                values: vec![v],
            });
        }
    }
    if let Some(exprs) = obj.get("matchExpressions").filter(|v| !v.is_null()) {
        for expr in exprs.as_array().ok_or(())? {
            let key = expr
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let op = expr
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let values: Vec<String> = match expr.get("values").filter(|v| !v.is_null()) {
                None => Vec::new(),
                Some(v) => v
                    .as_array()
                    .ok_or(())?
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).ok_or(()))
                    .collect::<Result<_, _>>()?,
            };
            if !names::is_qualified_name(&key) {
                return Err(());
            }
            match op.as_str() {
                "In" | "NotIn" if values.is_empty() => return Err(()),
                "Exists" | "DoesNotExist" if !values.is_empty() => return Err(()),
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                _ => return Err(()),
            }
            if values.iter().any(|v| !names::is_valid_label_value(v)) {
                return Err(());
            }
            reqs.push(Requirement { key, op, values });
        }
    }
    if reqs.is_empty() {
        Ok(Selector::Everything)
    } else {
        Ok(Selector::Reqs(reqs))
    }
}

/// `ValidateLabelSelector` (strict: values must be valid label values).
pub(crate) fn validate_label_selector(e: &mut Errs, sel: &Value, p: &Path) {
    if !sel.is_object() {
        e.type_invalid(p, sel, "an object");
        return;
    }
    if let Some(ml) = field::string_map(e, sel, "matchLabels", p) {
        validate_labels(e, &ml, &p.child("matchLabels"));
    }
    let ep = p.child("matchExpressions");
    for (i, expr) in field::object_items(e, sel, "matchExpressions", p) {
        let rp = ep.index(i);
        let op = field::string_or_empty(e, expr, "operator", &rp);
        let key = field::string_or_empty(e, expr, "key", &rp);
        let values = field::string_items(e, expr, "values", &rp).unwrap_or_default();
        match op {
            "In" | "NotIn" => {
                if values.is_empty() {
                    e.required(
                        &rp.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    e.forbidden(
                        &rp.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            other => e.invalid_str(
                &rp.child("operator"),
                other,
                "not a valid selector operator",
            ),
        }
        validate_qualified_name(e, key, &rp.child("key"));
        for (vi, v) in &values {
            for msg in names::label_value_errors(v) {
                e.invalid_str(&rp.child("values").index(*vi), v, &msg);
            }
        }
    }
}

/// A label selector as Go prints `metav1.LabelSelector` with `%#v`; `null` for nil.
pub(crate) fn render_selector(sel: Option<&Value>) -> String {
    let Some(sel) = sel.filter(|s| s.is_object()) else {
        return "null".to_string();
    };
    let labels = raw(sel, "matchLabels").and_then(Value::as_object).map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect::<Vec<_>>()
    });
    let exprs = match raw(sel, "matchExpressions").and_then(Value::as_array) {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|x| {
                    let values = raw(x, "values").and_then(Value::as_array).map(|a| {
                        a.iter()
                            .map(|v| v.as_str().unwrap_or("").to_string())
                            .collect::<Vec<_>>()
                    });
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        q(field::s(x, "key").unwrap_or("")),
                        q(field::s(x, "operator").unwrap_or("")),
                        field::goslice(values.as_deref())
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", parts.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        gomap(labels.as_deref()),
        exprs
    )
}

// ---- int-or-string ---------------------------------------------------------------------------

/// The integer or percentage value of an IntOrString (`25%` → 25); None when malformed.
pub(crate) fn int_or_percent_value(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => {
            if names::percent_errors(s).is_empty() {
                s[..s.len() - 1].parse().ok()
            } else {
                s.parse().ok()
            }
        }
        other => field::as_int(other),
    }
}

/// `ValidatePositiveIntOrPercent`.
pub(crate) fn validate_positive_int_or_percent(e: &mut Errs, v: &Value, p: &Path) {
    match v {
        Value::String(s) => {
            for msg in names::percent_errors(s) {
                e.invalid(p, s, &msg);
            }
        }
        other => match field::as_int(other) {
            Some(n) if n < 0 => e.invalid(p, &n.to_string(), NEGATIVE),
            Some(_) => {}
            None => e.type_invalid(p, other, "an integer or a string"),
        },
    }
}

/// `IsNotMoreThan100Percent`.
pub(crate) fn validate_not_more_than_100_percent(e: &mut Errs, v: &Value, p: &Path) {
    if let Value::String(s) = v {
        if names::percent_errors(s).is_empty()
            && s[..s.len() - 1].parse::<u64>().is_ok_and(|n| n > 100)
        {
            e.invalid(p, s, "must not be greater than 100%");
        }
    }
}

// ---- quantities ------------------------------------------------------------------------------

/// A quantity field's text (JSON strings, or numbers as written).
pub(crate) fn quantity_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses a quantity field, reporting values that are not quantities.
pub(crate) fn parse_quantity_field(
    e: &mut Errs,
    v: &Value,
    p: &Path,
) -> Option<quantity::Quantity> {
    match quantity_text(v) {
        None => {
            e.type_invalid(p, v, "a quantity string");
            None
        }
        Some(text) => match quantity::parse(&text) {
            Ok(qty) => Some(qty),
            Err(msg) => {
                e.invalid_str(p, &text, msg);
                None
            }
        },
    }
}

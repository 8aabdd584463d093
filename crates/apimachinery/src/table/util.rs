//! Type-tolerant JSON accessors and the formatting helpers shared by the printers.
//!
//! Every accessor treats a missing field and a field of the wrong JSON type alike (as absent),
//! so printers can be written against the happy path without ever panicking.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::{Map, Value};

use super::human_duration;

/// The value at `path` (a chain of object keys), if every step is an object holding the key.
pub(super) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(v, |cur, key| cur.as_object()?.get(*key))
}

/// Whether `path` holds a non-null value (Go: a non-nil pointer after decoding).
pub(super) fn present(v: &Value, path: &[&str]) -> bool {
    at(v, path).is_some_and(|x| !x.is_null())
}

/// The string at `path`, if it is a string.
pub(super) fn opt_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path)?.as_str()
}

/// The string at `path`, or `""`.
pub(super) fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    opt_str(v, path).unwrap_or("")
}

/// A JSON number as an integer: integral floats are accepted, anything else is not.
pub(super) fn as_int(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    if let Some(u) = v.as_u64() {
        return Some(i64::try_from(u).unwrap_or(i64::MAX));
    }
    let f = v.as_f64()?;
    // `as` saturates, so out-of-range floats cannot panic.
    (f.is_finite() && f.fract() == 0.0).then_some(f as i64)
}

/// The integer at `path`, if it is one.
pub(super) fn opt_int(v: &Value, path: &[&str]) -> Option<i64> {
    as_int(at(v, path)?)
}

/// The integer at `path`, or 0.
pub(super) fn int_at(v: &Value, path: &[&str]) -> i64 {
    opt_int(v, path).unwrap_or(0)
}

/// The boolean at `path`, if it is one.
pub(super) fn opt_bool(v: &Value, path: &[&str]) -> Option<bool> {
    at(v, path)?.as_bool()
}

/// The boolean at `path`, or `false`.
pub(super) fn bool_at(v: &Value, path: &[&str]) -> bool {
    opt_bool(v, path).unwrap_or(false)
}

/// The array at `path`, or an empty slice.
pub(super) fn arr_at<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The object at `path`, if it is one.
pub(super) fn obj_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Map<String, Value>> {
    at(v, path)?.as_object()
}

/// Number of entries of the object at `path` (0 when absent).
pub(super) fn obj_len(v: &Value, path: &[&str]) -> i64 {
    obj_at(v, path).map_or(0, |m| m.len() as i64)
}

/// `metadata.name`.
pub(super) fn name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "name"])
}

/// A `metadata.annotations` entry.
pub(super) fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj_at(obj, &["metadata", "annotations"])?
        .get(key)?
        .as_str()
}

/// Whether `metadata.deletionTimestamp` is set.
pub(super) fn deleting(obj: &Value) -> bool {
    present(obj, &["metadata", "deletionTimestamp"])
}

/// Whether `t` is Go's zero time (0001-01-01T00:00:00Z), which Kubernetes treats as unset.
fn is_zero_time(t: &DateTime<Utc>) -> bool {
    t.year() == 1
        && t.ordinal() == 1
        && t.num_seconds_from_midnight() == 0
        && t.timestamp_subsec_nanos() == 0
}

/// Parses an RFC 3339 timestamp; unparsable and zero timestamps count as unset.
pub(super) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| !is_zero_time(t))
}

/// The timestamp at `path`, if set.
pub(super) fn time_at(v: &Value, path: &[&str]) -> Option<DateTime<Utc>> {
    parse_time(opt_str(v, path)?)
}

/// Elapsed time since `t` as a human duration, or `<unknown>` when unset.
pub(super) fn since(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match t {
        Some(t) => human_duration(now.signed_duration_since(t)),
        None => "<unknown>".to_string(),
    }
}

/// The AGE cell: time since `metadata.creationTimestamp`.
pub(super) fn age(obj: &Value, now: DateTime<Utc>) -> String {
    since(time_at(obj, &["metadata", "creationTimestamp"]), now)
}

/// The later of two optional timestamps.
pub(super) fn later(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// `"True"`/`"False"` for a set boolean, `<unset>` otherwise.
pub(super) fn bool_ptr(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    }
}

/// Formats a string map as sorted `k=v` pairs joined by commas, `<none>` when empty.
pub(super) fn format_labels(map: Option<&Map<String, Value>>) -> String {
    let mut pairs: Vec<String> = map
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    if pairs.is_empty() {
        return "<none>".to_string();
    }
    pairs.sort();
    pairs.join(",")
}

/// Comma-joined container names and images of the container list at `path`.
pub(super) fn containers(v: &Value, path: &[&str]) -> (String, String) {
    let list = arr_at(v, path);
    let names: Vec<&str> = list.iter().map(|c| str_at(c, &["name"])).collect();
    let images: Vec<&str> = list.iter().map(|c| str_at(c, &["image"])).collect();
    (names.join(","), images.join(","))
}

/// Joins up to `max` items with commas, adding `" + N more..."` for the rest; `<unset>` if empty.
pub(super) fn list_with_more(list: &[String], total: usize, max: usize) -> String {
    let ret = list.join(",");
    if total > max {
        return format!("{ret} + {} more...", total - max);
    }
    if ret.is_empty() {
        return "<unset>".to_string();
    }
    ret
}

/// Distinct load-balancer ingress points (IP, else hostname), sorted and comma-joined.
pub(super) fn load_balancer_ingress(ingress: &[Value]) -> String {
    let set: BTreeSet<&str> = ingress
        .iter()
        .filter_map(|i| {
            let ip = str_at(i, &["ip"]);
            let host = str_at(i, &["hostname"]);
            if !ip.is_empty() {
                Some(ip)
            } else if !host.is_empty() {
                Some(host)
            } else {
                None
            }
        })
        .collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// An int-or-string field (`intstr.IntOrString`) rendered as Kubernetes does.
pub(super) fn int_or_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        other => as_int(other).map(|i| i.to_string()),
    }
}

/// Renders a label selector (`metav1.LabelSelector`) the way `labels.Selector.String()` does.
///
/// `None` or an empty selector yields `""`; `Err` means the selector does not convert (invalid key,
/// value or operator).
pub(super) fn selector_string(sel: Option<&Value>) -> Result<String, ()> {
    let Some(sel) = sel.filter(|s| s.is_object()) else {
        return Ok(String::new());
    };
    let labels = obj_at(sel, &["matchLabels"]);
    let exprs = arr_at(sel, &["matchExpressions"]);
    if labels.map_or(0, Map::len) + exprs.len() == 0 {
        return Ok(String::new());
    }
    let mut reqs: Vec<(&str, String)> = Vec::new();
    for (key, value) in labels.into_iter().flatten() {
        let value = value.as_str().ok_or(())?;
        if !is_qualified_name(key) || !is_label_value(value) {
            return Err(());
        }
        reqs.push((key.as_str(), format!("{key}={value}")));
    }
    for expr in exprs {
        let key = opt_str(expr, &["key"]).ok_or(())?;
        let op = str_at(expr, &["operator"]);
        let mut values = arr_at(expr, &["values"])
            .iter()
            .map(|v| v.as_str().ok_or(()))
            .collect::<Result<Vec<&str>, ()>>()?;
        let ok_arity = match op {
            "In" | "NotIn" => !values.is_empty(),
            "Exists" | "DoesNotExist" => values.is_empty(),
            _ => return Err(()),
        };
        if !ok_arity || !is_qualified_name(key) || !values.iter().all(|v| is_label_value(v)) {
            return Err(());
        }
        let rendered = match op {
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => {
                values.sort_unstable();
                let word = if op == "In" { "in" } else { "notin" };
                format!("{key} {word} ({})", values.join(","))
            }
        };
        reqs.push((key, rendered));
    }
    reqs.sort_by(|a, b| a.0.cmp(b.0));
    Ok(reqs
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Vec<_>>()
        .join(","))
}

/// `metav1.FormatLabelSelector`: the selector string, `<none>` when empty, `<error>` when invalid.
pub(super) fn format_label_selector(sel: Option<&Value>) -> String {
    match selector_string(sel) {
        Ok(s) if s.is_empty() => "<none>".to_string(),
        Ok(s) => s,
        Err(()) => "<error>".to_string(),
    }
}

fn is_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(f), Some(l)) if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() => bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')),
        _ => false,
    }
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            match (b.first(), b.last()) {
                (Some(f), Some(l)) => {
                    (f.is_ascii_lowercase() || f.is_ascii_digit())
                        && (l.is_ascii_lowercase() || l.is_ascii_digit())
                        && b.iter()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                }
                _ => false,
            }
        })
}

/// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
pub(super) fn is_qualified_name(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        if p.is_empty() || !is_dns1123_subdomain(p) || name.contains('/') {
            return false;
        }
    }
    name.len() <= 63 && is_name_part(name)
}

/// A label value: empty, or at most 63 characters of the name alphabet.
pub(super) fn is_label_value(s: &str) -> bool {
    s.is_empty() || (s.len() <= 63 && is_name_part(s))
}

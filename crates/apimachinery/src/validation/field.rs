//! Field paths, the error list, Go-style rendering of bad values, and typed accessors over JSON
//! that report values of the wrong JSON type instead of panicking.

use serde_json::{Map, Value};

use super::Cause;

/// A field path as Kubernetes prints it: `spec.containers[0].ports[1]`, `data[key]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Path(String);

impl Path {
    pub(crate) fn new(name: &str) -> Path {
        Path(name.to_string())
    }

    pub(crate) fn child(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(name.to_string())
        } else {
            Path(format!("{}.{}", self.0, name))
        }
    }

    pub(crate) fn index(&self, i: usize) -> Path {
        Path(format!("{}[{}]", self.0, i))
    }

    pub(crate) fn key(&self, k: &str) -> Path {
        Path(format!("{}[{}]", self.0, k))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// The cause reasons (`metav1.CauseType`).
pub(crate) const REQUIRED: &str = "FieldValueRequired";
pub(crate) const INVALID: &str = "FieldValueInvalid";
pub(crate) const NOT_SUPPORTED: &str = "FieldValueNotSupported";
pub(crate) const DUPLICATE: &str = "FieldValueDuplicate";
pub(crate) const FORBIDDEN: &str = "FieldValueForbidden";
pub(crate) const TOO_LONG: &str = "FieldValueTooLong";
pub(crate) const TOO_MANY: &str = "FieldValueTooMany";
pub(crate) const NOT_FOUND: &str = "FieldValueNotFound";
pub(crate) const TYPE_INVALID: &str = "FieldValueTypeInvalid";

/// An accumulating error list. Bad values are passed already rendered (see [`q`], [`gomap`]).
#[derive(Default, Debug)]
pub(crate) struct Errs {
    pub(crate) list: Vec<Cause>,
}

impl Errs {
    pub(crate) fn new() -> Errs {
        Errs::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    fn push(&mut self, reason: &'static str, p: &Path, message: String) {
        self.list.push(Cause {
            reason,
            message,
            field: p.as_str().to_string(),
        });
    }

    pub(crate) fn required(&mut self, p: &Path, detail: &str) {
        self.push(
            REQUIRED,
            p,
            with_detail("Required value".to_string(), detail),
        );
    }

    /// `Invalid value: <value>: <detail>`; `value` is rendered already.
    pub(crate) fn invalid(&mut self, p: &Path, value: &str, detail: &str) {
        self.push(
            INVALID,
            p,
            with_detail(format!("Invalid value: {value}"), detail),
        );
    }

    /// Invalid with a string bad value (quoted as Go does).
    pub(crate) fn invalid_str(&mut self, p: &Path, value: &str, detail: &str) {
        self.invalid(p, &q(value), detail);
    }

    pub(crate) fn not_supported(&mut self, p: &Path, value: &str, valid: &[&str]) {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid.iter().map(|v| q(v)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        self.push(
            NOT_SUPPORTED,
            p,
            with_detail(format!("Unsupported value: {value}"), &detail),
        );
    }

    pub(crate) fn forbidden(&mut self, p: &Path, detail: &str) {
        self.push(FORBIDDEN, p, with_detail("Forbidden".to_string(), detail));
    }

    pub(crate) fn duplicate(&mut self, p: &Path, value: &str) {
        self.push(DUPLICATE, p, format!("Duplicate value: {value}"));
    }

    pub(crate) fn not_found(&mut self, p: &Path, value: &str) {
        self.push(NOT_FOUND, p, format!("Not found: {value}"));
    }

    pub(crate) fn too_long(&mut self, p: &Path, max: usize) {
        self.push(
            TOO_LONG,
            p,
            format!("Too long: must have at most {max} bytes"),
        );
    }

    pub(crate) fn too_many(&mut self, p: &Path, actual: usize, max: usize) {
        self.push(
            TOO_MANY,
            p,
            format!("Too many: {actual}: must have at most {max} items"),
        );
    }

    /// A value of the wrong JSON type.
    pub(crate) fn type_invalid(&mut self, p: &Path, value: &Value, expected: &str) {
        self.push(
            TYPE_INVALID,
            p,
            format!("Invalid value: {}: must be {expected}", render_json(value)),
        );
    }

    /// `field is immutable` with a rendered new value.
    pub(crate) fn immutable(&mut self, p: &Path, value: &str) {
        self.invalid(p, value, "field is immutable");
    }

    pub(crate) fn extend(&mut self, other: Errs) {
        self.list.extend(other.list);
    }
}

fn with_detail(mut head: String, detail: &str) -> String {
    if !detail.is_empty() {
        head.push_str(": ");
        head.push_str(detail);
    }
    head
}

/// Quotes a string the way Go's `strconv.Quote` (and `%q`) does.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn go_printable(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    let u = c as u32;
    !(c.is_control()
        || c.is_whitespace()
        || (0x200b..=0x200f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2060..=0x206f).contains(&u)
        || u == 0xfeff
        || u == 0xad
        || (0xe000..=0xf8ff).contains(&u)
        || (0xfff9..=0xfffb).contains(&u)
        || u >= 0xf0000)
}

/// `map[string]string{"a":"1", "b":"2"}` (Go `%#v`, keys sorted); `None` is a nil map.
pub(crate) fn gomap(m: Option<&[(String, String)]>) -> String {
    match m {
        None => "map[string]string(nil)".to_string(),
        Some(pairs) => {
            let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let body: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{}", q(k), q(v)))
                .collect();
            format!("map[string]string{{{}}}", body.join(", "))
        }
    }
}

/// `[]string{"a", "b"}` (Go `%#v`); `None` is a nil slice.
pub(crate) fn goslice(items: Option<&[String]>) -> String {
    match items {
        None => "[]string(nil)".to_string(),
        Some(items) => {
            let body: Vec<String> = items.iter().map(|s| q(s)).collect();
            format!("[]string{{{}}}", body.join(", "))
        }
    }
}

/// Renders an arbitrary JSON value for a message: strings quoted, numbers and booleans bare,
/// everything else as compact JSON.
pub(crate) fn render_json(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::String(s) => q(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// An IntOrString value as its `String()` prints it (bare).
pub(crate) fn render_int_or_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => render_json(other),
    }
}

// ---- typed accessors ------------------------------------------------------------------------

/// A field of an object, treating JSON `null` as absent.
pub(crate) fn raw<'a>(parent: &'a Value, key: &str) -> Option<&'a Value> {
    parent.get(key).filter(|v| !v.is_null())
}

/// An integer (JSON integers, and floats with an integral value).
pub(crate) fn as_int(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    if let Some(u) = v.as_u64() {
        return Some(i64::try_from(u).unwrap_or(i64::MAX));
    }
    let f = v.as_f64()?;
    if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.2e18 {
        Some(f as i64)
    } else {
        None
    }
}

pub(crate) fn string<'a>(e: &mut Errs, parent: &'a Value, key: &str, p: &Path) -> Option<&'a str> {
    let v = raw(parent, key)?;
    match v.as_str() {
        Some(s) => Some(s),
        None => {
            e.type_invalid(&p.child(key), v, "a string");
            None
        }
    }
}

/// A string field with `""` for absent (what Go's zero value gives).
pub(crate) fn string_or_empty<'a>(e: &mut Errs, parent: &'a Value, key: &str, p: &Path) -> &'a str {
    string(e, parent, key, p).unwrap_or("")
}

pub(crate) fn int(e: &mut Errs, parent: &Value, key: &str, p: &Path) -> Option<i64> {
    let v = raw(parent, key)?;
    match as_int(v) {
        Some(i) => Some(i),
        None => {
            e.type_invalid(&p.child(key), v, "an integer");
            None
        }
    }
}

pub(crate) fn boolean(e: &mut Errs, parent: &Value, key: &str, p: &Path) -> Option<bool> {
    let v = raw(parent, key)?;
    match v.as_bool() {
        Some(b) => Some(b),
        None => {
            e.type_invalid(&p.child(key), v, "a boolean");
            None
        }
    }
}

pub(crate) fn object<'a>(
    e: &mut Errs,
    parent: &'a Value,
    key: &str,
    p: &Path,
) -> Option<&'a Value> {
    let v = raw(parent, key)?;
    if v.is_object() {
        Some(v)
    } else {
        e.type_invalid(&p.child(key), v, "an object");
        None
    }
}

pub(crate) fn array<'a>(
    e: &mut Errs,
    parent: &'a Value,
    key: &str,
    p: &Path,
) -> Option<&'a Vec<Value>> {
    let v = raw(parent, key)?;
    match v.as_array() {
        Some(a) => Some(a),
        None => {
            e.type_invalid(&p.child(key), v, "an array");
            None
        }
    }
}

/// Items of an array field that are objects, with their index; other items are reported.
pub(crate) fn object_items<'a>(
    e: &mut Errs,
    parent: &'a Value,
    key: &str,
    p: &Path,
) -> Vec<(usize, &'a Value)> {
    let mut out = Vec::new();
    if let Some(items) = array(e, parent, key, p) {
        let ap = p.child(key);
        for (i, item) in items.iter().enumerate() {
            if item.is_object() {
                out.push((i, item));
            } else if !item.is_null() {
                e.type_invalid(&ap.index(i), item, "an object");
            }
        }
    }
    out
}

/// Items of an array field that are strings; other items are reported.
pub(crate) fn string_items<'a>(
    e: &mut Errs,
    parent: &'a Value,
    key: &str,
    p: &Path,
) -> Option<Vec<(usize, &'a str)>> {
    let items = array(e, parent, key, p)?;
    let ap = p.child(key);
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(s) => out.push((i, s)),
            None => e.type_invalid(&ap.index(i), item, "a string"),
        }
    }
    Some(out)
}

/// A `map[string]string` field; non-string values are reported at `path[key]`.
pub(crate) fn string_map(
    e: &mut Errs,
    parent: &Value,
    key: &str,
    p: &Path,
) -> Option<Vec<(String, String)>> {
    let v = raw(parent, key)?;
    let Some(m) = v.as_object() else {
        e.type_invalid(&p.child(key), v, "an object");
        return None;
    };
    Some(string_pairs(e, m, &p.child(key)))
}

pub(crate) fn string_pairs(
    e: &mut Errs,
    m: &Map<String, Value>,
    p: &Path,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in m {
        match v {
            Value::String(s) => out.push((k.clone(), s.clone())),
            Value::Null => out.push((k.clone(), String::new())),
            other => e.type_invalid(&p.key(k), other, "a string"),
        }
    }
    out
}

/// A quiet accessor: a string field, or None when absent or of another type.
pub(crate) fn s<'a>(parent: &'a Value, key: &str) -> Option<&'a str> {
    parent.get(key).and_then(Value::as_str)
}

/// A quiet accessor for integers.
pub(crate) fn i(parent: &Value, key: &str) -> Option<i64> {
    parent.get(key).and_then(as_int)
}

/// A quiet accessor for a `map[string]string` (non-string values skipped).
pub(crate) fn smap(parent: &Value, key: &str) -> Option<Vec<(String, String)>> {
    let m = parent.get(key)?.as_object()?;
    Some(
        m.iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
    )
}

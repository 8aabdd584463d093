//! Field schemas of the built-in kinds, read from the message tables in [`crate::protobuf`]
//! (which list every field of every message): server-side field validation (the unknown and
//! duplicate fields Kubernetes' strict decoding reports), pruning of unknown fields (what typed
//! decoding drops), and a typed view of the messages for the OpenAPI documents.
//!
//! Field paths are written as Kubernetes writes them: members joined with `.` (map keys too)
//! and list items as `[i]`, e.g. `spec.template.spec.containers[0].bogus`.

use std::collections::HashSet;
use std::fmt;

use serde_json::Value;

use crate::protobuf::lookup;
use crate::protobuf::schema::{Card, Field, Message, Ty, KINDS};
use crate::validation::go_quote;

/// Strict decoding stops collecting problems after this many, as Kubernetes does.
const MAX_PROBLEMS: usize = 100;

// ---------------------------------------------------------------------------------------------
// Typed view
// ---------------------------------------------------------------------------------------------

/// A message type (a Go struct) of the built-in API.
#[derive(Clone, Copy, Debug)]
pub struct MessageType(&'static Message);

impl PartialEq for MessageType {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for MessageType {}

impl MessageType {
    /// The type of a top-level kind, e.g. `("apps/v1", "Deployment")`; None for kinds without
    /// a table (custom resources).
    pub fn of_kind(api_version: &str, kind: &str) -> Option<MessageType> {
        lookup(api_version, kind).map(MessageType)
    }

    /// The upstream OpenAPI schema name, e.g. `io.k8s.api.core.v1.PodSpec`.
    pub fn name(self) -> &'static str {
        self.0 .0
    }

    /// Whether objects of this type carry `apiVersion` and `kind` (top-level kinds and the
    /// option types such as `DeleteOptions`).
    pub fn has_type_meta(self) -> bool {
        is_kind(self.0)
    }

    /// The fields in JSON order, with the members of embedded structs inlined.
    pub fn fields(self) -> Vec<FieldSchema> {
        let mut out = Vec::new();
        collect_fields(self.0, &mut out);
        out
    }

    /// The field with JSON name `name` (looking through embedded structs).
    pub fn field(self, name: &str) -> Option<FieldSchema> {
        find_field(self.0, name).map(FieldSchema::of)
    }
}

fn collect_fields(m: &'static Message, out: &mut Vec<FieldSchema>) {
    for f in m.1 {
        match (f.card, f.ty) {
            (Card::Inline, Ty::Msg(inner)) => collect_fields(inner, out),
            _ => out.push(FieldSchema::of(f)),
        }
    }
}

/// One JSON member of a message.
#[derive(Clone, Copy, Debug)]
pub struct FieldSchema {
    /// The JSON name.
    pub name: &'static str,
    /// The type of the value, or of each item when `list` is set.
    pub ty: FieldType,
    /// Whether the member is a JSON array of `ty`.
    pub list: bool,
}

impl FieldSchema {
    fn of(f: &'static Field) -> FieldSchema {
        FieldSchema {
            name: f.json,
            ty: FieldType::of(f.ty),
            list: f.card == Card::Many,
        }
    }
}

/// The type of a field's value.
#[derive(Clone, Copy, Debug)]
pub enum FieldType {
    String,
    /// Base64-encoded bytes.
    Bytes,
    Bool,
    Int32,
    Int64,
    Message(MessageType),
    /// A JSON object with arbitrary keys.
    Map(MapValue),
    /// `metav1.Time`: an RFC 3339 timestamp.
    Time,
    /// `metav1.MicroTime`: an RFC 3339 timestamp with microseconds.
    MicroTime,
    /// `resource.Quantity`: a string (`100m`, `1Gi`) or a number.
    Quantity,
    /// `intstr.IntOrString`.
    IntOrString,
    /// Arbitrary embedded JSON (`runtime.RawExtension`, `metav1.FieldsV1`).
    Json,
    /// A named `[]string` type (`ExtraValue`).
    StringList,
}

impl FieldType {
    fn of(ty: Ty) -> FieldType {
        match ty {
            Ty::Str => FieldType::String,
            Ty::Bytes => FieldType::Bytes,
            Ty::Bool => FieldType::Bool,
            Ty::I32 => FieldType::Int32,
            Ty::I64 => FieldType::Int64,
            Ty::Msg(m) => FieldType::Message(MessageType(m)),
            Ty::Map(v) => FieldType::Map(MapValue(v)),
            Ty::Time => FieldType::Time,
            Ty::MicroTime => FieldType::MicroTime,
            Ty::Quantity => FieldType::Quantity,
            Ty::IntOrString => FieldType::IntOrString,
            Ty::RawJson => FieldType::Json,
            Ty::StrList => FieldType::StringList,
        }
    }
}

/// The value type of a map field.
#[derive(Clone, Copy, Debug)]
pub struct MapValue(&'static Ty);

impl MapValue {
    pub fn value(self) -> FieldType {
        FieldType::of(*self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------

fn is_kind(m: &'static Message) -> bool {
    KINDS.iter().any(|(_, _, k)| std::ptr::eq(*k, m))
}

fn find_field(m: &'static Message, key: &str) -> Option<&'static Field> {
    for f in m.1 {
        match (f.card, f.ty) {
            (Card::Inline, Ty::Msg(inner)) => {
                if let Some(found) = find_field(inner, key) {
                    return Some(found);
                }
            }
            _ if f.json == key => return Some(f),
            _ => {}
        }
    }
    None
}

/// What a JSON value at some position is expected to be.
#[derive(Clone, Copy)]
enum Shape {
    /// A message: members must be its fields.
    Object(&'static Message),
    /// A map: any member, each of this type.
    Map(&'static Ty),
    /// A list of this type.
    List(Ty),
    /// A scalar (or a value decoded as a whole, like Quantity): nothing inside is checked.
    Leaf,
    /// Embedded JSON, or a value under an unknown field: nothing inside is checked.
    Opaque,
    /// No schema (a patch body, a custom resource): duplicates are checked everywhere.
    Free,
}

impl Shape {
    fn of(ty: Ty) -> Shape {
        match ty {
            Ty::Msg(m) => Shape::Object(m),
            Ty::Map(v) => Shape::Map(v),
            Ty::StrList => Shape::List(Ty::Str),
            Ty::RawJson => Shape::Opaque,
            _ => Shape::Leaf,
        }
    }

    fn of_field(f: &Field) -> Shape {
        if f.card == Card::Many {
            Shape::List(f.ty)
        } else {
            Shape::of(f.ty)
        }
    }

    /// The shape of member `key` of a JSON object here; None when the member is unknown.
    fn member(self, key: &str) -> Option<Shape> {
        match self {
            Shape::Object(m) => match find_field(m, key) {
                Some(f) => Some(Shape::of_field(f)),
                None if is_kind(m) && (key == "apiVersion" || key == "kind") => Some(Shape::Leaf),
                None => None,
            },
            Shape::Map(v) => Some(Shape::of(*v)),
            Shape::Free => Some(Shape::Free),
            // An object where none belongs is a type error, not an unknown field.
            Shape::List(_) | Shape::Leaf | Shape::Opaque => Some(Shape::Opaque),
        }
    }

    /// The shape of the items of a JSON array here.
    fn item(self) -> Shape {
        match self {
            Shape::List(ty) => Shape::of(ty),
            Shape::Free => Shape::Free,
            _ => Shape::Opaque,
        }
    }

    /// Whether duplicate members of an object here are reported.
    fn checks_duplicates(self) -> bool {
        matches!(self, Shape::Object(_) | Shape::Map(_) | Shape::Free)
    }
}

fn member_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown fields and pruning
// ---------------------------------------------------------------------------------------------

/// Whether objects of this kind have a schema (so unknown fields can be told apart).
pub fn has_schema(api_version: &str, kind: &str) -> bool {
    lookup(api_version, kind).is_some()
}

/// The paths of the members of `obj` that the kind's schema does not declare, in document
/// order. Map-typed fields (labels, data, resources.limits …) accept any key; embedded raw
/// JSON is not looked into. Empty for kinds without a schema.
pub fn unknown_fields(api_version: &str, kind: &str, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = lookup(api_version, kind) {
        collect_unknown(Shape::Object(m), obj, "", &mut out);
    }
    out
}

fn collect_unknown(shape: Shape, value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if matches!(shape, Shape::Object(_) | Shape::Map(_)) => {
            for (k, v) in map {
                let p = member_path(path, k);
                match shape.member(k) {
                    Some(child) => collect_unknown(child, v, &p, out),
                    None => out.push(p),
                }
            }
        }
        Value::Array(items) if matches!(shape, Shape::List(_)) => {
            for (i, v) in items.iter().enumerate() {
                collect_unknown(shape.item(), v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Drops every member the kind's schema does not declare, as decoding into the typed object
/// does. Returns how many were dropped; kinds without a schema are left alone.
pub fn prune(api_version: &str, kind: &str, obj: &mut Value) -> usize {
    match lookup(api_version, kind) {
        Some(m) => prune_value(Shape::Object(m), obj),
        None => 0,
    }
}

fn prune_value(shape: Shape, value: &mut Value) -> usize {
    match value {
        Value::Object(map) if matches!(shape, Shape::Object(_) | Shape::Map(_)) => {
            let before = map.len();
            map.retain(|k, _| shape.member(k).is_some());
            let mut dropped = before - map.len();
            for (k, v) in map.iter_mut() {
                if let Some(child) = shape.member(k) {
                    dropped += prune_value(child, v);
                }
            }
            dropped
        }
        Value::Array(items) if matches!(shape, Shape::List(_)) => {
            items.iter_mut().map(|v| prune_value(shape.item(), v)).sum()
        }
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Strict decoding of JSON bodies
// ---------------------------------------------------------------------------------------------

/// A problem strict decoding reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// A member the schema does not declare.
    Unknown(String),
    /// A member that appears more than once in its object.
    Duplicate(String),
}

impl fmt::Display for FieldProblem {
    /// `unknown field "spec.bogus"`, `duplicate field "spec.replicas"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldProblem::Unknown(p) => write!(f, "unknown field {}", go_quote(p)),
            FieldProblem::Duplicate(p) => write!(f, "duplicate field {}", go_quote(p)),
        }
    }
}

/// `strict decoding error: unknown field "spec.a", duplicate field "spec.b"`.
pub fn strict_decoding_error(problems: &[FieldProblem]) -> String {
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!("strict decoding error: {}", list.join(", "))
}

/// The unknown and duplicate fields of a JSON body of the given kind, in document order, as
/// Kubernetes' strict JSON decoding reports them: each problem once, at most 100; members of
/// unknown fields and of embedded raw JSON are not looked into; a member that is both
/// unknown and repeated is reported as unknown. Kinds without a schema get duplicates only.
/// `body` must be valid JSON (decode it first); a malformed tail ends the scan.
pub fn strict_problems(api_version: &str, kind: &str, body: &[u8]) -> Vec<FieldProblem> {
    let shape = lookup(api_version, kind).map_or(Shape::Free, Shape::Object);
    scan(shape, body)
}

/// The duplicate fields of a JSON document without a schema (patch bodies), in document
/// order.
pub fn duplicate_fields(body: &[u8]) -> Vec<FieldProblem> {
    scan(Shape::Free, body)
}

fn scan(shape: Shape, body: &[u8]) -> Vec<FieldProblem> {
    let mut s = Scanner {
        b: body,
        pos: 0,
        problems: Vec::new(),
        seen: HashSet::new(),
    };
    let mut path = String::new();
    // A malformed document ends the scan; what was found so far is still reported.
    let _ = s.value(shape, &mut path);
    s.problems
}

struct Scanner<'a> {
    b: &'a [u8],
    pos: usize,
    problems: Vec<FieldProblem>,
    seen: HashSet<FieldProblem>,
}

/// The scan met something that is not JSON.
struct Malformed;

impl Scanner<'_> {
    fn report(&mut self, p: FieldProblem) {
        if self.problems.len() < MAX_PROBLEMS && self.seen.insert(p.clone()) {
            self.problems.push(p);
        }
    }

    fn skip_ws(&mut self) {
        while self
            .b
            .get(self.pos)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), Malformed> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    fn value(&mut self, shape: Shape, path: &mut String) -> Result<(), Malformed> {
        self.skip_ws();
        match self.peek().ok_or(Malformed)? {
            b'{' => self.object(shape, path),
            b'[' => self.array(shape, path),
            b'"' => self.string().map(drop),
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| {
                    !matches!(c, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                if self.pos == start {
                    Err(Malformed)
                } else {
                    Ok(())
                }
            }
        }
    }

    fn object(&mut self, shape: Shape, path: &mut String) -> Result<(), Malformed> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let mut keys: HashSet<String> = HashSet::new();
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.expect(b':')?;
            let child = match shape.member(&key) {
                Some(child) => {
                    if shape.checks_duplicates() && !keys.insert(key.clone()) {
                        self.report(FieldProblem::Duplicate(member_path(path, &key)));
                    }
                    child
                }
                None => {
                    self.report(FieldProblem::Unknown(member_path(path, &key)));
                    Shape::Opaque
                }
            };
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            let r = self.value(child, path);
            path.truncate(len);
            r?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Malformed),
            }
        }
    }

    fn array(&mut self, shape: Shape, path: &mut String) -> Result<(), Malformed> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let item = shape.item();
        let mut i = 0usize;
        loop {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let r = self.value(item, path);
            path.truncate(len);
            r?;
            i += 1;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Malformed),
            }
        }
    }

    /// Reads a string literal and returns its decoded value.
    fn string(&mut self) -> Result<String, Malformed> {
        if self.peek() != Some(b'"') {
            return Err(Malformed);
        }
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.peek().ok_or(Malformed)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        let raw = self.b.get(start..self.pos).ok_or(Malformed)?;
        if escaped {
            serde_json::from_slice(raw).map_err(|_| Malformed)
        } else {
            std::str::from_utf8(&raw[1..raw.len() - 1])
                .map(str::to_string)
                .map_err(|_| Malformed)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Go rendering
// ---------------------------------------------------------------------------------------------

/// A decoded JSON value as Go's `%v` prints the `map[string]interface{}` it decodes into:
/// `map[spec:map[replicas:2 tags:[a b]]]`, keys sorted.
pub fn go_format(v: &Value) -> String {
    let mut out = String::new();
    write_go(v, &mut out);
    out
}

fn write_go(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(f)) => out.push_str(&go_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_go(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("map[");
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go(&map[k], out);
            }
            out.push(']');
        }
    }
}

/// Go's `%v` of a float64: shortest representation, exponent form for large and small values.
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let s = format!("{f:e}");
        // Rust writes `1e21`, `1.5e-7`; Go writes `1e+21`, `1.5e-07`.
        match s.split_once('e') {
            Some((mantissa, exp)) => {
                let (sign, digits) = match exp.strip_prefix('-') {
                    Some(d) => ('-', d),
                    None => ('+', exp),
                };
                format!("{mantissa}e{sign}{digits:0>2}")
            }
            None => s,
        }
    } else {
        let s = f.to_string();
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    }
}

#[cfg(test)]
mod tests;

//! Decoding of Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`)
//! into the JSON object a JSON client would have sent.
//!
//! A body is the magic prefix `k8s\0` followed by a `runtime.Unknown` envelope:
//! `{1: TypeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}`,
//! where `raw` is the object's own protobuf encoding. The object is decoded with the
//! schema table selected by the envelope's `(apiVersion, kind)`.
//!
//! JSON mapping follows the Go types: fields absent on the wire are omitted; pointer and
//! non-`omitempty` fields are kept even when zero (`replicas: 0`); `omitempty` value fields
//! are dropped when zero, as Go's JSON encoder would; `bytes` become base64 strings; unknown
//! field numbers are skipped.

use std::borrow::Cow;

use base64::Engine as _;
use serde_json::{Map as JsonMap, Value};

// One line per field reads best for these tables.
#[rustfmt::skip]
pub(crate) mod schema;
#[cfg(test)]
mod tests;

use schema::{Card, Field, Message, Ty, KINDS};

/// Media type of Kubernetes protobuf bodies.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Prefix of every Kubernetes protobuf body.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// Nesting limit for messages (the schemas are far shallower; this bounds hostile input).
const MAX_DEPTH: usize = 64;

/// Why a protobuf body could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtoError {
    /// The body does not start with `k8s\0`.
    #[error("protobuf body does not start with the k8s\\0 magic prefix")]
    BadMagic,
    /// The body ends in the middle of a value.
    #[error("protobuf body is truncated")]
    Truncated,
    /// The bytes are not a valid encoding of the expected message.
    #[error("malformed protobuf body: {0}")]
    Malformed(String),
    /// The envelope declares a content encoding or content type that is not plain protobuf.
    #[error("unsupported protobuf envelope encoding: {0}")]
    UnsupportedEncoding(String),
    /// No schema is known for the envelope's apiVersion/kind (formatted `apiVersion, Kind=kind`).
    #[error("protobuf decoding is not supported for {0}")]
    UnsupportedKind(String),
}

type Result<T> = std::result::Result<T, ProtoError>;

fn malformed(msg: impl Into<String>) -> ProtoError {
    ProtoError::Malformed(msg.into())
}

/// Whether [`decode`] has a schema for objects of this `apiVersion` and `kind`.
pub fn is_supported(api_version: &str, kind: &str) -> bool {
    lookup(api_version, kind).is_some()
}

/// The schema table of a top-level kind.
pub(crate) fn lookup(api_version: &str, kind: &str) -> Option<&'static Message> {
    KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, m)| *m)
}

/// Decodes a `k8s\0`-prefixed protobuf body into the JSON object (with apiVersion and kind set
/// from the envelope).
pub fn decode(body: &[u8]) -> Result<Value> {
    let rest = body.strip_prefix(MAGIC).ok_or(ProtoError::BadMagic)?;
    let env = Envelope::parse(rest)?;
    if !env.content_encoding.is_empty() {
        return Err(ProtoError::UnsupportedEncoding(format!(
            "contentEncoding {:?}",
            env.content_encoding
        )));
    }
    if !env.content_type.is_empty() && env.content_type != CONTENT_TYPE {
        return Err(ProtoError::UnsupportedEncoding(format!(
            "contentType {:?}",
            env.content_type
        )));
    }
    let msg = lookup(&env.api_version, &env.kind).ok_or_else(|| {
        ProtoError::UnsupportedKind(format!("{}, Kind={}", env.api_version, env.kind))
    })?;
    let mut obj = JsonMap::new();
    obj.insert("kind".into(), Value::String(env.kind));
    obj.insert("apiVersion".into(), Value::String(env.api_version));
    obj.extend(decode_message(env.raw, msg.1, 0)?);
    Ok(Value::Object(obj))
}

/// The parts of `runtime.Unknown` that matter here.
#[derive(Default)]
struct Envelope<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
    content_encoding: String,
    content_type: String,
}

impl<'a> Envelope<'a> {
    fn parse(buf: &'a [u8]) -> Result<Self> {
        let mut env = Envelope::default();
        let mut r = Reader::new(buf);
        while let Some((num, wire)) = r.next_field()? {
            match (num, wire) {
                (1, Wire::Len(b)) => {
                    let mut tm = Reader::new(b);
                    while let Some((num, wire)) = tm.next_field()? {
                        match (num, wire) {
                            (1, Wire::Len(s)) => env.api_version = utf8(s),
                            (2, Wire::Len(s)) => env.kind = utf8(s),
                            (1 | 2, _) => return Err(wrong_wire("TypeMeta", num)),
                            _ => {}
                        }
                    }
                }
                (2, Wire::Len(b)) => env.raw = b,
                (3, Wire::Len(s)) => env.content_encoding = utf8(s),
                (4, Wire::Len(s)) => env.content_type = utf8(s),
                (1..=4, _) => return Err(wrong_wire("Unknown", num)),
                _ => {}
            }
        }
        Ok(env)
    }
}

fn wrong_wire(what: &str, num: u32) -> ProtoError {
    malformed(format!("field {num} ({what}) has the wrong wire type"))
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Wire reader
// ---------------------------------------------------------------------------------------------

/// One field value as found on the wire.
#[derive(Clone, Copy, Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64,
    Len(&'a [u8]),
    Fixed32,
    /// A (skipped) group.
    Group,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = *self.buf.get(self.pos).ok_or(ProtoError::Truncated)?;
            self.pos += 1;
            if i == 9 && byte > 1 {
                return Err(malformed("varint overflows 64 bits"));
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(malformed("varint overflows 64 bits"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(ProtoError::Truncated)?;
        let out = self.buf.get(self.pos..end).ok_or(ProtoError::Truncated)?;
        self.pos = end;
        Ok(out)
    }

    /// Reads a tag: (field number, wire type).
    fn tag(&mut self) -> Result<(u32, u8)> {
        let key = self.varint()?;
        let num = key >> 3;
        if num == 0 || num > 0x1fff_ffff {
            return Err(malformed(format!("invalid field number {num}")));
        }
        // Both casts are lossless: num < 2^29 and the wire type is 3 bits.
        Ok((num as u32, (key & 7) as u8))
    }

    /// Reads the next field, or `None` at the end of the buffer.
    fn next_field(&mut self) -> Result<Option<(u32, Wire<'a>)>> {
        if self.at_end() {
            return Ok(None);
        }
        let (num, wt) = self.tag()?;
        let wire = match wt {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed64
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| ProtoError::Truncated)?;
                Wire::Len(self.take(len)?)
            }
            3 => {
                self.skip_group(num, 0)?;
                Wire::Group
            }
            4 => return Err(malformed(format!("unexpected end-group for field {num}"))),
            5 => {
                self.take(4)?;
                Wire::Fixed32
            }
            _ => return Err(malformed(format!("invalid wire type {wt} for field {num}"))),
        };
        Ok(Some((num, wire)))
    }

    /// Skips the body of a group that started with field `num`, up to its end-group tag.
    fn skip_group(&mut self, num: u32, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            return Err(malformed("groups nested too deeply"));
        }
        loop {
            if self.at_end() {
                return Err(ProtoError::Truncated);
            }
            let (inner, wt) = self.tag()?;
            match wt {
                0 => {
                    self.varint()?;
                }
                1 => {
                    self.take(8)?;
                }
                2 => {
                    let len = self.varint()?;
                    let len = usize::try_from(len).map_err(|_| ProtoError::Truncated)?;
                    self.take(len)?;
                }
                3 => self.skip_group(inner, depth + 1)?,
                4 if inner == num => return Ok(()),
                4 => return Err(malformed(format!("mismatched end-group for field {inner}"))),
                5 => {
                    self.take(4)?;
                }
                _ => {
                    return Err(malformed(format!(
                        "invalid wire type {wt} for field {inner}"
                    )))
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema-driven decoding
// ---------------------------------------------------------------------------------------------

/// Accumulated value of one schema field while a message is being read.
enum Slot<'a> {
    Empty,
    /// Last-wins scalar value.
    Scalar(Value),
    /// Bytes of a singular message-valued field; repeated occurrences are concatenated, which
    /// is how protobuf merges messages.
    Chunks(Cow<'a, [u8]>),
    List(Vec<Value>),
    Map(JsonMap<String, Value>),
}

/// Whether values of this type are encoded as (length-delimited) messages.
fn is_message(ty: Ty) -> bool {
    !matches!(ty, Ty::Str | Ty::Bytes | Ty::Bool | Ty::I32 | Ty::I64)
}

fn decode_message(buf: &[u8], fields: &[Field], depth: usize) -> Result<JsonMap<String, Value>> {
    if depth >= MAX_DEPTH {
        return Err(malformed("messages nested too deeply"));
    }
    let mut slots: Vec<Slot> = fields
        .iter()
        .map(|f| match (f.ty, f.card) {
            (Ty::Map(_), _) => Slot::Map(JsonMap::new()),
            (_, Card::Many) => Slot::List(Vec::new()),
            _ => Slot::Empty,
        })
        .collect();
    let mut r = Reader::new(buf);
    while let Some((num, wire)) = r.next_field()? {
        let Some(idx) = fields.iter().position(|f| f.num == num) else {
            continue;
        };
        let field = &fields[idx];
        match (&mut slots[idx], field.ty, wire) {
            (Slot::Map(map), Ty::Map(vt), Wire::Len(entry)) => {
                let (k, v) = decode_map_entry(entry, *vt, depth + 1)?;
                map.insert(k, v);
            }
            // Packed encoding of repeated numbers.
            (Slot::List(list), ty @ (Ty::Bool | Ty::I32 | Ty::I64), Wire::Len(b)) => {
                let mut packed = Reader::new(b);
                while !packed.at_end() {
                    list.push(scalar(ty, Wire::Varint(packed.varint()?), field, num)?);
                }
            }
            (Slot::List(list), ty, Wire::Len(b)) if is_message(ty) => {
                list.push(decode_value(ty, b, depth + 1)?);
            }
            (Slot::List(list), ty, wire) => list.push(scalar(ty, wire, field, num)?),
            (Slot::Chunks(acc), ty, Wire::Len(b)) if is_message(ty) => {
                acc.to_mut().extend_from_slice(b);
            }
            (slot @ Slot::Empty, ty, Wire::Len(b)) if is_message(ty) => {
                *slot = Slot::Chunks(Cow::Borrowed(b));
            }
            (slot @ (Slot::Empty | Slot::Scalar(_)), ty, wire) => {
                *slot = Slot::Scalar(scalar(ty, wire, field, num)?);
            }
            _ => return Err(wrong_wire(field.json, num)),
        }
    }

    let mut out = JsonMap::new();
    for (field, slot) in fields.iter().zip(slots) {
        let value = match slot {
            Slot::Empty => continue,
            Slot::Scalar(v) => v,
            Slot::Chunks(bytes) => match (field.card, field.ty) {
                (Card::Inline, Ty::Msg(m)) => {
                    out.extend(decode_message(&bytes, m.1, depth + 1)?);
                    continue;
                }
                (_, ty) => decode_value(ty, &bytes, depth + 1)?,
            },
            Slot::List(list) if list.is_empty() => continue,
            Slot::List(list) => Value::Array(list),
            Slot::Map(map) if map.is_empty() => continue,
            Slot::Map(map) => Value::Object(map),
        };
        if field.card == Card::OmitZero && is_zero(&value) {
            continue;
        }
        out.insert(field.json.to_owned(), value);
    }
    Ok(out)
}

/// Go's notion of an empty value for `omitempty` scalars (and `omitzero` times).
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_i64() == Some(0),
        Value::String(s) => s.is_empty(),
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// Decodes a non-message value.
fn scalar(ty: Ty, wire: Wire, field: &Field, num: u32) -> Result<Value> {
    Ok(match (ty, wire) {
        (Ty::Str, Wire::Len(b)) => Value::String(utf8(b)),
        (Ty::Bytes, Wire::Len(b)) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        (Ty::Bool, Wire::Varint(v)) => Value::Bool(v != 0),
        // Truncation to 32 bits is how protobuf reads int32.
        (Ty::I32, Wire::Varint(v)) => Value::from(v as i32),
        (Ty::I64, Wire::Varint(v)) => Value::from(v as i64),
        _ => return Err(wrong_wire(field.json, num)),
    })
}

/// The JSON value of a field that was absent from a map entry.
fn zero_value(ty: Ty, depth: usize) -> Result<Value> {
    Ok(match ty {
        Ty::Str | Ty::Bytes => Value::String(String::new()),
        Ty::Bool => Value::Bool(false),
        Ty::I32 | Ty::I64 => Value::from(0),
        ty => decode_value(ty, &[], depth)?,
    })
}

/// Decodes a map entry `{1: key, 2: value}`.
fn decode_map_entry(buf: &[u8], vt: Ty, depth: usize) -> Result<(String, Value)> {
    let entry = [
        Field {
            num: 1,
            json: "key",
            ty: Ty::Str,
            card: Card::One,
        },
        Field {
            num: 2,
            json: "value",
            ty: vt,
            card: Card::One,
        },
    ];
    let mut m = decode_message(buf, &entry, depth)?;
    let key = match m.remove("key") {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let value = match m.remove("value") {
        Some(v) => v,
        None => zero_value(vt, depth)?,
    };
    Ok((key, value))
}

/// Decodes the bytes of a message-typed value.
fn decode_value(ty: Ty, buf: &[u8], depth: usize) -> Result<Value> {
    if depth >= MAX_DEPTH {
        return Err(malformed("messages nested too deeply"));
    }
    match ty {
        Ty::Msg(m) => Ok(Value::Object(decode_message(buf, m.1, depth)?)),
        Ty::Map(_) => Err(malformed("map used as a message value")),
        Ty::Time => decode_time(buf, false),
        Ty::MicroTime => decode_time(buf, true),
        Ty::Quantity => {
            let mut s = None;
            let mut r = Reader::new(buf);
            while let Some((num, wire)) = r.next_field()? {
                match (num, wire) {
                    (1, Wire::Len(b)) => s = Some(utf8(b)),
                    (1, _) => return Err(wrong_wire("Quantity", num)),
                    _ => {}
                }
            }
            Ok(Value::String(s.unwrap_or_else(|| "0".to_owned())))
        }
        Ty::IntOrString => {
            let (mut kind, mut int_val, mut str_val) = (0u64, 0i32, String::new());
            let mut r = Reader::new(buf);
            while let Some((num, wire)) = r.next_field()? {
                match (num, wire) {
                    (1, Wire::Varint(v)) => kind = v,
                    (2, Wire::Varint(v)) => int_val = v as i32,
                    (3, Wire::Len(b)) => str_val = utf8(b),
                    (1..=3, _) => return Err(wrong_wire("IntOrString", num)),
                    _ => {}
                }
            }
            match kind {
                0 => Ok(Value::from(int_val)),
                1 => Ok(Value::String(str_val)),
                k => Err(malformed(format!("IntOrString has invalid type {k}"))),
            }
        }
        Ty::RawJson => {
            let mut raw: &[u8] = &[];
            let mut r = Reader::new(buf);
            while let Some((num, wire)) = r.next_field()? {
                match (num, wire) {
                    (1, Wire::Len(b)) => raw = b,
                    (1, _) => return Err(wrong_wire("raw", num)),
                    _ => {}
                }
            }
            if raw.is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_slice(raw)
                .map_err(|e| malformed(format!("embedded raw JSON is invalid: {e}")))
        }
        Ty::StrList => {
            let mut items = Vec::new();
            let mut r = Reader::new(buf);
            while let Some((num, wire)) = r.next_field()? {
                match (num, wire) {
                    (1, Wire::Len(b)) => items.push(Value::String(utf8(b))),
                    (1, _) => return Err(wrong_wire("items", num)),
                    _ => {}
                }
            }
            Ok(Value::Array(items))
        }
        Ty::Str | Ty::Bytes | Ty::Bool | Ty::I32 | Ty::I64 => {
            Err(malformed("scalar used as a message value"))
        }
    }
}

/// Decodes a `metav1.Time`/`MicroTime` (`{1: seconds, 2: nanos}`). An empty message is the
/// zero time, which Go encodes as JSON `null`.
fn decode_time(buf: &[u8], micro: bool) -> Result<Value> {
    if buf.is_empty() {
        return Ok(Value::Null);
    }
    let (mut secs, mut nanos) = (0i64, 0i32);
    let mut r = Reader::new(buf);
    while let Some((num, wire)) = r.next_field()? {
        match (num, wire) {
            (1, Wire::Varint(v)) => secs = v as i64,
            (2, Wire::Varint(v)) => nanos = v as i32,
            (1 | 2, _) => return Err(wrong_wire("Timestamp", num)),
            _ => {}
        }
    }
    // Time keeps only seconds; MicroTime truncates to microseconds.
    let sub_nanos = if micro {
        nanos.clamp(0, 999_999_999) / 1000 * 1000
    } else {
        0
    };
    let t = chrono::DateTime::from_timestamp(secs, sub_nanos as u32)
        .ok_or_else(|| malformed(format!("timestamp {secs}s is out of range")))?;
    if !(0..=9999).contains(&chrono::Datelike::year(&t)) {
        return Err(malformed(format!("timestamp {secs}s is out of range")));
    }
    // 0001-01-01T00:00:00Z is Go's zero time.
    if secs == -62_135_596_800 && sub_nanos == 0 {
        return Ok(Value::Null);
    }
    let fmt = if micro {
        "%Y-%m-%dT%H:%M:%S%.6fZ"
    } else {
        "%Y-%m-%dT%H:%M:%SZ"
    };
    Ok(Value::String(t.format(fmt).to_string()))
}

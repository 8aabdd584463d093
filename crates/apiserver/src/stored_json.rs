//! Serving stored objects without building JSON trees.
//!
//! A stored object is compact JSON written by [`crate::registry::encode`]. Serving it as JSON
//! needs only two edits, `kind`/`apiVersion` moved to the front and `metadata.resourceVersion`
//! added, so [`render`] splices the stored bytes instead of parsing them into a
//! `serde_json::Value` and printing that again. Its output is byte for byte what
//! [`crate::registry::decode_at`] followed by `serde_json::to_vec` gives; anything unexpected
//! makes it return `None` and the caller takes that slow path.

use std::ops::Range;

/// The stored object `value` as served JSON of `kind` in `api_version` at `revision`, or
/// `None` when the bytes are not the plain object this expects.
pub fn render(value: &[u8], kind: &str, api_version: &str, revision: i64) -> Option<Vec<u8>> {
    let members = object_members(value)?;
    let mut out = Vec::with_capacity(value.len() + kind.len() + api_version.len() + 48);
    out.extend_from_slice(b"{\"kind\":");
    serde_json::to_writer(&mut out, kind).ok()?;
    out.extend_from_slice(b",\"apiVersion\":");
    serde_json::to_writer(&mut out, api_version).ok()?;
    let mut has_metadata = false;
    for (key, val) in members {
        let key_bytes = &value[key.clone()];
        if key_bytes == b"\"kind\"" || key_bytes == b"\"apiVersion\"" {
            continue;
        }
        out.push(b',');
        out.extend_from_slice(key_bytes);
        out.push(b':');
        if key_bytes == b"\"metadata\"" {
            has_metadata = true;
            with_resource_version(&value[val], revision, &mut out)?;
        } else {
            out.extend_from_slice(&value[val]);
        }
    }
    out.push(b'}');
    // The slow path creates a missing metadata object at the end; not worth copying.
    has_metadata.then_some(out)
}

/// A watch event line (`{"type":…,"object":…}` and a newline) around a rendered object, as
/// the watch encoder prints it.
pub fn watch_line(event_type: &str, object: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(object.len() + event_type.len() + 24);
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(event_type.as_bytes());
    out.extend_from_slice(b"\",\"object\":");
    out.extend_from_slice(object);
    out.extend_from_slice(b"}\n");
    out
}

/// A list object (`{"kind":…,"apiVersion":…,"metadata":…,"items":[…]}`) around rendered
/// items, as printing the list's tree gives it.
pub fn list(
    kind: &str,
    api_version: &str,
    metadata: &serde_json::Value,
    items: &[Vec<u8>],
) -> Vec<u8> {
    let size = items.iter().map(|i| i.len() + 1).sum::<usize>();
    let mut out = Vec::with_capacity(size + kind.len() + api_version.len() + 128);
    // Writing to a Vec cannot fail, nor can printing a string or a tree.
    out.extend_from_slice(b"{\"kind\":");
    let _ = serde_json::to_writer(&mut out, kind);
    out.extend_from_slice(b",\"apiVersion\":");
    let _ = serde_json::to_writer(&mut out, api_version);
    out.extend_from_slice(b",\"metadata\":");
    let _ = serde_json::to_writer(&mut out, metadata);
    out.extend_from_slice(b",\"items\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(b"]}");
    out
}

/// Appends the metadata object with `resourceVersion` as its last member.
fn with_resource_version(metadata: &[u8], revision: i64, out: &mut Vec<u8>) -> Option<()> {
    let members = object_members(metadata)?;
    if members
        .iter()
        .any(|(k, _)| &metadata[k.clone()] == b"\"resourceVersion\"")
    {
        return None;
    }
    let last = metadata.len() - 1;
    out.extend_from_slice(&metadata[..last]);
    if !members.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(b"\"resourceVersion\":\"");
    out.extend_from_slice(revision.to_string().as_bytes());
    out.extend_from_slice(b"\"}");
    Some(())
}

/// The (key, value) byte ranges of a compact JSON object's members; `None` unless `doc` is
/// exactly one object with no whitespace between tokens (what `serde_json::to_vec` writes).
fn object_members(doc: &[u8]) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    if doc.first() != Some(&b'{') || doc.last() != Some(&b'}') {
        return None;
    }
    let mut members = Vec::new();
    let mut at = 1;
    if doc.get(at) == Some(&b'}') {
        return (at + 1 == doc.len()).then_some(members);
    }
    loop {
        let key_end = skip_string(doc, at)?;
        if doc.get(key_end) != Some(&b':') {
            return None;
        }
        let value_end = skip_value(doc, key_end + 1)?;
        members.push((at..key_end, key_end + 1..value_end));
        match doc.get(value_end) {
            Some(b',') => at = value_end + 1,
            Some(b'}') if value_end + 1 == doc.len() => return Some(members),
            _ => return None,
        }
    }
}

/// End (exclusive) of the string starting at `at`.
fn skip_string(doc: &[u8], at: usize) -> Option<usize> {
    if doc.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while i < doc.len() {
        match doc[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// End (exclusive) of the value starting at `at`.
fn skip_value(doc: &[u8], at: usize) -> Option<usize> {
    match *doc.get(at)? {
        b'"' => skip_string(doc, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < doc.len() {
                match doc[i] {
                    b'"' => {
                        i = skip_string(doc, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let end = doc[at..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']'))
                .map_or(doc.len(), |p| at + p);
            (end > at).then_some(end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// What the tree-building path serves for a stored object.
    fn slow(stored: &Value, kind: &str, api_version: &str, revision: i64) -> Vec<u8> {
        let mut obj = stored.clone();
        let o = obj.as_object_mut().unwrap();
        let rest: serde_json::Map<String, Value> = std::mem::take(o)
            .into_iter()
            .filter(|(k, _)| k != "apiVersion" && k != "kind")
            .collect();
        o.insert("kind".into(), json!(kind));
        o.insert("apiVersion".into(), json!(api_version));
        o.extend(rest);
        apimachinery::meta::metadata_mut(&mut obj)
            .insert("resourceVersion".into(), json!(revision.to_string()));
        serde_json::to_vec(&obj).unwrap()
    }

    fn same_as_slow(stored: Value) {
        let bytes = serde_json::to_vec(&stored).unwrap();
        let fast = render(&bytes, "Pod", "v1", 42).expect("rendered");
        assert_eq!(
            String::from_utf8(fast).unwrap(),
            String::from_utf8(slow(&stored, "Pod", "v1", 42)).unwrap()
        );
    }

    #[test]
    fn matches_the_tree_path_byte_for_byte() {
        same_as_slow(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "ns", "labels": {"a": "b}{\"]["}},
            "spec": {"containers": [{"name": "c", "args": ["\\", "\"", "}", "é\u{1}"]}],
                     "priority": -3, "x": 1.5e300, "y": null, "z": [true, false, [], {}]},
            "status": {}}));
        // kind and apiVersion elsewhere, or absent, and an empty metadata object.
        same_as_slow(json!({"spec": {}, "kind": "Pod", "metadata": {}, "apiVersion": "v0"}));
        same_as_slow(json!({"metadata": {"name": "q"}}));
        // Keys with escapes are copied as they are.
        same_as_slow(json!({"metadata": {"na\"me": "q"}, "\"kind\"": 1}));
    }

    #[test]
    fn declines_what_it_does_not_expect() {
        // No metadata, metadata not an object, an existing resourceVersion.
        assert!(render(br#"{"spec":{}}"#, "Pod", "v1", 1).is_none());
        assert!(render(br#"{"metadata":[]}"#, "Pod", "v1", 1).is_none());
        assert!(render(br#"{"metadata":{"resourceVersion":"3"}}"#, "Pod", "v1", 1).is_none());
        // Not compact, not one object, truncated.
        for bad in [
            &br#"{ "metadata":{}}"#[..],
            br#"{"metadata":{}}x"#,
            br#"[{"metadata":{}}]"#,
            br#"{"metadata":{"name":"a"}"#,
            br#"{"metadata":{"name":"a}"#,
            br#"{"metadata":{},}"#,
            br#"{"metadata":}"#,
            b"",
        ] {
            assert!(render(bad, "Pod", "v1", 1).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn lists_match_the_tree_path() {
        let items = [
            json!({"kind": "Pod", "metadata": {"name": "a"}}),
            json!({"x": [1, "]"]}),
        ];
        let rendered: Vec<Vec<u8>> = items
            .iter()
            .map(|i| serde_json::to_vec(i).unwrap())
            .collect();
        let meta = json!({"resourceVersion": "9", "continue": "abc"});
        let expected = json!({"kind": "PodList", "apiVersion": "v1", "metadata": meta,
            "items": items});
        assert_eq!(
            list("PodList", "v1", &meta, &rendered),
            serde_json::to_vec(&expected).unwrap()
        );
        let empty = json!({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": []});
        assert_eq!(
            list("PodList", "v1", &json!({}), &[]),
            serde_json::to_vec(&empty).unwrap()
        );
    }

    #[test]
    fn watch_lines_match_the_encoder() {
        let obj = br#"{"kind":"Pod"}"#;
        let line = watch_line("MODIFIED", obj);
        let mut expected =
            serde_json::to_vec(&json!({"type": "MODIFIED", "object": {"kind": "Pod"}})).unwrap();
        expected.push(b'\n');
        assert_eq!(line, expected);
    }
}

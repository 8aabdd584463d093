//! `application/x-www-form-urlencoded` bodies, as browsers send a `<form method="post">`.

/// Decodes one form component: `+` is a space, `%XX` a byte. Malformed escapes are kept
/// literally (as browsers and most servers do) and invalid UTF-8 is replaced, so decoding
/// never fails; validation happens on the decoded value.
pub fn decode_component(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// All `name=value` pairs of a body, decoded, in order.
pub fn parse(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (
                decode_component(&pair[..eq]),
                decode_component(&pair[eq + 1..]),
            ),
            None => (decode_component(pair), String::new()),
        })
        .collect()
}

/// The value of field `name`, if present exactly once: a repeated field is ambiguous.
pub fn field(body: &[u8], name: &str) -> Option<String> {
    let mut values = parse(body).into_iter().filter(|(k, _)| k == name);
    let first = values.next()?;
    match values.next() {
        Some(_) => None,
        None => Some(first.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_components() {
        assert_eq!(decode_component(b"a+b%20c"), "a b c");
        assert_eq!(decode_component(b"%41%62"), "Ab");
        assert_eq!(decode_component(b"100%"), "100%");
        assert_eq!(decode_component(b"%zz%4"), "%zz%4");
        assert_eq!(decode_component(b"%C3%A9"), "é");
        assert_eq!(decode_component(b"%FF"), "\u{FFFD}");
    }

    #[test]
    fn finds_fields() {
        assert_eq!(field(b"vote=a", "vote").as_deref(), Some("a"));
        assert_eq!(field(b"x=1&vote=b&y", "vote").as_deref(), Some("b"));
        assert_eq!(field(b"vote", "vote").as_deref(), Some(""));
        assert_eq!(field(b"vote=a&vote=b", "vote"), None);
        assert_eq!(field(b"", "vote"), None);
        assert_eq!(field(b"&&=&", "vote"), None);
        assert_eq!(field(b"v%6Fte=%61", "vote").as_deref(), Some("a"));
        assert_eq!(field(b"\xff=\xfe", "vote"), None);
    }

    #[test]
    fn parses_pairs_in_order() {
        assert_eq!(
            parse(b"a=1&b=&c"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), String::new()),
                ("c".into(), String::new())
            ]
        );
    }
}

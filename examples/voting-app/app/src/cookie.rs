//! The `voter_id` cookie: one random id per browser, so a voter who changes their mind
//! replaces their vote instead of adding one.

/// The cookie's name.
pub const NAME: &str = "voter_id";
/// Hex digits in an id we issue (64 random bits).
pub const ID_HEX_LEN: usize = 16;
/// Longest id we accept back; anything else is replaced by a fresh id.
pub const MAX_ID_LEN: usize = 64;

/// The value of cookie `name` from `Cookie` header values (`a=1; b=2`), first match wins.
pub fn find<'a>(headers: impl IntoIterator<Item = &'a [u8]>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .filter_map(|h| std::str::from_utf8(h).ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

/// Whether `id` looks like one we issued: non-empty lowercase/uppercase hex, bounded length.
/// Anything else (which a client could send) is not trusted as a voter id.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new id from 64 random bits, as lowercase hex.
pub fn new_id(random: u64) -> String {
    format!("{random:0width$x}", width = ID_HEX_LEN)
}

/// The browser's voter id and, when it had none (or a bad one), the `Set-Cookie` value that
/// gives it `fresh`.
pub fn voter_id<'a>(
    headers: impl IntoIterator<Item = &'a [u8]>,
    fresh: impl FnOnce() -> String,
) -> (String, Option<String>) {
    match find(headers, NAME) {
        Some(id) if is_valid_id(id) => (id.to_string(), None),
        _ => {
            let id = fresh();
            let set = set_cookie(&id);
            (id, Some(set))
        }
    }
}

/// The `Set-Cookie` value: a year long, for the whole site, not readable by scripts.
pub fn set_cookie(id: &str) -> String {
    format!("{NAME}={id}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookie_among_others() {
        let h: [&[u8]; 2] = [b"a=1; voter_id=00ab ; c=3", b"voter_id=ffff"];
        assert_eq!(find(h, "voter_id"), Some("00ab"));
        assert_eq!(
            find([&b"x=1;voter_id=\"abc\""[..]], "voter_id"),
            Some("abc")
        );
        assert_eq!(find([&b"my_voter_id=1"[..]], "voter_id"), None);
        assert_eq!(find([&b"\xff\xfe"[..]], "voter_id"), None);
        assert_eq!(find(std::iter::empty(), "voter_id"), None);
    }

    #[test]
    fn validates_ids() {
        assert!(is_valid_id("0123456789abcdefABCDEF"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("xyz"));
        assert!(!is_valid_id("ab cd"));
        assert!(!is_valid_id(&"a".repeat(MAX_ID_LEN + 1)));
    }

    #[test]
    fn new_ids_are_fixed_width_hex() {
        assert_eq!(new_id(0), "0000000000000000");
        assert_eq!(new_id(u64::MAX), "ffffffffffffffff");
        assert!(is_valid_id(&new_id(12345)));
    }

    #[test]
    fn keeps_a_valid_id_and_replaces_others() {
        let (id, set) = voter_id([&b"voter_id=abc123"[..]], || unreachable!());
        assert_eq!((id.as_str(), set), ("abc123", None));

        for header in [&b""[..], b"voter_id=<script>", b"other=1"] {
            let (id, set) = voter_id([header], || "00000000000000ff".into());
            assert_eq!(id, "00000000000000ff");
            let set = set.expect("a new cookie is set");
            assert!(
                set.starts_with("voter_id=00000000000000ff; Path=/;"),
                "{set}"
            );
        }
    }
}

//! The server side of the WebSocket opening handshake (RFC 6455 §4.2): which requests may be
//! upgraded, and the `Sec-WebSocket-Accept` value. Framing is left to tungstenite.

use hyper::header::{HeaderMap, CONNECTION, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE};
use hyper::Method;

/// Checks that a request is a WebSocket upgrade and returns the `Sec-WebSocket-Accept` value,
/// or why it is not (answered with 400).
pub fn accept_key(method: &Method, headers: &HeaderMap) -> Result<String, &'static str> {
    if method != Method::GET {
        return Err("WebSocket upgrade needs GET");
    }
    let has_token = |name, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .map(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
                .unwrap_or(false)
        })
    };
    if !has_token(UPGRADE, "websocket") {
        return Err("missing Upgrade: websocket");
    }
    if !has_token(CONNECTION, "upgrade") {
        return Err("missing Connection: upgrade");
    }
    if headers.get(SEC_WEBSOCKET_VERSION).map(|v| v.as_bytes()) != Some(b"13") {
        return Err("Sec-WebSocket-Version must be 13");
    }
    let key = headers
        .get(SEC_WEBSOCKET_KEY)
        .ok_or("missing Sec-WebSocket-Key")?
        .as_bytes();
    // The key is base64 of 16 bytes: 24 characters ending in "==".
    let well_formed = key.len() == 24
        && key.ends_with(b"==")
        && key[..22]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/');
    if !well_formed {
        return Err("malformed Sec-WebSocket-Key");
    }
    Ok(tokio_tungstenite::tungstenite::handshake::derive_accept_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn upgrade_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        h.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        h.insert(
            SEC_WEBSOCKET_KEY,
            HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="),
        );
        h
    }

    #[test]
    fn computes_the_rfc_example() {
        assert_eq!(
            accept_key(&Method::GET, &upgrade_headers()).as_deref(),
            Ok("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        );
    }

    #[test]
    fn rejects_non_upgrades() {
        assert!(accept_key(&Method::POST, &upgrade_headers()).is_err());
        for (name, value) in [
            (UPGRADE, "h2c"),
            (CONNECTION, "close"),
            (SEC_WEBSOCKET_VERSION, "8"),
            (SEC_WEBSOCKET_KEY, "short"),
            (SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ!!"),
        ] {
            let mut h = upgrade_headers();
            h.insert(name.clone(), HeaderValue::from_static(value));
            assert!(accept_key(&Method::GET, &h).is_err(), "{name}: {value}");
        }
        let mut h = upgrade_headers();
        h.remove(SEC_WEBSOCKET_KEY);
        assert_eq!(
            accept_key(&Method::GET, &h),
            Err("missing Sec-WebSocket-Key")
        );
    }
}

//! RESP2, the Redis wire protocol: commands out, replies in.
//!
//! Only what the services need. Decoding is incremental (a reply may arrive in pieces) and
//! bounded, so a misbehaving server cannot make us allocate without limit or recurse forever.

use std::fmt;

/// Largest bulk string we accept. Votes are tiny; anything near this is a protocol error.
pub const MAX_BULK_LEN: usize = 16 << 20;
/// Largest array we accept (`BRPOP` answers with two elements).
pub const MAX_ARRAY_LEN: usize = 1 << 16;
/// Deepest nesting of arrays we accept.
pub const MAX_DEPTH: usize = 8;

/// A decoded reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `+OK`
    Simple(String),
    /// `-ERR ...`: the server refused the command.
    Error(String),
    /// `:1`
    Integer(i64),
    /// `$3\r\nfoo`, or `$-1` (`None`) for "no value".
    Bulk(Option<Vec<u8>>),
    /// `*2 ...`, or `*-1` (`None`), which `BRPOP` answers on timeout.
    Array(Option<Vec<Value>>),
}

/// The bytes could never become a valid reply; the connection is unusable afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RESP protocol error: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Encodes a command as an array of bulk strings, the form Redis accepts for any argument bytes.
pub fn encode_command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + args.iter().map(|a| a.len() + 16).sum::<usize>());
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Decodes one reply from the start of `buf`.
///
/// `Ok(None)` means more bytes are needed; `Ok(Some((value, used)))` consumed `used` bytes.
pub fn decode(buf: &[u8]) -> Result<Option<(Value, usize)>, ProtocolError> {
    decode_at(buf, 0, 0)
}

fn decode_at(
    buf: &[u8],
    pos: usize,
    depth: usize,
) -> Result<Option<(Value, usize)>, ProtocolError> {
    if depth > MAX_DEPTH {
        return Err(ProtocolError("arrays nested too deeply".into()));
    }
    let Some(&kind) = buf.get(pos) else {
        return Ok(None);
    };
    let Some((line, after_line)) = read_line(buf, pos + 1)? else {
        return Ok(None);
    };
    match kind {
        b'+' => Ok(Some((Value::Simple(text(line)?), after_line))),
        b'-' => Ok(Some((Value::Error(text(line)?), after_line))),
        b':' => Ok(Some((Value::Integer(integer(line)?), after_line))),
        b'$' => {
            let len = integer(line)?;
            if len == -1 {
                return Ok(Some((Value::Bulk(None), after_line)));
            }
            let len = length(len, MAX_BULK_LEN, "bulk string")?;
            let end = after_line + len;
            if buf.len() < end + 2 {
                return Ok(None);
            }
            if &buf[end..end + 2] != b"\r\n" {
                return Err(ProtocolError("bulk string not terminated by CRLF".into()));
            }
            Ok(Some((
                Value::Bulk(Some(buf[after_line..end].to_vec())),
                end + 2,
            )))
        }
        b'*' => {
            let len = integer(line)?;
            if len == -1 {
                return Ok(Some((Value::Array(None), after_line)));
            }
            let len = length(len, MAX_ARRAY_LEN, "array")?;
            // Do not trust `len` for the allocation before the elements have arrived.
            let mut items = Vec::with_capacity(len.min(16));
            let mut at = after_line;
            for _ in 0..len {
                match decode_at(buf, at, depth + 1)? {
                    Some((item, next)) => {
                        items.push(item);
                        at = next;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Value::Array(Some(items)), at)))
        }
        other => Err(ProtocolError(format!(
            "unknown reply type byte 0x{other:02x}"
        ))),
    }
}

/// Longest header line (`+`, `-`, `:`, `$`, `*`) we wait for before calling the peer broken.
const MAX_LINE: usize = 64 << 10;

fn read_line(buf: &[u8], start: usize) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let rest = buf.get(start..).unwrap_or_default();
    match rest.windows(2).position(|w| w == b"\r\n") {
        Some(i) => Ok(Some((&rest[..i], start + i + 2))),
        None if rest.len() > MAX_LINE => Err(ProtocolError("reply line too long".into())),
        None => Ok(None),
    }
}

fn text(line: &[u8]) -> Result<String, ProtocolError> {
    String::from_utf8(line.to_vec()).map_err(|_| ProtocolError("reply line is not UTF-8".into()))
}

fn integer(line: &[u8]) -> Result<i64, ProtocolError> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ProtocolError(format!("bad integer {:?}", String::from_utf8_lossy(line))))
}

fn length(len: i64, max: usize, what: &str) -> Result<usize, ProtocolError> {
    usize::try_from(len)
        .ok()
        .filter(|&l| l <= max)
        .ok_or_else(|| ProtocolError(format!("{what} length {len} out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_commands_as_bulk_arrays() {
        assert_eq!(encode_command(&[b"PING"]), b"*1\r\n$4\r\nPING\r\n");
        assert_eq!(
            encode_command(&[b"LPUSH", b"votes", b"{\"a\"}"]),
            b"*3\r\n$5\r\nLPUSH\r\n$5\r\nvotes\r\n$5\r\n{\"a\"}\r\n"
        );
        // Binary-safe: CRLF inside an argument is carried by the length, not escaped.
        assert_eq!(encode_command(&[b"a\r\nb"]), b"*1\r\n$4\r\na\r\nb\r\n");
        assert_eq!(encode_command(&[b""]), b"*1\r\n$0\r\n\r\n");
    }

    #[test]
    fn decodes_scalars() {
        assert_eq!(
            decode(b"+PONG\r\n"),
            Ok(Some((Value::Simple("PONG".into()), 7)))
        );
        assert_eq!(
            decode(b"-ERR wrong\r\n"),
            Ok(Some((Value::Error("ERR wrong".into()), 12)))
        );
        assert_eq!(decode(b":42\r\nrest"), Ok(Some((Value::Integer(42), 5))));
        assert_eq!(decode(b":-3\r\n"), Ok(Some((Value::Integer(-3), 5))));
        assert_eq!(
            decode(b"$3\r\nfoo\r\n"),
            Ok(Some((Value::Bulk(Some(b"foo".to_vec())), 9)))
        );
        assert_eq!(decode(b"$-1\r\n"), Ok(Some((Value::Bulk(None), 5))));
        assert_eq!(
            decode(b"$0\r\n\r\n"),
            Ok(Some((Value::Bulk(Some(vec![])), 6)))
        );
    }

    #[test]
    fn decodes_brpop_replies() {
        let reply = b"*2\r\n$5\r\nvotes\r\n$3\r\nabc\r\n";
        assert_eq!(
            decode(reply),
            Ok(Some((
                Value::Array(Some(vec![
                    Value::Bulk(Some(b"votes".to_vec())),
                    Value::Bulk(Some(b"abc".to_vec()))
                ])),
                reply.len()
            )))
        );
        assert_eq!(decode(b"*-1\r\n"), Ok(Some((Value::Array(None), 5))));
    }

    #[test]
    fn every_prefix_of_a_reply_asks_for_more() {
        let reply = b"*2\r\n$5\r\nvotes\r\n*1\r\n:7\r\n";
        for cut in 0..reply.len() {
            assert_eq!(decode(&reply[..cut]), Ok(None), "prefix of {cut} bytes");
        }
        assert!(matches!(decode(reply), Ok(Some((_, n))) if n == reply.len()));
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in [
            &b"?x\r\n"[..],
            b":abc\r\n",
            b"$-2\r\n",
            b"$99999999999\r\n",
            b"*-5\r\n",
            b"*99999999\r\n",
            b"$3\r\nfooXY",
            b"+\xff\xfe\r\n",
        ] {
            assert!(decode(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "*1\r\n".repeat(MAX_DEPTH + 2);
        assert!(decode(deep.as_bytes()).is_err());
        let long = vec![b'+'; MAX_LINE + 10];
        assert!(decode(&long).is_err());
    }
}

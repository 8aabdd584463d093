//! SPDY/3 frames and their header blocks, compressed with zlib and the protocol's dictionary
//! as one stream per direction.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

const VERSION: u16 = 3;
/// FIN on DATA, SYN_STREAM, SYN_REPLY and HEADERS: the sender will send nothing more.
pub const FLAG_FIN: u8 = 0x01;
/// A frame's length is 24 bits; we refuse more than this much payload anyway.
pub const MAX_PAYLOAD: usize = 1 << 24;
/// Decompressed header blocks larger than this are refused.
const MAX_HEADER_BLOCK: usize = 256 << 10;

const TYPE_SYN_STREAM: u16 = 1;
const TYPE_SYN_REPLY: u16 = 2;
const TYPE_RST_STREAM: u16 = 3;
const TYPE_SETTINGS: u16 = 4;
const TYPE_PING: u16 = 6;
const TYPE_GOAWAY: u16 = 7;
const TYPE_HEADERS: u16 = 8;
const TYPE_WINDOW_UPDATE: u16 = 9;

/// RST_STREAM status codes used here.
pub const RST_PROTOCOL_ERROR: u32 = 1;
pub const RST_REFUSED_STREAM: u32 = 3;
pub const RST_CANCEL: u32 = 5;

/// Header names (lowercase) and values; several values of one name are NUL-separated.
pub type Headers = Vec<(String, String)>;

/// The value of header `name` in `headers`.
pub fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    SynStream {
        stream: u32,
        flags: u8,
        headers: Headers,
    },
    SynReply {
        stream: u32,
        flags: u8,
        headers: Headers,
    },
    RstStream {
        stream: u32,
        status: u32,
    },
    Ping(u32),
    GoAway {
        last_stream: u32,
        status: u32,
    },
    Headers {
        stream: u32,
        flags: u8,
        headers: Headers,
    },
    Data {
        stream: u32,
        flags: u8,
        data: Bytes,
    },
    /// SETTINGS, WINDOW_UPDATE and frame types this implementation has no use for.
    Ignored,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("unsupported SPDY version {0}")]
    Version(u16),
    #[error("malformed {0} frame")]
    Malformed(&'static str),
    #[error("header block: {0}")]
    HeaderBlock(String),
}

/// The SPDY/3 header compression dictionary: length-prefixed header names and values, then
/// a run of common status texts and tokens. Its zlib id (Adler-32) is 0xe3c6a7c2.
pub fn dictionary() -> Vec<u8> {
    const WORDS: &[&str] = &[
        "options",
        "head",
        "post",
        "put",
        "delete",
        "trace",
        "accept",
        "accept-charset",
        "accept-encoding",
        "accept-language",
        "accept-ranges",
        "age",
        "allow",
        "authorization",
        "cache-control",
        "connection",
        "content-base",
        "content-encoding",
        "content-language",
        "content-length",
        "content-location",
        "content-md5",
        "content-range",
        "content-type",
        "date",
        "etag",
        "expect",
        "expires",
        "from",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "last-modified",
        "location",
        "max-forwards",
        "pragma",
        "proxy-authenticate",
        "proxy-authorization",
        "range",
        "referer",
        "retry-after",
        "server",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "vary",
        "via",
        "warning",
        "www-authenticate",
        "method",
        "get",
        "status",
        "200 OK",
        "version",
        "HTTP/1.1",
        "url",
        "public",
        "set-cookie",
        "keep-alive",
        "origin",
    ];
    const TAIL: &str = concat!(
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417",
        "502504505203 Non-Authoritative Information204 No Content301 Moved Permanently",
        "400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error",
        "501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct ",
        "Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,",
        "image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,",
        "publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
    );
    let mut out = Vec::with_capacity(1423);
    for w in WORDS {
        out.extend_from_slice(&(w.len() as u32).to_be_bytes());
        out.extend_from_slice(w.as_bytes());
    }
    out.extend_from_slice(TAIL.as_bytes());
    out
}

/// Encodes frames of one direction of a session (it owns that direction's zlib stream).
pub struct Encoder {
    deflate: Compress,
}

impl Default for Encoder {
    fn default() -> Self {
        let mut deflate = Compress::new(Compression::default(), true);
        deflate
            .set_dictionary(&dictionary())
            .expect("a fresh zlib stream takes a dictionary");
        Encoder { deflate }
    }
}

impl Encoder {
    /// Appends `frame` to `out`. Data larger than a frame can carry must be split by the caller.
    pub fn encode(&mut self, frame: &Frame, out: &mut BytesMut) {
        match frame {
            Frame::Data {
                stream,
                flags,
                data,
            } => {
                out.put_u32(stream & 0x7fff_ffff);
                out.put_u32(u32::from(*flags) << 24 | data.len() as u32);
                out.extend_from_slice(data);
            }
            Frame::SynStream {
                stream,
                flags,
                headers,
            } => {
                let block = self.compress(headers);
                control(out, TYPE_SYN_STREAM, *flags, 10 + block.len());
                out.put_u32(*stream);
                out.put_u32(0); // associated-to stream
                out.put_u16(0); // priority and slot
                out.extend_from_slice(&block);
            }
            Frame::SynReply {
                stream,
                flags,
                headers,
            }
            | Frame::Headers {
                stream,
                flags,
                headers,
            } => {
                let kind = if matches!(frame, Frame::SynReply { .. }) {
                    TYPE_SYN_REPLY
                } else {
                    TYPE_HEADERS
                };
                let block = self.compress(headers);
                control(out, kind, *flags, 4 + block.len());
                out.put_u32(*stream);
                out.extend_from_slice(&block);
            }
            Frame::RstStream { stream, status } => {
                control(out, TYPE_RST_STREAM, 0, 8);
                out.put_u32(*stream);
                out.put_u32(*status);
            }
            Frame::Ping(id) => {
                control(out, TYPE_PING, 0, 4);
                out.put_u32(*id);
            }
            Frame::GoAway {
                last_stream,
                status,
            } => {
                control(out, TYPE_GOAWAY, 0, 8);
                out.put_u32(*last_stream);
                out.put_u32(*status);
            }
            Frame::Ignored => {}
        }
    }

    fn compress(&mut self, headers: &Headers) -> Vec<u8> {
        let mut plain = Vec::new();
        plain.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        for (name, value) in headers {
            let name = name.to_ascii_lowercase();
            plain.extend_from_slice(&(name.len() as u32).to_be_bytes());
            plain.extend_from_slice(name.as_bytes());
            plain.extend_from_slice(&(value.len() as u32).to_be_bytes());
            plain.extend_from_slice(value.as_bytes());
        }
        let mut out = Vec::with_capacity(plain.len() + 64);
        let mut input = &plain[..];
        loop {
            let before = self.deflate.total_in();
            out.reserve(64 + input.len());
            // In-memory deflate cannot fail; a sync flush always ends on a byte boundary.
            let _ = self
                .deflate
                .compress_vec(input, &mut out, FlushCompress::Sync);
            input = &input[(self.deflate.total_in() - before) as usize..];
            if input.is_empty() && out.len() < out.capacity() {
                return out;
            }
        }
    }
}

fn control(out: &mut BytesMut, kind: u16, flags: u8, len: usize) {
    out.put_u16(0x8000 | VERSION);
    out.put_u16(kind);
    out.put_u32(u32::from(flags) << 24 | len as u32);
}

/// Decodes frames of one direction of a session.
pub struct Decoder {
    inflate: Decompress,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            inflate: Decompress::new(true),
        }
    }
}

impl Decoder {
    /// Takes one whole frame off the front of `buf`, or returns `None` when more bytes are
    /// needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        if buf.len() < 8 {
            return Ok(None);
        }
        let len = u32::from_be_bytes([0, buf[5], buf[6], buf[7]]) as usize;
        if buf.len() < 8 + len {
            buf.reserve(8 + len - buf.len());
            return Ok(None);
        }
        let head = buf.split_to(8);
        let mut body = buf.split_to(len).freeze();
        let flags = head[4];
        if head[0] & 0x80 == 0 {
            let stream = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            return Ok(Some(Frame::Data {
                stream,
                flags,
                data: body,
            }));
        }
        let version = u16::from_be_bytes([head[0], head[1]]) & 0x7fff;
        if version != VERSION {
            return Err(FrameError::Version(version));
        }
        let kind = u16::from_be_bytes([head[2], head[3]]);
        let need = |n: usize, what: &'static str| {
            if len < n {
                Err(FrameError::Malformed(what))
            } else {
                Ok(())
            }
        };
        Ok(Some(match kind {
            TYPE_SYN_STREAM => {
                need(10, "SYN_STREAM")?;
                let stream = body.get_u32() & 0x7fff_ffff;
                body.advance(6);
                Frame::SynStream {
                    stream,
                    flags,
                    headers: self.decompress(&body)?,
                }
            }
            TYPE_SYN_REPLY | TYPE_HEADERS => {
                need(4, "SYN_REPLY")?;
                let stream = body.get_u32() & 0x7fff_ffff;
                let headers = self.decompress(&body)?;
                if kind == TYPE_SYN_REPLY {
                    Frame::SynReply {
                        stream,
                        flags,
                        headers,
                    }
                } else {
                    Frame::Headers {
                        stream,
                        flags,
                        headers,
                    }
                }
            }
            TYPE_RST_STREAM => {
                need(8, "RST_STREAM")?;
                Frame::RstStream {
                    stream: body.get_u32() & 0x7fff_ffff,
                    status: body.get_u32(),
                }
            }
            TYPE_PING => {
                need(4, "PING")?;
                Frame::Ping(body.get_u32())
            }
            TYPE_GOAWAY => {
                need(4, "GOAWAY")?;
                let last_stream = body.get_u32() & 0x7fff_ffff;
                let status = if body.remaining() >= 4 {
                    body.get_u32()
                } else {
                    0
                };
                Frame::GoAway {
                    last_stream,
                    status,
                }
            }
            TYPE_SETTINGS | TYPE_WINDOW_UPDATE => Frame::Ignored,
            _ => Frame::Ignored,
        }))
    }

    fn decompress(&mut self, block: &[u8]) -> Result<Headers, FrameError> {
        let bad = |e: &dyn std::fmt::Display| FrameError::HeaderBlock(e.to_string());
        let mut plain = Vec::with_capacity(block.len() * 4 + 64);
        let mut input = block;
        loop {
            let before = self.inflate.total_in();
            if plain.len() == plain.capacity() {
                if plain.len() >= MAX_HEADER_BLOCK {
                    return Err(FrameError::HeaderBlock("too large".into()));
                }
                plain.reserve(plain.len().max(256));
            }
            let result = self
                .inflate
                .decompress_vec(input, &mut plain, FlushDecompress::Sync);
            input = &input[(self.inflate.total_in() - before) as usize..];
            match result {
                Ok(Status::StreamEnd) => break,
                Ok(_) if input.is_empty() && plain.len() < plain.capacity() => break,
                Ok(_) => {}
                Err(e) if e.needs_dictionary().is_some() => {
                    self.inflate
                        .set_dictionary(&dictionary())
                        .map_err(|e| bad(&e))?;
                }
                Err(e) => return Err(bad(&e)),
            }
        }
        parse_block(&plain)
    }
}

fn parse_block(mut b: &[u8]) -> Result<Headers, FrameError> {
    let short = || FrameError::HeaderBlock("truncated".into());
    let take = |b: &mut &[u8]| -> Result<String, FrameError> {
        if b.len() < 4 {
            return Err(short());
        }
        let n = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if b.len() < 4 + n {
            return Err(short());
        }
        let s = String::from_utf8_lossy(&b[4..4 + n]).into_owned();
        *b = &b[4 + n..];
        Ok(s)
    };
    if b.len() < 4 {
        return Err(short());
    }
    let count = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    b = &b[4..];
    let mut headers = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let name = take(&mut b)?;
        let value = take(&mut b)?;
        headers.push((name.to_ascii_lowercase(), value));
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Headers {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dictionary_is_the_protocols() {
        let d = dictionary();
        assert_eq!(d.len(), 1423);
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &d {
            a = (a + u32::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(b << 16 | a, 0xe3c6_a7c2);
    }

    #[test]
    fn frames_round_trip_with_one_compression_stream() {
        let frames = vec![
            Frame::SynStream {
                stream: 1,
                flags: 0,
                headers: h(&[("streamtype", "error"), ("port", "80"), ("requestid", "0")]),
            },
            Frame::SynStream {
                stream: 3,
                flags: FLAG_FIN,
                headers: h(&[("streamtype", "data"), ("port", "80"), ("requestid", "0")]),
            },
            Frame::SynReply {
                stream: 1,
                flags: 0,
                headers: vec![],
            },
            Frame::Data {
                stream: 3,
                flags: 0,
                data: Bytes::from_static(b"hello"),
            },
            Frame::Data {
                stream: 3,
                flags: FLAG_FIN,
                data: Bytes::new(),
            },
            Frame::RstStream {
                stream: 5,
                status: RST_CANCEL,
            },
            Frame::Ping(7),
            Frame::GoAway {
                last_stream: 3,
                status: 0,
            },
        ];
        let (mut enc, mut dec) = (Encoder::default(), Decoder::default());
        let mut wire = BytesMut::new();
        for f in &frames {
            enc.encode(f, &mut wire);
        }
        // Fed a byte at a time, the decoder waits for whole frames.
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for b in wire {
            buf.put_u8(b);
            while let Some(f) = dec.decode(&mut buf).unwrap() {
                got.push(f);
            }
        }
        assert_eq!(got, frames);
    }

    #[test]
    fn header_names_are_lowercased_and_looked_up_without_case() {
        let (mut enc, mut dec) = (Encoder::default(), Decoder::default());
        let mut wire = BytesMut::new();
        enc.encode(
            &Frame::SynStream {
                stream: 1,
                flags: 0,
                headers: h(&[("StreamType", "stdin")]),
            },
            &mut wire,
        );
        let Some(Frame::SynStream { headers, .. }) = dec.decode(&mut wire).unwrap() else {
            panic!("not a SYN_STREAM");
        };
        assert_eq!(headers, h(&[("streamtype", "stdin")]));
        assert_eq!(header(&headers, "streamType"), Some("stdin"));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let mut dec = Decoder::default();
        // Version 2 control frame.
        let mut b = BytesMut::from(&[0x80, 2, 0, 1, 0, 0, 0, 0][..]);
        assert_eq!(dec.decode(&mut b), Err(FrameError::Version(2)));
        // SYN_STREAM shorter than its fixed part.
        let mut b = BytesMut::from(&[0x80, 3, 0, 1, 0, 0, 0, 2, 0, 0][..]);
        assert!(matches!(dec.decode(&mut b), Err(FrameError::Malformed(_))));
        // A header block that is not zlib.
        let mut b = BytesMut::from(&[0x80, 3, 0, 2, 0, 0, 0, 8, 0, 0, 0, 1, 1, 2, 3, 4][..]);
        assert!(matches!(
            Decoder::default().decode(&mut b),
            Err(FrameError::HeaderBlock(_))
        ));
        assert!(parse_block(&[0, 0, 0, 1, 0, 0, 0, 9, b'a']).is_err());
    }
}

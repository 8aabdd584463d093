//! nftables netlink messages for loading set elements in bulk. No I/O.
//!
//! A full sync at 10,000 Services is ~200,000 map elements; `nft` spends over a second
//! parsing them as text, while the kernel needs a fraction of that to insert them. This
//! module writes them as nfnetlink messages directly: a batch (`BATCH_BEGIN` … `BATCH_END`,
//! one transaction) of `NEWSETELEM` messages, and the `DELTABLE` that retires the previous
//! table in the same transaction. Element keys and values are the text the rules produce
//! (`198.19.0.10 . tcp . 80`), encoded by the map's [`Layout`].

use std::net::Ipv4Addr;

const NLMSG_HDRLEN: usize = 16;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_CREATE: u16 = 0x400;
const NLA_F_NESTED: u16 = 0x8000;
const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
const NFNL_MSG_BATCH_END: u16 = 0x11;
const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFT_MSG_GETTABLE: u16 = 1;
const NFT_MSG_DELTABLE: u16 = 2;
const NFT_MSG_NEWSETELEM: u16 = 12;
const NFPROTO_IPV4: u8 = 2;

const NFTA_TABLE_NAME: u16 = 1;
const NFTA_SET_ELEM_LIST_TABLE: u16 = 1;
const NFTA_SET_ELEM_LIST_SET: u16 = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS: u16 = 3;
const NFTA_LIST_ELEM: u16 = 1;
const NFTA_SET_ELEM_KEY: u16 = 1;
const NFTA_SET_ELEM_DATA: u16 = 2;
const NFTA_SET_ELEM_USERDATA: u16 = 6;
const NFTA_DATA_VALUE: u16 = 1;
const NFTA_DATA_VERDICT: u16 = 2;
const NFTA_VERDICT_CODE: u16 = 1;
const NFTA_VERDICT_CHAIN: u16 = 2;
/// nft's user-data type for an element's comment (libnftnl's `NFTNL_UDATA_SET_ELEM_COMMENT`).
const UDATA_ELEM_COMMENT: u8 = 0;

const NF_DROP: i32 = 0;
const NFT_JUMP: i32 = -3;
const NFT_GOTO: i32 = -4;

/// An attribute's length is 16 bits: a message's element list stays well below that.
const ELEMENTS_BYTES_PER_MESSAGE: usize = 48 * 1024;

/// The netlink message type of an nftables command.
fn nft_type(msg: u16) -> u16 {
    (NFNL_SUBSYS_NFTABLES << 8) | msg
}

/// One field of a concatenated key or value. The kernel keeps each field in 32-bit
/// registers, so every field takes a multiple of four bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// An IPv4 address, network order.
    Addr,
    /// An IP protocol by name (`tcp`, `udp`, `sctp`), one byte.
    Proto,
    /// A port, network order.
    Port,
    /// A `numgen` result, in host order.
    Slot,
}

/// What a map's elements map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// A set: nothing.
    None,
    /// A verdict (`drop`, `goto CHAIN`, `jump CHAIN`).
    Verdict,
    /// A concatenation of fields.
    Fields(&'static [Field]),
}

/// How a map's elements are laid out in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub key: &'static [Field],
    pub data: Data,
}

fn push_u16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_ne_bytes());
}

fn push_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_ne_bytes());
}

fn pad(buf: &mut Vec<u8>) {
    while !buf.len().is_multiple_of(4) {
        buf.push(0);
    }
}

/// Encodes `text` (`a . b . c`) as `fields`.
pub fn encode_fields(fields: &[Field], text: &str) -> Result<Vec<u8>, String> {
    let parts: Vec<&str> = text.split(" . ").map(str::trim).collect();
    if parts.len() != fields.len() {
        return Err(format!("{text:?} does not have {} fields", fields.len()));
    }
    let mut out = Vec::with_capacity(4 * fields.len());
    for (field, part) in fields.iter().zip(parts) {
        let bad = || format!("{part:?} in {text:?} is not {field:?}");
        match field {
            Field::Addr => {
                let ip: Ipv4Addr = part.parse().map_err(|_| bad())?;
                out.extend_from_slice(&ip.octets());
            }
            Field::Proto => {
                let number: u8 = match part {
                    "tcp" => 6,
                    "udp" => 17,
                    "sctp" => 132,
                    _ => return Err(bad()),
                };
                out.extend_from_slice(&[number, 0, 0, 0]);
            }
            Field::Port => {
                let port: u16 = part.parse().map_err(|_| bad())?;
                out.extend_from_slice(&port.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
            }
            Field::Slot => {
                let slot: u32 = part.parse().map_err(|_| bad())?;
                out.extend_from_slice(&slot.to_ne_bytes());
            }
        }
    }
    Ok(out)
}

/// A verdict's code and chain.
fn parse_verdict(text: &str) -> Result<(i32, Option<&str>), String> {
    match text.split_once(' ') {
        None if text == "drop" => Ok((NF_DROP, None)),
        Some(("goto", chain)) => Ok((NFT_GOTO, Some(chain))),
        Some(("jump", chain)) => Ok((NFT_JUMP, Some(chain))),
        _ => Err(format!("unsupported verdict {text:?}")),
    }
}

/// A buffer of netlink attributes; nests are closed by patching their length.
struct Attrs<'a> {
    buf: &'a mut Vec<u8>,
}

impl Attrs<'_> {
    fn put(&mut self, kind: u16, payload: &[u8]) {
        push_u16(self.buf, (4 + payload.len()) as u16);
        push_u16(self.buf, kind);
        self.buf.extend_from_slice(payload);
        pad(self.buf);
    }

    fn put_str(&mut self, kind: u16, s: &str) {
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0);
        self.put(kind, &bytes);
    }

    fn begin(&mut self, kind: u16) -> usize {
        let at = self.buf.len();
        push_u16(self.buf, 0);
        push_u16(self.buf, kind | NLA_F_NESTED);
        at
    }

    fn end(&mut self, at: usize) {
        let len = (self.buf.len() - at) as u16;
        self.buf[at..at + 2].copy_from_slice(&len.to_ne_bytes());
    }
}

/// One nfnetlink transaction being written.
pub struct Batch {
    buf: Vec<u8>,
    next_seq: u32,
    /// Sequence numbers of the messages that ask for an acknowledgement.
    acked: Vec<u32>,
}

impl Batch {
    /// Starts a batch whose messages are numbered from `first_seq`.
    pub fn new(first_seq: u32) -> Batch {
        let mut batch = Batch {
            buf: Vec::new(),
            next_seq: first_seq,
            acked: Vec::new(),
        };
        let at = batch.header(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, 0);
        batch.finish_message(at);
        batch
    }

    /// Writes a message header and the nfgenmsg; returns where the message starts.
    fn header(&mut self, kind: u16, flags: u16, family: u8) -> usize {
        let at = self.buf.len();
        let seq = self.next_seq;
        self.next_seq += 1;
        if flags & NLM_F_ACK != 0 {
            self.acked.push(seq);
        }
        push_u32(&mut self.buf, 0);
        push_u16(&mut self.buf, kind);
        push_u16(&mut self.buf, flags);
        push_u32(&mut self.buf, seq);
        push_u32(&mut self.buf, 0);
        self.buf.push(family);
        self.buf.push(0);
        // The batch messages carry the subsystem in res_id (big-endian); others zero.
        let res_id = if family == 0 { NFNL_SUBSYS_NFTABLES } else { 0 };
        self.buf.extend_from_slice(&res_id.to_be_bytes());
        at
    }

    fn finish_message(&mut self, at: usize) {
        let len = (self.buf.len() - at) as u32;
        self.buf[at..at + 4].copy_from_slice(&len.to_ne_bytes());
    }

    /// Adds elements (`(key, value, comment)` as the rules write them) to `set` of the
    /// `ip` table `table`.
    pub fn add_elements<'a>(
        &mut self,
        table: &str,
        set: &str,
        layout: Layout,
        elements: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<(), String> {
        let mut elements = elements.into_iter().peekable();
        while elements.peek().is_some() {
            let at = self.header(
                nft_type(NFT_MSG_NEWSETELEM),
                NLM_F_REQUEST | NLM_F_CREATE | NLM_F_ACK,
                NFPROTO_IPV4,
            );
            let mut attrs = Attrs { buf: &mut self.buf };
            attrs.put_str(NFTA_SET_ELEM_LIST_TABLE, table);
            attrs.put_str(NFTA_SET_ELEM_LIST_SET, set);
            let list = attrs.begin(NFTA_SET_ELEM_LIST_ELEMENTS);
            while let Some((key, value, comment)) =
                elements.next_if(|_| attrs.buf.len() - list < ELEMENTS_BYTES_PER_MESSAGE)
            {
                let element = attrs.begin(NFTA_LIST_ELEM);
                let k = attrs.begin(NFTA_SET_ELEM_KEY);
                attrs.put(NFTA_DATA_VALUE, &encode_fields(layout.key, key)?);
                attrs.end(k);
                match layout.data {
                    Data::None => {}
                    Data::Fields(fields) => {
                        let d = attrs.begin(NFTA_SET_ELEM_DATA);
                        attrs.put(NFTA_DATA_VALUE, &encode_fields(fields, value)?);
                        attrs.end(d);
                    }
                    Data::Verdict => {
                        let (code, chain) = parse_verdict(value)?;
                        let d = attrs.begin(NFTA_SET_ELEM_DATA);
                        let v = attrs.begin(NFTA_DATA_VERDICT);
                        attrs.put(NFTA_VERDICT_CODE, &code.to_be_bytes());
                        if let Some(chain) = chain {
                            attrs.put_str(NFTA_VERDICT_CHAIN, chain);
                        }
                        attrs.end(v);
                        attrs.end(d);
                    }
                }
                // A comment's length is one byte; longer ones (never made) are left out.
                if !comment.is_empty() && comment.len() < 255 {
                    let mut udata = vec![UDATA_ELEM_COMMENT, (comment.len() + 1) as u8];
                    udata.extend_from_slice(comment.as_bytes());
                    udata.push(0);
                    attrs.put(NFTA_SET_ELEM_USERDATA, &udata);
                }
                attrs.end(element);
            }
            attrs.end(list);
            self.finish_message(at);
        }
        Ok(())
    }

    /// Deletes the `ip` table `table` (which must exist).
    pub fn delete_table(&mut self, table: &str) {
        let at = self.header(
            nft_type(NFT_MSG_DELTABLE),
            NLM_F_REQUEST | NLM_F_ACK,
            NFPROTO_IPV4,
        );
        Attrs { buf: &mut self.buf }.put_str(NFTA_TABLE_NAME, table);
        self.finish_message(at);
    }

    /// Ends the batch: the bytes to send in one `sendmsg`, and the sequence numbers whose
    /// acknowledgements say it was committed.
    pub fn finish(mut self) -> (Vec<u8>, Vec<u32>) {
        let at = self.header(NFNL_MSG_BATCH_END, NLM_F_REQUEST, 0);
        self.finish_message(at);
        (self.buf, self.acked)
    }
}

/// A request for one `ip` table, answered with the table or an error (ENOENT when absent).
pub fn get_table(seq: u32, table: &str) -> Vec<u8> {
    let mut batch = Batch {
        buf: Vec::new(),
        next_seq: seq,
        acked: Vec::new(),
    };
    let at = batch.header(
        nft_type(NFT_MSG_GETTABLE),
        NLM_F_REQUEST | NLM_F_ACK,
        NFPROTO_IPV4,
    );
    Attrs {
        buf: &mut batch.buf,
    }
    .put_str(NFTA_TABLE_NAME, table);
    batch.finish_message(at);
    batch.buf
}

/// A netlink reply: an error (or acknowledgement, error 0) for a sequence number, or
/// another message.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// `NLMSG_ERROR`: the errno (0 acknowledges) for the message numbered `seq`.
    Ack { seq: u32, errno: i32 },
    /// Any other message (for example the table a `GETTABLE` asked for).
    Other { seq: u32 },
}

const NLMSG_ERROR: u16 = 2;

/// Splits received bytes into replies.
pub fn parse_replies(mut bytes: &[u8]) -> Result<Vec<Reply>, String> {
    let mut replies = Vec::new();
    while bytes.len() >= NLMSG_HDRLEN {
        let len = u32::from_ne_bytes(bytes[0..4].try_into().unwrap()) as usize;
        if len < NLMSG_HDRLEN || len > bytes.len() {
            return Err(format!("malformed netlink reply (length {len})"));
        }
        let kind = u16::from_ne_bytes(bytes[4..6].try_into().unwrap());
        let seq = u32::from_ne_bytes(bytes[8..12].try_into().unwrap());
        if kind == NLMSG_ERROR {
            let body = &bytes[NLMSG_HDRLEN..len];
            if body.len() < 4 + NLMSG_HDRLEN {
                return Err("short netlink error message".into());
            }
            let errno = -i32::from_ne_bytes(body[0..4].try_into().unwrap());
            // The error echoes the header of the message it answers.
            let answered = u32::from_ne_bytes(body[12..16].try_into().unwrap());
            replies.push(Reply::Ack {
                seq: answered,
                errno,
            });
        } else {
            replies.push(Reply::Other { seq });
        }
        bytes = &bytes[(len + 3) & !3..];
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_register_aligned_with_their_byte_orders() {
        let key = encode_fields(
            &[Field::Addr, Field::Proto, Field::Port],
            "198.19.0.10 . tcp . 80",
        )
        .unwrap();
        assert_eq!(key, [198, 19, 0, 10, 6, 0, 0, 0, 0, 80, 0, 0]);
        let slot = encode_fields(&[Field::Port, Field::Slot], "30080 . 2").unwrap();
        assert_eq!(&slot[..4], &[0x75, 0x80, 0, 0]);
        assert_eq!(&slot[4..], &2u32.to_ne_bytes());
        assert!(encode_fields(&[Field::Addr], "198.19.0.10 . 80").is_err());
        assert!(encode_fields(&[Field::Proto], "icmp").is_err());
        assert!(encode_fields(&[Field::Port], "70000").is_err());
    }

    #[test]
    fn verdicts() {
        assert_eq!(parse_verdict("drop"), Ok((NF_DROP, None)));
        assert_eq!(parse_verdict("goto lb-2"), Ok((NFT_GOTO, Some("lb-2"))));
        assert_eq!(parse_verdict("jump x"), Ok((NFT_JUMP, Some("x"))));
        assert!(parse_verdict("accept please").is_err());
    }

    /// Walks a batch's messages: (type, flags, seq, length).
    fn messages(buf: &[u8]) -> Vec<(u16, u16, u32, usize)> {
        let mut out = Vec::new();
        let mut rest = buf;
        while !rest.is_empty() {
            let len = u32::from_ne_bytes(rest[0..4].try_into().unwrap()) as usize;
            let kind = u16::from_ne_bytes(rest[4..6].try_into().unwrap());
            let flags = u16::from_ne_bytes(rest[6..8].try_into().unwrap());
            let seq = u32::from_ne_bytes(rest[8..12].try_into().unwrap());
            assert!(len.is_multiple_of(4));
            out.push((kind, flags, seq, len));
            rest = &rest[len..];
        }
        out
    }

    #[test]
    fn a_batch_frames_element_messages_within_attribute_limits() {
        let layout = Layout {
            key: &[Field::Addr, Field::Proto, Field::Port],
            data: Data::Verdict,
        };
        let keys: Vec<String> = (0..5000)
            .map(|i| format!("198.19.{}.{} . tcp . 80", i / 256, i % 256))
            .collect();
        let mut batch = Batch::new(7);
        batch
            .add_elements(
                "t",
                "service-ips",
                layout,
                keys.iter()
                    .map(|k| (k.as_str(), "goto lb-1", "ns/svc:http")),
            )
            .unwrap();
        batch.delete_table("old");
        let (buf, acked) = batch.finish();
        let msgs = messages(&buf);
        assert_eq!(msgs.first().unwrap().0, NFNL_MSG_BATCH_BEGIN);
        assert_eq!(msgs.last().unwrap().0, NFNL_MSG_BATCH_END);
        let elements: Vec<_> = msgs
            .iter()
            .filter(|m| m.0 == nft_type(NFT_MSG_NEWSETELEM))
            .collect();
        assert!(elements.len() > 1, "split into several messages");
        assert!(elements.iter().all(|m| m.3 < 64 * 1024));
        assert_eq!(msgs[msgs.len() - 2].0, nft_type(NFT_MSG_DELTABLE));
        // Every command is acknowledged; the batch markers are not.
        assert_eq!(acked.len(), msgs.len() - 2);
        assert_eq!(
            msgs.iter().map(|m| m.2).collect::<Vec<_>>(),
            (7..7 + msgs.len() as u32).collect::<Vec<_>>()
        );
        // A bad element fails the batch instead of being skipped.
        let mut bad = Batch::new(1);
        assert!(bad
            .add_elements("t", "s", layout, [("198.19.0.1 . tcp", "drop", "")])
            .is_err());
    }

    #[test]
    fn replies_are_acknowledgements_or_errors_by_sequence() {
        let mut bytes = Vec::new();
        for (seq, errno) in [(5u32, 0i32), (6, 17)] {
            push_u32(&mut bytes, 36);
            push_u16(&mut bytes, NLMSG_ERROR);
            push_u16(&mut bytes, 0);
            push_u32(&mut bytes, seq);
            push_u32(&mut bytes, 0);
            bytes.extend_from_slice(&(-errno).to_ne_bytes());
            // The answered message's header.
            push_u32(&mut bytes, 20);
            push_u16(&mut bytes, nft_type(NFT_MSG_NEWSETELEM));
            push_u16(&mut bytes, 0);
            push_u32(&mut bytes, seq);
            push_u32(&mut bytes, 0);
        }
        assert_eq!(
            parse_replies(&bytes).unwrap(),
            vec![
                Reply::Ack { seq: 5, errno: 0 },
                Reply::Ack { seq: 6, errno: 17 }
            ]
        );
        assert!(parse_replies(&[255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }
}

//! Message-level helpers shared by the UDP and TCP paths: error replies for packets too broken
//! to decode, fitting replies into a UDP client's payload size, and checking that an upstream's
//! packet really answers the question that was relayed. No I/O.

use hickory_proto::op::{Edns, Header, Message, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder};

use crate::records::MAX_UDP_PAYLOAD;

/// Size of the fixed DNS header.
pub(crate) const HEADER_LEN: usize = 12;

/// The most a reply may carry over TCP (the 2-byte length prefix).
pub(crate) const TCP_LIMIT: usize = u16::MAX as usize;

/// RFC 1035's UDP payload size, for clients without EDNS.
const PLAIN_UDP_LIMIT: u16 = 512;

/// QR: the packet is a response.
const QR_BIT: u8 = 0x80;
/// RA (in the second flags byte): recursion is available.
const RA_BIT: u8 = 0x80;
/// TC: the packet was truncated.
const TC_BIT: u8 = 0x02;

/// True when the packet's header says it is a response: the server never answers those, so two
/// servers pointed at each other cannot ping-pong.
pub(crate) fn is_response(packet: &[u8]) -> bool {
    packet.get(2).is_some_and(|flags| flags & QR_BIT != 0)
}

/// True when the packet's header has the TC bit.
pub(crate) fn is_truncated(packet: &[u8]) -> bool {
    packet.get(2).is_some_and(|flags| flags & TC_BIT != 0)
}

/// Overwrites the message id (the first two bytes), used to give relayed queries an id of our
/// own choosing and to restore the client's on the way back.
pub(crate) fn set_id(packet: &mut [u8], id: u16) {
    if let Some(head) = packet.get_mut(..2) {
        head.copy_from_slice(&id.to_be_bytes());
    }
}

/// A FormErr reply built from nothing but a query's header, for packets whose body does not
/// decode. `None` (drop the packet) when there is no complete header or it is not a query.
pub(crate) fn formerr_from_header(packet: &[u8]) -> Option<Vec<u8>> {
    let header = packet.get(..HEADER_LEN)?;
    if is_response(header) {
        return None;
    }
    let opcode_and_rd = header[2] & 0x79;
    let mut out = vec![0u8; HEADER_LEN];
    out[..2].copy_from_slice(&header[..2]);
    out[2] = QR_BIT | opcode_and_rd;
    out[3] = RA_BIT | ResponseCode::FormErr.low();
    Some(out)
}

/// The most a UDP reply to `request` may carry: the client's EDNS payload size (512 without
/// EDNS), but no more than the size this server advertises, so replies are not fragmented.
pub(crate) fn udp_limit(request: &Message) -> usize {
    let asked = request
        .edns
        .as_ref()
        .map_or(PLAIN_UDP_LIMIT, Edns::max_payload);
    usize::from(asked.clamp(PLAIN_UDP_LIMIT, MAX_UDP_PAYLOAD.max(PLAIN_UDP_LIMIT)))
}

/// SERVFAIL for a query no upstream answered.
pub(crate) fn servfail(request: &Message) -> Message {
    let mut msg = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
    msg.metadata = Metadata::response_from_request(&request.metadata);
    msg.metadata.recursion_available = true;
    msg.metadata.response_code = ResponseCode::ServFail;
    msg.queries = request.queries.clone();
    msg.edns = our_edns(request);
    msg
}

/// The OPT record of a reply: present exactly when the request had one.
fn our_edns(request: &Message) -> Option<Edns> {
    request.edns.as_ref().map(|_| {
        let mut edns = Edns::new();
        edns.set_max_payload(MAX_UDP_PAYLOAD);
        edns
    })
}

/// A reply that says only "truncated, ask over TCP": the header of `metadata` with TC, the
/// request's question and OPT record, no records.
fn truncated(metadata: Metadata, request: &Message) -> Option<Vec<u8>> {
    let mut msg = Message::new(metadata.id, MessageType::Response, metadata.op_code);
    msg.metadata = metadata;
    msg.metadata.truncation = true;
    msg.queries = request.queries.clone();
    msg.edns = our_edns(request);
    msg.to_vec().ok()
}

/// Encodes a reply of our own, truncated when it does not fit in `limit` bytes. Should the
/// message not encode at all, the client gets a bare SERVFAIL header rather than silence.
pub(crate) fn encode(msg: &Message, request: &Message, limit: usize) -> Option<Vec<u8>> {
    match msg.to_vec() {
        Ok(bytes) if bytes.len() <= limit => Some(bytes),
        Ok(_) => truncated(msg.metadata, request),
        Err(error) => {
            tracing::warn!(%error, "could not encode a DNS reply");
            let mut failed = msg.metadata;
            failed.response_code = ResponseCode::ServFail;
            truncated(failed, request).map(|mut bytes| {
                // Not a size problem: clear TC again so the client does not retry over TCP.
                if let Some(flags) = bytes.get_mut(2) {
                    *flags &= !TC_BIT;
                }
                bytes
            })
        }
    }
}

/// Fits an upstream's reply into `limit` bytes: unchanged when it fits, else the upstream's
/// header with TC set and no records, so the client retries over TCP.
pub(crate) fn fit_relayed(reply: Vec<u8>, request: &Message, limit: usize) -> Option<Vec<u8>> {
    if reply.len() <= limit {
        return Some(reply);
    }
    let header = Header::read(&mut BinDecoder::new(&reply)).ok()?;
    truncated(header.metadata, request)
}

/// True when `packet` is a response with `id` to `request`'s question. An upstream may leave
/// the question out of an error response; anything else must echo it (names compare without
/// regard to case).
pub(crate) fn answers(packet: &[u8], id: u16, request: &Message) -> bool {
    if packet.len() < HEADER_LEN || !is_response(packet) {
        return false;
    }
    let mut decoder = BinDecoder::new(packet);
    let Ok(header) = Header::read(&mut decoder) else {
        return false;
    };
    if header.metadata.id != id {
        return false;
    }
    if header.counts.queries == 0 {
        return header.metadata.response_code != ResponseCode::NoError;
    }
    match Message::read_queries(&mut decoder, usize::from(header.counts.queries)) {
        Ok(queries) => queries == request.queries,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::rdata::A;
    use hickory_proto::rr::{Name, RData, Record, RecordType};

    fn request(edns_payload: Option<u16>) -> Message {
        let mut msg = Message::new(99, MessageType::Query, OpCode::Query);
        msg.metadata.recursion_desired = true;
        let name = Name::from_ascii("example.org.").expect("name");
        msg.queries.push(Query::query(name, RecordType::A));
        msg.edns = edns_payload.map(|p| {
            let mut e = Edns::new();
            e.set_max_payload(p);
            e
        });
        msg
    }

    fn big_reply(request: &Message, records: u8) -> Message {
        let mut msg = servfail(request);
        msg.metadata.response_code = ResponseCode::NoError;
        let name = request.queries[0].name().clone();
        for i in 0..records {
            let rdata = RData::A(A::new(198, 18, 100, i));
            msg.answers.push(Record::from_rdata(name.clone(), 5, rdata));
        }
        msg
    }

    #[test]
    fn formerr_keeps_id_opcode_and_rd() {
        let query = [0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff];
        let reply = formerr_from_header(&query).expect("header parses");
        let msg = Message::from_vec(&reply).expect("reply decodes");
        assert_eq!(msg.metadata.id, 0xabcd);
        assert_eq!(msg.metadata.message_type, MessageType::Response);
        assert_eq!(msg.metadata.response_code, ResponseCode::FormErr);
        assert!(msg.metadata.recursion_desired);
        assert!(msg.queries.is_empty());
    }

    #[test]
    fn broken_packets_without_a_query_header_are_dropped() {
        assert_eq!(formerr_from_header(&[1, 2, 3]), None);
        let response = [0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(formerr_from_header(&response), None);
    }

    #[test]
    fn udp_limit_follows_edns_within_bounds() {
        assert_eq!(udp_limit(&request(None)), 512);
        assert_eq!(udp_limit(&request(Some(100))), 512);
        assert_eq!(udp_limit(&request(Some(1000))), 1000);
        assert_eq!(
            udp_limit(&request(Some(4096))),
            usize::from(MAX_UDP_PAYLOAD)
        );
    }

    #[test]
    fn oversized_replies_are_truncated_with_the_question() {
        let req = request(None);
        let reply = big_reply(&req, 60);
        let full = encode(&reply, &req, TCP_LIMIT).expect("encodes");
        assert!(full.len() > 512);
        assert!(!is_truncated(&full));
        let cut = encode(&reply, &req, 512).expect("encodes");
        assert!(cut.len() <= 512);
        let msg = Message::from_vec(&cut).expect("decodes");
        assert!(msg.metadata.truncation);
        assert!(msg.answers.is_empty());
        assert_eq!(msg.queries, req.queries);
        assert_eq!(msg.metadata.id, 99);
    }

    #[test]
    fn relayed_replies_are_cut_only_when_too_big() {
        let req = request(Some(1232));
        let small = big_reply(&req, 2).to_vec().expect("encodes");
        assert_eq!(fit_relayed(small.clone(), &req, 1232), Some(small));
        let large = big_reply(&req, 100).to_vec().expect("encodes");
        let cut = fit_relayed(large, &req, 1232).expect("header parses");
        let msg = Message::from_vec(&cut).expect("decodes");
        assert!(msg.metadata.truncation);
        assert!(msg.edns.is_some(), "OPT kept for an EDNS client");
    }

    #[test]
    fn answers_checks_id_and_question() {
        let req = request(None);
        let reply = big_reply(&req, 1).to_vec().expect("encodes");
        assert!(answers(&reply, 99, &req));
        assert!(!answers(&reply, 100, &req), "wrong id");
        let other = {
            let mut r = request(None);
            r.queries[0] = Query::query(
                Name::from_ascii("evil.example.").expect("name"),
                RecordType::A,
            );
            big_reply(&r, 1).to_vec().expect("encodes")
        };
        assert!(!answers(&other, 99, &req), "wrong question");
        let query = req.to_vec().expect("encodes");
        assert!(!answers(&query, 99, &req), "not a response");
        assert!(!answers(&reply[..5], 99, &req), "short");
    }

    #[test]
    fn set_id_rewrites_the_first_two_bytes() {
        let mut packet = vec![0, 0, 7];
        set_id(&mut packet, 0x1234);
        assert_eq!(packet, vec![0x12, 0x34, 7]);
        let mut short = vec![1];
        set_id(&mut short, 5);
        assert_eq!(short, vec![1]);
    }
}

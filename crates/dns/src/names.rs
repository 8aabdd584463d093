//! Name arithmetic the cluster zone needs: building child names from API strings, the dashed
//! IP form (`198-18-100-1`) used by pod and endpoint names, and reverse (`*.arpa`) names.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::rr::Name;

use crate::model::is_label;

/// `label.parent`, or `None` when `label` is not a valid label.
pub(crate) fn child(parent: &Name, label: &str) -> Option<Name> {
    if !is_label(label) {
        return None;
    }
    parent.prepend_label(label.as_bytes()).ok()
}

/// The dashed form of an address, as CoreDNS names endpoints without a hostname:
/// `198.18.100.1` → `198-18-100-1`, `fd00::1` → `fd00--1`.
pub(crate) fn dashed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string().replace('.', "-"),
        IpAddr::V6(v6) => v6.to_string().replace(':', "-"),
    }
}

/// Parses a dashed address label back (`198-18-100-1`, `fd00--1`), case-insensitively.
pub(crate) fn undashed(label: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(label).ok()?;
    if text.is_empty() || text.len() > 45 {
        return None;
    }
    if let Ok(v4) = text.replace('-', ".").parse::<Ipv4Addr>() {
        return Some(IpAddr::V4(v4));
    }
    text.replace('-', ":")
        .parse::<Ipv6Addr>()
        .ok()
        .map(IpAddr::V6)
}

/// The address a full-length `in-addr.arpa.`/`ip6.arpa.` name stands for.
pub(crate) fn reverse_ip(name: &Name) -> Option<IpAddr> {
    let net = name.parse_arpa_name().ok()?;
    (net.prefix_len() == net.max_prefix_len()).then(|| net.addr())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::from_ascii(s).expect("test name")
    }

    #[test]
    fn dashed_round_trips() {
        for ip in ["198.18.100.1", "fd00::1", "2001:db8::a:b", "::1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(undashed(dashed(ip).as_bytes()), Some(ip));
        }
        assert_eq!(dashed("198.18.2.3".parse().unwrap()), "198-18-2-3");
        assert_eq!(dashed("fd00::1".parse().unwrap()), "fd00--1");
        assert_eq!(undashed(b"FD00--1"), Some("fd00::1".parse().unwrap()));
        assert_eq!(undashed(b"web-0"), None);
        assert_eq!(undashed(b"1-2-3"), None);
        assert_eq!(undashed(b""), None);
    }

    #[test]
    fn child_validates_labels() {
        let base = name("svc.cluster.local.");
        assert_eq!(child(&base, "ns"), Some(name("ns.svc.cluster.local.")));
        assert_eq!(
            child(&base, "_http"),
            Some(name("_http.svc.cluster.local."))
        );
        assert_eq!(child(&base, "a.b"), None);
        assert_eq!(child(&base, "Upper"), None);
        assert_eq!(child(&base, ""), None);
        assert_eq!(child(&base, &"x".repeat(64)), None);
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_ip(&name("1.0.19.198.in-addr.arpa.")),
            Some("198.19.0.1".parse().unwrap())
        );
        let v6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.";
        assert_eq!(reverse_ip(&name(v6)), Some("fd00::1".parse().unwrap()));
        assert_eq!(reverse_ip(&name("19.198.in-addr.arpa.")), None);
        assert_eq!(reverse_ip(&name("x.in-addr.arpa.")), None);
        assert_eq!(reverse_ip(&name("example.com.")), None);
    }
}

//! A pod's `resolv.conf`, as kubelet derives it from `dnsPolicy`, `dnsConfig`, the cluster DNS
//! service and the host's resolver configuration. No I/O.

use k8s_openapi::api::core::v1::PodSpec;

/// What goes into a pod's `resolv.conf` (the CRI `DNSConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvConf {
    pub servers: Vec<String>,
    pub searches: Vec<String>,
    /// `name` or `name:value`.
    pub options: Vec<String>,
}

/// Kubelet's limits: resolvers read at most 3 name servers; search paths are capped.
const MAX_SERVERS: usize = 3;
const MAX_SEARCHES: usize = 32;

impl ResolvConf {
    /// Parses `resolv.conf` text (`nameserver`, `search`/`domain`, `options`).
    pub fn parse(text: &str) -> ResolvConf {
        let mut conf = ResolvConf::default();
        for line in text.lines() {
            let line = line.split(['#', ';']).next().unwrap_or("");
            let mut words = line.split_whitespace();
            match words.next() {
                Some("nameserver") => conf.servers.extend(words.next().map(str::to_owned)),
                Some("search") | Some("domain") => {
                    conf.searches = words.map(str::to_owned).collect();
                }
                Some("options") => conf.options.extend(words.map(str::to_owned)),
                _ => {}
            }
        }
        conf
    }
}

/// The cluster side of pod DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDns {
    /// The DNS Service's addresses (`198.19.0.10`); empty when the cluster has no DNS.
    pub servers: Vec<String>,
    /// The cluster domain (`cluster.local`).
    pub domain: String,
}

/// The `resolv.conf` of a pod in `namespace`: `ClusterFirst` (the default) points at the
/// cluster DNS with the namespace's search path and `ndots:5`; `Default` copies the host's;
/// `None` takes only `dnsConfig`; host-network pods use the host's unless the policy is
/// `ClusterFirstWithHostNet`. `dnsConfig` is merged on top of the first three.
pub fn pod_resolv_conf(
    spec: &PodSpec,
    namespace: &str,
    cluster: &ClusterDns,
    host: &ResolvConf,
) -> ResolvConf {
    let policy = spec.dns_policy.as_deref().unwrap_or("ClusterFirst");
    let host_network = spec.host_network.unwrap_or(false);
    let cluster_first = match policy {
        "ClusterFirstWithHostNet" => true,
        "ClusterFirst" => !host_network,
        _ => false,
    };
    let mut conf = if policy == "None" {
        ResolvConf::default()
    } else if cluster_first && !cluster.servers.is_empty() {
        let d = &cluster.domain;
        let mut searches = vec![
            format!("{namespace}.svc.{d}"),
            format!("svc.{d}"),
            d.to_string(),
        ];
        searches.extend(host.searches.iter().cloned());
        ResolvConf {
            servers: cluster.servers.clone(),
            searches,
            options: vec!["ndots:5".into()],
        }
    } else {
        host.clone()
    };
    if let Some(extra) = &spec.dns_config {
        conf.servers
            .extend(extra.nameservers.iter().flatten().cloned());
        conf.searches
            .extend(extra.searches.iter().flatten().cloned());
        for option in extra.options.iter().flatten() {
            let Some(name) = option.name.as_deref() else {
                continue;
            };
            conf.options.retain(|o| o.split(':').next() != Some(name));
            conf.options.push(match &option.value {
                Some(v) => format!("{name}:{v}"),
                None => name.to_string(),
            });
        }
    }
    dedup(&mut conf.servers);
    dedup(&mut conf.searches);
    conf.servers.truncate(MAX_SERVERS);
    conf.searches.truncate(MAX_SEARCHES);
    conf
}

/// Drops repeats, keeping first occurrences in order.
fn dedup(items: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(i.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: serde_json::Value) -> PodSpec {
        let mut v = v;
        v["containers"] = json!([]);
        serde_json::from_value(v).unwrap()
    }

    fn cluster() -> ClusterDns {
        ClusterDns {
            servers: vec!["198.19.0.10".into()],
            domain: "cluster.local".into(),
        }
    }

    fn host() -> ResolvConf {
        ResolvConf::parse("# host\nnameserver 192.0.2.53\nsearch corp.example\noptions edns0 ; x\n")
    }

    #[test]
    fn parses_resolv_conf() {
        let h = host();
        assert_eq!(h.servers, ["192.0.2.53"]);
        assert_eq!(h.searches, ["corp.example"]);
        assert_eq!(h.options, ["edns0"]);
    }

    #[test]
    fn cluster_first_uses_cluster_dns_and_namespace_search_path() {
        let conf = pod_resolv_conf(&spec(json!({})), "shop", &cluster(), &host());
        assert_eq!(conf.servers, ["198.19.0.10"]);
        assert_eq!(
            conf.searches,
            [
                "shop.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "corp.example"
            ]
        );
        assert_eq!(conf.options, ["ndots:5"]);
    }

    #[test]
    fn host_network_and_default_use_the_host() {
        let h = host();
        let hostnet = spec(json!({"hostNetwork": true}));
        assert_eq!(pod_resolv_conf(&hostnet, "a", &cluster(), &h), h);
        let default = spec(json!({"dnsPolicy": "Default"}));
        assert_eq!(pod_resolv_conf(&default, "a", &cluster(), &h), h);
        let with_hostnet =
            spec(json!({"hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet"}));
        assert_eq!(
            pod_resolv_conf(&with_hostnet, "a", &cluster(), &h).servers,
            ["198.19.0.10"]
        );
        // A cluster without DNS falls back to the host's configuration.
        let none = ClusterDns {
            servers: vec![],
            domain: "cluster.local".into(),
        };
        assert_eq!(pod_resolv_conf(&spec(json!({})), "a", &none, &h), h);
    }

    #[test]
    fn none_takes_dns_config_and_options_merge_by_name() {
        let s = spec(json!({"dnsPolicy": "None", "dnsConfig": {
            "nameservers": ["198.18.0.53"], "searches": ["a.example"],
            "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}));
        let conf = pod_resolv_conf(&s, "a", &cluster(), &host());
        assert_eq!(conf.servers, ["198.18.0.53"]);
        assert_eq!(conf.searches, ["a.example"]);
        assert_eq!(conf.options, ["ndots:2", "edns0"]);
        let s = spec(
            json!({"dnsConfig": {"options": [{"name": "ndots", "value": "1"}],
                                           "nameservers": ["198.19.0.10", "198.18.0.53"]}}),
        );
        let conf = pod_resolv_conf(&s, "a", &cluster(), &host());
        assert_eq!(conf.options, ["ndots:1"]);
        assert_eq!(conf.servers, ["198.19.0.10", "198.18.0.53"]);
    }
}

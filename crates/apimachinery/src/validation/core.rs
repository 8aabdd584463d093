//! Core (`v1`) kinds other than pods: Service, ConfigMap, Secret, Namespace, Node,
//! PersistentVolume(Claim), Event, Endpoints, ReplicationController, PodTemplate and the
//! metadata-only kinds.

use base64::Engine;
use serde_json::Value;

use super::common::{
    self, nonneg_field, validate_dns_label, validate_dns_subdomain, validate_qualified_name,
};
use super::field::{self, goslice, q, raw, render_json, Errs, Path};
use super::names;
use super::pod::{self, PodOpts};

const MAX_SECRET_SIZE: usize = 1024 * 1024;
const FORBIDDEN_IMMUTABLE: &str = "field is immutable when `immutable` is set";

// ---- Service ---------------------------------------------------------------------------------

fn svc_type(spec: &Value) -> &str {
    field::s(spec, "type").unwrap_or("")
}

fn cluster_ips(spec: &Value) -> Vec<String> {
    spec.get("clusterIPs")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| v.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn is_headless(spec: &Value) -> bool {
    let ips = cluster_ips(spec);
    ips.len() == 1 && ips[0] == "None"
}

/// Applies what the Service strategy does before validation: fills `clusterIPs` from
/// `clusterIP`, and on update keeps allocated values the client left out.
pub(crate) fn normalize_service(new: &mut Value, old: Option<&Value>) {
    let old_spec = old.and_then(|o| o.get("spec")).filter(|s| s.is_object());
    let Some(spec) = new.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(os) = old_spec {
        let needs_ip = |s: &serde_json::Map<String, Value>| {
            s.get("type").and_then(Value::as_str) != Some("ExternalName")
        };
        let old_map = os.as_object().cloned().unwrap_or_default();
        if needs_ip(&old_map) && needs_ip(spec) {
            let cip_empty = spec
                .get("clusterIP")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty();
            if cip_empty {
                if let Some(v) = old_map.get("clusterIP") {
                    spec.insert("clusterIP".into(), v.clone());
                }
            }
            let cips_empty = spec
                .get("clusterIPs")
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty());
            if cips_empty {
                if let Some(v) = old_map
                    .get("clusterIPs")
                    .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
                {
                    spec.insert("clusterIPs".into(), v.clone());
                }
            }
        }
        let old_ip = old_map
            .get("clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("");
        let new_ip = spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if old_ip != new_ip && spec.get("clusterIPs") == old_map.get("clusterIPs") {
            if new_ip.is_empty() {
                spec.remove("clusterIPs");
            } else {
                spec.insert(
                    "clusterIPs".into(),
                    Value::Array(vec![Value::String(new_ip)]),
                );
            }
        }
        drop_type_dependent_fields(spec, &old_map);
    } else {
        let ip = spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let has_ips = spec.get("clusterIPs").is_some_and(|v| !v.is_null());
        if !ip.is_empty() && !has_ips {
            spec.insert("clusterIPs".into(), Value::Array(vec![Value::String(ip)]));
        }
    }
}

/// On a type change, clears the fields the old type had (allocated values the client did not
/// change), as the Service strategy does before validating an update.
fn drop_type_dependent_fields(
    spec: &mut serde_json::Map<String, Value>,
    old: &serde_json::Map<String, Value>,
) {
    let typ = |m: &serde_json::Map<String, Value>| {
        m.get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (new_type, old_type) = (typ(spec), typ(old));
    let needs_ip = |t: &str| t != "ExternalName";
    let needs_node_port = |t: &str| matches!(t, "NodePort" | "LoadBalancer");
    let same = |key: &str, spec: &serde_json::Map<String, Value>| {
        spec.get(key).filter(|v| !v.is_null()) == old.get(key).filter(|v| !v.is_null())
    };
    if needs_ip(&old_type) && !needs_ip(&new_type) {
        if same("clusterIPs", spec) {
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
        }
        for key in ["ipFamilies", "ipFamilyPolicy"] {
            if same(key, spec) {
                spec.remove(key);
            }
        }
    }
    let node_ports = |m: &serde_json::Map<String, Value>| -> Vec<i64> {
        m.get("ports")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.get("nodePort").and_then(Value::as_i64))
                    .filter(|n| *n != 0)
                    .collect()
            })
            .unwrap_or_default()
    };
    if needs_node_port(&old_type) && !needs_node_port(&new_type) {
        let old_ports = node_ports(old);
        if node_ports(spec).iter().all(|p| old_ports.contains(p)) {
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    port.remove("nodePort");
                }
            }
        }
        if same("externalTrafficPolicy", spec) {
            spec.remove("externalTrafficPolicy");
        }
    }
    let needs_hc = |t: &str, m: &serde_json::Map<String, Value>| {
        t == "LoadBalancer"
            && m.get("externalTrafficPolicy").and_then(Value::as_str) == Some("Local")
    };
    if needs_hc(&old_type, old) && !needs_hc(&new_type, spec) && same("healthCheckNodePort", spec) {
        spec.remove("healthCheckNodePort");
    }
    if new_type != "LoadBalancer" {
        spec.remove("allocateLoadBalancerNodePorts");
    }
}

fn render_service_port_key(protocol: &str, port: i64) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        q(protocol)
    )
}

fn externally_accessible(spec: &Value) -> bool {
    match svc_type(spec) {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => spec
            .get("externalIPs")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty()),
        _ => false,
    }
}

fn validate_non_special_ip(e: &mut Errs, ip: &str, p: &Path) {
    let Ok(addr) = ip.parse::<std::net::IpAddr>() else {
        e.invalid_str(p, ip, "must be a valid IP address");
        return;
    };
    if addr.is_unspecified() {
        e.invalid_str(p, ip, &format!("may not be unspecified ({ip})"));
    }
    if addr.is_loopback() {
        e.invalid_str(
            p,
            ip,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        );
    }
    let link_local = match addr {
        std::net::IpAddr::V4(v4) => v4.is_link_local(),
        std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    };
    if link_local {
        e.invalid_str(
            p,
            ip,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        );
    }
    let ll_multicast = match addr {
        std::net::IpAddr::V4(v4) => {
            v4.octets()[0] == 224 && v4.octets()[1] == 0 && v4.octets()[2] == 0
        }
        std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xff0f) == 0xff02,
    };
    if ll_multicast {
        e.invalid_str(
            p,
            ip,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        );
    }
}

/// `ValidateService` (the spec part).
pub(crate) fn validate_service(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    let typ = field::string_or_empty(e, spec, "type", &sp);
    let headless = is_headless(spec);
    let ports = field::object_items(e, spec, "ports", &sp);
    if ports.is_empty() && !headless && typ != "ExternalName" {
        e.required(&sp.child("ports"), "");
    }
    let ips = cluster_ips(spec);
    match typ {
        "LoadBalancer" | "NodePort" if headless => e.invalid_str(
            &sp.child("clusterIPs").index(0),
            &ips[0],
            &format!("may not be set to 'None' for {typ} services"),
        ),
        "ExternalName" => {
            if !ips.is_empty() {
                e.forbidden(
                    &sp.child("clusterIPs"),
                    "may not be set for ExternalName services",
                );
            }
            if spec
                .get("ipFamilies")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                e.forbidden(
                    &sp.child("ipFamilies"),
                    "may not be set for ExternalName services",
                );
            }
            if raw(spec, "ipFamilyPolicy").is_some() {
                e.forbidden(
                    &sp.child("ipFamilyPolicy"),
                    "may not be set for ExternalName services",
                );
            }
            let name = field::string_or_empty(e, spec, "externalName", &sp);
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                e.required(&sp.child("externalName"), "");
            } else {
                validate_dns_subdomain(e, cname, &sp.child("externalName"));
            }
        }
        _ => {}
    }
    let pp = sp.child("ports");
    let mut port_names = std::collections::HashSet::new();
    for (i, port) in &ports {
        let ip = pp.index(*i);
        let name = field::string_or_empty(e, port, "name", &ip);
        if ports.len() > 1 && name.is_empty() {
            e.required(&ip.child("name"), "");
        } else if !name.is_empty() {
            validate_dns_label(e, name, &ip.child("name"));
            if !port_names.insert(name.to_string()) {
                e.duplicate(&ip.child("name"), &q(name));
            }
        }
        let num = field::int(e, port, "port", &ip).unwrap_or(0);
        for msg in names::port_num_errors(num) {
            e.invalid(&ip.child("port"), &num.to_string(), &msg);
        }
        pod::validate_protocol(e, port, &ip);
        pod::validate_port_num_or_name(e, raw(port, "targetPort"), &ip.child("targetPort"));
        if let Some(ap) = field::string(e, port, "appProtocol", &ip) {
            validate_qualified_name(e, ap, &ip.child("appProtocol"));
        }
    }
    if let Some(sel) = field::string_map(e, spec, "selector", &sp) {
        common::validate_labels(e, &sel, &sp.child("selector"));
    }
    let affinity = field::string_or_empty(e, spec, "sessionAffinity", &sp);
    match affinity {
        "" => e.required(&sp.child("sessionAffinity"), ""),
        "ClientIP" | "None" => {}
        other => e.not_supported(
            &sp.child("sessionAffinity"),
            &q(other),
            &["ClientIP", "None"],
        ),
    }
    let cp = sp.child("sessionAffinityConfig");
    if affinity == "ClientIP" {
        let detail = "when session affinity type is ClientIP";
        match field::object(e, spec, "sessionAffinityConfig", &sp) {
            None => e.required(&cp, detail),
            Some(cfg) => match field::object(e, cfg, "clientIP", &cp) {
                None => e.required(&cp.child("clientIP"), detail),
                Some(cip) => match field::int(e, cip, "timeoutSeconds", &cp.child("clientIP")) {
                    None => e.required(&cp.child("clientIP").child("timeoutSeconds"), detail),
                    Some(t) if t <= 0 || t > 86400 => e.invalid(
                        &cp.child("clientIP").child("timeoutSeconds"),
                        &t.to_string(),
                        "must be greater than 0 and less than 86400",
                    ),
                    Some(_) => {}
                },
            },
        }
    } else if affinity == "None" && raw(spec, "sessionAffinityConfig").is_some() {
        e.forbidden(&cp, "must not be set when session affinity is None");
    }
    if typ != "ExternalName" {
        validate_cluster_ips_related(e, spec, &sp);
    }
    for (i, ip) in field::string_items(e, spec, "externalIPs", &sp).unwrap_or_default() {
        let p = sp.child("externalIPs").index(i);
        let errs = names::ip_errors(ip);
        if errs.is_empty() {
            validate_non_special_ip(e, ip, &p);
        } else {
            for msg in errs {
                e.invalid_str(&p, ip, &msg);
            }
        }
    }
    match typ {
        "" => e.required(&sp.child("type"), ""),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" => {}
        other => e.not_supported(
            &sp.child("type"),
            &q(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ),
    }
    let mut node_ports = std::collections::HashSet::new();
    let mut port_keys = std::collections::HashSet::new();
    for (i, port) in &ports {
        let ip = pp.index(*i);
        let node_port = field::i(port, "nodePort").unwrap_or(0);
        let protocol = field::s(port, "protocol").unwrap_or("");
        if typ == "ClusterIP" && node_port != 0 {
            e.forbidden(
                &ip.child("nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            );
        }
        if node_port != 0 {
            if !node_ports.insert((protocol.to_string(), node_port)) {
                e.duplicate(&ip.child("nodePort"), &node_port.to_string());
            }
            if matches!(typ, "NodePort" | "LoadBalancer") && !(30000..=32767).contains(&node_port) {
                e.invalid(
                    &ip.child("nodePort"),
                    &node_port.to_string(),
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                );
            }
        }
        let num = field::i(port, "port").unwrap_or(0);
        if !port_keys.insert((protocol.to_string(), num)) {
            e.duplicate(&ip, &render_service_port_key(protocol, num));
        }
    }
    if let Some(ranges) =
        field::string_items(e, spec, "loadBalancerSourceRanges", &sp).filter(|r| !r.is_empty())
    {
        let rp = sp.child("LoadBalancerSourceRanges");
        if typ != "LoadBalancer" {
            e.forbidden(&rp, "may only be used when `type` is 'LoadBalancer'");
        }
        for (i, r) in ranges {
            let r = r.trim();
            for msg in names::cidr_errors(r) {
                e.invalid_str(&rp.index(i), r, &msg);
            }
        }
    }
    let alloc = field::boolean(e, spec, "allocateLoadBalancerNodePorts", &sp);
    if alloc.is_some() && typ != "LoadBalancer" {
        e.forbidden(
            &sp.child("allocateLoadBalancerNodePorts"),
            "may only be used when `type` is 'LoadBalancer'",
        );
    }
    if typ == "LoadBalancer" && alloc.is_none() {
        e.required(&Path::new("allocateLoadBalancerNodePorts"), "");
    }
    if let Some(class) = field::string(e, spec, "loadBalancerClass", &sp) {
        if typ == "LoadBalancer" {
            validate_qualified_name(e, class, &sp.child("loadBalancerClass"));
        } else {
            e.forbidden(
                &sp.child("loadBalancerClass"),
                "may only be used when `type` is 'LoadBalancer'",
            );
        }
    }
    let etp = field::string_or_empty(e, spec, "externalTrafficPolicy", &sp);
    if !externally_accessible(spec) {
        if !etp.is_empty() {
            e.invalid_str(
                &sp.child("externalTrafficPolicy"),
                etp,
                "may only be set for externally-accessible services",
            );
        }
    } else if etp.is_empty() {
        e.required(&sp.child("externalTrafficPolicy"), "");
    } else if !matches!(etp, "Cluster" | "Local") {
        e.not_supported(
            &sp.child("externalTrafficPolicy"),
            &q(etp),
            &["Cluster", "Local"],
        );
    }
    let hcnp = field::int(e, spec, "healthCheckNodePort", &sp).unwrap_or(0);
    let needs_hc = typ == "LoadBalancer" && etp == "Local";
    if !needs_hc && hcnp != 0 {
        e.invalid(
            &sp.child("healthCheckNodePort"),
            &hcnp.to_string(),
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        );
    } else if needs_hc && hcnp != 0 {
        for msg in names::port_num_errors(hcnp) {
            e.invalid(&sp.child("healthCheckNodePort"), &hcnp.to_string(), &msg);
        }
    }
    match field::string(e, spec, "internalTrafficPolicy", &sp) {
        None => {
            if matches!(typ, "NodePort" | "LoadBalancer" | "ClusterIP") {
                e.required(&sp.child("internalTrafficPolicy"), "");
            }
        }
        Some("Cluster" | "Local") => {}
        Some(other) => e.not_supported(
            &sp.child("internalTrafficPolicy"),
            &q(other),
            &["Cluster", "Local"],
        ),
    }
    if let Some(td) = field::string(e, spec, "trafficDistribution", &sp) {
        const VALID: &[&str] = &["PreferClose", "PreferSameZone", "PreferSameNode"];
        if !VALID.contains(&td) {
            e.not_supported(&sp.child("trafficDistribution"), &q(td), VALID);
        }
    }
}

fn validate_cluster_ips_related(e: &mut Errs, spec: &Value, sp: &Path) {
    let cp = sp.child("clusterIPs");
    let cluster_ip = field::string_or_empty(e, spec, "clusterIP", sp);
    let ips: Vec<String> = field::string_items(e, spec, "clusterIPs", sp)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, s)| s.to_string())
        .collect();
    if !cluster_ip.is_empty() {
        if ips.is_empty() {
            e.required(&cp, "");
        } else if ips[0] != cluster_ip {
            e.invalid(
                &cp,
                &goslice(Some(&ips)),
                "first value must match `clusterIP`",
            );
        }
    } else if !ips.is_empty() {
        e.invalid(
            &cp,
            &goslice(Some(&ips)),
            "must be empty when `clusterIP` is not specified",
        );
    }
    let fp = sp.child("ipFamilies");
    let families = field::string_items(e, spec, "ipFamilies", sp).unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    for (i, f) in &families {
        if !matches!(*f, "IPv4" | "IPv6") {
            e.not_supported(&fp.index(*i), &q(f), &["IPv4", "IPv6"]);
        }
        if !seen.insert(*f) {
            e.duplicate(&fp.index(*i), &q(f));
        }
    }
    if let Some(policy) = field::string(e, spec, "ipFamilyPolicy", sp) {
        if !matches!(
            policy,
            "SingleStack" | "PreferDualStack" | "RequireDualStack"
        ) {
            e.not_supported(
                &sp.child("ipFamilyPolicy"),
                &q(policy),
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
            );
        }
    }
    let mut bad = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                bad = true;
                e.invalid(
                    &cp,
                    &goslice(Some(&ips)),
                    "'None' must be the first and only value",
                );
            }
            continue;
        }
        let errs = names::ip_errors(ip);
        bad |= !errs.is_empty();
        for msg in errs {
            e.invalid_str(&cp.index(i), ip, &msg);
        }
    }
    if ips.len() > 2 {
        e.invalid(&cp, &goslice(Some(&ips)), "may only hold up to 2 values");
    }
    if bad {
        return;
    }
    let is_v6 = |s: &str| matches!(s.parse::<std::net::IpAddr>(), Ok(std::net::IpAddr::V6(_)));
    if ips.len() > 1 && is_v6(&ips[0]) == is_v6(&ips[1]) {
        e.invalid(
            &cp,
            &goslice(Some(&ips)),
            "may specify no more than one IP for each IP family",
        );
    }
    if !is_headless(spec) && !ips.is_empty() && !families.is_empty() {
        for (i, ip) in ips.iter().enumerate() {
            let Some((_, fam)) = families.get(i) else {
                break;
            };
            if *fam == "IPv4" && is_v6(ip) {
                e.invalid_str(
                    &cp.index(i),
                    ip,
                    &format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                );
            }
            if *fam == "IPv6" && !is_v6(ip) {
                e.invalid_str(
                    &cp.index(i),
                    ip,
                    &format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                );
            }
        }
    }
}

/// The update-only Service rules (cluster IPs, IP families, load balancer class, health check port).
pub(crate) fn validate_service_update(e: &mut Errs, new: &Value, old: &Value) {
    let empty = Value::Object(Default::default());
    let ns = new.get("spec").filter(|s| s.is_object()).unwrap_or(&empty);
    let os = old.get("spec").filter(|s| s.is_object()).unwrap_or(&empty);
    let cp = Path::new("spec").child("clusterIPs");
    if svc_type(ns) != "ExternalName"
        && svc_type(os) != "ExternalName"
        && !(is_headless(ns) && is_headless(os))
    {
        let (n, o) = (cluster_ips(ns), cluster_ips(os));
        let rendered = goslice(if ns.get("clusterIPs").is_some_and(|v| !v.is_null()) {
            Some(&n)
        } else {
            None
        });
        if n.len() == o.len() {
            for (i, ip) in o.iter().enumerate() {
                if *ip != n[i] {
                    e.invalid(&cp.index(i), &rendered, "may not change once set");
                }
            }
        } else if o.len() > n.len() {
            if n.is_empty() {
                e.invalid(
                    &cp.index(0),
                    &rendered,
                    "primary clusterIP can not be unset",
                );
            }
            if !o.is_empty() && !n.is_empty() && n[0] != o[0] {
                e.invalid(&cp.index(0), &rendered, "may not change once set");
            }
            if n.len() == 1 && field::s(ns, "ipFamilyPolicy") != Some("SingleStack") {
                e.invalid(
                    &Path::new("spec").child("ipFamilyPolicy"),
                    &render_opt_str(field::s(ns, "ipFamilyPolicy")),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                );
            }
        } else if !o.is_empty() && n[0] != o[0] {
            e.invalid(&cp.index(0), &rendered, "may not change once set");
        }
    }
    if svc_type(ns) != "ExternalName"
        && svc_type(os) != "ExternalName"
        && is_headless(ns) == is_headless(os)
        && !is_headless(ns)
    {
        let fam = |s: &Value| -> Vec<String> {
            s.get("ipFamilies")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let (n, o) = (fam(ns), fam(os));
        let fp = Path::new("spec").child("ipFamilies").index(0);
        if n.len() == o.len() {
            if n != o {
                e.invalid(&fp, &render_families(&n), "may not change once set");
            }
        } else if o.len() > n.len() {
            if cluster_ips(ns).is_empty() {
                e.invalid(
                    &fp,
                    &render_families(&n),
                    "primary ipFamily can not be unset",
                );
            }
            if !n.is_empty() && n[0] != o[0] {
                e.invalid(
                    &fp,
                    &goslice(Some(&cluster_ips(ns))),
                    "may not change once set",
                );
            }
            if n.len() == 1 && field::s(ns, "ipFamilyPolicy") != Some("SingleStack") {
                e.invalid(
                    &Path::new("spec").child("ipFamilyPolicy"),
                    &render_opt_str(field::s(ns, "ipFamilyPolicy")),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                );
            }
        } else if !o.is_empty() && !n.is_empty() && n[0] != o[0] {
            e.invalid(
                &fp,
                &goslice(Some(&cluster_ips(ns))),
                "may not change once set",
            );
        }
    }
    if svc_type(ns) == "LoadBalancer"
        && svc_type(os) == "LoadBalancer"
        && field::s(ns, "loadBalancerClass") != field::s(os, "loadBalancerClass")
    {
        e.invalid(
            &Path::new("spec").child("loadBalancerClass"),
            &render_opt_str(field::s(ns, "loadBalancerClass")),
            "may not change once set",
        );
    }
    let needs_hc = |s: &Value| {
        svc_type(s) == "LoadBalancer" && field::s(s, "externalTrafficPolicy") == Some("Local")
    };
    if needs_hc(ns)
        && needs_hc(os)
        && field::i(ns, "healthCheckNodePort") != field::i(os, "healthCheckNodePort")
    {
        e.forbidden(
            &Path::new("spec").child("healthCheckNodePort"),
            "field is immutable",
        );
    }
}

fn render_opt_str(s: Option<&str>) -> String {
    s.map(q).unwrap_or_else(|| "null".to_string())
}

fn render_families(f: &[String]) -> String {
    let body: Vec<String> = f.iter().map(|s| q(s)).collect();
    format!("[]core.IPFamily{{{}}}", body.join(", "))
}

// ---- ConfigMap and Secret --------------------------------------------------------------------

fn decoded_len(s: &str) -> Option<usize> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .ok()
        .map(|b| b.len())
}

/// `ValidateConfigMap` (data part).
pub(crate) fn validate_config_map(e: &mut Errs, obj: &Value) {
    let root = Path::new("");
    let data = field::string_map(e, obj, "data", &root).unwrap_or_default();
    let binary = field::string_map(e, obj, "binaryData", &root).unwrap_or_default();
    let mut total = 0usize;
    let dp = Path::new("data");
    let bp = Path::new("binaryData");
    for (k, v) in &data {
        for msg in names::config_map_key_errors(k) {
            e.invalid_str(&dp.key(k), k, &msg);
        }
        if binary.iter().any(|(bk, _)| bk == k) {
            e.invalid_str(&dp.key(k), k, "duplicate of key present in binaryData");
        }
        total += v.len();
    }
    for (k, v) in &binary {
        for msg in names::config_map_key_errors(k) {
            e.invalid_str(&bp.key(k), k, &msg);
        }
        match decoded_len(v) {
            Some(n) => total += n,
            None => e.invalid_str(&bp.key(k), "<binary data>", "must be base64-encoded"),
        }
    }
    if total > MAX_SECRET_SIZE {
        e.too_long(&root, MAX_SECRET_SIZE);
    }
}

pub(crate) fn validate_config_map_update(e: &mut Errs, new: &Value, old: &Value) {
    if old.get("immutable").and_then(Value::as_bool) == Some(true) {
        if new.get("immutable").and_then(Value::as_bool) != Some(true) {
            e.forbidden(&Path::new("immutable"), FORBIDDEN_IMMUTABLE);
        }
        for key in ["data", "binaryData"] {
            if map_or_empty(new, key) != map_or_empty(old, key) {
                e.forbidden(&Path::new(key), FORBIDDEN_IMMUTABLE);
            }
        }
    }
}

fn map_or_empty(v: &Value, key: &str) -> serde_json::Map<String, Value> {
    v.get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// A Secret's effective data: `data` values decoded, overridden by `stringData`.
fn secret_data(e: &mut Errs, obj: &Value) -> Vec<(String, Option<Vec<u8>>)> {
    let root = Path::new("");
    let dp = Path::new("data");
    let mut out: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    for (k, v) in field::string_map(e, obj, "data", &root).unwrap_or_default() {
        match base64::engine::general_purpose::STANDARD.decode(v.as_bytes()) {
            Ok(b) => out.push((k, Some(b))),
            Err(_) => {
                e.invalid_str(
                    &dp.key(&k),
                    "<secret contents redacted>",
                    "must be base64-encoded",
                );
                out.push((k, None));
            }
        }
    }
    for (k, v) in field::string_map(e, obj, "stringData", &root).unwrap_or_default() {
        match out.iter_mut().find(|(ok, _)| *ok == k) {
            Some(entry) => entry.1 = Some(v.into_bytes()),
            None => out.push((k, Some(v.into_bytes()))),
        }
    }
    out
}

fn json_object_error(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Some("unexpected end of JSON input".to_string());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(_) | Value::Null) => None,
        Ok(other) => {
            let kind = match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "bool",
                _ => return None,
            };
            Some(format!(
                "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ))
        }
        Err(err) => {
            let first = trimmed.chars().next().unwrap_or(' ');
            for literal in ["null", "true", "false"] {
                if first == literal.as_bytes()[0] as char {
                    for (want, got) in literal.chars().zip(trimmed.chars()).skip(1) {
                        if want != got {
                            return Some(format!(
                                "invalid character {} in literal {literal} (expecting '{want}')",
                                go_char(got)
                            ));
                        }
                    }
                    if trimmed.len() < literal.len() {
                        return Some("unexpected end of JSON input".to_string());
                    }
                    if let Some(c) = trimmed[literal.len()..].trim_start().chars().next() {
                        return Some(format!(
                            "invalid character {} after top-level value",
                            go_char(c)
                        ));
                    }
                }
            }
            if !matches!(first, '{' | '[' | '"' | '-' | '0'..='9' | 't' | 'f' | 'n') {
                Some(format!(
                    "invalid character {} looking for beginning of value",
                    go_char(first)
                ))
            } else if err.is_eof() {
                Some("unexpected end of JSON input".to_string())
            } else {
                Some(err.to_string())
            }
        }
    }
}

fn go_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        c if c.is_ascii_graphic() || c == ' ' => format!("'{c}'"),
        c => format!("'\\x{:02x}'", c as u32),
    }
}

/// `ValidateSecret` (data part).
pub(crate) fn validate_secret(e: &mut Errs, obj: &Value) {
    let dp = Path::new("data");
    let data = secret_data(e, obj);
    let mut total = 0usize;
    for (k, v) in &data {
        for msg in names::config_map_key_errors(k) {
            e.invalid_str(&dp.key(k), k, &msg);
        }
        total += v.as_ref().map(Vec::len).unwrap_or(0);
    }
    if total > MAX_SECRET_SIZE {
        e.too_long(&dp, MAX_SECRET_SIZE);
    }
    let get = |k: &str| {
        data.iter()
            .find(|(dk, _)| dk == k)
            .map(|(_, v)| v.clone().unwrap_or_default())
    };
    let typ = field::string_or_empty(e, obj, "type", &Path::new(""));
    match typ {
        "kubernetes.io/service-account-token" => {
            let annotations = obj
                .get("metadata")
                .and_then(|m| field::smap(m, "annotations"))
                .unwrap_or_default();
            let name = annotations
                .iter()
                .find(|(k, _)| k == "kubernetes.io/service-account.name");
            if name.is_none_or(|(_, v)| v.is_empty()) {
                e.required(
                    &Path::new("metadata")
                        .child("annotations")
                        .key("kubernetes.io/service-account.name"),
                    "",
                );
            }
        }
        "kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson" => {
            let key = if typ == "kubernetes.io/dockercfg" {
                ".dockercfg"
            } else {
                ".dockerconfigjson"
            };
            match get(key) {
                None => e.required(&dp.key(key), ""),
                Some(bytes) => {
                    if let Some(msg) = json_object_error(&bytes) {
                        e.invalid_str(&dp.key(key), "<secret contents redacted>", &msg);
                    }
                }
            }
        }
        "kubernetes.io/basic-auth" if get("username").is_none() && get("password").is_none() => {
            e.required(&dp.key("username"), "");
            e.required(&dp.key("password"), "");
        }
        "kubernetes.io/ssh-auth" if get("ssh-privatekey").is_none_or(|v| v.is_empty()) => {
            e.required(&dp.key("ssh-privatekey"), "");
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if get(key).is_none() {
                    e.required(&dp.key(key), "");
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn validate_secret_update(e: &mut Errs, new: &Value, old: &Value) {
    let nt = field::s(new, "type").unwrap_or("");
    let ot = field::s(old, "type").unwrap_or("");
    if nt != ot {
        e.immutable(&Path::new("type"), &q(nt));
    }
    if old.get("immutable").and_then(Value::as_bool) == Some(true) {
        if new.get("immutable").and_then(Value::as_bool) != Some(true) {
            e.forbidden(&Path::new("immutable"), FORBIDDEN_IMMUTABLE);
        }
        let mut scratch = Errs::new();
        if secret_data(&mut scratch, new) != secret_data(&mut scratch, old) {
            e.forbidden(&Path::new("data"), FORBIDDEN_IMMUTABLE);
        }
    }
}

// ---- Namespace and Node ----------------------------------------------------------------------

/// A finalizer name (qualified, and standard when unprefixed).
pub(crate) fn validate_finalizer_name(e: &mut Errs, f: &str, p: &Path) {
    validate_qualified_name(e, f, p);
    if !f.contains('/') && !matches!(f, "kubernetes" | "orphan" | "foregroundDeletion") {
        e.invalid_str(
            p,
            f,
            "name is neither a standard finalizer name nor is it fully qualified",
        );
    }
}

pub(crate) fn validate_namespace(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    if let Some(spec) = field::object(e, obj, "spec", &Path::new("")) {
        for (_, f) in field::string_items(e, spec, "finalizers", &sp).unwrap_or_default() {
            validate_finalizer_name(e, f, &sp.child("finalizers"));
        }
    }
}

fn validate_taints(e: &mut Errs, spec: &Value, p: &Path) {
    let tp = p.child("taints");
    let mut seen = std::collections::HashSet::new();
    for (i, t) in field::object_items(e, spec, "taints", &Path::new("spec")) {
        let ip = tp.index(i);
        let key = field::string_or_empty(e, t, "key", &ip);
        validate_qualified_name(e, key, &ip.child("key"));
        let value = field::string_or_empty(e, t, "value", &ip);
        let errs = names::label_value_errors(value);
        if !errs.is_empty() {
            e.invalid_str(&ip.child("value"), value, &errs.join(";"));
        }
        let effect = field::string_or_empty(e, t, "effect", &ip);
        match effect {
            "" => e.required(&ip.child("effect"), ""),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute" => {}
            other => e.not_supported(
                &ip.child("effect"),
                &q(other),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ),
        }
        if !seen.insert((key.to_string(), effect.to_string())) {
            e.list.push(super::Cause {
                reason: super::field::DUPLICATE,
                message: format!(
                    "Duplicate value: {}: taints must be unique by key and effect pair",
                    render_json(t)
                ),
                field: ip.as_str().to_string(),
            });
        }
    }
}

pub(crate) fn validate_node(e: &mut Errs, obj: &Value) {
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    validate_taints(e, spec, &Path::new("metadata"));
    let cidrs = field::string_items(e, spec, "podCIDRs", &Path::new("spec")).unwrap_or_default();
    let cp = Path::new("spec").child("podCIDRs");
    for (i, c) in &cidrs {
        for msg in names::cidr_errors(c) {
            e.invalid_str(&cp.index(*i), c, &msg);
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in &cidrs {
        if cidrs.len() > 1 && !seen.insert(*c) {
            e.duplicate(&cp.index(*i), &q(c));
        }
    }
    if cidrs.len() > 2 {
        let all: Vec<String> = cidrs.iter().map(|(_, c)| c.to_string()).collect();
        e.invalid(
            &cp,
            &goslice(Some(&all)),
            "may specify no more than one CIDR for each IP family",
        );
    }
    for section in ["capacity", "allocatable"] {
        let Some(list) = obj
            .get("status")
            .and_then(|s| s.get(section))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (k, v) in list {
            let p = Path::new("status").child(section).child(k);
            if let Some(qty) = common::parse_quantity_field(e, v, &p) {
                if qty.is_negative() {
                    e.invalid_str(&p, &qty.to_string(), common::NEGATIVE);
                }
            }
        }
    }
}

pub(crate) fn validate_node_update(e: &mut Errs, new: &Value, old: &Value) {
    let empty = Value::Object(Default::default());
    let ns = new.get("spec").unwrap_or(&empty);
    let os = old.get("spec").unwrap_or(&empty);
    let old_cidrs = os
        .get("podCIDRs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !old_cidrs.is_empty() {
        let new_cidrs = ns
            .get("podCIDRs")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let msg = "node updates may not change podCIDR except from \"\" to valid";
        if old_cidrs.len() != new_cidrs.len() {
            e.forbidden(&Path::new("spec").child("podCIDRs"), msg);
        } else {
            for (a, b) in old_cidrs.iter().zip(&new_cidrs) {
                if a != b {
                    e.forbidden(&Path::new("spec").child("podCIDRs"), msg);
                }
            }
        }
    }
    let old_provider = field::s(os, "providerID").unwrap_or("");
    if !old_provider.is_empty() && field::s(ns, "providerID").unwrap_or("") != old_provider {
        e.forbidden(
            &Path::new("spec").child("providerID"),
            "node updates may not change providerID except from \"\" to valid",
        );
    }
}

// ---- PersistentVolume and PersistentVolumeClaim ----------------------------------------------

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn validate_access_modes(e: &mut Errs, spec: &Value, p: &Path, required_detail: &str) {
    let modes = field::string_items(e, spec, "accessModes", p).unwrap_or_default();
    if modes.is_empty() {
        e.required(&p.child("accessModes"), required_detail);
    }
    let mut once_pod = false;
    let mut other = false;
    for (_, m) in &modes {
        if !ACCESS_MODES.contains(m) {
            e.not_supported(&p.child("accessModes"), &q(m), ACCESS_MODES);
        } else if *m == "ReadWriteOncePod" {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if once_pod && other {
        e.forbidden(
            &p.child("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        );
    }
}

fn validate_volume_mode(e: &mut Errs, spec: &Value, p: &Path) {
    if let Some(mode) = field::string(e, spec, "volumeMode", p) {
        if !matches!(mode, "Block" | "Filesystem") {
            e.not_supported(&p.child("volumeMode"), &q(mode), &["Block", "Filesystem"]);
        }
    }
}

/// `ValidatePersistentVolumeClaimSpec`.
pub(crate) fn validate_pvc_spec(e: &mut Errs, spec: &Value, p: &Path) {
    validate_access_modes(e, spec, p, "at least 1 access mode is required");
    if let Some(sel) = raw(spec, "selector") {
        common::validate_label_selector(e, sel, &p.child("selector"));
    }
    let sp = p.child("resources").key("storage");
    let storage = spec
        .get("resources")
        .and_then(|r| r.get("requests"))
        .and_then(|r| raw(r, "storage"));
    match storage {
        None => e.required(&sp, ""),
        Some(v) => {
            if let Some(qty) = common::parse_quantity_field(e, v, &sp) {
                if qty.nanos() <= 0 {
                    e.invalid_str(&sp, &qty.to_string(), "must be greater than zero");
                }
            }
        }
    }
    if let Some(class) = field::string(e, spec, "storageClassName", p).filter(|s| !s.is_empty()) {
        validate_dns_subdomain(e, class, &p.child("storageClassName"));
    }
    validate_volume_mode(e, spec, p);
    for key in ["dataSource", "dataSourceRef"] {
        let Some(ds) = field::object(e, spec, key, p) else {
            continue;
        };
        let dp = p.child(key);
        let name = field::string_or_empty(e, ds, "name", &dp);
        let kind = field::string_or_empty(e, ds, "kind", &dp);
        if name.is_empty() {
            e.required(&dp.child("name"), "");
        }
        if kind.is_empty() {
            e.required(&dp.child("kind"), "");
        }
        let group = field::string_or_empty(e, ds, "apiGroup", &dp);
        if group.is_empty() && kind != "PersistentVolumeClaim" {
            e.invalid_str(
                &dp,
                kind,
                "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
            );
        }
        if !group.is_empty() {
            validate_dns_subdomain(e, group, &dp.child("apiGroup"));
        }
    }
}

pub(crate) fn validate_pvc(e: &mut Errs, obj: &Value) {
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    validate_pvc_spec(e, spec, &Path::new("spec"));
}

pub(crate) fn validate_pvc_update(e: &mut Errs, new: &Value, old: &Value) {
    let empty = Value::Object(Default::default());
    let mut ns = new.get("spec").cloned().unwrap_or(empty.clone());
    let mut os = old.get("spec").cloned().unwrap_or(empty);
    if field::s(&os, "volumeName").unwrap_or("").is_empty() {
        if let (Some(n), Some(o)) = (ns.as_object(), os.as_object_mut()) {
            match n.get("volumeName") {
                Some(v) => o.insert("volumeName".into(), v.clone()),
                None => o.remove("volumeName"),
            };
        }
    }
    let storage = |s: &Value| {
        s.get("resources")
            .and_then(|r| r.get("requests"))
            .and_then(|r| r.get("storage"))
            .and_then(common::quantity_text)
            .and_then(|t| super::quantity::parse_quantity(&t))
    };
    let (new_size, old_size) = (storage(&ns), storage(&os));
    let bound = old
        .get("status")
        .and_then(|s| s.get("phase"))
        .and_then(Value::as_str)
        == Some("Bound")
        || new
            .get("status")
            .and_then(|s| s.get("phase"))
            .and_then(Value::as_str)
            == Some("Bound");
    if bound {
        for s in [&mut ns, &mut os] {
            if let Some(req) = s
                .get_mut("resources")
                .and_then(|r| r.get_mut("requests"))
                .and_then(Value::as_object_mut)
            {
                req.remove("storage");
            }
            if let Some(o) = s.as_object_mut() {
                o.remove("volumeAttributesClassName");
            }
        }
    }
    if ns != os {
        e.forbidden(
            &Path::new("spec"),
            &format!(
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{}",
                short_diff(&os, &ns)
            ),
        );
    }
    if let (Some(n), Some(o)) = (new_size, old_size) {
        if n < o {
            let capacity = old
                .get("status")
                .and_then(|s| s.get("capacity"))
                .and_then(|c| c.get("storage"))
                .and_then(common::quantity_text)
                .and_then(|t| super::quantity::parse_quantity(&t));
            if capacity.is_none_or(|c| n <= c) {
                e.forbidden(
                    &Path::new("spec")
                        .child("resources")
                        .child("requests")
                        .child("storage"),
                    "field can not be less than status.capacity",
                );
            }
        }
    }
    if field::s(new.get("spec").unwrap_or(&Value::Null), "volumeMode")
        != field::s(old.get("spec").unwrap_or(&Value::Null), "volumeMode")
    {
        let v = new
            .get("spec")
            .and_then(|s| s.get("volumeMode"))
            .and_then(Value::as_str);
        e.immutable(&Path::new("volumeMode"), &render_opt_str(v));
    }
}

fn short_diff(old: &Value, new: &Value) -> String {
    format!("- {old}\n+ {new}")
}

const PV_SOURCES: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "glusterfs",
    "flocker",
    "nfs",
    "rbd",
    "quobyte",
    "cephfs",
    "iscsi",
    "cinder",
    "fc",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "scaleIO",
    "local",
    "storageos",
    "csi",
];

pub(crate) fn validate_pv(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    validate_access_modes(e, spec, &sp, "");
    let cap = field::object(e, spec, "capacity", &sp);
    let cap_map = cap.and_then(Value::as_object);
    if cap_map.is_none_or(|m| m.is_empty()) {
        e.required(&sp.child("capacity"), "");
    }
    if cap_map.is_none_or(|m| !m.contains_key("storage") || m.len() > 1) {
        e.not_supported(
            &sp.child("capacity"),
            &render_json(cap.unwrap_or(&Value::Null)),
            &["storage"],
        );
    }
    for (k, v) in cap_map.into_iter().flatten() {
        let p = sp.child("capacity").key(k);
        if let Some(qty) = common::parse_quantity_field(e, v, &p) {
            if qty.is_negative() {
                e.invalid(&p, &qty.to_string(), "must be a valid resource quantity");
            }
            if qty.nanos() <= 0 {
                e.invalid_str(&p, &qty.to_string(), "must be greater than zero");
            }
        }
    }
    if let Some(policy) =
        field::string(e, spec, "persistentVolumeReclaimPolicy", &sp).filter(|s| !s.is_empty())
    {
        if !matches!(policy, "Delete" | "Recycle" | "Retain") {
            e.not_supported(
                &sp.child("persistentVolumeReclaimPolicy"),
                &q(policy),
                &["Delete", "Recycle", "Retain"],
            );
        }
    }
    let mut count = 0;
    for key in PV_SOURCES {
        if raw(spec, key).is_none() {
            continue;
        }
        if count > 0 && *key != "flexVolume" {
            e.forbidden(&sp.child(key), "may not specify more than 1 volume type");
            continue;
        }
        count += 1;
        let src = &spec[*key];
        let p = sp.child(key);
        let required: &[&str] = match *key {
            "hostPath" | "local" => &["path"],
            "nfs" => &["server", "path"],
            "csi" => {
                pod::validate_csi_driver_name(
                    e,
                    field::s(src, "driver").unwrap_or(""),
                    &p.child("driver"),
                );
                &["volumeHandle"]
            }
            "iscsi" => &["targetPortal", "iqn"],
            "awsElasticBlockStore" | "cinder" | "portworxVolume" => &["volumeID"],
            "gcePersistentDisk" => &["pdName"],
            _ => &[],
        };
        for r in required {
            if field::string_or_empty(e, src, r, &p).is_empty() {
                e.required(&p.child(r), "");
            }
        }
        if *key == "local" && spec.get("nodeAffinity").is_none() {
            e.required(
                &sp.child("nodeAffinity"),
                "Local volume requires node affinity",
            );
        }
    }
    if count == 0 {
        e.required(&sp, "must specify a volume type");
    }
    if let Some(class) = field::string(e, spec, "storageClassName", &sp).filter(|s| !s.is_empty()) {
        validate_dns_subdomain(e, class, &sp.child("storageClassName"));
    }
    validate_volume_mode(e, spec, &sp);
    if let Some(na) = field::object(e, spec, "nodeAffinity", &sp) {
        let np = sp.child("nodeAffinity");
        match field::object(e, na, "required", &np) {
            None => e.required(
                &np.child("required"),
                "must specify required node constraints",
            ),
            Some(req) => {
                let rp = np.child("required");
                let terms = field::object_items(e, req, "nodeSelectorTerms", &rp);
                if terms.is_empty() {
                    e.required(
                        &rp.child("nodeSelectorTerms"),
                        "must have at least one node selector term",
                    );
                }
                for (i, t) in terms {
                    pod::validate_node_selector_term(
                        e,
                        t,
                        &rp.child("nodeSelectorTerms").index(i),
                        true,
                    );
                }
            }
        }
    }
}

pub(crate) fn validate_pv_update(e: &mut Errs, new: &Value, old: &Value) {
    let source = |o: &Value| -> Vec<(String, Value)> {
        PV_SOURCES
            .iter()
            .filter_map(|k| {
                o.get("spec")
                    .and_then(|s| raw(s, k))
                    .map(|v| (k.to_string(), v.clone()))
            })
            .collect()
    };
    let (mut ns, os) = (source(new), source(old));
    // A controller-expand secret may be added to a CSI volume.
    if let (Some((_, n)), Some((_, o))) = (
        ns.iter_mut().find(|(k, _)| k == "csi"),
        os.iter().find(|(k, _)| k == "csi"),
    ) {
        if o.get("controllerExpandSecretRef").is_none() {
            if let Some(m) = n.as_object_mut() {
                m.remove("controllerExpandSecretRef");
            }
        }
    }
    if ns != os {
        let render = |v: &[(String, Value)]| Value::Object(v.iter().cloned().collect()).to_string();
        e.forbidden(
            &Path::new("spec").child("persistentvolumesource"),
            &format!(
                "spec.persistentvolumesource is immutable after creation\n- {}\n+ {}",
                render(&os),
                render(&ns)
            ),
        );
    }
    let mode = |o: &Value| {
        o.get("spec")
            .and_then(|s| s.get("volumeMode"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if mode(new) != mode(old) {
        e.immutable(
            &Path::new("volumeMode"),
            &render_opt_str(mode(new).as_deref()),
        );
    }
}

// ---- Event -----------------------------------------------------------------------------------

/// Legacy Event checks (core `v1`), and for `events.k8s.io` the strict ones too.
pub(crate) fn validate_event(e: &mut Errs, obj: &Value, events_api: bool) {
    let root = Path::new("");
    let namespace = obj
        .get("metadata")
        .and_then(|m| field::s(m, "namespace"))
        .unwrap_or("");
    let (involved_key, message_key) = if events_api {
        ("regarding", "note")
    } else {
        ("involvedObject", "message")
    };
    let involved = field::object(e, obj, involved_key, &root);
    let involved_ns = involved
        .and_then(|i| field::s(i, "namespace"))
        .unwrap_or("");
    let ip = Path::new("involvedObject").child("namespace");
    let event_time = field::string(e, obj, "eventTime", &root).filter(|s| !s.is_empty());
    if event_time.is_none() {
        if involved_ns.is_empty() {
            if !namespace.is_empty() && namespace != "default" {
                e.invalid_str(&ip, involved_ns, "does not match event.namespace");
            }
        } else if namespace != involved_ns {
            e.invalid_str(&ip, involved_ns, "does not match event.namespace");
        }
    } else {
        if involved_ns.is_empty() && namespace != "default" && namespace != "kube-system" {
            e.invalid_str(&ip, involved_ns, "does not match event.namespace");
        }
        // core/v1 spells the reporting controller `reportingComponent` in JSON.
        let controller_key = if events_api {
            "reportingController"
        } else {
            "reportingComponent"
        };
        let controller = field::string_or_empty(e, obj, controller_key, &root);
        if controller.is_empty() {
            e.required(&Path::new("reportingController"), "");
        }
        validate_qualified_name(e, controller, &Path::new("reportingController"));
        for (key, limit) in [("reportingInstance", 128), ("action", 128), ("reason", 128)] {
            let v = field::string_or_empty(e, obj, key, &root);
            if v.is_empty() {
                e.required(&Path::new(key), "");
            }
            if v.len() > limit {
                e.invalid_str(
                    &Path::new(key),
                    "",
                    &format!("can have at most {limit} characters"),
                );
            }
        }
        if field::string_or_empty(e, obj, message_key, &root).len() > 1024 {
            e.invalid_str(
                &Path::new("message"),
                "",
                "can have at most 1024 characters",
            );
        }
    }
    if !namespace.is_empty() {
        for msg in names::dns1123_subdomain_errors(namespace) {
            e.invalid_str(&Path::new("namespace"), namespace, &msg);
        }
    }
    if !events_api {
        return;
    }
    if let Some(series) = field::object(e, obj, "series", &root) {
        if field::i(series, "count").unwrap_or(0) < 2 {
            e.invalid_str(&Path::new("series.count"), "", "should be at least 2");
        }
        if field::s(series, "lastObservedTime")
            .unwrap_or("")
            .is_empty()
        {
            e.required(&Path::new("series.lastObservedTime"), "");
        }
    }
    if event_time.is_none() {
        e.required(&Path::new("eventTime"), "");
    }
    let typ = field::string_or_empty(e, obj, "type", &root);
    if typ != "Normal" && typ != "Warning" {
        e.invalid_str(&Path::new("type"), "", &format!("has invalid value: {typ}"));
    }
    for (key, path) in [
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
    ] {
        if field::s(obj, key).is_some_and(|s| !s.is_empty()) {
            e.invalid_str(&Path::new(path), "", "needs to be unset");
        }
    }
    if field::i(obj, "deprecatedCount").unwrap_or(0) != 0 {
        e.invalid_str(&Path::new("count"), "", "needs to be unset");
    }
    if let Some(src) = obj.get("deprecatedSource") {
        if field::s(src, "component").is_some_and(|s| !s.is_empty())
            || field::s(src, "host").is_some_and(|s| !s.is_empty())
        {
            e.invalid_str(&Path::new("source"), "", "needs to be unset");
        }
    }
}

pub(crate) fn validate_event_update(e: &mut Errs, new: &Value, old: &Value) {
    for (key, path) in [
        ("regarding", "involvedObject"),
        ("reason", "reason"),
        ("note", "message"),
        ("type", "type"),
        ("eventTime", "eventTime"),
        ("action", "action"),
        ("related", "related"),
        ("reportingController", "reportingController"),
        ("reportingInstance", "reportingInstance"),
    ] {
        if new.get(key) != old.get(key) {
            e.immutable(
                &Path::new(path),
                &render_json(new.get(key).unwrap_or(&Value::Null)),
            );
        }
    }
}

// ---- Endpoints -------------------------------------------------------------------------------

pub(crate) fn validate_endpoints(e: &mut Errs, obj: &Value) {
    let root = Path::new("");
    let sp = Path::new("subsets");
    for (i, ss) in field::object_items(e, obj, "subsets", &root) {
        let ip = sp.index(i);
        let addrs = field::object_items(e, ss, "addresses", &ip);
        let not_ready = field::object_items(e, ss, "notReadyAddresses", &ip);
        if addrs.is_empty() && not_ready.is_empty() {
            e.required(&ip, "must specify `addresses` or `notReadyAddresses`");
        }
        for (key, list) in [("addresses", addrs), ("notReadyAddresses", not_ready)] {
            for (j, a) in list {
                let ap = ip.child(key).index(j);
                let addr = field::string_or_empty(e, a, "ip", &ap);
                let errs = names::ip_errors(addr);
                for msg in &errs {
                    e.invalid_str(&ap.child("ip"), addr, msg);
                }
                if let Some(h) = field::string(e, a, "hostname", &ap).filter(|s| !s.is_empty()) {
                    validate_dns_label(e, h, &ap.child("hostname"));
                }
                if let Some(n) = field::string(e, a, "nodeName", &ap) {
                    validate_dns_subdomain(e, n, &ap.child("nodeName"));
                }
                validate_non_special_ip(e, addr, &ap.child("ip"));
            }
        }
        let ports = field::object_items(e, ss, "ports", &ip);
        for (j, port) in &ports {
            let pp = ip.child("ports").index(*j);
            let name = field::string_or_empty(e, port, "name", &pp);
            if ports.len() > 1 && name.is_empty() {
                e.required(&pp.child("name"), "");
            } else if !name.is_empty() {
                validate_dns_label(e, name, &pp.child("name"));
            }
            let num = field::int(e, port, "port", &pp).unwrap_or(0);
            for msg in names::port_num_errors(num) {
                e.invalid(&pp.child("port"), &num.to_string(), &msg);
            }
            pod::validate_protocol(e, port, &pp);
        }
    }
}

// ---- ReplicationController and PodTemplate ---------------------------------------------------

pub(crate) fn validate_replication_controller(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    nonneg_field(e, spec, "minReadySeconds", &sp);
    let selector = field::string_map(e, spec, "selector", &sp).unwrap_or_default();
    if selector.is_empty() {
        e.required(&sp.child("selector"), "");
    }
    nonneg_field(e, spec, "replicas", &sp);
    let tp = sp.child("template");
    match field::object(e, spec, "template", &sp) {
        None => e.required(&tp, ""),
        Some(tmpl) => {
            let labels = pod::template_labels(Some(tmpl));
            if !selector.is_empty() {
                let all = labels.clone().unwrap_or_default();
                if !selector
                    .iter()
                    .all(|(k, v)| all.iter().any(|(lk, lv)| lk == k && lv == v))
                {
                    e.invalid(
                        &tp.child("metadata").child("labels"),
                        &field::gomap(labels.as_deref()),
                        "`selector` does not match template `labels`",
                    );
                }
            }
            pod::validate_pod_template(
                e,
                tmpl,
                &tp,
                PodOpts {
                    is_pod: false,
                    restart_policy_optional: false,
                },
            );
            let ts = tmpl.get("spec").cloned().unwrap_or(Value::Null);
            let rp = field::s(&ts, "restartPolicy").unwrap_or("");
            if rp != "Always" {
                e.not_supported(
                    &tp.child("spec").child("restartPolicy"),
                    &q(rp),
                    &["Always"],
                );
            }
            if raw(&ts, "activeDeadlineSeconds").is_some() {
                e.forbidden(
                    &tp.child("spec").child("activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicationController is not Supported",
                );
            }
        }
    }
}

pub(crate) fn validate_pod_template_object(e: &mut Errs, obj: &Value) {
    let empty = Value::Object(Default::default());
    let tmpl = field::object(e, obj, "template", &Path::new("")).unwrap_or(&empty);
    pod::validate_pod_template(
        e,
        tmpl,
        &Path::new("template"),
        PodOpts {
            is_pod: false,
            restart_policy_optional: false,
        },
    );
}

// ---- LimitRange and ResourceQuota ------------------------------------------------------------

pub(crate) fn validate_limit_range(e: &mut Errs, obj: &Value) {
    let lp = Path::new("spec").child("limits");
    let Some(spec) = field::object(e, obj, "spec", &Path::new("")) else {
        return;
    };
    let mut types = std::collections::HashSet::new();
    for (i, item) in field::object_items(e, spec, "limits", &Path::new("spec")) {
        let ip = lp.index(i);
        let t = field::string_or_empty(e, item, "type", &ip);
        let before = e.len();
        validate_qualified_name(e, t, &ip.child("type"));
        if e.len() == before
            && !t.contains('/')
            && !matches!(t, "Pod" | "Container" | "PersistentVolumeClaim")
        {
            e.invalid(
                &ip.child("type"),
                &q(t),
                "must be a standard limit type or fully qualified",
            );
        }
        if !types.insert(t.to_string()) {
            e.duplicate(&ip.child("type"), &q(t));
        }
        for section in [
            "max",
            "min",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ] {
            let Some(list) = field::object(e, item, section, &ip) else {
                continue;
            };
            if t == "Pod" && matches!(section, "default" | "defaultRequest") {
                if list.as_object().is_some_and(|m| !m.is_empty()) {
                    e.forbidden(
                        &ip.child(section),
                        "may not be specified when `type` is 'Pod'",
                    );
                }
                continue;
            }
            for (k, v) in list.as_object().into_iter().flatten() {
                common::parse_quantity_field(e, v, &ip.child(section).key(k));
            }
        }
    }
}

pub(crate) fn validate_resource_quota(e: &mut Errs, obj: &Value) {
    let Some(spec) = field::object(e, obj, "spec", &Path::new("")) else {
        return;
    };
    let hp = Path::new("spec").child("hard");
    if let Some(hard) = field::object(e, spec, "hard", &Path::new("spec")) {
        for (k, v) in hard.as_object().into_iter().flatten() {
            validate_qualified_name(e, k, &hp.key(k));
            if let Some(qty) = common::parse_quantity_field(e, v, &hp.key(k)) {
                if qty.is_negative() {
                    e.invalid_str(&hp.key(k), &qty.to_string(), common::NEGATIVE);
                }
            }
        }
    }
}

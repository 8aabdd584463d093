//! Kinds outside core, apps and batch: HorizontalPodAutoscaler, PodDisruptionBudget,
//! NetworkPolicy, Ingress, IngressClass, RBAC, StorageClass, PriorityClass, Lease,
//! EndpointSlice and ControllerRevision.

use serde_json::Value;

use super::common::{
    self, nonneg_field, validate_dns_label, validate_dns_subdomain, validate_qualified_name,
};
use super::field::{self, q, raw, render_int_or_string, render_json, Errs, Path};
use super::names;
use super::pod;

fn spec_of(e: &mut Errs, obj: &Value) -> Value {
    field::object(e, obj, "spec", &Path::new(""))
        .cloned()
        .unwrap_or(Value::Object(Default::default()))
}

// ---- HorizontalPodAutoscaler -----------------------------------------------------------------

fn validate_cross_version_ref(e: &mut Errs, r: &Value, p: &Path) {
    for key in ["kind", "name"] {
        let v = field::string_or_empty(e, r, key, p);
        if v.is_empty() {
            e.required(&p.child(key), "");
        } else {
            for msg in names::path_segment_errors(v, false) {
                e.invalid_str(&p.child(key), v, &msg);
            }
        }
    }
}

fn validate_metric_target(e: &mut Errs, t: &Value, p: &Path) {
    let typ = field::string_or_empty(e, t, "type", p);
    if typ.is_empty() {
        e.required(&p.child("type"), "must specify a metric target type");
    }
    if !matches!(typ, "Utilization" | "Value" | "AverageValue") {
        e.invalid_str(
            &p.child("type"),
            typ,
            "must be either Utilization, Value, or AverageValue",
        );
    }
    for key in ["value", "averageValue"] {
        if let Some(v) = raw(t, key) {
            if let Some(qty) = common::parse_quantity_field(e, v, &p.child(key)) {
                if qty.nanos() <= 0 {
                    e.invalid(&p.child(key), &qty.to_string(), "must be positive");
                }
            }
        }
    }
    if let Some(u) = field::int(e, t, "averageUtilization", p) {
        if u < 1 {
            e.invalid(
                &p.child("averageUtilization"),
                &u.to_string(),
                "must be greater than 0",
            );
        }
    }
}

fn validate_metric_identifier(e: &mut Errs, m: Option<&Value>, p: &Path) {
    let empty = Value::Object(Default::default());
    let m = m.unwrap_or(&empty);
    let name = field::string_or_empty(e, m, "name", p);
    if name.is_empty() {
        e.required(&p.child("name"), "must specify a metric name");
    } else {
        for msg in names::path_segment_errors(name, false) {
            e.invalid_str(&p.child("name"), name, &msg);
        }
    }
}

fn validate_metric_spec(e: &mut Errs, m: &Value, p: &Path) {
    const TYPES: &[&str] = &[
        "ContainerResource",
        "External",
        "Object",
        "Pods",
        "Resource",
    ];
    let typ = field::string_or_empty(e, m, "type", p);
    if typ.is_empty() {
        e.required(&p.child("type"), "must specify a metric source type");
    }
    if !TYPES.contains(&typ) {
        e.not_supported(&p.child("type"), &q(typ), TYPES);
    }
    let empty = Value::Object(Default::default());
    let mut present: Vec<&str> = Vec::new();
    for key in [
        "object",
        "external",
        "pods",
        "resource",
        "containerResource",
    ] {
        let Some(src) = field::object(e, m, key, p) else {
            continue;
        };
        present.push(key);
        if present.len() != 1 {
            continue;
        }
        let sp = p.child(key);
        let target = field::object(e, src, "target", &sp).unwrap_or(&empty);
        let tp = sp.child("target");
        match key {
            "object" => {
                let d = field::object(e, src, "describedObject", &sp).unwrap_or(&empty);
                validate_cross_version_ref(e, d, &sp.child("describedObject"));
                let metric = field::object(e, src, "metric", &sp);
                validate_metric_identifier(e, metric, &sp.child("metric"));
                validate_metric_target(e, target, &tp);
                if raw(target, "value").is_none() && raw(target, "averageValue").is_none() {
                    e.required(
                        &tp.child("averageValue"),
                        "must set either a target value or averageValue",
                    );
                }
            }
            "external" => {
                let metric = field::object(e, src, "metric", &sp);
                validate_metric_identifier(e, metric, &sp.child("metric"));
                validate_metric_target(e, target, &tp);
                let (v, av) = (
                    raw(target, "value").is_some(),
                    raw(target, "averageValue").is_some(),
                );
                if !v && !av {
                    e.required(
                        &tp.child("averageValue"),
                        "must set either a target value for metric or a per-pod target",
                    );
                }
                if v && av {
                    e.forbidden(
                        &tp.child("value"),
                        "may not set both a target value for metric and a per-pod target",
                    );
                }
            }
            "pods" => {
                let metric = field::object(e, src, "metric", &sp);
                validate_metric_identifier(e, metric, &sp.child("metric"));
                validate_metric_target(e, target, &tp);
                if raw(target, "averageValue").is_none() {
                    e.required(
                        &tp.child("averageValue"),
                        "must specify a positive target averageValue",
                    );
                }
            }
            _ => {
                let name = field::string_or_empty(e, src, "name", &sp);
                if name.is_empty() {
                    e.required(&sp.child("name"), "must specify a resource name");
                }
                if key == "containerResource" {
                    let c = field::string_or_empty(e, src, "container", &sp);
                    if c.is_empty() {
                        e.required(&sp.child("container"), "must specify a container");
                    } else {
                        validate_dns_label(e, c, &sp.child("container"));
                    }
                }
                validate_metric_target(e, target, &tp);
                let (u, av) = (
                    raw(target, "averageUtilization").is_some(),
                    raw(target, "averageValue").is_some(),
                );
                if !u && !av {
                    e.required(
                        &tp.child("averageUtilization"),
                        "must set either a target raw value or a target utilization",
                    );
                }
                if u && av {
                    e.forbidden(
                        &tp.child("averageValue"),
                        "may not set both a target raw value and a target utilization",
                    );
                }
            }
        }
    }
    let expected = match typ {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "External" => "external",
        "ContainerResource" => "containerResource",
        _ => "",
    };
    if !expected.is_empty() && !present.contains(&expected) {
        e.required(
            &p.child(expected),
            "must populate information for the given metric source",
        );
    }
    if present.len() > 1 {
        let mut others: Vec<&str> = present.into_iter().filter(|k| *k != expected).collect();
        others.sort();
        for k in others {
            e.forbidden(&p.child(k), "must populate the given metric source only");
        }
    }
}

fn validate_scaling_rules(e: &mut Errs, rules: &Value, p: &Path) {
    if let Some(w) = field::int(e, rules, "stabilizationWindowSeconds", p) {
        if w < 0 {
            e.invalid(
                &p.child("stabilizationWindowSeconds"),
                &w.to_string(),
                "must be greater than or equal to zero",
            );
        }
        if w > 3600 {
            e.invalid(
                &p.child("stabilizationWindowSeconds"),
                &w.to_string(),
                "must be less than or equal to 3600",
            );
        }
    }
    if let Some(sp) = field::string(e, rules, "selectPolicy", p) {
        if !matches!(sp, "Disabled" | "Max" | "Min") {
            e.not_supported(
                &p.child("selectPolicy"),
                &q(sp),
                &["Disabled", "Max", "Min"],
            );
        }
    }
    let pp = p.child("policies");
    let policies = field::object_items(e, rules, "policies", p);
    if policies.is_empty() {
        e.required(&pp, "must specify at least one Policy");
    }
    for (i, pol) in policies {
        let ip = pp.index(i);
        let t = field::string_or_empty(e, pol, "type", &ip);
        if !matches!(t, "Pods" | "Percent") {
            e.not_supported(&ip.child("type"), &q(t), &["Percent", "Pods"]);
        }
        let v = field::int(e, pol, "value", &ip).unwrap_or(0);
        if v <= 0 {
            e.invalid(
                &ip.child("value"),
                &v.to_string(),
                "must be greater than zero",
            );
        }
        let ps = field::int(e, pol, "periodSeconds", &ip).unwrap_or(0);
        if ps <= 0 {
            e.invalid(
                &ip.child("periodSeconds"),
                &ps.to_string(),
                "must be greater than zero",
            );
        }
        if ps > 1800 {
            e.invalid(
                &ip.child("periodSeconds"),
                &ps.to_string(),
                "must be less than or equal to 1800",
            );
        }
    }
}

pub(crate) fn validate_hpa(e: &mut Errs, obj: &Value, old: Option<&Value>) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let old_zero = old
        .and_then(|o| o.get("spec"))
        .and_then(|s| field::i(s, "minReplicas"))
        == Some(0);
    let lower = if old_zero { 0 } else { 1 };
    let min = field::int(e, &spec, "minReplicas", &sp);
    if let Some(m) = min.filter(|m| *m < lower) {
        e.invalid(
            &sp.child("minReplicas"),
            &m.to_string(),
            &format!("must be greater than or equal to {lower}"),
        );
    }
    let max = field::int(e, &spec, "maxReplicas", &sp).unwrap_or(0);
    if max < 1 {
        e.invalid(
            &sp.child("maxReplicas"),
            &max.to_string(),
            "must be greater than 0",
        );
    }
    if min.is_some_and(|m| max < m) {
        e.invalid(
            &sp.child("maxReplicas"),
            &max.to_string(),
            "must be greater than or equal to `minReplicas`",
        );
    }
    let empty = Value::Object(Default::default());
    let target = field::object(e, &spec, "scaleTargetRef", &sp).unwrap_or(&empty);
    validate_cross_version_ref(e, target, &sp.child("scaleTargetRef"));
    let mp = sp.child("metrics");
    let metrics = field::object_items(e, &spec, "metrics", &sp);
    let mut object_or_external = false;
    for (i, m) in &metrics {
        validate_metric_spec(e, m, &mp.index(*i));
        object_or_external |= matches!(field::s(m, "type"), Some("Object" | "External"));
    }
    if min == Some(0) && !object_or_external {
        e.forbidden(&mp, "must specify at least one Object or External metric to support scaling to zero replicas");
    }
    if let Some(behavior) = field::object(e, &spec, "behavior", &sp) {
        let bp = sp.child("behavior");
        for key in ["scaleUp", "scaleDown"] {
            if let Some(rules) = field::object(e, behavior, key, &bp) {
                validate_scaling_rules(e, rules, &bp.child(key));
            }
        }
    }
}

// ---- PodDisruptionBudget ---------------------------------------------------------------------

pub(crate) fn validate_pdb(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let min = raw(&spec, "minAvailable");
    let max = raw(&spec, "maxUnavailable");
    if min.is_some() && max.is_some() {
        e.invalid(
            &sp,
            &format!(
                "policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:{}, MaxUnavailable:{}}}",
                render_int_or_string(min.unwrap_or(&Value::Null)),
                common::render_selector(raw(&spec, "selector")),
                render_int_or_string(max.unwrap_or(&Value::Null))
            ),
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    for (key, v) in [("minAvailable", min), ("maxUnavailable", max)] {
        if let Some(v) = v {
            common::validate_positive_int_or_percent(e, v, &sp.child(key));
            common::validate_not_more_than_100_percent(e, v, &sp.child(key));
        }
    }
    if let Some(sel) = raw(&spec, "selector") {
        common::validate_label_selector(e, sel, &sp.child("selector"));
    }
    if let Some(policy) = field::string(e, &spec, "unhealthyPodEvictionPolicy", &sp) {
        if !matches!(policy, "AlwaysAllow" | "IfHealthyBudget") {
            e.not_supported(
                &sp.child("unhealthyPodEvictionPolicy"),
                &q(policy),
                &["AlwaysAllow", "IfHealthyBudget"],
            );
        }
    }
}

// ---- NetworkPolicy ---------------------------------------------------------------------------

fn validate_netpol_port(e: &mut Errs, port: &Value, p: &Path) {
    if let Some(proto) = field::string(e, port, "protocol", p) {
        if !matches!(proto, "TCP" | "UDP" | "SCTP") {
            e.not_supported(&p.child("protocol"), &q(proto), &["TCP", "UDP", "SCTP"]);
        }
    }
    let end = field::int(e, port, "endPort", p);
    match raw(port, "port") {
        Some(Value::String(name)) => {
            if let Some(end) = end {
                e.invalid(
                    &p.child("endPort"),
                    &end.to_string(),
                    "may not be specified when `port` is non-numeric",
                );
            }
            for msg in names::port_name_errors(name) {
                e.invalid_str(&p.child("port"), name, &msg);
            }
        }
        Some(v) => match field::as_int(v) {
            Some(n) => {
                for msg in names::port_num_errors(n) {
                    e.invalid(&p.child("port"), &n.to_string(), &msg);
                }
                if let Some(end) = end {
                    if end < n {
                        e.invalid(
                            &p.child("endPort"),
                            &end.to_string(),
                            "must be greater than or equal to `port`",
                        );
                    }
                    for msg in names::port_num_errors(end) {
                        e.invalid(&p.child("endPort"), &end.to_string(), &msg);
                    }
                }
            }
            None => e.type_invalid(&p.child("port"), v, "an integer or a string"),
        },
        None => {
            if let Some(end) = end {
                e.invalid(
                    &p.child("endPort"),
                    &end.to_string(),
                    "may not be specified when `port` is not specified",
                );
            }
        }
    }
}

fn validate_netpol_peer(e: &mut Errs, peer: &Value, p: &Path) {
    let mut n = 0;
    for key in ["podSelector", "namespaceSelector"] {
        if let Some(sel) = raw(peer, key) {
            n += 1;
            common::validate_label_selector(e, sel, &p.child(key));
        }
    }
    let ip_block = field::object(e, peer, "ipBlock", p);
    if let Some(b) = ip_block {
        n += 1;
        let bp = p.child("ipBlock");
        let cidr = field::string_or_empty(e, b, "cidr", &bp);
        if cidr.is_empty() {
            e.required(&bp.child("cidr"), "");
        } else {
            for msg in names::cidr_errors(cidr) {
                e.invalid_str(&bp.child("cidr"), cidr, &msg);
            }
            for (i, ex) in field::string_items(e, b, "except", &bp).unwrap_or_default() {
                for msg in names::cidr_errors(ex) {
                    e.invalid_str(&bp.child("except").index(i), ex, &msg);
                }
            }
        }
    }
    if n == 0 {
        e.required(p, "must specify a peer");
    } else if n > 1 && ip_block.is_some() {
        e.forbidden(p, "may not specify both ipBlock and another peer");
    }
}

pub(crate) fn validate_network_policy(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    if let Some(sel) = raw(&spec, "podSelector") {
        common::validate_label_selector(e, sel, &sp.child("podSelector"));
    }
    for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in field::object_items(e, &spec, dir, &sp) {
            let rp = sp.child(dir).index(i);
            for (j, port) in field::object_items(e, rule, "ports", &rp) {
                validate_netpol_port(e, port, &rp.child("ports").index(j));
            }
            for (j, peer) in field::object_items(e, rule, peers, &rp) {
                validate_netpol_peer(e, peer, &rp.child(peers).index(j));
            }
        }
    }
    let types = field::string_items(e, &spec, "policyTypes", &sp).unwrap_or_default();
    if types.len() > 2 {
        let all: Vec<String> = types.iter().map(|(_, t)| t.to_string()).collect();
        e.invalid(
            &sp.child("policyTypes"),
            &field::goslice(Some(&all)),
            "may not specify more than two policyTypes",
        );
        return;
    }
    for (i, t) in types {
        if !matches!(t, "Ingress" | "Egress") {
            e.not_supported(
                &sp.child("policyTypes").index(i),
                &q(t),
                &["Ingress", "Egress"],
            );
        }
    }
}

// ---- Ingress and IngressClass ----------------------------------------------------------------

fn validate_ingress_backend(e: &mut Errs, b: &Value, p: &Path) {
    let resource = field::object(e, b, "resource", p);
    let service = field::object(e, b, "service", p);
    match (resource, service) {
        (Some(_), Some(_)) => e.invalid_str(p, "", "cannot set both resource and service backends"),
        (Some(r), None) => {
            let rp = p.child("resource");
            if let Some(g) = field::string(e, r, "apiGroup", &rp) {
                validate_dns_subdomain(e, g, &rp.child("apiGroup"));
            }
            for key in ["kind", "name"] {
                let v = field::string_or_empty(e, r, key, &rp);
                if v.is_empty() {
                    e.required(&rp.child(key), "");
                } else {
                    for msg in names::path_segment_errors(v, false) {
                        e.invalid_str(&rp.child(key), v, &msg);
                    }
                }
            }
        }
        (None, Some(s)) => {
            let svp = p.child("service");
            let name = field::string_or_empty(e, s, "name", &svp);
            if name.is_empty() {
                e.required(&svp.child("name"), "");
            } else {
                for msg in names::dns1035_label_errors(name) {
                    e.invalid_str(&svp.child("name"), name, &msg);
                }
            }
            let empty = Value::Object(Default::default());
            let port = field::object(e, s, "port", &svp).unwrap_or(&empty);
            let pp = svp.child("port");
            let port_name = field::string_or_empty(e, port, "name", &pp);
            let number = field::int(e, port, "number", &pp).unwrap_or(0);
            if !port_name.is_empty() && number != 0 {
                e.invalid_str(p, "", "cannot set both port name & port number");
            } else if !port_name.is_empty() {
                for msg in names::port_name_errors(port_name) {
                    e.invalid_str(&pp.child("name"), port_name, &msg);
                }
            } else if number != 0 {
                for msg in names::port_num_errors(number) {
                    e.invalid(&pp.child("number"), &number.to_string(), &msg);
                }
            } else {
                e.required(p, "port name or number is required");
            }
        }
        (None, None) => e.invalid_str(p, "", "resource or service backend is required"),
    }
}

pub(crate) fn validate_ingress(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let rules = field::object_items(e, &spec, "rules", &sp);
    let default_backend = field::object(e, &spec, "defaultBackend", &sp);
    if rules.is_empty() && default_backend.is_none() {
        let rendered = if raw(&spec, "rules").is_some() {
            "[]networking.IngressRule{}"
        } else {
            "[]networking.IngressRule(nil)"
        };
        e.invalid(
            &sp,
            rendered,
            "either `defaultBackend` or `rules` must be specified",
        );
    }
    if let Some(b) = default_backend {
        validate_ingress_backend(e, b, &sp.child("defaultBackend"));
    }
    for (i, rule) in &rules {
        let rp = sp.child("rules").index(*i);
        let host = field::string_or_empty(e, rule, "host", &rp);
        if !host.is_empty() {
            if host.parse::<std::net::IpAddr>().is_ok() {
                e.invalid_str(
                    &rp.child("host"),
                    host,
                    "must be a DNS name, not an IP address",
                );
            }
            let errs = if host.contains('*') {
                names::wildcard_subdomain_errors(host)
            } else {
                names::dns1123_subdomain_errors(host)
            };
            for msg in errs {
                e.invalid_str(&rp.child("host"), host, &msg);
            }
        }
        let Some(http) = field::object(e, rule, "http", &rp) else {
            continue;
        };
        let hp = rp.child("http");
        let paths = field::object_items(e, http, "paths", &hp);
        if paths.is_empty() {
            e.required(&hp.child("paths"), "");
        }
        for (j, path) in paths {
            let pp = hp.child("paths").index(j);
            let Some(pt) = field::string(e, path, "pathType", &pp) else {
                e.required(&pp.child("pathType"), "pathType must be specified");
                continue;
            };
            let value = field::string_or_empty(e, path, "path", &pp);
            match pt {
                "Exact" | "Prefix" => {
                    if !value.starts_with('/') {
                        e.invalid_str(&pp.child("path"), value, "must be an absolute path");
                    }
                    if !value.is_empty() {
                        for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                            if value.contains(seq) {
                                e.invalid_str(
                                    &pp.child("path"),
                                    value,
                                    &format!("must not contain '{seq}'"),
                                );
                            }
                        }
                        for suffix in ["/..", "/."] {
                            if value.ends_with(suffix) {
                                e.invalid_str(
                                    &pp.child("path"),
                                    value,
                                    &format!("cannot end with '{suffix}'"),
                                );
                            }
                        }
                    }
                }
                "ImplementationSpecific" => {
                    if !value.is_empty() && !value.starts_with('/') {
                        e.invalid_str(&pp.child("path"), value, "must be an absolute path");
                    }
                }
                other => e.not_supported(
                    &pp.child("pathType"),
                    &q(other),
                    &["Exact", "ImplementationSpecific", "Prefix"],
                ),
            }
            let empty = Value::Object(Default::default());
            let backend = field::object(e, path, "backend", &pp).unwrap_or(&empty);
            validate_ingress_backend(e, backend, &pp.child("backend"));
        }
    }
    for (i, tls) in field::object_items(e, &spec, "tls", &sp) {
        let tp = sp.child("tls").index(i);
        for (j, host) in field::string_items(e, tls, "hosts", &tp).unwrap_or_default() {
            let errs = if host.contains('*') {
                names::wildcard_subdomain_errors(host)
            } else {
                names::dns1123_subdomain_errors(host)
            };
            for msg in errs {
                e.invalid_str(&tp.child("hosts").index(j), host, &msg);
            }
        }
        if let Some(secret) = field::string(e, tls, "secretName", &tp).filter(|s| !s.is_empty()) {
            validate_dns_subdomain(e, secret, &tp.child("secretName"));
        }
    }
    if let Some(class) = field::string(e, &spec, "ingressClassName", &sp) {
        validate_dns_subdomain(e, class, &sp.child("ingressClassName"));
    }
}

/// The `kubernetes.io/ingress.class` annotation must agree with `ingressClassName` on create.
pub(crate) fn validate_ingress_create(e: &mut Errs, obj: &Value) {
    let annotation = obj
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get("kubernetes.io/ingress.class"))
        .and_then(Value::as_str);
    let class = obj
        .get("spec")
        .and_then(|s| field::s(s, "ingressClassName"));
    if let (Some(a), Some(c)) = (annotation, class) {
        if a != c {
            e.invalid_str(
                &Path::new("annotations").child("kubernetes.io/ingress.class"),
                a,
                "must match `ingressClassName` when both are specified",
            );
        }
    }
}

pub(crate) fn validate_ingress_class(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    let controller = field::string_or_empty(e, &spec, "controller", &sp);
    let cp = sp.child("controller");
    if controller.is_empty() {
        e.required(&cp, "");
    } else {
        if controller.len() > 250 {
            e.too_long(&cp, 250);
        }
        let segments: Vec<&str> = controller.splitn(2, '/').collect();
        if segments.len() != 2 || segments[0].is_empty() || segments[1].is_empty() {
            e.invalid_str(
                &cp,
                controller,
                "must be a domain-prefixed path (such as \"acme.io/foo\")",
            );
        } else {
            for msg in names::dns1123_subdomain_errors(segments[0]) {
                e.invalid_str(&cp, segments[0], &msg);
            }
        }
    }
    if let Some(params) = field::object(e, &spec, "parameters", &sp) {
        let pp = sp.child("parameters");
        for key in ["kind", "name"] {
            if field::string_or_empty(e, params, key, &pp).is_empty() {
                e.required(&pp.child(key), "");
            }
        }
        match field::string(e, params, "scope", &pp) {
            None => e.required(&pp.child("scope"), ""),
            Some("Namespace") => {
                if raw(params, "namespace").is_none() {
                    e.required(
                        &pp.child("namespace"),
                        "`parameters.scope` is set to 'Namespace'",
                    );
                }
            }
            Some("Cluster") => {
                if raw(params, "namespace").is_some() {
                    e.forbidden(
                        &pp.child("namespace"),
                        "`parameters.scope` is set to 'Cluster'",
                    );
                }
            }
            Some(other) => {
                e.not_supported(&pp.child("scope"), &q(other), &["Cluster", "Namespace"])
            }
        }
    }
}

pub(crate) fn validate_ingress_class_update(e: &mut Errs, new: &Value, old: &Value) {
    let c = |o: &Value| {
        o.get("spec")
            .and_then(|s| field::s(s, "controller"))
            .unwrap_or("")
            .to_string()
    };
    if c(new) != c(old) {
        e.immutable(&Path::new("spec").child("controller"), &q(&c(new)));
    }
}

// ---- RBAC ------------------------------------------------------------------------------------

const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn validate_policy_rule(e: &mut Errs, rule: &Value, namespaced: bool, p: &Path) {
    let verbs = field::array(e, rule, "verbs", p).map(Vec::len).unwrap_or(0);
    if verbs == 0 {
        e.required(&p.child("verbs"), "verbs must contain at least one value");
    }
    let urls = field::string_items(e, rule, "nonResourceURLs", p).unwrap_or_default();
    let count = |key: &str, e: &mut Errs| field::array(e, rule, key, p).map(Vec::len).unwrap_or(0);
    if !urls.is_empty() {
        let all: Vec<String> = urls.iter().map(|(_, u)| u.to_string()).collect();
        if namespaced {
            e.invalid(
                &p.child("nonResourceURLs"),
                &field::goslice(Some(&all)),
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
        if count("apiGroups", e) > 0 || count("resources", e) > 0 || count("resourceNames", e) > 0 {
            e.invalid(
                &p.child("nonResourceURLs"),
                &field::goslice(Some(&all)),
                "rules cannot apply to both regular resources and non-resource URLs",
            );
        }
        return;
    }
    if count("apiGroups", e) == 0 {
        e.required(
            &p.child("apiGroups"),
            "resource rules must supply at least one api group",
        );
    }
    if count("resources", e) == 0 {
        e.required(
            &p.child("resources"),
            "resource rules must supply at least one resource",
        );
    }
}

pub(crate) fn validate_role(e: &mut Errs, obj: &Value, namespaced: bool) {
    let rp = Path::new("rules");
    for (i, rule) in field::object_items(e, obj, "rules", &Path::new("")) {
        validate_policy_rule(e, rule, namespaced, &rp.index(i));
    }
}

fn validate_subject(e: &mut Errs, s: &Value, namespaced: bool, p: &Path) {
    let name = field::string_or_empty(e, s, "name", p);
    if name.is_empty() {
        e.required(&p.child("name"), "");
    }
    let group = field::string_or_empty(e, s, "apiGroup", p);
    match field::string_or_empty(e, s, "kind", p) {
        "ServiceAccount" => {
            if !name.is_empty() {
                for msg in names::dns1123_subdomain_errors(name) {
                    e.invalid_str(&p.child("name"), name, &msg);
                }
            }
            if !group.is_empty() {
                e.not_supported(&p.child("apiGroup"), &q(group), &[""]);
            }
            if !namespaced && field::s(s, "namespace").unwrap_or("").is_empty() {
                e.required(&p.child("namespace"), "");
            }
        }
        "User" | "Group" => {
            if group != RBAC_GROUP {
                e.not_supported(&p.child("apiGroup"), &q(group), &[RBAC_GROUP]);
            }
        }
        other => e.not_supported(
            &p.child("kind"),
            &q(other),
            &["ServiceAccount", "User", "Group"],
        ),
    }
}

pub(crate) fn validate_role_binding(e: &mut Errs, obj: &Value, namespaced: bool) {
    let rp = Path::new("roleRef");
    let empty = Value::Object(Default::default());
    let role_ref = field::object(e, obj, "roleRef", &Path::new("")).unwrap_or(&empty);
    let group = field::string_or_empty(e, role_ref, "apiGroup", &rp);
    if group != RBAC_GROUP {
        e.not_supported(&rp.child("apiGroup"), &q(group), &[RBAC_GROUP]);
    }
    let kind = field::string_or_empty(e, role_ref, "kind", &rp);
    if namespaced {
        if !matches!(kind, "Role" | "ClusterRole") {
            e.not_supported(&rp.child("kind"), &q(kind), &["Role", "ClusterRole"]);
        }
    } else if kind != "ClusterRole" {
        e.not_supported(&rp.child("kind"), &q(kind), &["ClusterRole"]);
    }
    let name = field::string_or_empty(e, role_ref, "name", &rp);
    if name.is_empty() {
        e.required(&rp.child("name"), "");
    } else {
        for msg in names::path_segment_errors(name, false) {
            e.invalid_str(&rp.child("name"), name, &msg);
        }
    }
    let sp = Path::new("subjects");
    for (i, s) in field::object_items(e, obj, "subjects", &Path::new("")) {
        validate_subject(e, s, namespaced, &sp.index(i));
    }
}

pub(crate) fn validate_role_binding_update(e: &mut Errs, new: &Value, old: &Value) {
    if new.get("roleRef") != old.get("roleRef") {
        let r = new.get("roleRef").cloned().unwrap_or(Value::Null);
        e.invalid(
            &Path::new("roleRef"),
            &format!(
                "rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
                q(field::s(&r, "apiGroup").unwrap_or("")),
                q(field::s(&r, "kind").unwrap_or("")),
                q(field::s(&r, "name").unwrap_or(""))
            ),
            "cannot change roleRef",
        );
    }
}

// ---- StorageClass and PriorityClass ----------------------------------------------------------

pub(crate) fn validate_storage_class(e: &mut Errs, obj: &Value) {
    let root = Path::new("");
    let provisioner = field::string_or_empty(e, obj, "provisioner", &root);
    let pp = Path::new("provisioner");
    if provisioner.is_empty() {
        e.required(&pp, "");
    } else {
        validate_qualified_name(e, &provisioner.to_lowercase(), &pp);
    }
    if let Some(params) = field::string_map(e, obj, "parameters", &root) {
        let mut total = 0;
        for (k, v) in &params {
            if k.is_empty() {
                e.invalid_str(&Path::new("parameters"), k, "field can not be empty.");
            }
            total += k.len() + v.len();
        }
        if params.len() > 512 {
            e.too_many(&Path::new("parameters"), params.len(), 512);
        }
        if total > 256 * 1024 {
            e.too_long(&Path::new("parameters"), 256 * 1024);
        }
    }
    if let Some(policy) = field::string(e, obj, "reclaimPolicy", &root).filter(|s| !s.is_empty()) {
        if !matches!(policy, "Delete" | "Retain") {
            e.not_supported(
                &Path::new("reclaimPolicy"),
                &q(policy),
                &["Delete", "Retain"],
            );
        }
    }
    match field::string(e, obj, "volumeBindingMode", &root) {
        None => e.required(&Path::new("volumeBindingMode"), ""),
        Some("Immediate" | "WaitForFirstConsumer") => {}
        Some(other) => e.not_supported(
            &Path::new("volumeBindingMode"),
            &q(other),
            &["Immediate", "WaitForFirstConsumer"],
        ),
    }
    let tp = Path::new("allowedTopologies");
    for (i, term) in field::object_items(e, obj, "allowedTopologies", &root) {
        let ip = tp.index(i);
        let exprs = field::object_items(e, term, "matchLabelExpressions", &ip);
        let mut keys = std::collections::HashSet::new();
        for (j, r) in exprs {
            let rp = ip.child("matchLabelExpressions").index(j);
            let values = field::string_items(e, r, "values", &rp).unwrap_or_default();
            if values.is_empty() {
                e.required(&rp.child("values"), "");
            }
            let key = field::string_or_empty(e, r, "key", &rp);
            validate_qualified_name(e, key, &rp.child("key"));
            if !keys.insert(key.to_string()) {
                e.duplicate(&rp.child("key"), &q(key));
            }
        }
    }
}

pub(crate) fn validate_storage_class_update(e: &mut Errs, new: &Value, old: &Value) {
    if new.get("parameters").filter(|v| !v.is_null())
        != old.get("parameters").filter(|v| !v.is_null())
    {
        e.forbidden(
            &Path::new("parameters"),
            "updates to parameters are forbidden.",
        );
    }
    if field::s(new, "provisioner") != field::s(old, "provisioner") {
        e.forbidden(
            &Path::new("provisioner"),
            "updates to provisioner are forbidden.",
        );
    }
    if field::s(new, "reclaimPolicy") != field::s(old, "reclaimPolicy") {
        e.forbidden(
            &Path::new("reclaimPolicy"),
            "updates to reclaimPolicy are forbidden.",
        );
    }
    if field::s(new, "volumeBindingMode") != field::s(old, "volumeBindingMode") {
        let v = field::s(new, "volumeBindingMode")
            .map(q)
            .unwrap_or_else(|| "null".to_string());
        e.immutable(&Path::new("volumeBindingMode"), &v);
    }
}

const HIGHEST_USER_PRIORITY: i64 = 1_000_000_000;

pub(crate) fn validate_priority_class(e: &mut Errs, obj: &Value) {
    let root = Path::new("");
    let name = obj
        .get("metadata")
        .and_then(|m| field::s(m, "name"))
        .unwrap_or("");
    let value = field::int(e, obj, "value", &root).unwrap_or(0);
    let global = obj
        .get("globalDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if name.starts_with("system-") {
        let known = match name {
            "system-node-critical" => Some(2_000_001_000),
            "system-cluster-critical" => Some(2_000_000_000),
            _ => None,
        };
        let err = match known {
            None => Some(format!("{name} is not a known system priority class")),
            Some(v) if v != value => Some(format!("value of {name} PriorityClass must be {v}")),
            Some(_) if global => Some(format!(
                "globalDefault of {name} PriorityClass must be false"
            )),
            _ => None,
        };
        if let Some(err) = err {
            e.forbidden(
                &Path::new("metadata").child("name"),
                &format!("priority class names with 'system-' prefix are reserved for system use only. error: {err}"),
            );
        }
    } else if value > HIGHEST_USER_PRIORITY {
        e.forbidden(
            &Path::new("value"),
            &format!("maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}"),
        );
    }
    if let Some(pp) = field::string(e, obj, "preemptionPolicy", &root) {
        match pp {
            "PreemptLowerPriority" | "Never" => {}
            "" => e.required(&Path::new("preemptionPolicy"), ""),
            other => e.not_supported(
                &Path::new("preemptionPolicy"),
                &q(other),
                &["PreemptLowerPriority", "Never"],
            ),
        }
    }
}

pub(crate) fn validate_priority_class_update(e: &mut Errs, new: &Value, old: &Value) {
    if field::i(new, "value") != field::i(old, "value") {
        e.forbidden(&Path::new("value"), "may not be changed in an update.");
    }
    if field::s(new, "preemptionPolicy") != field::s(old, "preemptionPolicy") {
        let v = field::s(new, "preemptionPolicy")
            .map(q)
            .unwrap_or_else(|| "null".to_string());
        e.immutable(&Path::new("preemptionPolicy"), &v);
    }
}

// ---- Lease, EndpointSlice, ControllerRevision ------------------------------------------------

pub(crate) fn validate_lease(e: &mut Errs, obj: &Value) {
    let sp = Path::new("spec");
    let spec = spec_of(e, obj);
    if let Some(d) = field::int(e, &spec, "leaseDurationSeconds", &sp) {
        if d <= 0 {
            e.invalid(
                &sp.child("leaseDurationSeconds"),
                &d.to_string(),
                "must be greater than 0",
            );
        }
    }
    if let Some(t) = field::int(e, &spec, "leaseTransitions", &sp) {
        if t < 0 {
            e.invalid(
                &sp.child("leaseTransitions"),
                &t.to_string(),
                "must be greater than or equal to 0",
            );
        }
    }
    for key in ["acquireTime", "renewTime"] {
        if let Some(t) = field::string(e, &spec, key, &sp) {
            if chrono::DateTime::parse_from_rfc3339(t).is_err() {
                e.invalid_str(
                    &sp.child(key),
                    t,
                    "must be an RFC 3339 timestamp with microseconds",
                );
            }
        }
    }
}

pub(crate) fn validate_endpoint_slice(e: &mut Errs, obj: &Value) {
    let root = Path::new("");
    let at = field::string_or_empty(e, obj, "addressType", &root);
    match at {
        "" => e.required(&Path::new("addressType"), ""),
        "IPv4" | "IPv6" | "FQDN" => {}
        other => e.not_supported(
            &Path::new("addressType"),
            &q(other),
            &["FQDN", "IPv4", "IPv6"],
        ),
    }
    let ep = Path::new("endpoints");
    for (i, endpoint) in field::object_items(e, obj, "endpoints", &root) {
        let ip = ep.index(i);
        let addresses = field::string_items(e, endpoint, "addresses", &ip).unwrap_or_default();
        if addresses.is_empty() {
            e.required(&ip.child("addresses"), "must contain at least 1 address");
        }
        for (j, a) in addresses {
            let errs = match at {
                "IPv4" | "IPv6" => names::ip_errors(a),
                "FQDN" => names::dns1123_subdomain_errors(a),
                _ => Vec::new(),
            };
            for msg in errs {
                e.invalid_str(&ip.child("addresses").index(j), a, &msg);
            }
        }
        if let Some(h) = field::string(e, endpoint, "hostname", &ip) {
            validate_dns_label(e, h, &ip.child("hostname"));
        }
    }
    let pp = Path::new("ports");
    let mut seen = std::collections::HashSet::new();
    for (i, port) in field::object_items(e, obj, "ports", &root) {
        let ip = pp.index(i);
        let name = field::string_or_empty(e, port, "name", &ip);
        if !name.is_empty() {
            validate_dns_label(e, name, &ip.child("name"));
        }
        if !seen.insert(name.to_string()) {
            e.duplicate(&ip.child("name"), &q(name));
        }
        if let Some(proto) = field::string(e, port, "protocol", &ip) {
            if !matches!(proto, "TCP" | "UDP" | "SCTP") {
                e.not_supported(&ip.child("protocol"), &q(proto), &["SCTP", "TCP", "UDP"]);
            }
        } else {
            e.required(&ip.child("protocol"), "");
        }
        if let Some(ap) = field::string(e, port, "appProtocol", &ip) {
            validate_qualified_name(e, ap, &ip.child("appProtocol"));
        }
    }
}

pub(crate) fn validate_controller_revision(e: &mut Errs, obj: &Value, old: Option<&Value>) {
    if raw(obj, "data").is_none() {
        e.required(&Path::new("data"), "data is mandatory");
    }
    nonneg_field(e, obj, "revision", &Path::new(""));
    if let Some(old) = old {
        if obj.get("data") != old.get("data") {
            e.immutable(
                &Path::new("data"),
                &render_json(obj.get("data").unwrap_or(&Value::Null)),
            );
        }
    }
}

/// Pod validation entry for pods (metadata checks are done by the caller).
pub(crate) fn validate_pod(e: &mut Errs, obj: &Value, create: bool) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let spec = field::object(e, obj, "spec", &Path::new("")).unwrap_or(&empty);
    let name = obj.get("metadata").and_then(|m| field::s(m, "name"));
    pod::validate_pod_spec(
        e,
        spec,
        &sp,
        pod::PodOpts {
            is_pod: true,
            restart_policy_optional: false,
        },
        name,
    );
    if field::s(spec, "serviceAccountName")
        .unwrap_or("")
        .is_empty()
    {
        for (i, v) in spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(sources) = v
                .get("projected")
                .and_then(|p| p.get("sources"))
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (j, s) in sources.iter().enumerate() {
                if raw(s, "serviceAccountToken").is_some() {
                    e.forbidden(
                        &sp.child("volumes")
                            .index(i)
                            .child("projected")
                            .child("sources")
                            .index(j)
                            .child("serviceAccountToken"),
                        "must not be specified when serviceAccountName is not set",
                    );
                }
            }
        }
    }
    if create {
        if spec
            .get("ephemeralContainers")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            e.forbidden(&sp.child("ephemeralContainers"), "cannot be set on create");
        }
        let gated = spec
            .get("schedulingGates")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if gated && !field::s(spec, "nodeName").unwrap_or("").is_empty() {
            e.forbidden(
                &sp.child("nodeName"),
                "cannot be set until all schedulingGates have been cleared",
            );
        }
    }
}

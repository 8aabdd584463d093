//! Pod specs, as `ValidatePodSpec` and friends check them; also used for every pod template.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::common::{
    self, nonneg_field, validate_dns_label, validate_dns_subdomain, validate_qualified_name,
};
use super::field::{self, q, raw, render_json, Errs, Path};
use super::names;
use super::quantity::Quantity;

/// Context for pod spec validation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PodOpts {
    /// The spec belongs to a Pod (not a template): stricter host-port and image checks.
    pub(crate) is_pod: bool,
    /// An empty `restartPolicy` is left to the caller (Job templates, which are not defaulted).
    pub(crate) restart_policy_optional: bool,
}

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// The volume source keys, in the order Kubernetes checks them, with the path element used
/// when a second type is reported.
const VOLUME_SOURCES: &[(&str, &str)] = &[
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
];

/// The volume source keys a Volume can carry (used by defaulting too).
pub(crate) fn volume_source_keys() -> impl Iterator<Item = &'static str> {
    VOLUME_SOURCES.iter().map(|(k, _)| *k)
}

#[derive(Clone, Copy, Debug)]
struct VolInfo {
    claim: bool,
    image: bool,
}

/// `ValidatePodTemplateSpec`: template labels and annotations (reported at `<p>.labels` and
/// `<p>.annotations`, as Kubernetes does), then the pod spec.
pub(crate) fn validate_pod_template(e: &mut Errs, tmpl: &Value, p: &Path, opts: PodOpts) {
    if !tmpl.is_object() {
        e.type_invalid(p, tmpl, "an object");
        return;
    }
    let meta = field::object(e, tmpl, "metadata", p);
    let maps = common::meta_maps(e, meta, &p.child("metadata"));
    if let Some(labels) = &maps.labels {
        common::validate_labels(e, labels, &p.child("labels"));
    }
    if let Some(annotations) = &maps.annotations {
        common::validate_annotations(e, annotations, &p.child("annotations"));
    }
    let empty = Value::Object(Default::default());
    let spec = field::object(e, tmpl, "spec", p).unwrap_or(&empty);
    validate_pod_spec(e, spec, &p.child("spec"), opts, None);
    if field::array(e, spec, "ephemeralContainers", &p.child("spec")).is_some_and(|a| !a.is_empty())
    {
        e.forbidden(
            &p.child("spec").child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        );
    }
}

/// The template's labels (quiet; for selector matching).
pub(crate) fn template_labels(tmpl: Option<&Value>) -> Option<Vec<(String, String)>> {
    field::smap(tmpl?.get("metadata")?, "labels")
}

/// `ValidatePodSpec`.
pub(crate) fn validate_pod_spec(
    e: &mut Errs,
    spec: &Value,
    p: &Path,
    opts: PodOpts,
    pod_name: Option<&str>,
) {
    let grace = field::int(e, spec, "terminationGracePeriodSeconds", p);
    if grace.is_none() && raw(spec, "terminationGracePeriodSeconds").is_none() {
        e.required(&p.child("terminationGracePeriodSeconds"), "");
    }
    let vols = validate_volumes(e, spec, p, pod_name);
    let restart_policy = field::string_or_empty(e, spec, "restartPolicy", p);
    validate_containers(e, spec, p, &vols, opts, grace, restart_policy);
    validate_init_containers(e, spec, p, &vols, opts, grace, restart_policy);
    validate_host_network_deps(e, spec, p, opts);
    match restart_policy {
        "Always" | "OnFailure" | "Never" => {}
        "" if opts.restart_policy_optional => {}
        "" => e.required(&p.child("restartPolicy"), ""),
        other => e.not_supported(
            &p.child("restartPolicy"),
            &q(other),
            &["Always", "OnFailure", "Never"],
        ),
    }
    let dns_policy = field::string_or_empty(e, spec, "dnsPolicy", p);
    match dns_policy {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => e.required(&p.child("dnsPolicy"), ""),
        other => e.not_supported(
            &p.child("dnsPolicy"),
            &q(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        ),
    }
    if let Some(ns) = field::string_map(e, spec, "nodeSelector", p) {
        common::validate_labels(e, &ns, &p.child("nodeSelector"));
    }
    if let Some(sc) = field::object(e, spec, "securityContext", p) {
        validate_pod_security_context(e, sc, &p.child("securityContext"));
    }
    if let Some(affinity) = field::object(e, spec, "affinity", p) {
        validate_affinity(e, affinity, &p.child("affinity"));
    }
    validate_dns_config(e, spec, p, dns_policy);
    for (i, g) in field::object_items(e, spec, "readinessGates", p) {
        let gp = p.child("readinessGates").index(i);
        let t = field::string_or_empty(e, g, "conditionType", &gp);
        validate_qualified_name(e, t, &gp.child("conditionType"));
    }
    let mut seen_gates = HashSet::new();
    for (i, g) in field::object_items(e, spec, "schedulingGates", p) {
        let gp = p.child("schedulingGates").index(i);
        let name = field::string_or_empty(e, g, "name", &gp);
        validate_qualified_name(e, name, &gp);
        if !seen_gates.insert(name.to_string()) {
            e.duplicate(&gp, &q(name));
        }
    }
    validate_topology_spread(e, spec, p);
    if let Some(sa) = field::string(e, spec, "serviceAccountName", p).filter(|s| !s.is_empty()) {
        for msg in names::dns1123_subdomain_errors(sa) {
            e.invalid_str(&p.child("serviceAccountName"), sa, &msg);
        }
    }
    if let Some(node) = field::string(e, spec, "nodeName", p).filter(|s| !s.is_empty()) {
        for msg in names::dns1123_subdomain_errors(node) {
            e.invalid_str(&p.child("nodeName"), node, &msg);
        }
    }
    if let Some(ads) = field::int(e, spec, "activeDeadlineSeconds", p) {
        if !(1..=i64::from(i32::MAX)).contains(&ads) {
            e.invalid(
                &p.child("activeDeadlineSeconds"),
                &ads.to_string(),
                &names::inclusive_range_error(1, i64::from(i32::MAX)),
            );
        }
    }
    for key in ["hostname", "subdomain"] {
        if let Some(v) = field::string(e, spec, key, p).filter(|s| !s.is_empty()) {
            validate_dns_label(e, v, &p.child(key));
        }
    }
    validate_tolerations(e, spec, "tolerations", p);
    for (i, alias) in field::object_items(e, spec, "hostAliases", p) {
        let ap = p.child("hostAliases").index(i);
        let ip = field::string_or_empty(e, alias, "ip", &ap);
        for msg in names::ip_errors(ip) {
            e.invalid_str(&ap.child("ip"), ip, &msg);
        }
        for (j, h) in field::string_items(e, alias, "hostnames", &ap).unwrap_or_default() {
            validate_dns_subdomain(e, h, &ap.child("hostnames").index(j));
        }
    }
    if let Some(pc) = field::string(e, spec, "priorityClassName", p).filter(|s| !s.is_empty()) {
        validate_dns_subdomain(e, pc, &p.child("priorityClassName"));
    }
    if let Some(rc) = field::string(e, spec, "runtimeClassName", p) {
        validate_dns_subdomain(e, rc, &p.child("runtimeClassName"));
    }
    if let Some(pp) = field::string(e, spec, "preemptionPolicy", p) {
        match pp {
            "PreemptLowerPriority" | "Never" => {}
            "" => e.required(&p.child("preemptionPolicy"), ""),
            other => e.not_supported(
                &p.child("preemptionPolicy"),
                &q(other),
                &["PreemptLowerPriority", "Never"],
            ),
        }
    }
    if let Some(overhead) = field::object(e, spec, "overhead", p) {
        let op = p.child("overhead");
        if let Some(m) = overhead.as_object() {
            for (name, v) in m {
                validate_container_resource_name(e, name, &op.key(name));
                if let Some(qty) = common::parse_quantity_field(e, v, &op.key(name)) {
                    validate_quantity_value(e, name, &qty, &op.key(name));
                }
            }
        }
    }
    if let Some(os) = field::object(e, spec, "os", p) {
        let osp = p.child("os");
        match field::string_or_empty(e, os, "name", &osp) {
            "" => e.required(&osp.child("name"), "cannot be empty"),
            "linux" | "windows" => {}
            other => e.not_supported(&osp, &q(other), &["linux", "windows"]),
        }
    }
}

fn validate_volumes(
    e: &mut Errs,
    spec: &Value,
    p: &Path,
    pod_name: Option<&str>,
) -> HashMap<String, VolInfo> {
    let vp = p.child("volumes");
    let mut vols = HashMap::new();
    for (i, vol) in field::object_items(e, spec, "volumes", p) {
        let ip = vp.index(i);
        let mut el = Errs::new();
        let name = field::string_or_empty(&mut el, vol, "name", &ip);
        validate_volume_source(&mut el, vol, &ip, name, pod_name);
        if name.is_empty() {
            el.required(&ip.child("name"), "");
        } else {
            validate_dns_label(&mut el, name, &ip.child("name"));
        }
        if vols.contains_key(name) {
            el.duplicate(&ip.child("name"), &q(name));
        }
        if el.len() == 0 {
            vols.insert(
                name.to_string(),
                VolInfo {
                    claim: raw(vol, "persistentVolumeClaim").is_some()
                        || raw(vol, "ephemeral").is_some(),
                    image: raw(vol, "image").is_some(),
                },
            );
        } else {
            e.extend(el);
        }
    }
    vols
}

fn validate_volume_source(
    e: &mut Errs,
    vol: &Value,
    p: &Path,
    vol_name: &str,
    pod_name: Option<&str>,
) {
    let mut count = 0;
    for (key, forbidden_name) in VOLUME_SOURCES {
        let Some(src) = raw(vol, key) else { continue };
        if count > 0 {
            e.forbidden(
                &p.child(forbidden_name),
                "may not specify more than 1 volume type",
            );
            continue;
        }
        count += 1;
        if !src.is_object() {
            e.type_invalid(&p.child(key), src, "an object");
            continue;
        }
        let sp = p.child(key);
        match *key {
            "emptyDir" => {
                if let Some(limit) = raw(src, "sizeLimit") {
                    if let Some(qty) =
                        common::parse_quantity_field(e, limit, &sp.child("sizeLimit"))
                    {
                        if qty.is_negative() {
                            e.forbidden(
                                &sp.child("sizeLimit"),
                                "SizeLimit field must be a valid resource quantity",
                            );
                        }
                    }
                }
            }
            "hostPath" => {
                let path = field::string_or_empty(e, src, "path", &sp);
                if path.is_empty() {
                    e.required(&sp.child("path"), "");
                    continue;
                }
                validate_no_backsteps(e, path, &sp.child("path"));
                if let Some(t) = field::string(e, src, "type", &sp) {
                    const TYPES: &[&str] = &[
                        "",
                        "BlockDevice",
                        "CharDevice",
                        "Directory",
                        "DirectoryOrCreate",
                        "File",
                        "FileOrCreate",
                        "Socket",
                    ];
                    if !TYPES.contains(&t) {
                        e.not_supported(&sp.child("type"), &q(t), TYPES);
                    }
                }
            }
            "gitRepo" => {
                require_strings(e, src, &sp, &["repository"]);
                let dir = field::string_or_empty(e, src, "directory", &sp);
                validate_local_descending_path(e, dir, &sp.child("directory"));
            }
            "gcePersistentDisk" => {
                let pp = p.child("persistentDisk");
                require_strings(e, src, &pp, &["pdName"]);
                if let Some(part) = field::int(e, src, "partition", &sp) {
                    if !(0..=255).contains(&part) {
                        e.invalid(
                            &pp.child("partition"),
                            &part.to_string(),
                            &names::inclusive_range_error(1, 255),
                        );
                    }
                }
            }
            "awsElasticBlockStore" => require_strings(e, src, &sp, &["volumeID"]),
            "secret" => {
                require_strings(e, src, &sp, &["secretName"]);
                validate_mode(e, src, "defaultMode", &sp);
                validate_key_to_paths(e, src, &sp);
            }
            "configMap" => {
                require_strings(e, src, &sp, &["name"]);
                validate_mode(e, src, "defaultMode", &sp);
                validate_key_to_paths(e, src, &sp);
            }
            "nfs" => {
                require_strings(e, src, &sp, &["server", "path"]);
                let path = field::string_or_empty(e, src, "path", &sp);
                if !path.starts_with('/') {
                    e.invalid_str(&sp.child("path"), path, "must be an absolute path");
                }
            }
            "iscsi" => require_strings(e, src, &sp, &["targetPortal", "iqn"]),
            "glusterfs" => require_strings(e, src, &sp, &["endpoints", "path"]),
            "persistentVolumeClaim" => require_strings(e, src, &sp, &["claimName"]),
            "rbd" => {
                if field::array(e, src, "monitors", &sp).is_none_or(|a| a.is_empty()) {
                    e.required(&sp.child("monitors"), "");
                }
                require_strings(e, src, &sp, &["image"]);
            }
            "cinder" => require_strings(e, src, &sp, &["volumeID"]),
            "cephfs" if field::array(e, src, "monitors", &sp).is_none_or(|a| a.is_empty()) => {
                e.required(&sp.child("monitors"), "");
            }
            "downwardAPI" => {
                validate_mode(e, src, "defaultMode", &sp);
                for (_, item) in field::object_items(e, src, "items", &sp) {
                    validate_downward_api_file(e, item, &sp);
                }
            }
            "flexVolume" => require_strings(e, src, &sp, &["driver"]),
            "azureFile" => require_strings(e, src, &sp, &["secretName", "shareName"]),
            "vsphereVolume" => require_strings(e, src, &sp, &["volumePath"]),
            "photonPersistentDisk" => require_strings(e, src, &sp, &["pdID"]),
            "portworxVolume" => require_strings(e, src, &sp, &["volumeID"]),
            "azureDisk" => require_strings(e, src, &sp, &["diskName", "diskURI"]),
            "storageos" => {
                let name = field::string_or_empty(e, src, "volumeName", &sp);
                if name.is_empty() {
                    e.required(&sp.child("volumeName"), "");
                } else {
                    validate_dns_label(e, name, &sp.child("volumeName"));
                }
            }
            "projected" => {
                validate_mode(e, src, "defaultMode", &sp);
                validate_projection_sources(e, src, &sp);
            }
            "scaleIO" => require_strings(e, src, &sp, &["gateway", "system", "volumeName"]),
            "csi" => {
                let driver = field::string_or_empty(e, src, "driver", &sp);
                validate_csi_driver_name(e, driver, &sp.child("driver"));
            }
            "ephemeral" => match field::object(e, src, "volumeClaimTemplate", &sp) {
                None => e.required(&sp.child("volumeClaimTemplate"), ""),
                Some(t) => {
                    let tp = sp.child("volumeClaimTemplate");
                    let meta = field::object(e, t, "metadata", &tp);
                    let maps = common::meta_maps(e, meta, &tp.child("metadata"));
                    if let Some(a) = &maps.annotations {
                        common::validate_annotations(
                            e,
                            a,
                            &tp.child("metadata").child("annotations"),
                        );
                    }
                    if let Some(l) = &maps.labels {
                        common::validate_labels(e, l, &tp.child("metadata").child("labels"));
                    }
                    let empty = Value::Object(Default::default());
                    let spec = field::object(e, t, "spec", &tp).unwrap_or(&empty);
                    super::core::validate_pvc_spec(e, spec, &tp.child("spec"));
                    if let (Some(pod), false) = (pod_name, vol_name.is_empty()) {
                        let pvc = format!("{pod}-{vol_name}");
                        for msg in names::dns1123_subdomain_errors(&pvc) {
                            e.invalid_str(
                                &p.child("name"),
                                vol_name,
                                &format!("PVC name {}: {msg}", q(&pvc)),
                            );
                        }
                    }
                }
            },
            "image" => match field::string_or_empty(e, src, "pullPolicy", &sp) {
                "Always" | "IfNotPresent" | "Never" => {}
                "" => e.required(&sp.child("pullPolicy"), ""),
                other => e.not_supported(
                    &sp.child("pullPolicy"),
                    &q(other),
                    &["Always", "IfNotPresent", "Never"],
                ),
            },
            _ => {}
        }
    }
    if count == 0 {
        e.required(p, "must specify a volume type");
    }
}

pub(crate) fn validate_csi_driver_name(e: &mut Errs, driver: &str, p: &Path) {
    if driver.is_empty() {
        e.required(p, "");
    }
    if driver.len() > 63 {
        e.too_long(p, 63);
    }
    for msg in names::dns1123_subdomain_errors(&driver.to_lowercase()) {
        e.invalid_str(p, driver, &msg);
    }
}

fn require_strings(e: &mut Errs, src: &Value, p: &Path, keys: &[&str]) {
    for key in keys {
        if field::string_or_empty(e, src, key, p).is_empty() {
            e.required(&p.child(key), "");
        }
    }
}

fn validate_mode(e: &mut Errs, src: &Value, key: &str, p: &Path) {
    if let Some(mode) = field::int(e, src, key, p) {
        if !(0..=0o777).contains(&mode) {
            e.invalid(&p.child(key), &mode.to_string(), FILE_MODE_MSG);
        }
    }
}

fn validate_key_to_paths(e: &mut Errs, src: &Value, p: &Path) {
    let ip = p.child("items");
    for (i, kp) in field::object_items(e, src, "items", p) {
        let kpath = ip.index(i);
        validate_key_to_path(e, kp, &kpath);
    }
}

fn validate_key_to_path(e: &mut Errs, kp: &Value, p: &Path) {
    if field::string_or_empty(e, kp, "key", p).is_empty() {
        e.required(&p.child("key"), "");
    }
    let path = field::string_or_empty(e, kp, "path", p);
    if path.is_empty() {
        e.required(&p.child("path"), "");
    }
    validate_local_non_reserved_path(e, path, &p.child("path"));
    validate_mode(e, kp, "mode", p);
}

fn validate_downward_api_file(e: &mut Errs, file: &Value, p: &Path) {
    let path = field::string_or_empty(e, file, "path", p);
    if path.is_empty() {
        e.required(&p.child("path"), "");
    }
    validate_local_non_reserved_path(e, path, &p.child("path"));
    let field_ref = field::object(e, file, "fieldRef", p);
    let resource_ref = field::object(e, file, "resourceFieldRef", p);
    match (field_ref, resource_ref) {
        (Some(fr), rr) => {
            validate_object_field_selector(
                e,
                fr,
                &[
                    "metadata.annotations",
                    "metadata.labels",
                    "metadata.name",
                    "metadata.namespace",
                    "metadata.uid",
                ],
                &p.child("fieldRef"),
            );
            if rr.is_some() {
                e.invalid_str(
                    p,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                );
            }
        }
        (None, Some(rr)) => {
            validate_resource_field_selector(e, rr, &p.child("resourceFieldRef"), true)
        }
        (None, None) => e.required(p, "one of fieldRef and resourceFieldRef is required"),
    }
    validate_mode(e, file, "mode", p);
}

fn validate_projection_sources(e: &mut Errs, src: &Value, p: &Path) {
    let mut all_paths: HashSet<String> = HashSet::new();
    for (i, source) in field::object_items(e, src, "sources", p) {
        let sp = p.child("sources").index(i);
        let mut n = 0;
        for kind in ["secret", "configMap"] {
            if let Some(s) = field::object(e, source, kind, &sp) {
                n += 1;
                let pp = sp.child(kind);
                let name = field::string_or_empty(e, s, "name", &pp);
                if name.is_empty() {
                    e.required(&pp.child("name"), "");
                }
                for (j, kp) in field::object_items(e, s, "items", &pp) {
                    validate_key_to_path(e, kp, &pp.child("items").index(j));
                    if let Some(path) = field::s(kp, "path").filter(|s| !s.is_empty()) {
                        if !all_paths.insert(path.to_string()) {
                            e.invalid_str(p, name, "conflicting duplicate paths");
                        }
                    }
                }
            }
        }
        if let Some(d) = field::object(e, source, "downwardAPI", &sp) {
            n += 1;
            let pp = sp.child("downwardAPI");
            for (_, item) in field::object_items(e, d, "items", &pp) {
                validate_downward_api_file(e, item, &pp);
                if let Some(path) = field::s(item, "path").filter(|s| !s.is_empty()) {
                    if !all_paths.insert(path.to_string()) {
                        e.invalid_str(p, path, "conflicting duplicate paths");
                    }
                }
            }
        }
        if let Some(t) = field::object(e, source, "serviceAccountToken", &sp) {
            n += 1;
            let pp = sp.child("serviceAccountToken");
            let exp = field::int(e, t, "expirationSeconds", &pp).unwrap_or(0);
            if exp < 600 {
                e.invalid(
                    &pp.child("expirationSeconds"),
                    &exp.to_string(),
                    "may not specify a duration less than 10 minutes",
                );
            }
            if exp > 1 << 32 {
                e.invalid(
                    &pp.child("expirationSeconds"),
                    &exp.to_string(),
                    "may not specify a duration larger than 2^32 seconds",
                );
            }
            let path = field::string_or_empty(e, t, "path", &pp);
            if path.is_empty() {
                e.required(&p.child("path"), "");
            } else {
                validate_local_non_reserved_path(e, path, &p.child("path"));
            }
        }
        if let Some(b) = field::object(e, source, "clusterTrustBundle", &sp) {
            n += 1;
            let pp = sp.child("clusterTrustBundle");
            if field::string_or_empty(e, b, "path", &pp).is_empty() {
                e.required(&pp.child("path"), "");
            }
        }
        if n > 1 {
            e.forbidden(&sp, "may not specify more than 1 volume type per source");
        }
    }
}

fn validate_no_backsteps(e: &mut Errs, path: &str, p: &Path) {
    if path.replace('\\', "/").split('/').any(|part| part == "..") {
        e.invalid_str(p, path, "must not contain '..'");
    }
}

fn validate_local_descending_path(e: &mut Errs, path: &str, p: &Path) {
    if path.starts_with('/') {
        e.invalid_str(p, path, "must be a relative path");
    }
    validate_no_backsteps(e, path, p);
}

fn validate_local_non_reserved_path(e: &mut Errs, path: &str, p: &Path) {
    validate_local_descending_path(e, path, p);
    if path.starts_with("..") && !path.starts_with("../") {
        e.invalid_str(p, path, "must not start with '..'");
    }
}

// ---- containers ------------------------------------------------------------------------------

fn validate_containers(
    e: &mut Errs,
    spec: &Value,
    p: &Path,
    vols: &HashMap<String, VolInfo>,
    opts: PodOpts,
    grace: Option<i64>,
    restart_policy: &str,
) {
    let cp = p.child("containers");
    let containers = field::object_items(e, spec, "containers", p);
    if containers.is_empty() {
        e.required(&cp, "");
        return;
    }
    let mut names_seen: HashSet<String> = HashSet::new();
    for (i, c) in &containers {
        let path = cp.index(*i);
        validate_container_common(e, c, &path, vols, opts, restart_policy);
        let name = field::s(c, "name").unwrap_or("");
        if !names_seen.insert(name.to_string()) {
            e.duplicate(&path.child("name"), &q(name));
        }
        if let Some(lc) = field::object(e, c, "lifecycle", &path) {
            validate_lifecycle(e, lc, grace, &path.child("lifecycle"));
        }
        validate_probe(e, c, "livenessProbe", &path, grace, true);
        validate_probe(e, c, "readinessProbe", &path, grace, false);
        validate_probe(e, c, "startupProbe", &path, grace, true);
        if raw(c, "restartPolicy").is_some() {
            e.forbidden(
                &path.child("restartPolicy"),
                "may not be set for non-init containers",
            );
        }
    }
    check_host_port_conflicts(e, &containers, &cp);
}

fn validate_init_containers(
    e: &mut Errs,
    spec: &Value,
    p: &Path,
    vols: &HashMap<String, VolInfo>,
    opts: PodOpts,
    grace: Option<i64>,
    restart_policy: &str,
) {
    let ip = p.child("initContainers");
    let mut all: HashSet<String> = field::object_items(&mut Errs::new(), spec, "containers", p)
        .iter()
        .filter_map(|(_, c)| field::s(c, "name").map(str::to_string))
        .collect();
    for (i, c) in field::object_items(e, spec, "initContainers", p) {
        let path = ip.index(i);
        validate_container_common(e, c, &path, vols, opts, restart_policy);
        let mut restart_always = false;
        if let Some(rp) = field::string(e, c, "restartPolicy", &path) {
            if rp == "Always" {
                restart_always = true;
            } else {
                e.not_supported(&path.child("restartPolicy"), &q(rp), &["Always"]);
            }
        }
        let name = field::s(c, "name").unwrap_or("");
        if all.contains(name) {
            e.duplicate(&path.child("name"), &q(name));
        } else if !name.is_empty() {
            all.insert(name.to_string());
        }
        // Each init container is checked alone (and reported at index 0, as Kubernetes does).
        check_host_port_conflicts(e, &[(0, c)], &ip);
        if restart_always {
            if let Some(lc) = field::object(e, c, "lifecycle", &path) {
                validate_lifecycle(e, lc, grace, &path.child("lifecycle"));
            }
            validate_probe(e, c, "livenessProbe", &path, grace, true);
            validate_probe(e, c, "readinessProbe", &path, grace, false);
            validate_probe(e, c, "startupProbe", &path, grace, true);
        } else {
            for key in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if raw(c, key).is_some() {
                    e.forbidden(
                        &path.child(key),
                        "may not be set for init containers without restartPolicy=Always",
                    );
                }
            }
        }
    }
}

fn check_host_port_conflicts(e: &mut Errs, containers: &[(usize, &Value)], p: &Path) {
    let mut seen = HashSet::new();
    for (ci, c) in containers {
        let Some(ports) = c.get("ports").and_then(Value::as_array) else {
            continue;
        };
        for (pi, port) in ports.iter().enumerate() {
            let host_port = field::i(port, "hostPort").unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{}",
                field::s(port, "protocol").unwrap_or(""),
                field::s(port, "hostIP").unwrap_or(""),
                host_port
            );
            if !seen.insert(key.clone()) {
                e.duplicate(
                    &p.index(*ci).child("ports").index(pi).child("hostPort"),
                    &q(&key),
                );
            }
        }
    }
}

fn validate_container_common(
    e: &mut Errs,
    c: &Value,
    p: &Path,
    vols: &HashMap<String, VolInfo>,
    opts: PodOpts,
    restart_policy: &str,
) {
    let name = field::string_or_empty(e, c, "name", p);
    if name.is_empty() {
        e.required(&p.child("name"), "");
    } else {
        validate_dns_label(e, name, &p.child("name"));
    }
    let image = field::string_or_empty(e, c, "image", p);
    if image.is_empty() {
        e.required(&p.child("image"), "");
    }
    match field::string_or_empty(e, c, "terminationMessagePolicy", p) {
        "File" | "FallbackToLogsOnError" => {}
        "" => e.required(&p.child("terminationMessagePolicy"), ""),
        other => e.not_supported(
            &p.child("terminationMessagePolicy"),
            &q(other),
            &["File", "FallbackToLogsOnError"],
        ),
    }
    validate_container_ports(e, c, p);
    validate_env(e, c, p);
    validate_env_from(e, c, p);
    let device_map: Vec<(String, String)> = c
        .get("volumeDevices")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        field::s(d, "name").unwrap_or("").to_string(),
                        field::s(d, "devicePath").unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mount_map: Vec<(String, String)> = c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        field::s(m, "name").unwrap_or("").to_string(),
                        field::s(m, "mountPath").unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    validate_volume_mounts(e, c, p, vols, &device_map);
    validate_volume_devices(e, c, p, vols, &mount_map);
    match field::string_or_empty(e, c, "imagePullPolicy", p) {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => e.required(&p.child("imagePullPolicy"), ""),
        other => e.not_supported(
            &p.child("imagePullPolicy"),
            &q(other),
            &["Always", "IfNotPresent", "Never"],
        ),
    }
    if let Some(res) = field::object(e, c, "resources", p) {
        validate_resource_requirements(e, res, &p.child("resources"));
    }
    validate_resize_policy(e, c, p, restart_policy);
    if let Some(sc) = field::object(e, c, "securityContext", p) {
        validate_security_context(e, sc, &p.child("securityContext"));
    }
    if opts.is_pod && image.len() != image.trim().len() {
        e.invalid_str(
            &p.child("image"),
            image,
            "must not have leading or trailing whitespace",
        );
    }
}

fn validate_container_ports(e: &mut Errs, c: &Value, p: &Path) {
    let pp = p.child("ports");
    let mut names_seen = HashSet::new();
    for (i, port) in field::object_items(e, c, "ports", p) {
        let ip = pp.index(i);
        let name = field::string_or_empty(e, port, "name", &ip);
        if !name.is_empty() {
            let msgs = names::port_name_errors(name);
            if !msgs.is_empty() {
                for msg in msgs {
                    e.invalid_str(&ip.child("name"), name, &msg);
                }
            } else if !names_seen.insert(name.to_string()) {
                e.duplicate(&ip.child("name"), &q(name));
            }
        }
        match field::int(e, port, "containerPort", &ip) {
            None | Some(0) => e.required(&ip.child("containerPort"), ""),
            Some(n) => {
                for msg in names::port_num_errors(n) {
                    e.invalid(&ip.child("containerPort"), &n.to_string(), &msg);
                }
            }
        }
        if let Some(hp) = field::int(e, port, "hostPort", &ip).filter(|n| *n != 0) {
            for msg in names::port_num_errors(hp) {
                e.invalid(&ip.child("hostPort"), &hp.to_string(), &msg);
            }
        }
        validate_protocol(e, port, &ip);
    }
}

/// `protocol`: required, TCP/UDP/SCTP.
pub(crate) fn validate_protocol(e: &mut Errs, port: &Value, p: &Path) {
    match field::string_or_empty(e, port, "protocol", p) {
        "" => e.required(&p.child("protocol"), ""),
        "TCP" | "UDP" | "SCTP" => {}
        other => e.not_supported(&p.child("protocol"), &q(other), PROTOCOLS),
    }
}

fn validate_env(e: &mut Errs, c: &Value, p: &Path) {
    let ep = p.child("env");
    for (i, ev) in field::object_items(e, c, "env", p) {
        let ip = ep.index(i);
        let name = field::string_or_empty(e, ev, "name", &ip);
        if name.is_empty() {
            e.required(&ip.child("name"), "");
        } else {
            for msg in names::env_var_name_errors(name) {
                e.invalid_str(&ip.child("name"), name, &msg);
            }
        }
        let value = field::string_or_empty(e, ev, "value", &ip);
        let Some(vf) = field::object(e, ev, "valueFrom", &ip) else {
            continue;
        };
        let vp = ip.child("valueFrom");
        let mut n = 0;
        if let Some(fr) = field::object(e, vf, "fieldRef", &vp) {
            n += 1;
            validate_object_field_selector(
                e,
                fr,
                &[
                    "metadata.name",
                    "metadata.namespace",
                    "metadata.uid",
                    "spec.nodeName",
                    "spec.serviceAccountName",
                    "status.hostIP",
                    "status.hostIPs",
                    "status.podIP",
                    "status.podIPs",
                ],
                &vp.child("fieldRef"),
            );
        }
        if let Some(rr) = field::object(e, vf, "resourceFieldRef", &vp) {
            n += 1;
            validate_resource_field_selector(e, rr, &vp.child("resourceFieldRef"), false);
        }
        for kind in ["configMapKeyRef", "secretKeyRef"] {
            if let Some(r) = field::object(e, vf, kind, &vp) {
                n += 1;
                let rp = vp.child(kind);
                let name = field::string_or_empty(e, r, "name", &rp);
                for msg in names::dns1123_subdomain_errors(name) {
                    e.invalid_str(&rp.child("name"), name, &msg);
                }
                let key = field::string_or_empty(e, r, "key", &rp);
                if key.is_empty() {
                    e.required(&rp.child("key"), "");
                } else {
                    for msg in names::config_map_key_errors(key) {
                        e.invalid_str(&rp.child("key"), key, &msg);
                    }
                }
            }
        }
        if n == 0 {
            e.invalid_str(
                &vp,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            );
        } else if !value.is_empty() {
            e.invalid_str(&vp, "", "may not be specified when `value` is not empty");
        } else if n > 1 {
            e.invalid_str(
                &vp,
                "",
                "may not have more than one field specified at a time",
            );
        }
    }
}

fn validate_object_field_selector(e: &mut Errs, fs: &Value, valid: &[&str], p: &Path) {
    let api_version = field::string_or_empty(e, fs, "apiVersion", p);
    if api_version.is_empty() {
        e.required(&p.child("apiVersion"), "");
        return;
    }
    let path = field::string_or_empty(e, fs, "fieldPath", p);
    if path.is_empty() {
        e.required(&p.child("fieldPath"), "");
        return;
    }
    if api_version != "v1" {
        e.invalid_str(
            &p.child("fieldPath"),
            path,
            &format!("error converting fieldPath: unsupported pod version: {api_version}"),
        );
        return;
    }
    if let Some((base, rest)) = path.split_once('[') {
        let subscript = rest
            .strip_suffix("']")
            .and_then(|r| r.strip_prefix('\''))
            .filter(|s| !s.is_empty());
        if let Some(sub) = subscript {
            match base {
                "metadata.annotations" => validate_qualified_name(e, &sub.to_lowercase(), p),
                "metadata.labels" => validate_qualified_name(e, sub, p),
                _ => e.invalid_str(p, base, "does not support subscript"),
            }
            return;
        }
    }
    const CONVERTIBLE: &[&str] = &[
        "metadata.annotations",
        "metadata.labels",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.serviceAccountName",
        "spec.schedulerName",
        "status.phase",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    ];
    if !CONVERTIBLE.contains(&path) {
        e.invalid_str(
            &p.child("fieldPath"),
            path,
            &format!("error converting fieldPath: field label not supported: {path}"),
        );
        return;
    }
    if !valid.contains(&path) {
        let mut sorted = valid.to_vec();
        sorted.sort();
        e.not_supported(&p.child("fieldPath"), &q(path), &sorted);
    }
}

fn validate_resource_field_selector(e: &mut Errs, rs: &Value, p: &Path, volume: bool) {
    const RESOURCES: &[&str] = &[
        "limits.cpu",
        "limits.ephemeral-storage",
        "limits.memory",
        "requests.cpu",
        "requests.ephemeral-storage",
        "requests.memory",
    ];
    let container = field::string_or_empty(e, rs, "containerName", p);
    let resource = field::string_or_empty(e, rs, "resource", p);
    if volume && container.is_empty() {
        e.required(&p.child("containerName"), "");
    } else if resource.is_empty() {
        e.required(&p.child("resource"), "");
    } else if !RESOURCES.contains(&resource)
        && !resource.starts_with("requests.hugepages-")
        && !resource.starts_with("limits.hugepages-")
    {
        e.not_supported(&p.child("resource"), &q(resource), RESOURCES);
    }
}

fn validate_env_from(e: &mut Errs, c: &Value, p: &Path) {
    let fp = p.child("envFrom");
    for (i, ev) in field::object_items(e, c, "envFrom", p) {
        let ip = fp.index(i);
        if let Some(prefix) = field::string(e, ev, "prefix", &ip).filter(|s| !s.is_empty()) {
            for msg in names::env_var_name_errors(prefix) {
                e.invalid_str(&ip.child("prefix"), prefix, &msg);
            }
        }
        let mut n = 0;
        for kind in ["configMapRef", "secretRef"] {
            if let Some(r) = field::object(e, ev, kind, &ip) {
                n += 1;
                let rp = ip.child(kind);
                let name = field::string_or_empty(e, r, "name", &rp);
                if name.is_empty() {
                    e.required(&rp.child("name"), "");
                } else {
                    for msg in names::name_errors(names::NameRule::Subdomain, name, true) {
                        e.invalid_str(&rp.child("name"), name, &msg);
                    }
                }
            }
        }
        if n == 0 {
            e.invalid_str(
                &fp,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            );
        } else if n > 1 {
            e.invalid_str(
                &fp,
                "",
                "may not have more than one field specified at a time",
            );
        }
    }
}

fn validate_volume_mounts(
    e: &mut Errs,
    c: &Value,
    p: &Path,
    vols: &HashMap<String, VolInfo>,
    devices: &[(String, String)],
) {
    let mp = p.child("volumeMounts");
    let mut mountpoints = HashSet::new();
    let privileged = c
        .get("securityContext")
        .and_then(|s| s.get("privileged"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    for (i, m) in field::object_items(e, c, "volumeMounts", p) {
        let ip = mp.index(i);
        let name = field::string_or_empty(e, m, "name", &ip);
        if name.is_empty() {
            e.required(&ip.child("name"), "");
        }
        if !vols.contains_key(name) {
            e.not_found(&ip.child("name"), &q(name));
        }
        let mount_path = field::string_or_empty(e, m, "mountPath", &ip);
        if mount_path.is_empty() {
            e.required(&ip.child("mountPath"), "");
        }
        if !mountpoints.insert(mount_path.to_string()) {
            e.invalid_str(&ip.child("mountPath"), mount_path, "must be unique");
        }
        if devices.iter().any(|(n, _)| n == name) {
            e.invalid_str(
                &ip.child("name"),
                name,
                "must not already exist in volumeDevices",
            );
        }
        if devices.iter().any(|(_, d)| d == mount_path) {
            e.invalid_str(
                &ip.child("mountPath"),
                mount_path,
                "must not already exist as a path in volumeDevices",
            );
        }
        let sub_path = field::string_or_empty(e, m, "subPath", &ip);
        let sub_path_expr = field::string_or_empty(e, m, "subPathExpr", &ip);
        if vols.get(name).is_some_and(|v| v.image) {
            if !sub_path.is_empty() {
                e.invalid_str(
                    &ip.child("subPath"),
                    sub_path,
                    "not allowed in image volume sources",
                );
            }
            if !sub_path_expr.is_empty() {
                e.invalid_str(
                    &ip.child("subPathExpr"),
                    sub_path_expr,
                    "not allowed in image volume sources",
                );
            }
        }
        if !sub_path.is_empty() {
            validate_local_descending_path(e, sub_path, &mp.child("subPath"));
        }
        if !sub_path_expr.is_empty() {
            if !sub_path.is_empty() {
                e.invalid_str(
                    &ip.child("subPathExpr"),
                    sub_path_expr,
                    "subPathExpr and subPath are mutually exclusive",
                );
            }
            validate_local_descending_path(e, sub_path_expr, &mp.child("subPathExpr"));
        }
        if let Some(prop) = field::string(e, m, "mountPropagation", &ip) {
            let pp = mp.child("mountPropagation");
            if !matches!(prop, "Bidirectional" | "HostToContainer" | "None") {
                e.not_supported(&pp, &q(prop), &["Bidirectional", "HostToContainer", "None"]);
            }
            if prop == "Bidirectional" && !privileged {
                e.forbidden(
                    &pp,
                    "Bidirectional mount propagation is available only to privileged containers",
                );
            }
        }
        if let Some(rro) = field::string(e, m, "recursiveReadOnly", &ip) {
            let rp = mp.child("recursiveReadOnly");
            match rro {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if m.get("readOnly").and_then(Value::as_bool) != Some(true) {
                        e.forbidden(&rp, "may only be specified when readOnly is true");
                    }
                    if field::s(m, "mountPropagation").is_some_and(|p| p != "None") {
                        e.forbidden(
                            &rp,
                            "may only be specified when mountPropagation is None or not specified",
                        );
                    }
                }
                other => e.not_supported(&rp, &q(other), &["Disabled", "Enabled", "IfPossible"]),
            }
        }
    }
}

fn validate_volume_devices(
    e: &mut Errs,
    c: &Value,
    p: &Path,
    vols: &HashMap<String, VolInfo>,
    mounts: &[(String, String)],
) {
    let dp = p.child("volumeDevices");
    let mut paths = HashSet::new();
    let mut seen = HashSet::new();
    for (i, d) in field::object_items(e, c, "volumeDevices", p) {
        let ip = dp.index(i);
        let name = field::string_or_empty(e, d, "name", &ip);
        let dev_path = field::string_or_empty(e, d, "devicePath", &ip);
        if name.is_empty() {
            e.required(&ip.child("name"), "");
        }
        if seen.contains(name) {
            e.invalid_str(&ip.child("name"), name, "must be unique");
        }
        match vols.get(name) {
            Some(v) if !v.claim => e.invalid_str(
                &ip.child("name"),
                name,
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            ),
            Some(_) => {}
            None => e.not_found(&ip.child("name"), &q(name)),
        }
        if dev_path.is_empty() {
            e.required(&ip.child("devicePath"), "");
        }
        if paths.contains(dev_path) {
            e.invalid_str(&ip.child("devicePath"), dev_path, "must be unique");
        }
        if !dev_path.is_empty() && dev_path.split('/').any(|s| s == "..") {
            e.invalid_str(
                &ip.child("devicePath"),
                dev_path,
                "can not contain backsteps ('..')",
            );
        } else {
            paths.insert(dev_path.to_string());
        }
        if mounts.iter().any(|(n, _)| n == name) {
            e.invalid_str(
                &ip.child("name"),
                name,
                "must not already exist in volumeMounts",
            );
        }
        if mounts.iter().any(|(_, m)| m == dev_path) {
            e.invalid_str(
                &ip.child("devicePath"),
                dev_path,
                "must not already exist as a path in volumeMounts",
            );
        }
        if !name.is_empty() {
            seen.insert(name.to_string());
        }
    }
}

// ---- probes and handlers ---------------------------------------------------------------------

fn validate_probe(
    e: &mut Errs,
    c: &Value,
    key: &str,
    p: &Path,
    grace: Option<i64>,
    success_must_be_one: bool,
) {
    let Some(probe) = field::object(e, c, key, p) else {
        return;
    };
    let pp = p.child(key);
    validate_handler(e, probe, &pp, grace, false);
    for k in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        nonneg_field(e, probe, k, &pp);
    }
    let tgps = field::int(e, probe, "terminationGracePeriodSeconds", &pp);
    if let Some(t) = tgps {
        if t <= 0 {
            e.invalid(
                &pp.child("terminationGracePeriodSeconds"),
                &t.to_string(),
                "must be greater than 0",
            );
        }
    }
    if success_must_be_one {
        let st = field::i(probe, "successThreshold").unwrap_or(0);
        if st != 1 {
            e.invalid(&pp.child("successThreshold"), &st.to_string(), "must be 1");
        }
    } else if let Some(t) = tgps {
        e.invalid(
            &pp.child("terminationGracePeriodSeconds"),
            &t.to_string(),
            "must not be set for readinessProbes",
        );
    }
}

fn validate_lifecycle(e: &mut Errs, lc: &Value, grace: Option<i64>, p: &Path) {
    for key in ["postStart", "preStop"] {
        if let Some(h) = field::object(e, lc, key, p) {
            validate_handler(e, h, &p.child(key), grace, true);
        }
    }
}

fn validate_handler(e: &mut Errs, h: &Value, p: &Path, grace: Option<i64>, lifecycle: bool) {
    let mut n = 0;
    let kinds: &[&str] = if lifecycle {
        &["exec", "httpGet", "tcpSocket", "sleep"]
    } else {
        &["exec", "httpGet", "tcpSocket", "grpc"]
    };
    for kind in kinds {
        let Some(a) = field::object(e, h, kind, p) else {
            continue;
        };
        let ap = p.child(kind);
        if n > 0 {
            e.forbidden(&ap, "may not specify more than 1 handler type");
            continue;
        }
        n += 1;
        match *kind {
            "exec" if field::array(e, a, "command", &ap).is_none_or(|c| c.is_empty()) => {
                e.required(&ap.child("command"), "");
            }
            "httpGet" => {
                if field::string_or_empty(e, a, "path", &ap).is_empty() {
                    e.required(&ap.child("path"), "");
                }
                validate_port_num_or_name(e, raw(a, "port"), &ap.child("port"));
                let scheme = field::string_or_empty(e, a, "scheme", &ap);
                if !matches!(scheme, "HTTP" | "HTTPS") {
                    e.not_supported(&ap.child("scheme"), &q(scheme), &["HTTP", "HTTPS"]);
                }
                for (_, hdr) in field::object_items(e, a, "httpHeaders", &ap) {
                    let name = field::string_or_empty(e, hdr, "name", &ap.child("httpHeaders"));
                    for msg in names::http_header_name_errors(name) {
                        e.invalid_str(&ap.child("httpHeaders"), name, &msg);
                    }
                }
            }
            "tcpSocket" => validate_port_num_or_name(e, raw(a, "port"), &ap.child("port")),
            "grpc" => {
                let port = field::int(e, a, "port", &ap).unwrap_or(0);
                for msg in names::port_num_errors(port) {
                    e.invalid(&ap.child("port"), &port.to_string(), &msg);
                }
            }
            "sleep" => {
                let secs = field::int(e, a, "seconds", &ap).unwrap_or(0);
                if let Some(g) = grace {
                    if secs < 0 || secs > g {
                        e.invalid(
                            &ap,
                            &secs.to_string(),
                            &format!("must be non-negative and less than terminationGracePeriodSeconds ({g})"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if n == 0 {
        e.required(p, "must specify a handler type");
    }
}

/// `ValidatePortNumOrName` for an IntOrString port (absent counts as the integer 0).
pub(crate) fn validate_port_num_or_name(e: &mut Errs, port: Option<&Value>, p: &Path) {
    match port {
        Some(Value::String(s)) => {
            for msg in names::port_name_errors(s) {
                e.invalid_str(p, s, &msg);
            }
        }
        Some(other) => match field::as_int(other) {
            Some(n) => {
                for msg in names::port_num_errors(n) {
                    e.invalid(p, &n.to_string(), &msg);
                }
            }
            None => e.type_invalid(p, other, "an integer or a string"),
        },
        None => e.invalid(p, "0", &names::inclusive_range_error(1, 65535)),
    }
}

fn validate_resize_policy(e: &mut Errs, c: &Value, p: &Path, restart_policy: &str) {
    let rp = p.child("resizePolicy");
    let mut seen = HashSet::new();
    for (i, pol) in field::object_items(e, c, "resizePolicy", p) {
        let name = field::string_or_empty(e, pol, "resourceName", &rp.index(i));
        if !seen.insert(name.to_string()) {
            e.duplicate(&rp.index(i), &q(name));
        }
        match name {
            "cpu" | "memory" => {}
            "" => e.required(&rp, ""),
            other => e.not_supported(&rp, &q(other), &["cpu", "memory"]),
        }
        let policy = field::string_or_empty(e, pol, "restartPolicy", &rp.index(i));
        match policy {
            "NotRequired" | "RestartContainer" => {}
            "" => e.required(&rp, ""),
            other => e.not_supported(&rp, &q(other), &["NotRequired", "RestartContainer"]),
        }
        if restart_policy == "Never" && policy != "NotRequired" {
            e.invalid_str(
                &rp,
                policy,
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            );
        }
    }
}

// ---- resources -------------------------------------------------------------------------------

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

fn is_extended(name: &str) -> bool {
    if is_native(name) || name.starts_with("requests.") {
        return false;
    }
    names::is_qualified_name(&format!("requests.{name}"))
}

fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.ephemeral-storage",
    "ephemeral-storage",
    "services.nodeports",
    "services.loadbalancers",
];

fn validate_container_resource_name(e: &mut Errs, name: &str, p: &Path) {
    let before = e.len();
    for msg in names::qualified_name_errors(name) {
        e.invalid(p, name, &msg);
    }
    if e.len() == before
        && !name.contains('/')
        && !STANDARD_RESOURCES.contains(&name)
        && !is_hugepages(name)
        && !name.starts_with("requests.hugepages-")
    {
        e.invalid(
            p,
            name,
            "must be a standard resource type or fully qualified",
        );
    }
    if !name.contains('/') {
        if !matches!(name, "cpu" | "memory" | "ephemeral-storage") && !is_hugepages(name) {
            e.invalid(p, name, "must be a standard resource for containers");
        }
    } else if !is_native(name) && !is_extended(name) {
        e.invalid(p, name, "doesn't follow extended resource name standard");
    }
}

fn validate_quantity_value(e: &mut Errs, name: &str, qty: &Quantity, p: &Path) {
    if qty.is_negative() {
        e.invalid_str(p, &qty.to_string(), common::NEGATIVE);
    }
    if is_extended(name) && !qty.is_integer() {
        e.invalid(p, &qty.to_string(), "must be an integer");
    }
}

fn resource_list(
    e: &mut Errs,
    res: &Value,
    key: &str,
    p: &Path,
) -> Vec<(String, Option<Quantity>)> {
    let mut out = Vec::new();
    let Some(list) = field::object(e, res, key, p) else {
        return out;
    };
    let lp = p.child(key);
    for (name, v) in list.as_object().into_iter().flatten() {
        if v.is_null() {
            continue;
        }
        let kp = lp.key(name);
        validate_container_resource_name(e, name, &kp);
        let qty = common::parse_quantity_field(e, v, &kp);
        if let Some(qty) = &qty {
            validate_quantity_value(e, name, qty, &kp);
        }
        out.push((name.clone(), qty));
    }
    out
}

/// `ValidateContainerResourceRequirements`: names, quantities, requests ≤ limits.
fn validate_resource_requirements(e: &mut Errs, res: &Value, p: &Path) {
    let lim_path = p.child("limits");
    let req_path = p.child("requests");
    let limits = resource_list(e, res, "limits", p);
    let requests = resource_list(e, res, "requests", p);
    let mut lim_cpu_mem = false;
    let mut req_cpu_mem = false;
    let mut huge = false;
    for (name, qty) in &limits {
        if is_hugepages(name) {
            huge = true;
            if let Some(qty) = qty {
                validate_hugepage_value(e, name, qty, &lim_path.key(name));
            }
        }
        lim_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    for (name, qty) in &requests {
        let limit = limits.iter().find(|(n, _)| n == name);
        match (limit, qty) {
            (Some((_, Some(lim))), Some(req)) => {
                if req != lim && !overcommit_allowed(name) {
                    e.invalid_str(
                        &req_path,
                        &req.to_string(),
                        &format!("must be equal to {name} limit of {lim}"),
                    );
                } else if req > lim {
                    e.invalid_str(
                        &req_path,
                        &req.to_string(),
                        &format!("must be less than or equal to {name} limit of {lim}"),
                    );
                }
            }
            (Some(_), _) => {}
            (None, _) => {
                if !overcommit_allowed(name) {
                    e.required(
                        &lim_path,
                        "Limit must be set for non overcommitable resources",
                    );
                }
            }
        }
        if is_hugepages(name) {
            huge = true;
            if let Some(qty) = qty {
                validate_hugepage_value(e, name, qty, &req_path.key(name));
            }
        }
        req_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    if !lim_cpu_mem && !req_cpu_mem && huge {
        e.forbidden(p, "HugePages require cpu or memory");
    }
}

fn validate_hugepage_value(e: &mut Errs, name: &str, qty: &Quantity, p: &Path) {
    let Some(size) = super::quantity::parse_quantity(&name["hugepages-".len()..]) else {
        return;
    };
    if size.nanos() <= 0 || qty.nanos() < 0 || qty.nanos() % size.nanos() != 0 {
        e.invalid_str(
            p,
            &qty.to_string(),
            &format!("{qty} is not positive integer multiple of {name}"),
        );
    }
}

// ---- security --------------------------------------------------------------------------------

const MAX_ID: i64 = 4_294_967_295;

fn validate_id(e: &mut Errs, v: &Value, key: &str, p: &Path) {
    if let Some(id) = field::int(e, v, key, p) {
        if !(0..=MAX_ID).contains(&id) {
            e.invalid(
                &p.child(key),
                &id.to_string(),
                &names::inclusive_range_error(0, MAX_ID),
            );
        }
    }
}

fn validate_seccomp(e: &mut Errs, sc: &Value, p: &Path) {
    let Some(sp) = field::object(e, sc, "seccompProfile", p) else {
        return;
    };
    let pp = p.child("seccompProfile");
    let t = field::string_or_empty(e, sp, "type", &pp);
    match t {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => e.required(
            &pp.child("type"),
            "type is required when seccompProfile is set",
        ),
        other => e.not_supported(
            &pp.child("type"),
            &q(other),
            &["Localhost", "RuntimeDefault", "Unconfined"],
        ),
    }
    let local = field::string(e, sp, "localhostProfile", &pp);
    if t == "Localhost" {
        match local {
            None => e.required(
                &pp.child("localhostProfile"),
                "must be set when seccomp type is Localhost",
            ),
            Some(l) => validate_local_descending_path(e, l, &pp.child("localhostProfile")),
        }
    } else if local.is_some() {
        e.invalid(
            &pp.child("localhostProfile"),
            &render_json(sp),
            "can only be set when seccomp type is Localhost",
        );
    }
}

fn validate_pod_security_context(e: &mut Errs, sc: &Value, p: &Path) {
    for key in ["fsGroup", "runAsUser", "runAsGroup"] {
        validate_id(e, sc, key, p);
    }
    if let Some(groups) = field::array(e, sc, "supplementalGroups", p) {
        for (i, g) in groups.iter().enumerate() {
            match field::as_int(g) {
                Some(id) if !(0..=MAX_ID).contains(&id) => e.invalid(
                    &p.child("supplementalGroups").index(i),
                    &id.to_string(),
                    &names::inclusive_range_error(0, MAX_ID),
                ),
                Some(_) => {}
                None => e.type_invalid(&p.child("supplementalGroups").index(i), g, "an integer"),
            }
        }
    }
    let mut seen = HashSet::new();
    for (i, s) in field::object_items(e, sc, "sysctls", p) {
        let ip = p.child("sysctls").index(i);
        let name = field::string_or_empty(e, s, "name", &ip);
        if name.is_empty() {
            e.required(&ip.child("name"), "");
        } else if !seen.insert(name.to_string()) {
            e.duplicate(&ip.child("name"), &q(name));
        }
    }
    if let Some(policy) = field::string(e, sc, "fsGroupChangePolicy", p) {
        if !matches!(policy, "Always" | "OnRootMismatch") {
            e.not_supported(
                &p.child("fsGroupChangePolicy"),
                &q(policy),
                &["Always", "OnRootMismatch"],
            );
        }
    }
    validate_seccomp(e, sc, p);
}

fn validate_security_context(e: &mut Errs, sc: &Value, p: &Path) {
    validate_id(e, sc, "runAsUser", p);
    validate_id(e, sc, "runAsGroup", p);
    if let Some(pm) = field::string(e, sc, "procMount", p) {
        if !matches!(pm, "Default" | "Unmasked") {
            e.not_supported(&p.child("procMount"), &q(pm), &["Default", "Unmasked"]);
        }
    }
    validate_seccomp(e, sc, p);
    if field::boolean(e, sc, "allowPrivilegeEscalation", p) == Some(false) {
        if field::boolean(e, sc, "privileged", p) == Some(true) {
            e.invalid(
                p,
                &render_json(sc),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            );
        }
        let adds = sc
            .get("capabilities")
            .and_then(|c| c.get("add"))
            .and_then(Value::as_array);
        if adds.is_some_and(|a| a.iter().any(|c| c.as_str() == Some("CAP_SYS_ADMIN"))) {
            e.invalid(
                p,
                &render_json(sc),
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
            );
        }
    }
}

// ---- scheduling ------------------------------------------------------------------------------

/// `ValidateTolerations` on `parent[key]`.
pub(crate) fn validate_tolerations(e: &mut Errs, parent: &Value, key: &str, p: &Path) {
    let tp = p.child(key);
    for (i, t) in field::object_items(e, parent, key, p) {
        let ip = tp.index(i);
        let k = field::string_or_empty(e, t, "key", &ip);
        if !k.is_empty() {
            validate_qualified_name(e, k, &ip.child("key"));
        }
        let op = field::string_or_empty(e, t, "operator", &ip);
        if k.is_empty() && op != "Exists" {
            e.invalid_str(
                &ip.child("operator"),
                op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            );
        }
        let effect = field::string_or_empty(e, t, "effect", &ip);
        if field::int(e, t, "tolerationSeconds", &ip).is_some() && effect != "NoExecute" {
            e.invalid_str(
                &ip.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            );
        }
        let value = field::string_or_empty(e, t, "value", &ip);
        match op {
            "Equal" | "" => {
                let errs = names::label_value_errors(value);
                if !errs.is_empty() {
                    e.invalid_str(&ip.child("operator"), value, &errs.join(";"));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    e.invalid_str(
                        &ip.child("operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    );
                }
            }
            other => e.not_supported(&ip.child("operator"), &q(other), &["Equal", "Exists"]),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            e.not_supported(
                &ip.child("effect"),
                &q(effect),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            );
        }
    }
}

fn validate_host_network_deps(e: &mut Errs, spec: &Value, p: &Path, opts: PodOpts) {
    if spec.get("hostNetwork").and_then(Value::as_bool) != Some(true) {
        return;
    }
    let Some(containers) = spec.get("containers").and_then(Value::as_array) else {
        return;
    };
    for (ci, c) in containers.iter().enumerate() {
        let Some(ports) = c.get("ports").and_then(Value::as_array) else {
            continue;
        };
        for (pi, port) in ports.iter().enumerate() {
            let hp = field::i(port, "hostPort").unwrap_or(0);
            let cp = field::i(port, "containerPort").unwrap_or(0);
            if (opts.is_pod || hp != 0) && hp != cp {
                e.invalid(
                    &p.child("containers")
                        .index(ci)
                        .child("ports")
                        .index(pi)
                        .child("hostPort"),
                    &hp.to_string(),
                    "must match `containerPort` when `hostNetwork` is true",
                );
            }
        }
    }
}

fn validate_dns_config(e: &mut Errs, spec: &Value, p: &Path, dns_policy: &str) {
    let dp = p.child("dnsConfig");
    let config = field::object(e, spec, "dnsConfig", p);
    if dns_policy == "None" {
        match config {
            None => {
                e.required(&dp, "must provide `dnsConfig` when `dnsPolicy` is None");
                return;
            }
            Some(c) if field::array(e, c, "nameservers", &dp).is_none_or(|a| a.is_empty()) => {
                e.required(
                    &dp.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                );
                return;
            }
            _ => {}
        }
    }
    let Some(c) = config else { return };
    let ns = field::string_items(e, c, "nameservers", &dp).unwrap_or_default();
    if ns.len() > 3 {
        let all: Vec<String> = ns.iter().map(|(_, s)| s.to_string()).collect();
        e.invalid(
            &dp.child("nameservers"),
            &field::goslice(Some(&all)),
            "must not have more than 3 nameservers",
        );
    }
    for (i, n) in &ns {
        for msg in names::ip_errors(n) {
            e.invalid_str(&dp.child("nameservers").index(*i), n, &msg);
        }
    }
    let searches = field::string_items(e, c, "searches", &dp).unwrap_or_default();
    let all: Vec<String> = searches.iter().map(|(_, s)| s.to_string()).collect();
    if searches.len() > 32 {
        e.invalid(
            &dp.child("searches"),
            &field::goslice(Some(&all)),
            "must not have more than 32 search paths",
        );
    }
    if all.join(" ").len() > 2048 {
        e.invalid(
            &dp.child("searches"),
            &field::goslice(Some(&all)),
            "must not have more than 2048 characters (including spaces) in the search list",
        );
    }
    for (i, s) in &searches {
        if *s != "." {
            let trimmed = s.strip_suffix('.').unwrap_or(s);
            let ok = !trimmed.is_empty()
                && trimmed.split('.').all(|l| {
                    let l = l.strip_prefix('_').unwrap_or(l);
                    !l.is_empty()
                        && l.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                        })
                        && l.as_bytes()[0].is_ascii_alphanumeric()
                        && l.as_bytes()[l.len() - 1].is_ascii_alphanumeric()
                });
            if !ok {
                e.invalid_str(
                    &dp.child("searches").index(*i),
                    trimmed,
                    &names::regex_error(
                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
                        "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*",
                        &["example.com"],
                    ),
                );
            }
        }
    }
    for (i, o) in field::object_items(e, c, "options", &dp) {
        if field::string_or_empty(e, o, "name", &dp.child("options").index(i)).is_empty() {
            e.required(&dp.child("options").index(i), "must not be empty");
        }
    }
}

fn validate_topology_spread(e: &mut Errs, spec: &Value, p: &Path) {
    let tp = p.child("topologySpreadConstraints");
    let items = field::object_items(e, spec, "topologySpreadConstraints", p);
    for (idx, (i, c)) in items.iter().enumerate() {
        let ip = tp.index(*i);
        let skew = field::int(e, c, "maxSkew", &ip).unwrap_or(0);
        if skew <= 0 {
            e.invalid(
                &ip.child("maxSkew"),
                &skew.to_string(),
                "must be greater than zero",
            );
        }
        let key = field::string_or_empty(e, c, "topologyKey", &ip);
        if key.is_empty() {
            e.required(&ip.child("topologyKey"), "can not be empty");
        }
        let action = field::string_or_empty(e, c, "whenUnsatisfiable", &ip);
        if !matches!(action, "DoNotSchedule" | "ScheduleAnyway") {
            e.not_supported(
                &ip.child("whenUnsatisfiable"),
                &q(action),
                &["DoNotSchedule", "ScheduleAnyway"],
            );
        }
        let repeated = items[idx + 1..].iter().any(|(_, o)| {
            field::s(o, "topologyKey").unwrap_or("") == key
                && field::s(o, "whenUnsatisfiable").unwrap_or("") == action
        });
        if repeated {
            e.duplicate(
                &ip.child("{topologyKey, whenUnsatisfiable}"),
                &q(&format!("{{{key}, {action}}}")),
            );
        }
        if let Some(md) = field::int(e, c, "minDomains", &ip) {
            if md <= 0 {
                e.invalid(
                    &ip.child("minDomains"),
                    &md.to_string(),
                    "must be greater than zero",
                );
            }
            if action != "DoNotSchedule" {
                e.invalid(
                    &ip.child("minDomains"),
                    &md.to_string(),
                    &format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"
                    ),
                );
            }
        }
        for key in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
            if let Some(v) = field::string(e, c, key, &ip) {
                if !matches!(v, "Honor" | "Ignore") {
                    e.not_supported(&ip.child(key), &q(v), &["Honor", "Ignore"]);
                }
            }
        }
        if let Some(sel) = raw(c, "labelSelector") {
            common::validate_label_selector(e, sel, &ip.child("labelSelector"));
        }
    }
}

fn validate_affinity(e: &mut Errs, a: &Value, p: &Path) {
    if let Some(na) = field::object(e, a, "nodeAffinity", p) {
        let np = p.child("nodeAffinity");
        if let Some(req) =
            field::object(e, na, "requiredDuringSchedulingIgnoredDuringExecution", &np)
        {
            let rp = np.child("requiredDuringSchedulingIgnoredDuringExecution");
            let terms = field::object_items(e, req, "nodeSelectorTerms", &rp);
            if terms.is_empty() {
                e.required(
                    &rp.child("nodeSelectorTerms"),
                    "must have at least one node selector term",
                );
            }
            for (i, t) in terms {
                validate_node_selector_term(e, t, &rp.child("nodeSelectorTerms").index(i), true);
            }
        }
        let pp = np.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, t) in field::object_items(
            e,
            na,
            "preferredDuringSchedulingIgnoredDuringExecution",
            &np,
        ) {
            let ip = pp.index(i);
            let w = field::int(e, t, "weight", &ip).unwrap_or(0);
            if !(1..=100).contains(&w) {
                e.invalid(
                    &ip.child("weight"),
                    &w.to_string(),
                    "must be in the range 1-100",
                );
            }
            if let Some(pref) = field::object(e, t, "preference", &ip) {
                validate_node_selector_term(e, pref, &ip.child("preference"), false);
            }
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(pa) = field::object(e, a, kind, p) else {
            continue;
        };
        let kp = p.child(kind);
        let rp = kp.child("requiredDuringSchedulingIgnoredDuringExecution");
        for (i, t) in
            field::object_items(e, pa, "requiredDuringSchedulingIgnoredDuringExecution", &kp)
        {
            validate_pod_affinity_term(e, t, &rp.index(i));
        }
        let pp = kp.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, t) in field::object_items(
            e,
            pa,
            "preferredDuringSchedulingIgnoredDuringExecution",
            &kp,
        ) {
            let ip = pp.index(i);
            let w = field::int(e, t, "weight", &ip).unwrap_or(0);
            if !(1..=100).contains(&w) {
                e.invalid(
                    &ip.child("weight"),
                    &w.to_string(),
                    "must be in the range 1-100",
                );
            }
            let empty = Value::Object(Default::default());
            let term = field::object(e, t, "podAffinityTerm", &ip).unwrap_or(&empty);
            validate_pod_affinity_term(e, term, &ip.child("podAffinityTerm"));
        }
    }
}

fn validate_pod_affinity_term(e: &mut Errs, t: &Value, p: &Path) {
    for key in ["labelSelector", "namespaceSelector"] {
        if let Some(sel) = raw(t, key) {
            common::validate_label_selector(e, sel, &p.child(key));
        }
    }
    for (_, ns) in field::string_items(e, t, "namespaces", p).unwrap_or_default() {
        for msg in names::dns1123_label_errors(ns) {
            e.invalid_str(&p.child("namespace"), ns, &msg);
        }
    }
    let key = field::string_or_empty(e, t, "topologyKey", p);
    if key.is_empty() {
        e.required(&p.child("topologyKey"), "can not be empty");
    }
    validate_qualified_name(e, key, &p.child("topologyKey"));
}

/// A node selector term (`matchExpressions`, `matchFields`).
pub(crate) fn validate_node_selector_term(e: &mut Errs, t: &Value, p: &Path, check_values: bool) {
    for (j, r) in field::object_items(e, t, "matchExpressions", p) {
        let rp = p.child("matchExpressions").index(j);
        let op = field::string_or_empty(e, r, "operator", &rp);
        let values = field::string_items(e, r, "values", &rp).unwrap_or_default();
        match op {
            "In" | "NotIn" => {
                if values.is_empty() {
                    e.required(
                        &rp.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    e.forbidden(
                        &rp.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            "Gt" | "Lt" => {
                if values.len() != 1 {
                    e.required(
                        &rp.child("values"),
                        "must be specified single value when `operator` is 'Lt' or 'Gt'",
                    );
                }
            }
            other => e.invalid_str(
                &rp.child("operator"),
                other,
                "not a valid selector operator",
            ),
        }
        let key = field::string_or_empty(e, r, "key", &rp);
        validate_qualified_name(e, key, &rp.child("key"));
        if check_values {
            for (vi, v) in &values {
                for msg in names::label_value_errors(v) {
                    e.invalid_str(&rp.child("values").index(*vi), v, &msg);
                }
            }
        }
    }
    for (j, r) in field::object_items(e, t, "matchFields", p) {
        let rp = p.child("matchFields").index(j);
        let op = field::string_or_empty(e, r, "operator", &rp);
        let values = field::string_items(e, r, "values", &rp).unwrap_or_default();
        match op {
            "In" | "NotIn" => {
                if values.len() != 1 {
                    e.required(
                        &rp.child("values"),
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    );
                }
            }
            other => e.invalid_str(
                &rp.child("operator"),
                other,
                "not a valid selector operator",
            ),
        }
        let key = field::string_or_empty(e, r, "key", &rp);
        if key != "metadata.name" {
            e.invalid_str(&rp.child("key"), key, "not a valid field selector key");
        } else {
            for (vi, v) in &values {
                for msg in names::dns1123_subdomain_errors(v) {
                    e.invalid_str(&rp.child("values").index(*vi), v, &msg);
                }
            }
        }
    }
}

// ---- pod updates -----------------------------------------------------------------------------

const UPDATABLE_POD_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate`'s spec rules: only images, activeDeadlineSeconds, added tolerations,
/// removed scheduling gates (and a negative grace period raised to 1) may change.
pub(crate) fn validate_pod_spec_update(e: &mut Errs, new: &Value, old: &Value) {
    let sp = Path::new("spec");
    let empty = Value::Object(Default::default());
    let ns = new.get("spec").filter(|s| s.is_object()).unwrap_or(&empty);
    let os = old.get("spec").filter(|s| s.is_object()).unwrap_or(&empty);
    for key in ["containers", "initContainers"] {
        let nc = ns
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let oc = os
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        if nc != oc {
            e.forbidden(
                &sp.child(key),
                "pod updates may not add or remove containers",
            );
            return;
        }
        if let Some(items) = ns.get(key).and_then(Value::as_array) {
            for (i, c) in items.iter().enumerate() {
                let image = field::s(c, "image").unwrap_or("");
                if image.is_empty() {
                    e.required(&sp.child(key).index(i).child("image"), "");
                }
                if image.trim().len() != image.len() {
                    e.invalid_str(
                        &sp.child(key).index(i).child("image"),
                        image,
                        "must not have leading or trailing whitespace",
                    );
                }
            }
        }
    }
    let new_ads = field::i(ns, "activeDeadlineSeconds");
    let old_ads = field::i(os, "activeDeadlineSeconds");
    match (new_ads, old_ads) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            e.invalid(
                &sp.child("activeDeadlineSeconds"),
                &n.to_string(),
                &names::inclusive_range_error(0, i64::from(i32::MAX)),
            );
            return;
        }
        (Some(n), Some(o)) if o < n => {
            e.invalid(
                &sp.child("activeDeadlineSeconds"),
                &n.to_string(),
                "must be less than or equal to previous value",
            );
            return;
        }
        (None, Some(_)) => e.invalid(
            &sp.child("activeDeadlineSeconds"),
            "null",
            "must not update from a positive integer to nil value",
        ),
        _ => {}
    }
    // Tolerations: every old toleration must remain (tolerationSeconds may change).
    let new_tols: Vec<Value> = ns
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let strip_secs = |t: &Value| {
        let mut t = t.clone();
        if let Some(o) = t.as_object_mut() {
            o.remove("tolerationSeconds");
        }
        t
    };
    if let Some(old_tols) = os.get("tolerations").and_then(Value::as_array) {
        let new_stripped: Vec<Value> = new_tols.iter().map(strip_secs).collect();
        if old_tols
            .iter()
            .any(|t| !new_stripped.contains(&strip_secs(t)))
        {
            e.forbidden(
                &sp.child("tolerations"),
                "existing toleration can not be modified except its tolerationSeconds",
            );
        }
    }
    if let Some(gates) = ns.get("schedulingGates").and_then(Value::as_array) {
        let old_names: Vec<&str> = os
            .get("schedulingGates")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|g| field::s(g, "name")).collect())
            .unwrap_or_default();
        for (i, g) in gates.iter().enumerate() {
            let name = field::s(g, "name").unwrap_or("");
            if !old_names.contains(&name) {
                e.forbidden(
                    &sp.child("schedulingGates").index(i).child("name"),
                    &format!("only deletion is allowed, but found new scheduling gate '{name}'"),
                );
            }
        }
    }
    if ns == os {
        return;
    }
    // Munge the updatable fields from the old spec, then compare.
    let mut munged = ns.clone();
    if let Some(m) = munged.as_object_mut() {
        for key in ["containers", "initContainers"] {
            if let (Some(Value::Array(new_c)), Some(old_c)) =
                (m.get_mut(key), os.get(key).and_then(Value::as_array))
            {
                for (c, o) in new_c.iter_mut().zip(old_c) {
                    if let Some(c) = c.as_object_mut() {
                        match o.get("image") {
                            Some(img) => c.insert("image".into(), img.clone()),
                            None => c.remove("image"),
                        };
                    }
                }
            }
        }
        for key in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
            match os.get(key) {
                Some(v) => m.insert(key.into(), v.clone()),
                None => m.remove(key),
            };
        }
        let old_grace = field::i(os, "terminationGracePeriodSeconds");
        if old_grace.is_some_and(|g| g < 0)
            && field::i(ns, "terminationGracePeriodSeconds") == Some(1)
        {
            m.insert(
                "terminationGracePeriodSeconds".into(),
                os["terminationGracePeriodSeconds"].clone(),
            );
        }
        if os
            .get("schedulingGates")
            .and_then(Value::as_array)
            .is_some_and(|g| !g.is_empty())
        {
            // Gated pods may gain node selectors and node affinity.
            for key in ["nodeSelector", "affinity"] {
                match os.get(key) {
                    Some(v) => m.insert(key.into(), v.clone()),
                    None => m.remove(key),
                };
            }
        }
    }
    if &munged != os {
        let diff = json_diff(os, &munged);
        e.forbidden(
            &sp,
            &format!("pod updates may not change fields other than {UPDATABLE_POD_FIELDS}\n{diff}"),
        );
    }
}

/// A short line diff of two JSON values (`- path: old` / `+ path: new`).
fn json_diff(old: &Value, new: &Value) -> String {
    fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<String>) {
        match (a, b) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    walk(&format!("{path}.{k}"), x.get(k), y.get(k), out);
                }
            }
            (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
                for (i, (xa, yb)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), Some(xa), Some(yb), out);
                }
            }
            (x, y) if x != y => {
                if let Some(x) = x {
                    out.push(format!("- {path}: {x}"));
                }
                if let Some(y) = y {
                    out.push(format!("+ {path}: {y}"));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("spec", Some(old), Some(new), &mut out);
    out.join("\n")
}

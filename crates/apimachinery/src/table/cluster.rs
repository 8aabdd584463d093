//! Printers for networking, discovery, RBAC, storage, scheduling, coordination, admission,
//! flow-control, certificates, dynamic resource allocation and API-server resources.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::human_duration;
use super::util::{
    age, annotation, arr_at, at, bool_at, deleting, format_label_selector, int_at, list_with_more,
    load_balancer_ingress, name, obj_at, opt_bool, opt_int, opt_str, present, str_at,
};
use super::{col, row, ColumnDef, AGE, NAME};

// ---------------------------------------------------------------------------------------------
// networking

pub(super) static INGRESS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Class",
        "string",
        "The name of the IngressClass resource that should be used for additional configuration",
    ),
    col(
        "Hosts",
        "string",
        "Hosts that incoming requests are matched against before the ingress rule",
    ),
    col(
        "Address",
        "string",
        "Address is a list containing ingress points for the load-balancer",
    ),
    col("Ports", "string", "Ports of TLS configurations that open"),
    AGE,
];

fn ingress_hosts(rules: &[Value]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if list.len() == MAX {
            more = true;
        }
        let host = str_at(rule, &["host"]);
        if !more && !host.is_empty() {
            list.push(host);
        }
    }
    if list.is_empty() {
        return "*".to_string();
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", rules.len() - MAX)
    } else {
        ret
    }
}

pub(super) fn ingress(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let ports = if arr_at(obj, &["spec", "tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    row![
        name(obj),
        opt_str(obj, &["spec", "ingressClassName"]).unwrap_or("<none>"),
        ingress_hosts(arr_at(obj, &["spec", "rules"])),
        load_balancer_ingress(arr_at(obj, &["status", "loadBalancer", "ingress"])),
        ports,
        age(obj, now),
    ]
}

pub(super) static INGRESS_CLASS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Controller",
        "string",
        "Controller that is responsible for handling this class",
    ),
    col(
        "Parameters",
        "string",
        "A reference to a resource with additional parameters",
    ),
    AGE,
];

pub(super) fn ingress_class(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let parameters = match obj_at(obj, &["spec", "parameters"]) {
        None => "<none>".to_string(),
        Some(_) => {
            let p = |field: &str| str_at(obj, &["spec", "parameters", field]);
            let kind = match opt_str(obj, &["spec", "parameters", "apiGroup"]) {
                Some(group) => format!("{}.{group}", p("kind")),
                None => p("kind").to_string(),
            };
            format!("{kind}/{}", p("name"))
        }
    };
    row![
        name(obj),
        str_at(obj, &["spec", "controller"]),
        parameters,
        age(obj, now),
    ]
}

pub(super) static NETWORK_POLICY_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Pod-Selector",
        "string",
        "podSelector selects the pods to which this NetworkPolicy object applies.",
    ),
    AGE,
];

pub(super) fn network_policy(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    // The pod selector is not optional: an absent one is the empty selector.
    let empty = serde_json::json!({});
    let selector = at(obj, &["spec", "podSelector"])
        .filter(|s| s.is_object())
        .unwrap_or(&empty);
    row![
        name(obj),
        format_label_selector(Some(selector)),
        age(obj, now),
    ]
}

pub(super) static SERVICE_CIDR_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "CIDRs",
        "string",
        "CIDRs defines the IP blocks in CIDR notation from which to assign service cluster IPs.",
    ),
    AGE,
];

pub(super) fn service_cidr(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let cidrs: Vec<&str> = arr_at(obj, &["spec", "cidrs"])
        .iter()
        .map(|c| c.as_str().unwrap_or(""))
        .collect();
    row![name(obj), cidrs.join(","), age(obj, now)]
}

pub(super) static IP_ADDRESS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "ParentRef",
        "string",
        "ParentRef references the resource that an IPAddress is attached to.",
    ),
];

pub(super) fn ip_address(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let parent = match obj_at(obj, &["spec", "parentRef"]) {
        None => "<none>".to_string(),
        Some(_) => {
            let p = |field: &str| str_at(obj, &["spec", "parentRef", field]);
            let group_resource = if p("group").is_empty() {
                p("resource").to_string()
            } else {
                format!("{}.{}", p("resource"), p("group"))
            };
            let mut out = group_resource.to_lowercase();
            if !p("namespace").is_empty() {
                out = format!("{out}/{}", p("namespace"));
            }
            format!("{out}/{}", p("name"))
        }
    };
    row![name(obj), parent]
}

// ---------------------------------------------------------------------------------------------
// discovery

pub(super) static ENDPOINT_SLICE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "AddressType",
        "string",
        "addressType specifies the type of address carried by this EndpointSlice.",
    ),
    col(
        "Ports",
        "string",
        "ports specifies the list of network ports exposed by each endpoint in this slice.",
    ),
    col(
        "Endpoints",
        "string",
        "endpoints is a list of unique endpoints in this slice.",
    ),
    AGE,
];

pub(super) fn endpoint_slice(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    const MAX: usize = 3;
    let ports_all = arr_at(obj, &["ports"]);
    let ports: Vec<String> = ports_all
        .iter()
        .take(MAX)
        .map(|p| match (opt_int(p, &["port"]), opt_str(p, &["name"])) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses_all: Vec<&Value> = arr_at(obj, &["endpoints"])
        .iter()
        .flat_map(|e| arr_at(e, &["addresses"]))
        .collect();
    let addresses: Vec<String> = addresses_all
        .iter()
        .take(MAX)
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    row![
        name(obj),
        str_at(obj, &["addressType"]),
        list_with_more(&ports, ports_all.len(), MAX),
        list_with_more(&addresses, addresses_all.len(), MAX),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// rbac

pub(super) static ROLE_BINDING_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
    AGE,
    super::wide("Users", "string", "Users in the roleBinding"),
    super::wide("Groups", "string", "Groups in the roleBinding"),
    super::wide("ServiceAccounts", "string", "ServiceAccounts in the roleBinding"),
];

pub(super) static CLUSTER_ROLE_BINDING_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Role",
        "string",
        "RoleRef can only reference a ClusterRole in the global namespace.",
    ),
    AGE,
    super::wide("Users", "string", "Users in the clusterRoleBinding"),
    super::wide("Groups", "string", "Groups in the clusterRoleBinding"),
    super::wide(
        "ServiceAccounts",
        "string",
        "ServiceAccounts in the clusterRoleBinding",
    ),
];

/// Row for role bindings and cluster role bindings.
pub(super) fn role_binding(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut users: Vec<&str> = Vec::new();
    let mut groups: Vec<&str> = Vec::new();
    let mut service_accounts: Vec<String> = Vec::new();
    for subject in arr_at(obj, &["subjects"]) {
        let subject_name = str_at(subject, &["name"]);
        match str_at(subject, &["kind"]) {
            "ServiceAccount" => service_accounts.push(format!(
                "{}/{subject_name}",
                str_at(subject, &["namespace"])
            )),
            "User" => users.push(subject_name),
            "Group" => groups.push(subject_name),
            _ => {}
        }
    }
    row![
        name(obj),
        format!(
            "{}/{}",
            str_at(obj, &["roleRef", "kind"]),
            str_at(obj, &["roleRef", "name"])
        ),
        age(obj, now),
        users.join(", "),
        groups.join(", "),
        service_accounts.join(", "),
    ]
}

// ---------------------------------------------------------------------------------------------
// storage

pub(super) static STORAGE_CLASS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Provisioner", "string", "provisioner indicates the type of the provisioner."),
    col("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
    col("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
    col("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
    AGE,
];

pub(super) fn storage_class(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let is_default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|key| annotation(obj, key) == Some("true"));
    let display_name = if is_default {
        format!("{} (default)", name(obj))
    } else {
        name(obj).to_string()
    };
    row![
        display_name,
        str_at(obj, &["provisioner"]),
        opt_str(obj, &["reclaimPolicy"]).unwrap_or("Delete"),
        opt_str(obj, &["volumeBindingMode"]).unwrap_or("Immediate"),
        bool_at(obj, &["allowVolumeExpansion"]),
        age(obj, now),
    ]
}

pub(super) static VOLUME_ATTRIBUTES_CLASS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("DriverName", "string", "Name of the CSI driver"),
    AGE,
];

pub(super) fn volume_attributes_class(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let display_name = if annotation(
        obj,
        "volumeattributesclass.alpha.kubernetes.io/is-default-class",
    ) == Some("true")
    {
        format!("{} (default)", name(obj))
    } else {
        name(obj).to_string()
    };
    row![display_name, str_at(obj, &["driverName"]), age(obj, now)]
}

pub(super) static CSI_NODE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Drivers",
        "integer",
        "Drivers indicates the number of CSI drivers registered on the node",
    ),
    AGE,
];

pub(super) fn csi_node(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        arr_at(obj, &["spec", "drivers"]).len() as i64,
        age(obj, now),
    ]
}

pub(super) static CSI_DRIVER_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("AttachRequired", "boolean", "attachRequired indicates this CSI volume driver requires an attach operation."),
    col("PodInfoOnMount", "boolean", "podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations."),
    col("StorageCapacity", "boolean", "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report."),
    col("TokenRequests", "string", "tokenRequests indicates the CSI driver needs pods' service account tokens it is mounting volume for to do necessary authentication."),
    col("RequiresRepublish", "boolean", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume."),
    col("Modes", "string", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
    AGE,
];

pub(super) fn csi_driver(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let modes: Vec<&str> = arr_at(obj, &["spec", "volumeLifecycleModes"])
        .iter()
        .map(|m| m.as_str().unwrap_or(""))
        .collect();
    let modes = if modes.is_empty() {
        "<none>".to_string()
    } else {
        modes.join(",")
    };
    let token_requests = match at(obj, &["spec", "tokenRequests"]).and_then(Value::as_array) {
        None => "<unset>".to_string(),
        Some(requests) => requests
            .iter()
            .map(|r| str_at(r, &["audience"]))
            .collect::<Vec<_>>()
            .join(","),
    };
    row![
        name(obj),
        opt_bool(obj, &["spec", "attachRequired"]).unwrap_or(true),
        bool_at(obj, &["spec", "podInfoOnMount"]),
        bool_at(obj, &["spec", "storageCapacity"]),
        token_requests,
        bool_at(obj, &["spec", "requiresRepublish"]),
        modes,
        age(obj, now),
    ]
}

pub(super) static VOLUME_ATTACHMENT_COLUMNS: &[ColumnDef] = &[
    NAME,
    ColumnDef {
        format: "name",
        ..col(
            "Attacher",
            "string",
            "attacher indicates the name of the volume driver that MUST handle this request.",
        )
    },
    col(
        "PV",
        "string",
        "persistentVolumeName represents the name of the persistent volume to attach.",
    ),
    col(
        "Node",
        "string",
        "nodeName represents the node that the volume should be attached to.",
    ),
    col(
        "Attached",
        "boolean",
        "attached indicates the volume is successfully attached.",
    ),
    AGE,
];

pub(super) fn volume_attachment(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        str_at(obj, &["spec", "attacher"]),
        str_at(obj, &["spec", "source", "persistentVolumeName"]),
        str_at(obj, &["spec", "nodeName"]),
        bool_at(obj, &["status", "attached"]),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// scheduling, node, coordination

pub(super) static PRIORITY_CLASS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Value", "integer", "value represents the integer value of this priority class."),
    col("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
    AGE,
    col("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority."),
];

pub(super) fn priority_class(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        int_at(obj, &["value"]),
        bool_at(obj, &["globalDefault"]),
        age(obj, now),
        str_at(obj, &["preemptionPolicy"]),
    ]
}

pub(super) static RUNTIME_CLASS_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Handler", "string", "handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class."),
    AGE,
];

pub(super) fn runtime_class(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![name(obj), str_at(obj, &["handler"]), age(obj, now)]
}

pub(super) static LEASE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Holder",
        "string",
        "holderIdentity contains the identity of the holder of a current lease.",
    ),
    AGE,
];

pub(super) fn lease(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        str_at(obj, &["spec", "holderIdentity"]),
        age(obj, now),
    ]
}

pub(super) static LEASE_CANDIDATE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "LeaseName",
        "string",
        "LeaseName is the name of the lease for which this candidate is contending.",
    ),
    col(
        "BinaryVersion",
        "string",
        "BinaryVersion is the binary version.",
    ),
    col(
        "EmulationVersion",
        "string",
        "EmulationVersion is the emulation version.",
    ),
    AGE,
];

pub(super) fn lease_candidate(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        str_at(obj, &["spec", "leaseName"]),
        str_at(obj, &["spec", "binaryVersion"]),
        str_at(obj, &["spec", "emulationVersion"]),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// admission

pub(super) static WEBHOOK_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Webhooks",
        "integer",
        "Webhooks indicates the number of webhooks registered in this configuration",
    ),
    AGE,
];

/// Row for mutating and validating webhook configurations.
pub(super) fn webhook_configuration(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        arr_at(obj, &["webhooks"]).len() as i64,
        age(obj, now),
    ]
}

const PARAM_KIND_DESC: &str =
    "ParamKind specifies the kind of resources used to parameterize this policy";

pub(super) static VALIDATING_POLICY_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Validations",
        "integer",
        "Validations indicates the number of validation rules defined in this configuration",
    ),
    col("ParamKind", "string", PARAM_KIND_DESC),
    AGE,
];

pub(super) static MUTATING_POLICY_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Mutations",
        "integer",
        "Mutation indicates the number of mutations rules defined in this configuration",
    ),
    col("ParamKind", "string", PARAM_KIND_DESC),
    AGE,
];

fn admission_policy(obj: &Value, now: DateTime<Utc>, rules: &str) -> Vec<Value> {
    let param_kind = if present(obj, &["spec", "paramKind"]) {
        format!(
            "{}/{}",
            str_at(obj, &["spec", "paramKind", "apiVersion"]),
            str_at(obj, &["spec", "paramKind", "kind"])
        )
    } else {
        "<unset>".to_string()
    };
    row![
        name(obj),
        arr_at(obj, &["spec", rules]).len() as i64,
        param_kind,
        age(obj, now),
    ]
}

pub(super) fn validating_admission_policy(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    admission_policy(obj, now, "validations")
}

pub(super) fn mutating_admission_policy(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    admission_policy(obj, now, "mutations")
}

pub(super) static POLICY_BINDING_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "PolicyName",
        "string",
        "PolicyName indicates the policy definition which the policy binding binded to",
    ),
    col(
        "ParamRef",
        "string",
        "ParamRef indicates the param resource which sets the configration param",
    ),
    AGE,
];

/// A label selector in the generated debug form (`&LabelSelector{MatchLabels:...}`).
fn label_selector_debug(sel: &Value) -> String {
    let mut labels: Vec<(&String, &Value)> = obj_at(sel, &["matchLabels"])
        .into_iter()
        .flatten()
        .collect();
    labels.sort_by(|a, b| a.0.cmp(b.0));
    let labels: String = labels
        .iter()
        .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
        .collect();
    let exprs: String = arr_at(sel, &["matchExpressions"])
        .iter()
        .map(|e| {
            let values: Vec<&str> = arr_at(e, &["values"])
                .iter()
                .map(|v| v.as_str().unwrap_or(""))
                .collect();
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                str_at(e, &["key"]),
                str_at(e, &["operator"]),
                values.join(" ")
            )
        })
        .collect();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}"
    )
}

/// Row for validating and mutating admission policy bindings.
pub(super) fn policy_binding(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let param = if present(obj, &["spec", "paramRef"]) {
        let ref_name = str_at(obj, &["spec", "paramRef", "name"]);
        let namespace = str_at(obj, &["spec", "paramRef", "namespace"]);
        if !ref_name.is_empty() {
            if namespace.is_empty() {
                format!("*/{ref_name}")
            } else {
                format!("{namespace}/{ref_name}")
            }
        } else if let Some(sel) =
            at(obj, &["spec", "paramRef", "selector"]).filter(|s| s.is_object())
        {
            label_selector_debug(sel)
        } else {
            "<unset>".to_string()
        }
    } else {
        "<unset>".to_string()
    };
    row![
        name(obj),
        str_at(obj, &["spec", "policyName"]),
        param,
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// flow control

pub(super) static FLOW_SCHEMA_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("PriorityLevel", "string", "`name` is the name of the priority level configuration being referenced"),
    col("MatchingPrecedence", "string", "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request."),
    col("DistinguisherMethod", "string", "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema."),
    AGE,
    col("MissingPL", "string", "references a broken or non-existent PriorityLevelConfiguration"),
];

pub(super) fn flow_schema(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let distinguisher = if present(obj, &["spec", "distinguisherMethod"]) {
        str_at(obj, &["spec", "distinguisherMethod", "type"])
    } else {
        "<none>"
    };
    let missing = arr_at(obj, &["status", "conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == "Dangling")
        .map_or("?", |c| str_at(c, &["status"]));
    row![
        name(obj),
        str_at(obj, &["spec", "priorityLevelConfiguration", "name"]),
        int_at(obj, &["spec", "matchingPrecedence"]),
        distinguisher,
        age(obj, now),
        missing,
    ]
}

pub(super) static PRIORITY_LEVEL_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("Type", "string", "`type` indicates whether this priority level is subject to limitation on request execution."),
    col("NominalConcurrencyShares", "string", "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level."),
    col("Queues", "string", "`queues` is the number of queues for this priority level."),
    col("HandSize", "string", "`handSize` is a small positive number that configures the shuffle sharding of requests into queues."),
    col("QueueLengthLimit", "string", "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time."),
    AGE,
];

pub(super) fn priority_level_configuration(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let none = || Value::from("<none>");
    let (mut shares, mut queues, mut hand_size, mut queue_length) =
        (none(), none(), none(), none());
    if present(obj, &["spec", "limited"]) {
        shares = Value::from(int_at(
            obj,
            &["spec", "limited", "nominalConcurrencyShares"],
        ));
        let queuing = ["spec", "limited", "limitResponse", "queuing"];
        if present(obj, &queuing) {
            let field = |f: &str| {
                let mut path = queuing.to_vec();
                path.push(f);
                Value::from(int_at(obj, &path))
            };
            queues = field("queues");
            hand_size = field("handSize");
            queue_length = field("queueLengthLimit");
        }
    }
    vec![
        Value::from(name(obj)),
        Value::from(str_at(obj, &["spec", "type"])),
        shares,
        queues,
        hand_size,
        queue_length,
        Value::from(age(obj, now)),
    ]
}

// ---------------------------------------------------------------------------------------------
// certificates

pub(super) static CSR_COLUMNS: &[ColumnDef] = &[
    NAME,
    AGE,
    col("SignerName", "string", "signerName indicates the requested signer, and is a qualified name."),
    col("Requestor", "string", "request contains an x509 certificate signing request encoded in a \"CERTIFICATE REQUEST\" PEM block."),
    col("RequestedDuration", "string", "expirationSeconds is the requested duration of validity of the issued certificate."),
    col("Condition", "string", "conditions applied to the request. Known conditions are \"Approved\", \"Denied\", and \"Failed\"."),
];

pub(super) fn certificate_signing_request(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let has = |t: &str| {
        arr_at(obj, &["status", "conditions"])
            .iter()
            .any(|c| str_at(c, &["type"]) == t)
    };
    let mut status = if has("Denied") {
        "Denied".to_string()
    } else if has("Approved") {
        "Approved".to_string()
    } else {
        "Pending".to_string()
    };
    if has("Failed") {
        status.push_str(",Failed");
    }
    if !str_at(obj, &["status", "certificate"]).is_empty() {
        status.push_str(",Issued");
    }
    let signer = match str_at(obj, &["spec", "signerName"]) {
        "" => "<none>",
        s => s,
    };
    let requested = opt_int(obj, &["spec", "expirationSeconds"]).map_or_else(
        || "<none>".to_string(),
        |s| human_duration(chrono::Duration::seconds(s.clamp(-(1 << 40), 1 << 40))),
    );
    row![
        name(obj),
        age(obj, now),
        signer,
        str_at(obj, &["spec", "username"]),
        requested,
        status,
    ]
}

pub(super) static CLUSTER_TRUST_BUNDLE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "SignerName",
        "string",
        "signerName indicates the associated signer, if any.",
    ),
];

pub(super) fn cluster_trust_bundle(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let signer = match str_at(obj, &["spec", "signerName"]) {
        "" => "<none>",
        s => s,
    };
    row![name(obj), signer]
}

// ---------------------------------------------------------------------------------------------
// dynamic resource allocation

pub(super) static NAME_AGE_COLUMNS: &[ColumnDef] = &[NAME, AGE];

/// Row for resources printed with just name and age.
pub(super) fn name_age(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![name(obj), age(obj, now)]
}

pub(super) static RESOURCE_CLAIM_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "State",
        "string",
        "A summary of the current state (allocated, pending, reserved, etc.).",
    ),
    AGE,
];

pub(super) fn resource_claim(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let mut states: Vec<&str> = Vec::new();
    if deleting(obj) {
        states.push("deleted");
    }
    if !present(obj, &["status", "allocation"]) {
        if !deleting(obj) {
            states.push("pending");
        }
    } else {
        states.push("allocated");
        if !arr_at(obj, &["status", "reservedFor"]).is_empty() {
            states.push("reserved");
        }
    }
    row![name(obj), states.join(","), age(obj, now)]
}

pub(super) static RESOURCE_SLICE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Node",
        "string",
        "NodeName identifies the node which provides the resources in this pool.",
    ),
    col(
        "Driver",
        "string",
        "Driver identifies the DRA driver providing the capacity information.",
    ),
    col("Pool", "string", "Name is used to identify the pool."),
    AGE,
];

pub(super) fn resource_slice(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    row![
        name(obj),
        str_at(obj, &["spec", "nodeName"]),
        str_at(obj, &["spec", "driver"]),
        str_at(obj, &["spec", "pool", "name"]),
        age(obj, now),
    ]
}

// ---------------------------------------------------------------------------------------------
// aggregation and apiserver internals

pub(super) static API_SERVICE_COLUMNS: &[ColumnDef] = &[
    NAME,
    col(
        "Service",
        "string",
        "The reference to the service that hosts this API endpoint.",
    ),
    col("Available", "string", "Whether this service is available."),
    AGE,
];

pub(super) fn api_service(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let service = if present(obj, &["spec", "service"]) {
        format!(
            "{}/{}",
            str_at(obj, &["spec", "service", "namespace"]),
            str_at(obj, &["spec", "service", "name"])
        )
    } else {
        "Local".to_string()
    };
    let available = arr_at(obj, &["status", "conditions"])
        .iter()
        .find(|c| str_at(c, &["type"]) == "Available");
    let status = match available {
        None => "Unknown".to_string(),
        Some(c) => {
            let status = str_at(c, &["status"]);
            let reason = str_at(c, &["reason"]);
            if status == "True" || reason.is_empty() {
                status.to_string()
            } else {
                format!("{status} ({reason})")
            }
        }
    };
    row![name(obj), service, status, age(obj, now)]
}

pub(super) static STORAGE_VERSION_COLUMNS: &[ColumnDef] = &[
    NAME,
    col("CommonEncodingVersion", "string", "If all API server instances agree on the same encoding storage version, then this field is set to that version."),
    col("StorageVersions", "string", "The reported versions per API server instance."),
    AGE,
];

pub(super) fn storage_version(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    const MAX: usize = 3;
    let all = arr_at(obj, &["status", "storageVersions"]);
    let versions: Vec<String> = all
        .iter()
        .take(MAX)
        .map(|v| {
            format!(
                "{}={}",
                str_at(v, &["apiServerID"]),
                str_at(v, &["encodingVersion"])
            )
        })
        .collect();
    row![
        name(obj),
        opt_str(obj, &["status", "commonEncodingVersion"]).unwrap_or("<unset>"),
        list_with_more(&versions, all.len(), MAX),
        age(obj, now),
    ]
}

pub(super) static STORAGE_VERSION_MIGRATION_COLUMNS: &[ColumnDef] = &[
    ColumnDef { format: "", ..NAME },
    col("Resource", "string", "Fully qualified resource to migrate"),
];

pub(super) fn storage_version_migration(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let r = |f: &str| str_at(obj, &["spec", "resource", f]);
    row![
        name(obj),
        format!("{}.{}.{}", r("resource"), r("version"), r("group")),
    ]
}

//! Server-side table printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`).
//!
//! For each resource this module knows the column definitions and how to turn one stored object
//! into that row's cells, matching the built-in Kubernetes printers so that `kubectl get` shows
//! the familiar columns. The API server wraps the results into a `meta.k8s.io/v1` `Table`.
//!
//! Rows are always produced in wide form: every column, including the `priority: 1` ones that
//! kubectl only shows with `-o wide`, has a cell. Printers never panic: missing fields and fields
//! of the wrong JSON type are treated as unset.

mod apps;
mod cluster;
mod core;
mod crd;
mod jsonpath;
mod quantity;
mod util;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use crd::{custom_resource_cells, custom_resource_columns, CustomColumn};

/// A table column definition (`meta.k8s.io/v1` `TableColumnDefinition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// Human-readable column name; kubectl upper-cases it for the header.
    pub name: &'static str,
    /// OpenAPI type of the column: `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: &'static str,
    /// OpenAPI format hint; `name` marks the object-name column, otherwise empty.
    pub format: &'static str,
    /// Description of the column.
    pub description: &'static str,
    /// 0 for default columns, 1 for columns kubectl only shows with `-o wide`.
    pub priority: i32,
}

impl ColumnDef {
    /// The column as its JSON wire form.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// Column definitions for a resource, e.g. `("apps", "deployments")` or `("", "pods")`.
///
/// Built-in resources without a dedicated printer (roles, CRDs, ...) get `Name` and
/// `Created At`; any other resource (custom resources) gets `Name` and `Age`.
pub fn columns(group: &str, resource: &str) -> Vec<ColumnDef> {
    printer(group, resource).columns.to_vec()
}

/// The cells of one object's row, one per entry of [`columns`] for the same resource.
///
/// `now` is the reference time for ages and durations.
pub fn cells(group: &str, resource: &str, obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    (printer(group, resource).cells)(obj, now)
}

/// Row conditions (`TableRow.conditions`) for an object; only pods carry any (`Completed` once the
/// pod has succeeded or failed).
pub fn row_conditions(group: &str, resource: &str, obj: &Value) -> Vec<Value> {
    match (group, resource) {
        ("", "pods") => core::pod_conditions(obj),
        _ => Vec::new(),
    }
}

/// A succinct, human-readable duration with ~2-3 significant figures, as kubectl shows ages:
/// `"45s"`, `"5m30s"`, `"3h5m"`, `"2d3h"`, `"400d"`, `"3y25d"`.
///
/// Slightly negative durations (clock skew under two seconds) read `"0s"`; more negative ones
/// read `"<invalid>"`.
pub fn human_duration(d: chrono::Duration) -> String {
    // Durations are held in nanoseconds and saturate at about ±292 years.
    let nanos = d
        .num_nanoseconds()
        .unwrap_or(if d < chrono::Duration::zero() {
            i64::MIN
        } else {
            i64::MAX
        });
    let seconds = nanos / 1_000_000_000;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        return match hours % 24 {
            0 => format!("{}d", hours / 24),
            h => format!("{}d{h}h", hours / 24),
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        return match (hours / 24) % 365 {
            0 => format!("{}y", hours / 24 / 365),
            days => format!("{}y{days}d", hours / 24 / 365),
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Builds a row of cells from values convertible into JSON.
macro_rules! row {
    ($($cell:expr),* $(,)?) => {
        vec![$(::serde_json::Value::from($cell)),*]
    };
}
pub(crate) use row;

/// Description of the `Name` column.
const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/// Description of the `Age` / `Created At` columns.
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/// A default-priority column.
const fn col(name: &'static str, type_: &'static str, description: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        type_,
        format: "",
        description,
        priority: 0,
    }
}

/// A column shown only with `-o wide`.
const fn wide(name: &'static str, type_: &'static str, description: &'static str) -> ColumnDef {
    ColumnDef {
        priority: 1,
        ..col(name, type_, description)
    }
}

/// The object-name column.
const NAME: ColumnDef = ColumnDef {
    format: "name",
    ..col("Name", "string", NAME_DESC)
};

/// The age column.
const AGE: ColumnDef = col("Age", "string", AGE_DESC);

const CONTAINERS_DESC: &str = "Names of each container in the template.";
const IMAGES_DESC: &str = "Images referenced by each container in the template.";

type CellsFn = fn(&Value, DateTime<Utc>) -> Vec<Value>;

struct Printer {
    columns: &'static [ColumnDef],
    cells: CellsFn,
}

/// Columns of the generic server-side table used by built-in resources without a printer.
static DEFAULT_COLUMNS: &[ColumnDef] = &[NAME, col("Created At", "date", AGE_DESC)];

fn default_cells(obj: &Value, _now: DateTime<Utc>) -> Vec<Value> {
    let created = util::time_at(obj, &["metadata", "creationTimestamp"]).map_or_else(
        || "0001-01-01T00:00:00Z".to_string(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    row![util::name(obj), created]
}

/// Columns of custom resources without additional printer columns.
static CUSTOM_COLUMNS: &[ColumnDef] = &[NAME, col("Age", "date", AGE_DESC)];

fn custom_cells(obj: &Value, now: DateTime<Utc>) -> Vec<Value> {
    let age = util::at(obj, &["metadata", "creationTimestamp"])
        .map_or(Value::Null, |v| crd::typed_cell("date", v, now));
    vec![Value::from(util::name(obj)), age]
}

fn printer(group: &str, resource: &str) -> Printer {
    let (columns, cells): (&'static [ColumnDef], CellsFn) = match (group, resource) {
        // core
        ("", "pods") => (core::POD_COLUMNS, core::pod),
        ("", "podtemplates") => (core::POD_TEMPLATE_COLUMNS, core::pod_template),
        ("", "replicationcontrollers") => (core::RC_COLUMNS, core::replication_controller),
        ("", "services") => (core::SERVICE_COLUMNS, core::service),
        ("", "endpoints") => (core::ENDPOINTS_COLUMNS, core::endpoints),
        ("", "namespaces") => (core::NAMESPACE_COLUMNS, core::namespace),
        ("", "nodes") => (core::NODE_COLUMNS, core::node),
        ("", "events") | ("events.k8s.io", "events") => (core::EVENT_COLUMNS, core::event),
        ("", "configmaps") => (core::CONFIG_MAP_COLUMNS, core::config_map),
        ("", "secrets") => (core::SECRET_COLUMNS, core::secret),
        ("", "serviceaccounts") => (core::SERVICE_ACCOUNT_COLUMNS, core::service_account),
        ("", "persistentvolumes") => (core::PV_COLUMNS, core::persistent_volume),
        ("", "persistentvolumeclaims") => (core::PVC_COLUMNS, core::persistent_volume_claim),
        ("", "resourcequotas") => (core::RESOURCE_QUOTA_COLUMNS, core::resource_quota),
        ("", "componentstatuses") => (core::COMPONENT_STATUS_COLUMNS, core::component_status),
        // apps, batch, autoscaling, policy
        ("apps", "replicasets") => (apps::REPLICA_SET_COLUMNS, apps::replica_set),
        ("apps", "deployments") => (apps::DEPLOYMENT_COLUMNS, apps::deployment),
        ("apps", "statefulsets") => (apps::STATEFUL_SET_COLUMNS, apps::stateful_set),
        ("apps", "daemonsets") => (apps::DAEMON_SET_COLUMNS, apps::daemon_set),
        ("apps", "controllerrevisions") => {
            (apps::CONTROLLER_REVISION_COLUMNS, apps::controller_revision)
        }
        ("batch", "jobs") => (apps::JOB_COLUMNS, apps::job),
        ("batch", "cronjobs") => (apps::CRON_JOB_COLUMNS, apps::cron_job),
        ("autoscaling", "horizontalpodautoscalers") => (apps::HPA_COLUMNS, apps::hpa),
        ("policy", "poddisruptionbudgets") => (apps::PDB_COLUMNS, apps::pod_disruption_budget),
        // networking, discovery
        ("networking.k8s.io", "ingresses") => (cluster::INGRESS_COLUMNS, cluster::ingress),
        ("networking.k8s.io", "ingressclasses") => {
            (cluster::INGRESS_CLASS_COLUMNS, cluster::ingress_class)
        }
        ("networking.k8s.io", "networkpolicies") => {
            (cluster::NETWORK_POLICY_COLUMNS, cluster::network_policy)
        }
        ("networking.k8s.io", "servicecidrs") => {
            (cluster::SERVICE_CIDR_COLUMNS, cluster::service_cidr)
        }
        ("networking.k8s.io", "ipaddresses") => (cluster::IP_ADDRESS_COLUMNS, cluster::ip_address),
        ("discovery.k8s.io", "endpointslices") => {
            (cluster::ENDPOINT_SLICE_COLUMNS, cluster::endpoint_slice)
        }
        // rbac
        ("rbac.authorization.k8s.io", "rolebindings") => {
            (cluster::ROLE_BINDING_COLUMNS, cluster::role_binding)
        }
        ("rbac.authorization.k8s.io", "clusterrolebindings") => {
            (cluster::CLUSTER_ROLE_BINDING_COLUMNS, cluster::role_binding)
        }
        // storage
        ("storage.k8s.io", "storageclasses") => {
            (cluster::STORAGE_CLASS_COLUMNS, cluster::storage_class)
        }
        ("storage.k8s.io", "volumeattributesclasses") => (
            cluster::VOLUME_ATTRIBUTES_CLASS_COLUMNS,
            cluster::volume_attributes_class,
        ),
        ("storage.k8s.io", "csinodes") => (cluster::CSI_NODE_COLUMNS, cluster::csi_node),
        ("storage.k8s.io", "csidrivers") => (cluster::CSI_DRIVER_COLUMNS, cluster::csi_driver),
        ("storage.k8s.io", "volumeattachments") => (
            cluster::VOLUME_ATTACHMENT_COLUMNS,
            cluster::volume_attachment,
        ),
        // scheduling, node, coordination
        ("scheduling.k8s.io", "priorityclasses") => {
            (cluster::PRIORITY_CLASS_COLUMNS, cluster::priority_class)
        }
        ("node.k8s.io", "runtimeclasses") => {
            (cluster::RUNTIME_CLASS_COLUMNS, cluster::runtime_class)
        }
        ("coordination.k8s.io", "leases") => (cluster::LEASE_COLUMNS, cluster::lease),
        ("coordination.k8s.io", "leasecandidates") => {
            (cluster::LEASE_CANDIDATE_COLUMNS, cluster::lease_candidate)
        }
        // admission
        ("admissionregistration.k8s.io", "mutatingwebhookconfigurations") => {
            (cluster::WEBHOOK_COLUMNS, cluster::webhook_configuration)
        }
        ("admissionregistration.k8s.io", "validatingwebhookconfigurations") => {
            (cluster::WEBHOOK_COLUMNS, cluster::webhook_configuration)
        }
        ("admissionregistration.k8s.io", "validatingadmissionpolicies") => (
            cluster::VALIDATING_POLICY_COLUMNS,
            cluster::validating_admission_policy,
        ),
        ("admissionregistration.k8s.io", "mutatingadmissionpolicies") => (
            cluster::MUTATING_POLICY_COLUMNS,
            cluster::mutating_admission_policy,
        ),
        (
            "admissionregistration.k8s.io",
            "validatingadmissionpolicybindings" | "mutatingadmissionpolicybindings",
        ) => (cluster::POLICY_BINDING_COLUMNS, cluster::policy_binding),
        // flow control
        ("flowcontrol.apiserver.k8s.io", "flowschemas") => {
            (cluster::FLOW_SCHEMA_COLUMNS, cluster::flow_schema)
        }
        ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations") => (
            cluster::PRIORITY_LEVEL_COLUMNS,
            cluster::priority_level_configuration,
        ),
        // certificates
        ("certificates.k8s.io", "certificatesigningrequests") => {
            (cluster::CSR_COLUMNS, cluster::certificate_signing_request)
        }
        ("certificates.k8s.io", "clustertrustbundles") => (
            cluster::CLUSTER_TRUST_BUNDLE_COLUMNS,
            cluster::cluster_trust_bundle,
        ),
        // dynamic resource allocation
        ("resource.k8s.io", "deviceclasses" | "resourceclaimtemplates") => {
            (cluster::NAME_AGE_COLUMNS, cluster::name_age)
        }
        ("resource.k8s.io", "resourceclaims") => {
            (cluster::RESOURCE_CLAIM_COLUMNS, cluster::resource_claim)
        }
        ("resource.k8s.io", "resourceslices") => {
            (cluster::RESOURCE_SLICE_COLUMNS, cluster::resource_slice)
        }
        // aggregation and apiserver internals
        ("apiregistration.k8s.io", "apiservices") => {
            (cluster::API_SERVICE_COLUMNS, cluster::api_service)
        }
        ("internal.apiserver.k8s.io", "storageversions") => {
            (cluster::STORAGE_VERSION_COLUMNS, cluster::storage_version)
        }
        ("storagemigration.k8s.io", "storageversionmigrations") => (
            cluster::STORAGE_VERSION_MIGRATION_COLUMNS,
            cluster::storage_version_migration,
        ),
        // Built-in resources served with the generic table.
        ("", "limitranges")
        | ("rbac.authorization.k8s.io", "roles" | "clusterroles")
        | ("apiextensions.k8s.io", "customresourcedefinitions")
        | ("storage.k8s.io", "csistoragecapacities") => (DEFAULT_COLUMNS, default_cells),
        _ => (CUSTOM_COLUMNS, custom_cells),
    };
    Printer { columns, cells }
}

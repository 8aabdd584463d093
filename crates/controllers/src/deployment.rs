//! Deployment controller: rolls a Deployment's pod template out through ReplicaSets, with
//! kube-controller-manager's semantics.
//!
//! A Deployment owns ReplicaSets named `<deployment>-<pod-template-hash>`; the one whose
//! template equals the Deployment's (ignoring the hash label) is the *new* ReplicaSet, every
//! other is *old*. Revisions live in `deployment.kubernetes.io/revision` annotations, so a
//! rollback (kubectl copies an old template back) reuses the old ReplicaSet under a new
//! revision. RollingUpdate grows the new set within `maxSurge` and shrinks old ones only as far
//! as `maxUnavailable` allows; Recreate empties the old sets, waits for their pods to be gone,
//! then fills the new one. Status and the Progressing/Available conditions are what
//! `kubectl rollout status` reads.
//!
//! The Deployment and its ReplicaSets are read from the API on every reconcile (the in-process
//! API answers from memory), so each decision sees this loop's own previous writes.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet};
use k8s_openapi::api::core::v1::{ObjectReference, Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::core::{Selector, SelectorExt};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::{ObjectRef, Store};
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use serde_json::{json, Value};

use crate::pods::controller_ref;
use crate::replicaset::{reference, selector_string};
use crate::{Context, Error, Result};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const HASH_LABEL: &str = "pod-template-hash";

/// Deployment annotations that are never copied onto its ReplicaSets: they describe the
/// Deployment itself or are the ReplicaSet's own bookkeeping.
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// Upstream's default cap on the `revision-history` annotation's length.
const MAX_REVISION_HISTORY_CHARS: usize = 2000;

const PROGRESSING: &str = "Progressing";
const AVAILABLE: &str = "Available";
const REPLICA_FAILURE: &str = "ReplicaFailure";
const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
const RS_UPDATED: &str = "ReplicaSetUpdated";
const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
const TIMED_OUT: &str = "ProgressDeadlineExceeded";
const PAUSED: &str = "DeploymentPaused";
const RESUMED: &str = "DeploymentResumed";
const FAILED_RS_CREATE: &str = "ReplicaSetCreateError";

pub async fn run(ctx: Context) {
    let deployments: Api<Deployment> = Api::all(ctx.client.clone());
    let sets: Api<ReplicaSet> = Api::all(ctx.client.clone());
    let pods: Api<Pod> = Api::all(ctx.client.clone());
    let controller = Controller::new(deployments, watcher::Config::default());
    let store = controller.store();
    controller
        .owns(sets, watcher::Config::default())
        // Recreate waits for old pods to be gone; a pod that terminates gracefully only
        // disappears after its ReplicaSet stopped counting it, so its deletion must wake us.
        .watches(pods, watcher::Config::default(), move |pod| {
            recreate_deployments_of(&store, &pod)
        })
        .run(reconcile, error_policy, Arc::new(ctx))
        .for_each(|_| futures::future::ready(()))
        .await;
}

fn error_policy(_d: Arc<Deployment>, err: &Error, _ctx: Arc<Context>) -> Action {
    tracing::debug!(error = %err, "deployment reconcile failed");
    match err {
        Error::Api(kube::Error::Api(e)) if e.code == 409 => {
            Action::requeue(Duration::from_millis(200))
        }
        _ => Action::requeue(Duration::from_secs(1)),
    }
}

/// Recreate Deployments selecting a terminating pod.
fn recreate_deployments_of(store: &Store<Deployment>, pod: &Pod) -> Vec<ObjectRef<Deployment>> {
    if pod.metadata.deletion_timestamp.is_none() {
        return Vec::new();
    }
    store
        .state()
        .iter()
        .filter(|d| d.namespace() == pod.namespace() && !is_rolling(d))
        .filter(|d| {
            d.spec
                .as_ref()
                .and_then(|s| Selector::try_from(s.selector.clone()).ok())
                .is_some_and(|s| !s.selects_all() && s.matches(pod.labels()))
        })
        .map(|d| ObjectRef::from_obj(d.as_ref()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pure helpers: replica arithmetic, annotations, conditions, hashing.

fn d_replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn rs_status_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().map(|s| s.replicas).unwrap_or(0)
}

fn rs_available(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

fn rs_ready(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0)
}

fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

fn int_annotation(rs: &ReplicaSet, key: &str) -> Option<i32> {
    annotation(&rs.metadata, key)?.parse().ok()
}

fn revision(rs: &ReplicaSet) -> i64 {
    annotation(&rs.metadata, REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn is_rolling(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .is_none_or(|t| t != "Recreate")
}

fn is_paused(d: &Deployment) -> bool {
    d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false)
}

/// An int, or a percentage of `total` rounded up (surge) or down (unavailability).
pub fn scaled_value(v: Option<&IntOrString>, total: i32, round_up: bool) -> i32 {
    match v {
        None => 0,
        Some(IntOrString::Int(i)) => *i,
        Some(IntOrString::String(s)) => {
            let Some(pct) = s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else {
                return s.parse().unwrap_or(0);
            };
            let scaled = pct * i64::from(total);
            let v = if round_up {
                (scaled + 99).div_euclid(100)
            } else {
                scaled.div_euclid(100)
            };
            v as i32
        }
    }
}

/// (maxSurge, maxUnavailable) resolved against the replica count; both zero would deadlock a
/// rollout, so unavailability becomes 1 then, as upstream does.
fn fenceposts(d: &Deployment) -> (i32, i32) {
    let replicas = d_replicas(d);
    let ru = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    let quarter = IntOrString::String("25%".into());
    let surge = scaled_value(
        Some(ru.and_then(|r| r.max_surge.as_ref()).unwrap_or(&quarter)),
        replicas,
        true,
    );
    let mut unavailable = scaled_value(
        Some(
            ru.and_then(|r| r.max_unavailable.as_ref())
                .unwrap_or(&quarter),
        ),
        replicas,
        false,
    );
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

fn max_surge(d: &Deployment) -> i32 {
    if is_rolling(d) {
        fenceposts(d).0
    } else {
        0
    }
}

fn max_unavailable(d: &Deployment) -> i32 {
    let replicas = d_replicas(d);
    if !is_rolling(d) || replicas == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas)
}

/// Size the new ReplicaSet may grow to now. Pods an old set was just told to remove still
/// count until its status shows them gone (`max(spec, status)`), so the surge bound holds for
/// pods that actually exist, not only for desired counts.
fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new: &ReplicaSet) -> i32 {
    let replicas = d_replicas(d);
    if !is_rolling(d) {
        return replicas;
    }
    let current: i32 = all
        .iter()
        .map(|rs| rs_replicas(rs).max(rs_status_replicas(rs)))
        .sum();
    let max_total = replicas + max_surge(d);
    if current >= max_total {
        return rs_replicas(new);
    }
    let up = (max_total - current).min(replicas - rs_replicas(new));
    rs_replicas(new) + up
}

/// Templates equal apart from the `pod-template-hash` label (and empty vs absent fields).
fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    template_value(a) == template_value(b)
}

fn template_value(t: &PodTemplateSpec) -> Value {
    let mut t = t.clone();
    if let Some(labels) = t.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(HASH_LABEL);
    }
    canonical(serde_json::to_value(&t).unwrap_or(Value::Null))
}

/// Sorted keys, without nulls and empty maps or lists, so that equal templates compare and
/// hash equal however they were written.
fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map
                .into_iter()
                .map(|(k, v)| (k, canonical(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        v => v,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The `pod-template-hash` of a template: FNV-1a (32 bit) of its canonical JSON, then the
/// collision count, rendered as upstream renders it (decimal digits mapped onto consonants
/// and digits that cannot spell words).
pub fn pod_template_hash(t: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(template_value(t).to_string().as_bytes());
    if let Some(c) = collision_count {
        feed(&(c as u32).to_le_bytes());
    }
    safe_encode(&h.to_string())
}

fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// Copies the Deployment's annotations (but the skipped ones) onto a ReplicaSet; never removes.
fn copy_deployment_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let annos = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (k, v) in d.metadata.annotations.iter().flatten() {
        if ANNOTATIONS_TO_SKIP.contains(&k.as_str()) || annos.get(k) == Some(v) {
            continue;
        }
        annos.insert(k.clone(), v.clone());
        changed = true;
    }
    changed
}

fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let annos = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let mut changed = false;
    for (k, v) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
        let v = v.to_string();
        if annos.get(k) != Some(&v) {
            annos.insert(k.to_string(), v);
            changed = true;
        }
    }
    changed
}

fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    annotation(&rs.metadata, DESIRED_REPLICAS) != Some(desired.to_string().as_str())
        || annotation(&rs.metadata, MAX_REPLICAS) != Some(max.to_string().as_str())
}

/// Gives the new ReplicaSet the Deployment's annotations and `new_revision` (moving a lower
/// revision it had into `revision-history`); a ReplicaSet about to be created also gets its
/// replica annotations. Returns whether anything changed.
fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
) -> bool {
    let mut changed = copy_deployment_annotations(d, rs);
    let annos = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    let old = annos.get(REVISION).cloned();
    let old_int = match old.as_deref() {
        None | Some("") => 0,
        Some(s) => match s.parse::<i64>() {
            Ok(v) => v,
            Err(_) => return false,
        },
    };
    if old_int < new_revision {
        annos.insert(REVISION.into(), new_revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = annos.get(REVISION_HISTORY).cloned().unwrap_or_default();
            let mut revisions: Vec<&str> = history.split(',').filter(|r| !r.is_empty()).collect();
            let mut len = history.len() + old.len() + 1;
            while len > MAX_REVISION_HISTORY_CHARS && !revisions.is_empty() {
                len -= revisions.remove(0).len() + 1;
            }
            revisions.push(&old);
            annos.insert(REVISION_HISTORY.into(), revisions.join(","));
        }
    }
    if !exists {
        let replicas = d_replicas(d);
        changed |= set_replicas_annotations(rs, replicas, replicas + max_surge(d));
    }
    changed
}

fn now() -> Time {
    Time(Timestamp::from_second(Timestamp::now().as_second()).unwrap_or_else(|_| Timestamp::now()))
}

fn condition(type_: &str, status: &str, reason: &str, message: String) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_update_time: Some(now()),
        last_transition_time: Some(now()),
    }
}

fn get_condition<'a>(s: &'a DeploymentStatus, type_: &str) -> Option<&'a DeploymentCondition> {
    s.conditions.as_ref()?.iter().find(|c| c.type_ == type_)
}

/// Sets a condition, keeping it untouched when status and reason are unchanged and keeping its
/// transition time when only the reason changed.
fn set_condition(s: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(cur) = get_condition(s, &c.type_) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition_time = cur.last_transition_time.clone();
        }
    }
    remove_condition(s, &c.type_);
    s.conditions.get_or_insert_with(Vec::new).push(c);
}

fn remove_condition(s: &mut DeploymentStatus, type_: &str) {
    if let Some(cs) = s.conditions.as_mut() {
        cs.retain(|c| c.type_ != type_);
    }
}

fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .is_some_and(|p| p != i32::MAX)
}

fn progress_deadline(d: &Deployment) -> i64 {
    i64::from(
        d.spec
            .as_ref()
            .and_then(|s| s.progress_deadline_seconds)
            .unwrap_or(600),
    )
}

fn status_field(v: Option<i32>) -> i32 {
    v.unwrap_or(0)
}

/// Complete: every replica updated and available, and the current spec observed.
fn deployment_complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    let replicas = d_replicas(d);
    status_field(s.updated_replicas) == replicas
        && status_field(s.replicas) == replicas
        && status_field(s.available_replicas) == replicas
        && s.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// Progress since `old`: more updated, ready or available pods, or fewer old ones.
fn deployment_progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let old_old = status_field(old.replicas) - status_field(old.updated_replicas);
    let new_old = status_field(new.replicas) - status_field(new.updated_replicas);
    status_field(new.updated_replicas) > status_field(old.updated_replicas)
        || new_old < old_old
        || status_field(new.ready_replicas) > status_field(old.ready_replicas)
        || status_field(new.available_replicas) > status_field(old.available_replicas)
}

/// `now_ms` in milliseconds: condition times have whole seconds, the deadline is checked
/// against the exact clock.
fn deployment_timed_out(d: &Deployment, s: &DeploymentStatus, now_ms: i64) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(c) = get_condition(s, PROGRESSING) else {
        return false;
    };
    match c.reason.as_deref() {
        Some(NEW_RS_AVAILABLE) => false,
        Some(TIMED_OUT) => true,
        _ => c
            .last_update_time
            .as_ref()
            .is_some_and(|t| deadline_ms(d, t) < now_ms),
    }
}

/// When a rollout last updated at `t` runs out of time, in milliseconds.
fn deadline_ms(d: &Deployment, t: &Time) -> i64 {
    (t.0.as_second() + progress_deadline(d)) * 1000
}

/// Status as stored: absent counters read as zero, absent conditions as none.
fn normalized(s: Option<&DeploymentStatus>) -> DeploymentStatus {
    let s = s.cloned().unwrap_or_default();
    DeploymentStatus {
        available_replicas: Some(status_field(s.available_replicas)),
        collision_count: s.collision_count,
        conditions: Some(s.conditions.unwrap_or_default()),
        observed_generation: s.observed_generation,
        ready_replicas: Some(status_field(s.ready_replicas)),
        replicas: Some(status_field(s.replicas)),
        terminating_replicas: None,
        unavailable_replicas: Some(status_field(s.unavailable_replicas)),
        updated_replicas: Some(status_field(s.updated_replicas)),
    }
}

fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_ref()?
        .iter()
        .find(|o| o.controller == Some(true))
}

fn creation_order(a: &ReplicaSet, b: &ReplicaSet) -> std::cmp::Ordering {
    a.creation_timestamp()
        .map(|t| t.0)
        .cmp(&b.creation_timestamp().map(|t| t.0))
        .then_with(|| a.name_any().cmp(&b.name_any()))
}

/// New sizes for the active ReplicaSets `sets` when `spec.replicas` changed mid-rollout, as
/// (indices into `sets` in the order to apply them, sizes): each set gets its share of the
/// change relative to the `max-replicas` it was sized for, the rounding leftover goes to the
/// first (largest) one.
fn proportional_sizes(d: &Deployment, sets: &[&ReplicaSet]) -> (Vec<usize>, Vec<i32>) {
    let replicas = d_replicas(d);
    let total: i32 = sets.iter().map(|rs| rs_replicas(rs)).sum();
    let allowed = if replicas > 0 {
        replicas + max_surge(d)
    } else {
        0
    };
    let to_add = allowed - total;
    let mut order: Vec<usize> = (0..sets.len()).collect();
    // Largest first; among equals, newer first when growing and older first when shrinking.
    order.sort_by(|a, b| {
        let (ra, rb) = (sets[*a], sets[*b]);
        let by_size = rs_replicas(rb).cmp(&rs_replicas(ra));
        if to_add > 0 {
            by_size.then_with(|| creation_order(rb, ra))
        } else {
            by_size.then_with(|| creation_order(ra, rb))
        }
    });
    let status_replicas = status_field(d.status.as_ref().and_then(|s| s.replicas));
    let mut added = 0;
    let mut sizes = Vec::with_capacity(order.len());
    for i in &order {
        let rs = sets[*i];
        let p = proportion(d, rs, status_replicas, to_add, added);
        added += p;
        sizes.push(rs_replicas(rs) + p);
    }
    if let Some(first) = sizes.first_mut() {
        *first = (*first + to_add - added).max(0);
    }
    (order, sizes)
}

/// A ReplicaSet's share of `to_add`, bounded by what is left to add.
fn proportion(
    d: &Deployment,
    rs: &ReplicaSet,
    status_replicas: i32,
    to_add: i32,
    added: i32,
) -> i32 {
    if rs_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = {
        let replicas = d_replicas(d);
        let size = rs_replicas(rs);
        let annotated = int_annotation(rs, MAX_REPLICAS).unwrap_or(status_replicas);
        if replicas == 0 {
            -size
        } else if annotated == 0 {
            0
        } else {
            let target = replicas + max_surge(d);
            (f64::from(size) * f64::from(target) / f64::from(annotated)).round() as i32 - size
        }
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

// ---------------------------------------------------------------------------------------------
// The reconcile.

/// A Deployment's ReplicaSets: `new` indexes the one running the current template.
struct Family {
    sets: Vec<ReplicaSet>,
    new: Option<usize>,
}

impl Family {
    fn old(&self) -> Vec<usize> {
        (0..self.sets.len())
            .filter(|i| Some(*i) != self.new)
            .collect()
    }

    fn new_rs(&self) -> Option<&ReplicaSet> {
        self.new.map(|i| &self.sets[i])
    }

    fn all(&self) -> Vec<&ReplicaSet> {
        self.sets.iter().collect()
    }

    /// Old sets' indices, oldest first.
    fn old_by_age(&self) -> Vec<usize> {
        let mut old = self.old();
        old.sort_by(|a, b| creation_order(&self.sets[*a], &self.sets[*b]));
        old
    }
}

/// One reconcile of one Deployment, with its working copy.
struct Syncer {
    ctx: Arc<Context>,
    d: Deployment,
    /// The status as last written to (or read from) the API.
    stored: DeploymentStatus,
    dref: ObjectReference,
    deployments: Api<Deployment>,
    sets: Api<ReplicaSet>,
}

async fn reconcile(obj: Arc<Deployment>, ctx: Arc<Context>) -> Result<Action> {
    let ns = obj.namespace().unwrap_or_default();
    let name = obj.name_any();
    let deployments: Api<Deployment> = Api::namespaced(ctx.client.clone(), &ns);
    let d = match deployments.get_opt(&name).await? {
        Some(d) if d.uid() == obj.uid() => d,
        _ => return Ok(Action::await_change()),
    };
    let mut s = Syncer {
        stored: normalized(d.status.as_ref()),
        dref: reference(&d),
        sets: Api::namespaced(ctx.client.clone(), &ns),
        ctx,
        deployments,
        d,
    };
    s.d.status = Some(s.stored.clone());
    s.sync().await
}

impl Syncer {
    fn status(&self) -> &DeploymentStatus {
        self.d.status.as_ref().expect("status set at start")
    }

    fn status_mut(&mut self) -> &mut DeploymentStatus {
        self.d.status.get_or_insert_with(Default::default)
    }

    async fn sync(&mut self) -> Result<Action> {
        let Some(spec) = self.d.spec.clone() else {
            return Ok(Action::await_change());
        };
        let selector = Selector::try_from(spec.selector.clone())
            .map_err(|e| Error::Invalid(format!("invalid selector: {e}")))?;
        if selector.selects_all() {
            self.ctx
                .event(
                    &self.dref,
                    true,
                    "SelectorRequired",
                    "Sync",
                    "This deployment is selecting all pods. A non-empty selector is required."
                        .into(),
                )
                .await;
            if self.stored.observed_generation < self.d.metadata.generation {
                let mut status = self.stored.clone();
                status.observed_generation = self.d.metadata.generation;
                self.write_status(status).await?;
            }
            return Ok(Action::await_change());
        }
        let sets = self.claim_replica_sets(&selector).await?;
        let mut fam = self.family(sets).await?;
        if self.d.metadata.deletion_timestamp.is_some() {
            self.sync_status_only(&fam).await?;
            return Ok(Action::await_change());
        }
        self.check_paused_conditions().await?;
        if is_paused(&self.d) || self.is_scaling_event(&fam) {
            self.scale(&mut fam).await?;
            if is_paused(&self.d) {
                self.cleanup(&fam).await?;
            }
            self.sync_status_only(&fam).await?;
            return Ok(Action::await_change());
        }
        if is_rolling(&self.d) {
            self.rollout_rolling(fam).await
        } else {
            self.rollout_recreate(fam).await
        }
    }

    /// Adopts orphan ReplicaSets the selector matches and releases owned ones it no longer
    /// matches, returning those the Deployment controls.
    async fn claim_replica_sets(&self, selector: &Selector) -> Result<Vec<ReplicaSet>> {
        let uid = self.d.uid().unwrap_or_default();
        let deleting = self.d.metadata.deletion_timestamp.is_some();
        let mut owned = Vec::new();
        for rs in self.sets.list(&ListParams::default()).await?.items {
            let matches = selector.matches(rs.labels());
            match controller_of(&rs.metadata) {
                Some(o) if o.uid == uid => {
                    if matches {
                        owned.push(rs);
                    } else if !deleting {
                        let refs: Vec<OwnerReference> = rs
                            .owner_references()
                            .iter()
                            .filter(|o| o.uid != uid)
                            .cloned()
                            .collect();
                        self.patch_owners(&rs, refs).await?;
                    }
                }
                Some(_) => {}
                None if matches && !deleting && rs.metadata.deletion_timestamp.is_none() => {
                    let Some(owner) = controller_ref(&self.d) else {
                        continue;
                    };
                    let mut refs = rs.owner_references().to_vec();
                    refs.push(owner);
                    if let Some(adopted) = self.patch_owners(&rs, refs).await? {
                        owned.push(adopted);
                    }
                }
                None => {}
            }
        }
        Ok(owned)
    }

    /// Replaces a ReplicaSet's owner references, guarded by its uid; None if it went away.
    async fn patch_owners(
        &self,
        rs: &ReplicaSet,
        refs: Vec<OwnerReference>,
    ) -> Result<Option<ReplicaSet>> {
        let patch = json!({"metadata": {"ownerReferences": refs, "uid": rs.metadata.uid}});
        match self
            .sets
            .patch(
                &rs.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            Ok(rs) => Ok(Some(rs)),
            Err(kube::Error::Api(e)) if matches!(e.code, 404 | 409 | 422) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Splits the ReplicaSets into new and old and syncs the existing new one's revision and
    /// annotations (and the Deployment's revision) without creating anything.
    async fn family(&mut self, mut sets: Vec<ReplicaSet>) -> Result<Family> {
        sets.sort_by(creation_order);
        let template = self
            .d
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default();
        let new = sets.iter().position(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| equal_ignore_hash(t, &template))
        });
        let mut fam = Family { sets, new };
        let Some(i) = fam.new else {
            return Ok(fam);
        };
        let new_revision = self.max_old_revision(&fam) + 1;
        let mut rs = fam.sets[i].clone();
        let annotations_changed = set_new_rs_annotations(&self.d, &mut rs, new_revision, true);
        let min_ready = self.d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let rs_min_ready = rs.spec.as_ref().and_then(|s| s.min_ready_seconds);
        if annotations_changed || min_ready.unwrap_or(0) != rs_min_ready.unwrap_or(0) {
            let patch = json!({
                "metadata": {"annotations": rs.metadata.annotations},
                "spec": {"minReadySeconds": min_ready.unwrap_or(0)},
            });
            fam.sets[i] = self
                .sets
                .patch(
                    &rs.name_any(),
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await?;
        }
        let rev = annotation(&fam.sets[i].metadata, REVISION)
            .unwrap_or_default()
            .to_string();
        self.set_deployment_revision(&rev).await?;
        if has_progress_deadline(&self.d) && get_condition(self.status(), PROGRESSING).is_none() {
            let msg = format!("Found new replica set {:?}", fam.sets[i].name_any());
            set_condition(
                self.status_mut(),
                condition(PROGRESSING, "True", FOUND_NEW_RS, msg),
            );
        }
        Ok(fam)
    }

    fn max_old_revision(&self, fam: &Family) -> i64 {
        fam.old()
            .into_iter()
            .map(|i| revision(&fam.sets[i]))
            .max()
            .unwrap_or(0)
    }

    async fn set_deployment_revision(&mut self, rev: &str) -> Result<()> {
        if annotation(&self.d.metadata, REVISION) == Some(rev) {
            return Ok(());
        }
        let patch = json!({"metadata": {"annotations": {REVISION: rev}}});
        self.deployments
            .patch(
                &self.d.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await?;
        self.d
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(REVISION.into(), rev.into());
        Ok(())
    }

    /// Creates the new ReplicaSet if there is none, sized as the strategy allows right now.
    async fn ensure_new(&mut self, fam: &mut Family) -> Result<()> {
        if fam.new.is_some() {
            return Ok(());
        }
        let spec = self.d.spec.clone().unwrap_or_default();
        let collision_count = self.status().collision_count;
        let hash = pod_template_hash(&spec.template, collision_count);
        let mut template = spec.template.clone();
        let tmeta = template.metadata.get_or_insert_with(Default::default);
        tmeta
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(HASH_LABEL.into(), hash.clone());
        let mut selector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(HASH_LABEL.into(), hash.clone());
        let name = format!("{}-{}", self.d.name_any(), hash);
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: self.d.namespace(),
                labels: tmeta.labels.clone(),
                owner_references: controller_ref(&self.d).map(|o| vec![o]),
                ..Default::default()
            },
            spec: Some(k8s_openapi::api::apps::v1::ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: spec.min_ready_seconds,
                selector,
                template: Some(template),
            }),
            status: None,
        };
        let count = {
            let mut all = fam.all();
            all.push(&rs);
            new_rs_new_replicas(&self.d, &all, &rs)
        };
        if let Some(s) = rs.spec.as_mut() {
            s.replicas = Some(count);
        }
        let new_revision = self.max_old_revision(fam) + 1;
        set_new_rs_annotations(&self.d, &mut rs, new_revision, false);
        let mut already_exists = false;
        let created = match self.sets.create(&PostParams::default(), &rs).await {
            Ok(created) => created,
            Err(kube::Error::Api(e)) if e.code == 409 => {
                let existing = self.sets.get(&name).await?;
                let ours = controller_of(&existing.metadata)
                    .is_some_and(|o| Some(&o.uid) == self.d.metadata.uid.as_ref());
                let same = existing
                    .spec
                    .as_ref()
                    .and_then(|s| s.template.as_ref())
                    .is_some_and(|t| equal_ignore_hash(t, &spec.template));
                if !(ours && same) {
                    // A different template hashed to an existing name: retry with another hash.
                    let mut status = self.stored.clone();
                    status.collision_count = Some(collision_count.unwrap_or(0) + 1);
                    self.write_status(status).await?;
                    return Err(Error::Invalid(format!(
                        "hash collision for replica set {name:?}"
                    )));
                }
                already_exists = true;
                existing
            }
            Err(e) => {
                let msg = format!("Failed to create new replica set {name:?}: {e}");
                if has_progress_deadline(&self.d) {
                    let c = condition(PROGRESSING, "False", FAILED_RS_CREATE, msg.clone());
                    set_condition(self.status_mut(), c);
                    let status = self.status().clone();
                    self.write_status(status).await?;
                }
                self.ctx
                    .event(&self.dref, true, "FailedCreate", "Create", msg)
                    .await;
                return Err(e.into());
            }
        };
        if !already_exists && count > 0 {
            self.ctx
                .event(
                    &self.dref,
                    false,
                    "ScalingReplicaSet",
                    "Scale",
                    format!("Scaled up replica set {name} from 0 to {count}"),
                )
                .await;
        }
        let rev = annotation(&created.metadata, REVISION)
            .map(str::to_string)
            .unwrap_or_else(|| new_revision.to_string());
        self.set_deployment_revision(&rev).await?;
        if !already_exists && has_progress_deadline(&self.d) {
            let msg = format!("Created new replica set {name:?}");
            set_condition(
                self.status_mut(),
                condition(PROGRESSING, "True", NEW_RS_CREATED, msg),
            );
        }
        fam.sets.push(created);
        fam.new = Some(fam.sets.len() - 1);
        Ok(())
    }

    /// Marks the Progressing condition paused or resumed so that time spent paused never
    /// counts against the progress deadline.
    async fn check_paused_conditions(&mut self) -> Result<()> {
        if !has_progress_deadline(&self.d) {
            return Ok(());
        }
        let cond = get_condition(self.status(), PROGRESSING);
        let reason = cond.and_then(|c| c.reason.as_deref());
        if reason == Some(TIMED_OUT) {
            return Ok(());
        }
        let paused_cond = reason == Some(PAUSED);
        let c = if is_paused(&self.d) && !paused_cond {
            condition(
                PROGRESSING,
                "Unknown",
                PAUSED,
                "Deployment is paused".into(),
            )
        } else if !is_paused(&self.d) && paused_cond {
            condition(
                PROGRESSING,
                "Unknown",
                RESUMED,
                "Deployment is resumed".into(),
            )
        } else {
            return Ok(());
        };
        set_condition(self.status_mut(), c);
        let status = self.status().clone();
        self.write_status(status).await
    }

    /// A replica count change (rather than a template change): some active ReplicaSet was
    /// sized for a different `spec.replicas`.
    fn is_scaling_event(&self, fam: &Family) -> bool {
        let replicas = d_replicas(&self.d);
        fam.sets
            .iter()
            .filter(|rs| rs_replicas(rs) > 0)
            .filter_map(|rs| int_annotation(rs, DESIRED_REPLICAS))
            .any(|desired| desired != replicas)
    }

    /// Scales a ReplicaSet, refreshing its replica annotations; records an event when its size
    /// changed.
    async fn scale_rs(&self, rs: &mut ReplicaSet, new_scale: i32) -> Result<bool> {
        let replicas = d_replicas(&self.d);
        let max = replicas + max_surge(&self.d);
        let old_scale = rs_replicas(rs);
        let size_changes = old_scale != new_scale;
        if !size_changes && !replicas_annotations_need_update(rs, replicas, max) {
            return Ok(false);
        }
        let patch = json!({
            "metadata": {"annotations": {DESIRED_REPLICAS: replicas.to_string(), MAX_REPLICAS: max.to_string()}},
            "spec": {"replicas": new_scale},
        });
        *rs = self
            .sets
            .patch(
                &rs.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await?;
        if size_changes {
            let op = if old_scale < new_scale { "up" } else { "down" };
            self.ctx
                .event(
                    &self.dref,
                    false,
                    "ScalingReplicaSet",
                    "Scale",
                    format!(
                        "Scaled {op} replica set {} from {old_scale} to {new_scale}",
                        rs.name_any()
                    ),
                )
                .await;
        }
        Ok(size_changes)
    }

    async fn scale_and_record(&self, rs: &mut ReplicaSet, new_scale: i32) -> Result<bool> {
        if rs_replicas(rs) == new_scale {
            return Ok(false);
        }
        self.scale_rs(rs, new_scale).await
    }

    /// Applies a `spec.replicas` change: to the only active ReplicaSet, or (mid-rollout)
    /// proportionally to each active one's share, with the rounding leftover going to the
    /// largest, as upstream does.
    async fn scale(&self, fam: &mut Family) -> Result<()> {
        let replicas = d_replicas(&self.d);
        let active: Vec<usize> = (0..fam.sets.len())
            .filter(|i| rs_replicas(&fam.sets[*i]) > 0)
            .collect();
        if active.len() <= 1 {
            let target = match active.first() {
                Some(i) => Some(*i),
                // None active: the new one, else the newest old one.
                None => fam.new.or_else(|| fam.old_by_age().last().copied()),
            };
            // Unlike upstream, stale replica annotations are refreshed even when the size is
            // already right, so that the change stops looking like a scaling event.
            if let Some(i) = target {
                self.scale_rs(&mut fam.sets[i], replicas).await?;
            }
            return Ok(());
        }
        if let Some(n) = fam.new_rs() {
            let saturated = rs_replicas(n) == replicas
                && int_annotation(n, DESIRED_REPLICAS) == Some(replicas)
                && rs_available(n) == replicas;
            if saturated {
                for i in fam.old() {
                    if rs_replicas(&fam.sets[i]) > 0 {
                        self.scale_and_record(&mut fam.sets[i], 0).await?;
                    }
                }
                return Ok(());
            }
        }
        if !is_rolling(&self.d) {
            return Ok(());
        }
        let (order, sizes) = {
            let sets: Vec<&ReplicaSet> = active.iter().map(|i| &fam.sets[*i]).collect();
            let (order, sizes) = proportional_sizes(&self.d, &sets);
            let order: Vec<usize> = order.into_iter().map(|o| active[o]).collect();
            (order, sizes)
        };
        for (i, size) in order.into_iter().zip(sizes) {
            self.scale_rs(&mut fam.sets[i], size).await?;
        }
        Ok(())
    }

    async fn rollout_rolling(&mut self, mut fam: Family) -> Result<Action> {
        self.ensure_new(&mut fam).await?;
        if self.reconcile_new(&mut fam).await? || self.reconcile_old(&mut fam).await? {
            return self.sync_rollout_status(&fam).await;
        }
        if deployment_complete(&self.d, self.status()) {
            self.cleanup(&fam).await?;
        }
        self.sync_rollout_status(&fam).await
    }

    /// Grows the new ReplicaSet within maxSurge (or shrinks it to `spec.replicas`).
    async fn reconcile_new(&self, fam: &mut Family) -> Result<bool> {
        let Some(i) = fam.new else {
            return Ok(false);
        };
        let replicas = d_replicas(&self.d);
        let current = rs_replicas(&fam.sets[i]);
        if current == replicas {
            return Ok(false);
        }
        let want = if current > replicas {
            replicas
        } else {
            new_rs_new_replicas(&self.d, &fam.all(), &fam.sets[i])
        };
        self.scale_and_record(&mut fam.sets[i], want).await
    }

    /// Shrinks old ReplicaSets as far as maxUnavailable allows: first their unavailable pods,
    /// then available ones once enough new pods are available.
    async fn reconcile_old(&self, fam: &mut Family) -> Result<bool> {
        let old = fam.old_by_age();
        let old_count: i32 = old.iter().map(|i| rs_replicas(&fam.sets[*i])).sum();
        if old_count == 0 {
            return Ok(false);
        }
        let new = fam.new_rs();
        let all_count = old_count + new.map(rs_replicas).unwrap_or(0);
        let min_available = d_replicas(&self.d) - max_unavailable(&self.d);
        let new_unavailable = new
            .map(|n| (rs_replicas(n) - rs_available(n)).max(0))
            .unwrap_or(0);
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return Ok(false);
        }
        // Unhealthy old pods go first: removing them costs no availability.
        let mut cleaned = 0;
        for i in &old {
            if cleaned >= max_scaled_down {
                break;
            }
            let rs = &fam.sets[*i];
            let unhealthy = rs_replicas(rs) - rs_available(rs);
            if rs_replicas(rs) == 0 || unhealthy <= 0 {
                continue;
            }
            let n = (max_scaled_down - cleaned).min(unhealthy);
            let target = rs_replicas(rs) - n;
            self.scale_and_record(&mut fam.sets[*i], target).await?;
            cleaned += n;
        }
        // Available pods never exceed a set's size; a set just scaled down may still report
        // pods it is about to delete.
        let available: i32 = fam
            .sets
            .iter()
            .map(|rs| rs_available(rs).min(rs_replicas(rs)))
            .sum();
        let mut scaled = 0;
        if available > min_available {
            let budget = available - min_available;
            for i in &old {
                if scaled >= budget {
                    break;
                }
                let size = rs_replicas(&fam.sets[*i]);
                if size == 0 {
                    continue;
                }
                let n = size.min(budget - scaled);
                self.scale_and_record(&mut fam.sets[*i], size - n).await?;
                scaled += n;
            }
        }
        Ok(cleaned + scaled > 0)
    }

    async fn rollout_recreate(&mut self, mut fam: Family) -> Result<Action> {
        let mut scaled = false;
        for i in fam.old() {
            if rs_replicas(&fam.sets[i]) > 0 {
                scaled |= self.scale_and_record(&mut fam.sets[i], 0).await?;
            }
        }
        if scaled {
            return self.sync_rollout_status(&fam).await;
        }
        if self.old_pods_running(&fam).await? {
            self.sync_rollout_status(&fam).await?;
            // The pod watch wakes us on graceful deletions; this is only a safety net.
            return Ok(Action::requeue(Duration::from_secs(2)));
        }
        self.ensure_new(&mut fam).await?;
        if let Some(i) = fam.new {
            let replicas = d_replicas(&self.d);
            self.scale_and_record(&mut fam.sets[i], replicas).await?;
        }
        if deployment_complete(&self.d, self.status()) {
            self.cleanup(&fam).await?;
        }
        self.sync_rollout_status(&fam).await
    }

    /// Whether pods of old ReplicaSets still exist (terminating ones included).
    async fn old_pods_running(&self, fam: &Family) -> Result<bool> {
        let old = fam.old();
        if old
            .iter()
            .map(|i| rs_status_replicas(&fam.sets[*i]))
            .sum::<i32>()
            > 0
        {
            return Ok(true);
        }
        let old_uids: HashSet<String> = old.iter().filter_map(|i| fam.sets[*i].uid()).collect();
        if old_uids.is_empty() {
            return Ok(false);
        }
        let selector = selector_string(
            &self
                .d
                .spec
                .as_ref()
                .map(|s| s.selector.clone())
                .unwrap_or_default(),
        );
        let pods: Api<Pod> = Api::namespaced(
            self.ctx.client.clone(),
            &self.d.namespace().unwrap_or_default(),
        );
        let listed = pods.list(&ListParams::default().labels(&selector)).await?;
        Ok(listed.items.iter().any(|p| {
            let finished = matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            );
            !finished && controller_of(&p.metadata).is_some_and(|o| old_uids.contains(&o.uid))
        }))
    }

    /// Deletes the oldest zero-sized old ReplicaSets beyond `revisionHistoryLimit`.
    async fn cleanup(&self, fam: &Family) -> Result<()> {
        let Some(limit) = self
            .d
            .spec
            .as_ref()
            .and_then(|s| s.revision_history_limit)
            .filter(|l| *l != i32::MAX)
        else {
            return Ok(());
        };
        let mut cleanable: Vec<&ReplicaSet> = fam
            .old()
            .into_iter()
            .map(|i| &fam.sets[i])
            .filter(|rs| rs.metadata.deletion_timestamp.is_none())
            .collect();
        let diff = cleanable.len() as i64 - i64::from(limit.max(0));
        if diff <= 0 {
            return Ok(());
        }
        cleanable.sort_by(|a, b| {
            revision(a)
                .cmp(&revision(b))
                .then_with(|| creation_order(a, b))
        });
        for rs in cleanable.into_iter().take(diff as usize) {
            let observed = rs.status.as_ref().and_then(|s| s.observed_generation);
            if rs_status_replicas(rs) != 0
                || rs_replicas(rs) != 0
                || rs.metadata.generation > observed
            {
                continue;
            }
            match self
                .sets
                .delete(&rs.name_any(), &DeleteParams::default())
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 404 => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn calculate_status(&self, fam: &Family) -> DeploymentStatus {
        let all = fam.all();
        let available: i32 = all.iter().map(|rs| rs_available(rs)).sum();
        let total: i32 = all.iter().map(|rs| rs_replicas(rs)).sum();
        let mut status = DeploymentStatus {
            observed_generation: self.d.metadata.generation,
            replicas: Some(all.iter().map(|rs| rs_status_replicas(rs)).sum()),
            updated_replicas: Some(fam.new_rs().map(rs_status_replicas).unwrap_or(0)),
            ready_replicas: Some(all.iter().map(|rs| rs_ready(rs)).sum()),
            available_replicas: Some(available),
            unavailable_replicas: Some((total - available).max(0)),
            collision_count: self.status().collision_count,
            conditions: Some(self.status().conditions.clone().unwrap_or_default()),
            terminating_replicas: None,
        };
        if available >= d_replicas(&self.d) - max_unavailable(&self.d) {
            let c = condition(
                AVAILABLE,
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            );
            set_condition(&mut status, c);
        } else {
            let c = condition(
                AVAILABLE,
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            );
            set_condition(&mut status, c);
        }
        status
    }

    async fn sync_status_only(&mut self, fam: &Family) -> Result<()> {
        let status = self.calculate_status(fam);
        if status != self.stored {
            self.write_status(status).await?;
        }
        Ok(())
    }

    /// Status plus the Progressing condition: refreshed on every sign of progress, turned to
    /// ProgressDeadlineExceeded once none came for `progressDeadlineSeconds`.
    async fn sync_rollout_status(&mut self, fam: &Family) -> Result<Action> {
        let mut status = self.calculate_status(fam);
        let has_deadline = has_progress_deadline(&self.d);
        if !has_deadline {
            remove_condition(&mut status, PROGRESSING);
        }
        let current = get_condition(self.status(), PROGRESSING).cloned();
        let complete = status.replicas == status.updated_replicas
            && current
                .as_ref()
                .is_some_and(|c| c.reason.as_deref() == Some(NEW_RS_AVAILABLE));
        let new_name = fam.new_rs().map(|rs| rs.name_any());
        if has_deadline && !complete {
            if deployment_complete(&self.d, &status) {
                let msg = match &new_name {
                    Some(n) => format!("ReplicaSet {n:?} has successfully progressed."),
                    None => "Deployment has successfully progressed.".into(),
                };
                set_condition(
                    &mut status,
                    condition(PROGRESSING, "True", NEW_RS_AVAILABLE, msg),
                );
            } else if deployment_progressing(self.status(), &status) {
                let msg = match &new_name {
                    Some(n) => format!("ReplicaSet {n:?} is progressing."),
                    None => "Deployment is progressing.".into(),
                };
                let mut c = condition(PROGRESSING, "True", RS_UPDATED, msg);
                if let Some(cur) = &current {
                    if cur.status == "True" {
                        c.last_transition_time = cur.last_transition_time.clone();
                    }
                    remove_condition(&mut status, PROGRESSING);
                }
                set_condition(&mut status, c);
            } else if deployment_timed_out(&self.d, &status, Timestamp::now().as_millisecond()) {
                let msg = match &new_name {
                    Some(n) => format!("ReplicaSet {n:?} has timed out progressing."),
                    None => format!(
                        "Deployment {:?} has timed out progressing.",
                        self.d.name_any()
                    ),
                };
                set_condition(&mut status, condition(PROGRESSING, "False", TIMED_OUT, msg));
            }
        }
        match replica_failure(fam) {
            Some(c) => set_condition(&mut status, c),
            None => remove_condition(&mut status, REPLICA_FAILURE),
        }
        if status != self.stored {
            self.write_status(status.clone()).await?;
        }
        Ok(self.requeue_stuck(&status))
    }

    /// When to look again for a rollout that may run out of its deadline without any event.
    fn requeue_stuck(&self, status: &DeploymentStatus) -> Action {
        let Some(c) = get_condition(status, PROGRESSING) else {
            return Action::await_change();
        };
        if !has_progress_deadline(&self.d)
            || deployment_complete(&self.d, status)
            || c.reason.as_deref() == Some(TIMED_OUT)
        {
            return Action::await_change();
        }
        let Some(updated) = &c.last_update_time else {
            return Action::await_change();
        };
        // Just past the deadline, since it only counts as missed once exceeded.
        let after = deadline_ms(&self.d, updated) + 50 - Timestamp::now().as_millisecond();
        Action::requeue(Duration::from_millis(after.max(100) as u64))
    }

    async fn write_status(&mut self, status: DeploymentStatus) -> Result<()> {
        let patch = json!({"status": status});
        match self
            .deployments
            .patch_status(
                &self.d.name_any(),
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            Ok(_) => {
                self.stored = normalized(Some(&status));
                Ok(())
            }
            Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The new ReplicaSet's (else any old one's) ReplicaFailure condition, as the Deployment's.
fn replica_failure(fam: &Family) -> Option<DeploymentCondition> {
    let order = fam.new.into_iter().chain(fam.old());
    for i in order {
        let conds = fam.sets[i]
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref());
        if let Some(c) = conds
            .into_iter()
            .flatten()
            .find(|c| c.type_ == REPLICA_FAILURE)
        {
            return Some(DeploymentCondition {
                type_: REPLICA_FAILURE.into(),
                status: c.status.clone(),
                reason: c.reason.clone(),
                message: c.message.clone(),
                last_update_time: c.last_transition_time.clone(),
                last_transition_time: c.last_transition_time.clone(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(replicas: i32, surge: Value, unavailable: Value) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "default", "uid": "d1", "generation": 1,
                         "annotations": {"kubernetes.io/change-cause": "v2",
                                         "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "c", "image": "nginx:2"}]}},
            },
        }))
        .unwrap()
    }

    fn rs(name: &str, created: &str, spec: i32, status: i32, max: Option<i32>) -> ReplicaSet {
        let annotations = match max {
            Some(m) => json!({MAX_REPLICAS: m.to_string()}),
            None => json!({}),
        };
        serde_json::from_value(json!({
            "metadata": {"name": name, "creationTimestamp": created, "annotations": annotations},
            "spec": {"replicas": spec, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"replicas": status, "availableReplicas": status},
        }))
        .unwrap()
    }

    #[test]
    fn percentages_round_as_upstream() {
        let pct = |s: &str| IntOrString::String(s.into());
        assert_eq!(scaled_value(Some(&pct("25%")), 3, true), 1);
        assert_eq!(scaled_value(Some(&pct("25%")), 3, false), 0);
        assert_eq!(scaled_value(Some(&pct("50%")), 5, true), 3);
        assert_eq!(scaled_value(Some(&pct("50%")), 5, false), 2);
        assert_eq!(scaled_value(Some(&IntOrString::Int(2)), 5, false), 2);
        // Both zero would stall a rollout: one pod may be unavailable then.
        let d = deployment(3, json!("10%"), json!("10%"));
        assert_eq!((max_surge(&d), max_unavailable(&d)), (1, 0));
        let d = deployment(3, json!(0), json!("20%"));
        assert_eq!((max_surge(&d), max_unavailable(&d)), (0, 1));
        let mut d = deployment(3, json!(2), json!(1));
        d.spec.as_mut().unwrap().strategy = None;
        assert_eq!(
            (max_surge(&d), max_unavailable(&d)),
            (1, 0),
            "defaults of 25%"
        );
        d.spec.as_mut().unwrap().strategy = Some(Default::default());
        d.spec.as_mut().unwrap().strategy.as_mut().unwrap().type_ = Some("Recreate".into());
        assert_eq!((max_surge(&d), max_unavailable(&d)), (0, 0));
    }

    #[test]
    fn template_hash_is_stable_short_and_ignores_the_hash_label() {
        let d = deployment(3, json!(1), json!(0));
        let t = d.spec.unwrap().template;
        let h = pod_template_hash(&t, None);
        assert!(!h.is_empty() && h.len() <= 10, "{h}");
        assert!(h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
        // Absent and empty fields hash alike; the hash label is not part of the template.
        let mut same = t.clone();
        let meta = same.metadata.as_mut().unwrap();
        meta.annotations = Some(BTreeMap::new());
        meta.labels
            .as_mut()
            .unwrap()
            .insert(HASH_LABEL.into(), h.clone());
        assert!(equal_ignore_hash(&t, &same));
        assert_eq!(pod_template_hash(&same, None), h);
        assert_ne!(pod_template_hash(&t, Some(1)), h);
        let mut other = t.clone();
        other.spec.as_mut().unwrap().containers[0].image = Some("nginx:3".into());
        assert!(!equal_ignore_hash(&t, &other));
        assert_ne!(pod_template_hash(&other, None), h);
    }

    #[test]
    fn reused_replica_set_moves_its_old_revision_to_history() {
        let d = deployment(3, json!(1), json!(0));
        let mut new = rs("web-a", "2024-01-01T00:00:00Z", 0, 0, None);
        assert!(set_new_rs_annotations(&d, &mut new, 1, false));
        let a = new.metadata.annotations.clone().unwrap();
        assert_eq!(a[REVISION], "1");
        assert_eq!(a[DESIRED_REPLICAS], "3");
        assert_eq!(a[MAX_REPLICAS], "4");
        assert_eq!(a["kubernetes.io/change-cause"], "v2");
        assert!(!a.contains_key("kubectl.kubernetes.io/last-applied-configuration"));
        assert!(!a.contains_key(REVISION_HISTORY));
        assert!(!set_new_rs_annotations(&d, &mut new, 1, true));
        assert!(set_new_rs_annotations(&d, &mut new, 3, true));
        assert!(set_new_rs_annotations(&d, &mut new, 5, true));
        let a = new.metadata.annotations.unwrap();
        assert_eq!(a[REVISION], "5");
        assert_eq!(a[REVISION_HISTORY], "1,3");
    }

    #[test]
    fn surge_counts_pods_an_old_set_has_not_removed_yet() {
        let d = deployment(3, json!(1), json!(0));
        let old = rs("web-a", "2024-01-01T00:00:00Z", 3, 3, None);
        let new = rs("web-b", "2024-01-01T00:00:01Z", 0, 0, None);
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 1);
        // Told to shrink to 2 but still running 3: no room yet.
        let old = rs("web-a", "2024-01-01T00:00:00Z", 2, 3, None);
        let new = rs("web-b", "2024-01-01T00:00:01Z", 1, 1, None);
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 1);
        let old = rs("web-a", "2024-01-01T00:00:00Z", 2, 2, None);
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 2);
    }

    #[test]
    fn mid_rollout_scaling_is_proportional() {
        // Sized for 5 replicas + 1 surge; the Deployment now wants 10 (+1 surge).
        let d = deployment(10, json!(1), json!(0));
        let old = rs("web-a", "2024-01-01T00:00:00Z", 4, 4, Some(6));
        let new = rs("web-b", "2024-01-01T00:00:01Z", 2, 2, Some(6));
        let (order, sizes) = proportional_sizes(&d, &[&old, &new]);
        assert_eq!(order, vec![0, 1]);
        assert_eq!(sizes, vec![7, 4]);
        // Back down to 2 (+1 surge): 3 in all, larger first.
        let d = deployment(2, json!(1), json!(0));
        let old = rs("web-a", "2024-01-01T00:00:00Z", 7, 7, Some(11));
        let new = rs("web-b", "2024-01-01T00:00:01Z", 4, 4, Some(11));
        let (order, sizes) = proportional_sizes(&d, &[&old, &new]);
        assert_eq!(order, vec![0, 1]);
        assert_eq!(sizes.iter().sum::<i32>(), 3, "{sizes:?}");
        assert_eq!(sizes, vec![2, 1]);
    }

    #[test]
    fn progress_and_deadline() {
        let mut d = deployment(3, json!(1), json!(0));
        d.spec.as_mut().unwrap().progress_deadline_seconds = Some(10);
        let old = normalized(None);
        let mut new = normalized(None);
        assert!(!deployment_progressing(&old, &new));
        new.ready_replicas = Some(1);
        assert!(deployment_progressing(&old, &new));
        let mut c = condition(PROGRESSING, "True", RS_UPDATED, "x".into());
        let at = c.last_update_time.clone().unwrap().0.as_millisecond();
        c.last_update_time = Some(Time(Timestamp::from_millisecond(at).unwrap()));
        set_condition(&mut new, c);
        assert!(!deployment_timed_out(&d, &new, at + 10_000));
        assert!(deployment_timed_out(&d, &new, at + 10_001));
        d.spec.as_mut().unwrap().progress_deadline_seconds = Some(i32::MAX);
        assert!(!deployment_timed_out(&d, &new, at + 100_000));
    }

    #[test]
    fn conditions_keep_transition_time_while_status_holds() {
        let mut s = normalized(None);
        let mut first = condition(PROGRESSING, "True", NEW_RS_CREATED, "a".into());
        first.last_transition_time = Some(Time(Timestamp::from_second(1).unwrap()));
        set_condition(&mut s, first);
        set_condition(
            &mut s,
            condition(PROGRESSING, "True", RS_UPDATED, "b".into()),
        );
        let c = get_condition(&s, PROGRESSING).unwrap();
        assert_eq!(c.reason.as_deref(), Some(RS_UPDATED));
        assert_eq!(c.last_transition_time.as_ref().unwrap().0.as_second(), 1);
        set_condition(
            &mut s,
            condition(PROGRESSING, "False", TIMED_OUT, "c".into()),
        );
        let c = get_condition(&s, PROGRESSING).unwrap();
        assert_ne!(c.last_transition_time.as_ref().unwrap().0.as_second(), 1);
        assert_eq!(s.conditions.as_ref().unwrap().len(), 1);
    }
}

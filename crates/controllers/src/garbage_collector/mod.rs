//! Garbage collector: deletes objects whose owners are gone and carries out the Orphan and
//! Foreground propagation policies, as kube-controller-manager's garbage collector does.
//!
//! Every resource of the catalog is watched as metadata only; the owner references seen build a
//! dependency [`graph`]. Changes queue object uids, and workers process each uid against live
//! state (a GET of the object and of each of its owners), so the graph only decides *what* to
//! look at, never whether something is gone:
//!
//! - an object deleting with the `orphan` finalizer has the references to it removed from its
//!   dependents, then the finalizer is removed;
//! - an object deleting with `foregroundDeletion` has its dependents deleted (those owning
//!   further objects in the foreground themselves) and keeps the finalizer until no dependent
//!   with `blockOwnerDeletion: true` remains;
//! - an object whose owners are all absent (checked by a live GET and a uid comparison) is
//!   deleted; one with a live owner merely loses its references to absent owners.

pub mod graph;
mod queue;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apimachinery::catalog::{self, Resource};
use futures::StreamExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{
    ApiResource, DeleteParams, DynamicObject, PartialObjectMeta, Patch, PatchParams, Preconditions,
    PropagationPolicy,
};
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::Api;
use serde_json::{json, Value};

use crate::{Context, Error, Result};
use graph::{Decision, Graph, Node, Owner, OwnerState, Policy, FOREGROUND, ORPHAN};
use queue::WorkQueue;

const WORKERS: usize = 4;
/// How long processing waits for every resource's first list before starting anyway.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts of a read-modify-write of an object's metadata before giving up (and retrying the
/// whole item later).
const CONFLICT_ATTEMPTS: usize = 5;

/// The resources the collector watches: every served resource that can be listed, watched
/// and deleted, once per group and kind (the preferred version; aliases sharing another
/// group's storage are skipped).
pub fn monitored() -> Vec<&'static Resource> {
    let mut out: Vec<&'static Resource> = Vec::new();
    for r in catalog::RESOURCES {
        let deletable = ["list", "watch", "delete"]
            .iter()
            .all(|v| r.verbs.contains(v));
        let alias = r.storage_group != r.group;
        if deletable && !alias && !out.iter().any(|o| o.group == r.group && o.kind == r.kind) {
            out.push(r);
        }
    }
    out
}

/// The kube-rs description of a catalog resource.
pub fn api_resource(r: &Resource) -> ApiResource {
    ApiResource {
        group: r.group.to_string(),
        version: r.version.to_string(),
        api_version: r.api_version(),
        kind: r.kind.to_string(),
        plural: r.plural.to_string(),
    }
}

/// The served resource an owner reference's `apiVersion` and `kind` name: that exact version,
/// or else any served version of the same group and kind.
pub fn resolve(api_version: &str, kind: &str) -> Option<&'static Resource> {
    let (group, version) = catalog::split_api_version(api_version);
    catalog::find_kind(group, version, kind).or_else(|| {
        catalog::RESOURCES
            .iter()
            .find(|r| r.group == group && r.kind == kind)
    })
}

/// A dynamic API for `r`, scoped to `namespace` when the resource is namespaced.
pub fn dynamic_api(
    client: &kube::Client,
    r: &Resource,
    namespace: Option<&str>,
) -> Api<DynamicObject> {
    let ar = api_resource(r);
    match (r.namespaced, namespace) {
        (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, &ar),
        _ => Api::all_with(client.clone(), &ar),
    }
}

pub fn is_status(e: &kube::Error, code: u16) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == code)
}

fn node_of(resource: usize, meta: &ObjectMeta) -> Option<Node> {
    Some(Node {
        resource,
        namespace: meta.namespace.clone().filter(|n| !n.is_empty()),
        name: meta.name.clone()?,
        uid: meta.uid.clone().filter(|u| !u.is_empty())?,
        owners: meta
            .owner_references
            .iter()
            .flatten()
            .map(|o| Owner {
                uid: o.uid.clone(),
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.clone(),
                block: o.block_owner_deletion == Some(true),
            })
            .collect(),
        deleting: meta.deletion_timestamp.is_some(),
        finalizers: meta.finalizers.clone().unwrap_or_default(),
    })
}

struct Collector {
    ctx: Context,
    resources: Vec<&'static Resource>,
    graph: Mutex<Graph>,
    queue: Arc<WorkQueue>,
    synced: tokio::sync::watch::Sender<usize>,
}

pub async fn run(ctx: Context) {
    let resources = monitored();
    let (synced, mut synced_rx) = tokio::sync::watch::channel(0usize);
    let gc = Arc::new(Collector {
        ctx,
        resources,
        graph: Mutex::new(Graph::default()),
        queue: Arc::new(WorkQueue::default()),
        synced,
    });
    for i in 0..gc.resources.len() {
        tokio::spawn(Arc::clone(&gc).monitor(i));
    }
    let total = gc.resources.len();
    if tokio::time::timeout(SYNC_TIMEOUT, synced_rx.wait_for(|n| *n >= total))
        .await
        .is_err()
    {
        tracing::warn!("garbage collector: not every resource listed in time; starting anyway");
    }
    // Work found while listing (objects whose owners were not seen, owners deleting with a
    // garbage-collection finalizer) has been queued meanwhile; workers start on it now.
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| tokio::spawn(Arc::clone(&gc).work()))
        .collect();
    futures::future::join_all(workers).await;
}

impl Collector {
    fn graph(&self) -> std::sync::MutexGuard<'_, Graph> {
        self.graph.lock().expect("graph lock")
    }

    /// Feeds one resource's metadata watch into the graph.
    async fn monitor(self: Arc<Self>, index: usize) {
        // An API of partial metadata lists and watches with `as=PartialObjectMetadata`.
        let api: Api<PartialObjectMeta<DynamicObject>> = Api::all_with(
            self.ctx.client.clone(),
            &api_resource(self.resources[index]),
        );
        let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
        futures::pin_mut!(stream);
        let mut listing: Option<HashSet<String>> = None;
        let mut listed_once = false;
        while let Some(event) = stream.next().await {
            let work = match event {
                Ok(Event::Init) => {
                    listing = Some(HashSet::new());
                    Vec::new()
                }
                Ok(Event::InitApply(m)) => {
                    if let (Some(seen), Some(uid)) = (listing.as_mut(), m.metadata.uid.clone()) {
                        seen.insert(uid);
                    }
                    self.observe(index, &m)
                }
                Ok(Event::InitDone) => {
                    // Objects deleted while the watch was down never sent a delete.
                    let seen = listing.take().unwrap_or_default();
                    let mut g = self.graph();
                    let stale: Vec<String> = g
                        .uids_of(index)
                        .into_iter()
                        .filter(|u| !seen.contains(u))
                        .collect();
                    let work: Vec<String> = stale.iter().flat_map(|u| g.forget(u)).collect();
                    drop(g);
                    if !listed_once {
                        listed_once = true;
                        self.synced.send_modify(|n| *n += 1);
                    }
                    work
                }
                Ok(Event::Apply(m)) => self.observe(index, &m),
                Ok(Event::Delete(m)) => match m.metadata.uid.as_deref() {
                    Some(uid) => self.graph().forget(uid),
                    None => Vec::new(),
                },
                Err(e) => {
                    tracing::debug!(resource = self.resources[index].plural, error = %e,
                        "garbage collector watch failed");
                    Vec::new()
                }
            };
            self.queue.add_all(work);
        }
    }

    fn observe(&self, index: usize, m: &PartialObjectMeta<DynamicObject>) -> Vec<String> {
        match node_of(index, &m.metadata) {
            Some(node) => self.graph().observe(node),
            None => Vec::new(),
        }
    }

    async fn work(self: Arc<Self>) {
        loop {
            let uid = self.queue.next().await;
            let ok = match self.process(&uid).await {
                Ok(()) => true,
                Err(e) => {
                    tracing::debug!(uid, error = %e, "garbage collector: processing failed");
                    false
                }
            };
            self.queue.done(&uid, ok);
        }
    }

    fn api_for(&self, node: &Node) -> Api<DynamicObject> {
        dynamic_api(
            &self.ctx.client,
            self.resources[node.resource],
            node.namespace.as_deref(),
        )
    }

    /// The object is gone (or replaced by another with the same name): update the graph as
    /// the watch will, and process what that affects.
    fn vanished(&self, uid: &str) {
        let work = self.graph().forget(uid);
        self.queue.add_all(work);
    }

    async fn process(&self, uid: &str) -> Result<()> {
        let Some(node) = self.graph().get(uid).cloned() else {
            return Ok(());
        };
        let api = self.api_for(&node);
        let latest = match api.get_metadata(&node.name).await {
            Ok(m) => m.metadata,
            Err(e) if is_status(&e, 404) => {
                self.vanished(uid);
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if latest.uid.as_deref() != Some(uid) {
            self.vanished(uid);
            return Ok(());
        }
        let finalizers = latest.finalizers.clone().unwrap_or_default();
        let has = |f: &str| finalizers.iter().any(|x| x == f);
        if latest.deletion_timestamp.is_some() {
            if has(ORPHAN) {
                return self.orphan_dependents(&node, &api).await;
            }
            if has(FOREGROUND) {
                return self.delete_dependents(&node, &api).await;
            }
            // Being deleted for other reasons: its dependents are looked at once it is gone.
            return Ok(());
        }
        let refs = latest.owner_references.clone().unwrap_or_default();
        if refs.is_empty() {
            return Ok(());
        }
        let mut states = Vec::with_capacity(refs.len());
        for r in &refs {
            match self.owner_state(r, node.namespace.as_deref()).await? {
                Some(s) => states.push((r.uid.clone(), s)),
                None => {
                    tracing::debug!(
                        uid,
                        kind = r.kind,
                        api_version = r.api_version,
                        "garbage collector: owner kind is not served; leaving the object alone"
                    );
                    return Ok(());
                }
            }
        }
        let (has_dependents, dependent_deleting_dependents) = {
            let g = self.graph();
            let deps = g.dependents(uid);
            (
                !deps.is_empty(),
                deps.iter().any(|d| d.deleting_dependents()),
            )
        };
        match graph::decide(
            &states,
            &finalizers,
            has_dependents,
            dependent_deleting_dependents,
        ) {
            Decision::Keep => Ok(()),
            Decision::RemoveOwners(gone) => {
                tracing::info!(uid, name = node.name, owners = ?gone,
                    "garbage collector: removing references to absent or deleting owners");
                remove_owner_refs(&api, &node.name, uid, &gone).await
            }
            Decision::Delete { policy, unblock } => {
                let mut rv = latest.resource_version.clone();
                if !unblock.is_empty() {
                    unblock_owner_refs(&api, &node.name, uid, &unblock).await?;
                    rv = None;
                }
                let cause = if states.iter().any(|(_, s)| *s == OwnerState::Waiting) {
                    "an owner is deleting its dependents in the foreground"
                } else {
                    "every owner is gone"
                };
                tracing::info!(
                    uid,
                    name = node.name,
                    kind = self.resources[node.resource].kind,
                    ?policy,
                    cause,
                    "garbage collector: deleting a dependent"
                );
                let dp = DeleteParams {
                    propagation_policy: Some(match policy {
                        Policy::Background => PropagationPolicy::Background,
                        Policy::Foreground => PropagationPolicy::Foreground,
                        Policy::Orphan => PropagationPolicy::Orphan,
                    }),
                    preconditions: Some(Preconditions {
                        uid: Some(uid.to_string()),
                        resource_version: rv,
                    }),
                    ..Default::default()
                };
                match api.delete(&node.name, &dp).await {
                    Ok(_) => Ok(()),
                    Err(e) if is_status(&e, 404) => Ok(()),
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// Classifies one owner reference by a live lookup; None if its kind is not served.
    async fn owner_state(
        &self,
        r: &OwnerReference,
        namespace: Option<&str>,
    ) -> Result<Option<OwnerState>> {
        let Some(res) = resolve(&r.api_version, &r.kind) else {
            return Ok(None);
        };
        if res.namespaced && namespace.is_none() {
            // A cluster-scoped object cannot be owned by a namespaced one.
            return Ok(Some(OwnerState::Dangling));
        }
        let api = dynamic_api(&self.ctx.client, res, namespace);
        match api.get_metadata(&r.name).await {
            Ok(owner) if owner.metadata.uid.as_deref() != Some(r.uid.as_str()) => {
                Ok(Some(OwnerState::Dangling))
            }
            Ok(owner) => {
                let waiting = owner.metadata.deletion_timestamp.is_some()
                    && owner
                        .metadata
                        .finalizers
                        .iter()
                        .flatten()
                        .any(|f| f == FOREGROUND);
                Ok(Some(if waiting {
                    OwnerState::Waiting
                } else {
                    OwnerState::Solid
                }))
            }
            Err(e) if is_status(&e, 404) => Ok(Some(OwnerState::Dangling)),
            Err(e) => Err(e.into()),
        }
    }

    /// Orphan propagation: release every dependent, then drop the `orphan` finalizer.
    async fn orphan_dependents(&self, owner: &Node, api: &Api<DynamicObject>) -> Result<()> {
        let dependents: Vec<Node> = self
            .graph()
            .dependents(&owner.uid)
            .into_iter()
            .cloned()
            .collect();
        let gone = [owner.uid.clone()];
        for dep in &dependents {
            remove_owner_refs(&self.api_for(dep), &dep.name, &dep.uid, &gone).await?;
        }
        tracing::info!(
            uid = owner.uid,
            name = owner.name,
            orphaned = dependents.len(),
            "garbage collector: dependents orphaned"
        );
        remove_finalizer(api, &owner.name, &owner.uid, ORPHAN).await
    }

    /// Foreground propagation: dependents are deleted (by processing them: their owner is now
    /// waiting), and the finalizer goes once no blocking dependent is left.
    async fn delete_dependents(&self, owner: &Node, api: &Api<DynamicObject>) -> Result<()> {
        let (blocking, all): (Vec<Node>, Vec<Node>) = {
            let g = self.graph();
            (
                g.blocking_dependents(&owner.uid)
                    .into_iter()
                    .cloned()
                    .collect(),
                g.dependents(&owner.uid).into_iter().cloned().collect(),
            )
        };
        if blocking.is_empty() {
            // Non-blocking dependents are still deleted, but not waited for.
            self.queue
                .add_all(all.into_iter().filter(|d| !d.deleting).map(|d| d.uid));
            return remove_finalizer(api, &owner.name, &owner.uid, FOREGROUND).await;
        }
        // Dependents already deleting need nothing more from here; the owner is processed
        // again as each blocking one goes.
        self.queue
            .add_all(all.into_iter().filter(|d| !d.deleting).map(|d| d.uid));
        Ok(())
    }
}

/// Read-modify-write of an object's metadata: `change` maps the current metadata to a
/// metadata merge patch, or None when nothing needs to change. The write is conditional on
/// the resourceVersion read; conflicts are retried.
async fn update_metadata(
    api: &Api<DynamicObject>,
    name: &str,
    uid: &str,
    change: impl Fn(&ObjectMeta) -> Option<Value>,
) -> Result<()> {
    for _ in 0..CONFLICT_ATTEMPTS {
        let current = match api.get_metadata(name).await {
            Ok(m) => m.metadata,
            Err(e) if is_status(&e, 404) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if current.uid.as_deref() != Some(uid) {
            return Ok(());
        }
        let Some(mut patch) = change(&current) else {
            return Ok(());
        };
        patch["resourceVersion"] = json!(current.resource_version);
        let body = json!({ "metadata": patch });
        match api
            .patch_metadata(name, &PatchParams::default(), &Patch::Merge(&body))
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if is_status(&e, 404) => return Ok(()),
            Err(e) if is_status(&e, 409) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Invalid(format!(
        "conflicting writes to {name} ({uid}); retrying later"
    )))
}

fn list_or_null<T: serde::Serialize>(items: Vec<T>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        json!(items)
    }
}

async fn remove_owner_refs(
    api: &Api<DynamicObject>,
    name: &str,
    uid: &str,
    owners: &[String],
) -> Result<()> {
    update_metadata(api, name, uid, |m| {
        let refs = m.owner_references.clone().unwrap_or_default();
        let kept: Vec<OwnerReference> = refs
            .iter()
            .filter(|r| !owners.contains(&r.uid))
            .cloned()
            .collect();
        (kept.len() != refs.len()).then(|| json!({ "ownerReferences": list_or_null(kept) }))
    })
    .await
}

async fn unblock_owner_refs(
    api: &Api<DynamicObject>,
    name: &str,
    uid: &str,
    owners: &[String],
) -> Result<()> {
    update_metadata(api, name, uid, |m| {
        let mut refs = m.owner_references.clone().unwrap_or_default();
        let mut changed = false;
        for r in refs.iter_mut().filter(|r| owners.contains(&r.uid)) {
            if r.block_owner_deletion == Some(true) {
                r.block_owner_deletion = Some(false);
                changed = true;
            }
        }
        changed.then(|| json!({ "ownerReferences": refs }))
    })
    .await
}

async fn remove_finalizer(
    api: &Api<DynamicObject>,
    name: &str,
    uid: &str,
    finalizer: &str,
) -> Result<()> {
    update_metadata(api, name, uid, |m| {
        let all = m.finalizers.clone().unwrap_or_default();
        let kept: Vec<String> = all.iter().filter(|f| *f != finalizer).cloned().collect();
        (kept.len() != all.len()).then(|| json!({ "finalizers": list_or_null(kept) }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_deletable_resource_is_monitored_once() {
        let m = monitored();
        let has = |g: &str, k: &str| m.iter().any(|r| r.group == g && r.kind == k);
        assert!(has("", "Pod"));
        assert!(has("apps", "ReplicaSet"));
        assert!(has("", "Namespace"));
        assert!(has("", "Event"));
        // events.k8s.io shares the core events' storage: watching both would double nodes.
        assert!(!has("events.k8s.io", "Event"));
        let mut seen = HashSet::new();
        for r in &m {
            assert!(seen.insert((r.group, r.kind)), "{} twice", r.kind);
        }
    }

    #[test]
    fn owner_kinds_resolve_through_the_catalog() {
        assert_eq!(
            resolve("apps/v1", "Deployment").unwrap().plural,
            "deployments"
        );
        assert_eq!(resolve("v1", "ConfigMap").unwrap().plural, "configmaps");
        // An unserved version of a served kind falls back to the served version.
        assert_eq!(resolve("apps/v1beta2", "ReplicaSet").unwrap().version, "v1");
        assert!(resolve("example.com/v1", "Widget").is_none());
        let ar = api_resource(resolve("apps/v1", "ReplicaSet").unwrap());
        assert_eq!(ar.api_version, "apps/v1");
        assert_eq!(ar.plural, "replicasets");
    }

    #[test]
    fn nodes_come_from_metadata() {
        let meta = ObjectMeta {
            name: Some("p".into()),
            namespace: Some("ns".into()),
            uid: Some("u".into()),
            owner_references: Some(vec![OwnerReference {
                api_version: "apps/v1".into(),
                kind: "ReplicaSet".into(),
                name: "rs".into(),
                uid: "o".into(),
                block_owner_deletion: Some(true),
                controller: Some(true),
            }]),
            finalizers: Some(vec![FOREGROUND.into()]),
            ..Default::default()
        };
        let n = node_of(3, &meta).unwrap();
        assert_eq!(n.resource, 3);
        assert!(n.owners[0].block);
        assert!(!n.deleting_dependents());
        assert!(node_of(0, &ObjectMeta::default()).is_none());
    }
}

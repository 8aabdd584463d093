//! The service proxy: Services and EndpointSlices in, nftables rules out.
//!
//! [`Proxier`] holds the objects and what the table holds per Service; each sync turns the
//! Services changed since the last one into one transaction, sent to a long-lived `nft -i`
//! ([`nft::Session`]), or replaces the whole table on the first sync and after a failure
//! (skeleton by `nft -f`, elements over netlink: [`batch`], [`netlink`]). [`run`] feeds it
//! from API watches.

pub mod batch;
pub mod model;
pub mod netlink;
pub mod nft;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::runtime::watcher::{self, Event};
use kube::runtime::WatchStreamExt;
use kube::{Api, Resource};
use tokio::sync::mpsc;

pub use nft::run_nft;

use rules::{Element, Fragment, RuleConfig, Transaction};

/// Settings of a node's service proxy.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// The nftables table (family `ip`) the proxy owns and replaces.
    pub table: String,
    /// This node's name: endpoints on it are "local" for the traffic policies.
    pub node_name: String,
    /// The pod network; cluster-IP traffic from outside it is masqueraded.
    pub cluster_cidr: Option<String>,
    /// The program and leading arguments that run `nft` (`["nft"]`; a test may prefix
    /// `ip netns exec NAME`).
    pub nft: Vec<String>,
    /// The network namespace (a name under `/run/netns`) the table lives in when it is not
    /// this process's own; `nft` must run there too.
    pub netns: Option<String>,
}

impl ProxyConfig {
    fn rules(&self) -> RuleConfig {
        RuleConfig {
            table: self.table.clone(),
            cluster_cidr: self.cluster_cidr.clone(),
        }
    }
}

/// (namespace, name).
type Key = (String, String);

fn key_of<K: Resource>(obj: &K) -> Key {
    let meta = obj.meta();
    (
        meta.namespace.clone().unwrap_or_default(),
        meta.name.clone().unwrap_or_default(),
    )
}

/// What one sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncStats {
    /// The whole table was replaced.
    pub full: bool,
    /// Services whose rules were recomputed.
    pub services: usize,
    /// Lines of the nft script (0 when nothing changed and nft was not run).
    pub commands: usize,
    /// Map elements a full sync loaded over netlink (0 when nft loaded them).
    pub netlink_elements: usize,
    pub elapsed: Duration,
}

/// The proxy's state: the objects it knows and the fragments the table holds.
pub struct Proxier {
    config: ProxyConfig,
    rules: RuleConfig,
    services: HashMap<Key, Service>,
    slices: HashMap<Key, EndpointSlice>,
    /// Service key → names of the EndpointSlices labelled for it.
    slices_of: HashMap<Key, BTreeSet<String>>,
    /// Service key → its fragment, as last applied.
    applied: HashMap<Key, Fragment>,
    /// The shared balancer chains the table has.
    shared: BTreeSet<String>,
    dirty: BTreeSet<Key>,
    needs_full_sync: bool,
    /// The `nft -i` that incremental transactions go to; started on first use, dropped
    /// after a failure.
    session: Option<nft::Session>,
    /// The netlink socket full syncs load elements through; opened on first use.
    netlink: Option<netlink::Socket>,
}

/// Incremental scripts longer than this go to a one-shot `nft -f` rather than the session's
/// single input line (only relists and large bursts of changes make them).
const SESSION_SCRIPT_LIMIT: usize = 256 * 1024;

impl Proxier {
    pub fn new(config: ProxyConfig) -> Proxier {
        Proxier {
            rules: config.rules(),
            config,
            services: HashMap::new(),
            slices: HashMap::new(),
            slices_of: HashMap::new(),
            applied: HashMap::new(),
            shared: BTreeSet::new(),
            dirty: BTreeSet::new(),
            needs_full_sync: true,
            session: None,
            netlink: None,
        }
    }

    pub fn set_service(&mut self, svc: Service) {
        let key = key_of(&svc);
        self.dirty.insert(key.clone());
        self.services.insert(key, svc);
    }

    pub fn delete_service(&mut self, namespace: &str, name: &str) {
        let key = (namespace.to_owned(), name.to_owned());
        if self.services.remove(&key).is_some() {
            self.dirty.insert(key);
        }
    }

    pub fn set_slice(&mut self, slice: EndpointSlice) {
        let key = key_of(&slice);
        self.unfile_slice(&key);
        if let Some(service) = model::slice_service(&slice) {
            let owner = (key.0.clone(), service.to_owned());
            self.slices_of
                .entry(owner.clone())
                .or_default()
                .insert(key.1.clone());
            self.dirty.insert(owner);
        }
        self.slices.insert(key, slice);
    }

    pub fn delete_slice(&mut self, namespace: &str, name: &str) {
        let key = (namespace.to_owned(), name.to_owned());
        self.unfile_slice(&key);
        self.slices.remove(&key);
    }

    /// Takes a slice out of its Service's set (marking that Service for a sync).
    fn unfile_slice(&mut self, key: &Key) {
        let Some(old) = self.slices.get(key) else {
            return;
        };
        if let Some(service) = model::slice_service(old) {
            let owner = (key.0.clone(), service.to_owned());
            if let Some(names) = self.slices_of.get_mut(&owner) {
                names.remove(&key.1);
                if names.is_empty() {
                    self.slices_of.remove(&owner);
                }
            }
            self.dirty.insert(owner);
        }
    }

    /// Makes `services` the complete set (after a relist).
    pub fn replace_services(&mut self, services: Vec<Service>) {
        let fresh: HashMap<Key, Service> = services.into_iter().map(|s| (key_of(&s), s)).collect();
        let gone: Vec<Key> = self
            .services
            .keys()
            .filter(|k| !fresh.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            self.delete_service(&key.0, &key.1);
        }
        for (_, svc) in fresh {
            self.set_service(svc);
        }
    }

    /// Makes `slices` the complete set (after a relist).
    pub fn replace_slices(&mut self, slices: Vec<EndpointSlice>) {
        let fresh: HashMap<Key, EndpointSlice> =
            slices.into_iter().map(|s| (key_of(&s), s)).collect();
        let gone: Vec<Key> = self
            .slices
            .keys()
            .filter(|k| !fresh.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            self.delete_slice(&key.0, &key.1);
        }
        for (_, slice) in fresh {
            self.set_slice(slice);
        }
    }

    /// The fragment a Service should have now (empty when it has nothing to program).
    fn desired(&self, key: &Key) -> Fragment {
        let Some(svc) = self.services.get(key) else {
            return Fragment::default();
        };
        let slices: Vec<&EndpointSlice> = self
            .slices_of
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|name| self.slices.get(&(key.0.clone(), name.clone())))
            .collect();
        let ports = model::service_ports(svc, slices.iter().copied(), &self.config.node_name);
        rules::fragment(&ports, &self.rules)
    }

    /// Brings the table up to date: one transaction for the Services changed since the last
    /// sync, or a full replacement when the table's state is unknown.
    pub async fn sync(&mut self) -> Result<SyncStats, String> {
        let started = Instant::now();
        if self.needs_full_sync {
            let desired: HashMap<Key, Fragment> = self
                .services
                .keys()
                .map(|k| (k.clone(), self.desired(k)))
                .filter(|(_, f)| *f != Fragment::default())
                .collect();
            let mut shared = BTreeSet::new();
            let (table, script, netlink_elements) =
                self.replace_table(&desired, &mut shared).await?;
            // The session names the old table.
            self.session = None;
            self.rules.table = table;
            let stats = SyncStats {
                full: true,
                services: self.services.len(),
                commands: script.lines().count(),
                netlink_elements,
                elapsed: started.elapsed(),
            };
            self.applied = desired;
            self.shared = shared;
            self.dirty.clear();
            self.needs_full_sync = false;
            return Ok(stats);
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut tx = Transaction::default();
        let mut shared = self.shared.clone();
        let mut next: Vec<(Key, Fragment)> = Vec::new();
        for key in &dirty {
            let desired = self.desired(key);
            tx.change(
                &self.rules,
                self.applied.get(key),
                Some(&desired),
                &mut shared,
            );
            next.push((key.clone(), desired));
        }
        let mut stats = SyncStats {
            full: false,
            services: dirty.len(),
            commands: 0,
            netlink_elements: 0,
            elapsed: Duration::ZERO,
        };
        if !tx.is_empty() {
            let script = tx.render(&self.rules.table);
            stats.commands = script.lines().count();
            if let Err(e) = self.apply_incremental(&script).await {
                self.needs_full_sync = true;
                return Err(e);
            }
        }
        self.shared = shared;
        for (key, desired) in next {
            if desired == Fragment::default() {
                self.applied.remove(&key);
            } else {
                self.applied.insert(key, desired);
            }
        }
        stats.elapsed = started.elapsed();
        Ok(stats)
    }

    /// Builds the whole table under the name not in use and retires the other one: the
    /// skeleton and chains through `nft -f`, then every element and the old table's removal
    /// in one netlink transaction, so Services work throughout. If netlink fails, one
    /// `nft -f` does it all. Returns the table's name, the nft script run and how many
    /// elements went over netlink.
    async fn replace_table(
        &mut self,
        desired: &HashMap<Key, Fragment>,
        shared: &mut BTreeSet<String>,
    ) -> Result<(String, String, usize), String> {
        let base = self.config.table.clone();
        let alternate = rules::alternate_table(&base);
        let names = (base.clone(), alternate.clone());
        let existing = self
            .with_netlink(move |socket| {
                Ok((
                    socket.table_exists(&names.0)?,
                    socket.table_exists(&names.1)?,
                ))
            })
            .await;
        let (next, old) = match existing {
            Ok((true, false)) => (alternate, Some(base)),
            Ok((_, alternate_exists)) => (base, alternate_exists.then_some(alternate)),
            Err(e) => {
                tracing::warn!(error = %e, "service proxy: netlink unavailable; loading the table with nft");
                return self
                    .replace_table_with_nft(base, Some(alternate), desired, shared)
                    .await;
            }
        };
        let config = RuleConfig {
            table: next.clone(),
            ..self.rules.clone()
        };
        let script = rules::full_sync_without_elements(&config, desired.values(), shared);
        self.run_nft(&script).await?;
        let loaded = match elements_batch(&next, old.as_deref(), desired.values()) {
            Ok((bytes, acked)) => {
                self.with_netlink(move |socket| socket.commit(&bytes, &acked))
                    .await
            }
            Err(e) => Err(e),
        };
        match loaded {
            Ok(()) => {
                let elements = desired.values().map(|f| f.elements.len()).sum();
                Ok((next, script, elements))
            }
            Err(e) => {
                tracing::warn!(error = %e, "service proxy: loading elements over netlink failed; loading the table with nft");
                self.replace_table_with_nft(next, old, desired, shared)
                    .await
            }
        }
    }

    /// Runs `work` on the proxy's netlink socket (opened if need be), off the async threads.
    /// The socket stays open: closing one makes the kernel finish freeing what the last
    /// transaction removed (an RCU grace period and, after a full sync, a whole table) first.
    /// It is dropped after a failure.
    async fn with_netlink<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&mut netlink::Socket) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let socket = self.netlink.take();
        let netns = self.config.netns.clone();
        let (socket, result) = tokio::task::spawn_blocking(move || {
            let mut socket = match socket {
                Some(socket) => socket,
                None => match netlink::Socket::open(netns.as_deref()) {
                    Ok(socket) => socket,
                    Err(e) => return (None, Err(e)),
                },
            };
            let result = work(&mut socket);
            (result.is_ok().then_some(socket), result)
        })
        .await
        .map_err(|e| format!("netlink work: {e}"))?;
        self.netlink = socket;
        result
    }

    /// The whole table as one `nft -f` transaction, under `table`, removing `old`.
    async fn replace_table_with_nft(
        &self,
        table: String,
        old: Option<String>,
        desired: &HashMap<Key, Fragment>,
        shared: &mut BTreeSet<String>,
    ) -> Result<(String, String, usize), String> {
        let config = RuleConfig {
            table: table.clone(),
            ..self.rules.clone()
        };
        let mut script = rules::full_sync(&config, desired.values(), shared);
        if let Some(old) = old {
            script.push_str(&format!("add table ip {old}\ndelete table ip {old}\n"));
        }
        self.run_nft(&script).await?;
        Ok((table, script, 0))
    }

    /// The table's current name: the configured one or its alternate.
    pub fn table(&self) -> &str {
        &self.rules.table
    }

    /// Makes the next sync replace the whole table (as after a failure).
    pub fn force_full_sync(&mut self) {
        self.needs_full_sync = true;
    }

    /// Whether a sync has anything to do.
    pub fn pending(&self) -> bool {
        self.needs_full_sync || !self.dirty.is_empty()
    }

    /// Removes the proxy's table (under either name).
    pub async fn cleanup(&self) -> Result<(), String> {
        self.run_nft(&rules::delete_table(&self.config.table)).await
    }

    async fn run_nft(&self, script: &str) -> Result<(), String> {
        run_nft(&self.config.nft, script).await
    }

    /// Commits an incremental script through the session (started if need be), or through
    /// a one-shot `nft` when it is large. A failed session is dropped.
    async fn apply_incremental(&mut self, script: &str) -> Result<(), String> {
        if script.len() > SESSION_SCRIPT_LIMIT {
            return self.run_nft(script).await;
        }
        if self.session.as_ref().is_some_and(nft::Session::worn_out) {
            self.session = None;
        }
        let session = match &mut self.session {
            Some(session) => session,
            none => none.insert(nft::Session::start(
                &self.config.nft,
                &self.rules.table,
                rules::MARKER_SET,
            )?),
        };
        let result = session.apply(script).await;
        if result.is_err() {
            self.session = None;
        }
        result
    }
}

/// The netlink transaction that fills `table` with the fragments' elements and deletes
/// `old`: its bytes and the sequence numbers to wait for.
fn elements_batch<'a>(
    table: &str,
    old: Option<&str>,
    fragments: impl Iterator<Item = &'a Fragment>,
) -> Result<(Vec<u8>, Vec<u32>), String> {
    let mut by_map: BTreeMap<&'static str, Vec<&Element>> = BTreeMap::new();
    for e in fragments.flat_map(|f| &f.elements) {
        by_map.entry(e.map).or_default().push(e);
    }
    let mut batch = batch::Batch::new(1);
    for (map, elements) in by_map {
        let layout = rules::layout(map).ok_or_else(|| format!("no layout for map {map}"))?;
        batch.add_elements(
            table,
            map,
            layout,
            elements
                .iter()
                .map(|e| (e.key.as_str(), e.value.as_str(), e.comment.as_str())),
        )?;
    }
    if let Some(old) = old {
        batch.delete_table(old);
    }
    Ok(batch.finish())
}

/// A change seen by a watch.
enum Update {
    Service(Box<Service>),
    ServiceGone(Key),
    Services(Vec<Service>),
    Slice(Box<EndpointSlice>),
    SliceGone(Key),
    Slices(Vec<EndpointSlice>),
}

/// Watches every object of `api` and sends changes as `Update`s; a relist arrives whole.
fn inform<K>(
    api: Api<K>,
    tx: mpsc::UnboundedSender<Update>,
    one: fn(K) -> Update,
    gone: fn(Key) -> Update,
    all: fn(Vec<K>) -> Update,
) -> tokio::task::JoinHandle<()>
where
    K: Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    tokio::spawn(async move {
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let mut listed = Vec::new();
        while let Some(event) = stream.next().await {
            let update = match event {
                Ok(Event::Init) => {
                    listed.clear();
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    listed.push(o);
                    continue;
                }
                Ok(Event::InitDone) => all(std::mem::take(&mut listed)),
                Ok(Event::Apply(o)) => one(o),
                Ok(Event::Delete(o)) => gone(key_of(&o)),
                Err(e) => {
                    tracing::debug!(error = %e, "service proxy watch failed; retrying");
                    continue;
                }
            };
            if tx.send(update).is_err() {
                return;
            }
        }
    })
}

/// Enables what DNAT between pods on one bridge needs: IPv4 forwarding, and bridged traffic
/// passing through netfilter so replies are un-NATed. Failures are logged, not fatal.
pub fn enable_forwarding() {
    for (path, value) in [
        ("/proc/sys/net/ipv4/ip_forward", "1"),
        ("/proc/sys/net/bridge/bridge-nf-call-iptables", "1"),
    ] {
        if std::fs::read_to_string(path).is_ok_and(|v| v.trim() == value) {
            continue;
        }
        if let Err(e) = std::fs::write(path, value) {
            tracing::warn!(%path, error = %e, "service proxy: could not set sysctl");
        }
    }
}

/// Runs the service proxy until the task is dropped: watches Services and EndpointSlices on
/// `client` and keeps the table in step. Rules stay in place when it stops, so Services keep
/// working across a restart; [`Proxier::cleanup`] removes them.
pub async fn run(client: kube::Client, config: ProxyConfig) {
    enable_forwarding();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watches = [
        inform(
            Api::<Service>::all(client.clone()),
            tx.clone(),
            |s| Update::Service(Box::new(s)),
            Update::ServiceGone,
            Update::Services,
        ),
        inform(
            Api::<EndpointSlice>::all(client),
            tx,
            |s| Update::Slice(Box::new(s)),
            Update::SliceGone,
            Update::Slices,
        ),
    ];
    let _abort = AbortOnDrop(watches);
    let mut proxier = Proxier::new(config);
    let (mut services_listed, mut slices_listed) = (false, false);
    loop {
        // After a failed sync, retry within a second even if nothing changes.
        let retry = services_listed && slices_listed && proxier.pending();
        let first = if retry {
            match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
                Ok(None) => return,
                Ok(Some(update)) => Some(update),
                Err(_) => None,
            }
        } else {
            match rx.recv().await {
                None => return,
                some => some,
            }
        };
        let mut next = first;
        while let Some(update) = next.take().or_else(|| rx.try_recv().ok()) {
            match update {
                Update::Service(s) => proxier.set_service(*s),
                Update::ServiceGone((ns, name)) => proxier.delete_service(&ns, &name),
                Update::Services(all) => {
                    services_listed = true;
                    proxier.replace_services(all);
                }
                Update::Slice(s) => proxier.set_slice(*s),
                Update::SliceGone((ns, name)) => proxier.delete_slice(&ns, &name),
                Update::Slices(all) => {
                    slices_listed = true;
                    proxier.replace_slices(all);
                }
            }
        }
        // Programming rules before both lists arrived would reject Services whose
        // endpoints are merely not known yet.
        if !(services_listed && slices_listed && proxier.pending()) {
            continue;
        }
        match proxier.sync().await {
            Ok(stats) => tracing::debug!(?stats, "service proxy synced"),
            Err(e) => {
                tracing::warn!(error = %e, "service proxy sync failed; replacing the table next")
            }
        }
    }
}

struct AbortOnDrop<const N: usize>([tokio::task::JoinHandle<()>; N]);

impl<const N: usize> Drop for AbortOnDrop<N> {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// The table name of a node's proxy, derived like its bridge so that several nodes (or test
/// clusters) on one machine keep apart.
pub fn table_name(bridge: &str) -> String {
    format!("rudder-{bridge}")
}

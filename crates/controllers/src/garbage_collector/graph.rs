//! The dependency graph the garbage collector keeps from every object's `ownerReferences`, and
//! the pure decisions it takes on one object. No I/O here: the caller feeds observed metadata in
//! and gets back the uids whose state may need attention.

use std::collections::{BTreeSet, HashMap, HashSet};

/// The finalizer an Orphan propagation policy puts on an owner.
pub const ORPHAN: &str = "orphan";
/// The finalizer a Foreground propagation policy puts on an owner.
pub const FOREGROUND: &str = "foregroundDeletion";

/// One entry of an object's `ownerReferences`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub uid: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `blockOwnerDeletion`: a foreground deletion of the owner waits for this dependent.
    pub block: bool,
}

/// What the graph knows of one observed object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Index of the object's resource in the monitored list.
    pub resource: usize,
    pub namespace: Option<String>,
    pub name: String,
    pub uid: String,
    pub owners: Vec<Owner>,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    pub finalizers: Vec<String>,
}

impl Node {
    pub fn has_finalizer(&self, f: &str) -> bool {
        self.finalizers.iter().any(|x| x == f)
    }

    /// Deleting with `foregroundDeletion`: waits for its blocking dependents to go.
    pub fn deleting_dependents(&self) -> bool {
        self.deleting && self.has_finalizer(FOREGROUND)
    }

    /// Deleting with `orphan`: its dependents must be released first.
    pub fn orphaning(&self) -> bool {
        self.deleting && self.has_finalizer(ORPHAN)
    }

    fn owner(&self, uid: &str) -> Option<&Owner> {
        self.owners.iter().find(|o| o.uid == uid)
    }
}

/// Observed objects by uid, plus the reverse index owner uid → dependent uids. The reverse
/// index is kept for owners that were never observed or are already gone, so their dependents
/// can still be found.
#[derive(Default, Debug)]
pub struct Graph {
    nodes: HashMap<String, Node>,
    dependents: HashMap<String, BTreeSet<String>>,
}

impl Graph {
    pub fn get(&self, uid: &str) -> Option<&Node> {
        self.nodes.get(uid)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Observed objects that name `uid` as an owner.
    pub fn dependents(&self, uid: &str) -> Vec<&Node> {
        self.dependents
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|d| self.nodes.get(d))
            .collect()
    }

    /// Dependents whose reference to `uid` has `blockOwnerDeletion: true`.
    pub fn blocking_dependents(&self, uid: &str) -> Vec<&Node> {
        self.dependents(uid)
            .into_iter()
            .filter(|d| d.owner(uid).is_some_and(|o| o.block))
            .collect()
    }

    /// The uids of observed objects of one resource.
    pub fn uids_of(&self, resource: usize) -> Vec<String> {
        self.nodes
            .values()
            .filter(|n| n.resource == resource)
            .map(|n| n.uid.clone())
            .collect()
    }

    /// Records an added or changed object; returns the uids to process.
    pub fn observe(&mut self, node: Node) -> Vec<String> {
        let mut work = Vec::new();
        let old = self.nodes.remove(&node.uid);
        let uid = node.uid.clone();

        // Maintain the reverse index.
        if let Some(old) = &old {
            for o in &old.owners {
                if node.owner(&o.uid).is_none() {
                    self.unlink(&o.uid, &uid);
                }
            }
        }
        for o in &node.owners {
            self.dependents
                .entry(o.uid.clone())
                .or_default()
                .insert(uid.clone());
        }

        // A reference removed, or no longer blocking, may unblock an owner waiting for its
        // dependents.
        if let Some(old) = &old {
            for o in old.owners.iter().filter(|o| o.block) {
                let still_blocking = node.owner(&o.uid).is_some_and(|n| n.block);
                if !still_blocking
                    && self
                        .nodes
                        .get(&o.uid)
                        .is_some_and(Node::deleting_dependents)
                {
                    work.push(o.uid.clone());
                }
            }
        }

        // Deletion transitions of the object itself.
        let state_changed = old
            .as_ref()
            .is_none_or(|o| o.deleting != node.deleting || o.finalizers != node.finalizers);
        if state_changed && (node.orphaning() || node.deleting_dependents()) {
            work.push(uid.clone());
            let started_foreground =
                node.deleting_dependents() && !old.as_ref().is_some_and(Node::deleting_dependents);
            if started_foreground {
                work.extend(self.dependents.get(&uid).into_iter().flatten().cloned());
            }
        }

        // Its owners may be gone or waiting for it to be deleted.
        let owners_changed = old.as_ref().is_none_or(|o| o.owners != node.owners);
        if owners_changed
            && node.owners.iter().any(|o| match self.nodes.get(&o.uid) {
                None => true,
                Some(owner) => owner.deleting_dependents(),
            })
        {
            work.push(uid.clone());
        }

        self.nodes.insert(uid, node);
        dedup(work)
    }

    /// Records that an object is gone; returns the uids to process: its dependents (their
    /// owner may now be absent) and owners that were waiting for it.
    pub fn forget(&mut self, uid: &str) -> Vec<String> {
        let Some(node) = self.nodes.remove(uid) else {
            return Vec::new();
        };
        let mut work: Vec<String> = self
            .dependents
            .get(uid)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for o in &node.owners {
            self.unlink(&o.uid, uid);
            if self
                .nodes
                .get(&o.uid)
                .is_some_and(Node::deleting_dependents)
            {
                work.push(o.uid.clone());
            }
        }
        dedup(work)
    }

    fn unlink(&mut self, owner: &str, dependent: &str) {
        if let Some(set) = self.dependents.get_mut(owner) {
            set.remove(dependent);
            if set.is_empty() {
                self.dependents.remove(owner);
            }
        }
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|u| seen.insert(u.clone())).collect()
}

/// What a live lookup found for one owner reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerState {
    /// Exists and is not waiting for its dependents.
    Solid,
    /// No object of that name with that uid.
    Dangling,
    /// Exists, deleting with `foregroundDeletion`.
    Waiting,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Background,
    Foreground,
    Orphan,
}

/// What to do with an object that has owner references and is not being deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// It has a live owner and no reference to remove.
    Keep,
    /// It has a live owner: drop the references to absent and waiting owners.
    RemoveOwners(Vec<String>),
    /// Delete it. `unblock` lists owners whose references must first be made non-blocking
    /// (breaking a possible cycle of foreground deletions).
    Delete {
        policy: Policy,
        unblock: Vec<String>,
    },
}

/// Upstream's attemptToDeleteItem decision. `owners` pairs each owner uid with its state;
/// `has_dependents` says whether the object owns anything; `dependent_deleting_dependents`
/// whether one of those dependents is itself in a foreground deletion.
pub fn decide(
    owners: &[(String, OwnerState)],
    finalizers: &[String],
    has_dependents: bool,
    dependent_deleting_dependents: bool,
) -> Decision {
    let of = |s: OwnerState| -> Vec<String> {
        owners
            .iter()
            .filter(|(_, st)| *st == s)
            .map(|(u, _)| u.clone())
            .collect()
    };
    let solid = of(OwnerState::Solid);
    let dangling = of(OwnerState::Dangling);
    let waiting = of(OwnerState::Waiting);
    if owners.is_empty() {
        return Decision::Keep;
    }
    if !solid.is_empty() {
        let mut drop = dangling;
        drop.extend(waiting);
        return if drop.is_empty() {
            Decision::Keep
        } else {
            Decision::RemoveOwners(drop)
        };
    }
    if !waiting.is_empty() && has_dependents {
        let unblock = if dependent_deleting_dependents {
            waiting
        } else {
            Vec::new()
        };
        return Decision::Delete {
            policy: Policy::Foreground,
            unblock,
        };
    }
    let has = |f: &str| finalizers.iter().any(|x| x == f);
    let policy = if has(ORPHAN) {
        Policy::Orphan
    } else if has(FOREGROUND) {
        Policy::Foreground
    } else {
        Policy::Background
    };
    Decision::Delete {
        policy,
        unblock: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(uid: &str, block: bool) -> Owner {
        Owner {
            uid: uid.into(),
            api_version: "apps/v1".into(),
            kind: "ReplicaSet".into(),
            name: format!("n-{uid}"),
            block,
        }
    }

    fn node(uid: &str, owners: Vec<Owner>) -> Node {
        Node {
            resource: 0,
            namespace: Some("default".into()),
            name: format!("n-{uid}"),
            uid: uid.into(),
            owners,
            deleting: false,
            finalizers: Vec::new(),
        }
    }

    fn deleting(mut n: Node, finalizer: &str) -> Node {
        n.deleting = true;
        n.finalizers = vec![finalizer.to_string()];
        n
    }

    #[test]
    fn dependents_are_indexed_and_follow_owner_changes() {
        let mut g = Graph::default();
        g.observe(node("rs", vec![]));
        g.observe(node("p1", vec![owner("rs", true)]));
        g.observe(node("p2", vec![owner("rs", false)]));
        assert_eq!(g.dependents("rs").len(), 2);
        assert_eq!(g.blocking_dependents("rs").len(), 1);
        g.observe(node("p1", vec![]));
        assert_eq!(g.dependents("rs").len(), 1);
        g.forget("p2");
        assert!(g.dependents("rs").is_empty());
    }

    #[test]
    fn new_dependents_of_unknown_owners_are_checked() {
        let mut g = Graph::default();
        // Owner not observed (yet, or ever): check the dependent.
        assert_eq!(
            g.observe(node("cm", vec![owner("ghost", false)])),
            vec!["cm"]
        );
        // Owner observed and not deleting: nothing to do.
        g.observe(node("rs", vec![]));
        assert!(g.observe(node("p", vec![owner("rs", true)])).is_empty());
        // A status-only update (same owners) does no work.
        assert!(g.observe(node("p", vec![owner("rs", true)])).is_empty());
    }

    #[test]
    fn removing_an_owner_queues_its_dependents() {
        let mut g = Graph::default();
        g.observe(node("rs", vec![]));
        g.observe(node("p1", vec![owner("rs", true)]));
        g.observe(node("p2", vec![owner("rs", true)]));
        let mut work = g.forget("rs");
        work.sort();
        assert_eq!(work, vec!["p1", "p2"]);
        // The reverse index survives the owner, so a dependent still finds nothing.
        assert!(g.get("rs").is_none());
        assert_eq!(g.dependents("rs").len(), 2);
        assert!(g.forget("rs").is_empty());
    }

    #[test]
    fn orphan_and_foreground_transitions_queue_work() {
        let mut g = Graph::default();
        g.observe(node("d", vec![]));
        g.observe(node("rs", vec![owner("d", true)]));
        assert_eq!(g.observe(deleting(node("d", vec![]), ORPHAN)), vec!["d"]);
        // Repeating the same state does not queue again.
        assert!(g.observe(deleting(node("d", vec![]), ORPHAN)).is_empty());

        let mut g = Graph::default();
        g.observe(node("d", vec![]));
        g.observe(node("rs", vec![owner("d", true)]));
        g.observe(node("other", vec![owner("d", false)]));
        let mut work = g.observe(deleting(node("d", vec![]), FOREGROUND));
        work.sort();
        assert_eq!(work, vec!["d", "other", "rs"]);
        assert_eq!(g.blocking_dependents("d").len(), 1);
        // A new dependent of an owner in foreground deletion is queued too.
        assert_eq!(
            g.observe(node("late", vec![owner("d", true)])),
            vec!["late"]
        );
    }

    #[test]
    fn a_waiting_owner_is_queued_when_a_blocking_dependent_goes() {
        let mut g = Graph::default();
        g.observe(deleting(node("rs", vec![]), FOREGROUND));
        g.observe(node("p1", vec![owner("rs", true)]));
        g.observe(node("p2", vec![owner("rs", true)]));
        assert!(g.forget("p1").contains(&"rs".to_string()));
        // Unblocking the reference (or dropping it) also wakes the owner.
        let work = g.observe(node("p2", vec![owner("rs", false)]));
        assert!(work.contains(&"rs".to_string()), "{work:?}");
        assert!(g.blocking_dependents("rs").is_empty());
    }

    #[test]
    fn objects_are_listed_per_resource() {
        let mut g = Graph::default();
        assert!(g.is_empty());
        g.observe(node("a", vec![]));
        let mut other = node("b", vec![owner("a", false)]);
        other.resource = 1;
        g.observe(other);
        assert_eq!(g.uids_of(0), vec!["a"]);
        assert_eq!(g.uids_of(1), vec!["b"]);
        assert_eq!(g.len(), 2);
    }

    fn st(pairs: &[(&str, OwnerState)]) -> Vec<(String, OwnerState)> {
        pairs.iter().map(|(u, s)| (u.to_string(), *s)).collect()
    }

    #[test]
    fn decisions_follow_upstream() {
        use OwnerState::*;
        assert_eq!(
            decide(&st(&[("a", Solid)]), &[], false, false),
            Decision::Keep
        );
        assert_eq!(
            decide(
                &st(&[("a", Solid), ("b", Dangling), ("c", Waiting)]),
                &[],
                true,
                false
            ),
            Decision::RemoveOwners(vec!["b".into(), "c".into()])
        );
        assert_eq!(
            decide(&st(&[("a", Dangling)]), &[], true, false),
            Decision::Delete {
                policy: Policy::Background,
                unblock: vec![]
            }
        );
        // An owner waits: a dependent with dependents of its own goes in the foreground.
        assert_eq!(
            decide(&st(&[("a", Waiting)]), &[], true, false),
            Decision::Delete {
                policy: Policy::Foreground,
                unblock: vec![]
            }
        );
        assert_eq!(
            decide(&st(&[("a", Waiting), ("b", Dangling)]), &[], true, true),
            Decision::Delete {
                policy: Policy::Foreground,
                unblock: vec!["a".into()]
            }
        );
        // A leaf is deleted in the background unless its finalizers say otherwise.
        assert_eq!(
            decide(&st(&[("a", Waiting)]), &[], false, false),
            Decision::Delete {
                policy: Policy::Background,
                unblock: vec![]
            }
        );
        assert_eq!(
            decide(&st(&[("a", Dangling)]), &[ORPHAN.to_string()], false, false),
            Decision::Delete {
                policy: Policy::Orphan,
                unblock: vec![]
            }
        );
        assert_eq!(decide(&[], &[], true, false), Decision::Keep);
    }
}

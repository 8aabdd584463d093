//! The scheduling queue, after upstream's: an active heap (higher priority first, then older
//! pods), a back-off heap for pods that failed recently (1 s doubling to 10 s), and the
//! unschedulable pods, which wait for a cluster change that could help them or, at the
//! latest, for a periodic flush. Gated pods (`schedulingGates`) wait for their gates to go.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::model::PodInfo;

pub const INITIAL_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Unschedulable pods are retried at least this often even if nothing seemed to change.
pub const MAX_UNSCHEDULABLE: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Active,
    Backoff,
    Unschedulable,
    Gated,
    InFlight,
}

#[derive(Debug)]
struct Entry {
    info: Arc<PodInfo>,
    place: Place,
    attempts: u32,
    last_attempt: Option<Instant>,
    seq: u64,
    /// Which kinds of checks failed last (`filters::kind`).
    failed: u32,
}

impl Entry {
    fn backoff_until(&self) -> Option<Instant> {
        let last = self.last_attempt?;
        let exp = self.attempts.saturating_sub(1).min(10);
        let d = INITIAL_BACKOFF.saturating_mul(1 << exp).min(MAX_BACKOFF);
        Some(last + d)
    }
}

#[derive(Debug, PartialEq, Eq)]
struct ActiveKey {
    priority: i32,
    created_ms: i64,
    seq: u64,
    key: String,
}

impl Ord for ActiveKey {
    fn cmp(&self, o: &Self) -> Ordering {
        self.priority
            .cmp(&o.priority)
            .then(o.created_ms.cmp(&self.created_ms))
            .then(o.seq.cmp(&self.seq))
    }
}

impl PartialOrd for ActiveKey {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[derive(Default)]
pub struct Queue {
    entries: HashMap<String, Entry>,
    active: BinaryHeap<ActiveKey>,
    backoff: BinaryHeap<Reverse<(Instant, u64, String)>>,
    /// Keys of the pods in `Place::Unschedulable`.
    unschedulable: HashSet<String>,
    seq: u64,
}

impl Queue {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn keys(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    pub fn place(&self, key: &str) -> Option<Place> {
        self.entries.get(key).map(|e| e.place)
    }

    pub fn get(&self, key: &str) -> Option<&Arc<PodInfo>> {
        self.entries.get(key).map(|e| &e.info)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn push_active(&mut self, key: &str) {
        let seq = self.next_seq();
        let Some(e) = self.entries.get_mut(key) else {
            return;
        };
        e.place = Place::Active;
        e.seq = seq;
        self.unschedulable.remove(key);
        self.active.push(ActiveKey {
            priority: e.info.priority,
            created_ms: e.info.created_ms,
            seq,
            key: key.to_string(),
        });
    }

    fn push_backoff(&mut self, key: &str, until: Instant) {
        let seq = self.next_seq();
        let Some(e) = self.entries.get_mut(key) else {
            return;
        };
        e.place = Place::Backoff;
        e.seq = seq;
        self.unschedulable.remove(key);
        self.backoff.push(Reverse((until, seq, key.to_string())));
    }

    /// Back to the active heap, or to back-off if the pod failed too recently.
    fn activate(&mut self, key: &str, now: Instant) {
        let Some(e) = self.entries.get(key) else {
            return;
        };
        if e.info.gated {
            self.entries.get_mut(key).unwrap().place = Place::Gated;
            self.unschedulable.remove(key);
            return;
        }
        match e.backoff_until() {
            Some(until) if until > now => self.push_backoff(key, until),
            _ => self.push_active(key),
        }
    }

    /// A pending pod was added or changed.
    pub fn add(&mut self, info: Arc<PodInfo>, now: Instant) {
        let key = info.key.clone();
        let Some(e) = self.entries.get_mut(&key) else {
            self.entries.insert(
                key.clone(),
                Entry {
                    info,
                    place: Place::Active,
                    attempts: 0,
                    last_attempt: None,
                    seq: 0,
                    failed: 0,
                },
            );
            self.activate(&key, now);
            return;
        };
        let changed = e.info.scheduling_changed(&info);
        let reorder = e.info.priority != info.priority || e.info.created_ms != info.created_ms;
        e.info = info;
        match e.place {
            Place::Active if reorder => self.push_active(&key),
            Place::Unschedulable | Place::Gated if changed => self.activate(&key, now),
            _ => {}
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Arc<PodInfo>> {
        self.unschedulable.remove(key);
        self.entries.remove(key).map(|e| e.info)
    }

    /// The next pod to schedule; it stays known (in flight) until `done`, `unschedulable` or
    /// `retry`.
    pub fn pop(&mut self) -> Option<Arc<PodInfo>> {
        while let Some(top) = self.active.pop() {
            let Some(e) = self.entries.get_mut(&top.key) else {
                continue;
            };
            if e.place != Place::Active || e.seq != top.seq {
                continue;
            }
            e.place = Place::InFlight;
            e.attempts += 1;
            return Some(e.info.clone());
        }
        None
    }

    /// The pod was placed (assumed on a node): it leaves the queue.
    pub fn done(&mut self, key: &str) {
        self.remove(key);
    }

    /// The pod fits nowhere; `failed` says which kinds of checks failed.
    pub fn unschedulable(&mut self, key: &str, failed: u32, now: Instant) {
        if let Some(e) = self.entries.get_mut(key) {
            e.place = Place::Unschedulable;
            e.failed = failed;
            e.last_attempt = Some(now);
            self.unschedulable.insert(key.to_string());
        }
    }

    /// Retries after back-off (a failed binding, a transient error).
    pub fn retry(&mut self, key: &str, now: Instant) {
        if let Some(e) = self.entries.get_mut(key) {
            e.last_attempt = Some(now);
            let until = e.backoff_until().unwrap_or(now);
            self.push_backoff(key, until);
        }
    }

    /// Puts back a pod that had left the queue (its binding failed).
    pub fn requeue(&mut self, info: Arc<PodInfo>, attempts: u32, now: Instant) {
        let key = info.key.clone();
        self.entries.insert(
            key.clone(),
            Entry {
                info,
                place: Place::Backoff,
                attempts: attempts.max(1),
                last_attempt: Some(now),
                seq: 0,
                failed: 0,
            },
        );
        self.activate(&key, now);
    }

    /// A cluster change that could help pods whose failures intersect `mask`.
    pub fn move_unschedulable(&mut self, mask: u32, now: Instant) -> usize {
        let keys: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|k| {
                self.entries
                    .get(*k)
                    .is_some_and(|e| e.failed & mask != 0 || e.failed == 0)
            })
            .cloned()
            .collect();
        for k in &keys {
            self.activate(k, now);
        }
        keys.len()
    }

    /// Moves pods whose back-off ended to the active heap.
    pub fn flush(&mut self, now: Instant) {
        while let Some(Reverse((until, seq, key))) = self.backoff.peek().cloned() {
            if until > now {
                break;
            }
            self.backoff.pop();
            let current = self
                .entries
                .get(&key)
                .is_some_and(|e| e.place == Place::Backoff && e.seq == seq);
            if current {
                self.push_active(&key);
            }
        }
    }

    /// Puts pods unschedulable for `MAX_UNSCHEDULABLE` back into play.
    pub fn flush_stale(&mut self, now: Instant) {
        let stale: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|k| {
                self.entries.get(*k).is_some_and(|e| {
                    e.last_attempt
                        .is_none_or(|t| now.duration_since(t) >= MAX_UNSCHEDULABLE)
                })
            })
            .cloned()
            .collect();
        for k in stale {
            self.push_active(&k);
        }
    }

    pub fn unschedulable_count(&self) -> usize {
        self.unschedulable.len()
    }

    pub fn has_active(&self) -> bool {
        !self.active.is_empty()
    }

    /// When the next back-off ends.
    pub fn next_backoff(&self) -> Option<Instant> {
        self.backoff.peek().map(|Reverse((t, _, _))| *t)
    }

    pub fn attempts(&self, key: &str) -> u32 {
        self.entries.get(key).map_or(0, |e| e.attempts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::filters::kind;
    use crate::scheduler::model::testing::pod;

    fn info(name: &str, priority: i32, created_ms: i64) -> Arc<PodInfo> {
        let mut p = pod(name, "", "");
        p.priority = priority;
        p.created_ms = created_ms;
        Arc::new(p)
    }

    fn drain(q: &mut Queue) -> Vec<String> {
        std::iter::from_fn(|| q.pop().map(|p| p.name.clone())).collect()
    }

    #[test]
    fn orders_by_priority_then_age() {
        let now = Instant::now();
        let mut q = Queue::default();
        q.add(info("low-old", 0, 1), now);
        q.add(info("high", 10, 5), now);
        q.add(info("low-new", 0, 9), now);
        q.add(info("mid", 5, 7), now);
        assert_eq!(drain(&mut q), vec!["high", "mid", "low-old", "low-new"]);
    }

    #[test]
    fn unschedulable_pods_wait_for_a_relevant_change_and_back_off() {
        let t0 = Instant::now();
        let mut q = Queue::default();
        q.add(info("a", 0, 1), t0);
        q.add(info("b", 0, 2), t0);
        assert_eq!(q.pop().unwrap().name, "a");
        q.unschedulable("default/a", kind::RESOURCES, t0);
        assert_eq!(q.pop().unwrap().name, "b");
        q.unschedulable("default/b", kind::POD_AFFINITY, t0);
        assert!(q.pop().is_none());
        // A pod being added helps affinity, not resources; b is still backing off (1 s).
        assert_eq!(q.move_unschedulable(kind::POD_AFFINITY, t0), 1);
        assert_eq!(q.place("default/b"), Some(Place::Backoff));
        assert_eq!(q.place("default/a"), Some(Place::Unschedulable));
        q.flush(t0 + Duration::from_millis(500));
        assert!(q.pop().is_none());
        q.flush(t0 + Duration::from_secs(1));
        assert_eq!(q.pop().unwrap().name, "b");
        // After the long wait, everything is retried.
        assert_eq!(q.unschedulable_count(), 1);
        q.flush_stale(t0 + MAX_UNSCHEDULABLE);
        assert_eq!(q.pop().unwrap().name, "a");
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let t0 = Instant::now();
        let mut q = Queue::default();
        q.add(info("a", 0, 1), t0);
        let mut waits = Vec::new();
        let mut now = t0;
        for _ in 0..6 {
            q.pop().unwrap();
            q.retry("default/a", now);
            let until = q.next_backoff().unwrap();
            waits.push((until - now).as_secs());
            now = until;
            q.flush(now);
        }
        assert_eq!(waits, vec![1, 2, 4, 8, 10, 10]);
    }

    #[test]
    fn updates_and_gates() {
        let t0 = Instant::now();
        let mut q = Queue::default();
        let mut gated = (*info("g", 0, 1)).clone();
        gated.gated = true;
        q.add(Arc::new(gated.clone()), t0);
        assert!(q.pop().is_none());
        assert_eq!(q.place("default/g"), Some(Place::Gated));
        gated.gated = false;
        q.add(Arc::new(gated), t0);
        assert_eq!(q.pop().unwrap().name, "g");
        // An unschedulable pod whose spec changed is retried; a status-only change is not.
        q.unschedulable("default/g", kind::NODE, t0);
        let mut same = (*q.get("default/g").unwrap().clone()).clone();
        same.scheduled_condition = Some(("False".into(), "Unschedulable".into(), "x".into()));
        q.add(Arc::new(same.clone()), t0);
        assert_eq!(q.place("default/g"), Some(Place::Unschedulable));
        same.tolerations.push(Default::default());
        q.add(Arc::new(same), t0 + Duration::from_secs(5));
        assert_eq!(q.place("default/g"), Some(Place::Active));
        q.remove("default/g");
        assert!(q.pop().is_none() && q.is_empty());
    }
}

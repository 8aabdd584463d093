//! A deduplicating work queue with per-key retry back-off, as client-go's rate-limited queue:
//! a key is never handed to two workers at once, and a key added while it is being processed
//! is processed again afterwards.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

const BASE_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Inner {
    queue: VecDeque<String>,
    queued: HashSet<String>,
    active: HashSet<String>,
    dirty: HashSet<String>,
    failures: HashMap<String, u32>,
}

#[derive(Default)]
pub struct WorkQueue {
    inner: Mutex<Inner>,
    notify: Notify,
}

impl WorkQueue {
    pub fn add(&self, key: String) {
        let mut q = self.inner.lock().expect("queue lock");
        if q.queued.contains(&key) {
            return;
        }
        if q.active.contains(&key) {
            q.dirty.insert(key);
            return;
        }
        q.queued.insert(key.clone());
        q.queue.push_back(key);
        drop(q);
        self.notify.notify_one();
    }

    pub fn add_all(&self, keys: impl IntoIterator<Item = String>) {
        for k in keys {
            self.add(k);
        }
    }

    /// Waits for the next key and marks it active until `done`.
    pub async fn next(&self) -> String {
        loop {
            let notified = self.notify.notified();
            {
                let mut q = self.inner.lock().expect("queue lock");
                if let Some(k) = q.queue.pop_front() {
                    q.queued.remove(&k);
                    q.active.insert(k.clone());
                    let more = !q.queue.is_empty();
                    drop(q);
                    if more {
                        // Let another idle worker pick up the rest.
                        self.notify.notify_one();
                    }
                    return k;
                }
            }
            notified.await;
        }
    }

    /// Finishes a key: `ok` resets its back-off, otherwise it is retried after a growing delay.
    pub fn done(self: &Arc<Self>, key: &str, ok: bool) {
        let mut q = self.inner.lock().expect("queue lock");
        q.active.remove(key);
        let again = q.dirty.remove(key);
        let delay = if ok {
            q.failures.remove(key);
            None
        } else {
            let n = q.failures.entry(key.to_string()).or_insert(0);
            *n = n.saturating_add(1);
            Some(retry_delay(*n))
        };
        drop(q);
        if again {
            self.add(key.to_string());
        } else if let Some(d) = delay {
            self.add_after(key.to_string(), d);
        }
    }

    pub fn add_after(self: &Arc<Self>, key: String, delay: Duration) {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            me.add(key);
        });
    }
}

/// 50ms, 100ms, 200ms … up to 10s.
pub fn retry_delay(failures: u32) -> Duration {
    let shift = failures.saturating_sub(1).min(20);
    BASE_DELAY.saturating_mul(1 << shift).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_cap() {
        assert_eq!(retry_delay(1), Duration::from_millis(50));
        assert_eq!(retry_delay(3), Duration::from_millis(200));
        assert_eq!(retry_delay(40), MAX_DELAY);
    }

    #[tokio::test]
    async fn keys_are_deduplicated_and_requeued_when_dirty() {
        let q = Arc::new(WorkQueue::default());
        q.add("a".into());
        q.add("a".into());
        q.add("b".into());
        assert_eq!(q.next().await, "a");
        // Added while active: handed out again only after done.
        q.add("a".into());
        assert_eq!(q.next().await, "b");
        q.done("b", true);
        q.done("a", true);
        assert_eq!(q.next().await, "a");
        q.done("a", true);
        assert!(q.inner.lock().unwrap().queue.is_empty());
    }
}

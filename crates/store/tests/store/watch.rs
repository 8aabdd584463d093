use std::time::Duration;

use bytes::Bytes;
use store::{Event, EventKind, Store, StoreError, Watch};
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::timeout;

on_both_backends!(store::StoreOptions::default();
    replays_history_after_the_given_revision,
    watching_from_the_current_revision_sees_only_new_events,
    filters_by_prefix,
    carries_previous_values,
    delete_events_carry_the_delete_revision,
    replay_and_live_events_join_without_gaps,
);

mod small_history {
    on_both_backends!(store::StoreOptions { history_limit: 5, watch_buffer: 1024 };
        too_old_revisions_are_compacted,
    );
    use super::too_old_revisions_are_compacted;
}

mod small_buffer {
    on_both_backends!(store::StoreOptions { history_limit: 10_000, watch_buffer: 4 };
        a_slow_watcher_is_dropped_without_blocking_writers,
    );
    use super::a_slow_watcher_is_dropped_without_blocking_writers;
}

fn value(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

async fn next(watch: &mut Watch) -> Event {
    timeout(Duration::from_secs(5), watch.events.recv())
        .await
        .expect("no event within 5s")
        .expect("watch closed")
}

fn assert_idle(watch: &mut Watch) {
    assert_eq!(watch.events.try_recv().unwrap_err(), TryRecvError::Empty);
}

async fn replays_history_after_the_given_revision(store: &dyn Store) {
    store.create("/a", value("1")).await.unwrap();
    store.create("/b", value("2")).await.unwrap();
    store.update("/a", value("3"), 1).await.unwrap();

    let mut watch = store.watch("", 1).unwrap();
    let replayed = [next(&mut watch).await, next(&mut watch).await];
    assert_eq!(
        replayed.map(|e| (e.kv.key, e.kv.mod_revision)),
        [("/b".to_owned(), 2), ("/a".to_owned(), 3)]
    );
    assert_idle(&mut watch);

    store.create("/c", value("4")).await.unwrap();
    let live = next(&mut watch).await;
    assert_eq!((live.kind, live.kv.key.as_str()), (EventKind::Put, "/c"));
    assert_eq!(live.kv.mod_revision, 4);

    let mut from_start = store.watch("", 0).unwrap();
    for revision in 1..=4 {
        assert_eq!(next(&mut from_start).await.kv.mod_revision, revision);
    }
}

async fn watching_from_the_current_revision_sees_only_new_events(store: &dyn Store) {
    store.create("/old", value("1")).await.unwrap();
    let mut watch = store.watch("", store.current_revision()).unwrap();
    assert_idle(&mut watch);
    store.create("/new", value("2")).await.unwrap();
    assert_eq!(next(&mut watch).await.kv.key, "/new");
    assert_idle(&mut watch);
}

async fn filters_by_prefix(store: &dyn Store) {
    let mut pods = store.watch("/pods/", 0).unwrap();
    for key in ["/pods/a", "/nodes/a", "/pods", "/pods/b", "/podsx"] {
        store.create(key, value(key)).await.unwrap();
    }
    store.delete("/nodes/a", None).await.unwrap();
    store.delete("/pods/a", None).await.unwrap();
    let seen: Vec<_> = [
        next(&mut pods).await,
        next(&mut pods).await,
        next(&mut pods).await,
    ]
    .into_iter()
    .map(|e| (e.kind, e.kv.key))
    .collect();
    assert_eq!(
        seen,
        [
            (EventKind::Put, "/pods/a".to_owned()),
            (EventKind::Put, "/pods/b".to_owned()),
            (EventKind::Delete, "/pods/a".to_owned()),
        ]
    );
    assert_idle(&mut pods);
}

async fn carries_previous_values(store: &dyn Store) {
    let mut watch = store.watch("", 0).unwrap();
    let created = store.create("/k", value("v1")).await.unwrap();
    let updated = store.update("/k", value("v2"), 1).await.unwrap();

    let create = next(&mut watch).await;
    assert_eq!(create.kv, created);
    assert_eq!(create.prev, None);
    let update = next(&mut watch).await;
    assert_eq!(update.kind, EventKind::Put);
    assert_eq!(update.kv, updated);
    assert_eq!(update.prev, Some(created));
}

async fn delete_events_carry_the_delete_revision(store: &dyn Store) {
    store.create("/k", value("v1")).await.unwrap();
    let updated = store.update("/k", value("v2"), 1).await.unwrap();
    store.create("/other", value("x")).await.unwrap();
    let mut watch = store.watch("/k", store.current_revision()).unwrap();
    let deleted = store.delete("/k", None).await.unwrap();

    let event = next(&mut watch).await;
    assert_eq!(event.kind, EventKind::Delete);
    assert_eq!(event.kv, deleted);
    assert_eq!(event.kv.mod_revision, 4);
    assert_eq!(event.kv.create_revision, 1);
    assert_eq!(event.kv.value, value("v2"));
    assert_eq!(event.prev, Some(updated));
}

async fn replay_and_live_events_join_without_gaps(store: &dyn Store) {
    const WRITES: i64 = 300;
    let writes = async {
        for i in 0..WRITES {
            store.create(&format!("/k/{i}"), value("x")).await.unwrap();
        }
    };
    let watches = async {
        let mut started = Vec::new();
        while store.current_revision() < WRITES && started.len() < 50 {
            let after = store.current_revision();
            started.push((after, store.watch("/k/", after).unwrap()));
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        started
    };
    let ((), started) = tokio::join!(writes, watches);
    assert!(!started.is_empty());
    for (after, mut watch) in started {
        for revision in after + 1..=WRITES {
            assert_eq!(next(&mut watch).await.kv.mod_revision, revision);
        }
        assert_idle(&mut watch);
    }
}

pub async fn too_old_revisions_are_compacted(store: &dyn Store) {
    for i in 0..10 {
        store.create(&format!("/k/{i}"), value("x")).await.unwrap();
    }
    assert_eq!(store.oldest_watchable_revision(), 5);
    assert_eq!(
        store.watch("", 4).unwrap_err(),
        StoreError::Compacted {
            requested: 4,
            oldest: 5
        }
    );
    let mut watch = store.watch("", 5).unwrap();
    for revision in 6..=10 {
        assert_eq!(next(&mut watch).await.kv.mod_revision, revision);
    }
    assert_idle(&mut watch);
}

pub async fn a_slow_watcher_is_dropped_without_blocking_writers(store: &dyn Store) {
    let mut slow = store.watch("/k/", 0).unwrap();
    let mut quiet = store.watch("/elsewhere/", 0).unwrap();
    let writes = async {
        for i in 0..20 {
            store.create(&format!("/k/{i}"), value("x")).await.unwrap();
        }
    };
    timeout(Duration::from_secs(10), writes)
        .await
        .expect("writers were blocked by a slow watcher");
    for revision in 1..=4 {
        assert_eq!(next(&mut slow).await.kv.mod_revision, revision);
    }
    assert_eq!(slow.events.recv().await, None, "the slow watcher was kept");
    assert_idle(&mut quiet);

    // A new watch from the last seen revision catches up from history.
    let mut resumed = store.watch("/k/", 4).unwrap();
    assert_eq!(next(&mut resumed).await.kv.mod_revision, 5);
}

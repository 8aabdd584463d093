//! The in-memory store against a straightforward model of the same semantics.

use std::collections::BTreeMap;

use bytes::Bytes;
use proptest::prelude::*;
use store::{Event, EventKind, KeyValue, MemoryStore, Result, Store, StoreError};

#[derive(Clone, Debug)]
enum Action {
    Create(u8, u8),
    /// `None` expects the key's current mod revision; `Some` an arbitrary one.
    Update(u8, u8, Option<i64>),
    /// The outer `None` deletes unconditionally.
    Delete(u8, Option<Option<i64>>),
}

fn action() -> impl Strategy<Value = Action> {
    let key = 0u8..6;
    let expected = prop_oneof![Just(None), (0i64..40).prop_map(Some)];
    prop_oneof![
        (key.clone(), any::<u8>()).prop_map(|(k, v)| Action::Create(k, v)),
        (key.clone(), any::<u8>(), expected.clone()).prop_map(|(k, v, e)| Action::Update(k, v, e)),
        (key, proptest::option::of(expected)).prop_map(|(k, e)| Action::Delete(k, e)),
    ]
}

#[derive(Default)]
struct Model {
    kvs: BTreeMap<String, KeyValue>,
    revision: i64,
    events: Vec<Event>,
}

impl Model {
    fn current(&self, key: &str) -> Option<i64> {
        self.kvs.get(key).map(|kv| kv.mod_revision)
    }

    fn check(&self, key: &str, expected: i64) -> Result<&KeyValue> {
        let kv = self
            .kvs
            .get(key)
            .ok_or_else(|| StoreError::NotFound(key.into()))?;
        if kv.mod_revision != expected {
            return Err(StoreError::Conflict {
                key: key.into(),
                expected,
                current: kv.mod_revision,
            });
        }
        Ok(kv)
    }

    fn record(&mut self, kind: EventKind, kv: KeyValue) -> KeyValue {
        self.revision += 1;
        let prev = match kind {
            EventKind::Put => self.kvs.insert(kv.key.clone(), kv.clone()),
            EventKind::Delete => self.kvs.remove(&kv.key),
        };
        self.events.push(Event {
            kind,
            kv: kv.clone(),
            prev,
        });
        kv
    }

    fn create(&mut self, key: &str, value: Bytes) -> Result<KeyValue> {
        if self.kvs.contains_key(key) {
            return Err(StoreError::AlreadyExists(key.into()));
        }
        let revision = self.revision + 1;
        Ok(self.record(
            EventKind::Put,
            KeyValue {
                key: key.into(),
                value,
                create_revision: revision,
                mod_revision: revision,
            },
        ))
    }

    fn update(&mut self, key: &str, value: Bytes, expected: i64) -> Result<KeyValue> {
        let create_revision = self.check(key, expected)?.create_revision;
        let kv = KeyValue {
            key: key.into(),
            value,
            create_revision,
            mod_revision: self.revision + 1,
        };
        Ok(self.record(EventKind::Put, kv))
    }

    fn delete(&mut self, key: &str, expected: Option<i64>) -> Result<KeyValue> {
        let kv = match expected {
            Some(expected) => self.check(key, expected)?,
            None => self
                .kvs
                .get(key)
                .ok_or_else(|| StoreError::NotFound(key.into()))?,
        };
        let kv = KeyValue {
            mod_revision: self.revision + 1,
            ..kv.clone()
        };
        Ok(self.record(EventKind::Delete, kv))
    }
}

async fn compare(actions: Vec<Action>) -> std::result::Result<(), TestCaseError> {
    let store = MemoryStore::new();
    let mut model = Model::default();
    for action in actions {
        let (got, want) = match action {
            Action::Create(k, v) => {
                let (key, value) = (format!("/k/{k}"), Bytes::from(vec![v]));
                let got = store.create(&key, value.clone()).await;
                (got, model.create(&key, value))
            }
            Action::Update(k, v, expected) => {
                let (key, value) = (format!("/k/{k}"), Bytes::from(vec![v]));
                let expected = expected.unwrap_or_else(|| model.current(&key).unwrap_or(0));
                let got = store.update(&key, value.clone(), expected).await;
                (got, model.update(&key, value, expected))
            }
            Action::Delete(k, expected) => {
                let key = format!("/k/{k}");
                let expected =
                    expected.map(|e| e.unwrap_or_else(|| model.current(&key).unwrap_or(0)));
                let got = store.delete(&key, expected).await;
                (got, model.delete(&key, expected))
            }
        };
        prop_assert_eq!(got, want);
        prop_assert_eq!(store.current_revision(), model.revision);
    }

    let listed = store.list("", Default::default()).await.unwrap();
    let expected: Vec<KeyValue> = model.kvs.values().cloned().collect();
    prop_assert_eq!(listed.kvs, expected);
    prop_assert_eq!(listed.revision, model.revision);

    let mut watch = store.watch("", 0).unwrap();
    for want in &model.events {
        let got = watch.events.recv().await;
        prop_assert_eq!(got.as_ref(), Some(want));
    }
    prop_assert!(watch.events.try_recv().is_err());
    Ok(())
}

proptest! {
    #[test]
    fn memory_store_matches_the_model(actions in proptest::collection::vec(action(), 1..60)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(compare(actions))?;
    }
}

use bytes::Bytes;
use store::{ListOptions, Store, StoreError};

on_both_backends!(store::StoreOptions::default();
    create_then_get,
    create_of_an_existing_key_fails_without_a_revision,
    update_compares_the_mod_revision,
    delete_compares_and_reports_the_delete_revision,
    revisions_increase_by_one_per_write,
    list_filters_by_prefix,
    list_paginates,
);

fn value(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

async fn create_then_get(store: &dyn Store) {
    assert_eq!(store.current_revision(), 0);
    assert_eq!(store.get("/a").await.unwrap(), None);
    let created = store.create("/a", value("one")).await.unwrap();
    assert_eq!(created.key, "/a");
    assert_eq!(created.value, value("one"));
    assert_eq!((created.create_revision, created.mod_revision), (1, 1));
    assert_eq!(store.current_revision(), 1);
    assert_eq!(store.get("/a").await.unwrap(), Some(created));
    assert_eq!(store.get("/a/b").await.unwrap(), None);
}

async fn create_of_an_existing_key_fails_without_a_revision(store: &dyn Store) {
    let first = store.create("/k", value("1")).await.unwrap();
    let error = store.create("/k", value("2")).await.unwrap_err();
    assert_eq!(error, StoreError::AlreadyExists("/k".into()));
    assert_eq!(store.current_revision(), 1);
    assert_eq!(store.get("/k").await.unwrap(), Some(first));
    let next = store.create("/other", value("3")).await.unwrap();
    assert_eq!(next.mod_revision, 2);
}

async fn update_compares_the_mod_revision(store: &dyn Store) {
    let created = store.create("/k", value("1")).await.unwrap();
    store.create("/unrelated", value("x")).await.unwrap();
    let updated = store
        .update("/k", value("2"), created.mod_revision)
        .await
        .unwrap();
    assert_eq!(updated.create_revision, created.create_revision);
    assert_eq!(updated.mod_revision, 3);
    assert_eq!(updated.value, value("2"));

    let stale = store.update("/k", value("3"), created.mod_revision).await;
    assert_eq!(
        stale,
        Err(StoreError::Conflict {
            key: "/k".into(),
            expected: 1,
            current: 3
        })
    );
    let missing = store.update("/missing", value("3"), 3).await;
    assert_eq!(missing, Err(StoreError::NotFound("/missing".into())));
    assert_eq!(store.current_revision(), 3);
    assert_eq!(store.get("/k").await.unwrap(), Some(updated.clone()));

    let again = store.update("/k", value("4"), 3).await.unwrap();
    assert_eq!((again.create_revision, again.mod_revision), (1, 4));
}

async fn delete_compares_and_reports_the_delete_revision(store: &dyn Store) {
    let created = store.create("/k", value("last")).await.unwrap();
    let conflict = store.delete("/k", Some(created.mod_revision + 7)).await;
    assert_eq!(
        conflict,
        Err(StoreError::Conflict {
            key: "/k".into(),
            expected: 8,
            current: 1
        })
    );
    assert!(store.get("/k").await.unwrap().is_some());

    let deleted = store
        .delete("/k", Some(created.mod_revision))
        .await
        .unwrap();
    assert_eq!(deleted.value, value("last"));
    assert_eq!(deleted.create_revision, 1);
    assert_eq!(deleted.mod_revision, 2);
    assert_eq!(store.current_revision(), 2);
    assert_eq!(store.get("/k").await.unwrap(), None);
    assert_eq!(
        store.delete("/k", None).await,
        Err(StoreError::NotFound("/k".into()))
    );

    let recreated = store.create("/k", value("new")).await.unwrap();
    assert_eq!((recreated.create_revision, recreated.mod_revision), (3, 3));
    let unconditional = store.delete("/k", None).await.unwrap();
    assert_eq!(unconditional.mod_revision, 4);
}

async fn revisions_increase_by_one_per_write(store: &dyn Store) {
    let mut last = store.current_revision();
    for i in 0..20 {
        let key = format!("/r/{}", i % 4);
        let revision = match store.get(&key).await.unwrap() {
            None => store.create(&key, value("c")).await.unwrap().mod_revision,
            Some(_) if i % 3 == 0 => store.delete(&key, None).await.unwrap().mod_revision,
            Some(kv) => {
                store
                    .update(&key, value("u"), kv.mod_revision)
                    .await
                    .unwrap()
                    .mod_revision
            }
        };
        assert_eq!(revision, last + 1);
        assert_eq!(store.current_revision(), revision);
        last = revision;
    }
}

async fn seed(store: &dyn Store, keys: &[&str]) {
    for key in keys {
        store.create(key, value(key)).await.unwrap();
    }
}

fn keys(kvs: &[store::KeyValue]) -> Vec<&str> {
    kvs.iter().map(|kv| kv.key.as_str()).collect()
}

async fn list_filters_by_prefix(store: &dyn Store) {
    seed(store, &["/b/1", "/a/2", "/a", "/a/1", "/ab", "/a/3/x"]).await;
    let all = ListOptions::default();
    let under_a = store.list("/a/", all.clone()).await.unwrap();
    assert_eq!(keys(&under_a.kvs), ["/a/1", "/a/2", "/a/3/x"]);
    assert_eq!(under_a.revision, store.current_revision());
    assert!(!under_a.more);
    assert_eq!(under_a.kvs[0].value, value("/a/1"));

    let everything = store.list("", all.clone()).await.unwrap();
    assert_eq!(
        keys(&everything.kvs),
        ["/a", "/a/1", "/a/2", "/a/3/x", "/ab", "/b/1"]
    );
    assert!(store.list("/c/", all).await.unwrap().kvs.is_empty());
}

async fn list_paginates(store: &dyn Store) {
    seed(store, &["/p/1", "/p/2", "/p/3", "/p/4", "/p/5", "/q/1"]).await;
    let page = |start_after: Option<&str>, limit| ListOptions {
        start_after: start_after.map(str::to_owned),
        limit,
    };
    let first = store.list("/p/", page(None, 2)).await.unwrap();
    assert_eq!(keys(&first.kvs), ["/p/1", "/p/2"]);
    assert!(first.more);
    let second = store.list("/p/", page(Some("/p/2"), 2)).await.unwrap();
    assert_eq!(keys(&second.kvs), ["/p/3", "/p/4"]);
    assert!(second.more);
    let last = store.list("/p/", page(Some("/p/4"), 2)).await.unwrap();
    assert_eq!(keys(&last.kvs), ["/p/5"]);
    assert!(!last.more);

    let exact_fit = store.list("/p/", page(Some("/p/3"), 2)).await.unwrap();
    assert_eq!(keys(&exact_fit.kvs), ["/p/4", "/p/5"]);
    assert!(!exact_fit.more, "/q/1 is not under the prefix");

    let before_prefix = store.list("/p/", page(Some("/a"), 1)).await.unwrap();
    assert_eq!(keys(&before_prefix.kvs), ["/p/1"]);
    let between = store.list("/p/", page(Some("/p/25"), 0)).await.unwrap();
    assert_eq!(keys(&between.kvs), ["/p/3", "/p/4", "/p/5"]);
    let past_end = store.list("/p/", page(Some("/p/9"), 0)).await.unwrap();
    assert!(past_end.kvs.is_empty() && !past_end.more);
}

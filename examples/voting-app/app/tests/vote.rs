//! `vote` against a real redis-server.

mod common;

use std::time::Duration;

use common::{http, metric, raw_exchange, redis_env, Redis, Service};

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn start_vote(redis_port: u16) -> Service {
    let mut env = redis_env(redis_port);
    env.push(("OPTION_A", "Tea".into()));
    env.push(("OPTION_B", "<Coffee>".into()));
    env.push(("HOSTNAME", "vote-test".into()));
    Service::start("vote", env!("CARGO_BIN_EXE_vote"), &env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_are_queued_in_redis_with_the_voters_cookie() {
    let redis = Redis::start().await;
    let mut vote = start_vote(redis.port);

    // The page: both options (escaped), a fresh hex voter id cookie.
    let page = vote.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(">Tea</button>"), "{}", page.body);
    assert!(page.body.contains("&lt;Coffee&gt;"));
    assert!(page.body.contains("vote-test"));
    let set = page.header("Set-Cookie").expect("a voter_id cookie is set");
    let id = set
        .strip_prefix("voter_id=")
        .and_then(|rest| rest.split(';').next())
        .expect("cookie value");
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");

    // A vote with that cookie is pushed as JSON carrying the same id; no new cookie.
    let cookie = format!("voter_id={id}");
    let resp = http(
        vote.addr,
        "POST",
        "/",
        &[FORM, ("Cookie", &cookie)],
        b"vote=b",
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(resp
        .body
        .contains("You voted for <strong>&lt;Coffee&gt;</strong>"));
    assert_eq!(resp.header("Set-Cookie"), None);
    let queued = redis.list("votes").await;
    assert_eq!(queued.len(), 1);
    let msg: serde_json::Value = serde_json::from_str(&queued[0]).unwrap();
    assert_eq!(msg, serde_json::json!({"voter_id": id, "vote": "b"}));

    // Without a cookie the vote still counts, under the id the response hands out.
    let resp = http(vote.addr, "POST", "/", &[FORM], b"vote=a").await;
    assert_eq!(resp.status, 200);
    let new_id = resp.header("Set-Cookie").unwrap()["voter_id=".len()..][..16].to_string();
    assert_ne!(new_id, id);
    let queued = redis.list("votes").await;
    assert_eq!(queued.len(), 2);
    let msg: serde_json::Value = serde_json::from_str(&queued[0]).unwrap();
    assert_eq!(msg, serde_json::json!({"voter_id": new_id, "vote": "a"}));

    // Bad input: 400/413, nothing queued, and the service keeps running.
    for body in [&b"vote=c"[..], b"", b"vote=a&vote=b", b"\xff\x00garbage"] {
        let resp = http(vote.addr, "POST", "/", &[FORM], body).await;
        assert_eq!(resp.status, 400, "{:?}", String::from_utf8_lossy(body));
    }
    let big = vec![b'x'; 100_000];
    assert_eq!(
        http(vote.addr, "POST", "/", &[FORM], &big).await.status,
        413
    );
    let garbage = raw_exchange(vote.addr, b"\x16\x03\x01 not http at all\r\n\r\n").await;
    assert!(
        garbage.is_empty() || garbage.starts_with("HTTP/1.1 400"),
        "{garbage:?}"
    );
    assert_eq!(http(vote.addr, "DELETE", "/", &[], b"").await.status, 405);
    assert_eq!(vote.get("/nope").await.status, 404);
    assert_eq!(redis.llen("votes").await, 2);

    assert_eq!(vote.get("/health").await.status, 200);
    assert_eq!(vote.get("/ready").await.status, 200);
    let metrics = vote.get("/metrics").await.body;
    assert_eq!(metric(&metrics, "votes_cast_total{vote=\"a\"}"), Some(1.0));
    assert_eq!(metric(&metrics, "votes_cast_total{vote=\"b\"}"), Some(1.0));
    assert_eq!(metric(&metrics, "votes_push_errors_total"), Some(0.0));

    vote.assert_clean_exit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_is_survived_and_reconnected() {
    let mut redis = Redis::start().await;
    let mut vote = start_vote(redis.port);
    assert_eq!(vote.get("/ready").await.status, 200);

    redis.stop();
    assert_eq!(vote.get("/ready").await.status, 503);
    assert_eq!(vote.get("/health").await.status, 200);
    // Fire and forget: the voter still gets their page.
    let resp = http(
        vote.addr,
        "POST",
        "/",
        &[FORM, ("Cookie", "voter_id=aa")],
        b"vote=a",
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(resp.body.contains("You voted for"));
    let metrics = vote.get("/metrics").await.body;
    assert_eq!(metric(&metrics, "votes_push_errors_total"), Some(1.0));
    assert!(vote
        .log()
        .iter()
        .any(|l| l.contains("could not queue vote")));

    redis.restart().await;
    let addr = vote.addr;
    common::eventually(
        Duration::from_secs(10),
        "vote to reach redis again",
        || async move { (http(addr, "GET", "/ready", &[], b"").await.status == 200).then_some(()) },
    )
    .await;
    let resp = http(
        vote.addr,
        "POST",
        "/",
        &[FORM, ("Cookie", "voter_id=bb")],
        b"vote=b",
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(
        redis.list("votes").await,
        vec![r#"{"voter_id":"bb","vote":"b"}"#.to_string()]
    );

    vote.assert_clean_exit();
}

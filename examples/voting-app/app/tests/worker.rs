//! `worker` against real redis-server and PostgreSQL 15.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{metric, pg_env, redis_env, Postgres, Redis, Service};

fn start_worker(redis_port: u16, pg_port: u16) -> Service {
    let mut env = redis_env(redis_port);
    env.extend(pg_env(pg_port));
    Service::start("worker", env!("CARGO_BIN_EXE_worker"), &env)
}

fn message(voter: &str, vote: &str) -> String {
    format!(r#"{{"voter_id":"{voter}","vote":"{vote}"}}"#)
}

/// Waits until Postgres holds exactly `want`.
async fn wait_for_votes(pg: &Postgres, want: &BTreeMap<String, String>, what: &str) {
    let want: Vec<(String, String)> = want.clone().into_iter().collect();
    let mut last = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        last = pg.votes().await;
        if last == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: postgres holds {last:?}, want {want:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_votes_keeping_each_voters_last_and_drops_invalid_ones() {
    let redis = Redis::start().await;
    let mut pg = Postgres::init();
    pg.start().await;

    // 100 votes from 20 voters, queued before the worker starts, with junk mixed in.
    let mut last = BTreeMap::new();
    let mut first = BTreeMap::new();
    for k in 0..100 {
        let voter = format!("voter{:02}", k % 20);
        let vote = if (k * 37 + 11) % 101 % 2 == 0 {
            "a"
        } else {
            "b"
        };
        redis.lpush("votes", &message(&voter, vote)).await;
        first.entry(voter.clone()).or_insert(vote.to_string());
        last.insert(voter, vote.to_string());
        if k % 40 == 13 {
            redis.lpush("votes", "not json").await;
            redis.lpush("votes", &message("", "a")).await;
        }
    }
    redis.lpush("votes", &message("voter00", "c")).await;
    assert_eq!(redis.llen("votes").await, 107);
    // The data must be able to tell "last vote" from "first vote".
    assert!(first.iter().any(|(k, v)| last[k] != *v));

    let mut worker = start_worker(redis.port, pg.port);
    wait_for_votes(&pg, &last, "all votes moved").await;
    assert_eq!(redis.llen("votes").await, 0);

    let addr = worker.addr;
    let metrics = common::eventually(Duration::from_secs(5), "metrics to settle", || async move {
        let m = common::http(addr, "GET", "/metrics", &[], b"").await.body;
        (metric(&m, "worker_votes_invalid_total") == Some(7.0)).then_some(m)
    })
    .await;
    assert_eq!(
        metric(&metrics, "worker_votes_processed_total"),
        Some(100.0)
    );
    assert_eq!(worker.get("/health").await.status, 200);
    assert_eq!(worker.get("/ready").await.status, 200);
    assert!(worker
        .log()
        .iter()
        .any(|l| l.contains("dropping invalid message")));

    worker.assert_clean_exit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loses_no_vote_across_postgres_and_redis_outages() {
    let mut redis = Redis::start().await;
    let mut pg = Postgres::init(); // not running yet
    let mut want = BTreeMap::new();
    for i in 0..10 {
        let voter = format!("early{i}");
        redis.lpush("votes", &message(&voter, "a")).await;
        want.insert(voter, "a".to_string());
    }

    // Postgres is down: the worker is not ready and leaves the votes queued.
    let mut worker = start_worker(redis.port, pg.port);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(worker.get("/health").await.status, 200);
    assert_eq!(worker.get("/ready").await.status, 503);
    assert_eq!(redis.llen("votes").await, 10);

    pg.start().await;
    wait_for_votes(&pg, &want, "queued votes after postgres came up").await;
    let addr = worker.addr;
    common::eventually(Duration::from_secs(5), "worker ready", || async move {
        (common::http(addr, "GET", "/ready", &[], b"").await.status == 200).then_some(())
    })
    .await;

    // Postgres goes away while the worker waits in BRPOP: votes pushed now are popped with
    // nowhere to go, and must be held and retried.
    pg.begin_stop();
    for i in 0..5 {
        let voter = format!("during-pg-restart{i}");
        redis.lpush("votes", &message(&voter, "b")).await;
        want.insert(voter, "b".to_string());
    }
    // A changed mind during the outage: the later vote must win.
    redis.lpush("votes", &message("early0", "b")).await;
    want.insert("early0".into(), "b".into());
    pg.stop();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(worker.get("/ready").await.status, 503);
    pg.start().await;
    wait_for_votes(&pg, &want, "votes after a postgres restart").await;

    // Redis restarts (empty): the worker reconnects and carries on.
    redis.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    redis.restart().await;
    for i in 0..5 {
        let voter = format!("after-redis-restart{i}");
        redis.lpush("votes", &message(&voter, "a")).await;
        want.insert(voter, "a".to_string());
    }
    wait_for_votes(&pg, &want, "votes after a redis restart").await;

    let metrics = worker.get("/metrics").await.body;
    assert_eq!(metric(&metrics, "worker_votes_processed_total"), Some(21.0));
    assert_eq!(metric(&metrics, "worker_votes_invalid_total"), Some(0.0));
    worker.assert_clean_exit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_held_at_shutdown_goes_back_to_the_queue() {
    let redis = Redis::start().await;
    let mut pg = Postgres::init();
    pg.start().await;
    let mut worker = start_worker(redis.port, pg.port);
    let addr = worker.addr;
    common::eventually(Duration::from_secs(10), "worker ready", || async move {
        (common::http(addr, "GET", "/ready", &[], b"").await.status == 200).then_some(())
    })
    .await;

    // Postgres goes down while the worker waits in BRPOP, so it pops a vote it cannot store.
    pg.begin_stop();
    let vote = message("held", "a");
    redis.lpush("votes", &vote).await;
    pg.stop();
    let log = &worker;
    let popped = tokio::time::timeout(Duration::from_secs(3), async {
        while !log.log().iter().any(|l| l.contains("storing vote failed")) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .is_ok();

    // Either way the vote must end up in Redis: put back if it was held, never taken if not.
    worker.assert_clean_exit();
    assert_eq!(redis.list("votes").await, vec![vote]);
    if popped {
        assert!(worker
            .log()
            .iter()
            .any(|l| l.contains("returned an unstored vote")));
    }
}

//! `result` against a real PostgreSQL 15, and the whole pipeline vote → worker → result.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use common::{http, metric, pg_env, redis_env, Postgres, Redis, Service};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open_socket(addr: SocketAddr) -> Socket {
    let (socket, resp) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("websocket handshake");
    assert_eq!(resp.status(), 101);
    socket
}

/// The next text message as JSON, or `None` if none arrives within `wait`.
async fn next_json(socket: &mut Socket, wait: Duration) -> Option<serde_json::Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => {
                return Some(serde_json::from_str(text.as_str()).expect("JSON message"))
            }
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("websocket ended: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shows_the_tally_and_pushes_each_change() {
    let redis = Redis::start().await;
    let mut pg = Postgres::init();
    pg.start().await;
    let db = pg.client().await;
    db.batch_execute(voting_app::pg::CREATE_TABLE)
        .await
        .unwrap();
    db.batch_execute(
        "INSERT INTO votes (id, vote) VALUES ('v1','a'),('v2','a'),('v3','a'),('v4','b')",
    )
    .await
    .unwrap();

    let mut env = pg_env(pg.port);
    env.push(("OPTION_A", "Cats".into()));
    env.push(("OPTION_B", "Dogs".into()));
    let mut result = Service::start("result", env!("CARGO_BIN_EXE_result"), &env);
    let addr = result.addr;
    let api = common::eventually(Duration::from_secs(10), "the first tally", || async move {
        let body = http(addr, "GET", "/api/results", &[], b"").await.body;
        (body == r#"{"a":3,"b":1}"#).then_some(body)
    })
    .await;
    assert_eq!(api, r#"{"a":3,"b":1}"#);
    assert_eq!(result.get("/ready").await.status, 200);
    assert_eq!(result.get("/health").await.status, 200);
    let page = result.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Cats") && page.body.contains("Dogs"));
    assert!(page.body.contains("id=\"pct-a\">75%"), "{}", page.body);
    assert!(page.body.contains("new WebSocket("));
    assert_eq!(
        result.get("/ws").await.status,
        400,
        "plain GET is no upgrade"
    );

    // The first message is the current tally; nothing more while nothing changes.
    let mut socket = open_socket(addr).await;
    let first = next_json(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(first, Some(serde_json::json!({"a": 3, "b": 1})));
    assert_eq!(
        next_json(&mut socket, Duration::from_millis(2500)).await,
        None
    );
    let metrics = result.get("/metrics").await.body;
    assert_eq!(metric(&metrics, "result_websocket_clients"), Some(1.0));
    assert_eq!(metric(&metrics, "result_votes{vote=\"a\"}"), Some(3.0));
    assert_eq!(metric(&metrics, "result_votes{vote=\"b\"}"), Some(1.0));

    // A later vote, through the whole app: vote → redis → worker → postgres → socket.
    let mut vote = Service::start("vote", env!("CARGO_BIN_EXE_vote"), &redis_env(redis.port));
    let mut worker_env = redis_env(redis.port);
    worker_env.extend(pg_env(pg.port));
    let mut worker = Service::start("worker", env!("CARGO_BIN_EXE_worker"), &worker_env);
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let cookie = ("Cookie", "voter_id=cafe01");
    assert_eq!(
        http(vote.addr, "POST", "/", &[form, cookie], b"vote=b")
            .await
            .status,
        200
    );
    let update = next_json(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(update, Some(serde_json::json!({"a": 3, "b": 2})));
    // The same voter changes their mind: their vote moves, the total stays.
    assert_eq!(
        http(vote.addr, "POST", "/", &[form, cookie], b"vote=a")
            .await
            .status,
        200
    );
    let update = next_json(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(update, Some(serde_json::json!({"a": 4, "b": 1})));
    assert_eq!(result.get("/api/results").await.body, r#"{"a":4,"b":1}"#);

    // A new client starts from the current tally; the gauge follows disconnects.
    let mut second = open_socket(addr).await;
    let first = next_json(&mut second, Duration::from_secs(5)).await;
    assert_eq!(first, Some(serde_json::json!({"a": 4, "b": 1})));
    drop(socket);
    drop(second);
    common::eventually(
        Duration::from_secs(5),
        "clients gauge back to 0",
        || async move {
            let m = http(addr, "GET", "/metrics", &[], b"").await.body;
            (metric(&m, "result_websocket_clients") == Some(0.0)).then_some(())
        },
    )
    .await;

    vote.assert_clean_exit();
    worker.assert_clean_exit();
    result.assert_clean_exit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_postgres_it_serves_but_is_not_ready() {
    let mut result = Service::start(
        "result",
        env!("CARGO_BIN_EXE_result"),
        &pg_env(common::free_port()),
    );
    let addr = result.addr;
    let log = &result;
    common::eventually(
        Duration::from_secs(10),
        "a logged poll failure",
        || async move {
            log.log()
                .iter()
                .any(|l| l.contains("cannot read votes from postgres"))
                .then_some(())
        },
    )
    .await;
    assert_eq!(result.get("/ready").await.status, 503);
    assert_eq!(result.get("/health").await.status, 200);
    assert_eq!(result.get("/api/results").await.body, r#"{"a":0,"b":0}"#);
    let mut socket = open_socket(addr).await;
    let first = next_json(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(first, Some(serde_json::json!({"a": 0, "b": 0})));
    drop(socket);
    result.assert_clean_exit();
}

#[test]
fn refuses_to_start_without_a_postgres_password() {
    for binary in [env!("CARGO_BIN_EXE_result"), env!("CARGO_BIN_EXE_worker")] {
        let out = std::process::Command::new(binary)
            .env_clear()
            .env("LISTEN_ADDR", "127.0.0.1")
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .output()
            .expect("run binary");
        assert!(!out.status.success(), "{binary} started without a password");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("POSTGRES_PASSWORD"), "{binary}: {stderr}");
    }
}

//! `result`: the live results page. One task polls Postgres every second; when the tally
//! changes it is published on a watch channel that every WebSocket client follows, so the
//! database sees one query a second however many browsers are watching.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, UPGRADE};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::watch;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use voting_app::config::{self, PgSettings};
use voting_app::http::{self, Response, Shutdown};
use voting_app::metrics::{self, Kind};
use voting_app::tally::Tally;
use voting_app::{error_chain, pages, pg, ws};

/// How often the tally is read.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Bound on connecting plus one query, so a hung database reads as "not ready".
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// Browsers send nothing but control frames; anything large is not a browser of ours.
const MAX_CLIENT_MESSAGE: usize = 4096;

struct State {
    option_a: String,
    option_b: String,
    /// The latest tally; `send_if_modified` wakes clients only when it changes.
    tally: watch::Sender<Tally>,
    /// Whether the last poll reached Postgres.
    pg_ok: AtomicBool,
    clients: AtomicI64,
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return http::method_not_allowed();
    }
    match req.uri().path() {
        "/" => {
            let tally = *state.tally.borrow();
            http::html(pages::result_page(&state.option_a, &state.option_b, tally))
        }
        "/ws" => upgrade(state, req),
        "/api/results" => http::json(state.tally.borrow().to_json()),
        "/health" => http::text(StatusCode::OK, "ok\n"),
        "/ready" => http::readiness(state.pg_ok.load(Ordering::Relaxed)),
        "/metrics" => metrics_page(&state),
        _ => http::not_found(),
    }
}

/// Answers the WebSocket handshake and hands the upgraded connection to `follow`.
fn upgrade(state: Arc<State>, mut req: Request<Incoming>) -> Response {
    let accept = match ws::accept_key(req.method(), req.headers()) {
        Ok(accept) => accept,
        Err(why) => return http::text(StatusCode::BAD_REQUEST, format!("{why}\n")),
    };
    let Ok(accept) = HeaderValue::from_str(&accept) else {
        return http::text(StatusCode::BAD_REQUEST, "bad key\n");
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let config = WebSocketConfig::default()
                    .max_message_size(Some(MAX_CLIENT_MESSAGE))
                    .max_frame_size(Some(MAX_CLIENT_MESSAGE));
                let socket = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(config),
                )
                .await;
                follow(&state, socket).await;
            }
            Err(e) => eprintln!("result: websocket upgrade failed: {e}"),
        }
    });
    let mut resp = hyper::Response::new(Full::default());
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = resp.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
    resp
}

/// Counts a connected client for as long as it lives.
struct ClientGuard<'a>(&'a AtomicI64);

impl Drop for ClientGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Sends the tally now and after every change, until the client goes away.
async fn follow<S>(state: &State, mut socket: WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    state.clients.fetch_add(1, Ordering::Relaxed);
    let _guard = ClientGuard(&state.clients);
    let mut updates = state.tally.subscribe();
    let mut tally = *updates.borrow_and_update();
    loop {
        if socket.send(Message::text(tally.to_json())).await.is_err() {
            return;
        }
        // Reading is what answers pings and completes a close handshake.
        loop {
            tokio::select! {
                changed = updates.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    tally = *updates.borrow_and_update();
                    break;
                }
                incoming = socket.next() => match incoming {
                    None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
}

fn metrics_page(state: &State) -> Response {
    let tally = *state.tally.borrow();
    let body = metrics::Text::new()
        .family(
            "result_websocket_clients",
            "Browsers following the results.",
            Kind::Gauge,
            &[(&[], state.clients.load(Ordering::Relaxed) as f64)],
        )
        .family(
            "result_votes",
            "Votes per option at the last poll.",
            Kind::Gauge,
            &[
                (&[("vote", "a")], tally.a as f64),
                (&[("vote", "b")], tally.b as f64),
            ],
        )
        .finish();
    http::response(StatusCode::OK, metrics::CONTENT_TYPE, body)
}

/// Reads the tally. A missing table means the worker has not created it yet: no votes.
async fn read_tally(client: &Client) -> Result<Tally, tokio_postgres::Error> {
    match client.query(pg::TALLY, &[]).await {
        Ok(rows) => {
            let mut counts = Vec::with_capacity(rows.len());
            for row in rows {
                counts.push((row.try_get::<_, String>(0)?, row.try_get::<_, i64>(1)?));
            }
            Ok(Tally::from_rows(counts))
        }
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => Ok(Tally::default()),
        Err(e) => Err(e),
    }
}

/// Polls Postgres every second until shutdown, reconnecting as needed.
async fn poll(state: Arc<State>, settings: PgSettings, shutdown: Shutdown) {
    let mut client: Option<Client> = None;
    let mut ticks = tokio::time::interval(POLL_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Logged on changes only: a one-second loop would otherwise flood the log.
    let mut last_error: Option<String> = None;
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = shutdown.wait() => return,
        }
        if client.as_ref().is_some_and(|c| c.is_closed()) {
            client = None;
        }
        let attempt = async {
            if client.is_none() {
                client = Some(pg::connect(&settings, "result").await?);
                eprintln!(
                    "result: connected to postgres {}:{}",
                    settings.host, settings.port
                );
            }
            read_tally(client.as_ref().expect("client was just ensured")).await
        };
        let outcome = match tokio::time::timeout(QUERY_TIMEOUT, attempt).await {
            Ok(Ok(tally)) => Ok(tally),
            Ok(Err(e)) => Err(error_chain(&e)),
            Err(_) => Err("timed out".to_string()),
        };
        match outcome {
            Ok(tally) => {
                state.pg_ok.store(true, Ordering::Relaxed);
                if last_error.take().is_some() {
                    eprintln!("result: postgres is back");
                }
                state
                    .tally
                    .send_if_modified(|current| current.replace(tally));
            }
            Err(e) => {
                state.pg_ok.store(false, Ordering::Relaxed);
                client = None;
                if last_error.as_deref() != Some(e.as_str()) {
                    eprintln!("result: cannot read votes from postgres: {e}");
                }
                last_error = Some(e);
            }
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let env = config::from_env;
    let settings = PgSettings::from(&env, |p| std::fs::read_to_string(p))?;
    let port = config::port(&env, "PORT", 80)?;
    let addr = config::listen_addr(&env)?;
    let (option_a, option_b) = config::option_names(&env);
    let state = Arc::new(State {
        option_a,
        option_b,
        tally: watch::Sender::new(Tally::default()),
        pg_ok: AtomicBool::new(false),
        clients: AtomicI64::new(0),
    });
    let shutdown = Shutdown::on_signals();
    tokio::spawn(poll(state.clone(), settings, shutdown.clone()));
    let listener = http::bind("result", addr, port).await?;
    http::serve(listener, move |req| handle(state.clone(), req), shutdown).await;
    eprintln!("result: shutting down");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    voting_app::exit_code("result", run().await)
}

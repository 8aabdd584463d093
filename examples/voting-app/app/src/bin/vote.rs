//! `vote`: the page where people vote. Each vote goes onto the Redis list `votes` for the
//! worker; this service stores nothing itself.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{HeaderValue, COOKIE, SET_COOKIE};
use hyper::{Method, Request, StatusCode};
use tokio::sync::Mutex;

use voting_app::config::{self, RedisSettings};
use voting_app::http::{self, Response, Shutdown};
use voting_app::metrics::{self, Kind};
use voting_app::redis::{self, Connection};
use voting_app::vote::{Choice, VoteMessage};
use voting_app::{cookie, form, pages, QUEUE};

/// Bound on connecting and on each command: a page must not hang because Redis does.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);
/// After a failed connect, requests skip Redis for this long instead of each waiting out a
/// timeout against a server that is down.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);
/// Largest form body accepted: `vote=a` is six bytes.
const MAX_BODY: usize = 4096;

/// The one Redis connection, opened on first use and after any failure.
#[derive(Default)]
struct RedisSlot {
    conn: Option<Connection>,
    retry_after: Option<Instant>,
}

struct State {
    redis: RedisSettings,
    slot: Mutex<RedisSlot>,
    option_a: String,
    option_b: String,
    hostname: String,
    cast: [AtomicU64; 2],
    push_errors: AtomicU64,
}

impl State {
    /// Runs one Redis operation on the shared connection, connecting first if needed and
    /// dropping the connection if the operation fails.
    async fn with_redis<T>(
        &self,
        op: impl AsyncFnOnce(&mut Connection) -> Result<T, redis::Error>,
    ) -> Result<T, redis::Error> {
        let mut slot = self.slot.lock().await;
        if slot.conn.is_none() {
            if slot.retry_after.is_some_and(|t| Instant::now() < t) {
                return Err(redis::Error::Io(std::io::Error::other(
                    "redis recently unreachable; not retrying yet",
                )));
            }
            match Connection::connect(&self.redis.host, self.redis.port, REDIS_TIMEOUT).await {
                Ok(conn) => {
                    eprintln!(
                        "vote: connected to redis {}:{}",
                        self.redis.host, self.redis.port
                    );
                    slot.conn = Some(conn);
                    slot.retry_after = None;
                }
                Err(e) => {
                    slot.retry_after = Some(Instant::now() + RECONNECT_PAUSE);
                    return Err(e);
                }
            }
        }
        let conn = slot.conn.as_mut().expect("connection was just ensured");
        let result = op(conn).await;
        if result.is_err() {
            slot.conn = None;
        }
        result
    }
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response {
    match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/") => page(&state, &req, None, StatusCode::OK),
        (&Method::POST, "/") => post_vote(&state, req).await,
        (_, "/") => http::method_not_allowed(),
        (&Method::GET, "/health") => http::text(StatusCode::OK, "ok\n"),
        (&Method::GET, "/ready") => {
            http::readiness(state.with_redis(async |c| c.ping().await).await.is_ok())
        }
        (&Method::GET, "/metrics") => metrics_page(&state),
        _ => http::not_found(),
    }
}

/// The voter id from the request's cookie, or a fresh one with the `Set-Cookie` that keeps it.
fn voter_id(req: &Request<Incoming>) -> (String, Option<String>) {
    cookie::voter_id(
        req.headers().get_all(COOKIE).iter().map(|v| v.as_bytes()),
        || cookie::new_id(rand::random()),
    )
}

fn page(
    state: &State,
    req: &Request<Incoming>,
    voted: Option<Choice>,
    status: StatusCode,
) -> Response {
    let (_, set_cookie) = voter_id(req);
    render(state, voted, status, set_cookie)
}

fn render(
    state: &State,
    voted: Option<Choice>,
    status: StatusCode,
    set_cookie: Option<String>,
) -> Response {
    let mut resp = http::html(pages::vote_page(
        &state.option_a,
        &state.option_b,
        &state.hostname,
        voted,
    ));
    *resp.status_mut() = status;
    if let Some(value) = set_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(SET_COOKIE, value);
    }
    resp
}

async fn post_vote(state: &State, req: Request<Incoming>) -> Response {
    let (voter_id, set_cookie) = voter_id(&req);
    let body = match http::read_body(req.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(resp) => return resp,
    };
    let Some(choice) = form::field(&body, "vote").and_then(|v| Choice::parse(&v)) else {
        return http::text(StatusCode::BAD_REQUEST, "vote must be \"a\" or \"b\"\n");
    };
    let message = VoteMessage {
        voter_id,
        vote: choice,
    }
    .to_json();
    // Fire and forget, as in the original: the voter sees their choice either way, and a
    // failure is visible in the log and in votes_push_errors_total.
    match state
        .with_redis(async |c| c.lpush(QUEUE, message.as_bytes()).await)
        .await
    {
        Ok(_) => {
            let i = if choice == Choice::A { 0 } else { 1 };
            state.cast[i].fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => {
            state.push_errors.fetch_add(1, Ordering::Relaxed);
            eprintln!("vote: could not queue vote: {e}");
        }
    }
    render(state, Some(choice), StatusCode::OK, set_cookie)
}

fn metrics_page(state: &State) -> Response {
    let a = state.cast[0].load(Ordering::Relaxed) as f64;
    let b = state.cast[1].load(Ordering::Relaxed) as f64;
    let errors = state.push_errors.load(Ordering::Relaxed) as f64;
    let body = metrics::Text::new()
        .family(
            "votes_cast_total",
            "Votes queued in Redis, by option.",
            Kind::Counter,
            &[(&[("vote", "a")], a), (&[("vote", "b")], b)],
        )
        .family(
            "votes_push_errors_total",
            "Votes that could not be queued because Redis failed.",
            Kind::Counter,
            &[(&[], errors)],
        )
        .finish();
    http::response(StatusCode::OK, metrics::CONTENT_TYPE, body)
}

fn hostname() -> String {
    config::from_env("HOSTNAME")
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let env = config::from_env;
    let redis = RedisSettings::from(&env)?;
    let port = config::port(&env, "PORT", 80)?;
    let addr = config::listen_addr(&env)?;
    let (option_a, option_b) = config::option_names(&env);
    let state = Arc::new(State {
        redis,
        slot: Mutex::new(RedisSlot::default()),
        option_a,
        option_b,
        hostname: hostname(),
        cast: [AtomicU64::new(0), AtomicU64::new(0)],
        push_errors: AtomicU64::new(0),
    });
    let shutdown = Shutdown::on_signals();
    let listener = http::bind("vote", addr, port).await?;
    http::serve(listener, move |req| handle(state.clone(), req), shutdown).await;
    eprintln!("vote: shutting down");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    voting_app::exit_code("vote", run().await)
}

//! `worker`: moves votes from the Redis list `votes` into the Postgres table `votes`.
//!
//! No vote may be lost, so:
//! - a vote is popped only while Postgres is connected (otherwise it waits safely in Redis);
//! - a popped vote is held until its upsert succeeds, retried with back-off, before anything
//!   else is popped (which also keeps each voter's votes in order);
//! - the upsert is idempotent, so retrying after an ambiguous failure (a timeout after the
//!   commit) is harmless;
//! - a `BRPOP` in flight is never cancelled (its reply may carry a vote), so shutdown waits
//!   for it; a vote still held at shutdown is put back with `RPUSH`, at the end `BRPOP` takes
//!   from, so it is the next one processed.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::{Method, Request, StatusCode};
use tokio_postgres::{Client, Statement};

use voting_app::config::{self, PgSettings, RedisSettings};
use voting_app::http::{self, Response, Shutdown};
use voting_app::metrics::{self, Kind};
use voting_app::redis::{self, Connection};
use voting_app::vote::VoteMessage;
use voting_app::{error_chain, pg, Backoff, QUEUE};

/// How long one `BRPOP` waits for a vote before the loop checks its connections again.
const POP_WAIT: Duration = Duration::from_secs(1);
/// Bound on connecting to Redis and on its answer beyond `POP_WAIT`.
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);
/// Bound on one upsert, so a hung database is treated like a failed one.
const STORE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the HTTP endpoints read; written by the loop.
#[derive(Default)]
struct Shared {
    redis_ok: AtomicBool,
    /// The current Postgres client, if any; its `is_closed()` says whether it still works.
    pg: Mutex<Option<Arc<Client>>>,
    processed: AtomicU64,
    invalid: AtomicU64,
}

impl Shared {
    fn ready(&self) -> bool {
        let pg_ok = self
            .pg
            .lock()
            .map(|pg| pg.as_ref().is_some_and(|c| !c.is_closed()))
            .unwrap_or(false);
        pg_ok && self.redis_ok.load(Ordering::Relaxed)
    }

    fn set_pg(&self, client: Option<Arc<Client>>) {
        if let Ok(mut pg) = self.pg.lock() {
            *pg = client;
        }
    }
}

struct Worker {
    redis_settings: RedisSettings,
    pg_settings: PgSettings,
    redis: Option<Connection>,
    pg: Option<(Arc<Client>, Statement)>,
    shared: Arc<Shared>,
    shutdown: Shutdown,
}

impl Worker {
    async fn run(&mut self) {
        // Popped from Redis but not yet stored: retried until it is.
        let mut pending: Option<Vec<u8>> = None;
        let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(3));
        while !self.shutdown.is_set() {
            if let Err(e) = self.ensure_pg().await {
                eprintln!("worker: postgres unavailable: {e}");
                self.pause(backoff.next_delay()).await;
                continue;
            }
            let raw = match pending.take() {
                Some(raw) => raw,
                None => match self.pop().await {
                    Ok(Some(raw)) => raw,
                    Ok(None) => {
                        backoff.reset();
                        continue;
                    }
                    Err(e) => {
                        eprintln!("worker: redis unavailable: {e}");
                        self.pause(backoff.next_delay()).await;
                        continue;
                    }
                },
            };
            let vote = match VoteMessage::parse(&raw) {
                Ok(vote) => vote,
                Err(why) => {
                    self.shared.invalid.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "worker: dropping invalid message ({why}): {:.200}",
                        String::from_utf8_lossy(&raw)
                    );
                    continue;
                }
            };
            match self.store(&vote).await {
                Ok(()) => {
                    self.shared.processed.fetch_add(1, Ordering::Relaxed);
                    backoff.reset();
                }
                Err(e) => {
                    eprintln!("worker: storing vote failed, will retry: {e}");
                    pending = Some(raw);
                    // Reconnecting also re-creates the table, should it have been dropped.
                    self.pg = None;
                    self.shared.set_pg(None);
                    self.pause(backoff.next_delay()).await;
                }
            }
        }
        if let Some(raw) = pending {
            self.requeue(raw).await;
        }
    }

    /// Sleeps, cut short by shutdown (a held vote is then put back by `run`).
    async fn pause(&self, delay: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = self.shutdown.wait() => {}
        }
    }

    /// Makes sure there is a working Postgres connection with the table and statement ready.
    async fn ensure_pg(&mut self) -> Result<(), String> {
        if let Some((client, _)) = &self.pg {
            if !client.is_closed() {
                return Ok(());
            }
            eprintln!("worker: postgres connection lost, reconnecting");
            self.pg = None;
            self.shared.set_pg(None);
        }
        let setup = async {
            let client = pg::connect(&self.pg_settings, "worker").await?;
            client.batch_execute(pg::CREATE_TABLE).await?;
            let upsert = client.prepare(pg::UPSERT_VOTE).await?;
            Ok::<_, tokio_postgres::Error>((client, upsert))
        };
        let (client, upsert) = tokio::time::timeout(STORE_TIMEOUT, setup)
            .await
            .map_err(|_| "connecting timed out".to_string())?
            .map_err(|e| error_chain(&e))?;
        let client = Arc::new(client);
        eprintln!(
            "worker: connected to postgres {}:{}",
            self.pg_settings.host, self.pg_settings.port
        );
        self.shared.set_pg(Some(client.clone()));
        self.pg = Some((client, upsert));
        Ok(())
    }

    /// One `BRPOP`, connecting to Redis first if needed.
    async fn pop(&mut self) -> Result<Option<Vec<u8>>, redis::Error> {
        if self.redis.is_none() {
            let s = &self.redis_settings;
            let conn = Connection::connect(&s.host, s.port, REDIS_TIMEOUT).await;
            let conn =
                conn.inspect_err(|_| self.shared.redis_ok.store(false, Ordering::Relaxed))?;
            eprintln!("worker: connected to redis {}:{}", s.host, s.port);
            self.redis = Some(conn);
        }
        let conn = self.redis.as_mut().expect("connection was just ensured");
        let result = conn.brpop(QUEUE, POP_WAIT).await;
        self.shared
            .redis_ok
            .store(result.is_ok(), Ordering::Relaxed);
        if result.is_err() {
            self.redis = None;
        }
        result
    }

    async fn store(&mut self, vote: &VoteMessage) -> Result<(), String> {
        let (client, upsert) = self.pg.as_ref().ok_or("no postgres connection")?;
        let choice = vote.vote.as_str();
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&vote.voter_id, &choice];
        match tokio::time::timeout(STORE_TIMEOUT, client.execute(upsert, &params)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(error_chain(&e)),
            Err(_) => Err("upsert timed out".into()),
        }
    }

    /// Puts a held vote back at the end of the list `BRPOP` reads, on a fresh connection.
    async fn requeue(&mut self, raw: Vec<u8>) {
        let s = &self.redis_settings;
        let result = match Connection::connect(&s.host, s.port, REDIS_TIMEOUT).await {
            Ok(mut conn) => conn.rpush(QUEUE, &raw).await.map(|_| ()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => eprintln!("worker: returned an unstored vote to the queue"),
            // The last resort: the vote is in the log, from where it can be re-queued by hand.
            Err(e) => eprintln!(
                "worker: LOST VOTE, could not return it to redis ({e}): {}",
                String::from_utf8_lossy(&raw)
            ),
        }
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/health") => http::text(StatusCode::OK, "ok\n"),
        (&Method::GET, "/ready") => http::readiness(shared.ready()),
        (&Method::GET, "/metrics") => {
            let body = metrics::Text::new()
                .family(
                    "worker_votes_processed_total",
                    "Votes stored in Postgres.",
                    Kind::Counter,
                    &[(&[], shared.processed.load(Ordering::Relaxed) as f64)],
                )
                .family(
                    "worker_votes_invalid_total",
                    "Queue messages dropped as invalid.",
                    Kind::Counter,
                    &[(&[], shared.invalid.load(Ordering::Relaxed) as f64)],
                )
                .finish();
            http::response(StatusCode::OK, metrics::CONTENT_TYPE, body)
        }
        _ => http::not_found(),
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let env = config::from_env;
    let redis_settings = RedisSettings::from(&env)?;
    let pg_settings = PgSettings::from(&env, |p| std::fs::read_to_string(p))?;
    let port = config::port(&env, "METRICS_PORT", 8081)?;
    let addr = config::listen_addr(&env)?;
    let shutdown = Shutdown::on_signals();
    let shared = Arc::new(Shared::default());

    let listener = http::bind("worker", addr, port).await?;
    let handler_state = shared.clone();
    tokio::spawn(http::serve(
        listener,
        move |req| handle(handler_state.clone(), req),
        shutdown.clone(),
    ));

    let mut worker = Worker {
        redis_settings,
        pg_settings,
        redis: None,
        pg: None,
        shared,
        shutdown,
    };
    worker.run().await;
    eprintln!("worker: shutting down");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    voting_app::exit_code("worker", run().await)
}

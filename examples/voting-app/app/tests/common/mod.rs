//! Test harness: real Redis and Postgres servers and the real service binaries, all on
//! 127.0.0.1 and free ports, each stopped by PID when dropped.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use voting_app::redis;

pub const REDIS_SERVER: &str = "/usr/bin/redis-server";
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A port nobody listens on right now (the OS picks it; we release it for the server).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// Polls `f` until it yields `Some`, or panics naming `what` after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A child process, signalled by PID and reaped on drop.
pub struct Proc {
    pub name: String,
    child: Child,
    /// The signal that stops it cleanly (`TERM`, or `INT` for Postgres' fast shutdown).
    stop_signal: &'static str,
    exited: Option<ExitStatus>,
}

impl Proc {
    fn new(name: &str, child: Child, stop_signal: &'static str) -> Proc {
        Proc {
            name: name.to_string(),
            child,
            stop_signal,
            exited: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, sig: &str) {
        let _ = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .stderr(Stdio::null())
            .status();
    }

    /// Sends the stop signal and waits up to `timeout` for the exit; kills it after that.
    /// Returns the exit status if it stopped by itself.
    pub fn stop(&mut self, timeout: Duration) -> Option<ExitStatus> {
        if let Some(status) = self.exited {
            return Some(status);
        }
        self.signal(self.stop_signal);
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exited = Some(status);
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }

    /// Whether it is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited.is_none() {
            self.stop(Duration::from_secs(5));
        }
    }
}

/// Whether this process runs as root (then Postgres must run as another user).
fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// The uid and gid of the `postgres` system user.
fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").expect("read /etc/passwd");
    for line in passwd.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.len() > 3 && fields[0] == "postgres" {
            if let (Ok(uid), Ok(gid)) = (fields[2].parse(), fields[3].parse()) {
                return (uid, gid);
            }
        }
    }
    panic!("no postgres user in /etc/passwd (install Debian's postgresql package)");
}

pub struct Redis {
    pub port: u16,
    proc: Option<Proc>,
    dir: tempfile::TempDir,
}

impl Redis {
    pub async fn start() -> Redis {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut redis = Redis {
            port: free_port(),
            proc: None,
            dir,
        };
        redis.restart().await;
        redis
    }

    /// Starts (again) on the same port, empty.
    pub async fn restart(&mut self) {
        assert!(
            Path::new(REDIS_SERVER).exists(),
            "{REDIS_SERVER} is missing (install Debian's redis-server package)"
        );
        self.stop();
        let child = Command::new(REDIS_SERVER)
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args(["--loglevel", "warning"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.proc = Some(Proc::new("redis", child, "TERM"));
        let port = self.port;
        eventually(
            Duration::from_secs(10),
            "redis to answer PING",
            || async move {
                let mut c = redis::Connection::connect("127.0.0.1", port, Duration::from_secs(1))
                    .await
                    .ok()?;
                c.ping().await.ok()
            },
        )
        .await;
    }

    pub fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.stop(Duration::from_secs(5));
        }
    }

    pub async fn conn(&self) -> redis::Connection {
        redis::Connection::connect("127.0.0.1", self.port, Duration::from_secs(2))
            .await
            .expect("connect to test redis")
    }

    /// The whole `votes` list, oldest (next to be popped) last.
    pub async fn list(&self, key: &str) -> Vec<String> {
        let reply = self
            .conn()
            .await
            .command(
                &[b"LRANGE", key.as_bytes(), b"0", b"-1"],
                Duration::from_secs(2),
            )
            .await
            .expect("LRANGE");
        match reply {
            voting_app::resp::Value::Array(Some(items)) => items
                .into_iter()
                .map(|v| match v {
                    voting_app::resp::Value::Bulk(Some(b)) => String::from_utf8(b).unwrap(),
                    other => panic!("unexpected item {other:?}"),
                })
                .collect(),
            other => panic!("unexpected LRANGE reply {other:?}"),
        }
    }

    pub async fn lpush(&self, key: &str, value: &str) {
        self.conn()
            .await
            .lpush(key, value.as_bytes())
            .await
            .expect("LPUSH");
    }

    pub async fn llen(&self, key: &str) -> i64 {
        self.conn().await.llen(key).await.expect("LLEN")
    }
}

/// A throwaway PostgreSQL 15 cluster (trust auth, user `postgres`, no fsync).
pub struct Postgres {
    pub port: u16,
    proc: Option<Proc>,
    dir: tempfile::TempDir,
}

impl Postgres {
    /// Creates the cluster with `initdb`; call `start` to run it.
    pub fn init() -> Postgres {
        let initdb = Path::new(PG_BIN).join("initdb");
        assert!(
            initdb.exists(),
            "{} is missing (install Debian's postgresql-15 package)",
            initdb.display()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        if is_root() {
            let (uid, gid) = postgres_user();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown temp dir");
        }
        let out = as_postgres(Command::new(initdb))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args(["--auth=trust", "--username=postgres", "--no-sync"])
            .args(["--encoding=UTF8", "--locale=C"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Postgres {
            port: free_port(),
            proc: None,
            dir,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Starts the server (on the same port each time) and waits until it accepts queries.
    pub async fn start(&mut self) {
        assert!(self.proc.is_none(), "postgres already running");
        let child = as_postgres(Command::new(Path::new(PG_BIN).join("postgres")))
            .arg("-D")
            .arg(self.data_dir())
            .arg("-k")
            .arg(self.dir.path())
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn postgres");
        self.proc = Some(Proc::new("postgres", child, "INT"));
        let port = self.port;
        eventually(
            Duration::from_secs(20),
            "postgres to accept queries",
            || async move {
                let client = connect_pg(port).await.ok()?;
                client.simple_query("SELECT 1").await.ok().map(|_| ())
            },
        )
        .await;
    }

    /// Fast shutdown (clients are disconnected), waiting for the exit.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.stop(Duration::from_secs(10));
        }
    }

    /// Sends the shutdown signal without waiting: to race clients against the shutdown.
    pub fn begin_stop(&self) {
        if let Some(p) = &self.proc {
            p.signal("INT");
        }
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        connect_pg(self.port)
            .await
            .expect("connect to test postgres")
    }

    /// Every stored vote, sorted by voter id.
    pub async fn votes(&self) -> Vec<(String, String)> {
        let client = self.client().await;
        match client
            .query("SELECT id, vote FROM votes ORDER BY id", &[])
            .await
        {
            Ok(rows) => rows.iter().map(|r| (r.get(0), r.get(1))).collect(),
            Err(_) => Vec::new(), // no table yet
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn as_postgres(mut cmd: Command) -> Command {
    if is_root() {
        let (uid, gid) = postgres_user();
        cmd.uid(uid).gid(gid);
        // initdb and postgres look at $HOME-independent paths only, but keep the locale sane.
        cmd.env("LC_ALL", "C");
    }
    cmd
}

async fn connect_pg(port: u16) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::Config::new()
        .host("127.0.0.1")
        .port(port)
        .user("postgres")
        .dbname("postgres")
        .connect_timeout(Duration::from_secs(2))
        .connect(tokio_postgres::NoTls)
        .await?;
    tokio::spawn(connection);
    Ok(client)
}

/// One of the service binaries, with its stderr collected.
pub struct Service {
    pub proc: Proc,
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Service {
    /// Runs `binary` with `env` (plus `LISTEN_ADDR=127.0.0.1`, and `PORT`/`METRICS_PORT` 0 unless
    /// given) and waits for it to log its listening address.
    pub fn start(name: &str, binary: &str, env: &[(&str, String)]) -> Service {
        let mut cmd = Command::new(binary);
        cmd.env_clear()
            .env("LISTEN_ADDR", "127.0.0.1")
            .env("PORT", "0")
            .env("METRICS_PORT", "0")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {binary}: {e}"));
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = log.clone();
        let tag = name.to_string();
        // Keeps draining stderr for the process' whole life so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[{tag}] {line}");
                if let Some(addr) = line.split("listening on ").nth(1) {
                    if let Ok(addr) = addr.trim().parse::<SocketAddr>() {
                        let _ = tx.send(addr);
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
        let proc = Proc::new(name, child, "TERM");
        let addr = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("{name} did not report its listening address"));
        assert!(
            addr.ip().is_loopback(),
            "{name} must listen on loopback only"
        );
        Service { proc, addr, log }
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub async fn get(&self, path: &str) -> HttpResponse {
        http(self.addr, "GET", path, &[], b"").await
    }

    /// SIGTERM, then asserts a clean exit within five seconds.
    pub fn assert_clean_exit(&mut self) {
        let status = self.proc.stop(Duration::from_secs(5));
        let status = status.unwrap_or_else(|| panic!("{} ignored SIGTERM", self.proc.name));
        assert!(status.success(), "{} exited with {status}", self.proc.name);
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 client (one request per connection): enough for these tests and it
/// keeps the requests exactly as written.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    let raw = raw_exchange(addr, &bytes).await;
    parse_response(&raw).unwrap_or_else(|| panic!("bad HTTP response: {raw:?}"))
}

/// Sends raw bytes and returns everything the server answers until it closes.
pub async fn raw_exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(bytes).await?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await?;
        Ok::<_, std::io::Error>(out)
    };
    let out = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("HTTP exchange timed out")
        .expect("HTTP exchange failed");
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_response(raw: &str) -> Option<HttpResponse> {
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(HttpResponse {
        status,
        headers,
        body: body.to_string(),
    })
}

/// Environment for a service talking to these servers.
pub fn redis_env(redis_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("REDIS_HOST", "127.0.0.1".into()),
        ("REDIS_PORT", redis_port.to_string()),
    ]
}

pub fn pg_env(pg_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("POSTGRES_HOST", "127.0.0.1".into()),
        ("POSTGRES_PORT", pg_port.to_string()),
        ("POSTGRES_USER", "postgres".into()),
        ("POSTGRES_PASSWORD", "unused-with-trust-auth".into()),
    ]
}

/// The value of a metric sample line `name{labels} value` in Prometheus text.
pub fn metric(text: &str, sample: &str) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        l.strip_prefix(sample)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

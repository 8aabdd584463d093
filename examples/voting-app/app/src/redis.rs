//! A minimal Redis client over one TCP connection: the four commands the services use.
//!
//! Any error (I/O, timeout, protocol) leaves the connection in an unknown state, so callers
//! drop it and connect again; nothing here retries on its own.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::resp::{self, Value};

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    Timeout,
    Protocol(resp::ProtocolError),
    /// The server answered `-ERR ...`.
    Server(String),
    /// A well-formed reply of the wrong shape for the command.
    Unexpected(Value),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "redis I/O: {e}"),
            Error::Timeout => write!(f, "redis timed out"),
            Error::Protocol(e) => write!(f, "redis: {e}"),
            Error::Server(e) => write!(f, "redis error reply: {e}"),
            Error::Unexpected(v) => write!(f, "unexpected redis reply {v:?}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// One connection. Commands are strictly request/response (no pipelining).
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Bound on one command's round trip, so a silently dead peer is noticed.
    timeout: Duration,
}

impl Connection {
    /// Connects to `host:port`, giving up after `timeout`.
    pub async fn connect(host: &str, port: u16, timeout: Duration) -> Result<Connection, Error> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect((host, port)))
            .await
            .map_err(|_| Error::Timeout)??;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            buf: Vec::with_capacity(512),
            timeout,
        })
    }

    /// Sends one command and reads its reply, within `timeout`.
    pub async fn command(&mut self, args: &[&[u8]], timeout: Duration) -> Result<Value, Error> {
        let request = resp::encode_command(args);
        let reply = tokio::time::timeout(timeout, async {
            self.stream.write_all(&request).await?;
            self.read_reply().await
        })
        .await
        .map_err(|_| Error::Timeout)??;
        match reply {
            Value::Error(e) => Err(Error::Server(e)),
            other => Ok(other),
        }
    }

    async fn read_reply(&mut self) -> Result<Value, Error> {
        loop {
            if let Some((value, used)) = resp::decode(&self.buf).map_err(Error::Protocol)? {
                self.buf.drain(..used);
                return Ok(value);
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(Error::Io(io::ErrorKind::UnexpectedEof.into()));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// `PING`: is the server there and answering?
    pub async fn ping(&mut self) -> Result<(), Error> {
        match self.command(&[b"PING"], self.timeout).await? {
            Value::Simple(s) if s == "PONG" => Ok(()),
            other => Err(Error::Unexpected(other)),
        }
    }

    /// `LPUSH key value`; returns the list's new length.
    pub async fn lpush(&mut self, key: &str, value: &[u8]) -> Result<i64, Error> {
        self.push(b"LPUSH", key, value).await
    }

    /// `RPUSH key value`: puts a value back at the end `BRPOP` takes from.
    pub async fn rpush(&mut self, key: &str, value: &[u8]) -> Result<i64, Error> {
        self.push(b"RPUSH", key, value).await
    }

    async fn push(&mut self, cmd: &[u8], key: &str, value: &[u8]) -> Result<i64, Error> {
        match self
            .command(&[cmd, key.as_bytes(), value], self.timeout)
            .await?
        {
            Value::Integer(n) => Ok(n),
            other => Err(Error::Unexpected(other)),
        }
    }

    /// `LLEN key`.
    pub async fn llen(&mut self, key: &str) -> Result<i64, Error> {
        match self
            .command(&[b"LLEN", key.as_bytes()], self.timeout)
            .await?
        {
            Value::Integer(n) => Ok(n),
            other => Err(Error::Unexpected(other)),
        }
    }

    /// `BRPOP key seconds`: the oldest value of a list filled by `LPUSH`, or `None` once `wait`
    /// (whole seconds, at least one) has passed with the list empty.
    pub async fn brpop(&mut self, key: &str, wait: Duration) -> Result<Option<Vec<u8>>, Error> {
        let secs = wait.as_secs().max(1);
        // The server holds the reply for up to `secs`; only the time beyond that is suspicious.
        let deadline = Duration::from_secs(secs) + self.timeout;
        let reply = self
            .command(
                &[b"BRPOP", key.as_bytes(), secs.to_string().as_bytes()],
                deadline,
            )
            .await?;
        match reply {
            Value::Array(None) | Value::Bulk(None) => Ok(None),
            Value::Array(Some(items)) => match <[Value; 2]>::try_from(items) {
                Ok([_, Value::Bulk(Some(value))]) => Ok(Some(value)),
                Ok(other) => Err(Error::Unexpected(Value::Array(Some(other.to_vec())))),
                Err(items) => Err(Error::Unexpected(Value::Array(Some(items)))),
            },
            other => Err(Error::Unexpected(other)),
        }
    }
}

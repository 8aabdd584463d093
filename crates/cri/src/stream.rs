//! Client side of the CRI streaming server (the URLs `Exec`, `Attach` and `PortForward`
//! return): an HTTP/1.1 upgrade to SPDY/3.1, then the streams of the remote-command or
//! port-forward protocol.

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use streaming::remotecommand as rc;
use streaming::spdy::Role;
pub use streaming::spdy::{Session, Stream};
use tokio::net::TcpStream;

use crate::error::{Error, Result};

fn stream_error(what: impl std::fmt::Display) -> Error {
    Error::Stream(what.to_string())
}

/// Connects to `url` and upgrades to SPDY speaking `protocol` (`X-Stream-Protocol-Version`).
pub async fn connect(url: &str, protocol: &str) -> Result<Session> {
    let (upgraded, _) = upgrade(url, &[protocol]).await?;
    let (session, _incoming) = Session::start(upgraded, Role::Client);
    Ok(session)
}

/// Connects to `url` and upgrades the connection to SPDY, offering `protocols` (preferred
/// first). Returns the raw connection, for a caller that relays a client's own SPDY session,
/// and the protocol the server chose.
pub async fn upgrade(url: &str, protocols: &[&str]) -> Result<(TokioIo<Upgraded>, String)> {
    let uri: http::Uri = url.parse().map_err(stream_error)?;
    if uri.scheme_str() != Some("http") {
        return Err(stream_error(format!(
            "unsupported streaming URL {url:?}: only http is served"
        )));
    }
    let authority = uri
        .authority()
        .ok_or_else(|| stream_error(format!("streaming URL {url:?} has no host")))?
        .to_string();
    let tcp = TcpStream::connect(&authority).await.map_err(|e| {
        stream_error(format!(
            "connecting to the streaming server {authority}: {e}"
        ))
    })?;
    let _ = tcp.set_nodelay(true);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .map_err(stream_error)?;
    tokio::spawn(async move {
        let _ = conn.with_upgrades().await;
    });
    let mut req = http::Request::post(uri.path_and_query().map_or("/", |p| p.as_str()))
        .header(http::header::HOST, authority)
        .header(http::header::CONNECTION, "Upgrade")
        .header(http::header::UPGRADE, streaming::spdy::UPGRADE);
    for p in protocols {
        req = req.header(rc::PROTOCOL_HEADER, *p);
    }
    let req = req.body(Empty::<Bytes>::new()).map_err(stream_error)?;
    let resp = sender.send_request(req).await.map_err(stream_error)?;
    if resp.status() != http::StatusCode::SWITCHING_PROTOCOLS {
        return Err(stream_error(format!(
            "the streaming server answered {} instead of switching to SPDY",
            resp.status()
        )));
    }
    let chosen = resp
        .headers()
        .get(rc::PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let upgraded = hyper::upgrade::on(resp).await.map_err(stream_error)?;
    Ok((TokioIo::new(upgraded), chosen))
}

/// The streams of one exec or attach, as the remote-command protocol (v4) opens them.
pub struct RemoteCommand {
    pub session: Session,
    /// Carries the final Status (JSON) when the command ends.
    pub error: Stream,
    pub stdin: Option<Stream>,
    pub stdout: Option<Stream>,
    pub stderr: Option<Stream>,
    pub resize: Option<Stream>,
}

/// Which standard streams to open; with a TTY there is no stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streams {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

/// Opens the remote-command streams on a session from [`connect`] with
/// [`rc::SPDY_EXEC_V4`]. The error stream comes first, as the server expects.
pub async fn remote_command(session: Session, want: Streams) -> Result<RemoteCommand> {
    let open = |kind: &'static str| {
        let session = session.clone();
        async move {
            session
                .open(vec![("streamtype".into(), kind.into())])
                .await
                .map_err(stream_error)
        }
    };
    let error = open(rc::STREAM_ERROR).await?;
    let stdin = if want.stdin {
        Some(open(rc::STREAM_STDIN).await?)
    } else {
        None
    };
    let stdout = if want.stdout {
        Some(open(rc::STREAM_STDOUT).await?)
    } else {
        None
    };
    let stderr = if want.stderr && !want.tty {
        Some(open(rc::STREAM_STDERR).await?)
    } else {
        None
    };
    let resize = if want.tty {
        Some(open(rc::STREAM_RESIZE).await?)
    } else {
        None
    };
    Ok(RemoteCommand {
        session,
        error,
        stdin,
        stdout,
        stderr,
        resize,
    })
}

/// Opens the error and data streams of one port-forward request on a session from
/// [`connect`] with [`rc::SPDY_PORT_FORWARD`].
pub async fn port_forward_streams(
    session: &Session,
    port: u16,
    request_id: u32,
) -> Result<(Stream, Stream)> {
    let headers = |kind: &str| {
        vec![
            ("streamtype".to_string(), kind.to_string()),
            ("port".to_string(), port.to_string()),
            ("requestid".to_string(), request_id.to_string()),
        ]
    };
    let error = session
        .open(headers(rc::STREAM_ERROR))
        .await
        .map_err(stream_error)?;
    let data = session
        .open(headers(rc::STREAM_DATA))
        .await
        .map_err(stream_error)?;
    Ok((error, data))
}

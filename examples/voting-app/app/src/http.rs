//! The HTTP plumbing the three services share: a hyper 1 HTTP/1.1 server loop that stops on
//! shutdown, response helpers, bounded body reading, and the signal that means "stop".

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Response body: always complete in memory (pages, JSON and metrics are small).
pub type Body = Full<Bytes>;
pub type Response = hyper::Response<Body>;

/// A response with a status, content type and body; never cached, as every page is live.
pub fn response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response {
    let mut resp = hyper::Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response {
    response(status, "text/plain; charset=utf-8", body)
}

pub fn html(body: String) -> Response {
    response(StatusCode::OK, "text/html; charset=utf-8", body)
}

pub fn json(body: String) -> Response {
    response(StatusCode::OK, "application/json", body)
}

pub fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "not found\n")
}

pub fn method_not_allowed() -> Response {
    text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n")
}

/// `/ready`'s answer.
pub fn readiness(ready: bool) -> Response {
    if ready {
        text(StatusCode::OK, "ok\n")
    } else {
        text(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

/// Reads a request body of at most `limit` bytes. A larger or broken body becomes the error
/// response to send instead, so a handler never sees unbounded input.
pub async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Response> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(text(StatusCode::PAYLOAD_TOO_LARGE, "body too large\n"))
        }
        Err(_) => Err(text(StatusCode::BAD_REQUEST, "could not read body\n")),
    }
}

/// Set once SIGTERM or SIGINT arrives. Kubernetes sends SIGTERM to stop a pod, and a process
/// that is PID 1 in its container gets no default action for it, so it must be handled.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Starts listening for the signals (call inside the runtime).
    pub fn on_signals() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        tokio::spawn(async move {
            wait_for_signal().await;
            let _ = tx.send(true);
        });
        Shutdown(rx)
    }

    /// A handle that is never triggered, for tests.
    pub fn never() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        std::mem::forget(tx);
        Shutdown(rx)
    }

    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown has been requested.
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        // An error means the sender is gone, which only happens if the signal task died:
        // treat that as "never", not as a request to stop.
        if rx.wait_for(|set| *set).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Binds `addr:port` and logs the actual address (which tells the port when `port` is 0).
pub async fn bind(service: &str, addr: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(SocketAddr::new(addr, port)).await?;
    eprintln!("{service}: listening on {}", listener.local_addr()?);
    Ok(listener)
}

/// Serves HTTP/1.1 on `listener` until `shutdown`, one task per connection. Upgrades
/// (WebSocket) are enabled; connections still open at shutdown end with the process.
pub async fn serve<H, Fut>(listener: TcpListener, handler: H, shutdown: Shutdown)
where
    H: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    loop {
        let (stream, _) = tokio::select! {
            _ = shutdown.wait() => return,
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    eprintln!("http: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(handler(req).await) }
            });
            // Errors here are clients hanging up or speaking garbage: nothing to act on.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_codes() {
        assert_eq!(readiness(true).status(), StatusCode::OK);
        assert_eq!(readiness(false).status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn responses_carry_type_and_no_store() {
        let r = json("{}".into());
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(r.headers()[CACHE_CONTROL], "no-store");
    }

    #[tokio::test]
    async fn never_shutdown_stays_unset() {
        let s = Shutdown::never();
        assert!(!s.is_set());
        let waited = tokio::time::timeout(Duration::from_millis(20), s.wait()).await;
        assert!(waited.is_err());
    }
}

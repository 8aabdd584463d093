//! A client of the benchmarked API server: TLS with the admin certificate, a few HTTP/2
//! connections used round-robin. Shared by the benchmark programs, which each use a part.

#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::ServerName;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// How long any single request may take before the run is abandoned.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

pub fn tls_connector(tls_dir: &Path) -> Result<TlsConnector> {
    let read = |name: &str| {
        std::fs::read(tls_dir.join(name))
            .map_err(|e| format!("reading {}: {e}", tls_dir.join(name).display()))
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut read("ca.crt")?.as_slice()) {
        roots.add(cert?)?;
    }
    let chain = rustls_pemfile::certs(&mut read("admin.crt")?.as_slice())
        .collect::<std::io::Result<Vec<_>>>()?;
    let key = rustls_pemfile::private_key(&mut read("admin.key")?.as_slice())?
        .ok_or("no key in admin.key")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

/// A few HTTP/2 connections to the server; requests are spread over them round-robin.
#[derive(Clone)]
pub struct Client {
    connections: Vec<SendRequest<Full<Bytes>>>,
    next: Arc<AtomicUsize>,
    pub base: String,
}

/// One completed request.
pub struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    pub latency: Duration,
}

impl Reply {
    pub fn json(&self) -> Result<Value> {
        Ok(serde_json::from_slice(&self.body)?)
    }

    pub fn describe(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = text.chars().take(300).collect();
        format!("HTTP {}: {text}", self.status.as_u16())
    }
}

pub async fn connect(tls: &TlsConnector, port: u16) -> Result<SendRequest<Full<Bytes>>> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    tcp.set_nodelay(true)?;
    let stream = tls.connect(ServerName::try_from("127.0.0.1")?, tcp).await?;
    if stream.get_ref().1.alpn_protocol() != Some(b"h2".as_slice()) {
        return Err("the server did not negotiate HTTP/2".into());
    }
    let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(stream))
        .await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

impl Client {
    pub async fn new(tls: &TlsConnector, port: u16, connections: usize) -> Result<Client> {
        let mut all = Vec::with_capacity(connections);
        for _ in 0..connections {
            all.push(connect(tls, port).await?);
        }
        Ok(Client {
            connections: all,
            next: Arc::new(AtomicUsize::new(0)),
            base: format!("https://127.0.0.1:{port}"),
        })
    }

    /// One of the connections, for a request whose response is read as a stream (a watch).
    pub fn sender(&self) -> SendRequest<Full<Bytes>> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[index].clone()
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<Request<Full<Bytes>>> {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, "api-bench/0.1");
        if body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        Ok(builder.body(Full::new(body.unwrap_or_default()))?)
    }

    /// Sends a request on the next connection and reads the whole response; the latency runs
    /// from sending to the last byte of the body.
    pub async fn send(&self, method: Method, path: &str, body: Option<Bytes>) -> Result<Reply> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        let mut sender = self.connections[index].clone();
        let request = self.request(method, path, body)?;
        let exchange = async {
            sender.ready().await?;
            let start = Instant::now();
            let response = sender.send_request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, Error>(Reply {
                status,
                body,
                latency: start.elapsed(),
            })
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no reply within {REQUEST_TIMEOUT:?}: {path}"))?
    }

    pub async fn get(&self, path: &str) -> Result<Reply> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply> {
        self.send(
            Method::POST,
            path,
            Some(Bytes::from(serde_json::to_vec(body)?)),
        )
        .await
    }
}

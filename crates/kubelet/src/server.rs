//! The kubelet's streaming endpoint: what the API server forwards `pods/exec`, `pods/attach`
//! and `pods/portforward` to, with kubelet's paths:
//!
//! - `/exec/{namespace}/{pod}/{uid}/{container}?command=…&stdin=…&stdout=…&stderr=…&tty=…`
//! - `/attach/{namespace}/{pod}/{uid}/{container}?stdin=…&stdout=…&stderr=…&tty=…`
//! - `/portForward/{namespace}/{pod}/{uid}`
//! - `/containerLogs/{namespace}/{pod}/{uid}/{container}?follow=…&previous=…&tailLines=…` (no
//!   upgrade: plain or streamed `text/plain`, see `logs`)
//!
//! Exec and attach speak WebSocket (`v5.channel.k8s.io`, `v4.channel.k8s.io`) to the client
//! and SPDY to the runtime's streaming server; a client asking for plain SPDY is spliced to
//! that server, which speaks its protocol. Port-forward speaks SPDY to both, over a WebSocket
//! tunnel (`SPDY/3.1+portforward.k8s.io`) or a plain SPDY upgrade.
//!
//! [`StreamingServer::serve_connection`] serves any byte stream: the API server in the same
//! process hands it one end of an in-memory pipe; joined agents put it behind TLS.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::json;
use streaming::remotecommand as rc;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::Shared;

/// Response bodies: whole, or streamed (logs while following).
pub type Body = UnsyncBoxBody<Bytes, std::io::Error>;

pub(crate) fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// Serves the streaming endpoints of one node agent.
pub struct StreamingServer {
    shared: Arc<Shared>,
}

/// TLS of a joined agent's streaming endpoint: its serving certificate, and the cluster CA
/// that the API server's client certificate must chain to.
#[derive(Debug, Clone)]
pub struct ServingTls {
    pub ca: String,
    pub certificate: String,
    pub key: String,
}

fn tls_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

fn server_config(tls: &ServingTls) -> std::io::Result<Arc<rustls::ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut tls.ca.as_bytes()) {
        roots.add(c?).map_err(tls_error)?;
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(tls_error)?;
    let chain =
        rustls_pemfile::certs(&mut tls.certificate.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    let key = rustls_pemfile::private_key(&mut tls.key.as_bytes())?
        .ok_or_else(|| tls_error("no private key in PEM"))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The common name of a certificate (DER).
fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let cn = cert.subject().iter_common_name().next()?.as_str().ok()?;
    Some(cn.to_string())
}

/// The only client allowed: the API server, by the common name of its certificate (node
/// certificates come from the same CA and must not reach other nodes' pods).
pub const API_SERVER_CLIENT_CN: &str = "kube-apiserver-kubelet-client";

/// What a request asks for, parsed from its path and query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Exec {
        pod: PodRef,
        container: String,
        command: Vec<String>,
        streams: cri::stream::Streams,
    },
    Attach {
        pod: PodRef,
        container: String,
        streams: cri::stream::Streams,
    },
    PortForward {
        pod: PodRef,
    },
    Logs {
        pod: PodRef,
        container: String,
        query: HashMap<String, Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodRef {
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

/// A query flag as Kubernetes parses booleans (`true`, `1`).
pub(crate) fn flag(query: &HashMap<String, Vec<String>>, name: &str) -> bool {
    query
        .get(name)
        .and_then(|v| v.last())
        .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "True" | "TRUE"))
}

fn parse_query(query: Option<&str>) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(decode(k)).or_default().push(decode(v));
    }
    out
}

/// Percent-decodes a query component (`+` is a space) or, with `plus_is_space` false, a
/// path segment.
fn decode_with(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'+', _) if plus_is_space => out.push(b' '),
            (b'%', Some(v)) => {
                out.push(v);
                i += 2;
            }
            (c, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode(s: &str) -> String {
    decode_with(s, true)
}

/// Parses a streaming request's path and query.
pub(crate) fn parse_target(path: &str, query: Option<&str>) -> Result<Target, String> {
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| decode_with(s, false))
        .collect();
    let q = parse_query(query);
    let streams = cri::stream::Streams {
        stdin: flag(&q, "stdin") || flag(&q, "input"),
        stdout: flag(&q, "stdout") || flag(&q, "output"),
        stderr: flag(&q, "stderr") || flag(&q, "error"),
        tty: flag(&q, "tty"),
    };
    let pod = |s: &[String]| PodRef {
        namespace: s[0].clone(),
        name: s[1].clone(),
        uid: s[2].clone(),
    };
    let nonempty = |s: &[String]| s.iter().all(|x| !x.is_empty());
    match segments.split_first() {
        Some((kind, rest)) if kind == "exec" && rest.len() == 4 && nonempty(rest) => {
            let command = q.get("command").cloned().unwrap_or_default();
            if command.is_empty() {
                return Err("you must specify at least 1 command".into());
            }
            Ok(Target::Exec {
                pod: pod(rest),
                container: rest[3].clone(),
                command,
                streams,
            })
        }
        Some((kind, rest)) if kind == "attach" && rest.len() == 4 && nonempty(rest) => {
            Ok(Target::Attach {
                pod: pod(rest),
                container: rest[3].clone(),
                streams,
            })
        }
        Some((kind, rest)) if kind == "portForward" && rest.len() == 3 && nonempty(rest) => {
            Ok(Target::PortForward { pod: pod(rest) })
        }
        Some((kind, rest)) if kind == "containerLogs" && rest.len() == 4 && nonempty(rest) => {
            Ok(Target::Logs {
                pod: pod(rest),
                container: rest[3].clone(),
                query: q,
            })
        }
        _ => Err(format!("no streaming endpoint at {path}")),
    }
}

/// How the client wants to talk, from its upgrade headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upgrade {
    /// WebSocket with the chosen subprotocol.
    WebSocket(&'static str),
    /// Plain SPDY/3.1 with the chosen `X-Stream-Protocol-Version`.
    Spdy(&'static str),
}

/// Every value of a (possibly repeated, comma-separated) header, in order.
fn header_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether the client asks for a plain SPDY/3.1 upgrade.
fn is_spdy(headers: &HeaderMap) -> bool {
    headers
        .get(http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|u| u.eq_ignore_ascii_case(streaming::spdy::UPGRADE))
}

/// Picks the protocol: the first of `offered` (the client's, in its order) that we speak.
/// Exec and attach over plain SPDY are not negotiated here: the runtime chooses.
pub(crate) fn negotiate(headers: &HeaderMap, port_forward: bool) -> Option<Upgrade> {
    let values = |name: &str| header_values(headers, name);
    let upgrade = headers
        .get(http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if upgrade.eq_ignore_ascii_case("websocket") {
        let ours: &[&'static str] = if port_forward {
            &[rc::WEBSOCKET_SPDY_PORT_FORWARD]
        } else {
            &[rc::WEBSOCKET_V5, rc::WEBSOCKET_V4]
        };
        let offered = values("sec-websocket-protocol");
        return offered
            .iter()
            .find_map(|o| ours.iter().find(|p| **p == o))
            .map(|p| Upgrade::WebSocket(p));
    }
    if is_spdy(headers) && port_forward {
        let offered = values(rc::PROTOCOL_HEADER);
        return offered
            .iter()
            .any(|o| o == rc::SPDY_PORT_FORWARD)
            .then_some(Upgrade::Spdy(rc::SPDY_PORT_FORWARD));
    }
    None
}

fn status_response(code: StatusCode, reason: &str, message: &str) -> Response<Body> {
    let body = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code.as_u16(),
    });
    let mut r = Response::new(full(Bytes::from(body.to_string())));
    *r.status_mut() = code;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn bad_request(message: &str) -> Response<Body> {
    status_response(StatusCode::BAD_REQUEST, "BadRequest", message)
}

impl StreamingServer {
    pub fn new(shared: Arc<Shared>) -> Arc<StreamingServer> {
        Arc::new(StreamingServer { shared })
    }

    /// Serves HTTP/1.1 (with upgrades) on `io` until the client hangs up.
    pub async fn serve_connection<IO>(self: Arc<Self>, io: IO)
    where
        IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let service = hyper::service::service_fn(move |req| {
            let server = self.clone();
            async move { Ok::<_, Infallible>(server.handle(req).await) }
        });
        if let Err(e) = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(io), service)
            .with_upgrades()
            .await
        {
            tracing::debug!(error = %e, "streaming connection ended with an error");
        }
    }

    /// Serves TLS on `addr` to the API server (a client certificate from the cluster CA
    /// with the API server's name). Returns once listening.
    pub async fn listen_tls(
        self: Arc<Self>,
        addr: std::net::SocketAddr,
        tls: &ServingTls,
    ) -> std::io::Result<()> {
        let acceptor = tokio_rustls::TlsAcceptor::from(server_config(tls)?);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!(%addr, "streaming endpoint listening");
        tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::warn!(error = %e, "streaming endpoint: accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let _ = tcp.set_nodelay(true);
                let (acceptor, server) = (acceptor.clone(), self.clone());
                tokio::spawn(async move {
                    let handshake = tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        acceptor.accept(tcp),
                    );
                    let Ok(Ok(stream)) = handshake.await else {
                        tracing::debug!(%peer, "streaming endpoint: TLS handshake failed");
                        return;
                    };
                    let client = stream
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .and_then(|c| common_name(c.as_ref()));
                    if client.as_deref() != Some(API_SERVER_CLIENT_CN) {
                        tracing::warn!(%peer, ?client, "streaming endpoint: client refused");
                        return;
                    }
                    server.serve_connection(stream).await;
                });
            }
        });
        Ok(())
    }

    async fn handle(&self, mut req: Request<Incoming>) -> Response<Body> {
        if !matches!(*req.method(), Method::GET | Method::POST) {
            return status_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "streaming endpoints take GET or POST",
            );
        }
        let target = match parse_target(req.uri().path(), req.uri().query()) {
            Ok(t) => t,
            Err(e) if e.starts_with("no streaming") => {
                return status_response(StatusCode::NOT_FOUND, "NotFound", &e)
            }
            Err(e) => return bad_request(&e),
        };
        if let Target::Logs {
            pod,
            container,
            query,
        } = &target
        {
            let dir = &self.shared.config.data_dir;
            return crate::logs::serve(dir, &pod.name, &pod.uid, container, query)
                .await
                .unwrap_or_else(|e| e.response());
        }
        let port_forward = matches!(target, Target::PortForward { .. });
        let spdy_remote_command = !port_forward && is_spdy(req.headers());
        let upgrade = negotiate(req.headers(), port_forward);
        if upgrade.is_none() && !spdy_remote_command {
            return bad_request(if port_forward {
                "port-forward needs a WebSocket (SPDY/3.1+portforward.k8s.io) or SPDY/3.1 (portforward.k8s.io) upgrade"
            } else {
                "exec and attach need a WebSocket (v5.channel.k8s.io or v4.channel.k8s.io) or SPDY/3.1 upgrade"
            });
        }
        // Find what the request is about before switching protocols, so that errors can
        // still be plain responses.
        let prepared = match &target {
            Target::Exec {
                pod,
                container,
                command,
                streams,
            } => match crate::exec::find_container(&self.shared, pod, container).await {
                Ok(id) => crate::exec::Prepared::Exec {
                    container_id: id,
                    command: command.clone(),
                    streams: *streams,
                },
                Err(e) => return e.response(),
            },
            Target::Attach {
                pod,
                container,
                streams,
            } => match crate::exec::find_container(&self.shared, pod, container).await {
                Ok(id) => crate::exec::Prepared::Attach {
                    container_id: id,
                    streams: *streams,
                },
                Err(e) => return e.response(),
            },
            Target::PortForward { pod } => {
                match crate::port_forward::find_sandbox(&self.shared, pod).await {
                    Ok(id) => crate::exec::Prepared::PortForward { sandbox_id: id },
                    Err(e) => return e.response(),
                }
            }
            Target::Logs { .. } => return bad_request("logs are not a protocol upgrade"),
        };
        let mut response = Response::new(full(Bytes::new()));
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let h = response.headers_mut();
        h.insert(
            http::header::CONNECTION,
            HeaderValue::from_static("Upgrade"),
        );
        let Some(upgrade) = upgrade else {
            // Exec or attach over plain SPDY: spliced to the runtime, which chooses the version.
            let offered = header_values(req.headers(), rc::PROTOCOL_HEADER);
            let client = hyper::upgrade::on(&mut req);
            let chosen = match crate::exec::spdy_relay(&self.shared, prepared, &offered, client)
                .await
            {
                Ok(chosen) => chosen,
                Err(e) => {
                    return status_response(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", &e)
                }
            };
            let h = response.headers_mut();
            h.insert(
                http::header::UPGRADE,
                HeaderValue::from_static(streaming::spdy::UPGRADE),
            );
            if let Ok(v) = HeaderValue::from_str(&chosen) {
                h.insert(rc::PROTOCOL_HEADER, v);
            }
            return response;
        };
        match upgrade {
            Upgrade::WebSocket(protocol) => {
                let Some(key) = req.headers().get("sec-websocket-key") else {
                    return bad_request("missing Sec-WebSocket-Key");
                };
                let accept =
                    tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
                h.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
                h.insert("sec-websocket-protocol", HeaderValue::from_static(protocol));
                if let Ok(v) = HeaderValue::from_str(&accept) {
                    h.insert("sec-websocket-accept", v);
                }
            }
            Upgrade::Spdy(protocol) => {
                h.insert(
                    http::header::UPGRADE,
                    HeaderValue::from_static(streaming::spdy::UPGRADE),
                );
                h.insert(rc::PROTOCOL_HEADER, HeaderValue::from_static(protocol));
            }
        }
        let on_upgrade = hyper::upgrade::on(&mut req);
        let shared = self.shared.clone();
        tokio::spawn(async move {
            match on_upgrade.await {
                Ok(upgraded) => {
                    crate::exec::run(shared, prepared, upgrade, TokioIo::new(upgraded)).await
                }
                Err(e) => tracing::debug!(error = %e, "streaming upgrade failed"),
            }
        });
        response
    }
}

/// Why a streaming request cannot be served, as a plain HTTP answer.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub code: StatusCode,
    pub reason: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn not_found(message: String) -> Refusal {
        Refusal {
            code: StatusCode::NOT_FOUND,
            reason: "NotFound",
            message,
        }
    }

    pub fn internal(message: String) -> Refusal {
        Refusal {
            code: StatusCode::INTERNAL_SERVER_ERROR,
            reason: "InternalError",
            message,
        }
    }

    pub(crate) fn response(&self) -> Response<Body> {
        status_response(self.code, self.reason, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_parse_like_kubelets() {
        let t = parse_target(
            "/exec/default/web/u-1/app",
            Some("command=sh&command=-c&command=echo%20hi+there&stdin=true&stdout=1&tty=false"),
        )
        .unwrap();
        let Target::Exec {
            pod,
            container,
            command,
            streams,
        } = t
        else {
            panic!("not exec")
        };
        assert_eq!(pod.uid, "u-1");
        assert_eq!(container, "app");
        assert_eq!(command, vec!["sh", "-c", "echo hi there"]);
        assert!(streams.stdin && streams.stdout && !streams.stderr && !streams.tty);
        assert!(parse_target("/exec/default/web/u-1/app", None)
            .unwrap_err()
            .contains("at least 1 command"));
        assert!(matches!(
            parse_target("/portForward/ns/p/u", Some("port=80")),
            Ok(Target::PortForward { .. })
        ));
        assert!(parse_target("/exec/ns//u/c", Some("command=x")).is_err());
        assert!(parse_target("/logs/x", None).is_err());
        assert_eq!(decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn protocols_are_negotiated_from_the_offer() {
        let mut h = HeaderMap::new();
        h.insert("upgrade", HeaderValue::from_static("websocket"));
        h.insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("v5.channel.k8s.io, v4.channel.k8s.io"),
        );
        assert_eq!(
            negotiate(&h, false),
            Some(Upgrade::WebSocket(rc::WEBSOCKET_V5))
        );
        assert_eq!(negotiate(&h, true), None);
        h.insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("SPDY/3.1+portforward.k8s.io"),
        );
        assert_eq!(
            negotiate(&h, true),
            Some(Upgrade::WebSocket(rc::WEBSOCKET_SPDY_PORT_FORWARD))
        );
        let mut s = HeaderMap::new();
        s.insert("upgrade", HeaderValue::from_static("SPDY/3.1"));
        s.append(
            rc::PROTOCOL_HEADER,
            HeaderValue::from_static("portforward.k8s.io"),
        );
        assert_eq!(
            negotiate(&s, true),
            Some(Upgrade::Spdy(rc::SPDY_PORT_FORWARD))
        );
        assert_eq!(negotiate(&s, false), None);
        assert_eq!(negotiate(&HeaderMap::new(), false), None);
    }
}

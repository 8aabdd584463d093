//! `pods/exec`, `pods/attach` and `pods/portforward` (and `pods/log`, see `logs`): after the
//! API checks (the pod exists, runs on a node, the container is valid), the request is
//! forwarded to the streaming endpoint of the pod's node agent with kubelet's paths. When the
//! agent switches protocols, so does the client's connection, and the two are spliced
//! together: the agent speaks kubectl's WebSocket and SPDY protocols itself.
//!
//! The node agent in this process is reached through an in-memory pipe ([`register_local`]);
//! agents on other machines over TLS ([`KubeletTls`]), at the InternalIP and kubelet port
//! their Node reports.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::codec::Output;
use crate::error::{ApiError, ApiResult};
use crate::request::{Query, ResourceRequest};
use crate::{ApiServer, Body};

/// A byte stream to a node agent's streaming endpoint.
pub trait Connection: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Connection for T {}

/// Opens a connection to the streaming endpoint of a node agent in this process.
pub type LocalConnector = Arc<dyn Fn() -> Pin<Box<dyn Connection>> + Send + Sync>;

static LOCAL: RwLock<Option<HashMap<String, LocalConnector>>> = RwLock::new(None);

/// Makes `node`'s streaming endpoint reachable in process.
pub fn register_local(node: &str, connect: LocalConnector) {
    if let Ok(mut map) = LOCAL.write() {
        map.get_or_insert_with(HashMap::new)
            .insert(node.to_string(), connect);
    }
}

fn local(node: &str) -> Option<LocalConnector> {
    LOCAL.read().ok()?.as_ref()?.get(node).cloned()
}

/// How the API server reaches agents on other machines: TLS with a client certificate the
/// agents accept, verifying their serving certificates against the cluster CA.
pub struct KubeletTls {
    pub config: Arc<rustls::ClientConfig>,
}

impl KubeletTls {
    /// Trusts serving certificates signed by `ca_pem`; authenticates with `cert_pem`/`key_pem`.
    pub fn new(ca_pem: &str, cert_pem: &str, key_pem: &str) -> std::io::Result<KubeletTls> {
        let err = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
            roots.add(c?).map_err(|e| err(&e))?;
        }
        let chain =
            rustls_pemfile::certs(&mut cert_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
        let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())?
            .ok_or_else(|| err(&"no private key in PEM"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| err(&e))?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .map_err(|e| err(&e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(KubeletTls {
            config: Arc::new(config),
        })
    }
}

/// Subresources forwarded to the node.
pub(crate) fn is_streaming(subresource: &str) -> bool {
    matches!(subresource, "exec" | "attach" | "portforward")
}

/// Request headers that stay on this hop.
fn hop_header(name: &http::HeaderName) -> bool {
    matches!(
        name.as_str(),
        "authorization" | "host" | "content-length" | "transfer-encoding" | "keep-alive"
    )
}

impl ApiServer {
    pub(crate) async fn stream_to_node(
        &self,
        parts: &mut http::request::Parts,
        rr: &ResourceRequest,
        name: &str,
        subresource: &str,
    ) -> ApiResult<Response<Body>> {
        if !matches!(parts.method, http::Method::GET | http::Method::POST) {
            return Err(ApiError::method_not_supported(
                "pods",
                parts.method.as_str(),
            ));
        }
        let q = Query::parse(parts.uri.query());
        let pod = self.get(rr, name, Output::Json).await?;
        let namespace = rr.namespace.as_deref().unwrap_or("default");
        let uid = pod["metadata"]["uid"].as_str().unwrap_or_default();
        let path = match subresource {
            "portforward" => format!("/portForward/{namespace}/{name}/{uid}"),
            verb => {
                let phase = pod["status"]["phase"].as_str().unwrap_or("");
                if matches!(phase, "Succeeded" | "Failed") {
                    let action = if verb == "exec" {
                        "exec into"
                    } else {
                        "attach to"
                    };
                    return Err(ApiError::bad_request(format!(
                        "cannot {action} a container in a completed pod; current phase is {phase}"
                    )));
                }
                let container = crate::logs::pod_container(&pod, name, q.get("container"))?;
                format!("/{verb}/{namespace}/{name}/{uid}/{container}")
            }
        };
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        if node.is_empty() {
            return Err(ApiError::bad_request(format!(
                "pod {name} does not have a host assigned"
            )));
        }
        let Some(client_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
            return Err(ApiError::bad_request(format!(
                "{subresource} needs a connection upgrade (WebSocket or SPDY)"
            )));
        };
        let target = match parts.uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        let mut builder = http::Request::builder()
            .method(parts.method.clone())
            .uri(target)
            .header(http::header::HOST, node);
        for (k, v) in parts.headers.iter().filter(|(k, _)| !hop_header(k)) {
            builder = builder.header(k, v);
        }
        let request = builder
            .body(Empty::<Bytes>::new())
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let mut answer = self.node_request(node, request).await?;
        if answer.status() != StatusCode::SWITCHING_PROTOCOLS {
            return relay_refusal(answer).await;
        }
        let mut response = Response::new(crate::full(Bytes::new()));
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        *response.headers_mut() = answer.headers().clone();
        let node_upgrade = hyper::upgrade::on(&mut answer);
        tokio::spawn(async move {
            let (client, node) = tokio::join!(client_upgrade, node_upgrade);
            if let (Ok(client), Ok(node)) = (client, node) {
                let (mut client, mut node) = (TokioIo::new(client), TokioIo::new(node));
                let _ = tokio::io::copy_bidirectional(&mut client, &mut node).await;
            }
        });
        Ok(response)
    }

    /// `GET path` on `node`'s agent; its answer (status, type and body, streamed) passes
    /// through.
    pub(crate) async fn get_from_node(&self, node: &str, path: &str) -> ApiResult<Response<Body>> {
        let request = http::Request::get(path)
            .header(http::header::HOST, node)
            .body(Empty::<Bytes>::new())
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let answer = self.node_request(node, request).await?;
        let (parts, body) = answer.into_parts();
        let mut response = Response::new(body.map_err(std::io::Error::other).boxed_unsync());
        *response.status_mut() = parts.status;
        if let Some(t) = parts.headers.get(http::header::CONTENT_TYPE) {
            response
                .headers_mut()
                .insert(http::header::CONTENT_TYPE, t.clone());
        }
        Ok(response)
    }

    /// Sends `request` to `node`'s agent on a connection of its own (kept open for upgrades
    /// and streamed bodies).
    async fn node_request(
        &self,
        node: &str,
        request: http::Request<Empty<Bytes>>,
    ) -> ApiResult<Response<hyper::body::Incoming>> {
        let conn = self.dial_node(node).await?;
        let unreachable = |e: &dyn std::fmt::Display| {
            ApiError::new(
                503,
                "ServiceUnavailable",
                format!("error dialing backend: node {node}: {e}"),
            )
        };
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(conn))
            .await
            .map_err(|e| unreachable(&e))?;
        tokio::spawn(async move {
            let _ = connection.with_upgrades().await;
        });
        sender
            .send_request(request)
            .await
            .map_err(|e| unreachable(&e))
    }

    async fn dial_node(&self, node: &str) -> ApiResult<Pin<Box<dyn Connection>>> {
        if let Some(connect) = local(node) {
            return Ok(connect());
        }
        let unreachable = |message: String| {
            ApiError::new(
                503,
                "ServiceUnavailable",
                format!("error dialing backend: {message}"),
            )
        };
        let Some(tls) = self.kubelet_tls.get() else {
            return Err(unreachable(format!(
                "node {node} is not served by this process and no kubelet client certificate is configured"
            )));
        };
        let rr = ResourceRequest {
            resource: apimachinery::catalog::find("", "v1", "nodes").expect("nodes are served"),
            namespace: None,
            name: None,
            subresource: None,
            watch_path: false,
        };
        let node_obj = self
            .get(&rr, node, Output::Json)
            .await
            .map_err(|e| unreachable(format!("node {node}: {}", e.message)))?;
        let (ip, port) = kubelet_endpoint(&node_obj)
            .ok_or_else(|| unreachable(format!("node {node} reports no InternalIP")))?;
        let tcp = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::net::TcpStream::connect((ip, port)),
        )
        .await
        .map_err(|_| unreachable(format!("dial tcp {ip}:{port}: timeout")))?
        .map_err(|e| unreachable(format!("dial tcp {ip}:{port}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let name = rustls::pki_types::ServerName::IpAddress(ip.into());
        let stream = tokio_rustls::TlsConnector::from(tls.config.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| unreachable(format!("TLS with {ip}:{port}: {e}")))?;
        Ok(Box::pin(stream))
    }
}

/// The address and port of a Node's kubelet: its InternalIP and `daemonEndpoints`.
fn kubelet_endpoint(node: &Value) -> Option<(std::net::IpAddr, u16)> {
    let ip = node["status"]["addresses"]
        .as_array()?
        .iter()
        .find(|a| a["type"] == "InternalIP")?["address"]
        .as_str()?
        .parse()
        .ok()?;
    let port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p > 0)
        .unwrap_or(10250);
    Some((ip, port))
}

/// The agent's answer when it did not switch protocols: a Status passes through as is.
async fn relay_refusal(answer: Response<hyper::body::Incoming>) -> ApiResult<Response<Body>> {
    let status = answer.status();
    let content_type = answer.headers().get(http::header::CONTENT_TYPE).cloned();
    let body = Limited::new(answer.into_body(), 1 << 20)
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut r = Response::new(crate::full(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        content_type.unwrap_or(HeaderValue::from_static("text/plain")),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_kubelet_endpoint_comes_from_the_node_status() {
        let node = json!({"status": {
            "addresses": [{"type": "Hostname", "address": "n1"},
                          {"type": "InternalIP", "address": "198.18.254.2"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10251}}}});
        assert_eq!(
            kubelet_endpoint(&node),
            Some(("198.18.254.2".parse().unwrap(), 10251))
        );
        let no_port =
            json!({"status": {"addresses": [{"type": "InternalIP", "address": "198.18.254.3"}]}});
        assert_eq!(kubelet_endpoint(&no_port).unwrap().1, 10250);
        assert_eq!(kubelet_endpoint(&json!({})), None);
        assert!(is_streaming("exec") && is_streaming("portforward") && !is_streaming("log"));
    }
}

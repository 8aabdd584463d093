//! How `rudder agent` reaches a server on another machine: joining with the node token
//! (fetch the CA, check it against the token's hash, get a node client certificate; see
//! `apiserver::join`) and a kube-rs transport over HTTPS with that certificate, every request
//! multiplexed on one HTTP/2 connection that is re-established when it breaks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a joined node authenticates with.
pub struct Credentials {
    pub ca: String,
    pub certificate: String,
    pub key: String,
    /// The node's serving certificate and key for its streaming endpoint.
    pub serving_certificate: String,
    pub serving_key: String,
}

/// `https://host:port` split into what a connection needs.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub base: String,
    pub authority: String,
    pub host: String,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let uri: Uri = url.parse().map_err(|e| format!("--server {url:?}: {e}"))?;
        if uri.scheme_str() != Some("https") {
            return Err(format!("--server {url:?}: must be an https:// URL"));
        }
        let host = uri
            .host()
            .ok_or_else(|| format!("--server {url:?}: no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(6443);
        let authority = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        Ok(Endpoint {
            base: format!("https://{authority}"),
            authority,
            host,
        })
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts any server certificate: only for fetching the CA, which is then checked against
/// the token's hash before anything is trusted.
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn client_config(
    ca: Option<&str>,
    identity: Option<(&str, &str)>,
) -> Result<rustls::ClientConfig, BoxError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?;
    let builder = match ca {
        Some(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_pemfile::certs(&mut pem.as_bytes()) {
                roots.add(cert?)?;
            }
            builder.with_root_certificates(roots)
        }
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider()))),
    };
    let mut config = match identity {
        Some((cert, key)) => {
            let chain =
                rustls_pemfile::certs(&mut cert.as_bytes()).collect::<std::io::Result<Vec<_>>>()?;
            let key = rustls_pemfile::private_key(&mut key.as_bytes())?
                .ok_or("no private key in the node credentials")?;
            builder.with_client_auth_cert(chain, key)?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

async fn connect<B>(endpoint: &Endpoint, tls: &TlsConnector) -> Result<SendRequest<B>, BoxError>
where
    B: hyper::body::Body + Send + Unpin + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let tcp = TcpStream::connect(&endpoint.authority).await?;
    tcp.set_nodelay(true)?;
    let name = ServerName::try_from(endpoint.host.clone())?;
    let stream = tls.connect(name, tcp).await?;
    let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor::new())
        .handshake(TokioIo::new(stream))
        .await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "connection to the API server ended");
        }
    });
    Ok(sender)
}

/// One request on a fresh connection, for the two join steps.
async fn request(
    endpoint: &Endpoint,
    tls: &TlsConnector,
    req: Request<Full<Bytes>>,
) -> Result<(http::StatusCode, Bytes), BoxError> {
    let mut sender = connect(endpoint, tls).await?;
    let response = sender.send_request(req).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// Joins `endpoint` as `node` with `token`: the CA, checked against the token, and a client
/// certificate for the node.
pub async fn join(
    endpoint: &Endpoint,
    token: &str,
    node: &str,
    node_ip: std::net::IpAddr,
) -> Result<Credentials, String> {
    let (hash, secret) = apiserver::join::parse_token(token)
        .ok_or("--token: expected <CA hash>::<secret> (the server's DATA_DIR/tls node token)")?;
    let insecure = TlsConnector::from(Arc::new(
        client_config(None, None).map_err(|e| e.to_string())?,
    ));
    let get = Request::get(format!(
        "{}{}",
        endpoint.base,
        apiserver::join::CACERTS_PATH
    ))
    .body(Full::new(Bytes::new()))
    .map_err(|e| e.to_string())?;
    let (status, body) = request(endpoint, &insecure, get)
        .await
        .map_err(|e| format!("fetching the cluster CA from {}: {e}", endpoint.base))?;
    let ca = String::from_utf8_lossy(&body).into_owned();
    if !status.is_success() {
        return Err(format!("fetching the cluster CA: HTTP {status}"));
    }
    if apiserver::join::ca_hash(&ca) != hash {
        return Err(format!(
            "the CA served by {} does not match the token: refusing to join",
            endpoint.base
        ));
    }
    let trusted = TlsConnector::from(Arc::new(
        client_config(Some(&ca), None).map_err(|e| e.to_string())?,
    ));
    let post = Request::post(format!(
        "{}{}?node={node}&ip={node_ip}",
        endpoint.base,
        apiserver::join::CREDENTIALS_PATH
    ))
    .header(http::header::AUTHORIZATION, format!("Bearer {secret}"))
    .body(Full::new(Bytes::new()))
    .map_err(|e| e.to_string())?;
    let (status, body) = request(endpoint, &trusted, post)
        .await
        .map_err(|e| format!("requesting node credentials: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "requesting node credentials: HTTP {status}: {}",
            String::from_utf8_lossy(&body).trim()
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let field = |k: &str| {
        v[k].as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("node credentials without {k:?}"))
    };
    Ok(Credentials {
        ca,
        certificate: field("certificate")?,
        key: field("key")?,
        serving_certificate: field("servingCertificate")?,
        serving_key: field("servingKey")?,
    })
}

/// A kube-rs transport to a remote API server.
#[derive(Clone)]
pub struct Remote {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    tls: TlsConnector,
    sender: tokio::sync::Mutex<Option<SendRequest<kube::client::Body>>>,
}

impl Remote {
    pub fn new(endpoint: Endpoint, credentials: &Credentials) -> Result<Remote, String> {
        let config = client_config(
            Some(&credentials.ca),
            Some((&credentials.certificate, &credentials.key)),
        )
        .map_err(|e| e.to_string())?;
        Ok(Remote {
            inner: Arc::new(Inner {
                endpoint,
                tls: TlsConnector::from(Arc::new(config)),
                sender: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

impl Inner {
    /// The live connection, or a new one if there is none or it closed.
    async fn sender(&self) -> Result<SendRequest<kube::client::Body>, BoxError> {
        let mut slot = self.sender.lock().await;
        if let Some(sender) = slot.as_ref() {
            if !sender.is_closed() {
                return Ok(sender.clone());
            }
        }
        let sender = connect(&self.endpoint, &self.tls).await?;
        *slot = Some(sender.clone());
        Ok(sender)
    }
}

impl tower::Service<Request<kube::client::Body>> for Remote {
    type Response = Response<Incoming>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<kube::client::Body>) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move {
            // HTTP/2 needs the scheme and authority; kube-rs gives a path.
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            *req.uri_mut() = format!("{}{path}", inner.endpoint.base).parse()?;
            let mut sender = inner.sender().await?;
            sender.ready().await?;
            Ok(sender.send_request(req).await?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_need_https_and_default_to_6443() {
        let e = Endpoint::parse("https://198.18.254.1").unwrap();
        assert_eq!(e.authority, "198.18.254.1:6443");
        assert_eq!(e.base, "https://198.18.254.1:6443");
        let e = Endpoint::parse("https://[::1]:7443").unwrap();
        assert_eq!(e.authority, "[::1]:7443");
        assert_eq!(e.host, "::1");
        assert!(Endpoint::parse("http://198.18.254.1:6443").is_err());
        assert!(Endpoint::parse("not a url").is_err());
    }
}

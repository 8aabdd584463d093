//! Joining nodes: `rudder agent --server URL --token T` on another machine becomes a node.
//!
//! The token is `<sha256 of the CA certificate, hex>::<secret>`. The agent fetches the CA from
//! the unauthenticated `/v1-rudder/cacerts` without verifying the connection, trusts it only if
//! its hash matches the token, then asks `/v1-rudder/node-credentials?node=NAME` (with the
//! secret as a bearer token) for a client certificate `CN=system:node:NAME, O=system:nodes`.
//! From then on it is an ordinary client-certificate user, as the embedded agent is.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use http::{Method, Request, Response, StatusCode};
use ring::digest;

/// Where join requests are served.
pub const CACERTS_PATH: &str = "/v1-rudder/cacerts";
pub const CREDENTIALS_PATH: &str = "/v1-rudder/node-credentials";

/// The hex SHA-256 of a PEM text, as the token carries it.
pub fn ca_hash(ca_pem: &str) -> String {
    digest::digest(&digest::SHA256, ca_pem.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Splits a token into (CA hash, secret).
pub fn parse_token(token: &str) -> Option<(&str, &str)> {
    let (hash, secret) = token.trim().split_once("::")?;
    let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && !secret.is_empty()).then_some((hash, secret))
}

/// The server side: the CA (to sign with) and the secret.
pub struct Join {
    tls_dir: PathBuf,
    ca_cert: String,
    secret: String,
}

/// A node name as the certificate may carry it: a DNS subdomain.
fn valid_node_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .split('.')
            .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'))
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

impl Join {
    /// Loads the token from `tls_dir/node-token` (the whole token, for an operator to copy),
    /// creating it on first start.
    pub fn load_or_create(tls_dir: &Path, ca_cert: &str) -> std::io::Result<Join> {
        let path = tls_dir.join("node-token");
        let hash = ca_hash(ca_cert);
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        let secret = match parse_token(&stored) {
            Some((h, secret)) if h == hash => secret.to_string(),
            _ => {
                let mut bytes = [0u8; 24];
                ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
                    .map_err(|_| std::io::Error::other("no randomness for the node token"))?;
                let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                crate::pki::write_private(&path, &format!("{hash}::{secret}\n"))?;
                secret
            }
        };
        Ok(Join {
            tls_dir: tls_dir.to_path_buf(),
            ca_cert: ca_cert.to_string(),
            secret,
        })
    }

    /// The token agents join with.
    pub fn token(&self) -> String {
        format!("{}::{}", ca_hash(&self.ca_cert), self.secret)
    }

    /// Answers a join request, or `None` when the path is not one.
    pub fn handle<B>(&self, req: &Request<B>) -> Option<Response<crate::Body>> {
        match (req.method(), req.uri().path()) {
            (&Method::GET, CACERTS_PATH) => Some(reply(StatusCode::OK, self.ca_cert.clone())),
            (&Method::POST, CREDENTIALS_PATH) => Some(self.credentials(req)),
            (_, CACERTS_PATH | CREDENTIALS_PATH) => Some(reply(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed\n".into(),
            )),
            _ => None,
        }
    }

    fn credentials<B>(&self, req: &Request<B>) -> Response<crate::Body> {
        let bearer = req
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !bearer.is_some_and(|b| constant_time_eq(b.as_bytes(), self.secret.as_bytes())) {
            return reply(StatusCode::UNAUTHORIZED, "invalid node token\n".into());
        }
        let params = || req.uri().query().unwrap_or("").split('&');
        let node = params()
            .find_map(|kv| kv.strip_prefix("node="))
            .map(str::to_string);
        let ips: Result<Vec<IpAddr>, _> = params()
            .filter_map(|kv| kv.strip_prefix("ip="))
            .map(str::parse)
            .collect();
        let Ok(ips) = ips else {
            return reply(StatusCode::BAD_REQUEST, "ip must be an IP address\n".into());
        };
        let Some(node) = node.filter(|n| valid_node_name(n)) else {
            return reply(
                StatusCode::BAD_REQUEST,
                "node must be a lowercase DNS name\n".into(),
            );
        };
        match self
            .issue(&node)
            .and_then(|c| Ok((c, self.issue_serving(&node, &ips)?)))
        {
            Ok(((cert, key), (serving_cert, serving_key))) => {
                let body = serde_json::json!({
                    "certificate": cert, "key": key, "ca": self.ca_cert,
                    "servingCertificate": serving_cert, "servingKey": serving_key,
                });
                let mut r = reply(StatusCode::OK, body.to_string());
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                r
            }
            Err(e) => {
                tracing::error!(error = %e, node, "issuing node credentials failed");
                reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "could not issue credentials\n".into(),
                )
            }
        }
    }

    /// A client certificate and key for `system:node:<node>`, signed by the cluster CA.
    fn issue(&self, node: &str) -> std::io::Result<(String, String)> {
        crate::pki::sign(
            &self.tls_dir,
            &format!("system:node:{node}"),
            Some("system:nodes"),
            crate::pki::Usage::Client,
            &[],
            1,
        )
    }

    /// A serving certificate for the node's streaming endpoint, valid for its name and the
    /// addresses it asked for.
    fn issue_serving(&self, node: &str, ips: &[IpAddr]) -> std::io::Result<(String, String)> {
        let mut sans = vec![node.to_string()];
        sans.extend(ips.iter().map(IpAddr::to_string));
        crate::pki::sign(
            &self.tls_dir,
            &format!("system:node:{node}"),
            Some("system:nodes"),
            crate::pki::Usage::Server,
            &sans,
            1,
        )
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn reply(status: StatusCode, body: String) -> Response<crate::Body> {
    let mut r = Response::new(crate::full(body));
    *r.status_mut() = status;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join() -> (tempfile::TempDir, Join) {
        let dir = tempfile::tempdir().unwrap();
        let pki = crate::pki::Pki::load_or_create(dir.path(), &[]).unwrap();
        let join = Join::load_or_create(dir.path(), &pki.ca_cert).unwrap();
        (dir, join)
    }

    #[test]
    fn token_carries_the_ca_hash_and_survives_restarts() {
        let (dir, j) = join();
        let token = j.token();
        let (hash, secret) = parse_token(&token).unwrap();
        assert_eq!(hash, ca_hash(&j.ca_cert));
        assert_eq!(secret.len(), 48);
        let again = Join::load_or_create(dir.path(), &j.ca_cert).unwrap();
        assert_eq!(again.token(), token);
        assert_eq!(parse_token("nohash"), None);
        assert_eq!(parse_token("abc::x"), None);
    }

    #[test]
    fn credentials_need_the_secret_and_a_valid_name() {
        let (_dir, j) = join();
        let req = |auth: Option<&str>, node: &str| {
            let mut b = Request::post(format!("{CREDENTIALS_PATH}?node={node}"));
            if let Some(a) = auth {
                b = b.header("authorization", a);
            }
            b.body(()).unwrap()
        };
        let status = |r: &Request<()>| j.handle(r).unwrap().status();
        assert_eq!(status(&req(None, "n1")), StatusCode::UNAUTHORIZED);
        assert_eq!(
            status(&req(Some("Bearer wrong"), "n1")),
            StatusCode::UNAUTHORIZED
        );
        let good = format!("Bearer {}", j.secret);
        assert_eq!(
            status(&req(Some(&good), "Bad_Name")),
            StatusCode::BAD_REQUEST
        );
        let resp = j.handle(&req(Some(&good), "n1")).unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            status(&req(Some(&good), "n1&ip=not-an-ip")),
            StatusCode::BAD_REQUEST
        );
        let (serving, _) = j
            .issue_serving("n1", &["198.18.254.2".parse().unwrap()])
            .unwrap();
        let der = rustls_pemfile::certs(&mut serving.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
        let sans = parsed.subject_alternative_name().unwrap().unwrap();
        assert!(sans.value.general_names.iter().any(|n| matches!(
            n,
            x509_parser::extensions::GeneralName::IPAddress(ip) if *ip == [198, 18, 254, 2]
        )));
        let (cert, _) = j.issue("n1").unwrap();
        let der = rustls_pemfile::certs(&mut cert.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
        let cn = parsed.subject().iter_common_name().next().unwrap();
        assert_eq!(cn.as_str().unwrap(), "system:node:n1");
        let get = Request::get(CACERTS_PATH).body(()).unwrap();
        assert_eq!(j.handle(&get).unwrap().status(), StatusCode::OK);
        assert!(j.handle(&Request::get("/api").body(()).unwrap()).is_none());
    }
}

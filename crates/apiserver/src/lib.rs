//! The Kubernetes-compatible HTTP API of Rudder.
//!
//! [`ApiServer::handle`] turns any `http::Request` into a response; [`serve`] puts it behind
//! TLS with client-certificate authentication. In-process clients can call `handle` directly.

pub mod admission;
pub mod authz;
pub mod codec;
pub mod discovery;
pub mod error;
mod eviction;
pub mod inprocess;
pub mod join;
pub mod logs;
pub mod managed;
pub mod metrics;
pub mod node_proxy;
pub mod openapi;
pub mod pki;
mod protobuf;
pub mod registry;
pub mod request;
pub mod rest;
mod reviews;
pub mod serve;
mod services;
mod stored_json;
#[cfg(test)]
mod tests;
mod token_request;
pub mod tokens;
mod watch;

use std::sync::Arc;
use std::time::Instant;

use apimachinery::catalog;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use serde_json::{json, Value};
use store::Store;

use crate::codec::{FieldValidation, MAX_BODY};
use crate::error::{ApiError, ApiResult};
use crate::request::{Query, ResourceRequest, Target};

/// The Kubernetes release whose API this server speaks.
pub const KUBERNETES_VERSION: &str = "v1.32.0";

pub type Body = UnsyncBoxBody<Bytes, std::io::Error>;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub groups: Vec<String>,
}

pub struct ApiServer {
    pub(crate) store: Arc<dyn Store>,
    pub metrics: metrics::Metrics,
    /// `host:port` clients reach this server at, for legacy discovery.
    pub advertise_address: String,
    pub(crate) services: services::ServiceAllocator,
    /// How to reach node agents in other processes for exec, attach and port-forward.
    pub(crate) kubelet_tls: std::sync::OnceLock<node_proxy::KubeletTls>,
    /// Signs and checks service-account tokens.
    pub(crate) tokens: std::sync::OnceLock<tokens::TokenIssuer>,
}

/// The provisioner of the built-in `local-path` StorageClass.
pub const LOCAL_PATH_PROVISIONER: &str = "rudder.io/local-path";

/// Namespaces that exist from the start.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn json_response(code: u16, v: &Value) -> Response<Body> {
    raw_json_response(code, serde_json::to_vec(v).unwrap_or_default())
}

fn raw_json_response(code: u16, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn error_response(e: &ApiError) -> Response<Body> {
    json_response(e.code, &e.status_json())
}

fn text_response(code: u16, text: String) -> Response<Body> {
    let mut r = Response::new(full(text));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Maps patch engine errors to the Status codes Kubernetes uses.
pub(crate) fn patch_error(e: apimachinery::patch::PatchError) -> ApiError {
    ApiError::new(e.status_code(), e.reason(), e.to_string())
}

pub fn version_info() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": format!("{KUBERNETES_VERSION}+rudder-{}", env!("CARGO_PKG_VERSION")),
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.23.0",
        "compiler": "gc",
        "platform": format!("{}/{}", std::env::consts::OS, match std::env::consts::ARCH { "x86_64" => "amd64", "aarch64" => "arm64", a => a }),
    })
}

impl ApiServer {
    pub fn new(store: Arc<dyn Store>, advertise_address: String) -> Arc<ApiServer> {
        Arc::new(ApiServer {
            store,
            metrics: metrics::Metrics::default(),
            advertise_address,
            services: services::ServiceAllocator::new(Default::default()),
            kubelet_tls: std::sync::OnceLock::new(),
            tokens: std::sync::OnceLock::new(),
        })
    }

    /// Lets the API issue (TokenRequest) and accept service-account tokens.
    pub fn set_token_issuer(&self, issuer: tokens::TokenIssuer) {
        let _ = self.tokens.set(issuer);
    }

    /// Lets exec, attach and port-forward reach node agents in other processes.
    pub fn set_kubelet_tls(&self, tls: node_proxy::KubeletTls) {
        let _ = self.kubelet_tls.set(tls);
    }

    /// Creates the system namespaces, the `default/kubernetes` and the `kube-system/kube-dns`
    /// Services and the default `local-path` StorageClass if missing.
    /// `storage_path` is where the `local-path` class keeps volumes on each node.
    pub async fn bootstrap(&self, storage_path: &str) -> ApiResult<()> {
        for ns in SYSTEM_NAMESPACES {
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            self.create_if_missing("namespaces", None, obj).await?;
        }
        let port = self
            .advertise_address
            .parse::<std::net::SocketAddr>()
            .map(|a| a.port())
            .unwrap_or(6443);
        let kubernetes = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {
                "clusterIP": self.services.ranges.nth(1).to_string(),
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}],
            },
        });
        self.create_if_missing("services", Some("default"), kubernetes)
            .await?;
        // Cluster DNS is served by every node agent on its bridge gateway; each agent
        // publishes its address in an EndpointSlice of this selector-less Service.
        let kube_dns = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kube-dns", "namespace": "kube-system",
                         "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                    "kubernetes.io/name": "KubeDNS"}},
            "spec": {
                "clusterIP": self.services.ranges.nth(10).to_string(),
                "ports": [
                    {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                    {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                ],
            },
        });
        self.create_if_missing("services", Some("kube-system"), kube_dns)
            .await?;
        // Pods' persistent volumes come from the node's disk, provisioned on first use.
        let local_path = json!({
            "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "local-path",
                         "annotations": {admission::DEFAULT_CLASS_ANNOTATION: "true"}},
            "provisioner": LOCAL_PATH_PROVISIONER,
            "parameters": {"path": storage_path},
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
        });
        self.create_resource_if_missing("storage.k8s.io", "storageclasses", None, local_path)
            .await
    }

    /// Points `default/kubernetes` at this API server (`ip`, the advertised port), as
    /// kube-apiserver's endpoint reconciler does: an Endpoints object and an EndpointSlice,
    /// replaced when the address changed.
    pub async fn publish_endpoints(&self, ip: std::net::IpAddr) -> ApiResult<()> {
        let port = self
            .advertise_address
            .parse::<std::net::SocketAddr>()
            .map(|a| a.port())
            .unwrap_or(6443);
        let endpoints = json!({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": ip.to_string()}],
                         "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}],
        });
        let family = if ip.is_ipv4() { "IPv4" } else { "IPv6" };
        let slice = json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "kubernetes",
                                    "endpointslice.kubernetes.io/managed-by": "rudder-apiserver"}},
            "addressType": family,
            "endpoints": [{"addresses": [ip.to_string()], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
        });
        self.upsert("", "endpoints", endpoints, "subsets").await?;
        self.upsert("discovery.k8s.io", "endpointslices", slice, "endpoints")
            .await
    }

    /// Creates `obj`, or replaces the stored one when its `field` differs.
    async fn upsert(&self, group: &str, plural: &str, obj: Value, field: &str) -> ApiResult<()> {
        let rr = ResourceRequest {
            resource: catalog::find(group, "v1", plural).expect("bootstrap resources are served"),
            namespace: obj["metadata"]["namespace"].as_str().map(str::to_string),
            name: None,
            subresource: None,
            watch_path: false,
        };
        let q = Query::parse(Some("fieldManager=rudder"));
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match self.create(&rr, &q, obj.clone()).await {
            Err(e) if e.reason == "AlreadyExists" => {
                let current = self.get(&rr, &name, codec::Output::Json).await?;
                if current[field] == obj[field] {
                    return Ok(());
                }
                let mut replacement = obj;
                replacement["metadata"]["resourceVersion"] =
                    current["metadata"]["resourceVersion"].clone();
                self.update(&rr, &name, &q, replacement).await.map(|_| ())
            }
            other => other.map(|_| ()),
        }
    }

    async fn create_if_missing(
        &self,
        plural: &str,
        namespace: Option<&str>,
        obj: Value,
    ) -> ApiResult<()> {
        self.create_resource_if_missing("", plural, namespace, obj)
            .await
    }

    async fn create_resource_if_missing(
        &self,
        group: &str,
        plural: &str,
        namespace: Option<&str>,
        obj: Value,
    ) -> ApiResult<()> {
        let rr = ResourceRequest {
            resource: catalog::find(group, "v1", plural).expect("bootstrap resources are served"),
            namespace: namespace.map(str::to_string),
            name: None,
            subresource: None,
            watch_path: false,
        };
        let q = Query::parse(Some("fieldManager=rudder"));
        match self.create(&rr, &q, obj).await {
            Ok(_) => Ok(()),
            Err(e) if e.reason == "AlreadyExists" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Serves one request. `user` is None for unauthenticated callers.
    pub async fn handle<B>(&self, req: Request<B>, user: Option<User>) -> Response<Body>
    where
        B: hyper::body::Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let started = Instant::now();
        let (mut parts, body) = req.into_parts();
        let mut verb = parts.method.as_str().to_string();
        let mut resource = String::new();
        let mut subresource = String::new();
        let response = match request::parse_path(parts.uri.path()) {
            Err(e) => error_response(&e),
            Ok(target) => {
                let public = matches!(target, Target::Version | Target::Health(_));
                if user.is_none() && !public {
                    error_response(&ApiError::unauthorized())
                } else if let Target::Resource(rr) = target {
                    resource = rr.resource.plural.to_string();
                    subresource = rr.subresource.clone().unwrap_or_default();
                    let q = Query::parse(parts.uri.query());
                    verb = metric_verb(&parts.method, &rr, &q, &parts.headers);
                    let mut warnings = Vec::new();
                    let streaming = match (&rr.name, rr.subresource.as_deref()) {
                        (Some(name), Some(sub)) if node_proxy::is_streaming(sub) => {
                            Some(self.stream_to_node(&mut parts, &rr, name, sub).await)
                        }
                        _ => None,
                    };
                    let result = match streaming {
                        Some(r) => r,
                        None => {
                            self.resource(&parts, body, &rr, q, user.as_ref(), &mut warnings)
                                .await
                        }
                    };
                    let mut r = match result {
                        Ok(r) => r,
                        Err(e) => error_response(&e),
                    };
                    add_warnings(&mut r, &warnings);
                    r
                } else {
                    self.non_resource(target, &parts.headers)
                }
            }
        };
        let code = response.status().as_u16();
        tracing::debug!(method = %parts.method, path = %parts.uri, code, elapsed_us = started.elapsed().as_micros() as u64, "request");
        self.metrics
            .observe(&verb, &resource, &subresource, code, started.elapsed());
        response
    }

    fn non_resource(&self, target: Target, headers: &http::HeaderMap) -> Response<Body> {
        let accept = headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let aggregated = |core: bool| {
            let mut r = json_response(200, &discovery::aggregated(core));
            r.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(discovery::AGGREGATED_CONTENT_TYPE),
            );
            r
        };
        match target {
            Target::Version => json_response(200, &version_info()),
            Target::Health(_) => text_response(200, "ok".into()),
            Target::Metrics => text_response(200, self.metrics.render()),
            Target::CoreVersions if discovery::wants_aggregated(accept) => aggregated(true),
            Target::CoreVersions => {
                json_response(200, &discovery::core_versions(&self.advertise_address))
            }
            Target::Groups if discovery::wants_aggregated(accept) => aggregated(false),
            Target::Groups => json_response(200, &discovery::group_list()),
            Target::Group(g) => json_response(200, &discovery::group(&g)),
            Target::GroupVersion(g, v) => json_response(200, &discovery::resource_list(&g, &v)),
            Target::OpenApiV3Index => json_response(200, &openapi::index()),
            Target::OpenApiV3(gv) => match openapi::document(&gv) {
                Some(doc) => json_response(200, &doc),
                None => error_response(&ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )),
            },
            Target::OpenApiV2 | Target::Resource(_) => error_response(&ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )),
        }
    }

    /// Serves a resource request; `warnings` collects what goes into `Warning` headers.
    async fn resource<B>(
        &self,
        parts: &http::request::Parts,
        body: B,
        rr: &ResourceRequest,
        mut q: Query,
        user: Option<&User>,
        warnings: &mut Vec<String>,
    ) -> ApiResult<Response<Body>>
    where
        B: hyper::body::Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let header =
            |name: http::header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let out = codec::negotiate(header(http::header::ACCEPT), q.get("includeObject"));
        let content_type = header(http::header::CONTENT_TYPE)
            .unwrap_or("application/json")
            .to_string();
        if q.get("fieldManager").is_none_or(str::is_empty) {
            if let Some(ua) = header(http::header::USER_AGENT) {
                let manager: String = ua
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(128)
                    .collect();
                q.set("fieldManager", &manager);
            }
        }
        let bytes = read_body(body).await?;
        let res = rr.resource;
        let allowed = |verb: &str| -> ApiResult<()> {
            let verbs = match &rr.subresource {
                Some(s) => res.subresource(s).map(|s| s.verbs).unwrap_or(&[]),
                None => res.verbs,
            };
            if verbs.contains(&verb) {
                Ok(())
            } else {
                Err(ApiError::method_not_supported(res.plural, verb))
            }
        };
        let name = rr.name.as_deref();
        let sub = rr.subresource.as_deref();
        let options = match parts.method {
            Method::POST => "CreateOptions",
            Method::PUT => "UpdateOptions",
            _ => "PatchOptions",
        };
        let validation = if matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
            FieldValidation::from_query(&q, options)?
        } else {
            FieldValidation::Ignore
        };
        let reply = match (&parts.method, name, sub) {
            (&Method::GET, _, None) if q.flag("watch") || rr.watch_path => {
                allowed("watch")?;
                let rx = self.watch(rr, &q, out).await?;
                return Ok(stream_response(rx));
            }
            (&Method::GET, None, None) if out == codec::Output::Json => {
                allowed("list")?;
                return Ok(raw_json_response(200, self.list_json(rr, &q).await?));
            }
            (&Method::GET, None, None) => {
                allowed("list")?;
                (200, self.list(rr, &q, out).await?)
            }
            (&Method::GET, Some(n), None | Some("status")) if out == codec::Output::Json => {
                allowed("get")?;
                return Ok(raw_json_response(200, self.get_json(rr, n).await?));
            }
            (&Method::GET, Some(n), None | Some("status")) => {
                allowed("get")?;
                (200, self.get(rr, n, out).await?)
            }
            (&Method::POST, None, None) if res.is_review() => {
                let review = codec::decode_body(&content_type, &bytes)?;
                self.review(rr, review, user).await?
            }
            (&Method::POST, None, None) => {
                allowed("create")?;
                let obj = codec::decode_object(res, &content_type, &bytes, validation, warnings)?;
                let (code, obj) = self.create(rr, &q, obj).await?;
                (code, codec::render_object(res, obj, out))
            }
            (&Method::PUT, Some(n), None | Some("status") | Some("finalize")) => {
                allowed("update")?;
                let obj = codec::decode_object(res, &content_type, &bytes, validation, warnings)?;
                let (code, obj) = self.update(rr, n, &q, obj).await?;
                (code, codec::render_object(res, obj, out))
            }
            (&Method::PATCH, Some(n), None | Some("status")) => {
                allowed("patch")?;
                let (code, obj) = self
                    .patch(rr, n, &q, &content_type, &bytes, validation, warnings)
                    .await?;
                (code, codec::render_object(res, obj, out))
            }
            (&Method::DELETE, Some(n), None) => {
                allowed("delete")?;
                self.delete(rr, n, &q, &bytes).await?
            }
            (&Method::DELETE, None, None) => {
                allowed("deletecollection")?;
                self.delete_collection(rr, &q, &bytes).await?
            }
            (&Method::GET, Some(n), Some("scale")) => (200, self.get_scale(rr, n).await?),
            (&Method::PUT, Some(n), Some("scale")) => {
                self.write_scale(rr, n, &q, None, &bytes).await?
            }
            (&Method::PATCH, Some(n), Some("scale")) => {
                self.write_scale(rr, n, &q, Some(&content_type), &bytes)
                    .await?
            }
            (&Method::POST, Some(n), Some("eviction")) => {
                let eviction = codec::decode_body(&content_type, &bytes)?;
                self.evict(rr, n, eviction).await?
            }
            (&Method::GET, Some(n), Some("log")) => return self.pod_log(rr, n, &q).await,
            (&Method::POST, Some(n), Some("token")) if res.plural == "serviceaccounts" => {
                let request = codec::decode_body(&content_type, &bytes)?;
                self.token_request(rr, n, request).await?
            }
            (&Method::POST, Some(n), Some("binding")) => {
                let binding = codec::decode_body(&content_type, &bytes)?;
                self.bind(rr, n, binding).await?
            }
            _ => {
                return Err(ApiError::method_not_supported(
                    res.plural,
                    parts.method.as_str(),
                ))
            }
        };
        Ok(json_response(reply.0, &reply.1))
    }
}

/// Adds one `Warning: 299 - "…"` header per distinct warning, quoted as Kubernetes quotes them.
fn add_warnings(response: &mut Response<Body>, warnings: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for w in warnings.iter().filter(|w| seen.insert(w.as_str())) {
        let mut text = String::with_capacity(w.len() + 10);
        text.push_str("299 - \"");
        for c in w.chars() {
            match c {
                '"' | '\\' => {
                    text.push('\\');
                    text.push(c);
                }
                c if c.is_control() => text.push(' '),
                c => text.push(c),
            }
        }
        text.push('"');
        if let Ok(v) = HeaderValue::from_bytes(text.as_bytes()) {
            response.headers_mut().append(http::header::WARNING, v);
        }
    }
}

/// Kubernetes' metric verbs: LIST and WATCH are told apart from GET, APPLY from PATCH.
fn metric_verb(
    method: &Method,
    rr: &ResourceRequest,
    q: &Query,
    headers: &http::HeaderMap,
) -> String {
    let is_apply = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/apply-patch"));
    match *method {
        Method::GET if q.flag("watch") || rr.watch_path => "WATCH".into(),
        Method::GET if rr.name.is_none() => "LIST".into(),
        Method::PATCH if is_apply => "APPLY".into(),
        ref m => m.as_str().to_string(),
    }
}

async fn read_body<B>(body: B) -> ApiResult<Bytes>
where
    B: hyper::body::Body<Data = Bytes> + Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(ApiError::too_large())
        }
        Err(e) => Err(ApiError::bad_request(format!(
            "error reading request body: {e}"
        ))),
    }
}

fn stream_response(rx: tokio::sync::mpsc::Receiver<Bytes>) -> Response<Body> {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::io::Error>(hyper::body::Frame::data(b)), rx))
    });
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut().insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    r
}

/// Convenience for tests and in-process callers: a request with a full body.
pub fn request(method: &str, uri: &str, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(body.into()))
        .expect("valid request")
}

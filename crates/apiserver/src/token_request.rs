//! `POST …/serviceaccounts/{name}/token` (TokenRequest, what `kubectl create token` and the
//! kubelet's projected token volumes use) and bearer-token authentication of service
//! accounts. Signing is in [`crate::tokens`].

use apimachinery::catalog;
use apimachinery::validation::Cause;
use serde_json::{json, Value};

use crate::codec::Output;
use crate::error::{ApiError, ApiResult};
use crate::request::ResourceRequest;
use crate::tokens::{Claims, ISSUER};
use crate::{ApiServer, User};

/// Upstream's bounds on a requested token lifetime.
const MIN_EXPIRATION: i64 = 600;
const MAX_EXPIRATION: i64 = 1 << 32;
const DEFAULT_EXPIRATION: i64 = 3600;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn resource_request(plural: &str, namespace: &str) -> ResourceRequest {
    ResourceRequest {
        resource: catalog::find("", "v1", plural).expect("core resources are served"),
        namespace: Some(namespace.to_string()),
        name: None,
        subresource: None,
        watch_path: false,
    }
}

/// The audiences a TokenRequest or TokenReview names: `spec.audiences`, else this API server.
pub(crate) fn requested_audiences(spec: &Value) -> Vec<String> {
    let named = crate::reviews::string_list(&spec["audiences"]);
    if named.is_empty() {
        vec![ISSUER.to_string()]
    } else {
        named
    }
}

impl ApiServer {
    pub(crate) async fn token_request(
        &self,
        rr: &ResourceRequest,
        name: &str,
        body: Value,
    ) -> ApiResult<(u16, Value)> {
        let issuer = self
            .tokens
            .get()
            .ok_or_else(|| ApiError::internal("no service account token issuer configured"))?;
        let namespace = rr.namespace.clone().unwrap_or_default();
        let sa = self.get(rr, name, Output::Json).await?;
        let spec = &body["spec"];
        let expiration = spec["expirationSeconds"]
            .as_i64()
            .unwrap_or(DEFAULT_EXPIRATION);
        let invalid = |field: &str, message: String| {
            ApiError::invalid(
                "authentication.k8s.io",
                "TokenRequest",
                name,
                &[Cause {
                    reason: "FieldValueInvalid",
                    message,
                    field: field.into(),
                }],
            )
        };
        if expiration < MIN_EXPIRATION {
            return Err(invalid(
                "spec.expirationSeconds",
                format!(
                    "Invalid value: {expiration}: may not specify a duration less than 10 minutes"
                ),
            ));
        }
        if expiration > MAX_EXPIRATION {
            return Err(invalid(
                "spec.expirationSeconds",
                format!("Invalid value: {expiration}: may not specify a duration larger than 2^32 seconds"),
            ));
        }
        let audiences = requested_audiences(spec);
        let bound = &spec["boundObjectRef"];
        let pod = match bound["kind"].as_str() {
            None | Some("") => None,
            Some("Pod") => {
                let pod_name = bound["name"].as_str().unwrap_or_default();
                let found = self
                    .get(
                        &resource_request("pods", &namespace),
                        pod_name,
                        Output::Json,
                    )
                    .await?;
                let uid = found["metadata"]["uid"].as_str().unwrap_or_default();
                if bound["uid"]
                    .as_str()
                    .is_some_and(|u| !u.is_empty() && u != uid)
                {
                    return Err(ApiError::conflict("", "pods", pod_name));
                }
                Some((pod_name.to_string(), uid.to_string()))
            }
            Some(other) => {
                return Err(invalid(
                    "spec.boundObjectRef.kind",
                    format!("Unsupported value: \"{other}\": supported values: \"Pod\""),
                ))
            }
        };
        let issued = now();
        let claims = Claims {
            namespace: namespace.clone(),
            service_account: name.to_string(),
            service_account_uid: sa["metadata"]["uid"].as_str().unwrap_or_default().into(),
            pod,
            audiences: audiences.clone(),
            expires: issued + expiration,
        };
        let token = issuer.issue(&claims, issued).map_err(ApiError::internal)?;
        let expires = chrono::DateTime::from_timestamp(claims.expires, 0)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut spec_out = json!({"audiences": audiences, "expirationSeconds": expiration});
        if bound.is_object() {
            spec_out["boundObjectRef"] = bound.clone();
        }
        Ok((
            201,
            json!({
                "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": name, "namespace": namespace, "creationTimestamp": null},
                "spec": spec_out,
                "status": {"token": token, "expirationTimestamp": expires},
            }),
        ))
    }

    /// The service account a bearer token speaks for, if the token is ours, unexpired, meant
    /// for this API server, and its service account (and bound pod) still exist.
    pub async fn authenticate_bearer(&self, headers: &http::HeaderMap) -> Option<User> {
        let token = headers
            .get(http::header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")?
            .trim();
        self.authenticate_token(token, &[ISSUER])
            .await
            .map(|(user, _)| user)
    }

    /// The service account `token` speaks for, if it is ours, unexpired, meant for one of
    /// `audiences`, and its service account (and bound pod) still exist; with the token's
    /// audiences.
    pub(crate) async fn authenticate_token(
        &self,
        token: &str,
        audiences: &[&str],
    ) -> Option<(User, Vec<String>)> {
        let claims = self.tokens.get()?.verify(token, now())?;
        if !claims
            .audiences
            .iter()
            .any(|a| audiences.contains(&a.as_str()))
        {
            return None;
        }
        let ns = &claims.namespace;
        let sa = self
            .get(
                &resource_request("serviceaccounts", ns),
                &claims.service_account,
                Output::Json,
            )
            .await
            .ok()?;
        if sa["metadata"]["uid"] != claims.service_account_uid.as_str() {
            return None;
        }
        if let Some((pod, uid)) = &claims.pod {
            let found = self
                .get(&resource_request("pods", ns), pod, Output::Json)
                .await
                .ok()?;
            if found["metadata"]["uid"] != uid.as_str() {
                return None;
            }
        }
        let user = User {
            name: format!("system:serviceaccount:{ns}:{}", claims.service_account),
            groups: vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
                "system:authenticated".into(),
            ],
        };
        Some((user, claims.audiences))
    }
}

//! The review resources of `authentication.k8s.io` and `authorization.k8s.io`: computed from
//! the request and the caller and returned, never stored. `kubectl auth can-i` creates
//! SelfSubjectAccessReviews (`--list`: SelfSubjectRulesReviews), `kubectl auth whoami` a
//! SelfSubjectReview; webhooks and proxies use TokenReviews and SubjectAccessReviews.

use apimachinery::catalog::Resource;
use apimachinery::validation::Cause;
use serde_json::{json, Value};

use crate::authz::{self, Subject};
use crate::error::{ApiError, ApiResult};
use crate::request::ResourceRequest;
use crate::token_request::requested_audiences;
use crate::{ApiServer, User};

fn invalid(res: &Resource, field: &str, value: &Value, detail: &str) -> ApiError {
    ApiError::invalid(
        res.group,
        res.kind,
        "",
        &[Cause {
            reason: "FieldValueInvalid",
            message: format!("Invalid value: {value}: {detail}"),
            field: field.into(),
        }],
    )
}

/// Upstream's checks of an access review's spec: exactly one kind of attributes, and (unless
/// the review is about the caller) a user or a group.
fn validate_access_spec(res: &Resource, spec: &Value) -> ApiResult<()> {
    let resource = spec.get("resourceAttributes").filter(|v| !v.is_null());
    let non_resource = spec.get("nonResourceAttributes").filter(|v| !v.is_null());
    match (resource, non_resource) {
        (Some(_), Some(n)) => {
            return Err(invalid(
                res,
                "spec.nonResourceAttributes",
                n,
                "cannot be specified in combination with resourceAttributes",
            ))
        }
        (None, None) => {
            return Err(invalid(
                res,
                "spec.resourceAttributes",
                &Value::Null,
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            ))
        }
        _ => {}
    }
    if res.kind == "LocalSubjectAccessReview" {
        if let Some(n) = non_resource {
            return Err(invalid(
                res,
                "spec.nonResourceAttributes",
                n,
                "disallowed on this kind of request",
            ));
        }
    }
    if matches!(res.kind, "SubjectAccessReview" | "LocalSubjectAccessReview") {
        let user = spec["user"].as_str().unwrap_or_default();
        let has_groups = spec["groups"].as_array().is_some_and(|g| !g.is_empty());
        if user.is_empty() && !has_groups {
            return Err(invalid(
                res,
                "spec.user",
                &json!(user),
                "at least one of user or group must be specified",
            ));
        }
    }
    Ok(())
}

/// The strings of a JSON array (none for anything else).
pub(crate) fn string_list(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn user_info(user: &User) -> Value {
    json!({"username": user.name, "groups": user.groups})
}

impl ApiServer {
    /// Answers `POST` of a review: the submitted object with its `status` filled in.
    pub(crate) async fn review(
        &self,
        rr: &ResourceRequest,
        mut body: Value,
        caller: Option<&User>,
    ) -> ApiResult<(u16, Value)> {
        let res = rr.resource;
        if !body.is_object() {
            return Err(ApiError::bad_request(format!(
                "the body of a {} must be an object",
                res.kind
            )));
        }
        let anonymous = User {
            name: "system:anonymous".into(),
            groups: vec!["system:unauthenticated".into()],
        };
        let caller = caller.unwrap_or(&anonymous);
        let caller_subject = Subject {
            user: &caller.name,
            groups: &caller.groups,
        };
        let spec = body["spec"].clone();
        let status = match res.kind {
            "SelfSubjectReview" => json!({"userInfo": user_info(caller)}),
            "TokenReview" => self.token_review(res, &spec).await?,
            "SelfSubjectRulesReview" => authz::rules(caller_subject),
            "SelfSubjectAccessReview" => {
                validate_access_spec(res, &spec)?;
                access_status(caller_subject)
            }
            "SubjectAccessReview" | "LocalSubjectAccessReview" => {
                validate_access_spec(res, &spec)?;
                if let Some(ns) = &rr.namespace {
                    let asked = spec["resourceAttributes"]["namespace"]
                        .as_str()
                        .unwrap_or_default();
                    if asked != ns {
                        return Err(ApiError::bad_request(format!(
                            "spec.resourceAttributes.namespace must match namespace: {ns}"
                        )));
                    }
                }
                let groups = string_list(&spec["groups"]);
                access_status(Subject {
                    user: spec["user"].as_str().unwrap_or_default(),
                    groups: &groups,
                })
            }
            _ => return Err(ApiError::method_not_supported(res.plural, "create")),
        };
        body["apiVersion"] = json!(res.api_version());
        body["kind"] = json!(res.kind);
        if !body["metadata"].is_object() {
            body["metadata"] = json!({});
        }
        body["metadata"]["creationTimestamp"] = Value::Null;
        body["status"] = status;
        Ok((201, body))
    }

    /// A TokenReview's status: who the token speaks for, for which of the asked audiences
    /// (this API server's by default).
    async fn token_review(&self, res: &Resource, spec: &Value) -> ApiResult<Value> {
        let token = spec["token"].as_str().unwrap_or_default();
        if token.is_empty() {
            return Err(ApiError::invalid(
                res.group,
                res.kind,
                "",
                &[Cause {
                    reason: "FieldValueRequired",
                    message: "Required value".into(),
                    field: "spec.token".into(),
                }],
            ));
        }
        let asked = requested_audiences(spec);
        let asked_refs: Vec<&str> = asked.iter().map(String::as_str).collect();
        Ok(match self.authenticate_token(token, &asked_refs).await {
            Some((user, token_audiences)) => {
                let audiences: Vec<&String> = asked
                    .iter()
                    .filter(|a| token_audiences.contains(a))
                    .collect();
                json!({"authenticated": true, "user": user_info(&user), "audiences": audiences})
            }
            None => json!({"authenticated": false, "error": "invalid bearer token"}),
        })
    }
}

fn access_status(subject: Subject) -> Value {
    let decision = authz::authorize(subject);
    json!({"allowed": decision.allowed, "reason": decision.reason})
}

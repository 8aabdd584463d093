//! Turns a request path and query into what it addresses, as Kubernetes' request-info rules do.

use std::collections::HashMap;

use apimachinery::catalog::{self, Resource};

use crate::error::{ApiError, ApiResult};

/// What a path addresses.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Version,
    Health(String),
    Metrics,
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/{group}`
    Group(String),
    /// `/api/v1`, `/apis/{group}/{version}`
    GroupVersion(String, String),
    OpenApiV3Index,
    OpenApiV3(String),
    OpenApiV2,
    Resource(ResourceRequest),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRequest {
    pub resource: &'static Resource,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
    /// The legacy `/watch/` path prefix was used.
    pub watch_path: bool,
}

pub fn parse_path(path: &str) -> ApiResult<Target> {
    let parts: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let not_found = || {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    };
    match parts.as_slice() {
        ["version"] => Ok(Target::Version),
        ["healthz" | "livez" | "readyz", ..] => Ok(Target::Health(parts.join("/"))),
        ["metrics"] => Ok(Target::Metrics),
        ["api"] => Ok(Target::CoreVersions),
        ["apis"] => Ok(Target::Groups),
        ["openapi", "v3"] => Ok(Target::OpenApiV3Index),
        ["openapi", "v3", rest @ ..] => Ok(Target::OpenApiV3(rest.join("/"))),
        ["openapi", "v2"] => Ok(Target::OpenApiV2),
        ["api", "v1"] => Ok(Target::GroupVersion(String::new(), "v1".into())),
        ["api", "v1", rest @ ..] => resource_target("", "v1", rest),
        ["apis", group] => {
            if catalog::groups().iter().any(|(g, _)| g == group) {
                Ok(Target::Group(group.to_string()))
            } else {
                Err(not_found())
            }
        }
        ["apis", group, version] => {
            if catalog::resources_of(group, version).next().is_some() {
                Ok(Target::GroupVersion(group.to_string(), version.to_string()))
            } else {
                Err(not_found())
            }
        }
        ["apis", group, version, rest @ ..] => resource_target(group, version, rest),
        _ => Err(not_found()),
    }
}

fn resource_target(group: &str, version: &str, parts: &[&str]) -> ApiResult<Target> {
    let mut parts = parts;
    let mut watch_path = false;
    if parts.first() == Some(&"watch") {
        watch_path = true;
        parts = &parts[1..];
    }
    let mut namespace = None;
    if parts.first() == Some(&"namespaces") && parts.len() > 1 {
        namespace = Some(parts[1].to_string());
        // `namespaces/{name}/status|finalize` are subresources of the namespace itself.
        if parts.len() > 2 && !(parts.len() == 3 && matches!(parts[2], "status" | "finalize")) {
            parts = &parts[2..];
        }
    }
    let Some(plural) = parts.first() else {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    };
    let resource = catalog::find(group, version, plural).ok_or_else(|| {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    })?;
    let name = parts.get(1).map(|s| s.to_string());
    let subresource = parts.get(2).map(|s| s.to_string());
    if parts.len() > 3 {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    if !resource.namespaced {
        namespace = None;
    }
    if let Some(sub) = &subresource {
        if resource.subresource(sub).is_none() {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ));
        }
    }
    Ok(Target::Resource(ResourceRequest {
        resource,
        namespace,
        name,
        subresource,
        watch_path,
    }))
}

/// Decoded query parameters (last value wins, as Go's `url.Values.Get` returns the first; the
/// difference never matters for the parameters clients send once).
#[derive(Debug, Default, Clone)]
pub struct Query(HashMap<String, String>);

impl Query {
    pub fn parse(query: Option<&str>) -> Query {
        let mut map = HashMap::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            map.entry(decode(k)).or_insert_with(|| decode(v));
        }
        Query(map)
    }

    pub fn set(&mut self, key: &str, value: &str) {
        self.0.insert(key.to_string(), value.to_string());
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    pub fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid value for {key}: {v:?}"))),
        }
    }

    pub fn dry_run(&self) -> ApiResult<bool> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid dry run value: {other:?}: supported values: \"All\""
            ))),
        }
    }
}

fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(path: &str) -> ResourceRequest {
        match parse_path(path).unwrap() {
            Target::Resource(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resource_paths() {
        let r = res("/api/v1/namespaces/default/pods/web/log");
        assert_eq!(r.resource.plural, "pods");
        assert_eq!(r.namespace.as_deref(), Some("default"));
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.subresource.as_deref(), Some("log"));

        let r = res("/api/v1/namespaces/kube-system");
        assert_eq!(r.resource.plural, "namespaces");
        assert_eq!(r.name.as_deref(), Some("kube-system"));
        assert_eq!(r.namespace, None);

        let r = res("/api/v1/namespaces/x/status");
        assert_eq!(r.name.as_deref(), Some("x"));
        assert_eq!(r.subresource.as_deref(), Some("status"));

        let r = res("/apis/apps/v1/deployments");
        assert_eq!(r.namespace, None);
        assert!(r.name.is_none());

        let r = res("/api/v1/watch/namespaces/default/pods");
        assert!(r.watch_path);

        assert!(parse_path("/apis/apps/v1/namespaces/default/widgets").is_err());
        assert!(parse_path("/api/v1/namespaces/default/pods/x/nope").is_err());
        assert_eq!(
            parse_path("/apis/apps").unwrap(),
            Target::Group("apps".into())
        );
    }

    #[test]
    fn query_decoding() {
        let q = Query::parse(Some(
            "labelSelector=app%3Dweb%2Ctier+in+(a)&limit=500&watch=true",
        ));
        assert_eq!(q.get("labelSelector"), Some("app=web,tier in (a)"));
        assert_eq!(q.int("limit").unwrap(), Some(500));
        assert!(q.flag("watch"));
        assert!(Query::parse(Some("limit=x")).int("limit").is_err());
        assert!(Query::parse(Some("dryRun=Some")).dry_run().is_err());
    }
}

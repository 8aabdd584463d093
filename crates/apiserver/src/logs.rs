//! `GET /api/v1/namespaces/{ns}/pods/{name}/log`: checked here (the pod, its node, the
//! container and its state), served by the node agent's `/containerLogs` endpoint, whose
//! reply (streamed while following) is passed through.
//!
//! Query parameters as upstream: `container`, `previous`, `follow`, `tailLines`, `timestamps`,
//! `limitBytes`, `sinceSeconds`. Errors are `Status` objects with upstream's messages.

use serde_json::Value;

use crate::codec::Output;
use crate::error::{ApiError, ApiResult};
use crate::request::{Query, ResourceRequest};
use crate::{ApiServer, Body};

fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// The container a request names, or the pod's only (or `kubectl.kubernetes.io/default-container`)
/// one; errors read as upstream's.
pub(crate) fn pod_container(pod: &Value, name: &str, requested: Option<&str>) -> ApiResult<String> {
    let spec = &pod["spec"];
    let apps = names(spec.get("containers"));
    let inits = names(spec.get("initContainers"));
    let annotated = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
        .as_str()
        .filter(|c| apps.iter().any(|a| a == c));
    let container = match (requested.filter(|c| !c.is_empty()), annotated) {
        (Some(c), _) | (None, Some(c)) => c.to_string(),
        (None, None) if apps.len() == 1 => apps[0].clone(),
        (None, None) => {
            let mut msg = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                apps.join(" ")
            );
            if !inits.is_empty() {
                msg.push_str(&format!(
                    " or one of the init containers: [{}]",
                    inits.join(" ")
                ));
            }
            return Err(ApiError::bad_request(msg));
        }
    };
    if !apps.contains(&container) && !inits.contains(&container) {
        return Err(ApiError::bad_request(format!(
            "container {container} is not valid for pod {name}"
        )));
    }
    Ok(container)
}

impl ApiServer {
    pub(crate) async fn pod_log(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
    ) -> ApiResult<http::Response<Body>> {
        let pod = self.get(rr, name, Output::Json).await?;
        let container = pod_container(&pod, name, q.get("container"))?;
        for key in ["tailLines", "limitBytes", "sinceSeconds"] {
            q.int(key)?;
        }
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        if node.is_empty() {
            return Err(ApiError::bad_request(format!(
                "pod {name} does not have a host assigned"
            )));
        }
        let status = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .chain(pod["status"]["initContainerStatuses"].as_array())
            .flatten()
            .find(|s| s["name"] == container.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        let previous = q.flag("previous");
        let waiting = status["state"]["waiting"]["reason"].as_str();
        let ran_before = status["lastState"].get("terminated").is_some();
        if let (Some(reason), false, false) = (waiting, previous, ran_before) {
            return Err(ApiError::bad_request(format!(
                "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
            )));
        }
        // A finished container's log is complete: following it would never end.
        let follow = q.flag("follow") && status["state"].get("terminated").is_none();
        let mut query: Vec<String> = Vec::new();
        for key in ["previous", "timestamps"] {
            if q.flag(key) {
                query.push(format!("{key}=true"));
            }
        }
        if follow {
            query.push("follow=true".into());
        }
        for key in ["tailLines", "limitBytes", "sinceSeconds"] {
            if let Some(v) = q.get(key).filter(|v| !v.is_empty()) {
                query.push(format!("{key}={v}"));
            }
        }
        let namespace = rr.namespace.as_deref().unwrap_or("default");
        let uid = pod["metadata"]["uid"].as_str().unwrap_or_default();
        let path = format!(
            "/containerLogs/{namespace}/{name}/{uid}/{container}?{}",
            query.join("&")
        );
        self.get_from_node(node, &path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_container_is_named_or_defaulted() {
        let pod = json!({"metadata": {"annotations": {"kubectl.kubernetes.io/default-container": "b"}},
                         "spec": {"containers": [{"name": "a"}, {"name": "b"}],
                                  "initContainers": [{"name": "init"}]}});
        assert_eq!(pod_container(&pod, "p", None).unwrap(), "b");
        assert_eq!(pod_container(&pod, "p", Some("init")).unwrap(), "init");
        let err = pod_container(&pod, "p", Some("c")).unwrap_err();
        assert_eq!(err.message, "container c is not valid for pod p");
        let two = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let err = pod_container(&two, "p", None).unwrap_err();
        assert!(
            err.message.contains("choose one of: [a b]"),
            "{}",
            err.message
        );
    }
}

//! `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's log, read from the CRI log
//! files of the node agent running in this process (registered with [`register`]).
//!
//! Query parameters as upstream: `container`, `previous`, `follow`, `tailLines`, `timestamps`,
//! `limitBytes`, `sinceSeconds`. The reply is `text/plain`; errors are `Status` objects with
//! upstream's messages.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response};
use http_body_util::{BodyExt, StreamBody};
use serde_json::Value;

use crate::codec::Output;
use crate::error::{ApiError, ApiResult};
use crate::request::{Query, ResourceRequest};
use crate::{ApiServer, Body};

/// Where a node agent keeps container logs.
pub trait LogSource: Send + Sync {
    /// The CRI log files of the pod's container, one per attempt, oldest first; empty when
    /// the pod does not run here.
    fn files(&self, pod_uid: &str, container: &str) -> Vec<PathBuf>;
}

static SOURCE: RwLock<Option<Arc<dyn LogSource>>> = RwLock::new(None);

/// Makes `source` the place pod logs are read from.
pub fn register(source: Arc<dyn LogSource>) {
    if let Ok(mut s) = SOURCE.write() {
        *s = Some(source);
    }
}

fn source() -> Option<Arc<dyn LogSource>> {
    SOURCE.read().ok().and_then(|s| s.clone())
}

/// One line of the CRI log format: `<RFC 3339 time> <stream> <P|F> <text>`.
fn parse_line(line: &str) -> Option<(&str, bool, &str)> {
    let (time, rest) = line.split_once(' ')?;
    let (_stream, rest) = rest.split_once(' ')?;
    let (tag, text) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((time, tag == "P", text))
}

/// Log lines as kubectl shows them: partial lines joined, optional timestamps.
fn render(text: &str, timestamps: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending = String::new();
    let mut pending_time = String::new();
    for line in text.lines() {
        let Some((time, partial, body)) = parse_line(line) else {
            continue;
        };
        if pending.is_empty() {
            pending_time = time.to_string();
        }
        pending.push_str(body);
        if !partial {
            let line = if timestamps {
                format!("{pending_time} {pending}\n")
            } else {
                format!("{pending}\n")
            };
            out.push((pending_time.clone(), line));
            pending.clear();
        }
    }
    out
}

fn since_cutoff(seconds: i64) -> String {
    let t = chrono::Utc::now() - chrono::Duration::seconds(seconds);
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// Selects and renders the lines the query asks for from `text`.
fn select(text: &str, q: &LogQuery) -> String {
    let mut lines = render(text, q.timestamps);
    if let Some(cut) = &q.since {
        lines.retain(|(t, _)| t.as_str() >= cut.as_str());
    }
    if let Some(n) = q.tail {
        let n = usize::try_from(n.max(0)).unwrap_or(0);
        if lines.len() > n {
            lines.drain(..lines.len() - n);
        }
    }
    let mut s: String = lines.into_iter().map(|(_, l)| l).collect();
    if let Some(limit) = q.limit_bytes {
        let limit = usize::try_from(limit.max(0)).unwrap_or(0);
        if s.len() > limit {
            let mut cut = limit;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
        }
    }
    s
}

struct LogQuery {
    timestamps: bool,
    tail: Option<i64>,
    limit_bytes: Option<i64>,
    since: Option<String>,
}

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

fn text_body(text: String) -> Response<Body> {
    let body = http_body_util::Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut r = Response::new(body);
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    r
}

impl ApiServer {
    /// Serves `pods/{name}/log`.
    pub(crate) async fn pod_log(
        &self,
        rr: &ResourceRequest,
        name: &str,
        q: &Query,
    ) -> ApiResult<Response<Body>> {
        let pod = self.get(rr, name, Output::Json).await?;
        let container = pod_container(&pod, name, q.get("container"))?;
        let statuses = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .chain(pod["status"]["initContainerStatuses"].as_array())
            .flatten()
            .find(|s| s["name"] == container.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        let uid = pod["metadata"]["uid"].as_str().unwrap_or_default();
        let files = source()
            .map(|s| s.files(uid, &container))
            .unwrap_or_default();
        let previous = q.flag("previous");
        let file = if previous {
            if files.len() < 2 {
                return Err(ApiError::bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{name}\" not found"
                )));
            }
            files[files.len() - 2].clone()
        } else {
            match files.last() {
                Some(f) => f.clone(),
                None => {
                    let reason = statuses["state"]["waiting"]["reason"]
                        .as_str()
                        .unwrap_or("ContainerCreating");
                    let msg = if pod["spec"]["nodeName"].as_str().is_some() {
                        format!("container \"{container}\" in pod \"{name}\" is waiting to start: {reason}")
                    } else {
                        format!("pod {name} does not have a host assigned")
                    };
                    return Err(ApiError::bad_request(msg));
                }
            }
        };
        let lq = LogQuery {
            timestamps: q.flag("timestamps"),
            tail: q.int("tailLines")?,
            limit_bytes: q.int("limitBytes")?,
            since: q.int("sinceSeconds")?.map(since_cutoff),
        };
        let text = tokio::fs::read_to_string(&file).await.unwrap_or_default();
        let first = select(&text, &lq);
        let exited = statuses["state"].get("terminated").is_some();
        if !q.flag("follow") || previous || exited {
            return Ok(text_body(first));
        }
        Ok(follow(file, text.len() as u64, first, lq.timestamps))
    }
}

/// Streams `first`, then whatever is appended to `file` until a newer attempt's file appears
/// next to it, the file goes away, or the client hangs up.
fn follow(file: PathBuf, offset: u64, first: String, timestamps: bool) -> Response<Body> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        let mut offset = offset;
        let mut carry = String::new();
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if tx.is_closed() {
                return;
            }
            let Ok(data) = tokio::fs::read(&file).await else {
                return;
            };
            if (data.len() as u64) > offset {
                carry.push_str(&String::from_utf8_lossy(&data[offset as usize..]));
                offset = data.len() as u64;
                // Only whole lines; a trailing fragment waits for its newline.
                let cut = carry.rfind('\n').map_or(0, |i| i + 1);
                let complete: String = carry.drain(..cut).collect();
                let lines: String = render(&complete, timestamps)
                    .into_iter()
                    .map(|(_, l)| l)
                    .collect();
                if !lines.is_empty() && tx.send(Bytes::from(lines)).await.is_err() {
                    return;
                }
            } else if newer_attempt_exists(&file) {
                return;
            }
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::io::Error>(hyper::body::Frame::data(b)), rx))
    });
    let mut r = Response::new(StreamBody::new(stream).boxed_unsync());
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    r
}

fn attempt_of(p: &Path) -> Option<u64> {
    p.file_stem()?.to_str()?.parse().ok()
}

fn newer_attempt_exists(file: &Path) -> bool {
    let (Some(dir), Some(mine)) = (file.parent(), attempt_of(file)) else {
        return true;
    };
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| attempt_of(&e.path()).is_some_and(|a| a > mine))
        })
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "2024-01-01T00:00:00.000000001Z stdout F one\n\
2024-01-01T00:00:01.000000001Z stderr P tw\n\
2024-01-01T00:00:01.000000002Z stderr F o\n\
2024-01-01T00:00:02.000000001Z stdout F three\n";

    fn lq(timestamps: bool, tail: Option<i64>) -> LogQuery {
        LogQuery {
            timestamps,
            tail,
            limit_bytes: None,
            since: None,
        }
    }

    #[test]
    fn cri_lines_render_as_kubectl_shows_them() {
        assert_eq!(select(LOG, &lq(false, None)), "one\ntwo\nthree\n");
        assert_eq!(select(LOG, &lq(false, Some(2))), "two\nthree\n");
        assert_eq!(select(LOG, &lq(false, Some(0))), "");
        assert_eq!(
            select(LOG, &lq(true, Some(1))),
            "2024-01-01T00:00:02.000000001Z three\n"
        );
        let limited = LogQuery {
            limit_bytes: Some(5),
            ..lq(false, None)
        };
        assert_eq!(select(LOG, &limited), "one\nt");
    }
}

//! `GET /containerLogs/{namespace}/{pod}/{uid}/{container}`: a container's log from its CRI
//! log files (`pods/<uid>/logs/<container>/<attempt>.log`), as the API server's `pods/log`
//! forwards it: `previous`, `follow`, `tailLines`, `timestamps`, `limitBytes`, `sinceSeconds`.
//! The reply is `text/plain`, streamed while following.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};

use crate::server::{Body, Refusal};

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

impl LogQuery {
    /// From the request's query; bad numbers are a 400.
    fn parse(q: &HashMap<String, Vec<String>>) -> Result<LogQuery, Refusal> {
        let int = |key: &str| -> Result<Option<i64>, Refusal> {
            match q.get(key).and_then(|v| v.last()).map(String::as_str) {
                None | Some("") => Ok(None),
                Some(v) => v.parse().map(Some).map_err(|_| Refusal {
                    code: StatusCode::BAD_REQUEST,
                    reason: "BadRequest",
                    message: format!("invalid value for {key}: {v:?}"),
                }),
            }
        };
        Ok(LogQuery {
            timestamps: crate::server::flag(q, "timestamps"),
            tail: int("tailLines")?,
            limit_bytes: int("limitBytes")?,
            since: int("sinceSeconds")?.map(since_cutoff),
        })
    }
}

/// Serves one log request for the container's files under `data_dir`.
pub(crate) async fn serve(
    data_dir: &Path,
    pod: &str,
    uid: &str,
    container: &str,
    q: &HashMap<String, Vec<String>>,
) -> Result<Response<Body>, Refusal> {
    let lq = LogQuery::parse(q)?;
    let files = crate::container_log_files(data_dir, uid, container);
    let previous = crate::server::flag(q, "previous");
    let bad = |message: String| Refusal {
        code: StatusCode::BAD_REQUEST,
        reason: "BadRequest",
        message,
    };
    let file = if previous {
        if files.len() < 2 {
            return Err(bad(format!(
                "previous terminated container \"{container}\" in pod \"{pod}\" not found"
            )));
        }
        files[files.len() - 2].clone()
    } else {
        match files.last() {
            Some(f) => f.clone(),
            None => {
                return Err(bad(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating"
            )))
            }
        }
    };
    let text = tokio::fs::read_to_string(&file).await.unwrap_or_default();
    let first = select(&text, &lq);
    if !crate::server::flag(q, "follow") || previous {
        return Ok(text_response(Bytes::from(first)));
    }
    Ok(follow(file, text.len() as u64, first, lq.timestamps))
}

fn text_response(body: Bytes) -> Response<Body> {
    let mut r = Response::new(crate::server::full(body));
    r.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    r
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

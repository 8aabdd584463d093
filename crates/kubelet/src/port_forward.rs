//! Port-forward: a SPDY session with the client in which every forwarded connection is a
//! pair of streams (`error`, `data`) tagged with `port` and `requestid`; each pair is relayed
//! to its own port-forward session with the runtime, which connects inside the pod's
//! network namespace.

use std::collections::HashMap;
use std::sync::Arc;

use streaming::remotecommand as rc;
use streaming::spdy::{frame::header, Role, Session, Stream, StreamWriter};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::server::{PodRef, Refusal};
use crate::Shared;

/// The ready sandbox of the pod.
pub(crate) async fn find_sandbox(shared: &Shared, pod: &PodRef) -> Result<String, Refusal> {
    let filter = cri::api::PodSandboxFilter {
        label_selector: HashMap::from([(crate::pods::LABEL_POD_UID.to_string(), pod.uid.clone())]),
        ..Default::default()
    };
    let sandboxes = shared
        .runtime
        .list_pod_sandbox(Some(filter))
        .await
        .map_err(|e| Refusal::internal(format!("listing sandboxes: {e}")))?;
    sandboxes
        .into_iter()
        .filter(|s| s.state() == cri::api::PodSandboxState::SandboxReady)
        .max_by_key(|s| s.created_at)
        .map(|s| s.id)
        .ok_or_else(|| {
            Refusal::not_found(format!(
                "pod {}/{} has no running sandbox on this node",
                pod.namespace, pod.name
            ))
        })
}

/// Serves the client's SPDY session on `io` until it ends.
pub(crate) async fn run<IO>(shared: Arc<Shared>, sandbox_id: String, io: IO)
where
    IO: AsyncRead + AsyncWrite + Send + 'static,
{
    let (session, mut incoming) = Session::start(io, Role::Server);
    // Error streams wait here for the data stream of the same request.
    let mut errors: HashMap<String, Stream> = HashMap::new();
    while let Some(stream) = incoming.recv().await {
        let kind = header(&stream.headers, "streamtype").unwrap_or("");
        let request = header(&stream.headers, "requestid")
            .unwrap_or("")
            .to_string();
        let port = header(&stream.headers, "port").and_then(|p| p.parse::<u16>().ok());
        match (kind, port) {
            (rc::STREAM_ERROR, _) => {
                errors.insert(request, stream);
            }
            (rc::STREAM_DATA, Some(port)) if port > 0 => {
                let error = errors.remove(&request);
                let shared = shared.clone();
                let sandbox = sandbox_id.clone();
                tokio::spawn(async move {
                    forward(&shared, &sandbox, port, stream, error).await;
                });
            }
            _ => {
                if let Some(e) = errors.remove(&request) {
                    let message = format!("invalid port-forward stream {kind:?} (port {port:?})");
                    let _ = e.writer.write(message.as_bytes()).await;
                    let _ = e.writer.finish().await;
                }
                let _ = stream.writer.reset().await;
            }
        }
    }
    drop(session);
}

/// Relays one forwarded connection; failures go to the client's error stream.
async fn forward(
    shared: &Shared,
    sandbox_id: &str,
    port: u16,
    mut data: Stream,
    error: Option<Stream>,
) {
    let runtime = async {
        let url = shared
            .runtime
            .port_forward(sandbox_id, vec![i32::from(port)])
            .await
            .map_err(|e| e.to_string())?;
        let session = cri::stream::connect(&url, rc::SPDY_PORT_FORWARD)
            .await
            .map_err(|e| e.to_string())?;
        let streams = cri::stream::port_forward_streams(&session, port, 0)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((session, streams))
    };
    let error_writer = error.as_ref().map(|e| e.writer.clone());
    let (session, (mut rt_error, mut rt_data)) = match runtime.await {
        Ok(v) => v,
        Err(e) => {
            let message = format!("error forwarding port {port} to pod {sandbox_id}: {e}");
            finish_error(error_writer.as_ref(), Some(&message)).await;
            let _ = data.writer.finish().await;
            return;
        }
    };
    let upstream = tokio::spawn({
        let to = rt_data.writer.clone();
        async move {
            while let Some(b) = data.data.recv().await {
                if to.write(&b).await.is_err() {
                    break;
                }
            }
            let _ = to.finish().await;
        }
    });
    let downstream = {
        let to = data.writer.clone();
        async move {
            while let Some(b) = rt_data.data.recv().await {
                if to.write(&b).await.is_err() {
                    break;
                }
            }
            let _ = to.finish().await;
        }
    };
    let errors = async move {
        let mut text = Vec::new();
        while let Some(b) = rt_error.data.recv().await {
            text.extend_from_slice(&b);
        }
        text
    };
    // The pod side ending ends the connection; the client may still be sending.
    let (_, text) = tokio::join!(downstream, errors);
    let message = (!text.is_empty()).then(|| String::from_utf8_lossy(&text).into_owned());
    finish_error(error_writer.as_ref(), message.as_deref()).await;
    let abort = upstream.abort_handle();
    if tokio::time::timeout(std::time::Duration::from_secs(1), upstream)
        .await
        .is_err()
    {
        abort.abort();
    }
    session.close().await;
}

async fn finish_error(writer: Option<&StreamWriter>, message: Option<&str>) {
    if let Some(w) = writer {
        if let Some(m) = message {
            let _ = w.write(m.as_bytes()).await;
        }
        let _ = w.finish().await;
    }
}

//! Exec and attach: the client's WebSocket channels (`v5.channel.k8s.io`/`v4`) relayed to
//! the runtime's remote-command streams (SPDY), ending with the command's Status.

use std::collections::HashMap;
use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use streaming::remotecommand as rc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame, Role};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::server::{PodRef, Refusal, Upgrade};
use crate::Shared;

/// A request whose target was found, ready to run once the protocol is switched.
#[derive(Debug)]
pub(crate) enum Prepared {
    Exec {
        container_id: String,
        command: Vec<String>,
        streams: cri::stream::Streams,
    },
    Attach {
        container_id: String,
        streams: cri::stream::Streams,
    },
    PortForward {
        sandbox_id: String,
    },
}

/// The running container `name` of the pod.
pub(crate) async fn find_container(
    shared: &Shared,
    pod: &PodRef,
    name: &str,
) -> Result<String, Refusal> {
    let filter = cri::api::ContainerFilter {
        label_selector: HashMap::from([
            (crate::pods::LABEL_POD_UID.to_string(), pod.uid.clone()),
            (
                crate::pods::LABEL_CONTAINER_NAME.to_string(),
                name.to_string(),
            ),
        ]),
        ..Default::default()
    };
    let containers = shared
        .runtime
        .list_containers(Some(filter))
        .await
        .map_err(|e| Refusal::internal(format!("listing containers: {e}")))?;
    containers
        .into_iter()
        .filter(|c| c.state() == cri::api::ContainerState::ContainerRunning)
        .max_by_key(|c| c.created_at)
        .map(|c| c.id)
        .ok_or_else(|| Refusal::not_found(format!("container not found (\"{name}\")")))
}

/// Runs a switched-protocol connection to its end.
pub(crate) async fn run<IO>(shared: Arc<Shared>, prepared: Prepared, upgrade: Upgrade, io: IO)
where
    IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    match (prepared, upgrade) {
        (Prepared::PortForward { sandbox_id }, Upgrade::WebSocket(_)) => {
            let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
            crate::port_forward::run(shared, sandbox_id, tunnel(ws)).await
        }
        (Prepared::PortForward { sandbox_id }, Upgrade::Spdy(_)) => {
            crate::port_forward::run(shared, sandbox_id, io).await
        }
        (prepared, Upgrade::WebSocket(protocol)) => {
            let ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
            remote_command(shared, prepared, protocol, ws).await
        }
        (_, Upgrade::Spdy(_)) => {}
    }
}

/// The runtime's streaming URL for an exec or attach, and the streams asked for; the runtime
/// starts the command when a client connects to the URL.
async fn runtime_url(
    shared: &Shared,
    prepared: Prepared,
) -> Result<(String, cri::stream::Streams), String> {
    let (url, streams) = match prepared {
        Prepared::Exec {
            container_id,
            command,
            streams,
        } => {
            let req = cri::api::ExecRequest {
                container_id,
                cmd: command,
                tty: streams.tty,
                stdin: streams.stdin,
                stdout: streams.stdout,
                stderr: streams.stderr && !streams.tty,
            };
            (shared.runtime.exec(req).await, streams)
        }
        Prepared::Attach {
            container_id,
            streams,
        } => {
            let req = cri::api::AttachRequest {
                container_id,
                stdin: streams.stdin,
                tty: streams.tty,
                stdout: streams.stdout,
                stderr: streams.stderr && !streams.tty,
            };
            (shared.runtime.attach(req).await, streams)
        }
        Prepared::PortForward { .. } => return Err("not a remote command".into()),
    };
    Ok((url.map_err(|e| e.to_string())?, streams))
}

/// Starts the command in the runtime and returns its streams.
async fn start(shared: &Shared, prepared: Prepared) -> Result<cri::stream::RemoteCommand, String> {
    let (url, streams) = runtime_url(shared, prepared).await?;
    let session = cri::stream::connect(&url, rc::SPDY_EXEC_V4)
        .await
        .map_err(|e| e.to_string())?;
    cri::stream::remote_command(session, streams)
        .await
        .map_err(|e| e.to_string())
}

/// Exec and attach over plain SPDY (kubectl's fallback, and clients without WebSocket): the
/// runtime's streaming server speaks the same remote-command protocol, so both upgrades are
/// made with the client's offer and the two connections are spliced. Returns the protocol
/// the runtime chose, for the client's 101 answer.
pub(crate) async fn spdy_relay(
    shared: &Shared,
    prepared: Prepared,
    offered: &[String],
    client: hyper::upgrade::OnUpgrade,
) -> Result<String, String> {
    let (url, _) = runtime_url(shared, prepared).await?;
    let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
    let (mut runtime, chosen) = cri::stream::upgrade(&url, &offered)
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        match client.await {
            Ok(upgraded) => {
                let mut client = hyper_util::rt::TokioIo::new(upgraded);
                let _ = tokio::io::copy_bidirectional(&mut client, &mut runtime).await;
            }
            Err(e) => tracing::debug!(error = %e, "SPDY upgrade of the client failed"),
        }
    });
    Ok(chosen)
}

fn channel_message(channel: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(channel);
    v.extend_from_slice(data);
    Message::Binary(v.into())
}

async fn remote_command<IO>(
    shared: Arc<Shared>,
    prepared: Prepared,
    protocol: &'static str,
    ws: WebSocketStream<IO>,
) where
    IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (mut sink, mut source) = ws.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Message>(32);
    let writer = tokio::spawn(async move {
        while let Some(m) = out_rx.recv().await {
            if sink.send(m).await.is_err() {
                return;
            }
        }
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "".into(),
            })))
            .await;
        let _ = sink.close().await;
    });

    let status = match start(&shared, prepared).await {
        Err(e) => rc::failure_status(&e),
        Ok(cmd) => {
            // Client → runtime: stdin, resize, and (v5) the close of stdin.
            let stdin = cmd.stdin.as_ref().map(|s| s.writer.clone());
            let resize = cmd.resize.as_ref().map(|s| s.writer.clone());
            let input = tokio::spawn(async move {
                let mut stdin_open = stdin.is_some();
                while let Some(Ok(msg)) = source.next().await {
                    let bytes = match msg {
                        Message::Binary(b) => b,
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    let Some((&channel, data)) = bytes.split_first() else {
                        continue;
                    };
                    let sent = match (channel, &stdin, &resize) {
                        (rc::CHANNEL_STDIN, Some(w), _) => w.write(data).await,
                        (rc::CHANNEL_RESIZE, _, Some(w)) => w.write(data).await,
                        (rc::CHANNEL_CLOSE, Some(w), _)
                            if data.first() == Some(&rc::CHANNEL_STDIN) && stdin_open =>
                        {
                            stdin_open = false;
                            w.finish().await
                        }
                        _ => Ok(()),
                    };
                    if sent.is_err() {
                        break;
                    }
                }
                // The client went away: the command's stdin ends with it (a shell exits).
                if let (Some(w), true) = (&stdin, stdin_open) {
                    let _ = w.finish().await;
                }
            });
            // Runtime → client: stdout and stderr until the command ends, then its Status.
            let relay = |stream: Option<cri::stream::Stream>, channel: u8| {
                let out = out_tx.clone();
                async move {
                    let Some(mut s) = stream else { return };
                    while let Some(b) = s.data.recv().await {
                        if out.send(channel_message(channel, &b)).await.is_err() {
                            return;
                        }
                    }
                }
            };
            let mut error = cmd.error;
            let collect_status = async move {
                let mut text = Vec::new();
                while let Some(b) = error.data.recv().await {
                    text.extend_from_slice(&b);
                }
                text
            };
            let (_, _, text) = tokio::join!(
                relay(cmd.stdout, rc::CHANNEL_STDOUT),
                relay(cmd.stderr, rc::CHANNEL_STDERR),
                collect_status
            );
            input.abort();
            cmd.session.close().await;
            serde_json::from_slice(&text).unwrap_or_else(|_| {
                rc::failure_status("the container runtime ended the session without a status")
            })
        }
    };
    tracing::debug!(protocol, %status, "remote command finished");
    let _ = out_tx
        .send(channel_message(
            rc::CHANNEL_STATUS,
            status.to_string().as_bytes(),
        ))
        .await;
    drop(out_tx);
    let _ = writer.await;
}

/// The byte stream a WebSocket carries in its binary messages (kubectl's port-forward tunnel).
fn tunnel<IO>(ws: WebSocketStream<IO>) -> tokio::io::DuplexStream
where
    IO: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (ours, theirs) = tokio::io::duplex(64 << 10);
    let (mut rd, mut wr) = tokio::io::split(ours);
    let (mut sink, mut source) = ws.split();
    tokio::spawn(async move {
        while let Some(Ok(msg)) = source.next().await {
            match msg {
                Message::Binary(b) if wr.write_all(&b).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = wr.shutdown().await;
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; 32 << 10];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink
                        .send(Message::Binary(buf[..n].to_vec().into()))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
        let _ = sink.close().await;
    });
    theirs
}

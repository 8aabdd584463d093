//! A SPDY/3.1 session over a byte stream: one task reads frames and routes them to streams,
//! one task encodes and writes what streams send.
//!
//! A stream's incoming data arrives on a bounded channel, so a slow reader slows the whole
//! session down (TCP back-pressure) instead of buffering without limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use super::frame::{Decoder, Encoder, Frame, Headers, FLAG_FIN, RST_CANCEL};

/// Largest DATA payload we send in one frame.
const MAX_DATA_FRAME: usize = 32 << 10;
/// Frames a stream may have buffered before the session waits for its reader.
const STREAM_BUFFER: usize = 32;

/// Who opened the connection: clients open odd streams, servers even ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

#[derive(Default)]
struct Table {
    /// Where each open stream's incoming data goes; dropped at the peer's FIN or RST.
    streams: HashMap<u32, mpsc::Sender<Bytes>>,
    /// Streams we opened that wait for the peer's SYN_REPLY.
    pending: HashMap<u32, oneshot::Sender<()>>,
    next_id: u32,
    closed: bool,
}

/// A handle on a running session; cloning shares it. Dropping every handle and stream does
/// not close the connection: call [`Session::close`].
#[derive(Clone)]
pub struct Session {
    out: mpsc::Sender<Frame>,
    table: Arc<Mutex<Table>>,
}

/// One stream: the headers it was opened with, its incoming data, and a writer.
pub struct Stream {
    pub id: u32,
    pub headers: Headers,
    /// Incoming data; `None` once the peer finished or reset the stream.
    pub data: mpsc::Receiver<Bytes>,
    pub writer: StreamWriter,
}

/// The sending half of a stream.
#[derive(Clone)]
pub struct StreamWriter {
    id: u32,
    out: mpsc::Sender<Frame>,
}

#[derive(Debug, thiserror::Error)]
#[error("SPDY session closed")]
pub struct Closed;

impl StreamWriter {
    /// Sends `data` (split into frames as needed).
    pub async fn write(&self, data: &[u8]) -> Result<(), Closed> {
        for chunk in data.chunks(MAX_DATA_FRAME) {
            self.send(Frame::Data {
                stream: self.id,
                flags: 0,
                data: Bytes::copy_from_slice(chunk),
            })
            .await?;
        }
        Ok(())
    }

    /// Half-closes the stream: we send nothing more.
    pub async fn finish(&self) -> Result<(), Closed> {
        self.send(Frame::Data {
            stream: self.id,
            flags: FLAG_FIN,
            data: Bytes::new(),
        })
        .await
    }

    /// Abandons the stream in both directions.
    pub async fn reset(&self) -> Result<(), Closed> {
        self.send(Frame::RstStream {
            stream: self.id,
            status: RST_CANCEL,
        })
        .await
    }

    async fn send(&self, frame: Frame) -> Result<(), Closed> {
        self.out.send(frame).await.map_err(|_| Closed)
    }
}

impl Session {
    /// Starts a session on `io`. Streams the peer opens are answered with SYN_REPLY and
    /// handed out on the returned receiver, which ends when the connection does.
    pub fn start<IO>(io: IO, role: Role) -> (Session, mpsc::Receiver<Stream>)
    where
        IO: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (reader, writer) = tokio::io::split(io);
        let (out_tx, out_rx) = mpsc::channel(64);
        let (incoming_tx, incoming_rx) = mpsc::channel(16);
        let table = Arc::new(Mutex::new(Table {
            next_id: if role == Role::Client { 1 } else { 2 },
            ..Table::default()
        }));
        let session = Session {
            out: out_tx,
            table: table.clone(),
        };
        tokio::spawn(write_loop(writer, out_rx));
        let reading = session.clone();
        tokio::spawn(async move {
            if let Err(e) = reading.read_loop(reader, role, incoming_tx).await {
                tracing::debug!(error = %e, "SPDY session ended");
            }
            let mut t = reading.table.lock().unwrap_or_else(|e| e.into_inner());
            t.closed = true;
            t.streams.clear();
            t.pending.clear();
        });
        (session, incoming_rx)
    }

    /// Opens a stream with `headers` and waits for the peer's reply.
    pub async fn open(&self, headers: Headers) -> Result<Stream, Closed> {
        let (data_tx, data_rx) = mpsc::channel(STREAM_BUFFER);
        let (reply_tx, reply_rx) = oneshot::channel();
        let id = {
            let mut t = self.table.lock().map_err(|_| Closed)?;
            if t.closed {
                return Err(Closed);
            }
            let id = t.next_id;
            t.next_id += 2;
            t.streams.insert(id, data_tx);
            t.pending.insert(id, reply_tx);
            id
        };
        self.out
            .send(Frame::SynStream {
                stream: id,
                flags: 0,
                headers: headers.clone(),
            })
            .await
            .map_err(|_| Closed)?;
        reply_rx.await.map_err(|_| Closed)?;
        Ok(Stream {
            id,
            headers,
            data: data_rx,
            writer: self.writer(id),
        })
    }

    fn writer(&self, id: u32) -> StreamWriter {
        StreamWriter {
            id,
            out: self.out.clone(),
        }
    }

    /// Says goodbye and lets the writer end the connection once queued frames are out.
    pub async fn close(&self) {
        let _ = self
            .out
            .send(Frame::GoAway {
                last_stream: 0,
                status: 0,
            })
            .await;
    }

    async fn read_loop<R: AsyncRead + Unpin>(
        &self,
        mut reader: R,
        role: Role,
        incoming: mpsc::Sender<Stream>,
    ) -> std::io::Result<()> {
        let mut decoder = Decoder::default();
        let mut buf = BytesMut::with_capacity(16 << 10);
        let own_parity = if role == Role::Client { 1 } else { 0 };
        loop {
            let frame = loop {
                match decoder.decode(&mut buf) {
                    Ok(Some(f)) => break f,
                    Ok(None) => {}
                    Err(e) => return Err(std::io::Error::other(e)),
                }
                if reader.read_buf(&mut buf).await? == 0 {
                    return Ok(());
                }
            };
            match frame {
                Frame::SynStream {
                    stream,
                    flags,
                    headers,
                } => {
                    if stream % 2 == own_parity || stream == 0 {
                        self.send_reset(stream, super::frame::RST_PROTOCOL_ERROR)
                            .await;
                        continue;
                    }
                    let (data_tx, data_rx) = mpsc::channel(STREAM_BUFFER);
                    if flags & FLAG_FIN == 0 {
                        self.lock().streams.insert(stream, data_tx);
                    }
                    let _ = self
                        .out
                        .send(Frame::SynReply {
                            stream,
                            flags: 0,
                            headers: Vec::new(),
                        })
                        .await;
                    let accepted = Stream {
                        id: stream,
                        headers,
                        data: data_rx,
                        writer: self.writer(stream),
                    };
                    if incoming.send(accepted).await.is_err() {
                        self.send_reset(stream, super::frame::RST_REFUSED_STREAM)
                            .await;
                    }
                }
                Frame::SynReply { stream, flags, .. } => {
                    let mut t = self.lock();
                    if let Some(reply) = t.pending.remove(&stream) {
                        let _ = reply.send(());
                    }
                    if flags & FLAG_FIN != 0 {
                        t.streams.remove(&stream);
                    }
                }
                Frame::Headers { stream, flags, .. } => {
                    if flags & FLAG_FIN != 0 {
                        self.lock().streams.remove(&stream);
                    }
                }
                Frame::Data {
                    stream,
                    flags,
                    data,
                } => {
                    let target = self.lock().streams.get(&stream).cloned();
                    if let Some(tx) = target {
                        if !data.is_empty() && tx.send(data).await.is_err() {
                            // The reader is gone; what it would have read is dropped.
                        }
                    }
                    if flags & FLAG_FIN != 0 {
                        self.lock().streams.remove(&stream);
                    }
                }
                Frame::RstStream { stream, .. } => {
                    let mut t = self.lock();
                    t.streams.remove(&stream);
                    t.pending.remove(&stream);
                }
                Frame::Ping(id) => {
                    if id % 2 != own_parity {
                        let _ = self.out.send(Frame::Ping(id)).await;
                    }
                }
                Frame::GoAway { .. } => return Ok(()),
                Frame::Ignored => {}
            }
        }
    }

    async fn send_reset(&self, stream: u32, status: u32) {
        let _ = self.out.send(Frame::RstStream { stream, status }).await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(mut writer: W, mut frames: mpsc::Receiver<Frame>) {
    let mut encoder = Encoder::default();
    let mut buf = BytesMut::with_capacity(16 << 10);
    while let Some(first) = frames.recv().await {
        let mut frame = Some(first);
        let mut goaway = false;
        // Coalesce what is already queued into one write.
        while let Some(f) = frame.take() {
            goaway |= matches!(f, Frame::GoAway { .. });
            encoder.encode(&f, &mut buf);
            if buf.len() < 64 << 10 {
                frame = frames.try_recv().ok();
            }
        }
        if writer.write_all(&buf).await.is_err() || writer.flush().await.is_err() {
            return;
        }
        buf.clear();
        if goaway {
            let _ = writer.shutdown().await;
            return;
        }
    }
    let _ = writer.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(kind: &str) -> Headers {
        vec![("streamtype".into(), kind.into())]
    }

    async fn read_all(mut s: mpsc::Receiver<Bytes>) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = s.recv().await {
            out.extend_from_slice(&b);
        }
        out
    }

    #[tokio::test]
    async fn client_and_server_exchange_data_and_half_close() {
        let (a, b) = tokio::io::duplex(1024);
        let (client, _none) = Session::start(a, Role::Client);
        let (_server, mut incoming) = Session::start(b, Role::Server);

        let server = tokio::spawn(async move {
            // Echo every stream's data back, upper-cased, then finish.
            let mut handled = Vec::new();
            while let Some(mut s) = incoming.recv().await {
                let kind = super::super::frame::header(&s.headers, "streamtype")
                    .unwrap_or("")
                    .to_string();
                handled.push((s.id, kind));
                tokio::spawn(async move {
                    while let Some(b) = s.data.recv().await {
                        s.writer.write(&b.to_ascii_uppercase()).await.unwrap();
                    }
                    s.writer.finish().await.unwrap();
                });
                if handled.len() == 2 {
                    return handled;
                }
            }
            handled
        });

        let one = client.open(headers("stdin")).await.unwrap();
        let two = client.open(headers("data")).await.unwrap();
        assert_eq!((one.id, two.id), (1, 3));
        let big = vec![b'x'; 100_000];
        two.writer.write(&big).await.unwrap();
        two.writer.finish().await.unwrap();
        one.writer.write(b"hello").await.unwrap();
        one.writer.finish().await.unwrap();
        assert_eq!(read_all(one.data).await, b"HELLO");
        assert_eq!(read_all(two.data).await, vec![b'X'; 100_000]);
        let handled = server.await.unwrap();
        assert_eq!(
            handled,
            vec![(1, "stdin".to_string()), (3, "data".to_string())]
        );
    }

    #[tokio::test]
    async fn reset_ends_the_stream_and_pings_are_answered() {
        let (a, b) = tokio::io::duplex(1024);
        let (client, _none) = Session::start(a, Role::Client);
        let (_server, mut incoming) = Session::start(b, Role::Server);
        let opened = tokio::spawn(async move { client.open(headers("error")).await });
        let s = incoming.recv().await.unwrap();
        let mut c = opened.await.unwrap().unwrap();
        s.writer.reset().await.unwrap();
        assert!(c.data.recv().await.is_none());

        // A raw client: PING 1 comes back as PING 1.
        let (raw, b) = tokio::io::duplex(1024);
        let (_server, _incoming) = Session::start(b, Role::Server);
        let (mut rd, mut wr) = tokio::io::split(raw);
        let mut wire = BytesMut::new();
        Encoder::default().encode(&Frame::Ping(1), &mut wire);
        wr.write_all(&wire).await.unwrap();
        let mut back = BytesMut::new();
        let mut dec = Decoder::default();
        loop {
            if let Some(f) = dec.decode(&mut back).unwrap() {
                assert_eq!(f, Frame::Ping(1));
                break;
            }
            assert!(rd.read_buf(&mut back).await.unwrap() > 0);
        }
    }

    #[tokio::test]
    async fn open_fails_once_the_connection_is_gone() {
        let (a, b) = tokio::io::duplex(1024);
        let (client, _none) = Session::start(a, Role::Client);
        drop(b);
        assert!(client.open(headers("error")).await.is_err());
    }
}

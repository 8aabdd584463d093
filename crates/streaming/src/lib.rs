//! The wire protocols kubectl streams over: SPDY/3.1 (port-forward, and the CRI streaming
//! server's exec/attach) and the `channel.k8s.io` conventions of exec and attach.
//!
//! Framing and header compression are pure (`spdy::frame`); `spdy::session` drives a session
//! over any byte stream.

pub mod remotecommand;
pub mod spdy;

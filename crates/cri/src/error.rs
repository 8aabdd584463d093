//! The crate's error type.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong talking to a CRI runtime, supervising containerd or building
/// and importing images.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The runtime's socket could not be reached.
    #[error("connecting to CRI runtime at {path}: {detail}")]
    Connect { path: PathBuf, detail: String },
    /// The runtime answered a call with a gRPC error status.
    #[error("CRI {method}: {code:?}: {message}")]
    Rpc {
        method: &'static str,
        code: tonic::Code,
        message: String,
    },
    /// The call did not finish within its deadline.
    #[error("CRI {method}: no reply within {timeout:?}")]
    Timeout {
        method: &'static str,
        timeout: Duration,
    },
    /// The runtime answered, but the reply is missing something the call must return.
    #[error("CRI {method}: invalid reply: {reason}")]
    InvalidReply {
        method: &'static str,
        reason: String,
    },
    /// The caller passed an argument that cannot be sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A file-system or process operation failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// containerd could not be started, or stopped answering.
    #[error("containerd: {0}")]
    Containerd(String),
    /// An image could not be built or imported.
    #[error("image: {0}")]
    Image(String),
    /// A streaming session (exec, attach, port-forward) failed.
    #[error("streaming: {0}")]
    Stream(String),
}

impl Error {
    /// The gRPC status code for `Rpc` errors; `None` for everything else.
    pub fn code(&self) -> Option<tonic::Code> {
        match self {
            Error::Rpc { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True when the runtime reported that the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.code() == Some(tonic::Code::NotFound)
    }

    /// A connect failure, with the whole cause chain (tonic's own message is only
    /// "transport error").
    pub(crate) fn connect(path: PathBuf, err: tonic::transport::Error) -> Error {
        let mut detail = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        Error::Connect { path, detail }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn rpc(method: &'static str, status: tonic::Status) -> Error {
        Error::Rpc {
            method,
            code: status.code(),
            message: status.message().to_string(),
        }
    }

    pub(crate) fn invalid_reply(method: &'static str, reason: impl Into<String>) -> Error {
        Error::InvalidReply {
            method,
            reason: reason.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

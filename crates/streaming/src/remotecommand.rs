//! The conventions of exec, attach and port-forward shared by kubectl, the API server, the
//! kubelet and the CRI streaming server.

use serde_json::{json, Value};

/// WebSocket subprotocols of exec/attach, newest first. v5 adds closing stdin (channel 255).
pub const WEBSOCKET_V5: &str = "v5.channel.k8s.io";
pub const WEBSOCKET_V4: &str = "v4.channel.k8s.io";
/// kubectl's port-forward: SPDY/3.1 carried in WebSocket binary messages.
pub const WEBSOCKET_SPDY_PORT_FORWARD: &str = "SPDY/3.1+portforward.k8s.io";
/// `X-Stream-Protocol-Version` of exec/attach and of port-forward over plain SPDY.
pub const SPDY_EXEC_V4: &str = "v4.channel.k8s.io";
pub const SPDY_PORT_FORWARD: &str = "portforward.k8s.io";
pub const PROTOCOL_HEADER: &str = "X-Stream-Protocol-Version";

/// WebSocket channel numbers: the first byte of each binary message.
pub const CHANNEL_STDIN: u8 = 0;
pub const CHANNEL_STDOUT: u8 = 1;
pub const CHANNEL_STDERR: u8 = 2;
pub const CHANNEL_STATUS: u8 = 3;
pub const CHANNEL_RESIZE: u8 = 4;
/// v5: `[255, channel]` says the peer closed that channel (stdin).
pub const CHANNEL_CLOSE: u8 = 255;

/// `streamtype` header values of SPDY streams.
pub const STREAM_ERROR: &str = "error";
pub const STREAM_STDIN: &str = "stdin";
pub const STREAM_STDOUT: &str = "stdout";
pub const STREAM_STDERR: &str = "stderr";
pub const STREAM_RESIZE: &str = "resize";
pub const STREAM_DATA: &str = "data";

/// The Status a finished command reports: Success, or NonZeroExitCode with the code as the
/// `ExitCode` cause (kubectl exits with it).
pub fn exit_status(code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("command terminated with non-zero exit code: error executing command [exit {code}], exit code {code}"),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

/// A Status for a failure that is not the command's exit code (it could not run).
pub fn failure_status(message: &str) -> Value {
    json!({
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": "InternalError",
        "code": 500,
    })
}

/// The exit code a Status reports, if it reports one (the inverse of [`exit_status`]).
pub fn exit_code(status: &Value) -> Option<i32> {
    match status.get("status").and_then(Value::as_str) {
        Some("Success") => Some(0),
        _ if status.get("reason").and_then(Value::as_str) == Some("NonZeroExitCode") => status
            .pointer("/details/causes")
            .and_then(Value::as_array)?
            .iter()
            .find(|c| c.get("reason").and_then(Value::as_str) == Some("ExitCode"))?
            .get("message")?
            .as_str()?
            .parse()
            .ok(),
        _ => None,
    }
}

/// A terminal size as kubectl sends it on the resize channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalSize {
    pub width: u16,
    pub height: u16,
}

impl TerminalSize {
    /// Parses `{"Width":W,"Height":H}`.
    pub fn parse(bytes: &[u8]) -> Option<TerminalSize> {
        let v: Value = serde_json::from_slice(bytes).ok()?;
        Some(TerminalSize {
            width: u16::try_from(v.get("Width")?.as_u64()?).ok()?,
            height: u16::try_from(v.get("Height")?.as_u64()?).ok()?,
        })
    }

    pub fn to_json(self) -> String {
        json!({"Width": self.width, "Height": self.height}).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_round_trip_through_status() {
        for code in [0, 1, 3, 137] {
            assert_eq!(exit_code(&exit_status(code)), Some(code));
        }
        assert_eq!(exit_code(&failure_status("no")), None);
        let v = exit_status(3);
        assert_eq!(v["details"]["causes"][0]["reason"], "ExitCode");
    }

    #[test]
    fn terminal_sizes_parse() {
        let s = TerminalSize::parse(br#"{"Width":120,"Height":40}"#).unwrap();
        assert_eq!(
            s,
            TerminalSize {
                width: 120,
                height: 40
            }
        );
        assert_eq!(TerminalSize::parse(&s.to_json().into_bytes()), Some(s));
        assert_eq!(TerminalSize::parse(b"{\"Width\":-1,\"Height\":2}"), None);
        assert_eq!(TerminalSize::parse(b"junk"), None);
    }
}

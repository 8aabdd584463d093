//! The Example Voting App's three services, `vote`, `worker` and `result`, as small binaries
//! for running on Rudder (or any Kubernetes).
//!
//! Pure logic lives here, one module per concern, each unit-tested; `src/bin/*` only wires
//! these to sockets. `redis`, `pg` and `http` are the shared I/O pieces.

pub mod config;
pub mod cookie;
pub mod form;
pub mod http;
pub mod metrics;
pub mod pages;
pub mod pg;
pub mod redis;
pub mod resp;
pub mod tally;
pub mod vote;
pub mod ws;

/// The Redis list votes travel through, as in the original app.
pub const QUEUE: &str = "votes";

/// The process exit status of a service's `run`: failure reasons go to stderr, prefixed with
/// the service's name.
pub fn exit_code(
    service: &str,
    result: Result<(), Box<dyn std::error::Error>>,
) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{service}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// An error followed by its causes (`a: b: c`). tokio-postgres's own messages ("db error",
/// "error connecting to server") say little without their sources.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// Doubling delay for retries: starts small so a blip costs little, capped so recovery after
/// a long outage is noticed within a few seconds.
#[derive(Debug, Clone)]
pub struct Backoff {
    next: std::time::Duration,
    min: std::time::Duration,
    max: std::time::Duration,
}

impl Backoff {
    pub fn new(min: std::time::Duration, max: std::time::Duration) -> Backoff {
        Backoff {
            next: min,
            min,
            max,
        }
    }

    /// The delay to wait now; the following one is twice as long, up to the cap.
    pub fn next_delay(&mut self) -> std::time::Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    /// Back to the shortest delay after a success.
    pub fn reset(&mut self) {
        self.next = self.min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);
    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[test]
    fn error_chain_lists_causes() {
        let e = Layer("db error", Some(Box::new(Layer("relation missing", None))));
        assert_eq!(error_chain(&e), "db error: relation missing");
        assert_eq!(error_chain(&Layer("alone", None)), "alone");
    }

    #[test]
    fn backoff_doubles_caps_and_resets() {
        let ms = Duration::from_millis;
        let mut b = Backoff::new(ms(100), ms(350));
        let seq: Vec<_> = (0..4).map(|_| b.next_delay()).collect();
        assert_eq!(seq, [ms(100), ms(200), ms(350), ms(350)]);
        b.reset();
        assert_eq!(b.next_delay(), ms(100));
    }
}

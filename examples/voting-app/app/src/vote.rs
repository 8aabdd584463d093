//! A vote and its queue message: what `vote` pushes to Redis and `worker` accepts.
//!
//! The worker validates everything it pops because the queue is shared and unauthenticated:
//! a value Postgres would reject forever (too long, NUL bytes) must be dropped, not retried.

use serde_json::Value;

/// The two options. Stored as `"a"` / `"b"`, like the original app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    A,
    B,
}

impl Choice {
    pub const ALL: [Choice; 2] = [Choice::A, Choice::B];

    /// The wire and database form.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::A => "a",
            Choice::B => "b",
        }
    }

    /// Accepts exactly `"a"` or `"b"`.
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "a" => Some(Choice::A),
            "b" => Some(Choice::B),
            _ => None,
        }
    }
}

/// Longest voter id: the `votes.id` column is `VARCHAR(255)`, which counts characters.
pub const MAX_VOTER_ID_CHARS: usize = 255;

/// One validated vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteMessage {
    pub voter_id: String,
    pub vote: Choice,
}

/// Why a queue message was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    NotJson,
    NotAnObject,
    VoterId(&'static str),
    Vote,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::NotJson => write!(f, "not JSON"),
            Invalid::NotAnObject => write!(f, "not a JSON object"),
            Invalid::VoterId(why) => write!(f, "voter_id {why}"),
            Invalid::Vote => write!(f, "vote must be \"a\" or \"b\""),
        }
    }
}

impl VoteMessage {
    /// The JSON pushed onto the queue: `{"voter_id":"…","vote":"a"}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "voter_id": self.voter_id, "vote": self.vote.as_str() }).to_string()
    }

    /// Parses and validates a message popped from the queue. Unknown fields are ignored so that
    /// a newer producer can add some.
    pub fn parse(bytes: &[u8]) -> Result<VoteMessage, Invalid> {
        let value: Value = serde_json::from_slice(bytes).map_err(|_| Invalid::NotJson)?;
        let Value::Object(obj) = value else {
            return Err(Invalid::NotAnObject);
        };
        let voter_id = match obj.get("voter_id") {
            Some(Value::String(s)) => s,
            Some(_) => return Err(Invalid::VoterId("must be a string")),
            None => return Err(Invalid::VoterId("is missing")),
        };
        if voter_id.is_empty() {
            return Err(Invalid::VoterId("is empty"));
        }
        if voter_id.chars().count() > MAX_VOTER_ID_CHARS {
            return Err(Invalid::VoterId("is longer than 255 characters"));
        }
        // Postgres text cannot hold NUL; such an insert would fail on every retry.
        if voter_id.contains('\0') {
            return Err(Invalid::VoterId("contains NUL"));
        }
        let vote = match obj.get("vote") {
            Some(Value::String(s)) => Choice::parse(s).ok_or(Invalid::Vote)?,
            _ => return Err(Invalid::Vote),
        };
        Ok(VoteMessage {
            voter_id: voter_id.clone(),
            vote,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let m = VoteMessage {
            voter_id: "00ff\"x".into(),
            vote: Choice::B,
        };
        assert_eq!(m.to_json(), r#"{"voter_id":"00ff\"x","vote":"b"}"#);
        assert_eq!(VoteMessage::parse(m.to_json().as_bytes()), Ok(m));
    }

    #[test]
    fn accepts_extra_fields_and_max_length() {
        let id = "é".repeat(255);
        let json = format!(r#"{{"vote":"a","voter_id":"{id}","at":1}}"#);
        assert_eq!(
            VoteMessage::parse(json.as_bytes()),
            Ok(VoteMessage {
                voter_id: id,
                vote: Choice::A
            })
        );
    }

    #[test]
    fn rejects_bad_messages() {
        let long = format!(r#"{{"voter_id":"{}","vote":"a"}}"#, "x".repeat(256));
        let cases: [(&[u8], Invalid); 12] = [
            (b"", Invalid::NotJson),
            (b"\xff\xfe", Invalid::NotJson),
            (b"{\"voter_id\":", Invalid::NotJson),
            (b"[1,2]", Invalid::NotAnObject),
            (b"\"a\"", Invalid::NotAnObject),
            (b"{\"vote\":\"a\"}", Invalid::VoterId("is missing")),
            (
                b"{\"voter_id\":7,\"vote\":\"a\"}",
                Invalid::VoterId("must be a string"),
            ),
            (
                b"{\"voter_id\":\"\",\"vote\":\"a\"}",
                Invalid::VoterId("is empty"),
            ),
            (
                b"{\"voter_id\":\"x\\u0000\",\"vote\":\"a\"}",
                Invalid::VoterId("contains NUL"),
            ),
            (b"{\"voter_id\":\"x\",\"vote\":\"c\"}", Invalid::Vote),
            (b"{\"voter_id\":\"x\",\"vote\":\"A\"}", Invalid::Vote),
            (b"{\"voter_id\":\"x\"}", Invalid::Vote),
        ];
        for (input, want) in cases {
            assert_eq!(
                VoteMessage::parse(input),
                Err(want),
                "{}",
                String::from_utf8_lossy(input)
            );
        }
        assert_eq!(
            VoteMessage::parse(long.as_bytes()),
            Err(Invalid::VoterId("is longer than 255 characters"))
        );
    }

    #[test]
    fn choice_parsing_is_exact() {
        assert_eq!(Choice::parse("a"), Some(Choice::A));
        assert_eq!(Choice::parse("b"), Some(Choice::B));
        for bad in ["", "c", " a", "ab", "B"] {
            assert_eq!(Choice::parse(bad), None);
        }
    }
}

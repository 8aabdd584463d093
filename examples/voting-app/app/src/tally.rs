//! The vote count per option, and when it changed: `result` polls Postgres every second but
//! pushes to browsers only when the numbers differ, so idle pages cost nothing.

use crate::vote::Choice;

/// Votes per option.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub a: i64,
    pub b: i64,
}

impl Tally {
    /// Builds a tally from `SELECT vote, COUNT(id) ... GROUP BY vote` rows. Rows for values
    /// other than `a` and `b` (written by something else) are ignored, not fatal.
    pub fn from_rows<S: AsRef<str>>(rows: impl IntoIterator<Item = (S, i64)>) -> Tally {
        let mut tally = Tally::default();
        for (vote, count) in rows {
            match Choice::parse(vote.as_ref()) {
                Some(Choice::A) => tally.a = tally.a.saturating_add(count),
                Some(Choice::B) => tally.b = tally.b.saturating_add(count),
                None => {}
            }
        }
        tally
    }

    pub fn get(&self, choice: Choice) -> i64 {
        match choice {
            Choice::A => self.a,
            Choice::B => self.b,
        }
    }

    pub fn total(&self) -> i64 {
        self.a.saturating_add(self.b)
    }

    /// The message sent to browsers and `/api/results`: `{"a":N,"b":M}`.
    pub fn to_json(&self) -> String {
        format!("{{\"a\":{},\"b\":{}}}", self.a, self.b)
    }

    /// Whole percentages that add up to 100; 50/50 with no votes, as the original page shows.
    pub fn percentages(&self) -> (u8, u8) {
        let total = self.total();
        if total <= 0 {
            return (50, 50);
        }
        let a = ((self.a.max(0) as f64) * 100.0 / total as f64)
            .round()
            .clamp(0.0, 100.0) as u8;
        (a, 100 - a)
    }

    /// Replaces `self` with `new`; true when that changed anything (the broadcast condition).
    pub fn replace(&mut self, new: Tally) -> bool {
        if *self == new {
            false
        } else {
            *self = new;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_from_rows_ignoring_unknown_votes() {
        let t = Tally::from_rows([("b", 3), ("a", 5), ("zzz", 100)]);
        assert_eq!(t, Tally { a: 5, b: 3 });
        assert_eq!(t.total(), 8);
        assert_eq!(t.get(Choice::B), 3);
        assert_eq!(
            Tally::from_rows(Vec::<(String, i64)>::new()),
            Tally::default()
        );
    }

    #[test]
    fn serializes_as_json() {
        let t = Tally { a: 2, b: 40 };
        assert_eq!(t.to_json(), r#"{"a":2,"b":40}"#);
        let parsed: serde_json::Value = serde_json::from_str(&t.to_json()).unwrap();
        assert_eq!(parsed, serde_json::json!({"a": 2, "b": 40}));
    }

    #[test]
    fn percentages_add_up() {
        assert_eq!(Tally { a: 0, b: 0 }.percentages(), (50, 50));
        assert_eq!(Tally { a: 1, b: 0 }.percentages(), (100, 0));
        assert_eq!(Tally { a: 1, b: 2 }.percentages(), (33, 67));
        assert_eq!(Tally { a: 2, b: 1 }.percentages(), (67, 33));
        assert_eq!(Tally { a: 1, b: 1 }.percentages(), (50, 50));
    }

    #[test]
    fn replace_reports_changes_only() {
        let mut t = Tally::default();
        assert!(!t.replace(Tally::default()));
        assert!(t.replace(Tally { a: 1, b: 0 }));
        assert_eq!(t, Tally { a: 1, b: 0 });
        assert!(!t.replace(Tally { a: 1, b: 0 }));
        assert!(t.replace(Tally { a: 1, b: 1 }));
    }
}

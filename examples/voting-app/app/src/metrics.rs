//! Prometheus text exposition (format 0.0.4), written by hand: a handful of counters and
//! gauges do not justify a metrics crate.

use std::fmt::Write;

/// The `Content-Type` Prometheus expects for this format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metric kinds we emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

/// Builds one exposition document, family by family.
#[derive(Debug, Default)]
pub struct Text {
    out: String,
}

impl Text {
    pub fn new() -> Text {
        Text::default()
    }

    /// Adds a family: `# HELP`, `# TYPE`, then one sample per label set (`[]` for none).
    pub fn family(
        &mut self,
        name: &str,
        help: &str,
        kind: Kind,
        samples: &[(&[(&str, &str)], f64)],
    ) -> &mut Text {
        let kind = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        };
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            self.out.push_str(name);
            if !labels.is_empty() {
                self.out.push('{');
                for (i, (k, v)) in labels.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
                }
                self.out.push('}');
            }
            let _ = writeln!(self.out, " {}", format_value(*value));
        }
        self
    }

    /// The document.
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        // Whole numbers print without a fraction ("3", not "3.0"); both parse, this reads better.
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_labelled_counters() {
        let text = Text::new()
            .family(
                "votes_cast_total",
                "Votes queued.",
                Kind::Counter,
                &[(&[("vote", "a")], 3.0), (&[("vote", "b")], 0.0)],
            )
            .finish();
        assert_eq!(
            text,
            "# HELP votes_cast_total Votes queued.\n\
             # TYPE votes_cast_total counter\n\
             votes_cast_total{vote=\"a\"} 3\n\
             votes_cast_total{vote=\"b\"} 0\n"
        );
    }

    #[test]
    fn renders_plain_gauges_and_escapes() {
        let text = Text::new()
            .family("g", "line1\nline2", Kind::Gauge, &[(&[], 1.5)])
            .family(
                "h",
                "x",
                Kind::Gauge,
                &[(&[("l", "a\"b\\c\nd"), ("m", "")], f64::INFINITY)],
            )
            .finish();
        assert_eq!(
            text,
            "# HELP g line1\\nline2\n# TYPE g gauge\ng 1.5\n\
             # HELP h x\n# TYPE h gauge\nh{l=\"a\\\"b\\\\c\\nd\",m=\"\"} +Inf\n"
        );
    }
}

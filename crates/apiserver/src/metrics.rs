//! Request metrics in the Prometheus text format: `apiserver_request_total` and
//! `apiserver_request_duration_seconds` by verb, resource, subresource and code.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    total: u64,
}

/// Verb, resource and subresource of a request.
type Labels = (String, String, String);

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(Labels, u16), u64>>,
    durations: Mutex<BTreeMap<Labels, Histogram>>,
}

impl Metrics {
    pub fn observe(
        &self,
        verb: &str,
        resource: &str,
        subresource: &str,
        code: u16,
        elapsed: Duration,
    ) {
        let labels = || {
            (
                verb.to_string(),
                resource.to_string(),
                subresource.to_string(),
            )
        };
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((labels(), code)).or_default() += 1;
        }
        if let Ok(mut d) = self.durations.lock() {
            let h = d.entry(labels()).or_default();
            if h.counts.is_empty() {
                h.counts = vec![0; BUCKETS.len()];
            }
            let secs = elapsed.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += secs;
            h.total += 1;
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP apiserver_request_total Counter of apiserver requests broken out for each verb, resource and HTTP response code.\n");
        out.push_str("# TYPE apiserver_request_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for (((verb, resource, subresource), code), n) in r.iter() {
                let _ = writeln!(out, "apiserver_request_total{{code=\"{code}\",resource=\"{resource}\",subresource=\"{subresource}\",verb=\"{verb}\"}} {n}");
            }
        }
        out.push_str("# HELP apiserver_request_duration_seconds Response latency distribution in seconds for each verb and resource.\n");
        out.push_str("# TYPE apiserver_request_duration_seconds histogram\n");
        if let Ok(d) = self.durations.lock() {
            for ((verb, resource, subresource), h) in d.iter() {
                let labels = format!(
                    "resource=\"{resource}\",subresource=\"{subresource}\",verb=\"{verb}\""
                );
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "apiserver_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "apiserver_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    h.total
                );
                let _ = writeln!(
                    out,
                    "apiserver_request_duration_seconds_sum{{{labels}}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "apiserver_request_duration_seconds_count{{{labels}}} {}",
                    h.total
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe("GET", "pods", "", 200, Duration::from_millis(3));
        m.observe("GET", "pods", "", 200, Duration::from_millis(30));
        m.observe("POST", "pods", "binding", 201, Duration::from_millis(1));
        let text = m.render();
        assert!(text.contains(
            "apiserver_request_total{code=\"200\",resource=\"pods\",subresource=\"\",verb=\"GET\"} 2"
        ));
        assert!(text.contains(
            "apiserver_request_total{code=\"201\",resource=\"pods\",subresource=\"binding\",verb=\"POST\"} 1"
        ));
        assert!(text.contains("apiserver_request_duration_seconds_bucket{resource=\"pods\",subresource=\"\",verb=\"GET\",le=\"0.005\"} 1"));
        assert!(text.contains(
            "apiserver_request_duration_seconds_count{resource=\"pods\",subresource=\"\",verb=\"GET\"} 2"
        ));
    }
}

//! Completion indexes of Indexed Jobs: the pod's index and the compact interval notation
//! `status.completedIndexes` uses (`1,3-5,7`).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Pod;

pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";

/// The completion index a pod carries (annotation first, then label), if well formed.
pub fn pod_index(pod: &Pod) -> Option<i32> {
    let from = |m: Option<&std::collections::BTreeMap<String, String>>| {
        m.and_then(|m| m.get(COMPLETION_INDEX))
            .and_then(|v| parse_number(v))
    };
    from(pod.metadata.annotations.as_ref()).or_else(|| from(pod.metadata.labels.as_ref()))
}

fn parse_number(s: &str) -> Option<i32> {
    // Leading zeros or signs would make two spellings of one index.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// Parses interval notation, keeping the indexes below `limit`; malformed parts are skipped.
pub fn parse(s: &str, limit: i32) -> BTreeSet<i32> {
    let mut set = BTreeSet::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (parse_number(a), parse_number(b)),
            None => (parse_number(part), parse_number(part)),
        };
        if let (Some(lo), Some(hi)) = (lo, hi) {
            set.extend((lo..=hi.min(limit - 1)).filter(|i| *i >= 0));
        }
    }
    set
}

/// Renders a set in interval notation.
pub fn format(set: &BTreeSet<i32>) -> String {
    let mut parts = Vec::new();
    let mut iter = set.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        parts.push(if end == start {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_notation_round_trips() {
        let set: BTreeSet<i32> = [0, 1, 2, 4, 6, 7].into();
        assert_eq!(format(&set), "0-2,4,6-7");
        assert_eq!(parse("0-2,4,6-7", 10), set);
        assert_eq!(parse("0-2,4,6-7", 7), [0, 1, 2, 4, 6].into());
        assert_eq!(format(&BTreeSet::new()), "");
        assert!(parse("", 3).is_empty());
        assert_eq!(parse("x,1,02,3-a", 5), [1].into());
    }

    #[test]
    fn pod_indexes() {
        let mut pod = Pod::default();
        assert_eq!(pod_index(&pod), None);
        pod.metadata.labels = Some([(COMPLETION_INDEX.to_string(), "3".to_string())].into());
        assert_eq!(pod_index(&pod), Some(3));
        pod.metadata.annotations = Some([(COMPLETION_INDEX.to_string(), "5".to_string())].into());
        assert_eq!(pod_index(&pod), Some(5));
        pod.metadata.annotations = Some([(COMPLETION_INDEX.to_string(), "-1".to_string())].into());
        pod.metadata.labels = None;
        assert_eq!(pod_index(&pod), None);
    }
}

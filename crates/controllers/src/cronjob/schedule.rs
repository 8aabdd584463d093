//! Cron schedules as CronJobs read them: five fields (minute, hour, day of month, month, day of
//! week) with lists, ranges, steps and names, or a descriptor (`@hourly` … `@yearly`,
//! `@every <duration>`), evaluated on the wall clock of a time zone.
//!
//! Day of month and day of week combine as classic cron does: when either field starts with
//! `*` both must match, otherwise either may. Wall-clock times a DST gap skips never fire;
//! times a fold repeats fire once, at their first occurrence.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use k8s_openapi::jiff::civil::{Date, DateTime};
use k8s_openapi::jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use k8s_openapi::jiff::Timestamp;

/// A parsed schedule and the zone its wall clock runs in.
#[derive(Clone, Debug)]
pub struct Schedule {
    rule: Rule,
    pub tz: TimeZone,
}

#[derive(Clone, Debug, PartialEq)]
enum Rule {
    Fields(Fields),
    /// `@every`: a fixed delay in whole seconds, counted from the previous time.
    Every(i64),
}

/// Bit `n` of each set means value `n` is allowed.
#[derive(Clone, Debug, PartialEq)]
struct Fields {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    dom_star: bool,
    dow_star: bool,
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// How far ahead `next` looks before deciding a schedule never fires.
const SEARCH_YEARS: i16 = 5;

impl Schedule {
    /// Parses `spec`, evaluated in `tz`. A `TZ=` or `CRON_TZ=` prefix in the spec overrides `tz`.
    pub fn parse(spec: &str, tz: TimeZone) -> Result<Schedule, String> {
        let mut spec = spec.trim();
        let mut tz = tz;
        if spec.is_empty() {
            return Err("empty spec string".into());
        }
        if let Some(rest) = spec
            .strip_prefix("TZ=")
            .or_else(|| spec.strip_prefix("CRON_TZ="))
        {
            let Some((name, tail)) = rest.split_once(' ') else {
                return Err("missing spec after timezone".into());
            };
            tz = load_zone(name).map_err(|e| format!("provided bad location {name}: {e}"))?;
            spec = tail.trim();
        }
        let rule = if let Some(desc) = spec.strip_prefix('@') {
            descriptor(desc, spec)?
        } else {
            let fields: Vec<&str> = spec.split_whitespace().collect();
            if fields.len() != 5 {
                return Err(format!(
                    "expected exactly 5 fields, found {}: [{}]",
                    fields.len(),
                    fields.join(" ")
                ));
            }
            let (minute, _) = field(fields[0], 0, 59, &[], 0)?;
            let (hour, _) = field(fields[1], 0, 23, &[], 0)?;
            let (dom, dom_star) = field(fields[2], 1, 31, &[], 0)?;
            let (month, _) = field(fields[3], 1, 12, MONTHS, 1)?;
            let (dow, dow_star) = field(fields[4], 0, 6, DAYS, 0)?;
            Rule::Fields(Fields {
                minute,
                hour,
                dom,
                month,
                dow,
                dom_star,
                dow_star,
            })
        };
        Ok(Schedule { rule, tz })
    }

    /// The first time strictly after `after` the schedule fires; None if it never does
    /// (within five years).
    pub fn next(&self, after: Timestamp) -> Option<Timestamp> {
        match &self.rule {
            Rule::Every(secs) => Timestamp::from_second(after.as_second() + secs).ok(),
            Rule::Fields(f) => f.next(&self.tz, after),
        }
    }
}

fn descriptor(desc: &str, spec: &str) -> Result<Rule, String> {
    let all = |min: u64, max: u64| bits(min, max, 1);
    let fields = |minute, hour, dom, month, dow, dom_star, dow_star| {
        Rule::Fields(Fields {
            minute,
            hour,
            dom,
            month,
            dow,
            dom_star,
            dow_star,
        })
    };
    Ok(match desc {
        "yearly" | "annually" => fields(1, 1, 1 << 1, 1 << 1, all(0, 6), false, true),
        "monthly" => fields(1, 1, 1 << 1, all(1, 12), all(0, 6), false, true),
        "weekly" => fields(1, 1, all(1, 31), all(1, 12), 1, true, false),
        "daily" | "midnight" => fields(1, 1, all(1, 31), all(1, 12), all(0, 6), true, true),
        "hourly" => fields(1, all(0, 23), all(1, 31), all(1, 12), all(0, 6), true, true),
        d if d.starts_with("every ") => {
            let text = d["every ".len()..].trim();
            let nanos = go_duration(text).ok_or_else(|| {
                format!("failed to parse duration {spec}: time: invalid duration \"{text}\"")
            })?;
            // Shorter delays run every second; longer ones drop their sub-second part.
            Rule::Every((nanos / 1_000_000_000).max(1) as i64)
        }
        _ => return Err(format!("unrecognized descriptor: {spec}")),
    })
}

fn bits(min: u64, max: u64, step: u64) -> u64 {
    (min..=max)
        .step_by(step as usize)
        .fold(0, |acc, v| acc | 1 << v)
}

/// One comma-separated field: its allowed values and whether it started with `*` or `?`
/// (a stepped `*/n` with n > 1 does not count as a star).
fn field(
    text: &str,
    min: u64,
    max: u64,
    names: &[&str],
    offset: u64,
) -> Result<(u64, bool), String> {
    let mut set = 0;
    let mut star = false;
    for expr in text.split(',') {
        let (b, s) = range(expr, min, max, names, offset)?;
        set |= b;
        star |= s;
    }
    Ok((set, star))
}

fn range(
    expr: &str,
    min: u64,
    max: u64,
    names: &[&str],
    offset: u64,
) -> Result<(u64, bool), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let mut star = false;
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        star = true;
        (min, max)
    } else {
        let start = number(low_high[0], names, offset)?;
        let end = match low_high.len() {
            1 => start,
            2 => number(low_high[1], names, offset)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = number(range_and_step[1], &[], 0)?;
            // `N/step` means `N-max/step`.
            if single {
                end = max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({min}): {expr}"
        ));
    }
    if end > max {
        return Err(format!(
            "end of range ({end}) above maximum ({max}): {expr}"
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok((bits(start, end, step), star))
}

fn number(expr: &str, names: &[&str], offset: u64) -> Result<u64, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(expr)) {
        return Ok(i as u64 + offset);
    }
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": invalid syntax"
        ));
    }
    match expr.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        Ok(n) => Ok(n as u64),
        Err(_) => Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": value out of range"
        )),
    }
}

/// A Go duration (`1h30m`, `90s`, `1.5h`, `500ms`) in nanoseconds; None if malformed or
/// negative.
fn go_duration(s: &str) -> Option<u128> {
    if s == "0" {
        return Some(0);
    }
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Some(total as u128)
}

/// A wall-clock minute being searched.
#[derive(Clone, Copy, Debug)]
struct Minute {
    year: i16,
    month: i8,
    day: i8,
    hour: i8,
    minute: i8,
}

fn days_in_month(year: i16, month: i8) -> i8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Minute {
    fn next_month(&mut self) {
        self.month += 1;
        if self.month > 12 {
            self.month = 1;
            self.year += 1;
        }
        self.day = 1;
        self.hour = 0;
        self.minute = 0;
    }

    fn next_day(&mut self) {
        self.day += 1;
        if self.day > days_in_month(self.year, self.month) {
            self.next_month();
        } else {
            self.hour = 0;
            self.minute = 0;
        }
    }

    fn next_hour(&mut self) {
        self.hour += 1;
        if self.hour > 23 {
            self.next_day();
        } else {
            self.minute = 0;
        }
    }

    fn next_minute(&mut self) {
        self.minute += 1;
        if self.minute > 59 {
            self.next_hour();
        }
    }

    fn datetime(&self) -> Option<DateTime> {
        DateTime::new(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            0,
            0,
        )
        .ok()
    }
}

impl Fields {
    fn day_matches(&self, m: &Minute) -> bool {
        let dom = self.dom & (1 << m.day) != 0;
        let weekday = Date::new(m.year, m.month, m.day)
            .map(|d| d.weekday().to_sunday_zero_offset())
            .unwrap_or(0);
        let dow = self.dow & (1 << weekday) != 0;
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    fn next(&self, tz: &TimeZone, after: Timestamp) -> Option<Timestamp> {
        let local = tz.to_datetime(after);
        let mut m = Minute {
            year: local.year(),
            month: local.month(),
            day: local.day(),
            hour: local.hour(),
            minute: local.minute(),
        };
        m.next_minute();
        let last_year = m.year.saturating_add(SEARCH_YEARS);
        while m.year <= last_year {
            if self.month & (1 << m.month) == 0 {
                m.next_month();
            } else if !self.day_matches(&m) {
                m.next_day();
            } else if self.hour & (1 << m.hour) == 0 {
                m.next_hour();
            } else if self.minute & (1 << m.minute) == 0 {
                m.next_minute();
            } else {
                let dt = m.datetime()?;
                let at = match tz.to_ambiguous_timestamp(dt).offset() {
                    AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
                    AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok(),
                    AmbiguousOffset::Gap { .. } => None,
                };
                match at {
                    Some(t) if t > after => return Some(t),
                    _ => m.next_minute(),
                }
            }
        }
        None
    }
}

// ---- time zones --------------------------------------------------------------------------

const ZONE_DIRS: &[&str] = &[
    "/usr/share/zoneinfo",
    "/usr/share/lib/zoneinfo",
    "/usr/lib/locale/TZ",
    "/etc/zoneinfo",
];

fn zone_cache() -> &'static Mutex<HashMap<String, TimeZone>> {
    static CACHE: OnceLock<Mutex<HashMap<String, TimeZone>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// Loads an IANA time zone by name from the system's tz database, as Go's
/// `time.LoadLocation` does: `""` and `UTC` are UTC, `Local` is the local zone. Without a
/// tz database, the UTC aliases and the fixed `Etc/GMT±N` zones still work.
pub fn load_zone(name: &str) -> Result<TimeZone, String> {
    match name {
        "" | "UTC" => return Ok(TimeZone::UTC),
        "Local" => return Ok(local_zone()),
        _ => {}
    }
    let safe = !name.starts_with('/')
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
        && !name.contains('\\');
    if !safe {
        return Err(format!("unknown time zone {name}"));
    }
    if let Some(tz) = zone_cache().lock().ok().and_then(|c| c.get(name).cloned()) {
        return Ok(tz);
    }
    let from_db = ZONE_DIRS.iter().find_map(|dir| {
        let data = std::fs::read(format!("{dir}/{name}")).ok()?;
        TimeZone::tzif(name, &data).ok()
    });
    let tz = from_db
        .or_else(|| builtin_zone(name))
        .ok_or_else(|| format!("unknown time zone {name}"))?;
    if let Ok(mut cache) = zone_cache().lock() {
        cache.insert(name.to_string(), tz.clone());
    }
    Ok(tz)
}

fn builtin_zone(name: &str) -> Option<TimeZone> {
    let base = name.strip_prefix("Etc/").unwrap_or(name);
    if matches!(
        base,
        "UTC" | "UCT" | "GMT" | "GMT0" | "GMT+0" | "GMT-0" | "Greenwich" | "Universal" | "Zulu"
    ) {
        return Some(TimeZone::UTC);
    }
    // POSIX-style names: Etc/GMT+5 is five hours *behind* UTC.
    let rest = name.strip_prefix("Etc/GMT")?;
    let (sign, hours) = match rest.as_bytes().first()? {
        b'+' => (-1, &rest[1..]),
        b'-' => (1, &rest[1..]),
        _ => return None,
    };
    let hours: i32 = hours.parse().ok().filter(|h| (0..=14).contains(h))?;
    Offset::from_seconds(sign * hours * 3600)
        .ok()
        .map(TimeZone::fixed)
}

/// The zone schedules without `spec.timeZone` use: the process's local zone (`TZ`, else
/// `/etc/localtime`), UTC when neither is readable.
pub fn local_zone() -> TimeZone {
    static LOCAL: OnceLock<TimeZone> = OnceLock::new();
    LOCAL
        .get_or_init(|| match std::env::var("TZ") {
            Ok(tz) if tz.is_empty() => TimeZone::UTC,
            Ok(tz) => load_zone(tz.trim_start_matches(':')).unwrap_or(TimeZone::UTC),
            Err(_) => std::fs::read("/etc/localtime")
                .ok()
                .and_then(|data| TimeZone::tzif("Local", &data).ok())
                .unwrap_or(TimeZone::UTC),
        })
        .clone()
}

// ---- formatting ----------------------------------------------------------------------------

/// RFC 3339 in `tz` as Go formats it: `2024-05-01T10:00:00+02:00`, `Z` for a zero offset.
pub fn rfc3339_in(t: Timestamp, tz: &TimeZone) -> String {
    let offset = tz.to_offset(t).seconds();
    let dt = tz.to_datetime(t);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.abs();
        format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// RFC 1123 with a numeric zone, in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`.
pub fn rfc1123z_utc(t: Timestamp) -> String {
    const WEEKDAYS: &[&str] = &["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTH_NAMES: &[&str] = &[
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let dt = TimeZone::UTC.to_datetime(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[dt.weekday().to_sunday_zero_offset() as usize],
        dt.day(),
        MONTH_NAMES[(dt.month() - 1) as usize],
        dt.year(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn utc(spec: &str) -> Schedule {
        Schedule::parse(spec, TimeZone::UTC).unwrap()
    }

    fn nexts(spec: &str, from: &str, n: usize) -> Vec<String> {
        let s = utc(spec);
        let mut t = ts(from);
        (0..n)
            .map(|_| {
                t = s.next(t).expect("fires");
                rfc3339_in(t, &TimeZone::UTC)
            })
            .collect()
    }

    #[test]
    fn every_minute_and_steps() {
        assert_eq!(
            nexts("* * * * *", "2024-01-01T10:00:00Z", 2),
            ["2024-01-01T10:01:00Z", "2024-01-01T10:02:00Z"]
        );
        assert_eq!(
            nexts("* * * * *", "2024-01-01T10:00:59.5Z", 1),
            ["2024-01-01T10:01:00Z"]
        );
        assert_eq!(
            nexts("*/15 * * * *", "2024-01-01T10:07:00Z", 3),
            [
                "2024-01-01T10:15:00Z",
                "2024-01-01T10:30:00Z",
                "2024-01-01T10:45:00Z"
            ]
        );
        assert_eq!(
            nexts("5/20 * * * *", "2024-01-01T10:00:00Z", 3),
            [
                "2024-01-01T10:05:00Z",
                "2024-01-01T10:25:00Z",
                "2024-01-01T10:45:00Z"
            ]
        );
    }

    #[test]
    fn ranges_lists_and_names() {
        // Weekdays at 09:30; 2024-01-05 is a Friday.
        assert_eq!(
            nexts("30 9 * * MON-FRI", "2024-01-05T10:00:00Z", 2),
            ["2024-01-08T09:30:00Z", "2024-01-09T09:30:00Z"]
        );
        assert_eq!(
            nexts("0 0 1 jan,Jul *", "2024-02-01T00:00:00Z", 2),
            ["2024-07-01T00:00:00Z", "2025-01-01T00:00:00Z"]
        );
        assert_eq!(
            nexts("0 8-10/2 * * *", "2024-01-01T08:00:00Z", 2),
            ["2024-01-01T10:00:00Z", "2024-01-02T08:00:00Z"]
        );
        // Leap day only.
        assert_eq!(
            nexts("0 12 29 2 *", "2024-03-01T00:00:00Z", 1),
            ["2028-02-29T12:00:00Z"]
        );
    }

    #[test]
    fn day_of_month_and_week_combine_like_cron() {
        // Both restricted: either matches (the 13th, or any Friday).
        assert_eq!(
            nexts("0 0 13 * 5", "2024-09-01T00:00:00Z", 3),
            [
                "2024-09-06T00:00:00Z",
                "2024-09-13T00:00:00Z",
                "2024-09-20T00:00:00Z"
            ]
        );
        // Day of month `*`: both must match, i.e. only Sundays.
        assert_eq!(
            nexts("0 0 * * 0", "2024-09-01T00:00:00Z", 1),
            ["2024-09-08T00:00:00Z"]
        );
        // `*/2` is not a star: either matches.
        assert_eq!(
            nexts("0 0 */10 * 3", "2024-09-01T00:00:00Z", 2),
            ["2024-09-04T00:00:00Z", "2024-09-11T00:00:00Z"]
        );
    }

    #[test]
    fn descriptors() {
        assert_eq!(
            nexts("@hourly", "2024-01-01T10:30:00Z", 1),
            ["2024-01-01T11:00:00Z"]
        );
        assert_eq!(
            nexts("@daily", "2024-01-01T10:30:00Z", 1),
            ["2024-01-02T00:00:00Z"]
        );
        assert_eq!(
            nexts("@midnight", "2024-01-01T10:30:00Z", 1),
            ["2024-01-02T00:00:00Z"]
        );
        // 2024-01-01 is a Monday.
        assert_eq!(
            nexts("@weekly", "2024-01-01T10:30:00Z", 1),
            ["2024-01-07T00:00:00Z"]
        );
        assert_eq!(
            nexts("@monthly", "2024-01-31T10:30:00Z", 1),
            ["2024-02-01T00:00:00Z"]
        );
        assert_eq!(
            nexts("@yearly", "2024-01-01T00:00:00Z", 1),
            ["2025-01-01T00:00:00Z"]
        );
        assert_eq!(
            nexts("@annually", "2024-06-01T00:00:00Z", 1),
            ["2025-01-01T00:00:00Z"]
        );
        assert_eq!(
            nexts("@every 90s", "2024-01-01T00:00:00.7Z", 2),
            ["2024-01-01T00:01:30Z", "2024-01-01T00:03:00Z"]
        );
        assert_eq!(
            nexts("@every 1h30m", "2024-01-01T00:00:00Z", 1),
            ["2024-01-01T01:30:00Z"]
        );
        assert_eq!(
            nexts("@every 100ms", "2024-01-01T00:00:00Z", 1),
            ["2024-01-01T00:00:01Z"]
        );
    }

    #[test]
    fn impossible_dates_never_fire() {
        assert!(utc("0 0 30 2 *").next(ts("2024-01-01T00:00:00Z")).is_none());
    }

    #[test]
    fn parse_errors() {
        let err = |s: &str| Schedule::parse(s, TimeZone::UTC).unwrap_err();
        assert_eq!(err("* * *"), "expected exactly 5 fields, found 3: [* * *]");
        assert_eq!(
            err("60 * * * *"),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            err("* * 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(err("* * * * 7"), "end of range (7) above maximum (6): 7");
        assert_eq!(
            err("5-1 * * * *"),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(
            err("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(err("@fortnightly"), "unrecognized descriptor: @fortnightly");
        assert!(err("x * * * *").contains("invalid syntax"));
        assert!(err("@every 5x").contains("invalid duration"));
        assert_eq!(err(""), "empty spec string");
    }

    #[test]
    fn time_zones() {
        let Ok(berlin) = load_zone("Europe/Berlin") else {
            return; // no tz database on this machine
        };
        let s = Schedule::parse("0 9 * * *", berlin.clone()).unwrap();
        // CET is UTC+1 in January, CEST UTC+2 in July.
        let jan = s.next(ts("2024-01-10T00:00:00Z")).unwrap();
        assert_eq!(rfc3339_in(jan, &TimeZone::UTC), "2024-01-10T08:00:00Z");
        assert_eq!(rfc3339_in(jan, &berlin), "2024-01-10T09:00:00+01:00");
        let jul = s.next(ts("2024-07-10T00:00:00Z")).unwrap();
        assert_eq!(rfc3339_in(jul, &TimeZone::UTC), "2024-07-10T07:00:00Z");
        // 02:30 does not exist on 2024-03-31 in Berlin: that day is skipped.
        let gap = Schedule::parse("30 2 * * *", berlin.clone()).unwrap();
        let t = gap.next(ts("2024-03-30T12:00:00Z")).unwrap();
        assert_eq!(rfc3339_in(t, &berlin), "2024-04-01T02:30:00+02:00");
        // 02:30 happens twice on 2024-10-27: it fires once, at the first.
        let t = gap.next(ts("2024-10-26T12:00:00Z")).unwrap();
        assert_eq!(rfc3339_in(t, &berlin), "2024-10-27T02:30:00+02:00");
        let t = gap.next(t).unwrap();
        assert_eq!(rfc3339_in(t, &berlin), "2024-10-28T02:30:00+01:00");
        // A TZ= prefix overrides the zone passed in.
        let prefixed = Schedule::parse("TZ=Europe/Berlin 0 9 * * *", TimeZone::UTC).unwrap();
        assert_eq!(prefixed.next(ts("2024-01-10T00:00:00Z")), Some(jan));
    }

    #[test]
    fn fixed_zones_without_a_database() {
        let tz = builtin_zone("Etc/GMT+5").unwrap();
        let s = Schedule::parse("0 9 * * *", tz.clone()).unwrap();
        let t = s.next(ts("2024-01-10T00:00:00Z")).unwrap();
        assert_eq!(rfc3339_in(t, &tz), "2024-01-10T09:00:00-05:00");
        assert_eq!(rfc3339_in(t, &TimeZone::UTC), "2024-01-10T14:00:00Z");
        assert!(builtin_zone("Etc/UTC").is_some());
        assert!(builtin_zone("Mars/Olympus").is_none());
        assert!(load_zone("../../etc/passwd").is_err());
        assert!(load_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn formats() {
        let t = ts("2006-01-02T15:04:05Z");
        assert_eq!(rfc1123z_utc(t), "Mon, 02 Jan 2006 15:04:05 +0000");
        assert_eq!(rfc3339_in(t, &TimeZone::UTC), "2006-01-02T15:04:05Z");
    }
}

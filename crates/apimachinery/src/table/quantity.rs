//! Canonical rendering of resource quantities (`resource.Quantity.String()`).
//!
//! Printers show quantities in canonical form (`1024Mi` prints as `1Gi`, `1.5` as `1500m`), so
//! the stored string is parsed and re-rendered. Values are held as `mantissa × 10^exponent` in
//! `i128`; anything that does not fit (or does not parse) is shown verbatim.

use std::cmp::Ordering;

use serde_json::Value;

use super::util::at;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    DecimalExponent,
    BinarySI,
    DecimalSI,
}

/// A decimal `m × 10^e`.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

struct Parts<'a> {
    positive: bool,
    /// Sign, integer and fraction digits as written.
    value: &'a str,
    /// Integer digits without leading zeros (`"0"` if none).
    num: &'a str,
    /// Fraction digits.
    denom: &'a str,
    suffix: &'a str,
}

/// Splits a quantity into sign, number and suffix, following the Kubernetes grammar exactly.
fn split(s: &str) -> Option<Parts<'_>> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    let whole = |num, denom| Parts {
        positive,
        value: s,
        num,
        denom,
        suffix: "",
    };
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Some(Parts {
            value: "0",
            ..whole("0", "")
        });
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return Some(whole(&s[num_start..], ""));
    }
    let num = match &s[num_start..pos] {
        "" => "0",
        n => n,
    };
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos >= end {
            return Some(whole(num, &s[denom_start..]));
        }
        denom = &s[denom_start..pos];
    }
    let value = &s[..pos];
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    if !b[pos..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(Parts {
        positive,
        value,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// Base, exponent and format for a suffix.
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSI));
    let bin = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "" => dec(0),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        s if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => {
            // Truncation to 32 bits matches Kubernetes.
            let e = s[1..].parse::<i64>().ok()? as i32;
            Some((10, e, Format::DecimalExponent))
        }
        _ => None,
    }
}

fn pow10(k: u32) -> Option<i128> {
    10i128.checked_pow(k)
}

/// Compares `d` with the integer `n`.
fn cmp_int(d: Dec, n: i128) -> Ordering {
    if d.e >= 0 {
        match pow10(d.e.unsigned_abs()).and_then(|p| d.m.checked_mul(p)) {
            Some(v) => v.cmp(&n),
            None => d.m.cmp(&0),
        }
    } else {
        match pow10(d.e.unsigned_abs()).and_then(|p| n.checked_mul(p)) {
            Some(scaled) => d.m.cmp(&scaled),
            // |n × 10^k| exceeds any mantissa: the sign of n decides.
            None => 0.cmp(&n),
        }
    }
}

/// `d` as an integer, if it is one and fits.
fn exact_integer(d: Dec) -> Option<i128> {
    let p = pow10(d.e.unsigned_abs())?;
    if d.e >= 0 {
        d.m.checked_mul(p)
    } else {
        (d.m % p == 0).then_some(d.m / p)
    }
}

/// Divides out `base` while it divides `v` evenly; returns the rest and the number of divisions.
fn remove_factors(mut v: i128, base: i128) -> (i128, i32) {
    let mut times = 0;
    while v != 0 && v % base == 0 {
        v /= base;
        times += 1;
    }
    (v, times)
}

fn decimal_suffix(e: i32) -> &'static str {
    match e {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        // Exponent 0, and exponents without an SI prefix (rendered bare by Kubernetes too).
        _ => "",
    }
}

fn binary_suffix(e: i32) -> &'static str {
    match e {
        10 => "Ki",
        20 => "Mi",
        30 => "Gi",
        40 => "Ti",
        50 => "Pi",
        60 => "Ei",
        _ => "",
    }
}

/// Renders a parsed value in canonical form.
fn render(d: Dec, format: Format) -> Option<String> {
    if d.m == 0 {
        return Some("0".to_string());
    }
    let mut format = format;
    let mut integer = 0;
    if format == Format::BinarySI {
        if cmp_int(d, -1024) == Ordering::Greater && cmp_int(d, 1024) == Ordering::Less {
            format = Format::DecimalSI;
        } else if let Some(v) = exact_integer(d) {
            integer = v;
        } else if d.e >= 0 {
            // An integer too large for the representation.
            return None;
        } else {
            format = Format::DecimalSI;
        }
    }
    if format == Format::BinarySI {
        let (amount, times) = remove_factors(integer, 1024);
        return Some(format!("{amount}{}", binary_suffix(times * 10)));
    }
    let (mut amount, times) = remove_factors(d.m, 10);
    let mut exp = d.e.checked_add(times)?;
    while exp % 3 != 0 {
        amount = amount.checked_mul(10)?;
        exp -= 1;
    }
    let suffix = match format {
        Format::DecimalExponent if exp == 0 => String::new(),
        Format::DecimalExponent => format!("e{exp}"),
        _ => decimal_suffix(exp).to_string(),
    };
    Some(format!("{amount}{suffix}"))
}

/// Parses a written decimal (`[+-]digits[.digits]`) into a `Dec`.
fn parse_decimal(s: &str) -> Option<Dec> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = format!("{int}{frac}");
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let m: i128 = digits.parse().ok()?;
    let e = -i32::try_from(frac.len()).ok()?;
    Some(Dec {
        m: if negative { -m } else { m },
        e,
    })
}

/// The canonical form of a quantity string, or `None` if it does not parse or fit.
pub(super) fn canonical(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some("0".to_string());
    }
    let p = split(s)?;
    let (base, exponent, format) = interpret(p.suffix)?;

    // Small values are held exactly; values already written canonically keep their spelling.
    let (mut scale, precision, mantissa) = match format {
        Format::DecimalExponent | Format::DecimalSI => {
            (exponent, 18 - (p.num.len() + p.denom.len()) as i64, 1i64)
        }
        Format::BinarySI if exponent >= 0 && p.denom.is_empty() => (
            0,
            15 - p.num.len() as i64 - i64::from(exponent) * 3 / 10 - 1,
            1i64.checked_shl(exponent.unsigned_abs()).unwrap_or(0),
        ),
        Format::BinarySI => (0, -1, 1),
    };
    if precision >= 0 {
        scale = scale.saturating_sub(p.denom.len() as i32);
        if scale >= -9 {
            let shifted = format!("{}{}", p.num, p.denom);
            let value: i64 = shifted.parse().ok()?;
            if let Some(result) = value.checked_mul(mantissa) {
                let result = if p.positive { result } else { -result };
                let keep = match format {
                    Format::BinarySI => exponent % 10 == 0 && value & 0x07 != 0,
                    _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
                };
                if keep {
                    return Some(s.to_string());
                }
                return render(
                    Dec {
                        m: i128::from(result),
                        e: scale,
                    },
                    format,
                );
            }
        }
    }

    let mut d = parse_decimal(p.value)?;
    if base == 10 {
        d.e = d.e.checked_add(exponent)?;
    } else {
        d.m =
            d.m.checked_mul(1i128.checked_shl(exponent.unsigned_abs())?)?;
    }
    let negative = d.m < 0;
    d.m = d.m.abs();
    // Non-zero values are rounded up to the nearest nano unit.
    if d.m != 0 && d.e < -9 {
        let k = (-9 - i64::from(d.e)).unsigned_abs();
        d.m = match u32::try_from(k).ok().and_then(pow10) {
            Some(p) => (d.m + p - 1) / p,
            None => 1,
        };
        d.e = -9;
    }
    let mut format = format;
    if format == Format::BinarySI && cmp_int(d, i128::from(i64::MAX)) == Ordering::Greater {
        d = Dec {
            m: i128::from(i64::MAX),
            e: 0,
        };
    }
    if format == Format::BinarySI
        && cmp_int(d, 1) == Ordering::Less
        && cmp_int(d, 0) == Ordering::Greater
    {
        format = Format::DecimalSI;
    }
    if negative {
        d.m = -d.m;
    }
    render(d, format)
}

/// A JSON quantity (string or number) in canonical form; unparsable strings are kept verbatim.
fn render_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(canonical(s).unwrap_or_else(|| s.clone())),
        Value::Number(n) => {
            let text = n.to_string();
            Some(canonical(&text).unwrap_or(text))
        }
        _ => None,
    }
}

/// The quantity at `path`, `"0"` when unset (a zero-value quantity).
pub(super) fn qty(v: &Value, path: &[&str]) -> String {
    at(v, path)
        .and_then(render_value)
        .unwrap_or_else(|| "0".to_string())
}

/// The optional quantity at `path`, `"<nil>"` when unset (a nil quantity pointer).
pub(super) fn qty_ptr(v: &Value, path: &[&str]) -> String {
    at(v, path)
        .and_then(render_value)
        .unwrap_or_else(|| "<nil>".to_string())
}

/// The optional quantity at `path`, if set.
pub(super) fn opt_qty(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path).and_then(render_value)
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[track_caller]
    fn check(input: &str, want: &str) {
        assert_eq!(canonical(input).as_deref(), Some(want), "input {input:?}");
    }

    #[test]
    fn canonical_forms() {
        check("0", "0");
        check("0Gi", "0");
        check("1Gi", "1Gi");
        check("1024Mi", "1Gi");
        check("1536Mi", "1536Mi");
        check("8Gi", "8Gi");
        check("1.5Gi", "1536Mi");
        check("1.5Ki", "1536");
        check("0.5Ki", "512");
        check("100Mi", "100Mi");
        check("10Gi", "10Gi");
        check("500m", "500m");
        check("1.5", "1500m");
        check("0.1", "100m");
        check("2000", "2k");
        check("1500", "1500");
        check("1000M", "1G");
        check("1G", "1G");
        check("1e3", "1e3");
        check("1000e0", "1e3");
        check("12e6", "12e6");
        check("100e6", "100e6");
        check("1e2", "100");
        check("-1.5", "-1500m");
        check("  2Gi ", "2Gi");
        check("1n", "1n");
        check("0.0000000001", "1n");
        check("0.1n", "1n");
        check("5", "5");
        check("128974848", "128974848");
        check("129e6", "129e6");
        check("123Mi", "123Mi");
        check("1000000Ki", "1000000Ki");
        check("1048576Ki", "1Gi");
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "1Gx", "1..5", "--1", "1e", "1Gi5"] {
            assert_eq!(canonical(bad), None, "input {bad:?}");
        }
    }
}

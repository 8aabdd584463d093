//! Kubernetes resource quantities (`100m`, `1.5`, `64Mi`, `1G`, `1e3`): exact parsing to
//! nano-units and the canonical form Kubernetes prints (`0.5` → `500m`, `1024Mi` → `1Gi`).

use std::cmp::Ordering;
use std::fmt;

/// How a quantity was written, which decides its canonical suffix family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuantityFormat {
    /// `m`, `k`, `M`, `G`, ... or no suffix.
    DecimalSI,
    /// `Ki`, `Mi`, `Gi`, ...
    BinarySI,
    /// `e3`, `E-2`, ...
    DecimalExponent,
}

/// A parsed quantity: its value in nano-units (rounded up past nano precision, saturating
/// beyond about 1.7e29) and the format it was written in. Equality and ordering compare values.
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

/// The message Kubernetes gives for a string that is not a quantity.
pub(crate) const FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_ERROR: &str = "unable to parse quantity's numeric part";
const SUFFIX_ERROR: &str = "unable to parse quantity's suffix";

/// Parses a Kubernetes quantity; `None` when it is not one.
pub fn parse_quantity(s: &str) -> Option<Quantity> {
    parse(s).ok()
}

impl Quantity {
    /// The value times 10^9.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// The value as a float (approximate for very large or very precise values).
    pub fn as_f64(&self) -> f64 {
        self.nanos as f64 / 1e9
    }

    /// The written format.
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    pub(crate) fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    pub(crate) fn is_integer(&self) -> bool {
        self.nanos % 1_000_000_000 == 0
    }
}

/// Parses with the Kubernetes error message on failure.
pub(crate) fn parse(s: &str) -> Result<Quantity, &'static str> {
    if s.is_empty() {
        return Err(FORMAT_ERROR);
    }
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut negative = false;
    match b[0] {
        b'-' => {
            negative = true;
            pos = 1;
        }
        b'+' => pos = 1,
        _ => {}
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = &s[num_start..pos];
    let mut denom = "";
    if pos < end && b[pos] == b'.' {
        pos += 1;
        let d_start = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d_start..pos];
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos != end {
        return Err(FORMAT_ERROR);
    }
    let suffix = &s[suffix_start..];
    let (base2, exp) = match suffix {
        "" => (false, 0),
        "n" => (false, -9),
        "u" => (false, -6),
        "m" => (false, -3),
        "k" => (false, 3),
        "M" => (false, 6),
        "G" => (false, 9),
        "T" => (false, 12),
        "P" => (false, 15),
        "E" => (false, 18),
        "Ki" => (true, 10),
        "Mi" => (true, 20),
        "Gi" => (true, 30),
        "Ti" => (true, 40),
        "Pi" => (true, 50),
        "Ei" => (true, 60),
        other => {
            let rest = other.strip_prefix(['e', 'E']).ok_or(SUFFIX_ERROR)?;
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(SUFFIX_ERROR);
            }
            let e: i64 = rest.parse().map_err(|_| SUFFIX_ERROR)?;
            (false, e.clamp(-1000, 1000) as i32)
        }
    };
    let format = if base2 {
        QuantityFormat::BinarySI
    } else if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) {
        QuantityFormat::DecimalExponent
    } else {
        QuantityFormat::DecimalSI
    };
    if num.is_empty() && denom.is_empty() {
        return Err(NUMERIC_ERROR);
    }
    // The digits as one integer, and the power of ten that scales it to the written value.
    let mut saturated = false;
    let mut digits: u128 = 0;
    let mut dropped_nonzero = false;
    let mut scale: i64 = -(denom.len() as i64);
    for c in num.bytes().chain(denom.bytes()) {
        let d = (c - b'0') as u128;
        match digits.checked_mul(10).and_then(|v| v.checked_add(d)) {
            Some(v) if !saturated => digits = v,
            _ => {
                // Too many digits: keep the magnitude, remember precision lost.
                saturated = true;
                scale += 1;
                dropped_nonzero |= d != 0;
            }
        }
    }
    let mut value = digits;
    let mut overflow = false;
    if base2 {
        match value.checked_mul(1u128 << exp) {
            Some(v) => value = v,
            None => overflow = true,
        }
    } else {
        scale += exp as i64;
    }
    // nanos = value * 10^(scale + 9), rounded away from zero.
    let k = scale + 9;
    let mut nanos: u128 = 0;
    if !overflow {
        if k >= 0 {
            let mut v = value;
            for _ in 0..k {
                match v.checked_mul(10) {
                    Some(n) => v = n,
                    None => {
                        overflow = true;
                        break;
                    }
                }
                if v == 0 {
                    break;
                }
            }
            nanos = v;
            if dropped_nonzero && !overflow && k == 0 {
                nanos += 1;
            }
        } else {
            let mut v = value;
            let mut remainder = dropped_nonzero;
            for _ in 0..(-k).min(60) {
                remainder |= !v.is_multiple_of(10);
                v /= 10;
            }
            if -k > 60 {
                remainder |= v != 0;
                v = 0;
            }
            nanos = v + u128::from(remainder);
        }
    }
    let magnitude: i128 = if overflow || nanos > i128::MAX as u128 {
        i128::MAX
    } else {
        nanos as i128
    };
    let nanos = if negative { -magnitude } else { magnitude };
    Ok(Quantity { nanos, format })
}

impl fmt::Display for Quantity {
    /// The canonical form (`Quantity.String()` in Kubernetes).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            return f.write_str("0");
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let mag = self.nanos.unsigned_abs();
        let mut format = self.format;
        if format == QuantityFormat::BinarySI
            && (mag < 1024 * 1_000_000_000 || !mag.is_multiple_of(1_000_000_000))
        {
            format = QuantityFormat::DecimalSI;
        }
        if format == QuantityFormat::BinarySI {
            let mut v = mag / 1_000_000_000;
            let mut times = 0;
            while times < 6 && v.is_multiple_of(1024) {
                v /= 1024;
                times += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][times];
            return write!(f, "{sign}{v}{suffix}");
        }
        // Strip factors of ten, then lower the exponent to a multiple of three.
        let mut v = mag;
        let mut exp: i32 = -9;
        while v.is_multiple_of(10) {
            v /= 10;
            exp += 1;
        }
        let adjust = exp.rem_euclid(3);
        for _ in 0..adjust {
            v *= 10;
        }
        exp -= adjust;
        if format == QuantityFormat::DecimalExponent {
            return if exp == 0 {
                write!(f, "{sign}{v}")
            } else {
                write!(f, "{sign}{v}e{exp}")
            };
        }
        while exp > 18 {
            v = v.saturating_mul(1000);
            exp -= 3;
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        };
        write!(f, "{sign}{v}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        parse_quantity(s).unwrap().to_string()
    }

    #[test]
    fn parses_values() {
        assert_eq!(parse_quantity("100m").unwrap().nanos(), 100_000_000);
        assert_eq!(parse_quantity("1").unwrap().nanos(), 1_000_000_000);
        assert_eq!(parse_quantity("1.5").unwrap().nanos(), 1_500_000_000);
        assert_eq!(parse_quantity("64Mi").unwrap().as_f64(), 67108864.0);
        assert_eq!(parse_quantity("1G").unwrap().as_f64(), 1e9);
        assert_eq!(parse_quantity("1e3").unwrap().as_f64(), 1000.0);
        assert_eq!(parse_quantity("-2").unwrap().as_f64(), -2.0);
        assert_eq!(parse_quantity(".5").unwrap().as_f64(), 0.5);
        assert_eq!(parse_quantity("5.").unwrap().as_f64(), 5.0);
        assert_eq!(parse_quantity("1n").unwrap().nanos(), 1);
        assert_eq!(
            parse_quantity("0.1n").unwrap().nanos(),
            1,
            "rounds up past nano"
        );
        assert!(parse_quantity("500m").unwrap() < parse_quantity("1").unwrap());
        assert_eq!(
            parse_quantity("1000m").unwrap(),
            parse_quantity("1").unwrap()
        );
        assert_eq!(
            parse_quantity("1Ki").unwrap(),
            parse_quantity("1024").unwrap()
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "abc", "1x", "1e", "Mi", ".", "1.2.3", "1 ", " 1", "1Mb", "--1", "1e1.5",
        ] {
            assert!(parse_quantity(bad).is_none(), "{bad:?}");
        }
        assert_eq!(parse("abc").unwrap_err(), FORMAT_ERROR);
        assert_eq!(parse("1Q").unwrap_err(), FORMAT_ERROR);
        assert_eq!(parse("1e").unwrap_err(), SUFFIX_ERROR);
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("2000"), "2k");
        assert_eq!(canon("1500"), "1500");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("512Ki"), "512Ki");
        assert_eq!(canon("100Ki"), "100Ki");
        assert_eq!(canon("0.5Ki"), "512");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("1200e0"), "1200");
        assert_eq!(canon("0"), "0");
        assert_eq!(canon("-100m"), "-100m");
        assert_eq!(canon("1.5"), "1500m");
        assert_eq!(canon("128974848"), "128974848");
        assert_eq!(canon("129e6"), "129e6");
        assert_eq!(canon("123Mi"), "123Mi");
        assert_eq!(canon("1E"), "1E");
        assert_eq!(canon("10"), "10");
    }

    #[test]
    fn huge_values_saturate() {
        let q = parse_quantity("99999999999999999999999999999999999999999999").unwrap();
        assert_eq!(q.nanos(), i128::MAX);
        assert!(parse_quantity("1e999").is_some());
    }
}

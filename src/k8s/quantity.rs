//! Kubernetes resource quantities (`500m`, `1.5Gi`, `1e3`), parsed the way
//! `k8s.io/apimachinery/pkg/api/resource.ParseQuantity` parses them, and turned into whole
//! millicores (CPU) or bytes (memory) with exact decimal arithmetic: no float ever touches a value,
//! so `1E18` or `0.1m` come out exactly.
//!
//! Grammar (as Kubernetes documents it):
//!
//! ```text
//! quantity  ::= [+-] number suffix
//! number    ::= digits | digits "." digits | digits "." | "." digits
//! suffix    ::= "" | n | u | m | k | M | G | T | P | E        (powers of 1000)
//!             | Ki | Mi | Gi | Ti | Pi | Ei                    (powers of 1024)
//!             | ("e" | "E") [+-] digits                        (power of ten)
//! ```
//!
//! Where we differ from Kubernetes, on purpose:
//! - A quantity without a single digit (`Mi`, `m`, `.`, `-`, `e3`) is rejected. Kubernetes'
//!   parser lets these through as zero, but its documented grammar (and the regular expression in
//!   its own error message) requires a number; in a values file they are always a typo.
//! - A value that does not fit in an `i64` of the target unit (millicores or bytes) is an error
//!   ([`QuantityErrorKind::TooLarge`]), never saturated: Kubernetes caps decimal and binary
//!   quantities at 2^63-1 base units (so `8Ei` of memory becomes 9223372036854775807 bytes) and
//!   silently overflows when converting to millicores; no real node has that much, so a check
//!   comparing against such a number would only mislead.
//! - An exponent beyond the 32-bit range (`1e4294967299`) is an error; Kubernetes truncates it to
//!   32 bits and reads a different number.
//!
//! Like Kubernetes, anything below the unit is rounded up (away from zero), on the theory that who
//! asks for some resource should get some: `0.1m` is 1 millicore, `0.5` bytes is 1 byte. Negative
//! quantities parse (Kubernetes parses them too; validation rejects them for requests later).
use std::fmt;

/// The largest magnitude we return: `i64::MAX` millicores or bytes.
const MAX: u128 = i64::MAX as u128;

/// Why a quantity was rejected, with the offending input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    input: String,
    kind: QuantityErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityErrorKind {
    /// The empty string.
    Empty,
    /// A sign, point or suffix but no digit (`Mi`, `.`).
    NoDigits,
    /// A character the grammar does not allow at this byte offset (a space, a second `.`).
    UnexpectedChar { offset: usize, found: char },
    /// Letters after the number that are no known suffix (`K`, `mi`, `Ki2`).
    UnknownSuffix(String),
    /// A decimal exponent outside the 32-bit range Kubernetes handles.
    ExponentOutOfRange(String),
    /// More millicores or bytes than an `i64` holds.
    TooLarge { unit: &'static str },
    /// A JSON/YAML value that is neither a string nor a number.
    NotAQuantity(&'static str),
}

impl QuantityError {
    fn new(input: &str, kind: QuantityErrorKind) -> Self {
        QuantityError {
            input: input.to_owned(),
            kind,
        }
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    pub fn kind(&self) -> &QuantityErrorKind {
        &self.kind
    }
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = &self.input;
        match &self.kind {
            QuantityErrorKind::Empty => write!(f, "a quantity cannot be empty"),
            QuantityErrorKind::NoDigits => {
                write!(
                    f,
                    "{input:?} is not a quantity: it has no number (e.g. 500m, 1Gi)"
                )
            }
            QuantityErrorKind::UnexpectedChar { offset, found } => write!(
                f,
                "{input:?} is not a quantity: unexpected {found:?} at offset {offset} \
                 (a quantity is a number with an optional suffix, no spaces)"
            ),
            QuantityErrorKind::UnknownSuffix(suffix) => {
                write!(f, "{input:?} is not a quantity: unknown suffix {suffix:?}")?;
                match suggest_suffix(suffix) {
                    Some(hint) => write!(f, " (did you mean {hint}?)"),
                    None => write!(
                        f,
                        " (use one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or an exponent like e3)"
                    ),
                }
            }
            QuantityErrorKind::ExponentOutOfRange(suffix) => {
                write!(
                    f,
                    "{input:?} is not a quantity: exponent {suffix:?} is out of range"
                )
            }
            QuantityErrorKind::TooLarge { unit } => {
                write!(f, "{input:?} is too large: more than {} {unit}", i64::MAX)
            }
            QuantityErrorKind::NotAQuantity(what) => {
                write!(f, "a quantity must be a string or a number, not {what}")
            }
        }
    }
}

impl std::error::Error for QuantityError {}

/// The usual slips: a wrong case (`K`, `mi`, `gi`) or an SI/IEC spelling (`MB`, `MiB`).
fn suggest_suffix(suffix: &str) -> Option<&'static str> {
    let trimmed = suffix.trim_end_matches(['b', 'B']);
    match trimmed.to_ascii_lowercase().as_str() {
        "k" => Some("\"k\" (1000) or \"Ki\" (1024)"),
        "ki" => Some("\"Ki\""),
        "mi" => Some("\"Mi\""),
        "gi" => Some("\"Gi\""),
        "ti" => Some("\"Ti\""),
        "pi" => Some("\"Pi\""),
        "ei" => Some("\"Ei\""),
        "g" => Some("\"G\" (10^9) or \"Gi\" (2^30)"),
        "t" => Some("\"T\" (10^12) or \"Ti\" (2^40)"),
        "p" => Some("\"P\" (10^15) or \"Pi\" (2^50)"),
        "m" => Some("\"M\" (10^6) or \"Mi\" (2^20); \"m\" is a thousandth"),
        _ => None,
    }
}

/// An exact quantity: `(-1)^negative × digits × 10^exp10 × 2^exp2`, where `digits` has neither
/// leading nor trailing zeros (empty for zero).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Exact {
    negative: bool,
    digits: Vec<u8>,
    exp10: i64,
    exp2: u32,
}

fn parse(input: &str) -> Result<Exact, QuantityError> {
    let fail = |kind| QuantityError::new(input, kind);
    if input.is_empty() {
        return Err(fail(QuantityErrorKind::Empty));
    }
    let bytes = input.as_bytes();
    let digits_from = |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();

    let mut pos = 0;
    let negative = bytes[0] == b'-';
    if matches!(bytes[0], b'-' | b'+') {
        pos = 1;
    }
    let int_end = digits_from(pos);
    let int_part = &bytes[pos..int_end];
    pos = int_end;
    let mut frac_part: &[u8] = &[];
    if bytes.get(pos) == Some(&b'.') {
        let frac_end = digits_from(pos + 1);
        frac_part = &bytes[pos + 1..frac_end];
        pos = frac_end;
    }

    // The suffix is scanned as Kubernetes scans it: letters from a fixed set, then an optional
    // sign and digits (for exponents); anything else is a format error, a bad combination of
    // those characters is an unknown suffix.
    let suffix_start = pos;
    pos += bytes[pos..]
        .iter()
        .take_while(|b| b"eEinumkKMGTP".contains(b))
        .count();
    if matches!(bytes.get(pos), Some(b'+' | b'-')) {
        pos += 1;
    }
    pos = digits_from(pos);
    if pos < bytes.len() {
        // Everything scanned so far is ASCII, so `pos` is a char boundary.
        let found = input[pos..].chars().next().unwrap_or('?');
        return Err(fail(QuantityErrorKind::UnexpectedChar { offset: pos, found }));
    }
    let suffix = &input[suffix_start..];
    let (suffix_exp10, exp2) = interpret_suffix(suffix).map_err(fail)?;
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(fail(QuantityErrorKind::NoDigits));
    }

    let mut digits: Vec<u8> = int_part.iter().chain(frac_part).map(|b| b - b'0').collect();
    let leading = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..leading);
    let trailing = digits.iter().rev().take_while(|d| **d == 0).count();
    digits.truncate(digits.len() - trailing);
    // Bounded by the input length and a 32-bit exponent, so this cannot overflow an i64.
    let exp10 = suffix_exp10 - frac_part.len() as i64 + trailing as i64;
    Ok(Exact {
        negative: negative && !digits.is_empty(),
        digits,
        exp10,
        exp2,
    })
}

/// The power of ten and power of two a suffix stands for.
fn interpret_suffix(suffix: &str) -> Result<(i64, u32), QuantityErrorKind> {
    let known = match suffix {
        "" => Some((0, 0)),
        "n" => Some((-9, 0)),
        "u" => Some((-6, 0)),
        "m" => Some((-3, 0)),
        "k" => Some((3, 0)),
        "M" => Some((6, 0)),
        "G" => Some((9, 0)),
        "T" => Some((12, 0)),
        "P" => Some((15, 0)),
        "E" => Some((18, 0)),
        "Ki" => Some((0, 10)),
        "Mi" => Some((0, 20)),
        "Gi" => Some((0, 30)),
        "Ti" => Some((0, 40)),
        "Pi" => Some((0, 50)),
        "Ei" => Some((0, 60)),
        _ => None,
    };
    if let Some(found) = known {
        return Ok(found);
    }
    let exponent = suffix.strip_prefix(['e', 'E']).filter(|rest| !rest.is_empty());
    let Some(exponent) = exponent else {
        return Err(QuantityErrorKind::UnknownSuffix(suffix.to_owned()));
    };
    // Go's strconv.ParseInt, which Kubernetes uses here, takes an optional sign and digits.
    let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QuantityErrorKind::UnknownSuffix(suffix.to_owned()));
    }
    match exponent.parse::<i32>() {
        Ok(value) => Ok((i64::from(value), 0)),
        Err(_) => Err(QuantityErrorKind::ExponentOutOfRange(suffix.to_owned())),
    }
}

impl Exact {
    /// The value in units of 10^-`shift`, rounded away from zero; `None` beyond `i64`.
    fn scaled(&self, shift: i64) -> Option<i64> {
        if self.digits.is_empty() {
            return Some(0);
        }
        let exp10 = self.exp10 + shift;
        // Multiply by 2^exp2 on the decimal digits, so fractions of binary units stay exact
        // (0.3Ki is 307.2 bytes, rounded up to 308).
        let mut digits = self.digits.clone();
        for _ in 0..self.exp2 / 10 {
            digits = times_1024(&digits);
        }
        let magnitude = if exp10 >= 0 {
            // Without leading zeros, more than 19 digits is at least 10^19 > i64::MAX.
            let len = digits.len() as i64 + exp10;
            if len > 19 {
                return None;
            }
            let mut value = to_u128(&digits);
            for _ in 0..exp10 {
                value *= 10;
            }
            value
        } else {
            let frac_len = usize::try_from(-exp10).ok()?;
            let (int_digits, frac_digits) = if digits.len() > frac_len {
                digits.split_at(digits.len() - frac_len)
            } else {
                (&[][..], &digits[..])
            };
            let int_digits = &int_digits[int_digits.iter().take_while(|d| **d == 0).count()..];
            if int_digits.len() > 19 {
                return None;
            }
            let round_up = frac_digits.iter().any(|d| *d != 0);
            to_u128(int_digits) + u128::from(round_up)
        };
        if magnitude > MAX {
            return None;
        }
        // Within i64::MAX, so the conversion cannot fail; negating a non-minimal value is safe.
        let value = i64::try_from(magnitude).ok()?;
        Some(if self.negative { -value } else { value })
    }
}

fn times_1024(digits: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(digits.len() + 4);
    let mut carry: u32 = 0;
    for d in digits.iter().rev() {
        let v = u32::from(*d) * 1024 + carry;
        out.push((v % 10) as u8);
        carry = v / 10;
    }
    while carry > 0 {
        out.push((carry % 10) as u8);
        carry /= 10;
    }
    out.reverse();
    out
}

/// Callers pass at most 19 digits, which always fit.
fn to_u128(digits: &[u8]) -> u128 {
    digits.iter().fold(0u128, |acc, d| acc * 10 + u128::from(*d))
}

/// CPU in millicores: `"500m"` → 500, `"2"` → 2000, `"0.1m"` → 1 (rounded up).
pub fn cpu_millis(input: &str) -> Result<i64, QuantityError> {
    parse(input)?
        .scaled(3)
        .ok_or_else(|| QuantityError::new(input, QuantityErrorKind::TooLarge { unit: "millicores" }))
}

/// Memory (or any byte count) in bytes: `"1Gi"` → 1073741824, `"0.5"` → 1 (rounded up).
pub fn memory_bytes(input: &str) -> Result<i64, QuantityError> {
    parse(input)?
        .scaled(0)
        .ok_or_else(|| QuantityError::new(input, QuantityErrorKind::TooLarge { unit: "bytes" }))
}

/// Like [`cpu_millis`], for a value read from JSON or YAML: Kubernetes accepts a quantity as a
/// string (`"500m"`) or a bare number (`cpu: 2`, `cpu: 0.5`).
pub fn cpu_millis_value(value: &serde_json::Value) -> Result<i64, QuantityError> {
    cpu_millis(&value_text(value)?)
}

/// Like [`memory_bytes`], for a string or number read from JSON or YAML.
pub fn memory_bytes_value(value: &serde_json::Value) -> Result<i64, QuantityError> {
    memory_bytes(&value_text(value)?)
}

/// The text Kubernetes would parse: a string as is, a number as written. serde_json prints
/// integers exactly and floats in their shortest round-trip form (`0.5`, `1e30`), which the
/// quantity grammar accepts.
fn value_text(value: &serde_json::Value) -> Result<String, QuantityError> {
    let what = match value {
        serde_json::Value::String(s) => return Ok(s.clone()),
        serde_json::Value::Number(n) => return Ok(n.to_string()),
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a map",
    };
    Err(QuantityError::new(
        &value.to_string(),
        QuantityErrorKind::NotAQuantity(what),
    ))
}

/// Millicores for people: whole cores without a suffix (`"2"`), anything else in `m` (`"500m"`).
pub fn format_cpu(millis: i64) -> String {
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        format!("{millis}m")
    }
}

/// Bytes for people, exactly: in the largest unit, binary or decimal, that divides the value
/// (`"2Gi"`, `"1536Mi"`, `"1500k"`, `"1M"`), else in plain bytes.
pub fn format_memory(bytes: i64) -> String {
    const BINARY: [(&str, u64); 6] = [
        ("Ei", 1 << 60),
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    const DECIMAL: [(&str, u64); 6] = [
        ("E", 1_000_000_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    let sign = if bytes < 0 { "-" } else { "" };
    let magnitude = bytes.unsigned_abs();
    if magnitude == 0 {
        return "0".to_owned();
    }
    // The largest unit that divides exactly gives the shortest number: 10^18 is "1E", not
    // "976562500000000Ki" (10^18 is a multiple of 1024 too).
    let unit = BINARY
        .iter()
        .chain(DECIMAL.iter())
        .filter(|(_, size)| magnitude.is_multiple_of(*size))
        .max_by_key(|(_, size)| *size);
    match unit {
        Some((suffix, size)) => format!("{sign}{}{suffix}", magnitude / size),
        None => format!("{sign}{magnitude}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Expected values checked against Kubernetes 1.32 (`kubectl set resources --local`, which
    /// runs `resource.ParseQuantity`, then `MilliValue()` / `Value()` by hand).
    #[test]
    fn cpu_values() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("1", 1000),
            ("2", 2000),
            ("500m", 500),
            ("0.5", 500),
            (".5", 500),
            ("5.", 5000),
            ("+1", 1000),
            ("-1", -1000),
            ("-0", 0),
            ("000.000", 0),
            ("0.1m", 1),
            ("0.0001", 1),
            ("1n", 1),
            ("1u", 1),
            ("1000u", 1),
            ("1001u", 2),
            ("1500u", 2),
            ("-0.1m", -1),
            ("1e3", 1_000_000),
            ("1E3", 1_000_000),
            ("1e+3", 1_000_000),
            ("1e-3", 1),
            ("1e-4", 1),
            ("1.5e-3", 2),
            ("2.5", 2500),
            ("100m", 100),
            ("1k", 1_000_000),
            ("1.G", 1_000_000_000_000),
            ("0.000000001", 1),
            ("0.1n", 1),
            ("1e-1000", 1),
            ("0e999999", 0),
            ("1.000000000000000000000000000000000000000001", 1001),
            ("9223372036854775.807", i64::MAX),
            ("9223372036854775807m", i64::MAX),
            ("-9223372036854775807m", -i64::MAX),
        ];
        for (input, want) in cases {
            assert_eq!(cpu_millis(input), Ok(*want), "cpu {input:?}");
        }
    }

    #[test]
    fn memory_values() {
        let gi: i64 = 1 << 30;
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("1", 1),
            ("128974848", 128_974_848),
            ("129e6", 129_000_000),
            ("129M", 129_000_000),
            ("123Mi", 123 * (1 << 20)),
            ("1Ki", 1024),
            ("1Gi", gi),
            ("1.5Gi", 1_610_612_736),
            ("0.5Ki", 512),
            ("0.3Ki", 308),
            (".5Mi", 524_288),
            ("1Ei", 1 << 60),
            ("7Ei", 7 << 60),
            ("1E", 1_000_000_000_000_000_000),
            ("1E18", 1_000_000_000_000_000_000),
            ("1e18", 1_000_000_000_000_000_000),
            ("9223372036854775807", i64::MAX),
            ("9.223372036854775807E", i64::MAX),
            ("0.5", 1),
            ("0.1m", 1),
            ("1500m", 2),
            ("1000m", 1),
            ("1k", 1000),
            ("1.5k", 1500),
            ("1.0005k", 1001),
            ("2Ti", 2 << 40),
            ("1Pi", 1 << 50),
            ("1P", 1_000_000_000_000_000),
            ("1T", 1_000_000_000_000),
            ("-1Ki", -1024),
            ("+1Mi", 1 << 20),
            ("00001Ki", 1024),
            ("1.999999999999999999999999999999Ki", 2048),
        ];
        for (input, want) in cases {
            assert_eq!(memory_bytes(input), Ok(*want), "memory {input:?}");
        }
    }

    #[test]
    fn rejected_like_kubernetes() {
        let cases: &[(&str, QuantityErrorKind)] = &[
            ("", QuantityErrorKind::Empty),
            ("1K", QuantityErrorKind::UnknownSuffix("K".into())),
            ("1mi", QuantityErrorKind::UnknownSuffix("mi".into())),
            ("1e", QuantityErrorKind::UnknownSuffix("e".into())),
            ("1Ki2", QuantityErrorKind::UnknownSuffix("Ki2".into())),
            ("--1", QuantityErrorKind::UnknownSuffix("-1".into())),
            ("1kk", QuantityErrorKind::UnknownSuffix("kk".into())),
            ("1Ei3", QuantityErrorKind::UnknownSuffix("Ei3".into())),
            ("1e-", QuantityErrorKind::UnknownSuffix("e-".into())),
            ("1i", QuantityErrorKind::UnknownSuffix("i".into())),
            (
                "0.1am",
                QuantityErrorKind::UnexpectedChar {
                    offset: 3,
                    found: 'a',
                },
            ),
            (
                "1.2.3",
                QuantityErrorKind::UnexpectedChar {
                    offset: 3,
                    found: '.',
                },
            ),
            (
                "1 Mi",
                QuantityErrorKind::UnexpectedChar {
                    offset: 1,
                    found: ' ',
                },
            ),
            (
                " 1",
                QuantityErrorKind::UnexpectedChar {
                    offset: 0,
                    found: ' ',
                },
            ),
            (
                "1 ",
                QuantityErrorKind::UnexpectedChar {
                    offset: 1,
                    found: ' ',
                },
            ),
            (
                "1e3i",
                QuantityErrorKind::UnexpectedChar {
                    offset: 3,
                    found: 'i',
                },
            ),
            (
                "1+1.0M",
                QuantityErrorKind::UnexpectedChar {
                    offset: 3,
                    found: '.',
                },
            ),
            (
                "1,5",
                QuantityErrorKind::UnexpectedChar {
                    offset: 1,
                    found: ',',
                },
            ),
            (
                "1µ",
                QuantityErrorKind::UnexpectedChar {
                    offset: 1,
                    found: 'µ',
                },
            ),
            (
                "aoeu",
                QuantityErrorKind::UnexpectedChar {
                    offset: 0,
                    found: 'a',
                },
            ),
            // Accepted as zero by Kubernetes' parser, rejected here (see the module docs).
            ("Mi", QuantityErrorKind::NoDigits),
            ("m", QuantityErrorKind::NoDigits),
            (".", QuantityErrorKind::NoDigits),
            ("-", QuantityErrorKind::NoDigits),
            ("+", QuantityErrorKind::NoDigits),
            ("e3", QuantityErrorKind::NoDigits),
            // Kubernetes truncates these exponents to 32 bits.
            (
                "1e4294967299",
                QuantityErrorKind::ExponentOutOfRange("e4294967299".into()),
            ),
            (
                "1e99999999999999999999",
                QuantityErrorKind::ExponentOutOfRange("e99999999999999999999".into()),
            ),
        ];
        for (input, want) in cases {
            for result in [cpu_millis(input), memory_bytes(input)] {
                let err = result.expect_err(input);
                assert_eq!(err.kind(), want, "{input:?}");
                assert_eq!(err.input(), *input);
            }
        }
    }

    #[test]
    fn too_large_is_an_error_not_a_wrap() {
        for input in [
            "8Ei",
            "9Ei",
            "9223372036854775808",
            "10E18",
            "1e19",
            "123456789012345678901234567890m",
            "1e2147483647",
            "-8Ei",
        ] {
            let err = memory_bytes(input).expect_err(input);
            assert_eq!(
                err.kind(),
                &QuantityErrorKind::TooLarge { unit: "bytes" },
                "{input}"
            );
        }
        for input in ["1E", "9223372036854776", "123456789012345678901234567890m", "8Ei"] {
            let err = cpu_millis(input).expect_err(input);
            assert_eq!(
                err.kind(),
                &QuantityErrorKind::TooLarge { unit: "millicores" },
                "{input}"
            );
        }
        assert_eq!(cpu_millis("9223372036854775"), Ok(9_223_372_036_854_775_000));
        assert_eq!(memory_bytes("1E18"), Ok(1_000_000_000_000_000_000));
    }

    #[test]
    fn errors_say_why() {
        let text = |input: &str| memory_bytes(input).expect_err(input).to_string();
        assert_eq!(
            text("1K"),
            "\"1K\" is not a quantity: unknown suffix \"K\" (did you mean \"k\" (1000) or \"Ki\" (1024)?)"
        );
        assert_eq!(
            text("1mi"),
            "\"1mi\" is not a quantity: unknown suffix \"mi\" (did you mean \"Mi\"?)"
        );
        assert_eq!(
            text("1MiB"),
            "\"1MiB\" is not a quantity: unexpected 'B' at offset 3 \
             (a quantity is a number with an optional suffix, no spaces)"
        );
        assert!(text("1Ki2").contains("use one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei"));
        assert_eq!(text(""), "a quantity cannot be empty");
        assert_eq!(
            text("8Ei"),
            "\"8Ei\" is too large: more than 9223372036854775807 bytes"
        );
        let err: Box<dyn std::error::Error> = Box::new(memory_bytes("Mi").expect_err("Mi"));
        assert!(err.to_string().contains("has no number"));
    }

    #[test]
    fn json_numbers_and_strings() {
        assert_eq!(cpu_millis_value(&json!(2)), Ok(2000));
        assert_eq!(cpu_millis_value(&json!(0.5)), Ok(500));
        assert_eq!(cpu_millis_value(&json!(0.1)), Ok(100));
        assert_eq!(cpu_millis_value(&json!(-1)), Ok(-1000));
        assert_eq!(cpu_millis_value(&json!("250m")), Ok(250));
        assert_eq!(memory_bytes_value(&json!(1e3)), Ok(1000));
        assert_eq!(memory_bytes_value(&json!(1073741824u64)), Ok(1 << 30));
        assert_eq!(
            memory_bytes_value(&json!(u64::MAX)).map_err(|e| e.kind().clone()),
            Err(QuantityErrorKind::TooLarge { unit: "bytes" })
        );
        assert_eq!(
            memory_bytes_value(&json!(1e30)).map_err(|e| e.kind().clone()),
            Err(QuantityErrorKind::TooLarge { unit: "bytes" })
        );
        assert_eq!(memory_bytes_value(&json!(1e-7)), Ok(1));
        assert_eq!(memory_bytes_value(&json!("1Gi")), Ok(1 << 30));
        let err = memory_bytes_value(&json!(true)).expect_err("bool");
        assert_eq!(
            err.to_string(),
            "a quantity must be a string or a number, not a boolean"
        );
        assert!(cpu_millis_value(&json!(null)).is_err());
        assert!(cpu_millis_value(&json!({"a": 1})).is_err());
    }

    #[test]
    fn formatting() {
        let cpu: &[(i64, &str)] = &[
            (0, "0"),
            (500, "500m"),
            (1000, "1"),
            (2000, "2"),
            (1500, "1500m"),
            (1, "1m"),
            (-250, "-250m"),
            (-3000, "-3"),
        ];
        for (millis, want) in cpu {
            assert_eq!(format_cpu(*millis), *want);
        }
        let memory: &[(i64, &str)] = &[
            (0, "0"),
            (1, "1"),
            (999, "999"),
            (1000, "1k"),
            (1024, "1Ki"),
            (1_500_000, "1500k"),
            (1_000_000, "1M"),
            (1_024_000, "1000Ki"),
            (2 << 30, "2Gi"),
            (1_610_612_736, "1536Mi"),
            (1 << 60, "1Ei"),
            (1_000_000_000_000_000_000, "1E"),
            (i64::MAX, "9223372036854775807"),
            (i64::MIN, "-8Ei"),
            (-(1 << 20), "-1Mi"),
        ];
        for (bytes, want) in memory {
            assert_eq!(format_memory(*bytes), *want);
        }
    }

    #[test]
    fn formatting_round_trips() {
        for bytes in [0, 1, 1000, 1024, 1_536 << 20, 123_456_789, 1 << 62, i64::MAX] {
            assert_eq!(memory_bytes(&format_memory(bytes)), Ok(bytes), "{bytes}");
        }
        for millis in [0, 1, 999, 1000, 1001, 2500, i64::MAX / 1000 * 1000] {
            assert_eq!(cpu_millis(&format_cpu(millis)), Ok(millis), "{millis}");
        }
    }
}

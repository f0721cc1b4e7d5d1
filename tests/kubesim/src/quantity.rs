//! Kubernetes resource quantities (`100m`, `1.5`, `128Mi`, `1e3`), parsed into integers:
//! cpu in millicores, everything else in base units. Kept local and small on purpose.

/// Parses a quantity into thousandths of its base unit (so `100m` → 100, `1` → 1000,
/// `1Ki` → 1_024_000). `None` for malformed input.
pub fn parse_milli(q: &str) -> Option<i128> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    if num.is_empty() {
        return None;
    }
    // Scale factor as (multiplier, divisor) in thousandths.
    let (mul, div): (i128, i128) = match suffix {
        "" => (1000, 1),
        "m" => (1, 1),
        "n" => (1, 1_000_000),
        "u" => (1, 1000),
        "k" => (1000 * 1000, 1),
        "M" => (1000 * 1_000_000, 1),
        "G" => (1000 * 1_000_000_000, 1),
        "T" => (1000 * 1_000_000_000_000, 1),
        "P" => (1000 * 1_000_000_000_000_000, 1),
        "E" => (1000 * 1_000_000_000_000_000_000, 1),
        "Ki" => (1000 << 10, 1),
        "Mi" => (1000 << 20, 1),
        "Gi" => (1000 << 30, 1),
        "Ti" => (1000 << 40, 1),
        "Pi" => (1000 << 50, 1),
        "Ei" => (1000 << 60, 1),
        s if s.starts_with(['e', 'E']) => {
            let exp: u32 = s[1..].parse().ok()?;
            (1000 * 10i128.checked_pow(exp)?, 1)
        }
        _ => return None,
    };
    // Decimal number: integer and fraction parts, computed exactly in i128.
    let (neg, digits) = match num.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, num.strip_prefix('+').unwrap_or(num)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int_v: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut value = int_v.checked_mul(mul)? / div;
    if !frac.is_empty() {
        let frac_v: i128 = frac.parse().ok()?;
        let scale = 10i128.checked_pow(frac.len() as u32)?;
        // Round up like Kubernetes does for sub-milli precision.
        let f = frac_v.checked_mul(mul)?;
        value += (f + scale * div - 1) / (scale * div);
    }
    Some(if neg { -value } else { value })
}

/// CPU in millicores (`100m` → 100, `2` → 2000).
pub fn cpu_millis(q: &str) -> Option<i64> {
    parse_milli(q).map(|v| v as i64)
}

/// Memory (or any count) in base units, rounding fractions up (`128Mi` → 134217728).
pub fn bytes(q: &str) -> Option<i64> {
    parse_milli(q).map(|v| ((v + 999).div_euclid(1000)) as i64)
}

/// Reads a quantity that JSON may hold as a string or a number.
pub fn from_value_milli(v: &serde_json::Value) -> Option<i128> {
    match v {
        serde_json::Value::String(s) => parse_milli(s),
        serde_json::Value::Number(n) => parse_milli(&n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu() {
        assert_eq!(cpu_millis("100m"), Some(100));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(cpu_millis("1.5"), Some(1500));
        assert_eq!(cpu_millis("3800m"), Some(3800));
        assert_eq!(cpu_millis("1e3"), Some(1_000_000));
        assert_eq!(cpu_millis("abc"), None);
        assert_eq!(cpu_millis(""), None);
        assert_eq!(cpu_millis("1Qi"), None);
    }

    #[test]
    fn memory() {
        assert_eq!(bytes("128Mi"), Some(128 * 1024 * 1024));
        assert_eq!(bytes("1Gi"), Some(1 << 30));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(bytes("1k"), Some(1000));
        assert_eq!(bytes("1Ki"), Some(1024));
        assert_eq!(bytes("1.5Gi"), Some(1_610_612_736));
        assert_eq!(bytes("1e3"), Some(1000));
        assert_eq!(bytes("100"), Some(100));
        assert_eq!(bytes("2Ei"), Some(2 << 60));
        assert_eq!(bytes("1P"), Some(1_000_000_000_000_000));
    }
}

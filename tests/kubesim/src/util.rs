//! Small helpers shared by the modules: time stamps, uids, names and JSON accessors.
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// RFC 3339 UTC time stamp with second precision, as Kubernetes writes `creationTimestamp`.
pub fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(secs)
}

/// Formats seconds since the epoch (civil-from-days, after Howard Hinnant) so that no date
/// crate is needed for one format.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// A random version-4 style UUID; uniqueness is all that matters here.
pub fn new_uid() -> String {
    let a = fastrand::u128(..);
    let h = format!("{a:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The alphabet Kubernetes uses for generated names (no vowels, no look-alikes).
const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `n` random characters from the safe alphabet, like the suffix of `generateName`.
pub fn random_suffix(n: usize) -> String {
    (0..n)
        .map(|_| SAFE[fastrand::usize(..SAFE.len())] as char)
        .collect()
}

/// FNV-1a over bytes, as the Deployment controller hashes pod templates.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The pod-template-hash: the decimal hash mapped through the safe alphabet, as
/// `rand.SafeEncodeString(fmt.Sprint(hash))` does in the real controller.
pub fn template_hash(template: &Value) -> String {
    let bytes = serde_json::to_vec(template).unwrap_or_default();
    fnv32a(&bytes)
        .to_string()
        .bytes()
        .map(|c| SAFE[(c as usize) % SAFE.len()] as char)
        .collect()
}

/// Reads a string at a dotted path, e.g. `str_at(pod, &["spec", "nodeName"])`.
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    Some(cur)
}

/// Mutable object at a path, creating empty objects on the way (replacing non-objects).
pub fn obj_at<'a>(v: &'a mut Value, path: &[&str]) -> &'a mut Map<String, Value> {
    let mut cur = v;
    for p in path {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Value::Object(m) = cur else {
            unreachable!("made an object above")
        };
        cur = m
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    match cur {
        Value::Object(m) => m,
        _ => unreachable!("made an object above"),
    }
}

pub fn name_of(v: &Value) -> &str {
    str_at(v, &["metadata", "name"]).unwrap_or("")
}

pub fn namespace_of(v: &Value) -> &str {
    str_at(v, &["metadata", "namespace"]).unwrap_or("")
}

pub fn labels_of(v: &Value) -> Option<&Map<String, Value>> {
    at(v, &["metadata", "labels"]).and_then(Value::as_object)
}

pub fn label<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    labels_of(v).and_then(|l| l.get(key)).and_then(Value::as_str)
}

/// A DNS-1123 subdomain (most object names) or, with `label_only`, a DNS-1123 label
/// (namespaces, services).
pub fn valid_name(name: &str, label_only: bool) -> bool {
    let max = if label_only { 63 } else { 253 };
    if name.is_empty() || name.len() > max {
        return false;
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let parts: Vec<&str> = if label_only {
        vec![name]
    } else {
        name.split('.').collect()
    };
    parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(ok_char) && !p.starts_with('-') && !p.ends_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn names() {
        assert!(valid_name("istio-system", true));
        assert!(!valid_name("Foo", true));
        assert!(valid_name("a.b-c", false));
        assert!(!valid_name("a.b-c", true));
        assert!(!valid_name("-a", false));
        assert_eq!(random_suffix(5).len(), 5);
        assert_eq!(new_uid().len(), 36);
    }
}

//! A structural schema's value keywords, checked as k8s.io/kube-openapi validates a custom
//! resource (pkg/validation/validate: validator.go `stringValidator` and `numberValidator`,
//! slice_validator.go, object_validator.go, values.go; messages from
//! pkg/validation/errors/schema.go, `In` = "body"), turned into field errors as
//! apiextensions-apiserver's pkg/apiserver/validation/validation.go
//! `kubeOpenAPIResultToFieldErrors` does (bodies from apimachinery
//! pkg/util/validation/field/errors.go):
//!
//! * `maxLength` (runes) → `field.TooLong`: `Too long: may not be more than 63 bytes`;
//! * `maxItems`, `maxProperties` → `field.TooMany`: `Too many: 3: must have at most 2 items`;
//! * `required` → `field.Required`: `Required value` (in `Walk::object`);
//! * the rest → `field.Invalid` with the kube-openapi message: `Invalid value: 0: spec.x in
//!   body should be greater than or equal to 1`, `Invalid value: "": spec.x in body should be
//!   at least 1 chars long`, `... should match '^a$'`, `... should have at least 1 items`.
//!
//! Not checked: `multipleOf`, `uniqueItems`, `format`, `oneOf`/`anyOf`/`allOf`/`not`, CEL
//! `x-kubernetes-validations`.
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A failed keyword: the cause's reason and body.
pub type Failure = (&'static str, String);

const INVALID: &str = "FieldValueInvalid";

fn invalid(value: String, path: &str, what: String) -> Failure {
    (INVALID, format!("Invalid value: {value}: {path} in body {what}"))
}

/// The string or number keywords of a value whose type already fits its schema. The string
/// validator stops at its first failure (maxLength, minLength, pattern).
pub fn scalar(v: &Value, s: &Value, path: &str) -> Option<Failure> {
    match v {
        Value::String(text) => string(text, s, path),
        Value::Number(_) => number(v, s, path),
        _ => None,
    }
}

fn uint(s: &Value, key: &str) -> Option<u64> {
    s.get(key).and_then(Value::as_u64)
}

fn string(text: &str, s: &Value, path: &str) -> Option<Failure> {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    let runes = text.chars().count() as u64;
    if let Some(max) = uint(s, "maxLength")
        && runes > max
    {
        return Some((
            "FieldValueTooLong",
            format!("Too long: may not be more than {max} bytes"),
        ));
    }
    if let Some(min) = uint(s, "minLength")
        && runes < min
    {
        return Some(invalid(
            quoted,
            path,
            format!("should be at least {min} chars long"),
        ));
    }
    let pattern = s.get("pattern").and_then(Value::as_str)?;
    // A pattern Go cannot compile never gets this far: the CRD is rejected when created.
    let matches = compiled(pattern)?.is_match(text);
    (!matches).then(|| invalid(quoted, path, format!("should match '{pattern}'")))
}

fn compiled(pattern: &str) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .clone()
}

/// `minimum` then `maximum` (values.go `MinimumNativeType`/`MaximumNativeType`): an integer
/// is compared with the bound cut to an integer and both print as integers; a float with
/// the float bound, both printed as Go's `%v` of a float64.
fn number(v: &Value, s: &Value, path: &str) -> Option<Failure> {
    let bound = |key: &str| s.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| s.get(key).and_then(Value::as_bool) == Some(true);
    let int = v.as_i64().map(i128::from).or(v.as_u64().map(i128::from));
    let checks = [
        ("minimum", "exclusiveMinimum", "greater than", false),
        ("maximum", "exclusiveMaximum", "less than", true),
    ];
    for (key, excl_key, words, upper) in checks {
        let Some(b) = bound(key) else { continue };
        let excl = exclusive(excl_key);
        let (fails, shown, limit) = match int {
            Some(n) => {
                let b = b as i128;
                let out = if upper {
                    n > b || (excl && n == b)
                } else {
                    n < b || (excl && n == b)
                };
                (out, n.to_string(), b.to_string())
            }
            None => {
                let f = v.as_f64().unwrap_or_default();
                let out = if upper {
                    f > b || (excl && f == b)
                } else {
                    f < b || (excl && f == b)
                };
                (out, go_float(f), go_float(b))
            }
        };
        if fails {
            let rel = if excl {
                words.to_string()
            } else {
                format!("{words} or equal to")
            };
            return Some(invalid(shown, path, format!("should be {rel} {limit}")));
        }
    }
    None
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits,
/// with an exponent when it is below -4 or at least 6 (`1e+06`, `4.294967295e+09`).
pub fn go_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return format!("{f}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// `minItems`/`maxItems` (slice_validator.go, after the items) or
/// `minProperties`/`maxProperties` (object_validator.go, before the properties), of a
/// value holding `n` elements.
pub fn count(n: usize, s: &Value, path: &str, keys: (&str, &str), what: &str) -> Option<Failure> {
    if let Some(min) = uint(s, keys.0)
        && (n as u64) < min
    {
        return Some(invalid(
            n.to_string(),
            path,
            format!("should have at least {min} {what}"),
        ));
    }
    let max = uint(s, keys.1)?;
    ((n as u64) > max).then(|| {
        (
            "FieldValueTooMany",
            format!("Too many: {n}: must have at most {max} items"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_as_go_prints_a_float64() {
        // Go: fmt.Sprint(1.5, 0.0001, 100000.0, 1e6, 4294967295.0, 0.00001) =
        // "1.5 0.0001 100000 1e+06 4.294967295e+09 1e-05".
        let shown: Vec<String> = [1.5, 0.0001, 100000.0, 1e6, 4294967295.0, 0.00001, 0.0]
            .into_iter()
            .map(go_float)
            .collect();
        assert_eq!(
            shown,
            [
                "1.5",
                "0.0001",
                "100000",
                "1e+06",
                "4.294967295e+09",
                "1e-05",
                "0"
            ]
        );
    }

    #[test]
    fn integer_bounds_are_cut_to_integers_and_exclusive_bounds_say_so() {
        let s = json!({"type": "number", "minimum": 1.5, "exclusiveMaximum": true, "maximum": 10});
        // 1 >= int64(1.5) = 1: passes (values.go MinimumNativeType).
        assert_eq!(number(&json!(1), &s, "spec.n"), None);
        assert_eq!(
            number(&json!(1.25), &s, "spec.n").map(|f| f.1),
            Some("Invalid value: 1.25: spec.n in body should be greater than or equal to 1.5".into())
        );
        assert_eq!(
            number(&json!(10), &s, "spec.n").map(|f| f.1),
            Some("Invalid value: 10: spec.n in body should be less than 10".into())
        );
    }
}

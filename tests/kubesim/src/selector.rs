//! Label and field selectors, as `?labelSelector=` and `?fieldSelector=` carry them.
use crate::status::ApiError;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<Req>);

/// Splits on commas that are not inside parentheses (`a in (x,y),b`).
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
}

fn set_values(rest: &str) -> Option<Vec<String>> {
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(inner.split(',').map(|v| v.trim().to_string()).collect())
}

impl LabelSelector {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        let bad = |part: &str| {
            ApiError::bad_request(format!(
                "unable to parse requirement: found '{part}', expected: identifier"
            ))
        };
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let req = if let Some(k) = part.strip_prefix('!') {
                Req::NotExists(k.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                Req::NotEq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, v)) = part.split_once("==") {
                Req::Eq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, v)) = part.split_once('=') {
                Req::Eq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, rest)) = part.split_once(" notin ") {
                Req::NotIn(k.trim().to_string(), set_values(rest).ok_or_else(|| bad(part))?)
            } else if let Some((k, rest)) = part.split_once(" in ") {
                Req::In(k.trim().to_string(), set_values(rest).ok_or_else(|| bad(part))?)
            } else {
                Req::Exists(part.to_string())
            };
            let key = match &req {
                Req::Eq(k, _)
                | Req::NotEq(k, _)
                | Req::In(k, _)
                | Req::NotIn(k, _)
                | Req::Exists(k)
                | Req::NotExists(k) => k,
            };
            if !valid_key(key) {
                return Err(bad(part));
            }
            reqs.push(req);
        }
        Ok(LabelSelector(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Matches an object's `metadata.labels`.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = crate::util::labels_of(obj);
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v.as_str()),
            Req::NotEq(k, v) => get(k) != Some(v.as_str()),
            Req::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
        })
    }
}

/// Matches a `metav1.LabelSelector` object (`matchLabels` and `matchExpressions`) against
/// a label map; used by workloads and webhooks.
pub fn matches_label_selector_obj(
    sel: Option<&Value>,
    labels: Option<&serde_json::Map<String, Value>>,
) -> bool {
    let Some(sel) = sel else { return true };
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object)
        && !ml.iter().all(|(k, v)| get(k) == v.as_str())
    {
        return false;
    }
    let exprs = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    exprs.iter().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let vals: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let cur = get(key);
        match e.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => cur.is_some_and(|c| vals.contains(&c)),
            "NotIn" => cur.is_none_or(|c| !vals.contains(&c)),
            "Exists" => cur.is_some(),
            "DoesNotExist" => cur.is_none(),
            _ => false,
        }
    })
}

#[derive(Debug, Clone, Default)]
pub struct FieldSelector(Vec<(Vec<String>, bool, String)>);

/// Field labels a real server accepts per resource (metadata.name/namespace everywhere).
fn field_supported(plural: &str, field: &str) -> bool {
    if field == "metadata.name" || field == "metadata.namespace" {
        return true;
    }
    match plural {
        "pods" => matches!(
            field,
            "spec.nodeName"
                | "status.phase"
                | "spec.restartPolicy"
                | "spec.schedulerName"
                | "spec.serviceAccountName"
                | "spec.hostNetwork"
                | "status.podIP"
                | "status.nominatedNodeName"
        ),
        "events" => {
            field.starts_with("involvedObject.")
                || matches!(field, "reason" | "type" | "source" | "reportingComponent")
        }
        "nodes" => field == "spec.unschedulable",
        "secrets" => field == "type",
        "namespaces" => field == "status.phase",
        "replicasets" | "jobs" => field == "status.replicas" || field == "status.successful",
        _ => false,
    }
}

impl FieldSelector {
    pub fn parse(s: &str, plural: &str) -> Result<Self, ApiError> {
        let mut out = Vec::new();
        for part in s.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (field, eq, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                )));
            };
            let field = field.trim();
            if !field_supported(plural, field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            out.push((
                field.split('.').map(str::to_string).collect(),
                eq,
                value.trim().to_string(),
            ));
        }
        Ok(FieldSelector(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(path, eq, want)| {
            let mut cur = Some(obj);
            for p in path {
                cur = cur.and_then(|c| c.get(p));
            }
            // Missing fields compare as the empty string, booleans as "true"/"false".
            let got = match cur {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            (got == *want) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"name": "a", "labels": labels}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}})
    }

    #[test]
    fn label_ops() {
        let o = obj(json!({"app": "web", "tier": "fe"}));
        let m = |s: &str| LabelSelector::parse(s).map(|sel| sel.matches(&o));
        assert_eq!(m("app=web").ok(), Some(true));
        assert_eq!(m("app==web").ok(), Some(true));
        assert_eq!(m("app!=web").ok(), Some(false));
        assert_eq!(m("app in (web, db)").ok(), Some(true));
        assert_eq!(m("app notin (web,db)").ok(), Some(false));
        assert_eq!(m("tier").ok(), Some(true));
        assert_eq!(m("!tier").ok(), Some(false));
        assert_eq!(m("!missing,app=web").ok(), Some(true));
        assert_eq!(m("missing notin (x)").ok(), Some(true));
        assert_eq!(m("").ok(), Some(true));
        assert!(m("app in web").is_err());
        assert!(m("a b c").is_err());
    }

    #[test]
    fn fields() {
        let o = obj(json!({}));
        let f = |s: &str| FieldSelector::parse(s, "pods").map(|sel| sel.matches(&o));
        assert_eq!(f("metadata.name=a").ok(), Some(true));
        assert_eq!(f("spec.nodeName!=n1").ok(), Some(false));
        assert_eq!(f("status.phase=Running,metadata.name==a").ok(), Some(true));
        assert!(f("spec.foo=1").is_err());
        assert!(f("nonsense").is_err());
    }

    #[test]
    fn selector_objects() {
        let labels = json!({"app": "web"});
        let l = labels.as_object();
        assert!(matches_label_selector_obj(
            Some(&json!({"matchLabels": {"app": "web"}})),
            l
        ));
        assert!(!matches_label_selector_obj(
            Some(&json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]})),
            l
        ));
        assert!(matches_label_selector_obj(
            Some(&json!({"matchExpressions": [{"key": "x", "operator": "DoesNotExist"}]})),
            l
        ));
    }
}

//! The registry validation a real API server runs on workloads and Services (422 Invalid with
//! every error as a `details.causes` entry), from kubernetes/kubernetes:
//! * pkg/apis/apps/validation/validation.go: a Deployment, ReplicaSet, StatefulSet or DaemonSet
//!   needs `spec.selector` (`Required value`) and its selector must match the template's labels
//!   (`spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector`
//!   does not match template `labels``);
//! * the apps strategies (pkg/registry/apps/*/strategy.go): `spec.selector` of a Deployment,
//!   ReplicaSet or DaemonSet is immutable in apps/v1 (`ValidateImmutableField`: `field is
//!   immutable`); a StatefulSet update may change only some fields (`spec: Forbidden: updates to
//!   statefulset spec for fields other than ...`);
//! * pkg/apis/core/validation/validation.go `validateUpgradeDowngradeClusterIPs`: a Service's
//!   cluster IPs `may not change once set` (after `normalizeClusterIPs` copied a changed
//!   `clusterIP` into `clusterIPs[0]`);
//! * pkg/apis/batch/validation/validation.go `ValidateJobSpecUpdate`: a Job's `spec.selector`
//!   and `spec.template` are immutable.
//!
//! Values are rendered as field.Error does (`%q` for strings, `%#v` otherwise); the internal
//! Go structs of a whole pod template are not reproduced (`core.PodTemplateSpec{...}`).
use crate::resources::Resource;
use crate::status::{ApiError, ApiResult};
use crate::util::{at, name_of};
use serde_json::{Value, json};

/// One field error: reason, field path, body (`Invalid value: ...: detail`).
pub type Cause = (&'static str, String, String);

/// The 422 of `errors.NewInvalid`: `<Kind>.<group> "<name>" is invalid: <err>` or
/// `[<err1>, <err2>]`, each error a cause.
pub fn invalid(kind: &str, group: &str, name: &str, causes: Vec<Cause>) -> ApiError {
    let errs: Vec<String> = causes.iter().map(|(_, p, b)| format!("{p}: {b}")).collect();
    let agg = if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    };
    let qualified = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let mut e = ApiError::new(
        422,
        "Invalid",
        format!("{qualified} \"{name}\" is invalid: {agg}"),
    )
    .with_details(name, group, kind);
    if let Some(Value::Object(d)) = e.details.as_deref_mut() {
        d.insert(
            "causes".into(),
            Value::Array(
                causes
                    .into_iter()
                    .map(|(r, p, b)| json!({"reason": r, "message": b, "field": p}))
                    .collect(),
            ),
        );
    }
    e
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `%#v` of a `map[string]string` (keys sorted).
fn go_string_map(v: Option<&Value>) -> String {
    let Some(m) = v.and_then(Value::as_object) else {
        return "map[string]string(nil)".into();
    };
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let items: Vec<String> = keys
        .iter()
        .map(|k| format!("{}:{}", quoted(k), quoted(m[k.as_str()].as_str().unwrap_or(""))))
        .collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

fn go_strings(v: Option<&Value>) -> String {
    match v.and_then(Value::as_array) {
        None => "[]string(nil)".into(),
        Some(a) => format!(
            "[]string{{{}}}",
            a.iter()
                .map(|s| quoted(s.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `%#v` of a `metav1.LabelSelector`.
fn go_selector(sel: &Value) -> String {
    let exprs = match sel.get("matchExpressions").and_then(Value::as_array) {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(a) => format!(
            "[]v1.LabelSelectorRequirement{{{}}}",
            a.iter()
                .map(|e| format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    quoted(e.get("key").and_then(Value::as_str).unwrap_or("")),
                    quoted(e.get("operator").and_then(Value::as_str).unwrap_or("")),
                    go_strings(e.get("values"))
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_string_map(sel.get("matchLabels"))
    )
}

fn selector_causes(res: &Resource, obj: &Value) -> Vec<Cause> {
    let what = match res.plural.as_str() {
        "statefulsets" => "statefulset",
        "daemonsets" => "daemonset",
        _ => "deployment",
    };
    let mut causes = Vec::new();
    let sel = at(obj, &["spec", "selector"]).filter(|s| !s.is_null());
    let labels = at(obj, &["spec", "template", "metadata", "labels"]);
    match sel {
        None => causes.push((
            "FieldValueRequired",
            "spec.selector".into(),
            "Required value".into(),
        )),
        Some(s) => {
            let n = s
                .get("matchLabels")
                .and_then(Value::as_object)
                .map_or(0, |m| m.len())
                + s.get("matchExpressions")
                    .and_then(Value::as_array)
                    .map_or(0, |a| a.len());
            if n == 0 {
                causes.push((
                    "FieldValueInvalid",
                    "spec.selector".into(),
                    format!(
                        "Invalid value: {}: empty selector is invalid for {what}",
                        go_selector(s)
                    ),
                ));
            }
        }
    }
    // A missing selector selects nothing, so the template never matches (as upstream reports
    // both errors).
    let matches = sel.is_some_and(|s| {
        crate::selector::matches_label_selector_obj(Some(s), labels.and_then(Value::as_object))
    });
    if !matches {
        causes.push((
            "FieldValueInvalid",
            "spec.template.metadata.labels".into(),
            format!(
                "Invalid value: {}: `selector` does not match template `labels`",
                go_string_map(labels)
            ),
        ));
    }
    causes
}

fn immutable(obj: &Value, old: &Value, field: &[&str], render: impl Fn(&Value) -> String) -> Option<Cause> {
    let new_v = at(obj, field).cloned().unwrap_or(Value::Null);
    let old_v = at(old, field).cloned().unwrap_or(Value::Null);
    (new_v != old_v).then(|| {
        (
            "FieldValueInvalid",
            field.join("."),
            format!("Invalid value: {}: field is immutable", render(&new_v)),
        )
    })
}

/// StatefulSet spec fields an update may change (ValidateStatefulSetUpdate).
const STS_MUTABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

fn sts_update(obj: &Value, old: &Value) -> Option<Cause> {
    let strip = |v: &Value| {
        let mut m = v
            .get("spec")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for k in STS_MUTABLE {
            m.remove(*k);
        }
        m
    };
    (strip(obj) != strip(old)).then(|| {
        (
            "FieldValueForbidden",
            "spec".into(),
            "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".into(),
        )
    })
}

fn service_update(obj: &Value, old: &Value) -> Vec<Cause> {
    let ty = |v: &Value| {
        at(v, &["spec", "type"])
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP")
            .to_string()
    };
    if ty(obj) == "ExternalName" || ty(old) == "ExternalName" {
        return Vec::new();
    }
    let ips = |v: &Value| -> Vec<String> {
        at(v, &["spec", "clusterIPs"])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let (new_ips, old_ips) = (ips(obj), ips(old));
    if old_ips.iter().all(|i| i == "None") && new_ips.iter().all(|i| i == "None") {
        return Vec::new();
    }
    if new_ips.len() != old_ips.len() {
        return Vec::new();
    }
    old_ips
        .iter()
        .zip(&new_ips)
        .enumerate()
        .filter(|(_, (o, n))| o != n)
        .map(|(i, _)| {
            (
                "FieldValueInvalid",
                format!("spec.clusterIPs[{i}]"),
                format!(
                    "Invalid value: {}: may not change once set",
                    go_strings(at(obj, &["spec", "clusterIPs"]))
                ),
            )
        })
        .collect()
}

/// A Service update that changes only `clusterIP` carries it into `clusterIPs[0]`
/// (pkg/registry/core/service/strategy.go `normalizeClusterIPs`), so validation sees the change.
pub fn normalize_service(obj: &mut Value, old: &Value) {
    let new_ip = at(obj, &["spec", "clusterIP"])
        .and_then(Value::as_str)
        .map(str::to_string);
    let old_ip = at(old, &["spec", "clusterIP"])
        .and_then(Value::as_str)
        .map(str::to_string);
    let same_ips = at(obj, &["spec", "clusterIPs"]) == at(old, &["spec", "clusterIPs"]);
    if let (Some(n), Some(o)) = (new_ip, old_ip)
        && !n.is_empty()
        && n != o
        && same_ips
        && let Some(Value::Array(a)) = obj.get_mut("spec").and_then(|s| s.get_mut("clusterIPs"))
        && !a.is_empty()
    {
        a[0] = json!(n);
    }
}

/// Validates a create (`old` None) or update of `res`.
pub fn object(res: &Resource, obj: &Value, old: Option<&Value>) -> ApiResult<()> {
    let mut causes = Vec::new();
    match (res.group.as_str(), res.plural.as_str()) {
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            causes.extend(selector_causes(res, obj));
            if let Some(old) = old {
                if res.plural == "statefulsets" {
                    causes.extend(sts_update(obj, old));
                } else {
                    causes.extend(immutable(obj, old, &["spec", "selector"], go_selector));
                }
            }
        }
        ("", "services") => {
            if let Some(old) = old {
                causes.extend(service_update(obj, old));
            }
        }
        ("batch", "jobs") => {
            if let Some(old) = old {
                causes.extend(immutable(obj, old, &["spec", "selector"], go_selector));
                causes.extend(immutable(obj, old, &["spec", "template"], |_| {
                    "core.PodTemplateSpec{...}".to_string()
                }));
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        return Ok(());
    }
    // Registry validation reads the internal kind (`Deployment.apps "web" is invalid`).
    Err(invalid(&res.kind, &res.group, name_of(obj), causes))
}

//! Which fields a kind has, and of which type, from Kubernetes' published OpenAPI
//! (`tests/fixtures/kubernetes/openapi-1.33.json.gz`, trimmed from release-1.33's
//! `api/openapi-spec/swagger.json` by the script beside it, descriptions and k8s.io/api's
//! `+default` markers kept), and the two ways a real API
//! server reads a body against it:
//!
//! * decoding (k8s.io/apimachinery's JSON serializer, sigs.k8s.io/json): fields the type
//!   does not have are dropped and reported as strict errors (`unknown field
//!   "spec.ports[0].nodeport"`); a value of the wrong JSON type fails the whole decode with
//!   encoding/json's `json: cannot unmarshal bool into Go struct field
//!   ObjectMeta.metadata.labels of type string` (the field path has no indices, the struct is
//!   the innermost one);
//! * server-side apply's typed patch (sigs.k8s.io/structured-merge-diff validate.go):
//!   `.spec.foo: field not declared in schema`, `.data.VERSION: expected string, got
//!   &value.valueUnstructured{Value:1}`, list elements named by their keys
//!   (`containers[name="x"]`).
//!
//! Custom resources use the same walk over their CRD's structural schema (no `$ref`s there),
//! which also checks its value keywords (`required`, bounds, lengths, counts, `pattern`:
//! see `keywords`).
mod keywords;

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const FIXTURE: &[u8] = include_bytes!("../../fixtures/kubernetes/openapi-1.33.json.gz");

struct Schemas {
    defs: Map<String, Value>,
    /// (group, version, kind) → definition name.
    kinds: HashMap<(String, String, String), String>,
}

fn schemas() -> &'static Schemas {
    static S: OnceLock<Schemas> = OnceLock::new();
    S.get_or_init(|| {
        let doc: Value = serde_json::from_reader(flate2::read::GzDecoder::new(FIXTURE)).unwrap_or_default();
        let defs = doc
            .get("definitions")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut kinds = HashMap::new();
        for (name, d) in &defs {
            for gvk in d
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let s = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                kinds.insert((s("group"), s("version"), s("kind")), name.clone());
            }
        }
        Schemas { defs, kinds }
    })
}

/// Every definition of the published OpenAPI (v2 form: `$ref`s to `#/definitions/<name>`).
pub fn definitions() -> &'static Map<String, Value> {
    &schemas().defs
}

/// The schema of a built-in kind, if the published OpenAPI has it.
pub fn builtin(group: &str, version: &str, kind: &str) -> Option<&'static Value> {
    let s = schemas();
    let name = s
        .kinds
        .get(&(group.to_string(), version.to_string(), kind.to_string()))?;
    s.defs.get(name)
}

/// A value of the wrong JSON type.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// Path with indices (`spec.template.spec.containers[0].ports[0].containerPort`).
    pub path: String,
    /// Go's field path: JSON names from the top, no indices or map keys.
    pub go_field: String,
    /// The innermost Go struct holding the field (`ContainerPort`).
    pub go_struct: String,
    /// The Go type expected (`int32`, `string`, `v1.PodSpec`, `[]v1.Container`).
    pub go_type: String,
    /// What the structural schema expected (`integer`, `string`, `object`, `array`, `boolean`).
    pub expected: String,
    pub value: Value,
}

impl Mismatch {
    /// encoding/json's UnmarshalTypeError text.
    pub fn go_error(&self) -> String {
        let what = match &self.value {
            Value::Number(n) if self.expected == "integer" => format!("number {n}"),
            v => json_kind(v).to_string(),
        };
        if self.go_field.is_empty() {
            return format!(
                "json: cannot unmarshal {what} into Go value of type {}",
                self.go_type
            );
        }
        format!(
            "json: cannot unmarshal {what} into Go struct field {}.{} of type {}",
            self.go_struct, self.go_field, self.go_type
        )
    }
}

/// What reading a body against a schema found. Unknown fields are removed from the body.
#[derive(Debug, Default)]
pub struct Findings {
    /// Strict decoding errors: `unknown field "spec.foo"`.
    pub unknown: Vec<String>,
    pub mismatches: Vec<Mismatch>,
    /// Values outside a structural schema's `enum` (custom resources only): path, value, enum.
    pub unsupported: Vec<(String, Value, Vec<Value>)>,
    /// The structural schema's other value checks that fail (custom resources only), as the
    /// field errors apiextensions-apiserver makes of them: reason, path, body (`Required
    /// value`, `Invalid value: 0: spec.x in body should be greater than or equal to 1`).
    pub violations: Vec<(&'static str, String, String)>,
}

impl Findings {
    /// Whether a custom resource fails its schema's validation (wrong types, enums, bounds...).
    pub fn invalid(&self) -> bool {
        !self.mismatches.is_empty() || !self.unsupported.is_empty() || !self.violations.is_empty()
    }

    /// `strict decoding error: unknown field "a", unknown field "b"` (runtime.StrictDecodingError).
    pub fn strict_error(&self) -> Option<String> {
        if self.unknown.is_empty() {
            return None;
        }
        Some(format!("strict decoding error: {}", self.unknown.join(", ")))
    }
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Follows `$ref`s to the schema itself.
pub fn resolve_ref(s: &Value) -> &Value {
    resolve(s, None).0
}

/// Follows `$ref`s; returns the schema and the name of the last definition reached.
fn resolve<'a>(mut s: &'a Value, mut name: Option<&'a str>) -> (&'a Value, Option<&'a str>) {
    let defs = &schemas().defs;
    for _ in 0..8 {
        let Some(r) = s.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let n = r.rsplit('/').next().unwrap_or(r);
        match defs.get_key_value(n) {
            Some((k, d)) => {
                s = d;
                name = Some(k.as_str());
            }
            None => break,
        }
    }
    (s, name)
}

/// Types with their own JSON unmarshalling in Go (anything, or a string-or-number).
enum Special {
    Any,
    IntOrString,
    Quantity,
}

fn special(s: &Value, name: Option<&str>) -> Option<Special> {
    match name.map(|n| n.rsplit('.').next().unwrap_or(n)) {
        Some("IntOrString") => return Some(Special::IntOrString),
        Some("Quantity") => return Some(Special::Quantity),
        Some("RawExtension" | "JSON" | "JSONSchemaPropsOrBool" | "JSONSchemaPropsOrArray")
        | Some("JSONSchemaPropsOrStringArray") => return Some(Special::Any),
        _ => {}
    }
    if s.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true)
        || s.get("format").and_then(Value::as_str) == Some("int-or-string")
    {
        return Some(Special::IntOrString);
    }
    let has = |k: &str| s.get(k).is_some();
    if s.get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true)
        && !has("properties")
        && !has("additionalProperties")
        && !has("items")
    {
        return Some(Special::Any);
    }
    if !has("type") && !has("properties") && !has("additionalProperties") && !has("items") {
        return Some(Special::Any);
    }
    if s.get("type").and_then(Value::as_str) == Some("object")
        && !has("properties")
        && !has("additionalProperties")
    {
        return Some(Special::Any);
    }
    None
}

/// Go's name for the type a schema decodes into.
fn go_type(s: &Value, name: Option<&str>) -> String {
    let (s, name) = resolve(s, name);
    match special(s, name) {
        Some(Special::IntOrString) => return "intstr.IntOrString".into(),
        Some(Special::Quantity) => return "resource.Quantity".into(),
        _ => {}
    }
    if s.get("properties").is_some()
        && let Some(n) = name
    {
        let mut parts = n.rsplit('.');
        let ty = parts.next().unwrap_or(n);
        let pkg = parts.next().unwrap_or("v1");
        return format!("{pkg}.{ty}");
    }
    match s.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "[]{}",
            s.get("items").map(|i| go_type(i, None)).unwrap_or_default()
        ),
        Some("object") => match s.get("additionalProperties") {
            Some(ap) => format!("map[string]{}", go_type(ap, None)),
            None => "map[string]interface {}".into(),
        },
        Some("string") if s.get("format").and_then(Value::as_str) == Some("byte") => "[]uint8".into(),
        Some("string") => "string".into(),
        Some("integer") => match s.get("format").and_then(Value::as_str) {
            Some("int32") => "int32".into(),
            Some("int64") => "int64".into(),
            _ => "int".into(),
        },
        Some("number") => "float64".into(),
        Some("boolean") => "bool".into(),
        _ => "interface {}".into(),
    }
}

struct Walk {
    out: Findings,
    /// Reading a custom resource: `enum`s are validated too.
    structural: bool,
}

#[derive(Clone, Copy)]
struct At<'a> {
    path: &'a str,
    go_field: &'a str,
    go_struct: &'a str,
}

fn join(base: &str, field: &str) -> String {
    if base.is_empty() {
        field.to_string()
    } else {
        format!("{base}.{field}")
    }
}

impl Walk {
    fn mismatch(&mut self, at: &At, s: &Value, name: Option<&str>, expected: &str, v: &Value) {
        self.out.mismatches.push(Mismatch {
            path: at.path.to_string(),
            go_field: at.go_field.to_string(),
            go_struct: at.go_struct.to_string(),
            go_type: go_type(s, name),
            expected: expected.to_string(),
            value: v.clone(),
        });
    }

    /// Inside a built-in definition reached by `$ref` (a custom resource's `metadata`) only
    /// types are checked: the real server validates ObjectMeta apart, not by its OpenAPI.
    fn walk(&mut self, v: &mut Value, s: &Value, name: Option<&str>, at: &At) {
        let structural = self.structural;
        if s.get("$ref").is_some() {
            self.structural = false;
        }
        self.walk_resolved(v, s, name, at);
        self.structural = structural;
    }

    fn walk_resolved(&mut self, v: &mut Value, s: &Value, name: Option<&str>, at: &At) {
        if v.is_null() {
            return;
        }
        let (s, name) = resolve(s, name);
        match special(s, name) {
            Some(Special::Any) => return,
            Some(Special::IntOrString | Special::Quantity) => {
                if !(v.is_string() || v.is_number()) {
                    self.mismatch(at, s, name, "string", v);
                }
                return;
            }
            None => {}
        }
        let ty = s
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or(if s.get("properties").is_some() {
                "object"
            } else {
                ""
            });
        match ty {
            "object" => self.object(v, s, name, at),
            "array" => {
                let Some(items) = v.as_array_mut() else {
                    return self.mismatch(at, s, name, "array", v);
                };
                let item_schema = s.get("items").cloned().unwrap_or(Value::Null);
                for (i, item) in items.iter_mut().enumerate() {
                    let path = format!("{}[{i}]", at.path);
                    let sub = At { path: &path, ..*at };
                    self.walk(item, &item_schema, None, &sub);
                }
                if self.structural {
                    let n = items.len();
                    self.counts(n, s, at.path, ("minItems", "maxItems"), "items");
                }
            }
            "string" if !v.is_string() => self.mismatch(at, s, name, "string", v),
            "integer" if !(v.is_i64() || v.is_u64()) || !fits(v, s) => {
                self.mismatch(at, s, name, "integer", v)
            }
            "number" if !v.is_number() => self.mismatch(at, s, name, "number", v),
            "boolean" if !v.is_boolean() => self.mismatch(at, s, name, "boolean", v),
            _ if self.structural => {
                if let Some(c) = keywords::scalar(v, s, at.path) {
                    self.violate(c.0, at.path, c.1);
                }
                if let Some(allowed) = s.get("enum").and_then(Value::as_array)
                    && !allowed.contains(v)
                {
                    self.out
                        .unsupported
                        .push((at.path.to_string(), v.clone(), allowed.clone()));
                }
            }
            _ => {}
        }
    }

    fn violate(&mut self, reason: &'static str, path: &str, body: String) {
        self.out.violations.push((reason, path.to_string(), body));
    }

    /// `minItems`/`maxItems` of an array, `minProperties`/`maxProperties` of an object.
    fn counts(&mut self, n: usize, s: &Value, path: &str, keys: (&str, &str), what: &str) {
        if let Some(c) = keywords::count(n, s, path, keys, what) {
            self.violate(c.0, path, c.1);
        }
    }

    fn object(&mut self, v: &mut Value, s: &Value, name: Option<&str>, at: &At) {
        let Some(m) = v.as_object_mut() else {
            return self.mismatch(at, s, name, "object", v);
        };
        let first = self.out.violations.len();
        self.children(m, s, name, at);
        if !self.structural {
            return;
        }
        // kube-openapi's objectValidator: property counts (of the pruned object) first, then
        // the properties, then `required` (object_validator.go).
        let counted = keywords::count(
            m.len(),
            s,
            at.path,
            ("minProperties", "maxProperties"),
            "properties",
        );
        if let Some((reason, body)) = counted {
            self.out
                .violations
                .insert(first, (reason, at.path.to_string(), body));
        }
        // A property with a `default` is never missing on a real server: structural
        // defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting) runs in the
        // decoder, before validation, and kubesim does not default custom resources.
        let defaulted = |k: &str| crate::util::at(s, &["properties", k, "default"]).is_some();
        for k in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(k) = k.as_str()
                && !m.contains_key(k)
                && !defaulted(k)
            {
                self.violate("FieldValueRequired", &join(at.path, k), "Required value".into());
            }
        }
    }

    fn children(&mut self, m: &mut Map<String, Value>, s: &Value, name: Option<&str>, at: &At) {
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            let go_struct = name
                .map(|n| n.rsplit('.').next().unwrap_or(n).to_string())
                .unwrap_or_else(|| at.go_struct.to_string());
            let preserve = s
                .get("x-kubernetes-preserve-unknown-fields")
                .and_then(Value::as_bool)
                == Some(true);
            let mut gone = Vec::new();
            for (k, child) in m.iter_mut() {
                let path = join(at.path, k);
                match props.get(k) {
                    Some(ps) => {
                        let go_field = join(at.go_field, k);
                        let sub = At {
                            path: &path,
                            go_field: &go_field,
                            go_struct: &go_struct,
                        };
                        self.walk(child, ps, None, &sub);
                    }
                    None if preserve => {}
                    None => {
                        self.out.unknown.push(format!("unknown field \"{path}\""));
                        gone.push(k.clone());
                    }
                }
            }
            for k in gone {
                m.shift_remove(&k);
            }
        } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
            for (k, child) in m.iter_mut() {
                let path = join(at.path, k);
                let sub = At { path: &path, ..*at };
                self.walk(child, ap, None, &sub);
            }
        }
    }
}

fn fits(v: &Value, s: &Value) -> bool {
    match s.get("format").and_then(Value::as_str) {
        Some("int32") => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        _ => true,
    }
}

/// Reads `obj` against `schema` (a kind's definition, or a CRD's openAPIV3Schema) as the
/// decoder does: unknown fields are removed and reported, wrong types collected. `kind`
/// names the top-level Go struct.
pub fn decode(obj: &mut Value, schema: &Value, kind: &str, structural: bool) -> Findings {
    let mut w = Walk {
        out: Findings::default(),
        structural,
    };
    let at = At {
        path: "",
        go_field: "",
        go_struct: kind,
    };
    w.walk(obj, schema, None, &at);
    w.out
}

/// Go's `%#v` of a decoded JSON value (`"x"`, `1`, `true`, `[]interface {}{"a"}`).
fn go_sharp(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Array(a) => format!(
            "[]interface {{}}{{{}}}",
            a.iter().map(go_sharp).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "map[string]interface {{}}{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap_or_default(), go_sharp(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Server-side apply's typed patch: the errors structured-merge-diff reports for an
/// applied configuration (`ObjectToTyped`), empty when it fits the schema. Each map stops at
/// its first undeclared field, as `visitMapItems` does.
pub fn typed_errors(obj: &Value, schema: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    smd(obj, schema, None, "", &mut errs);
    errs
}

fn smd(v: &Value, s: &Value, name: Option<&str>, path: &str, errs: &mut Vec<String>) {
    if v.is_null() {
        return;
    }
    let (s, name) = resolve(s, name);
    let unstructured = || format!("&value.valueUnstructured{{Value:{}}}", go_sharp(v));
    if special(s, name).is_some() {
        return;
    }
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("object");
    match ty {
        "object" => {
            let Some(m) = v.as_object() else {
                errs.push(format!("{path}: expected map, got {}", unstructured()));
                return;
            };
            let props = s.get("properties").and_then(Value::as_object);
            let ap = s.get("additionalProperties").filter(|a| a.is_object());
            let preserve = s
                .get("x-kubernetes-preserve-unknown-fields")
                .and_then(Value::as_bool)
                == Some(true);
            for (k, child) in m {
                let p = format!("{path}.{k}");
                match (props.and_then(|ps| ps.get(k)), ap) {
                    (Some(ps), _) => smd(child, ps, None, &p, errs),
                    (None, Some(ap)) => smd(child, ap, None, &p, errs),
                    (None, None) if preserve => {}
                    (None, None) => {
                        errs.push(format!("{p}: field not declared in schema"));
                        return;
                    }
                }
            }
        }
        "array" => {
            let Some(items) = v.as_array() else {
                errs.push(format!("{path}: expected list, got {}", unstructured()));
                return;
            };
            let item_schema = s.get("items").cloned().unwrap_or(Value::Null);
            let keys: Vec<&str> = s
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let set = s.get("x-kubernetes-list-type").and_then(Value::as_str) == Some("set");
            for (i, item) in items.iter().enumerate() {
                let elem = if !keys.is_empty() {
                    let kv: Vec<String> = keys
                        .iter()
                        .filter_map(|k| item.get(*k).map(|x| format!("{k}={x}")))
                        .collect();
                    format!("[{}]", kv.join(","))
                } else if set {
                    format!("[={item}]")
                } else {
                    format!("[{i}]")
                };
                smd(item, &item_schema, None, &format!("{path}{elem}"), errs);
            }
        }
        "string" if !v.is_string() => errs.push(format!("{path}: expected string, got {}", unstructured())),
        "integer" | "number" if !v.is_number() => errs.push(format!(
            "{path}: expected numeric (int or float), got {}",
            go_type_of(v)
        )),
        "boolean" if !v.is_boolean() => {
            errs.push(format!("{path}: expected boolean, got &{{{}}}", go_plain(v)))
        }
        _ => {}
    }
}

/// Go's `%T` of a decoded JSON value.
fn go_type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's `%v` of a decoded JSON value.
fn go_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => go_sharp(other),
    }
}

/// Go's `%+v` of a patch decoded into `map[string]interface{}` (keys sorted), as the
/// strategic-merge handler puts it in its `Invalid value`.
pub fn go_map(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_map).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", go_map(&m[k.as_str()])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy() -> &'static Value {
        builtin("apps", "v1", "Deployment").expect("Deployment in the fixture")
    }

    #[test]
    fn unknown_fields_are_reported_with_indices_and_dropped() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"},
            "spec": {"foo": 1, "template": {"spec": {"containers": [{"name": "c", "imagee": "x"}]}}}});
        let f = decode(&mut d, deploy(), "Deployment", false);
        assert_eq!(
            f.unknown,
            vec![
                "unknown field \"spec.foo\"".to_string(),
                "unknown field \"spec.template.spec.containers[0].imagee\"".to_string()
            ]
        );
        assert!(d["spec"].get("foo").is_none());
        assert!(f.mismatches.is_empty());
    }

    #[test]
    fn a_bool_label_is_encoding_json_type_error() {
        // The message real servers answer (seen from kubectl): "json: cannot unmarshal bool
        // into Go struct field ObjectMeta.spec.template.metadata.labels of type string".
        let mut d =
            json!({"spec": {"template": {"metadata": {"labels": {"sidecar.istio.io/inject": false}}}}});
        let f = decode(&mut d, deploy(), "Deployment", false);
        assert_eq!(
            f.mismatches[0].go_error(),
            "json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string"
        );
        let mut p = json!({"spec": {"replicas": "3", "template": {"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 1.5}]}]}}}});
        let f = decode(&mut p, deploy(), "Deployment", false);
        assert_eq!(
            f.mismatches[0].go_error(),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        assert_eq!(
            f.mismatches[1].go_error(),
            "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"
        );
    }

    #[test]
    fn int_or_string_quantities_and_raw_fields_accept_what_go_accepts() {
        let mut d = json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
            "template": {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": 1, "memory": "1Gi"}}}]}}}});
        let f = decode(&mut d, deploy(), "Deployment", false);
        assert!(f.unknown.is_empty() && f.mismatches.is_empty(), "{f:?}");
    }

    #[test]
    fn typed_patch_errors_read_like_structured_merge_diff() {
        let cm = builtin("", "v1", "ConfigMap").expect("ConfigMap");
        assert_eq!(
            typed_errors(&json!({"data": {"VERSION": 1}}), cm),
            vec![".data.VERSION: expected string, got &value.valueUnstructured{Value:1}".to_string()]
        );
        assert_eq!(
            typed_errors(&json!({"data_error": {}}), cm),
            vec![".data_error: field not declared in schema".to_string()]
        );
        let d = json!({"spec": {"template": {"spec": {"containers": [{"name": "pocket-id", "env": [{"name": "SMTP_PORT", "value": 587}]}]}}}});
        assert_eq!(
            typed_errors(&d, deploy()),
            vec![".spec.template.spec.containers[name=\"pocket-id\"].env[name=\"SMTP_PORT\"].value: expected string, got &value.valueUnstructured{Value:587}".to_string()]
        );
    }
}

//! Custom resources read against their CRD's structural schema
//! (`spec.versions[].schema.openAPIV3Schema`), as k8s.io/apiextensions-apiserver does:
//! fields the schema does not declare are pruned (pkg/apiserver/schema/pruning; reported as
//! strict decoding errors, so `fieldValidation=Strict` rejects them and Warn names them), and
//! values of the wrong type or outside an `enum` fail validation with a 422
//! (pkg/apiserver/validation: `spec.x: Invalid value: "string": spec.x in body must be of type
//! integer: "string"`, `Unsupported value: "FOO": supported values: ...`; `required`, bounds,
//! lengths, counts and `pattern`s as schema::keywords reports them). A CRD without a
//! schema (the stand-in's trimmed fixtures) leaves its objects unchecked.
use crate::resources::Resource;
use crate::schema::Findings;
use crate::status::ApiError;
use crate::store::Store;
use serde_json::{Value, json};

/// The structural schema of `res` at `version`, with the fields every object has at its
/// root (apiVersion, kind, and metadata read as ObjectMeta).
pub fn schema(st: &Store, res: &Resource, version: &str) -> Option<Value> {
    let crd = st.get(
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "",
        &format!("{}.{}", res.plural, res.group),
    )?;
    let v = crd
        .get("spec")?
        .get("versions")?
        .as_array()?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?;
    let mut s = crate::util::at(v, &["schema", "openAPIV3Schema"])?.clone();
    let props = crate::util::obj_at(&mut s, &["properties"]);
    props.insert("apiVersion".into(), json!({"type": "string"}));
    props.insert("kind".into(), json!({"type": "string"}));
    props.insert(
        "metadata".into(),
        json!({"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}),
    );
    Some(s)
}

/// kube-openapi's name for a JSON value's type.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The 422 of a custom resource that fails its schema: every error as a cause, the message
/// `<Kind>.<group> "<name>" is invalid: <error>` (or `[<e1>, <e2>]` for several).
pub fn invalid(res: &Resource, name: &str, f: &Findings) -> ApiError {
    let mut causes = Vec::new();
    for m in &f.mismatches {
        let t = type_name(&m.value);
        let body = format!(
            "Invalid value: \"{t}\": {} in body must be of type {}: \"{t}\"",
            m.path, m.expected
        );
        causes.push(("FieldValueInvalid", m.path.clone(), body));
    }
    for (path, value, allowed) in &f.unsupported {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        let body = format!(
            "Unsupported value: {value}: supported values: {}",
            list.join(", ")
        );
        causes.push(("FieldValueNotSupported", path.clone(), body));
    }
    causes.extend(f.violations.iter().cloned());
    crate::validate::invalid(&res.kind, &res.group, name, causes)
}

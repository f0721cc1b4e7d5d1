//! Server-side field validation (`fieldValidation=Strict|Warn|Ignore`) as
//! k8s.io/apiserver/pkg/endpoints/handlers does it: create.go/update.go decode the body
//! strictly, patch.go decodes the patched object, and server-side apply types the applied
//! configuration (see `schema` for the two readings). Without the parameter the directive is
//! Warn (rest.go `fieldValidation`): unknown fields are dropped and named in `Warning`
//! headers. Wrong types always fail.
use crate::resources::Resource;
use crate::schema::{self, Findings};
use crate::status::{ApiError, ApiResult};
use crate::store::Store;
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Directive {
    Strict,
    Warn,
    Ignore,
}

/// The request's directive; an unsupported value is the 422 of `ValidateFieldValidation`.
pub fn directive(query: &HashMap<String, String>, options_kind: &str) -> ApiResult<Directive> {
    match query.get("fieldValidation").map(String::as_str) {
        None | Some("") | Some("Warn") => Ok(Directive::Warn),
        Some("Strict") => Ok(Directive::Strict),
        Some("Ignore") => Ok(Directive::Ignore),
        Some(other) => Err(ApiError::invalid(
            options_kind,
            "meta.k8s.io",
            "",
            "fieldValidation",
            &format!("Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        )),
    }
}

/// The schema a body of `res` is read against: the published one of a built-in kind, or
/// the structural schema of a custom resource's version.
pub fn schema_of(st: &Store, res: &Resource, version: &str) -> Option<Value> {
    if res.crd {
        return crate::crd::schema(st, res, version);
    }
    schema::builtin(&res.group, version, &res.kind).cloned()
}

/// Decodes a create or update body (create.go / update.go): a wrong type, or under Strict
/// an unknown field, is a 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: ...`
/// (handlers/rest.go transformDecodeError). Unknown fields are removed; under Warn they are
/// returned as warnings.
pub fn check_body(
    st: &Store,
    res: &Resource,
    version: &str,
    body: &mut Value,
    dir: Directive,
) -> ApiResult<Vec<String>> {
    let Some(schema) = schema_of(st, res, version) else {
        return Ok(Vec::new());
    };
    let f = schema::decode(body, &schema, &res.kind, res.crd);
    let cannot = |e: &str| {
        ApiError::bad_request(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: {e}",
            kind = res.kind
        ))
    };
    if !res.crd
        && let Some(m) = f.mismatches.first()
    {
        return Err(cannot(&m.go_error()));
    }
    let name = crate::util::name_of(body).to_string();
    let warnings = outcome(&f, dir, |strict| cannot(&strict))?;
    if res.crd && f.invalid() {
        return Err(crate::crd::invalid(res, &name, &f));
    }
    Ok(warnings)
}

fn outcome(f: &Findings, dir: Directive, fail: impl FnOnce(String) -> ApiError) -> ApiResult<Vec<String>> {
    match (dir, f.strict_error()) {
        (Directive::Strict, Some(e)) => Err(fail(e)),
        (Directive::Warn, Some(_)) => Ok(f.unknown.clone()),
        _ => Ok(Vec::new()),
    }
}

/// The 422 the patch handler answers when the patched object does not decode:
/// `NewInvalid(GroupKind{}, "", [Invalid(field.NewPath("patch"), <patched>, err)])`.
fn patch_invalid(shown: &str, err: &str) -> ApiError {
    let quoted = serde_json::to_string(shown).unwrap_or_default();
    let msg = format!("Invalid value: {quoted}: {err}");
    let mut e = ApiError::new(422, "Invalid", format!(" \"\" is invalid: patch: {msg}"));
    e.details = Some(Box::new(
        json!({"causes": [{"reason": "FieldValueInvalid", "message": msg, "field": "patch"}]}),
    ));
    e
}

/// Decodes a patched object (patch.go applyPatchToCurrentObject / applyPatchToObject).
/// `shown` is what the handler puts in its `Invalid value`: the patched JSON for JSON and
/// merge patches, Go's rendering of the patch map for strategic merge patches.
pub fn check_patched(
    st: &Store,
    res: &Resource,
    version: &str,
    patched: &mut Value,
    shown: impl FnOnce(&Value) -> String,
    dir: Directive,
) -> ApiResult<Vec<String>> {
    let Some(schema) = schema_of(st, res, version) else {
        return Ok(Vec::new());
    };
    let before = patched.clone();
    let f = schema::decode(patched, &schema, &res.kind, res.crd);
    if !res.crd
        && let Some(m) = f.mismatches.first()
    {
        return Err(patch_invalid(&shown(&before), &m.go_error()));
    }
    let warnings = outcome(&f, dir, |strict| patch_invalid(&shown(&before), &strict))?;
    if res.crd && f.invalid() {
        return Err(crate::crd::invalid(res, crate::util::name_of(patched), &f));
    }
    Ok(warnings)
}

/// Server-side apply types the applied configuration first (managedfields
/// structuredmerge.go `Apply`): an undeclared field or a wrong type is a plain error, which
/// the server answers as a 500 `failed to create typed patch object (<ns>/<name>; <gvk>):
/// ...`, whatever the directive.
pub fn check_apply(st: &Store, res: &Resource, version: &str, applied: &Value) -> ApiResult<()> {
    let Some(schema) = schema_of(st, res, version) else {
        return Ok(());
    };
    let errs = schema::typed_errors(applied, &schema);
    if errs.is_empty() {
        return Ok(());
    }
    let text = if errs.len() == 1 {
        errs[0].clone()
    } else {
        let mut lines = vec!["errors:".to_string()];
        lines.extend(errs.iter().map(|e| format!("  {e}")));
        lines.join("\n")
    };
    let gvk = format!(
        "{}/{version}, Kind={}",
        if res.group.is_empty() { "" } else { &res.group },
        res.kind
    );
    Err(ApiError::new(
        500,
        "",
        format!(
            "failed to create typed patch object ({}/{}; {gvk}): {text}",
            crate::util::namespace_of(applied),
            crate::util::name_of(applied)
        ),
    ))
}

/// A `Warning` header value (RFC 7234 `299 - "text"`, as k8s.io/apiserver/pkg/warning
/// writes them).
pub fn warning_header(text: &str) -> String {
    format!("299 - \"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

//! `/openapi/v2` as a real API server answers it (k8s.io/kube-openapi pkg/handler `ServeHTTP`):
//! by `Accept`, the swagger 2.0 document as JSON (`application/json`, also for no Accept or
//! `*/*`) or as protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and
//! `application/com.github.proto-openapi.spec.v2.v1.0+protobuf`, what kubectl asks for), else
//! 406. The protobuf is gnostic's `openapi_v2.Document` (github.com/google/gnostic-models
//! openapiv2/OpenAPIv2.proto) with `swagger`, `info` and `definitions`: what kubectl reads
//! from it (k8s.io/kube-openapi pkg/util/proto `NewOpenAPIData` for `kubectl explain
//! --output=plaintext-openapiv2` and client-side validation). Paths are left out of the
//! protobuf: kubectl only consults them to find `fieldValidation` support when a server has
//! no OpenAPI v3, which kubesim always has.
use crate::store::Store;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

const PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
const PROTOBUF_DOT: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

#[derive(Debug, PartialEq)]
enum Format {
    Json,
    Protobuf,
}

/// The first clause of `accept` the handler can meet, in the handler's order of formats.
fn negotiate(accept: Option<&str>) -> Option<Format> {
    let accept = accept.filter(|a| !a.trim().is_empty()).unwrap_or("*/*");
    for clause in accept.split(',') {
        let media = clause.split(';').next().unwrap_or("").trim();
        let (ty, sub) = media.split_once('/').unwrap_or((media, ""));
        if ty != "application" && ty != "*" {
            continue;
        }
        if sub == "json" || sub == "*" {
            return Some(Format::Json);
        }
        let full = format!("application/{sub}");
        if full == PROTOBUF || full == PROTOBUF_DOT {
            return Some(Format::Protobuf);
        }
    }
    None
}

pub fn serve(st: &Store, accept: Option<&str>) -> Response {
    let (body, ctype) = match negotiate(accept) {
        Some(Format::Json) => (
            serde_json::to_vec(&crate::openapi::swagger(st)).unwrap_or_default(),
            "application/json",
        ),
        // Answered with the dotted type whichever was asked for, as kube-openapi does (Go's
        // mime parser, which kubectl's client runs on it, rejects the `@`).
        Some(Format::Protobuf) => (document(&crate::openapi::swagger(st)), PROTOBUF_DOT),
        None => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_ACCEPTABLE;
            return r;
        }
    };
    let mut r = Response::new(Body::from(body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

// ---- protobuf wire format ------------------------------------------------------------------

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn bytes_field(out: &mut Vec<u8>, field: u32, b: &[u8]) {
    varint(out, (u64::from(field) << 3) | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn string_field(out: &mut Vec<u8>, field: u32, s: &str) {
    if !s.is_empty() {
        bytes_field(out, field, s.as_bytes());
    }
}

fn bool_field(out: &mut Vec<u8>, field: u32, b: bool) {
    if b {
        varint(out, u64::from(field) << 3);
        varint(out, 1);
    }
}

/// gnostic `Any`: the value as YAML text (`yaml = 2`; JSON is YAML).
fn any(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(&mut out, 2, &v.to_string());
    out
}

/// gnostic `Schema` (OpenAPIv2.proto field numbers).
fn schema(s: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let Value::Object(m) = s else { return out };
    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
    string_field(&mut out, 1, text("$ref"));
    string_field(&mut out, 2, text("format"));
    string_field(&mut out, 4, text("description"));
    if let Some(d) = m.get("default") {
        bytes_field(&mut out, 5, &any(d));
    }
    for r in m.get("required").and_then(Value::as_array).into_iter().flatten() {
        string_field(&mut out, 19, r.as_str().unwrap_or(""));
    }
    for e in m.get("enum").and_then(Value::as_array).into_iter().flatten() {
        bytes_field(&mut out, 20, &any(e));
    }
    match m.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            let mut item = Vec::new();
            bool_field(&mut item, 2, *b);
            bytes_field(&mut out, 21, &item);
        }
        Some(a @ Value::Object(_)) => {
            let mut item = Vec::new();
            bytes_field(&mut item, 1, &schema(a));
            bytes_field(&mut out, 21, &item);
        }
        _ => {}
    }
    if let Some(t) = m.get("type").and_then(Value::as_str) {
        let mut item = Vec::new();
        string_field(&mut item, 1, t);
        bytes_field(&mut out, 22, &item);
    }
    if let Some(i) = m.get("items").filter(|i| i.is_object()) {
        let mut item = Vec::new();
        bytes_field(&mut item, 1, &schema(i));
        bytes_field(&mut out, 23, &item);
    }
    for a in m.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        bytes_field(&mut out, 24, &schema(a));
    }
    if let Some(Value::Object(props)) = m.get("properties") {
        let mut p = Vec::new();
        for (name, s) in props {
            bytes_field(&mut p, 1, &named(name, &schema(s)));
        }
        bytes_field(&mut out, 25, &p);
    }
    for (k, v) in m.iter().filter(|(k, _)| k.starts_with("x-")) {
        bytes_field(&mut out, 31, &named(k, &any(v)));
    }
    out
}

/// A `Named*` pair: `name = 1`, `value = 2`.
fn named(name: &str, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(&mut out, 1, name);
    bytes_field(&mut out, 2, value);
    out
}

/// gnostic `Document`: `swagger = 1`, `info = 2` (`title = 1`, `version = 2`), `definitions = 9`.
fn document(doc: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    string_field(&mut out, 1, doc["swagger"].as_str().unwrap_or("2.0"));
    let mut info = Vec::new();
    string_field(&mut info, 1, doc["info"]["title"].as_str().unwrap_or(""));
    string_field(&mut info, 2, doc["info"]["version"].as_str().unwrap_or(""));
    bytes_field(&mut out, 2, &info);
    let mut defs = Vec::new();
    if let Some(m) = doc["definitions"].as_object() {
        for (name, d) in m {
            bytes_field(&mut defs, 1, &named(name, &schema(d)));
        }
    }
    bytes_field(&mut out, 9, &defs);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accept_picks_the_first_format_the_handler_has() {
        assert_eq!(negotiate(None), Some(Format::Json));
        assert_eq!(negotiate(Some("application/json")), Some(Format::Json));
        assert_eq!(negotiate(Some(PROTOBUF)), Some(Format::Protobuf));
        assert_eq!(
            negotiate(Some(&format!("{PROTOBUF_DOT}, application/json"))),
            Some(Format::Protobuf)
        );
        assert_eq!(negotiate(Some("text/plain")), None);
        assert_eq!(negotiate(Some("application/vnd.kubernetes.protobuf")), None);
    }

    #[test]
    fn schema_fields_use_gnostic_numbers() {
        // type "string" → field 22 (TypeItem) holding field 1 "string".
        let b = schema(&json!({"type": "string"}));
        assert_eq!(b, [0xb2, 0x01, 8, 0x0a, 6, b's', b't', b'r', b'i', b'n', b'g']);
        // $ref → field 1.
        let b = schema(&json!({"$ref": "#/x"}));
        assert_eq!(b, [0x0a, 3, b'#', b'/', b'x']);
    }
}

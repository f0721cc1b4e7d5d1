//! `application/vnd.kubernetes.protobuf` for the built-in kinds: request bodies decoded into the
//! JSON kubesim stores, answers encoded when the client prefers protobuf.
//!
//! The wire format is apimachinery's `pkg/runtime/serializer/protobuf/protobuf.go`: the magic
//! `k8s\0`, then a `runtime.Unknown` whose `typeMeta` names the kind and whose `raw` is the
//! object's message. The messages come from Kubernetes' own `generated.proto` files (release
//! 1.33, compiled by `build.rs`) through `prost-reflect`, so no message layout is written here;
//! what is written here is the JSON side of the few types whose Go JSON is not their message
//! (meta/v1 `Time`, `MicroTime`, `FieldsV1`, `IntOrString`, `Quantity`, `RawExtension`,
//! apiextensions' `JSON` and `JSONSchemaPropsOr*`, `ExtraValue`). Three tables read from
//! Kubernetes' Go types by `tests/fixtures/kubernetes/proto/zero-values.py` say the rest: the
//! JSON names that are not the proto names, the structs embedded inline, and the scalars whose
//! zero value Go's JSON still writes.
use crate::sim::Shared;
use crate::status::ApiError;
use crate::store::Obj;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use base64::Engine;
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage,
    Value as Pb,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";
const MAGIC: &[u8] = b"k8s\0";
const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1";
const UNKNOWN: &str = "k8s.io.apimachinery.pkg.runtime.Unknown";
const APIEXT: &str = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1";
const MAX_BODY: usize = 256 << 20;

static DESCRIPTORS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kubernetes.fds"));

/// Every message of the vendored `generated.proto` files.
pub fn pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(DESCRIPTORS).expect("build.rs wrote a valid descriptor set"))
}

/// The message of a kind in a group version: the group's own (`k8s.io.api.apps.v1.Deployment`),
/// else meta/v1's, which every group version registers (`Status`, `DeleteOptions`).
pub fn message_of(api_version: &str, kind: &str) -> Option<MessageDescriptor> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let package = match group {
        "" => format!("k8s.io.api.core.{version}"),
        "apiextensions.k8s.io" => format!("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.{version}"),
        "meta.k8s.io" => format!("k8s.io.apimachinery.pkg.apis.meta.{version}"),
        g => format!("k8s.io.api.{}.{version}", g.split('.').next().unwrap_or(g)),
    };
    let pool = pool();
    pool.get_message_by_name(&format!("{package}.{kind}"))
        .or_else(|| pool.get_message_by_name(&format!("{META}.{kind}")))
}

/// Which side of a request is protobuf.
#[derive(Debug, Default, Clone, Copy)]
pub struct Negotiated {
    /// The body is protobuf, to be decoded to JSON before routing.
    pub body: bool,
    /// The answer is to be protobuf.
    pub answer: bool,
}

/// Decides, from Content-Type and Accept, what protobuf a request involves. Only requests that
/// mention protobuf look at the path (under the store's lock), so JSON clients pay two header
/// lookups. A protobuf body for a kind without protobuf (a custom resource) is refused with 415
/// in the words of apiserver's `handlers/negotiation/errors.go`.
pub fn negotiate(
    app: &Shared,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Negotiated, ApiError> {
    let sent = header_str(headers, header::CONTENT_TYPE).is_some_and(|ct| ct.starts_with(MEDIA_TYPE))
        && matches!(*method, Method::POST | Method::PUT | Method::DELETE);
    let wanted = prefers_protobuf(header_str(headers, header::ACCEPT).unwrap_or(""));
    if !sent && !wanted {
        return Ok(Negotiated::default());
    }
    let (builtin, watch_path) = match crate::api::parse_target(&app.lock(), path) {
        Ok(Some(t)) => (serves(app, t.res.crd), t.watch_path),
        _ => (false, false),
    };
    if sent && !builtin {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
        ));
    }
    // Watches stay JSON: client-go picks the stream decoder by the answer's Content-Type.
    let watch = watch_path || query.get("watch").is_some_and(|w| w == "true" || w == "1");
    Ok(Negotiated {
        body: sent,
        answer: wanted && builtin && !watch,
    })
}

/// Whether kubesim serves a kind in protobuf: a built-in kind, unless protobuf is switched off.
pub fn serves(app: &Shared, crd: bool) -> bool {
    !crd && app.protobuf.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether an answer of a kind is to be protobuf, by the request's Accept header.
pub fn answers(app: &Shared, crd: bool, headers: &HeaderMap) -> bool {
    serves(app, crd) && prefers_protobuf(header_str(headers, header::ACCEPT).unwrap_or(""))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether the first media type of an Accept header that kubesim serves is protobuf (client-go
/// sends `application/vnd.kubernetes.protobuf,application/json` or `..., */*`). A type with
/// `as=` (a Table) is JSON here.
pub fn prefers_protobuf(accept: &str) -> bool {
    accept
        .split(',')
        .find_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let ty = parts.next().unwrap_or("");
            if parts.any(|p| p.starts_with("as=")) {
                return Some(false);
            }
            match ty {
                MEDIA_TYPE => Some(true),
                "application/json" | "application/yaml" | "*/*" | "application/*" => Some(false),
                _ => None,
            }
        })
        .unwrap_or(false)
}

/// A protobuf request body as the JSON object it carries, `apiVersion` and `kind` from the
/// envelope's typeMeta (as the serializer's Decode takes them).
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body.strip_prefix(MAGIC).ok_or(
        "the protobuf body does not start with the k8s\\0 prefix of the Kubernetes protobuf envelope",
    )?;
    let unknown_desc = pool()
        .get_message_by_name(UNKNOWN)
        .ok_or("runtime.Unknown is not compiled in")?;
    let unknown =
        DynamicMessage::decode(unknown_desc, rest).map_err(|e| format!("decoding runtime.Unknown: {e}"))?;
    let type_meta = match unknown.get_field_by_name("typeMeta").as_deref() {
        Some(Pb::Message(m)) => m.clone(),
        _ => return Err("the protobuf envelope has no typeMeta".into()),
    };
    let text = |m: &DynamicMessage, name: &str| match m.get_field_by_name(name).as_deref() {
        Some(Pb::String(s)) => s.clone(),
        _ => String::new(),
    };
    let (api_version, kind) = (text(&type_meta, "apiVersion"), text(&type_meta, "kind"));
    let raw = match unknown.get_field_by_name("raw").as_deref() {
        Some(Pb::Bytes(b)) => b.clone(),
        _ => Default::default(),
    };
    let desc = message_of(&api_version, &kind)
        .ok_or_else(|| format!("no kind \"{kind}\" is registered for version \"{api_version}\""))?;
    let msg = DynamicMessage::decode(desc, raw).map_err(|e| format!("decoding {kind} {api_version}: {e}"))?;
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind));
    out.insert("apiVersion".into(), json!(api_version));
    if let Some(Value::Object(fields)) = to_json(&msg) {
        out.extend(fields);
    }
    Ok(Value::Object(out))
}

/// An object (with its `apiVersion` and `kind`) in the protobuf envelope, or `None` when its kind
/// has no message or the object does not fit it.
pub fn encode(obj: &Value) -> Option<Vec<u8>> {
    let api_version = obj.get("apiVersion")?.as_str()?;
    let kind = obj.get("kind")?.as_str()?;
    let msg = from_json(&message_of(api_version, kind)?, obj).ok()?;
    envelope(api_version, kind, &msg.encode_to_vec())
}

/// `raw` (an encoded message of `kind`) in the envelope.
fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Option<Vec<u8>> {
    let unknown_desc = pool().get_message_by_name(UNKNOWN)?;
    let type_meta_desc = pool().get_message_by_name("k8s.io.apimachinery.pkg.runtime.TypeMeta")?;
    let mut type_meta = DynamicMessage::new(type_meta_desc);
    type_meta.set_field_by_name("apiVersion", Pb::String(api_version.into()));
    type_meta.set_field_by_name("kind", Pb::String(kind.into()));
    let mut unknown = DynamicMessage::new(unknown_desc);
    unknown.set_field_by_name("typeMeta", Pb::Message(type_meta));
    unknown.set_field_by_name("raw", Pb::Bytes(raw.to_vec().into()));
    // gogo writes the envelope's non-pointer strings even when empty.
    unknown.set_field_by_name("contentEncoding", Pb::String(String::new()));
    unknown.set_field_by_name("contentType", Pb::String(String::new()));
    let mut out = MAGIC.to_vec();
    out.extend(unknown.encode_to_vec());
    Some(out)
}

/// Each object's message, encoded once: the reflection that maps JSON to a message is far slower
/// than a real API server's generated marshallers, and a big list would otherwise be timed as
/// kubesim's encoder rather than as the transfer. Keyed by the object's allocation, which the
/// `Weak` keeps from being reused while the entry exists; the store replaces an object's `Arc`
/// on every change, so a changed object is encoded again, and entries of dropped objects are
/// swept when the cache has grown.
fn encoded(obj: &Obj, desc: &MessageDescriptor) -> Option<bytes::Bytes> {
    type Cache = HashMap<usize, (Weak<Value>, bytes::Bytes)>;
    static CACHE: OnceLock<Mutex<(Cache, usize)>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = Arc::as_ptr(obj) as usize;
    if let Some((weak, bytes)) = cache.lock().ok()?.0.get(&key)
        && weak.upgrade().is_some_and(|o| Arc::ptr_eq(&o, obj))
    {
        return Some(bytes.clone());
    }
    let bytes: bytes::Bytes = from_json(desc, obj).ok()?.encode_to_vec().into();
    let mut guard = cache.lock().ok()?;
    let (map, swept_at) = &mut *guard;
    if map.len() > 2 * *swept_at + 1024 {
        map.retain(|_, (weak, _)| weak.strong_count() > 0);
        *swept_at = map.len();
    }
    map.insert(key, (Arc::downgrade(obj), bytes.clone()));
    Some(bytes)
}

/// A list of built-in objects in the envelope, built from each item's cached message (a list
/// message is its `ListMeta`, field 1, then its items, field 2: the order gogo writes them in),
/// or `None` when the kind has no message or an item does not fit it.
/// With `garbled`, one more item follows whose bytes are not a message (a field of wire type
/// 7, which does not exist): the page's envelope and metadata read, its items do not.
pub fn encode_list(
    api_version: &str,
    kind: &str,
    list_meta: &Value,
    items: &[Obj],
    garbled: bool,
) -> Option<Vec<u8>> {
    let list_desc = message_of(api_version, &format!("{kind}List"))?;
    let item_desc = message_of(api_version, kind)?;
    let items_field = list_desc.get_field_by_name("items")?.number();
    let meta = from_json(&list_desc, &json!({ "metadata": list_meta })).ok()?;
    let mut raw = meta.encode_to_vec();
    let key = (items_field << 3) | 2;
    for item in items {
        let bytes = encoded(item, &item_desc)?;
        prost::encoding::encode_varint(u64::from(key), &mut raw);
        prost::encoding::encode_varint(bytes.len() as u64, &mut raw);
        raw.extend_from_slice(&bytes);
    }
    if garbled {
        prost::encoding::encode_varint(u64::from(key), &mut raw);
        raw.extend_from_slice(&[2, 0x0f, 0x00]);
    }
    envelope(api_version, &format!("{kind}List"), &raw)
}

/// Re-encodes a JSON answer (an object, a list, a Status) as protobuf; anything else (a log,
/// a kind without a message) is left as it is.
pub async fn answer(resp: Response) -> Response {
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes() == b"application/json");
    if !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let encoded = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| encode(&v));
    match encoded {
        Some(pb) => {
            parts
                .headers
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(pb))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The JSON name of a field: its proto name, except where the Go json tag differs
/// (`MutatingWebhookConfiguration.Webhooks` is `webhooks`, apiextensions' `ref` is `$ref`), as
/// `zero-values.py --renames` read them from Kubernetes' Go types.
pub fn json_name(field: &FieldDescriptor) -> String {
    static RENAMED: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let renamed = RENAMED.get_or_init(|| {
        include_str!("../../fixtures/kubernetes/proto/renamed-fields.txt")
            .lines()
            .filter_map(|l| l.split_once(' '))
            .collect()
    });
    let key = format!("{}.{}", field.parent_message().name(), field.name());
    match renamed.get(key.as_str()) {
        Some(name) => name.to_string(),
        None => field.name().to_string(),
    }
}

fn short_name(desc: &MessageDescriptor) -> (&str, &str) {
    let full = desc.full_name();
    full.rsplit_once('.').unwrap_or(("", full))
}

/// A message as Go's JSON of its type renders it; `None` where that is `null` (a zero `Time`,
/// an empty `RawExtension`).
fn to_json(msg: &DynamicMessage) -> Option<Value> {
    let desc = msg.descriptor();
    let get = |name: &str| msg.get_field_by_name(name).map(|v| v.into_owned());
    let (package, name) = short_name(&desc);
    match (package, name) {
        (META, "Time") | (META, "MicroTime") => {
            // time_proto.go: an empty message is the zero time (JSON null); Time keeps seconds.
            let seconds = get("seconds").and_then(|v| v.as_i64())?;
            let nanos = get("nanos").and_then(|v| v.as_i32()).unwrap_or(0);
            if !msg.has_field_by_name("seconds") {
                return None;
            }
            Some(json!(if name == "Time" {
                format_time(seconds, None)
            } else {
                format_time(seconds, Some(nanos))
            }))
        }
        ("k8s.io.apimachinery.pkg.util.intstr", "IntOrString") => {
            match get("type").and_then(|v| v.as_i64()) {
                Some(1) => Some(json!(
                    get("strVal")
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                )),
                _ => Some(json!(get("intVal").and_then(|v| v.as_i32()).unwrap_or(0))),
            }
        }
        ("k8s.io.apimachinery.pkg.api.resource", "Quantity") => Some(json!(
            get("string")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        )),
        ("k8s.io.apimachinery.pkg.runtime", "RawExtension") | (APIEXT, "JSON") | (META, "FieldsV1") => {
            let field = if name == "FieldsV1" { "Raw" } else { "raw" };
            let raw = get(field)?;
            serde_json::from_slice(raw.as_bytes()?).ok()
        }
        (APIEXT, "JSONSchemaPropsOrArray") => match msg.get_field_by_name("schema") {
            Some(_) if msg.has_field_by_name("schema") => {
                get("schema").and_then(|s| to_json(s.as_message()?))
            }
            _ => Some(Value::Array(list_json(get("jSONSchemas")))),
        },
        (APIEXT, "JSONSchemaPropsOrBool") if msg.has_field_by_name("schema") => {
            get("schema").and_then(|s| to_json(s.as_message()?))
        }
        (APIEXT, "JSONSchemaPropsOrBool") => {
            Some(json!(get("allows").and_then(|v| v.as_bool()).unwrap_or(false)))
        }
        (APIEXT, "JSONSchemaPropsOrStringArray") if msg.has_field_by_name("property") => {
            Some(Value::Array(list_json(get("property"))))
        }
        (APIEXT, "JSONSchemaPropsOrStringArray") => get("schema").and_then(|s| to_json(s.as_message()?)),
        (_, "ExtraValue") => Some(Value::Array(list_json(get("items")))),
        _ => {
            let mut out = Map::new();
            for (field, value) in msg.fields() {
                match field_json(&field, value) {
                    Some(Value::Object(inner)) if is_inline(&field) => out.extend(inner),
                    Some(v) => {
                        out.insert(json_name(&field), v);
                    }
                    None => {}
                }
            }
            Some(Value::Object(out))
        }
    }
}

fn list_json(v: Option<Pb>) -> Vec<Value> {
    match v {
        Some(Pb::List(items)) => items.iter().filter_map(scalar_or_message).collect(),
        _ => Vec::new(),
    }
}

/// `Message.field` of the scalars whose zero value Go's JSON writes: pointers and fields without
/// `omitempty`, read from Kubernetes' Go types by `zero-values.py`.
fn zero_kept(field: &FieldDescriptor) -> bool {
    static KEPT: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let kept = KEPT.get_or_init(|| {
        include_str!("../../fixtures/kubernetes/proto/zero-values.txt")
            .lines()
            .collect()
    });
    let message = field.parent_message();
    kept.contains(format!("{}.{}", message.name(), field.name()).as_str())
}

/// Whether a field is a Go struct embedded with `json:",inline"` (`Volume.volumeSource`,
/// `Probe.handler`): its fields are the parent's in JSON (read by `zero-values.py --inline`).
pub fn is_inline(field: &FieldDescriptor) -> bool {
    static INLINE: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let inline = INLINE.get_or_init(|| {
        include_str!("../../fixtures/kubernetes/proto/inline-fields.txt")
            .lines()
            .collect()
    });
    let message = field.parent_message();
    inline.contains(format!("{}.{}", message.name(), field.name()).as_str())
}

fn is_zero(v: &Pb) -> bool {
    match v {
        Pb::Bool(b) => !b,
        Pb::I32(n) => *n == 0,
        Pb::I64(n) => *n == 0,
        Pb::U32(n) => *n == 0,
        Pb::U64(n) => *n == 0,
        Pb::F32(n) => *n == 0.0,
        Pb::F64(n) => *n == 0.0,
        Pb::String(s) => s.is_empty(),
        _ => false,
    }
}

/// A set field's JSON, `None` for what Go's JSON leaves out: a zero scalar of a non-pointer
/// `omitempty` field (gogo writes every non-pointer field, set or not, so zero there means unset)
/// and a message that renders as null.
fn field_json(field: &FieldDescriptor, value: &Pb) -> Option<Value> {
    match value {
        Pb::List(items) => Some(Value::Array(
            items
                .iter()
                .map(|v| scalar_or_message(v).unwrap_or(Value::Null))
                .collect(),
        )),
        Pb::Map(entries) => {
            let mut keys: Vec<(&MapKey, &Pb)> = entries.iter().collect();
            keys.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = Map::new();
            for (k, v) in keys {
                let key = match k {
                    MapKey::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                out.insert(key, scalar_or_message(v).unwrap_or(Value::Null));
            }
            Some(Value::Object(out))
        }
        v if is_zero(v) && !zero_kept(field) => None,
        v => scalar_or_message(v),
    }
}

fn scalar_or_message(v: &Pb) -> Option<Value> {
    Some(match v {
        Pb::Bool(b) => json!(b),
        Pb::I32(n) => json!(n),
        Pb::I64(n) => json!(n),
        Pb::U32(n) => json!(n),
        Pb::U64(n) => json!(n),
        Pb::F32(n) => json!(n),
        Pb::F64(n) => json!(n),
        Pb::String(s) => json!(s),
        Pb::Bytes(b) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        Pb::EnumNumber(n) => json!(n),
        Pb::Message(m) => return to_json(m),
        Pb::List(_) | Pb::Map(_) => return None,
    })
}

/// A JSON value as the message `desc`, the inverse of `to_json`. Keys the message does not have
/// (`apiVersion` and `kind`, which travel in the envelope) are left out.
pub fn from_json(desc: &MessageDescriptor, v: &Value) -> Result<DynamicMessage, String> {
    let mut msg = DynamicMessage::new(desc.clone());
    let (package, name) = short_name(desc);
    let set = |msg: &mut DynamicMessage, field: &str, value: Pb| {
        msg.set_field_by_name(field, value);
    };
    match (package, name, v) {
        (META, "Time" | "MicroTime", Value::String(s)) => {
            let (seconds, nanos) = parse_time(s).ok_or_else(|| format!("{s:?} is not an RFC 3339 time"))?;
            set(&mut msg, "seconds", Pb::I64(seconds));
            set(&mut msg, "nanos", Pb::I32(if name == "Time" { 0 } else { nanos }));
        }
        ("k8s.io.apimachinery.pkg.util.intstr", "IntOrString", Value::String(s)) => {
            set(&mut msg, "type", Pb::I64(1));
            set(&mut msg, "intVal", Pb::I32(0));
            set(&mut msg, "strVal", Pb::String(s.clone()));
        }
        ("k8s.io.apimachinery.pkg.util.intstr", "IntOrString", Value::Number(n)) => {
            let n = n
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or("an int-or-string number is not an int32")?;
            set(&mut msg, "type", Pb::I64(0));
            set(&mut msg, "intVal", Pb::I32(n));
            set(&mut msg, "strVal", Pb::String(String::new()));
        }
        ("k8s.io.apimachinery.pkg.api.resource", "Quantity", Value::String(_) | Value::Number(_)) => {
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            set(&mut msg, "string", Pb::String(text));
        }
        ("k8s.io.apimachinery.pkg.runtime", "RawExtension", _) | (APIEXT, "JSON", _) => {
            set(
                &mut msg,
                "raw",
                Pb::Bytes(serde_json::to_vec(v).unwrap_or_default().into()),
            );
        }
        (META, "FieldsV1", _) => {
            set(
                &mut msg,
                "Raw",
                Pb::Bytes(serde_json::to_vec(v).unwrap_or_default().into()),
            );
        }
        (APIEXT, "JSONSchemaPropsOrArray", Value::Array(items)) => {
            set(&mut msg, "jSONSchemas", Pb::List(schemas(desc, items)?));
        }
        (APIEXT, "JSONSchemaPropsOrStringArray", Value::Array(items)) => {
            let strings = items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| Pb::String(s.into()))
                .collect();
            set(&mut msg, "property", Pb::List(strings));
        }
        (APIEXT, "JSONSchemaPropsOrBool", Value::Bool(b)) => set(&mut msg, "allows", Pb::Bool(*b)),
        (APIEXT, "JSONSchemaPropsOrArray" | "JSONSchemaPropsOrStringArray", _) => {
            set(
                &mut msg,
                "schema",
                Pb::Message(from_json(&schema_props(desc)?, v)?),
            );
        }
        (APIEXT, "JSONSchemaPropsOrBool", _) => {
            set(&mut msg, "allows", Pb::Bool(true));
            set(
                &mut msg,
                "schema",
                Pb::Message(from_json(&schema_props(desc)?, v)?),
            );
        }
        (_, "ExtraValue", Value::Array(items)) => {
            let strings = items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| Pb::String(s.into()))
                .collect();
            set(&mut msg, "items", Pb::List(strings));
        }
        (_, _, Value::Object(obj)) => {
            for field in desc.fields() {
                if is_inline(&field)
                    && let Kind::Message(inner) = field.kind()
                {
                    msg.set_field(&field, Pb::Message(from_json(&inner, v)?));
                    continue;
                }
                match obj.get(&json_name(&field)) {
                    None | Some(Value::Null) => {}
                    Some(value) => {
                        let pb =
                            field_value(&field, value).map_err(|e| format!("{}: {e}", json_name(&field)))?;
                        msg.set_field(&field, pb);
                    }
                }
            }
        }
        _ => return Err(format!("{v} does not fit {}", desc.full_name())),
    }
    Ok(msg)
}

fn schema_props(desc: &MessageDescriptor) -> Result<MessageDescriptor, String> {
    desc.parent_pool()
        .get_message_by_name(&format!("{APIEXT}.JSONSchemaProps"))
        .ok_or_else(|| "JSONSchemaProps is not compiled in".to_string())
}

fn schemas(desc: &MessageDescriptor, items: &[Value]) -> Result<Vec<Pb>, String> {
    let props = schema_props(desc)?;
    items
        .iter()
        .map(|i| from_json(&props, i).map(Pb::Message))
        .collect()
}

fn field_value(field: &FieldDescriptor, v: &Value) -> Result<Pb, String> {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            return Err("a map without an entry message".into());
        };
        let value_field = entry.map_entry_value_field();
        let obj = v.as_object().ok_or_else(|| format!("{v} is not an object"))?;
        let mut out = HashMap::new();
        for (k, item) in obj {
            if !item.is_null() {
                out.insert(MapKey::String(k.clone()), single(&value_field.kind(), item)?);
            }
        }
        return Ok(Pb::Map(out));
    }
    if field.is_list() {
        let items = v.as_array().ok_or_else(|| format!("{v} is not a list"))?;
        return items
            .iter()
            .map(|i| single(&field.kind(), i))
            .collect::<Result<_, _>>()
            .map(Pb::List);
    }
    single(&field.kind(), v)
}

fn single(kind: &Kind, v: &Value) -> Result<Pb, String> {
    let int = || v.as_i64().ok_or_else(|| format!("{v} is not an integer"));
    Ok(match kind {
        Kind::Message(desc) => Pb::Message(from_json(desc, v)?),
        Kind::String => Pb::String(
            v.as_str()
                .ok_or_else(|| format!("{v} is not a string"))?
                .to_string(),
        ),
        Kind::Bool => Pb::Bool(v.as_bool().ok_or_else(|| format!("{v} is not a boolean"))?),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Pb::I32(i32::try_from(int()?).map_err(|e| e.to_string())?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Pb::I64(int()?),
        Kind::Uint32 | Kind::Fixed32 => Pb::U32(u32::try_from(int()?).map_err(|e| e.to_string())?),
        Kind::Uint64 | Kind::Fixed64 => Pb::U64(
            v.as_u64()
                .ok_or_else(|| format!("{v} is not an unsigned integer"))?,
        ),
        Kind::Double => Pb::F64(v.as_f64().ok_or_else(|| format!("{v} is not a number"))?),
        Kind::Float => Pb::F32(v.as_f64().ok_or_else(|| format!("{v} is not a number"))? as f32),
        Kind::Bytes => {
            let text = v.as_str().ok_or_else(|| format!("{v} is not base64 text"))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| format!("{text:?} is not base64: {e}"))?;
            Pb::Bytes(bytes.into())
        }
        Kind::Enum(_) => Pb::EnumNumber(i32::try_from(int()?).map_err(|e| e.to_string())?),
    })
}

/// `2006-01-02T15:04:05Z` (meta/v1 `Time`) or, with nanoseconds, `RFC3339Micro`
/// (`2006-01-02T15:04:05.000000Z`, `MicroTime`), both in UTC as their MarshalJSON writes them.
fn format_time(seconds: i64, nanos: Option<i32>) -> String {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    match nanos {
        None => format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
        Some(n) => format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{:06}Z", n / 1000),
    }
}

/// Seconds and nanoseconds of an RFC 3339 time (`Z` or a `±hh:mm` offset, any fraction).
fn parse_time(s: &str) -> Option<(i64, i32)> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &s[19..];
    let mut nanos = 0i32;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let padded = format!("{:0<9}", &frac[..digits.min(9)]);
        nanos = padded.parse().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let mins = o[1..3].parse::<i64>().ok()? * 60 + o[4..6].parse::<i64>().ok()?;
            if o.starts_with('-') { -mins * 60 } else { mins * 60 }
        }
        _ => return None,
    };
    Some((
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset,
        nanos,
    ))
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, day 0 = 1970-01-01).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_their_marshal_json_writes_them() {
        // meta/v1 time.go MarshalJSON: RFC3339 in UTC, seconds only; micro_time.go: RFC3339Micro.
        assert_eq!(format_time(1_700_000_000, None), "2023-11-14T22:13:20Z");
        assert_eq!(
            format_time(951_782_400, Some(123_456_789)),
            "2000-02-29T00:00:00.123456Z"
        );
        assert_eq!(parse_time("2023-11-14T22:13:20Z"), Some((1_700_000_000, 0)));
        assert_eq!(
            parse_time("2023-11-14T23:13:20.5+01:00"),
            Some((1_700_000_000, 500_000_000))
        );
        assert_eq!(parse_time("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn accept_headers_as_client_go_sends_them() {
        assert!(prefers_protobuf(
            "application/vnd.kubernetes.protobuf,application/json"
        ));
        assert!(prefers_protobuf("application/vnd.kubernetes.protobuf, */*"));
        assert!(!prefers_protobuf("application/json, */*"));
        assert!(!prefers_protobuf(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        ));
        assert!(!prefers_protobuf(""));
    }
}

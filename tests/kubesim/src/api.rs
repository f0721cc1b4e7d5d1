//! The HTTP front: request routing for the Kubernetes REST paths, reading and listing with
//! selectors and pagination, and turning results into responses. Writes go to `ops`, then
//! the controllers run before the answer is sent.
use crate::fields;
use crate::ops::{self, PatchKind};
use crate::resources::Resource;
use crate::selector::{FieldSelector, LabelSelector};
use crate::sim::Shared;
use crate::status::{ApiError, ApiResult};
use crate::store::{Obj, Store};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const MAX_BODY: usize = 64 << 20;

pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

pub fn json_response(code: u16, v: &Value) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_default();
    bytes_response(code, body)
}

fn bytes_response(code: u16, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

pub fn error_response(e: &ApiError) -> Response {
    let mut r = json_response(e.code, &e.to_status());
    if let Some(s) = e.retry_after
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

/// Decodes `a=b&c=d` with percent-escapes and `+` as space.
pub fn parse_query(q: &str) -> HashMap<String, String> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(v) => {
                            out.push(v);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// A resource request, parsed from the path.
#[derive(Debug, Clone)]
pub struct Target {
    pub res: Arc<Resource>,
    pub version: String,
    pub ns: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
    pub watch_path: bool,
}

impl Target {
    /// The collection's path, as a client asks for it: `/api/v1/namespaces/shop/pods`.
    pub fn path(&self) -> String {
        let root = match self.res.group.as_str() {
            "" => format!("/api/{}", self.version),
            g => format!("/apis/{g}/{}", self.version),
        };
        match &self.ns {
            Some(ns) => format!("{root}/namespaces/{ns}/{}", self.res.plural),
            None => format!("{root}/{}", self.res.plural),
        }
    }
}

/// Parses `/api/v1/...` and `/apis/<g>/<v>/...` resource paths. `Ok(None)` means the path
/// is not a resource path (discovery etc.); `Err` is a 404.
pub fn parse_target(st: &Store, path: &str) -> ApiResult<Option<Target>> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] if !rest.is_empty() => ("", *v, rest),
        ["apis", g, v, rest @ ..] if !rest.is_empty() => (*g, *v, rest),
        _ => return Ok(None),
    };
    let (watch_path, rest) = match rest {
        ["watch", r @ ..] => (true, r),
        r => (false, r),
    };
    let (ns, plural, name, sub) = match rest {
        ["namespaces", n, s @ ("status" | "finalize")] if group.is_empty() => {
            (None, "namespaces", Some(*n), Some(*s))
        }
        ["namespaces", ns, plural, tail @ ..] if tail.len() <= 2 => {
            (Some(*ns), *plural, tail.first().copied(), tail.get(1).copied())
        }
        [plural, tail @ ..] if tail.len() <= 2 => {
            (None, *plural, tail.first().copied(), tail.get(1).copied())
        }
        _ => return Err(ApiError::path_not_found()),
    };
    let res = st
        .find(group, version, plural)
        .ok_or_else(ApiError::path_not_found)?;
    if ns.is_some() && !res.namespaced {
        return Err(ApiError::path_not_found());
    }
    if let Some(s) = sub {
        let ok = (s == "status" && (res.status_sub || res.plural == "namespaces"))
            || (s == "scale" && res.scale_sub)
            || (s == "finalize" && res.plural == "namespaces")
            || (s == "log" && res.plural == "pods" && group.is_empty());
        if !ok {
            return Err(ApiError::path_not_found());
        }
    }
    Ok(Some(Target {
        res,
        version: version.to_string(),
        ns: ns.map(str::to_string),
        name: name.map(str::to_string),
        sub: sub.map(str::to_string),
        watch_path,
    }))
}

/// The main handler: faults, authentication, then routing; an answer aimed at by
/// `Faults::cut_next_body` breaks off halfway through its body.
pub async fn handle(State(app): State<Arc<Shared>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let resp = answer(app.clone(), req).await;
    if app.faults.take_cut(&path) {
        cut(resp).await
    } else {
        resp
    }
}

/// An answer whose body stops halfway with an error: the server then aborts the exchange
/// (HTTP/1.1: the connection closes before the last chunk; HTTP/2: the stream is reset), as
/// when an API server restarts or a proxy times out in the middle of a big list.
async fn cut(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "cut off by a kubesim fault");
    // The error comes a moment later, once the headers and the first half are on the wire
    // (sent together, hyper would drop them unsent).
    let broken = futures_util::stream::once(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Err(reset)
    });
    let chunks = futures_util::StreamExt::chain(futures_util::stream::iter([Ok(half)]), broken);
    Response::from_parts(parts, Body::from_stream(chunks))
}

async fn answer(app: Arc<Shared>, req: Request) -> Response {
    let latency = app.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parse_query(parts.uri.query().unwrap_or(""));
    app.log_request(parts.method.as_str(), &parts.uri.to_string());
    let public = matches!(path.as_str(), "/version" | "/healthz" | "/livez" | "/readyz");
    if let Some(t) = &app.token {
        let ok = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == format!("Bearer {t}"));
        if !ok && !public {
            return error_response(&crate::auth::unauthorized());
        }
    }
    if let Some(code) = app.faults.take_error(parts.method.as_str(), &path) {
        return fault_response(&app, code, &parts, &path, &query).await;
    }
    if let Some((ns, name)) = crate::portforward::matches(&path) {
        return crate::portforward::serve(&app, &mut parts, &ns, &name)
            .unwrap_or_else(|e| error_response(&e));
    }
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => return error_response(&ApiError::bad_request(format!("reading the body: {e}"))),
    };
    let pb = match crate::protobuf::negotiate(&app, &parts.method, &path, &query, &parts.headers) {
        Ok(pb) => pb,
        Err(e) => return error_response(&e),
    };
    let body = if pb.body {
        match crate::protobuf::decode(&body) {
            Ok(v) => {
                let ct = HeaderValue::from_static("application/json");
                parts.headers.insert(header::CONTENT_TYPE, ct);
                serde_json::to_vec(&v).unwrap_or_default().into()
            }
            Err(e) if pb.answer => {
                return crate::protobuf::answer(error_response(&ApiError::bad_request(e))).await;
            }
            Err(e) => return error_response(&ApiError::bad_request(e)),
        }
    } else {
        body
    };
    // events.k8s.io/v1 is served from the core Events, converted on the way in and out.
    let events = crate::events::request(&path, &query, &body);
    let (path, query, body) = events.clone().unwrap_or((path, query, body));
    let resp = match route(&app, &parts.method, &path, &query, &parts.headers, &body).await {
        Ok(r) => r,
        Err(e) => error_response(&e),
    };
    let resp = if events.is_some() {
        crate::events::response(resp)
    } else {
        resp
    };
    if pb.answer {
        let resp = crate::protobuf::answer(resp).await;
        let sent = resp.headers().get(header::CONTENT_TYPE);
        if sent.is_some_and(|ct| ct.as_bytes() == crate::protobuf::MEDIA_TYPE.as_bytes()) {
            app.protobuf_answers
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        resp
    } else {
        resp
    }
}

/// An injected error as the API server sends it: a 429 from flow control in plain text with
/// `Retry-After` (faults::TOO_MANY_REQUESTS), any other code a Status in the encoding the
/// request negotiated (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/writers.go:
/// ErrorNegotiated), protobuf for a built-in kind asked for in protobuf.
async fn fault_response(
    app: &Shared,
    code: u16,
    parts: &axum::http::request::Parts,
    path: &str,
    query: &HashMap<String, String>,
) -> Response {
    let e = crate::faults::error_for(code);
    if code == 429 {
        let mut r = (StatusCode::TOO_MANY_REQUESTS, crate::faults::TOO_MANY_REQUESTS).into_response();
        let headers = r.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
        if let Some(s) = e.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        return r;
    }
    let protobuf =
        crate::protobuf::negotiate(app, &parts.method, path, query, &parts.headers).is_ok_and(|pb| pb.answer);
    if protobuf {
        crate::protobuf::answer(error_response(&e)).await
    } else {
        error_response(&e)
    }
}

async fn route(
    app: &Arc<Shared>,
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Response> {
    match path.trim_end_matches('/') {
        "/version" => return Ok(json_response(200, &app.version_doc())),
        "/healthz" | "/livez" | "/readyz" => return Ok((StatusCode::OK, "ok").into_response()),
        "/api" => return Ok(json_response(200, &crate::discovery::api_versions(&app.addr()))),
        "/apis" => return Ok(json_response(200, &crate::discovery::api_group_list(&app.lock()))),
        "/openapi/v3" => return Ok(json_response(200, &crate::openapi::index(&app.lock()))),
        "/openapi/v2" => {
            let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
            return Ok(crate::openapi_pb::serve(&app.lock(), accept));
        }
        _ => {}
    }
    if let Some(gv) = path.strip_prefix("/openapi/v3/") {
        let doc = crate::openapi::document(&app.lock(), gv).ok_or_else(ApiError::path_not_found)?;
        return Ok(json_response(200, &doc));
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let Some((ns, id, rest)) = crate::proxy::matches(&segs) {
        return crate::proxy::serve(app, method, ns, id, rest, query, body);
    }
    match segs.as_slice() {
        ["api", v] => {
            let doc =
                crate::discovery::resource_list(&app.lock(), "", v).ok_or_else(ApiError::path_not_found)?;
            return Ok(json_response(200, &doc));
        }
        ["apis", g] => {
            let doc = crate::discovery::api_group(&app.lock(), g).ok_or_else(ApiError::path_not_found)?;
            return Ok(json_response(200, &doc));
        }
        ["apis", g, v] => {
            let doc =
                crate::discovery::resource_list(&app.lock(), g, v).ok_or_else(ApiError::path_not_found)?;
            return Ok(json_response(200, &doc));
        }
        _ => {}
    }
    let target = parse_target(&app.lock(), path)?.ok_or_else(ApiError::path_not_found)?;
    let t = &target;
    let watch = t.watch_path || query.get("watch").is_some_and(|w| w == "true" || w == "1");
    let verb = match (method, t.name.is_some()) {
        (&Method::GET, true) if watch => "watch",
        (&Method::GET, true) => "get",
        (&Method::GET, false) if watch => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, false) => "create",
        (&Method::PUT, true) => "update",
        (&Method::PATCH, true) => "patch",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => return Err(ApiError::method_not_allowed()),
    };
    let resource_name = match &t.sub {
        Some(s) => format!("{}/{s}", t.res.plural),
        None => t.res.plural.clone(),
    };
    if !app.rbac.allowed(verb, &t.res.group, &resource_name) {
        return Err(app.rbac.forbidden(
            verb,
            &t.res.group,
            &resource_name,
            &t.res.qualified(),
            t.ns.as_deref().unwrap_or(""),
            t.name.as_deref().unwrap_or(""),
        ));
    }
    let ns = t.ns.clone().unwrap_or_default();
    match verb {
        "get" => {
            let name = t.name.as_deref().unwrap_or("");
            let st = app.lock();
            let obj = st
                .get(&t.res.group, &t.res.plural, &ns, name)
                .ok_or_else(|| ApiError::not_found(&t.res.qualified(), &t.res.group, &t.res.plural, name))?;
            drop(st);
            if t.sub.as_deref() == Some("scale") {
                return Ok(json_response(200, &scale_of(&obj)));
            }
            if t.sub.as_deref() == Some("log") {
                return pod_log(&obj, query);
            }
            if t.sub.is_none()
                && wants_table(headers)
                && let Some(tbl) = crate::table::render(t, std::slice::from_ref(&obj), 0, None)
            {
                return Ok(json_response(200, &tbl));
            }
            Ok(json_response(200, &versioned(t, &obj)))
        }
        "list" => list(app, t, query, headers),
        "watch" => crate::watch::watch(app, t, query),
        "create" => {
            let dir = fields::directive(query, "CreateOptions")?;
            let mut obj = parse_body(body, headers)?;
            if t.res.virtual_only && t.res.plural == "selfsubjectreviews" {
                return Ok(json_response(201, &app.rbac.whoami()));
            }
            if t.res.virtual_only {
                return Ok(json_response(201, &app.rbac.review(obj)));
            }
            let writer = writer_of(t, query, headers, false)?;
            let mut st = app.lock();
            let warnings = fields::check_body(&st, &t.res, &t.version, &mut obj, dir)?;
            st.writer = Some(writer);
            let out = with_dry_run(&mut st, query, |st| ops::create(st, &t.res, &t.version, &ns, obj));
            st.writer = None;
            crate::controller::drain(&mut st);
            let out = out?;
            Ok(with_warnings(json_response(201, &versioned(t, &out)), &warnings))
        }
        "update" => {
            let dir = fields::directive(query, "UpdateOptions")?;
            let name = t.name.clone().unwrap_or_default();
            let mut obj = parse_body(body, headers)?;
            let mut st = app.lock();
            if t.sub.as_deref() == Some("scale") {
                let replicas = obj
                    .get("spec")
                    .and_then(|s| s.get("replicas"))
                    .cloned()
                    .unwrap_or(json!(1));
                let cur = st.get(&t.res.group, &t.res.plural, &ns, &name).ok_or_else(|| {
                    ApiError::not_found(&t.res.qualified(), &t.res.group, &t.res.plural, &name)
                })?;
                obj = (*cur).clone();
                obj["spec"]["replicas"] = replicas;
            }
            let sub = t.sub.as_deref().filter(|s| *s == "status");
            let warnings = if t.sub.as_deref() == Some("scale") {
                Vec::new()
            } else {
                fields::check_body(&st, &t.res, &t.version, &mut obj, dir)?
            };
            st.writer = Some(writer_of(t, query, headers, false)?);
            let out = with_dry_run(&mut st, query, |st| ops::update(st, &t.res, &ns, &name, obj, sub));
            st.writer = None;
            crate::controller::drain(&mut st);
            let out = out?;
            if t.sub.as_deref() == Some("scale") {
                return Ok(json_response(200, &scale_of(&out)));
            }
            Ok(with_warnings(json_response(200, &versioned(t, &out)), &warnings))
        }
        "patch" => {
            let name = t.name.clone().unwrap_or_default();
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let kind = PatchKind::from_content_type(ct).ok_or_else(|| {
                ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {ct:?})"))
            })?;
            if kind == PatchKind::Apply && query.get("fieldManager").is_none_or(|m| m.is_empty()) {
                return Err(ApiError::invalid(
                    "PatchOptions",
                    "meta.k8s.io",
                    "",
                    "fieldManager",
                    "Required value: is required for apply patch",
                ));
            }
            let dir = fields::directive(query, "PatchOptions")?;
            let mut patch = parse_body(body, headers)?;
            let mut st = app.lock();
            let res = t.res.clone();
            if t.sub.as_deref() == Some("scale") {
                // A Scale patch only carries spec.replicas: apply it to the object.
                let replicas = patch.get("spec").and_then(|s| s.get("replicas")).cloned();
                patch = json!({"spec": {"replicas": replicas}});
            } else if kind == PatchKind::Apply {
                fields::check_apply(&st, &res, &t.version, &patch)?;
            }
            let sub = t.sub.as_deref().filter(|s| *s == "status");
            let existed = st.get(&res.group, &res.plural, &ns, &name).is_some();
            st.field_validation = Some(dir);
            st.writer = Some(writer_of(t, query, headers, kind == PatchKind::Apply)?);
            let out = with_dry_run(&mut st, query, |st| {
                ops::patch(st, &res, &t.version, &ns, &name, kind, &patch, sub)
            });
            st.field_validation = None;
            st.writer = None;
            let warnings = std::mem::take(&mut st.warnings);
            crate::controller::drain(&mut st);
            let out = out?;
            if t.sub.as_deref() == Some("scale") {
                return Ok(json_response(200, &scale_of(&out)));
            }
            // Server-side apply answers 201 when it created the object.
            Ok(with_warnings(
                json_response(if existed { 200 } else { 201 }, &versioned(t, &out)),
                &warnings,
            ))
        }
        "delete" => {
            let name = t.name.clone().unwrap_or_default();
            let opts = if body.is_empty() {
                json!({})
            } else {
                parse_body(body, headers).unwrap_or(json!({}))
            };
            // kubectl sends dryRun in the DeleteOptions body of a DELETE.
            let mut query = query.clone();
            if opts
                .get("dryRun")
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x == "All"))
            {
                query.insert("dryRun".into(), "All".into());
            }
            let opts = ops::DeleteOptions::from_request(&query, &opts);
            let mut st = app.lock();
            let out = with_dry_run(&mut st, &query, |st| ops::delete(st, &t.res, &ns, &name, opts));
            crate::controller::drain(&mut st);
            let out = out?;
            Ok(json_response(200, &versioned(t, &out)))
        }
        "deletecollection" => {
            let lsel = LabelSelector::parse(query.get("labelSelector").map(String::as_str).unwrap_or(""))?;
            let fsel = FieldSelector::parse(
                query.get("fieldSelector").map(String::as_str).unwrap_or(""),
                &t.res.plural,
            )?;
            let opts = ops::DeleteOptions::from_request(query, &json!({}));
            let mut st = app.lock();
            let scope = t.ns.as_deref();
            let names: Vec<(String, String)> = st
                .iter_ns(&t.res.gr(), scope)
                .filter(|(_, o)| lsel.matches(o) && fsel.matches(o))
                .map(|(k, _)| k.clone())
                .collect();
            let mut items = Vec::new();
            for (n, name) in names {
                if let Ok(o) = with_dry_run(&mut st, query, |st| ops::delete(st, &t.res, &n, &name, opts)) {
                    items.push(o);
                }
            }
            crate::controller::drain(&mut st);
            let rv = st.rv;
            drop(st);
            Ok(bytes_response(200, list_body(t, &items, rv, None, None)))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// `GET .../pods/<name>/log`: which container as the pod strategy's `LogLocation` chooses it
/// (pkg/registry/core/pod/strategy.go), then one canned line, since no container runs here.
fn pod_log(pod: &Obj, query: &HashMap<String, String>) -> ApiResult<Response> {
    let name = crate::util::name_of(pod);
    let names = |key: &str| -> Vec<String> {
        crate::util::at(pod, &["spec", key])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (containers, inits) = (names("containers"), names("initContainers"));
    let container = match query.get("container").filter(|c| !c.is_empty()) {
        Some(c) if containers.contains(c) || inits.contains(c) => c.clone(),
        Some(c) => {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {name}"
            )));
        }
        None if containers.len() == 1 => containers[0].clone(),
        None if containers.is_empty() => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}"
            )));
        }
        None => {
            let mut msg = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !inits.is_empty() {
                msg.push_str(&format!(" or one of the init containers: [{}]", inits.join(" ")));
            }
            return Err(ApiError::bad_request(msg));
        }
    };
    if crate::util::str_at(pod, &["status", "phase"]) == Some("Pending") {
        return Err(ApiError::bad_request(format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating"
        )));
    }
    let line = format!(
        "kubesim: container {container} of pod {}/{name} runs no process, so this line is all its log\n",
        crate::util::namespace_of(pod)
    );
    let mut r = Response::new(Body::from(line));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(r)
}

/// Adds a `Warning` header per warning (kubectl prints them as `Warning: <text>`).
fn with_warnings(mut r: Response, warnings: &[String]) -> Response {
    for w in warnings {
        if let Ok(v) = HeaderValue::from_str(&fields::warning_header(w)) {
            r.headers_mut().append(header::WARNING, v);
        }
    }
    r
}

/// Who writes (ssa.rs): the request's field manager and version.
fn writer_of(
    t: &Target,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    apply: bool,
) -> ApiResult<crate::ssa::Writer> {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    let sub = t.sub.as_deref().filter(|s| *s == "status");
    crate::ssa::Writer::of_request(query, agent, t.res.api_version(&t.version), sub, apply)
}

fn dry_run(query: &HashMap<String, String>) -> bool {
    query.get("dryRun").is_some_and(|d| d == "All")
}

/// Runs a write with `dryRun=All` honoured: the full request path (defaults, admission
/// including webhooks, validation) runs and answers the would-be object, nothing is stored
/// (k8s.io/apiserver dry-run: "the request is fully processed but not persisted").
fn with_dry_run<T>(st: &mut Store, query: &HashMap<String, String>, f: impl FnOnce(&mut Store) -> T) -> T {
    if !dry_run(query) {
        return f(st);
    }
    st.dry_run = true;
    let out = f(st);
    st.dry_run = false;
    out
}

fn scale_of(obj: &Value) -> Value {
    let replicas = obj
        .get("spec")
        .and_then(|s| s.get("replicas"))
        .cloned()
        .unwrap_or(json!(1));
    let status = obj
        .get("status")
        .and_then(|s| s.get("replicas"))
        .cloned()
        .unwrap_or(json!(0));
    let meta = obj.get("metadata").cloned().unwrap_or(json!({}));
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta.get("name"), "namespace": meta.get("namespace"), "uid": meta.get("uid"),
            "resourceVersion": meta.get("resourceVersion"), "creationTimestamp": meta.get("creationTimestamp"),
        },
        "spec": {"replicas": replicas},
        "status": {"replicas": status, "selector": ""},
    })
}

/// Custom resources served in several versions carry the requested apiVersion.
pub fn versioned(t: &Target, obj: &Obj) -> Value {
    let want = t.res.api_version(&t.version);
    if obj.get("apiVersion").and_then(Value::as_str) == Some(want.as_str()) {
        return (**obj).clone();
    }
    let mut v = (**obj).clone();
    v["apiVersion"] = json!(want);
    v
}

/// Parses a JSON or YAML request body; a malformed one is a 400 like on a real server.
pub fn parse_body(body: &[u8], headers: &HeaderMap) -> ApiResult<Value> {
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Ok(v),
        Err(json_err) => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the request body is not UTF-8"))?;
            if ct.contains("yaml") {
                serde_saphyr::from_str::<Value>(text)
                    .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
            } else {
                Err(ApiError::bad_request(format!(
                    "couldn't get version/kind; json parse error: {json_err}"
                )))
            }
        }
    }
}

/// The continue token: where the next page starts (exclusive), and the list's version.
fn encode_continue(rv: u64, last: &(String, String), offset: usize) -> String {
    let tok =
        json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{}\u{0}{}", last.0, last.1), "n": offset});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tok.to_string())
}

fn decode_continue(tok: &str) -> ApiResult<((String, String), usize, u64)> {
    let bad = |e: String| ApiError::bad_request(format!("continue key is not valid: {e}"));
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tok.trim_end_matches('='))
        .map_err(|e| bad(e.to_string()))?;
    let v: Value = serde_json::from_slice(&raw).map_err(|e| bad(e.to_string()))?;
    let start = v
        .get("start")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no start key".into()))?;
    let (ns, name) = start
        .split_once('\u{0}')
        .ok_or_else(|| bad("bad start key".into()))?;
    let n = v.get("n").and_then(Value::as_u64).unwrap_or(0) as usize;
    let rv = v.get("rv").and_then(Value::as_u64).unwrap_or(0);
    Ok(((ns.to_string(), name.to_string()), n, rv))
}

const EXPIRED_CONTINUE: &str = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/// What changed in a table since resourceVersion `rv`, undone: for every key written after
/// `rv`, its state at `rv` (`None`: it did not exist then). Built from the watch history, so
/// a continued list is served from the snapshot of its first page, as etcd serves a real
/// server's continued lists at the first page's revision.
fn changes_since(
    st: &Store,
    gr: &crate::resources::Gr,
    rv: u64,
    ns: Option<&str>,
) -> std::collections::BTreeMap<(String, String), Option<Obj>> {
    let mut out = std::collections::BTreeMap::new();
    let from = st.history.partition_point(|e| e.rv <= rv);
    for ev in st.history.range(from..) {
        if *ev.gr != *gr {
            continue;
        }
        let key = (
            crate::util::namespace_of(&ev.obj).to_string(),
            crate::util::name_of(&ev.obj).to_string(),
        );
        if ns.is_some_and(|n| n != key.0) {
            continue;
        }
        out.entry(key).or_insert_with(|| match ev.kind {
            crate::store::EventType::Added => None,
            _ => ev.prev.clone(),
        });
    }
    out
}

fn list_kind(t: &Target) -> String {
    format!("{}List", t.res.kind)
}

/// Serialises a list without cloning the items into one big Value.
fn list_body(t: &Target, items: &[Obj], rv: u64, cont: Option<String>, remaining: Option<usize>) -> Vec<u8> {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    if let Some(r) = remaining {
        meta["remainingItemCount"] = json!(r);
    }
    let mut out = Vec::with_capacity(256 + items.len() * 1024);
    out.extend_from_slice(b"{\"kind\":");
    let _ = serde_json::to_writer(&mut out, &list_kind(t));
    out.extend_from_slice(b",\"apiVersion\":");
    let _ = serde_json::to_writer(&mut out, &t.res.api_version(&t.version));
    out.extend_from_slice(b",\"metadata\":");
    let _ = serde_json::to_writer(&mut out, &meta);
    out.extend_from_slice(b",\"items\":[");
    let want = t.res.api_version(&t.version);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if !t.res.crd {
            let _ = serde_json::to_writer(&mut out, &Untyped(item));
        } else if item.get("apiVersion").and_then(Value::as_str) != Some(want.as_str()) {
            let _ = serde_json::to_writer(&mut out, &versioned(t, item));
        } else {
            let _ = serde_json::to_writer(&mut out, &**item);
        }
    }
    out.extend_from_slice(b"]}");
    out
}

/// A list item of a built-in kind as the API server writes it: without `apiVersion` and
/// `kind`, which only the list carries (the items are typed Go structs whose TypeMeta the
/// encoder leaves empty, k8s.io/apimachinery/pkg/runtime/helper.go: WithVersionEncoder sets
/// the list's kind only; kubernetes/kubernetes#3030). Custom resources are unstructured and
/// keep theirs.
struct Untyped<'a>(&'a Value);

impl serde::Serialize for Untyped<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_object() {
            Some(o) => s.collect_map(
                o.iter()
                    .filter(|(k, _)| k.as_str() != "apiVersion" && k.as_str() != "kind"),
            ),
            None => self.0.serialize(s),
        }
    }
}

fn list(
    app: &Arc<Shared>,
    t: &Target,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let lsel = LabelSelector::parse(query.get("labelSelector").map(String::as_str).unwrap_or(""))?;
    let fsel = FieldSelector::parse(
        query.get("fieldSelector").map(String::as_str).unwrap_or(""),
        &t.res.plural,
    )?;
    let limit: usize = match query.get("limit") {
        Some(l) if !l.is_empty() => l
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request(format!("invalid limit {l:?}")))?
            .max(0) as usize,
        _ => 0,
    };
    let cont = query.get("continue").filter(|c| !c.is_empty());
    let (start, offset, list_rv) = match cont {
        Some(c) => {
            let parsed = decode_continue(c)?;
            if app.faults.expire_continue() {
                return Err(ApiError::expired(EXPIRED_CONTINUE));
            }
            (Some(parsed.0), parsed.1, Some(parsed.2))
        }
        None => (None, 0, None),
    };
    let st = app.lock();
    let gr = t.res.gr();
    let Some(table) = st.table(&gr) else {
        return Ok(bytes_response(200, list_body(t, &[], st.rv, None, None)));
    };
    // Continued pages are served as of the first page's resourceVersion; once the history
    // no longer reaches back that far the token has expired (410), as after etcd compaction.
    let overlay = match list_rv {
        Some(r) if r < st.rv => {
            if r < st.compacted_rv {
                return Err(ApiError::expired(EXPIRED_CONTINUE));
            }
            changes_since(&st, &gr, r, t.ns.as_deref())
        }
        _ => std::collections::BTreeMap::new(),
    };
    let ns = t.ns.clone();
    let lower = match (&start, &ns) {
        (Some(k), _) => std::ops::Bound::Excluded(k.clone()),
        (None, Some(n)) => std::ops::Bound::Included((n.clone(), String::new())),
        (None, None) => std::ops::Bound::Unbounded,
    };
    let mut items: Vec<Obj> = Vec::new();
    let mut more = false;
    let mut last = None;
    let filtering = !lsel.is_empty() || !fsel.is_empty();
    // Visits one object in key order; false stops the walk.
    let mut visit = |k: &(String, String), o: &Obj| -> bool {
        if let Some(n) = &ns
            && &k.0 != n
        {
            return false;
        }
        if filtering && !(lsel.matches(o) && fsel.matches(o)) {
            return true;
        }
        if limit > 0 && items.len() == limit {
            more = true;
            return false;
        }
        last = Some(k.clone());
        items.push(o.clone());
        true
    };
    if overlay.is_empty() {
        for (k, o) in table.range((lower, std::ops::Bound::Unbounded)) {
            if !visit(k, o) {
                break;
            }
        }
    } else {
        // Merge the table with the undone changes: the overlay's state wins for its keys.
        let mut a = table
            .range((lower.clone(), std::ops::Bound::Unbounded))
            .peekable();
        let mut b = overlay.range((lower, std::ops::Bound::Unbounded)).peekable();
        loop {
            let (k, o) = match (a.peek(), b.peek()) {
                (None, None) => break,
                (Some(&(ka, va)), Some(&(kb, _))) if ka < kb => {
                    a.next();
                    (ka, Some(va))
                }
                (Some(&(ka, _)), Some(&(kb, vb))) if ka == kb => {
                    a.next();
                    b.next();
                    (kb, vb.as_ref())
                }
                (Some(&(ka, va)), None) => {
                    a.next();
                    (ka, Some(va))
                }
                (_, Some(&(kb, vb))) => {
                    b.next();
                    (kb, vb.as_ref())
                }
            };
            if let Some(o) = o
                && !visit(k, o)
            {
                break;
            }
        }
    }
    let rv = list_rv.unwrap_or(st.rv);
    // remainingItemCount is sent on every unfiltered paged list, of a namespace or of all
    // (k8s.io/apiserver/pkg/storage/continue.go: PrepareContinueToken sets it when the predicate
    // is empty; etcd counts the snapshot's keys under the list's prefix).
    let remaining = if more && !filtering {
        let mut total = match &ns {
            None => table.len(),
            Some(n) => table
                .range((n.clone(), String::new())..)
                .take_while(|(k, _)| &k.0 == n)
                .count(),
        };
        for (k, v) in &overlay {
            match (table.contains_key(k), v.is_some()) {
                (false, true) => total += 1,
                (true, false) => total = total.saturating_sub(1),
                _ => {}
            }
        }
        Some(total.saturating_sub(offset + items.len()))
    } else {
        None
    };
    drop(st);
    let token = match (more, &last) {
        (true, Some(k)) => Some(encode_continue(rv, k, offset + items.len())),
        _ => None,
    };
    if wants_table(headers)
        && let Some(tbl) = crate::table::render(t, &items, rv, token.clone())
    {
        return Ok(json_response(200, &tbl));
    }
    // A protobuf list is built from each item's cached message, not re-encoded from its JSON.
    // Events stay on the generic path: events.k8s.io answers are converted from their JSON.
    if t.res.kind != "Event" && crate::protobuf::answers(app, t.res.crd, headers) {
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if let Some(c) = &token {
            meta["continue"] = json!(c);
        }
        if let Some(r) = remaining {
            meta["remainingItemCount"] = json!(r);
        }
        let api_version = t.res.api_version(&t.version);
        let garbled = app.faults.take_garble(&t.path(), cont.is_some());
        if let Some(pb) = crate::protobuf::encode_list(&api_version, &t.res.kind, &meta, &items, garbled) {
            let mut r = bytes_response(200, pb);
            let ct = HeaderValue::from_static(crate::protobuf::MEDIA_TYPE);
            r.headers_mut().insert(header::CONTENT_TYPE, ct);
            return Ok(r);
        }
    }
    Ok(bytes_response(200, list_body(t, &items, rv, token, remaining)))
}

fn wants_table(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| {
            a.split(',')
                .next()
                .is_some_and(|first| first.contains("as=Table"))
        })
}

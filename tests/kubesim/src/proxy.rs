//! The Service proxy subresource, `/api/v1/namespaces/NS/services/ID/proxy/PATH`, resolved as
//! the API server resolves it and answered by an in-process responder a test programs in place
//! of the pod behind the Service.
//!
//! Resolution follows pkg/registry/core/service/storage/storage.go (`ResourceLocation`): ID is
//! `name`, `name:port` or `scheme:name:port`; a port *number* is looked up among the Service's
//! ports and replaced by that port's name (none: 503 `no service port N found for service
//! "NAME"`); then the Service's Endpoints are read (missing: 404), an empty one is 503 `no
//! endpoints available for service "NAME"`, and a subset with ready addresses and a port of
//! that name is picked (none: 503 `no endpoints available for service "ID"`). The request then
//! goes to that address; when nothing answers there, the proxy transport's error is a 503
//! `error trying to reach service: ...` (k8s.io/apimachinery pkg/util/proxy/transport.go).
//! The connect verbs (pkg/registry/core/service/proxy.go: GET, POST, PUT, PATCH, DELETE,
//! HEAD, OPTIONS) are authorized as `get`, `create`, `update`, `patch`, `delete` on
//! `services/proxy`.
use crate::sim::Shared;
use crate::status::{ApiError, ApiResult};
use crate::util::str_at;
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What reaches the pod behind the Service.
#[derive(Debug, Clone)]
pub struct ProxyRequest {
    pub method: String,
    /// The path after `/proxy`, starting with `/` (`/` when empty).
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Vec<u8>,
}

/// What the pod answers; the API server passes status, content type and body through.
#[derive(Debug, Clone)]
pub struct ProxyResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl ProxyResponse {
    pub fn json(status: u16, value: &Value) -> Self {
        ProxyResponse {
            status,
            content_type: "application/json".into(),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }
}

pub type Responder = Arc<dyn Fn(&ProxyRequest) -> ProxyResponse + Send + Sync>;

/// Responders by (namespace, Service, Service port number): what listens behind each port.
#[derive(Default)]
pub struct Responders(Mutex<HashMap<(String, String, i64), Responder>>);

impl Responders {
    pub fn set(&self, namespace: &str, service: &str, port: i64, responder: Responder) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert((namespace.into(), service.into(), port), responder);
    }

    fn get(&self, namespace: &str, service: &str, port: i64) -> Option<Responder> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&(namespace.to_string(), service.to_string(), port))
            .cloned()
    }
}

/// `Some` for a services/proxy path (`rest` is what follows `services`), answered here.
pub fn matches<'a>(segs: &'a [&'a str]) -> Option<(&'a str, &'a str, String)> {
    match segs {
        ["api", "v1", "namespaces", ns, "services", id, "proxy", rest @ ..] => {
            Some((*ns, *id, format!("/{}", rest.join("/"))))
        }
        _ => None,
    }
}

fn verb(method: &Method) -> ApiResult<&'static str> {
    Ok(match *method {
        Method::GET | Method::HEAD | Method::OPTIONS => "get",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE => "delete",
        _ => return Err(ApiError::method_not_allowed()),
    })
}

/// Splits `name`, `name:port`, `scheme:name:port` (k8s.io/apimachinery pkg/util/net
/// `SplitSchemeNamePort`): the scheme may only be `http` or `https`.
fn split_id(id: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = id.split(':').collect();
    let (name, port) = match parts.as_slice() {
        [name] => (*name, ""),
        [name, port] => (*name, *port),
        [scheme, name, port] if matches!(*scheme, "" | "http" | "https") => (*name, *port),
        _ => return None,
    };
    (!name.is_empty()).then_some((name, port))
}

struct Resolved {
    service_port: i64,
}

/// `ResourceLocation`: which Service port the request goes to, or the API server's error.
fn resolve(app: &Shared, ns: &str, id: &str) -> ApiResult<Resolved> {
    let (name, port) =
        split_id(id).ok_or_else(|| ApiError::bad_request(format!("invalid service request {id:?}")))?;
    let st = app.lock();
    let svc = st
        .get("", "services", ns, name)
        .ok_or_else(|| ApiError::not_found("services", "", "services", name))?;
    let ports: Vec<Value> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut port_name = port.to_string();
    if let Ok(number) = port.parse::<i64>() {
        let found = ports
            .iter()
            .find(|p| p.get("port").and_then(Value::as_i64) == Some(number))
            .ok_or_else(|| {
                ApiError::new(
                    503,
                    "ServiceUnavailable",
                    format!("no service port {number} found for service {name:?}"),
                )
            })?;
        port_name = str_at(found, &["name"]).unwrap_or("").to_string();
    }
    let eps = st
        .get("", "endpoints", ns, name)
        .ok_or_else(|| ApiError::not_found("endpoints", "", "endpoints", name))?;
    let subsets = eps
        .get("subsets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if subsets.is_empty() {
        return Err(ApiError::new(
            503,
            "ServiceUnavailable",
            format!("no endpoints available for service {name:?}"),
        ));
    }
    let served = subsets.iter().any(|ss| {
        let ready = ss
            .get("addresses")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let named = ss
            .get("ports")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| str_at(p, &["name"]).unwrap_or("") == port_name));
        ready && named
    });
    let service_port = ports
        .iter()
        .find(|p| str_at(p, &["name"]).unwrap_or("") == port_name)
        .and_then(|p| p.get("port").and_then(Value::as_i64));
    match (served, service_port) {
        (true, Some(service_port)) => Ok(Resolved { service_port }),
        _ => Err(ApiError::new(
            503,
            "ServiceUnavailable",
            format!("no endpoints available for service {id:?}"),
        )),
    }
}

/// Answers one proxied request.
pub fn serve(
    app: &Arc<Shared>,
    method: &Method,
    ns: &str,
    id: &str,
    path: String,
    query: &HashMap<String, String>,
    body: &[u8],
) -> ApiResult<Response> {
    let verb = verb(method)?;
    if !app.rbac.allowed(verb, "", "services/proxy") {
        return Err(app.rbac.forbidden(verb, "", "services/proxy", "services", ns, id));
    }
    let resolved = resolve(app, ns, id)?;
    let name = split_id(id).map(|(n, _)| n).unwrap_or(id);
    let Some(responder) = app.proxies.get(ns, name, resolved.service_port) else {
        return Err(ApiError::new(
            503,
            "ServiceUnavailable",
            format!(
                "error trying to reach service: dial tcp {name}.{ns}:{}: connect: connection refused",
                resolved.service_port
            ),
        ));
    };
    let answer = responder(&ProxyRequest {
        method: method.to_string(),
        path,
        query: query.clone(),
        body: body.to_vec(),
    });
    let mut r = Response::new(Body::from(answer.body));
    *r.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    if let Ok(v) = HeaderValue::from_str(&answer.content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::split_id;

    #[test]
    fn ids_split_like_split_scheme_name_port() {
        assert_eq!(split_id("prometheus"), Some(("prometheus", "")));
        assert_eq!(split_id("prometheus:9090"), Some(("prometheus", "9090")));
        assert_eq!(split_id("http:prometheus:http"), Some(("prometheus", "http")));
        assert_eq!(split_id("ftp:prometheus:9090"), None);
        assert_eq!(split_id(":9090"), None);
    }
}

//! Watches: a stream of `{"type":..,"object":..}` lines, starting with the current state
//! (no resourceVersion or "0"), or replaying history after a given resourceVersion (410
//! Expired in an ERROR event when it is too old), then following live changes.
use crate::api::Target;
use crate::selector::{FieldSelector, LabelSelector};
use crate::sim::Shared;
use crate::status::{ApiError, ApiResult};
use crate::store::{Event, EventType, Obj};
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

struct Filter {
    gr: (String, String),
    ns: Option<String>,
    name: Option<String>,
    lsel: LabelSelector,
    fsel: FieldSelector,
    target: Target,
}

impl Filter {
    fn matches(&self, o: &Value) -> bool {
        if let Some(ns) = &self.ns
            && crate::util::namespace_of(o) != ns
        {
            return false;
        }
        if let Some(n) = &self.name
            && crate::util::name_of(o) != n
        {
            return false;
        }
        self.lsel.matches(o) && self.fsel.matches(o)
    }

    /// Turns a store event into the event this watcher sees, if any: modifications that
    /// enter or leave the filter become ADDED or DELETED.
    fn view(&self, ev: &Event) -> Option<(EventType, Obj)> {
        if *ev.gr != self.gr {
            return None;
        }
        let now = self.matches(&ev.obj);
        match ev.kind {
            EventType::Modified => {
                let before = ev.prev.as_ref().is_some_and(|p| self.matches(p));
                match (before, now) {
                    (true, true) => Some((EventType::Modified, ev.obj.clone())),
                    (false, true) => Some((EventType::Added, ev.obj.clone())),
                    (true, false) => Some((EventType::Deleted, ev.obj.clone())),
                    (false, false) => None,
                }
            }
            k => now.then(|| (k, ev.obj.clone())),
        }
    }
}

fn line(t: &Target, kind: &str, obj: &Value) -> Bytes {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(b"\",\"object\":");
    let want = t.res.api_version(&t.version);
    if t.res.crd && obj.get("apiVersion").and_then(Value::as_str) != Some(want.as_str()) {
        let mut v = obj.clone();
        v["apiVersion"] = json!(want);
        let _ = serde_json::to_writer(&mut out, &v);
    } else {
        let _ = serde_json::to_writer(&mut out, obj);
    }
    out.extend_from_slice(b"}\n");
    Bytes::from(out)
}

pub fn watch(app: &Arc<Shared>, t: &Target, query: &HashMap<String, String>) -> ApiResult<Response> {
    let lsel = LabelSelector::parse(query.get("labelSelector").map(String::as_str).unwrap_or(""))?;
    let fsel = FieldSelector::parse(
        query.get("fieldSelector").map(String::as_str).unwrap_or(""),
        &t.res.plural,
    )?;
    let timeout = query
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(1800));
    let send_initial = query.get("sendInitialEvents").is_some_and(|v| v == "true");
    let rv = query.get("resourceVersion").cloned().unwrap_or_default();
    let filter = Filter {
        gr: t.res.gr(),
        ns: t.ns.clone(),
        name: t.name.clone(),
        lsel,
        fsel,
        target: t.clone(),
    };
    let mut initial: VecDeque<Bytes> = VecDeque::new();
    let rx = {
        let st = app.lock();
        if rv.is_empty() || rv == "0" || send_initial {
            for (_, o) in st.iter_ns(&filter.gr, filter.ns.as_deref()) {
                if filter.matches(o) {
                    initial.push_back(line(t, "ADDED", o));
                }
            }
            if send_initial {
                let bookmark = json!({
                    "kind": t.res.kind, "apiVersion": t.res.api_version(&t.version),
                    "metadata": {"resourceVersion": st.rv.to_string(), "annotations": {"k8s.io/initial-events-end": "true"}}
                });
                initial.push_back(line(t, "BOOKMARK", &bookmark));
            }
        } else {
            let from: u64 = rv
                .parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version {rv:?}")))?;
            if from < st.compacted_rv {
                let e = ApiError::expired(format!("too old resource version: {from} ({})", st.compacted_rv));
                initial.push_back(line(t, "ERROR", &e.to_status()));
                return Ok(stream_response(initial, None, filter, timeout));
            }
            for ev in st.history.iter().filter(|e| e.rv > from) {
                if let Some((k, o)) = filter.view(ev) {
                    initial.push_back(line(t, k.as_str(), &o));
                }
            }
        }
        st.tx.subscribe()
    };
    Ok(stream_response(initial, Some(rx), filter, timeout))
}

fn stream_response(
    initial: VecDeque<Bytes>,
    rx: Option<broadcast::Receiver<Event>>,
    filter: Filter,
    timeout: Duration,
) -> Response {
    let deadline = tokio::time::Instant::now() + timeout;
    let state = (initial, rx, filter);
    let stream = futures_util::stream::unfold(state, move |(mut initial, mut rx, filter)| async move {
        if let Some(b) = initial.pop_front() {
            return Some((Ok::<Bytes, std::convert::Infallible>(b), (initial, rx, filter)));
        }
        let r = rx.as_mut()?;
        loop {
            let ev = tokio::select! {
                ev = r.recv() => ev,
                _ = tokio::time::sleep_until(deadline) => return None,
            };
            match ev {
                Ok(ev) => {
                    if let Some((k, o)) = filter.view(&ev) {
                        let b = line(&filter.target, k.as_str(), &o);
                        return Some((Ok(b), (initial, rx, filter)));
                    }
                }
                // A watcher that fell behind is closed; clients re-list, as after a
                // real server's watch cache drops them.
                Err(_) => return None,
            }
        }
    });
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

//! `events.k8s.io/v1` Events: the same stored objects as core/v1 Events, converted on the way
//! in and out, as a real API server keeps one Event and serves it in both groups
//! (kubernetes pkg/apis/events/v1/conversion.go `Convert_v1_Event_To_core_Event` and
//! `Convert_core_Event_To_v1_Event`: `note`↔`message`, `regarding`↔`involvedObject`,
//! `deprecatedSource`↔`source`, `deprecatedFirstTimestamp`↔`firstTimestamp`,
//! `deprecatedLastTimestamp`↔`lastTimestamp`, `deprecatedCount`↔`count`; the internal
//! `ReportingController` is core/v1's `reportingComponent`; `eventTime`, `series`, `action`,
//! `reason`, `related`, `reportingInstance` and `type` keep their names).
//!
//! A request under `/apis/events.k8s.io/v1/` is answered by the core/v1 handler: its path,
//! body (objects and patches, whose field names convert the same way) and field selector
//! (`AddFieldLabelConversionsForEvent`: `regarding.name` is `involvedObject.name`,
//! `reportingController` is `reportingComponent`) are rewritten to core/v1, and every Event in
//! the answer (object, list items, watch events) back to events.k8s.io/v1.
use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;

pub const GROUP: &str = "events.k8s.io";

/// (events.k8s.io/v1 field, core/v1 field).
const RENAMES: &[(&str, &str)] = &[
    ("note", "message"),
    ("regarding", "involvedObject"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
    ("reportingController", "reportingComponent"),
];

fn rename(v: &mut Value, to_core: bool) {
    let Value::Object(m) = v else { return };
    for (events, core) in RENAMES {
        let (from, to) = if to_core { (events, core) } else { (core, events) };
        if let Some(x) = m.remove(*from) {
            m.insert(to.to_string(), x);
        }
    }
}

/// A stored (core/v1) Event as events.k8s.io/v1 serves it.
pub fn to_events(core: &Value) -> Value {
    let mut v = core.clone();
    rename(&mut v, false);
    v["apiVersion"] = json!(format!("{GROUP}/v1"));
    v
}

/// An events.k8s.io/v1 Event (or a patch of one) in core/v1 terms.
pub fn to_core(events: &Value) -> Value {
    let mut v = events.clone();
    rename(&mut v, true);
    if v.get("apiVersion").and_then(Value::as_str) == Some("events.k8s.io/v1") {
        v["apiVersion"] = json!("v1");
    }
    v
}

/// A JSON patch operation's path in core/v1 terms (`/note` is `/message`).
fn core_pointer(p: &str) -> String {
    let (first, rest) = match p.trim_start_matches('/').split_once('/') {
        Some((f, r)) => (f, format!("/{r}")),
        None => (p.trim_start_matches('/'), String::new()),
    };
    let first = RENAMES
        .iter()
        .find(|(e, _)| *e == first)
        .map_or(first, |(_, c)| c);
    format!("/{first}{rest}")
}

fn core_field_label(label: &str) -> String {
    if let Some(rest) = label.strip_prefix("regarding.") {
        return format!("involvedObject.{rest}");
    }
    if label == "reportingController" {
        return "reportingComponent".into();
    }
    label.into()
}

/// The core/v1 field selector of an events.k8s.io/v1 one.
fn core_selector(sel: &str) -> String {
    sel.split(',')
        .map(|part| {
            let at = part.find(['=', '!']).unwrap_or(part.len());
            let (label, rest) = part.split_at(at);
            format!("{}{rest}", core_field_label(label.trim()))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A request under `/apis/events.k8s.io/v1/` rewritten for the core/v1 handler: path, query
/// and body. None for any other path.
pub fn request(
    path: &str,
    query: &HashMap<String, String>,
    body: &Bytes,
) -> Option<(String, HashMap<String, String>, Bytes)> {
    let rest = path.strip_prefix("/apis/events.k8s.io/v1/")?;
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let is_events = matches!(
        segs.as_slice(),
        ["watch", "namespaces", _, "events", ..]
            | ["namespaces", _, "events", ..]
            | ["watch", "events", ..]
            | ["events", ..]
    );
    if !is_events {
        return None;
    }
    let mut query = query.clone();
    if let Some(sel) = query.get_mut("fieldSelector") {
        *sel = core_selector(sel);
    }
    let body = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(ops)) => {
            let ops: Vec<Value> = ops
                .into_iter()
                .map(|mut op| {
                    for k in ["path", "from"] {
                        if let Some(p) = op.get(k).and_then(Value::as_str) {
                            op[k] = json!(core_pointer(p));
                        }
                    }
                    op
                })
                .collect();
            Bytes::from(serde_json::to_vec(&ops).unwrap_or_default())
        }
        Ok(v) => Bytes::from(serde_json::to_vec(&to_core(&v)).unwrap_or_default()),
        // YAML (an apply patch) or nothing: as it is.
        Err(_) => body.clone(),
    };
    Some((format!("/api/v1/{rest}"), query, body))
}

/// One answer of the core/v1 handler as events.k8s.io/v1 gives it.
fn convert(v: &mut Value) {
    match v.get("kind").and_then(Value::as_str) {
        Some("Event") => *v = to_events(v),
        Some("EventList") => {
            v["apiVersion"] = json!(format!("{GROUP}/v1"));
            if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
                // List items carry no apiVersion/kind (see api::Untyped).
                for it in items {
                    *it = to_events(it);
                    if let Some(o) = it.as_object_mut() {
                        o.remove("apiVersion");
                        o.remove("kind");
                    }
                }
            }
        }
        Some("Status") => {
            if let Some(d) = v.get_mut("details").and_then(Value::as_object_mut)
                && d.get("kind").and_then(Value::as_str) == Some("events")
            {
                d.insert("group".into(), json!(GROUP));
                if let Some(m) = v.get("message").and_then(Value::as_str) {
                    v["message"] = json!(m.replacen("events \"", "events.events.k8s.io \"", 1));
                }
            }
        }
        _ => {}
    }
    if v.get("type").is_some()
        && let Some(o) = v.get_mut("object")
    {
        // A watch event.
        convert(o);
    }
}

/// Converts every JSON line of a body chunk (a whole answer, or watch events).
fn convert_chunk(b: &Bytes) -> Bytes {
    let text = String::from_utf8_lossy(b);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (json_text, nl) = match line.strip_suffix('\n') {
            Some(l) => (l, "\n"),
            None => (line, ""),
        };
        match serde_json::from_str::<Value>(json_text) {
            Ok(mut v) => {
                convert(&mut v);
                out.push_str(&v.to_string());
            }
            Err(_) => out.push_str(json_text),
        }
        out.push_str(nl);
    }
    Bytes::from(out)
}

/// The core/v1 handler's response with its Events converted; watch streams frame by frame
/// (each frame is whole events).
pub fn response(r: Response) -> Response {
    let (mut parts, body) = r.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let stream = body
        .into_data_stream()
        .map(|chunk| chunk.map(|b| convert_chunk(&b)));
    Response::from_parts(parts, Body::from_stream(stream))
}

/// `metav1.MicroTime` now: RFC 3339 with microseconds, as `eventTime` is written.
fn now_micro() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = crate::util::rfc3339(d.as_secs());
    format!("{}.{:06}Z", secs.trim_end_matches('Z'), d.subsec_micros())
}

/// Whether events of `component` are recorded through events.k8s.io/v1: kube-scheduler's
/// are (cmd/kube-scheduler/app/server.go makes its recorders with client-go tools/events);
/// the controller manager's go through client-go tools/record as core/v1 Events.
pub fn new_style(component: &str) -> bool {
    component == "default-scheduler"
}

/// The action kube-scheduler names with a reason (pkg/scheduler/schedule_one.go:
/// `"FailedScheduling", "Scheduling"`, `"Scheduled", "Binding"`).
fn action(reason: &str) -> &'static str {
    match reason {
        "Scheduled" => "Binding",
        _ => "Scheduling",
    }
}

/// A new events.k8s.io/v1-style Event about `regarding` (client-go tools/events
/// event_recorder.go `makeEvent`: `<name>.<hex nanoseconds>`, eventTime, reportingController,
/// reportingInstance, action; none of the deprecated fields), stored as core/v1 sees it.
pub fn new_event(regarding: Value, ns: &str, ty: &str, reason: &str, note: &str, component: &str) -> Value {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let name = regarding
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    to_core(&json!({
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {
            "name": format!("{name}.{nanos:x}"),
            "namespace": ns,
            "uid": crate::util::new_uid(),
            "creationTimestamp": crate::util::now_rfc3339(),
        },
        "eventTime": now_micro(),
        "reportingController": component,
        "reportingInstance": format!("{component}-kubesim"),
        "action": action(reason),
        "reason": reason,
        "regarding": regarding,
        "note": note,
        "type": ty,
        "deprecatedSource": {},
    }))
}

/// The same event once more (tools/events event_broadcaster.go: an isomorphic event gets a
/// `series` of count 2, then each repeat bumps it and its lastObservedTime).
pub fn repeat(ev: &mut Value) {
    let count = crate::util::at(ev, &["series", "count"])
        .and_then(Value::as_i64)
        .unwrap_or(1);
    ev["series"] = json!({"count": count + 1, "lastObservedTime": now_micro()});
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_convert_both_ways() {
        let core = json!({"apiVersion": "v1", "kind": "Event", "message": "m", "count": 2,
            "involvedObject": {"kind": "Pod", "name": "p"}, "source": {"component": "c"},
            "firstTimestamp": "t1", "lastTimestamp": "t2", "reportingComponent": "c", "reason": "R"});
        let ev = to_events(&core);
        assert_eq!(
            ev,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "note": "m", "deprecatedCount": 2,
                "regarding": {"kind": "Pod", "name": "p"}, "deprecatedSource": {"component": "c"},
                "deprecatedFirstTimestamp": "t1", "deprecatedLastTimestamp": "t2",
                "reportingController": "c", "reason": "R"})
        );
        assert_eq!(to_core(&ev), core);
    }

    #[test]
    fn selectors_and_json_patch_paths_name_core_fields() {
        assert_eq!(
            core_selector("regarding.name=p,reportingController!=x,type=Warning"),
            "involvedObject.name=p,reportingComponent!=x,type=Warning"
        );
        assert_eq!(core_pointer("/note"), "/message");
        assert_eq!(core_pointer("/regarding/name"), "/involvedObject/name");
        assert_eq!(core_pointer("/metadata/labels"), "/metadata/labels");
    }
}

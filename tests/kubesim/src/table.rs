//! `Accept: application/json;as=Table;g=meta.k8s.io;v=v1` for lists of pods, nodes and endpoints, so
//! plain `kubectl get` prints the familiar columns. Other kinds fall back to the plain list.
use crate::api::Target;
use crate::store::Obj;
use crate::util::{at, name_of, str_at};
use serde_json::{Value, json};

fn col(name: &str, ty: &str) -> Value {
    json!({"name": name, "type": ty, "format": if name == "Name" {"name"} else {""}, "description": "", "priority": 0})
}

pub fn render(t: &Target, items: &[Obj], rv: u64, cont: Option<String>) -> Option<Value> {
    let (cols, rows): (Vec<Value>, Vec<Value>) = match (t.res.group.as_str(), t.res.plural.as_str()) {
        ("", "pods") => (
            vec![
                col("Name", "string"),
                col("Ready", "string"),
                col("Status", "string"),
                col("Restarts", "string"),
                col("Age", "string"),
            ],
            items
                .iter()
                .map(|p| {
                    let statuses = at(p, &["status", "containerStatuses"]).and_then(Value::as_array);
                    let total = at(p, &["spec", "containers"])
                        .and_then(Value::as_array)
                        .map(Vec::len)
                        .unwrap_or(0);
                    let ready = statuses
                        .map(|s| {
                            s.iter()
                                .filter(|c| c.get("ready").and_then(Value::as_bool) == Some(true))
                                .count()
                        })
                        .unwrap_or(0);
                    let waiting = statuses.and_then(|s| {
                        s.iter()
                            .find_map(|c| str_at(c, &["state", "waiting", "reason"]).map(str::to_string))
                    });
                    let phase = str_at(p, &["status", "phase"]).unwrap_or("Pending").to_string();
                    let status = waiting.unwrap_or(phase);
                    row(
                        p,
                        vec![
                            json!(name_of(p)),
                            json!(format!("{ready}/{total}")),
                            json!(status),
                            json!(0),
                            json!(age(p)),
                        ],
                    )
                })
                .collect(),
        ),
        ("", "nodes") => (
            vec![
                col("Name", "string"),
                col("Status", "string"),
                col("Roles", "string"),
                col("Age", "string"),
                col("Version", "string"),
            ],
            items
                .iter()
                .map(|n| {
                    let ready = at(n, &["status", "conditions"])
                        .and_then(Value::as_array)
                        .is_some_and(|cs| {
                            cs.iter().any(|c| {
                                str_at(c, &["type"]) == Some("Ready")
                                    && str_at(c, &["status"]) == Some("True")
                            })
                        });
                    let mut status = if ready {
                        "Ready".to_string()
                    } else {
                        "NotReady".to_string()
                    };
                    if at(n, &["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
                        status.push_str(",SchedulingDisabled");
                    }
                    let roles: Vec<&str> = crate::util::labels_of(n)
                        .map(|l| {
                            l.keys()
                                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                                .collect()
                        })
                        .unwrap_or_default();
                    let roles = if roles.is_empty() {
                        "<none>".to_string()
                    } else {
                        roles.join(",")
                    };
                    let version = str_at(n, &["status", "nodeInfo", "kubeletVersion"]).unwrap_or("");
                    row(
                        n,
                        vec![
                            json!(name_of(n)),
                            json!(status),
                            json!(roles),
                            json!(age(n)),
                            json!(version),
                        ],
                    )
                })
                .collect(),
        ),
        ("", "endpoints") => (
            vec![
                col("Name", "string"),
                col("Endpoints", "string"),
                col("Age", "string"),
            ],
            items
                .iter()
                .map(|e| row(e, vec![json!(name_of(e)), json!(endpoint_list(e)), json!(age(e))]))
                .collect(),
        ),
        _ => return None,
    };
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    Some(
        json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "columnDefinitions": cols, "rows": rows}),
    )
}

/// `10.244.0.5:8080,10.244.0.6:8080 + 1 more...` as kubectl's printer shows Endpoints.
fn endpoint_list(e: &Value) -> String {
    let mut all = Vec::new();
    for s in at(e, &["subsets"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ports: Vec<i64> = s
            .get("ports")
            .and_then(Value::as_array)
            .map(|ps| ps.iter().filter_map(|p| p.get("port")?.as_i64()).collect())
            .unwrap_or_default();
        for a in s.get("addresses").and_then(Value::as_array).into_iter().flatten() {
            let ip = str_at(a, &["ip"]).unwrap_or("");
            if ports.is_empty() {
                all.push(ip.to_string());
            }
            for p in &ports {
                all.push(format!("{ip}:{p}"));
            }
        }
    }
    match all.len() {
        0 => "<none>".to_string(),
        n if n > 3 => format!("{} + {} more...", all[..3].join(","), n - 3),
        _ => all.join(","),
    }
}

fn row(obj: &Value, cells: Vec<Value>) -> Value {
    let meta = obj.get("metadata").cloned().unwrap_or(json!({}));
    json!({"cells": cells, "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}})
}

/// Seconds since the epoch of a `YYYY-MM-DDTHH:MM:SSZ` time stamp (days-from-civil).
fn parse_time(ts: &str) -> Option<i64> {
    let num = |a: usize, b: usize| ts.get(a..b)?.parse::<i64>().ok();
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// kubectl-style short age (`12s`, `3m4s`, `25m`, `2h5m`, `3d`).
fn age(obj: &Value) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let Some(t) = str_at(obj, &["metadata", "creationTimestamp"]).and_then(parse_time) else {
        return "<unknown>".to_string();
    };
    let s = (now - t).max(0);
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 600 => format!("{}m{}s", s / 60, s % 60),
        s if s < 3 * 3600 => format!("{}m", s / 60),
        s if s < 8 * 3600 => format!("{}h{}m", s / 3600, (s / 60) % 60),
        s if s < 48 * 3600 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_time_stamps() {
        assert_eq!(super::parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(super::parse_time("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(super::parse_time("garbage"), None);
    }
}

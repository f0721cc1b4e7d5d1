//! Readiness of Deployments/DaemonSets, and the reasons istioctl reports when they are not.
use serde_json::Value;

use super::kube::{Cluster, key, ref_string};

/// A workload installation waits for.
#[derive(Debug, Clone)]
pub struct Waitable {
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `Kind/namespace/name`.
    pub reference: String,
    pub selector: serde_json::Map<String, Value>,
}

pub fn waitables(objects: &[Value]) -> Vec<Waitable> {
    objects
        .iter()
        .filter_map(|o| {
            let (kind, namespace, name) = key(o);
            if kind != "Deployment" && kind != "DaemonSet" {
                return None;
            }
            let selector = o
                .pointer("/spec/selector/matchLabels")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Some(Waitable {
                api_version: "apps/v1".to_string(),
                reference: ref_string(o),
                kind,
                namespace,
                name,
                selector,
            })
        })
        .collect()
}

fn num(v: &Value, pointer: &str) -> Option<i64> {
    v.pointer(pointer).and_then(Value::as_i64)
}

/// Whether the workload is ready: Deployments when `availableReplicas >= replicas`,
/// DaemonSets when every desired pod is ready.
pub async fn is_ready(cluster: &Cluster, w: &Waitable) -> Result<bool, String> {
    let Some(obj) = cluster
        .get(&w.api_version, &w.kind, &w.namespace, &w.name)
        .await?
    else {
        return Ok(false);
    };
    if w.kind == "Deployment" {
        let want = num(&obj, "/spec/replicas").unwrap_or(1);
        if want == 0 {
            return Ok(true);
        }
        let available = num(&obj, "/status/availableReplicas").unwrap_or(0);
        return Ok(available >= want);
    }
    let Some(desired) = num(&obj, "/status/desiredNumberScheduled") else {
        return Ok(false);
    };
    let ready = num(&obj, "/status/numberReady").unwrap_or(0);
    Ok(ready >= desired)
}

fn matches(selector: &serde_json::Map<String, Value>, pod: &Value) -> bool {
    let labels = pod.pointer("/metadata/labels").and_then(Value::as_object);
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// Why a workload is not ready, from its pods' statuses and events, like istioctl's
/// `(container failed to start: ...)` / `(pods Pending: ...)` details.
pub async fn debug_info(cluster: &Cluster, w: &Waitable) -> Option<String> {
    let pods = cluster.list("v1", "Pod", &w.namespace).await.ok()?;
    let pods: Vec<&Value> = pods.iter().filter(|p| matches(&w.selector, p)).collect();
    // Container start failures first: they are the most specific.
    for pod in &pods {
        let statuses = pod
            .pointer("/status/initContainerStatuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                pod.pointer("/status/containerStatuses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        for cs in statuses {
            let reason = s(cs, "/state/waiting/reason");
            if reason.is_empty() || reason == "ContainerCreating" || reason == "PodInitializing" {
                continue;
            }
            let message = s(cs, "/state/waiting/message");
            return Some(if message.is_empty() {
                format!("container failed to start: {reason}")
            } else {
                format!("container failed to start: {reason}: {message}")
            });
        }
    }
    let events = cluster
        .list("v1", "Event", &w.namespace)
        .await
        .unwrap_or_default();
    for pod in &pods {
        if s(pod, "/status/phase") != "Pending" {
            continue;
        }
        let name = s(pod, "/metadata/name");
        let condition = pod
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|c| s(c, "/type") == "PodScheduled" && s(c, "/status") == "False")
            .map(|c| s(c, "/message").to_string())
            .filter(|m| !m.is_empty());
        let event = events
            .iter()
            .rev()
            .find(|e| {
                s(e, "/involvedObject/name") == name
                    && (s(e, "/reason") == "FailedScheduling" || s(e, "/type") == "Warning")
            })
            .map(|e| s(e, "/message").to_string())
            .filter(|m| !m.is_empty());
        if let Some(msg) = condition.or(event) {
            return Some(format!("pods Pending: {msg}"));
        }
    }
    if let Some(pod) = pods.iter().find(|p| s(p, "/status/phase") == "Pending") {
        let _ = pod;
        return Some("pods Pending".to_string());
    }
    None
}

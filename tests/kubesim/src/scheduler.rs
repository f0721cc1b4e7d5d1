//! A small kube-scheduler: the filters that matter for an installer (unschedulable nodes,
//! taints and tolerations, nodeSelector and required node affinity, cpu/memory/pod count)
//! with the real scheduler's failure message, and least-allocated scoring.
use crate::quantity;
use crate::store::{Store, Usage};
use crate::util::{at, str_at};
use serde_json::Value;
use std::collections::BTreeMap;

fn container_requests(c: &Value) -> (i64, i64) {
    // Limits without requests default the requests, as API defaulting does.
    let get = |res: &str| {
        at(c, &["resources", "requests", res])
            .or_else(|| at(c, &["resources", "limits", res]))
            .and_then(quantity::from_value_milli)
            .unwrap_or(0)
    };
    let cpu = get("cpu") as i64;
    let mem = ((get("memory") + 999) / 1000) as i64;
    (cpu, mem)
}

/// A pod's effective requests as the scheduler counts them (PodRequests in
/// k8s.io/component-helpers/resource/helpers.go): containers plus native sidecars (init
/// containers with `restartPolicy: Always`), the max with each ordinary init container plus the
/// sidecars started before it, plus `spec.overhead`.
pub fn pod_requests(pod: &Value) -> (i64, i64) {
    let list = |k: &str| {
        at(pod, &["spec", k])
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let (mut cpu, mut mem) = (0, 0);
    for c in list("containers") {
        let (a, b) = container_requests(c);
        cpu += a;
        mem += b;
    }
    let (mut side_cpu, mut side_mem) = (0, 0);
    let (mut init_cpu, mut init_mem) = (0, 0);
    for c in list("initContainers") {
        let (a, b) = container_requests(c);
        if str_at(c, &["restartPolicy"]) == Some("Always") {
            cpu += a;
            mem += b;
            side_cpu += a;
            side_mem += b;
            init_cpu = init_cpu.max(side_cpu);
            init_mem = init_mem.max(side_mem);
        } else {
            init_cpu = init_cpu.max(a + side_cpu);
            init_mem = init_mem.max(b + side_mem);
        }
    }
    let overhead = at(pod, &["spec", "overhead"]).map_or((0, 0), |o| {
        container_requests(&serde_json::json!({"resources": {"requests": o}}))
    });
    (cpu.max(init_cpu) + overhead.0, mem.max(init_mem) + overhead.1)
}

/// Whether `tolerations` tolerate one taint.
pub fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    let tk = str_at(taint, &["key"]).unwrap_or("");
    let tv = str_at(taint, &["value"]).unwrap_or("");
    let te = str_at(taint, &["effect"]).unwrap_or("");
    tolerations.iter().any(|t| {
        let key = str_at(t, &["key"]).unwrap_or("");
        let op = str_at(t, &["operator"]).unwrap_or("Equal");
        let effect = str_at(t, &["effect"]).unwrap_or("");
        if !effect.is_empty() && effect != te {
            return false;
        }
        match op {
            "Exists" => key.is_empty() || key == tk,
            _ => key == tk && str_at(t, &["value"]).unwrap_or("") == tv,
        }
    })
}

fn node_ready(node: &Value) -> bool {
    at(node, &["status", "conditions"])
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .any(|c| str_at(c, &["type"]) == Some("Ready") && str_at(c, &["status"]) == Some("True"))
        })
        // A node without conditions (a bare manifest) counts as ready.
        .unwrap_or(true)
}

fn node_terms_match(terms: &[Value], node: &Value) -> bool {
    let labels = crate::util::labels_of(node);
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    terms.iter().any(|term| {
        let exprs = term
            .get("matchExpressions")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let fields = term
            .get("matchFields")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let check = |e: &Value, cur: Option<&str>| {
            let vals: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let num = |s: &str| s.parse::<i64>().ok();
            match str_at(e, &["operator"]).unwrap_or("") {
                "In" => cur.is_some_and(|c| vals.contains(&c)),
                "NotIn" => cur.is_none_or(|c| !vals.contains(&c)),
                "Exists" => cur.is_some(),
                "DoesNotExist" => cur.is_none(),
                "Gt" => matches!((cur.and_then(num), vals.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b),
                "Lt" => matches!((cur.and_then(num), vals.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b),
                _ => false,
            }
        };
        exprs
            .iter()
            .all(|e| check(e, get(str_at(e, &["key"]).unwrap_or(""))))
            && fields.iter().all(|e| {
                let cur = match str_at(e, &["key"]) {
                    Some("metadata.name") => Some(crate::util::name_of(node)),
                    _ => None,
                };
                check(e, cur)
            })
            && (!exprs.is_empty() || !fields.is_empty())
    })
}

/// Why one node cannot take the pod (the first failing filter, in the real plugin order),
/// or `Ok` with the node's free capacity after placing it.
fn filter(node: &Value, pod: &Value, usage: Usage, req: (i64, i64)) -> Result<(f64, f64), Vec<String>> {
    let tolerations = at(pod, &["spec", "tolerations"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if at(node, &["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
        let t = serde_json::json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
        if !tolerates(tolerations, &t) {
            return Err(vec!["node(s) were unschedulable".into()]);
        }
    }
    let mut taints: Vec<Value> = at(node, &["spec", "taints"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !node_ready(node) {
        taints.push(serde_json::json!({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}));
    }
    for t in &taints {
        let effect = str_at(t, &["effect"]).unwrap_or("");
        if (effect == "NoSchedule" || effect == "NoExecute") && !tolerates(tolerations, t) {
            return Err(vec![format!(
                "node(s) had untolerated taint {{{}: {}}}",
                str_at(t, &["key"]).unwrap_or(""),
                str_at(t, &["value"]).unwrap_or("")
            )]);
        }
    }
    let selector_ok = at(pod, &["spec", "nodeSelector"])
        .and_then(Value::as_object)
        .is_none_or(|sel| sel.iter().all(|(k, v)| crate::util::label(node, k) == v.as_str()));
    let affinity_ok = at(
        pod,
        &[
            "spec",
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )
    .and_then(Value::as_array)
    .is_none_or(|terms| node_terms_match(terms, node));
    if !selector_ok || !affinity_ok {
        return Err(vec!["node(s) didn't match Pod's node affinity/selector".into()]);
    }
    let alloc = |r: &str| {
        at(node, &["status", "allocatable", r])
            .or_else(|| at(node, &["status", "capacity", r]))
            .and_then(quantity::from_value_milli)
    };
    let cpu = alloc("cpu").map(|v| v as i64).unwrap_or(0);
    let mem = alloc("memory").map(|v| ((v + 999) / 1000) as i64).unwrap_or(0);
    let pods = alloc("pods").map(|v| (v / 1000) as i64).unwrap_or(110);
    let mut reasons = Vec::new();
    if usage.pods + 1 > pods {
        reasons.push("Too many pods".to_string());
    }
    if req.0 > 0 && usage.cpu_m + req.0 > cpu {
        reasons.push("Insufficient cpu".to_string());
    }
    if req.1 > 0 && usage.mem + req.1 > mem {
        reasons.push("Insufficient memory".to_string());
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let frac = |used: i64, total: i64| {
        if total <= 0 {
            0.0
        } else {
            (total - used) as f64 / total as f64
        }
    };
    Ok((frac(usage.cpu_m + req.0, cpu), frac(usage.mem + req.1, mem)))
}

/// Whether a node matches a pod's selector, affinity and tolerations (resources aside):
/// the DaemonSet controller's notion of "should run here".
pub fn eligible(node: &Value, pod: &Value) -> bool {
    filter(node, pod, Usage::default(), (0, 0)).is_ok()
}

/// Picks a node for the pod, or returns the FailedScheduling message. `only` restricts the
/// candidates to one node (DaemonSet pods).
pub fn schedule(st: &Store, pod: &Value, only: Option<&str>) -> Result<String, String> {
    // DaemonSet pods name their node: skip the full filter for the others (5,000-node
    // clusters would otherwise cost a filter pass per node per pod).
    let only = only.or_else(|| crate::controller::ds_target(pod));
    let gr = (String::new(), "nodes".to_string());
    let req = pod_requests(pod);
    let mut total = 0usize;
    let mut best: Option<(f64, &str)> = None;
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let (mut not_helpful, mut no_victims) = (0usize, 0usize);
    for (_, node) in st.iter_ns(&gr, None) {
        total += 1;
        let name = crate::util::name_of(node);
        if only.is_some_and(|o| o != name) {
            *reasons
                .entry("node(s) didn't match Pod's node affinity/selector".into())
                .or_default() += 1;
            not_helpful += 1;
            continue;
        }
        let usage = st.usage.get(name).copied().unwrap_or_default();
        match filter(node, pod, usage, req) {
            Ok((c, m)) => {
                let score = c + m;
                if best.is_none_or(|(s, _)| score > s) {
                    best = Some((score, name));
                }
            }
            Err(rs) => {
                let resource = rs
                    .iter()
                    .any(|r| r.starts_with("Insufficient") || r == "Too many pods");
                if resource {
                    no_victims += 1;
                } else {
                    not_helpful += 1;
                }
                for r in rs {
                    *reasons.entry(r).or_default() += 1;
                }
            }
        }
    }
    if let Some((_, name)) = best {
        return Ok(name.to_string());
    }
    if total == 0 {
        return Err("no nodes available to schedule pods".into());
    }
    // The real FitError sorts "<count> <reason>" strings.
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    let mut pre: Vec<String> = Vec::new();
    if not_helpful > 0 {
        pre.push(format!("{not_helpful} Preemption is not helpful for scheduling"));
    }
    if no_victims > 0 {
        pre.push(format!(
            "{no_victims} No preemption victims found for incoming pod"
        ));
    }
    pre.sort();
    Err(format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        pre.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_sum_and_init_max() {
        let pod = json!({"spec": {
            "containers": [
                {"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}},
                {"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}
            ],
            "initContainers": [{"resources": {"requests": {"cpu": "2"}}}]
        }});
        assert_eq!(pod_requests(&pod), (2000, (128 << 20) + (1 << 30)));
    }

    /// k8s.io/component-helpers/resource/helpers.go, PodRequests with native sidecars.
    #[test]
    fn native_sidecars_add_and_overhead_counts() {
        let pod = json!({"spec": {
            "containers": [{"resources": {"requests": {"cpu": "200m", "memory": "256Mi"}}}],
            "initContainers": [
                {"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}, "restartPolicy": "Always"},
                {"resources": {"requests": {"cpu": "1", "memory": "64Mi"}}}
            ],
            "overhead": {"cpu": "10m", "memory": "1Mi"}
        }});
        assert_eq!(pod_requests(&pod), (1110, (385 << 20)));
    }

    #[test]
    fn toleration_rules() {
        let taint = json!({"key": "dedicated", "value": "infra", "effect": "NoSchedule"});
        assert!(tolerates(
            &[json!({"key": "dedicated", "value": "infra"})],
            &taint
        ));
        assert!(tolerates(
            &[json!({"key": "dedicated", "operator": "Exists"})],
            &taint
        ));
        assert!(tolerates(&[json!({"operator": "Exists"})], &taint));
        assert!(!tolerates(&[json!({"key": "dedicated", "value": "x"})], &taint));
        assert!(!tolerates(
            &[json!({"key": "dedicated", "operator": "Exists", "effect": "NoExecute"})],
            &taint
        ));
    }
}

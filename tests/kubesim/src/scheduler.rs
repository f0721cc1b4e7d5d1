//! A small kube-scheduler: the filters that matter for an installer (unschedulable nodes,
//! taints and tolerations, nodeSelector and required node affinity, cpu/memory/pod count)
//! with the real scheduler's failure message, and a deterministic model of the default
//! plugins' scoring (kubernetes pkg/scheduler/apis/config/v1/default_plugins.go), so that
//! replicas spread over nodes that fit equally:
//!
//! * NodeResourcesFit, LeastAllocated (weight 1; noderesources/least_allocated.go): per
//!   resource `(allocatable - requested) * 100 / allocatable`, averaged over cpu and memory,
//!   where the incoming pod counts at least 100m cpu and 200Mi memory
//!   (pkg/scheduler/util/pod_resources.go `DefaultMilliCPURequest`, `DefaultMemoryRequest`);
//!   pods already on the node count their requests as they are;
//! * NodeResourcesBalancedAllocation (weight 1; balanced_allocation.go): `(1 - std) * 100` of
//!   the requested fractions of cpu and memory;
//! * PodTopologySpread with the system default constraints (weight 2;
//!   podtopologyspread/plugin.go `systemDefaultConstraints`: `kubernetes.io/hostname`
//!   maxSkew 3 and `topology.kubernetes.io/zone` maxSkew 5, both ScheduleAnyway; scoring.go):
//!   per constraint `count * ln(domains + 2) + (maxSkew - 1)` over the pods of the same
//!   controller (the real selector is that of the Services, ReplicaSets and StatefulSets
//!   selecting the pod) in the node's domain, then normalized as `100 * (max + min - s) / max`,
//!   so fewer siblings score higher. Nodes without the zone label leave that constraint out.
//!
//! The highest total wins; ties go to the first node by name (the real scheduler picks one of
//! the best at random). Not modelled: TaintToleration and NodeAffinity preferences,
//! InterPodAffinity, ImageLocality.
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
/// or `Ok` with the node's allocatable cpu (millicores) and memory (bytes).
fn filter(node: &Value, pod: &Value, usage: Usage, req: (i64, i64)) -> Result<(i64, i64), Vec<String>> {
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
    Ok((cpu, mem))
}

/// kube-scheduler's requests for scoring: 100m cpu and 200Mi memory for a pod that asks for
/// none (pkg/scheduler/util/pod_resources.go).
fn non_zero(req: (i64, i64)) -> (i64, i64) {
    let cpu = if req.0 == 0 { 100 } else { req.0 };
    let mem = if req.1 == 0 { 200 << 20 } else { req.1 };
    (cpu, mem)
}

/// NodeResourcesFit LeastAllocated plus NodeResourcesBalancedAllocation, 0..=200.
fn resource_score(alloc: (i64, i64), usage: Usage, req: (i64, i64)) -> i64 {
    let (cpu, mem) = non_zero(req);
    let least = |used: i64, total: i64| {
        if total <= 0 || used > total {
            0
        } else {
            (total - used) * 100 / total
        }
    };
    let least_allocated = (least(usage.cpu_m + cpu, alloc.0) + least(usage.mem + mem, alloc.1)) / 2;
    let frac = |used: i64, total: i64| {
        if total <= 0 {
            1.0
        } else {
            (used as f64 / total as f64).min(1.0)
        }
    };
    let std = (frac(usage.cpu_m + cpu, alloc.0) - frac(usage.mem + mem, alloc.1)).abs() / 2.0;
    let balanced = ((1.0 - std) * 100.0) as i64;
    least_allocated + balanced
}

/// The controller (ReplicaSet, StatefulSet, ...) that owns a pod.
fn controller_uid(pod: &Value) -> Option<&str> {
    at(pod, &["metadata", "ownerReferences"])?
        .as_array()?
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|o| str_at(o, &["uid"]))
}

/// Pods of the same controller per node (bound, not finished or terminating).
fn siblings_per_node(st: &Store, pod: &Value) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    let Some(uid) = controller_uid(pod) else {
        return out;
    };
    let gr = (String::new(), "pods".to_string());
    let ns = crate::util::namespace_of(pod);
    for (_, p) in st.iter_ns(&gr, Some(ns)) {
        let finished = matches!(str_at(p, &["status", "phase"]), Some("Succeeded" | "Failed"));
        if controller_uid(p) != Some(uid) || finished || at(p, &["metadata", "deletionTimestamp"]).is_some() {
            continue;
        }
        if let Some(n) = str_at(p, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
            *out.entry(n.to_string()).or_default() += 1;
        }
    }
    out
}

/// PodTopologySpread's normalized scores (0..=100) of the feasible nodes, in their order.
fn spread_scores(nodes: &[(&str, &Value)], siblings: &BTreeMap<String, i64>) -> Vec<i64> {
    const ZONE: &str = "topology.kubernetes.io/zone";
    let count = |n: &str| siblings.get(n).copied().unwrap_or(0);
    let mut zone_counts: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, node) in nodes {
        if let Some(z) = crate::util::label(node, ZONE) {
            *zone_counts.entry(z).or_default() += count(name);
        }
    }
    let host_weight = ((nodes.len() + 2) as f64).ln();
    let zone_weight = ((zone_counts.len() + 2) as f64).ln();
    let raw: Vec<i64> = nodes
        .iter()
        .map(|(name, node)| {
            let mut s = count(name) as f64 * host_weight + (3 - 1) as f64;
            if let Some(z) = crate::util::label(node, ZONE) {
                s += zone_counts.get(z).copied().unwrap_or(0) as f64 * zone_weight + (5 - 1) as f64;
            }
            s.round() as i64
        })
        .collect();
    let (min, max) = (
        raw.iter().copied().min().unwrap_or(0),
        raw.iter().copied().max().unwrap_or(0),
    );
    raw.iter()
        .map(|s| {
            if max == 0 {
                100
            } else {
                100 * (max + min - s) / max
            }
        })
        .collect()
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
    let mut feasible: Vec<(&str, &Value, i64)> = Vec::new();
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
            Ok(alloc) => feasible.push((name, node, resource_score(alloc, usage, req))),
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
    if let Some(name) = best(st, pod, &feasible) {
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

/// The feasible node with the highest weighted score (the first of equals).
fn best<'a>(st: &Store, pod: &Value, feasible: &[(&'a str, &Value, i64)]) -> Option<&'a str> {
    if feasible.len() < 2 {
        return feasible.first().map(|f| f.0);
    }
    let nodes: Vec<(&str, &Value)> = feasible.iter().map(|(n, v, _)| (*n, *v)).collect();
    let spread = spread_scores(&nodes, &siblings_per_node(st, pod));
    let mut top: Option<(i64, &str)> = None;
    for ((name, _, resources), spread) in feasible.iter().zip(spread) {
        let score = resources + 2 * spread;
        if top.is_none_or(|(s, _)| score > s) {
            top = Some((score, name));
        }
    }
    top.map(|t| t.1)
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

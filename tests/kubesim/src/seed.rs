//! Seeding: the cluster file (nodes, namespaces, workloads, pods, raw manifests) and the
//! generator for large clusters. See README.md for the format.
use crate::ops;
use crate::store::Store;
use crate::util::{new_uid, now_rfc3339, obj_at};
use anyhow::{Context, bail};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    pub version: Option<String>,
    /// `None` gives one default node; `[]` gives none.
    pub nodes: Option<Vec<NodeSeed>>,
    #[serde(default)]
    pub namespaces: Vec<NamespaceSeed>,
    #[serde(default)]
    pub workloads: Vec<WorkloadSeed>,
    #[serde(default)]
    pub pods: Vec<PodSeed>,
    #[serde(default)]
    pub objects: Vec<Value>,
    pub generate: Option<Generate>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSeed {
    pub name: String,
    #[serde(default)]
    pub capacity: Map<String, Value>,
    pub allocatable: Option<Map<String, Value>>,
    #[serde(default)]
    pub labels: Map<String, Value>,
    #[serde(default)]
    pub annotations: Map<String, Value>,
    #[serde(default)]
    pub taints: Vec<Value>,
    #[serde(default)]
    pub unschedulable: bool,
    pub ready: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespaceSeed {
    pub name: String,
    #[serde(default)]
    pub labels: Map<String, Value>,
    #[serde(default)]
    pub annotations: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkloadSeed {
    #[serde(default = "deployment")]
    pub kind: String,
    #[serde(default = "default_ns")]
    pub namespace: String,
    pub name: String,
    #[serde(default = "one")]
    pub replicas: i64,
    pub cpu: Option<Value>,
    pub memory: Option<Value>,
    pub image: Option<String>,
    #[serde(default)]
    pub labels: Map<String, Value>,
    #[serde(default)]
    pub pod_labels: Map<String, Value>,
    #[serde(default)]
    pub node_selector: Map<String, Value>,
    #[serde(default)]
    pub tolerations: Vec<Value>,
    #[serde(default)]
    pub host_network: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodSeed {
    #[serde(default = "default_ns")]
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub cpu: Option<Value>,
    pub memory: Option<Value>,
    pub phase: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub labels: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Generate {
    #[serde(default)]
    pub nodes: usize,
    #[serde(default)]
    pub pods: usize,
    #[serde(default)]
    pub namespaces: usize,
}

fn deployment() -> String {
    "Deployment".into()
}
fn default_ns() -> String {
    "default".into()
}
fn one() -> i64 {
    1
}

/// Quantities may be written as numbers in YAML (`cpu: 4`); Kubernetes wants strings.
fn q(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.to_string()),
        other => other.clone(),
    }
}

fn quantities(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), q(v))).collect()
}

pub fn parse(yaml: &str) -> anyhow::Result<ClusterFile> {
    if yaml.trim().is_empty() {
        return Ok(ClusterFile::default());
    }
    let v: Value = serde_saphyr::from_str(yaml).context("parsing the cluster file as YAML")?;
    if v.is_null() {
        return Ok(ClusterFile::default());
    }
    serde_json::from_value(v).context("reading the cluster file")
}

/// Fills in what a kubelet would report for a node (labels, capacity, Ready condition).
pub fn default_node_status(node: &mut Value) {
    let name = crate::util::name_of(node).to_string();
    {
        let labels = obj_at(node, &["metadata", "labels"]);
        labels.entry("kubernetes.io/hostname").or_insert(json!(name));
        labels.entry("kubernetes.io/os").or_insert(json!("linux"));
        labels.entry("kubernetes.io/arch").or_insert(json!("amd64"));
        labels.entry("beta.kubernetes.io/os").or_insert(json!("linux"));
        labels.entry("beta.kubernetes.io/arch").or_insert(json!("amd64"));
    }
    let status = obj_at(node, &["status"]);
    let capacity = status
        .entry("capacity")
        .or_insert(json!({"cpu": "8", "memory": "32Gi", "pods": "110", "ephemeral-storage": "100Gi"}))
        .clone();
    status.entry("allocatable").or_insert(capacity);
    status.entry("conditions").or_insert_with(|| {
        let now = now_rfc3339();
        json!([{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                "lastHeartbeatTime": now, "lastTransitionTime": now}])
    });
    status.entry("addresses").or_insert(
        json!([{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": name}]),
    );
    status.entry("nodeInfo").or_insert(json!({
        "kubeletVersion": "v1.33.2", "containerRuntimeVersion": "containerd://1.7.27",
        "operatingSystem": "linux", "architecture": "amd64", "osImage": "kubesim",
        "kernelVersion": "6.1.0", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""
    }));
}

fn node_object(n: &NodeSeed, index: usize, version: &str) -> Value {
    let mut capacity = quantities(&n.capacity);
    capacity.entry("cpu").or_insert(json!("8"));
    capacity.entry("memory").or_insert(json!("32Gi"));
    capacity.entry("pods").or_insert(json!("110"));
    let mut allocatable = capacity.clone();
    if let Some(a) = &n.allocatable {
        for (k, v) in quantities(a) {
            allocatable.insert(k, v);
        }
    }
    let ready = n.ready.unwrap_or(true);
    let now = now_rfc3339();
    let mut node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": n.name, "labels": n.labels, "annotations": n.annotations},
        "spec": {"podCIDR": format!("10.244.{}.0/24", index % 256)},
        "status": {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"},
                            "reason": if ready {"KubeletReady"} else {"KubeletNotReady"},
                            "message": if ready {"kubelet is posting ready status"} else {"container runtime network not ready"},
                            "lastHeartbeatTime": now, "lastTransitionTime": now}],
            "addresses": [{"type": "InternalIP", "address": format!("10.0.{}.{}", (index / 250) % 256, index % 250 + 1)},
                          {"type": "Hostname", "address": n.name}],
            "nodeInfo": {"kubeletVersion": version, "containerRuntimeVersion": "containerd://1.7.27",
                         "operatingSystem": "linux", "architecture": "amd64", "osImage": "kubesim",
                         "kernelVersion": "6.1.0", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""},
        },
    });
    if !n.taints.is_empty() {
        node["spec"]["taints"] = json!(n.taints);
    }
    if n.unschedulable {
        node["spec"]["unschedulable"] = json!(true);
    }
    default_node_status(&mut node);
    node
}

fn resources_of(cpu: &Option<Value>, memory: &Option<Value>) -> Value {
    let mut req = Map::new();
    if let Some(c) = cpu {
        req.insert("cpu".into(), q(c));
    }
    if let Some(m) = memory {
        req.insert("memory".into(), q(m));
    }
    if req.is_empty() {
        json!({})
    } else {
        json!({"requests": req})
    }
}

fn ensure_namespace(
    st: &mut Store,
    name: &str,
    labels: &Map<String, Value>,
    annotations: &Map<String, Value>,
) -> anyhow::Result<()> {
    let obj = json!({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": name, "labels": labels, "annotations": annotations}});
    ops::create_or_replace(st, obj).map_err(|e| anyhow::anyhow!("namespace {name}: {}", e.message))?;
    Ok(())
}

fn workload_object(w: &WorkloadSeed) -> anyhow::Result<Value> {
    let mut pod_labels = w.pod_labels.clone();
    pod_labels.entry("app").or_insert(json!(w.name));
    let mut labels = w.labels.clone();
    labels.entry("app").or_insert(json!(w.name));
    let mut pod_spec = json!({
        "containers": [{"name": w.name, "image": w.image.clone().unwrap_or_else(|| "registry.k8s.io/pause:3.10".into()),
                        "resources": resources_of(&w.cpu, &w.memory)}],
    });
    if !w.node_selector.is_empty() {
        pod_spec["nodeSelector"] = json!(w.node_selector);
    }
    if !w.tolerations.is_empty() {
        pod_spec["tolerations"] = json!(w.tolerations);
    }
    if w.host_network {
        pod_spec["hostNetwork"] = json!(true);
    }
    let template = json!({"metadata": {"labels": pod_labels}, "spec": pod_spec});
    let selector = json!({"matchLabels": {"app": w.name}});
    let (api, spec) = match w.kind.as_str() {
        "Deployment" | "StatefulSet" | "ReplicaSet" => (
            "apps/v1",
            json!({"replicas": w.replicas, "selector": selector, "template": template, "serviceName": w.name}),
        ),
        "DaemonSet" => ("apps/v1", json!({"selector": selector, "template": template})),
        "Job" => {
            let mut t = template;
            t["spec"]["restartPolicy"] = json!("Never");
            (
                "batch/v1",
                json!({"template": t, "completions": w.replicas.max(1)}),
            )
        }
        other => bail!(
            "workload {}: unsupported kind {other} (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job)",
            w.name
        ),
    };
    let mut spec = spec;
    if w.kind != "StatefulSet"
        && let Some(m) = spec.as_object_mut()
    {
        m.remove("serviceName");
    }
    Ok(
        json!({"apiVersion": api, "kind": w.kind, "metadata": {"name": w.name, "namespace": w.namespace, "labels": labels}, "spec": spec}),
    )
}

/// The namespaces every cluster starts with.
pub fn base_namespaces(st: &mut Store) -> anyhow::Result<()> {
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        ensure_namespace(st, ns, &Map::new(), &Map::new())?;
    }
    Ok(())
}

/// Applies a cluster file. Everything seeded is already running (pods Running and Ready).
pub fn apply(st: &mut Store, file: &ClusterFile, version: &str) -> anyhow::Result<()> {
    st.instant = true;
    let out = apply_inner(st, file, version);
    crate::controller::drain(st);
    st.instant = false;
    out
}

fn apply_inner(st: &mut Store, file: &ClusterFile, version: &str) -> anyhow::Result<()> {
    let default_nodes;
    let nodes: &[NodeSeed] = match &file.nodes {
        Some(n) => n,
        None if file.generate.is_some_and(|g| g.nodes > 0) => &[],
        None => {
            default_nodes = vec![NodeSeed {
                name: "kubesim-node-1".into(),
                ..Default::default()
            }];
            &default_nodes
        }
    };
    for (i, n) in nodes.iter().enumerate() {
        ops::create_or_replace(st, node_object(n, i, version))
            .map_err(|e| anyhow::anyhow!("node {}: {}", n.name, e.message))?;
    }
    for ns in &file.namespaces {
        ensure_namespace(st, &ns.name, &ns.labels, &ns.annotations)?;
    }
    // Manifests next (CRDs, webhooks, ConfigMaps matter to what follows), namespaces first.
    let mut objects: Vec<&Value> = file.objects.iter().collect();
    objects.sort_by_key(|o| {
        let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
        match kind {
            "Namespace" => 0,
            "CustomResourceDefinition" => 1,
            _ => 2,
        }
    });
    for o in objects {
        let ns = crate::util::namespace_of(o);
        if !ns.is_empty() && st.get("", "namespaces", "", ns).is_none() {
            ensure_namespace(st, ns, &Map::new(), &Map::new())?;
        }
        ops::create_or_replace(st, o.clone()).map_err(|e| {
            anyhow::anyhow!(
                "object {} {}: {}",
                o.get("kind").and_then(Value::as_str).unwrap_or("?"),
                crate::util::name_of(o),
                e.message
            )
        })?;
    }
    for w in &file.workloads {
        if st.get("", "namespaces", "", &w.namespace).is_none() {
            ensure_namespace(st, &w.namespace, &Map::new(), &Map::new())?;
        }
        let obj = workload_object(w)?;
        ops::create_or_replace(st, obj).map_err(|e| anyhow::anyhow!("workload {}: {}", w.name, e.message))?;
        crate::controller::drain(st);
    }
    for p in &file.pods {
        if st.get("", "namespaces", "", &p.namespace).is_none() {
            ensure_namespace(st, &p.namespace, &Map::new(), &Map::new())?;
        }
        let mut spec = json!({"containers": [{"name": "main", "image": p.image.clone().unwrap_or_else(|| "registry.k8s.io/pause:3.10".into()),
                                               "resources": resources_of(&p.cpu, &p.memory)}]});
        if let Some(n) = &p.node {
            spec["nodeName"] = json!(n);
        }
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
                             "metadata": {"name": p.name, "namespace": p.namespace, "labels": p.labels}, "spec": spec});
        if let Some(ph) = &p.phase {
            pod["status"] = json!({"phase": ph});
        }
        ops::create_or_replace(st, pod).map_err(|e| anyhow::anyhow!("pod {}: {}", p.name, e.message))?;
    }
    if let Some(g) = file.generate {
        generate(st, g.nodes, g.pods, g.namespaces, version);
    }
    Ok(())
}

/// Builds a large cluster directly in the tables: `nodes` nodes (16 cpu, 64Gi, 110 pods),
/// `namespaces` namespaces and `pods` Running pods spread round-robin over both, each
/// requesting 100m/128Mi on its node. No events, no controllers: seconds for 150k pods.
pub fn generate(st: &mut Store, nodes: usize, pods: usize, namespaces: usize, version: &str) {
    let node_res = st.res("", "nodes");
    let ns_res = st.res("", "namespaces");
    let pod_res = st.res("", "pods");
    let now = now_rfc3339();
    let width = nodes.max(1).to_string().len().max(4);
    let node_names: Vec<String> = (0..nodes).map(|i| format!("node-{:0width$}", i + 1)).collect();
    for (i, name) in node_names.iter().enumerate() {
        let seed = NodeSeed {
            name: name.clone(),
            capacity: [("cpu", "16"), ("memory", "64Gi"), ("pods", "110")]
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
            ..Default::default()
        };
        let mut n = node_object(&seed, i, version);
        obj_at(&mut n, &["metadata"]).insert("uid".into(), json!(new_uid()));
        obj_at(&mut n, &["metadata"]).insert("creationTimestamp".into(), json!(now));
        st.seed_insert(&node_res, n);
    }
    let ns_width = namespaces.max(1).to_string().len().max(3);
    let ns_names: Vec<String> = (0..namespaces.max(1))
        .map(|i| {
            if namespaces == 0 {
                "default".to_string()
            } else {
                format!("ns-{:0ns_width$}", i + 1)
            }
        })
        .collect();
    for n in &ns_names {
        if st.get("", "namespaces", "", n).is_none() {
            st.seed_insert(
                &ns_res,
                json!({"apiVersion": "v1", "kind": "Namespace",
                       "metadata": {"name": n, "uid": new_uid(), "creationTimestamp": now, "labels": {"kubernetes.io/metadata.name": n}},
                       "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
            );
            crate::plugins::namespace_content(st, n);
        }
    }
    let pod_width = pods.max(1).to_string().len().max(5);
    for i in 0..pods {
        let ns = &ns_names[i % ns_names.len()];
        let node = node_names.get(i % nodes.max(1)).map(String::as_str).unwrap_or("");
        let name = format!("pod-{:0pod_width$}", i + 1);
        let app = format!("app-{}", i % 50);
        let mut spec = json!({
            "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10",
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}],
            "restartPolicy": "Always", "schedulerName": "default-scheduler", "serviceAccountName": "default",
        });
        let mut status =
            json!({"phase": if node.is_empty() {"Pending"} else {"Running"}, "qosClass": "Burstable"});
        if !node.is_empty() {
            spec["nodeName"] = json!(node);
            status["conditions"] =
                json!([{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}]);
            status["containerStatuses"] = json!([{"name": "main", "ready": true, "restartCount": 0, "started": true,
                                                  "image": "registry.k8s.io/pause:3.10", "state": {"running": {"startedAt": now}}}]);
        }
        st.seed_insert(
            &pod_res,
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": name, "namespace": ns, "uid": new_uid(), "creationTimestamp": now, "labels": {"app": app}},
                   "spec": spec, "status": status}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let f = parse(
            include_str!("../README.md")
                .split("```yaml")
                .nth(1)
                .and_then(|s| s.split("```").next())
                .unwrap_or(""),
        );
        let f = f.unwrap_or_else(|e| panic!("{e:#}"));
        assert!(f.nodes.is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn rejects_unknown_fields() {
        assert!(parse("nodez: []").is_err());
        assert!(parse(": : :").is_err());
    }
}

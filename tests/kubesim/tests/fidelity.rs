//! Fidelity of the istioctl stand-in to real istioctl: for every release with fixtures
//! (tests/fixtures/istio/<release>/, rendered by tests/fixtures/istio/render.sh from that
//! release's own charts) and every configuration in tests/fixtures/istio/iops/, the stand-in's
//! `install` against kubesim must leave the objects of the fixture, equal on the fields below.
//! Each compared rule names where real istioctl gets it from (paths in istio/istio at the tag).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use kubesim::Sim;
use serde_json::{Value, json};

const CLUSTER: &str = "
nodes:
- name: node-1
  capacity: {cpu: '16', memory: 64Gi}
  labels: {kubernetes.io/os: linux, node-role.example.com/infra: 'true'}
- name: node-2
  capacity: {cpu: '16', memory: 64Gi}
  labels: {kubernetes.io/os: linux, node-role.example.com/infra: 'true'}
";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/istio")
}

/// Kinds istioctl creates, with their cluster-wide list paths.
const KINDS: &[(&str, &str)] = &[
    ("Namespace", "/api/v1/namespaces"),
    ("ConfigMap", "/api/v1/configmaps"),
    ("Service", "/api/v1/services"),
    ("ServiceAccount", "/api/v1/serviceaccounts"),
    ("Deployment", "/apis/apps/v1/deployments"),
    ("DaemonSet", "/apis/apps/v1/daemonsets"),
    ("Role", "/apis/rbac.authorization.k8s.io/v1/roles"),
    ("RoleBinding", "/apis/rbac.authorization.k8s.io/v1/rolebindings"),
    ("ClusterRole", "/apis/rbac.authorization.k8s.io/v1/clusterroles"),
    (
        "ClusterRoleBinding",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    ),
    (
        "HorizontalPodAutoscaler",
        "/apis/autoscaling/v2/horizontalpodautoscalers",
    ),
    ("PodDisruptionBudget", "/apis/policy/v1/poddisruptionbudgets"),
    (
        "MutatingWebhookConfiguration",
        "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
    ),
    (
        "ValidatingWebhookConfiguration",
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
    ),
    (
        "CustomResourceDefinition",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    ),
];

type Key = (String, String, String);

fn key(o: &Value) -> Key {
    let s = |p: &str| o.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

fn parse_docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("fixture parses");
    docs.into_iter().filter(|d| d.is_object()).collect()
}

/// The fixture's objects: the configuration's file, plus crds.yaml labelled the way istioctl
/// labels every Base object of this configuration (operator/pkg/install/install.go:
/// getOwnerLabels), taken from the reader ServiceAccount.
fn expected(release: &str, config: &str) -> BTreeMap<Key, Value> {
    let dir = fixtures_dir().join(release);
    let mut objs = parse_docs(&dir.join(format!("{config}.yaml")));
    let base_labels = objs
        .iter()
        .find(|o| o["kind"] == "ServiceAccount" && o["metadata"]["name"] == "istio-reader-service-account")
        .map(|o| o["metadata"]["labels"].clone())
        .unwrap_or(json!({}));
    let owner_keys = [
        "install.operator.istio.io/owning-resource",
        "install.operator.istio.io/owning-resource-namespace",
        "istio.io/rev",
        "operator.istio.io/version",
    ];
    for mut crd in parse_docs(&dir.join("crds.yaml")) {
        if let Some(l) = crd["metadata"]["labels"].as_object_mut() {
            for k in owner_keys {
                match base_labels.get(k) {
                    Some(v) => l.insert(k.to_string(), v.clone()),
                    None => l.remove(k),
                };
            }
        }
        objs.push(crd);
    }
    objs.into_iter().map(|o| (key(&o), o)).collect()
}

/// What the stand-in left: every object carrying istioctl's managed label, and the Namespaces
/// the fixture names.
fn actual(sim: &Sim, want: &BTreeMap<Key, Value>) -> BTreeMap<Key, Value> {
    let mut out = BTreeMap::new();
    for (kind, path) in KINDS {
        for mut o in sim.list(path) {
            o["kind"] = json!(kind);
            let k = key(&o);
            let managed = o.pointer("/metadata/labels/operator.istio.io~1managed").is_some();
            if managed || (*kind == "Namespace" && want.contains_key(&k)) {
                out.insert(k, o);
            }
        }
    }
    out
}

/// Quantities and ports compare by their text (`1` and `"1"` are the same CPU).
fn norm(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), norm(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn at(o: &Value, p: &str) -> Value {
    norm(o.pointer(p).unwrap_or(&Value::Null))
}

/// Metadata annotations istioctl sets; those the API server or controllers add are not compared.
fn annotations(o: &Value) -> Value {
    let mut a = at(o, "/metadata/annotations");
    if let Some(m) = a.as_object_mut() {
        m.retain(|k, _| {
            !k.starts_with("deployment.kubernetes.io/") && !k.starts_with("kubectl.kubernetes.io/")
        });
        if m.is_empty() {
            return Value::Null;
        }
    }
    a
}

/// The compared fields of one object, by kind.
fn fields(o: &Value) -> Vec<(String, Value)> {
    let mut f: Vec<(String, Value)> = Vec::new();
    let kind = o["kind"].as_str().unwrap_or("");
    if kind == "Namespace" {
        // util.CreateNamespace (operator/pkg/util/k8s.go): only that it exists.
        return f;
    }
    // Labels: chart labels plus install.go getOwnerLabels; annotations from the charts and
    // postprocess.go (serviceAnnotations, podAnnotations).
    f.push(("labels".into(), at(o, "/metadata/labels")));
    f.push(("annotations".into(), annotations(o)));
    match kind {
        "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" => {
            // Charts istio-discovery/templates/{mutatingwebhook,validatingwebhookconfiguration,
            // revision-tags-mwc}.yaml, charts/default; istioctl/pkg/tag/generate.go and
            // util.go (DeactivateIstioInjectionWebhook: never-match selectors).
            for w in o["webhooks"].as_array().into_iter().flatten() {
                let n = w["name"].as_str().unwrap_or("").to_string();
                f.push((
                    format!("webhook {n} namespaceSelector"),
                    at(w, "/namespaceSelector"),
                ));
                f.push((format!("webhook {n} objectSelector"), at(w, "/objectSelector")));
                f.push((format!("webhook {n} failurePolicy"), at(w, "/failurePolicy")));
                f.push((format!("webhook {n} service"), at(w, "/clientConfig/service")));
            }
            let names: Vec<Value> = o["webhooks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|w| w["name"].clone())
                .collect();
            f.push(("webhook names".into(), Value::Array(names)));
        }
        "Service" => {
            // Charts */templates/service.yaml; values.gateways.*.type/ports
            // (operator/pkg/render/manifest.go moves k8s.service.ports there).
            // The API server defaults a missing type to ClusterIP.
            let ty = o.pointer("/spec/type").cloned().unwrap_or(json!("ClusterIP"));
            f.push(("type".into(), ty));
            f.push(("selector".into(), at(o, "/spec/selector")));
            let ports: Vec<Value> = o["spec"]["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    // ...and a missing targetPort to the port (pkg/apis/core/v1/defaults.go).
                    let target = match &p["targetPort"] {
                        Value::Null => p["port"].clone(),
                        t => t.clone(),
                    };
                    let mut q = json!({"name": p["name"], "port": p["port"], "targetPort": target});
                    if let Some(np) = p.get("nodePort") {
                        q["nodePort"] = np.clone();
                    }
                    norm(&q)
                })
                .collect();
            f.push(("ports".into(), Value::Array(ports)));
        }
        "Deployment" | "DaemonSet" => {
            // Charts */templates/deployment.yaml / daemonset.yaml (replicas only without
            // autoscaling; the API server defaults a missing one to 1); postprocess.go k8s
            // patches replicaCount, resources, nodeSelector, tolerations.
            let replicas = o.pointer("/spec/replicas").cloned().unwrap_or(json!(1));
            if kind == "Deployment" {
                f.push(("replicas".into(), norm(&replicas)));
            }
            f.push(("selector".into(), at(o, "/spec/selector")));
            f.push(("pod labels".into(), at(o, "/spec/template/metadata/labels")));
            f.push(("nodeSelector".into(), at(o, "/spec/template/spec/nodeSelector")));
            f.push(("tolerations".into(), at(o, "/spec/template/spec/tolerations")));
            for c in o
                .pointer("/spec/template/spec/containers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let n = c["name"].as_str().unwrap_or("");
                f.push((format!("container {n} resources"), at(c, "/resources")));
            }
        }
        "HorizontalPodAutoscaler" => {
            // autoscale.yaml (values autoscaleMin/Max) and postprocess.go hpaSpec.
            f.push(("minReplicas".into(), at(o, "/spec/minReplicas")));
            f.push(("maxReplicas".into(), at(o, "/spec/maxReplicas")));
            f.push(("scaleTargetRef".into(), at(o, "/spec/scaleTargetRef")));
        }
        "PodDisruptionBudget" => {
            // poddisruptionbudget.yaml (when it exists differs between releases).
            f.push(("spec".into(), at(o, "/spec")));
        }
        "Role" | "ClusterRole" => f.push(("rules".into(), at(o, "/rules"))),
        "RoleBinding" | "ClusterRoleBinding" => {
            f.push(("roleRef".into(), at(o, "/roleRef")));
            f.push(("subjects".into(), at(o, "/subjects")));
        }
        "CustomResourceDefinition" => {
            // charts/base/files/crd-all.gen.yaml (trimmed in the fixture).
            f.push(("group".into(), at(o, "/spec/group")));
            f.push(("names".into(), at(o, "/spec/names")));
            let versions: Vec<Value> = o["spec"]["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| norm(&json!({"name": v["name"], "served": v["served"], "storage": v["storage"]})))
                .collect();
            f.push(("versions".into(), Value::Array(versions)));
        }
        _ => {}
    }
    f
}

/// Node ports the fixture leaves to the API server are allocated by it: compare them only
/// where the fixture (the IstioOperator) names them.
fn drop_allocated_node_ports(want: &Value, got: &mut Value) {
    let (Some(wp), Some(gp)) = (
        want.pointer("/spec/ports").and_then(Value::as_array),
        got.pointer_mut("/spec/ports").and_then(Value::as_array_mut),
    ) else {
        return;
    };
    for (i, g) in gp.iter_mut().enumerate() {
        if wp.get(i).and_then(|w| w.get("nodePort")).is_none()
            && let Some(m) = g.as_object_mut()
        {
            m.remove("nodePort");
        }
    }
}

fn compare(
    release: &str,
    config: &str,
    want: &BTreeMap<Key, Value>,
    got: &BTreeMap<Key, Value>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    let id = |k: &Key| {
        if k.1.is_empty() {
            format!("{} {}", k.0, k.2)
        } else {
            format!("{} {}/{}", k.0, k.1, k.2)
        }
    };
    for k in want.keys() {
        if !got.contains_key(k) {
            diffs.push(format!("{release}/{config}: missing {}", id(k)));
        }
    }
    for k in got.keys() {
        if !want.contains_key(k) {
            diffs.push(format!("{release}/{config}: unexpected {}", id(k)));
        }
    }
    for (k, w) in want {
        let Some(g) = got.get(k) else { continue };
        let mut g = g.clone();
        drop_allocated_node_ports(w, &mut g);
        let g = &g;
        let wf: BTreeMap<String, Value> = fields(w).into_iter().collect();
        let gf: BTreeMap<String, Value> = fields(g).into_iter().collect();
        for (name, wv) in &wf {
            let gv = gf.get(name).cloned().unwrap_or(Value::Null);
            if &gv != wv {
                diffs.push(format!(
                    "{release}/{config}: {} {name}:\n    fixture:  {wv}\n    stand-in: {gv}",
                    id(k)
                ));
            }
        }
        for name in gf.keys() {
            if !wf.contains_key(name) {
                diffs.push(format!("{release}/{config}: {} has an extra {name}", id(k)));
            }
        }
    }
    diffs
}

fn configs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir().join("iops"))
        .expect("iops dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|n| n.strip_suffix(".yaml").map(str::to_string))
        .collect();
    names.sort();
    names
}

fn check_release(release: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("istioctl");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubesim"), &bin).expect("symlink");
    let mut all = Vec::new();
    for config in configs() {
        let sim = Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(20))
            .start()
            .expect("sim starts");
        let iop = fixtures_dir().join("iops").join(format!("{config}.yaml"));
        let o = Command::new(&bin)
            .arg("--kubeconfig")
            .arg(sim.kubeconfig())
            .arg("--context")
            .arg(sim.context_name())
            .args(["install", "-y", "--readiness-timeout", "30s", "-f"])
            .arg(&iop)
            .env("ISTIOCTL_STANDIN_VERSION", release)
            .env("ISTIOCTL_STANDIN_POLL", "20ms")
            .env_remove("ISTIOCTL_STANDIN_FAIL_AT")
            .env_remove("ISTIOCTL_STANDIN_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("run istioctl");
        assert!(
            o.status.success(),
            "{release}/{config}: install failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let want = expected(release, &config);
        let got = actual(&sim, &want);
        all.extend(compare(release, &config, &want, &got));
    }
    assert!(
        all.is_empty(),
        "the stand-in differs from the {release} fixtures in {} places:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn fidelity_1_24_0() {
    check_release("1.24.0");
}

#[test]
fn fidelity_1_30_3() {
    check_release("1.30.3");
}

//! The official Python Kubernetes client (`pip install kubernetes`, found through
//! $ISTIOUP_PYTHON; see tests/tools/install-clients.sh) against kubesim. Each test runs a script
//! that prints one JSON object of what the client saw; the assertions are made here.
#[path = "common/clients.rs"]
mod clients;

use kubesim::Sim;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

const PRELUDE: &str = r#"
import json, sys, time
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
apps = client.AppsV1Api()
out = {}
"#;

/// Runs `body` (after PRELUDE) with the client against `sim`; the script's last stdout line is
/// `json.dumps(out)`.
fn py(python: &std::path::Path, sim: &Sim, body: &str) -> Value {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("t.py");
    std::fs::write(&script, format!("{PRELUDE}\n{body}\nprint(json.dumps(out))\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .arg(sim.kubeconfig())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONNOUSERSITE", "1");
    let out = clients::run(cmd, dir.path(), None);
    assert!(
        out.ok,
        "python client script failed:\n{body}\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout, out.stderr
    );
    let last = out.stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn python() -> Option<std::path::PathBuf> {
    clients::client("ISTIOUP_PYTHON", "python kubernetes client")
}

fn start(cluster: &str) -> Sim {
    Sim::builder()
        .cluster_yaml(cluster)
        .ready_delay(Duration::ZERO)
        .deny("delete", "namespaces")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

const PAGED: &str = r#"
namespaces: [{name: a1}, {name: a2}, {name: a3}]
pods:
  - {namespace: a1, name: p1}
  - {namespace: a1, name: p2}
  - {namespace: a2, name: p3}
  - {namespace: a3, name: p4}
  - {namespace: a3, name: p5}
"#;

#[test]
fn list_with_limit_and_continue() {
    let Some(python) = python() else { return };
    let sim = start(PAGED);
    // The client sends `limit` and `continue` (the `_continue` keyword) as query parameters and
    // decodes `metadata.continue` / `metadata.remainingItemCount` into V1ListMeta
    // (`_continue`, `remaining_item_count`). A namespace created after page 1 must not show up
    // in later pages (the continue token pins page 1's snapshot).
    let got = py(
        &python,
        &sim,
        r#"
def pages(fn, **kw):
    names, tokens, remaining, token = [], [], [], None
    while True:
        r = fn(limit=2, _continue=token, **kw) if token else fn(limit=2, **kw)
        names += [i.metadata.name for i in r.items]
        remaining.append(r.metadata.remaining_item_count)
        token = r.metadata._continue
        tokens.append(token)
        if len(tokens) == 1 and fn == v1.list_namespace:
            v1.create_namespace({"metadata": {"name": "zz-late"}})
        if not token:
            return names, tokens, remaining
out["ns"], out["ns_tokens"], out["ns_remaining"] = pages(v1.list_namespace)
out["pods"], _, out["pod_remaining"] = pages(v1.list_pod_for_all_namespaces)
out["a1"], _, _ = pages(v1.list_namespaced_pod, namespace="a1")
out["a3_remaining"] = v1.list_namespaced_pod("a3", limit=1).metadata.remaining_item_count
out["a3_filtered"] = v1.list_namespaced_pod("a3", limit=1, label_selector="x!=y").metadata.remaining_item_count
out["all_ns_now"] = [n.metadata.name for n in v1.list_namespace().items]
"#,
    );
    let ns = strs(&got["ns"]);
    assert_eq!(
        ns,
        [
            "a1",
            "a2",
            "a3",
            "default",
            "kube-node-lease",
            "kube-public",
            "kube-system"
        ]
    );
    // 7 namespaces in pages of 2: 4 pages, the last one without a token.
    assert_eq!(got["ns_tokens"].as_array().map(Vec::len), Some(4));
    assert!(got["ns_tokens"][3].is_null(), "{got}");
    assert!(got["ns_tokens"][0].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(got["ns_remaining"][0], 5, "{got}");
    assert!(strs(&got["all_ns_now"]).contains(&"zz-late".to_string()));
    assert_eq!(strs(&got["pods"]), ["p1", "p2", "p3", "p4", "p5"]);
    assert_eq!(got["pod_remaining"][0], 3, "{got}");
    assert_eq!(strs(&got["a1"]), ["p1", "p2"]);
    // One namespace's unfiltered list is counted too; a filtered one is not
    // (k8s.io/apiserver/pkg/storage/continue.go: PrepareContinueToken).
    assert_eq!(got["a3_remaining"], 1, "{got}");
    assert!(got["a3_filtered"].is_null(), "{got}");
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.starts_with("GET /api/v1/namespaces?") && r.contains("continue=")),
        "{:?}",
        sim.requests()
    );
}

#[test]
fn deployment_create_patch_read() {
    let Some(python) = python() else { return };
    let sim = start("namespaces: [{name: shop}]");
    // create_namespaced_deployment POSTs the dict as JSON and decodes the answer into
    // V1Deployment; patch_namespaced_deployment with `_content_type` sends that content type,
    // and without one (rest.py) a dict body goes as application/strategic-merge-patch+json and a
    // list body as application/json-patch+json. A merge patch replaces the containers list, a
    // strategic one merges it by `name`.
    let got = py(
        &python,
        &sim,
        r#"
dep = {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "web", "labels": {"app": "web"}},
       "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                             "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}
d = apps.create_namespaced_deployment("shop", dep)
out["created"] = {"gen": d.metadata.generation, "uid": d.metadata.uid, "rv": d.metadata.resource_version}
d = apps.patch_namespaced_deployment("web", "shop",
        {"metadata": {"labels": {"tier": "front"}}, "spec": {"replicas": 2}},
        _content_type="application/merge-patch+json")
out["merge"] = {"labels": d.metadata.labels, "replicas": d.spec.replicas, "gen": d.metadata.generation}
d = apps.patch_namespaced_deployment("web", "shop",
        {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "busybox"}]}}}},
        _content_type="application/strategic-merge-patch+json")
out["strategic"] = [c.name for c in d.spec.template.spec.containers]
d = apps.patch_namespaced_deployment("web", "shop",
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}})
out["default_patch"] = [[c.name, c.image] for c in d.spec.template.spec.containers]
d = apps.patch_namespaced_deployment("web", "shop",
        [{"op": "replace", "path": "/spec/replicas", "value": 3}])
out["json_patch_replicas"] = d.spec.replicas
d = apps.patch_namespaced_deployment("web", "shop",
        {"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "busybox"}]}}}},
        _content_type="application/merge-patch+json")
out["merge_list"] = [c.name for c in d.spec.template.spec.containers]
d = apps.read_namespaced_deployment("web", "shop")
out["read"] = {"uid": d.metadata.uid, "labels": d.metadata.labels, "replicas": d.spec.replicas,
               "containers": [c.name for c in d.spec.template.spec.containers],
               "gen": d.metadata.generation, "rv": d.metadata.resource_version}
"#,
    );
    assert_eq!(got["created"]["gen"], 1, "{got}");
    assert_eq!(got["merge"]["labels"]["app"], "web");
    assert_eq!(got["merge"]["labels"]["tier"], "front");
    assert_eq!(got["merge"]["replicas"], 2);
    assert_eq!(got["merge"]["gen"], 2, "a spec change bumps generation: {got}");
    assert_eq!(strs(&got["strategic"]), ["web", "side"]);
    assert_eq!(
        got["default_patch"],
        serde_json::json!([["web", "nginx:1.28"], ["side", "busybox"]]),
        "a dict patch without a content type is strategic: {got}"
    );
    assert_eq!(got["json_patch_replicas"], 3);
    assert_eq!(strs(&got["merge_list"]), ["only"]);
    assert_eq!(got["read"]["uid"], got["created"]["uid"]);
    assert_eq!(strs(&got["read"]["containers"]), ["only"]);
    assert_eq!(got["read"]["replicas"], 3);
    assert_ne!(got["read"]["rv"], got["created"]["rv"]);
    // The server's own view agrees with what the client read back.
    let stored = sim
        .get("/apis/apps/v1/namespaces/shop/deployments/web")
        .unwrap_or_default();
    assert_eq!(stored["metadata"]["labels"]["tier"], "front");
    assert_eq!(stored["spec"]["replicas"], 3);
    assert_eq!(stored["metadata"]["generation"], got["read"]["gen"], "{stored}");
}

#[test]
fn watch_sees_added_pods() {
    let Some(python) = python() else { return };
    let sim = start("namespaces: [{name: w}]\npods: [{namespace: w, name: old}]");
    // watch.Watch().stream(list_namespaced_pod, ...) sends `watch=True` (plus resourceVersion
    // and timeoutSeconds), reads newline-delimited events and turns each `object` into a V1Pod.
    // Without a resourceVersion the existing pods arrive as ADDED; from a list's
    // resourceVersion only what happened after it.
    let got = py(
        &python,
        &sim,
        r#"
w = watch.Watch()
first = []
for ev in w.stream(v1.list_namespaced_pod, "w", timeout_seconds=5):
    first.append([ev["type"], ev["object"].metadata.name, type(ev["object"]).__name__])
    w.stop()
out["initial"] = first
rv = v1.list_namespaced_pod("w").metadata.resource_version
v1.create_namespaced_pod("w", {"metadata": {"name": "fresh", "labels": {"app": "x"}},
                               "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
seen = []
w = watch.Watch()
start = time.time()
for ev in w.stream(v1.list_namespaced_pod, "w", resource_version=rv, timeout_seconds=5):
    seen.append([ev["type"], ev["object"].metadata.name])
    if ev["type"] == "ADDED" and ev["object"].metadata.name == "fresh":
        w.stop()
out["after_rv"] = seen
out["secs"] = time.time() - start
"#,
    );
    assert_eq!(
        got["initial"],
        serde_json::json!([["ADDED", "old", "V1Pod"]]),
        "{got}"
    );
    let after = got["after_rv"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        after.first(),
        Some(&serde_json::json!(["ADDED", "fresh"])),
        "{got}"
    );
    assert!(!after.iter().any(|e| e[1] == "old"), "old pod replayed: {got}");
    assert!(got["secs"].as_f64().unwrap_or(99.0) < 4.0, "{got}");
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.starts_with("GET /api/v1/namespaces/w/pods?") && r.contains("watch=")),
        "{:?}",
        sim.requests()
    );
}

#[test]
fn access_review_and_endpoints() {
    let Some(python) = python() else { return };
    let sim = start(
        "namespaces: [{name: shop}]\nworkloads: [{kind: Deployment, namespace: shop, name: api, replicas: 2}]",
    );
    // AuthorizationV1Api.create_self_subject_access_review POSTs a SelfSubjectAccessReview and
    // decodes status.allowed (kubesim's deny rule: delete namespaces). read_namespaced_endpoints
    // decodes V1Endpoints subsets (addresses with ip/nodeName/targetRef, ports).
    let got = py(
        &python,
        &sim,
        r#"
authz = client.AuthorizationV1Api()
def can(verb, resource, ns=None):
    attrs = {"verb": verb, "resource": resource}
    if ns: attrs["namespace"] = ns
    r = authz.create_self_subject_access_review({"apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview", "spec": {"resourceAttributes": attrs}})
    return r.status.allowed
out["create_pods"] = can("create", "pods", "shop")
out["delete_ns"] = can("delete", "namespaces")
v1.create_namespaced_service("shop", {"metadata": {"name": "api"},
    "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
eps, deadline = None, time.time() + 10
while time.time() < deadline:
    eps = v1.read_namespaced_endpoints("api", "shop")
    if eps.subsets and len(eps.subsets[0].addresses or []) == 2:
        break
    time.sleep(0.1)
s = eps.subsets[0]
out["ips"] = sorted(a.ip for a in s.addresses)
out["targets"] = sorted(a.target_ref.name for a in s.addresses)
out["ports"] = [[p.name, p.port] for p in s.ports]
out["pod_ips"] = sorted(p.status.pod_ip for p in v1.list_namespaced_pod("shop", label_selector="app=api").items)
"#,
    );
    assert_eq!(got["create_pods"], true, "{got}");
    assert_eq!(got["delete_ns"], false, "{got}");
    assert_eq!(got["ports"], serde_json::json!([["http", 8080]]), "{got}");
    assert_eq!(got["ips"], got["pod_ips"], "{got}");
    assert_eq!(got["ips"].as_array().map(Vec::len), Some(2), "{got}");
    assert!(
        strs(&got["targets"]).iter().all(|t| t.starts_with("api-")),
        "{got}"
    );
}

#[test]
fn errors_decode_as_api_exceptions() {
    let Some(python) = python() else { return };
    let sim = start("namespaces: [{name: shop}]");
    // Any non-2xx answer raises kubernetes.client.rest.ApiException with .status (the HTTP
    // code), .reason (the HTTP reason phrase) and .body (the Status object as JSON text).
    let got = py(
        &python,
        &sim,
        r#"
def err(f):
    try:
        f()
        return None
    except ApiException as e:
        b = json.loads(e.body)
        return {"status": e.status, "http_reason": e.reason, "kind": b.get("kind"),
                "reason": b.get("reason"), "code": b.get("code"), "message": b.get("message"),
                "details": b.get("details")}
out["missing"] = err(lambda: v1.read_namespaced_config_map("nope", "shop"))
out["missing_ns"] = err(lambda: v1.create_namespaced_config_map("ghost", {"metadata": {"name": "c"}}))
v1.create_namespaced_config_map("shop", {"metadata": {"name": "c"}, "data": {"a": "1"}})
out["dup"] = err(lambda: v1.create_namespaced_config_map("shop", {"metadata": {"name": "c"}}))
out["denied"] = err(lambda: v1.delete_namespace("shop"))
out["ok"] = err(lambda: v1.read_namespaced_config_map("c", "shop"))
"#,
    );
    let m = &got["missing"];
    assert_eq!(m["status"], 404, "{got}");
    assert_eq!(m["http_reason"], "Not Found");
    assert_eq!(m["kind"], "Status");
    assert_eq!(m["reason"], "NotFound");
    assert_eq!(m["code"], 404);
    assert_eq!(m["message"], "configmaps \"nope\" not found");
    assert_eq!(m["details"]["name"], "nope");
    assert_eq!(m["details"]["kind"], "configmaps");
    assert_eq!(got["missing_ns"]["status"], 404, "{got}");
    assert_eq!(got["dup"]["status"], 409, "{got}");
    assert_eq!(got["dup"]["reason"], "AlreadyExists");
    assert_eq!(got["denied"]["status"], 403, "{got}");
    assert_eq!(got["denied"]["reason"], "Forbidden");
    assert!(got["ok"].is_null(), "{got}");
    assert!(sim.get("/api/v1/namespaces/shop").is_some());
}

//! Admission webhooks' availability and failurePolicy, as kube-apiserver's webhook
//! dispatchers (k8s.io/apiserver/pkg/admission/plugin/webhook/mutating/dispatcher.go and
//! .../validating/dispatcher.go) handle them: a matching webhook whose service has no Ready
//! endpoint fails the request with `failed calling webhook "<name>": failed to call webhook:
//! Post "https://<svc>.<ns>.svc:443/<path>?timeout=10s": no endpoints available for service
//! "<svc>"` (an InternalError, 500) under failurePolicy Fail, and is skipped under Ignore.
mod common;
use common::kubectl::{Kubectl, kubectl};
use common::*;
use kubesim::Sim;
use serde_json::{Value, json};
use std::time::Duration;

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

/// istiod (Deployment + Service) and its injector webhook, shaped like Istio's chart.
fn istio(failure_policy: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: Namespace
metadata: {{name: istio-system}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: istiod, namespace: istio-system}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: istiod}}}}
  template:
    metadata: {{labels: {{app: istiod, sidecar.istio.io/inject: "false"}}}}
    spec: {{containers: [{{name: discovery, image: pilot:1, ports: [{{containerPort: 15017}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: istiod, namespace: istio-system}}
spec:
  selector: {{app: istiod}}
  ports: [{{name: https-webhook, port: 443, targetPort: 15017}}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector
  labels: {{istio.io/rev: default}}
webhooks:
- name: namespace.sidecar-injector.istio.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: {failure_policy}
  clientConfig:
    service: {{name: istiod, namespace: istio-system, path: /inject, port: 443}}
  namespaceSelector:
    matchExpressions: [{{key: istio-injection, operator: In, values: [enabled]}}]
  objectSelector:
    matchExpressions: [{{key: sidecar.istio.io/inject, operator: NotIn, values: ["false"]}}]
  rules:
  - {{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: shop, labels: {{istio-injection: enabled}}}}
---
apiVersion: v1
kind: Namespace
metadata: {{name: plain}}
"#
    )
}

fn pod(ns: &str, name: &str, labels: &str) -> String {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": ns, "labels": serde_json::from_str::<Value>(labels).unwrap_or(json!({}))},
           "spec": {"containers": [{"name": "app", "image": "app:1"}]}})
    .to_string()
}

/// The containers that run: native sidecars (init containers with `restartPolicy: Always`, how
/// the 1.27+ injector adds the proxy on Kubernetes 1.33 nodes), then the ordinary ones.
fn containers(p: &Value) -> Vec<String> {
    let names = |list: &str, sidecars: bool| -> Vec<String> {
        p["spec"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| !sidecars || c["restartPolicy"] == "Always")
            .map(|c| c["name"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let mut out = names("initContainers", true);
    out.extend(names("containers", false));
    out
}

fn istiod_ready(sim: &Sim) -> bool {
    sim.get("/api/v1/namespaces/istio-system/endpoints/istiod")
        .is_some_and(|e| e["subsets"][0]["addresses"].is_array())
}

fn scale_istiod(sim: &Sim, n: i64) {
    let r = request_ct(
        sim.url(),
        "PATCH",
        "/apis/apps/v1/namespaces/istio-system/deployments/istiod/scale",
        &json!({"spec": {"replicas": n}}).to_string(),
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
}

const NO_ENDPOINTS: &str = r#"Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": no endpoints available for service "istiod""#;

#[test]
fn injection_needs_a_ready_istiod_and_fail_rejects_without_one() {
    let sim = start(Sim::builder().ready_delay(Duration::from_millis(100)));
    sim.apply_yaml(&istio("Fail")).unwrap_or_else(|e| panic!("{e:#}"));
    let u = sim.url();
    // istiod is not Ready yet: a pod the webhook matches is rejected.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "early", "{}")),
    );
    assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(&r.body));
    let st = r.json();
    assert_eq!(st["reason"], "InternalError");
    assert_eq!(st["message"], NO_ENDPOINTS);
    // Not matched by the namespaceSelector / objectSelector: admitted, not injected.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/plain/pods",
        Some(&pod("plain", "p", "{}")),
    );
    assert_eq!(r.status, 201);
    assert_eq!(containers(&r.json()), ["app"]);
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "optout", r#"{"sidecar.istio.io/inject": "false"}"#)),
    );
    assert_eq!(r.status, 201);
    assert_eq!(containers(&r.json()), ["app"]);
    // Other kinds are not in the rules.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/configmaps",
        Some(r#"{"metadata":{"name":"c"}}"#),
    );
    assert_eq!(r.status, 201);

    // istiod Ready: the pod is injected.
    assert!(sim.wait_for(Duration::from_secs(5), istiod_ready));
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "late", "{}")),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let p = r.json();
    assert_eq!(containers(&p), ["istio-proxy", "app"]);
    assert_eq!(p["metadata"]["labels"]["istio.io/rev"], "default");

    // istiod scaled to 0 while the webhook stays: rejected again.
    scale_istiod(&sim, 0);
    assert!(sim.wait_for(Duration::from_secs(5), |s| !istiod_ready(s)));
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "orphaned", "{}")),
    );
    assert_eq!(r.status, 500);
    assert_eq!(r.json()["message"], NO_ENDPOINTS);

    // The Service deleted too: the resolver cannot find it.
    request(
        u,
        "DELETE",
        "/api/v1/namespaces/istio-system/services/istiod",
        None,
    );
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "nosvc", "{}")),
    );
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json()["message"],
        r#"Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": service "istiod" not found"#
    );
}

#[test]
fn a_leftover_injector_keeps_deployments_from_getting_pods() {
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    sim.apply_yaml(&istio("Fail")).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(istiod_ready(&sim));
    // An uninstall that removed istiod but left the webhook behind.
    assert!(sim.delete("/apis/apps/v1/namespaces/istio-system/deployments/istiod"));
    assert!(sim.wait_for(Duration::from_secs(5), |s| !istiod_ready(s)));
    sim.apply_yaml(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web:1}]}}}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sim.list("/api/v1/namespaces/shop/pods").is_empty());
    let rs = sim.list("/apis/apps/v1/namespaces/shop/replicasets");
    assert_eq!(rs.len(), 1);
    let rs_name = rs[0]["metadata"]["name"].as_str().unwrap_or("").to_string();
    // The ReplicaSet controller's FailedCreate event and ReplicaFailure condition.
    let ev = sim
        .list("/api/v1/namespaces/shop/events")
        .into_iter()
        .find(|e| e["reason"] == "FailedCreate")
        .unwrap_or_else(|| panic!("no FailedCreate event"));
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["involvedObject"]["kind"], "ReplicaSet");
    assert_eq!(ev["involvedObject"]["name"], rs_name.as_str());
    assert_eq!(ev["message"], format!("Error creating: {NO_ENDPOINTS}"));
    let cond = &rs[0]["status"]["conditions"][0];
    assert_eq!(cond["type"], "ReplicaFailure");
    assert_eq!(cond["reason"], "FailedCreate");
    // The controller retries: once istiod is back, the pods appear (injected).
    sim.apply_yaml(&istio("Fail")).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.list("/api/v1/namespaces/shop/pods").len() == 2
    }));
    let pods = sim.list("/api/v1/namespaces/shop/pods");
    assert!(
        pods.iter()
            .all(|p| containers(p).contains(&"istio-proxy".to_string()))
    );
}

#[test]
fn ignore_admits_unmodified() {
    let sim = start(Sim::builder().ready_delay(Duration::from_secs(30)));
    sim.apply_yaml(&istio("Ignore"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let r = request(
        sim.url(),
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some(&pod("shop", "p", "{}")),
    );
    assert_eq!(r.status, 201);
    assert_eq!(containers(&r.json()), ["app"]);
}

#[test]
fn validating_webhooks_rules_selectors_and_urls() {
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    sim.apply_yaml(
        r#"
apiVersion: v1
kind: Namespace
metadata: {name: guarded, labels: {guard: "on"}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: guard}
webhooks:
- name: guard.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig: {service: {name: guard, namespace: default, path: /validate}}
  namespaceSelector: {matchLabels: {guard: "on"}}
  objectSelector:
    matchExpressions: [{key: skip, operator: DoesNotExist}]
  rules:
  - {apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: ["*"]}
- name: url.example.com
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Fail
  clientConfig: {url: "https://hooks.example.com:8443/check"}
  rules:
  - {apiGroups: [rbac.authorization.k8s.io], apiVersions: [v1], operations: [CREATE], resources: [clusterroles], scope: Cluster}
"#,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let u = sim.url();
    let cm = |ns: &str, name: &str, labels: Value| {
        request(
            u,
            "POST",
            &format!("/api/v1/namespaces/{ns}/configmaps"),
            Some(&json!({"metadata": {"name": name, "labels": labels}}).to_string()),
        )
    };
    // "*" resources, matched namespace: the (missing) service fails the call; the default
    // failurePolicy is Fail.
    let r = cm("guarded", "a", json!({}));
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json()["message"],
        r#"Internal error occurred: failed calling webhook "guard.example.com": failed to call webhook: Post "https://guard.default.svc:443/validate?timeout=10s": service "guard" not found"#
    );
    // objectSelector and namespaceSelector misses are admitted.
    assert_eq!(cm("guarded", "b", json!({"skip": "1"})).status, 201);
    assert_eq!(cm("default", "c", json!({})).status, 201);
    // UPDATE is in the rules too; status subresources are not matched by "*".
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/guarded/configmaps/b",
        r#"{"metadata":{"labels":{"skip":null}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(
        r.status, 500,
        "old object matched skip, new one does not: matched"
    );
    // A url webhook is unreachable; cluster scope and its group/resource are matched. (The
    // guard webhook matches cluster-scoped objects whatever its namespaceSelector says;
    // the label keeps it out.)
    let r = request(
        u,
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        Some(r#"{"metadata":{"name":"r","labels":{"skip":"1"}},"rules":[]}"#),
    );
    assert_eq!(r.status, 500);
    assert_eq!(
        r.json()["message"],
        r#"Internal error occurred: failed calling webhook "url.example.com": failed to call webhook: Post "https://hooks.example.com:8443/check?timeout=10s": dial tcp hooks.example.com:8443: connect: connection refused"#
    );
    // A service with a Ready endpoint admits.
    sim.apply_yaml(
        "apiVersion: v1\nkind: Service\nmetadata: {name: guard, namespace: default}\nspec: {selector: {app: guard}, ports: [{port: 443}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: guard, namespace: default, labels: {app: guard}}\nspec: {containers: [{name: g, image: g}]}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(cm("guarded", "d", json!({})).status, 201);
    // Webhook configurations themselves are exempt, so a broken one can be removed.
    assert_eq!(
        request(
            u,
            "DELETE",
            "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/guard",
            None
        )
        .status,
        200
    );
    assert_eq!(
        request(
            u,
            "POST",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            Some(r#"{"metadata":{"name":"r"},"rules":[]}"#),
        )
        .status,
        201
    );
}

#[test]
fn url_webhooks_can_be_declared_reachable() {
    let sim = start(Sim::builder().webhook_urls_reachable(true));
    sim.apply_yaml(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: v}\nwebhooks:\n- {name: v.example.com, admissionReviewVersions: [v1], sideEffects: None, clientConfig: {url: 'https://x.example.com/'}, rules: [{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let r = request(
        sim.url(),
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"metadata":{"name":"c"}}"#),
    );
    assert_eq!(r.status, 201);
}

#[test]
fn kubectl_shows_the_webhook_failure() {
    let Some(bin) = kubectl() else { return };
    let sim = start(Sim::builder().ready_delay(Duration::from_secs(30)));
    sim.apply_yaml(&istio("Fail")).unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    let (ok, _, err) = k.run(&["apply", "-f", "-"], Some(&pod("shop", "p", "{}")));
    assert!(!ok);
    assert!(
        err.contains(r#"Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io""#),
        "{err}"
    );
    assert!(
        err.contains(r#"no endpoints available for service "istiod""#),
        "{err}"
    );
}

//! Deletion as a real API server does it: finalizers (k8s.io/apiserver registry
//! BeforeDelete / ShouldDeleteDuringUpdate), graceful pod deletion (pod strategy
//! CheckGracefulDelete), namespace termination (pkg/registry/core/namespace and the namespace
//! controller, pkg/controller/namespace) with the NamespaceLifecycle admission plugin
//! refusing new content, and propagationPolicy through the garbage collector
//! (pkg/controller/garbagecollector).
mod common;
use common::kubectl::{Kubectl, kubectl};
use common::*;
use kubesim::Sim;
use serde_json::{Value, json};
use std::time::Duration;

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: web:1}]}}}\n";

fn pods(sim: &Sim, ns: &str) -> Vec<Value> {
    sim.list(&format!("/api/v1/namespaces/{ns}/pods"))
}

#[test]
fn finalizers_keep_objects_until_removed() {
    let sim = start(Sim::builder());
    let u = sim.url();
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"metadata":{"name":"held","finalizers":["example.com/hold"]}}"#),
    );
    assert_eq!(r.status, 201);
    let r = request(u, "DELETE", "/api/v1/namespaces/default/configmaps/held", None);
    assert_eq!(r.status, 200);
    let cm = r.json();
    assert!(cm["metadata"]["deletionTimestamp"].is_string(), "{cm}");
    // Still there, with deletionTimestamp, until the finalizer goes.
    let cur = get(u, "/api/v1/namespaces/default/configmaps/held");
    assert_eq!(cur.status, 200);
    assert!(cur.json()["metadata"]["deletionTimestamp"].is_string());
    // No new finalizers once deleting (ValidateObjectMetaUpdate).
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/held",
        r#"{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 422);
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("no new finalizers can be added if the object is being deleted")),
    );
    // Other updates work and keep deletionTimestamp.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/held",
        r#"{"data":{"a":"1"}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert!(r.json()["metadata"]["deletionTimestamp"].is_string());
    // Removing the last finalizer deletes it.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/held",
        r#"{"metadata":{"finalizers":null}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert_eq!(get(u, "/api/v1/namespaces/default/configmaps/held").status, 404);
}

#[test]
fn pods_are_deleted_gracefully() {
    let sim = start(
        Sim::builder()
            .ready_delay(Duration::ZERO)
            .pod_grace(Duration::from_millis(300)),
    );
    let u = sim.url();
    for name in ["slow", "fast"] {
        let r = request(
            u,
            "POST",
            "/api/v1/namespaces/default/pods",
            Some(
                &json!({"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "c"}]}})
                    .to_string(),
            ),
        );
        assert_eq!(r.status, 201);
    }
    let r = request(u, "DELETE", "/api/v1/namespaces/default/pods/slow", None);
    assert_eq!(r.status, 200);
    let p = r.json();
    assert!(p["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
    assert_eq!(get(u, "/api/v1/namespaces/default/pods/slow").status, 200);
    // gracePeriodSeconds=0 is immediate.
    let r = request(
        u,
        "DELETE",
        "/api/v1/namespaces/default/pods/fast?gracePeriodSeconds=0",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(get(u, "/api/v1/namespaces/default/pods/fast").status, 404);
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/api/v1/namespaces/default/pods/slow").is_none()
    }));
}

#[test]
fn namespaces_terminate_and_refuse_new_content() {
    let sim = start(
        Sim::builder()
            .ready_delay(Duration::ZERO)
            .namespace_termination(Duration::from_millis(500)),
    );
    let u = sim.url();
    sim.apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: gone}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: gone}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: gone}\nspec: {containers: [{name: c, image: c}]}\n")
        .unwrap_or_else(|e| panic!("{e:#}"));
    let r = request(u, "DELETE", "/api/v1/namespaces/gone", None);
    assert_eq!(r.status, 200);
    let ns = r.json();
    assert_eq!(ns["status"]["phase"], "Terminating");
    assert!(ns["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
    // Terminating: still readable, content still there (the controller has not started).
    assert_eq!(
        get(u, "/api/v1/namespaces/gone").json()["status"]["phase"],
        "Terminating"
    );
    // Its ConfigMap and the root-CA publisher's kube-root-ca.crt.
    assert_eq!(sim.list("/api/v1/namespaces/gone/configmaps").len(), 2);
    // New content is forbidden (NamespaceLifecycle admission).
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/gone/configmaps",
        Some(r#"{"metadata":{"name":"new"}}"#),
    );
    assert_eq!(r.status, 403);
    let st = r.json();
    assert_eq!(st["reason"], "Forbidden");
    assert_eq!(
        st["message"],
        r#"configmaps "new" is forbidden: unable to create new content in namespace gone because it is being terminated"#
    );
    assert_eq!(st["details"]["causes"][0]["reason"], "NamespaceTerminating");
    let r = request(
        u,
        "POST",
        "/apis/apps/v1/namespaces/gone/deployments",
        Some(
            r#"{"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"c"}]}}}}"#,
        ),
    );
    assert_eq!(
        r.json()["message"],
        r#"deployments.apps "web" is forbidden: unable to create new content in namespace gone because it is being terminated"#
    );
    // A second delete is a Conflict.
    let r = request(u, "DELETE", "/api/v1/namespaces/gone", None);
    assert_eq!(r.status, 409);
    assert!(
        r.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("The system is ensuring all content is removed from this namespace"))
    );
    // The namespace controller empties it, then it disappears.
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/api/v1/namespaces/gone").is_none()
    }));
    assert!(sim.list("/api/v1/namespaces/gone/configmaps").is_empty());
    assert!(pods(&sim, "gone").is_empty());
    // And can be created again.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces",
        Some(r#"{"metadata":{"name":"gone"}}"#),
    );
    assert_eq!(r.status, 201);
}

#[test]
fn namespaces_wait_for_finalized_content() {
    let sim = start(Sim::builder());
    let u = sim.url();
    sim.apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: stuck}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: stuck, finalizers: [example.com/hold]}\n")
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(request(u, "DELETE", "/api/v1/namespaces/stuck", None).status, 200);
    let ns = sim.get("/api/v1/namespaces/stuck").unwrap_or_default();
    assert_eq!(ns["status"]["phase"], "Terminating");
    let conds = ns["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let remaining = conds
        .iter()
        .find(|c| c["type"] == "NamespaceFinalizersRemaining")
        .cloned()
        .unwrap_or_default();
    assert_eq!(remaining["status"], "True");
    assert_eq!(
        remaining["message"],
        "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
    );
    request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/stuck/configmaps/held",
        r#"{"metadata":{"finalizers":null}}"#,
        "application/merge-patch+json",
    );
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/api/v1/namespaces/stuck").is_none()
    }));
}

#[test]
fn propagation_policies() {
    let sim = start(
        Sim::builder()
            .ready_delay(Duration::ZERO)
            .pod_grace(Duration::from_millis(300)),
    );
    let u = sim.url();
    let rs = |s: &Sim| s.list("/apis/apps/v1/namespaces/default/replicasets");

    // Background (the default): the Deployment goes at once, the garbage collector takes
    // the ReplicaSet, and the pods (gracefully) after it.
    sim.apply_yaml(DEPLOY).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(pods(&sim, "default").len(), 2);
    request(
        u,
        "DELETE",
        "/apis/apps/v1/namespaces/default/deployments/web",
        None,
    );
    assert_eq!(
        get(u, "/apis/apps/v1/namespaces/default/deployments/web").status,
        404
    );
    assert!(rs(&sim).is_empty());
    assert!(
        pods(&sim, "default")
            .iter()
            .all(|p| p["metadata"]["deletionTimestamp"].is_string())
    );
    assert!(sim.wait_for(Duration::from_secs(5), |s| pods(s, "default").is_empty()));

    // Foreground: the Deployment stays (finalizer foregroundDeletion) until its dependents
    // are gone, pods included.
    sim.apply_yaml(DEPLOY).unwrap_or_else(|e| panic!("{e:#}"));
    let r = request(
        u,
        "DELETE",
        "/apis/apps/v1/namespaces/default/deployments/web",
        Some(r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}"#),
    );
    assert_eq!(r.status, 200);
    let d = get(u, "/apis/apps/v1/namespaces/default/deployments/web").json();
    assert!(d["metadata"]["deletionTimestamp"].is_string(), "{d}");
    assert_eq!(d["metadata"]["finalizers"], json!(["foregroundDeletion"]));
    assert!(!pods(&sim, "default").is_empty());
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/apis/apps/v1/namespaces/default/deployments/web")
            .is_none()
    }));
    assert!(
        pods(&sim, "default").is_empty(),
        "the owner goes after its dependents"
    );
    assert!(rs(&sim).is_empty());

    // Orphan: the dependents stay, without the ownerReference.
    sim.apply_yaml(DEPLOY).unwrap_or_else(|e| panic!("{e:#}"));
    let r = request(
        u,
        "DELETE",
        "/apis/apps/v1/namespaces/default/deployments/web?propagationPolicy=Orphan",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        get(u, "/apis/apps/v1/namespaces/default/deployments/web").status,
        404
    );
    let left = rs(&sim);
    assert_eq!(left.len(), 1);
    assert!(left[0]["metadata"]["ownerReferences"].is_null());
    assert_eq!(pods(&sim, "default").len(), 2);
}

#[test]
fn kubectl_delete_waits_and_sees_terminating_namespaces() {
    let Some(bin) = kubectl() else { return };
    let sim = start(
        Sim::builder()
            .ready_delay(Duration::ZERO)
            .namespace_termination(Duration::from_secs(2)),
    );
    sim.apply_yaml(DEPLOY).unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    // --cascade=orphan leaves the ReplicaSet.
    k.ok(&["delete", "deployment", "web", "-n", "default", "--cascade=orphan"]);
    assert_eq!(sim.list("/apis/apps/v1/namespaces/default/replicasets").len(), 1);
    // kubectl delete pod waits for the graceful deletion to finish.
    let victim = pods(&sim, "default")[0]["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    k.ok(&["delete", "pod", &victim, "-n", "default"]);
    assert!(
        sim.get(&format!("/api/v1/namespaces/default/pods/{victim}"))
            .is_none()
    );
    // Reinstalling into a namespace that is still terminating fails.
    k.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n");
    k.ok(&["delete", "namespace", "istio-system", "--wait=false"]);
    let (ok, _, err) = k.run(
        &["apply", "-f", "-"],
        Some("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\n"),
    );
    assert!(!ok);
    assert!(
        err.contains("unable to create new content in namespace istio-system because it is being terminated"),
        "{err}"
    );
    let phase = k.ok(&[
        "get",
        "namespace",
        "istio-system",
        "-o",
        "jsonpath={.status.phase}",
    ]);
    assert_eq!(phase, "Terminating");
}

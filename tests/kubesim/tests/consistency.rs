//! Dry-run (k8s.io/apiserver: `dryRun=All` fully processes a write, admission included, and
//! persists nothing) and consistent pagination (a continued list is served from the
//! snapshot of its first page, as etcd serves it at the first page's revision; the
//! apiserver answers 410 Expired once that revision is compacted).
mod common;
use common::kubectl::{Kubectl, kubectl};
use common::*;
use kubesim::Sim;
use serde_json::json;
use std::time::Duration;

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn dry_run_never_writes_and_answers_the_would_be_object() {
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    let u = sim.url();
    let before = sim.list("/api/v1/events").len();
    // POST: defaults and admission run (a pod is defaulted), nothing is stored or scheduled.
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/default/pods?dryRun=All",
        Some(r#"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"c"}]}}"#),
    );
    assert_eq!(r.status, 201);
    let p = r.json();
    assert_eq!(p["spec"]["restartPolicy"], "Always");
    assert!(p["metadata"]["uid"].is_string());
    assert!(p["spec"]["nodeName"].is_null());
    assert_eq!(get(u, "/api/v1/namespaces/default/pods/p").status, 404);
    assert_eq!(sim.list("/api/v1/events").len(), before);
    // Errors are the real ones (the namespace lifecycle still applies).
    let r = request(
        u,
        "POST",
        "/api/v1/namespaces/none/configmaps?dryRun=All",
        Some(r#"{"metadata":{"name":"c"}}"#),
    );
    assert_eq!(r.status, 404);
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"metadata":{"name":"c"},"data":{"a":"1"}}"#),
    );
    let stored = get(u, "/api/v1/namespaces/default/configmaps/c").json();
    // PATCH and PUT answer the patched object, store nothing.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/c?dryRun=All",
        r#"{"data":{"a":"2"}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["a"], "2");
    let mut put = stored.clone();
    put["data"]["a"] = json!("3");
    let r = request(
        u,
        "PUT",
        "/api/v1/namespaces/default/configmaps/c?dryRun=All",
        Some(&put.to_string()),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["a"], "3");
    // DELETE answers the object and keeps it.
    let r = request(
        u,
        "DELETE",
        "/api/v1/namespaces/default/configmaps/c?dryRun=All",
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(get(u, "/api/v1/namespaces/default/configmaps/c").json(), stored);
    let r = request(u, "DELETE", "/api/v1/namespaces/default?dryRun=All", None);
    assert_eq!(r.status, 403);
}

#[test]
fn kubectl_server_dry_run_and_diff() {
    let Some(bin) = kubectl() else { return };
    let sim = start(Sim::builder());
    let k = Kubectl::new(bin, &sim);
    let cm = |v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: settings, namespace: default}}\ndata: {{level: \"{v}\"}}\n"
        )
    };
    let (ok, out, err) = k.run(&["apply", "--dry-run=server", "-f", "-"], Some(&cm("1")));
    assert!(ok, "{err}");
    assert!(
        out.contains("configmap/settings created (server dry run)"),
        "{out}"
    );
    assert!(
        sim.get("/api/v1/namespaces/default/configmaps/settings")
            .is_none()
    );
    k.apply(&cm("1"));
    let (ok, out, err) = k.run(
        &["apply", "--dry-run=server", "-o", "json", "-f", "-"],
        Some(&cm("2")),
    );
    assert!(ok, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(shown["data"]["level"], "2");
    assert_eq!(
        sim.get("/api/v1/namespaces/default/configmaps/settings")
            .map(|c| c["data"]["level"].clone()),
        Some(json!("1"))
    );
    // kubectl diff: exit 1 with the change, nothing written.
    let (ok, out, err) = k.run(&["diff", "-f", "-"], Some(&cm("3")));
    assert!(!ok, "diff exits 1 when there are changes: {out}{err}");
    assert!(
        out.contains("-  level: \"1\"") && out.contains("+  level: \"3\""),
        "{out}\n{err}"
    );
    let (ok, out, _) = k.run(&["diff", "-f", "-"], Some(&cm("1")));
    assert!(ok, "no changes: {out}");
    k.ok(&[
        "delete",
        "configmap",
        "settings",
        "-n",
        "default",
        "--dry-run=server",
    ]);
    assert!(
        sim.get("/api/v1/namespaces/default/configmaps/settings")
            .is_some()
    );
}

#[test]
fn continued_lists_come_from_the_first_pages_snapshot() {
    let sim = start(Sim::builder());
    let u = sim.url();
    for i in 0..6 {
        request(
            u,
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some(&json!({"metadata": {"name": format!("cm-{i}")}, "data": {"v": "old"}}).to_string()),
        );
    }
    let page1 = get(u, "/api/v1/namespaces/default/configmaps?limit=3").json();
    assert_eq!(names(&page1), ["cm-0", "cm-1", "cm-2"]);
    // An unfiltered list of one namespace counts what is left of it, as a whole-table list does
    // (k8s.io/apiserver/pkg/storage/continue.go: PrepareContinueToken): 6 configmaps and
    // kube-root-ca.crt, 3 of them sent.
    assert_eq!(page1["metadata"]["remainingItemCount"], 4, "{page1}");
    let tok = page1["metadata"]["continue"].as_str().unwrap_or("").to_string();
    let rv = page1["metadata"]["resourceVersion"].clone();
    // After page 1: one created (sorting into page 2), one deleted and one changed on page 2.
    request(
        u,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(r#"{"metadata":{"name":"cm-3a"}}"#),
    );
    request(u, "DELETE", "/api/v1/namespaces/default/configmaps/cm-4", None);
    request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/configmaps/cm-5",
        r#"{"data":{"v":"new"}}"#,
        "application/merge-patch+json",
    );
    let page2 = get(
        u,
        &format!("/api/v1/namespaces/default/configmaps?limit=3&continue={tok}"),
    )
    .json();
    assert_eq!(names(&page2), ["cm-3", "cm-4", "cm-5"]);
    assert_eq!(page2["items"][2]["data"]["v"], "old");
    assert_eq!(page2["metadata"]["resourceVersion"], rv);
    // Counted in page 1's snapshot: what was created and deleted since does not change it.
    assert_eq!(page2["metadata"]["remainingItemCount"], 1, "{page2}");
    // A filtered list's count would be wrong (the store counts what does not match), so none.
    let filtered = get(
        u,
        "/api/v1/namespaces/default/configmaps?limit=3&labelSelector=app%21%3Dnone",
    )
    .json();
    assert!(
        filtered["metadata"]["continue"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(filtered["metadata"]["remainingItemCount"].is_null(), "{filtered}");
    // The whole-table variant counts the snapshot for remainingItemCount too.
    let all1 = get(u, "/api/v1/configmaps?limit=2").json();
    let tok = all1["metadata"]["continue"].as_str().unwrap_or("").to_string();
    request(u, "DELETE", "/api/v1/namespaces/default/configmaps/cm-0", None);
    let all2 = get(u, &format!("/api/v1/configmaps?limit=2&continue={tok}")).json();
    assert_eq!(names(&all2), ["cm-2", "cm-3"]);
    // A fresh list sees the changes.
    let fresh = get(u, "/api/v1/namespaces/default/configmaps").json();
    assert_eq!(
        names(&fresh),
        ["cm-1", "cm-2", "cm-3", "cm-3a", "cm-5", "kube-root-ca.crt"]
    );
}

#[test]
fn continue_tokens_expire_with_the_history() {
    let sim = start(Sim::builder());
    let u = sim.url();
    for i in 0..3 {
        request(
            u,
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some(&json!({"metadata": {"name": format!("cm-{i}")}}).to_string()),
        );
    }
    let page1 = get(u, "/api/v1/namespaces/default/configmaps?limit=1").json();
    let tok = page1["metadata"]["continue"].as_str().unwrap_or("").to_string();
    // More writes than the history keeps (20,000 events): the first page's version is gone.
    for i in 0..20_001 {
        sim.apply_yaml(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: churn, namespace: kube-public}}\ndata: {{i: \"{i}\"}}\n"
        ))
        .unwrap_or_else(|e| panic!("{e:#}"));
    }
    let r = get(
        u,
        &format!("/api/v1/namespaces/default/configmaps?limit=1&continue={tok}"),
    );
    assert_eq!(r.status, 410);
    assert_eq!(r.json()["reason"], "Expired");
}

//! The real kubectl against kubesim. Skipped (with a note) when kubectl is missing, unless
//! ISTIOUP_REQUIRE_KUBECTL=1 makes that a failure.
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;
use serde_json::Value;
use std::time::Duration;

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

const CLUSTER: &str = r#"
nodes:
  - {name: worker-1, labels: {zone: a}}
  - {name: worker-2, labels: {zone: b}}
namespaces:
  - {name: shop, labels: {team: web}}
pods:
  - {namespace: shop, name: p1, node: worker-1, labels: {app: a}}
  - {namespace: shop, name: p2, node: worker-2, labels: {app: b}}
"#;

#[test]
fn get_list_selectors_and_raw() {
    let Some(bin) = kubectl() else { return };
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .k8s_version("v1.31.3")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    let v: Value = serde_json::from_str(&k.ok(&["get", "--raw", "/version"])).unwrap_or_default();
    assert_eq!(v["gitVersion"], "v1.31.3");
    assert_eq!(names(&k.json(&["get", "nodes"])), ["worker-1", "worker-2"]);
    assert_eq!(names(&k.json(&["get", "nodes", "-l", "zone=b"])), ["worker-2"]);
    assert_eq!(
        names(&k.json(&["get", "pods", "-A", "--field-selector", "spec.nodeName=worker-1"])),
        ["p1"]
    );
    assert_eq!(
        names(&k.json(&["get", "pods", "-n", "shop", "-l", "app in (a,b),app!=b"])),
        ["p1"]
    );
    let one = k.json(&["get", "ns", "shop"]);
    assert_eq!(one["metadata"]["labels"]["team"], "web");
    // Table output for the human-readable form.
    let out = k.ok(&["get", "pods", "-n", "shop"]);
    assert!(
        out.contains("READY") && out.contains("p1") && out.contains("Running"),
        "{out}"
    );
    let out = k.ok(&["get", "nodes"]);
    assert!(out.contains("worker-1") && out.contains("Ready"), "{out}");
    // Paging through kubectl's chunking.
    let out = k.ok(&["get", "pods", "-A", "--chunk-size=1", "-o", "name"]);
    assert_eq!(out.lines().count(), 2);
    // A missing object.
    let (ok, _, err) = k.run(&["get", "ns", "nope"], None);
    assert!(!ok);
    assert!(err.contains("namespaces \"nope\" not found"), "{err}");
}

#[test]
fn label_annotate_apply_delete() {
    let Some(bin) = kubectl() else { return };
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    k.ok(&["label", "ns", "shop", "istio-injection=enabled"]);
    k.ok(&["annotate", "ns", "shop", "owner=me"]);
    let ns = sim.get("/api/v1/namespaces/shop").unwrap_or_default();
    assert_eq!(ns["metadata"]["labels"]["istio-injection"], "enabled");
    assert_eq!(ns["metadata"]["annotations"]["owner"], "me");
    k.ok(&["label", "ns", "shop", "istio-injection-"]);
    assert!(
        sim.get("/api/v1/namespaces/shop").unwrap_or_default()["metadata"]["labels"]
            .get("istio-injection")
            .is_none()
    );

    let yaml = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {a: "1"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {plural: servicemonitors, singular: servicemonitor, kind: ServiceMonitor, listKind: ServiceMonitorList}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
"#;
    let out = k.apply(yaml);
    assert!(out.contains("configmap/settings created"), "{out}");
    let cm = sim
        .get("/api/v1/namespaces/shop/configmaps/settings")
        .unwrap_or_default();
    assert!(cm["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"].is_string());
    let out = k.apply(&yaml.replace("a: \"1\"", "a: \"2\""));
    assert!(out.contains("configmap/settings configured"), "{out}");
    assert_eq!(
        sim.get("/api/v1/namespaces/shop/configmaps/settings")
            .unwrap_or_default()["data"]["a"],
        "2"
    );
    let out = k.apply(yaml.replace("a: \"1\"", "a: \"2\"").as_str());
    assert!(out.contains("configmap/settings unchanged"), "{out}");
    // A custom resource of the new CRD (a fresh discovery is needed for it).
    k.apply("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm, namespace: shop}\nspec: {endpoints: []}\n");
    assert!(
        sim.get("/apis/monitoring.coreos.com/v1/namespaces/shop/servicemonitors/sm")
            .is_some()
    );
    k.apply("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm, namespace: shop}\nspec: {endpoints: [{port: http}]}\n");
    assert_eq!(
        sim.get("/apis/monitoring.coreos.com/v1/namespaces/shop/servicemonitors/sm")
            .unwrap_or_default()["spec"]["endpoints"][0]["port"],
        "http"
    );

    k.ok(&["delete", "configmap", "settings", "-n", "shop"]);
    assert!(sim.get("/api/v1/namespaces/shop/configmaps/settings").is_none());
    k.ok(&["delete", "crd", "servicemonitors.monitoring.coreos.com"]);
    assert!(
        sim.list("/apis/monitoring.coreos.com/v1/servicemonitors")
            .is_empty()
    );
    k.ok(&["delete", "ns", "shop"]);
    assert!(sim.get("/api/v1/namespaces/shop").is_none());
    assert!(sim.list("/api/v1/namespaces/shop/pods").is_empty());
}

#[test]
fn rollout_restart_and_status() {
    let Some(bin) = kubectl() else { return };
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .ready_delay(Duration::from_millis(200))
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    k.apply(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "nginx:1.27", resources: {requests: {cpu: 100m, memory: 64Mi}}}
"#,
    );
    let out = k.ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "shop",
        "--timeout=30s",
    ]);
    assert!(out.contains("successfully rolled out"), "{out}");
    let before: Vec<String> = names(&k.json(&["get", "pods", "-n", "shop", "-l", "app=web"]));
    assert_eq!(before.len(), 2);
    k.ok(&["rollout", "restart", "deployment/web", "-n", "shop"]);
    let out = k.ok(&[
        "rollout",
        "status",
        "deployment/web",
        "-n",
        "shop",
        "--timeout=30s",
    ]);
    assert!(out.contains("successfully rolled out"), "{out}");
    // The old pods may still be Terminating (graceful deletion), as on a real cluster.
    let listed = k.json(&["get", "pods", "-n", "shop", "-l", "app=web"]);
    let after: Vec<String> = listed["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(after.len(), 2);
    assert!(
        after.iter().all(|p| !before.contains(p)),
        "{before:?} vs {after:?}"
    );
    let d = k.json(&["get", "deploy", "web", "-n", "shop"]);
    assert!(
        d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].is_string()
    );
    // Scale through the scale subresource.
    k.ok(&["scale", "deployment/web", "-n", "shop", "--replicas=3"]);
    let live = k.json(&["get", "pods", "-n", "shop", "-l", "app=web"])["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .count();
    assert_eq!(live, 3);
}

/// `kubectl get all` expands the `all` category from discovery: the kinds whose storage in
/// kubernetes pkg/registry says `Categories() = ["all"]` (pods, services, deployments,
/// replicasets, statefulsets, daemonsets, jobs, cronjobs, HPAs, replication controllers), and
/// not the rest of their groups (ControllerRevisions, ConfigMaps).
#[test]
fn get_all_lists_the_all_category() {
    let Some(bin) = kubectl() else { return };
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    // (Seeded directly; kubectl create over protobuf is tested in protobuf.rs.)
    sim.apply_yaml(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n---\napiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: web-1, namespace: shop}\nrevision: 1\n",
    )
    .unwrap();
    let out = k.ok(&["get", "all", "-n", "shop", "-o", "name"]);
    let kinds: std::collections::BTreeSet<&str> = out.lines().filter_map(|l| l.split('/').next()).collect();
    assert!(kinds.contains("pod"), "{out}");
    assert!(kinds.contains("deployment.apps"), "{out}");
    assert!(out.contains("deployment.apps/web"), "{out}");
    assert!(!out.contains("controllerrevision"), "{out}");
    assert!(!out.contains("configmap"), "{out}");
}

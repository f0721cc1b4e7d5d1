//! `istioup status` end to end on kubesim: healthy, degraded, partially injected and absent
//! meshes, in table and JSON.
use std::time::Duration;

use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

fn status_json(c: &Cluster) -> (i32, Value, String) {
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON document ({e}): {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (code(&out), doc, text(&out.stderr))
}

fn namespace<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["namespaces"]
        .as_array()
        .and_then(|a| a.iter().find(|n| n["name"] == name))
        .unwrap_or_else(|| panic!("namespace {name} in {doc:#}"))
}

#[test]
fn healthy_mesh_with_a_namespace_waiting_for_restarts() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop"]);
    let (status, doc, stderr) = status_json(&c);
    assert_eq!(status, 0, "{stderr}\n{doc:#}");
    assert_eq!(doc["state"], "healthy");
    assert_eq!(doc["istioctl"]["version"], "1.28.0");
    let istiod = &doc["control_planes"][0];
    assert_eq!(istiod["name"], "istiod");
    assert_eq!(istiod["revision"], "default");
    assert_eq!(istiod["version"], "1.28.0");
    assert_eq!(istiod["ready"], istiod["desired"]);
    assert!(
        doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["component"] == "IngressGateways")
    );
    assert!(
        doc["injector_webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "istio-sidecar-injector")
    );
    let shop = namespace(&doc, "shop");
    assert_eq!(shop["injection"], "enabled");
    assert_eq!(shop["labelled_by_istioup"], true);
    assert_eq!(shop["with_sidecar"], 0);
    assert_eq!(shop["missing_sidecar"].as_array().unwrap().len(), 2, "{shop:#}");
    assert_eq!(namespace(&doc, "blog")["injection"], "none");
    assert_eq!(namespace(&doc, "kube-system")["injection"], "never");
    assert!(doc["problems"].as_array().unwrap().is_empty());
    assert!(
        doc["warnings"][0].as_str().unwrap().contains("need a restart"),
        "{doc:#}"
    );
    assert!(doc["crds"].as_u64().unwrap() > 10);

    let out = c.istioup().arg("status").output().unwrap();
    assert_eq!(code(&out), 0);
    let table = text(&out.stdout);
    assert!(table.contains("Mesh: ✔ healthy"), "{table}");
    assert!(table.contains("istio-system/istiod"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.trim_start().starts_with("shop") && l.contains("enabled (istioup)")),
        "{table}"
    );
    assert!(
        text(&out.stderr).starts_with("Target: context"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn partially_injected_mesh_with_an_outdated_sidecar() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop", "--restart"]);
    // A pod injected by an older proxy, still running.
    c.sim
        .apply_yaml(
            r#"
apiVersion: v1
kind: Pod
metadata:
  name: old
  namespace: shop
  annotations: {"sidecar.istio.io/status": '{"revision":"default","containers":["istio-proxy"]}'}
spec:
  containers:
    - {name: app, image: nginx}
    - {name: istio-proxy, image: docker.io/istio/proxyv2:1.27.0}
"#,
        )
        .unwrap();
    let (status, doc, stderr) = status_json(&c);
    assert_eq!(status, 0, "{stderr}");
    let shop = namespace(&doc, "shop");
    assert!(shop["with_sidecar"].as_u64().unwrap() >= 3, "{shop:#}");
    assert!(shop["missing_sidecar"].as_array().unwrap().is_empty(), "{shop:#}");
    let outdated = &shop["outdated_sidecar"];
    assert_eq!(outdated.as_array().unwrap().len(), 1, "{shop:#}");
    assert_eq!(outdated[0]["pod"], "old");
    assert_eq!(outdated[0]["proxy_version"], "1.27.0");
    assert_eq!(outdated[0]["control_plane_version"], "1.28.0");
    let blog = namespace(&doc, "blog");
    assert_eq!(blog["with_sidecar"], 0);
    assert!(blog["missing_sidecar"].as_array().unwrap().is_empty());
}

#[test]
fn degraded_mesh_prints_the_report_then_exits_1() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    // istiod's replacement pod never turns Ready.
    c.sim.set_ready_delay(Duration::from_secs(3600));
    let pods = c.list("/api/v1/namespaces/istio-system/pods");
    let istiod = pods
        .iter()
        .find(|p| p["metadata"]["labels"]["app"] == "istiod")
        .and_then(|p| p["metadata"]["name"].as_str())
        .expect("an istiod pod")
        .to_string();
    assert!(
        c.sim
            .delete(&format!("/api/v1/namespaces/istio-system/pods/{istiod}"))
    );
    assert!(c.sim.wait_for(Duration::from_secs(10), |s| {
        s.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some_and(|d| d["status"]["readyReplicas"].as_i64().unwrap_or(0) == 0)
    }));
    let (status, doc, stderr) = status_json(&c);
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(doc["state"], "degraded");
    assert!(
        doc["problems"][0]
            .as_str()
            .unwrap()
            .contains("Deployment/istio-system/istiod has 0/1"),
        "{doc:#}"
    );
    assert!(stderr.contains("error: the mesh is degraded"), "{stderr}");

    let out = c.istioup().arg("status").output().unwrap();
    assert_eq!(code(&out), 1);
    let table = text(&out.stdout);
    assert!(table.contains("Mesh: ✘ degraded"), "{table}");
    assert!(
        table.contains("✘ Deployment/istio-system/istiod has 0/1 pods ready"),
        "{table}"
    );
}

#[test]
fn no_istio_is_absent_and_works_without_istioctl() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["status", "-o", "json"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["state"], "absent");
    assert_eq!(doc["istioctl"], Value::Null);
    assert!(doc["control_planes"].as_array().unwrap().is_empty());
    let out = c
        .istioup()
        .arg("status")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("Istio is not installed"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("istioctl: not found"));
}

/// A second ingress gateway with its own `istio:` label (overlays/internal-ingress-gateway.yaml)
/// runs `istio-proxy` as its workload, not as a sidecar: Istio identifies gateway pods by
/// `operator.istio.io/component` (the chart's pod labels,
/// manifests/charts/gateways/istio-ingress/templates/deployment.yaml), and `istio:` is whatever
/// the user's `label:` says.
#[test]
fn a_second_gateway_with_its_own_label_is_no_sidecar() {
    let c = Cluster::start(CLUSTER);
    let overlay = crate::support::repo_root().join("overlays/internal-ingress-gateway.yaml");
    c.install(&["-f", overlay.to_str().unwrap()]);
    let (status, doc, stderr) = status_json(&c);
    assert_eq!(status, 0, "{stderr}\n{doc:#}");
    let system = namespace(&doc, "istio-system");
    assert_eq!(system["with_sidecar"], 0, "{system:#}");
    assert_eq!(system["unwanted_sidecar"], serde_json::json!([]), "{system:#}");
    let out = c.istioup().args(["uninstall", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

/// The version that runs is the image's tag; `operator.istio.io/version` is istioctl's own, which
/// a `tag` override does not change (the charts build `<hub>/pilot:<tag>`:
/// manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
#[test]
fn the_running_version_is_the_image_tag() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--set", "tag=1.28.1"]);
    let istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .unwrap();
    assert_eq!(
        istiod["metadata"]["labels"]["operator.istio.io/version"],
        "1.28.0"
    );
    let (_, doc, stderr) = status_json(&c);
    assert_eq!(doc["control_planes"][0]["version"], "1.28.1", "{stderr}\n{doc:#}");
}

/// With `enableNamespacesByDefault`, the tag webhook gains an `auto.sidecar-injector.istio.io`
/// entry selecting every unlabelled namespace (tests/fixtures/istio/*/auto-inject.yaml): status
/// reads that, so an unlabelled namespace's pods are due a sidecar.
#[test]
fn injection_by_default_is_read_from_the_webhooks() {
    let c = Cluster::start(CLUSTER);
    c.install(&[
        "--set",
        "values.sidecarInjectorWebhook.enableNamespacesByDefault=true",
    ]);
    let (_, doc, stderr) = status_json(&c);
    assert_eq!(doc["enabled_by_default"], true, "{stderr}\n{doc:#}");
    let blog = namespace(&doc, "blog");
    assert_eq!(blog["injection"], "mesh-default", "{blog:#}");
    assert_eq!(blog["missing_sidecar"].as_array().unwrap().len(), 1, "{blog:#}");
}

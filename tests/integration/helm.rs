//! A mesh installed with Helm (Istio's charts installed by `helm install`, not istioctl): its
//! objects carry no `operator.istio.io/component` and Helm keeps a release Secret per release
//! (type helm.sh/release.v1, labels owner=helm, name, status). istioup says so, does not take it
//! over without --force, and points uninstall at `helm uninstall`.
use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

/// What `helm install istiod istio/istiod -n istio-system` leaves that istioup reads: the
/// Deployment with the chart's labels (tests/fixtures/istio/*/default.yaml without istioctl's)
/// and Helm's release Secret.
const HELM_MESH: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: default, app.kubernetes.io/managed-by: Helm, app.kubernetes.io/name: istiod}
spec:
  replicas: 1
  # The chart's selector (manifests/charts/istio-control/istio-discovery/templates/deployment.yaml;
  # tests/fixtures/istio/*/default.yaml): a selector is immutable, so istioctl over it must match.
  selector: {matchLabels: {istio: pilot}}
  template:
    metadata: {labels: {app: istiod, istio: pilot, istio.io/rev: default, sidecar.istio.io/inject: 'false'}}
    spec:
      containers: [{name: discovery, image: 'docker.io/istio/pilot:1.28.0', resources: {requests: {cpu: 10m, memory: 10Mi}}}]
---
apiVersion: v1
kind: Secret
type: helm.sh/release.v1
metadata:
  name: sh.helm.release.v1.istiod.v1
  namespace: istio-system
  labels: {owner: helm, name: istiod, status: deployed, version: '1'}
data: {release: H4sIAAAAAAAA}
";

fn helm_cluster() -> Cluster {
    let c = Cluster::start(CLUSTER);
    c.sim
        .apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n")
        .unwrap();
    c.sim.apply_yaml(HELM_MESH).unwrap();
    c
}

#[test]
fn a_helm_installed_mesh_is_recognised_and_not_taken_over() {
    let c = helm_cluster();
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["installed_by"], "helm", "{doc:#}");
    assert_eq!(doc["helm_releases"], serde_json::json!(["istio-system/istiod"]));

    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let existing = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "existing-mesh")
        .unwrap();
    assert_eq!(existing["status"], "fail");
    assert!(
        existing["message"]
            .as_str()
            .unwrap()
            .starts_with("Istio here was installed with Helm (releases istio-system/istiod)"),
        "{existing:#}"
    );
    assert!(c.install_calls().is_empty());

    let out = c.istioup().args(["uninstall", "-y"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("helm uninstall istiod -n istio-system"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some()
    );

    // --force takes it over, as the admin asked.
    let out = c.istioup().args(["install", "-y", "--force"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(c.install_calls().len(), 1);
}

//! What a real cluster fills in by itself, seen through kubectl (1.32) and raw requests:
//! * pkg/controller/serviceaccount/serviceaccounts_controller.go and
//!   pkg/controller/certificates/rootcacertpublisher/publisher.go: a `default` ServiceAccount
//!   and a `kube-root-ca.crt` ConfigMap in every namespace;
//! * plugin/pkg/admission/serviceaccount/admission.go: a pod naming a missing ServiceAccount is
//!   forbidden, so its ReplicaSet records FailedCreate until the account exists;
//! * pkg/apis/apps/v1/defaults.go (Deployment strategy, revisionHistoryLimit,
//!   progressDeadlineSeconds) and pkg/apis/core/v1/defaults.go (Service port protocol,
//!   targetPort, sessionAffinity);
//! * pkg/registry/authentication/selfsubjectreview (kubectl auth whoami);
//! * pkg/registry/core/pod/strategy.go LogLocation (which container `pods/<name>/log` reads).
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;
use std::time::Duration;

fn start() -> Sim {
    Sim::builder()
        .cluster_yaml("namespaces: [{name: shop}]\n")
        .tls(true)
        .token("t")
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn every_namespace_gets_a_default_service_account_and_the_root_ca() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    k.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: fresh}\n");
    for ns in ["default", "kube-system", "shop", "fresh"] {
        let out = k.ok(&["get", "serviceaccounts", "-n", ns, "-o", "name"]);
        assert!(out.lines().any(|l| l == "serviceaccount/default"), "{ns}: {out}");
        let cm = k.json(&["get", "configmap", "kube-root-ca.crt", "-n", ns, "-o", "json"]);
        let ca = cm["data"]["ca.crt"].as_str().unwrap_or("");
        assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ns}: {cm}");
    }
    // The CA is the one that signed the serving certificate: the one in the kubeconfig.
    let kubeconfig = std::fs::read_to_string(sim.kubeconfig()).unwrap_or_default();
    let cm = sim
        .get("/api/v1/namespaces/fresh/configmaps/kube-root-ca.crt")
        .unwrap_or_default();
    use base64::Engine;
    let ca_b64 =
        base64::engine::general_purpose::STANDARD.encode(cm["data"]["ca.crt"].as_str().unwrap_or(""));
    assert!(
        kubeconfig.contains(&ca_b64),
        "kubeconfig does not carry the published CA"
    );
}

#[test]
fn a_missing_service_account_blocks_pods_until_it_exists() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {serviceAccountName: robot, containers: [{name: c, image: nginx}]}\n";
    let (ok, _, err) = k.run(&["apply", "-f", "-"], Some(pod));
    assert!(!ok);
    assert!(
        err.contains("pods \"p\" is forbidden: error looking up service account shop/robot: serviceaccount \"robot\" not found"),
        "{err}"
    );
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {serviceAccountName: robot, containers: [{name: c, image: nginx}]}\n";
    k.apply(deploy);
    let events = k.json(&["get", "events", "-n", "shop", "-o", "json"]);
    let failed: Vec<&str> = events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["reason"] == "FailedCreate")
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert!(
        failed.iter().any(|m| m.contains(
            "is forbidden: error looking up service account shop/robot: serviceaccount \"robot\" not found"
        )),
        "{events}"
    );
    assert!(sim.list("/api/v1/namespaces/shop/pods").is_empty());
    k.apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: shop}\n");
    assert!(
        sim.wait_for(Duration::from_secs(10), |s| s
            .list("/api/v1/namespaces/shop/pods")
            .len()
            == 1),
        "the ReplicaSet did not retry once the account existed"
    );
}

#[test]
fn deployments_and_services_get_their_api_defaults() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    k.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
    let d = k.json(&["get", "deployment", "web", "-n", "shop", "-o", "json"]);
    assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
    assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
    assert_eq!(
        d["spec"]["strategy"],
        serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
    );
    // Re-applying the same manifest changes nothing: the defaults are not a spec change.
    k.apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
    let again = k.json(&["get", "deployment", "web", "-n", "shop", "-o", "json"]);
    assert_eq!(again["metadata"]["generation"], 1);
    k.apply("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{name: http, port: 80}]}\n");
    let s = k.json(&["get", "service", "web", "-n", "shop", "-o", "json"]);
    assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
    assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);
    assert_eq!(s["spec"]["sessionAffinity"], "None");
}

#[path = "common/clients.rs"]
mod clients;

/// The review over JSON, with the Python client (`kubectl auth whoami` posts it as protobuf:
/// tests/protobuf.rs).
#[test]
fn self_subject_review_answers_who_the_client_is() {
    let Some(py) = clients::client("ISTIOUP_PYTHON", "python kubernetes client") else {
        return;
    };
    let sim = start();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("t.py");
    std::fs::write(
        &script,
        "import json, sys\nfrom kubernetes import client, config\nconfig.load_kube_config(config_file=sys.argv[1])\nr = client.AuthenticationV1Api().create_self_subject_review({'apiVersion': 'authentication.k8s.io/v1', 'kind': 'SelfSubjectReview'})\nprint(json.dumps({'user': r.status.user_info.username, 'groups': r.status.user_info.groups}))\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = std::process::Command::new(py);
    cmd.arg(&script).arg(sim.kubeconfig());
    let out = clients::run(cmd, dir.path(), None);
    assert!(out.ok, "{}\n{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(out.stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(v["user"], "kubesim-admin");
    assert_eq!(
        v["groups"],
        serde_json::json!(["system:masters", "system:authenticated"])
    );
}

#[test]
fn kubectl_logs_reads_one_container() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);

    k.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: two, namespace: shop}\nspec: {containers: [{name: a, image: nginx}, {name: b, image: nginx}]}\n");
    assert!(sim.wait_for(Duration::from_secs(10), |s| {
        s.get("/api/v1/namespaces/shop/pods/two")
            .is_some_and(|p| p["status"]["phase"] == "Running")
    }));
    let out = k.ok(&["logs", "-n", "shop", "two", "-c", "b"]);
    assert!(out.contains("container b of pod shop/two"), "{out}");
    // Without -c kubectl picks the first container itself.
    let (ok, out, err) = k.run(&["logs", "-n", "shop", "two"], None);
    assert!(ok, "{err}");
    assert!(out.contains("container a of pod shop/two"), "{out}");
    let (ok, _, err) = k.run(&["logs", "-n", "shop", "two", "-c", "zzz"], None);
    assert!(!ok);
    assert!(err.contains("container zzz is not valid for pod two"), "{err}");
}

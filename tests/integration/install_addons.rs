//! `istioup install` with its addons: Kiali by default (as Rancher's rancher-istio chart enables
//! it), a Prometheus unless the cluster has one, prometheus-operator's monitors where that API is
//! served, all from Istio's real addon manifests (tests/fixtures/istio/1.30.3/samples/addons,
//! verbatim from the istio/istio tag 1.30.3: samples/addons/{kiali,prometheus}.yaml and
//! samples/addons/extras/prometheus-operator.yaml).
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::cluster::{Cluster, kubesim_bin};
use crate::support::{addons_dir, code, repo_root, text};

/// An unpacked release: `istio-1.30.3/bin/istioctl` (the stand-in) next to
/// `istio-1.30.3/samples/addons`, the layout istioup finds the manifests by.
fn release(c: &Cluster) -> PathBuf {
    let root = c.tmp().parent().unwrap().join("istio-1.30.3");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("samples")).unwrap();
    std::os::unix::fs::symlink(kubesim_bin(), root.join("bin/istioctl")).unwrap();
    std::os::unix::fs::symlink(addons_dir(), root.join("samples/addons")).unwrap();
    root.join("bin/istioctl")
}

fn cluster(nodes: Value, objects: Vec<Value>) -> Cluster {
    // JSON is YAML: the cluster description with whole manifests in it.
    Cluster::start(&json!({"nodes": nodes, "objects": objects}).to_string())
}

fn big_node() -> Value {
    json!([{"name": "worker-1", "capacity": {"cpu": "8", "memory": "16Gi"}}])
}

fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&out.stdout), text(&out.stderr)))
}

fn deployment(c: &Cluster, name: &str) -> Option<Value> {
    c.get(&format!(
        "/apis/apps/v1/namespaces/istio-system/deployments/{name}"
    ))
}

/// prometheus-operator's real CRDs (tests/fixtures/kubernetes/prometheus-operator-0.89.0-crds.yaml,
/// made by extract-prometheus-operator-crds.py from the operator's tag v0.89.0).
fn operator_crds() -> Vec<Value> {
    let text = std::fs::read_to_string(
        repo_root().join("tests/fixtures/kubernetes/prometheus-operator-0.89.0-crds.yaml"),
    )
    .unwrap();
    serde_saphyr::from_multiple(&text).unwrap()
}

#[test]
fn a_default_install_brings_kiali_and_prometheus_from_the_release() {
    let c = cluster(big_node(), vec![]);
    let istioctl = release(&c);
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json", "--istioctl"])
        .arg(&istioctl)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    assert_eq!(doc["result"], "installed");
    assert_eq!(doc["addons"]["addons"], json!(["kiali", "prometheus"]));
    assert!(
        doc["addons"]["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("prometheus: Kiali reads"),
        "{doc:#}"
    );
    // Kiali's own default when its config names no url: the addon's Service.
    assert_eq!(
        doc["addons"]["kiali_prometheus"],
        "http://prometheus.istio-system:9090"
    );
    for name in ["kiali", "prometheus"] {
        let d = deployment(&c, name).unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(d["metadata"]["labels"]["istioup.io/addon"], name);
        assert_eq!(d["status"]["availableReplicas"], 1, "{name}");
    }
    assert!(
        doc["addons"]["applied"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "deployment/kiali -n istio-system"),
        "{doc:#}"
    );
    // No prometheus-operator here: the monitors are not applied, and nothing fails for it.
    assert!(
        doc["addons"]["monitoring_note"]
            .as_str()
            .unwrap()
            .contains("not served"),
        "{doc:#}"
    );
    let stderr = text(&out.stderr);
    // The progress display of istioctl's components, in its CI-log form.
    assert!(stderr.contains("✔ Kiali installed"), "{stderr}");
    assert!(stderr.contains("✔ Prometheus installed"), "{stderr}");
    assert!(!stderr.contains("no matches for kind"), "{stderr}");
    // Applied after istioctl: the first addon write follows the istioctl run's last write.
    let requests = c.sim.requests();
    let kiali = requests
        .iter()
        .position(|r| r.starts_with("PATCH /apis/apps/v1/namespaces/istio-system/deployments/kiali?"))
        .expect("kiali applied");
    let istiod = requests
        .iter()
        .rposition(|r| r.contains("/namespaces/istio-system/deployments/istiod"))
        .expect("istiod read");
    assert!(istiod < kiali, "{requests:#?}");
}

#[test]
fn the_default_without_manifests_skips_kiali_and_says_how_to_fix_it() {
    // The test cluster's istioctl is a bare binary: no samples/addons next to it.
    let c = cluster(big_node(), vec![]);
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    let skipped = doc["addons"]["skipped"].as_str().unwrap();
    for part in ["kiali", "samples/addons", "--addons-dir", "--addons none"] {
        assert!(skipped.contains(part), "{part}: {skipped}");
    }
    assert!(deployment(&c, "kiali").is_none());
    assert!(text(&out.stderr).contains("kiali (the default) skipped"));
}

#[test]
fn explicit_addons_without_manifests_fail_before_any_change() {
    let c = cluster(big_node(), vec![]);
    let out = c
        .istioup()
        .args(["install", "-y", "--addons", "kiali,grafana"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("samples/addons does not exist"), "{stderr}");
    assert!(stderr.contains("--addons-dir"), "{stderr}");
    assert!(c.install_calls().is_empty(), "istioctl ran");
    let missing = c
        .istioup()
        .args(["install", "-y", "--addons-dir", "/nonexistent/addons"])
        .output()
        .unwrap();
    assert_eq!(code(&missing), 2, "{}", text(&missing.stderr));
    assert!(text(&missing.stderr).contains("--addons-dir /nonexistent/addons"));
    assert!(c.install_calls().is_empty(), "istioctl ran");
}

#[test]
fn a_dry_run_plans_the_addons_and_applies_nothing() {
    let c = cluster(big_node(), vec![]);
    let out = c
        .istioup()
        .args(["install", "--dry-run", "--addons", "grafana", "--addons", "kiali"])
        .arg("--addons-dir")
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("then addons: kiali, prometheus, grafana"),
        "{stderr}"
    );
    // Kiali's Deployment is planned like a component, with the manifest's requests.
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("kiali") && l.contains("addon") && l.contains("10m CPU / 64Mi")),
        "{stderr}"
    );
    assert!(deployment(&c, "kiali").is_none());
    assert!(c.install_calls().is_empty());
}

/// Rancher Monitoring's Prometheus Service (the rancher-monitoring chart's
/// `rancher-monitoring-prometheus` in `cattle-monitoring-system`, port `http-web` 9090; Rancher's
/// charts/rancher-istio README sets Kiali's url to it): Kiali reads it, no second Prometheus.
#[test]
fn kiali_reads_rancher_monitorings_prometheus_and_none_is_added() {
    let rancher = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "cattle-monitoring-system"}}),
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "rancher-monitoring-prometheus", "namespace": "cattle-monitoring-system"},
               "spec": {"ports": [{"name": "reloader-web", "port": 8080},
                                  {"name": "http-web", "port": 9090, "targetPort": 9090}],
                        "selector": {"app.kubernetes.io/name": "prometheus"}}}),
    ];
    let c = cluster(big_node(), rancher);
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    let url = "http://rancher-monitoring-prometheus.cattle-monitoring-system:9090";
    assert_eq!(doc["addons"]["addons"], json!(["kiali"]));
    assert_eq!(doc["addons"]["kiali_prometheus"], url);
    assert!(
        doc["addons"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("Rancher Monitoring"),
        "{doc:#}"
    );
    assert!(deployment(&c, "prometheus").is_none(), "a second Prometheus");
    let config = c.get("/api/v1/namespaces/istio-system/configmaps/kiali").unwrap();
    let config: Value = serde_saphyr::from_str(config["data"]["config.yaml"].as_str().unwrap()).unwrap();
    assert_eq!(config["external_services"]["prometheus"]["url"], url);
    // The rest of the release's configuration is kept.
    assert_eq!(config["external_services"]["prometheus"]["enabled"], true);
    assert_eq!(config["auth"]["strategy"], "anonymous");
    assert_eq!(
        config["external_services"]["istio"]["root_namespace"],
        "istio-system"
    );
}

/// prometheus-operator's CRDs served: Kiali reads a `Prometheus` through its governing Service
/// `prometheus-operated`, port 9090 (prometheus-operator v0.89.0
/// pkg/prometheus/server/statefulset.go `governingServiceName`, pkg/prometheus/common.go
/// `BuildStatefulSetService`), and the release's PodMonitor/ServiceMonitor are applied as
/// istioup's, removed again by uninstall.
#[test]
fn with_prometheus_operator_the_monitors_are_applied_and_uninstall_removes_them() {
    let mut objects = operator_crds();
    objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "monitoring"}}));
    objects.push(
        json!({"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus",
                        "metadata": {"name": "k8s", "namespace": "monitoring"}, "spec": {"replicas": 1}}),
    );
    let c = cluster(big_node(), objects);
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    assert_eq!(
        doc["addons"]["kiali_prometheus"],
        "http://prometheus-operated.monitoring:9090"
    );
    assert_eq!(doc["addons"]["addons"], json!(["kiali"]));
    assert_eq!(doc["addons"]["monitoring"], true);
    let monitor = c
        .get("/apis/monitoring.coreos.com/v1/namespaces/istio-system/podmonitors/envoy-stats-monitor")
        .expect("PodMonitor applied");
    assert_eq!(monitor["metadata"]["labels"]["istioup.io/addon"], "monitoring");
    assert!(
        c.get(
            "/apis/monitoring.coreos.com/v1/namespaces/istio-system/servicemonitors/istio-component-monitor"
        )
        .is_some()
    );
    let out = c.istioup().args(["uninstall", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        c.get("/apis/monitoring.coreos.com/v1/namespaces/istio-system/podmonitors/envoy-stats-monitor")
            .is_none(),
        "the PodMonitor stayed"
    );
    assert!(deployment(&c, "kiali").is_none());
}

/// 600m of CPU: istiod (500m) and the ingress gateway (100m) fit, Kiali's 10m does not
/// (samples/addons/kiali.yaml at 1.30.3 requests 10m / 64Mi).
fn istio_sized_node() -> Value {
    json!([{"name": "worker-1", "capacity": {"cpu": "600m", "memory": "16Gi"}}])
}

#[test]
fn addons_that_do_not_fit_fail_the_capacity_check_before_any_change() {
    let c = cluster(istio_sized_node(), vec![]);
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let doc = json_out(&out);
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "node-capacity")
        .unwrap();
    assert_eq!(check["status"], "fail", "{check:#}");
    let details = check["details"].to_string();
    assert!(
        details.contains("kiali (addon kiali) needs 10m CPU / 64Mi"),
        "{details}"
    );
    assert!(check["hint"].as_str().unwrap().contains("--addons none"));
    assert!(c.install_calls().is_empty(), "istioctl ran");
    // `istioup check` judges the same install: the default addons do not fit, none do.
    let check_run = |extra: &[&str]| {
        c.istioup()
            .args(["check", "-o", "json", "--addons-dir"])
            .arg(addons_dir())
            .args(extra)
            .output()
            .unwrap()
    };
    let out = check_run(&[]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(
        json_out(&out)["checks"]
            .to_string()
            .contains("kiali (addon kiali)")
    );
    assert_eq!(code(&check_run(&["--addons", "none"])), 0);
    let out = c
        .istioup()
        .args(["install", "-y", "--addons", "none", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(deployment(&c, "kiali").is_none());
}

/// An addon whose pod the scheduler cannot place stays Pending (kubesim's scheduler, with the
/// real FailedScheduling message): the install fails with exit 4, naming the pod and why.
#[test]
fn an_addon_that_stays_pending_fails_naming_the_pod_and_its_event() {
    let c = cluster(istio_sized_node(), vec![]);
    let out = c
        .istioup()
        .args([
            "install",
            "-y",
            "-o",
            "json",
            "--skip-check",
            "node-capacity",
            "--readiness-timeout",
            "2s",
            "--addons",
            "kiali",
            "--addons-dir",
        ])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let doc = json_out(&out);
    assert_eq!(doc["result"], "addons-failed");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("kiali did not become Available"), "{stderr}");
    assert!(stderr.contains("pod istio-system/kiali-"), "{stderr}");
    assert!(stderr.contains("is Pending"), "{stderr}");
    assert!(stderr.contains("Insufficient cpu"), "{stderr}");
}

/// Whether the first request starting with `write` came while istioup held its lock: after the
/// Lease `istioup-lock` was created, before it was deleted (src/act/lock.rs).
fn under_lock(requests: &[String], write: &str) -> bool {
    let taken = requests
        .iter()
        .position(|r| r.starts_with("POST /apis/coordination.k8s.io/v1/namespaces/istio-system/leases"));
    let released = requests.iter().rposition(|r| {
        r.starts_with("DELETE /apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istioup-lock")
    });
    let at = requests.iter().position(|r| r.starts_with(write));
    matches!((taken, at, released), (Some(t), Some(a), Some(r)) if t < a && a < r)
}

#[test]
fn addons_and_mtls_strict_change_the_cluster_under_the_lock_and_status_shows_the_addons() {
    let c = cluster(big_node(), vec![]);
    let out = c
        .istioup()
        .args([
            "install",
            "-y",
            "--mtls",
            "strict",
            "--addons",
            "kiali",
            "--addons-dir",
        ])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let requests = c.sim.requests();
    assert!(
        under_lock(
            &requests,
            "PATCH /apis/apps/v1/namespaces/istio-system/deployments/kiali?"
        ),
        "{requests:#?}"
    );
    assert!(
        under_lock(
            &requests,
            "PATCH /apis/security.istio.io/v1/namespaces/istio-system/peerauthentications/default?"
        ),
        "{requests:#?}"
    );
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    let kiali = doc["addons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["addon"] == "kiali")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(kiali["ready"], 1);
    assert_eq!(kiali["desired"], 1);
    assert_eq!(kiali["reach"], "istioup dashboard kiali");
    let out = c.istioup().arg("status").output().unwrap();
    let table = text(&out.stdout);
    assert!(
        table.lines().any(|l| l.contains("istio-system/kiali")
            && l.contains("1/1")
            && l.contains("istioup dashboard kiali")),
        "{table}"
    );
    // Run again, the Prometheus istioup added is the one Kiali reads: none is added twice.
    let out = c
        .istioup()
        .args(["install", "--dry-run", "-o", "json", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_out(&out);
    assert_eq!(doc["addons"]["addons"], json!(["kiali"]));
    assert!(
        doc["addons"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("istioup's prometheus addon (service/prometheus -n istio-system)"),
        "{doc:#}"
    );
    assert_eq!(
        doc["addons"]["kiali_prometheus"],
        "http://prometheus.istio-system:9090"
    );
    // addons disable takes the same lock.
    let before = c.sim.requests().len();
    let out = c
        .istioup()
        .args(["addons", "disable", "prometheus", "-y", "--addons-dir"])
        .arg(addons_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let requests = c.sim.requests()[before..].to_vec();
    assert!(
        under_lock(
            &requests,
            "DELETE /apis/apps/v1/namespaces/istio-system/deployments/prometheus"
        ),
        "{requests:#?}"
    );
}

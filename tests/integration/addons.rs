//! `istioup addons` with Istio's real addon manifests (tests/fixtures/istio/1.30.3/samples/addons,
//! verbatim from the release): applied as istioup's own objects, waited for, listed, removed.
use crate::cluster::Cluster;
use crate::support::{addons_dir, code, text};

const CLUSTER: &str = "nodes:\n  - {name: worker-1, capacity: {cpu: '8', memory: 16Gi}}\n";

fn deployment(c: &Cluster, name: &str) -> Option<serde_json::Value> {
    c.get(&format!(
        "/apis/apps/v1/namespaces/istio-system/deployments/{name}"
    ))
}

#[test]
fn kiali_comes_with_prometheus_and_both_become_available() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c
        .istioup()
        .args([
            "addons",
            "enable",
            "kiali",
            "-y",
            "-o",
            "json",
            "--addons-dir",
            &addons_dir(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["addons"], serde_json::json!(["kiali", "prometheus"]));
    assert!(doc["added"][0].as_str().unwrap().starts_with("prometheus"));
    for name in ["kiali", "prometheus"] {
        let d = deployment(&c, name).unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(d["metadata"]["labels"]["istioup.io/addon"], name);
    }
    // Server-side apply as istioup's field manager.
    let applied = c.sim.requests().iter().any(|r| {
        r.starts_with("PATCH /apis/apps/v1/namespaces/istio-system/deployments/kiali?")
            && r.contains("fieldManager=istioup")
            && r.contains("force=true")
    });
    assert!(applied, "{:#?}", c.sim.requests());
    assert!(
        text(&out.stderr).contains("✔ kiali available"),
        "{}",
        text(&out.stderr)
    );
    let out = c
        .istioup()
        .args(["addons", "list", "-o", "json", "--addons-dir", &addons_dir()])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let installed: Vec<&str> = doc["installed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ready"] == i["desired"])
        .map(|i| i["addon"].as_str().unwrap())
        .collect();
    assert_eq!(installed, ["kiali", "prometheus"]);
    assert_eq!(doc["available"].as_array().unwrap().len(), 6);
}

/// Disabling removes only what istioup applied: an object of the same name someone else made
/// stays, and so does the Prometheus that Kiali brought.
#[test]
fn disable_removes_only_istioups_objects() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c
        .istioup()
        .args(["addons", "enable", "kiali", "-y", "--addons-dir", &addons_dir()])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Someone else's Grafana ConfigMap, named as the addon's.
    c.sim
        .apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: grafana, namespace: istio-system}\ndata: {mine: 'yes'}\n")
        .unwrap();
    let out = c
        .istioup()
        .args([
            "addons",
            "disable",
            "kiali,grafana",
            "-y",
            "-o",
            "json",
            "--addons-dir",
            &addons_dir(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(deployment(&c, "kiali").is_none());
    assert!(deployment(&c, "prometheus").is_some(), "Kiali's Prometheus stays");
    let mine = c
        .get("/api/v1/namespaces/istio-system/configmaps/grafana")
        .expect("left alone");
    assert_eq!(mine["data"]["mine"], "yes");
    assert!(
        doc["left_alone"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o == "configmap/grafana -n istio-system"),
        "{doc:#}"
    );
}

#[test]
fn enable_without_a_terminal_or_yes_changes_nothing() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c
        .istioup()
        .args(["addons", "enable", "grafana", "--addons-dir", &addons_dir()])
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
    assert!(deployment(&c, "grafana").is_none());
}

/// `uninstall` removes the addons istioup installed, unless `--keep-addons`; an addon-named
/// object someone else made stays either way.
#[test]
fn uninstall_removes_istioups_addons_unless_kept() {
    for keep in [false, true] {
        let c = Cluster::start(CLUSTER);
        c.install(&[]);
        let out = c
            .istioup()
            .args(["addons", "enable", "grafana", "-y", "--addons-dir", &addons_dir()])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        c.sim
            .apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kiali, namespace: default}\ndata: {mine: 'yes'}\n")
            .unwrap();
        let mut args = vec!["uninstall", "-y", "-o", "json"];
        if keep {
            args.push("--keep-addons");
        }
        let out = c.istioup().args(&args).output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let removed = doc["removed"]["addons"].as_array().unwrap();
        if keep {
            assert!(removed.is_empty(), "{removed:?}");
            assert!(deployment(&c, "grafana").is_some());
        } else {
            assert!(
                removed.iter().any(|o| o == "deployment/grafana -n istio-system"),
                "{removed:?}"
            );
            assert!(deployment(&c, "grafana").is_none());
        }
        assert!(c.get("/api/v1/namespaces/default/configmaps/kiali").is_some());
    }
}

/// An addon whose pods the API server refuses never becomes Available: with istiod gone but its
/// injector webhook registered (failurePolicy Fail:
/// manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml at 1.30.3),
/// every new pod of an injected namespace is rejected and its controller records FailedCreate.
/// Loki's StatefulSet is the release's one addon workload without `sidecar.istio.io/inject:
/// "false"` (samples/addons/loki.yaml at 1.30.3), which the webhook's objectSelector skips.
/// The addon wait is the restart wait: it stops at once with the server's reason (exit 4), not
/// after `--timeout` (10m here, longer than the test lets istioup run).
#[test]
fn an_addon_whose_pods_cannot_be_created_fails_at_once() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--addons", "none"]);
    let mut ns = c.get("/api/v1/namespaces/istio-system").unwrap();
    ns["metadata"]["labels"]["istio-injection"] = "enabled".into();
    c.sim.apply_yaml(&ns.to_string()).unwrap();
    let mut istiod = deployment(&c, "istiod").unwrap();
    istiod["spec"]["replicas"] = 0.into();
    c.sim.apply_yaml(&istiod.to_string()).unwrap();
    assert!(c.sim.wait_for(std::time::Duration::from_secs(20), |sim| {
        sim.get("/api/v1/namespaces/istio-system/endpoints/istiod")
            .is_some_and(|e| {
                e["subsets"]
                    .as_array()
                    .is_none_or(|s| s.iter().all(|s| s["addresses"].is_null()))
            })
    }));
    let out = c
        .istioup()
        .args([
            "addons",
            "enable",
            "loki",
            "-y",
            "--timeout",
            "10m",
            "--addons-dir",
            &addons_dir(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("loki: the pods of statefulset/loki -n istio-system cannot be created"),
        "{err}"
    );
    assert!(err.contains("failed calling webhook"), "{err}");
}

/// `addons enable kiali` resolves as install does: on a cluster with Rancher Monitoring (its
/// Service `rancher-monitoring-prometheus`, port `http-web` 9090, which Rancher's
/// charts/rancher-istio README points Kiali at), Kiali reads that Prometheus and none is added.
#[test]
fn enabling_kiali_uses_the_prometheus_the_cluster_has() {
    let cluster = format!(
        "{CLUSTER}objects:\n{}",
        r#"  - {apiVersion: v1, kind: Namespace, metadata: {name: cattle-monitoring-system}}
  - apiVersion: v1
    kind: Service
    metadata: {name: rancher-monitoring-prometheus, namespace: cattle-monitoring-system}
    spec:
      ports: [{name: http-web, port: 9090}]
      selector: {app.kubernetes.io/name: prometheus}
"#
    );
    let c = Cluster::start(&cluster);
    let out = c
        .istioup()
        .args([
            "addons",
            "enable",
            "kiali",
            "-y",
            "-o",
            "json",
            "--addons-dir",
            &addons_dir(),
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["addons"], serde_json::json!(["kiali"]));
    let url = "http://rancher-monitoring-prometheus.cattle-monitoring-system:9090";
    assert!(
        doc["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains(url)),
        "{doc:#}"
    );
    assert!(deployment(&c, "prometheus").is_none(), "a second Prometheus");
    let config = c.get("/api/v1/namespaces/istio-system/configmaps/kiali").unwrap();
    assert!(
        config["data"]["config.yaml"].as_str().unwrap().contains(url),
        "{config:#}"
    );
}

//! `istioup enable namespace|workload` end to end on kubesim; each test asserts the cluster
//! state afterwards.
use std::time::Duration;

use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

fn all_have_sidecar(c: &Cluster, ns: &str, want: bool) -> bool {
    let pods = c.pod_containers(ns);
    !pods.is_empty()
        && pods
            .iter()
            .all(|cs| cs.iter().any(|n| n == "istio-proxy") == want)
}

#[test]
fn enable_namespace_labels_records_ownership_and_restarts() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c
        .istioup()
        .args(["enable", "namespace", "blog", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["namespaces"][0]["change"], "labelled");
    assert_eq!(report["restart_pending"][0]["name"], "api");
    assert_eq!(c.namespace_labels("blog")["istio-injection"], "enabled");
    let ns = c.get("/api/v1/namespaces/blog").unwrap();
    assert_eq!(
        ns["metadata"]["annotations"]["istioup.io/injection-label"],
        "istio-injection"
    );
    assert!(all_have_sidecar(&c, "blog", false), "no restart yet");

    let out = c
        .istioup()
        .args(["enable", "namespace", "blog", "--restart", "--batch-size", "1"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("namespace blog: already labelled istio-injection=enabled"));
    assert!(
        text(&out.stdout).contains("restarted blog/deployment/api"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("restarting batch 1"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| all_have_sidecar(&c, "blog", true))
    );
    assert!(all_have_sidecar(&c, "shop", false), "shop was not touched");
}

#[test]
fn enable_namespace_with_a_revision_and_by_selector() {
    let c = Cluster::start(&CLUSTER.replace("  - name: blog\n", "  - name: blog\n    labels: {team: b}\n"));
    let out = c
        .istioup()
        .args(["enable", "namespace", "-l", "team=b", "--revision", "canary"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(c.namespace_labels("blog")["istio.io/rev"], "canary");
    assert!(c.namespace_labels("shop").get("istio.io/rev").is_none());
    assert!(
        text(&out.stdout).contains("no sidecar injector serves revision canary"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn enable_namespace_refuses_missing_and_never_injected_namespaces() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["enable", "namespace", "shop", "nope"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("namespace not found: nope; nothing was changed"),
        "{}",
        text(&out.stderr)
    );
    assert!(c.namespace_labels("shop").get("istio-injection").is_none());
    let out = c
        .istioup()
        .args(["enable", "namespace", "kube-system"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    let out = c.istioup().args(["enable", "namespace"]).output().unwrap();
    assert_eq!(code(&out), 2, "a namespace, --all or --selector is required");
}

const WORKLOADS: &str = "
namespaces:
  - name: shop
workloads:
  - {kind: Deployment, namespace: shop, name: web, replicas: 1}
  - {kind: StatefulSet, namespace: shop, name: db, replicas: 1}
  - {kind: DaemonSet, namespace: shop, name: agent}
objects:
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly, namespace: shop}
    spec:
      schedule: '0 3 * * *'
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{name: job, image: busybox}]
";

fn template_label(c: &Cluster, path: &str, pointer: &str) -> Value {
    c.get(path)
        .and_then(|o| o.pointer(pointer).cloned())
        .and_then(|l| l.get("sidecar.istio.io/inject").cloned())
        .unwrap_or(Value::Null)
}

#[test]
fn workload_enable_and_disable_across_kinds() {
    let c = Cluster::start(WORKLOADS);
    let kinds = [
        (
            "Deployment/web",
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "/spec/template/metadata/labels",
        ),
        (
            "sts/db",
            "/apis/apps/v1/namespaces/shop/statefulsets/db",
            "/spec/template/metadata/labels",
        ),
        (
            "DS/agent",
            "/apis/apps/v1/namespaces/shop/daemonsets/agent",
            "/spec/template/metadata/labels",
        ),
        (
            "cj/nightly",
            "/apis/batch/v1/namespaces/shop/cronjobs/nightly",
            "/spec/jobTemplate/spec/template/metadata/labels",
        ),
    ];
    for (workload, path, pointer) in kinds {
        let out = c
            .istioup()
            .args(["enable", "workload", workload, "-n", "shop", "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{workload}: {}", text(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["change"], "set", "{report:#}");
        assert_eq!(report["rolls"], !workload.starts_with("cj"));
        assert_eq!(template_label(&c, path, pointer), "true", "{workload}");

        let out = c
            .istioup()
            .args(["disable", "workload", workload, "-n", "shop"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{workload}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("sidecar.istio.io/inject=false"),
            "{}",
            text(&out.stdout)
        );
        assert_eq!(template_label(&c, path, pointer), "false", "{workload}");
    }
    // Running it again changes nothing.
    let out = c
        .istioup()
        .args(["disable", "workload", "deploy/web", "-n", "shop"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert!(
        text(&out.stdout).contains("already labelled"),
        "{}",
        text(&out.stdout)
    );
    // The Deployment rolled: its pods carry the label now.
    assert!(c.sim.wait_for(Duration::from_secs(10), |_| {
        let pods = c.list("/api/v1/namespaces/shop/pods");
        pods.iter()
            .filter(|p| {
                p["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("web-"))
            })
            .all(|p| p["metadata"]["labels"]["sidecar.istio.io/inject"] == "false")
    }));
}

#[test]
fn workload_errors_are_clear() {
    let c = Cluster::start(WORKLOADS);
    let out = c
        .istioup()
        .args(["enable", "workload", "deploy/nope", "-n", "shop"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("deployment/nope in namespace shop not found"),
        "{}",
        text(&out.stderr)
    );
    for bad in ["job/x", "svc/web", "web", "deploy/"] {
        let out = c
            .istioup()
            .args(["enable", "workload", bad, "-n", "shop"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 2, "{bad}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("deployment (deploy)"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_workload_that_never_becomes_available_stops_the_rollout() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    // Restarted pods never turn Ready.
    c.sim.set_ready_delay(Duration::from_secs(3600));
    let out = c
        .istioup()
        .args([
            "enable",
            "namespace",
            "shop",
            "blog",
            "--restart",
            "--batch-size",
            "1",
            "--timeout",
            "1s",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("shop/deployment/web did not become Available within 1s"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("restarting batch 2"),
        "the rollout stops at the first failure: {stderr}"
    );
    // The labels were written before the rollout.
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
}

#[test]
fn many_namespaces_are_read_with_one_cluster_wide_list_not_one_per_namespace() {
    let mut yaml =
        String::from("nodes:\n  - {name: worker-1, capacity: {cpu: '16', memory: 32Gi}}\nnamespaces:\n");
    let names: Vec<String> = (1..=6).map(|i| format!("team-{i}")).collect();
    for ns in &names {
        yaml.push_str(&format!("  - name: {ns}\n"));
    }
    yaml.push_str("workloads:\n");
    for ns in &names {
        yaml.push_str(&format!(
            "  - {{kind: Deployment, namespace: {ns}, name: app, replicas: 1, cpu: 10m, memory: 16Mi}}\n"
        ));
    }
    let c = Cluster::start(&yaml);
    c.install(&[]);
    c.sim.clear_requests();
    let mut args = vec!["enable", "namespace", "-o", "json"];
    args.extend(names.iter().map(String::as_str));
    let out = c.istioup().args(&args).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pending: Vec<&str> = report["restart_pending"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["namespace"].as_str())
        .collect();
    assert_eq!(pending, names.iter().map(String::as_str).collect::<Vec<_>>());
    let pod_lists: Vec<String> = c
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET ") && r.contains("/pods"))
        .collect();
    assert!(
        pod_lists.iter().all(|r| r.starts_with("GET /api/v1/pods")),
        "pods were listed per namespace: {pod_lists:?}"
    );
}

/// With istiod gone but its injector webhook registered, a real API server rejects every new pod
/// in an injected namespace ("failed calling webhook ... no endpoints available", failurePolicy
/// Fail: manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml). A
/// restart then can never finish: istioup says so at once, with the server's reason, instead of
/// waiting out --timeout.
#[test]
fn a_restart_fails_loudly_when_the_injector_is_unreachable() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop"]);
    let mut istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .unwrap();
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
    // A --timeout far longer than any test: waiting it out would hang the suite, not pass.
    let out = c
        .istioup()
        .args(["enable", "namespace", "shop", "--restart", "--timeout", "30m"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("shop/deployment/web: its new pods cannot be created"),
        "{err}"
    );
    assert!(err.contains("failed calling webhook"), "{err}");
    assert!(
        !err.contains("did not become Available within"),
        "the timeout is not what ended it: {err}"
    );
}

/// A namespace someone pinned to a revision (`istio.io/rev` set by another tool) is left alone
/// by --all and reported: `istio-injection=enabled` would beat the pin and move its pods to the
/// default control plane on their next restart. A label selector never reaches the namespaces
/// Istio must not inject.
#[test]
fn foreign_revision_pins_and_system_namespaces_are_left_alone() {
    let c = Cluster::start(&CLUSTER.replace(
        "  - name: blog\n",
        "  - name: blog\n    labels: {istio.io/rev: canary, tier: web}\n",
    ));
    c.install(&[]);
    let out = c
        .istioup()
        .args(["enable", "namespace", "--all", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let blog = report["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["namespace"] == "blog")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(blog["change"], "conflict", "{blog:#}");
    assert!(c.namespace_labels("blog").get("istio-injection").is_none());
    assert_eq!(c.namespace_labels("blog")["istio.io/rev"], "canary");

    // An empty selector matches every namespace; the system ones are still not touched.
    let out = c
        .istioup()
        .args(["enable", "namespace", "-l", "", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    for system in ["kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            c.namespace_labels(system).get("istio-injection").is_none(),
            "{system} labelled: {}",
            text(&out.stdout)
        );
    }
}

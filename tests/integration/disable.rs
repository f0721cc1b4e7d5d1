//! `istioup disable namespace` end to end on kubesim: removes only what istioup set, unless
//! --force; --explicit; restarts.
use std::time::Duration;

use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

fn sidecars(c: &Cluster, ns: &str) -> usize {
    c.pod_containers(ns)
        .iter()
        .filter(|cs| cs.iter().any(|n| n == "istio-proxy"))
        .count()
}

#[test]
fn disable_removes_istioups_label_and_restarts_pods_out_of_the_mesh() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop", "--restart"]);
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| sidecars(&c, "shop") == 2)
    );

    let out = c
        .istioup()
        .args(["disable", "namespace", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["namespaces"][0]["change"], "removed");
    assert_eq!(report["namespaces"][0]["labels"][0], "istio-injection=enabled");
    assert_eq!(report["restart_pending"][0]["name"], "web");
    assert_eq!(report["restart_pending"][0]["pods"], 2);
    assert!(c.namespace_labels("shop").get("istio-injection").is_none());
    let ns = c.get("/api/v1/namespaces/shop").unwrap();
    assert!(
        ns.pointer("/metadata/annotations/istioup.io~1injection-label")
            .is_none(),
        "{ns:#}"
    );
    assert_eq!(
        sidecars(&c, "shop"),
        2,
        "running pods keep the sidecar until restarted"
    );

    let out = c
        .istioup()
        .args(["disable", "namespace", "shop", "--restart"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("restarted shop/deployment/web"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| sidecars(&c, "shop") == 0)
    );
}

#[test]
fn a_label_someone_else_set_is_left_alone_unless_forced() {
    let c = Cluster::start(&CLUSTER.replace(
        "  - name: blog\n",
        "  - name: blog\n    labels: {istio-injection: enabled}\n",
    ));
    let out = c
        .istioup()
        .args(["disable", "namespace", "blog", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["namespaces"][0]["change"], "left-alone");
    assert!(
        report["namespaces"][0]["note"]
            .as_str()
            .unwrap()
            .contains("--force")
    );
    assert_eq!(c.namespace_labels("blog")["istio-injection"], "enabled");

    let out = c
        .istioup()
        .args(["disable", "namespace", "blog"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("namespace blog: left alone istio-injection=enabled"),
        "{}",
        text(&out.stdout)
    );

    let out = c
        .istioup()
        .args(["disable", "namespace", "blog", "--force"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(c.namespace_labels("blog").get("istio-injection").is_none());
}

#[test]
fn explicit_sets_disabled_and_enable_flips_it_back() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["enable", "namespace", "shop", "blog"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = c
        .istioup()
        .args(["disable", "namespace", "--all", "--explicit", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["namespaces"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["change"] == "disabled"),
        "{report:#}"
    );
    for ns in ["shop", "blog", "default"] {
        assert_eq!(c.namespace_labels(ns)["istio-injection"], "disabled", "{ns}");
    }
    assert!(c.namespace_labels("kube-system").get("istio-injection").is_none());
    // Running it again changes nothing.
    let out = c
        .istioup()
        .args(["disable", "namespace", "shop", "--explicit", "-o", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["namespaces"][0]["change"], "unchanged");
    // istioup set `disabled`, so enabling replaces it.
    let out = c
        .istioup()
        .args(["enable", "namespace", "shop"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
}

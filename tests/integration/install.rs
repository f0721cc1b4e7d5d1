//! `istioup install` end to end on kubesim with the istioctl stand-in; each test asserts the
//! cluster state afterwards.
use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

#[test]
fn happy_path_installs_verifies_and_labels() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "--inject", "shop", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["result"], "installed");
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some()
    );
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
    assert!(c.namespace_labels("blog").get("istio-injection").is_none());
    let calls = c.istioctl_calls();
    let install = calls
        .iter()
        .find(|c| c["argv"][0] == "install")
        .expect("istioctl install ran");
    let argv: Vec<&str> = install["argv"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        argv.windows(2).any(|w| w == ["--context", c.sim.context_name()]),
        "{argv:?}"
    );
    assert_eq!(report["restart_pending"][0]["name"], "web");
}

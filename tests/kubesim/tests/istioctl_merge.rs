//! istioctl's merge rules, `--set` paths and Go durations, through the library API.
use std::time::Duration;

use kubesim::istioctl::{config, duration, merge};
use serde_json::json;

#[test]
fn maps_merge_deeply_lists_and_scalars_are_replaced() {
    let mut base = json!({"a": {"b": 1, "l": [1, 2], "m": {"x": 1}}, "x": 1});
    merge::deep_merge(
        &mut base,
        &json!({"a": {"l": [3], "m": {"y": 2}}, "y": 2, "x": null}),
    );
    assert_eq!(
        base,
        json!({"a": {"b": 1, "l": [3], "m": {"x": 1, "y": 2}}, "x": 1, "y": 2})
    );
}

#[test]
fn set_paths() {
    let mut root = json!({});
    merge::apply_set(&mut root, "values.global.proxy.resources.requests.cpu=10m").unwrap();
    merge::apply_set(&mut root, "components.ingressGateways[0].enabled=false").unwrap();
    merge::apply_set(
        &mut root,
        "components.ingressGateways.[name:foo].k8s.replicaCount=2",
    )
    .unwrap();
    merge::apply_set(&mut root, "values.pilot.env.A\\.B=1.5").unwrap();
    merge::apply_set(&mut root, "tag=1.28").unwrap();
    merge::apply_set(&mut root, "meshConfig.defaultConfig.proxyMetadata.X=true").unwrap();
    assert_eq!(
        root["values"]["global"]["proxy"]["resources"]["requests"]["cpu"],
        "10m"
    );
    assert_eq!(root["components"]["ingressGateways"][0]["enabled"], false);
    assert_eq!(root["components"]["ingressGateways"][1]["name"], "foo");
    assert_eq!(root["components"]["ingressGateways"][1]["k8s"]["replicaCount"], 2);
    assert_eq!(root["values"]["pilot"]["env"]["A.B"], 1.5);
    assert_eq!(root["tag"], "1.28");
    assert_eq!(root["meshConfig"]["defaultConfig"]["proxyMetadata"]["X"], "true");
    assert!(merge::apply_set(&mut root, "novalue").is_err());
    assert!(merge::apply_set(&mut root, "a[x]=1").is_err());
    assert!(merge::apply_set(&mut root, "a[5]=1").is_err());
}

#[test]
fn profile_then_files_then_sets() {
    let dir = tempfile::tempdir().unwrap();
    let f1 = dir.path().join("1.yaml");
    let f2 = dir.path().join("2.yaml");
    std::fs::write(
        &f1,
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: mine}\nspec:\n  profile: demo\n  values: {pilot: {replicaCount: 2}}\n",
    )
    .unwrap();
    std::fs::write(
        &f2,
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  components:\n    egressGateways: []\n  values: {pilot: {replicaCount: 3}}\n",
    )
    .unwrap();
    let files = vec![
        f1.to_string_lossy().into_owned(),
        f2.to_string_lossy().into_owned(),
    ];
    let sets = vec!["values.pilot.traceSampling=5".to_string()];
    let cfg = config::resolve(&files, &sets, Some("canary"), None, "1.28.0").unwrap();
    assert_eq!(cfg.profile, "demo");
    assert_eq!(cfg.revision, "canary");
    assert_eq!(cfg.name, "mine");
    assert_eq!(cfg.namespace, "istio-system");
    let spec = &cfg.spec;
    // demo's egress gateway list replaced by the empty list of the second file.
    assert_eq!(spec["components"]["egressGateways"], json!([]));
    // Files left to right, then --set over the profile's value.
    assert_eq!(spec["values"]["pilot"]["replicaCount"], 3);
    assert_eq!(spec["values"]["pilot"]["traceSampling"], 5);
    // Untouched profile values survive.
    assert_eq!(spec["values"]["pilot"]["autoscaleEnabled"], false);
    assert_eq!(spec["meshConfig"]["accessLogFile"], "/dev/stdout");
    assert_eq!(spec["components"]["pilot"]["enabled"], true);
}

#[test]
fn go_durations() {
    assert_eq!(duration::parse("300s"), Ok(Duration::from_secs(300)));
    assert_eq!(duration::parse("1m30s"), Ok(Duration::from_secs(90)));
    assert_eq!(duration::parse("1.5h"), Ok(Duration::from_secs(5400)));
    assert_eq!(duration::parse("0"), Ok(Duration::ZERO));
    assert!(duration::parse("5x").is_err());
    assert!(duration::parse("").is_err());
    assert!(duration::parse("10").is_err());
    assert!(duration::parse("-1s").is_err());
    assert_eq!(duration::format(Duration::from_secs(300)), "5m0s");
    assert_eq!(duration::format(Duration::from_secs(30)), "30s");
    assert_eq!(duration::format(Duration::from_secs(90)), "1m30s");
    assert_eq!(duration::format(Duration::from_secs(3600)), "1h0m0s");
    assert_eq!(duration::format(Duration::from_millis(500)), "500ms");
    assert_eq!(duration::format(Duration::from_millis(1500)), "1.5s");
}

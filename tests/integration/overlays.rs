//! The overlay catalog (overlays/*.yaml): each file renders, does what its header says, is
//! listed in overlays/README.md, and the files stack without losing each other's settings.
use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::render::render_json;

fn catalog_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("overlays")
}

fn overlay(name: &str) -> String {
    catalog_dir().join(name).display().to_string()
}

/// The merged spec with these catalog files applied in order.
fn render(names: &[&str]) -> Value {
    let paths: Vec<String> = names.iter().map(|n| overlay(n)).collect();
    let mut args = Vec::new();
    for path in &paths {
        args.extend(["-f", path.as_str()]);
    }
    render_json(&args)["spec"].clone()
}

fn gateway<'a>(spec: &'a Value, list: &str, name: &str) -> &'a Value {
    spec["components"][list]
        .as_array()
        .and_then(|items| items.iter().find(|g| g["name"] == name))
        .unwrap_or_else(|| panic!("no {list} item {name} in {spec}"))
}

fn ingress(spec: &Value) -> &Value {
    gateway(spec, "ingressGateways", "istio-ingressgateway")
}

fn egress(spec: &Value) -> &Value {
    gateway(spec, "egressGateways", "istio-egressgateway")
}

const INFRA_TOLERATION: &str =
    r#"[{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}]"#;

/// One check per catalog file: the effect its header promises.
fn check(name: &str, spec: &Value) {
    match name {
        "ingress-nodeport.yaml" => {
            let service = &ingress(spec)["k8s"]["service"];
            assert_eq!(service["type"], "NodePort");
            let ports: Vec<(u64, u64, Option<u64>)> = service["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["port"].as_u64().unwrap(),
                        p["targetPort"].as_u64().unwrap(),
                        p["nodePort"].as_u64(),
                    )
                })
                .collect();
            assert_eq!(
                ports,
                [
                    (15021, 15021, None),
                    (80, 8080, Some(31380)),
                    (443, 8443, Some(31390)),
                    (31400, 31400, Some(31400)),
                    (15443, 15443, None)
                ]
            );
        }
        "egress-gateway.yaml" => {
            assert_eq!(egress(spec)["enabled"], true);
            assert_eq!(egress(spec)["k8s"]["nodeSelector"]["kubernetes.io/os"], "linux");
        }
        "internal-ingress-gateway.yaml" => {
            let internal = gateway(spec, "ingressGateways", "istio-internal-ingressgateway");
            assert_eq!(internal["enabled"], true);
            assert_eq!(internal["label"]["istio"], "internal-ingressgateway");
            assert_eq!(internal["k8s"]["service"]["type"], "ClusterIP");
            assert_eq!(ingress(spec)["enabled"], true, "the default gateway stays");
        }
        "cni-rke2.yaml" => {
            assert_eq!(spec["components"]["cni"]["enabled"], true);
            assert_eq!(
                spec["values"]["cni"],
                json!({"cniBinDir": "/opt/cni/bin", "cniConfDir": "/etc/cni/net.d"})
            );
        }
        "cni-k3s.yaml" => {
            assert_eq!(spec["components"]["cni"]["enabled"], true);
            assert_eq!(
                spec["values"]["cni"],
                json!({
                    "cniBinDir": "/var/lib/rancher/k3s/data/current/bin",
                    "cniConfDir": "/var/lib/rancher/k3s/agent/etc/cni/net.d"
                })
            );
        }
        "ha-control-plane.yaml" => {
            for k8s in [
                &spec["components"]["pilot"]["k8s"],
                &ingress(spec)["k8s"],
                &egress(spec)["k8s"],
            ] {
                assert!(k8s["replicaCount"].as_u64() >= Some(2), "{k8s}");
                assert_eq!(k8s["hpaSpec"]["minReplicas"], 2);
                assert_eq!(k8s["podDisruptionBudget"]["minAvailable"], 1);
            }
            assert_eq!(
                egress(spec)["enabled"],
                false,
                "HA does not switch the egress gateway on"
            );
        }
        "dedicated-infra-nodes.yaml" => {
            let toleration: Value = serde_json::from_str(INFRA_TOLERATION).unwrap();
            for k8s in [
                &spec["components"]["pilot"]["k8s"],
                &ingress(spec)["k8s"],
                &egress(spec)["k8s"],
            ] {
                assert_eq!(
                    k8s["nodeSelector"],
                    json!({"kubernetes.io/os": "linux", "node-role.kubernetes.io/infra": "true"})
                );
                assert_eq!(k8s["tolerations"], toleration);
            }
            let cni = &spec["components"]["cni"]["k8s"];
            assert_eq!(cni["tolerations"], toleration);
            assert_eq!(
                cni["nodeSelector"],
                json!({"kubernetes.io/os": "linux"}),
                "CNI runs on every node"
            );
        }
        "small-footprint.yaml" => {
            let requests = |k8s: &Value| k8s["resources"]["requests"].clone();
            assert_eq!(
                requests(&spec["components"]["pilot"]["k8s"]),
                json!({"cpu": "10m", "memory": "100Mi"})
            );
            assert_eq!(
                requests(&ingress(spec)["k8s"]),
                json!({"cpu": "10m", "memory": "40Mi"})
            );
            assert_eq!(
                requests(&egress(spec)["k8s"]),
                json!({"cpu": "10m", "memory": "40Mi"})
            );
            assert_eq!(
                spec["values"]["global"]["proxy"]["resources"]["requests"],
                json!({"cpu": "10m", "memory": "40Mi"})
            );
            assert_eq!(spec["values"]["pilot"]["autoscaleEnabled"], false);
            assert_eq!(
                spec["values"]["gateways"]["istio-ingressgateway"]["autoscaleEnabled"],
                false
            );
        }
        "inject-all-namespaces.yaml" => {
            assert_eq!(
                spec["values"]["sidecarInjectorWebhook"]["enableNamespacesByDefault"],
                true
            );
        }
        other => panic!("catalog file {other} has no check in tests/integration/overlays.rs: add one"),
    }
}

fn catalog_files() -> BTreeSet<String> {
    std::fs::read_dir(catalog_dir())
        .expect("overlays/ exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".yaml"))
        .collect()
}

#[test]
fn every_catalog_file_renders_and_does_what_it_says() {
    let files = catalog_files();
    assert!(files.len() >= 9, "{files:?}");
    for name in &files {
        check(name, &render(&[name]));
    }
}

#[test]
fn every_catalog_file_has_a_header_and_a_readme_row() {
    let readme = std::fs::read_to_string(catalog_dir().join("README.md")).expect("overlays/README.md");
    for name in catalog_files() {
        let text = std::fs::read_to_string(catalog_dir().join(&name)).unwrap();
        assert!(
            text.starts_with(&format!("# {name}: ")),
            "{name} lacks its header line"
        );
        for part in ["# What:", "# When:", "# Combine:"] {
            assert!(text.contains(part), "{name} header lacks {part}");
        }
        assert!(
            readme.contains(&format!("| [{name}]({name}) |")),
            "overlays/README.md lacks a row for {name}"
        );
    }
}

#[test]
fn stacked_overlays_lose_nothing() {
    let stack = [
        "egress-gateway.yaml",
        "internal-ingress-gateway.yaml",
        "ingress-nodeport.yaml",
    ];
    let spec = render(&stack);
    for name in stack {
        check(name, &spec);
    }
    let names: Vec<&str> = spec["components"]["ingressGateways"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(names, ["istio-ingressgateway", "istio-internal-ingressgateway"]);
    let internal = gateway(&spec, "ingressGateways", "istio-internal-ingressgateway");
    assert_eq!(
        internal["k8s"]["service"]["type"], "ClusterIP",
        "NodePort applies to its gateway only"
    );
    assert_eq!(ingress(&spec)["k8s"]["nodeSelector"]["kubernetes.io/os"], "linux");
}

#[test]
fn a_rancher_style_stack_keeps_every_file() {
    let stack = [
        "ingress-nodeport.yaml",
        "cni-rke2.yaml",
        "ha-control-plane.yaml",
        "dedicated-infra-nodes.yaml",
        "egress-gateway.yaml",
        "inject-all-namespaces.yaml",
    ];
    let spec = render(&stack);
    for name in stack.iter().filter(|n| **n != "ha-control-plane.yaml") {
        check(name, &spec);
    }
    assert_eq!(egress(&spec)["enabled"], true);
    assert_eq!(egress(&spec)["k8s"]["replicaCount"], 2);
    assert_eq!(ingress(&spec)["k8s"]["service"]["type"], "NodePort");
    assert_eq!(ingress(&spec)["k8s"]["hpaSpec"]["minReplicas"], 2);
}

//! istioup's prediction of what an install will run (the capacity check and the plan) against
//! what real istioctl renders from Istio's own charts: tests/fixtures/istio/<release>/<config>.yaml,
//! made by tests/fixtures/istio/render.sh with real helm (see its README). For every fixture
//! configuration of every release, the components istioup plans from the same IstioOperator
//! must be the workloads the charts create: names, namespaces, replicas, requests, node
//! selectors, gateway Service types and ports.
use std::collections::BTreeMap;
use std::path::PathBuf;

use istioup::k8s::quantity;
use istioup::spec::{ComponentKind, Components};
use serde_json::Value;

fn fixtures() -> PathBuf {
    crate::support::repo_root().join("tests/fixtures/istio")
}

fn yaml_docs(path: &PathBuf) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn releases() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("crds.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

fn configs() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(fixtures().join("iops"))
        .expect("iops directory")
        .filter_map(|e| e.ok())
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".yaml")
                .to_string()
        })
        .collect();
    out.sort();
    out
}

/// A gateway Service: its type, and each port with its nodePort.
type ServiceShape = (String, Vec<(u64, Option<u64>)>);

/// One workload as the charts render it.
#[derive(Debug, PartialEq)]
struct Workload {
    kind: &'static str,
    namespace: String,
    name: String,
    /// Pods once the HPA acted: the larger of the Deployment's replicas and its HPA's
    /// minReplicas (a Deployment without replicas starts with one); none for a DaemonSet.
    replicas: Option<u64>,
    cpu_millis: i64,
    memory_bytes: i64,
    node_selector: BTreeMap<String, String>,
    service: Option<ServiceShape>,
}

fn str_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map(String::from).unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn rendered(docs: &[Value]) -> Vec<Workload> {
    let find = |kind: &str, ns: &str, name: &str| {
        docs.iter().find(|d| {
            d["kind"] == kind
                && d["metadata"]["name"] == name
                && d["metadata"]["namespace"].as_str().unwrap_or("") == ns
        })
    };
    let mut out: Vec<Workload> = docs
        .iter()
        .filter(|d| d["kind"] == "Deployment" || d["kind"] == "DaemonSet")
        .map(|d| {
            let kind = if d["kind"] == "Deployment" {
                "Deployment"
            } else {
                "DaemonSet"
            };
            let ns = d["metadata"]["namespace"].as_str().unwrap_or("").to_string();
            let name = d["metadata"]["name"].as_str().unwrap_or("").to_string();
            let pod = &d["spec"]["template"]["spec"];
            let requests = &pod["containers"][0]["resources"]["requests"];
            let replicas = (kind == "Deployment").then(|| {
                let hpa_min = find("HorizontalPodAutoscaler", &ns, &name)
                    .and_then(|h| h["spec"]["minReplicas"].as_u64());
                let replicas = d["spec"]["replicas"].as_u64();
                match (replicas, hpa_min) {
                    (Some(r), Some(m)) => r.max(m),
                    (r, m) => r.or(m).unwrap_or(1),
                }
            });
            let service = find("Service", &ns, &name)
                .filter(|_| name.contains("gateway"))
                .map(|s| {
                    let ports = s["spec"]["ports"]
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .map(|p| (p["port"].as_u64().unwrap_or(0), p["nodePort"].as_u64()))
                                .collect()
                        })
                        .unwrap_or_default();
                    (
                        s["spec"]["type"].as_str().unwrap_or("ClusterIP").to_string(),
                        ports,
                    )
                });
            Workload {
                kind,
                namespace: ns,
                name,
                replicas,
                cpu_millis: requests["cpu"]
                    .as_str()
                    .map_or(0, |q| quantity::cpu_millis(q).unwrap()),
                memory_bytes: requests["memory"]
                    .as_str()
                    .map_or(0, |q| quantity::memory_bytes(q).unwrap()),
                node_selector: str_map(&pod["nodeSelector"]),
                service,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    out
}

fn planned(iop: &Value) -> Vec<Workload> {
    let components = Components::from_spec(iop);
    let mut out: Vec<Workload> = components
        .enabled()
        .map(|c| Workload {
            kind: if c.kind.is_daemon_set() {
                "DaemonSet"
            } else {
                "Deployment"
            },
            namespace: c.namespace.clone(),
            name: c.name.clone(),
            replicas: (!c.kind.is_daemon_set()).then_some(c.replicas),
            cpu_millis: c
                .requests
                .cpu
                .as_deref()
                .map_or(0, |q| quantity::cpu_millis(q).unwrap()),
            memory_bytes: c
                .requests
                .memory
                .as_deref()
                .map_or(0, |q| quantity::memory_bytes(q).unwrap()),
            node_selector: c.node_selector.clone(),
            service: c
                .service
                .as_ref()
                .filter(|_| matches!(c.kind, ComponentKind::Ingress | ComponentKind::Egress))
                .map(|s| {
                    (
                        s.type_.clone(),
                        s.ports
                            .iter()
                            .map(|p| (u64::from(p.port.unwrap_or(0)), p.node_port.map(u64::from)))
                            .collect(),
                    )
                }),
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    out
}

#[test]
fn the_plan_is_what_the_charts_run() {
    let releases = releases();
    assert!(
        releases.len() >= 2,
        "fixtures for at least two releases: {releases:?}"
    );
    let mut wrong = Vec::new();
    for release in &releases {
        for config in configs() {
            let fixture = fixtures().join(release).join(format!("{config}.yaml"));
            if !fixture.is_file() {
                continue;
            }
            let iop = yaml_docs(&fixtures().join("iops").join(format!("{config}.yaml")))
                .into_iter()
                .next()
                .expect("one IstioOperator");
            let (want, got) = (rendered(&yaml_docs(&fixture)), planned(&iop));
            if want != got {
                wrong.push(format!(
                    "{release} {config}:\n  charts: {want:?}\n  plan:   {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The RBAC check asks for `create` and `patch` (istioctl applies with server-side apply) on
/// every kind the charts of every release create.
#[test]
fn the_rbac_check_covers_every_kind_the_charts_create() {
    let permissions = istioup::facts::cluster::install_permissions();
    let mut missing = Vec::new();
    for release in releases() {
        // The install fixtures; the addon manifests under samples/ are not installed by istioctl.
        let files = std::fs::read_dir(fixtures().join(&release))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file());
        for path in files {
            for doc in yaml_docs(&path) {
                let api_version = doc["apiVersion"].as_str().unwrap_or("");
                let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
                let resource = format!("{}s", doc["kind"].as_str().unwrap_or("").to_lowercase());
                for verb in ["create", "patch"] {
                    let granted = permissions
                        .iter()
                        .any(|&(v, g, r)| v == verb && g == group && r == resource);
                    let what = format!("{verb} {resource}.{group} ({release})");
                    if !granted && !missing.contains(&what) {
                        missing.push(what);
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "the rbac check does not ask for: {missing:?}");
}

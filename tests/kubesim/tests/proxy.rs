//! The services/proxy subresource, checked with the real kubectl (`kubectl get --raw`), as a
//! real API server resolves it (pkg/registry/core/service/storage/storage.go,
//! `ResourceLocation`; pkg/registry/core/service/proxy.go). Skipped with a note when kubectl
//! is missing, unless ISTIOUP_REQUIRE_KUBECTL=1.
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;
use kubesim::proxy::ProxyResponse;
use serde_json::{Value, json};

const CLUSTER: &str = r#"
namespaces:
  - name: monitoring
workloads:
  - {kind: Deployment, namespace: monitoring, name: prometheus, replicas: 1}
  - {kind: Deployment, namespace: monitoring, name: idle, replicas: 0}
objects:
  - apiVersion: v1
    kind: Service
    metadata: {name: prometheus, namespace: monitoring}
    spec:
      selector: {app: prometheus}
      ports: [{name: http, port: 9090, targetPort: 9090}]
  - apiVersion: v1
    kind: Service
    metadata: {name: idle, namespace: monitoring}
    spec:
      selector: {app: idle}
      ports: [{name: http, port: 80, targetPort: 8080}]
"#;

fn start() -> Sim {
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    sim.proxy_responder("monitoring", "prometheus", 9090, |req| {
        ProxyResponse::json(
            200,
            &json!({"path": req.path, "query": req.query.get("query"), "method": req.method}),
        )
    });
    sim
}

#[test]
fn kubectl_get_raw_reaches_the_responder_by_port_number_and_name() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    for id in ["prometheus:9090", "prometheus:http", "http:prometheus:9090"] {
        let raw = k.ok(&[
            "get",
            "--raw",
            &format!(
                "/api/v1/namespaces/monitoring/services/{id}/proxy/api/v1/query?query=up%7Bjob%3D%22x%22%7D"
            ),
        ]);
        let v: Value = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{e}: {raw}"));
        assert_eq!(v["path"], "/api/v1/query", "{id}");
        assert_eq!(v["query"], "up{job=\"x\"}", "{id}: the query is decoded");
        assert_eq!(v["method"], "GET");
    }
}

#[test]
fn kubectl_sees_the_api_servers_errors() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let cases = [
        ("nope:9090", "services \"nope\" not found"),
        (
            "prometheus:9091",
            "no service port 9091 found for service \"prometheus\"",
        ),
        (
            "prometheus:metrics",
            "no endpoints available for service \"prometheus:metrics\"",
        ),
        // A Service without ready pods has empty Endpoints.
        ("idle:80", "no endpoints available for service \"idle\""),
    ];
    for (id, want) in cases {
        let (ok, _, err) = k.run(
            &[
                "get",
                "--raw",
                &format!("/api/v1/namespaces/monitoring/services/{id}/proxy/"),
            ],
            None,
        );
        assert!(!ok, "{id}");
        assert!(err.contains(want), "{id}: {err}");
    }
    // A pod that nothing answers on: the proxy transport's dial error.
    sim.apply_yaml(
        "apiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: monitoring}\nspec:\n  selector: {app: prometheus}\n  ports: [{port: 8080}]\n",
    )
    .unwrap();
    let (ok, _, err) = k.run(
        &[
            "get",
            "--raw",
            "/api/v1/namespaces/monitoring/services/other:8080/proxy/",
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("error trying to reach service"), "{err}");
}

#[test]
fn a_denied_proxy_is_forbidden() {
    let Some(bin) = kubectl() else { return };
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .deny("get", "services/proxy")
        .start()
        .unwrap();
    let k = Kubectl::new(bin, &sim);
    let (ok, _, err) = k.run(
        &[
            "get",
            "--raw",
            "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/",
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("forbidden"), "{err}");
}

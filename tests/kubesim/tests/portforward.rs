//! pods/portforward with kube-rs' `Api::portforward` (kube-client src/api/portforward.rs: the
//! WebSocket client offering `v5.channel.k8s.io, v4.channel.k8s.io`, channel 2n data and 2n+1
//! error per port, the port as 2 little-endian bytes first on each) against kubesim, which
//! answers as the kubelet does (pkg/kubelet/cri/streaming/portforward/websocket.go,
//! k8s.io/apimachinery pkg/util/httpstream/wsstream/conn.go) and as the API server checks
//! (pkg/registry/core/pod/strategy.go `PortForwardLocation`).
#[path = "common/clients.rs"]
mod clients;
mod common;

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use kubesim::Sim;
use kubesim::portforward::Listen;
use kubesim::proxy::ProxyResponse;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLUSTER: &str = r#"
nodes: [{name: n1}]
pods:
  - {namespace: default, name: web, node: n1}
  - {namespace: default, name: done, node: n1, phase: Succeeded}
objects:
  - apiVersion: v1
    kind: Pod
    metadata: {name: nowhere, namespace: default}
    spec:
      nodeSelector: {no-such: node}
      containers: [{name: c, image: busybox}]
"#;

async fn client(sim: &Sim) -> Client {
    let kc = Kubeconfig::read_from(sim.kubeconfig()).unwrap_or_else(|e| panic!("{e}"));
    let opts = KubeConfigOptions {
        context: Some(sim.context_name().to_string()),
        ..Default::default()
    };
    let cfg = Config::from_custom_kubeconfig(kc, &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Client::try_from(cfg).unwrap_or_else(|e| panic!("{e}"))
}

fn start() -> Sim {
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let running = sim.wait_for(Duration::from_secs(10), |s| {
        s.get("/api/v1/namespaces/default/pods/web")
            .is_some_and(|p| p["status"]["phase"] == "Running")
    });
    assert!(running, "pod web never ran");
    sim
}

async fn http_get(stream: &mut tokio::io::DuplexStream, path: &str) -> String {
    let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    stream
        .write_all(req.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    stream
        .read_to_end(&mut out)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    String::from_utf8_lossy(&out).to_string()
}

/// Reads until `needle` arrives: with v4 a port's stream only ends when every port's did
/// (there is no per-channel close), so reading to the end would wait for the others.
async fn read_until(stream: &mut tokio::io::DuplexStream, needle: &str) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&out).contains(needle) {
        let n = stream.read(&mut buf).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(n > 0, "EOF before {needle:?}: {}", String::from_utf8_lossy(&out));
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&out).to_string()
}

#[tokio::test]
async fn kube_rs_forwards_an_http_exchange_to_the_default_responder() {
    let sim = start();
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let mut pf = pods
        .portforward("web", &[8080])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut stream = pf.take_stream(8080).expect("a stream for port 8080");
    let answer = http_get(&mut stream, "/hello").await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.ends_with("kubesim pod default/web port 8080: GET /hello\n"),
        "{answer}"
    );
    // The pod closed its end, so the server closed the WebSocket: kube-rs saw EOF above.
    drop(stream);
    drop(pf);
    // kube-rs asks with `ports=`; the request is logged as it came.
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.starts_with("GET /api/v1/namespaces/default/pods/web/portforward?")),
        "{:?}",
        sim.requests()
    );
}

#[tokio::test]
async fn two_ports_in_one_request_reach_what_listens_on_each() {
    let sim = start();
    sim.pod_responder("default", "web", |port| match port {
        9090 => Listen::http(|req| ProxyResponse {
            status: 404,
            content_type: "text/plain".into(),
            body: format!("no {}", req.path).into_bytes(),
        }),
        // An echo server.
        _ => Listen::Serve(std::sync::Arc::new(|stream| {
            Box::pin(async move {
                let (mut r, mut w) = tokio::io::split(stream);
                let _ = tokio::io::copy(&mut r, &mut w).await;
                let _ = w.shutdown().await;
            })
        })),
    });
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let mut pf = pods
        .portforward("web", &[7000, 9090])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut echo = pf.take_stream(7000).expect("port 7000");
    let mut http = pf.take_stream(9090).expect("port 9090");
    echo.write_all(b"ping").await.unwrap_or_else(|e| panic!("{e}"));
    let mut buf = [0u8; 4];
    echo.read_exact(&mut buf).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&buf, b"ping");
    http.write_all(b"GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let answer = read_until(&mut http, "no /missing").await;
    assert!(answer.starts_with("HTTP/1.1 404 Not Found\r\n"), "{answer}");
}

#[tokio::test]
async fn a_port_nothing_listens_on_reports_on_its_error_channel() {
    let sim = start();
    sim.pod_responder("default", "web", |_| Listen::Refused);
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let mut pf = pods
        .portforward("web", &[81])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let error = pf.take_error(81).expect("an error future").await;
    let error = error.expect("an error message");
    assert!(
        error.starts_with("error forwarding port 81 to pod web, uid "),
        "{error}"
    );
    assert!(error.contains("connect: connection refused"), "{error}");
}

#[tokio::test]
async fn the_api_server_and_kubelet_refusals() {
    let sim = start();
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    let status = |e: kube::Error| match e {
        kube::Error::Api(s) => (s.code, s.message),
        other => panic!("not an API error: {other}"),
    };
    let missing = pods.portforward("ghost", &[80]).await.err().map(status);
    assert_eq!(missing, Some((404, "pods \"ghost\" not found".to_string())));
    let unscheduled = pods.portforward("nowhere", &[80]).await.err().map(status);
    assert_eq!(
        unscheduled,
        Some((400, "pod nowhere does not have a host assigned".to_string()))
    );
    let done = pods.portforward("done", &[80]).await.err().map(status);
    let (code, message) = done.expect("a finished pod is refused");
    assert_eq!(code, 500);
    assert!(message.contains("sandbox container is not running"), "{message}");
}

#[tokio::test]
async fn rbac_decides_on_create_pods_portforward() {
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .deny("create", "pods/portforward")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let pods: Api<Pod> = Api::namespaced(client(&sim).await, "default");
    match pods.portforward("web", &[80]).await {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 403);
            assert!(
                s.message.contains("cannot create resource \"pods/portforward\""),
                "{}",
                s.message
            );
        }
        Err(other) => panic!("not an API error: {other}"),
        Ok(_) => panic!("a denied port-forward went through"),
    }
}

#[tokio::test]
async fn a_plain_get_is_told_to_upgrade_and_a_spdy_upgrade_that_kubesim_lacks_spdy() {
    let sim = start();
    let client = client(&sim).await;
    let path = "/api/v1/namespaces/default/pods/web/portforward?ports=80";
    let req = axum::http::Request::get(path)
        .body(Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let err = client
        .request_text(req)
        .await
        .expect_err("a plain GET is refused");
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 400 && s.message == "Upgrade request required"),
        "{err}"
    );
    let req = axum::http::Request::post(path)
        .header("Connection", "Upgrade")
        .header("Upgrade", "SPDY/3.1")
        .body(Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let err = client.request_text(req).await.expect_err("SPDY is refused");
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 400 && s.message.contains("SPDY")),
        "{err}"
    );
}

/// The official Python client (kubernetes/stream/ws_client.py `PortForward`, subprotocol
/// `v4.channel.k8s.io`, found through $ISTIOUP_PYTHON): an HTTP exchange through
/// `portforward(connect_get_namespaced_pod_portforward, ...)`, and the error channel of a port
/// nothing listens on. Skipped with a note when the client is missing, unless
/// ISTIOUP_REQUIRE_CLIENTS=1.
#[test]
fn the_python_client_forwards_and_reads_the_error_channel() {
    let Some(python) = clients::client("ISTIOUP_PYTHON", "python kubernetes client") else {
        return;
    };
    let sim = start();
    sim.pod_responder("default", "web", |port| match port {
        81 => Listen::Refused,
        _ => kubesim::portforward::default_listen("default", "web", port),
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("pf.py");
    std::fs::write(
        &script,
        r#"
import json, sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
pf = portforward(v1.connect_get_namespaced_pod_portforward, "web", "default", ports="8080")
s = pf.socket(8080)
s.sendall(b"GET /py HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
s.close()
out = {"answer": data.decode()}
pf = portforward(v1.connect_get_namespaced_pod_portforward, "web", "default", ports="81")
s = pf.socket(81)
s.settimeout(30)
try:
    while s.recv(4096):
        pass
except Exception:
    pass
out["error"] = pf.error(81)
print(json.dumps(out))
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = std::process::Command::new(python);
    cmd.arg(&script)
        .arg(sim.kubeconfig())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONNOUSERSITE", "1");
    let out = clients::run(cmd, dir.path(), None);
    assert!(out.ok, "--- stdout\n{}\n--- stderr\n{}", out.stdout, out.stderr);
    let got: serde_json::Value = serde_json::from_str(out.stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let answer = got["answer"].as_str().unwrap_or("");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.ends_with("kubesim pod default/web port 8080: GET /py\n"),
        "{answer}"
    );
    let error = got["error"].as_str().unwrap_or("");
    assert!(
        error.starts_with("error forwarding port 81 to pod web, uid "),
        "{got}"
    );
}

/// kubectl 1.32 port-forwards over a WebSocket tunnelling SPDY (`SPDY/3.1+portforward.k8s.io`,
/// KEP-4006, client-go tools/portforward/tunneling_connection.go) and falls back to a plain
/// SPDY/3.1 upgrade when that handshake fails (client-go tools/portforward/fallback_dialer.go).
/// kubesim speaks neither: this pins that kubectl gets both refusals and fails saying why,
/// rather than hanging. Skipped with a note when kubectl is missing, unless
/// ISTIOUP_REQUIRE_KUBECTL=1.
#[test]
fn kubectl_port_forward_is_refused_with_the_reason() {
    let Some(bin) = common::kubectl::kubectl() else {
        return;
    };
    let sim = start();
    let k = common::kubectl::Kubectl::new(bin, &sim);
    let (ok, _, stderr) = k.run(
        &["port-forward", "pod/web", "0:8080", "--request-timeout=30s"],
        None,
    );
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("kubesim does not speak SPDY"), "{stderr}");
    let forwards: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.contains("/pods/web/portforward"))
        .collect();
    // The WebSocket try (GET), then the SPDY upgrade (POST).
    assert!(forwards.iter().any(|r| r.starts_with("GET ")), "{forwards:?}");
    assert!(forwards.iter().any(|r| r.starts_with("POST ")), "{forwards:?}");
}

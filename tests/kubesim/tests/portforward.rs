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

/// The refusals before a SPDY session starts: the upgrade-aware proxy wants an upgrade
/// (apimachinery pkg/util/proxy/upgradeaware.go), the kubelet's `httpstream.Handshake` wants
/// `X-Stream-Protocol-Version: portforward.k8s.io` (403 naming what it accepts,
/// pkg/util/httpstream/httpstream.go), and spdy upgrade.go `UpgradeResponse` wants
/// `Upgrade: SPDY/3.1` (400).
#[tokio::test]
async fn a_plain_get_is_told_to_upgrade_and_a_spdy_upgrade_must_negotiate() {
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
    let spdy = |protocol: &str, upgrade: &str| {
        axum::http::Request::post(path)
            .header("Connection", "Upgrade")
            .header("Upgrade", upgrade)
            .header("X-Stream-Protocol-Version", protocol)
            .body(Vec::new())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let err = client
        .request_text(spdy("channel.k8s.io", "SPDY/3.1"))
        .await
        .expect_err("an unknown stream protocol is refused");
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 403 && s.message.contains("unable to negotiate protocol: client supports [channel.k8s.io], server accepts [portforward.k8s.io]")),
        "{err}"
    );
    let err = client
        .request_text(spdy("portforward.k8s.io", "SPDY/2"))
        .await
        .expect_err("another SPDY version is refused");
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 400 && s.message.contains("missing upgrade headers")),
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

/// kubectl running `port-forward`, its stdout lines as they come and its stderr so far.
struct PortForward {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    _home: tempfile::TempDir,
}

impl PortForward {
    fn start(bin: &std::path::Path, sim: &Sim, websockets: bool, args: &[&str]) -> PortForward {
        use std::io::{BufRead, Read};
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut child = std::process::Command::new(bin)
            .env("HOME", home.path())
            .env_remove("KUBECONFIG")
            // client-go tools/portforward/fallback_dialer.go is chosen by kubectl's
            // cmd/portforward/portforward.go when this is not "false".
            .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets.to_string())
            .arg("--kubeconfig")
            .arg(sim.kubeconfig())
            .arg("--context")
            .arg(sim.context_name())
            .arg("--cache-dir")
            .arg(home.path().join("cache"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("kubectl: {e}"));
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut pipe, sink) = (child.stderr.take().expect("piped stderr"), stderr.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                sink.lock().unwrap_or_else(|e| e.into_inner()).push_str(&text);
            }
        });
        PortForward {
            child,
            lines,
            stderr,
            _home: home,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The local port of each `Forwarding from 127.0.0.1:NNNN -> REMOTE` line, for `remotes`
    /// (kubectl's tools/portforward/portforward.go `listenOnPortAndAddress`).
    fn local_ports(&self, remotes: &[u16]) -> Vec<u16> {
        let mut found = vec![0u16; remotes.len()];
        while found.contains(&0) {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("kubectl printed no forwarding ({e}): {}", self.stderr()));
            let Some(rest) = line.strip_prefix("Forwarding from 127.0.0.1:") else {
                continue;
            };
            let (local, remote) = rest.split_once(" -> ").unwrap_or_else(|| panic!("{line}"));
            if let Some(i) = remotes.iter().position(|r| r.to_string() == remote) {
                found[i] = local.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
            }
        }
        found
    }
}

impl Drop for PortForward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange through kubectl's local port; the pod closes after answering, so the
/// answer ends where the connection does.
fn get_through(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut conn =
        std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("connect {port}: {e}"));
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap_or_else(|e| panic!("{e}"));
    write!(conn, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap_or_else(|e| panic!("{e}"));
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// kubectl 1.32 end to end: `kubectl port-forward pod/web 0:80 0:81`, two HTTP exchanges on
/// port 80 (one request, an error stream and a data stream each: client-go
/// tools/portforward/portforward.go `handleConnection`, answered as the kubelet's
/// pkg/kubelet/cri/streaming/portforward/httpstream.go does), then a connection to port 81,
/// where nothing listens, whose dial error kubectl reports from the error stream
/// (`an error occurred forwarding L -> 81: error forwarding port 81 to pod web, uid ...`).
fn kubectl_round_trip(websockets: bool) {
    let Some(bin) = common::kubectl::kubectl() else {
        return;
    };
    let sim = start();
    sim.pod_responder("default", "web", |port| match port {
        81 => Listen::Refused,
        _ => Listen::http(move |req| ProxyResponse {
            status: 200,
            content_type: "text/plain".into(),
            body: format!("port {port} answers {}\n", req.path).into_bytes(),
        }),
    });
    let pf = PortForward::start(
        &bin,
        &sim,
        websockets,
        &["port-forward", "pod/web", "0:80", "0:81"],
    );
    let locals = pf.local_ports(&[80, 81]);
    for path in ["/first", "/second"] {
        let answer = get_through(locals[0], path);
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n"),
            "{answer}\n{}",
            pf.stderr()
        );
        assert!(answer.ends_with(&format!("port 80 answers {path}\n")), "{answer}");
    }
    let refused = get_through(locals[1], "/nothing");
    assert_eq!(refused, "", "a refused dial forwards nothing");
    let reported = sim.wait_for(Duration::from_secs(60), |_| {
        pf.stderr().contains("error forwarding port 81 to pod web, uid ")
    });
    assert!(reported, "kubectl did not report the refusal: {}", pf.stderr());
    let stderr = pf.stderr();
    assert!(
        stderr.contains(&format!("an error occurred forwarding {} -> 81", locals[1])),
        "{stderr}"
    );
    assert!(stderr.contains("connect: connection refused"), "{stderr}");
    drop(pf);
    let methods: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.contains("/pods/web/portforward"))
        .map(|r| r.split(' ').next().unwrap_or("").to_string())
        .collect();
    // One session for the whole run: the WebSocket tunnel (GET) or the SPDY upgrade (POST).
    let want = if websockets { "GET" } else { "POST" };
    assert_eq!(methods, [want], "{:?}", sim.requests());
}

/// The default path: a WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io` whose binary
/// messages carry the SPDY session (KEP-4006; client-go tools/portforward/tunneling_dialer.go,
/// tunneling_connection.go; apimachinery pkg/util/proxy/streamtunnel.go). Skipped with a note
/// when kubectl is missing, unless ISTIOUP_REQUIRE_KUBECTL=1.
#[test]
fn kubectl_port_forwards_over_the_websocket_spdy_tunnel() {
    kubectl_round_trip(true);
}

/// `KUBECTL_PORT_FORWARD_WEBSOCKETS=false`: the plain `Upgrade: SPDY/3.1` POST with
/// `X-Stream-Protocol-Version: portforward.k8s.io` (client-go transport/spdy/spdy.go,
/// apimachinery pkg/util/httpstream/spdy/roundtripper.go).
#[test]
fn kubectl_port_forwards_over_a_plain_spdy_upgrade() {
    kubectl_round_trip(false);
}

/// The SPDY session below kubectl, spoken frame by frame over a plain-HTTP kubesim: the 101
/// reply of apimachinery pkg/util/httpstream/spdy/upgrade.go `UpgradeResponse`; a PING echoed
/// (spdystream connection.go `handlePingFrame`: a peer's id is written back); a stream without
/// a `port` header reset with CANCEL (kubelet httpstream.go `httpStreamReceived` refuses it,
/// apimachinery spdy/connection.go `newSpdyStream` then calls spdystream `Stream.Reset`); and
/// an error/data pair without `requestid`, paired by consecutive ids (httpstream.go
/// `requestID`), answered with a SYN_REPLY each and the pod's HTTP answer on the data stream.
#[tokio::test]
async fn a_spdy_session_echoes_pings_resets_bad_streams_and_forwards() {
    use kubesim::spdy::{CANCEL, Frame, Reader, Writer};
    let sim = Sim::builder()
        .cluster_yaml(CLUSTER)
        .tls(false)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sim.wait_for(Duration::from_secs(10), |s| {
        s.get("/api/v1/namespaces/default/pods/web")
            .is_some_and(|p| p["status"]["phase"] == "Running")
    }));
    let addr = sim.url().trim_start_matches("http://").to_string();
    let mut conn = tokio::net::TcpStream::connect(&addr)
        .await
        .unwrap_or_else(|e| panic!("{addr}: {e}"));
    conn.write_all(
        b"POST /api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\nHost: kubesim\r\n\
          Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        conn.read_exact(&mut b).await.unwrap_or_else(|e| panic!("{e}"));
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 101 switching protocols\r\n"), "{head}");
    assert!(head.contains("\r\nupgrade: spdy/3.1\r\n"), "{head}");
    assert!(
        head.contains("\r\nx-stream-protocol-version: portforward.k8s.io\r\n"),
        "{head}"
    );
    let (mut w, mut r) = (Writer::default(), Reader::default());
    let mut out = w.ping(1);
    out.extend(w.syn_stream(1, &[("streamtype", "data")]));
    out.extend(w.syn_stream(3, &[("streamtype", "error"), ("port", "80")]));
    out.extend(w.data(3, true, b""));
    out.extend(w.syn_stream(5, &[("streamtype", "data"), ("port", "80")]));
    out.extend(w.data(5, true, b"GET /raw HTTP/1.1\r\nHost: x\r\n\r\n"));
    conn.write_all(&out).await.unwrap_or_else(|e| panic!("{e}"));
    let mut frames = Vec::new();
    let mut answer = Vec::new();
    let mut closed = Vec::new();
    while closed.len() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(30), r.read(&mut conn))
            .await
            .unwrap_or_else(|_| panic!("no frame after {frames:?}"))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("connection ended after {frames:?}"));
        match frame {
            Frame::Data { id: 5, fin, data } => {
                answer.extend(data);
                if fin {
                    closed.push(5);
                }
            }
            Frame::Data {
                id: 3,
                fin: true,
                data,
            } if data.is_empty() => closed.push(3),
            other => frames.push(other),
        }
    }
    assert_eq!(
        frames,
        [
            Frame::Ping { id: 1 },
            Frame::RstStream {
                id: 1,
                status: CANCEL
            },
            Frame::SynReply { id: 3 },
            Frame::SynReply { id: 5 },
        ]
    );
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.ends_with("kubesim pod default/web port 80: GET /raw\n"),
        "{answer}"
    );
}

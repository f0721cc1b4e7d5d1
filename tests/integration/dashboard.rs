//! `istioup dashboard` end to end: the addon's pod found as istioctl finds it
//! (istioctl/pkg/dashboard/dashboard.go at 1.30.3: `inferPodMeta` selectors, the UI ports, Kiali's
//! `/kiali`), a local listener, and each connection carried over kubesim's pods/portforward
//! WebSocket (kube-client src/api/portforward.rs; kubelet pkg/kubelet/cri/streaming/portforward/
//! websocket.go) to kubesim's default pod responder, which answers HTTP naming pod and port.
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::time::Duration;

use kubesim::Sim;

use crate::cluster::Cluster;
use crate::support::{addons_dir, code, text};

const CLUSTER: &str =
    "nodes:\n  - {name: worker-1, capacity: {cpu: '8', memory: 16Gi}}\nnamespaces:\n  - name: istio-system\n";

/// `kubectl apply -f samples/addons/NAME.yaml`: the release's objects, without istioup's label.
fn kubectl_apply(c: &Cluster, file: &str) {
    let yaml = std::fs::read_to_string(std::path::Path::new(&addons_dir()).join(file)).unwrap();
    c.sim.apply_yaml(&yaml).unwrap_or_else(|e| panic!("{e:#}"));
}

fn ready_pod(c: &Cluster, selector: &str) -> String {
    let mut name = String::new();
    let ok = c.sim.wait_for(Duration::from_secs(30), |s| {
        let (key, value) = selector.split_once('=').unwrap();
        let pods = s.list("/api/v1/namespaces/istio-system/pods");
        let ready = pods.iter().find(|p| {
            p["metadata"]["labels"][key] == value
                && p["status"]["conditions"]
                    .as_array()
                    .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
        });
        if let Some(p) = ready {
            name = p["metadata"]["name"].as_str().unwrap_or("").to_string();
        }
        ready.is_some()
    });
    assert!(ok, "no Ready pod for {selector}");
    name
}

/// The running `istioup dashboard`, with what it printed first (the URL or the JSON document).
struct Tunnel {
    child: Child,
    first: String,
    stderr: std::path::PathBuf,
}

fn start(c: &Cluster, args: &[&str]) -> Tunnel {
    let stderr = c.dir.path().join("dashboard.stderr");
    let mut child = c
        .command()
        .arg("dashboard")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    // A JSON document is pretty-printed: read it to its closing brace.
    if first.trim_end() == "{" {
        loop {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 || line.trim_end() == "}" {
                first.push_str(&line);
                break;
            }
            first.push_str(&line);
        }
    }
    Tunnel {
        child,
        first: first.trim_end().to_string(),
        stderr,
    }
}

impl Tunnel {
    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Ctrl-C, as a person ends the tunnel: exit 0.
    fn interrupt(mut self) -> (i32, String) {
        let pid = self.child.id().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        (status.code().unwrap_or(-1), self.stderr())
    }
}

/// One HTTP/1.1 GET of `url` over a plain TCP connection: the status line and the body.
fn http_get(url: &str) -> std::io::Result<(String, String)> {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut tcp = std::net::TcpStream::connect(host)?;
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    tcp.read_to_string(&mut answer)?;
    let status = answer.lines().next().unwrap_or("").to_string();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

#[test]
fn prometheus_installed_by_istioup_is_served_through_the_printed_url() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let dir = addons_dir();
    let out = c
        .istioup()
        .args(["addons", "enable", "prometheus", "-y", "--addons-dir", &dir])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let pod = ready_pod(&c, "app.kubernetes.io/name=prometheus");
    let tunnel = start(&c, &["prometheus", "--port", "0"]);
    let url = tunnel.first.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}\n{}", tunnel.stderr());
    // Two connections, each its own port-forward: the tunnel outlives a connection.
    for path in ["/graph", "/api/v1/query?query=up"] {
        let (status, body) = http_get(&format!("{url}{path}")).unwrap();
        assert_eq!(status, "HTTP/1.1 200 OK", "{body}");
        let plain = path.split('?').next().unwrap();
        assert_eq!(
            body,
            format!("kubesim pod istio-system/{pod} port 9090: GET {plain}\n")
        );
    }
    let forwards = c
        .sim
        .requests()
        .iter()
        .filter(|r| {
            r.starts_with(&format!(
                "GET /api/v1/namespaces/istio-system/pods/{pod}/portforward?"
            ))
        })
        .count();
    assert_eq!(forwards, 2, "{:#?}", c.sim.requests());
    let (exit, stderr) = tunnel.interrupt();
    assert_eq!(exit, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("to pod istio-system/{pod} port 9090")),
        "{stderr}"
    );
}

#[test]
fn kiali_applied_with_kubectl_is_found_by_its_app_label_and_json_names_it() {
    let c = Cluster::start(CLUSTER);
    kubectl_apply(&c, "kiali.yaml");
    let pod = ready_pod(&c, "app=kiali");
    let tunnel = start(&c, &["kiali", "-p", "0", "-o", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&tunnel.first)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", tunnel.first, tunnel.stderr()));
    assert_eq!(doc["addon"], "kiali");
    assert_eq!(doc["pod"], pod.as_str());
    assert_eq!(doc["namespace"], "istio-system");
    let url = doc["url"].as_str().unwrap();
    assert!(url.ends_with("/kiali"), "{url}");
    let (status, body) = http_get(url).unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(
        body,
        format!("kubesim pod istio-system/{pod} port 20001: GET /kiali\n")
    );
    let (exit, stderr) = tunnel.interrupt();
    assert_eq!(exit, 0, "{stderr}");
}

#[test]
fn an_addon_not_installed_exits_3_with_the_command_that_installs_it() {
    let c = Cluster::start(CLUSTER);
    let out = c.istioup().args(["dashboard", "grafana"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("grafana is not installed in namespace istio-system"),
        "{stderr}"
    );
    assert!(stderr.contains("istioup addons enable grafana"), "{stderr}");
    let out = c
        .istioup()
        .args(["dashboard", "kiali", "--address", "localhost"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--address \"localhost\" is not an IP address"));
    // Loki has no UI to open, and a typo is a usage error.
    for name in ["loki", "kialli"] {
        let out = c.istioup().args(["dashboard", name]).output().unwrap();
        assert_eq!(code(&out), 2, "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("kiali, prometheus, grafana, jaeger, zipkin"));
    }
}

#[test]
fn pods_that_are_not_ready_are_named_with_why() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_secs(3600)),
    );
    kubectl_apply(&c, "extras/zipkin.yaml");
    let out = c.istioup().args(["dashboard", "zipkin"]).output().unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no Ready zipkin pod in namespace istio-system (pod zipkin-"),
        "{stderr}"
    );
    assert!(stderr.contains(": it is "), "{stderr}");
}

#[test]
fn a_busy_port_is_named_and_the_pod_going_away_ends_the_tunnel_with_an_error() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .pod_grace(Duration::from_millis(10)),
    );
    kubectl_apply(&c, "jaeger.yaml");
    let pod = ready_pod(&c, "app=jaeger");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = c
        .istioup()
        .args(["dashboard", "jaeger", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(stderr.contains("pick another --port"), "{stderr}");
    drop(busy);

    let mut tunnel = start(&c, &["jaeger", "--port", "0"]);
    let url = tunnel.first.clone();
    assert!(
        c.sim
            .delete(&format!("/api/v1/namespaces/istio-system/pods/{pod}"))
    );
    assert!(
        c.sim.wait_for(Duration::from_secs(10), |s| {
            s.get(&format!("/api/v1/namespaces/istio-system/pods/{pod}"))
                .is_none()
        }),
        "pod {pod} was never deleted"
    );
    // The next connection finds the pod gone: the tunnel ends, saying so.
    let _ = http_get(&url);
    let status = tunnel.child.wait().unwrap();
    let stderr = tunnel.stderr();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "pod {pod} in namespace istio-system can no longer be forwarded to"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("run the command again"), "{stderr}");
}

#[test]
fn a_user_without_create_on_pods_portforward_is_told_what_is_missing() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .deny("create", "pods/portforward"),
    );
    kubectl_apply(&c, "grafana.yaml");
    ready_pod(&c, "app.kubernetes.io/name=grafana");
    let mut tunnel = start(&c, &["grafana", "--port", "0"]);
    let _ = http_get(&tunnel.first.clone());
    let status = tunnel.child.wait().unwrap();
    let stderr = tunnel.stderr();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not allowed to port-forward to pod grafana-"),
        "{stderr}"
    );
    assert!(stderr.contains("`create` on pods/portforward"), "{stderr}");
}

#[test]
fn the_addons_own_port_taken_falls_back_to_a_free_one_as_istioctl_does() {
    let c = Cluster::start(CLUSTER);
    kubectl_apply(&c, "extras/zipkin.yaml");
    let pod = ready_pod(&c, "app=zipkin");
    // Zipkin's port, 9411, busy: held here, or by something else on this machine.
    let _held = std::net::TcpListener::bind("127.0.0.1:9411");
    let tunnel = start(&c, &["zipkin"]);
    let url = tunnel.first.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}\n{}", tunnel.stderr());
    assert!(!url.starts_with("http://127.0.0.1:9411"), "{url}");
    let (_, body) = http_get(&format!("{url}/zipkin/")).unwrap();
    assert_eq!(
        body,
        format!("kubesim pod istio-system/{pod} port 9411: GET /zipkin/\n")
    );
    let (exit, stderr) = tunnel.interrupt();
    assert_eq!(exit, 0, "{stderr}");
}

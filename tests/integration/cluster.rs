//! A simulated cluster for end-to-end tests: kubesim's API server in-process, and the istioctl
//! stand-in (the kubesim binary, reached through a symlink named `istioctl` first on PATH, so
//! istioup's own discovery of istioctl is exercised). Every istioctl invocation is logged.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use kubesim::{Sim, SimBuilder};
use serde_json::Value;

/// Three ordinary worker nodes with room for Istio, and an application namespace with a
/// two-replica Deployment.
pub const CLUSTER: &str = "
nodes:
  - {name: worker-1, capacity: {cpu: '4', memory: 8Gi}}
  - {name: worker-2, capacity: {cpu: '4', memory: 8Gi}}
  - {name: worker-3, capacity: {cpu: '4', memory: 8Gi}}
namespaces:
  - name: shop
  - name: blog
workloads:
  - {kind: Deployment, namespace: shop, name: web, replicas: 2, cpu: 100m, memory: 128Mi}
  - {kind: Deployment, namespace: blog, name: api, replicas: 1, cpu: 100m, memory: 128Mi}
";

pub struct Cluster {
    pub sim: Sim,
    /// HOME, PATH dir and logs of this test.
    pub dir: tempfile::TempDir,
}

/// The kubesim binary, built by `cargo test --workspace` next to istioup.
pub fn kubesim_bin() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_istioup"))
        .with_file_name(format!("kubesim{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: the end-to-end tests need the kubesim binary (cargo build -p kubesim, or run cargo test --workspace)",
        path.display()
    );
    path
}

impl Cluster {
    pub fn start(yaml: &str) -> Cluster {
        Self::with(
            Sim::builder()
                .cluster_yaml(yaml)
                .ready_delay(Duration::from_millis(100)),
        )
    }

    pub fn with(builder: SimBuilder) -> Cluster {
        let sim = builder.start().expect("kubesim starts");
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(kubesim_bin(), dir.path().join("bin/istioctl")).unwrap();
        Cluster { sim, dir }
    }

    /// A JSON report with what differs from one simulated cluster to the next (the server's
    /// address, the test's directory) replaced, to compare reports of two clusters.
    pub fn comparable(&self, doc: &Value) -> Value {
        let text = doc
            .to_string()
            .replace(self.sim.url(), "SERVER")
            .replace(&self.dir.path().display().to_string(), "DIR");
        serde_json::from_str(&text).unwrap()
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn istioctl_log(&self) -> PathBuf {
        self.dir.path().join("istioctl.log")
    }

    /// istioup with KUBECONFIG pointing at the simulated cluster and the stand-in first on PATH.
    pub fn istioup(&self) -> Command {
        let mut cmd = Command::from_std(self.command());
        cmd.timeout(Duration::from_secs(120));
        cmd
    }

    /// The same as `istioup()`, as a plain `std::process::Command`: for tests that need the
    /// running process (signals) or a pseudo-terminal.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_istioup"));
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        cmd.env_clear()
            .env("PATH", path)
            .env("HOME", self.home())
            .env("NO_COLOR", "1")
            .env("TMPDIR", self.tmp())
            .env("KUBECONFIG", self.sim.kubeconfig())
            .env("ISTIOCTL_STANDIN_LOG", self.istioctl_log())
            .env("ISTIOCTL_STANDIN_POLL", "50ms");
        cmd
    }

    /// istioup's TMPDIR: temp files it leaves behind show up here.
    pub fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    /// Files in istioup's TMPDIR.
    pub fn temp_files(&self) -> Vec<String> {
        std::fs::read_dir(self.tmp())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `istioctl install` invocations so far.
    pub fn install_calls(&self) -> Vec<Value> {
        self.istioctl_calls()
            .into_iter()
            .filter(|c| c["argv"][0] == "install")
            .collect()
    }

    /// Namespaces labelled for injection (`istio-injection=enabled` or `istio.io/rev`).
    pub fn labelled_namespaces(&self) -> Vec<String> {
        self.list("/api/v1/namespaces")
            .iter()
            .filter(|ns| {
                let labels = &ns["metadata"]["labels"];
                labels["istio-injection"] == "enabled" || labels.get("istio.io/rev").is_some()
            })
            .filter_map(|ns| ns["metadata"]["name"].as_str().map(String::from))
            .collect()
    }

    /// `istioup install ARGS -y`, asserting success: the mesh a test of another command starts from.
    pub fn install(&self, args: &[&str]) {
        let out = self
            .istioup()
            .arg("install")
            .args(args)
            .arg("-y")
            .output()
            .unwrap();
        assert_eq!(
            crate::support::code(&out),
            0,
            "install failed: {}",
            crate::support::text(&out.stderr)
        );
    }

    /// Every istioctl invocation so far, as logged by the stand-in.
    pub fn istioctl_calls(&self) -> Vec<Value> {
        std::fs::read_to_string(self.istioctl_log())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    pub fn get(&self, path: &str) -> Option<Value> {
        self.sim.get(path)
    }

    pub fn list(&self, path: &str) -> Vec<Value> {
        self.sim.list(path)
    }

    pub fn namespace_labels(&self, ns: &str) -> Value {
        self.get(&format!("/api/v1/namespaces/{ns}"))
            .and_then(|n| n.pointer("/metadata/labels").cloned())
            .unwrap_or(Value::Null)
    }

    /// Names of the containers of each pod in `ns`.
    /// The containers that run in each pod of `ns`, native sidecars (init containers with
    /// `restartPolicy: Always`, how Istio 1.27+ injects its proxy on Kubernetes 1.33+) included.
    pub fn pod_containers(&self, ns: &str) -> Vec<Vec<String>> {
        self.list(&format!("/api/v1/namespaces/{ns}/pods"))
            .iter()
            .map(|p| {
                let names = |list: &str, sidecars_only: bool| -> Vec<String> {
                    p.pointer(&format!("/spec/{list}"))
                        .and_then(Value::as_array)
                        .map(|cs| {
                            cs.iter()
                                .filter(|c| !sidecars_only || c["restartPolicy"] == "Always")
                                .filter_map(|c| c["name"].as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let mut running = names("initContainers", true);
                running.extend(names("containers", false));
                running
            })
            .collect()
    }
}

//! The real kubectl for the tests: skipped with a note when it
//! is not on PATH unless ISTIOUP_REQUIRE_KUBECTL=1; each instance has its own HOME and cache
//! dir so discovery never leaks between servers.
#![allow(dead_code)]
use kubesim::Sim;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

pub fn kubectl_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
}

/// kubectl, or None to skip the test.
pub fn kubectl() -> Option<PathBuf> {
    match kubectl_path() {
        Some(p) => Some(p),
        None if std::env::var("ISTIOUP_REQUIRE_KUBECTL").is_ok_and(|v| v == "1") => {
            panic!("kubectl not found on PATH and ISTIOUP_REQUIRE_KUBECTL=1")
        }
        None => {
            eprintln!("note: kubectl not found on PATH; skipping this kubectl fidelity test");
            None
        }
    }
}

pub struct Kubectl {
    bin: PathBuf,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
    context: String,
}

impl Kubectl {
    pub fn new(bin: PathBuf, sim: &Sim) -> Kubectl {
        Kubectl {
            bin,
            home: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            kubeconfig: sim.kubeconfig().to_path_buf(),
            context: sim.context_name().to_string(),
        }
    }

    /// Runs kubectl with its own HOME and cache dir so discovery never leaks between tests.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
        let cache = self.home.path().join("cache");
        let mut cmd = Command::new(&self.bin);
        cmd.env("HOME", self.home.path())
            .env_remove("KUBECONFIG")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--context")
            .arg(&self.context)
            .arg("--cache-dir")
            .arg(&cache)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("kubectl: {e}"));
        if let (Some(text), Some(mut si)) = (stdin, child.stdin.take()) {
            use std::io::Write;
            let _ = si.write_all(text.as_bytes());
        }
        drop(child.stdin.take());
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("kubectl: {e}"));
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(args, None);
        assert!(ok, "kubectl {args:?} failed:\n{out}\n{err}");
        out
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let out = self.ok(&a);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    pub fn apply(&self, yaml: &str) -> String {
        let (ok, out, err) = self.run(&["apply", "-f", "-"], Some(yaml));
        assert!(ok, "kubectl apply failed:\n{out}\n{err}");
        assert!(!err.contains("warning"), "{err}");
        out
    }
}

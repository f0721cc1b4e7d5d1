//! Shared helpers: a fresh, isolated environment per test run of the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `istioup` with an environment that cannot leak the developer's own cluster into a test:
/// HOME points at an empty temp dir, KUBECONFIG and in-cluster variables are cleared, colour off.
pub fn istioup(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("istioup").expect("the istioup binary is built by cargo test");
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("NO_COLOR", "1");
    cmd
}

/// The repository root, to reach overlays/ and completions/.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The exit status of an assert_cmd output, with the output shown when it is not what a test
/// expected.
pub fn code(out: &std::process::Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// stdout as exactly one JSON document (serde_json rejects anything after it).
pub fn doc(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// The check `id` of a `check` or `install` report.
pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

/// A file of the overlay catalog (overlays/), as a command-line argument.
pub fn overlay(name: &str) -> String {
    repo_root().join("overlays").join(name).display().to_string()
}

/// Istio 1.30.3's samples/addons, as released (tests/fixtures/istio/1.30.3), as a
/// command-line argument.
pub fn addons_dir() -> String {
    repo_root()
        .join("tests/fixtures/istio/1.30.3/samples/addons")
        .display()
        .to_string()
}

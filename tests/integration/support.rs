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

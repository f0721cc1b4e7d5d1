//! Third-party clients for kubesim's client tests (python_client.rs, helm.rs, kubectl_133.rs),
//! installed by tests/tools/install-clients.sh and found through the env vars it prints:
//! ISTIOUP_PYTHON, ISTIOUP_HELM, ISTIOUP_KUBECTL_133. A missing client skips the test with a
//! note, unless ISTIOUP_REQUIRE_CLIENTS=1 makes that a failure.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The client named by `env` (an executable file), or None to skip the test.
pub fn client(env: &str, what: &str) -> Option<PathBuf> {
    let found = std::env::var_os(env)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| is_executable(p));
    match found {
        Some(p) => Some(p),
        None if std::env::var("ISTIOUP_REQUIRE_CLIENTS").is_ok_and(|v| v == "1") => {
            panic!(
                "{what} not found (${env}) and ISTIOUP_REQUIRE_CLIENTS=1; run tests/tools/install-clients.sh"
            )
        }
        None => {
            eprintln!("skipped: {what} not found (run tests/tools/install-clients.sh)");
            None
        }
    }
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

pub struct Out {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` with `stdin`, in a private HOME (so no user config or cache leaks in) and without
/// KUBECONFIG, and collects its output.
pub fn run(mut cmd: Command, home: &Path, stdin: Option<&str>) -> Out {
    cmd.env("HOME", home)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    if let (Some(text), Some(mut si)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        let _ = si.write_all(text.as_bytes());
    }
    drop(child.stdin.take());
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    Out {
        ok: out.status.success(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

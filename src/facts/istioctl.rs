//! Finding and running istioctl. istioup never re-parses istioctl's flags: what the user passes
//! with `--istioctl-arg` goes through verbatim, and istioup's own arguments are always explicit
//! (`--kubeconfig`, `--context`) so istioctl acts on the very cluster istioup checked.
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::istio::versions::Version;

/// How long `istioctl version` may take before istioup gives up on it.
const VERSION_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Istioctl {
    pub path: PathBuf,
    pub version: Version,
    /// Where the path came from: `--istioctl`, `ISTIOCTL` or `PATH`.
    pub source: &'static str,
}

/// Finds istioctl: `--istioctl PATH`, then the `ISTIOCTL` environment variable, then `PATH`.
pub fn discover(flag: Option<&Path>) -> Result<Istioctl> {
    let (path, source) = if let Some(path) = flag {
        (path.to_path_buf(), "--istioctl")
    } else if let Some(path) = std::env::var_os("ISTIOCTL").filter(|p| !p.is_empty()) {
        (PathBuf::from(path), "ISTIOCTL")
    } else {
        let path = which::which("istioctl").map_err(|_| {
            Error::failed("istioctl was not found on PATH").with_hint(
                "install istioctl (https://istio.io/latest/docs/setup/getting-started/#download), or name it with --istioctl PATH or ISTIOCTL",
            )
        })?;
        (path, "PATH")
    };
    let version = version(&path).map_err(|e| {
        let message = format!("cannot run istioctl at {} (from {source})", path.display());
        Error::failed(message)
            .with_source(e)
            .with_hint("check that the file is an executable istioctl 1.24 or newer")
    })?;
    Ok(Istioctl {
        path,
        version,
        source,
    })
}

/// Asks istioctl for its own version, offline (`--remote=false`).
fn version(path: &Path) -> std::result::Result<Version, Error> {
    let handle = duct::cmd(path, ["version", "--remote=false", "-o", "json"])
        .stdin_null()
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .start()
        .map_err(|e| Error::failed("it could not be started").with_source(e))?;
    let output = match handle.wait_timeout(VERSION_TIMEOUT) {
        Ok(Some(output)) => output.clone(),
        Ok(None) => {
            let _ = handle.kill();
            return Err(Error::failed(format!(
                "`istioctl version` did not answer within {}s",
                VERSION_TIMEOUT.as_secs()
            )));
        }
        Err(e) => return Err(Error::failed("waiting for it failed").with_source(e)),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::failed(format!(
            "`istioctl version --remote=false -o json` exited with {}: {}",
            output
                .status
                .code()
                .map_or("a signal".to_string(), |c| c.to_string()),
            stderr.trim()
        )));
    }
    parse_version(&stdout)
        .ok_or_else(|| Error::failed(format!("cannot read a version in {:?}", stdout.trim())))
}

/// Reads `{"clientVersion":{"version":"1.28.0",...}}`, or the short form `client version: 1.28.0`.
pub fn parse_version(output: &str) -> Option<Version> {
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(output) {
        return json
            .pointer("/clientVersion/version")
            .and_then(|v| v.as_str())
            .and_then(Version::parse);
    }
    output
        .lines()
        .find_map(|line| line.trim().strip_prefix("client version:"))
        .and_then(|v| Version::parse(v.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_version_forms() {
        let json = r#"{"clientVersion":{"version":"1.28.0","revision":"abc","golang_version":"go1.24.4","status":"Clean","tag":"1.28.0"}}"#;
        assert_eq!(parse_version(json), Version::parse("1.28.0"));
        assert_eq!(
            parse_version("client version: 1.27.2\n"),
            Version::parse("1.27.2")
        );
        assert_eq!(parse_version("{}"), None);
        assert_eq!(parse_version("garbage"), None);
    }
}

//! `istioctl install` of the merged IstioOperator: the spec in a private temp file, the
//! explicit `--kubeconfig`/`--context` of the checked target, the user's `--istioctl-arg`s
//! verbatim, progress to the observer, and an error that says what failed.
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::istioctl::run::{self, Observer, Outcome};
use crate::error::{Error, Kind, Result};
use crate::spec::{ComponentKind, Components};

/// One `istioctl install` invocation.
pub struct Request<'a> {
    pub istioctl: &'a Path,
    pub iop: &'a Value,
    /// `--kubeconfig K --context C` of the target istioup checked.
    pub kube_args: Vec<OsString>,
    pub revision: Option<&'a str>,
    pub readiness_timeout: Duration,
    /// `--istioctl-arg` values, passed through untouched.
    pub extra_args: &'a [String],
    /// istioup's own bound on the whole run.
    pub deadline: Duration,
    pub log: &'a Path,
}

/// Runs istioctl install. `Ok` only when istioctl exited 0; a non-zero exit is an
/// `Istioctl` error, and the outcome (with istioctl's error lines) comes back either way.
pub async fn install(request: &Request<'_>, observer: &mut dyn Observer) -> (Option<Outcome>, Result<()>) {
    let spec_file = match write_spec(request.iop) {
        Ok(file) => file,
        Err(e) => return (None, Err(e)),
    };
    let mut argv: Vec<OsString> = vec![
        "install".into(),
        "-y".into(),
        "-f".into(),
        spec_file.path().into(),
    ];
    argv.extend(request.kube_args.iter().cloned());
    if let Some(rev) = request.revision {
        argv.extend(["-r".into(), rev.into()]);
    }
    argv.extend([
        "--readiness-timeout".into(),
        format!("{}s", request.readiness_timeout.as_secs()).into(),
    ]);
    argv.extend(request.extra_args.iter().map(OsString::from));
    let outcome = match run::run(request.istioctl, &argv, request.log, request.deadline, observer).await {
        Ok(outcome) => outcome,
        Err(e) => return (None, Err(e)),
    };
    if outcome.success() {
        return (Some(outcome), Ok(()));
    }
    let err = Error::new(
        Kind::Istioctl,
        format!(
            "istioctl install failed (exit {}); no namespace was labelled",
            outcome.code
        ),
    )
    .with_hint(format!(
        "istioctl's whole output is in {}; fix the cause and re-run the same command",
        request.log.display()
    ));
    (Some(outcome), Err(err))
}

/// istioctl's names for the steps this install runs, in its order.
pub fn components(components: &Components) -> Vec<&'static str> {
    let has = |kind: ComponentKind| components.enabled().any(|c| c.kind == kind);
    let mut names = vec!["Istio core"];
    for (kind, name) in [
        (ComponentKind::Pilot, "Istiod"),
        (ComponentKind::Cni, "CNI"),
        (ComponentKind::Ingress, "Ingress gateways"),
        (ComponentKind::Egress, "Egress gateways"),
        (ComponentKind::Ztunnel, "Ztunnel"),
    ] {
        if has(kind) {
            names.push(name);
        }
    }
    names
}

/// The merged spec in a private temp file (0600), removed when dropped.
fn write_spec(iop: &Value) -> Result<tempfile::NamedTempFile> {
    let yaml = serde_saphyr::to_string(iop)
        .map_err(|e| Error::failed("cannot encode the IstioOperator as YAML").with_source(e))?;
    let mut file = tempfile::Builder::new()
        .prefix("istioup-")
        .suffix(".yaml")
        .tempfile()
        .map_err(|e| Error::failed("cannot create a temp file for the IstioOperator").with_source(e))?;
    file.write_all(yaml.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| Error::failed("cannot write the IstioOperator temp file").with_source(e))?;
    Ok(file)
}

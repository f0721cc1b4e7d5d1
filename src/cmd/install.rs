//! `istioup install`: target → checks → plan → confirmation → istioctl → verification →
//! injection → report. Nothing on the cluster changes before the confirmation.
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::Settings;
use crate::check::{Check, plural};
use crate::cli::{InstallArgs, OutputFormat};
use crate::confirm;
use crate::error::{Error, Kind, Result};
use crate::inject::{self, Outcome};
use crate::istioctl::run as istioctl_run;
use crate::output;
use crate::preflight::{self, Preflight, TargetSummary};
use crate::progress::Display;
use crate::restart::{self, Workload};
use crate::spec::{ComponentKind, Components};
use crate::target::{self, Target};
use crate::{interrupt, verify};

#[derive(Debug, Serialize)]
struct PlannedComponent {
    name: String,
    kind: ComponentKind,
    namespace: String,
    replicas: u64,
    requests: String,
}

#[derive(Debug, Serialize)]
struct Report {
    target: TargetSummary,
    /// `install`, `upgrade` or `reinstall` (the same version again).
    action: &'static str,
    istio_version: Option<String>,
    previous_version: Option<String>,
    revision: String,
    /// `dry-run`, `installed`, `checks-failed`, `not-confirmed`, `istioctl-failed`, `not-verified`,
    /// `interrupted`. `installed` with a failed exit: Istio is in, labelling or restarting failed.
    result: &'static str,
    checks: Vec<Check>,
    components: Vec<PlannedComponent>,
    inject: Vec<String>,
    namespaces: Vec<Outcome>,
    restart_pending: Vec<Workload>,
    restarted: Vec<String>,
    unmanaged_pods: Vec<String>,
    problems: Vec<String>,
    istioctl_log: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<serde_json::Value>,
}

pub fn run(args: &InstallArgs, settings: &Settings) -> Result<()> {
    let (iop, components) = preflight::spec(&args.preflight)?;
    let settings = &pick_context(settings)?;
    let target = target::resolve(settings)?;
    super::block_on(install(args, settings, &target, iop, components))
}

async fn install(
    args: &InstallArgs,
    settings: &Settings,
    target: &Target,
    iop: serde_json::Value,
    components: Components,
) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let client = target.connect().await?;
    let mut pf = preflight::run(&args.preflight, iop, components, &client).await?;
    let summary = TargetSummary::new(target, &pf.facts);
    output::note(&output::banner(&summary));
    pick_namespaces(args, settings, &mut pf)?;
    let pending = restart::pending(&client, &existing(&pf), true).await?;
    let mut report = Report::new(
        &pf,
        summary.clone(),
        pending.workloads.clone(),
        pending.unmanaged_pods.clone(),
    );
    output::note(&output::checks_table(&pf.checks, settings.color));
    if !pf.ok {
        report.result = "checks-failed";
        return finish(format, &report, Err(checks_failed()));
    }
    output::note(&plan_text(&report));
    if args.dry_run {
        report.result = "dry-run";
        report.spec = Some(pf.iop.clone());
        let spec_yaml = output::to_yaml(&pf.iop)?;
        return output::emit(format, &report, || {
            format!("# dry run: nothing was changed\n{spec_yaml}")
        });
    }
    let Some(istioctl) = pf.istioctl.clone() else {
        return Err(Error::failed("istioctl is needed to install"));
    };
    let question = format!(
        "{} Istio {} on context {} ({})?",
        if report.action == "upgrade" {
            "Upgrade"
        } else {
            "Install"
        },
        versions(&report),
        target.context,
        target.server
    );
    let confirmed = confirm::yes_no(settings, "install", &question).and_then(|()| {
        if interrupt::interrupted() {
            Err(Error::new(Kind::Interrupted, "interrupted; nothing was changed"))
        } else {
            Ok(())
        }
    });
    if let Err(e) = confirmed {
        report.result = if e.kind() == Kind::Interrupted {
            "interrupted"
        } else {
            "not-confirmed"
        };
        return finish(format, &report, Err(e));
    }
    interrupt::watch();

    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let spec_file = write_spec(&pf.iop)?;
    let log = istioctl_run::log_path("install")?;
    let mut argv: Vec<OsString> = vec![
        "install".into(),
        "-y".into(),
        "-f".into(),
        spec_file.path().into(),
    ];
    argv.extend(kubeconfig.args());
    if let Some(rev) = &pf.components.revision {
        argv.extend(["-r".into(), rev.into()]);
    }
    argv.extend([
        "--readiness-timeout".into(),
        format!("{}s", args.readiness_timeout.as_secs()).into(),
    ]);
    argv.extend(args.istioctl_args.iter().map(OsString::from));
    report.istioctl_log = Some(log.clone());

    let mut display = Display::new(&istioctl_components(&pf.components));
    let outcome = istioctl_run::run(
        &istioctl.path,
        &argv,
        &log,
        args.istioctl_timeout,
        &mut display,
        settings.verbose > 0,
    )
    .await;
    display.finish();
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) if e.kind() == Kind::Interrupted => {
            report.result = "interrupted";
            return finish(format, &report, Err(e));
        }
        Err(e) => {
            report.result = "istioctl-failed";
            report.problems = diagnosis(&client, &pf.components).await;
            show_problems(&report.problems);
            return finish(format, &report, Err(e));
        }
    };
    if !outcome.success() {
        report.result = "istioctl-failed";
        report.problems = outcome.error_lines();
        report.problems.extend(diagnosis(&client, &pf.components).await);
        show_problems(&report.problems);
        let err = Error::new(
            Kind::Istioctl,
            format!(
                "istioctl install failed (exit {}); no namespace was labelled",
                outcome.code
            ),
        )
        .with_hint(format!(
            "istioctl's whole output is in {}; fix the cause and re-run the same command",
            log.display()
        ));
        return finish(format, &report, Err(err));
    }
    let problems = match verify::problems(&client, &pf.components).await {
        Ok(problems) => problems,
        Err(e) => {
            report.result = "not-verified";
            return finish(format, &report, Err(e));
        }
    };
    if !problems.is_empty() {
        report.result = "not-verified";
        report.problems = problems;
        report.problems.extend(diagnosis(&client, &pf.components).await);
        show_problems(&report.problems);
        let err = Error::new(
            Kind::Istioctl,
            "istioctl reported success, but the installation did not verify; no namespace was labelled",
        )
        .with_hint(format!("istioctl's output is in {}", log.display()));
        return finish(format, &report, Err(err));
    }
    report.result = "installed";
    if let Err(e) = label_and_restart(args, &client, &pf, &mut report).await {
        if e.kind() == Kind::Interrupted {
            report.result = "interrupted";
        }
        report.problems.push(e.message().to_string());
        return finish(format, &report, Err(e));
    }
    output::emit(format, &report, || summary_text(&report))
}

/// After a verified install: the injection labels, then (with `--restart`) the restarts.
async fn label_and_restart(
    args: &InstallArgs,
    client: &kube::Client,
    pf: &Preflight,
    report: &mut Report,
) -> Result<()> {
    report.namespaces = inject::enable(client, &pf.desired.inject, pf.components.revision.as_deref()).await?;
    if args.restart && !report.restart_pending.is_empty() {
        report.restarted =
            restart::restart_with_progress(client, &report.restart_pending, &args.rollout).await?;
        report.restart_pending.clear();
    }
    Ok(())
}

impl Report {
    fn new(pf: &Preflight, target: TargetSummary, pending: Vec<Workload>, unmanaged: Vec<String>) -> Report {
        let revision = pf.desired.revision.clone();
        let previous = pf
            .facts
            .mesh
            .control_planes
            .iter()
            .find(|cp| cp.revision == revision);
        let version = pf.istioctl.as_ref().map(|i| i.version.to_string());
        Report {
            target,
            action: match (previous.and_then(|cp| cp.version.as_deref()), &version) {
                (None, _) if previous.is_none() => "install",
                (Some(old), Some(new)) if old == new => "reinstall",
                _ => "upgrade",
            },
            istio_version: version.clone(),
            previous_version: previous.and_then(|cp| cp.version.clone()),
            revision,
            result: "",
            checks: pf.checks.clone(),
            components: pf
                .components
                .enabled()
                .map(|c| PlannedComponent {
                    name: c.name.clone(),
                    kind: c.kind,
                    namespace: c.namespace.clone(),
                    replicas: c.replicas,
                    requests: format!(
                        "{} CPU / {}",
                        c.requests.cpu.as_deref().unwrap_or("-"),
                        c.requests.memory.as_deref().unwrap_or("-")
                    ),
                })
                .collect(),
            inject: pf.desired.inject.clone(),
            namespaces: Vec::new(),
            restart_pending: pending,
            restarted: Vec::new(),
            unmanaged_pods: unmanaged,
            problems: Vec::new(),
            istioctl_log: None,
            spec: None,
        }
    }
}

/// Prints the report even when the command fails, so `-o json` always yields one document.
fn finish(format: OutputFormat, report: &Report, result: Result<()>) -> Result<()> {
    if format != OutputFormat::Table {
        output::emit(format, report, String::new)?;
    }
    result
}

fn checks_failed() -> Error {
    Error::new(
        Kind::ChecksFailed,
        "checks failed; nothing on the cluster was changed",
    )
    .with_hint("fix what the failed checks say, or --skip-check ID for a check you know better about")
}

/// Namespaces to inject that exist (a missing one already failed a check).
fn existing(pf: &Preflight) -> Vec<String> {
    pf.desired
        .inject
        .iter()
        .filter(|n| pf.facts.namespaces.iter().any(|ns| &ns.name == *n))
        .cloned()
        .collect()
}

/// An interactive user who named no context, and has several, picks one (the current one
/// preselected) before anything is read from a cluster.
fn pick_context(settings: &Settings) -> Result<Settings> {
    if settings.context.is_some() {
        return Ok(settings.clone());
    }
    let (names, current) = target::contexts(settings)?;
    let default = current
        .and_then(|c| names.iter().position(|n| *n == c))
        .unwrap_or(0);
    let mut settings = settings.clone();
    if let Some(i) = confirm::choose(&settings, "Kubernetes context to install into", &names, default)? {
        settings.context = names.get(i).cloned();
    }
    Ok(settings)
}

/// An interactive user who named no namespaces picks them from a list.
fn pick_namespaces(args: &InstallArgs, settings: &Settings, pf: &mut Preflight) -> Result<()> {
    let inject = &args.preflight.inject;
    if !inject.namespaces.is_empty() || inject.inject_all || inject.inject_selector.is_some() {
        return Ok(());
    }
    let istio_ns = pf
        .components
        .items
        .first()
        .map(|c| c.namespace.clone())
        .unwrap_or_default();
    let candidates: Vec<_> = pf
        .facts
        .namespaces
        .iter()
        .filter(|ns| !ns.name.starts_with("kube-") && ns.name != istio_ns)
        .collect();
    let items: Vec<(String, bool)> = candidates
        .iter()
        .map(|ns| {
            let enabled = ns.labels.get(inject::INJECTION_LABEL).map(String::as_str) == Some("enabled");
            (
                format!("{} ({})", ns.name, plural(ns.pod_count(), "pod")),
                enabled,
            )
        })
        .collect();
    if let Some(chosen) = confirm::pick(
        settings,
        "Namespaces to inject (space toggles, enter accepts)",
        &items,
    )? {
        let names = chosen
            .into_iter()
            .filter_map(|i| candidates.get(i))
            .map(|ns| ns.name.clone())
            .collect();
        pf.judge(&args.preflight, names)?;
    }
    Ok(())
}

/// istioctl's names for the steps this install runs, in its order.
fn istioctl_components(components: &Components) -> Vec<&'static str> {
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
fn write_spec(iop: &serde_json::Value) -> Result<tempfile::NamedTempFile> {
    let yaml = output::to_yaml(iop)?;
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

async fn diagnosis(client: &kube::Client, components: &Components) -> Vec<String> {
    let namespace = components
        .items
        .first()
        .map(|c| c.namespace.clone())
        .unwrap_or_else(|| "istio-system".into());
    match verify::diagnose(client, &namespace).await {
        Ok(lines) => lines,
        Err(e) => vec![format!("(could not diagnose: {})", e.message())],
    }
}

fn show_problems(problems: &[String]) {
    if !problems.is_empty() {
        let mut text = String::from("What went wrong:\n");
        for p in problems {
            text.push_str(&format!("  {p}\n"));
        }
        output::note(&text);
    }
}

/// `1.28.0`, or `1.27.2 → 1.28.0` for an upgrade.
fn versions(report: &Report) -> String {
    let version = report.istio_version.as_deref().unwrap_or("?");
    match (report.action, &report.previous_version) {
        ("upgrade", Some(previous)) => format!("{previous} → {version}"),
        _ => version.to_string(),
    }
}

fn plan_text(report: &Report) -> String {
    let mut out = format!(
        "\nPlan: {} Istio {} (revision {})\n",
        report.action,
        versions(report),
        report.revision
    );
    for c in &report.components {
        out.push_str(&format!(
            "  {:<28} {:<8} {:<14} {} × {}\n",
            c.name,
            c.kind.as_str(),
            c.namespace,
            c.replicas,
            c.requests
        ));
    }
    if report.inject.is_empty() {
        out.push_str("  inject: no namespaces\n");
    } else {
        out.push_str(&format!("  inject: {}\n", report.inject.join(", ")));
    }
    for w in &report.restart_pending {
        out.push_str(&format!(
            "  needs a restart afterwards: {} ({})\n",
            w.id(),
            plural(w.pods, "pod")
        ));
    }
    out.push('\n');
    out
}

fn summary_text(report: &Report) -> String {
    let mut out = format!(
        "✔ Istio {} {} (revision {}) on {}\n",
        report.istio_version.as_deref().unwrap_or("?"),
        if report.action == "upgrade" {
            "upgraded"
        } else {
            "installed"
        },
        report.revision,
        report.target.context
    );
    for ns in &report.namespaces {
        let what = match ns.change {
            inject::Change::Labelled => "labelled",
            inject::Change::Unchanged => "already labelled",
            inject::Change::Conflict => "left alone",
        };
        out.push_str(&format!("  namespace {}: {what} {}", ns.namespace, ns.label));
        if let Some(note) = &ns.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    for w in &report.restarted {
        out.push_str(&format!("  restarted {w}\n"));
    }
    if !report.restart_pending.is_empty() {
        out.push_str("  pods without a sidecar until restarted (or re-run with --restart):\n");
        for w in &report.restart_pending {
            out.push_str(&format!("    {}\n", restart::restart_command(w)));
        }
    }
    for pod in &report.unmanaged_pods {
        out.push_str(&format!(
            "  pod {pod} has no controller: delete and recreate it to inject\n"
        ));
    }
    out
}

//! `istioup install`: target → checks → plan → confirmation → istioctl → verification →
//! injection → report. Nothing on the cluster changes before the confirmation.
use crate::act::install::{self as istioctl_install, Request};
use crate::act::{inject, istioctl::run as istioctl_run, lock};
use crate::cli::{InstallArgs, OutputFormat, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::target::TargetSummary;
use crate::judge::preflight::{self, Preflight};
use crate::judge::verify;
use crate::spec::Components;
use crate::target::{self, Target};
use crate::ui::addons::apply_with_progress;
use crate::ui::install::{
    Report, pick_context, pick_namespaces, plan_text, show_problems, summary_text, versions,
};
use crate::ui::progress::{Display, restart_with_progress};
use crate::ui::{confirm, output};
use crate::util::interrupt;

pub fn run(args: &InstallArgs, settings: &Settings) -> Result<()> {
    let (iop, components) = preflight::spec(&args.preflight)?;
    output::warnings(&crate::spec::warnings(&iop));
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
    let addons = crate::judge::addons::prepare(&args.addons, &args.preflight, &mut pf, &client).await?;
    let pending = crate::act::restart::pending(&client, &existing(&pf), true).await?;
    let mut report = Report::new(&pf, summary, pending.workloads, pending.unmanaged_pods);
    report.mtls = args.mtls.map(|_| Vec::new());
    report.addons = addons;
    output::note(&output::checks_table(&pf.checks, settings.color));
    if !pf.ok {
        report.result = "checks-failed";
        return output::finish(format, &report, Err(checks_failed()));
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
    if let Err(e) = confirm_install(settings, target, &report) {
        report.result = confirm::refusal(&e);
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let result = change(args, settings, target, &pf, &client, &mut report).await;
    if let Err(e) = result {
        return output::finish(format, &report, Err(e));
    }
    output::emit(format, &report, || summary_text(&report))
}

/// Everything that changes the cluster, under istioup's lock: waiting out a terminating Istio
/// namespace, istioctl, verification, labels and restarts, addons, `--mtls strict`.
async fn change(
    args: &InstallArgs,
    settings: &Settings,
    target: &Target,
    pf: &Preflight,
    client: &kube::Client,
    report: &mut Report,
) -> Result<()> {
    let mut namespaces: Vec<String> = pf.components.enabled().map(|c| c.namespace.clone()).collect();
    namespaces.sort();
    namespaces.dedup();
    let mut say = |line: String| output::note(&format!("{line}\n"));
    if let Err(e) =
        crate::act::namespace::wait_for_terminating(client, &namespaces, args.readiness_timeout, &mut say)
            .await
    {
        report.result = if e.kind() == Kind::Interrupted {
            "interrupted"
        } else {
            "namespace-terminating"
        };
        return Err(e);
    }
    let home = pf.components.control_plane_namespace();
    let lock = match lock::acquire(
        client,
        &home,
        "install",
        args.lock.wait_for_lock,
        true,
        &mut output::line,
    )
    .await
    {
        Ok(lock) => lock,
        Err(e) => {
            report.result = "locked";
            return Err(e);
        }
    };
    let mut result = apply(args, settings, target, pf, client, report).await;
    if result.is_ok() {
        report.result = "installed";
        result = label_and_restart(args, client, pf, report).await;
        if result.is_ok() && !report.addons.is_empty() {
            let verbose = settings.verbose > 0;
            result = apply_with_progress(client, &mut report.addons, args.readiness_timeout, verbose).await;
            if result.is_err() {
                report.result = "addons-failed";
            }
        }
        if result.is_ok() && args.mtls.is_some() {
            result = super::mtls::mesh_strict_after_install(client)
                .await
                .map(|done| report.mtls = Some(done));
        }
        if let Err(e) = &result {
            if e.kind() == Kind::Interrupted {
                report.result = "interrupted";
            }
            report.problems.push(e.message().to_string());
        }
    }
    if let Some(lock) = lock {
        lock.release().await;
    }
    result
}

/// The one question before anything changes, naming the context and server.
fn confirm_install(settings: &Settings, target: &Target, report: &Report) -> Result<()> {
    let question = format!(
        "{} Istio {} on context {} ({})?",
        if report.action == "upgrade" {
            "Upgrade"
        } else {
            "Install"
        },
        versions(report),
        target.context,
        target.server
    );
    confirm::yes_no(settings, "install", &question)?;
    if interrupt::interrupted() {
        return Err(Error::new(Kind::Interrupted, "interrupted; nothing was changed"));
    }
    Ok(())
}

/// istioctl install, then verification; on failure `report` says what went wrong and why.
async fn apply(
    args: &InstallArgs,
    settings: &Settings,
    target: &Target,
    pf: &Preflight,
    client: &kube::Client,
    report: &mut Report,
) -> Result<()> {
    let Some(istioctl) = pf.istioctl.as_ref() else {
        return Err(Error::failed("istioctl is needed to install"));
    };
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let log = istioctl_run::log_path("install")?;
    report.istioctl_log = Some(log.clone());
    let request = Request {
        istioctl: &istioctl.path,
        iop: &pf.iop,
        kube_args: kubeconfig.args(),
        revision: pf.components.revision.as_deref(),
        readiness_timeout: args.readiness_timeout,
        extra_args: &args.istioctl_args,
        deadline: args.istioctl_deadline(),
        log: &log,
    };
    let mut display = Display::new(
        &istioctl_install::components(&pf.components),
        settings.verbose > 0,
    );
    let (outcome, result) = istioctl_install::install(&request, &mut display).await;
    display.finish();
    if let Err(e) = result {
        report.result = if e.kind() == Kind::Interrupted {
            "interrupted"
        } else {
            "istioctl-failed"
        };
        if e.kind() != Kind::Interrupted {
            report.problems = outcome.map(|o| o.error_lines()).unwrap_or_default();
            report.problems.extend(diagnosis(client, &pf.components).await);
            show_problems(&report.problems);
        }
        return Err(e);
    }
    report.result = "not-verified";
    let problems = verify::problems(client, &pf.components).await?;
    if !problems.is_empty() {
        report.problems = problems;
        report.problems.extend(diagnosis(client, &pf.components).await);
        show_problems(&report.problems);
        return Err(Error::new(
            Kind::Istioctl,
            "istioctl reported success, but the installation did not verify; no namespace was labelled",
        )
        .with_hint(format!("istioctl's output is in {}", log.display())));
    }
    Ok(())
}

/// After a verified install: the injection labels, then (with `--restart`) the restarts.
async fn label_and_restart(
    args: &InstallArgs,
    client: &kube::Client,
    pf: &Preflight,
    report: &mut Report,
) -> Result<()> {
    let labelled = inject::enable(client, &pf.desired.inject, pf.components.revision.as_deref()).await;
    report.namespaces = labelled.done;
    if let Some(e) = labelled.error {
        return Err(e);
    }
    if args.restart && !report.restart_pending.is_empty() {
        report.restarted = restart_with_progress(client, &report.restart_pending, &args.rollout).await?;
        report.restart_pending.clear();
    }
    Ok(())
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

async fn diagnosis(client: &kube::Client, components: &Components) -> Vec<String> {
    let namespace = components.control_plane_namespace();
    match verify::diagnose(client, &namespace).await {
        Ok(lines) => lines,
        Err(e) => vec![format!("(could not diagnose: {})", e.message())],
    }
}

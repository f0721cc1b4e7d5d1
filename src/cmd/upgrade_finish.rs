//! `istioup upgrade finish`: the upgrade in progress → refuse while pods (or namespaces) are on
//! the old revision → plan → one confirmation → lock → `istioctl uninstall -r OLD -y` (Base
//! stays: the CRDs and user objects) → delete what the revision left → drop the record.
use crate::act::{migrate, uninstall};
use crate::cli::{FinishArgs, IstioctlArgs, OutputFormat, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::mesh::{self, Inventory, ObjectRef};
use crate::judge::upgrade as judge;
use crate::target::{self, Target};
use crate::ui::progress::Display;
use crate::ui::upgrade::{FinishReport, finish_text};
use crate::ui::{confirm, output};
use crate::util::interrupt;

pub fn finish(args: &FinishArgs, settings: &Settings) -> Result<()> {
    let target = target::resolve(settings)?;
    super::block_on(finish_on(args, settings, &target))
}

/// Runs `istioctl uninstall -r REV -y` and deletes what the revision left behind.
pub(super) async fn remove_revision(
    client: &kube::Client,
    target: &Target,
    settings: &Settings,
    istioctl: &IstioctlArgs,
    timeout: std::time::Duration,
    revision: &str,
    inv: &Inventory,
) -> Result<(Vec<ObjectRef>, Vec<std::path::PathBuf>)> {
    let istioctl = crate::facts::istioctl::discover(istioctl.path.as_deref())?;
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let run: Vec<std::ffi::OsString> = ["uninstall", "-r", revision, "-y"]
        .iter()
        .map(Into::into)
        .collect();
    let mut display = Display::new(&[], settings.verbose > 0);
    let (mut removed, logs, result) =
        uninstall::run_istioctl(&istioctl.path, &kubeconfig.args(), &[run], timeout, &mut display).await;
    display.finish();
    result?;
    let after = mesh::gather(client, false).await?;
    let mut leftovers = inv.leftovers_after(&after);
    // The per-revision leader-election Lease istiod made (pilot/pkg/leaderelection).
    for ns in inv.istio_namespaces() {
        leftovers.push(ObjectRef {
            kind: "Lease".into(),
            namespace: Some(ns),
            name: format!("istio-gateway-deployment-{revision}"),
        });
    }
    removed.extend(uninstall::delete_all(client, &leftovers).await?);
    Ok((removed, logs))
}

async fn finish_on(args: &FinishArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let (client, summary, inv, revs, record) = super::upgrade_steps::begin(target).await?;
    let mut report = FinishReport {
        target: summary,
        result: "refused",
        removed_revision: record.from.clone(),
        default_revision: record.to.clone(),
        old_pods: judge::on_revision(&revs, &record.from),
        removed: Vec::new(),
        kept_crds: inv.crds.len(),
        istioctl_logs: Vec::new(),
        next: "istioup upgrade status".into(),
    };
    let left: Vec<String> = revs.selecting(&record.from).map(|n| n.name.clone()).collect();
    let guard = judge::healthy(&revs, &record.to, "new").and_then(|()| {
        if args.force || (report.old_pods.is_empty() && left.is_empty()) {
            return Ok(());
        }
        let what = if report.old_pods.is_empty() { format!("namespaces still select revision {}: {}", record.from, left.join(", ")) } else { format!("pods still run a proxy of revision {}: {}", record.from, report.old_pods.join(", ")) };
        Err(Error::new(Kind::ChecksFailed, format!("{what}; nothing was changed"))
            .with_hint("istioup upgrade migrate --all --restart moves them; --force removes the old revision anyway (their proxies lose their control plane)"))
    });
    if let Err(e) = guard {
        return output::finish(format, &report, Err(e));
    }
    output::note(&format!(
        "Plan: istioctl uninstall -r {} -y (keeps the {} CRDs and every Istio object), delete what it leaves, then revision {} alone serves the mesh\n",
        record.from,
        inv.crds.len(),
        record.to
    ));
    if args.dry_run {
        report.result = "dry-run";
        return output::emit(format, &report, || "# dry run: nothing was changed\n".into());
    }
    let question = format!(
        "Remove revision {} from context {} ({})?",
        record.from, target.context, target.server
    );
    if let Err(e) = confirm::yes_no(settings, "finish", &question) {
        report.result = "not-confirmed";
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let lock = crate::act::lock::acquire(
        &client,
        &record.namespace,
        "upgrade finish",
        args.lock.wait_for_lock,
        false,
        &mut output::line,
    )
    .await?;
    let mut result = Ok(());
    if revs.get(&record.from).is_some() {
        match remove_revision(
            &client,
            target,
            settings,
            &args.istioctl,
            args.istioctl_timeout,
            &record.from,
            &inv,
        )
        .await
        {
            Ok((removed, logs)) => (report.removed, report.istioctl_logs) = (removed, logs),
            Err(e) => result = Err(e),
        }
    }
    if result.is_ok() {
        result = migrate::delete_record(&client, &record).await;
    }
    if let Some(lock) = lock {
        lock.release().await;
    }
    report.result = if result.is_ok() {
        "finished"
    } else {
        "istioctl-failed"
    };
    if let Err(e) = result {
        return output::finish(format, &report, Err(e));
    }
    report.next = "nothing: the upgrade is done".into();
    output::emit(format, &report, || finish_text(&report))
}

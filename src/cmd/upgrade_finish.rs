//! `istioup upgrade finish`: the upgrade in progress → refuse while pods (or namespaces) are on
//! the old revision → plan → one confirmation → lock → `istioctl uninstall -r OLD -y` (Base
//! stays: the CRDs and user objects) → delete what the revision left → drop the record.
use crate::act::migrate;
use crate::cli::{FinishArgs, OutputFormat, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::mesh::Inventory;
use crate::facts::revisions::{Record, Revisions};
use crate::istio::DEFAULT_REVISION as DEFAULT_TAG;
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

async fn finish_on(args: &FinishArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let (client, summary, inv, revs, record) = super::upgrade_move::begin(target).await?;
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
        "Plan: the default tag (istio-injection=enabled) to revision {to}; istioctl uninstall -r {} -y (keeps the {} CRDs and every Istio object); delete what it leaves; then revision {to} alone serves the mesh\n",
        record.from,
        inv.crds.len(),
        to = record.to
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
        report.result = confirm::refusal(&e);
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let wait = args.lock.wait_for_lock;
    let work = change(args, settings, target, &client, &revs, &record, &inv, &mut report);
    let result = crate::act::lock::holding(
        &client,
        &record.namespace,
        "upgrade finish",
        wait,
        &mut output::line,
        work,
    )
    .await;
    report.result = match &result {
        Ok(()) => "finished",
        Err(e) if e.kind() == Kind::Istioctl => "istioctl-failed",
        Err(e) if e.kind() == Kind::Interrupted => "interrupted",
        Err(_) => "failed",
    };
    if let Err(e) = result {
        return output::finish(format, &report, Err(e));
    }
    report.next = "nothing: the upgrade is done".into();
    output::emit(format, &report, || finish_text(&report))
}

/// The default tag (what `istio-injection=enabled` selects) moves to the new revision first, so
/// nothing that selects it is left without an injector; then the old revision goes, and the
/// record with it. Each step is skipped when a re-run finds it done.
#[allow(clippy::too_many_arguments)]
async fn change(
    args: &FinishArgs,
    settings: &Settings,
    target: &Target,
    client: &kube::Client,
    revs: &Revisions,
    record: &Record,
    inv: &Inventory,
    report: &mut FinishReport,
) -> Result<()> {
    let istioctl = crate::facts::istioctl::discover(args.istioctl.path.as_deref())?;
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let ctl = migrate::Istioctl {
        path: &istioctl.path,
        kube_args: kubeconfig.args(),
        timeout: args.istioctl_timeout,
    };
    let mut display = Display::new(&[], settings.verbose > 0);
    let default_on_old = revs.tags.get(DEFAULT_TAG).is_none_or(|r| *r == record.from);
    let result = async {
        if default_on_old && revs.get(&record.to).is_some() {
            migrate::move_tag(&ctl, DEFAULT_TAG, &record.to, &mut display).await?;
        }
        if revs.get(&record.from).is_some() {
            let (removed, logs) =
                migrate::remove_revision(client, &ctl, &record.from, inv, &mut display).await?;
            (report.removed, report.istioctl_logs) = (removed, logs);
        }
        migrate::delete_record(client, record).await
    }
    .await;
    display.finish();
    result
}

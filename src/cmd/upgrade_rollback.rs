//! `istioup upgrade rollback`: the upgrade in progress → the migrated namespaces (their
//! `istioup.io/upgrade-from` record) → plan → one confirmation → lock → the old labels back and
//! the workloads restarted onto the old revision, checked → `istioctl uninstall -r NEW -y` → drop
//! the record. Every step is idempotent: a re-run finishes a stopped one.
use crate::act::migrate;
use crate::cli::{OutputFormat, RollbackArgs, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::revisions;
use crate::judge::upgrade as judge;
use crate::target::{self, Target};
use crate::ui::upgrade::{MoveReport, move_plan_text, move_summary_text};
use crate::ui::{confirm, output};
use crate::util::interrupt;

pub fn rollback(args: &RollbackArgs, settings: &Settings) -> Result<()> {
    let target = target::resolve(settings)?;
    super::block_on(rollback_on(args, settings, &target))
}

async fn rollback_on(args: &RollbackArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let (client, summary, inv, revs, record) = super::upgrade_move::begin(target).await?;
    let mut report = MoveReport::new(summary, &record.to, &record.from, "");
    if let Err(e) = judge::healthy(&revs, &record.from, "old") {
        report.result = "refused";
        return output::finish(format, &report, Err(e));
    }
    let names: Vec<String> = inv
        .namespaces
        .iter()
        .filter(|n| revisions::before(n).is_some())
        .map(kube::ResourceExt::name_any)
        .collect();
    let mut touched: Vec<String> = names.clone();
    touched.extend(revs.pods_of(&record.to).map(|p| p.namespace.clone()));
    touched.sort();
    touched.dedup();
    let pending = migrate::pending(&client, &touched, &record.from).await?;
    report.restart_pending = pending.workloads;
    report.unmanaged_pods = pending.unmanaged_pods;
    output::note(&move_plan_text(&report, &names, true));
    output::note(&format!("  then: istioctl uninstall -r {} -y\n", record.to));
    if args.dry_run {
        report.result = "dry-run";
        return output::emit(format, &report, || "# dry run: nothing was changed\n".into());
    }
    let question = format!(
        "Roll back to revision {} on context {} ({})?",
        record.from, target.context, target.server
    );
    if let Err(e) = confirm::yes_no(settings, "rollback", &question) {
        report.result = confirm::refusal(&e);
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let work = async {
        back(args, settings, target, &client, &record, &names, &mut report).await?;
        if revs.get(&record.to).is_some() {
            remove_new(args, settings, target, &client, &record.to, &inv, &mut report).await?;
        }
        migrate::delete_record(&client, &record).await
    };
    let wait = args.lock.wait_for_lock;
    let result = crate::act::lock::holding(
        &client,
        &record.namespace,
        "upgrade rollback",
        wait,
        &mut output::line,
        work,
    )
    .await;
    report.result = if result.is_ok() { "rolled-back" } else { "failed" };
    report.next = if result.is_ok() {
        "nothing: revision ".to_string() + &record.from + " serves the mesh again"
    } else {
        "fix what the error says, then re-run istioup upgrade rollback".into()
    };
    if let Err(e) = result {
        return output::finish(format, &report, Err(e));
    }
    output::emit(format, &report, || move_summary_text(&report))
}

/// Removes the new revision once no pod runs its proxy (or with --force).
async fn remove_new(
    args: &RollbackArgs,
    settings: &Settings,
    target: &Target,
    client: &kube::Client,
    revision: &str,
    inv: &crate::facts::mesh::Inventory,
    report: &mut MoveReport,
) -> Result<()> {
    let (_, now) = revisions::read(client).await?;
    let still = judge::on_revision(&now, revision);
    if !still.is_empty() && !args.force {
        return Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "pods still run a proxy of revision {revision}: {}; it was not removed",
                still.join(", ")
            ),
        )
        .with_hint("restart them, or --force to remove the revision anyway"));
    }
    // istioctl upgrades the gateways of a canary's IstioOperator in place (istio.io
    // docs/setup/upgrade/gateways): they now belong to the new revision and would go with it.
    let gateways = judge::components_of(inv, revision);
    if !gateways.is_empty() && !args.force {
        return Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "the namespaces are back, but revision {revision} also runs {} (the canary install upgraded them in place); removing it would delete them, so it was left",
                gateways.join(", ")
            ),
        )
        .with_hint("put the old version's gateways back with that version's istioctl (istioup install --istioctl OLD_ISTIOCTL), then re-run istioup upgrade rollback; --force deletes them with the revision"));
    }
    let istioctl = crate::facts::istioctl::discover(args.istioctl.path.as_deref())?;
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    let ctl = migrate::Istioctl {
        path: &istioctl.path,
        kube_args: kubeconfig.args(),
        timeout: args.istioctl_timeout,
    };
    let mut display = crate::ui::progress::Display::new(&[], settings.verbose > 0);
    let result = migrate::remove_revision(client, &ctl, revision, inv, &mut display).await;
    display.finish();
    let (removed, _) = result?;
    report.removed = removed;
    Ok(())
}

/// The tag goes back first (the namespaces carrying it are served by the old revision again),
/// then the migrated namespaces get their old labels and their workloads restart.
async fn back(
    args: &RollbackArgs,
    settings: &Settings,
    target: &Target,
    client: &kube::Client,
    record: &revisions::Record,
    names: &[String],
    report: &mut MoveReport,
) -> Result<()> {
    if let Some(tag) = &record.tag {
        super::upgrade_move::tag_to(
            &args.istioctl,
            args.istioctl_timeout,
            settings,
            target,
            tag,
            &record.from,
        )
        .await?;
    }
    super::upgrade_move::move_namespaces(
        client,
        names,
        "",
        &record.from,
        false,
        Some(&args.rollout),
        report,
    )
    .await
}

//! `istioup upgrade migrate|finish|rollback`: the steps after a canary install, each
//! revisions → guard → plan → one confirmation → lock → change → report. The upgrade record and
//! the namespaces' own annotations say where a stopped run left off, so re-running converges.
use crate::act::migrate;
use crate::cli::{MigrateArgs, OutputFormat, RolloutArgs, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::mesh::Inventory;
use crate::facts::revisions::{self, Record, Revisions};
use crate::facts::target::{self as target_facts, TargetSummary};
use crate::judge::upgrade as judge;
use crate::target::{self, Target};
use crate::ui::progress::clock;
use crate::ui::upgrade::{MoveReport, move_plan_text, move_summary_text};
use crate::ui::{confirm, output};
use crate::util::interrupt;

pub fn migrate(args: &MigrateArgs, settings: &Settings) -> Result<()> {
    let target = target::resolve(settings)?;
    super::block_on(migrate_on(args, settings, &target))
}

/// The banner, the revisions and the upgrade in progress (none: exit 3).
pub(super) async fn begin(
    target: &Target,
) -> Result<(kube::Client, TargetSummary, Inventory, Revisions, Record)> {
    let client = target.connect().await?;
    let (summary, (inv, revs)) =
        tokio::try_join!(target_facts::read(target, &client), revisions::read(&client))?;
    output::note(&output::banner(&summary));
    let Some(record) = revs.record.clone() else {
        return Err(Error::new(
            Kind::ChecksFailed,
            "no upgrade is in progress on this cluster (no ConfigMap istioup-upgrade); nothing was changed",
        )
        .with_hint("istioup upgrade starts one; istioup upgrade status shows the revisions"));
    };
    Ok((client, summary, inv, revs, record))
}

async fn migrate_on(args: &MigrateArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let (client, summary, inv, revs, record) = begin(target).await?;
    let label = record.tag.clone().unwrap_or_else(|| record.to.clone());
    let mut report = MoveReport::new(summary, &record.from, &record.to, &label);
    if let Err(e) = judge::healthy(&revs, &record.to, "new") {
        report.result = "refused";
        return output::finish(format, &report, Err(e));
    }
    let mut names = crate::facts::namespaces::select(
        &client,
        &super::enable::selection(&args.selection),
        &super::enable::istio_namespaces(&inv),
        true,
    )
    .await?;
    if args.selection.namespaces.is_empty() {
        // --all and -l take the namespaces of this upgrade, never ones outside the mesh.
        names.retain(|n| {
            revs.namespaces
                .iter()
                .any(|s| s.name == *n && (s.revision == record.from || s.revision == record.to))
        });
    }
    let pending = migrate::pending(&client, &names, &record.to).await?;
    report.restart_pending = pending.workloads;
    report.unmanaged_pods = pending.unmanaged_pods;
    output::note(&move_plan_text(&report, &names, args.restart));
    if args.dry_run {
        report.result = "dry-run";
        return output::emit(format, &report, || "# dry run: nothing was changed\n".into());
    }
    let question = format!(
        "Move {} to revision {} on context {} ({})?",
        names.join(", "),
        record.to,
        target.context,
        target.server
    );
    if let Err(e) = confirm::yes_no(settings, "migrate", &question) {
        report.result = "not-confirmed";
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let lock = crate::act::lock::acquire(
        &client,
        &record.namespace,
        "upgrade migrate",
        args.lock.wait_for_lock,
        false,
        &mut output::line,
    )
    .await?;
    let result = move_namespaces(
        &client,
        &names,
        &label,
        &record.to,
        args.force,
        args.restart.then_some(&args.rollout),
        &mut report,
    )
    .await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    report.result = match &result {
        Ok(()) if args.restart => "migrated",
        Ok(()) => "relabelled",
        Err(e) if e.kind() == Kind::Interrupted => "interrupted",
        Err(_) => "failed",
    };
    let (_, after) = revisions::read(&client).await?;
    report.next = judge::progress(&after).next;
    if let Err(e) = result {
        return output::finish(format, &report, Err(e));
    }
    output::emit(format, &report, || move_summary_text(&report))
}

/// Relabels, then (with `rollout`) rolls the pending workloads onto `revision`.
pub(super) async fn move_namespaces(
    client: &kube::Client,
    names: &[String],
    label: &str,
    revision: &str,
    force: bool,
    rollout: Option<&RolloutArgs>,
    report: &mut MoveReport,
) -> Result<()> {
    report.namespaces = if label.is_empty() {
        migrate::relabel_back(client, names).await?
    } else {
        migrate::relabel(client, names, label, force).await?
    };
    let Some(rollout) = rollout else {
        return Ok(());
    };
    let mut say = |line: String| output::note(&format!("[{}] {line}\n", clock()));
    let pending = std::mem::take(&mut report.restart_pending);
    let result = migrate::roll(
        client,
        &pending,
        revision,
        rollout.batch_size as usize,
        rollout.timeout,
        &mut report.restarted,
        &mut say,
    )
    .await;
    if result.is_err() {
        report.restart_pending = pending
            .into_iter()
            .filter(|w| !report.restarted.contains(&w.id()))
            .collect();
    }
    result
}

//! `istioup upgrade migrate`: the upgrade in progress → the namespaces → plan → one
//! confirmation → lock → (with --tag: the tag to the new revision) → relabel → batched restarts,
//! each checked against the new revision → report. The upgrade record and the namespaces' own
//! annotations say where a stopped run left off, so re-running converges.
use crate::act::migrate;
use crate::cli::{MigrateArgs, OutputFormat, Settings};
use crate::error::{Kind, Result};
use crate::facts::mesh::Inventory;
use crate::facts::revisions::{self, Record, Revisions};
use crate::judge::upgrade as judge;
use crate::target::{self, Target};
use crate::ui::upgrade::{MoveReport, move_plan_text, move_summary_text};
use crate::ui::{confirm, output};
use crate::util::interrupt;

pub fn migrate(args: &MigrateArgs, settings: &Settings) -> Result<()> {
    let target = target::resolve(settings)?;
    super::block_on(migrate_on(args, settings, &target))
}

async fn migrate_on(args: &MigrateArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let (client, summary, inv, revs, record) = super::upgrade_move::begin(target).await?;
    let tag = args.tag.clone().or(record.tag.clone());
    let label = tag.clone().unwrap_or_else(|| record.to.clone());
    let mut report = MoveReport::new(summary, &record.from, &record.to, &label);
    if let Err(e) = judge::healthy(&revs, &record.to, "new") {
        report.result = "refused";
        return output::finish(format, &report, Err(e));
    }
    let (names, scope) = namespaces(args, &client, &inv, &revs, &record, tag.as_deref()).await?;
    let pending = migrate::pending(&client, &scope, &record.to).await?;
    report.restart_pending = pending.workloads;
    report.unmanaged_pods = pending.unmanaged_pods;
    if let Some(tag) = &tag {
        output::note(&format!(
            "Plan: tag {tag} → revision {} (namespaces carrying it: {})\n",
            record.to,
            scope.join(", ")
        ));
    }
    output::note(&move_plan_text(&report, &names, args.restart));
    if args.dry_run {
        report.result = "dry-run";
        return output::emit(format, &report, || "# dry run: nothing was changed\n".into());
    }
    let question = format!(
        "Move {} to revision {} on context {} ({})?",
        scope.join(", "),
        record.to,
        target.context,
        target.server
    );
    if let Err(e) = confirm::yes_no(settings, "migrate", &question) {
        report.result = confirm::refusal(&e);
        return output::finish(format, &report, Err(e));
    }
    interrupt::watch();
    let work = change(
        args,
        settings,
        target,
        &client,
        &record,
        tag.as_deref(),
        &names,
        &mut report,
    );
    let wait = args.lock.wait_for_lock;
    let result = crate::act::lock::holding(
        &client,
        &record.namespace,
        "upgrade migrate",
        wait,
        &mut output::line,
        work,
    )
    .await;
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

/// The namespaces to relabel (as selected; `--all` and `-l` only take those of this upgrade),
/// and those whose workloads may need a restart: with a tag, also every namespace carrying it.
async fn namespaces(
    args: &MigrateArgs,
    client: &kube::Client,
    inv: &Inventory,
    revs: &Revisions,
    record: &Record,
    tag: Option<&str>,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut names = crate::facts::namespaces::select(
        client,
        &super::enable::selection(&args.selection),
        &super::enable::istio_namespaces(inv),
        true,
    )
    .await?;
    if args.selection.namespaces.is_empty() {
        names.retain(|n| {
            revs.namespaces
                .iter()
                .any(|s| s.name == *n && (s.revision == record.from || s.revision == record.to))
        });
    }
    let mut scope = names.clone();
    if let Some(tag) = tag {
        let carrying = format!("{}={tag}", crate::istio::REVISION_LABEL);
        scope.extend(
            revs.namespaces
                .iter()
                .filter(|s| s.label == carrying && !names.contains(&s.name))
                .map(|s| s.name.clone()),
        );
    }
    Ok((names, scope))
}

/// With a tag: the record names it and the tag moves to the new revision; then the namespaces
/// move.
#[allow(clippy::too_many_arguments)]
async fn change(
    args: &MigrateArgs,
    settings: &Settings,
    target: &Target,
    client: &kube::Client,
    record: &Record,
    tag: Option<&str>,
    names: &[String],
    report: &mut MoveReport,
) -> Result<()> {
    if let Some(tag) = tag {
        let tagged = Record {
            tag: Some(tag.to_string()),
            ..record.clone()
        };
        migrate::save_record(client, &tagged).await?;
        super::upgrade_move::tag_to(
            &args.istioctl,
            args.istioctl_timeout,
            settings,
            target,
            tag,
            &record.to,
        )
        .await?;
    }
    let label = tag.unwrap_or(&record.to).to_string();
    let rollout = args.restart.then_some(&args.rollout);
    super::upgrade_move::move_namespaces(client, names, &label, &record.to, args.force, rollout, report).await
}

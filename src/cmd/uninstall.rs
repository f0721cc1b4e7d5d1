//! `istioup uninstall` (= `disable cluster`): inventory → guard → plan → typed confirmation →
//! backup → istioctl uninstall → labels → leftovers → report. Nothing a user made is lost by
//! accident: the CRDs and every user object stay unless `--purge`, which needs a backup or an
//! explicit `--no-backup`. Every step is idempotent, so re-running finishes an interrupted run.
use crate::act::backup;
use crate::act::uninstall::{self, Plan};
use crate::cli::{OutputFormat, Settings, UninstallArgs};
use crate::error::{Error, Kind, Result};
use crate::facts::istioctl;
use crate::facts::mesh::{self, Inventory, ObjectRef};
use crate::target::{self, Target};
use crate::ui::progress::Display;
use crate::ui::uninstall::{
    Backup, Removed, Report, found, found_text, nothing_text, plan_text, removed_text,
};
use crate::ui::{confirm, output};
use crate::util::interrupt;
use crate::util::text::plural;

pub fn run(args: &UninstallArgs, settings: &Settings) -> Result<()> {
    if args.purge && args.backup.is_none() && !args.no_backup {
        return Err(Error::usage(
            "--purge deletes the Istio CRDs and with them every VirtualService, DestinationRule, Gateway, \
             AuthorizationPolicy, ...; say what happens to them: --backup DIR or --no-backup",
        )
        .with_hint("istioup uninstall --purge --backup ./istio-backup (restore later with kubectl apply -f ./istio-backup)"));
    }
    if let Some(dir) = &args.backup {
        backup::check_backup_dir(dir)?;
    }
    let target = target::resolve(settings)?;
    super::block_on(remove(args, settings, &target))
}

async fn remove(args: &UninstallArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let client = target.connect().await?;
    let (summary, inv, own) = tokio::try_join!(
        crate::facts::target::read(target, &client),
        mesh::gather(&client, true),
        uninstall::own(&client)
    )?;
    output::note(&output::banner(&summary));
    let mut report = Report {
        target: summary,
        result: "",
        mode: if args.purge { "purge" } else { "keep-crds" },
        found: found(&inv),
        backup: None,
        removed: Removed::default(),
        kept: Default::default(),
        istioctl_logs: Vec::new(),
    };
    let plan = Plan::new(args, &inv).with_own(args, own);
    output::note(&found_text(&report.found));
    if plan.is_empty() {
        report.result = "nothing-to-remove";
        report.kept = plan.kept.clone();
        return output::emit(format, &report, || nothing_text(&report));
    }
    if let Err(e) = guard(args, &report, &inv) {
        report.result = "refused";
        return output::finish(format, &report, Err(e));
    }
    output::note(&plan_text(&plan, args));
    if args.dry_run {
        report.result = "dry-run";
        report.kept = plan.kept.clone();
        return output::emit(format, &report, || "# dry run: nothing was changed\n".to_string());
    }
    let istioctl = if plan.istioctl_runs.is_empty() {
        None
    } else {
        Some(istioctl::discover(args.istioctl.path.as_deref())?)
    };
    confirm::typed(
        settings,
        "uninstall",
        &format!(
            "This removes Istio from context {} ({}). Type the context name to proceed",
            target.context, target.server
        ),
        &target.context,
    )?;
    interrupt::watch();
    let home = crate::act::lock::home(&inv.istio_namespaces());
    let wait = args.lock.wait_for_lock;
    let lock =
        match crate::act::lock::acquire(&client, &home, "uninstall", wait, false, &mut output::line).await {
            Ok(lock) => lock,
            Err(e) => {
                report.result = "locked";
                return output::finish(format, &report, Err(e));
            }
        };
    let result = change(
        args,
        settings,
        target,
        &client,
        &inv,
        &plan,
        istioctl.as_ref(),
        &mut report,
    )
    .await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    result.or_else(|e| output::finish(format, &report, Err(e)))?;
    output::emit(format, &report, || removed_text(&report))
}

/// What uninstall changes, under the lock; on failure `report` says what was removed so far.
#[allow(clippy::too_many_arguments)]
async fn change(
    args: &UninstallArgs,
    settings: &Settings,
    target: &Target,
    client: &kube::Client,
    inv: &Inventory,
    plan: &Plan,
    istioctl: Option<&crate::facts::istioctl::Istioctl>,
    report: &mut Report,
) -> Result<()> {
    if let Some(dir) = &args.backup {
        report.backup = Some(write_backup(dir, inv)?);
    }
    if let Some(istioctl) = &istioctl {
        let kubeconfig = target.kubeconfig_for_istioctl()?;
        let mut display = Display::new(&[], settings.verbose > 0);
        let (removed, logs, result) = uninstall::run_istioctl(
            &istioctl.path,
            &kubeconfig.args(),
            &plan.istioctl_runs,
            args.istioctl_timeout,
            &mut display,
        )
        .await;
        display.finish();
        report.removed.istioctl = removed;
        report.istioctl_logs = logs;
        if let Err(e) = result {
            report.result = "istioctl-failed";
            return Err(e);
        }
    }
    for (revision, namespace) in &plan.prunes {
        let pruned = uninstall::prune_revision(client, revision, namespace).await?;
        report.removed.pruned.extend(pruned);
    }
    clean_up(args, client, inv, plan, &mut report.removed).await?;
    report.kept = plan.kept.clone();
    report.result = "removed";
    Ok(())
}

/// Pods that still carry sidecars lose their proxy (and mTLS) when restarted, while istiod is
/// gone: refuse unless `--force`.
fn guard(args: &UninstallArgs, report: &Report, inv: &Inventory) -> Result<()> {
    let helm = inv.helm_managed();
    if !args.force && !helm.is_empty() {
        let commands: Vec<String> = helm
            .iter()
            .filter_map(|r| r.split_once('/'))
            .map(|(ns, name)| format!("helm uninstall {name} -n {ns}"))
            .collect();
        return Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "Istio here was installed with Helm (releases {}); nothing was changed",
                helm.join(", ")
            ),
        )
        .with_hint(format!(
            "remove it with Helm, which knows what it made: {}; or --force to remove it with istioctl (Helm's records stay behind)",
            commands.join("; ")
        )));
    }
    if args.force || report.found.control_planes.is_empty() || report.found.sidecar_pods.is_empty() {
        return Ok(());
    }
    let namespaces: Vec<String> = report
        .found
        .sidecar_pods
        .iter()
        .map(|(ns, n)| format!("{ns} ({})", plural(*n, "pod")))
        .collect();
    Err(Error::new(
        Kind::ChecksFailed,
        format!(
            "pods still carry sidecars in {}; nothing was changed",
            namespaces.join(", ")
        ),
    )
    .with_hint(
        "they lose the proxy (and mTLS) when restarted, and istiod is gone meanwhile: \
         istioup disable namespace NS --restart first, or --force to go on anyway",
    ))
}

fn write_backup(dir: &std::path::Path, inv: &Inventory) -> Result<Backup> {
    let files = backup::write_backup(dir, &inv.objects)?;
    output::note(&format!(
        "✔ backed up {} to {} (restore: kubectl apply -f {})\n",
        plural(inv.object_total(), "Istio object"),
        dir.display(),
        dir.display()
    ));
    Ok(Backup {
        dir: dir.to_path_buf(),
        files,
        objects: inv.object_total(),
    })
}

/// After istioctl: the leftovers, istioup's injection labels and, when asked, the namespaces.
async fn clean_up(
    args: &UninstallArgs,
    client: &kube::Client,
    inv: &Inventory,
    plan: &Plan,
    removed: &mut Removed,
) -> Result<()> {
    // Only what no control plane still running owns: istioctl may have left one in place (a
    // revision it did not select), and its webhooks and ConfigMaps must stay.
    let after = mesh::gather(client, false).await?;
    removed.leftovers = uninstall::delete_all(client, &inv.leftovers_after(&after)).await?;
    if args.purge {
        let namespaces: Vec<String> = inv.istio_namespaces().into_iter().collect();
        removed
            .leftovers
            .extend(uninstall::purge_runtime_objects(client, &namespaces).await?);
    }
    removed.labels = uninstall::remove_labels(client, plan).await?;
    removed.peer_authentications = crate::act::mtls::remove_own(client).await?;
    if !args.keep_addons {
        removed.addons = crate::act::addons::remove_all(client).await?;
    }
    if args.delete_namespace {
        let namespaces: Vec<ObjectRef> = plan
            .istio_namespaces
            .iter()
            .map(|ns| ObjectRef {
                kind: "Namespace".into(),
                namespace: None,
                name: ns.clone(),
            })
            .collect();
        removed.namespaces = uninstall::delete_all(client, &namespaces)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
        crate::act::namespace::wait_for_terminating(
            client,
            &plan.istio_namespaces,
            args.istioctl_timeout,
            &mut output::line,
        )
        .await?;
    }
    Ok(())
}

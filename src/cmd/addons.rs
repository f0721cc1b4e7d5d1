//! `istioup addons list|enable|disable`: the release's addons, applied as istioup's own objects.
use serde::Serialize;

use crate::act::addons::{self as apply, Kinds};
use crate::cli::{AddonSourceArgs, AddonsArgs, AddonsCommand, OutputFormat, Settings};
use crate::error::Result;
use crate::facts::addons::Installed;
use crate::facts::target::TargetSummary;
use crate::spec::addons::{self, Addon};
use crate::target;
use crate::ui::{confirm, output};

pub fn run(command: AddonsCommand, settings: &Settings) -> Result<()> {
    match command {
        AddonsCommand::List(args) => super::block_on(list(&args, settings)),
        AddonsCommand::Enable(args) => super::block_on(change(&args, settings, true)),
        AddonsCommand::Disable(args) => super::block_on(change(&args, settings, false)),
    }
}

fn manifests_dir(args: &AddonSourceArgs) -> Result<std::path::PathBuf> {
    if let Some(dir) = &args.addons_dir {
        return addons::dir(Some(dir), None);
    }
    let istioctl = crate::facts::istioctl::discover(args.istioctl.path.as_deref())?;
    addons::dir(None, Some(&istioctl.path))
}

#[derive(Debug, Serialize)]
struct ListReport {
    target: TargetSummary,
    /// The addons the release ships (files present in its samples/addons).
    available: Vec<Addon>,
    installed: Vec<Installed>,
}

async fn list(args: &AddonSourceArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let dir = manifests_dir(args)?;
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let summary = crate::facts::target::read(&target, &client).await?;
    output::note(&output::banner(&summary));
    let report = ListReport {
        target: summary,
        available: addons::ALL
            .into_iter()
            .filter(|a| dir.join(a.file()).is_file())
            .collect(),
        installed: crate::facts::addons::installed(&client).await?,
    };
    output::emit(format, &report, || {
        let mut out = String::new();
        for addon in &report.available {
            let rows: Vec<&Installed> = report
                .installed
                .iter()
                .filter(|i| i.addon == addon.name())
                .collect();
            let state = match rows.as_slice() {
                [] => "not installed".to_string(),
                rows => rows
                    .iter()
                    .map(|i| {
                        format!(
                            "{}/{} ready ({}/deployment/{})",
                            i.ready, i.desired, i.namespace, i.deployment
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.push_str(&format!("{:<11} {state}\n", addon.name()));
        }
        out
    })
}

#[derive(Debug, Serialize)]
struct ChangeReport {
    target: TargetSummary,
    addons: Vec<Addon>,
    /// Why an addon was added to those named or left out (`prometheus: Kiali reads ...`), the
    /// Prometheus Kiali reads, and whether prometheus-operator's monitors were applied.
    added: Vec<String>,
    /// `deployment/kiali -n istio-system`, applied or removed.
    changed: Vec<String>,
    /// Objects of a manifest that istioup did not make: left alone on disable.
    left_alone: Vec<String>,
}

async fn change(args: &AddonsArgs, settings: &Settings, enable: bool) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let mut selection = addons::parse(&args.names)?;
    if !enable {
        // Removing Kiali leaves the Prometheus it brought: others may read it.
        selection.addons.retain(|a| {
            args.names
                .iter()
                .any(|n| n.split(',').any(|w| w.trim() == a.name()))
        });
        selection.added.clear();
    }
    let dir = manifests_dir(&args.source)?;
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let summary = crate::facts::target::read(&target, &client).await?;
    output::note(&output::banner(&summary));
    let manifests = manifests(&client, &dir, args, enable, &mut selection).await?;
    for note in &selection.added {
        output::line(format!("  {note}"));
    }
    let names: Vec<&str> = selection.addons.iter().map(|a| a.name()).collect();
    let verb = if enable { "Install" } else { "Remove" };
    let question = format!(
        "{verb} {} on context {} ({})?",
        names.join(", "),
        target.context,
        target.server
    );
    confirm::yes_no(
        settings,
        if enable { "addons enable" } else { "addons disable" },
        &question,
    )?;
    crate::util::interrupt::watch();
    let mut report = ChangeReport {
        target: summary,
        addons: selection.addons.clone(),
        added: selection.added,
        changed: Vec::new(),
        left_alone: Vec::new(),
    };
    // The same lock as install: two istioups never change one mesh at once.
    let home = manifests
        .iter()
        .flat_map(|(_, objects)| objects)
        .find_map(|o| o["metadata"]["namespace"].as_str())
        .unwrap_or(crate::istio::DEFAULT_NAMESPACE)
        .to_string();
    let command = if enable { "addons enable" } else { "addons disable" };
    let lock = crate::act::lock::acquire(
        &client,
        &home,
        command,
        args.lock.wait_for_lock,
        enable,
        &mut output::line,
    )
    .await?;
    let result = apply_all(&client, &manifests, args, enable, &mut report).await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    result?;
    output::emit(format, &report, || {
        let mut out = String::new();
        let done = if enable { "applied" } else { "removed" };
        out.push_str(&format!(
            "{done} {} objects of {}\n",
            report.changed.len(),
            names.join(", ")
        ));
        for spared in &report.left_alone {
            out.push_str(&format!("  left alone (not installed by istioup): {spared}\n"));
        }
        out
    })
}

async fn apply_all(
    client: &kube::Client,
    manifests: &[(String, Vec<serde_json::Value>)],
    args: &AddonsArgs,
    enable: bool,
    report: &mut ChangeReport,
) -> Result<()> {
    let mut kinds = Kinds::default();
    for (addon, objects) in manifests {
        if enable {
            report
                .changed
                .extend(apply::apply(client, addon, objects, &mut kinds).await?);
        } else {
            let (removed, spared) = apply::remove(client, addon, objects, &mut kinds).await?;
            report.changed.extend(removed);
            report.left_alone.extend(spared);
        }
    }
    if enable {
        for (addon, objects) in manifests {
            apply::wait_available(client, addon, objects, args.timeout, &mut output::line).await?;
        }
    }
    Ok(())
}

/// The manifests to apply or remove. Enabling resolves the names as install does: Kiali reads a
/// Prometheus the cluster has instead of bringing one, and prometheus-operator's monitors come
/// along where that API is served; `selection` then says what was added or left out, and why.
async fn manifests(
    client: &kube::Client,
    dir: &std::path::Path,
    args: &AddonsArgs,
    enable: bool,
    selection: &mut addons::Selection,
) -> Result<Vec<(String, Vec<serde_json::Value>)>> {
    if !enable {
        return selection
            .addons
            .iter()
            .map(|a| addons::objects(dir, *a).map(|o| (a.name().to_string(), o)))
            .collect();
    }
    let found = crate::facts::prometheus::read(client).await?;
    let plan = crate::judge::addons::plan(&args.names, Some(dir), None, &found)?;
    selection.addons = plan.addons;
    selection.added = plan.notes;
    selection.added.extend(
        plan.kiali_prometheus
            .map(|url| format!("kiali: reads metrics from {url}")),
    );
    selection
        .added
        .extend(plan.monitoring_note.map(|n| format!("monitoring: {n}")));
    Ok(plan.manifests)
}

//! `istioup uninstall` (= `disable cluster`): inventory → guard → plan → typed confirmation →
//! backup → istioctl uninstall → labels → leftovers → report. Nothing a user made is lost by
//! accident: the CRDs and every user object stay unless `--purge`, which needs a backup or an
//! explicit `--no-backup`. Every step is idempotent, so re-running finishes an interrupted run.
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use serde::Serialize;

use crate::Settings;
use crate::check::plural;
use crate::cli::{OutputFormat, UninstallArgs};
use crate::confirm;
use crate::error::{Error, Kind, Result};
use crate::inject::{self, DisableMode, INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL};
use crate::istioctl::{self, progress::Event, run as istioctl_run};
use crate::mesh::{self, Inventory, KindCount, ObjectRef};
use crate::output;
use crate::preflight::TargetSummary;
use crate::progress::Display;
use crate::target::{self, Target};
use crate::uninstall;
use crate::{interrupt, istioctl::Istioctl};

#[derive(Debug, Serialize)]
struct Report {
    target: TargetSummary,
    /// `removed`, `nothing-to-remove`, `refused`, `dry-run`, `istioctl-failed`.
    result: &'static str,
    /// `keep-crds` (default) or `purge`.
    mode: &'static str,
    found: Found,
    backup: Option<Backup>,
    removed: Removed,
    kept: Kept,
    istioctl_logs: Vec<PathBuf>,
}

/// What was on the cluster before anything changed.
#[derive(Debug, Serialize)]
struct Found {
    control_planes: Vec<ControlPlane>,
    components: Vec<String>,
    /// Namespaces labelled for injection, with their label.
    injected_namespaces: BTreeMap<String, String>,
    /// Pods carrying a sidecar, per namespace.
    sidecar_pods: BTreeMap<String, usize>,
    crds: usize,
    istio_objects: Vec<KindCount>,
    leftovers: Vec<ObjectRef>,
}

#[derive(Debug, Serialize)]
struct ControlPlane {
    namespace: String,
    name: String,
    revision: String,
    version: Option<String>,
}

#[derive(Debug, Serialize)]
struct Backup {
    dir: PathBuf,
    files: Vec<PathBuf>,
    objects: usize,
}

#[derive(Debug, Default, Serialize)]
struct Removed {
    /// What istioctl reported removing (`Deployment/istiod.istio-system`).
    istioctl: Vec<String>,
    leftovers: Vec<ObjectRef>,
    /// `shop: istio-injection=enabled`
    labels: Vec<String>,
    namespaces: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
struct Kept {
    crds: usize,
    istio_objects: Vec<KindCount>,
    /// Injection labels istioup did not set (without --purge).
    labels: Vec<String>,
    namespaces: Vec<String>,
}

pub fn run(args: &UninstallArgs, settings: &Settings) -> Result<()> {
    if args.purge && args.backup.is_none() && !args.no_backup {
        return Err(Error::usage(
            "--purge deletes the Istio CRDs and with them every VirtualService, DestinationRule, Gateway, \
             AuthorizationPolicy, ...; say what happens to them: --backup DIR or --no-backup",
        )
        .with_hint("istioup uninstall --purge --backup ./istio-backup (restore later with kubectl apply -f ./istio-backup)"));
    }
    if let Some(dir) = &args.backup {
        uninstall::check_backup_dir(dir)?;
    }
    let target = target::resolve(settings)?;
    super::block_on(remove(args, settings, &target))
}

async fn remove(args: &UninstallArgs, settings: &Settings, target: &Target) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let client = target.connect().await?;
    let (summary, inv) =
        tokio::try_join!(mesh::target_summary(target, &client), mesh::gather(&client, true))?;
    output::note(&output::banner(&summary));
    let mut report = Report {
        target: summary,
        result: "",
        mode: if args.purge { "purge" } else { "keep-crds" },
        found: found(&inv),
        backup: None,
        removed: Removed::default(),
        kept: Kept::default(),
        istioctl_logs: Vec::new(),
    };
    let plan = Plan::new(args, &inv);
    output::note(&found_text(&report.found));

    if plan.is_empty() {
        report.result = "nothing-to-remove";
        report.kept = plan.kept.clone();
        return output::emit(format, &report, || nothing_text(&report));
    }
    if !args.force && !report.found.control_planes.is_empty() && !report.found.sidecar_pods.is_empty() {
        report.result = "refused";
        let namespaces: Vec<String> = report
            .found
            .sidecar_pods
            .iter()
            .map(|(ns, n)| format!("{ns} ({})", plural(*n, "pod")))
            .collect();
        let err = Error::new(
            Kind::ChecksFailed,
            format!(
                "pods still carry sidecars in {}; nothing was changed",
                namespaces.join(", ")
            ),
        )
        .with_hint(
            "they lose the proxy (and mTLS) when restarted, and istiod is gone meanwhile: \
             istioup disable namespace NS --restart first, or --force to go on anyway",
        );
        return finish(format, &report, Err(err));
    }
    output::note(&plan.text(args));
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

    if let Some(dir) = &args.backup {
        let files = uninstall::write_backup(dir, &inv.objects)?;
        output::note(&format!(
            "✔ backed up {} to {} (restore: kubectl apply -f {})\n",
            plural(inv.object_total(), "Istio object"),
            dir.display(),
            dir.display()
        ));
        report.backup = Some(Backup {
            dir: dir.clone(),
            files,
            objects: inv.object_total(),
        });
    }
    if let Some(istioctl) = &istioctl
        && let Err(e) = run_istioctl(istioctl, target, &plan.istioctl_runs, args, settings, &mut report).await
    {
        report.result = "istioctl-failed";
        return finish(format, &report, Err(e));
    }
    let leftovers = inv.leftovers(true);
    report.removed.leftovers = uninstall::delete_all(&client, &leftovers).await?;
    report.removed.labels = remove_labels(&client, &plan).await?;
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
        report.removed.namespaces = uninstall::delete_all(&client, &namespaces)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
    }
    report.kept = plan.kept.clone();
    report.result = "removed";
    output::emit(format, &report, || removed_text(&report))
}

/// What this run will do, decided from the inventory before anything changes.
struct Plan {
    /// One argument list per `istioctl uninstall` (before the kubeconfig flags).
    istioctl_runs: Vec<Vec<OsString>>,
    /// Namespaces whose injection labels go: istioup's, or all with --purge.
    label_namespaces: Vec<String>,
    purge_labels: bool,
    leftovers: Vec<ObjectRef>,
    istio_namespaces: Vec<String>,
    kept: Kept,
}

impl Plan {
    fn new(args: &UninstallArgs, inv: &Inventory) -> Plan {
        let mut istioctl_runs = Vec::new();
        if args.purge {
            if !inv.components.is_empty() || !inv.crds.is_empty() {
                istioctl_runs.push(vec!["uninstall".into(), "--purge".into(), "-y".into()]);
            }
        } else {
            for rev in inv.revisions() {
                istioctl_runs.push(vec!["uninstall".into(), "-r".into(), rev.into(), "-y".into()]);
            }
        }
        let mut label_namespaces = Vec::new();
        let mut kept = Kept::default();
        for ns in &inv.namespaces {
            let labels = ns.metadata.labels.clone().unwrap_or_default();
            let owner = ns
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(OWNER_ANNOTATION))
                .cloned();
            let name = ns.metadata.name.clone().unwrap_or_default();
            let present: Vec<(&str, &String)> = [INJECTION_LABEL, REVISION_LABEL]
                .into_iter()
                .filter_map(|k| labels.get(k).map(|v| (k, v)))
                .collect();
            // What istioup set that still turns injection on; a `disabled` it set stays (it keeps
            // a later mesh-wide default out), unless --purge.
            let owned_enabling = present
                .iter()
                .any(|(k, v)| owner.as_deref() == Some(*k) && v.as_str() != "disabled");
            if (args.purge && (!present.is_empty() || owner.is_some())) || owned_enabling {
                label_namespaces.push(name.clone());
                continue;
            }
            for (key, value) in present {
                let whose = if owner.as_deref() == Some(key) {
                    "set by istioup"
                } else {
                    "not set by istioup"
                };
                kept.labels.push(format!("{name}: {key}={value} ({whose})"));
            }
        }
        let istio_namespaces: Vec<String> = if args.delete_namespace {
            inv.istio_namespaces()
                .into_iter()
                .filter(|n| {
                    inv.namespaces
                        .iter()
                        .any(|ns| ns.metadata.name.as_deref() == Some(n))
                })
                .collect()
        } else {
            Vec::new()
        };
        if !args.purge {
            kept.crds = inv.crds.len();
            kept.istio_objects = inv.object_counts();
        }
        if !args.delete_namespace {
            kept.namespaces = inv
                .istio_namespaces()
                .into_iter()
                .filter(|n| {
                    inv.namespaces
                        .iter()
                        .any(|ns| ns.metadata.name.as_deref() == Some(n))
                })
                .collect();
        }
        Plan {
            istioctl_runs,
            label_namespaces,
            purge_labels: args.purge,
            leftovers: inv.leftovers(true),
            istio_namespaces,
            kept,
        }
    }

    fn is_empty(&self) -> bool {
        self.istioctl_runs.is_empty()
            && self.label_namespaces.is_empty()
            && self.leftovers.is_empty()
            && self.istio_namespaces.is_empty()
    }

    fn text(&self, args: &UninstallArgs) -> String {
        let mut out = String::from("\nPlan:\n");
        for run in &self.istioctl_runs {
            let words: Vec<String> = run.iter().map(|a| a.to_string_lossy().into_owned()).collect();
            out.push_str(&format!("  istioctl {}\n", words.join(" ")));
        }
        if let Some(dir) = &args.backup {
            out.push_str(&format!(
                "  back up every Istio object to {} first\n",
                dir.display()
            ));
        }
        if !self.label_namespaces.is_empty() {
            out.push_str(&format!(
                "  remove the injection labels {} from: {}\n",
                if self.purge_labels { "(all)" } else { "istioup set" },
                self.label_namespaces.join(", ")
            ));
        }
        if !self.leftovers.is_empty() {
            out.push_str(&format!(
                "  delete {}\n",
                plural(self.leftovers.len(), "leftover")
            ));
        }
        for ns in &self.istio_namespaces {
            out.push_str(&format!("  delete namespace {ns}\n"));
        }
        if args.purge {
            out.push_str("  ✘ the Istio CRDs and every Istio object go with them\n");
        } else {
            out.push_str(&format!(
                "  keep: {} CRDs, {} (--purge removes them)\n",
                self.kept.crds,
                kinds_text(&self.kept.istio_objects)
            ));
        }
        out.push('\n');
        out
    }
}

fn found(inv: &Inventory) -> Found {
    let mut injected = BTreeMap::new();
    for ns in &inv.namespaces {
        let labels = ns.metadata.labels.clone().unwrap_or_default();
        let label = match (labels.get(INJECTION_LABEL), labels.get(REVISION_LABEL)) {
            (Some(v), _) if v != "disabled" => format!("{INJECTION_LABEL}={v}"),
            (Some(_), _) => continue,
            (None, Some(rev)) => format!("{REVISION_LABEL}={rev}"),
            (None, None) => continue,
        };
        injected.insert(ns.metadata.name.clone().unwrap_or_default(), label);
    }
    Found {
        control_planes: inv
            .control_planes()
            .map(|c| ControlPlane {
                namespace: c.namespace.clone(),
                name: c.name.clone(),
                revision: c.revision.clone(),
                version: c.version.clone(),
            })
            .collect(),
        components: inv.components.iter().map(mesh::Component::id).collect(),
        injected_namespaces: injected,
        sidecar_pods: inv
            .sidecar_pods()
            .into_iter()
            .map(|(ns, pods)| (ns, pods.len()))
            .collect(),
        crds: inv.crds.len(),
        istio_objects: inv.object_counts(),
        leftovers: inv.leftovers(false),
    }
}

async fn run_istioctl(
    istioctl: &Istioctl,
    target: &Target,
    runs: &[Vec<OsString>],
    args: &UninstallArgs,
    settings: &Settings,
    report: &mut Report,
) -> Result<()> {
    let kubeconfig = target.kubeconfig_for_istioctl()?;
    for run in runs {
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                "interrupted before istioctl uninstall; re-run the same command to finish",
            ));
        }
        let mut argv = run.clone();
        argv.extend(kubeconfig.args());
        let log = istioctl_run::log_path("uninstall")?;
        report.istioctl_logs.push(log.clone());
        let mut display = Display::new(&[]);
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
        let outcome = outcome?;
        report
            .removed
            .istioctl
            .extend(outcome.events.iter().filter_map(|e| match e {
                Event::Removed(what) => Some(what.clone()),
                _ => None,
            }));
        if !outcome.success() {
            let words: Vec<String> = run.iter().map(|a| a.to_string_lossy().into_owned()).collect();
            let mut err = Error::new(
                Kind::Istioctl,
                format!("istioctl {} failed (exit {})", words.join(" "), outcome.code),
            )
            .with_hint(format!(
                "istioctl's output is in {}; fix the cause and re-run the same command to finish",
                log.display()
            ));
            if let Some(line) = outcome.error_lines().first() {
                err = err.with_source(Error::failed(line.clone()));
            }
            return Err(err);
        }
    }
    Ok(())
}

async fn remove_labels(client: &kube::Client, plan: &Plan) -> Result<Vec<String>> {
    if plan.purge_labels {
        return inject::strip_all(client, &plan.label_namespaces).await;
    }
    let outcomes = inject::disable(client, &plan.label_namespaces, DisableMode::default()).await?;
    Ok(outcomes
        .iter()
        .filter(|o| o.change == inject::Removal::Removed)
        .map(|o| format!("{}: {}", o.namespace, o.labels.join(", ")))
        .collect())
}

/// Prints the report even when the command fails, so `-o json` always yields one document.
fn finish(format: OutputFormat, report: &Report, result: Result<()>) -> Result<()> {
    if format != OutputFormat::Table {
        output::emit(format, report, String::new)?;
    }
    result
}

fn kinds_text(kinds: &[KindCount]) -> String {
    if kinds.is_empty() {
        return "no Istio objects".into();
    }
    kinds
        .iter()
        .map(|k| format!("{} {}", k.count, k.kind))
        .collect::<Vec<_>>()
        .join(", ")
}

fn found_text(f: &Found) -> String {
    let mut out = String::from("Found:\n");
    if f.control_planes.is_empty() {
        out.push_str("  no Istio control plane\n");
    }
    for cp in &f.control_planes {
        out.push_str(&format!(
            "  Istio {} revision {} ({}/{})\n",
            cp.version.as_deref().unwrap_or("?"),
            cp.revision,
            cp.namespace,
            cp.name
        ));
    }
    if !f.components.is_empty() {
        out.push_str(&format!("  components: {}\n", f.components.join(", ")));
    }
    if !f.injected_namespaces.is_empty() {
        let list: Vec<String> = f
            .injected_namespaces
            .iter()
            .map(|(ns, l)| format!("{ns} ({l})"))
            .collect();
        out.push_str(&format!("  injected namespaces: {}\n", list.join(", ")));
    }
    if !f.sidecar_pods.is_empty() {
        let list: Vec<String> = f.sidecar_pods.iter().map(|(ns, n)| format!("{ns} {n}")).collect();
        out.push_str(&format!("  pods with sidecars: {}\n", list.join(", ")));
    }
    out.push_str(&format!(
        "  {} Istio CRDs; user objects: {}\n",
        f.crds,
        kinds_text(&f.istio_objects)
    ));
    if !f.leftovers.is_empty() {
        out.push_str(&format!(
            "  left from an earlier uninstall: {}\n",
            f.leftovers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

fn nothing_text(report: &Report) -> String {
    let mut out = format!(
        "✔ nothing to remove: Istio is not installed on {}",
        report.target.context
    );
    if report.kept.crds > 0 {
        out.push_str(&format!(
            " (kept: {} CRDs, {}; --purge removes them)",
            report.kept.crds,
            kinds_text(&report.kept.istio_objects)
        ));
    }
    out.push('\n');
    out
}

fn removed_text(report: &Report) -> String {
    let r = &report.removed;
    let mut out = format!("✔ Istio removed from {}\n", report.target.context);
    if !r.istioctl.is_empty() {
        out.push_str(&format!(
            "  istioctl removed {}\n",
            plural(r.istioctl.len(), "object")
        ));
    }
    for l in &r.leftovers {
        out.push_str(&format!("  deleted leftover {l}\n"));
    }
    for l in &r.labels {
        out.push_str(&format!("  removed label {l}\n"));
    }
    for ns in &r.namespaces {
        out.push_str(&format!("  deleted namespace {ns}\n"));
    }
    if let Some(b) = &report.backup {
        out.push_str(&format!(
            "  backup: {} in {} (restore after reinstalling Istio: kubectl apply -f {})\n",
            plural(b.objects, "object"),
            b.dir.display(),
            b.dir.display()
        ));
    }
    let k = &report.kept;
    if report.mode == "keep-crds" {
        out.push_str(&format!(
            "  kept: {} CRDs, {} (--purge removes them)\n",
            k.crds,
            kinds_text(&k.istio_objects)
        ));
    }
    for l in &k.labels {
        out.push_str(&format!("  kept label {l}\n"));
    }
    for ns in &k.namespaces {
        out.push_str(&format!(
            "  kept namespace {ns} (--delete-namespace deletes it)\n"
        ));
    }
    out
}

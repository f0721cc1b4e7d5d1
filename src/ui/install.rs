//! What `install` reports: the plan before any change, and the outcome after, as one data
//! structure (the `-o json` document) with its text forms.
use std::path::PathBuf;

use serde::Serialize;

use super::confirm;
use super::output::note;
use crate::act::inject::{Change, Outcome};
use crate::act::restart::{self, Workload};
use crate::cli::{InstallArgs, Settings};
use crate::error::Result;
use crate::facts::target::TargetSummary;
use crate::judge::Check;
use crate::judge::preflight::Preflight;
use crate::spec::ComponentKind;
use crate::target;
use crate::util::text::plural;

#[derive(Debug, Serialize)]
pub struct PlannedComponent {
    pub name: String,
    pub kind: ComponentKind,
    pub namespace: String,
    pub replicas: u64,
    pub requests: String,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub target: TargetSummary,
    /// `install`, `upgrade` or `reinstall` (the same version again).
    pub action: &'static str,
    pub istio_version: Option<String>,
    pub previous_version: Option<String>,
    pub revision: String,
    /// `dry-run`, `installed`, `checks-failed`, `not-confirmed`, `istioctl-failed`, `not-verified`,
    /// `interrupted`, `namespace-terminating` (the Istio namespace was still being deleted),
    /// `addons-failed` (Istio is in and labelled; an addon did not become Available).
    /// `installed` with a failed exit: Istio is in, labelling or restarting failed.
    pub result: &'static str,
    pub checks: Vec<Check>,
    pub components: Vec<PlannedComponent>,
    pub inject: Vec<String>,
    pub namespaces: Vec<Outcome>,
    pub restart_pending: Vec<Workload>,
    pub restarted: Vec<String>,
    pub unmanaged_pods: Vec<String>,
    pub problems: Vec<String>,
    pub istioctl_log: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<serde_json::Value>,
    /// The addons applied after Istio (`--addons`), why each is there, and what Kiali reads.
    pub addons: crate::judge::addons::Plan,
    /// With `--mtls strict`: the mesh-wide PeerAuthentication changes made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtls: Option<Vec<crate::judge::mtls::Change>>,
}

impl Report {
    pub fn new(
        pf: &Preflight,
        target: TargetSummary,
        pending: Vec<Workload>,
        unmanaged: Vec<String>,
    ) -> Report {
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
            mtls: None,
            addons: Default::default(),
            problems: Vec::new(),
            istioctl_log: None,
            spec: None,
        }
    }
}

pub fn show_problems(problems: &[String]) {
    if !problems.is_empty() {
        let mut text = String::from("What went wrong:\n");
        for p in problems {
            text.push_str(&format!("  {p}\n"));
        }
        note(&text);
    }
}

/// `1.28.0`, or `1.27.2 → 1.28.0` for an upgrade.
pub fn versions(report: &Report) -> String {
    let version = report.istio_version.as_deref().unwrap_or("?");
    match (report.action, &report.previous_version) {
        ("upgrade", Some(previous)) => format!("{previous} → {version}"),
        _ => version.to_string(),
    }
}

pub fn plan_text(report: &Report) -> String {
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
    addon_rows(&report.addons, &mut out);
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
    addons_plan(&report.addons, &mut out);
    if report.mtls.is_some() {
        out.push_str("  then: mutual TLS STRICT mesh-wide, if nobody would be cut off (as istioup mtls strict --mesh)\n");
    }
    out.push('\n');
    out
}

pub fn summary_text(report: &Report) -> String {
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
            Change::Labelled => "labelled",
            Change::Unchanged => "already labelled",
            Change::Conflict => "left alone",
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
    if !report.addons.applied.is_empty() {
        let names: Vec<&str> = report.addons.manifests.iter().map(|(n, _)| n.as_str()).collect();
        out.push_str(&format!(
            "  addons: {} available ({} objects applied)\n",
            names.join(", "),
            report.addons.applied.len()
        ));
    }
    if let Some(url) = report
        .addons
        .kiali_prometheus
        .as_ref()
        .filter(|_| !report.addons.applied.is_empty())
    {
        out.push_str(&format!("  Kiali reads metrics from {url}\n"));
    }
    if let Some(skipped) = &report.addons.skipped {
        out.push_str(&format!("  {skipped}\n"));
    }
    for c in report.mtls.iter().flatten() {
        out.push_str(&format!(
            "  mutual TLS STRICT mesh-wide: PeerAuthentication {}/{} {}\n",
            c.namespace, c.name, c.action
        ));
    }
    out
}

/// An interactive user who named no context, and has several, picks one (the current one
/// preselected) before anything is read from a cluster.
pub fn pick_context(settings: &Settings) -> Result<Settings> {
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
pub fn pick_namespaces(args: &InstallArgs, settings: &Settings, pf: &mut Preflight) -> Result<()> {
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
            let enabled = ns.labels.get(crate::istio::INJECTION_LABEL).map(String::as_str) == Some("enabled");
            (format!("{} ({})", ns.name, plural(ns.pod_count, "pod")), enabled)
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

/// Each addon Deployment, in the plan's table of components.
fn addon_rows(plan: &crate::judge::addons::Plan, out: &mut String) {
    for p in &plan.pods {
        out.push_str(&format!(
            "  {:<28} {:<8} {:<14} {} × {}\n",
            p.deployment, "addon", p.namespace, p.replicas, p.requests
        ));
    }
}

/// The addons' lines of the plan after the components: which, from where, and why.
fn addons_plan(plan: &crate::judge::addons::Plan, out: &mut String) {
    if !plan.addons.is_empty() {
        let names: Vec<&str> = plan.addons.iter().map(|a| a.name()).collect();
        let from = plan
            .dir
            .as_ref()
            .map(|d| format!(" (from {})", d.display()))
            .unwrap_or_default();
        out.push_str(&format!("  then addons: {}{from}\n", names.join(", ")));
    }
    for note in &plan.notes {
        out.push_str(&format!("    {note}\n"));
    }
    if let Some(url) = &plan.kiali_prometheus {
        out.push_str(&format!("    Kiali reads metrics from {url}\n"));
    }
    if let Some(note) = &plan.monitoring_note {
        out.push_str(&format!("    monitoring: {note}\n"));
    }
    if let Some(skipped) = &plan.skipped {
        out.push_str(&format!("  addons: {skipped}\n"));
    }
}

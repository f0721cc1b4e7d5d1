//! What `uninstall` reports: what was found, the plan, what was removed and what was kept, as
//! one data structure (the `-o json` document) with its text forms.
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::act::uninstall::{Kept, Plan};
use crate::cli::UninstallArgs;
use crate::facts::mesh::{self, Inventory, KindCount, ObjectRef};
use crate::facts::target::TargetSummary;
use crate::istio::{INJECTION_LABEL, REVISION_LABEL};
use crate::util::text::plural;

#[derive(Debug, Serialize)]
pub struct Report {
    pub target: TargetSummary,
    /// `removed`, `nothing-to-remove`, `refused`, `dry-run`, `istioctl-failed`.
    pub result: &'static str,
    /// `keep-crds` (default) or `purge`.
    pub mode: &'static str,
    pub found: Found,
    pub backup: Option<Backup>,
    pub removed: Removed,
    pub kept: Kept,
    pub istioctl_logs: Vec<PathBuf>,
}

/// What was on the cluster before anything changed.
#[derive(Debug, Serialize)]
pub struct Found {
    pub control_planes: Vec<ControlPlane>,
    pub components: Vec<String>,
    /// Namespaces labelled for injection, with their label.
    pub injected_namespaces: BTreeMap<String, String>,
    /// Pods carrying a sidecar, per namespace.
    pub sidecar_pods: BTreeMap<String, usize>,
    pub crds: usize,
    pub istio_objects: Vec<KindCount>,
    pub leftovers: Vec<ObjectRef>,
}

#[derive(Debug, Serialize)]
pub struct ControlPlane {
    pub namespace: String,
    pub name: String,
    pub revision: String,
    pub version: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Backup {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub objects: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct Removed {
    /// What istioctl reported removing.
    pub istioctl: Vec<ObjectRef>,
    /// What istioup removed with istioctl's selectors, for a revision istioctl would refuse.
    pub pruned: Vec<ObjectRef>,
    pub leftovers: Vec<ObjectRef>,
    /// `shop: istio-injection=enabled`
    pub labels: Vec<String>,
    /// PeerAuthentications istioup made (`istioup mtls`), as `namespace/name`.
    pub peer_authentications: Vec<String>,
    /// Objects of the addons istioup installed (`istioup addons enable`).
    pub addons: Vec<String>,
    pub namespaces: Vec<String>,
}

/// The plan as the person reads it before confirming.
pub fn plan_text(plan: &Plan, args: &UninstallArgs) -> String {
    let this = plan;
    let mut out = String::from("\nPlan:\n");
    for run in &this.istioctl_runs {
        let words: Vec<String> = run.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        out.push_str(&format!("  istioctl {}\n", words.join(" ")));
    }
    for (revision, namespace) in &this.prunes {
        out.push_str(&format!(
            "  remove revision {revision} ({namespace}) with istioctl's selectors: no webhook of it is left, so istioctl uninstall -r refuses it\n"
        ));
    }
    if let Some(dir) = &args.backup {
        out.push_str(&format!(
            "  back up every Istio object to {} first\n",
            dir.display()
        ));
    }
    if !this.label_namespaces.is_empty() {
        out.push_str(&format!(
            "  remove the injection labels {} from: {}\n",
            if this.purge_labels { "(all)" } else { "istioup set" },
            this.label_namespaces.join(", ")
        ));
    }
    if !this.peer_authentications.is_empty() {
        out.push_str(&format!(
            "  delete the PeerAuthentications `istioup mtls` made: {}\n",
            this.peer_authentications.join(", ")
        ));
    }
    if !this.addons.is_empty() {
        out.push_str(&format!(
            "  delete the addons istioup installed: {} (--keep-addons keeps them)\n",
            this.addons.join(", ")
        ));
    }
    if !this.leftovers.is_empty() {
        out.push_str(&format!(
            "  delete {}\n",
            plural(this.leftovers.len(), "leftover")
        ));
    }
    for ns in &this.istio_namespaces {
        out.push_str(&format!("  delete namespace {ns}\n"));
    }
    if args.purge {
        out.push_str("  ✘ the Istio CRDs and every Istio object go with them, and istiod's CA secret\n");
    } else {
        out.push_str(&format!(
            "  keep: {} CRDs, {} (--purge removes them)\n",
            this.kept.crds,
            kinds_text(&this.kept.istio_objects)
        ));
    }
    out.push('\n');
    out
}

/// What was on the cluster before anything changed, as the report shows it.
pub fn found(inv: &Inventory) -> Found {
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

pub fn kinds_text(kinds: &[KindCount]) -> String {
    if kinds.is_empty() {
        return "no Istio objects".into();
    }
    kinds
        .iter()
        .map(|k| format!("{} {}", k.count, k.kind))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn found_text(f: &Found) -> String {
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

pub fn nothing_text(report: &Report) -> String {
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

pub fn removed_text(report: &Report) -> String {
    let r = &report.removed;
    let mut out = format!("✔ Istio removed from {}\n", report.target.context);
    if !r.istioctl.is_empty() {
        out.push_str(&format!(
            "  istioctl removed {}\n",
            plural(r.istioctl.len(), "object")
        ));
    }
    if !r.pruned.is_empty() {
        out.push_str(&format!(
            "  istioup removed {} with istioctl's selectors\n",
            plural(r.pruned.len(), "object")
        ));
    }
    for l in &r.leftovers {
        out.push_str(&format!("  deleted leftover {l}\n"));
    }
    for l in &r.labels {
        out.push_str(&format!("  removed label {l}\n"));
    }
    for p in &r.peer_authentications {
        out.push_str(&format!("  deleted istioup's PeerAuthentication {p}\n"));
    }
    if !r.addons.is_empty() {
        out.push_str(&format!(
            "  deleted {} objects of istioup's addons\n",
            r.addons.len()
        ));
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

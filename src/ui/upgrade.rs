//! What the upgrade commands report: the revisions overview (also the upgrade section of
//! `status`), and the reports of migrate, finish and rollback with their text forms.
use serde::Serialize;

use crate::act::migrate::Relabelled;
use crate::act::restart::Workload;
use crate::facts::mesh::ObjectRef;
use crate::facts::target::TargetSummary;
use crate::judge::upgrade::Overview;
use crate::util::text::plural;

/// `istioup upgrade status -o json`.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub target: TargetSummary,
    #[serde(flatten)]
    pub overview: Overview,
}

/// The revisions table, the jump, what is left and the next command.
pub fn overview_text(o: &Overview) -> String {
    let mut out = String::new();
    if o.revisions.is_empty() {
        out.push_str("No Istio control plane runs on this cluster.\n");
    } else {
        out.push_str("Revisions:\n");
        out.push_str(&format!(
            "  {:<16} {:<10} {:<8} {:<14} {:<24} {}\n",
            "REVISION", "VERSION", "READY", "TAGS", "NAMESPACES", "PODS BY PROXY VERSION"
        ));
    }
    for r in &o.revisions {
        let pods: Vec<String> = r.pods.iter().map(|(v, n)| format!("{v}: {n}")).collect();
        out.push_str(&format!(
            "  {:<16} {:<10} {:<8} {:<14} {:<24} {}\n",
            r.name,
            r.version.as_deref().unwrap_or("unknown"),
            format!("{}/{}{}", r.ready, r.desired, if r.healthy { "" } else { " !" }),
            dash(&r.tags.join(",")),
            dash(&r.namespaces.join(",")),
            dash(&pods.join(", "))
        ));
    }
    if let Some(v) = &o.target_version {
        out.push_str(&format!("Target version (istioctl): {v}\n"));
    }
    if let Some(j) = &o.jump {
        let mark = if j.supported { "✔" } else { "✘" };
        out.push_str(&format!("{mark} {}\n", j.message));
    }
    let u = &o.upgrade;
    if let (Some(from), Some(to)) = (&u.from, &u.to) {
        out.push_str(&format!("Upgrade in progress: {from} → {to} ({:?})\n", u.stage));
        if !u.to_migrate.is_empty() {
            out.push_str(&format!("  left to migrate: {}\n", u.to_migrate.join(", ")));
        }
        if !u.old_pods.is_empty() {
            out.push_str(&format!(
                "  {} on revision {from}: {}\n",
                plural(u.old_pods.len(), "pod"),
                u.old_pods.join(", ")
            ));
        }
    }
    out.push_str(&format!("Next: {}\n", u.next));
    out
}

fn dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

/// `istioup upgrade migrate|rollback -o json`.
#[derive(Debug, Serialize)]
pub struct MoveReport {
    pub target: TargetSummary,
    /// `dry-run`, `migrated`, `relabelled` (without --restart), `rolled-back`, `failed`,
    /// `refused`, `not-confirmed`, `interrupted`.
    pub result: &'static str,
    pub from: String,
    pub to: String,
    /// The label value the namespaces get: the new revision, or the tag.
    pub label: String,
    pub namespaces: Vec<Relabelled>,
    pub restart_pending: Vec<Workload>,
    pub restarted: Vec<String>,
    pub unmanaged_pods: Vec<String>,
    /// What a rollback removed (the new revision's objects, by istioctl and by istioup).
    pub removed: Vec<ObjectRef>,
    pub next: String,
}

impl MoveReport {
    pub fn new(summary: TargetSummary, from: &str, to: &str, label: &str) -> MoveReport {
        MoveReport {
            target: summary,
            result: "",
            from: from.into(),
            to: to.into(),
            label: label.into(),
            namespaces: Vec::new(),
            restart_pending: Vec::new(),
            restarted: Vec::new(),
            unmanaged_pods: Vec::new(),
            removed: Vec::new(),
            next: String::new(),
        }
    }
}

pub fn move_plan_text(r: &MoveReport, names: &[String], restart: bool) -> String {
    let mut out = format!("Plan: {} → {}\n", r.from, r.to);
    out.push_str(&format!(
        "  relabel {} to istio.io/rev={}: {}\n",
        plural(names.len(), "namespace"),
        r.label,
        names.join(", ")
    ));
    if r.restart_pending.is_empty() {
        out.push_str("  no workload needs a restart\n");
    } else {
        let ids: Vec<String> = r.restart_pending.iter().map(Workload::id).collect();
        out.push_str(&format!(
            "  {} {} {}\n",
            if restart {
                "restart"
            } else {
                "then restart (--restart)"
            },
            plural(ids.len(), "workload"),
            ids.join(", ")
        ));
    }
    for pod in &r.unmanaged_pods {
        out.push_str(&format!(
            "  {pod}: no controller recreates it; delete it yourself to move it\n"
        ));
    }
    out
}

pub fn move_summary_text(r: &MoveReport) -> String {
    let mut out = String::new();
    for n in &r.namespaces {
        out.push_str(&format!(
            "namespace {}: {} → {} ({})\n",
            n.namespace, n.from, n.to, n.change
        ));
    }
    for w in &r.restarted {
        out.push_str(&format!("restarted {w}\n"));
    }
    for w in &r.restart_pending {
        out.push_str(&format!("needs a restart: {}\n", w.id()));
    }
    for o in &r.removed {
        out.push_str(&format!("removed {o}\n"));
    }
    out.push_str(&format!("Next: {}\n", r.next));
    out
}

/// `istioup upgrade finish -o json`.
#[derive(Debug, Serialize)]
pub struct FinishReport {
    pub target: TargetSummary,
    /// `dry-run`, `finished`, `refused`, `not-confirmed`, `istioctl-failed`, `interrupted`.
    pub result: &'static str,
    pub removed_revision: String,
    pub default_revision: String,
    /// Pods that still ran the old revision's proxy.
    pub old_pods: Vec<String>,
    pub removed: Vec<ObjectRef>,
    pub kept_crds: usize,
    pub istioctl_logs: Vec<std::path::PathBuf>,
    pub next: String,
}

pub fn finish_text(r: &FinishReport) -> String {
    let mut out = String::new();
    for o in &r.removed {
        out.push_str(&format!("removed {o}\n"));
    }
    out.push_str(&format!(
        "✔ revision {} removed; revision {} serves the mesh; kept {} and every Istio object\n",
        r.removed_revision,
        r.default_revision,
        plural(r.kept_crds, "CRD")
    ));
    out.push_str(&format!("Next: {}\n", r.next));
    out
}

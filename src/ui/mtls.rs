//! `istioup mtls` as a person reads it: the modes per namespace, the blast radius of a change,
//! the plan and what was done. The same data goes out as JSON with `-o json`.
use serde::Serialize;

use crate::facts::mtls::{ClientTls, PeerAuthn};
use crate::facts::target::TargetSummary;
use crate::judge::mtls::{BlastRadius, Change, Merged, Mode, NamespaceStatus};
use crate::util::text::plural;

#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub target: TargetSummary,
    pub root_namespace: String,
    pub mesh: Merged,
    pub namespaces: Vec<NamespaceStatus>,
    pub peer_authentications: Vec<PeerAuthn>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ChangeReport {
    pub target: TargetSummary,
    /// `strict` or `permissive`.
    pub action: &'static str,
    pub mesh: bool,
    pub root_namespace: String,
    pub current: Vec<NamespaceStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blast_radius: Option<BlastRadius>,
    pub plan: Vec<Change>,
    /// The changes made (all of the plan once it succeeded).
    pub done: Vec<Change>,
    /// `dry-run`, `applied`, `unchanged`, `refused`, `not-confirmed`, `interrupted`, `failed`.
    pub result: &'static str,
    pub warnings: Vec<String>,
}

impl ChangeReport {
    /// A report of a change not yet made (`result` says `refused` until it goes on).
    pub fn new(
        target: TargetSummary,
        mode: Mode,
        mesh: bool,
        root_namespace: &str,
        current: Vec<NamespaceStatus>,
        plan: Vec<Change>,
    ) -> Self {
        ChangeReport {
            target,
            action: if mode == Mode::Strict {
                "strict"
            } else {
                "permissive"
            },
            mesh,
            root_namespace: root_namespace.to_string(),
            current,
            blast_radius: None,
            plan,
            done: Vec::new(),
            result: "refused",
            warnings: Vec::new(),
        }
    }
}

fn from(merged: &Merged) -> String {
    match &merged.decided_by {
        Some(p) => p.clone(),
        None => "Istio's default".into(),
    }
}

fn ports(merged: &Merged) -> String {
    merged
        .ports
        .iter()
        .map(|(p, m)| format!(", port {p} {}", m.as_str()))
        .collect()
}

fn dr_line(dr: &ClientTls) -> String {
    let port = dr.port.map(|p| format!(" port {p}")).unwrap_or_default();
    format!(
        "DestinationRule {}/{}: tls {} toward {}{port}",
        dr.namespace, dr.name, dr.mode, dr.host
    )
}

/// The modes per namespace, with the workloads a selector policy sets apart.
pub fn modes_text(mesh: &Merged, root: &str, namespaces: &[NamespaceStatus]) -> String {
    let mut out = format!(
        "Mesh-wide: {} (from {}; root namespace {root})\n",
        mesh.mode.as_str(),
        from(mesh)
    );
    let width = namespaces
        .iter()
        .map(|n| n.namespace.len())
        .max()
        .unwrap_or(9)
        .max(9);
    out.push_str(&format!(
        "{:width$}  {:10}  {:28}  PODS WITH SIDECAR\n",
        "NAMESPACE", "MODE", "FROM"
    ));
    for ns in namespaces {
        out.push_str(&format!(
            "{:width$}  {:10}  {:28}  {}/{}\n",
            ns.namespace,
            ns.merged.mode.as_str(),
            from(&ns.merged),
            ns.sidecar_pods,
            ns.pods,
        ));
        for w in ns.workloads.iter().filter(|w| w.workload_policy) {
            out.push_str(&format!(
                "  {}: {}{} (from {})\n",
                w.workload,
                w.merged.mode.as_str(),
                ports(&w.merged),
                from(&w.merged)
            ));
        }
        for dr in &ns.destination_rules {
            out.push_str(&format!("  ‼ {}\n", dr_line(dr)));
        }
    }
    out
}

pub fn status_text(report: &StatusReport) -> String {
    let mut out = modes_text(&report.mesh, &report.root_namespace, &report.namespaces);
    for w in &report.warnings {
        out.push_str(&format!("‼ {w}\n"));
    }
    out
}

/// The blast radius of going STRICT, before anything changes.
pub fn blast_text(blast: &BlastRadius) -> String {
    let mut out = String::new();
    if blast.servers.is_empty() {
        out.push_str("Blast radius: no server would start rejecting plaintext\n");
        return out;
    }
    out.push_str("Blast radius: these servers would start rejecting plaintext:\n");
    for s in &blast.servers {
        let ports: Vec<String> = s.ports.iter().map(u32::to_string).collect();
        out.push_str(&format!(
            "  {}/{} ({}; service {}; port {})\n",
            s.namespace,
            s.workload,
            plural(s.pods, "pod"),
            s.services.join(", "),
            ports.join(", ")
        ));
    }
    match (blast.evidence, &blast.prometheus) {
        ("prometheus", Some(prom)) if blast.clients.is_empty() => out.push_str(&format!(
            "No plaintext traffic toward them in the last {} (Prometheus {prom})\n",
            blast.window.as_deref().unwrap_or("window")
        )),
        ("prometheus", Some(prom)) => {
            out.push_str(&format!(
                "Plaintext callers in the last {} (Prometheus {prom}) would be rejected:\n",
                blast.window.as_deref().unwrap_or("window")
            ));
            for c in &blast.clients {
                let who = if c.workload == "unknown" {
                    "callers without a sidecar (Istio cannot name them)".to_string()
                } else {
                    format!("{}/{}", c.namespace, c.workload)
                };
                out.push_str(&format!(
                    "  {who}: {:.2}/s to {}\n",
                    c.rate.unwrap_or(0.0),
                    c.calls.join(", ")
                ));
            }
        }
        _ if blast.clients.is_empty() => out.push_str("No pod without a sidecar could call them\n"),
        _ => {
            out.push_str("Pods without a sidecar that could call them would be rejected:\n");
            let mut last = "";
            for c in &blast.clients {
                if c.namespace != last {
                    out.push_str(&format!("  namespace {}:\n", c.namespace));
                    last = &c.namespace;
                }
                out.push_str(&format!("    {} ({})\n", c.workload, plural(c.pods, "pod")));
            }
        }
    }
    for dr in &blast.destination_rules {
        out.push_str(&format!("  ‼ {} (its clients would be rejected)\n", dr_line(dr)));
    }
    out
}

/// The plan: one line per namespace.
pub fn plan_text(plan: &[Change], dry_run: bool) -> String {
    let mut out = String::from(if dry_run {
        "Plan (dry run: nothing will be changed):\n"
    } else {
        "Plan:\n"
    });
    for c in plan {
        let mode = c.mode.map(Mode::as_str).unwrap_or_default();
        let line = match c.action {
            "create" => format!("create PeerAuthentication {}/{} {mode}", c.namespace, c.name),
            "update" => format!("set PeerAuthentication {}/{} to {mode}", c.namespace, c.name),
            "unchanged" => format!("PeerAuthentication {}/{} is already {mode}", c.namespace, c.name),
            "delete" => format!("delete PeerAuthentication {}/{}", c.namespace, c.name),
            "left-alone" => format!("leave namespace {} alone", c.namespace),
            _ => format!("nothing to do in namespace {}", c.namespace),
        };
        out.push_str(&format!("  {line}"));
        if let Some(note) = &c.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    out
}

/// The end of a change: what was done.
pub fn done_text(report: &ChangeReport) -> String {
    let mut out = String::new();
    if report.result == "dry-run" {
        out.push_str("# dry run: nothing was changed\n");
    }
    for c in &report.done {
        let verb = match c.action {
            "create" => "created",
            "update" => "updated",
            _ => "deleted",
        };
        let mode = c.mode.map(|m| format!(" ({})", m.as_str())).unwrap_or_default();
        out.push_str(&format!(
            "✔ {verb} PeerAuthentication {}/{}{mode}\n",
            c.namespace, c.name
        ));
    }
    if report.result == "unchanged" {
        out.push_str("✔ nothing to change\n");
    }
    out
}

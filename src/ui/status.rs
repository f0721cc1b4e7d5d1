//! The screen `istioup status` prints: the mesh state, components, namespaces, Istio objects,
//! leftovers, problems and warnings.
use crate::judge::status::{Injection, NamespaceStatus, State, Status};

/// The screen `istioup status` prints.
pub fn render(s: &Status) -> String {
    let mut out = String::new();
    let state = match s.state {
        State::Healthy => "✔ healthy",
        State::Degraded => "✘ degraded",
        State::Absent => "- Istio is not installed",
    };
    out.push_str(&format!("Mesh: {state}\n"));
    if let Some(m) = s.mtls.as_ref().filter(|_| s.state != State::Absent) {
        let from = m.decided_by.as_deref().unwrap_or("Istio's default");
        out.push_str(&format!(
            "mTLS: mesh-wide {} (from {from}; istioup mtls for more)\n",
            m.mode.as_str()
        ));
    }
    match &s.istioctl {
        Some(i) => out.push_str(&format!("istioctl: {} ({})\n", i.version, i.path)),
        None => out.push_str("istioctl: not found\n"),
    }
    if !s.helm_releases.is_empty() {
        out.push_str(&format!(
            "installed with Helm: releases {} (upgrade and remove it with helm)\n",
            s.helm_releases.join(", ")
        ));
    }
    out.push_str(&components_text(s));
    out.push_str(&namespaces_text(s));
    out.push_str(&addons_text(s));
    if let Some(u) = &s.upgrade {
        out.push_str("\nUpgrade:\n");
        out.push_str(&crate::ui::upgrade::overview_text(u));
    }
    if !s.istio_objects.is_empty() || s.crds > 0 {
        let objects: Vec<String> = s
            .istio_objects
            .iter()
            .map(|k| format!("{} {}", k.count, k.kind))
            .collect();
        out.push_str(&format!(
            "\nIstio CRDs: {}; objects: {}\n",
            s.crds,
            if objects.is_empty() {
                "none".to_string()
            } else {
                objects.join(", ")
            }
        ));
    }
    if !s.leftovers.is_empty() {
        out.push_str("\nLeft from an earlier uninstall:\n");
        for l in &s.leftovers {
            out.push_str(&format!("  {l}\n"));
        }
    }
    for p in &s.problems {
        out.push_str(&format!("✘ {p}\n"));
    }
    for w in &s.warnings {
        out.push_str(&format!("‼ {w}\n"));
    }
    out
}

fn components_text(s: &Status) -> String {
    let mut out = String::new();
    if !s.control_planes.is_empty() || !s.components.is_empty() {
        out.push_str("\nComponents:\n");
        out.push_str(&format!(
            "  {:<34} {:<16} {:<10} {:<10} {}\n",
            "NAME", "COMPONENT", "REVISION", "VERSION", "READY"
        ));
        for c in s.control_planes.iter().chain(&s.components) {
            out.push_str(&format!(
                "  {:<34} {:<16} {:<10} {:<10} {}/{}{}\n",
                format!("{}/{}", c.namespace, c.name),
                c.component,
                c.revision,
                c.version.as_deref().unwrap_or("?"),
                c.ready,
                c.desired,
                if c.healthy() { "" } else { "  ✘" }
            ));
        }
        out.push_str(&format!(
            "  injector webhooks: {}\n",
            if s.injector_webhooks.is_empty() {
                "none".to_string()
            } else {
                s.injector_webhooks.join(", ")
            }
        ));
        if s.enabled_by_default {
            out.push_str("  every namespace not labelled istio-injection=disabled is injected (enableNamespacesByDefault)\n");
        }
    }
    out
}

fn namespaces_text(s: &Status) -> String {
    let mut out = String::new();
    let shown: Vec<&NamespaceStatus> = s.namespaces.iter().filter(|n| n.interesting()).collect();
    if !shown.is_empty() {
        out.push_str("\nNamespaces:\n");
        out.push_str(&format!(
            "  {:<24} {:<22} {:>5} {:>8} {:>14} {:>9}\n",
            "NAME", "INJECTION", "PODS", "SIDECAR", "NEED RESTART", "OUTDATED"
        ));
        for n in &shown {
            let injection = match (&n.injection, &n.revision) {
                (Injection::Revision, Some(rev)) => format!("revision {rev}"),
                (i, _) => i.as_str().to_string(),
            };
            let injection = if n.labelled_by_istioup {
                format!("{injection} (istioup)")
            } else {
                injection
            };
            out.push_str(&format!(
                "  {:<24} {:<22} {:>5} {:>8} {:>14} {:>9}\n",
                n.name,
                injection,
                n.pods,
                n.with_sidecar,
                n.missing_sidecar.len() + n.unwanted_sidecar.len(),
                n.outdated_sidecar.len()
            ));
        }
    }
    let hidden = s.namespaces.len() - shown.len();
    if hidden > 0 {
        out.push_str(&format!(
            "  ({hidden} other namespaces: no injection, no sidecars)\n"
        ));
    }
    out
}

fn addons_text(s: &Status) -> String {
    let mut out = String::new();
    if s.addons.is_empty() {
        return out;
    }
    out.push_str("\nAddons (istioup addons):\n");
    out.push_str(&format!(
        "  {:<34} {:<11} {:<7} {}\n",
        "NAME", "ADDON", "READY", "REACH"
    ));
    for a in &s.addons {
        out.push_str(&format!(
            "  {:<34} {:<11} {:<7} {}\n",
            format!("{}/{}", a.namespace, a.deployment),
            a.addon,
            format!("{}/{}", a.ready, a.desired),
            a.reach.as_deref().unwrap_or("-")
        ));
    }
    out
}

//! Where the mesh stands, as plain data judged from an [`Inventory`]: who runs, who is injected,
//! who needs a restart, and what an earlier uninstall left. Pure: tested without a cluster.
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Namespace;
use kube::ResourceExt;
use serde::Serialize;

use crate::facts::mesh::{Component, Inventory, KindCount, ObjectRef};
use crate::facts::pods::PodInfo;
use crate::facts::target::TargetSummary;
use crate::istio::injection::NEVER_INJECTED;
use crate::istio::versions::Version;
use crate::istio::{INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL};

/// The JSON document of `istioup status`.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub target: TargetSummary,
    /// `healthy`, `degraded` or `absent` (no control plane).
    pub state: State,
    pub istioctl: Option<IstioctlInfo>,
    /// `istioctl`, or `helm` when Helm releases manage the control plane.
    pub installed_by: &'static str,
    /// Those Helm releases, `namespace/name`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub helm_releases: Vec<String>,
    pub control_planes: Vec<Component>,
    /// Gateways and node agents (istiod is in `control_planes`).
    pub components: Vec<Component>,
    pub injector_webhooks: Vec<String>,
    /// `sidecarInjectorWebhook.enableNamespacesByDefault`.
    pub enabled_by_default: bool,
    pub namespaces: Vec<NamespaceStatus>,
    pub crds: usize,
    pub istio_objects: Vec<KindCount>,
    pub leftovers: Vec<ObjectRef>,
    /// What makes the mesh degraded.
    pub problems: Vec<String>,
    /// Worth knowing, but the mesh works: restarts pending, old sidecars, leftovers.
    pub warnings: Vec<String>,
    /// The mesh-wide mutual TLS mode (`istioup mtls` says more); none without Istio's CRDs.
    pub mtls: Option<crate::judge::mtls::Merged>,
    /// The addons istioup installed, with ready/desired pods and how to reach each.
    pub addons: Vec<AddonStatus>,
    /// While more than one revision runs or `istioup upgrade` left its record: what
    /// `istioup upgrade status` shows (revisions, tags, what is left, the next command).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<crate::judge::upgrade::Overview>,
}

/// The upgrade section, when an upgrade is under way: a record of `istioup upgrade`, or
/// several control plane revisions side by side.
pub fn upgrade(status: &mut Status, revs: &crate::facts::revisions::Revisions, istioctl: Option<&str>) {
    if revs.record.is_none() && revs.revisions.len() < 2 {
        return;
    }
    let version = istioctl.and_then(crate::istio::versions::Version::parse);
    status.upgrade = Some(crate::judge::upgrade::overview(revs, version));
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddonStatus {
    pub addon: String,
    pub namespace: String,
    pub deployment: String,
    pub ready: i32,
    pub desired: i32,
    /// `istioup dashboard kiali`; none for an addon without a UI of its own (Loki: Grafana reads it).
    pub reach: Option<String>,
}

/// The addons' rows, and a warning for each one short of ready pods: the mesh works without them.
pub fn addons(status: &mut Status, installed: &[crate::facts::addons::Installed]) {
    for i in installed {
        if i.ready < i.desired {
            status.warnings.push(format!(
                "addon {} has {}/{} pods ready ({}/deployment/{})",
                i.addon, i.ready, i.desired, i.namespace, i.deployment
            ));
        }
        status.addons.push(AddonStatus {
            addon: i.addon.clone(),
            namespace: i.namespace.clone(),
            deployment: i.deployment.clone(),
            ready: i.ready,
            desired: i.desired,
            reach: (i.addon != "loki").then(|| format!("istioup dashboard {}", i.addon)),
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Healthy,
    Degraded,
    Absent,
}

#[derive(Debug, Clone, Serialize)]
pub struct IstioctlInfo {
    pub path: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Injection {
    /// `istio-injection=enabled`: the default revision.
    Enabled,
    /// `istio-injection=disabled`.
    Disabled,
    /// `istio.io/rev=<revision>`.
    Revision,
    /// No label, but the mesh injects every namespace by default.
    MeshDefault,
    /// No label: only pods that opt in get a sidecar.
    None,
    /// kube-system, kube-public: never injected.
    Never,
}

impl Injection {
    pub fn as_str(self) -> &'static str {
        match self {
            Injection::Enabled => "enabled",
            Injection::Disabled => "disabled",
            Injection::Revision => "revision",
            Injection::MeshDefault => "mesh default",
            Injection::None => "none",
            Injection::Never => "never",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NamespaceStatus {
    pub name: String,
    pub injection: Injection,
    /// The revision that injects here, when one does.
    pub revision: Option<String>,
    /// Whether istioup set the injection label (so `disable namespace` removes it).
    pub labelled_by_istioup: bool,
    /// Running (non-terminated) pods.
    pub pods: usize,
    pub with_sidecar: usize,
    /// Pods that would get a sidecar if recreated, but have none: they need a restart.
    pub missing_sidecar: Vec<String>,
    /// Pods with a sidecar that would not get one now: they need a restart to lose it.
    pub unwanted_sidecar: Vec<String>,
    /// Pods whose proxy is older than (or differs from) their control plane.
    pub outdated_sidecar: Vec<OutdatedPod>,
}

impl NamespaceStatus {
    pub fn interesting(&self) -> bool {
        self.injection != Injection::None && self.injection != Injection::Never
            || self.with_sidecar > 0
            || !self.missing_sidecar.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OutdatedPod {
    pub pod: String,
    pub revision: String,
    pub proxy_version: Option<String>,
    /// None when the revision no longer runs.
    pub control_plane_version: Option<String>,
}

pub fn judge(target: TargetSummary, istioctl: Option<IstioctlInfo>, inv: &Inventory) -> Status {
    let control_planes: Vec<Component> = inv.control_planes().cloned().collect();
    let components: Vec<Component> = inv
        .components
        .iter()
        .filter(|c| !c.is_control_plane())
        .cloned()
        .collect();
    let mut problems = component_problems(inv);
    let mut by_namespace: BTreeMap<&str, Vec<&PodInfo>> = BTreeMap::new();
    for pod in &inv.pods {
        by_namespace.entry(&pod.namespace).or_default().push(pod);
    }
    let istio_namespaces = inv.istio_namespaces();
    let namespaces: Vec<NamespaceStatus> = inv
        .namespaces
        .iter()
        .map(|ns| {
            let pods = by_namespace
                .get(ns.name_any().as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (status, problem) = namespace_status(ns, pods, inv, &istio_namespaces);
            problems.extend(problem);
            status
        })
        .collect();
    let leftovers = inv.leftovers(false);
    let warnings = warnings(&namespaces, &leftovers);
    let state = if control_planes.is_empty() {
        State::Absent
    } else if problems.is_empty() {
        State::Healthy
    } else {
        State::Degraded
    };
    let helm_releases = inv.helm_managed();
    Status {
        target,
        state,
        istioctl,
        installed_by: if helm_releases.is_empty() {
            "istioctl"
        } else {
            "helm"
        },
        helm_releases,
        control_planes,
        components,
        injector_webhooks: inv
            .webhooks
            .iter()
            .filter(|w| w.injects())
            .map(|w| w.name.clone())
            .collect(),
        enabled_by_default: inv.enabled_by_default,
        namespaces,
        crds: inv.crds.len(),
        istio_objects: inv.object_counts(),
        leftovers,
        problems,
        warnings,
        mtls: crate::judge::mtls::mesh_wide_in(inv),
        addons: Vec::new(),
        upgrade: None,
    }
}

/// Components short of ready pods, and control planes whose revision nothing injects.
fn component_problems(inv: &Inventory) -> Vec<String> {
    let mut problems = Vec::new();
    for c in &inv.components {
        if !c.healthy() {
            problems.push(format!("{} has {}/{} pods ready", c.id(), c.ready, c.desired));
        }
    }
    for cp in inv.control_planes() {
        if !inv.injects(&cp.revision) {
            problems.push(format!(
                "no sidecar injector webhook for revision {} ({}): new pods get no sidecar",
                cp.revision,
                cp.id()
            ));
        }
    }
    problems
}

/// One namespace judged: its injection, and each pod's sidecar against what injection wants.
/// The problem, if any: the namespace selects a revision nobody serves.
fn namespace_status(
    ns: &Namespace,
    pods: &[&PodInfo],
    inv: &Inventory,
    istio_namespaces: &BTreeSet<String>,
) -> (NamespaceStatus, Option<String>) {
    let name = ns.name_any();
    let (injection, revision) = injection_of(ns, inv.enabled_by_default);
    let mut status = NamespaceStatus {
        name: name.clone(),
        injection,
        revision: revision.clone(),
        labelled_by_istioup: ns.annotations().contains_key(OWNER_ANNOTATION),
        pods: pods.len(),
        with_sidecar: 0,
        missing_sidecar: Vec::new(),
        unwanted_sidecar: Vec::new(),
        outdated_sidecar: Vec::new(),
    };
    let mut problem = None;
    if let Some(rev) = &revision
        && inv.control_planes().next().is_some()
        && !inv.injects(rev)
        && matches!(injection, Injection::Enabled | Injection::Revision)
    {
        problem = Some(format!(
            "namespace {name} selects revision {rev}, which no control plane serves: new pods get no sidecar"
        ));
    }
    for pod in pods {
        let has = pod.carries_sidecar();
        if has {
            status.with_sidecar += 1;
        }
        // Istio's own pods are not judged by the injection rules.
        if istio_namespaces.contains(&name) && !has {
            continue;
        }
        let release = |rev: &str| {
            inv.version_of(rev)
                .and_then(|c| c.version.as_deref())
                .and_then(Version::parse)
        };
        match (&pod.wanted_revision(ns, inv.enabled_by_default, release), has) {
            (Some(rev), false) if inv.injects(rev) => status.missing_sidecar.push(pod.name.to_string()),
            (None, true) => status.unwanted_sidecar.push(pod.name.to_string()),
            _ => {}
        }
        if has && let Some(outdated) = outdated(pod, inv) {
            status.outdated_sidecar.push(outdated);
        }
    }
    (status, problem)
}

fn warnings(namespaces: &[NamespaceStatus], leftovers: &[ObjectRef]) -> Vec<String> {
    let mut warnings = Vec::new();
    let restarts: usize = namespaces
        .iter()
        .map(|n| n.missing_sidecar.len() + n.unwanted_sidecar.len())
        .sum();
    if restarts > 0 {
        warnings.push(format!(
            "{restarts} pod(s) need a restart to match their namespace's injection (istioup enable/disable namespace NS --restart)"
        ));
    }
    let old: usize = namespaces.iter().map(|n| n.outdated_sidecar.len()).sum();
    if old > 0 {
        warnings.push(format!(
            "{old} pod(s) run a sidecar that does not match their control plane: restart them to update the proxy"
        ));
    }
    if !leftovers.is_empty() {
        warnings.push(format!(
            "{} object(s) left from an earlier uninstall (istioup uninstall cleans them)",
            leftovers.len()
        ));
    }
    warnings
}

fn injection_of(ns: &Namespace, by_default: bool) -> (Injection, Option<String>) {
    let labels = ns.labels();
    if NEVER_INJECTED.contains(&ns.name_any().as_str()) {
        return (Injection::Never, None);
    }
    match labels.get(INJECTION_LABEL).map(String::as_str) {
        Some("disabled") => return (Injection::Disabled, None),
        Some("enabled") => return (Injection::Enabled, Some("default".into())),
        // Any other value matches no injector webhook, not even by revision.
        Some(_) => return (Injection::None, None),
        None => {}
    }
    if let Some(rev) = labels.get(REVISION_LABEL) {
        return (Injection::Revision, Some(rev.clone()));
    }
    if by_default {
        (Injection::MeshDefault, Some("default".into()))
    } else {
        (Injection::None, None)
    }
}

/// A sidecar whose proxy image tag differs from its control plane's version, or, when either is
/// unknown, a pod created before its control plane was.
fn outdated(pod: &PodInfo, inv: &Inventory) -> Option<OutdatedPod> {
    let revision = pod.injected_revision().unwrap_or_else(|| "default".into());
    let proxy = pod.proxy_version();
    let result = |control_plane_version: Option<String>| OutdatedPod {
        pod: pod.name.to_string(),
        revision: revision.clone(),
        proxy_version: proxy.clone(),
        control_plane_version,
    };
    let Some(cp) = inv.version_of(&revision) else {
        // A control plane still runs, but not this pod's revision.
        return (inv.control_planes().next().is_some()).then(|| result(None));
    };
    match (&proxy, &cp.version) {
        (Some(p), Some(v)) => (p != v && !p.starts_with(&format!("{v}-"))).then(|| result(Some(v.clone()))),
        _ => {
            let born = pod.created;
            (born.is_some() && cp.created.is_some() && born < cp.created).then(|| result(cp.version.clone()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(name: &str, labels: &[(&str, &str)]) -> Namespace {
        let mut n = Namespace::default();
        n.metadata.name = Some(name.into());
        n.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        n
    }

    #[test]
    fn namespace_injection_states() {
        assert_eq!(
            injection_of(&ns("a", &[("istio-injection", "enabled")]), false).0,
            Injection::Enabled
        );
        assert_eq!(
            injection_of(
                &ns("a", &[("istio-injection", "disabled"), ("istio.io/rev", "x")]),
                true
            )
            .0,
            Injection::Disabled
        );
        assert_eq!(
            injection_of(&ns("a", &[("istio.io/rev", "canary")]), false),
            (Injection::Revision, Some("canary".into()))
        );
        assert_eq!(injection_of(&ns("a", &[]), true).0, Injection::MeshDefault);
        assert_eq!(injection_of(&ns("a", &[]), false).0, Injection::None);
        assert_eq!(injection_of(&ns("kube-system", &[]), true).0, Injection::Never);
    }
}

//! The checks themselves: pure functions of `Facts` and `Desired`.
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::capacity::{Placement, Room};
use super::{Check, Status};
use crate::facts::cluster::{Facts, IstioPod, MeshFacts};
use crate::istio::versions::{self, Verdict, Version};
use crate::k8s::scheduling::Resources;
use crate::spec::Desired;
use crate::util::text::plural;

pub fn all(facts: &Facts, desired: &Desired, istioctl: &IstioctlFacts) -> Vec<Check> {
    let (placement, replaced) = for_placement(facts, desired, istioctl);
    vec![
        kubernetes_version(facts, istioctl),
        istioctl_found(istioctl),
        rbac(facts),
        existing_mesh(facts, desired, istioctl),
        rolling_note(node_capacity(&placement, desired), facts, desired, &replaced),
        sidecar_overhead(&placement, desired),
        node_ports(facts, desired),
        load_balancer(facts, desired),
        pod_security(facts, desired),
        ingress_controllers(facts),
    ]
}

/// The nodes as the new pods will find them, and the running Istio pods left out. Re-installing
/// the same version leaves unchanged pods in place and replaces the others, so the running istiod
/// and gateways of the revision do not compete with themselves for room (a re-run after a failure
/// on a full cluster must pass). An upgrade rolls every pod, and istiod's new pod starts next to
/// the old one (maxSurge 100%), so there the running pods still count.
fn for_placement<'a>(
    facts: &'a Facts,
    desired: &Desired,
    istioctl: &IstioctlFacts,
) -> (Cow<'a, Facts>, Vec<String>) {
    let version = istioctl.version().map(|v| v.to_string());
    let reinstall = version.is_some()
        && facts
            .mesh
            .control_planes
            .iter()
            .any(|cp| cp.revision == desired.revision && cp.version == version);
    let replaced: Vec<&IstioPod> = facts
        .mesh
        .pods
        .iter()
        .filter(|p| reinstall && p.revision == desired.revision)
        .collect();
    if replaced.is_empty() {
        return (Cow::Borrowed(facts), Vec::new());
    }
    let mut view = facts.clone();
    for node in &mut view.nodes {
        for pod in replaced.iter().filter(|p| p.node == node.name) {
            node.requested = node.requested.minus(pod.requests);
        }
    }
    let names = replaced
        .iter()
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .collect();
    (Cow::Owned(view), names)
}

/// Says which running pods the capacity check left out, or, for an upgrade that does not fit,
/// that the old pods stay until their replacements are Ready.
fn rolling_note(mut check: Check, facts: &Facts, desired: &Desired, replaced: &[String]) -> Check {
    if !replaced.is_empty() {
        check.details.push(format!(
            "not counted, as this re-install replaces them: {}",
            replaced.join(", ")
        ));
    } else if check.status == Status::Fail && facts.mesh.pods.iter().any(|p| p.revision == desired.revision) {
        check.details.push(format!(
            "the running pods of revision {} keep their room until their replacements are Ready: an upgrade needs room for both",
            desired.revision
        ));
    }
    check
}

/// What istioup found out about istioctl before looking at the cluster.
#[derive(Debug, Clone)]
pub enum IstioctlFacts {
    Found { path: String, version: Version },
    Missing(String),
}

impl IstioctlFacts {
    pub fn version(&self) -> Option<Version> {
        match self {
            IstioctlFacts::Found { version, .. } => Some(*version),
            IstioctlFacts::Missing(_) => None,
        }
    }
}

pub fn kubernetes_version(facts: &Facts, istioctl: &IstioctlFacts) -> Check {
    const ID: &str = "kubernetes-version";
    let Some(kube) = facts.kubernetes_version() else {
        return Check::new(
            ID,
            Status::Warn,
            format!("cannot read the server version {:?}", facts.server_version),
        );
    };
    let Some(istio) = istioctl.version() else {
        return Check::new(
            ID,
            Status::Skip,
            format!("Kubernetes {kube}; no istioctl to compare with"),
        );
    };
    let support = versions::support(istio);
    let check = match (versions::judge(istio, kube), support) {
        (Verdict::Supported, Some(s)) => Check::new(
            ID,
            Status::Pass,
            format!(
                "Kubernetes {kube} is supported by Istio {istio} ({}–{})",
                versions::minor(s.tested.0),
                versions::minor(s.tested.1)
            ),
        ),
        (Verdict::Untested, Some(s)) => Check::new(
            ID,
            Status::Warn,
            format!(
                "Kubernetes {kube} is outside the range Istio {istio} is tested on ({}–{})",
                versions::minor(s.tested.0),
                versions::minor(s.tested.1)
            ),
        )
        .with_hint("use an istioctl release that supports this Kubernetes version (--istioctl PATH)"),
        // istioctl warns and proceeds (istioctl/pkg/install/k8sversion/version.go).
        (Verdict::TooOld, Some(s)) => Check::new(
            ID,
            Status::Warn,
            format!(
                "Kubernetes {kube} is below istioctl {istio}'s minimum {}: istioctl will install, but Istio may misbehave",
                versions::minor(s.minimum)
            ),
        )
        .with_hint("upgrade the cluster, or use an older istioctl that supports it (--istioctl PATH); --fail-on warn makes this stop CI"),
        _ => Check::new(
            ID,
            Status::Warn,
            format!("istioctl {istio} is older than istioup's support table; Kubernetes {kube} not judged"),
        ),
    };
    if versions::beyond_table(istio) {
        let message = format!(
            "{} (istioctl {istio} is newer than istioup's table: judged by its newest release)",
            check.message
        );
        return Check {
            status: check.status.max(Status::Warn),
            message,
            ..check
        };
    }
    check
}

pub fn istioctl_found(istioctl: &IstioctlFacts) -> Check {
    const ID: &str = "istioctl";
    match istioctl {
        IstioctlFacts::Found { path, version } => Check::new(ID, Status::Pass, format!("istioctl {version} at {path}")),
        IstioctlFacts::Missing(why) => Check::new(ID, Status::Fail, why.clone())
            .with_hint("install istioctl (https://istio.io/latest/docs/setup/getting-started/#download), or point at it with --istioctl PATH or ISTIOCTL"),
    }
}

pub fn rbac(facts: &Facts) -> Check {
    const ID: &str = "rbac";
    if facts.denied.is_empty() {
        return Check::new(ID, Status::Pass, "you may do everything an install needs");
    }
    Check::new(ID, Status::Fail, format!("missing permissions: {}", facts.denied.join(", ")))
        .with_hint("ask a cluster admin for these rights (installing Istio needs cluster-admin in practice), or use another --context")
}

/// No istiod runs: a fresh install, maybe over the CRDs or webhooks an earlier one left.
fn no_control_plane(mesh: &MeshFacts) -> Check {
    const ID: &str = "existing-mesh";
    let leftovers: Vec<String> = mesh
        .injector_webhooks
        .iter()
        .map(|w| format!("MutatingWebhookConfiguration/{w}"))
        .chain(
            mesh.validating_webhooks
                .iter()
                .map(|w| format!("ValidatingWebhookConfiguration/{w}")),
        )
        .collect();
    if !leftovers.is_empty() {
        return Check::new(
            ID,
            Status::Warn,
            "leftovers of an earlier uninstall or an interrupted install: webhooks without istiod",
        )
        .with_details(leftovers)
        .with_hint("they are replaced by this install; to remove them instead run `istioup uninstall --purge` or delete them with kubectl");
    }
    let message = if mesh.crds.is_empty() {
        "no Istio installed: fresh install".to_string()
    } else {
        format!(
            "no istiod running; {} Istio CRDs kept from an earlier install: fresh install keeps them",
            mesh.crds.len()
        )
    };
    Check::new(ID, Status::Pass, message)
}

/// A mesh Helm installed: istioctl would apply over Helm's objects and Helm would lose track of
/// them, so the install stops unless `--force` says to take it over.
fn helm_managed(releases: &[String], take_over: bool) -> Check {
    const ID: &str = "existing-mesh";
    let message = format!(
        "Istio here was installed with Helm (releases {})",
        releases.join(", ")
    );
    if take_over {
        return Check::new(
            ID,
            Status::Warn,
            format!("{message}: --force, so istioctl takes it over and Helm no longer manages it"),
        );
    }
    Check::new(ID, Status::Fail, format!("{message}; istioup does not take it over silently"))
        .with_hint("upgrade it with helm (helm upgrade ...), or take it over with --force: istioctl then manages it and `helm uninstall` must not be used afterwards")
}

pub fn existing_mesh(facts: &Facts, desired: &Desired, istioctl: &IstioctlFacts) -> Check {
    const ID: &str = "existing-mesh";
    let mesh = &facts.mesh;
    if mesh.control_planes.is_empty() {
        return no_control_plane(mesh);
    }
    if !mesh.helm_releases.is_empty() {
        return helm_managed(&mesh.helm_releases, desired.take_over);
    }
    let same: Vec<_> = mesh
        .control_planes
        .iter()
        .filter(|cp| cp.revision == desired.revision)
        .collect();
    let others: Vec<String> = mesh
        .control_planes
        .iter()
        .filter(|cp| cp.revision != desired.revision)
        .map(|cp| {
            format!(
                "revision {} ({}/{}, {})",
                cp.revision,
                cp.namespace,
                cp.name,
                cp.version.as_deref().unwrap_or("unknown version")
            )
        })
        .collect();
    let target = istioctl
        .version()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "?".into());
    let mut check = match same.first() {
        Some(cp) if cp.version.as_deref() == Some(target.as_str()) => Check::new(
            ID,
            Status::Info,
            format!(
                "Istio {target} already runs (revision {}): istioctl re-applies the spec",
                desired.revision
            ),
        ),
        Some(cp) => Check::new(
            ID,
            Status::Info,
            format!(
                "upgrade {} → {target} (revision {})",
                cp.version.as_deref().unwrap_or("unknown"),
                desired.revision
            ),
        ),
        None => Check::new(
            ID,
            Status::Info,
            format!(
                "new revision {} next to the running control plane",
                desired.revision
            ),
        ),
    };
    if !others.is_empty() {
        check = check.with_details(others);
    }
    check
}

pub fn node_capacity(facts: &Facts, desired: &Desired) -> Check {
    const ID: &str = "node-capacity";
    // The node agents first: they take their share of every node they run on.
    let mut room = Room::new(&facts.nodes);
    let mut failures = room.place_daemons(&desired.daemons);
    let placed = room.place(&desired.pods);
    failures.extend(placed.iter().filter_map(|p| match p {
        Placement::Nowhere(why) => Some(why.clone()),
        Placement::On(_) => None,
    }));
    let needed = desired
        .pods
        .iter()
        .map(|p| p.requests)
        .fold(Resources::default(), Resources::plus);
    let ready: Vec<_> = facts.nodes.iter().filter(|n| n.ready).collect();
    let allocatable = ready
        .iter()
        .map(|n| n.allocatable)
        .fold(Resources::default(), Resources::plus);
    let requested = ready
        .iter()
        .map(|n| n.requested)
        .fold(Resources::default(), Resources::plus);
    let totals = format!(
        "cluster (Ready nodes): allocatable {}, requested {}, free {}; Istio requests {} for {} pods",
        allocatable.describe(),
        requested.describe(),
        allocatable.minus(requested).describe(),
        needed.describe(),
        desired.pods.len()
    );
    if failures.is_empty() {
        let mut details: Vec<String> = desired
            .pods
            .iter()
            .zip(&placed)
            .filter_map(|(pod, p)| match p {
                Placement::On(node) => Some(format!(
                    "{} ({}) → {node}",
                    pod.component,
                    pod.requests.describe()
                )),
                Placement::Nowhere(_) => None,
            })
            .collect();
        for daemon in &desired.daemons {
            details.push(format!(
                "{} ({}) → every node it selects",
                daemon.component,
                daemon.requests.describe()
            ));
        }
        details.push(totals);
        return Check::new(
            ID,
            Status::Pass,
            format!("all {} Istio pods fit on the nodes", desired.pods.len()),
        )
        .with_details(details);
    }
    let mut details = failures;
    details.push(totals);
    Check::new(ID, Status::Fail, "not every Istio pod fits on a node")
        .with_details(details)
        .with_hint("free or add capacity, lower the requests (overlays/small-footprint.yaml), or move components (overlays/dedicated-infra-nodes.yaml)")
}

/// Injecting a namespace adds a proxy to each of its pods, on the node the pod runs on.
pub fn sidecar_overhead(facts: &Facts, desired: &Desired) -> Check {
    const ID: &str = "sidecar-overhead";
    if desired.inject.is_empty() {
        return Check::new(ID, Status::Skip, "no namespaces to inject");
    }
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pods = 0;
    // The pods come a namespace at a time: whether one is injected is asked once per run.
    let mut last: Option<(&Arc<str>, bool)> = None;
    for pod in facts.pods.iter() {
        let injected = match last {
            Some((ns, injected)) if Arc::ptr_eq(ns, &pod.namespace) => injected,
            _ => {
                let injected = desired.inject.iter().any(|ns| **ns == *pod.namespace);
                last = Some((&pod.namespace, injected));
                injected
            }
        };
        if injected {
            *per_node.entry(&pod.node).or_default() += 1;
            pods += 1;
        }
    }
    let overhead = desired.proxy_requests.times(pods as i64);
    // What the nodes have left once Istio is in: its node agents, then its pods.
    let mut room = Room::new(&facts.nodes);
    room.place_daemons(&desired.daemons);
    room.place(&desired.pods);
    let short: Vec<String> = room
        .nodes()
        .filter_map(|(node, free)| {
            let count = *per_node.get(node.name.as_str())?;
            let need = desired.proxy_requests.times(count as i64);
            (!need.fits_in(free)).then(|| {
                format!(
                    "{}: {count} proxies need {}, {} free after Istio",
                    node.name,
                    need.describe(),
                    free.describe()
                )
            })
        })
        .collect();
    let message = format!(
        "{} in {} will each get a proxy ({} each): {} in all",
        plural(pods, "pod"),
        plural(desired.inject.len(), "namespace"),
        desired.proxy_requests.describe(),
        overhead.describe()
    );
    if short.is_empty() {
        Check::new(ID, Status::Pass, message)
    } else {
        Check::new(
            ID,
            Status::Warn,
            format!("{message}; some nodes would be short when those pods restart"),
        )
        .with_details(short)
        .with_hint("restart fewer workloads at a time, add capacity, or lower values.global.proxy.resources")
    }
}

pub fn node_ports(facts: &Facts, desired: &Desired) -> Check {
    const ID: &str = "node-ports";
    let mut problems = Vec::new();
    for gw in &desired.gateways {
        for &port in &gw.node_ports {
            if !(30000..=32767).contains(&port) {
                problems.push(format!(
                    "{}: nodePort {port} is outside the default range 30000–32767",
                    gw.name
                ));
            }
            for svc in &facts.services {
                let ours = svc.namespace == gw.namespace && svc.name == gw.name;
                if !ours && svc.node_ports.contains(&port) {
                    problems.push(format!(
                        "{}: nodePort {port} is taken by Service {}/{}",
                        gw.name, svc.namespace, svc.name
                    ));
                }
            }
        }
    }
    let count: usize = desired.gateways.iter().map(|g| g.node_ports.len()).sum();
    if problems.is_empty() {
        let message = if count == 0 {
            "no nodePorts requested".to_string()
        } else {
            format!("{count} nodePorts are free")
        };
        return Check::new(ID, Status::Pass, message);
    }
    Check::new(ID, Status::Fail, "nodePorts in the spec cannot be used")
        .with_details(problems)
        .with_hint("choose free ports in 30000–32767 in your overlay's k8s.service.ports, or remove nodePort to let Kubernetes pick")
}

pub fn load_balancer(facts: &Facts, desired: &Desired) -> Check {
    const ID: &str = "load-balancer";
    let lbs: Vec<&str> = desired
        .gateways
        .iter()
        .filter(|g| g.ingress && g.service_type == "LoadBalancer")
        .map(|g| g.name.as_str())
        .collect();
    if lbs.is_empty() {
        return Check::new(ID, Status::Skip, "no ingress gateway of type LoadBalancer");
    }
    if facts.services.iter().any(|s| s.has_lb_address) {
        return Check::new(ID, Status::Pass, "the cluster hands out load balancer addresses");
    }
    Check::new(
        ID,
        Status::Warn,
        format!(
            "{} is a LoadBalancer, but no LoadBalancer Service on this cluster ever got an address",
            lbs.join(", ")
        ),
    )
    .with_hint("on clusters without a load balancer use NodePort: -f overlays/ingress-nodeport.yaml")
}

pub fn pod_security(facts: &Facts, desired: &Desired) -> Check {
    const ID: &str = "pod-security";
    if desired.inject.is_empty() {
        return Check::new(ID, Status::Skip, "no namespaces to inject");
    }
    if desired.cni {
        return Check::new(ID, Status::Pass, "CNI is on: injected pods need no NET_ADMIN");
    }
    let strict: Vec<String> = facts
        .namespaces
        .iter()
        .filter(|ns| desired.inject.contains(&ns.name))
        .filter_map(|ns| {
            let level = ns.labels.get("pod-security.kubernetes.io/enforce")?;
            matches!(level.as_str(), "baseline" | "restricted")
                .then(|| format!("{} enforces {level}", ns.name))
        })
        .collect();
    if strict.is_empty() {
        return Check::new(
            ID,
            Status::Pass,
            "no namespace to inject enforces baseline or restricted Pod Security",
        );
    }
    Check::new(
        ID,
        Status::Fail,
        "injected pods need NET_ADMIN/NET_RAW for istio-init, which Pod Security rejects here",
    )
    .with_details(strict)
    .with_hint("turn on the Istio CNI: -f overlays/cni-rke2.yaml or -f overlays/cni-k3s.yaml")
}

pub fn ingress_controllers(facts: &Facts) -> Check {
    const ID: &str = "ingress-controllers";
    if facts.ingress_controllers.is_empty() {
        return Check::new(ID, Status::Pass, "no other ingress controller found");
    }
    Check::new(
        ID,
        Status::Info,
        "another ingress controller runs here: the cluster will have two ingresses",
    )
    .with_details(facts.ingress_controllers.clone())
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;

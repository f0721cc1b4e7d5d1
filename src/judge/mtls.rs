//! Mutual TLS as Istio computes it, and what a change would break: pure functions of
//! `facts::mtls`.
//!
//! Precedence is pilot/pkg/security/authn/policy_applier.go (`ComposePeerAuthentication`, 1.30):
//! start PERMISSIVE; a mesh-wide policy (no selector, in the root namespace) sets the mode
//! unless UNSET; the namespace's policy (no selector) overrides it unless UNSET; the workload's
//! (a selector, outside the root namespace) overrides that unless UNSET; its `portLevelMtls`
//! entries override per port, UNSET inheriting the workload's mode. Of several candidates at
//! one level the oldest wins (creation time, then name: pilot/pkg/model/authentication.go).
//! Which policies apply to a pod: those of its namespace and of the root namespace whose
//! selector labels are a subset of its labels (`getConfigsForWorkload`).
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::facts::mtls::{ClientTls, MtlsFacts, PeerAuthn, PodFacts, Sample};
use crate::istio::injection::NEVER_INJECTED;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Mode {
    Strict,
    Permissive,
    Disable,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Strict => "STRICT",
            Mode::Permissive => "PERMISSIVE",
            Mode::Disable => "DISABLE",
        }
    }

    /// `None` for UNSET (and a missing mode): it inherits.
    pub fn parse(mode: Option<&str>) -> Option<Mode> {
        match mode? {
            "STRICT" => Some(Mode::Strict),
            "PERMISSIVE" => Some(Mode::Permissive),
            "DISABLE" => Some(Mode::Disable),
            _ => None,
        }
    }
}

/// The mode a workload gets, and from which policies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Merged {
    pub mode: Mode,
    /// Port-level overrides (container ports).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub ports: BTreeMap<u32, Mode>,
    /// The policies that apply, `namespace/name`, mesh first.
    pub policies: Vec<String>,
    /// The one whose mode took effect (the others are UNSET); none: Istio's default.
    pub decided_by: Option<String>,
}

impl Merged {
    pub fn on_port(&self, port: u32) -> Mode {
        self.ports.get(&port).copied().unwrap_or(self.mode)
    }
}

fn id(pa: &PeerAuthn) -> String {
    format!("{}/{}", pa.namespace, pa.name)
}

/// The oldest of `candidates`, as Istio picks among policies of one level.
fn oldest<'a>(candidates: impl Iterator<Item = &'a PeerAuthn>) -> Option<&'a PeerAuthn> {
    candidates.min_by(|a, b| {
        // A policy not yet created (in a simulation) is the newest.
        let time = |p: &PeerAuthn| (p.created.is_none(), p.created);
        time(a).cmp(&time(b)).then_with(|| a.name.cmp(&b.name))
    })
}

/// `ComposePeerAuthentication` over the policies that apply to one workload.
pub fn compose(root: &str, applicable: &[&PeerAuthn]) -> Merged {
    let wide = |p: &&&PeerAuthn| p.selector.is_empty();
    let mesh = oldest(
        applicable
            .iter()
            .filter(wide)
            .filter(|p| p.namespace == root)
            .copied(),
    );
    let namespace = oldest(
        applicable
            .iter()
            .filter(wide)
            .filter(|p| p.namespace != root)
            .copied(),
    );
    let workload = oldest(
        applicable
            .iter()
            .filter(|p| !p.selector.is_empty() && p.namespace != root)
            .copied(),
    );
    let mut out = Merged {
        mode: Mode::Permissive,
        ports: BTreeMap::new(),
        policies: Vec::new(),
        decided_by: None,
    };
    for pa in [mesh, namespace, workload].into_iter().flatten() {
        out.policies.push(id(pa));
        if let Some(mode) = Mode::parse(pa.mode.as_deref()) {
            out.mode = mode;
            out.decided_by = Some(id(pa));
        }
    }
    if let Some(pa) = workload {
        for (port, mode) in &pa.ports {
            out.ports
                .insert(*port, Mode::parse(mode.as_deref()).unwrap_or(out.mode));
        }
    }
    out
}

fn applies(pa: &PeerAuthn, root: &str, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
    (pa.namespace == namespace || pa.namespace == root)
        && pa.selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The mode of one pod under `policies`.
pub fn for_pod(root: &str, policies: &[PeerAuthn], pod: &PodFacts) -> Merged {
    let applicable: Vec<&PeerAuthn> = policies
        .iter()
        .filter(|pa| applies(pa, root, &pod.namespace, &pod.labels))
        .collect();
    compose(root, &applicable)
}

/// The namespace-wide mode (what a pod matched by no workload policy gets).
pub fn for_namespace(root: &str, policies: &[PeerAuthn], namespace: &str) -> Merged {
    let applicable: Vec<&PeerAuthn> = policies
        .iter()
        .filter(|pa| pa.selector.is_empty() && (pa.namespace == namespace || pa.namespace == root))
        .collect();
    compose(root, &applicable)
}

/// The mesh-wide mode: the root namespace's policy, PERMISSIVE without one.
pub fn mesh_wide(facts: &MtlsFacts) -> Merged {
    for_namespace(&facts.root_namespace, &facts.peer_authns, &facts.root_namespace)
}

/// The mesh-wide mode from what `status` already read (the Istio namespaces' ConfigMaps and
/// every Istio object); `None` when the PeerAuthentication CRD is not installed.
pub fn mesh_wide_in(inv: &crate::facts::mesh::Inventory) -> Option<Merged> {
    let set = inv
        .objects
        .iter()
        .find(|s| s.crd.kind == "PeerAuthentication" && s.crd.group == "security.istio.io")?;
    let root = crate::facts::mtls::root_namespace_in(&inv.configmaps)
        .or_else(|| inv.istio_namespaces().into_iter().next())
        .unwrap_or_else(|| crate::istio::DEFAULT_NAMESPACE.to_string());
    let policies: Vec<PeerAuthn> = set.objects.iter().map(crate::facts::mtls::peer_authn).collect();
    Some(for_namespace(&root, &policies, &root))
}

/// Every named namespace exists, or the error names those that do not.
pub fn missing(facts: &MtlsFacts, names: &[String]) -> crate::error::Result<()> {
    let gone: Vec<&str> = names
        .iter()
        .filter(|n| !facts.namespaces.contains(n))
        .map(String::as_str)
        .collect();
    if gone.is_empty() {
        return Ok(());
    }
    Err(crate::error::Error::failed(format!(
        "namespace not found: {}; nothing was changed",
        gone.join(", ")
    ))
    .with_hint("check the name with kubectl get namespaces"))
}

/// The pods a Service selects, and the container ports it sends them to.
pub fn served_ports(facts: &MtlsFacts, pod: &PodFacts) -> (Vec<String>, BTreeSet<u32>) {
    let mut services = Vec::new();
    let mut ports = BTreeSet::new();
    for svc in facts.services.iter().filter(|s| s.namespace == pod.namespace) {
        if !svc.selector.iter().all(|(k, v)| pod.labels.get(k) == Some(v)) {
            continue;
        }
        services.push(svc.name.clone());
        for target in &svc.targets {
            let port = match target {
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n) => u32::try_from(*n).ok(),
                k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(name) => {
                    pod.named_ports.get(name).copied().or_else(|| name.parse().ok())
                }
            };
            ports.extend(port);
        }
    }
    (services, ports)
}

/// The FQDN a DestinationRule host means (pilot/pkg/model/config.go, `ResolveShortnameToFQDN`:
/// a name without a dot is `NAME.NAMESPACE.svc.cluster.local`, anything else is taken as is).
pub fn resolve_host(host: &str, namespace: &str) -> String {
    if host == "*" || host.contains('.') {
        host.to_string()
    } else {
        format!("{host}.{namespace}.svc.cluster.local")
    }
}

/// Whether a (resolved) DestinationRule host covers Service `name.namespace`.
pub fn host_covers(host: &str, namespace: &str, name: &str) -> bool {
    let fqdn = format!("{name}.{namespace}.svc.cluster.local");
    match host.strip_prefix('*') {
        Some(suffix) => fqdn.ends_with(suffix),
        None => host == fqdn,
    }
}

/// The DestinationRules that make clients send plaintext (`DISABLE`) or their own TLS
/// (`SIMPLE`) to a Service whose pods carry a sidecar.
pub fn client_overrides<'a>(
    facts: &'a MtlsFacts,
    servers: &BTreeSet<(String, String)>,
) -> Vec<&'a ClientTls> {
    facts
        .client_tls
        .iter()
        .filter(|dr| matches!(dr.mode.as_str(), "DISABLE" | "SIMPLE"))
        .filter(|dr| {
            let host = resolve_host(&dr.host, &dr.namespace);
            servers.iter().any(|(ns, svc)| host_covers(&host, ns, svc))
        })
        .collect()
}

/// The Services (namespace, name) some sidecar-carrying pod backs.
pub fn meshed_services(facts: &MtlsFacts) -> BTreeSet<(String, String)> {
    facts
        .pods
        .iter()
        .filter(|p| p.sidecar)
        .flat_map(|p| {
            let (services, _) = served_ports(facts, p);
            services.into_iter().map(|s| (p.namespace.clone(), s))
        })
        .collect()
}

/// A workload whose pods would start rejecting plaintext.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Server {
    pub namespace: String,
    pub workload: String,
    pub pods: usize,
    pub services: Vec<String>,
    /// The container ports that turn STRICT.
    pub ports: Vec<u32>,
}

/// A workload without a sidecar that could call them, by namespace.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Client {
    pub namespace: String,
    pub workload: String,
    pub pods: usize,
    /// From Prometheus: plaintext requests or connections per second toward the servers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// From Prometheus: which servers it called.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<String>,
}

/// The servers that turn STRICT going from `before` to `after`, in `scope` (`None`: all).
pub fn servers(
    facts: &MtlsFacts,
    before: &[PeerAuthn],
    after: &[PeerAuthn],
    scope: Option<&BTreeSet<String>>,
) -> Vec<Server> {
    let root = &facts.root_namespace;
    let mut out: BTreeMap<(String, String), Server> = BTreeMap::new();
    for pod in facts.pods.iter().filter(|p| p.sidecar) {
        if scope.is_some_and(|s| !s.contains(&pod.namespace)) {
            continue;
        }
        let (services, ports) = served_ports(facts, pod);
        if services.is_empty() {
            continue;
        }
        let (was, now) = (for_pod(root, before, pod), for_pod(root, after, pod));
        let turned: Vec<u32> = ports
            .iter()
            .copied()
            .filter(|p| now.on_port(*p) == Mode::Strict && was.on_port(*p) != Mode::Strict)
            .collect();
        if turned.is_empty() {
            continue;
        }
        let entry = out
            .entry((pod.namespace.clone(), pod.workload.clone()))
            .or_insert_with(|| Server {
                namespace: pod.namespace.clone(),
                workload: pod.workload.clone(),
                pods: 0,
                services: services.clone(),
                ports: turned.clone(),
            });
        entry.pods += 1;
    }
    out.into_values().collect()
}

/// Pods without any Istio proxy, outside the namespaces Istio never injects, by workload:
/// every one of them could be calling a server.
pub fn sidecarless(facts: &MtlsFacts) -> Vec<Client> {
    let mut out: BTreeMap<(String, String), Client> = BTreeMap::new();
    for pod in facts.pods.iter().filter(|p| !p.proxy) {
        if NEVER_INJECTED.contains(&pod.namespace.as_str())
            || pod.labels.get("app").is_some_and(|a| a == "istiod")
        {
            continue;
        }
        out.entry((pod.namespace.clone(), pod.workload.clone()))
            .or_insert_with(|| Client {
                namespace: pod.namespace.clone(),
                workload: pod.workload.clone(),
                pods: 0,
                rate: None,
                calls: Vec::new(),
            })
            .pods += 1;
    }
    out.into_values().collect()
}

/// The plaintext callers Prometheus saw toward `servers`: series of `istio_requests_total` /
/// `istio_tcp_connections_opened_total` reported by the destination with
/// `connection_security_policy != mutual_tls`, summed by source (Istio's standard metrics:
/// a caller without a sidecar shows as `source_workload="unknown"`).
pub fn plaintext_callers(samples: &[Sample], servers: &[Server]) -> Vec<Client> {
    let mut out: BTreeMap<(String, String), Client> = BTreeMap::new();
    for s in samples.iter().filter(|s| s.value > 0.0) {
        let label = |k: &str| s.labels.get(k).cloned().unwrap_or_else(|| "unknown".into());
        let (dns, dwl) = (
            label("destination_workload_namespace"),
            label("destination_workload"),
        );
        let Some(server) = servers
            .iter()
            .find(|srv| srv.namespace == dns && srv.workload.rsplit('/').next() == Some(dwl.as_str()))
        else {
            continue;
        };
        let (sns, swl) = (label("source_workload_namespace"), label("source_workload"));
        let client = out.entry((sns.clone(), swl.clone())).or_insert_with(|| Client {
            namespace: sns,
            workload: swl,
            pods: 0,
            rate: Some(0.0),
            calls: Vec::new(),
        });
        client.rate = Some(client.rate.unwrap_or(0.0) + s.value);
        let called = format!("{}/{}", server.namespace, server.workload);
        if !client.calls.contains(&called) {
            client.calls.push(called);
        }
    }
    out.into_values().collect()
}

/// The PromQL for plaintext traffic toward `namespaces` (`None`: anywhere) over `window`.
pub fn plaintext_queries(namespaces: Option<&BTreeSet<String>>, window: &str) -> Vec<String> {
    let ns = match namespaces {
        Some(set) => set.iter().cloned().collect::<Vec<_>>().join("|"),
        None => ".+".into(),
    };
    ["istio_requests_total", "istio_tcp_connections_opened_total"]
        .iter()
        .map(|metric| {
            format!(
                "sum by (source_workload, source_workload_namespace, destination_workload, destination_workload_namespace) \
(rate({metric}{{reporter=\"destination\",connection_security_policy!=\"mutual_tls\",destination_workload_namespace=~\"{ns}\"}}[{window}]))"
            )
        })
        .collect()
}

/// Namespaces in `scope` where no pod carries a sidecar: STRICT there changes nothing.
pub fn without_sidecars(facts: &MtlsFacts, scope: &[String]) -> Vec<String> {
    scope
        .iter()
        .filter(|ns| !facts.pods.iter().any(|p| &p.namespace == *ns && p.sidecar))
        .cloned()
        .collect()
}

/// What istioup does to one namespace's PeerAuthentication `default`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub namespace: String,
    pub name: String,
    /// `create`, `update`, `unchanged`, `delete`, `left-alone` (someone else's policy decides
    /// here) or `nothing` (no policy of istioup's to remove).
    pub action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The name of the PeerAuthentication istioup makes.
pub const POLICY_NAME: &str = "default";

/// The change per target namespace: set `mode` (or, with `remove`, delete istioup's policy).
/// A namespace-wide policy istioup did not make is left alone: Istio would go on using the
/// oldest one anyway, and it is its owner's to change.
pub fn changes(facts: &MtlsFacts, targets: &[String], mode: Mode, remove: bool) -> Vec<Change> {
    targets
        .iter()
        .map(|ns| {
            let wide: Vec<&PeerAuthn> = facts
                .peer_authns
                .iter()
                .filter(|p| &p.namespace == ns && p.selector.is_empty())
                .collect();
            let change = |action, mode, note: Option<String>| Change {
                namespace: ns.clone(),
                name: POLICY_NAME.into(),
                action,
                mode,
                note,
            };
            if let Some(foreign) = wide.iter().find(|p| !p.owned) {
                let theirs = Mode::parse(foreign.mode.as_deref()).map_or("UNSET", Mode::as_str);
                return Change {
                    name: foreign.name.clone(),
                    ..change(
                        "left-alone",
                        None,
                        Some(format!(
                            "PeerAuthentication {}/{} ({theirs}) was not made by istioup",
                            ns, foreign.name
                        )),
                    )
                };
            }
            let ours = wide.iter().find(|p| p.name == POLICY_NAME);
            match (ours, remove) {
                (Some(_), true) => change("delete", None, None),
                (None, true) => change(
                    "nothing",
                    None,
                    Some("no PeerAuthentication of istioup's here".into()),
                ),
                (Some(p), false) if Mode::parse(p.mode.as_deref()) == Some(mode) => {
                    change("unchanged", Some(mode), None)
                }
                (Some(_), false) => change("update", Some(mode), None),
                (None, false) => change("create", Some(mode), None),
            }
        })
        .collect()
}

/// The policies once `changes` are made.
pub fn after(facts: &MtlsFacts, changes: &[Change]) -> Vec<PeerAuthn> {
    let mut out: Vec<PeerAuthn> = facts.peer_authns.clone();
    for c in changes {
        let at = out
            .iter()
            .position(|p| p.namespace == c.namespace && p.name == c.name);
        match (c.action, at) {
            ("delete", Some(i)) => {
                out.remove(i);
            }
            ("update", Some(i)) => out[i].mode = c.mode.map(|m| m.as_str().to_string()),
            ("create", _) => out.push(PeerAuthn {
                namespace: c.namespace.clone(),
                name: c.name.clone(),
                selector: BTreeMap::new(),
                mode: c.mode.map(|m| m.as_str().to_string()),
                ports: BTreeMap::new(),
                created: None,
                owned: true,
            }),
            _ => {}
        }
    }
    out
}

/// One workload's mutual TLS, as `mtls status` shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorkloadStatus {
    pub workload: String,
    pub pods: usize,
    pub sidecar_pods: usize,
    #[serde(flatten)]
    pub merged: Merged,
    /// A workload-level policy (a selector) applies.
    pub workload_policy: bool,
}

/// One namespace's mutual TLS.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NamespaceStatus {
    pub namespace: String,
    /// The namespace-wide mode, and the policies it comes from (none: Istio's default).
    #[serde(flatten)]
    pub merged: Merged,
    pub pods: usize,
    pub sidecar_pods: usize,
    pub workloads: Vec<WorkloadStatus>,
    /// DestinationRules that turn client TLS off (or to the client's own) toward meshed
    /// Services of this namespace.
    pub destination_rules: Vec<ClientTls>,
}

/// Every namespace Istio may inject (or only `only`), with its modes.
pub fn status(facts: &MtlsFacts, only: &[String]) -> Vec<NamespaceStatus> {
    let root = &facts.root_namespace;
    let meshed = meshed_services(facts);
    facts
        .namespaces
        .iter()
        .filter(|ns| !NEVER_INJECTED.contains(&ns.as_str()))
        .filter(|ns| only.is_empty() || only.contains(ns))
        .map(|ns| {
            let pods: Vec<&PodFacts> = facts.pods.iter().filter(|p| &p.namespace == ns).collect();
            let mut workloads: BTreeMap<&str, WorkloadStatus> = BTreeMap::new();
            for pod in &pods {
                let merged = for_pod(root, &facts.peer_authns, pod);
                let workload_policy = facts.peer_authns.iter().any(|pa| {
                    !pa.selector.is_empty() && pa.namespace != *root && applies(pa, root, ns, &pod.labels)
                });
                let w = workloads.entry(&pod.workload).or_insert_with(|| WorkloadStatus {
                    workload: pod.workload.clone(),
                    pods: 0,
                    sidecar_pods: 0,
                    merged,
                    workload_policy,
                });
                w.pods += 1;
                w.sidecar_pods += usize::from(pod.sidecar);
            }
            let own: BTreeSet<(String, String)> = meshed.iter().filter(|(n, _)| n == ns).cloned().collect();
            NamespaceStatus {
                namespace: ns.clone(),
                merged: for_namespace(root, &facts.peer_authns, ns),
                pods: pods.len(),
                sidecar_pods: pods.iter().filter(|p| p.sidecar).count(),
                workloads: workloads.into_values().collect(),
                destination_rules: client_overrides(facts, &own).into_iter().cloned().collect(),
            }
        })
        .collect()
}

/// Who a change would cut off, and how istioup knows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct BlastRadius {
    /// `prometheus` (the series say who sent plaintext) or `pods` (every pod without a sidecar
    /// could be a caller).
    pub evidence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    pub servers: Vec<Server>,
    pub clients: Vec<Client>,
    pub destination_rules: Vec<ClientTls>,
}

impl BlastRadius {
    pub fn breaks(&self) -> bool {
        !self.servers.is_empty() && (!self.clients.is_empty() || !self.destination_rules.is_empty())
    }
}

/// Why a change to STRICT is refused (empty: it may go on): namespaces in `scope` without any
/// sidecar (`None`: the mesh, which has no such question), and anyone the blast radius cuts off.
pub fn refusals(facts: &MtlsFacts, scope: Option<&[String]>, blast: &BlastRadius) -> Vec<String> {
    let mut out = Vec::new();
    let empty = scope.map(|s| without_sidecars(facts, s)).unwrap_or_default();
    if !empty.is_empty() {
        out.push(format!(
            "no pod in namespace {} carries a sidecar: STRICT there changes nothing (a typo?)",
            empty.join(", ")
        ));
    }
    if blast.breaks() {
        out.push(format!(
            "{} and {} would be cut off",
            crate::util::text::plural(blast.clients.len(), "client workload"),
            crate::util::text::plural(blast.destination_rules.len(), "DestinationRule")
        ));
    }
    out
}

/// Where the evidence for a blast radius comes from.
pub struct Evidence<'a> {
    pub istio_namespaces: &'a [String],
    /// `None`: do not ask Prometheus; `Some(None)`: find one; `Some(Some(ref))`: that one.
    pub prometheus: Option<Option<&'a str>>,
    pub window: std::time::Duration,
}

/// Who STRICT would cut off once `plan` is made, in `scope` (`None`: the mesh): Prometheus'
/// evidence when one answers, else the pods without a sidecar; and the DestinationRules that
/// send plaintext to the servers. A Prometheus that does not answer is a warning, not a failure.
pub async fn blast_radius(
    client: &kube::Client,
    facts: &MtlsFacts,
    scope: Option<&BTreeSet<String>>,
    plan: &[Change],
    evidence: &Evidence<'_>,
) -> (BlastRadius, Option<String>) {
    let servers = servers(facts, &facts.peer_authns, &after(facts, plan), scope);
    let services: BTreeSet<(String, String)> = servers
        .iter()
        .flat_map(|s| s.services.iter().map(|n| (s.namespace.clone(), n.clone())))
        .collect();
    let mut blast = BlastRadius {
        evidence: "pods",
        destination_rules: client_overrides(facts, &services).into_iter().cloned().collect(),
        ..BlastRadius::default()
    };
    if servers.is_empty() {
        return (blast, None);
    }
    let mut warning = None;
    match ask_prometheus(client, scope, &servers, evidence).await {
        Ok(Some((prom, clients))) => {
            blast.evidence = "prometheus";
            blast.prometheus = Some(prom);
            blast.window = Some(duration(evidence.window));
            blast.clients = clients;
        }
        Ok(None) => blast.clients = sidecarless(facts),
        Err(e) => {
            warning = Some(format!(
                "{}; judging from the pods without a sidecar instead",
                e.message()
            ));
            blast.clients = sidecarless(facts);
        }
    }
    blast.servers = servers;
    (blast, warning)
}

async fn ask_prometheus(
    client: &kube::Client,
    scope: Option<&BTreeSet<String>>,
    servers: &[Server],
    evidence: &Evidence<'_>,
) -> crate::error::Result<Option<(String, Vec<Client>)>> {
    let Some(flag) = evidence.prometheus else {
        return Ok(None);
    };
    let Some(prom) = crate::facts::mtls::prometheus(client, flag, evidence.istio_namespaces).await? else {
        return Ok(None);
    };
    let window = format!("{}s", evidence.window.as_secs());
    let samples = crate::facts::mtls::samples(client, &prom, &plaintext_queries(scope, &window)).await?;
    Ok(Some((prom.to_string(), plaintext_callers(&samples, servers))))
}

/// `3600s` as `1h`, `5400s` as `90m`: how a window reads.
pub fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::mtls::ServiceFacts;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn pa(
        ns: &str,
        name: &str,
        selector: &[(&str, &str)],
        mode: Option<&str>,
        ports: &[(u32, Option<&str>)],
    ) -> PeerAuthn {
        PeerAuthn {
            namespace: ns.into(),
            name: name.into(),
            selector: map(selector),
            mode: mode.map(String::from),
            ports: ports.iter().map(|(p, m)| (*p, m.map(String::from))).collect(),
            created: Some(k8s_openapi::jiff::Timestamp::from_second(1_700_000_000).unwrap()),
            owned: false,
        }
    }

    fn pod(ns: &str, name: &str, labels: &[(&str, &str)], sidecar: bool) -> PodFacts {
        PodFacts {
            namespace: ns.into(),
            name: name.into(),
            workload: format!("deployment/{}", labels.first().map_or(name, |l| l.1)),
            labels: map(labels),
            sidecar,
            proxy: sidecar,
            named_ports: BTreeMap::new(),
        }
    }

    /// pilot/pkg/security/authn/policy_applier.go, ComposePeerAuthentication (1.30.3): mesh,
    /// then namespace, then workload; UNSET inherits; port-level UNSET takes the workload's.
    #[test]
    fn precedence_is_workload_over_namespace_over_mesh() {
        let root = "istio-system";
        let web = pod("shop", "web-1", &[("app", "web")], true);
        let mesh = pa(root, "default", &[], Some("STRICT"), &[]);
        assert_eq!(
            for_pod(root, std::slice::from_ref(&mesh), &web).mode,
            Mode::Strict
        );
        let ns_unset = pa("shop", "default", &[], Some("UNSET"), &[]);
        let ns_perm = pa("shop", "default", &[], Some("PERMISSIVE"), &[]);
        assert_eq!(
            for_pod(root, &[mesh.clone(), ns_unset], &web).mode,
            Mode::Strict,
            "UNSET inherits the mesh"
        );
        let merged = for_pod(root, &[mesh.clone(), ns_perm.clone()], &web);
        assert_eq!(merged.mode, Mode::Permissive);
        assert_eq!(merged.policies, ["istio-system/default", "shop/default"]);
        let wl = pa(
            "shop",
            "web",
            &[("app", "web")],
            None,
            &[(8080, Some("DISABLE")), (9090, Some("UNSET"))],
        );
        let merged = for_pod(root, &[mesh.clone(), ns_perm.clone(), wl.clone()], &web);
        assert_eq!(
            merged.mode,
            Mode::Permissive,
            "a workload mode left out inherits the namespace"
        );
        assert_eq!(merged.on_port(8080), Mode::Disable);
        assert_eq!(
            merged.on_port(9090),
            Mode::Permissive,
            "port UNSET takes the workload's mode"
        );
        let other = pod("shop", "db-1", &[("app", "db")], true);
        assert!(
            for_pod(root, &[mesh.clone(), ns_perm, wl.clone()], &other)
                .ports
                .is_empty(),
            "the selector does not match"
        );
        // A selector policy in the root namespace is not a workload policy (policy_applier.go).
        let root_wl = pa(root, "web", &[("app", "web")], Some("DISABLE"), &[]);
        assert_eq!(for_pod(root, &[mesh, root_wl], &web).mode, Mode::Strict);
        // Nothing at all: PERMISSIVE.
        assert_eq!(for_namespace(root, &[], "shop").mode, Mode::Permissive);
        // Another namespace's policy never applies.
        let blog = pa("blog", "default", &[], Some("STRICT"), &[]);
        assert_eq!(for_pod(root, &[blog], &web).mode, Mode::Permissive);
    }

    /// Of two namespace-wide policies the oldest decides (pilot/pkg/model/authentication.go).
    #[test]
    fn the_oldest_policy_of_a_level_wins() {
        let mut old = pa("shop", "zzz", &[], Some("DISABLE"), &[]);
        old.created = Some(k8s_openapi::jiff::Timestamp::from_second(1_600_000_000).unwrap());
        let newer = pa("shop", "aaa", &[], Some("STRICT"), &[]);
        assert_eq!(
            for_namespace("istio-system", &[newer.clone(), old], "shop").mode,
            Mode::Disable
        );
        let mut simulated = pa("shop", "default", &[], Some("PERMISSIVE"), &[]);
        simulated.created = None;
        assert_eq!(
            for_namespace("istio-system", &[simulated, newer], "shop").mode,
            Mode::Strict
        );
    }

    /// pilot/pkg/model/config.go, ResolveShortnameToFQDN.
    #[test]
    fn destination_rule_hosts() {
        assert_eq!(resolve_host("web", "shop"), "web.shop.svc.cluster.local");
        assert_eq!(resolve_host("web.shop", "blog"), "web.shop");
        assert!(host_covers("web.shop.svc.cluster.local", "shop", "web"));
        assert!(host_covers("*.shop.svc.cluster.local", "shop", "web"));
        assert!(host_covers("*", "shop", "web"));
        assert!(!host_covers("web.shop", "shop", "web"), "not expanded: no match");
    }

    fn facts() -> MtlsFacts {
        MtlsFacts {
            root_namespace: "istio-system".into(),
            crd: true,
            pods: vec![
                pod("shop", "web-1", &[("app", "web")], true),
                pod("shop", "web-2", &[("app", "web")], true),
                pod("legacy", "cron-1", &[("app", "cron")], false),
                pod("kube-system", "dns-1", &[("app", "dns")], false),
            ],
            services: vec![ServiceFacts {
                namespace: "shop".into(),
                name: "web".into(),
                selector: map(&[("app", "web")]),
                targets: vec![IntOrString::Int(8080)],
            }],
            namespaces: vec!["shop".into(), "legacy".into(), "kube-system".into()],
            ..MtlsFacts::default()
        }
    }

    #[test]
    fn strict_names_the_servers_and_the_sidecarless_callers() {
        let f = facts();
        let plan = changes(&f, &["shop".to_string()], Mode::Strict, false);
        assert_eq!(plan[0].action, "create");
        let after = after(&f, &plan);
        let scope: BTreeSet<String> = ["shop".to_string()].into();
        let servers = servers(&f, &f.peer_authns, &after, Some(&scope));
        assert_eq!(servers.len(), 1);
        assert_eq!(
            (
                servers[0].workload.as_str(),
                servers[0].pods,
                servers[0].ports.clone()
            ),
            ("deployment/web", 2, vec![8080])
        );
        let clients = sidecarless(&f);
        assert_eq!(clients.len(), 1, "kube-system is never injected: {clients:?}");
        assert_eq!(clients[0].namespace, "legacy");
        // A workload policy that keeps port 8080 PERMISSIVE: nothing turns STRICT.
        let mut f2 = f.clone();
        f2.peer_authns.push(pa(
            "shop",
            "keep",
            &[("app", "web")],
            None,
            &[(8080, Some("PERMISSIVE"))],
        ));
        let after = super::after(&f2, &plan);
        assert!(super::servers(&f2, &f2.peer_authns, &after, Some(&scope)).is_empty());
    }

    #[test]
    fn someone_elses_policy_is_left_alone_and_only_ours_is_removed() {
        let mut f = facts();
        f.peer_authns
            .push(pa("shop", "team-policy", &[], Some("PERMISSIVE"), &[]));
        let plan = changes(&f, &["shop".to_string()], Mode::Strict, false);
        assert_eq!(
            (plan[0].action, plan[0].name.as_str()),
            ("left-alone", "team-policy")
        );
        let mut ours = pa("legacy", "default", &[], Some("STRICT"), &[]);
        ours.owned = true;
        f.peer_authns.push(ours);
        let plan = changes(
            &f,
            &["legacy".to_string(), "shop".to_string()],
            Mode::Permissive,
            true,
        );
        assert_eq!(plan[0].action, "delete");
        assert_eq!(plan[1].action, "left-alone");
        assert_eq!(
            changes(&f, &["legacy".to_string()], Mode::Strict, false)[0].action,
            "unchanged"
        );
    }

    /// Istio's standard metrics: a caller without a sidecar is `source_workload="unknown"`.
    #[test]
    fn prometheus_series_become_callers() {
        let servers = vec![Server {
            namespace: "shop".into(),
            workload: "deployment/web".into(),
            pods: 2,
            services: vec!["web".into()],
            ports: vec![8080],
        }];
        let sample = |src: &str, dst: &str, v: f64| Sample {
            labels: map(&[
                ("source_workload", src),
                ("source_workload_namespace", "legacy"),
                ("destination_workload", dst),
                ("destination_workload_namespace", "shop"),
            ]),
            value: v,
        };
        let callers = plaintext_callers(
            &[
                sample("cron", "web", 0.5),
                sample("cron", "web", 0.25),
                sample("idle", "web", 0.0),
                sample("x", "db", 3.0),
            ],
            &servers,
        );
        assert_eq!(callers.len(), 1, "{callers:?}");
        assert_eq!(callers[0].rate, Some(0.75));
        assert_eq!(callers[0].calls, ["shop/deployment/web"]);
        let q = plaintext_queries(Some(&["a".to_string(), "b".to_string()].into()), "3600s");
        assert!(q[0].contains("istio_requests_total{reporter=\"destination\",connection_security_policy!=\"mutual_tls\",destination_workload_namespace=~\"a|b\"}[3600s]"), "{}", q[0]);
        assert!(q[1].starts_with("sum by") && q[1].contains("istio_tcp_connections_opened_total"));
    }
}

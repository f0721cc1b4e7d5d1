//! What Istio is on a cluster, read once: control planes and gateways, webhooks, the Istio CRDs
//! and every object they serve, namespaces and pods, and what an earlier uninstall left behind.
//! Shared by `status`, `uninstall` and `enable`/`disable`. Concurrent, paginated lists: never
//! one request per namespace or per pod.
use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Node, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::Value;

use crate::check::capacity::{Resources, pod_requests};
use crate::cluster::{api_error, fold_all, list_all};
use crate::error::Result;
use crate::inject::{INJECTION_LABEL, REVISION_LABEL};
use crate::preflight::TargetSummary;
use crate::restart::has_sidecar;
use crate::target::Target;

pub const COMPONENT_LABEL: &str = "operator.istio.io/component";
pub const VERSION_LABEL: &str = "operator.istio.io/version";
/// Set by the injector on every pod it injects: JSON naming the revision among other things.
pub const STATUS_ANNOTATION: &str = "sidecar.istio.io/status";
pub const INJECT_LABEL: &str = "sidecar.istio.io/inject";
/// The namespace Istio is installed into unless told otherwise.
pub const DEFAULT_NAMESPACE: &str = "istio-system";
/// ConfigMaps istiod creates at run time (leader election), left behind by `istioctl uninstall`.
pub const LEADER_CONFIGMAPS: &[&str] = &[
    "istio-leader",
    "istio-namespace-controller-election",
    "istio-gateway-deployment-default",
    "istio-gateway-status-leader",
    "istio-gateway-leader",
    "istio-validation-controller-election",
];
/// The ConfigMap istiod copies into every namespace.
pub const CA_ROOT_CONFIGMAP: &str = "istio-ca-root-cert";
/// Istio never injects these.
pub const NEVER_INJECTED: &[&str] = &["kube-system", "kube-public"];

/// One Istio workload: istiod, a gateway, the CNI node agent or ztunnel.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub namespace: String,
    pub name: String,
    /// `Deployment` or `DaemonSet`.
    pub kind: &'static str,
    /// istioctl's component name: `Pilot`, `IngressGateways`, `EgressGateways`, `Cni`, `Ztunnel`.
    pub component: String,
    pub revision: String,
    pub version: Option<String>,
    pub ready: i32,
    pub desired: i32,
    #[serde(skip)]
    pub created: Option<Timestamp>,
}

impl Component {
    pub fn is_control_plane(&self) -> bool {
        self.component == "Pilot"
    }

    pub fn healthy(&self) -> bool {
        self.desired > 0 && self.ready >= self.desired
    }

    /// `Deployment/istio-system/istiod`
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum WebhookKind {
    MutatingWebhookConfiguration,
    ValidatingWebhookConfiguration,
}

/// An Istio admission webhook configuration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Webhook {
    pub kind: WebhookKind,
    pub name: String,
    /// The revision it serves (its `istio.io/rev` label), `default` when unlabelled.
    pub revision: String,
}

impl Webhook {
    /// A sidecar injector (`istio-sidecar-injector[-rev]`) or a revision tag
    /// (`istio-revision-tag-<tag>`): what makes pods get a sidecar.
    pub fn injects(&self) -> bool {
        self.kind == WebhookKind::MutatingWebhookConfiguration
            && (self.name.starts_with("istio-sidecar-injector") || self.is_tag())
    }

    pub fn is_tag(&self) -> bool {
        self.name.starts_with("istio-revision-tag-")
    }
}

/// A served `*.istio.io` custom resource definition.
#[derive(Debug, Clone, Serialize)]
pub struct IstioCrd {
    /// `virtualservices.networking.istio.io`
    pub name: String,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

impl IstioCrd {
    pub fn api_resource(&self) -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(&self.group, &self.version, &self.kind),
            &self.plural,
        )
    }
}

/// Every object of one Istio CRD.
#[derive(Debug, Clone)]
pub struct ObjectSet {
    pub crd: IstioCrd,
    pub objects: Vec<DynamicObject>,
}

/// Objects of one kind, as reports show them.
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub group: String,
    pub count: usize,
}

/// A thing on the cluster that reports name and that istioup may delete.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    /// `ConfigMap/shop/istio-ca-root-cert`, `ValidatingWebhookConfiguration/istiod-default-validator`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{ns}/{}", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// Everything `status` and `uninstall` need to know, read once.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub components: Vec<Component>,
    pub webhooks: Vec<Webhook>,
    pub crds: Vec<IstioCrd>,
    /// Objects per CRD; empty when gathered without them.
    pub objects: Vec<ObjectSet>,
    pub namespaces: Vec<Namespace>,
    /// Live pods, each reduced to what injection and status read.
    pub pods: Vec<PodInfo>,
    /// `istio-ca-root-cert` ConfigMaps, everywhere, and every ConfigMap of the Istio namespaces.
    pub configmaps: Vec<ConfigMap>,
    /// `sidecarInjectorWebhook.enableNamespacesByDefault`: every namespace not labelled
    /// `istio-injection=disabled` is injected.
    pub enabled_by_default: bool,
}

impl Inventory {
    pub fn control_planes(&self) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(|c| c.is_control_plane())
    }

    pub fn revisions(&self) -> BTreeSet<String> {
        self.components.iter().map(|c| c.revision.clone()).collect()
    }

    /// Where Istio runs (or ran): the namespaces of its components, else `istio-system` if it
    /// exists.
    pub fn istio_namespaces(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self.components.iter().map(|c| c.namespace.clone()).collect();
        if out.is_empty() && self.namespaces.iter().any(|n| n.name_any() == DEFAULT_NAMESPACE) {
            out.insert(DEFAULT_NAMESPACE.to_string());
        }
        out
    }

    /// The control plane version serving `revision`, if known.
    pub fn version_of(&self, revision: &str) -> Option<&Component> {
        self.control_planes().find(|c| c.revision == revision)
    }

    /// Whether an injector or tag webhook serves `revision` (pods created now get a sidecar).
    pub fn injects(&self, revision: &str) -> bool {
        self.webhooks
            .iter()
            .any(|w| w.injects() && w.revision == revision)
            || self
                .webhooks
                .iter()
                .any(|w| w.is_tag() && w.name == format!("istio-revision-tag-{revision}"))
    }

    pub fn object_counts(&self) -> Vec<KindCount> {
        self.objects
            .iter()
            .filter(|set| !set.objects.is_empty())
            .map(|set| KindCount {
                kind: set.crd.kind.clone(),
                group: set.crd.group.clone(),
                count: set.objects.len(),
            })
            .collect()
    }

    pub fn object_total(&self) -> usize {
        self.objects.iter().map(|s| s.objects.len()).sum()
    }

    /// Non-terminated pods carrying an injected sidecar, per namespace.
    pub fn sidecar_pods(&self) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for pod in self.pods.iter().filter(|p| carries_sidecar(p)) {
            out.entry(pod.namespace.clone())
                .or_default()
                .push(pod.name.clone());
        }
        out
    }

    /// What an uninstall leaves behind and istioup cleans: webhooks and ConfigMaps of control
    /// planes that no longer run. `everything` treats every control plane as gone (after
    /// `istioctl uninstall`, before re-reading the cluster).
    pub fn leftovers(&self, everything: bool) -> Vec<ObjectRef> {
        let running: BTreeSet<&str> = if everything {
            BTreeSet::new()
        } else {
            self.control_planes().map(|c| c.revision.as_str()).collect()
        };
        let mut out = Vec::new();
        for w in &self.webhooks {
            let orphan = !running.contains(w.revision.as_str());
            let known = w.is_tag()
                || w.name.starts_with("istio-sidecar-injector")
                || w.name == "istiod-default-validator"
                || w.name.starts_with("istio-validator");
            // A validator with no istiod behind it rejects every Istio object; a tag or injector
            // with none blocks pod creation in injected namespaces.
            if known
                && (orphan || (running.is_empty() && w.kind == WebhookKind::ValidatingWebhookConfiguration))
            {
                out.push(ObjectRef {
                    kind: format!("{:?}", w.kind),
                    namespace: None,
                    name: w.name.clone(),
                });
            }
        }
        if running.is_empty() {
            let istio_namespaces = self.istio_namespaces();
            for cm in &self.configmaps {
                let ns = cm.namespace().unwrap_or_default();
                let name = cm.name_any();
                let leader = istio_namespaces.contains(&ns) && LEADER_CONFIGMAPS.contains(&name.as_str());
                if name == CA_ROOT_CONFIGMAP || leader {
                    out.push(ObjectRef {
                        kind: "ConfigMap".into(),
                        namespace: Some(ns),
                        name,
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Reads the cluster. `with_objects` also lists every object of every Istio CRD (what
/// `uninstall` reports and backs up); `status` only counts them, which needs the same lists.
pub async fn gather(client: &Client, with_objects: bool) -> Result<Inventory> {
    let all = ListParams::default();
    let deployments = |selector: &str| {
        list(
            Api::<Deployment>::all(client.clone()),
            ListParams::default().labels(selector),
            "deployments",
        )
    };
    let ca_roots = ListParams::default().fields(&format!("metadata.name={CA_ROOT_CONFIGMAP}"));
    let (istiods, labelled, gateways, daemonsets, mutating, validating, crds, namespaces, pods, ca_cms) = tokio::try_join!(
        deployments("app=istiod"),
        deployments(COMPONENT_LABEL),
        deployments("istio in (ingressgateway,egressgateway)"),
        list(
            Api::<DaemonSet>::all(client.clone()),
            ListParams::default().labels(COMPONENT_LABEL),
            "daemonsets"
        ),
        list_all(
            Api::<MutatingWebhookConfiguration>::all(client.clone()),
            &all,
            "mutatingwebhookconfigurations"
        ),
        list_all(
            Api::<ValidatingWebhookConfiguration>::all(client.clone()),
            &all,
            "validatingwebhookconfigurations"
        ),
        list_all(
            Api::<CustomResourceDefinition>::all(client.clone()),
            &all,
            "customresourcedefinitions"
        ),
        list_all(Api::<Namespace>::all(client.clone()), &all, "namespaces"),
        fold_all(
            Api::<Pod>::all(client.clone()),
            &all,
            "pods",
            Vec::new(),
            |pods, pod| {
                if is_live(&pod) {
                    pods.push(PodInfo::from(pod));
                }
            }
        ),
        list_all(Api::<ConfigMap>::all(client.clone()), &ca_roots, "configmaps"),
    )?;
    let mut components: Vec<Component> = Vec::new();
    for d in istiods.iter().chain(&labelled).chain(&gateways) {
        let c = deployment_component(d);
        if !components
            .iter()
            .any(|o| o.namespace == c.namespace && o.name == c.name)
        {
            components.push(c);
        }
    }
    components.extend(daemonsets.iter().map(daemonset_component));
    components.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));

    let mut webhooks: Vec<Webhook> = mutating
        .iter()
        .map(|w| webhook(WebhookKind::MutatingWebhookConfiguration, w))
        .chain(
            validating
                .iter()
                .map(|w| webhook(WebhookKind::ValidatingWebhookConfiguration, w)),
        )
        .filter(|w| w.name.starts_with("istio"))
        .collect();
    webhooks.sort();
    let crds: Vec<IstioCrd> = crds.iter().filter_map(istio_crd).collect();

    let mut inventory = Inventory {
        components,
        webhooks,
        crds,
        namespaces,
        pods,
        ..Inventory::default()
    };
    let istio_namespaces: Vec<String> = inventory.istio_namespaces().into_iter().collect();
    let cms = try_join_all(istio_namespaces.iter().map(|ns| {
        list(
            Api::<ConfigMap>::namespaced(client.clone(), ns),
            ListParams::default(),
            "configmaps",
        )
    }));
    let objects = async {
        if with_objects {
            try_join_all(inventory.crds.iter().map(|crd| list_objects(client, crd))).await
        } else {
            Ok(Vec::new())
        }
    };
    let (cms, objects) = tokio::try_join!(cms, objects)?;
    let mut configmaps: Vec<ConfigMap> = cms.into_iter().flatten().collect();
    for cm in ca_cms {
        if !istio_namespaces.contains(&cm.namespace().unwrap_or_default()) {
            configmaps.push(cm);
        }
    }
    inventory.enabled_by_default = enabled_by_default(&configmaps, &objects);
    inventory.configmaps = configmaps;
    inventory.objects = objects;
    Ok(inventory)
}

/// Just the control planes, their webhooks and whether the mesh injects by default: what
/// `enable`/`disable` need, without reading every pod.
pub async fn control_planes(client: &Client) -> Result<Inventory> {
    let (istiods, mutating) = tokio::try_join!(
        list(
            Api::<Deployment>::all(client.clone()),
            ListParams::default().labels("app=istiod"),
            "deployments"
        ),
        list(
            Api::<MutatingWebhookConfiguration>::all(client.clone()),
            ListParams::default(),
            "mutatingwebhookconfigurations"
        ),
    )?;
    let components: Vec<Component> = istiods.iter().map(deployment_component).collect();
    let namespaces: BTreeSet<String> = components.iter().map(|c| c.namespace.clone()).collect();
    let configmaps = try_join_all(namespaces.iter().map(|ns| {
        list(
            Api::<ConfigMap>::namespaced(client.clone(), ns),
            ListParams::default().fields("metadata.name=istio-sidecar-injector"),
            "configmaps",
        )
    }))
    .await?;
    let configmaps: Vec<ConfigMap> = configmaps.into_iter().flatten().collect();
    Ok(Inventory {
        components,
        webhooks: mutating
            .iter()
            .map(|w| webhook(WebhookKind::MutatingWebhookConfiguration, w))
            .filter(|w| w.name.starts_with("istio"))
            .collect(),
        enabled_by_default: enabled_by_default(&configmaps, &[]),
        configmaps,
        ..Inventory::default()
    })
}

/// `list_all` owning its parameters, so the future can outlive the expression that built them.
async fn list<K>(api: Api<K>, params: ListParams, what: &str) -> Result<Vec<K>>
where
    K: Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    list_all(api, &params, what).await
}

async fn list_objects(client: &Client, crd: &IstioCrd) -> Result<ObjectSet> {
    let api = Api::<DynamicObject>::all_with(client.clone(), &crd.api_resource());
    let objects = list_all(api, &ListParams::default(), &crd.name).await?;
    Ok(ObjectSet {
        crd: crd.clone(),
        objects,
    })
}

/// The target as the banner and reports show it: names, server, Kubernetes version, node count.
pub async fn target_summary(target: &Target, client: &Client) -> Result<TargetSummary> {
    let version = client
        .apiserver_version()
        .await
        .map_err(|e| api_error(e, "cannot reach the Kubernetes API server"))?;
    let nodes = Api::<Node>::all(client.clone());
    // One small page and the server's count of the rest, instead of every node.
    let page = nodes
        .list_metadata(&ListParams::default().limit(1))
        .await
        .map_err(|e| api_error(e, "cannot list nodes"))?;
    let count = match page.metadata.remaining_item_count {
        Some(rest) => page.items.len() + usize::try_from(rest).unwrap_or(0),
        None if page.metadata.continue_.as_deref().is_none_or(str::is_empty) => page.items.len(),
        None => list_all(nodes, &ListParams::default(), "nodes").await?.len(),
    };
    Ok(TargetSummary {
        context: target.context.clone(),
        cluster: target.cluster.clone(),
        server: target.server.clone(),
        kubernetes_version: version.git_version,
        nodes: count,
    })
}

fn revision_of(labels: &BTreeMap<String, String>) -> String {
    labels
        .get(REVISION_LABEL)
        .filter(|r| !r.is_empty())
        .cloned()
        .unwrap_or_else(|| "default".into())
}

fn deployment_component(d: &Deployment) -> Component {
    let labels = d.labels();
    let component = labels.get(COMPONENT_LABEL).cloned().unwrap_or_else(|| {
        match (
            labels.get("app").map(String::as_str),
            labels.get("istio").map(String::as_str),
        ) {
            (Some("istiod"), _) => "Pilot".into(),
            (_, Some("egressgateway")) => "EgressGateways".into(),
            _ => "IngressGateways".into(),
        }
    });
    let image_tag = d
        .spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.as_deref())
        .and_then(image_tag);
    let status = d.status.clone().unwrap_or_default();
    Component {
        namespace: d.namespace().unwrap_or_default(),
        name: d.name_any(),
        kind: "Deployment",
        component,
        revision: revision_of(labels),
        version: labels.get(VERSION_LABEL).cloned().or(image_tag),
        ready: status.ready_replicas.unwrap_or(0),
        desired: d.spec.replicas.unwrap_or(1),
        created: d.metadata.creation_timestamp.as_ref().map(|t| t.0),
    }
}

fn daemonset_component(d: &DaemonSet) -> Component {
    let labels = d.labels();
    let status = d.status.clone().unwrap_or_default();
    Component {
        namespace: d.namespace().unwrap_or_default(),
        name: d.name_any(),
        kind: "DaemonSet",
        component: labels.get(COMPONENT_LABEL).cloned().unwrap_or_default(),
        revision: revision_of(labels),
        version: labels.get(VERSION_LABEL).cloned(),
        ready: status.number_ready,
        desired: status.desired_number_scheduled,
        created: d.metadata.creation_timestamp.as_ref().map(|t| t.0),
    }
}

fn webhook<K: ResourceExt>(kind: WebhookKind, w: &K) -> Webhook {
    Webhook {
        kind,
        name: w.name_any(),
        revision: revision_of(w.labels()),
    }
}

fn istio_crd(crd: &CustomResourceDefinition) -> Option<IstioCrd> {
    let spec = &crd.spec;
    if !spec.group.ends_with("istio.io") {
        return None;
    }
    let served: Vec<_> = spec.versions.iter().filter(|v| v.served).collect();
    let version = served.iter().find(|v| v.storage).or(served.first())?;
    Some(IstioCrd {
        name: crd.name_any(),
        group: spec.group.clone(),
        version: version.name.clone(),
        kind: spec.names.kind.clone(),
        plural: spec.names.plural.clone(),
        namespaced: spec.scope == "Namespaced",
    })
}

/// `docker.io/istio/proxyv2:1.28.0` → `1.28.0`; none for a digest or an untagged image.
pub fn image_tag(image: &str) -> Option<String> {
    if image.contains('@') {
        return None;
    }
    let (repo, tag) = image.rsplit_once(':')?;
    // `registry:5000/proxyv2` has a port, not a tag.
    (!tag.contains('/') && !repo.is_empty()).then(|| tag.to_string())
}

/// From the injector ConfigMap's `values` (JSON), else from an IstioOperator's spec.values.
fn enabled_by_default(configmaps: &[ConfigMap], objects: &[ObjectSet]) -> bool {
    let pointer = "/sidecarInjectorWebhook/enableNamespacesByDefault";
    let from_configmap = configmaps
        .iter()
        .filter(|cm| cm.name_any() == "istio-sidecar-injector")
        .filter_map(|cm| cm.data.as_ref()?.get("values"))
        .filter_map(|v| serde_json::from_str::<Value>(v).ok())
        .find_map(|v| v.pointer(pointer).and_then(Value::as_bool));
    if let Some(on) = from_configmap {
        return on;
    }
    objects
        .iter()
        .filter(|set| set.crd.kind == "IstioOperator")
        .flat_map(|set| &set.objects)
        .filter_map(|o| o.data.pointer(&format!("/spec/values{pointer}")))
        .any(|v| v.as_bool() == Some(true))
}

pub fn is_live(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded" | "Failed")) && pod.metadata.deletion_timestamp.is_none()
}

/// What status and uninstall read of a pod, and nothing more: a cluster may have 150,000 pods,
/// and a typed `Pod` is kilobytes even when its fields are empty.
#[derive(Debug, Clone, Default)]
pub struct PodInfo {
    pub namespace: String,
    pub name: String,
    /// Only the labels injection and the checks read: `sidecar.istio.io/inject`, `istio.io/rev`,
    /// `istio`, `operator.istio.io/component`.
    pub labels: BTreeMap<String, String>,
    /// The injector's `sidecar.istio.io/status` annotation: set on every pod it injected.
    pub injector_status: Option<String>,
    /// Whether an `istio-proxy` container runs (as a sidecar, or as a gateway's workload).
    pub has_proxy: bool,
    pub proxy_image: Option<String>,
    pub host_network: bool,
    pub created: Option<Timestamp>,
    /// The node it runs on (empty while Pending) and what it requests there: capacity checks
    /// read these.
    pub node: String,
    pub requests: Resources,
}

impl From<Pod> for PodInfo {
    fn from(pod: Pod) -> Self {
        let has_proxy = has_sidecar(&pod);
        let requests = pod_requests(&pod);
        let Pod { metadata, spec, .. } = pod;
        let spec = spec.unwrap_or_default();
        let proxy_image = spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .find(|c| c.name == "istio-proxy")
            .and_then(|c| c.image.clone());
        PodInfo {
            namespace: metadata.namespace.unwrap_or_default(),
            name: metadata.name.unwrap_or_default(),
            labels: metadata
                .labels
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| {
                    [INJECT_LABEL, REVISION_LABEL, "istio", COMPONENT_LABEL].contains(&k.as_str())
                })
                .collect(),
            injector_status: metadata.annotations.and_then(|mut a| a.remove(STATUS_ANNOTATION)),
            has_proxy,
            proxy_image,
            host_network: spec.host_network == Some(true),
            created: metadata.creation_timestamp.map(|t| t.0),
            node: spec.node_name.unwrap_or_default(),
            requests,
        }
    }
}

/// A pod with an injected proxy. Gateway pods run `istio-proxy` too, but as the workload itself.
pub fn carries_sidecar(pod: &PodInfo) -> bool {
    if !pod.has_proxy {
        return false;
    }
    let gateway = matches!(
        pod.labels.get("istio").map(String::as_str),
        Some("ingressgateway" | "egressgateway")
    );
    pod.injector_status.is_some() || !gateway
}

/// The revision that would inject `pod` if it were created now in `namespace` (by the rules of
/// ISTIO-FACTS.md "Injection"); `None` when it would get no sidecar.
pub fn wanted_revision(pod: &PodInfo, namespace: &Namespace, enabled_by_default: bool) -> Option<String> {
    let ns_name = namespace.name_any();
    if NEVER_INJECTED.contains(&ns_name.as_str()) || pod.host_network {
        return None;
    }
    let pod_inject = pod.labels.get(INJECT_LABEL).map(String::as_str);
    if pod_inject == Some("false") {
        return None;
    }
    let ns_labels = namespace.labels();
    match ns_labels.get(INJECTION_LABEL).map(String::as_str) {
        Some("disabled") => return None,
        Some("enabled") => return Some("default".into()),
        _ => {}
    }
    if let Some(rev) = ns_labels.get(REVISION_LABEL) {
        return Some(rev.clone());
    }
    // The injector labels what it injects with its revision: only a pod it did not inject carries
    // `istio.io/rev` from its own template.
    if pod.injector_status.is_none()
        && let Some(rev) = pod.labels.get(REVISION_LABEL)
    {
        return Some(rev.clone());
    }
    if pod_inject == Some("true") || enabled_by_default {
        return Some("default".into());
    }
    None
}

/// The revision that injected `pod`: the injector's status annotation, else its label.
pub fn injected_revision(pod: &PodInfo) -> Option<String> {
    pod.injector_status
        .as_deref()
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v.get("revision").and_then(Value::as_str).map(String::from))
        .or_else(|| pod.labels.get(REVISION_LABEL).cloned())
}

/// The proxy image tag of an injected pod.
pub fn proxy_version(pod: &PodInfo) -> Option<String> {
    pod.proxy_image.as_deref().and_then(image_tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(
            image_tag("docker.io/istio/proxyv2:1.28.0").as_deref(),
            Some("1.28.0")
        );
        assert_eq!(image_tag("registry:5000/istio/proxyv2"), None);
        assert_eq!(image_tag("istio/proxyv2@sha256:abc"), None);
        assert_eq!(image_tag("proxyv2"), None);
    }

    fn pod(labels: &[(&str, &str)], annotated: bool) -> PodInfo {
        let mut p = Pod::default();
        p.metadata.name = Some("p".into());
        p.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        if annotated {
            p.metadata.annotations = Some(
                [(
                    STATUS_ANNOTATION.to_string(),
                    r#"{"revision":"canary"}"#.to_string(),
                )]
                .into(),
            );
        }
        PodInfo::from(p)
    }

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
    fn injection_rules() {
        let plain = pod(&[], false);
        assert_eq!(
            wanted_revision(&plain, &ns("a", &[("istio-injection", "enabled")]), false).as_deref(),
            Some("default")
        );
        assert_eq!(
            wanted_revision(
                &plain,
                &ns("a", &[("istio-injection", "disabled"), ("istio.io/rev", "x")]),
                true
            ),
            None
        );
        assert_eq!(
            wanted_revision(&plain, &ns("a", &[("istio.io/rev", "canary")]), false).as_deref(),
            Some("canary")
        );
        assert_eq!(wanted_revision(&plain, &ns("a", &[]), false), None);
        assert_eq!(
            wanted_revision(&plain, &ns("a", &[]), true).as_deref(),
            Some("default")
        );
        assert_eq!(
            wanted_revision(
                &plain,
                &ns("kube-system", &[("istio-injection", "enabled")]),
                true
            ),
            None
        );
        let opted_out = pod(&[(INJECT_LABEL, "false")], false);
        assert_eq!(
            wanted_revision(&opted_out, &ns("a", &[("istio-injection", "enabled")]), false),
            None
        );
        let opted_in = pod(&[(INJECT_LABEL, "true")], false);
        assert_eq!(
            wanted_revision(&opted_in, &ns("a", &[]), false).as_deref(),
            Some("default")
        );
        // The label the injector put on an injected pod does not opt it in again.
        let injected = pod(&[(REVISION_LABEL, "canary")], true);
        assert_eq!(wanted_revision(&injected, &ns("a", &[]), false), None);
        assert_eq!(injected_revision(&injected).as_deref(), Some("canary"));
    }
}

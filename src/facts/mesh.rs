//! What Istio is on a cluster, read once: control planes and gateways, webhooks, the Istio CRDs
//! and every object they serve, namespaces and pods, and what an earlier uninstall left behind.
//! Shared by `status`, `uninstall` and `enable`/`disable`. Concurrent, paginated lists, never
//! one request per pod; a big cluster's pods are read per namespace, a few namespaces at once.
use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::Value;

use super::client::list_all;
use super::pods::{self, Pods};
use crate::error::Result;
use crate::istio::{
    CA_ROOT_CONFIGMAP, COMPONENT_LABEL, DEFAULT_NAMESPACE, LEADER_CONFIGMAPS, REVISION_LABEL, VERSION_LABEL,
    component, image_tag, is_injector_webhook, is_istio_group, is_validator_webhook,
};

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
    /// Whether istioctl installed it: it carries `operator.istio.io/component`.
    #[serde(skip)]
    pub by_istioctl: bool,
}

impl Component {
    pub fn is_control_plane(&self) -> bool {
        self.component == component::PILOT
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
        self.kind == WebhookKind::MutatingWebhookConfiguration && is_injector_webhook(&self.name)
    }

    pub fn is_tag(&self) -> bool {
        self.name.starts_with(crate::istio::TAG_WEBHOOK_PREFIX)
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
    pub pods: Pods,
    /// `istio-ca-root-cert` ConfigMaps, everywhere, and every ConfigMap of the Istio namespaces.
    pub configmaps: Vec<ConfigMap>,
    /// `sidecarInjectorWebhook.enableNamespacesByDefault`: every namespace not labelled
    /// `istio-injection=disabled` is injected.
    pub enabled_by_default: bool,
    /// Deployed Helm releases (their release Secrets, labelled `owner=helm`), as
    /// `namespace/name`.
    pub helm_releases: Vec<(String, String)>,
}

impl Inventory {
    /// The Helm releases that manage this mesh: a control plane installed with Helm carries no
    /// istioctl component label (istioctl renders the same charts, so their `managed-by: Helm`
    /// labels prove nothing), and Helm keeps a release Secret in its namespace.
    pub fn helm_managed(&self) -> Vec<String> {
        let namespaces: BTreeSet<&str> = self
            .control_planes()
            .filter(|c| !c.by_istioctl)
            .map(|c| c.namespace.as_str())
            .collect();
        self.helm_releases
            .iter()
            .filter(|(ns, _)| namespaces.contains(ns.as_str()))
            .map(|(ns, name)| format!("{ns}/{name}"))
            .collect()
    }

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
                .any(|w| w.is_tag() && w.name == crate::istio::tag_webhook(revision))
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
        for pod in self.pods.iter().filter(|p| p.carries_sidecar()) {
            out.entry(pod.namespace.to_string())
                .or_default()
                .push(pod.name.to_string());
        }
        out
    }

    /// What an uninstall leaves behind and istioup cleans: webhooks and ConfigMaps of control
    /// planes that no longer run. `everything` treats every control plane as gone (the plan,
    /// before `istioctl uninstall` ran).
    pub fn leftovers(&self, everything: bool) -> Vec<ObjectRef> {
        let running: BTreeSet<&str> = if everything {
            BTreeSet::new()
        } else {
            self.control_planes().map(|c| c.revision.as_str()).collect()
        };
        leftovers_given(
            &self.webhooks,
            &self.configmaps,
            &running,
            &self.istio_namespaces(),
        )
    }

    /// The leftovers once istioctl ran, judged on `after` (the cluster re-read): webhooks of
    /// revisions no longer running there. The ConfigMaps come from this inventory too, since a
    /// removed control plane no longer names its namespace (deleting one already gone is fine).
    pub fn leftovers_after(&self, after: &Inventory) -> Vec<ObjectRef> {
        let running: BTreeSet<&str> = after.control_planes().map(|c| c.revision.as_str()).collect();
        let mut namespaces = self.istio_namespaces();
        namespaces.extend(after.istio_namespaces());
        let configmaps: Vec<ConfigMap> = self.configmaps.iter().chain(&after.configmaps).cloned().collect();
        leftovers_given(&after.webhooks, &configmaps, &running, &namespaces)
    }
}

fn leftovers_given(
    webhooks: &[Webhook],
    configmaps: &[ConfigMap],
    running: &BTreeSet<&str>,
    istio_namespaces: &BTreeSet<String>,
) -> Vec<ObjectRef> {
    let mut out = Vec::new();
    for w in webhooks {
        let orphan = !running.contains(w.revision.as_str());
        let known = is_injector_webhook(&w.name) || is_validator_webhook(&w.name);
        // A validator with no istiod behind it rejects every Istio object; a tag or injector
        // with none blocks pod creation in injected namespaces.
        if known && (orphan || (running.is_empty() && w.kind == WebhookKind::ValidatingWebhookConfiguration))
        {
            out.push(ObjectRef {
                kind: format!("{:?}", w.kind),
                namespace: None,
                name: w.name.clone(),
            });
        }
    }
    if running.is_empty() {
        for cm in configmaps {
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
    let (istiods, labelled, gateways, daemonsets, mutating, validating, crds, (namespaces, pods), ca_cms) = tokio::try_join!(
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
        namespaces_and_pods(client),
        list_all(Api::<ConfigMap>::all(client.clone()), &ca_roots, "configmaps"),
    )?;
    let deployments: Vec<&Deployment> = istiods.iter().chain(&labelled).chain(&gateways).collect();
    let mut inventory = Inventory {
        components: components_of(&deployments, &daemonsets),
        webhooks: webhooks_of(&mutating, &validating),
        crds: crds.iter().filter_map(istio_crd).collect(),
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
    let (cms, objects, helm_releases) =
        tokio::try_join!(cms, objects, helm_releases(client, &istio_namespaces))?;
    inventory.helm_releases = helm_releases;
    let mut configmaps: Vec<ConfigMap> = cms.into_iter().flatten().collect();
    for cm in ca_cms {
        if !istio_namespaces.contains(&cm.namespace().unwrap_or_default()) {
            configmaps.push(cm);
        }
    }
    inventory.enabled_by_default = auto_injects(&mutating) || enabled_by_default(&configmaps, &objects);
    inventory.configmaps = configmaps;
    inventory.objects = objects;
    Ok(inventory)
}

/// The namespaces, then their live pods: a big cluster's pods are read namespace by namespace
/// (`pods::live`).
async fn namespaces_and_pods(client: &Client) -> Result<(Vec<Namespace>, Pods)> {
    let all = ListParams::default();
    let (namespaces, count) = tokio::try_join!(
        list_all(Api::<Namespace>::all(client.clone()), &all, "namespaces"),
        pods::count(client)
    )?;
    let names: Vec<String> = namespaces.iter().map(ResourceExt::name_any).collect();
    let pods = pods::live(client, &names, count).await?;
    Ok((namespaces, pods))
}

/// Each Deployment once (the lists that found them overlap), then the DaemonSets, by namespace
/// and name.
fn components_of(deployments: &[&Deployment], daemonsets: &[DaemonSet]) -> Vec<Component> {
    let mut components: Vec<Component> = Vec::new();
    for d in deployments {
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
    components
}

fn webhooks_of(
    mutating: &[MutatingWebhookConfiguration],
    validating: &[ValidatingWebhookConfiguration],
) -> Vec<Webhook> {
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
    webhooks
}

/// The deployed Helm releases in the Istio namespaces, from their release Secrets (Helm 3 and 4
/// store each release as a Secret labelled `owner=helm`, `name=<release>`, `status=deployed`).
async fn helm_releases(client: &Client, namespaces: &[String]) -> Result<Vec<(String, String)>> {
    let params = ListParams::default().labels("owner=helm,status=deployed");
    let lists = try_join_all(namespaces.iter().map(|ns| {
        let api = Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client.clone(), ns);
        let params = params.clone();
        async move {
            match api.list_metadata(&params).await {
                Ok(list) => Ok(list.items),
                // Without the right to list Secrets there is no telling; istioctl's own labels
                // still say what istioctl installed.
                Err(kube::Error::Api(status)) if status.code == 403 => Ok(Vec::new()),
                Err(e) => Err(crate::error::api_error(
                    e,
                    &format!("cannot list Helm releases in {ns}"),
                )),
            }
        }
    }))
    .await?;
    let mut out: Vec<(String, String)> = lists
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let ns = s.metadata.namespace?;
            let name = s.metadata.labels?.get("name")?.clone();
            Some((ns, name))
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
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
            ListParams::default().fields(&format!("metadata.name={}", crate::istio::INJECTOR_PREFIX)),
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
        enabled_by_default: auto_injects(&mutating) || enabled_by_default(&configmaps, &[]),
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
            (Some("istiod"), _) => component::PILOT.into(),
            (_, Some("egressgateway")) => component::EGRESS_GATEWAYS.into(),
            _ => component::INGRESS_GATEWAYS.into(),
        }
    });
    let image_tag = running_version(d.spec.template.spec.as_ref());
    let status = d.status.clone().unwrap_or_default();
    Component {
        namespace: d.namespace().unwrap_or_default(),
        name: d.name_any(),
        kind: "Deployment",
        component,
        revision: revision_of(labels),
        // The image runs; the label is istioctl's own version, which a `tag` override leaves
        // behind (ISTIO-FACTS.md, "How the IstioOperator becomes objects").
        version: image_tag.or_else(|| labels.get(VERSION_LABEL).cloned()),
        ready: status.ready_replicas.unwrap_or(0),
        desired: d.spec.replicas.unwrap_or(1),
        created: d.metadata.creation_timestamp.as_ref().map(|t| t.0),
        by_istioctl: labels.contains_key(COMPONENT_LABEL),
    }
}

/// The tag of the workload's first container image: the Istio version that runs.
fn running_version(pod: Option<&k8s_openapi::api::core::v1::PodSpec>) -> Option<String> {
    pod?.containers.first()?.image.as_deref().and_then(image_tag)
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
        version: running_version(d.spec.template.spec.as_ref())
            .or_else(|| labels.get(VERSION_LABEL).cloned()),
        ready: status.number_ready,
        desired: status.desired_number_scheduled,
        created: d.metadata.creation_timestamp.as_ref().map(|t| t.0),
        by_istioctl: labels.contains_key(COMPONENT_LABEL),
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
    if !is_istio_group(&spec.group) {
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

/// Whether an injector or tag webhook has the `auto.sidecar-injector.istio.io` entry that
/// `enableNamespacesByDefault` adds (selecting unlabelled namespaces), and it is not the
/// deactivated canonical injector (its selectors never match: `istio.io/deactivated`), as in
/// tests/fixtures/istio/*/auto-inject.yaml.
fn auto_injects(mutating: &[MutatingWebhookConfiguration]) -> bool {
    mutating
        .iter()
        .filter(|m| is_injector_webhook(&m.name_any()))
        .flat_map(|m| m.webhooks.iter().flatten())
        .filter(|w| w.name.starts_with("auto."))
        .any(|w| {
            !w.namespace_selector
                .as_ref()
                .and_then(|s| s.match_labels.as_ref())
                .is_some_and(|l| l.contains_key("istio.io/deactivated"))
        })
}

/// From an injector ConfigMap's `values` (JSON; `istio-sidecar-injector[-rev]`), else from an
/// IstioOperator's spec.values.
fn enabled_by_default(configmaps: &[ConfigMap], objects: &[ObjectSet]) -> bool {
    let pointer = "/sidecarInjectorWebhook/enableNamespacesByDefault";
    let from_configmap = configmaps
        .iter()
        .filter(|cm| cm.name_any().starts_with(crate::istio::INJECTOR_PREFIX))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn webhooks(config: &str) -> Vec<MutatingWebhookConfiguration> {
        let path = format!(
            "{}/tests/fixtures/istio/1.30.3/{config}.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        serde_saphyr::from_multiple::<Value>(&text)
            .unwrap()
            .into_iter()
            .filter(|d| d["kind"] == "MutatingWebhookConfiguration")
            .map(|d| serde_json::from_value(d).unwrap())
            .collect()
    }

    /// What real istioctl installs with and without enableNamespacesByDefault, rendered from
    /// Istio's charts (tests/fixtures/istio): only the tag webhook's `auto.` entry counts, not
    /// the deactivated canonical injector's.
    #[test]
    fn injection_by_default_is_the_auto_webhook() {
        let all = webhooks("auto-inject");
        assert!(auto_injects(&all));
        let canonical: Vec<_> = all
            .into_iter()
            .filter(|w| w.name_any() == "istio-sidecar-injector")
            .collect();
        assert_eq!(canonical.len(), 1);
        assert!(
            !auto_injects(&canonical),
            "the deactivated injector selects nothing"
        );
        assert!(!auto_injects(&webhooks("default")));
    }
}

//! Everything the checks need to know about a cluster, read once: concurrent, paginated lists,
//! never one request per node or namespace.
use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::{Namespace, Node as KubeNode, Pod, ResourceRequirements, Service};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams, PostParams};
use kube::{Client, ResourceExt};
use serde::Serialize;

use super::capacity::{Node, Resources, Taint};
use super::versions::Version;
use crate::cluster::{api_error, fold_all, list_all};
use crate::error::{Error, Result};
use crate::quantity;

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub server_version: String,
    pub nodes: Vec<Node>,
    pub namespaces: Vec<NamespaceFacts>,
    pub services: Vec<ServiceFacts>,
    pub mesh: MeshFacts,
    /// Deployments of other ingress controllers, as `namespace/name`.
    pub ingress_controllers: Vec<String>,
    /// Permissions the user lacks, as `verb resource.group`.
    pub denied: Vec<String>,
}

impl Facts {
    pub fn kubernetes_version(&self) -> Option<Version> {
        Version::parse(&self.server_version)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NamespaceFacts {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Non-terminated pods per node.
    pub pods_by_node: BTreeMap<String, usize>,
}

impl NamespaceFacts {
    pub fn pod_count(&self) -> usize {
        self.pods_by_node.values().sum()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceFacts {
    pub namespace: String,
    pub name: String,
    pub service_type: String,
    pub node_ports: Vec<i32>,
    /// A LoadBalancer Service that got an address: proof the cluster has a load balancer.
    pub has_lb_address: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MeshFacts {
    pub control_planes: Vec<ControlPlane>,
    pub injector_webhooks: Vec<String>,
    pub validating_webhooks: Vec<String>,
    pub crds: Vec<String>,
    /// Running pods of istiod and the gateways (any revision).
    pub pods: Vec<IstioPod>,
}

/// A pod of an installed Istio component, where it runs and what it requests: a re-install
/// replaces it, so it does not compete with its own replacement for room.
#[derive(Debug, Clone, Serialize)]
pub struct IstioPod {
    pub namespace: String,
    pub name: String,
    pub node: String,
    pub revision: String,
    pub requests: Resources,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlPlane {
    pub namespace: String,
    pub name: String,
    pub revision: String,
    pub version: Option<String>,
}

/// A permission an install needs: (verb, group, resource).
pub type Permission = (&'static str, &'static str, &'static str);

/// What `istioctl install` and istioup's namespace labelling need.
pub const INSTALL_PERMISSIONS: &[Permission] = &[
    ("create", "", "namespaces"),
    ("patch", "", "namespaces"),
    ("create", "apiextensions.k8s.io", "customresourcedefinitions"),
    (
        "create",
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
    ),
    (
        "create",
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
    ),
    ("create", "rbac.authorization.k8s.io", "clusterroles"),
    ("create", "rbac.authorization.k8s.io", "clusterrolebindings"),
    ("create", "apps", "deployments"),
    ("create", "", "services"),
    ("create", "", "configmaps"),
    ("create", "", "serviceaccounts"),
    ("create", "policy", "poddisruptionbudgets"),
    ("list", "", "pods"),
    ("list", "", "nodes"),
];

/// Names of Deployments of other ingress controllers (the Rancher docs warn about two ingresses).
const INGRESS_CONTROLLERS: &str =
    "app.kubernetes.io/name in (ingress-nginx,traefik,haproxy-ingress,kong,contour)";

pub async fn gather(client: &Client, permissions: &[Permission]) -> Result<Facts> {
    let version = client
        .apiserver_version()
        .await
        .map_err(|e| api_error(e, "cannot reach the Kubernetes API server"))?;
    let all = ListParams::default();
    let istiod = ListParams::default().labels("app=istiod");
    let ingress_controllers = ListParams::default().labels(INGRESS_CONTROLLERS);
    let (nodes, pods, namespaces, services, istiods, ingress, mutating, validating, crds, denied) = tokio::try_join!(
        list_all(Api::<KubeNode>::all(client.clone()), &all, "nodes"),
        fold_all(
            Api::<Pod>::all(client.clone()),
            &all,
            "pods",
            PodSummary::default(),
            PodSummary::add
        ),
        list_all(Api::<Namespace>::all(client.clone()), &all, "namespaces"),
        list_all(Api::<Service>::all(client.clone()), &all, "services"),
        list_all(Api::<Deployment>::all(client.clone()), &istiod, "deployments"),
        list_all(
            Api::<Deployment>::all(client.clone()),
            &ingress_controllers,
            "deployments"
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
        denied(client, permissions),
    )?;
    Ok(Facts {
        server_version: version.git_version,
        nodes: nodes
            .iter()
            .map(|n| node_facts(n, &pods))
            .collect::<Result<_>>()?,
        namespaces: namespaces.iter().map(|ns| namespace_facts(ns, &pods)).collect(),
        services: services.iter().map(service_facts).collect(),
        mesh: MeshFacts {
            control_planes: istiods.iter().map(control_plane).collect(),
            injector_webhooks: names(&mutating).filter(|n| n.starts_with("istio-")).collect(),
            validating_webhooks: names(&validating).filter(|n| n.starts_with("istio")).collect(),
            crds: names(&crds).filter(|n| n.ends_with(".istio.io")).collect(),
            pods: pods.istio,
        },
        ingress_controllers: ingress
            .iter()
            .map(|d| format!("{}/{}", d.namespace().unwrap_or_default(), d.name_any()))
            .collect(),
        denied,
    })
}

fn names<K: ResourceExt>(items: &[K]) -> impl Iterator<Item = String> + '_ {
    items.iter().map(|i| i.name_any())
}

fn is_terminated(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// What the checks keep of the cluster's pods, built page by page: requests per node, pods per
/// namespace and node, and Istio's own pods. One pass, whatever the cluster's size.
#[derive(Debug, Default)]
struct PodSummary {
    requested: HashMap<String, Resources>,
    by_namespace: HashMap<String, BTreeMap<String, usize>>,
    istio: Vec<IstioPod>,
}

impl PodSummary {
    fn add(&mut self, pod: Pod) {
        if is_terminated(&pod) {
            return;
        }
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        if !node.is_empty() {
            let requested = self.requested.entry(node.clone()).or_default();
            *requested = requested.plus(pod_requests(&pod));
        }
        let namespace = pod.namespace().unwrap_or_default();
        *self
            .by_namespace
            .entry(namespace)
            .or_default()
            .entry(node)
            .or_insert(0) += 1;
        if let Some(istio) = istio_pod(&pod) {
            self.istio.push(istio);
        }
    }
}

fn node_facts(node: &KubeNode, pods: &PodSummary) -> Result<Node> {
    let name = node.name_any();
    let status = node.status.as_ref();
    let allocatable = status.and_then(|s| s.allocatable.as_ref().or(s.capacity.as_ref()));
    let get = |key: &str| {
        allocatable
            .and_then(|a| a.get(key))
            .map(|q| q.0.as_str())
            .unwrap_or("0")
    };
    let bad = |what: &str, e: quantity::QuantityError| {
        Error::failed(format!("node {name} reports an unreadable allocatable {what}")).with_source(e)
    };
    let allocatable = Resources::new(
        quantity::cpu_millis(get("cpu")).map_err(|e| bad("cpu", e))?,
        quantity::memory_bytes(get("memory")).map_err(|e| bad("memory", e))?,
    );
    let requested = pods.requested.get(&name).copied().unwrap_or_default();
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    let spec = node.spec.as_ref();
    Ok(Node {
        name: name.clone(),
        ready,
        unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
        labels: node.labels().clone(),
        taints: spec
            .and_then(|s| s.taints.as_ref())
            .map(|ts| {
                ts.iter()
                    .map(|t| Taint {
                        key: t.key.clone(),
                        value: t.value.clone(),
                        effect: t.effect.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        allocatable,
        requested,
    })
}

/// A pod's effective request, as the scheduler counts it: the larger of the sum of its
/// containers and its largest init container. Unreadable quantities count as zero: the API
/// server validated them, so this only guards against a server we do not understand.
pub fn pod_requests(pod: &Pod) -> Resources {
    let Some(spec) = pod.spec.as_ref() else {
        return Resources::default();
    };
    let containers = spec
        .containers
        .iter()
        .map(|c| requests(c.resources.as_ref()))
        .fold(Resources::default(), Resources::plus);
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| requests(c.resources.as_ref()))
        .fold(Resources::default(), |a, b| {
            Resources::new(a.cpu_millis.max(b.cpu_millis), a.memory_bytes.max(b.memory_bytes))
        });
    Resources::new(
        containers.cpu_millis.max(init.cpu_millis),
        containers.memory_bytes.max(init.memory_bytes),
    )
}

fn requests(resources: Option<&ResourceRequirements>) -> Resources {
    let req = resources.and_then(|r| r.requests.as_ref());
    let get = |key: &str| req.and_then(|r| r.get(key)).map(|q| q.0.as_str());
    Resources::new(
        get("cpu").and_then(|q| quantity::cpu_millis(q).ok()).unwrap_or(0),
        get("memory")
            .and_then(|q| quantity::memory_bytes(q).ok())
            .unwrap_or(0),
    )
}

fn namespace_facts(ns: &Namespace, pods: &PodSummary) -> NamespaceFacts {
    let name = ns.name_any();
    let pods_by_node = pods.by_namespace.get(&name).cloned().unwrap_or_default();
    NamespaceFacts {
        name,
        labels: ns.labels().clone(),
        pods_by_node,
    }
}

fn service_facts(svc: &Service) -> ServiceFacts {
    let spec = svc.spec.as_ref();
    ServiceFacts {
        namespace: svc.namespace().unwrap_or_default(),
        name: svc.name_any(),
        service_type: spec
            .and_then(|s| s.type_.clone())
            .unwrap_or_else(|| "ClusterIP".into()),
        node_ports: spec
            .and_then(|s| s.ports.as_ref())
            .map(|ports| ports.iter().filter_map(|p| p.node_port).collect())
            .unwrap_or_default(),
        has_lb_address: svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.as_ref())
            .is_some_and(|i| !i.is_empty()),
    }
}

fn control_plane(deploy: &Deployment) -> ControlPlane {
    let labels = deploy.labels();
    let image_tag = deploy
        .spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.containers.first())
        .and_then(|c| c.image.as_deref())
        .and_then(|image| image.rsplit_once(':'))
        .map(|(_, tag)| tag.to_string());
    ControlPlane {
        namespace: deploy.namespace().unwrap_or_default(),
        name: deploy.name_any(),
        revision: labels
            .get("istio.io/rev")
            .cloned()
            .unwrap_or_else(|| "default".into()),
        version: labels.get("operator.istio.io/version").cloned().or(image_tag),
    }
}

/// Components whose pods istioctl replaces on a re-install (DaemonSets are per node, not placed).
const PLACED_COMPONENTS: &[&str] = &["Pilot", "IngressGateways", "EgressGateways"];

fn istio_pod(pod: &Pod) -> Option<IstioPod> {
    let labels = pod.labels();
    let component = labels.get("operator.istio.io/component")?;
    if !PLACED_COMPONENTS.contains(&component.as_str()) {
        return None;
    }
    Some(IstioPod {
        namespace: pod.namespace().unwrap_or_default(),
        name: pod.name_any(),
        node: pod.spec.as_ref()?.node_name.clone()?,
        revision: labels
            .get("istio.io/rev")
            .cloned()
            .unwrap_or_else(|| "default".into()),
        requests: pod_requests(pod),
    })
}

/// Asks the API server, one SelfSubjectAccessReview per permission (concurrently), which of
/// `permissions` the user lacks.
async fn denied(client: &Client, permissions: &[Permission]) -> Result<Vec<String>> {
    let api = Api::<SelfSubjectAccessReview>::all(client.clone());
    let reviews = permissions.iter().map(|&(verb, group, resource)| {
        let api = api.clone();
        async move {
            let review = SelfSubjectAccessReview {
                spec: SelfSubjectAccessReviewSpec {
                    resource_attributes: Some(ResourceAttributes {
                        verb: Some(verb.into()),
                        group: Some(group.into()),
                        resource: Some(resource.into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            };
            let answer = api
                .create(&PostParams::default(), &review)
                .await
                .map_err(|e| api_error(e, "cannot ask the API server which permissions you have"))?;
            let allowed = answer.status.is_some_and(|s| s.allowed);
            let qualified = if group.is_empty() {
                resource.to_string()
            } else {
                format!("{resource}.{group}")
            };
            Ok::<_, Error>((!allowed).then(|| format!("{verb} {qualified}")))
        }
    });
    let answers = futures::future::join_all(reviews).await;
    answers.into_iter().filter_map(|a| a.transpose()).collect()
}

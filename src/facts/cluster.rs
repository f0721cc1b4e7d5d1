//! Everything the checks need to know about a cluster, read once: concurrent, paginated lists
//! decoded lean (`k8s::lean`), never one request per node.
use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, ListParams, PostParams};
use kube::{Client, ResourceExt};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::client::{fold_lean, list_all};
use super::mesh::{self, WebhookKind};
use super::pods::{PodInfo, Pods};
use crate::error::{Error, Result, api_error};
use crate::istio::versions::Version;
use crate::k8s::scheduling::{Node, Resources, Taint};
use crate::k8s::{lean, quantity};

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub server_version: String,
    pub nodes: Vec<Node>,
    pub namespaces: Vec<NamespaceFacts>,
    /// The live pods, as read (shared: a re-install's view of the facts copies the nodes, never
    /// 150,000 pods). Not serialised: the checks report what they make of them.
    #[serde(skip)]
    pub pods: Arc<Pods>,
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
    /// Its live pods (those on each node are counted from [`Facts::pods`] by the check that
    /// needs them, for the namespaces it injects only).
    pub pod_count: usize,
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
    /// The Helm releases (`namespace/name`) that manage the control plane, if Helm installed it.
    pub helm_releases: Vec<String>,
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

/// Every kind Istio's charts create, as (group, resource): what the fixtures rendered from the
/// charts of each release hold (tests/integration/fidelity.rs keeps the list complete).
const INSTALLED_KINDS: &[(&str, &str)] = &[
    ("", "namespaces"),
    ("", "configmaps"),
    ("", "services"),
    ("", "serviceaccounts"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("autoscaling", "horizontalpodautoscalers"),
    ("policy", "poddisruptionbudgets"),
    ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterroles"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("apiextensions.k8s.io", "customresourcedefinitions"),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
];

/// What an install needs: `create` and `patch` on every kind the charts create (istioctl
/// applies with server-side apply, a PATCH: operator/pkg/install), `patch` on namespaces for
/// the injection labels, and `list` on what the checks read.
pub fn install_permissions() -> Vec<Permission> {
    let mut out: Vec<Permission> = INSTALLED_KINDS
        .iter()
        .flat_map(|&(group, resource)| [("create", group, resource), ("patch", group, resource)])
        .collect();
    out.extend([("list", "", "pods"), ("list", "", "nodes")]);
    out
}

/// Names of Deployments of other ingress controllers (the Rancher docs warn about two ingresses).
const INGRESS_CONTROLLERS: &str =
    "app.kubernetes.io/name in (ingress-nginx,traefik,haproxy-ingress,kong,contour)";

/// Reads what the checks judge: nodes, Services, other ingress controllers and permissions
/// here, and everything about Istio and the pods through `mesh::gather`, the same reader
/// `status` and `uninstall` use, so `check` and `status` never disagree on what is installed.
pub async fn gather(client: &Client, permissions: &[Permission]) -> Result<Facts> {
    let version = client
        .apiserver_version()
        .await
        .map_err(|e| api_error(e, "cannot reach the Kubernetes API server"))?;
    let all = ListParams::default();
    let ingress_controllers = ListParams::default().labels(INGRESS_CONTROLLERS);
    let (nodes, services, ingress, inventory, denied) = tokio::try_join!(
        fold_lean(client, "/api/v1/nodes", &all, "nodes", Vec::new, push),
        fold_lean(
            client,
            "/api/v1/services",
            &all,
            "services",
            Vec::new,
            push_service
        ),
        list_all(
            Api::<Deployment>::all(client.clone()),
            &ingress_controllers,
            "deployments"
        ),
        mesh::gather(client, false),
        denied(client, permissions),
    )?;
    let mut requested: ByName<Resources> = ByName::default();
    let mut per_namespace: ByName<usize> = ByName::default();
    let mut istio_pods = Vec::new();
    for pod in &inventory.pods {
        istio_pods.extend(istio_pod(pod));
        if !pod.node.is_empty() {
            let sum = requested.entry(&pod.node);
            *sum = sum.plus(pod.requests);
        }
        *per_namespace.entry(&pod.namespace) += 1;
    }
    let requested = requested.merge(Resources::plus);
    let mut per_namespace = per_namespace.merge(|a, b| a + b);
    Ok(Facts {
        server_version: version.git_version,
        nodes: nodes
            .into_iter()
            .map(|n| node_facts(n, &requested))
            .collect::<Result<_>>()?,
        namespaces: inventory
            .namespaces
            .iter()
            .map(|ns| NamespaceFacts {
                name: ns.name_any(),
                labels: ns.labels().clone(),
                pod_count: per_namespace.remove(ns.name_any().as_str()).unwrap_or_default(),
            })
            .collect(),
        services,
        mesh: MeshFacts {
            helm_releases: inventory.helm_managed(),
            control_planes: inventory
                .control_planes()
                .map(|c| ControlPlane {
                    namespace: c.namespace.clone(),
                    name: c.name.clone(),
                    revision: c.revision.clone(),
                    version: c.version.clone(),
                })
                .collect(),
            injector_webhooks: inventory
                .webhooks
                .iter()
                .filter(|w| w.kind == WebhookKind::MutatingWebhookConfiguration)
                .map(|w| w.name.clone())
                .collect(),
            validating_webhooks: inventory
                .webhooks
                .iter()
                .filter(|w| w.kind == WebhookKind::ValidatingWebhookConfiguration)
                .map(|w| w.name.clone())
                .collect(),
            crds: inventory.crds.iter().map(|c| c.name.clone()).collect(),
            pods: istio_pods,
        },
        pods: Arc::new(inventory.pods),
        ingress_controllers: ingress
            .iter()
            .map(|d| format!("{}/{}", d.namespace().unwrap_or_default(), d.name_any()))
            .collect(),
        denied,
    })
}

/// Tallies per pod of something a pod names with a shared copy of its name (`pods::Names`: its
/// node, its namespace), keyed by that copy's address: a pointer hashes and compares in a few
/// instructions where the name would be hashed and compared byte by byte, once per pod of a
/// cluster that may have 150,000. [`ByName::merge`] adds up the tallies of equal names held in
/// different copies.
struct ByName<'a, V> {
    tallies: FxHashMap<*const u8, (&'a str, V)>,
}

impl<V> Default for ByName<'_, V> {
    fn default() -> Self {
        ByName {
            tallies: FxHashMap::default(),
        }
    }
}

impl<'a, V: Default> ByName<'a, V> {
    fn entry(&mut self, name: &'a Arc<str>) -> &mut V {
        &mut self
            .tallies
            .entry(name.as_ptr())
            .or_insert_with(|| (&**name, V::default()))
            .1
    }

    fn merge(self, add: impl Fn(V, V) -> V) -> FxHashMap<&'a str, V> {
        let mut out: FxHashMap<&'a str, V> = FxHashMap::default();
        out.reserve(self.tallies.len());
        for (name, tally) in self.tallies.into_values() {
            let sum = match out.remove(name) {
                Some(earlier) => add(earlier, tally),
                None => tally,
            };
            out.insert(name, sum);
        }
        out
    }
}

fn push<T>(items: &mut Vec<T>, item: T) {
    items.push(item);
}

fn push_service(services: &mut Vec<ServiceFacts>, svc: lean::Service) {
    services.push(service_facts(svc));
}

/// A node as the capacity check sees it; `requested` sums the requests of pods per node.
fn node_facts(node: lean::Node, requested: &FxHashMap<&str, Resources>) -> Result<Node> {
    let lean::Node {
        metadata,
        spec,
        status,
    } = node;
    let name = metadata.name.unwrap_or_default();
    let requested = requested.get(name.as_str()).copied().unwrap_or_default();
    let allocatable = status.allocatable.as_ref().or(status.capacity.as_ref());
    let get = |key: fn(&lean::Quantities) -> &Option<lean::Text>| {
        allocatable.and_then(|a| key(a).as_deref()).unwrap_or("0")
    };
    let bad = |what: &str, e: quantity::QuantityError| {
        Error::failed(format!("node {name} reports an unreadable allocatable {what}")).with_source(e)
    };
    let allocatable = Resources::new(
        quantity::cpu_millis(get(|q| &q.cpu)).map_err(|e| bad("cpu", e))?,
        quantity::memory_bytes(get(|q| &q.memory)).map_err(|e| bad("memory", e))?,
    );
    let ready = status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True");
    Ok(Node {
        name: name.clone(),
        ready,
        unschedulable: spec.unschedulable.unwrap_or(false),
        labels: metadata.labels,
        taints: spec
            .taints
            .into_iter()
            .map(|t| Taint {
                key: t.key,
                value: t.value,
                effect: t.effect,
            })
            .collect(),
        allocatable,
        requested,
    })
}

fn service_facts(svc: lean::Service) -> ServiceFacts {
    ServiceFacts {
        namespace: svc.metadata.namespace.unwrap_or_default(),
        name: svc.metadata.name.unwrap_or_default(),
        service_type: svc.spec.type_.unwrap_or_else(|| "ClusterIP".into()),
        node_ports: svc.spec.ports.iter().filter_map(|p| p.node_port).collect(),
        has_lb_address: svc.status.load_balancer.is_some_and(|lb| !lb.ingress.is_empty()),
    }
}

/// Components whose pods istioctl replaces on a re-install (DaemonSets are per node, not placed).
const PLACED_COMPONENTS: &[&str] = &["Pilot", "IngressGateways", "EgressGateways"];

fn istio_pod(pod: &PodInfo) -> Option<IstioPod> {
    let component = pod.labels.get(crate::istio::COMPONENT_LABEL)?;
    if !PLACED_COMPONENTS.contains(&component.as_str()) || pod.node.is_empty() {
        return None;
    }
    Some(IstioPod {
        namespace: pod.namespace.to_string(),
        name: pod.name.to_string(),
        node: pod.node.to_string(),
        revision: pod
            .labels
            .get("istio.io/rev")
            .cloned()
            .unwrap_or_else(|| "default".into()),
        requests: pod.requests,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The pods of one list share one copy of each name, but tallies of an equal name held in
    /// different copies (read by two lists) still add up under that one name.
    #[test]
    fn tallies_by_address_add_up_by_name() {
        let (one, again, other): (Arc<str>, Arc<str>, Arc<str>) =
            ("node-1".into(), "node-1".into(), "node-2".into());
        let mut tally: ByName<usize> = ByName::default();
        for name in [&one, &one, &again, &other] {
            *tally.entry(name) += 1;
        }
        let merged = tally.merge(|a, b| a + b);
        assert_eq!(merged.len(), 2);
        assert_eq!((merged["node-1"], merged["node-2"]), (3, 1));
    }
}

//! Pods reduced to what istioup reads of them: a cluster may have 150,000 pods, and a typed `Pod`
//! is kilobytes even when its fields are empty. The injection questions asked of a pod are
//! Istio's rules (`istio::injection`) applied to this view.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};
use rustc_hash::FxHashSet;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny};

use super::client::{LEAN_PAGE, fold_by_namespace, fold_lean};
use crate::error::{Result, api_error};

use crate::istio::injection::{self, NamespaceView, PodView};
use crate::istio::versions::Version;
use crate::istio::{
    COMPONENT_LABEL, INJECT_LABEL, PROXY_CONTAINER, REVISION_LABEL, STATUS_ANNOTATION, image_tag,
};
use crate::k8s::lean::{self, Text, only_keys};
use crate::k8s::proto::{self, Value};
use crate::k8s::scheduling::{Resources, pod_requests};

/// Whether the pod runs an `istio-proxy` container, as a sidecar, a native sidecar (init
/// container) or a gateway's workload.
pub fn has_proxy(pod: &Pod) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
            .any(|c| c.name == PROXY_CONTAINER)
    })
}

/// Whether a typed pod still runs or will (not Succeeded, Failed or being deleted).
pub fn is_live(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    !matches!(phase, Some("Succeeded" | "Failed")) && pod.metadata.deletion_timestamp.is_none()
}

/// What status and uninstall read of a pod, and nothing more: a cluster may have 150,000 pods,
/// and a typed `Pod` is kilobytes even when its fields are empty. The namespace, node and proxy
/// image are shared among the pods that name the same one ([`Names`]): held once per pod they
/// were a third of a big cluster's memory.
#[derive(Debug, Clone, Default)]
pub struct PodInfo {
    pub namespace: Arc<str>,
    pub name: Text,
    /// Only the labels injection and the checks read: `sidecar.istio.io/inject`, `istio.io/rev`,
    /// `istio`, `operator.istio.io/component`.
    pub labels: BTreeMap<String, String>,
    /// The injector's `sidecar.istio.io/status` annotation: set on every pod it injected.
    pub injector_status: Option<Box<str>>,
    /// The deprecated `sidecar.istio.io/inject` annotation, which the injector still reads.
    pub inject_annotation: Option<Box<str>>,
    /// Whether an `istio-proxy` container runs (as a sidecar, or as a gateway's workload).
    pub has_proxy: bool,
    pub proxy_image: Option<Arc<str>>,
    pub host_network: bool,
    pub created: Option<Timestamp>,
    /// The node it runs on (empty while Pending) and what it requests there: capacity checks
    /// read these.
    pub node: Arc<str>,
    pub requests: Resources,
}

/// The live pods in list order, held in the parts they were read in (a namespace each when a
/// big cluster is read namespace by namespace): merged into one vector, 150,000 pods were copied
/// once more into 26 MB of fresh memory, about 7 % of `check`'s CPU.
#[derive(Debug, Clone, Default)]
pub struct Pods(Vec<Vec<PodInfo>>);

impl Pods {
    pub fn iter(&self) -> std::iter::Flatten<std::slice::Iter<'_, Vec<PodInfo>>> {
        self.0.iter().flatten()
    }
}

impl<'a> IntoIterator for &'a Pods {
    type Item = &'a PodInfo;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<PodInfo>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<Vec<PodInfo>> for Pods {
    fn from(pods: Vec<PodInfo>) -> Self {
        Pods(vec![pods])
    }
}

/// One shared copy of each namespace, node and image name the pods of a list repeat (looked up
/// three times per pod, under one lock: a fast non-cryptographic hash, the names being the
/// server's).
#[derive(Debug, Default)]
struct Names(Mutex<FxHashSet<Arc<str>>>);

impl Names {
    /// The shared copies of `names`, under one lock.
    fn get<const N: usize>(&self, names: [&str; N]) -> [Arc<str>; N] {
        let mut set = self.0.lock().unwrap_or_else(|p| p.into_inner());
        names.map(|name| match set.get(name) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = Arc::from(name);
                set.insert(shared.clone());
                shared
            }
        })
    }
}

/// A pod as the API server sends it, decoded into what [`PodInfo`] keeps and nothing more.
#[derive(Debug, Default, Deserialize)]
struct LeanPod {
    #[serde(default)]
    metadata: LeanMeta,
    #[serde(default)]
    spec: lean::PodSpec,
    #[serde(default)]
    status: lean::PodStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LeanMeta {
    #[serde(default)]
    namespace: Option<Text>,
    #[serde(default)]
    name: Option<Text>,
    #[serde(default, deserialize_with = "read_labels")]
    labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "read_annotations")]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    creation_timestamp: Option<Time>,
    /// Only whether it is set.
    #[serde(default)]
    deletion_timestamp: Option<IgnoredAny>,
}

/// The labels injection and the checks read.
const READ_LABELS: &[&str] = &[INJECT_LABEL, REVISION_LABEL, "istio", COMPONENT_LABEL];
/// The injector's status annotation, and the deprecated inject annotation it still reads.
const READ_ANNOTATIONS: &[&str] = &[INJECT_LABEL, STATUS_ANNOTATION];

fn read_labels<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<BTreeMap<String, String>, D::Error> {
    only_keys(d, READ_LABELS)
}

fn read_annotations<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, String>, D::Error> {
    only_keys(d, READ_ANNOTATIONS)
}

// The same read from protobuf: Pod and ObjectMeta's field numbers in k8s.io/api/core/v1 and
// k8s.io/apimachinery/pkg/apis/meta/v1 generated.proto.
impl proto::Message for LeanPod {
    fn field(&mut self, number: u32, v: Value<'_>) -> std::result::Result<(), proto::Error> {
        proto::object(number, v, (&mut self.metadata, &mut self.spec, &mut self.status))
    }
}

impl proto::Message for LeanMeta {
    fn field(&mut self, number: u32, v: Value<'_>) -> std::result::Result<(), proto::Error> {
        let keep = |map: &mut BTreeMap<String, String>, wanted: &[&str]| {
            let (key, value) = proto::entry(v)?;
            if let Some(key) = wanted.iter().find(|w| w.as_bytes() == key) {
                map.insert(key.to_string(), value.string()?);
            }
            Ok::<_, proto::Error>(())
        };
        match number {
            1 => self.name = v.opt_text()?,
            3 => self.namespace = v.opt_text()?,
            8 => {
                let seconds = proto::time_seconds(v)?;
                let at = Timestamp::from_second(seconds)
                    .map_err(|_| proto::Error(format!("creationTimestamp {seconds} is out of range")))?;
                self.creation_timestamp = Some(Time(at));
            }
            9 => self.deletion_timestamp = Some(IgnoredAny),
            11 => keep(&mut self.labels, READ_LABELS)?,
            12 => keep(&mut self.annotations, READ_ANNOTATIONS)?,
            _ => {}
        }
        Ok(())
    }
}

impl LeanPod {
    /// Not finished (Succeeded, Failed) and not being deleted: what still holds its requests.
    fn is_live(&self) -> bool {
        !matches!(self.status.phase.as_deref(), Some("Succeeded" | "Failed"))
            && self.metadata.deletion_timestamp.is_none()
    }

    /// `previous` is the pod read before it in the same list, if any.
    fn into_info(self, names: &Names, previous: Option<&PodInfo>) -> PodInfo {
        let requests = pod_requests(&self.spec);
        let LeanPod { metadata, spec, .. } = self;
        let mut annotations = metadata.annotations;
        let proxy = spec
            .containers
            .iter()
            .chain(&spec.init_containers)
            .find(|c| c.name == PROXY_CONTAINER);
        let namespace = metadata.namespace.as_deref().unwrap_or_default();
        let node = spec.node_name.as_deref().unwrap_or_default();
        // A namespace's pods come one after the other: the one before most often names it.
        let (namespace, node) = match previous {
            Some(p) if *p.namespace == *namespace => (p.namespace.clone(), names.get([node])[0].clone()),
            _ => {
                let [namespace, node] = names.get([namespace, node]);
                (namespace, node)
            }
        };
        let proxy_image = proxy
            .and_then(|c| c.image.as_deref())
            .map(|image| names.get([image])[0].clone());
        PodInfo {
            namespace,
            name: metadata.name.unwrap_or_default(),
            labels: metadata.labels,
            inject_annotation: annotations.remove(INJECT_LABEL).map(String::into_boxed_str),
            injector_status: annotations.remove(STATUS_ANNOTATION).map(String::into_boxed_str),
            has_proxy: proxy.is_some(),
            proxy_image,
            host_network: spec.host_network == Some(true),
            created: metadata.creation_timestamp.map(|t| t.0),
            node,
            requests,
        }
    }
}

/// A namespace's share of the pods from which reading namespaces side by side beats one
/// pipelined list: below it most requests would carry a small page, and round trips, not
/// bytes, would dominate.
const SPLIT_PODS_PER_NAMESPACE: usize = LEAN_PAGE as usize / 4;

/// Every live pod of the cluster, reduced to [`PodInfo`], in the order a cluster-wide list
/// gives them (by namespace, then name). A cluster whose pods fit one page is read in one
/// request; a big one with sizeable namespaces is read namespace by namespace, several at
/// once; otherwise in one pipelined list.
///
/// Per-namespace lists are not one snapshot: each namespace is consistent in itself, but a pod
/// created in namespace A after B was read is seen while one deleted from B is not. That is
/// acceptable here: every fact read from pods is per pod (its sidecar, its revision) or a sum
/// over pods (requests per node, pods per namespace), and a cluster-wide list of 150,000 pods
/// in pages is no better: its pages are served from the first page's snapshot, so it is just
/// as stale by the time the last page arrives. The checks judge a cluster that keeps changing
/// either way (the scheduler, not the capacity check, has the last word), and `status` reports
/// what it saw. Namespaces created after the namespace list are not read, and are not in the
/// inventory either.
/// `count` is what [`count`] said.
pub async fn live(client: &Client, namespaces: &[String], count: Option<usize>) -> Result<Pods> {
    let all = ListParams::default();
    let count = count.unwrap_or(0);
    let names = Names::default();
    let keep = |pods: &mut Vec<PodInfo>, pod: LeanPod| {
        if pod.is_live() {
            let info = pod.into_info(&names, pods.last());
            pods.push(info);
        }
    };
    let split = count > LEAN_PAGE as usize
        && namespaces.len() > 1
        && count / namespaces.len() >= SPLIT_PODS_PER_NAMESPACE;
    if !split {
        let new = || Vec::with_capacity(count);
        return Ok(fold_lean(client, "/api/v1/pods", &all, "pods", new, keep)
            .await?
            .into());
    }
    let path = |ns: &str| format!("/api/v1/namespaces/{ns}/pods");
    // Each namespace's average share and a quarter more, so that most namespaces' pods fit
    // without moving; what is left unused is given back when the namespace is read.
    let share = || Vec::with_capacity(count / namespaces.len() * 5 / 4);
    let mut parts = Vec::with_capacity(namespaces.len());
    fold_by_namespace(client, namespaces, path, &all, "pods", share, keep, |mut part| {
        part.shrink_to_fit();
        parts.push(part)
    })
    .await?;
    Ok(Pods(parts))
}

/// How many pods the cluster has, from one page of one pod's metadata and the server's count
/// of the rest (`remainingItemCount`); `None` when the server does not say.
pub async fn count(client: &Client) -> Result<Option<usize>> {
    let page = Api::<Pod>::all(client.clone())
        .list_metadata(&ListParams::default().limit(1))
        .await
        .map_err(|e| api_error(e, "cannot list pods"))?;
    Ok(match page.metadata.remaining_item_count {
        Some(rest) => usize::try_from(rest).ok().map(|rest| rest + page.items.len()),
        None if page.metadata.continue_.as_deref().is_none_or(str::is_empty) => Some(page.items.len()),
        None => None,
    })
}

impl PodInfo {
    fn view(&self) -> PodView<'_> {
        PodView {
            labels: &self.labels,
            injector_status: self.injector_status.as_deref(),
            inject_annotation: self.inject_annotation.as_deref(),
            host_network: self.host_network,
        }
    }

    /// A pod with an injected proxy (not a gateway's own).
    pub fn carries_sidecar(&self) -> bool {
        injection::carries_sidecar(self.view(), self.has_proxy)
    }

    /// The revision that would inject this pod if it were created now in `namespace`;
    /// `release` says which Istio release serves a revision (its injector's rules differ).
    pub fn wanted_revision(
        &self,
        namespace: &Namespace,
        enabled_by_default: bool,
        release: impl Fn(&str) -> Option<Version>,
    ) -> Option<String> {
        let ns = NamespaceView {
            name: namespace.metadata.name.as_deref().unwrap_or_default(),
            labels: namespace.labels(),
        };
        let revision = injection::wanted_revision(self.view(), ns, enabled_by_default)?;
        injection::injector_accepts(self.view(), release(&revision)).then_some(revision)
    }

    /// The revision that injected this pod.
    pub fn injected_revision(&self) -> Option<String> {
        injection::injected_revision(self.view())
    }

    /// The proxy image tag of an injected pod.
    pub fn proxy_version(&self) -> Option<String> {
        self.proxy_image.as_deref().and_then(image_tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_pb::api::core::v1 as pb;
    use k8s_pb::apimachinery::pkg::api::resource::Quantity;
    use k8s_pb::apimachinery::pkg::apis::meta::v1 as meta;
    use prost::Message as _;

    fn quantities(pairs: &[(&str, &str)]) -> BTreeMap<String, Quantity> {
        let q = |s: &str| Quantity {
            string: Some(s.into()),
        };
        pairs.iter().map(|(k, v)| (k.to_string(), q(v))).collect()
    }

    fn container(name: &str, image: &str, cpu: &str, restart: Option<&str>) -> pb::Container {
        pb::Container {
            name: Some(name.into()),
            image: Some(image.into()),
            args: vec!["--skipped".into()],
            env: vec![pb::EnvVar {
                name: Some("SKIPPED".into()),
                value: Some("x".into()),
                ..Default::default()
            }],
            resources: Some(pb::ResourceRequirements {
                requests: quantities(&[("cpu", cpu), ("memory", "128Mi"), ("ephemeral-storage", "1Gi")]),
                limits: quantities(&[("cpu", "2")]),
                ..Default::default()
            }),
            restart_policy: restart.map(Into::into),
            ..Default::default()
        }
    }

    /// A pod written by k8s-pb (prost messages generated from Kubernetes' own generated.proto)
    /// reads as the same pod written as JSON: the field numbers of the lean reader are
    /// Kubernetes', not ours. The proxy is a native sidecar (an init container with
    /// `restartPolicy: Always`), as Istio 1.27+ injects it.
    #[test]
    fn a_protobuf_pod_reads_as_its_json() {
        let labels = [
            ("app", "web"),
            ("istio.io/rev", "canary"),
            ("sidecar.istio.io/inject", "true"),
        ];
        let annotations = [
            ("sidecar.istio.io/status", r#"{"containers":["istio-proxy"]}"#),
            ("kubectl.kubernetes.io/last-applied-configuration", "{...}"),
        ];
        let pod = pb::Pod {
            metadata: Some(meta::ObjectMeta {
                name: Some("web-0".into()),
                namespace: Some("shop".into()),
                uid: Some("u".into()),
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                annotations: annotations
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                creation_timestamp: Some(meta::Time {
                    seconds: Some(1_764_547_200),
                    nanos: Some(0),
                }),
                managed_fields: vec![meta::ManagedFieldsEntry {
                    manager: Some("kubectl".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            spec: Some(pb::PodSpec {
                containers: vec![container("web", "nginx:1.27", "250m", None)],
                init_containers: vec![container(
                    "istio-proxy",
                    "docker.io/istio/proxyv2:1.28.0",
                    "100m",
                    Some("Always"),
                )],
                node_name: Some("node-7".into()),
                host_network: Some(false),
                overhead: quantities(&[("cpu", "10m"), ("memory", "16Mi")]),
                ..Default::default()
            }),
            status: Some(pb::PodStatus {
                phase: Some("Running".into()),
                pod_ip: Some("10.0.0.7".into()),
                ..Default::default()
            }),
        };
        let json = r#"{"metadata": {"name": "web-0", "namespace": "shop", "uid": "u",
            "labels": {"app": "web", "istio.io/rev": "canary", "sidecar.istio.io/inject": "true"},
            "annotations": {"sidecar.istio.io/status": "{\"containers\":[\"istio-proxy\"]}",
                "kubectl.kubernetes.io/last-applied-configuration": "{...}"},
            "creationTimestamp": "2025-12-01T00:00:00Z", "managedFields": [{"manager": "kubectl"}]},
          "spec": {"nodeName": "node-7", "overhead": {"cpu": "10m", "memory": "16Mi"},
            "containers": [{"name": "web", "image": "nginx:1.27", "args": ["--skipped"],
              "env": [{"name": "SKIPPED", "value": "x"}],
              "resources": {"requests": {"cpu": "250m", "memory": "128Mi", "ephemeral-storage": "1Gi"}, "limits": {"cpu": "2"}}}],
            "initContainers": [{"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.28.0", "restartPolicy": "Always",
              "resources": {"requests": {"cpu": "100m", "memory": "128Mi", "ephemeral-storage": "1Gi"}, "limits": {"cpu": "2"}}}]},
          "status": {"phase": "Running", "podIP": "10.0.0.7"}}"#;
        let names = Names::default();
        let from_pb: LeanPod = proto::decode(&pod.encode_to_vec()).unwrap();
        let from_json: LeanPod = serde_json::from_str(json).unwrap();
        assert!(from_pb.is_live());
        let a = from_pb.into_info(&names, None);
        // Read after a pod of its namespace, it shares that pod's copy of the name.
        let b = from_json.into_info(&names, Some(&a));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert!(Arc::ptr_eq(&a.namespace, &b.namespace));
        // Read after a pod of another namespace, it keeps its own.
        let other = PodInfo {
            namespace: "other".into(),
            ..Default::default()
        };
        let c = serde_json::from_str::<LeanPod>(json)
            .unwrap()
            .into_info(&names, Some(&other));
        assert!(Arc::ptr_eq(&a.namespace, &c.namespace) && Arc::ptr_eq(&a.node, &c.node));
        assert_eq!(&*a.namespace, "shop");
        assert_eq!(a.name, "web-0");
        assert_eq!(
            a.labels.keys().collect::<Vec<_>>(),
            ["istio.io/rev", "sidecar.istio.io/inject"]
        );
        assert!(a.injector_status.is_some() && a.has_proxy);
        assert_eq!(a.proxy_image.as_deref(), Some("docker.io/istio/proxyv2:1.28.0"));
        assert_eq!(&*a.node, "node-7");
        assert_eq!(a.created.map(|t| t.as_second()), Some(1_764_547_200));
        // 250m + the native sidecar's 100m + the overhead's 10m.
        assert_eq!(a.requests, Resources::new(360, (256 + 16) << 20));
    }

    /// Finished and terminating pods are not live, read from protobuf as from JSON.
    #[test]
    fn protobuf_pods_that_hold_nothing_are_not_live() {
        let pod = |phase: &str, deleting: bool| pb::Pod {
            metadata: Some(meta::ObjectMeta {
                deletion_timestamp: deleting.then_some(meta::Time {
                    seconds: Some(1),
                    nanos: None,
                }),
                ..Default::default()
            }),
            status: Some(pb::PodStatus {
                phase: Some(phase.into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let live = |p: pb::Pod| proto::decode::<LeanPod>(&p.encode_to_vec()).unwrap().is_live();
        assert!(live(pod("Running", false)) && live(pod("Pending", false)));
        assert!(!live(pod("Succeeded", false)) && !live(pod("Failed", false)) && !live(pod("Running", true)));
    }
}

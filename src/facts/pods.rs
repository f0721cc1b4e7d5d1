//! Pods reduced to what istioup reads of them: a cluster may have 150,000 pods, and a typed `Pod`
//! is kilobytes even when its fields are empty. The injection questions asked of a pod are
//! Istio's rules (`istio::injection`) applied to this view.
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;

use crate::istio::injection::{self, NamespaceView, PodView};
use crate::istio::versions::Version;
use crate::istio::{
    COMPONENT_LABEL, INJECT_LABEL, PROXY_CONTAINER, REVISION_LABEL, STATUS_ANNOTATION, image_tag,
};
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
    /// The deprecated `sidecar.istio.io/inject` annotation, which the injector still reads.
    pub inject_annotation: Option<String>,
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
        let has_proxy = has_proxy(&pod);
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
            inject_annotation: metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(INJECT_LABEL).cloned()),
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

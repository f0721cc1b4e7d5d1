//! The control plane revisions on a cluster, as an upgrade sees them: each revision's version,
//! tags and health, which namespaces select it (directly, or through a tag or
//! `istio-injection=enabled`), the pods it injected by proxy version, and the upgrade istioup has
//! in progress. The state that must outlive one run lives on the cluster: the ConfigMap
//! `istioup-upgrade` in the Istio namespace (old and new revision, the tag) and, on each migrated
//! namespace, the annotation `istioup.io/upgrade-from` (its injection label before).
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use kube::api::Api;
use kube::{Client, ResourceExt};
use serde::{Deserialize, Serialize};

use super::mesh::{self, Inventory};
use crate::error::{Result, api_error};
use crate::istio::injection::NEVER_INJECTED;
use crate::istio::{
    DEFAULT_REVISION, INJECTION_LABEL, REVISION_LABEL, STATUS_ANNOTATION, TAG_WEBHOOK_PREFIX,
};

/// The ConfigMap, in the Istio namespace, that records the upgrade in progress.
pub const RECORD_CONFIGMAP: &str = "istioup-upgrade";
/// On a migrated namespace: its injection label and istioup's ownership record before the
/// migration, as JSON (`Before`), so a rollback puts back exactly that.
pub const FROM_ANNOTATION: &str = "istioup.io/upgrade-from";

/// The upgrade in progress: from which revision to which, and the tag that moves (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub namespace: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

/// A namespace's injection label before a migration, and whether istioup had set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Before {
    /// `istio-injection` or `istio.io/rev`.
    pub label: String,
    pub value: String,
    /// The `istioup.io/injection-label` record it had, if any.
    pub owner: Option<String>,
}

/// One control plane revision.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub name: String,
    pub namespace: String,
    pub version: Option<String>,
    pub ready: i32,
    pub desired: i32,
    pub healthy: bool,
    /// Revision tags pointing at it (`default`, `prod`, ...).
    pub tags: Vec<String>,
    /// Namespaces whose label selects it (through a tag or not).
    pub namespaces: Vec<String>,
    /// Pods it injected, by proxy version (`unknown` when the image has no tag).
    pub pods: BTreeMap<String, usize>,
}

/// A namespace that selects a revision.
#[derive(Debug, Clone, Serialize)]
pub struct Selecting {
    pub name: String,
    /// `istio-injection=enabled` or `istio.io/rev=<revision or tag>`.
    pub label: String,
    /// The revision it resolves to (through a tag, if the label names one).
    pub revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrated_from: Option<Before>,
}

/// A pod with an injected proxy.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyPod {
    pub namespace: String,
    pub name: String,
    pub revision: String,
    pub proxy_version: Option<String>,
}

impl ProxyPod {
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Revisions {
    pub revisions: Vec<Revision>,
    /// Tag → revision, from the `istio-revision-tag-<tag>` webhooks.
    pub tags: BTreeMap<String, String>,
    pub namespaces: Vec<Selecting>,
    pub pods: Vec<ProxyPod>,
    pub record: Option<Record>,
}

impl Revisions {
    pub fn get(&self, name: &str) -> Option<&Revision> {
        self.revisions.iter().find(|r| r.name == name)
    }

    /// What a label value (`istio.io/rev=X`, or `default` for `istio-injection=enabled`)
    /// resolves to: the revision its tag points at, else the revision of that name.
    pub fn resolve(&self, selected: &str) -> String {
        self.tags
            .get(selected)
            .cloned()
            .unwrap_or_else(|| selected.to_string())
    }

    /// Pods whose proxy was injected by `revision`.
    pub fn pods_of<'a>(&'a self, revision: &'a str) -> impl Iterator<Item = &'a ProxyPod> + 'a {
        self.pods.iter().filter(move |p| p.revision == revision)
    }

    /// Namespaces that select `revision`.
    pub fn selecting<'a>(&'a self, revision: &'a str) -> impl Iterator<Item = &'a Selecting> + 'a {
        self.namespaces.iter().filter(move |n| n.revision == revision)
    }
}

/// Reads the mesh and the upgrade record.
pub async fn read(client: &Client) -> Result<(Inventory, Revisions)> {
    let inv = mesh::gather(client, false).await?;
    let record = record(client, &inv).await?;
    let revisions = from_inventory(&inv, record);
    Ok((inv, revisions))
}

/// The upgrade record, looked for in every Istio namespace.
pub async fn record(client: &Client, inv: &Inventory) -> Result<Option<Record>> {
    let mut namespaces = inv.istio_namespaces();
    namespaces.insert(crate::istio::DEFAULT_NAMESPACE.to_string());
    for ns in namespaces {
        let api = Api::<ConfigMap>::namespaced(client.clone(), &ns);
        let found = api
            .get_opt(RECORD_CONFIGMAP)
            .await
            .map_err(|e| api_error(e, &format!("cannot read ConfigMap {ns}/{RECORD_CONFIGMAP}")))?;
        if let Some(cm) = found {
            let data = cm.data.unwrap_or_default();
            if let (Some(from), Some(to)) = (data.get("from"), data.get("to")) {
                return Ok(Some(Record {
                    namespace: ns,
                    from: from.clone(),
                    to: to.clone(),
                    tag: data.get("tag").cloned(),
                }));
            }
        }
    }
    Ok(None)
}

/// Everything above, judged from one read of the cluster.
pub fn from_inventory(inv: &Inventory, record: Option<Record>) -> Revisions {
    let tags: BTreeMap<String, String> = inv
        .webhooks
        .iter()
        .filter(|w| w.injects() && w.is_tag())
        .filter_map(|w| {
            let tag = w.name.strip_prefix(TAG_WEBHOOK_PREFIX)?;
            Some((tag.to_string(), w.revision.clone()))
        })
        .collect();
    let mut out = Revisions {
        tags,
        record,
        ..Revisions::default()
    };
    out.namespaces = inv
        .namespaces
        .iter()
        .filter_map(|ns| selecting(ns, &out.tags))
        .collect();
    out.pods = inv
        .pods
        .iter()
        .filter(|p| p.carries_sidecar())
        .map(|p| ProxyPod {
            namespace: p.namespace.to_string(),
            name: p.name.to_string(),
            revision: p
                .injected_revision()
                .unwrap_or_else(|| DEFAULT_REVISION.to_string()),
            proxy_version: p.proxy_version(),
        })
        .collect();
    for cp in inv.control_planes() {
        let name = cp.revision.clone();
        let mut pods = BTreeMap::new();
        for p in out.pods_of(&name) {
            let version = p.proxy_version.clone().unwrap_or_else(|| "unknown".into());
            *pods.entry(version).or_insert(0) += 1;
        }
        out.revisions.push(Revision {
            tags: out
                .tags
                .iter()
                .filter(|(_, r)| **r == name)
                .map(|(t, _)| t.clone())
                .collect(),
            namespaces: out.selecting(&name).map(|n| n.name.clone()).collect(),
            pods,
            namespace: cp.namespace.clone(),
            version: cp.version.clone(),
            ready: cp.ready,
            desired: cp.desired,
            healthy: cp.healthy(),
            name,
        });
    }
    out.revisions.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The revision a namespace's labels select, by Istio's rules: `istio-injection=enabled` is the
/// `default` tag (or revision), and beats `istio.io/rev`; `disabled` or any other value injects
/// nothing.
fn selecting(ns: &Namespace, tags: &BTreeMap<String, String>) -> Option<Selecting> {
    let name = ns.name_any();
    if NEVER_INJECTED.contains(&name.as_str()) {
        return None;
    }
    let labels = ns.labels();
    let (label, selected) = match labels.get(INJECTION_LABEL).map(String::as_str) {
        Some("enabled") => (format!("{INJECTION_LABEL}=enabled"), DEFAULT_REVISION.to_string()),
        Some(_) => return None,
        None => {
            let rev = labels.get(REVISION_LABEL)?;
            (format!("{REVISION_LABEL}={rev}"), rev.clone())
        }
    };
    Some(Selecting {
        name,
        label,
        revision: tags.get(&selected).cloned().unwrap_or(selected),
        migrated_from: before(ns),
    })
}

/// The record a migration left on a namespace.
pub fn before(ns: &Namespace) -> Option<Before> {
    ns.annotations()
        .get(FROM_ANNOTATION)
        .and_then(|text| serde_json::from_str(text).ok())
}

/// The revision that injected a running pod: the `revision` of its `sidecar.istio.io/status`
/// annotation (pkg/kube/inject/webhook.go, getInjectionStatus: the injecting istiod's own
/// revision, `default` without one, never a tag).
pub fn pod_revision(pod: &Pod) -> Option<String> {
    let status = pod.annotations().get(STATUS_ANNOTATION)?;
    let value: serde_json::Value = serde_json::from_str(status).ok()?;
    value
        .get("revision")
        .and_then(serde_json::Value::as_str)
        .map(String::from)
}

/// The image tag of a typed pod's `istio-proxy` (sidecar or native sidecar): its proxy version.
pub fn proxy_version(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .find(|c| c.name == crate::istio::PROXY_CONTAINER)
        .and_then(|c| c.image.as_deref())
        .and_then(crate::istio::image_tag)
}

/// The revision name istioup gives a version: `1.30.2` → `1-30-2` (Istio's docs name canary
/// revisions so; a revision must be a DNS-1123 label).
pub fn revision_name(version: &str) -> String {
    version.replace('.', "-")
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
    fn namespaces_resolve_through_tags() {
        let tags: BTreeMap<String, String> = [
            ("default".into(), "1-28-0".into()),
            ("prod".into(), "1-30-3".into()),
        ]
        .into();
        let enabled = selecting(&ns("a", &[("istio-injection", "enabled")]), &tags).unwrap();
        assert_eq!(enabled.revision, "1-28-0");
        let prod = selecting(&ns("b", &[("istio.io/rev", "prod")]), &tags).unwrap();
        assert_eq!(
            (prod.label.as_str(), prod.revision.as_str()),
            ("istio.io/rev=prod", "1-30-3")
        );
        let direct = selecting(&ns("c", &[("istio.io/rev", "canary")]), &tags).unwrap();
        assert_eq!(direct.revision, "canary");
        // istio-injection beats istio.io/rev, and any value but enabled injects nothing.
        let both = selecting(
            &ns("d", &[("istio-injection", "enabled"), ("istio.io/rev", "prod")]),
            &tags,
        )
        .unwrap();
        assert_eq!(both.revision, "1-28-0");
        assert!(
            selecting(
                &ns("e", &[("istio-injection", "disabled"), ("istio.io/rev", "prod")]),
                &tags
            )
            .is_none()
        );
        assert!(selecting(&ns("kube-system", &[("istio-injection", "enabled")]), &tags).is_none());
        assert!(selecting(&ns("f", &[]), &tags).is_none());
    }

    #[test]
    fn revision_names_follow_the_docs() {
        assert_eq!(revision_name("1.30.2"), "1-30-2");
    }
}

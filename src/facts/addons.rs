//! The addons istioup installed on the cluster: Deployments labelled `istioup.io/addon`.
use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};
use serde::Serialize;

use super::client::list_all;
use crate::error::Result;
use crate::istio::ADDON_LABEL;

#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub addon: String,
    pub namespace: String,
    pub deployment: String,
    pub ready: i32,
    pub desired: i32,
}

pub async fn installed(client: &Client) -> Result<Vec<Installed>> {
    let api = Api::<Deployment>::all(client.clone());
    let deployments = list_all(
        api,
        &ListParams::default().labels(ADDON_LABEL),
        "addon deployments",
    )
    .await?;
    let mut out: Vec<Installed> = deployments
        .iter()
        .map(|d| Installed {
            addon: d.labels().get(ADDON_LABEL).cloned().unwrap_or_default(),
            namespace: d.namespace().unwrap_or_default(),
            deployment: d.name_any(),
            ready: d.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0),
            desired: d.spec.replicas.unwrap_or(1),
        })
        .collect();
    out.sort_by(|a, b| (&a.addon, &a.deployment).cmp(&(&b.addon, &b.deployment)));
    Ok(out)
}

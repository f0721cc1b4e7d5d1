//! The target cluster as the banner and every report show it: names, server, Kubernetes version
//! and node count.
use k8s_openapi::api::core::v1::Node;
use kube::Client;
use kube::api::{Api, ListParams};
use serde::Serialize;

use super::client::fold_lean;
use super::cluster::Facts;
use crate::error::{Result, api_error};
use crate::target::Target;

/// The target as the banner and the JSON report show it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetSummary {
    pub context: String,
    pub cluster: String,
    pub server: String,
    pub kubernetes_version: String,
    pub nodes: usize,
}

impl TargetSummary {
    pub fn new(target: &Target, facts: &Facts) -> Self {
        TargetSummary {
            context: target.context.clone(),
            cluster: target.cluster.clone(),
            server: target.server.clone(),
            kubernetes_version: facts.server_version.clone(),
            nodes: facts.nodes.len(),
        }
    }
}

/// The target as the banner and reports show it: names, server, Kubernetes version, node count.
pub async fn read(target: &Target, client: &Client) -> Result<TargetSummary> {
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
        None => {
            let count = |n: &mut usize, _: serde::de::IgnoredAny| *n += 1;
            fold_lean(
                client,
                "/api/v1/nodes",
                &ListParams::default(),
                "nodes",
                || 0,
                count,
            )
            .await?
        }
    };
    Ok(TargetSummary {
        context: target.context.clone(),
        cluster: target.cluster.clone(),
        server: target.server.clone(),
        kubernetes_version: version.git_version,
        nodes: count,
    })
}

//! Which namespaces a namespace-scope command acts on: named ones (which must exist), a label
//! selector, or `--all` by istioup's one rule for it.
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Namespace;
use kube::api::Api;
use kube::{Client, ResourceExt};

use super::client::list_all;
use crate::error::{Error, Result};
use crate::istio::INJECTION_LABEL;
use crate::istio::injection::NEVER_INJECTED;

/// Whether `--all` (or `install --inject-all`) takes this namespace: not `kube-*`, not an Istio
/// namespace, and, when enabling, not one labelled `istio-injection=disabled` by its owner.
pub fn in_all(
    name: &str,
    labels: &BTreeMap<String, String>,
    istio_namespaces: &BTreeSet<String>,
    for_enable: bool,
) -> bool {
    let disabled = labels.get(INJECTION_LABEL).map(String::as_str) == Some("disabled");
    let excluded = name.starts_with("kube-")
        || NEVER_INJECTED.contains(&name)
        || istio_namespaces.contains(name)
        || (for_enable && disabled);
    !excluded
}

/// Which namespaces a namespace-scope command acts on.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub names: Vec<String>,
    pub all: bool,
    pub selector: Option<String>,
}

/// Resolves a selection against the cluster: named namespaces must exist; `all` means every
/// namespace Istio may inject (not `kube-*`, not the Istio namespaces; for `enable`, not those
/// labelled `istio-injection=disabled`).
pub async fn select(
    client: &Client,
    selection: &Selection,
    istio_namespaces: &BTreeSet<String>,
    for_enable: bool,
) -> Result<Vec<String>> {
    let api = Api::<Namespace>::all(client.clone());
    if let Some(selector) = &selection.selector {
        let params = kube::api::ListParams::default().labels(selector);
        let found = list_all(api, &params, "namespaces").await.map_err(|e| {
            Error::usage(format!("--selector {selector:?} was rejected by the API server"))
                .with_source(e)
                .with_hint("write a label selector like team=shop or 'env in (prod,stage)'")
        })?;
        // A selector never reaches the namespaces Istio must not inject, as naming them is refused.
        return Ok(found
            .iter()
            .map(|ns| ns.name_any())
            .filter(|name| {
                !for_enable || !(name.starts_with("kube-") || NEVER_INJECTED.contains(&name.as_str()))
            })
            .collect());
    }
    let existing = list_all(api, &kube::api::ListParams::default(), "namespaces").await?;
    if selection.all {
        return Ok(existing
            .iter()
            .filter(|ns| in_all(&ns.name_any(), ns.labels(), istio_namespaces, for_enable))
            .map(|ns| ns.name_any())
            .collect());
    }
    let missing: Vec<&str> = selection
        .names
        .iter()
        .filter(|n| !existing.iter().any(|ns| ns.name_any() == **n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::failed(format!(
            "namespace{} not found: {}; nothing was changed",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ))
        .with_hint("check the spelling with: kubectl get namespaces"));
    }
    if for_enable
        && let Some(never) = selection
            .names
            .iter()
            .find(|n| NEVER_INJECTED.contains(&n.as_str()))
    {
        return Err(
            Error::usage(format!("Istio never injects {never}; nothing was changed"))
                .with_hint(format!("leave {never} out")),
        );
    }
    let mut names = selection.names.clone();
    names.dedup();
    Ok(names)
}

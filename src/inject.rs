//! Sidecar injection on namespaces: the labels Istio reads, and a record of which ones istioup
//! set, so that disabling later removes only what istioup added. Shared by `install --inject`
//! and `enable namespace`.
use futures::stream::{self, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::json;

use crate::cluster::api_error;
use crate::error::{Error, Kind, Result};
use crate::interrupt;

pub const INJECTION_LABEL: &str = "istio-injection";
pub const REVISION_LABEL: &str = "istio.io/rev";
/// Names the label istioup set on a namespace (`istio-injection` or `istio.io/rev`).
pub const OWNER_ANNOTATION: &str = "istioup.io/injection-label";
/// How many namespace patches run at once.
const CONCURRENCY: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// istioup set the label now.
    Labelled,
    /// The namespace already had it: nothing written, ownership unchanged.
    Unchanged,
    /// Left alone: someone else's label decides (reason in `note`).
    Conflict,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub namespace: String,
    /// `istio-injection=enabled` or `istio.io/rev=canary`.
    pub label: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The label that selects `revision` (`None`: the default revision).
pub fn label_for(revision: Option<&str>) -> (&'static str, String) {
    match revision {
        None => (INJECTION_LABEL, "enabled".to_string()),
        Some(rev) => (REVISION_LABEL, rev.to_string()),
    }
}

/// Labels each namespace for injection by `revision`, concurrently (bounded). Stops writing as
/// soon as the user interrupts.
pub async fn enable(client: &Client, namespaces: &[String], revision: Option<&str>) -> Result<Vec<Outcome>> {
    let api = Api::<Namespace>::all(client.clone());
    stream::iter(namespaces.iter().cloned())
        .map(|name| {
            let api = api.clone();
            async move { enable_one(&api, &name, revision).await }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

async fn enable_one(api: &Api<Namespace>, name: &str, revision: Option<&str>) -> Result<Outcome> {
    let ns = api
        .get(name)
        .await
        .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))?;
    let labels = ns.labels();
    let owned = ns.annotations().get(OWNER_ANNOTATION).cloned();
    let (key, value) = label_for(revision);
    let outcome = |change, note: Option<String>| Outcome {
        namespace: name.to_string(),
        label: format!("{key}={value}"),
        change,
        note,
    };
    if labels.get(key) == Some(&value) && (key == INJECTION_LABEL || !labels.contains_key(INJECTION_LABEL)) {
        return Ok(outcome(Change::Unchanged, None));
    }
    // `istio-injection` beats `istio.io/rev`: a foreign one would silently override ours.
    let foreign_injection = labels
        .get(INJECTION_LABEL)
        .filter(|_| owned.as_deref() != Some(INJECTION_LABEL));
    if let Some(existing) = foreign_injection
        && (key == REVISION_LABEL || existing == "disabled")
    {
        return Ok(outcome(
            Change::Conflict,
            Some(format!(
                "labelled {INJECTION_LABEL}={existing} by someone else, which decides injection here; \
                 remove that label first (kubectl label namespace {name} {INJECTION_LABEL}-)"
            )),
        ));
    }
    let mut new_labels = serde_json::Map::new();
    new_labels.insert(key.to_string(), json!(value));
    // Switching revisions: drop the other injection label istioup itself set earlier.
    if let Some(previous) = owned.as_deref().filter(|p| *p != key && labels.contains_key(*p)) {
        new_labels.insert(previous.to_string(), serde_json::Value::Null);
    }
    if interrupt::interrupted() {
        return Err(Error::new(
            Kind::Interrupted,
            format!("interrupted before labelling namespace {name}"),
        ));
    }
    let patch = json!({"metadata": {"labels": new_labels, "annotations": {OWNER_ANNOTATION: key}}});
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(|e| api_error(e, &format!("cannot label namespace {name}")))?;
    Ok(outcome(Change::Labelled, None))
}

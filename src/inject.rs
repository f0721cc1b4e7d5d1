//! Sidecar injection on namespaces: the labels Istio reads, and a record of which ones istioup
//! set, so that disabling later removes only what istioup added. Shared by `install --inject`
//! and `enable namespace`.
use std::collections::{BTreeMap, BTreeSet};

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

/// What `disable namespace` did to one namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Removal {
    /// The injection label(s) in `labels` were removed.
    Removed,
    /// `istio-injection=disabled` was set (`--explicit`).
    Disabled,
    /// Nothing to do: no injection label, or already disabled.
    Unchanged,
    /// Left alone: the label was set by someone else (`--force` removes it).
    LeftAlone,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisableOutcome {
    pub namespace: String,
    pub change: Removal,
    /// The labels removed (`istio-injection=enabled`), set (`istio-injection=disabled`) or
    /// left alone.
    pub labels: Vec<String>,
    /// Injection labels someone else set, still in place (`--force` removes them).
    pub left_alone: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DisableOutcome {
    /// Whether the namespace still selects a revision for injection afterwards.
    pub fn still_labelled(&self) -> bool {
        !self.left_alone.is_empty()
    }
}

/// How `disable` treats a namespace.
#[derive(Debug, Clone, Copy, Default)]
pub struct DisableMode {
    /// Also remove injection labels istioup did not set.
    pub force: bool,
    /// Set `istio-injection=disabled` instead of removing, so a mesh-wide default cannot inject.
    pub explicit: bool,
}

/// Turns injection off in each namespace, concurrently (bounded): removes the label istioup set
/// (all of them with `force`), or sets `istio-injection=disabled` with `explicit`.
pub async fn disable(
    client: &Client,
    namespaces: &[String],
    mode: DisableMode,
) -> Result<Vec<DisableOutcome>> {
    let api = Api::<Namespace>::all(client.clone());
    stream::iter(namespaces.iter().cloned())
        .map(|name| {
            let api = api.clone();
            async move { disable_one(&api, &name, mode).await }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

async fn disable_one(api: &Api<Namespace>, name: &str, mode: DisableMode) -> Result<DisableOutcome> {
    let ns = api
        .get(name)
        .await
        .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))?;
    let labels = ns.labels();
    let owned = ns.annotations().get(OWNER_ANNOTATION).cloned();
    let outcome = |change, labels: Vec<String>, note: Option<String>| DisableOutcome {
        namespace: name.to_string(),
        change,
        labels,
        left_alone: Vec::new(),
        note,
    };
    let is_owned = |key: &str| owned.as_deref() == Some(key);
    // The labels that select injection now; `istio-injection=disabled` already turns it off.
    let present: Vec<(&str, &String)> = [INJECTION_LABEL, REVISION_LABEL]
        .into_iter()
        .filter_map(|k| labels.get(k).map(|v| (k, v)))
        .filter(|(k, v)| !(*k == INJECTION_LABEL && v.as_str() == "disabled"))
        .collect();
    let already_disabled = labels.get(INJECTION_LABEL).map(String::as_str) == Some("disabled");
    let (mine, foreign): (Vec<_>, Vec<_>) = present.iter().partition(|(k, _)| is_owned(k));
    let text =
        |list: &[&(&str, &String)]| -> Vec<String> { list.iter().map(|(k, v)| format!("{k}={v}")).collect() };
    let spared: Vec<&(&str, &String)> = if mode.force { Vec::new() } else { foreign.clone() };
    let spared_note = (!spared.is_empty()).then(|| {
        let removals: Vec<String> = spared.iter().map(|(k, _)| format!("{k}-")).collect();
        format!(
            "{} not set by istioup, left alone; --force removes it, or: kubectl label namespace {name} {}",
            text(&spared).join(", "),
            removals.join(" ")
        )
    });
    // `--explicit` over someone else's label would override it: that needs --force too.
    if !spared.is_empty() && (mine.is_empty() || mode.explicit) {
        return Ok(DisableOutcome {
            left_alone: text(&spared),
            ..outcome(Removal::LeftAlone, text(&spared), spared_note)
        });
    }
    let removed: Vec<&(&str, &String)> = mine
        .iter()
        .copied()
        .chain(if mode.force { foreign.clone() } else { Vec::new() })
        .collect();
    let mut patch_labels = serde_json::Map::new();
    for (key, _) in &removed {
        patch_labels.insert((*key).to_string(), serde_json::Value::Null);
    }
    let (change, described, annotation) = if mode.explicit {
        if already_disabled && removed.is_empty() {
            return Ok(outcome(
                Removal::Unchanged,
                vec![format!("{INJECTION_LABEL}=disabled")],
                None,
            ));
        }
        patch_labels.insert(INJECTION_LABEL.to_string(), json!("disabled"));
        // Owning the `disabled` label lets a later `enable` flip it back.
        let owner = if already_disabled && !is_owned(INJECTION_LABEL) {
            serde_json::Value::Null
        } else {
            json!(INJECTION_LABEL)
        };
        (
            Removal::Disabled,
            vec![format!("{INJECTION_LABEL}=disabled")],
            owner,
        )
    } else {
        if removed.is_empty() {
            let what = already_disabled.then(|| format!("{INJECTION_LABEL}=disabled"));
            return Ok(outcome(Removal::Unchanged, what.into_iter().collect(), None));
        }
        (Removal::Removed, text(&removed), serde_json::Value::Null)
    };
    if interrupt::interrupted() {
        return Err(Error::new(
            Kind::Interrupted,
            format!("interrupted before changing namespace {name}"),
        ));
    }
    let patch = json!({"metadata": {"labels": patch_labels, "annotations": {OWNER_ANNOTATION: annotation}}});
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map_err(|e| api_error(e, &format!("cannot change the labels of namespace {name}")))?;
    Ok(DisableOutcome {
        left_alone: text(&spared),
        ..outcome(change, described, spared_note)
    })
}

/// Whether `--all` (or `install --inject-all`) takes this namespace: not `kube-*`, not an Istio
/// namespace, and, when enabling, not one labelled `istio-injection=disabled` by its owner.
pub fn in_all(
    name: &str,
    labels: &BTreeMap<String, String>,
    istio_namespaces: &BTreeSet<String>,
    for_enable: bool,
) -> bool {
    let disabled = labels.get(INJECTION_LABEL).map(String::as_str) == Some("disabled");
    let excluded = name.starts_with("kube-") || istio_namespaces.contains(name) || (for_enable && disabled);
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
        let found = crate::cluster::list_all(api, &params, "namespaces")
            .await
            .map_err(|e| {
                Error::usage(format!("--selector {selector:?} was rejected by the API server"))
                    .with_source(e)
                    .with_hint("write a label selector like team=shop or 'env in (prod,stage)'")
            })?;
        return Ok(found.iter().map(|ns| ns.name_any()).collect());
    }
    let existing = crate::cluster::list_all(api, &kube::api::ListParams::default(), "namespaces").await?;
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
            .find(|n| crate::mesh::NEVER_INJECTED.contains(&n.as_str()))
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

/// The workload kinds whose pod template can carry `sidecar.istio.io/inject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
}

impl WorkloadKind {
    /// kubectl's names: `deployment`/`deployments`/`deploy`, `statefulset`/`sts`,
    /// `daemonset`/`ds`, `cronjob`/`cj`, any case, optionally with the API group.
    pub fn parse(text: &str) -> Option<WorkloadKind> {
        let lower = text.to_ascii_lowercase();
        let base = lower
            .strip_suffix(".apps")
            .or_else(|| lower.strip_suffix(".batch"))
            .unwrap_or(&lower);
        Some(match base {
            "deployment" | "deployments" | "deploy" => WorkloadKind::Deployment,
            "statefulset" | "statefulsets" | "sts" => WorkloadKind::StatefulSet,
            "daemonset" | "daemonsets" | "ds" => WorkloadKind::DaemonSet,
            "cronjob" | "cronjobs" | "cj" => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

/// Splits `KIND/NAME`; a bad kind or shape is a usage error that lists what is accepted.
pub fn parse_workload(text: &str) -> Result<(WorkloadKind, String)> {
    let accepted = "deployment (deploy), statefulset (sts), daemonset (ds), cronjob (cj)";
    let Some((kind, name)) = text
        .split_once('/')
        .filter(|(k, n)| !k.is_empty() && !n.is_empty())
    else {
        return Err(Error::usage(format!("{text:?} is not KIND/NAME"))
            .with_hint(format!("write it like deployment/web; kinds: {accepted}")));
    };
    match WorkloadKind::parse(kind) {
        Some(k) => Ok((k, name.to_string())),
        None => {
            let why = match kind.to_ascii_lowercase().as_str() {
                "job" | "jobs" | "pod" | "pods" | "po" => {
                    format!("a {kind}'s pod spec cannot change after creation, so istioup does not label one")
                }
                _ => format!("istioup does not label a {kind}"),
            };
            Err(Error::usage(format!("unsupported workload kind {kind:?}: {why}"))
                .with_hint(format!("the kinds are: {accepted}")))
        }
    }
}

/// What `enable workload` / `disable workload` did.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadOutcome {
    pub kind: WorkloadKind,
    pub namespace: String,
    pub name: String,
    /// `sidecar.istio.io/inject=true`
    pub label: String,
    /// `set` or `unchanged`.
    pub change: &'static str,
    /// The value before (none when the label was absent).
    pub previous: Option<String>,
}

/// Sets the pod template label `sidecar.istio.io/inject` to `"true"`/`"false"`. Changing a
/// Deployment's, StatefulSet's or DaemonSet's template rolls its pods; a CronJob's applies to
/// the Jobs it starts next.
pub async fn label_workload(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    inject: bool,
) -> Result<WorkloadOutcome> {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
    use k8s_openapi::api::batch::v1::CronJob;
    let value = if inject { "true" } else { "false" };
    let label = json!({"metadata": {"labels": {crate::mesh::INJECT_LABEL: value}}});
    let what = format!("{}/{name} in namespace {namespace}", kind.as_str().to_lowercase());
    let missing = || {
        Error::failed(format!("{what} not found; nothing was changed")).with_hint(format!(
            "list them with: kubectl -n {namespace} get {}s",
            kind.as_str().to_lowercase()
        ))
    };
    let read_err = |e| api_error(e, &format!("cannot read {what}"));
    let previous = match kind {
        WorkloadKind::Deployment => Api::<Deployment>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await
            .map_err(read_err)?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::StatefulSet => Api::<StatefulSet>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await
            .map_err(read_err)?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::DaemonSet => Api::<DaemonSet>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await
            .map_err(read_err)?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::CronJob => Api::<CronJob>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await
            .map_err(read_err)?
            .map(|c| {
                template_label(
                    c.spec
                        .job_template
                        .spec
                        .as_ref()
                        .and_then(|s| s.template.metadata.as_ref()),
                )
            }),
    }
    .ok_or_else(missing)?;
    let outcome = |change| WorkloadOutcome {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        label: format!("{}={value}", crate::mesh::INJECT_LABEL),
        change,
        previous: previous.clone(),
    };
    if previous.as_deref() == Some(value) {
        return Ok(outcome("unchanged"));
    }
    if interrupt::interrupted() {
        return Err(Error::new(
            Kind::Interrupted,
            format!("interrupted before labelling {what}"),
        ));
    }
    let params = PatchParams::default();
    let write_err = |e| api_error(e, &format!("cannot label {what}"));
    let template = json!({"spec": {"template": label}});
    match kind {
        WorkloadKind::Deployment => Api::<Deployment>::namespaced(client.clone(), namespace)
            .patch(name, &params, &Patch::Merge(&template))
            .await
            .map(|_| ())
            .map_err(write_err)?,
        WorkloadKind::StatefulSet => Api::<StatefulSet>::namespaced(client.clone(), namespace)
            .patch(name, &params, &Patch::Merge(&template))
            .await
            .map(|_| ())
            .map_err(write_err)?,
        WorkloadKind::DaemonSet => Api::<DaemonSet>::namespaced(client.clone(), namespace)
            .patch(name, &params, &Patch::Merge(&template))
            .await
            .map(|_| ())
            .map_err(write_err)?,
        WorkloadKind::CronJob => Api::<CronJob>::namespaced(client.clone(), namespace)
            .patch(
                name,
                &params,
                &Patch::Merge(&json!({"spec": {"jobTemplate": {"spec": {"template": label}}}})),
            )
            .await
            .map(|_| ())
            .map_err(write_err)?,
    }
    Ok(outcome("set"))
}

fn template_label(
    meta: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
) -> Option<String> {
    meta?.labels.as_ref()?.get(crate::mesh::INJECT_LABEL).cloned()
}

/// Removes every injection label (`istio-injection` of any value, `istio.io/rev`) and istioup's
/// ownership record from each namespace: what `uninstall --purge` leaves of injection. Returns
/// `ns: label=value, ...` for each namespace changed.
pub async fn strip_all(client: &Client, namespaces: &[String]) -> Result<Vec<String>> {
    let api = Api::<Namespace>::all(client.clone());
    let changed: Vec<Option<String>> = stream::iter(namespaces.iter().cloned())
        .map(|name| {
            let api = api.clone();
            async move {
                let Some(ns) = api
                    .get_opt(&name)
                    .await
                    .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))?
                else {
                    return Ok(None);
                };
                let labels: Vec<String> = [INJECTION_LABEL, REVISION_LABEL]
                    .into_iter()
                    .filter_map(|k| ns.labels().get(k).map(|v| format!("{k}={v}")))
                    .collect();
                if labels.is_empty() && !ns.annotations().contains_key(OWNER_ANNOTATION) {
                    return Ok(None);
                }
                if interrupt::interrupted() {
                    return Err(Error::new(
                        Kind::Interrupted,
                        format!("interrupted before changing namespace {name}"),
                    ));
                }
                let patch = json!({"metadata": {
                    "labels": {INJECTION_LABEL: null, REVISION_LABEL: null},
                    "annotations": {OWNER_ANNOTATION: null}
                }});
                api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .map_err(|e| api_error(e, &format!("cannot change the labels of namespace {name}")))?;
                Ok::<_, Error>((!labels.is_empty()).then(|| format!("{name}: {}", labels.join(", "))))
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(changed.into_iter().flatten().collect())
}

//! Sidecar injection on namespaces: the labels Istio reads, and a record of which ones istioup
//! set, so that disabling later removes only what istioup added. Shared by `install --inject`
//! and `enable namespace`.

use std::collections::{HashMap, HashSet};

use futures::stream::{self, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::json;

use super::journal;
use crate::error::{Error, Kind, Result, api_error};
use crate::istio::{INJECT_LABEL, INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL};
use crate::util::interrupt;

/// How many namespace patches run at once: small independent writes, so many in flight; the
/// retry layer backs off when the server answers 429.
const CONCURRENCY: usize = 48;
/// How often a namespace that changed between istioup's read and its write is read again.
const CONFLICT_RETRIES: usize = 5;
/// Above this many namespaces, one list replaces a GET per namespace.
const LIST_ABOVE: usize = 3;

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

/// Work over many objects that may stop part-way: what was done (in the order asked), and why
/// it stopped. A failure on one namespace does not stop the others; Ctrl-C stops new writes.
#[derive(Debug)]
pub struct Partial<T> {
    pub done: Vec<T>,
    pub error: Option<Error>,
}

impl<T> Partial<T> {
    fn failed(error: Error) -> Self {
        Partial {
            done: Vec::new(),
            error: Some(error),
        }
    }

    /// All of it, or the error (what was done is in the journal).
    pub fn into_result(self) -> Result<Vec<T>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.done),
        }
    }
}

/// The label that selects `revision` (`None`: the default revision).
pub fn label_for(revision: Option<&str>) -> (&'static str, String) {
    match revision {
        None => (INJECTION_LABEL, "enabled".to_string()),
        Some(rev) => (REVISION_LABEL, rev.to_string()),
    }
}

/// What one namespace needs, decided from a read of it.
enum Step<T> {
    /// Nothing to write.
    Done(T),
    /// Write these labels (null removes) and the ownership record, then it is `then`.
    Write {
        labels: serde_json::Map<String, serde_json::Value>,
        owner: serde_json::Value,
        then: T,
    },
}

/// Labels each namespace for injection by `revision`, concurrently (bounded), from one list of
/// the namespaces. Each write carries the resourceVersion istioup read, so two runs at once
/// cannot both claim a namespace: the second is refused (409), reads it again and finds it done.
pub async fn enable(client: &Client, namespaces: &[String], revision: Option<&str>) -> Partial<Outcome> {
    let decide = |ns: &Namespace| plan_enable(ns, revision);
    each_namespace(client, namespaces, &decide, ("labelling", "label", "labelled")).await
}

fn plan_enable(ns: &Namespace, revision: Option<&str>) -> Step<Outcome> {
    let name = ns.name_any();
    let labels = ns.labels();
    let owned = ns.annotations().get(OWNER_ANNOTATION).cloned();
    let (key, value) = label_for(revision);
    let outcome = |change, note: Option<String>| Outcome {
        namespace: name.clone(),
        label: format!("{key}={value}"),
        change,
        note,
    };
    if labels.get(key) == Some(&value) && (key == INJECTION_LABEL || !labels.contains_key(INJECTION_LABEL)) {
        return Step::Done(outcome(Change::Unchanged, None));
    }
    // Someone pinned the namespace to a revision: `istio-injection=enabled` would beat that pin
    // and move its pods to the default control plane on their next restart.
    if key == INJECTION_LABEL
        && let Some(pinned) = labels
            .get(REVISION_LABEL)
            .filter(|_| owned.as_deref() != Some(REVISION_LABEL))
    {
        return Step::Done(outcome(
            Change::Conflict,
            Some(format!(
                "pinned to revision {pinned} by someone else ({REVISION_LABEL}={pinned}); left alone, \
                 as istio-injection=enabled would move it to the default revision"
            )),
        ));
    }
    // `istio-injection` beats `istio.io/rev`: a foreign one would silently override ours.
    let foreign_injection = labels
        .get(INJECTION_LABEL)
        .filter(|_| owned.as_deref() != Some(INJECTION_LABEL));
    if let Some(existing) = foreign_injection
        && (key == REVISION_LABEL || existing == "disabled")
    {
        return Step::Done(outcome(
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
    Step::Write {
        labels: new_labels,
        owner: json!(key),
        then: outcome(Change::Labelled, None),
    }
}

/// Runs `decide` on each namespace and writes what it says, concurrently (bounded), keeping the
/// order asked. `verbs`: ("labelling", "label", "labelled") for messages and the journal.
async fn each_namespace<T>(
    client: &Client,
    names: &[String],
    decide: &(dyn Fn(&Namespace) -> Step<T> + Sync),
    verbs: (&str, &str, &'static str),
) -> Partial<T> {
    let api = Api::<Namespace>::all(client.clone());
    let mut listed = match listed(&api, names).await {
        Ok(listed) => listed,
        Err(e) => return Partial::failed(e),
    };
    let work: Vec<(String, Option<Namespace>)> =
        names.iter().map(|n| (n.clone(), listed.remove(n))).collect();
    let results: Vec<Result<T>> = stream::iter(work)
        .map(|(name, known)| {
            let api = api.clone();
            async move { converge(&api, &name, known, decide, verbs).await }
        })
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let total = results.len();
    let mut done = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(t) => done.push(t),
            Err(e) => errors.push(e),
        }
    }
    let failed = errors.len();
    let interrupted = errors.iter().any(|e| e.kind() == Kind::Interrupted);
    let error = errors
        .into_iter()
        .find(|e| e.kind() != Kind::Interrupted || interrupted)
        .map(|first| {
            let (_, verb, _) = verbs;
            if interrupted {
                Error::new(
                    Kind::Interrupted,
                    format!(
                        "interrupted: {} of {total} namespaces done, the rest not changed; \
                         re-run the same command to finish",
                        done.len()
                    ),
                )
            } else if failed == 1 {
                first
            } else {
                let message = format!(
                    "cannot {verb} {failed} of {total} namespaces; the first: {}",
                    first.message()
                );
                let hint = first.hint().map(str::to_string);
                let error = Error::new(first.kind(), message).with_source(first);
                match hint {
                    Some(h) => error.with_hint(h),
                    None => error,
                }
            }
        });
    Partial { done, error }
}

/// The namespaces asked for as one list read them (by name), when there are enough of them to
/// make one list cheaper than a GET each; absent ones are read one by one (and may be missing).
async fn listed(api: &Api<Namespace>, names: &[String]) -> Result<HashMap<String, Namespace>> {
    if names.len() <= LIST_ABOVE {
        return Ok(HashMap::new());
    }
    let wanted: HashSet<&str> = names.iter().map(String::as_str).collect();
    crate::facts::client::fold_all(
        api.clone(),
        &ListParams::default(),
        "namespaces",
        HashMap::new(),
        |map: &mut HashMap<String, Namespace>, ns: Namespace| {
            let name = ns.name_any();
            if wanted.contains(name.as_str()) {
                map.insert(name, ns);
            }
        },
    )
    .await
}

/// Decides from what was read and writes, guarded by that read's resourceVersion; when the
/// namespace changed meanwhile (409), reads it again and decides again.
async fn converge<T>(
    api: &Api<Namespace>,
    name: &str,
    known: Option<Namespace>,
    decide: &(dyn Fn(&Namespace) -> Step<T> + Sync),
    (doing, verb, done): (&str, &str, &'static str),
) -> Result<T> {
    let read = || async {
        api.get(name)
            .await
            .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))
    };
    let mut ns = match known {
        Some(ns) => ns,
        None => read().await?,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (labels, owner, then) = match decide(&ns) {
            Step::Done(t) => return Ok(t),
            Step::Write { labels, owner, then } => (labels, owner, then),
        };
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                format!("interrupted before {doing} namespace {name}"),
            ));
        }
        let detail = labels
            .iter()
            .map(|(k, v)| match v.as_str() {
                Some(v) => format!("{k}={v}"),
                None => format!("{k}-"),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut patch = json!({"metadata": {"labels": labels, "annotations": {OWNER_ANNOTATION: owner}}});
        // A merge patch that names a resourceVersion is refused (409) if the object moved on.
        if let Some(rv) = ns.resource_version() {
            patch["metadata"]["resourceVersion"] = json!(rv);
        }
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {
                journal::record(done, format!("namespace/{name}"), Some(detail));
                return Ok(then);
            }
            Err(kube::Error::Api(status)) if status.code == 409 && attempt <= CONFLICT_RETRIES => {
                ns = read().await?;
            }
            Err(e) => return Err(api_error(e, &format!("cannot {verb} namespace {name}"))),
        }
    }
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
pub async fn disable(client: &Client, namespaces: &[String], mode: DisableMode) -> Partial<DisableOutcome> {
    let decide = |ns: &Namespace| plan_disable(ns, mode);
    each_namespace(
        client,
        namespaces,
        &decide,
        ("changing", "change the labels of", "unlabelled"),
    )
    .await
}

fn plan_disable(ns: &Namespace, mode: DisableMode) -> Step<DisableOutcome> {
    let name = &ns.name_any();
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
        return Step::Done(DisableOutcome {
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
            return Step::Done(outcome(
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
            return Step::Done(outcome(Removal::Unchanged, what.into_iter().collect(), None));
        }
        (Removal::Removed, text(&removed), serde_json::Value::Null)
    };
    Step::Write {
        labels: patch_labels,
        owner: annotation,
        then: DisableOutcome {
            left_alone: text(&spared),
            ..outcome(change, described, spared_note)
        },
    }
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
    let value = if inject { "true" } else { "false" };
    let what = format!("{}/{name} in namespace {namespace}", kind.as_str().to_lowercase());
    let previous = read_template_label(client, kind, namespace, name)
        .await
        .map_err(|e| api_error(e, &format!("cannot read {what}")))?
        .ok_or_else(|| {
            Error::failed(format!("{what} not found; nothing was changed")).with_hint(format!(
                "list them with: kubectl -n {namespace} get {}s",
                kind.as_str().to_lowercase()
            ))
        })?;
    let outcome = |change| WorkloadOutcome {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        label: format!("{}={value}", INJECT_LABEL),
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
    let label = json!({"metadata": {"labels": {INJECT_LABEL: value}}});
    patch_template(client, kind, namespace, name, label)
        .await
        .map_err(|e| api_error(e, &format!("cannot label {what}")))?;
    journal::record(
        "labelled",
        format!("{}/{name} -n {namespace}", kind.as_str().to_lowercase()),
        Some(format!("{INJECT_LABEL}={value}")),
    );
    Ok(outcome("set"))
}

/// The pod template's `sidecar.istio.io/inject` label; `None` when the workload does not exist.
async fn read_template_label(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
) -> std::result::Result<Option<Option<String>>, kube::Error> {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
    use k8s_openapi::api::batch::v1::CronJob;
    Ok(match kind {
        WorkloadKind::Deployment => Api::<Deployment>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::StatefulSet => Api::<StatefulSet>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::DaemonSet => Api::<DaemonSet>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await?
            .map(|d| template_label(d.spec.template.metadata.as_ref())),
        WorkloadKind::CronJob => Api::<CronJob>::namespaced(client.clone(), namespace)
            .get_opt(name)
            .await?
            .map(|c| {
                template_label(
                    c.spec
                        .job_template
                        .spec
                        .as_ref()
                        .and_then(|s| s.template.metadata.as_ref()),
                )
            }),
    })
}

/// Merges `label` (a `metadata` patch) into the workload's pod template.
async fn patch_template(
    client: &Client,
    kind: WorkloadKind,
    namespace: &str,
    name: &str,
    label: serde_json::Value,
) -> std::result::Result<(), kube::Error> {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
    use k8s_openapi::api::batch::v1::CronJob;
    let params = PatchParams::default();
    let template = Patch::Merge(json!({"spec": {"template": label}}));
    match kind {
        WorkloadKind::Deployment => Api::<Deployment>::namespaced(client.clone(), namespace)
            .patch(name, &params, &template)
            .await
            .map(|_| ()),
        WorkloadKind::StatefulSet => Api::<StatefulSet>::namespaced(client.clone(), namespace)
            .patch(name, &params, &template)
            .await
            .map(|_| ()),
        WorkloadKind::DaemonSet => Api::<DaemonSet>::namespaced(client.clone(), namespace)
            .patch(name, &params, &template)
            .await
            .map(|_| ()),
        WorkloadKind::CronJob => Api::<CronJob>::namespaced(client.clone(), namespace)
            .patch(
                name,
                &params,
                &Patch::Merge(json!({"spec": {"jobTemplate": {"spec": {"template": label}}}})),
            )
            .await
            .map(|_| ()),
    }
}

fn template_label(
    meta: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
) -> Option<String> {
    meta?.labels.as_ref()?.get(INJECT_LABEL).cloned()
}

/// Removes every injection label (`istio-injection` of any value, `istio.io/rev`) and istioup's
/// ownership record from each namespace: what `uninstall --purge` leaves of injection. Returns
/// `ns: label=value, ...` for each namespace changed.
/// Many namespaces are read with one list, as `enable` and `disable` read them; one missing from
/// it is read by name (gone by then: nothing to do).
pub async fn strip_all(client: &Client, namespaces: &[String]) -> Result<Vec<String>> {
    let api = Api::<Namespace>::all(client.clone());
    let mut listed = listed(&api, namespaces).await?;
    let work: Vec<(String, Option<Namespace>)> =
        namespaces.iter().map(|n| (n.clone(), listed.remove(n))).collect();
    let changed: Vec<Option<String>> = stream::iter(work)
        .map(|(name, known)| {
            let api = api.clone();
            async move {
                let ns = match known {
                    Some(ns) => Some(ns),
                    None => api
                        .get_opt(&name)
                        .await
                        .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))?,
                };
                let Some(ns) = ns else {
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
                journal::record("unlabelled", format!("namespace/{name}"), Some(labels.join(" ")));
                Ok::<_, Error>((!labels.is_empty()).then(|| format!("{name}: {}", labels.join(", "))))
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(changed.into_iter().flatten().collect())
}

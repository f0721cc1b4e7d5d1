//! Running pods gain or lose their sidecar only when recreated. This finds the workloads whose
//! pods no longer match their namespace's injection, and restarts them in batches, the way
//! `kubectl rollout restart` does, waiting for each batch to be Available.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::future::try_join_all;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::json;

use crate::error::{Error, Kind, Result, api_error};
use crate::facts::client::list_all;
use crate::facts::pods::{has_proxy, is_live};
use crate::istio::INJECT_LABEL;
use crate::util::interrupt;

const POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Workload {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// Pods of this workload whose sidecar state is stale.
    pub pods: usize,
}

impl Workload {
    /// `shop/deployment/web`
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.kind.to_lowercase(), self.name)
    }
}

/// What needs a restart: workloads, and pods that no controller would recreate (bare pods,
/// Jobs), which the user must handle.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Pending {
    pub workloads: Vec<Workload>,
    pub unmanaged_pods: Vec<String>,
}

/// Above this many namespaces, one cluster-wide list is cheaper than one list per namespace.
const PER_NAMESPACE_LISTS: usize = 4;

/// Pods in `namespaces` whose sidecar state differs from `want_sidecar`, grouped by workload.
/// A few namespaces are listed one by one; more are read with one cluster-wide (paginated) list
/// of pods and of ReplicaSets, never one request per namespace.
pub async fn pending(client: &Client, namespaces: &[String], want_sidecar: bool) -> Result<Pending> {
    pending_where(client, namespaces, &|p| is_stale(p, want_sidecar)).await
}

/// The same for any notion of stale (an upgrade's: a proxy of another revision), applied to
/// running pods only.
pub async fn pending_where(
    client: &Client,
    namespaces: &[String],
    stale: &(dyn Fn(&Pod) -> bool + Sync),
) -> Result<Pending> {
    if namespaces.is_empty() {
        return Ok(Pending::default());
    }
    let (pods, replicasets) = pods_and_replicasets(client, namespaces).await?;
    let wanted = |ns: Option<String>| ns.is_some_and(|ns| namespaces.contains(&ns));
    // A Deployment's pods are owned by its ReplicaSets.
    let rs_owner: BTreeMap<(String, String), String> = replicasets
        .iter()
        .filter(|rs| wanted(rs.namespace()))
        .filter_map(|rs| {
            let owner = rs.owner_references().iter().find(|o| o.kind == "Deployment")?;
            Some((
                (rs.namespace().unwrap_or_default(), rs.name_any()),
                owner.name.clone(),
            ))
        })
        .collect();
    // Keyed by the namespace's place in `namespaces`: the report follows the order asked for.
    let mut counts: BTreeMap<(usize, String, String), usize> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for pod in pods
        .iter()
        .filter(|p| wanted(p.namespace()) && is_live(p) && stale(p))
    {
        let namespace = pod.namespace().unwrap_or_default();
        let owner = pod
            .owner_references()
            .iter()
            .find(|o| o.controller == Some(true))
            .or(pod.owner_references().first());
        let workload = match owner {
            Some(o) if o.kind == "ReplicaSet" => rs_owner
                .get(&(namespace.clone(), o.name.clone()))
                .map(|d| ("Deployment".to_string(), d.clone())),
            Some(o) if o.kind == "StatefulSet" || o.kind == "DaemonSet" => {
                Some((o.kind.clone(), o.name.clone()))
            }
            _ => None,
        };
        match workload {
            Some((kind, name)) => {
                let place = namespaces
                    .iter()
                    .position(|n| *n == namespace)
                    .unwrap_or(usize::MAX);
                *counts.entry((place, kind, name)).or_default() += 1
            }
            None => unmanaged.push(format!("{namespace}/{}", pod.name_any())),
        }
    }
    unmanaged.sort();
    Ok(Pending {
        workloads: counts
            .into_iter()
            .map(|((place, kind, name), pods)| Workload {
                kind,
                namespace: namespaces.get(place).cloned().unwrap_or_default(),
                name,
                pods,
            })
            .collect(),
        unmanaged_pods: unmanaged,
    })
}

/// The pods and ReplicaSets of `namespaces`: one list per namespace for a few, else one
/// cluster-wide (paginated) list of each.
async fn pods_and_replicasets(client: &Client, namespaces: &[String]) -> Result<(Vec<Pod>, Vec<ReplicaSet>)> {
    let params = ListParams::default();
    let lists = if namespaces.len() <= PER_NAMESPACE_LISTS {
        let lists = try_join_all(namespaces.iter().map(|ns| async {
            tokio::try_join!(
                list_all(Api::<Pod>::namespaced(client.clone(), ns), &params, "pods"),
                list_all(
                    Api::<ReplicaSet>::namespaced(client.clone(), ns),
                    &params,
                    "replicasets"
                ),
            )
        }))
        .await?;
        lists
            .into_iter()
            .fold((Vec::new(), Vec::new()), |(mut pods, mut sets), (p, r)| {
                pods.extend(p);
                sets.extend(r);
                (pods, sets)
            })
    } else {
        tokio::try_join!(
            list_all(Api::<Pod>::all(client.clone()), &params, "pods"),
            list_all(Api::<ReplicaSet>::all(client.clone()), &params, "replicasets"),
        )?
    };
    Ok(lists)
}

fn is_stale(pod: &Pod, want_sidecar: bool) -> bool {
    let spec = pod.spec.as_ref();
    // Istio never injects host-network pods, and honours a pod's own opt-out.
    let opted_out = pod.labels().get(INJECT_LABEL).map(String::as_str) == Some("false");
    if want_sidecar && (opted_out || spec.and_then(|s| s.host_network) == Some(true)) {
        return false;
    }
    has_proxy(pod) != want_sidecar
}

/// Restarts `workloads`, `batch_size` at a time, waiting up to `timeout` for each batch to be
/// Available. `progress` hears one line per step.
pub async fn restart(
    client: &Client,
    workloads: &[Workload],
    batch_size: usize,
    timeout: Duration,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<String>> {
    let mut done = Vec::new();
    let total = workloads.len();
    for (index, batch) in workloads.chunks(batch_size.max(1)).enumerate() {
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                "interrupted: the remaining workloads were not restarted",
            ));
        }
        let names: Vec<String> = batch.iter().map(Workload::id).collect();
        progress(format!(
            "restarting batch {} ({} of {total}): {}",
            index + 1,
            done.len() + batch.len(),
            names.join(", ")
        ));
        try_join_all(batch.iter().map(|w| trigger(client, w))).await?;
        for w in batch {
            super::journal::record(
                "restarted",
                format!("{}/{} -n {}", w.kind.to_lowercase(), w.name, w.namespace),
                None,
            );
        }
        try_join_all(batch.iter().map(|w| wait_available(client, w, timeout))).await?;
        progress(format!("✔ available: {}", names.join(", ")));
        done.extend(names);
    }
    Ok(done)
}

/// What `kubectl rollout restart` does: a new template annotation makes the controller replace
/// every pod.
async fn trigger(client: &Client, w: &Workload) -> Result<()> {
    let now = k8s_openapi::jiff::Timestamp::now().to_string();
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
    let params = PatchParams::default();
    let what = format!("cannot restart {}", w.id());
    let result = match w.kind.as_str() {
        "Deployment" => Api::<Deployment>::namespaced(client.clone(), &w.namespace)
            .patch(&w.name, &params, &Patch::Merge(&patch))
            .await
            .map(|_| ()),
        "StatefulSet" => Api::<StatefulSet>::namespaced(client.clone(), &w.namespace)
            .patch(&w.name, &params, &Patch::Merge(&patch))
            .await
            .map(|_| ()),
        "DaemonSet" => Api::<DaemonSet>::namespaced(client.clone(), &w.namespace)
            .patch(&w.name, &params, &Patch::Merge(&patch))
            .await
            .map(|_| ()),
        other => {
            return Err(Error::failed(format!(
                "{what}: istioup does not restart a {other}"
            )));
        }
    };
    result.map_err(|e| api_error(e, &what))
}

/// How waiting for a rollout ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    Ready,
    /// Its pods cannot be created: the newest `FailedCreate` event's message.
    FailedCreate(String),
    /// Not Available in time: where it stands, and each of its pods that is not ready with
    /// why (`pod shop/web-1 is Pending: 0/1 nodes are available: 1 Insufficient cpu.`).
    TimedOut {
        state: String,
        pods: Vec<String>,
    },
}

/// Waits until `w`'s rollout is complete, the wait every command that rolls or creates a
/// workload shares (restarts, addons). Stops early when its pods cannot even be created.
pub async fn wait_rollout(client: &Client, w: &Workload, timeout: Duration) -> Result<Wait> {
    let start = Instant::now();
    // Events carry whole seconds (lastTimestamp): compare from the start of this one.
    let now = k8s_openapi::jiff::Timestamp::now();
    let since = k8s_openapi::jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    loop {
        let (ready, state) = rollout_state(client, w).await?;
        if ready {
            return Ok(Wait::Ready);
        }
        // New pods that cannot even be created (an injector webhook with no istiod behind it,
        // failurePolicy Fail) never become Available: say so now, not after the timeout.
        if let Some(why) = failed_create(client, w, since).await? {
            return Ok(Wait::FailedCreate(why));
        }
        if start.elapsed() >= timeout {
            let prefix = format!("pod {}/{}-", w.namespace, w.name);
            let pods = crate::judge::verify::diagnose(client, &w.namespace)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|line| line.starts_with(&prefix))
                .collect();
            return Ok(Wait::TimedOut { state, pods });
        }
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                format!("interrupted while waiting for {}", w.id()),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn wait_available(client: &Client, w: &Workload, timeout: Duration) -> Result<()> {
    match wait_rollout(client, w, timeout).await? {
        Wait::Ready => Ok(()),
        Wait::FailedCreate(why) => Err(Error::failed(format!(
            "{}: its new pods cannot be created; the rollout stopped here",
            w.id()
        ))
        .with_source(Error::failed(why))
        .with_hint(
            "a webhook rejects the pods: is the control plane running? kubectl get pods -A -l app=istiod; \
             then re-run the same command",
        )),
        Wait::TimedOut { state, pods } => Err(Error::failed(format!(
            "{} did not become Available within {}s after the restart ({state}){}; the rollout stopped here",
            w.id(),
            timeout.as_secs(),
            pods_suffix(&pods)
        ))
        .with_hint(format!(
            "look at its pods: kubectl -n {} get pods; kubectl -n {} describe {} {}",
            w.namespace,
            w.namespace,
            w.kind.to_lowercase(),
            w.name
        ))),
    }
}

/// `: pod shop/web-1 is Pending: ...; pod ...`, or nothing.
pub fn pods_suffix(pods: &[String]) -> String {
    if pods.is_empty() {
        String::new()
    } else {
        format!(": {}", pods.join("; "))
    }
}

/// Whether the rollout finished, with a short description of where it stands.
/// The newest `FailedCreate` warning since `since` on the workload or, for a Deployment, on one
/// of its ReplicaSets (`<name>-<hash>`): what the controllers record when the API server
/// refuses their pods.
async fn failed_create(
    client: &Client,
    w: &Workload,
    since: k8s_openapi::jiff::Timestamp,
) -> Result<Option<String>> {
    use k8s_openapi::api::core::v1::Event;
    let events = list_all(
        Api::<Event>::namespaced(client.clone(), &w.namespace),
        &ListParams::default(),
        "events",
    )
    .await?;
    let owner = |name: &str| {
        name == w.name
            || (w.kind == "Deployment"
                && name
                    .strip_prefix(w.name.as_str())
                    .is_some_and(|rest| rest.starts_with('-') && !rest[1..].contains('-')))
    };
    Ok(events
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("FailedCreate"))
        .filter(|e| e.involved_object.name.as_deref().is_some_and(owner))
        .filter(|e| {
            let at = e
                .last_timestamp
                .as_ref()
                .map(|t| t.0)
                .or_else(|| e.event_time.as_ref().map(|t| t.0));
            at.is_none_or(|at| at >= since)
        })
        .max_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0))
        .and_then(|e| e.message))
}

async fn rollout_state(client: &Client, w: &Workload) -> Result<(bool, String)> {
    let what = format!("cannot read {}", w.id());
    match w.kind.as_str() {
        "Deployment" => {
            let d = Api::<Deployment>::namespaced(client.clone(), &w.namespace)
                .get(&w.name)
                .await
                .map_err(|e| api_error(e, &what))?;
            let want = d.spec.replicas.unwrap_or(1);
            let s = d.status.unwrap_or_default();
            let fresh = s.observed_generation >= d.metadata.generation;
            let (updated, available, total) = (
                s.updated_replicas.unwrap_or(0),
                s.available_replicas.unwrap_or(0),
                s.replicas.unwrap_or(0),
            );
            Ok((
                fresh && updated == want && available == want && total == want,
                format!("{available}/{want} available, {updated} updated, {total} pods in all"),
            ))
        }
        "StatefulSet" => {
            let d = Api::<StatefulSet>::namespaced(client.clone(), &w.namespace)
                .get(&w.name)
                .await
                .map_err(|e| api_error(e, &what))?;
            let want = d.spec.replicas.unwrap_or(1);
            let s = d.status.unwrap_or_default();
            let fresh = s.observed_generation >= d.metadata.generation;
            let updated = s.updated_replicas.unwrap_or(0);
            let ready = s.ready_replicas.unwrap_or(0);
            Ok((
                fresh && updated == want && ready == want,
                format!("{ready}/{want} ready, {updated} updated"),
            ))
        }
        "DaemonSet" => {
            let d = Api::<DaemonSet>::namespaced(client.clone(), &w.namespace)
                .get(&w.name)
                .await
                .map_err(|e| api_error(e, &what))?;
            let s = d.status.unwrap_or_default();
            let fresh = s.observed_generation >= d.metadata.generation;
            let want = s.desired_number_scheduled;
            let updated = s.updated_number_scheduled.unwrap_or(0);
            let available = s.number_available.unwrap_or(0);
            Ok((
                fresh && updated == want && available == want,
                format!("{available}/{want} available, {updated} updated"),
            ))
        }
        other => Err(Error::failed(format!("istioup does not restart a {other}"))),
    }
}

/// `kubectl -n shop rollout restart deployment/web`, for a report's hint lines.
pub fn restart_command(w: &Workload) -> String {
    format!(
        "kubectl -n {} rollout restart {}/{}",
        w.namespace,
        w.kind.to_lowercase(),
        w.name
    )
}

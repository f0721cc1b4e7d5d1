//! Moving namespaces between control plane revisions: the upgrade record on the cluster, the
//! relabelling (forward, and back for a rollback, keeping istioup's ownership records), and the
//! restarts in batches with a check that each restarted workload's new pods really run a proxy
//! of the revision asked for.
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::json;

use super::istioctl::run::Observer;
use super::journal;
use super::restart::{self, Workload};
use super::uninstall;
use crate::error::{Error, Kind, Result, api_error};
use crate::facts::mesh::{self, Inventory, ObjectRef};
use crate::facts::revisions::{Before, FROM_ANNOTATION, RECORD_CONFIGMAP, Record, before, pod_revision};
use crate::istio::{INJECT_LABEL, INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL};
use crate::util::interrupt;

/// Writes the upgrade record (server-side apply: re-running converges).
pub async fn save_record(client: &Client, record: &Record) -> Result<()> {
    let mut data = BTreeMap::from([
        ("from".to_string(), record.from.clone()),
        ("to".to_string(), record.to.clone()),
    ]);
    if let Some(tag) = &record.tag {
        data.insert("tag".into(), tag.clone());
    }
    let cm = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": RECORD_CONFIGMAP, "namespace": record.namespace,
                     "labels": {"app.kubernetes.io/managed-by": "istioup"}},
        "data": data,
    });
    Api::<ConfigMap>::namespaced(client.clone(), &record.namespace)
        .patch(
            RECORD_CONFIGMAP,
            &PatchParams::apply("istioup").force(),
            &Patch::Apply(&cm),
        )
        .await
        .map_err(|e| {
            api_error(
                e,
                &format!("cannot write ConfigMap {}/{RECORD_CONFIGMAP}", record.namespace),
            )
        })?;
    journal::record(
        "recorded",
        format!("configmap/{RECORD_CONFIGMAP} -n {}", record.namespace),
        None,
    );
    Ok(())
}

/// Removes the record once the upgrade is finished or rolled back.
pub async fn delete_record(client: &Client, record: &Record) -> Result<()> {
    let api = Api::<ConfigMap>::namespaced(client.clone(), &record.namespace);
    match api.delete(RECORD_CONFIGMAP, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
        Err(e) => Err(api_error(
            e,
            &format!("cannot delete ConfigMap {}/{RECORD_CONFIGMAP}", record.namespace),
        )),
    }
}

/// What relabelling did to one namespace.
#[derive(Debug, Clone, Serialize)]
pub struct Relabelled {
    pub namespace: String,
    pub from: String,
    pub to: String,
    /// `relabelled` or `unchanged`.
    pub change: &'static str,
}

/// Points each namespace at `value` (`istio.io/rev=<value>`, a revision or a tag), removing
/// `istio-injection=enabled` (which would beat it) where istioup set it, or anyone did with
/// `force`. The label before is kept on the namespace (`istioup.io/upgrade-from`) for a rollback;
/// istioup's ownership record follows the label only where istioup owned the old one.
pub async fn relabel(client: &Client, names: &[String], value: &str, force: bool) -> Result<Vec<Relabelled>> {
    let mut out = Vec::new();
    for name in names {
        out.push(patch_namespace(client, name, &|ns| forward(ns, value, force)).await?);
    }
    Ok(out)
}

/// Puts back the label each migrated namespace had before, and istioup's record of it.
pub async fn relabel_back(client: &Client, names: &[String]) -> Result<Vec<Relabelled>> {
    let mut out = Vec::new();
    for name in names {
        out.push(patch_namespace(client, name, &back).await?);
    }
    Ok(out)
}

type Decision = Result<(Option<serde_json::Value>, Relabelled)>;

fn forward(ns: &Namespace, value: &str, force: bool) -> Decision {
    let name = ns.name_any();
    let labels = ns.labels();
    let owner = ns.annotations().get(OWNER_ANNOTATION).cloned();
    let injection = labels.get(INJECTION_LABEL);
    let current = labels.get(REVISION_LABEL);
    let to = format!("{REVISION_LABEL}={value}");
    let from = match (injection, current) {
        (Some(v), _) => format!("{INJECTION_LABEL}={v}"),
        (None, Some(r)) => format!("{REVISION_LABEL}={r}"),
        (None, None) => "none".to_string(),
    };
    let done = |change| Relabelled {
        namespace: name.clone(),
        from: from.clone(),
        to: to.clone(),
        change,
    };
    if injection.is_none() && current.map(String::as_str) == Some(value) {
        return Ok((None, done("unchanged")));
    }
    let was = match (injection.map(String::as_str), current) {
        (Some("enabled"), _) => (INJECTION_LABEL, "enabled".to_string()),
        (Some(other), _) => {
            return Err(Error::new(
                Kind::ChecksFailed,
                format!(
                    "namespace {name} is labelled {INJECTION_LABEL}={other}, which injects nothing; nothing to migrate there"
                ),
            ));
        }
        (None, Some(r)) => (REVISION_LABEL, r.clone()),
        (None, None) => {
            return Err(Error::new(
                Kind::ChecksFailed,
                format!("namespace {name} has no injection label; nothing to migrate there"),
            )
            .with_hint(format!(
                "to add it to the mesh: istioup enable namespace {name} --revision {value}"
            )));
        }
    };
    let ours = owner.as_deref() == Some(was.0);
    if was.0 == INJECTION_LABEL && !ours && !force {
        return Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "namespace {name}: {INJECTION_LABEL}=enabled was set by someone else, and it beats {REVISION_LABEL}; it was left alone"
            ),
        )
        .with_hint("re-run with --force to replace it (a rollback puts it back)"));
    }
    let record = before(ns).unwrap_or(Before {
        label: was.0.to_string(),
        value: was.1,
        owner: owner.clone(),
    });
    let mut patch_labels = serde_json::Map::new();
    patch_labels.insert(REVISION_LABEL.into(), json!(value));
    if injection.is_some() {
        patch_labels.insert(INJECTION_LABEL.into(), serde_json::Value::Null);
    }
    let owner_now = if record.owner.is_some() {
        json!(REVISION_LABEL)
    } else {
        serde_json::Value::Null
    };
    let patch = json!({"metadata": {"labels": patch_labels, "annotations": {
        OWNER_ANNOTATION: owner_now,
        FROM_ANNOTATION: serde_json::to_string(&record).unwrap_or_default(),
    }}});
    Ok((Some(patch), done("relabelled")))
}

fn back(ns: &Namespace) -> Decision {
    let name = ns.name_any();
    let labels = ns.labels();
    let now = match labels.get(REVISION_LABEL) {
        Some(r) => format!("{REVISION_LABEL}={r}"),
        None => "none".into(),
    };
    let Some(record) = before(ns) else {
        return Ok((
            None,
            Relabelled {
                namespace: name,
                from: now.clone(),
                to: now,
                change: "unchanged",
            },
        ));
    };
    let mut patch_labels = serde_json::Map::new();
    patch_labels.insert(record.label.clone(), json!(record.value));
    if record.label == INJECTION_LABEL {
        patch_labels.insert(REVISION_LABEL.into(), serde_json::Value::Null);
    }
    let patch = json!({"metadata": {"labels": patch_labels, "annotations": {
        OWNER_ANNOTATION: record.owner,
        FROM_ANNOTATION: serde_json::Value::Null,
    }}});
    Ok((
        Some(patch),
        Relabelled {
            namespace: name,
            from: now,
            to: format!("{}={}", record.label, record.value),
            change: "relabelled",
        },
    ))
}

/// Reads the namespace, decides, and writes with that read's resourceVersion; a namespace that
/// changed meanwhile (409) is read and decided again.
async fn patch_namespace(
    client: &Client,
    name: &str,
    decide: &(dyn Fn(&Namespace) -> Decision + Sync),
) -> Result<Relabelled> {
    let api = Api::<Namespace>::all(client.clone());
    for _ in 0..5 {
        let ns = api
            .get(name)
            .await
            .map_err(|e| api_error(e, &format!("cannot read namespace {name}")))?;
        let (patch, done) = decide(&ns)?;
        let Some(mut patch) = patch else {
            return Ok(done);
        };
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                format!("interrupted before relabelling namespace {name}"),
            ));
        }
        patch["metadata"]["resourceVersion"] = json!(ns.resource_version());
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {
                journal::record(
                    "relabelled",
                    format!("namespace/{name}"),
                    Some(format!("{} → {}", done.from, done.to)),
                );
                return Ok(done);
            }
            Err(kube::Error::Api(s)) if s.code == 409 => continue,
            Err(e) => return Err(api_error(e, &format!("cannot relabel namespace {name}"))),
        }
    }
    Err(Error::failed(format!(
        "namespace {name} kept changing while istioup relabelled it"
    ))
    .with_hint("re-run the same command"))
}

/// A running pod that does not run a proxy of `revision` and would get one if recreated (not
/// opted out, not host-network).
pub fn off_revision(pod: &Pod, revision: &str) -> bool {
    let opted_out = pod.labels().get(INJECT_LABEL).map(String::as_str) == Some("false");
    let host = pod.spec.as_ref().and_then(|s| s.host_network) == Some(true);
    !opted_out && !host && pod_revision(pod).as_deref() != Some(revision)
}

/// The workloads in `namespaces` whose pods are not on `revision`.
pub async fn pending(client: &Client, namespaces: &[String], revision: &str) -> Result<restart::Pending> {
    restart::pending_where(client, namespaces, &|p| off_revision(p, revision)).await
}

/// Restarts `workloads` `batch_size` at a time; after each batch is Available, checks that none
/// of its pods still runs off `revision`; `done` collects the workloads moved (the injector of another revision, or none, served
/// them). The first workload that fails stops the rest: a re-run starts from it, as the
/// workloads already moved are no longer pending.
pub async fn roll(
    client: &Client,
    workloads: &[Workload],
    revision: &str,
    batch_size: usize,
    timeout: std::time::Duration,
    done: &mut Vec<String>,
    progress: &mut dyn FnMut(String),
) -> Result<()> {
    let total = workloads.len();
    for (index, batch) in workloads.chunks(batch_size.max(1)).enumerate() {
        // restart() numbers the one batch it is given; the line names this batch among all.
        let place = format!(
            "restarting batch {} ({} of {total})",
            index + 1,
            done.len() + batch.len()
        );
        let mut say = |line: String| match line.strip_prefix("restarting batch 1 (") {
            Some(rest) => progress(format!(
                "{place}{}",
                rest.split_once(')').map_or("", |(_, tail)| tail)
            )),
            None => progress(line),
        };
        restart::restart(client, batch, batch.len(), timeout, &mut say).await?;
        let mut namespaces: Vec<String> = batch.iter().map(|w| w.namespace.clone()).collect();
        namespaces.dedup();
        let still = pending(client, &namespaces, revision).await?;
        let wrong: Vec<String> = batch
            .iter()
            .filter(|w| {
                still
                    .workloads
                    .iter()
                    .any(|s| s.namespace == w.namespace && s.kind == w.kind && s.name == w.name)
            })
            .map(Workload::id)
            .collect();
        if !wrong.is_empty() {
            return Err(Error::failed(format!(
                "{} restarted, but its new pods do not run a proxy of revision {revision} (sidecar.istio.io/status); the migration stopped here",
                wrong.join(", ")
            ))
            .with_hint(format!(
                "is revision {revision}'s injector serving the namespace? istioup upgrade status; then re-run the same command"
            )));
        }
        progress(format!(
            "✔ on revision {revision}: {}",
            batch.iter().map(Workload::id).collect::<Vec<_>>().join(", ")
        ));
        done.extend(batch.iter().map(Workload::id));
    }
    Ok(())
}

/// The istioctl istioup runs, and how: the path, the arguments that name the cluster, the deadline.
pub struct Istioctl<'a> {
    pub path: &'a std::path::Path,
    pub kube_args: Vec<std::ffi::OsString>,
    pub timeout: std::time::Duration,
}

/// Runs `istioctl ARGV... <kube args>`; returns what it reported removing and its log.
pub async fn istioctl(
    ctl: &Istioctl<'_>,
    argv: &[&str],
    observer: &mut dyn Observer,
) -> Result<(Vec<ObjectRef>, Vec<std::path::PathBuf>)> {
    let run: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
    let (removed, logs, result) =
        uninstall::run_istioctl(ctl.path, &ctl.kube_args, &[run], ctl.timeout, observer).await;
    result.map(|()| (removed, logs))
}

/// Points revision tag `tag` at `revision`: `istioctl tag set TAG --revision REV --overwrite -y`
/// (istioctl/pkg/tag/tag.go), which re-renders the tag's webhook from the revision's injector.
pub async fn move_tag(
    ctl: &Istioctl<'_>,
    tag: &str,
    revision: &str,
    observer: &mut dyn Observer,
) -> Result<()> {
    istioctl(
        ctl,
        &["tag", "set", tag, "--revision", revision, "--overwrite", "-y"],
        observer,
    )
    .await?;
    journal::record(
        "tagged",
        format!("tag/{tag}"),
        Some(format!("→ revision {revision}")),
    );
    Ok(())
}

/// `istioctl uninstall -r REV -y` (keeps Base: the CRDs and user objects stay), then what the
/// revision left behind: its webhooks and, per revision, the leader-election Lease
/// `istio-gateway-deployment-<rev>` (pilot/pkg/leaderelection/leaderelection.go).
pub async fn remove_revision(
    client: &Client,
    ctl: &Istioctl<'_>,
    revision: &str,
    inv: &Inventory,
    observer: &mut dyn Observer,
) -> Result<(Vec<ObjectRef>, Vec<std::path::PathBuf>)> {
    let (mut removed, logs) = istioctl(ctl, &["uninstall", "-r", revision, "-y"], observer).await?;
    let after = mesh::gather(client, false).await?;
    let mut leftovers = inv.leftovers_after(&after);
    for ns in inv.istio_namespaces() {
        leftovers.push(ObjectRef {
            kind: "Lease".into(),
            namespace: Some(ns),
            name: format!("istio-gateway-deployment-{revision}"),
        });
    }
    removed.extend(uninstall::delete_all(client, &leftovers).await?);
    Ok((removed, logs))
}

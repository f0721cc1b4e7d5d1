//! Taking Istio off a cluster without losing what users made: the plan decided from the
//! inventory before anything changes, the istioctl uninstall runs, the injection labels, and
//! the clean-up of what `istioctl uninstall` leaves behind (the backup is `backup`).
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::Client;
use kube::api::{Api, DeleteParams};

use crate::error::{Error, Kind, Result, api_error};
use serde::Serialize;

use super::inject::{self, DisableMode};
use super::istioctl::progress::Event;
use super::istioctl::run::{self as istioctl_run, Observer};
use crate::cli::UninstallArgs;
use crate::facts::mesh::{Inventory, KindCount, ObjectRef};
use crate::istio::{DEFAULT_NAMESPACE, INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL};
use crate::util::interrupt;

const CONCURRENCY: usize = 8;

/// Deletes each object (already gone counts as deleted); returns those deleted now.
pub async fn delete_all(client: &Client, objects: &[ObjectRef]) -> Result<Vec<ObjectRef>> {
    let deleted: Vec<Option<ObjectRef>> = stream::iter(objects.iter().cloned())
        .map(|o| async move { delete_one(client, &o).await.map(|gone| gone.then_some(o)) })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(deleted.into_iter().flatten().collect())
}

async fn delete_one(client: &Client, object: &ObjectRef) -> Result<bool> {
    if interrupt::interrupted() {
        return Err(Error::new(
            Kind::Interrupted,
            format!("interrupted before deleting {object}; re-run the same command to finish"),
        ));
    }
    let params = DeleteParams::default();
    let ns = object.namespace.as_deref().unwrap_or_default();
    let result = match object.kind.as_str() {
        "MutatingWebhookConfiguration" => Api::<MutatingWebhookConfiguration>::all(client.clone())
            .delete(&object.name, &params)
            .await
            .map(|_| ()),
        "ValidatingWebhookConfiguration" => Api::<ValidatingWebhookConfiguration>::all(client.clone())
            .delete(&object.name, &params)
            .await
            .map(|_| ()),
        "ConfigMap" => Api::<ConfigMap>::namespaced(client.clone(), ns)
            .delete(&object.name, &params)
            .await
            .map(|_| ()),
        "Namespace" => Api::<Namespace>::all(client.clone())
            .delete(&object.name, &params)
            .await
            .map(|_| ()),
        other => {
            return Err(Error::failed(format!(
                "istioup does not delete a {other} ({object})"
            )));
        }
    };
    match result {
        Ok(()) => Ok(true),
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(false),
        Err(e) => Err(api_error(e, &format!("cannot delete {object}"))),
    }
}

/// What this run will do, decided from the inventory before anything changes.
pub struct Plan {
    /// One argument list per `istioctl uninstall` (before the kubeconfig flags).
    pub istioctl_runs: Vec<Vec<OsString>>,
    /// Namespaces whose injection labels go: istioup's, or all with --purge.
    pub label_namespaces: Vec<String>,
    pub purge_labels: bool,
    pub leftovers: Vec<ObjectRef>,
    pub istio_namespaces: Vec<String>,
    pub kept: Kept,
}

impl Plan {
    pub fn new(args: &UninstallArgs, inv: &Inventory) -> Plan {
        let istioctl_runs = istioctl_runs(args.purge, inv);
        let mut label_namespaces = Vec::new();
        let mut kept = Kept::default();
        for ns in &inv.namespaces {
            let labels = ns.metadata.labels.clone().unwrap_or_default();
            let owner = ns
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(OWNER_ANNOTATION))
                .cloned();
            let name = ns.metadata.name.clone().unwrap_or_default();
            let present: Vec<(&str, &String)> = [INJECTION_LABEL, REVISION_LABEL]
                .into_iter()
                .filter_map(|k| labels.get(k).map(|v| (k, v)))
                .collect();
            // What istioup set that still turns injection on; a `disabled` it set stays (it keeps
            // a later mesh-wide default out), unless --purge.
            let owned_enabling = present
                .iter()
                .any(|(k, v)| owner.as_deref() == Some(*k) && v.as_str() != "disabled");
            if (args.purge && (!present.is_empty() || owner.is_some())) || owned_enabling {
                label_namespaces.push(name.clone());
                continue;
            }
            for (key, value) in present {
                let whose = if owner.as_deref() == Some(key) {
                    "set by istioup"
                } else {
                    "not set by istioup"
                };
                kept.labels.push(format!("{name}: {key}={value} ({whose})"));
            }
        }
        let istio_namespaces: Vec<String> = if args.delete_namespace {
            inv.istio_namespaces()
                .into_iter()
                .filter(|n| {
                    inv.namespaces
                        .iter()
                        .any(|ns| ns.metadata.name.as_deref() == Some(n))
                })
                .collect()
        } else {
            Vec::new()
        };
        if !args.purge {
            kept.crds = inv.crds.len();
            kept.istio_objects = inv.object_counts();
        }
        if !args.delete_namespace {
            kept.namespaces = inv
                .istio_namespaces()
                .into_iter()
                .filter(|n| {
                    inv.namespaces
                        .iter()
                        .any(|ns| ns.metadata.name.as_deref() == Some(n))
                })
                .collect();
        }
        Plan {
            istioctl_runs,
            label_namespaces,
            purge_labels: args.purge,
            leftovers: inv.leftovers(true),
            istio_namespaces,
            kept,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.istioctl_runs.is_empty()
            && self.label_namespaces.is_empty()
            && self.leftovers.is_empty()
            && self.istio_namespaces.is_empty()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Kept {
    pub crds: usize,
    pub istio_objects: Vec<KindCount>,
    /// Injection labels istioup did not set (without --purge).
    pub labels: Vec<String>,
    pub namespaces: Vec<String>,
}

/// One `istioctl uninstall` per revision and namespace it runs in (`--purge`: one for all).
/// `uninstall -r REV` removes only what carries the owning-resource namespace of
/// render.MergeInputs, istio-system unless told otherwise (operator/cmd/mesh/uninstall.go,
/// operator/pkg/uninstall/prune.go): a control plane elsewhere needs
/// `--set values.global.istioNamespace=NS`, which sets that namespace as istioctl's
/// translateIstioOperatorToHelm does on install (operator/pkg/render/manifest.go).
fn istioctl_runs(purge: bool, inv: &Inventory) -> Vec<Vec<OsString>> {
    if purge {
        if inv.components.is_empty() && inv.crds.is_empty() {
            return Vec::new();
        }
        return vec![vec!["uninstall".into(), "--purge".into(), "-y".into()]];
    }
    let mut targets: Vec<(String, String)> = Vec::new();
    for rev in inv.revisions() {
        // The control plane's namespace is the install's; gateways may live elsewhere but carry
        // the same owner namespace.
        let mut namespaces: Vec<String> = inv
            .control_planes()
            .filter(|c| c.revision == rev)
            .map(|c| c.namespace.clone())
            .collect();
        if namespaces.is_empty() {
            namespaces = inv
                .components
                .iter()
                .filter(|c| c.revision == rev)
                .map(|c| c.namespace.clone())
                .collect();
        }
        namespaces.sort();
        namespaces.dedup();
        targets.extend(namespaces.into_iter().map(|ns| (rev.clone(), ns)));
    }
    targets
        .into_iter()
        .map(|(rev, ns)| {
            let mut run: Vec<OsString> = vec!["uninstall".into(), "-r".into(), rev.into(), "-y".into()];
            if ns != DEFAULT_NAMESPACE {
                run.extend([
                    "--set".into(),
                    format!("values.global.istioNamespace={ns}").into(),
                ]);
            }
            run
        })
        .collect()
}

/// Runs each `istioctl uninstall` in turn. Returns the objects istioctl reported removing and
/// the log of each run, next to the first failure if there was one.
pub async fn run_istioctl(
    istioctl: &Path,
    kube_args: &[OsString],
    runs: &[Vec<OsString>],
    deadline: Duration,
    observer: &mut dyn Observer,
) -> (Vec<ObjectRef>, Vec<PathBuf>, Result<()>) {
    let mut removed = Vec::new();
    let mut logs = Vec::new();
    for run in runs {
        if interrupt::interrupted() {
            let err = Error::new(
                Kind::Interrupted,
                "interrupted before istioctl uninstall; re-run the same command to finish",
            );
            return (removed, logs, Err(err));
        }
        let mut argv = run.clone();
        argv.extend(kube_args.iter().cloned());
        let log = match istioctl_run::log_path("uninstall") {
            Ok(log) => log,
            Err(e) => return (removed, logs, Err(e)),
        };
        logs.push(log.clone());
        let outcome = match istioctl_run::run(istioctl, &argv, &log, deadline, observer).await {
            Ok(outcome) => outcome,
            Err(e) => return (removed, logs, Err(e)),
        };
        removed.extend(outcome.events.iter().filter_map(|e| match e {
            Event::Removed(what) => Some(what.clone()),
            _ => None,
        }));
        if !outcome.success() {
            let words: Vec<String> = run.iter().map(|a| a.to_string_lossy().into_owned()).collect();
            let mut err = Error::new(
                Kind::Istioctl,
                format!("istioctl {} failed (exit {})", words.join(" "), outcome.code),
            )
            .with_hint(format!(
                "istioctl's output is in {}; fix the cause and re-run the same command to finish",
                log.display()
            ));
            if let Some(line) = outcome.error_lines().first() {
                err = err.with_source(Error::failed(line.clone()));
            }
            return (removed, logs, Err(err));
        }
    }
    (removed, logs, Ok(()))
}

/// Removes the injection labels the plan names: istioup's own, or every one with `--purge`.
pub async fn remove_labels(client: &Client, plan: &Plan) -> Result<Vec<String>> {
    if plan.purge_labels {
        return inject::strip_all(client, &plan.label_namespaces).await;
    }
    let outcomes = inject::disable(client, &plan.label_namespaces, DisableMode::default()).await?;
    Ok(outcomes
        .iter()
        .filter(|o| o.change == inject::Removal::Removed)
        .map(|o| format!("{}: {}", o.namespace, o.labels.join(", ")))
        .collect())
}

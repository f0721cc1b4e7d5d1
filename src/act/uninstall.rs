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
use crate::facts::mesh::{Inventory, KindCount, ObjectRef, WebhookKind};
use crate::istio::{
    CA_SECRET, COMPONENT_LABEL, DEFAULT_NAMESPACE, INJECTION_LABEL, OWNER_ANNOTATION, REVISION_LABEL,
    is_election_object,
};
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
        "Secret" => Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client.clone(), ns)
            .delete(&object.name, &params)
            .await
            .map(|_| ()),
        "Lease" => Api::<k8s_openapi::api::coordination::v1::Lease>::namespaced(client.clone(), ns)
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
        Ok(()) => {
            super::journal::record("deleted", object.to_string(), None);
            Ok(true)
        }
        Err(kube::Error::Api(status)) if status.code == 404 => Ok(false),
        Err(e) => Err(api_error(e, &format!("cannot delete {object}"))),
    }
}

/// What this run will do, decided from the inventory before anything changes.
pub struct Plan {
    /// One argument list per `istioctl uninstall` (before the kubeconfig flags).
    pub istioctl_runs: Vec<Vec<OsString>>,
    /// (revision, owner namespace) that `istioctl uninstall -r` would refuse ("could not find
    /// target revision": no MutatingWebhookConfiguration of it is left), removed by istioup with
    /// the selectors istioctl uses.
    pub prunes: Vec<(String, String)>,
    /// Namespaces whose injection labels go: istioup's, or all with --purge.
    pub label_namespaces: Vec<String>,
    pub purge_labels: bool,
    pub leftovers: Vec<ObjectRef>,
    pub istio_namespaces: Vec<String>,
    /// PeerAuthentications istioup made, as `namespace/name`: they go.
    pub peer_authentications: Vec<String>,
    /// istioup's addons found (`kiali (istio-system)`): they go unless --keep-addons.
    pub addons: Vec<String>,
    pub kept: Kept,
}

impl Plan {
    pub fn new(args: &UninstallArgs, inv: &Inventory) -> Plan {
        let (istioctl_runs, prunes) = istioctl_runs(args.purge, inv);
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
            prunes,
            label_namespaces,
            purge_labels: args.purge,
            leftovers: inv.leftovers(true),
            istio_namespaces,
            peer_authentications: Vec::new(),
            addons: Vec::new(),
            kept,
        }
    }

    /// Adds what istioup itself made: its PeerAuthentications, and its addons unless kept.
    pub fn with_own(mut self, args: &UninstallArgs, own: Own) -> Plan {
        self.peer_authentications = own.peer_authentications;
        if !args.keep_addons {
            self.addons = own.addons;
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.istioctl_runs.is_empty()
            && self.prunes.is_empty()
            && self.label_namespaces.is_empty()
            && self.leftovers.is_empty()
            && self.istio_namespaces.is_empty()
            && self.peer_authentications.is_empty()
            && self.addons.is_empty()
    }
}

/// What istioup made on the cluster besides Istio: read before the plan.
#[derive(Debug, Default)]
pub struct Own {
    pub peer_authentications: Vec<String>,
    pub addons: Vec<String>,
}

pub async fn own(client: &kube::Client) -> Result<Own> {
    let (peer_authentications, addons) = tokio::try_join!(
        crate::facts::mtls::own_peer_authentications(client),
        crate::facts::addons::installed(client)
    )?;
    let mut addons: Vec<String> = addons
        .iter()
        .map(|a| format!("{} ({})", a.addon, a.namespace))
        .collect();
    addons.dedup();
    Ok(Own {
        peer_authentications,
        addons,
    })
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
fn istioctl_runs(purge: bool, inv: &Inventory) -> (Vec<Vec<OsString>>, Vec<(String, String)>) {
    if purge {
        if inv.components.is_empty() && inv.crds.is_empty() {
            return (Vec::new(), Vec::new());
        }
        return (
            vec![vec!["uninstall".into(), "--purge".into(), "-y".into()]],
            Vec::new(),
        );
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
    // istioctl uninstall -r checks the revision against the MutatingWebhookConfigurations'
    // istio.io/rev labels first (operator/cmd/mesh/uninstall.go, tag.ListRevisionDescriptions).
    let (runs, prunes): (Vec<_>, Vec<_>) = targets.into_iter().partition(|(rev, _)| {
        inv.webhooks
            .iter()
            .any(|w| w.kind == WebhookKind::MutatingWebhookConfiguration && &w.revision == rev)
    });
    let runs = runs
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
        .collect();
    (runs, prunes)
}

/// The kinds `istioctl uninstall -r` deletes (NamespacedResources and ClusterCPResources of
/// operator/pkg/uninstall/prune.go), in its order: (group, version, kind, plural, namespaced).
const PRUNED_KINDS: &[(&str, &str, &str, &str, bool)] = &[
    ("apps", "v1", "Deployment", "deployments", true),
    ("apps", "v1", "DaemonSet", "daemonsets", true),
    ("", "v1", "Service", "services", true),
    ("", "v1", "ConfigMap", "configmaps", true),
    ("", "v1", "Pod", "pods", true),
    ("", "v1", "Secret", "secrets", true),
    ("", "v1", "ServiceAccount", "serviceaccounts", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    (
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        true,
    ),
    (
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    (
        "networking.istio.io",
        "v1alpha3",
        "EnvoyFilter",
        "envoyfilters",
        true,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
];

/// Deletes what `istioctl uninstall -r REV` would (prune.go's GetPrunedResources without
/// --purge): objects of those kinds labelled with the revision, the owner namespace and one of
/// the components it removes (never Base: the CRDs stay).
pub async fn prune_revision(
    client: &Client,
    revision: &str,
    owner_namespace: &str,
) -> Result<Vec<ObjectRef>> {
    use kube::api::{DynamicObject, ListParams};
    use kube::core::{ApiResource, GroupVersionKind};
    let selector = format!(
        "{REVISION_LABEL}={revision},install.operator.istio.io/owning-resource-namespace={owner_namespace},\
         {COMPONENT_LABEL} in (Pilot,IngressGateways,EgressGateways,Cni,IstiodRemote,Ztunnel)"
    );
    let mut removed = Vec::new();
    for &(group, version, kind, plural, namespaced) in PRUNED_KINDS {
        let resource =
            ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural);
        let api = Api::<DynamicObject>::all_with(client.clone(), &resource);
        let found = match api.list(&ListParams::default().labels(&selector)).await {
            Ok(list) => list.items,
            // A kind the server does not serve (EnvoyFilter without Istio's CRDs) has nothing.
            Err(kube::Error::Api(status)) if status.code == 404 => continue,
            Err(e) => return Err(api_error(e, &format!("cannot list {plural}"))),
        };
        for object in found {
            if interrupt::interrupted() {
                return Err(Error::new(
                    Kind::Interrupted,
                    "interrupted while removing the revision; re-run the same command to finish",
                ));
            }
            let name = object.metadata.name.clone().unwrap_or_default();
            let namespace = object.metadata.namespace.clone().filter(|_| namespaced);
            let api = match &namespace {
                Some(ns) => Api::<DynamicObject>::namespaced_with(client.clone(), ns, &resource),
                None => Api::<DynamicObject>::all_with(client.clone(), &resource),
            };
            match api.delete(&name, &DeleteParams::background()).await {
                Ok(_) => removed.push(ObjectRef {
                    kind: kind.to_string(),
                    namespace,
                    name,
                }),
                Err(kube::Error::Api(status)) if status.code == 404 => {}
                Err(e) => return Err(api_error(e, &format!("cannot delete {kind} {name}"))),
            }
        }
    }
    Ok(removed)
}

/// With `--purge`: what the running istiod made and `istioctl uninstall` leaves in the Istio
/// namespaces (pilot/pkg/leaderelection/leaderelection.go, security/pkg/pki/ca): every
/// leader-election ConfigMap and Lease, and the CA Secret.
pub async fn purge_runtime_objects(client: &Client, namespaces: &[String]) -> Result<Vec<ObjectRef>> {
    use k8s_openapi::api::coordination::v1::Lease;
    use kube::api::ListParams;
    let mut objects = Vec::new();
    for ns in namespaces {
        let configmaps = Api::<ConfigMap>::namespaced(client.clone(), ns)
            .list_metadata(&ListParams::default())
            .await
            .map_err(|e| api_error(e, &format!("cannot list ConfigMaps in {ns}")))?;
        let leases = Api::<Lease>::namespaced(client.clone(), ns)
            .list_metadata(&ListParams::default())
            .await
            .map_err(|e| api_error(e, &format!("cannot list Leases in {ns}")))?;
        let names =
            |items: Vec<Option<String>>| items.into_iter().flatten().filter(|n| is_election_object(n));
        let configmaps = names(configmaps.items.into_iter().map(|o| o.metadata.name).collect());
        let leases = names(leases.items.into_iter().map(|o| o.metadata.name).collect());
        for (kind, names) in [
            ("ConfigMap", configmaps.collect::<Vec<_>>()),
            ("Lease", leases.collect()),
        ] {
            objects.extend(names.into_iter().map(|name| ObjectRef {
                kind: kind.into(),
                namespace: Some(ns.clone()),
                name,
            }));
        }
        objects.push(ObjectRef {
            kind: "Secret".into(),
            namespace: Some(ns.clone()),
            name: CA_SECRET.into(),
        });
    }
    delete_all(client, &objects).await
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
    let outcomes = inject::disable(client, &plan.label_namespaces, DisableMode::default())
        .await
        .into_result()?;
    Ok(outcomes
        .iter()
        .filter(|o| o.change == inject::Removal::Removed)
        .map(|o| format!("{}: {}", o.namespace, o.labels.join(", ")))
        .collect())
}

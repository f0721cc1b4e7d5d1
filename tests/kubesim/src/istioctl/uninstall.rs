//! `istioctl uninstall` (operator/cmd/mesh/uninstall.go, operator/pkg/uninstall/prune.go).
use serde_json::Value;

use super::args::{Global, UninstallOpts};
use super::faults::{self, Faults};
use super::kube::{self, Cluster};
use super::manifest::{COMPONENT_LABEL, OWNER_LABEL, OWNER_NS_LABEL, REV_LABEL, fixtures};
use super::progress::Progress;
use super::{Failure, config, prompt};

/// Kinds searched, in deletion order (prune.go: NamespacedResources, then ClusterCPResources,
/// or with `--purge` AllClusterResources, which add the CRDs and NetworkAttachmentDefinitions).
const NAMESPACED: &[(&str, &str)] = &[
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Pod"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("policy/v1", "PodDisruptionBudget"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("networking.istio.io/v1alpha3", "EnvoyFilter"),
];
const CLUSTER: &[(&str, &str)] = &[
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
    ),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
];
const PURGE_EXTRA: &[(&str, &str)] = &[
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition"),
];

const ALL_RESOURCES_REMOVED: &str = "All Istio resources will be pruned from the cluster\n";
const NO_RESOURCES_REMOVED: &str =
    "No resources will be pruned from the cluster. Please double check the input configs\n";

pub async fn run(
    global: &Global,
    opts: &UninstallOpts,
    stdin: Option<&str>,
    faults: &Faults,
) -> Result<(), Failure> {
    if !opts.purge && opts.revision.is_none() && opts.file.is_none() {
        return Err(Failure::msg(
            "at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set",
        ));
    }
    let cluster = kube::connect(global).await.map_err(Failure::msg)?;
    let revision = opts.revision.clone().unwrap_or_default();
    if !revision.is_empty() {
        // tag.ListRevisionDescriptions: the revisions are those of the injector webhooks.
        let hooks = cluster
            .list(
                "admissionregistration.k8s.io/v1",
                "MutatingWebhookConfiguration",
                "",
            )
            .await
            .map_err(|e| Failure::msg(format!("could not list revisions: {e}")))?;
        let found = hooks.iter().any(|h| {
            let rev = super::manifest::label_of(h, REV_LABEL).unwrap_or("default");
            let rev = if rev.is_empty() { "default" } else { rev };
            rev == revision
        });
        if !found {
            return Err(Failure::msg("could not find target revision"));
        }
    }
    if opts.purge && (!revision.is_empty() || opts.file.is_some()) {
        outln!(
            "Purge uninstall will remove all Istio resources, ignoring the specified revision or operator file"
        );
    }
    // render.MergeInputs of the file (if any) and the --sets: the owner name and namespace
    // filters come from them, else from the default profile (namespace istio-system, no name).
    let files: Vec<String> = opts.file.iter().cloned().collect();
    let cfg = config::resolve(&files, &opts.sets, None, stdin, &faults::version())
        .map_err(|e| Failure::msg(e.to_string()))?;
    let targets = collect(&cluster, opts.purge, &revision, &cfg.name, &cfg.namespace).await?;

    // preCheckWarnings
    let mut message = String::new();
    let mut need_confirmation = false;
    if opts.purge {
        need_confirmation = true;
        message.push_str(ALL_RESOURCES_REMOVED);
    } else if targets.is_empty() {
        out!("{NO_RESOURCES_REMOVED}\n");
    } else {
        if !revision.is_empty() {
            // The proxies of the revision cannot be listed (no connection to istiod's debug
            // endpoint from here), which istioctl reports like this.
            need_confirmation = true;
            message.push_str(&format!(
                "Unable to find any proxies pointing to the {revision} control plane. This may be because the control plane cannot be connected or there is no {revision} control plane.\n"
            ));
        }
        let gateways: Vec<&str> = targets
            .iter()
            .filter(|o| kube::key(o).0 == "Deployment")
            .map(|o| o.pointer("/metadata/name").and_then(Value::as_str).unwrap_or(""))
            .filter(|n| n.contains("gateway"))
            .collect();
        if !gateways.is_empty() {
            need_confirmation = true;
            message.push_str(&format!(
                "You are about to remove the following gateways: {}. To avoid downtime, please quit this command and reinstall the gateway(s) with a revision that is not being removed from the cluster.\n",
                gateways.join(", ")
            ));
        }
    }
    if !targets.is_empty() || opts.purge {
        if opts.dry_run || opts.skip_confirmation {
            outln!("{message}");
        } else if need_confirmation {
            let question = format!("{message}Proceed? (y/N)");
            if !prompt::confirm(&question) {
                prompt::cancelled();
                return Err(Failure::silent(1));
            }
        }
    }

    let mut progress = Progress::new(faults::width(), faults.slow);
    let mut errors = Vec::new();
    for obj in &targets {
        let name = removed_name(obj);
        if opts.dry_run {
            outln!("Not pruning object {name} because of dry run.");
            continue;
        }
        match cluster.delete(obj).await {
            Ok(true) => outln!("  Removed {name}."),
            Ok(false) => outln!("object: {name} is not being deleted because it no longer exists"),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::msg(format!(
            "failed to delete control plane resources by revision: {}",
            errors.join("; ")
        )));
    }
    progress.line("✔ Uninstall complete");
    Ok(())
}

/// prune.go DeleteResource: `<group>/<version>, Kind=<Kind>/<name>.<namespace>` (the
/// GroupVersionKind's String(); the core group is empty, cluster-scoped objects end in `.`).
pub fn removed_name(obj: &Value) -> String {
    let (kind, ns, name) = kube::key(obj);
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    format!("{group}/{version}, Kind={kind}/{name}.{ns}")
}

/// prune.go GetPrunedResources: `--purge` takes everything with a component label; otherwise
/// the revision, owner name and owner namespace labels must match and the component must be
/// one of Pilot, IngressGateways, EgressGateways, Cni, Ztunnel (IstiodRemote too in 1.24).
async fn collect(
    cluster: &Cluster,
    purge: bool,
    revision: &str,
    owner: &str,
    owner_ns: &str,
) -> Result<Vec<Value>, Failure> {
    let release = fixtures::release_for(&faults::version());
    let mut components = vec!["Pilot", "IngressGateways", "EgressGateways", "Cni", "Ztunnel"];
    if release == "1.24.0" {
        components.push("IstiodRemote");
    }
    let mut kinds: Vec<(&str, &str)> = NAMESPACED.to_vec();
    kinds.extend_from_slice(CLUSTER);
    if purge {
        kinds.extend_from_slice(PURGE_EXTRA);
    }
    let mut out = Vec::new();
    for (api_version, kind) in kinds {
        let items = cluster.list(api_version, kind, "").await.map_err(Failure::msg)?;
        for item in items {
            let label = |k: &str| super::manifest::label_of(&item, k);
            let Some(component) = label(COMPONENT_LABEL) else {
                continue;
            };
            if !purge {
                if !components.contains(&component) {
                    continue;
                }
                if !revision.is_empty() && label(REV_LABEL) != Some(revision) {
                    continue;
                }
                if !owner.is_empty() && label(OWNER_LABEL) != Some(owner) {
                    continue;
                }
                if !owner_ns.is_empty() && label(OWNER_NS_LABEL) != Some(owner_ns) {
                    continue;
                }
            }
            out.push(item);
        }
    }
    Ok(out)
}

//! `istioctl uninstall`.
use serde_json::Value;

use super::args::{Global, UninstallOpts};
use super::faults::{self, Faults};
use super::kube::{self, Cluster};
use super::manifest::{COMPONENT_LABEL, Comp, REV_LABEL};
use super::progress::Progress;
use super::{Failure, config, prompt};

/// Objects a purge leaves behind, like the real istioctl (they carry no component label or
/// are deliberately skipped).
const LEFTOVERS: &[(&str, &str)] = &[("ValidatingWebhookConfiguration", "istiod-default-validator")];

/// Deletion order: webhooks first, workloads, then configuration, RBAC, and CRDs last.
const ORDER: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Deployment",
    "DaemonSet",
    "Service",
    "ConfigMap",
    "RoleBinding",
    "Role",
    "ClusterRoleBinding",
    "ClusterRole",
    "ServiceAccount",
    "CustomResourceDefinition",
];

pub async fn run(
    global: &Global,
    opts: &UninstallOpts,
    stdin: Option<&str>,
    faults: &Faults,
) -> Result<(), Failure> {
    if !opts.purge && opts.revision.is_none() && opts.file.is_none() {
        return Err(Failure::msg(
            "at least one of the --revision (or --filename) or --purge flags must be set",
        ));
    }
    let revision = match (&opts.revision, &opts.file) {
        (Some(r), _) => r.clone(),
        (None, Some(f)) => {
            let cfg = config::resolve(std::slice::from_ref(f), &[], None, stdin, &faults::version())
                .map_err(|e| Failure::msg(format!("generate config: {e}")))?;
            cfg.revision
        }
        (None, None) => "default".to_string(),
    };
    let cluster = kube::connect(global).await.map_err(Failure::msg)?;
    let mut targets = collect(&cluster, opts.purge, &revision).await?;
    targets.sort_by_key(|o| {
        let kind = kube::key(o).0;
        ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len())
    });

    if !opts.skip_confirmation && !opts.dry_run {
        let question = if opts.purge {
            "All Istio resources will be pruned from the cluster\nProceed? (y/N)".to_string()
        } else {
            let list: Vec<String> = targets.iter().map(removed_name).collect();
            format!(
                "The following resources will be pruned from the cluster: {}\nProceed? (y/N)",
                list.join(", ")
            )
        };
        if !prompt::confirm(&question) {
            prompt::cancelled();
            return Err(Failure::silent(1));
        }
    }

    let mut progress = Progress::new(faults::width(), faults.slow);
    let mut errors = Vec::new();
    for obj in &targets {
        if opts.dry_run {
            outln!("  Removed {}.", removed_name(obj));
            continue;
        }
        match cluster.delete(obj).await {
            Ok(true) => outln!("  Removed {}.", removed_name(obj)),
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        for e in &errors {
            progress.line(&format!("✘ {e}"));
        }
        return Err(Failure::msg(
            "failed to delete resources: errors occurred during operation",
        ));
    }
    progress.line("✔ Uninstall complete");
    Ok(())
}

/// `Kind/name.namespace` (`Kind/name` when cluster scoped).
fn removed_name(obj: &Value) -> String {
    let (kind, ns, name) = kube::key(obj);
    if ns.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{name}.{ns}")
    }
}

async fn collect(cluster: &Cluster, purge: bool, revision: &str) -> Result<Vec<Value>, Failure> {
    let mut out = Vec::new();
    for (api_version, kind, _, _) in kube::KINDS {
        if matches!(*kind, "Namespace" | "Pod" | "Event") {
            continue;
        }
        let items = cluster.list(api_version, kind, "").await.map_err(Failure::msg)?;
        for item in items {
            let labels = item.pointer("/metadata/labels");
            let label = |k: &str| {
                labels
                    .and_then(|l| l.get(k))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let Some(component) = label(COMPONENT_LABEL) else {
                continue;
            };
            let (k, _, name) = kube::key(&item);
            if LEFTOVERS.iter().any(|(lk, ln)| *lk == k && *ln == name) {
                continue;
            }
            if !purge {
                let removable = Comp::from_id(&component).is_some_and(|c| c != Comp::Base);
                let rev = label(REV_LABEL).unwrap_or_else(|| "default".to_string());
                if !removable || rev != revision {
                    continue;
                }
            }
            out.push(item);
        }
    }
    Ok(out)
}

//! `istioup enable namespace|workload`: turn sidecar injection on, and say (or do) what it takes
//! for running pods to follow: they gain a sidecar only when recreated.
use serde::Serialize;

use crate::act::inject::{self, Change, Outcome, WorkloadOutcome};
use crate::act::restart::{self, Workload};
use crate::cli::Settings;
use crate::cli::{EnableNamespaceArgs, EnableScope, NamespaceSelection, OutputFormat, WorkloadArgs};
use crate::error::Result;
use crate::facts::mesh;
use crate::facts::target::TargetSummary;
use crate::target;
use crate::ui::output;

#[derive(Debug, Serialize)]
struct Report {
    target: TargetSummary,
    revision: String,
    namespaces: Vec<Outcome>,
    /// Workloads whose running pods lack the sidecar (empty once restarted).
    restart_pending: Vec<Workload>,
    restarted: Vec<String>,
    /// Pods without a controller (bare pods, Jobs): delete and recreate them to inject.
    unmanaged_pods: Vec<String>,
    warnings: Vec<String>,
}

pub fn run(scope: EnableScope, settings: &Settings) -> Result<()> {
    match scope {
        EnableScope::Namespace(args) => super::block_on(namespace(&args, settings)),
        EnableScope::Workload(args) => workload(&args, settings, true),
    }
}

pub(super) fn selection(args: &NamespaceSelection) -> crate::facts::namespaces::Selection {
    crate::facts::namespaces::Selection {
        names: args.namespaces.clone(),
        all: args.all,
        selector: args.selector.clone(),
    }
}

/// The namespaces Istio itself runs in: never labelled by `--all`.
pub(super) fn istio_namespaces(inv: &mesh::Inventory) -> std::collections::BTreeSet<String> {
    let mut set = inv.istio_namespaces();
    set.insert(crate::istio::DEFAULT_NAMESPACE.to_string());
    set
}

async fn namespace(args: &EnableNamespaceArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let (summary, inv) = tokio::try_join!(
        crate::facts::target::read(&target, &client),
        mesh::control_planes(&client)
    )?;
    output::note(&output::banner(&summary));
    let names = crate::facts::namespaces::select(
        &client,
        &selection(&args.selection),
        &istio_namespaces(&inv),
        true,
    )
    .await?;
    crate::util::interrupt::watch();
    let home = crate::act::lock::home(&super::enable::istio_namespaces(&inv));
    let lock = crate::act::lock::acquire(
        &client,
        &home,
        "enable namespace",
        args.lock.wait_for_lock,
        false,
        &mut output::line,
    )
    .await?;
    let result = async {
    let revision = args.revision.as_deref();
    let namespaces = inject::enable(&client, &names, revision).await.into_result()?;
    let rev = revision.unwrap_or("default");
    let mut warnings = Vec::new();
    if names.is_empty() {
        warnings.push("no namespace matches: nothing was labelled".to_string());
    }
    let serving = inv.injects(rev);
    if !serving {
        warnings.push(format!(
            "no sidecar injector serves revision {rev}: pods get a sidecar once it is installed (istioup install{})",
            revision.map(|r| format!(" --revision {r}")).unwrap_or_default()
        ));
    }
    let injected: Vec<String> = namespaces
        .iter()
        .filter(|o| o.change != Change::Conflict)
        .map(|o| o.namespace.clone())
        .collect();
    let pending = if serving {
        restart::pending(&client, &injected, true).await?
    } else {
        restart::Pending::default()
    };
    let mut report = Report {
        target: summary,
        revision: rev.to_string(),
        namespaces,
        restart_pending: pending.workloads,
        restarted: Vec::new(),
        unmanaged_pods: pending.unmanaged_pods,
        warnings,
    };
    if args.restart && !report.restart_pending.is_empty() {
        report.restarted =
            crate::ui::progress::restart_with_progress(&client, &report.restart_pending, &args.rollout)
                .await?;
        report.restart_pending.clear();
    }
        Ok::<_, crate::error::Error>(report)
    }
    .await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    let report = result?;
    output::emit(format, &report, || enable_text(&report))
}

fn enable_text(report: &Report) -> String {
    let mut out = String::new();
    for ns in &report.namespaces {
        let what = match ns.change {
            Change::Labelled => "labelled",
            Change::Unchanged => "already labelled",
            Change::Conflict => "left alone",
        };
        out.push_str(&format!("namespace {}: {what} {}", ns.namespace, ns.label));
        if let Some(note) = &ns.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    out.push_str(&restart_text(
        &report.restarted,
        &report.restart_pending,
        &report.unmanaged_pods,
        "without a sidecar",
    ));
    for w in &report.warnings {
        out.push_str(&format!("‼ {w}\n"));
    }
    out
}

/// The restart part of a namespace report: what was rolled, or what still needs a restart.
pub(super) fn restart_text(
    restarted: &[String],
    pending: &[Workload],
    unmanaged: &[String],
    state: &str,
) -> String {
    let mut out = String::new();
    for w in restarted {
        out.push_str(&format!("  restarted {w}\n"));
    }
    if !pending.is_empty() {
        out.push_str(&format!(
            "pods {state} until restarted (re-run with --restart, or):\n"
        ));
        for w in pending {
            out.push_str(&format!(
                "  {}    # {}\n",
                restart::restart_command(w),
                crate::util::text::plural(w.pods, "pod")
            ));
        }
    }
    for pod in unmanaged {
        out.push_str(&format!(
            "  pod {pod} has no controller: delete and recreate it\n"
        ));
    }
    out
}

#[derive(Debug, Serialize)]
struct WorkloadReport {
    target: TargetSummary,
    #[serde(flatten)]
    outcome: WorkloadOutcome,
    /// Whether writing the label replaces the workload's pods now.
    rolls: bool,
    warnings: Vec<String>,
}

/// `enable workload` (`inject`) and `disable workload`.
pub(super) fn workload(args: &WorkloadArgs, settings: &Settings, inject: bool) -> Result<()> {
    let (kind, name) = inject::parse_workload(&args.workload)?;
    let target = target::resolve(settings)?;
    let namespace = args.namespace.clone().unwrap_or_else(|| target.namespace.clone());
    super::block_on(async {
        let format = settings.output.unwrap_or(OutputFormat::Table);
        let client = target.connect().await?;
        let summary = crate::facts::target::read(&target, &client).await?;
        output::note(&output::banner(&summary));
        crate::util::interrupt::watch();
        let outcome = inject::label_workload(&client, kind, &namespace, &name, inject).await?;
        let mut warnings = Vec::new();
        if inject {
            let ns = kube::Api::<k8s_openapi::api::core::v1::Namespace>::all(client.clone())
                .get_opt(&namespace)
                .await
                .map_err(|e| crate::error::api_error(e, &format!("cannot read namespace {namespace}")))?;
            let disabled = ns
                .as_ref()
                .and_then(|n| n.metadata.labels.as_ref())
                .and_then(|l| l.get(crate::istio::INJECTION_LABEL))
                == Some(&"disabled".to_string());
            if disabled {
                warnings.push(format!(
                    "namespace {namespace} is labelled {}=disabled, which beats the pod label: no sidecar until that label goes (istioup enable namespace {namespace})",
                    crate::istio::INJECTION_LABEL
                ));
            }
            let inv = mesh::control_planes(&client).await?;
            if !inv.webhooks.iter().any(|w| w.injects()) {
                warnings
                    .push("no sidecar injector is installed: the pods get a sidecar once Istio is".into());
            }
        }
        let rolls = outcome.change == "set" && kind != inject::WorkloadKind::CronJob;
        let report = WorkloadReport {
            target: summary,
            outcome,
            rolls,
            warnings,
        };
        output::emit(format, &report, || workload_text(&report))
    })
}

fn workload_text(report: &WorkloadReport) -> String {
    let o = &report.outcome;
    let id = format!("{}/{}/{}", o.namespace, o.kind.as_str().to_lowercase(), o.name);
    let mut out = if o.change == "set" {
        let effect = if o.kind == inject::WorkloadKind::CronJob {
            "the Jobs it starts from now on get it".to_string()
        } else {
            "this rolls the workload: its pods are being replaced".to_string()
        };
        format!("✔ {id}: pod template labelled {}; {effect}\n", o.label)
    } else {
        format!("✔ {id}: already labelled {}; nothing changed\n", o.label)
    };
    for w in &report.warnings {
        out.push_str(&format!("‼ {w}\n"));
    }
    out
}

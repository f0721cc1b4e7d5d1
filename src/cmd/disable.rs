//! `istioup disable namespace|workload|cluster`: turn sidecar injection off where istioup turned
//! it on, leaving other people's labels alone unless told; `cluster` is `uninstall`.
use serde::Serialize;

use crate::act::inject::{self, DisableMode, DisableOutcome, Removal};
use crate::act::restart::{self, Workload};
use crate::cli::Settings;
use crate::cli::{DisableNamespaceArgs, DisableScope, OutputFormat};
use crate::error::Result;
use crate::facts::mesh;
use crate::facts::target::TargetSummary;
use crate::target;
use crate::ui::output;

#[derive(Debug, Serialize)]
struct Report {
    target: TargetSummary,
    namespaces: Vec<DisableOutcome>,
    /// Workloads whose running pods still carry a sidecar (empty once restarted).
    restart_pending: Vec<Workload>,
    restarted: Vec<String>,
    unmanaged_pods: Vec<String>,
    warnings: Vec<String>,
}

pub fn run(scope: DisableScope, settings: &Settings) -> Result<()> {
    match scope {
        DisableScope::Namespace(args) => super::block_on(namespace(&args, settings)),
        DisableScope::Workload(args) => super::enable::workload(&args, settings, false),
        DisableScope::Cluster(args) => super::uninstall::run(&args, settings),
    }
}

async fn namespace(args: &DisableNamespaceArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let (summary, inv) = tokio::try_join!(
        crate::facts::target::read(&target, &client),
        mesh::control_planes(&client)
    )?;
    output::note(&output::banner(&summary));
    let selection = super::enable::selection(&args.selection);
    let names =
        crate::facts::namespaces::select(&client, &selection, &super::enable::istio_namespaces(&inv), false)
            .await?;
    crate::util::interrupt::watch();
    let home = crate::act::lock::home(&super::enable::istio_namespaces(&inv));
    let lock = crate::act::lock::acquire(
        &client,
        &home,
        "disable namespace",
        args.lock.wait_for_lock,
        false,
        &mut output::line,
    )
    .await?;
    let result = async {
    let mode = DisableMode {
        force: args.force,
        explicit: args.explicit,
    };
    let namespaces = inject::disable(&client, &names, mode).await.into_result()?;
    let mut warnings = Vec::new();
    // Without a label the mesh-wide default still injects, unless `disabled` says otherwise.
    let default_injects = inv.enabled_by_default && !args.explicit;
    let mut off = Vec::new();
    for ns in namespaces.iter().filter(|o| !o.still_labelled()) {
        let explicit_off = ns.labels.iter().any(|l| l == "istio-injection=disabled");
        if default_injects && !explicit_off {
            warnings.push(format!(
                "namespace {} is still injected by the mesh-wide default (enableNamespacesByDefault); --explicit sets istio-injection=disabled",
                ns.namespace
            ));
        } else {
            off.push(ns.namespace.clone());
        }
    }
    let pending = restart::pending(&client, &off, false).await?;
    let mut report = Report {
        target: summary,
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
    output::emit(format, &report, || disable_text(&report))
}

fn disable_text(report: &Report) -> String {
    let mut out = String::new();
    let mut unchanged = 0;
    for ns in &report.namespaces {
        let labels = ns.labels.join(", ");
        let line = match ns.change {
            Removal::Removed => format!("namespace {}: removed {labels}", ns.namespace),
            Removal::Disabled => format!("namespace {}: set {labels}", ns.namespace),
            Removal::LeftAlone => format!("namespace {}: left alone {labels}", ns.namespace),
            Removal::Unchanged if labels.is_empty() => {
                unchanged += 1;
                continue;
            }
            Removal::Unchanged => format!("namespace {}: already {labels}", ns.namespace),
        };
        out.push_str(&line);
        if let Some(note) = &ns.note {
            out.push_str(&format!(" ({note})"));
        }
        out.push('\n');
    }
    if unchanged > 0 {
        out.push_str(&format!(
            "{} without an injection label: nothing to remove\n",
            crate::util::text::plural(unchanged, "namespace")
        ));
    }
    out.push_str(&super::enable::restart_text(
        &report.restarted,
        &report.restart_pending,
        &report.unmanaged_pods,
        "keep their sidecar",
    ));
    for w in &report.warnings {
        out.push_str(&format!("‼ {w}\n"));
    }
    out
}

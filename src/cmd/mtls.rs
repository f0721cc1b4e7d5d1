//! `istioup mtls [status|strict|permissive]`: target → facts → modes → blast radius → plan →
//! confirmation → PeerAuthentication → report. Nothing changes before the confirmation.
use std::collections::BTreeSet;

use crate::cli::{MtlsAction, MtlsArgs, MtlsScope, MtlsStrictArgs, OutputFormat, Settings};
use crate::error::{Error, Kind, Result};
use crate::facts::mtls::{self as facts, MtlsFacts};
use crate::facts::target::TargetSummary;
use crate::judge::mtls::BlastRadius;
use crate::judge::mtls::{self as judge, Mode};
use crate::target::{self, Target};
use crate::ui::mtls::{ChangeReport, StatusReport};
use crate::ui::{confirm, mtls as text, output};

pub fn run(args: MtlsArgs, settings: &Settings) -> Result<()> {
    super::block_on(async {
        match args.action {
            None => status(&[], settings).await,
            Some(MtlsAction::Status(a)) => status(&a.namespaces, settings).await,
            Some(MtlsAction::Strict(a)) => {
                let how = (a.dry_run, false, a.lock.wait_for_lock);
                change(&a.scope, Mode::Strict, Some(&a), how, settings).await
            }
            Some(MtlsAction::Permissive(a)) => {
                let how = (a.dry_run, a.remove, a.lock.wait_for_lock);
                change(&a.scope, Mode::Permissive, None, how, settings).await
            }
        }
    })
}

struct Cluster {
    target: Target,
    client: kube::Client,
    summary: TargetSummary,
    istio_namespaces: Vec<String>,
    facts: MtlsFacts,
}

async fn gather(settings: &Settings) -> Result<Cluster> {
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let (summary, inv) = tokio::try_join!(
        crate::facts::target::read(&target, &client),
        crate::facts::mesh::control_planes(&client)
    )?;
    output::note(&output::banner(&summary));
    let istio_namespaces: Vec<String> = inv.control_planes().map(|c| c.namespace.clone()).collect();
    let facts = facts::read(&client, &istio_namespaces).await?;
    Ok(Cluster {
        target,
        client,
        summary,
        istio_namespaces,
        facts,
    })
}

async fn status(only: &[String], settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let c = gather(settings).await?;
    judge::missing(&c.facts, only)?;
    let mut warnings = Vec::new();
    if !c.facts.crd {
        warnings.push(
            "Istio's CRDs are not installed: there is no PeerAuthentication, and no sidecar to enforce one"
                .into(),
        );
    }
    let report = StatusReport {
        target: c.summary,
        root_namespace: c.facts.root_namespace.clone(),
        mesh: judge::mesh_wide(&c.facts),
        namespaces: judge::status(&c.facts, only),
        peer_authentications: c.facts.peer_authns.clone(),
        warnings,
    };
    output::emit(format, &report, || text::status_text(&report))
}

async fn change(
    scope: &MtlsScope,
    mode: Mode,
    strict: Option<&MtlsStrictArgs>,
    (dry_run, remove, wait_for_lock): (bool, bool, std::time::Duration),
    settings: &Settings,
) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let c = gather(settings).await?;
    judge::missing(&c.facts, &scope.namespaces)?;
    if !c.facts.crd {
        return Err(Error::failed(
            "this cluster serves no PeerAuthentication: Istio's CRDs are not installed",
        )
        .with_hint("install Istio first (istioup install)"));
    }
    let targets = if scope.mesh {
        vec![c.facts.root_namespace.clone()]
    } else {
        scope.namespaces.clone()
    };
    let current = judge::status(&c.facts, if scope.mesh { &[] } else { &scope.namespaces });
    output::note(&text::modes_text(
        &judge::mesh_wide(&c.facts),
        &c.facts.root_namespace,
        &current,
    ));
    let plan = judge::changes(&c.facts, &targets, mode, remove);
    let mut report = ChangeReport::new(
        c.summary.clone(),
        mode,
        scope.mesh,
        &c.facts.root_namespace,
        current,
        plan,
    );
    if let Some(args) = strict {
        let in_scope: Option<BTreeSet<String>> =
            (!scope.mesh).then(|| scope.namespaces.iter().cloned().collect());
        let ask = (!args.no_prometheus).then_some(args.prometheus.as_deref());
        let evidence = judge::Evidence {
            istio_namespaces: &c.istio_namespaces,
            prometheus: ask,
            window: args.window,
        };
        let (blast, warning) =
            judge::blast_radius(&c.client, &c.facts, in_scope.as_ref(), &report.plan, &evidence).await;
        output::warnings(&warning.iter().cloned().collect::<Vec<_>>());
        report.warnings.extend(warning);
        output::note(&text::blast_text(&blast));
        let guard = guard(&c, scope, args.force, &blast, &mut report.warnings);
        report.blast_radius = Some(blast);
        if let Err(e) = guard {
            return output::finish(format, &report, Err(e));
        }
    }
    output::note(&text::plan_text(&report.plan, dry_run));
    if !report
        .plan
        .iter()
        .any(|p| matches!(p.action, "create" | "update" | "delete"))
    {
        report.result = "unchanged";
        return output::emit(format, &report, || text::done_text(&report));
    }
    if dry_run {
        report.result = "dry-run";
        return output::emit(format, &report, || text::done_text(&report));
    }
    let what = if scope.mesh {
        "the whole mesh".to_string()
    } else {
        format!("namespace {}", targets.join(", "))
    };
    confirm_and_apply(&c, &mut report, &what, wait_for_lock, settings).await
}

/// The one question (naming the context), then the changes.
async fn confirm_and_apply(
    c: &Cluster,
    report: &mut ChangeReport,
    what: &str,
    wait_for_lock: std::time::Duration,
    settings: &Settings,
) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let question = format!(
        "Set mutual TLS to {} in {what} on context {} ({})?",
        report.action.to_uppercase(),
        c.target.context,
        c.target.server
    );
    if let Err(e) = confirm::yes_no(settings, &format!("mtls {}", report.action), &question) {
        report.result = confirm::refusal(&e);
        return output::finish(format, report, Err(e));
    }
    crate::util::interrupt::watch();
    let home = crate::act::lock::home(&c.istio_namespaces.iter().cloned().collect());
    let planned: Vec<judge::Change> = report.plan.clone();
    let apply = crate::act::mtls::apply(&c.client, &planned);
    let wait = wait_for_lock;
    let applied = crate::act::lock::holding(&c.client, &home, "mtls", wait, &mut output::line, apply).await;
    match applied {
        Ok(done) => {
            report.done = done;
            report.result = "applied";
            output::emit(format, &*report, || text::done_text(report))
        }
        Err(e) => {
            report.result = match e.kind() {
                Kind::Interrupted => "interrupted",
                Kind::ChecksFailed => "locked",
                _ => "failed",
            };
            output::finish(format, report, Err(e))
        }
    }
}

/// Refuses a change that would cut clients off, or that means nothing (no sidecar), unless
/// `--force`; with it, says what is being forced.
fn guard(
    c: &Cluster,
    scope: &MtlsScope,
    force: bool,
    blast: &BlastRadius,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let refusals = judge::refusals(&c.facts, (!scope.mesh).then_some(&scope.namespaces[..]), blast);
    if refusals.is_empty() || force {
        let forced: Vec<String> = refusals.iter().map(|r| format!("--force: {r}")).collect();
        output::warnings(&forced);
        warnings.extend(forced);
        return Ok(());
    }
    Err(Error::new(
        Kind::ChecksFailed,
        format!("{}; nothing was changed", refusals.join("; ")),
    )
    .with_hint(
        "give those clients a sidecar (istioup enable namespace NS --restart) first, or --force to go on",
    ))
}

/// `install --mtls strict`: after a verified install (and its restarts), the mesh-wide STRICT
/// policy, refused as `mtls strict --mesh` refuses it. The install's confirmation covered it.
pub(super) async fn mesh_strict_after_install(client: &kube::Client) -> Result<Vec<judge::Change>> {
    let inv = crate::facts::mesh::control_planes(client).await?;
    let istio_namespaces: Vec<String> = inv.control_planes().map(|c| c.namespace.clone()).collect();
    let facts = facts::read(client, &istio_namespaces).await?;
    let plan = judge::changes(
        &facts,
        std::slice::from_ref(&facts.root_namespace),
        Mode::Strict,
        false,
    );
    let evidence = judge::Evidence {
        istio_namespaces: &istio_namespaces,
        prometheus: Some(None),
        window: std::time::Duration::from_secs(3600),
    };
    let (blast, warning) = judge::blast_radius(client, &facts, None, &plan, &evidence).await;
    output::warnings(&warning.into_iter().collect::<Vec<_>>());
    output::note(&text::blast_text(&blast));
    let refusals = judge::refusals(&facts, None, &blast);
    if !refusals.is_empty() {
        return Err(Error::new(
            Kind::ChecksFailed,
            format!(
                "Istio is installed, but mutual TLS STRICT was not applied: {}",
                refusals.join("; ")
            ),
        )
        .with_hint(
            "give those clients a sidecar, then istioup mtls strict --mesh (or --force to cut them off)",
        ));
    }
    output::note(&text::plan_text(&plan, false));
    crate::act::mtls::apply(client, &plan).await
}

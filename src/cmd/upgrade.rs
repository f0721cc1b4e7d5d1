//! `istioup upgrade`: revisions and the version jump → (refuse an unsupported jump) → install's
//! own checks, plan, confirmation, istioctl and verification, for a new revision (canary) or
//! over the running one (in place) → record the canary upgrade on the cluster, or roll the
//! workloads whose proxy is now older → the next step. `upgrade status` reports where it stands.
use crate::act::migrate;
use crate::cli::{InstallArgs, OutputFormat, Settings, StatusArgs, UpgradeAction, UpgradeArgs};
use crate::error::{Error, Kind, Result};
use crate::facts::revisions::{self, Record, Revision, Revisions};
use crate::facts::{istioctl, target as target_facts};
use crate::istio::DEFAULT_REVISION;
use crate::istio::versions::Version;
use crate::judge::upgrade::{self as judge, Jump};
use crate::target::{self, Target};
use crate::ui::output;
use crate::ui::upgrade::{StatusReport, overview_text};

pub fn run(args: UpgradeArgs, settings: &Settings) -> Result<()> {
    match &args.action {
        Some(UpgradeAction::Status(a)) => status(a, settings),
        Some(UpgradeAction::Migrate(a)) => super::upgrade_steps::migrate(a, settings),
        Some(UpgradeAction::Finish(a)) => super::upgrade_finish::finish(a, settings),
        Some(UpgradeAction::Rollback(a)) => super::upgrade_rollback::rollback(a, settings),
        None => start(&args, settings),
    }
}

fn status(args: &StatusArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let target = target::resolve(settings)?;
    // Without istioctl the status still shows the revisions; only the target version is unknown.
    let version = istioctl::discover(args.istioctl.path.as_deref())
        .ok()
        .map(|i| i.version);
    super::block_on(async {
        let client = target.connect().await?;
        let (summary, (_, revs)) =
            tokio::try_join!(target_facts::read(&target, &client), revisions::read(&client))?;
        output::note(&output::banner(&summary));
        let report = StatusReport {
            target: summary,
            overview: judge::overview(&revs, version),
        };
        output::emit(format, &report, || overview_text(&report.overview))
    })
}

/// What the run will do, decided before install's own steps begin.
struct Plan {
    install: InstallArgs,
    /// For a canary: the record to write once the new revision verified.
    record: Option<Record>,
    /// For in place: the version proxies should run afterwards.
    in_place_to: Option<String>,
}

fn start(args: &UpgradeArgs, settings: &Settings) -> Result<()> {
    let settings = &crate::ui::install::pick_context(settings)?;
    let target = target::resolve(settings)?;
    let istioctl = istioctl::discover(args.install.preflight.istioctl.path.as_deref())?;
    let Some(plan) = super::block_on(prepare(args, &target, istioctl.version))? else {
        return Ok(());
    };
    super::install::run(&plan.install, settings)?;
    if plan.install.dry_run {
        return Ok(());
    }
    super::block_on(after(&plan, &target))
}

/// Reads the revisions, shows them with the jump, refuses what Istio does not support, and
/// decides canary or in place.
async fn prepare(args: &UpgradeArgs, target: &Target, to: Version) -> Result<Option<Plan>> {
    let client = target.connect().await?;
    let (_, revs) = revisions::read(&client).await?;
    let overview = judge::overview(&revs, Some(to));
    let old = old_revision(&revs)?;
    let from = old.version.as_deref().and_then(Version::parse);
    let jump = from.map(|f| judge::jump(f, to));
    output::note(&overview_text(&judge::Overview {
        jump: jump.clone(),
        ..overview
    }));
    let canary = args.canary
        || (!args.in_place
            && (args.install.preflight.spec.revision.is_some() || old.name != DEFAULT_REVISION));
    if let Some(record) = &revs.record
        && revs.get(&record.to).is_some()
        && revs.get(&record.from).is_some()
    {
        let again = canary && new_name(args, to) == record.to;
        if !again {
            return Err(Error::new(
                Kind::ChecksFailed,
                format!("an upgrade from revision {} to {} is in progress; nothing was changed", record.from, record.to),
            )
            .with_hint("istioup upgrade status shows it; finish it (istioup upgrade finish) or roll it back (istioup upgrade rollback) first"));
        }
    }
    refuse_jump(jump.as_ref(), args.install.preflight.force)?;
    if jump.as_ref().is_some_and(|j| j.kind == "same") && revs.record.is_none() && !args.in_place {
        output::note(&format!(
            "Nothing to upgrade: revision {} already runs {to}.\n",
            old.name
        ));
        return Ok(None);
    }
    let mut install = args.install.clone();
    if !canary {
        install.preflight.spec.revision = (old.name != DEFAULT_REVISION).then(|| old.name.clone());
        return Ok(Some(Plan {
            install,
            record: None,
            in_place_to: Some(to.to_string()),
        }));
    }
    let inject = &args.install.preflight.inject;
    if !inject.namespaces.is_empty() || inject.inject_all || inject.inject_selector.is_some() {
        // Labelling at install would move namespaces without the record a rollback needs.
        return Err(Error::usage(
            "a canary upgrade labels no namespace: --inject, --inject-all and --inject-selector do not apply",
        )
        .with_hint("after the canary: istioup upgrade migrate NS... --restart"));
    }
    let name = new_name(args, to);
    crate::istio::check_revision(&name)
        .map_err(|why| Error::usage(format!("--revision {name:?} is not a revision name: {why}")))?;
    if name == old.name {
        return Err(Error::usage(format!(
            "revision {name} already runs {}: a canary needs a new revision name",
            old.version.as_deref().unwrap_or("its version")
        ))
        .with_hint("name it with --revision NAME, or upgrade it where it is with --in-place"));
    }
    install.preflight.spec.revision = Some(name.clone());
    Ok(Some(Plan {
        install,
        record: Some(Record {
            namespace: old.namespace.clone(),
            from: old.name.clone(),
            to: name,
            tag: None,
        }),
        in_place_to: None,
    }))
}

fn new_name(args: &UpgradeArgs, to: Version) -> String {
    args.install
        .preflight
        .spec
        .revision
        .clone()
        .unwrap_or_else(|| revisions::revision_name(&to.to_string()))
}

/// The revision an upgrade starts from: the recorded one, else the oldest running.
fn old_revision(revs: &Revisions) -> Result<&Revision> {
    if let Some(record) = &revs.record
        && let Some(r) = revs.get(&record.from)
    {
        return Ok(r);
    }
    let oldest = judge::oldest(revs).map(|v| v.to_string());
    revs.revisions
        .iter()
        .find(|r| r.version.is_some() && r.version == oldest)
        .or(revs.revisions.first())
        .ok_or_else(|| {
            Error::new(
                Kind::ChecksFailed,
                "no Istio control plane runs on this cluster; nothing to upgrade",
            )
            .with_hint("istioup install installs one")
        })
}

fn refuse_jump(jump: Option<&Jump>, force: bool) -> Result<()> {
    let Some(j) = jump.filter(|j| !j.supported) else {
        return Ok(());
    };
    if force {
        output::note(&format!("warning: {} (going on: --force)\n", j.message));
        return Ok(());
    }
    let hint = match &j.intermediate {
        Some(step) => format!(
            "upgrade with an istioctl {step}.x first (--istioctl PATH), then with this one; --force goes on anyway"
        ),
        None => "use the istioctl of a supported release (--istioctl PATH); --force goes on anyway".into(),
    };
    Err(Error::new(Kind::ChecksFailed, format!("{}; nothing was changed", j.message)).with_hint(hint))
}

/// After a verified install: the canary is recorded and the next step printed; in place, the
/// workloads whose proxy is older than the new control plane are listed or (--restart) rolled.
async fn after(plan: &Plan, target: &Target) -> Result<()> {
    let client = target.connect().await?;
    if let Some(record) = &plan.record {
        migrate::save_record(&client, record).await?;
        let (_, revs) = revisions::read(&client).await?;
        output::note(&format!("Next: {}\n", judge::progress(&revs).next));
        return Ok(());
    }
    let Some(to) = &plan.in_place_to else {
        return Ok(());
    };
    let (_, revs) = revisions::read(&client).await?;
    let mut namespaces: Vec<String> = revs.pods.iter().map(|p| p.namespace.clone()).collect();
    namespaces.dedup();
    let older = |p: &k8s_openapi::api::core::v1::Pod| {
        crate::facts::pods::has_proxy(p) && revisions::proxy_version(p).is_some_and(|v| v != *to)
    };
    let pending = crate::act::restart::pending_where(&client, &namespaces, &older).await?;
    if pending.workloads.is_empty() {
        output::note(&format!("Every proxy runs {to}.\n"));
        return Ok(());
    }
    let ids: Vec<String> = pending.workloads.iter().map(|w| w.id()).collect();
    output::note(&format!("Proxies older than {to}: {}\n", ids.join(", ")));
    if plan.install.restart {
        let done =
            crate::ui::progress::restart_with_progress(&client, &pending.workloads, &plan.install.rollout)
                .await?;
        output::note(&format!("✔ restarted onto {to}: {}\n", done.join(", ")));
    } else {
        output::note("Next: restart them (istioup upgrade --in-place --restart rolls them in batches)\n");
    }
    Ok(())
}

//! `istioup check`: the install's preflight checks, and nothing else.
use serde::Serialize;

use crate::cli::Settings;
use crate::cli::{CheckArgs, OutputFormat};
use crate::error::{Error, Kind, Result};
use crate::facts::target::TargetSummary;
use crate::judge::Check;
use crate::judge::preflight;
use crate::target;
use crate::ui::output;

#[derive(Serialize)]
struct Report<'a> {
    target: TargetSummary,
    checks: &'a [Check],
    ok: bool,
}

pub fn run(check: &CheckArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let args = &check.preflight;
    let (iop, components) = preflight::spec(args)?;
    output::warnings(&crate::spec::warnings(&iop));
    let target = target::resolve(settings)?;
    super::block_on(async {
        let client = target.connect().await?;
        let mut preflight = preflight::run(args, iop, components, &client).await?;
        // The addons install would apply count in the capacity check, as install counts them.
        let addons = crate::judge::addons::prepare(&check.addons, args, &mut preflight, &client).await?;
        for line in addons.notes.iter().chain(&addons.skipped) {
            output::note(&format!("addons: {line}\n"));
        }
        let summary = TargetSummary::new(&target, &preflight.facts);
        let report = Report {
            target: summary.clone(),
            checks: &preflight.checks,
            ok: preflight.ok,
        };
        output::emit(format, &report, || {
            format!(
                "{}\n{}",
                output::banner(&summary),
                output::checks_table(&preflight.checks, settings.color)
            )
        })?;
        let crate::judge::preflight::Preflight { facts, ok, .. } = preflight;
        super::let_go(facts);
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                Kind::ChecksFailed,
                "the cluster is not ready for this installation",
            )
            .with_hint("fix what the failed checks say; --skip-check ID skips a check you know better about"))
        }
    })
}

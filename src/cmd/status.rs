//! `istioup status`: one screen (or one JSON document) saying whether the mesh is healthy and
//! who is in it. Exit 1 when degraded, after the report.
use crate::cli::Settings;
use crate::cli::{OutputFormat, StatusArgs};
use crate::error::{Error, Result};
use crate::facts::{istioctl, mesh};
use crate::judge::status::{self, IstioctlInfo, State};
use crate::target;
use crate::ui::output;

pub fn run(args: &StatusArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let target = target::resolve(settings)?;
    // Status works without istioctl: it only reports the client version when there is one.
    let istioctl = istioctl::discover(args.istioctl.path.as_deref())
        .ok()
        .map(|i| IstioctlInfo {
            path: i.path.display().to_string(),
            version: i.version.to_string(),
        });
    let (report, inventory) = super::block_on(async {
        let client = target.connect().await?;
        let (summary, inventory, addons) = tokio::try_join!(
            crate::facts::target::read(&target, &client),
            mesh::gather(&client, true),
            crate::facts::addons::installed(&client)
        )?;
        output::note(&output::banner(&summary));
        let version = istioctl.as_ref().map(|i| i.version.clone());
        let mut report = status::judge(summary, istioctl, &inventory);
        status::addons(&mut report, &addons);
        let record = crate::facts::revisions::record(&client, &inventory).await?;
        let revisions = crate::facts::revisions::from_inventory(&inventory, record);
        status::upgrade(&mut report, &revisions, version.as_deref());
        Ok((report, inventory))
    })?;
    output::emit(format, &report, || crate::ui::status::render(&report))?;
    super::let_go(inventory);
    if report.state == State::Degraded {
        return Err(Error::failed(format!(
            "the mesh is degraded: {}",
            report.problems.join("; ")
        ))
        .with_hint("the report above names each problem; `kubectl -n istio-system get pods` and `describe` show why"));
    }
    Ok(())
}

//! `istioup dashboard NAME`: an addon's web UI on a local port, forwarded to its pod until
//! interrupted (what `istioctl dashboard NAME` does).
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::Api;
use serde::Serialize;

use crate::cli::{DashboardArgs, OutputFormat, Settings};
use crate::error::{Error, Result};
use crate::facts::dashboard::{self, Ui};
use crate::facts::portforward;
use crate::spec::addons::{self, Addon};
use crate::target;
use crate::ui::output;

#[derive(Debug, Serialize)]
struct Report {
    addon: Addon,
    namespace: String,
    pod: String,
    url: String,
}

/// The addon named on the command line, if it has a web UI.
fn ui_of(name: &str) -> Result<Ui> {
    let with_ui: Vec<&str> = addons::ALL
        .into_iter()
        .filter(|a| dashboard::ui(*a).is_some())
        .map(Addon::name)
        .collect();
    let unknown = || {
        Error::usage(format!("dashboard: {name:?} is not an addon with a web UI"))
            .with_hint(format!("the dashboards are: {}", with_ui.join(", ")))
    };
    if name.contains(',') {
        return Err(unknown());
    }
    let selection = addons::parse(&[name.to_string()]).map_err(|_| unknown())?;
    let addon = *selection.addons.first().ok_or_else(unknown)?;
    dashboard::ui(addon).ok_or_else(unknown)
}

pub async fn run(args: &DashboardArgs, settings: &Settings) -> Result<()> {
    let format = settings.output.unwrap_or(OutputFormat::Table);
    let ui = ui_of(&args.addon)?;
    let ip = portforward::address(&args.address)?;
    let target = target::resolve(settings)?;
    let client = target.connect().await?;
    let summary = crate::facts::target::read(&target, &client).await?;
    output::note(&output::banner(&summary));
    let pod = dashboard::find_pod(&client, &args.namespace, &ui).await?;
    let listener = portforward::listen(ip, args.port, ui.port).await?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::failed("cannot read the local address listened on").with_source(e))?;
    let report = Report {
        addon: ui.addon,
        namespace: args.namespace.clone(),
        pod: pod.name_any(),
        url: format!("http://{local}{}", ui.path),
    };
    // From here an interrupt is the normal end of the tunnel, not an abort.
    crate::util::interrupt::watch();
    output::line(format!(
        "forwarding {local} to pod {}/{} port {}; Ctrl-C to stop",
        report.namespace, report.pod, ui.port
    ));
    output::emit(format, &report, || format!("{}\n", report.url))?;
    let pods: Api<Pod> = Api::namespaced(client, &args.namespace);
    portforward::serve(
        listener,
        pods,
        report.pod.clone(),
        ui.port,
        crate::util::interrupt::signalled(),
        Box::new(output::line),
    )
    .await?;
    output::line("stopped forwarding".to_string());
    Ok(())
}

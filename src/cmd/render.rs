//! `istioup render`: print the merged IstioOperator. Needs no cluster and no istioctl.
use crate::cli::Settings;
use crate::cli::{OutputFormat, SpecArgs};
use crate::error::{Error, Result};
use crate::ui::output;

pub fn run(args: &SpecArgs, settings: &Settings) -> Result<()> {
    // Checked first so that a wrong -o is reported before stdin is read.
    let format = format(settings.output)?;
    let iop = crate::spec::desired(args, &mut std::io::stdin())?;
    output::warnings(&crate::spec::warnings(&iop));
    let text = match format {
        OutputFormat::Json => output::to_json(&iop)?,
        _ => output::to_yaml(&iop)?,
    };
    output::write_stdout(&text)
}

fn format(requested: Option<OutputFormat>) -> Result<OutputFormat> {
    match requested {
        None | Some(OutputFormat::Yaml) => Ok(OutputFormat::Yaml),
        Some(OutputFormat::Json) => Ok(OutputFormat::Json),
        Some(OutputFormat::Table) => Err(Error::usage(
            "render prints the IstioOperator as yaml or json, not as a table",
        )
        .with_hint("use -o yaml (the default) or -o json")),
    }
}

//! istioup: install, remove and inspect Istio on a Kubernetes cluster.
//!
//! The data flows one way: command line (`cli`) → resolved target cluster (`target`) → desired
//! IstioOperator (`spec`) → plan → actions → report (`output`). Only the action stage changes
//! anything on a cluster; only `output` prints data.
pub mod check;
pub mod cli;
pub mod cluster;
pub mod cmd;
pub mod confirm;
pub mod error;
pub mod inject;
pub mod interrupt;
pub mod istioctl;
pub mod mesh;
pub mod output;
pub mod preflight;
pub mod progress;
pub mod quantity;
pub mod restart;
pub mod spec;
pub mod status;
pub mod suggest;
pub mod target;
pub mod uninstall;
pub mod verify;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, ColorChoice, OutputFormat};
pub use crate::error::{Error, Kind, Result};

/// The global flags, resolved: what every command may consult.
#[derive(Debug, Clone)]
pub struct Settings {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub output: Option<OutputFormat>,
    pub yes: bool,
    pub no_input: bool,
    pub color: bool,
    pub verbose: u8,
}

impl Settings {
    fn from_args(global: &cli::GlobalArgs) -> Self {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env && std::io::stderr().is_terminal(),
        };
        Settings {
            kubeconfig: global.kubeconfig.clone(),
            context: global.context.clone(),
            output: global.output,
            yes: global.yes,
            no_input: global.no_input,
            color,
            verbose: global.verbose,
        }
    }
}

/// Parses the command line, runs the command and turns the outcome into the documented exit code.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap prints help/version on stdout with exit 0, and usage errors with exit 2.
        Err(err) => err.exit(),
    };
    let settings = Settings::from_args(&cli.global);
    match cmd::run(cli.command, &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(format) = settings.output {
                output::emit_error(format, &err);
            }
            output::print_error(&err, settings.color);
            ExitCode::from(err.kind().code())
        }
    }
}

//! istioup: install, remove and inspect Istio on a Kubernetes cluster.
//!
//! The data flows one way, and so do the imports: each folder may use the ones above it in this
//! map, never one below it (a test, `tests/integration/layout.rs`, keeps it so).
//!
//! ```text
//! error, util/, k8s/, istio/   foundations: the error type, text helpers and the interrupt flag,
//!                              Kubernetes quantities and scheduling values, Istio's vocabulary
//! cli/                         the command line as typed, resolved into Settings
//! target/                      which cluster: kubeconfig, context, in-cluster
//! spec/                        the desired IstioOperator and the workloads it will create
//! facts/                       reading the cluster and istioctl: client helpers, facts, inventory
//! judge/                       checks, capacity, status, verification: pure verdicts on facts
//! act/                         changing the cluster: istioctl, labels, restarts, uninstall, backup
//! ui/                          talking to the person: reports, progress, prompts
//! cmd/                         one short file per verb, wiring the stages together
//! ```
//! Only `act` changes anything on a cluster; only `ui` prints.
pub mod act;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod facts;
pub mod istio;
pub mod judge;
pub mod k8s;
pub mod spec;
pub mod target;
pub mod ui;
pub mod util;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Settings};
pub use crate::error::{Error, Kind, Result};
use crate::ui::output;

/// Parses the command line, runs the command and turns the outcome into the documented exit code.
pub fn run() -> ExitCode {
    crate::util::interrupt::install();
    crate::target::announce_waits_to(output::note);
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap prints help/version on stdout with exit 0, and usage errors with exit 2; a usage
        // error under `-o json|yaml` is also the one document on stdout.
        Err(err) => {
            use clap::error::ErrorKind;
            let usage = !matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                && err.exit_code() == 2;
            if let Some(format) = requested_format(std::env::args_os().skip(1)).filter(|_| usage) {
                let text = err.render().to_string();
                let message = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ")
                    .to_string();
                output::emit_error(format, &Error::usage(message).with_hint("see istioup --help"));
            }
            err.exit()
        }
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

/// The `-o`/`--output` a command line asks for, read without clap (which just refused it).
fn requested_format(args: impl Iterator<Item = std::ffi::OsString>) -> Option<cli::OutputFormat> {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.as_str() {
            "-o" | "--output" => args.get(i + 1).map(String::as_str),
            "--" => break,
            other => other
                .strip_prefix("--output=")
                .or_else(|| other.strip_prefix("-o=").or_else(|| other.strip_prefix("-o"))),
        };
        match value {
            Some("json") => found = Some(cli::OutputFormat::Json),
            Some("yaml") => found = Some(cli::OutputFormat::Yaml),
            _ => {}
        }
    }
    found
}

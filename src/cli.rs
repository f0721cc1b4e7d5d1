//! The command line as the user typed it (clap derive). Commands never read these raw values
//! directly: `run` resolves them into `Settings` and per-command inputs first.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    error (bad input file, cluster unreachable, ...)
  2    usage error (unknown flag, bad --set, ...)
  3    checks failed (or a safety guard refused)
  4    istioctl failed, or the installation did not verify
  5    confirmation needed but not given (no terminal and no --yes), or declined
  130  interrupted";

#[derive(Debug, Parser)]
#[command(
    name = "istioup",
    version,
    about = "Install, remove and inspect Istio on a Kubernetes cluster",
    long_about = "istioup puts Istio on a Kubernetes cluster and takes it off again. It resolves the \
cluster it talks to the way kubectl does, merges your overlay files onto a built-in IstioOperator, \
and drives istioctl. Every command works without prompts (--yes, --no-input) and reports JSON with -o json.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts, kubectl-style.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (beats KUBECONFIG)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use (beats current-context)
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,

    /// Output format of commands that report data
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Answer yes to every confirmation
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Never prompt; fail where an answer would be needed
    #[arg(long, global = true)]
    pub no_input: bool,

    /// When to use colour (NO_COLOR is honoured with auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say more about what is going on (repeat for more)
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the merged IstioOperator (base + overlays + --set); needs no cluster
    #[command(after_help = crate::spec::MERGE_RULES_HELP)]
    Render(SpecArgs),

    /// Show which cluster istioup would act on, and where each part came from
    Context,

    /// Print a shell completion script
    Completions {
        /// The shell to generate completions for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What makes up the desired IstioOperator. Shared by every command that installs or renders.
#[derive(Debug, Clone, Default, Args)]
pub struct SpecArgs {
    /// Overlay file applied onto the built-in base, in order; `-` reads stdin (once)
    #[arg(
        short = 'f',
        long = "overlay",
        visible_alias = "filename",
        value_name = "FILE"
    )]
    pub overlays: Vec<PathBuf>,

    /// Set one value after all overlays, istioctl path syntax (e.g. components.cni.enabled=true)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,

    /// Istio profile (shortcut for --set profile=NAME)
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Control plane revision (shortcut for --set revision=NAME)
    #[arg(long, value_name = "NAME")]
    pub revision: Option<String>,
}

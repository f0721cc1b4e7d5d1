//! The command line as the user typed it (clap derive), and the global flags resolved into
//! `Settings`. Uses only the foundations (`error`, `util`, `k8s`, `istio`).
use std::io::IsTerminal;
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

pub mod help;

const INSTALL_HELP: &str = "\
Steps: show the target cluster; run the checks (a failure stops here, exit 3, nothing changed);
show the plan (--dry-run stops here); ask once (-y skips; without a terminal and without -y:
exit 5, nothing changed); run istioctl install on the merged IstioOperator with a progress
display (failure: exit 4, with the Pending pods and warning events); verify the result; label
the namespaces to inject and list the workloads that need a restart (--restart rolls them);
apply the addons (Kiali by default, with a Prometheus unless the cluster has one: Rancher
Monitoring's, a prometheus-operator Prometheus, or istioup's own; --addons none for none) from
the release's samples/addons, and wait until they are Available (not: exit 4); with --mtls
strict, last, the mesh-wide PeerAuthentication STRICT, refused (exit 3, Istio stays installed)
as `istioup mtls strict --mesh` refuses it. All changes happen under istioup's lock. Re-running
the same command after any failure converges.";

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
#[command(next_help_heading = "Global options")]
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

    /// How long one request to the API server may take before it is given up (kubectl's flag;
    /// 0 for no limit). Requests istioup can repeat safely are retried on failure
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,
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
    #[command(after_help = help::MERGE_RULES_HELP)]
    Render(SpecArgs),

    /// List every image an install (and its addons) pulls, to mirror them for an air-gapped cluster; needs no cluster
    #[command(after_help = help::IMAGES_HELP)]
    Images(ImagesArgs),

    /// Show which cluster istioup would act on, and where each part came from
    Context,

    /// Check that the cluster is ready for Istio, and change nothing
    #[command(after_help = help::CHECKS_HELP)]
    Check(CheckArgs),

    /// Install or upgrade Istio: checks, plan, confirmation, istioctl, verification, injection
    #[command(after_help = INSTALL_HELP)]
    Install(InstallArgs),

    /// Turn sidecar injection on for namespaces or a workload
    #[command(subcommand)]
    Enable(EnableScope),

    /// Turn sidecar injection off for namespaces or a workload, or remove Istio from the cluster
    #[command(subcommand)]
    Disable(DisableScope),

    /// Remove Istio from the cluster, keeping every user object (same as `disable cluster`)
    #[command(after_help = UNINSTALL_HELP)]
    Uninstall(UninstallArgs),

    /// Show whether the mesh is healthy and who is in it
    #[command(after_help = STATUS_HELP)]
    Status(StatusArgs),

    /// Install or remove the addons of the Istio release (Kiali, Prometheus, Grafana, Jaeger, Zipkin, Loki)
    #[command(subcommand)]
    Addons(AddonsCommand),

    /// Upgrade Istio to istioctl's version: a canary revision next to the old one (or in place),
    /// then migrate namespaces, finish or roll back
    #[command(
        after_help = help::UPGRADE_HELP,
        args_conflicts_with_subcommands = true,
        mut_arg("force", |a| a.help("Go on although the version jump is unsupported (more than two minor versions); also takes over a mesh Helm installed")),
        mut_arg("restart", |a| a.help("In place: roll the workloads whose proxy is older than the new control plane, in batches")),
        mut_arg("namespaces", |a| a.help("In place only: namespace to enable sidecar injection in (a canary moves namespaces with `upgrade migrate`)"))
    )]
    Upgrade(Box<UpgradeArgs>),

    /// Show mutual TLS per namespace, or switch namespaces or the mesh to STRICT safely and back
    #[command(after_help = MTLS_HELP, args_conflicts_with_subcommands = true)]
    Mtls(MtlsArgs),

    /// Open an addon's web UI (Kiali, Grafana, Prometheus, Jaeger, Zipkin) on a local port; runs until interrupted
    #[command(after_help = DASHBOARD_HELP)]
    Dashboard(DashboardArgs),

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

    /// Pull every image from this private registry HOST[/PATH] (air-gapped clusters): Istio's hub
    /// and every component hub become it; `istioup images --registry` lists what to copy there
    #[arg(long, value_name = "HOST[/PATH]")]
    pub registry: Option<String>,
}

/// `istioup addons ...`.
#[derive(Debug, Clone, Subcommand)]
pub enum AddonsCommand {
    /// The addons the release ships, and which are installed (by istioup) with ready/desired pods
    List(AddonSourceArgs),
    /// Apply addons from the release's samples/addons (server-side apply, field manager istioup)
    /// and wait until each is Available; Kiali brings Prometheus
    Enable(AddonsArgs),
    /// Remove addons istioup installed (objects it labelled istioup.io/addon=NAME), never others
    Disable(AddonsArgs),
}

/// Where the addon manifests come from.
#[derive(Debug, Clone, Args)]
pub struct AddonSourceArgs {
    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// The addon manifests (default: samples/addons of the Istio release istioctl comes from)
    #[arg(long, value_name = "DIR")]
    pub addons_dir: Option<PathBuf>,
}

/// `istioup addons enable|disable NAME...`.
#[derive(Debug, Clone, Args)]
pub struct AddonsArgs {
    /// kiali, prometheus, grafana, jaeger, zipkin, loki (or comma-separated)
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,

    #[command(flatten)]
    pub source: AddonSourceArgs,

    /// How long each addon may take to become Available
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_positive_duration)]
    pub timeout: std::time::Duration,
    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup images`.
#[derive(Debug, Clone, Args)]
pub struct ImagesArgs {
    #[command(flatten)]
    pub spec: SpecArgs,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Addons whose images to list too, comma-separated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "none")]
    pub addons: Vec<String>,

    /// The addon manifests (default: samples/addons of the Istio release istioctl comes from)
    #[arg(long, value_name = "DIR")]
    pub addons_dir: Option<PathBuf>,
}

/// Which namespaces get sidecar injection.
#[derive(Debug, Clone, Default, Args)]
pub struct InjectArgs {
    /// Namespace to enable sidecar injection in (repeatable)
    #[arg(long = "inject", value_name = "NS", num_args = 1..)]
    pub namespaces: Vec<String>,

    /// Inject every namespace except kube-*, the Istio namespace, and those labelled istio-injection=disabled
    #[arg(long, conflicts_with_all = ["namespaces", "inject_selector"])]
    pub inject_all: bool,

    /// Inject the namespaces matching this label selector (e.g. team=shop)
    #[arg(long, value_name = "SELECTOR", conflicts_with = "namespaces")]
    pub inject_selector: Option<String>,
}

/// Where istioctl is.
#[derive(Debug, Clone, Default, Args)]
pub struct IstioctlArgs {
    /// The istioctl binary (else ISTIOCTL, else istioctl on PATH)
    #[arg(long = "istioctl", value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Fail,
    Warn,
}

/// What `check` and `install` share.
#[derive(Debug, Clone, Args)]
pub struct PreflightArgs {
    #[command(flatten)]
    pub spec: SpecArgs,

    #[command(flatten)]
    pub inject: InjectArgs,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Treat warnings as failures (for CI)
    #[arg(long, value_enum, default_value_t = FailOn::Fail, value_name = "LEVEL")]
    pub fail_on: FailOn,

    /// Skip a check by its id (repeatable), for an admin who knows better
    #[arg(long = "skip-check", value_name = "ID")]
    pub skip_checks: Vec<String>,

    /// Take over a mesh another tool installed (Helm): istioctl then manages it, not Helm
    #[arg(long)]
    pub force: bool,
}

/// `istioup install`.
#[derive(Debug, Clone, Args)]
pub struct InstallArgs {
    #[command(flatten)]
    pub preflight: PreflightArgs,

    /// Print the plan and the rendered IstioOperator, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Restart the workloads of injected namespaces so their pods get a sidecar
    #[arg(long)]
    pub restart: bool,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub lock: LockArgs,

    /// How long istioctl waits for each component to become ready (passed as --readiness-timeout)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_positive_duration)]
    pub readiness_timeout: std::time::Duration,

    /// Stop istioctl and all it started if the whole run takes longer than this [default: 3 × --readiness-timeout + 5m]
    #[arg(long = "istioctl-timeout", value_name = "DURATION", value_parser = parse_positive_duration)]
    pub istioctl_timeout: Option<std::time::Duration>,

    /// Extra argument passed to `istioctl install` verbatim (repeatable), e.g. --istioctl-arg=--force
    #[arg(long = "istioctl-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub istioctl_args: Vec<String>,

    /// After a verified install, require mutual TLS mesh-wide, with the blast-radius check of `istioup mtls strict --mesh`
    #[arg(long, value_enum, value_name = "MODE")]
    pub mtls: Option<InstallMtls>,

    #[command(flatten)]
    pub addons: InstallAddonArgs,
}

/// The addons of an install (and of `check`, which counts them as install would).
#[derive(Debug, Clone, Default, Args)]
pub struct InstallAddonArgs {
    /// Addons to apply after Istio, comma-separated or repeated: kiali, prometheus, grafana, jaeger, zipkin, loki, or none [default: kiali, with a Prometheus unless the cluster has one]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub addons: Vec<String>,

    /// The addon manifests (default: samples/addons of the Istio release istioctl comes from)
    #[arg(long, value_name = "DIR")]
    pub addons_dir: Option<PathBuf>,
}

/// `istioup check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub preflight: PreflightArgs,

    #[command(flatten)]
    pub addons: InstallAddonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InstallMtls {
    Strict,
}

impl InstallArgs {
    /// istioup's own deadline for the whole istioctl run. istioctl waits `--readiness-timeout`
    /// per component, in dependency order (CNI, then istiod, then the gateways; a component
    /// whose dependency failed still waits: operator/pkg/install/install.go), so three waits
    /// plus time to apply bound a run that is merely slow; past that it is stuck.
    pub fn istioctl_deadline(&self) -> std::time::Duration {
        self.istioctl_timeout
            .unwrap_or(self.readiness_timeout * 3 + std::time::Duration::from_secs(300))
    }
}

/// `istioup upgrade [--in-place|--canary] [INSTALL FLAGS]` or `istioup upgrade ACTION`.
#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    #[command(subcommand)]
    pub action: Option<UpgradeAction>,

    /// Upgrade the running revision where it is (istioctl install over it); with --restart, roll
    /// the workloads whose proxy is older than the new control plane
    #[arg(long, conflicts_with = "canary")]
    pub in_place: bool,

    /// Install the new version as a new revision next to the old one (the default when the mesh
    /// has a revision); --revision NAME names it (default: the version, 1-30-2)
    #[arg(long)]
    pub canary: bool,

    #[command(flatten)]
    pub install: InstallArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UpgradeAction {
    /// Per revision: version, tags, health, namespaces, pods per proxy version; what is left to
    /// migrate; the next command
    Status(StatusArgs),

    /// Move namespaces to the new revision: relabel, and with --restart roll their workloads in
    /// batches and check each new pod's proxy revision
    #[command(after_help = help::MIGRATE_HELP)]
    Migrate(MigrateArgs),

    /// Remove the old control plane once no pod runs its proxy (istioctl uninstall -r OLD),
    /// keeping the CRDs and every user object
    #[command(after_help = help::FINISH_HELP)]
    Finish(FinishArgs),

    /// Move the migrated namespaces back to the old revision (relabel, restart) and remove the
    /// new revision
    #[command(after_help = help::ROLLBACK_HELP)]
    Rollback(RollbackArgs),
}

/// `istioup upgrade migrate`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub selection: NamespaceSelection,

    /// Roll the workloads of the relabelled namespaces, batch by batch, and check their proxies
    #[arg(long)]
    pub restart: bool,

    /// Also replace an istio-injection=enabled label someone else set (it beats istio.io/rev)
    #[arg(long)]
    pub force: bool,

    /// Label the namespaces with this revision tag (e.g. prod) instead of the revision, and move
    /// the tag to the new revision (istioctl tag set NAME --revision NEW --overwrite): every
    /// namespace carrying it moves
    #[arg(long, value_name = "NAME", value_parser = parse_revision)]
    pub tag: Option<String>,

    /// Show what would be relabelled and restarted, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Stop istioctl (tag set) if it takes longer than this
    #[arg(long = "istioctl-timeout", value_name = "DURATION", default_value = "10m", value_parser = parse_positive_duration)]
    pub istioctl_timeout: std::time::Duration,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup upgrade finish`.
#[derive(Debug, Clone, Args)]
pub struct FinishArgs {
    /// Go on although pods still run a proxy of the old revision (they lose their control plane)
    #[arg(long)]
    pub force: bool,

    /// Show what would be removed and kept, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Stop istioctl and all it started if it takes longer than this
    #[arg(long = "istioctl-timeout", value_name = "DURATION", default_value = "10m", value_parser = parse_positive_duration)]
    pub istioctl_timeout: std::time::Duration,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup upgrade rollback`.
#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    /// Show what would move back and be removed, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Go on removing the new revision although pods still run its proxy
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Stop istioctl and all it started if it takes longer than this
    #[arg(long = "istioctl-timeout", value_name = "DURATION", default_value = "10m", value_parser = parse_positive_duration)]
    pub istioctl_timeout: std::time::Duration,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup enable SCOPE`.
#[derive(Debug, Subcommand)]
pub enum EnableScope {
    /// Label namespaces for sidecar injection (istio-injection=enabled, or istio.io/rev=REV)
    #[command(after_help = ENABLE_NAMESPACE_HELP)]
    Namespace(EnableNamespaceArgs),

    /// Opt one workload in: pod template label sidecar.istio.io/inject="true" (rolls its pods)
    #[command(after_help = WORKLOAD_HELP)]
    Workload(WorkloadArgs),
}

/// `istioup disable SCOPE`.
#[derive(Debug, Subcommand)]
pub enum DisableScope {
    /// Remove the injection labels istioup set on namespaces (or set istio-injection=disabled)
    #[command(after_help = DISABLE_NAMESPACE_HELP)]
    Namespace(DisableNamespaceArgs),

    /// Opt one workload out: pod template label sidecar.istio.io/inject="false" (rolls its pods)
    #[command(after_help = WORKLOAD_HELP)]
    Workload(WorkloadArgs),

    /// Remove Istio from the cluster, keeping every user object (alias: istioup uninstall)
    #[command(after_help = UNINSTALL_HELP)]
    Cluster(UninstallArgs),
}

/// Which namespaces a namespace-scope command acts on: names, --all or --selector.
#[derive(Debug, Clone, Args)]
#[group(id = "namespaces_choice", required = true, multiple = false)]
pub struct NamespaceSelection {
    /// The namespaces (at least one, unless --all or --selector)
    #[arg(value_name = "NS")]
    pub namespaces: Vec<String>,

    /// Every namespace except kube-* and the Istio namespaces
    #[arg(long)]
    pub all: bool,

    /// The namespaces matching this label selector (e.g. team=shop)
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
}

/// `istioup enable namespace`.
#[derive(Debug, Clone, Args)]
pub struct EnableNamespaceArgs {
    #[command(flatten)]
    pub selection: NamespaceSelection,

    /// Inject with this control plane revision (istio.io/rev=REV) instead of the default one
    #[arg(long, value_name = "REV", value_parser = parse_revision)]
    pub revision: Option<String>,

    /// Restart the workloads whose pods lack a sidecar, batch by batch
    #[arg(long)]
    pub restart: bool,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup disable namespace`.
#[derive(Debug, Clone, Args)]
pub struct DisableNamespaceArgs {
    #[command(flatten)]
    pub selection: NamespaceSelection,

    /// Also remove injection labels istioup did not set
    #[arg(long)]
    pub force: bool,

    /// Set istio-injection=disabled instead of removing the label, so a mesh-wide default cannot inject
    #[arg(long)]
    pub explicit: bool,

    /// Restart the workloads whose pods still carry a sidecar, batch by batch
    #[arg(long)]
    pub restart: bool,

    #[command(flatten)]
    pub rollout: RolloutArgs,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup enable workload` / `disable workload`.
#[derive(Debug, Clone, Args)]
pub struct WorkloadArgs {
    /// KIND/NAME: deployment (deploy), statefulset (sts), daemonset (ds) or cronjob (cj), e.g. deploy/web
    #[arg(value_name = "KIND/NAME")]
    pub workload: String,

    /// The workload's namespace (default: the context's namespace)
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
}

/// `istioup uninstall` / `istioup disable cluster`.
#[derive(Debug, Clone, Args)]
pub struct UninstallArgs {
    /// Go on although pods still carry sidecars (they lose the proxy when restarted)
    #[arg(long)]
    pub force: bool,

    /// Also delete the Istio CRDs, and with them every user Istio object; needs --backup DIR or --no-backup
    #[arg(long)]
    pub purge: bool,

    /// With --purge: first write every Istio custom resource to DIR (restore: kubectl apply -f DIR)
    #[arg(long, value_name = "DIR", conflicts_with = "no_backup")]
    pub backup: Option<PathBuf>,

    /// With --purge: delete the user Istio objects without a backup
    #[arg(long)]
    pub no_backup: bool,

    /// Also delete the Istio namespace (istio-system)
    #[arg(long)]
    pub delete_namespace: bool,

    /// Keep the addons istioup installed (istioup addons enable); by default they are removed
    #[arg(long)]
    pub keep_addons: bool,

    /// Show what would be removed and kept, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub istioctl: IstioctlArgs,

    /// Stop istioctl and all it started if it takes longer than this
    #[arg(long = "istioctl-timeout", value_name = "DURATION", default_value = "10m", value_parser = parse_positive_duration)]
    pub istioctl_timeout: std::time::Duration,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `istioup status`.
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub istioctl: IstioctlArgs,
}

const ENABLE_NAMESPACE_HELP: &str = "\
Labels each namespace the way `install --inject` does and records that istioup set the label
(annotation istioup.io/injection-label), so `disable namespace` removes only what istioup added.
A namespace labelled istio-injection by someone else is left alone and reported. Running pods
get a sidecar only when recreated: they are listed, and --restart rolls their Deployments,
StatefulSets and DaemonSets --batch-size at a time, waiting for each batch to be Available.

Exit codes: 0 done; 1 a namespace is missing, the API failed, or a restarted workload did not
become Available within --timeout (named; the rollout stops there); 2 bad arguments; 130 interrupted.";

const DISABLE_NAMESPACE_HELP: &str = "\
Removes the injection label istioup set (istio-injection or istio.io/rev). A label someone else
set is left alone and reported, unless --force. --explicit sets istio-injection=disabled instead,
which also beats a mesh-wide default (enableNamespacesByDefault). Running pods keep their sidecar
until recreated: they are listed, and --restart rolls their workloads in batches.

Exit codes: 0 done; 1 a namespace is missing, the API failed, or a restarted workload did not
become Available within --timeout; 2 bad arguments; 130 interrupted.";

const WORKLOAD_HELP: &str = "\
Sets the pod template label sidecar.istio.io/inject on a Deployment, StatefulSet, DaemonSet, or
the Job template of a CronJob. Changing a pod template rolls the workload: its pods are replaced
(a CronJob's next Jobs get the label). \"true\" opts pods in from an unlabelled namespace;
\"false\" opts them out of any injection.

Exit codes: 0 done (or already so); 1 the workload does not exist, or the API failed; 2 bad
KIND/NAME or an unsupported kind.";

const UNINSTALL_HELP: &str = "\
Steps: show the target and what is installed (revisions, injected namespaces, pods with
sidecars, user Istio objects by kind); refuse while pods carry sidecars (exit 3; --force goes on);
ask you to type the context name (-y skips; without a terminal and without -y: exit 5, nothing
changed); istioctl uninstall per revision (keeps the CRDs and every VirtualService,
DestinationRule, Gateway, ...), or with --purge everything including the CRDs, after writing
--backup DIR; remove the injection labels istioup set (every injection label with --purge);
delete the leftovers (validator and revision-tag webhooks, istio-ca-root-cert and
leader-election ConfigMaps); delete istio-system only with --delete-namespace. Re-running after a
failure finishes the job; on a cluster without Istio it says so and exits 0.

Exit codes: 0 removed, or nothing to remove; 1 error; 2 bad arguments, including --purge without
--backup DIR or --no-backup; 3 pods still carry sidecars (without --force); 4 istioctl failed;
5 not confirmed; 130 interrupted.";

const STATUS_HELP: &str = "\
Shows the istioctl version (when found), each control plane and gateway with its ready/desired
pods, the injector webhooks, and per namespace its injection (enabled, disabled, a revision, the
mesh-wide default, none), pods with a sidecar, pods that need a restart to gain or lose one, and
pods whose sidecar is older than their control plane; and what an earlier uninstall left behind.
-o json prints one document: state (healthy | degraded | absent), control_planes, components,
namespaces, leftovers, problems, warnings.

Exit codes: 0 healthy, or Istio not installed; 1 degraded (a component not ready, no injector for
a running revision, a namespace selecting a revision nobody serves) or an error.";

/// Waiting for another istioup that is changing the same cluster.
#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// Wait up to this long while another istioup changes this cluster (it holds the Lease
    /// istioup-lock in the Istio namespace); 0s refuses at once, naming the holder
    #[arg(long = "wait-for-lock", value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub wait_for_lock: std::time::Duration,
}

/// `istioup dashboard`.
#[derive(Debug, Clone, Args)]
pub struct DashboardArgs {
    /// kiali, grafana, prometheus, jaeger or zipkin
    #[arg(value_name = "ADDON")]
    pub addon: String,

    /// Local port (default: the addon's own port, e.g. 20001 for Kiali, or any free port when
    /// that one is taken; 0: any free port)
    #[arg(short = 'p', long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Local address to listen on
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub address: String,

    /// The namespace the addon runs in
    #[arg(short = 'n', long, value_name = "NS", default_value = "istio-system")]
    pub namespace: String,
}

const DASHBOARD_HELP: &str = "\
Finds a Ready pod of the addon (the Deployment istioup labelled istioup.io/addon=NAME, or, for an
addon applied with kubectl from samples/addons, the pods istioctl dashboard looks for: app=kiali,
app.kubernetes.io/name=grafana, app.kubernetes.io/name=prometheus, app=jaeger, app=zipkin), listens
on --address, prints the URL to open (http://127.0.0.1:20001/kiali) on stdout, or with -o json one
document {\"addon\", \"namespace\", \"pod\", \"url\"}, and forwards every connection to the pod
through the API server (pods/portforward) until interrupted. It is a foreground tunnel: it runs
until Ctrl-C or SIGTERM, and ending it so is the normal end (exit 0).

Exit codes: 0 ended by an interrupt; 1 no Ready pod (each pod named with why), the pod went away
while forwarding, the port cannot be listened on, or the API failed; 2 bad arguments; 3 the addon
is not installed (`istioup addons enable NAME` installs it).";

/// `istioup mtls [status|strict|permissive]`.
#[derive(Debug, Clone, Args)]
pub struct MtlsArgs {
    #[command(subcommand)]
    pub action: Option<MtlsAction>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum MtlsAction {
    /// The effective mode per namespace and workload, sidecars, and DestinationRules that turn client TLS off (the default)
    Status(MtlsStatusArgs),

    /// Require mutual TLS (PeerAuthentication STRICT), after showing who would be cut off
    #[command(after_help = MTLS_STRICT_HELP)]
    Strict(MtlsStrictArgs),

    /// Accept plaintext again (PeerAuthentication PERMISSIVE), or remove istioup's policy with --remove
    #[command(after_help = MTLS_PERMISSIVE_HELP)]
    Permissive(MtlsPermissiveArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MtlsStatusArgs {
    /// Only these namespaces (default: every namespace Istio may inject)
    #[arg(value_name = "NAMESPACE")]
    pub namespaces: Vec<String>,
}

/// Which namespaces an mtls change acts on.
#[derive(Debug, Clone, Args)]
#[group(id = "mtls_scope", required = true, multiple = false)]
pub struct MtlsScope {
    /// The namespaces (their PeerAuthentication `default`)
    #[arg(value_name = "NAMESPACE")]
    pub namespaces: Vec<String>,

    /// The whole mesh: the PeerAuthentication `default` in the root namespace (meshConfig.rootNamespace)
    #[arg(long)]
    pub mesh: bool,
}

#[derive(Debug, Clone, Args)]
pub struct MtlsStrictArgs {
    #[command(flatten)]
    pub scope: MtlsScope,

    #[command(flatten)]
    pub lock: LockArgs,

    /// Show the blast radius and the plan, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Go on although clients would be cut off, or a namespace has no sidecar
    #[arg(long)]
    pub force: bool,

    /// How far back Prometheus is asked about plaintext traffic
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_positive_duration)]
    pub window: std::time::Duration,

    /// The Prometheus to ask, as NAMESPACE/SERVICE:PORT (default: Istio's addon, else a Service labelled prometheus)
    #[arg(long, value_name = "NS/SVC:PORT", value_parser = parse_service_port, conflicts_with = "no_prometheus")]
    pub prometheus: Option<String>,

    /// Do not ask Prometheus: judge from the pods without a sidecar alone
    #[arg(long)]
    pub no_prometheus: bool,
}

#[derive(Debug, Clone, Args)]
pub struct MtlsPermissiveArgs {
    #[command(flatten)]
    pub scope: MtlsScope,

    #[command(flatten)]
    pub lock: LockArgs,

    /// Show the plan, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Delete istioup's PeerAuthentication instead of setting it to PERMISSIVE
    #[arg(long)]
    pub remove: bool,
}

/// `NAMESPACE/SERVICE:PORT`.
pub fn parse_service_port(text: &str) -> Result<String, String> {
    let ok = text.split_once('/').is_some_and(|(ns, rest)| {
        !ns.is_empty()
            && rest
                .split_once(':')
                .is_some_and(|(svc, port)| !svc.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0))
    });
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "{text:?} is not NAMESPACE/SERVICE:PORT (e.g. istio-system/prometheus:9090)"
        ))
    }
}

const MTLS_HELP: &str = "\
Without a subcommand: `istioup mtls status`. Modes are computed as Istio computes them: the
mesh-wide PeerAuthentication (in meshConfig.rootNamespace), then the namespace's, then the
workload's (by selector) and its port-level overrides; UNSET inherits; PERMISSIVE without any.

Exit codes: 0 done; 1 error; 2 bad arguments; 3 clients would be cut off, or a namespace has no
sidecar (without --force); 5 not confirmed; 130 interrupted.";

const MTLS_STRICT_HELP: &str = "\
Steps: show the target and the current modes; the blast radius, before any change: the servers
that would start rejecting plaintext (pods with a sidecar behind a Service), and the clients
that would be rejected: from Prometheus when one answers (plaintext series of
istio_requests_total and istio_tcp_connections_opened_total toward those servers over
--window), else every pod without a sidecar outside kube-system, kube-public, kube-node-lease
and local-path-storage; DestinationRules that send them plaintext (tls DISABLE) or their own
TLS (SIMPLE). Anyone cut off fails the plan (exit 3, nothing changed) unless --force; so does a
namespace without any sidecar. Then the plan, one confirmation (-y skips; no terminal and no
-y: exit 5), and server-side apply of the PeerAuthentication `default` labelled
app.kubernetes.io/managed-by=istioup. A namespace-wide PeerAuthentication someone else made is
named in the plan and left alone.";

const MTLS_PERMISSIVE_HELP: &str = "\
Sets istioup's PeerAuthentication `default` to PERMISSIVE (creating it where there is none, so a
namespace can accept plaintext under a STRICT mesh), or with --remove deletes it where istioup
made it. A PeerAuthentication someone else made is named and left alone. Loosening cuts nobody
off, so there is no blast radius; the plan and the confirmation are as for strict.";

/// How restarts roll.
#[derive(Debug, Clone, Args)]
pub struct RolloutArgs {
    /// How many workloads restart at once
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,

    /// How long each batch of restarted workloads may take to become Available
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_positive_duration)]
    pub timeout: std::time::Duration,
}

/// Go-style durations as kubectl and istioctl take them: `300s`, `5m`, `1m30s`, `2h`; a bare
/// number is seconds.
/// A wait that must be able to end in success: zero is refused.
pub fn parse_positive_duration(text: &str) -> Result<std::time::Duration, String> {
    let d = parse_duration(text)?;
    if d.is_zero() {
        return Err(format!("{text:?} is zero; give a duration like 90s, 5m or 1m30s"));
    }
    Ok(d)
}

/// A revision names Kubernetes objects (istiod-REV, istio.io/rev=REV): a DNS-1123 label.
pub fn parse_revision(text: &str) -> Result<String, String> {
    crate::istio::check_revision(text).map_err(|why| format!("{text:?} is not a revision name: {why}"))?;
    Ok(text.to_string())
}

pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("{text:?} is not a duration; write it like 90s, 5m or 1m30s");
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    if text.is_empty() {
        return Err(bad());
    }
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match (c, chars.peek()) {
            ('m', Some('s')) => {
                chars.next();
                0
            }
            ('h', _) => 3600,
            ('m', _) => 60,
            ('s', _) => 1,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        // Milliseconds round up to a whole second: timeouts are never shortened.
        total += if unit == 0 { n.div_ceil(1000) } else { n * unit };
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(std::time::Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_like_go() {
        assert_eq!(parse_duration("300s"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_secs(2)));
        for bad in ["", "m", "5x", "1.5m", "-1s", "5m3"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }
}

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
    /// `--request-timeout`; zero: no limit.
    pub request_timeout: std::time::Duration,
}

impl Settings {
    pub fn from_args(global: &GlobalArgs) -> Self {
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
            request_timeout: global.request_timeout,
        }
    }
}

//! `kubesim serve ...`: runs a simulated cluster until SIGINT/SIGTERM, writes its kubeconfig
//! and prints its URL on one stdout line.
use crate::sim::Sim;
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(name = "kubesim", about = "An in-memory Kubernetes API server for tests")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Serve a simulated cluster.
    Serve(ServeArgs),
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Cluster file (YAML; see README.md). Repeatable.
    #[arg(long)]
    cluster: Vec<PathBuf>,
    /// Generate this many nodes.
    #[arg(long, default_value_t = 0)]
    nodes: usize,
    /// Generate this many pods (spread over the generated nodes and namespaces).
    #[arg(long, default_value_t = 0)]
    pods: usize,
    /// Generate this many namespaces.
    #[arg(long, default_value_t = 0)]
    namespaces: usize,
    /// Latency added to every request, e.g. 10ms or 1s.
    #[arg(long, value_parser = parse_duration)]
    latency: Option<Duration>,
    /// Delay before new pods become Ready, e.g. 200ms.
    #[arg(long, value_parser = parse_duration)]
    ready_delay: Option<Duration>,
    /// Serve HTTPS with a generated CA (written into the kubeconfig).
    #[arg(long)]
    tls: bool,
    /// Require this bearer token.
    #[arg(long)]
    token: Option<String>,
    /// Kubernetes version reported by /version.
    #[arg(long)]
    k8s_version: Option<String>,
    /// Port on 127.0.0.1 (random by default).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Where to write the kubeconfig.
    #[arg(long)]
    kubeconfig_out: PathBuf,
    /// Name of the kubeconfig cluster, context and user.
    #[arg(long, default_value = "kubesim")]
    context_name: String,
    /// Deny rule VERB:RESOURCE (e.g. create:customresourcedefinitions.apiextensions.k8s.io). Repeatable.
    #[arg(long)]
    deny: Vec<String>,
    /// Fraction of requests answered with 500/503/429.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Fraction of requests whose connection is dropped.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Answer every continue token with 410 Expired.
    #[arg(long)]
    expire_continue: bool,
    /// How long deleted pods stay Terminating, e.g. 100ms.
    #[arg(long, value_parser = parse_duration)]
    pod_grace: Option<Duration>,
    /// How long deleted namespaces stay Terminating before their content is deleted, e.g. 2s.
    #[arg(long, value_parser = parse_duration)]
    namespace_termination: Option<Duration>,
    /// Treat admission webhooks with a `url` client config as reachable.
    #[arg(long)]
    webhook_urls_reachable: bool,
    /// Answer JSON only, as a server or proxy without protobuf (built-in kinds are otherwise
    /// served in protobuf to clients that ask, as by a real API server).
    #[arg(long)]
    no_protobuf: bool,
}

/// `10ms`, `2s`, `1m`, or a bare number of milliseconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
    let secs = match unit {
        "" | "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "us" | "µs" => n / 1_000_000.0,
        _ => return Err(format!("invalid duration unit in {s:?}")),
    };
    Ok(Duration::from_secs_f64(secs))
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(64)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.cmd {
        Cmd::Serve(args) => match serve(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("kubesim: {e:#}");
                ExitCode::from(1)
            }
        },
    }
}

fn serve(a: ServeArgs) -> anyhow::Result<()> {
    let mut b = Sim::builder()
        .context_name(&a.context_name)
        .port(a.port)
        .tls(a.tls)
        .kubeconfig_out(&a.kubeconfig_out);
    for f in &a.cluster {
        let text = std::fs::read_to_string(f).map_err(|e| anyhow::anyhow!("reading {}: {e}", f.display()))?;
        b = b.cluster_yaml(&text);
    }
    if a.nodes + a.pods + a.namespaces > 0 {
        b = b.generate(a.nodes, a.pods, a.namespaces);
    }
    if let Some(l) = a.latency {
        b = b.latency(l);
    }
    if let Some(d) = a.ready_delay {
        b = b.ready_delay(d);
    }
    if let Some(d) = a.pod_grace {
        b = b.pod_grace(d);
    }
    if let Some(d) = a.namespace_termination {
        b = b.namespace_termination(d);
    }
    b = b.webhook_urls_reachable(a.webhook_urls_reachable);
    b = b.protobuf(!a.no_protobuf);
    if let Some(t) = &a.token {
        b = b.token(t);
    }
    if let Some(v) = &a.k8s_version {
        b = b.k8s_version(v);
    }
    for rule in &a.deny {
        let (verb, res) = rule
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("--deny wants VERB:RESOURCE, got {rule:?}"))?;
        b = b.deny(verb, res);
    }
    b = b.faults(crate::faults::FaultConfig {
        error_rate: a.error_rate,
        drop_rate: a.drop_rate,
        expire_continue: a.expire_continue,
        ..Default::default()
    });
    let sim = b.start()?;
    println!("{}", sim.url());
    std::io::stdout().flush()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        anyhow::Ok(())
    })?;
    drop(sim);
    Ok(())
}

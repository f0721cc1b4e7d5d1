//! The stage between the command line and any change: resolve the spec, find istioctl, read the
//! cluster once, and judge it. `check` stops here; `install` goes on with the result.
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};
use serde_json::Value;

use super::rules::{self, IstioctlFacts};
use super::{Check, Status};
use crate::cli::{FailOn, InjectArgs, PreflightArgs};
use crate::error::{Error, Result};
use crate::facts::client::list_all;
use crate::facts::cluster::{self, Facts};
use crate::facts::istioctl::{self, Istioctl};
use crate::facts::namespaces::in_all;
use crate::spec::{Components, Desired};
use crate::util::text::plural;

pub struct Preflight {
    pub istioctl: Option<Istioctl>,
    pub istioctl_facts: IstioctlFacts,
    pub iop: Value,
    pub components: Components,
    pub desired: Desired,
    pub facts: Facts,
    pub checks: Vec<Check>,
    pub ok: bool,
}

/// The spec alone, before any cluster is contacted: bad input fails before the network does.
pub fn spec(args: &PreflightArgs) -> Result<(Value, Components)> {
    validate_skips(&args.skip_checks)?;
    let iop = crate::spec::desired(&args.spec, &mut std::io::stdin())?;
    let components = Components::from_spec(&iop);
    Ok((iop, components))
}

pub async fn run(
    args: &PreflightArgs,
    iop: Value,
    components: Components,
    client: &Client,
) -> Result<Preflight> {
    let found = istioctl::discover(args.istioctl.path.as_deref());
    let istioctl_facts = match &found {
        Ok(i) => IstioctlFacts::Found {
            path: i.path.display().to_string(),
            version: i.version,
        },
        Err(e) => IstioctlFacts::Missing(render_inline(e)),
    };
    let facts = cluster::gather(client, &cluster::install_permissions()).await?;
    let inject = inject_namespaces(&args.inject, &facts, &components, client).await?;
    let mut preflight = Preflight {
        istioctl: found.ok(),
        istioctl_facts,
        desired: Desired::from_spec(&iop, &components, vec![])?,
        iop,
        components,
        facts,
        checks: Vec::new(),
        ok: false,
    };
    preflight.judge(args, inject)?;
    Ok(preflight)
}

impl Preflight {
    /// (Re)computes the checks for these namespaces to inject: the checks are pure, so a choice
    /// made after gathering (an interactive pick) costs no further requests.
    pub fn judge(&mut self, args: &PreflightArgs, inject: Vec<String>) -> Result<()> {
        let explicit = !args.inject.namespaces.is_empty();
        self.desired = Desired::from_spec(&self.iop, &self.components, inject)?;
        self.desired.take_over = args.force;
        let mut checks = rules::all(&self.facts, &self.desired, &self.istioctl_facts);
        checks.insert(
            3,
            inject_check(&args.inject, explicit, &self.desired.inject, &self.facts),
        );
        for check in checks
            .iter_mut()
            .filter(|c| args.skip_checks.iter().any(|s| s == c.id))
        {
            check.status = Status::Skip;
            check.message = format!("skipped by --skip-check (would have said: {})", check.message);
            check.hint = None;
        }
        let worst = if args.fail_on == FailOn::Warn {
            Status::Warn
        } else {
            Status::Fail
        };
        self.ok = checks.iter().all(|c| c.status < worst);
        self.checks = checks;
        Ok(())
    }
}

/// Every check id, in report order: what `--skip-check` accepts.
pub const CHECK_IDS: &[&str] = &[
    "kubernetes-version",
    "istioctl",
    "rbac",
    "inject-namespaces",
    "existing-mesh",
    "node-capacity",
    "sidecar-overhead",
    "node-ports",
    "load-balancer",
    "pod-security",
    "ingress-controllers",
];

fn validate_skips(skips: &[String]) -> Result<()> {
    match skips.iter().find(|s| !CHECK_IDS.contains(&s.as_str())) {
        None => Ok(()),
        Some(bad) => {
            let suggestion = crate::util::suggest::did_you_mean(bad, CHECK_IDS)
                .map(|id| format!(" (did you mean `{id}`?)"))
                .unwrap_or_default();
            Err(
                Error::usage(format!("--skip-check {bad}: no check has this id{suggestion}"))
                    .with_hint(format!("the check ids are: {}", CHECK_IDS.join(", "))),
            )
        }
    }
}

fn render_inline(err: &Error) -> String {
    let mut text = err.message().to_string();
    for cause in err.causes() {
        text.push_str(": ");
        text.push_str(&cause);
    }
    text
}

/// The namespaces `--inject`, `--inject-all` or `--inject-selector` name.
pub async fn inject_namespaces(
    args: &InjectArgs,
    facts: &Facts,
    components: &Components,
    client: &Client,
) -> Result<Vec<String>> {
    if args.inject_all {
        let istio_namespaces = components.items.iter().map(|c| c.namespace.clone()).collect();
        return Ok(facts
            .namespaces
            .iter()
            .filter(|ns| in_all(&ns.name, &ns.labels, &istio_namespaces, true))
            .map(|ns| ns.name.clone())
            .collect());
    }
    if let Some(selector) = &args.inject_selector {
        let params = ListParams::default().labels(selector);
        let found = list_all(Api::<Namespace>::all(client.clone()), &params, "namespaces")
            .await
            .map_err(|e| {
                Error::usage(format!(
                    "--inject-selector {selector:?} was rejected by the API server"
                ))
                .with_source(e)
                .with_hint("write a label selector like team=shop or 'env in (prod,stage)'")
            })?;
        return Ok(found.iter().map(|ns| ns.name_any()).collect());
    }
    Ok(args.namespaces.clone())
}

/// Whether the chosen namespaces can be injected.
fn inject_check(args: &InjectArgs, explicit: bool, chosen: &[String], facts: &Facts) -> Check {
    const ID: &str = "inject-namespaces";
    if chosen.is_empty() {
        return if args.inject_all || args.inject_selector.is_some() {
            Check::new(ID, Status::Warn, "no namespace matches: nothing will be injected")
        } else {
            Check::new(
                ID,
                Status::Skip,
                "no namespaces to inject (--inject NS, --inject-all, --inject-selector)",
            )
        };
    }
    let missing: Vec<&str> = chosen
        .iter()
        .filter(|n| !facts.namespaces.iter().any(|ns| &ns.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Check::new(ID, Status::Fail, format!("namespaces not found: {}", missing.join(", ")))
            .with_hint("create them first (kubectl create namespace NAME), or check the spelling with kubectl get namespaces");
    }
    let never: Vec<&str> = chosen
        .iter()
        .filter(|n| matches!(n.as_str(), "kube-system" | "kube-public"))
        .map(String::as_str)
        .collect();
    if explicit && !never.is_empty() {
        return Check::new(
            ID,
            Status::Fail,
            format!("Istio never injects {}", never.join(", ")),
        )
        .with_hint("remove them from --inject");
    }
    let details = chosen
        .iter()
        .filter_map(|n| facts.namespaces.iter().find(|ns| &ns.name == n))
        .map(|ns| format!("{} ({} pods)", ns.name, ns.pod_count))
        .collect();
    Check::new(
        ID,
        Status::Pass,
        format!("{} to inject", plural(chosen.len(), "namespace")),
    )
    .with_details(details)
}

//! Preflight checks. Each check is a pure function of gathered cluster facts and the desired
//! spec, so every rule is tested without a cluster; gathering happens once, elsewhere.
pub mod capacity;
mod desired;
pub mod facts;
pub mod rules;
pub mod versions;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Skip,
    Info,
    Warn,
    Fail,
}

impl Status {
    /// The terminal mark: ✔ pass, ‼ warn, ✘ fail, · info/skip.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Warn => "‼",
            Status::Fail => "✘",
            Status::Info | Status::Skip => "·",
        }
    }
}

/// The outcome of one check: what a user reads, and what CI queries in `-o json`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl Check {
    pub fn new(id: &'static str, status: Status, message: impl Into<String>) -> Self {
        Check {
            id,
            status,
            message: message.into(),
            hint: None,
            details: Vec::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

/// What the installation will create, as far as the checks care.
#[derive(Debug, Clone)]
pub struct Desired {
    /// `default` when no revision is set.
    pub revision: String,
    /// Every pod of every enabled component (istiod and gateways), replicas expanded.
    pub pods: Vec<capacity::PodDemand>,
    pub gateways: Vec<GatewayService>,
    pub cni: bool,
    /// Namespaces that will get the injection label.
    pub inject: Vec<String>,
    pub proxy_requests: capacity::Resources,
}

#[derive(Debug, Clone)]
pub struct GatewayService {
    pub name: String,
    pub namespace: String,
    pub ingress: bool,
    pub service_type: String,
    pub node_ports: Vec<i32>,
}

/// Shown by `istioup check --help`.
pub const CHECKS_HELP: &str = "\
Checks (ids for --skip-check):
  kubernetes-version   server version vs the range istioctl's Istio release supports
  istioctl             istioctl found (--istioctl, ISTIOCTL, PATH), runnable, version read
  rbac                 every permission the install and the labelling need
  inject-namespaces    the namespaces to inject exist and may be injected
  existing-mesh        fresh install, upgrade (names versions), other revisions, leftovers
  node-capacity        every Istio pod fits on a Ready node: per node, requests, nodeSelector, taints
  sidecar-overhead     proxies for the injected namespaces' pods, and nodes that would be short
  node-ports           gateway nodePorts free and inside 30000-32767
  load-balancer        a LoadBalancer ingress on a cluster that never gave out an address
  pod-security         injected namespaces enforcing baseline/restricted without CNI
  ingress-controllers  another ingress controller on the cluster

Exit status: 0 when no check failed (with --fail-on warn: and none warned), 3 otherwise.";

/// `1 namespace`, `2 namespaces`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

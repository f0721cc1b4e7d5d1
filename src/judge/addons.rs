//! Which addons `install` applies after Istio, and whether they fit: the `--addons` selection
//! (Kiali by default, as Rancher's rancher-istio chart enables it), resolved against the manifests
//! directory and the Prometheus already on the cluster, and counted in the capacity check.
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::Status;
use super::preflight::Preflight;
use crate::cli::{FailOn, PreflightArgs};
use crate::error::{Error, Result};
use crate::facts::prometheus;
use crate::k8s::scheduling::{PodDemand, Resources};
use crate::spec::addons::{self, Addon, MONITORING, MONITORING_FILE};

/// What `--addons` defaults to.
pub const DEFAULT: &str = "kiali";

#[derive(Debug, Clone, Serialize)]
pub struct PlannedPod {
    pub addon: Addon,
    pub deployment: String,
    pub namespace: String,
    pub replicas: u64,
    pub requests: String,
}

/// The addons part of the install plan (and of its `-o json` report).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    /// In the order they are applied.
    pub addons: Vec<Addon>,
    /// Why an addon was added or left out: `prometheus: Kiali reads ...`.
    pub notes: Vec<String>,
    /// The default Kiali, left out because no manifests were found: why, and how to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// The Prometheus Kiali reads (`http://SVC.NS:PORT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kiali_prometheus: Option<String>,
    /// The release's PodMonitor and ServiceMonitor are applied (prometheus-operator's kinds
    /// are served); else why not.
    pub monitoring: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring_note: Option<String>,
    pub pods: Vec<PlannedPod>,
    /// Filled in as they are applied: `deployment/kiali -n istio-system`.
    pub applied: Vec<String>,
    #[serde(skip)]
    pub manifests: Vec<(String, Vec<Value>)>,
    #[serde(skip)]
    pub demands: Vec<PodDemand>,
}

impl Plan {
    /// Whether anything is to be applied.
    pub fn is_empty(&self) -> bool {
        self.manifests.is_empty()
    }
}

/// Resolves the selection. `explicit`: `--addons` was given; the implicit default with no
/// manifests directory skips Kiali (the plan says so) instead of failing the install, which
/// needs no addon to work.
pub fn plan(
    list: &[String],
    flag_dir: Option<&Path>,
    istioctl: Option<&Path>,
    found: &prometheus::Facts,
) -> Result<Plan> {
    let explicit = !list.is_empty();
    let words = if explicit {
        list.to_vec()
    } else {
        vec![DEFAULT.to_string()]
    };
    let mut selection = addons::parse(&words)?;
    let mut plan = Plan::default();
    if selection.addons.is_empty() {
        return Ok(plan);
    }
    let dir = match addons::dir(flag_dir, istioctl) {
        Ok(dir) => dir,
        Err(e) if explicit || flag_dir.is_some() => return Err(e),
        Err(e) => {
            plan.skipped = Some(format!(
                "kiali (the default) skipped: {}; to install it, point --addons-dir at the release's samples/addons, or pass --addons none to say you want none",
                e.message()
            ));
            return Ok(plan);
        }
    };
    let named = |a: Addon| {
        words
            .iter()
            .any(|w| w.split(',').any(|w| w.trim().eq_ignore_ascii_case(a.name())))
    };
    if let Some(existing) = found.prometheus.as_ref()
        && selection.addons.contains(&Addon::Kiali)
        && !named(Addon::Prometheus)
    {
        selection.addons.retain(|a| *a != Addon::Prometheus);
        selection.added.clear();
        plan.notes.push(format!(
            "prometheus: not added, Kiali reads the Prometheus of {}",
            existing.source
        ));
        plan.kiali_prometheus = Some(existing.url.clone());
    }
    plan.notes.extend(selection.added);
    for addon in &selection.addons {
        let mut objects = addons::objects(&dir, *addon)?;
        if *addon == Addon::Kiali {
            match &plan.kiali_prometheus {
                Some(url) => addons::point_kiali_at(&mut objects, url)?,
                None => plan.kiali_prometheus = Some(default_url(&objects)),
            }
        }
        plan_pods(&mut plan, *addon, &objects)?;
        plan.manifests.push((addon.name().to_string(), objects));
    }
    plan.addons = selection.addons;
    monitoring(&mut plan, &dir, &found.monitoring)?;
    plan.dir = Some(dir);
    Ok(plan)
}

/// Kiali's own default with no url set: the `prometheus` Service in its namespace, port 9090
/// (what the Prometheus addon serves).
fn default_url(kiali: &[Value]) -> String {
    let ns = kiali
        .iter()
        .find_map(|o| o["metadata"]["namespace"].as_str())
        .unwrap_or("istio-system");
    format!("http://prometheus.{ns}:9090")
}

fn plan_pods(plan: &mut Plan, addon: Addon, objects: &[Value]) -> Result<()> {
    let demands = addons::demands(addon, objects)?;
    let workloads = objects
        .iter()
        .filter(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet")));
    for d in workloads {
        let name = d["metadata"]["name"].as_str().unwrap_or("").to_string();
        let Some(first) = demands
            .iter()
            .find(|p| p.component.starts_with(&format!("{name} ")))
        else {
            continue;
        };
        plan.pods.push(PlannedPod {
            addon,
            namespace: d["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
            deployment: name,
            replicas: d["spec"]["replicas"].as_u64().unwrap_or(1),
            requests: first.requests.describe(),
        });
    }
    plan.demands.extend(demands);
    Ok(())
}

/// The release's PodMonitor/ServiceMonitor (for a Prometheus run by prometheus-operator, e.g.
/// Rancher Monitoring), in the file's namespace (Istio's): Rancher Monitoring's Prometheus
/// selects monitors in every namespace.
fn monitoring(plan: &mut Plan, dir: &Path, served: &prometheus::Monitoring) -> Result<()> {
    if !dir.join(MONITORING_FILE).is_file() {
        return Ok(());
    }
    if !(served.pod_monitors && served.service_monitors) {
        plan.monitoring_note = Some(
            "PodMonitor/ServiceMonitor not applied: monitoring.coreos.com/v1 is not served (no prometheus-operator)"
                .into(),
        );
        return Ok(());
    }
    let path = dir.join(MONITORING_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::failed(format!("cannot read {}", path.display())).with_source(e))?;
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text)
        .map_err(|e| Error::failed(format!("{}: not YAML Kubernetes objects: {e}", path.display())))?;
    plan.manifests.push((
        MONITORING.into(),
        docs.into_iter().filter(Value::is_object).collect(),
    ));
    plan.monitoring = true;
    plan.monitoring_note = Some(format!(
        "the PodMonitor and ServiceMonitor of {MONITORING_FILE}, for prometheus-operator"
    ));
    Ok(())
}

/// Counts the addons' pods in the node-capacity check, placed after Istio's on the same nodes.
/// Re-judges `pf.ok` the way `Preflight::judge` does.
pub fn count_capacity(pf: &mut Preflight, args: &PreflightArgs, plan: &Plan) {
    if plan.demands.is_empty() {
        return;
    }
    let Some(check) = pf.checks.iter_mut().find(|c| c.id == "node-capacity") else {
        return;
    };
    if check.status == Status::Skip {
        return;
    }
    let mut desired = pf.desired.clone();
    desired.pods.extend(plan.demands.iter().cloned());
    let mut recheck = super::rules::node_capacity(&pf.facts, &desired);
    let needed = plan
        .demands
        .iter()
        .map(|p| p.requests)
        .fold(Resources::default(), Resources::plus);
    let names: Vec<&str> = plan.addons.iter().map(|a| a.name()).collect();
    recheck.message = if recheck.status == Status::Pass {
        format!("all {} Istio and addon pods fit on the nodes", desired.pods.len())
    } else {
        format!(
            "not every Istio and addon pod fits on a node ({} ask {})",
            names.join(", "),
            needed.describe()
        )
    };
    for line in &mut recheck.details {
        *line = line.replace("; Istio requests ", "; Istio and its addons request ");
    }
    if recheck.status != Status::Pass {
        recheck.hint = Some(format!(
            "{}; or --addons none to install Istio without its addons",
            recheck.hint.unwrap_or_default()
        ));
    }
    *check = recheck;
    let worst = if args.fail_on == FailOn::Warn {
        Status::Warn
    } else {
        Status::Fail
    };
    pf.ok = pf.checks.iter().all(|c| c.status < worst);
}

/// `install`'s addons: what the cluster has (a Prometheus, prometheus-operator's API), the plan,
/// and the capacity check with the addons counted. An explicit `--addons` that cannot be met
/// fails here, before any change.
pub async fn prepare(
    args: &crate::cli::InstallAddonArgs,
    preflight: &PreflightArgs,
    pf: &mut Preflight,
    client: &kube::Client,
) -> Result<Plan> {
    let none = args.addons.iter().all(|w| w.trim() == "none");
    if !args.addons.is_empty() && none {
        return Ok(Plan::default());
    }
    let found = prometheus::read(client).await?;
    let istioctl = pf.istioctl.as_ref().map(|i| i.path.clone());
    let plan = plan(
        &args.addons,
        args.addons_dir.as_deref(),
        istioctl.as_deref(),
        &found,
    )?;
    count_capacity(pf, preflight, &plan);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::prometheus::{Facts, Found, Monitoring};

    fn release_addons() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/istio/1.30.3/samples/addons")
    }

    fn rancher() -> Facts {
        Facts {
            prometheus: Some(Found {
                source:
                    "Rancher Monitoring (service/rancher-monitoring-prometheus -n cattle-monitoring-system)"
                        .into(),
                url: "http://rancher-monitoring-prometheus.cattle-monitoring-system:9090".into(),
                namespace: "cattle-monitoring-system".into(),
                ours: false,
            }),
            monitoring: Monitoring {
                prometheuses: true,
                service_monitors: true,
                pod_monitors: true,
            },
        }
    }

    #[test]
    fn a_prometheus_found_replaces_the_one_kiali_would_bring_unless_named() {
        let dir = release_addons();
        let p = plan(&[], Some(&dir), None, &rancher()).unwrap();
        assert_eq!(p.addons, vec![Addon::Kiali]);
        assert_eq!(
            p.kiali_prometheus.as_deref(),
            Some("http://rancher-monitoring-prometheus.cattle-monitoring-system:9090")
        );
        // Kiali, then the monitors for the operator's Prometheus.
        let names: Vec<&str> = p.manifests.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["kiali", "monitoring"]);
        let named = plan(&["kiali,prometheus".into()], Some(&dir), None, &rancher()).unwrap();
        assert_eq!(named.addons, vec![Addon::Kiali, Addon::Prometheus]);
        assert_eq!(
            named.kiali_prometheus.as_deref(),
            Some("http://prometheus.istio-system:9090")
        );
    }

    #[test]
    fn only_the_implicit_default_is_skipped_without_manifests() {
        let none = Facts::default();
        let p = plan(&[], None, Some(Path::new("/nowhere/bin/istioctl")), &none).unwrap();
        assert!(p.is_empty());
        assert!(p.skipped.unwrap().contains("/nowhere/samples/addons"));
        let err = plan(
            &["kiali".into()],
            None,
            Some(Path::new("/nowhere/bin/istioctl")),
            &none,
        )
        .unwrap_err();
        assert!(
            err.message().contains("/nowhere/samples/addons"),
            "{}",
            err.message()
        );
        assert!(plan(&["none".into()], None, None, &none).unwrap().is_empty());
    }
}

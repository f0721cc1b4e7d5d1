//! The addons Istio ships next to istioctl: a release unpacks as `istio-X.Y.Z/bin/istioctl` beside
//! `istio-X.Y.Z/samples/addons/` (kiali.yaml, prometheus.yaml, grafana.yaml, jaeger.yaml, loki.yaml,
//! `extras/zipkin.yaml`), the manifests Istio's docs install with `kubectl apply -f`. istioup
//! reads them from there (or `--addons-dir`) and never downloads anything.
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::k8s::scheduling::{PodDemand, Toleration, pod_requests};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Addon {
    Kiali,
    Prometheus,
    Grafana,
    Jaeger,
    Zipkin,
    Loki,
}

pub const ALL: [Addon; 6] = [
    Addon::Kiali,
    Addon::Prometheus,
    Addon::Grafana,
    Addon::Jaeger,
    Addon::Zipkin,
    Addon::Loki,
];

impl Addon {
    pub fn name(self) -> &'static str {
        match self {
            Addon::Kiali => "kiali",
            Addon::Prometheus => "prometheus",
            Addon::Grafana => "grafana",
            Addon::Jaeger => "jaeger",
            Addon::Zipkin => "zipkin",
            Addon::Loki => "loki",
        }
    }

    /// The manifest's place in `samples/addons` (samples/addons/README.md lists them).
    pub fn file(self) -> &'static str {
        match self {
            Addon::Zipkin => "extras/zipkin.yaml",
            Addon::Kiali => "kiali.yaml",
            Addon::Prometheus => "prometheus.yaml",
            Addon::Grafana => "grafana.yaml",
            Addon::Jaeger => "jaeger.yaml",
            Addon::Loki => "loki.yaml",
        }
    }
}

/// The addons asked for, with why each is there.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Selection {
    pub addons: Vec<Addon>,
    /// `prometheus: Kiali reads its metrics from a Prometheus`.
    pub added: Vec<String>,
}

/// Parses `--addons kiali,grafana` (`none` for no addon). Kiali without a Prometheus has no
/// graph: Prometheus comes with it, and the selection says why.
pub fn parse(list: &[String]) -> Result<Selection> {
    let mut addons = Vec::new();
    for word in list.iter().flat_map(|l| l.split(',')).map(str::trim) {
        if word.is_empty() || word == "none" {
            continue;
        }
        let Some(addon) = ALL
            .iter()
            .copied()
            .find(|a| a.name() == word.to_ascii_lowercase())
        else {
            let names: Vec<&str> = ALL.iter().map(|a| a.name()).collect();
            return Err(Error::usage(format!("--addons: unknown addon {word:?}"))
                .with_hint(format!("the addons are: {}, or none", names.join(", "))));
        };
        if !addons.contains(&addon) {
            addons.push(addon);
        }
    }
    let mut added = Vec::new();
    if addons.contains(&Addon::Kiali) && !addons.contains(&Addon::Prometheus) {
        addons.push(Addon::Prometheus);
        added.push("prometheus: Kiali reads the mesh's metrics from a Prometheus".to_string());
    }
    addons.sort();
    Ok(Selection { addons, added })
}

/// Where the addon manifests are: `--addons-dir`, else `samples/addons` of the release the
/// istioctl in use comes from (`<release>/bin/istioctl`, symlinks followed).
pub fn dir(flag: Option<&Path>, istioctl: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return if dir.is_dir() {
            Ok(dir.to_path_buf())
        } else {
            Err(Error::usage(format!(
                "--addons-dir {}: no such directory",
                dir.display()
            )))
        };
    }
    let Some(istioctl) = istioctl else {
        return Err(Error::failed("the addons need an Istio release directory, and no istioctl was found")
            .with_hint("unpack an Istio release and use its bin/istioctl (--istioctl), or point --addons-dir at its samples/addons"));
    };
    // As found first (a release's bin/istioctl), then with symlinks followed (a
    // /usr/local/bin/istioctl that links into a release).
    let real = std::fs::canonicalize(istioctl).unwrap_or_else(|_| istioctl.to_path_buf());
    let candidates: Vec<PathBuf> = [istioctl, real.as_path()]
        .iter()
        .filter_map(|p| p.parent().and_then(Path::parent))
        .map(|release| release.join("samples/addons"))
        .collect();
    if let Some(dir) = candidates.iter().find(|d| d.is_dir()) {
        return Ok(dir.clone());
    }
    let dir = candidates
        .last()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("samples/addons"));
    Err(Error::failed(format!(
        "no addon manifests next to istioctl: {} does not exist",
        dir.display()
    ))
    .with_hint(
        "use the istioctl of an unpacked Istio release (istio-X.Y.Z/bin/istioctl sits next to istio-X.Y.Z/samples/addons), or --addons-dir DIR",
    ))
}

/// The objects of an addon's manifest, in file order.
pub fn objects(dir: &Path, addon: Addon) -> Result<Vec<Value>> {
    let path = dir.join(addon.file());
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::failed(format!(
            "cannot read the {} manifest {}",
            addon.name(),
            path.display()
        ))
        .with_source(e)
        .with_hint("is the addons directory the samples/addons of an Istio release?")
    })?;
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text)
        .map_err(|e| Error::failed(format!("{}: not YAML Kubernetes objects: {e}", path.display())))?;
    Ok(docs.into_iter().filter(|d| d.is_object()).collect())
}

/// Every container image an object's pod template (Deployment, StatefulSet, DaemonSet, Job, a
/// CronJob's job template, a bare Pod) names, containers and init containers, in order.
pub fn pod_images(object: &Value) -> Vec<String> {
    let spec = &object["spec"];
    let pod = match object["kind"].as_str() {
        Some("Pod") => spec,
        Some("CronJob") => &spec["jobTemplate"]["spec"]["template"]["spec"],
        _ => &spec["template"]["spec"],
    };
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| pod[*k].as_array())
        .flatten()
        .filter_map(|c| c["image"].as_str())
        .map(str::to_string)
        .collect()
}

/// The pods an addon's Deployments (and Loki's StatefulSet) create, replicas expanded, with the requests the scheduler
/// counts (`k8s::scheduling::pod_requests`), node selector and tolerations: what the capacity
/// check places next to Istio's. Prometheus' manifest requests nothing (a BestEffort pod).
pub fn demands(addon: Addon, objects: &[Value]) -> Result<Vec<PodDemand>> {
    let mut pods = Vec::new();
    let workloads = objects
        .iter()
        .filter(|o| matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet")));
    for object in workloads {
        let name = object["metadata"]["name"].as_str().unwrap_or(addon.name());
        let template = &object["spec"]["template"]["spec"];
        let spec: crate::k8s::lean::PodSpec = serde_json::from_value(template.clone()).map_err(|e| {
            Error::failed(format!(
                "the {} manifest: {}/{name} has an unreadable pod template",
                addon.name(),
                object["kind"].as_str().unwrap_or("").to_lowercase()
            ))
            .with_source(e)
        })?;
        let node_selector = template["nodeSelector"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let text = |t: &Value, k: &str| t[k].as_str().map(str::to_string);
        let tolerations = template["tolerations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| Toleration {
                key: text(t, "key"),
                operator: text(t, "operator"),
                value: text(t, "value"),
                effect: text(t, "effect"),
            })
            .collect::<Vec<_>>();
        let demand = PodDemand {
            component: format!("{} (addon {})", name, addon.name()),
            requests: pod_requests(&spec),
            node_selector,
            tolerations,
        };
        let replicas = object["spec"]["replicas"].as_u64().unwrap_or(1);
        pods.extend(std::iter::repeat_n(demand, replicas as usize));
    }
    Ok(pods)
}

/// Where Kiali reads metrics: `external_services.prometheus.url` in the `config.yaml` of its
/// ConfigMap `kiali` (Kiali's default, with no url, is `http://prometheus.istio-system:9090`,
/// the Prometheus addon). Sets it to `url` in the manifest's objects.
pub fn point_kiali_at(objects: &mut [Value], url: &str) -> Result<()> {
    let Some(map) = objects
        .iter_mut()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "kiali")
    else {
        return Err(Error::failed(
            "the kiali manifest has no ConfigMap kiali to point Kiali at the Prometheus found",
        )
        .with_hint("is the addons directory the samples/addons of an Istio release?"));
    };
    let text = map["data"]["config.yaml"].as_str().unwrap_or("");
    let mut config: Value = serde_saphyr::from_str(text).map_err(|e| {
        Error::failed(format!(
            "the kiali manifest: ConfigMap kiali has no readable config.yaml: {e}"
        ))
    })?;
    if !config.is_object() {
        config = Value::Object(Default::default());
    }
    config["external_services"]["prometheus"]["url"] = Value::String(url.to_string());
    let text = serde_saphyr::to_string(&config)
        .map_err(|e| Error::failed(format!("cannot write Kiali's config.yaml: {e}")))?;
    map["data"]["config.yaml"] = Value::String(text);
    Ok(())
}

/// The prometheus-operator objects of the release (`extras/prometheus-operator.yaml`: a
/// PodMonitor for the proxies, a ServiceMonitor for istiod), to apply where those kinds are
/// served. Labelled as istioup's under this name.
pub const MONITORING: &str = "monitoring";
pub const MONITORING_FILE: &str = "extras/prometheus-operator.yaml";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        vec![text.to_string()]
    }

    #[test]
    fn kiali_brings_prometheus_and_says_why() {
        let s = parse(&words("kiali")).unwrap();
        assert_eq!(s.addons, vec![Addon::Kiali, Addon::Prometheus]);
        assert_eq!(s.added.len(), 1);
        let s = parse(&words("grafana,kiali,prometheus")).unwrap();
        assert_eq!(s.addons, vec![Addon::Kiali, Addon::Prometheus, Addon::Grafana]);
        assert!(s.added.is_empty());
        assert!(parse(&words("none")).unwrap().addons.is_empty());
    }

    fn release_addons() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/istio/1.30.3/samples/addons")
    }

    /// samples/addons/kiali.yaml at 1.30.3: one replica requesting 10m / 64Mi;
    /// samples/addons/prometheus.yaml: no requests at all (BestEffort).
    #[test]
    fn the_manifests_requests_are_what_the_capacity_check_places() {
        let kiali = objects(&release_addons(), Addon::Kiali).unwrap();
        let pods = demands(Addon::Kiali, &kiali).unwrap();
        assert_eq!(pods.len(), 1);
        assert_eq!(pods[0].requests.describe(), "10m CPU / 64Mi");
        assert_eq!(pods[0].component, "kiali (addon kiali)");
        assert_eq!(pods[0].node_selector.len(), 0);
        let prometheus = objects(&release_addons(), Addon::Prometheus).unwrap();
        let pods = demands(Addon::Prometheus, &prometheus).unwrap();
        assert_eq!(pods.len(), 1);
        assert_eq!(pods[0].requests.describe(), "0 CPU / 0");
    }

    #[test]
    fn kiali_is_pointed_at_a_prometheus_keeping_the_rest_of_its_config() {
        let mut kiali = objects(&release_addons(), Addon::Kiali).unwrap();
        point_kiali_at(&mut kiali, "http://p.monitoring:9090").unwrap();
        let map = kiali.iter().find(|o| o["kind"] == "ConfigMap").unwrap();
        let config: Value = serde_saphyr::from_str(map["data"]["config.yaml"].as_str().unwrap()).unwrap();
        let prometheus = &config["external_services"]["prometheus"];
        assert_eq!(prometheus["url"], "http://p.monitoring:9090");
        assert_eq!(prometheus["enabled"], true);
        assert_eq!(config["auth"]["strategy"], "anonymous");
        let mut no_config = vec![serde_json::json!({"kind": "Service"})];
        assert!(point_kiali_at(&mut no_config, "http://x").is_err());
    }

    #[test]
    fn an_unknown_addon_is_a_usage_error_listing_the_known_ones() {
        let err = parse(&words("kiali,graphana")).unwrap_err();
        assert_eq!(err.kind().code(), 2);
        assert!(err.message().contains("\"graphana\""));
        assert!(err.hint().unwrap().contains("grafana"));
    }
}

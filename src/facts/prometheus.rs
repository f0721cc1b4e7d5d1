//! Is there a Prometheus on the cluster already, and is prometheus-operator's monitoring API
//! served? Kiali is pointed at a Prometheus found here instead of istioup adding its own, and
//! the release's PodMonitor/ServiceMonitor are applied only where those kinds exist.
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, DynamicObject, ListParams};
use kube::discovery::ApiResource;
use kube::{Client, ResourceExt};
use serde::Serialize;

use super::client::list_all;
use crate::error::{Result, api_error};
use crate::istio::ADDON_LABEL;

/// Rancher Monitoring (the rancher-monitoring chart, kube-prometheus-stack inside) serves its
/// Prometheus as this Service; Rancher's rancher-istio chart points Kiali at it.
pub const RANCHER_NAMESPACE: &str = "cattle-monitoring-system";
pub const RANCHER_SERVICE: &str = "rancher-monitoring-prometheus";
/// prometheus-operator's governing Service of a `Prometheus` without `spec.serviceName`, port
/// 9090 (pkg/prometheus/server/statefulset.go `governingServiceName`,
/// pkg/prometheus/common.go `BuildStatefulSetService`).
pub const OPERATED_SERVICE: &str = "prometheus-operated";
pub const OPERATED_PORT: i32 = 9090;
pub const MONITORING_GROUP: &str = "monitoring.coreos.com/v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// `Rancher Monitoring (service/rancher-monitoring-prometheus -n cattle-monitoring-system)`
    pub source: String,
    /// In-cluster address for Kiali: `http://SVC.NS:PORT`.
    pub url: String,
    /// The namespace it runs in.
    pub namespace: String,
    /// istioup's own prometheus addon.
    pub ours: bool,
}

/// What prometheus-operator's API offers on this cluster (`/apis/monitoring.coreos.com/v1`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Monitoring {
    pub prometheuses: bool,
    pub service_monitors: bool,
    pub pod_monitors: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub prometheus: Option<Found>,
    pub monitoring: Monitoring,
}

pub async fn read(client: &Client) -> Result<Facts> {
    let monitoring = monitoring(client).await?;
    let prometheus = match rancher(client).await? {
        Some(found) => Some(found),
        None if monitoring.prometheuses => match operated(client).await? {
            Some(found) => Some(found),
            None => istio_addon(client).await?,
        },
        None => istio_addon(client).await?,
    };
    Ok(Facts {
        prometheus,
        monitoring,
    })
}

/// Which of prometheus-operator's kinds the API server serves (its discovery document).
pub async fn monitoring(client: &Client) -> Result<Monitoring> {
    match client.list_api_group_resources(MONITORING_GROUP).await {
        Ok(list) => {
            let has = |plural: &str| list.resources.iter().any(|r| r.name == plural);
            Ok(Monitoring {
                prometheuses: has("prometheuses"),
                service_monitors: has("servicemonitors"),
                pod_monitors: has("podmonitors"),
            })
        }
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(Monitoring::default()),
        Err(e) => Err(api_error(
            e,
            "cannot read whether monitoring.coreos.com/v1 is served",
        )),
    }
}

/// The port Prometheus answers on: the one named `http-web` or `web` (kube-prometheus-stack
/// names it so), else the first.
fn port(service: &Service) -> Option<i32> {
    let ports = service.spec.as_ref()?.ports.as_ref()?;
    ports
        .iter()
        .find(|p| matches!(p.name.as_deref(), Some("http-web" | "web")))
        .or(ports.first())
        .map(|p| p.port)
}

async fn rancher(client: &Client) -> Result<Option<Found>> {
    let api = Api::<Service>::namespaced(client.clone(), RANCHER_NAMESPACE);
    let what = format!("service/{RANCHER_SERVICE} -n {RANCHER_NAMESPACE}");
    let Some(service) = api
        .get_opt(RANCHER_SERVICE)
        .await
        .map_err(|e| api_error(e, &format!("cannot read {what}")))?
    else {
        return Ok(None);
    };
    let port = port(&service).unwrap_or(OPERATED_PORT);
    Ok(Some(Found {
        source: format!("Rancher Monitoring ({what})"),
        url: format!("http://{RANCHER_SERVICE}.{RANCHER_NAMESPACE}:{port}"),
        namespace: RANCHER_NAMESPACE.to_string(),
        ours: false,
    }))
}

/// The first `Prometheus` object (by namespace and name), reached through its governing Service.
async fn operated(client: &Client) -> Result<Option<Found>> {
    let resource = ApiResource {
        group: "monitoring.coreos.com".into(),
        version: "v1".into(),
        api_version: MONITORING_GROUP.into(),
        kind: "Prometheus".into(),
        plural: "prometheuses".into(),
    };
    let api = Api::<DynamicObject>::all_with(client.clone(), &resource);
    let mut all = list_all(api, &ListParams::default(), "Prometheus objects").await?;
    all.sort_by_key(|p| (p.namespace(), p.name_any()));
    Ok(all.first().map(|p| {
        let ns = p.namespace().unwrap_or_default();
        let service = p.data["spec"]["serviceName"]
            .as_str()
            .unwrap_or(OPERATED_SERVICE)
            .to_string();
        Found {
            source: format!("prometheus-operator (prometheus/{} -n {ns})", p.name_any()),
            url: format!("http://{service}.{ns}:{OPERATED_PORT}"),
            namespace: ns,
            ours: false,
        }
    }))
}

/// Istio's Prometheus addon, which its manifest puts in istio-system as Service `prometheus`:
/// istioup's own (labelled) or applied by someone else with kubectl.
async fn istio_addon(client: &Client) -> Result<Option<Found>> {
    let ns = crate::istio::DEFAULT_NAMESPACE;
    let api = Api::<Service>::namespaced(client.clone(), ns);
    let what = format!("service/prometheus -n {ns}");
    let Some(service) = api
        .get_opt("prometheus")
        .await
        .map_err(|e| api_error(e, &format!("cannot read {what}")))?
    else {
        return Ok(None);
    };
    let ours = service.labels().get(ADDON_LABEL).map(String::as_str) == Some("prometheus");
    let port = port(&service).unwrap_or(OPERATED_PORT);
    Ok(Some(Found {
        source: if ours {
            format!("istioup's prometheus addon ({what})")
        } else {
            format!("the Prometheus addon someone applied ({what})")
        },
        url: format!("http://prometheus.{ns}:{port}"),
        namespace: ns.to_string(),
        ours,
    }))
}

//! What the desired spec will create, reduced to what the checks look at: every pod with its
//! requests, node selector and tolerations, the gateway Services, the proxies' requests.
use serde_json::Value;

use super::{ComponentKind, Components};
use crate::error::{Error, Result};
use crate::k8s::quantity;
use crate::k8s::scheduling::{PodDemand, Resources, Toleration};

/// What the installation will create, as far as the checks care.
#[derive(Debug, Clone)]
pub struct Desired {
    /// `default` when no revision is set.
    pub revision: String,
    /// Every pod of every enabled Deployment (istiod and gateways), replicas expanded.
    pub pods: Vec<PodDemand>,
    /// The pod each DaemonSet (CNI, ztunnel) runs on every node it selects.
    pub daemons: Vec<PodDemand>,
    pub gateways: Vec<GatewayService>,
    pub cni: bool,
    /// Namespaces that will get the injection label.
    pub inject: Vec<String>,
    pub proxy_requests: Resources,
    /// Whether the install may take over a mesh another tool manages (`--force`).
    pub take_over: bool,
}

#[derive(Debug, Clone)]
pub struct GatewayService {
    pub name: String,
    pub namespace: String,
    pub ingress: bool,
    pub service_type: String,
    pub node_ports: Vec<i32>,
}

/// Istio's sidecar requests (ISTIO-FACTS.md, "Default resources"); the demo profile shrinks them.
const PROXY_DEFAULT: (&str, &str) = ("100m", "128Mi");
const PROXY_DEMO: (&str, &str) = ("10m", "40Mi");

impl Desired {
    pub fn from_spec(iop: &Value, components: &Components, inject: Vec<String>) -> Result<Desired> {
        let mut pods = Vec::new();
        let mut daemons = Vec::new();
        let mut gateways = Vec::new();
        for c in components.enabled() {
            let requests = Resources::new(
                parse(c.requests.cpu.as_deref(), quantity::cpu_millis, &c.name, "cpu")?,
                parse(
                    c.requests.memory.as_deref(),
                    quantity::memory_bytes,
                    &c.name,
                    "memory",
                )?,
            );
            let tolerations = c
                .tolerations
                .iter()
                .map(|t| serde_json::from_value::<TolerationSpec>(t.clone()).map(Toleration::from))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| {
                    Error::failed(format!("component {}: unreadable k8s.tolerations", c.name))
                        .with_source(e)
                        .with_hint("each toleration is a map of key, operator, value, effect")
                })?;
            let demand = PodDemand {
                component: c.name.clone(),
                requests,
                node_selector: c.node_selector.clone(),
                tolerations,
            };
            if c.kind.is_daemon_set() {
                daemons.push(demand);
                continue;
            }
            for _ in 0..c.replicas {
                pods.push(demand.clone());
            }
            if let Some(service) = &c.service {
                gateways.push(GatewayService {
                    name: c.name.clone(),
                    namespace: c.namespace.clone(),
                    ingress: c.kind == ComponentKind::Ingress,
                    service_type: service.type_.clone(),
                    node_ports: service
                        .ports
                        .iter()
                        .filter_map(|p| p.node_port)
                        .map(|p| p as i32)
                        .collect(),
                });
            }
        }
        let cni = components.enabled().any(|c| c.kind == ComponentKind::Cni);
        Ok(Desired {
            revision: components.revision.clone().unwrap_or_else(|| "default".into()),
            pods,
            daemons,
            gateways,
            cni,
            inject,
            proxy_requests: proxy_requests(iop, &components.profile)?,
            take_over: false,
        })
    }
}

fn parse(
    value: Option<&str>,
    parse: fn(&str) -> std::result::Result<i64, quantity::QuantityError>,
    component: &str,
    what: &str,
) -> Result<i64> {
    match value {
        None => Ok(0),
        Some(text) => parse(text).map_err(|e| {
            Error::failed(format!(
                "component {component}: {what} request {text:?} is not a Kubernetes quantity"
            ))
            .with_source(e)
            .with_hint("write it like 500m or 2Gi in the overlay's k8s.resources.requests")
        }),
    }
}

fn proxy_requests(iop: &Value, profile: &str) -> Result<Resources> {
    let defaults = if profile == "demo" {
        PROXY_DEMO
    } else {
        PROXY_DEFAULT
    };
    let requests = iop.pointer("/spec/values/global/proxy/resources/requests");
    let read =
        |key: &str, default: &str, f: fn(&Value) -> std::result::Result<i64, quantity::QuantityError>| {
            let value = requests
                .and_then(|r| r.get(key))
                .cloned()
                .unwrap_or_else(|| Value::String(default.into()));
            f(&value).map_err(|e| {
                Error::failed(format!(
                    "values.global.proxy.resources.requests.{key} is not a Kubernetes quantity"
                ))
                .with_source(e)
            })
        };
    Ok(Resources::new(
        read("cpu", defaults.0, quantity::cpu_millis_value)?,
        read("memory", defaults.1, quantity::memory_bytes_value)?,
    ))
}

#[derive(serde::Deserialize)]
struct TolerationSpec {
    key: Option<String>,
    operator: Option<String>,
    value: Option<String>,
    effect: Option<String>,
}

impl From<TolerationSpec> for Toleration {
    fn from(t: TolerationSpec) -> Self {
        Toleration {
            key: t.key,
            operator: t.operator,
            value: t.value,
            effect: t.effect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::SpecArgs;

    fn desired_for(sets: &[&str]) -> Desired {
        let args = SpecArgs {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let iop = crate::spec::desired(&args, &mut std::io::empty()).unwrap();
        Desired::from_spec(&iop, &Components::from_spec(&iop), vec![]).unwrap()
    }

    #[test]
    fn the_base_creates_istiod_and_one_ingress_gateway() {
        let d = desired_for(&[]);
        let names: Vec<&str> = d.pods.iter().map(|p| p.component.as_str()).collect();
        assert_eq!(names, ["istiod", "istio-ingressgateway"]);
        assert_eq!(d.pods[0].requests, Resources::new(500, 2048 << 20));
        assert_eq!(d.pods[1].requests, Resources::new(100, 128 << 20));
        assert_eq!(
            d.pods[0]
                .node_selector
                .get("kubernetes.io/os")
                .map(String::as_str),
            Some("linux")
        );
        assert_eq!(d.proxy_requests, Resources::new(100, 128 << 20));
        assert_eq!(d.revision, "default");
        assert!(!d.cni);
    }

    #[test]
    fn replicas_and_requests_follow_the_spec() {
        let d = desired_for(&[
            "components.pilot.k8s.replicaCount=2",
            "components.pilot.k8s.resources.requests.cpu=250m",
            "values.global.proxy.resources.requests.cpu=50m",
            "components.cni.enabled=true",
            "revision=canary",
        ]);
        let istiod: Vec<_> = d
            .pods
            .iter()
            .filter(|p| p.component.starts_with("istiod"))
            .collect();
        assert_eq!(istiod.len(), 2);
        assert_eq!(istiod[0].requests.cpu_millis, 250);
        assert_eq!(d.proxy_requests.cpu_millis, 50);
        assert!(d.cni);
        assert_eq!(d.revision, "canary");
    }

    #[test]
    fn a_bad_request_names_the_component() {
        let args = SpecArgs {
            sets: vec!["components.pilot.k8s.resources.requests.cpu=lots".into()],
            ..Default::default()
        };
        let iop = crate::spec::desired(&args, &mut std::io::empty()).unwrap();
        let err = Desired::from_spec(&iop, &Components::from_spec(&iop), vec![]).unwrap_err();
        assert!(err.message().contains("istiod"), "{}", err.message());
        assert!(err.message().contains("lots"), "{}", err.message());
    }
}

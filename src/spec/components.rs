//! A typed, read-only view of the merged IstioOperator: the components that run pods, with the
//! settings later stages need (resource checks, nodePort conflicts, readiness waits).
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::base::{DEFAULT_PROFILE, EGRESS_GATEWAY, INGRESS_GATEWAY, ProfileDefaults, profile_defaults};

const DEFAULT_NAMESPACE: &str = "istio-system";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    Pilot,
    Cni,
    Ztunnel,
    Ingress,
    Egress,
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Pilot => "pilot",
            ComponentKind::Cni => "cni",
            ComponentKind::Ztunnel => "ztunnel",
            ComponentKind::Ingress => "ingress",
            ComponentKind::Egress => "egress",
        }
    }

    /// CNI and ztunnel run one pod per node; the others are Deployments.
    pub fn is_daemon_set(self) -> bool {
        matches!(self, ComponentKind::Cni | ComponentKind::Ztunnel)
    }

    fn is_gateway(self) -> bool {
        matches!(self, ComponentKind::Ingress | ComponentKind::Egress)
    }
}

/// CPU and memory requests as Kubernetes quantities (`500m`, `2048Mi`), or `None` when neither
/// the spec nor istioup's table of Istio defaults says. `defaulted` is true when any of the two
/// came from that table rather than from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Requests {
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub defaulted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Option<u32>,
    /// Kubernetes int-or-string, shown as written.
    pub target_port: Option<String>,
    pub node_port: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    #[serde(rename = "type")]
    pub type_: String,
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// The workload's name: `istiod` (`istiod-<revision>`), `istio-cni-node`, `ztunnel`, or the
    /// gateway's name.
    pub name: String,
    pub kind: ComponentKind,
    pub enabled: bool,
    pub namespace: String,
    /// max(replicaCount, hpaSpec.minReplicas, 1); per node for DaemonSets.
    pub replicas: u64,
    pub requests: Requests,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Value>,
    /// Gateways only.
    pub service: Option<Service>,
}

/// Every component of the merged spec that runs pods, enabled or not, in install order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Components {
    pub profile: String,
    /// `None` for the default revision.
    pub revision: Option<String>,
    pub items: Vec<Component>,
}

impl Components {
    /// Where the control plane lives (and istioup's lock with it).
    pub fn control_plane_namespace(&self) -> String {
        self.items
            .first()
            .map(|c| c.namespace.clone())
            .unwrap_or_else(|| crate::istio::DEFAULT_NAMESPACE.into())
    }

    pub fn from_spec(iop: &Value) -> Components {
        let spec = iop.get("spec").unwrap_or(&Value::Null);
        let profile = str_at(spec, &["profile"]).unwrap_or(DEFAULT_PROFILE).to_string();
        let revision = str_at(spec, &["revision"])
            .filter(|r| !r.is_empty() && *r != "default")
            .map(str::to_string);
        let reader = Reader {
            spec,
            defaults: profile_defaults(&profile),
            demo_sized: profile == "demo",
            revision: revision.clone(),
        };
        let components = spec.get("components").unwrap_or(&Value::Null);
        let mut items = Vec::new();
        for (key, kind) in [
            ("pilot", ComponentKind::Pilot),
            ("cni", ComponentKind::Cni),
            ("ztunnel", ComponentKind::Ztunnel),
        ] {
            items.push(reader.component(components.get(key).unwrap_or(&Value::Null), kind));
        }
        for (key, kind, name) in [
            ("ingressGateways", ComponentKind::Ingress, INGRESS_GATEWAY),
            ("egressGateways", ComponentKind::Egress, EGRESS_GATEWAY),
        ] {
            match components.get(key).and_then(Value::as_array) {
                Some(gateways) => {
                    items.extend(gateways.iter().map(|gateway| reader.component(gateway, kind)))
                }
                // No list: the profile's (manifests/profiles/default.yaml names both gateways;
                // a list given replaces it whole). istioup's own base always gives both.
                None => items.push(reader.component(
                    &serde_json::json!({"name": name, "enabled": reader.profile_enables(kind)}),
                    kind,
                )),
            }
        }
        Components {
            profile,
            revision,
            items,
        }
    }

    pub fn enabled(&self) -> impl Iterator<Item = &Component> {
        self.items.iter().filter(|c| c.enabled)
    }

    pub fn get(&self, name: &str) -> Option<&Component> {
        self.items.iter().find(|c| c.name == name)
    }

    /// The nodePorts the enabled gateways ask for, with the gateway that asks.
    pub fn node_ports(&self) -> Vec<(&Component, u32)> {
        self.enabled()
            .filter_map(|c| c.service.as_ref().map(|s| (c, s)))
            .flat_map(|(c, s)| s.ports.iter().filter_map(move |p| p.node_port.map(|n| (c, n))))
            .collect()
    }
}

struct Reader<'a> {
    spec: &'a Value,
    defaults: Option<ProfileDefaults>,
    demo_sized: bool,
    revision: Option<String>,
}

impl Reader<'_> {
    fn component(&self, raw: &Value, kind: ComponentKind) -> Component {
        let k8s = raw.get("k8s").unwrap_or(&Value::Null);
        let name = self.name(raw, kind);
        Component {
            enabled: self.enabled(raw, kind),
            // operator/pkg/component/component.go: the component's own namespace, else the
            // IstioOperator's metadata.namespace, which translateIstioOperatorToHelm sets from
            // values.global.istioNamespace (operator/pkg/render/manifest.go); spec.namespace is
            // read by nothing.
            namespace: str_at(raw, &["namespace"])
                .or_else(|| str_at(self.spec, &["values", "global", "istioNamespace"]))
                .unwrap_or(DEFAULT_NAMESPACE)
                .to_string(),
            replicas: self.replicas(k8s, kind),
            requests: self.requests(k8s, kind),
            node_selector: self.node_selector(k8s, kind),
            tolerations: self.tolerations(k8s, kind),
            service: kind.is_gateway().then(|| self.service(k8s, kind)),
            name,
            kind,
        }
    }

    fn name(&self, raw: &Value, kind: ComponentKind) -> String {
        match kind {
            ComponentKind::Pilot => match &self.revision {
                Some(revision) => format!("istiod-{revision}"),
                None => "istiod".into(),
            },
            ComponentKind::Cni => "istio-cni-node".into(),
            ComponentKind::Ztunnel => "ztunnel".into(),
            ComponentKind::Ingress | ComponentKind::Egress => {
                str_at(raw, &["name"]).unwrap_or_default().to_string()
            }
        }
    }

    /// Explicit `enabled` wins; a component whose map is present without it counts as enabled,
    /// a gateway entry and a single component alike (operator/pkg/component/component.go:
    /// `spec.Enabled.GetValueOrTrue()`); otherwise the profile decides, and an unknown profile
    /// is taken to leave it off.
    fn enabled(&self, raw: &Value, kind: ComponentKind) -> bool {
        if let Some(enabled) = raw.get("enabled").and_then(Value::as_bool) {
            return enabled;
        }
        if kind.is_gateway() || raw.is_object() {
            return true;
        }
        self.profile_enables(kind)
    }

    fn profile_enables(&self, kind: ComponentKind) -> bool {
        self.defaults.is_some_and(|d| match kind {
            ComponentKind::Pilot => d.pilot,
            ComponentKind::Cni => d.cni,
            ComponentKind::Ztunnel => d.ztunnel,
            ComponentKind::Ingress => d.ingress,
            ComponentKind::Egress => d.egress,
        })
    }

    /// The chart values a component renders with (operator/pkg/render/manifest.go): every
    /// ingress gateway, whatever its name, takes `values.gateways.istio-ingressgateway` (the
    /// istio-ingress chart's), every egress gateway `values.gateways.istio-egressgateway`;
    /// istiod `values.pilot`, the node agents `values.cni` and `values.ztunnel`.
    fn values(&self, kind: ComponentKind) -> &Value {
        let path = match kind {
            ComponentKind::Pilot => "/values/pilot",
            ComponentKind::Ingress => "/values/gateways/istio-ingressgateway",
            ComponentKind::Egress => "/values/gateways/istio-egressgateway",
            ComponentKind::Cni => "/values/cni",
            ComponentKind::Ztunnel => "/values/ztunnel",
        };
        self.spec.pointer(path).unwrap_or(&Value::Null)
    }

    /// k8s.resources.requests, then the chart values' resources, then the charts' defaults.
    fn requests(&self, k8s: &Value, kind: ComponentKind) -> Requests {
        let from_values = self.values(kind).pointer("/resources/requests");
        let explicit = k8s.pointer("/resources/requests");
        let pick = |field: &str| {
            [explicit, from_values]
                .into_iter()
                .flatten()
                .find_map(|requests| requests.get(field).and_then(quantity))
        };
        let (default_cpu, default_memory) = self.default_requests(kind);
        let (cpu, memory) = (pick("cpu"), pick("memory"));
        Requests {
            defaulted: (cpu.is_none() && default_cpu.is_some())
                || (memory.is_none() && default_memory.is_some()),
            cpu: cpu.or(default_cpu.map(str::to_string)),
            memory: memory.or(default_memory.map(str::to_string)),
        }
    }

    /// The pods a Deployment runs: with autoscaling on (the charts' default, off in the demo
    /// profile) its HPA's minimum, `k8s.hpaSpec.minReplicas` or `autoscaleMin`, or more when
    /// `k8s.replicaCount` (patched onto the Deployment) asks for more; with it off
    /// `k8s.replicaCount`, else `replicaCount` (istio-discovery/templates/deployment.yaml and
    /// autoscale.yaml, and the gateways' alike). Never less than one.
    fn replicas(&self, k8s: &Value, kind: ComponentKind) -> u64 {
        let values = self.values(kind);
        let explicit = k8s.get("replicaCount").and_then(Value::as_u64);
        let autoscale = values
            .get("autoscaleEnabled")
            .and_then(Value::as_bool)
            .unwrap_or(!self.demo_sized);
        let count = if autoscale {
            let min = k8s
                .pointer("/hpaSpec/minReplicas")
                .or_else(|| values.get("autoscaleMin"))
                .and_then(Value::as_u64)
                .unwrap_or(1);
            explicit.unwrap_or(0).max(min)
        } else {
            explicit
                .or_else(|| values.get("replicaCount").and_then(Value::as_u64))
                .unwrap_or(1)
        };
        count.max(1)
    }

    /// k8s.nodeSelector, else the chart values', else the chart's: the node agents run on Linux
    /// nodes (istio-cni and ztunnel values.yaml).
    fn node_selector(&self, k8s: &Value, kind: ComponentKind) -> BTreeMap<String, String> {
        let explicit = k8s
            .get("nodeSelector")
            .or_else(|| self.values(kind).get("nodeSelector"));
        match explicit {
            Some(selector) => string_map(Some(selector)),
            None if kind.is_daemon_set() => BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
            None => BTreeMap::new(),
        }
    }

    /// k8s.tolerations, else the chart values', else the chart's: the node agents tolerate every
    /// NoSchedule and NoExecute taint, to run on every node (istio-cni and ztunnel values.yaml).
    fn tolerations(&self, k8s: &Value, kind: ComponentKind) -> Vec<Value> {
        let explicit = k8s
            .get("tolerations")
            .or_else(|| self.values(kind).get("tolerations"));
        match explicit.and_then(Value::as_array) {
            Some(list) => list.clone(),
            None if kind.is_daemon_set() => vec![
                serde_json::json!({"effect": "NoSchedule", "operator": "Exists"}),
                serde_json::json!({"key": "CriticalAddonsOnly", "operator": "Exists"}),
                serde_json::json!({"effect": "NoExecute", "operator": "Exists"}),
            ],
            None => Vec::new(),
        }
    }

    /// The gateway's Service: k8s.service, else the chart values' `type` and `ports`, else the
    /// charts' (ingress: LoadBalancer with 15021, 80, 443, and 31400, 15443 in the demo
    /// profile; egress: ClusterIP with 80, 443), as the fixtures rendered from them show.
    fn service(&self, k8s: &Value, kind: ComponentKind) -> Service {
        let service = k8s.get("service").unwrap_or(&Value::Null);
        let values = self.values(kind);
        let ports = match service
            .get("ports")
            .or_else(|| values.get("ports"))
            .and_then(Value::as_array)
        {
            Some(ports) => ports.iter().map(service_port).collect(),
            None => default_ports(kind, self.demo_sized),
        };
        let default_type = if kind == ComponentKind::Egress {
            "ClusterIP"
        } else {
            "LoadBalancer"
        };
        Service {
            type_: str_at(service, &["type"])
                .or_else(|| str_at(values, &["type"]))
                .unwrap_or(default_type)
                .to_string(),
            ports,
        }
    }

    /// The charts' defaults (the fixtures rendered from them show them): the demo profile
    /// shrinks istiod's and the gateways'.
    fn default_requests(&self, kind: ComponentKind) -> (Option<&'static str>, Option<&'static str>) {
        match (kind, self.demo_sized) {
            (ComponentKind::Pilot, false) => (Some("500m"), Some("2048Mi")),
            (ComponentKind::Pilot, true) => (Some("10m"), Some("100Mi")),
            (ComponentKind::Ingress | ComponentKind::Egress, false) => (Some("100m"), Some("128Mi")),
            (ComponentKind::Ingress | ComponentKind::Egress, true) => (Some("10m"), Some("40Mi")),
            // istio-cni and ztunnel values.yaml
            (ComponentKind::Cni, _) => (Some("100m"), Some("100Mi")),
            (ComponentKind::Ztunnel, _) => (Some("200m"), Some("512Mi")),
        }
    }
}

fn default_ports(kind: ComponentKind, demo: bool) -> Vec<ServicePort> {
    let ports: &[(&str, u32, u32)] = match (kind, demo) {
        (ComponentKind::Egress, _) => &[("http2", 80, 8080), ("https", 443, 8443)],
        (_, false) => &[
            ("status-port", 15021, 15021),
            ("http2", 80, 8080),
            ("https", 443, 8443),
        ],
        (_, true) => &[
            ("status-port", 15021, 15021),
            ("http2", 80, 8080),
            ("https", 443, 8443),
            ("tcp", 31400, 31400),
            ("tls", 15443, 15443),
        ],
    };
    ports
        .iter()
        .map(|(name, port, target)| ServicePort {
            name: Some((*name).into()),
            port: Some(*port),
            target_port: Some(target.to_string()),
            node_port: None,
        })
        .collect()
}

fn service_port(raw: &Value) -> ServicePort {
    let number = |key: &str| {
        raw.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    ServicePort {
        name: str_at(raw, &["name"]).map(str::to_string),
        port: number("port"),
        target_port: raw.get("targetPort").and_then(quantity),
        node_port: number("nodePort"),
    }
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |node, key| node.get(key))?.as_str()
}

/// A quantity or int-or-string as text: `cpu: 1` and `cpu: "1"` mean the same.
fn quantity(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), quantity(v)?)))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{base_for, merge};
    use serde_json::json;

    fn view(profile: &str, overlay: Value) -> Components {
        let mut tree = base_for(profile);
        merge(&mut tree, json!({"spec": overlay}));
        Components::from_spec(&tree)
    }

    fn names(components: &Components) -> Vec<&str> {
        components.enabled().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn default_base_runs_istiod_and_the_ingress_gateway() {
        let c = view("default", json!({}));
        assert_eq!(names(&c), ["istiod", "istio-ingressgateway"]);
        let istiod = c.get("istiod").unwrap();
        assert_eq!(istiod.kind, ComponentKind::Pilot);
        assert_eq!(istiod.namespace, "istio-system");
        assert_eq!(istiod.replicas, 1);
        assert_eq!(
            istiod.node_selector,
            BTreeMap::from([("kubernetes.io/os".into(), "linux".into())])
        );
        assert_eq!(
            istiod.requests,
            Requests {
                cpu: Some("500m".into()),
                memory: Some("2048Mi".into()),
                defaulted: true
            }
        );
        let ingress = c.get("istio-ingressgateway").unwrap();
        let service = ingress.service.as_ref().unwrap();
        assert_eq!(service.type_, "LoadBalancer");
        assert_eq!(service.ports.len(), 3);
        assert!(!c.get("istio-egressgateway").unwrap().enabled);
    }

    #[test]
    fn replicas_are_the_largest_of_count_hpa_min_and_one() {
        let c = view(
            "default",
            json!({"components": {
                "pilot": {"k8s": {"replicaCount": 2, "hpaSpec": {"minReplicas": 3}}},
                "ingressGateways": [{"name": "istio-ingressgateway", "k8s": {"replicaCount": 0}}]
            }}),
        );
        assert_eq!(c.get("istiod").unwrap().replicas, 3);
        assert_eq!(c.get("istio-ingressgateway").unwrap().replicas, 1);
    }

    #[test]
    fn requests_come_from_k8s_then_values_then_defaults() {
        let c = view(
            "default",
            json!({
                "components": {"pilot": {"k8s": {"resources": {"requests": {"cpu": 1}}}}},
                "values": {
                    "pilot": {"resources": {"requests": {"cpu": "2", "memory": "1Gi"}}},
                    "gateways": {"istio-ingressgateway": {"resources": {"requests": {"memory": "64Mi"}}}}
                }
            }),
        );
        let istiod = &c.get("istiod").unwrap().requests;
        assert_eq!(
            (istiod.cpu.as_deref(), istiod.memory.as_deref()),
            (Some("1"), Some("1Gi"))
        );
        assert!(!istiod.defaulted);
        let ingress = &c.get("istio-ingressgateway").unwrap().requests;
        assert_eq!(
            (ingress.cpu.as_deref(), ingress.memory.as_deref()),
            (Some("100m"), Some("64Mi"))
        );
        assert!(ingress.defaulted);
    }

    #[test]
    fn demo_profile_is_demo_sized_and_runs_egress() {
        let c = view("demo", json!({}));
        assert_eq!(
            names(&c),
            ["istiod", "istio-ingressgateway", "istio-egressgateway"]
        );
        assert_eq!(c.get("istiod").unwrap().requests.memory.as_deref(), Some("100Mi"));
    }

    #[test]
    fn gateways_without_enabled_count_as_enabled_and_get_their_namespace() {
        let c = view(
            "default",
            json!({"values": {"global": {"istioNamespace": "mesh"}}, "components": {"ingressGateways": [
                {"name": "internal", "namespace": "edge", "k8s": {"service": {"type": "ClusterIP"}}}
            ]}}),
        );
        let internal = c.get("internal").unwrap();
        assert!(internal.enabled);
        assert_eq!(internal.namespace, "edge");
        assert_eq!(c.get("istiod").unwrap().namespace, "mesh");
        assert_eq!(internal.service.as_ref().unwrap().type_, "ClusterIP");
    }

    /// operator/pkg/render/manifest.go reads values.global.istioNamespace, never spec.namespace;
    /// operator/pkg/component/component.go enables any component whose map is present.
    #[test]
    fn spec_namespace_is_ignored_and_a_present_map_is_enabled() {
        let c = view(
            "default",
            json!({"namespace": "ignored", "components": {"ztunnel": {"k8s": {"nodeSelector": {"a": "b"}}}}}),
        );
        assert_eq!(c.get("istiod").unwrap().namespace, "istio-system");
        assert!(c.get("ztunnel").unwrap().enabled);
        assert!(!c.get("istio-cni-node").unwrap().enabled);
    }

    #[test]
    fn node_ports_of_enabled_gateways_are_listed() {
        let c = view(
            "default",
            json!({"components": {
                "ingressGateways": [{"name": "istio-ingressgateway", "k8s": {"service": {"type": "NodePort", "ports": [
                    {"name": "http2", "port": 80, "targetPort": 8080, "nodePort": 31380},
                    {"name": "status-port", "port": 15021, "targetPort": "status"}
                ]}}}],
                "egressGateways": [{"name": "istio-egressgateway", "k8s": {"service": {"ports": [{"port": 80, "nodePort": 30000}]}}}]
            }}),
        );
        let ports: Vec<(&str, u32)> = c
            .node_ports()
            .into_iter()
            .map(|(g, p)| (g.name.as_str(), p))
            .collect();
        assert_eq!(ports, [("istio-ingressgateway", 31380)]);
        let service = c.get("istio-ingressgateway").unwrap().service.clone().unwrap();
        assert_eq!(service.ports[0].target_port.as_deref(), Some("8080"));
        assert_eq!(service.ports[1].target_port.as_deref(), Some("status"));
    }

    #[test]
    fn revision_names_istiod_and_ambient_runs_daemon_sets() {
        let mut tree = base_for("ambient");
        merge(&mut tree, json!({"spec": {"revision": "canary"}}));
        let c = Components::from_spec(&tree);
        assert_eq!(c.revision.as_deref(), Some("canary"));
        assert_eq!(names(&c), ["istiod-canary", "istio-cni-node", "ztunnel"]);
        assert!(c.get("ztunnel").unwrap().kind.is_daemon_set());
    }

    #[test]
    fn unknown_profiles_count_only_explicit_switches() {
        let c = view("remote", json!({"components": {"pilot": {"enabled": true}}}));
        assert_eq!(names(&c), ["istiod"]);
    }
}

//! Building the Kubernetes objects an `istioctl install` creates, per component.
mod crds;
mod gateways;
mod nodeagents;
mod pilot;
mod webhooks;

use serde_json::{Map, Value, json};

use super::config::IstioConfig;
use super::merge;

pub use webhooks::revision_tag_default;

pub const COMPONENT_LABEL: &str = "operator.istio.io/component";
pub const REV_LABEL: &str = "istio.io/rev";
pub const VERSION_LABEL: &str = "operator.istio.io/version";
pub const OWNER_LABEL: &str = "install.operator.istio.io/owning-resource";

/// An installation component, in istioctl's naming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Comp {
    Base,
    Pilot,
    Cni,
    Ztunnel,
    IngressGateways,
    EgressGateways,
}

impl Comp {
    pub const ALL: [Comp; 6] = [
        Comp::Base,
        Comp::Pilot,
        Comp::Cni,
        Comp::Ztunnel,
        Comp::IngressGateways,
        Comp::EgressGateways,
    ];

    /// The value of the `operator.istio.io/component` label.
    pub fn id(self) -> &'static str {
        match self {
            Comp::Base => "Base",
            Comp::Pilot => "Pilot",
            Comp::Cni => "Cni",
            Comp::Ztunnel => "Ztunnel",
            Comp::IngressGateways => "IngressGateways",
            Comp::EgressGateways => "EgressGateways",
        }
    }

    /// The name used in progress lines.
    pub fn display(self) -> &'static str {
        match self {
            Comp::Base => "Istio core",
            Comp::Pilot => "Istiod",
            Comp::Cni => "CNI",
            Comp::Ztunnel => "Ztunnel",
            Comp::IngressGateways => "Ingress gateways",
            Comp::EgressGateways => "Egress gateways",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Comp::Base => "⛵️",
            Comp::Pilot => "🧠",
            Comp::Cni => "🪢",
            Comp::Ztunnel => "🔒",
            Comp::IngressGateways => "🛬",
            Comp::EgressGateways => "🛫",
        }
    }

    /// Components that must be installed first.
    pub fn deps(self) -> &'static [Comp] {
        match self {
            Comp::Base => &[],
            Comp::Pilot | Comp::Cni => &[Comp::Base],
            Comp::Ztunnel => &[Comp::Cni],
            Comp::IngressGateways | Comp::EgressGateways => &[Comp::Pilot],
        }
    }

    /// Accepts the label id, the display name, or common short names, case-insensitively.
    pub fn parse(s: &str) -> Option<Comp> {
        let norm: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match norm.as_str() {
            "base" | "istiocore" | "core" => Comp::Base,
            "pilot" | "istiod" => Comp::Pilot,
            "cni" => Comp::Cni,
            "ztunnel" => Comp::Ztunnel,
            "ingressgateways" | "ingressgateway" | "ingress" => Comp::IngressGateways,
            "egressgateways" | "egressgateway" | "egress" => Comp::EgressGateways,
            _ => return None,
        })
    }

    pub fn from_id(s: &str) -> Option<Comp> {
        Comp::ALL.into_iter().find(|c| c.id() == s)
    }
}

/// The objects of one component.
#[derive(Debug, Clone)]
pub struct ComponentManifest {
    pub comp: Comp,
    pub objects: Vec<Value>,
}

/// Builds every enabled component's objects, in installation order.
pub fn build(cfg: &IstioConfig) -> Vec<ComponentManifest> {
    let mut out = Vec::new();
    let enabled = |path: &str| cfg.get(path).and_then(Value::as_bool).unwrap_or(false);
    if enabled("components.base.enabled") {
        out.push(ComponentManifest {
            comp: Comp::Base,
            objects: base(cfg),
        });
    }
    if enabled("components.pilot.enabled") {
        out.push(ComponentManifest {
            comp: Comp::Pilot,
            objects: pilot::objects(cfg),
        });
    }
    if enabled("components.cni.enabled") {
        out.push(ComponentManifest {
            comp: Comp::Cni,
            objects: nodeagents::cni(cfg),
        });
    }
    if enabled("components.ztunnel.enabled") {
        out.push(ComponentManifest {
            comp: Comp::Ztunnel,
            objects: nodeagents::ztunnel(cfg),
        });
    }
    for (comp, key) in [
        (Comp::IngressGateways, "ingressGateways"),
        (Comp::EgressGateways, "egressGateways"),
    ] {
        let objects = gateways::objects(cfg, comp, key);
        if !objects.is_empty() {
            out.push(ComponentManifest { comp, objects });
        }
    }
    out
}

fn base(cfg: &IstioConfig) -> Vec<Value> {
    let ns = cfg.namespace.as_str();
    let labels = labels(cfg, Comp::Base);
    let mut objs = crds::all(&labels);
    objs.push(object(
        "v1",
        "ServiceAccount",
        "istio-reader-service-account",
        Some(ns),
        &labels,
    ));
    let role = format!("istio-reader-clusterrole-{ns}");
    let mut cr = object(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        &role,
        None,
        &labels,
    );
    cr["rules"] = json!([{
        "apiGroups": ["config.istio.io", "security.istio.io", "networking.istio.io",
                      "authentication.istio.io", "rbac.istio.io", "telemetry.istio.io",
                      "extensions.istio.io"],
        "resources": ["*"],
        "verbs": ["get", "list", "watch"]
    }]);
    objs.push(cr);
    objs.push(cluster_role_binding(
        &role,
        &role,
        "istio-reader-service-account",
        ns,
        &labels,
    ));
    if cfg.is_default_revision() {
        objs.push(webhooks::default_validator(cfg, &labels));
    }
    objs
}

/// The labels every installed object carries.
pub fn labels(cfg: &IstioConfig, comp: Comp) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(COMPONENT_LABEL.into(), json!(comp.id()));
    m.insert(REV_LABEL.into(), json!(cfg.revision));
    m.insert(OWNER_LABEL.into(), json!(cfg.name));
    m.insert(
        "install.operator.istio.io/owning-resource-namespace".into(),
        json!(cfg.namespace),
    );
    m.insert(VERSION_LABEL.into(), json!(cfg.version));
    m.insert("operator.istio.io/managed".into(), json!("Reconcile"));
    m
}

/// A bare object with metadata.
pub fn object(
    api_version: &str,
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    labels: &Map<String, Value>,
) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    meta.insert("labels".into(), Value::Object(labels.clone()));
    json!({"apiVersion": api_version, "kind": kind, "metadata": meta})
}

pub fn cluster_role_binding(
    name: &str,
    role: &str,
    sa: &str,
    ns: &str,
    labels: &Map<String, Value>,
) -> Value {
    let mut b = object(
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        name,
        None,
        labels,
    );
    b["roleRef"] = json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role});
    b["subjects"] = json!([{"kind": "ServiceAccount", "name": sa, "namespace": ns}]);
    b
}

pub fn role_and_binding(
    name: &str,
    sa: &str,
    ns: &str,
    rules: Value,
    labels: &Map<String, Value>,
) -> [Value; 2] {
    let mut role = object("rbac.authorization.k8s.io/v1", "Role", name, Some(ns), labels);
    role["rules"] = rules;
    let mut b = object(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        name,
        Some(ns),
        labels,
    );
    b["roleRef"] = json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name});
    b["subjects"] = json!([{"kind": "ServiceAccount", "name": sa, "namespace": ns}]);
    [role, b]
}

/// Renders a JSON value as a string the way Go would print a scalar (tags may be numbers).
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `hub/image:tag` for a component (component hub/tag > spec > values.global).
pub fn image(cfg: &IstioConfig, component: &Value, image: &str) -> String {
    let hub = component
        .get("hub")
        .and_then(scalar_string)
        .or_else(|| cfg.get("hub").and_then(scalar_string))
        .or_else(|| cfg.get("values.global.hub").and_then(scalar_string))
        .unwrap_or_else(|| "docker.io/istio".to_string());
    let tag = component
        .get("tag")
        .and_then(scalar_string)
        .or_else(|| cfg.get("tag").and_then(scalar_string))
        .or_else(|| cfg.get("values.global.tag").and_then(scalar_string))
        .unwrap_or_else(|| cfg.version.clone());
    format!("{hub}/{image}:{tag}")
}

/// Resources: chart defaults deep-merged with `k8s.resources`, else with the values override.
pub fn resources(default: Value, k8s: &Value, values_override: Option<&Value>) -> Value {
    let mut r = default;
    match k8s.get("resources").filter(|v| !v.is_null()) {
        Some(over) => merge::deep_merge(&mut r, over),
        None => {
            if let Some(over) = values_override {
                merge::deep_merge(&mut r, over);
            }
        }
    }
    r
}

/// Replicas: `k8s.replicaCount` > `k8s.hpaSpec.minReplicas` > values replicaCount >
/// values autoscaleMin (when autoscaling) > 1.
pub fn replicas(k8s: &Value, values_section: &Value) -> u64 {
    k8s.get("replicaCount")
        .and_then(Value::as_u64)
        .or_else(|| {
            k8s.get("hpaSpec")
                .and_then(|h| h.get("minReplicas"))
                .and_then(Value::as_u64)
        })
        .or_else(|| values_section.get("replicaCount").and_then(Value::as_u64))
        .or_else(|| {
            let autoscale = values_section
                .get("autoscaleEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            if autoscale {
                values_section.get("autoscaleMin").and_then(Value::as_u64)
            } else {
                None
            }
        })
        .unwrap_or(1)
}

/// Applies `k8s` scheduling settings (falling back to the values section) to a pod spec.
pub fn apply_pod_settings(pod_spec: &mut Value, k8s: &Value, values_section: &Value) {
    for (k8s_key, pod_key) in [
        ("nodeSelector", "nodeSelector"),
        ("tolerations", "tolerations"),
        ("affinity", "affinity"),
        ("priorityClassName", "priorityClassName"),
        ("securityContext", "securityContext"),
    ] {
        let v = k8s
            .get(k8s_key)
            .filter(|v| !v.is_null())
            .or_else(|| values_section.get(k8s_key).filter(|v| !v.is_null()));
        if let Some(v) = v {
            pod_spec[pod_key] = v.clone();
        }
    }
}

/// `k8s.env` entries added to a container.
pub fn add_env(container: &mut Value, k8s: &Value) {
    if let Some(Value::Array(extra)) = k8s.get("env") {
        let mut env = container
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        env.extend(extra.iter().cloned());
        container["env"] = Value::Array(env);
    }
}

/// Everything `manifest generate` prints (the install objects in order).
pub fn all_objects(cfg: &IstioConfig) -> Vec<Value> {
    build(cfg).into_iter().flat_map(|c| c.objects).collect()
}

/// Objects real istiod creates once running; created by the stand-in at install time so they
/// exist (and are left behind by uninstall, like in reality). No component label.
pub fn runtime_objects(cfg: &IstioConfig, namespaces: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut plain = Map::new();
    plain.insert("istio.io/config".into(), json!("true"));
    for ns in namespaces {
        let mut cm = object("v1", "ConfigMap", "istio-ca-root-cert", Some(ns), &plain);
        cm["data"] = json!({"root-cert.pem": FAKE_ROOT_CERT});
        out.push(cm);
    }
    for name in ["istio-leader", "istio-namespace-controller-election"] {
        let mut cm = object("v1", "ConfigMap", name, Some(&cfg.namespace), &Map::new());
        cm["data"] = json!({});
        out.push(cm);
    }
    out
}

pub const FAKE_ROOT_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIC/DCCAeSgAwIBAgIQ (istioctl stand-in fake root certificate)\n-----END CERTIFICATE-----\n";

//! The built-in IstioOperator every overlay is merged onto.
//!
//! It pins which components run (as the chosen profile does) so that an overlay naming one
//! gateway cannot silently drop the other, and puts `kubernetes.io/os: linux` on every
//! component's pods, as Rancher's integration did.
use serde_json::{Map, Value, json};

pub const API_VERSION: &str = "install.istio.io/v1alpha1";
pub const KIND: &str = "IstioOperator";
pub const DEFAULT_PROFILE: &str = "default";
pub const INGRESS_GATEWAY: &str = "istio-ingressgateway";
pub const EGRESS_GATEWAY: &str = "istio-egressgateway";

/// Which components a built-in profile of istioctl 1.24+ switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileDefaults {
    pub base: bool,
    pub pilot: bool,
    pub cni: bool,
    pub ztunnel: bool,
    pub ingress: bool,
    pub egress: bool,
}

/// The component choice of the profiles istioup knows; `None` for any other profile, whose
/// choice istioup leaves to istioctl.
pub fn profile_defaults(profile: &str) -> Option<ProfileDefaults> {
    let none = ProfileDefaults {
        base: false,
        pilot: false,
        cni: false,
        ztunnel: false,
        ingress: false,
        egress: false,
    };
    let minimal = ProfileDefaults {
        base: true,
        pilot: true,
        ..none
    };
    let default = ProfileDefaults {
        ingress: true,
        ..minimal
    };
    Some(match profile {
        "default" | "preview" | "stable" => default,
        "demo" => ProfileDefaults {
            egress: true,
            ..default
        },
        "minimal" => minimal,
        "empty" => none,
        "ambient" => ProfileDefaults {
            cni: true,
            ztunnel: true,
            ..minimal
        },
        _ => return None,
    })
}

/// The base for `profile`. For `default` this is the documented base; for another known profile
/// the `enabled` switches follow that profile; for an unknown one they are left out.
pub fn base_for(profile: &str) -> Value {
    let defaults = profile_defaults(profile);
    let mut components = Map::new();
    let switch = |on: fn(&ProfileDefaults) -> bool| defaults.as_ref().map(on);

    components.insert("base".into(), component(switch(|d| d.base), false));
    components.insert("pilot".into(), component(switch(|d| d.pilot), true));
    // A component map without `enabled` switches the component on in istioctl
    // (operator/pkg/component/component.go), and istioctl's profiles name no `cni`: for a
    // profile istioup does not know, the base must not mention it at all.
    if let Some(cni) = switch(|d| d.cni) {
        components.insert("cni".into(), component(Some(cni), true));
    }
    if defaults.is_some_and(|d| d.ztunnel) {
        components.insert("ztunnel".into(), component(Some(true), true));
    }
    if let Some(d) = defaults {
        components.insert(
            "ingressGateways".into(),
            json!([gateway(INGRESS_GATEWAY, d.ingress)]),
        );
        components.insert(
            "egressGateways".into(),
            json!([gateway(EGRESS_GATEWAY, d.egress)]),
        );
    }
    components.retain(|_, v| v.as_object().is_none_or(|m| !m.is_empty()));

    json!({
        "apiVersion": API_VERSION,
        "kind": KIND,
        "spec": {
            "profile": profile,
            "components": components,
        }
    })
}

fn linux_only() -> Value {
    json!({"nodeSelector": {"kubernetes.io/os": "linux"}})
}

/// `base` has no pods, so it gets no node selector.
fn component(enabled: Option<bool>, has_pods: bool) -> Value {
    let mut out = Map::new();
    if let Some(enabled) = enabled {
        out.insert("enabled".into(), Value::Bool(enabled));
    }
    if has_pods {
        out.insert("k8s".into(), linux_only());
    }
    Value::Object(out)
}

fn gateway(name: &str, enabled: bool) -> Value {
    json!({"name": name, "enabled": enabled, "k8s": linux_only()})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_base_is_the_documented_one() {
        let expected = json!({
            "apiVersion": "install.istio.io/v1alpha1",
            "kind": "IstioOperator",
            "spec": {
                "profile": "default",
                "components": {
                    "base": {"enabled": true},
                    "pilot": {"enabled": true, "k8s": {"nodeSelector": {"kubernetes.io/os": "linux"}}},
                    "cni": {"enabled": false, "k8s": {"nodeSelector": {"kubernetes.io/os": "linux"}}},
                    "ingressGateways": [{
                        "name": "istio-ingressgateway",
                        "enabled": true,
                        "k8s": {"nodeSelector": {"kubernetes.io/os": "linux"}}
                    }],
                    "egressGateways": [{
                        "name": "istio-egressgateway",
                        "enabled": false,
                        "k8s": {"nodeSelector": {"kubernetes.io/os": "linux"}}
                    }]
                }
            }
        });
        assert_eq!(base_for("default"), expected);
    }

    #[test]
    fn known_profiles_switch_components_like_istioctl() {
        let ambient = base_for("ambient");
        let c = &ambient["spec"]["components"];
        assert_eq!(c["cni"]["enabled"], true);
        assert_eq!(c["ztunnel"]["enabled"], true);
        assert_eq!(c["ingressGateways"][0]["enabled"], false);

        let demo = base_for("demo");
        assert_eq!(demo["spec"]["components"]["egressGateways"][0]["enabled"], true);

        let empty = base_for("empty");
        assert_eq!(empty["spec"]["components"]["pilot"]["enabled"], false);
        assert_eq!(empty["spec"]["components"]["base"]["enabled"], false);
    }

    #[test]
    fn unknown_profiles_keep_node_selectors_but_leave_switches_to_istioctl() {
        let remote = base_for("remote");
        let c = &remote["spec"]["components"];
        assert_eq!(remote["spec"]["profile"], "remote");
        assert!(c.get("base").is_none());
        assert!(c.get("ingressGateways").is_none());
        assert!(c["pilot"].get("enabled").is_none());
        assert_eq!(c["pilot"]["k8s"], linux_only());
        // A `cni` map without `enabled` would switch CNI on; the profile decides instead.
        assert!(c.get("cni").is_none());
    }
}

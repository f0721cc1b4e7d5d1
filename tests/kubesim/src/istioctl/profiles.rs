//! Built-in profiles, as overlays on the `default` profile (like manifests/profiles/*.yaml).
use serde_json::{Value, json};

pub const NAMES: &[&str] = &[
    "default", "demo", "minimal", "empty", "ambient", "remote", "preview", "stable",
];

/// The `default` profile's spec: the base everything else is merged onto.
pub fn default_spec(version: &str) -> Value {
    json!({
        "hub": "docker.io/istio",
        "tag": version,
        "namespace": "istio-system",
        "components": {
            "base": {"enabled": true},
            "pilot": {"enabled": true},
            "ingressGateways": [{"name": "istio-ingressgateway", "enabled": true}],
            "egressGateways": [{"name": "istio-egressgateway", "enabled": false}],
            "cni": {"enabled": false},
            "ztunnel": {"enabled": false}
        },
        "values": {
            "defaultRevision": "",
            "global": {
                "istioNamespace": "istio-system",
                "configValidation": true
            },
            "gateways": {
                "istio-ingressgateway": {},
                "istio-egressgateway": {}
            }
        }
    })
}

/// The overlay a named profile puts on top of `default`, or `None` for an unknown profile.
pub fn overlay(name: &str) -> Option<Value> {
    let small = json!({"requests": {"cpu": "10m", "memory": "40Mi"}});
    Some(match name {
        "default" | "stable" => json!({}),
        "preview" => json!({
            "meshConfig": {"defaultConfig": {"proxyMetadata": {"ISTIO_META_DNS_CAPTURE": "true"}}},
            "values": {"profile": "preview"}
        }),
        "demo" => json!({
            "meshConfig": {"accessLogFile": "/dev/stdout"},
            "components": {
                "ingressGateways": [{"name": "istio-ingressgateway", "enabled": true}],
                "egressGateways": [{"name": "istio-egressgateway", "enabled": true}]
            },
            "values": {
                "profile": "demo",
                "global": {"proxy": {"resources": small}},
                "pilot": {
                    "autoscaleEnabled": false,
                    "traceSampling": 100,
                    "resources": {"requests": {"cpu": "10m", "memory": "100Mi"}}
                },
                "gateways": {
                    "istio-ingressgateway": {"autoscaleEnabled": false, "resources": small},
                    "istio-egressgateway": {"autoscaleEnabled": false, "resources": small}
                }
            }
        }),
        "minimal" => json!({
            "components": {
                "ingressGateways": [{"name": "istio-ingressgateway", "enabled": false}]
            }
        }),
        "empty" => json!({
            "components": {
                "base": {"enabled": false},
                "pilot": {"enabled": false},
                "ingressGateways": [{"name": "istio-ingressgateway", "enabled": false}]
            }
        }),
        "ambient" => json!({
            "components": {
                "cni": {"enabled": true},
                "ztunnel": {"enabled": true},
                "ingressGateways": [{"name": "istio-ingressgateway", "enabled": false}]
            },
            "values": {"profile": "ambient"}
        }),
        "remote" => json!({
            "components": {
                "pilot": {"enabled": false},
                "ingressGateways": [{"name": "istio-ingressgateway", "enabled": false}]
            },
            "values": {"profile": "remote", "istiodRemote": {"enabled": true}}
        }),
        _ => return None,
    })
}

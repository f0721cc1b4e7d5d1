//! The Istio CustomResourceDefinitions (component Base).
use serde_json::{Map, Value, json};

use super::object;

struct Crd {
    group: &'static str,
    plural: &'static str,
    kind: &'static str,
    short: &'static [&'static str],
    /// Served versions; the first is the storage version.
    versions: &'static [&'static str],
}

const NET_VERSIONS: &[&str] = &["v1alpha3", "v1beta1", "v1"];
const SEC_VERSIONS: &[&str] = &["v1beta1", "v1"];

const CRDS: &[Crd] = &[
    Crd {
        group: "networking.istio.io",
        plural: "virtualservices",
        kind: "VirtualService",
        short: &["vs"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "destinationrules",
        kind: "DestinationRule",
        short: &["dr"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "gateways",
        kind: "Gateway",
        short: &["gw"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "serviceentries",
        kind: "ServiceEntry",
        short: &["se"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "sidecars",
        kind: "Sidecar",
        short: &[],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "workloadentries",
        kind: "WorkloadEntry",
        short: &["we"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "workloadgroups",
        kind: "WorkloadGroup",
        short: &["wg"],
        versions: NET_VERSIONS,
    },
    Crd {
        group: "networking.istio.io",
        plural: "envoyfilters",
        kind: "EnvoyFilter",
        short: &[],
        versions: &["v1alpha3"],
    },
    Crd {
        group: "networking.istio.io",
        plural: "proxyconfigs",
        kind: "ProxyConfig",
        short: &[],
        versions: &["v1beta1"],
    },
    Crd {
        group: "security.istio.io",
        plural: "peerauthentications",
        kind: "PeerAuthentication",
        short: &["pa"],
        versions: SEC_VERSIONS,
    },
    Crd {
        group: "security.istio.io",
        plural: "requestauthentications",
        kind: "RequestAuthentication",
        short: &["ra"],
        versions: SEC_VERSIONS,
    },
    Crd {
        group: "security.istio.io",
        plural: "authorizationpolicies",
        kind: "AuthorizationPolicy",
        short: &["ap"],
        versions: SEC_VERSIONS,
    },
    Crd {
        group: "telemetry.istio.io",
        plural: "telemetries",
        kind: "Telemetry",
        short: &["telemetry"],
        versions: &["v1alpha1", "v1"],
    },
    Crd {
        group: "extensions.istio.io",
        plural: "wasmplugins",
        kind: "WasmPlugin",
        short: &[],
        versions: &["v1alpha1"],
    },
];

pub fn all(labels: &Map<String, Value>) -> Vec<Value> {
    CRDS.iter().map(|c| one(c, labels)).collect()
}

fn one(c: &Crd, labels: &Map<String, Value>) -> Value {
    let name = format!("{}.{}", c.plural, c.group);
    let mut labels = labels.clone();
    labels.insert("app".into(), json!("istio-pilot"));
    labels.insert("chart".into(), json!("istio"));
    let mut crd = object(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        &name,
        None,
        &labels,
    );
    let storage = c.versions.first().copied().unwrap_or("v1");
    let versions: Vec<Value> = c
        .versions
        .iter()
        .map(|v| {
            json!({
                "name": v,
                "served": true,
                "storage": *v == storage,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": true
                }},
                "subresources": {"status": {}}
            })
        })
        .collect();
    crd["spec"] = json!({
        "group": c.group,
        "names": {
            "plural": c.plural,
            "singular": c.kind.to_ascii_lowercase(),
            "kind": c.kind,
            "listKind": format!("{}List", c.kind),
            "shortNames": c.short,
            "categories": ["istio-io", c.group.split('.').next().unwrap_or("istio")]
        },
        "scope": "Namespaced",
        "versions": versions
    });
    crd
}

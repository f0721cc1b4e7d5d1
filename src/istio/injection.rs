//! Istio's injection rules as pure functions (ISTIO-FACTS.md "Injection"): which revision would
//! inject a pod created now, which revision injected a running one, and whether a pod's proxy is
//! an injected sidecar at all.
use std::collections::BTreeMap;

use serde_json::Value;

use super::{COMPONENT_LABEL, INJECT_LABEL, INJECTION_LABEL, REVISION_LABEL, component};

/// Istio never injects these (IgnoredNamespaces in pkg/kube/inject/initializer.go, and the
/// `auto.` webhook's namespaceSelector).
pub const NEVER_INJECTED: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "local-path-storage",
];

/// What the rules read of a pod.
#[derive(Debug, Clone, Copy)]
pub struct PodView<'a> {
    pub labels: &'a BTreeMap<String, String>,
    /// The injector's `sidecar.istio.io/status` annotation, set on every pod it injected.
    pub injector_status: Option<&'a str>,
    /// The deprecated `sidecar.istio.io/inject` annotation.
    pub inject_annotation: Option<&'a str>,
    pub host_network: bool,
}

/// What the rules read of a namespace.
#[derive(Debug, Clone, Copy)]
pub struct NamespaceView<'a> {
    pub name: &'a str,
    pub labels: &'a BTreeMap<String, String>,
}

/// The revision that would inject `pod` if it were created now in `namespace`; `None` when it
/// would get no sidecar. `enabled_by_default`: the injector's
/// `sidecarInjectorWebhook.enableNamespacesByDefault`.
pub fn wanted_revision(pod: PodView, namespace: NamespaceView, enabled_by_default: bool) -> Option<String> {
    if NEVER_INJECTED.contains(&namespace.name) || pod.host_network {
        return None;
    }
    let pod_inject = pod.labels.get(INJECT_LABEL).map(String::as_str);
    if pod_inject == Some("false") {
        return None;
    }
    match namespace.labels.get(INJECTION_LABEL).map(String::as_str) {
        Some("enabled") => return Some("default".into()),
        // The webhooks select `istio-injection In [enabled]` or `DoesNotExist`: any other value,
        // `disabled` or a typo, matches none of them (tests/fixtures/istio/*/default.yaml).
        Some(_) => return None,
        None => {}
    }
    if let Some(rev) = namespace.labels.get(REVISION_LABEL) {
        return Some(rev.clone());
    }
    // The injector labels what it injects with its revision: only a pod it did not inject carries
    // `istio.io/rev` from its own template.
    if pod.injector_status.is_none()
        && let Some(rev) = pod.labels.get(REVISION_LABEL)
    {
        return Some(rev.clone());
    }
    if pod_inject == Some("true") || enabled_by_default {
        return Some("default".into());
    }
    None
}

/// Whether the injector, once its webhook was called, injects the pod: it reads
/// `sidecar.istio.io/inject` from the label, else from the deprecated annotation
/// (pkg/kube/inject/inject.go, injectRequired). Up to 1.26 `y`, `yes`, `true`, `on` (any case)
/// inject and any other value does not; since 1.27 only `true` and `false` count and any other
/// value falls back to the default policy (inject). `release` is the injecting control plane's
/// version, the newer rules when unknown.
pub fn injector_accepts(pod: PodView, release: Option<super::versions::Version>) -> bool {
    let value = pod
        .labels
        .get(INJECT_LABEL)
        .map(String::as_str)
        .or(pod.inject_annotation)
        .unwrap_or("");
    let old_rules = release.is_some_and(|v| v.minor_version() <= (1, 26));
    if old_rules {
        value.is_empty() || matches!(value.to_lowercase().as_str(), "y" | "yes" | "true" | "on")
    } else {
        value != "false"
    }
}

/// The revision that injected a pod: the injector's status annotation, else its label.
pub fn injected_revision(pod: PodView) -> Option<String> {
    pod.injector_status
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v.get("revision").and_then(Value::as_str).map(String::from))
        .or_else(|| pod.labels.get(REVISION_LABEL).cloned())
}

/// Whether a pod that runs `istio-proxy` carries it as an injected sidecar. Gateway pods that
/// istioctl installs run `istio-proxy` too, but as the workload itself; they are known by their
/// component label (manifests/charts/gateways/istio-{ingress,egress}/templates/deployment.yaml),
/// never by `istio:`, which the user's `label:` sets. A gateway injected from a template
/// (Helm's gateway chart) carries the injector's status like any sidecar.
pub fn carries_sidecar(pod: PodView, has_proxy: bool) -> bool {
    if !has_proxy {
        return false;
    }
    let gateway = matches!(
        pod.labels.get(COMPONENT_LABEL).map(String::as_str),
        Some(component::INGRESS_GATEWAYS | component::EGRESS_GATEWAYS)
    );
    pod.injector_status.is_some() || !gateway
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn pod<'a>(labels: &'a BTreeMap<String, String>, status: Option<&'a str>) -> PodView<'a> {
        PodView {
            labels,
            injector_status: status,
            inject_annotation: None,
            host_network: false,
        }
    }

    /// pkg/kube/inject/inject.go at 1.26.0 and 1.27.0, injectRequired.
    #[test]
    fn the_legacy_annotation_follows_the_release() {
        use crate::istio::versions::Version;
        let none = map(&[]);
        let with = |annotation| PodView {
            inject_annotation: Some(annotation),
            ..pod(&none, None)
        };
        let v126 = Version::parse("1.26.3");
        let v127 = Version::parse("1.27.0");
        for yes in ["y", "Yes", "TRUE", "on"] {
            assert!(injector_accepts(with(yes), v126), "{yes}");
        }
        assert!(!injector_accepts(with("no"), v126));
        assert!(!injector_accepts(with("enabled"), v126));
        assert!(injector_accepts(with("true"), v127));
        assert!(!injector_accepts(with("false"), v127));
        // Since 1.27 other values fall back to the default policy: injected.
        assert!(injector_accepts(with("no"), v127));
        assert!(injector_accepts(with("yes"), v127));
        assert!(injector_accepts(pod(&none, None), v126));
        // The label wins over the annotation.
        let labelled = map(&[(INJECT_LABEL, "true")]);
        let both = PodView {
            inject_annotation: Some("no"),
            ..pod(&labelled, None)
        };
        assert!(injector_accepts(both, v126));
    }

    fn ns<'a>(name: &'a str, labels: &'a BTreeMap<String, String>) -> NamespaceView<'a> {
        NamespaceView { name, labels }
    }

    #[test]
    fn injection_rules() {
        let none = map(&[]);
        let plain = pod(&none, None);
        let enabled = map(&[("istio-injection", "enabled")]);
        assert_eq!(
            wanted_revision(plain, ns("a", &enabled), false).as_deref(),
            Some("default")
        );
        let disabled = map(&[("istio-injection", "disabled"), ("istio.io/rev", "x")]);
        assert_eq!(wanted_revision(plain, ns("a", &disabled), true), None);
        let canary = map(&[("istio.io/rev", "canary")]);
        assert_eq!(
            wanted_revision(plain, ns("a", &canary), false).as_deref(),
            Some("canary")
        );
        assert_eq!(wanted_revision(plain, ns("a", &none), false), None);
        assert_eq!(
            wanted_revision(plain, ns("a", &none), true).as_deref(),
            Some("default")
        );
        assert_eq!(wanted_revision(plain, ns("kube-system", &enabled), true), None);
        assert_eq!(
            wanted_revision(plain, ns("local-path-storage", &enabled), true),
            None
        );
        let typo = map(&[("istio-injection", "true"), ("istio.io/rev", "canary")]);
        assert_eq!(wanted_revision(plain, ns("a", &typo), true), None);
        let out = map(&[(INJECT_LABEL, "false")]);
        assert_eq!(wanted_revision(pod(&out, None), ns("a", &enabled), false), None);
        let opt_in = map(&[(INJECT_LABEL, "true")]);
        assert_eq!(
            wanted_revision(pod(&opt_in, None), ns("a", &none), false).as_deref(),
            Some("default")
        );
        // The label the injector put on an injected pod does not opt it in again.
        let injected_labels = map(&[(REVISION_LABEL, "canary")]);
        let injected = pod(&injected_labels, Some(r#"{"revision":"canary"}"#));
        assert_eq!(wanted_revision(injected, ns("a", &none), false), None);
        assert_eq!(injected_revision(injected).as_deref(), Some("canary"));
    }

    #[test]
    fn gateways_are_known_by_their_component_label() {
        let internal = map(&[
            ("istio", "internal-ingressgateway"),
            (COMPONENT_LABEL, "IngressGateways"),
        ]);
        assert!(!carries_sidecar(pod(&internal, None), true));
        // `istio: ingressgateway` alone is a user's label, not a gateway.
        let lookalike = map(&[("istio", "ingressgateway")]);
        assert!(carries_sidecar(pod(&lookalike, None), true));
        let injected_gateway = map(&[("istio", "ingressgateway")]);
        assert!(carries_sidecar(pod(&injected_gateway, Some("{}")), true));
        assert!(!carries_sidecar(pod(&map(&[]), None), false));
    }
}

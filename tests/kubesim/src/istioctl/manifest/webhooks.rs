//! Admission webhook configurations: the sidecar injector, the validators and the default
//! revision tag.
use serde_json::{Map, Value, json};

use super::super::config::IstioConfig;
use super::{Comp, REV_LABEL, VERSION_LABEL, labels, object};

fn expr(key: &str, op: &str, values: &[&str]) -> Value {
    if values.is_empty() {
        json!({"key": key, "operator": op})
    } else {
        json!({"key": key, "operator": op, "values": values})
    }
}

fn injector_hook(cfg: &IstioConfig, name: &str, ns_sel: Vec<Value>, obj_sel: Vec<Value>) -> Value {
    json!({
        "name": name,
        "clientConfig": {
            "service": {
                "name": cfg.rev_name("istiod"),
                "namespace": cfg.namespace,
                "path": "/inject",
                "port": 443
            }
        },
        "sideEffects": "None",
        "rules": [{
            "operations": ["CREATE"],
            "apiGroups": [""],
            "apiVersions": ["v1"],
            "resources": ["pods"]
        }],
        "failurePolicy": "Fail",
        "reinvocationPolicy": "Never",
        "admissionReviewVersions": ["v1"],
        "namespaceSelector": {"matchExpressions": ns_sel},
        "objectSelector": {"matchExpressions": obj_sel}
    })
}

fn enable_by_default(cfg: &IstioConfig) -> bool {
    cfg.get("values.sidecarInjectorWebhook.enableNamespacesByDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The revision's own webhooks (`istio.io/rev=<revision>` selection).
fn revision_hooks(cfg: &IstioConfig, rev: &str) -> Vec<Value> {
    vec![
        injector_hook(
            cfg,
            "rev.namespace.sidecar-injector.istio.io",
            vec![
                expr(REV_LABEL, "In", &[rev]),
                expr("istio-injection", "DoesNotExist", &[]),
            ],
            vec![expr("sidecar.istio.io/inject", "NotIn", &["false"])],
        ),
        injector_hook(
            cfg,
            "rev.object.sidecar-injector.istio.io",
            vec![
                expr(REV_LABEL, "DoesNotExist", &[]),
                expr("istio-injection", "DoesNotExist", &[]),
            ],
            vec![
                expr("sidecar.istio.io/inject", "NotIn", &["false"]),
                expr(REV_LABEL, "In", &[rev]),
            ],
        ),
    ]
}

/// The `istio-injection=enabled` (default tag) webhooks.
fn default_hooks(cfg: &IstioConfig) -> Vec<Value> {
    let namespace_hook = if enable_by_default(cfg) {
        injector_hook(
            cfg,
            "namespace.sidecar-injector.istio.io",
            vec![
                expr("istio-injection", "NotIn", &["disabled"]),
                expr(REV_LABEL, "DoesNotExist", &[]),
                expr(
                    "kubernetes.io/metadata.name",
                    "NotIn",
                    &[
                        "kube-system",
                        "kube-public",
                        "kube-node-lease",
                        "local-path-storage",
                    ],
                ),
            ],
            vec![expr("sidecar.istio.io/inject", "NotIn", &["false"])],
        )
    } else {
        injector_hook(
            cfg,
            "namespace.sidecar-injector.istio.io",
            vec![expr("istio-injection", "In", &["enabled"])],
            vec![expr("sidecar.istio.io/inject", "NotIn", &["false"])],
        )
    };
    vec![
        namespace_hook,
        injector_hook(
            cfg,
            "object.sidecar-injector.istio.io",
            vec![
                expr("istio-injection", "DoesNotExist", &[]),
                expr(REV_LABEL, "DoesNotExist", &[]),
            ],
            vec![
                expr("sidecar.istio.io/inject", "In", &["true"]),
                expr(REV_LABEL, "DoesNotExist", &[]),
            ],
        ),
    ]
}

/// `istio-sidecar-injector[-<rev>]` (component Pilot).
pub fn sidecar_injector(cfg: &IstioConfig) -> Value {
    let mut l = labels(cfg, Comp::Pilot);
    l.insert("app".into(), json!("sidecar-injector"));
    let mut w = object(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        &cfg.rev_name("istio-sidecar-injector"),
        None,
        &l,
    );
    w["webhooks"] = Value::Array(revision_hooks(cfg, &cfg.revision));
    w
}

/// `istio-revision-tag-default`: created by istioctl for the default revision; carries no
/// component label, so uninstall leaves it behind like the real one.
pub fn revision_tag_default(cfg: &IstioConfig) -> Value {
    let mut l = Map::new();
    l.insert("app".into(), json!("sidecar-injector"));
    l.insert("istio.io/tag".into(), json!("default"));
    l.insert(REV_LABEL.into(), json!(cfg.revision));
    l.insert(VERSION_LABEL.into(), json!(cfg.version));
    let mut w = object(
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        "istio-revision-tag-default",
        None,
        &l,
    );
    w["webhooks"] = Value::Array(default_hooks(cfg));
    w
}

fn validation_hook(cfg: &IstioConfig, name: &str, rev_selector: bool) -> Value {
    let mut hook = json!({
        "name": name,
        "clientConfig": {
            "service": {
                "name": cfg.rev_name("istiod"),
                "namespace": cfg.namespace,
                "path": "/validate",
                "port": 443
            }
        },
        "rules": [{
            "operations": ["CREATE", "UPDATE"],
            "apiGroups": ["security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io"],
            "apiVersions": ["*"],
            "resources": ["*"]
        }],
        "failurePolicy": "Ignore",
        "sideEffects": "None",
        "admissionReviewVersions": ["v1", "v1beta1"]
    });
    if rev_selector {
        hook["objectSelector"] = json!({"matchExpressions": [expr(REV_LABEL, "In", &[&cfg.revision])]});
    }
    hook
}

/// `istio-validator[-<rev>]-<namespace>` (component Pilot).
pub fn validator(cfg: &IstioConfig) -> Value {
    let mut l = labels(cfg, Comp::Pilot);
    l.insert("app".into(), json!("istiod"));
    l.insert("istio".into(), json!("istiod"));
    let name = format!("{}-{}", cfg.rev_name("istio-validator"), cfg.namespace);
    let mut w = object(
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        &name,
        None,
        &l,
    );
    w["webhooks"] = json!([validation_hook(cfg, "rev.validation.istio.io", true)]);
    w
}

/// `istiod-default-validator` (component Base, default revision only).
pub fn default_validator(cfg: &IstioConfig, base_labels: &Map<String, Value>) -> Value {
    let mut l = base_labels.clone();
    l.insert("app".into(), json!("istiod"));
    l.insert("istio".into(), json!("istiod"));
    l.insert("istio.io/rev".into(), json!(cfg.revision));
    let mut w = object(
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "istiod-default-validator",
        None,
        &l,
    );
    w["webhooks"] = json!([validation_hook(cfg, "validation.istio.io", false)]);
    w
}

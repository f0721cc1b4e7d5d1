//! What a real cluster fills in on its own, from kubernetes/kubernetes:
//! * the ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go):
//!   a pod naming a service account that does not exist is refused, `pods "x" is forbidden:
//!   error looking up service account <ns>/<sa>: serviceaccount "<sa>" not found`;
//! * the service-account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go)
//!   and the root-CA publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go):
//!   every namespace gets a `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap;
//! * API defaulting (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go): a
//!   Deployment's strategy (RollingUpdate 25%/25%), revisionHistoryLimit 10 and
//!   progressDeadlineSeconds 600; a Service port's protocol TCP and targetPort (the port), and
//!   sessionAffinity None.
use crate::resources::Resource;
use crate::status::{ApiError, ApiResult};
use crate::store::Store;
use crate::util::{obj_at, str_at};
use serde_json::{Value, json};

/// The publisher's annotation on `kube-root-ca.crt`.
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// ServiceAccount admission for a new pod (after defaulting named `default` when unset).
pub fn check_service_account(st: &Store, pod: &Value, ns: &str, shown_name: &str) -> ApiResult<()> {
    if st.instant {
        // Seeding lays down a snapshot of a running cluster.
        return Ok(());
    }
    let sa = str_at(pod, &["spec", "serviceAccountName"]).unwrap_or("default");
    if st.get("", "serviceaccounts", ns, sa).is_some() {
        return Ok(());
    }
    Err(ApiError::new(
        403,
        "Forbidden",
        format!(
            "pods \"{shown_name}\" is forbidden: error looking up service account {ns}/{sa}: serviceaccount \"{sa}\" not found"
        ),
    )
    .with_details(shown_name, "", "pods"))
}

/// What the controllers create in a new namespace.
pub fn namespace_content(st: &mut Store, ns: &str) {
    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}});
    let ca = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "kube-root-ca.crt",
            "namespace": ns,
            "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION},
        },
        "data": {"ca.crt": st.config.root_ca.clone()},
    });
    for (plural, obj) in [("serviceaccounts", sa), ("configmaps", ca)] {
        let res = st.res("", plural);
        if st.get("", plural, ns, crate::util::name_of(&obj)).is_none() {
            let _ = crate::ops::create(st, &res, "v1", ns, obj);
        }
    }
}

/// Defaulting of the kinds above (create and update alike, as a decode would).
pub fn defaults(res: &Resource, obj: &mut Value) {
    match (res.group.as_str(), res.plural.as_str()) {
        ("apps", "deployments") => {
            let spec = obj_at(obj, &["spec"]);
            spec.entry("revisionHistoryLimit").or_insert(json!(10));
            spec.entry("progressDeadlineSeconds").or_insert(json!(600));
            let strategy = spec.entry("strategy").or_insert(json!({}));
            if let Some(s) = strategy.as_object_mut() {
                let ty = s.entry("type").or_insert(json!("RollingUpdate")).clone();
                if ty == "RollingUpdate" {
                    let ru = s.entry("rollingUpdate").or_insert(json!({}));
                    if let Some(ru) = ru.as_object_mut() {
                        ru.entry("maxUnavailable").or_insert(json!("25%"));
                        ru.entry("maxSurge").or_insert(json!("25%"));
                    }
                }
            }
        }
        ("", "services") => {
            let spec = obj_at(obj, &["spec"]);
            let external = spec.get("type").and_then(Value::as_str) == Some("ExternalName");
            if !external {
                spec.entry("sessionAffinity").or_insert(json!("None"));
            }
            if let Some(Value::Array(ports)) = spec.get_mut("ports") {
                for p in ports.iter_mut().filter_map(Value::as_object_mut) {
                    p.entry("protocol").or_insert(json!("TCP"));
                    if !external && let Some(port) = p.get("port").cloned() {
                        p.entry("targetPort").or_insert(port);
                    }
                }
            }
        }
        _ => {}
    }
}

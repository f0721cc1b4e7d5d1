//! Talking to the cluster like a real client: kube-rs over HTTP(S), from the kubeconfig.
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, Config};
use serde_json::Value;

use super::args::Global;
use super::merge;

/// A connected cluster.
#[derive(Clone)]
pub struct Cluster {
    pub client: Client,
}

/// Known kinds: (apiVersion, kind, plural, namespaced).
pub const KINDS: &[(&str, &str, &str, bool)] = &[
    ("v1", "Namespace", "namespaces", false),
    ("v1", "ConfigMap", "configmaps", true),
    ("v1", "Service", "services", true),
    ("v1", "ServiceAccount", "serviceaccounts", true),
    ("v1", "Pod", "pods", true),
    ("v1", "Event", "events", true),
    ("apps/v1", "Deployment", "deployments", true),
    ("apps/v1", "DaemonSet", "daemonsets", true),
    ("rbac.authorization.k8s.io/v1", "Role", "roles", true),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
    (
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        false,
    ),
    (
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        true,
    ),
    ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
    ("v1", "Secret", "secrets", true),
    ("coordination.k8s.io/v1", "Lease", "leases", true),
    (
        "networking.istio.io/v1alpha3",
        "EnvoyFilter",
        "envoyfilters",
        true,
    ),
    (
        "k8s.cni.cncf.io/v1",
        "NetworkAttachmentDefinition",
        "network-attachment-definitions",
        true,
    ),
];

pub fn resource(api_version: &str, kind: &str) -> Option<(ApiResource, bool)> {
    let (_, _, plural, namespaced) = KINDS
        .iter()
        .find(|(a, k, _, _)| *a == api_version && *k == kind)?;
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    let gvk = GroupVersionKind::gvk(group, version, kind);
    Some((ApiResource::from_gvk_with_plural(&gvk, plural), *namespaced))
}

/// An object's identity: (kind, namespace, name).
pub fn key(obj: &Value) -> (String, String, String) {
    let s = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("").to_string();
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// `Kind/namespace/name` (or `Kind/name` when cluster scoped), istioctl's wait-list format.
pub fn ref_string(obj: &Value) -> String {
    let (kind, ns, name) = key(obj);
    if ns.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{ns}/{name}")
    }
}

/// Loads the kubeconfig and connects (no request is made yet).
pub async fn connect(global: &Global) -> Result<Cluster, String> {
    let kubeconfig = match &global.kubeconfig {
        Some(path) => Kubeconfig::read_from(path),
        None => Kubeconfig::read(),
    }
    .map_err(|e| kubeconfig_error(e, global))?;
    if let Some(ctx) = &global.context
        && !kubeconfig.contexts.iter().any(|c| &c.name == ctx)
    {
        return Err(format!("context {ctx:?} does not exist"));
    }
    let options = KubeConfigOptions {
        context: global.context.clone(),
        cluster: None,
        user: None,
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| kubeconfig_error(e, global))?;
    let client = Client::try_from(config).map_err(|e| format!("failed to create client: {e}"))?;
    Ok(Cluster { client })
}

fn kubeconfig_error(e: KubeconfigError, global: &Global) -> String {
    match e {
        KubeconfigError::LoadContext(name) => format!("context {name:?} does not exist"),
        KubeconfigError::CurrentContextNotSet => {
            "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable".to_string()
        }
        KubeconfigError::ReadConfig(err, path) => format!(
            "failed to load kubeconfig {}: {}",
            path.display(),
            err
        ),
        other => match &global.kubeconfig {
            Some(p) => format!("failed to load kubeconfig {p}: {other}"),
            None => format!("failed to load kubeconfig: {other}"),
        },
    }
}

fn api_for(cluster: &Cluster, ar: &ApiResource, namespaced: bool, ns: &str) -> Api<DynamicObject> {
    if namespaced && !ns.is_empty() {
        Api::namespaced_with(cluster.client.clone(), ns, ar)
    } else {
        Api::all_with(cluster.client.clone(), ar)
    }
}

fn err_code(e: &kube::Error) -> Option<u16> {
    match e {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

pub fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if !s.message.is_empty() => s.message.clone(),
        other => other.to_string(),
    }
}

impl Cluster {
    /// Server-side apply with field manager `istio-operator` and `force`, as istioctl does
    /// (operator/pkg/install/install.go: serverSideApply).
    pub async fn apply(&self, obj: &Value) -> Result<(), String> {
        self.apply_as(obj, "istio-operator").await
    }

    /// Server-side apply with `force` as field manager `manager` (`istio-ci` is what
    /// pkg/kube/client.go: ssapplyYAML uses for `tag set`).
    pub async fn apply_as(&self, obj: &Value, manager: &str) -> Result<(), String> {
        let (kind, _ns, name) = key(obj);
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let Some((ar, namespaced)) = resource(api_version, &kind) else {
            return Err(format!("unsupported kind {api_version}/{kind}"));
        };
        let api = api_for(self, &ar, namespaced, ns);
        let params = PatchParams::apply(manager).force();
        api.patch(&name, &params, &Patch::Apply(obj))
            .await
            .map(|_| ())
            .map_err(|e| describe(&e))
    }

    /// Create-or-update: creates the object, or on conflict merges it into the existing one
    /// (labels and annotations merged, other top-level fields replaced) and replaces it (what
    /// an Update of a read-modify-write does).
    pub async fn replace(&self, obj: &Value) -> Result<(), String> {
        let (kind, ns, name) = key(obj);
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let Some((ar, namespaced)) = resource(api_version, &kind) else {
            return Err(format!("unsupported kind {api_version}/{kind}"));
        };
        let what = ref_string(obj);
        let api = api_for(self, &ar, namespaced, &ns);
        let dynobj: DynamicObject =
            serde_json::from_value(obj.clone()).map_err(|e| format!("failed to encode {what}: {e}"))?;
        match api.create(&PostParams::default(), &dynobj).await {
            Ok(_) => return Ok(()),
            Err(e) if err_code(&e) == Some(409) => {}
            Err(e) => return Err(format!("failed to create {what}: {}", describe(&e))),
        }
        for _attempt in 0..5 {
            let existing = match api.get_opt(&name).await {
                Ok(Some(o)) => o,
                Ok(None) => {
                    return match api.create(&PostParams::default(), &dynobj).await {
                        Ok(_) => Ok(()),
                        Err(e) => Err(format!("failed to create {what}: {}", describe(&e))),
                    };
                }
                Err(e) => return Err(format!("failed to get {what}: {}", describe(&e))),
            };
            let mut merged =
                serde_json::to_value(&existing).map_err(|e| format!("failed to decode {what}: {e}"))?;
            overlay_object(&mut merged, obj);
            let updated: DynamicObject =
                serde_json::from_value(merged).map_err(|e| format!("failed to encode {what}: {e}"))?;
            match api.replace(&name, &PostParams::default(), &updated).await {
                Ok(_) => return Ok(()),
                Err(e) if err_code(&e) == Some(409) => continue,
                Err(e) => return Err(format!("failed to update {what}: {}", describe(&e))),
            }
        }
        Err(format!("failed to update {what}: too many conflicts"))
    }

    pub async fn get(
        &self,
        api_version: &str,
        kind: &str,
        ns: &str,
        name: &str,
    ) -> Result<Option<Value>, String> {
        let Some((ar, namespaced)) = resource(api_version, kind) else {
            return Err(format!("unsupported kind {api_version}/{kind}"));
        };
        let api = api_for(self, &ar, namespaced, ns);
        match api.get_opt(name).await {
            Ok(Some(o)) => serde_json::to_value(o).map(Some).map_err(|e| e.to_string()),
            Ok(None) => Ok(None),
            Err(e) => Err(describe(&e)),
        }
    }

    /// Lists a kind in all namespaces (or in `ns`). A kind the server does not serve lists as
    /// empty.
    pub async fn list(&self, api_version: &str, kind: &str, ns: &str) -> Result<Vec<Value>, String> {
        let Some((ar, namespaced)) = resource(api_version, kind) else {
            return Err(format!("unsupported kind {api_version}/{kind}"));
        };
        let api = api_for(self, &ar, namespaced, ns);
        match api.list(&ListParams::default()).await {
            Ok(list) => Ok(list
                .items
                .into_iter()
                .filter_map(|o| serde_json::to_value(o).ok())
                .map(|mut v| {
                    // Items of a list carry no apiVersion/kind.
                    v["apiVersion"] = Value::String(api_version.to_string());
                    v["kind"] = Value::String(kind.to_string());
                    v
                })
                .collect()),
            Err(e) if err_code(&e) == Some(404) => Ok(Vec::new()),
            Err(e) => Err(format!("failed to list {kind}: {}", describe(&e))),
        }
    }

    /// Deletes an object; Ok(false) when it did not exist.
    pub async fn delete(&self, obj: &Value) -> Result<bool, String> {
        let (kind, ns, name) = key(obj);
        let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let Some((ar, namespaced)) = resource(api_version, &kind) else {
            return Err(format!("unsupported kind {api_version}/{kind}"));
        };
        let api = api_for(self, &ar, namespaced, &ns);
        match api.delete(&name, &DeleteParams::background()).await {
            Ok(_) => Ok(true),
            Err(e) if err_code(&e) == Some(404) => Ok(false),
            Err(e) => Err(format!("failed to delete {}: {}", ref_string(obj), describe(&e))),
        }
    }

    /// Names of all namespaces (the call `--dry-run` still makes).
    pub async fn namespaces(&self) -> Result<Vec<String>, String> {
        Ok(self
            .list("v1", "Namespace", "")
            .await?
            .iter()
            .filter_map(|n| n.pointer("/metadata/name").and_then(Value::as_str))
            .map(str::to_string)
            .collect())
    }
}

/// Puts `desired` over `existing`: metadata labels/annotations merged, all other top-level
/// fields except metadata and status replaced.
fn overlay_object(existing: &mut Value, desired: &Value) {
    let Value::Object(d) = desired else { return };
    for (k, v) in d {
        match k.as_str() {
            "metadata" => {
                for sub in ["labels", "annotations"] {
                    if let Some(m) = v.get(sub) {
                        if existing["metadata"].get(sub).is_none_or(Value::is_null) {
                            existing["metadata"][sub] = serde_json::json!({});
                        }
                        merge::deep_merge(&mut existing["metadata"][sub], m);
                    }
                }
            }
            "status" => {}
            _ => existing[k] = v.clone(),
        }
    }
}

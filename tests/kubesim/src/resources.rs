//! The resource types the simulated API server serves: the built-in kinds and those that
//! CustomResourceDefinitions add at run time.
use serde_json::Value;
use std::sync::Arc;

/// One served resource (a group/resource pair with its versions).
#[derive(Debug, Clone)]
pub struct Resource {
    pub group: String,
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Whether writes that change more than metadata bump `metadata.generation`.
    pub generation: bool,
    /// Whether `status` is a subresource (the main endpoint then ignores status changes).
    pub status_sub: bool,
    pub scale_sub: bool,
    /// Virtual resources (reviews) are created and answered but never stored.
    pub virtual_only: bool,
    pub crd: bool,
}

pub type Gr = (String, String);

impl Resource {
    pub fn gr(&self) -> Gr {
        (self.group.clone(), self.plural.clone())
    }

    pub fn api_version(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{}", self.group, version)
        }
    }

    /// `deployments.apps`, or `pods` for the core group, as errors name resources.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    pub fn verbs(&self) -> Vec<&'static str> {
        if self.virtual_only {
            return vec!["create"];
        }
        vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
    }
}

struct B {
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    generation: bool,
    status: bool,
    scale: bool,
}

const fn b(
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    kind: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
) -> B {
    B {
        group,
        version,
        plural,
        kind,
        namespaced,
        short,
        generation: false,
        status: false,
        scale: false,
    }
}

const fn workload(b: B, scale: bool) -> B {
    B {
        generation: true,
        status: true,
        scale,
        ..b
    }
}

/// Built-in kinds, in the order discovery lists them.
const BUILTINS: &[B] = &[
    b("", "v1", "namespaces", "Namespace", false, &["ns"]),
    B {
        status: true,
        ..b("", "v1", "nodes", "Node", false, &["no"])
    },
    B {
        status: true,
        ..b("", "v1", "pods", "Pod", true, &["po"])
    },
    B {
        status: true,
        ..b("", "v1", "services", "Service", true, &["svc"])
    },
    b("", "v1", "configmaps", "ConfigMap", true, &["cm"]),
    b("", "v1", "secrets", "Secret", true, &[]),
    b("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"]),
    b("", "v1", "events", "Event", true, &["ev"]),
    b("", "v1", "endpoints", "Endpoints", true, &["ep"]),
    b(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        true,
        &["pvc"],
    ),
    b("", "v1", "resourcequotas", "ResourceQuota", true, &["quota"]),
    b("", "v1", "limitranges", "LimitRange", true, &["limits"]),
    workload(
        b("apps", "v1", "deployments", "Deployment", true, &["deploy"]),
        true,
    ),
    workload(
        b("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"]),
        true,
    ),
    workload(b("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"]), false),
    workload(b("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]), true),
    b(
        "apps",
        "v1",
        "controllerrevisions",
        "ControllerRevision",
        true,
        &[],
    ),
    workload(b("batch", "v1", "jobs", "Job", true, &[]), false),
    workload(b("batch", "v1", "cronjobs", "CronJob", true, &["cj"]), false),
    workload(
        b(
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            true,
            &["hpa"],
        ),
        false,
    ),
    workload(
        b(
            "policy",
            "v1",
            "poddisruptionbudgets",
            "PodDisruptionBudget",
            true,
            &["pdb"],
        ),
        false,
    ),
    B {
        generation: true,
        ..b(
            "admissionregistration.k8s.io",
            "v1",
            "mutatingwebhookconfigurations",
            "MutatingWebhookConfiguration",
            false,
            &[],
        )
    },
    B {
        generation: true,
        ..b(
            "admissionregistration.k8s.io",
            "v1",
            "validatingwebhookconfigurations",
            "ValidatingWebhookConfiguration",
            false,
            &[],
        )
    },
    workload(
        b(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            &["crd", "crds"],
        ),
        false,
    ),
    b(
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "SelfSubjectAccessReview",
        false,
        &[],
    ),
    b(
        "authentication.k8s.io",
        "v1",
        "selfsubjectreviews",
        "SelfSubjectReview",
        false,
        &[],
    ),
    b(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
        &[],
    ),
    b(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
        &[],
    ),
    b("rbac.authorization.k8s.io", "v1", "roles", "Role", true, &[]),
    b(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
        &[],
    ),
    B {
        generation: true,
        ..b(
            "networking.k8s.io",
            "v1",
            "networkpolicies",
            "NetworkPolicy",
            true,
            &["netpol"],
        )
    },
    B {
        generation: true,
        status: true,
        ..b("networking.k8s.io", "v1", "ingresses", "Ingress", true, &["ing"])
    },
    b(
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
    ),
    b("coordination.k8s.io", "v1", "leases", "Lease", true, &[]),
    b(
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        "PriorityClass",
        false,
        &["pc"],
    ),
    b(
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "StorageClass",
        false,
        &["sc"],
    ),
    // Served from the core/v1 Events' store (src/events.rs converts).
    b("events.k8s.io", "v1", "events", "Event", true, &["ev"]),
];

/// The built-in resources in the `all` category (what `kubectl get all` lists): each one's
/// storage answers `Categories() []string { return []string{"all"} }` in kubernetes
/// pkg/registry (core/pod, core/service, core/replicationcontroller, apps/deployment,
/// apps/replicaset, apps/statefulset, apps/daemonset, batch/job, batch/cronjob,
/// autoscaling/horizontalpodautoscaler storage.go); ControllerRevisions are not in it.
const IN_ALL: [&str; 10] = [
    "pods",
    "services",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "horizontalpodautoscalers",
];

pub fn builtins() -> Vec<Arc<Resource>> {
    BUILTINS
        .iter()
        .map(|b| {
            Arc::new(Resource {
                group: b.group.to_string(),
                versions: vec![b.version.to_string()],
                plural: b.plural.to_string(),
                singular: b.kind.to_lowercase(),
                kind: b.kind.to_string(),
                namespaced: b.namespaced,
                short_names: b.short.iter().map(|s| s.to_string()).collect(),
                categories: if IN_ALL.contains(&b.plural) {
                    vec!["all".to_string()]
                } else {
                    vec![]
                },
                generation: b.generation,
                status_sub: b.status,
                scale_sub: b.scale,
                virtual_only: b.plural == "selfsubjectaccessreviews" || b.plural == "selfsubjectreviews",
                crd: false,
            })
        })
        .collect()
}

/// Builds the served resource of a CRD object, or says what is wrong with it (the message
/// becomes a 422).
pub fn from_crd(crd: &Value) -> Result<Resource, String> {
    let spec = crd.get("spec").ok_or("spec: Required value")?;
    let s = |path: &[&str]| crate::util::str_at(spec, path).map(str::to_string);
    let group = s(&["group"]).ok_or("spec.group: Required value")?;
    let plural = s(&["names", "plural"]).ok_or("spec.names.plural: Required value")?;
    let kind = s(&["names", "kind"]).ok_or("spec.names.kind: Required value")?;
    let scope = s(&["scope"]).unwrap_or_else(|| "Namespaced".to_string());
    let name = crate::util::name_of(crd);
    if name != format!("{plural}.{group}") {
        return Err(format!(
            "metadata.name: Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"
        ));
    }
    let versions: Vec<&Value> = spec
        .get("versions")
        .and_then(Value::as_array)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    let served: Vec<String> = versions
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    if served.is_empty() {
        return Err("spec.versions: Invalid value: must have at least one served version".into());
    }
    let status_sub = versions
        .iter()
        .any(|v| crate::util::at(v, &["subresources", "status"]).is_some());
    let list_of = |key: &str| -> Vec<String> {
        crate::util::at(spec, &["names", key])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    Ok(Resource {
        singular: s(&["names", "singular"]).unwrap_or_else(|| kind.to_lowercase()),
        short_names: list_of("shortNames"),
        categories: list_of("categories"),
        group,
        versions: served,
        plural,
        kind,
        namespaced: scope != "Cluster",
        generation: true,
        status_sub,
        // The scale subresource of custom resources is not simulated.
        scale_sub: false,
        virtual_only: false,
        crd: true,
    })
}

//! `istioctl x precheck`: Kubernetes version and install permissions.
use ::kube::api::{Api, PostParams};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use serde_json::{Value, json};

use super::Failure;
use super::args::{Global, PrecheckOpts};
use super::faults::{self, Faults};
use super::kube::{self, Cluster};
use super::progress::Progress;

/// The minimum Kubernetes minor version (1.x) istioctl of `version` accepts.
pub fn min_kubernetes_minor(version: &str) -> u64 {
    let parts: Vec<u64> = version
        .split(['.', '-'])
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let minor = parts.get(1).copied().unwrap_or(0);
    let patch = parts.get(2).copied().unwrap_or(0);
    match minor {
        0..=21 => 22,
        22 | 23 => 26,
        24 => 28,
        25 if patch >= 1 => 29,
        25 => 28,
        26 | 27 => 29,
        28 if patch >= 2 => 30,
        28 => 29,
        _ => 30,
    }
}

struct Message {
    code: &'static str,
    level: &'static str,
    message: String,
}

const PERMISSIONS: &[(&str, &str, bool)] = &[
    ("", "namespaces", false),
    ("rbac.authorization.k8s.io", "clusterroles", false),
    ("rbac.authorization.k8s.io", "clusterrolebindings", false),
    ("apiextensions.k8s.io", "customresourcedefinitions", false),
    ("rbac.authorization.k8s.io", "roles", true),
    ("", "serviceaccounts", true),
    ("", "services", true),
    ("apps", "deployments", true),
    ("", "configmaps", true),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        false,
    ),
];

async fn can_create(cluster: &Cluster, ns: &str, group: &str, resource: &str) -> Result<(), String> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: (!ns.is_empty()).then(|| ns.to_string()),
                verb: Some("create".to_string()),
                group: Some(group.to_string()),
                version: Some("v1".to_string()),
                resource: Some(resource.to_string()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(cluster.client.clone());
    let resp = api
        .create(&PostParams::default(), &review)
        .await
        .map_err(|e| kube::describe(&e))?;
    let status = resp.status.unwrap_or_default();
    if status.allowed {
        Ok(())
    } else {
        Err(status
            .reason
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "permission denied".to_string()))
    }
}

pub async fn run(global: &Global, opts: &PrecheckOpts, faults: &Faults) -> Result<(), Failure> {
    let version = faults::version();
    let istio_ns = global
        .istio_namespace
        .clone()
        .unwrap_or_else(|| "istio-system".to_string());
    let cluster = kube::connect(global).await.map_err(Failure::msg)?;
    let info = cluster.client.apiserver_version().await.map_err(|e| {
        Failure::msg(format!(
            "failed to get the Kubernetes version: {}",
            kube::describe(&e)
        ))
    })?;
    let mut msgs = Vec::new();
    let minor: u64 = info
        .minor
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap_or(0);
    let min = min_kubernetes_minor(&version);
    if info.major.trim() == "1" && minor < min {
        let shown = if info.git_version.is_empty() {
            format!("{}.{}", info.major, info.minor)
        } else {
            info.git_version.clone()
        };
        msgs.push(Message {
            code: "IST0142",
            level: "Error",
            message: format!("The Kubernetes Version {shown:?} is lower than the minimum version: 1.{min}"),
        });
    }
    for (group, resource, namespaced) in PERMISSIONS {
        let ns = if *namespaced { istio_ns.as_str() } else { "" };
        if let Err(e) = can_create(&cluster, ns, group, resource).await {
            msgs.push(Message {
                code: "IST0141",
                level: "Error",
                message: format!("Missing required permission to create resource {resource} ({e})"),
            });
        }
    }

    let doc_version = version.split('.').take(2).collect::<Vec<_>>().join(".");
    let doc_url = |code: &str| {
        format!(
            "https://istio.io/v{doc_version}/docs/reference/config/analysis/{}/",
            code.to_ascii_lowercase()
        )
    };
    let structured: Vec<Value> = msgs
        .iter()
        .map(|m| {
            json!({
                "code": m.code,
                "documentationUrl": doc_url(m.code),
                "level": m.level,
                "message": m.message,
                "origin": "Cluster",
                "reference": ""
            })
        })
        .collect();
    let mut progress = Progress::new(0, faults.slow);
    match opts.output.as_str() {
        "json" => outln!(
            "{}",
            serde_json::to_string_pretty(&structured).unwrap_or_else(|_| "[]".to_string())
        ),
        "yaml" => {
            let text = serde_saphyr::to_string(&structured).unwrap_or_default();
            if !msgs.is_empty() {
                out!("{text}");
            }
        }
        _ => {
            for m in &msgs {
                outln!("{} [{}] (Cluster) {}", m.level, m.code, m.message);
            }
        }
    }
    if msgs.is_empty() {
        progress.line("✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n  To get started, check out https://istio.io/latest/docs/setup/getting-started/.");
        return Ok(());
    }
    Err(Failure::msg(format!(
        "Issues found when checking the cluster. Istio may not be safe to install or upgrade.\nSee https://istio.io/v{doc_version}/docs/reference/config/analysis for more information about causes and resolutions."
    )))
}

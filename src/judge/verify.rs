//! After istioctl: is everything the spec asked for really there? And when something is not,
//! why — the Pending pods and warning events users otherwise dig out by hand.
use k8s_openapi::api::admissionregistration::v1::MutatingWebhookConfiguration;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

use crate::error::Result;
use crate::error::api_error;
use crate::facts::client::list_all;
use crate::spec::Components;

/// CRDs every installation serves; user objects of these kinds are what a mesh is made of.
pub const CORE_CRDS: &[&str] = &[
    "virtualservices.networking.istio.io",
    "destinationrules.networking.istio.io",
    "gateways.networking.istio.io",
    "serviceentries.networking.istio.io",
    "peerauthentications.security.istio.io",
    "authorizationpolicies.security.istio.io",
];

/// What is missing or not ready; empty when the installation verified.
pub async fn problems(client: &Client, components: &Components) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for c in components.enabled() {
        if c.kind.is_daemon_set() {
            let all = list_all(
                Api::<DaemonSet>::all(client.clone()),
                &ListParams::default(),
                "daemonsets",
            )
            .await?;
            match all.iter().find(|d| d.name_any() == c.name) {
                None => problems.push(format!("DaemonSet {} is missing", c.name)),
                Some(d) => {
                    let s = d.status.clone().unwrap_or_default();
                    if s.number_available.unwrap_or(0) < s.desired_number_scheduled {
                        problems.push(format!(
                            "DaemonSet {}: {}/{} pods available",
                            c.name,
                            s.number_available.unwrap_or(0),
                            s.desired_number_scheduled
                        ));
                    }
                }
            }
            continue;
        }
        let api = Api::<Deployment>::namespaced(client.clone(), &c.namespace);
        match api
            .get_opt(&c.name)
            .await
            .map_err(|e| api_error(e, &format!("cannot read Deployment {}", c.name)))?
        {
            None => problems.push(format!("Deployment {}/{} is missing", c.namespace, c.name)),
            Some(d) => {
                let available = d
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| {
                        cs.iter().any(|c| {
                            c.type_.as_deref() == Some("Available") && c.status.as_deref() == Some("True")
                        })
                    });
                if !available {
                    let ready = d.status.as_ref().and_then(|s| s.available_replicas).unwrap_or(0);
                    let want = d.spec.replicas.unwrap_or(1);
                    problems.push(format!(
                        "Deployment {}/{} is not Available ({ready}/{want} pods)",
                        c.namespace, c.name
                    ));
                }
            }
        }
    }
    let namespace = components
        .enabled()
        .find(|c| c.kind == crate::spec::ComponentKind::Pilot)
        .map_or(crate::istio::DEFAULT_NAMESPACE, |c| c.namespace.as_str());
    let revision = components
        .revision
        .as_deref()
        .unwrap_or(crate::istio::DEFAULT_REVISION);
    let injector = crate::istio::injector_webhook(revision, namespace);
    let webhooks = Api::<MutatingWebhookConfiguration>::all(client.clone());
    if webhooks
        .get_opt(&injector)
        .await
        .map_err(|e| api_error(e, "cannot read webhooks"))?
        .is_none()
    {
        problems.push(format!(
            "MutatingWebhookConfiguration {injector} (the sidecar injector) is missing"
        ));
    }
    let crds = Api::<CustomResourceDefinition>::all(client.clone());
    for name in CORE_CRDS {
        if crds
            .get_opt(name)
            .await
            .map_err(|e| api_error(e, "cannot read CRDs"))?
            .is_none()
        {
            problems.push(format!("CustomResourceDefinition {name} is missing"));
        }
    }
    Ok(problems)
}

/// Why pods in `namespace` are not running: one line per unready pod, then recent warnings.
pub async fn diagnose(client: &Client, namespace: &str) -> Result<Vec<String>> {
    let params = ListParams::default();
    let (pods, events) = tokio::try_join!(
        list_all(Api::<Pod>::namespaced(client.clone(), namespace), &params, "pods"),
        list_all(
            Api::<Event>::namespaced(client.clone(), namespace),
            &params,
            "events"
        ),
    )?;
    let mut lines = Vec::new();
    for pod in &pods {
        let status = pod.status.clone().unwrap_or_default();
        let phase = status.phase.clone().unwrap_or_else(|| "Unknown".into());
        let waiting: Vec<String> = status
            .container_statuses
            .iter()
            .flatten()
            .filter_map(|c| {
                let w = c.state.as_ref()?.waiting.as_ref()?;
                Some(format!(
                    "container {} waiting: {}{}",
                    c.name,
                    w.reason.clone().unwrap_or_default(),
                    w.message.as_ref().map(|m| format!(": {m}")).unwrap_or_default()
                ))
            })
            .collect();
        let ready = status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        if ready && phase == "Running" {
            continue;
        }
        let scheduling = events
            .iter()
            .filter(|e| e.involved_object.name.as_deref() == Some(pod.name_any().as_str()))
            .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
            .filter_map(|e| e.message.clone())
            .next_back();
        let mut why = waiting;
        if let Some(message) = scheduling {
            why.push(message);
        }
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(": {}", why.join("; "))
        };
        lines.push(format!("pod {namespace}/{} is {phase}{why}", pod.name_any()));
    }
    let mut warnings: Vec<&Event> = events
        .iter()
        .filter(|e| e.type_.as_deref() == Some("Warning"))
        .collect();
    warnings.sort_by_key(|e| {
        e.last_timestamp
            .as_ref()
            .map(|t| t.0)
            // kube-scheduler records through events.k8s.io: only eventTime is set
            // (k8s.io/kubernetes pkg/apis/events/v1/conversion.go).
            .or(e.event_time.as_ref().map(|t| t.0))
            .or(e.metadata.creation_timestamp.as_ref().map(|t| t.0))
    });
    for e in warnings.iter().rev().take(5).rev() {
        lines.push(format!(
            "event {} {}/{}: {}",
            e.reason.clone().unwrap_or_default(),
            e.involved_object.kind.clone().unwrap_or_default(),
            e.involved_object.name.clone().unwrap_or_default(),
            e.message.clone().unwrap_or_default()
        ));
    }
    Ok(lines)
}

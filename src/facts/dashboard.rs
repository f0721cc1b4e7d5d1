//! Which pod serves an addon's web UI, found the way `istioctl dashboard` finds it
//! (istioctl/pkg/dashboard/dashboard.go at 1.30.3: `inferPodMeta` lists pods by the addon's
//! app label; the UI ports and Kiali's `/kiali` path are its defaults), preferring the pods of
//! the Deployment istioup labelled `istioup.io/addon=NAME`.
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

use crate::error::{Error, Kind, Result, api_error};
use crate::istio::ADDON_LABEL;
use crate::spec::addons::Addon;

/// An addon's web UI: where istioctl looks for its pod and which port serves it.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub addon: Addon,
    /// istioctl's pod selector (`app=kiali`).
    pub selector: &'static str,
    /// The UI's port in the pod, and istioctl's default local port.
    pub port: u16,
    /// What to open: `/kiali` for Kiali, else empty.
    pub path: &'static str,
}

/// The addons with a web UI (Loki has none: istioctl has no `dashboard loki`).
pub fn ui(addon: Addon) -> Option<Ui> {
    let (selector, port, path) = match addon {
        Addon::Kiali => ("app=kiali", 20001, "/kiali"),
        Addon::Grafana => ("app.kubernetes.io/name=grafana", 3000, ""),
        Addon::Prometheus => ("app.kubernetes.io/name=prometheus", 9090, ""),
        Addon::Jaeger => ("app=jaeger", 16686, ""),
        Addon::Zipkin => ("app=zipkin", 9411, ""),
        Addon::Loki => return None,
    };
    Some(Ui {
        addon,
        selector,
        port,
        path,
    })
}

/// Running, Ready and not being deleted: a pod a port-forward can reach and that serves.
fn why_not_ready(pod: &Pod) -> Option<String> {
    if pod.metadata.deletion_timestamp.is_some() {
        return Some("it is being deleted".into());
    }
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Pending");
    if phase != "Running" {
        return Some(format!("it is {phase}"));
    }
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True");
    (!ready).then(|| "it is Running but not Ready".to_string())
}

/// The selector of the Deployment istioup installed for the addon in `namespace`, if any.
async fn labelled_deployment(client: &Client, namespace: &str, addon: Addon) -> Result<Option<String>> {
    let api = Api::<Deployment>::namespaced(client.clone(), namespace);
    let params = ListParams::default().labels(&format!("{ADDON_LABEL}={}", addon.name()));
    let list = api.list(&params).await.map_err(|e| {
        api_error(
            e,
            &format!("listing the {} deployments in {namespace}", addon.name()),
        )
    })?;
    Ok(list.items.iter().find_map(|d| {
        let labels = d.spec.selector.match_labels.as_ref()?;
        let mut pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.sort();
        (!pairs.is_empty()).then(|| pairs.join(","))
    }))
}

/// The pod to forward to: the first Ready pod of the addon in `namespace`.
pub async fn find_pod(client: &Client, namespace: &str, ui: &Ui) -> Result<Pod> {
    let name = ui.addon.name();
    let selector = labelled_deployment(client, namespace, ui.addon)
        .await?
        .unwrap_or_else(|| ui.selector.to_string());
    let api = Api::<Pod>::namespaced(client.clone(), namespace);
    let mut pods = api
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| api_error(e, &format!("listing the {name} pods in {namespace}")))?
        .items;
    if pods.is_empty() {
        return Err(Error::new(
            Kind::ChecksFailed,
            format!("{name} is not installed in namespace {namespace}: no pod matches {selector}"),
        )
        .with_hint(format!(
            "install it with `istioup addons enable {name}`, or name its namespace with -n"
        )));
    }
    pods.sort_by_key(|p| p.name_any());
    let mut reasons = Vec::new();
    for pod in pods {
        match why_not_ready(&pod) {
            None => return Ok(pod),
            Some(why) => reasons.push(format!("pod {}: {why}", pod.name_any())),
        }
    }
    Err(Error::failed(format!(
        "no Ready {name} pod in namespace {namespace} ({})",
        reasons.join("; ")
    ))
    .with_hint(format!(
        "wait for it (`kubectl get pods -n {namespace} -l {selector}` shows it), or look at why with `kubectl describe pod -n {namespace}`"
    )))
}

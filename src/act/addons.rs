//! Installing and removing the release's addons: each object of the addon's manifest is applied
//! with server-side apply (field manager `istioup`, as `kubectl apply --server-side` would) and
//! labelled `istioup.io/addon=NAME`, so removal deletes exactly what istioup applied, and never
//! an addon someone else installed.
use std::collections::HashMap;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{ApiResource, Scope};
use kube::{Client, ResourceExt};
use serde_json::Value;

use super::istioctl::progress::Event;
use super::restart::{Wait, Workload};
use crate::error::{Error, Kind, Result, api_error};
use crate::util::interrupt;

pub use crate::istio::ADDON_LABEL;
pub const FIELD_MANAGER: &str = "istioup";

/// Applies every manifest of an install's addon plan, then waits for each addon's workloads to
/// be Available, recording what was applied in `plan.applied`. `observe` hears each step as
/// istioctl's own progress events, one component per addon (by its name), so the install shows
/// addons the way it shows Istio's components.
pub async fn apply_plan(
    client: &Client,
    plan: &mut crate::judge::addons::Plan,
    timeout: Duration,
    observe: &mut dyn FnMut(Event),
) -> Result<()> {
    let failed = |name: &str, e: &Error| Event::Failed {
        component: name.to_string(),
        error: e.message().to_string(),
    };
    let mut kinds = Kinds::default();
    for (name, objects) in &plan.manifests {
        observe(Event::Processing {
            components: vec![name.clone()],
            waiting: Vec::new(),
        });
        match apply(client, name, objects, &mut kinds).await {
            Ok(applied) => plan.applied.extend(applied),
            Err(e) => {
                observe(failed(name, &e));
                return Err(e);
            }
        }
    }
    for (name, objects) in &plan.manifests {
        let waiting: Vec<String> = objects.iter().filter(|o| is_workload(o)).map(reference).collect();
        if !waiting.is_empty() {
            observe(Event::Processing {
                components: vec![name.clone()],
                waiting,
            });
        }
        match wait_available(client, name, objects, timeout, &mut |_| {}).await {
            Ok(()) => observe(Event::Installed(name.clone())),
            Err(e) => {
                observe(failed(name, &e));
                return Err(e);
            }
        }
    }
    Ok(())
}

/// `Deployment/istio-system/kiali`, as istioctl names what it waits for.
fn reference(object: &Value) -> String {
    format!(
        "{}/{}/{}",
        object["kind"].as_str().unwrap_or(""),
        object["metadata"]["namespace"].as_str().unwrap_or("default"),
        object["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Resolves each kind once per run (`kube::discovery::pinned_kind`, what kubectl's RESTMapper does).
#[derive(Default)]
pub struct Kinds {
    known: HashMap<(String, String), (ApiResource, bool)>,
}

impl Kinds {
    async fn api(&mut self, client: &Client, object: &Value) -> Result<Api<DynamicObject>> {
        let api_version = object["apiVersion"].as_str().unwrap_or("");
        let kind = object["kind"].as_str().unwrap_or("");
        let key = (api_version.to_string(), kind.to_string());
        if !self.known.contains_key(&key) {
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
            let gvk = GroupVersionKind::gvk(group, version, kind);
            let (resource, caps) = kube::discovery::pinned_kind(client, &gvk).await.map_err(|e| {
                api_error(
                    e,
                    &format!("the API server does not serve {kind} ({api_version})"),
                )
            })?;
            self.known
                .insert(key.clone(), (resource, caps.scope == Scope::Namespaced));
        }
        let (resource, namespaced) = &self.known[&key];
        let namespace = object["metadata"]["namespace"].as_str();
        Ok(match (namespaced, namespace) {
            (true, Some(ns)) => Api::namespaced_with(client.clone(), ns, resource),
            (true, None) => Api::default_namespaced_with(client.clone(), resource),
            (false, _) => Api::all_with(client.clone(), resource),
        })
    }
}

/// `deployment/kiali -n istio-system`
pub fn describe(object: &Value) -> String {
    let kind = object["kind"].as_str().unwrap_or("").to_lowercase();
    let name = object["metadata"]["name"].as_str().unwrap_or("");
    match object["metadata"]["namespace"].as_str() {
        Some(ns) => format!("{kind}/{name} -n {ns}"),
        None => format!("{kind}/{name}"),
    }
}

/// Applies every object of `addon`'s manifest, labelled as istioup's.
pub async fn apply(
    client: &Client,
    addon: &str,
    objects: &[Value],
    kinds: &mut Kinds,
) -> Result<Vec<String>> {
    let mut applied = Vec::new();
    for object in objects {
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                format!(
                    "interrupted while applying {}; re-run the same command to finish",
                    addon
                ),
            ));
        }
        let mut object = object.clone();
        object["metadata"]["labels"][ADDON_LABEL] = Value::String(addon.to_string());
        let name = object["metadata"]["name"].as_str().unwrap_or("").to_string();
        let api = kinds.api(client, &object).await?;
        let params = PatchParams::apply(FIELD_MANAGER).force();
        api.patch(&name, &params, &Patch::Apply(&object))
            .await
            .map_err(|e| api_error(e, &format!("cannot apply {} of {}", describe(&object), addon)))?;
        super::journal::record("applied", describe(&object), Some(format!("addon {}", addon)));
        applied.push(describe(&object));
    }
    Ok(applied)
}

/// Waits until every Deployment (and StatefulSet: Loki) of the manifest is Available, as restarts wait
/// (`restart::wait_rollout`, FailedCreate fail-fast included), saying what it waits for. Not
/// Available in time names the pods that are not ready and why (a Pending pod's
/// FailedScheduling event): exit 4, as an Istio component that does not become ready.
pub async fn wait_available(
    client: &Client,
    addon: &str,
    objects: &[Value],
    timeout: Duration,
    say: &mut dyn FnMut(String),
) -> Result<()> {
    for object in objects.iter().filter(|o| is_workload(o)) {
        let name = object["metadata"]["name"].as_str().unwrap_or("");
        let ns = object["metadata"]["namespace"].as_str().unwrap_or("default");
        let kind = object["kind"].as_str().unwrap_or("Deployment");
        let what = format!("{}/{name} -n {ns}", kind.to_lowercase());
        let workload = Workload {
            kind: kind.into(),
            namespace: ns.into(),
            name: name.into(),
            pods: object["spec"]["replicas"].as_u64().unwrap_or(1) as usize,
        };
        say(format!("waiting for {what} ({addon}) to be Available"));
        match super::restart::wait_rollout(client, &workload, timeout).await? {
            Wait::Ready => say(format!("✔ {addon} available")),
            Wait::FailedCreate(why) => {
                return Err(Error::new(
                    Kind::Istioctl,
                    format!("{addon}: the pods of {what} cannot be created: {why}"),
                )
                .with_hint(format!(
                    "kubectl -n {ns} get events --field-selector involvedObject.kind=ReplicaSet; fix what it says, then re-run the same command"
                )));
            }
            Wait::TimedOut { state, pods } => {
                return Err(Error::new(
                    Kind::Istioctl,
                    format!(
                        "{addon} did not become Available within {}s: {what} has {state}{}",
                        timeout.as_secs(),
                        super::restart::pods_suffix(&pods)
                    ),
                )
                .with_hint(format!(
                    "see why: kubectl -n {ns} describe pods -l app={name}; free capacity; a slow cluster needs longer (install --readiness-timeout, addons enable --timeout)"
                )));
            }
        }
    }
    Ok(())
}

/// The kinds whose pods an addon waits for (the release's manifests hold Deployments and Loki's
/// StatefulSet).
pub fn is_workload(object: &Value) -> bool {
    matches!(object["kind"].as_str(), Some("Deployment" | "StatefulSet"))
}

/// Deletes the objects of `addon`'s manifest that carry istioup's label for it; those without it
/// (someone else's) are left alone and returned second.
pub async fn remove(
    client: &Client,
    addon: &str,
    objects: &[Value],
    kinds: &mut Kinds,
) -> Result<(Vec<String>, Vec<String>)> {
    let (mut removed, mut spared) = (Vec::new(), Vec::new());
    for object in objects.iter().rev() {
        if interrupt::interrupted() {
            return Err(Error::new(
                Kind::Interrupted,
                "interrupted; re-run the same command to finish",
            ));
        }
        let name = object["metadata"]["name"].as_str().unwrap_or("");
        let api = kinds.api(client, object).await?;
        let what = describe(object);
        let Some(live) = api
            .get_opt(name)
            .await
            .map_err(|e| api_error(e, &format!("cannot read {what}")))?
        else {
            continue;
        };
        if live.labels().get(ADDON_LABEL).map(String::as_str) != Some(addon) {
            spared.push(what);
            continue;
        }
        match api.delete(name, &DeleteParams::background()).await {
            Ok(_) => {
                super::journal::record("deleted", what.clone(), Some(format!("addon {}", addon)));
                removed.push(what);
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(api_error(e, &format!("cannot delete {what}"))),
        }
    }
    Ok((removed, spared))
}

/// Deletes every object istioup applied for any addon (labelled `istioup.io/addon`), of the
/// kinds the release's addon manifests hold: what `uninstall` does unless `--keep-addons`.
/// Returns what was deleted, kubectl's way.
pub async fn remove_all(client: &Client) -> Result<Vec<String>> {
    use k8s_openapi::api::apps::v1::StatefulSet;
    use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service, ServiceAccount};
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
    let kinds = [
        ("Deployment", ApiResource::erase::<Deployment>(&())),
        ("StatefulSet", ApiResource::erase::<StatefulSet>(&())),
        ("Service", ApiResource::erase::<Service>(&())),
        ("ConfigMap", ApiResource::erase::<ConfigMap>(&())),
        ("Secret", ApiResource::erase::<Secret>(&())),
        ("ServiceAccount", ApiResource::erase::<ServiceAccount>(&())),
        ("RoleBinding", ApiResource::erase::<RoleBinding>(&())),
        ("Role", ApiResource::erase::<Role>(&())),
        (
            "ClusterRoleBinding",
            ApiResource::erase::<ClusterRoleBinding>(&()),
        ),
        ("ClusterRole", ApiResource::erase::<ClusterRole>(&())),
    ];
    let mut kinds = kinds.to_vec();
    // The release's PodMonitor/ServiceMonitor, where prometheus-operator's API is served
    // (asking for an unserved kind would only be a 404).
    let served = crate::facts::prometheus::monitoring(client).await?;
    for (served, kind, plural) in [
        (served.pod_monitors, "PodMonitor", "podmonitors"),
        (served.service_monitors, "ServiceMonitor", "servicemonitors"),
    ] {
        if served {
            kinds.push((kind, monitoring_resource(kind, plural)));
        }
    }
    let params = kube::api::ListParams::default().labels(ADDON_LABEL);
    let mut removed = Vec::new();
    for (kind, resource) in &kinds {
        let all = Api::<DynamicObject>::all_with(client.clone(), resource);
        let found = crate::facts::client::list_all(all, &params, &format!("addon {kind}s")).await?;
        for object in found {
            let name = object.name_any();
            let api = match object.namespace() {
                Some(ns) => Api::<DynamicObject>::namespaced_with(client.clone(), &ns, resource),
                None => Api::<DynamicObject>::all_with(client.clone(), resource),
            };
            let what = match object.namespace() {
                Some(ns) => format!("{}/{name} -n {ns}", kind.to_lowercase()),
                None => format!("{}/{name}", kind.to_lowercase()),
            };
            match api.delete(&name, &DeleteParams::background()).await {
                Ok(_) => {
                    super::journal::record("deleted", what.clone(), Some("addon".into()));
                    removed.push(what);
                }
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => return Err(api_error(e, &format!("cannot delete {what}"))),
            }
        }
    }
    Ok(removed)
}

fn monitoring_resource(kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: "monitoring.coreos.com".into(),
        version: "v1".into(),
        api_version: crate::facts::prometheus::MONITORING_GROUP.into(),
        kind: kind.into(),
        plural: plural.into(),
    }
}

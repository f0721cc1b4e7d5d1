//! What mutual TLS depends on, read once: PeerAuthentications and DestinationRules, pods
//! (every label, for selectors), Services, namespaces, the mesh's root namespace, and the
//! Prometheus series that show who talks plaintext. Reading only; the verdicts are in
//! `judge::mtls`.
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DynamicObject, ListParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::{Client, ResourceExt};
use serde::Serialize;
use serde_json::Value;

use super::client::{fold_all, list_all};
use super::pods::{has_proxy, is_live};
use crate::error::{Error, Result, api_error};
use crate::istio::injection::{PodView, carries_sidecar};
use crate::istio::{DEFAULT_NAMESPACE, INJECT_LABEL, STATUS_ANNOTATION};

/// The label on every PeerAuthentication istioup made: only those are changed or removed.
pub const MANAGED_LABEL: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_VALUE: &str = "istioup";

pub fn peer_authentication_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("security.istio.io", "v1", "PeerAuthentication"),
        "peerauthentications",
    )
}

/// The PeerAuthentications istioup made (`istioup mtls`), as `namespace/name`: what uninstall
/// deletes. None when the CRD is not served.
pub async fn own_peer_authentications(client: &Client) -> Result<Vec<String>> {
    let api = Api::<DynamicObject>::all_with(client.clone(), &peer_authentication_resource());
    let params = ListParams::default().labels(&format!("{MANAGED_LABEL}={MANAGED_VALUE}"));
    let found = match api.list(&params).await {
        Ok(list) => list.items,
        Err(kube::Error::Api(s)) if s.code == 404 => return Ok(Vec::new()),
        Err(e) => return Err(api_error(e, "cannot list istioup's PeerAuthentications")),
    };
    let mut out: Vec<String> = found
        .iter()
        .map(|pa| format!("{}/{}", pa.namespace().unwrap_or_default(), pa.name_any()))
        .collect();
    out.sort();
    Ok(out)
}

fn destination_rule_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("networking.istio.io", "v1", "DestinationRule"),
        "destinationrules",
    )
}

/// One PeerAuthentication, as Istio reads it (security/v1beta1 PeerAuthentication).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeerAuthn {
    pub namespace: String,
    pub name: String,
    /// `spec.selector.matchLabels`; empty means namespace-wide (or mesh-wide in the root namespace).
    pub selector: BTreeMap<String, String>,
    /// `spec.mtls.mode`; `None` or `UNSET` inherits.
    pub mode: Option<String>,
    /// `spec.portLevelMtls`: container port → mode (`None`: UNSET).
    pub ports: BTreeMap<u32, Option<String>>,
    #[serde(skip)]
    pub created: Option<Timestamp>,
    /// Carries istioup's label: istioup made it and may change it.
    pub owned: bool,
}

/// A DestinationRule's client-side TLS setting that is not Istio's mutual TLS.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientTls {
    pub namespace: String,
    pub name: String,
    pub host: String,
    /// `DISABLE` or `SIMPLE` (or `MUTUAL`: the client's own certificates, not Istio's).
    pub mode: String,
    /// Set for a `portLevelSettings` entry.
    pub port: Option<u32>,
}

/// A pod, reduced to what mutual TLS questions read.
#[derive(Debug, Clone, Default)]
pub struct PodFacts {
    pub namespace: String,
    pub name: String,
    /// The workload it belongs to (`deployment/web`), or `pod/NAME` for a bare pod.
    pub workload: String,
    pub labels: BTreeMap<String, String>,
    /// Runs an injected sidecar (a gateway's own proxy does not count).
    pub sidecar: bool,
    /// Runs `istio-proxy` at all (sidecars and gateways speak mutual TLS as clients).
    pub proxy: bool,
    /// Named container ports, for Services whose targetPort is a name.
    pub named_ports: BTreeMap<String, u32>,
}

/// A Service with a selector: which pods back it, on which target ports.
#[derive(Debug, Clone, Default)]
pub struct ServiceFacts {
    pub namespace: String,
    pub name: String,
    pub selector: BTreeMap<String, String>,
    /// Each port's targetPort: a number, or a container port name.
    pub targets: Vec<IntOrString>,
}

#[derive(Debug, Clone, Default)]
pub struct MtlsFacts {
    /// meshConfig.rootNamespace: where the mesh-wide PeerAuthentication lives.
    pub root_namespace: String,
    /// Whether the PeerAuthentication CRD is served (Istio's CRDs are installed).
    pub crd: bool,
    pub peer_authns: Vec<PeerAuthn>,
    pub client_tls: Vec<ClientTls>,
    pub pods: Vec<PodFacts>,
    pub services: Vec<ServiceFacts>,
    pub namespaces: Vec<String>,
}

/// Reads everything at once (paginated lists, concurrently).
pub async fn read(client: &Client, istio_namespaces: &[String]) -> Result<MtlsFacts> {
    let all = ListParams::default();
    let (pa_resource, dr_resource) = (peer_authentication_resource(), destination_rule_resource());
    let (pas, drs, pods, services, namespaces, root) = tokio::try_join!(
        list_custom(client, &pa_resource),
        list_custom(client, &dr_resource),
        fold_all(
            Api::<Pod>::all(client.clone()),
            &all,
            "pods",
            Vec::new(),
            |pods, pod| {
                if is_live(&pod) {
                    pods.push(pod_facts(pod));
                }
            }
        ),
        list_all(Api::<Service>::all(client.clone()), &all, "services"),
        list_all(Api::<Namespace>::all(client.clone()), &all, "namespaces"),
        root_namespace(client, istio_namespaces),
    )?;
    let mut pods = pods;
    pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let mut peer_authns: Vec<PeerAuthn> = pas.iter().flatten().map(peer_authn).collect();
    peer_authns.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(MtlsFacts {
        root_namespace: root,
        crd: pas.is_some(),
        peer_authns,
        client_tls: drs.iter().flatten().flat_map(client_tls).collect(),
        pods,
        services: services.iter().filter_map(service_facts).collect(),
        namespaces: namespaces.iter().map(|n| n.name_any()).collect(),
    })
}

/// Every object of a custom kind; `None` when the kind is not served (its CRD is missing).
async fn list_custom(client: &Client, ar: &ApiResource) -> Result<Option<Vec<DynamicObject>>> {
    let api = Api::<DynamicObject>::all_with(client.clone(), ar);
    match api.list(&ListParams::default().limit(1)).await {
        Err(kube::Error::Api(status)) if status.code == 404 => return Ok(None),
        Err(e) => return Err(api_error(e, &format!("cannot list {}", ar.plural))),
        Ok(_) => {}
    }
    list_all(api, &ListParams::default(), &ar.plural).await.map(Some)
}

pub fn peer_authn(o: &DynamicObject) -> PeerAuthn {
    let spec = o.data.get("spec").cloned().unwrap_or(Value::Null);
    let mode_of = |v: &Value| v.get("mode").and_then(Value::as_str).map(String::from);
    let selector = spec
        .pointer("/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let ports = spec
        .get("portLevelMtls")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.parse::<u32>().ok()?, mode_of(v))))
                .collect()
        })
        .unwrap_or_default();
    PeerAuthn {
        namespace: o.namespace().unwrap_or_default(),
        name: o.name_any(),
        selector,
        mode: spec.get("mtls").and_then(mode_of),
        ports,
        created: o.metadata.creation_timestamp.as_ref().map(|t| t.0),
        owned: o.labels().get(MANAGED_LABEL).map(String::as_str) == Some(MANAGED_VALUE),
    }
}

/// The TLS settings of a DestinationRule that are not `ISTIO_MUTUAL`: for the whole host and
/// per port (networking/v1 DestinationRule: trafficPolicy.tls, portLevelSettings[].tls).
fn client_tls(o: &DynamicObject) -> Vec<ClientTls> {
    let spec = o.data.get("spec").cloned().unwrap_or(Value::Null);
    let host = spec
        .get("host")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut out = Vec::new();
    let mut push = |tls: Option<&Value>, port: Option<u32>| {
        let mode = tls.and_then(|t| t.get("mode")).and_then(Value::as_str);
        if let Some(mode) = mode.filter(|m| matches!(*m, "DISABLE" | "SIMPLE" | "MUTUAL")) {
            out.push(ClientTls {
                namespace: o.namespace().unwrap_or_default(),
                name: o.name_any(),
                host: host.clone(),
                mode: mode.to_string(),
                port,
            });
        }
    };
    let policy = spec.get("trafficPolicy");
    push(policy.and_then(|p| p.get("tls")), None);
    for setting in policy
        .and_then(|p| p.get("portLevelSettings"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let port = setting
            .pointer("/port/number")
            .and_then(Value::as_u64)
            .and_then(|p| u32::try_from(p).ok());
        push(setting.get("tls"), port);
    }
    out
}

fn pod_facts(pod: Pod) -> PodFacts {
    let proxy = has_proxy(&pod);
    let labels = pod.labels().clone();
    let annotations = pod.annotations().clone();
    let spec = pod.spec.clone().unwrap_or_default();
    let view = PodView {
        labels: &labels,
        injector_status: annotations.get(STATUS_ANNOTATION).map(String::as_str),
        inject_annotation: annotations.get(INJECT_LABEL).map(String::as_str),
        host_network: spec.host_network == Some(true),
    };
    let sidecar = carries_sidecar(view, proxy);
    let named_ports = spec
        .containers
        .iter()
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| Some((p.name.clone()?, u32::try_from(p.container_port).ok()?)))
        .collect();
    PodFacts {
        namespace: pod.namespace().unwrap_or_default(),
        name: pod.name_any(),
        workload: workload_of(&pod),
        labels,
        sidecar,
        proxy,
        named_ports,
    }
}

/// `deployment/web` for a pod of ReplicaSet `web-<pod-template-hash>`, `statefulset/db`,
/// `daemonset/agent`, `job/x`; `pod/NAME` without a controller.
fn workload_of(pod: &Pod) -> String {
    let Some(owner) = pod.owner_references().iter().find(|o| o.controller == Some(true)) else {
        return format!("pod/{}", pod.name_any());
    };
    if owner.kind == "ReplicaSet"
        && let Some(hash) = pod.labels().get("pod-template-hash")
        && let Some(deploy) = owner.name.strip_suffix(&format!("-{hash}"))
    {
        return format!("deployment/{deploy}");
    }
    format!("{}/{}", owner.kind.to_lowercase(), owner.name)
}

fn service_facts(svc: &Service) -> Option<ServiceFacts> {
    let spec = svc.spec.as_ref()?;
    let selector = spec.selector.clone().filter(|s| !s.is_empty())?;
    let targets = spec
        .ports
        .iter()
        .flatten()
        .map(|p| p.target_port.clone().unwrap_or(IntOrString::Int(p.port)))
        .collect();
    Some(ServiceFacts {
        namespace: svc.namespace().unwrap_or_default(),
        name: svc.name_any(),
        selector,
        targets,
    })
}

/// meshConfig.rootNamespace from the control plane's mesh ConfigMap (`istio`, or `istio-REV`),
/// which the chart sets to the Istio namespace unless told otherwise
/// (manifests/charts/istio-control/istio-discovery/templates/configmap.yaml).
async fn root_namespace(client: &Client, istio_namespaces: &[String]) -> Result<String> {
    let fallback = istio_namespaces
        .first()
        .cloned()
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
    let mut configmaps = Vec::new();
    for ns in istio_namespaces {
        let api = Api::<ConfigMap>::namespaced(client.clone(), ns);
        configmaps.extend(list_all(api, &ListParams::default(), "configmaps").await?);
    }
    Ok(root_namespace_in(&configmaps).unwrap_or(fallback))
}

/// `rootNamespace` of the first mesh ConfigMap (`istio`, `istio-REV`, key `mesh`) that sets it.
pub fn root_namespace_in(configmaps: &[ConfigMap]) -> Option<String> {
    configmaps
        .iter()
        .filter(|c| c.name_any() == "istio" || c.name_any().starts_with("istio-"))
        .filter_map(|cm| cm.data.as_ref()?.get("mesh"))
        .find_map(|mesh| {
            let parsed: Value = serde_saphyr::from_str(mesh).ok()?;
            parsed.get("rootNamespace")?.as_str().map(String::from)
        })
}

/// Where a Prometheus answers: `namespace/service:port`, reached through the API server's
/// service proxy.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrometheusRef {
    pub namespace: String,
    pub service: String,
    pub port: i32,
}

impl std::fmt::Display for PrometheusRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}:{}", self.namespace, self.service, self.port)
    }
}

/// `--prometheus NS/NAME:PORT`.
pub fn parse_prometheus(text: &str) -> Result<PrometheusRef, String> {
    let bad = || format!("{text:?} is not NAMESPACE/SERVICE:PORT (e.g. istio-system/prometheus:9090)");
    let (ns, rest) = text.split_once('/').ok_or_else(bad)?;
    let (svc, port) = rest.split_once(':').ok_or_else(bad)?;
    let port: i32 = port.parse().map_err(|_| bad())?;
    if ns.is_empty() || svc.is_empty() {
        return Err(bad());
    }
    Ok(PrometheusRef {
        namespace: ns.into(),
        service: svc.into(),
        port,
    })
}

/// The Prometheus to ask: Istio's addon (Service `prometheus` in an Istio namespace,
/// samples/addons/prometheus.yaml), else a Service labelled `app.kubernetes.io/name=prometheus`
/// or `app=prometheus` anywhere, on its port 9090 or its first port.
pub async fn find_prometheus(client: &Client, istio_namespaces: &[String]) -> Result<Option<PrometheusRef>> {
    let mut candidates = Vec::new();
    for selector in ["app.kubernetes.io/name=prometheus", "app=prometheus"] {
        let params = ListParams::default().labels(selector);
        candidates.extend(list_all(Api::<Service>::all(client.clone()), &params, "services").await?);
    }
    for ns in istio_namespaces {
        if let Some(svc) = Api::<Service>::namespaced(client.clone(), ns)
            .get_opt("prometheus")
            .await
            .map_err(|e| api_error(e, &format!("cannot read service {ns}/prometheus")))?
        {
            candidates.insert(0, svc);
        }
    }
    Ok(candidates.iter().find_map(|svc| {
        let ports = svc.spec.as_ref()?.ports.clone()?;
        let port = ports.iter().find(|p| p.port == 9090).or(ports.first())?.port;
        Some(PrometheusRef {
            namespace: svc.namespace()?,
            service: svc.name_any(),
            port,
        })
    }))
}

/// The Prometheus named by `--prometheus`, else the one `find_prometheus` finds.
pub async fn prometheus(
    client: &Client,
    flag: Option<&str>,
    istio_namespaces: &[String],
) -> Result<Option<PrometheusRef>> {
    match flag {
        Some(text) => parse_prometheus(text).map(Some).map_err(Error::usage),
        None => find_prometheus(client, istio_namespaces).await,
    }
}

/// Every series of every query.
pub async fn samples(client: &Client, prom: &PrometheusRef, queries: &[String]) -> Result<Vec<Sample>> {
    let mut out = Vec::new();
    for q in queries {
        out.extend(query(client, prom, q).await?);
    }
    Ok(out)
}

/// One series of an instant vector: its labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Runs an instant query through the API server's service proxy
/// (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/api/v1/query`) and reads Prometheus'
/// answer (`{"status":"success","data":{"resultType":"vector","result":[{"metric":{...},
/// "value":[t,"v"]}]}}`, prometheus docs/querying/api.md).
pub async fn query(client: &Client, prom: &PrometheusRef, promql: &str) -> Result<Vec<Sample>> {
    let path = format!(
        "/api/v1/namespaces/{}/services/{}:{}/proxy/api/v1/query?query={}",
        prom.namespace,
        prom.service,
        prom.port,
        encode(promql)
    );
    let failed = |why: String| Error::failed(format!("Prometheus at {prom} did not answer the query: {why}"));
    let request = http::Request::get(&path)
        .body(Vec::new())
        .map_err(|e| failed(e.to_string()))?;
    let text = client.request_text(request).await.map_err(|e| match e {
        kube::Error::Api(status) => failed(status.message.clone()),
        other => failed(other.to_string()),
    })?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| failed(format!("not JSON ({e})")))?;
    if doc.get("status").and_then(Value::as_str) != Some("success") {
        let why = doc
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("status is not success");
        return Err(failed(why.to_string()));
    }
    let result = doc
        .pointer("/data/result")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(result
        .iter()
        .filter_map(|r| {
            let labels = r
                .get("metric")?
                .as_object()?
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            let value = r.pointer("/value/1")?.as_str()?.parse::<f64>().ok()?;
            Some(Sample { labels, value })
        })
        .collect())
}

/// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_refs() {
        let r = parse_prometheus("monitoring/prom:9090").unwrap();
        assert_eq!(r.to_string(), "monitoring/prom:9090");
        for bad in ["prom:9090", "monitoring/prom", "/prom:1", "m/p:x"] {
            assert!(parse_prometheus(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queries_are_encoded() {
        assert_eq!(encode("a{b=\"c\"}[1h]"), "a%7Bb%3D%22c%22%7D%5B1h%5D");
    }
}

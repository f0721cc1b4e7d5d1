//! Istio sidecar injection, as the istiod webhook would do it: which pods get a proxy
//! (namespace and pod labels, revisions and tags, the never-injected cases) and what the
//! injected pod looks like (containers, requests, labels, the status annotation).
use crate::store::Store;
use crate::util::{at, label, name_of, namespace_of, str_at};
use serde_json::{Value, json};

const DEFAULT_REQUESTS: (&str, &str) = ("100m", "128Mi");
const DEFAULT_LIMITS: (&str, &str) = ("2000m", "1024Mi");

/// Finds a named object of a core/apps kind, preferring istio-system (istio can live in
/// another namespace, so any namespace will do).
fn find_named(st: &Store, group: &str, plural: &str, name: &str) -> Option<std::sync::Arc<Value>> {
    if let Some(o) = st.get(group, plural, "istio-system", name) {
        return Some(o);
    }
    let gr = (group.to_string(), plural.to_string());
    st.iter_ns(&gr, None)
        .find(|(k, _)| k.1 == name)
        .map(|(_, o)| o.clone())
}

/// The `values` JSON of a revision's injector ConfigMap, if there is one.
fn injector_values(st: &Store, rev: &str) -> Option<Value> {
    let name = if rev == "default" {
        "istio-sidecar-injector".to_string()
    } else {
        format!("istio-sidecar-injector-{rev}")
    };
    let cm = find_named(st, "", "configmaps", &name)?;
    let raw = str_at(&cm, &["data", "values"])?;
    serde_json::from_str(raw).ok()
}

/// The webhook that serves a revision or tag, and the revision it injects: a tag webhook
/// (`istio.io/tag=<rev>`) or the revision's own injector (`istio.io/rev=<rev>`, no tag label),
/// whatever its name (outside istio-system the charts append the namespace).
fn webhook_for(st: &Store, rev: &str) -> Option<String> {
    let gr = (
        "admissionregistration.k8s.io".to_string(),
        "mutatingwebhookconfigurations".to_string(),
    );
    // Only configurations without webhooks (the shorthand); real ones go through admission.
    let hooks: Vec<std::sync::Arc<Value>> = st
        .iter_ns(&gr, None)
        .filter(|(_, o)| {
            o.get("webhooks")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
        })
        .map(|(_, o)| o.clone())
        .collect();
    // By name first (the names the charts give in istio-system; the webhook may carry no
    // labels at all).
    let names = if rev == "default" {
        [
            "istio-sidecar-injector".to_string(),
            "istio-revision-tag-default".to_string(),
        ]
    } else {
        [
            format!("istio-sidecar-injector-{rev}"),
            format!("istio-revision-tag-{rev}"),
        ]
    };
    if let Some(wh) = names
        .iter()
        .find_map(|n| hooks.iter().find(|h| name_of(h) == n.as_str()))
    {
        return Some(label(wh, "istio.io/rev").unwrap_or(rev).to_string());
    }
    let by_tag = hooks.iter().find(|h| label(h, "istio.io/tag") == Some(rev));
    let by_rev = hooks
        .iter()
        .find(|h| label(h, "istio.io/tag").is_none() && label(h, "istio.io/rev") == Some(rev));
    let wh = by_tag.or(by_rev)?;
    Some(label(wh, "istio.io/rev").unwrap_or(rev).to_string())
}

/// The revision (or tag) whose webhook would be called for this pod, by the rules of
/// ISTIO-FACTS.md "Injection"; `None` when the pod is never injected.
/// What istiod itself never injects, whatever webhook called it: kube-system and
/// kube-public, hostNetwork pods, pods labelled `sidecar.istio.io/inject: "false"`, and pods
/// that already have a proxy.
/// IgnoredNamespaces of pkg/kube/inject/initializer.go, host-network pods, opted-out pods, and
/// pods that already run a proxy (as a container or a native sidecar).
fn never_injected(pod: &Value) -> bool {
    let ns = namespace_of(pod);
    let has_proxy = |list: &str| {
        at(pod, &["spec", list])
            .and_then(Value::as_array)
            .is_some_and(|cs| cs.iter().any(|c| str_at(c, &["name"]) == Some("istio-proxy")))
    };
    matches!(
        ns,
        "kube-system" | "kube-public" | "kube-node-lease" | "local-path-storage"
    ) || at(pod, &["spec", "hostNetwork"]).and_then(Value::as_bool) == Some(true)
        || label(pod, "sidecar.istio.io/inject") == Some("false")
        || has_proxy("containers")
        || has_proxy("initContainers")
}

pub fn wanted_revision(st: &Store, pod: &Value) -> Option<String> {
    if never_injected(pod) {
        return None;
    }
    let ns = namespace_of(pod);
    let pod_inject = label(pod, "sidecar.istio.io/inject");
    let ns_obj = st.get("", "namespaces", "", ns);
    let ns_label = |k: &str| ns_obj.as_deref().and_then(|n| label(n, k)).map(str::to_string);
    match ns_label("istio-injection").as_deref() {
        Some("disabled") => return None,
        Some("enabled") => return Some("default".into()),
        _ => {}
    }
    if let Some(rev) = ns_label("istio.io/rev") {
        return Some(rev);
    }
    if let Some(rev) = label(pod, "istio.io/rev") {
        return Some(rev.to_string());
    }
    if pod_inject == Some("true") {
        return Some("default".into());
    }
    let by_default = injector_values(st, "default")
        .and_then(|v| {
            at(&v, &["sidecarInjectorWebhook", "enableNamespacesByDefault"]).and_then(Value::as_bool)
        })
        .unwrap_or(false);
    by_default.then(|| "default".into())
}

/// Whether the CNI component is installed (then no `istio-init` container is added).
/// Whether the injector puts the proxy in as a native sidecar (an init container with
/// `restartPolicy: Always`): since 1.27 ENABLE_NATIVE_SIDECARS defaults to `auto`
/// (pilot/pkg/features/pilot.go), which DetectNativeSidecar (pkg/kube/inject/webhook.go) turns
/// on when every node's kubelet is 1.33 or newer (a pod not yet scheduled is judged by all).
fn native_sidecar(st: &Store, tag: &str) -> bool {
    let minor = |v: &str| -> Option<u32> { v.trim_start_matches('v').split('.').nth(1)?.parse().ok() };
    if minor(tag).is_none_or(|m| m < 27) {
        return false;
    }
    let gr = (String::new(), "nodes".to_string());
    let mut nodes = st.iter_ns(&gr, None).peekable();
    nodes.peek().is_some()
        && nodes.all(|(_, n)| {
            str_at(n, &["status", "nodeInfo", "kubeletVersion"])
                .and_then(minor)
                .is_some_and(|m| m >= 33)
        })
}

fn cni_on(st: &Store) -> bool {
    find_named(st, "", "configmaps", "istio-cni-config").is_some()
        || find_named(st, "apps", "daemonsets", "istio-cni-node").is_some()
}

/// The shorthand: injects the sidecar into a pod being created when an injector
/// configuration *without webhooks* exists for the revision the pod's labels and namespace
/// ask for (what the chart's selectors would pick). There is no service to call, so it is
/// always available; configurations with webhooks go through `admission` instead.
pub fn inject(st: &Store, pod: &mut Value) {
    let Some(wanted) = wanted_revision(st, pod) else {
        return;
    };
    let Some(rev) = webhook_for(st, &wanted) else {
        return;
    };
    apply(st, pod, &rev, &wanted);
}

/// Injection by a reachable injector webhook of revision `rev` whose selectors matched.
pub fn inject_revision(st: &Store, pod: &mut Value, rev: &str) {
    if never_injected(pod) {
        return;
    }
    apply(st, pod, rev, rev);
}

fn apply(st: &Store, pod: &mut Value, rev: &str, wanted: &str) {
    let values = injector_values(st, rev)
        .or_else(|| injector_values(st, wanted))
        .unwrap_or(Value::Null);
    let res = |kind: &str, key: &str, dflt: &str| {
        at(&values, &["global", "proxy", "resources", kind, key])
            .cloned()
            .unwrap_or_else(|| json!(dflt))
    };
    let resources = json!({
        "requests": {"cpu": res("requests", "cpu", DEFAULT_REQUESTS.0), "memory": res("requests", "memory", DEFAULT_REQUESTS.1)},
        "limits": {"cpu": res("limits", "cpu", DEFAULT_LIMITS.0), "memory": res("limits", "memory", DEFAULT_LIMITS.1)},
    });
    let hub = str_at(&values, &["global", "hub"]).unwrap_or("docker.io/istio");
    let tag = at(&values, &["global", "tag"])
        .map(|t| t.as_str().map(str::to_string).unwrap_or_else(|| t.to_string()))
        .unwrap_or_else(|| "1.28.0".into());
    let image = format!("{hub}/proxyv2:{tag}");
    let with_init = !cni_on(st);
    let app = label(pod, "app")
        .or_else(|| label(pod, "app.kubernetes.io/name"))
        .unwrap_or_else(|| name_of(pod))
        .to_string();
    let first_container = at(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);

    let spec = crate::util::obj_at(pod, &["spec"]);
    let proxy = json!({
        "name": "istio-proxy",
        "image": image,
        "args": ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
        "ports": [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}],
        "resources": resources,
        "securityContext": {"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": true},
        "volumeMounts": [{"name": "istio-envoy", "mountPath": "/etc/istio/proxy"}],
    });
    let native = native_sidecar(st, &tag);
    let mut inits = vec![];
    let mut containers = vec![];
    if native {
        let mut proxy = proxy;
        proxy["restartPolicy"] = json!("Always");
        // First among the init containers (after istio-init, inserted below), so the proxy
        // runs while the app's own init containers do.
        match spec.get_mut("initContainers") {
            Some(Value::Array(cs)) => cs.insert(0, proxy),
            _ => {
                spec.insert("initContainers".into(), json!([proxy]));
            }
        }
    } else {
        match spec.get_mut("containers") {
            Some(Value::Array(cs)) => cs.push(proxy),
            _ => {
                spec.insert("containers".into(), json!([proxy]));
            }
        }
        containers.push("istio-proxy");
    }
    if with_init {
        let init = json!({
            "name": "istio-init",
            "image": format!("{hub}/proxyv2:{tag}"),
            "args": ["istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337"],
            "resources": resources,
            "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]}, "runAsUser": 0},
        });
        match spec.get_mut("initContainers") {
            Some(Value::Array(cs)) => cs.insert(0, init),
            _ => {
                spec.insert("initContainers".into(), json!([init]));
            }
        }
        inits.push("istio-init");
    }
    if native {
        inits.push("istio-proxy");
    }
    let vol = json!({"name": "istio-envoy", "emptyDir": {"medium": "Memory"}});
    match spec.get_mut("volumes") {
        Some(Value::Array(vs)) => vs.push(vol),
        _ => {
            spec.insert("volumes".into(), json!([vol]));
        }
    }
    let labels = crate::util::obj_at(pod, &["metadata", "labels"]);
    labels.insert("istio.io/rev".into(), json!(rev));
    labels.insert("security.istio.io/tlsMode".into(), json!("istio"));
    labels.insert("service.istio.io/canonical-name".into(), json!(app));
    labels
        .entry("service.istio.io/canonical-revision")
        .or_insert(json!("latest"));
    let status = json!({
        "initContainers": inits,
        "containers": containers,
        "volumes": ["istio-envoy"],
        "imagePullSecrets": null,
        "revision": rev,
    });
    let ann = crate::util::obj_at(pod, &["metadata", "annotations"]);
    ann.insert("sidecar.istio.io/status".into(), json!(status.to_string()));
    if let Some(c) = first_container {
        ann.entry("kubectl.kubernetes.io/default-container")
            .or_insert(json!(c));
    }
}

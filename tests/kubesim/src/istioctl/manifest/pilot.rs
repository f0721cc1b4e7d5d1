//! istiod (component Pilot).
use serde_json::{Map, Value, json};

use super::super::config::IstioConfig;
use super::super::merge;
use super::{
    Comp, REV_LABEL, add_env, apply_pod_settings, cluster_role_binding, image, labels, object, replicas,
    resources, role_and_binding, webhooks,
};

pub fn objects(cfg: &IstioConfig) -> Vec<Value> {
    let ns = cfg.namespace.as_str();
    let l = labels(cfg, Comp::Pilot);
    let mut app = l.clone();
    app.insert("app".into(), json!("istiod"));
    app.insert("istio".into(), json!("pilot"));
    let sa = cfg.rev_name("istiod");
    let mut objs = vec![object("v1", "ServiceAccount", &sa, Some(ns), &app)];

    let rev_part = if cfg.is_default_revision() {
        String::new()
    } else {
        format!("{}-", cfg.revision)
    };
    let cluster_role = format!("istiod-clusterrole-{rev_part}{ns}");
    let mut cr = object(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        &cluster_role,
        None,
        &app,
    );
    cr["rules"] = json!([
        {"apiGroups": ["admissionregistration.k8s.io"], "resources": ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], "verbs": ["get", "list", "watch", "update", "patch"]},
        {"apiGroups": ["config.istio.io", "security.istio.io", "networking.istio.io", "authentication.istio.io", "rbac.istio.io", "telemetry.istio.io", "extensions.istio.io"], "resources": ["*"], "verbs": ["get", "watch", "list"]},
        {"apiGroups": [""], "resources": ["pods", "nodes", "services", "namespaces", "endpoints"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "get", "list", "watch", "update"]}
    ]);
    objs.push(cr);
    objs.push(cluster_role_binding(&cluster_role, &cluster_role, &sa, ns, &app));
    let gw_role = format!("istiod-gateway-controller-{rev_part}{ns}");
    let mut gcr = object(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        &gw_role,
        None,
        &app,
    );
    gcr["rules"] = json!([
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "watch", "list", "update", "patch", "create", "delete"]},
        {"apiGroups": [""], "resources": ["services", "serviceaccounts"], "verbs": ["get", "watch", "list", "update", "patch", "create", "delete"]}
    ]);
    objs.push(gcr);
    objs.push(cluster_role_binding(&gw_role, &gw_role, &sa, ns, &app));
    objs.extend(role_and_binding(
        &sa,
        &sa,
        ns,
        json!([
            {"apiGroups": ["networking.istio.io"], "resources": ["gateways"], "verbs": ["create"]},
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "get", "watch", "list", "update", "delete"]},
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["delete"]}
        ]),
        &app,
    ));

    objs.push(mesh_config(cfg, &app));
    objs.push(injector_config(cfg, &app));
    objs.push(deployment(cfg, &app));
    objs.push(service(cfg, &app));
    objs.push(webhooks::sidecar_injector(cfg));
    objs.push(webhooks::validator(cfg));
    objs
}

fn mesh_config(cfg: &IstioConfig, l: &Map<String, Value>) -> Value {
    let mut mesh = json!({
        "defaultConfig": {
            "discoveryAddress": format!("{}.{}.svc:15012", cfg.rev_name("istiod"), cfg.namespace)
        },
        "defaultProviders": {"metrics": ["prometheus"]},
        "enablePrometheusMerge": true,
        "rootNamespace": cfg.namespace,
        "trustDomain": "cluster.local"
    });
    if let Some(user) = cfg.get("meshConfig") {
        merge::deep_merge(&mut mesh, user);
    }
    let mut cm = object("v1", "ConfigMap", &cfg.rev_name("istio"), Some(&cfg.namespace), l);
    let mesh_yaml = serde_saphyr::to_string(&mesh).unwrap_or_else(|_| mesh.to_string());
    cm["data"] = json!({"mesh": mesh_yaml, "meshNetworks": "networks: {}"});
    cm
}

/// The values a sidecar injector works from: chart defaults merged with `spec.values`.
pub fn injector_values(cfg: &IstioConfig) -> Value {
    let cni = cfg
        .get("components.cni.enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let rev = if cfg.is_default_revision() {
        String::new()
    } else {
        cfg.revision.clone()
    };
    let mut values = json!({
        "global": {
            "hub": "docker.io/istio",
            "tag": cfg.version,
            "istioNamespace": cfg.namespace,
            "proxy": {
                "image": "proxyv2",
                "resources": {
                    "requests": {"cpu": "100m", "memory": "128Mi"},
                    "limits": {"cpu": "2000m", "memory": "1024Mi"}
                }
            },
            "proxy_init": {"image": "proxyv2"}
        },
        "sidecarInjectorWebhook": {
            "enableNamespacesByDefault": false,
            "rewriteAppHTTPProbe": true,
            "defaultTemplates": [],
            "neverInjectSelector": [],
            "alwaysInjectSelector": []
        },
        "pilot": {"cni": {"enabled": cni}},
        "istio_cni": {"enabled": cni},
        "revision": rev
    });
    for key in ["hub", "tag"] {
        if let Some(v) = cfg.get(key).cloned() {
            values["global"][key] = v;
        }
    }
    merge::deep_merge(&mut values, &cfg.values());
    values["revision"] = json!(rev);
    values
}

fn injector_config(cfg: &IstioConfig, l: &Map<String, Value>) -> Value {
    let values = injector_values(cfg);
    let enabled_by_default = values
        .pointer("/sidecarInjectorWebhook/enableNamespacesByDefault")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut cm = object(
        "v1",
        "ConfigMap",
        &cfg.rev_name("istio-sidecar-injector"),
        Some(&cfg.namespace),
        l,
    );
    let config = format!(
        "policy: enabled\nalwaysInjectSelector: []\nneverInjectSelector: []\ninjectedAnnotations: {{}}\ndefaultTemplates: [sidecar]\nenableNamespacesByDefault: {enabled_by_default}\ntemplates:\n  sidecar: |\n    # istioctl stand-in: template omitted\n  gateway: |\n    # istioctl stand-in: template omitted\n"
    );
    cm["data"] = json!({"config": config, "values": values.to_string()});
    cm
}

fn deployment(cfg: &IstioConfig, app: &Map<String, Value>) -> Value {
    let ns = cfg.namespace.as_str();
    let component = cfg.get("components.pilot").cloned().unwrap_or(json!({}));
    let k8s = component.get("k8s").cloned().unwrap_or(json!({}));
    let values_pilot = cfg.get("values.pilot").cloned().unwrap_or(json!({}));
    let name = cfg.rev_name("istiod");
    let mut d = object("apps/v1", "Deployment", &name, Some(ns), app);
    let mut pod_labels = Map::new();
    pod_labels.insert("app".into(), json!("istiod"));
    pod_labels.insert("istio".into(), json!("pilot"));
    pod_labels.insert(REV_LABEL.into(), json!(cfg.revision));
    pod_labels.insert("sidecar.istio.io/inject".into(), json!("false"));
    pod_labels.insert("operator.istio.io/component".into(), json!("Pilot"));
    if let Some(Value::Object(extra)) = component.get("label") {
        pod_labels.extend(extra.clone());
    }
    let res = resources(
        json!({"requests": {"cpu": "500m", "memory": "2048Mi"}}),
        &k8s,
        values_pilot.get("resources"),
    );
    let mut container = json!({
        "name": "discovery",
        "image": image(cfg, &component, "pilot"),
        "args": ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info", "--domain", "cluster.local", "--keepaliveMaxServerConnectionAge", "30m"],
        "ports": [
            {"containerPort": 8080, "protocol": "TCP"},
            {"containerPort": 15010, "protocol": "TCP"},
            {"containerPort": 15017, "protocol": "TCP"}
        ],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "initialDelaySeconds": 1, "periodSeconds": 3, "timeoutSeconds": 5},
        "env": [
            {"name": "REVISION", "value": cfg.revision},
            {"name": "PILOT_CERT_PROVIDER", "value": "istiod"},
            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}
        ],
        "resources": res
    });
    add_env(&mut container, &k8s);
    let mut pod_spec = json!({
        "serviceAccountName": name,
        "containers": [container]
    });
    apply_pod_settings(&mut pod_spec, &k8s, &values_pilot);
    let mut selector = Map::new();
    selector.insert("istio".into(), json!("pilot"));
    selector.insert(REV_LABEL.into(), json!(cfg.revision));
    let mut template_meta = json!({"labels": pod_labels});
    if let Some(a) = k8s.get("podAnnotations").filter(|v| v.is_object()) {
        template_meta["annotations"] = a.clone();
    }
    d["spec"] = json!({
        "replicas": replicas(&k8s, &values_pilot),
        "selector": {"matchLabels": selector},
        "strategy": {"rollingUpdate": {"maxSurge": "100%", "maxUnavailable": "25%"}},
        "template": {"metadata": template_meta, "spec": pod_spec}
    });
    if let Some(s) = k8s.get("strategy").filter(|v| v.is_object()) {
        d["spec"]["strategy"] = s.clone();
    }
    d
}

fn service(cfg: &IstioConfig, app: &Map<String, Value>) -> Value {
    let mut s = object(
        "v1",
        "Service",
        &cfg.rev_name("istiod"),
        Some(&cfg.namespace),
        app,
    );
    s["spec"] = json!({
        "type": "ClusterIP",
        "ports": [
            {"name": "grpc-xds", "port": 15010, "protocol": "TCP"},
            {"name": "https-dns", "port": 15012, "protocol": "TCP"},
            {"name": "https-webhook", "port": 443, "targetPort": 15017, "protocol": "TCP"},
            {"name": "http-monitoring", "port": 15014, "protocol": "TCP"}
        ],
        "selector": {"app": "istiod", REV_LABEL: cfg.revision}
    });
    s
}

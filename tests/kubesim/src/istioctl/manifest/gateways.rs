//! Ingress and egress gateways (components IngressGateways / EgressGateways).
use serde_json::{Map, Value, json};

use super::super::config::IstioConfig;
use super::super::merge;
use super::{
    Comp, REV_LABEL, add_env, apply_pod_settings, image, labels, object, replicas, resources,
    role_and_binding,
};

/// Objects for every enabled gateway listed under `components.<key>`.
pub fn objects(cfg: &IstioConfig, comp: Comp, key: &str) -> Vec<Value> {
    let Some(Value::Array(list)) = cfg.get(&format!("components.{key}")).cloned() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for gw in &list {
        // A gateway without `enabled` counts as enabled.
        if gw.get("enabled").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(name) = gw.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) else {
            continue;
        };
        out.extend(one(cfg, comp, gw, name));
    }
    out
}

fn default_ports(ingress: bool) -> Value {
    if ingress {
        json!([
            {"name": "status-port", "port": 15021, "targetPort": 15021, "protocol": "TCP"},
            {"name": "http2", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}
        ])
    } else {
        json!([
            {"name": "http2", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}
        ])
    }
}

fn one(cfg: &IstioConfig, comp: Comp, gw: &Value, name: &str) -> Vec<Value> {
    let ingress = comp == Comp::IngressGateways;
    let ns = gw
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(&cfg.namespace)
        .to_string();
    let chart = if ingress {
        "istio-ingressgateway"
    } else {
        "istio-egressgateway"
    };
    let values_gw = cfg
        .get(&format!("values.gateways.{chart}"))
        .cloned()
        .unwrap_or(json!({}));
    let k8s = gw.get("k8s").cloned().unwrap_or(json!({}));
    let mut app = labels(cfg, comp);
    app.insert("app".into(), json!(name));
    app.insert(
        "istio".into(),
        json!(if ingress {
            "ingressgateway"
        } else {
            "egressgateway"
        }),
    );
    if let Some(Value::Object(extra)) = gw.get("label") {
        app.extend(extra.clone());
    }
    let mut selector = Map::new();
    for k in ["app", "istio"] {
        if let Some(v) = app.get(k) {
            selector.insert(k.into(), v.clone());
        }
    }

    // Service: defaults < values.gateways.<chart>.{type,ports} < k8s.service (lists replaced).
    let mut svc_spec = json!({
        "type": if ingress { "LoadBalancer" } else { "ClusterIP" },
        "ports": default_ports(ingress),
    });
    for key in ["type", "ports"] {
        if let Some(v) = values_gw.get(key).filter(|v| !v.is_null()) {
            svc_spec[key] = v.clone();
        }
    }
    if let Some(user) = k8s.get("service") {
        merge::deep_merge(&mut svc_spec, user);
    }
    svc_spec["selector"] = Value::Object(selector.clone());
    let mut svc = object("v1", "Service", name, Some(&ns), &app);
    if let Some(a) = k8s.get("serviceAnnotations").filter(|v| v.is_object()) {
        svc["metadata"]["annotations"] = a.clone();
    }
    let container_ports: Vec<Value> = svc_spec
        .get("ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .filter_map(|p| {
                    p.get("targetPort")
                        .filter(|t| t.is_u64())
                        .or_else(|| p.get("port"))
                        .cloned()
                })
                .map(|port| json!({"containerPort": port, "protocol": "TCP"}))
                .collect()
        })
        .unwrap_or_default();
    svc["spec"] = svc_spec;

    let sa = format!("{name}-service-account");
    let mut out = vec![object("v1", "ServiceAccount", &sa, Some(&ns), &app)];
    out.extend(role_and_binding(
        &format!("{name}-sds"),
        &sa,
        &ns,
        json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "watch", "list"]}]),
        &app,
    ));

    let mut pod_labels = selector.clone();
    pod_labels.insert(REV_LABEL.into(), json!(cfg.revision));
    pod_labels.insert("sidecar.istio.io/inject".into(), json!("false"));
    pod_labels.insert("service.istio.io/canonical-name".into(), json!(name));
    let res = resources(
        json!({
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "2000m", "memory": "1024Mi"}
        }),
        &k8s,
        values_gw.get("resources"),
    );
    let mut ports = container_ports;
    ports.push(json!({"containerPort": 15090, "protocol": "TCP", "name": "http-envoy-prom"}));
    let mut container = json!({
        "name": "istio-proxy",
        "image": image(cfg, gw, "proxyv2"),
        "args": ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
        "ports": ports,
        "readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": 15021}, "periodSeconds": 2},
        "env": [
            {"name": "ISTIO_META_CLUSTER_ID", "value": "Kubernetes"},
            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}
        ],
        "resources": res
    });
    add_env(&mut container, &k8s);
    let mut pod_spec = json!({"serviceAccountName": sa, "containers": [container]});
    apply_pod_settings(&mut pod_spec, &k8s, &values_gw);
    let mut template_meta = json!({"labels": pod_labels});
    if let Some(a) = k8s.get("podAnnotations").filter(|v| v.is_object()) {
        template_meta["annotations"] = a.clone();
    }
    let mut d = object("apps/v1", "Deployment", name, Some(&ns), &app);
    d["spec"] = json!({
        "replicas": replicas(&k8s, &values_gw),
        "selector": {"matchLabels": selector},
        "template": {"metadata": template_meta, "spec": pod_spec}
    });
    if let Some(s) = k8s.get("strategy").filter(|v| v.is_object()) {
        d["spec"]["strategy"] = s.clone();
    }
    out.push(d);
    out.push(svc);
    out
}

//! Node agents: the CNI plugin and ztunnel DaemonSets.
use serde_json::{Map, Value, json};

use super::super::config::IstioConfig;
use super::{Comp, add_env, apply_pod_settings, cluster_role_binding, image, labels, object, resources};

/// What identifies a node agent DaemonSet.
#[derive(Clone, Copy)]
struct Agent<'a> {
    comp: Comp,
    name: &'a str,
    ns: &'a str,
    /// The label key selecting its pods (`k8s-app` for CNI, `app` for ztunnel).
    app_key: &'a str,
}

fn daemonset(
    cfg: &IstioConfig,
    agent: &Agent<'_>,
    container: Value,
    component: &Value,
    values_section: &Value,
) -> Value {
    let Agent {
        comp,
        name,
        ns,
        app_key,
    } = *agent;
    let k8s = component.get("k8s").cloned().unwrap_or(json!({}));
    let mut l = labels(cfg, comp);
    l.insert(app_key.into(), json!(name));
    let mut selector = Map::new();
    selector.insert(app_key.into(), json!(name));
    let mut pod_labels = selector.clone();
    pod_labels.insert("sidecar.istio.io/inject".into(), json!("false"));
    pod_labels.insert("istio.io/rev".into(), json!(cfg.revision));
    let mut container = container;
    add_env(&mut container, &k8s);
    let mut pod_spec = json!({
        "serviceAccountName": name,
        "priorityClassName": "system-node-critical",
        "tolerations": [
            {"effect": "NoSchedule", "operator": "Exists"},
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"effect": "NoExecute", "operator": "Exists"}
        ],
        "containers": [container]
    });
    if comp == Comp::Cni {
        pod_spec["hostNetwork"] = json!(true);
    }
    apply_pod_settings(&mut pod_spec, &k8s, values_section);
    let mut ds = object("apps/v1", "DaemonSet", name, Some(ns), &l);
    ds["spec"] = json!({
        "selector": {"matchLabels": selector},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
        "template": {"metadata": {"labels": pod_labels}, "spec": pod_spec}
    });
    ds
}

pub fn cni(cfg: &IstioConfig) -> Vec<Value> {
    let component = cfg.get("components.cni").cloned().unwrap_or(json!({}));
    let values_cni = cfg.get("values.cni").cloned().unwrap_or(json!({}));
    let ns = component
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("kube-system")
        .to_string();
    let l = labels(cfg, Comp::Cni);
    let k8s = component.get("k8s").cloned().unwrap_or(json!({}));
    let bin_dir = values_cni
        .get("cniBinDir")
        .and_then(Value::as_str)
        .unwrap_or("/opt/cni/bin");
    let conf_dir = values_cni
        .get("cniConfDir")
        .and_then(Value::as_str)
        .unwrap_or("/etc/cni/net.d");
    let container = json!({
        "name": "install-cni",
        "image": image(cfg, &component, "install-cni"),
        "command": ["install-cni"],
        "env": [
            {"name": "CNI_NET_DIR", "value": conf_dir},
            {"name": "CNI_BIN_DIR", "value": bin_dir}
        ],
        "resources": resources(
            json!({"requests": {"cpu": "100m", "memory": "100Mi"}}),
            &k8s,
            values_cni.get("resources"),
        )
    });
    let mut cr = object(
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
        "istio-cni",
        None,
        &l,
    );
    cr["rules"] = json!([{"apiGroups": [""], "resources": ["pods", "nodes", "namespaces"], "verbs": ["get", "list", "watch"]}]);
    let mut cm = object("v1", "ConfigMap", "istio-cni-config", Some(&ns), &l);
    cm["data"] = json!({"CNI_NETWORK_CONFIG": "{}", "CURRENT_AGENT_VERSION": cfg.version});
    vec![
        object("v1", "ServiceAccount", "istio-cni", Some(&ns), &l),
        cr,
        cluster_role_binding("istio-cni", "istio-cni", "istio-cni", &ns, &l),
        cm,
        daemonset(
            cfg,
            &Agent {
                comp: Comp::Cni,
                name: "istio-cni-node",
                ns: &ns,
                app_key: "k8s-app",
            },
            container,
            &component,
            &values_cni,
        ),
    ]
}

pub fn ztunnel(cfg: &IstioConfig) -> Vec<Value> {
    let component = cfg.get("components.ztunnel").cloned().unwrap_or(json!({}));
    let values_z = cfg.get("values.ztunnel").cloned().unwrap_or(json!({}));
    let ns = component
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(&cfg.namespace)
        .to_string();
    let l = labels(cfg, Comp::Ztunnel);
    let k8s = component.get("k8s").cloned().unwrap_or(json!({}));
    let container = json!({
        "name": "istio-proxy",
        "image": image(cfg, &component, "ztunnel"),
        "args": ["proxy", "ztunnel"],
        "resources": resources(
            json!({"requests": {"cpu": "200m", "memory": "512Mi"}}),
            &k8s,
            values_z.get("resources"),
        )
    });
    let mut cr = object("rbac.authorization.k8s.io/v1", "ClusterRole", "ztunnel", None, &l);
    cr["rules"] = json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]);
    vec![
        object("v1", "ServiceAccount", "ztunnel", Some(&ns), &l),
        cr,
        cluster_role_binding("ztunnel", "ztunnel", "ztunnel", &ns, &l),
        daemonset(
            cfg,
            &Agent {
                comp: Comp::Ztunnel,
                name: "ztunnel",
                ns: &ns,
                app_key: "app",
            },
            container,
            &component,
            &values_z,
        ),
    ]
}

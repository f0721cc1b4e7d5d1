//! The simulated control plane: scheduling, workloads, rollouts and sidecar injection.
mod common;
use common::*;
use kubesim::Sim;
use serde_json::{Value, json};
use std::time::Duration;

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

fn deployment(ns: &str, name: &str, replicas: i64, cpu: &str, extra_spec: Value) -> String {
    let mut spec = json!({"containers": [{"name": name, "image": "img:1", "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}}}]});
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra_spec.as_object()) {
        for (k, v) in e {
            s.insert(k.clone(), v.clone());
        }
    }
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {}\n",
        json!({"replicas": replicas, "selector": {"matchLabels": {"app": name}},
               "template": {"metadata": {"labels": {"app": name}}, "spec": spec}})
    )
}

fn pods_of(sim: &Sim, ns: &str, app: &str) -> Vec<Value> {
    sim.list(&format!("/api/v1/namespaces/{ns}/pods"))
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == app)
        .collect()
}

fn available(sim: &Sim, ns: &str, name: &str) -> bool {
    sim.get(&format!("/apis/apps/v1/namespaces/{ns}/deployments/{name}"))
        .and_then(|d| d["status"]["conditions"].as_array().cloned())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Available" && c["status"] == "True")
        })
}

const THREE_NODES: &str = r#"
nodes:
  - name: infra-1
    capacity: {cpu: "4", memory: 8Gi}
    labels: {node-role.kubernetes.io/infra: "true"}
    taints: [{key: dedicated, value: infra, effect: NoSchedule}]
  - name: worker-1
    capacity: {cpu: "1", memory: 8Gi}
  - name: worker-2
    capacity: {cpu: "1", memory: 8Gi}
    allocatable: {cpu: 900m}
"#;

#[test]
fn deployments_get_named_pods_and_become_available() {
    let sim = start(
        Sim::builder()
            .cluster_yaml(THREE_NODES)
            .ready_delay(Duration::from_millis(150)),
    );
    sim.apply_yaml(&deployment("default", "web", 2, "100m", json!({})))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let pods = pods_of(&sim, "default", "web");
    assert_eq!(pods.len(), 2);
    for p in &pods {
        let name = p["metadata"]["name"].as_str().unwrap_or("");
        let parts: Vec<&str> = name.split('-').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert_eq!(parts[0], "web");
        assert_eq!(parts[2].len(), 5);
        assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
        assert_eq!(p["metadata"]["labels"]["pod-template-hash"], parts[1]);
        let node = p["spec"]["nodeName"].as_str().unwrap_or("");
        assert!(node.starts_with("worker-"), "tainted node used: {node}");
    }
    assert!(!available(&sim, "default", "web"));
    assert!(sim.wait_for(Duration::from_secs(5), |s| available(s, "default", "web")));
    let d = sim
        .get("/apis/apps/v1/namespaces/default/deployments/web")
        .unwrap_or_default();
    for k in [
        "replicas",
        "readyReplicas",
        "availableReplicas",
        "updatedReplicas",
    ] {
        assert_eq!(d["status"][k], 2, "{k}");
    }
    assert_eq!(d["status"]["observedGeneration"], d["metadata"]["generation"]);
    let p = &pods_of(&sim, "default", "web")[0];
    assert_eq!(p["status"]["phase"], "Running");
    assert_eq!(p["status"]["containerStatuses"][0]["ready"], true);

    // Scaling.
    let u = sim.url();
    let r = request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web/scale",
        r#"{"spec":{"replicas":3}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["kind"], "Scale");
    assert_eq!(pods_of(&sim, "default", "web").len(), 3);
    request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web",
        r#"{"spec":{"replicas":1}}"#,
        "application/merge-patch+json",
    );
    // Scaled-down pods are deleted gracefully: Terminating first, then gone.
    assert_eq!(
        pods_of(&sim, "default", "web")
            .iter()
            .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
            .count(),
        1
    );
    assert!(
        sim.wait_for(Duration::from_secs(5), |s| pods_of(s, "default", "web").len()
            == 1)
    );
    // Deleting a pod replaces it; deleting the deployment deletes everything.
    let victim = pods_of(&sim, "default", "web")[0]["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    request(
        u,
        "DELETE",
        &format!("/api/v1/namespaces/default/pods/{victim}"),
        None,
    );
    assert!(
        sim.wait_for(Duration::from_secs(5), |s| pods_of(s, "default", "web").len()
            == 1)
    );
    let now = pods_of(&sim, "default", "web");
    assert_ne!(now[0]["metadata"]["name"], victim.as_str());
    request(
        u,
        "DELETE",
        "/apis/apps/v1/namespaces/default/deployments/web",
        None,
    );
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        pods_of(s, "default", "web").is_empty()
    }));
    assert!(
        sim.list("/apis/apps/v1/namespaces/default/replicasets")
            .is_empty()
    );
}

#[test]
fn insufficient_cpu_and_taints_give_the_scheduler_message() {
    let sim = start(
        Sim::builder()
            .cluster_yaml(THREE_NODES)
            .ready_delay(Duration::ZERO),
    );
    sim.apply_yaml(&deployment("default", "big", 1, "2", json!({})))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let pods = pods_of(&sim, "default", "big");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0]["status"]["phase"], "Pending");
    assert!(pods[0]["spec"].get("nodeName").is_none());
    let msg = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    assert_eq!(pods[0]["status"]["conditions"][0]["message"], msg);
    let events = sim.list("/api/v1/namespaces/default/events");
    let ev = events
        .iter()
        .find(|e| e["reason"] == "FailedScheduling")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ev["message"], msg);
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["involvedObject"]["name"], pods[0]["metadata"]["name"]);
    assert!(!available(&sim, "default", "big"));
    // Tolerating the taint (and selecting the node) lets it run there.
    sim.apply_yaml(&deployment("default", "infra", 1, "2", json!({
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"}],
        "nodeSelector": {"node-role.kubernetes.io/infra": "true"}
    }))).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(
        pods_of(&sim, "default", "infra")[0]["spec"]["nodeName"],
        "infra-1"
    );
    assert!(available(&sim, "default", "infra"));
    // A nodeSelector nobody matches.
    sim.apply_yaml(&deployment(
        "default",
        "nowhere",
        1,
        "10m",
        json!({"nodeSelector": {"disk": "ssd"}}),
    ))
    .unwrap_or_else(|e| panic!("{e:#}"));
    let m = pods_of(&sim, "default", "nowhere")[0]["status"]["conditions"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(m.starts_with("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 node(s) didn't match Pod's node affinity/selector."), "{m}");
    // Adding a big enough node lets the pending pod schedule.
    sim.apply_yaml("apiVersion: v1\nkind: Node\nmetadata: {name: big-1}\nstatus: {capacity: {cpu: '8', memory: 16Gi, pods: '110'}}\n").unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(pods_of(&sim, "default", "big")[0]["spec"]["nodeName"], "big-1");
}

#[test]
fn seeded_pods_consume_node_capacity() {
    let sim = start(Sim::builder().cluster_yaml(
        "nodes: [{name: n1, capacity: {cpu: '2', memory: 4Gi}}]\npods:\n- {name: hog, node: n1, cpu: 1500m, memory: 1Gi}\n- {name: done, node: n1, cpu: '1', phase: Succeeded}\n",
    ));
    assert_eq!(sim.node_free("n1"), Some((500, 3 << 30)));
    sim.apply_yaml(&deployment("default", "x", 1, "600m", json!({})))
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(pods_of(&sim, "default", "x")[0]["status"]["phase"], "Pending");
    sim.delete("/api/v1/namespaces/default/pods/hog");
    // The pod is deleted gracefully; its capacity is freed once it is gone.
    assert!(
        sim.wait_for(Duration::from_secs(5), |s| pods_of(s, "default", "x")[0]["spec"]
            ["nodeName"]
            == "n1")
    );
}

#[test]
fn rollout_restart_replaces_pods() {
    let sim = start(Sim::builder().ready_delay(Duration::from_millis(50)));
    sim.apply_yaml(&deployment("default", "app", 2, "10m", json!({})))
        .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sim.wait_for(Duration::from_secs(5), |s| available(s, "default", "app")));
    let before: Vec<String> = pods_of(&sim, "default", "app")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    let r = request_ct(
        sim.url(),
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/app",
        r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}"#,
        "application/strategic-merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["metadata"]["generation"], 2);
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        let pods = pods_of(s, "default", "app");
        pods.len() == 2
            && pods.iter().all(|p| {
                !before.contains(&p["metadata"]["name"].as_str().unwrap_or("").to_string())
                    && p["status"]["phase"] == "Running"
            })
    }));
    let d = sim
        .get("/apis/apps/v1/namespaces/default/deployments/app")
        .unwrap_or_default();
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/apis/apps/v1/namespaces/default/deployments/app")
            .is_some_and(|d| {
                d["status"]["updatedReplicas"] == 2
                    && d["status"]["replicas"] == 2
                    && d["status"]["availableReplicas"] == 2
            })
    }));
    assert_eq!(
        pods_of(&sim, "default", "app")[0]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
        "2025-01-01T00:00:00Z"
    );
}

#[test]
fn statefulsets_daemonsets_and_jobs() {
    let sim = start(
        Sim::builder()
            .cluster_yaml(THREE_NODES)
            .ready_delay(Duration::ZERO),
    );
    sim.apply_yaml(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: istio-cni-node, namespace: kube-system}
spec:
  selector: {matchLabels: {app: cni}}
  template:
    metadata: {labels: {app: cni}}
    spec: {containers: [{name: c, image: cni, resources: {requests: {cpu: 10m}}}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    metadata: {labels: {app: once}}
    spec: {restartPolicy: Never, containers: [{name: j, image: j}]}
"#,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let db: Vec<String> = pods_of(&sim, "default", "db")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(db, ["db-0", "db-1"]);
    let sts = sim
        .get("/apis/apps/v1/namespaces/default/statefulsets/db")
        .unwrap_or_default();
    assert_eq!(sts["status"]["readyReplicas"], 2);
    // One DaemonSet pod per node that tolerates... the tainted infra node is skipped.
    let cni = pods_of(&sim, "kube-system", "cni");
    let mut nodes: Vec<&str> = cni
        .iter()
        .filter_map(|p| p["spec"]["nodeName"].as_str())
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["worker-1", "worker-2"]);
    let ds = sim
        .get("/apis/apps/v1/namespaces/kube-system/daemonsets/istio-cni-node")
        .unwrap_or_default();
    assert_eq!(ds["status"]["desiredNumberScheduled"], 2);
    assert_eq!(ds["status"]["numberReady"], 2);
    let job = sim
        .get("/apis/batch/v1/namespaces/default/jobs/once")
        .unwrap_or_default();
    assert_eq!(job["status"]["succeeded"], 1);
    assert_eq!(
        pods_of(&sim, "default", "once")[0]["status"]["phase"],
        "Succeeded"
    );
}

#[test]
fn unpullable_images_back_off() {
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    let yaml =
        deployment("default", "bad", 1, "10m", json!({})).replace("img:1", "registry.example/doesnotexist:1");
    sim.apply_yaml(&yaml).unwrap_or_else(|e| panic!("{e:#}"));
    let p = &pods_of(&sim, "default", "bad")[0];
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"],
        "ImagePullBackOff"
    );
    assert!(!available(&sim, "default", "bad"));
}

// ---- injection ----

const INJECTOR: &str = "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: istio-sidecar-injector}\nwebhooks: []\n";

fn webhook(name: &str, rev: Option<&str>) -> String {
    let labels = rev
        .map(|r| format!("labels: {{istio.io/rev: {r}}}, "))
        .unwrap_or_default();
    format!(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {{{labels}name: {name}}}\nwebhooks: []\n"
    )
}

fn ns(name: &str, labels: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}, labels: {{{labels}}}}}\n")
}

fn pod(nsname: &str, name: &str, labels: &str, host_network: bool) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {nsname}, labels: {{{labels}}}}}\nspec: {{hostNetwork: {host_network}, containers: [{{name: app, image: app}}]}}\n"
    )
}

fn containers(sim: &Sim, nsname: &str, name: &str) -> (Vec<String>, Vec<String>) {
    let p = sim
        .get(&format!("/api/v1/namespaces/{nsname}/pods/{name}"))
        .unwrap_or_else(|| panic!("no pod {nsname}/{name}"));
    let names = |k: &str| -> Vec<String> {
        p["spec"][k]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| c["name"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    (names("containers"), names("initContainers"))
}

fn injected(sim: &Sim, nsname: &str, name: &str) -> bool {
    containers(sim, nsname, name)
        .0
        .contains(&"istio-proxy".to_string())
}

/// Kubernetes 1.32 nodes: the injector adds the proxy as a container (native sidecars, on 1.33
/// nodes, have their own test below).
fn inj_sim() -> Sim {
    start(Sim::builder().k8s_version("v1.32.5").ready_delay(Duration::ZERO))
}

#[test]
fn injection_namespace_labels() {
    let sim = inj_sim();
    let a = |y: &str| sim.apply_yaml(y).unwrap_or_else(|e| panic!("{e:#}"));
    a(&ns("inj", "istio-injection: enabled"));
    a(&ns("noinj", "istio-injection: disabled, istio.io/rev: canary"));
    a(&ns("plain", ""));
    a(&ns("both", "istio-injection: enabled, istio.io/rev: canary"));
    // Before the webhook exists nothing is injected, and existing pods stay as they were.
    a(&pod("inj", "early", "", false));
    a(INJECTOR);
    a(&pod("inj", "late", "", false));
    a(&pod("noinj", "p", "", false));
    a(&pod("plain", "p", "", false));
    a(&pod("both", "p", "", false));
    assert!(!injected(&sim, "inj", "early"));
    assert!(injected(&sim, "inj", "late"));
    assert!(
        !injected(&sim, "noinj", "p"),
        "istio-injection=disabled beats istio.io/rev"
    );
    assert!(!injected(&sim, "plain", "p"));
    assert!(
        injected(&sim, "both", "p"),
        "istio-injection wins over istio.io/rev"
    );
    let p = sim.get("/api/v1/namespaces/both/pods/p").unwrap_or_default();
    assert_eq!(p["metadata"]["labels"]["istio.io/rev"], "default");
    let status: Value = serde_json::from_str(
        p["metadata"]["annotations"]["sidecar.istio.io/status"]
            .as_str()
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    assert_eq!(status["revision"], "default");
    assert_eq!(status["containers"], json!(["istio-proxy"]));
    // The proxy requests the default resources and an istio-init container is present.
    let (_, inits) = containers(&sim, "inj", "late");
    assert_eq!(inits, ["istio-init"]);
    let proxy = p["spec"]["containers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "istio-proxy").cloned())
        .unwrap_or_default();
    assert_eq!(
        proxy["resources"]["requests"],
        json!({"cpu": "100m", "memory": "128Mi"})
    );
}

#[test]
fn injection_pod_labels_and_exclusions() {
    let sim = inj_sim();
    let a = |y: &str| sim.apply_yaml(y).unwrap_or_else(|e| panic!("{e:#}"));
    a(INJECTOR);
    a(&ns("inj", "istio-injection: enabled"));
    a(&ns("plain", ""));
    a(&pod("inj", "optout", "sidecar.istio.io/inject: 'false'", false));
    a(&pod("plain", "optin", "sidecar.istio.io/inject: 'true'", false));
    a(&pod("inj", "host", "", true));
    assert!(!injected(&sim, "inj", "optout"));
    assert!(injected(&sim, "plain", "optin"));
    assert!(
        !injected(&sim, "inj", "host"),
        "hostNetwork pods are never injected"
    );
    // kube-system and kube-public are never injected, even when labelled.
    a(&ns("kube-system", "istio-injection: enabled"));
    a(&pod("kube-system", "sys", "", false));
    assert!(!injected(&sim, "kube-system", "sys"));
}

#[test]
fn injection_revisions_and_tags() {
    let sim = inj_sim();
    let a = |y: &str| sim.apply_yaml(y).unwrap_or_else(|e| panic!("{e:#}"));
    a(&webhook("istio-sidecar-injector-1-28", Some("1-28")));
    a(&webhook("istio-revision-tag-prod", Some("1-28")));
    a(&ns("rev", "istio.io/rev: 1-28"));
    a(&ns("tag", "istio.io/rev: prod"));
    a(&ns("missing", "istio.io/rev: 1-27"));
    a(&ns("dflt", "istio-injection: enabled"));
    a(&pod("rev", "p", "", false));
    a(&pod("tag", "p", "", false));
    a(&pod("missing", "p", "", false));
    a(&pod("dflt", "p", "", false));
    assert!(injected(&sim, "rev", "p"));
    assert_eq!(
        sim.get("/api/v1/namespaces/rev/pods/p").unwrap_or_default()["metadata"]["labels"]["istio.io/rev"],
        "1-28"
    );
    assert!(injected(&sim, "tag", "p"));
    assert_eq!(
        sim.get("/api/v1/namespaces/tag/pods/p").unwrap_or_default()["metadata"]["labels"]["istio.io/rev"],
        "1-28"
    );
    assert!(!injected(&sim, "missing", "p"), "no webhook for that revision");
    assert!(!injected(&sim, "dflt", "p"), "no default webhook yet");
    // The default tag serves istio-injection=enabled.
    a(&webhook("istio-revision-tag-default", Some("1-28")));
    a(&pod("dflt", "q", "", false));
    assert!(injected(&sim, "dflt", "q"));
}

#[test]
fn injection_values_cni_and_namespaces_by_default() {
    let sim = inj_sim();
    let a = |y: &str| sim.apply_yaml(y).unwrap_or_else(|e| panic!("{e:#}"));
    a(INJECTOR);
    a(&ns("istio-system", ""));
    let values = json!({"global": {"proxy": {"resources": {"requests": {"cpu": "10m", "memory": "40Mi"}}}},
                        "sidecarInjectorWebhook": {"enableNamespacesByDefault": true}});
    a(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: istio-sidecar-injector, namespace: istio-system}}\ndata:\n  values: '{}'\n",
        values
    ));
    a(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio-cni-config, namespace: istio-system}\ndata: {}\n",
    );
    a(&ns("plain", ""));
    a(&ns("noinj", "istio-injection: disabled"));
    a(&pod("plain", "p", "", false));
    a(&pod("noinj", "p", "", false));
    assert!(injected(&sim, "plain", "p"), "enableNamespacesByDefault");
    assert!(!injected(&sim, "noinj", "p"));
    let p = sim.get("/api/v1/namespaces/plain/pods/p").unwrap_or_default();
    let proxy = p["spec"]["containers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "istio-proxy").cloned())
        .unwrap_or_default();
    assert_eq!(
        proxy["resources"]["requests"],
        json!({"cpu": "10m", "memory": "40Mi"})
    );
    assert!(
        containers(&sim, "plain", "p").1.is_empty(),
        "CNI on: no istio-init"
    );
}

#[test]
fn injected_deployments_need_room_for_the_proxy() {
    // 250m of cpu: the app (100m) fits, app + proxy (200m) twice does not.
    let sim = start(Sim::builder().cluster_yaml("nodes: [{name: node-a, capacity: {cpu: 250m, memory: 8Gi}}]\nnamespaces: [{name: shop, labels: {istio-injection: enabled}}]\n").k8s_version("v1.32.5").ready_delay(Duration::ZERO));
    sim.apply_yaml(INJECTOR).unwrap_or_else(|e| panic!("{e:#}"));
    sim.apply_yaml(&deployment("shop", "web", 2, "100m", json!({})))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let pods = pods_of(&sim, "shop", "web");
    let running = pods.iter().filter(|p| p["status"]["phase"] == "Running").count();
    assert_eq!(running, 1);
    assert!(pods.iter().any(|p| {
        p["status"]["conditions"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("1 Insufficient cpu"))
    }));
}

/// Since 1.27 the injector's ENABLE_NATIVE_SIDECARS defaults to `auto` (pilot/pkg/features/
/// pilot.go), which DetectNativeSidecar (pkg/kube/inject/webhook.go) turns on when every node's
/// kubelet is 1.33 or newer: the proxy is then an init container with `restartPolicy: Always`,
/// right after istio-init. On older nodes, or from an older injector, it is a container.
#[test]
fn the_proxy_is_a_native_sidecar_on_kubernetes_1_33_with_istio_1_27() {
    for (k8s, tag, native) in [
        ("v1.33.2", "1.28.0", true),
        ("v1.32.5", "1.28.0", false),
        ("v1.33.2", "1.26.3", false),
    ] {
        let sim = start(Sim::builder().k8s_version(k8s).ready_delay(Duration::ZERO));
        let a = |y: &str| sim.apply_yaml(y).unwrap_or_else(|e| panic!("{e:#}"));
        a(INJECTOR);
        a(&ns("istio-system", ""));
        a(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: istio-sidecar-injector, namespace: istio-system}}\ndata:\n  values: '{}'\n",
            json!({"global": {"tag": tag}})
        ));
        a(&ns("inj", "istio-injection: enabled"));
        a(&pod("inj", "p", "", false));
        let (containers, inits) = containers(&sim, "inj", "p");
        let p = sim.get("/api/v1/namespaces/inj/pods/p").unwrap_or_default();
        if native {
            assert_eq!(inits, ["istio-init", "istio-proxy"], "{k8s} {tag}");
            assert_eq!(containers, ["app"]);
            assert_eq!(p["spec"]["initContainers"][1]["restartPolicy"], "Always");
        } else {
            assert_eq!(inits, ["istio-init"], "{k8s} {tag}");
            assert_eq!(containers, ["app", "istio-proxy"]);
        }
    }
}

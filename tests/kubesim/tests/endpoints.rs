//! Endpoints and EndpointSlices maintained from Ready pods, as kube-controller-manager's
//! endpoints controller (pkg/controller/endpoint) and EndpointSlice controller
//! (pkg/controller/endpointslice) do for every Service with a selector.
mod common;
use common::kubectl::{Kubectl, kubectl};
use common::*;
use kubesim::Sim;
use serde_json::{Value, json};
use std::time::Duration;

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

const APP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: web:1
        ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default, labels: {team: shop}}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: admin, port: 9000}
"#;

fn endpoints(sim: &Sim) -> Value {
    sim.get("/api/v1/namespaces/default/endpoints/web")
        .unwrap_or(Value::Null)
}

fn ready_ips(sim: &Sim) -> Vec<String> {
    endpoints(sim)["subsets"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["addresses"].as_array().cloned().unwrap_or_default())
        .map(|a| a["ip"].as_str().unwrap_or("").to_string())
        .collect()
}

fn slices(sim: &Sim) -> Vec<Value> {
    sim.list("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
        .into_iter()
        .filter(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == "web")
        .collect()
}

#[test]
fn endpoints_follow_ready_pods_and_the_service() {
    let sim = start(Sim::builder().ready_delay(Duration::from_millis(200)));
    sim.apply_yaml(APP).unwrap_or_else(|e| panic!("{e:#}"));
    // Pods are scheduled but not Ready yet: the Endpoints exist without addresses.
    let ep = endpoints(&sim);
    assert_eq!(ep["kind"], "Endpoints");
    assert!(ready_ips(&sim).is_empty(), "{ep}");
    assert!(sim.wait_for(Duration::from_secs(5), |s| ready_ips(s).len() == 2));
    let ep = endpoints(&sim);
    let subset = &ep["subsets"][0];
    // Ports are the Service's targetPorts, named after the Service ports: `http` resolves to
    // the container port 8080, an omitted targetPort is the port itself.
    assert_eq!(
        subset["ports"],
        json!([{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "admin", "port": 9000, "protocol": "TCP"}])
    );
    let addr = &subset["addresses"][0];
    assert_eq!(addr["targetRef"]["kind"], "Pod");
    assert!(addr["nodeName"].is_string());
    assert_eq!(ep["metadata"]["labels"]["team"], "shop");
    // The pods' IPs are the addresses.
    let pod_ips: Vec<String> = sim
        .list("/api/v1/namespaces/default/pods")
        .iter()
        .map(|p| p["status"]["podIP"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(ready_ips(&sim).iter().all(|ip| pod_ips.contains(ip)));

    // The EndpointSlice: labelled with the service name, owned by the Service.
    let sl = slices(&sim);
    assert_eq!(sl.len(), 1);
    let s = &sl[0];
    assert_eq!(s["addressType"], "IPv4");
    assert_eq!(
        s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
        "endpointslice-controller.k8s.io"
    );
    assert_eq!(s["metadata"]["ownerReferences"][0]["kind"], "Service");
    assert!(
        s["metadata"]["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("web-"))
    );
    let eps = s["endpoints"].as_array().cloned().unwrap_or_default();
    assert_eq!(eps.len(), 2);
    assert!(eps.iter().all(|e| e["conditions"]["ready"] == true));
    assert_eq!(s["ports"][0]["port"], 8080);

    // Served under the REST paths too.
    let u = sim.url();
    assert_eq!(get(u, "/api/v1/namespaces/default/endpoints/web").status, 200);
    let r = get(
        u,
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb",
    );
    assert_eq!(names(&r.json()).len(), 1);

    // A deleted pod leaves the Endpoints at once (it is terminating), and the slice marks
    // it terminating until it is gone.
    let victim = sim.list("/api/v1/namespaces/default/pods")[0]["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    sim.delete(&format!("/api/v1/namespaces/default/pods/{victim}"));
    assert_eq!(ready_ips(&sim).len(), 1);
    let terminating = slices(&sim)[0]["endpoints"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["conditions"]["terminating"] == true)
        .count();
    assert_eq!(terminating, 1);
    // Its replacement turns Ready: two addresses again.
    assert!(sim.wait_for(Duration::from_secs(5), |s| ready_ips(s).len() == 2));

    // Scaled to zero: no addresses (and no subsets) left.
    request_ct(
        u,
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web",
        r#"{"spec":{"replicas":0}}"#,
        "application/merge-patch+json",
    );
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        endpoints(s).get("subsets").is_none() && slices(s)[0]["endpoints"].is_null()
    }));

    // The Service's selector changes: other pods are picked.
    sim.apply_yaml(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: other, namespace: default, labels: {app: other}}\nspec: {containers: [{name: c, image: c}]}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert!(sim.wait_for(Duration::from_secs(5), |s| {
        s.get("/api/v1/namespaces/default/pods/other")
            .is_some_and(|p| p["status"]["podIP"].is_string())
    }));
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default/services/web",
        r#"{"spec":{"selector":{"app":"other"}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200);
    assert!(sim.wait_for(Duration::from_secs(5), |s| ready_ips(s).len() == 1));
    assert_eq!(
        endpoints(&sim)["subsets"][0]["addresses"][0]["targetRef"]["name"],
        "other"
    );

    // The Service goes: its Endpoints and (garbage-collected) slice go with it.
    assert_eq!(
        request(u, "DELETE", "/api/v1/namespaces/default/services/web", None).status,
        200
    );
    assert!(endpoints(&sim).is_null());
    assert!(slices(&sim).is_empty());
}

#[test]
fn selectorless_services_keep_their_own_endpoints() {
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    sim.apply_yaml(
        "apiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: default}\nspec: {ports: [{port: 5432}]}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ext, namespace: default}\nsubsets: [{addresses: [{ip: 192.0.2.10}], ports: [{port: 5432}]}]\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    sim.apply_yaml(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: [{name: c, image: c}]}\n",
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let ep = sim
        .get("/api/v1/namespaces/default/endpoints/ext")
        .unwrap_or_default();
    assert_eq!(ep["subsets"][0]["addresses"][0]["ip"], "192.0.2.10");
}

#[test]
fn kubectl_get_endpoints() {
    let Some(bin) = kubectl() else { return };
    let sim = start(Sim::builder().ready_delay(Duration::ZERO));
    sim.apply_yaml(APP).unwrap_or_else(|e| panic!("{e:#}"));
    let k = Kubectl::new(bin, &sim);
    let out = k.ok(&["get", "endpoints", "web", "-n", "default"]);
    let line = out
        .lines()
        .find(|l| l.starts_with("web"))
        .unwrap_or_else(|| panic!("{out}"));
    // NAME ENDPOINTS AGE, the addresses as ip:port.
    assert!(out.starts_with("NAME"), "{out}");
    assert!(line.contains(":8080"), "{out}");
    let list = k.json(&[
        "get",
        "endpointslices",
        "-n",
        "default",
        "-l",
        "kubernetes.io/service-name=web",
    ]);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["items"][0]["endpoints"].as_array().map(Vec::len), Some(2));
}

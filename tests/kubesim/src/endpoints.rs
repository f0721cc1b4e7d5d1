//! The endpoints and EndpointSlice controllers (pkg/controller/endpoint and
//! pkg/controller/endpointslice): for every Service with a selector, an `Endpoints` object of
//! the same name and an `EndpointSlice` labelled `kubernetes.io/service-name`, listing the
//! matching pods that have an IP (Ready ones as `addresses`, others as `notReadyAddresses`;
//! terminating pods only in the slice, with `terminating: true`), with the ports the
//! Service's `targetPort`s resolve to. Services without a selector keep whatever Endpoints
//! users write. Reconciled per namespace whenever a pod or Service there changes.
use crate::ops;
use crate::store::{Key, Obj, Store};
use crate::util::{at, labels_of, name_of, namespace_of, str_at};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// Whether the Endpoints of a service list at least one ready address: what the API server's
/// service resolver needs to call a webhook.
pub fn has_ready_endpoint(st: &Store, ns: &str, svc: &str) -> bool {
    st.get("", "endpoints", ns, svc).is_some_and(|ep| {
        at(&ep, &["subsets"]).and_then(Value::as_array).is_some_and(|ss| {
            ss.iter().any(|s| {
                s.get("addresses")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
            })
        })
    })
}

fn ready(pod: &Value) -> bool {
    crate::controller::pod_ready(pod)
}

/// The port a service port's targetPort means on a pod (a number, or a named container port).
fn target_port(sp: &Value, pod: &Value) -> Option<i64> {
    match sp.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => {
            if let Ok(n) = s.parse::<i64>() {
                return Some(n);
            }
            at(pod, &["spec", "containers"])?
                .as_array()?
                .iter()
                .filter_map(|c| c.get("ports")?.as_array())
                .flatten()
                .find(|p| str_at(p, &["name"]) == Some(s.as_str()))
                .and_then(|p| p.get("containerPort")?.as_i64())
        }
        _ => sp.get("port").and_then(Value::as_i64),
    }
}

fn selects(selector: &Map<String, Value>, pod: &Value) -> bool {
    let labels = labels_of(pod);
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn pod_ref(pod: &Value) -> Value {
    json!({"kind": "Pod", "namespace": namespace_of(pod), "name": name_of(pod),
           "uid": str_at(pod, &["metadata", "uid"]).unwrap_or("")})
}

fn endpoint_ports(svc: &Value, pod: &Value) -> Vec<Value> {
    at(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|sp| {
            let port = target_port(sp, pod)?;
            let mut p = json!({"port": port, "protocol": str_at(sp, &["protocol"]).unwrap_or("TCP")});
            if let Some(n) = str_at(sp, &["name"]).filter(|n| !n.is_empty()) {
                p["name"] = json!(n);
            }
            Some(p)
        })
        .collect()
}

/// Reconciles the Endpoints and EndpointSlices of every Service in a namespace.
pub fn reconcile_namespace(st: &mut Store, ns: &str) {
    let svc_gr = (String::new(), "services".to_string());
    let services: Vec<Obj> = st.iter_ns(&svc_gr, Some(ns)).map(|(_, o)| o.clone()).collect();
    let pod_gr = (String::new(), "pods".to_string());
    let pods: Vec<Obj> = if services.is_empty() {
        Vec::new()
    } else {
        st.iter_ns(&pod_gr, Some(ns)).map(|(_, o)| o.clone()).collect()
    };
    for svc in &services {
        let Some(selector) = at(svc, &["spec", "selector"]).and_then(Value::as_object) else {
            continue;
        };
        if selector.is_empty() || str_at(svc, &["spec", "type"]) == Some("ExternalName") {
            continue;
        }
        let publish_not_ready =
            at(svc, &["spec", "publishNotReadyAddresses"]).and_then(Value::as_bool) == Some(true);
        let chosen: Vec<&Obj> = pods
            .iter()
            .filter(|p| selects(selector, p))
            .filter(|p| str_at(p, &["status", "podIP"]).is_some_and(|ip| !ip.is_empty()))
            .collect();
        write_endpoints(st, svc, &chosen, publish_not_ready);
        write_slice(st, svc, &chosen, publish_not_ready);
    }
    // Endpoints of Services that are gone go with them (the controller deletes them on the
    // Service's deletion event); slices are owned by their Service and garbage-collected.
    let ep_gr = (String::new(), "endpoints".to_string());
    let orphans: Vec<String> = st
        .iter_ns(&ep_gr, Some(ns))
        .filter(|(_, e)| {
            crate::util::label(e, "endpoints.kubernetes.io/managed-by") == Some("endpoint-controller")
        })
        .filter(|(k, _)| !services.iter().any(|s| name_of(s) == k.1))
        .map(|(k, _)| k.1.clone())
        .collect();
    let res = st.res("", "endpoints");
    for name in orphans {
        let _ = ops::delete(st, &res, ns, &name, ops::DeleteOptions::default());
    }
}

fn managed_labels(svc: &Value) -> Map<String, Value> {
    let mut labels = labels_of(svc).cloned().unwrap_or_default();
    if str_at(svc, &["spec", "clusterIP"]) == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), json!(""));
    }
    labels
}

/// One Endpoints subset being built: (ports, ready addresses, not-ready addresses).
type Subset = (Vec<Value>, Vec<Value>, Vec<Value>);

fn write_endpoints(st: &mut Store, svc: &Value, pods: &[&Obj], publish_not_ready: bool) {
    let ns = namespace_of(svc).to_string();
    let name = name_of(svc).to_string();
    // One subset per distinct port set, as the real controller packs them.
    let mut subsets: BTreeMap<String, Subset> = BTreeMap::new();
    for p in pods {
        if ops::deleting(p) && !publish_not_ready {
            continue;
        }
        let ports = endpoint_ports(svc, p);
        let key = serde_json::to_string(&ports).unwrap_or_default();
        let entry = subsets
            .entry(key)
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        let mut addr = json!({"ip": str_at(p, &["status", "podIP"]).unwrap_or(""), "targetRef": pod_ref(p)});
        if let Some(n) = str_at(p, &["spec", "nodeName"]) {
            addr["nodeName"] = json!(n);
        }
        if ready(p) || publish_not_ready {
            entry.1.push(addr);
        } else {
            entry.2.push(addr);
        }
    }
    let subsets: Vec<Value> = subsets
        .into_values()
        .map(|(ports, ready, not_ready)| {
            let mut s = json!({});
            if !ready.is_empty() {
                s["addresses"] = json!(ready);
            }
            if !not_ready.is_empty() {
                s["notReadyAddresses"] = json!(not_ready);
            }
            if !ports.is_empty() {
                s["ports"] = json!(ports);
            }
            s
        })
        .collect();
    let mut labels = managed_labels(svc);
    labels.insert(
        "endpoints.kubernetes.io/managed-by".into(),
        json!("endpoint-controller"),
    );
    let res = st.res("", "endpoints");
    match st.get("", "endpoints", &ns, &name) {
        Some(cur) => {
            let mut new = (*cur).clone();
            if subsets.is_empty() {
                if let Some(m) = new.as_object_mut() {
                    m.remove("subsets");
                }
            } else {
                new["subsets"] = json!(subsets);
            }
            new["metadata"]["labels"] = json!(labels);
            if new != *cur {
                let _ = ops::update(st, &res, &ns, &name, new, None);
            }
        }
        None => {
            let mut ep = json!({"apiVersion": "v1", "kind": "Endpoints",
                                "metadata": {"name": name, "namespace": ns, "labels": labels}});
            if !subsets.is_empty() {
                ep["subsets"] = json!(subsets);
            }
            let _ = ops::create(st, &res, "v1", &ns, ep);
        }
    }
}

fn write_slice(st: &mut Store, svc: &Value, pods: &[&Obj], publish_not_ready: bool) {
    let ns = namespace_of(svc).to_string();
    let name = name_of(svc).to_string();
    let uid = str_at(svc, &["metadata", "uid"]).unwrap_or("").to_string();
    let mut endpoints = Vec::new();
    let mut ports: Option<Vec<Value>> = None;
    for p in pods {
        let terminating = ops::deleting(p);
        let is_ready = ready(p) && !terminating;
        let mut e = json!({
            "addresses": [str_at(p, &["status", "podIP"]).unwrap_or("")],
            "conditions": {"ready": is_ready || (publish_not_ready && !terminating), "serving": ready(p), "terminating": terminating},
            "targetRef": pod_ref(p),
        });
        if let Some(n) = str_at(p, &["spec", "nodeName"]) {
            e["nodeName"] = json!(n);
        }
        endpoints.push(e);
        if ports.is_none() {
            ports = Some(
                endpoint_ports(svc, p)
                    .into_iter()
                    .map(|mut x| {
                        if x.get("name").is_none() {
                            x["name"] = json!("");
                        }
                        x
                    })
                    .collect(),
            );
        }
    }
    let mut labels = managed_labels(svc);
    labels.insert("kubernetes.io/service-name".into(), json!(name));
    labels.insert("endpointslice.kubernetes.io/managed-by".into(), json!(MANAGED_BY));
    let gr = ("discovery.k8s.io".to_string(), "endpointslices".to_string());
    let existing: Option<(Key, Obj)> = st
        .iter_ns(&gr, Some(&ns))
        .find(|(_, s)| {
            crate::util::label(s, "kubernetes.io/service-name") == Some(name.as_str())
                && crate::util::label(s, "endpointslice.kubernetes.io/managed-by") == Some(MANAGED_BY)
        })
        .map(|(k, s)| (k.clone(), s.clone()));
    let res = st.res("discovery.k8s.io", "endpointslices");
    let endpoints = if endpoints.is_empty() {
        Value::Null
    } else {
        json!(endpoints)
    };
    let ports = ports.map(Value::from).unwrap_or(Value::Null);
    match existing {
        Some((k, cur)) => {
            let mut new = (*cur).clone();
            new["endpoints"] = endpoints;
            new["ports"] = ports;
            new["metadata"]["labels"] = json!(labels);
            if new != *cur {
                let _ = ops::update(st, &res, &ns, &k.1, new, None);
            }
        }
        None => {
            let slice = json!({
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "generateName": format!("{name}-"),
                    "namespace": ns,
                    "labels": labels,
                    "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name, "uid": uid,
                                         "controller": true, "blockOwnerDeletion": true}],
                },
                "addressType": "IPv4",
                "endpoints": endpoints,
                "ports": ports,
            });
            let _ = ops::create(st, &res, "v1", &ns, slice);
        }
    }
}

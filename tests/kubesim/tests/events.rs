//! Events through core/v1 and events.k8s.io/v1 as one store, converted as kubernetes
//! pkg/apis/events/v1/conversion.go converts them (`note`↔`message`, `regarding`↔
//! `involvedObject`, `deprecatedCount`↔`count`, `deprecatedSource`↔`source`,
//! `deprecatedFirst/LastTimestamp`↔`first/lastTimestamp`, `reportingController`↔
//! `reportingComponent`; field labels by `AddFieldLabelConversionsForEvent`), with kubectl
//! 1.32 (`kubectl events`, `kubectl get events.events.k8s.io`) and the Python client's
//! EventsV1Api. kube-scheduler records through events.k8s.io/v1 (client-go tools/events:
//! eventTime, action, reportingInstance, none of the deprecated fields); the controller
//! manager through client-go tools/record (core/v1 shape: count, first/lastTimestamp, source).
#[path = "common/clients.rs"]
mod clients;
mod common;

use common::kubectl::{Kubectl, kubectl};
use common::{Watch, get, request};
use kubesim::Sim;
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;

const CLUSTER: &str = r#"
nodes: [{name: worker-1, capacity: {cpu: "1"}}]
namespaces: [{name: shop}]
"#;

fn start() -> Sim {
    Sim::builder()
        .cluster_yaml(CLUSTER)
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// A Deployment whose pod asks for more cpu than the node has: one FailedScheduling event.
fn unschedulable(sim: &Sim) {
    sim.apply_yaml(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: big, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: "4"}}}]}
"#,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        s.list("/api/v1/namespaces/shop/events")
            .iter()
            .any(|e| e["reason"] == "FailedScheduling")
    });
    assert!(seen, "no FailedScheduling event");
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn one_event_is_served_by_both_groups() {
    let sim = start();
    unschedulable(&sim);
    let core = items(&get(sim.url(), "/api/v1/namespaces/shop/events").json());
    let new = get(sim.url(), "/apis/events.k8s.io/v1/namespaces/shop/events").json();
    assert_eq!(new["kind"], "EventList");
    assert_eq!(new["apiVersion"], "events.k8s.io/v1");
    let new = items(&new);
    assert_eq!(core.len(), 1, "{core:?}");
    assert_eq!(new.len(), 1, "{new:?}");
    let (c, e) = (&core[0], &new[0]);
    // List items carry no apiVersion/kind, in either group (kubernetes/kubernetes#3030).
    assert!(
        e.get("apiVersion").is_none() && c.get("apiVersion").is_none(),
        "{e}\n{c}"
    );
    assert_eq!(c["metadata"], e["metadata"], "the same stored object");
    assert_eq!(e["note"], c["message"]);
    assert_eq!(e["regarding"], c["involvedObject"]);
    assert_eq!(e["reportingController"], "default-scheduler");
    assert_eq!(c["reportingComponent"], "default-scheduler");
    // The scheduler's events are events.k8s.io/v1 events: eventTime and action, no count.
    assert_eq!(e["action"], "Scheduling");
    assert!(e["eventTime"].as_str().is_some_and(|t| t.contains('.')), "{e}");
    assert!(
        e.get("message").is_none() && e.get("involvedObject").is_none(),
        "{e}"
    );
    assert!(
        c.get("note").is_none() && c.get("deprecatedCount").is_none(),
        "{c}"
    );
    // One object by name, through either group.
    let name = c["metadata"]["name"].as_str().unwrap_or("");
    let one = get(
        sim.url(),
        &format!("/apis/events.k8s.io/v1/namespaces/shop/events/{name}"),
    )
    .json();
    assert_eq!(one["note"], c["message"]);
    let missing = get(sim.url(), "/apis/events.k8s.io/v1/namespaces/shop/events/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["message"],
        "events.events.k8s.io \"nope\" not found"
    );
    assert_eq!(missing.json()["details"]["group"], "events.k8s.io");
}

#[test]
fn writes_through_events_k8s_io_are_core_events() {
    let sim = start();
    let ev = json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "e1", "namespace": "shop"},
        "eventTime": "2026-01-01T00:00:00.000001Z",
        "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
        "action": "Sync", "reason": "Synced", "type": "Normal", "note": "all good",
        "regarding": {"kind": "ConfigMap", "name": "cfg", "namespace": "shop"},
    });
    let r = request(
        sim.url(),
        "POST",
        "/apis/events.k8s.io/v1/namespaces/shop/events",
        Some(&ev.to_string()),
    );
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["note"], "all good");
    let core = sim.get("/api/v1/namespaces/shop/events/e1").unwrap_or_default();
    assert_eq!(core["message"], "all good");
    assert_eq!(core["involvedObject"]["name"], "cfg");
    assert_eq!(core["reportingComponent"], "example.com/ctl");
    // A merge patch names events.k8s.io fields too.
    let r = common::request_ct(
        sim.url(),
        "PATCH",
        "/apis/events.k8s.io/v1/namespaces/shop/events/e1",
        r#"{"note": "changed"}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let core = sim.get("/api/v1/namespaces/shop/events/e1").unwrap_or_default();
    assert_eq!(core["message"], "changed");
    // Field selectors in events.k8s.io terms.
    let path = "/apis/events.k8s.io/v1/namespaces/shop/events";
    let sel = |s: &str| items(&get(sim.url(), &format!("{path}?fieldSelector={s}")).json()).len();
    assert_eq!(sel("regarding.name%3Dcfg"), 1);
    assert_eq!(sel("regarding.name%3Dother"), 0);
    assert_eq!(sel("reportingController%3Dexample.com%2Fctl"), 1);
}

#[test]
fn watches_through_events_k8s_io_see_converted_events() {
    let sim = start();
    let mut w = Watch::open(
        sim.url(),
        "/apis/events.k8s.io/v1/namespaces/shop/events?watch=true",
    );
    assert_eq!(w.status, 200);
    unschedulable(&sim);
    let ev = w
        .next(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no watch event"));
    assert_eq!(ev["type"], "ADDED");
    assert_eq!(ev["object"]["apiVersion"], "events.k8s.io/v1");
    assert_eq!(ev["object"]["reason"], "FailedScheduling");
    assert!(
        ev["object"]["note"]
            .as_str()
            .is_some_and(|n| n.contains("Insufficient cpu")),
        "{ev}"
    );
}

#[test]
fn kubectl_events_and_get_events_events_k8s_io() {
    let sim = start();
    let Some(bin) = kubectl() else { return };
    let k = Kubectl::new(bin, &sim);
    unschedulable(&sim);
    let (ok, out, err) = k.run(&["events", "-n", "shop"], None);
    assert!(ok, "{out}\n{err}");
    let header: Vec<&str> = out.lines().next().unwrap_or("").split_whitespace().collect();
    assert_eq!(
        header,
        ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        "{out}"
    );
    let row = out.lines().nth(1).unwrap_or("");
    assert!(row.contains("Warning   FailedScheduling   Pod/big-"), "{out}");
    assert!(
        row.contains("0/1 nodes are available: 1 Insufficient cpu."),
        "{out}"
    );
    let (ok, out, err) = k.run(
        &[
            "get",
            "events.events.k8s.io",
            "-n",
            "shop",
            "-o",
            "jsonpath={.items[*].reportingController}/{.items[*].regarding.kind}",
        ],
        None,
    );
    assert!(ok, "{out}\n{err}");
    assert_eq!(out, "default-scheduler/Pod");
}

#[test]
fn python_events_v1_api_lists_them() {
    let Some(python) = clients::client("ISTIOUP_PYTHON", "python kubernetes client") else {
        return;
    };
    let sim = start();
    unschedulable(&sim);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("t.py");
    std::fs::write(
        &script,
        r#"
import json, sys
from kubernetes import client, config
config.load_kube_config(config_file=sys.argv[1])
evs = client.EventsV1Api().list_namespaced_event("shop").items
print(json.dumps([[e.reason, e.regarding.kind, e.reporting_controller, e.action, e.note] for e in evs]))
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(python);
    cmd.arg(&script).arg(sim.kubeconfig());
    let out = clients::run(cmd, dir.path(), None);
    assert!(out.ok, "{}\n{}", out.stdout, out.stderr);
    let got: Value =
        serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(got[0][0], "FailedScheduling", "{got}");
    assert_eq!(got[0][1], "Pod");
    assert_eq!(got[0][2], "default-scheduler");
    assert_eq!(got[0][3], "Scheduling");
    assert!(
        got[0][4].as_str().is_some_and(|n| n.contains("Insufficient cpu")),
        "{got}"
    );
}

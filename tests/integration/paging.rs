//! Big lists read fast and still right: pods of a big cluster are read namespace by namespace,
//! several at once, in pipelined pages, and decoded lean; the result is what one cluster-wide
//! list says. An expired continue token inside one namespace's list reads that list again
//! whole, as client-go's pager does (k8s.io/client-go/tools/pager/pager.go: ListPager.List
//! falls back to a full list on `IsResourceExpired`), and a flaky server changes nothing in the
//! result (k8s.io/client-go/rest/request.go retries).
use std::collections::BTreeMap;

use kubesim::Sim;
use serde_json::Value;

use crate::cluster::Cluster;
use crate::support::{code, text};

/// `istioup status -o json` (or `check`), which must succeed.
fn report(c: &Cluster, verb: &str) -> Value {
    let mut cmd = c.istioup();
    cmd.arg(verb).args(["-o", "json"]);
    if verb == "check" {
        cmd.args(["--skip-check", "istioctl"]);
    }
    let out = cmd.output().unwrap();
    assert!(
        [0, 3].contains(&code(&out)),
        "{verb}: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Pods per namespace as status reports them.
fn status_pods(doc: &Value) -> BTreeMap<String, u64> {
    doc["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["pods"].as_u64().unwrap() > 0)
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_string(),
                n["pods"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Pods per namespace in the server's own store.
fn stored_pods(c: &Cluster) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for pod in c.list("/api/v1/pods") {
        *out.entry(pod["metadata"]["namespace"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    out
}

/// The pod lists istioup sent, without the one-pod probe that counts them.
fn pod_lists(sim: &Sim) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| {
            r.starts_with("GET ") && r.contains("/pods") && !r.contains("limit=1&") && !r.ends_with("limit=1")
        })
        .collect()
}

/// How many pod lists of namespace `ns` istioup sent.
fn reads(sim: &Sim, ns: &str) -> usize {
    pod_lists(sim)
        .iter()
        .filter(|r| r.contains(&format!("/namespaces/{ns}/pods")))
        .count()
}

/// Enough pods per namespace to read them namespace by namespace, and more than one page
/// (2,000 items) in some: the split and the paging inside a namespace both run.
fn big() -> Cluster {
    Cluster::with(Sim::builder().cluster_yaml("nodes: []\n").generate(8, 9_000, 4))
}

#[test]
fn pods_read_by_namespace_are_what_the_cluster_holds() {
    let c = big();
    c.sim.clear_requests();
    let doc = report(&c, "status");
    assert_eq!(status_pods(&doc), stored_pods(&c));
    let lists = pod_lists(&c.sim);
    assert!(
        lists.iter().all(|r| r.contains("/namespaces/")),
        "pods read per namespace: {lists:?}"
    );
    assert!(
        lists.iter().any(|r| r.contains("continue=")),
        "a namespace of 2,250 pods takes two pages: {lists:?}"
    );
}

/// The capacity check counts every pod once: each node's requests are what kubesim itself
/// computes from the stored pods.
#[test]
fn check_counts_each_pod_once_when_split() {
    let c = big();
    let doc = report(&c, "check");
    let text = doc.to_string();
    assert!(!text.contains("\"error\""), "{doc:#}");
    let (cpu, memory) = c.sim.node_free("node-0001").unwrap();
    // 9,000 pods of 100m / 128Mi round-robin over 8 nodes: 1,125 each, 112.5 CPUs of 16.
    assert_eq!(cpu, 16_000 - 1_125 * 100);
    assert_eq!(memory, (64 << 30) - 1_125 * (128 << 20));
    let capacity = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "node-capacity")
        .unwrap_or_else(|| panic!("no capacity check: {doc:#}"));
    assert_eq!(capacity["status"], "fail", "every node is full: {capacity:#}");
}

/// Few pods per namespace: one cluster-wide list in pipelined pages gives the same counts.
#[test]
fn many_small_namespaces_are_read_in_one_list() {
    let c = Cluster::with(Sim::builder().cluster_yaml("nodes: []\n").generate(4, 4_500, 300));
    c.sim.clear_requests();
    let doc = report(&c, "status");
    assert_eq!(status_pods(&doc), stored_pods(&c));
    let lists = pod_lists(&c.sim);
    assert!(
        lists.iter().all(|r| r.contains("/api/v1/pods?")),
        "one cluster-wide list: {lists:?}"
    );
    assert_eq!(lists.len(), 3, "4,500 pods in pages of 2,000: {lists:?}");
}

#[test]
fn an_expired_token_inside_a_namespace_relists_that_namespace() {
    let c = big();
    let healthy = report(&c, "status");
    c.sim.clear_requests();
    c.sim.faults().set_expire_continue(true);
    let expired = report(&c, "status");
    c.sim.faults().clear();
    assert_eq!(expired, healthy);
    let lists = pod_lists(&c.sim);
    assert!(
        lists
            .iter()
            .any(|r| r.contains("/namespaces/ns-001/pods") && !r.contains("limit=")),
        "the namespace is read again whole: {lists:?}"
    );
}

#[test]
fn a_flaky_server_gives_the_same_facts() {
    let c = big();
    let status = report(&c, "status");
    let check = report(&c, "check");
    c.sim.faults().set_error_rate(0.1, &[500, 503, 429]);
    c.sim.faults().set_drop_rate(0.05);
    let flaky_status = report(&c, "status");
    let flaky_check = report(&c, "check");
    c.sim.faults().clear();
    assert_eq!(flaky_status, status);
    assert_eq!(flaky_check, check);
}

/// The same big cluster served by a server that answers JSON only gives the same facts as one
/// that answers protobuf (many pages, per namespace and cluster-wide): the two decoders
/// (`src/k8s/proto.rs`, `src/k8s/lean.rs`) agree page after page.
#[test]
fn protobuf_and_json_pages_give_the_same_facts() {
    let c = big();
    let json = Cluster::with(
        Sim::builder()
            .cluster_yaml("nodes: []\n")
            .generate(8, 9_000, 4)
            .protobuf(false),
    );
    for verb in ["status", "check"] {
        let before = c.sim.protobuf_answers();
        let from_protobuf = report(&c, verb);
        assert!(
            c.sim.protobuf_answers() - before > 4,
            "{verb} read pages in protobuf"
        );
        let from_json = report(&json, verb);
        assert_eq!(
            c.comparable(&from_protobuf),
            json.comparable(&from_json),
            "{verb}"
        );
    }
    assert_eq!(json.sim.protobuf_answers(), 0);
}

/// A page istioup cannot read in protobuf (its reader is its own, `src/k8s/proto.rs`) does not
/// stop the command: that list is read again from its start in JSON, into fresh facts, and a
/// warning says so. Here a continued page of one namespace is garbled
/// (`Faults::garble_next_page`): the report is the healthy one, the namespace is read twice.
#[test]
fn a_page_unreadable_in_protobuf_is_read_again_in_json() {
    let c = big();
    let healthy = report(&c, "status");
    c.sim.clear_requests();
    c.sim.faults().garble_next_page("/namespaces/ns-002/pods", true);
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 0, "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, healthy);
    assert_eq!(
        stderr
            .matches("warning: a page of pods in protobuf could not be read")
            .count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("the list was read again in JSON"), "{stderr}");
    assert_eq!(
        (reads(&c.sim, "ns-001"), reads(&c.sim, "ns-002")),
        (2, 4),
        "{:?}",
        pod_lists(&c.sim)
    );
}

/// A page whose body breaks off after its headers (an API server restarting mid-list, a
/// proxy's idle timeout; `Faults::cut_next_body`) is asked for again: the report is the healthy
/// one. When every try is cut (the first and three more), the command says which list failed.
#[test]
fn a_page_cut_off_midway_is_asked_for_again() {
    let c = big();
    let healthy = report(&c, "status");
    c.sim.clear_requests();
    for _ in 0..2 {
        c.sim.faults().cut_next_body("/namespaces/ns-002/pods");
    }
    assert_eq!(report(&c, "status"), healthy);
    assert_eq!(
        (reads(&c.sim, "ns-001"), reads(&c.sim, "ns-002")),
        (2, 4),
        "{:?}",
        pod_lists(&c.sim)
    );
    for _ in 0..4 {
        c.sim.faults().cut_next_body("/namespaces/ns-002/pods");
    }
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 1, "{stderr}");
    assert!(stderr.starts_with("error: cannot list pods"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["exit_code"], 1, "{doc}");
}

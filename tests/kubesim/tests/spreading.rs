//! Where kubesim's scheduler puts replicas, after kube-scheduler's default scoring plugins
//! (kubernetes pkg/scheduler/apis/config/v1/default_plugins.go): PodTopologySpread's system
//! default constraints (podtopologyspread/plugin.go: hostname maxSkew 3, zone maxSkew 5,
//! ScheduleAnyway), NodeResourcesFit LeastAllocated counting a pod without requests as 100m
//! cpu / 200Mi (pkg/scheduler/util/pod_resources.go) and BalancedAllocation. The model is
//! deterministic (ties go to the first node by name), so the tests assert exact spreads.
use kubesim::Sim;
use std::collections::BTreeMap;
use std::time::Duration;

fn start(cluster: &str) -> Sim {
    Sim::builder()
        .cluster_yaml(cluster)
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

fn deployment(name: &str, replicas: u32, resources: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: default}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: c, image: nginx{resources}}}]}}
"#
    )
}

/// Pods of `app` per node.
fn placement(sim: &Sim, app: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for p in sim.list("/api/v1/namespaces/default/pods") {
        if p["metadata"]["labels"]["app"] != app {
            continue;
        }
        let node = p["spec"]["nodeName"].as_str().unwrap_or("<none>").to_string();
        *out.entry(node).or_default() += 1;
    }
    out
}

fn counts(m: &BTreeMap<String, usize>) -> Vec<usize> {
    m.values().copied().collect::<Vec<_>>()
}

const THREE: &str = "nodes: [{name: n1}, {name: n2}, {name: n3}]\n";

#[test]
fn replicas_without_requests_spread_over_equal_nodes() {
    let sim = start(THREE);
    sim.apply_yaml(&deployment("web", 6, ""))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        placement(s, "web").values().sum::<usize>() == 6
    });
    assert!(seen, "{:?}", placement(&sim, "web"));
    let p = placement(&sim, "web");
    assert_eq!(p.len(), 3, "every node gets replicas: {p:?}");
    assert_eq!(counts(&p), [2, 2, 2], "{p:?}");
}

#[test]
fn replicas_with_requests_spread_too() {
    let sim = start(THREE);
    let res = ", resources: {requests: {cpu: 100m, memory: 64Mi}}";
    sim.apply_yaml(&deployment("api", 3, res))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        placement(s, "api").values().sum::<usize>() == 3
    });
    assert!(seen);
    assert_eq!(
        counts(&placement(&sim, "api")),
        [1, 1, 1],
        "{:?}",
        placement(&sim, "api")
    );
}

/// Spreading is by the pod's own controller: a second Deployment starts over on the first
/// node by name, but the emptier nodes (LeastAllocated) still draw it when sizes differ.
#[test]
fn spreading_counts_siblings_not_strangers() {
    let sim = start(THREE);
    sim.apply_yaml(&deployment("a", 3, ""))
        .unwrap_or_else(|e| panic!("{e:#}"));
    sim.apply_yaml(&deployment("b", 3, ""))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        placement(s, "a").values().sum::<usize>() == 3 && placement(s, "b").values().sum::<usize>() == 3
    });
    assert!(seen);
    assert_eq!(counts(&placement(&sim, "a")), [1, 1, 1]);
    assert_eq!(counts(&placement(&sim, "b")), [1, 1, 1]);
}

/// A node that does not fit takes nothing; the others share the replicas.
#[test]
fn only_fitting_nodes_share_the_replicas() {
    let cluster = r#"
nodes:
  - {name: n1}
  - {name: n2, taints: [{key: dedicated, value: infra, effect: NoSchedule}]}
  - {name: n3}
"#;
    let sim = start(cluster);
    sim.apply_yaml(&deployment("web", 4, ""))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        placement(s, "web").values().sum::<usize>() == 4
    });
    assert!(seen);
    let p = placement(&sim, "web");
    assert_eq!(p.get("n2"), None, "{p:?}");
    assert_eq!(p.get("n1"), Some(&2), "{p:?}");
    assert_eq!(p.get("n3"), Some(&2), "{p:?}");
}

/// Zones: with two zones of unequal size the zone constraint keeps replicas balanced per
/// zone before per node.
#[test]
fn zones_are_a_second_spreading_domain() {
    let cluster = r#"
nodes:
  - {name: a1, labels: {topology.kubernetes.io/zone: a}}
  - {name: a2, labels: {topology.kubernetes.io/zone: a}}
  - {name: b1, labels: {topology.kubernetes.io/zone: b}}
"#;
    let sim = start(cluster);
    sim.apply_yaml(&deployment("web", 4, ""))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seen = sim.wait_for(Duration::from_secs(10), |s| {
        placement(s, "web").values().sum::<usize>() == 4
    });
    assert!(seen);
    let p = placement(&sim, "web");
    let zone_a = p.get("a1").copied().unwrap_or(0) + p.get("a2").copied().unwrap_or(0);
    let zone_b = p.get("b1").copied().unwrap_or(0);
    assert_eq!((zone_a, zone_b), (2, 2), "{p:?}");
}

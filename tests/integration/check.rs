//! `istioup check` end to end on kubesim: the report, the exit status, and that nothing changes.

use serde_json::{Value, json};

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{check, code, doc, overlay, text};

/// `istioup check ARGS -o json` on `c`, with the exit status it must have.
fn run(c: &Cluster, args: &[&str], status: i32) -> Value {
    let out = c
        .istioup()
        .arg("check")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), status, "{}\n{}", text(&out.stdout), text(&out.stderr));
    doc(&out)
}

/// check asks istioctl for its version and nothing else.
fn assert_nothing_changed(c: &Cluster) {
    let calls: Vec<String> = c
        .istioctl_calls()
        .iter()
        .map(|call| call["argv"][0].to_string())
        .collect();
    assert!(calls.iter().all(|a| a == "\"version\""), "{calls:?}");
    assert!(
        c.list("/apis/apps/v1/namespaces/istio-system/deployments")
            .is_empty()
    );
    assert!(c.labelled_namespaces().is_empty());
}

#[test]
fn a_ready_cluster_passes_in_table_and_json() {
    let c = Cluster::start(CLUSTER);
    let out = c.istioup().args(["check", "--inject", "shop"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.starts_with(&format!("Target: context {} (cluster ", c.sim.context_name())),
        "{table}"
    );
    assert!(
        table.contains(&format!("at {} · Kubernetes v1.33.2 · 3 nodes", c.sim.url())),
        "{table}"
    );
    for line in [
        "✔ kubernetes-version   Kubernetes 1.33.2 is supported by Istio 1.28.0 (1.30–1.34)",
        "✔ rbac                 you may do everything an install needs",
        "✔ inject-namespaces    1 namespace to inject",
        "✔ existing-mesh        no Istio installed: fresh install",
        "✔ node-capacity        all 2 Istio pods fit on the nodes",
    ] {
        assert!(table.contains(line), "{line:?} missing in\n{table}");
    }

    let report = run(&c, &["--inject", "shop"], 0);
    let keys: Vec<&str> = report.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["target", "checks", "ok"]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["target"]["context"], c.sim.context_name());
    assert_eq!(report["target"]["server"], c.sim.url());
    assert_eq!(report["target"]["kubernetes_version"], "v1.33.2");
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "kubernetes-version",
            "istioctl",
            "rbac",
            "inject-namespaces",
            "existing-mesh",
            "node-capacity",
            "sidecar-overhead",
            "node-ports",
            "load-balancer",
            "pod-security",
            "ingress-controllers"
        ]
    );
    assert_eq!(
        check(&report, "inject-namespaces")["details"],
        json!(["shop (2 pods)"])
    );
    assert_eq!(
        check(&report, "sidecar-overhead")["message"],
        "2 pods in 1 namespace will each get a proxy (100m CPU / 128Mi each): 200m CPU / 256Mi in all"
    );
    assert_nothing_changed(&c);
}

#[test]
fn a_failed_check_exits_3_and_reports_ok_false() {
    let c = Cluster::start(
        "
nodes:
  - {name: worker-1, capacity: {cpu: 300m, memory: 8Gi}}
  - {name: worker-2, capacity: {cpu: 300m, memory: 8Gi}}
",
    );
    let out = c.istioup().args(["check"]).output().unwrap();
    assert_eq!(code(&out), 3);
    assert!(
        text(&out.stdout).contains("✘ node-capacity"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("error: the cluster is not ready for this installation"));

    let report = run(&c, &[], 3);
    assert_eq!(report["ok"], false);
    let capacity = check(&report, "node-capacity");
    assert_eq!(capacity["status"], "fail");
    assert!(
        capacity["details"][0]
            .as_str()
            .unwrap()
            .starts_with("istiod needs 500m CPU / 2Gi; best node worker-")
    );

    // --skip-check turns the failure into a skip that still says what it would have said.
    let report = run(&c, &["--skip-check", "node-capacity"], 0);
    assert_eq!(report["ok"], true);
    let skipped = check(&report, "node-capacity");
    assert_eq!(skipped["status"], "skip");
    assert_eq!(
        skipped["message"],
        "skipped by --skip-check (would have said: not every Istio pod fits on a node)"
    );
    assert_nothing_changed(&c);
}

#[test]
fn an_unknown_check_id_is_a_usage_error_listing_the_ids() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["check", "--skip-check", "node-capacitty"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("--skip-check node-capacitty: no check has this id (did you mean `node-capacity`?)"),
        "{err}"
    );
    // A usage error: told before the cluster is asked anything.
    assert!(
        !c.sim.requests().iter().any(|r| r.contains("/api/v1/nodes")),
        "{:?}",
        c.sim.requests()
    );
    assert!(
        err.contains(
            "the check ids are: kubernetes-version, istioctl, rbac, inject-namespaces, existing-mesh, \
             node-capacity, sidecar-overhead, node-ports, load-balancer, pod-security, ingress-controllers"
        ),
        "{err}"
    );
}

#[test]
fn warnings_fail_only_with_fail_on_warn() {
    let c = Cluster::start(CLUSTER);
    // The base's ingress gateway is a LoadBalancer, and no Service here ever got an address.
    let report = run(&c, &[], 0);
    assert_eq!(check(&report, "load-balancer")["status"], "warn");
    assert_eq!(report["ok"], true);
    let report = run(&c, &["--fail-on", "warn"], 3);
    assert_eq!(report["ok"], false);
    // NodePort has no such doubt.
    let report = run(
        &c,
        &["--fail-on", "warn", "-f", &overlay("ingress-nodeport.yaml")],
        0,
    );
    assert_eq!(check(&report, "load-balancer")["status"], "skip");
}

#[test]
fn a_load_balancer_service_with_an_address_proves_the_cluster_has_one() {
    let c = Cluster::start(&format!(
        "{CLUSTER}
objects:
  - apiVersion: v1
    kind: Service
    metadata: {{name: web, namespace: shop}}
    spec:
      type: LoadBalancer
      selector: {{app: web}}
      ports: [{{port: 80, targetPort: 8080}}]
    status:
      loadBalancer:
        ingress: [{{ip: 192.0.2.10}}]
"
    ));
    let report = run(&c, &["--fail-on", "warn"], 0);
    let lb = check(&report, "load-balancer");
    assert_eq!(lb["status"], "pass", "{lb:#}");
    assert_eq!(lb["message"], "the cluster hands out load balancer addresses");
}

#[test]
fn an_untested_or_too_old_kubernetes_warns() {
    let untested = Cluster::with(
        kubesim::Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(std::time::Duration::from_millis(100))
            .k8s_version("v1.35.0"),
    );
    let report = run(&untested, &[], 0);
    let version = check(&report, "kubernetes-version");
    assert_eq!(version["status"], "warn");
    assert_eq!(
        version["message"],
        "Kubernetes 1.35.0 is outside the range Istio 1.28.0 is tested on (1.30–1.34)"
    );
    run(
        &untested,
        &["--fail-on", "warn", "--skip-check", "load-balancer"],
        3,
    );

    let old = Cluster::with(
        kubesim::Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(std::time::Duration::from_millis(100))
            .k8s_version("v1.27.3"),
    );
    // istioctl installs below its minimum, with a warning (k8sversion/version.go).
    let report = run(&old, &["--skip-check", "load-balancer"], 0);
    assert_eq!(check(&report, "kubernetes-version")["status"], "warn");
}

const NAMESPACES: &str = "
nodes:
  - {name: worker-1, capacity: {cpu: '4', memory: 8Gi}}
namespaces:
  - {name: shop, labels: {team: shop}}
  - {name: shop-staging, labels: {team: shop}}
  - {name: blog}
  - {name: legacy, labels: {istio-injection: disabled}}
  - {name: istio-system}
workloads:
  - {kind: Deployment, namespace: shop, name: web, replicas: 2, cpu: 100m, memory: 128Mi}
";

fn inject_details(report: &Value) -> Vec<String> {
    let mut names: Vec<String> = check(report, "inject-namespaces")["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str()?.split(' ').next().map(String::from))
        .collect();
    names.sort();
    names
}

#[test]
fn inject_all_leaves_out_system_istio_and_disabled_namespaces() {
    let c = Cluster::start(NAMESPACES);
    let report = run(&c, &["--inject-all"], 0);
    assert_eq!(
        inject_details(&report),
        ["blog", "default", "shop", "shop-staging"]
    );
    assert_eq!(
        check(&report, "inject-namespaces")["message"],
        "4 namespaces to inject"
    );
    assert_nothing_changed(&c);
}

#[test]
fn inject_selector_picks_the_matching_namespaces() {
    let c = Cluster::start(NAMESPACES);
    let report = run(&c, &["--inject-selector", "team=shop"], 0);
    assert_eq!(inject_details(&report), ["shop", "shop-staging"]);
    let report = run(&c, &["--inject-selector", "team=nobody"], 0);
    let inject = check(&report, "inject-namespaces");
    assert_eq!(inject["status"], "warn");
    assert_eq!(
        inject["message"],
        "no namespace matches: nothing will be injected"
    );
}

#[test]
fn a_missing_or_system_namespace_cannot_be_injected() {
    let c = Cluster::start(NAMESPACES);
    let report = run(&c, &["--inject", "shop", "--inject", "nope"], 3);
    assert_eq!(
        check(&report, "inject-namespaces")["message"],
        "namespaces not found: nope"
    );
    let report = run(&c, &["--inject", "kube-system"], 3);
    assert_eq!(
        check(&report, "inject-namespaces")["message"],
        "Istio never injects kube-system"
    );
}

#[test]
fn restricted_pod_security_needs_the_cni() {
    let c = Cluster::start(
        "
nodes:
  - {name: worker-1, capacity: {cpu: '4', memory: 8Gi}}
namespaces:
  - {name: secure, labels: {pod-security.kubernetes.io/enforce: restricted}}
",
    );
    let report = run(&c, &["--inject", "secure"], 3);
    let psa = check(&report, "pod-security");
    assert_eq!(psa["status"], "fail");
    assert_eq!(psa["details"], json!(["secure enforces restricted"]));
    assert!(psa["hint"].as_str().unwrap().contains("overlays/cni-rke2.yaml"));

    let report = run(&c, &["--inject", "secure", "-f", &overlay("cni-rke2.yaml")], 0);
    let psa = check(&report, "pod-security");
    assert_eq!(psa["status"], "pass");
    assert_eq!(psa["message"], "CNI is on: injected pods need no NET_ADMIN");
}

#[test]
fn another_ingress_controller_is_reported() {
    let c = Cluster::start(
        "
nodes:
  - {name: worker-1, capacity: {cpu: '4', memory: 8Gi}}
namespaces:
  - name: ingress-nginx
workloads:
  - kind: Deployment
    namespace: ingress-nginx
    name: ingress-nginx-controller
    labels: {app.kubernetes.io/name: ingress-nginx}
    cpu: 100m
    memory: 90Mi
",
    );
    let report = run(&c, &[], 0);
    let other = check(&report, "ingress-controllers");
    assert_eq!(other["status"], "info");
    assert_eq!(
        other["details"],
        json!(["ingress-nginx/ingress-nginx-controller"])
    );

    let plain = Cluster::start(CLUSTER);
    assert_eq!(
        check(&run(&plain, &[], 0), "ingress-controllers")["status"],
        "pass"
    );
}

#[test]
fn a_taken_node_port_fails_the_check() {
    let c = Cluster::start(&format!(
        "{CLUSTER}
objects:
  - apiVersion: v1
    kind: Service
    metadata: {{name: old-ingress, namespace: blog}}
    spec:
      type: NodePort
      selector: {{app: api}}
      ports: [{{port: 80, targetPort: 8080, nodePort: 31390}}]
"
    ));
    let report = run(&c, &["-f", &overlay("ingress-nodeport.yaml")], 3);
    let ports = check(&report, "node-ports");
    assert_eq!(ports["status"], "fail");
    assert_eq!(
        ports["details"],
        json!(["istio-ingressgateway: nodePort 31390 is taken by Service blog/old-ingress"])
    );
    assert_nothing_changed(&c);
}

#[test]
fn an_installed_mesh_is_recognised() {
    let c = Cluster::start(CLUSTER);
    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = run(&c, &[], 0);
    let mesh = check(&report, "existing-mesh");
    assert_eq!(mesh["status"], "info");
    assert_eq!(
        mesh["message"],
        "Istio 1.28.0 already runs (revision default): istioctl re-applies the spec"
    );
}

/// Facts are read once with cluster-wide, paginated lists: never one request per node, and on
/// a cluster whose pods fit one page never one per namespace (big clusters' pods are read per
/// namespace: tests/integration/paging.rs). Besides the list, one request of one pod asks the
/// server how many there are.
#[test]
fn facts_come_from_cluster_wide_lists_not_one_request_per_node_or_namespace() {
    let mut yaml = String::from("nodes:\n");
    for i in 1..=5 {
        yaml.push_str(&format!(
            "  - {{name: worker-{i}, capacity: {{cpu: '4', memory: 8Gi}}}}\n"
        ));
    }
    yaml.push_str("namespaces:\n");
    for i in 1..=6 {
        yaml.push_str(&format!("  - name: team-{i}\n"));
    }
    let c = Cluster::start(&yaml);
    c.sim.clear_requests();
    let out = c
        .istioup()
        .args(["check", "--inject-all", "-o", "json"])
        .output()
        .unwrap();
    assert!(matches!(code(&out), 0 | 3), "{}", text(&out.stderr));
    let requests = c.sim.requests();
    let per_object: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/namespaces/team-") || r.starts_with("GET /api/v1/nodes/"))
        .collect();
    assert!(
        per_object.is_empty(),
        "per-namespace or per-node requests: {per_object:?}"
    );
    let pod_lists = requests
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods") && !r.ends_with("&limit=1"))
        .count();
    assert_eq!(pod_lists, 1, "pods are listed once: {requests:?}");
    let counts = requests
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/pods") && r.ends_with("&limit=1"))
        .count();
    assert_eq!(counts, 1, "one count of the pods: {requests:?}");
}

/// The ambient profile's node agents run on every Linux node (istio-cni and ztunnel charts:
/// DaemonSets, 100m/100Mi and 200m/512Mi, tests/fixtures/istio/*/ambient.yaml): a node without
/// room for ztunnel fails the check, though a cluster-wide sum would pass.
#[test]
fn node_agents_need_room_on_every_node() {
    let c = Cluster::start(
        "
nodes:
  - {name: big, capacity: {cpu: '8', memory: 16Gi}}
  - {name: small, capacity: {cpu: '4', memory: 8Gi}, allocatable: {cpu: 250m}}
",
    );
    let report = run(&c, &["--profile", "ambient"], 3);
    let capacity = check(&report, "node-capacity");
    assert_eq!(capacity["status"], "fail", "{capacity:#}");
    let details: Vec<&str> = capacity["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("ztunnel needs 200m CPU / 512Mi on node small")),
        "{details:?}"
    );
    // The default profile runs no node agent: the same cluster passes.
    let report = run(&c, &["--skip-check", "load-balancer"], 0);
    assert_eq!(check(&report, "node-capacity")["status"], "pass");
}

//! `istioup install` end to end on kubesim with the istioctl stand-in; each test asserts the
//! cluster state afterwards (and what istioctl was asked to do).
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kubesim::Sim;
use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{check, code, doc, overlay, text};

fn argv(call: &Value) -> Vec<String> {
    call["argv"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str().map(String::from))
        .collect()
}

/// The value after `flag` in an istioctl invocation.
fn flag(call: &Value, flag: &str) -> Option<String> {
    let argv = argv(call);
    argv.iter()
        .position(|a| a == flag)
        .and_then(|i| argv.get(i + 1).cloned())
}

fn pods(c: &Cluster, ns: &str, app: &str) -> Vec<Value> {
    c.list(&format!("/api/v1/namespaces/{ns}/pods"))
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == app)
        .collect()
}

fn nodes_of(c: &Cluster, ns: &str, app: &str) -> Vec<String> {
    pods(c, ns, app)
        .iter()
        .filter_map(|p| p["spec"]["nodeName"].as_str().map(String::from))
        .collect()
}

fn istiod_exists(c: &Cluster) -> bool {
    c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .is_some()
}

/// Three workers with 300m CPU free each: 900m in all, but istiod needs 500m on one node.
const SMALL_NODES: &str = "
nodes:
  - {name: worker-1, capacity: {cpu: 300m, memory: 8Gi}}
  - {name: worker-2, capacity: {cpu: 300m, memory: 8Gi}}
  - {name: worker-3, capacity: {cpu: 300m, memory: 8Gi}}
namespaces:
  - name: shop
";

#[test]
fn happy_path_installs_verifies_and_labels() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "--inject", "shop", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "installed");
    assert_eq!(report["action"], "install");
    assert_eq!(report["istio_version"], "1.28.0");
    assert_eq!(report["previous_version"], Value::Null);
    assert_eq!(report["revision"], "default");
    assert_eq!(report["target"]["context"], c.sim.context_name());
    assert_eq!(report["target"]["server"], c.sim.url());
    assert_eq!(report["target"]["nodes"], 3);
    assert_eq!(report["inject"], serde_json::json!(["shop"]));
    assert_eq!(report["namespaces"][0]["namespace"], "shop");
    assert_eq!(report["namespaces"][0]["label"], "istio-injection=enabled");
    assert_eq!(report["namespaces"][0]["change"], "labelled");
    let components: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(components, ["istiod", "istio-ingressgateway"]);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] != "fail"),
        "{report:#}"
    );
    assert_eq!(report["problems"], serde_json::json!([]));
    assert!(
        report["istioctl_log"]
            .as_str()
            .is_some_and(|p| std::path::Path::new(p).exists())
    );

    assert!(istiod_exists(&c));
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway")
            .is_some()
    );
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
    assert!(c.namespace_labels("blog").get("istio-injection").is_none());
    let calls = c.install_calls();
    assert_eq!(calls.len(), 1);
    let argv = argv(&calls[0]);
    assert!(
        argv.windows(2).any(|w| w == ["--context", c.sim.context_name()]),
        "{argv:?}"
    );
    assert!(argv.iter().any(|a| a == "-y"), "{argv:?}");
    // Without --restart the running pods keep going without a sidecar, and are listed.
    assert_eq!(report["restart_pending"][0]["name"], "web");
    assert_eq!(report["restart_pending"][0]["pods"], 2);
    assert!(
        c.pod_containers("shop")
            .iter()
            .all(|cs| !cs.contains(&"istio-proxy".to_string()))
    );
    // The spec file was temporary.
    assert_eq!(c.temp_files(), Vec::<String>::new());
}

#[test]
fn restart_gives_the_pods_a_sidecar_and_the_namespace_records_its_label() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args([
            "install",
            "--inject",
            "shop",
            "--restart",
            "--timeout",
            "60s",
            "-y",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(
        report["restarted"],
        serde_json::json!(["shop/deployment/web"]),
        "{report:#}"
    );
    assert_eq!(report["restart_pending"], serde_json::json!([]));
    let ns = c.get("/api/v1/namespaces/shop").unwrap();
    assert_eq!(
        ns["metadata"]["annotations"]["istioup.io/injection-label"],
        "istio-injection"
    );
    // The old ReplicaSet's pods go once the new ones are available.
    let all_injected = c.sim.wait_for(Duration::from_secs(30), |_| {
        let pods = c.pod_containers("shop");
        pods.len() == 2 && pods.iter().all(|cs| cs.contains(&"istio-proxy".to_string()))
    });
    assert!(all_injected, "{:?}", c.pod_containers("shop"));
    // blog was not asked for.
    assert!(
        c.pod_containers("blog")
            .iter()
            .all(|cs| !cs.contains(&"istio-proxy".to_string()))
    );
}

#[test]
fn nodeport_egress_and_second_ingress_overlays_become_services_and_deployments() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "-y", "-f"])
        .arg(overlay("ingress-nodeport.yaml"))
        .arg("-f")
        .arg(overlay("egress-gateway.yaml"))
        .arg("-f")
        .arg(overlay("internal-ingress-gateway.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    for name in [
        "istiod",
        "istio-ingressgateway",
        "istio-egressgateway",
        "istio-internal-ingressgateway",
    ] {
        let d = c
            .get(&format!(
                "/apis/apps/v1/namespaces/istio-system/deployments/{name}"
            ))
            .unwrap_or_else(|| panic!("Deployment {name} missing"));
        assert_eq!(d["status"]["availableReplicas"], 1, "{name}: {:#}", d["status"]);
    }
    let svc = |name: &str| {
        c.get(&format!("/api/v1/namespaces/istio-system/services/{name}"))
            .unwrap_or_else(|| panic!("Service {name} missing"))
    };
    let ingress = svc("istio-ingressgateway");
    assert_eq!(ingress["spec"]["type"], "NodePort");
    let node_port = |port: i64| {
        ingress["spec"]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["port"] == port)
            .and_then(|p| p["nodePort"].as_i64())
    };
    assert_eq!(node_port(80), Some(31380));
    assert_eq!(node_port(443), Some(31390));
    assert_eq!(node_port(31400), Some(31400));
    assert!(node_port(15021).is_some_and(|p| (30000..=32767).contains(&p)));
    assert_eq!(svc("istio-egressgateway")["spec"]["type"], "ClusterIP");
    let internal = svc("istio-internal-ingressgateway");
    assert_eq!(internal["spec"]["type"], "ClusterIP");
    assert_eq!(internal["spec"]["selector"]["istio"], "internal-ingressgateway");
    assert_eq!(pods(&c, "istio-system", "istio-internal-ingressgateway").len(), 1);
}

#[test]
fn insufficient_capacity_stops_before_istioctl_and_names_component_and_node() {
    let c = Cluster::start(SMALL_NODES);
    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("✘ node-capacity"), "{err}");
    assert!(err.contains("istiod needs 500m CPU / 2Gi"), "{err}");
    assert!(
        err.contains("best node worker-1 has 300m / 8Gi free: insufficient CPU"),
        "{err}"
    );
    assert!(err.contains("nothing on the cluster was changed"), "{err}");
    assert!(c.install_calls().is_empty(), "{:?}", c.istioctl_calls());
    assert!(c.get("/api/v1/namespaces/istio-system").is_none());
}

const INFRA: &str = "
nodes:
  - {name: worker-1, capacity: {cpu: '4', memory: 8Gi}}
  - {name: worker-2, capacity: {cpu: '4', memory: 8Gi}}
  - name: infra-1
    capacity: {cpu: '8', memory: 16Gi}
    labels: {node-role.kubernetes.io/infra: 'true'}
    taints: [{key: dedicated, value: infra, effect: NoSchedule}]
";

#[test]
fn a_tainted_infra_node_is_used_only_with_the_dedicated_nodes_overlay() {
    let plain = Cluster::start(INFRA);
    let out = plain.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let istiod = nodes_of(&plain, "istio-system", "istiod");
    assert_eq!(istiod.len(), 1);
    assert!(istiod[0].starts_with("worker-"), "{istiod:?}");
    assert!(
        nodes_of(&plain, "istio-system", "istio-ingressgateway")
            .iter()
            .all(|n| n.starts_with("worker-"))
    );

    let dedicated = Cluster::start(INFRA);
    let out = dedicated
        .istioup()
        .args(["install", "-y", "-o", "json", "-f"])
        .arg(overlay("dedicated-infra-nodes.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let details = check(&doc(&out), "node-capacity")["details"].to_string();
    assert!(details.contains("istiod (500m CPU / 2Gi) → infra-1"), "{details}");
    assert_eq!(nodes_of(&dedicated, "istio-system", "istiod"), ["infra-1"]);
    assert_eq!(
        nodes_of(&dedicated, "istio-system", "istio-ingressgateway"),
        ["infra-1"]
    );
}

#[test]
fn the_dedicated_nodes_overlay_without_infra_nodes_fails_the_checks() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "-y", "-f"])
        .arg(overlay("dedicated-infra-nodes.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("istiod needs 500m CPU / 2Gi; no node can take it: 3 did not match the nodeSelector"),
        "{err}"
    );
    assert!(c.install_calls().is_empty());
}

#[test]
fn a_node_port_taken_by_another_service_stops_the_install() {
    let cluster = format!(
        "{CLUSTER}
objects:
  - apiVersion: v1
    kind: Service
    metadata: {{name: legacy-gateway, namespace: blog}}
    spec:
      type: NodePort
      selector: {{app: api}}
      ports: [{{name: http, port: 80, targetPort: 8080, nodePort: 31380}}]
"
    );
    let c = Cluster::start(&cluster);
    let out = c
        .istioup()
        .args(["install", "-y", "-f"])
        .arg(overlay("ingress-nodeport.yaml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("istio-ingressgateway: nodePort 31380 is taken by Service blog/legacy-gateway"),
        "{err}"
    );
    assert!(!err.contains("31390 is taken"), "{err}");
    assert!(c.install_calls().is_empty());
    assert!(c.get("/api/v1/namespaces/istio-system").is_none());
}

#[test]
fn missing_permissions_are_listed_exactly() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .deny("create", "customresourcedefinitions.apiextensions.k8s.io")
            .deny("patch", "namespaces"),
    );
    let out = c
        .istioup()
        .args(["install", "-y", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "checks-failed");
    let rbac = check(&report, "rbac");
    assert_eq!(rbac["status"], "fail");
    assert_eq!(
        rbac["message"],
        "missing permissions: patch namespaces, create customresourcedefinitions.apiextensions.k8s.io"
    );
    assert!(c.install_calls().is_empty());
}

/// istioctl applies every object with server-side apply (a PATCH) and the charts create HPAs
/// (tests/fixtures/istio/*/default.yaml): a user who may create but not patch them used to pass
/// the check and fail inside istioctl, after the CRDs were applied.
#[test]
fn the_rbac_check_asks_for_what_server_side_apply_of_the_charts_needs() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .deny("patch", "horizontalpodautoscalers.autoscaling"),
    );
    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let rbac = check(&doc(&out), "rbac").clone();
    assert_eq!(rbac["status"], "fail");
    assert_eq!(
        rbac["message"],
        "missing permissions: patch horizontalpodautoscalers.autoscaling"
    );
    assert!(c.install_calls().is_empty());
}

/// Below its minimum, istioctl warns "Proceeding with the installation, but you might
/// experience problems" and installs (istioctl/pkg/install/k8sversion/version.go): so does
/// istioup, and `--fail-on warn` stops CI there.
#[test]
fn kubernetes_below_istioctls_minimum_warns() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .k8s_version("v1.27.3"),
    );
    let out = c
        .istioup()
        .args(["install", "-y", "--fail-on", "warn"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("Kubernetes 1.27.3 is below istioctl 1.28.0's minimum 1.29: istioctl will install, but Istio may misbehave"),
        "{err}"
    );
    assert!(c.install_calls().is_empty());
    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(c.install_calls().len(), 1);
}

#[test]
fn an_untested_kubernetes_warns_and_fail_on_warn_stops() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .k8s_version("v1.29.4"),
    );
    let out = c
        .istioup()
        .args(["install", "-y", "--fail-on", "warn", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let version = check(&doc(&out), "kubernetes-version").clone();
    assert_eq!(version["status"], "warn");
    assert_eq!(
        version["message"],
        "Kubernetes 1.29.4 is outside the range Istio 1.28.0 is tested on (1.30–1.34)"
    );
    assert!(c.install_calls().is_empty());

    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("‼ kubernetes-version"),
        "{}",
        text(&out.stderr)
    );
    assert!(istiod_exists(&c));
}

#[test]
fn istioctl_failing_at_istiod_exits_4_and_labels_nothing() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Istiod")
        .args(["install", "-y", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "istioctl-failed");
    let err = text(&out.stderr);
    assert!(
        err.contains("istioctl install failed (exit 1); no namespace was labelled"),
        "{err}"
    );
    assert!(err.contains("Istiod: "), "{err}");
    assert!(err.contains("ImagePullBackOff"), "{err}");
    assert!(
        report["problems"].to_string().contains("ImagePullBackOff"),
        "{report:#}"
    );
    assert!(
        c.labelled_namespaces().is_empty(),
        "{:?}",
        c.labelled_namespaces()
    );
}

#[test]
fn pods_that_cannot_be_scheduled_are_named_with_their_scheduling_event() {
    let c = Cluster::start(SMALL_NODES);
    let out = c
        .istioup()
        .args([
            "install",
            "-y",
            "--inject",
            "shop",
            "--skip-check",
            "node-capacity",
            "--readiness-timeout",
            "2s",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let pending = err
        .lines()
        .find(|l| l.contains("pod istio-system/istiod-") && l.contains("is Pending"))
        .unwrap_or_else(|| panic!("no Pending istiod pod in:\n{err}"));
    assert!(pending.contains("Insufficient cpu"), "{pending}");
    assert!(err.contains("event FailedScheduling Pod/istiod-"), "{err}");
    assert!(c.labelled_namespaces().is_empty());
}

#[test]
fn an_image_that_cannot_be_pulled_is_named() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args([
            "install",
            "-y",
            "--set",
            "hub=registry.example/doesnotexist",
            "--readiness-timeout",
            "2s",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.lines()
            .any(|l| l.contains("pod istio-system/istiod-") && l.contains("ImagePullBackOff")),
        "{err}"
    );
    assert!(c.labelled_namespaces().is_empty());
}

#[test]
fn istioctl_claiming_success_without_istiod_does_not_verify() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Istiod")
        .env("ISTIOCTL_STANDIN_EXIT", "0")
        .args(["install", "-y", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "not-verified");
    assert!(
        report["problems"]
            .to_string()
            .contains("Deployment istio-system/istiod is missing"),
        "{report:#}"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("istioctl reported success, but the installation did not verify"),
        "{err}"
    );
    assert!(c.labelled_namespaces().is_empty());
}

fn pid_alive(pid: i64) -> bool {
    // A zombie (killed, not yet reaped by its parent) counts as gone.
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    !status.is_empty() && !status.lines().any(|l| l.starts_with("State:") && l.contains("Z"))
}

/// An istioctl that hangs in `install` only: the stand-in's ISTIOCTL_STANDIN_HANG applies to
/// every command, and istioup asks `istioctl version` first.
fn hanging_istioctl(c: &Cluster) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = c.dir.path().join("hanging-istioctl");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = install ]; then ISTIOCTL_STANDIN_HANG=1; export ISTIOCTL_STANDIN_HANG; fi\nexec '{}' \"$@\"\n",
        c.dir.path().join("bin/istioctl").display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A wrapper script that runs istioctl without `exec` (as version managers' shims do): stopping
/// the wrapper alone would leave istioctl running, so istioup stops its whole process group.
#[test]
fn a_wrapper_that_does_not_exec_is_stopped_whole() {
    use std::os::unix::fs::PermissionsExt;
    let c = Cluster::start(CLUSTER);
    let wrapper = c.dir.path().join("shim-istioctl");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\n'{}' \"$@\"\n", hanging_istioctl(&c).display()),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = c
        .istioup()
        .args(["install", "-y", "--istioctl-timeout", "2s", "--istioctl"])
        .arg(&wrapper)
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let calls = c.install_calls();
    assert_eq!(calls.len(), 1);
    let pid = calls[0]["pid"].as_i64().unwrap();
    // Orphaned istioctl is reparented and reaped by init: give that a moment.
    let gone = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        !pid_alive(pid)
    });
    assert!(gone, "istioctl {pid} still runs after its wrapper was stopped");
}

#[test]
fn a_hanging_istioctl_is_stopped_at_the_timeout() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args([
            "install",
            "-y",
            "--inject",
            "shop",
            "--istioctl-timeout",
            "2s",
            "-o",
            "json",
            "--istioctl",
        ])
        .arg(hanging_istioctl(&c))
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["result"], "istioctl-failed");
    let err = text(&out.stderr);
    assert!(
        err.contains("istioctl did not finish within 2s and was stopped"),
        "{err}"
    );
    let calls = c.install_calls();
    assert_eq!(calls.len(), 1);
    let pid = calls[0]["pid"].as_i64().unwrap();
    assert!(!pid_alive(pid), "istioctl {pid} still runs");
    assert!(c.labelled_namespaces().is_empty());
    assert_eq!(c.temp_files(), Vec::<String>::new());
}

#[test]
fn ctrl_c_during_install_stops_istioctl_and_changes_nothing_more() {
    signal_during_install_stops_istioctl_and_changes_nothing_more("-INT");
}

/// CI systems cancel a job with SIGTERM: the same clean stop as Ctrl-C.
#[test]
fn sigterm_during_install_stops_istioctl_and_changes_nothing_more() {
    signal_during_install_stops_istioctl_and_changes_nothing_more("-TERM");
}

fn signal_during_install_stops_istioctl_and_changes_nothing_more(signal: &str) {
    let c = Cluster::start(CLUSTER);
    let mut child = c
        .command()
        .args(["install", "-y", "--inject", "shop", "-o", "json", "--istioctl"])
        .arg(hanging_istioctl(&c))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while c.install_calls().is_empty() {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "istioup ended before istioctl install started:\n{}",
                text(&out.stderr)
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "istioctl install never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let call = c.install_calls().remove(0);
    let spec_file = flag(&call, "-f").unwrap();
    assert!(std::path::Path::new(&spec_file).exists(), "{spec_file}");
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(doc(&out)["result"], "interrupted");
    let pid = call["pid"].as_i64().unwrap();
    assert!(!pid_alive(pid), "istioctl {pid} still runs");
    assert!(c.labelled_namespaces().is_empty());
    assert!(
        !std::path::Path::new(&spec_file).exists(),
        "{spec_file} left behind"
    );
    assert_eq!(c.temp_files(), Vec::<String>::new());
}

#[test]
fn without_a_terminal_and_without_yes_nothing_happens() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("there is no terminal to ask on; nothing was changed"),
        "{err}"
    );
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(doc(&out)["result"], "not-confirmed");
    assert!(c.install_calls().is_empty(), "{:?}", c.istioctl_calls());
    assert!(c.get("/api/v1/namespaces/istio-system").is_none());
    assert!(c.labelled_namespaces().is_empty());
}

#[test]
fn installing_over_an_older_version_is_an_upgrade() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_VERSION", "1.27.2")
        .args(["install", "-y"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .unwrap();
    assert_eq!(
        istiod["metadata"]["labels"]["operator.istio.io/version"],
        "1.27.2"
    );

    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["action"], "upgrade");
    assert_eq!(report["previous_version"], "1.27.2");
    assert_eq!(report["istio_version"], "1.28.0");
    assert_eq!(
        check(&report, "existing-mesh")["message"],
        "upgrade 1.27.2 → 1.28.0 (revision default)"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("Plan: upgrade Istio 1.27.2 → 1.28.0 (revision default)"),
        "{err}"
    );
    let istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .unwrap();
    assert_eq!(
        istiod["metadata"]["labels"]["operator.istio.io/version"],
        "1.28.0"
    );

    let out = c
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["action"], "reinstall");
}

#[test]
fn a_rerun_after_a_failure_converges() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Istiod")
        .args(["install", "-y", "--inject", "shop"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(c.labelled_namespaces().is_empty());
    assert!(!istiod_exists(&c));

    let out = c
        .istioup()
        .args(["install", "-y", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["result"], "installed");
    assert!(istiod_exists(&c));
    assert_eq!(c.labelled_namespaces(), ["shop"]);
    assert_eq!(c.install_calls().len(), 2);
}

/// One node with room for exactly one istiod and one gateway: a re-run must not count the
/// running istiod against its own replacement.
#[test]
fn a_rerun_on_a_full_node_does_not_count_the_running_control_plane_twice() {
    let c = Cluster::start(
        "
nodes:
  - {name: only, capacity: {cpu: 700m, memory: 3Gi}}
namespaces:
  - name: shop
",
    );
    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = c
        .istioup()
        .args(["install", "-y", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["action"], "reinstall");
    assert_eq!(check(&report, "node-capacity")["status"], "pass", "{report:#}");
    assert_eq!(c.labelled_namespaces(), ["shop"]);
}

#[test]
fn dry_run_prints_the_spec_and_changes_nothing() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .args(["install", "--dry-run", "--inject", "shop"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("# dry run: nothing was changed\n"), "{stdout}");
    assert!(stdout.contains("kind: IstioOperator"), "{stdout}");
    assert!(
        text(&out.stderr).contains("Plan: install Istio 1.28.0"),
        "{}",
        text(&out.stderr)
    );
    assert!(c.install_calls().is_empty());
    assert!(c.get("/api/v1/namespaces/istio-system").is_none());
    assert!(c.labelled_namespaces().is_empty());

    let out = c
        .istioup()
        .args(["install", "--dry-run", "--inject", "shop", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "dry-run");
    assert_eq!(report["spec"]["kind"], "IstioOperator");
    assert!(c.install_calls().is_empty());
}

#[test]
fn istioctl_gets_the_kubeconfig_and_context_istioup_resolved() {
    let c = Cluster::start(CLUSTER);
    // A first file whose current context points nowhere; the simulated cluster's context is
    // chosen with --context from the second file.
    let elsewhere = c.dir.path().join("elsewhere.yaml");
    std::fs::write(
        &elsewhere,
        "apiVersion: v1
kind: Config
current-context: elsewhere
clusters:
- name: elsewhere-cluster
  cluster: {server: 'https://127.0.0.1:9'}
users:
- name: elsewhere-user
  user: {token: nope}
contexts:
- name: elsewhere
  context: {cluster: elsewhere-cluster, user: elsewhere-user}
",
    )
    .unwrap();
    let kubeconfig = format!("{}:{}", elsewhere.display(), c.sim.kubeconfig().display());
    let out = c
        .istioup()
        .env("KUBECONFIG", &kubeconfig)
        .args(["install", "-y", "--context", c.sim.context_name(), "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["target"]["server"], c.sim.url());
    let call = c.install_calls().remove(0);
    assert_eq!(flag(&call, "--context").as_deref(), Some(c.sim.context_name()));
    // Two files: istioctl got one merged kubeconfig, temporary and removed afterwards.
    let given = flag(&call, "--kubeconfig").unwrap();
    assert_ne!(given, elsewhere.display().to_string());
    assert!(!std::path::Path::new(&given).exists(), "{given} left behind");
    assert!(istiod_exists(&c));

    // One file named with --kubeconfig goes to istioctl as a private copy minified to the
    // target: istioctl never sees another context's credentials.
    let out = c
        .istioup()
        .env("KUBECONFIG", &elsewhere)
        .arg("--kubeconfig")
        .arg(c.sim.kubeconfig())
        .args(["install", "-y"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let call = c.install_calls().remove(1);
    let given = flag(&call, "--kubeconfig").unwrap();
    assert_ne!(given, c.sim.kubeconfig().display().to_string());
    assert!(!std::path::Path::new(&given).exists(), "{given} left behind");
    assert_eq!(flag(&call, "--context").as_deref(), Some(c.sim.context_name()));
}

#[test]
fn json_output_is_one_document_whatever_the_outcome() {
    let ok = Cluster::start(CLUSTER);
    let out = ok
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(doc(&out)["result"], "installed");

    let small = Cluster::start(SMALL_NODES);
    let out = small
        .istioup()
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3);
    let failed = doc(&out);
    assert_eq!(failed["result"], "checks-failed");
    assert_eq!(check(&failed, "node-capacity")["status"], "fail");

    let broken = Cluster::start(CLUSTER);
    let out = broken
        .istioup()
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Ingress gateways")
        .args(["install", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4);
    let failed = doc(&out);
    assert_eq!(failed["result"], "istioctl-failed");
    assert!(
        failed["problems"].to_string().contains("Ingress gateways"),
        "{failed:#}"
    );
    // istioctl's progress went to stderr, not into the document.
    assert!(
        text(&out.stderr).contains("Istiod installed"),
        "{}",
        text(&out.stderr)
    );
}

/// istioup in a pseudo-terminal: prompts are shown and answered like a person would.
mod interactive {
    use std::time::Duration;

    use expectrl::process::unix::{PtyStream, UnixProcess, WaitStatus};
    use expectrl::{Eof, Expect};

    type Session = expectrl::Session<UnixProcess, PtyStream>;

    use crate::cluster::{CLUSTER, Cluster};

    fn spawn(c: &Cluster, args: &[&str]) -> Session {
        let mut cmd = c.command();
        cmd.env("TERM", "xterm").args(args);
        let mut session = Session::spawn(cmd).expect("istioup starts in a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(90)));
        session
    }

    /// Reads everything up to the end, then the exit status.
    fn exit_code(mut session: Session) -> (i32, String) {
        let rest = session.expect(Eof).expect("istioup ends");
        let rest = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        match session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => (code, rest),
            other => panic!("istioup ended with {other:?}:\n{rest}"),
        }
    }

    #[test]
    fn the_prompt_names_the_target_and_no_changes_nothing() {
        let c = Cluster::start(CLUSTER);
        let mut session = spawn(&c, &["install", "--inject", "shop"]);
        let question = format!(
            "Install Istio 1.28.0 on context {} ({})?",
            c.sim.context_name(),
            c.sim.url()
        );
        session.expect(question.as_str()).expect("the y/N prompt");
        session.send("n").unwrap();
        let (code, rest) = exit_code(session);
        assert_eq!(code, 5, "{rest}");
        assert!(rest.contains("install declined; nothing was changed"), "{rest}");
        assert!(c.install_calls().is_empty(), "{:?}", c.istioctl_calls());
        assert!(c.get("/api/v1/namespaces/istio-system").is_none());
        assert!(c.labelled_namespaces().is_empty());
    }

    #[test]
    fn ctrl_c_at_the_prompt_exits_130_and_changes_nothing() {
        let c = Cluster::start(CLUSTER);
        let mut session = spawn(&c, &["install", "--inject", "shop"]);
        session
            .expect("Install Istio 1.28.0 on context")
            .expect("the y/N prompt");
        session.send(expectrl::ControlCode::EndOfText).unwrap();
        let (code, rest) = exit_code(session);
        assert_eq!(code, 130, "{rest}");
        assert!(
            rest.contains("interrupted at the prompt; nothing was changed"),
            "{rest}"
        );
        // dialoguer hid the cursor; the terminal gets it back.
        assert!(rest.contains("\x1b[?25h"), "{rest:?}");
        assert!(c.install_calls().is_empty());
        assert!(c.labelled_namespaces().is_empty());
    }

    #[test]
    fn yes_installs() {
        let c = Cluster::start(CLUSTER);
        let mut session = spawn(&c, &["install", "--inject", "shop"]);
        session
            .expect("Install Istio 1.28.0 on context")
            .expect("the y/N prompt");
        session.send("y").unwrap();
        let (code, rest) = exit_code(session);
        assert_eq!(code, 0, "{rest}");
        assert!(
            rest.contains("Istio 1.28.0 installed (revision default)"),
            "{rest}"
        );
        assert_eq!(c.install_calls().len(), 1);
        assert_eq!(c.labelled_namespaces(), ["shop"]);
        // The spinners end as final component lines, drawn before the closing report and never
        // redrawn after it; the logo istioctl prints first is not shown.
        let summary = rest.find("Istio 1.28.0 installed (revision default)").unwrap();
        for component in ["Istio core", "Istiod", "Ingress gateways"] {
            let last = rest
                .rfind(component)
                .unwrap_or_else(|| panic!("{component} not shown:\n{rest}"));
            assert!(last < summary, "{component} drawn after the report:\n{rest:?}");
        }
        assert!(!rest.contains("|__________|"), "the logo is shown:\n{rest}");
    }

    #[test]
    fn without_inject_flags_the_namespaces_are_picked_from_a_list() {
        let c = Cluster::start(CLUSTER);
        let mut session = spawn(&c, &["install"]);
        // kube-* and the Istio namespace are not offered; the list is in name order.
        session.expect("blog (1 pod)").expect("the namespace list");
        session.expect("shop (2 pods)").expect("the namespace list");
        // Down twice (blog → default → shop), toggle, accept.
        session.send("j").unwrap();
        session.send("j").unwrap();
        session.send(" ").unwrap();
        session.send("\r").unwrap();
        session.expect("inject: shop").expect("the plan names the pick");
        session
            .expect("Install Istio 1.28.0 on context")
            .expect("the y/N prompt");
        session.send("y").unwrap();
        let (code, rest) = exit_code(session);
        assert_eq!(code, 0, "{rest}");
        assert_eq!(c.labelled_namespaces(), ["shop"]);
    }

    #[test]
    fn with_several_contexts_and_no_context_flag_the_context_is_picked_first() {
        let c = Cluster::start(CLUSTER);
        // A first file whose current context points nowhere: the pick must come before any
        // request, or istioup would fail on it.
        let other = c.dir.path().join("other-kubeconfig");
        std::fs::write(
            &other,
            "apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\nclusters:\n- name: nowhere\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: elsewhere\n  context: {cluster: nowhere, user: nobody}\nusers:\n- name: nobody\n  user: {token: t}\n",
        )
        .unwrap();
        let mut cmd = c.command();
        let list = format!("{}:{}", other.display(), c.sim.kubeconfig().display());
        cmd.env("TERM", "xterm")
            .env("KUBECONFIG", list)
            .args(["install", "--inject", "shop"]);
        let mut session = Session::spawn(cmd).expect("istioup starts in a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(90)));
        session
            .expect("Kubernetes context to install into")
            .expect("the context list");
        session.send("j").unwrap();
        session.send("\r").unwrap();
        let question = format!(
            "Install Istio 1.28.0 on context {} ({})?",
            c.sim.context_name(),
            c.sim.url()
        );
        session
            .expect(question.as_str())
            .expect("the y/N prompt names the picked context");
        session.send("n").unwrap();
        let (code, rest) = exit_code(session);
        assert_eq!(code, 5, "{rest}");
        assert!(c.install_calls().is_empty());
    }
}

#[test]
fn verbose_shows_the_istioctl_command_line_and_its_log() {
    let c = Cluster::start(CLUSTER);
    let quiet = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&quiet), 0, "{}", text(&quiet.stderr));
    assert!(!text(&quiet.stderr).contains("$ "), "{}", text(&quiet.stderr));
    let out = c.istioup().args(["install", "-y", "-v"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("$ "))
        .unwrap_or_else(|| panic!("no command line:\n{stderr}"));
    assert!(line.contains("istioctl install -y -f "), "{line}");
    assert!(
        line.contains(&format!("--context {}", c.sim.context_name())),
        "{line}"
    );
    assert!(stderr.contains("istioctl's output goes to "), "{stderr}");
}

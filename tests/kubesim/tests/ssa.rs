//! Server-side apply with field ownership, driven by the real kubectl (1.32 on PATH) and the
//! official Python client: `metadata.managedFields` per manager, conflicts between managers,
//! `--force-conflicts`, fields a manager stops applying removed, and kubectl's own migration
//! from client-side to server-side apply reading the managedFields kubesim wrote.
//! Behaviour from sigs.k8s.io/structured-merge-diff v4 `merge/update.go` (Apply, Update,
//! prune) and k8s.io/apiserver `pkg/endpoints/handlers/fieldmanager/internal/conflict.go`.
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;
use serde_json::Value;

fn deployment(replicas: u32, image: &str, extra_label: bool) -> String {
    let label = if extra_label { "\n    tier: front" } else { "" };
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web{label}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: {image}
          ports:
            - containerPort: 80
"
    )
}

fn entry<'a>(obj: &'a Value, manager: &str) -> Option<&'a Value> {
    obj["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == manager)
}

fn start() -> Sim {
    Sim::builder()
        .cluster_yaml("nodes:\n  - {name: worker-1}\nnamespaces:\n  - name: shop\n")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// kubectl apply --server-side records an Apply entry of exactly the applied fields, in the
/// FieldsV1 encoding (`k:{"name":"web"}` for a container, `.` on a list item); a second manager
/// changing an owned field makes the next apply conflict, naming the manager and the field;
/// `--force-conflicts` takes it over; a field the manager stops applying is removed.
#[test]
fn apply_owns_fields_conflicts_and_prunes() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let apply = |yaml: &str, extra: &[&str]| {
        let mut args = vec!["apply", "--server-side", "-f", "-"];
        args.extend(extra);
        k.run(&args, Some(yaml))
    };
    let (ok, _, err) = apply(&deployment(2, "nginx:1", true), &[]);
    assert!(ok, "{err}");
    let d = k.json(&["get", "deploy", "web", "-n", "shop", "--show-managed-fields"]);
    let mine = entry(&d, "kubectl").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(mine["operation"], "Apply");
    assert_eq!(mine["fieldsType"], "FieldsV1");
    let f = &mine["fieldsV1"];
    assert_eq!(f["f:spec"]["f:replicas"], serde_json::json!({}));
    let container = &f["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"web\"}"];
    assert!(container["."].is_object(), "{f}");
    assert!(container["f:image"].is_object(), "{f}");
    // The port's key includes its defaulted protocol.
    assert!(
        container["f:ports"]["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"].is_object(),
        "{f}"
    );
    // Defaults the server filled in are nobody's.
    assert!(f["f:spec"].get("f:strategy").is_none(), "{f}");
    assert!(f["f:metadata"].get("f:name").is_none(), "{f}");

    // Someone else scales it (an Update by manager "ops").
    k.ok(&[
        "patch",
        "deploy",
        "web",
        "-n",
        "shop",
        "--type=merge",
        "-p",
        r#"{"spec":{"replicas":5}}"#,
        "--field-manager=ops",
    ]);
    let d = k.json(&["get", "deploy", "web", "-n", "shop", "--show-managed-fields"]);
    let ops = entry(&d, "ops").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(ops["operation"], "Update");
    assert!(ops["fieldsV1"]["f:spec"]["f:replicas"].is_object());
    assert!(
        entry(&d, "kubectl").unwrap()["fieldsV1"]["f:spec"]
            .get("f:replicas")
            .is_none()
    );

    // Applying replicas 2 again now conflicts with ops.
    let (ok, _, err) = apply(&deployment(2, "nginx:1", true), &[]);
    assert!(!ok);
    assert!(
        err.contains("Apply failed with 1 conflict: conflict with \"ops\" using apps/v1")
            && err.contains(".spec.replicas"),
        "{err}"
    );
    assert_eq!(
        k.json(&["get", "deploy", "web", "-n", "shop"])["spec"]["replicas"],
        5
    );
    // Not applying replicas at all does not conflict.
    let without = deployment(2, "nginx:1", true).replace("  replicas: 2\n", "");
    let (ok, _, err) = apply(&without, &[]);
    assert!(ok, "{err}");
    assert_eq!(
        k.json(&["get", "deploy", "web", "-n", "shop"])["spec"]["replicas"],
        5
    );
    // Forced, kubectl takes replicas back; ops owns nothing more and its entry goes.
    let (ok, _, err) = apply(&deployment(3, "nginx:2", false), &["--force-conflicts"]);
    assert!(ok, "{err}");
    let d = k.json(&["get", "deploy", "web", "-n", "shop", "--show-managed-fields"]);
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(d["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:2");
    assert!(entry(&d, "ops").is_none(), "{}", d["metadata"]["managedFields"]);
    // The label kubectl no longer applies is gone; the one it still applies stays.
    assert_eq!(d["metadata"]["labels"], serde_json::json!({"app": "web"}));
}

/// kubectl's migration from client-side apply (`kubectl apply`, manager
/// `kubectl-client-side-apply`, an Update) to server-side apply reads and rewrites the
/// managedFields kubesim wrote (k8s.io/client-go/util/csaupgrade): afterwards the fields are
/// kubectl's Apply, and removing a field from the file removes it from the object.
#[test]
fn client_side_apply_upgrades_to_server_side() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    k.apply(&deployment(2, "nginx:1", true));
    let d = k.json(&["get", "deploy", "web", "-n", "shop", "--show-managed-fields"]);
    let csa = entry(&d, "kubectl-client-side-apply").unwrap_or_else(|| panic!("{d}"));
    assert_eq!(csa["operation"], "Update");
    let (ok, _, err) = k.run(
        &["apply", "--server-side", "-f", "-"],
        Some(&deployment(2, "nginx:1", false)),
    );
    assert!(ok, "{err}");
    let d = k.json(&["get", "deploy", "web", "-n", "shop", "--show-managed-fields"]);
    assert_eq!(entry(&d, "kubectl").unwrap()["operation"], "Apply", "{d}");
    assert_eq!(d["metadata"]["labels"], serde_json::json!({"app": "web"}));
}

/// Without `--show-managed-fields` kubectl hides them, as against a real server; a non-apply
/// write with `force=true` is refused (PatchOptions validation).
#[test]
fn managed_fields_are_hidden_by_kubectl_and_force_is_apply_only() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let (ok, _, err) = k.run(
        &["apply", "--server-side", "-f", "-"],
        Some(&deployment(1, "nginx:1", false)),
    );
    assert!(ok, "{err}");
    let d = k.json(&["get", "deploy", "web", "-n", "shop"]);
    assert!(d["metadata"].get("managedFields").is_none(), "{d}");
    let r = common::request_ct(
        sim.url(),
        "PATCH",
        "/apis/apps/v1/namespaces/shop/deployments/web?force=true&fieldManager=x",
        r#"{"spec":{"replicas":2}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert!(
        String::from_utf8_lossy(&r.body)
            .contains("force: Forbidden: may not be specified for non-apply patch")
    );
}

//! Server-side field validation and schema checks, with the real kubectl (1.32 on PATH) and the
//! official Python client. Upstream behaviour pinned here:
//! * k8s.io/apiserver/pkg/endpoints/handlers/rest.go `fieldValidation` (no parameter = Warn),
//!   create.go / update.go (strict decoding errors through `transformDecodeError`: 400
//!   `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error: unknown
//!   field "spec.foo"`; Warn adds `Warning: 299` headers via `addStrictDecodingWarnings`),
//!   patch.go (a patched object that does not decode: 422 `NewInvalid(GroupKind{}, "",
//!   [Invalid(patch, ...)])`), managedfields structuredmerge.go (server-side apply: `failed to
//!   create typed patch object (<ns>/<name>; <gvk>): .spec.foo: field not declared in schema`);
//! * encoding/json's UnmarshalTypeError as vendored in sigs.k8s.io/json (`json: cannot
//!   unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type
//!   string`), always an error whatever the directive;
//! * which fields exist: Kubernetes release-1.33 OpenAPI (tests/fixtures/kubernetes/
//!   openapi-1.33.json and trim-openapi.py).
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;

fn start() -> Sim {
    Sim::builder()
        .cluster_yaml("namespaces: [{name: shop}]\n")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"))
}

const DEPLOY: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
"#;

fn with_unknown() -> String {
    DEPLOY.replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n")
}

fn requests_matching(sim: &Sim, prefix: &str) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| r.starts_with(prefix))
        .collect()
}

#[test]
fn kubectl_apply_is_strict_by_default_and_names_the_unknown_field() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let (ok, out, err) = k.run(&["apply", "-f", "-"], Some(&with_unknown()));
    assert!(!ok, "apply with spec.foo succeeded: {out}");
    assert!(
        err.contains(
            "Error from server (BadRequest): error when creating \"STDIN\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\""
        ),
        "{err}"
    );
    // kubectl's --validate defaults to strict, which it sends as the query parameter.
    let posts = requests_matching(&sim, "POST /apis/apps/v1/namespaces/shop/deployments");
    assert!(
        posts.iter().all(|r| r.contains("fieldValidation=Strict")),
        "{posts:?}"
    );
    assert!(!posts.is_empty());
    assert!(sim.get("/apis/apps/v1/namespaces/shop/deployments/web").is_none());
}

#[test]
fn kubectl_validate_warn_prints_the_warning_and_drops_the_field() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let (ok, out, err) = k.run(&["apply", "--validate=warn", "-f", "-"], Some(&with_unknown()));
    assert!(ok, "{out}\n{err}");
    assert!(err.contains("Warning: unknown field \"spec.foo\""), "{err}");
    let d = sim
        .get("/apis/apps/v1/namespaces/shop/deployments/web")
        .unwrap_or_else(|| panic!("not created"));
    assert!(d["spec"].get("foo").is_none(), "{d}");
    assert_eq!(d["spec"]["replicas"], 1);
    assert!(
        requests_matching(&sim, "POST /apis/apps/v1/namespaces/shop/deployments")
            .iter()
            .any(|r| r.contains("fieldValidation=Warn"))
    );

    // --validate=false sends Ignore: no warning, the field is still dropped.
    let (ok, out, err) = k.run(
        &["apply", "--validate=false", "-f", "-"],
        Some(&with_unknown().replace("name: web,", "name: web2,")),
    );
    assert!(ok, "{out}\n{err}");
    assert!(!err.contains("unknown field"), "{err}");
    let d = sim
        .get("/apis/apps/v1/namespaces/shop/deployments/web2")
        .unwrap_or_else(|| panic!("not created"));
    assert!(d["spec"].get("foo").is_none(), "{d}");
}

#[test]
fn an_unquoted_bool_label_is_a_decode_error_whatever_the_directive() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let yaml = DEPLOY.replace(
        "      labels: {app: web}\n",
        "      labels: {app: web, sidecar.istio.io/inject: false}\n",
    );
    for validate in ["--validate=strict", "--validate=false"] {
        let (ok, out, err) = k.run(&["apply", validate, "-f", "-"], Some(&yaml));
        assert!(!ok, "{validate}: {out}");
        assert!(
            err.contains(
                "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string"
            ),
            "{validate}: {err}"
        );
    }
    // A wrong type inside a list: Go's field path has no indices.
    let yaml = DEPLOY.replace(
        "containers: [{name: web, image: nginx}]",
        "containers: [{name: web, image: nginx, ports: [{containerPort: \"80\"}]}]",
    );
    let (ok, _, err) = k.run(&["create", "-f", "-"], Some(&yaml));
    assert!(!ok);
    assert!(
        err.contains("json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"),
        "{err}"
    );
}

#[test]
fn kubectl_apply_to_an_existing_object_fails_in_the_patch_handler() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    k.apply(DEPLOY);
    let (ok, out, err) = k.run(&["apply", "-f", "-"], Some(&with_unknown()));
    assert!(!ok, "{out}");
    // The strategic merge patch handler: 422 with field "patch", the value Go's %+v of the
    // patch map.
    assert!(err.contains("patch: Invalid value: \"map["), "{err}");
    assert!(
        err.contains("strict decoding error: unknown field \"spec.foo\""),
        "{err}"
    );
    let patches = requests_matching(&sim, "PATCH /apis/apps/v1/namespaces/shop/deployments/web");
    assert!(
        patches.iter().any(|r| r.contains("fieldValidation=Strict")),
        "{patches:?}"
    );
    // With --validate=warn the same patch goes through, minus the field.
    let (ok, out, err) = k.run(&["apply", "--validate=warn", "-f", "-"], Some(&with_unknown()));
    assert!(ok, "{out}\n{err}");
    assert!(err.contains("Warning: unknown field \"spec.foo\""), "{err}");
}

#[test]
fn server_side_apply_types_the_applied_configuration() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let (ok, out, err) = k.run(&["apply", "--server-side", "-f", "-"], Some(&with_unknown()));
    assert!(!ok, "{out}");
    assert!(
        err.contains(
            "failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema"
        ),
        "{err}"
    );
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {VERSION: 1}\n";
    let (ok, _, err) = k.run(&["apply", "--server-side", "-f", "-"], Some(cm));
    assert!(!ok);
    assert!(
        err.contains(
            "failed to create typed patch object (shop/c; /v1, Kind=ConfigMap): .data.VERSION: expected string, got &value.valueUnstructured{Value:1}"
        ),
        "{err}"
    );
    k.run(&["apply", "--server-side", "-f", "-"], Some(DEPLOY));
    assert!(sim.get("/apis/apps/v1/namespaces/shop/deployments/web").is_some());
}

fn python() -> Option<std::path::PathBuf> {
    common_clients::client("ISTIOUP_PYTHON", "python kubernetes client")
}

#[path = "common/clients.rs"]
mod common_clients;

#[test]
fn python_client_gets_warnings_without_asking_and_errors_when_strict() {
    let Some(py) = python() else { return };
    let sim = start();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let script = dir.path().join("t.py");
    std::fs::write(
        &script,
        r#"
import json, sys
from kubernetes import client, config
from kubernetes.dynamic import DynamicClient
config.load_kube_config(config_file=sys.argv[1])
# The typed API refuses unknown fields client-side (pydantic models); the dynamic client
# sends the body as it is, as a manifest-driven tool would.
cm = DynamicClient(client.ApiClient()).resources.get(api_version="v1", kind="ConfigMap")
body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}, "extra": 1}
r = cm.create(body=body, namespace="shop", serialize=False)
out = {"status": r.status, "warning": r.headers.get("Warning"), "stored": json.loads(r.data)}
body["metadata"]["name"] = "d"
try:
    cm.create(body=body, namespace="shop", query_params=[("fieldValidation", "Strict")])
except Exception as e:
    out["strict"] = {"status": e.status, "body": json.loads(e.body)}
print(json.dumps(out))
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = std::process::Command::new(py);
    cmd.arg(&script).arg(sim.kubeconfig());
    let out = common_clients::run(cmd, dir.path(), None);
    assert!(out.ok, "{}\n{}", out.stdout, out.stderr);
    let v: serde_json::Value = serde_json::from_str(out.stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    assert_eq!(v["status"], 201);
    assert_eq!(v["warning"], "299 - \"unknown field \\\"extra\\\"\"");
    assert!(v["stored"].get("extra").is_none(), "{v}");
    assert_eq!(v["strict"]["status"], 400);
    assert_eq!(
        v["strict"]["body"]["message"],
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"extra\""
    );
    assert_eq!(v["strict"]["body"]["reason"], "BadRequest");
    assert!(sim.get("/api/v1/namespaces/shop/configmaps/d").is_none());
}

// ---- 422 Invalid: selectors and immutable fields (pkg/apis/apps/validation/validation.go
// ValidatePodTemplateSpecForReplicaSet / ValidateStatefulSetSpec / ValidateDaemonSetSpec,
// pkg/registry/apps/*/strategy.go ValidateUpdate, pkg/apis/core/validation/validation.go
// validateUpgradeDowngradeClusterIPs, pkg/registry/core/service/strategy.go
// normalizeClusterIPs).

#[test]
fn a_selector_that_misses_the_template_is_invalid_for_every_workload_kind() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    let yaml = DEPLOY.replace("      labels: {app: web}\n", "      labels: {app: other}\n");
    let (ok, _, err) = k.run(&["apply", "-f", "-"], Some(&yaml));
    assert!(!ok);
    assert!(
        err.contains(
            "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
        ),
        "{err}"
    );
    for kind in ["ReplicaSet", "DaemonSet", "StatefulSet"] {
        let y = yaml
            .replace("kind: Deployment", &format!("kind: {kind}"))
            .replace(
                "  replicas: 1\n",
                if kind == "DaemonSet" {
                    ""
                } else {
                    "  replicas: 1\n"
                },
            );
        let (ok, _, err) = k.run(&["create", "-f", "-"], Some(&y));
        assert!(!ok, "{kind}");
        assert!(
            err.contains(&format!("The {kind} \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{{\"app\":\"other\"}}: `selector` does not match template `labels`")),
            "{kind}: {err}"
        );
    }
    // No selector at all: both errors, as an aggregate, each a cause.
    let body = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bare"},"spec":{"template":{"metadata":{"labels":{"app":"bare"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}"#;
    let r = common::request(
        sim.url(),
        "POST",
        "/apis/apps/v1/namespaces/shop/deployments",
        Some(body),
    );
    assert_eq!(r.status, 422);
    let st = r.json();
    assert_eq!(
        st["message"],
        "Deployment.apps \"bare\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"bare\"}: `selector` does not match template `labels`]"
    );
    assert_eq!(st["details"]["causes"][0]["field"], "spec.selector");
    assert_eq!(st["details"]["causes"][0]["reason"], "FieldValueRequired");
    assert_eq!(
        st["details"]["causes"][1]["field"],
        "spec.template.metadata.labels"
    );
    assert_eq!(st["details"]["causes"][1]["reason"], "FieldValueInvalid");
}

#[test]
fn immutable_selectors_and_cluster_ips() {
    let Some(bin) = kubectl() else { return };
    let sim = start();
    let k = Kubectl::new(bin, &sim);
    k.apply(DEPLOY);
    let moved = DEPLOY.replace("{app: web}", "{app: web2}");
    let (ok, _, err) = k.run(&["apply", "-f", "-"], Some(&moved));
    assert!(!ok);
    assert!(
        err.contains(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        ),
        "{err}"
    );
    // A StatefulSet may only change some of its spec.
    let sts = DEPLOY
        .replace("kind: Deployment", "kind: StatefulSet")
        .replace("  replicas: 1\n", "  replicas: 1\n  serviceName: web\n");
    k.apply(&sts);
    let (ok, _, err) = k.run(
        &["apply", "-f", "-"],
        Some(&sts.replace("serviceName: web", "serviceName: other")),
    );
    assert!(!ok);
    assert!(
        err.contains("The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"),
        "{err}"
    );
    // Scaling is allowed.
    k.apply(&sts.replace("replicas: 1", "replicas: 2"));

    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";
    k.apply(svc);
    let ip = sim
        .get("/api/v1/namespaces/shop/services/web")
        .and_then(|s| s["spec"]["clusterIP"].as_str().map(str::to_string))
        .unwrap_or_default();
    let other = if ip == "10.96.0.250" {
        "10.96.0.251"
    } else {
        "10.96.0.250"
    };
    let (ok, _, err) = k.run(
        &[
            "patch",
            "-n",
            "shop",
            "service",
            "web",
            "-p",
            &format!("{{\"spec\":{{\"clusterIP\":\"{other}\"}}}}"),
        ],
        None,
    );
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{{\"{other}\"}}: may not change once set"
        )),
        "{err}"
    );
    // Re-applying the manifest (no clusterIP) keeps the allocated one.
    k.apply(&svc.replace("port: 80", "port: 81"));
    assert_eq!(
        sim.get("/api/v1/namespaces/shop/services/web")
            .map(|s| s["spec"]["clusterIP"].clone()),
        Some(serde_json::json!(ip))
    );
}

// ---- Custom resources against Istio's real CRDs (tests/fixtures/kubernetes/
// istio-1.30.3-crds.yaml, from manifests/charts/base/files/crd-all.gen.yaml by
// extract-istio-crds.py). k8s.io/apiextensions-apiserver: pkg/apiserver/schema/pruning
// (unknown fields pruned, strict errors), pkg/apiserver/validation (type and enum errors, 422).

const ISTIO_CRDS: &str = include_str!("../../fixtures/kubernetes/istio-1.30.3-crds.yaml");

fn with_crds() -> Sim {
    let sim = start();
    sim.apply_yaml(ISTIO_CRDS).unwrap_or_else(|e| panic!("{e:#}"));
    sim
}

const PA: &str = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\nspec:\n  mtls: {mode: STRICT}\n";

#[test]
fn peer_authentication_against_istios_real_crd() {
    let Some(bin) = kubectl() else { return };
    let sim = with_crds();
    let k = Kubectl::new(bin, &sim);
    k.apply(PA);
    let (ok, _, err) = k.run(&["apply", "-f", "-"], Some(&PA.replace("STRICT", "strict")));
    assert!(!ok);
    assert!(
        err.contains("The PeerAuthentication \"default\" is invalid: spec.mtls.mode: Unsupported value: \"strict\": supported values: \"UNSET\", \"DISABLE\", \"PERMISSIVE\", \"STRICT\""),
        "{err}"
    );
    let (ok, _, err) = k.run(
        &["apply", "-f", "-"],
        Some(&PA.replace("mtls: {mode: STRICT}", "mtls: STRICT")),
    );
    assert!(!ok);
    assert!(
        err.contains(
            "spec.mtls: Invalid value: \"string\": spec.mtls in body must be of type object: \"string\""
        ),
        "{err}"
    );
    // Unknown fields: kubectl asks for Strict, so they are an error...
    let extra = PA.replace("mtls: {mode: STRICT}", "mtls: {mode: STRICT}\n  portMtls: {}");
    let (ok, _, err) = k.run(
        &["create", "-f", "-"],
        Some(&extra.replace("name: default", "name: other")),
    );
    assert!(!ok);
    assert!(
        err.contains("PeerAuthentication in version \"v1\" cannot be handled as a PeerAuthentication: strict decoding error: unknown field \"spec.portMtls\""),
        "{err}"
    );
    // ...and pruned under Warn, as the structural schema prunes them.
    let (ok, out, err) = k.run(
        &["create", "--validate=warn", "-f", "-"],
        Some(&extra.replace("name: default", "name: other")),
    );
    assert!(ok, "{out}\n{err}");
    assert!(err.contains("Warning: unknown field \"spec.portMtls\""), "{err}");
    let pa = sim
        .get("/apis/security.istio.io/v1/namespaces/shop/peerauthentications/other")
        .unwrap_or_else(|| panic!("not created"));
    assert!(pa["spec"].get("portMtls").is_none(), "{pa}");
    assert_eq!(pa["spec"]["mtls"]["mode"], "STRICT");
}

#[test]
fn virtual_service_against_istios_real_crd() {
    let Some(bin) = kubectl() else { return };
    let sim = with_crds();
    let k = Kubectl::new(bin, &sim);
    let vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: shop}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web, port: {number: 80}}\n      weight: 100\n    timeout: 5s\n";
    k.apply(vs);
    let (ok, _, err) = k.run(
        &["apply", "-f", "-"],
        Some(&vs.replace("number: 80", "number: eighty")),
    );
    assert!(!ok);
    assert!(
        err.contains("spec.http[0].route[0].destination.port.number: Invalid value: \"string\": spec.http[0].route[0].destination.port.number in body must be of type integer: \"string\""),
        "{err}"
    );
    let (ok, _, err) = k.run(
        &["apply", "-f", "-"],
        Some(&vs.replace("hosts: [web]", "hosts: web")),
    );
    assert!(!ok);
    assert!(
        err.contains(
            "spec.hosts: Invalid value: \"string\": spec.hosts in body must be of type array: \"string\""
        ),
        "{err}"
    );
}

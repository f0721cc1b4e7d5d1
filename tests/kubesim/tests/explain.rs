//! `kubectl explain` (1.32 on PATH, 1.33 from $ISTIOUP_KUBECTL_133) against kubesim's OpenAPI,
//! and `/openapi/v2` (JSON and protobuf).
//!
//! kubectl explain (kubectl pkg/explain/v2/explain.go) reads `/openapi/v3`, fetches the
//! resource's group-version document, finds the kind through the `x-kubernetes-group-version-kind`
//! of an operation on the resource's path and renders `components.schemas` with
//! pkg/explain/v2/templates/plaintext.tmpl: `description`, `required`, `enum`, `$ref`/`allOf`,
//! `items`, `additionalProperties`. The built-in schemas are Kubernetes release-1.33's published
//! definitions (tests/fixtures/kubernetes/openapi-1.33.json.gz, by trim-openapi.py from the
//! swagger.json kubernetes-client/python v33.1.0 vendors); a CRD's is its structural schema as
//! apiextensions-apiserver pkg/controller/openapi/builder/builder.go publishes it.
#[path = "common/clients.rs"]
mod clients;
mod common;

use common::kubectl::{Kubectl, kubectl};
use common::{get, try_request};
use kubesim::Sim;
use std::time::Duration;

// Istio's real CRDs (from manifests/charts/base/files/crd-all.gen.yaml, descriptions dropped by
// extract-istio-crds.py).
const ISTIO_CRDS: &str = include_str!("../../fixtures/kubernetes/istio-1.30.3-crds.yaml");

fn start() -> Sim {
    let sim = Sim::builder()
        .ready_delay(Duration::ZERO)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    sim.apply_yaml(ISTIO_CRDS).unwrap_or_else(|e| panic!("{e:#}"));
    sim
}

/// kubectl 1.32 (PATH) and, when installed, 1.33, each as (name, runner).
fn clients(sim: &Sim) -> Vec<(&'static str, Kubectl)> {
    let mut out = Vec::new();
    if let Some(bin) = kubectl() {
        out.push(("kubectl 1.32", Kubectl::new(bin, sim)));
    }
    if let Some(bin) = clients::client("ISTIOUP_KUBECTL_133", "kubectl 1.33") {
        out.push(("kubectl 1.33", Kubectl::new(bin, sim)));
    }
    out
}

fn explain(k: &Kubectl, who: &str, args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let (ok, out, err) = k.run(&all, None);
    assert!(ok, "{who} {all:?} failed:\n{out}\n{err}");
    out
}

#[test]
fn explain_a_field_of_a_built_in_kind() {
    let sim = start();
    for (who, k) in clients(&sim) {
        let out = explain(&k, who, &["deployment.spec.replicas"]);
        assert!(
            out.contains("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n"),
            "{who}: {out}"
        );
        assert!(out.contains("FIELD: replicas <integer>"), "{who}: {out}");
        // The field's description from the published OpenAPI (DeploymentSpec.replicas).
        assert!(out.contains("Number of desired pods."), "{who}: {out}");
        // A field behind a reference (`allOf: [{$ref}]` in v3) with its own description.
        let out = explain(&k, who, &["pods.spec.containers"]);
        assert!(out.contains("FIELD: containers <[]Container>"), "{who}: {out}");
        assert!(out.contains("image\t<string>"), "{who}: {out}");
        assert!(out.contains("name\t<string> -required-"), "{who}: {out}");
    }
}

#[test]
fn explain_recursive_walks_every_reference() {
    let sim = start();
    for (who, k) in clients(&sim) {
        let out = explain(&k, who, &["pods", "--recursive"]);
        assert!(out.contains("KIND:       Pod\nVERSION:    v1\n"), "{who}: {out}");
        assert!(out.contains("Pod is a collection of containers"), "{who}: {out}");
        for line in [
            "  metadata\t<ObjectMeta>",
            "    labels\t<map[string]string>",
            "  spec\t<PodSpec>",
            "    containers\t<[]Container> -required-",
            "      livenessProbe\t<Probe>",
            "        httpGet\t<HTTPGetAction>",
            // IntOrString's definition is `type: string` (format int-or-string), and the
            // template names a referenced schema by its type unless that is `object`.
            "          port\t<string> -required-",
            "  status\t<PodStatus>",
        ] {
            assert!(out.lines().any(|l| l == line), "{who}: no {line:?} in\n{out}");
        }
    }
}

#[test]
fn explain_a_custom_resource_from_its_crd_schema() {
    let sim = start();
    for (who, k) in clients(&sim) {
        let out = explain(&k, who, &["peerauthentications.security.istio.io"]);
        assert!(
            out.contains("GROUP:      security.istio.io\nKIND:       PeerAuthentication\nVERSION:    v1\n"),
            "{who}: {out}"
        );
        // TypeMeta and ObjectMeta as the CRD builder adds them, with their descriptions.
        assert!(
            out.contains("  metadata\t<ObjectMeta>\n    Standard object's metadata."),
            "{who}: {out}"
        );
        assert!(out.contains("  spec\t<Object>"), "{who}: {out}");
        let out = explain(&k, who, &["pa.spec.mtls.mode"]);
        assert!(
            out.contains("FIELD: mode <string>\nENUM:\n    UNSET\n    DISABLE\n    PERMISSIVE\n    STRICT\n"),
            "{who}: {out}"
        );
        let (ok, _, err) = k.run(&["explain", "pa.spec.nope"], None);
        assert!(
            !ok && err.contains("field \"nope\" does not exist"),
            "{who}: {err}"
        );
    }
}

/// `/openapi/v2` (k8s.io/kube-openapi pkg/handler): the swagger 2.0 document as JSON, or as
/// gnostic's protobuf `openapi_v2.Document` for
/// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (what kubectl sends; the
/// answer's Content-Type is the dotted `...spec.v2.v1.0+protobuf`), 406 for anything else.
#[test]
fn openapi_v2_is_json_or_protobuf_by_accept() {
    let sim = start();
    let doc = get(sim.url(), "/openapi/v2").json();
    assert_eq!(doc["swagger"], "2.0");
    let pod = &doc["definitions"]["io.k8s.api.core.v1.Pod"];
    assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod", "{pod}");
    assert_eq!(
        pod["properties"]["metadata"]["$ref"],
        "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    assert!(doc["definitions"]["io.istio.security.v1.PeerAuthentication"].is_object());
    let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
    assert_eq!(
        patch["x-kubernetes-group-version-kind"]["kind"], "Deployment",
        "{patch}"
    );
    let pb = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    let r = try_request(sim.url(), "GET", "/openapi/v2", None, &[("Accept", pb)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
    );
    // Document.swagger (field 1) "2.0", then Document.info (field 2).
    assert_eq!(r.body[..5], [0x0a, 3, b'2', b'.', b'0']);
    assert_eq!(r.body[5], 0x12);
    let r = try_request(sim.url(), "GET", "/openapi/v2", None, &[("Accept", "text/plain")])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 406);
    for (who, k) in clients(&sim) {
        let out = explain(
            &k,
            who,
            &["--output=plaintext-openapiv2", "pods.spec.containers.ports"],
        );
        assert!(out.contains("RESOURCE: ports <[]Object>"), "{who}: {out}");
        assert!(
            out.contains("containerPort\t<integer> -required-"),
            "{who}: {out}"
        );
        let out = explain(&k, who, &["--output=plaintext-openapiv2", "pa.spec.mtls"]);
        assert!(out.contains("mode\t<string>"), "{who}: {out}");
    }
}

/// A kind without a PATCH operation in its v3 document (a review) has no server-side
/// `fieldValidation` to rely on, so kubectl validates it client-side against the protobuf
/// `/openapi/v2` (k8s.io/client-go openapi query_param_verifier_v3.go looks for the PATCH,
/// kubectl pkg/cmd/util then uses the v2 schema validation).
#[test]
fn kubectl_validates_reviews_against_openapi_v2() {
    let sim = start();
    let review = "apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectAccessReview\n\
                  spec: {resourceAttributes: {verb: create, resource: pods, namespace: default}}\n";
    let bogus = review.replace("spec: {", "spec: {bogus: 1, ");
    for (who, k) in clients(&sim) {
        let (ok, out, err) = k.run(
            &["create", "-f", "-", "-o", "jsonpath={.status.allowed}"],
            Some(review),
        );
        assert!(ok, "{who}: {out}\n{err}");
        assert_eq!(out, "true", "{who}");
        let (ok, _, err) = k.run(&["create", "-f", "-"], Some(&bogus));
        assert!(!ok, "{who}");
        assert!(
            err.contains(
                "ValidationError(SelfSubjectAccessReview.spec): unknown field \"bogus\" in io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec"
            ),
            "{who}: {err}"
        );
    }
}

/// v3 schemas carry Kubernetes' `+default` markers (k8s.io/api core/v1 types.go
/// `// +default="TCP"` on ServicePort.protocol), with the reference wrapped in `allOf`.
#[test]
fn v3_documents_carry_defaults_and_wrapped_references() {
    let sim = start();
    let index = get(sim.url(), "/openapi/v3").json();
    let url = index["paths"]["api/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let doc = get(sim.url(), &url).json();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["io.k8s.api.core.v1.ServicePort"]["properties"]["protocol"]["default"],
        "TCP"
    );
    let meta = &schemas["io.k8s.api.core.v1.Pod"]["properties"]["metadata"];
    assert_eq!(
        meta["allOf"][0]["$ref"], "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "{meta}"
    );
    assert!(schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"].is_object());
}

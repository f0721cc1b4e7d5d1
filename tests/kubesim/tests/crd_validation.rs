//! A custom resource against the value keywords of its CRD's structural schema, with the real
//! kubectl (1.32 on PATH) and real CRDs: Istio 1.30.3's (tests/fixtures/kubernetes/
//! istio-1.30.3-crds.yaml) and prometheus-operator 0.89.0's (prometheus-operator-0.89.0-crds.yaml,
//! for `pattern` and `minLength`, which Istio's CRDs do not use). Upstream behaviour pinned:
//! * k8s.io/kube-openapi pkg/validation/validate (validator.go `stringValidator` stops at its
//!   first failure; `numberValidator`; values.go `MinimumNativeType`, `MaxLength` counting
//!   runes; slice_validator.go; object_validator.go `Required(o.Path+"."+k)`, property counts)
//!   with the messages of pkg/validation/errors/schema.go (`%s in %s should be greater than or
//!   equal to %v`, `should match '%s'`, `should be at least %d chars long`, `should have at
//!   least %d items`, `should have at least %d properties`), In = "body";
//! * k8s.io/apiextensions-apiserver pkg/apiserver/validation/validation.go
//!   `kubeOpenAPIResultToFieldErrors` (release-1.33): RequiredFailCode → `field.Required`,
//!   TooLongFailCode → `field.TooLong`, MaxItemsFailCode / TooManyPropertiesCode →
//!   `field.TooMany`, everything else → `field.Invalid(path, value, err.Error())`;
//! * k8s.io/apimachinery pkg/util/validation/field/errors.go `ErrorBody` (`Required value`,
//!   `Too long: may not be more than 63 bytes`, `Too many: 3: must have at most 2 items`,
//!   `Invalid value: 0: ...`, strings `%q`), aggregated by `errors.NewInvalid` into
//!   `The <Kind> "<name>" is invalid: <field>: <body>` as kubectl prints it.
mod common;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;

const ISTIO_CRDS: &str = include_str!("../../fixtures/kubernetes/istio-1.30.3-crds.yaml");
const PROM_CRDS: &str = include_str!("../../fixtures/kubernetes/prometheus-operator-0.89.0-crds.yaml");

fn start(crds: &[&str]) -> Sim {
    let sim = Sim::builder()
        .cluster_yaml("namespaces: [{name: shop}]\n")
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    for c in crds {
        sim.apply_yaml(c).unwrap_or_else(|e| panic!("{e:#}"));
    }
    sim
}

/// `kubectl apply` of `yaml` must fail with `want` in its error output.
fn rejected(k: &Kubectl, yaml: &str, want: &str) {
    let (ok, out, err) = k.run(&["apply", "-f", "-"], Some(yaml));
    assert!(!ok, "accepted:\n{yaml}\n{out}");
    assert!(err.contains(want), "want {want:?} in:\n{err}");
}

const VS: &str = "apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route:
    - destination: {host: web, port: {number: 80}}
";

#[test]
fn istio_virtual_service_required_and_bounds() {
    let Some(bin) = kubectl() else { return };
    let sim = start(&[ISTIO_CRDS]);
    let k = Kubectl::new(bin, &sim);
    // VirtualService's Destination: `required: [host]`; port.number: minimum 0, maximum
    // 4294967295 (uint32 in Istio's protos).
    rejected(
        &k,
        &VS.replace("host: web, ", ""),
        "The VirtualService \"web\" is invalid: spec.http[0].route[0].destination.host: Required value",
    );
    rejected(
        &k,
        &VS.replace("number: 80", "number: -1"),
        "The VirtualService \"web\" is invalid: spec.http[0].route[0].destination.port.number: Invalid value: -1: spec.http[0].route[0].destination.port.number in body should be greater than or equal to 0",
    );
    rejected(
        &k,
        &VS.replace("number: 80", "number: 4294967296"),
        "spec.http[0].route[0].destination.port.number: Invalid value: 4294967296: spec.http[0].route[0].destination.port.number in body should be less than or equal to 4294967295",
    );
    // The bounds themselves are valid, and so is the object: created, then patched by apply
    // (a patched object is validated the same way).
    k.apply(&VS.replace("number: 80", "number: 4294967295"));
    k.apply(&VS.replace("number: 80", "number: 0"));
    rejected(
        &k,
        &VS.replace("host: web, ", ""),
        "The VirtualService \"web\" is invalid: spec.http[0].route[0].destination.host: Required value",
    );
    let vs = sim
        .get("/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web")
        .unwrap_or_else(|| panic!("not created"));
    assert_eq!(
        vs["spec"]["http"][0]["route"][0]["destination"]["port"]["number"],
        0
    );
}

const PA: &str = "apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  selector:
    matchLabels: {app: LABEL}
  mtls: {mode: STRICT}
";

#[test]
fn istio_peer_authentication_lengths_and_property_counts() {
    let Some(bin) = kubectl() else { return };
    let sim = start(&[ISTIO_CRDS]);
    let k = Kubectl::new(bin, &sim);
    // selector.matchLabels values: `maxLength: 63`, counted in characters (values.go
    // MaxLength uses utf8.RuneCount): 63 two-byte characters pass.
    k.apply(&PA.replace("LABEL", &"é".repeat(63)));
    rejected(
        &k,
        &PA.replace("LABEL", &"a".repeat(64)),
        "The PeerAuthentication \"default\" is invalid: spec.selector.matchLabels.app: Too long: may not be more than 63 bytes",
    );
    // portLevelMtls: `minProperties: 1`.
    rejected(
        &k,
        &PA.replace(
            "mtls: {mode: STRICT}",
            "mtls: {mode: STRICT}\n  portLevelMtls: {}",
        ),
        "The PeerAuthentication \"default\" is invalid: spec.portLevelMtls: Invalid value: 0: spec.portLevelMtls in body should have at least 1 properties",
    );
}

const PM: &str = "apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints:
  - {port: http, interval: 30s}
";

#[test]
fn prometheus_operator_pod_monitor_required_pattern_and_min_length() {
    let Some(bin) = kubectl() else { return };
    let sim = start(&[PROM_CRDS]);
    let k = Kubectl::new(bin, &sim);
    // PodMonitor: spec `required: [selector]`; podMetricsEndpoints[].interval a Duration
    // `pattern`; spec.scrapeClass `minLength: 1`; podMetricsEndpoints[].portNumber `minimum: 1`.
    rejected(
        &k,
        &PM.replace("  selector: {matchLabels: {app: web}}\n", ""),
        "The PodMonitor \"web\" is invalid: spec.selector: Required value",
    );
    rejected(
        &k,
        &PM.replace("30s", "half a minute"),
        "The PodMonitor \"web\" is invalid: spec.podMetricsEndpoints[0].interval: Invalid value: \"half a minute\": spec.podMetricsEndpoints[0].interval in body should match '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$'",
    );
    rejected(
        &k,
        &PM.replace("spec:\n", "spec:\n  scrapeClass: \"\"\n"),
        "The PodMonitor \"web\" is invalid: spec.scrapeClass: Invalid value: \"\": spec.scrapeClass in body should be at least 1 chars long",
    );
    rejected(
        &k,
        &PM.replace("port: http", "portNumber: 0"),
        "spec.podMetricsEndpoints[0].portNumber: Invalid value: 0: spec.podMetricsEndpoints[0].portNumber in body should be greater than or equal to 1",
    );
    k.apply(&PM.replace("30s", "1m30s"));
}

/// Neither Istio's nor prometheus-operator's CRDs use `minItems`, `maxItems` or the exclusive
/// bounds: a CRD of our own carries them (apiextensions.k8s.io/v1 JSONSchemaProps fields).
const WIDGET_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              tags: {type: array, minItems: 1, maxItems: 2, items: {type: string}}
              ratio: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 1.5, exclusiveMaximum: true}
";

const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec: {tags: [a], ratio: 0.5}
";

#[test]
fn item_counts_and_exclusive_bounds() {
    let Some(bin) = kubectl() else { return };
    let sim = start(&[WIDGET_CRD]);
    let k = Kubectl::new(bin, &sim);
    rejected(
        &k,
        &WIDGET.replace("[a]", "[]"),
        "The Widget \"w\" is invalid: spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items",
    );
    rejected(
        &k,
        &WIDGET.replace("[a]", "[a, b, c]"),
        "The Widget \"w\" is invalid: spec.tags: Too many: 3: must have at most 2 items",
    );
    rejected(
        &k,
        &WIDGET.replace("ratio: 0.5", "ratio: 0"),
        "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0",
    );
    rejected(
        &k,
        &WIDGET.replace("ratio: 0.5", "ratio: 1.5"),
        "spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5",
    );
    k.apply(WIDGET);
}

#[test]
fn several_failures_are_one_422_with_a_cause_each() {
    let sim = start(&[PROM_CRDS]);
    // object_validator.go validates the properties before it checks `required`, so the
    // scrapeClass error comes first.
    let body = r#"{"apiVersion":"monitoring.coreos.com/v1","kind":"PodMonitor","metadata":{"name":"bare"},"spec":{"scrapeClass":"","podMetricsEndpoints":[{"port":"http"}]}}"#;
    let r = common::request(
        sim.url(),
        "POST",
        "/apis/monitoring.coreos.com/v1/namespaces/shop/podmonitors",
        Some(body),
    );
    assert_eq!(r.status, 422);
    let st = r.json();
    assert_eq!(st["reason"], "Invalid");
    assert_eq!(
        st["message"],
        "PodMonitor.monitoring.coreos.com \"bare\" is invalid: [spec.scrapeClass: Invalid value: \"\": spec.scrapeClass in body should be at least 1 chars long, spec.selector: Required value]"
    );
    let causes = &st["details"]["causes"];
    assert_eq!(causes[0]["reason"], "FieldValueInvalid");
    assert_eq!(causes[0]["field"], "spec.scrapeClass");
    assert_eq!(causes[1]["reason"], "FieldValueRequired");
    assert_eq!(causes[1]["field"], "spec.selector");
    assert_eq!(causes[1]["message"], "Required value");
    assert_eq!(st["details"]["kind"], "PodMonitor");
}

//! What an IstioOperator may contain. istioctl rejects an unknown field late (after istioup said
//! "installing"), so every layer is checked here first, with a did-you-mean for typos. The
//! fields are those istioctl's strict decoding accepts (operator/pkg/apis/types.go, decoded
//! with DisallowUnknownFields by operator/pkg/apis/validation/validation.go; `spec.values` by
//! operator/pkg/apis/values_types.proto, whose top two levels `istio::values_fields` lists).
use serde_json::Value;

use super::merge::item_label;
use super::path::Segment;
use crate::istio::values_fields;

/// One thing wrong with a layer, at a full path such as `spec.components.pilot.k8s.nodeSelectr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    pub hint: Option<String>,
}

const ROOT_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
const SPEC_FIELDS: &[&str] = &[
    "profile",
    "installPackagePath",
    "hub",
    "tag",
    "namespace",
    "revision",
    "compatibilityVersion",
    "meshConfig",
    "components",
    "values",
    "unvalidatedValues",
];
const COMPONENTS_FIELDS: &[&str] = &[
    "base",
    "pilot",
    "cni",
    "ztunnel",
    "istiodRemote",
    "ingressGateways",
    "egressGateways",
];
/// `base` renders only the CRDs and the reader role: it takes no namespace, image or name.
const BASE_FIELDS: &[&str] = &["enabled", "k8s"];
/// pilot, cni, ztunnel, istiodRemote.
const COMPONENT_FIELDS: &[&str] = &["enabled", "namespace", "hub", "tag", "k8s"];
/// A gateway adds its name and its pods' labels.
const GATEWAY_FIELDS: &[&str] = &["enabled", "namespace", "hub", "tag", "k8s", "name", "label"];
const K8S_FIELDS: &[&str] = &[
    "affinity",
    "env",
    "hpaSpec",
    "imagePullPolicy",
    "nodeSelector",
    "podDisruptionBudget",
    "podAnnotations",
    "priorityClassName",
    "readinessProbe",
    "replicaCount",
    "resources",
    "service",
    "strategy",
    "tolerations",
    "serviceAnnotations",
    "securityContext",
    "volumes",
    "volumeMounts",
    "overlays",
];

/// The part of the IstioOperator schema a value sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Passed through to istioctl unchecked (values, meshConfig, k8s.affinity, ...).
    Any,
    Root,
    Spec,
    Components,
    Base,
    Component,
    Gateways,
    Gateway,
    /// `spec.values`: the chart values' top level.
    Values,
    /// A message of `spec.values` (`global`, `pilot`, ...): its fields.
    ValuesSection(&'static [&'static str]),
    K8s,
    /// Kubernetes `map[string]string`: node selectors and annotations.
    StringMap,
}

impl Shape {
    fn fields(self) -> Option<&'static [&'static str]> {
        match self {
            Shape::Root => Some(ROOT_FIELDS),
            Shape::Spec => Some(SPEC_FIELDS),
            Shape::Components => Some(COMPONENTS_FIELDS),
            Shape::Base => Some(BASE_FIELDS),
            Shape::Component => Some(COMPONENT_FIELDS),
            Shape::Gateway => Some(GATEWAY_FIELDS),
            Shape::K8s => Some(K8S_FIELDS),
            Shape::Values => Some(values_fields::TOP),
            Shape::ValuesSection(fields) => Some(fields),
            Shape::Any | Shape::Gateways | Shape::StringMap => None,
        }
    }

    fn child(self, key: &str) -> Shape {
        match (self, key) {
            (Shape::Root, "spec") => Shape::Spec,
            (Shape::Spec, "components") => Shape::Components,
            (Shape::Spec, "values") => Shape::Values,
            (Shape::Values, _) => values_fields::SECOND
                .iter()
                .find(|(name, _)| *name == key)
                .map_or(Shape::Any, |(_, fields)| Shape::ValuesSection(fields)),
            (Shape::Components, "ingressGateways" | "egressGateways") => Shape::Gateways,
            (Shape::Components, "base") => Shape::Base,
            (Shape::Components, _) => Shape::Component,
            (Shape::Base | Shape::Component | Shape::Gateway, "k8s") => Shape::K8s,
            (Shape::K8s, "nodeSelector" | "podAnnotations" | "serviceAnnotations") => Shape::StringMap,
            _ => Shape::Any,
        }
    }

    /// The shape of a list item, for `[0]` and `[name:x]` path segments.
    fn item(self) -> Shape {
        match self {
            Shape::Gateways => Shape::Gateway,
            _ => Shape::Any,
        }
    }

    fn wants_map(self) -> bool {
        self.fields().is_some() || self == Shape::StringMap
    }
}

/// Checks a whole IstioOperator document (one overlay file).
pub fn document(value: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    node(value, Shape::Root, "", &mut out);
    out
}

/// Checks a `--set` path (relative to spec) and the value it sets.
pub fn set_path(path: &[Segment], value: &Value) -> Option<Problem> {
    let mut shape = Shape::Spec;
    let mut shown = String::from("spec");
    let mut out = Vec::new();
    for (index, segment) in path.iter().enumerate() {
        match segment {
            Segment::Key(key) => {
                if index + 1 == path.len() {
                    field(shape, key, value, &shown, &mut out);
                    break;
                }
                if let Some(problem) = unknown_key(shape, key, &shown) {
                    return Some(problem);
                }
                shown = join(&shown, key);
                shape = shape.child(key);
            }
            Segment::Index(_) | Segment::Select { .. } => {
                shown.push_str(&segment.to_string());
                shape = shape.item();
            }
        }
    }
    out.into_iter().next()
}

/// Whether a `--set` path ends in a Kubernetes string map (node selector, annotations), where a
/// value such as `true` must stay the string "true".
pub fn wants_string(path: &[Segment]) -> bool {
    let mut shape = Shape::Spec;
    for segment in path.iter().take(path.len().saturating_sub(1)) {
        shape = match segment {
            Segment::Key(key) => shape.child(key),
            Segment::Index(_) | Segment::Select { .. } => shape.item(),
        };
    }
    shape == Shape::StringMap
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn node(value: &Value, shape: Shape, path: &str, out: &mut Vec<Problem>) {
    match value {
        // A null deletes the key at merge time; it is valid for any known key.
        Value::Null => {}
        Value::Object(map) if shape.wants_map() => {
            for (key, child) in map {
                field(shape, key, child, path, out);
            }
        }
        Value::Array(items) if shape == Shape::Gateways => gateways(items, path, out),
        _ if shape.wants_map() => out.push(wrong_type(path, "a map", value)),
        _ if shape == Shape::Gateways => out.push(wrong_type(path, "a list of gateways", value)),
        _ => {}
    }
}

fn field(parent: Shape, key: &str, value: &Value, path: &str, out: &mut Vec<Problem>) {
    let shown = join(path, key);
    if parent == Shape::StringMap {
        if !(value.is_string() || value.is_null()) {
            out.push(Problem {
                path: shown,
                message: format!("is {}, but Kubernetes wants a string here", describe(value)),
                hint: Some(format!("quote the value: \"{}\"", scalar_text(value))),
            });
        }
        return;
    }
    if let Some(problem) = unknown_key(parent, key, path) {
        return out.push(problem);
    }
    if parent == Shape::K8s {
        k8s_numbers(key, value, &shown, out);
    }
    if matches!(parent, Shape::Base | Shape::Component | Shape::Gateway)
        && key == "enabled"
        && !(value.is_boolean() || value.is_null())
    {
        return out.push(wrong_type(&shown, "true or false", value));
    }
    node(value, parent.child(key), &shown, out);
}

/// Numbers the API server would refuse after istioctl started applying: a negative or
/// fractional replicaCount, a Service port outside 1–65535, a nodePort outside the default
/// range 30000–32767 (k8s.io/kubernetes pkg/apis/core/validation: ValidateService).
fn k8s_numbers(key: &str, value: &Value, path: &str, out: &mut Vec<Problem>) {
    let integer_in = |v: &Value, low: u64, high: u64| v.as_u64().is_some_and(|n| (low..=high).contains(&n));
    match key {
        "replicaCount" if !value.is_null() && !integer_in(value, 0, u64::from(u32::MAX)) => {
            out.push(wrong_type(path, "a whole number of replicas, 0 or more", value));
        }
        "service" => {
            let ports = value
                .get("ports")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for (index, port) in ports.iter().enumerate() {
                let at = format!("{path}.ports[{index}]");
                if let Some(p) = port.get("port").filter(|p| !integer_in(p, 1, 65_535)) {
                    out.push(wrong_type(&format!("{at}.port"), "a port number 1-65535", p));
                }
                if let Some(n) = port.get("nodePort").filter(|n| !integer_in(n, 30_000, 32_767)) {
                    out.push(wrong_type(&format!("{at}.nodePort"), "a nodePort 30000-32767", n));
                }
            }
        }
        _ => {}
    }
}

fn gateways(items: &[Value], path: &str, out: &mut Vec<Problem>) {
    for (index, item) in items.iter().enumerate() {
        let shown = format!(
            "{path}{}",
            item_label(item).unwrap_or_else(|| format!("[{index}]"))
        );
        let Some(map) = item.as_object() else {
            out.push(wrong_type(&shown, "a gateway (a map with a name)", item));
            continue;
        };
        if !map.get("name").is_some_and(Value::is_string) {
            out.push(Problem {
                path: shown.clone(),
                message: "this gateway has no name".into(),
                hint: Some("give every gateway a `name:`, e.g. name: istio-ingressgateway".into()),
            });
        }
        // `$patch: delete` was checked with the other list rules; its other keys are still keys.
        for (key, child) in map.iter().filter(|(k, _)| *k != super::merge::PATCH_KEY) {
            field(Shape::Gateway, key, child, &shown, out);
        }
    }
}

fn unknown_key(shape: Shape, key: &str, path: &str) -> Option<Problem> {
    let fields = shape.fields()?;
    if fields.contains(&key) {
        return None;
    }
    let shown = join(path, key);
    let where_ = if path.is_empty() { "at the top level" } else { path };
    let hint = match (shape, crate::util::suggest::did_you_mean(key, fields)) {
        (_, Some(close)) => format!(
            "did you mean `{close}`? Keys allowed in {where_}: {}",
            fields.join(", ")
        ),
        (Shape::Base | Shape::Component | Shape::Gateway, None) if K8S_FIELDS.contains(&key) => {
            format!(
                "Kubernetes settings go under k8s: {}",
                join(&join(path, "k8s"), key)
            )
        }
        (Shape::Spec, None) if COMPONENTS_FIELDS.contains(&key) => {
            format!(
                "components go under components: {}",
                join(&join(path, "components"), key)
            )
        }
        (Shape::Root, None) => format!(
            "settings go under spec:; keys allowed at the top level: {}",
            fields.join(", ")
        ),
        (Shape::Values | Shape::ValuesSection(_), None) => format!(
            "istioctl decodes spec.values strictly (operator/pkg/apis/values_types.proto); keys allowed in {where_}: {}; unchecked settings go under spec.unvalidatedValues",
            fields.join(", ")
        ),
        _ => format!(
            "keys allowed in {where_}: {}; free-form settings go under spec.values or spec.meshConfig",
            fields.join(", ")
        ),
    };
    Some(Problem {
        path: shown,
        message: format!("unknown key `{key}`"),
        hint: Some(hint),
    })
}

/// `tag: 1.20` reads as the number 1.2, which istioctl accepts (a protobuf Value) and turns into
/// the string "1.2". The spelling is gone before istioup sees it, so a non-integer number at a
/// version field is worth a warning; an integer reads the same either way.
pub fn numeric_versions(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let shown = join(path, key);
                if matches!(key.as_str(), "tag" | "compatibilityVersion") && child.is_f64() {
                    out.push(format!(
                        "{shown} is the number {child}, which istioctl reads as \"{child}\" (1.20 reads as 1.2); \
                         quote it, {key}: \"{child}\", with the digits you meant"
                    ));
                } else {
                    numeric_versions(child, &shown, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                numeric_versions(item, &format!("{path}[{index}]"), out);
            }
        }
        _ => {}
    }
}

/// A revision names Kubernetes objects: see `istio::check_revision`.
pub fn revision(name: &str) -> Result<(), String> {
    crate::istio::check_revision(name)
}

fn wrong_type(path: &str, wanted: &str, value: &Value) -> Problem {
    Problem {
        path: path.to_string(),
        message: format!("must be {wanted}, not {}", describe(value)),
        hint: None,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b} (a boolean)"),
        Value::Number(n) => format!("{n} (a number)"),
        Value::String(s) => format!("{s:?} (a string)"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a map".into(),
    }
}

pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn iop(spec: Value) -> Value {
        json!({"apiVersion": "install.istio.io/v1alpha1", "kind": "IstioOperator", "spec": spec})
    }

    #[test]
    fn a_valid_document_has_no_problems() {
        let doc = iop(json!({
            "profile": "demo",
            "values": {"global": {"proxy": {"anything": [1, 2]}}, "meshConfig": {"x": 1}},
            "meshConfig": {"accessLogFile": "/dev/stdout"},
            "components": {
                "pilot": {"enabled": true, "k8s": {"replicaCount": 2, "nodeSelector": {"a": "b"}}},
                "ingressGateways": [{"name": "x", "label": {"istio": "x"}, "k8s": {"service": {"type": "NodePort"}}}],
                "egressGateways": [{"name": "y", "$patch": "delete"}]
            }
        }));
        assert_eq!(document(&doc), []);
    }

    #[test]
    fn unknown_components_key_suggests_the_right_one() {
        let problems = document(&iop(json!({"components": {"ingresGateways": []}})));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "spec.components.ingresGateways");
        assert_eq!(problems[0].message, "unknown key `ingresGateways`");
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap()
                .starts_with("did you mean `ingressGateways`?")
        );
    }

    #[test]
    fn unknown_k8s_key_in_a_gateway_names_the_gateway() {
        let doc =
            iop(json!({"components": {"ingressGateways": [{"name": "x", "k8s": {"nodeSelectr": {}}}]}}));
        let problems = document(&doc);
        assert_eq!(
            problems[0].path,
            "spec.components.ingressGateways[name=x].k8s.nodeSelectr"
        );
        assert!(problems[0].hint.as_deref().unwrap().contains("`nodeSelector`"));
    }

    #[test]
    fn unknown_keys_at_each_checked_level() {
        for (doc, path) in [
            (json!({"apiVersion": "a", "kind": "b", "sepc": {}}), "sepc"),
            (iop(json!({"profil": "demo"})), "spec.profil"),
            (
                iop(json!({"components": {"pilot": {"replicas": 2}}})),
                "spec.components.pilot.replicas",
            ),
            (
                iop(json!({"components": {"cni": {"k8s": {"foo": 1}}}})),
                "spec.components.cni.k8s.foo",
            ),
        ] {
            assert_eq!(document(&doc)[0].path, path, "{doc}");
        }
    }

    #[test]
    fn misplaced_keys_get_a_hint_where_they_belong() {
        let problems = document(&iop(json!({"components": {"pilot": {"resources": {}}}})));
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("Kubernetes settings go under k8s: spec.components.pilot.k8s.resources")
        );
        let problems = document(&iop(json!({"pilot": {}})));
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("components go under components: spec.components.pilot")
        );
    }

    /// istioctl decodes spec.values strictly against operator/pkg/apis/values_types.proto;
    /// meshConfig and unvalidatedValues are free-form.
    #[test]
    fn values_are_checked_two_levels_deep_and_mesh_config_passes_through() {
        let doc = iop(json!({
            "values": {"global": {"hub": "x", "proxy": {"deeper": "not checked"}}, "gateways": {"istio-ingressgateway": {"type": "NodePort"}}},
            "meshConfig": {"whatever": {"x": true}},
            "unvalidatedValues": {"anything": 1}
        }));
        assert_eq!(document(&doc), []);
        let problems = document(&iop(
            json!({"values": {"globl": {}, "pilot": {"autoscaleMn": 3}}}),
        ));
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.path.as_str(), p.hint.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(found[0].0, "spec.values.globl");
        assert!(found[0].1.starts_with("did you mean `global`?"), "{}", found[0].1);
        assert_eq!(found[1].0, "spec.values.pilot.autoscaleMn");
        assert!(
            found[1].1.starts_with("did you mean `autoscaleMin`?"),
            "{}",
            found[1].1
        );
    }

    /// What the API server would refuse half-way through istioctl's apply.
    #[test]
    fn replicas_and_ports_are_numbers_the_api_server_takes() {
        let doc = iop(json!({"components": {
            "pilot": {"k8s": {"replicaCount": -1}},
            "ingressGateways": [{"name": "x", "k8s": {"replicaCount": 1.5, "service": {"ports": [
                {"port": 80, "nodePort": 31380},
                {"port": 70000, "nodePort": "31390"},
                {"port": 443, "nodePort": 8443}
            ]}}}]
        }}));
        let paths: Vec<String> = document(&doc).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "spec.components.pilot.k8s.replicaCount",
                "spec.components.ingressGateways[name=x].k8s.replicaCount",
                "spec.components.ingressGateways[name=x].k8s.service.ports[1].port",
                "spec.components.ingressGateways[name=x].k8s.service.ports[1].nodePort",
                "spec.components.ingressGateways[name=x].k8s.service.ports[2].nodePort",
            ]
        );
    }

    /// validation.go: no spec.resourceSuffix; base takes enabled and k8s; name and label only on
    /// gateways.
    #[test]
    fn component_fields_are_istioctls() {
        for (spec, path) in [
            (json!({"resourceSuffix": "x"}), "spec.resourceSuffix"),
            (
                json!({"components": {"base": {"namespace": "x"}}}),
                "spec.components.base.namespace",
            ),
            (
                json!({"components": {"pilot": {"label": {"a": "b"}}}}),
                "spec.components.pilot.label",
            ),
            (
                json!({"components": {"cni": {"name": "x"}}}),
                "spec.components.cni.name",
            ),
        ] {
            assert_eq!(document(&iop(spec.clone()))[0].path, path, "{spec}");
        }
        let gateway =
            json!({"components": {"ingressGateways": [{"name": "x", "label": {"a": "b"}, "hub": "h"}]}});
        assert_eq!(document(&iop(gateway)), []);
    }

    #[test]
    fn types_are_checked_where_istioctl_would_fail() {
        let doc = iop(json!({"components": {
            "pilot": {"enabled": "yes"},
            "cni": {"k8s": {"nodeSelector": {"infra": true}}},
            "ingressGateways": {"name": "x"},
            "egressGateways": [{"enabled": true}]
        }}));
        let paths: Vec<String> = document(&doc).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "spec.components.pilot.enabled",
                "spec.components.cni.k8s.nodeSelector.infra",
                "spec.components.ingressGateways",
                "spec.components.egressGateways[0]"
            ]
        );
    }

    /// istioctl accepts a number for `tag` (a protobuf Value) and reads it as its text: valid,
    /// but worth a warning when it is not an integer.
    #[test]
    fn numeric_tags_are_accepted_with_a_warning() {
        let doc = iop(
            json!({"tag": 1.2, "values": {"global": {"tag": "1.20"}, "compatibilityVersion": 1.2, "pilot": {"tag": 28}}}),
        );
        assert_eq!(document(&doc), []);
        let mut warnings = Vec::new();
        numeric_versions(&doc, "", &mut warnings);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("spec.tag is the number 1.2, which istioctl reads as \"1.2\""),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[1].starts_with("spec.values.compatibilityVersion is the number 1.2"),
            "{}",
            warnings[1]
        );
    }

    #[test]
    fn set_paths_are_checked_against_the_schema() {
        let path = |keys: &[&str]| {
            keys.iter()
                .map(|k| Segment::Key(k.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            set_path(&path(&["values", "global", "proxy", "y"]), &json!(1)),
            None
        );
        assert_eq!(
            set_path(&path(&["values", "x"]), &json!(1)).unwrap().path,
            "spec.values.x"
        );
        assert_eq!(
            set_path(&path(&["components", "cni", "enabled"]), &json!(true)),
            None
        );
        let bad = set_path(&path(&["components", "ingresGateways"]), &json!(1)).unwrap();
        assert_eq!(bad.path, "spec.components.ingresGateways");
        let mut indexed = path(&["components", "ingressGateways"]);
        indexed.push(Segment::Index(0));
        indexed.extend(path(&["k8s", "nodeSelectr", "a"]));
        assert_eq!(
            set_path(&indexed, &json!("b")).unwrap().path,
            "spec.components.ingressGateways[0].k8s.nodeSelectr"
        );
        let enabled = set_path(&path(&["components", "pilot", "enabled"]), &json!("maybe")).unwrap();
        assert_eq!(enabled.path, "spec.components.pilot.enabled");
    }

    #[test]
    fn did_you_mean_is_conservative() {
        assert_eq!(
            crate::util::suggest::did_you_mean("IngressGateways", COMPONENTS_FIELDS),
            Some("ingressGateways")
        );
        assert_eq!(
            crate::util::suggest::did_you_mean("plot", COMPONENTS_FIELDS),
            Some("pilot")
        );
        assert_eq!(
            crate::util::suggest::did_you_mean("gateways", COMPONENTS_FIELDS),
            None
        );
    }

    #[test]
    fn revisions_are_dns_labels() {
        assert!(revision("1-28-0").is_ok());
        assert!(revision("canary").is_ok());
        for bad in ["", "Canary", "1.28", "-a", "a-", "a_b", &"a".repeat(64)] {
            assert!(revision(bad).is_err(), "{bad}");
        }
    }
}

//! Reading IstioOperator files and `--set`s into one effective configuration, with istioctl's
//! own merge order: default profile < chosen profile < files left to right < `--set`.
use serde_json::{Map, Value, json};

use super::{merge, profiles};

/// The effective installation configuration.
#[derive(Debug, Clone)]
pub struct IstioConfig {
    /// The fully merged `spec`.
    pub spec: Value,
    pub profile: String,
    /// `default` when no revision was asked for.
    pub revision: String,
    pub namespace: String,
    /// `metadata.name` of the IstioOperator (the owning-resource label), empty if unnamed.
    pub name: String,
    /// The istioctl version installing.
    pub version: String,
}

impl IstioConfig {
    pub fn is_default_revision(&self) -> bool {
        self.revision == "default"
    }

    /// `name` or `name-<rev>`.
    pub fn rev_name(&self, name: &str) -> String {
        if self.is_default_revision() {
            name.to_string()
        } else {
            format!("{name}-{}", self.revision)
        }
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        merge::get(&self.spec, path)
    }

    pub fn values(&self) -> Value {
        self.get("values").cloned().unwrap_or_else(|| json!({}))
    }
}

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
const COMPONENT_SET_FIELDS: &[&str] = &[
    "base",
    "pilot",
    "cni",
    "ztunnel",
    "ingressGateways",
    "egressGateways",
    "istiodRemote",
];
const COMPONENT_FIELDS: &[&str] = &["enabled", "namespace", "hub", "tag", "spec", "label", "k8s"];
const GATEWAY_FIELDS: &[&str] = &["name", "namespace", "enabled", "label", "hub", "tag", "k8s"];
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
const VALUES_FIELDS: &[&str] = &[
    "global",
    "pilot",
    "gateways",
    "sidecarInjectorWebhook",
    "cni",
    "ztunnel",
    "telemetry",
    "meshConfig",
    "base",
    "istiodRemote",
    "revisionTags",
    "defaultRevision",
    "profile",
    "revision",
    "ownerName",
    "experimental",
    "gatewayClasses",
    "platform",
    "istio_cni",
    "compatibilityVersion",
    "resourceScope",
];

fn unknown(field: &str, ty: &str) -> String {
    format!("unknown field {field:?} in istio.operator.v1alpha1.{ty}")
}

fn check_keys(v: &Value, allowed: &[&str], ty: &str) -> Result<(), String> {
    match v {
        Value::Null => Ok(()),
        Value::Object(m) => {
            for k in m.keys() {
                if !allowed.contains(&k.as_str()) {
                    return Err(unknown(k, ty));
                }
            }
            Ok(())
        }
        other => Err(format!(
            "cannot unmarshal {} into istio.operator.v1alpha1.{ty}",
            json_type(other)
        )),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check_component(c: &Value, fields: &[&str], ty: &str) -> Result<(), String> {
    check_keys(c, fields, ty)?;
    if let Some(e) = c.get("enabled")
        && !e.is_boolean()
        && !e.is_null()
    {
        return Err(format!(
            "cannot unmarshal {} into Go struct field {ty}.enabled of type bool",
            json_type(e)
        ));
    }
    if let Some(k8s) = c.get("k8s") {
        check_keys(k8s, K8S_FIELDS, "KubernetesResources")?;
        if let Some(r) = k8s.get("replicaCount")
            && !r.is_null()
            && !r.is_u64()
        {
            return Err(format!(
                "cannot unmarshal {} into Go struct field KubernetesResources.replicaCount of type uint32",
                json_type(r)
            ));
        }
    }
    Ok(())
}

/// Validates an IstioOperator spec the way istioctl's strict unmarshalling does.
pub fn validate_spec(spec: &Value) -> Result<(), String> {
    validate(spec, true)
}

fn validate(spec: &Value, require_names: bool) -> Result<(), String> {
    check_keys(spec, SPEC_FIELDS, "IstioOperatorSpec")?;
    if let Some(p) = spec.get("profile")
        && !p.is_string()
        && !p.is_null()
    {
        return Err("profile must be a string".to_string());
    }
    if let Some(comps) = spec.get("components") {
        check_keys(comps, COMPONENT_SET_FIELDS, "IstioComponentSetSpec")?;
        for key in ["base", "pilot", "cni", "ztunnel", "istiodRemote"] {
            if let Some(c) = comps.get(key) {
                check_component(c, COMPONENT_FIELDS, "ComponentSpec")?;
            }
        }
        for key in ["ingressGateways", "egressGateways"] {
            match comps.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Array(gws)) => {
                    for gw in gws {
                        check_component(gw, GATEWAY_FIELDS, "GatewaySpec")?;
                        if require_names && gw.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
                            return Err(format!("components.{key}: gateway without a name"));
                        }
                    }
                }
                Some(other) => {
                    return Err(format!(
                        "cannot unmarshal {} into Go struct field IstioComponentSetSpec.{key} of type []*v1alpha1.GatewaySpec",
                        json_type(other)
                    ));
                }
            }
        }
    }
    if let Some(values) = spec.get("values") {
        check_keys(values, VALUES_FIELDS, "Values")?;
    }
    Ok(())
}

/// Parses one file's text as exactly one IstioOperator; returns (metadata, spec).
pub fn parse_iop(name: &str, text: &str) -> Result<(Value, Value), String> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple(text).map_err(|e| format!("could not parse {name}: {e}"))?;
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if docs.len() > 1 {
        return Err(format!(
            "{name}: contains multiple IstioOperator CRs, only one per file is supported"
        ));
    }
    let Some(doc) = docs.into_iter().next() else {
        return Ok((json!({}), json!({})));
    };
    let Value::Object(map) = &doc else {
        return Err(format!("{name}: not an IstioOperator (expected a map)"));
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != "IstioOperator" {
        return Err(format!(
            "{name}: unexpected kind {kind:?}, expected IstioOperator"
        ));
    }
    let api = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if api != "install.istio.io/v1alpha1" {
        return Err(format!(
            "{name}: unexpected apiVersion {api:?}, expected install.istio.io/v1alpha1"
        ));
    }
    for k in map.keys() {
        if !["apiVersion", "kind", "metadata", "spec", "status"].contains(&k.as_str()) {
            return Err(unknown(k, "IstioOperator"));
        }
    }
    let spec = map.get("spec").cloned().unwrap_or_else(|| json!({}));
    validate_spec(&spec)?;
    Ok((map.get("metadata").cloned().unwrap_or_else(|| json!({})), spec))
}

fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Builds the effective configuration. `stdin` is the content of a `-` file.
pub fn resolve(
    files: &[String],
    sets: &[String],
    revision_flag: Option<&str>,
    stdin: Option<&str>,
    version: &str,
) -> Result<IstioConfig, String> {
    let mut user_spec = json!({});
    let mut metadata = json!({});
    for (i, f) in files.iter().enumerate() {
        let text = if f == "-" {
            if i + 1 != files.len() {
                return Err("\"-\" (stdin) may only be the last --filename".to_string());
            }
            stdin.unwrap_or("").to_string()
        } else {
            std::fs::read_to_string(f).map_err(|e| format!("open {f}: {}", io_reason(&e)))?
        };
        let (meta, spec) = parse_iop(f, &text)?;
        merge::deep_merge(&mut metadata, &meta);
        merge::deep_merge(&mut user_spec, &spec);
    }
    // The --sets are applied to a scratch copy of the user's tree to learn the profile and
    // namespace they select, and to the profile-merged tree below, so that list indices such
    // as `components.ingressGateways[0]` address the profile's entries when no file gave the
    // list.
    let mut with_sets = user_spec.clone();
    for s in sets {
        merge::apply_set(&mut with_sets, s)?;
    }
    if let Some(rev) = revision_flag {
        with_sets["revision"] = Value::String(rev.to_string());
    }
    validate(&with_sets, false)?;

    let profile = with_sets
        .get("profile")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .unwrap_or("default")
        .to_string();
    let Some(overlay) = profiles::overlay(&profile) else {
        return Err(format!(
            "profile {profile:?} not found (known profiles: {})",
            profiles::NAMES.join(", ")
        ));
    };
    let mut spec = profiles::default_spec(version);
    merge::deep_merge(&mut spec, &overlay);

    // The control plane namespace is values.global.istioNamespace (istio-system in the default
    // profile); spec.namespace is accepted but read by nothing (operator/pkg/render/manifest.go:
    // translateIstioOperatorToHelm sets metadata.namespace from it).
    let user_ns = merge::get(&with_sets, "values.global.istioNamespace")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    merge::deep_merge(&mut spec, &user_spec);
    for s in sets {
        merge::apply_set(&mut spec, s)?;
    }
    if let Some(rev) = revision_flag {
        spec["revision"] = Value::String(rev.to_string());
    }
    validate_spec(&spec)?;
    let namespace = user_ns.unwrap_or_else(|| "istio-system".to_string());
    if !is_dns1123_label(&namespace) {
        return Err(format!("invalid namespace {namespace:?}"));
    }
    spec["namespace"] = Value::String(namespace.clone());
    set_obj(
        &mut spec,
        &["values", "global", "istioNamespace"],
        json!(namespace),
    );

    let revision = spec
        .get("revision")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .unwrap_or("default")
        .to_string();
    if !is_dns1123_label(&revision) {
        return Err(format!("invalid revision specified: {revision:?}"));
    }
    let name = metadata
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or("")
        .to_string();
    Ok(IstioConfig {
        spec,
        profile,
        revision,
        namespace,
        name,
        version: version.to_string(),
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Sets a nested key, creating maps on the way (replacing non-maps).
pub fn set_obj(root: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for p in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(m) = node else { return };
        let child = m.entry((*p).to_string()).or_insert_with(|| json!({}));
        if !child.is_object() {
            *child = json!({});
        }
        node = child;
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(m) = node {
        m.insert((*last).to_string(), value);
    }
}

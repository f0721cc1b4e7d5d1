//! The Kubernetes objects an `istioctl install` creates, per component.
//!
//! The objects come from the fixtures tests/fixtures/istio/<release>/ (what real istioctl of
//! that release renders from its own charts, made by tests/fixtures/istio/render.sh): the
//! fixture of the configuration's profile (or `canary` for a revision) is the template, and
//! the parts that depend on the IstioOperator are applied by the rules below, each naming the
//! upstream file it follows (paths in istio/istio at the release tag). The fidelity test
//! (tests/fidelity.rs) checks that every fixture configuration comes out equal to its fixture.
pub mod fixtures;
mod smp;

use serde_json::{Map, Value, json};

use super::config::IstioConfig;
use super::merge;

pub const COMPONENT_LABEL: &str = "operator.istio.io/component";
pub const REV_LABEL: &str = "istio.io/rev";
pub const TAG_LABEL: &str = "istio.io/tag";
pub const VERSION_LABEL: &str = "operator.istio.io/version";
pub const MANAGED_LABEL: &str = "operator.istio.io/managed";
pub const OWNER_LABEL: &str = "install.operator.istio.io/owning-resource";
pub const OWNER_NS_LABEL: &str = "install.operator.istio.io/owning-resource-namespace";
pub const NOT_PRUNED_LABEL: &str = "install.operator.istio.io/owning-resource-not-pruned";

/// An installation component, in istioctl's naming (operator/pkg/component/component.go).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Comp {
    Base,
    Pilot,
    Cni,
    Ztunnel,
    IngressGateways,
    EgressGateways,
}

impl Comp {
    pub const ALL: [Comp; 6] = [
        Comp::Base,
        Comp::Pilot,
        Comp::Cni,
        Comp::Ztunnel,
        Comp::IngressGateways,
        Comp::EgressGateways,
    ];

    /// The value of the `operator.istio.io/component` label.
    pub fn id(self) -> &'static str {
        match self {
            Comp::Base => "Base",
            Comp::Pilot => "Pilot",
            Comp::Cni => "Cni",
            Comp::Ztunnel => "Ztunnel",
            Comp::IngressGateways => "IngressGateways",
            Comp::EgressGateways => "EgressGateways",
        }
    }

    /// The name used in progress lines.
    pub fn display(self) -> &'static str {
        match self {
            Comp::Base => "Istio core",
            Comp::Pilot => "Istiod",
            Comp::Cni => "CNI",
            Comp::Ztunnel => "Ztunnel",
            Comp::IngressGateways => "Ingress gateways",
            Comp::EgressGateways => "Egress gateways",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Comp::Base => "⛵️",
            Comp::Pilot => "🧠",
            Comp::Cni => "🪢",
            Comp::Ztunnel => "🔒",
            Comp::IngressGateways => "🛬",
            Comp::EgressGateways => "🛫",
        }
    }

    /// Components that must be installed first (operator/pkg/install/install.go:
    /// componentDependencies).
    pub fn deps(self) -> &'static [Comp] {
        match self {
            Comp::Base => &[],
            Comp::Pilot | Comp::Cni => &[Comp::Base],
            Comp::Ztunnel => &[Comp::Cni],
            Comp::IngressGateways | Comp::EgressGateways => &[Comp::Pilot],
        }
    }

    /// Accepts the label id, the display name, or common short names, case-insensitively.
    pub fn parse(s: &str) -> Option<Comp> {
        let norm: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match norm.as_str() {
            "base" | "istiocore" | "core" => Comp::Base,
            "pilot" | "istiod" => Comp::Pilot,
            "cni" => Comp::Cni,
            "ztunnel" => Comp::Ztunnel,
            "ingressgateways" | "ingressgateway" | "ingress" => Comp::IngressGateways,
            "egressgateways" | "egressgateway" | "egress" => Comp::EgressGateways,
            _ => return None,
        })
    }

    pub fn from_id(s: &str) -> Option<Comp> {
        Comp::ALL.into_iter().find(|c| c.id() == s)
    }

    /// component.go: ResourceType / ResourceName / ContainerName (what `k8s` patches target).
    fn workload(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Comp::Base => ("", "", ""),
            Comp::Pilot => ("Deployment", "istiod", "discovery"),
            Comp::Cni => ("DaemonSet", "istio-cni-node", "install-cni"),
            Comp::Ztunnel => ("DaemonSet", "ztunnel", "istio-proxy"),
            Comp::IngressGateways => ("Deployment", "istio-ingressgateway", "istio-proxy"),
            Comp::EgressGateways => ("Deployment", "istio-egressgateway", "istio-proxy"),
        }
    }
}

/// The objects of one component.
#[derive(Debug, Clone)]
pub struct ComponentManifest {
    pub comp: Comp,
    pub objects: Vec<Value>,
}

/// How the templates of a configuration are chosen and rewritten.
struct Ctx<'a> {
    cfg: &'a IstioConfig,
    release: &'static str,
    /// The fixture the Base/Pilot templates come from.
    set: &'static str,
}

const FIXTURE_NS: &str = "istio-system";
const FIXTURE_REV: &str = "canary";

impl Ctx<'_> {
    fn new(cfg: &IstioConfig) -> Ctx<'_> {
        let release = fixtures::release_for(&cfg.version);
        let auto = cfg
            .get("values.sidecarInjectorWebhook.enableNamespacesByDefault")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let set = if !cfg.is_default_revision() {
            "canary"
        } else if auto {
            "auto-inject"
        } else {
            match cfg.profile.as_str() {
                "demo" => "demo",
                "ambient" => "ambient",
                "minimal" => "minimal",
                _ => "default",
            }
        };
        Ctx { cfg, release, set }
    }

    /// Objects of `comp` in fixture `set` (without the revision-tag step's objects), rewritten
    /// for this configuration's revision, namespace and version.
    fn objects_of(&self, set: &'static str, comp: Comp) -> Vec<Value> {
        fixtures::objects(self.release, set)
            .iter()
            .filter(|o| label_of(o, COMPONENT_LABEL) == Some(comp.id()))
            .filter(|o| label_of(o, NOT_PRUNED_LABEL).is_none())
            .map(|o| self.rewrite(o, set))
            .collect()
    }

    /// The template objects of a component: from the configuration's own fixture when it has
    /// that component, else from the first fixture that does.
    fn template(&self, comp: Comp, fallbacks: &[&'static str]) -> Vec<Value> {
        let mut sets = vec![self.set];
        sets.extend_from_slice(fallbacks);
        for set in sets {
            let objs = self.objects_of(set, comp);
            if !objs.is_empty() {
                if set != self.set && !self.cfg.is_default_revision() {
                    return objs
                        .into_iter()
                        .map(|o| relabel_revision(o, &self.cfg.revision))
                        .collect();
                }
                return objs;
            }
        }
        Vec::new()
    }

    /// Token substitutions: the fixture revision `canary`, namespace `istio-system` and release
    /// version become this configuration's (every occurrence in a string is one of those).
    fn rewrite(&self, o: &Value, set: &str) -> Value {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if set == "canary" {
            pairs.push((FIXTURE_REV, &self.cfg.revision));
        }
        if self.cfg.namespace != FIXTURE_NS {
            pairs.push((FIXTURE_NS, &self.cfg.namespace));
        }
        if self.cfg.version != self.release {
            pairs.push((self.release, &self.cfg.version));
        }
        let mut o = o.clone();
        if !pairs.is_empty() {
            replace_strings(&mut o, &pairs);
        }
        o
    }
}

fn replace_strings(v: &mut Value, pairs: &[(&str, &str)]) {
    match v {
        Value::String(s) => {
            for (from, to) in pairs {
                if s.contains(from) {
                    *s = s.replace(from, to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| replace_strings(x, pairs)),
        Value::Object(m) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                let mut new_k = k.clone();
                for (from, to) in pairs {
                    new_k = new_k.replace(from, to);
                }
                let mut val = m.remove(&k).unwrap_or(Value::Null);
                replace_strings(&mut val, pairs);
                m.insert(new_k, val);
            }
        }
        _ => {}
    }
}

pub fn label_of<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.pointer("/metadata/labels")
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// Every label map (metadata, pod template, selectors) of an object.
fn label_maps(o: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    for p in [
        "/metadata/labels",
        "/spec/selector/matchLabels",
        "/spec/template/metadata/labels",
    ] {
        if let Some(Value::Object(m)) = o.pointer_mut(p) {
            f(m);
        }
    }
    if o.get("kind").and_then(Value::as_str) == Some("Service")
        && let Some(Value::Object(m)) = o.pointer_mut("/spec/selector")
    {
        f(m);
    }
}

/// Objects taken from a default-revision fixture for a revisioned install: their
/// `istio.io/rev` labels name the revision (charts: `.Values.revision | default "default"`).
fn relabel_revision(mut o: Value, rev: &str) -> Value {
    label_maps(&mut o, &mut |m| {
        if m.contains_key(REV_LABEL) {
            m.insert(REV_LABEL.into(), json!(rev));
        }
        if m.contains_key("service.istio.io/canonical-revision") {
            m.insert("service.istio.io/canonical-revision".into(), json!(rev));
        }
    });
    o
}

/// The labels istioctl puts on every object it applies (operator/pkg/install/install.go:
/// getOwnerLabels; the owning-resource label only for a named IstioOperator).
pub fn owner_labels(cfg: &IstioConfig, comp: Option<Comp>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(MANAGED_LABEL.into(), json!("Reconcile"));
    m.insert(VERSION_LABEL.into(), json!(cfg.version));
    if !cfg.name.is_empty() {
        m.insert(OWNER_LABEL.into(), json!(cfg.name));
    }
    m.insert(OWNER_NS_LABEL.into(), json!(cfg.namespace));
    m.insert(REV_LABEL.into(), json!(cfg.revision));
    if let Some(c) = comp {
        m.insert(COMPONENT_LABEL.into(), json!(c.id()));
    }
    m
}

fn add_labels(o: &mut Value, labels: &Map<String, Value>) {
    if !o["metadata"]["labels"].is_object() {
        o["metadata"]["labels"] = json!({});
    }
    if let Some(m) = o["metadata"]["labels"].as_object_mut() {
        for (k, v) in labels {
            m.insert(k.clone(), v.clone());
        }
    }
}

fn kind(o: &Value) -> &str {
    o.get("kind").and_then(Value::as_str).unwrap_or("")
}

fn name(o: &Value) -> &str {
    o.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
}

/// A component spec from `components.<key>` (component.go: Component.Get): enabled unless
/// `enabled: false`.
fn enabled(cfg: &IstioConfig, key: &str) -> Option<Value> {
    let c = cfg.get(&format!("components.{key}"))?;
    if !c.is_object() || c.get("enabled").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    Some(c.clone())
}

/// Builds every enabled component's objects, in installation order.
pub fn build(cfg: &IstioConfig) -> Vec<ComponentManifest> {
    let ctx = Ctx::new(cfg);
    let mut out = Vec::new();
    if let Some(spec) = enabled(cfg, "base") {
        let mut objs = crds(&ctx);
        objs.extend(ctx.template(Comp::Base, &["default"]));
        out.push(finish(&ctx, Comp::Base, &spec, objs));
    }
    if let Some(spec) = enabled(cfg, "pilot") {
        let mut objs = ctx.template(Comp::Pilot, &["default"]);
        // The canonical injector as the chart renders it; the fixture holds it after istioctl
        // deactivated it for the default tag, so its selectors come from the tag webhook.
        reactivate_canonical(&ctx, &mut objs);
        merge_injector_values(cfg, &mut objs);
        let values = cfg.get("values.pilot").cloned().unwrap_or(json!({}));
        apply_workload_values(&ctx, Comp::Pilot, &mut objs, &values, "istiod");
        out.push(finish(&ctx, Comp::Pilot, &spec, objs));
    }
    for (comp, key) in [(Comp::Cni, "cni"), (Comp::Ztunnel, "ztunnel")] {
        let Some(spec) = enabled(cfg, key) else { continue };
        let mut objs = ctx.template(comp, &["ambient"]);
        if let Some(ns) = spec
            .get("namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            for o in &mut objs {
                move_namespace(o, ns);
            }
        }
        let values = cfg.get(&format!("values.{key}")).cloned().unwrap_or(json!({}));
        let (_, rn, _) = comp.workload();
        apply_workload_values(&ctx, comp, &mut objs, &values, rn);
        out.push(finish(&ctx, comp, &spec, objs));
    }
    for (comp, key, fallback) in [
        (Comp::IngressGateways, "ingressGateways", "default"),
        (Comp::EgressGateways, "egressGateways", "egress"),
    ] {
        let objs = gateways(&ctx, comp, key, fallback);
        if !objs.is_empty() {
            out.push(ComponentManifest { comp, objects: objs });
        }
    }
    out
}

/// k8s patches, owner labels, namespace rules: the steps after the chart.
fn finish(ctx: &Ctx<'_>, comp: Comp, spec: &Value, mut objs: Vec<Value>) -> ComponentManifest {
    let (rt, rn, cn) = comp.workload();
    let rn = if comp == Comp::Pilot {
        ctx.cfg.rev_name(rn)
    } else {
        spec.get("name").and_then(Value::as_str).unwrap_or(rn).to_string()
    };
    post_process(comp, spec, &mut objs, rt, &rn, cn);
    apply_hub_tag(ctx, spec, &mut objs);
    let labels = owner_labels(ctx.cfg, Some(comp));
    for o in &mut objs {
        add_labels(o, &labels);
        namespace_rules(ctx, o);
    }
    ComponentManifest { comp, objects: objs }
}

/// Image hub and tag. `spec.hub`/`spec.tag` become `values.global.hub`/`tag`, a component's own
/// `hub`/`tag` its chart's `values.<root>.hub`/`tag` (operator/pkg/render/manifest.go), and the
/// charts build `<hub>/<image>:<tag>` (istio-control/istio-discovery/templates/deployment.yaml,
/// gateways/istio-ingress/templates/deployment.yaml). The fixtures are rendered with the
/// release's own `docker.io/istio` hub and tag, so those images are rewritten.
fn apply_hub_tag(ctx: &Ctx<'_>, spec: &Value, objs: &mut [Value]) {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let hub = text(spec.get("hub"))
        .or_else(|| text(ctx.cfg.get("values.global.hub")))
        .or_else(|| text(ctx.cfg.get("hub")));
    let tag = text(spec.get("tag"))
        .or_else(|| text(ctx.cfg.get("values.global.tag")))
        .or_else(|| text(ctx.cfg.get("tag")));
    if hub.is_none() && tag.is_none() {
        return;
    }
    // The injector's `values` are the merged values: istiod builds the sidecar image from their
    // global.hub and global.tag (pkg/kube/inject/inject.go ProxyImage).
    for o in objs
        .iter_mut()
        .filter(|o| kind(o) == "ConfigMap" && name(o).starts_with("istio-sidecar-injector"))
    {
        let Some(mut values) = o
            .pointer("/data/values")
            .and_then(Value::as_str)
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
        else {
            continue;
        };
        if let Some(hub) = &hub {
            values["global"]["hub"] = json!(hub);
        }
        if let Some(tag) = &tag {
            values["global"]["tag"] = json!(tag);
        }
        if let Ok(text) = serde_json::to_string_pretty(&values) {
            o["data"]["values"] = Value::String(text);
        }
    }
    for o in objs
        .iter_mut()
        .filter(|o| matches!(kind(o), "Deployment" | "DaemonSet"))
    {
        for list in ["containers", "initContainers"] {
            let Some(Value::Array(containers)) = o.pointer_mut(&format!("/spec/template/spec/{list}")) else {
                continue;
            };
            for c in containers {
                let Some(image) = c.get("image").and_then(Value::as_str) else {
                    continue;
                };
                let Some((name, old_tag)) = image
                    .strip_prefix("docker.io/istio/")
                    .and_then(|r| r.rsplit_once(':'))
                else {
                    continue;
                };
                // The charts append the variant after the tag (`:{tag}-{variant}`, e.g. the
                // ambient profile's `-distroless`): keep the fixture's variant.
                let (old_base, variant) = ["-distroless", "-debug"]
                    .iter()
                    .find_map(|v| old_tag.strip_suffix(v).map(|b| (b, *v)))
                    .unwrap_or((old_tag, ""));
                let image = format!(
                    "{}/{name}:{}{variant}",
                    hub.as_deref().unwrap_or("docker.io/istio"),
                    tag.as_deref().unwrap_or(old_base)
                );
                c["image"] = Value::String(image);
            }
        }
    }
}

/// Outside istio-system the charts name webhooks `<name>-<namespace>`
/// (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml and
/// revision-tags-mwc.yaml: `{{- if eq .Release.Namespace "istio-system"}}`).
fn namespace_rules(ctx: &Ctx<'_>, o: &mut Value) {
    if ctx.cfg.namespace == FIXTURE_NS || kind(o) != "MutatingWebhookConfiguration" {
        return;
    }
    let n = name(o).to_string();
    let suffix = format!("-{}", ctx.cfg.namespace);
    if !n.ends_with(&suffix) {
        o["metadata"]["name"] = json!(format!("{n}{suffix}"));
    }
}

fn move_namespace(o: &mut Value, ns: &str) {
    if o.pointer("/metadata/namespace").is_some() {
        o["metadata"]["namespace"] = json!(ns);
    }
    if let Some(Value::Array(subjects)) = o.get_mut("subjects") {
        for s in subjects {
            if s.get("namespace").is_some() {
                s["namespace"] = json!(ns);
            }
        }
    }
}

/// The CRDs (component Base): fixture crds.yaml, schemas trimmed there, so a permissive one
/// is put back.
fn crds(ctx: &Ctx<'_>) -> Vec<Value> {
    fixtures::objects(ctx.release, "crds")
        .iter()
        .map(|o| {
            let mut o = ctx.rewrite(o, "crds");
            if let Some(Value::Array(versions)) = o.pointer_mut("/spec/versions") {
                for v in versions {
                    if v.get("schema").is_none() {
                        v["schema"] = json!({"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}});
                    }
                    if v.get("subresources").is_none() {
                        v["subresources"] = json!({"status": {}});
                    }
                }
            }
            o
        })
        .collect()
}

/// The revision tag webhooks' templates, for the canonical injector's selectors.
fn tag_templates(ctx: &Ctx<'_>) -> Vec<Value> {
    let set = if ctx.set == "canary" || ctx.set == "auto-inject" {
        ctx.set
    } else {
        "default"
    };
    fixtures::objects(ctx.release, set)
        .iter()
        .filter(|o| label_of(o, NOT_PRUNED_LABEL).is_some())
        .map(|o| ctx.rewrite(o, set))
        .collect()
}

fn reactivate_canonical(ctx: &Ctx<'_>, objs: &mut [Value]) {
    let tags = tag_templates(ctx);
    let Some(tag) = tags
        .iter()
        .find(|o| kind(o) == "MutatingWebhookConfiguration")
        .or_else(|| {
            fixtures::objects(ctx.release, "default").iter().find(|o| {
                kind(o) == "MutatingWebhookConfiguration" && label_of(o, NOT_PRUNED_LABEL).is_some()
            })
        })
    else {
        return;
    };
    for o in objs.iter_mut() {
        if kind(o) != "MutatingWebhookConfiguration" {
            continue;
        }
        let Some(Value::Array(hooks)) = o.get_mut("webhooks") else {
            continue;
        };
        for h in hooks {
            let never = h
                .pointer("/namespaceSelector/matchLabels/istio.io~1deactivated")
                .is_some();
            if !never {
                continue;
            }
            let hname = h.get("name").cloned();
            if let Some(t) = tag
                .get("webhooks")
                .and_then(Value::as_array)
                .and_then(|ws| ws.iter().find(|w| w.get("name") == hname.as_ref()))
            {
                h["namespaceSelector"] = t["namespaceSelector"].clone();
                h["objectSelector"] = t["objectSelector"].clone();
            }
        }
    }
}

/// The injector ConfigMap's `values` key is the istiod chart's values: the chart defaults (the
/// template's) with the IstioOperator's `spec.values` merged over them
/// (manifests/charts/istio-control/istio-discovery/templates/istiod-injector-configmap.yaml).
fn merge_injector_values(cfg: &IstioConfig, objs: &mut [Value]) {
    let user = cfg.values();
    for o in objs.iter_mut() {
        if kind(o) != "ConfigMap" || !name(o).starts_with("istio-sidecar-injector") {
            continue;
        }
        let Some(raw) = o.pointer("/data/values").and_then(Value::as_str) else {
            continue;
        };
        let Ok(mut values) = serde_json::from_str::<Value>(raw) else {
            continue;
        };
        let mut user = user.clone();
        if let Some(m) = user.as_object_mut() {
            // Set by istioctl itself, already right in the template.
            m.remove("revision");
        }
        merge::deep_merge(&mut values, &user);
        o["data"]["values"] = json!(serde_json::to_string_pretty(&values).unwrap_or_default());
    }
}

/// The values rules of the charts for a Deployment/DaemonSet component: resources,
/// nodeSelector, tolerations, autoscaling (HPA), replicas and the PodDisruptionBudget
/// (manifests/charts/istio-control/istio-discovery/templates/{deployment,autoscale,
/// poddisruptionbudget}.yaml, gateways/istio-{ingress,egress}/templates/..., istio-cni,
/// ztunnel).
fn apply_workload_values(ctx: &Ctx<'_>, comp: Comp, objs: &mut Vec<Value>, values: &Value, rn: &str) {
    let (rt, _, cn) = comp.workload();
    let rn = if comp == Comp::Pilot {
        ctx.cfg.rev_name(rn)
    } else {
        rn.to_string()
    };
    let Some(idx) = objs.iter().position(|o| kind(o) == rt && name(o) == rn) else {
        return;
    };
    {
        let w = &mut objs[idx];
        if let Some(Value::Array(cs)) = w.pointer_mut("/spec/template/spec/containers")
            && let Some(c) = cs
                .iter_mut()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(cn))
            && let Some(r) = values.get("resources").filter(|r| r.is_object())
        {
            if !c["resources"].is_object() {
                c["resources"] = json!({});
            }
            merge::deep_merge(&mut c["resources"], r);
        }
        if let Some(ns) = values
            .get("nodeSelector")
            .filter(|v| v.is_object() && !v.as_object().unwrap().is_empty())
        {
            let spec = &mut w["spec"]["template"]["spec"];
            if !spec["nodeSelector"].is_object() {
                spec["nodeSelector"] = json!({});
            }
            merge::deep_merge(&mut spec["nodeSelector"], ns);
        }
        if let Some(t) = values
            .get("tolerations")
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        {
            w["spec"]["template"]["spec"]["tolerations"] = t.clone();
        }
    }
    if rt != "Deployment" {
        return;
    }
    if let Some(t) = values.get("type").and_then(Value::as_str)
        && let Some(s) = objs.iter_mut().find(|o| kind(o) == "Service" && name(o) == rn)
    {
        s["spec"]["type"] = json!(t);
    }
    if let Some(ports) = values.get("ports").filter(|p| p.is_array())
        && let Some(s) = objs.iter_mut().find(|o| kind(o) == "Service" && name(o) == rn)
    {
        s["spec"]["ports"] = ports.clone();
    }
    // Autoscaling: HPA with min/max when autoscaleEnabled and both bounds are set; the
    // Deployment then carries no replicas.
    let hpa_idx = objs
        .iter()
        .position(|o| kind(o) == "HorizontalPodAutoscaler" && name(o) == rn);
    let tmpl_hpa = hpa_idx.map(|i| objs[i].clone());
    let auto_on = values
        .get("autoscaleEnabled")
        .and_then(Value::as_bool)
        .unwrap_or(tmpl_hpa.is_some());
    let num = |v: Option<&Value>| v.and_then(Value::as_i64);
    let min = num(values.get("autoscaleMin"))
        .or_else(|| {
            tmpl_hpa
                .as_ref()
                .and_then(|h| num(h.pointer("/spec/minReplicas")))
        })
        .unwrap_or(1);
    let max = num(values.get("autoscaleMax"))
        .or_else(|| {
            tmpl_hpa
                .as_ref()
                .and_then(|h| num(h.pointer("/spec/maxReplicas")))
        })
        .unwrap_or(5);
    let tmpl_replicas = num(objs[idx].pointer("/spec/replicas")).unwrap_or(1);
    let replicas = num(values.get("replicaCount")).unwrap_or(tmpl_replicas);
    let hpa_on = auto_on && min > 0 && max > 0;
    match (hpa_on, hpa_idx) {
        (true, Some(i)) => {
            objs[i]["spec"]["minReplicas"] = json!(min);
            objs[i]["spec"]["maxReplicas"] = json!(max);
        }
        (true, None) => {
            let mut h = hpa_template(ctx, comp, &rn);
            h["spec"]["minReplicas"] = json!(min);
            h["spec"]["maxReplicas"] = json!(max);
            objs.push(h);
        }
        (false, Some(i)) => {
            objs.remove(i);
        }
        (false, None) => {}
    }
    let idx = objs
        .iter()
        .position(|o| kind(o) == rt && name(o) == rn)
        .unwrap_or(0);
    if auto_on {
        if let Some(s) = objs[idx]["spec"].as_object_mut() {
            s.remove("replicas");
        }
    } else {
        objs[idx]["spec"]["replicas"] = json!(replicas);
    }
    // PodDisruptionBudget: 1.24 always (global.defaultPodDisruptionBudget.enabled); later
    // charts only with more than one replica (the kubernetes/kubernetes#93476 workaround).
    let pdb_enabled = ctx
        .cfg
        .get("values.global.defaultPodDisruptionBudget.enabled")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let many = if auto_on { min > 1 } else { replicas > 1 };
    let want_pdb = pdb_enabled && (ctx.release == "1.24.0" || many);
    let pdb_idx = objs
        .iter()
        .position(|o| kind(o) == "PodDisruptionBudget" && name(o) == rn);
    match (want_pdb, pdb_idx) {
        (true, None) => {
            let pdb = pdb_for(ctx, comp, &objs[idx], objs);
            objs.push(pdb);
        }
        (false, Some(i)) => {
            objs.remove(i);
        }
        _ => {}
    }
}

fn hpa_template(ctx: &Ctx<'_>, comp: Comp, rn: &str) -> Value {
    let (_, tn, _) = comp.workload();
    let tn = if comp == Comp::Pilot {
        ctx.cfg.rev_name(tn)
    } else {
        tn.to_string()
    };
    for set in ["default", "canary", "egress"] {
        if let Some(h) = ctx
            .objects_of(set, comp)
            .into_iter()
            .find(|o| kind(o) == "HorizontalPodAutoscaler")
        {
            let mut h = if set == "canary" || ctx.cfg.is_default_revision() {
                h
            } else {
                relabel_revision(h, &ctx.cfg.revision)
            };
            rename_gateway(&mut h, &tn, rn);
            return h;
        }
    }
    json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": rn, "namespace": ctx.cfg.namespace, "labels": {}},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": rn}}})
}

/// poddisruptionbudget.yaml: the Deployment's labels, minAvailable 1, the chart's selector.
fn pdb_for(ctx: &Ctx<'_>, comp: Comp, deployment: &Value, objs: &[Value]) -> Value {
    let rn = name(deployment);
    let selector = if comp == Comp::Pilot {
        if ctx.cfg.is_default_revision() {
            json!({"app": "istiod", "istio": "pilot"})
        } else {
            json!({"app": "istiod", REV_LABEL: ctx.cfg.revision})
        }
    } else {
        objs.iter()
            .find(|o| kind(o) == "Service" && name(o) == rn)
            .and_then(|s| s.pointer("/spec/selector").cloned())
            .unwrap_or(json!({}))
    };
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {
            "name": rn,
            "namespace": deployment.pointer("/metadata/namespace").cloned().unwrap_or(json!(ctx.cfg.namespace)),
            "labels": deployment.pointer("/metadata/labels").cloned().unwrap_or(json!({})),
        },
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}}
    })
}

/// Renames a gateway's objects from the template name: every string except the `app` and
/// `app.kubernetes.io/name` labels and certificate secret names, which the charts take from
/// the chart, not the gateway name (gateways/istio-ingress/templates/*.yaml).
fn rename_gateway(v: &mut Value, from: &str, to: &str) {
    if from == to {
        return;
    }
    fn walk(v: &mut Value, from: &str, to: &str, key: &str) {
        match v {
            Value::String(s)
                if !matches!(key, "app" | "app.kubernetes.io/name" | "secretName") && s.contains(from) =>
            {
                *s = s.replace(from, to);
            }
            Value::String(_) => {}
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, from, to, key)),
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    walk(x, from, to, k);
                }
            }
            _ => {}
        }
    }
    walk(v, from, to, "");
}

/// Every enabled gateway of `components.<key>`, each from the gateway template
/// (operator/pkg/render/manifest.go: applyComponentValuesToHelmValues sets the chart's
/// `name` and `labels` from the gateway spec; every gateway takes the chart defaults of
/// `values.gateways.istio-{ingress,egress}gateway`).
fn gateways(ctx: &Ctx<'_>, comp: Comp, key: &str, fallback: &'static str) -> Vec<Value> {
    let cfg = ctx.cfg;
    let (_, tmpl_name, _) = comp.workload();
    let Some(Value::Array(list)) = cfg.get(&format!("components.{key}")).cloned() else {
        return Vec::new();
    };
    let alt = cfg
        .get(&format!("values.gateways.{tmpl_name}.enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let values = cfg
        .get(&format!("values.gateways.{tmpl_name}"))
        .cloned()
        .unwrap_or(json!({}));
    let template = ctx.template(comp, &[fallback, "default", "egress", "demo"]);
    let mut out = Vec::new();
    for gw in &list {
        if gw.get("enabled").and_then(Value::as_bool) == Some(false) && !alt {
            continue;
        }
        let gname = gw
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(tmpl_name)
            .to_string();
        let ns = gw
            .get("namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(&cfg.namespace)
            .to_string();
        let extra = gw
            .get("label")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut objs: Vec<Value> = template
            .iter()
            .map(|o| {
                let mut o = o.clone();
                rename_gateway(&mut o, tmpl_name, &gname);
                if !extra.is_empty() {
                    // The gateway label set is the chart's (app, istio) plus `label`.
                    label_maps(&mut o, &mut |m| {
                        if m.contains_key("istio") {
                            for (k, v) in &extra {
                                m.insert(k.clone(), v.clone());
                            }
                        }
                    });
                }
                if ns != cfg.namespace {
                    move_namespace(&mut o, &ns);
                }
                if ns != FIXTURE_NS {
                    // deployment.yaml: `{{- if eq .Release.Namespace "istio-system"}}` heritage,
                    // chart and release pod labels.
                    if let Some(Value::Object(m)) = o.pointer_mut("/spec/template/metadata/labels") {
                        for k in ["heritage", "chart", "release"] {
                            m.remove(k);
                        }
                    }
                }
                o
            })
            .collect();
        // k8s.service.ports become the chart's `ports` value (manifest.go).
        let mut values = values.clone();
        if let Some(p) = gw
            .pointer("/k8s/service/ports")
            .filter(|p| p.as_array().is_some_and(|a| !a.is_empty()))
        {
            values["ports"] = p.clone();
        }
        apply_workload_values(ctx, comp, &mut objs, &values, &gname);
        let mut spec = gw.clone();
        spec["name"] = json!(gname);
        out.extend(finish(ctx, comp, &spec, objs).objects);
    }
    out
}

/// operator/pkg/render/postprocess.go: the `k8s` block as strategic merge patches on the
/// component's workload (kind ResourceType, name ResourceName / gateway name / istiod-<rev>),
/// its HPA, PDB and Service.
fn post_process(comp: Comp, spec: &Value, objs: &mut [Value], rt: &str, rn: &str, cn: &str) {
    let Some(k8s) = spec.get("k8s").filter(|k| k.is_object()) else {
        return;
    };
    let pod = |x: Value| json!({"spec": {"template": {"spec": x}}});
    let ctr = |key: &str, v: &Value| pod(json!({"containers": [{"name": cn, key: v}]}));
    let gateway = matches!(comp, Comp::IngressGateways | Comp::EgressGateways);
    for (field, v) in k8s.as_object().into_iter().flatten() {
        let (target, patch) = match field.as_str() {
            "affinity" => (rt, pod(json!({"affinity": v}))),
            "env" => (rt, ctr("env", v)),
            "hpaSpec" => ("HorizontalPodAutoscaler", json!({"spec": v})),
            "imagePullPolicy" => (rt, ctr("imagePullPolicy", v)),
            "nodeSelector" => (rt, pod(json!({"nodeSelector": v}))),
            "podDisruptionBudget" => ("PodDisruptionBudget", json!({"spec": v})),
            "podAnnotations" => (
                rt,
                json!({"spec": {"template": {"metadata": {"annotations": v}}}}),
            ),
            "priorityClassName" => (rt, pod(json!({"priorityClassName": v}))),
            "readinessProbe" => (rt, ctr("readinessProbe", v)),
            "replicaCount" => (rt, json!({"spec": {"replicas": v}})),
            "resources" => (rt, ctr("resources", v)),
            "strategy" => (rt, json!({"spec": {"strategy": v}})),
            "tolerations" => (rt, pod(json!({"tolerations": v}))),
            "serviceAnnotations" => ("Service", json!({"metadata": {"annotations": v}})),
            "service" => {
                let mut v = v.clone();
                if gateway && let Some(m) = v.as_object_mut() {
                    // Gateway ports went in as helm values.
                    m.remove("ports");
                }
                ("Service", json!({"spec": v}))
            }
            "securityContext" => (rt, pod(json!({"securityContext": v}))),
            _ => continue,
        };
        for o in objs.iter_mut() {
            if kind(o) == target && name(o) == rn {
                smp::patch(o, &patch);
                if field == "podDisruptionBudget"
                    && o.pointer("/spec/maxUnavailable").is_some()
                    && let Some(s) = o["spec"].as_object_mut()
                {
                    // postProcessPodDisruptionBudget: maxUnavailable wins.
                    s.remove("minAvailable");
                }
            }
        }
    }
}

/// What istioctl applies after the components for the default revision tag
/// (operator/pkg/webhook/webhook.go: WebhooksToDeploy; istioctl/pkg/tag/generate.go): the
/// `istio-revision-tag-default` webhook, `istiod-default-validator`, and (1.25+) the tag
/// Service, labelled like the canonical injector plus `owning-resource-not-pruned`.
pub fn tag_objects(cfg: &IstioConfig) -> Vec<Value> {
    let ctx = Ctx::new(cfg);
    let mut objs = tag_templates(&ctx);
    if objs.is_empty() {
        // A 1.24 revision never needs a tag on its own install, so its fixture has none: use
        // the default one, pointed at this revision.
        objs = fixtures::objects(ctx.release, "default")
            .iter()
            .filter(|o| label_of(o, NOT_PRUNED_LABEL).is_some())
            .map(|o| ctx.rewrite(o, "default"))
            .map(|o| relabel_revision(o, &cfg.revision))
            .collect();
        for o in &mut objs {
            for hook in o
                .get_mut("webhooks")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(svc) = hook.pointer_mut("/clientConfig/service/name") {
                    *svc = json!(cfg.rev_name("istiod"));
                }
            }
        }
    }
    let labels = owner_labels(cfg, Some(Comp::Pilot));
    for o in &mut objs {
        add_labels(o, &labels);
        namespace_rules(&ctx, o);
    }
    objs
}

/// The label selector of MutatingWebhookConfigurations whose existence means "a previous
/// install exists" (istioctl/pkg/tag/util.go: PreviousInstallExists).
pub fn previous_install_selector(cfg: &IstioConfig) -> &'static [(&'static str, &'static str)] {
    if fixtures::release_for(&cfg.version) == "1.24.0" {
        &[("app", "sidecar-injector")]
    } else {
        &[("app", "sidecar-injector"), (TAG_LABEL, "default")]
    }
}

/// Everything `manifest generate` prints (the install objects in order).
pub fn all_objects(cfg: &IstioConfig) -> Vec<Value> {
    build(cfg).into_iter().flat_map(|c| c.objects).collect()
}

/// Objects real istiod creates once running; created by the stand-in at install time so they
/// exist (and are left behind by uninstall, like in reality): `istio-ca-root-cert` in every
/// namespace, the CA secret, the leader-election ConfigMaps and the per-revision gateway
/// deployment Lease (pilot/pkg/leaderelection/leaderelection.go). No component label.
pub fn runtime_objects(cfg: &IstioConfig, namespaces: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let meta = |name: &str, ns: &str, labels: Value| json!({"name": name, "namespace": ns, "labels": labels});
    for ns in namespaces {
        out.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": meta("istio-ca-root-cert", ns, json!({"istio.io/config": "true"})),
            "data": {"root-cert.pem": FAKE_ROOT_CERT}}));
    }
    for name in [
        "istio-leader",
        "istio-namespace-controller-election",
        "istio-gateway-status-leader",
    ] {
        out.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, &cfg.namespace, json!({})), "data": {}}));
    }
    out.push(json!({"apiVersion": "v1", "kind": "Secret", "type": "istio.io/ca-root",
        "metadata": meta("istio-ca-secret", &cfg.namespace, json!({})),
        "data": {"ca-cert.pem": "", "ca-key.pem": "", "cert-chain.pem": "", "key.pem": "", "root-cert.pem": ""}}));
    out.push(json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": meta(&format!("istio-gateway-deployment-{}", cfg.revision), &cfg.namespace, json!({})),
        "spec": {"holderIdentity": format!("{}-stand-in", cfg.rev_name("istiod"))}}));
    out
}

pub const FAKE_ROOT_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIC/DCCAeSgAwIBAgIQ (istioctl stand-in fake root certificate)\n-----END CERTIFICATE-----\n";

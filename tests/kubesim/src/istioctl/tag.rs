//! `istioctl tag set|generate|list|remove` (istioctl/pkg/tag/tag.go, generate.go, util.go).
//! The objects are what real istioctl renders from its own charts
//! (manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml,
//! revision-tags-svc.yaml, base's istiod-default-validator): the stand-in takes them from the
//! fixture of its own release (via `manifest::tag_objects`) and re-targets them at the tag.
use serde_json::{Map, Value, json};

use super::args::{Global, TagAction, TagOpts};
use super::kube::{self, Cluster};
use super::manifest::{self, REV_LABEL, TAG_LABEL, label_of};
use super::{Failure, config, faults, prompt};

const MWC: (&str, &str) = ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration");
const VWC: (&str, &str) = (
    "admissionregistration.k8s.io/v1",
    "ValidatingWebhookConfiguration",
);
const DEFAULT: &str = "default";
/// generate.go: istioInjectionWebhookSuffix.
const INJECTION_SUFFIX: &str = "sidecar-injector.istio.io";
/// generate.go: operatorNamespace — labels containing it are dropped from user-managed tags.
const OPERATOR_NS: &str = "operator.istio.io";

pub async fn run(global: &Global, opts: &TagOpts) -> Result<(), Failure> {
    let cluster = kube::connect(global)
        .await
        .map_err(|e| Failure::msg(format!("failed to create Kubernetes client: {e}")))?;
    let ns = global.istio_namespace.as_deref().unwrap_or("istio-system");
    match opts.action {
        TagAction::Set | TagAction::Generate => set(&cluster, opts, ns).await,
        TagAction::List => list(&cluster, opts, ns).await,
        TagAction::Remove => remove(&cluster, opts, ns).await,
    }
}

/// True from 1.25 on (the releases whose tags have a Service; util.go's Service lookups).
fn has_services() -> bool {
    manifest::fixtures::release_for(&faults::version()) != "1.24.0"
}

fn labels(o: &Value) -> Map<String, Value> {
    o.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

async fn all(cluster: &Cluster, kind: (&str, &str), ns: &str) -> Result<Vec<Value>, Failure> {
    cluster
        .list(kind.0, kind.1, ns)
        .await
        .map_err(|e| Failure::msg(format!("failed to retrieve revision tags: {e}")))
}

/// util.go: GetWebhooksWithRevision (`istio.io/rev=REV,!istio.io/tag`).
pub(super) fn canonical<'a>(hooks: &'a [Value], rev: &str) -> Vec<&'a Value> {
    hooks
        .iter()
        .filter(|h| label_of(h, REV_LABEL) == Some(rev) && label_of(h, TAG_LABEL).is_none())
        .collect()
}

/// util.go: GetWebhooksWithTag / GetServicesWithTag (`istio.io/tag=TAG`).
fn tagged<'a>(objs: &'a [Value], tag: &str) -> Vec<&'a Value> {
    objs.iter()
        .filter(|o| label_of(o, TAG_LABEL) == Some(tag))
        .collect()
}

/// util.go: GetServicesWithRevision (`istio.io/rev=REV,!istio.io/tag,app=istiod`).
fn revision_services<'a>(services: &'a [Value], rev: &str) -> Vec<&'a Value> {
    services
        .iter()
        .filter(|s| {
            label_of(s, REV_LABEL) == Some(rev)
                && label_of(s, TAG_LABEL).is_none()
                && label_of(s, "app") == Some("istiod")
        })
        .collect()
}

/// generate.go: Generate's checks, in its order: the tag must not be a revision's name
/// (unless `--overwrite`, `generate` or the tag `default`), the revision must exist once, the
/// tag must not exist (unless `--overwrite`). Returns the revision's canonical webhook.
fn check(opts: &TagOpts, hooks: &[Value], services: &[Value]) -> Result<Value, Failure> {
    let generate = opts.action == TagAction::Generate;
    let svc = has_services();
    if !generate && !opts.overwrite && opts.tag != DEFAULT {
        let clash = !canonical(hooks, &opts.tag).is_empty()
            || (svc && !revision_services(services, &opts.tag).is_empty());
        if clash {
            return Err(Failure::msg(format!(
                "cannot create revision tag {:?}: found existing control plane revision with same name",
                opts.tag
            )));
        }
    }
    let rev = &opts.revision;
    let rev_hooks = canonical(hooks, rev);
    let rev_svcs = if svc {
        revision_services(services, rev)
    } else {
        Vec::new()
    };
    let (what, whats) = if svc {
        ("MutatingWebhookConfiguration or Service", "webhooks or services")
    } else {
        ("MutatingWebhookConfiguration", "webhooks")
    };
    if rev_svcs.len() > 1 || rev_hooks.len() > 1 {
        return Err(Failure::msg(format!(
            "cannot modify tag: found multiple canonical {whats} with revision {rev:?}"
        )));
    }
    let Some(hook) = rev_hooks.first() else {
        return Err(Failure::msg(format!(
            "cannot modify tag: cannot find {what} with revision {rev:?}"
        )));
    };
    if !opts.overwrite
        && (!tagged(hooks, &opts.tag).is_empty() || (svc && !tagged(services, &opts.tag).is_empty()))
    {
        return Err(Failure::msg(format!(
            "revision tag {:?} already exists, and --overwrite is false",
            opts.tag
        )));
    }
    Ok((*hook).clone())
}

/// tag.go: setTag — generate, then print (`generate`) or server-side apply as `istio-ci` and
/// print the "created" message.
async fn set(cluster: &Cluster, opts: &TagOpts, ns: &str) -> Result<(), Failure> {
    let hooks = all(cluster, MWC, "").await?;
    let services = if has_services() {
        all(cluster, ("v1", "Service"), ns).await?
    } else {
        Vec::new()
    };
    let canon = check(opts, &hooks, &services)?;
    let generate = opts.action == TagAction::Generate;
    if opts.tag == DEFAULT && !generate {
        deactivate_default(cluster, &hooks).await?;
    }
    let existing_vwc = cluster
        .get(VWC.0, VWC.1, "", "istiod-default-validator")
        .await
        .ok()
        .flatten();
    let objs = render(opts, ns, &canon, existing_vwc.as_ref())?;
    if generate {
        let docs: Vec<String> = objs
            .iter()
            .map(|o| {
                let o = as_go_serializes(o);
                serde_saphyr::to_string(&o).unwrap_or_else(|_| o.to_string())
            })
            .collect();
        out!("{}", docs.join("\n---\n"));
        return Ok(());
    }
    for o in &objs {
        cluster.apply_as(o, "istio-ci").await.map_err(|e| {
            Failure::msg(format!(
                "failed to apply tag webhook MutatingWebhookConfiguration to cluster: failed to apply tag manifests to cluster: patch: {e}"
            ))
        })?;
    }
    out!(
        "Revision tag {:?} created, referencing control plane revision {:?}. To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev={}'\n",
        opts.tag,
        opts.revision,
        opts.tag
    );
    Ok(())
}

/// What the typed k8s YAML serializer generate.go uses prints: keys sorted (it goes through
/// JSON and sigs.k8s.io/yaml), `metadata.creationTimestamp: null`, a Service's empty status.
fn as_go_serializes(o: &Value) -> Value {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    let mut o = o.clone();
    o["metadata"]["creationTimestamp"] = Value::Null;
    if o["kind"] == "Service" {
        o["status"] = json!({"loadBalancer": {}});
    }
    sorted(&o)
}

/// util.go: DeactivateIstioInjectionWebhook — the canonical webhook of revision `default`
/// (if exactly one) gets never-matching selectors (istioctl/pkg/util: NeverMatch).
pub async fn deactivate_default(cluster: &Cluster, hooks: &[Value]) -> Result<(), Failure> {
    let defaults = canonical(hooks, DEFAULT);
    if defaults.len() > 1 {
        return Err(Failure::msg(
            "failed deactivating existing default revision: expected a single webhook for default revision",
        ));
    }
    for d in defaults {
        let mut d = d.clone();
        if let Some(Value::Array(ws)) = d.get_mut("webhooks") {
            for w in ws {
                let never = json!({"matchLabels": {"istio.io/deactivated": "never-match"}});
                w["namespaceSelector"] = never.clone();
                w["objectSelector"] = never;
            }
        }
        if let Some(m) = d["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
        cluster
            .replace(&d)
            .await
            .map_err(|e| Failure::msg(format!("failed deactivating existing default revision: {e}")))?;
    }
    Ok(())
}

/// fixWhConfig: validator webhooks already at `Fail` (set by istiod) keep it (the policy is
/// left out, and the API server defaults it to Fail); others keep their current policy.
pub fn keep_failure_policy(vwc: &mut Value, existing: &Value) {
    let current: Vec<(Value, Option<Value>)> = existing
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| Some((w.get("name")?.clone(), w.get("failurePolicy").cloned())))
        .collect();
    for w in vwc
        .get_mut("webhooks")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let Some((_, policy)) = current.iter().find(|(n, _)| Some(n) == w.get("name")) else {
            continue;
        };
        match policy {
            Some(p) if p != "Fail" => w["failurePolicy"] = p.clone(),
            _ => {
                if let Some(m) = w.as_object_mut() {
                    m.remove("failurePolicy");
                }
            }
        }
    }
}

/// The injection settings of the canonical webhook (tagWebhookConfigFromCanonicalWebhook):
/// its first `*sidecar-injector.istio.io` webhook's client config and reinvocation policy,
/// and its labels without `app`.
struct Canon {
    client: Value,
    reinvocation: Option<Value>,
    labels: Map<String, Value>,
    annotations: Option<Value>,
}

fn canon_of(hook: &Value) -> Result<Canon, Failure> {
    let name = hook
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let w = hook
        .get("webhooks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|w| w.get("name").and_then(Value::as_str).is_some_and(|n| n.ends_with(INJECTION_SUFFIX)))
        .ok_or_else(|| {
            Failure::msg(format!(
                "failed to create tag webhook config: could not find sidecar-injector webhook in canonical webhook {name:?}"
            ))
        })?;
    let mut labels = labels(hook);
    labels.remove("app");
    Ok(Canon {
        client: w.get("clientConfig").cloned().unwrap_or_else(|| json!({})),
        reinvocation: w.get("reinvocationPolicy").cloned(),
        labels,
        annotations: hook.pointer("/metadata/annotations").cloned(),
    })
}

/// generate.go: generateLabels with UserManaged — template labels, then the canonical
/// webhook's, then every label containing `operator.istio.io` removed.
fn user_labels(o: &mut Value, extra: &Map<String, Value>) {
    let mut l = labels(o);
    l.extend(extra.clone());
    l.retain(|k, _| !k.contains(OPERATOR_NS));
    o["metadata"]["labels"] = Value::Object(l);
}

/// The tag's objects: the MutatingWebhookConfiguration, for `default` the validator, and
/// (1.25+) the Service, rendered for the revision and re-targeted at the tag.
fn render(
    opts: &TagOpts,
    ns: &str,
    canon_hook: &Value,
    existing_vwc: Option<&Value>,
) -> Result<Vec<Value>, Failure> {
    let canon = canon_of(canon_hook)?;
    let rev = (opts.revision != DEFAULT).then_some(opts.revision.as_str());
    let sets = [format!("values.global.istioNamespace={ns}")];
    let cfg = config::resolve(&[], &sets, rev, None, &faults::version())
        .map_err(|e| Failure::msg(format!("failed to create tag webhook: {e}")))?;
    let mut out = Vec::new();
    for mut o in manifest::tag_objects(&cfg) {
        let kind = o.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
        o["metadata"]["labels"][TAG_LABEL] = json!(opts.tag);
        match kind.as_str() {
            "MutatingWebhookConfiguration" => {
                retarget_webhook(&mut o, opts, ns, &canon);
                user_labels(&mut o, &canon.labels);
                if let Some(a) = &canon.annotations {
                    o["metadata"]["annotations"] = a.clone();
                }
                out.insert(0, o);
            }
            "ValidatingWebhookConfiguration" if opts.tag == DEFAULT => {
                user_labels(&mut o, &canon.labels);
                if let Some(ex) = existing_vwc {
                    keep_failure_policy(&mut o, ex);
                }
                out.push(o);
            }
            "Service" => {
                o["metadata"]["name"] = json!(format!("istiod-revision-tag-{}", opts.tag));
                user_labels(&mut o, &Map::new());
                out.push(o);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// revision-tags-mwc.yaml for `revisionTags: [TAG]`: `rev.namespace.`/`rev.object.` select the
/// tag; only the tag `default` also has `namespace.` (istio-injection=enabled) and `object.`,
/// and with `--auto-inject-namespaces` `auto.`. The client config is the canonical webhook's
/// service name and path (generateMutatingWebhook).
fn retarget_webhook(o: &mut Value, opts: &TagOpts, ns: &str, canon: &Canon) {
    let base = if ns == "istio-system" {
        format!("istio-revision-tag-{}", opts.tag)
    } else {
        format!("istio-revision-tag-{}-{ns}", opts.tag)
    };
    o["metadata"]["name"] = json!(opts.webhook_name.clone().unwrap_or(base));
    let tag = json!([opts.tag]);
    let Some(hooks) = o.get_mut("webhooks").and_then(Value::as_array_mut) else {
        return;
    };
    let default_only = ["namespace.", "object.", "auto."];
    hooks.retain(|w| {
        let n = w.get("name").and_then(Value::as_str).unwrap_or("");
        opts.tag == DEFAULT || !default_only.iter().any(|p| n.starts_with(p))
    });
    if opts.tag == DEFAULT && !opts.auto_inject_namespaces {
        hooks.retain(|w| {
            !w.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .starts_with("auto.")
        });
    }
    if opts.tag == DEFAULT
        && opts.auto_inject_namespaces
        && !hooks
            .iter()
            .any(|w| w["name"] == "auto.sidecar-injector.istio.io")
    {
        let mut auto = hooks[0].clone();
        auto["name"] = json!("auto.sidecar-injector.istio.io");
        auto["namespaceSelector"] = json!({"matchExpressions": [
            {"key": "istio-injection", "operator": "DoesNotExist"},
            {"key": "istio.io/rev", "operator": "DoesNotExist"},
            {"key": "kubernetes.io/metadata.name", "operator": "NotIn",
             "values": ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]}]});
        auto["objectSelector"] = json!({"matchExpressions": [
            {"key": "sidecar.istio.io/inject", "operator": "DoesNotExist"},
            {"key": "istio.io/rev", "operator": "DoesNotExist"}]});
        hooks.push(auto);
    }
    for w in hooks.iter_mut() {
        let n = w.get("name").and_then(Value::as_str).unwrap_or("").to_string();
        if n == "rev.namespace.sidecar-injector.istio.io" {
            w["namespaceSelector"]["matchExpressions"][0]["values"] = tag.clone();
        } else if n == "rev.object.sidecar-injector.istio.io" {
            w["objectSelector"]["matchExpressions"][1]["values"] = tag.clone();
        }
        if let Some(svc) = canon.client.get("service") {
            w["clientConfig"]["service"]["name"] = svc.get("name").cloned().unwrap_or(json!("istiod"));
            w["clientConfig"]["service"]["namespace"] = json!(ns);
            if let Some(p) = svc.get("path") {
                w["clientConfig"]["service"]["path"] = p.clone();
            }
        }
        if let Some(ca) = canon.client.get("caBundle") {
            w["clientConfig"]["caBundle"] = ca.clone();
        }
        if let Some(r) = &canon.reinvocation {
            w["reinvocationPolicy"] = r.clone();
        }
    }
}

/// util.go: GetNamespacesWithTag (`istio.io/rev=TAG` on the namespace), in list order.
async fn namespaces_with(cluster: &Cluster, tag: &str) -> Result<Vec<String>, Failure> {
    let nss = cluster
        .list("v1", "Namespace", "")
        .await
        .map_err(|_| Failure::msg(format!("failed to retrieve namespaces dependent on tag {tag:?}")))?;
    Ok(nss
        .iter()
        .filter(|n| label_of(n, REV_LABEL) == Some(tag))
        .filter_map(|n| {
            n.pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect())
}

/// tag.go: listTags — (tag, revision) of every MutatingWebhookConfiguration with `istio.io/rev`
/// and (1.25+) every Service with it in the Istio namespace; a revision's untagged entry is
/// dropped when it has a tag; sorted by revision, then tag.
async fn list(cluster: &Cluster, opts: &TagOpts, ns: &str) -> Result<(), Failure> {
    let mut objs = all(cluster, MWC, "").await?;
    let svc = has_services();
    if svc {
        objs.extend(all(cluster, ("v1", "Service"), ns).await?);
    }
    let mut pairs: Vec<(String, String)> = objs
        .iter()
        .filter_map(|o| {
            let rev = label_of(o, REV_LABEL)?;
            Some((rev.to_string(), label_of(o, TAG_LABEL).unwrap_or("").to_string()))
        })
        .collect();
    pairs.sort();
    pairs.dedup();
    if pairs.is_empty() {
        let none = if svc {
            "No Istio revision tags found."
        } else {
            "No Istio revision tag MutatingWebhookConfigurations to list"
        };
        outln!("{none}");
        return Ok(());
    }
    let tagged_revs: Vec<String> = pairs
        .iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(r, _)| r.clone())
        .collect();
    pairs.retain(|(r, t)| !t.is_empty() || !tagged_revs.contains(r));
    let mut rows = Vec::new();
    for (rev, tag) in &pairs {
        rows.push(json!({"tag": tag, "revision": rev, "namespaces": namespaces_with(cluster, tag).await?}));
    }
    match opts.output.as_str() {
        "json" | "yaml" => print_json_yaml(&rows, &opts.output),
        "table" => {
            print_table(&rows);
            Ok(())
        }
        other => Err(Failure::msg(format!("unknown format: {other}"))),
    }
}

/// printJSONYAML: `json.MarshalIndent(res, "", "\t")` (fields tag, revision, namespaces), or
/// that converted to YAML; then a newline.
fn print_json_yaml(rows: &[Value], format: &str) -> Result<(), Failure> {
    if format == "json" {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        serde::Serialize::serialize(&rows, &mut ser)
            .map_err(|e| Failure::msg(format!("error while marshaling to JSON: {e}")))?;
        outln!("{}", String::from_utf8_lossy(&buf));
    } else {
        // sigs.k8s.io/yaml JSONToYAML goes through a Go map: keys come out sorted.
        let sorted: Vec<Value> = rows
            .iter()
            .map(|r| json!({"namespaces": r["namespaces"], "revision": r["revision"], "tag": r["tag"]}))
            .collect();
        let y = serde_saphyr::to_string(&sorted)
            .map_err(|e| Failure::msg(format!("error while marshaling to YAML: {e}")))?;
        outln!("{y}");
    }
    Ok(())
}

/// text/tabwriter with minwidth 0, padding 1, pad ' ': every column but the last is as wide
/// as its widest cell plus one.
fn print_table(rows: &[Value]) {
    let cell = |r: &Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    let mut lines = vec![(
        "TAG".to_string(),
        "REVISION".to_string(),
        "NAMESPACES".to_string(),
    )];
    for r in rows {
        let nss: Vec<&str> = r["namespaces"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        lines.push((cell(r, "tag"), cell(r, "revision"), nss.join(",")));
    }
    let w0 = lines.iter().map(|l| l.0.chars().count()).max().unwrap_or(0) + 1;
    let w1 = lines.iter().map(|l| l.1.chars().count()).max().unwrap_or(0) + 1;
    for (a, b, c) in lines {
        outln!("{a:<w0$}{b:<w1$}{c}");
    }
}

/// tag.go: removeTag — the tag's webhooks (and 1.25+ Services in the Istio namespace) must
/// exist; namespaces still using it need a `[y/N]` confirmation unless `-y`.
async fn remove(cluster: &Cluster, opts: &TagOpts, ns: &str) -> Result<(), Failure> {
    let svc = has_services();
    let services = if svc {
        all(cluster, ("v1", "Service"), ns).await?
    } else {
        Vec::new()
    };
    let hooks = all(cluster, MWC, "").await?;
    let (hooks, services) = (tagged(&hooks, &opts.tag), tagged(&services, &opts.tag));
    if hooks.is_empty() && services.is_empty() {
        let what = if svc {
            "MutatingWebhookConfiguration or Service"
        } else {
            "MutatingWebhookConfiguration"
        };
        return Err(Failure::msg(format!(
            "cannot remove tag {:?}: cannot find {what} for tag",
            opts.tag
        )));
    }
    let users = namespaces_with(cluster, &opts.tag).await?;
    if !users.is_empty() && !opts.skip_confirmation {
        let question = format!(
            "Caution, found {} namespace(s) still injected by tag {:?}: {}\nProceed with operation? [y/N]",
            users.len(),
            opts.tag,
            users.join(" ")
        );
        if !prompt::confirm(&question) {
            outln!("Aborting operation.");
            return Ok(());
        }
    }
    for h in hooks {
        cluster.delete(h).await.map_err(|e| {
            Failure::msg(format!(
                "failed to delete Istio revision tag MutatingConfigurationWebhook: {e}"
            ))
        })?;
    }
    for s in services {
        cluster
            .delete(s)
            .await
            .map_err(|e| Failure::msg(format!("failed to delete Istio revision tag Services: {e}")))?;
    }
    outln!("Revision tag {} removed", opts.tag);
    Ok(())
}

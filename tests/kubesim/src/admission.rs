//! Admission webhooks as kube-apiserver's dispatchers call them
//! (k8s.io/apiserver/pkg/admission/plugin/webhook/{mutating,validating}/dispatcher.go): every
//! webhook of every MutatingWebhookConfiguration (then ValidatingWebhookConfiguration) whose
//! `rules`, `namespaceSelector` and `objectSelector` match the request is "called". A call
//! reaches the webhook only when its `clientConfig.service` has a Ready endpoint; otherwise it
//! fails like the real one (`failed calling webhook "<name>": failed to call webhook: Post
//! "https://<svc>.<ns>.svc:443/<path>?timeout=10s": no endpoints available for service
//! "<svc>"`), which `failurePolicy: Fail` (the default) turns into a 500 InternalError and
//! `Ignore` into admitting the object unmodified. Reachable webhooks admit; Istio's injector
//! (path `/inject...`) injects the sidecar of its revision (see `inject`). `url` webhooks count
//! as unreachable (`connect: connection refused`) unless `SimBuilder::webhook_urls_reachable`.
use crate::resources::Resource;
use crate::status::{ApiError, ApiResult};
use crate::store::{Obj, Store};
use crate::util::{at, label, labels_of, namespace_of, str_at};
use serde_json::{Map, Value, json};

const GROUP: &str = "admissionregistration.k8s.io";

/// A request as the webhooks' rules see it.
struct Req<'a> {
    res: &'a Resource,
    version: &'a str,
    op: &'a str,
    sub: Option<&'a str>,
    obj: &'a Value,
    old: Option<&'a Value>,
}

fn configs(st: &Store, plural: &str) -> Vec<Obj> {
    let gr = (GROUP.to_string(), plural.to_string());
    // The table is sorted by name, the order the real dispatcher calls configurations in.
    st.iter_ns(&gr, None).map(|(_, o)| o.clone()).collect()
}

fn strs(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// One `rules[]` entry (RuleWithOperations) against the request.
fn rule_matches(rule: &Value, r: &Req) -> bool {
    let has = |key: &str, want: &str| {
        let vals = strs(rule.get(key));
        vals.contains(&"*") || vals.contains(&want)
    };
    if !has("operations", r.op) || !has("apiGroups", &r.res.group) || !has("apiVersions", r.version) {
        return false;
    }
    let resources = strs(rule.get("resources"));
    let resource_ok = resources.iter().any(|pat| {
        let (pr, ps) = pat.split_once('/').unwrap_or((pat, ""));
        let res_ok = pr == "*" || pr == r.res.plural;
        let sub_ok = match r.sub {
            None => ps.is_empty(),
            Some(s) => ps == "*" || ps == s,
        };
        res_ok && sub_ok
    });
    if !resource_ok {
        return false;
    }
    match str_at(rule, &["scope"]).unwrap_or("*") {
        "Cluster" => !r.res.namespaced,
        "Namespaced" => r.res.namespaced,
        _ => true,
    }
}

/// The labels `namespaceSelector` is evaluated against: the namespace's, the object's own for
/// a Namespace; `None` for other cluster-scoped objects (the selector does not apply).
fn namespace_labels(st: &Store, r: &Req) -> Option<Option<Map<String, Value>>> {
    if r.res.group.is_empty() && r.res.plural == "namespaces" {
        return Some(labels_of(r.obj).cloned());
    }
    if !r.res.namespaced {
        return None;
    }
    let ns = namespace_of(r.obj);
    Some(
        st.get("", "namespaces", "", ns)
            .and_then(|n| labels_of(&n).cloned()),
    )
}

fn webhook_matches(st: &Store, wh: &Value, r: &Req) -> bool {
    let rules = wh.get("rules").and_then(Value::as_array);
    if !rules.is_some_and(|rs| rs.iter().any(|rule| rule_matches(rule, r))) {
        return false;
    }
    if let Some(labels) = namespace_labels(st, r)
        && !crate::selector::matches_label_selector_obj(wh.get("namespaceSelector"), labels.as_ref())
    {
        return false;
    }
    // objectSelector: the new object's labels, or the old one's on update.
    let osel = wh.get("objectSelector");
    crate::selector::matches_label_selector_obj(osel, labels_of(r.obj))
        || r.old
            .is_some_and(|o| crate::selector::matches_label_selector_obj(osel, labels_of(o)))
}

/// Why calling a webhook fails, or `Ok` when its backend is reachable.
fn call(st: &Store, wh: &Value) -> Result<(), String> {
    if st.instant {
        // Seeded objects are a snapshot of a healthy cluster.
        return Ok(());
    }
    let timeout = at(wh, &["timeoutSeconds"]).and_then(Value::as_i64).unwrap_or(10);
    if let Some(svc) = at(wh, &["clientConfig", "service"]) {
        let name = str_at(svc, &["name"]).unwrap_or("");
        let ns = str_at(svc, &["namespace"]).unwrap_or("");
        let port = at(svc, &["port"]).and_then(Value::as_i64).unwrap_or(443);
        let path = str_at(svc, &["path"]).unwrap_or("");
        let post = format!("Post \"https://{name}.{ns}.svc:{port}{path}?timeout={timeout}s\"");
        if st.get("", "services", ns, name).is_none() {
            return Err(format!("{post}: service \"{name}\" not found"));
        }
        if !crate::endpoints::has_ready_endpoint(st, ns, name) {
            return Err(format!("{post}: no endpoints available for service \"{name}\""));
        }
        return Ok(());
    }
    let url = str_at(wh, &["clientConfig", "url"]).unwrap_or("");
    if st.config.webhook_urls_reachable {
        return Ok(());
    }
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or("");
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:443")
    };
    Err(format!(
        "Post \"{url}?timeout={timeout}s\": dial tcp {host}: connect: connection refused"
    ))
}

/// `apierrors.NewInternalError` of a failed call.
fn internal_error(msg: String) -> ApiError {
    let mut e = ApiError::new(500, "InternalError", format!("Internal error occurred: {msg}"));
    e.details = Some(Box::new(json!({"causes": [{"message": msg}]})));
    e
}

/// Calls the matching webhooks of one kind of configuration; `on_ok` sees each reachable
/// one with its configuration.
fn dispatch(st: &Store, plural: &str, r: &Req, mut on_ok: impl FnMut(&Value, &Value)) -> ApiResult<()> {
    // Webhook configurations themselves are never subject to webhooks
    // (IsExemptAdmissionConfigurationResource), or a broken webhook could not be removed.
    if r.res.group == GROUP {
        return Ok(());
    }
    for cfg in configs(st, plural) {
        let hooks = cfg.get("webhooks").and_then(Value::as_array);
        for wh in hooks.into_iter().flatten() {
            if !webhook_matches(st, wh, r) {
                continue;
            }
            match call(st, wh) {
                Ok(()) => on_ok(&cfg, wh),
                Err(reason) => {
                    if str_at(wh, &["failurePolicy"]) == Some("Ignore") {
                        continue;
                    }
                    let name = str_at(wh, &["name"]).unwrap_or("");
                    return Err(internal_error(format!(
                        "failed calling webhook \"{name}\": failed to call webhook: {reason}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The mutating phase. Pods created while an Istio injector webhook matches and is reachable
/// get the sidecar of that webhook's revision; the configuration-only shorthand (an injector
/// configuration with no webhooks, see `inject::inject`) still injects by name.
pub fn mutate(
    st: &Store,
    res: &Resource,
    version: &str,
    op: &str,
    sub: Option<&str>,
    obj: &mut Value,
    old: Option<&Value>,
) -> ApiResult<()> {
    let is_new_pod = res.group.is_empty() && res.plural == "pods" && op == "CREATE";
    let mut inject_rev: Option<String> = None;
    {
        let r = Req {
            res,
            version,
            op,
            sub,
            obj,
            old,
        };
        dispatch(st, "mutatingwebhookconfigurations", &r, |cfg, wh| {
            let path = str_at(wh, &["clientConfig", "service", "path"])
                .or_else(|| {
                    str_at(wh, &["clientConfig", "url"])
                        .and_then(|u| u.split("://").nth(1))
                        .and_then(|u| u.find('/').map(|i| &u[i..]))
                })
                .unwrap_or("");
            if is_new_pod && inject_rev.is_none() && path.starts_with("/inject") {
                inject_rev = Some(label(cfg, "istio.io/rev").unwrap_or("default").to_string());
            }
        })?;
    }
    if is_new_pod {
        if let Some(rev) = inject_rev {
            crate::inject::inject_revision(st, obj, &rev);
        }
        crate::inject::inject(st, obj);
    }
    Ok(())
}

/// The validating phase: matching webhooks must be reachable (or `failurePolicy: Ignore`);
/// reachable ones admit (Istio's validation is not simulated).
pub fn validate(
    st: &Store,
    res: &Resource,
    version: &str,
    op: &str,
    sub: Option<&str>,
    obj: &Value,
    old: Option<&Value>,
) -> ApiResult<()> {
    let r = Req {
        res,
        version,
        op,
        sub,
        obj,
        old,
    };
    dispatch(st, "validatingwebhookconfigurations", &r, |_, _| {})
}

//! The write verbs (create, update, patch, delete) with the metadata semantics of a real
//! API server (uid, resourceVersion, generation, creationTimestamp), admission in a real
//! server's order (namespace lifecycle, per-kind defaults and checks, mutating then validating
//! webhooks, see `admission`), dry runs (`Store::dry_run`), and deletion with finalizers,
//! graceful pods and Terminating namespaces (the garbage collector and namespace controller
//! that finish it are in `lifecycle`). Both the REST layer and the library's direct writes go
//! through here, followed by `controller::drain`.
use crate::patch;
use crate::resources::Resource;
use crate::status::{ApiError, ApiResult};
use crate::store::{Key, Obj, Store};
use crate::util::{name_of, namespace_of, new_uid, now_rfc3339, obj_at, str_at};
use serde_json::{Value, json};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    Merge,
    Strategic,
    Json,
    Apply,
}

impl PatchKind {
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let ct = ct.split(';').next().unwrap_or("").trim();
        Some(match ct {
            "application/merge-patch+json" => PatchKind::Merge,
            "application/strategic-merge-patch+json" => PatchKind::Strategic,
            "application/json-patch+json" => PatchKind::Json,
            "application/apply-patch+yaml" | "application/apply-patch+json" => PatchKind::Apply,
            _ => return None,
        })
    }
}

/// The NamespaceLifecycle admission plugin (k8s.io/apiserver/pkg/admission/plugin/
/// namespace/lifecycle): creating in a missing namespace is a 404, in a Terminating one a
/// 403 `unable to create new content in namespace <ns> because it is being terminated`.
fn require_namespace(st: &Store, res: &Resource, ns: &str, name: &str) -> ApiResult<()> {
    if !res.namespaced {
        return Ok(());
    }
    let Some(nso) = st.get("", "namespaces", "", ns) else {
        return Err(ApiError::not_found("namespaces", "", "namespaces", ns));
    };
    if deleting(&nso) {
        let msg = format!("unable to create new content in namespace {ns} because it is being terminated");
        let mut e = ApiError::new(
            403,
            "Forbidden",
            format!("{} \"{name}\" is forbidden: {msg}", res.qualified()),
        )
        .with_details(name, &res.group, &res.plural);
        if let Some(Value::Object(d)) = e.details.as_deref_mut() {
            d.insert(
                "causes".into(),
                json!([{"reason": "NamespaceTerminating", "message": msg, "field": "metadata.namespace"}]),
            );
        }
        return Err(e);
    }
    Ok(())
}

/// Whether an object is being deleted (has `metadata.deletionTimestamp`).
pub fn deleting(obj: &Value) -> bool {
    crate::util::at(obj, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
}

pub fn finalizers(obj: &Value) -> Vec<String> {
    crate::util::at(obj, &["metadata", "finalizers"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Creates an object. `url_ns` is the namespace of the request path ("" when cluster-scoped
/// or when the object names its own namespace).
pub fn create(st: &mut Store, res: &Resource, version: &str, url_ns: &str, mut obj: Value) -> ApiResult<Obj> {
    let writer = st.writer.take();
    if !obj.is_object() {
        return Err(ApiError::bad_request(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (expected a {} object)",
            res.kind
        )));
    }
    if let Some(k) = obj.get("kind").and_then(Value::as_str)
        && !k.is_empty()
        && k != res.kind
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({}) does not match the expected API version ({}) or kind {k} is not {}",
            str_at(&obj, &["apiVersion"]).unwrap_or(""),
            res.api_version(version),
            res.kind
        )));
    }
    obj["apiVersion"] = json!(res.api_version(version));
    obj["kind"] = json!(res.kind);
    let body_ns = namespace_of(&obj).to_string();
    let meta = obj_at(&mut obj, &["metadata"]);
    let ns = if res.namespaced {
        if !url_ns.is_empty() && !body_ns.is_empty() && body_ns != url_ns {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        let ns = if url_ns.is_empty() {
            body_ns
        } else {
            url_ns.to_string()
        };
        let ns = if ns.is_empty() { "default".to_string() } else { ns };
        meta.insert("namespace".into(), json!(ns));
        ns
    } else {
        meta.remove("namespace");
        String::new()
    };
    let mut name = meta.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    // Errors before the name is generated name the generateName prefix, as a real server's do.
    let shown_name = if name.is_empty() {
        meta.get("generateName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    } else {
        name.clone()
    };
    if name.is_empty() {
        match meta.get("generateName").and_then(Value::as_str) {
            Some(g) if !g.is_empty() => {
                name = format!("{g}{}", crate::util::random_suffix(5));
                meta.insert("name".into(), json!(name));
            }
            _ => {
                return Err(ApiError::invalid(
                    &res.kind,
                    &res.group,
                    "",
                    "metadata.name",
                    "Required value: name or generateName is required",
                ));
            }
        }
    }
    let label_only = res.plural == "namespaces" || res.plural == "services";
    if !(crate::util::valid_name(&name, label_only) || res.plural == "nodes" || res.crd) {
        let what = if label_only {
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
        } else {
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        };
        return Err(ApiError::invalid(
            &res.kind,
            &res.group,
            &name,
            "metadata.name",
            &format!("Invalid value: \"{name}\": {what}"),
        ));
    }
    meta.insert("uid".into(), json!(new_uid()));
    meta.insert("creationTimestamp".into(), json!(now_rfc3339()));
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    if res.generation {
        meta.insert("generation".into(), json!(1));
    } else {
        meta.remove("generation");
    }
    // The order of a real server: admission (namespace lifecycle, defaults, mutating then
    // validating webhooks) before the storage layer answers AlreadyExists.
    require_namespace(st, res, &ns, &shown_name)?;
    admit(st, res, &mut obj, None)?;
    if let Some(w) = &writer {
        match &w.applied {
            Some(applied) => crate::ssa::applied_create(st, res, w, applied, &mut obj),
            None => crate::ssa::updated(st, res, w, None, &mut obj),
        }
    }
    if res.group.is_empty() && res.plural == "pods" {
        crate::plugins::check_service_account(st, &obj, &ns, &shown_name)?;
    }
    crate::admission::mutate(st, res, version, "CREATE", None, &mut obj, None)?;
    crate::validate::object(res, &obj, None)?;
    crate::admission::validate(st, res, version, "CREATE", None, &obj, None)?;
    if st.get(&res.group, &res.plural, &ns, &name).is_some() {
        return Err(ApiError::already_exists(
            &res.qualified(),
            &res.group,
            &res.plural,
            &name,
        ));
    }
    if res.group.is_empty() && res.plural == "pods" {
        crate::controller::admit_new_pod(st, &mut obj);
    }
    if st.dry_run {
        return Ok(Arc::new(obj));
    }
    let stored = st.put(res, obj);
    after_write(st, res, &stored);
    if res.group.is_empty() && res.plural == "namespaces" {
        crate::plugins::namespace_content(st, &name);
    }
    Ok(stored)
}

/// Kind-specific defaults and validation before an object is stored.
fn admit(st: &mut Store, res: &Resource, obj: &mut Value, old: Option<&Value>) -> ApiResult<()> {
    crate::plugins::defaults(res, obj);
    match (res.group.as_str(), res.plural.as_str()) {
        ("", "namespaces") => {
            let name = name_of(obj).to_string();
            obj_at(obj, &["metadata", "labels"]).insert("kubernetes.io/metadata.name".into(), json!(name));
            obj_at(obj, &["spec"])
                .entry("finalizers")
                .or_insert(json!(["kubernetes"]));
            obj_at(obj, &["status"]).insert("phase".into(), json!("Active"));
        }
        ("", "pods") if old.is_none() => crate::controller::pod_defaults(obj),
        ("", "services") => admit_service(st, obj, old)?,
        ("", "secrets") => {
            // stringData is write-only: fold it into base64 data.
            if let Some(Value::Object(sd)) = obj.as_object_mut().and_then(|m| m.remove("stringData")) {
                use base64::Engine;
                let data = obj_at(obj, &["data"]);
                for (k, v) in sd {
                    let s = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
                    data.insert(k, json!(base64::engine::general_purpose::STANDARD.encode(s)));
                }
            }
        }
        ("", "nodes") => crate::seed::default_node_status(obj),
        ("apps", "deployments" | "statefulsets" | "replicasets") => {
            obj_at(obj, &["spec"]).entry("replicas").or_insert(json!(1));
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => {
            let r = crate::resources::from_crd(obj).map_err(|m| {
                ApiError::invalid(
                    &res.kind,
                    &res.group,
                    name_of(obj),
                    m.split(':').next().unwrap_or(""),
                    &m,
                )
            })?;
            if let Some(existing) = st.find_gr(&r.group, &r.plural)
                && !existing.crd
            {
                return Err(ApiError::invalid(
                    &res.kind,
                    &res.group,
                    name_of(obj),
                    "spec.names.plural",
                    "Invalid value: conflicts with a built-in resource",
                ));
            }
            let names = obj
                .get("spec")
                .and_then(|s| s.get("names"))
                .cloned()
                .unwrap_or(json!({}));
            let storage: Vec<Value> = obj
                .get("spec")
                .and_then(|s| s.get("versions"))
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                        .filter_map(|v| v.get("name").cloned())
                        .collect()
                })
                .unwrap_or_default();
            let now = now_rfc3339();
            obj["status"] = json!({
                "acceptedNames": names,
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
                    {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now}
                ],
                "storedVersions": storage,
            });
        }
        _ => {}
    }
    Ok(())
}

fn admit_service(st: &mut Store, obj: &mut Value, old: Option<&Value>) -> ApiResult<()> {
    if let Some(old) = old {
        crate::validate::normalize_service(obj, old);
    }
    let name = name_of(obj).to_string();
    let ns = namespace_of(obj).to_string();
    let ty = str_at(obj, &["spec", "type"]).unwrap_or("ClusterIP").to_string();
    let old_ip = old
        .and_then(|o| str_at(o, &["spec", "clusterIP"]))
        .map(str::to_string);
    let spec = obj_at(obj, &["spec"]);
    spec.entry("type").or_insert(json!("ClusterIP"));
    if spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        let ip = old_ip.unwrap_or_else(|| st.alloc_ip("10.96"));
        spec.insert("clusterIP".into(), json!(ip.clone()));
        spec.insert("clusterIPs".into(), json!([ip]));
    }
    if ty != "NodePort" && ty != "LoadBalancer" {
        return Ok(());
    }
    // Node ports are a cluster-wide resource: collisions are a 422, as on a real server.
    let mut taken = std::collections::HashSet::new();
    let gr = (String::new(), "services".to_string());
    for (k, svc) in st.iter_ns(&gr, None) {
        if k.0 == ns && k.1 == name {
            continue;
        }
        for p in svc
            .get("spec")
            .and_then(|s| s.get("ports"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = p.get("nodePort").and_then(Value::as_i64) {
                taken.insert(n);
            }
        }
    }
    let Some(Value::Array(ports)) = obj_at(obj, &["spec"]).get_mut("ports") else {
        return Ok(());
    };
    for (i, p) in ports.iter_mut().enumerate() {
        match p.get("nodePort").and_then(Value::as_i64) {
            Some(n) if taken.contains(&n) => {
                return Err(ApiError::invalid(
                    "Service",
                    "",
                    &name,
                    &format!("spec.ports[{i}].nodePort"),
                    &format!("Invalid value: {n}: provided port is already allocated"),
                ));
            }
            Some(n) if !(30000..=32767).contains(&n) => {
                return Err(ApiError::invalid(
                    "Service",
                    "",
                    &name,
                    &format!("spec.ports[{i}].nodePort"),
                    &format!(
                        "Invalid value: {n}: provided port is not in the valid range. The range of valid ports is 30000-32767"
                    ),
                ));
            }
            Some(n) => {
                taken.insert(n);
            }
            None => {
                let free = (30000..=32767i64).find(|n| !taken.contains(n)).unwrap_or(30000);
                taken.insert(free);
                if let Some(m) = p.as_object_mut() {
                    m.insert("nodePort".into(), json!(free));
                }
            }
        }
    }
    Ok(())
}

/// Side effects of a stored write that are part of the API server itself (not controllers).
fn after_write(st: &mut Store, res: &Resource, obj: &Obj) {
    if res.group == "apiextensions.k8s.io"
        && res.plural == "customresourcedefinitions"
        && let Ok(r) = crate::resources::from_crd(obj)
    {
        st.register(r);
    }
}

/// Whether anything but metadata and status differs (what bumps `generation`).
fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| {
        let mut m = v.as_object().cloned().unwrap_or_default();
        m.remove("metadata");
        m.remove("status");
        m
    };
    strip(old) != strip(new)
}

/// Stores `new` as the next version of `old`: keeps identity fields, bumps generation,
/// skips no-op writes (no new resourceVersion, as on a real server).
fn replace(st: &mut Store, res: &Resource, old: &Obj, mut new: Value, sub: Option<&str>) -> ApiResult<Obj> {
    if !new.is_object() {
        return Err(ApiError::bad_request("the body must be an object"));
    }
    let keep = |k: &str| old.get("metadata").and_then(|m| m.get(k)).cloned();
    {
        let meta = obj_at(&mut new, &["metadata"]);
        for k in [
            "uid",
            "creationTimestamp",
            "name",
            "namespace",
            "generation",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            match keep(k) {
                Some(v) => {
                    meta.insert(k.into(), v);
                }
                None => {
                    meta.remove(k);
                }
            }
        }
    }
    if let Some(m) = new.as_object_mut() {
        m.insert(
            "apiVersion".into(),
            old.get("apiVersion").cloned().unwrap_or(Value::Null),
        );
        m.insert("kind".into(), json!(res.kind));
    }
    match sub {
        Some("status") => {
            // Only status changes through /status.
            let status = new.get("status").cloned();
            let mut merged = (**old).clone();
            match status {
                Some(s) => merged["status"] = s,
                None => {
                    if let Some(m) = merged.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            new = merged;
        }
        _ if res.status_sub => match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        },
        _ => {}
    }
    // A write that leaves managedFields out keeps them (fieldmanager `decodeLiveOrNew`).
    if crate::util::at(&new, &["metadata", "managedFields"]).is_none()
        && let Some(f) = crate::util::at(old, &["metadata", "managedFields"])
    {
        obj_at(&mut new, &["metadata"]).insert("managedFields".into(), f.clone());
    }
    // Defaults first, as decoding applies them: a write that only omits defaulted fields
    // changes nothing.
    admit(st, res, &mut new, Some(old))?;
    // Field ownership of the request's writer (the first write of the request only).
    if let Some(w) = st.writer.take() {
        new = match &w.applied {
            Some(applied) => crate::ssa::apply(st, res, &w, old, applied, new)?,
            None => {
                crate::ssa::updated(st, res, &w, Some(old), &mut new);
                new
            }
        };
    }
    if res.generation && spec_changed(old, &new) {
        let g = old
            .get("metadata")
            .and_then(|m| m.get("generation"))
            .and_then(Value::as_i64)
            .unwrap_or(1);
        obj_at(&mut new, &["metadata"]).insert("generation".into(), json!(g + 1));
    }
    let version = str_at(old, &["apiVersion"])
        .and_then(|v| v.rsplit('/').next())
        .unwrap_or("v1")
        .to_string();
    crate::admission::mutate(st, res, &version, "UPDATE", sub, &mut new, Some(old))?;
    if sub.is_none() {
        crate::validate::object(res, &new, Some(old))?;
    }
    crate::admission::validate(st, res, &version, "UPDATE", sub, &new, Some(old))?;
    if deleting(old) {
        // ValidateObjectMetaUpdate: "no new finalizers can be added if the object is being
        // deleted".
        let had = finalizers(old);
        let added: Vec<String> = finalizers(&new)
            .into_iter()
            .filter(|f| !had.contains(f))
            .collect();
        if !added.is_empty() {
            return Err(ApiError::invalid(
                &res.kind,
                &res.group,
                name_of(old),
                "metadata.finalizers",
                &format!(
                    "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers {added:?}"
                ),
            ));
        }
    }
    // A no-op write keeps the resourceVersion.
    let mut cmp = new.clone();
    obj_at(&mut cmp, &["metadata"]).insert(
        "resourceVersion".into(),
        old.get("metadata")
            .and_then(|m| m.get("resourceVersion"))
            .cloned()
            .unwrap_or(Value::Null),
    );
    if cmp == **old {
        return Ok(old.clone());
    }
    if st.dry_run {
        return Ok(Arc::new(new));
    }
    // The last finalizer of an object being deleted is gone: the update deletes it (the
    // registry's ShouldDeleteDuringUpdate). Namespaces go through the namespace controller.
    if deleting(&new)
        && finalizers(&new).is_empty()
        && !(res.group.is_empty() && res.plural == "namespaces")
        && crate::util::at(&new, &["metadata", "deletionGracePeriodSeconds"])
            .and_then(Value::as_i64)
            .unwrap_or(0)
            == 0
    {
        let key: Key = (namespace_of(old).to_string(), name_of(old).to_string());
        if let Some(gone) = st.remove(res, &key) {
            after_delete(st, res, &gone);
            return Ok(gone);
        }
    }
    let stored = st.put(res, new);
    after_write(st, res, &stored);
    Ok(stored)
}

fn existing(st: &Store, res: &Resource, ns: &str, name: &str) -> ApiResult<Obj> {
    st.get(&res.group, &res.plural, ns, name)
        .ok_or_else(|| ApiError::not_found(&res.qualified(), &res.group, &res.plural, name))
}

fn rv_of(v: &Value) -> Option<&str> {
    str_at(v, &["metadata", "resourceVersion"]).filter(|s| !s.is_empty())
}

/// PUT: replaces an object; a stale `metadata.resourceVersion` is a 409 Conflict.
pub fn update(
    st: &mut Store,
    res: &Resource,
    ns: &str,
    name: &str,
    body: Value,
    sub: Option<&str>,
) -> ApiResult<Obj> {
    let old = existing(st, res, ns, name)?;
    let body_name = name_of(&body);
    if !body_name.is_empty() && body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    if let Some(rv) = rv_of(&body)
        && Some(rv) != rv_of(&old)
    {
        return Err(ApiError::conflict(
            &res.qualified(),
            &res.group,
            &res.plural,
            name,
        ));
    }
    replace(st, res, &old, body, sub)
}

/// PATCH in one of the four patch formats. Server-side apply creates missing objects.
#[allow(clippy::too_many_arguments)]
pub fn patch(
    st: &mut Store,
    res: &Resource,
    version: &str,
    ns: &str,
    name: &str,
    kind: PatchKind,
    body: &Value,
    sub: Option<&str>,
) -> ApiResult<Obj> {
    if kind == PatchKind::Apply
        && let Some(w) = st.writer.as_mut()
    {
        w.applied = Some(body.clone());
    }
    let old = match st.get(&res.group, &res.plural, ns, name) {
        Some(o) => o,
        None if kind == PatchKind::Apply && sub.is_none() => {
            let body_name = name_of(body);
            if !body_name.is_empty() && body_name != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body_name}) does not match the name on the URL ({name})"
                )));
            }
            let mut obj = body.clone();
            obj_at(&mut obj, &["metadata"]).insert("name".into(), json!(name));
            return create(st, res, version, ns, obj);
        }
        None => {
            return Err(ApiError::not_found(
                &res.qualified(),
                &res.group,
                &res.plural,
                name,
            ));
        }
    };
    let mut new = (*old).clone();
    match kind {
        PatchKind::Merge => patch::merge_patch(&mut new, body),
        PatchKind::Strategic | PatchKind::Apply => {
            if !body.is_object() {
                return Err(ApiError::bad_request("the patch must be an object"));
            }
            patch::strategic_merge(&mut new, body)
        }
        PatchKind::Json => patch::json_patch(&mut new, body).map_err(|e| {
            ApiError::new(
                422,
                "Invalid",
                format!("the server rejected our request due to an error in our request: {e}"),
            )
        })?,
    }
    if let Some(dir) = st.field_validation
        && kind != PatchKind::Apply
    {
        let shown = |patched: &Value| match kind {
            PatchKind::Strategic => crate::schema::go_map(body),
            _ => serde_json::to_string(patched).unwrap_or_default(),
        };
        let w = crate::fields::check_patched(st, res, version, &mut new, shown, dir)?;
        st.warnings.extend(w);
    }
    if rv_of(&new) != rv_of(&old) && rv_of(&new).is_some() {
        return Err(ApiError::conflict(
            &res.qualified(),
            &res.group,
            &res.plural,
            name,
        ));
    }
    if name_of(&new) != name {
        return Err(ApiError::bad_request(
            "metadata.name cannot be changed by a patch",
        ));
    }
    // A patch of the main resource may carry status for kinds without a status subresource;
    // through /status only status counts.
    replace(st, res, &old, new, sub)
}

/// Namespaces a real cluster refuses to delete.
const PROTECTED_NS: &[&str] = &["default", "kube-system", "kube-public"];

/// `propagationPolicy` of a delete (k8s.io/apimachinery metav1.DeletionPropagation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    /// The owner goes at once; the garbage collector deletes dependents afterwards.
    #[default]
    Background,
    /// The owner stays (finalizer `foregroundDeletion`) until its dependents are gone.
    Foreground,
    /// The owner stays (finalizer `orphan`) until the dependents' ownerReferences to it are
    /// removed; the dependents stay.
    Orphan,
}

/// What a DELETE carries in its query or `DeleteOptions` body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    pub propagation: Propagation,
    /// `gracePeriodSeconds`; pods default to `spec.terminationGracePeriodSeconds`.
    pub grace: Option<i64>,
}

impl DeleteOptions {
    pub fn from_request(query: &std::collections::HashMap<String, String>, body: &Value) -> Self {
        let policy = body
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| query.get("propagationPolicy").cloned());
        let orphan_flag = body
            .get("orphanDependents")
            .and_then(Value::as_bool)
            .or_else(|| query.get("orphanDependents").map(|v| v == "true"));
        let propagation = match policy.as_deref() {
            Some("Foreground") => Propagation::Foreground,
            Some("Orphan") => Propagation::Orphan,
            Some(_) => Propagation::Background,
            None if orphan_flag == Some(true) => Propagation::Orphan,
            None => Propagation::Background,
        };
        let grace = body
            .get("gracePeriodSeconds")
            .and_then(Value::as_i64)
            .or_else(|| query.get("gracePeriodSeconds").and_then(|g| g.parse().ok()));
        DeleteOptions { propagation, grace }
    }

    pub fn with(propagation: Propagation) -> Self {
        DeleteOptions {
            propagation,
            grace: None,
        }
    }
}

/// DELETE as a real server does it. Namespaces turn Terminating (the namespace controller
/// empties and removes them); pods on a node are deleted gracefully (`deletionTimestamp`,
/// removed by the simulated kubelet after the pod grace); objects with finalizers, or deleted
/// in the foreground or orphaning, keep existing with `deletionTimestamp` until their
/// finalizers are gone; the rest is removed at once, and the garbage collector (see
/// `lifecycle`) deletes dependents afterwards. Returns the object as stored after the call
/// (or as it was when removed).
pub fn delete(st: &mut Store, res: &Resource, ns: &str, name: &str, opts: DeleteOptions) -> ApiResult<Obj> {
    let is_ns = res.group.is_empty() && res.plural == "namespaces";
    if is_ns && PROTECTED_NS.contains(&name) {
        return Err(ApiError::new(
            403,
            "Forbidden",
            format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
        )
        .with_details(name, "", "namespaces"));
    }
    let cur = existing(st, res, ns, name)?;
    let key: Key = (ns.to_string(), name.to_string());
    let now = now_rfc3339();
    if is_ns {
        if deleting(&cur) {
            // pkg/registry/core/namespace/storage: a second delete of a Terminating namespace.
            return Err(ApiError::new(
                409,
                "Conflict",
                format!("Operation cannot be fulfilled on namespaces \"{name}\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system."),
            )
            .with_details(name, "", "namespaces"));
        }
        let mut new = (*cur).clone();
        obj_at(&mut new, &["metadata"]).insert("deletionTimestamp".into(), json!(now));
        obj_at(&mut new, &["status"]).insert("phase".into(), json!("Terminating"));
        if st.dry_run {
            return Ok(Arc::new(new));
        }
        let start = std::time::Instant::now() + st.config.namespace_termination;
        st.terminating.insert(name.to_string(), start);
        return Ok(st.put(res, new));
    }
    let is_pod = res.group.is_empty() && res.plural == "pods";
    if deleting(&cur) {
        // Already being deleted: a zero grace period (`--force --grace-period=0`) expedites
        // a pod; anything else answers the object as it is.
        if is_pod && opts.grace == Some(0) {
            let mut new = (*cur).clone();
            obj_at(&mut new, &["metadata"]).insert("deletionGracePeriodSeconds".into(), json!(0));
            if st.dry_run {
                return Ok(Arc::new(new));
            }
            if finalizers(&new).is_empty() {
                return remove_now(st, res, &key);
            }
            return Ok(st.put(res, new));
        }
        return Ok(cur);
    }
    let mut fins = finalizers(&cur);
    let extra = match opts.propagation {
        Propagation::Foreground => Some("foregroundDeletion"),
        Propagation::Orphan => Some("orphan"),
        Propagation::Background => None,
    };
    if let Some(f) = extra
        && !fins.iter().any(|x| x == f)
    {
        fins.push(f.to_string());
    }
    // Pods bound to a node and not terminated are deleted gracefully (pod strategy
    // CheckGracefulDelete); unbound or finished pods go at once.
    let grace = if is_pod {
        let phase = str_at(&cur, &["status", "phase"]).unwrap_or("");
        let bound = str_at(&cur, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty());
        let dflt = crate::util::at(&cur, &["spec", "terminationGracePeriodSeconds"])
            .and_then(Value::as_i64)
            .unwrap_or(30);
        if bound && phase != "Succeeded" && phase != "Failed" {
            opts.grace.unwrap_or(dflt).max(0)
        } else {
            0
        }
    } else {
        0
    };
    if fins.is_empty() && grace == 0 {
        if st.dry_run {
            return Ok(cur);
        }
        return remove_now(st, res, &key);
    }
    let mut new = (*cur).clone();
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let meta = obj_at(&mut new, &["metadata"]);
    meta.insert(
        "deletionTimestamp".into(),
        json!(crate::util::rfc3339(secs + grace as u64)),
    );
    meta.insert("deletionGracePeriodSeconds".into(), json!(grace));
    if !fins.is_empty() {
        meta.insert("finalizers".into(), json!(fins));
    }
    if st.dry_run {
        return Ok(Arc::new(new));
    }
    if grace > 0 {
        let wait = st
            .config
            .pod_grace
            .min(std::time::Duration::from_secs(grace as u64));
        st.pod_deletions.push((
            std::time::Instant::now() + wait,
            key.clone(),
            str_at(&cur, &["metadata", "uid"]).unwrap_or("").to_string(),
        ));
    }
    Ok(st.put(res, new))
}

fn remove_now(st: &mut Store, res: &Resource, key: &Key) -> ApiResult<Obj> {
    let Some(gone) = st.remove(res, key) else {
        return Err(ApiError::not_found(
            &res.qualified(),
            &res.group,
            &res.plural,
            &key.1,
        ));
    };
    after_delete(st, res, &gone);
    Ok(gone)
}

/// What the API server itself does when an object is finally removed: a CRD takes its
/// custom resources and their endpoint with it. (Dependents are the garbage collector's.)
pub fn after_delete(st: &mut Store, res: &Resource, gone: &Value) {
    if res.group == "apiextensions.k8s.io"
        && res.plural == "customresourcedefinitions"
        && let Ok(r) = crate::resources::from_crd(gone)
        && let Some(served) = st.find_gr(&r.group, &r.plural).filter(|s| s.crd)
    {
        let keys: Vec<Key> = st.iter_ns(&served.gr(), None).map(|(k, _)| k.clone()).collect();
        for k in keys {
            st.remove(&served, &k);
        }
        st.unregister(&served.gr());
        st.tables.remove(&served.gr());
    }
}

/// Removes one finalizer (as the controller owning it would, with an update); the object is
/// deleted when it was the last one and the object is being deleted.
pub fn remove_finalizer(st: &mut Store, res: &Resource, ns: &str, name: &str, finalizer: &str) {
    let Some(cur) = st.get(&res.group, &res.plural, ns, name) else {
        return;
    };
    let fins = finalizers(&cur);
    if !fins.iter().any(|f| f == finalizer) {
        return;
    }
    let mut new = (*cur).clone();
    let rest: Vec<String> = fins.into_iter().filter(|f| f != finalizer).collect();
    let meta = obj_at(&mut new, &["metadata"]);
    if rest.is_empty() {
        meta.remove("finalizers");
    } else {
        meta.insert("finalizers".into(), json!(rest));
    }
    let _ = replace(st, res, &cur, new, None);
}

/// Create, or replace an existing object (keeping its status when the new one has none):
/// what `Sim::apply_yaml` and seeding use.
pub fn create_or_replace(st: &mut Store, obj: Value) -> ApiResult<Obj> {
    let api_version = str_at(&obj, &["apiVersion"]).unwrap_or("").to_string();
    let kind = str_at(&obj, &["kind"]).unwrap_or("").to_string();
    let Some((res, version)) = st.find_kind(&api_version, &kind) else {
        return Err(ApiError::new(
            404,
            "NotFound",
            format!("no matches for kind \"{kind}\" in version \"{api_version}\""),
        ));
    };
    let ns = if res.namespaced {
        let n = namespace_of(&obj);
        if n.is_empty() {
            "default".to_string()
        } else {
            n.to_string()
        }
    } else {
        String::new()
    };
    let name = name_of(&obj).to_string();
    match st.get(&res.group, &res.plural, &ns, &name) {
        Some(old) if !name.is_empty() => {
            let status = obj.get("status").cloned();
            let out = replace(st, &res, &old, obj, None)?;
            match status {
                Some(s) if res.status_sub => {
                    let mut with = (*out).clone();
                    with["status"] = s;
                    replace(st, &res, &out, with, Some("status"))
                }
                _ => Ok(out),
            }
        }
        _ => create(st, &res, &version, &ns, obj),
    }
}

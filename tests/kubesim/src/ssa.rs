//! Field ownership, as a real API server keeps it in `metadata.managedFields`
//! (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager and sigs.k8s.io/structured-merge-diff
//! v4 `merge/update.go`):
//! - every write through the API records who changed which fields: creates, PUTs and non-apply
//!   PATCHes as an `Update` entry of their field manager (`?fieldManager=`, else the
//!   User-Agent's product name), server-side apply as an `Apply` entry holding exactly the
//!   fields the applied configuration names;
//! - an apply that changes a field another manager owns is refused with 409 Conflict
//!   (`Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas`,
//!   fieldmanager/internal/conflict.go) unless `force=true`, which takes the field over;
//! - fields a manager applied before and no longer applies are removed from the object, unless
//!   another manager owns them (update.go `prune`);
//! - an Update takes ownership of what it changed away from everyone else.
//!
//! Paths follow the `FieldsV1` encoding (`f:name`, `k:{"name":"x"}` for items of lists keyed
//! by `x-kubernetes-list-map-keys`, `v:value` for sets, `.` for a member with children); which
//! lists are keyed and which maps are atomic comes from the schema of the kind (the published
//! OpenAPI of built-ins, a CRD's own schema), as kube-openapi's schemaconv reads it: an
//! explicit `x-kubernetes-list-type`, else a `merge` patch strategy (keyed by its merge key),
//! else atomic.
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::resources::Resource;
use crate::status::{ApiError, ApiResult};
use crate::store::Store;

/// Who is writing, as the request says (set by the API layer for the duration of a write).
#[derive(Debug, Clone)]
pub struct Writer {
    pub manager: String,
    pub force: bool,
    /// The request's group/version, `apps/v1`.
    pub api_version: String,
    pub subresource: Option<String>,
    /// The applied configuration, when the write is a server-side apply.
    pub applied: Option<Value>,
}

impl Writer {
    /// The writer of a request (fieldmanager `managerOrUserAgent`: `?fieldManager=`, else the
    /// product part of the User-Agent, `kubectl` of `kubectl/v1.32.3 (linux/amd64) ...`).
    /// `force` is only for apply (PatchOptions validation).
    pub fn of_request(
        query: &std::collections::HashMap<String, String>,
        user_agent: Option<&str>,
        api_version: String,
        subresource: Option<&str>,
        apply: bool,
    ) -> ApiResult<Writer> {
        let force = query.get("force").is_some_and(|f| f == "true");
        if force && !apply {
            return Err(ApiError::invalid(
                "PatchOptions",
                "meta.k8s.io",
                "",
                "force",
                "Forbidden: may not be specified for non-apply patch",
            ));
        }
        let manager = match query.get("fieldManager").filter(|m| !m.is_empty()) {
            Some(m) => m.clone(),
            None => user_agent
                .unwrap_or("")
                .split('/')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        Ok(Writer {
            manager,
            force,
            api_version,
            subresource: subresource.map(str::to_string),
            applied: None,
        })
    }
}

type Path = Vec<String>;
/// Every member path of an object with its value when it is a leaf (a scalar, an atomic list
/// or map, an empty map); list items keyed or in a set have none.
type Members = BTreeMap<Path, Option<Value>>;

/// One `managedFields` entry.
#[derive(Debug, Clone)]
struct Entry {
    manager: String,
    apply: bool,
    api_version: String,
    subresource: String,
    time: Option<String>,
    set: BTreeSet<Path>,
}

impl Entry {
    /// The identity of a manager (fieldmanager `BuildManagerIdentifier`): appliers are one
    /// manager whatever version they apply with; updaters are one per version.
    fn same(&self, other: &Entry) -> bool {
        self.manager == other.manager
            && self.apply == other.apply
            && self.subresource == other.subresource
            && (self.apply || self.api_version == other.api_version)
    }
}

// ---- schemas -------------------------------------------------------------------------------

enum ListKind {
    Keyed(Vec<String>),
    Set,
    Atomic,
}

fn resolved(s: Option<&Value>) -> Option<&Value> {
    s.map(crate::schema::resolve_ref)
}

fn child<'a>(s: Option<&'a Value>, field: &str) -> Option<&'a Value> {
    let s = resolved(s)?;
    s.get("properties")
        .and_then(|p| p.get(field))
        .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
}

fn list_kind(s: Option<&Value>) -> ListKind {
    let Some(s) = resolved(s) else {
        return ListKind::Atomic;
    };
    let keys = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    match s.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("map") => return ListKind::Keyed(keys(s.get("x-kubernetes-list-map-keys"))),
        Some("set") => return ListKind::Set,
        Some(_) => return ListKind::Atomic,
        None => {}
    }
    let strategy = s
        .get("x-kubernetes-patch-strategy")
        .and_then(Value::as_str)
        .unwrap_or("");
    if strategy.split(',').any(|p| p == "merge") {
        return match s.get("x-kubernetes-patch-merge-key").and_then(Value::as_str) {
            Some(k) => ListKind::Keyed(vec![k.to_string()]),
            None => ListKind::Set,
        };
    }
    ListKind::Atomic
}

fn atomic_map(s: Option<&Value>) -> bool {
    let Some(s) = resolved(s) else {
        return false;
    };
    s.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic")
}

/// The key fields of a keyed list's item, sorted by name. A key field the item leaves out
/// takes its schema's `default` (structured-merge-diff v4 typed/helpers.go
/// `keyedAssociativeListItemToPathElement`: `fieldDefaults` from the item's schema), so a
/// port without `protocol` is `{"containerPort":80,"protocol":"TCP"}` (k8s.io/api core/v1
/// types.go `// +default="TCP"` on ContainerPort and ServicePort).
fn key_map(item: &Value, keys: &[String], item_schema: Option<&Value>) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for k in keys {
        let v = item.get(k).or_else(|| {
            let prop = resolved(item_schema)?.get("properties")?.get(k)?;
            prop.get("default")
                .or_else(|| resolved(Some(prop))?.get("default"))
        });
        if let Some(v) = v {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

/// `k:{"containerPort":80,"protocol":"TCP"}`: the item's key (`key_map`).
fn key_of(item: &Value, keys: &[String], item_schema: Option<&Value>) -> String {
    let m = key_map(item, keys, item_schema);
    format!("k:{}", serde_json::to_string(&m).unwrap_or_default())
}

fn walk(v: &Value, s: Option<&Value>, path: &mut Path, out: &mut Members) {
    match v {
        Value::Object(m) if !m.is_empty() && !atomic_map(s) => {
            for (k, c) in m {
                path.push(format!("f:{k}"));
                walk(c, child(s, k), path, out);
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let item_schema = resolved(s).and_then(|s| s.get("items"));
            match list_kind(s) {
                ListKind::Keyed(keys) => {
                    for it in items {
                        path.push(key_of(it, &keys, item_schema));
                        out.insert(path.clone(), None);
                        if let Value::Object(m) = it {
                            for (k, c) in m {
                                path.push(format!("f:{k}"));
                                walk(c, child(item_schema, k), path, out);
                                path.pop();
                            }
                        }
                        path.pop();
                    }
                }
                ListKind::Set => {
                    for it in items {
                        path.push(format!("v:{}", serde_json::to_string(it).unwrap_or_default()));
                        out.insert(path.clone(), None);
                        path.pop();
                    }
                }
                ListKind::Atomic => {
                    out.insert(path.clone(), Some(v.clone()));
                }
            }
        }
        _ => {
            out.insert(path.clone(), Some(v.clone()));
        }
    }
}

/// The fields an object sets, without those no manager owns (fieldmanager `StripMeta` and
/// the reset fields: the main resource of a kind with a status subresource never owns status,
/// its status subresource owns nothing else).
fn members(st: &Store, res: &Resource, version: &str, obj: &Value, sub: Option<&str>) -> Members {
    let mut v = obj.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("apiVersion");
        m.remove("kind");
        if sub == Some("status") {
            m.retain(|k, _| k == "status");
        } else if res.status_sub {
            m.remove("status");
        }
        if let Some(Value::Object(meta)) = m.get_mut("metadata") {
            for k in [
                "name",
                "namespace",
                "creationTimestamp",
                "selfLink",
                "uid",
                "clusterName",
                "generation",
                "managedFields",
                "resourceVersion",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ] {
                meta.remove(k);
            }
            if meta.is_empty() {
                m.remove("metadata");
            }
        }
    }
    let schema = crate::fields::schema_of(st, res, version);
    let mut out = Members::new();
    if v.as_object().is_some_and(|m| !m.is_empty()) {
        walk(&v, schema.as_ref(), &mut Vec::new(), &mut out);
    }
    out
}

// ---- the FieldsV1 encoding -----------------------------------------------------------------

fn encode(set: &BTreeSet<Path>) -> Value {
    let mut root = Map::new();
    for p in set {
        let mut node = &mut root;
        for e in p {
            let next = node.entry(e.clone()).or_insert_with(|| json!({}));
            let Value::Object(m) = next else { break };
            node = m;
        }
    }
    // A member with children is marked `.`; one without is its own empty node.
    fn dots(node: &mut Map<String, Value>, set: &BTreeSet<Path>, path: &mut Path) {
        for (k, v) in node.iter_mut() {
            if k == "." {
                continue;
            }
            path.push(k.clone());
            if let Value::Object(m) = v
                && !m.is_empty()
            {
                if set.contains(path) {
                    m.insert(".".into(), json!({}));
                }
                dots(m, set, path);
            }
            path.pop();
        }
    }
    dots(&mut root, set, &mut Vec::new());
    Value::Object(root)
}

fn decode(v: &Value, path: &mut Path, out: &mut BTreeSet<Path>) {
    let Some(m) = v.as_object() else { return };
    for (k, c) in m {
        if k == "." {
            out.insert(path.clone());
            continue;
        }
        path.push(k.clone());
        if c.as_object().is_none_or(Map::is_empty) {
            out.insert(path.clone());
        } else {
            decode(c, path, out);
        }
        path.pop();
    }
}

fn entries(obj: &Value) -> Vec<Entry> {
    let list = crate::util::at(obj, &["metadata", "managedFields"]).and_then(Value::as_array);
    let s = |e: &Value, k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    list.into_iter()
        .flatten()
        .filter(|e| e.get("manager").is_some())
        .map(|e| {
            let mut set = BTreeSet::new();
            if let Some(f) = e.get("fieldsV1") {
                decode(f, &mut Vec::new(), &mut set);
            }
            Entry {
                manager: s(e, "manager"),
                apply: s(e, "operation") == "Apply",
                api_version: s(e, "apiVersion"),
                subresource: s(e, "subresource"),
                time: e.get("time").and_then(Value::as_str).map(str::to_string),
                set,
            }
        })
        .collect()
}

/// Writes the entries back, sorted as the server sorts them (operation, time, manager,
/// version, subresource: managedfields `sortEncodedManagedFields`); empty ones are dropped.
fn store_entries(obj: &mut Value, mut list: Vec<Entry>) {
    list.retain(|e| !e.set.is_empty());
    list.sort_by(|a, b| {
        let op = |e: &Entry| if e.apply { "Apply" } else { "Update" };
        (op(a), &a.time, &a.manager, &a.api_version, &a.subresource).cmp(&(
            op(b),
            &b.time,
            &b.manager,
            &b.api_version,
            &b.subresource,
        ))
    });
    let encoded: Vec<Value> = list
        .iter()
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": if e.apply { "Apply" } else { "Update" },
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": encode(&e.set),
            });
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    let meta = crate::util::obj_at(obj, &["metadata"]);
    if encoded.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(encoded));
    }
}

// ---- operations ----------------------------------------------------------------------------

struct Comparison {
    /// Added or modified leaves: what the write changed.
    changed: BTreeSet<Path>,
    removed: BTreeSet<Path>,
}

fn compare(old: &Members, new: &Members) -> Comparison {
    let mut changed = BTreeSet::new();
    for (p, v) in new {
        match old.get(p) {
            None => {
                changed.insert(p.clone());
            }
            Some(o) if o != v => {
                changed.insert(p.clone());
            }
            _ => {}
        }
    }
    let removed = old.keys().filter(|p| !new.contains_key(*p)).cloned().collect();
    Comparison { changed, removed }
}

fn me(w: &Writer, apply: bool) -> Entry {
    Entry {
        manager: w.manager.clone(),
        apply,
        api_version: w.api_version.clone(),
        subresource: w.subresource.clone().unwrap_or_default(),
        time: Some(crate::util::now_rfc3339()),
        set: BTreeSet::new(),
    }
}

/// A create, PUT or non-apply PATCH by `w`: it owns what it changed, nobody else does.
/// The entries come from the request when it carries some (a client may set managedFields
/// directly), else from the live object (fieldmanager `decodeLiveOrNew`).
pub fn updated(st: &Store, res: &Resource, w: &Writer, old: Option<&Value>, new: &mut Value) {
    let version = w.api_version.rsplit('/').next().unwrap_or("");
    let sub = w.subresource.as_deref();
    let from_request = w.subresource.is_none() && !entries(new).is_empty();
    let mut list = if from_request {
        entries(new)
    } else {
        old.map(entries).unwrap_or_default()
    };
    let before = old.map(|o| members(st, res, version, o, sub)).unwrap_or_default();
    let after = members(st, res, version, new, sub);
    let cmp = compare(&before, &after);
    if cmp.changed.is_empty() && cmp.removed.is_empty() {
        return;
    }
    let mine = me(w, false);
    let mut set = BTreeSet::new();
    for e in &mut list {
        if e.same(&mine) {
            set = std::mem::take(&mut e.set);
        } else {
            e.set
                .retain(|p| !cmp.changed.contains(p) && !cmp.removed.contains(p));
        }
    }
    list.retain(|e| !e.same(&mine));
    set.retain(|p| !cmp.removed.contains(p));
    set.extend(cmp.changed);
    list.push(Entry { set, ..mine });
    store_entries(new, list);
}

/// A created object's entry when the create was a server-side apply: exactly the applied
/// configuration's fields (defaults the server fills in are nobody's).
pub fn applied_create(st: &Store, res: &Resource, w: &Writer, applied: &Value, new: &mut Value) {
    let version = w.api_version.rsplit('/').next().unwrap_or("");
    let set = members(st, res, version, applied, w.subresource.as_deref())
        .into_keys()
        .collect();
    store_entries(new, vec![Entry { set, ..me(w, true) }]);
}

/// A server-side apply of `applied` over `live` by `w`; `merged` is `live` with the applied
/// configuration merged in. Returns the object to store, or the 409 of the conflicts.
pub fn apply(
    st: &Store,
    res: &Resource,
    w: &Writer,
    live: &Value,
    applied: &Value,
    mut merged: Value,
) -> ApiResult<Value> {
    let version = w.api_version.rsplit('/').next().unwrap_or("");
    let sub = w.subresource.as_deref();
    let mut list = entries(live);
    let mine = me(w, true);
    let last: BTreeSet<Path> = list
        .iter()
        .find(|e| e.same(&mine))
        .map(|e| e.set.clone())
        .unwrap_or_default();
    list.retain(|e| !e.same(&mine));
    let set: BTreeSet<Path> = members(st, res, version, applied, sub).into_keys().collect();
    // Prune what this manager applied last time and nobody owns now (update.go `prune`,
    // with `addBackOwnedItems`: an item stays while anyone owns something inside it).
    let owned: Vec<&Path> = list.iter().flat_map(|e| e.set.iter()).chain(set.iter()).collect();
    let schema = crate::fields::schema_of(st, res, version);
    for p in last.iter().filter(|p| !owned.iter().any(|o| o.starts_with(p))) {
        remove_path(&mut merged, p, schema.as_ref());
    }
    let cmp = compare(
        &members(st, res, version, live, sub),
        &members(st, res, version, &merged, sub),
    );
    if cmp.changed.is_empty() && cmp.removed.is_empty() && set == last {
        // Nothing changes: not even the time of the entry.
        if let Some(f) = crate::util::at(live, &["metadata", "managedFields"]) {
            crate::util::obj_at(&mut merged, &["metadata"]).insert("managedFields".into(), f.clone());
        }
        return Ok(merged);
    }
    let conflicts: Vec<(usize, &Path)> = list
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.set.intersection(&cmp.changed).map(move |p| (i, p)))
        .collect();
    if !conflicts.is_empty() && !w.force {
        return Err(conflict_error(&list, &conflicts));
    }
    let taken: Vec<(usize, Path)> = conflicts.into_iter().map(|(i, p)| (i, p.clone())).collect();
    for (i, p) in taken {
        list[i].set.remove(&p);
    }
    for e in &mut list {
        e.set.retain(|p| !cmp.removed.contains(p));
    }
    list.push(Entry { set, ..mine });
    store_entries(&mut merged, list);
    Ok(merged)
}

/// Removes the member `path` names; `schema` is the node's (for the defaults of list keys).
fn remove_path(node: &mut Value, path: &[String], schema: Option<&Value>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let (next_schema, index) = match first.strip_prefix("f:") {
        Some(k) => (child(schema, k), None),
        None => {
            let items = resolved(schema).and_then(|s| s.get("items"));
            (items, item_index(node, first, items))
        }
    };
    if rest.is_empty() {
        match (first.strip_prefix("f:"), index, node) {
            (Some(k), _, Value::Object(m)) => {
                m.remove(k);
            }
            (None, Some(i), Value::Array(a)) => {
                a.remove(i);
            }
            _ => {}
        }
        return;
    }
    let next = match (first.strip_prefix("f:"), index) {
        (Some(k), _) => node.as_object_mut().and_then(|m| m.get_mut(k)),
        (None, Some(i)) => node.as_array_mut().map(|a| &mut a[i]),
        (None, None) => None,
    };
    if let Some(n) = next {
        remove_path(n, rest, next_schema);
    }
}

/// The list item a `k:` or `v:` path element names (`item_schema`: the items' schema).
fn item_index(node: &Value, e: &str, item_schema: Option<&Value>) -> Option<usize> {
    let items = node.as_array()?;
    if let Some(key) = e.strip_prefix("k:") {
        let key: BTreeMap<String, Value> = serde_json::from_str(key).ok()?;
        let names: Vec<String> = key.keys().cloned().collect();
        return items
            .iter()
            .position(|it| key_map(it, &names, item_schema) == key);
    }
    let v: Value = serde_json::from_str(e.strip_prefix("v:")?).ok()?;
    items.iter().position(|it| *it == v)
}

/// A path as fieldpath `Path.String()` prints it: `.spec.containers[name="web"].image`.
fn path_text(p: &Path) -> String {
    let mut out = String::new();
    for e in p {
        if let Some(f) = e.strip_prefix("f:") {
            out.push('.');
            out.push_str(f);
        } else if let Some(k) = e.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = e.strip_prefix("v:") {
            out.push_str(&format!("[={v}]"));
        }
    }
    out
}

/// fieldmanager/internal/conflict.go `printManager`.
fn manager_text(e: &Entry) -> String {
    let mut s = format!("{:?}", e.manager);
    if !e.subresource.is_empty() {
        s = format!("{s} with subresource {:?}", e.subresource);
    }
    if e.apply {
        return s;
    }
    match &e.time {
        Some(t) => format!("{s} using {} at {t}", e.api_version),
        None => format!("{s} using {}", e.api_version),
    }
}

/// fieldmanager/internal/conflict.go `NewConflictError` / `getConflictMessage`.
fn conflict_error(list: &[Entry], conflicts: &[(usize, &Path)]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(i, p)| {
            json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", manager_text(&list[*i])), "field": path_text(p)})
        })
        .collect();
    let message = if let [(i, p)] = conflicts {
        format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            manager_text(&list[*i]),
            path_text(p)
        )
    } else {
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, p) in conflicts {
            by.entry(manager_text(&list[*i])).or_default().push(path_text(p));
        }
        let mut lines = Vec::new();
        for (m, paths) in by {
            lines.push(format!("conflicts with {m}:"));
            lines.extend(paths.into_iter().map(|p| format!("- {p}")));
        }
        format!(
            "Apply failed with {} conflicts: {}",
            conflicts.len(),
            lines.join("\n")
        )
    };
    let mut e = ApiError::new(409, "Conflict", message);
    e.details = Some(Box::new(json!({"causes": causes})));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any key field's schema default fills a missing key (structured-merge-diff v4
    /// typed/helpers.go `keyedAssociativeListItemToPathElement`), not only a port's protocol:
    /// here a CRD-style list keyed by `name` and `zone` whose `zone` defaults to `a`.
    #[test]
    fn a_missing_key_field_takes_the_schema_default() {
        let items = json!({"type": "object", "properties": {
            "name": {"type": "string"},
            "zone": {"type": "string", "default": "a"},
        }});
        let keys = ["name".to_string(), "zone".to_string()];
        assert_eq!(
            key_of(&json!({"name": "x"}), &keys, Some(&items)),
            r#"k:{"name":"x","zone":"a"}"#
        );
        assert_eq!(
            key_of(&json!({"name": "x", "zone": "b"}), &keys, Some(&items)),
            r#"k:{"name":"x","zone":"b"}"#
        );
        // Without a default the key is what the item has.
        assert_eq!(key_of(&json!({"name": "x"}), &keys, None), r#"k:{"name":"x"}"#);
        // The built-in default comes from the published schema (k8s.io/api core/v1 types.go
        // `// +default="TCP"` on ContainerPort.protocol).
        let port = json!({"$ref": "#/definitions/io.k8s.api.core.v1.ContainerPort"});
        let keys = ["containerPort".to_string(), "protocol".to_string()];
        assert_eq!(
            key_of(&json!({"containerPort": 80}), &keys, Some(&port)),
            r#"k:{"containerPort":80,"protocol":"TCP"}"#
        );
        // Pruning finds the item by the same defaulted key.
        let list = json!([{"name": "y", "zone": "b"}, {"name": "x"}]);
        assert_eq!(
            item_index(&list, r#"k:{"name":"x","zone":"a"}"#, Some(&items)),
            Some(1)
        );
    }
}

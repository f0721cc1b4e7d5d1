//! The OpenAPI documents a real API server publishes: `/openapi/v3` (an index of group-version
//! documents, k8s.io/kube-openapi pkg/handler3) and `/openapi/v2` (one swagger 2.0 document,
//! pkg/handler). Each kind's schema is the published definition of release-1.33 (the fixture
//! `schema.rs` reads, with descriptions and `+default` markers) or, for a custom resource, its
//! CRD's structural schema as apiextensions-apiserver pkg/controller/openapi/builder/builder.go
//! publishes it: named `ToRESTFriendlyName("<group>/<version>/<kind>")` (the group's domain
//! reversed: `io.istio.security.v1.PeerAuthentication`), with TypeMeta's `apiVersion` and
//! `kind` and a `metadata` reference to ObjectMeta added.
//!
//! Operations carry `x-kubernetes-group-version-kind` and the `fieldValidation` parameter:
//! `kubectl apply` looks for them (and then leaves validation to the server), `kubectl
//! explain` finds a resource's kind through them and renders its schema
//! (kubectl pkg/explain/v2/templates/plaintext.tmpl).
//!
//! v3 differs from v2 as kube-openapi's builder3 makes it: references point to
//! `#/components/schemas/`, and a reference with siblings (a field's description or default)
//! is wrapped as `allOf: [{$ref}]` since OpenAPI 3.0 ignores a `$ref`'s siblings.
use crate::resources::Resource;
use crate::store::Store;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// kube-openapi pkg/util `ToRESTFriendlyName`: `security.istio.io/v1/PeerAuthentication` →
/// `io.istio.security.v1.PeerAuthentication`.
fn rest_friendly_name(group: &str, version: &str, kind: &str) -> String {
    let mut parts: Vec<&str> = group.split('.').collect();
    parts.reverse();
    format!("{}.{version}.{kind}", parts.join("."))
}

/// One served kind's schema: its definition name and, for a custom resource, the definition
/// itself (built-ins are in the fixture).
struct KindSchema {
    name: String,
    custom: Option<Value>,
}

fn builtin_name(group: &str, version: &str, kind: &str) -> Option<String> {
    crate::schema::definitions().iter().find_map(|(name, d)| {
        let gvks = d.get("x-kubernetes-group-version-kind")?.as_array()?;
        gvks.iter()
            .any(|g| {
                g.get("group").and_then(Value::as_str).unwrap_or("") == group
                    && g.get("version").and_then(Value::as_str) == Some(version)
                    && g.get("kind").and_then(Value::as_str) == Some(kind)
            })
            .then(|| name.clone())
    })
}

/// The schema of `r` at `version` in v2 form.
fn kind_schema(st: &Store, r: &Resource, version: &str) -> KindSchema {
    if !r.crd
        && let Some(name) = builtin_name(&r.group, version, &r.kind)
    {
        return KindSchema { name, custom: None };
    }
    let gvk = json!({"group": r.group, "version": version, "kind": r.kind});
    let mut s = crate::crd::schema(st, r, version)
        .unwrap_or_else(|| json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}));
    // TypeMeta's and ObjectMeta's descriptions as every built-in kind has them.
    let pod = crate::schema::definitions()
        .get("io.k8s.api.core.v1.Pod")
        .and_then(|p| p.get("properties"));
    let props = crate::util::obj_at(&mut s, &["properties"]);
    for f in ["apiVersion", "kind", "metadata"] {
        if let Some(p) = pod.and_then(|p| p.get(f)) {
            props.insert(f.to_string(), p.clone());
        }
    }
    if let Value::Object(m) = &mut s {
        m.insert("x-kubernetes-group-version-kind".into(), json!([gvk]));
    }
    KindSchema {
        name: rest_friendly_name(&r.group, version, &r.kind),
        custom: Some(s),
    }
}

fn refs(node: &Value, found: &mut Vec<String>) {
    match node {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => found.push(r.rsplit('/').next().unwrap_or(r).to_string()),
                    ("properties", Value::Object(p)) => p.values().for_each(|s| refs(s, found)),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

/// The served kinds' schemas of one group/version with every definition they reference
/// (v2 form, by name).
fn definitions_of(st: &Store, group: &str, version: &str) -> BTreeMap<String, Value> {
    let defs = crate::schema::definitions();
    let mut out = BTreeMap::new();
    let mut todo = Vec::new();
    for r in crate::discovery::served(st, group, version) {
        let k = kind_schema(st, &r, version);
        match k.custom {
            Some(s) => {
                refs(&s, &mut todo);
                out.insert(k.name, s);
            }
            None => todo.push(k.name),
        }
    }
    while let Some(name) = todo.pop() {
        if out.contains_key(&name) {
            continue;
        }
        if let Some(d) = defs.get(&name) {
            refs(d, &mut todo);
            out.insert(name, d.clone());
        }
    }
    out
}

/// A v2 schema in v3 form (kube-openapi builder3): references into `#/components/schemas/`,
/// a reference with siblings wrapped in `allOf`.
fn to_v3(node: &Value) -> Value {
    match node {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let v = match (k.as_str(), v) {
                    ("properties", Value::Object(p)) => {
                        Value::Object(p.iter().map(|(n, s)| (n.clone(), to_v3(s))).collect())
                    }
                    ("$ref", Value::String(r)) => {
                        json!(r.replace("#/definitions/", "#/components/schemas/"))
                    }
                    _ => to_v3(v),
                };
                out.insert(k.clone(), v);
            }
            if out.len() > 1
                && let Some(r) = out.remove("$ref")
            {
                out.insert("allOf".into(), json!([{"$ref": r}]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(to_v3).collect()),
        other => other.clone(),
    }
}

/// What a document's hash depends on: the served resources and, for custom resources, their
/// CRD's resourceVersion (a changed schema is a changed document).
fn doc_hash(st: &Store, group: &str, version: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in crate::discovery::served(st, group, version) {
        r.plural.hash(&mut h);
        if r.crd {
            let crd = st.get(
                "apiextensions.k8s.io",
                "customresourcedefinitions",
                "",
                &format!("{}.{}", r.plural, r.group),
            );
            let rv = crd
                .as_ref()
                .and_then(|c| crate::util::at(c, &["metadata", "resourceVersion"]));
            rv.map(Value::to_string).hash(&mut h);
        }
    }
    h.finish()
}

pub fn index(st: &Store) -> Value {
    let mut paths = Map::new();
    for (g, v) in crate::discovery::group_versions(st) {
        let p = gv_path(&g, &v);
        let hash = doc_hash(st, &g, &v);
        paths.insert(
            p.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash:016X}")}),
        );
    }
    json!({"paths": paths})
}

/// Which OpenAPI version a document is written in.
#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    V2,
    V3,
}

fn param(name: &str, flavor: Flavor) -> Value {
    match flavor {
        Flavor::V3 => json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}}),
        Flavor::V2 => json!({"name": name, "in": "query", "type": "string", "uniqueItems": true}),
    }
}

/// The paths of one group/version's resources, each operation naming its kind.
fn paths_of(st: &Store, group: &str, version: &str, flavor: Flavor, paths: &mut Map<String, Value>) {
    let prefix = format!("/{}", gv_path(group, version));
    let defs = if flavor == Flavor::V3 {
        "#/components/schemas/"
    } else {
        "#/definitions/"
    };
    for r in crate::discovery::served(st, group, version) {
        let gvk = json!({"group": group, "version": version, "kind": r.kind});
        let schema_ref = json!({"$ref": format!("{defs}{}", kind_schema(st, &r, version).name)});
        let op = |action: &str, params: Vec<Value>| {
            let mut o = json!({
                "operationId": format!("{action}{}", r.kind),
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
                "parameters": params,
            });
            if flavor == Flavor::V3 {
                let content = json!({"application/json": {"schema": schema_ref}});
                o["responses"] = json!({"200": {"description": "OK", "content": content}});
                if matches!(action, "put" | "patch" | "post") {
                    o["requestBody"] = json!({"content": content});
                }
            } else {
                o["responses"] = json!({"200": {"description": "OK", "schema": schema_ref}});
                if matches!(action, "put" | "patch" | "post") {
                    o["parameters"].as_array_mut().into_iter().for_each(|p| {
                        p.push(json!({"name": "body", "in": "body", "required": true, "schema": schema_ref}))
                    });
                }
            }
            o
        };
        let write_params = || {
            vec![
                param("dryRun", flavor),
                param("fieldManager", flavor),
                param("fieldValidation", flavor),
            ]
        };
        let ns = if r.namespaced {
            "/namespaces/{namespace}"
        } else {
            ""
        };
        let coll_path = format!("{prefix}{ns}/{}", r.plural);
        if r.virtual_only {
            // Reviews are only created.
            paths.insert(coll_path, json!({"post": op("post", write_params())}));
            continue;
        }
        let mut patch_params = write_params();
        patch_params.push(param("force", flavor));
        paths.insert(
            format!("{coll_path}/{{name}}"),
            json!({
                "get": op("get", vec![]),
                "put": op("put", write_params()),
                "patch": op("patch", patch_params),
                "delete": op("delete", vec![]),
            }),
        );
        let list_params = ["labelSelector", "fieldSelector", "limit", "continue"].map(|p| param(p, flavor));
        paths.insert(
            coll_path,
            json!({"get": op("list", list_params.to_vec()), "post": op("post", write_params())}),
        );
    }
}

/// The v3 document of one group/version (`path` is e.g. `api/v1` or `apis/apps/v1`).
pub fn document(st: &Store, path: &str) -> Option<Value> {
    let (group, version) = match path.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => (String::new(), v.to_string()),
        ["apis", g, v] => (g.to_string(), v.to_string()),
        _ => return None,
    };
    if crate::discovery::served(st, &group, &version).is_empty() {
        return None;
    }
    let mut paths = Map::new();
    paths_of(st, &group, &version, Flavor::V3, &mut paths);
    let schemas: Map<String, Value> = definitions_of(st, &group, &version)
        .into_iter()
        .map(|(n, d)| (n, to_v3(&d)))
        .collect();
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// The swagger 2.0 document of everything served (`/openapi/v2`).
pub fn swagger(st: &Store) -> Value {
    let mut paths = Map::new();
    let mut definitions = BTreeMap::new();
    for (g, v) in crate::discovery::group_versions(st) {
        paths_of(st, &g, &v, Flavor::V2, &mut paths);
        definitions.extend(definitions_of(st, &g, &v));
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "paths": paths,
        "definitions": definitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crd_schemas_are_named_with_the_group_reversed() {
        assert_eq!(
            rest_friendly_name("security.istio.io", "v1", "PeerAuthentication"),
            "io.istio.security.v1.PeerAuthentication"
        );
    }

    #[test]
    fn a_reference_with_a_description_is_wrapped_in_all_of() {
        let v2 = json!({"properties": {
            "metadata": {"$ref": "#/definitions/x.ObjectMeta", "description": "meta"},
            "spec": {"$ref": "#/definitions/x.Spec"},
            "$ref": {"type": "string"},
        }});
        let v3 = to_v3(&v2);
        assert_eq!(
            v3["properties"]["metadata"],
            json!({"allOf": [{"$ref": "#/components/schemas/x.ObjectMeta"}], "description": "meta"})
        );
        assert_eq!(
            v3["properties"]["spec"],
            json!({"$ref": "#/components/schemas/x.Spec"})
        );
        // A property named `$ref` (JSONSchemaProps has one) is a property, not a reference.
        assert_eq!(v3["properties"]["$ref"], json!({"type": "string"}));
    }
}

//! A minimal OpenAPI v3: enough for `kubectl apply` to find each kind's PATCH operation
//! (tagged with `x-kubernetes-group-version-kind`) and see that the server validates fields
//! itself (`fieldValidation`), so kubectl skips client-side schema validation.
use crate::store::Store;
use serde_json::{Map, Value, json};

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

pub fn index(st: &Store) -> Value {
    let mut paths = Map::new();
    for (g, v) in crate::discovery::group_versions(st) {
        let p = gv_path(&g, &v);
        // The hash only needs to change when the document does: the resource count will do.
        let n = crate::discovery::served(st, &g, &v).len();
        paths.insert(
            p.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={n:016X}")}),
        );
    }
    json!({"paths": paths})
}

fn param(name: &str) -> Value {
    json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}})
}

/// The document of one group/version (`path` is e.g. `api/v1` or `apis/apps/v1`).
pub fn document(st: &Store, path: &str) -> Option<Value> {
    let (group, version) = match path.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => (String::new(), v.to_string()),
        ["apis", g, v] => (g.to_string(), v.to_string()),
        _ => return None,
    };
    let served = crate::discovery::served(st, &group, &version);
    if served.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let prefix = format!("/{}", gv_path(&group, &version));
    for r in served.iter().filter(|r| !r.virtual_only) {
        let gvk = json!({"group": group, "version": version, "kind": r.kind});
        let schema_name = format!("{}.{}", if group.is_empty() { "core" } else { &group }, r.kind);
        let schema_ref = json!({"$ref": format!("#/components/schemas/{schema_name}")});
        let body = json!({"content": {"application/json": {"schema": schema_ref}}});
        let op = |action: &str, params: Vec<Value>| {
            json!({
                "operationId": format!("{action}{}", r.kind),
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
                "parameters": params,
                "requestBody": body,
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": schema_ref}}}},
            })
        };
        let write_params = || vec![param("dryRun"), param("fieldManager"), param("fieldValidation")];
        let item_path = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}/{{name}}", r.plural)
        } else {
            format!("{prefix}/{}/{{name}}", r.plural)
        };
        let coll_path = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", r.plural)
        } else {
            format!("{prefix}/{}", r.plural)
        };
        let mut patch_params = write_params();
        patch_params.push(param("force"));
        paths.insert(
            item_path,
            json!({
                "get": op("get", vec![]),
                "put": op("put", write_params()),
                "patch": op("patch", patch_params),
                "delete": op("delete", vec![]),
            }),
        );
        paths.insert(
            coll_path,
            json!({"get": op("list", vec![param("labelSelector"), param("fieldSelector"), param("limit"), param("continue")]), "post": op("post", write_params())}),
        );
        schemas.insert(
            schema_name,
            json!({
                "type": "object",
                "x-kubernetes-group-version-kind": [gvk],
                "x-kubernetes-preserve-unknown-fields": true,
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "unversioned"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

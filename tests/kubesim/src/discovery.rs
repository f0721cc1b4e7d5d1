//! Legacy discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/<group>[/<version>]`).
//! kubectl asks for aggregated discovery first and accepts these plain JSON documents.
use crate::resources::Resource;
use crate::store::Store;
use serde_json::{Value, json};
use std::sync::Arc;

pub fn api_versions(addr: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": addr}],
    })
}

/// Served groups (non-core) in discovery order, with their versions (preferred first).
fn groups(st: &Store) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in st.resources.iter().filter(|r| !r.group.is_empty()) {
        let entry = match out.iter_mut().position(|(g, _)| *g == r.group) {
            Some(i) => &mut out[i],
            None => {
                out.push((r.group.clone(), Vec::new()));
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        for v in &r.versions {
            if !entry.1.contains(v) {
                entry.1.push(v.clone());
            }
        }
    }
    out
}

fn group_doc(name: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{name}/{v}"), "version": v}))
        .collect();
    json!({
        "name": name,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(json!({})),
    })
}

pub fn api_group_list(st: &Store) -> Value {
    let groups: Vec<Value> = groups(st).iter().map(|(g, vs)| group_doc(g, vs)).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn api_group(st: &Store, group: &str) -> Option<Value> {
    groups(st).iter().find(|(g, _)| g == group).map(|(g, vs)| {
        let mut d = group_doc(g, vs);
        d["kind"] = json!("APIGroup");
        d["apiVersion"] = json!("v1");
        d
    })
}

/// Resources of one group/version.
pub fn served(st: &Store, group: &str, version: &str) -> Vec<Arc<Resource>> {
    st.resources
        .iter()
        .filter(|r| r.group == group && r.versions.iter().any(|v| v == version))
        .cloned()
        .collect()
}

pub fn resource_list(st: &Store, group: &str, version: &str) -> Option<Value> {
    let rs = served(st, group, version);
    if rs.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    for r in &rs {
        let mut e = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": r.verbs(),
        });
        if !r.short_names.is_empty() {
            e["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            e["categories"] = json!(r.categories);
        }
        items.push(e);
        if r.status_sub {
            items.push(
                json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                              "kind": r.kind, "verbs": ["get", "patch", "update"]}),
            );
        }
        if r.scale_sub {
            items.push(json!({"name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced,
                              "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}));
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": items}))
}

/// All served group/versions, as `api/v1` and `apis/<group>/<version>` (for OpenAPI).
pub fn group_versions(st: &Store) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "v1".to_string())];
    for (g, vs) in groups(st) {
        for v in vs {
            out.push((g.clone(), v));
        }
    }
    out
}

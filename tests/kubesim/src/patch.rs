//! PATCH bodies: JSON merge patch (RFC 7386), a strategic merge patch good enough for what
//! kubectl and installers send (maps merge, keyed lists merge by their merge key, `$patch`
//! directives), and JSON patch (RFC 6902).
use serde_json::{Map, Value};

/// RFC 7386: objects merge recursively, `null` deletes, everything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of a list field, from the Kubernetes API types' `patchMergeKey` tags.
/// Lists without one are replaced whole (as tolerations, args and command are).
fn merge_key(field: &str, sample: Option<&Value>) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "secrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        // Container ports merge on containerPort, Service ports on port.
        "ports" => {
            if sample.is_some_and(|s| s.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        _ => return None,
    })
}

/// Primitive lists with `patchStrategy:"merge"`: patches add to them instead of replacing.
fn merges_primitives(field: &str) -> bool {
    field == "finalizers"
}

/// Strategic merge patch of `patch` into `target`.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut clean = patch.clone();
        strip_directives(&mut clean);
        *target = clean;
        return;
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if k.starts_with("$setElementOrder/") || k == "$patch" || k == "$retainKeys" {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Value::Array(del)) = (t.get_mut(field), v) {
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if v.is_null() {
            t.remove(k);
            continue;
        }
        match v {
            Value::Object(vo) if vo.get("$patch").and_then(Value::as_str) == Some("delete") => {
                t.remove(k);
            }
            Value::Array(items) => {
                let key = merge_key(k, items.iter().find(|x| x.is_object()));
                let cur = t.get_mut(k);
                match (key, cur) {
                    (Some(key), Some(Value::Array(existing))) => merge_keyed_list(existing, items, key),
                    (None, Some(Value::Array(existing))) if merges_primitives(k) => {
                        for item in items {
                            if !existing.contains(item) {
                                existing.push(item.clone());
                            }
                        }
                    }
                    _ => {
                        let mut clean = v.clone();
                        strip_directives(&mut clean);
                        t.insert(k.clone(), clean);
                    }
                }
            }
            _ => strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v),
        }
    }
    if let Some(Value::Array(keep)) = p.get("$retainKeys") {
        t.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k)));
    }
}

fn merge_keyed_list(existing: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = item.get(key);
        let pos = id.and_then(|id| existing.iter().position(|e| e.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => strategic_merge(&mut existing[i], item),
            (None, false) => {
                let mut clean = item.clone();
                strip_directives(&mut clean);
                existing.push(clean);
            }
        }
    }
}

fn strip_directives(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with('$'));
            m.values_mut().for_each(strip_directives);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn split_pointer(ptr: &str) -> Result<Vec<String>, String> {
    if ptr.is_empty() {
        return Ok(vec![]);
    }
    let rest = ptr
        .strip_prefix('/')
        .ok_or_else(|| format!("invalid JSON pointer {ptr:?}"))?;
    Ok(rest.split('/').map(unescape).collect())
}

fn parent_mut<'a>(doc: &'a mut Value, tokens: &[String]) -> Result<&'a mut Value, String> {
    let mut cur = doc;
    for t in tokens {
        cur = match cur {
            Value::Object(m) => m.get_mut(t).ok_or_else(|| format!("path /{t} not found"))?,
            Value::Array(a) => {
                let i: usize = t.parse().map_err(|_| format!("bad index {t}"))?;
                a.get_mut(i).ok_or_else(|| format!("index {i} out of range"))?
            }
            _ => return Err(format!("cannot traverse into {t}")),
        };
    }
    Ok(cur)
}

fn pointer_get(doc: &Value, ptr: &str) -> Result<Value, String> {
    doc.pointer(ptr)
        .cloned()
        .ok_or_else(|| format!("path {ptr} not found"))
}

fn remove_at(doc: &mut Value, ptr: &str) -> Result<Value, String> {
    let tokens = split_pointer(ptr)?;
    let (last, parents) = tokens.split_last().ok_or("cannot remove the root")?;
    match parent_mut(doc, parents)? {
        Value::Object(m) => m.remove(last).ok_or_else(|| format!("path {ptr} not found")),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| format!("bad index {last}"))?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(format!("index {i} out of range"))
            }
        }
        _ => Err(format!("path {ptr} not found")),
    }
}

fn add_at(doc: &mut Value, ptr: &str, value: Value, replace: bool) -> Result<(), String> {
    let tokens = split_pointer(ptr)?;
    let Some((last, parents)) = tokens.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent_mut(doc, parents)? {
        Value::Object(m) => {
            if replace && !m.contains_key(last) {
                return Err(format!("path {ptr} not found"));
            }
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(value);
                return Ok(());
            }
            let i: usize = last.parse().map_err(|_| format!("bad index {last}"))?;
            if replace {
                let slot = a.get_mut(i).ok_or_else(|| format!("index {i} out of range"))?;
                *slot = value;
            } else if i <= a.len() {
                a.insert(i, value);
            } else {
                return Err(format!("index {i} out of range"));
            }
            Ok(())
        }
        _ => Err(format!("path {ptr} not found")),
    }
}

/// RFC 6902 operations; an error message on the first failing operation.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("a JSON patch must be an array")?;
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).ok_or("missing op")?;
        let path = op.get("path").and_then(Value::as_str).ok_or("missing path")?;
        let value = || op.get("value").cloned().ok_or("missing value");
        let from = || op.get("from").and_then(Value::as_str).ok_or("missing from");
        match kind {
            "add" => add_at(doc, path, value()?, false)?,
            "replace" => add_at(doc, path, value()?, true)?,
            "remove" => {
                remove_at(doc, path)?;
            }
            "test" => {
                if pointer_get(doc, path)? != value()? {
                    return Err(format!("test failed at {path}"));
                }
            }
            "move" => {
                let v = remove_at(doc, from()?)?;
                add_at(doc, path, v, false)?;
            }
            "copy" => {
                let v = pointer_get(doc, from()?)?;
                add_at(doc, path, v, false)?;
            }
            other => return Err(format!("unknown op {other}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge() {
        let mut t = json!({"a": {"b": 1, "c": 2}, "l": [1, 2]});
        merge_patch(&mut t, &json!({"a": {"b": null, "d": 3}, "l": [3]}));
        assert_eq!(t, json!({"a": {"c": 2, "d": 3}, "l": [3]}));
    }

    #[test]
    fn strategic() {
        let mut t = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x", "env": [{"name": "E", "value": "1"}]},
            {"name": "b", "image": "y"}
        ], "tolerations": [{"key": "k"}]}}}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"template": {
            "metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "now"}},
            "spec": {
                "$setElementOrder/containers": [{"name": "a"}, {"name": "c"}],
                "containers": [
                    {"name": "a", "image": "x2", "env": [{"name": "F", "value": "2"}]},
                    {"name": "b", "$patch": "delete"},
                    {"name": "c", "image": "z"}
                ],
                "tolerations": [{"key": "j"}]
            }}}}),
        );
        let c = &t["spec"]["template"]["spec"]["containers"];
        assert_eq!(c.as_array().map(Vec::len), Some(2));
        assert_eq!(c[0]["image"], "x2");
        assert_eq!(c[0]["env"].as_array().map(Vec::len), Some(2));
        assert_eq!(c[1]["name"], "c");
        assert_eq!(
            t["spec"]["template"]["spec"]["tolerations"],
            json!([{"key": "j"}])
        );
        assert_eq!(
            t["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            "now"
        );
    }

    #[test]
    fn jsonpatch() {
        let mut d = json!({"metadata": {"labels": {"a": "1"}}, "l": [1]});
        json_patch(
            &mut d,
            &json!([
                {"op": "add", "path": "/metadata/labels/b~1c", "value": "2"},
                {"op": "remove", "path": "/metadata/labels/a"},
                {"op": "add", "path": "/l/-", "value": 2},
                {"op": "test", "path": "/l/0", "value": 1}
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d, json!({"metadata": {"labels": {"b/c": "2"}}, "l": [1, 2]}));
        assert!(json_patch(&mut d, &json!([{"op": "remove", "path": "/nope"}])).is_err());
        assert!(json_patch(&mut d, &json!({"op": "x"})).is_err());
    }
}

//! Strategic merge patch as far as istioctl's `k8s` patches need it
//! (k8s.io/apimachinery strategicpatch with the patch-merge keys of the core types): maps
//! merge, `null` deletes, lists with a merge key (containers, env, ports, volumes, ...) merge
//! by that key, every other list is replaced.
use serde_json::Value;

fn merge_key(field: &str, path: &[String]) -> Option<&'static str> {
    Some(match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => {
            "name"
        }
        "volumeMounts" => "mountPath",
        "hostAliases" => "ip",
        "ports" if path.iter().any(|p| p == "containers" || p == "initContainers") => "containerPort",
        "ports" => "port",
        _ => return None,
    })
}

pub fn patch(orig: &mut Value, patch: &Value) {
    apply(orig, patch, &mut Vec::new());
}

fn apply(orig: &mut Value, patch: &Value, path: &mut Vec<String>) {
    let (Value::Object(o), Value::Object(p)) = (&mut *orig, patch) else {
        *orig = patch.clone();
        return;
    };
    for (k, v) in p {
        if v.is_null() {
            o.remove(k);
            continue;
        }
        let key = merge_key(k, path);
        match (o.get_mut(k), v, key) {
            (Some(Value::Array(cur)), Value::Array(items), Some(key)) => {
                for item in items {
                    let id = item.get(key);
                    match cur.iter_mut().find(|c| c.get(key).is_some() && c.get(key) == id) {
                        Some(existing) => {
                            path.push(k.clone());
                            apply(existing, item, path);
                            path.pop();
                        }
                        None => cur.push(item.clone()),
                    }
                }
            }
            (Some(cur @ Value::Object(_)), Value::Object(_), _) => {
                path.push(k.clone());
                apply(cur, v, path);
                path.pop();
            }
            _ => {
                o.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_tolerations_replace() {
        let mut d = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2"}}}, {"name": "b"}],
            "tolerations": [{"key": "x"}]
        }}}});
        patch(
            &mut d,
            &json!({"spec": {"template": {"spec": {
                "containers": [{"name": "a", "resources": {"requests": {"cpu": "3"}}}],
                "tolerations": [{"key": "y"}]
            }}}}),
        );
        assert_eq!(
            d.pointer("/spec/template/spec/containers/0/resources"),
            Some(&json!({"requests": {"cpu": "3"}, "limits": {"cpu": "2"}}))
        );
        assert_eq!(
            d.pointer("/spec/template/spec/containers/1/name"),
            Some(&json!("b"))
        );
        assert_eq!(
            d.pointer("/spec/template/spec/tolerations"),
            Some(&json!([{"key": "y"}]))
        );
    }
}

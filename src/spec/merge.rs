//! istioup's merge rules (`MERGE_RULES_HELP`): maps deep, named lists by name, `null` deletes.
use serde_json::{Map, Value};

/// The key that marks a named list item for removal: `{name: X, $patch: delete}`.
pub const PATCH_KEY: &str = "$patch";
pub const PATCH_DELETE: &str = "delete";

/// Merges `overlay` onto `base` in place. Key order: `base`'s keys keep their place, new keys are
/// appended in the order the overlay lists them, so the output is deterministic.
pub fn merge(base: &mut Value, overlay: Value) {
    match overlay {
        Value::Object(overlay) => match base {
            Value::Object(base) => merge_maps(base, overlay),
            _ => *base = fresh(Value::Object(overlay)),
        },
        Value::Array(overlay) if is_named_list(&overlay) => match base {
            Value::Array(base) if base.is_empty() || is_named_list(base) => merge_named_lists(base, overlay),
            _ => *base = fresh(Value::Array(overlay)),
        },
        other => *base = fresh(other),
    }
}

fn merge_maps(base: &mut Map<String, Value>, overlay: Map<String, Value>) {
    for (key, value) in overlay {
        if value.is_null() {
            // shift_remove keeps the order of the remaining keys.
            base.shift_remove(&key);
        } else if let Some(slot) = base.get_mut(&key) {
            merge(slot, value);
        } else {
            base.insert(key, fresh(value));
        }
    }
}

fn merge_named_lists(base: &mut Vec<Value>, overlay: Vec<Value>) {
    for item in overlay {
        let position = base.iter().position(|old| item_key(old) == item_key(&item));
        match (is_delete(&item), position) {
            (true, Some(at)) => {
                base.remove(at);
            }
            // Deleting what is not there is not an error: the overlay's intent already holds.
            (true, None) => {}
            (false, Some(at)) => merge(&mut base[at], item),
            (false, None) => base.push(fresh(item)),
        }
    }
}

/// A value entering the tree for the first time, with the same rules applied as if it were
/// merged onto nothing: nulls dropped, deletions of named items dropped.
fn fresh(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, fresh(v)))
                .collect(),
        ),
        Value::Array(items) if is_named_list(&items) => {
            let mut out = Vec::new();
            merge_named_lists(&mut out, items);
            Value::Array(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(fresh).collect()),
        scalar => scalar,
    }
}

/// A non-empty list whose items are all maps with a string `name`: merged item by item.
pub fn is_named_list(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|item| item.get("name").is_some_and(Value::is_string))
}

/// What identifies an item of a named list: its `name`, and its `kind` when it has one
/// (k8s.overlays items name a Deployment and a Service the same way).
pub fn item_key(item: &Value) -> (Option<&str>, Option<&str>) {
    (
        item.get("kind").and_then(Value::as_str),
        item.get("name").and_then(Value::as_str),
    )
}

/// How a named item shows in a path: `[name=x]`, or `[kind=Service,name=x]`.
pub fn item_label(item: &Value) -> Option<String> {
    match item_key(item) {
        (Some(kind), Some(name)) => Some(format!("[kind={kind},name={name}]")),
        (None, Some(name)) => Some(format!("[name={name}]")),
        _ => None,
    }
}

fn is_delete(item: &Value) -> bool {
    item.get(PATCH_KEY).and_then(Value::as_str) == Some(PATCH_DELETE)
}

/// Checks of one layer that the merge relies on: `$patch` only as `$patch: delete` in an item of
/// a named list, and no name twice in one named list. Returns (path, problem) pairs.
pub fn check_lists(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == PATCH_KEY {
                    out.push((
                        format!("{path}.{key}"),
                        "`$patch` only works in an item of a list of named maps, as `$patch: delete`".into(),
                    ));
                } else {
                    check_lists(child, &format!("{path}.{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            let named = is_named_list(items);
            for (index, item) in items.iter().enumerate() {
                let label = item_label(item)
                    .filter(|_| named)
                    .unwrap_or_else(|| format!("[{index}]"));
                let item_path = format!("{path}{label}");
                if named
                    && items[..index]
                        .iter()
                        .any(|earlier| item_key(earlier) == item_key(item))
                {
                    out.push((
                        item_path.clone(),
                        "the same name appears twice in this list".into(),
                    ));
                }
                check_item(item, named, &item_path, out);
            }
        }
        _ => {}
    }
}

fn check_item(item: &Value, named: bool, path: &str, out: &mut Vec<(String, String)>) {
    let Some(map) = item.as_object() else {
        return check_lists(item, path, out);
    };
    if let Some(patch) = map.get(PATCH_KEY) {
        if !named {
            out.push((
                format!("{path}.{PATCH_KEY}"),
                "`$patch: delete` needs a list whose items all have a `name`".into(),
            ));
        } else if patch.as_str() != Some(PATCH_DELETE) {
            out.push((
                format!("{path}.{PATCH_KEY}"),
                format!("only `$patch: delete` is supported, not {patch}"),
            ));
        }
    }
    for (key, child) in map.iter().filter(|(k, _)| *k != PATCH_KEY) {
        check_lists(child, &format!("{path}.{key}"), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(base: Value, overlay: Value) -> Value {
        let mut out = base;
        merge(&mut out, overlay);
        out
    }

    #[test]
    fn rule1_maps_merge_recursively_and_later_scalars_win() {
        let out = merged(
            json!({"a": {"x": 1, "y": {"z": 1}}, "b": "old"}),
            json!({"a": {"y": {"w": 2}}, "b": "new"}),
        );
        assert_eq!(out, json!({"a": {"x": 1, "y": {"z": 1, "w": 2}}, "b": "new"}));
    }

    #[test]
    fn rule1_key_order_is_base_order_then_new_keys() {
        let out = merged(json!({"b": 1, "a": 1}), json!({"z": 2, "a": 2, "c": 2}));
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a", "z", "c"]);
    }

    #[test]
    fn rule2_named_lists_merge_by_name_and_append_new_names() {
        let out = merged(
            json!({"gw": [{"name": "a", "enabled": true, "k8s": {"x": 1}}, {"name": "b"}]}),
            json!({"gw": [{"name": "c"}, {"name": "a", "k8s": {"y": 2}}]}),
        );
        assert_eq!(
            out,
            json!({"gw": [{"name": "a", "enabled": true, "k8s": {"x": 1, "y": 2}}, {"name": "b"}, {"name": "c"}]})
        );
    }

    #[test]
    fn rule2_patch_delete_removes_an_item() {
        let out = merged(
            json!({"gw": [{"name": "a"}, {"name": "b"}]}),
            json!({"gw": [{"name": "a", "$patch": "delete"}, {"name": "zz", "$patch": "delete"}]}),
        );
        assert_eq!(out, json!({"gw": [{"name": "b"}]}));
    }

    #[test]
    fn rule2_items_with_kind_are_keyed_by_kind_and_name() {
        let out = merged(
            json!({"overlays": [{"kind": "Deployment", "name": "x", "patches": [1]}]}),
            json!({"overlays": [{"kind": "Service", "name": "x", "patches": [2]}, {"kind": "Deployment", "name": "x", "patches": [3]}]}),
        );
        assert_eq!(
            out,
            json!({"overlays": [
                {"kind": "Deployment", "name": "x", "patches": [3]},
                {"kind": "Service", "name": "x", "patches": [2]}
            ]})
        );
    }

    #[test]
    fn rule2_other_lists_and_empty_lists_are_replaced() {
        let tolerations = merged(json!({"t": [{"key": "a"}]}), json!({"t": [{"key": "b"}]}));
        assert_eq!(tolerations, json!({"t": [{"key": "b"}]}));
        let scalars = merged(json!({"l": [1, 2]}), json!({"l": [3]}));
        assert_eq!(scalars, json!({"l": [3]}));
        let emptied = merged(json!({"gw": [{"name": "a"}]}), json!({"gw": []}));
        assert_eq!(emptied, json!({"gw": []}));
        let mixed = merged(
            json!({"gw": [{"name": "a"}]}),
            json!({"gw": [{"name": "b"}, {"x": 1}]}),
        );
        assert_eq!(mixed, json!({"gw": [{"name": "b"}, {"x": 1}]}));
    }

    #[test]
    fn rule3_null_removes_the_key_even_in_new_subtrees() {
        let out = merged(
            json!({"a": {"x": 1, "y": 2}}),
            json!({"a": {"x": null}, "new": {"k": null, "v": 1}, "gone": null}),
        );
        assert_eq!(out, json!({"a": {"y": 2}, "new": {"v": 1}}));
    }

    #[test]
    fn a_map_replaces_a_scalar_and_the_other_way_round() {
        assert_eq!(
            merged(json!({"a": 1}), json!({"a": {"b": 1}})),
            json!({"a": {"b": 1}})
        );
        assert_eq!(merged(json!({"a": {"b": 1}}), json!({"a": 1})), json!({"a": 1}));
    }

    fn problems(value: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        check_lists(&value, "spec", &mut out);
        out
    }

    #[test]
    fn patch_outside_named_lists_is_reported() {
        assert_eq!(problems(json!({"a": {"$patch": "delete"}}))[0].0, "spec.a.$patch");
        assert_eq!(
            problems(json!({"l": [{"key": "x", "$patch": "delete"}]}))[0].0,
            "spec.l[0].$patch"
        );
        let replace = problems(json!({"l": [{"name": "x", "$patch": "replace"}]}));
        assert_eq!(replace[0].0, "spec.l[name=x].$patch");
        assert!(problems(json!({"l": [{"name": "x", "$patch": "delete"}]})).is_empty());
    }

    #[test]
    fn duplicate_names_in_one_layer_are_reported() {
        let found = problems(json!({"gw": [{"name": "x"}, {"name": "x"}]}));
        assert_eq!(
            found,
            [(
                "spec.gw[name=x]".to_string(),
                "the same name appears twice in this list".to_string()
            )]
        );
    }
}

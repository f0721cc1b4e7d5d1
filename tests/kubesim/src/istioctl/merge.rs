//! istioctl 1.24+ merge rules: maps merge deeply, lists and scalars are replaced whole; and the
//! `--set PATH=VALUE` path syntax (`a.b`, `a[0]`, `a.[name:foo]`, `\.` for a literal dot).
use serde_json::{Map, Value};

/// Merges `overlay` into `base`: objects recursively, everything else (lists included)
/// replaced. A `null` in the overlay changes nothing.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (_, Value::Null) => {}
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => deep_merge(existing, v),
                    Some(_) | None if v.is_null() => {}
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
    Select(String, String),
}

fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '.' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in split_path(path) {
        if part.is_empty() {
            return Err(format!("invalid path {path:?}: empty element"));
        }
        let (key, mut brackets) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part.as_str(), ""),
        };
        if !key.is_empty() {
            segs.push(Seg::Key(key.to_string()));
        }
        while !brackets.is_empty() {
            let Some(inner_end) = brackets.find(']') else {
                return Err(format!("invalid path {path:?}: unbalanced '['"));
            };
            let inner = brackets.get(1..inner_end).unwrap_or("");
            if let Some((k, v)) = inner.split_once(':') {
                segs.push(Seg::Select(k.trim().to_string(), v.trim().to_string()));
            } else {
                let idx = inner
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("invalid path {path:?}: bad index [{inner}]"))?;
                segs.push(Seg::Index(idx));
            }
            brackets = &brackets[inner_end + 1..];
            if !brackets.is_empty() && !brackets.starts_with('[') {
                return Err(format!("invalid path {path:?}: unexpected {brackets:?}"));
            }
        }
    }
    Ok(segs)
}

/// Types a `--set` value like istioctl: bool, int and float are recognised except for paths
/// ending in `tag` / `compatibilityVersion` or going through `proxyMetadata`.
pub fn typed_value(path: &str, raw: &str) -> Value {
    let last = split_path(path).pop().unwrap_or_default();
    let last_key = last.split('[').next().unwrap_or("");
    if last_key == "tag" || last_key == "compatibilityVersion" || path.contains("proxyMetadata") {
        return Value::String(raw.to_string());
    }
    match raw {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = raw.parse::<i64>() {
        return Value::from(i);
    }
    if raw.contains('.')
        && let Ok(f) = raw.parse::<f64>()
        && f.is_finite()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(raw.to_string())
}

/// Applies one `--set PATH=VALUE` to `root` (the IstioOperator spec).
pub fn apply_set(root: &mut Value, set: &str) -> Result<(), String> {
    let Some((path, raw)) = set.split_once('=') else {
        return Err(format!("--set {set:?}: expected PATH=VALUE"));
    };
    let path = path.trim();
    let segs = parse_path(path)?;
    if segs.is_empty() {
        return Err(format!("--set {set:?}: empty path"));
    }
    let value = typed_value(path, raw);
    set_at(root, &segs, value).map_err(|e| format!("--set {set:?}: {e}"))
}

fn set_at(node: &mut Value, segs: &[Seg], value: Value) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *node = value;
        return Ok(());
    };
    let next_container = || match rest.first() {
        Some(Seg::Index(_)) | Some(Seg::Select(..)) => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    };
    match first {
        Seg::Key(k) => {
            if !node.is_object() {
                *node = Value::Object(Map::new());
            }
            let Value::Object(map) = node else {
                return Err("not a map".to_string());
            };
            let child = map.entry(k.clone()).or_insert_with(next_container);
            if child.is_null() {
                *child = next_container();
            }
            set_at(child, rest, value)
        }
        Seg::Index(i) => {
            if !node.is_array() {
                *node = Value::Array(Vec::new());
            }
            let Value::Array(list) = node else {
                return Err("not a list".to_string());
            };
            if *i == list.len() {
                list.push(next_container());
            }
            match list.get_mut(*i) {
                Some(child) => set_at(child, rest, value),
                None => Err(format!("index {i} out of range (list has {})", list.len())),
            }
        }
        Seg::Select(k, v) => {
            if !node.is_array() {
                *node = Value::Array(Vec::new());
            }
            let Value::Array(list) = node else {
                return Err("not a list".to_string());
            };
            let pos = list
                .iter()
                .position(|e| e.get(k).and_then(Value::as_str) == Some(v.as_str()));
            let pos = match pos {
                Some(p) => p,
                None => {
                    let mut m = Map::new();
                    m.insert(k.clone(), Value::String(v.clone()));
                    list.push(Value::Object(m));
                    list.len() - 1
                }
            };
            match list.get_mut(pos) {
                Some(child) => set_at(child, rest, value),
                None => Err("selector failed".to_string()),
            }
        }
    }
}

/// Reads a path like `values.global.proxy.resources` (dots only).
pub fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(root, |node, key| node.get(key))
        .filter(|v| !v.is_null())
}

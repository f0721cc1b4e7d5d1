//! `--set PATH=VALUE` with istioctl's path syntax and value typing.

use serde_json::{Map, Value};

use super::Origin;
use super::path::Segment;
use super::validate;
use crate::error::{Error, Result};

/// A parsed `--set` (or a `--profile`/`--revision` shortcut): a path below `spec` and a typed value.
#[derive(Debug, Clone, PartialEq)]
pub struct SetArg {
    pub origin: Origin,
    pub path: Vec<Segment>,
    pub value: Value,
}

const SET_EXAMPLE: &str =
    "e.g. --set components.cni.enabled=true or --set values.global.hub=registry.example.com/istio";

/// Parses one `--set PATH=VALUE`. Every mistake is a usage error (exit 2) naming the flag.
pub fn parse_set(raw: &str) -> Result<SetArg> {
    let origin = Origin::Set(raw.to_string());
    let Some((path_text, value_text)) = raw.split_once('=') else {
        return Err(
            Error::usage(format!("{origin}: expected PATH=VALUE, found no '='")).with_hint(SET_EXAMPLE),
        );
    };
    let mut path = parse_path(path_text)
        .map_err(|problem| Error::usage(format!("{origin}: bad path: {problem}")).with_hint(SET_EXAMPLE))?;
    // Paths are relative to spec, as in istioctl; `spec.` in front is accepted too.
    if path.len() > 1 && path[0] == Segment::Key("spec".into()) {
        path.remove(0);
    }
    let value = typed(&path, value_text);
    let set = SetArg { origin, path, value };
    set.check()?;
    Ok(set)
}

impl SetArg {
    /// `--profile NAME` / `--revision NAME`: a top-level spec field set as a string.
    pub fn shortcut(key: &str, value: &str, origin: Origin) -> SetArg {
        SetArg {
            origin,
            path: vec![Segment::Key(key.to_string())],
            value: Value::String(value.to_string()),
        }
    }

    /// The profile this set chooses, if it sets `spec.profile`.
    pub fn sets_profile(&self) -> Option<String> {
        match (self.path.as_slice(), &self.value) {
            ([Segment::Key(key)], Value::String(name)) if key == "profile" => Some(name.clone()),
            ([Segment::Key(key)], other) if key == "profile" => Some(other.to_string()),
            _ => None,
        }
    }

    fn check(&self) -> Result<()> {
        if let Some(problem) = validate::set_path(&self.path, &self.value) {
            let err = Error::usage(format!("{}: {}: {}", self.origin, problem.path, problem.message));
            return Err(match problem.hint {
                Some(hint) => err.with_hint(hint),
                None => err,
            });
        }
        if let ([Segment::Key(key)], Value::String(name)) = (self.path.as_slice(), &self.value)
            && key == "revision"
        {
            validate::revision(name).map_err(|problem| {
                Error::usage(format!(
                    "{}: {name:?} is not a valid revision: {problem}",
                    self.origin
                ))
                .with_hint("use lowercase letters, digits and '-', e.g. revision=1-28-0")
            })?;
        }
        Ok(())
    }

    /// Writes the value into `iop.spec`, creating maps and lists on the way.
    pub fn apply(&self, iop: &mut Value) -> Result<()> {
        let Value::Object(root) = iop else {
            return Err(Error::failed("the merged IstioOperator is not a map"));
        };
        let spec = root.entry("spec").or_insert_with(|| Value::Object(Map::new()));
        write(spec, &self.path, self.value.clone(), "spec")
            .map_err(|problem| Error::usage(format!("{}: {problem}", self.origin)))
    }
}

/// Splits `a.b[0].[name:x].c\.d` into segments.
/// No IstioOperator field lies deeper than this; a longer path is a mistake, not a setting.
const MAX_SEGMENTS: usize = 64;

pub fn parse_path(text: &str) -> std::result::Result<Vec<Segment>, String> {
    if text.is_empty() {
        return Err("the path is empty".into());
    }
    let parts = text.matches(['.', '[']).count() + 1;
    if parts > MAX_SEGMENTS {
        return Err(format!(
            "the path has {parts} parts; no IstioOperator field is more than {MAX_SEGMENTS} deep"
        ));
    }
    let mut segments = Vec::new();
    for piece in split_dots(text) {
        if piece.is_empty() {
            return Err(format!(
                "`{text}` has an empty part (two dots in a row, or a dot at the start or end)"
            ));
        }
        parse_piece(&piece, &mut segments)?;
    }
    Ok(segments)
}

/// Splits on dots that are neither escaped (`\.`) nor inside brackets (`[name:a.b]`).
fn split_dots(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                chars.next();
                // Marks an escaped dot so bracket parsing below never mistakes it.
                current.push(ESCAPED_DOT);
            }
            '[' => {
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            '.' if depth == 0 => pieces.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    pieces.push(current);
    pieces
}

const ESCAPED_DOT: char = '\u{0}';

fn parse_piece(piece: &str, out: &mut Vec<Segment>) -> std::result::Result<(), String> {
    let (key, mut rest) = match piece.find('[') {
        Some(at) => piece.split_at(at),
        None => (piece, ""),
    };
    if !key.is_empty() {
        out.push(Segment::Key(key.replace(ESCAPED_DOT, ".")));
    } else if out.is_empty() {
        return Err(format!(
            "`{piece}` cannot start the path: name a key first, e.g. components.ingressGateways[0]"
        ));
    }
    while !rest.is_empty() {
        let Some(end) = rest.find(']').filter(|_| rest.starts_with('[')) else {
            return Err(format!(
                "`{piece}`: expected [INDEX] or [KEY:VALUE], e.g. [0] or [name:istio-ingressgateway]"
            ));
        };
        out.push(bracket(&rest[1..end].replace(ESCAPED_DOT, "."))?);
        rest = &rest[end + 1..];
    }
    Ok(())
}

fn bracket(inside: &str) -> std::result::Result<Segment, String> {
    if let Ok(index) = inside.parse::<usize>() {
        return Ok(Segment::Index(index));
    }
    match inside.split_once(':') {
        Some((key, value)) if !key.is_empty() => Ok(Segment::Select {
            key: key.to_string(),
            value: value.to_string(),
        }),
        _ => Err(format!(
            "`[{inside}]` is neither an index like [0] nor a selector like [name:istio-ingressgateway]"
        )),
    }
}

/// istioctl's typing: an integer, else a float, else a boolean (Go's ParseBool spellings), else a
/// string with `\,` unescaped. `tag`, `compatibilityVersion` and `proxyMetadata.*` always stay
/// strings, and so do values of Kubernetes string maps (node selectors, annotations).
fn typed(path: &[Segment], text: &str) -> Value {
    if always_string(path) || validate::wants_string(path) {
        return Value::String(text.to_string());
    }
    if let Ok(int) = text.parse::<i64>() {
        return Value::from(int);
    }
    if let Some(float) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
        return Value::from(float);
    }
    match text {
        "true" | "True" | "TRUE" | "t" | "T" => Value::Bool(true),
        "false" | "False" | "FALSE" | "f" | "F" => Value::Bool(false),
        _ => Value::String(text.replace("\\,", ",")),
    }
}

fn always_string(path: &[Segment]) -> bool {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    let last_is_string =
        matches!(path.last(), Some(Segment::Key(k)) if k == "tag" || k == "compatibilityVersion");
    let under_proxy_metadata = keys.iter().rev().skip(1).any(|k| *k == "proxyMetadata");
    last_is_string || under_proxy_metadata
}

fn write(node: &mut Value, path: &[Segment], value: Value, shown: &str) -> std::result::Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *node = value;
        return Ok(());
    };
    let here = match first {
        Segment::Key(key) => format!("{shown}.{key}"),
        other => format!("{shown}{other}"),
    };
    let child = match first {
        Segment::Key(key) => {
            let Value::Object(map) = node else {
                return Err(format!("{shown} is {}, so it cannot hold `{key}`", kind(node)));
            };
            map.entry(key.clone()).or_insert_with(|| container_for(rest))
        }
        Segment::Index(index) => {
            let Value::Array(items) = node else {
                return Err(format!("{shown} is {}, so {first} does not apply", kind(node)));
            };
            if *index >= items.len() {
                // Like istioctl: an index past the end appends a new item.
                items.push(container_for(rest));
                let last = items.len() - 1;
                &mut items[last]
            } else {
                &mut items[*index]
            }
        }
        Segment::Select { key, value: wanted } => {
            let Value::Array(items) = node else {
                return Err(format!("{shown} is {}, so {first} does not apply", kind(node)));
            };
            let matches = |item: &Value| item.get(key).is_some_and(|v| validate::scalar_text(v) == *wanted);
            items
                .iter_mut()
                .find(|item| matches(item))
                .ok_or_else(|| format!("{shown} has no item with {key}: {wanted}"))?
        }
    };
    write(child, rest, value, &here)
}

/// What to create for a missing step: a list before `[...]`, a map before a key.
fn container_for(rest: &[Segment]) -> Value {
    match rest.first() {
        Some(Segment::Index(_) | Segment::Select { .. }) => Value::Array(Vec::new()),
        Some(Segment::Key(_)) => Value::Object(Map::new()),
        None => Value::Null,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn path_syntax_follows_istioctl() {
        assert_eq!(parse_path("a.b").unwrap(), [key("a"), key("b")]);
        assert_eq!(
            parse_path("a[0].b").unwrap(),
            [key("a"), Segment::Index(0), key("b")]
        );
        let select = Segment::Select {
            key: "name".into(),
            value: "foo".into(),
        };
        assert_eq!(
            parse_path("a.[name:foo].b").unwrap(),
            [key("a"), select.clone(), key("b")]
        );
        assert_eq!(parse_path("a[name:foo].b").unwrap(), [key("a"), select, key("b")]);
        assert_eq!(
            parse_path(r"n.kubernetes\.io/os").unwrap(),
            [key("n"), key("kubernetes.io/os")]
        );
        assert_eq!(
            parse_path("a[1][2]").unwrap(),
            [key("a"), Segment::Index(1), Segment::Index(2)]
        );
    }

    #[test]
    fn bad_paths_say_what_is_wrong() {
        for bad in [
            "", "a..b", ".a", "a.", "a[", "a[x]", "a[0]b", "[0]", "a[-1]", "a[:x]",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn values_are_typed_like_istioctl() {
        let p = |text: &str| parse_path(text).unwrap();
        assert_eq!(typed(&p("values.x"), "3"), json!(3));
        assert_eq!(typed(&p("values.x"), "-3"), json!(-3));
        assert_eq!(typed(&p("values.x"), "1.5"), json!(1.5));
        assert_eq!(typed(&p("values.x"), "true"), json!(true));
        assert_eq!(typed(&p("values.x"), "False"), json!(false));
        assert_eq!(typed(&p("values.x"), "yes"), json!("yes"));
        assert_eq!(typed(&p("values.x"), "inf"), json!("inf"));
        assert_eq!(typed(&p("values.x"), r"a\,b"), json!("a,b"));
        assert_eq!(typed(&p("values.x"), ""), json!(""));
        assert_eq!(typed(&p("tag"), "1.20"), json!("1.20"));
        assert_eq!(typed(&p("values.global.tag"), "1.20"), json!("1.20"));
        assert_eq!(typed(&p("compatibilityVersion"), "1.24"), json!("1.24"));
        assert_eq!(
            typed(
                &p("meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE"),
                "true"
            ),
            json!("true")
        );
        assert_eq!(
            typed(&p(r"components.pilot.k8s.nodeSelector.infra"), "true"),
            json!("true")
        );
    }

    #[test]
    fn set_needs_an_equals_sign_and_a_good_path() {
        for bad in [
            "components.cni.enabled",
            "=x",
            "a..b=1",
            "components.ingresGateways[0].enabled=true",
        ] {
            let err = parse_set(bad).unwrap_err();
            assert_eq!(err.kind().code(), 2, "{bad}");
            assert!(
                err.message().starts_with(&format!("--set {bad}:")),
                "{}",
                err.message()
            );
        }
    }

    #[test]
    fn set_revision_must_be_a_label() {
        assert_eq!(parse_set("revision=Bad_Rev").unwrap_err().kind().code(), 2);
        assert!(parse_set("revision=canary").is_ok());
    }

    fn applied(tree: Value, raw: &str) -> Result<Value> {
        let mut tree = tree;
        parse_set(raw)?.apply(&mut tree)?;
        Ok(tree)
    }

    #[test]
    fn leading_spec_is_accepted() {
        let tree = applied(json!({"spec": {}}), "spec.values.global.hub=x").unwrap();
        assert_eq!(tree, json!({"spec": {"values": {"global": {"hub": "x"}}}}));
    }

    #[test]
    fn set_selects_by_name_and_index_and_appends_past_the_end() {
        let tree = json!({"spec": {"components": {"ingressGateways": [{"name": "a"}, {"name": "b"}]}}});
        let tree = applied(tree, "components.ingressGateways[name:b].k8s.replicaCount=2").unwrap();
        let tree = applied(tree, "components.ingressGateways[0].enabled=false").unwrap();
        let tree = applied(tree, "components.ingressGateways[5].name=c").unwrap();
        assert_eq!(
            tree["spec"]["components"]["ingressGateways"],
            json!([{"name": "a", "enabled": false}, {"name": "b", "k8s": {"replicaCount": 2}}, {"name": "c"}])
        );
    }

    #[test]
    fn set_into_a_scalar_or_a_missing_item_is_a_usage_error() {
        let tree = json!({"spec": {"profile": "demo", "components": {"ingressGateways": [{"name": "a"}]}}});
        let err = applied(tree.clone(), "profile.x=1").unwrap_err();
        assert_eq!(err.kind().code(), 2);
        assert_eq!(
            err.message(),
            "--set profile.x=1: spec.profile is a string, so it cannot hold `x`"
        );
        let err = applied(tree, "components.ingressGateways[name:zz].enabled=true").unwrap_err();
        assert_eq!(
            err.message(),
            "--set components.ingressGateways[name:zz].enabled=true: spec.components.ingressGateways has no item with name: zz"
        );
    }

    #[test]
    fn sets_profile_reads_the_profile_path_only() {
        assert_eq!(
            parse_set("profile=demo").unwrap().sets_profile().as_deref(),
            Some("demo")
        );
        assert_eq!(
            parse_set("spec.profile=ambient")
                .unwrap()
                .sets_profile()
                .as_deref(),
            Some("ambient")
        );
        assert_eq!(parse_set("values.profile=demo").unwrap().sets_profile(), None);
    }
}

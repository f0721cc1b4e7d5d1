//! Reading overlay files (and `-`, stdin) into checked layers. Every failure names the file, the
//! line and column where there is one, and what to do about it.
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::base::{API_VERSION, KIND};
use super::validate::{self, Problem};
use super::{Origin, merge};
use crate::error::{Error, Result};

/// An IstioOperator overlay is a few KiB; anything this big is the wrong file.
pub const MAX_OVERLAY_BYTES: u64 = 1024 * 1024;

const WANT_IOP: &str = "an overlay is one full IstioOperator: `apiVersion: install.istio.io/v1alpha1`, \
`kind: IstioOperator`, and your settings under `spec:`";

/// One overlay file, parsed and checked.
#[derive(Debug, Clone)]
pub struct Layer {
    pub origin: Origin,
    pub value: Value,
}

/// Loads every `-f` in order. `-` may appear once: stdin cannot be read twice.
pub fn load_all(paths: &[PathBuf], stdin: &mut dyn Read) -> Result<Vec<Layer>> {
    let dashes = paths.iter().filter(|p| is_stdin(p)).count();
    if dashes > 1 {
        return Err(Error::usage(format!(
            "-f - is given {dashes} times, but stdin can be read only once"
        ))
        .with_hint("pass -f - once, and save any other overlay to a file"));
    }
    paths.iter().map(|path| load(path, stdin)).collect()
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn load(path: &Path, stdin: &mut dyn Read) -> Result<Layer> {
    let (origin, name, bytes) = if is_stdin(path) {
        (Origin::Stdin, "stdin".to_string(), read_capped(stdin, "stdin")?)
    } else {
        let name = path.display().to_string();
        let bytes = read_file(path, &name)?;
        (Origin::File(name.clone()), name, bytes)
    };
    let text = decode(&bytes, &name)?;
    let value = parse(text, &name)?;
    check_document(&value, &origin)?;
    Ok(Layer { origin, value })
}

fn read_file(path: &Path, name: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        let err = if e.kind() == std::io::ErrorKind::NotFound {
            Error::failed(format!("overlay {name} does not exist"))
        } else {
            Error::failed(format!("cannot read overlay {name}")).with_source(e)
        };
        err.with_hint("check the path; -f takes a YAML file, or - for stdin")
    })?;
    if meta.is_dir() {
        return Err(
            Error::failed(format!("overlay {name} is a directory, not a file")).with_hint(format!(
                "pass its files one by one: -f {name}/a.yaml -f {name}/b.yaml"
            )),
        );
    }
    if meta.len() > MAX_OVERLAY_BYTES {
        return Err(too_big(name, &format!("{} bytes", meta.len())));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Error::failed(format!("cannot read overlay {name}")).with_source(e))?;
    read_capped(&mut std::io::BufReader::new(file), name)
}

/// Reads at most one byte more than the limit, so a huge stdin (or a file that grew) is refused
/// without being held in memory.
fn read_capped(reader: &mut dyn Read, name: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_OVERLAY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::failed(format!("cannot read overlay {name}")).with_source(e))?;
    if bytes.len() as u64 > MAX_OVERLAY_BYTES {
        return Err(too_big(name, "more than 1 MiB"));
    }
    Ok(bytes)
}

/// `size` is what we know: the exact length from the file system, or "more than 1 MiB" from a
/// read that stopped at the limit.
fn too_big(name: &str, size: &str) -> Error {
    Error::failed(format!("overlay {name} is {size}; the limit is 1 MiB"))
        .with_hint("an IstioOperator overlay is a few KiB: check that this is the right file")
}

fn decode<'a>(bytes: &'a [u8], name: &str) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1);
        // valid_up_to ends on a character boundary, so this slice is valid UTF-8.
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        let byte = bytes[e.valid_up_to()];
        Error::failed(format!(
            "{name}:{line}:{column}: not UTF-8 text (byte 0x{byte:02X})"
        ))
        .with_hint("save the overlay as UTF-8")
    })
}

/// YAML as istioctl reads it (YAML 1.1 scalars: yes/no/on/off are booleans, 0755 is octal),
/// within serde-saphyr's default budgets, which stop alias bombs.
fn parse(text: &str, name: &str) -> Result<Value> {
    let options = serde_saphyr::options! { legacy_octal_numbers: true };
    let value: Value =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| yaml_error(&e, name))?;
    if value.is_null() {
        return Err(Error::failed(format!("overlay {name} is empty")).with_hint(WANT_IOP));
    }
    Ok(value)
}

fn yaml_error(err: &serde_saphyr::Error, name: &str) -> Error {
    use serde_saphyr::MessageFormatter;
    let plain = err.without_snippet();
    let at = plain
        .location()
        .map(|l| format!("{name}:{}:{}", l.line(), l.column()))
        .unwrap_or_else(|| name.to_string());
    if matches!(plain, serde_saphyr::Error::MultipleDocuments { .. }) {
        return Error::failed(format!("{at}: a second YAML document starts here"))
            .with_hint("put one IstioOperator in each file and pass -f once per file");
    }
    match original(plain) {
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().map(|k| format!("`{k}` ")).unwrap_or_default();
            return Error::failed(format!("{at}: the key {key}appears twice in the same mapping"))
                .with_hint("keep one of them: istioctl would silently use only the last");
        }
        serde_saphyr::Error::Budget { breach, .. } => {
            return Error::failed(format!(
                "{at}: the YAML is too big to be an overlay ({}); nothing was read",
                budget_breach(breach)
            ))
            .with_hint("an overlay is a few kilobytes: check the file is the one you meant (anchors and aliases that repeat each other grow a file without bounds)");
        }
        _ => {}
    }
    let message = serde_saphyr::DefaultMessageFormatter.format_message(plain);
    Error::failed(format!("{at}: invalid YAML: {message}")).with_hint("fix the YAML at that line and column")
}

/// The error under serde-saphyr's wrappers (an alias's locations, a source snippet).
fn original(mut err: &serde_saphyr::Error) -> &serde_saphyr::Error {
    loop {
        match err {
            serde_saphyr::Error::AliasError { error, .. }
            | serde_saphyr::Error::WithSnippet { error, .. } => err = error,
            other => return other,
        }
    }
}

/// A YAML budget breach said in words, not as the library's debug dump.
fn budget_breach(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Events { events } => format!("more than {events} YAML events"),
        B::Aliases { aliases } => format!("more than {aliases} aliases"),
        B::Anchors { anchors } => format!("more than {anchors} anchors"),
        B::Depth { depth } => format!("nested more than {depth} levels deep"),
        B::Nodes { nodes } => format!("more than {nodes} values once aliases are expanded"),
        B::ScalarBytes { .. } => "a value longer than the limit".to_string(),
        B::InputBytes { .. } => "more input than the limit".to_string(),
        B::AliasAnchorRatio { .. } => "far more aliases than anchors".to_string(),
        _ => "over one of the parser's limits".to_string(),
    }
}

fn check_document(value: &Value, origin: &Origin) -> Result<()> {
    let Some(map) = value.as_object() else {
        let found = match value {
            Value::Array(_) => "a list",
            Value::String(_) => "a string",
            _ => "a single value",
        };
        return Err(Error::failed(format!(
            "{origin}: the top level is {found}, not an IstioOperator"
        ))
        .with_hint(WANT_IOP));
    };
    match (map.get("apiVersion"), map.get("kind")) {
        (None, None) => {
            return Err(Error::failed(format!(
                "{origin} is not an IstioOperator: it has no apiVersion and kind"
            ))
            .with_hint(format!(
                "add `apiVersion: {API_VERSION}` and `kind: {KIND}` at the top and put your settings under `spec:`"
            )));
        }
        (api_version, kind) => {
            expect_field(origin, "apiVersion", api_version, API_VERSION)?;
            expect_field(origin, "kind", kind, KIND)?;
        }
    }
    let mut problems = validate::document(value);
    let mut list_problems = Vec::new();
    if let Some(spec) = map.get("spec") {
        merge::check_lists(spec, "spec", &mut list_problems);
        problems.extend(list_problems.into_iter().map(|(path, message)| Problem {
            path,
            message,
            hint: None,
        }));
        problems.extend(revision_problem(spec));
    }
    report(origin, problems)
}

fn expect_field(origin: &Origin, field: &str, found: Option<&Value>, wanted: &str) -> Result<()> {
    match found {
        Some(Value::String(s)) if s == wanted => Ok(()),
        Some(other) => Err(
            Error::failed(format!("{origin}: {field} is {other}, expected {wanted}")).with_hint(format!(
                "istioup overlays are IstioOperators: set `{field}: {wanted}`"
            )),
        ),
        None => Err(Error::failed(format!("{origin}: {field} is missing"))
            .with_hint(format!("add `{field}: {wanted}` at the top"))),
    }
}

fn revision_problem(spec: &Value) -> Option<Problem> {
    let problem = match spec.get("revision")? {
        Value::Null => return None,
        Value::String(name) => validate::revision(name).err()?,
        other => format!("must be a string, not {other}"),
    };
    Some(Problem {
        path: "spec.revision".into(),
        message: format!("not a valid revision: {problem}"),
        hint: Some("use lowercase letters, digits and '-', e.g. revision: 1-28-0".into()),
    })
}

/// All problems of one layer in one error, so a CI run shows every typo at once.
pub fn report(origin: &Origin, problems: Vec<Problem>) -> Result<()> {
    let mut problems = problems.into_iter();
    let Some(first) = problems.next() else {
        return Ok(());
    };
    let mut message = format!("{origin}: {}: {}", first.path, first.message);
    for more in problems {
        message.push_str(&format!("\n  and {}: {}", more.path, more.message));
        if let Some(hint) = more.hint {
            message.push_str(&format!(" ({hint})"));
        }
    }
    let err = Error::failed(message);
    Err(match first.hint {
        Some(hint) => err.with_hint(hint),
        None => err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IOP: &str = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n";

    fn from_stdin(text: &[u8]) -> Result<Vec<Layer>> {
        load_all(&[PathBuf::from("-")], &mut &text[..])
    }

    fn message(text: &[u8]) -> String {
        let err = from_stdin(text).unwrap_err();
        assert_eq!(err.kind().code(), 1, "{}", err.message());
        err.message().to_string()
    }

    #[test]
    fn a_full_istio_operator_loads() {
        let layers = from_stdin(format!("{IOP}spec:\n  profile: demo\n").as_bytes()).unwrap();
        assert_eq!(layers[0].origin, Origin::Stdin);
        assert_eq!(layers[0].value["spec"]["profile"], "demo");
    }

    #[test]
    fn yaml_typing_follows_istioctl_and_quotes_keep_strings() {
        let text = format!(
            "{IOP}spec:\n  unvalidatedValues:\n    a: yes\n    b: on\n    c: 0755\n    d: \"1.20\"\n    e: '0755'\n    f: 1.20\n    g: \"true\"\n"
        );
        let layers = from_stdin(text.as_bytes()).unwrap();
        let v = &layers[0].value["spec"]["unvalidatedValues"];
        assert_eq!(v["a"], true);
        assert_eq!(v["b"], true);
        assert_eq!(v["c"], 493);
        assert_eq!(v["d"], "1.20");
        assert_eq!(v["e"], "0755");
        assert_eq!(v["f"], 1.2);
        assert_eq!(v["g"], "true");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let text = format!("{IOP}spec:\n  values: [1,\n");
        assert!(message(text.as_bytes()).starts_with("stdin:4:11: invalid YAML: "));
    }

    #[test]
    fn several_documents_are_refused() {
        let text = format!("{IOP}spec: {{}}\n---\n{IOP}");
        assert_eq!(
            message(text.as_bytes()),
            "stdin:5:1: a second YAML document starts here"
        );
    }

    #[test]
    fn empty_and_comment_only_input_is_refused() {
        assert_eq!(message(b""), "overlay stdin is empty");
        assert_eq!(message(b"# nothing here\n"), "overlay stdin is empty");
    }

    #[test]
    fn non_istio_operators_are_refused() {
        assert_eq!(
            message(b"- a\n- b\n"),
            "overlay - (stdin): the top level is a list, not an IstioOperator"
        );
        assert_eq!(
            message(b"spec:\n  profile: demo\n"),
            "overlay - (stdin) is not an IstioOperator: it has no apiVersion and kind"
        );
        assert_eq!(
            message(b"apiVersion: install.istio.io/v1alpha1\nkind: Deployment\n"),
            "overlay - (stdin): kind is \"Deployment\", expected IstioOperator"
        );
        assert_eq!(
            message(b"apiVersion: operator.istio.io/v1\nkind: IstioOperator\n"),
            "overlay - (stdin): apiVersion is \"operator.istio.io/v1\", expected install.istio.io/v1alpha1"
        );
        assert_eq!(
            message(b"kind: IstioOperator\n"),
            "overlay - (stdin): apiVersion is missing"
        );
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let mut bytes = format!("{IOP}spec:\n  hub: caf\u{e9}").into_bytes();
        bytes.push(0xff);
        assert_eq!(message(&bytes), "stdin:4:12: not UTF-8 text (byte 0xFF)");
    }

    #[test]
    fn input_over_one_mebibyte_is_refused() {
        let mut big = IOP.as_bytes().to_vec();
        big.extend(std::iter::repeat_n(b'#', MAX_OVERLAY_BYTES as usize));
        assert_eq!(
            message(&big),
            "overlay stdin is more than 1 MiB; the limit is 1 MiB"
        );
    }

    #[test]
    fn stdin_twice_is_a_usage_error() {
        let err = load_all(&[PathBuf::from("-"), PathBuf::from("-")], &mut &b""[..]).unwrap_err();
        assert_eq!(err.kind().code(), 2);
    }

    #[test]
    fn all_problems_of_a_layer_are_reported_together() {
        let text = format!(
            "{IOP}spec:\n  components:\n    ingresGateways: []\n    pilot:\n      k8s:\n        nodeSelectr: {{}}\n  revision: Bad\n"
        );
        let err = from_stdin(text.as_bytes()).unwrap_err();
        assert_eq!(
            err.message(),
            "overlay - (stdin): spec.components.ingresGateways: unknown key `ingresGateways`\n  \
             and spec.components.pilot.k8s.nodeSelectr: unknown key `nodeSelectr` (did you mean `nodeSelector`? \
             Keys allowed in spec.components.pilot.k8s: affinity, env, hpaSpec, imagePullPolicy, nodeSelector, \
             podDisruptionBudget, podAnnotations, priorityClassName, readinessProbe, replicaCount, resources, \
             service, strategy, tolerations, serviceAnnotations, securityContext, volumes, volumeMounts, overlays)\n  \
             and spec.revision: not a valid revision: only lowercase letters, digits and '-' are allowed \
             (use lowercase letters, digits and '-', e.g. revision: 1-28-0)"
        );
        assert!(err.hint().unwrap().starts_with("did you mean `ingressGateways`?"));
    }

    #[test]
    fn a_duplicate_key_is_named_with_its_line_in_plain_words() {
        let text = format!("{IOP}spec:\n  profile: default\n  profile: demo\n");
        let err = message(text.as_bytes());
        assert!(err.contains("the key `profile` appears twice"), "{err}");
        assert!(err.contains(":6:") || err.contains(":5:"), "{err}");
        assert!(!err.contains("DuplicateKeyPolicy"), "{err}");
    }

    #[test]
    fn alias_bombs_hit_the_budget_instead_of_memory() {
        let mut text = format!("{IOP}spec:\n  values:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut previous = 'a';
        for name in 'b'..='j' {
            let refs = vec![format!("*{previous}"); 10].join(", ");
            text.push_str(&format!("    {name}: &{name} [{refs}]\n"));
            previous = name;
        }
        let err = message(text.as_bytes());
        assert!(err.contains("too big to be an overlay"), "{err}");
        assert!(!err.contains("{ ") && !err.contains("budget breached"), "{err}");
    }
}

//! The source layout keeps its promise (lib.rs's map): imports point one way, down the flow,
//! with no circle between files; verb files and functions stay short; kubesim's API server and
//! its istioctl stand-in do not import each other.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The folders of `src/` in flow order: a module may use its own folder and those before it.
const LAYERS: &[&[&str]] = &[
    &["error", "util", "k8s", "istio"],
    &["cli"],
    &["target"],
    &["spec"],
    &["facts"],
    &["judge"],
    &["act"],
    &["ui"],
    &["cmd"],
];
const MAX_VERB_FILE_LINES: usize = 270;
const MAX_FUNCTION_LINES: usize = 90;

fn rank(top: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&top))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("readable directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `src/facts/mesh.rs` → `facts::mesh`; `src/act/istioctl/mod.rs` → `act::istioctl`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// Code without comments, so a doc line naming `crate::x` is not an import.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path a file refers to through `crate::` or `super::`, resolved to a path from
/// the crate root (`crate::{a, b::c}` yields both).
fn references(module: &[String], text: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for (start, prefix) in text
        .match_indices("crate::")
        .map(|(i, _)| (i, "crate::"))
        .chain(text.match_indices("super::").map(|(i, _)| (i, "super::")))
    {
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        if prefix == "super::" && start >= 7 && &text[start - 7..start] == "crate::" {
            continue;
        }
        let mut base: Vec<String> = if prefix == "crate::" {
            Vec::new()
        } else {
            // In `a/b.rs` and in `a/b/mod.rs` alike (module `a::b`), `super` is `a`.
            module[..module.len().saturating_sub(1)].to_vec()
        };
        let mut rest = &text[start + prefix.len()..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let path: Vec<String> = item
                    .trim()
                    .split("::")
                    .map(|s| s.trim().to_string())
                    .take_while(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .collect();
                if !path.is_empty() && path[0] != "self" {
                    out.insert([base.clone(), path].concat());
                }
            }
            continue;
        }
        // `a::b::f(x)`: identifiers up to the first part that is more than one.
        let mut path = Vec::new();
        for part in rest.split("::") {
            let ident: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() {
                break;
            }
            let whole = ident.len() == part.len();
            path.push(ident);
            if !whole {
                break;
            }
        }
        out.insert([base, path].concat());
    }
    out
}

struct Graph {
    /// module → the modules it refers to, as known modules (longest known prefix).
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph(src: &Path) -> Graph {
    let files = rust_files(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).expect("readable source");
        let mut targets = BTreeSet::new();
        for reference in references(&module, &code(&text)) {
            // The longest prefix that is a module file: `facts::mesh::Inventory` → `facts::mesh`.
            let known = (1..=reference.len())
                .rev()
                .map(|n| reference[..n].to_vec())
                .find(|p| modules.contains(p));
            if let Some(target) = known
                && target != module
                && !target.is_empty()
            {
                targets.insert(target);
            }
        }
        edges.insert(module, targets);
    }
    Graph { edges }
}

#[test]
fn imports_point_down_the_flow() {
    let src = root().join("src");
    let graph = graph(&src);
    let mut wrong = Vec::new();
    for (from, targets) in &graph.edges {
        let Some(from_top) = from.first() else {
            continue; // lib.rs and main.rs sit above every folder.
        };
        let from_rank = rank(from_top).unwrap_or_else(|| panic!("src/{from_top} is in no layer of LAYERS"));
        for to in targets {
            let to_rank = rank(&to[0]).unwrap_or_else(|| panic!("src/{} is in no layer of LAYERS", to[0]));
            let same_folder = from_top == &to[0];
            let allowed = to_rank < from_rank
                || same_folder
                || (to_rank == from_rank && LAYERS[0].contains(&to[0].as_str()));
            if !allowed {
                wrong.push(format!(
                    "{} uses {} (up the flow)",
                    from.join("::"),
                    to.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn istio_vocabulary_depends_on_nothing_of_the_crate() {
    let src = root().join("src");
    let graph = graph(&src);
    for (from, targets) in &graph.edges {
        if from.first().is_some_and(|t| t == "istio") {
            let outside: Vec<String> = targets
                .iter()
                .filter(|t| t[0] != "istio")
                .map(|t| t.join("::"))
                .collect();
            assert!(outside.is_empty(), "{} uses {outside:?}", from.join("::"));
        }
    }
}

/// Depth-first search for a circle among module files.
fn find_cycle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[at..].iter().map(|n| n.join("::")).collect();
                    cycle.push(next.join("::"));
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(node, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_circle_between_files() {
    let graph = graph(&root().join("src"));
    // A folder's mod.rs names its children; only references between files count.
    let edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = graph
        .edges
        .iter()
        .map(|(from, to)| {
            let to = to.iter().filter(|t| !from.starts_with(t)).cloned().collect();
            (from.clone(), to)
        })
        .collect();
    if let Some(cycle) = find_cycle(&edges) {
        panic!("import circle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_checker_sees_a_violation() {
    // The parser above must catch the forms the code uses, or the layout tests pass vacuously.
    let module = vec!["facts".to_string(), "mesh".to_string()];
    let refs = references(
        &module,
        "use crate::{ui::output, act};\nuse super::pods::PodInfo;\nlet x = crate::judge::status::judge();",
    );
    for expected in [
        vec!["ui", "output"],
        vec!["act"],
        vec!["facts", "pods", "PodInfo"],
        vec!["judge", "status", "judge"],
    ] {
        let expected: Vec<String> = expected.into_iter().map(String::from).collect();
        assert!(
            refs.iter()
                .any(|r| r.starts_with(&expected[..expected.len().min(2)])),
            "{expected:?} not found in {refs:?}"
        );
    }
    let mut edges = BTreeMap::new();
    edges.insert(vec!["a".to_string()], BTreeSet::from([vec!["b".to_string()]]));
    edges.insert(vec!["b".to_string()], BTreeSet::from([vec!["a".to_string()]]));
    assert!(find_cycle(&edges).is_some());
}

/// `(name, lines)` of every `fn` longer than `max`, outside test modules.
fn long_functions(text: &str, max: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let tests_from = lines
        .iter()
        .position(|l| l.starts_with("#[cfg(test)]"))
        .unwrap_or(lines.len());
    let mut out = Vec::new();
    for (i, line) in lines[..tests_from].iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let signature = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
        ]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p));
        let Some(rest) = signature else { continue };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let closing = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == closing) {
            let length = end + 2;
            if length > max {
                out.push((name, length));
            }
        }
    }
    out
}

#[test]
fn verb_files_and_functions_stay_short() {
    let src = root().join("src");
    let mut problems = Vec::new();
    for file in rust_files(&src.join("cmd")) {
        let lines = std::fs::read_to_string(&file).expect("readable").lines().count();
        if lines > MAX_VERB_FILE_LINES {
            problems.push(format!(
                "{}: {lines} lines (a verb file wires stages; move logic down)",
                file.display()
            ));
        }
    }
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (name, lines) in long_functions(&text, MAX_FUNCTION_LINES) {
            problems.push(format!("{}: fn {name} has {lines} lines", file.display()));
        }
    }
    assert!(problems.is_empty(), "too long:\n  {}", problems.join("\n  "));
}

#[test]
fn kubesim_server_and_istioctl_stand_in_stay_apart() {
    let src = root().join("tests/kubesim/src");
    let mut wrong = Vec::new();
    for file in rust_files(&src) {
        let module = module_of(&src, &file);
        let text = code(&std::fs::read_to_string(&file).expect("readable"));
        let in_standin = module.first().is_some_and(|m| m == "istioctl");
        let is_entry = module.is_empty(); // lib.rs, main.rs: dispatch by program name
        for reference in references(&module, &text) {
            let Some(top) = reference.first() else { continue };
            let crosses = if in_standin {
                top != "istioctl"
            } else {
                top == "istioctl" && !is_entry
            };
            if crosses {
                wrong.push(format!("{} uses {}", file.display(), reference.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the stand-in talks to kubesim over HTTP only, and the server knows nothing of it:\n  {}",
        wrong.join("\n  ")
    );
}

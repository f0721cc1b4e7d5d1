//! Finding, reading and merging kubeconfig files by client-go's loading rules (what kubectl and
//! istioctl do), remembering which file defined what.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;

use super::{Environment, Origin};
use crate::error::{Error, Result};

/// The kubeconfig files that were looked at, merged.
#[derive(Debug, Clone)]
pub(super) struct Loaded {
    pub origin: Origin,
    /// Files read, in merge order (the first wins for a name).
    pub files: Vec<PathBuf>,
    /// Files listed (in KUBECONFIG, or the default ~/.kube/config) that do not exist; skipped.
    pub missing: Vec<PathBuf>,
    /// Set when HOME is unknown, so ~/.kube/config could not even be looked for.
    pub no_home: bool,
    pub merged: Kubeconfig,
    pub context_in: HashMap<String, PathBuf>,
    pub cluster_in: HashMap<String, PathBuf>,
    pub user_in: HashMap<String, PathBuf>,
    /// The first non-empty current-context, and the file that set it.
    pub current_context: Option<(String, PathBuf)>,
}

impl Loaded {
    fn new(origin: Origin) -> Self {
        Loaded {
            origin,
            files: Vec::new(),
            missing: Vec::new(),
            no_home: false,
            merged: Kubeconfig::default(),
            context_in: HashMap::new(),
            cluster_in: HashMap::new(),
            user_in: HashMap::new(),
            current_context: None,
        }
    }

    /// The files read, for messages: "a.yaml, b.yaml".
    pub fn files_text(&self) -> String {
        join_paths(&self.files)
    }
}

pub(super) fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the kubeconfig files kubectl would read: `--kubeconfig` alone if given (and it must
/// exist); else every file in `KUBECONFIG` (missing ones skipped); else `~/.kube/config` if it
/// exists.
pub(super) fn load(explicit: Option<&Path>, env: &Environment) -> Result<Loaded> {
    if let Some(path) = explicit {
        let path = absolute(path);
        let mut loaded = Loaded::new(Origin::Flag);
        // client-go stats the explicit file first: unlike KUBECONFIG entries, it must exist.
        match read_file(&path)? {
            Some(config) => loaded.add(path, config),
            None => {
                return Err(Error::failed(format!(
                    "the kubeconfig file {} given with --kubeconfig does not exist",
                    path.display()
                ))
                .with_hint(
                    "check the path; without --kubeconfig, istioup reads KUBECONFIG or ~/.kube/config",
                ));
            }
        }
        return Ok(loaded);
    }

    let (origin, paths) = match env.kubeconfig.as_ref().filter(|v| !v.is_empty()) {
        Some(list) => {
            // Empty entries are ignored and repeats read once, as client-go does; a list of only
            // empty entries yields no files at all (it does not fall back to ~/.kube/config).
            let mut seen = HashSet::new();
            let paths = std::env::split_paths(list)
                .filter(|p| !p.as_os_str().is_empty())
                .filter(|p| seen.insert(p.clone()))
                .map(|p| absolute(&p))
                .collect::<Vec<_>>();
            (Origin::Env, paths)
        }
        None => match &env.home {
            Some(home) => (Origin::Home, vec![absolute(&home.join(".kube").join("config"))]),
            None => {
                let mut loaded = Loaded::new(Origin::Home);
                loaded.no_home = true;
                return Ok(loaded);
            }
        },
    };

    let mut loaded = Loaded::new(origin);
    for path in paths {
        match read_file(&path)? {
            Some(config) => loaded.add(path, config),
            None => loaded.missing.push(path),
        }
    }
    Ok(loaded)
}

impl Loaded {
    /// Merges one file in: the first file to define a context, cluster or user name keeps it
    /// whole, and the first non-empty current-context wins.
    fn add(&mut self, path: PathBuf, config: Kubeconfig) {
        // Every credential of every file is masked from all output, used or not.
        for user in &config.auth_infos {
            if let Ok(value) = serde_json::to_value(&user.auth_info) {
                crate::util::redact::register_all(&value);
            }
        }
        for cluster in &config.clusters {
            if let Some(server) = cluster.cluster.as_ref().and_then(|c| c.server.as_deref()) {
                crate::util::redact::url(server);
            }
        }
        let merged = &mut self.merged;
        for named in config.clusters {
            if !self.cluster_in.contains_key(&named.name) {
                self.cluster_in.insert(named.name.clone(), path.clone());
                merged.clusters.push(named);
            }
        }
        for named in config.auth_infos {
            if !self.user_in.contains_key(&named.name) {
                self.user_in.insert(named.name.clone(), path.clone());
                merged.auth_infos.push(named);
            }
        }
        for named in config.contexts {
            if !self.context_in.contains_key(&named.name) {
                self.context_in.insert(named.name.clone(), path.clone());
                merged.contexts.push(named);
            }
        }
        if self.current_context.is_none()
            && let Some(name) = config.current_context.filter(|name| !name.is_empty())
        {
            self.current_context = Some((name, path.clone()));
        }
        merged.preferences = merged.preferences.take().or(config.preferences);
        merged.extensions = merged.extensions.take().or(config.extensions);
        self.files.push(path);
    }
}

/// `Ok(None)` when the file does not exist.
fn read_file(path: &Path) -> Result<Option<Kubeconfig>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::failed(format!("cannot read kubeconfig {}", path.display())).with_source(e));
        }
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::failed(format!(
            "cannot read kubeconfig {}: it is not UTF-8 text",
            path.display()
        ))
        .with_source(e)
    })?;
    parse(path, text).map(Some)
}

/// Parses one file (all its YAML documents, first wins, as kube-rs does), rejects names defined
/// twice in one list (client-go refuses those too) and makes relative file references absolute
/// against the file's own directory (client-go's `ResolveLocalPaths`).
pub(super) fn parse(path: &Path, text: &str) -> Result<Kubeconfig> {
    let documents: Vec<Kubeconfig> = serde_saphyr::from_multiple(text).map_err(|e| yaml_error(path, &e))?;
    let mut config = Kubeconfig::default();
    let mut first = true;
    for document in documents {
        check_unique(path, "cluster", document.clusters.iter().map(|c| &c.name))?;
        check_unique(path, "user", document.auth_infos.iter().map(|u| &u.name))?;
        check_unique(path, "context", document.contexts.iter().map(|c| &c.name))?;
        config = if first {
            document
        } else {
            merge_document(config, document)
        };
        first = false;
    }
    let dir = path.parent().unwrap_or(Path::new("/"));
    resolve_paths(&mut config, dir);
    Ok(config)
}

fn merge_document(mut base: Kubeconfig, next: Kubeconfig) -> Kubeconfig {
    fn append<T>(base: &mut Vec<T>, next: Vec<T>, name: impl Fn(&T) -> &String) {
        let known: HashSet<String> = base.iter().map(|x| name(x).clone()).collect();
        base.extend(next.into_iter().filter(|x| !known.contains(name(x))));
    }
    append(&mut base.clusters, next.clusters, |x| &x.name);
    append(&mut base.auth_infos, next.auth_infos, |x| &x.name);
    append(&mut base.contexts, next.contexts, |x| &x.name);
    base.current_context = base
        .current_context
        .filter(|c| !c.is_empty())
        .or(next.current_context);
    base.preferences = base.preferences.or(next.preferences);
    base.extensions = base.extensions.or(next.extensions);
    base
}

fn check_unique<'a>(path: &Path, what: &str, names: impl Iterator<Item = &'a String>) -> Result<()> {
    let mut seen = HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(Error::failed(format!(
                "kubeconfig {} defines the {what} {name:?} twice",
                path.display()
            ))
            .with_hint(format!("remove or rename one of the two {what} entries")));
        }
    }
    Ok(())
}

fn resolve_paths(config: &mut Kubeconfig, dir: &Path) {
    let resolve = |value: &mut Option<String>| {
        if let Some(file) = value.as_deref().filter(|f| !f.is_empty())
            && Path::new(file).is_relative()
        {
            *value = Some(dir.join(file).to_string_lossy().into_owned());
        }
    };
    for named in &mut config.clusters {
        if let Some(cluster) = &mut named.cluster {
            resolve(&mut cluster.certificate_authority);
        }
    }
    for named in &mut config.auth_infos {
        if let Some(user) = &mut named.auth_info {
            resolve(&mut user.client_certificate);
            resolve(&mut user.client_key);
            resolve(&mut user.token_file);
            // An exec command is a path only when it has a separator; a bare `aws` is looked
            // up in PATH (client-go's GetAuthInfoFileReferences).
            if let Some(exec) = &mut user.exec
                && exec
                    .command
                    .as_deref()
                    .is_some_and(|c| c.contains(std::path::MAIN_SEPARATOR))
            {
                resolve(&mut exec.command);
            }
        }
    }
}

/// A parse error as `path:line:column: message`. The parser's own rendering is not attached as a
/// source: it can quote the offending line, and a kubeconfig line may hold a token.
fn yaml_error(path: &Path, err: &serde_saphyr::Error) -> Error {
    let plain = err.without_snippet().to_string();
    let message = redact_strings(strip_location(&plain));
    let at = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| format!(":{}:{}", l.line(), l.column()))
        .unwrap_or_default();
    Error::failed(format!(
        "cannot parse kubeconfig {}{at}: {message}",
        path.display()
    ))
    .with_hint("fix the file, or point --kubeconfig / KUBECONFIG at another one")
}

/// Drops the parser's own " at line L, column C" suffixes; the location is printed up front.
fn strip_location(message: &str) -> &str {
    match message.find(" at line ") {
        Some(cut) => &message[..cut],
        None => message,
    }
}

/// Serde reports a scalar of the wrong type with its value (`invalid type: string "abc..."`);
/// that value may be a token written in the wrong place, so it is hidden.
fn redact_strings(message: &str) -> String {
    const MARK: &str = "string \"";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(MARK) {
        out.push_str(&rest[..start + MARK.len()]);
        let after = &rest[start + MARK.len()..];
        // The value is Debug-quoted: skip to the first quote not escaped by a backslash.
        let mut escaped = false;
        let end = after.char_indices().find_map(|(i, c)| match (escaped, c) {
            (false, '\\') => {
                escaped = true;
                None
            }
            (false, '"') => Some(i),
            _ => {
                escaped = false;
                None
            }
        });
        out.push_str("…\"");
        rest = match end {
            Some(i) => &after[i + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// An absolute path without touching the file system (symlinks kept, like client-go's
/// `filepath.Abs`); if the working directory is gone, the path as given.
pub(super) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_references_resolve_against_the_file() {
        let yaml = "\
clusters:
- name: c
  cluster: {server: 'https://x', certificate-authority: certs/ca.crt}
users:
- name: u
  user:
    client-certificate: u.crt
    client-key: /abs/u.key
    tokenFile: ../token
    exec: {command: ./bin/helper, apiVersion: client.authentication.k8s.io/v1}
- name: v
  user:
    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}
contexts:
- name: x
  context: {cluster: c, user: u}
";
        let config = parse(Path::new("/home/me/.kube/config"), yaml).expect("parses");
        let cluster = config.clusters[0].cluster.as_ref().expect("cluster");
        assert_eq!(
            cluster.certificate_authority.as_deref(),
            Some("/home/me/.kube/certs/ca.crt")
        );
        let user = config.auth_infos[0].auth_info.as_ref().expect("user");
        assert_eq!(user.client_certificate.as_deref(), Some("/home/me/.kube/u.crt"));
        assert_eq!(user.client_key.as_deref(), Some("/abs/u.key"));
        assert_eq!(user.token_file.as_deref(), Some("/home/me/.kube/../token"));
        let exec = user.exec.as_ref().expect("exec");
        assert_eq!(exec.command.as_deref(), Some("/home/me/.kube/./bin/helper"));
        let bare = config.auth_infos[1]
            .auth_info
            .as_ref()
            .and_then(|u| u.exec.as_ref());
        assert_eq!(bare.and_then(|e| e.command.as_deref()), Some("aws"));
    }

    #[test]
    fn empty_files_are_empty_configs() {
        for text in ["", "\n", "# nothing\n", "---\n", "{}\n"] {
            let config = parse(Path::new("/k"), text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert!(config.contexts.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn duplicate_names_in_one_file_are_refused() {
        let yaml = "contexts:\n- name: a\n  context: {cluster: c}\n- name: a\n  context: {cluster: d}\n";
        let err = parse(Path::new("/k"), yaml).expect_err("duplicate");
        assert_eq!(err.message(), "kubeconfig /k defines the context \"a\" twice");
    }

    #[test]
    fn parse_errors_name_the_line_and_hide_values() {
        let yaml = "users:\n- name: u\n  user: s3cr3t-token\n";
        let err = parse(Path::new("/k"), yaml).expect_err("a string is no user");
        let text = err.render();
        assert!(text.contains("/k:3:"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");

        let err = parse(Path::new("/k"), "clusters:\n  - name: [\n").expect_err("broken YAML");
        assert!(
            err.message().starts_with("cannot parse kubeconfig /k:"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn redaction_keeps_the_rest() {
        assert_eq!(
            redact_strings(r#"invalid type: string "a\"b", expected struct AuthInfo"#),
            "invalid type: string \"…\", expected struct AuthInfo"
        );
        assert_eq!(
            redact_strings("missing field `cluster`"),
            "missing field `cluster`"
        );
    }
}

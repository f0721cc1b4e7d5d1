//! Which cluster istioup talks to, resolved by kubectl's rules, and where each part came from.
//! Owns kubeconfig and in-cluster handling (nothing else reads kubeconfig YAML); uses `cli`.
//!
//! The rules (client-go's loading rules, which kubectl and istioctl share):
//! - `--kubeconfig FILE` is the only file read, and it must exist.
//! - Else every file in `KUBECONFIG` (`:`-separated, `;` on Windows; empty entries ignored,
//!   missing files skipped) is merged: the first file to define a context, cluster or user name
//!   keeps it whole, and the first non-empty `current-context` wins.
//! - Else `~/.kube/config`, if it exists.
//! - `--context` beats `current-context`; the namespace is the context's, else `default`.
//! - When no context is selected at all (no `--context`, no `current-context`, e.g. no kubeconfig)
//!   and this is a pod (`KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT` and a service account
//!   token), the in-cluster service account is used.
//! - Relative file references in a kubeconfig (certificate-authority, client-certificate,
//!   client-key, tokenFile, a path-like exec command) are relative to the file that holds them.
//!
//! Stricter than kubectl, on purpose, since istioup changes clusters: a context that names a
//! user no file defines is an error (kubectl goes on without credentials), and so is one that
//! names a missing cluster (kubectl may then fall back to the in-cluster account).
mod incluster;
mod kubeconfig;
mod retry;
pub use retry::{announce_waits_to, timed_out};

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use kube::config::{
    AuthInfo, Cluster, Context, KubeConfigOptions, Kubeconfig, NamedAuthInfo, NamedCluster, NamedContext,
};
use serde::Serialize;

use crate::cli::Settings;
use crate::error::{Error, Result};
use incluster::InCluster;
use kubeconfig::{Loaded, join_paths};

/// Test-only: the directory holding the service account `token`, `ca.crt` and `namespace`,
/// instead of the pod mount. Integration tests fake a pod with it; nothing else should set it.
pub const SERVICEACCOUNT_DIR_ENV: &str = "ISTIOUP_SERVICEACCOUNT_DIR";

/// How long an exec credential plugin may take to hand over a credential. kubectl waits
/// forever; in CI that is a hung job. Tests shorten it with `ISTIOUP_EXEC_TIMEOUT_SECS`.
const EXEC_TIMEOUT_DEFAULT: std::time::Duration = std::time::Duration::from_secs(60);

/// The cluster istioup acts on: names, server and namespace, with where each came from. Holds
/// the credentials needed to connect, but never prints or serializes them.
#[derive(Clone, Serialize)]
pub struct Target {
    pub context: String,
    pub cluster: String,
    pub server: String,
    /// Empty when the context names no user.
    pub user: String,
    pub namespace: String,
    pub source: Source,
    /// The selected context, cluster and user only, with absolute file references.
    #[serde(skip)]
    kubeconfig: Kubeconfig,
    /// `--request-timeout` for every request; zero: none.
    #[serde(skip)]
    request_timeout: std::time::Duration,
}

/// Where each part of a [`Target`] came from. The JSON shape of `istioup context` (documented
/// there); paths are absolute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// Where the connection came from.
    pub from: Origin,
    /// The kubeconfig files read, in merge order (the first wins for a name).
    pub kubeconfig: Vec<String>,
    /// Files listed in KUBECONFIG (or the default ~/.kube/config) that do not exist: skipped.
    pub missing: Vec<String>,
    pub context: ContextSource,
    pub cluster: Defined,
    pub user: Defined,
    pub namespace: NamespaceSource,
    /// The service account directory, when in-cluster.
    pub serviceaccount: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Origin {
    #[serde(rename = "--kubeconfig")]
    Flag,
    #[serde(rename = "KUBECONFIG")]
    Env,
    #[serde(rename = "~/.kube/config")]
    Home,
    #[serde(rename = "in-cluster")]
    InCluster,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Flag => "--kubeconfig",
            Origin::Env => "KUBECONFIG",
            Origin::Home => "~/.kube/config",
            Origin::InCluster => "in-cluster",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextSource {
    pub from: ContextFrom,
    /// The file whose current-context chose it.
    pub set_in: Option<String>,
    /// The file that defines it.
    pub defined_in: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContextFrom {
    #[serde(rename = "--context")]
    Flag,
    #[serde(rename = "current-context")]
    CurrentContext,
    #[serde(rename = "in-cluster")]
    InCluster,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defined {
    /// The kubeconfig file that defines it; none in-cluster, or for a context without user.
    pub defined_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceSource {
    pub from: NamespaceFrom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NamespaceFrom {
    /// The context's `namespace`.
    #[serde(rename = "context")]
    Context,
    /// Nothing set one: `default`.
    #[serde(rename = "default")]
    Default,
    /// In-cluster: the POD_NAMESPACE variable.
    #[serde(rename = "POD_NAMESPACE")]
    PodNamespace,
    /// In-cluster: the service account's `namespace` file.
    #[serde(rename = "serviceaccount")]
    ServiceAccount,
}

/// What resolution reads from the process environment, gathered once so the rules are a pure
/// function of it (and testable without touching the real environment).
#[derive(Debug, Clone, Default)]
pub(crate) struct Environment {
    pub kubeconfig: Option<OsString>,
    pub home: Option<PathBuf>,
    pub service_host: Option<String>,
    pub service_port: Option<String>,
    pub pod_namespace: Option<String>,
    pub serviceaccount_dir: PathBuf,
}

impl Environment {
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Environment {
            kubeconfig: std::env::var_os("KUBECONFIG"),
            home: home_dir(),
            service_host: var("KUBERNETES_SERVICE_HOST"),
            service_port: var("KUBERNETES_SERVICE_PORT"),
            pod_namespace: var("POD_NAMESPACE"),
            serviceaccount_dir: std::env::var_os(SERVICEACCOUNT_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(incluster::SERVICEACCOUNT_DIR)),
        }
    }
}

/// client-go's home: `$HOME` on Unix (no password-database fallback), the user profile on Windows.
fn home_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::home_dir()
    } else {
        std::env::var_os("HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }
}

/// Resolves the target from the global flags and the process environment. Reads files only;
/// no network.
pub fn resolve(settings: &Settings) -> Result<Target> {
    let mut target = resolve_in(
        &Environment::from_process(),
        settings.kubeconfig.as_deref(),
        settings.context.as_deref(),
    )?;
    target.request_timeout = settings.request_timeout;
    Ok(target)
}

/// The contexts the kubeconfig files define, in file order, and the current one: what an
/// interactive user may pick from. Empty when there is no kubeconfig (in-cluster).
pub fn contexts(settings: &Settings) -> Result<(Vec<String>, Option<String>)> {
    let env = Environment::from_process();
    let kubeconfig = settings
        .kubeconfig
        .as_deref()
        .filter(|p| !p.as_os_str().is_empty());
    match kubeconfig::load(kubeconfig, &env) {
        Ok(loaded) => Ok((
            loaded.merged.contexts.iter().map(|c| c.name.clone()).collect(),
            loaded.current_context.map(|(name, _)| name),
        )),
        // No kubeconfig at all: resolve() decides between in-cluster and a clear error.
        Err(_) if kubeconfig.is_none() => Ok((Vec::new(), None)),
        Err(e) => Err(e),
    }
}

pub(crate) fn resolve_in(
    env: &Environment,
    kubeconfig: Option<&Path>,
    context: Option<&str>,
) -> Result<Target> {
    // An empty flag means "not given", as with kubectl.
    let kubeconfig = kubeconfig.filter(|p| !p.as_os_str().is_empty());
    let context = context.filter(|c| !c.is_empty());
    let loaded = kubeconfig::load(kubeconfig, env)?;

    let chosen = match (context, &loaded.current_context) {
        (Some(name), _) => Some((name.to_owned(), ContextFrom::Flag, None)),
        (None, Some((name, file))) => Some((name.clone(), ContextFrom::CurrentContext, Some(file.clone()))),
        (None, None) => None,
    };
    match chosen {
        Some((name, from, set_in)) => from_kubeconfig(loaded, name, from, set_in),
        None => match InCluster::detect(env) {
            Ok(pod) => Ok(in_cluster(loaded, pod)),
            Err(why_not) => Err(no_context(&loaded, &why_not)),
        },
    }
}

/// The cluster a context names, and its server.
fn find_cluster<'a>(
    loaded: &'a Loaded,
    context: &str,
    cluster: &str,
    files: &str,
) -> Result<(&'a NamedCluster, String)> {
    let Some(named) = loaded.merged.clusters.iter().find(|c| c.name == cluster) else {
        return Err(Error::failed(format!(
            "{context} uses cluster {cluster:?}, which no kubeconfig defines ({files})"
        ))
        .with_hint(known("clusters", loaded.merged.clusters.iter().map(|c| &c.name))));
    };
    let server = named
        .cluster
        .as_ref()
        .and_then(|c| c.server.clone())
        .filter(|s| !s.is_empty());
    let Some(server) = server else {
        let in_file = loaded
            .cluster_in
            .get(cluster)
            .map(|p| display(p))
            .unwrap_or_default();
        return Err(
            Error::failed(format!("cluster {cluster:?} (in {in_file}) has no server"))
                .with_hint("set one with: kubectl config set-cluster NAME --server https://HOST:PORT"),
        );
    };
    // Shown in banners and reports: a password in the URL never is.
    Ok((named, crate::util::redact::url(&server)))
}

/// The user a context names.
fn find_user<'a>(loaded: &'a Loaded, context: &str, user: &str, files: &str) -> Result<&'a NamedAuthInfo> {
    loaded
        .merged
        .auth_infos
        .iter()
        .find(|u| u.name == user)
        .ok_or_else(|| {
            Error::failed(format!(
                "{context} uses user {user:?}, which no kubeconfig defines ({files})"
            ))
            .with_hint(known("users", loaded.merged.auth_infos.iter().map(|u| &u.name)))
        })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn from_kubeconfig(
    loaded: Loaded,
    name: String,
    from: ContextFrom,
    set_in: Option<PathBuf>,
) -> Result<Target> {
    let files = loaded.files_text();
    let Some(named_context) = loaded.merged.contexts.iter().find(|c| c.name == name) else {
        return Err(unknown_context(&loaded, &name, from, set_in.as_deref()));
    };
    let context_file = loaded.context_in.get(&name).cloned();
    let in_file = |file: &Option<PathBuf>| file.as_deref().map(display).unwrap_or_default();

    let context = named_context.context.clone().unwrap_or_default();
    if context.cluster.is_empty() {
        return Err(Error::failed(format!(
            "context {name:?} (in {}) names no cluster",
            in_file(&context_file)
        ))
        .with_hint("set one with: kubectl config set-context NAME --cluster CLUSTER"));
    }
    let what = format!("context {name:?} (in {})", in_file(&context_file));
    let (named_cluster, server) = find_cluster(&loaded, &what, &context.cluster, &files)?;
    let cluster_file = loaded.cluster_in.get(&context.cluster).cloned();
    let user_name = context.user.clone().filter(|u| !u.is_empty());
    let named_user = match &user_name {
        None => None,
        Some(user) => Some(find_user(&loaded, &what, user, &files)?),
    };
    let user_file = user_name.as_ref().and_then(|u| loaded.user_in.get(u)).cloned();

    let (namespace, namespace_from) = match context.namespace.clone().filter(|n| !n.is_empty()) {
        Some(ns) => (ns, NamespaceFrom::Context),
        None => ("default".to_owned(), NamespaceFrom::Default),
    };

    let minified = Kubeconfig {
        api_version: Some("v1".to_owned()),
        kind: Some("Config".to_owned()),
        clusters: vec![named_cluster.clone()],
        auth_infos: named_user.into_iter().cloned().collect(),
        contexts: vec![named_context.clone()],
        current_context: Some(name.clone()),
        ..Kubeconfig::default()
    };
    Ok(Target {
        source: Source {
            from: loaded.origin,
            kubeconfig: loaded.files.iter().map(|p| display(p)).collect(),
            missing: loaded.missing.iter().map(|p| display(p)).collect(),
            context: ContextSource {
                from,
                set_in: set_in.as_deref().map(display),
                defined_in: context_file.as_deref().map(display),
            },
            cluster: Defined {
                defined_in: cluster_file.as_deref().map(display),
            },
            user: Defined {
                defined_in: user_file.as_deref().map(display),
            },
            namespace: NamespaceSource { from: namespace_from },
            serviceaccount: None,
        },
        context: name,
        cluster: context.cluster,
        server,
        user: user_name.unwrap_or_default(),
        namespace,
        kubeconfig: minified,
        request_timeout: std::time::Duration::ZERO,
    })
}

/// The in-cluster account as a one-context kubeconfig, so the client and istioctl are set up the
/// same way as for any other target (and the token file is re-read as it rotates).
fn in_cluster(loaded: Loaded, pod: InCluster) -> Target {
    let name = incluster::NAME.to_owned();
    let kubeconfig = Kubeconfig {
        api_version: Some("v1".to_owned()),
        kind: Some("Config".to_owned()),
        clusters: vec![NamedCluster {
            name: name.clone(),
            cluster: Some(Cluster {
                server: Some(pod.server.clone()),
                certificate_authority: pod.ca_file().map(|p| display(&p)),
                ..Cluster::default()
            }),
            ..NamedCluster::default()
        }],
        auth_infos: vec![NamedAuthInfo {
            name: name.clone(),
            auth_info: Some(AuthInfo {
                token_file: Some(display(&pod.token_file())),
                ..AuthInfo::default()
            }),
            ..NamedAuthInfo::default()
        }],
        contexts: vec![NamedContext {
            name: name.clone(),
            context: Some(Context {
                cluster: name.clone(),
                user: Some(name.clone()),
                namespace: Some(pod.namespace.clone()),
                ..Context::default()
            }),
            ..NamedContext::default()
        }],
        current_context: Some(name.clone()),
        ..Kubeconfig::default()
    };
    Target {
        context: name.clone(),
        cluster: name.clone(),
        server: pod.server,
        user: name,
        namespace: pod.namespace,
        source: Source {
            from: Origin::InCluster,
            kubeconfig: loaded.files.iter().map(|p| display(p)).collect(),
            missing: loaded.missing.iter().map(|p| display(p)).collect(),
            context: ContextSource {
                from: ContextFrom::InCluster,
                set_in: None,
                defined_in: None,
            },
            cluster: Defined { defined_in: None },
            user: Defined { defined_in: None },
            namespace: NamespaceSource {
                from: pod.namespace_from,
            },
            serviceaccount: Some(display(&pod.dir)),
        },
        kubeconfig,
        request_timeout: std::time::Duration::ZERO,
    }
}

/// No --context, no current-context, and not in a pod.
fn no_context(loaded: &Loaded, why_not_in_cluster: &str) -> Error {
    let not_in_cluster = format!("and istioup is not running in a cluster ({why_not_in_cluster})");
    if loaded.files.is_empty() {
        let looked_at = match loaded.origin {
            Origin::Flag | Origin::InCluster => String::new(),
            Origin::Env if loaded.missing.is_empty() => "KUBECONFIG lists no files".to_owned(),
            Origin::Env => format!(
                "none of the files in KUBECONFIG exist ({})",
                join_paths(&loaded.missing)
            ),
            Origin::Home if loaded.no_home => "KUBECONFIG is not set, HOME is not set".to_owned(),
            Origin::Home => format!(
                "KUBECONFIG is not set, {} does not exist",
                join_paths(&loaded.missing)
            ),
        };
        return Error::failed(format!("no kubeconfig found: {looked_at}, {not_in_cluster}"))
            .with_hint("pass --kubeconfig FILE, or set KUBECONFIG to the kubeconfig file(s) of the cluster");
    }
    let files = loaded.files_text();
    let names: Vec<&String> = loaded.merged.contexts.iter().map(|c| &c.name).collect();
    if names.is_empty() {
        return Error::failed(format!(
            "the kubeconfig ({files}) defines no contexts, {not_in_cluster}"
        ))
        .with_hint("point --kubeconfig or KUBECONFIG at the kubeconfig of the cluster");
    }
    Error::failed(format!(
        "no context selected: --context was not given and no current-context is set in {files}; \
         contexts: {}",
        quoted(names.iter().copied())
    ))
    .with_hint(format!(
        "pass --context NAME, or make one the default: kubectl config use-context {}",
        names[0]
    ))
}

fn unknown_context(loaded: &Loaded, name: &str, from: ContextFrom, set_in: Option<&Path>) -> Error {
    let files = loaded.files_text();
    let names: Vec<&String> = loaded.merged.contexts.iter().map(|c| &c.name).collect();
    let what = match (from, set_in) {
        (ContextFrom::CurrentContext, Some(file)) => {
            format!("the current-context {name:?} (set in {})", file.display())
        }
        _ => format!("context {name:?}"),
    };
    let message = if files.is_empty() {
        format!("{what} not found: no kubeconfig file was read")
    } else if names.is_empty() {
        format!("{what} not found: the kubeconfig ({files}) defines no contexts")
    } else {
        format!(
            "{what} not found in the kubeconfig ({files}); contexts: {}",
            quoted(names.iter().copied())
        )
    };
    let hint = match nearest(name, names.iter().map(|n| n.as_str())) {
        Some(close) => format!("did you mean {close:?}? (--context {close})"),
        None if files.is_empty() => "pass --kubeconfig FILE, or set KUBECONFIG".to_owned(),
        None => "pass --context with one of the contexts listed".to_owned(),
    };
    Error::failed(message).with_hint(hint)
}

fn known<'a>(what: &str, names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&String> = names.collect();
    if names.is_empty() {
        format!("the kubeconfig defines no {what}")
    } else {
        format!("{what} defined: {}", quoted(names.into_iter()))
    }
}

fn quoted<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

/// The closest name by edit distance, if close enough to be a typo, or one that contains what
/// was typed (`kind` for `kind-kind`).
fn nearest<'a>(typed: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typed.chars().count() / 3).max(2);
    names
        .map(|name| (crate::util::suggest::edit_distance(typed, name), name))
        .filter(|(distance, name)| *distance <= limit || name.contains(typed))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

impl std::fmt::Debug for Target {
    /// Names and origins only: the kubeconfig inside may hold tokens and keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("context", &self.context)
            .field("cluster", &self.cluster)
            .field("server", &self.server)
            .field("user", &self.user)
            .field("namespace", &self.namespace)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// A client for exactly this context, cluster and user (exec plugins, auth providers, proxy,
    /// TLS options included). Connects lazily: building it needs no network.
    pub async fn client(&self) -> Result<kube::Client> {
        let options = KubeConfigOptions {
            context: Some(self.context.clone()),
            ..KubeConfigOptions::default()
        };
        let failed = || {
            Error::failed(format!(
                "cannot set up a Kubernetes client for context {:?}",
                self.context
            ))
        };
        let mut config = kube::Config::from_custom_kubeconfig(self.kubeconfig.clone(), &options)
            .await
            .map_err(|e| failed().with_source(e))?;
        if !self.request_timeout.is_zero() {
            config.read_timeout = Some(self.request_timeout);
            config.write_timeout = Some(self.request_timeout);
            config.connect_timeout = Some(self.request_timeout.min(std::time::Duration::from_secs(30)));
        }
        let plugin = self
            .kubeconfig
            .auth_infos
            .first()
            .and_then(|u| u.auth_info.as_ref())
            .and_then(|a| a.exec.as_ref())
            .and_then(|e| e.command.clone());
        let Some(plugin) = plugin else {
            return retry::client(config).map_err(|e| failed().with_source(e));
        };
        // Building the client runs the exec credential plugin, blocking, and a plugin can wait
        // forever (for a login nobody will do in CI): run it aside and stop waiting in time.
        let build = tokio::task::spawn_blocking(move || retry::client(config));
        let exec_timeout = std::env::var("ISTIOUP_EXEC_TIMEOUT_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(std::time::Duration::from_secs)
            .unwrap_or(EXEC_TIMEOUT_DEFAULT);
        match tokio::time::timeout(exec_timeout, build).await {
            Ok(Ok(built)) => built.map_err(|e| failed().with_source(e)),
            Ok(Err(e)) => Err(failed().with_source(e)),
            Err(_) => Err(Error::failed(format!(
                "the exec credential plugin {plugin} of user {:?} did not finish within {}s",
                self.user,
                exec_timeout.as_secs()
            ))
            .with_hint("run the plugin by hand to see what it waits for (a login? a network?), then retry")),
        }
    }

    /// A client that has reached the API server once (`GET /version`, as kubectl's discovery
    /// does first), so an unreachable or unauthorised cluster fails here, named, rather than
    /// in the middle of a command.
    pub async fn connect(&self) -> Result<kube::Client> {
        let client = self.client().await?;
        client.apiserver_version().await.map_err(|e| {
            if retry::timed_out(&e) {
                return Error::failed(format!(
                    "the Kubernetes API server {} (context {}) did not answer within {}s",
                    self.server,
                    self.context,
                    self.request_timeout.as_secs()
                ))
                .with_hint("is the server overloaded or the address wrong? raise --request-timeout for a slow server");
            }
            let what = match &e {
                // It answered: reachable, but failing or refusing.
                kube::Error::Api(status) if ![401, 403].contains(&status.code) => {
                    let error = crate::error::api_error(
                        e,
                        &format!(
                            "the Kubernetes API server {} (context {}) answered GET /version with an error",
                            self.server, self.context
                        ),
                    );
                    return if error.hint().is_some() {
                        error
                    } else {
                        error.with_hint(
                            "the server is reachable but failing: check its health (kubectl get --raw '/readyz?verbose') and retry",
                        )
                    };
                }
                kube::Error::Api(_) => "was refused by",
                _ if crate::error::untrusted_certificate(&e) => "cannot verify the TLS certificate of",
                _ => "cannot reach",
            };
            crate::error::api_error(
                e,
                &format!(
                    "{what} the Kubernetes API server {} (context {})",
                    self.server, self.context
                ),
            )
        })?;
        Ok(client)
    }

    /// What to pass istioctl (`--kubeconfig K --context C`) so it acts on exactly this target:
    /// the kubeconfig minified to this context (its cluster and user only: istioctl never sees
    /// the other contexts' credentials), in a private (0600) temporary file that lives as long
    /// as the returned value.
    pub fn kubeconfig_for_istioctl(&self) -> Result<IstioctlKubeconfig> {
        let failed = |e: std::io::Error| {
            Error::failed("cannot write a temporary kubeconfig for istioctl").with_source(e)
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix("istioup-kubeconfig-").suffix(".json");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o600));
        }
        let mut file = builder.tempfile().map_err(failed)?;
        // JSON is YAML, and leaves nothing to a YAML emitter's quoting choices.
        let text = serde_json::to_vec_pretty(&self.kubeconfig)
            .map_err(|e| Error::failed("cannot encode the kubeconfig for istioctl").with_source(e))?;
        file.write_all(&text)
            .and_then(|()| file.flush())
            .map_err(failed)?;
        Ok(IstioctlKubeconfig {
            path: file.path().to_path_buf(),
            context: self.context.clone(),
            temp: Some(file.into_temp_path()),
        })
    }
}

/// The kubeconfig file and context for istioctl. Keep it alive while istioctl runs: a temporary
/// file is deleted when this is dropped.
#[derive(Debug)]
pub struct IstioctlKubeconfig {
    path: PathBuf,
    context: String,
    temp: Option<tempfile::TempPath>,
}

impl IstioctlKubeconfig {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn context(&self) -> &str {
        &self.context
    }

    /// Whether `path` is a temporary file written for istioctl (deleted on drop).
    pub fn is_temporary(&self) -> bool {
        self.temp.is_some()
    }

    /// `["--kubeconfig", PATH, "--context", NAME]`.
    pub fn args(&self) -> Vec<OsString> {
        vec![
            "--kubeconfig".into(),
            self.path.clone().into_os_string(),
            "--context".into(),
            self.context.clone().into(),
        ]
    }
}

#[cfg(test)]
mod tests;

//! `istioup context`: which cluster istioup would act on, and where each part came from. Only
//! resolves (reads kubeconfig files); never contacts the cluster.
//!
//! `-o json` (and `-o yaml`, same shape) prints, with absolute paths:
//!
//! ```json
//! {
//!   "context": "prod",
//!   "cluster": "prod-eu",
//!   "server": "https://203.0.113.10:6443",
//!   "user": "admin",                    // "" when the context names no user
//!   "namespace": "default",
//!   "source": {
//!     "from": "KUBECONFIG",             // "--kubeconfig" | "KUBECONFIG" | "~/.kube/config" | "in-cluster"
//!     "kubeconfig": ["/a", "/b"],       // files read, in merge order (first wins)
//!     "missing": ["/c"],                // listed but absent, skipped
//!     "context": {"from": "current-context", "set_in": "/a", "defined_in": "/b"},
//!                                       // from: "--context" | "current-context" | "in-cluster"
//!     "cluster": {"defined_in": "/b"},
//!     "user": {"defined_in": "/a"},     // null when no user, or in-cluster
//!     "namespace": {"from": "context"}, // "context" | "default" | "POD_NAMESPACE" | "serviceaccount"
//!     "serviceaccount": null            // in-cluster: the service account directory
//!   }
//! }
//! ```
//!
//! In-cluster, context, cluster and user are all named `in-cluster`.
use crate::cli::OutputFormat;
use crate::cli::Settings;
use crate::error::Result;
use crate::target::{self, ContextFrom, NamespaceFrom, Origin, Target};
use crate::ui::output;

pub fn run(settings: &Settings) -> Result<()> {
    let target = target::resolve(settings)?;
    let format = settings.output.unwrap_or(OutputFormat::Table);
    output::emit(format, &target, || table(&target))
}

/// `KEY  VALUE  (source)` lines, aligned.
fn table(target: &Target) -> String {
    let source = &target.source;
    let or = |value: &Option<String>, fallback: &str| value.clone().unwrap_or_else(|| fallback.to_owned());
    let in_cluster = source.from == Origin::InCluster;
    let serviceaccount = or(&source.serviceaccount, "");

    let context_note = match source.context.from {
        ContextFrom::Flag => format!("--context; defined in {}", or(&source.context.defined_in, "?")),
        ContextFrom::CurrentContext => {
            let set_in = or(&source.context.set_in, "?");
            let defined_in = or(&source.context.defined_in, "?");
            if set_in == defined_in {
                format!("current-context of {set_in}")
            } else {
                format!("current-context of {set_in}; defined in {defined_in}")
            }
        }
        ContextFrom::InCluster => "in-cluster service account".to_owned(),
    };
    let defined = |defined_in: &Option<String>| match defined_in {
        Some(file) => format!("defined in {file}"),
        None => String::new(),
    };
    let cluster_note = if in_cluster {
        "KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT".to_owned()
    } else {
        defined(&source.cluster.defined_in)
    };
    let user_note = match (&source.user.defined_in, in_cluster) {
        (_, true) => format!("token in {serviceaccount}"),
        (Some(file), false) => format!("defined in {file}"),
        (None, false) => "the context names no user".to_owned(),
    };
    let namespace_note = match source.namespace.from {
        NamespaceFrom::Context => "set by the context".to_owned(),
        NamespaceFrom::Default if in_cluster => "no POD_NAMESPACE, no namespace file".to_owned(),
        NamespaceFrom::Default => "the context sets none".to_owned(),
        NamespaceFrom::PodNamespace => "POD_NAMESPACE".to_owned(),
        NamespaceFrom::ServiceAccount => format!("{serviceaccount}/namespace"),
    };
    let files = if source.kubeconfig.is_empty() {
        "(none)".to_owned()
    } else {
        source.kubeconfig.join(", ")
    };
    let mut files_note = source.from.as_str().to_owned();
    if !source.missing.is_empty() {
        files_note.push_str(&format!("; missing, skipped: {}", source.missing.join(", ")));
    }
    let user = if target.user.is_empty() {
        "(none)"
    } else {
        &target.user
    };

    let rows = [
        ("CONTEXT", target.context.as_str(), context_note),
        ("CLUSTER", target.cluster.as_str(), cluster_note),
        (
            "SERVER",
            target.server.as_str(),
            format!("cluster {}", target.cluster),
        ),
        ("USER", user, user_note),
        ("NAMESPACE", target.namespace.as_str(), namespace_note),
        ("KUBECONFIG", files.as_str(), files_note),
    ];
    let key_width = rows.iter().map(|(key, _, _)| key.len()).max().unwrap_or(0);
    // The file list can be long; it is last, so it does not widen the other rows.
    let value_width = rows[..rows.len() - 1]
        .iter()
        .map(|(_, value, _)| value.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (key, value, note) in rows {
        let line = if note.is_empty() {
            format!("{key:<key_width$}  {value}")
        } else {
            format!("{key:<key_width$}  {value:<value_width$}  ({note})")
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

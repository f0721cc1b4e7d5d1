//! The in-cluster service account, used as kubectl uses it: only when no kubeconfig selects a
//! context, and only when client-go's `inClusterClientConfig.Possible()` would say yes.
use std::path::{Path, PathBuf};

use super::{Environment, NamespaceFrom};

/// The default mount of a pod's service account.
pub const SERVICEACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The name istioup gives the in-cluster context, cluster and user (it also appears in the
/// kubeconfig written for istioctl).
pub const NAME: &str = "in-cluster";

#[derive(Debug, Clone)]
pub(super) struct InCluster {
    pub server: String,
    pub dir: PathBuf,
    pub namespace: String,
    pub namespace_from: NamespaceFrom,
}

impl InCluster {
    /// `Err` says why this is not a pod with a service account, for the "nothing found" message.
    pub fn detect(env: &Environment) -> Result<InCluster, String> {
        let host = env
            .service_host
            .as_deref()
            .filter(|v| !v.is_empty())
            .ok_or("KUBERNETES_SERVICE_HOST is not set")?;
        let port = env
            .service_port
            .as_deref()
            .filter(|v| !v.is_empty())
            .ok_or("KUBERNETES_SERVICE_PORT is not set")?;
        let dir = env.serviceaccount_dir.clone();
        let token = dir.join("token");
        if !token.is_file() {
            return Err(format!(
                "there is no service account token at {}",
                token.display()
            ));
        }
        // client-go joins host and port with net.JoinHostPort: IPv6 hosts get brackets, and the
        // port is always written, even 443.
        let server = if host.contains(':') {
            format!("https://[{host}]:{port}")
        } else {
            format!("https://{host}:{port}")
        };
        let (namespace, namespace_from) = namespace(env, &dir);
        Ok(InCluster {
            server,
            dir,
            namespace,
            namespace_from,
        })
    }

    pub fn token_file(&self) -> PathBuf {
        self.dir.join("token")
    }

    /// client-go only logs a missing CA file and goes on with the system roots; so do we.
    pub fn ca_file(&self) -> Option<PathBuf> {
        Some(self.dir.join("ca.crt")).filter(|p| p.is_file())
    }
}

/// POD_NAMESPACE (set through the downward API) first, then the service account's namespace
/// file, then "default": client-go's `inClusterClientConfig.Namespace`.
fn namespace(env: &Environment, dir: &Path) -> (String, NamespaceFrom) {
    if let Some(ns) = env.pod_namespace.as_deref().filter(|v| !v.is_empty()) {
        return (ns.to_owned(), NamespaceFrom::PodNamespace);
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("namespace")) {
        let ns = text.trim();
        if !ns.is_empty() {
            return (ns.to_owned(), NamespaceFrom::ServiceAccount);
        }
    }
    ("default".to_owned(), NamespaceFrom::Default)
}

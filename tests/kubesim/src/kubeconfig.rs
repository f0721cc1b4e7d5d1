//! Writes the kubeconfig that points kubectl, kube-rs and istioctl at a running kubesim.
use base64::Engine;

pub struct KubeconfigSpec<'a> {
    pub server: &'a str,
    pub context: &'a str,
    pub ca_pem: Option<&'a str>,
    pub token: Option<&'a str>,
}

/// YAML with every string quoted, so names and tokens never need escaping rules.
pub fn render(spec: &KubeconfigSpec) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let ca = spec
        .ca_pem
        .map(|pem| {
            format!(
                "\n    certificate-authority-data: {}",
                base64::engine::general_purpose::STANDARD.encode(pem)
            )
        })
        .unwrap_or_default();
    let user = match spec.token {
        Some(t) => format!("\n    token: {}", q(t)),
        None => " {}".to_string(),
    };
    let c = q(spec.context);
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {c}\n  cluster:\n    server: {}{ca}\ncontexts:\n- name: {c}\n  context:\n    cluster: {c}\n    user: {c}\n    namespace: default\ncurrent-context: {c}\npreferences: {{}}\nusers:\n- name: {c}\n  user:{user}\n",
        q(spec.server)
    )
}

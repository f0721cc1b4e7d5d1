//! Secrets never reach the screen, a report or a log: every credential a kubeconfig holds is
//! registered here when it is read (tokens, passwords, client keys, exec plugins' arguments
//! and environment values, auth-provider settings, passwords in server URLs), and all text
//! istioup prints passes through `apply`, whatever library error or child process produced it.
use std::sync::{OnceLock, RwLock};

/// Shorter values are too likely to be ordinary words to be replaced everywhere.
const MIN_SECRET: usize = 6;
const MASK: &str = "[REDACTED]";

fn secrets() -> &'static RwLock<Vec<String>> {
    static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Remembers a secret to mask from now on.
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET {
        return;
    }
    if let Ok(mut list) = secrets().write()
        && !list.iter().any(|s| s == secret)
    {
        list.push(secret.to_string());
        // Longest first, so a secret containing another is masked whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Every string leaf of a kubeconfig user entry (serialized), except the keys that name things
/// rather than hold credentials.
pub fn register_all(value: &serde_json::Value) {
    const NOT_SECRET: &[&str] = &[
        "name",
        "command",
        "apiVersion",
        "installHint",
        "interactiveMode",
        "client-certificate",
        "client-key",
        "tokenFile",
        "username",
    ];
    match value {
        serde_json::Value::String(s) => register(s),
        serde_json::Value::Array(items) => items.iter().for_each(register_all),
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !NOT_SECRET.contains(&k.as_str()))
            .for_each(|(_, v)| register_all(v)),
        _ => {}
    }
}

/// `https://user:pass@host:6443` → `https://[REDACTED]@host:6443`; the user info is registered
/// as a secret too, so it is masked wherever else it shows up.
pub fn url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            register(userinfo);
            if let Some((_, password)) = userinfo.split_once(':') {
                register(password);
            }
            format!("{scheme}://{MASK}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The text with every registered secret masked.
pub fn apply(text: &str) -> String {
    let Ok(list) = secrets().read() else {
        return text.to_string();
    };
    let mut out = text.to_string();
    for secret in list.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_secrets_and_url_passwords_are_masked() {
        register("tok-123456789");
        register("abc");
        assert_eq!(apply("Bearer tok-123456789 abc"), "Bearer [REDACTED] abc");
        assert_eq!(
            url("https://admin:hunter2-pass@k8s.example:6443/api"),
            "https://[REDACTED]@k8s.example:6443/api"
        );
        assert_eq!(apply("hunter2-pass was typed"), "[REDACTED] was typed");
        assert_eq!(url("https://k8s.example:6443"), "https://k8s.example:6443");
        register_all(
            &serde_json::json!({"exec": {"command": "aws-iam-authenticator", "args": ["token", "--secret-arg-xyz"], "env": [{"name": "AWS_SECRET", "value": "s3cr3t-value"}]}}),
        );
        assert_eq!(
            apply("aws-iam-authenticator --secret-arg-xyz s3cr3t-value"),
            "aws-iam-authenticator [REDACTED] [REDACTED]"
        );
    }
}

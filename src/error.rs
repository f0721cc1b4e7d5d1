//! One error type for the whole program: every failure knows its exit status, its message, what
//! caused it and, where we can tell, what the user should do about it.
use std::fmt;

/// The exit-code contract, documented in the README and in `istioup --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: anything that went wrong (bad file, cluster unreachable, ...).
    Failed,
    /// 2: the command line itself is wrong.
    Usage,
    /// 3: a preflight check failed, or a guard refused to go on.
    ChecksFailed,
    /// 4: istioctl failed, or the result did not verify.
    Istioctl,
    /// 5: a confirmation was needed but not given, or declined.
    NotConfirmed,
    /// 130: interrupted (Ctrl-C).
    Interrupted,
}

impl Kind {
    pub fn code(self) -> u8 {
        match self {
            Kind::Failed => 1,
            Kind::Usage => 2,
            Kind::ChecksFailed => 3,
            Kind::Istioctl => 4,
            Kind::NotConfirmed => 5,
            Kind::Interrupted => 130,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub struct Error {
    kind: Kind,
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// Exit 1: a bad input file, an unreachable cluster, anything the user did not mistype.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }

    /// Exit 2: the command line is wrong.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The causes below the message, outermost first, with repeats dropped (many libraries
    /// repeat their source's text in their own).
    pub fn causes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(err) = next {
            let text = match err.downcast_ref::<kube::Error>() {
                Some(kube::Error::Api(status)) => answered(status),
                _ => plain_exec_failure(&err.to_string()),
            };
            let repeated = text == self.message || out.last().is_some_and(|last| last.contains(&text));
            if !repeated && !text.is_empty() {
                out.push(text);
            }
            next = err.source();
        }
        out
    }

    /// The text printed on stderr: `error: ...`, one `caused by:` line per cause, then the hint.
    pub fn render(&self) -> String {
        let mut out = format!("error: {}\n", self.message);
        for cause in self.causes() {
            out.push_str(&format!("  caused by: {cause}\n"));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("hint: {hint}\n"));
        }
        out
    }
}

/// What the API server answered, said plainly (kube-rs' own text appends a Rust debug dump):
/// `the API server answered 403 Forbidden: namespaces "x" is forbidden: ...`.
fn answered(status: &kube::core::Status) -> String {
    let code = status.code;
    let reason = if status.reason.is_empty() {
        http::StatusCode::from_u16(code)
            .ok()
            .and_then(|c| c.canonical_reason())
            .unwrap_or("")
            .replace(' ', "")
    } else {
        status.reason.clone()
    };
    let message = status.message.trim();
    match (reason.is_empty(), message.is_empty()) {
        (_, true) => format!("the API server answered {code} {reason}")
            .trim_end()
            .to_string(),
        (true, false) => format!("the API server answered {code}: {message}"),
        (false, false) => format!("the API server answered {code} {reason}: {message}"),
    }
}

/// Whether the server's TLS certificate was not signed by the CA istioup trusts.
pub fn untrusted_certificate(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if text.contains("UnknownIssuer") || text.contains("invalid peer certificate") {
            return true;
        }
        next = e.source();
    }
    false
}

/// kube-rs reports a failing exec credential plugin with its whole command line (environment
/// values and arguments, which hold secrets) and a Rust debug dump of its output (whose stdout
/// is where a plugin writes its token). Said instead as a person needs it: which plugin, its
/// exit status, and what it printed on stderr (its error message), never its stdout.
fn plain_exec_failure(text: &str) -> String {
    const START: &str = "auth exec command '";
    let Some(at) = text.find(START) else {
        return text.to_string();
    };
    let rest = &text[at + START.len()..];
    let Some(end) = rest.find("' failed") else {
        return text.to_string();
    };
    // The command line is `VAR="..." ... "program" "arg"...`: the program is the first quoted
    // word not preceded by `=`.
    let program = rest[..end]
        .split(" \"")
        .find(|w| !w.contains("=\"") && !w.is_empty())
        .map(|w| w.trim_matches('"').to_string())
        .unwrap_or_default();
    let status = rest[end..]
        .split("exit status: ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .unwrap_or("?");
    let stderr = rest
        .rsplit_once("stderr: \"")
        .map(|(_, s)| s.trim_end_matches(" }").trim_end_matches('"'))
        .map(|s| s.replace("\\n", " ").replace("\\\"", "\"").trim().to_string())
        .filter(|s| !s.is_empty());
    let mut out = format!(
        "{}the exec credential plugin {program} failed (exit status {status})",
        &text[..at]
    );
    match stderr {
        Some(stderr) => out.push_str(&format!("; it said: {stderr}")),
        None => out.push_str("; it printed nothing on stderr"),
    }
    out.push_str(" (its output is not shown: it may hold a credential)");
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Turns a kube-rs error into ours, with a hint for the failures users meet most.
pub fn api_error(err: kube::Error, what: &str) -> Error {
    let hint = match &err {
        kube::Error::Api(status) if status.code == 403 => Some(
            "your user lacks this permission (RBAC); ask a cluster admin, or use a context with more rights",
        ),
        kube::Error::Api(status) if status.code == 401 => {
            Some("the API server rejected the credentials; refresh them (e.g. log in again) and retry")
        }
        kube::Error::Api(status) if status.code == 429 => Some(
            "the API server kept answering 429 Too Many Requests (its API Priority and Fairness limits) \
             after istioup's retries; wait a minute and re-run the same command, it continues where it stopped",
        ),
        _ if untrusted_certificate(&err) => Some(
            "the server's certificate is not signed by the certificate authority in the kubeconfig \
             (certificate-authority or certificate-authority-data of the cluster): get the cluster's \
             current CA (e.g. download the kubeconfig again), and check the server address is the cluster's",
        ),
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            Some("is the API server reachable? `istioup context` shows which server istioup uses")
        }
        _ => None,
    };
    let error = Error::failed(what.to_string()).with_source(err);
    match hint {
        Some(h) => error.with_hint(h),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_exec_plugin_is_said_plainly() {
        let kube = r#"auth error: auth exec command 'CANARY_ENV="x" KUBERNETES_EXEC_INFO="{\"kind\":\"ExecCredential\"}" "/usr/bin/aws" "eks" "get-token"' failed with status exit status: 1: Output { status: ExitStatus(unix_wait_status(256)), stdout: "{\"status\":{\"token\":\"t0k3n\"\n", stderr: "credentials expired\n" }"#;
        let plain = plain_exec_failure(kube);
        assert_eq!(
            plain,
            "auth error: the exec credential plugin /usr/bin/aws failed (exit status 1); it said: credentials expired (its output is not shown: it may hold a credential)"
        );
        assert_eq!(plain_exec_failure("connection refused"), "connection refused");
    }

    #[test]
    fn render_shows_message_causes_and_hint() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        let err = Error::failed("cannot read overlay a.yaml")
            .with_source(io)
            .with_hint("check the path");
        assert_eq!(
            err.render(),
            "error: cannot read overlay a.yaml\n  caused by: No such file or directory\nhint: check the path\n"
        );
        assert_eq!(err.kind().code(), 1);
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        let codes: Vec<u8> = [
            Kind::Failed,
            Kind::Usage,
            Kind::ChecksFailed,
            Kind::Istioctl,
            Kind::NotConfirmed,
            Kind::Interrupted,
        ]
        .iter()
        .map(|k| k.code())
        .collect();
        assert_eq!(codes, [1, 2, 3, 4, 5, 130]);
    }
}

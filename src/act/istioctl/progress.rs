//! istioctl's progress lines (stderr), parsed into events. istioctl redraws a TTY line with `\r`
//! and prints one message per line when piped; both arrive here split on `\r` and `\n`.
//! Components are matched by name, never by position: siblings finish in any order.

use crate::facts::mesh::ObjectRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `- Processing resources for Egress gateways, Ingress gateways. Waiting for Deployment/...`
    Processing {
        components: Vec<String>,
        waiting: Vec<String>,
    },
    /// `✔ Istiod installed 🧠`
    Installed(String),
    /// `✘ Istiod encountered an error: failed to wait for resource: ...`
    Failed { component: String, error: String },
    /// An indented line below a failure: `  Deployment/istio-system/istiod (container failed ...)`
    Detail(String),
    /// `✔ Installation complete` / `✔ Uninstall complete`
    Complete,
    /// `  Removed apps/v1, Kind=Deployment/istiod.istio-system.`
    Removed(ObjectRef),
    /// A line of the ASCII-art logo `istioctl install` prints before its first message
    /// (operator/cmd/mesh/install.go): kept in the log, never shown.
    Art,
    /// `WARNING: Istio is being upgraded from 1.27.2 to 1.28.0.`
    Warning(String),
    /// Anything else istioctl says.
    Other(String),
}

/// Splits a chunk of stderr into lines the way a terminal would show them.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split(['\r', '\n']).filter(|l| !l.trim().is_empty())
}

pub fn parse(line: &str) -> Event {
    let trimmed = line.trim_end();
    if let Some(rest) = trimmed.strip_prefix("✔ ") {
        let rest = rest.trim();
        if rest.starts_with("Installation complete") || rest.starts_with("Uninstall complete") {
            return Event::Complete;
        }
        if let Some(at) = rest.find(" installed") {
            return Event::Installed(rest[..at].to_string());
        }
        return Event::Other(rest.to_string());
    }
    if let Some(rest) = trimmed.strip_prefix("✘ ") {
        if let Some((component, error)) = rest.split_once(" encountered an error: ") {
            return Event::Failed {
                component: component.trim().to_string(),
                error: error.trim().to_string(),
            };
        }
        return Event::Other(rest.trim().to_string());
    }
    if let Some(rest) = trimmed.strip_prefix("- Processing resources for ") {
        let (names, waiting) = match rest.split_once(". Waiting for ") {
            Some((names, waiting)) => (names, waiting),
            None => (rest.trim_end_matches('.'), ""),
        };
        return Event::Processing {
            components: split_list(names),
            waiting: split_list(waiting.trim_end_matches("...")),
        };
    }
    if let Some(removed) = trimmed
        .trim_start()
        .strip_prefix("Removed ")
        .and_then(removed_object)
    {
        return Event::Removed(removed);
    }
    if is_art(trimmed) {
        return Event::Art;
    }
    if let Some(rest) = trimmed.strip_prefix("WARNING: ") {
        return Event::Warning(rest.to_string());
    }
    if trimmed.starts_with(' ') || trimmed.starts_with('\t') {
        return Event::Detail(trimmed.trim().to_string());
    }
    Event::Other(trimmed.to_string())
}

/// `apps/v1, Kind=Deployment/istiod.istio-system.`: prune.go prints
/// `"%v/%s.%s", obj.GroupVersionKind(), name, namespace` (operator/pkg/uninstall/prune.go), so a
/// cluster-scoped object ends in `..` and a core kind starts with `/v1`. Namespaces hold no dot:
/// the last one before the final `.` separates name and namespace.
fn removed_object(text: &str) -> Option<ObjectRef> {
    let text = text.strip_suffix('.')?;
    let (_group_version, rest) = text.split_once(", Kind=")?;
    let (kind, name_ns) = rest.split_once('/')?;
    let (name, namespace) = name_ns.rsplit_once('.')?;
    Some(ObjectRef {
        kind: kind.to_string(),
        namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
        name: name.to_string(),
    })
}

/// A line drawn only with the logo's strokes, and at least one of them.
fn is_art(line: &str) -> bool {
    line.chars().any(|c| matches!(c, '|' | '/' | '\\' | '_'))
        && line.chars().all(|c| matches!(c, '|' | '/' | '\\' | '_' | ' '))
}

fn split_list(text: &str) -> Vec<String> {
    text.split(", ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_lines() {
        assert_eq!(
            parse(
                "- Processing resources for Egress gateways, Ingress gateways. Waiting for Deployment/istio-system/istio-egressgateway, Deployment/istio-system/istio-ingressgateway"
            ),
            Event::Processing {
                components: vec!["Egress gateways".into(), "Ingress gateways".into()],
                waiting: vec![
                    "Deployment/istio-system/istio-egressgateway".into(),
                    "Deployment/istio-system/istio-ingressgateway".into()
                ],
            }
        );
        assert_eq!(
            parse("✔ Istio core installed"),
            Event::Installed("Istio core".into())
        );
        assert_eq!(parse("✔ Istiod installed 🧠"), Event::Installed("Istiod".into()));
        assert_eq!(
            parse("✔ Ingress gateways installed 🛬"),
            Event::Installed("Ingress gateways".into())
        );
        assert_eq!(
            parse("✔ Ztunnel installed 🔒"),
            Event::Installed("Ztunnel".into())
        );
        assert_eq!(parse("✔ Installation complete"), Event::Complete);
        assert_eq!(parse("✔ Uninstall complete"), Event::Complete);
        assert_eq!(
            parse(
                "✘ Istiod encountered an error: failed to wait for resource: resources not ready after 5m0s: context deadline exceeded"
            ),
            Event::Failed {
                component: "Istiod".into(),
                error:
                    "failed to wait for resource: resources not ready after 5m0s: context deadline exceeded"
                        .into()
            }
        );
        assert_eq!(
            parse("  Deployment/istio-system/istiod (container failed to start: ImagePullBackOff: back-off)"),
            Event::Detail(
                "Deployment/istio-system/istiod (container failed to start: ImagePullBackOff: back-off)"
                    .into()
            )
        );
        // operator/pkg/uninstall/prune.go: "  Removed %s." of "%v/%s.%s" (GVK, name, namespace).
        assert_eq!(
            parse("  Removed apps/v1, Kind=Deployment/istiod.istio-system."),
            Event::Removed(ObjectRef {
                kind: "Deployment".into(),
                namespace: Some("istio-system".into()),
                name: "istiod".into()
            })
        );
        assert_eq!(
            parse(
                "  Removed admissionregistration.k8s.io/v1, Kind=MutatingWebhookConfiguration/istio-sidecar-injector.."
            ),
            Event::Removed(ObjectRef {
                kind: "MutatingWebhookConfiguration".into(),
                namespace: None,
                name: "istio-sidecar-injector".into()
            })
        );
        assert_eq!(
            parse("  Removed /v1, Kind=ConfigMap/istio.sidecar.v1.istio-alt."),
            Event::Removed(ObjectRef {
                kind: "ConfigMap".into(),
                namespace: Some("istio-alt".into()),
                name: "istio.sidecar.v1".into()
            })
        );
        assert_eq!(parse("        |\\          "), Event::Art);
        assert_eq!(parse("/______||__________\\"), Event::Art);
        assert_eq!(parse("____________________"), Event::Art);
        assert_eq!(
            parse("WARNING: Istio is being upgraded from 1.27.2 to 1.28.0."),
            Event::Warning("Istio is being upgraded from 1.27.2 to 1.28.0.".into())
        );
        assert_eq!(
            parse("- Pruning removed resources"),
            Event::Other("- Pruning removed resources".into())
        );
    }

    #[test]
    fn splits_tty_redraws_and_piped_lines() {
        let tty = "- Processing resources for Istio core.\r✔ Istio core installed ⛵️\n- Processing resources for Istiod.\r\r✔ Istiod installed 🧠\n";
        let events: Vec<Event> = lines(tty).map(parse).collect();
        assert_eq!(events.len(), 4);
        assert_eq!(events[1], Event::Installed("Istio core".into()));
        assert_eq!(events[3], Event::Installed("Istiod".into()));
    }

    #[test]
    fn processing_without_waiting_list() {
        assert_eq!(
            parse("- Processing resources for Istio core."),
            Event::Processing {
                components: vec!["Istio core".into()],
                waiting: vec![]
            }
        );
    }
}

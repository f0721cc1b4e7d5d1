//! A private registry for clusters without internet (`--registry HOST[/PATH]`): every image is
//! pulled from the mirror instead. Istio's images are named by a hub (`docker.io/istio`) and an
//! image name (`pilot`), so Istio's hub becomes the mirror (`registry.local/istio/pilot:1.30.3`);
//! any other image keeps its repository path under the mirror, dropping its registry host
//! (`quay.io/kiali/kiali:v2.26` → `registry.local/istio/kiali/kiali:v2.26`), the layout
//! `crane copy` and `skopeo sync` produce when mirroring by path.
use serde_json::Value;

use crate::error::{Error, Result};

/// Checks `HOST[:PORT][/PATH]` (no scheme, no tag) and returns it without a trailing `/`.
pub fn parse(text: &str) -> Result<String> {
    let registry = text.trim().trim_end_matches('/');
    let hint = "write it like registry.local/istio or 10.0.0.5:5000/mirror (no https://, no tag)";
    if registry.is_empty() || registry.contains("://") || registry.contains(char::is_whitespace) {
        return Err(Error::usage(format!("--registry {text:?} is not HOST[/PATH]")).with_hint(hint));
    }
    let host = registry.split('/').next().unwrap_or_default();
    if host.is_empty() || registry.contains('@') || registry.split('/').skip(1).any(|p| p.contains(':')) {
        return Err(Error::usage(format!("--registry {text:?} is not HOST[/PATH]")).with_hint(hint));
    }
    Ok(registry.to_string())
}

/// Where `image` is pulled from once mirrored to `registry`.
pub fn mirror(image: &str, registry: &str) -> String {
    let (first, rest) = match image.split_once('/') {
        Some((first, rest)) => (first, rest),
        None => return format!("{registry}/library/{image}"),
    };
    // The first segment is a registry host when it has a dot or a port, or is localhost
    // (the rule of github.com/distribution/reference's ParseNormalizedNamed).
    let is_host = first.contains('.') || first.contains(':') || first == "localhost";
    let path = if is_host { rest } else { image };
    format!("{registry}/{path}")
}

/// The IstioOperator with every hub pointing at `registry`: `spec.hub` (which istioctl turns
/// into `values.global.hub`, over any `values.global.hub`: operator/pkg/render/manifest.go
/// translateIstioOperatorToHelm) and each hub a component or value sets, and each full image
/// reference (`values.pilot.image: docker.io/x/pilot:1`) mirrored.
pub fn apply(iop: &mut Value, registry: &str) {
    fn walk(value: &mut Value, registry: &str) {
        if let Some(map) = value.as_object_mut() {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), v.as_str()) {
                    ("hub", Some(_)) => *v = Value::String(registry.to_string()),
                    ("image", Some(image)) if image.contains('/') => {
                        *v = Value::String(mirror(image, registry));
                    }
                    _ => walk(v, registry),
                }
            }
        } else if let Some(list) = value.as_array_mut() {
            for v in list {
                walk(v, registry);
            }
        }
    }
    walk(iop, registry);
    if let Some(spec) = iop.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("hub".into(), Value::String(registry.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn images_keep_their_path_under_the_mirror() {
        let r = "registry.local/istio";
        assert_eq!(
            mirror("quay.io/kiali/kiali:v2.26", r),
            "registry.local/istio/kiali/kiali:v2.26"
        );
        assert_eq!(
            mirror("docker.io/prom/prometheus:v3.10.0", r),
            "registry.local/istio/prom/prometheus:v3.10.0"
        );
        assert_eq!(
            mirror("grafana/grafana:12", r),
            "registry.local/istio/grafana/grafana:12"
        );
        assert_eq!(mirror("busybox", r), "registry.local/istio/library/busybox");
        assert_eq!(mirror("localhost/x:1", r), "registry.local/istio/x:1");
    }

    #[test]
    fn every_hub_and_full_image_of_the_spec_moves_to_the_mirror() {
        let mut iop = json!({"spec": {
            "components": {"pilot": {"hub": "gcr.io/me"}, "ingressGateways": [{"name": "g", "hub": "x.io/y"}]},
            "values": {"global": {"hub": "docker.io/istio"}, "pilot": {"image": "docker.io/me/pilot:1"}, "cni": {"image": "install-cni"}}
        }});
        apply(&mut iop, "m.local:5000/istio");
        assert_eq!(iop["spec"]["hub"], "m.local:5000/istio");
        assert_eq!(iop["spec"]["components"]["pilot"]["hub"], "m.local:5000/istio");
        assert_eq!(
            iop["spec"]["components"]["ingressGateways"][0]["hub"],
            "m.local:5000/istio"
        );
        assert_eq!(iop["spec"]["values"]["global"]["hub"], "m.local:5000/istio");
        assert_eq!(
            iop["spec"]["values"]["pilot"]["image"],
            "m.local:5000/istio/me/pilot:1"
        );
        assert_eq!(
            iop["spec"]["values"]["cni"]["image"], "install-cni",
            "a bare name follows the hub"
        );
    }

    #[test]
    fn a_registry_is_host_and_path_only() {
        assert_eq!(parse("registry.local/istio/").unwrap(), "registry.local/istio");
        assert_eq!(parse("10.0.0.5:5000").unwrap(), "10.0.0.5:5000");
        for bad in ["", "https://r.local", "r.local/istio:1.30", "r.local/a b"] {
            assert_eq!(parse(bad).unwrap_err().kind().code(), 2, "{bad:?}");
        }
    }
}

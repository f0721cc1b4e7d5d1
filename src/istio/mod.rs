//! Istio's vocabulary and facts, in one place: the names of its labels, annotations, webhooks
//! and ConfigMaps and how they vary by revision and namespace, its CRD groups, the release table
//! (`versions`) and the injection rules (`injection`). Pure data and functions: nothing here
//! imports anything but std and serde, and everything in istioup that needs a name of Istio's
//! takes it from here.
pub mod injection;
pub mod values_fields;
pub mod versions;

/// Namespace label: `enabled` injects with the default revision, `disabled` never injects.
pub const INJECTION_LABEL: &str = "istio-injection";
/// Namespace (or pod) label naming the revision or revision tag that injects.
pub const REVISION_LABEL: &str = "istio.io/rev";
/// Pod template label (and the deprecated annotation) that opts a pod in or out.
pub const INJECT_LABEL: &str = "sidecar.istio.io/inject";
/// Set by the injector on every pod it injects: JSON naming the revision among other things.
pub const STATUS_ANNOTATION: &str = "sidecar.istio.io/status";
/// istioctl's label on everything it installs: `Base`, `Pilot`, `IngressGateways`, ...
pub const COMPONENT_LABEL: &str = "operator.istio.io/component";
/// istioctl's own version, set on what it installs (not the version that runs: see the image).
pub const VERSION_LABEL: &str = "operator.istio.io/version";
/// The sidecar container (or native-sidecar init container) the injector adds.
pub const PROXY_CONTAINER: &str = "istio-proxy";

/// istioup's own record on a namespace: which injection label (`istio-injection` or
/// `istio.io/rev`) istioup set, so that disabling removes only that.
pub const OWNER_ANNOTATION: &str = "istioup.io/injection-label";
/// On every object istioup applied for an addon: the addon's name (`kiali`).
pub const ADDON_LABEL: &str = "istioup.io/addon";

/// The namespace Istio is installed into unless told otherwise.
pub const DEFAULT_NAMESPACE: &str = "istio-system";
/// The revision that a control plane installed without `--revision` serves.
pub const DEFAULT_REVISION: &str = "default";
/// Every Istio CRD's group ends with this (`networking.istio.io`, `security.istio.io`, ...).
pub const CRD_GROUP_SUFFIX: &str = "istio.io";

/// istioctl's component names, as its `operator.istio.io/component` label spells them.
pub mod component {
    pub const BASE: &str = "Base";
    pub const PILOT: &str = "Pilot";
    pub const INGRESS_GATEWAYS: &str = "IngressGateways";
    pub const EGRESS_GATEWAYS: &str = "EgressGateways";
    pub const CNI: &str = "Cni";
    pub const ZTUNNEL: &str = "Ztunnel";
}

/// Prefix of every injector MutatingWebhookConfiguration: `istio-sidecar-injector[-rev][-ns]`.
pub const INJECTOR_PREFIX: &str = "istio-sidecar-injector";
/// Prefix of the revision-tag webhooks istioctl creates (`istio-revision-tag-default`).
pub const TAG_WEBHOOK_PREFIX: &str = "istio-revision-tag-";
/// The default revision's cluster-wide validator.
pub const DEFAULT_VALIDATOR: &str = "istiod-default-validator";
/// Prefix of the per-revision validators (`istio-validator[-rev]-<ns>`).
pub const VALIDATOR_PREFIX: &str = "istio-validator";
/// The ConfigMap istiod copies into every namespace.
pub const CA_ROOT_CONFIGMAP: &str = "istio-ca-root-cert";
/// Leader-election ConfigMaps every istiod creates at run time, left behind by `istioctl
/// uninstall` (pilot/pkg/leaderelection/leaderelection.go).
pub const LEADER_CONFIGMAPS: &[&str] = &[
    "istio-leader",
    "istio-namespace-controller-election",
    "istio-gateway-status-leader",
];
/// Every election ID of pilot/pkg/leaderelection/leaderelection.go (1.24-1.30): held in a
/// ConfigMap, or in a Lease named `<id>` or, per revision, `<id>-<rev>` (the gateway deployment
/// controller's, and since 1.30 the gateway status and status controllers'), when the feature
/// runs.
pub const ELECTION_IDS: &[&str] = &[
    "istio-leader",
    "istio-namespace-controller-election",
    "istio-clustertrustbundle-controller-election",
    "istio-serviceexport-controller-election",
    "istio-gateway-status-leader",
    "istio-status-leader",
    "istio-analyze-leader",
    "istio-gateway-deployment",
    "istio-gateway-inferencepool",
    "istio-node-untaint",
    "istio-ip-autoallocate",
];
/// The self-signed root CA istiod creates (security/pkg/pki/ca): kept unless `--purge`, since
/// a reinstall that finds it keeps the workloads' trust root.
pub const CA_SECRET: &str = "istio-ca-secret";

/// Whether a ConfigMap or Lease of that name holds one of istiod's leader elections.
pub fn is_election_object(name: &str) -> bool {
    ELECTION_IDS
        .iter()
        .any(|id| name == *id || name.strip_prefix(id).is_some_and(|rest| rest.starts_with('-')))
}

/// The injector ConfigMap of a revision: `istio-sidecar-injector[-rev]`.
pub fn injector_configmap(revision: &str) -> String {
    revisioned(INJECTOR_PREFIX, revision)
}

/// The injector MutatingWebhookConfiguration of a revision installed into `namespace`:
/// `istio-sidecar-injector[-rev]` in istio-system, `istio-sidecar-injector[-rev]-<ns>` elsewhere
/// (manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml).
pub fn injector_webhook(revision: &str, namespace: &str) -> String {
    let name = revisioned(INJECTOR_PREFIX, revision);
    if namespace == DEFAULT_NAMESPACE {
        name
    } else {
        format!("{name}-{namespace}")
    }
}

/// The istiod Deployment and Service of a revision: `istiod[-rev]`.
pub fn istiod_name(revision: &str) -> String {
    revisioned("istiod", revision)
}

/// The webhook of a revision tag: `istio-revision-tag-<tag>`.
pub fn tag_webhook(tag: &str) -> String {
    format!("{TAG_WEBHOOK_PREFIX}{tag}")
}

fn revisioned(base: &str, revision: &str) -> String {
    if revision.is_empty() || revision == DEFAULT_REVISION {
        base.to_string()
    } else {
        format!("{base}-{revision}")
    }
}

/// A revision names Kubernetes objects (istiod-<revision>), so it must be a DNS-1123 label.
pub fn check_revision(name: &str) -> Result<(), String> {
    let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if name.is_empty() {
        Err("it is empty".into())
    } else if name.len() > 63 {
        Err(format!("it has {} characters; the limit is 63", name.len()))
    } else if !name.chars().all(valid_char) {
        Err("only lowercase letters, digits and '-' are allowed".into())
    } else if name.starts_with('-') || name.ends_with('-') {
        Err("it must start and end with a letter or digit".into())
    } else {
        Ok(())
    }
}

/// Whether a webhook configuration of that name is one of Istio's injectors or revision tags:
/// what makes new pods get a sidecar.
pub fn is_injector_webhook(name: &str) -> bool {
    name.starts_with(INJECTOR_PREFIX) || name.starts_with(TAG_WEBHOOK_PREFIX)
}

/// Whether a webhook configuration of that name is one of Istio's validators.
pub fn is_validator_webhook(name: &str) -> bool {
    name == DEFAULT_VALIDATOR || name.starts_with(VALIDATOR_PREFIX)
}

/// Whether a CRD group is Istio's.
pub fn is_istio_group(group: &str) -> bool {
    group.ends_with(CRD_GROUP_SUFFIX)
}

/// `docker.io/istio/proxyv2:1.28.0` → `1.28.0`; none for a digest or an untagged image.
pub fn image_tag(image: &str) -> Option<String> {
    if image.contains('@') {
        return None;
    }
    let (repo, tag) = image.rsplit_once(':')?;
    // `registry:5000/proxyv2` has a port, not a tag.
    (!tag.contains('/') && !repo.is_empty()).then(|| tag.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(
            image_tag("docker.io/istio/proxyv2:1.28.0").as_deref(),
            Some("1.28.0")
        );
        assert_eq!(image_tag("registry:5000/istio/proxyv2"), None);
        assert_eq!(image_tag("istio/proxyv2@sha256:abc"), None);
        assert_eq!(image_tag("proxyv2"), None);
    }

    #[test]
    fn election_objects() {
        assert!(is_election_object("istio-leader"));
        assert!(is_election_object("istio-gateway-deployment-default"));
        assert!(is_election_object("istio-gateway-status-leader-canary"));
        assert!(!is_election_object("istio-leaderboard"));
        assert!(!is_election_object("istio"));
    }

    #[test]
    fn revisioned_names() {
        assert_eq!(injector_configmap("default"), "istio-sidecar-injector");
        assert_eq!(injector_configmap("canary"), "istio-sidecar-injector-canary");
        assert_eq!(istiod_name(""), "istiod");
        assert_eq!(tag_webhook("prod"), "istio-revision-tag-prod");
        assert_eq!(
            injector_webhook("default", "istio-system"),
            "istio-sidecar-injector"
        );
        assert_eq!(
            injector_webhook("canary", "istio-alt"),
            "istio-sidecar-injector-canary-istio-alt"
        );
    }
}

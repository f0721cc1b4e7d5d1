//! The desired IstioOperator: built-in base + overlay files + --set, merged by istioup's rules,
//! and the workloads it will create. Uses `cli`, `k8s` and `istio`; never the cluster.
//!
//! istioctl 1.24+ replaces lists whole (a user's gateway list drops the profile's ingress gateway),
//! so istioup does its own documented merge and hands istioctl a single file. The steps are plain
//! functions: load each overlay into a checked [`Layer`](overlay::Layer), pick the base for the
//! chosen profile, merge the files in order, apply `--set` paths, then the `--profile` and
//! `--revision` shortcuts.
pub mod addons;
mod base;
mod components;
mod merge;
mod overlay;
mod path;
pub mod registry;
mod setpath;
mod validate;
mod workloads;

use serde_json::Value;

use crate::cli::SpecArgs;
use crate::error::{Error, Result};

pub use base::{
    API_VERSION, EGRESS_GATEWAY, INGRESS_GATEWAY, KIND, ProfileDefaults, base_for, profile_defaults,
};
pub use components::{Component, ComponentKind, Components, Requests, Service, ServicePort};
pub use merge::merge;
pub use overlay::{Layer, MAX_OVERLAY_BYTES, load_all};
pub use path::Segment;
pub use setpath::{SetArg, parse_set};
pub use workloads::{Desired, GatewayService};

/// A layer's name in messages: which file or flag introduced a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(String),
    Stdin,
    Set(String),
    ProfileFlag,
    RevisionFlag,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => write!(f, "overlay {path}"),
            Origin::Stdin => f.write_str("overlay - (stdin)"),
            Origin::Set(raw) => write!(f, "--set {raw}"),
            Origin::ProfileFlag => f.write_str("--profile"),
            Origin::RevisionFlag => f.write_str("--revision"),
        }
    }
}

/// The merged IstioOperator for these arguments. Reads stdin only when an overlay is `-`.
pub fn desired(args: &SpecArgs, stdin: &mut dyn std::io::Read) -> Result<Value> {
    // Command-line mistakes are reported before any file is read.
    let mut sets = args
        .sets
        .iter()
        .map(|raw| parse_set(raw))
        .collect::<Result<Vec<_>>>()?;
    sets.extend(shortcuts(args)?);
    let registry = args.registry.as_deref().map(registry::parse).transpose()?;
    let layers = overlay::load_all(&args.overlays, stdin)?;

    let (profile, origin) = chosen_profile(&layers, &sets);
    check_profile(&profile, origin)?;
    let mut tree = base_for(&profile);
    for layer in layers {
        merge(&mut tree, layer.value);
    }
    for set in &sets {
        set.apply(&mut tree)?;
    }
    if let Some(registry) = registry {
        registry::apply(&mut tree, &registry);
    }
    Ok(tree)
}

/// What istioctl will read differently from how it looks, said before anything runs.
pub fn warnings(iop: &Value) -> Vec<String> {
    let mut out = Vec::new();
    validate::numeric_versions(iop, "", &mut out);
    if let Some(ns) = iop
        .pointer("/spec/namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        // operator/pkg/render/manifest.go reads only values.global.istioNamespace.
        out.push(format!(
            "spec.namespace ({ns}) is ignored by istioctl 1.24+; to install into {ns}, set \
             values.global.istioNamespace: {ns}"
        ));
    }
    out
}

/// `--profile` and `--revision` as `--set` entries applied last.
fn shortcuts(args: &SpecArgs) -> Result<Vec<SetArg>> {
    let mut out = Vec::new();
    if let Some(profile) = &args.profile {
        if profile.trim().is_empty() {
            return Err(Error::usage(
                "--profile needs a profile name, e.g. --profile demo",
            ));
        }
        out.push(SetArg::shortcut("profile", profile, Origin::ProfileFlag));
    }
    if let Some(revision) = &args.revision {
        validate::revision(revision).map_err(|problem| {
            Error::usage(format!(
                "--revision {revision:?} is not a valid revision: {problem}"
            ))
            .with_hint("use lowercase letters, digits and '-', e.g. --revision 1-28-0")
        })?;
        out.push(SetArg::shortcut("revision", revision, Origin::RevisionFlag));
    }
    Ok(out)
}

/// The profile the merged result will name: the last one set by a file, a --set or --profile.
/// The base depends on it, so it is worked out before merging.
/// The profiles istioctl 1.24+ ships (`istioctl profile list`).
pub const PROFILES: &[&str] = &[
    "ambient",
    "default",
    "demo",
    "empty",
    "minimal",
    "openshift",
    "openshift-ambient",
    "preview",
    "remote",
    "stable",
];

/// The profile in force, and the layer that chose it (`None`: the default).
fn chosen_profile<'a>(layers: &'a [overlay::Layer], sets: &'a [SetArg]) -> (String, Option<&'a Origin>) {
    let mut profile = (base::DEFAULT_PROFILE.to_string(), None);
    for layer in layers {
        match layer.value.get("spec").and_then(|spec| spec.get("profile")) {
            Some(Value::String(name)) => profile = (name.clone(), Some(&layer.origin)),
            Some(Value::Null) => profile = (base::DEFAULT_PROFILE.to_string(), None),
            _ => {}
        }
    }
    for set in sets {
        if let Some(name) = set.sets_profile() {
            profile = (name, Some(&set.origin));
        }
    }
    profile
}

/// An unknown profile fails here, named with the file or flag that chose it, rather than late
/// in istioctl.
fn check_profile(profile: &str, origin: Option<&Origin>) -> Result<()> {
    if PROFILES.contains(&profile) {
        return Ok(());
    }
    let from_file = matches!(origin, Some(Origin::File(_) | Origin::Stdin));
    let origin = origin
        .map(ToString::to_string)
        .unwrap_or_else(|| "the spec".into());
    let suggestion = crate::util::suggest::did_you_mean(profile, PROFILES)
        .map(|p| format!(" (did you mean `{p}`?)"))
        .unwrap_or_default();
    let message = format!("{origin}: unknown profile `{profile}`{suggestion}");
    // A bad file is exit 1, a mistyped flag a usage error (exit 2).
    let error = if from_file {
        Error::failed(message)
    } else {
        Error::usage(message)
    };
    Err(error.with_hint(format!("istioctl's profiles are: {}", PROFILES.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    fn args(sets: &[&str]) -> SpecArgs {
        SpecArgs {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..SpecArgs::default()
        }
    }

    fn render(spec_args: &SpecArgs, stdin: &str) -> Result<Value> {
        desired(spec_args, &mut stdin.as_bytes())
    }

    #[test]
    fn a_registry_is_applied_last_over_every_hub() {
        let spec_args = SpecArgs {
            sets: vec!["components.pilot.hub=gcr.io/me".into()],
            registry: Some("registry.local/istio/".into()),
            ..SpecArgs::default()
        };
        let tree = render(&spec_args, "").unwrap();
        assert_eq!(tree["spec"]["hub"], "registry.local/istio");
        assert_eq!(tree["spec"]["components"]["pilot"]["hub"], "registry.local/istio");
        let bad = SpecArgs {
            registry: Some("https://r".into()),
            ..SpecArgs::default()
        };
        assert_eq!(render(&bad, "").unwrap_err().kind().code(), 2);
    }

    #[test]
    fn no_input_gives_the_documented_base() {
        let tree = render(&SpecArgs::default(), "").unwrap();
        assert_eq!(tree["apiVersion"], API_VERSION);
        assert_eq!(tree["kind"], KIND);
        let spec = &tree["spec"];
        assert_eq!(spec["profile"], "default");
        assert_eq!(spec["components"]["pilot"]["enabled"], true);
        assert_eq!(spec["components"]["cni"]["enabled"], false);
        assert_eq!(spec["components"]["ingressGateways"][0]["name"], INGRESS_GATEWAY);
        assert_eq!(spec["components"]["ingressGateways"][0]["enabled"], true);
        assert_eq!(spec["components"]["egressGateways"][0]["name"], EGRESS_GATEWAY);
        assert_eq!(spec["components"]["egressGateways"][0]["enabled"], false);
        assert_eq!(
            spec["components"]["pilot"]["k8s"]["nodeSelector"],
            json!({"kubernetes.io/os": "linux"})
        );
    }

    #[test]
    fn stdin_overlay_then_sets_then_shortcuts() {
        let spec_args = SpecArgs {
            overlays: vec![PathBuf::from("-")],
            sets: vec![
                "revision=canary".into(),
                "values.global.hub=example.com/istio".into(),
            ],
            profile: Some("demo".into()),
            revision: Some("stable-1".into()),
            registry: None,
        };
        let stdin = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n  hub: a\n";
        let tree = render(&spec_args, stdin).unwrap();
        assert_eq!(tree["spec"]["profile"], "demo");
        assert_eq!(tree["spec"]["revision"], "stable-1");
        assert_eq!(tree["spec"]["hub"], "a");
        assert_eq!(tree["spec"]["values"]["global"]["hub"], "example.com/istio");
    }

    #[test]
    fn profile_from_a_set_picks_the_matching_base() {
        let tree = render(&args(&["profile=demo"]), "").unwrap();
        assert_eq!(tree["spec"]["components"]["egressGateways"][0]["enabled"], true);
        let tree = render(&args(&["spec.profile=ambient"]), "").unwrap();
        assert_eq!(tree["spec"]["components"]["cni"]["enabled"], true);
        assert_eq!(tree["spec"]["components"]["ingressGateways"][0]["enabled"], false);
    }

    #[test]
    fn bad_revision_flag_is_a_usage_error() {
        let spec_args = SpecArgs {
            revision: Some("Canary_1".into()),
            ..SpecArgs::default()
        };
        let err = render(&spec_args, "").unwrap_err();
        assert_eq!(err.kind().code(), 2);
        assert!(
            err.message().contains("--revision \"Canary_1\""),
            "{}",
            err.message()
        );
    }

    #[test]
    fn empty_profile_flag_is_a_usage_error() {
        let spec_args = SpecArgs {
            profile: Some(" ".into()),
            ..SpecArgs::default()
        };
        assert_eq!(render(&spec_args, "").unwrap_err().kind().code(), 2);
    }

    #[test]
    fn bad_set_is_reported_before_files_are_read() {
        let spec_args = SpecArgs {
            overlays: vec![PathBuf::from("/does/not/exist.yaml")],
            sets: vec!["novalue".into()],
            ..SpecArgs::default()
        };
        assert_eq!(render(&spec_args, "").unwrap_err().kind().code(), 2);
    }

    #[test]
    fn same_input_same_output() {
        let spec_args = args(&["components.cni.enabled=true", "values.global.hub=x"]);
        let a = serde_saphyr::to_string(&render(&spec_args, "").unwrap()).unwrap();
        let b = serde_saphyr::to_string(&render(&spec_args, "").unwrap()).unwrap();
        assert_eq!(a, b);
    }
}

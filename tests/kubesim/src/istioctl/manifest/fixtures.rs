//! The rendered Istio fixtures (tests/fixtures/istio/<release>/*.yaml, made by render.sh from
//! each release's own charts) that the stand-in uses as templates.
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

/// Releases with fixtures, oldest first.
pub const RELEASES: &[&str] = &["1.24.0", "1.30.3"];

macro_rules! release_files {
    ($rel:literal) => {
        &[
            (
                "default",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/default.yaml")),
            ),
            (
                "canary",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/canary.yaml")),
            ),
            (
                "demo",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/demo.yaml")),
            ),
            (
                "minimal",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/minimal.yaml")),
            ),
            (
                "ambient",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/ambient.yaml")),
            ),
            (
                "egress",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/egress.yaml")),
            ),
            (
                "auto-inject",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/auto-inject.yaml")),
            ),
            (
                "pilot-autoscalemin",
                include_str!(concat!(
                    "../../../../fixtures/istio/",
                    $rel,
                    "/pilot-autoscalemin.yaml"
                )),
            ),
            (
                "crds",
                include_str!(concat!("../../../../fixtures/istio/", $rel, "/crds.yaml")),
            ),
        ]
    };
}

fn files(release: &str) -> &'static [(&'static str, &'static str)] {
    match release {
        "1.24.0" => release_files!("1.24.0"),
        _ => release_files!("1.30.3"),
    }
}

/// The fixture release whose charts stand in for `version`: the nearest by minor version
/// (ties go to the newer one), so 1.24–1.26 use 1.24.0 and 1.27+ use 1.30.3.
pub fn release_for(version: &str) -> &'static str {
    let minor = |v: &str| -> i64 {
        let mut it = v.trim_start_matches('v').split(['.', '-']);
        let major: i64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(1);
        let minor: i64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        major * 1000 + minor
    };
    let want = minor(version);
    let mut best = RELEASES[0];
    for r in RELEASES {
        if (minor(r) - want).abs() <= (minor(best) - want).abs() {
            best = r;
        }
    }
    best
}

type Parsed = BTreeMap<(&'static str, &'static str), &'static [Value]>;

/// The objects of fixture `name` (e.g. `default`, `crds`) of `release`, parsed once.
pub fn objects(release: &'static str, name: &'static str) -> &'static [Value] {
    static CACHE: OnceLock<Mutex<Parsed>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(v) = guard.get(&(release, name)) {
        return v;
    }
    let text = files(release)
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or("");
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).unwrap_or_default();
    let docs: Vec<Value> = docs.into_iter().filter(|d| d.is_object()).collect();
    let leaked: &'static [Value] = Box::leak(docs.into_boxed_slice());
    guard.insert((release, name), leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_release() {
        assert_eq!(release_for("1.24.3"), "1.24.0");
        assert_eq!(release_for("1.26.0"), "1.24.0");
        assert_eq!(release_for("1.27.0"), "1.30.3");
        assert_eq!(release_for("1.28.0"), "1.30.3");
        assert_eq!(release_for("1.31.0"), "1.30.3");
        assert_eq!(release_for("1.22.1"), "1.24.0");
    }

    #[test]
    fn fixtures_parse() {
        for r in RELEASES {
            assert!(objects(r, "default").len() > 20, "{r}");
            assert!(objects(r, "crds").len() >= 14, "{r}");
        }
    }
}

//! `istioup images` against what real istioctl installs: for every fixture configuration of every
//! release (tests/fixtures/istio/<release>/<config>.yaml, rendered from Istio's own charts by real
//! helm), the images istioup lists are the images the rendered workloads name, and the sidecar
//! image is the one istiod would inject (pkg/kube/inject/inject.go ProxyImage); addon images are
//! those of the release's own samples/addons manifests (copied verbatim by
//! tests/fixtures/istio/addons.sh).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cluster::kubesim_bin;
use crate::support::{code, istioup, repo_root, text};

const RELEASES: [&str; 2] = ["1.24.0", "1.30.3"];

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures/istio")
}

/// A release laid out as its archive unpacks: `istio-X/bin/istioctl` (the stand-in) next to
/// `istio-X/samples/addons` (the real manifests).
fn release_dir(root: &Path, tag: &str) -> PathBuf {
    let release = root.join(format!("istio-{tag}"));
    std::fs::create_dir_all(release.join("bin")).unwrap();
    std::os::unix::fs::symlink(kubesim_bin(), release.join("bin/istioctl")).unwrap();
    std::os::unix::fs::symlink(fixtures().join(tag).join("samples"), release.join("samples")).unwrap();
    release
}

fn images(dir: &Path, tag: &str, args: &[&str]) -> Value {
    let release = release_dir(dir, tag);
    let out = istioup(dir)
        .env("ISTIOCTL_STANDIN_VERSION", tag)
        .arg("images")
        .arg("--istioctl")
        .arg(release.join("bin/istioctl"))
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap()
        .into_iter()
        .filter(|d| d.is_object())
        .collect()
}

/// Images named by the pod templates of a rendered manifest, read here independently.
fn template_images(objects: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for o in objects {
        for list in ["initContainers", "containers"] {
            for c in o["spec"]["template"]["spec"][list]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(image) = c["image"].as_str().filter(|i| *i != "auto") {
                    out.insert(image.to_string());
                }
            }
        }
    }
    out
}

fn listed(doc: &Value, from: &str, skip_sidecar: bool) -> BTreeSet<String> {
    doc["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["from"] == from)
        .filter(|i| !(skip_sidecar && i["used_by"] == serde_json::json!(["sidecars and gateways"])))
        .map(|i| i["image"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn istio_images_are_those_the_charts_render() {
    for tag in RELEASES {
        for entry in std::fs::read_dir(fixtures().join("iops")).unwrap() {
            let iop = entry.unwrap().path();
            let config = iop.file_stem().unwrap().to_string_lossy().into_owned();
            let dir = tempfile::tempdir().unwrap();
            let doc = images(dir.path(), tag, &["-f", iop.to_str().unwrap()]);
            let rendered = docs(&fixtures().join(tag).join(format!("{config}.yaml")));
            assert_eq!(
                listed(&doc, "istio", true),
                template_images(&rendered),
                "{tag} {config}"
            );
            // Every listed image is the release's own.
            for image in listed(&doc, "istio", false) {
                assert!(
                    image.starts_with("docker.io/istio/") && image.contains(tag),
                    "{tag} {config}: {image}"
                );
            }
        }
    }
}

/// The sidecar image: `proxyv2` of the release, with the ambient profile's `distroless` image type
/// from its meshConfig (`defaultConfig.image.imageType`).
#[test]
fn the_sidecar_image_is_the_one_istiod_injects() {
    let dir = tempfile::tempdir().unwrap();
    let iops = fixtures().join("iops");
    let doc = images(
        dir.path(),
        "1.30.3",
        &["-f", iops.join("default.yaml").to_str().unwrap()],
    );
    let sidecar: Vec<&Value> = doc["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["used_by"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u == "sidecars and gateways")
        })
        .collect();
    assert_eq!(sidecar.len(), 1, "{doc:#}");
    assert_eq!(sidecar[0]["image"], "docker.io/istio/proxyv2:1.30.3");
    let dir = tempfile::tempdir().unwrap();
    let doc = images(
        dir.path(),
        "1.30.3",
        &["-f", iops.join("ambient.yaml").to_str().unwrap()],
    );
    assert!(
        listed(&doc, "istio", false).contains("docker.io/istio/proxyv2:1.30.3-distroless"),
        "{doc:#}"
    );
}

#[test]
fn addon_images_are_those_of_the_releases_manifests() {
    for tag in RELEASES {
        let dir = tempfile::tempdir().unwrap();
        let doc = images(dir.path(), tag, &["--addons", "kiali,grafana,jaeger,zipkin,loki"]);
        let addons = fixtures().join(tag).join("samples/addons");
        for (addon, file) in [
            ("kiali", "kiali.yaml"),
            ("prometheus", "prometheus.yaml"),
            ("grafana", "grafana.yaml"),
            ("jaeger", "jaeger.yaml"),
            ("zipkin", "extras/zipkin.yaml"),
            ("loki", "loki.yaml"),
        ] {
            let want = template_images(&docs(&addons.join(file)));
            assert!(!want.is_empty(), "{tag} {file}");
            let have: BTreeSet<String> = doc["images"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| want.contains(i["image"].as_str().unwrap()))
                .map(|i| i["image"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(have, want, "{tag} {addon}");
        }
        // Kiali brought Prometheus, and the report says why.
        assert!(
            doc["notes"][0].as_str().unwrap().starts_with("prometheus"),
            "{doc:#}"
        );
    }
}

#[test]
fn a_registry_mirrors_every_image() {
    let dir = tempfile::tempdir().unwrap();
    let doc = images(
        dir.path(),
        "1.30.3",
        &["--addons", "kiali", "--registry", "registry.local/istio"],
    );
    for image in doc["images"].as_array().unwrap() {
        let source = image["image"].as_str().unwrap();
        let mirror = image["mirror"]
            .as_str()
            .unwrap_or_else(|| panic!("no mirror: {image}"));
        assert!(mirror.starts_with("registry.local/istio/"), "{mirror}");
        let name = source.rsplit('/').next().unwrap();
        assert!(mirror.ends_with(name), "{source} -> {mirror}");
        if let Some(rest) = source.strip_prefix("docker.io/istio/") {
            assert_eq!(
                mirror,
                format!("registry.local/istio/{rest}"),
                "Istio's hub becomes the mirror"
            );
        }
    }
    assert!(
        doc["images"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["image"] == "quay.io/kiali/kiali:v2.26")
    );
}

/// Without a release directory next to istioctl, asking for addons fails before anything else,
/// naming where istioup looked.
#[test]
fn addons_without_their_manifests_fail_naming_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("elsewhere/bin");
    std::fs::create_dir_all(&bare).unwrap();
    std::os::unix::fs::symlink(kubesim_bin(), bare.join("istioctl")).unwrap();
    let out = istioup(dir.path())
        .args(["images", "--addons", "grafana", "--istioctl"])
        .arg(bare.join("istioctl"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("samples/addons does not exist") && err.contains("--addons-dir"),
        "{err}"
    );
}

/// `install --registry` pulls Istio from the mirror: istiod's Deployment names the mirrored
/// image, as `images --registry` listed it.
#[test]
fn install_with_a_registry_pulls_from_the_mirror() {
    let c =
        crate::cluster::Cluster::start("nodes:\n  - {name: worker-1, capacity: {cpu: '8', memory: 16Gi}}\n");
    c.install(&["--registry", "registry.local/istio"]);
    let istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .expect("istiod");
    let image = istiod["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(image.starts_with("registry.local/istio/pilot:"), "{image}");
    let out = c
        .istioup()
        .args(["images", "--registry", "registry.local/istio", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["images"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["mirror"] == image.as_str()),
        "{doc:#}"
    );
}

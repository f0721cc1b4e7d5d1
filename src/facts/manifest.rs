//! What an IstioOperator installs, as istioctl renders it offline (`istioctl manifest generate`,
//! which needs no cluster): the images its workloads and sidecars pull.
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::spec::addons::pod_images;

/// One image and what pulls it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Image {
    pub image: String,
    /// `istio-system/Deployment/istiod`, or `sidecars` for the injected proxy.
    pub used_by: Vec<String>,
}

/// A generate run that takes longer than this is stuck (it renders charts, offline).
const GENERATE_TIMEOUT: Duration = Duration::from_secs(120);

/// Renders `iop` with `istioctl manifest generate` and returns the objects.
pub async fn generate(istioctl: &Path, iop: &Value) -> Result<Vec<Value>> {
    let mut file = tempfile::Builder::new()
        .prefix("istioup-iop-")
        .suffix(".json")
        .tempfile()
        .map_err(|e| Error::failed("cannot write a temporary IstioOperator").with_source(e))?;
    let text = serde_json::to_string(iop)
        .map_err(|e| Error::failed("cannot encode the IstioOperator").with_source(e))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Error::failed("cannot write a temporary IstioOperator").with_source(e))?;
    let run = tokio::process::Command::new(istioctl)
        .args(["manifest", "generate", "-f"])
        .arg(file.path())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let what = format!("{} manifest generate", istioctl.display());
    let output = tokio::time::timeout(GENERATE_TIMEOUT, run)
        .await
        .map_err(|_| {
            Error::failed(format!(
                "{what} did not finish within {}s",
                GENERATE_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| Error::failed(format!("cannot run {what}")).with_source(e))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        return Err(Error::new(
            crate::error::Kind::Istioctl,
            format!(
                "{what} failed (exit {}): {last}",
                output.status.code().unwrap_or(-1)
            ),
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text)
        .map_err(|e| Error::failed(format!("{what} printed something that is not YAML: {e}")))?;
    Ok(docs.into_iter().filter(|d| d.is_object()).collect())
}

/// The images the rendered objects pull: each workload's containers, and the proxy image istiod
/// injects into sidecars and gateways (the gateway templates say `image: auto` for it).
pub fn images(objects: &[Value]) -> Vec<Image> {
    let mut out: Vec<Image> = Vec::new();
    let mut add = |image: String, user: String| match out.iter_mut().find(|i| i.image == image) {
        Some(found) if !found.used_by.contains(&user) => found.used_by.push(user),
        Some(_) => {}
        None => out.push(Image {
            image,
            used_by: vec![user],
        }),
    };
    let image_type = mesh_image_type(objects);
    for object in objects {
        let name = object["metadata"]["name"].as_str().unwrap_or("");
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or("");
        let kind = object["kind"].as_str().unwrap_or("");
        for image in pod_images(object).into_iter().filter(|i| i != "auto") {
            add(image, format!("{namespace}/{kind}/{name}"));
        }
        if kind == "ConfigMap" && name.starts_with("istio-sidecar-injector") {
            let values = object["data"]["values"]
                .as_str()
                .and_then(|v| serde_json::from_str::<Value>(v).ok());
            if let Some(values) = values {
                add(
                    proxy_image(&values, image_type.as_deref()),
                    "sidecars and gateways".into(),
                );
            }
        }
    }
    out
}

/// `meshConfig.defaultConfig.image.imageType`, which overrides `global.variant` for proxies.
fn mesh_image_type(objects: &[Value]) -> Option<String> {
    objects
        .iter()
        .filter(|o| o["kind"] == "ConfigMap")
        .filter(|o| {
            o["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n == "istio" || n.starts_with("istio-"))
        })
        .filter_map(|o| o["data"]["mesh"].as_str())
        .filter_map(|mesh| serde_saphyr::from_str::<Value>(mesh).ok())
        .find_map(|mesh| {
            mesh["defaultConfig"]["image"]["imageType"]
                .as_str()
                .map(str::to_string)
        })
}

/// The sidecar image istiod injects, by pkg/kube/inject/inject.go `ProxyImage` and `imageURL`
/// (1.24.0–1.30.3): `global.proxy.image` verbatim when it has a `/`, else
/// `hub/image:tag`, where an image type (meshConfig's, else `global.variant`) replaces a known
/// type suffix of the tag (`-distroless`, `-debug`) and `default` means none.
pub fn proxy_image(values: &Value, mesh_image_type: Option<&str>) -> String {
    let global = &values["global"];
    let name = global["proxy"]["image"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or("proxyv2");
    if name.contains('/') {
        return name.to_string();
    }
    let hub = global["hub"].as_str().unwrap_or("");
    let tag = match &global["tag"] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let image_type = mesh_image_type
        .or_else(|| global["variant"].as_str())
        .unwrap_or("");
    format!("{hub}/{name}:{}", with_image_type(&tag, image_type))
}

fn with_image_type(tag: &str, image_type: &str) -> String {
    if image_type.is_empty() {
        return tag.to_string();
    }
    let base = ["distroless", "debug"]
        .iter()
        .find_map(|t| tag.strip_suffix(&format!("-{t}")))
        .unwrap_or(tag);
    if image_type == "default" {
        base.to_string()
    } else {
        format!("{base}-{image_type}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_proxy_image_follows_istiods_rule() {
        let values = json!({"global": {"hub": "docker.io/istio", "tag": "1.30.3", "variant": ""}});
        assert_eq!(proxy_image(&values, None), "docker.io/istio/proxyv2:1.30.3");
        assert_eq!(
            proxy_image(&values, Some("distroless")),
            "docker.io/istio/proxyv2:1.30.3-distroless"
        );
        let values = json!({"global": {"hub": "h", "tag": "1.30.3-debug", "variant": "distroless"}});
        assert_eq!(proxy_image(&values, None), "h/proxyv2:1.30.3-distroless");
        assert_eq!(proxy_image(&values, Some("default")), "h/proxyv2:1.30.3");
        let values = json!({"global": {"hub": "h", "tag": "1", "proxy": {"image": "my.io/proxy:7"}}});
        assert_eq!(proxy_image(&values, None), "my.io/proxy:7");
    }
}

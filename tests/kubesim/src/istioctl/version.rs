//! `istioctl version`.
use serde_json::{Value, json};

use super::Failure;
use super::args::{Global, VersionOpts};
use super::faults;
use super::kube;
use super::manifest::VERSION_LABEL;

/// A fake but stable build SHA.
pub const REVISION: &str = "5f4bd1f8cf6d1c9bb1c1b4e4e1b7c1fa4b0b58a3";

fn client_info(version: &str) -> Value {
    json!({
        "version": version,
        "revision": REVISION,
        "golang_version": "go1.24.6",
        "status": "Clean",
        "tag": version
    })
}

pub async fn run(global: &Global, opts: &VersionOpts) -> Result<(), Failure> {
    let version = faults::version();
    if !matches!(opts.output.as_str(), "" | "json" | "yaml") {
        return Err(Failure::msg(format!(
            "--output must be 'yaml' or 'json', got {:?}",
            opts.output
        )));
    }
    let mut mesh: Vec<(String, String)> = Vec::new();
    let mut reachable = false;
    if opts.remote {
        match remote_versions(global).await {
            Ok(found) => {
                mesh = found;
                reachable = true;
            }
            Err(e) => errln!("Istio is not present in the cluster: {e}"),
        }
    }
    match opts.output.as_str() {
        "json" | "yaml" => {
            let mut doc = json!({"clientVersion": client_info(&version)});
            if opts.remote {
                doc["meshVersion"] = Value::Array(
                    mesh.iter()
                        .map(
                            |(rev, v)| json!({"Component": "pilot", "Revision": rev, "Info": client_info(v)}),
                        )
                        .collect(),
                );
            }
            if opts.output == "json" {
                outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            } else {
                out!("{}", serde_saphyr::to_string(&doc).unwrap_or_default());
            }
        }
        _ => {
            outln!("client version: {version}");
            if opts.remote {
                if mesh.is_empty() && reachable {
                    errln!(
                        "Istio is not present in the cluster: no running Istio pods in {:?}",
                        global.istio_namespace.as_deref().unwrap_or("istio-system")
                    );
                } else if !mesh.is_empty() {
                    // pkg/version/cobra.go: coalesceVersions — one `control plane` line when
                    // every istiod has the same version, else one line per istiod named by
                    // its `istio` label (pkg/kube/client.go: GetIstioVersions).
                    if mesh.iter().all(|(_, v)| *v == mesh[0].1) {
                        outln!("control plane version: {}", mesh[0].1);
                    } else {
                        for (_, v) in &mesh {
                            outln!("pilot version: {v}");
                        }
                    }
                    outln!("data plane version: none");
                }
            }
        }
    }
    Ok(())
}

/// (revision, version) of every istiod Deployment in the Istio namespace.
async fn remote_versions(global: &Global) -> Result<Vec<(String, String)>, String> {
    let cluster = kube::connect(global).await?;
    let ns = global.istio_namespace.as_deref().unwrap_or("istio-system");
    let deployments = cluster.list("apps/v1", "Deployment", ns).await?;
    let mut mesh = Vec::new();
    for d in deployments {
        let labels = d.pointer("/metadata/labels");
        let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        if label("app") != Some("istiod") {
            continue;
        }
        let rev = label("istio.io/rev").unwrap_or("default").to_string();
        let v = label(VERSION_LABEL).map(str::to_string).or_else(|| {
            d.pointer("/spec/template/spec/containers/0/image")
                .and_then(Value::as_str)
                .and_then(|i| i.rsplit_once(':'))
                .map(|(_, t)| t.to_string())
        });
        if let Some(v) = v {
            mesh.push((rev, v));
        }
    }
    Ok(mesh)
}

//! Namespaces being deleted: they stay Terminating until their content is gone and refuse new
//! objects meanwhile (the namespace lifecycle admission plugin), so a step that creates or
//! reports on them waits first.
use std::time::Duration;

use crate::error::{Error, Kind, Result};

/// Waits until none of `namespaces` is Terminating: a namespace being deleted refuses new
/// objects with 403 until it is gone (the namespace lifecycle admission plugin), which would
/// fail istioctl half-way. `progress` hears what is waited for.
pub async fn wait_for_terminating(
    client: &kube::Client,
    namespaces: &[String],
    timeout: Duration,
    progress: &mut dyn FnMut(String),
) -> Result<()> {
    use k8s_openapi::api::core::v1::Namespace;
    let api = kube::Api::<Namespace>::all(client.clone());
    let deadline = std::time::Instant::now() + timeout;
    for name in namespaces {
        let mut said = false;
        loop {
            let terminating = api
                .get_opt(name)
                .await
                .map_err(|e| crate::error::api_error(e, &format!("cannot read namespace {name}")))?
                .and_then(|ns| ns.status?.phase)
                .is_some_and(|phase| phase == "Terminating");
            if !terminating {
                break;
            }
            if !said {
                progress(format!("waiting for namespace {name} to finish terminating"));
                said = true;
            }
            if crate::util::interrupt::interrupted() {
                return Err(Error::new(Kind::Interrupted, "interrupted; nothing was changed"));
            }
            if std::time::Instant::now() >= deadline {
                return Err(Error::failed(format!(
                    "namespace {name} is still terminating after {}s; nothing was changed",
                    timeout.as_secs()
                ))
                .with_hint(format!(
                    "see what holds it: kubectl get namespace {name} -o yaml (finalizers, conditions); re-run once it is gone"
                )));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    Ok(())
}

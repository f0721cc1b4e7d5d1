//! Applying an install's addons with the progress display of istioctl's components: one spinner
//! per addon in a terminal (`Kiali`, `Prometheus`), timestamped lines in a CI log.
use std::time::Duration;

use crate::act::addons::{self as apply, Kinds};
use crate::act::istioctl::progress::Event;
use crate::act::istioctl::run::Observer;
use crate::error::Result;
use crate::judge::addons::Plan;
use crate::ui::progress::Display;

/// `kiali` → `Kiali`, `monitoring` → `Monitoring`: the display's component names.
fn title(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Applies every manifest of the plan, then waits for each addon's Deployments to be Available,
/// recording what was applied in `plan.applied`.
pub async fn apply_with_progress(
    client: &kube::Client,
    plan: &mut Plan,
    timeout: Duration,
    verbose: bool,
) -> Result<()> {
    let titles: Vec<String> = plan.manifests.iter().map(|(name, _)| title(name)).collect();
    let names: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut display = Display::new(&names, verbose);
    let result = run(client, plan, timeout, &mut display).await;
    display.finish();
    result
}

async fn run(client: &kube::Client, plan: &mut Plan, timeout: Duration, display: &mut Display) -> Result<()> {
    let mut kinds = Kinds::default();
    for (name, objects) in &plan.manifests {
        display.event(&Event::Processing {
            components: vec![title(name)],
            waiting: Vec::new(),
        });
        match apply::apply(client, name, objects, &mut kinds).await {
            Ok(applied) => plan.applied.extend(applied),
            Err(e) => {
                display.event(&failed(name, e.message()));
                return Err(e);
            }
        }
    }
    for (name, objects) in &plan.manifests {
        let waiting: Vec<String> = objects
            .iter()
            .filter(|o| apply::is_workload(o))
            .map(|o| {
                format!(
                    "{}/{}/{}",
                    o["kind"].as_str().unwrap_or(""),
                    o["metadata"]["namespace"].as_str().unwrap_or("default"),
                    o["metadata"]["name"].as_str().unwrap_or("")
                )
            })
            .collect();
        if !waiting.is_empty() {
            display.event(&Event::Processing {
                components: vec![title(name)],
                waiting,
            });
        }
        match apply::wait_available(client, name, objects, timeout, &mut |_| {}).await {
            Ok(()) => display.event(&Event::Installed(title(name))),
            Err(e) => {
                display.event(&failed(name, e.message()));
                return Err(e);
            }
        }
    }
    Ok(())
}

fn failed(name: &str, error: &str) -> Event {
    Event::Failed {
        component: title(name),
        error: error.to_string(),
    }
}

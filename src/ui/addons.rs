//! Showing an install's addons being applied with the progress display of istioctl's
//! components: one spinner per addon in a terminal (`Kiali`, `Prometheus`), timestamped lines in
//! a CI log. The applying is `act::addons::apply_plan`'s.
use std::time::Duration;

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

/// An addon's progress event with the addon's title in place of its name.
fn titled(event: Event) -> Event {
    match event {
        Event::Processing { components, waiting } => Event::Processing {
            components: components.iter().map(|c| title(c)).collect(),
            waiting,
        },
        Event::Installed(name) => Event::Installed(title(&name)),
        Event::Failed { component, error } => Event::Failed {
            component: title(&component),
            error,
        },
        other => other,
    }
}

/// Applies every manifest of the plan and waits for the addons (`act::addons::apply_plan`),
/// showing each step.
pub async fn apply_with_progress(
    client: &kube::Client,
    plan: &mut Plan,
    timeout: Duration,
    verbose: bool,
) -> Result<()> {
    let titles: Vec<String> = plan.manifests.iter().map(|(name, _)| title(name)).collect();
    let names: Vec<&str> = titles.iter().map(String::as_str).collect();
    let mut display = Display::new(&names, verbose);
    let result =
        crate::act::addons::apply_plan(client, plan, timeout, &mut |event| display.event(&titled(event)))
            .await;
    display.finish();
    result
}

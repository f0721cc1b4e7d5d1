//! istioctl's progress shown to a person: one spinner line per component in a terminal, ticked
//! when istioctl reports it installed; plain timestamped lines when stderr is not a terminal
//! (CI logs), where spinners would only be noise.
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::output::note;
use crate::act::istioctl::progress::Event;
use crate::act::istioctl::run::Observer;
use crate::act::restart::{self, Workload};
use crate::cli::RolloutArgs;
use crate::error::Result;

pub struct Display {
    mode: Mode,
    /// `-v`: show istioctl's command line and where its output is logged.
    verbose: bool,
}

enum Mode {
    Spinners {
        bars: BTreeMap<String, ProgressBar>,
        multi: MultiProgress,
    },
    Lines,
}

impl Display {
    /// `components` are istioctl's names for what this install creates (`Istio core`, `Istiod`,
    /// `Ingress gateways`, ...), in the order istioctl handles them.
    pub fn new(components: &[&str], verbose: bool) -> Display {
        Display {
            mode: Mode::new(components),
            verbose,
        }
    }

    /// Stops every spinner still turning (istioctl ended without reporting them).
    pub fn finish(&mut self) {
        if let Mode::Spinners { bars, .. } = &mut self.mode {
            for bar in bars.values().filter(|b| !b.is_finished()) {
                bar.abandon_with_message("not reported");
            }
        }
    }
}

impl Mode {
    fn new(components: &[&str]) -> Mode {
        if !std::io::stderr().is_terminal() {
            return Mode::Lines;
        }
        let multi = MultiProgress::new();
        let style = ProgressStyle::with_template("{spinner} {prefix:<18} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ");
        let bars = components
            .iter()
            .map(|name| {
                let bar = multi.add(
                    ProgressBar::new_spinner()
                        .with_style(style.clone())
                        .with_prefix(name.to_string()),
                );
                bar.set_message("waiting");
                bar.enable_steady_tick(Duration::from_millis(100));
                (name.to_string(), bar)
            })
            .collect();
        Mode::Spinners { bars, multi }
    }
}

impl Observer for Display {
    fn started(&mut self, command_line: &str, log: &Path) {
        if self.verbose {
            note(&format!(
                "$ {command_line}\n  (istioctl's output goes to {})\n",
                log.display()
            ));
        }
    }

    fn event(&mut self, event: &Event) {
        match &mut self.mode {
            Mode::Lines => {
                if let Some(text) = line_for(event) {
                    let _ = writeln!(std::io::stderr(), "[{}] {text}", clock());
                }
            }
            Mode::Spinners { bars, multi } => match event {
                Event::Processing { components, waiting } => {
                    for name in components {
                        if let Some(bar) = bars.get(name) {
                            let msg = if waiting.is_empty() {
                                "processing".into()
                            } else {
                                format!("waiting for {}", waiting.join(", "))
                            };
                            bar.set_message(msg);
                        }
                    }
                }
                Event::Installed(name) => match bars.get(name) {
                    Some(bar) => bar.finish_with_message("✔ installed"),
                    None => {
                        let _ = multi.println(format!("✔ {name} installed"));
                    }
                },
                Event::Failed { component, error } => match bars.get(component) {
                    Some(bar) => bar.abandon_with_message(format!("✘ {error}")),
                    None => {
                        let _ = multi.println(format!("✘ {component}: {error}"));
                    }
                },
                other => {
                    if let Some(text) = line_for(other) {
                        let _ = multi.println(text);
                    }
                }
            },
        }
    }
}

fn line_for(event: &Event) -> Option<String> {
    Some(match event {
        Event::Art => return None,
        Event::Processing { components, waiting } if waiting.is_empty() => {
            format!("- {}: processing", components.join(", "))
        }
        Event::Processing { components, waiting } => {
            format!("- {}: waiting for {}", components.join(", "), waiting.join(", "))
        }
        Event::Installed(name) => format!("✔ {name} installed"),
        Event::Failed { component, error } => format!("✘ {component}: {error}"),
        Event::Detail(text) => format!("    {text}"),
        Event::Complete => "✔ istioctl finished".to_string(),
        Event::Removed(what) => format!("  removed {what}"),
        Event::Warning(text) => format!("‼ {text}"),
        Event::Other(text) => format!("  istioctl: {text}"),
    })
}

/// `HH:MM:SS` in UTC, enough to read a CI log against the cluster's events.
pub fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{:02}:{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60, secs % 60)
}

/// Restarts `workloads` with one timestamped line per step on stderr: the progress display of
/// every command that rolls workloads.
pub async fn restart_with_progress(
    client: &kube::Client,
    workloads: &[Workload],
    rollout: &RolloutArgs,
) -> Result<Vec<String>> {
    let mut say = |line: String| note(&format!("[{}] {line}\n", clock()));
    restart::restart(
        client,
        workloads,
        rollout.batch_size as usize,
        rollout.timeout,
        &mut say,
    )
    .await
}

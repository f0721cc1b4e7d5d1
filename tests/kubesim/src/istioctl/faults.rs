//! Fault switches read from the environment; see README.md in this directory.
use std::time::Duration;

use super::duration;

pub const DEFAULT_VERSION: &str = "1.28.0";

#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// `ISTIOCTL_STANDIN_FAIL_AT`: the component (display name or id) whose installation fails.
    pub fail_at: Option<String>,
    /// `ISTIOCTL_STANDIN_EXIT`: exit code to end with, whatever happened.
    pub exit: Option<u8>,
    /// `ISTIOCTL_STANDIN_HANG`: hang forever after starting.
    pub hang: bool,
    /// `ISTIOCTL_STANDIN_SLOW`: pause before every progress line.
    pub slow: Option<Duration>,
}

impl Faults {
    pub fn from_env() -> Faults {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Faults {
            fail_at: var("ISTIOCTL_STANDIN_FAIL_AT").map(|v| v.trim().to_string()),
            exit: var("ISTIOCTL_STANDIN_EXIT").and_then(|v| v.trim().parse::<u8>().ok()),
            hang: var("ISTIOCTL_STANDIN_HANG").is_some_and(|v| !matches!(v.trim(), "0" | "false" | "no")),
            slow: var("ISTIOCTL_STANDIN_SLOW").and_then(|v| duration::parse(v.trim()).ok()),
        }
    }
}

/// The version the stand-in claims to be (`ISTIOCTL_STANDIN_VERSION`, default 1.28.0).
pub fn version() -> String {
    std::env::var("ISTIOCTL_STANDIN_VERSION")
        .ok()
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_VERSION.to_string())
}

/// Readiness poll interval (`ISTIOCTL_STANDIN_POLL`, default 200ms; real istioctl polls every 2s).
pub fn poll_interval() -> Duration {
    std::env::var("ISTIOCTL_STANDIN_POLL")
        .ok()
        .and_then(|v| duration::parse(v.trim()).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_millis(200))
}

/// Width progress lines are cut at (`ISTIOCTL_STANDIN_WIDTH`, default 100 like istioctl without
/// a terminal; 0 = never cut).
pub fn width() -> usize {
    std::env::var("ISTIOCTL_STANDIN_WIDTH")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(100)
}

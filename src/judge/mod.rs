//! Judging: pure verdicts on gathered facts and the desired spec, so every rule is tested
//! without a cluster. Checks (`rules`, `capacity`), the preflight run that gathers and judges
//! once, mesh `status`, and post-install `verify`. Uses target, spec and facts; never changes
//! anything.
pub mod addons;
pub mod capacity;
pub mod mtls;
pub mod preflight;
pub mod rules;
pub mod status;
pub mod upgrade;
pub mod verify;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Skip,
    Info,
    Warn,
    Fail,
}

impl Status {
    /// The terminal mark: ✔ pass, ‼ warn, ✘ fail, · info/skip.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Pass => "✔",
            Status::Warn => "‼",
            Status::Fail => "✘",
            Status::Info | Status::Skip => "·",
        }
    }
}

/// The outcome of one check: what a user reads, and what CI queries in `-o json`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub status: Status,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl Check {
    pub fn new(id: &'static str, status: Status, message: impl Into<String>) -> Self {
        Check {
            id,
            status,
            message: message.into(),
            hint: None,
            details: Vec::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }
}

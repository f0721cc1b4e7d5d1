//! Talking to the person: the one place that prints (reports as table, JSON or YAML; errors),
//! progress displays, and prompts. Uses every stage above it for the data it shows.
pub mod addons;
pub mod confirm;
pub mod install;
pub mod mtls;
pub mod output;
pub mod progress;
pub mod status;
pub mod uninstall;
pub mod upgrade;

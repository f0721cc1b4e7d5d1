//! Running istioctl: the command, its output parsed into progress events as they arrive, its log.
pub mod progress;
pub mod run;

//! Foundations with no knowledge of Kubernetes or Istio: text helpers (did-you-mean, plurals)
//! the process-wide interrupt flag, and the redaction of secrets from everything printed. Uses nothing of the crate but `error`.
pub mod interrupt;
pub mod redact;
pub mod suggest;
pub mod text;

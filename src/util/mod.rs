//! Foundations with no knowledge of Kubernetes or Istio: text helpers (did-you-mean, plurals)
//! and the process-wide interrupt flag. Uses nothing of the crate but `error`.
pub mod interrupt;
pub mod suggest;
pub mod text;

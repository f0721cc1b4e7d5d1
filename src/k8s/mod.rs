//! Kubernetes' own vocabulary as plain values: quantities (`500m`, `2Gi`) and what the scheduler
//! reads (requests, taints, tolerations, node capacity). Uses nothing of the crate but `error`.
pub mod quantity;
pub mod scheduling;

//! Kubernetes' own vocabulary as plain values: quantities (`500m`, `2Gi`), what the scheduler
//! reads (requests, taints, tolerations, node capacity), and pods, nodes and Services decoded
//! lean, from JSON or protobuf. Uses nothing of the crate but `error`.
pub mod lean;
pub mod proto;
pub mod quantity;
pub mod scheduling;

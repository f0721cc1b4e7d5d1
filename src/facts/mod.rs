//! Reading the world, never changing it: client helpers (paginated lists), the facts the checks
//! judge, the mesh inventory, pods reduced to what istioup reads, namespace selection, the
//! target summary and the local istioctl. Uses target and spec.
pub mod addons;
pub mod client;
pub mod cluster;
pub mod dashboard;
pub mod istioctl;
pub mod manifest;
pub mod mesh;
pub mod mtls;
pub mod namespaces;
pub mod pods;
pub mod portforward;
pub mod prometheus;
pub mod revisions;
pub mod target;

//! Changing the cluster, the only stage that does: istioctl runs, injection labels, restarts,
//! uninstall's deletions and backups. Reports progress through observers it is handed, never by
//! printing. Uses everything above it but `ui`.
pub mod addons;
pub mod backup;
pub mod inject;
pub mod install;
pub mod istioctl;
pub mod journal;
pub mod lock;
pub mod migrate;
pub mod mtls;
pub mod namespace;
pub mod restart;
pub mod uninstall;

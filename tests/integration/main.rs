//! End-to-end tests: they run the built `istioup` binary as a user would. One test binary, a
//! module per feature.
mod cluster;
mod support;

mod addons;
mod check;
mod cli;
mod completions;
mod context;
mod dashboard;
mod disable;
mod enable;
mod fidelity;
mod helm;
mod images;
mod install;
mod install_addons;
mod layout;
mod mtls;
mod overlays;
mod paging;
mod protobuf;
mod reliability;
mod render;
mod status;
mod uninstall;
mod upgrade;

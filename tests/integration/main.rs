//! End-to-end tests: they run the built `istioup` binary as a user would. One test binary, a
//! module per feature.
mod cluster;
mod support;

mod cli;
mod completions;
mod context;
mod install;
mod overlays;
mod render;

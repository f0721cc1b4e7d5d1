//! End-to-end tests: they run the built `istioup` binary as a user would. One test binary, a
//! module per feature.
mod support;

mod cli;
mod completions;
mod context;
mod overlays;
mod render;

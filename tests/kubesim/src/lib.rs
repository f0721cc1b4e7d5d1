//! kubesim: an in-memory Kubernetes API server, and an istioctl stand-in, for istioup's tests.
//!
//! Start a cluster with [`Sim::builder`], point clients at [`Sim::kubeconfig`]. See README.md.
pub mod admission;
pub mod api;
pub mod auth;
pub mod cli;
pub mod controller;
pub mod crd;
pub mod discovery;
pub mod endpoints;
pub mod events;
pub mod faults;
pub mod fields;
pub mod inject;
pub mod istioctl;
pub mod kubeconfig;
pub mod lifecycle;
pub mod openapi;
pub mod openapi_pb;
pub mod ops;
pub mod patch;
pub mod plugins;
pub mod portforward;
pub mod protobuf;
pub mod proxy;
pub mod quantity;
pub mod resources;
pub mod scheduler;
pub mod schema;
pub mod seed;
pub mod selector;
pub mod server;
pub mod sim;
pub mod spdy;
pub mod ssa;
pub mod status;
pub mod store;
pub mod table;
pub mod tls;
pub mod util;
pub mod validate;
pub mod watch;

pub use faults::{FaultConfig, Faults};
pub use sim::{Sim, SimBuilder};

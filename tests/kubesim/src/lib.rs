//! kubesim: an in-memory Kubernetes API server, and an istioctl stand-in, for istioup's tests.
pub mod cli;
pub mod istioctl;

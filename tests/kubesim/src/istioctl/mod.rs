//! The istioctl stand-in.
use std::process::ExitCode;

pub fn main() -> ExitCode {
    eprintln!("istioctl stand-in: not built yet");
    ExitCode::from(1)
}

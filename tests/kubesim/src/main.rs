//! `kubesim`: the simulated cluster's command line. Invoked as `istioctl` (through a symlink or
//! a copy with that name) it is the istioctl stand-in instead.
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let invoked_as = std::path::Path::new(&argv0)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if invoked_as == "istioctl" {
        return kubesim::istioctl::main();
    }
    kubesim::cli::main()
}

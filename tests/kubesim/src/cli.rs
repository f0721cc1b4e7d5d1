use std::process::ExitCode;

pub fn main() -> ExitCode {
    eprintln!("kubesim: not built yet");
    ExitCode::from(1)
}

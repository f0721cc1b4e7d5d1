//! The istioctl stand-in: behaves like istioctl 1.24+ for the commands istioup runs, against
//! any Kubernetes API server (in tests: kubesim's in-memory one). See README.md here for the
//! fault switches and the invocation log.

/// `print!` that ignores write errors (a closed pipe must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = write!(o, $($arg)*);
        let _ = o.flush();
    }};
}
/// `println!` that ignores write errors.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut o = std::io::stdout().lock();
        let _ = writeln!(o, $($arg)*);
        let _ = o.flush();
    }};
}
/// `eprintln!` that ignores write errors.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
use std::process::ExitCode;

pub mod args;
pub mod config;
pub mod duration;
pub mod faults;
mod install;
pub mod kube;
pub mod log;
pub mod manifest;
pub mod merge;
mod precheck;
pub mod profiles;
pub mod progress;
mod prompt;
mod tag;
mod uninstall;
mod version;
mod wait;

use args::Command;
use faults::Faults;

/// How a command failed: an optional message printed as `Error: <message>`, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: Option<String>,
}

impl Failure {
    pub fn msg(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: Some(message.into()),
        }
    }

    pub fn silent(code: u8) -> Failure {
        Failure { code, message: None }
    }
}

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    ExitCode::from(run(&args))
}

/// Runs the stand-in on `args` (without the program name) and returns the exit code.
pub fn run(args: &[String]) -> u8 {
    let captured = log::record(args);
    let faults = Faults::from_env();
    let result = if faults.hang {
        hang(args)
    } else {
        dispatch(args, captured.stdin.as_deref(), &faults)
    };
    let code = match result {
        Ok(()) => 0,
        Err(f) => {
            if let Some(m) = f.message {
                progress::close_line();
                errln!("Error: {m}");
            }
            f.code
        }
    };
    faults.exit.unwrap_or(code)
}

fn hang(args: &[String]) -> Result<(), Failure> {
    if matches!(args::parse(args), Ok(p) if matches!(p.command, Command::Install(_))) {
        errln!("- Processing resources for Istio core.");
    }
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

fn dispatch(args: &[String], stdin: Option<&str>, faults: &Faults) -> Result<(), Failure> {
    let parsed = args::parse(args).map_err(|e| Failure {
        code: e.code,
        message: Some(e.message),
    })?;
    let global = parsed.global;
    match parsed.command {
        Command::Help(_) => {
            out!("{}", args::HELP);
            Ok(())
        }
        Command::NotImplemented(name) => Err(Failure::msg(format!(
            "the istioctl stand-in does not implement {name:?}"
        ))),
        Command::Version(opts) if !opts.remote => block_on(async move { version::run(&global, &opts).await }),
        Command::Generate(opts) => generate(&opts, stdin),
        command => block_on(async move {
            match command {
                Command::Version(opts) => version::run(&global, &opts).await,
                Command::Install(opts) => install::run(&global, &opts, stdin, faults).await,
                Command::Uninstall(opts) => uninstall::run(&global, &opts, stdin, faults).await,
                Command::Precheck(opts) => precheck::run(&global, &opts, faults).await,
                Command::Tag(opts) => tag::run(&global, &opts).await,
                _ => Ok(()),
            }
        }),
    }
}

fn block_on<F: std::future::Future<Output = Result<(), Failure>>>(f: F) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::msg(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(f)
}

/// `manifest generate`: the install objects as YAML documents, no cluster contact.
fn generate(opts: &args::GenerateOpts, stdin: Option<&str>) -> Result<(), Failure> {
    let cfg = config::resolve(
        &opts.files,
        &opts.sets,
        opts.revision.as_deref(),
        stdin,
        &faults::version(),
    )
    .map_err(|e| Failure::msg(format!("generate config: {e}")))?;
    let docs: Vec<String> = manifest::all_objects(&cfg)
        .iter()
        .map(|o| serde_saphyr::to_string(o).unwrap_or_else(|_| o.to_string()))
        .collect();
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(d);
        if !d.ends_with('\n') {
            out.push('\n');
        }
    }
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
    Ok(())
}

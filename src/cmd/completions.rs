use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::Result;
use crate::ui::output::write_stdout;

pub fn run(shell: clap_complete::Shell) -> Result<()> {
    write_stdout(&script(shell))
}

/// The completion script for `shell`; also what the committed files under completions/ hold.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "istioup", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

//! One file per subcommand, each a plain function of resolved settings.
mod completions;
mod context;
mod render;

use crate::Settings;
use crate::cli::Command;
use crate::error::Result;

pub fn run(command: Command, settings: &Settings) -> Result<()> {
    match command {
        Command::Render(args) => render::run(&args, settings),
        Command::Context => context::run(settings),
        Command::Completions { shell } => completions::run(shell),
    }
}

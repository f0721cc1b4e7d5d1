use crate::Settings;
use crate::cli::SpecArgs;
use crate::error::Result;

pub fn run(args: &SpecArgs, _settings: &Settings) -> Result<()> {
    crate::spec::desired(args, &mut std::io::stdin()).map(|_| ())
}

use crate::Settings;
use crate::error::{Error, Result};

pub fn run(_settings: &Settings) -> Result<()> {
    Err(Error::failed("not built yet"))
}

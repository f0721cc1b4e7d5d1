//! The desired IstioOperator: built-in base + overlay files + --set, merged by istioup's rules.
use serde_json::Value;

use crate::cli::SpecArgs;
use crate::error::{Error, Result};

pub const MERGE_RULES_HELP: &str = "TODO";

pub fn desired(_args: &SpecArgs, _stdin: &mut dyn std::io::Read) -> Result<Value> {
    Err(Error::failed("not built yet"))
}

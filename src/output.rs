//! The one place that prints: reports as table, JSON or YAML on stdout, errors on stderr.
use std::io::Write;

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{Error, Result};

/// Prints `value` in the chosen format; `table` renders the human form. A closed pipe (e.g.
/// `istioup ... | head`) is not an error.
pub fn emit<T: Serialize>(format: OutputFormat, value: &T, table: impl FnOnce() -> String) -> Result<()> {
    let text = match format {
        OutputFormat::Table => table(),
        OutputFormat::Json => to_json(value)?,
        OutputFormat::Yaml => to_yaml(value)?,
    };
    write_stdout(&text)
}

pub fn to_json<T: Serialize>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::failed("cannot encode the report as JSON").with_source(e))?;
    text.push('\n');
    Ok(text)
}

pub fn to_yaml<T: Serialize>(value: &T) -> Result<String> {
    serde_saphyr::to_string(value)
        .map_err(|e| Error::failed("cannot encode the report as YAML").with_source(e))
}

pub fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::failed("cannot write to standard output").with_source(e))
        }
        _ => Ok(()),
    }
}

pub fn print_error(err: &Error, color: bool) {
    let text = err.render();
    let text = if color {
        text.replacen("error:", "\x1b[1;31merror:\x1b[0m", 1).replacen(
            "\nhint:",
            "\n\x1b[1;36mhint:\x1b[0m",
            1,
        )
    } else {
        text
    };
    let _ = std::io::stderr().write_all(text.as_bytes());
}

//! The one place that prints: reports as table, JSON or YAML on stdout, errors on stderr.
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{Error, Result};
use crate::util::redact;

/// Set once a command printed its JSON/YAML report: a failure after that must not print a
/// second document.
static REPORTED: AtomicBool = AtomicBool::new(false);

/// Prints `value` in the chosen format; `table` renders the human form. A closed pipe (e.g.
/// `istioup ... | head`) is not an error.
pub fn emit<T: Serialize>(format: OutputFormat, value: &T, table: impl FnOnce() -> String) -> Result<()> {
    let text = match format {
        OutputFormat::Table => table(),
        OutputFormat::Json => to_json(value)?,
        OutputFormat::Yaml => to_yaml(value)?,
    };
    write_stdout(&redact::apply(&text))?;
    if format != OutputFormat::Table {
        REPORTED.store(true, Ordering::SeqCst);
    }
    Ok(())
}

#[derive(Serialize)]
struct ErrorDocument<'a> {
    error: ErrorBody<'a>,
    /// What the command changed before it stopped (the journal), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    done: Vec<crate::act::journal::Entry>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    causes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    exit_code: u8,
}

/// With `-o json|yaml`, a command that failed before printing its report prints the error as
/// the one document instead, so a script always has something to parse.
pub fn emit_error(format: OutputFormat, err: &Error) {
    if format == OutputFormat::Table || REPORTED.load(Ordering::SeqCst) {
        return;
    }
    let doc = ErrorDocument {
        error: ErrorBody {
            message: err.message(),
            causes: err.causes(),
            hint: err.hint(),
            exit_code: err.kind().code(),
        },
        done: crate::act::journal::entries(),
    };
    let _ = emit(format, &doc, String::new);
}

/// Prints a command's report (`-o json|yaml`) whether or not it failed, so a script always gets
/// one document; the table form is printed by the command itself on success.
pub fn finish<T: Serialize>(format: OutputFormat, report: &T, result: Result<()>) -> Result<()> {
    if format != OutputFormat::Table {
        match &result {
            Ok(()) => emit(format, report, String::new)?,
            Err(e) => emit_failed(format, report, e)?,
        }
    }
    result
}

/// With `-o json|yaml`, a command that fails after building its report prints that report with
/// the error and what was done before it (the journal) next to it: one document.
pub fn emit_failed<T: Serialize>(format: OutputFormat, value: &T, err: &Error) -> Result<()> {
    let mut doc =
        serde_json::to_value(value).map_err(|e| Error::failed("cannot encode the report").with_source(e))?;
    if let Some(map) = doc.as_object_mut() {
        let body = ErrorBody {
            message: err.message(),
            causes: err.causes(),
            hint: err.hint(),
            exit_code: err.kind().code(),
        };
        map.insert("error".into(), serde_json::to_value(&body).unwrap_or_default());
        let done = crate::act::journal::entries();
        map.insert("done".into(), serde_json::to_value(&done).unwrap_or_default());
    }
    emit(format, &doc, String::new)
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
    let mut text = err.render();
    let done = crate::act::journal::entries();
    if !done.is_empty() {
        text.push_str("done before it stopped:\n");
        for line in crate::act::journal::summary(&done, 10) {
            text.push_str(&format!("  {line}\n"));
        }
    }
    let text = redact::apply(&text);
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

/// `Target: context kind (cluster kind) at https://127.0.0.1:6443 · Kubernetes v1.33.2 · 3 nodes`
pub fn banner(target: &crate::facts::target::TargetSummary) -> String {
    format!(
        "Target: context {} (cluster {}) at {} · Kubernetes {} · {} nodes\n",
        target.context, target.cluster, target.server, target.kubernetes_version, target.nodes
    )
}

/// Checks as a terminal reads them: a mark, the id, the message, then details and hint indented.
pub fn checks_table(checks: &[crate::judge::Check], color: bool) -> String {
    use crate::judge::Status;
    let width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for check in checks {
        let mark = check.status.mark();
        let mark = match (color, check.status) {
            (true, Status::Pass) => format!("\x1b[32m{mark}\x1b[0m"),
            (true, Status::Warn) => format!("\x1b[33m{mark}\x1b[0m"),
            (true, Status::Fail) => format!("\x1b[31m{mark}\x1b[0m"),
            _ => mark.to_string(),
        };
        out.push_str(&format!("{mark} {:width$}  {}\n", check.id, check.message));
        for detail in &check.details {
            out.push_str(&format!("  {:width$}    {detail}\n", ""));
        }
        if let Some(hint) = &check.hint {
            out.push_str(&format!("  {:width$}    hint: {hint}\n", ""));
        }
    }
    out
}

/// `warning: ...` lines on stderr.
pub fn warnings(warnings: &[String]) {
    for w in warnings {
        note(&format!("warning: {w}\n"));
    }
}

/// A line for the person watching (banner, plan, progress): stderr, so stdout stays the report.
/// One line of progress on stderr: what a command waits for, as it happens.
pub fn line(text: String) {
    note(&format!("{text}\n"));
}

pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(redact::apply(text).as_bytes());
}

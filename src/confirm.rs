//! Asking the user. Prompts only ever go to a terminal: without one (CI), a needed answer is an
//! error with exit 5 and nothing changes; `--yes` answers yes, `--no-input` forbids asking.
use std::io::IsTerminal;

use crate::Settings;
use crate::error::{Error, Kind, Result};

fn can_ask(settings: &Settings) -> bool {
    !settings.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn no_terminal(what: &str) -> Error {
    Error::new(
        Kind::NotConfirmed,
        format!("{what} needs a confirmation, and there is no terminal to ask on; nothing was changed"),
    )
    .with_hint("re-run with --yes to proceed without a prompt")
}

fn prompt_failed(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::new(
            Kind::Interrupted,
            "interrupted at the prompt; nothing was changed",
        )
    } else {
        Error::failed("cannot read the answer from the terminal").with_source(io)
    }
}

/// A y/N question, No by default. `what` names the action for the error when nobody can answer.
pub fn yes_no(settings: &Settings, what: &str, question: &str) -> Result<()> {
    if settings.yes {
        return Ok(());
    }
    if !can_ask(settings) {
        return Err(no_terminal(what));
    }
    let answer = dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(prompt_failed)?;
    if answer {
        Ok(())
    } else {
        Err(Error::new(
            Kind::NotConfirmed,
            format!("{what} declined; nothing was changed"),
        ))
    }
}

/// Asks the user to type `expected` (the context name) to go on: for what cannot be undone.
pub fn typed(settings: &Settings, what: &str, question: &str, expected: &str) -> Result<()> {
    if settings.yes {
        return Ok(());
    }
    if !can_ask(settings) {
        return Err(no_terminal(what));
    }
    let answer: String = dialoguer::Input::new()
        .with_prompt(question)
        .allow_empty(true)
        .interact_text()
        .map_err(prompt_failed)?;
    if answer.trim() == expected {
        Ok(())
    } else {
        Err(Error::new(
            Kind::NotConfirmed,
            format!(
                "{what} declined: {:?} is not {expected:?}; nothing was changed",
                answer.trim()
            ),
        ))
    }
}

/// Lets an interactive user pick from `items` (label, preselected); `None` when nobody can be
/// asked, so callers keep what the flags said.
pub fn pick(settings: &Settings, question: &str, items: &[(String, bool)]) -> Result<Option<Vec<usize>>> {
    if settings.yes || !can_ask(settings) || items.is_empty() {
        return Ok(None);
    }
    let labels: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    let defaults: Vec<bool> = items.iter().map(|(_, d)| *d).collect();
    dialoguer::MultiSelect::new()
        .with_prompt(question)
        .items(&labels)
        .defaults(&defaults)
        .interact()
        .map(Some)
        .map_err(prompt_failed)
}

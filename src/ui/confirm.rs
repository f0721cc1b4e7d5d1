//! Asking the user. Prompts only ever go to a terminal: without one (CI), a needed answer is an
//! error with exit 5 and nothing changes; `--yes` answers yes, `--no-input` forbids asking.
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::cli::Settings;
use crate::error::{Error, Kind, Result};
use crate::util::interrupt;

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

fn interrupted_at_prompt() -> Error {
    Error::new(
        Kind::Interrupted,
        "interrupted at the prompt; nothing was changed",
    )
}

/// Runs a blocking prompt so that Ctrl-C ends it cleanly. The terminal sends SIGINT while
/// dialoguer waits for a key; the default action would kill istioup with the cursor still hidden.
/// Inside the runtime, the interrupt is caught instead: the cursor comes back and istioup exits
/// 130 at once (a prompt comes before any change, so there is nothing to undo or clean up). The
/// read may also end with EINTR; whichever side sees the interrupt first reports it, once.
fn asking<T>(prompt: impl FnOnce() -> dialoguer::Result<T>) -> Result<T> {
    let done = Arc::new(AtomicBool::new(false));
    let guard = tokio::runtime::Handle::try_current().ok().map(|runtime| {
        interrupt::watch();
        let done = done.clone();
        runtime.spawn(async move {
            interrupt::signalled().await;
            if done.swap(true, Ordering::SeqCst) {
                return;
            }
            show_cursor();
            crate::ui::output::print_error(&interrupted_at_prompt(), false);
            std::process::exit(i32::from(Kind::Interrupted.code()));
        })
    });
    let answer = prompt();
    if let Some(task) = guard {
        task.abort();
    }
    if done.swap(true, Ordering::SeqCst) {
        // The interrupt handler is ending the process.
        loop {
            std::thread::park();
        }
    }
    answer.map_err(|e| {
        show_cursor();
        prompt_failed(e)
    })
}

/// dialoguer hides the cursor while it waits for a key and shows it again only when it returns.
fn show_cursor() {
    let _ = std::io::stderr().write_all(b"\x1b[?25h\n");
}

fn prompt_failed(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        interrupted_at_prompt()
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
    let answer = asking(|| {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
    })?;
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
    let answer: String = asking(|| {
        dialoguer::Input::new()
            .with_prompt(question)
            .allow_empty(true)
            .interact_text()
    })?;
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
    asking(|| {
        dialoguer::MultiSelect::new()
            .with_prompt(question)
            .items(&labels)
            .defaults(&defaults)
            .interact()
    })
    .map(Some)
}

/// Lets an interactive user choose one of `items`, `default` preselected; `None` when nobody
/// can be asked.
pub fn choose(
    settings: &Settings,
    question: &str,
    items: &[String],
    default: usize,
) -> Result<Option<usize>> {
    if settings.yes || !can_ask(settings) || items.len() < 2 {
        return Ok(None);
    }
    asking(|| {
        dialoguer::Select::new()
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact()
    })
    .map(Some)
}

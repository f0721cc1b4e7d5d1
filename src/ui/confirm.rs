//! Asking the user. Prompts only ever go to a terminal: without one (CI), a needed answer is an
//! error with exit 5 and nothing changes; `--yes` answers yes, `--no-input` forbids asking.
use std::io::{IsTerminal, Write};

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

/// Runs a blocking prompt so that Ctrl-C ends it as a refusal the command reports. Interrupts
/// are watched while the prompt waits (`interrupt::watch_while`), so they do not end the
/// process there: the command prints its report (with `-o json`, one document saying
/// `interrupted`) and exits 130. Ctrl-C on the prompt's raw terminal ends the read itself (console reads the key, puts the
/// terminal back, raises SIGINT and returns `Interrupted`); an interrupt sent from elsewhere
/// (`kill -INT`, SIGTERM) does not end a read in progress, so the prompt runs on its own thread
/// and is given up on, with the terminal put back as it was, once the interrupt is seen.
fn asking<T: Send + 'static>(prompt: impl FnOnce() -> dialoguer::Result<T> + Send + 'static) -> Result<T> {
    use std::sync::mpsc::RecvTimeoutError;
    let watching = interrupt::watch_while();
    let terminal = terminal::saved();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(prompt());
    });
    let answer = loop {
        match rx.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(Ok(answer)) if !interrupt::interrupted() => break Ok(answer),
            Ok(Err(e)) => {
                show_cursor();
                break Err(prompt_failed(e));
            }
            Ok(Ok(_)) => {}
            Err(RecvTimeoutError::Timeout) if !interrupt::interrupted() => continue,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                break Err(Error::failed("the prompt ended without an answer"));
            }
        }
        // Interrupted while the prompt waits: given up on.
        terminal::restore(terminal);
        show_cursor();
        break Err(interrupted_at_prompt());
    };
    if answer.as_ref().is_err_and(|e| e.kind() == Kind::Interrupted) {
        // The interrupt may still be on its way to the signal thread (console raises SIGINT
        // itself): it must find interrupts watched, or it would end the process unreported.
        watching.keep();
    }
    answer
}

/// The terminal's settings before a prompt, to put back when a prompt is given up on halfway
/// (console leaves it raw while it waits for a key).
#[cfg(unix)]
mod terminal {
    pub type Saved = Option<rustix::termios::Termios>;

    pub fn saved() -> Saved {
        rustix::termios::tcgetattr(std::io::stdin()).ok()
    }

    pub fn restore(saved: Saved) {
        if let Some(termios) = saved {
            let _ =
                rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, &termios);
        }
    }
}

#[cfg(not(unix))]
mod terminal {
    pub type Saved = ();

    pub fn saved() -> Saved {}

    pub fn restore(_: Saved) {}
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

/// The `result` a report gives a prompt that did not say yes: `interrupted` for Ctrl-C (exit
/// 130), `not-confirmed` for a no or no terminal to ask on (exit 5).
pub fn refusal(e: &Error) -> &'static str {
    if e.kind() == Kind::Interrupted {
        "interrupted"
    } else {
        "not-confirmed"
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
    let question = question.to_string();
    let answer = asking(move || {
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
    let question = question.to_string();
    let answer: String = asking(move || {
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
    let labels: Vec<String> = items.iter().map(|(l, _)| l.clone()).collect();
    let defaults: Vec<bool> = items.iter().map(|(_, d)| *d).collect();
    let question = question.to_string();
    asking(move || {
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
    let (question, items) = (question.to_string(), items.to_vec());
    asking(move || {
        dialoguer::Select::new()
            .with_prompt(question)
            .items(&items)
            .default(default)
            .interact()
    })
    .map(Some)
}

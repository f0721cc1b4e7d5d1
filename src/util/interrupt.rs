//! Ctrl-C (and SIGTERM): before a command changes anything, an interrupt ends it at once (exit
//! 130); once watched, an interrupt is a flag every side-effecting step checks before it
//! writes, so nothing is changed after the user asked to stop, and an event a running step
//! (istioctl) waits on to stop at once.
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

static INTERRUPTED: OnceLock<watch::Sender<bool>> = OnceLock::new();

fn state() -> &'static watch::Sender<bool> {
    INTERRUPTED.get_or_init(|| watch::channel(false).0)
}

/// Set once the command is about to change things: from then on an interrupt is a flag the
/// steps check; before, it ends the process at once (exit 130), as nothing was changed yet.
static WATCHING: AtomicBool = AtomicBool::new(false);

/// Installs istioup's Ctrl-C (SIGINT) and SIGTERM handling; call first thing in `main`. Until
/// `watch` is called, an interrupt ends the process with exit 130 and says nothing was changed
/// (SIGTERM too, which by default would end it with 143 and no word: CI systems cancel that way).
pub fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        std::thread::spawn(move || {
            for _ in signals.forever() {
                if WATCHING.load(Ordering::SeqCst) {
                    state().send_replace(true);
                } else {
                    let _ = writeln!(
                        std::io::stderr(),
                        "\ninterrupted; nothing on the cluster was changed"
                    );
                    std::process::exit(130);
                }
            }
        });
    }
}

/// From now on, an interrupt (Ctrl-C or SIGTERM) no longer ends the process: it becomes a flag
/// every side-effecting step checks before it writes, so nothing is changed after the user asked
/// to stop, and an event a running step (istioctl) waits on to stop at once. Calling it again
/// changes nothing.
pub fn watch() {
    WATCHING.store(true, Ordering::SeqCst);
    #[cfg(not(unix))]
    {
        static LISTENING: std::sync::Once = std::sync::Once::new();
        LISTENING.call_once(|| {
            tokio::spawn(async {
                if tokio::signal::ctrl_c().await.is_ok() {
                    state().send_replace(true);
                }
            });
        });
    }
}

/// Watches interrupts (as [`watch`]) until the guard is dropped, then lets an interrupt end the
/// process at once again if it did before: a prompt must come back to report a Ctrl-C, and the
/// reads that may follow it are still stopped at once.
pub fn watch_while() -> Watching {
    let before = WATCHING.load(Ordering::SeqCst);
    if cfg!(unix) || tokio::runtime::Handle::try_current().is_ok() {
        watch();
    }
    Watching(before)
}

/// See [`watch_while`].
pub struct Watching(bool);

impl Watching {
    /// Keeps interrupts watched for the rest of the command.
    pub fn keep(mut self) {
        self.0 = true;
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if !self.0 {
            WATCHING.store(false, Ordering::SeqCst);
        }
    }
}

pub fn interrupted() -> bool {
    *state().borrow()
}

/// Completes once the user interrupted (at once if that already happened); never completes
/// when nobody called `watch`.
pub async fn signalled() {
    let mut rx = state().subscribe();
    // The sender lives in a static: the channel never closes.
    let _ = rx.wait_for(|interrupted| *interrupted).await;
}

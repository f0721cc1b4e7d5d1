//! Ctrl-C: once watched, an interrupt is a flag every side-effecting step checks before it
//! writes, so nothing is changed after the user asked to stop.
use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Starts listening for Ctrl-C (SIGINT). Call from inside the runtime, once the command is
/// about to change things: before that, the default handler ends the process, which is right.
pub fn watch() {
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
    });
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

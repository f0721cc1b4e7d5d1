//! Ctrl-C (and SIGTERM): once watched, an interrupt is a flag every side-effecting step checks before it
//! writes, so nothing is changed after the user asked to stop, and an event a running step
//! (istioctl) waits on to stop at once.
use std::sync::OnceLock;

use tokio::sync::watch;

static INTERRUPTED: OnceLock<watch::Sender<bool>> = OnceLock::new();

fn state() -> &'static watch::Sender<bool> {
    INTERRUPTED.get_or_init(|| watch::channel(false).0)
}

/// Starts listening for Ctrl-C (SIGINT) and SIGTERM. Call from inside the runtime, once the command is
/// about to change things: before that, the default handler ends the process, which is right.
/// On Unix the handler is installed before this returns, so no interrupt slips through between
/// this call and the first step that waits for one. Calling it again changes nothing.
pub fn watch() {
    static WATCHING: std::sync::Once = std::sync::Once::new();
    WATCHING.call_once(listen);
}

fn listen() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // SIGTERM is how CI systems and process managers cancel: the same clean stop.
        for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
            if let Ok(mut stream) = signal(kind) {
                tokio::spawn(async move {
                    if stream.recv().await.is_some() {
                        state().send_replace(true);
                    }
                });
            }
        }
    }
    #[cfg(not(unix))]
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            state().send_replace(true);
        }
    });
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

//! Progress output on stderr, in istioctl's piped (non-TTY) form (operator/pkg/util/progress/
//! progress.go, cheggaaa/pb with ReturnSymbol "\n"): each message *preceded* by a newline, the
//! last one without a trailing newline, no colour, no `\r`, repeats skipped, status lines cut
//! at the width with `...`.
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set while the last thing written to stderr is a progress message without its newline.
static OPEN_LINE: AtomicBool = AtomicBool::new(false);

/// Ends an open progress line (before `Error: ...`, which starts a line of its own).
pub fn close_line() {
    if OPEN_LINE.swap(false, Ordering::SeqCst) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(b"\n");
        let _ = err.flush();
    }
}

/// Stands in for the 14-line ASCII-art logo `istioctl install` prints to stderr first
/// (operator/cmd/mesh/install.go prints pkg/art/istio-ascii.txt with a newline; colour only on
/// a terminal). Our own drawing of the same shape and alphabet (`|`, `/`, `\`, `_`, spaces),
/// not a copy: what a reader of istioctl's output must cope with is 14 such lines before the
/// first progress message.
pub const LOGO: &str = concat!(
    "          |\\        \n",
    "          | \\       \n",
    "          |  \\      \n",
    "          |   \\     \n",
    "          |    \\    \n",
    "        / |     \\   \n",
    "       /  |      \\  \n",
    "      /   |       \\ \n",
    "     /    |        \\\n",
    "    /_____|_________\\\n",
    "  ____________________\n",
    "   \\_              _/ \n",
    "     \\____________/   \n",
    "       |__________|   \n",
);

pub fn logo() {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{LOGO}");
    let _ = err.flush();
}

pub struct Progress {
    width: usize,
    slow: Option<Duration>,
    last_status: String,
}

impl Progress {
    pub fn new(width: usize, slow: Option<Duration>) -> Progress {
        Progress {
            width,
            slow,
            last_status: String::new(),
        }
    }

    fn emit(&mut self, line: &str) {
        if let Some(d) = self.slow {
            std::thread::sleep(d);
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\n{line}");
        let _ = err.flush();
        OPEN_LINE.store(true, Ordering::SeqCst);
    }

    /// A `- Processing ...` status line: printed only when it changed, cut at the width.
    pub fn status(&mut self, msg: &str) {
        if msg == self.last_status {
            return;
        }
        self.last_status = msg.to_string();
        let line = truncate(msg, self.width);
        self.emit(&line);
    }

    /// A line always printed in full (`✔ ...`, `✘ ...`, details, warnings).
    pub fn line(&mut self, msg: &str) {
        self.emit(msg);
    }
}

/// Cuts `msg` to `width` characters, ending in `...`, like istioctl's progress bar.
pub fn truncate(msg: &str, width: usize) -> String {
    if width == 0 || msg.chars().count() <= width {
        return msg.to_string();
    }
    let keep = width.saturating_sub(3);
    let mut out: String = msg.chars().take(keep).collect();
    out.push_str("...");
    out
}

/// `- Processing resources for A, B.` plus ` Waiting for X, Y` when something is awaited.
pub fn processing_message(components: &[&str], waiting: &[String]) -> String {
    let mut names: Vec<&str> = components.to_vec();
    names.sort_unstable();
    let mut msg = format!("- Processing resources for {}.", names.join(", "));
    if !waiting.is_empty() {
        msg.push_str(" Waiting for ");
        msg.push_str(&waiting.join(", "));
    }
    msg
}

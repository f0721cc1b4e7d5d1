//! Progress output on stderr, in istioctl's piped (non-TTY) form: each new message on its own
//! line, no colour, no `\r`, repeats skipped, status lines cut at the width with `...`.
use std::io::Write;
use std::time::Duration;

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
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
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

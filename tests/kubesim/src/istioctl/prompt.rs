//! The `Proceed? (y/N)` confirmation, read from stdin like istioctl's `fmt.Scanln`.
use std::io::{BufRead, Write};

/// Prints `question ` on stdout and reads one line; true for y/yes (any case).
pub fn confirm(question: &str) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question} ");
    let _ = out.flush();
    drop(out);
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => false,
        Ok(_) => matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
    }
}

pub fn cancelled() {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Cancelled.");
    let _ = out.flush();
}

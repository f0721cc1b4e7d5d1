//! The `Proceed? (y/N)` confirmation, read from stdin like istioctl's `fmt.Scanln`
//! (operator/cmd/mesh/shared.go and istioctl/pkg/util/common.go: Confirm).
use std::io::{BufRead, Write};

/// Prints `question ` on stdout and reads a line, as istioctl's `Confirm` does: y/yes (any
/// case) is yes and n/no is no; an empty line, more than one word or the end of input is a
/// `Scanln` error, so no; any other word asks again.
pub fn confirm(question: &str) -> bool {
    let mut input = std::io::stdin().lock();
    loop {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "{question} ");
        let _ = out.flush();
        drop(out);
        let mut line = String::new();
        if matches!(input.read_line(&mut line), Ok(0) | Err(_)) {
            return false;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [word] = words.as_slice() else {
            return false;
        };
        match word.to_ascii_uppercase().as_str() {
            "Y" | "YES" => return true,
            "N" | "NO" => return false,
            _ => {}
        }
    }
}

pub fn cancelled() {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Cancelled.");
    let _ = out.flush();
}

//! Small text helpers shared by reports and messages.

/// `1 namespace`, `2 namespaces`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

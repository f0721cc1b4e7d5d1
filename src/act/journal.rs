//! What this run changed on the cluster, in order. Every action that writes records itself here
//! once the server accepted the write, so that a command which stops half-way (an error, a
//! timeout, Ctrl-C) can say what it did before it stopped: what to resume, or what to undo.
//! Read by the error report (`ui::output`), in text and in the `-o json` error document.
use std::sync::Mutex;

use serde::Serialize;

/// One change the server accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// What was done: `labelled`, `unlabelled`, `restarted`, `deleted`, `ran`...
    pub action: &'static str,
    /// What it was done to, kubectl's way: `namespace/shop`, `deployment/web -n shop`.
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

static JOURNAL: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

/// Records a change the server accepted.
pub fn record(action: &'static str, object: impl Into<String>, detail: Option<String>) {
    let entry = Entry {
        action,
        object: object.into(),
        detail,
    };
    // A poisoned lock only means another thread panicked while pushing: the list is still whole.
    JOURNAL.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
}

/// Everything recorded so far, oldest first.
pub fn entries() -> Vec<Entry> {
    JOURNAL.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The journal as a person reads it: one line per kind of action, naming up to `shown` objects
/// each (`labelled 151 namespaces: a, b, c, ... and 141 more`).
pub fn summary(entries: &[Entry], shown: usize) -> Vec<String> {
    let mut groups: Vec<(&'static str, Vec<&Entry>)> = Vec::new();
    for entry in entries {
        match groups.iter_mut().find(|(action, _)| *action == entry.action) {
            Some((_, list)) => list.push(entry),
            None => groups.push((entry.action, vec![entry])),
        }
    }
    groups
        .into_iter()
        .map(|(action, list)| {
            let mut names: Vec<String> = list
                .iter()
                .take(shown)
                .map(|e| match &e.detail {
                    Some(d) => format!("{} ({d})", e.object),
                    None => e.object.clone(),
                })
                .collect();
            if list.len() > shown {
                names.push(format!("... and {} more", list.len() - shown));
            }
            format!("{action} {}: {}", list.len(), names.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &'static str, object: &str) -> Entry {
        Entry {
            action,
            object: object.into(),
            detail: None,
        }
    }

    #[test]
    fn the_summary_groups_by_action_in_order_and_shortens_long_lists() {
        let entries = vec![
            entry("labelled", "namespace/a"),
            entry("restarted", "deployment/web -n a"),
            entry("labelled", "namespace/b"),
            entry("labelled", "namespace/c"),
        ];
        assert_eq!(
            summary(&entries, 2),
            vec![
                "labelled 3: namespace/a, namespace/b, ... and 1 more".to_string(),
                "restarted 1: deployment/web -n a".to_string(),
            ]
        );
    }
}

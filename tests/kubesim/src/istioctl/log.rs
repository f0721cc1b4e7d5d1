//! The invocation log (`ISTIOCTL_STANDIN_LOG`): one JSON line per invocation, appended before
//! anything else happens, so tests can assert exactly what istioup passed (or that istioctl
//! was never run).
use std::io::{Read, Write};

use serde_json::{Map, Value, json};

/// What the invocation log captured; the stdin content is handed on to the command when a
/// file was given as `-` (it can only be read once).
#[derive(Debug, Default, Clone)]
pub struct Captured {
    pub stdin: Option<String>,
}

/// Reads stdin when `-f -` is among the arguments, and writes the log line when
/// `ISTIOCTL_STANDIN_LOG` is set. Never fails the invocation: a log that cannot be written is
/// reported on stderr only.
pub fn record(args: &[String]) -> Captured {
    let files = super::args::scan_filenames(args);
    let mut captured = Captured::default();
    if files.iter().any(|f| f == "-") {
        let mut buf = String::new();
        if std::io::stdin().read_to_string(&mut buf).is_ok() {
            captured.stdin = Some(buf);
        }
    }
    let Some(path) = std::env::var_os("ISTIOCTL_STANDIN_LOG") else {
        return captured;
    };
    let mut file_map = Map::new();
    for f in &files {
        if f == "-" {
            continue;
        }
        let content = std::fs::read_to_string(f)
            .map(Value::String)
            .unwrap_or(Value::Null);
        file_map.insert(f.clone(), content);
    }
    let line = json!({
        "argv": args,
        "stdin": captured.stdin,
        "files": file_map,
        "env_kubeconfig": std::env::var("KUBECONFIG").ok(),
        "cwd": std::env::current_dir().ok().map(|p| p.to_string_lossy().into_owned()),
        "pid": std::process::id(),
    });
    let mut text = line.to_string();
    text.push('\n');
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut fh| fh.write_all(text.as_bytes()));
    if let Err(e) = written {
        errln!(
            "istioctl stand-in: cannot write invocation log {}: {e}",
            std::path::Path::new(&path).display()
        );
    }
    captured
}

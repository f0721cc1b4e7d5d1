//! Runs one istioctl command, streaming its output into progress events, keeping all of it in a
//! log file, and stopping it on Ctrl-C or when it outlives a deadline.
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

use super::progress::{self, Event};
use crate::error::{Error, Kind, Result};

/// Receives istioctl's progress as it happens; the terminal display implements it.
pub trait Observer {
    fn event(&mut self, event: &Event);
    /// istioctl is about to start: the command line and where its output is logged.
    fn started(&mut self, _command_line: &str, _log: &Path) {}
}

/// What an istioctl run left behind.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub events: Vec<Event>,
    pub log: PathBuf,
}

impl Outcome {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// The lines that explain a failure: `✘` errors and their indented details.
    pub fn error_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_failure = false;
        for event in &self.events {
            match event {
                Event::Failed { component, error } => {
                    in_failure = true;
                    out.push(format!("{component}: {error}"));
                }
                Event::Detail(line) if in_failure => out.push(format!("  {line}")),
                Event::Other(line) if line.starts_with("Error:") => out.push(line.clone()),
                _ => in_failure = false,
            }
        }
        out
    }
}

/// Runs `istioctl args...` with stdin closed. `deadline` bounds the whole run (istioctl's own
/// readiness timeout is per component, and a stuck istioctl must not hang CI forever). A Ctrl-C
/// stops istioctl when the caller called `interrupt::watch` first.
pub async fn run(
    istioctl: &Path,
    args: &[OsString],
    log_path: &Path,
    deadline: Duration,
    observer: &mut dyn Observer,
) -> Result<Outcome> {
    let mut log = private_file(log_path).map_err(|e| {
        Error::failed(format!("cannot write the istioctl log {}", log_path.display())).with_source(e)
    })?;
    let _ = writeln!(
        log,
        "$ {}",
        crate::util::redact::apply(&format!("{} {}", istioctl.display(), shell_words(args)))
    );
    observer.started(&format!("{} {}", istioctl.display(), shell_words(args)), log_path);
    let mut child = spawn(istioctl, args)?;
    let verb = args
        .iter()
        .map(|a| a.to_string_lossy())
        .find(|a| !a.starts_with('-'))
        .unwrap_or_default();
    crate::act::journal::record(
        "ran",
        format!("istioctl {verb}"),
        Some(format!("its output: {}", log_path.display())),
    );
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    if let Some(out) = child.stdout.take() {
        tokio::spawn(forward(out, tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        tokio::spawn(forward(err, tx.clone()));
    }
    drop(tx);

    let mut events = Vec::new();
    let timeout = tokio::time::sleep(deadline);
    tokio::pin!(timeout);
    let interrupt = crate::util::interrupt::signalled();
    tokio::pin!(interrupt);
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(line) => {
                    let line = crate::util::redact::apply(&line);
                    let _ = writeln!(log, "{line}");
                    let event = progress::parse(&line);
                    observer.event(&event);
                    events.push(event);
                }
                None => break,
            },
            _ = &mut timeout => {
                stop(&mut child).await;
                let _ = writeln!(log, "istioup: stopped istioctl after {}s", deadline.as_secs());
                return Err(Error::new(Kind::Istioctl, format!(
                    "istioctl did not finish within {}s and was stopped", deadline.as_secs()
                ))
                .with_hint(format!("its output is in {}; raise --istioctl-timeout if the cluster is slow", log_path.display())));
            }
            _ = &mut interrupt => {
                stop(&mut child).await;
                let _ = writeln!(log, "istioup: interrupted; istioctl stopped");
                return Err(Error::new(Kind::Interrupted, "interrupted: istioctl was stopped")
                    .with_hint(format!("re-running the same command finishes the job; istioctl's output is in {}", log_path.display())));
            }
        }
    }
    let status = child
        .wait()
        .await
        .map_err(|e| Error::failed("cannot wait for istioctl").with_source(e))?;
    let code = status.code().unwrap_or(-1);
    let _ = writeln!(log, "istioup: istioctl exited with {code}");
    Ok(Outcome {
        code,
        events,
        log: log_path.to_path_buf(),
    })
}

/// Starts istioctl with stdin closed and its output piped, in its own process group: whatever
/// istioctl is (a wrapper script that does not `exec`, say), stopping it stops everything it
/// started; and a terminal's Ctrl-C reaches istioup only, which then stops the group itself.
fn spawn(istioctl: &Path, args: &[OsString]) -> Result<tokio::process::Child> {
    let mut command = tokio::process::Command::new(istioctl);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    command
        .spawn()
        .map_err(|e| Error::failed(format!("cannot start {}", istioctl.display())).with_source(e))
}

/// How long istioctl may take to stop after SIGTERM before its group is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Stops istioctl and everything in its process group: SIGTERM (istioctl stops cleanly), then,
/// after `GRACE` or once istioctl itself is gone, SIGKILL for whatever is left in the group.
async fn stop(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(group) = child
        .id()
        .and_then(|id| rustix::process::Pid::from_raw(id as i32))
    {
        use rustix::process::{Signal, kill_process_group};
        let _ = kill_process_group(group, Signal::TERM);
        let _ = tokio::time::timeout(GRACE, child.wait()).await;
        let _ = kill_process_group(group, Signal::KILL);
    }
    let _ = child.kill().await;
}

/// How long a line without its separator may sit before it counts as complete. Piped istioctl
/// *precedes* each message with a newline (cheggaaa/pb's ReturnSymbol, used by
/// operator/pkg/util/progress/progress.go) and writes it at once, so waiting for the next
/// separator would show every message one late.
const QUIET: Duration = Duration::from_millis(50);

/// Sends each line of `reader` (split on `\r` and `\n`, like a terminal shows it): a line as
/// soon as its separator arrives, and a trailing one once the stream has been quiet for `QUIET`.
async fn forward(mut reader: impl AsyncRead + Unpin, tx: mpsc::UnboundedSender<String>) {
    let mut pending = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let read = if pending.is_empty() {
            reader.read(&mut buf).await
        } else {
            match tokio::time::timeout(QUIET, reader.read(&mut buf)).await {
                Ok(read) => read,
                Err(_) => {
                    send(&tx, &std::mem::take(&mut pending));
                    continue;
                }
            }
        };
        let n = match read {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        while let Some(at) = pending.iter().position(|&b| b == b'\n' || b == b'\r') {
            let line: Vec<u8> = pending.drain(..=at).collect();
            send(&tx, &line[..line.len() - 1]);
        }
    }
    send(&tx, &pending);
}

fn send(tx: &mpsc::UnboundedSender<String>, bytes: &[u8]) {
    let line = String::from_utf8_lossy(bytes);
    if !line.trim().is_empty() {
        let _ = tx.send(line.into_owned());
    }
}

fn shell_words(args: &[OsString]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A log may name namespaces, objects and errors of a cluster: only its owner reads it (0700).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A new file only its owner may read and write (0600).
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Where istioctl's output is kept: `$XDG_STATE_HOME/istioup` or `~/.local/state/istioup`.
pub fn log_path(what: &str) -> Result<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("istioup");
    private_dir(&base).map_err(|e| {
        Error::failed(format!("cannot create the log directory {}", base.display())).with_source(e)
    })?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Ok(base.join(format!("{what}-{stamp}.log")))
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    #[tokio::test]
    async fn a_message_is_sent_before_the_next_separator_arrives() {
        let (mut writer, reader) = tokio::io::duplex(1024);
        let (tx, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(forward(reader, tx));
        // Piped istioctl: the newline comes first, the message has none after it.
        writer
            .write_all(b"\n- Processing resources for Istio core.")
            .await
            .unwrap();
        let first = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await;
        assert_eq!(
            first
                .expect("the message was held back until the next separator")
                .as_deref(),
            Some("- Processing resources for Istio core.")
        );
        writer
            .write_all("\n✔ Istio core installed".as_bytes())
            .await
            .unwrap();
        drop(writer);
        assert_eq!(rx.recv().await.as_deref(), Some("✔ Istio core installed"));
        assert_eq!(rx.recv().await, None);
    }
}

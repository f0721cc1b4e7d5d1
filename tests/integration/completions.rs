//! The committed completion scripts must match what the binary generates. Regenerate them with
//! `ISTIOUP_UPDATE_COMPLETIONS=1 cargo test --test integration completions`.
use crate::support::{code, istioup, repo_root, text};

const SHELLS: [(&str, &str); 5] = [
    ("bash", "istioup.bash"),
    ("zsh", "_istioup"),
    ("fish", "istioup.fish"),
    ("powershell", "_istioup.ps1"),
    ("elvish", "istioup.elv"),
];

#[test]
fn committed_completions_are_fresh() {
    let home = tempfile::tempdir().unwrap();
    let update = std::env::var_os("ISTIOUP_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let out = istioup(home.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{shell}: {}", text(&out.stderr));
        assert!(out.stdout.len() > 200, "{shell}: script is suspiciously short");
        let path = repo_root().join("completions").join(file);
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(out.stdout.as_slice()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{stale:?} differ from `istioup completions`; regenerate with \
         ISTIOUP_UPDATE_COMPLETIONS=1 cargo test --test integration completions"
    );
}

#[test]
fn completions_name_the_commands() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let script = text(&out.stdout);
    for word in ["render", "context", "--kubeconfig", "--overlay"] {
        assert!(script.contains(word), "bash completion lacks {word}");
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
}

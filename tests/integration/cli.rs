//! The command-line contract: what --help lists, exit codes for usage errors.
use crate::support::{code, istioup, text};

#[test]
fn help_lists_only_built_commands_and_the_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path()).arg("--help").output().unwrap();
    assert_eq!(code(&out), 0);
    let help = text(&out.stdout);
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default()
        .lines()
        // A command starts at column 2; deeper lines continue a wrapped description.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        commands,
        [
            "render",
            "context",
            "check",
            "install",
            "enable",
            "disable",
            "uninstall",
            "status",
            "completions",
            "help"
        ],
        "{help}"
    );
    for line in [
        "0    success",
        "2    usage error",
        "3    checks failed",
        "5    confirmation",
        "130  interrupted",
    ] {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
}

#[test]
fn global_flags_are_accepted_by_every_command() {
    let home = tempfile::tempdir().unwrap();
    for cmd in [
        ["render"].as_slice(),
        &["context"],
        &["check"],
        &["install"],
        &["enable", "namespace"],
        &["enable", "workload"],
        &["disable", "namespace"],
        &["disable", "workload"],
        &["disable", "cluster"],
        &["uninstall"],
        &["status"],
        &["completions", "bash"],
    ] {
        let out = istioup(home.path())
            .args(cmd)
            .args(["--color", "never", "--no-input", "-y", "-v", "--help"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{cmd:?}: {}", text(&out.stderr));
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path())
        .args(["render", "--frobnicate"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("--frobnicate"));
}

#[test]
fn missing_command_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path()).output().unwrap();
    assert_eq!(code(&out), 2);
}

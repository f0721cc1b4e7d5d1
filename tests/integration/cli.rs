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
            "images",
            "context",
            "check",
            "install",
            "enable",
            "disable",
            "uninstall",
            "status",
            "addons",
            "upgrade",
            "mtls",
            "dashboard",
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
        &["mtls"],
        &["mtls", "status"],
        &["mtls", "strict"],
        &["mtls", "permissive"],
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

#[test]
fn every_cluster_command_names_an_unreachable_server_and_its_context() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\nclusters:\n- name: dead\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: dead\n  context: {cluster: dead, user: u}\nusers:\n- name: u\n  user: {token: secret-token}\n",
    )
    .unwrap();
    for cmd in [
        ["check"].as_slice(),
        &["install", "-y"],
        &["status"],
        &["uninstall", "-y"],
        &["enable", "namespace", "shop"],
        &["disable", "namespace", "shop"],
        &["enable", "workload", "deploy/web", "-n", "shop"],
        &["mtls"],
        &["mtls", "strict", "shop", "-y"],
    ] {
        let out = istioup(home.path())
            .args(cmd)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 1, "{cmd:?}: {stderr}");
        assert!(
            stderr.starts_with(
                "error: cannot reach the Kubernetes API server https://127.0.0.1:1 (context dead)"
            ),
            "{cmd:?}: {stderr}"
        );
        assert!(stderr.contains("hint: "), "{cmd:?}: {stderr}");
        assert!(
            !stderr.contains("secret-token") && !stderr.contains("panicked"),
            "{cmd:?}: {stderr}"
        );
    }
}

/// The README copies the merge rules from `istioup render --help`; they must not drift apart.
#[test]
fn readme_states_the_merge_rules_render_help_shows() {
    let home = tempfile::tempdir().unwrap();
    let out = istioup(home.path()).args(["render", "--help"]).output().unwrap();
    let help = text(&out.stdout);
    let rules = &help[help
        .find("How the IstioOperator is built:")
        .expect("render --help has the rules")..];
    let readme = std::fs::read_to_string(crate::support::repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(rules.trim_end()),
        "README.md's merge rules differ from `istioup render --help`"
    );
}

/// CI runs exactly the README's test command.
#[test]
fn ci_runs_the_readme_test_command() {
    let root = crate::support::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap();
    let command = "cargo test --workspace --locked";
    assert!(
        readme.contains(&format!("\n{command}\n")),
        "README lacks the test command"
    );
    assert_eq!(
        ci.trim_end().lines().last(),
        Some(command),
        ".ci/run must end with the README's test command"
    );
}

/// `-o json` promises one document whatever happens: a command that fails before its report
/// prints the error as that document.
#[test]
fn a_failure_before_the_report_is_still_one_json_document() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\nclusters:\n- name: dead\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: dead\n  context: {cluster: dead}\n",
    )
    .unwrap();
    for cmd in [
        ["status"].as_slice(),
        &["check"],
        &["install", "-y"],
        &["uninstall", "-y"],
        &["context", "--context", "nope"],
        &["mtls"],
        &["mtls", "permissive", "--mesh", "-y"],
    ] {
        let out = istioup(home.path())
            .args(cmd)
            .args(["-o", "json", "--kubeconfig"])
            .arg(&kubeconfig)
            .output()
            .unwrap();
        assert_eq!(code(&out), 1, "{cmd:?}: {}", text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{cmd:?}: not one JSON document ({e}): {}", text(&out.stdout)));
        assert_eq!(doc["error"]["exit_code"], 1, "{cmd:?}: {doc}");
        assert!(
            doc["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{cmd:?}: {doc}"
        );
        // The human form still goes to stderr.
        assert!(text(&out.stderr).starts_with("error: "), "{cmd:?}");
    }
    let out = istioup(home.path())
        .args(["render", "-f", "missing.yaml", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["error"]["message"].as_str().unwrap().contains("missing.yaml"),
        "{doc}"
    );
}

/// A usage error under `-o json` (in any of clap's spellings) is still one JSON document on
/// stdout, with exit code 2; clap's own text stays on stderr.
#[test]
fn usage_errors_under_json_output_print_one_document() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["install", "--bogus", "-o", "json"][..],
        &["-ojson", "status", "--replicas", "3"][..],
        &["uninstall", "--output=json", "--purge", "--backup"][..],
    ] {
        let out = istioup(home.path()).args(args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&out.stdout)));
        assert_eq!(doc["error"]["exit_code"], 2, "{args:?}");
        assert!(!doc["error"]["message"].as_str().unwrap().is_empty());
        assert!(text(&out.stderr).starts_with("error:"), "{args:?}");
    }
    // Without -o json, stdout stays empty.
    let out = istioup(home.path())
        .args(["install", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
}

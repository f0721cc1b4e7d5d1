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

/// The subcommands `istioup ARGS --help` lists (without `help`), in order.
fn subcommands(home: &std::path::Path, args: &[&str]) -> Vec<String> {
    let out = istioup(home).args(args).arg("--help").output().unwrap();
    assert_eq!(code(&out), 0, "{args:?}");
    let help = text(&out.stdout);
    let Some(listed) = help.split("\nCommands:\n").nth(1) else {
        return Vec::new();
    };
    listed
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every command `--help` lists, down to the leaves, run with `-o json` against a server that
/// is not there: each prints exactly one JSON document on stdout, whose `error.exit_code` is
/// the exit code, names the problem on stderr, and never shows the token or a panic. The table
/// must cover every command help lists, so a new command cannot skip this.
#[test]
fn every_command_prints_one_json_document_when_it_fails() {
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = home.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\nclusters:\n- name: dead\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: dead\n  context: {cluster: dead, user: u}\nusers:\n- name: u\n  user: {token: secret-token}\n",
    )
    .unwrap();
    // Arguments for each command; None: it needs no cluster and succeeds (or prints no report).
    let table: &[(&str, Option<&[&str]>)] = &[
        ("render", None),
        ("images", Some(&[])),
        ("context", None),
        ("check", Some(&[])),
        ("install", Some(&["-y"])),
        ("enable namespace", Some(&["shop"])),
        ("enable workload", Some(&["deploy/web", "-n", "shop"])),
        ("disable namespace", Some(&["shop"])),
        ("disable workload", Some(&["deploy/web", "-n", "shop"])),
        ("disable cluster", Some(&["-y"])),
        ("uninstall", Some(&["-y"])),
        ("status", Some(&[])),
        ("addons list", Some(&[])),
        ("addons enable", Some(&["kiali", "-y"])),
        ("addons disable", Some(&["kiali", "-y"])),
        ("upgrade", Some(&["-y"])),
        ("upgrade status", Some(&[])),
        ("upgrade migrate", Some(&["shop", "-y"])),
        ("upgrade finish", Some(&["-y"])),
        ("upgrade rollback", Some(&["-y"])),
        ("mtls", Some(&[])),
        ("mtls status", Some(&[])),
        ("mtls strict", Some(&["shop", "-y"])),
        ("mtls permissive", Some(&["shop", "-y"])),
        ("dashboard", Some(&["kiali"])),
        ("completions", None),
    ];
    let mut listed = Vec::new();
    for top in subcommands(home.path(), &[]) {
        let below = subcommands(home.path(), &[top.as_str()]);
        // `upgrade` and `mtls` run by themselves too (`Usage: istioup upgrade [OPTIONS]`).
        let usage = text(
            &istioup(home.path())
                .args([top.as_str(), "--help"])
                .output()
                .unwrap()
                .stdout,
        );
        if below.is_empty() || usage.contains(&format!("istioup {top} [OPTIONS]\n")) {
            listed.push(top.clone());
        }
        listed.extend(below.iter().map(|sub| format!("{top} {sub}")));
    }
    let covered: Vec<String> = table.iter().map(|(c, _)| c.to_string()).collect();
    let (mut a, mut b) = (listed.clone(), covered.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "the table must list every command help lists");
    for (command, args) in table {
        let Some(args) = args else { continue };
        let out = istioup(home.path())
            .args(command.split(' '))
            .args(*args)
            .args(["-o", "json", "--kubeconfig"])
            .arg(&kubeconfig)
            .output()
            .unwrap();
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{command}: not one JSON document ({e}): {stdout}\n{stderr}"));
        assert_eq!(code(&out), 1, "{command}: {stderr}");
        assert_eq!(doc["error"]["exit_code"], 1, "{command}: {doc}");
        assert!(stderr.starts_with("error: "), "{command}: {stderr}");
        for leak in ["secret-token", "panicked", "RUST_BACKTRACE"] {
            assert!(
                !stdout.contains(leak) && !stderr.contains(leak),
                "{command}: {leak}"
            );
        }
    }
}

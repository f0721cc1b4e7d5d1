//! `istioup context`: kubeconfig layouts resolved by kubectl's rules, and checked against
//! kubectl itself (`kubectl config view --minify`) where it is installed.
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::support::{code, istioup, text};

/// Credentials planted in the layouts; none may ever be printed.
const SECRETS: [&str; 6] = [
    "tok-SECRET-1",
    "a2V5LVNFQ1JFVA==",
    "pw-SECRET",
    "access-SECRET",
    "env-SECRET",
    "pod-token-SECRET",
];

const DEV: &str = "\
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
    certificate-authority: certs/ca.crt
    tls-server-name: dev.internal
- name: shared
  cluster: {server: 'https://shared-from-dev.example'}
users:
- name: dev-admin
  user: {token: tok-SECRET-1}
- name: basic
  user: {username: bob, password: pw-SECRET}
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-admin, namespace: apps}
- name: shared
  context: {cluster: shared, user: basic}
";

const PROD: &str = "\
current-context: prod
clusters:
- name: prod-cluster
  cluster: {server: 'https://prod.example', insecure-skip-tls-verify: true}
- name: shared
  cluster: {server: 'https://shared-from-prod.example'}
users:
- name: prod-admin
  user: {client-certificate-data: Y2VydA==, client-key-data: a2V5LVNFQ1JFVA==}
- name: oidc
  user:
    auth-provider: {name: oidc, config: {access-token: access-SECRET}}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./get-token
      env: [{name: TOKEN, value: env-SECRET}]
contexts:
- name: prod
  context: {cluster: prod-cluster, user: prod-admin}
- name: dev
  context: {cluster: prod-cluster, user: prod-admin, namespace: shadowed}
- name: prod-oidc
  context: {cluster: shared, user: oidc, namespace: web}
- name: prod-exec
  context: {cluster: prod-cluster, user: exec}
";

/// A third file: no current-context, a context of its own, and a cluster the others also name.
const EXTRA: &str = "\
clusters:
- name: shared
  cluster: {server: 'https://shared-from-extra.example'}
- name: extra-cluster
  cluster: {server: 'http://127.0.0.1:8080'}
contexts:
- name: extra
  context: {cluster: extra-cluster}
- name: extra-shared
  context: {cluster: shared, namespace: kube-system}
";

/// One test's world: a temp dir with a HOME, kubeconfig files, and the environment and flags
/// both istioup and kubectl get.
struct Layout {
    dir: tempfile::TempDir,
    env: Vec<(String, OsString)>,
    flags: Vec<OsString>,
}

impl Layout {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home");
        Layout {
            dir,
            env: Vec::new(),
            flags: Vec::new(),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn file(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    fn kubeconfig_list(self, paths: &[&Path]) -> Self {
        let list = std::env::join_paths(paths).expect("joinable paths");
        self.env("KUBECONFIG", list)
    }

    fn flag(mut self, flag: &str, value: impl Into<OsString>) -> Self {
        self.flags.push(flag.into());
        self.flags.push(value.into());
        self
    }

    fn run(&self, format: &str) -> Output {
        let mut cmd = istioup(&self.home());
        cmd.arg("context").args(["-o", format]).args(&self.flags);
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let out = cmd.output().expect("istioup runs");
        assert_no_secrets(&out);
        out
    }

    /// `istioup context -o json`, which must succeed.
    fn json(&self) -> Value {
        let out = self.run("json");
        assert_eq!(code(&out), 0, "stderr: {}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    }

    /// `istioup context` that must fail with exit 1; its stderr.
    fn fails(&self) -> String {
        let out = self.run("table");
        assert_eq!(
            code(&out),
            1,
            "stdout: {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "nothing on stdout: {}", text(&out.stdout));
        text(&out.stderr)
    }

    fn p(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }

    /// kubectl, with the same flags and environment, must pick the same context, cluster,
    /// server, user and namespace, or fail where istioup fails.
    fn kubectl_agrees(&self) {
        let Some(kubectl) = kubectl() else { return };
        // kubectl gets a HOME of its own (a copy of ~/.kube/config, if any), so nothing it
        // might write there can change what istioup sees.
        let kubectl_home = self.path("kubectl-home");
        std::fs::create_dir_all(kubectl_home.join(".kube")).expect("kubectl home");
        let home_config = self.home().join(".kube/config");
        if home_config.exists() {
            std::fs::copy(&home_config, kubectl_home.join(".kube/config")).expect("copy config");
        }
        let mut cmd = std::process::Command::new(kubectl);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &kubectl_home)
            .args(["config", "view", "--minify", "-o", "json"])
            .args(&self.flags);
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        let theirs = cmd.output().expect("kubectl runs");
        let mine = self.run("json");
        if !mine.status.success() {
            assert!(
                !theirs.status.success(),
                "istioup failed ({}) but kubectl did not: {}",
                text(&mine.stderr),
                text(&theirs.stdout)
            );
            return;
        }
        assert!(
            theirs.status.success(),
            "kubectl failed: {}",
            text(&theirs.stderr)
        );
        let mine: Value = serde_json::from_slice(&mine.stdout).expect("istioup JSON");
        let theirs: Value = serde_json::from_slice(&theirs.stdout).expect("kubectl JSON");
        let context = &theirs["contexts"][0]["context"];
        let string = |v: &Value| v.as_str().unwrap_or("").to_owned();
        let namespace = Some(string(&context["namespace"]))
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_owned());
        let kubectl_view = json!({
            "context": string(&theirs["current-context"]),
            "cluster": string(&context["cluster"]),
            "server": string(&theirs["clusters"][0]["cluster"]["server"]),
            "user": string(&context["user"]),
            "namespace": namespace,
        });
        let istioup_view = json!({
            "context": mine["context"],
            "cluster": mine["cluster"],
            "server": mine["server"],
            "user": mine["user"],
            "namespace": mine["namespace"],
        });
        assert_eq!(istioup_view, kubectl_view, "istioup and kubectl disagree");
    }
}

/// kubectl's path, or `None` (with a note) when it is not installed. With
/// ISTIOUP_REQUIRE_KUBECTL=1 a missing kubectl fails the test instead.
fn kubectl() -> Option<&'static str> {
    let found = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return Some("kubectl");
    }
    if std::env::var("ISTIOUP_REQUIRE_KUBECTL").is_ok_and(|v| v == "1") {
        panic!("kubectl is not installed, and ISTIOUP_REQUIRE_KUBECTL=1");
    }
    eprintln!("note: kubectl not found; skipping the comparison with kubectl");
    None
}

fn assert_no_secrets(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let shown = text(stream);
        for secret in SECRETS {
            assert!(!shown.contains(secret), "{secret} printed:\n{shown}");
        }
    }
}

#[test]
fn single_file_in_home() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let config = layout.home().join(".kube/config").display().to_string();
    assert_eq!(
        layout.json(),
        json!({
            "context": "dev",
            "cluster": "dev-cluster",
            "server": "https://dev.example:6443",
            "user": "dev-admin",
            "namespace": "apps",
            "source": {
                "from": "~/.kube/config",
                "kubeconfig": [config],
                "missing": [],
                "context": {"from": "current-context", "set_in": config, "defined_in": config},
                "cluster": {"defined_in": config},
                "user": {"defined_in": config},
                "namespace": {"from": "context"},
                "serviceaccount": null
            }
        })
    );
    layout.kubectl_agrees();

    let table = text(&layout.run("table").stdout);
    let expected = format!(
        "\
CONTEXT     dev                       (current-context of {config})
CLUSTER     dev-cluster               (defined in {config})
SERVER      https://dev.example:6443  (cluster dev-cluster)
USER        dev-admin                 (defined in {config})
NAMESPACE   apps                      (set by the context)
KUBECONFIG  {config}  (~/.kube/config)
"
    );
    assert_eq!(table, expected);

    let yaml = layout.run("yaml");
    assert_eq!(code(&yaml), 0);
    assert!(
        text(&yaml.stdout).contains("from: ~/.kube/config"),
        "{}",
        text(&yaml.stdout)
    );
}

#[test]
fn table_is_the_default_format() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let mut cmd = istioup(&layout.home());
    let out = cmd.arg("context").output().expect("runs");
    assert_eq!(code(&out), 0);
    assert!(
        text(&out.stdout).starts_with("CONTEXT     dev"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn kubeconfig_flag_beats_kubeconfig_env_and_home() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let prod = layout.file("prod.yaml", PROD);
    let extra = layout.file("extra.yaml", EXTRA);
    let layout = layout.kubeconfig_list(&[&extra]).flag("--kubeconfig", &prod);
    let json = layout.json();
    assert_eq!(json["context"], "prod");
    assert_eq!(json["source"]["from"], "--kubeconfig");
    assert_eq!(json["source"]["kubeconfig"], json!([layout.p("prod.yaml")]));
    layout.kubectl_agrees();
}

#[test]
fn kubeconfig_env_beats_home() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let prod = layout.file("prod.yaml", PROD);
    let layout = layout.kubeconfig_list(&[&prod]);
    let json = layout.json();
    assert_eq!(
        (json["context"].as_str(), json["source"]["from"].as_str()),
        (Some("prod"), Some("KUBECONFIG"))
    );
    layout.kubectl_agrees();
}

#[test]
fn kubeconfig_list_first_file_wins() {
    let layout = Layout::new();
    let dev = layout.file("a/dev.yaml", DEV);
    let prod = layout.file("b/prod.yaml", PROD);
    let extra = layout.file("c/extra.yaml", EXTRA);
    let missing = layout.path("gone/missing.yaml");

    // extra has no current-context, so the first non-empty one (prod.yaml's) wins.
    let order = [&extra as &Path, &missing, &prod, &dev];
    let layout = layout.kubeconfig_list(&order);
    let json = layout.json();
    assert_eq!(json["context"], "prod");
    assert_eq!(
        json["source"]["kubeconfig"],
        json!([
            layout.p("c/extra.yaml"),
            layout.p("b/prod.yaml"),
            layout.p("a/dev.yaml")
        ])
    );
    assert_eq!(json["source"]["missing"], json!([layout.p("gone/missing.yaml")]));
    assert_eq!(json["source"]["context"]["set_in"], layout.p("b/prod.yaml"));
    layout.kubectl_agrees();

    // "dev" is defined by prod.yaml (before dev.yaml) and wins whole, namespace included.
    let dev_layout = Layout {
        flags: vec!["--context".into(), "dev".into()],
        ..layout
    };
    let json = dev_layout.json();
    assert_eq!(
        (json["cluster"].as_str(), json["namespace"].as_str()),
        (Some("prod-cluster"), Some("shadowed"))
    );
    assert_eq!(
        json["source"]["context"]["defined_in"],
        dev_layout.p("b/prod.yaml")
    );
    dev_layout.kubectl_agrees();

    // A context from prod.yaml whose cluster name extra.yaml defined first.
    let oidc = Layout {
        flags: vec!["--context".into(), "prod-oidc".into()],
        ..dev_layout
    };
    let json = oidc.json();
    assert_eq!(json["server"], "https://shared-from-extra.example");
    assert_eq!(json["source"]["cluster"]["defined_in"], oidc.p("c/extra.yaml"));
    assert_eq!(json["source"]["user"]["defined_in"], oidc.p("b/prod.yaml"));
    oidc.kubectl_agrees();

    // A context with no user at all, from the last file.
    let extra_ctx = Layout {
        flags: vec!["--context".into(), "extra-shared".into()],
        ..oidc
    };
    let json = extra_ctx.json();
    assert_eq!(
        (json["user"].as_str(), json["namespace"].as_str()),
        (Some(""), Some("kube-system"))
    );
    assert_eq!(json["source"]["user"]["defined_in"], Value::Null);
    extra_ctx.kubectl_agrees();
}

#[test]
fn kubeconfig_list_ignores_empty_entries_and_repeats() {
    let layout = Layout::new();
    let dev = layout.file("dev.yaml", DEV);
    let prod = layout.file("prod.yaml", PROD);
    let list = format!("::{}::{}:{}:", dev.display(), prod.display(), dev.display());
    let layout = layout.env("KUBECONFIG", list);
    let json = layout.json();
    assert_eq!(json["context"], "dev");
    assert_eq!(
        json["source"]["kubeconfig"],
        json!([layout.p("dev.yaml"), layout.p("prod.yaml")])
    );
    layout.kubectl_agrees();
}

#[test]
fn context_flag_beats_current_context() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let layout = layout.flag("--context", "shared");
    let json = layout.json();
    assert_eq!(json["context"], "shared");
    assert_eq!(json["user"], "basic");
    assert_eq!(json["source"]["context"]["from"], "--context");
    assert_eq!(json["source"]["context"]["set_in"], Value::Null);
    assert_eq!(json["namespace"], "default");
    assert_eq!(json["source"]["namespace"]["from"], "default");
    layout.kubectl_agrees();
}

#[test]
fn exec_and_auth_provider_users_resolve_without_running_anything() {
    let layout = Layout::new();
    let prod = layout.file("prod.yaml", PROD);
    for context in ["prod-exec", "prod-oidc", "prod"] {
        let layout = Layout::new()
            .flag("--kubeconfig", &prod)
            .flag("--context", context);
        let json = layout.json();
        assert_eq!(json["context"], context);
        layout.kubectl_agrees();
    }
}

#[test]
fn unknown_context_suggests_the_nearest() {
    let layout = Layout::new();
    layout.file("home/.kube/config", PROD);
    let layout = layout.flag("--context", "prdo");
    let stderr = layout.fails();
    assert!(
        stderr.contains("error: context \"prdo\" not found in the kubeconfig"),
        "{stderr}"
    );
    assert!(
        stderr.contains("contexts: \"prod\", \"dev\", \"prod-oidc\", \"prod-exec\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: did you mean \"prod\"? (--context prod)"),
        "{stderr}"
    );
    layout.kubectl_agrees();
}

#[test]
fn current_context_naming_no_context() {
    let layout = Layout::new();
    layout.file(
        "home/.kube/config",
        &DEV.replace("current-context: dev", "current-context: deleted"),
    );
    let stderr = layout.fails();
    assert!(
        stderr.contains("the current-context \"deleted\" (set in "),
        "{stderr}"
    );
    layout.kubectl_agrees();
}

#[test]
fn no_current_context_lists_contexts() {
    let layout = Layout::new();
    layout.file("home/.kube/config", &DEV.replace("current-context: dev\n", ""));
    let stderr = layout.fails();
    assert!(stderr.contains("no context selected"), "{stderr}");
    assert!(stderr.contains("contexts: \"dev\", \"shared\""), "{stderr}");
    assert!(stderr.contains("hint: pass --context NAME"), "{stderr}");
    layout.kubectl_agrees();
}

#[test]
fn missing_kubeconfig_flag_file_is_an_error() {
    let layout = Layout::new();
    layout.file("home/.kube/config", DEV);
    let gone = layout.path("gone.yaml");
    let layout = layout.flag("--kubeconfig", &gone);
    let stderr = layout.fails();
    assert!(
        stderr.contains(&format!(
            "the kubeconfig file {} given with --kubeconfig does not exist",
            gone.display()
        )),
        "{stderr}"
    );
    layout.kubectl_agrees();
}

#[test]
fn nothing_at_all_says_where_it_looked() {
    let layout = Layout::new();
    let stderr = layout.fails();
    let home_config = layout.home().join(".kube/config");
    assert!(
        stderr.contains(&format!(
            "error: no kubeconfig found: KUBECONFIG is not set, {} does not exist, and istioup is not \
             running in a cluster (KUBERNETES_SERVICE_HOST is not set)",
            home_config.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: pass --kubeconfig FILE, or set KUBECONFIG"),
        "{stderr}"
    );
    layout.kubectl_agrees();

    let gone = layout.path("gone.yaml");
    let layout = layout.kubeconfig_list(&[&gone]);
    let stderr = layout.fails();
    assert!(
        stderr.contains("none of the files in KUBECONFIG exist"),
        "{stderr}"
    );
    assert!(stderr.contains(&gone.display().to_string()), "{stderr}");
}

#[test]
fn in_cluster_without_kubeconfig() {
    let layout = Layout::new();
    let sa = layout.file("sa/token", "pod-token-SECRET");
    layout.file("sa/namespace", "istio-system\n");
    layout.file("sa/ca.crt", "not checked until connecting");
    let sa_dir = sa.parent().expect("dir").to_path_buf();
    let layout = layout
        .env("KUBERNETES_SERVICE_HOST", "10.96.0.1")
        .env("KUBERNETES_SERVICE_PORT", "443")
        .env("ISTIOUP_SERVICEACCOUNT_DIR", &sa_dir);
    assert_eq!(
        layout.json(),
        json!({
            "context": "in-cluster",
            "cluster": "in-cluster",
            "server": "https://10.96.0.1:443",
            "user": "in-cluster",
            "namespace": "istio-system",
            "source": {
                "from": "in-cluster",
                "kubeconfig": [],
                "missing": [layout.home().join(".kube/config").display().to_string()],
                "context": {"from": "in-cluster", "set_in": null, "defined_in": null},
                "cluster": {"defined_in": null},
                "user": {"defined_in": null},
                "namespace": {"from": "serviceaccount"},
                "serviceaccount": sa_dir.display().to_string()
            }
        })
    );
    let table = text(&layout.run("table").stdout);
    assert!(table.contains("(in-cluster service account)"), "{table}");

    let layout = layout.env("POD_NAMESPACE", "from-downward-api");
    let json = layout.json();
    assert_eq!(json["namespace"], "from-downward-api");
    assert_eq!(json["source"]["namespace"]["from"], "POD_NAMESPACE");

    // A kubeconfig that selects a context wins over the pod.
    layout.file("home/.kube/config", DEV);
    assert_eq!(layout.json()["context"], "dev");
}

#[test]
fn in_cluster_needs_the_token() {
    let layout = Layout::new();
    let empty = layout.path("empty-sa");
    std::fs::create_dir_all(&empty).expect("dir");
    let layout = layout
        .env("KUBERNETES_SERVICE_HOST", "10.96.0.1")
        .env("KUBERNETES_SERVICE_PORT", "443")
        .env("ISTIOUP_SERVICEACCOUNT_DIR", &empty);
    let stderr = layout.fails();
    assert!(
        stderr.contains("there is no service account token at"),
        "{stderr}"
    );
}

#[test]
fn malformed_yaml_names_file_line_and_column() {
    let layout = Layout::new();
    let broken = layout.file(
        "broken.yaml",
        "clusters:\n- name: c\n  cluster: {server: https://x\nusers:\n- name: u\n  user: {token: tok-SECRET-1}\n",
    );
    let layout = layout.flag("--kubeconfig", &broken);
    let stderr = layout.fails();
    let prefix = format!("error: cannot parse kubeconfig {}:", broken.display());
    assert!(stderr.starts_with(&prefix), "{stderr}");
    let position = stderr[prefix.len()..].split(':').take(2).collect::<Vec<_>>();
    assert!(
        position.len() == 2 && position.iter().all(|n| n.parse::<u32>().is_ok()),
        "line:column after the path: {stderr}"
    );
    layout.kubectl_agrees();

    // A scalar where a map belongs: the value (here a token) is not echoed.
    let layout = Layout::new();
    let wrong = layout.file("wrong.yaml", "users:\n- name: u\n  user: tok-SECRET-1\n");
    let layout = layout.kubeconfig_list(&[&wrong]);
    let stderr = layout.fails();
    assert!(stderr.contains(&format!("{}:3:", wrong.display())), "{stderr}");
    layout.kubectl_agrees();
}

#[test]
fn context_with_missing_cluster_or_user() {
    let layout = Layout::new();
    let config = DEV.to_owned()
        + "- name: lost-cluster\n  context: {cluster: gone, user: dev-admin}\n\
           - name: lost-user\n  context: {cluster: dev-cluster, user: ghost}\n";
    let file = layout.file("home/.kube/config", &config);

    let lost_cluster = Layout::new()
        .flag("--kubeconfig", &file)
        .flag("--context", "lost-cluster");
    let stderr = lost_cluster.fails();
    assert!(
        stderr.contains("context \"lost-cluster\" (in ")
            && stderr.contains("uses cluster \"gone\", which no kubeconfig defines"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: clusters defined: \"dev-cluster\", \"shared\""),
        "{stderr}"
    );
    lost_cluster.kubectl_agrees();

    let lost_user = Layout::new()
        .flag("--kubeconfig", &file)
        .flag("--context", "lost-user");
    let stderr = lost_user.fails();
    assert!(
        stderr.contains("uses user \"ghost\", which no kubeconfig defines"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: users defined: \"dev-admin\", \"basic\""),
        "{stderr}"
    );
    lost_user.kubectl_agrees();
}

#[test]
fn credentials_are_never_printed() {
    // Every run goes through `assert_no_secrets`; this one walks every user and format.
    let layout = Layout::new();
    let dev = layout.file("dev.yaml", DEV);
    let prod = layout.file("prod.yaml", PROD);
    for context in ["dev", "shared", "prod", "prod-oidc", "prod-exec"] {
        let layout = Layout::new()
            .kubeconfig_list(&[&dev, &prod])
            .flag("--context", context);
        for format in ["table", "json", "yaml"] {
            let out = layout.run(format);
            assert_eq!(code(&out), 0, "{context} {format}: {}", text(&out.stderr));
        }
    }
}

#[test]
fn help_describes_the_command() {
    let layout = Layout::new();
    let out = istioup(&layout.home())
        .args(["context", "--help"])
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).contains("Show which cluster istioup would act on"));
}

/// A password in a server URL (`https://user:pass@host`) and everything an exec credential
/// plugin is given (its arguments, its environment) or prints are credentials: never shown, in
/// `context`, in errors, or in JSON.
#[test]
fn credentials_in_urls_and_exec_plugins_are_never_shown() {
    let layout = Layout::new();
    let plugin = layout.file(
        "plugin.sh",
        "#!/bin/sh\necho \"expired for $CANARY_ENV\" >&2\necho '{\"status\":{\"token\":\"canary-out-9Zq\"'\nexit 1\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = format!(
        "apiVersion: v1
kind: Config
current-context: c
contexts: [{{name: c, context: {{cluster: k, user: u}}}}]
clusters: [{{name: k, cluster: {{server: 'https://admin:canary-pass-8Kz2@127.0.0.1:9'}}}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: {}
      args: [--secret, canary-arg-3Jw5]
      env: [{{name: CANARY_ENV, value: canary-env-5Lm1}}]
      interactiveMode: Never
",
        plugin.display()
    );
    layout.file("home/.kube/config", &config);
    let canaries = [
        "canary-pass-8Kz2",
        "canary-arg-3Jw5",
        "canary-env-5Lm1",
        "admin:canary",
    ];
    let check = |out: &Output| {
        for stream in [&out.stdout, &out.stderr] {
            let shown = text(stream);
            for canary in canaries {
                assert!(!shown.contains(canary), "{canary} printed:\n{shown}");
            }
        }
    };
    let table = layout.run("table");
    check(&table);
    assert!(
        text(&table.stdout).contains("https://[REDACTED]@127.0.0.1:9"),
        "{}",
        text(&table.stdout)
    );
    check(&layout.run("json"));
    // A command that must authenticate runs the plugin, which fails and prints its env.
    for format in ["table", "json"] {
        let out = istioup(&layout.home())
            .args(["status", "-o", format])
            .output()
            .expect("istioup runs");
        assert_ne!(code(&out), 0);
        check(&out);
        let err = text(if format == "json" {
            &out.stdout
        } else {
            &out.stderr
        });
        assert!(err.contains("plugin.sh failed (exit status 1)"), "{err}");
        assert!(!err.contains("Output {"), "a Rust debug dump: {err}");
    }
}

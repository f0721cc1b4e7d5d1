use std::fs;

use super::*;

const A: &str = "\
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster: {server: 'https://dev.example:6443', certificate-authority: ca.crt}
- name: shared
  cluster: {server: 'https://from-a.example'}
users:
- name: dev-admin
  user: {token: secret-token-a}
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-admin, namespace: apps}
- name: shared
  context: {cluster: shared, user: dev-admin}
";

const B: &str = "\
current-context: prod
clusters:
- name: shared
  cluster: {server: 'https://from-b.example'}
- name: prod-cluster
  cluster: {server: 'https://prod.example'}
users:
- name: prod-admin
  user: {client-key-data: c2VjcmV0}
contexts:
- name: prod
  context: {cluster: prod-cluster, user: prod-admin}
- name: dev
  context: {cluster: prod-cluster, user: prod-admin, namespace: shadowed}
";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&path, text).expect("write");
        path
    }

    /// An environment with a HOME and nothing else; no pod.
    fn env(&self) -> Environment {
        Environment {
            home: Some(self.dir.path().join("home")),
            serviceaccount_dir: self.dir.path().join("no-serviceaccount"),
            ..Environment::default()
        }
    }

    fn kubeconfig_env(&self, paths: &[&Path]) -> Environment {
        let list = std::env::join_paths(paths).expect("joinable");
        Environment {
            kubeconfig: Some(list),
            ..self.env()
        }
    }
}

#[test]
fn single_file_from_home() {
    let fx = Fixture::new();
    let config = fx.file("home/.kube/config", A);
    let target = resolve_in(&fx.env(), None, None).expect("resolves");
    assert_eq!(
        (
            target.context.as_str(),
            target.cluster.as_str(),
            target.server.as_str()
        ),
        ("dev", "dev-cluster", "https://dev.example:6443")
    );
    assert_eq!(
        (target.user.as_str(), target.namespace.as_str()),
        ("dev-admin", "apps")
    );
    let file = config.display().to_string();
    assert_eq!(
        target.source,
        Source {
            from: Origin::Home,
            kubeconfig: vec![file.clone()],
            missing: vec![],
            context: ContextSource {
                from: ContextFrom::CurrentContext,
                set_in: Some(file.clone()),
                defined_in: Some(file.clone()),
            },
            cluster: Defined {
                defined_in: Some(file.clone())
            },
            user: Defined {
                defined_in: Some(file.clone())
            },
            namespace: NamespaceSource {
                from: NamespaceFrom::Context
            },
            serviceaccount: None,
        }
    );
}

#[test]
fn kubeconfig_list_merges_first_wins() {
    let fx = Fixture::new();
    let a = fx.file("a.yaml", A);
    let b = fx.file("b.yaml", B);
    let missing = fx.dir.path().join("missing.yaml");
    let env = fx.kubeconfig_env(&[&missing, &b, &a]);

    // B comes first: its current-context and its "dev" and "shared" win.
    let target = resolve_in(&env, None, None).expect("resolves");
    assert_eq!(target.context, "prod");
    assert_eq!(target.source.from, Origin::Env);
    assert_eq!(target.source.missing, vec![missing.display().to_string()]);
    assert_eq!(target.source.kubeconfig.len(), 2);

    let dev = resolve_in(&env, None, Some("dev")).expect("resolves");
    assert_eq!(
        (dev.cluster.as_str(), dev.namespace.as_str()),
        ("prod-cluster", "shadowed")
    );
    assert_eq!(dev.source.context.from, ContextFrom::Flag);
    assert_eq!(dev.source.context.set_in, None);

    let shared = resolve_in(&env, None, Some("shared")).expect("resolves");
    // The context comes from A, its cluster from B (first to define "shared").
    assert_eq!(shared.server, "https://from-b.example");
    assert_eq!(shared.source.context.defined_in, Some(a.display().to_string()));
    assert_eq!(shared.source.cluster.defined_in, Some(b.display().to_string()));
    assert_eq!(shared.namespace, "default");
    assert_eq!(shared.source.namespace.from, NamespaceFrom::Default);
}

#[test]
fn explicit_kubeconfig_beats_the_list_and_must_exist() {
    let fx = Fixture::new();
    let a = fx.file("a.yaml", A);
    let b = fx.file("b.yaml", B);
    let env = fx.kubeconfig_env(&[&b]);
    let target = resolve_in(&env, Some(&a), None).expect("resolves");
    assert_eq!(
        (target.context.as_str(), target.source.from),
        ("dev", Origin::Flag)
    );

    let gone = fx.dir.path().join("gone.yaml");
    let err = resolve_in(&env, Some(&gone), None).expect_err("missing --kubeconfig");
    assert!(
        err.message().contains("given with --kubeconfig does not exist"),
        "{}",
        err.message()
    );
}

#[test]
fn current_context_is_the_first_non_empty() {
    let fx = Fixture::new();
    let empty = fx.file("empty.yaml", "current-context: ''\n");
    let b = fx.file("b.yaml", B);
    let target = resolve_in(&fx.kubeconfig_env(&[&empty, &b]), None, None).expect("resolves");
    assert_eq!(target.context, "prod");
    assert_eq!(target.source.context.set_in, Some(b.display().to_string()));
}

#[test]
fn unknown_context_suggests_the_nearest() {
    let fx = Fixture::new();
    let b = fx.file("b.yaml", B);
    let err = resolve_in(&fx.kubeconfig_env(&[&b]), None, Some("prd")).expect_err("unknown");
    assert!(
        err.message().contains("context \"prd\" not found"),
        "{}",
        err.message()
    );
    assert!(err.message().contains("\"prod\", \"dev\""), "{}", err.message());
    assert_eq!(err.hint(), Some("did you mean \"prod\"? (--context prod)"));
}

#[test]
fn missing_cluster_or_user_is_an_error() {
    let fx = Fixture::new();
    let yaml = "\
clusters:
- name: c
  cluster: {server: 'https://c'}
- name: noserver
  cluster: {insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: t}
contexts:
- {name: no-cluster, context: {cluster: gone, user: u}}
- {name: no-user, context: {cluster: c, user: gone}}
- {name: no-server, context: {cluster: noserver}}
- {name: anonymous, context: {cluster: c}}
";
    let file = fx.file("k.yaml", yaml);
    let env = fx.kubeconfig_env(&[&file]);
    let err = resolve_in(&env, None, Some("no-cluster")).expect_err("no cluster");
    assert!(
        err.message()
            .contains("uses cluster \"gone\", which no kubeconfig defines")
    );
    assert_eq!(err.hint(), Some("clusters defined: \"c\", \"noserver\""));
    let err = resolve_in(&env, None, Some("no-user")).expect_err("no user");
    assert!(err.message().contains("uses user \"gone\""), "{}", err.message());
    let err = resolve_in(&env, None, Some("no-server")).expect_err("no server");
    assert!(
        err.message().contains("cluster \"noserver\""),
        "{}",
        err.message()
    );
    assert!(err.message().ends_with("has no server"), "{}", err.message());

    let anonymous = resolve_in(&env, None, Some("anonymous")).expect("a context needs no user");
    assert_eq!(anonymous.user, "");
    assert_eq!(anonymous.source.user.defined_in, None);
}

#[test]
fn no_context_selected_lists_contexts() {
    let fx = Fixture::new();
    let file = fx.file("k.yaml", &A.replace("current-context: dev\n", ""));
    let err = resolve_in(&fx.kubeconfig_env(&[&file]), None, None).expect_err("none selected");
    assert!(
        err.message().contains("contexts: \"dev\", \"shared\""),
        "{}",
        err.message()
    );
}

#[test]
fn nothing_at_all_says_where_it_looked() {
    let fx = Fixture::new();
    let err = resolve_in(&fx.env(), None, None).expect_err("nothing");
    let home_config = fx.dir.path().join("home/.kube/config");
    assert_eq!(
        err.message(),
        format!(
            "no kubeconfig found: KUBECONFIG is not set, {} does not exist, and istioup is not running in \
             a cluster (KUBERNETES_SERVICE_HOST is not set)",
            home_config.display()
        )
    );
    assert!(err.hint().is_some_and(|h| h.contains("--kubeconfig")));

    let env = Environment {
        kubeconfig: Some(":".into()),
        ..fx.env()
    };
    let err = resolve_in(&env, None, None).expect_err("nothing");
    assert!(
        err.message().contains("KUBECONFIG lists no files"),
        "{}",
        err.message()
    );
}

#[test]
fn in_cluster_when_no_kubeconfig_selects_a_context() {
    let fx = Fixture::new();
    let sa = fx.file("sa/token", "pod-token");
    let sa = sa.parent().expect("dir").to_path_buf();
    fx.file("sa/namespace", "istio-system\n");
    let env = Environment {
        service_host: Some("10.96.0.1".into()),
        service_port: Some("443".into()),
        serviceaccount_dir: sa.clone(),
        ..fx.env()
    };
    let target = resolve_in(&env, None, None).expect("in-cluster");
    assert_eq!(target.server, "https://10.96.0.1:443");
    assert_eq!(target.namespace, "istio-system");
    assert_eq!(target.source.from, Origin::InCluster);
    assert_eq!(target.source.namespace.from, NamespaceFrom::ServiceAccount);
    assert_eq!(target.source.serviceaccount, Some(sa.display().to_string()));

    let env = Environment {
        service_host: Some("fd00::1".into()),
        pod_namespace: Some("mine".into()),
        ..env
    };
    let target = resolve_in(&env, None, None).expect("in-cluster");
    assert_eq!(target.server, "https://[fd00::1]:443");
    assert_eq!(
        (target.namespace.as_str(), target.source.namespace.from),
        ("mine", NamespaceFrom::PodNamespace)
    );

    // A kubeconfig that selects a context wins over the pod; --context never falls back.
    fx.file("home/.kube/config", A);
    assert_eq!(resolve_in(&env, None, None).expect("kubeconfig").context, "dev");
    assert!(resolve_in(&env, None, Some("nope")).is_err());
}

#[test]
fn no_token_no_in_cluster() {
    let fx = Fixture::new();
    let env = Environment {
        service_host: Some("10.96.0.1".into()),
        service_port: Some("443".into()),
        ..fx.env()
    };
    let err = resolve_in(&env, None, None).expect_err("no token");
    assert!(
        err.message().contains("there is no service account token at"),
        "{}",
        err.message()
    );
}

#[test]
fn debug_and_json_never_show_credentials() {
    let fx = Fixture::new();
    let a = fx.file("a.yaml", A);
    let b = fx.file("b.yaml", B);
    let env = fx.kubeconfig_env(&[&a, &b]);
    for context in ["dev", "prod"] {
        let target = resolve_in(&env, None, Some(context)).expect("resolves");
        let debug = format!("{target:?}");
        let json = serde_json::to_string(&target).expect("json");
        for text in [debug, json] {
            assert!(
                !text.contains("secret-token-a") && !text.contains("c2VjcmV0"),
                "{text}"
            );
        }
    }
}

#[test]
fn istioctl_gets_a_private_copy_minified_to_the_target() {
    let fx = Fixture::new();
    let a = fx.file("a.yaml", A);
    let b = fx.file("b.yaml", B);

    // Even one file goes as a copy: it may hold other contexts' credentials.
    let single = resolve_in(&fx.kubeconfig_env(&[&a]), None, Some("shared")).expect("resolves");
    let handoff = single.kubeconfig_for_istioctl().expect("handoff");
    assert_ne!(handoff.path(), a.as_path());
    assert_eq!(handoff.context(), "shared");
    assert!(handoff.is_temporary());
    let text = fs::read_to_string(handoff.path()).expect("readable");
    let written = kubeconfig::parse(handoff.path(), &text).expect("parses back");
    assert_eq!(written.contexts.len(), 1);

    let merged = resolve_in(&fx.kubeconfig_env(&[&b, &a]), None, Some("shared")).expect("resolves");
    let handoff = merged.kubeconfig_for_istioctl().expect("handoff");
    assert!(handoff.is_temporary());
    let path = handoff.path().to_path_buf();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).expect("written").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = fs::read_to_string(&path).expect("readable");
    let written = kubeconfig::parse(&path, &text).expect("parses back");
    assert_eq!(written.current_context.as_deref(), Some("shared"));
    assert_eq!(written.contexts.len(), 1);
    assert_eq!(written.clusters.len(), 1);
    assert_eq!(
        written.clusters[0]
            .cluster
            .as_ref()
            .and_then(|c| c.server.as_deref()),
        Some("https://from-b.example")
    );
    assert_eq!(written.auth_infos.len(), 1);
    assert_eq!(written.auth_infos[0].name, "dev-admin");
    // client-go (here kubectl; istioctl shares its loader) reads the file as written.
    if let Ok(out) = std::process::Command::new("kubectl")
        .env_clear()
        .env("HOME", fx.dir.path())
        .args(["config", "view", "--minify", "-o", "json", "--kubeconfig"])
        .arg(&path)
        .output()
    {
        let view: serde_json::Value = serde_json::from_slice(&out.stdout).expect("kubectl JSON");
        assert_eq!(view["current-context"], "shared");
        assert_eq!(view["clusters"][0]["cluster"]["server"], "https://from-b.example");
        assert_eq!(view["contexts"][0]["context"]["user"], "dev-admin");
    }
    let args = handoff.args();
    assert_eq!(args[0], "--kubeconfig");
    assert_eq!(args[3], "shared");
    drop(handoff);
    assert!(!path.exists(), "the temporary kubeconfig is removed");

    // Relative references were made absolute, so the file works from anywhere.
    let dev = resolve_in(&fx.kubeconfig_env(&[&a, &b]), None, Some("dev")).expect("resolves");
    let handoff = dev.kubeconfig_for_istioctl().expect("handoff");
    let text = fs::read_to_string(handoff.path()).expect("readable");
    let ca = fx.dir.path().join("ca.crt").display().to_string();
    assert!(
        text.contains(&serde_json::to_string(&ca).expect("json")),
        "{text}"
    );
}

#[test]
fn in_cluster_handoff_and_client() {
    let fx = Fixture::new();
    let sa = fx.file("sa/token", "pod-token");
    let sa = sa.parent().expect("dir").to_path_buf();
    let env = Environment {
        service_host: Some("10.96.0.1".into()),
        service_port: Some("6443".into()),
        serviceaccount_dir: sa.clone(),
        ..fx.env()
    };
    let target = resolve_in(&env, None, None).expect("in-cluster");
    let handoff = target.kubeconfig_for_istioctl().expect("handoff");
    assert!(handoff.is_temporary());
    assert_eq!(handoff.context(), "in-cluster");
    let text = fs::read_to_string(handoff.path()).expect("readable");
    assert!(text.contains(&sa.join("token").display().to_string()), "{text}");
    assert!(!text.contains("pod-token"), "the token stays in its file: {text}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(target.client())
        .map_err(|e| e.render())
        .expect("a client needs no network");
    assert_eq!(client.default_namespace(), "default");
}

#[test]
fn client_for_a_kubeconfig_target() {
    let fx = Fixture::new();
    let a = fx.file("a.yaml", &A.replace(", certificate-authority: ca.crt", ""));
    let target = resolve_in(&fx.kubeconfig_env(&[&a]), None, None).expect("resolves");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime
        .block_on(target.client())
        .map_err(|e| e.render())
        .expect("client");
    assert_eq!(client.default_namespace(), "apps");

    // A CA file that is not there fails when the client is built, naming the context.
    let b = fx.file("b.yaml", A);
    let target = resolve_in(&fx.kubeconfig_env(&[&b]), None, None).expect("resolves");
    let Err(err) = runtime.block_on(target.client()) else {
        panic!("no ca.crt")
    };
    assert!(err.message().contains("context \"dev\""), "{}", err.message());
}

#[test]
fn nearest_names() {
    let names = ["kind-kind", "prod", "staging", "dev"];
    let near = |typed| nearest(typed, names.iter().copied());
    assert_eq!(near("prd"), Some("prod"));
    assert_eq!(near("stagin"), Some("staging"));
    assert_eq!(near("kind"), Some("kind-kind"));
    assert_eq!(near("Dev"), Some("dev"));
    assert_eq!(near("completely-different"), None);
}

//! The istioctl stand-in without a cluster: version, argument errors, prompts, the invocation
//! log, fault switches and `manifest generate` (merge rules, profiles).
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Bin {
    dir: tempfile::TempDir,
    path: PathBuf,
}

fn istioctl() -> Bin {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("istioctl");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubesim"), &path).expect("symlink");
    Bin { dir, path }
}

impl Bin {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.path);
        c.args(args)
            .current_dir(self.dir.path())
            .env_remove("ISTIOCTL_STANDIN_LOG")
            .env_remove("ISTIOCTL_STANDIN_FAIL_AT")
            .env_remove("ISTIOCTL_STANDIN_EXIT")
            .env_remove("ISTIOCTL_STANDIN_HANG")
            .env_remove("ISTIOCTL_STANDIN_SLOW")
            .env_remove("ISTIOCTL_STANDIN_VERSION")
            .env("KUBECONFIG", self.dir.path().join("no-such-kubeconfig"));
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, "")
    }

    fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        run_with(self.cmd(args), stdin)
    }

    fn write(&self, name: &str, content: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("write");
        p.to_string_lossy().into_owned()
    }

    /// A kubeconfig whose server refuses connections.
    fn dead_kubeconfig(&self) -> String {
        self.write(
            "dead.yaml",
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"http://127.0.0.1:1\"}\ncontexts:\n- name: dead\n  context: {cluster: c, user: u}\ncurrent-context: dead\nusers:\n- name: u\n  user: {token: t}\n",
        )
    }
}

fn run_with(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn version_json_and_short() {
    let b = istioctl();
    let o = b.run(&["version", "--remote=false", "-o", "json"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).expect("json");
    let c = &v["clientVersion"];
    assert_eq!(c["version"], "1.28.0");
    assert_eq!(c["tag"], "1.28.0");
    assert_eq!(c["status"], "Clean");
    assert!(c["golang_version"].as_str().unwrap().starts_with("go1.24"));
    assert!(!c["revision"].as_str().unwrap().is_empty());

    for args in [
        &["version", "--remote=false"][..],
        &["version", "--short", "--remote=false"][..],
        &["version", "--remote", "false"][..],
    ] {
        let o = b.run(args);
        if args.len() == 3 && args[2] == "false" {
            // `--remote false`: a bool flag takes no separate value, "false" is an argument.
            assert_eq!(code(&o), 64, "{args:?}");
            continue;
        }
        assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
        assert_eq!(out(&o), "client version: 1.28.0\n");
    }

    let o = b
        .cmd(&["version", "--remote=false"])
        .env("ISTIOCTL_STANDIN_VERSION", "1.26.3")
        .output()
        .unwrap();
    assert_eq!(out(&o), "client version: 1.26.3\n");
}

#[test]
fn unknown_commands_and_flags_exit_64() {
    let b = istioctl();
    let cases: &[(&[&str], &str)] = &[
        (&["foo"], "Error: unknown command \"foo\" for \"istioctl\""),
        (
            &["precheck"],
            "Error: unknown command \"precheck\" for \"istioctl\"",
        ),
        (&["verify-install"], "unknown command \"verify-install\""),
        (&["profile", "dump"], "unknown command \"profile\""),
        (&["operator", "init"], "unknown command \"operator\""),
        (
            &["manifest", "diff", "a", "b"],
            "unknown command \"diff\" for \"istioctl manifest\"",
        ),
        (&["install", "--foo"], "Error: unknown flag: --foo"),
        (&["install", "--foo=bar"], "Error: unknown flag: --foo"),
        (&["x", "precheck", "-z"], "unknown shorthand flag: 'z' in -z"),
        (&["install", "-f"], "flag needs an argument: 'f' in -f"),
        (&["install", "--set"], "flag needs an argument: --set"),
        (
            &["install", "--readiness-timeout", "5x"],
            "invalid argument \"5x\"",
        ),
        (&["install", "-y=maybe"], "invalid argument \"maybe\""),
        (
            &["install", "extra"],
            "unknown command \"extra\" for \"istioctl install\"",
        ),
    ];
    for (args, want) in cases {
        let o = b.run(args);
        assert_eq!(code(&o), 64, "{args:?}: {}", err(&o));
        assert!(err(&o).contains(want), "{args:?}: {}", err(&o));
    }
    // Help exits 0.
    assert_eq!(code(&b.run(&["--help"])), 0);
    assert_eq!(code(&b.run(&[])), 0);
}

#[test]
fn uninstall_needs_a_selector() {
    let b = istioctl();
    let o = b.run(&["uninstall", "-y"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o)
            .contains("Error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set")
    );
}

#[test]
fn prompt_declined_or_eof_cancels() {
    let b = istioctl();
    let kc = b.dead_kubeconfig();
    // istioctl's Confirm (operator/cmd/mesh/shared.go): n/no, an empty line, two words or the
    // end of input are no; another word asks again, and then the end of input is no.
    for stdin in ["", "\n", "n\n", "NO\n", "y please\n", "maybe\n"] {
        let o = b.run_stdin(&["install", "-c", &kc], stdin);
        assert_eq!(code(&o), 1, "stdin {stdin:?}: {}", err(&o));
        assert!(
            out(&o).contains(
                "This will install the Istio 1.28.0 profile \"default\" into the cluster. Proceed? (y/N)"
            ),
            "{}",
            out(&o)
        );
        assert!(out(&o).contains("Cancelled."), "{}", out(&o));
    }
    // The profile named is the chosen one.
    let o = b.run_stdin(&["install", "-c", &kc, "--set", "profile=demo"], "");
    assert!(out(&o).contains("profile \"demo\""), "{}", out(&o));
    // "y" proceeds (and then fails to reach the dead server), after a word that is neither.
    let o = b.run_stdin(&["install", "-c", &kc], "maybe\nYes\n");
    assert_eq!(code(&o), 1);
    assert!(!out(&o).contains("Cancelled."));
    assert_eq!(out(&o).matches("Proceed? (y/N)").count(), 2, "{}", out(&o));
    assert!(err(&o).contains("Error: "), "{}", err(&o));
}

#[test]
fn unknown_context_fails() {
    let b = istioctl();
    let kc = b.dead_kubeconfig();
    let o = b.run(&["install", "-y", "-c", &kc, "--context", "foo"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("Error: context \"foo\" does not exist"),
        "{}",
        err(&o)
    );
    let o = b.run(&["uninstall", "--purge", "-y", "--kubeconfig", &kc, "--context=foo"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("context \"foo\" does not exist"), "{}", err(&o));
}

#[test]
fn invocation_log_records_argv_files_and_stdin() {
    let b = istioctl();
    let log = b.dir.path().join("calls.jsonl");
    let f1 = b.write(
        "a.yaml",
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n",
    );
    let stdin_iop = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {profile: minimal}\n";
    let mut c = b.cmd(&["manifest", "generate", "-f", &format!("{f1},-")]);
    c.env("ISTIOCTL_STANDIN_LOG", &log)
        .env("KUBECONFIG", "/some/kubeconfig");
    let o = run_with(c, stdin_iop);
    assert_eq!(code(&o), 0, "{}", err(&o));
    // The stdin file was used: minimal has no ingress gateway.
    assert!(!out(&o).contains("kind: Deployment\nmetadata:\n  name: istio-ingressgateway"));
    assert!(out(&o).contains("name: istiod\n"));
    let mut c = b.cmd(&["foo", "--bar"]);
    c.env("ISTIOCTL_STANDIN_LOG", &log);
    let o = run_with(c, "");
    assert_eq!(code(&o), 64);

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["argv"],
        serde_json::json!(["manifest", "generate", "-f", format!("{f1},-")])
    );
    assert_eq!(lines[0]["stdin"], stdin_iop);
    assert_eq!(
        lines[0]["files"][&f1],
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"
    );
    assert_eq!(lines[0]["env_kubeconfig"], "/some/kubeconfig");
    assert_eq!(lines[1]["argv"], serde_json::json!(["foo", "--bar"]));
    assert_eq!(lines[1]["stdin"], Value::Null);
}

#[test]
fn exit_and_hang_switches() {
    let b = istioctl();
    let o = b
        .cmd(&["version", "--remote=false"])
        .env("ISTIOCTL_STANDIN_EXIT", "3")
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);

    let log = b.dir.path().join("hang.jsonl");
    let mut child = b
        .cmd(&["install", "-y"])
        .env("ISTIOCTL_STANDIN_HANG", "1")
        .env("ISTIOCTL_STANDIN_LOG", &log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert!(child.try_wait().unwrap().is_none(), "should still be running");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(std::fs::read_to_string(&log).unwrap().contains("\"install\""));
}

// ---- manifest generate: merge rules and what an install contains ----

fn generate(b: &Bin, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["manifest", "generate"];
    all.extend_from_slice(args);
    let o = b.run(&all);
    assert_eq!(code(&o), 0, "{args:?}: {}", err(&o));
    let text = out(&o);
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("yaml");
    docs.into_iter().filter(|d| !d.is_null()).collect()
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
}

fn names(docs: &[Value], kind: &str) -> Vec<String> {
    docs.iter()
        .filter(|d| d["kind"] == kind)
        .map(|d| d["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

fn iop(spec: &str) -> String {
    format!("apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n{spec}")
}

#[test]
fn generate_default_profile() {
    let b = istioctl();
    let docs = generate(&b, &[]);
    let istiod = find(&docs, "Deployment", "istiod").expect("istiod");
    assert_eq!(istiod["metadata"]["namespace"], "istio-system");
    assert_eq!(istiod["metadata"]["labels"]["app"], "istiod");
    assert_eq!(istiod["metadata"]["labels"]["istio"], "pilot");
    assert_eq!(
        istiod["metadata"]["labels"]["operator.istio.io/component"],
        "Pilot"
    );
    assert_eq!(istiod["metadata"]["labels"]["istio.io/rev"], "default");
    // Autoscaled by the chart's HPA (1..5), so the Deployment carries no replicas.
    assert!(istiod["spec"].get("replicas").is_none());
    let hpa = find(&docs, "HorizontalPodAutoscaler", "istiod").expect("istiod hpa");
    assert_eq!(hpa["spec"]["minReplicas"], 1);
    assert_eq!(hpa["spec"]["maxReplicas"], 5);
    let c = &istiod["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "docker.io/istio/pilot:1.28.0");
    assert_eq!(c["resources"]["requests"]["cpu"], "500m");
    assert_eq!(c["resources"]["requests"]["memory"], "2048Mi");
    assert!(c["resources"].get("limits").is_none());

    let gw = find(&docs, "Deployment", "istio-ingressgateway").expect("ingress");
    assert_eq!(gw["metadata"]["labels"]["istio"], "ingressgateway");
    assert_eq!(
        gw["metadata"]["labels"]["operator.istio.io/component"],
        "IngressGateways"
    );
    let gc = &gw["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(gc["image"], "docker.io/istio/proxyv2:1.28.0");
    assert_eq!(gc["resources"]["limits"]["cpu"], "2000m");
    let svc = find(&docs, "Service", "istio-ingressgateway").expect("svc");
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    let ports: Vec<(u64, u64)> = svc["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["port"].as_u64().unwrap(), p["targetPort"].as_u64().unwrap()))
        .collect();
    assert_eq!(ports, vec![(15021, 15021), (80, 8080), (443, 8443)]);
    assert!(find(&docs, "Deployment", "istio-egressgateway").is_none());

    let crds = names(&docs, "CustomResourceDefinition");
    for want in [
        "virtualservices.networking.istio.io",
        "destinationrules.networking.istio.io",
        "gateways.networking.istio.io",
        "serviceentries.networking.istio.io",
        "sidecars.networking.istio.io",
        "workloadentries.networking.istio.io",
        "workloadgroups.networking.istio.io",
        "envoyfilters.networking.istio.io",
        "peerauthentications.security.istio.io",
        "requestauthentications.security.istio.io",
        "authorizationpolicies.security.istio.io",
        "telemetries.telemetry.istio.io",
        "wasmplugins.extensions.istio.io",
    ] {
        assert!(crds.contains(&want.to_string()), "missing CRD {want}");
    }
    assert!(find(&docs, "MutatingWebhookConfiguration", "istio-sidecar-injector").is_some());
    // The default validator and the revision tag are made by install after the manifests
    // (operator/pkg/webhook/webhook.go), not by the charts.
    assert!(
        find(
            &docs,
            "ValidatingWebhookConfiguration",
            "istiod-default-validator"
        )
        .is_none()
    );
    assert!(
        find(
            &docs,
            "ValidatingWebhookConfiguration",
            "istio-validator-istio-system"
        )
        .is_some()
    );
    let inj = find(&docs, "ConfigMap", "istio-sidecar-injector").expect("injector cm");
    let values: Value = serde_json::from_str(inj["data"]["values"].as_str().unwrap()).unwrap();
    assert_eq!(values["global"]["proxy"]["resources"]["requests"]["cpu"], "100m");
    assert_eq!(
        values["sidecarInjectorWebhook"]["enableNamespacesByDefault"],
        false
    );
    assert!(find(&docs, "ConfigMap", "istio").is_some());
    // Every object carries the owner namespace label; the owner name only comes from a named
    // IstioOperator (charts default it to "unknown" where they set it).
    assert!(docs.iter().all(|d| {
        d["metadata"]["labels"]["install.operator.istio.io/owning-resource-namespace"] == "istio-system"
    }));
}

#[test]
fn generate_profiles() {
    let b = istioctl();
    let demo = generate(&b, &["--set", "profile=demo"]);
    assert!(find(&demo, "Deployment", "istio-egressgateway").is_some());
    let egress_svc = find(&demo, "Service", "istio-egressgateway").unwrap();
    assert_eq!(egress_svc["spec"]["type"], "ClusterIP");
    let istiod = find(&demo, "Deployment", "istiod").unwrap();
    assert_eq!(
        istiod["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "10m"
    );
    let minimal = generate(&b, &["--set", "profile=minimal"]);
    assert!(find(&minimal, "Deployment", "istiod").is_some());
    assert!(find(&minimal, "Deployment", "istio-ingressgateway").is_none());
    let empty = generate(&b, &["--set", "profile=empty"]);
    assert!(empty.is_empty(), "{empty:?}");
    let ambient = generate(&b, &["--set", "profile=ambient"]);
    assert!(find(&ambient, "DaemonSet", "istio-cni-node").is_some());
    assert!(find(&ambient, "DaemonSet", "ztunnel").is_some());
    assert!(find(&ambient, "Deployment", "istio-ingressgateway").is_none());

    let o = b.run(&["manifest", "generate", "--set", "profile=nope"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("profile \"nope\""), "{}", err(&o));
}

#[test]
fn generate_lists_are_replaced_and_gateways_default_enabled() {
    let b = istioctl();
    let f = b.write(
        "gw.yaml",
        &iop("  components:\n    ingressGateways:\n    - name: my-gateway\n      k8s:\n        service:\n          type: NodePort\n          ports:\n          - {name: http2, port: 80, targetPort: 8080, nodePort: 31380}\n"),
    );
    let docs = generate(&b, &["-f", &f]);
    // The profile's istio-ingressgateway is gone: the list was replaced.
    assert!(find(&docs, "Deployment", "istio-ingressgateway").is_none());
    let d = find(&docs, "Deployment", "my-gateway").expect("my-gateway, enabled by default");
    // The chart's `app` label is not the gateway name (gateways/istio-ingress templates).
    assert_eq!(d["metadata"]["labels"]["app"], "istio-ingressgateway");
    assert_eq!(d["metadata"]["labels"]["istio"], "ingressgateway");
    let svc = find(&docs, "Service", "my-gateway").unwrap();
    assert_eq!(svc["spec"]["type"], "NodePort");
    assert_eq!(svc["spec"]["ports"].as_array().unwrap().len(), 1);
    assert_eq!(svc["spec"]["ports"][0]["nodePort"], 31380);
}

#[test]
fn generate_files_left_to_right_then_set() {
    let b = istioctl();
    let f1 = b.write(
        "one.yaml",
        &iop("  components:\n    pilot:\n      k8s:\n        replicaCount: 2\n        resources:\n          requests: {cpu: 250m}\n        nodeSelector: {kubernetes.io/os: linux}\n"),
    );
    let f2 = b.write(
        "two.yaml",
        &iop("  components:\n    pilot:\n      k8s:\n        replicaCount: 3\n        tolerations:\n        - {key: dedicated, operator: Exists}\n"),
    );
    let docs = generate(&b, &["-f", &f1, "-f", &f2]);
    let istiod = find(&docs, "Deployment", "istiod").unwrap();
    assert_eq!(istiod["spec"]["replicas"], 3);
    let pod = &istiod["spec"]["template"]["spec"];
    assert_eq!(pod["nodeSelector"]["kubernetes.io/os"], "linux");
    assert_eq!(pod["tolerations"][0]["key"], "dedicated");
    // k8s.resources merges over the chart default (memory stays 2048Mi).
    assert_eq!(pod["containers"][0]["resources"]["requests"]["cpu"], "250m");
    assert_eq!(pod["containers"][0]["resources"]["requests"]["memory"], "2048Mi");

    let docs = generate(
        &b,
        &[
            "-f",
            &format!("{f1},{f2}"),
            "--set",
            "components.pilot.k8s.replicaCount=5",
            "-s",
            "values.global.proxy.resources.requests.cpu=10m",
            "--set",
            "components.ingressGateways[0].enabled=false",
        ],
    );
    let istiod = find(&docs, "Deployment", "istiod").unwrap();
    assert_eq!(istiod["spec"]["replicas"], 5);
    assert!(find(&docs, "Deployment", "istio-ingressgateway").is_none());
    let inj = find(&docs, "ConfigMap", "istio-sidecar-injector").unwrap();
    let values: Value = serde_json::from_str(inj["data"]["values"].as_str().unwrap()).unwrap();
    assert_eq!(values["global"]["proxy"]["resources"]["requests"]["cpu"], "10m");
    assert_eq!(values["global"]["proxy"]["resources"]["limits"]["cpu"], "2000m");

    // values.pilot.resources applies.
    let f3 = b.write(
        "three.yaml",
        &iop("  components:\n    pilot:\n      k8s:\n        hpaSpec: {minReplicas: 2}\n  values:\n    pilot:\n      resources:\n        requests: {cpu: 750m, memory: 1Gi}\n"),
    );
    let docs = generate(&b, &["-f", &f3]);
    let istiod = find(&docs, "Deployment", "istiod").unwrap();
    // hpaSpec patches the HPA only (operator/pkg/render/postprocess.go).
    assert!(istiod["spec"].get("replicas").is_none());
    let hpa = find(&docs, "HorizontalPodAutoscaler", "istiod").unwrap();
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(
        istiod["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"],
        "1Gi"
    );
}

#[test]
fn generate_revision_and_namespace() {
    let b = istioctl();
    let docs = generate(
        &b,
        &["-r", "canary", "--set", "values.global.istioNamespace=mesh"],
    );
    let d = find(&docs, "Deployment", "istiod-canary").expect("istiod-canary");
    assert_eq!(d["metadata"]["namespace"], "mesh");
    assert_eq!(d["metadata"]["labels"]["istio.io/rev"], "canary");
    assert!(
        find(
            &docs,
            "MutatingWebhookConfiguration",
            "istio-sidecar-injector-canary-mesh"
        )
        .is_some()
    );
    assert!(
        find(
            &docs,
            "ValidatingWebhookConfiguration",
            "istio-validator-canary-mesh"
        )
        .is_some()
    );
    assert!(
        find(
            &docs,
            "ValidatingWebhookConfiguration",
            "istiod-default-validator"
        )
        .is_none()
    );
    let o = b.run(&["manifest", "generate", "-r", "Bad_Rev"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn validation_errors_exit_1() {
    let b = istioctl();
    let cases = [
        (iop("  foo: bar\n"), "unknown field \"foo\" in"),
        (
            iop("  components:\n    pilot:\n      k8s:\n        replicas: 2\n"),
            "unknown field \"replicas\" in",
        ),
        (
            iop("  components:\n    bogus: {enabled: true}\n"),
            "unknown field \"bogus\" in",
        ),
        (
            iop("  values:\n    grafana: {enabled: true}\n"),
            "unknown field \"grafana\" in",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".to_string(),
            "expected IstioOperator",
        ),
        (
            format!("{}---\n{}", iop("  profile: demo\n"), iop("  profile: minimal\n")),
            "only one per file",
        ),
    ];
    // install loads the kubeconfig (istioctl builds its client first) but validates before
    // it contacts the cluster: an unreachable one is enough.
    let kc = b.write(
        "unreachable-kubeconfig",
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n",
    );
    for (i, (text, want)) in cases.iter().enumerate() {
        let f = b.write(&format!("bad{i}.yaml"), text);
        for cmd in [
            &["manifest", "generate"][..],
            &["--kubeconfig", &kc, "install", "-y"][..],
        ] {
            let mut args = cmd.to_vec();
            args.extend(["-f", &f]);
            let o = b.run(&args);
            assert_eq!(code(&o), 1, "{text}: {}", err(&o));
            // install prints the logo first (operator/cmd/mesh/install.go).
            let last = err(&o).lines().last().unwrap_or("").to_string();
            assert!(last.starts_with("Error: "), "{}", err(&o));
            assert!(err(&o).contains(want), "{text}: {}", err(&o));
        }
    }
    let o = b.run(&["manifest", "generate", "-f", "/nonexistent/file.yaml"]);
    assert_eq!(code(&o), 1);
    let o = b.run(&["manifest", "generate", "--set", "novalue"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn arbitrary_input_never_panics() {
    let b = istioctl();
    let f = b.write("garbage.yaml", "\u{0}\u{1}: [unclosed\n  - {");
    for args in [
        &["manifest", "generate", "-f", &f][..],
        &["manifest", "generate", "--set", "a[[[]=1"][..],
        &["manifest", "generate", "--set", "components.ingressGateways=3"][..],
        &[
            "manifest",
            "generate",
            "--set",
            "components.pilot.k8s.replicaCount=-1",
        ][..],
        &["manifest", "generate", "--set", "values=5"][..],
        &["install", "--readiness-timeout=99999999999h"][..],
        &["-", "--", "-x"][..],
        &["x"][..],
        &["manifest"][..],
    ] {
        let o = b.run(args);
        assert!(!err(&o).contains("panicked"), "{args:?}: {}", err(&o));
        assert!(code(&o) >= 0);
    }
}

//! The istioctl stand-in's revision tags and side-by-side revisions against kubesim, each rule
//! from Istio 1.30.3's source (cited per test): istioctl/pkg/tag/{tag,generate,util}.go,
//! operator/pkg/webhook/webhook.go, operator/pkg/uninstall/prune.go and the istio-discovery
//! chart's revision-tags-mwc.yaml / revision-tags-svc.yaml.
mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::kubectl::{Kubectl, kubectl};
use kubesim::Sim;
use serde_json::{Value, json};

const NODES: &str = "
nodes:
- name: node-1
  capacity: {cpu: '16', memory: 64Gi}
- name: node-2
  capacity: {cpu: '16', memory: 64Gi}
namespaces:
- name: apps
";

const MWC: &str = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
const VWC: &str = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
const DEPLOY: &str = "/apis/apps/v1/namespaces/istio-system/deployments";
const SVC: &str = "/api/v1/namespaces/istio-system/services";
const CM: &str = "/api/v1/namespaces/istio-system/configmaps";

struct Env {
    dir: tempfile::TempDir,
    bin: PathBuf,
    sim: Sim,
}

fn env() -> Env {
    let sim = Sim::builder()
        .cluster_yaml(NODES)
        .ready_delay(Duration::from_millis(50))
        .start()
        .expect("sim starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("istioctl");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kubesim"), &bin).expect("symlink");
    Env { dir, bin, sim }
}

impl Env {
    fn cmd(&self, version: &str, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--kubeconfig")
            .arg(self.sim.kubeconfig())
            .args(args)
            .current_dir(self.dir.path())
            .env("ISTIOCTL_STANDIN_POLL", "50ms")
            .env("ISTIOCTL_STANDIN_VERSION", version)
            .env_remove("ISTIOCTL_STANDIN_FAIL_AT")
            .env_remove("ISTIOCTL_STANDIN_HANG")
            .env_remove("ISTIOCTL_STANDIN_EXIT")
            .env_remove("ISTIOCTL_STANDIN_SLOW")
            .env_remove("ISTIOCTL_STANDIN_LOG")
            .stdin(Stdio::null());
        c
    }

    /// istioctl (version 1.30.3) with `args`.
    fn run(&self, args: &[&str]) -> Output {
        self.run_v("1.30.3", args)
    }

    fn run_v(&self, version: &str, args: &[&str]) -> Output {
        self.cmd(version, args).output().expect("run istioctl")
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .cmd("1.30.3", args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
        child.wait_with_output().expect("wait")
    }

    fn ok(&self, version: &str, args: &[&str]) -> String {
        let o = self.run_v(version, args);
        assert_eq!(code(&o), 0, "istioctl {args:?}: {}{}", out(&o), err(&o));
        out(&o)
    }

    fn get(&self, path: &str) -> Option<Value> {
        self.sim.get(path)
    }

    fn must(&self, path: &str) -> Value {
        self.get(path).unwrap_or_else(|| panic!("{path} missing"))
    }

    fn names(&self, path: &str) -> Vec<String> {
        self.sim
            .list(path)
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_string))
            .collect()
    }

    /// Default control plane by istioctl 1.28.0, then revision 1-30-3 by istioctl 1.30.3.
    fn two_revisions(&self) {
        self.ok("1.28.0", &["install", "-y", "--set", "profile=minimal"]);
        self.ok(
            "1.30.3",
            &[
                "install",
                "-y",
                "--set",
                "profile=minimal",
                "--revision",
                "1-30-3",
            ],
        );
    }
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

fn label<'a>(o: &'a Value, k: &str) -> Option<&'a str> {
    o["metadata"]["labels"][k].as_str()
}

fn hook_names(o: &Value) -> Vec<String> {
    o["webhooks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["name"].as_str().map(str::to_string))
        .collect()
}

/// istioctl/pkg/tag/tag.go (setTag, tagCreatedStr), generate.go (Generate,
/// generateMutatingWebhook, generateTagService, generateLabels with UserManaged: labels
/// containing `operator.istio.io` dropped), revision-tags-mwc.yaml (a tag other than
/// `default` has only the `rev.namespace.`/`rev.object.` webhooks, selecting `istio.io/rev=TAG`),
/// revision-tags-svc.yaml (`istiod-revision-tag-TAG`, 1.25+).
#[test]
fn tag_set_creates_the_webhook_and_service_real_istioctl_renders() {
    let e = env();
    e.two_revisions();
    let stdout = e.ok("1.30.3", &["tag", "set", "prod", "--revision", "1-30-3"]);
    assert_eq!(
        stdout,
        "Revision tag \"prod\" created, referencing control plane revision \"1-30-3\". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=prod'\n"
    );
    let wh = e.must(&format!("{MWC}/istio-revision-tag-prod"));
    assert_eq!(label(&wh, "istio.io/tag"), Some("prod"));
    assert_eq!(label(&wh, "istio.io/rev"), Some("1-30-3"));
    assert_eq!(label(&wh, "app"), Some("sidecar-injector"));
    let keys: Vec<&String> = wh["metadata"]["labels"].as_object().unwrap().keys().collect();
    assert!(keys.iter().all(|k| !k.contains("operator.istio.io")), "{keys:?}");
    assert_eq!(
        hook_names(&wh),
        [
            "rev.namespace.sidecar-injector.istio.io",
            "rev.object.sidecar-injector.istio.io"
        ]
    );
    let hooks = wh["webhooks"].as_array().unwrap();
    assert_eq!(
        hooks[0]["namespaceSelector"]["matchExpressions"][0],
        json!({"key": "istio.io/rev", "operator": "In", "values": ["prod"]})
    );
    assert_eq!(
        hooks[1]["objectSelector"]["matchExpressions"][1],
        json!({"key": "istio.io/rev", "operator": "In", "values": ["prod"]})
    );
    for h in hooks {
        assert_eq!(h["clientConfig"]["service"]["name"], "istiod-1-30-3");
        assert_eq!(h["clientConfig"]["service"]["namespace"], "istio-system");
        assert_eq!(h["clientConfig"]["service"]["path"], "/inject");
    }
    let svc = e.must(&format!("{SVC}/istiod-revision-tag-prod"));
    assert_eq!(label(&svc, "istio.io/tag"), Some("prod"));
    assert_eq!(label(&svc, "istio.io/rev"), Some("1-30-3"));
    assert_eq!(svc["spec"]["selector"]["istio.io/rev"], "1-30-3");
    // Not the default tag: the validator and the default injector are untouched.
    assert_eq!(
        label(
            &e.must(&format!("{VWC}/istiod-default-validator")),
            "istio.io/rev"
        ),
        Some("default")
    );
}

/// generate.go: checkTagNameCollidesWithRevisionName, checkControlPlaneExistenceOrDuplicate,
/// checkTagDuplicate; tag.go: the Args validators and the required `--revision`;
/// istioctl/cmd/sysexits.go: those errors exit 1 (only flag errors and "unknown command" 64).
#[test]
fn tag_set_errors_are_real_istioctls() {
    let e = env();
    e.two_revisions();
    let fails = |args: &[&str], msg: &str| {
        let o = e.run(args);
        assert_eq!(code(&o), 1, "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains(&format!("Error: {msg}")),
            "{args:?}: {}",
            err(&o)
        );
    };
    fails(
        &["tag", "set", "prod", "-r", "nope"],
        "cannot modify tag: cannot find MutatingWebhookConfiguration or Service with revision \"nope\"",
    );
    fails(&["tag", "set", "prod"], "required flag(s) \"revision\" not set");
    fails(
        &["tag", "set", "-r", "default"],
        "must provide a tag for modification",
    );
    fails(
        &["tag", "set", "a", "b", "-r", "default"],
        "must provide a single tag for creation",
    );
    fails(
        &["tag", "set", "1-30-3", "-r", "default"],
        "cannot create revision tag \"1-30-3\": found existing control plane revision with same name",
    );
    fails(
        &["tag", "set", "default", "-r", "1-30-3"],
        "revision tag \"default\" already exists, and --overwrite is false",
    );
    fails(&["tag", "frob"], "unknown subcommand \"frob\"");
    let o = e.run(&["tag", "set", "prod", "-r", "default", "--bogus"]);
    assert_eq!(code(&o), 64, "{}", err(&o));
    e.ok("1.30.3", &["tag", "set", "prod", "-r", "default"]);
    fails(
        &["tag", "set", "prod", "-r", "1-30-3"],
        "revision tag \"prod\" already exists, and --overwrite is false",
    );
    e.ok("1.30.3", &["tag", "set", "prod", "-r", "1-30-3", "--overwrite"]);
    let wh = e.must(&format!("{MWC}/istio-revision-tag-prod"));
    assert_eq!(label(&wh, "istio.io/rev"), Some("1-30-3"));
    assert_eq!(
        wh["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-1-30-3"
    );
}

/// tag.go: listTags (webhooks and 1.25+ Services with `istio.io/rev`; a revision's untagged
/// row dropped once it has a tag; sorted by revision then tag; tabwriter padding 1; JSON
/// `MarshalIndent` with tabs, fields tag/revision/namespaces) and removeTag (the `[y/N]`
/// confirmation while namespaces use the tag — "Aborting operation." on no — then the
/// webhooks and Services with `istio.io/tag=TAG` deleted); util.go: GetNamespacesWithTag.
#[test]
fn tag_list_and_remove_like_real_istioctl() {
    let e = env();
    e.two_revisions();
    assert_eq!(
        e.ok("1.30.3", &["tag", "list"]),
        "TAG     REVISION NAMESPACES\n        1-30-3   \ndefault default  \n"
    );
    e.ok("1.30.3", &["tag", "set", "prod", "-r", "1-30-3"]);
    e.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: {istio.io/rev: prod}\n",
        )
        .expect("label apps");
    assert_eq!(
        e.ok("1.30.3", &["tag", "list"]),
        "TAG     REVISION NAMESPACES\nprod    1-30-3   apps\ndefault default  \n"
    );
    assert_eq!(
        e.ok("1.30.3", &["tag", "list", "-o", "json"]),
        "[\n\t{\n\t\t\"tag\": \"prod\",\n\t\t\"revision\": \"1-30-3\",\n\t\t\"namespaces\": [\n\t\t\t\"apps\"\n\t\t]\n\t},\n\t{\n\t\t\"tag\": \"default\",\n\t\t\"revision\": \"default\",\n\t\t\"namespaces\": []\n\t}\n]\n"
    );
    let o = e.run(&["tag", "list", "-o", "wide"]);
    assert_eq!(
        (code(&o), err(&o).contains("Error: unknown format: wide")),
        (1, true)
    );

    let o = e.run_stdin(&["tag", "remove", "prod"], "n\n");
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(
        out(&o),
        "Caution, found 1 namespace(s) still injected by tag \"prod\": apps\nProceed with operation? [y/N] Aborting operation.\n"
    );
    assert!(e.get(&format!("{MWC}/istio-revision-tag-prod")).is_some());
    assert_eq!(
        e.ok("1.30.3", &["tag", "remove", "prod", "-y"]),
        "Revision tag prod removed\n"
    );
    assert!(e.get(&format!("{MWC}/istio-revision-tag-prod")).is_none());
    assert!(e.get(&format!("{SVC}/istiod-revision-tag-prod")).is_none());
    let o = e.run(&["tag", "remove", "prod"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains(
            "Error: cannot remove tag \"prod\": cannot find MutatingWebhookConfiguration or Service for tag"
        ),
        "{}",
        err(&o)
    );
}

/// tag.go / generate.go: `tag set default` deactivates the canonical default injector
/// (util.go: DeactivateIstioInjectionWebhook, NeverMatch selectors), renders the `default`
/// tag with the `namespace.` webhook owning `istio-injection=enabled` (revision-tags-mwc.yaml)
/// and re-points `istiod-default-validator` at the revision (generateValidatingWebhook,
/// fixWhConfig keeping a `Fail` policy istiod set). `tag generate` prints without applying.
#[test]
fn tag_set_default_moves_injection_and_validation() {
    let e = env();
    e.two_revisions();
    let generated = e.ok(
        "1.30.3",
        &["tag", "generate", "default", "-r", "1-30-3", "--overwrite"],
    );
    assert!(
        generated.contains("name: istio-revision-tag-default\n"),
        "{generated}"
    );
    assert!(generated.contains("\n---\n"), "{generated}");
    assert!(
        generated.contains("name: istiod-default-validator\n"),
        "{generated}"
    );
    assert_eq!(
        label(
            &e.must(&format!("{MWC}/istio-revision-tag-default")),
            "istio.io/rev"
        ),
        Some("default"),
        "generate applies nothing"
    );
    e.ok(
        "1.30.3",
        &["tag", "set", "default", "-r", "1-30-3", "--overwrite"],
    );
    let tag = e.must(&format!("{MWC}/istio-revision-tag-default"));
    assert_eq!(label(&tag, "istio.io/rev"), Some("1-30-3"));
    assert_eq!(
        hook_names(&tag),
        [
            "rev.namespace.sidecar-injector.istio.io",
            "rev.object.sidecar-injector.istio.io",
            "namespace.sidecar-injector.istio.io",
            "object.sidecar-injector.istio.io"
        ]
    );
    assert_eq!(
        tag["webhooks"][2]["namespaceSelector"],
        json!({"matchExpressions": [{"key": "istio-injection", "operator": "In", "values": ["enabled"]}]})
    );
    assert_eq!(
        tag["webhooks"][2]["clientConfig"]["service"]["name"],
        "istiod-1-30-3"
    );
    let canonical = e.must(&format!("{MWC}/istio-sidecar-injector"));
    for w in canonical["webhooks"].as_array().unwrap() {
        assert_eq!(
            w["namespaceSelector"],
            json!({"matchLabels": {"istio.io/deactivated": "never-match"}})
        );
    }
    let vwc = e.must(&format!("{VWC}/istiod-default-validator"));
    assert_eq!(label(&vwc, "istio.io/rev"), Some("1-30-3"));
    assert_eq!(
        vwc["webhooks"][0]["clientConfig"]["service"]["name"],
        "istiod-1-30-3"
    );
}

/// Two control planes side by side. operator/pkg/webhook/webhook.go (detectIfTagWebhookIsNeeded:
/// a revisioned install after a previous one — istioctl/pkg/tag/util.go PreviousInstallExists,
/// `app=sidecar-injector,istio.io/tag=default` — makes no default tag), the per-revision
/// objects of istio-discovery (istiod-REV, istio-REV / istio-sidecar-injector-REV ConfigMaps,
/// istio-sidecar-injector-REV webhook), pkg/version/cobra.go (coalesceVersions: differing
/// versions print one line per istiod, named by its `istio` label) and
/// operator/pkg/uninstall/prune.go (`-r REV` selects `istio.io/rev=REV`: the other revision
/// stays).
#[test]
fn two_revisions_side_by_side_and_uninstalled_one_by_one() {
    let e = env();
    e.two_revisions();
    let istiod = e.must(&format!("{DEPLOY}/istiod"));
    let canary = e.must(&format!("{DEPLOY}/istiod-1-30-3"));
    assert_eq!(label(&istiod, "operator.istio.io/version"), Some("1.28.0"));
    assert_eq!(label(&canary, "operator.istio.io/version"), Some("1.30.3"));
    assert_eq!(label(&canary, "istio.io/rev"), Some("1-30-3"));
    let cms = e.names(CM);
    for cm in [
        "istio",
        "istio-sidecar-injector",
        "istio-1-30-3",
        "istio-sidecar-injector-1-30-3",
    ] {
        assert!(cms.contains(&cm.to_string()), "{cm} in {cms:?}");
    }
    let hooks = e.names(MWC);
    for h in [
        "istio-sidecar-injector",
        "istio-sidecar-injector-1-30-3",
        "istio-revision-tag-default",
    ] {
        assert!(hooks.contains(&h.to_string()), "{h} in {hooks:?}");
    }
    let tag = e.must(&format!("{MWC}/istio-revision-tag-default"));
    assert_eq!(
        label(&tag, "istio.io/rev"),
        Some("default"),
        "the revision did not take the default tag"
    );
    assert_eq!(
        e.ok("1.30.3", &["version"]),
        "client version: 1.30.3\npilot version: 1.28.0\npilot version: 1.30.3\ndata plane version: none\n"
    );

    let removed = e.ok("1.30.3", &["uninstall", "-r", "1-30-3", "-y"]);
    assert!(
        removed.contains("Deployment/istiod-1-30-3.istio-system."),
        "{removed}"
    );
    assert!(e.get(&format!("{DEPLOY}/istiod-1-30-3")).is_none());
    assert!(e.get(&format!("{MWC}/istio-sidecar-injector-1-30-3")).is_none());
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_some());
    assert!(e.get(&format!("{MWC}/istio-revision-tag-default")).is_some());
    assert_eq!(
        e.ok("1.30.3", &["version"]),
        "client version: 1.30.3\ncontrol plane version: 1.28.0\ndata plane version: none\n"
    );

    e.ok(
        "1.30.3",
        &[
            "install",
            "-y",
            "--set",
            "profile=minimal",
            "--revision",
            "1-30-3",
        ],
    );
    e.ok("1.28.0", &["uninstall", "-r", "default", "-y"]);
    assert!(e.get(&format!("{DEPLOY}/istiod")).is_none());
    assert!(e.get(&format!("{MWC}/istio-sidecar-injector")).is_none());
    assert!(e.get(&format!("{DEPLOY}/istiod-1-30-3")).is_some());
    assert!(e.get(&format!("{MWC}/istio-sidecar-injector-1-30-3")).is_some());
}

fn pod_yaml(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: apps\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n"
    )
}

fn proxy_of(pod: &Value) -> (String, String, String) {
    let image = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .chain(pod["spec"]["initContainers"].as_array())
        .flatten()
        .find(|c| c["name"] == "istio-proxy")
        .and_then(|c| c["image"].as_str())
        .unwrap_or("")
        .to_string();
    let status: Value = serde_json::from_str(
        pod["metadata"]["annotations"]["sidecar.istio.io/status"]
            .as_str()
            .unwrap_or("{}"),
    )
    .unwrap_or(Value::Null);
    (
        image,
        status["revision"].as_str().unwrap_or("").to_string(),
        label(pod, "istio.io/rev").unwrap_or("").to_string(),
    )
}

/// kubesim's injector called through the tag webhook: a namespace labelled `istio.io/rev=TAG`
/// matches the tag's `rev.namespace.` webhook (revision-tags-mwc.yaml), whose service is the
/// revision's istiod, so the pod gets that revision's proxy (its version's image tag), a
/// `sidecar.istio.io/status` naming the revision and the pod label `istio.io/rev=REV`
/// (pkg/kube/inject/webhook.go: injectPod / inject.go: the status annotation's `revision`).
/// Moving the tag (`tag set TAG -r NEW --overwrite`) moves new pods. Pods made by real kubectl.
#[test]
fn a_tag_labelled_namespace_is_injected_by_the_revision_the_tag_points_at() {
    let Some(bin) = kubectl() else { return };
    let e = env();
    e.two_revisions();
    let k = Kubectl::new(bin, &e.sim);
    e.ok("1.30.3", &["tag", "set", "prod", "-r", "default"]);
    k.ok(&["label", "namespace", "apps", "istio.io/rev=prod"]);
    k.apply(&pod_yaml("before"));
    let before = e.must("/api/v1/namespaces/apps/pods/before");
    let (image, status_rev, pod_rev) = proxy_of(&before);
    assert!(image.ends_with("/proxyv2:1.28.0"), "{image}");
    assert_eq!((status_rev.as_str(), pod_rev.as_str()), ("default", "default"));

    e.ok("1.30.3", &["tag", "set", "prod", "-r", "1-30-3", "--overwrite"]);
    k.apply(&pod_yaml("after"));
    let after = e.must("/api/v1/namespaces/apps/pods/after");
    let (image, status_rev, pod_rev) = proxy_of(&after);
    assert!(image.ends_with("/proxyv2:1.30.3"), "{image}");
    assert_eq!((status_rev.as_str(), pod_rev.as_str()), ("1-30-3", "1-30-3"));
    let (image, _, _) = proxy_of(&e.must("/api/v1/namespaces/apps/pods/before"));
    assert!(
        image.ends_with("/proxyv2:1.28.0"),
        "running pods keep their proxy: {image}"
    );
}

/// Istio 1.24.0's istioctl/pkg/tag (`git show 1.24.0:istioctl/pkg/tag/...`): tags are webhooks
/// only — no `istiod-revision-tag-TAG` Service, errors and the empty list name only the
/// MutatingWebhookConfiguration; 1.30.3's empty list says "No Istio revision tags found.".
#[test]
fn istioctl_1_24_tags_have_no_service() {
    let e = env();
    assert_eq!(
        e.ok("1.24.0", &["tag", "list"]),
        "No Istio revision tag MutatingWebhookConfigurations to list\n"
    );
    assert_eq!(
        e.ok("1.30.3", &["tag", "list"]),
        "No Istio revision tags found.\n"
    );
    e.ok("1.24.0", &["install", "-y", "--set", "profile=minimal"]);
    let o = e.run_v("1.24.0", &["tag", "set", "prod", "-r", "nope"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains(
            "Error: cannot modify tag: cannot find MutatingWebhookConfiguration with revision \"nope\""
        ),
        "{}",
        err(&o)
    );
    e.ok("1.24.0", &["tag", "set", "prod", "-r", "default"]);
    assert!(e.get(&format!("{MWC}/istio-revision-tag-prod")).is_some());
    assert!(e.get(&format!("{SVC}/istiod-revision-tag-prod")).is_none());
    let o = e.run_v("1.24.0", &["tag", "remove", "nope"]);
    assert!(
        err(&o)
            .contains("Error: cannot remove tag \"nope\": cannot find MutatingWebhookConfiguration for tag"),
        "{}",
        err(&o)
    );
}

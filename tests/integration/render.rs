//! `istioup render`: the merged IstioOperator, the merge rules end to end, and every way an
//! overlay or a --set can be wrong (exit 1 for bad files, 2 for bad flags, never a panic).
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};

/// Runs `istioup render ARGS` in `dir` with `stdin`, isolated from the developer's cluster.
pub fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    Command::cargo_bin("istioup")
        .expect("cargo builds the istioup binary for integration tests")
        .env_clear()
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .arg("render")
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("istioup runs")
}

pub fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(dir.path(), args, b"")
}

/// The merged spec as JSON, asserting success.
pub fn render_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    let out = run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("render -o json prints JSON")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the exit code and that stderr carries each fragment, and never a panic.
fn fails(out: &Output, code: i32, fragments: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    for fragment in fragments {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
}

const IOP: &str = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n";

fn write(dir: &Path, name: &str, body: &[u8]) -> String {
    std::fs::write(dir.join(name), body).expect("write overlay");
    name.to_string()
}

#[test]
fn default_render_is_the_built_in_base() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("default_render", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_and_yaml_say_the_same() {
    let yaml_out = run(&["--set", "values.global.hub=x"]);
    let from_yaml: Value = serde_saphyr::from_slice(&yaml_out.stdout).expect("render prints YAML");
    assert_eq!(from_yaml, render_json(&["--set", "values.global.hub=x"]));
}

#[test]
fn output_is_deterministic() {
    let args = [
        "--set",
        "components.cni.enabled=true",
        "--set",
        "unvalidatedValues.b=1",
        "--set",
        "unvalidatedValues.a=2",
    ];
    assert_eq!(run(&args).stdout, run(&args).stdout);
}

#[test]
fn table_output_is_a_usage_error() {
    fails(
        &run(&["-o", "table"]),
        2,
        &["render prints the IstioOperator as yaml or json"],
    );
}

#[test]
fn help_shows_the_merge_rules() {
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains(
            istioup::cli::help::MERGE_RULES_HELP
                .lines()
                .next()
                .unwrap_or_default()
        ),
        "{help}"
    );
    for rule in [
        "1. Maps merge",
        "2. A list whose items",
        "3. An explicit `null`",
        "4. The result",
    ] {
        assert!(help.contains(rule), "{rule}: {help}");
    }
}

#[test]
fn tricky_strings_round_trip_through_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{IOP}spec:\n  tag: \"1.20\"\n  unvalidatedValues:\n    s:\n      a: \"true\"\n      b: \"1.20\"\n      c: \"yes\"\n      d: \"on\"\n      e: \"null\"\n      f: \"0755\"\n      g: \"\"\n      h: \"~\"\n      i: \"12\"\n      j: \"a: b\"\n      k: \"- x\"\n      l: \"N\"\n"
    );
    let file = write(dir.path(), "tricky.yaml", body.as_bytes());
    let first = run_in(dir.path(), &["-f", &file], b"");
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let again = run_in(dir.path(), &["-f", "-"], &first.stdout);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&again.stdout)
    );
    let parsed: Value = serde_saphyr::from_slice(&first.stdout).unwrap();
    assert_eq!(parsed["spec"]["tag"], "1.20");
    assert_eq!(
        parsed["spec"]["unvalidatedValues"]["s"],
        json!({"a": "true", "b": "1.20", "c": "yes", "d": "on", "e": "null", "f": "0755", "g": "", "h": "~", "i": "12", "j": "a: b", "k": "- x", "l": "N"})
    );
}

#[test]
fn unquoted_yaml_is_typed_like_istioctl_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{IOP}spec:\n  unvalidatedValues:\n    a: yes\n    b: off\n    c: 0755\n    d: 1.5\n");
    let file = write(dir.path(), "typed.yaml", body.as_bytes());
    let out = run_in(dir.path(), &["-f", &file, "-o", "json"], b"");
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        tree["spec"]["unvalidatedValues"],
        json!({"a": true, "b": false, "c": 493, "d": 1.5})
    );
}

#[test]
fn files_apply_in_order_then_sets_then_profile_and_revision() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.yaml",
        format!("{IOP}spec:\n  hub: a\n  tag: \"1\"\n").as_bytes(),
    );
    let b = write(
        dir.path(),
        "b.yaml",
        format!("{IOP}spec:\n  hub: b\n  profile: minimal\n").as_bytes(),
    );
    let out = run_in(
        dir.path(),
        &[
            "-f",
            &a,
            "-f",
            &b,
            "--set",
            "hub=c",
            "--set",
            "profile=empty",
            "--profile",
            "demo",
            "--revision",
            "canary",
            "-o",
            "json",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let spec = serde_json::from_slice::<Value>(&out.stdout).unwrap()["spec"].clone();
    assert_eq!(
        (spec["hub"].as_str(), spec["tag"].as_str()),
        (Some("c"), Some("1"))
    );
    assert_eq!(spec["profile"], "demo");
    assert_eq!(spec["revision"], "canary");
    // The base follows the final profile: demo runs the egress gateway.
    assert_eq!(spec["components"]["egressGateways"][0]["enabled"], true);
}

#[test]
fn stdin_overlay_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["-f", "-", "-o", "json"],
        format!("{IOP}spec:\n  hub: from-stdin\n").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tree["spec"]["hub"], "from-stdin");
    fails(
        &run_in(dir.path(), &["-f", "-", "-f", "-"], b""),
        2,
        &["stdin can be read only once"],
    );
}

#[test]
fn rule1_maps_merge_and_keep_base_order_then_new_keys() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{IOP}spec:\n  values:\n    revision: \"\"\n  components:\n    pilot:\n      k8s:\n        nodeSelector:\n          disk: ssd\n        replicaCount: 2\n"
    );
    let file = write(dir.path(), "pilot.yaml", body.as_bytes());
    let out = run_in(dir.path(), &["-f", &file, "-o", "json"], b"");
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pilot = &tree["spec"]["components"]["pilot"];
    assert_eq!(
        pilot["k8s"],
        json!({"nodeSelector": {"kubernetes.io/os": "linux", "disk": "ssd"}, "replicaCount": 2})
    );
    let keys: Vec<&String> = tree["spec"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["profile", "components", "values"]);
}

#[test]
fn rule2_gateways_merge_by_name_and_patch_delete_removes() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{IOP}spec:\n  components:\n    ingressGateways:\n      - name: extra\n    egressGateways:\n      - name: istio-egressgateway\n        $patch: delete\n"
    );
    let file = write(dir.path(), "gw.yaml", body.as_bytes());
    let out = run_in(dir.path(), &["-f", &file, "-o", "json"], b"");
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &tree["spec"]["components"];
    let names: Vec<&str> = c["ingressGateways"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(names, ["istio-ingressgateway", "extra"]);
    assert_eq!(c["egressGateways"], json!([]));
}

#[test]
fn rule2_lists_without_names_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let tolerations = |key: &str| {
        format!(
            "{IOP}spec:\n  components:\n    pilot:\n      k8s:\n        tolerations:\n          - key: {key}\n            operator: Exists\n"
        )
    };
    let a = write(dir.path(), "a.yaml", tolerations("a").as_bytes());
    let b = write(dir.path(), "b.yaml", tolerations("b").as_bytes());
    let out = run_in(dir.path(), &["-f", &a, "-f", &b, "-o", "json"], b"");
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        tree["spec"]["components"]["pilot"]["k8s"]["tolerations"],
        json!([{"key": "b", "operator": "Exists"}])
    );
}

#[test]
fn rule3_null_removes_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{IOP}spec:\n  components:\n    cni: null\n    pilot:\n      k8s:\n        nodeSelector: null\n"
    );
    let file = write(dir.path(), "null.yaml", body.as_bytes());
    let out = run_in(dir.path(), &["-f", &file, "-o", "json"], b"");
    let tree: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(tree["spec"]["components"].get("cni").is_none());
    assert_eq!(
        tree["spec"]["components"]["pilot"],
        json!({"enabled": true, "k8s": {}})
    );
}

#[test]
fn rule4_unknown_keys_name_the_file_path_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{IOP}spec:\n  components:\n    ingresGateways: []\n");
    let file = write(dir.path(), "typo.yaml", body.as_bytes());
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "overlay typo.yaml: spec.components.ingresGateways: unknown key",
            "did you mean `ingressGateways`?",
        ],
    );
    let body = format!(
        "{IOP}spec:\n  components:\n    ingressGateways:\n      - name: x\n        k8s:\n          nodeSelectr: {{}}\n"
    );
    let file = write(dir.path(), "k8s.yaml", body.as_bytes());
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "spec.components.ingressGateways[name=x].k8s.nodeSelectr",
            "did you mean `nodeSelector`?",
        ],
    );
}

#[test]
fn rule4_values_and_mesh_config_pass_through() {
    let tree = render_json(&[
        "--set",
        "values.global.proxy.notAField.x=1",
        "--set",
        "meshConfig.anything=true",
    ]);
    assert_eq!(tree["spec"]["values"]["global"]["proxy"]["notAField"]["x"], 1);
    assert_eq!(tree["spec"]["meshConfig"]["anything"], true);
}

/// istioctl decodes spec.values strictly against operator/pkg/apis/values_types.proto, so a
/// typo there fails in render, before any cluster is touched, not inside istioctl.
#[test]
fn rule4_a_values_typo_is_caught_with_a_suggestion() {
    fails(
        &run(&["--set", "values.pilot.autoscaleMn=3"]),
        2,
        &["spec.values.pilot.autoscaleMn", "did you mean `autoscaleMin`?"],
    );
}

#[test]
fn set_path_syntax_and_typing() {
    let tree = render_json(&[
        "--set",
        "components.ingressGateways[name:istio-ingressgateway].k8s.service.type=NodePort",
        "--set",
        "components.egressGateways[0].enabled=true",
        "--set",
        r"components.pilot.k8s.nodeSelector.node-role\.kubernetes\.io/infra=true",
        "--set",
        "spec.tag=1.20",
        "--set",
        "values.pilot.replicaCount=3",
    ]);
    let spec = &tree["spec"];
    assert_eq!(
        spec["components"]["ingressGateways"][0]["k8s"]["service"]["type"],
        "NodePort"
    );
    assert_eq!(spec["components"]["egressGateways"][0]["enabled"], true);
    assert_eq!(
        spec["components"]["pilot"]["k8s"]["nodeSelector"]["node-role.kubernetes.io/infra"],
        "true"
    );
    assert_eq!(spec["tag"], "1.20");
    assert_eq!(spec["values"]["pilot"]["replicaCount"], 3);
}

#[test]
fn bad_sets_are_usage_errors() {
    fails(
        &run(&["--set", "components.cni.enabled"]),
        2,
        &["--set components.cni.enabled: expected PATH=VALUE"],
    );
    fails(&run(&["--set", "a..b=1"]), 2, &["--set a..b=1: bad path"]);
    fails(
        &run(&["--set", "a[x]=1"]),
        2,
        &["neither an index like [0] nor a selector"],
    );
    fails(
        &run(&["--set", "components.ingresGateways[0].enabled=true"]),
        2,
        &[
            "spec.components.ingresGateways: unknown key",
            "did you mean `ingressGateways`?",
        ],
    );
    fails(
        &run(&["--set", "components.ingressGateways[name:nope].enabled=true"]),
        2,
        &["has no item with name: nope"],
    );
    fails(
        &run(&["--revision", "Canary_1"]),
        2,
        &["--revision \"Canary_1\" is not a valid revision"],
    );
}

#[test]
fn missing_file() {
    fails(
        &run(&["-f", "nope.yaml"]),
        1,
        &["overlay nope.yaml does not exist", "hint: check the path"],
    );
}

#[test]
fn directory_instead_of_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("overlays")).unwrap();
    fails(
        &run_in(dir.path(), &["-f", "overlays"], b""),
        1,
        &["overlay overlays is a directory", "hint: pass its files"],
    );
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "empty.yaml", b"");
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "overlay empty.yaml is empty",
            "apiVersion: install.istio.io/v1alpha1",
        ],
    );
}

#[test]
fn yaml_syntax_error_has_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "broken.yaml",
        format!("{IOP}spec:\n  values: [1,\n").as_bytes(),
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &["broken.yaml:4:11: invalid YAML", "hint: fix the YAML"],
    );
}

#[test]
fn several_documents_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "two.yaml",
        format!("{IOP}spec: {{}}\n---\n{IOP}").as_bytes(),
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "two.yaml:5:1: a second YAML document starts here",
            "pass -f once per file",
        ],
    );
}

#[test]
fn wrong_kind_or_api_version_or_no_header() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "deploy.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\n",
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &["overlay deploy.yaml: apiVersion is \"apps/v1\", expected install.istio.io/v1alpha1"],
    );
    let file = write(
        dir.path(),
        "kind.yaml",
        b"apiVersion: install.istio.io/v1alpha1\nkind: IstioOperatr\n",
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &["overlay kind.yaml: kind is \"IstioOperatr\", expected IstioOperator"],
    );
    let file = write(dir.path(), "bare.yaml", b"spec:\n  profile: demo\n");
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "overlay bare.yaml is not an IstioOperator: it has no apiVersion and kind",
            "hint: add `apiVersion: install.istio.io/v1alpha1` and `kind: IstioOperator`",
        ],
    );
}

#[test]
fn top_level_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "list.yaml",
        b"- apiVersion: install.istio.io/v1alpha1\n  kind: IstioOperator\n",
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &["overlay list.yaml: the top level is a list, not an IstioOperator"],
    );
}

#[test]
fn non_utf8_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = format!("{IOP}spec:\n  hub: ").into_bytes();
    body.extend([0xC3, 0x28]);
    let file = write(dir.path(), "latin1.yaml", &body);
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            "latin1.yaml:4:8: not UTF-8 text (byte 0xC3)",
            "hint: save the overlay as UTF-8",
        ],
    );
}

#[test]
fn file_over_one_mebibyte() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = IOP.as_bytes().to_vec();
    body.resize(1024 * 1024 + 1, b'\n');
    let file = write(dir.path(), "huge.yaml", &body);
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &["overlay huge.yaml is 1048577 bytes; the limit is 1 MiB"],
    );
}

/// istioctl accepts a number for `tag` (operator/pkg/apis/types.go: a protobuf Value) and reads
/// it as its text, so `1.20` becomes "1.2": accepted, with a warning.
#[test]
fn numeric_tag_is_accepted_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "tag.yaml",
        format!("{IOP}spec:\n  tag: 1.20\n").as_bytes(),
    );
    let out = run_in(dir.path(), &["-f", &file], b"");
    assert_eq!(crate::support::code(&out), 0);
    let err = crate::support::text(&out.stderr);
    assert!(
        err.contains("warning: spec.tag is the number 1.2, which istioctl reads as \"1.2\""),
        "{err}"
    );
}

#[test]
fn an_unknown_profile_is_named_with_where_it_came_from() {
    fails(
        &run(&["--profile", "demp"]),
        2,
        &[
            "--profile: unknown profile `demp` (did you mean `demo`?)",
            "hint: ",
        ],
    );
    fails(
        &run(&["--set", "profile=ambiant"]),
        2,
        &["--set profile=ambiant: unknown profile `ambiant`", "`ambient`"],
    );
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "p.yaml",
        format!("{IOP}spec:\n  profile: minimall\n").as_bytes(),
    );
    fails(
        &run_in(dir.path(), &["-f", &file], b""),
        1,
        &[
            &format!("overlay {file}: unknown profile `minimall`"),
            "`minimal`",
        ],
    );
    // Every profile istioctl ships renders, including those istioup leaves to istioctl.
    for profile in [
        "remote",
        "openshift",
        "openshift-ambient",
        "preview",
        "stable",
        "empty",
    ] {
        assert_eq!(render_json(&["--profile", profile])["spec"]["profile"], profile);
    }
}

/// istioctl 1.24+ reads the namespace from values.global.istioNamespace (operator/pkg/render/
/// manifest.go) and never spec.namespace: render says so, and still renders.
#[test]
fn spec_namespace_is_accepted_with_a_warning() {
    let out = crate::support::istioup(&std::env::temp_dir())
        .args(["render", "--set", "namespace=mesh"])
        .output()
        .unwrap();
    assert_eq!(crate::support::code(&out), 0);
    let err = crate::support::text(&out.stderr);
    assert!(
        err.contains("warning: spec.namespace (mesh) is ignored")
            && err.contains("values.global.istioNamespace: mesh"),
        "{err}"
    );
}

/// Bad input is refused before any cluster is contacted, with exit 2 and a message that names
/// the flag: wrong types at known paths, absurd paths, nonsensical durations, bad revisions.
#[test]
fn bad_values_are_usage_errors_before_any_cluster() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        crate::support::istioup(home.path())
            .args(args)
            .env("KUBECONFIG", "/nonexistent")
            .output()
            .unwrap()
    };
    let deep = format!("--set={}=1", vec!["a"; 20_000].join("."));
    for (args, says) in [
        (vec!["render", "--set", "values=7"], "spec.values"),
        (
            vec!["render", deep.as_str()],
            "no IstioOperator field is more than 64 deep",
        ),
        (vec!["install", "--istioctl-timeout", "0"], "--istioctl-timeout"),
        (vec!["install", "--readiness-timeout", "0s"], "is zero"),
        (
            vec!["enable", "namespace", "shop", "--revision", "Canary_1"],
            "is not a revision name",
        ),
    ] {
        let out = run(&args);
        let err = crate::support::text(&out.stderr);
        assert_eq!(crate::support::code(&out), 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

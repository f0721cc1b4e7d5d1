//! `istioup upgrade` end to end on kubesim with the istioctl stand-in: a mesh installed by
//! istioctl "1.28.0" (ISTIOCTL_STANDIN_VERSION) upgraded with istioctl "1.30.3". What is pinned
//! comes from Istio 1.30.3's source: a revision installs next to the default one and the
//! `default` tag stays where it was (operator/pkg/webhook/webhook.go: the tag is made only for
//! a first install or the default revision); the injector writes its own revision into
//! `sidecar.istio.io/status` (pkg/kube/inject/webhook.go, getInjectionStatus);
//! `istioctl upgrade` is `install` (operator/cmd/mesh/upgrade.go); `istioctl uninstall -r REV`
//! keeps Base, so the CRDs and user objects stay (operator/pkg/uninstall/prune.go). The
//! two-minor-version limit is istio.io's (docs/setup/upgrade/canary, in-place).
use std::time::Duration;

use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, doc, text};

const NEW: &str = "1.30.3";
const REV: &str = "1-30-3";

/// A mesh of istioctl 1.28.0 with shop and blog injected (by istioup) and their pods restarted.
fn mesh(yaml: &str) -> Cluster {
    let c = labelled_mesh(yaml, true);
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| on_revision(&c, "shop", "default"))
    );
    c
}

fn labelled_mesh(yaml: &str, restart: bool) -> Cluster {
    let c = Cluster::start(yaml);
    let mut args = vec!["install", "--inject", "shop", "blog", "-y"];
    if restart {
        args.push("--restart");
    }
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_VERSION", "1.28.0")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "install: {}", text(&out.stderr));
    c
}

fn run(c: &Cluster, args: &[&str]) -> std::process::Output {
    c.istioup()
        .env("ISTIOCTL_STANDIN_VERSION", NEW)
        .args(args)
        .output()
        .unwrap()
}

/// The revision in each live pod's sidecar.istio.io/status, and its proxy image.
fn proxies(c: &Cluster, ns: &str) -> Vec<(String, String)> {
    c.list(&format!("/api/v1/namespaces/{ns}/pods"))
        .iter()
        .filter(|p| p.pointer("/metadata/deletionTimestamp").is_none())
        .map(|p| {
            let status: Value = p["metadata"]["annotations"]["sidecar.istio.io/status"]
                .as_str()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(Value::Null);
            let image = p["spec"]["initContainers"]
                .as_array()
                .into_iter()
                .chain(p["spec"]["containers"].as_array())
                .flatten()
                .find(|c| c["name"] == "istio-proxy")
                .and_then(|c| c["image"].as_str())
                .unwrap_or("")
                .to_string();
            (status["revision"].as_str().unwrap_or("").to_string(), image)
        })
        .collect()
}

fn on_revision(c: &Cluster, ns: &str, rev: &str) -> bool {
    let p = proxies(c, ns);
    !p.is_empty() && p.iter().all(|(r, _)| r == rev)
}

fn canary(c: &Cluster) {
    let out = run(c, &["upgrade", "--canary", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

fn status(c: &Cluster) -> Value {
    let out = run(c, &["upgrade", "status", "-o", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    doc(&out)
}

#[test]
fn canary_installs_a_second_revision_and_status_shows_the_way() {
    let c = mesh(CLUSTER);
    let before = status(&c);
    assert_eq!(before["upgrade"]["stage"], "idle");
    let plain = doc(&run(&c, &["status", "-o", "json"]));
    assert!(plain.get("upgrade").is_none(), "one revision, no record: {plain}");
    assert_eq!(before["jump"]["kind"], "minor");
    assert_eq!(before["jump"]["supported"], true);
    // Namespaces move with migrate, which keeps what a rollback needs; never at install.
    let inject = run(&c, &["upgrade", "--canary", "--inject", "shop", "-y"]);
    assert_eq!(code(&inject), 2, "{}", text(&inject.stderr));
    assert!(text(&inject.stderr).contains("istioup upgrade migrate NS... --restart"));
    assert!(c.install_calls().len() == 1, "nothing installed");
    let out = run(&c, &["upgrade", "--canary", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("1.28.0 → 1.30.3: 2 minor versions, supported"),
        "{err}"
    );
    assert!(
        err.contains("Next: istioup upgrade migrate blog shop --restart"),
        "{err}"
    );
    // Both control planes run; the old one still serves its namespaces.
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some()
    );
    let new = c
        .get(&format!(
            "/apis/apps/v1/namespaces/istio-system/deployments/istiod-{REV}"
        ))
        .unwrap();
    assert!(
        new["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .ends_with(NEW)
    );
    let record = c
        .get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
        .unwrap();
    assert_eq!(record["data"]["from"], "default");
    assert_eq!(record["data"]["to"], REV);
    assert!(on_revision(&c, "shop", "default"), "nothing moved yet");

    let s = status(&c);
    assert_eq!(s["upgrade"]["stage"], "migrating");
    assert_eq!(s["upgrade"]["to_migrate"], serde_json::json!(["blog", "shop"]));
    let revs = s["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 2);
    let old = revs.iter().find(|r| r["name"] == "default").unwrap();
    assert_eq!(old["tags"], serde_json::json!(["default"]));
    assert_eq!(old["pods"]["1.28.0"], 3);
    assert_eq!(old["namespaces"], serde_json::json!(["blog", "shop"]));
    let table = run(&c, &["upgrade", "status"]);
    let t = text(&table.stdout);
    assert!(
        t.contains(REV) && t.contains("1.28.0: 3") && t.contains("Upgrade in progress: default → 1-30-3"),
        "{t}"
    );
    // `istioup status` carries the same section while the upgrade is under way (and none on a
    // mesh with one revision and no record: `before` above came from `upgrade status`).
    let mesh_status = run(&c, &["status", "-o", "json"]);
    let doc = crate::support::doc(&mesh_status);
    assert_eq!(doc["upgrade"]["upgrade"]["stage"], "migrating", "{doc}");
    assert_eq!(doc["upgrade"]["revisions"].as_array().unwrap().len(), 2);
    let table = text(&run(&c, &["status"]).stdout);
    assert!(
        table.contains("Upgrade:") && table.contains("Upgrade in progress: default → 1-30-3"),
        "{table}"
    );

    // Re-running converges: the same revision is installed again, not a third one.
    canary(&c);
    assert_eq!(status(&c)["revisions"].as_array().unwrap().len(), 2);
}

#[test]
fn migrate_moves_two_namespaces_in_batches_onto_the_new_revision() {
    let c = mesh(CLUSTER);
    canary(&c);
    let out = run(
        &c,
        &[
            "upgrade",
            "migrate",
            "shop",
            "blog",
            "--restart",
            "--batch-size",
            "1",
            "-y",
            "-o",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "migrated");
    assert_eq!(
        report["restarted"],
        serde_json::json!(["shop/deployment/web", "blog/deployment/api"])
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("restarting batch 1") && err.contains("restarting batch 2"),
        "{err}"
    );
    assert!(
        err.contains(&format!("✔ on revision {REV}: blog/deployment/api")),
        "{err}"
    );
    for ns in ["shop", "blog"] {
        let labels = c.namespace_labels(ns);
        assert_eq!(labels["istio.io/rev"], REV);
        assert!(labels.get("istio-injection").is_none(), "{labels}");
        let meta = c.get(&format!("/api/v1/namespaces/{ns}")).unwrap()["metadata"].clone();
        assert_eq!(meta["annotations"]["istioup.io/injection-label"], "istio.io/rev");
        let from: Value =
            serde_json::from_str(meta["annotations"]["istioup.io/upgrade-from"].as_str().unwrap()).unwrap();
        assert_eq!(from["label"], "istio-injection");
        assert!(on_revision(&c, ns, REV), "{:?}", proxies(&c, ns));
        assert!(proxies(&c, ns).iter().all(|(_, image)| image.ends_with(NEW)));
    }
    let s = status(&c);
    assert_eq!(s["upgrade"]["stage"], "ready-to-finish");
    assert_eq!(s["upgrade"]["next"], "istioup upgrade finish");
    // A second run has nothing left to restart.
    let again = run(
        &c,
        &["upgrade", "migrate", "--all", "--restart", "-y", "-o", "json"],
    );
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
    assert_eq!(doc(&again)["restarted"], serde_json::json!([]));
}

#[test]
fn a_workload_that_never_becomes_available_stops_migration_and_a_rerun_resumes() {
    let yaml = format!(
        "{CLUSTER}  - {{kind: Deployment, namespace: shop, name: broken, replicas: 1, image: registry.example/doesnotexist:1}}\n"
    );
    // Not restarted at install: the broken workload stays Available on its seeded pod, without
    // a sidecar; migrating restarts it, and its new pod never pulls its image.
    let c = labelled_mesh(&yaml, false);
    canary(&c);
    let args = [
        "upgrade",
        "migrate",
        "--all",
        "--restart",
        "--batch-size",
        "1",
        "--timeout",
        "3s",
        "-y",
        "-o",
        "json",
    ];
    let out = run(&c, &args);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["result"], "failed");
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("shop/deployment/broken did not become Available"),
        "{report}"
    );
    assert_eq!(report["restarted"], serde_json::json!(["blog/deployment/api"]));
    assert_eq!(report["restart_pending"][0]["name"], "broken");
    assert!(on_revision(&c, "blog", REV));
    let web = c.get("/apis/apps/v1/namespaces/shop/deployments/web").unwrap();
    assert!(
        web.pointer("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt")
            .is_none(),
        "shop/web was not restarted"
    );

    // The owner fixes the image; the re-run goes on from where it stopped.
    c.sim
        .apply_yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: shop}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: broken}}\n  template:\n    metadata: {labels: {app: broken}}\n    spec: {containers: [{name: broken, image: registry.k8s.io/pause:3.10}]}\n",
        )
        .unwrap();
    let out = run(&c, &args);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let restarted = doc(&out)["restarted"].clone();
    assert!(
        !restarted
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "blog/deployment/api"),
        "blog was done: {restarted}"
    );
    assert!(
        restarted
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "shop/deployment/web"),
        "{restarted}"
    );
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| on_revision(&c, "shop", REV)),
        "{:?}",
        proxies(&c, "shop")
    );
}

#[test]
fn finish_is_refused_while_a_pod_runs_the_old_revision() {
    let c = mesh(CLUSTER);
    canary(&c);
    let out = run(&c, &["upgrade", "migrate", "shop", "--restart", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run(&c, &["upgrade", "finish", "-y"]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("pods still run a proxy of revision default: blog/api-"),
        "{err}"
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some(),
        "nothing removed"
    );
    assert!(
        !c.istioctl_calls()
            .iter()
            .any(|call| call["argv"][0] == "uninstall")
    );
}

#[test]
fn finish_removes_the_old_revision_and_keeps_crds_and_user_objects() {
    let c = mesh(CLUSTER);
    c.sim
        .apply_yaml("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: shop}\nspec: {hosts: [web], http: [{route: [{destination: {host: web}}]}]}\n")
        .unwrap();
    let crds = c
        .list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        .len();
    canary(&c);
    let out = run(&c, &["upgrade", "migrate", "--all", "--restart", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run(&c, &["upgrade", "finish", "-y", "-o", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["result"], "finished");
    let uninstall = c
        .istioctl_calls()
        .into_iter()
        .find(|call| call["argv"][0] == "uninstall")
        .unwrap();
    assert_eq!(
        uninstall["argv"].as_array().unwrap()[1..4],
        [Value::from("-r"), Value::from("default"), Value::from("-y")]
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_none()
    );
    assert!(
        c.get(&format!(
            "/apis/apps/v1/namespaces/istio-system/deployments/istiod-{REV}"
        ))
        .is_some()
    );
    assert_eq!(
        c.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
            .len(),
        crds
    );
    assert!(
        c.get("/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web")
            .is_some()
    );
    assert!(
        c.get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
            .is_none()
    );
    assert!(
        c.get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector")
            .is_none()
    );
    // The default tag (istio-injection=enabled) moved to the new revision before the old went
    // (istioctl/pkg/tag: `tag set default --revision NEW --overwrite`).
    let tag = c
        .istioctl_calls()
        .into_iter()
        .find(|call| call["argv"][0] == "tag")
        .unwrap();
    assert_eq!(
        tag["argv"].as_array().unwrap()[..6],
        ["tag", "set", "default", "--revision", REV, "--overwrite"].map(Value::from)
    );
    let hook = c
        .get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-default")
        .unwrap();
    assert_eq!(hook["metadata"]["labels"]["istio.io/rev"], REV);
    let s = status(&c);
    assert_eq!(s["upgrade"]["stage"], "idle");
    assert_eq!(s["revisions"].as_array().unwrap().len(), 1);
    assert_eq!(s["revisions"][0]["tags"], serde_json::json!(["default"]));
    assert_eq!(s["revisions"][0]["pods"][NEW], 3);
    // Pods created now still get the new proxy.
    c.sim.delete(&format!(
        "/api/v1/namespaces/blog/pods/{}",
        c.list("/api/v1/namespaces/blog/pods")[0]["metadata"]["name"]
            .as_str()
            .unwrap()
    ));
    assert!(
        c.sim
            .wait_for(Duration::from_secs(10), |_| on_revision(&c, "blog", REV))
    );
    // Finishing again: no upgrade in progress.
    assert_eq!(code(&run(&c, &["upgrade", "finish", "-y"])), 3);
}

#[test]
fn rollback_moves_namespaces_back_and_removes_the_new_revision() {
    let c = mesh(CLUSTER);
    canary(&c);
    let out = run(&c, &["upgrade", "migrate", "shop", "--restart", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(on_revision(&c, "shop", REV));
    // The canary install upgraded the ingress gateway in place, as istioctl does (istio.io
    // docs/setup/upgrade/gateways): the rollback moves the namespaces back but keeps the
    // revision that now runs the gateway.
    let gateway = "/apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway";
    assert_eq!(c.get(gateway).unwrap()["metadata"]["labels"]["istio.io/rev"], REV);
    let out = run(&c, &["upgrade", "rollback", "-y", "-o", "json"]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let report = doc(&out);
    assert_eq!(report["restarted"], serde_json::json!(["shop/deployment/web"]));
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("also runs Deployment/istio-system/istio-ingressgateway"),
        "{report}"
    );
    assert!(
        c.get(&format!(
            "/apis/apps/v1/namespaces/istio-system/deployments/istiod-{REV}"
        ))
        .is_some()
    );
    // The old version's istioctl puts its gateway back; the re-run finishes the rollback.
    c.install(&[]);
    let out = run(&c, &["upgrade", "rollback", "-y", "-o", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["result"], "rolled-back");
    assert!(c.get(gateway).is_some(), "the gateway stays");
    let labels = c.namespace_labels("shop");
    assert_eq!(labels["istio-injection"], "enabled");
    assert!(labels.get("istio.io/rev").is_none(), "{labels}");
    let meta = c.get("/api/v1/namespaces/shop").unwrap()["metadata"].clone();
    assert_eq!(
        meta["annotations"]["istioup.io/injection-label"],
        "istio-injection"
    );
    assert!(meta["annotations"].get("istioup.io/upgrade-from").is_none());
    assert!(on_revision(&c, "shop", "default"));
    assert!(
        c.get(&format!(
            "/apis/apps/v1/namespaces/istio-system/deployments/istiod-{REV}"
        ))
        .is_none()
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_some()
    );
    assert!(
        c.get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
            .is_none()
    );
    assert_eq!(status(&c)["upgrade"]["stage"], "idle");
}

#[test]
fn an_unsupported_version_jump_is_refused_naming_the_intermediate_release() {
    let c = Cluster::start(CLUSTER);
    let out = c
        .istioup()
        .env("ISTIOCTL_STANDIN_VERSION", "1.27.0")
        .args(["install", "-y"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let calls = c.install_calls().len();
    let out = run(&c, &["upgrade", "--canary", "-y", "-o", "json"]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let doc = doc(&out);
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "1.27.0 → 1.30.3 jumps 3 minor versions; Istio supports at most 2: upgrade to 1.29 first"
        ),
        "{message}"
    );
    assert!(doc["error"]["hint"].as_str().unwrap().contains("istioctl 1.29.x"));
    assert_eq!(c.install_calls().len(), calls, "istioctl was not run");
    assert!(
        c.get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
            .is_none()
    );
}

#[test]
fn in_place_upgrade_with_restart_rolls_the_older_proxies() {
    let c = mesh(CLUSTER);
    let out = run(
        &c,
        &["upgrade", "--in-place", "--restart", "--batch-size", "1", "-y"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("Proxies older than 1.30.3: shop/deployment/web, blog/deployment/api")
            || err.contains("Proxies older than 1.30.3: blog/deployment/api, shop/deployment/web"),
        "{err}"
    );
    let istiod = c
        .get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
        .unwrap();
    assert!(
        istiod["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .ends_with(NEW)
    );
    for ns in ["shop", "blog"] {
        assert!(
            c.sim.wait_for(Duration::from_secs(10), |_| proxies(&c, ns)
                .iter()
                .all(|(r, image)| r == "default" && image.ends_with(NEW))),
            "{:?}",
            proxies(&c, ns)
        );
    }
    assert!(
        c.get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
            .is_none(),
        "in place records nothing"
    );
}

#[test]
fn migrate_leaves_someone_elses_injection_label_alone_unless_forced_and_rollback_restores_it() {
    let c = mesh(CLUSTER);
    // Someone else labelled blog: istioup's ownership record is not there.
    let blog = c.get("/api/v1/namespaces/blog").unwrap();
    let mut ns = blog.clone();
    ns["metadata"]["annotations"] = serde_json::json!({});
    c.sim.apply_yaml(&serde_json::to_string(&ns).unwrap()).unwrap();
    canary(&c);
    let dry = run(
        &c,
        &[
            "upgrade",
            "migrate",
            "--all",
            "--restart",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    assert_eq!(code(&dry), 0, "{}", text(&dry.stderr));
    assert_eq!(doc(&dry)["result"], "dry-run");
    assert_eq!(
        c.namespace_labels("shop")["istio-injection"],
        "enabled",
        "a dry run changes nothing"
    );

    let out = run(&c, &["upgrade", "migrate", "blog", "-y"]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("namespace blog: istio-injection=enabled was set by someone else"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(c.namespace_labels("blog")["istio-injection"], "enabled");

    let out = run(&c, &["upgrade", "migrate", "blog", "--force", "--restart", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(c.namespace_labels("blog")["istio.io/rev"], REV);
    let meta = c.get("/api/v1/namespaces/blog").unwrap()["metadata"].clone();
    assert!(
        meta["annotations"].get("istioup.io/injection-label").is_none(),
        "still not istioup's label"
    );
    assert!(on_revision(&c, "blog", REV));

    let out = run(&c, &["upgrade", "rollback", "--force", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let labels = c.namespace_labels("blog");
    assert_eq!(labels["istio-injection"], "enabled");
    assert!(labels.get("istio.io/rev").is_none(), "{labels}");
    let meta = c.get("/api/v1/namespaces/blog").unwrap()["metadata"].clone();
    assert!(meta["annotations"].get("istioup.io/injection-label").is_none());
    assert!(on_revision(&c, "blog", "default"), "{:?}", proxies(&c, "blog"));
}

/// Revision tags: the namespaces carry the tag and migrating moves it (istioctl/pkg/tag/tag.go:
/// `tag set NAME --revision NEW --overwrite`); the tag webhook takes the revision's
/// `istio.io/rev`, so restarted pods report the revision itself, never the tag
/// (pkg/kube/inject/webhook.go).
#[test]
fn tag_based_migration_moves_the_tag_and_rollback_moves_it_back() {
    let c = mesh(CLUSTER);
    canary(&c);
    let out = run(
        &c,
        &[
            "upgrade",
            "migrate",
            "shop",
            "blog",
            "--tag",
            "prod",
            "--restart",
            "-y",
            "-o",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(doc(&out)["label"], "prod");
    let tag = c
        .istioctl_calls()
        .into_iter()
        .find(|call| call["argv"][0] == "tag")
        .unwrap();
    assert_eq!(
        tag["argv"].as_array().unwrap()[..6],
        ["tag", "set", "prod", "--revision", REV, "--overwrite"].map(Value::from)
    );
    let hook = c
        .get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-prod")
        .unwrap();
    assert_eq!(hook["metadata"]["labels"]["istio.io/rev"], REV);
    for ns in ["shop", "blog"] {
        assert_eq!(c.namespace_labels(ns)["istio.io/rev"], "prod");
        assert!(on_revision(&c, ns, REV), "{:?}", proxies(&c, ns));
    }
    let record = c
        .get("/api/v1/namespaces/istio-system/configmaps/istioup-upgrade")
        .unwrap();
    assert_eq!(record["data"]["tag"], "prod");
    let s = status(&c);
    let new = s["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == REV)
        .unwrap()
        .clone();
    assert_eq!(new["tags"], serde_json::json!(["prod"]));
    assert_eq!(new["namespaces"], serde_json::json!(["blog", "shop"]));
    assert_eq!(s["upgrade"]["stage"], "ready-to-finish");

    let out = run(&c, &["upgrade", "rollback", "--force", "-y"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let hook = c
        .get("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-prod")
        .unwrap();
    assert_eq!(hook["metadata"]["labels"]["istio.io/rev"], "default");
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
    assert!(on_revision(&c, "shop", "default"), "{:?}", proxies(&c, "shop"));
}

/// In a terminal the rollback asks first; no, Ctrl-C and a SIGTERM from elsewhere (which does
/// not end the prompt's read) all change nothing, and the report tells them apart
/// (`not-confirmed`, exit 5; `interrupted`, exit 130): with `-o json` it is still printed.
#[cfg(unix)]
#[test]
fn a_rollback_prompt_answered_no_or_interrupted_changes_nothing() {
    use expectrl::process::unix::WaitStatus;
    use expectrl::{ControlCode, Eof, Expect};
    let c = mesh(CLUSTER);
    canary(&c);
    let question = format!(
        "Roll back to revision default on context {} ({})?",
        c.sim.context_name(),
        c.sim.url()
    );
    for (answer, want_code, result) in [
        ("ctrl-c", 130, "interrupted"),
        ("sigterm", 130, "interrupted"),
        ("n", 5, "not-confirmed"),
    ] {
        let mut cmd = c.command();
        cmd.env("TERM", "xterm")
            .env("ISTIOCTL_STANDIN_VERSION", NEW)
            .args(["upgrade", "rollback", "-o", "json"]);
        let mut session = expectrl::Session::spawn(cmd).expect("istioup starts in a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(90)));
        session.expect(question.as_str()).expect("the y/N prompt");
        match answer {
            "ctrl-c" => session.send(ControlCode::EndOfText).unwrap(),
            "sigterm" => {
                let pid = session.get_process().pid().to_string();
                let sent = std::process::Command::new("kill").args(["-TERM", &pid]).status();
                assert!(sent.is_ok_and(|s| s.success()));
            }
            answer => session.send(answer).unwrap(),
        }
        let rest = session.expect(Eof).expect("istioup ends");
        let rest = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        let WaitStatus::Exited(_, code) = session.get_process().wait().unwrap() else {
            panic!("istioup did not exit: {rest}");
        };
        assert_eq!(code, want_code, "{answer}: {rest}");
        assert!(
            rest.contains(&format!("\"result\": \"{result}\"")),
            "{answer}: {rest}"
        );
        assert!(
            c.get(&format!(
                "/apis/apps/v1/namespaces/istio-system/deployments/istiod-{REV}"
            ))
            .is_some(),
            "{rest}"
        );
    }
}

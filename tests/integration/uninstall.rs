//! `istioup uninstall` / `disable cluster` end to end on kubesim with the istioctl stand-in:
//! nothing a user made is lost by accident. Each test asserts the cluster state afterwards.
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use kubesim::Sim;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, text};

const USER_OBJECTS: &str = r#"
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: shop
  labels: {team: shop}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"stale": true}'
    owner: team-shop
spec:
  hosts: [web.shop.svc.cluster.local]
  http:
    - route:
        - destination: {host: web.shop.svc.cluster.local, subset: v1}
          weight: 90
        - destination: {host: web.shop.svc.cluster.local, subset: v2}
          weight: 10
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web.shop.svc.cluster.local
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: blog}
spec: {}
"#;

fn istioctl_uninstalls(c: &Cluster) -> Vec<Vec<String>> {
    c.istioctl_calls()
        .iter()
        .filter(|call| call["argv"][0] == "uninstall")
        .map(|call| {
            call["argv"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a.as_str().map(String::from))
                .collect()
        })
        .collect()
}

const ISTIOD: &str = "/apis/apps/v1/namespaces/istio-system/deployments/istiod";
const VS_CRD: &str =
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualservices.networking.istio.io";
const VS: &str = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web";

#[test]
fn refused_while_pods_carry_sidecars() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop", "--restart"]);
    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("pods still carry sidecars in shop (2 pods)"),
        "{}",
        text(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"], "refused");
    assert_eq!(report["found"]["sidecar_pods"]["shop"], 2);
    assert!(c.get(ISTIOD).is_some());
    assert!(istioctl_uninstalls(&c).is_empty());
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");

    // --force goes on.
    let out = c
        .istioup()
        .args(["disable", "cluster", "-y", "--force"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(c.get(ISTIOD).is_none());
    // A real API server calls every matching injector webhook; with istiod gone, one left behind
    // would reject every new pod in shop (failurePolicy: Fail). None is left: pods still start.
    c.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: probe, namespace: shop}\nspec:\n  containers: [{name: c, image: busybox}]\n",
        )
        .expect("a pod can be created in a namespace that was injected");
}

#[test]
fn default_uninstall_keeps_crds_and_user_objects_and_cleans_leftovers() {
    let c = Cluster::start(&CLUSTER.replace(
        "  - name: blog\n",
        "  - name: blog\n    labels: {istio-injection: enabled}\n",
    ));
    c.install(&["--inject", "shop"]);
    c.sim.apply_yaml(USER_OBJECTS).unwrap();
    assert!(
        c.get("/api/v1/namespaces/shop/configmaps/istio-ca-root-cert")
            .is_some()
    );
    assert!(
        c.get(
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-default"
        )
        .is_some()
    );

    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"], "removed");
    assert_eq!(report["mode"], "keep-crds");
    assert_eq!(report["found"]["control_planes"][0]["version"], "1.28.0");
    let kinds: Vec<(&str, u64)> = report["found"]["istio_objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["kind"].as_str().unwrap(), k["count"].as_u64().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("VirtualService", 1)) && kinds.contains(&("DestinationRule", 1)),
        "{kinds:?}"
    );
    assert!(
        report["removed"]["istioctl"].as_array().unwrap().iter().any(|r| r
            == &serde_json::json!({"kind": "Deployment", "namespace": "istio-system", "name": "istiod"})),
        "{}",
        report["removed"]["istioctl"]
    );
    assert_eq!(report["removed"]["labels"][0], "shop: istio-injection=enabled");
    assert!(
        report["kept"]["labels"][0]
            .as_str()
            .unwrap()
            .starts_with("blog: istio-injection=enabled (not set by istioup)")
    );

    // istioctl got the revision and the exact target.
    let calls = istioctl_uninstalls(&c);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0][..4], ["uninstall", "-r", "default", "-y"]);
    assert!(
        calls[0]
            .windows(2)
            .any(|w| w == ["--context", c.sim.context_name()]),
        "{calls:?}"
    );
    // Control plane gone; CRDs and user objects kept.
    assert!(c.get(ISTIOD).is_none());
    assert!(c.get(VS_CRD).is_some());
    assert_eq!(c.get(VS).unwrap()["spec"]["http"][0]["route"][1]["weight"], 10);
    assert!(
        c.get("/apis/security.istio.io/v1/namespaces/blog/authorizationpolicies/deny-all")
            .is_some()
    );
    // Leftovers cleaned; labels: istioup's gone, the other kept; istio-system kept.
    assert!(
        c.list("/api/v1/configmaps")
            .iter()
            .all(|cm| cm["metadata"]["name"] != "istio-ca-root-cert")
    );
    assert!(
        c.get("/api/v1/namespaces/istio-system/configmaps/istio-leader")
            .is_none()
    );
    assert!(
        c.get(
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-revision-tag-default"
        )
        .is_none()
    );
    assert!(
        c.get(
            "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/istiod-default-validator"
        )
        .is_none()
    );
    assert!(c.namespace_labels("shop").get("istio-injection").is_none());
    assert_eq!(c.namespace_labels("blog")["istio-injection"], "enabled");
    assert!(c.get("/api/v1/namespaces/istio-system").is_some());

    // Running it again: nothing left to do.
    let out = c.istioup().args(["uninstall"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("nothing to remove"),
        "{}",
        text(&out.stdout)
    );
    let stdout = text(&out.stdout);
    // However many CRDs the release's base chart ships (14 up to 1.29, 15 since 1.30 added
    // trafficextensions.extensions.istio.io): every Istio one still served.
    let crds = c
        .list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        .iter()
        .filter(|crd| {
            crd["spec"]["group"]
                .as_str()
                .is_some_and(|g| g.ends_with("istio.io"))
        })
        .count();
    assert!(crds >= 14, "{crds} Istio CRDs served");
    for kept in [
        &format!("kept: {crds} CRDs")[..],
        "1 VirtualService",
        "1 DestinationRule",
        "1 AuthorizationPolicy",
    ] {
        assert!(stdout.contains(kept), "{kept}: {stdout}");
    }
    assert_eq!(istioctl_uninstalls(&c).len(), 1);
}

#[test]
fn purge_needs_a_backup_decision() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c.istioup().args(["uninstall", "--purge", "-y"]).output().unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--backup DIR or --no-backup"),
        "{}",
        text(&out.stderr)
    );
    assert!(istioctl_uninstalls(&c).is_empty());
    assert!(c.get(VS_CRD).is_some());

    let out = c
        .istioup()
        .args(["uninstall", "--purge", "--no-backup", "--delete-namespace", "-y"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(istioctl_uninstalls(&c)[0][..3], ["uninstall", "--purge", "-y"]);
    assert!(c.get(VS_CRD).is_none());
    assert!(c.get("/api/v1/namespaces/istio-system").is_none());
    assert!(
        text(&out.stdout).contains("deleted namespace istio-system"),
        "{}",
        text(&out.stdout)
    );
}

fn kubectl() -> Option<&'static str> {
    let path = "/usr/bin/kubectl";
    if Path::new(path).exists() {
        return Some(path);
    }
    assert!(
        std::env::var("ISTIOUP_REQUIRE_KUBECTL").as_deref() != Ok("1"),
        "kubectl is required (ISTIOUP_REQUIRE_KUBECTL=1) but {path} is missing"
    );
    eprintln!("note: skipping the kubectl restore check: {path} is missing");
    None
}

#[test]
fn purge_with_backup_restores_with_kubectl_apply() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    c.sim.apply_yaml(USER_OBJECTS).unwrap();
    // What the running istiod made and istioctl uninstall leaves (pilot/pkg/leaderelection,
    // security/pkg/pki/ca): --purge takes them too.
    let ca_secret = "/api/v1/namespaces/istio-system/secrets/istio-ca-secret";
    let lease =
        "/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istio-gateway-deployment-default";
    assert!(c.get(ca_secret).is_some() && c.get(lease).is_some());
    let backup = c.dir.path().join("backup");
    let out = c
        .istioup()
        .args(["uninstall", "--purge", "--backup"])
        .arg(&backup)
        .args(["-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["backup"]["objects"], 3);
    assert!(c.get(VS_CRD).is_none(), "purged");
    assert!(c.get(ca_secret).is_none() && c.get(lease).is_none(), "{report:#}");
    assert!(c.get(VS).is_none());
    let files: Vec<String> = std::fs::read_dir(&backup)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        files.contains(&"virtualservices.networking.istio.io.yaml".to_string()),
        "{files:?}"
    );
    let vs = std::fs::read_to_string(backup.join("virtualservices.networking.istio.io.yaml")).unwrap();
    for gone in [
        "uid:",
        "resourceVersion",
        "creationTimestamp",
        "managedFields",
        "generation",
        "last-applied",
        "status:",
    ] {
        assert!(!vs.contains(gone), "{gone} in the backup:\n{vs}");
    }
    // A backup dir that is not empty is refused before anything happens.
    let out = c
        .istioup()
        .args(["uninstall", "--purge", "--backup"])
        .arg(&backup)
        .arg("-y")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));

    let Some(kubectl) = kubectl() else { return };
    let fresh = Cluster::start(CLUSTER);
    fresh.install(&[]);
    let home = fresh.dir.path().join("kubectl-home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::process::Command::new(kubectl)
        .env_clear()
        .env("HOME", &home)
        .arg("--kubeconfig")
        .arg(fresh.sim.kubeconfig())
        .arg("--cache-dir")
        .arg(home.join("cache"))
        .arg("apply")
        .arg("-f")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "kubectl apply: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let sources: Vec<Value> = serde_saphyr::from_multiple(USER_OBJECTS).unwrap();
    for (source, path) in sources.iter().zip([
        VS,
        "/apis/networking.istio.io/v1/namespaces/shop/destinationrules/web",
        "/apis/security.istio.io/v1/namespaces/blog/authorizationpolicies/deny-all",
    ]) {
        let restored = fresh.get(path).unwrap_or_else(|| panic!("{path} restored"));
        assert_eq!(restored["kind"], source["kind"], "{path}");
        assert_eq!(restored["spec"], source["spec"], "{path}");
        assert_eq!(
            restored["metadata"]["labels"], source["metadata"]["labels"],
            "{path}"
        );
    }
    let vs = fresh.get(VS).unwrap();
    assert_eq!(vs["metadata"]["annotations"]["owner"], "team-shop");
}

#[test]
fn without_a_terminal_and_without_yes_nothing_changes() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let out = c.istioup().args(["uninstall"]).output().unwrap();
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no terminal"), "{}", text(&out.stderr));
    assert!(istioctl_uninstalls(&c).is_empty());
    assert!(c.get(ISTIOD).is_some());
}

#[test]
fn nothing_to_remove_without_istio() {
    let c = Cluster::start(CLUSTER);
    let out = c.istioup().args(["uninstall"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("nothing to remove: Istio is not installed"),
        "{}",
        text(&out.stdout)
    );
    assert!(c.istioctl_calls().is_empty());
}

#[test]
fn rerun_after_an_istioctl_failure_finishes_the_job() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop"]);
    // istioctl answers `version`, then does the uninstall's work but exits 1.
    let failing = c.dir.path().join("failing-istioctl");
    let real = c.dir.path().join("bin/istioctl");
    std::fs::write(
        &failing,
        format!(
            "#!/bin/sh\nif [ \"$1\" = uninstall ]; then ISTIOCTL_STANDIN_EXIT=1 exec {real} \"$@\"; fi\nexec {real} \"$@\"\n",
            real = real.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = c
        .istioup()
        .args(["uninstall", "-y", "--istioctl"])
        .arg(&failing)
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("istioctl uninstall -r default -y failed (exit 1)"),
        "{}",
        text(&out.stderr)
    );
    // Labels and leftovers are only touched once istioctl succeeded.
    assert_eq!(c.namespace_labels("shop")["istio-injection"], "enabled");
    let out = c.istioup().args(["uninstall", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(c.namespace_labels("shop").get("istio-injection").is_none());
    assert!(
        c.get("/api/v1/namespaces/shop/configmaps/istio-ca-root-cert")
            .is_none()
    );
    assert!(c.get(ISTIOD).is_none());
}

#[cfg(unix)]
#[test]
fn typed_confirmation_in_a_terminal() {
    use expectrl::session::OsSession;
    use expectrl::{Eof, Expect, Session};

    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let spawn = || {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("istioup"));
        cmd.env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", c.dir.path().join("bin").display()),
            )
            .env("HOME", c.home())
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env("KUBECONFIG", c.sim.kubeconfig())
            .env("ISTIOCTL_STANDIN_LOG", c.istioctl_log())
            .env("ISTIOCTL_STANDIN_POLL", "50ms")
            .arg("uninstall");
        let mut session = Session::spawn(cmd).expect("a pseudo-terminal");
        session.set_expect_timeout(Some(Duration::from_secs(60)));
        session
    };
    let exit_code = |session: &OsSession| match session.get_process().wait() {
        Ok(expectrl::process::unix::WaitStatus::Exited(_, code)) => code,
        other => panic!("istioup did not exit normally: {other:?}"),
    };

    let mut wrong = spawn();
    wrong.expect("Type the context name to proceed").unwrap();
    wrong.send_line("production").unwrap();
    wrong.expect(Eof).unwrap();
    assert_eq!(exit_code(&wrong), 5);
    assert!(c.get(ISTIOD).is_some());
    assert!(istioctl_uninstalls(&c).is_empty());

    let mut right = spawn();
    right.expect("Type the context name to proceed").unwrap();
    right.send_line(c.sim.context_name()).unwrap();
    right.expect("Istio removed from").unwrap();
    right.expect(Eof).unwrap();
    assert_eq!(exit_code(&right), 0);
    assert!(c.get(ISTIOD).is_none());
}

/// A control plane outside istio-system (`values.global.istioNamespace`): its injector is named
/// `istio-sidecar-injector-<ns>` (manifests/charts/istio-control/istio-discovery/templates/
/// mutatingwebhook.yaml), and `istioctl uninstall -r REV` alone removes nothing of it, because
/// prune.go selects by the owning-resource namespace of render.MergeInputs, istio-system unless
/// told otherwise (operator/cmd/mesh/uninstall.go, operator/pkg/uninstall/prune.go).
#[test]
fn a_control_plane_outside_istio_system_is_installed_and_removed() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--set", "values.global.istioNamespace=istio-alt"]);
    let injector = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector-istio-alt";
    assert!(c.get(injector).is_some());
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-alt/deployments/istiod")
            .is_some()
    );

    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["result"], "removed", "{report:#}");
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-alt/deployments/istiod")
            .is_none(),
        "istiod still runs in istio-alt: {report:#}"
    );
    assert!(c.get(injector).is_none());
    let status = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(doc["state"], "absent", "{doc:#}");
}

/// `istioctl uninstall -r REV` refuses a revision no MutatingWebhookConfiguration carries
/// ("could not find target revision", operator/cmd/mesh/uninstall.go): istioup removes such a
/// revision itself, by the selectors of operator/pkg/uninstall/prune.go, and keeps the CA secret
/// without --purge.
#[test]
fn a_revision_without_webhooks_is_removed_by_istioctls_selectors() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--revision", "canary"]);
    let hooks = c.list("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations");
    for hook in hooks
        .iter()
        .filter(|h| h["metadata"]["labels"]["istio.io/rev"] == "canary")
    {
        let name = hook["metadata"]["name"].as_str().unwrap();
        assert!(c.sim.delete(&format!(
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}"
        )));
    }
    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pruned = report["removed"]["pruned"].as_array().unwrap();
    assert!(
        pruned
            .iter()
            .any(|o| o["kind"] == "Deployment" && o["name"] == "istiod-canary"),
        "{report:#}"
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod-canary")
            .is_none()
    );
    assert!(
        c.get("/api/v1/namespaces/istio-system/secrets/istio-ca-secret")
            .is_some()
    );
    assert!(
        istioctl_uninstalls(&c).is_empty(),
        "istioctl would have refused the revision"
    );
}

/// A deleted namespace stays Terminating until it is empty (the namespace lifecycle admission
/// plugin refuses new content meanwhile with 403): `uninstall --delete-namespace` reports it
/// deleted once it is gone, and an install into one still terminating waits for it instead of
/// failing inside istioctl.
#[test]
fn a_terminating_namespace_is_waited_for() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(CLUSTER)
            .ready_delay(Duration::from_millis(100))
            .namespace_termination(Duration::from_secs(2)),
    );
    c.install(&[]);
    let out = c
        .istioup()
        .args(["uninstall", "-y", "--delete-namespace"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        c.get("/api/v1/namespaces/istio-system").is_none(),
        "{}",
        text(&out.stderr)
    );

    c.install(&[]);
    let out = c.istioup().args(["uninstall", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(c.sim.delete("/api/v1/namespaces/istio-system"));
    let out = c.istioup().args(["install", "-y"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("waiting for namespace istio-system to finish terminating"),
        "{}",
        text(&out.stderr)
    );
    assert!(c.get(ISTIOD).is_some());
}

/// The plan names what istioup itself made (its addons, its PeerAuthentications) only when
/// there is some, and a re-run after Istio is already gone still removes them: an uninstall
/// interrupted after istioctl finished (or one with --keep-addons) is not "nothing to remove"
/// while istioup's own objects are left.
#[test]
fn istioups_own_objects_are_planned_and_removed_even_after_istio_is_gone() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let addons = crate::support::repo_root().join("tests/fixtures/istio/1.30.3/samples/addons");
    let out = c
        .istioup()
        .args(["addons", "enable", "grafana", "-y", "--addons-dir"])
        .arg(&addons)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let dry = |extra: &[&str]| {
        let out = c
            .istioup()
            .args(["uninstall", "--dry-run"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        text(&out.stderr)
    };
    let plan = dry(&[]);
    assert!(
        plan.contains("delete the addons istioup installed: grafana (istio-system)"),
        "{plan}"
    );
    assert!(!plan.contains("PeerAuthentications"), "{plan}");
    assert!(!dry(&["--keep-addons"]).contains("addons"));

    let out = c
        .istioup()
        .args(["uninstall", "-y", "--keep-addons"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // istioup's PeerAuthentication (as `istioup mtls` labels it), made while Istio was gone.
    c.sim
        .apply_yaml(
            "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\n  labels: {app.kubernetes.io/managed-by: istioup}\nspec: {mtls: {mode: STRICT}}\n",
        )
        .unwrap();
    let plan = dry(&[]);
    assert!(plan.contains("grafana (istio-system)"), "{plan}");
    assert!(plan.contains("`istioup mtls` made: shop/default"), "{plan}");
    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["result"], "removed", "{doc}");
    assert_eq!(doc["removed"]["peer_authentications"][0], "shop/default", "{doc}");
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/grafana")
            .is_none()
    );
    assert!(
        c.get("/apis/security.istio.io/v1/namespaces/shop/peerauthentications/default")
            .is_none()
    );
}

/// `--purge` strips the injection labels of many namespaces from one list of them, as `enable`
/// and `disable` read them, not with a GET of each; someone else's label goes too (`--purge`
/// removes what Istio reads, `src/act/uninstall.rs`), and a namespace without one is left unwritten.
#[test]
fn purge_strips_many_namespaces_from_one_list() {
    let c = Cluster::start(CLUSTER);
    c.install(&[]);
    let mut yaml = String::new();
    for i in 1..=6 {
        let label = match i {
            6 => "{}".to_string(),
            5 => "{istio.io/rev: canary}".to_string(),
            _ => "{istio-injection: enabled}".to_string(),
        };
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: team-{i}, labels: {label}}}\n"
        ));
    }
    c.sim.apply_yaml(&yaml).unwrap();
    let before = c.sim.requests().len();
    let out = c
        .istioup()
        .args(["uninstall", "--purge", "--no-backup", "-y"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    for i in 1..=5 {
        let labels = c.namespace_labels(&format!("team-{i}"));
        assert!(
            labels.get("istio-injection").is_none() && labels.get("istio.io/rev").is_none(),
            "team-{i}: {labels}"
        );
    }
    let requests = c.sim.requests()[before..].to_vec();
    let one_namespace = |method: &str, r: &str| {
        let prefix = format!("{method} /api/v1/namespaces/team-");
        r.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/'))
    };
    let gets: Vec<&String> = requests.iter().filter(|r| one_namespace("GET", r)).collect();
    assert!(gets.is_empty(), "one GET per namespace: {gets:?}");
    let patches: Vec<&String> = requests.iter().filter(|r| one_namespace("PATCH", r)).collect();
    assert_eq!(patches.len(), 5, "team-6 has nothing to strip: {patches:?}");
}

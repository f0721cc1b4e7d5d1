//! On a flaky API server (5xx answers, dropped connections), bulk work finishes with exactly the
//! state it reaches without faults: every request istioup can repeat safely is retried, as
//! client-go retries (k8s.io/client-go/rest/request.go: retries on 5xx/429 with Retry-After and
//! on connection resets for idempotent verbs).
use kubesim::Sim;

use crate::cluster::Cluster;
use crate::support::{code, text};

/// How many of `many_namespaces`' namespaces carry the injection label.
fn app_labelled(c: &Cluster) -> usize {
    c.labelled_namespaces()
        .iter()
        .filter(|n| n.starts_with("app-"))
        .count()
}

fn many_namespaces(n: usize) -> String {
    let mut yaml =
        String::from("nodes:\n  - {name: worker-1, capacity: {cpu: '8', memory: 16Gi}}\nnamespaces:\n");
    for i in 0..n {
        yaml.push_str(&format!("  - name: app-{i:03}\n"));
    }
    yaml
}

#[test]
fn bulk_labelling_finishes_on_a_flaky_server() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(150)));
    c.install(&[]);
    c.sim.faults().set_error_rate(0.1, &[500, 503, 429]);
    c.sim.faults().set_drop_rate(0.05);
    let out = c
        .istioup()
        .args(["enable", "namespace", "--all", "-o", "json"])
        .output()
        .unwrap();
    c.sim.faults().clear();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // --all takes every namespace Istio may inject: the 150 and `default`.
    let labelled = c.labelled_namespaces();
    for i in 0..150 {
        assert!(
            labelled.contains(&format!("app-{i:03}")),
            "app-{i:03} not labelled: {labelled:?}"
        );
    }
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

/// A server that accepts the connection and never answers fails in bounded time
/// (`--request-timeout`, kubectl's flag).
#[test]
fn a_server_that_never_answers_fails_in_bounded_time() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{{name: c, context: {{cluster: k, user: u}}}}]\nclusters: [{{name: k, cluster: {{server: 'http://{addr}'}}}}]\nusers: [{{name: u, user: {{token: abcdefgh}}}}]\n"
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = crate::support::istioup(dir.path())
        .args(["status", "--request-timeout", "2s", "--kubeconfig"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(
        text(&out.stderr).contains("did not answer within 2s"),
        "{}",
        text(&out.stderr)
    );
}

/// A continue token the server has forgotten (410 Gone, as etcd compaction causes) makes the
/// list start over whole, as client-go's pager does, instead of failing the command.
#[test]
fn an_expired_continue_token_relists() {
    let c = Cluster::with(Sim::builder().generate(3, 1_200, 5));
    c.sim.faults().set_expire_continue(true);
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    c.sim.faults().clear();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pods: u64 = doc["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["pods"].as_u64().unwrap())
        .sum();
    assert_eq!(pods, 1_200, "every pod counted once");
}

/// The namespaces istioup labels come from one list, not a GET each; each PATCH carries the
/// resourceVersion it was decided from.
#[test]
fn bulk_labelling_reads_namespaces_with_one_list() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(120)));
    c.install(&[]);
    c.sim.clear_requests();
    let out = c
        .istioup()
        .args(["enable", "namespace", "--all"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let requests = c.sim.requests();
    let single_gets = requests
        .iter()
        .filter(|r| r.starts_with("GET /api/v1/namespaces/app-") && !r["GET ".len()..].contains("/pods"))
        .filter(|r| r.split('?').next().unwrap().matches('/').count() == 4)
        .count();
    assert_eq!(single_gets, 0, "a GET per namespace: {requests:#?}");
    let patches = requests
        .iter()
        .filter(|r| r.starts_with("PATCH /api/v1/namespaces/app-"))
        .count();
    assert_eq!(patches, 120, "{requests:#?}");
    assert_eq!(app_labelled(&c), 120);
}

/// Two `enable --all` at once: the second waits for the first one's lock, then finds every
/// namespace labelled, so between them each namespace is labelled exactly once.
#[test]
fn concurrent_runs_label_each_namespace_once() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(&many_namespaces(100))
            .latency(std::time::Duration::from_millis(5)),
    );
    c.install(&[]);
    let spawn = || {
        c.command()
            .args([
                "enable",
                "namespace",
                "--all",
                "--wait-for-lock",
                "2m",
                "-o",
                "json",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let mut labelled = 0;
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        labelled += doc["namespaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["change"] == "labelled")
            .count();
    }
    // The 100 and `default`.
    assert_eq!(labelled, 101);
    assert!(
        c.get("/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istioup-lock")
            .is_none(),
        "the lock is released"
    );
}

fn lease(holder: &str, renewed: &str) -> String {
    format!(
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: istioup-lock\n  namespace: istio-system\n  annotations: {{istioup.io/command: install}}\nspec:\n  holderIdentity: {holder}\n  leaseDurationSeconds: 60\n  acquireTime: '{renewed}'\n  renewTime: '{renewed}'\n"
    )
}

fn micro_time(offset_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset_seconds;
    k8s_openapi::jiff::Timestamp::from_second(now)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        .to_string()
}

/// Another istioup holds the lock (a live Lease, as client-go's leaselock shapes one): the
/// command refuses with exit 3, names the holder, and changes nothing.
#[test]
fn a_held_lock_refuses_and_names_its_holder() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(5)));
    c.install(&[]);
    c.sim
        .apply_yaml(&lease("istioup@ci-7/4242", &micro_time(-5)))
        .unwrap();
    let out = c
        .istioup()
        .args(["enable", "namespace", "--all", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("istioup@ci-7/4242") && err.contains("\"install\""),
        "{err}"
    );
    assert!(err.contains("--wait-for-lock"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["exit_code"], 3);
    assert_eq!(app_labelled(&c), 0);
}

/// A lease nobody renewed for its duration belongs to a crashed run: it is taken over.
#[test]
fn a_stale_lock_is_taken_over() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(5)));
    c.install(&[]);
    c.sim
        .apply_yaml(&lease("istioup@gone/1", &micro_time(-600)))
        .unwrap();
    let out = c
        .istioup()
        .args(["enable", "namespace", "--all"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(app_labelled(&c), 5);
    assert!(
        c.get("/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istioup-lock")
            .is_none()
    );
}

/// A create of the lease that the server fails (a 500 or 503 may come after the write, or
/// before it) is checked with a read and tried again, as a lost answer is
/// (src/act/lock.rs `try_take`); when every try fails, the server's answer is the error and
/// nothing is changed.
#[test]
fn a_failed_lease_create_is_checked_and_tried_again() {
    // `enable --all` on a fresh cluster whose next lease creates fail with `codes`.
    let enable = |codes: &[u16]| {
        let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(5)));
        c.install(&[]);
        c.sim.faults().fail_next_on("POST", "/leases", codes);
        let out = c
            .istioup()
            .args(["enable", "namespace", "--all"])
            .output()
            .unwrap();
        (code(&out), text(&out.stderr), app_labelled(&c))
    };
    let (exit, err, labelled) = enable(&[500, 503]);
    assert_eq!((exit, labelled), (0, 5), "{err}");
    let (exit, err, labelled) = enable(&[500, 500, 500]);
    assert_ne!(exit, 0, "{err}");
    assert!(
        err.contains("cannot take the lock") && err.contains("500"),
        "{err}"
    );
    assert_eq!(labelled, 0);
}

/// Stopped half-way (SIGTERM while labelling), the JSON document lists what was done next to
/// the error, and exactly that is on the cluster.
#[test]
fn an_interrupted_bulk_label_reports_what_it_did() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(&many_namespaces(400))
            .latency(std::time::Duration::from_millis(30)),
    );
    c.install(&[]);
    let child = c
        .command()
        .args(["enable", "namespace", "--all", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    assert!(
        c.sim.wait_for(std::time::Duration::from_secs(60), |_| {
            c.labelled_namespaces().iter().any(|n| n.starts_with("app-"))
        }),
        "labelling never started"
    );
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["exit_code"], 130);
    let done: Vec<String> = doc["done"]
        .as_array()
        .expect("done")
        .iter()
        .filter(|e| e["action"] == "labelled")
        .map(|e| {
            e["object"]
                .as_str()
                .unwrap()
                .trim_start_matches("namespace/")
                .to_string()
        })
        .collect();
    let mut on_cluster: Vec<String> = c
        .labelled_namespaces()
        .into_iter()
        .filter(|n| n.starts_with("app-"))
        .collect();
    let mut reported: Vec<String> = done.into_iter().filter(|n| n.starts_with("app-")).collect();
    on_cluster.sort();
    reported.sort();
    assert!(!reported.is_empty() && reported.len() < 400, "{}", reported.len());
    assert_eq!(reported, on_cluster);
    assert!(
        text(&out.stderr).contains("done before it stopped:"),
        "{}",
        text(&out.stderr)
    );
}

/// SIGTERM before anything changed (here: while the preflight reads a slow cluster) exits 130,
/// as Ctrl-C does, and says nothing was changed.
#[test]
fn sigterm_during_preflight_exits_130() {
    let c = Cluster::with(
        Sim::builder()
            .cluster_yaml(&many_namespaces(3))
            .latency(std::time::Duration::from_millis(400)),
    );
    let child = c
        .command()
        .args(["install", "-y"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(600));
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nothing on the cluster was changed"),
        "{}",
        text(&out.stderr)
    );
    assert!(c.install_calls().is_empty());
}

/// An exec credential plugin that never hands over a credential fails the command in bounded
/// time, naming the plugin (kubectl would wait forever).
#[test]
fn a_hanging_exec_plugin_times_out() {
    use std::os::unix::fs::PermissionsExt;
    let c = Cluster::start("nodes: []\n");
    let plugin = c.dir.path().join("bin/slow-login");
    std::fs::write(&plugin, "#!/bin/sh\nsleep 30\n").unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let kubeconfig = c.dir.path().join("exec-config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{{name: c, context: {{cluster: k, user: u}}}}]\nclusters: [{{name: k, cluster: {{server: '{}', insecure-skip-tls-verify: true}}}}]\nusers: [{{name: u, user: {{exec: {{apiVersion: client.authentication.k8s.io/v1, command: {}, interactiveMode: Never}}}}}}]\n",
            c.sim.url(),
            plugin.display()
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = c
        .istioup()
        .env("KUBECONFIG", &kubeconfig)
        .env("ISTIOUP_EXEC_TIMEOUT_SECS", "2")
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("slow-login") && err.contains("did not finish within 2s"),
        "{err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
}

/// A server that answers 500 is reachable: the message says what it answered (code, reason,
/// message), never kube-rs' debug dump of the Status.
#[test]
fn a_failing_server_is_not_called_unreachable() {
    let c = Cluster::start("nodes: []\n");
    c.sim.faults().set_error_rate(1.0, &[500]);
    let out = c.istioup().args(["status", "-o", "json"]).output().unwrap();
    c.sim.faults().clear();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("answered GET /version with an error"), "{err}");
    assert!(err.contains("the API server answered 500"), "{err}");
    assert!(
        !err.contains("cannot reach") && !err.contains("Status {"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["exit_code"], 1);
}

/// A kubeconfig whose CA did not sign the server's certificate: said as such, with the fix.
#[test]
fn an_untrusted_server_certificate_is_named() {
    let a = Cluster::with(Sim::builder().cluster_yaml("nodes: []\n").tls(true));
    let b = Sim::builder()
        .cluster_yaml("nodes: []\n")
        .tls(true)
        .start()
        .unwrap();
    let config = std::fs::read_to_string(a.sim.kubeconfig()).unwrap();
    let wrong = a.dir.path().join("wrong-ca");
    std::fs::write(&wrong, config.replace(a.sim.url(), b.url())).unwrap();
    let out = a
        .istioup()
        .env("KUBECONFIG", &wrong)
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("cannot verify the TLS certificate"), "{err}");
    assert!(err.contains("certificate-authority"), "{err}");
}

/// `--wait-for-lock` says what it waits for, then gives up when the holder keeps it.
#[test]
fn waiting_for_the_lock_is_announced_and_bounded() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(2)));
    c.install(&[]);
    c.sim
        .apply_yaml(&lease("istioup@ci-7/4242", &micro_time(0)))
        .unwrap();
    let out = c
        .istioup()
        .args(["disable", "namespace", "--all", "--wait-for-lock", "3s"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("waiting up to 3s for the lock istio-system/istioup-lock: istioup@ci-7/4242"),
        "{err}"
    );
}

/// The whole journey on a throttled server: install with `--inject-all`, then uninstall, each
/// finishing with the state a healthy server gives. The answers are 429 and 503 with
/// `Retry-After`, the ones real istioctl retries too (client-go's rest client retries a response
/// that carries Retry-After: k8s.io/client-go/rest/request.go checkWait); 500s and dropped
/// connections, which istioctl would not survive, are covered for istioup's own bulk work above.
/// The rate is 3%: the stand-in's client (kube-rs' default retry) gives up after a few answers
/// in a row, where client-go tries ten times, and an install sends thousands of requests.
#[test]
fn install_and_uninstall_finish_on_a_throttled_server() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(60)));
    c.sim.faults().set_error_rate(0.03, &[503, 429]);
    let out = c
        .istioup()
        .args(["install", "-y", "--inject-all", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = c
        .istioup()
        .args(["uninstall", "-y", "-o", "json"])
        .output()
        .unwrap();
    c.sim.faults().clear();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        c.labelled_namespaces().is_empty(),
        "{:?}",
        c.labelled_namespaces()
    );
    assert!(
        c.get("/apis/apps/v1/namespaces/istio-system/deployments/istiod")
            .is_none()
    );
    assert!(
        c.list("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations")
            .is_empty(),
        "no injector left"
    );
}

/// `istioup mtls` changes PeerAuthentications under the same lock as install: a held lock
/// refuses before anything is written (exit 3, result `locked`); once free, the change is made
/// and the lease released.
#[test]
fn mtls_changes_take_the_lock() {
    let c = Cluster::with(Sim::builder().cluster_yaml(&many_namespaces(1)));
    c.install(&[]);
    c.sim
        .apply_yaml(&lease("istioup@ci-7/4242", &micro_time(-5)))
        .unwrap();
    let pa = "/apis/security.istio.io/v1/namespaces/app-000/peerauthentications/default";
    let run = || {
        c.istioup()
            .args(["mtls", "permissive", "app-000", "-y", "-o", "json"])
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("istioup@ci-7/4242"),
        "{}",
        text(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["result"], "locked", "{doc}");
    assert!(c.get(pa).is_none());

    assert!(
        c.sim
            .delete("/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istioup-lock")
    );
    let out = run();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(c.get(pa).is_some());
    assert!(
        c.get("/apis/coordination.k8s.io/v1/namespaces/istio-system/leases/istioup-lock")
            .is_none()
    );
}

//! On a flaky API server (5xx answers, dropped connections), bulk work finishes with exactly the
//! state it reaches without faults: every request istioup can repeat safely is retried, as
//! client-go retries (k8s.io/client-go/rest/request.go: retries on 5xx/429 with Retry-After and
//! on connection resets for idempotent verbs).
use kubesim::Sim;

use crate::cluster::Cluster;
use crate::support::{code, text};

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

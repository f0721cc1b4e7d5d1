//! How `istioup check` and `istioup status` scale: on a simulated 5,000-node / 150,000-pod
//! cluster they read nodes, pods, namespaces and services once, in pages, and judge them. The peer, measured in the same
//! run against the same server, is what an admin would type to get the same raw data:
//! `kubectl get nodes` + `kubectl get pods -A` with the same page size. Reported: wall time and
//! peak memory (via /usr/bin/time when present) of each, and their ratio. No assertions.
//!
//! `status` exits 0 (no Istio installed) and `check` 0 or 3 (a check may fail): both fine here.
//! `cargo bench --bench large_cluster` (sizes: ISTIOUP_BENCH_NODES, ISTIOUP_BENCH_PODS).
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Run {
    seconds: f64,
    peak_kib: Option<u64>,
}

/// Runs `argv` under /usr/bin/time (if present) and returns wall time and peak RSS.
fn measure(argv: &[&str], envs: &[(&str, &Path)], stdout_null: bool) -> Run {
    let timer = Path::new("/usr/bin/time");
    let stats = tempfile::NamedTempFile::new().expect("temp file");
    let mut cmd = if timer.exists() {
        let mut c = Command::new(timer);
        c.arg("-f").arg("%M").arg("-o").arg(stats.path()).args(argv);
        c
    } else {
        let mut c = Command::new(argv[0]);
        c.args(&argv[1..]);
        c
    };
    for (k, v) in envs {
        cmd.env(k, v);
    }
    if stdout_null {
        cmd.stdout(std::process::Stdio::null());
    }
    let start = Instant::now();
    let status = cmd.status().expect("command runs");
    let seconds = start.elapsed().as_secs_f64();
    // check exits 3 when a check fails (e.g. the LoadBalancer warning with --fail-on warn): fine here.
    assert!(status.code().is_some(), "{argv:?} was killed");
    let peak_kib = std::fs::read_to_string(stats.path())
        .ok()
        .and_then(|s| s.trim().lines().last()?.parse().ok());
    Run { seconds, peak_kib }
}

fn main() {
    let nodes = env("ISTIOUP_BENCH_NODES", 5_000);
    let pods = env("ISTIOUP_BENCH_PODS", 150_000);
    let start = Instant::now();
    let sim = kubesim::Sim::builder()
        .cluster_yaml("nodes: []\n")
        .generate(nodes, pods, 100)
        .start()
        .expect("kubesim");
    println!(
        "seeded {nodes} nodes / {pods} pods in {:.2}s",
        start.elapsed().as_secs_f64()
    );

    let home = tempfile::tempdir().expect("temp dir");
    let kubeconfig = sim.kubeconfig();
    let istioup = env!("CARGO_BIN_EXE_istioup");
    let ours = measure(
        &[istioup, "check", "-o", "json", "--skip-check", "istioctl"],
        &[("KUBECONFIG", kubeconfig), ("HOME", home.path())],
        true,
    );
    report("istioup check", &ours);
    let status = measure(
        &[istioup, "status", "-o", "json"],
        &[("KUBECONFIG", kubeconfig), ("HOME", home.path())],
        true,
    );
    report("istioup status", &status);

    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        println!("kubectl not found: no peer measured");
        return;
    }
    let cache = home.path().join("kube-cache");
    let kc = kubeconfig.to_string_lossy().into_owned();
    let cache = cache.to_string_lossy().into_owned();
    let base = [
        "--kubeconfig",
        kc.as_str(),
        "--cache-dir",
        cache.as_str(),
        "--chunk-size=500",
        "-o",
        "name",
    ];
    let mut peer_nodes = vec!["kubectl", "get", "nodes"];
    peer_nodes.extend(base);
    let mut peer_pods = vec!["kubectl", "get", "pods", "-A"];
    peer_pods.extend(base);
    let a = measure(&peer_nodes, &[("HOME", home.path())], true);
    let b = measure(&peer_pods, &[("HOME", home.path())], true);
    let peer = Run {
        seconds: a.seconds + b.seconds,
        peak_kib: a.peak_kib.zip(b.peak_kib).map(|(x, y)| x.max(y)),
    };
    report("kubectl get nodes + pods -A", &peer);
    for (what, run) in [("check", &ours), ("status", &status)] {
        println!(
            "ratio istioup {what}/kubectl: time {:.2}",
            run.seconds / peer.seconds
        );
        if let (Some(o), Some(p)) = (run.peak_kib, peer.peak_kib) {
            println!(
                "ratio istioup {what}/kubectl: peak memory {:.2}",
                o as f64 / p as f64
            );
        }
    }
}

fn report(what: &str, run: &Run) {
    let memory = run
        .peak_kib
        .map(|k| format!(", peak {} MiB", k / 1024))
        .unwrap_or_default();
    println!("{what}: {:.2}s{memory}", run.seconds);
}

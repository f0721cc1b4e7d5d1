//! How istioup scales, always as a ratio against a peer run in the same process on the same
//! simulated cluster (kubesim over HTTPS, with a bearer token, as a real API server):
//!
//! 1. `istioup check` and `istioup status` on a big cluster (default 5,000 nodes / 150,000 pods
//!    in 100 namespaces) at each added latency (default 0 and 10 ms), against
//!    - the transfer floor: a minimal client (hyper over the same rustls TLS, no kube-rs, no
//!      decoding) fetching the same big lists (nodes, namespaces, pods, services) serially with
//!      500-item pages and with the best page size, bodies discarded, as JSON, and with the best
//!      page size as protobuf (what istioup asks for);
//!    - kubectl getting the same lists (`kubectl get nodes,namespaces,pods,services -A -o json`,
//!      500-item chunks).
//!
//!    Wall time, CPU time (user + sys) and peak RSS of each, and the ratios.
//! 2. Scaling: check and status at 1k/2.5k/5k/10k nodes, 30 pods per node.
//! 3. `istioup render` against `kubectl version --client`: start-up cost without a cluster.
//! 4. `istioup enable namespace --all -y` / `disable namespace --all -y` on 2,000 namespaces
//!    against `kubectl label namespace --all`.
//!
//! No assertions. `cargo bench --bench large_cluster`; sizes by environment (a quick run:
//! `ISTIOUP_BENCH_NODES=500 ISTIOUP_BENCH_SCALE=200,400 ISTIOUP_BENCH_LABEL_NAMESPACES=100`):
//! ISTIOUP_BENCH_NODES (5000), ISTIOUP_BENCH_PODS (30 per node), ISTIOUP_BENCH_NAMESPACES (100),
//! ISTIOUP_BENCH_LATENCIES_MS ("0,10"), ISTIOUP_BENCH_BEST_PAGE (5000),
//! ISTIOUP_BENCH_SCALE ("1000,2500,5000,10000"; empty skips), ISTIOUP_BENCH_SCALE_LATENCY_MS
//! (10), ISTIOUP_BENCH_LABEL_NAMESPACES (2000; 0 skips), ISTIOUP_BENCH_PARTS
//! ("big,scale,render,label"), ISTIOUP_BENCH_REPEAT (5: part 1 shows each command's medians
//! over that many runs, kubectl's excepted, which runs once).
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use kube::client::ConfigExt;

const TOKEN: &str = "bench-token";
/// Set in the environment of the bench's own re-run as the floor client.
const FLOOR_ENV: &str = "ISTIOUP_BENCH_FLOOR";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn part(name: &str) -> bool {
    std::env::var("ISTIOUP_BENCH_PARTS")
        .unwrap_or_else(|_| "big,scale,render,label".into())
        .split(',')
        .any(|p| p.trim() == name)
}

/// One measured process: wall time, CPU (user + sys) and peak RSS, from /usr/bin/time.
#[derive(Clone, Copy, Default)]
struct Run {
    seconds: f64,
    cpu: f64,
    peak_kib: u64,
}

impl Run {
    fn plus(self, other: Run) -> Run {
        Run {
            seconds: self.seconds + other.seconds,
            cpu: self.cpu + other.cpu,
            peak_kib: self.peak_kib.max(other.peak_kib),
        }
    }
}

fn measure(argv: &[&str], envs: &[(&str, &str)]) -> Run {
    let stats = tempfile::NamedTempFile::new().expect("temp file");
    let mut cmd = Command::new("/usr/bin/time");
    cmd.arg("-f")
        .arg("%U %S %M")
        .arg("-o")
        .arg(stats.path())
        .args(argv);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.stdout(std::process::Stdio::null());
    let start = Instant::now();
    let status = cmd.status().expect("command runs");
    let seconds = start.elapsed().as_secs_f64();
    // check exits 3 when a check fails, status 1 when degraded: fine here; a crash is not.
    assert!(
        status.code().is_some_and(|c| c < 100),
        "{argv:?} failed: {status}"
    );
    let text = std::fs::read_to_string(stats.path()).unwrap_or_default();
    let last = text.trim().lines().last().unwrap_or_default().to_string();
    let f: Vec<f64> = last.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    Run {
        seconds,
        cpu: f.first().copied().unwrap_or(0.0) + f.get(1).copied().unwrap_or(0.0),
        peak_kib: f.get(2).copied().unwrap_or(0.0) as u64,
    }
}

fn show(what: &str, run: Run) {
    println!(
        "  {what:<44} {:>7.2}s  cpu {:>6.2}s  peak {:>5} MiB",
        run.seconds,
        run.cpu,
        run.peak_kib / 1024
    );
}

fn ratio(what: &str, ours: Run, peer: Run) {
    println!(
        "  ratio {what:<38} time {:>5.2}  cpu {:>5.2}  peak {:>5.2}",
        ours.seconds / peer.seconds,
        ours.cpu / peer.cpu.max(0.001),
        ours.peak_kib as f64 / peer.peak_kib.max(1) as f64
    );
}

struct Cluster {
    sim: kubesim::Sim,
    home: tempfile::TempDir,
}

impl Cluster {
    fn new(nodes: usize, pods: usize, namespaces: usize) -> Cluster {
        let start = Instant::now();
        let sim = kubesim::Sim::builder()
            .cluster_yaml("nodes: []\n")
            .generate(nodes, pods, namespaces)
            .tls(true)
            .token(TOKEN)
            .start()
            .expect("kubesim");
        println!(
            "seeded {nodes} nodes / {pods} pods / {namespaces} namespaces in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        Cluster {
            sim,
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn kubeconfig(&self) -> &str {
        self.sim.kubeconfig().to_str().expect("utf-8 path")
    }

    fn envs(&self) -> Vec<(&str, &str)> {
        vec![
            ("KUBECONFIG", self.kubeconfig()),
            ("HOME", self.home.path().to_str().expect("utf-8 path")),
        ]
    }

    fn istioup(&self, args: &[&str]) -> Run {
        let mut argv = vec![env!("CARGO_BIN_EXE_istioup")];
        argv.extend(args);
        measure(&argv, &self.envs())
    }

    fn check(&self) -> Run {
        self.istioup(&["check", "-o", "json", "--skip-check", "istioctl"])
    }

    fn status(&self) -> Run {
        self.istioup(&["status", "-o", "json"])
    }

    fn kubectl(&self, args: &[&str]) -> Run {
        let cache = self.home.path().join("kube-cache");
        let cache = cache.to_str().expect("utf-8 path");
        let mut argv = vec!["kubectl", "--kubeconfig", self.kubeconfig(), "--cache-dir", cache];
        argv.extend(args);
        measure(&argv, &self.envs())
    }

    /// The bench itself, re-run as the floor client with `page`-item pages, asking for JSON or
    /// for protobuf.
    fn floor(&self, page: usize, protobuf: bool) -> Run {
        let me = std::env::current_exe().expect("bench path");
        let page = format!("{page}{}", if protobuf { ",protobuf" } else { "" });
        let mut envs = self.envs();
        envs.push((FLOOR_ENV, &page));
        measure(&[me.to_str().expect("utf-8 path")], &envs)
    }
}

fn have_kubectl() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok()
}

/// The lists `check` reads whose size grows with the cluster.
const BIG_LISTS: &[&str] = &[
    "/api/v1/nodes",
    "/api/v1/namespaces",
    "/api/v1/pods",
    "/api/v1/services",
];

/// The floor client: hyper over kube's rustls configuration for the kubeconfig, one
/// connection, each list read serially page by page, each body received whole and dropped;
/// the continue token is found by a byte search in the metadata, which the server writes
/// first. With `protobuf` it asks for protobuf, as istioup does, and reads the token with
/// istioup's own reader of the list's metadata (the items are skipped by their length).
fn floor_client(page: usize, protobuf: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = kube::Config::infer().await.expect("kubeconfig");
        let connector = config.rustls_https_connector().expect("TLS connector");
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build::<_, Empty<Bytes>>(connector);
        let base = config.cluster_url.to_string();
        let base = base.trim_end_matches('/');
        let mut bytes = 0usize;
        for list in BIG_LISTS {
            let mut token = String::new();
            loop {
                let uri = format!("{base}{list}?limit={page}&continue={token}");
                let request = hyper::Request::get(uri)
                    .header("authorization", format!("Bearer {TOKEN}"))
                    .header("accept", if protobuf { PROTOBUF } else { "application/json" })
                    .body(Empty::new())
                    .expect("request");
                let answer = client.request(request).await.expect("answer");
                assert!(answer.status().is_success(), "{list}: {}", answer.status());
                let body = answer.into_body().collect().await.expect("body").to_bytes();
                bytes += body.len();
                let next = if protobuf {
                    next_proto_token(&body)
                } else {
                    next_token(&body)
                };
                match next {
                    Some(next) => token = next,
                    None => break,
                }
            }
        }
        println!("{bytes}");
    });
}

const PROTOBUF: &str = "application/vnd.kubernetes.protobuf,application/json";

fn next_proto_token(body: &[u8]) -> Option<String> {
    use istioup::k8s::proto;
    let token = proto::continue_token(proto::unwrap(body).ok()?).ok()??;
    Some(token.replace('=', "%3D").replace('+', "%2B").replace('/', "%2F"))
}

fn next_token(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(4096)];
    let key = b"\"continue\":\"";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let end = head[at..].iter().position(|&b| b == b'"')? + at;
    let token = std::str::from_utf8(&head[at..end]).ok()?;
    (!token.is_empty()).then(|| token.replace('=', "%3D").replace('+', "%2B").replace('/', "%2F"))
}

/// kubesim encodes an object in protobuf by reflection, far slower than a real API server's
/// generated marshallers, and keeps each object's encoding; one unmeasured protobuf read of
/// the big lists fills that cache, so that what is timed is the transfer, not kubesim's encoder.
fn warm_protobuf(cluster: &Cluster) {
    let warm = cluster.floor(5_000, true);
    println!(
        "kubesim's protobuf cache filled in {:.1}s (not measured)",
        warm.seconds
    );
}

/// Each command's median wall time, CPU and peak RSS over `repeat` runs, the commands taking
/// turns round by round, so that a busy moment of the (shared) machine falls on all alike.
fn medians<const N: usize>(repeat: usize, commands: [&dyn Fn() -> Run; N]) -> [Run; N] {
    let mut runs: [Vec<Run>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..repeat {
        for (command, runs) in commands.iter().zip(runs.iter_mut()) {
            runs.push(command());
        }
    }
    runs.map(|runs| {
        let median = |key: fn(&Run) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(key).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        Run {
            seconds: median(|r| r.seconds),
            cpu: median(|r| r.cpu),
            peak_kib: median(|r| r.peak_kib as f64) as u64,
        }
    })
}

fn big(best_page: usize) {
    let nodes = env("ISTIOUP_BENCH_NODES", 5_000);
    let pods = env("ISTIOUP_BENCH_PODS", nodes * 30);
    let namespaces = env("ISTIOUP_BENCH_NAMESPACES", 100);
    let repeat = env("ISTIOUP_BENCH_REPEAT", 5).max(1);
    let cluster = Cluster::new(nodes, pods, namespaces);
    let kubectl = have_kubectl();
    warm_protobuf(&cluster);
    for latency in env_list("ISTIOUP_BENCH_LATENCIES_MS", "0,10") {
        cluster
            .sim
            .faults()
            .set_latency(Duration::from_millis(latency as u64));
        println!("\n{nodes} nodes / {pods} pods, {latency} ms latency (medians of {repeat} runs):");
        let [check, status, floor, best, best_pb] = medians(
            repeat,
            [
                &|| cluster.check(),
                &|| cluster.status(),
                &|| cluster.floor(500, false),
                &|| cluster.floor(best_page, false),
                &|| cluster.floor(best_page, true),
            ],
        );
        show("istioup check", check);
        show("istioup status", status);
        show("floor, serial 500-item pages", floor);
        show(&format!("floor, serial {best_page}-item pages"), best);
        show(
            &format!("floor, serial {best_page}-item pages, protobuf"),
            best_pb,
        );
        let peer = kubectl.then(|| {
            let run = cluster.kubectl(&[
                "get",
                "nodes,namespaces,pods,services",
                "-A",
                "-o",
                "json",
                "--chunk-size=500",
            ]);
            show("kubectl get nodes,namespaces,pods,services", run);
            run
        });
        for (what, ours) in [("check", check), ("status", status)] {
            ratio(&format!("{what} / floor 500"), ours, floor);
            ratio(&format!("{what} / floor {best_page}"), ours, best);
            ratio(&format!("{what} / floor {best_page} protobuf"), ours, best_pb);
            if let Some(peer) = peer {
                ratio(&format!("{what} / kubectl"), ours, peer);
            }
        }
    }
}

fn scale() {
    let sizes = env_list("ISTIOUP_BENCH_SCALE", "1000,2500,5000,10000");
    if sizes.is_empty() {
        return;
    }
    let latency = env("ISTIOUP_BENCH_SCALE_LATENCY_MS", 10);
    println!("\nscaling, 30 pods per node, 100 namespaces, {latency} ms latency:");
    let mut rows = Vec::new();
    for nodes in sizes {
        let cluster = Cluster::new(nodes, nodes * 30, 100);
        warm_protobuf(&cluster);
        cluster
            .sim
            .faults()
            .set_latency(Duration::from_millis(latency as u64));
        let check = cluster.check();
        let status = cluster.status();
        show(&format!("{nodes} nodes: check"), check);
        show(&format!("{nodes} nodes: status"), status);
        rows.push((nodes, check, status));
    }
    println!("  nodes     pods   check s  MiB   status s  MiB   KiB/pod (status)");
    for (nodes, check, status) in &rows {
        println!(
            "  {nodes:>6} {:>8} {:>8.2} {:>5} {:>9.2} {:>5} {:>8.2}",
            nodes * 30,
            check.seconds,
            check.peak_kib / 1024,
            status.seconds,
            status.peak_kib / 1024,
            status.peak_kib as f64 / (nodes * 30) as f64
        );
    }
}

fn render() {
    println!("\nrender (no cluster):");
    let home = tempfile::tempdir().expect("temp dir");
    let envs = [("HOME", home.path().to_str().expect("utf-8 path"))];
    let runs = 5;
    let mut ours = Run::default();
    let mut peer = Run::default();
    for _ in 0..runs {
        ours = ours.plus(measure(&[env!("CARGO_BIN_EXE_istioup"), "render"], &envs));
        if have_kubectl() {
            peer = peer.plus(measure(&["kubectl", "version", "--client"], &envs));
        }
    }
    show(&format!("istioup render ×{runs}"), ours);
    if have_kubectl() {
        show(&format!("kubectl version --client ×{runs}"), peer);
        ratio("render / kubectl version --client", ours, peer);
    }
}

fn label(latency: u64) {
    let namespaces = env("ISTIOUP_BENCH_LABEL_NAMESPACES", 2_000);
    if namespaces == 0 {
        return;
    }
    let cluster = Cluster::new(3, 0, namespaces);
    cluster.sim.faults().set_latency(Duration::from_millis(latency));
    println!("\nlabelling {namespaces} namespaces, {latency} ms latency:");
    let enable = cluster.istioup(&["enable", "namespace", "--all", "-y", "-o", "json"]);
    show("istioup enable namespace --all -y", enable);
    let disable = cluster.istioup(&["disable", "namespace", "--all", "-y", "-o", "json"]);
    show("istioup disable namespace --all -y", disable);
    if !have_kubectl() {
        return;
    }
    let on = cluster.kubectl(&[
        "label",
        "namespace",
        "--all",
        "istio-injection=enabled",
        "--overwrite",
    ]);
    show("kubectl label namespace --all ...=enabled", on);
    let off = cluster.kubectl(&["label", "namespace", "--all", "istio-injection-"]);
    show("kubectl label namespace --all ...-", off);
    ratio("enable / kubectl label", enable, on);
    ratio("disable / kubectl label", disable, off);
}

fn main() {
    if let Ok(floor) = std::env::var(FLOOR_ENV) {
        let (page, protobuf) = match floor.split_once(',') {
            Some((page, wire)) => (page, wire == "protobuf"),
            None => (floor.as_str(), false),
        };
        floor_client(page.parse().expect("page size"), protobuf);
        return;
    }
    if !Path::new("/usr/bin/time").exists() {
        println!("/usr/bin/time not found: nothing measured");
        return;
    }
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if part("big") {
        big(env("ISTIOUP_BENCH_BEST_PAGE", 5_000));
    }
    if part("scale") {
        scale();
    }
    if part("render") {
        render();
    }
    if part("label") {
        label(env("ISTIOUP_BENCH_SCALE_LATENCY_MS", 10) as u64);
    }
}

//! Seeds 5,000 nodes / 150,000 pods and pages through `GET /api/v1/pods?limit=500`, then runs
//! a peer in the same process run for a ratio: `kubectl get pods -A --chunk-size=500 -o name`
//! (when kubectl is on PATH) against the same server. Run with
//! `cargo bench -p kubesim --bench list_pods` (release build). Sizes: KUBESIM_BENCH_NODES,
//! KUBESIM_BENCH_PODS. No assertions: it prints numbers.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn env(name: &str, dflt: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(dflt)
}

fn get(hostport: &str, path: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(hostport).unwrap_or_else(|e| panic!("{e}"));
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap_or_else(|e| panic!("{e}"));
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(0);
    buf.split_off(split)
}

fn page_all(hostport: &str) -> (usize, usize, Duration) {
    let t = Instant::now();
    let (mut items, mut pages) = (0, 0);
    let mut cont = String::new();
    loop {
        let path = if cont.is_empty() {
            "/api/v1/pods?limit=500".to_string()
        } else {
            format!("/api/v1/pods?limit=500&continue={cont}")
        };
        let body = get(hostport, &path);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
        pages += 1;
        items += v["items"].as_array().map(Vec::len).unwrap_or(0);
        match v["metadata"]["continue"].as_str() {
            Some(c) if !c.is_empty() => cont = c.to_string(),
            _ => break,
        }
    }
    (items, pages, t.elapsed())
}

fn main() {
    let nodes = env("KUBESIM_BENCH_NODES", 5_000);
    let pods = env("KUBESIM_BENCH_PODS", 150_000);
    let t = Instant::now();
    let sim = kubesim::Sim::builder()
        .generate(nodes, pods, 100)
        .start()
        .unwrap_or_else(|e| panic!("{e:#}"));
    let seed = t.elapsed();
    println!("seed: {nodes} nodes, {pods} pods in {:.2}s", seed.as_secs_f64());
    let hostport = sim.url().trim_start_matches("http://").to_string();
    let (items, pages, raw) = page_all(&hostport);
    println!(
        "raw paging: {items} pods in {pages} pages of 500: {:.2}s ({:.1} ms/page)",
        raw.as_secs_f64(),
        raw.as_secs_f64() * 1000.0 / pages as f64
    );
    let kubectl = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("kubectl"))
            .find(|p| p.is_file())
    });
    match kubectl {
        Some(bin) => {
            let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let t = Instant::now();
            let out = std::process::Command::new(bin)
                .env("HOME", home.path())
                .arg("--kubeconfig")
                .arg(sim.kubeconfig())
                .args(["get", "pods", "-A", "--chunk-size=500", "-o", "name"])
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            let peer = t.elapsed();
            let lines = String::from_utf8_lossy(&out.stdout).lines().count();
            println!(
                "peer: kubectl get pods -A --chunk-size=500 -o name: {lines} pods in {:.2}s",
                peer.as_secs_f64()
            );
            println!(
                "ratio kubectl/raw: {:.2} (kubesim serving is {:.0}% of kubectl's wall time)",
                peer.as_secs_f64() / raw.as_secs_f64(),
                100.0 * raw.as_secs_f64() / peer.as_secs_f64()
            );
        }
        None => println!("peer: kubectl not on PATH; no ratio"),
    }
}

//! RBAC deny rules (SelfSubjectAccessReview and 403s), bearer tokens, and each fault.
mod common;
use common::*;
use kubesim::Sim;
use serde_json::json;
use std::time::{Duration, Instant};

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

fn ssar(verb: &str, group: &str, resource: &str) -> String {
    json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
           "spec": {"resourceAttributes": {"verb": verb, "group": group, "resource": resource}}})
    .to_string()
}

#[test]
fn access_reviews_and_forbidden() {
    let sim = start(
        Sim::builder()
            .user("alice")
            .deny("create", "customresourcedefinitions.apiextensions.k8s.io")
            .deny("patch", "namespaces"),
    );
    let u = sim.url();
    let review = |verb: &str, group: &str, res: &str| {
        let r = request(
            u,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            Some(&ssar(verb, group, res)),
        );
        assert_eq!(r.status, 201);
        r.json()["status"]["allowed"].as_bool()
    };
    assert_eq!(
        review("create", "apiextensions.k8s.io", "customresourcedefinitions"),
        Some(false)
    );
    assert_eq!(
        review("get", "apiextensions.k8s.io", "customresourcedefinitions"),
        Some(true)
    );
    assert_eq!(review("patch", "", "namespaces"), Some(false));
    assert_eq!(review("create", "", "namespaces"), Some(true));
    // The requests themselves are refused like RBAC would.
    let r = request_ct(
        u,
        "PATCH",
        "/api/v1/namespaces/default",
        r#"{"metadata":{"labels":{"a":"b"}}}"#,
        "application/merge-patch+json",
    );
    assert_eq!(r.status, 403);
    let st = r.json();
    assert_eq!(st["reason"], "Forbidden");
    assert_eq!(
        st["message"],
        "namespaces \"default\" is forbidden: User \"alice\" cannot patch resource \"namespaces\" in API group \"\" at the cluster scope"
    );
    let r = request(
        u,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some("{}"),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json()["message"],
        "customresourcedefinitions.apiextensions.k8s.io is forbidden: User \"alice\" cannot create resource \"customresourcedefinitions\" in API group \"apiextensions.k8s.io\" at the cluster scope"
    );
    assert_eq!(get(u, "/api/v1/namespaces/default").status, 200);
    // Namespaced wording.
    let sim2 = start(Sim::builder().user("bob").deny("list", "pods"));
    let r = get(sim2.url(), "/api/v1/namespaces/default/pods");
    assert_eq!(
        r.json()["message"],
        "pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
    );
}

#[test]
fn bearer_token() {
    let sim = start(Sim::builder().token("t0k"));
    let u = sim.url();
    assert_eq!(get(u, "/api/v1/namespaces").status, 401);
    assert_eq!(get(u, "/api/v1/namespaces").json()["reason"], "Unauthorized");
    let r = try_request(
        u,
        "GET",
        "/api/v1/namespaces",
        None,
        &[("Authorization", "Bearer t0k")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 200);
    let r = try_request(
        u,
        "GET",
        "/api/v1/namespaces",
        None,
        &[("Authorization", "Bearer nope")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 401);
    assert_eq!(get(u, "/version").status, 200, "version stays public");
}

#[test]
fn latency_fault() {
    let sim = start(Sim::builder().latency(Duration::from_millis(150)));
    let t = Instant::now();
    assert_eq!(get(sim.url(), "/api/v1/namespaces").status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    sim.faults().set_latency(Duration::ZERO);
    let t = Instant::now();
    get(sim.url(), "/api/v1/namespaces");
    assert!(t.elapsed() < Duration::from_millis(150));
}

#[test]
fn error_faults() {
    let sim = start(Sim::builder());
    let u = sim.url();
    sim.faults().fail_next(&[429, 503, 500]);
    let r = get(u, "/api/v1/namespaces");
    // Flow control's 429 is plain text, not a Status
    // (k8s.io/apiserver/pkg/server/filters/priority-and-fairness.go: tooManyRequests).
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.body, b"Too many requests, please try again later.\n");
    let r = get(u, "/api/v1/namespaces");
    assert_eq!(r.status, 503);
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.json()["reason"], "ServiceUnavailable");
    assert_eq!(get(u, "/api/v1/namespaces").status, 500);
    assert_eq!(get(u, "/api/v1/namespaces").status, 200);
    // A rate: all requests fail at 1.0, with codes from the list.
    sim.faults().set_error_rate(1.0, &[]);
    for _ in 0..10 {
        let s = get(u, "/api/v1/namespaces").status;
        assert!([500, 503, 429].contains(&s), "{s}");
    }
    sim.faults().set_error_rate(0.0, &[]);
    assert_eq!(get(u, "/api/v1/namespaces").status, 200);
}

#[test]
fn dropped_connections() {
    let sim = start(Sim::builder());
    let u = sim.url();
    sim.faults().drop_next(1);
    assert!(try_request(u, "GET", "/api/v1/namespaces", None, &[]).is_err());
    assert_eq!(get(u, "/api/v1/namespaces").status, 200);
    sim.faults().set_drop_rate(1.0);
    assert!(try_request(u, "GET", "/api/v1/namespaces", None, &[]).is_err());
    sim.faults().clear();
    assert_eq!(get(u, "/api/v1/namespaces").status, 200);
}

#[test]
fn expired_continue_fault_is_configurable_at_start() {
    let sim = start(Sim::builder().generate(1, 20, 1).faults(kubesim::FaultConfig {
        expire_continue: true,
        ..Default::default()
    }));
    let first = get(sim.url(), "/api/v1/pods?limit=5").json();
    let tok = first["metadata"]["continue"].as_str().unwrap_or("").to_string();
    assert!(!tok.is_empty());
    assert_eq!(
        get(sim.url(), &format!("/api/v1/pods?limit=5&continue={tok}")).status,
        410
    );
}

/// A cut answer (`Faults::cut_next_body`) sends its headers and part of its body, then the
/// connection ends without the last chunk: a client sees the body break off. Only the aimed
/// path, once per call.
#[test]
fn cut_off_answers() {
    use std::io::{Read, Write};
    let sim = start(Sim::builder());
    let exchange = |path: &str| {
        let hp = sim
            .url()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let mut s = std::net::TcpStream::connect(&hp).unwrap_or_else(|e| panic!("{e}"));
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {hp}\r\nConnection: close\r\n\r\n"
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    let whole = exchange("/api/v1/namespaces");
    assert!(
        whole.ends_with("0\r\n\r\n") || whole.contains("content-length"),
        "{whole}"
    );
    sim.faults().cut_next_body("/namespaces");
    sim.faults().cut_next_body("/api/v1/nodes");
    let cut = exchange("/api/v1/namespaces");
    assert!(cut.starts_with("HTTP/1.1 200"), "{cut}");
    assert!(!cut.ends_with("0\r\n\r\n"), "the last chunk never comes: {cut}");
    assert!(
        cut.contains("\"kind\":\"NamespaceList\""),
        "half the body is sent: {cut}"
    );
    assert!(!cut.contains("kube-system"), "the rest is not: {cut}");
    let again = exchange("/api/v1/namespaces");
    assert!(again.contains("kube-system"), "once: {again}");
}

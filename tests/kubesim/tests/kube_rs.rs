//! kube-rs (what istioup uses) against kubesim: pagination, patches, server-side apply,
//! watches, TLS and tokens.
use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use kubesim::Sim;
use serde_json::json;
use std::time::Duration;

async fn client_for(path: &std::path::Path, context: &str) -> Client {
    let kc = Kubeconfig::read_from(path).unwrap_or_else(|e| panic!("{e}"));
    let opts = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let cfg = Config::from_custom_kubeconfig(kc, &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    Client::try_from(cfg).unwrap_or_else(|e| panic!("{e}"))
}

async fn client(sim: &Sim) -> Client {
    client_for(sim.kubeconfig(), sim.context_name()).await
}

fn start(b: kubesim::SimBuilder) -> Sim {
    b.start().unwrap_or_else(|e| panic!("{e:#}"))
}

#[tokio::test]
async fn lists_with_pagination() {
    let sim = start(Sim::builder().generate(4, 1234, 3));
    let pods: Api<Pod> = Api::all(client(&sim).await);
    let mut total = 0;
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut lp = ListParams::default().limit(500);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let page = pods.list(&lp).await.unwrap_or_else(|e| panic!("{e}"));
        pages += 1;
        total += page.items.len();
        token = page.metadata.continue_.filter(|c| !c.is_empty());
        if token.is_none() {
            break;
        }
    }
    assert_eq!((total, pages), (1234, 3));
    let on_node: Api<Pod> = Api::all(client(&sim).await);
    let n1 = on_node
        .list(&ListParams::default().fields("spec.nodeName=node-0001"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        n1.items
            .iter()
            .all(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some("node-0001"))
    );
    assert!(!n1.items.is_empty());
}

#[tokio::test]
async fn merge_patch_and_server_side_apply() {
    let sim = start(Sim::builder());
    let c = client(&sim).await;
    let ns: Api<Namespace> = Api::all(c.clone());
    ns.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "mesh"}})).unwrap_or_default(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let patched = ns
        .patch(
            "mesh",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"istio-injection": "enabled"}}})),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        patched
            .metadata
            .labels
            .unwrap_or_default()
            .get("istio-injection")
            .map(String::as_str),
        Some("enabled")
    );
    assert_eq!(
        sim.get("/api/v1/namespaces/mesh")
            .map(|n| n["metadata"]["labels"]["istio-injection"].clone()),
        Some(json!("enabled"))
    );

    let cms: Api<ConfigMap> = Api::namespaced(c.clone(), "mesh");
    let ssa = PatchParams::apply("istioup");
    let cm =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}});
    let out = cms
        .patch("cfg", &ssa, &Patch::Apply(&cm))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.data.unwrap_or_default().get("a").map(String::as_str),
        Some("1")
    );
    let cm2 =
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "2"}});
    let out = cms
        .patch("cfg", &ssa.clone().force(), &Patch::Apply(&cm2))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.data.unwrap_or_default().get("a").map(String::as_str),
        Some("2")
    );

    // Errors come back as kube's ErrorResponse with the real reason and code.
    match cms.get("missing").await {
        Err(kube::Error::Api(e)) => {
            assert_eq!(e.code, 404);
            assert_eq!(e.reason, "NotFound");
        }
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[tokio::test]
async fn watches_deployments_until_available() {
    let sim = start(Sim::builder().ready_delay(Duration::from_millis(100)));
    let c = client(&sim).await;
    let deploys: Api<Deployment> = Api::namespaced(c.clone(), "default");
    let list = deploys
        .list(&ListParams::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rv = list.metadata.resource_version.unwrap_or_default();
    let mut stream = deploys
        .watch(&WatchParams::default().timeout(20), &rv)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .boxed();
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "istiod"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "istiod"}},
                 "template": {"metadata": {"labels": {"app": "istiod"}}, "spec": {"containers": [{"name": "discovery", "image": "pilot"}]}}}
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    deploys
        .create(&PostParams::default(), &d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut available = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Ok(Some(ev))) = tokio::time::timeout_at(deadline, stream.try_next()).await {
        if let WatchEvent::Added(d) | WatchEvent::Modified(d) = ev {
            let conds = d.status.and_then(|s| s.conditions).unwrap_or_default();
            if conds
                .iter()
                .any(|c| c.type_.as_deref() == Some("Available") && c.status.as_deref() == Some("True"))
            {
                available = true;
                break;
            }
        }
    }
    assert!(available, "the deployment never became Available");

    // kube-runtime's watcher (list + watch) sees the pods.
    let pods: Api<Pod> = Api::namespaced(c, "default");
    let w = kube::runtime::watcher(pods, kube::runtime::watcher::Config::default());
    let mut w = std::pin::pin!(kube::runtime::WatchStreamExt::applied_objects(w));
    let first = tokio::time::timeout(Duration::from_secs(10), w.try_next()).await;
    let pod = first
        .ok()
        .and_then(|r| r.ok())
        .flatten()
        .unwrap_or_else(|| panic!("no pod from the watcher"));
    assert!(pod.metadata.name.unwrap_or_default().starts_with("istiod-"));
}

#[tokio::test]
async fn tls_and_token() {
    let sim = start(Sim::builder().tls(true).token("s3cret").context_name("secure"));
    assert!(sim.url().starts_with("https://127.0.0.1:"));
    let kc = std::fs::read_to_string(sim.kubeconfig()).unwrap_or_default();
    assert!(kc.contains("certificate-authority-data"));
    let ns: Api<Namespace> = Api::all(client(&sim).await);
    let list = ns
        .list(&ListParams::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(list.items.len() >= 4);

    // A wrong token is a 401.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("kc");
    std::fs::write(&bad, kc.replace("s3cret", "wrong")).unwrap_or_else(|e| panic!("{e}"));
    let ns: Api<Namespace> = Api::all(client_for(&bad, "secure").await);
    match ns.list(&ListParams::default()).await {
        Err(kube::Error::Api(e)) => assert_eq!(e.code, 401),
        other => panic!("expected 401, got {other:?}"),
    }
}

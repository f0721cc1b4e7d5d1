//! istioup asks for the big lists (pods, nodes, Services) in protobuf, as Kubernetes' own
//! components ask (`application/vnd.kubernetes.protobuf,application/json`, their client-go
//! `rest.Config.AcceptContentTypes`, k8s.io/client-go/rest/config.go), and reads exactly the same facts from a server that answers
//! JSON only (a proxy or server without protobuf): the two readers of `src/k8s/lean.rs` and
//! `src/k8s/proto.rs` never disagree on what the checks and the report say.
use serde_json::Value;

use crate::cluster::{CLUSTER, Cluster};
use crate::support::{code, repo_root, text};

/// A NodePort Service holding a port the NodePort overlay asks for, and pods of the kinds the
/// report tells apart (an outdated sidecar, host networking).
const VARIED: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: web-nodeport, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 31390}, {port: 81}]
---
apiVersion: v1
kind: Pod
metadata:
  name: old
  namespace: shop
  annotations: {"sidecar.istio.io/status": '{"revision":"default","containers":["istio-proxy"]}'}
spec:
  containers:
    - {name: app, image: nginx, resources: {requests: {cpu: 50m, memory: 64Mi}}}
    - {name: istio-proxy, image: docker.io/istio/proxyv2:1.27.0}
---
apiVersion: v1
kind: Pod
metadata: {name: host, namespace: blog, labels: {sidecar.istio.io/inject: "false"}}
spec:
  hostNetwork: true
  containers: [{name: app, image: nginx}]
"#;

/// `status` and `check` as JSON, and how many answers were protobuf.
fn reports(c: &Cluster) -> (Value, Value, usize) {
    let before = c.sim.protobuf_answers();
    let run = |verb: &str| {
        let mut cmd = c.istioup();
        cmd.arg(verb).args(["-o", "json"]);
        if verb == "check" {
            let overlay = repo_root().join("overlays/ingress-nodeport.yaml");
            cmd.args(["--skip-check", "istioctl", "-f"]).arg(overlay);
        }
        let out = cmd.output().unwrap();
        assert!(
            [0, 1, 3].contains(&code(&out)),
            "{verb}: {}\n{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (status, check) = (run("status"), run("check"));
    (status, check, c.sim.protobuf_answers() - before)
}

#[test]
fn protobuf_and_json_answers_give_the_same_reports() {
    let c = Cluster::start(CLUSTER);
    c.install(&["--inject", "shop", "--restart"]);
    c.sim.apply_yaml(VARIED).unwrap();
    let (status, check, answers) = reports(&c);
    assert!(
        answers >= 4,
        "pods, nodes and Services are asked for in protobuf: {answers} answers"
    );
    c.sim.set_protobuf(false);
    let (json_status, json_check, none) = reports(&c);
    assert_eq!(none, 0);
    assert_eq!(status, json_status);
    assert_eq!(check, json_check);
    // The report is about this cluster, not empty on both sides.
    let shop = status["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "shop")
        .unwrap();
    assert_eq!(shop["outdated_sidecar"][0]["pod"], "old", "{shop:#}");
    assert!(
        check["checks"].to_string().contains("31390"),
        "the NodePort is seen: {check:#}"
    );
}

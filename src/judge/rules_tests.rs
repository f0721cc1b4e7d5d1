use std::collections::BTreeMap;

use super::*;
use crate::facts::cluster::{ControlPlane, MeshFacts, NamespaceFacts, ServiceFacts};
use crate::facts::pods::PodInfo;
use crate::k8s::scheduling::{Node, PodDemand};
use crate::spec::GatewayService;

const GI: i64 = 1 << 30;

fn node(name: &str, cpu: i64, mem: i64) -> Node {
    Node {
        name: name.into(),
        ready: true,
        unschedulable: false,
        labels: BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
        taints: vec![],
        allocatable: Resources::new(cpu, mem),
        requested: Resources::default(),
    }
}

fn facts() -> Facts {
    Facts {
        server_version: "v1.33.2".into(),
        nodes: vec![node("worker-1", 4000, 8 * GI), node("worker-2", 4000, 8 * GI)],
        namespaces: vec![],
        pods: Default::default(),
        services: vec![],
        mesh: MeshFacts::default(),
        ingress_controllers: vec![],
        denied: vec![],
    }
}

fn istiod() -> PodDemand {
    PodDemand {
        component: "istiod".into(),
        requests: Resources::new(500, 2 * GI),
        node_selector: BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
        tolerations: vec![],
    }
}

fn desired() -> Desired {
    Desired {
        revision: "default".into(),
        pods: vec![istiod()],
        daemons: vec![],
        gateways: vec![GatewayService {
            name: "istio-ingressgateway".into(),
            namespace: "istio-system".into(),
            ingress: true,
            service_type: "LoadBalancer".into(),
            node_ports: vec![],
        }],
        cni: false,
        inject: vec![],
        proxy_requests: Resources::new(100, 128 << 20),
        take_over: false,
    }
}

fn istioctl(version: &str) -> IstioctlFacts {
    IstioctlFacts::Found {
        path: "/usr/bin/istioctl".into(),
        version: Version::parse(version).unwrap(),
    }
}

#[test]
fn kubernetes_version_is_judged_against_istioctl() {
    let mut f = facts();
    assert_eq!(kubernetes_version(&f, &istioctl("1.28.0")).status, Status::Pass);
    f.server_version = "v1.28.4".into();
    let check = kubernetes_version(&f, &istioctl("1.28.0"));
    assert_eq!(check.status, Status::Warn, "{}", check.message);
    assert!(
        check
            .message
            .contains("below istioctl 1.28.0's minimum 1.29: istioctl will install"),
        "{}",
        check.message
    );
    f.server_version = "v1.33.0".into();
    let newer = kubernetes_version(&f, &istioctl("1.31.0"));
    assert_eq!(newer.status, Status::Warn, "{}", newer.message);
    assert!(
        newer.message.contains("newer than istioup's table"),
        "{}",
        newer.message
    );
    f.server_version = "v1.35.0".into();
    assert_eq!(kubernetes_version(&f, &istioctl("1.28.0")).status, Status::Warn);
    assert_eq!(
        kubernetes_version(&f, &IstioctlFacts::Missing("x".into())).status,
        Status::Skip
    );
}

#[test]
fn rbac_lists_exactly_what_is_missing() {
    let mut f = facts();
    assert_eq!(rbac(&f).status, Status::Pass);
    f.denied = vec![
        "create customresourcedefinitions.apiextensions.k8s.io".into(),
        "patch namespaces".into(),
    ];
    let check = rbac(&f);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.message,
        "missing permissions: create customresourcedefinitions.apiextensions.k8s.io, patch namespaces"
    );
}

#[test]
fn existing_mesh_names_the_upgrade_and_leftovers() {
    let mut f = facts();
    assert_eq!(
        existing_mesh(&f, &desired(), &istioctl("1.28.0")).message,
        "no Istio installed: fresh install"
    );
    f.mesh.injector_webhooks = vec!["istio-revision-tag-default".into()];
    let leftovers = existing_mesh(&f, &desired(), &istioctl("1.28.0"));
    assert_eq!(leftovers.status, Status::Warn);
    assert_eq!(
        leftovers.details,
        ["MutatingWebhookConfiguration/istio-revision-tag-default"]
    );
    f.mesh.control_planes = vec![ControlPlane {
        namespace: "istio-system".into(),
        name: "istiod".into(),
        revision: "default".into(),
        version: Some("1.27.2".into()),
    }];
    assert_eq!(
        existing_mesh(&f, &desired(), &istioctl("1.28.0")).message,
        "upgrade 1.27.2 → 1.28.0 (revision default)"
    );
    let mut canary = desired();
    canary.revision = "canary".into();
    let check = existing_mesh(&f, &canary, &istioctl("1.28.0"));
    assert!(check.message.contains("new revision canary"), "{}", check.message);
    assert_eq!(check.details, ["revision default (istio-system/istiod, 1.27.2)"]);
}

/// One node holding a running istiod (500m of its 600m): a re-install of the same version
/// replaces it in place, an upgrade needs room for the old and the new pod.
#[test]
fn capacity_on_reinstall_does_not_count_the_running_istiod() {
    use crate::facts::cluster::IstioPod;
    let mut f = facts();
    let mut full = node("only", 600, 4 * GI);
    full.requested = Resources::new(500, 2 * GI);
    f.nodes = vec![full];
    f.mesh.pods = vec![IstioPod {
        namespace: "istio-system".into(),
        name: "istiod-1".into(),
        node: "only".into(),
        revision: "default".into(),
        requests: Resources::new(500, 2 * GI),
    }];
    f.mesh.control_planes = vec![ControlPlane {
        namespace: "istio-system".into(),
        name: "istiod".into(),
        revision: "default".into(),
        version: Some("1.28.0".into()),
    }];
    let find = |checks: Vec<Check>| checks.into_iter().find(|c| c.id == "node-capacity").unwrap();
    let check = find(all(&f, &desired(), &istioctl("1.28.0")));
    assert_eq!(check.status, Status::Pass, "{check:?}");
    assert_eq!(
        check.details.last().unwrap(),
        "not counted, as this re-install replaces them: istio-system/istiod-1"
    );
    let check = find(all(&f, &desired(), &istioctl("1.29.0")));
    assert_eq!(check.status, Status::Fail, "{check:?}");
    assert!(
        check
            .details
            .last()
            .unwrap()
            .contains("an upgrade needs room for both"),
        "{check:?}"
    );
    let mut canary = desired();
    canary.revision = "canary".into();
    assert_eq!(find(all(&f, &canary, &istioctl("1.28.0"))).status, Status::Fail);
}

#[test]
fn capacity_fails_per_node_and_reports_totals() {
    let mut f = facts();
    f.nodes = vec![node("worker-1", 300, 6 * GI), node("worker-2", 300, 6 * GI)];
    let check = node_capacity(&f, &desired());
    assert_eq!(check.status, Status::Fail);
    assert!(
        check.details[0].contains("istiod needs 500m CPU / 2Gi"),
        "{:?}",
        check.details
    );
    assert!(
        check
            .details
            .last()
            .unwrap()
            .contains("allocatable 600m CPU / 12Gi"),
        "{:?}",
        check.details
    );
    f.nodes.push(node("worker-3", 1000, 4 * GI));
    let check = node_capacity(&f, &desired());
    assert_eq!(check.status, Status::Pass);
    assert!(check.details[0].ends_with("→ worker-3"), "{:?}", check.details);
}

/// Namespace `shop`, not labelled, with its pods per node; a pod of another namespace runs
/// on each node too, which the sidecar overhead must not count.
fn shop(f: &mut Facts, pods_by_node: &[(&str, usize)]) {
    let pod = |namespace: &str, node: &str| PodInfo {
        namespace: namespace.into(),
        node: node.into(),
        ..Default::default()
    };
    let mut pods = Vec::new();
    for &(node, n) in pods_by_node {
        pods.push(pod("other", node));
        pods.extend((0..n).map(|_| pod("shop", node)));
    }
    f.namespaces = vec![NamespaceFacts {
        name: "shop".into(),
        labels: BTreeMap::new(),
        pod_count: pods_by_node.iter().map(|&(_, n)| n).sum(),
    }];
    f.pods = Arc::new(pods.into());
}

#[test]
fn sidecar_overhead_names_short_nodes() {
    let mut f = facts();
    f.nodes = vec![node("worker-1", 700, 8 * GI), node("worker-2", 4000, 8 * GI)];
    shop(&mut f, &[("worker-1", 8), ("worker-2", 2)]);
    let mut d = desired();
    assert_eq!(sidecar_overhead(&f, &d).status, Status::Skip);
    d.inject = vec!["shop".into()];
    let check = sidecar_overhead(&f, &d);
    // istiod goes to worker-2 (most free CPU); worker-1 has 700m for 8 × 100m proxies.
    assert_eq!(check.status, Status::Warn, "{check:?}");
    assert!(
        check.message.starts_with("10 pods in 1 namespace will"),
        "{}",
        check.message
    );
    assert_eq!(check.details.len(), 1);
    assert!(
        check.details[0].starts_with("worker-1: 8 proxies need 800m CPU"),
        "{:?}",
        check.details
    );
}

#[test]
fn sidecar_overhead_counts_the_node_agents_room() {
    // worker-1 has room for its 8 proxies (800m of 900m) until the CNI agent takes 200m of it.
    let mut f = facts();
    f.nodes = vec![node("worker-1", 900, 8 * GI), node("worker-2", 4000, 8 * GI)];
    shop(&mut f, &[("worker-1", 8)]);
    let mut d = desired();
    d.inject = vec!["shop".into()];
    assert_eq!(sidecar_overhead(&f, &d).status, Status::Pass);
    let mut cni = istiod();
    cni.component = "istio-cni-node".into();
    cni.requests = Resources::new(200, 100 << 20);
    cni.node_selector = BTreeMap::new();
    d.daemons = vec![cni];
    let check = sidecar_overhead(&f, &d);
    assert_eq!(check.status, Status::Warn, "{check:?}");
    assert!(
        check.details[0].starts_with("worker-1: 8 proxies need 800m CPU"),
        "{:?}",
        check.details
    );
}

#[test]
fn node_ports_collide_or_lie_outside_the_range() {
    let mut f = facts();
    f.services = vec![ServiceFacts {
        namespace: "shop".into(),
        name: "web".into(),
        service_type: "NodePort".into(),
        node_ports: vec![31380],
        has_lb_address: false,
    }];
    let mut d = desired();
    assert_eq!(node_ports(&f, &d).status, Status::Pass);
    d.gateways[0].node_ports = vec![31380, 31390, 8080];
    let check = node_ports(&f, &d);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.details,
        [
            "istio-ingressgateway: nodePort 31380 is taken by Service shop/web",
            "istio-ingressgateway: nodePort 8080 is outside the default range 30000–32767"
        ]
    );
    // Our own Service (an upgrade) keeps its ports.
    f.services[0].namespace = "istio-system".into();
    f.services[0].name = "istio-ingressgateway".into();
    d.gateways[0].node_ports = vec![31380];
    assert_eq!(node_ports(&f, &d).status, Status::Pass);
}

#[test]
fn load_balancer_warns_without_any_address() {
    let mut f = facts();
    let check = load_balancer(&f, &desired());
    assert_eq!(check.status, Status::Warn);
    assert!(check.hint.unwrap().contains("ingress-nodeport.yaml"));
    f.services.push(ServiceFacts {
        namespace: "a".into(),
        name: "lb".into(),
        service_type: "LoadBalancer".into(),
        node_ports: vec![],
        has_lb_address: true,
    });
    assert_eq!(load_balancer(&f, &desired()).status, Status::Pass);
    let mut d = desired();
    d.gateways[0].service_type = "NodePort".into();
    assert_eq!(load_balancer(&facts(), &d).status, Status::Skip);
}

#[test]
fn pod_security_fails_without_cni() {
    let mut f = facts();
    f.namespaces = vec![NamespaceFacts {
        name: "secure".into(),
        labels: BTreeMap::from([("pod-security.kubernetes.io/enforce".into(), "restricted".into())]),
        pod_count: 0,
    }];
    let mut d = desired();
    d.inject = vec!["secure".into()];
    let check = pod_security(&f, &d);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.details, ["secure enforces restricted"]);
    assert!(check.hint.unwrap().contains("cni-"));
    d.cni = true;
    assert_eq!(pod_security(&f, &d).status, Status::Pass);
}

#[test]
fn another_ingress_controller_is_reported() {
    let mut f = facts();
    assert_eq!(ingress_controllers(&f).status, Status::Pass);
    f.ingress_controllers = vec!["ingress-nginx/ingress-nginx-controller".into()];
    assert_eq!(ingress_controllers(&f).status, Status::Info);
}

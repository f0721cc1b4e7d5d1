//! Will the control plane fit? Places every pod the spec creates onto the nodes, per node, the
//! way the scheduler's resource and taint filters would — not against a cluster-wide sum, which
//! hides that no single node has room (what Rancher's check did).
use std::collections::BTreeMap;

use crate::k8s::scheduling::{Node, PodDemand, Resources};

/// Why a node cannot take a pod, in the scheduler's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rejection {
    NotReady,
    Unschedulable,
    Selector,
    Taint,
    Resources,
}

impl Rejection {
    fn phrase(self) -> &'static str {
        match self {
            Rejection::NotReady => "not Ready",
            Rejection::Unschedulable => "cordoned (unschedulable)",
            Rejection::Selector => "did not match the nodeSelector",
            Rejection::Taint => "had an untolerated taint",
            Rejection::Resources => "had too little free CPU or memory",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    On(String),
    Nowhere(String),
}

/// The nodes as read, and what is requested on each as pods are placed (indexed as the nodes):
/// placing never copies the nodes, with their names, labels and taints (a cluster may have
/// 10,000 of them, and a check places pods more than once).
pub struct Room<'a> {
    nodes: &'a [Node],
    requested: Vec<Resources>,
}

impl<'a> Room<'a> {
    pub fn new(nodes: &'a [Node]) -> Self {
        Room {
            nodes,
            requested: nodes.iter().map(|n| n.requested).collect(),
        }
    }

    /// What node `i` has left.
    pub fn free(&self, i: usize) -> Resources {
        self.nodes[i].allocatable.minus(self.requested[i])
    }

    /// What is requested on node `i`: its running pods' requests and what was placed there.
    pub fn requested(&self, i: usize) -> Resources {
        self.requested[i]
    }

    /// Each node with what it has left.
    pub fn nodes(&self) -> impl Iterator<Item = (&'a Node, Resources)> + '_ {
        let nodes = self.nodes;
        nodes.iter().enumerate().map(|(i, n)| (n, self.free(i)))
    }

    /// The DaemonSets' pods, one on every node whose labels match the selector and whose
    /// NoSchedule/NoExecute taints are tolerated (the DaemonSet controller places them there,
    /// cordoned and not-Ready nodes included). Takes those requests, and says why a pod would
    /// stay Pending where a node is short (istioctl then waits for the DaemonSet in vain).
    pub fn place_daemons(&mut self, daemons: &[PodDemand]) -> Vec<String> {
        let mut short = Vec::new();
        for daemon in daemons {
            for (i, node) in self.nodes.iter().enumerate() {
                let selected = daemon
                    .node_selector
                    .iter()
                    .all(|(k, v)| node.labels.get(k) == Some(v));
                let tolerated = node
                    .taints
                    .iter()
                    .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
                    .all(|t| daemon.tolerations.iter().any(|tol| tol.tolerates(t)));
                if !selected || !tolerated {
                    continue;
                }
                let free = self.free(i);
                if daemon.requests.fits_in(free) {
                    self.requested[i] = self.requested[i].plus(daemon.requests);
                } else {
                    short.push(format!(
                        "{} needs {} on node {}, which has {} free",
                        daemon.component,
                        daemon.requests.describe(),
                        node.name,
                        free.describe_free()
                    ));
                }
            }
        }
        short
    }

    /// Where each pod would land, in the order given. Pods are placed largest first (so a big
    /// istiod is not crowded out by gateways), each on the eligible node with the most free
    /// CPU, and what it takes is subtracted before the next pod is placed.
    pub fn place(&mut self, pods: &[PodDemand]) -> Vec<Placement> {
        let mut order: Vec<usize> = (0..pods.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse((pods[i].requests.cpu_millis, pods[i].requests.memory_bytes))
        });
        let mut result = vec![Placement::Nowhere(String::new()); pods.len()];
        for i in order {
            result[i] = self.place_one(&pods[i]);
        }
        result
    }

    fn place_one(&mut self, pod: &PodDemand) -> Placement {
        let mut counts: BTreeMap<Rejection, usize> = BTreeMap::new();
        let mut best: Option<(usize, Resources)> = None;
        // The node that would have been chosen but for resources: named in the message.
        let mut closest: Option<(usize, Resources)> = None;
        for (i, node) in self.nodes.iter().enumerate() {
            let free = self.free(i);
            match rejection(node, free, pod) {
                None => {
                    if best.is_none_or(|(_, b)| free.cpu_millis > b.cpu_millis) {
                        best = Some((i, free));
                    }
                }
                Some(r) => {
                    *counts.entry(r).or_default() += 1;
                    if r == Rejection::Resources
                        && closest.is_none_or(|(_, c)| {
                            (free.cpu_millis, free.memory_bytes) > (c.cpu_millis, c.memory_bytes)
                        })
                    {
                        closest = Some((i, free));
                    }
                }
            }
        }
        if let Some((i, _)) = best {
            self.requested[i] = self.requested[i].plus(pod.requests);
            return Placement::On(self.nodes[i].name.clone());
        }
        let needs = format!("{} needs {}", pod.component, pod.requests.describe());
        if let Some((c, free)) = closest {
            let short: Vec<&str> = [
                (pod.requests.cpu_millis > free.cpu_millis, "CPU"),
                (pod.requests.memory_bytes > free.memory_bytes, "memory"),
            ]
            .into_iter()
            .filter_map(|(short, what)| short.then_some(what))
            .collect();
            return Placement::Nowhere(format!(
                "{needs}; best node {} has {} free: insufficient {}",
                self.nodes[c].name,
                free.describe_free(),
                short.join(" and ")
            ));
        }
        let reasons: Vec<String> = counts
            .iter()
            .map(|(r, n)| format!("{n} {}", r.phrase()))
            .collect();
        let summary = if self.nodes.is_empty() {
            "the cluster has no nodes".to_string()
        } else {
            reasons.join(", ")
        };
        Placement::Nowhere(format!("{needs}; no node can take it: {summary}"))
    }
}

/// Why `node`, with `free` left, cannot take `pod`.
fn rejection(node: &Node, free: Resources, pod: &PodDemand) -> Option<Rejection> {
    if !node.ready {
        Some(Rejection::NotReady)
    } else if node.unschedulable {
        Some(Rejection::Unschedulable)
    } else if !pod
        .node_selector
        .iter()
        .all(|(k, v)| node.labels.get(k) == Some(v))
    {
        Some(Rejection::Selector)
    } else if node
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .any(|t| !pod.tolerations.iter().any(|tol| tol.tolerates(t)))
    {
        Some(Rejection::Taint)
    } else if !pod.requests.fits_in(free) {
        Some(Rejection::Resources)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::scheduling::{Taint, Toleration};

    const GI: i64 = 1 << 30;
    const MI: i64 = 1 << 20;

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

    fn pod(component: &str, cpu: i64, mem: i64) -> PodDemand {
        PodDemand {
            component: component.into(),
            requests: Resources::new(cpu, mem),
            node_selector: BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]),
            tolerations: vec![],
        }
    }

    #[test]
    fn a_cluster_wide_sum_is_not_enough() {
        // 3 × 300m free = 900m in all, but istiod needs 500m on one node.
        let nodes: Vec<Node> = (1..=3)
            .map(|i| node(&format!("worker-{i}"), 300, 6 * GI))
            .collect();
        let placed = Room::new(&nodes).place(&[pod("istiod", 500, 2 * GI)]);
        assert_eq!(
            placed,
            [Placement::Nowhere(
                "istiod needs 500m CPU / 2Gi; best node worker-1 has 300m / 6Gi free: insufficient CPU"
                    .into()
            )]
        );
    }

    #[test]
    fn requests_of_running_pods_are_subtracted_and_placed_pods_take_room() {
        let mut big = node("big", 1000, 4 * GI);
        big.requested = Resources::new(400, GI);
        let small = node("small", 200, GI);
        let pods = [
            pod("istiod", 500, 2 * GI),
            pod("istio-ingressgateway", 100, 128 * MI),
            pod("gw2", 150, 128 * MI),
        ];
        let nodes = [big, small];
        let mut room = Room::new(&nodes);
        let placed = room.place(&pods);
        assert_eq!(placed[0], Placement::On("big".into()));
        // big has 100m left after istiod; small has 200m: both gateways go where the room is.
        assert_eq!(placed[2], Placement::On("small".into()));
        assert_eq!(placed[1], Placement::On("big".into()));
        assert_eq!(room.free(0), Resources::new(0, 4 * GI - GI - 2 * GI - 128 * MI));
    }

    #[test]
    fn taints_need_tolerations_and_selectors_must_match() {
        let mut infra = node("infra-1", 4000, 8 * GI);
        infra.taints.push(Taint {
            key: "dedicated".into(),
            value: Some("infra".into()),
            effect: "NoSchedule".into(),
        });
        infra
            .labels
            .insert("node-role.kubernetes.io/infra".into(), "true".into());
        let worker = node("worker-1", 100, GI);
        let plain = pod("istiod", 500, 2 * GI);
        let nodes = [infra, worker];
        let placed = Room::new(&nodes).place(std::slice::from_ref(&plain));
        match &placed[0] {
            Placement::Nowhere(why) => assert!(
                why.contains("insufficient CPU") && why.contains("worker-1"),
                "{why}"
            ),
            other => panic!("placed on {other:?}"),
        }
        let mut dedicated = plain.clone();
        dedicated
            .node_selector
            .insert("node-role.kubernetes.io/infra".into(), "true".into());
        let placed = Room::new(&nodes).place(std::slice::from_ref(&dedicated));
        assert!(
            matches!(&placed[0], Placement::Nowhere(why) if why.contains("1 had an untolerated taint") && why.contains("1 did not match the nodeSelector")),
            "{placed:?}"
        );
        dedicated.tolerations.push(Toleration {
            key: Some("dedicated".into()),
            operator: Some("Equal".into()),
            value: Some("infra".into()),
            effect: Some("NoSchedule".into()),
        });
        let placed = Room::new(&nodes).place(&[dedicated]);
        assert_eq!(placed[0], Placement::On("infra-1".into()));
    }

    #[test]
    fn not_ready_and_cordoned_nodes_take_nothing() {
        let mut a = node("a", 4000, 8 * GI);
        a.ready = false;
        let mut b = node("b", 4000, 8 * GI);
        b.unschedulable = true;
        let placed = Room::new(&[a, b]).place(&[pod("istiod", 500, 2 * GI)]);
        assert_eq!(
            placed,
            [Placement::Nowhere(
                "istiod needs 500m CPU / 2Gi; no node can take it: 1 not Ready, 1 cordoned (unschedulable)"
                    .into()
            )]
        );
    }

    #[test]
    fn toleration_matching_follows_kubernetes() {
        let taint = Taint {
            key: "k".into(),
            value: Some("v".into()),
            effect: "NoSchedule".into(),
        };
        let tol =
            |key: Option<&str>, op: Option<&str>, value: Option<&str>, effect: Option<&str>| Toleration {
                key: key.map(Into::into),
                operator: op.map(Into::into),
                value: value.map(Into::into),
                effect: effect.map(Into::into),
            };
        assert!(tol(None, Some("Exists"), None, None).tolerates(&taint));
        assert!(!tol(None, None, None, None).tolerates(&taint));
        assert!(tol(Some("k"), Some("Exists"), None, Some("NoSchedule")).tolerates(&taint));
        assert!(!tol(Some("k"), Some("Exists"), None, Some("NoExecute")).tolerates(&taint));
        assert!(tol(Some("k"), Some("Equal"), Some("v"), None).tolerates(&taint));
        assert!(tol(Some("k"), None, Some("v"), None).tolerates(&taint));
        assert!(!tol(Some("k"), Some("Equal"), Some("w"), None).tolerates(&taint));
        assert!(!tol(Some("other"), Some("Exists"), None, None).tolerates(&taint));
    }

    #[test]
    fn node_agents_take_their_share_of_every_node_they_select() {
        let mut full = node("full", 1000, 4 * GI);
        full.requested = Resources::new(950, GI);
        let mut windows = node("win", 4000, 8 * GI);
        windows.labels.insert("kubernetes.io/os".into(), "windows".into());
        let mut tainted = node("tainted", 4000, 8 * GI);
        tainted.taints.push(Taint {
            key: "dedicated".into(),
            value: Some("db".into()),
            effect: "NoSchedule".into(),
        });
        let nodes = vec![node("a", 4000, 8 * GI), full, windows, tainted];
        let mut cni = pod("istio-cni-node", 100, 100 * MI);
        cni.node_selector = BTreeMap::from([("kubernetes.io/os".into(), "linux".into())]);
        // No toleration: the tainted node is skipped, as the DaemonSet controller would.
        let mut room = Room::new(&nodes);
        let short = room.place_daemons(std::slice::from_ref(&cni));
        assert_eq!(room.requested(0), Resources::new(100, 100 * MI));
        assert_eq!(
            room.requested(2),
            Resources::default(),
            "a Windows node runs no CNI pod"
        );
        assert_eq!(room.requested(3), Resources::default());
        assert_eq!(short.len(), 1, "{short:?}");
        assert!(
            short[0].starts_with("istio-cni-node needs 100m CPU / 100Mi on node full"),
            "{}",
            short[0]
        );
        // The chart's tolerations (operator Exists) reach the tainted node too.
        cni.tolerations = vec![Toleration {
            operator: Some("Exists".into()),
            effect: Some("NoSchedule".into()),
            ..Toleration::default()
        }];
        let mut room = Room::new(&nodes);
        room.place_daemons(&[cni]);
        assert_eq!(room.requested(3), Resources::new(100, 100 * MI));
    }
}

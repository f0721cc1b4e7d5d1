//! Kubernetes' scheduling vocabulary as plain values: requests, taints and tolerations, nodes
//! and the pods to place on them, and a pod's effective requests as the scheduler counts them.
use std::collections::BTreeMap;

use serde::Serialize;

use super::lean::{PodSpec, Quantities, Requirements};
use super::quantity::{self, format_cpu, format_memory};

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

impl Resources {
    pub fn new(cpu_millis: i64, memory_bytes: i64) -> Self {
        Resources {
            cpu_millis,
            memory_bytes,
        }
    }

    pub fn plus(self, other: Resources) -> Resources {
        Resources::new(
            self.cpu_millis + other.cpu_millis,
            self.memory_bytes + other.memory_bytes,
        )
    }

    pub fn minus(self, other: Resources) -> Resources {
        Resources::new(
            self.cpu_millis - other.cpu_millis,
            self.memory_bytes - other.memory_bytes,
        )
    }

    pub fn times(self, n: i64) -> Resources {
        Resources::new(self.cpu_millis * n, self.memory_bytes * n)
    }

    pub fn fits_in(self, free: Resources) -> bool {
        self.cpu_millis <= free.cpu_millis && self.memory_bytes <= free.memory_bytes
    }

    /// `500m CPU / 2Gi`
    pub fn describe(self) -> String {
        format!(
            "{} CPU / {}",
            format_cpu(self.cpu_millis),
            format_memory(self.memory_bytes)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taint {
    pub key: String,
    pub value: Option<String>,
    pub effect: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Toleration {
    pub key: Option<String>,
    pub operator: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
}

impl Toleration {
    /// Kubernetes' `ToleratesTaint`: an empty key with `Exists` matches every key; an empty
    /// effect matches every effect.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = self.effect.as_deref().filter(|e| !e.is_empty())
            && effect != taint.effect
        {
            return false;
        }
        let exists = self.operator.as_deref() == Some("Exists");
        match self.key.as_deref().filter(|k| !k.is_empty()) {
            None => exists,
            Some(key) if key != taint.key => false,
            Some(_) if exists => true,
            Some(_) => self.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        }
    }
}

/// A node as the capacity check sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub allocatable: Resources,
    /// Requests of the node's non-terminated pods.
    pub requested: Resources,
}

impl Node {
    pub fn free(&self) -> Resources {
        self.allocatable.minus(self.requested)
    }
}

/// One pod the installation will create.
#[derive(Debug, Clone)]
pub struct PodDemand {
    /// The component that owns it, e.g. `istiod`, `istio-ingressgateway`.
    pub component: String,
    pub requests: Resources,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
}

impl Resources {
    /// `300m / 6Gi`, clamped at zero: a node can be over-committed by pods without requests.
    pub fn describe_free(self) -> String {
        format!(
            "{} / {}",
            format_cpu(self.cpu_millis.max(0)),
            format_memory(self.memory_bytes.max(0))
        )
    }
}
/// A pod's effective request, as the scheduler counts it (PodRequests in
/// k8s.io/component-helpers/resource/helpers.go, with native sidecars, KEP-753): its containers
/// plus its sidecars (init containers with `restartPolicy: Always`, such as Istio's proxy since
/// 1.27 on clusters that support them), or more when an ordinary init container, together with
/// the sidecars started before it, needs more; then the pod's `spec.overhead`. Unreadable
/// quantities count as zero: the API server validated them, so this only guards against a
/// server we do not understand.
pub fn pod_requests(spec: &PodSpec) -> Resources {
    let max = |a: Resources, b: Resources| {
        Resources::new(a.cpu_millis.max(b.cpu_millis), a.memory_bytes.max(b.memory_bytes))
    };
    let mut total = spec
        .containers
        .iter()
        .map(|c| requests(c.resources.as_ref()))
        .fold(Resources::default(), Resources::plus);
    let mut sidecars = Resources::default();
    let mut init_peak = Resources::default();
    for init in &spec.init_containers {
        let own = requests(init.resources.as_ref());
        let during = if init.restart_policy.as_deref() == Some("Always") {
            total = total.plus(own);
            sidecars = sidecars.plus(own);
            sidecars
        } else {
            own.plus(sidecars)
        };
        init_peak = max(init_peak, during);
    }
    let overhead = spec.overhead.as_ref().map_or(Resources::default(), quantities);
    max(total, init_peak).plus(overhead)
}

fn requests(resources: Option<&Requirements>) -> Resources {
    resources
        .and_then(|r| r.requests.as_ref())
        .map_or(Resources::default(), quantities)
}

/// CPU and memory of a resource list; an unreadable quantity counts as zero (see above).
pub fn quantities(q: &Quantities) -> Resources {
    Resources::new(
        q.cpu
            .as_deref()
            .map_or(0, |q| remembered(&CPU, q, quantity::cpu_millis)),
        q.memory
            .as_deref()
            .map_or(0, |q| remembered(&MEMORY, q, quantity::memory_bytes)),
    )
}

/// How many distinct quantities a thread remembers: a cluster's pods repeat a handful of request
/// strings (`100m`, `128Mi`), so 150,000 pods parse a few dozen; past this, the rest is parsed
/// each time.
const REMEMBERED: usize = 1024;

type Memo = std::cell::RefCell<rustc_hash::FxHashMap<super::lean::Text, i64>>;

thread_local! {
    static CPU: Memo = Default::default();
    static MEMORY: Memo = Default::default();
}

/// `parse(text)`, or 0 when unreadable, remembered per thread by text.
fn remembered<E>(
    memo: &'static std::thread::LocalKey<Memo>,
    text: &str,
    parse: fn(&str) -> Result<i64, E>,
) -> i64 {
    memo.with(|m| {
        if let Some(&v) = m.borrow().get(text) {
            return v;
        }
        let v = parse(text).unwrap_or(0);
        let mut m = m.borrow_mut();
        if m.len() < REMEMBERED {
            m.insert(text.into(), v);
        }
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(name: &str, cpu: &str, memory: &str, sidecar: bool) -> serde_json::Value {
        let mut c =
            serde_json::json!({"name": name, "resources": {"requests": {"cpu": cpu, "memory": memory}}});
        if sidecar {
            c["restartPolicy"] = "Always".into();
        }
        c
    }

    /// k8s.io/component-helpers/resource/helpers.go, PodRequests: containers + sidecars, the
    /// max with each ordinary init container plus the sidecars before it, plus overhead.
    #[test]
    fn effective_requests_count_native_sidecars_and_overhead() {
        let pod: PodSpec = serde_json::from_value(
            serde_json::json!({
                "pod": {
                    "containers": [container("app", "200m", "256Mi", false)],
                    "initContainers": [
                        container("istio-validation", "100m", "64Mi", false),
                        container("istio-proxy", "100m", "128Mi", true),
                        container("migrate", "1", "64Mi", false)
                    ],
                    "overhead": {"cpu": "10m", "memory": "1Mi"}
                }
            })["pod"]
                .clone(),
        )
        .unwrap();
        // containers 200m + sidecar 100m = 300m; `migrate` with the sidecar = 1100m wins on CPU;
        // memory: 256Mi + 128Mi = 384Mi wins.
        assert_eq!(pod_requests(&pod), Resources::new(1110, (384 + 1) << 20));

        let classic: PodSpec = serde_json::from_value(serde_json::json!({
            "pod": {
                "containers": [container("app", "200m", "256Mi", false), container("istio-proxy", "100m", "128Mi", false)],
                "initContainers": [container("istio-init", "100m", "128Mi", false)]
            }
        })["pod"].clone())
        .unwrap();
        assert_eq!(pod_requests(&classic), Resources::new(300, 384 << 20));
    }
}

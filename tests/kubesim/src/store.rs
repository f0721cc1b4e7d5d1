//! The object store: one sorted table per group/resource, a global resourceVersion counter,
//! the watch event stream with a bounded history, and the per-node resource accounting the
//! scheduler needs.
use crate::resources::{Gr, Resource, builtins};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

pub type Obj = Arc<Value>;
/// (namespace, name); cluster-scoped objects use an empty namespace. Sorting by this key
/// gives the order a real server lists in, and lets pagination resume with a range query.
pub type Key = (String, String);
pub type Table = BTreeMap<Key, Obj>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Event {
    pub gr: Arc<Gr>,
    pub kind: EventType,
    pub obj: Obj,
    /// The object before a modification, so filtered watches can turn a modification that
    /// leaves the filter into DELETED (as the real watch cache does).
    pub prev: Option<Obj>,
    pub rv: u64,
}

/// Requests of the non-terminated pods bound to one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_m: i64,
    pub mem: i64,
    pub pods: i64,
}

/// Behaviour knobs of the simulated control plane.
#[derive(Clone, Debug)]
pub struct ControlConfig {
    pub ready_delay: Duration,
    pub user: String,
    /// How long a gracefully deleted pod stays (with `deletionTimestamp`) before the
    /// simulated kubelet removes it.
    pub pod_grace: Duration,
    /// How long a deleted namespace stays Terminating before the namespace controller starts
    /// deleting its content.
    pub namespace_termination: Duration,
    /// Whether webhooks with a `url` client config count as reachable.
    pub webhook_urls_reachable: bool,
    /// The cluster CA (PEM) the root-CA publisher puts in every `kube-root-ca.crt`.
    pub root_ca: String,
}

impl Default for ControlConfig {
    fn default() -> Self {
        ControlConfig {
            ready_delay: Duration::from_millis(200),
            user: "kubesim-admin".into(),
            pod_grace: Duration::from_millis(100),
            namespace_termination: Duration::ZERO,
            webhook_urls_reachable: false,
            root_ca: String::new(),
        }
    }
}

const HISTORY_MAX: usize = 20_000;

pub struct Store {
    pub rv: u64,
    pub resources: Vec<Arc<Resource>>,
    pub tables: HashMap<Gr, Table>,
    pub history: VecDeque<Event>,
    /// Highest resourceVersion whose event is no longer in `history`; a watch from an older
    /// version answers 410 Expired.
    pub compacted_rv: u64,
    pub tx: broadcast::Sender<Event>,
    pub usage: HashMap<String, Usage>,
    /// Objects written since the controllers last looked.
    pub queue: VecDeque<(Gr, Key, Obj)>,
    /// Pods waiting to turn Ready at the given instant.
    pub timers: Vec<(Instant, Key, String)>,
    /// While seeding: pods start Running at once and no events are recorded.
    pub instant: bool,
    /// Pods the scheduler could not place yet (retried when nodes or pods change).
    pub unscheduled: BTreeSet<Key>,
    pub retry_scheduling: bool,
    pub config: ControlConfig,
    pub next_ip: u32,
    /// Gracefully deleted pods the kubelet removes at the given instant: (when, key, uid).
    pub pod_deletions: Vec<(Instant, Key, String)>,
    /// Namespaces being deleted, with the instant the namespace controller may start.
    pub terminating: BTreeMap<String, Instant>,
    /// Workloads whose pod creation failed, retried at the given instant: (kind, ns, name).
    pub retry_creates: BTreeMap<(String, String, String), Instant>,
    /// Set by the REST layer around a `dryRun=All` write: admission runs, nothing is stored.
    pub dry_run: bool,
    /// Set by the REST layer around a patch: how the patched object is decoded (`fields`).
    pub field_validation: Option<crate::fields::Directive>,
    /// Who is writing, for the duration of one API write (field ownership: ssa.rs); taken by
    /// the first create or replace of the request, so what that write causes is nobody's.
    pub writer: Option<crate::ssa::Writer>,
    /// Warnings of the current request (`Warning` headers).
    pub warnings: Vec<String>,
}

impl Store {
    pub fn new(config: ControlConfig) -> Self {
        let resources = builtins();
        let tables = resources
            .iter()
            .filter(|r| !r.virtual_only)
            .map(|r| (r.gr(), Table::new()))
            .collect();
        let (tx, _) = broadcast::channel(16_384);
        Store {
            rv: 100,
            resources,
            tables,
            history: VecDeque::new(),
            compacted_rv: 0,
            tx,
            usage: HashMap::new(),
            queue: VecDeque::new(),
            timers: Vec::new(),
            instant: false,
            unscheduled: BTreeSet::new(),
            retry_scheduling: false,
            config,
            next_ip: 1,
            pod_deletions: Vec::new(),
            terminating: BTreeMap::new(),
            retry_creates: BTreeMap::new(),
            dry_run: false,
            field_validation: None,
            writer: None,
            warnings: Vec::new(),
        }
    }

    /// The resource served at group/version/plural.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<Arc<Resource>> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.plural == plural && r.versions.iter().any(|v| v == version))
            .cloned()
    }

    pub fn find_gr(&self, group: &str, plural: &str) -> Option<Arc<Resource>> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.plural == plural)
            .cloned()
    }

    /// The resource for an object's apiVersion and kind (as manifests name them).
    pub fn find_kind(&self, api_version: &str, kind: &str) -> Option<(Arc<Resource>, String)> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        self.resources
            .iter()
            .find(|r| r.group == group && r.kind == kind && r.versions.iter().any(|v| v == version))
            .map(|r| (r.clone(), version.to_string()))
    }

    pub fn res(&self, group: &str, plural: &str) -> Arc<Resource> {
        match self.find_gr(group, plural) {
            Some(r) => r,
            None => unreachable!("built-in resource {plural}.{group} is always registered"),
        }
    }

    pub fn table(&self, gr: &Gr) -> Option<&Table> {
        self.tables.get(gr)
    }

    pub fn get(&self, group: &str, plural: &str, ns: &str, name: &str) -> Option<Obj> {
        self.tables
            .get(&(group.to_string(), plural.to_string()))?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    /// Objects of one namespace (or all, for `None`) in key order.
    pub fn iter_ns<'a>(
        &'a self,
        gr: &Gr,
        ns: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = (&'a Key, &'a Obj)> + 'a> {
        let Some(t) = self.tables.get(gr) else {
            return Box::new(std::iter::empty());
        };
        match ns {
            None => Box::new(t.iter()),
            Some(ns) => Box::new(
                t.range((ns.to_string(), String::new())..)
                    .take_while(move |(k, _)| k.0 == ns),
            ),
        }
    }

    pub fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    /// Writes an object (create or replace), stamping a new resourceVersion, and publishes
    /// the event. Metadata defaults are the caller's business (see `ops`).
    pub fn put(&mut self, res: &Resource, mut obj: Value) -> Obj {
        let rv = self.next_rv();
        crate::util::obj_at(&mut obj, &["metadata"])
            .insert("resourceVersion".into(), Value::String(rv.to_string()));
        let key = (
            crate::util::namespace_of(&obj).to_string(),
            crate::util::name_of(&obj).to_string(),
        );
        let obj = Arc::new(obj);
        let gr = res.gr();
        let prev = self
            .tables
            .entry(gr.clone())
            .or_default()
            .insert(key.clone(), obj.clone());
        if gr.0.is_empty() && gr.1 == "pods" {
            let before = prev.as_deref().and_then(contribution);
            let after = contribution(&obj);
            if before != after {
                self.account(before, -1);
                self.account(after, 1);
            }
        }
        let kind = if prev.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.publish(Event {
            gr: Arc::new(gr.clone()),
            kind,
            obj: obj.clone(),
            prev,
            rv,
        });
        self.queue.push_back((gr, key, obj.clone()));
        obj
    }

    /// Removes an object, publishing DELETED with a fresh resourceVersion.
    pub fn remove(&mut self, res: &Resource, key: &Key) -> Option<Obj> {
        let gr = res.gr();
        let old = self.tables.get_mut(&gr)?.remove(key)?;
        let rv = self.next_rv();
        if gr.0.is_empty() && gr.1 == "pods" {
            self.account(contribution(&old), -1);
            self.unscheduled.remove(key);
        }
        let mut gone = (*old).clone();
        crate::util::obj_at(&mut gone, &["metadata"])
            .insert("resourceVersion".into(), Value::String(rv.to_string()));
        let gone = Arc::new(gone);
        self.publish(Event {
            gr: Arc::new(gr.clone()),
            kind: EventType::Deleted,
            obj: gone.clone(),
            // The state before the deletion, so a paginated list can be served as of an
            // older resourceVersion.
            prev: Some(old),
            rv,
        });
        self.queue.push_back((gr, key.clone(), gone.clone()));
        Some(gone)
    }

    /// Inserts without events or controller work: for seeding big clusters fast.
    pub fn seed_insert(&mut self, res: &Resource, mut obj: Value) {
        let rv = self.next_rv();
        crate::util::obj_at(&mut obj, &["metadata"])
            .insert("resourceVersion".into(), Value::String(rv.to_string()));
        let key = (
            crate::util::namespace_of(&obj).to_string(),
            crate::util::name_of(&obj).to_string(),
        );
        let obj = Arc::new(obj);
        if res.group.is_empty() && res.plural == "pods" {
            self.account(contribution(&obj), 1);
        }
        self.tables.entry(res.gr()).or_default().insert(key, obj);
        self.compacted_rv = self.rv;
    }

    fn publish(&mut self, ev: Event) {
        // Nobody listening is fine: the send error only means "no receivers".
        let _ = self.tx.send(ev.clone());
        self.history.push_back(ev);
        while self.history.len() > HISTORY_MAX {
            if let Some(old) = self.history.pop_front() {
                self.compacted_rv = old.rv;
            }
        }
    }

    /// Adds or subtracts a pod's requests on its node. Freed capacity makes the scheduler
    /// retry pending pods.
    fn account(&mut self, c: Option<(String, i64, i64)>, sign: i64) {
        let Some((node, cpu, mem)) = c else { return };
        let u = self.usage.entry(node).or_default();
        u.cpu_m += sign * cpu;
        u.mem += sign * mem;
        u.pods += sign;
        self.retry_scheduling |= sign < 0;
    }

    pub fn register(&mut self, res: Resource) {
        let gr = res.gr();
        self.resources.retain(|r| r.gr() != gr);
        self.tables.entry(gr).or_default();
        self.resources.push(Arc::new(res));
    }

    pub fn unregister(&mut self, gr: &Gr) {
        self.resources.retain(|r| &r.gr() != gr || !r.crd);
    }

    pub fn alloc_ip(&mut self, prefix: &str) -> String {
        let n = self.next_ip;
        self.next_ip += 1;
        format!("{prefix}.{}.{}", (n >> 8) & 0xff, (n & 0xff).max(1))
    }
}

/// What a pod takes from its node: (node, cpu millicores, memory bytes), if it is bound and
/// not terminated.
fn contribution(pod: &Value) -> Option<(String, i64, i64)> {
    let node = crate::util::str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty())?;
    let phase = crate::util::str_at(pod, &["status", "phase"]).unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return None;
    }
    let (cpu, mem) = crate::scheduler::pod_requests(pod);
    Some((node.to_string(), cpu, mem))
}

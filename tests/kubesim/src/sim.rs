//! The library API: build a simulated cluster, start its server on a background thread, and
//! read or write its store directly from tests.
use crate::auth::{Rbac, Rule};
use crate::faults::{FaultConfig, Faults};
use crate::store::{ControlConfig, Store};
use anyhow::Context;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const REQUEST_LOG_MAX: usize = 10_000;

/// State shared by the HTTP handlers, the controller ticker and the `Sim` handle.
pub struct Shared {
    store: Mutex<Store>,
    pub faults: Faults,
    pub token: Option<String>,
    pub rbac: Rbac,
    pub k8s_version: String,
    pub addr: Mutex<String>,
    requests: Mutex<Vec<String>>,
    /// What answers behind Services, for the services/proxy subresource.
    pub proxies: crate::proxy::Responders,
    /// What listens in pods, for the pods/portforward subresource.
    pub port_forwards: crate::portforward::Responders,
    /// Whether built-in kinds are served in protobuf to clients that ask (a real API server
    /// does; a server or proxy that speaks JSON only does not).
    pub protobuf: std::sync::atomic::AtomicBool,
    /// How many answers were sent in protobuf.
    pub protobuf_answers: std::sync::atomic::AtomicUsize,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock would be a kubesim bug; keep serving regardless.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn addr(&self) -> String {
        self.addr.lock().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn log_request(&self, method: &str, uri: &str) {
        let mut log = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= REQUEST_LOG_MAX {
            log.remove(0);
        }
        log.push(format!("{method} {uri}"));
    }

    pub fn version_doc(&self) -> Value {
        let v = self.k8s_version.trim_start_matches('v');
        let mut parts = v.split('.');
        let major = parts.next().unwrap_or("1");
        let minor = parts.next().unwrap_or("0");
        json!({
            "major": major,
            "minor": minor,
            "emulationMajor": major,
            "emulationMinor": minor,
            "gitVersion": self.k8s_version,
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2025-06-17T00:00:00Z",
            "goVersion": "go1.24.4",
            "compiler": "gc",
            "platform": "linux/amd64",
        })
    }
}

/// Configures and starts a simulated cluster (`Sim::builder()`).
#[derive(Clone, Debug)]
pub struct SimBuilder {
    cluster: Vec<String>,
    generate: Option<(usize, usize, usize)>,
    version: Option<String>,
    ready_delay: Duration,
    tls: bool,
    token: Option<String>,
    deny: Vec<(String, String)>,
    latency: Duration,
    context: String,
    user: String,
    port: u16,
    faults: FaultConfig,
    kubeconfig_out: Option<PathBuf>,
    pod_grace: Duration,
    namespace_termination: Duration,
    webhook_urls_reachable: bool,
    protobuf: bool,
}

impl Default for SimBuilder {
    fn default() -> Self {
        SimBuilder {
            cluster: Vec::new(),
            generate: None,
            version: None,
            ready_delay: Duration::from_millis(200),
            tls: false,
            token: None,
            deny: Vec::new(),
            latency: Duration::ZERO,
            context: "kubesim".into(),
            user: "kubesim-admin".into(),
            port: 0,
            faults: FaultConfig::default(),
            kubeconfig_out: None,
            pod_grace: ControlConfig::default().pod_grace,
            namespace_termination: Duration::ZERO,
            webhook_urls_reachable: false,
            protobuf: true,
        }
    }
}

impl SimBuilder {
    /// A cluster file (YAML, see README.md); may be called several times.
    pub fn cluster_yaml(mut self, yaml: &str) -> Self {
        self.cluster.push(yaml.to_string());
        self
    }

    /// Adds a generated cluster: `nodes` nodes, `pods` pods over `namespaces` namespaces.
    pub fn generate(mut self, nodes: usize, pods: usize, namespaces: usize) -> Self {
        self.generate = Some((nodes, pods, namespaces));
        self
    }

    pub fn k8s_version(mut self, v: &str) -> Self {
        self.version = Some(v.to_string());
        self
    }

    /// How long a scheduled pod takes to become Ready (and so its workload Available).
    pub fn ready_delay(mut self, d: Duration) -> Self {
        self.ready_delay = d;
        self
    }

    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    pub fn token(mut self, t: &str) -> Self {
        self.token = Some(t.to_string());
        self
    }

    /// Denies a verb on a resource (`"create"`, `"customresourcedefinitions.apiextensions.k8s.io"`);
    /// `"*"` matches any verb or resource.
    pub fn deny(mut self, verb: &str, resource: &str) -> Self {
        self.deny.push((verb.to_string(), resource.to_string()));
        self
    }

    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }

    pub fn context_name(mut self, name: &str) -> Self {
        self.context = name.to_string();
        self
    }

    /// The user name RBAC messages mention.
    pub fn user(mut self, name: &str) -> Self {
        self.user = name.to_string();
        self
    }

    /// A fixed port instead of a random one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Faults active from the start (see `Sim::faults` to change them later).
    pub fn faults(mut self, f: FaultConfig) -> Self {
        self.faults = f;
        self
    }

    /// How long a gracefully deleted pod stays Terminating (with `deletionTimestamp`) before
    /// it is removed (default 100ms; `gracePeriodSeconds=0` deletes at once).
    pub fn pod_grace(mut self, d: Duration) -> Self {
        self.pod_grace = d;
        self
    }

    /// How long a deleted namespace stays `Terminating` before the namespace controller
    /// starts deleting its content (default 0: at once; it disappears once empty).
    pub fn namespace_termination(mut self, d: Duration) -> Self {
        self.namespace_termination = d;
        self
    }

    /// Whether built-in kinds are served in protobuf when asked (on by default, as a real API
    /// server); off, every answer is JSON and a protobuf body is refused with 415.
    pub fn protobuf(mut self, on: bool) -> Self {
        self.protobuf = on;
        self
    }

    /// Whether admission webhooks configured with a `url` (not a service) count as reachable
    /// (default false: calling them fails like an unreachable host).
    pub fn webhook_urls_reachable(mut self, on: bool) -> Self {
        self.webhook_urls_reachable = on;
        self
    }

    /// Also write the kubeconfig here (it is always written into the Sim's temp dir).
    pub fn kubeconfig_out(mut self, p: &Path) -> Self {
        self.kubeconfig_out = Some(p.to_path_buf());
        self
    }

    /// Seeds the store, starts the server on its own thread and tokio runtime, and writes
    /// the kubeconfig. Synchronous, so plain `#[test]`s can use it.
    pub fn start(self) -> anyhow::Result<Sim> {
        let files: Vec<crate::seed::ClusterFile> = self
            .cluster
            .iter()
            .map(|y| crate::seed::parse(y))
            .collect::<anyhow::Result<_>>()?;
        let version = self
            .version
            .clone()
            .or_else(|| files.iter().find_map(|f| f.version.clone()))
            .unwrap_or_else(|| "v1.33.2".into());
        // Every cluster has a CA (in each namespace's kube-root-ca.crt); it serves only with TLS.
        let material = crate::tls::generate()?;
        let mut store = Store::new(ControlConfig {
            ready_delay: self.ready_delay,
            user: self.user.clone(),
            pod_grace: self.pod_grace,
            namespace_termination: self.namespace_termination,
            webhook_urls_reachable: self.webhook_urls_reachable,
            root_ca: material.ca_pem.clone(),
        });
        crate::seed::base_namespaces(&mut store)?;
        // Without a cluster file there is one default node, unless nodes are generated.
        if files.is_empty() && self.generate.is_none_or(|(n, _, _)| n == 0) {
            crate::seed::apply(&mut store, &crate::seed::ClusterFile::default(), &version)?;
        }
        for f in &files {
            crate::seed::apply(&mut store, f, &version)?;
        }
        if let Some((n, p, k)) = self.generate {
            crate::seed::generate(&mut store, n, p, k, &version);
        }
        let mut faults = self.faults.clone();
        if !self.latency.is_zero() {
            faults.latency = self.latency;
        }
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            faults: Faults::new(faults),
            token: self.token.clone(),
            rbac: Rbac {
                user: self.user.clone(),
                deny: self.deny.iter().map(|(v, r)| Rule::parse(v, r)).collect(),
            },
            k8s_version: version,
            addr: Mutex::new(String::new()),
            requests: Mutex::new(Vec::new()),
            proxies: Default::default(),
            port_forwards: Default::default(),
            protobuf: self.protobuf.into(),
            protobuf_answers: Default::default(),
        });
        let tls = self.tls.then_some(material);
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", self.port)).context("binding the API server port")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        if let Ok(mut a) = shared.addr.lock() {
            *a = addr.to_string();
        }
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        let dir = tempfile::Builder::new().prefix("kubesim-").tempdir()?;
        let kubeconfig = dir.path().join("kubeconfig");
        let text = crate::kubeconfig::render(&crate::kubeconfig::KubeconfigSpec {
            server: &url,
            context: &self.context,
            ca_pem: tls.as_ref().map(|t| t.ca_pem.as_str()),
            token: self.token.as_deref(),
        });
        std::fs::write(&kubeconfig, &text)?;
        if let Some(p) = &self.kubeconfig_out {
            std::fs::write(p, &text).with_context(|| format!("writing {}", p.display()))?;
        }
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
        let thread_shared = shared.clone();
        let acceptor = tls.map(|t| t.acceptor);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("kubesim".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow::anyhow!("starting the runtime: {e}")));
                        return;
                    }
                };
                rt.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(anyhow::anyhow!("listening: {e}")));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    crate::server::serve(listener, thread_shared, acceptor, stop_rx).await;
                });
                rt.shutdown_timeout(Duration::from_millis(500));
            })?;
        ready_rx.recv().context("the server thread died")??;
        Ok(Sim {
            shared,
            url,
            kubeconfig,
            context: self.context,
            dir: Some(dir),
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

/// A running simulated cluster. Dropping it stops the server and removes its temp dir.
pub struct Sim {
    shared: Arc<Shared>,
    url: String,
    kubeconfig: PathBuf,
    context: String,
    dir: Option<tempfile::TempDir>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.dir.take();
    }
}

fn run_controllers(st: &mut Store) {
    crate::controller::drain(st);
}

impl Sim {
    pub fn builder() -> SimBuilder {
        SimBuilder::default()
    }

    /// Programs what answers behind `port` of Service `namespace/service`, as the pods would:
    /// requests through the services/proxy subresource that resolve to that port reach it.
    pub fn proxy_responder(
        &self,
        namespace: &str,
        service: &str,
        port: i64,
        responder: impl Fn(&crate::proxy::ProxyRequest) -> crate::proxy::ProxyResponse + Send + Sync + 'static,
    ) {
        self.shared
            .proxies
            .set(namespace, service, port, Arc::new(responder));
    }

    /// Programs what listens in pod `namespace/pod` for pods/portforward: `responder(port)`
    /// says what answers on each port. Without one, a pod answers HTTP on every port
    /// (`portforward::default_listen`).
    pub fn pod_responder(
        &self,
        namespace: &str,
        pod: &str,
        responder: impl Fn(u16) -> crate::portforward::Listen + Send + Sync + 'static,
    ) {
        self.shared.port_forwards.set(namespace, pod, Arc::new(responder));
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    pub fn context_name(&self) -> &str {
        &self.context
    }

    /// Fault toggles, effective immediately.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Every request served so far, as `METHOD /path?query` (the last 10,000).
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Turns protobuf answers on or off, as [`SimBuilder::protobuf`].
    pub fn set_protobuf(&self, on: bool) {
        self.shared
            .protobuf
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many answers were sent in protobuf since the start.
    pub fn protobuf_answers(&self) -> usize {
        self.shared
            .protobuf_answers
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn clear_requests(&self) {
        if let Ok(mut l) = self.shared.requests.lock() {
            l.clear();
        }
    }

    /// Reads one object by API path, e.g. `/api/v1/namespaces/foo`.
    pub fn get(&self, path: &str) -> Option<Value> {
        let st = self.shared.lock();
        let t = crate::api::parse_target(&st, path).ok()??;
        let name = t.name.as_deref()?;
        let obj = st.get(&t.res.group, &t.res.plural, t.ns.as_deref().unwrap_or(""), name)?;
        Some(crate::api::versioned(&t, &obj))
    }

    /// Lists the objects of a collection path, e.g. `/api/v1/pods` (all namespaces) or
    /// `/api/v1/namespaces/foo/pods`, filtered as the API filters by `?labelSelector=` and
    /// `?fieldSelector=` (percent-escaped or not). Any other query, or a selector the API would
    /// refuse, is a mistake in the test: it panics rather than list something else.
    pub fn list(&self, path: &str) -> Vec<Value> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let query = crate::api::parse_query(query);
        if let Some(other) = query
            .keys()
            .find(|k| !matches!(k.as_str(), "labelSelector" | "fieldSelector"))
        {
            panic!("Sim::list filters by labelSelector and fieldSelector only, not {other:?}");
        }
        let st = self.shared.lock();
        let Ok(Some(t)) = crate::api::parse_target(&st, path) else {
            return Vec::new();
        };
        if t.name.is_some() {
            return Vec::new();
        }
        let selector = |key: &str| query.get(key).map(String::as_str).unwrap_or("");
        let labels = crate::selector::LabelSelector::parse(selector("labelSelector"))
            .unwrap_or_else(|e| panic!("Sim::list: {}", e.message));
        let fields = crate::selector::FieldSelector::parse(selector("fieldSelector"), &t.res.plural)
            .unwrap_or_else(|e| panic!("Sim::list: {}", e.message));
        st.iter_ns(&t.res.gr(), t.ns.as_deref())
            .filter(|(_, o)| labels.matches(o) && fields.matches(o))
            .map(|(_, o)| crate::api::versioned(&t, o))
            .collect()
    }

    /// Creates or replaces the objects of a (multi-document) YAML directly in the store,
    /// running the same admission and controllers as the API.
    pub fn apply_yaml(&self, yaml: &str) -> anyhow::Result<()> {
        let docs: Vec<Value> = serde_saphyr::from_multiple(yaml).context("parsing YAML")?;
        let mut st = self.shared.lock();
        for doc in docs.into_iter().filter(|d| !d.is_null()) {
            let items = if doc.get("kind").and_then(Value::as_str) == Some("List") {
                doc.get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            } else {
                vec![doc]
            };
            for item in items {
                let what = format!(
                    "{} {}",
                    item.get("kind").and_then(Value::as_str).unwrap_or("?"),
                    crate::util::name_of(&item)
                );
                let out = crate::ops::create_or_replace(&mut st, item);
                run_controllers(&mut st);
                out.map_err(|e| anyhow::anyhow!("{what}: {}", e.message))?;
            }
        }
        Ok(())
    }

    /// Deletes one object by API path as a DELETE without options would (background
    /// propagation, graceful for pods, finalizers honoured). `false` if it did not exist.
    pub fn delete(&self, path: &str) -> bool {
        let mut st = self.shared.lock();
        let Ok(Some(t)) = crate::api::parse_target(&st, path) else {
            return false;
        };
        let Some(name) = t.name.clone() else { return false };
        let ok = crate::ops::delete(
            &mut st,
            &t.res,
            t.ns.as_deref().unwrap_or(""),
            &name,
            crate::ops::DeleteOptions::default(),
        )
        .is_ok();
        run_controllers(&mut st);
        ok
    }

    /// Changes how long deleted pods stay Terminating.
    pub fn set_pod_grace(&self, d: Duration) {
        self.shared.lock().config.pod_grace = d;
    }

    /// Changes how long deleted namespaces stay Terminating before their content goes.
    pub fn set_namespace_termination(&self, d: Duration) {
        self.shared.lock().config.namespace_termination = d;
    }

    /// Changes the delay before new pods become Ready.
    pub fn set_ready_delay(&self, d: Duration) {
        self.shared.lock().config.ready_delay = d;
    }

    /// Waits until `f` holds (polling the store), up to `timeout`.
    pub fn wait_for(&self, timeout: Duration, mut f: impl FnMut(&Sim) -> bool) -> bool {
        let end = std::time::Instant::now() + timeout;
        loop {
            if f(self) {
                return true;
            }
            if std::time::Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Free allocatable per node (allocatable − requests of non-terminated pods), as
    /// istioup computes it: (cpu millicores, memory bytes).
    pub fn node_free(&self, node: &str) -> Option<(i64, i64)> {
        let st = self.shared.lock();
        let n = st.get("", "nodes", "", node)?;
        let alloc = |r: &str| {
            crate::util::at(&n, &["status", "allocatable", r]).and_then(crate::quantity::from_value_milli)
        };
        let u = st.usage.get(node).copied().unwrap_or_default();
        Some((
            alloc("cpu")? as i64 - u.cpu_m,
            ((alloc("memory")? + 999) / 1000) as i64 - u.mem,
        ))
    }
}

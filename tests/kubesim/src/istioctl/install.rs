//! `istioctl install` (also `apply`, `upgrade`, `manifest install`).
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use serde_json::{Value, json};

use super::args::{Global, InstallOpts};
use super::config::{self, IstioConfig};
use super::faults::{self, Faults};
use super::kube::{self, Cluster};
use super::manifest::{
    self, COMPONENT_LABEL, Comp, ComponentManifest, NOT_PRUNED_LABEL, REV_LABEL, label_of,
};
use super::progress::{Progress, processing_message};
use super::wait::{self, Waitable};
use super::{Failure, duration, prompt};

pub async fn run(
    global: &Global,
    opts: &InstallOpts,
    stdin: Option<&str>,
    faults: &Faults,
) -> Result<(), Failure> {
    let version = faults::version();
    let cluster = kube::connect(global).await.map_err(Failure::msg)?;
    // operator/cmd/mesh/install.go: the logo goes to stderr before anything else is done.
    super::progress::logo();
    let cfg = config::resolve(&opts.files, &opts.sets, opts.revision.as_deref(), stdin, &version)
        .map_err(|e| Failure::msg(format!("generate config: {e}")))?;
    let manifests = manifest::build(&cfg);

    let mut progress = Progress::new(faults::width(), faults.slow);
    if let Some(old) = installed_version(&cluster, &cfg).await
        && old != cfg.version
    {
        let verb = if compare_versions(&old, &cfg.version) == std::cmp::Ordering::Greater {
            "downgraded"
        } else {
            "upgraded"
        };
        progress.line(&format!(
            "WARNING: Istio is being {verb} from {old} to {}.",
            cfg.version
        ));
    }

    if !opts.skip_confirmation && !opts.dry_run {
        let question = format!(
            "This will install the Istio {} profile {:?} into the cluster. Proceed? (y/N)",
            cfg.version, cfg.profile
        );
        if !prompt::confirm(&question) {
            prompt::cancelled();
            return Err(Failure::silent(1));
        }
    }
    let namespaces = cluster
        .namespaces()
        .await
        .map_err(|e| Failure::msg(format!("failed to connect to Kubernetes API server: {e}")))?;

    let mut installer = Installer {
        cluster: &cluster,
        cfg: &cfg,
        opts,
        faults,
        progress,
        namespaces,
        applied: HashSet::new(),
    };
    installer.run(&manifests).await
}

/// The version of the installed control plane of this revision, from the istiod Deployment's
/// `operator.istio.io/version` label or its image tag.
async fn installed_version(cluster: &Cluster, cfg: &IstioConfig) -> Option<String> {
    let d = cluster
        .get("apps/v1", "Deployment", &cfg.namespace, &cfg.rev_name("istiod"))
        .await
        .ok()??;
    if let Some(v) = d
        .pointer("/metadata/labels")
        .and_then(|l| l.get(manifest::VERSION_LABEL))
        .and_then(Value::as_str)
    {
        return Some(v.to_string());
    }
    let image = d
        .pointer("/spec/template/spec/containers/0/image")
        .and_then(Value::as_str)?;
    image.rsplit_once(':').map(|(_, tag)| tag.to_string())
}

pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| -> Vec<u64> {
        s.trim_start_matches('v')
            .split(['.', '-'])
            .map(|p| p.parse::<u64>().unwrap_or(0))
            .collect()
    };
    parse(a).cmp(&parse(b))
}

struct Running {
    comp: Comp,
    deadline: Instant,
    /// A dependency failed: the workloads cannot become ready (gateways without istiod).
    blocked: bool,
    waitables: Vec<Waitable>,
    not_ready: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    Failed,
}

struct Installer<'a> {
    cluster: &'a Cluster,
    cfg: &'a IstioConfig,
    opts: &'a InstallOpts,
    faults: &'a Faults,
    progress: Progress,
    namespaces: Vec<String>,
    applied: HashSet<(String, String, String)>,
}

impl Installer<'_> {
    async fn run(&mut self, manifests: &[ComponentManifest]) -> Result<(), Failure> {
        let fail_at = self.faults.fail_at.as_deref().and_then(Comp::parse);
        let present: BTreeSet<Comp> = manifests.iter().map(|m| m.comp).collect();
        let mut outcomes: BTreeMap<Comp, Outcome> = BTreeMap::new();
        let mut running: Vec<Running> = Vec::new();
        let poll = faults::poll_interval();

        loop {
            // Start every component whose dependencies finished, successfully or not
            // (install.go signals dependents whatever the outcome).
            let startable: Vec<&ComponentManifest> = manifests
                .iter()
                .filter(|m| !outcomes.contains_key(&m.comp))
                .filter(|m| !running.iter().any(|r| r.comp == m.comp))
                .filter(|m| {
                    m.comp
                        .deps()
                        .iter()
                        .all(|d| !present.contains(d) || outcomes.contains_key(d))
                })
                .collect();
            if !startable.is_empty() {
                let mut names: Vec<&str> = running.iter().map(|r| r.comp.display()).collect();
                names.extend(startable.iter().map(|m| m.comp.display()));
                self.progress.status(&processing_message(&names, &[]));
            }
            for m in startable {
                if fail_at == Some(m.comp) {
                    self.report_injected_failure(m);
                    outcomes.insert(m.comp, Outcome::Failed);
                    continue;
                }
                if let Err(e) = self.apply_all(&m.objects).await {
                    self.progress
                        .line(&format!("✘ {} encountered an error: {e}", m.comp.display()));
                    outcomes.insert(m.comp, Outcome::Failed);
                    continue;
                }
                let waitables = if self.opts.dry_run {
                    Vec::new()
                } else {
                    wait::waitables(&m.objects)
                };
                let blocked = m
                    .comp
                    .deps()
                    .iter()
                    .any(|d| outcomes.get(d) == Some(&Outcome::Failed));
                running.push(Running {
                    comp: m.comp,
                    deadline: Instant::now() + self.opts.readiness_timeout,
                    blocked,
                    not_ready: waitables.iter().map(|w| w.reference.clone()).collect(),
                    waitables,
                });
            }
            if running.is_empty() {
                // Everything finished, or what is left waits on a failed dependency.
                break;
            }

            // Poll the running components.
            let mut still = Vec::new();
            for mut r in running {
                let mut not_ready = Vec::new();
                for w in &r.waitables {
                    if r.blocked {
                        not_ready.push(w.clone());
                        continue;
                    }
                    match wait::is_ready(self.cluster, w).await {
                        Ok(true) => {}
                        Ok(false) | Err(_) => not_ready.push(w.clone()),
                    }
                }
                r.not_ready = not_ready.iter().map(|w| w.reference.clone()).collect();
                if not_ready.is_empty() {
                    self.progress
                        .line(&format!("✔ {} installed {}", r.comp.display(), r.comp.emoji()));
                    outcomes.insert(r.comp, Outcome::Done);
                    if r.comp == Comp::Pilot {
                        self.istiod_started().await;
                    }
                } else if Instant::now() >= r.deadline {
                    self.report_timeout(r.comp, &not_ready, r.blocked).await;
                    outcomes.insert(r.comp, Outcome::Failed);
                } else {
                    still.push(r);
                }
            }
            running = still;
            if !running.is_empty() {
                let names: Vec<&str> = running.iter().map(|r| r.comp.display()).collect();
                let waiting: Vec<String> = running.iter().flat_map(|r| r.not_ready.iter().cloned()).collect();
                self.progress.status(&processing_message(&names, &waiting));
                tokio::time::sleep(poll).await;
            }
        }

        if outcomes.values().any(|o| *o == Outcome::Failed) {
            return Err(Failure::msg(
                "failed to install manifests: errors occurred during operation",
            ));
        }
        self.progress.status("- Pruning removed resources");
        if !self.opts.dry_run {
            self.prune().await;
        }
        self.progress.line("✔ Installation complete");
        if !self.opts.dry_run {
            self.tag_step().await?;
        }
        if self.cfg.profile == "ambient" {
            self.progress
                .line("The ambient profile has been installed successfully, enjoy Istio without sidecars!");
        }
        Ok(())
    }

    /// The default revision tag (operator/pkg/webhook/webhook.go: WebhooksToDeploy, and
    /// istioctl/pkg/tag/generate.go: Generate): needed unless webhooks are operator-managed,
    /// when no previous install exists or this is the default revision; built from the single
    /// canonical injector of the revision; for the tag `default`, the canonical default
    /// injector is switched to never-matching selectors (DeactivateIstioInjectionWebhook).
    /// Any failure to generate leaves the tag out silently, like istioctl.
    async fn tag_step(&mut self) -> Result<(), Failure> {
        let cfg = self.cfg;
        if cfg
            .get("values.global.operatorManageWebhooks")
            .and_then(Value::as_bool)
            == Some(true)
        {
            return Ok(());
        }
        let mwc = ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration");
        let Ok(hooks) = self.cluster.list(mwc.0, mwc.1, "").await else {
            return Ok(());
        };
        let selector = manifest::previous_install_selector(cfg);
        let exists = hooks
            .iter()
            .any(|h| selector.iter().all(|(k, v)| label_of(h, k) == Some(*v)));
        if exists && !cfg.is_default_revision() {
            return Ok(());
        }
        if super::tag::canonical(&hooks, &cfg.revision).len() != 1
            || super::tag::canonical(&hooks, "default").len() > 1
        {
            return Ok(());
        }
        super::tag::deactivate_default(self.cluster, &hooks)
            .await
            .map_err(|e| {
                Failure::msg(format!(
                    "failed generating webhooks: {}",
                    e.message.unwrap_or_default()
                ))
            })?;
        // fixWhConfig: a validator failure policy already flipped to Fail by istiod stays Fail.
        let existing_vwc = self
            .cluster
            .get(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "",
                "istiod-default-validator",
            )
            .await
            .ok()
            .flatten();
        for mut o in manifest::tag_objects(cfg) {
            if o.get("kind").and_then(Value::as_str) == Some("ValidatingWebhookConfiguration")
                && let Some(ex) = &existing_vwc
            {
                let fail: Vec<Value> = ex
                    .get("webhooks")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|w| w.get("failurePolicy").and_then(Value::as_str) == Some("Fail"))
                    .filter_map(|w| w.get("name").cloned())
                    .collect();
                if let Some(Value::Array(ws)) = o.get_mut("webhooks") {
                    for w in ws {
                        if w.get("name").is_some_and(|n| fail.contains(n)) {
                            w["failurePolicy"] = json!("Fail");
                        }
                    }
                }
            }
            self.cluster
                .apply(&o)
                .await
                .map_err(|e| Failure::msg(format!("failed deploying webhooks: {e}")))?;
        }
        Ok(())
    }

    async fn apply_all(&mut self, objects: &[Value]) -> Result<(), String> {
        // Namespaces the objects live in are created first.
        let wanted: BTreeSet<String> = objects
            .iter()
            .map(|o| kube::key(o).1)
            .filter(|ns| !ns.is_empty())
            .collect();
        for ns in wanted {
            if self.namespaces.contains(&ns) {
                continue;
            }
            if !self.opts.dry_run {
                let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
                self.cluster.apply(&obj).await.map_err(|e| {
                    format!("failed to update resource with server-side apply for obj Namespace//{ns}: {e}")
                })?;
            }
            self.namespaces.push(ns);
        }
        for o in objects {
            self.applied.insert(kube::key(o));
            if self.opts.dry_run {
                continue;
            }
            self.cluster.apply(o).await.map_err(|e| {
                let (kind, ns, name) = kube::key(o);
                format!("failed to update resource with server-side apply for obj {kind}/{ns}/{name}: {e}")
            })?;
        }
        Ok(())
    }

    /// What a running istiod creates: the root-cert ConfigMap in every namespace and its
    /// leader-election ConfigMaps.
    async fn istiod_started(&mut self) {
        if self.opts.dry_run {
            return;
        }
        let namespaces = self.cluster.namespaces().await.unwrap_or_default();
        for obj in manifest::runtime_objects(self.cfg, &namespaces) {
            let _ = self.cluster.apply(&obj).await;
        }
    }

    fn timeout_header(&self, comp: Comp) -> String {
        format!(
            "✘ {} encountered an error: failed to wait for resource: resources not ready after {}: context deadline exceeded",
            comp.display(),
            duration::format(self.opts.readiness_timeout)
        )
    }

    async fn report_timeout(&mut self, comp: Comp, not_ready: &[Waitable], blocked: bool) {
        let mut lines = vec![self.timeout_header(comp)];
        for w in not_ready {
            if blocked {
                lines.push(format!("  {}", w.reference));
                continue;
            }
            match wait::debug_info(self.cluster, w).await {
                Some(info) => lines.push(format!("  {} ({info})", w.reference)),
                None => lines.push(format!("  {}", w.reference)),
            }
        }
        for l in lines {
            self.progress.line(&l);
        }
    }

    fn report_injected_failure(&mut self, m: &ComponentManifest) {
        let waitables = wait::waitables(&m.objects);
        if waitables.is_empty() {
            let first = m.objects.first().map(kube::ref_string).unwrap_or_default();
            self.progress.line(&format!(
                "✘ {} encountered an error: failed to update resource with server-side apply for obj {first}: Internal error occurred: injected failure (ISTIOCTL_STANDIN_FAIL_AT)",
                m.comp.display()
            ));
            return;
        }
        let header = self.timeout_header(m.comp);
        self.progress.line(&header);
        for (w, obj) in waitables.iter().zip(
            m.objects
                .iter()
                .filter(|o| matches!(kube::key(o).0.as_str(), "Deployment" | "DaemonSet")),
        ) {
            let image = obj
                .pointer("/spec/template/spec/containers/0/image")
                .and_then(Value::as_str)
                .unwrap_or("");
            self.progress.line(&format!(
                "  {} (container failed to start: ImagePullBackOff: Back-off pulling image \"{image}\")",
                w.reference
            ));
        }
    }

    /// Deletes objects of this revision from an earlier installation that the new manifest no
    /// longer contains (never CRDs, Base objects or namespaces).
    async fn prune(&mut self) {
        for (api_version, kind, _, _) in kube::KINDS {
            if matches!(*kind, "Namespace" | "Pod" | "Event" | "CustomResourceDefinition") {
                continue;
            }
            let Ok(items) = self.cluster.list(api_version, kind, "").await else {
                continue;
            };
            for item in items {
                let labels = item.pointer("/metadata/labels");
                let label = |k: &str| {
                    labels
                        .and_then(|l| l.get(k))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                };
                let component = label(COMPONENT_LABEL);
                if component.is_empty() || component == "Base" || label(NOT_PRUNED_LABEL) == "true" {
                    continue;
                }
                if label(REV_LABEL) != self.cfg.revision {
                    continue;
                }
                if self.applied.contains(&kube::key(&item)) {
                    continue;
                }
                let _ = self.cluster.delete(&item).await;
            }
        }
    }
}

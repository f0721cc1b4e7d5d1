//! A little of the control plane: pod admission (injection, scheduling, start-up), and the
//! Deployment → ReplicaSet → Pod, StatefulSet, DaemonSet and Job controllers with the status
//! fields installers wait on. Controllers run synchronously after each write (`drain`) and
//! on a timer (`tick`) for pods that become ready after the configured delay.
use crate::ops;
use crate::resources::Resource;
use crate::store::{Key, Obj, Store};
use crate::util::{at, label, name_of, namespace_of, now_rfc3339, obj_at, str_at, template_hash};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

fn pods_res(st: &Store) -> Arc<Resource> {
    st.res("", "pods")
}

fn uid_of(v: &Value) -> &str {
    str_at(v, &["metadata", "uid"]).unwrap_or("")
}

/// The controller ownerReference of an object: (kind, name).
fn controller_of(v: &Value) -> Option<(&str, &str)> {
    at(v, &["metadata", "ownerReferences"])?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .map(|r| {
            (
                str_at(r, &["kind"]).unwrap_or(""),
                str_at(r, &["name"]).unwrap_or(""),
            )
        })
}

fn owned_by<'a>(st: &'a Store, group: &str, plural: &str, ns: &'a str, uid: &'a str) -> Vec<Obj> {
    let gr = (group.to_string(), plural.to_string());
    st.iter_ns(&gr, Some(ns))
        .filter(|(_, o)| {
            at(o, &["metadata", "ownerReferences"])
                .and_then(Value::as_array)
                .is_some_and(|refs| refs.iter().any(|r| str_at(r, &["uid"]) == Some(uid)))
        })
        .map(|(_, o)| o.clone())
        .collect()
}

fn owner_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": owner.get("kind").cloned().unwrap_or(Value::Null),
        "name": name_of(owner),
        "uid": uid_of(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

fn phase(pod: &Value) -> &str {
    str_at(pod, &["status", "phase"]).unwrap_or("")
}

fn is_terminal(pod: &Value) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

pub fn pod_ready(pod: &Value) -> bool {
    at(pod, &["status", "conditions"])
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| str_at(c, &["type"]) == Some("Ready") && str_at(c, &["status"]) == Some("True"))
        })
}

fn int_at(v: &Value, path: &[&str], dflt: i64) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(dflt)
}

/// Records (or bumps the count of) an Event about an object: kube-scheduler's as it records
/// them through events.k8s.io/v1 (src/events.rs), the others as client-go tools/record does.
pub fn record_event(st: &mut Store, about: &Value, ty: &str, reason: &str, message: &str, component: &str) {
    if st.instant || st.dry_run {
        return;
    }
    let ns = namespace_of(about).to_string();
    let ns = if ns.is_empty() { "default".to_string() } else { ns };
    // Events cannot be created in a Terminating namespace either.
    if st
        .get("", "namespaces", "", &ns)
        .is_none_or(|n| ops::deleting(&n))
    {
        return;
    }
    let uid = uid_of(about).to_string();
    let res = st.res("", "events");
    let now = now_rfc3339();
    // Only warnings repeat (a pod failing to schedule again); skipping the scan for normal
    // events keeps big DaemonSets linear.
    let same = st
        .iter_ns(&res.gr(), Some(&ns))
        .filter(|_| ty == "Warning")
        .find(|(_, e)| {
            str_at(e, &["involvedObject", "uid"]) == Some(uid.as_str())
                && str_at(e, &["reason"]) == Some(reason)
                && str_at(e, &["message"]) == Some(message)
        })
        .map(|(_, e)| e.clone());
    let new_style = crate::events::new_style(component);
    if let Some(e) = same {
        let mut e = (*e).clone();
        if new_style {
            crate::events::repeat(&mut e);
        } else {
            e["count"] = json!(int_at(&e, &["count"], 1) + 1);
            e["lastTimestamp"] = json!(now);
        }
        st.put(&res, e);
        return;
    }
    let regarding = json!({
        "apiVersion": about.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": about.get("kind").cloned().unwrap_or(Value::Null),
        "name": name_of(about),
        "namespace": namespace_of(about),
        "uid": uid,
    });
    if new_style {
        let ev = crate::events::new_event(regarding, &ns, ty, reason, message, component);
        st.put(&res, ev);
        return;
    }
    let ev = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": format!("{}.{:016x}", name_of(about), fastrand::u64(..)),
            "namespace": ns,
            "uid": crate::util::new_uid(),
            "creationTimestamp": now,
        },
        "involvedObject": regarding,
        "reason": reason,
        "message": message,
        "type": ty,
        "count": 1,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "source": {"component": component},
        "reportingComponent": component,
    });
    st.put(&res, ev);
}

/// The defaults a real server fills into a new pod before admission.
pub fn pod_defaults(pod: &mut Value) {
    {
        let spec = obj_at(pod, &["spec"]);
        spec.entry("restartPolicy").or_insert(json!("Always"));
        spec.entry("schedulerName").or_insert(json!("default-scheduler"));
        spec.entry("serviceAccountName").or_insert(json!("default"));
        spec.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
        spec.entry("terminationGracePeriodSeconds").or_insert(json!(30));
        if !spec.get("containers").is_some_and(Value::is_array) {
            spec.insert("containers".into(), json!([]));
        }
    }
}

/// A new pod after admission (defaults and webhooks, including sidecar injection): status
/// reset, scheduling, and start-up. A dry run stops before scheduling.
pub fn admit_new_pod(st: &mut Store, pod: &mut Value) {
    let seeded_phase = str_at(pod, &["status", "phase"]).map(str::to_string);
    // A real API server resets the status of a new pod; seeds may set a phase.
    pod["status"] = json!({"phase": "Pending", "qosClass": qos_class(pod)});
    if st.dry_run {
        return;
    }
    let key: Key = (namespace_of(pod).to_string(), name_of(pod).to_string());
    let bound = str_at(pod, &["spec", "nodeName"])
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let node = match bound {
        Some(n) => Some(n),
        None => match crate::scheduler::schedule(st, pod, None) {
            Ok(n) => {
                let msg = format!("Successfully assigned {}/{} to {n}", key.0, key.1);
                record_event(st, pod, "Normal", "Scheduled", &msg, "default-scheduler");
                Some(n)
            }
            Err(msg) => {
                unschedulable(st, pod, &msg);
                st.unscheduled.insert(key.clone());
                None
            }
        },
    };
    let Some(node) = node else { return };
    bind(st, pod, &node);
    if st.instant {
        match seeded_phase.as_deref() {
            Some("Pending") => {}
            Some(p @ ("Succeeded" | "Failed")) => pod["status"]["phase"] = json!(p),
            _ => start_containers(st, pod),
        }
    } else if st.config.ready_delay.is_zero() {
        start_containers(st, pod);
    } else {
        st.timers.push((
            Instant::now() + st.config.ready_delay,
            key,
            uid_of(pod).to_string(),
        ));
    }
}

fn qos_class(pod: &Value) -> &'static str {
    let (cpu, mem) = crate::scheduler::pod_requests(pod);
    if cpu == 0 && mem == 0 {
        "BestEffort"
    } else {
        "Burstable"
    }
}

fn unschedulable(st: &mut Store, pod: &mut Value, msg: &str) {
    let changed = sched_message(pod) != Some(msg);
    pod["status"]["phase"] = json!("Pending");
    pod["status"]["conditions"] = json!([{
        "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": msg, "lastTransitionTime": now_rfc3339(),
    }]);
    if changed {
        record_event(st, pod, "Warning", "FailedScheduling", msg, "default-scheduler");
    }
}

/// The message of a pod's PodScheduled=False condition.
fn sched_message(pod: &Value) -> Option<&str> {
    at(pod, &["status", "conditions"])?
        .as_array()?
        .iter()
        .find(|c| str_at(c, &["type"]) == Some("PodScheduled"))
        .and_then(|c| str_at(c, &["message"]))
}

fn bind(st: &mut Store, pod: &mut Value, node: &str) {
    obj_at(pod, &["spec"]).insert("nodeName".into(), json!(node));
    let host_ip = st
        .get("", "nodes", "", node)
        .and_then(|n| {
            at(&n, &["status", "addresses"])
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|x| str_at(x, &["type"]) == Some("InternalIP")))
                .and_then(|x| str_at(x, &["address"]))
                .map(str::to_string)
        })
        .unwrap_or_else(|| "10.0.0.1".into());
    let status = obj_at(pod, &["status"]);
    status.insert("phase".into(), json!("Pending"));
    status.insert("hostIP".into(), json!(host_ip));
    status.insert(
        "conditions".into(),
        json!([{"type": "PodScheduled", "status": "True", "lastTransitionTime": now_rfc3339()}]),
    );
    let names: Vec<Value> = container_names(pod, "containers")
        .into_iter()
        .map(|(n, img)| {
            json!({"name": n, "image": img, "ready": false, "restartCount": 0, "started": false,
                   "state": {"waiting": {"reason": "ContainerCreating"}}})
        })
        .collect();
    obj_at(pod, &["status"]).insert("containerStatuses".into(), json!(names));
}

fn container_names(pod: &Value, list: &str) -> Vec<(String, String)> {
    at(pod, &["spec", list])
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        str_at(c, &["name"]).unwrap_or("").to_string(),
                        str_at(c, &["image"]).unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Images a test can use to simulate a pull failure.
fn unpullable(image: &str) -> bool {
    image.contains("doesnotexist") || image.contains("nonexistent")
}

/// Starts a bound pod's containers: Running and Ready, Succeeded for Job pods, or stuck in
/// ImagePullBackOff for unpullable images.
fn start_containers(st: &mut Store, pod: &mut Value) {
    let now = now_rfc3339();
    let job = controller_of(pod).is_some_and(|(k, _)| k == "Job");
    let containers = container_names(pod, "containers");
    let inits = container_names(pod, "initContainers");
    let bad = containers
        .iter()
        .chain(inits.iter())
        .find(|(_, img)| unpullable(img))
        .cloned();
    let ip = st.alloc_ip("10.244");
    let status = obj_at(pod, &["status"]);
    status.insert("podIP".into(), json!(ip.clone()));
    status.insert("podIPs".into(), json!([{"ip": ip}]));
    status.insert("startTime".into(), json!(now));
    let cond = |t: &str, ok: bool| {
        let mut c = json!({"type": t, "status": if ok {"True"} else {"False"}, "lastTransitionTime": now});
        if !ok {
            c["reason"] = json!("ContainersNotReady");
        }
        c
    };
    if let Some((bad_name, bad_img)) = bad {
        let statuses: Vec<Value> = containers
            .iter()
            .map(|(n, img)| {
                let waiting = if *n == bad_name {
                    json!({"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{bad_img}\": ErrImagePull: failed to pull and unpack image \"{bad_img}\": not found")})
                } else {
                    json!({"reason": "PodInitializing"})
                };
                json!({"name": n, "image": img, "ready": false, "restartCount": 0, "started": false, "state": {"waiting": waiting}})
            })
            .collect();
        status.insert("phase".into(), json!("Pending"));
        status.insert("containerStatuses".into(), json!(statuses));
        status.insert(
            "conditions".into(),
            json!([
                cond("PodScheduled", true),
                cond("Initialized", true),
                cond("ContainersReady", false),
                cond("Ready", false)
            ]),
        );
        return;
    }
    let statuses: Vec<Value> = containers
        .iter()
        .map(|(n, img)| {
            let state = if job {
                json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}})
            } else {
                json!({"running": {"startedAt": now}})
            };
            json!({"name": n, "image": img, "imageID": format!("{img}@sha256:0000"), "containerID": format!("containerd://{:016x}", fastrand::u64(..)),
                   "ready": !job, "restartCount": 0, "started": !job, "state": state})
        })
        .collect();
    let init_statuses: Vec<Value> = inits
        .iter()
        .map(|(n, img)| {
            json!({"name": n, "image": img, "ready": true, "restartCount": 0,
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}}})
        })
        .collect();
    status.insert("phase".into(), json!(if job { "Succeeded" } else { "Running" }));
    status.insert("containerStatuses".into(), json!(statuses));
    if !init_statuses.is_empty() {
        status.insert("initContainerStatuses".into(), json!(init_statuses));
    }
    status.insert(
        "conditions".into(),
        json!([
            cond("PodReadyToStartContainers", true),
            cond("Initialized", true),
            cond("Ready", !job),
            cond("ContainersReady", !job),
            cond("PodScheduled", true)
        ]),
    );
}

/// Runs the timers that are due (pods becoming ready), then the controllers.
pub fn tick(st: &mut Store) {
    let now = Instant::now();
    if st.timers.iter().any(|(t, _, _)| *t <= now) {
        let (due, rest): (Vec<_>, Vec<_>) = st.timers.drain(..).partition(|(t, _, _)| *t <= now);
        st.timers = rest;
        let res = pods_res(st);
        for (_, key, uid) in due {
            let Some(pod) = st.get("", "pods", &key.0, &key.1) else {
                continue;
            };
            if uid_of(&pod) != uid || str_at(&pod, &["spec", "nodeName"]).is_none() {
                continue;
            }
            let mut p = (*pod).clone();
            start_containers(st, &mut p);
            st.put(&res, p);
        }
    }
    crate::lifecycle::finish_pod_deletions(st);
    if !st.retry_creates.is_empty() {
        let due: Vec<(String, String, String)> = st
            .retry_creates
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            st.retry_creates.remove(&k);
            match k.0.as_str() {
                "ReplicaSet" => reconcile_replicaset(st, &k.1, &k.2),
                "StatefulSet" => reconcile_statefulset(st, &k.1, &k.2),
                "DaemonSet" => reconcile_daemonset(st, &k.1, &k.2),
                "Job" => reconcile_job(st, &k.1, &k.2),
                _ => {}
            }
        }
    }
    drain(st);
}

/// Work item for the controllers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Work {
    Deployment(String, String),
    ReplicaSet(String, String),
    StatefulSet(String, String),
    DaemonSet(String, String),
    Job(String, String),
    AllDaemonSets,
    /// Endpoints and EndpointSlices of a namespace's Services.
    Endpoints(String),
}

fn work_for(gr: &(String, String), key: &Key, obj: &Value, work: &mut BTreeSet<Work>) {
    if gr.0.is_empty() && (gr.1 == "pods" || gr.1 == "services") {
        work.insert(Work::Endpoints(key.0.clone()));
    }
    if let Some(w) = owner_work(gr, key, obj) {
        work.insert(w);
    }
}

fn owner_work(gr: &(String, String), key: &Key, obj: &Value) -> Option<Work> {
    let (ns, name) = (key.0.clone(), key.1.clone());
    Some(match (gr.0.as_str(), gr.1.as_str()) {
        ("apps", "deployments") => Work::Deployment(ns, name),
        ("apps", "replicasets") => Work::ReplicaSet(ns, name),
        ("apps", "statefulsets") => Work::StatefulSet(ns, name),
        ("apps", "daemonsets") => Work::DaemonSet(ns, name),
        ("batch", "jobs") => Work::Job(ns, name),
        ("", "nodes") => Work::AllDaemonSets,
        ("", "pods") => {
            let (kind, owner) = controller_of(obj)?;
            let owner = owner.to_string();
            match kind {
                "ReplicaSet" => Work::ReplicaSet(ns, owner),
                "StatefulSet" => Work::StatefulSet(ns, owner),
                "DaemonSet" => Work::DaemonSet(ns, owner),
                "Job" => Work::Job(ns, owner),
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// Runs the controllers until the queue of written objects is empty. Work is batched and
/// de-duplicated, so creating N pods reconciles their owner once per round, not N times.
pub fn drain(st: &mut Store) {
    for _round in 0..10_000 {
        crate::lifecycle::namespaces(st);
        if st.queue.is_empty() {
            if !st.retry_scheduling {
                return;
            }
            st.retry_scheduling = false;
            retry_unscheduled(st);
            continue;
        }
        let batch: Vec<_> = st.queue.drain(..).collect();
        let mut work = BTreeSet::new();
        for (gr, key, obj) in &batch {
            if gr.0.is_empty() && gr.1 == "nodes" {
                st.retry_scheduling = true;
            }
            work_for(gr, key, obj, &mut work);
        }
        crate::lifecycle::collect(st, &batch);
        for w in work {
            match w {
                Work::Deployment(ns, n) => reconcile_deployment(st, &ns, &n),
                Work::ReplicaSet(ns, n) => reconcile_replicaset(st, &ns, &n),
                Work::StatefulSet(ns, n) => reconcile_statefulset(st, &ns, &n),
                Work::DaemonSet(ns, n) => reconcile_daemonset(st, &ns, &n),
                Work::Job(ns, n) => reconcile_job(st, &ns, &n),
                Work::Endpoints(ns) => crate::endpoints::reconcile_namespace(st, &ns),
                Work::AllDaemonSets => {
                    let gr = ("apps".to_string(), "daemonsets".to_string());
                    let all: Vec<Key> = st.iter_ns(&gr, None).map(|(k, _)| k.clone()).collect();
                    for k in all {
                        reconcile_daemonset(st, &k.0, &k.1);
                    }
                }
            }
        }
    }
    // A controller loop that never settles would be a kubesim bug; stop rather than hang.
    st.queue.clear();
}

fn retry_unscheduled(st: &mut Store) {
    let res = pods_res(st);
    let keys: Vec<Key> = st.unscheduled.iter().cloned().collect();
    for key in keys {
        let Some(pod) = st.get("", "pods", &key.0, &key.1) else {
            st.unscheduled.remove(&key);
            continue;
        };
        let mut p = (*pod).clone();
        match crate::scheduler::schedule(st, &p, None) {
            Ok(node) => {
                st.unscheduled.remove(&key);
                let msg = format!("Successfully assigned {}/{} to {node}", key.0, key.1);
                record_event(st, &p, "Normal", "Scheduled", &msg, "default-scheduler");
                bind(st, &mut p, &node);
                if st.config.ready_delay.is_zero() || st.instant {
                    start_containers(st, &mut p);
                } else {
                    st.timers.push((
                        Instant::now() + st.config.ready_delay,
                        key.clone(),
                        uid_of(&p).to_string(),
                    ));
                }
                st.put(&res, p);
            }
            Err(msg) => {
                if sched_message(&p) != Some(msg.as_str()) {
                    unschedulable(st, &mut p, &msg);
                    st.put(&res, p);
                }
            }
        }
    }
}

/// A pod built from a workload's template.
fn pod_from_template(owner: &Value, template: &Value, name: &str, extra_labels: &[(&str, String)]) -> Value {
    let mut labels = at(template, &["metadata", "labels"])
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, v) in extra_labels {
        labels.insert(k.to_string(), json!(v));
    }
    let annotations = at(template, &["metadata", "annotations"])
        .cloned()
        .unwrap_or(json!({}));
    let mut meta = json!({
        "namespace": namespace_of(owner),
        "labels": labels,
        "annotations": annotations,
        "ownerReferences": [owner_ref(owner)],
    });
    // Controllers that name pods randomly let the server do it (generateName), so admission
    // errors name the prefix, as in `pods "web-5d8c9b7f4-" is forbidden: ...`.
    match name.strip_suffix('-') {
        Some(_) => meta["generateName"] = json!(name),
        None => meta["name"] = json!(name),
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// Creates a workload's pod through the API's admission. A failure (an unreachable webhook
/// with failurePolicy Fail, a Terminating namespace) leaves the workload short, as in a real
/// cluster: a `FailedCreate` warning event on the owner (`Error creating: <message>`), and a
/// retry shortly after. Returns whether the pod was created.
fn create_pod(st: &mut Store, owner: &Value, pod: Value) -> bool {
    let res = pods_res(st);
    let ns = namespace_of(&pod).to_string();
    match ops::create(st, &res, "v1", &ns, pod) {
        Ok(_) => true,
        Err(e) => {
            let kind = str_at(owner, &["kind"]).unwrap_or("").to_string();
            let component = match kind.as_str() {
                "ReplicaSet" => "replicaset-controller",
                "StatefulSet" => "statefulset-controller",
                "DaemonSet" => "daemonset-controller",
                _ => "job-controller",
            };
            let msg = format!("Error creating: {}", e.message);
            record_event(st, owner, "Warning", "FailedCreate", &msg, component);
            if !st.instant {
                st.retry_creates.insert(
                    (kind, ns, name_of(owner).to_string()),
                    Instant::now() + std::time::Duration::from_millis(250),
                );
            }
            false
        }
    }
}

/// The last pod creation failure of an owner, if its latest FailedCreate event is newer than
/// its last successful reconcile (kept simple: any FailedCreate event still on record).
fn failed_create(st: &Store, owner: &Value) -> Option<String> {
    let uid = uid_of(owner);
    let gr = (String::new(), "events".to_string());
    st.iter_ns(&gr, Some(namespace_of(owner)))
        .filter(|(_, e)| {
            str_at(e, &["involvedObject", "uid"]) == Some(uid)
                && str_at(e, &["reason"]) == Some("FailedCreate")
        })
        .max_by_key(|(_, e)| str_at(e, &["lastTimestamp"]).unwrap_or("").to_string())
        .and_then(|(_, e)| str_at(e, &["message"]).map(str::to_string))
}

fn delete_pod(st: &mut Store, pod: &Value) {
    if ops::deleting(pod) {
        return;
    }
    let res = pods_res(st);
    let _ = ops::delete(
        st,
        &res,
        namespace_of(pod),
        name_of(pod),
        ops::DeleteOptions::default(),
    );
}

/// Pods a controller counts: not terminated and not being deleted (FilterActivePods).
fn active(pod: &Value) -> bool {
    !is_terminal(pod) && !ops::deleting(pod)
}

/// Writes a new status if it differs from the stored one.
fn set_status(st: &mut Store, group: &str, plural: &str, obj: &Obj, status: Value) {
    if obj.get("status") == Some(&status) {
        return;
    }
    let res = st.res(group, plural);
    let mut new = (**obj).clone();
    new["status"] = status;
    let _ = ops::update(st, &res, namespace_of(obj), name_of(obj), new, Some("status"));
}

/// Keeps timestamps of conditions whose status and reason did not change, so a status
/// recomputation that changes nothing is a no-op write.
fn keep_times(old: Option<&Value>, mut conds: Vec<Value>) -> Vec<Value> {
    let olds = old.and_then(|s| s.get("conditions")).and_then(Value::as_array);
    for c in conds.iter_mut() {
        let same = olds.and_then(|os| {
            os.iter().find(|o| {
                o.get("type") == c.get("type")
                    && o.get("status") == c.get("status")
                    && o.get("reason") == c.get("reason")
            })
        });
        if let (Some(o), Some(m)) = (same, c.as_object_mut()) {
            for k in ["lastTransitionTime", "lastUpdateTime"] {
                if let Some(v) = o.get(k) {
                    m.insert(k.into(), v.clone());
                }
            }
        }
    }
    conds
}

fn reconcile_replicaset(st: &mut Store, ns: &str, name: &str) {
    let Some(rs) = st.get("apps", "replicasets", ns, name) else {
        return;
    };
    // Controllers leave an owner that is being deleted alone (no new pods or ReplicaSets
    // while the garbage collector takes its dependents).
    if ops::deleting(&rs) {
        return;
    }
    let uid = uid_of(&rs).to_string();
    let desired = int_at(&rs, &["spec", "replicas"], 1).max(0) as usize;
    let template = rs
        .get("spec")
        .and_then(|s| s.get("template"))
        .cloned()
        .unwrap_or(json!({}));
    let alive: Vec<Obj> = owned_by(st, "", "pods", ns, &uid)
        .into_iter()
        .filter(|p| active(p))
        .collect();
    let mut failure: Option<String> = None;
    if alive.len() < desired {
        for _ in alive.len()..desired {
            let pod = pod_from_template(&rs, &template, &format!("{name}-"), &[]);
            if !create_pod(st, &rs, pod) {
                failure = failed_create(st, &rs).or(Some(String::new()));
                break;
            }
        }
    } else if alive.len() > desired {
        // Unscheduled, then not-ready pods go first, as the real controller prefers.
        let mut victims = alive.clone();
        victims.sort_by_key(|p| (str_at(p, &["spec", "nodeName"]).is_some(), pod_ready(p)));
        for p in victims.iter().take(alive.len() - desired) {
            delete_pod(st, p);
        }
    }
    let Some(rs) = st.get("apps", "replicasets", ns, name) else {
        return;
    };
    let pods: Vec<Obj> = owned_by(st, "", "pods", ns, &uid)
        .into_iter()
        .filter(|p| active(p))
        .collect();
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let mut status = json!({
        "replicas": pods.len(),
        "fullyLabeledReplicas": pods.len(),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": int_at(&rs, &["metadata", "generation"], 1),
    });
    // The ReplicaFailure condition the real controller sets while creations fail.
    let failure = match failure {
        Some(m) => Some(m),
        None if pods.len() < desired => at(&rs, &["status", "conditions"])
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| str_at(c, &["type"]) == Some("ReplicaFailure")))
            .and_then(|c| str_at(c, &["message"]).map(str::to_string)),
        None => None,
    };
    if let Some(m) = failure {
        let prev = at(&rs, &["status", "conditions"])
            .and_then(Value::as_array)
            .and_then(|cs| {
                cs.iter()
                    .find(|c| str_at(c, &["type"]) == Some("ReplicaFailure"))
                    .cloned()
            });
        let since = prev
            .as_ref()
            .and_then(|c| c.get("lastTransitionTime").cloned())
            .unwrap_or(json!(now_rfc3339()));
        let m = if m.is_empty() {
            prev.as_ref()
                .and_then(|c| str_at(c, &["message"]))
                .unwrap_or("")
                .to_string()
        } else {
            m
        };
        status["conditions"] = json!([{"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                                       "message": m, "lastTransitionTime": since}]);
    }
    set_status(st, "apps", "replicasets", &rs, status);
    if let Some(("Deployment", d)) = controller_of(&rs) {
        let d = d.to_string();
        reconcile_deployment(st, ns, &d);
    }
}

/// maxUnavailable of a rolling update (an int or a percentage rounded down; 25% default).
fn max_unavailable(d: &Value, replicas: i64) -> i64 {
    match at(d, &["spec", "strategy", "rollingUpdate", "maxUnavailable"]) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(25);
            replicas * pct / 100
        }
        _ => replicas * 25 / 100,
    }
}

fn reconcile_deployment(st: &mut Store, ns: &str, name: &str) {
    let Some(d) = st.get("apps", "deployments", ns, name) else {
        return;
    };
    // Controllers leave an owner that is being deleted alone (no new pods or ReplicaSets
    // while the garbage collector takes its dependents).
    if ops::deleting(&d) {
        return;
    }
    let uid = uid_of(&d).to_string();
    let replicas = int_at(&d, &["spec", "replicas"], 1).max(0);
    let mut template = d
        .get("spec")
        .and_then(|s| s.get("template"))
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    obj_at(&mut template, &["metadata", "labels"]).insert("pod-template-hash".into(), json!(hash));
    let rs_name = format!("{name}-{hash}");
    let owned = owned_by(st, "apps", "replicasets", ns, &uid);
    let revision_of = |rs: &Value| {
        str_at(
            rs,
            &["metadata", "annotations", "deployment.kubernetes.io/revision"],
        )
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0)
    };
    let rs_res = st.res("apps", "replicasets");
    let current = owned.iter().find(|r| name_of(r) == rs_name).cloned();
    let revision = match &current {
        Some(rs) => revision_of(rs),
        None => {
            let rev = owned.iter().map(|r| revision_of(r)).max().unwrap_or(0) + 1;
            let mut selector = d
                .get("spec")
                .and_then(|s| s.get("selector"))
                .cloned()
                .unwrap_or(json!({}));
            obj_at(&mut selector, &["matchLabels"]).insert("pod-template-hash".into(), json!(hash));
            let rs = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name,
                    "namespace": ns,
                    "labels": template["metadata"]["labels"].clone(),
                    "annotations": {
                        "deployment.kubernetes.io/revision": rev.to_string(),
                        "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                    },
                    "ownerReferences": [owner_ref(&d)],
                },
                "spec": {"replicas": replicas, "selector": selector, "template": template},
            });
            let _ = ops::create(st, &rs_res, "v1", ns, rs);
            rev
        }
    };
    if let Some(rs) = &current
        && int_at(rs, &["spec", "replicas"], 1) != replicas
    {
        let mut new = (**rs).clone();
        new["spec"]["replicas"] = json!(replicas);
        let _ = ops::update(st, &rs_res, ns, &rs_name, new, None);
    }
    // Old ReplicaSets are scaled down once the new one is fully available (a surge rollout).
    let new_available = st
        .get("apps", "replicasets", ns, &rs_name)
        .map(|rs| int_at(&rs, &["status", "availableReplicas"], 0))
        .unwrap_or(0);
    if new_available >= replicas {
        for old in owned.iter().filter(|r| name_of(r) != rs_name) {
            if int_at(old, &["spec", "replicas"], 1) != 0 {
                let mut new = (**old).clone();
                new["spec"]["replicas"] = json!(0);
                let _ = ops::update(st, &rs_res, ns, name_of(old), new, None);
            }
        }
    }
    let Some(d) = st.get("apps", "deployments", ns, name) else {
        return;
    };
    if str_at(
        &d,
        &["metadata", "annotations", "deployment.kubernetes.io/revision"],
    ) != Some(&revision.to_string())
    {
        let res = st.res("apps", "deployments");
        let mut new = (*d).clone();
        obj_at(&mut new, &["metadata", "annotations"]).insert(
            "deployment.kubernetes.io/revision".into(),
            json!(revision.to_string()),
        );
        let _ = ops::update(st, &res, ns, name, new, None);
    }
    let Some(d) = st.get("apps", "deployments", ns, name) else {
        return;
    };
    let all = owned_by(st, "apps", "replicasets", ns, &uid);
    let sum = |k: &str| all.iter().map(|r| int_at(r, &["status", k], 0)).sum::<i64>();
    let total = sum("replicas");
    let ready = sum("readyReplicas");
    let available = sum("availableReplicas");
    let updated = all
        .iter()
        .find(|r| name_of(r) == rs_name)
        .map(|r| int_at(r, &["status", "replicas"], 0))
        .unwrap_or(0);
    let now = now_rfc3339();
    let min_ok = available >= replicas - max_unavailable(&d, replicas);
    let complete = updated == replicas && total == replicas && available >= replicas;
    let conds = vec![
        json!({
            "type": "Available",
            "status": if min_ok {"True"} else {"False"},
            "reason": if min_ok {"MinimumReplicasAvailable"} else {"MinimumReplicasUnavailable"},
            "message": if min_ok {"Deployment has minimum availability."} else {"Deployment does not have minimum availability."},
            "lastUpdateTime": now, "lastTransitionTime": now,
        }),
        json!({
            "type": "Progressing",
            "status": "True",
            "reason": if complete {"NewReplicaSetAvailable"} else {"ReplicaSetUpdated"},
            "message": if complete { format!("ReplicaSet \"{rs_name}\" has successfully progressed.") } else { format!("ReplicaSet \"{rs_name}\" is progressing.") },
            "lastUpdateTime": now, "lastTransitionTime": now,
        }),
    ];
    let mut status = Map::new();
    status.insert(
        "observedGeneration".into(),
        json!(int_at(&d, &["metadata", "generation"], 1)),
    );
    for (k, v) in [
        ("replicas", total),
        ("updatedReplicas", updated),
        ("readyReplicas", ready),
        ("availableReplicas", available),
    ] {
        if v > 0 {
            status.insert(k.into(), json!(v));
        }
    }
    if replicas - available > 0 {
        status.insert("unavailableReplicas".into(), json!(replicas - available));
    }
    status.insert("conditions".into(), json!(keep_times(d.get("status"), conds)));
    set_status(st, "apps", "deployments", &d, Value::Object(status));
}

fn reconcile_statefulset(st: &mut Store, ns: &str, name: &str) {
    let Some(s) = st.get("apps", "statefulsets", ns, name) else {
        return;
    };
    // Controllers leave an owner that is being deleted alone (no new pods or ReplicaSets
    // while the garbage collector takes its dependents).
    if ops::deleting(&s) {
        return;
    }
    let uid = uid_of(&s).to_string();
    let replicas = int_at(&s, &["spec", "replicas"], 1).max(0);
    let template = s
        .get("spec")
        .and_then(|x| x.get("template"))
        .cloned()
        .unwrap_or(json!({}));
    let rev = format!("{name}-{}", template_hash(&template));
    let service = str_at(&s, &["spec", "serviceName"]).unwrap_or("").to_string();
    let pods = owned_by(st, "", "pods", ns, &uid);
    for p in &pods {
        let idx = name_of(p)
            .rsplit('-')
            .next()
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(i64::MAX);
        if idx >= replicas || label(p, "controller-revision-hash") != Some(rev.as_str()) {
            delete_pod(st, p);
        }
    }
    for i in 0..replicas {
        let pod_name = format!("{name}-{i}");
        if st.get("", "pods", ns, &pod_name).is_some() {
            continue;
        }
        let mut pod = pod_from_template(
            &s,
            &template,
            &pod_name,
            &[
                ("controller-revision-hash", rev.clone()),
                ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
                ("apps.kubernetes.io/pod-index", i.to_string()),
            ],
        );
        obj_at(&mut pod, &["spec"]).insert("hostname".into(), json!(pod_name));
        if !service.is_empty() {
            obj_at(&mut pod, &["spec"]).insert("subdomain".into(), json!(service));
        }
        // Ordered start: stop at the first failure.
        if !create_pod(st, &s, pod) {
            break;
        }
    }
    let Some(s) = st.get("apps", "statefulsets", ns, name) else {
        return;
    };
    let pods: Vec<Obj> = owned_by(st, "", "pods", ns, &uid)
        .into_iter()
        .filter(|p| active(p))
        .collect();
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let status = json!({
        "observedGeneration": int_at(&s, &["metadata", "generation"], 1),
        "replicas": pods.len(),
        "readyReplicas": ready,
        "currentReplicas": pods.len(),
        "updatedReplicas": pods.len(),
        "availableReplicas": ready,
        "currentRevision": rev,
        "updateRevision": rev,
        "collisionCount": 0,
    });
    set_status(st, "apps", "statefulsets", &s, status);
}

/// Tolerations the DaemonSet controller adds to its pods.
const DS_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

/// The node a DaemonSet pod is pinned to (through required node affinity on metadata.name).
pub fn ds_target(pod: &Value) -> Option<&str> {
    at(
        pod,
        &[
            "spec",
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )?
    .as_array()?
    .iter()
    .filter_map(|t| t.get("matchFields")?.as_array())
    .flatten()
    .find(|f| str_at(f, &["key"]) == Some("metadata.name"))
    .and_then(|f| f.get("values")?.as_array()?.first()?.as_str())
}

fn reconcile_daemonset(st: &mut Store, ns: &str, name: &str) {
    let Some(ds) = st.get("apps", "daemonsets", ns, name) else {
        return;
    };
    // Controllers leave an owner that is being deleted alone (no new pods or ReplicaSets
    // while the garbage collector takes its dependents).
    if ops::deleting(&ds) {
        return;
    }
    let uid = uid_of(&ds).to_string();
    let template = ds
        .get("spec")
        .and_then(|x| x.get("template"))
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    let mut tolerations: Vec<Value> = at(&template, &["spec", "tolerations"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (k, e) in DS_TOLERATIONS {
        tolerations.push(json!({"key": k, "operator": "Exists", "effect": e}));
    }
    // Nodes the DaemonSet wants a pod on: selector/affinity match and taints tolerated.
    let probe = json!({"spec": {"nodeSelector": at(&template, &["spec", "nodeSelector"]).cloned().unwrap_or(json!({})),
                                 "affinity": at(&template, &["spec", "affinity"]).cloned().unwrap_or(json!({})),
                                 "tolerations": tolerations.clone()}});
    let nodes_gr = (String::new(), "nodes".to_string());
    let wanted: BTreeSet<String> = st
        .iter_ns(&nodes_gr, None)
        .filter(|(_, n)| crate::scheduler::eligible(n, &probe))
        .map(|(k, _)| k.1.clone())
        .collect();
    let pods: Vec<Obj> = owned_by(st, "", "pods", ns, &uid)
        .into_iter()
        .filter(|p| !ops::deleting(p))
        .collect();
    let mut have = BTreeSet::new();
    for p in &pods {
        let target = ds_target(p).unwrap_or("").to_string();
        if !wanted.contains(&target)
            || label(p, "controller-revision-hash") != Some(hash.as_str())
            || have.contains(&target)
        {
            delete_pod(st, p);
        } else {
            have.insert(target);
        }
    }
    let generation = int_at(&ds, &["metadata", "generation"], 1);
    for node in wanted.iter().filter(|n| !have.contains(*n)) {
        let pod_name = format!("{name}-");
        let mut pod = pod_from_template(
            &ds,
            &template,
            &pod_name,
            &[
                ("controller-revision-hash", hash.clone()),
                ("pod-template-generation", generation.to_string()),
            ],
        );
        let spec = obj_at(&mut pod, &["spec"]);
        spec.insert("tolerations".into(), json!(tolerations));
        spec.insert(
            "affinity".into(),
            json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]}}}),
        );
        if !create_pod(st, &ds, pod) {
            break;
        }
    }
    let Some(ds) = st.get("apps", "daemonsets", ns, name) else {
        return;
    };
    let pods: Vec<Obj> = owned_by(st, "", "pods", ns, &uid)
        .into_iter()
        .filter(|p| !ops::deleting(p))
        .collect();
    let scheduled = pods
        .iter()
        .filter(|p| str_at(p, &["spec", "nodeName"]).is_some())
        .count();
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let desired = wanted.len();
    let mut status = json!({
        "observedGeneration": generation,
        "desiredNumberScheduled": desired,
        "currentNumberScheduled": scheduled,
        "updatedNumberScheduled": scheduled,
        "numberReady": ready,
        "numberAvailable": ready,
        "numberMisscheduled": 0,
    });
    if desired > ready {
        status["numberUnavailable"] = json!(desired - ready);
    }
    set_status(st, "apps", "daemonsets", &ds, status);
}

fn reconcile_job(st: &mut Store, ns: &str, name: &str) {
    let Some(job) = st.get("batch", "jobs", ns, name) else {
        return;
    };
    // Controllers leave an owner that is being deleted alone (no new pods or ReplicaSets
    // while the garbage collector takes its dependents).
    if ops::deleting(&job) {
        return;
    }
    let uid = uid_of(&job).to_string();
    let completions = int_at(&job, &["spec", "completions"], 1).max(1);
    let parallelism = int_at(&job, &["spec", "parallelism"], 1).max(1);
    let template = job
        .get("spec")
        .and_then(|x| x.get("template"))
        .cloned()
        .unwrap_or(json!({}));
    let pods = owned_by(st, "", "pods", ns, &uid);
    let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
    let running = pods.iter().filter(|p| active(p)).count() as i64;
    let want_active = parallelism.min(completions - succeeded).max(0);
    for _ in running..want_active {
        let pod = pod_from_template(
            &job,
            &template,
            &format!("{name}-"),
            &[
                ("job-name", name.to_string()),
                ("batch.kubernetes.io/job-name", name.to_string()),
            ],
        );
        if !create_pod(st, &job, pod) {
            break;
        }
    }
    let Some(job) = st.get("batch", "jobs", ns, name) else {
        return;
    };
    let pods = owned_by(st, "", "pods", ns, &uid);
    let succeeded = pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64;
    let active = pods.iter().filter(|p| active(p)).count() as i64;
    let old = job.get("status");
    let start = old
        .and_then(|s| s.get("startTime"))
        .cloned()
        .unwrap_or(json!(now_rfc3339()));
    let mut status = json!({"startTime": start, "active": active, "succeeded": succeeded, "ready": pods.iter().filter(|p| pod_ready(p)).count()});
    if succeeded >= completions {
        let done = old
            .and_then(|s| s.get("completionTime"))
            .cloned()
            .unwrap_or(json!(now_rfc3339()));
        status["completionTime"] = done.clone();
        status["conditions"] = json!([
            {"type": "SuccessCriteriaMet", "status": "True", "lastTransitionTime": done.clone(), "lastProbeTime": done.clone()},
            {"type": "Complete", "status": "True", "lastTransitionTime": done.clone(), "lastProbeTime": done}
        ]);
    }
    set_status(st, "batch", "jobs", &job, status);
}

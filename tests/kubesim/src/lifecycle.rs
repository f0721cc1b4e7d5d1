//! Deletion after the API call: the garbage collector (pkg/controller/garbagecollector:
//! dependents of removed owners are deleted once none of their owners remain, `orphan` and
//! `foregroundDeletion` finalizers are processed), the namespace controller
//! (pkg/controller/namespace: a Terminating namespace's content is deleted, then the
//! `kubernetes` finalizer is removed and the namespace with it), and the simulated kubelet
//! finishing gracefully deleted pods.
use crate::ops::{self, DeleteOptions, Propagation};
use crate::resources::Resource;
use crate::store::{Key, Obj, Store};
use crate::util::{at, now_rfc3339, obj_at, str_at};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

fn uid_of(v: &Value) -> &str {
    str_at(v, &["metadata", "uid"]).unwrap_or("")
}

fn owner_uids(v: &Value) -> Vec<&str> {
    at(v, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| str_at(r, &["uid"])).collect())
        .unwrap_or_default()
}

/// Objects whose ownerReferences name one of `uids`, in `ns` (all namespaces for "").
fn dependents(st: &Store, ns: &str, uids: &BTreeSet<String>) -> Vec<(Arc<Resource>, Key, Obj)> {
    let mut out = Vec::new();
    for r in st.resources.iter().filter(|r| !r.virtual_only) {
        if !ns.is_empty() && !r.namespaced {
            continue;
        }
        let scope = if ns.is_empty() { None } else { Some(ns) };
        for (k, o) in st.iter_ns(&r.gr(), scope) {
            if owner_uids(o).iter().any(|u| uids.contains(*u)) {
                out.push((r.clone(), k.clone(), o.clone()));
            }
        }
    }
    out
}

/// One round of garbage collection for the objects written since the last round.
pub fn collect(st: &mut Store, batch: &[((String, String), Key, Obj)]) {
    // Owners removed in this batch, by the namespace their dependents live in.
    let mut gone: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Objects waiting on their dependents (or orphaning them), and owners to re-check.
    let mut waiting: BTreeSet<((String, String), Key)> = BTreeSet::new();
    let mut recheck: Vec<(String, Value)> = Vec::new();
    for (gr, key, obj) in batch {
        let live = st.tables.get(gr).and_then(|t| t.get(key)).cloned();
        let uid = uid_of(obj);
        match live {
            Some(l) if uid_of(&l) == uid => {
                if ops::deleting(&l) {
                    let f = ops::finalizers(&l);
                    if f.iter().any(|x| x == "orphan" || x == "foregroundDeletion") {
                        waiting.insert((gr.clone(), key.clone()));
                    }
                }
            }
            _ => {
                if !uid.is_empty() {
                    gone.entry(key.0.clone()).or_default().insert(uid.to_string());
                }
                for r in at(obj, &["metadata", "ownerReferences"])
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    recheck.push((key.0.clone(), r.clone()));
                }
            }
        }
    }
    // Owners in the foreground whose dependents just went.
    for (ns, r) in recheck {
        let api = str_at(&r, &["apiVersion"]).unwrap_or("");
        let kind = str_at(&r, &["kind"]).unwrap_or("");
        let Some((res, _)) = st.find_kind(api, kind) else {
            continue;
        };
        let ons = if res.namespaced { ns.as_str() } else { "" };
        let name = str_at(&r, &["name"]).unwrap_or("");
        if let Some(o) = st.get(&res.group, &res.plural, ons, name)
            && Some(uid_of(&o)) == str_at(&r, &["uid"])
            && ops::deleting(&o)
        {
            waiting.insert((res.gr(), (ons.to_string(), name.to_string())));
        }
    }
    for (ns, uids) in gone {
        // A cluster-scoped owner ("") can have dependents anywhere.
        for (res, key, dep) in dependents(st, &ns, &uids) {
            let refs: Vec<Value> = at(&dep, &["metadata", "ownerReferences"])
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let rest: Vec<Value> = refs
                .iter()
                .filter(|r| !str_at(r, &["uid"]).is_some_and(|u| uids.contains(u)))
                .cloned()
                .collect();
            if rest.is_empty() {
                if !ops::deleting(&dep) {
                    let _ = ops::delete(st, &res, &key.0, &key.1, DeleteOptions::default());
                }
            } else if rest.len() != refs.len() {
                let mut new = (*dep).clone();
                obj_at(&mut new, &["metadata"]).insert("ownerReferences".into(), json!(rest));
                let _ = ops::update(st, &res, &key.0, &key.1, new, None);
            }
        }
    }
    for (gr, key) in waiting {
        finish_waiting(st, &gr, &key);
    }
}

/// An owner deleted with `orphan` or `foregroundDeletion`: orphans its dependents, or deletes
/// them and removes the finalizer once none is left.
fn finish_waiting(st: &mut Store, gr: &(String, String), key: &Key) {
    let Some(res) = st.find_gr(&gr.0, &gr.1) else {
        return;
    };
    let Some(owner) = st.get(&gr.0, &gr.1, &key.0, &key.1) else {
        return;
    };
    let uid: BTreeSet<String> = [uid_of(&owner).to_string()].into_iter().collect();
    let fins = ops::finalizers(&owner);
    let deps = dependents(st, &key.0, &uid);
    if fins.iter().any(|f| f == "orphan") {
        for (r, k, dep) in &deps {
            let mut new = (**dep).clone();
            let refs: Vec<Value> = at(dep, &["metadata", "ownerReferences"])
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter(|x| !str_at(x, &["uid"]).is_some_and(|u| uid.contains(u)))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let meta = obj_at(&mut new, &["metadata"]);
            if refs.is_empty() {
                meta.remove("ownerReferences");
            } else {
                meta.insert("ownerReferences".into(), json!(refs));
            }
            let _ = ops::update(st, r, &k.0, &k.1, new, None);
        }
        ops::remove_finalizer(st, &res, &key.0, &key.1, "orphan");
        return;
    }
    if fins.iter().any(|f| f == "foregroundDeletion") {
        if deps.is_empty() {
            ops::remove_finalizer(st, &res, &key.0, &key.1, "foregroundDeletion");
            return;
        }
        for (r, k, dep) in deps {
            if ops::deleting(&dep) {
                continue;
            }
            // Dependents that own things themselves are deleted in the foreground too.
            let policy = if r.group.is_empty() && r.plural == "pods" {
                Propagation::Background
            } else {
                Propagation::Foreground
            };
            let _ = ops::delete(st, &r, &k.0, &k.1, DeleteOptions::with(policy));
        }
    }
}

/// The kubelet's part of graceful deletion: pods whose grace is over are removed (or, with
/// finalizers left, wait for them with a zero grace period).
pub fn finish_pod_deletions(st: &mut Store) {
    let now = Instant::now();
    if !st.pod_deletions.iter().any(|(t, _, _)| *t <= now) {
        return;
    }
    let (due, rest): (Vec<_>, Vec<_>) = st.pod_deletions.drain(..).partition(|(t, _, _)| *t <= now);
    st.pod_deletions = rest;
    let res = st.res("", "pods");
    for (_, key, uid) in due {
        let Some(pod) = st.get("", "pods", &key.0, &key.1) else {
            continue;
        };
        if uid_of(&pod) != uid {
            continue;
        }
        if ops::finalizers(&pod).is_empty() {
            if let Some(gone) = st.remove(&res, &key) {
                ops::after_delete(st, &res, &gone);
            }
        } else {
            let mut p = (*pod).clone();
            obj_at(&mut p, &["metadata"]).insert("deletionGracePeriodSeconds".into(), json!(0));
            st.put(&res, p);
        }
    }
}

/// The namespace controller: for each Terminating namespace whose termination delay is over,
/// deletes what is in it, reports what remains in status conditions, and removes the
/// namespace once it is empty.
pub fn namespaces(st: &mut Store) {
    if st.terminating.is_empty() {
        return;
    }
    let now = Instant::now();
    let due: Vec<String> = st
        .terminating
        .iter()
        .filter(|(_, t)| **t <= now)
        .map(|(n, _)| n.clone())
        .collect();
    let ns_res = st.res("", "namespaces");
    for ns in due {
        let Some(nso) = st.get("", "namespaces", "", &ns) else {
            st.terminating.remove(&ns);
            continue;
        };
        if !ops::deleting(&nso) {
            st.terminating.remove(&ns);
            continue;
        }
        let namespaced: Vec<Arc<Resource>> = st
            .resources
            .iter()
            .filter(|r| r.namespaced && !r.virtual_only)
            .cloned()
            .collect();
        for r in &namespaced {
            let keys: Vec<Key> = st
                .iter_ns(&r.gr(), Some(&ns))
                .filter(|(_, o)| !ops::deleting(o))
                .map(|(k, _)| k.clone())
                .collect();
            for k in keys {
                let _ = ops::delete(st, r, &k.0, &k.1, DeleteOptions::default());
            }
        }
        let mut remaining: BTreeMap<String, usize> = BTreeMap::new();
        let mut with_finalizers: BTreeMap<String, usize> = BTreeMap::new();
        for r in &namespaced {
            for (_, o) in st.iter_ns(&r.gr(), Some(&ns)) {
                *remaining.entry(r.qualified()).or_default() += 1;
                for f in ops::finalizers(o) {
                    *with_finalizers.entry(f).or_default() += 1;
                }
            }
        }
        if remaining.is_empty() {
            let spec_fins = at(&nso, &["spec", "finalizers"])
                .and_then(Value::as_array)
                .map(|a| a.iter().filter(|f| f.as_str() != Some("kubernetes")).count())
                .unwrap_or(0);
            if spec_fins == 0 && ops::finalizers(&nso).is_empty() {
                st.terminating.remove(&ns);
                st.remove(&ns_res, &(String::new(), ns.clone()));
                continue;
            }
        }
        let now_ts = now_rfc3339();
        let cond = |t: &str, on: bool, reason_on: &str, reason_off: &str, msg: String| {
            json!({"type": t, "status": if on {"True"} else {"False"},
                   "reason": if on {reason_on} else {reason_off}, "message": msg, "lastTransitionTime": now_ts})
        };
        let content = remaining
            .iter()
            .map(|(r, n)| format!("{r} has {n} resource instances"))
            .collect::<Vec<_>>()
            .join(", ");
        let fins = with_finalizers
            .iter()
            .map(|(f, n)| format!("{f} in {n} resource instances"))
            .collect::<Vec<_>>()
            .join(", ");
        let conds = vec![
            cond(
                "NamespaceContentRemaining",
                !remaining.is_empty(),
                "SomeResourcesRemain",
                "ContentRemoved",
                if remaining.is_empty() {
                    "All content successfully removed".into()
                } else {
                    format!("Some resources are remaining: {content}")
                },
            ),
            cond(
                "NamespaceFinalizersRemaining",
                !with_finalizers.is_empty(),
                "SomeFinalizersRemain",
                "ContentHasNoFinalizers",
                if with_finalizers.is_empty() {
                    "All content-preserving finalizers finished".into()
                } else {
                    format!("Some content in the namespace has finalizers remaining: {fins}")
                },
            ),
        ];
        let same = at(&nso, &["status", "conditions"])
            .and_then(Value::as_array)
            .is_some_and(|old| {
                old.len() == conds.len()
                    && old.iter().zip(&conds).all(|(a, b)| {
                        a.get("type") == b.get("type")
                            && a.get("status") == b.get("status")
                            && a.get("message") == b.get("message")
                    })
            });
        if !same {
            let mut new = (*nso).clone();
            new["status"]["conditions"] = json!(conds);
            st.put(&ns_res, new);
        }
    }
}

//! One istioup at a time changes a cluster's mesh: a `coordination.k8s.io` Lease in the Istio
//! namespace, held while a command changes things and renewed while it runs, the way client-go's
//! leader election holds one (k8s.io/client-go/tools/leaderelection/resourcelock/leaselock.go:
//! holderIdentity, leaseDurationSeconds, acquireTime, renewTime). A second command waits for it
//! (`--wait-for-lock`) or refuses, naming the holder; a lease nobody renewed for its duration is
//! stale (its holder crashed or was killed) and is taken over.
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams, Preconditions};
use kube::{Client, ResourceExt};
use serde_json::json;

use crate::error::{Error, Kind, Result, api_error};

pub const LEASE_NAME: &str = "istioup-lock";
/// What the holder runs (`install`, `uninstall`, `enable namespace`) and as whom.
pub const COMMAND_ANNOTATION: &str = "istioup.io/command";
/// A lease not renewed for this long is stale.
pub const DURATION: Duration = Duration::from_secs(60);
const RENEW_EVERY: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_secs(2);

/// A held lock: renewed in the background until released.
pub struct Lock {
    api: Api<Lease>,
    renewer: tokio::task::JoinHandle<()>,
}

/// Takes the lock in `namespace` for `command`, waiting up to `wait` while another istioup
/// holds it. With `create_namespace`, a missing namespace is created (install is about to create
/// it anyway); without, a missing namespace means no mesh to guard and no lock is taken.
pub async fn acquire(
    client: &Client,
    namespace: &str,
    command: &str,
    wait: Duration,
    create_namespace: bool,
    say: &mut dyn FnMut(String),
) -> Result<Option<Lock>> {
    let namespaces = Api::<Namespace>::all(client.clone());
    let exists = namespaces
        .get_opt(namespace)
        .await
        .map_err(|e| api_error(e, &format!("cannot read namespace {namespace}")))?
        .is_some();
    if !exists {
        if !create_namespace {
            return Ok(None);
        }
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some(namespace.to_string()),
                ..ObjectMeta::default()
            },
            ..Namespace::default()
        };
        match namespaces.create(&PostParams::default(), &ns).await {
            Ok(_) => super::journal::record("created", format!("namespace/{namespace}"), None),
            Err(kube::Error::Api(s)) if s.code == 409 => {}
            Err(e) => return Err(api_error(e, &format!("cannot create namespace {namespace}"))),
        }
    }
    let api = Api::<Lease>::namespaced(client.clone(), namespace);
    let me = identity();
    let started = std::time::Instant::now();
    let mut announced = false;
    loop {
        match try_take(&api, namespace, &me, command).await? {
            None => {
                let renewer = tokio::spawn(renew(api.clone(), me.clone()));
                return Ok(Some(Lock { api, renewer }));
            }
            Some(holder) if started.elapsed() >= wait => {
                return Err(Error::new(
                    Kind::ChecksFailed,
                    format!(
                        "another istioup is changing this cluster: {holder} (lease {namespace}/{LEASE_NAME}); nothing was changed"
                    ),
                )
                .with_hint(format!(
                    "wait for it to finish, or pass --wait-for-lock 10m to wait; a lease not renewed for {}s is stale and taken over",
                    DURATION.as_secs()
                )));
            }
            Some(holder) => {
                if !announced {
                    say(format!(
                        "waiting up to {}s for the lock {namespace}/{LEASE_NAME}: {holder}",
                        wait.as_secs()
                    ));
                    announced = true;
                }
                if crate::util::interrupt::interrupted() {
                    return Err(Error::new(
                        Kind::Interrupted,
                        "interrupted while waiting for the lock; nothing was changed",
                    ));
                }
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

impl Lock {
    /// Gives the lock up: stops renewing and deletes the lease, if it is still this one's.
    pub async fn release(self) {
        self.renewer.abort();
        let Ok(Some(lease)) = self.api.get_opt(LEASE_NAME).await else {
            return;
        };
        if holder_of(&lease) != identity() {
            return;
        }
        let params = DeleteParams {
            preconditions: Some(Preconditions {
                uid: lease.uid(),
                resource_version: lease.resource_version(),
            }),
            ..DeleteParams::default()
        };
        let _ = self.api.delete(LEASE_NAME, &params).await;
    }
}

/// Runs `work` holding the lock of `namespace` (when that namespace exists), and releases it
/// after, whatever `work` returned. A lock held by another istioup fails with exit 3 before
/// `work` starts.
pub async fn holding<T>(
    client: &Client,
    namespace: &str,
    command: &str,
    wait: Duration,
    say: &mut dyn FnMut(String),
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let lock = acquire(client, namespace, command, wait, false, say).await?;
    let result = work.await;
    if let Some(lock) = lock {
        lock.release().await;
    }
    result
}

/// The namespace whose lease guards the mesh: the default Istio namespace when Istio runs
/// there, else the first one it runs in.
pub fn home(istio_namespaces: &std::collections::BTreeSet<String>) -> String {
    let default = crate::istio::DEFAULT_NAMESPACE;
    if istio_namespaces.contains(default) || istio_namespaces.is_empty() {
        return default.to_string();
    }
    istio_namespaces
        .iter()
        .next()
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

/// This process, as the lease names its holder: `istioup@host/pid`.
fn identity() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    format!("istioup@{host}/{}", std::process::id())
}

fn holder_of(lease: &Lease) -> String {
    lease
        .spec
        .as_ref()
        .and_then(|s| s.holder_identity.clone())
        .unwrap_or_default()
}

/// Whether the lease was renewed within its duration, as of `now`.
pub fn is_live(lease: &Lease, now: Timestamp) -> bool {
    let Some(spec) = lease.spec.as_ref() else {
        return false;
    };
    if spec.holder_identity.as_deref().unwrap_or("").is_empty() {
        return false;
    }
    let seconds = i64::from(spec.lease_duration_seconds.unwrap_or(DURATION.as_secs() as i32));
    let Some(renewed) = spec.renew_time.as_ref().or(spec.acquire_time.as_ref()) else {
        return false;
    };
    renewed.0.as_second() + seconds > now.as_second()
}

/// Takes the lease if it is free or stale; otherwise says who holds it.
async fn try_take(api: &Api<Lease>, namespace: &str, me: &str, command: &str) -> Result<Option<String>> {
    let now = Timestamp::now();
    let fresh = Lease {
        metadata: ObjectMeta {
            name: Some(LEASE_NAME.into()),
            labels: Some([("app.kubernetes.io/managed-by".to_string(), "istioup".to_string())].into()),
            annotations: Some([(COMMAND_ANNOTATION.to_string(), command.to_string())].into()),
            ..ObjectMeta::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(me.to_string()),
            lease_duration_seconds: Some(DURATION.as_secs() as i32),
            acquire_time: Some(MicroTime(now)),
            renew_time: Some(MicroTime(now)),
            ..LeaseSpec::default()
        }),
    };
    let what = format!("cannot take the lock {namespace}/{LEASE_NAME}");
    // A create whose answer was lost (the connection dropped) or that failed on the server's
    // side (5xx, 429: it may have been written or not) may have gone through: what the server
    // holds then says whose the lease is. It is not repeated blindly (not idempotent).
    let mut current = None;
    let mut failed = None;
    for _ in 0..3 {
        match api.create(&PostParams::default(), &fresh).await {
            Ok(_) => return Ok(None),
            Err(kube::Error::Api(s)) if s.code == 409 => failed = None,
            Err(kube::Error::Api(s)) if s.code >= 500 || s.code == 429 => {
                failed = Some(kube::Error::Api(s));
            }
            Err(e @ kube::Error::Api(_)) => return Err(api_error(e, &what)),
            Err(e) => failed = Some(e),
        }
        current = api.get_opt(LEASE_NAME).await.map_err(|e| api_error(e, &what))?;
        if current.is_some() {
            break;
        }
    }
    let Some(current) = current else {
        // Every create failed and left nothing: the server's last answer says why.
        return match failed {
            Some(e) => Err(api_error(e, &what)),
            None => Ok(Some("a holder that just let go".into())),
        };
    };
    if holder_of(&current) == me {
        return Ok(None);
    }
    if is_live(&current, now) {
        return Ok(Some(describe(&current, now)));
    }
    // Stale: take it over, guarded by what was read, so two takers cannot both win.
    let mut taken = fresh;
    taken.metadata.resource_version = current.resource_version();
    match api.replace(LEASE_NAME, &PostParams::default(), &taken).await {
        Ok(_) => Ok(None),
        Err(kube::Error::Api(s)) if s.code == 409 => {
            // Ours if a retried takeover had already gone through.
            let now_held = api.get_opt(LEASE_NAME).await.map_err(|e| api_error(e, &what))?;
            match now_held {
                Some(l) if holder_of(&l) == me => Ok(None),
                Some(l) => Ok(Some(describe(&l, now))),
                None => Ok(Some("a holder that just let go".into())),
            }
        }
        Err(e) => Err(api_error(e, &what)),
    }
}

/// `istioup@ci-7/4242 running "install" since 12:01:02Z, renewed 5s ago`
fn describe(lease: &Lease, now: Timestamp) -> String {
    let command = lease
        .annotations()
        .get(COMMAND_ANNOTATION)
        .cloned()
        .unwrap_or_else(|| "a command".into());
    let spec = lease.spec.clone().unwrap_or_default();
    let since = spec
        .acquire_time
        .map(|t| format!(" since {}", t.0.strftime("%H:%M:%SZ")))
        .unwrap_or_default();
    let renewed = spec
        .renew_time
        .map(|t| format!(", renewed {}s ago", (now.as_second() - t.0.as_second()).max(0)))
        .unwrap_or_default();
    format!("{} running {command:?}{since}{renewed}", holder_of(lease))
}

/// Renews the lease every `RENEW_EVERY` while the command runs; stops if someone else took it.
async fn renew(api: Api<Lease>, me: String) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let Ok(Some(lease)) = api.get_opt(LEASE_NAME).await else {
            return;
        };
        if holder_of(&lease) != me {
            return;
        }
        let patch = json!({
            "metadata": {"resourceVersion": lease.resource_version()},
            "spec": {"renewTime": MicroTime(Timestamp::now())}
        });
        if api
            .patch(LEASE_NAME, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(holder: &str, renewed_at: i64, duration: i32) -> Lease {
        Lease {
            spec: Some(LeaseSpec {
                holder_identity: Some(holder.into()),
                lease_duration_seconds: Some(duration),
                renew_time: Some(MicroTime(Timestamp::from_second(renewed_at).unwrap())),
                ..LeaseSpec::default()
            }),
            ..Lease::default()
        }
    }

    #[test]
    fn a_lease_is_live_until_its_duration_after_the_last_renewal() {
        let now = Timestamp::from_second(1_000).unwrap();
        assert!(is_live(&lease("a", 950, 60), now));
        assert!(!is_live(&lease("a", 940, 60), now));
        assert!(!is_live(&lease("", 999, 60), now), "no holder: free");
    }
}

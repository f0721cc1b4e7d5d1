//! Changing mutual TLS: istioup's PeerAuthentication `default`, created or updated with
//! server-side apply and labelled as istioup's, or deleted; never anyone else's.
use kube::Client;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};

use crate::error::{Result, api_error};
use crate::facts::mtls::{MANAGED_LABEL, MANAGED_VALUE, peer_authentication_resource};
use crate::judge::mtls::{Change, Mode};

/// The PeerAuthentication istioup applies (security.istio.io/v1, as the CRD serves it).
pub fn manifest(namespace: &str, name: &str, mode: Mode) -> Value {
    json!({
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {MANAGED_LABEL: MANAGED_VALUE},
        },
        "spec": {"mtls": {"mode": mode.as_str()}},
    })
}

/// Makes each change; stops at the first failure, with the namespace named. Returns the
/// changes made, so a report can say what was done before a failure.
pub async fn apply(client: &Client, changes: &[Change]) -> Result<Vec<Change>> {
    let ar = peer_authentication_resource();
    let mut done = Vec::new();
    for c in changes {
        if crate::util::interrupt::interrupted() {
            return Err(crate::error::Error::new(
                crate::error::Kind::Interrupted,
                format!(
                    "interrupted; {} of {} changes were made",
                    done.len(),
                    changes.len()
                ),
            ));
        }
        let api = Api::<DynamicObject>::namespaced_with(client.clone(), &c.namespace, &ar);
        let what = format!("PeerAuthentication {}/{}", c.namespace, c.name);
        match (c.action, c.mode) {
            ("create" | "update", Some(mode)) => {
                let object: DynamicObject = serde_json::from_value(manifest(&c.namespace, &c.name, mode))
                    .map_err(|e| {
                        crate::error::Error::failed(format!("cannot build {what}")).with_source(e)
                    })?;
                api.patch(
                    &c.name,
                    &PatchParams::apply(MANAGED_VALUE).force(),
                    &Patch::Apply(&object),
                )
                .await
                .map_err(|e| api_error(e, &format!("cannot apply {what}")))?;
            }
            ("delete", _) => match api.delete(&c.name, &DeleteParams::default()).await {
                Ok(_) => {}
                Err(kube::Error::Api(s)) if s.code == 404 => {}
                Err(e) => return Err(api_error(e, &format!("cannot delete {what}"))),
            },
            _ => continue,
        }
        done.push(c.clone());
    }
    Ok(done)
}

/// Deletes every PeerAuthentication istioup made (labelled as istioup's), in every namespace:
/// what `uninstall` does with them, so a reinstall does not start STRICT by surprise. Nothing
/// to do when the CRD is gone. Returns `namespace/name` of each deleted.
pub async fn remove_own(client: &Client) -> Result<Vec<String>> {
    let api = Api::<DynamicObject>::all_with(client.clone(), &peer_authentication_resource());
    let params = kube::api::ListParams::default().labels(&format!("{MANAGED_LABEL}={MANAGED_VALUE}"));
    let list = match api.list(&params).await {
        Ok(list) => list,
        Err(kube::Error::Api(s)) if s.code == 404 => return Ok(Vec::new()),
        Err(e) => return Err(api_error(e, "cannot list istioup's PeerAuthentications")),
    };
    let mut removed = Vec::new();
    for pa in list.items {
        let (Some(ns), Some(name)) = (pa.metadata.namespace.clone(), pa.metadata.name.clone()) else {
            continue;
        };
        let namespaced =
            Api::<DynamicObject>::namespaced_with(client.clone(), &ns, &peer_authentication_resource());
        match namespaced.delete(&name, &DeleteParams::default()).await {
            Ok(_) => {
                super::journal::record("deleted", format!("peerauthentication/{name} -n {ns}"), None);
                removed.push(format!("{ns}/{name}"));
            }
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => {
                return Err(api_error(
                    e,
                    &format!("cannot delete PeerAuthentication {ns}/{name}"),
                ));
            }
        }
    }
    Ok(removed)
}

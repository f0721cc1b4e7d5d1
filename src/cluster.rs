//! Small helpers over kube-rs shared by every command that talks to a cluster.
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Page size for lists: kubectl's default chunk size. Big clusters are read in pages, never in
/// one response.
pub const PAGE: u32 = 500;

/// Lists every object of `api` matching `params`, following `continue` tokens.
pub async fn list_all<K>(api: Api<K>, params: &ListParams, what: &str) -> Result<Vec<K>>
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
{
    let mut params = params.clone().limit(PAGE);
    let mut items = Vec::new();
    loop {
        let page = api
            .list(&params)
            .await
            .map_err(|e| api_error(e, &format!("cannot list {what}")))?;
        items.extend(page.items);
        match page.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok(items),
        }
    }
}

/// Folds every object of `api` matching `params` into `acc`, one page at a time: for lists too
/// big to hold (150,000 pods), only what `fold` keeps stays in memory.
pub async fn fold_all<K, A>(
    api: Api<K>,
    params: &ListParams,
    what: &str,
    mut acc: A,
    mut fold: impl FnMut(&mut A, K),
) -> Result<A>
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
{
    let mut params = params.clone().limit(PAGE);
    loop {
        let page = api
            .list(&params)
            .await
            .map_err(|e| api_error(e, &format!("cannot list {what}")))?;
        for item in page.items {
            fold(&mut acc, item);
        }
        match page.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok(acc),
        }
    }
}

/// Turns a kube-rs error into ours, with a hint for the failures users meet most.
pub fn api_error(err: kube::Error, what: &str) -> Error {
    let hint = match &err {
        kube::Error::Api(status) if status.code == 403 => Some(
            "your user lacks this permission (RBAC); ask a cluster admin, or use a context with more rights",
        ),
        kube::Error::Api(status) if status.code == 401 => {
            Some("the API server rejected the credentials; refresh them (e.g. log in again) and retry")
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            Some("is the API server reachable? `istioup context` shows which server istioup uses")
        }
        _ => None,
    };
    let error = Error::failed(what.to_string()).with_source(err);
    match hint {
        Some(h) => error.with_hint(h),
        None => error,
    }
}

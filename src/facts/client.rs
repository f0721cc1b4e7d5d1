//! Small helpers over kube-rs shared by every command that talks to a cluster.
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use crate::error::{Result, api_error};

/// Page size for lists: kubectl's default chunk size. Big clusters are read in pages, never in
/// one response.
pub const PAGE: u32 = 500;

/// Lists every object of `api` matching `params`, following `continue` tokens.
pub async fn list_all<K>(api: Api<K>, params: &ListParams, what: &str) -> Result<Vec<K>>
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
{
    fold_all(api, params, what, Vec::new(), |items, item| items.push(item)).await
}

/// A continue token the server no longer knows (410 Gone: its snapshot was compacted away).
fn expired(err: &kube::Error) -> bool {
    matches!(err, kube::Error::Api(status) if status.code == 410)
}

/// Folds every object of `api` matching `params` into `acc`, one page at a time: for lists too
/// big to hold (150,000 pods), only what `fold` keeps stays in memory. When the server expires
/// the continue token mid-list (410), the list is read again whole, in one unpaginated request,
/// into a fresh `acc`, as client-go's pager falls back to a full list
/// (k8s.io/client-go/tools/pager: ListPager.List on an expired continue).
pub async fn fold_all<K, A>(
    api: Api<K>,
    params: &ListParams,
    what: &str,
    acc: A,
    mut fold: impl FnMut(&mut A, K),
) -> Result<A>
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
    A: Clone,
{
    let first = params.clone().limit(PAGE);
    let initial = acc;
    let mut acc = initial.clone();
    let mut params = first.clone();
    loop {
        let page = match api.list(&params).await {
            Ok(page) => page,
            Err(e) if expired(&e) && params.continue_token.is_some() => {
                acc = initial.clone();
                params = first.clone();
                params.limit = None;
                continue;
            }
            Err(e) => return Err(api_error(e, &format!("cannot list {what}"))),
        };
        for item in page.items {
            fold(&mut acc, item);
        }
        match page.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => return Ok(acc),
        }
    }
}

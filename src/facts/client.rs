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

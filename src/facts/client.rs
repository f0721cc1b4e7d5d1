//! Small helpers over kube-rs shared by every command that talks to a cluster.
use futures::{FutureExt, StreamExt};
use http_body_util::BodyExt;
use kube::Client;
use kube::api::{Api, ListParams};
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use std::marker::PhantomData;

use crate::error::{Error, Result, api_error};
use crate::k8s::proto;

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

/// Page size for the lists read lean (pods, nodes, Services): with a small decoded item, the
/// cost of a page is the round trip, so pages are as big as keeps memory bounded (a page of
/// pods is a few MiB of JSON, read whole before it is folded).
pub const LEAN_PAGE: u32 = 2_000;

/// Folds every object at `path` (a list URL such as `/api/v1/pods`) matching `params` into an
/// accumulator made by `new` (made when needed, so a capacity it reserves is kept), decoding
/// each into the lean type `T` (from protobuf, which istioup asks for, or from JSON when that is
/// what the server answers), with the same pager semantics as [`fold_all`]: an expired continue
/// token (410) reads the list again whole, into a fresh accumulator. Requests go
/// through the client's own stack, so the retry layer (`target::retry`) applies to each.
///
/// The next page is asked for as soon as a page's continue token is known (it is read from the
/// list's metadata, which the API server writes before the items), so the server sends it while
/// this page is decoded and folded, and only two pages are ever in memory.
pub async fn fold_lean<T, A>(
    client: &Client,
    path: &str,
    params: &ListParams,
    what: &str,
    new: impl Fn() -> A,
    fold: impl FnMut(&mut A, T),
) -> Result<A>
where
    T: DeserializeOwned + proto::Message,
{
    fold_pages(client, path, params, what, new, fold, &Buffers::default()).await
}

/// Page buffers given back once their page is folded, for later pages to be read into: a big
/// list is dozens of pages (hundreds when read namespace by namespace), and a fresh buffer for
/// each is megabytes of new memory to fault in every time. Holds at most the buffers of
/// [`NAMESPACE_STREAMS`] streams, two pages each (the one folded, the one arriving).
#[derive(Default)]
struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_default()
    }

    fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() < 2 * NAMESPACE_STREAMS {
            kept.push(buffer);
        }
    }
}

/// [`fold_lean`], reading pages into buffers from `buffers`. A page istioup cannot read in
/// protobuf (its reader is istioup's own, `k8s::proto`) is not the end: the list is read again
/// from its start in JSON, into a fresh accumulator, and a notice says so ([`notices`]).
async fn fold_pages<T, A>(
    client: &Client,
    path: &str,
    params: &ListParams,
    what: &str,
    new: impl Fn() -> A,
    mut fold: impl FnMut(&mut A, T),
    buffers: &Buffers,
) -> Result<A>
where
    T: DeserializeOwned + proto::Message,
{
    let first = params.clone().limit(LEAN_PAGE);
    let mut acc = new();
    let mut params = first.clone();
    let mut accept = ACCEPT;
    let get = |params: &ListParams, accept| {
        fetch(
            client.clone(),
            path.to_string(),
            params.clone(),
            buffers.take(),
            accept,
        )
    };
    let mut answer = get(&params, accept).await;
    loop {
        let page = match answer {
            Ok(page) => page,
            Err(e) if expired(&e) && params.continue_token.is_some() => {
                acc = new();
                params = first.clone();
                params.limit = None;
                answer = get(&params, accept).await;
                continue;
            }
            Err(e) => return Err(api_error(e, &format!("cannot list {what}"))),
        };
        let read = 'read: {
            let items = match page.items() {
                Ok(items) => items,
                Err(e) => break 'read Err(e),
            };
            let next = match items.continue_token() {
                Ok(Some(token)) => {
                    params = params.continue_token(&token);
                    let (request, handle) = get(&params, accept).remote_handle();
                    // Dropping the handle (an error below, or the caller giving up) cancels it.
                    tokio::spawn(request);
                    Some(handle)
                }
                Ok(None) => None,
                Err(e) => break 'read Err(e),
            };
            items.each(|item| fold(&mut acc, item)).map(|()| next)
        };
        let protobuf = page.protobuf;
        buffers.give(page.body);
        match read {
            Ok(Some(next)) => answer = next.await,
            Ok(None) => return Ok(acc),
            Err(e) if protobuf && accept == ACCEPT => {
                notice(format!(
                    "a page of {what} in protobuf could not be read ({e}); the list was read again in JSON"
                ));
                accept = JSON;
                acc = new();
                params = first.clone();
                answer = get(&params, accept).await;
            }
            Err(e) => return Err(unreadable(what, e)),
        }
    }
}

fn unreadable(what: &str, e: Unreadable) -> Error {
    Error::failed(format!(
        "the API server sent a list of {what} istioup cannot read"
    ))
    .with_source(e)
}

/// What happened while reading that did not stop the command but is worth saying: the command
/// prints them as warnings once it is done (`cmd::run`).
static NOTICES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn notice(text: String) {
    NOTICES.lock().unwrap_or_else(|p| p.into_inner()).push(text);
}

/// The notices gathered so far, taken (each is given once).
pub fn notices() -> Vec<String> {
    std::mem::take(&mut *NOTICES.lock().unwrap_or_else(|p| p.into_inner()))
}

/// What istioup asks list answers in: protobuf first, which the API server has for every
/// built-in kind, JSON otherwise: the `rest.Config.AcceptContentTypes` Kubernetes' own
/// components set (k8s.io/client-go/rest/config.go), and what kubectl's typed clients send
/// (seen on the wire from kubectl 1.32 and 1.33, tests/kubesim/tests/protobuf.rs).
const ACCEPT: &str = "application/vnd.kubernetes.protobuf,application/json";

/// What a list is asked in again after a page istioup could not read in protobuf.
const JSON: &str = "application/json";

/// One page of a list, as the bytes the server sent, in the encoding it chose.
struct Answer {
    body: Vec<u8>,
    protobuf: bool,
}

/// A page's list, checked and ready to be read: its continue token first, then its items.
enum Items<'a> {
    Json(&'a str),
    Protobuf(&'a [u8]),
}

/// Why a page could not be read, in the words of its decoder.
#[derive(Debug, thiserror::Error)]
enum Unreadable {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Protobuf(#[from] proto::Error),
    #[error("the list is not UTF-8: {0}")]
    Utf8(#[from] std::str::Utf8Error),
}

impl Answer {
    fn items(&self) -> std::result::Result<Items<'_>, Unreadable> {
        if self.protobuf {
            return Ok(Items::Protobuf(proto::unwrap(&self.body)?));
        }
        // Checked once here, the decoder then reads strings without checking each again.
        Ok(Items::Json(std::str::from_utf8(&self.body)?))
    }
}

impl Items<'_> {
    fn continue_token(&self) -> std::result::Result<Option<String>, Unreadable> {
        Ok(match self {
            Items::Json(text) => continue_token(text)?,
            Items::Protobuf(list) => proto::continue_token(list)?,
        })
    }

    fn each<T: DeserializeOwned + proto::Message>(
        &self,
        fold: impl FnMut(T),
    ) -> std::result::Result<(), Unreadable> {
        match self {
            Items::Json(text) => each_item(text, fold)?,
            Items::Protobuf(list) => proto::each_item(list, fold)?,
        }
        Ok(())
    }
}

/// How often a page whose body was cut off is asked for again.
const CUT_RETRIES: u32 = 3;

/// One page of a list, as the bytes the server sent: decoding is the caller's, so it can overlap
/// the next request. The body's chunks are copied once into `body`, the buffer of an earlier
/// page given back for reuse ([`Buffers`]; kube's `request_text` copies a page twice). An error
/// answer becomes `kube::Error::Api` as kube-client's own `handle_api_errors` makes it (kube-client 5.0 `src/client/mod.rs`): the `Status` it carries
/// (in JSON or protobuf, as the server chose), or, for a body that is neither (a proxy's HTML
/// page), a failure with the HTTP code.
///
/// A body cut off mid-way (the connection reset after the headers: an API server restarting
/// during a rolling upgrade of the control plane, a proxy's idle timeout on a page of several
/// MiB) is asked for again, up to [`CUT_RETRIES`] times after 100, 200 and 400 ms: a list page
/// is a read, and its continue token stays good. The retry layer (`target::retry`) cannot do
/// this, as it has handed the answer over once its headers arrived.
async fn fetch(
    client: Client,
    path: String,
    params: ListParams,
    mut body: Vec<u8>,
    accept: &'static str,
) -> kube::Result<Answer> {
    let mut cuts = 0;
    loop {
        match fetch_once(&client, &path, &params, &mut body, accept).await {
            Err(Fetch::Cut(_)) if cuts < CUT_RETRIES => {
                tokio::time::sleep(std::time::Duration::from_millis(100 << cuts)).await;
                cuts += 1;
            }
            Err(Fetch::Cut(e) | Fetch::Failed(e)) => return Err(e),
            Ok(protobuf) => return Ok(Answer { body, protobuf }),
        }
    }
}

/// Why one request for a page gave no page.
enum Fetch {
    /// The answer's body broke off after its headers.
    Cut(kube::Error),
    Failed(kube::Error),
}

/// One request for a page, read into `body`: whether the answer is protobuf.
async fn fetch_once(
    client: &Client,
    path: &str,
    params: &ListParams,
    body: &mut Vec<u8>,
    accept: &'static str,
) -> Result<bool, Fetch> {
    let mut request = kube::core::Request::new(path)
        .list(params)
        .map_err(|e| Fetch::Failed(kube::Error::BuildRequest(e)))?;
    request
        .headers_mut()
        .insert(http::header::ACCEPT, http::HeaderValue::from_static(accept));
    let response = client
        .send(request.map(kube::client::Body::from))
        .await
        .map_err(Fetch::Failed)?;
    let code = response.status();
    let protobuf = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|ct| ct.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';')
                .next()
                .is_some_and(|t| t.trim() == proto::MEDIA_TYPE)
        });
    body.clear();
    // Room for what the server says it sends, up to a bound a wrong length cannot pass.
    let length = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    body.reserve(length.unwrap_or(0).min(64 << 20));
    let mut frames = response.into_body();
    while let Some(frame) = frames.frame().await {
        // A body that stopped coming within --request-timeout is a timeout, which the retry
        // layer already tried once more: not asked for again here.
        let frame = frame.map_err(|e| {
            if crate::target::timed_out(&e) {
                Fetch::Failed(e)
            } else {
                Fetch::Cut(e)
            }
        })?;
        if let Ok(data) = frame.into_data() {
            body.extend_from_slice(&data);
        }
    }
    if code.is_client_error() || code.is_server_error() {
        let status = if protobuf {
            proto::unwrap(body).and_then(proto::status).ok()
        } else {
            serde_json::from_slice::<kube::core::Status>(body).ok()
        };
        let mut status = status.unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            kube::core::Status::failure(text.trim(), "Failed to parse error data")
        });
        if status.code == 0 {
            status.code = code.as_u16();
        }
        return Err(Fetch::Failed(kube::Error::Api(status.boxed())));
    }
    Ok(protobuf)
}

/// Decodes the items of a list page one at a time into `fold`, never collecting them: a page of
/// 2,000 pods held as a `Vec` is moved twice over while it grows, and freed item by item after.
/// `kind`, `apiVersion` and `metadata` are skipped; `"items": null` is an empty page.
fn each_item<T: DeserializeOwned>(body: &str, mut fold: impl FnMut(T)) -> serde_json::Result<()> {
    let mut de = serde_json::Deserializer::from_str(body);
    de::DeserializeSeed::deserialize(Page(&mut fold, PhantomData), &mut de)?;
    de.end()
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum PageKey {
    Items,
    #[serde(other)]
    Other,
}

/// A list page, read for its items (a `DeserializeSeed` so that each item goes to the fold).
struct Page<'f, T, F>(&'f mut F, PhantomData<T>);

impl<'de, T: DeserializeOwned, F: FnMut(T)> de::DeserializeSeed<'de> for Page<'_, T, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> Visitor<'de> for Page<'_, T, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Kubernetes list")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<(), M::Error> {
        while let Some(key) = map.next_key::<PageKey>()? {
            match key {
                PageKey::Items => map.next_value_seed(Each(&mut *self.0, PhantomData))?,
                PageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A page's `items`: a list, or `null`.
struct Each<'f, T, F>(&'f mut F, PhantomData<T>);

impl<'de, T: DeserializeOwned, F: FnMut(T)> de::DeserializeSeed<'de> for Each<'_, T, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> Visitor<'de> for Each<'_, T, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<(), S::Error> {
        while let Some(item) = seq.next_element::<T>()? {
            (self.0)(item);
        }
        Ok(())
    }
}

/// A list's continue token, read from its `metadata` without decoding the items: the reader
/// stops as soon as it has the metadata (the API server's encoder writes `metadata` before
/// `items`, k8s.io/apimachinery's `ListMeta` field order; another order still works, the items
/// are then skipped over once).
fn continue_token(body: &str) -> std::result::Result<Option<String>, serde_json::Error> {
    let mut meta: Option<ListMeta> = None;
    let read =
        serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(body), Head(&mut meta));
    match (meta, read) {
        (Some(meta), _) => Ok(meta.continue_.filter(|t| !t.is_empty())),
        (None, Err(e)) => Err(e),
        (None, Ok(())) => Ok(None),
    }
}

#[derive(Deserialize)]
struct ListMeta {
    #[serde(default, rename = "continue")]
    continue_: Option<String>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum HeadKey {
    Metadata,
    #[serde(other)]
    Other,
}

/// Reads a list's top-level map up to its `metadata`, then stops with an error the caller
/// ignores once the metadata is in hand.
struct Head<'a>(&'a mut Option<ListMeta>);

impl<'de> Visitor<'de> for Head<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Kubernetes list")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> std::result::Result<(), M::Error> {
        while let Some(key) = map.next_key::<HeadKey>()? {
            match key {
                HeadKey::Metadata => {
                    *self.0 = Some(map.next_value()?);
                    return Err(de::Error::custom("metadata read"));
                }
                HeadKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// How many namespaces [`fold_by_namespace`] reads at once: enough to keep the server and the
/// network busy while pages are decoded, few enough that at most this many pairs of pages are
/// in memory.
pub const NAMESPACE_STREAMS: usize = 6;

/// Folds a namespaced kind's objects namespace by namespace, [`NAMESPACE_STREAMS`] namespaces
/// at once, each with [`fold_lean`] (paged, pipelined, relisted whole on an expired token) into
/// a fresh accumulator from `new`; `merge` receives each namespace's accumulator in the order of
/// `namespaces`, so the result is ordered as one cluster-wide list would be.
#[allow(clippy::too_many_arguments)]
pub async fn fold_by_namespace<T, A>(
    client: &Client,
    namespaces: &[String],
    path: impl Fn(&str) -> String,
    params: &ListParams,
    what: &str,
    new: impl Fn() -> A,
    fold: impl Fn(&mut A, T),
    mut merge: impl FnMut(A),
) -> Result<()>
where
    T: DeserializeOwned + proto::Message,
{
    let (fold, new) = (&fold, &new);
    let buffers = &Buffers::default();
    let reads = namespaces.iter().map(|ns| {
        let path = path(ns);
        async move {
            fold_pages(
                client,
                &path,
                params,
                what,
                new,
                |acc, item| fold(acc, item),
                buffers,
            )
            .await
        }
    });
    let mut parts = futures::stream::iter(reads).buffered(NAMESPACE_STREAMS);
    while let Some(part) = parts.next().await {
        merge(part?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buffer given back is empty when taken again, keeps its room, and no more are kept than
    /// the streams can have in flight.
    #[test]
    fn page_buffers_are_reused_cleared_and_bounded() {
        let buffers = Buffers::default();
        let mut page = buffers.take();
        page.extend_from_slice(b"an earlier page");
        let room = page.capacity();
        buffers.give(page);
        let again = buffers.take();
        assert!(again.is_empty());
        assert_eq!(again.capacity(), room);
        for _ in 0..3 * NAMESPACE_STREAMS {
            buffers.give(Vec::with_capacity(8));
        }
        let kept = std::iter::from_fn(|| Some(buffers.take()))
            .take_while(|b| b.capacity() == 8)
            .count();
        assert_eq!(kept, 2 * NAMESPACE_STREAMS);
    }

    /// The token is read from the metadata wherever it is in the list; an empty or missing one
    /// ends the list (k8s.io/apimachinery/pkg/apis/meta/v1/types.go: ListMeta.Continue is
    /// empty on the last page).
    #[test]
    fn the_continue_token_is_read_from_the_metadata() {
        let first = r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"abc=","remainingItemCount":3},"items":[{"metadata":{"name":"a"}}]}"#;
        let token = continue_token;
        assert_eq!(token(first).unwrap().as_deref(), Some("abc="));
        let after_items = r#"{"items":[{"metadata":{"continue":"not this"}}],"metadata":{"continue":"xyz"}}"#;
        assert_eq!(token(after_items).unwrap().as_deref(), Some("xyz"));
        let last = r#"{"metadata":{"resourceVersion":"7","continue":""},"items":[]}"#;
        assert_eq!(token(last).unwrap(), None);
        assert_eq!(token(r#"{"items":null}"#).unwrap(), None);
        assert!(token("<html>proxy error</html>").is_err());
        assert!(token(r#"{"metadata":{"continue":7}}"#).is_err());
    }

    /// Only the items are decoded, whatever else the list carries.
    #[test]
    fn a_page_decodes_its_items_only() {
        let page = |body: &str| {
            let mut items: Vec<crate::k8s::lean::Service> = Vec::new();
            each_item(body, |s| items.push(s)).map(|()| items)
        };
        let items = page(
            r#"{"kind":"ServiceList","metadata":{"continue":"t"},"items":[{"metadata":{"name":"web","namespace":"shop"},"spec":{"type":"NodePort","ports":[{"nodePort":30080,"port":80}]}},{"metadata":{"name":"db"}}]}"#,
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].metadata.name.as_deref(), Some("web"));
        assert_eq!(items[0].spec.ports[0].node_port, Some(30080));
        assert_eq!(items[1].metadata.name.as_deref(), Some("db"));
        assert!(page(r#"{"items":null,"metadata":{}}"#).unwrap().is_empty());
        assert!(page(r#"{"metadata":{}}"#).unwrap().is_empty());
        assert!(page(r#"{"items":[{"metadata":{"name":7}}]}"#).is_err());
        assert!(page(r#"{"items":[]} trailing"#).is_err());
    }
}

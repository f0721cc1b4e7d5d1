//! The pods/portforward subresource, `GET /api/v1/namespaces/NS/pods/NAME/portforward?ports=P`
//! with a WebSocket upgrade, answered the way the API server and the kubelet answer it, with an
//! in-process responder a test programs in place of the pod's listening sockets.
//!
//! The checks, in the order a real cluster makes them:
//! - authorization: a WebSocket upgrade to pods/portforward is authorized as `create` on
//!   `pods/portforward` (apiserver feature AuthorizePodWebsocketUpgradeCreatePermission, on by
//!   default since 1.31);
//! - the pod must exist (404) and have a node (400 `pod NAME does not have a host assigned`):
//!   pkg/registry/core/pod/strategy.go `PortForwardLocation`;
//! - the request must be an upgrade (400 `Upgrade request required`: the upgrade-aware proxy of
//!   k8s.io/apimachinery pkg/util/proxy/upgradeaware.go, `UpgradeRequired`);
//! - the kubelet wants at least one port, each 1..=65535 (400, pkg/kubelet/cri/streaming/
//!   portforward/websocket.go `NewV4Options`: `query parameter "port" is required`, `unable to
//!   parse "X" as a port`, `port "0" must be > 0`); the API server's `ports=` arrives there as
//!   the kubelet's `port=`, comma lists split as `NewV4Options` splits them;
//! - the pod's sandbox must be running: the container runtime refuses otherwise (containerd
//!   internal/cri/server/sandbox_portforward.go: `sandbox container is not running`; a pod whose
//!   containers were never started is not found by the kubelet at all, pkg/kubelet/kubelet_pods.go
//!   `GetPortForward`: `pod not found ("NAME_NS")`), and the kubelet answers that as a 500 with
//!   the error as plain text (pkg/kubelet/cri/streaming/errors.go `WriteError`).
//!
//! The WebSocket protocol (k8s.io/apimachinery pkg/util/httpstream/wsstream/conn.go): the server
//! picks the first subprotocol the client offers that it supports; for port-forward those are
//! `v4.channel.k8s.io` (binary), `v4.base64.channel.k8s.io` (text, base64) and none at all
//! (binary) (websocket.go `handleWebSocketStreams`); none offered matches: the handshake fails
//! with 403 (golang.org/x/net/websocket server.go). Every message starts with its channel
//! number (a digit character under base64); port i of the request has data channel 2i and error
//! channel 2i+1, and the server's first message on each is the port as 2 little-endian bytes.
//! Then the data channel carries the TCP stream both ways, and when the dial inside the pod
//! fails (nothing listens on the port) the error channel carries `error forwarding port P to
//! pod NAME, uid UID: ...` (websocket.go `portForward`, with containerd's dial error from
//! internal/cri/server/sandbox_portforward_linux.go). When every port's connection is over, the
//! server closes the WebSocket; a client's close message ends every port's connection
//! (conn.go `handle`). v4 has no per-channel half-close: one pod connection per WebSocket.
//!
//! kubectl (1.30+) first tries a WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io` (SPDY
//! tunnelled in WebSocket messages, KEP-4006), then a plain SPDY/3.1 upgrade (POST). Both are
//! served: the SPDY framing is [`crate::spdy`], the port-forward session over it is
//! `Tunnel::run_spdy` below (kubelet pkg/kubelet/cri/streaming/portforward/httpstream.go).
//! Neither reads ports from the query: each stream pair names its port in a header.
use crate::proxy::{ProxyRequest, ProxyResponse};
use crate::sim::Shared;
use crate::spdy::{self, Frame};
use crate::status::{ApiError, ApiResult};
use crate::util::str_at;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::Response;
use base64::Engine;
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;

/// What a pod does with a connection to one of its ports.
#[derive(Clone)]
pub enum Listen {
    /// Nothing listens there: the dial inside the pod is refused.
    Refused,
    /// Something listens: it gets the pod's end of each forwarded connection.
    Serve(Arc<dyn Fn(DuplexStream) -> BoxFuture<'static, ()> + Send + Sync>),
}

impl Listen {
    /// A plain HTTP/1.1 server: one request per connection, answered by `answer`, then the
    /// connection closes (`Connection: close`).
    pub fn http(answer: impl Fn(&ProxyRequest) -> ProxyResponse + Send + Sync + 'static) -> Listen {
        let answer = Arc::new(answer);
        Listen::Serve(Arc::new(move |stream| {
            let answer = answer.clone();
            Box::pin(async move { serve_http(stream, &*answer).await })
        }))
    }
}

/// A pod's ports: given the port, what listens there.
pub type PodResponder = Arc<dyn Fn(u16) -> Listen + Send + Sync>;

/// Responders by (namespace, pod); a pod without one answers HTTP on every port (see
/// [`default_listen`]).
#[derive(Default)]
pub struct Responders(Mutex<HashMap<(String, String), PodResponder>>);

impl Responders {
    pub fn set(&self, namespace: &str, pod: &str, responder: PodResponder) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert((namespace.into(), pod.into()), responder);
    }

    fn listen(&self, namespace: &str, pod: &str, port: u16) -> Listen {
        let found = {
            let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            map.get(&(namespace.to_string(), pod.to_string())).cloned()
        };
        match found {
            Some(responder) => responder(port),
            None => default_listen(namespace, pod, port),
        }
    }
}

/// What a pod answers when no test programmed it: `200 OK`, text naming the pod and the port
/// (`kubesim pod istio-system/kiali-5d4f port 20001: GET /kiali`), on every port.
pub fn default_listen(namespace: &str, pod: &str, port: u16) -> Listen {
    let who = format!("kubesim pod {namespace}/{pod} port {port}");
    Listen::http(move |req| ProxyResponse {
        status: 200,
        content_type: "text/plain; charset=utf-8".into(),
        body: format!("{who}: {} {}\n", req.method, req.path).into_bytes(),
    })
}

/// `Some((namespace, pod))` for a pods/NAME/portforward path.
pub fn matches(path: &str) -> Option<(String, String)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "v1", "namespaces", ns, "pods", name, "portforward"] => {
            Some((ns.to_string(), name.to_string()))
        }
        _ => None,
    }
}

/// The subprotocols the kubelet's port-forward WebSocket supports, and whether each is binary.
const PROTOCOLS: [(&str, bool); 3] = [
    ("", true),
    ("v4.channel.k8s.io", true),
    ("v4.base64.channel.k8s.io", false),
];

/// kubectl's WebSocket subprotocol for SPDY tunnelled in WebSocket messages (client-go
/// tools/portforward/tunneling_dialer.go: `constants.WebsocketsSPDYTunnelingPrefix` +
/// `PortForwardProtocolV1Name`).
const SPDY_TUNNEL: &str = "SPDY/3.1+portforward.k8s.io";
/// The port-forward stream protocol (client-go tools/portforward/portforward.go).
const PORTFORWARD_V1: &str = "portforward.k8s.io";
const STREAM_PROTOCOL: &str = "x-stream-protocol-version";

fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// wsstream `IsWebSocketRequest`: `Upgrade: websocket` and a `Connection` naming upgrade.
fn is_websocket(headers: &HeaderMap) -> bool {
    header_str(headers, &header::UPGRADE).eq_ignore_ascii_case("websocket")
        && header_str(headers, &header::CONNECTION)
            .split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
}

/// The ports asked for (`ports=80,1234` or repeated), as the kubelet's `NewV4Options` reads them.
fn ports(raw_query: &str) -> ApiResult<Vec<u16>> {
    let values: Vec<String> = raw_query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .filter(|(k, _)| *k == "ports" || *k == "port")
        .map(|(_, v)| {
            crate::api::parse_query(&format!("v={v}"))
                .remove("v")
                .unwrap_or_default()
        })
        .collect();
    if values.is_empty() {
        return Err(ApiError::bad_request("query parameter \"port\" is required"));
    }
    let mut out = Vec::new();
    for value in &values {
        if value.is_empty() {
            return Err(ApiError::bad_request("query parameter \"port\" cannot be empty"));
        }
        for p in value.split(',') {
            let port: u16 = p
                .parse()
                .map_err(|_| ApiError::bad_request(format!("unable to parse {value:?} as a port")))?;
            if port < 1 {
                return Err(ApiError::bad_request(format!("port {value:?} must be > 0")));
            }
            out.push(port);
        }
    }
    Ok(out)
}

fn plain(code: u16, text: String) -> Response {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Answers one port-forward request: an error, or `101 Switching Protocols` with the tunnel
/// running in the background.
pub fn serve(app: &Arc<Shared>, parts: &mut Parts, ns: &str, name: &str) -> ApiResult<Response> {
    let ws = is_websocket(&parts.headers);
    // POST (SPDY) is `create` as every connect POST is; a WebSocket GET too (see above).
    let verb = if ws || parts.method == axum::http::Method::POST {
        "create"
    } else {
        "get"
    };
    if !app.rbac.allowed(verb, "", "pods/portforward") {
        return Err(app.rbac.forbidden(verb, "", "pods/portforward", "pods", ns, name));
    }
    let pod = app
        .lock()
        .get("", "pods", ns, name)
        .ok_or_else(|| ApiError::not_found("pods", "", "pods", name))?;
    if str_at(&pod, &["spec", "nodeName"]).unwrap_or("").is_empty() {
        return Err(ApiError::bad_request(format!(
            "pod {name} does not have a host assigned"
        )));
    }
    // httpstream `IsUpgradeRequest`: a `Connection` header naming upgrade.
    let upgrading = header_str(&parts.headers, &header::CONNECTION)
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case("upgrade"));
    if !ws && !upgrading {
        return Err(ApiError::bad_request("Upgrade request required"));
    }
    // The kubelet reads ports from the query only for a WebSocket (`NewV4Options`); SPDY
    // streams name theirs in a header, and the API server tunnels SPDY to the kubelet as SPDY.
    let spdy = !ws || offered(&parts.headers).iter().any(|o| o == SPDY_TUNNEL);
    let ports = if spdy {
        Vec::new()
    } else {
        ports(parts.uri.query().unwrap_or(""))?
    };
    match str_at(&pod, &["status", "phase"]).unwrap_or("Pending") {
        "Running" => {}
        "Pending" => return Ok(plain(500, format!("pod not found (\"{name}_{ns}\")"))),
        _ => return Ok(plain(500, "sandbox container is not running".into())),
    }
    let Some(upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
        return Err(ApiError::bad_request("Upgrade request required"));
    };
    let tunnel = Tunnel {
        app: app.clone(),
        ns: ns.to_string(),
        pod: name.to_string(),
        uid: str_at(&pod, &["metadata", "uid"]).unwrap_or("").to_string(),
        ports,
        binary: true,
    };
    Ok(if ws {
        websocket_upgrade(&parts.headers, tunnel, upgrade)
    } else {
        spdy_upgrade(&parts.headers, tunnel, upgrade)
    })
}

/// The WebSocket handshake: a client offering the SPDY tunnel (the API server's
/// `IsWebSocketRequestWithTunnelingProtocol`, pkg/registry/core/pod/rest/subresources.go) gets
/// SPDY frames in binary messages (apimachinery pkg/util/proxy/streamtunnel.go, client-go
/// tools/portforward/tunneling_connection.go: no channel byte, a message is a run of bytes);
/// otherwise the first supported v4 subprotocol, or 403.
fn websocket_upgrade(
    headers: &HeaderMap,
    mut tunnel: Tunnel,
    upgrade: hyper::upgrade::OnUpgrade,
) -> Response {
    let offered = offered(headers);
    let spdy = offered.iter().any(|o| o == SPDY_TUNNEL);
    let chosen = if spdy {
        Some((SPDY_TUNNEL, true))
    } else if offered.is_empty() {
        Some(PROTOCOLS[0])
    } else {
        offered
            .iter()
            .find_map(|o| PROTOCOLS.iter().find(|(p, _)| p == o).copied())
    };
    let Some((protocol, binary)) = chosen else {
        return plain(403, String::new());
    };
    tunnel.binary = binary;
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrade.await {
            let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
            if spdy {
                tunnel.run_spdy(bytes_over_websocket(ws)).await;
            } else {
                tunnel.run(ws).await;
            }
        }
    });
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let key = header_str(headers, &header::SEC_WEBSOCKET_KEY);
    let h = r.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    if !protocol.is_empty() {
        h.insert(header::SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(protocol));
    }
    r
}

/// The WebSocket subprotocols the client offers.
fn offered(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The plain SPDY upgrade, as the kubelet answers it: apimachinery pkg/util/httpstream
/// `Handshake` (httpstream.go: `X-Stream-Protocol-Version` must name `portforward.k8s.io`, else
/// 403 listing `X-Accepted-Stream-Protocol-Versions`), then pkg/util/httpstream/spdy
/// upgrade.go `UpgradeResponse` (`Upgrade: SPDY/3.1`, else 400) and its 101 reply.
fn spdy_upgrade(headers: &HeaderMap, tunnel: Tunnel, upgrade: hyper::upgrade::OnUpgrade) -> Response {
    let client: Vec<&str> = headers
        .get_all(STREAM_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !client.contains(&PORTFORWARD_V1) {
        let mut r = plain(
            403,
            format!(
                "unable to upgrade: unable to negotiate protocol: client supports [{}], server accepts [{PORTFORWARD_V1}]\n",
                client.join(" ")
            ),
        );
        r.headers_mut().insert(
            "x-accepted-stream-protocol-versions",
            HeaderValue::from_static(PORTFORWARD_V1),
        );
        return r;
    }
    if !header_str(headers, &header::UPGRADE).eq_ignore_ascii_case("SPDY/3.1") {
        return plain(
            400,
            "unable to upgrade: missing upgrade headers in request\n".into(),
        );
    }
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrade.await {
            tunnel.run_spdy(TokioIo::new(upgraded)).await;
        }
    });
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = r.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("SPDY/3.1"));
    h.insert(STREAM_PROTOCOL, HeaderValue::from_static(PORTFORWARD_V1));
    r
}

/// The byte stream a WebSocket carries in binary messages, both ways (tunneling_connection.go
/// `Read`/`Write`); a close message or the end of the WebSocket ends it.
fn bytes_over_websocket<S>(ws: WebSocketStream<S>) -> DuplexStream
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    let (mut sink, mut stream) = ws.split();
    let (mut from_us, mut to_us) = tokio::io::split(theirs);
    tokio::spawn(async move {
        while let Some(Ok(msg)) = stream.next().await {
            match msg {
                Message::Binary(b) if to_us.write_all(&b).await.is_ok() => {}
                Message::Close(_) | Message::Binary(_) => break,
                _ => {}
            }
        }
        let _ = to_us.shutdown().await;
    });
    tokio::spawn(async move {
        let mut buf = vec![0u8; 32 * 1024];
        while let Ok(n) = from_us.read(&mut buf).await {
            if n == 0 || sink.send(Message::binary(buf[..n].to_vec())).await.is_err() {
                break;
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    });
    ours
}

/// One message on `channel`: the channel byte then the data, or under base64 the channel digit
/// then the data base64-encoded (wsstream conn.go `write`).
fn frame(binary: bool, channel: u8, data: &[u8]) -> Message {
    if binary {
        let mut bin = Vec::with_capacity(data.len() + 1);
        bin.push(channel);
        bin.extend_from_slice(data);
        Message::binary(bin)
    } else {
        let text = format!(
            "{}{}",
            (b'0' + channel) as char,
            base64::engine::general_purpose::STANDARD.encode(data)
        );
        Message::text(text)
    }
}

struct Tunnel {
    app: Arc<Shared>,
    ns: String,
    pod: String,
    uid: String,
    ports: Vec<u16>,
    binary: bool,
}

impl Tunnel {
    fn frame(&self, channel: u8, data: &[u8]) -> Message {
        frame(self.binary, channel, data)
    }

    /// The message's channel and payload, or `None` for one to skip.
    fn unframe(&self, msg: Message) -> Option<(u8, Vec<u8>)> {
        let data: Vec<u8> = match msg {
            Message::Binary(b) if self.binary => b.to_vec(),
            Message::Text(t) if !self.binary => t.as_bytes().to_vec(),
            _ => return None,
        };
        let (&first, rest) = data.split_first()?;
        if self.binary {
            Some((first, rest.to_vec()))
        } else {
            let decoded = base64::engine::general_purpose::STANDARD.decode(rest).ok()?;
            Some((first.wrapping_sub(b'0'), decoded))
        }
    }

    /// Opens port `i` of the request: the port preamble on both channels, then either the dial
    /// error on the error channel or a connection to what listens, whose output is framed onto
    /// the data channel (`done` is told when it ends). Returns the way to the pod.
    fn open_port(
        &self,
        i: usize,
        port: u16,
        out_tx: &mpsc::UnboundedSender<Option<Message>>,
        done_tx: &mpsc::UnboundedSender<()>,
    ) -> Option<tokio::io::WriteHalf<DuplexStream>> {
        let data_ch = (2 * i) as u8;
        let le = port.to_le_bytes();
        let _ = out_tx.send(Some(self.frame(data_ch, &le)));
        let _ = out_tx.send(Some(self.frame(data_ch + 1, &le)));
        let server = match self.app.port_forwards.listen(&self.ns, &self.pod, port) {
            Listen::Refused => {
                let msg = self.refusal(port);
                let _ = out_tx.send(Some(self.frame(data_ch + 1, msg.as_bytes())));
                return None;
            }
            Listen::Serve(server) => server,
        };
        let (ours, pods) = tokio::io::duplex(64 * 1024);
        tokio::spawn(server(pods));
        let (mut read, write) = tokio::io::split(ours);
        let (out, done, binary) = (out_tx.clone(), done_tx.clone(), self.binary);
        tokio::spawn(async move {
            let mut buf = vec![0u8; 32 * 1024];
            while let Ok(n) = read.read(&mut buf).await {
                if n == 0 || out.send(Some(frame(binary, data_ch, &buf[..n]))).is_err() {
                    break;
                }
            }
            let _ = done.send(());
        });
        Some(write)
    }

    async fn run<S>(self, ws: WebSocketStream<S>)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sink, mut stream) = ws.split();
        // Everything the server sends goes through one queue; `None` closes the WebSocket.
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Option<Message>>();
        let mut to_pod: Vec<Option<tokio::io::WriteHalf<DuplexStream>>> = Vec::new();
        let mut pending = 0usize;
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
        for (i, &port) in self.ports.iter().enumerate() {
            let write = self.open_port(i, port, &out_tx, &done_tx);
            pending += usize::from(write.is_some());
            to_pod.push(write);
        }
        drop(done_tx);
        if pending == 0 {
            let _ = out_tx.send(None);
        }
        let writer = tokio::spawn(async move {
            while let Some(Some(msg)) = out_rx.recv().await {
                if sink.send(msg).await.is_err() {
                    return;
                }
            }
            let _ = sink.send(Message::Close(None)).await;
        });
        loop {
            tokio::select! {
                msg = stream.next() => {
                    let Some(Ok(msg)) = msg else { break };
                    if msg.is_close() {
                        break;
                    }
                    let Some((ch, data)) = self.unframe(msg) else { continue };
                    // Only data channels are readable; frames for others are dropped (conn.go).
                    if ch % 2 == 1 || data.is_empty() {
                        continue;
                    }
                    if let Some(Some(w)) = to_pod.get_mut(ch as usize / 2)
                        && w.write_all(&data).await.is_err()
                    {
                        to_pod[ch as usize / 2] = None;
                    }
                }
                ended = done_rx.recv(), if pending > 0 => {
                    if ended.is_some() {
                        pending -= 1;
                    }
                    if pending == 0 {
                        let _ = out_tx.send(None);
                    }
                }
            }
        }
        // The client is gone: every pod connection ends (conn.go `Close`).
        for w in to_pod.iter_mut().flatten() {
            let _ = w.shutdown().await;
        }
        let _ = out_tx.send(None);
        let _ = writer.await;
    }
}

/// What the SPDY session sends; the writer encodes these in order, so the header deflate
/// stream sees SYN_REPLYs in wire order.
enum Out {
    Reply(u32),
    Reset(u32),
    Ping(u32),
    Data(u32, bool, Vec<u8>),
    Close,
}

/// The streams of one port-forward request seen so far (kubelet httpstream.go
/// `httpStreamPair`), keyed by the `requestid` header.
struct Pair {
    error: Option<u32>,
    data: Option<u32>,
    port: u16,
}

/// State of one SPDY session: requests waiting for their second stream, and the way to the
/// pod for each open data stream.
#[derive(Default)]
struct Streams {
    pairs: HashMap<String, Pair>,
    to_pod: HashMap<u32, tokio::io::WriteHalf<DuplexStream>>,
}

impl Tunnel {
    /// The kubelet's dial error for a port nothing listens on (websocket.go and httpstream.go
    /// `portForward` word it alike, around containerd's dial error).
    fn refusal(&self, port: u16) -> String {
        format!(
            "error forwarding port {port} to pod {}, uid {}: failed to execute portforward in network namespace \"/var/run/netns/cni-kubesim\": IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused IPv6: dial tcp6 [::1]:{port}: connect: connection refused",
            self.pod, self.uid
        )
    }

    /// Serves client-go's SPDY port-forward (pkg/kubelet/cri/streaming/portforward/httpstream.go):
    /// the client opens an error stream and a data stream per connection, each answered with a
    /// SYN_REPLY (apimachinery pkg/util/httpstream/spdy/connection.go `newSpdyStream`); PINGs
    /// are echoed (spdystream connection.go `handlePingFrame`); a GOAWAY or the end of the
    /// connection ends every pod connection. The session outlives its requests.
    async fn run_spdy<S>(self, io: S)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
    {
        let (mut read, mut write) = tokio::io::split(io);
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Out>();
        let writer = tokio::spawn(async move {
            let mut w = spdy::Writer::default();
            while let Some(out) = out_rx.recv().await {
                let bytes = match out {
                    Out::Reply(id) => w.syn_reply(id, &[]),
                    Out::Reset(id) => w.rst_stream(id, spdy::CANCEL),
                    Out::Ping(id) => w.ping(id),
                    Out::Data(id, fin, data) => w.data(id, fin, &data),
                    Out::Close => break,
                };
                if write.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            let _ = write.shutdown().await;
        });
        let mut reader = spdy::Reader::default();
        let mut streams = Streams::default();
        while let Ok(Some(frame)) = reader.read(&mut read).await {
            match frame {
                Frame::SynStream { id, headers, .. } => self.spdy_stream(id, &headers, &mut streams, &out_tx),
                Frame::Data { id, fin, data } => {
                    let failed = match streams.to_pod.get_mut(&id) {
                        Some(w) if !data.is_empty() => w.write_all(&data).await.is_err(),
                        _ => false,
                    };
                    if (fin || failed)
                        && let Some(mut w) = streams.to_pod.remove(&id)
                    {
                        let _ = w.shutdown().await;
                    }
                }
                Frame::RstStream { id, .. } => {
                    if let Some(mut w) = streams.to_pod.remove(&id) {
                        let _ = w.shutdown().await;
                    }
                }
                Frame::Ping { id } => {
                    let _ = out_tx.send(Out::Ping(id));
                }
                Frame::GoAway => break,
                Frame::SynReply { .. } | Frame::Ignored => {}
            }
        }
        for (_, mut w) in streams.to_pod.drain() {
            let _ = w.shutdown().await;
        }
        let _ = out_tx.send(Out::Close);
        let _ = writer.await;
    }

    /// A new stream: rejected with RST_STREAM unless its `port` and `streamtype` are valid
    /// (httpstream.go `httpStreamReceived`), else replied to and paired; a complete pair is
    /// forwarded.
    fn spdy_stream(
        &self,
        id: u32,
        headers: &[(String, String)],
        streams: &mut Streams,
        out: &mpsc::UnboundedSender<Out>,
    ) {
        let get = |k: &str| {
            headers
                .iter()
                .find(|(n, _)| n == k)
                .map_or("", |(_, v)| v.as_str())
        };
        let port = get("port").parse::<u16>().ok().filter(|p| *p > 0);
        let kind = get("streamtype");
        let Some(port) = port.filter(|_| kind == "error" || kind == "data") else {
            let _ = out.send(Out::Reset(id));
            return;
        };
        let _ = out.send(Out::Reply(id));
        // httpstream.go `requestID`: without the header (older clients) the pair is guessed
        // from consecutive stream ids, the error stream's id, or the data stream's minus 2.
        let request = match get("requestid") {
            "" if kind == "data" => id.saturating_sub(2).to_string(),
            "" => id.to_string(),
            given => given.to_string(),
        };
        let pair = streams.pairs.entry(request.clone()).or_insert(Pair {
            error: None,
            data: None,
            port,
        });
        if kind == "error" {
            pair.error = Some(id);
        } else {
            pair.data = Some(id);
        }
        if let (Some(error), Some(data)) = (pair.error, pair.data) {
            let port = pair.port;
            streams.pairs.remove(&request);
            if let Some(w) = self.spdy_forward(port, error, data, out) {
                streams.to_pod.insert(data, w);
            }
        }
    }

    /// One forwarded connection: the dial error on the error stream, or what the pod writes on
    /// the data stream; then both streams are closed (httpstream.go `portForward`: the error
    /// stream, then the data stream). Returns the way to the pod.
    fn spdy_forward(
        &self,
        port: u16,
        error: u32,
        data: u32,
        out: &mpsc::UnboundedSender<Out>,
    ) -> Option<tokio::io::WriteHalf<DuplexStream>> {
        let server = match self.app.port_forwards.listen(&self.ns, &self.pod, port) {
            Listen::Refused => {
                let _ = out.send(Out::Data(error, false, self.refusal(port).into_bytes()));
                let _ = out.send(Out::Data(error, true, Vec::new()));
                let _ = out.send(Out::Data(data, true, Vec::new()));
                return None;
            }
            Listen::Serve(server) => server,
        };
        let (ours, pods) = tokio::io::duplex(64 * 1024);
        tokio::spawn(server(pods));
        let (mut read, write) = tokio::io::split(ours);
        let out = out.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 32 * 1024];
            while let Ok(n) = read.read(&mut buf).await {
                if n == 0 || out.send(Out::Data(data, false, buf[..n].to_vec())).is_err() {
                    break;
                }
            }
            let _ = out.send(Out::Data(error, true, Vec::new()));
            let _ = out.send(Out::Data(data, true, Vec::new()));
        });
        Some(write)
    }
}

/// Reads one HTTP/1.1 request from `stream`, answers it with `answer`, and closes.
async fn serve_http(
    mut stream: DuplexStream,
    answer: &(dyn Fn(&ProxyRequest) -> ProxyResponse + Send + Sync),
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("/").to_string();
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let response = answer(&ProxyRequest {
        method,
        path: path.to_string(),
        query: crate::api::parse_query(query),
        body,
    });
    let reason = StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&response.body).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::ports;

    #[test]
    fn ports_parse_like_new_v4_options() {
        assert_eq!(ports("ports=80%2C1234").unwrap(), vec![80, 1234]);
        assert_eq!(ports("&ports=80&ports=9090").unwrap(), vec![80, 9090]);
        assert_eq!(
            ports("").unwrap_err().message,
            "query parameter \"port\" is required"
        );
        assert_eq!(ports("ports=0").unwrap_err().message, "port \"0\" must be > 0");
        assert_eq!(
            ports("ports=x").unwrap_err().message,
            "unable to parse \"x\" as a port"
        );
    }
}

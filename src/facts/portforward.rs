//! A local port forwarded to a pod's port, as `kubectl port-forward` / `istioctl dashboard` do:
//! each TCP connection accepted locally gets its own pods/portforward WebSocket (kube-rs
//! `Api::portforward`), until the user interrupts. It reads and connects; it changes nothing.
use std::net::{IpAddr, SocketAddr};

use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::error::{Error, Result};

/// `--address`: an IP address (no host names: which interface a name means is not clear).
pub fn address(text: &str) -> Result<IpAddr> {
    text.parse().map_err(|_| {
        Error::usage(format!("--address {text:?} is not an IP address"))
            .with_hint("give a local address such as 127.0.0.1 or ::1 (or 0.0.0.0 for every interface)")
    })
}

/// Listens on `ip:port`; without a port, on `preferred` and, when that is taken, on any free
/// port (istioctl's preference). Port 0 is any free port.
pub async fn listen(ip: IpAddr, port: Option<u16>, preferred: u16) -> Result<TcpListener> {
    let address = ip;
    // With no --port: the addon's own port, else any free one.
    let first = port.unwrap_or(preferred);
    let mut result = TcpListener::bind(SocketAddr::new(ip, first))
        .await
        .map_err(|e| (first, e));
    if port.is_none() && result.is_err() {
        result = TcpListener::bind(SocketAddr::new(ip, 0))
            .await
            .map_err(|e| (0, e));
    }
    let (p, e) = match result {
        Ok(listener) => return Ok(listener),
        Err(failed) => failed,
    };
    let hint = if port.is_some() {
        "pick another --port, or --port 0 for any free port"
    } else {
        "is --address an address of this machine? --address 127.0.0.1 always is"
    };
    Err(
        Error::failed(format!("cannot listen on {}", SocketAddr::new(address, p)))
            .with_source(e)
            .with_hint(hint),
    )
}

/// Something the person watching should hear about while the tunnel runs.
pub type Notify = Box<dyn Fn(String) + Send + Sync>;

/// Forwards every connection to `listener` to `pod:port` until `stop` completes (Ok), or the
/// pod is gone (the error says so).
pub async fn serve(
    listener: TcpListener,
    pods: Api<Pod>,
    pod: String,
    port: u16,
    stop: impl std::future::Future<Output = ()>,
    notify: Notify,
) -> Result<()> {
    let notify = std::sync::Arc::new(notify);
    let (fatal_tx, mut fatal_rx) = mpsc::unbounded_channel::<Error>();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(()),
            Some(err) = fatal_rx.recv() => return Err(err),
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        notify(format!("accepting a connection failed: {e}"));
                        continue;
                    }
                };
                let (pods, pod, notify, fatal) = (pods.clone(), pod.clone(), notify.clone(), fatal_tx.clone());
                tokio::spawn(async move {
                    if let Err(err) = forward(tcp, &pods, &pod, port).await {
                        match err {
                            Forward::Gone(e) => {
                                let _ = fatal.send(e);
                            }
                            Forward::Failed(text) => notify(format!("connection from {peer}: {text}")),
                        }
                    }
                });
            }
        }
    }
}

enum Forward {
    /// The pod is no longer there (or no longer runs), or forwarding is not allowed: the tunnel
    /// cannot go on.
    Gone(Error),
    /// This one connection failed.
    Failed(String),
}

async fn forward(mut tcp: TcpStream, pods: &Api<Pod>, pod: &str, port: u16) -> Result<(), Forward> {
    let namespace = pods.namespace().unwrap_or("default").to_string();
    let mut pf = match pods.portforward(pod, &[port]).await {
        Ok(pf) => pf,
        Err(kube::Error::Api(s)) if s.code == 404 || s.code == 400 || s.code == 500 => {
            return Err(Forward::Gone(
                Error::failed(format!(
                    "pod {pod} in namespace {namespace} can no longer be forwarded to: {}",
                    s.message
                ))
                .with_hint("it was deleted or stopped (e.g. a rollout replaced it): run the command again to pick the current pod"),
            ));
        }
        Err(kube::Error::Api(s)) if s.code == 403 => {
            return Err(Forward::Gone(
                Error::failed(format!(
                    "not allowed to port-forward to pod {pod} in namespace {namespace}: {}",
                    s.message
                ))
                .with_hint("port-forwarding needs `create` on pods/portforward (RBAC); ask a cluster admin, or use a context with more rights"),
            ));
        }
        Err(e) => return Err(Forward::Failed(format!("the port-forward request failed: {e}"))),
    };
    let Some(mut upstream) = pf.take_stream(port) else {
        return Err(Forward::Failed("kube-rs gave no stream for the port".into()));
    };
    let errors = pf.take_error(port);
    let copy = tokio::io::copy_bidirectional(&mut tcp, &mut upstream);
    let result = match errors {
        Some(errors) => {
            tokio::pin!(copy);
            tokio::select! {
                done = &mut copy => done.map(|_| ()).map_err(|e| e.to_string()),
                message = errors => match message {
                    Some(m) => Err(m),
                    // No error came: the stream just ended; finish copying.
                    None => copy.await.map(|_| ()).map_err(|e| e.to_string()),
                },
            }
        }
        None => copy.await.map(|_| ()).map_err(|e| e.to_string()),
    };
    // The server closes the WebSocket once the pod's end closes; kube-rs may then fail to send
    // its own close, which is no failure of this connection.
    pf.abort();
    result.map_err(Forward::Failed)
}

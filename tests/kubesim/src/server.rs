//! The accept loop: plain HTTP or TLS, HTTP/1.1 and HTTP/2, with the connection-level fault
//! (dropping a connection without an answer), plus the controller ticker.
use crate::sim::Shared;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// Returned by the per-connection service to make hyper close the connection unanswered.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by kubesim fault injection")
    }
}

impl std::error::Error for Dropped {}

pub async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut shutdown: tokio::sync::oneshot::Receiver<()>,
) {
    let app = crate::api::router(shared.clone());
    let ticker = {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut iv = tokio::time::interval(Duration::from_millis(10));
            loop {
                iv.tick().await;
                let mut st = shared.lock();
                crate::controller::tick(&mut st);
            }
        })
    };
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            a = listener.accept() => a,
        };
        let Ok((tcp, _)) = accepted else { continue };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let shared = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let app = app.clone();
                let shared = shared.clone();
                async move {
                    if shared.faults.take_drop() {
                        return Err(Dropped);
                    }
                    match app.oneshot(req.map(axum::body::Body::new)).await {
                        Ok(r) => Ok(r),
                        Err(never) => match never {},
                    }
                }
            });
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            // Connection errors (client went away, injected drops) end just this connection.
            match tls {
                Some(acc) => {
                    if let Ok(stream) = acc.accept(tcp).await {
                        let _ = builder
                            .serve_connection_with_upgrades(TokioIo::new(stream), svc)
                            .await;
                    }
                }
                None => {
                    let _ = builder
                        .serve_connection_with_upgrades(TokioIo::new(tcp), svc)
                        .await;
                }
            }
        });
    }
    ticker.abort();
}

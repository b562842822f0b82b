//! The connections the server takes: HTTP/1.1 over TCP, each closed when
//! its client does not send a request's headers in full within the header
//! timeout (however slowly it trickles them; a kept-alive connection idle
//! that long is closed too), and at most a set number at
//! once: past it the server takes no new connection until one ends, and
//! the ones waiting stay in the system's queue. A body that does not
//! arrive within the body timeout is answered 408 ([`super::extract`]).
//!
//! `axum::serve` sets neither limit (it gives hyper no timer), hence this
//! loop over hyper's own connection builder.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{Service, ServiceExt};

/// How long a client may take to send a request's headers by default: a
/// few hundred bytes, which cross the slowest 2G link in a second or two.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(20);

/// How many connections are served at once by default: with the database's
/// and the files' descriptors, well within the usual limit of 1024 open
/// files a process.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How connections are served.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Transport {
    fn default() -> Self {
        Transport { header_timeout: DEFAULT_HEADER_TIMEOUT, max_connections: DEFAULT_MAX_CONNECTIONS }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the
/// requests under way finish. Each request carries its connection's address
/// (`ConnectInfo<SocketAddr>`), which write limits count by.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    transport: Transport,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(transport.max_connections.max(1)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(transport.header_timeout);
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = async {
                // The semaphore is never closed.
                let permit = permits.clone().acquire_owned().await.ok()?;
                Some((permit, listener.accept().await))
            } => accepted,
        };
        let Some((permit, accepted)) = accepted else { break };
        let (stream, address) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, or a connection reset before it
                // was taken: wait a little rather than spin.
                tracing::warn!(%error, "cannot take a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = match make_service.call(address).await {
            Ok(service) => service,
            Err(never) => match never {},
        };
        let service = service.map_request(|request: Request<Incoming>| request.map(axum::body::Body::new));
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection the client dropped, or closed for its slowness,
            // is no fault of the server.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "a connection ended in error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

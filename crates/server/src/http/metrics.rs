//! `GET /metrics` on `baraza serve --metrics-addr`: the server's metrics in
//! Prometheus' text format (prometheus-client), on an address of their own
//! so that they are never public:
//!
//! - `baraza_http_…`: requests by method, route and status, and the time
//!   to answer them ([`super::observe`]);
//! - `baraza_sync_…`: the sync writer's queue, its transactions (requests,
//!   actions and time to commit each), and its actions by kind and outcome
//!   ([`crate::storage::writer::WriterStats`]);
//! - `baraza_results_…`: how many counts of rankings and budgets results
//!   reads made, and the time each took by counting method
//!   ([`crate::storage::results::CountCache`]);
//! - `baraza_database_bytes`: the size of the database, read at each scrape
//!   (kept as last read when the database does not answer within
//!   [`READY_WITHIN`]).
//!
//! No label ever holds a participant, device, code, address or id of any
//! kind: only route templates, methods, statuses, kinds, outcomes, reject
//! codes and counting methods.

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::health::READY_WITHIN;
use super::AppState;

pub fn router(state: &AppState) -> Router {
    let mut registry = Registry::default();
    state.requests.register(&mut registry);
    state.writer().stats().register(&mut registry);
    state.store.counts().register(&mut registry);
    let database_bytes = Gauge::<i64>::default();
    registry.register_with_unit(
        "baraza_database",
        "The database's size: a SQLite file and its write-ahead log, or PostgreSQL's pg_database_size",
        Unit::Bytes,
        database_bytes.clone(),
    );
    let registry = Arc::new(registry);
    let store = state.store.clone();
    Router::new().route(
        "/metrics",
        get(|| async move {
            // A database that does not answer leaves the size as last read:
            // the other metrics matter most then.
            match tokio::time::timeout(READY_WITHIN, store.size()).await {
                Ok(Ok(bytes)) => {
                    database_bytes.set(bytes);
                }
                Ok(Err(error)) => tracing::warn!(%error, "cannot read the database's size"),
                Err(_) => tracing::warn!("the database's size was not read in time"),
            };
            let mut text = String::new();
            encode(&mut text, &registry).expect("writing to a String never fails");
            let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
            ([(header::CONTENT_TYPE, content_type)], text).into_response()
        }),
    )
}

//! `GET /metrics` on `baraza serve --metrics-addr`: the server's metrics in
//! Prometheus' text format, on an address of their own so that they are
//! never public: the sync writer's (see
//! [`crate::storage::writer::WriterStats`]) and the counts results reads
//! made ([`crate::storage::results::CountCache`]).

use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;

use super::AppState;

pub fn router(state: &AppState) -> Router {
    let mut registry = Registry::default();
    state.writer().stats().register(&mut registry);
    state.store.counts().register(&mut registry);
    let registry = Arc::new(registry);
    Router::new().route(
        "/metrics",
        get(|| async move {
            let mut text = String::new();
            encode(&mut text, &registry).expect("writing to a String never fails");
            ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
                .into_response()
        }),
    )
}

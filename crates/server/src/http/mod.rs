//! The HTTP side: the JSON API under `/api` and the built app everywhere else.
//!
//! Routes (all JSON, errors as in [`error::Error`]):
//!
//! | method | path | answer |
//! | --- | --- | --- |
//! | GET | `/api/v1/consultations` | `api::ConsultationList` (`ETag`, `Cache-Control: no-cache`) |
//! | GET | `/api/v1/consultations/{id}` | the definition as core serializes it (`ETag`) |
//! | GET | `/api/v1/consultations/{id}/results` | `api::ResultsResponse`, where the definition allows |
//! | GET | `/api/v1/consultations/{id}/comments?before=&limit=` | `api::CommentsPage`, newest first |
//! | POST | `/api/v1/sync` | `sync::SyncResponse`, one result per action |
//!
//! Any other path is a file of the built app, or its `index.html`.

mod app;
mod consultations;
pub mod error;
mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::receipts::{hex, ReceiptKey};
use error::Error;

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    receipt_key: ReceiptKey,
    /// The built app (trunk's `dist/`).
    dist: Arc<PathBuf>,
}

impl AppState {
    /// Loads the server's receipt key, making it on first start.
    pub async fn new(pool: SqlitePool, dist: PathBuf) -> sqlx::Result<Self> {
        let receipt_key = ReceiptKey::load_or_create(&pool).await?;
        Ok(AppState { pool, receipt_key, dist: Arc::new(dist) })
    }
}

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(consultations::router())
        .merge(sync::router())
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed });
    Router::new()
        .nest("/api", api)
        .fallback(app::serve)
        // Every answer is compressed (gzip or brotli, as the phone accepts):
        // the app's wasm and the JSON both shrink several times over.
        .layer(CompressionLayer::new())
        // With RUST_LOG=tower_http=debug: method, path, status and time of
        // each request; never the client's address.
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A JSON answer with a strong `ETag`, so a phone that already has this exact
/// body gets a bodiless 304 instead of downloading it again.
fn json_with_etag(request_headers: &HeaderMap, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("API bodies always serialize");
    let digest = Sha256::digest(&bytes);
    let etag = format!("\"{}\"", hex(&digest[..16]));
    let etag_value = HeaderValue::from_str(&etag).expect("hex is a valid header value");
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if none_match(request_headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value), cache]).into_response();
    }
    (
        [(header::ETAG, etag_value), cache, (header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        bytes,
    )
        .into_response()
}

/// Whether `If-None-Match` names `etag`. The comparison is weak (RFC 9110
/// §13.1.2): a `W/` tag matches too, as a proxy that recompressed the body
/// may have weakened it.
fn none_match(request_headers: &HeaderMap, etag: &str) -> bool {
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|tags| tags.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

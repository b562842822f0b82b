//! The HTTP side: the JSON API under `/api` and the built app everywhere else.

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

use error::Error;

#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    /// Signs receipts, so staff can check a receipt against the stored action.
    receipt_key: Arc<Vec<u8>>,
    /// The built app (trunk's `dist/`).
    dist: Arc<PathBuf>,
}

impl AppState {
    /// Loads the server's receipt key, making it on first start.
    pub async fn new(pool: SqlitePool, dist: PathBuf) -> sqlx::Result<Self> {
        let fresh = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        sqlx::query("INSERT INTO settings (key, value) VALUES ('receipt_key', ?1) ON CONFLICT (key) DO NOTHING")
            .bind(fresh)
            .execute(&pool)
            .await?;
        let key: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'receipt_key'")
            .fetch_one(&pool)
            .await?;
        Ok(AppState { pool, receipt_key: Arc::new(key.into_bytes()), dist: Arc::new(dist) })
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
        .layer(CompressionLayer::new())
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
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value), cache]).into_response();
    }
    (
        [(header::ETAG, etag_value), cache, (header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        bytes,
    )
        .into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

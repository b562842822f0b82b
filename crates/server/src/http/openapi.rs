//! `GET /api/v1/openapi.json`: the API described for client generators,
//! readers and contract tests. The routes, parameters and answers are
//! written by hand in `openapi.json` next to the routes; the schema of every
//! body they name comes from core's types (`schema::api_schemas`), so the
//! document cannot drift from what the server reads and writes. A test calls
//! every operation it lists, so a route cannot vanish from under it.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::AppState;

const ROUTES: &str = include_str!("openapi.json");

/// The document, made once: the routes with core's schemas in `components`.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut document: Value = serde_json::from_str(ROUTES).expect("openapi.json, built in, is JSON");
    document["components"]["schemas"] = Value::Object(baraza_core::schema::api_schemas());
    document.to_string()
});

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(document))
}

async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

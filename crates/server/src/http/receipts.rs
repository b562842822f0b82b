//! `GET /api/v1/admin/receipts/{receipt}`: staff check a receipt a citizen
//! shows them against the stored action (see [`crate::receipts`]).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::admin::ReceiptCheck;

use super::auth::Staff;
use super::error::Error;
use super::extract::Path;
use super::AppState;
use crate::storage;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/admin/receipts/{receipt}", get(check))
}

async fn check(
    State(state): State<AppState>,
    _: Staff,
    Path(receipt): Path<String>,
) -> Result<Json<ReceiptCheck>, Error> {
    Ok(Json(storage::receipts::check(&state.store, &receipt).await?))
}

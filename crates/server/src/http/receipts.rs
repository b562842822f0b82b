//! `GET /api/v1/admin/receipts/{receipt}`: staff check a receipt a citizen
//! shows them against the stored action (see [`crate::receipts`]).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::admin::ReceiptCheck;

use super::auth::Staff;
use super::error::Error;
use super::AppState;
use crate::db::parse_timestamp;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/admin/receipts/{receipt}", get(check))
}

async fn check(
    State(state): State<AppState>,
    _: Staff,
    Path(receipt): Path<String>,
) -> Result<Json<ReceiptCheck>, Error> {
    // Receipts are written in lower case; a citizen may read one out in capitals.
    let receipt = receipt.trim().to_ascii_lowercase();
    let row: Option<(String, String, String, String, String)> =
        sqlx::query_as("SELECT id, consultation, kind, payload, received_at FROM actions WHERE receipt = ?1 LIMIT 1")
            .bind(&receipt)
            .fetch_optional(&state.pool)
            .await?;
    let (action_id, consultation, kind, payload, received_at) = row.ok_or(Error::ReceiptNotFound)?;
    let standing = if matches!(kind.as_str(), "ballot" | "feedback") {
        let stands: Option<i64> = sqlx::query_scalar("SELECT 1 FROM ballots WHERE action_id = ?1")
            .bind(&action_id)
            .fetch_optional(&state.pool)
            .await?;
        Some(stands.is_some())
    } else {
        None
    };
    let received_at = parse_timestamp(&received_at)
        .ok_or_else(|| sqlx::Error::Decode(format!("unreadable time of action {action_id}").into()))?;
    Ok(Json(ReceiptCheck {
        authentic: state.receipt_key.sign(&action_id, &payload) == receipt,
        receipt,
        action_id,
        consultation,
        kind,
        received_at,
        standing,
    }))
}

//! Receipts checked by staff: the stored action a citizen's receipt stands
//! for, and whether the receipt is still the server's signature of it (see
//! [`crate::receipts`]).

use baraza_core::admin::ReceiptCheck;
use sqlx::SqlitePool;

use super::{stored_time, StoreError};
use crate::receipts::ReceiptKey;

/// An action as the receipt check reads it.
#[derive(sqlx::FromRow)]
struct StoredAction {
    id: String,
    consultation: String,
    kind: String,
    payload: String,
    received_at: String,
    /// For ballots and useful-marks: whether the action is the standing one.
    standing: Option<bool>,
}

/// The action with `receipt` (written in lower case; a citizen may read one
/// out in capitals), or [`StoreError::ReceiptNotFound`].
pub async fn check(pool: &SqlitePool, key: &ReceiptKey, receipt: &str) -> Result<ReceiptCheck, StoreError> {
    let receipt = receipt.trim().to_ascii_lowercase();
    let action: StoredAction = sqlx::query_as(
        "SELECT a.id, a.consultation, a.kind, a.payload, a.received_at,
                CASE WHEN a.kind IN ('ballot', 'feedback')
                     THEN EXISTS (SELECT 1 FROM ballots b WHERE b.action_id = a.id) END AS standing
         FROM actions a WHERE a.receipt = ?1 LIMIT 1",
    )
    .bind(&receipt)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::ReceiptNotFound)?;
    Ok(ReceiptCheck {
        authentic: key.sign(&action.id, &action.payload) == receipt,
        received_at: stored_time(&action.received_at, || format!("action {}", action.id))?,
        receipt,
        action_id: action.id,
        consultation: action.consultation,
        kind: action.kind,
        standing: action.standing,
    })
}

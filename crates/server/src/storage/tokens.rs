//! Staff tokens: made by `baraza token create`, shown once, stored hashed.
//!
//! A token reads `baraza_<id>_<secret>`: the id (8 hex digits) names it in
//! `baraza token list` and `revoke` without revealing it; the secret is 244
//! random bits. The prefix lets secret scanners recognise a leaked token.

use baraza_core::staff::{Role, StaffMember};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::{millis, on, stored_time, Store, StoreError};
use crate::receipts::hex;

const PREFIX: &str = "baraza_";

/// A token as `baraza token list` shows it: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Makes a token for `name` with `role`; answers the token, which is not kept.
pub async fn create(store: &Store, name: &str, role: Role, now: OffsetDateTime) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    // Two v4 UUIDs: 244 bits from the operating system's secure source.
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let token = format!("{PREFIX}{id}_{secret}");
    let mut tx = store.begin_write().await?;
    on!(&mut tx, |c| sqlx::query(
        "INSERT INTO staff_tokens (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(&id)
    .bind(name)
    .bind(role.as_str())
    .bind(hash(&token))
    .bind(millis(now))
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    tx.commit().await?;
    Ok(token)
}

/// The staff member a presented token belongs to, if it exists and is not revoked.
pub async fn verify(store: &Store, token: &str) -> Result<Option<StaffMember>, StoreError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let mut db = store.read().await?;
    let row: Option<TokenRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT id, name, role, created_at, revoked_at FROM staff_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash(token))
    .fetch_optional(c)
    .await)?;
    Ok(row.map(TokenRow::into_info).transpose()?.map(|info| StaffMember { name: info.name, role: info.role }))
}

pub async fn list(store: &Store) -> Result<Vec<TokenInfo>, StoreError> {
    let mut db = store.read().await?;
    let rows: Vec<TokenRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT id, name, role, created_at, revoked_at FROM staff_tokens ORDER BY created_at, id"
    )
    .fetch_all(c)
    .await)?;
    rows.into_iter().map(TokenRow::into_info).collect()
}

/// A staff token's row: never the token, only its hash, which is not read.
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    role: String,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl TokenRow {
    fn into_info(self) -> Result<TokenInfo, StoreError> {
        let of = || format!("staff token {}", self.id);
        Ok(TokenInfo {
            role: self.role.parse().map_err(|_| StoreError::unreadable(format!("the role of {}", of())))?,
            created_at: stored_time(self.created_at, of)?,
            revoked_at: self.revoked_at.map(|at| stored_time(at, of)).transpose()?,
            id: self.id,
            name: self.name,
        })
    }
}

/// Revokes the token with this id. Answers whether a token that was still
/// valid got revoked (false: no such id, or already revoked).
pub async fn revoke(store: &Store, id: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
    let mut tx = store.begin_write().await?;
    let revoked =
        on!(&mut tx, |c| sqlx::query("UPDATE staff_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(millis(now))
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
    tx.commit().await?;
    Ok(revoked == 1)
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

//! Staff tokens: made by `baraza token create`, shown once, stored hashed.
//!
//! A token reads `baraza_<id>_<secret>`: the id (8 hex digits) names it in
//! `baraza token list` and `revoke` without revealing it; the secret is 244
//! random bits. The prefix lets secret scanners recognise a leaked token.

use baraza_core::staff::{Role, StaffMember};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use time::OffsetDateTime;

use crate::db::{parse_timestamp, timestamp};
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
pub async fn create(pool: &SqlitePool, name: &str, role: Role, now: OffsetDateTime) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    // Two v4 UUIDs: 244 bits from the operating system's secure source.
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let token = format!("{PREFIX}{id}_{secret}");
    sqlx::query("INSERT INTO staff_tokens (id, name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(&id)
        .bind(name)
        .bind(role.as_str())
        .bind(hash(&token))
        .bind(timestamp(now))
        .execute(pool)
        .await?;
    Ok(token)
}

/// The staff member a presented token belongs to, if it exists and is not revoked.
pub async fn verify(pool: &SqlitePool, token: &str) -> sqlx::Result<Option<StaffMember>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, role FROM staff_tokens WHERE token_hash = ?1 AND revoked_at IS NULL")
            .bind(hash(token))
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|(name, role)| Some(StaffMember { name, role: role.parse().ok()? })))
}

pub async fn list(pool: &SqlitePool) -> sqlx::Result<Vec<TokenInfo>> {
    let rows: Vec<(String, String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, role, created_at, revoked_at FROM staff_tokens ORDER BY created_at, id")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(id, name, role, created_at, revoked_at)| {
            let broken = || sqlx::Error::Decode(format!("staff token {id} is stored unreadably").into());
            Ok(TokenInfo {
                role: role.parse().map_err(|_| broken())?,
                created_at: parse_timestamp(&created_at).ok_or_else(broken)?,
                revoked_at: match revoked_at {
                    Some(at) => Some(parse_timestamp(&at).ok_or_else(broken)?),
                    None => None,
                },
                id,
                name,
            })
        })
        .collect()
}

/// Revokes the token with this id. Answers whether a token that was still
/// valid got revoked (false: no such id, or already revoked).
pub async fn revoke(pool: &SqlitePool, id: &str, now: OffsetDateTime) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE staff_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
        .bind(id)
        .bind(timestamp(now))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

//! Participation codes of `codes` consultations: issued by staff, stored as
//! keyed hashes, and redeemed by the first device that votes with each.
//!
//! The code, not the device, is the voter: two people sharing one phone vote
//! with their own codes and both count, and a code cannot be taken over by
//! another device once used.

use baraza_core::admin::{ChangeAction, MAX_CODES_PER_REQUEST};
use baraza_core::codes;
use baraza_core::definition::Eligibility;
use baraza_core::sync::{RejectCode, Rejection};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::OffsetDateTime;

use super::changes::{self, Author};
use super::{begin_write, consultations, day, timestamp, StoreError};
use crate::receipts::ReceiptKey;

/// Makes `count` new codes for `consultation`, stores their hashes and
/// records the issue in the change log; the codes themselves are answered
/// once and never kept. Refused ([`StoreError::CodesNotUsed`]) unless the
/// consultation's eligibility is `codes`, and
/// ([`StoreError::InvalidCodeCount`]) unless `count` is from 1 to core's
/// `admin::MAX_CODES_PER_REQUEST`.
pub async fn issue(
    pool: &SqlitePool,
    key: &ReceiptKey,
    id: &str,
    count: u32,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let consultation = consultations::find(&mut *tx, id).await?;
    if consultation.eligibility != Eligibility::Codes {
        return Err(StoreError::CodesNotUsed);
    }
    if !(1..=MAX_CODES_PER_REQUEST).contains(&count) {
        return Err(StoreError::InvalidCodeCount);
    }
    let consultation = consultation.id.as_str();
    let mut issued = Vec::with_capacity(count as usize);
    while issued.len() < count as usize {
        let code = codes::generate(random_byte);
        // A repeat of an earlier code (about one chance in 2^59) is skipped,
        // never handed to a second voter.
        let stored = sqlx::query(
            "INSERT INTO participation_codes (consultation, code_hash, issued_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )
        .bind(consultation)
        .bind(key.code_hash(consultation, &code))
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?;
        if stored.rows_affected() == 1 {
            issued.push(code);
        }
    }
    changes::record(&mut tx, consultation, by, ChangeAction::CodesIssued, &count.to_string(), now).await?;
    tx.commit().await?;
    Ok(issued)
}

fn random_byte() -> u8 {
    let mut byte = [0u8];
    getrandom::fill(&mut byte).expect("the operating system's random source works");
    byte[0]
}

/// What a typed code comes to: the voter its ballots are stored under, or
/// why it may not vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    Voter(String),
    Refused(Rejection),
}

/// Checks `typed` for a ballot of `participant` (a device) and answers the
/// voter the ballot is stored under ([`ReceiptKey::code_voter`]). The first
/// use binds the code to the device; the same device may then change its
/// vote, another may not. The code's row keeps only the day of that first
/// use: an exact time would match the ballot's arrival and link the two.
pub async fn redeem(
    tx: &mut Transaction<'_, Sqlite>,
    key: &ReceiptKey,
    consultation: &str,
    typed: &str,
    participant: &str,
    now: OffsetDateTime,
) -> Result<Redemption, StoreError> {
    let invalid = || {
        Redemption::Refused(Rejection::new(
            RejectCode::InvalidCode,
            "this is not a participation code of this consultation",
        ))
    };
    let Some(code) = codes::normalize(typed) else {
        return Ok(invalid());
    };
    let hash = key.code_hash(consultation, &code);
    let row: Option<StoredCode> = sqlx::query_as(
        "SELECT participant, ballots_under_hash FROM participation_codes WHERE consultation = ?1 AND code_hash = ?2",
    )
    .bind(consultation)
    .bind(&hash)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        None => return Ok(invalid()),
        Some(StoredCode { participant: Some(holder), .. }) if holder != participant => {
            return Ok(Redemption::Refused(Rejection::new(
                RejectCode::CodeUsed,
                "this participation code was used on another device",
            )));
        }
        Some(StoredCode { participant: Some(_), ballots_under_hash }) => {
            if ballots_under_hash {
                // Used before voters were kept apart from codes (migration
                // 0006): its ballots stood under the code's hash and move to
                // the voter, so that this ballot replaces them rather than
                // counting beside them.
                sqlx::query(
                    "UPDATE ballots SET participant = ?3 WHERE consultation = ?1 AND participant = 'code:' || ?2",
                )
                .bind(consultation)
                .bind(&hash)
                .bind(key.code_voter(consultation, &code))
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "UPDATE participation_codes SET ballots_under_hash = 0 WHERE consultation = ?1 AND code_hash = ?2",
                )
                .bind(consultation)
                .bind(&hash)
                .execute(&mut **tx)
                .await?;
            }
        }
        Some(StoredCode { participant: None, .. }) => {
            sqlx::query(
                "UPDATE participation_codes SET participant = ?3, used_at = ?4
                 WHERE consultation = ?1 AND code_hash = ?2",
            )
            .bind(consultation)
            .bind(&hash)
            .bind(participant)
            .bind(day(now))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(Redemption::Voter(key.code_voter(consultation, &code)))
}

/// A code's row, as redeeming reads it.
#[derive(sqlx::FromRow)]
struct StoredCode {
    /// The device the code is bound to, once used.
    participant: Option<String>,
    ballots_under_hash: bool,
}

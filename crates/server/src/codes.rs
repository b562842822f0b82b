//! Participation codes of `codes` consultations: issued by staff, stored as
//! keyed hashes, and redeemed by the first device that votes with each.
//!
//! The code, not the device, is the voter: two people sharing one phone vote
//! with their own codes and both count, and a code cannot be taken over by
//! another device once used.

use baraza_core::admin::{ChangeAction, MAX_CODES_PER_REQUEST};
use baraza_core::codes;
use baraza_core::definition::{Consultation, Eligibility};
use baraza_core::sync::{RejectCode, Rejection};
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use crate::changes::{self, Author};
use crate::db::{day, timestamp};
use crate::receipts::ReceiptKey;

/// Why no codes were issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodesRefusal {
    /// The consultation's eligibility is not `codes`.
    NotUsed,
    /// The count is not from 1 to core's `admin::MAX_CODES_PER_REQUEST`.
    Count,
}

/// Makes `count` new codes for `consultation`, stores their hashes and
/// records the issue in the change log; the codes themselves are answered
/// once and never kept.
pub async fn issue(
    tx: &mut Transaction<'_, Sqlite>,
    key: &ReceiptKey,
    consultation: &Consultation,
    count: u32,
    by: &Author,
    now: OffsetDateTime,
) -> sqlx::Result<Result<Vec<String>, CodesRefusal>> {
    if consultation.eligibility != Eligibility::Codes {
        return Ok(Err(CodesRefusal::NotUsed));
    }
    if !(1..=MAX_CODES_PER_REQUEST).contains(&count) {
        return Ok(Err(CodesRefusal::Count));
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
        .execute(&mut **tx)
        .await?;
        if stored.rows_affected() == 1 {
            issued.push(code);
        }
    }
    changes::record(tx, consultation, by, ChangeAction::CodesIssued, &count.to_string(), now).await?;
    Ok(Ok(issued))
}

fn random_byte() -> u8 {
    let mut byte = [0u8];
    getrandom::fill(&mut byte).expect("the operating system's random source works");
    byte[0]
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
) -> sqlx::Result<Result<String, Rejection>> {
    let invalid = || Rejection::new(RejectCode::InvalidCode, "this is not a participation code of this consultation");
    let Some(code) = codes::normalize(typed) else {
        return Ok(Err(invalid()));
    };
    let hash = key.code_hash(consultation, &code);
    let row: Option<(Option<String>, bool)> = sqlx::query_as(
        "SELECT participant, ballots_under_hash FROM participation_codes WHERE consultation = ?1 AND code_hash = ?2",
    )
    .bind(consultation)
    .bind(&hash)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        None => return Ok(Err(invalid())),
        Some((Some(holder), _)) if holder != participant => {
            return Ok(Err(Rejection::new(RejectCode::CodeUsed, "this participation code was used on another device")));
        }
        Some((Some(_), ballots_under_hash)) => {
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
        Some((None, _)) => {
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
    Ok(Ok(key.code_voter(consultation, &code)))
}

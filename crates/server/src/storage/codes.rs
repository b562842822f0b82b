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
use time::OffsetDateTime;
use uuid::Uuid;

use super::changes::{self, Author};
use super::consultations::Definition;
use super::{day, millis, on, Participant, Store, StoreError, Tx};
use crate::receipts::ReceiptKey;

/// Makes `count` new codes for the consultation `id`, stores their hashes
/// and records the issue in the change log; the codes themselves are
/// answered once and never kept. Refused ([`StoreError::CodesNotUsed`])
/// unless the consultation's eligibility is `codes`, and
/// ([`StoreError::InvalidCodeCount`]) unless `count` is from 1 to core's
/// `admin::MAX_CODES_PER_REQUEST`.
pub async fn issue(
    store: &Store,
    id: &str,
    count: u32,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    let definition = store.definition(id).await?;
    if definition.consultation.eligibility != Eligibility::Codes {
        return Err(StoreError::CodesNotUsed);
    }
    if !(1..=MAX_CODES_PER_REQUEST).contains(&count) {
        return Err(StoreError::InvalidCodeCount);
    }
    let mut tx = store.begin_write().await?;
    let mut issued = Vec::with_capacity(count as usize);
    while issued.len() < count as usize {
        let code = codes::generate(random_byte);
        // A repeat of an earlier code (about one chance in 2^59) is skipped,
        // never handed to a second voter.
        let stored = on!(&mut tx, |c| sqlx::query(
            "INSERT INTO participation_codes (consultation, code_hash, issued_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(definition.n)
        .bind(store.key().code_hash(id, &code))
        .bind(millis(now))
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
        if stored == 1 {
            issued.push(code);
        }
    }
    changes::record(&mut tx, id, by, ChangeAction::CodesIssued, &count.to_string(), now).await?;
    tx.commit().await?;
    Ok(issued)
}

fn random_byte() -> u8 {
    let mut byte = [0u8];
    getrandom::fill(&mut byte).expect("the operating system's random source works");
    byte[0]
}

/// What a code comes to for a device: the voter its ballots are stored
/// under, or why it may not vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Redemption {
    /// It may vote. `moved`: ballots stored under the code's hash before
    /// voters were kept apart from codes now stand under the voter.
    Voter {
        moved: bool,
    },
    Refused(Rejection),
}

/// A code's row, as redeeming reads it.
#[derive(sqlx::FromRow)]
struct StoredCode {
    /// The device the code is bound to, once used.
    participant: Option<Vec<u8>>,
    ballots_under_hash: bool,
}

/// Checks `code` (as core's `codes::normalize` writes it) for a ballot of
/// `device`, whose ballots stand under the code's voter
/// ([`ReceiptKey::code_voter`]). The first use binds the code to the device;
/// the same device may then change its vote, another may not. The code's
/// row keeps only the day of that first use: an exact time would match the
/// ballot's arrival and link the two.
pub(crate) async fn redeem(
    tx: &mut Tx,
    key: &ReceiptKey,
    consultation: &Definition,
    code: &str,
    device: Uuid,
    now: OffsetDateTime,
) -> Result<Redemption, StoreError> {
    let hash = key.code_hash(&consultation.consultation.id, code);
    // Binding and reading are one step for the first use, so that two
    // devices using one code at once cannot both bind it.
    let bound = on!(tx, |c| sqlx::query(
        "UPDATE participation_codes SET participant = $3, used_at = $4
         WHERE consultation = $1 AND code_hash = $2 AND participant IS NULL",
    )
    .bind(consultation.n)
    .bind(&hash)
    .bind(device.as_bytes().as_slice())
    .bind(day(now))
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    if bound == 1 {
        return Ok(Redemption::Voter { moved: false });
    }
    let row: Option<StoredCode> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT participant, ballots_under_hash FROM participation_codes WHERE consultation = $1 AND code_hash = $2",
    )
    .bind(consultation.n)
    .bind(&hash)
    .fetch_optional(c)
    .await
    })?;
    let Some(row) = row else {
        return Ok(Redemption::Refused(Rejection::new(
            RejectCode::InvalidCode,
            "this is not a participation code of this consultation",
        )));
    };
    if row.participant.as_deref() != Some(device.as_bytes().as_slice()) {
        return Ok(Redemption::Refused(Rejection::new(
            RejectCode::CodeUsed,
            "this participation code was used on another device",
        )));
    }
    if !row.ballots_under_hash {
        return Ok(Redemption::Voter { moved: false });
    }
    // Used before voters were kept apart from codes (SQLite migration 0006):
    // its ballots stood under the code's hash and move to the voter, so
    // that this ballot replaces them rather than counting beside them.
    let voter = Participant::Voter(key.code_voter(&consultation.consultation.id, code));
    let under_hash = Participant::CodeHash(format!("code:{hash}"));
    on!(tx, |c| sqlx::query("UPDATE actions SET participant = $3 WHERE consultation = $1 AND participant = $2")
        .bind(consultation.n)
        .bind(under_hash.to_bytes())
        .bind(voter.to_bytes())
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    on!(tx, |c| sqlx::query(
        "UPDATE participation_codes SET ballots_under_hash = FALSE WHERE consultation = $1 AND code_hash = $2"
    )
    .bind(consultation.n)
    .bind(&hash)
    .execute(c)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(Redemption::Voter { moved: true })
}

//! Anonymising an archived consultation: what links its input to phones
//! and participation codes is dropped, and everything its results, open
//! data and receipts are made of is kept.
//!
//! While a consultation takes actions, storage needs to know whose each
//! one is: to count one ballot per participant, to let a newer ballot
//! replace an older one, to find an action sent twice, to keep a code to
//! the phone that used it first. Once it is archived it takes no more
//! actions (core's deadline rule), and a publisher may drop these links:
//!
//! - every action stands under a new value instead of its device or code
//!   voter: a random one of its own, except the standing ballots and
//!   useful-marks of consultations whose exports name a pseudonym per
//!   participant (core's `analysis::exports_identify_ballots`), which stand
//!   under that pseudonym, so that the export says exactly what it said;
//! - comments and reactions stand under random values of their own;
//! - the participation codes' rows (their keyed hashes, the phone each was
//!   bound to, the day of its first use) are deleted.
//!
//! Kept: every action with its id, content, times and receipt (so each
//! receipt still checks), the standing ballots, the comments, counts and
//! profiles, and the change log. Nothing left leads from a phone's id or a
//! printed code to a ballot, except through the export's pseudonyms, which
//! only the holder of the server's key can compute from a phone's id.

use std::collections::HashMap;

use baraza_core::analysis::exports_identify_ballots;
use baraza_core::Consultation;
use sqlx::QueryBuilder;
use time::OffsetDateTime;

use super::{millis, on, Connection, Participant, StoreError, Tx};
use crate::receipts::{unhex, ReceiptKey};

/// Anonymises the stored consultation `consultation` in `tx`, which holds
/// its row for the change; `false` if it was anonymised before (nothing
/// changes then).
pub(crate) async fn anonymise(
    tx: &mut Tx,
    key: &ReceiptKey,
    consultation: &Consultation,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let (n, anonymised_at): (i64, Option<i64>) =
        on!(tx, |c| sqlx::query_as("SELECT n, anonymised_at FROM consultations WHERE id = $1")
            .bind(&consultation.id)
            .fetch_one(c)
            .await)?;
    if anonymised_at.is_some() {
        return Ok(false);
    }
    let pseudonyms = exports_identify_ballots(consultation.level);
    // A random value per row: SQLite makes it with randomblob, PostgreSQL
    // from a random UUID (built in since version 13).
    let random = if tx.is_postgres() { "uuid_send(gen_random_uuid())" } else { "randomblob(16)" };
    let others = if pseudonyms { "AND NOT COALESCE(standing, FALSE)" } else { "" };
    for sql in [
        format!("UPDATE actions SET participant = {random} WHERE consultation = $1 {others}"),
        format!("UPDATE comments SET participant = {random} WHERE consultation = $1"),
        format!(
            "UPDATE reactions SET participant = {random}
             WHERE comment IN (SELECT id FROM comments WHERE consultation = $1)"
        ),
        "DELETE FROM participation_codes WHERE consultation = $1".to_owned(),
    ] {
        on!(tx, |c| sqlx::query(&sql).bind(n).execute(c).await.map(drop))?;
    }
    if pseudonyms {
        stand_under_pseudonyms(tx, key, n, &consultation.id).await?;
    }
    on!(tx, |c| sqlx::query("UPDATE consultations SET anonymised_at = $2, revision = revision + 1 WHERE n = $1")
        .bind(n)
        .bind(millis(now))
        .execute(c)
        .await
        .map(drop))?;
    Ok(true)
}

/// Puts the standing ballots and useful-marks of consultation `n` under
/// their participant's export pseudonym, as its 8 bytes: a thousand
/// participants a statement.
async fn stand_under_pseudonyms(tx: &mut Tx, key: &ReceiptKey, n: i64, id: &str) -> Result<(), StoreError> {
    let participants: Vec<Vec<u8>> = on!(tx, |c| sqlx::query_scalar(
        "SELECT DISTINCT participant FROM actions WHERE consultation = $1 AND standing"
    )
    .bind(n)
    .fetch_all(c)
    .await)?;
    let mut renamed: HashMap<Vec<u8>, Vec<u8>> = HashMap::with_capacity(participants.len());
    for participant in participants {
        let pseudonym = key.pseudonym(id, &Participant::from_bytes(&participant)?.to_string());
        renamed.insert(participant, unhex(&pseudonym).expect("pseudonyms are hex"));
    }
    let renamed: Vec<(Vec<u8>, Vec<u8>)> = renamed.into_iter().collect();
    for chunk in renamed.chunks(1000) {
        on!(tx, |c| {
            let mut query = QueryBuilder::new("UPDATE actions SET participant = CASE participant");
            for (participant, pseudonym) in chunk {
                query.push(" WHEN ").push_bind(participant.as_slice()).push(" THEN ").push_bind(pseudonym.as_slice());
            }
            query.push(" END WHERE consultation = ").push_bind(n).push(" AND standing AND participant IN (");
            let mut separated = query.separated(", ");
            for (participant, _) in chunk {
                separated.push_bind(participant.as_slice());
            }
            query.push(")");
            query.build().execute(c).await.map(drop)
        })?;
    }
    Ok(())
}

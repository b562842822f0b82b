//! What the open-data exports read: every standing ballot of a consultation,
//! item by item, and its results, from one snapshot so that they agree.
//!
//! Ballots of `decide` consultations carry no ballot id, participant or time
//! (core's `analysis::exports_identify_ballots`) and are listed in the order
//! of their content, so that not even the order of rows tells when a ballot
//! came. Others are listed by when they were cast, each with a keyed
//! pseudonym of its participant (see `ReceiptKey::pseudonym`).

use baraza_core::analysis::{exports_identify_ballots, Cast, ExportedBallot};
use baraza_core::api::ResultsResponse;
use baraza_core::definition::{Consultation, Item};
use futures_util::stream::{BoxStream, StreamExt};
use sqlx::{Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

use super::results::{self, CountCache};
use super::{stored_time, StoreError};
use crate::receipts::ReceiptKey;

/// One read transaction: the results and the ballots read through it come
/// from the same state of the database.
pub struct Snapshot {
    tx: Transaction<'static, Sqlite>,
}

const BY_CAST: &str = "SELECT participant, action_id, ballot, cast_at, received_at FROM ballots
    WHERE consultation = ?1 AND item = ?2 ORDER BY cast_at, action_id";
const BY_CONTENT: &str = "SELECT participant, action_id, ballot, cast_at, received_at FROM ballots
    WHERE consultation = ?1 AND item = ?2 ORDER BY ballot";

/// A standing ballot as stored.
#[derive(sqlx::FromRow)]
struct BallotRow {
    participant: String,
    action_id: String,
    ballot: String,
    cast_at: String,
    received_at: String,
}

impl Snapshot {
    pub async fn begin(pool: &SqlitePool) -> Result<Snapshot, StoreError> {
        Ok(Snapshot { tx: pool.begin().await? })
    }

    pub async fn results(
        &mut self,
        cache: &CountCache,
        consultation: &Consultation,
    ) -> Result<ResultsResponse, StoreError> {
        results::tally_in(&mut self.tx, cache, consultation).await
    }

    /// Every standing ballot on `item`, read as it streams: a million
    /// ballots are never held in memory.
    pub fn ballots<'s>(
        &'s mut self,
        key: &'s ReceiptKey,
        consultation: &'s Consultation,
        item: &'s Item,
    ) -> BoxStream<'s, Result<ExportedBallot, StoreError>> {
        let identify = exports_identify_ballots(consultation.level);
        let sql = if identify { BY_CAST } else { BY_CONTENT };
        sqlx::query_as::<_, BallotRow>(sql)
            .bind(&consultation.id)
            .bind(item.id())
            .fetch(&mut *self.tx)
            .map(move |row| {
                let row = row?;
                let of = || format!("ballot {}", row.action_id);
                let ballot: Cast = serde_json::from_str(&row.ballot)
                    .map_err(|error| StoreError::unreadable(format!("{}: {error}", of())))?;
                let mut exported = ExportedBallot {
                    item: item.id().to_owned(),
                    item_type: item.type_name().to_owned(),
                    ballot_id: None,
                    participant: None,
                    cast_at: None,
                    received_at: None,
                    ballot,
                };
                if identify {
                    exported.ballot_id = Some(
                        Uuid::parse_str(&row.action_id)
                            .map_err(|_| StoreError::unreadable(format!("the id of {}", of())))?,
                    );
                    exported.participant = Some(key.pseudonym(&consultation.id, &row.participant));
                    exported.cast_at = Some(stored_time(&row.cast_at, of)?);
                    exported.received_at = Some(stored_time(&row.received_at, of)?);
                }
                Ok(exported)
            })
            .boxed()
    }
}

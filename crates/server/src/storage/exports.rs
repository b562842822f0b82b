//! What the open-data exports read: every standing ballot of a consultation,
//! item by item, and its results, from one snapshot so that they agree.
//!
//! Ballots of `decide` consultations carry no ballot id, participant or time
//! (core's `analysis::exports_identify_ballots`) and are listed in the order
//! of their content, so that not even the order of rows tells when a ballot
//! came. Others are listed by when they were cast, each with a keyed
//! pseudonym of its participant (see `ReceiptKey::pseudonym`).

use baraza_core::analysis::{exports_identify_ballots, Cast, ExportedBallot, PaperShare};
use baraza_core::api::ResultsResponse;
use baraza_core::definition::Item;
use baraza_core::paper::Channel;
use futures_util::stream::{self, BoxStream, StreamExt};
use uuid::Uuid;

use super::consultations::Definition;
use super::results::{paper_share, read_in};
use super::sync::Kind;
use super::{stored_time, Connection, Participant, Side, Store, StoreError, Tx};
use crate::receipts::{hex, ReceiptKey};

/// One read transaction: the results and the ballots read through it come
/// from the same state of the database.
pub struct Snapshot<'s> {
    store: &'s Store,
    tx: Tx,
}

/// A standing ballot as stored.
#[derive(sqlx::FromRow)]
struct BallotRow {
    participant: Vec<u8>,
    id: Vec<u8>,
    kind: i16,
    content: String,
    cast_at: Option<i64>,
    received_at: i64,
    channel: Option<i16>,
}

const BY_CAST: &str = "SELECT participant, id, kind, content, cast_at, received_at, channel FROM actions
    WHERE consultation = $1 AND item = $2 AND standing ORDER BY COALESCE(cast_at, received_at), id";
const BY_CONTENT: &str = "SELECT participant, id, kind, content, cast_at, received_at, channel FROM actions
    WHERE consultation = $1 AND item = $2 AND standing ORDER BY content";

impl<'s> Snapshot<'s> {
    pub async fn begin(store: &'s Store) -> Result<Snapshot<'s>, StoreError> {
        Ok(Snapshot { store, tx: store.begin_read().await? })
    }

    pub async fn results(&mut self, definition: &Definition) -> Result<ResultsResponse, StoreError> {
        read_in(&mut self.tx, definition).await?.count(self.store, definition).await
    }

    /// The part of the results that came on paper.
    pub async fn paper(&mut self, definition: &Definition) -> Result<PaperShare, StoreError> {
        paper_share(&mut self.tx, definition).await
    }

    /// Every standing ballot on `item`, read as it streams: a million
    /// ballots are never held in memory.
    pub fn ballots<'a>(
        &'a mut self,
        definition: &'a Definition,
        item: &'a Item,
    ) -> BoxStream<'a, Result<ExportedBallot, StoreError>> {
        let consultation = &definition.consultation;
        let Some(n) = definition.item(item.id()) else {
            return stream::empty().boxed();
        };
        let identify = exports_identify_ballots(consultation.level);
        let anonymised = definition.anonymised;
        let sql = if identify { BY_CAST } else { BY_CONTENT };
        let key = self.store.key();
        let rows = match self.tx.side() {
            Side::Sqlite(c) => sqlx::query_as::<_, BallotRow>(sql).bind(definition.n).bind(n).fetch(c),
            Side::Postgres(c) => sqlx::query_as::<_, BallotRow>(sql).bind(definition.n).bind(n).fetch(c),
        };
        rows.map(move |row| {
            let row = row?;
            exported(key, &consultation.id, item, identify, anonymised, row)
        })
        .boxed()
    }
}

fn exported(
    key: &ReceiptKey,
    consultation: &str,
    item: &Item,
    identify: bool,
    anonymised: bool,
    row: BallotRow,
) -> Result<ExportedBallot, StoreError> {
    let id = Uuid::from_slice(&row.id).map_err(|_| StoreError::unreadable("the id of a ballot"))?;
    let of = || format!("ballot {id}");
    let unreadable = || StoreError::unreadable(format!("the content of {}", of()));
    let ballot = match Kind::from_stored(row.kind)? {
        Kind::Feedback => Cast::Useful { useful: row.content.parse().map_err(|_| unreadable())? },
        _ => Cast::Ballot(serde_json::from_str(&row.content).map_err(|_| unreadable())?),
    };
    let mut exported = ExportedBallot {
        item: item.id().to_owned(),
        item_type: item.type_name().to_owned(),
        ballot_id: None,
        participant: None,
        cast_at: None,
        received_at: None,
        channel: None,
        ballot,
    };
    if identify {
        exported.ballot_id = Some(id);
        // An anonymised consultation's ballots stand under their pseudonyms.
        exported.participant = Some(if anonymised {
            hex(&row.participant)
        } else {
            key.pseudonym(consultation, &Participant::from_bytes(&row.participant)?.to_string())
        });
        exported.cast_at = Some(stored_time(row.cast_at.unwrap_or(row.received_at), of)?);
        exported.received_at = Some(stored_time(row.received_at, of)?);
        exported.channel = Some(if row.channel.is_some() { Channel::Paper } else { Channel::Online });
    }
    Ok(exported)
}

//! Reading results: the kept counters, and counts of rankings and budgets
//! reused until their item's next ballot.
//!
//! Counts of options, answers, scale values, approvals, first preferences and
//! useful-marks, the ballots per item and the participants are counters that
//! [`super::sync`] keeps in the same transaction as the ballots, so
//! reading them costs a few indexed rows whatever the number of ballots.
//!
//! Instant-runoff, Borda, greedy and equal shares read every ballot of their
//! item. Such a count is kept in memory in [`CountCache`], keyed by
//! consultation and item, with the item's `version` from `item_stats` it was
//! made at. Sync bumps that version in the transaction that stores or
//! replaces one of the item's ballots, so a count is reused exactly until the
//! next ballot. The version lives in the database, not in the server, so
//! several servers on one database never serve a stale count: each checks the
//! stored version on every read and counts again when it moved. The cache is
//! in memory rather than a table so that reading results never writes to the
//! database (with SQLite, a write would queue behind citizens' ballots); a
//! restarted server counts each item once more.
//!
//! The counters, the versions and the ballots counted are read in one read
//! transaction, so they all come from the same snapshot; counting happens
//! after it ends, so that no transaction stays open while a large item is
//! counted.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use baraza_core::analysis::{AdminResults, CommentTotals, DayParticipation};
use baraza_core::api::{ItemResult, ResultsResponse};
use baraza_core::ballot::Ballot;
use baraza_core::definition::Item;

use super::consultations::Definition;
use super::{on, Store, StoreError, Tx};

/// Counts of rankings and budgets, each with the item (as defined when it was
/// counted) and the item's version it was counted at.
#[derive(Default)]
pub struct CountCache {
    counted: Mutex<HashMap<(String, String), Counted>>,
}

struct Counted {
    version: i64,
    item: Item,
    result: ItemResult,
}

impl CountCache {
    fn get(&self, consultation: &str, item: &Item, version: i64) -> Option<ItemResult> {
        let counted = self.counted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counted
            .get(&(consultation.to_owned(), item.id().to_owned()))
            // A republished definition may change the options or the method.
            .filter(|c| c.version == version && c.item == *item)
            .map(|c| c.result.clone())
    }

    fn put(&self, consultation: &str, item: &Item, version: i64, result: &ItemResult) {
        let mut counted = self.counted.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counted.insert(
            (consultation.to_owned(), item.id().to_owned()),
            Counted { version, item: item.clone(), result: result.clone() },
        );
    }
}

/// The results of a consultation, as the public results route shows them.
pub async fn tally(store: &Store, definition: &Definition) -> Result<ResultsResponse, StoreError> {
    let mut tx = store.begin_read().await?;
    let read = read_in(&mut tx, &store.counts, definition).await?;
    tx.commit().await?;
    read.count(&store.counts, definition).await
}

/// A day of participation as kept in `daily_stats`.
#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    participants: i64,
    actions: i64,
}

/// How many comments a consultation has, and how many of them are hidden.
#[derive(sqlx::FromRow)]
struct CommentCounts {
    total: i64,
    hidden: i64,
}

/// An item's kept counts from `item_stats`.
#[derive(sqlx::FromRow)]
struct ItemStats {
    item: i64,
    ballots: i64,
    version: i64,
}

/// One kept tally counter.
#[derive(sqlx::FromRow)]
struct Tally {
    item: i64,
    key: String,
    count: i64,
}

/// The results with participation per day and comment totals, for staff.
pub async fn admin(store: &Store, definition: &Definition) -> Result<AdminResults, StoreError> {
    let mut tx = store.begin_read().await?;
    let read = read_in(&mut tx, &store.counts, definition).await?;
    let days: Vec<DayRow> = on!(&mut tx, |c| sqlx::query_as(
        "SELECT day, participants, actions FROM daily_stats WHERE consultation = $1 ORDER BY day"
    )
    .bind(definition.n)
    .fetch_all(c)
    .await)?;
    let comments: CommentCounts = on!(&mut tx, |c| sqlx::query_as(
        "SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE hidden) AS hidden FROM comments WHERE consultation = $1",
    )
    .bind(definition.n)
    .fetch_one(c)
    .await)?;
    tx.commit().await?;
    Ok(AdminResults {
        results: read.count(&store.counts, definition).await?,
        participation: days
            .into_iter()
            .map(|day| DayParticipation {
                date: day.day,
                participants: day.participants.max(0) as u64,
                actions: day.actions.max(0) as u64,
            })
            .collect(),
        comments: CommentTotals { total: comments.total.max(0) as u64, hidden: comments.hidden.max(0) as u64 },
    })
}

/// What a results read takes from the database: the counters, and the
/// ballots of each item whose kept count is out of date.
pub(crate) struct Read {
    participants: i64,
    items: Vec<ItemRead>,
}

enum ItemRead {
    /// Its result, from the counters or kept from an earlier count.
    Done(ItemResult),
    /// An item counted from its ballots, whose kept count is out of date:
    /// every standing ballot, and the item's version they are at.
    Ballots { from_counters: ItemResult, version: i64, ballots: Vec<Ballot> },
}

/// Reads in `tx` what the results of `definition` need.
pub(crate) async fn read_in(tx: &mut Tx, cache: &CountCache, definition: &Definition) -> Result<Read, StoreError> {
    let consultation = &definition.consultation;
    let participants: Option<i64> =
        on!(tx, |c| sqlx::query_scalar("SELECT participants FROM consultation_stats WHERE consultation = $1")
            .bind(definition.n)
            .fetch_optional(c)
            .await)?;
    let stats: HashMap<i64, (i64, i64)> = on!(tx, |c| sqlx::query_as::<_, ItemStats>(
        "SELECT s.item, s.ballots, s.version FROM item_stats s JOIN items i ON i.n = s.item
         WHERE i.consultation = $1",
    )
    .bind(definition.n)
    .fetch_all(c)
    .await)?
    .into_iter()
    .map(|stats| (stats.item, (stats.ballots, stats.version)))
    .collect();
    let mut counters: HashMap<i64, BTreeMap<String, u64>> = HashMap::new();
    let tallies: Vec<Tally> = on!(tx, |c| sqlx::query_as(
        "SELECT t.item, t.key, t.count FROM tallies t JOIN items i ON i.n = t.item WHERE i.consultation = $1"
    )
    .bind(definition.n)
    .fetch_all(c)
    .await)?;
    for tally in tallies {
        counters.entry(tally.item).or_default().insert(tally.key, tally.count.max(0) as u64);
    }
    let empty = BTreeMap::new();
    let mut items = Vec::with_capacity(consultation.items.len());
    for item in &consultation.items {
        let n = definition.item(item.id());
        let (ballots, version) = n.and_then(|n| stats.get(&n)).copied().unwrap_or((0, 0));
        let item_counters = n.and_then(|n| counters.get(&n)).unwrap_or(&empty);
        let from_counters = ItemResult::from_counters(item, ballots.max(0) as u64, item_counters);
        if !ItemResult::needs_ballots(item) {
            items.push(ItemRead::Done(from_counters));
            continue;
        }
        if let Some(kept) = cache.get(&consultation.id, item, version) {
            items.push(ItemRead::Done(kept));
            continue;
        }
        let ballots = match n {
            Some(n) => standing_ballots(tx, definition.n, n, item.id()).await?,
            None => Vec::new(),
        };
        items.push(ItemRead::Ballots { from_counters, version, ballots });
    }
    Ok(Read { participants: participants.unwrap_or(0), items })
}

impl Read {
    /// The results: counters as read, and counts of rankings and budgets,
    /// kept or made now.
    pub(crate) async fn count(
        self,
        cache: &CountCache,
        definition: &Definition,
    ) -> Result<ResultsResponse, StoreError> {
        let consultation = &definition.consultation;
        let mut items = Vec::with_capacity(self.items.len());
        for (item, read) in consultation.items.iter().zip(self.items) {
            let (mut result, version, ballots) = match read {
                ItemRead::Done(result) => {
                    items.push(result);
                    continue;
                }
                ItemRead::Ballots { from_counters, version, ballots } => (from_counters, version, ballots),
            };
            let counted_item = item.clone();
            // Counting a large item takes a while: off the threads that answer requests.
            let result = tokio::task::spawn_blocking(move || {
                result.count_ballots(&counted_item, &ballots);
                result
            })
            .await
            .map_err(|panic| StoreError::CountFailed(item.id().to_owned(), panic.to_string()))?;
            cache.put(&consultation.id, item, version, &result);
            items.push(result);
        }
        Ok(ResultsResponse {
            consultation: consultation.id.clone(),
            participants: self.participants.max(0) as u64,
            items,
        })
    }
}

/// Every participant's standing ballot on one item, for the counting methods
/// that read whole ballots.
async fn standing_ballots(tx: &mut Tx, consultation: i64, item: i64, id: &str) -> Result<Vec<Ballot>, StoreError> {
    let stored: Vec<String> = on!(tx, |c| sqlx::query_scalar(
        "SELECT content FROM actions WHERE consultation = $1 AND item = $2 AND standing"
    )
    .bind(consultation)
    .bind(item)
    .fetch_all(c)
    .await)?;
    stored
        .iter()
        .map(|json| {
            serde_json::from_str(json).map_err(|error| StoreError::unreadable(format!("a ballot on {id}: {error}")))
        })
        .collect()
}

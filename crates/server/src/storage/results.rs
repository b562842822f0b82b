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
//! Every read happens in one read transaction: the counters, the versions and
//! the ballots counted all come from the same snapshot.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use baraza_core::analysis::{AdminResults, CommentTotals, DayParticipation};
use baraza_core::api::{ItemResult, ResultsResponse};
use baraza_core::ballot::Ballot;
use baraza_core::definition::{Consultation, Item};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::StoreError;

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
pub async fn tally(
    pool: &SqlitePool,
    cache: &CountCache,
    consultation: &Consultation,
) -> Result<ResultsResponse, StoreError> {
    let mut tx = pool.begin().await?;
    let results = tally_in(&mut tx, cache, consultation).await?;
    tx.commit().await?;
    Ok(results)
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
    item: String,
    ballots: i64,
    version: i64,
}

/// One kept tally counter.
#[derive(sqlx::FromRow)]
struct Tally {
    item: String,
    key: String,
    count: i64,
}

/// The results with participation per day and comment totals, for staff.
pub async fn admin(
    pool: &SqlitePool,
    cache: &CountCache,
    consultation: &Consultation,
) -> Result<AdminResults, StoreError> {
    let mut tx = pool.begin().await?;
    let results = tally_in(&mut tx, cache, consultation).await?;
    let days: Vec<DayRow> =
        sqlx::query_as("SELECT day, participants, actions FROM daily_stats WHERE consultation = ?1 ORDER BY day")
            .bind(&consultation.id)
            .fetch_all(&mut *tx)
            .await?;
    let comments: CommentCounts = sqlx::query_as(
        "SELECT COUNT(*) AS total, COALESCE(SUM(hidden != 0), 0) AS hidden FROM comments WHERE consultation = ?1",
    )
    .bind(&consultation.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AdminResults {
        results,
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

pub(crate) async fn tally_in(
    tx: &mut Transaction<'_, Sqlite>,
    cache: &CountCache,
    consultation: &Consultation,
) -> Result<ResultsResponse, StoreError> {
    let participants: Option<i64> =
        sqlx::query_scalar("SELECT participants FROM consultation_stats WHERE consultation = ?1")
            .bind(&consultation.id)
            .fetch_optional(&mut **tx)
            .await?;
    let stats: HashMap<String, (i64, i64)> =
        sqlx::query_as::<_, ItemStats>("SELECT item, ballots, version FROM item_stats WHERE consultation = ?1")
            .bind(&consultation.id)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|stats| (stats.item, (stats.ballots, stats.version)))
            .collect();
    let mut counters: HashMap<String, BTreeMap<String, u64>> = HashMap::new();
    let rows: Vec<Tally> = sqlx::query_as("SELECT item, key, count FROM tallies WHERE consultation = ?1")
        .bind(&consultation.id)
        .fetch_all(&mut **tx)
        .await?;
    for tally in rows {
        counters.entry(tally.item).or_default().insert(tally.key, tally.count.max(0) as u64);
    }
    let empty = BTreeMap::new();
    let mut items = Vec::with_capacity(consultation.items.len());
    for item in &consultation.items {
        let (ballots, version) = stats.get(item.id()).copied().unwrap_or((0, 0));
        let from_counters =
            ItemResult::from_counters(item, ballots.max(0) as u64, counters.get(item.id()).unwrap_or(&empty));
        if !ItemResult::needs_ballots(item) {
            items.push(from_counters);
            continue;
        }
        if let Some(cached) = cache.get(&consultation.id, item, version) {
            items.push(cached);
            continue;
        }
        let ballots = standing_ballots(tx, &consultation.id, item.id()).await?;
        let counted_item = item.clone();
        // Counting a large item takes a while: off the threads that answer requests.
        let result = tokio::task::spawn_blocking(move || {
            let mut result = from_counters;
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
        participants: participants.unwrap_or(0).max(0) as u64,
        items,
    })
}

/// Every participant's standing ballot on one item, for the counting methods
/// that read whole ballots.
async fn standing_ballots(
    tx: &mut Transaction<'_, Sqlite>,
    consultation: &str,
    item: &str,
) -> Result<Vec<Ballot>, StoreError> {
    let stored: Vec<String> = sqlx::query_scalar("SELECT ballot FROM ballots WHERE consultation = ?1 AND item = ?2")
        .bind(consultation)
        .bind(item)
        .fetch_all(&mut **tx)
        .await?;
    stored
        .iter()
        .map(|json| {
            serde_json::from_str(json)
                .map_err(|error| StoreError::unreadable(format!("a ballot on {consultation}/{item}: {error}")))
        })
        .collect()
}

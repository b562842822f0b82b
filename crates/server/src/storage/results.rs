//! Reading results: the kept counters, and counts of rankings and budgets
//! from their kept profiles.
//!
//! Counts of options, answers, scale values, approvals, first preferences and
//! useful-marks, the ballots per item and the participants are counters that
//! [`super::sync`] keeps in the same transaction as the ballots, so
//! reading them costs a few indexed rows whatever the number of ballots.
//!
//! Instant-runoff, Borda, greedy and equal shares count an item's profile:
//! each distinct ballot with how many voters cast it (the rankings' orders,
//! the budget ballots' sets of projects), which sync also keeps with the
//! ballots (`profiles`, each entry with the item's version it last changed
//! at). Each server keeps every such profile it has read in memory
//! ([`CountCache`]), with the item's version it is at, and reads only the
//! entries changed since; so it follows the ballots of every server on the
//! database. A count is made from the profile in memory and kept with the
//! version it reflects. When a read finds the item's version moved, it
//! brings the profile up to date and counts again; at most one such recount
//! runs at a time for an item, and reads meanwhile are answered the last
//! count, whose `ballots` says how many ballots it counted.
//!
//! The counters are read in one read transaction, the changed profile
//! entries in another, each from one snapshot; counting happens after them,
//! so that no transaction stays open while an item is counted. Reading
//! results never writes to the database (with SQLite, a write would queue
//! behind citizens' ballots); a restarted server reads each profile once.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use baraza_core::analysis::{AdminResults, CommentTotals, DayParticipation, PaperShare};
use baraza_core::api::{ItemResult, ResultsResponse};
use baraza_core::definition::Item;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use super::consultations::Definition;
use super::{on, Store, StoreError, Tx};

/// The profiles and counts of the ranking and budget items this server has
/// read, by item number; and how long counts took, by counting method.
pub struct CountCache {
    items: Mutex<HashMap<i64, Arc<Kept>>>,
    /// Counts made of a profile: one per item and change of its ballots,
    /// however many reads asked for it meanwhile.
    recounts: Counter,
    /// How long each of those counts took, by counting method.
    recount_seconds: Family<MethodLabels, Histogram, fn() -> Histogram>,
}

/// The counting method a count used (`instant_runoff`, `borda`, `greedy`,
/// `equal_shares`), as metrics name it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    method: &'static str,
}

/// The bounds, in seconds, of the histogram of counting times.
const RECOUNT_BOUNDS: [f64; 13] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0];

impl Default for CountCache {
    fn default() -> Self {
        CountCache {
            items: Mutex::default(),
            recounts: Counter::default(),
            recount_seconds: Family::new_with_constructor(|| Histogram::new(RECOUNT_BOUNDS)),
        }
    }
}

/// The name of the counting method of a ranking or budget item.
fn method(item: &Item) -> &'static str {
    match item {
        Item::Ranking { method, .. } => method.as_str(),
        Item::Budget { method, .. } => method.as_str(),
        _ => "none",
    }
}

/// What a server keeps of one ranking or budget item.
#[derive(Default)]
struct Kept {
    /// The last count made, served while the next one is made.
    last: Mutex<Option<Arc<Counted>>>,
    /// The profile, held while it is brought up to date and counted.
    profile: tokio::sync::Mutex<Profile>,
}

/// A count, of the item as defined when it was made, from the profile at
/// the item's `version`.
struct Counted {
    version: i64,
    item: Item,
    result: ItemResult,
}

/// An item's distinct ballots (as core's `count::counted_as` writes them)
/// with their voters, as of the item's `version`.
#[derive(Default)]
struct Profile {
    version: i64,
    /// Entries with voters; `position` finds each by its stored form.
    entries: Vec<(Vec<String>, u64)>,
    position: HashMap<String, usize>,
}

impl Profile {
    /// Sets the voters of the entry stored as `ballot`; an entry left with
    /// none goes.
    fn set(&mut self, ballot: String, voters: u64) -> Result<(), StoreError> {
        match (self.position.get(&ballot).copied(), voters) {
            (Some(at), 0) => {
                self.entries.swap_remove(at);
                self.position.remove(&ballot);
                if let Some(moved) = self.entries.get(at) {
                    let stored = serde_json::to_string(&moved.0).expect("strings always serialize");
                    self.position.insert(stored, at);
                }
            }
            (Some(at), voters) => {
                if let Some(entry) = self.entries.get_mut(at) {
                    entry.1 = voters;
                }
            }
            (None, 0) => {}
            (None, voters) => {
                let ids: Vec<String> = serde_json::from_str(&ballot)
                    .map_err(|error| StoreError::unreadable(format!("a profile entry: {error}")))?;
                self.position.insert(ballot, self.entries.len());
                self.entries.push((ids, voters));
            }
        }
        Ok(())
    }
}

impl CountCache {
    /// Adds the metrics of counting to `registry`, named `baraza_results_…`:
    /// how many counts were made, and how long each took.
    pub fn register(&self, registry: &mut Registry) {
        let results = registry.sub_registry_with_prefix("baraza_results");
        results.register("recounts", "Counts of a ranking or budget item made from its profile", self.recounts.clone());
        results.register_with_unit(
            "recount",
            "Time to count a ranking or budget item from its profile, by counting method",
            Unit::Seconds,
            self.recount_seconds.clone(),
        );
    }

    fn kept(&self, item: i64) -> Arc<Kept> {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.entry(item).or_default().clone()
    }
}

/// The results of a consultation, as the public results route shows them.
pub async fn tally(store: &Store, definition: &Definition) -> Result<ResultsResponse, StoreError> {
    let mut tx = store.begin_read().await?;
    let read = read_in(&mut tx, definition).await?;
    tx.commit().await?;
    read.count(store, definition).await
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
    let read = read_in(&mut tx, definition).await?;
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
    let paper = paper_share(&mut tx, definition).await?;
    tx.commit().await?;
    Ok(AdminResults {
        results: read.count(store, definition).await?,
        participation: days
            .into_iter()
            .map(|day| DayParticipation {
                date: day.day,
                participants: day.participants.max(0) as u64,
                actions: day.actions.max(0) as u64,
            })
            .collect(),
        comments: CommentTotals { total: comments.total.max(0) as u64, hidden: comments.hidden.max(0) as u64 },
        paper,
    })
}

/// The paper part of a consultation's results: its standing paper ballots
/// per item and the participants they are, read through the index of
/// paper rows only (migration 0013), so that however many ballots came
/// online this reads only the paper ones.
pub(crate) async fn paper_share(tx: &mut Tx, definition: &Definition) -> Result<PaperShare, StoreError> {
    let items: Vec<(String, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT i.id, COUNT(*) FROM actions a JOIN items i ON i.n = a.item
         WHERE a.consultation = $1 AND a.channel IS NOT NULL AND a.standing
         GROUP BY i.id",
    )
    .bind(definition.n)
    .fetch_all(c)
    .await)?;
    let participants: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(DISTINCT participant) FROM actions
         WHERE consultation = $1 AND channel IS NOT NULL AND standing",
    )
    .bind(definition.n)
    .fetch_one(c)
    .await)?;
    Ok(PaperShare {
        participants: participants.max(0) as u64,
        items: items.into_iter().map(|(item, ballots)| (item, ballots.max(0) as u64)).collect(),
    })
}

/// What a results read takes from the database's counters.
pub(crate) struct Read {
    participants: i64,
    /// Each item's result from the counters, and its version.
    items: Vec<(ItemResult, i64)>,
}

/// Reads in `tx` the counters the results of `definition` need.
pub(crate) async fn read_in(tx: &mut Tx, definition: &Definition) -> Result<Read, StoreError> {
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
    let items = consultation
        .items
        .iter()
        .map(|item| {
            let n = definition.item(item.id());
            let (ballots, version) = n.and_then(|n| stats.get(&n)).copied().unwrap_or((0, 0));
            let item_counters = n.and_then(|n| counters.get(&n)).unwrap_or(&empty);
            (ItemResult::from_counters(item, ballots.max(0) as u64, item_counters), version)
        })
        .collect();
    Ok(Read { participants: participants.unwrap_or(0), items })
}

impl Read {
    /// The results: counters as read, and the counts of rankings and budgets.
    pub(crate) async fn count(self, store: &Store, definition: &Definition) -> Result<ResultsResponse, StoreError> {
        let consultation = &definition.consultation;
        let mut items = Vec::with_capacity(self.items.len());
        for (item, (from_counters, version)) in consultation.items.iter().zip(self.items) {
            match definition.item(item.id()) {
                Some(n) if ItemResult::needs_ballots(item) => items.push(counted(store, n, item, version).await?),
                _ => items.push(from_counters),
            }
        }
        Ok(ResultsResponse {
            consultation: consultation.id.clone(),
            participants: self.participants.max(0) as u64,
            items,
        })
    }
}

/// The count of the ranking or budget item numbered `n` (`item` as defined
/// now), reflecting at least `version` unless another read is counting it
/// meanwhile (then the last count).
async fn counted(store: &Store, n: i64, item: &Item, version: i64) -> Result<ItemResult, StoreError> {
    let kept = store.counts.kept(n);
    let last = || kept.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    let usable = |counted: &Counted| counted.item == *item;
    match last() {
        Some(counted) if usable(&counted) && counted.version >= version => return Ok(counted.result.clone()),
        _ => {}
    }
    let mut profile = match kept.profile.try_lock() {
        Ok(profile) => profile,
        Err(_) => {
            if let Some(counted) = last().filter(|counted| usable(counted)) {
                return Ok(counted.result.clone());
            }
            kept.profile.lock().await
        }
    };
    // Another read may have counted while this one waited.
    match last() {
        Some(counted) if usable(&counted) && counted.version >= version => return Ok(counted.result.clone()),
        _ => {}
    }
    refresh(store, n, &mut profile).await?;
    store.counts.recounts.inc();
    let entries = std::mem::take(&mut profile.entries);
    let (ballots, counters) = counters_of(&entries, item);
    let counted_item = item.clone();
    let started = std::time::Instant::now();
    // Counting a large item takes a while: off the threads that answer requests.
    let (result, entries) = tokio::task::spawn_blocking(move || {
        let mut result = ItemResult::from_counters(&counted_item, ballots, &counters);
        result.count_profile(&counted_item, &entries);
        (result, entries)
    })
    .await
    .map_err(|panic| StoreError::CountFailed(item.id().to_owned(), panic.to_string()))?;
    let seconds = started.elapsed().as_secs_f64();
    store.counts.recount_seconds.get_or_create(&MethodLabels { method: method(item) }).observe(seconds);
    profile.entries = entries;
    let counted = Arc::new(Counted { version: profile.version, item: item.clone(), result: result.clone() });
    *kept.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(counted);
    Ok(result)
}

/// A changed entry of a profile.
#[derive(sqlx::FromRow)]
struct Entry {
    ballot: String,
    voters: i64,
}

/// Brings `profile` up to the item's version now: reads the entries changed
/// since the version it is at, with that version, from one snapshot.
async fn refresh(store: &Store, n: i64, profile: &mut Profile) -> Result<(), StoreError> {
    let mut tx = store.begin_read().await?;
    let version: Option<i64> = on!(&mut tx, |c| sqlx::query_scalar("SELECT version FROM item_stats WHERE item = $1")
        .bind(n)
        .fetch_optional(c)
        .await)?;
    let version = version.unwrap_or(0);
    if version != profile.version {
        let changed: Vec<Entry> =
            on!(&mut tx, |c| sqlx::query_as("SELECT ballot, voters FROM profiles WHERE item = $1 AND version > $2")
                .bind(n)
                .bind(profile.version)
                .fetch_all(c)
                .await)?;
        for entry in changed {
            profile.set(entry.ballot, entry.voters.max(0) as u64)?;
        }
        profile.version = version;
    }
    tx.commit().await
}

/// The counters core's `ItemResult::from_counters` reads, as the profile
/// has them: a ranking's first preferences, a budget's approvals; and the
/// ballots counted. A count is then of one moment throughout.
fn counters_of(entries: &[(Vec<String>, u64)], item: &Item) -> (u64, BTreeMap<String, u64>) {
    let ranking = matches!(item, Item::Ranking { .. });
    let mut counters: BTreeMap<String, u64> = BTreeMap::new();
    let mut ballots = 0;
    for (ballot, voters) in entries {
        ballots += voters;
        let keys = if ranking { &ballot[..ballot.len().min(1)] } else { ballot.as_slice() };
        for key in keys {
            *counters.entry(key.clone()).or_default() += voters;
        }
    }
    (ballots, counters)
}

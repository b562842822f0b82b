//! Storage of published consultation definitions, and the lifecycle staff
//! drive them through: publish, update, close early, archive, outcome. Every
//! change is checked by core's rules and written to the change log in the
//! same transaction.
//!
//! A server keeps every definition it reads in memory ([`Definitions`]),
//! with the revision it was stored at; each change of a definition moves its
//! revision, so a server reads a definition again only after a change, by
//! whichever server or command made it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use baraza_core::admin::{AdminConsultation, ChangeAction};
use baraza_core::api::{ConsultationSummary, ItemResult};
use baraza_core::lifecycle::check_update;
use baraza_core::validate::{check, Problem, Severity};
use baraza_core::{Consultation, Localized, Status};
use time::OffsetDateTime;

use super::changes::{self, Author};
use super::{millis, on, stored_time, timestamp, Connection, Store, StoreError, Tx};

/// A stored consultation: its definition, and the numbers storage knows it
/// and its items by.
#[derive(Debug)]
pub struct Definition {
    pub n: i64,
    pub revision: i64,
    pub consultation: Consultation,
    /// Whether its participants' identifiers were dropped ([`super::anonymise`]).
    pub anonymised: bool,
    items: HashMap<String, i64>,
}

impl Definition {
    /// The number of the item with `id`, if the definition has it.
    pub fn item(&self, id: &str) -> Option<i64> {
        self.items.get(id).copied()
    }

    /// Whether the item numbered `n` is counted from its profile (a ranking
    /// or a budget), which sync then keeps.
    pub fn keeps_profile(&self, n: i64) -> bool {
        self.consultation
            .items
            .iter()
            .any(|item| ItemResult::needs_ballots(item) && self.items.get(item.id()) == Some(&n))
    }
}

/// The definitions this server has read, each at the revision it read.
#[derive(Default)]
pub struct Definitions {
    kept: Mutex<HashMap<String, Arc<Definition>>>,
}

impl Definitions {
    fn get(&self, id: &str) -> Option<Arc<Definition>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(id).cloned()
    }

    fn put(&self, definition: &Arc<Definition>) {
        let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.insert(definition.consultation.id.clone(), definition.clone());
    }
}

/// A consultation's number and revision, and its definition when the
/// revision is not the one asked about.
#[derive(sqlx::FromRow)]
struct Revision {
    n: i64,
    revision: i64,
    definition: Option<String>,
    anonymised_at: Option<i64>,
}

/// The item numbers of a consultation.
#[derive(sqlx::FromRow)]
struct ItemNumber {
    id: String,
    n: i64,
}

/// How the writer reads a definition: with PostgreSQL, it holds a share
/// lock on the consultation's row until it commits, so that a staff change
/// (which locks it for update) is applied wholly before or wholly after the
/// ballots of one transaction are checked against it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    Plain,
    ShareLocked,
}

/// The consultation with `id` as it is stored now, from memory unless its
/// revision moved; `None` if there is none.
pub(crate) async fn definition(
    db: &mut impl Connection,
    kept: &Definitions,
    id: &str,
    read: Read,
) -> Result<Option<Arc<Definition>>, StoreError> {
    let known = kept.get(id);
    let sql = if read == Read::ShareLocked && db.is_postgres() {
        "SELECT n, revision, CASE WHEN revision = $2 THEN NULL ELSE definition END AS definition, anonymised_at
         FROM consultations WHERE id = $1 FOR SHARE"
    } else {
        "SELECT n, revision, CASE WHEN revision = $2 THEN NULL ELSE definition END AS definition, anonymised_at
         FROM consultations WHERE id = $1"
    };
    let known_revision = known.as_ref().map_or(-1, |definition| definition.revision);
    let Some(row) =
        on!(db, |c| sqlx::query_as::<_, Revision>(sql).bind(id).bind(known_revision).fetch_optional(c).await)?
    else {
        return Ok(None);
    };
    let Some(json) = row.definition else {
        return Ok(known);
    };
    let items: Vec<ItemNumber> =
        on!(db, |c| sqlx::query_as("SELECT id, n FROM items WHERE consultation = $1").bind(row.n).fetch_all(c).await)?;
    let definition = Arc::new(Definition {
        n: row.n,
        revision: row.revision,
        consultation: decode(&json)?,
        anonymised: row.anonymised_at.is_some(),
        items: items.into_iter().map(|item| (item.id, item.n)).collect(),
    });
    kept.put(&definition);
    Ok(Some(definition))
}

impl Store {
    /// The consultation with `id`, or [`StoreError::ConsultationNotFound`].
    pub async fn definition(&self, id: &str) -> Result<Arc<Definition>, StoreError> {
        let mut db = self.read().await?;
        definition(&mut db, &self.definitions, id, Read::Plain)
            .await?
            .ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))
    }

    /// The consultation with `id`, or [`StoreError::ConsultationNotFound`].
    pub async fn find(&self, id: &str) -> Result<Consultation, StoreError> {
        Ok(self.definition(id).await?.consultation.clone())
    }

    /// Every consultation, by id.
    pub async fn all(&self) -> Result<Vec<Consultation>, StoreError> {
        let mut db = self.read().await?;
        let ids: Vec<String> =
            on!(&mut db, |c| sqlx::query_scalar("SELECT id FROM consultations ORDER BY id").fetch_all(c).await)?;
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            // A consultation is never deleted: each id listed is still there.
            if let Some(definition) = definition(&mut db, &self.definitions, &id, Read::Plain).await? {
                all.push(definition.consultation.clone());
            }
        }
        Ok(all)
    }
}

/// Writes a definition as it is, replacing any earlier one with its id; its
/// items get numbers the first time they appear. The lifecycle functions
/// below decide whether it may; tests and the benchmark use it to set the
/// scene.
pub async fn store(store: &Store, consultation: &Consultation, now: OffsetDateTime) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    write(&mut tx, consultation, now).await?;
    tx.commit().await
}

async fn write(tx: &mut Tx, consultation: &Consultation, now: OffsetDateTime) -> Result<(), StoreError> {
    let definition = serde_json::to_string(consultation).expect("a definition always serializes");
    let n: i64 = on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO consultations (id, level, definition, revision, published_at, updated_at)
         VALUES ($1, $2, $3, 1, $4, $4)
         ON CONFLICT (id) DO UPDATE SET level = excluded.level, definition = excluded.definition,
             revision = consultations.revision + 1, updated_at = excluded.updated_at
         RETURNING n",
    )
    .bind(&consultation.id)
    .bind(consultation.level.as_str())
    .bind(&definition)
    .bind(millis(now))
    .fetch_one(c)
    .await)?;
    for item in &consultation.items {
        on!(tx, |c| sqlx::query("INSERT INTO items (consultation, id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(n)
            .bind(item.id())
            .execute(c)
            .await
            .map(|done| done.rows_affected()))?;
    }
    Ok(())
}

/// The stored consultation with `id`, read for a change: PostgreSQL locks
/// its row until the change commits.
async fn load_for_change(tx: &mut Tx, id: &str) -> Result<Option<Consultation>, StoreError> {
    let sql = if tx.is_postgres() {
        "SELECT definition FROM consultations WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT definition FROM consultations WHERE id = $1"
    };
    let definition: Option<String> = on!(tx, |c| sqlx::query_scalar(sql).bind(id).fetch_optional(c).await)?;
    definition.map(|json| decode(&json)).transpose()
}

/// What publishing a definition did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Created,
    Updated,
    /// The same definition was already stored; nothing was recorded.
    Unchanged,
}

/// Publishes checked definitions, all or none: each a new consultation, or
/// an update that core's lifecycle rule allows. If any update is refused,
/// nothing is stored and [`StoreError::DefinitionLocked`] holds every
/// refused consultation with each change it may not make, at its path. An
/// update keeps the stored archive state, and the stored outcome when the
/// file has none, so a file edited offline cannot undo them.
pub async fn publish(
    store: &Store,
    definitions: &[Consultation],
    by: &Author,
    now: OffsetDateTime,
) -> Result<Vec<Publication>, StoreError> {
    let mut tx = store.begin_write().await?;
    let mut publications = Vec::with_capacity(definitions.len());
    let mut locked = Vec::new();
    for proposed in definitions {
        match publish_in(&mut tx, proposed, by, now).await? {
            Ok(publication) => publications.push(publication),
            Err(problems) => locked.push((proposed.id.clone(), problems)),
        }
    }
    if !locked.is_empty() {
        return Err(StoreError::DefinitionLocked(locked));
    }
    tx.commit().await?;
    Ok(publications)
}

/// Publishes one definition in `tx`, as [`publish`] does; `Ok(Err)`: the
/// changes the lifecycle rule refuses.
pub(super) async fn publish_in(
    tx: &mut Tx,
    proposed: &Consultation,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Result<Publication, Vec<Problem>>, StoreError> {
    let Some(current) = load_for_change(tx, &proposed.id).await? else {
        write(tx, proposed, now).await?;
        changes::record(tx, &proposed.id, by, ChangeAction::Published, "", now).await?;
        return Ok(Ok(Publication::Created));
    };
    let problems = check_update(&current, proposed, now);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let mut updated = proposed.clone();
    updated.archived = current.archived;
    if updated.outcome.is_none() {
        updated.outcome = current.outcome.clone();
    }
    if updated == current {
        return Ok(Ok(Publication::Unchanged));
    }
    let detail = changed_fields(&current, &updated).join(", ");
    write(tx, &updated, now).await?;
    changes::record(tx, &updated.id, by, ChangeAction::Updated, &detail, now).await?;
    Ok(Ok(Publication::Updated))
}

/// The top-level fields of the definition that differ, for the change log.
fn changed_fields(before: &Consultation, after: &Consultation) -> Vec<String> {
    let as_object = |c: &Consultation| match serde_json::to_value(c).expect("a definition always serializes") {
        serde_json::Value::Object(fields) => fields,
        _ => unreachable!("a definition serializes as an object"),
    };
    baraza_core::drafts::changed_fields(&as_object(before), &as_object(after))
}

/// A staff change to one stored consultation: it is read inside the write
/// transaction, so two staff acting at once never overwrite each other with
/// a stale copy. `edit` changes it and names the change for the log (`None`:
/// nothing to change); the change and its log entry are written together,
/// and the consultation is answered as staff then see it.
async fn change(
    store: &Store,
    id: &str,
    by: &Author,
    now: OffsetDateTime,
    edit: impl FnOnce(&mut Consultation) -> Result<Option<(ChangeAction, String)>, StoreError>,
) -> Result<AdminConsultation, StoreError> {
    let mut tx = store.begin_write().await?;
    let mut consultation =
        load_for_change(&mut tx, id).await?.ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))?;
    if let Some((action, detail)) = edit(&mut consultation)? {
        write(&mut tx, &consultation, now).await?;
        changes::record(&mut tx, id, by, action, &detail, now).await?;
        tx.commit().await?;
    }
    admin_one(store, id, now).await
}

/// Closes an open consultation now, ahead of its closing date
/// ([`StoreError::NotOpenYet`] or [`StoreError::AlreadyClosed`] otherwise).
/// Ballots cast offline before now still count within the grace window.
pub async fn close(store: &Store, id: &str, by: &Author, now: OffsetDateTime) -> Result<AdminConsultation, StoreError> {
    change(store, id, by, now, |consultation| {
        match consultation.status_at(now) {
            Status::Open => {}
            Status::Upcoming => return Err(StoreError::NotOpenYet),
            Status::Closed | Status::Archived => return Err(StoreError::AlreadyClosed),
        }
        let detail = timestamp(consultation.closes_at);
        consultation.closes_at = now;
        Ok(Some((ChangeAction::Closed, detail)))
    })
    .await
}

/// Archives a consultation: it leaves the public list, stays readable by
/// its address and to staff, and takes no more actions (core's deadline
/// rule). Archiving twice changes nothing. With `anonymise`, it is also
/// anonymised in the same transaction ([`super::anonymise`]), once; each
/// step goes to the change log.
pub async fn archive(
    store: &Store,
    id: &str,
    anonymise: bool,
    by: &Author,
    now: OffsetDateTime,
) -> Result<AdminConsultation, StoreError> {
    let mut tx = store.begin_write().await?;
    let mut consultation =
        load_for_change(&mut tx, id).await?.ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))?;
    if !consultation.archived {
        consultation.archived = true;
        write(&mut tx, &consultation, now).await?;
        changes::record(&mut tx, id, by, ChangeAction::Archived, "", now).await?;
    }
    if anonymise && super::anonymise::anonymise(&mut tx, store.key(), &consultation, now).await? {
        changes::record(&mut tx, id, by, ChangeAction::Anonymised, "", now).await?;
    }
    tx.commit().await?;
    admin_one(store, id, now).await
}

/// Writes what came of the consultation, in each language, checked by the
/// same rules as the rest of the definition ([`StoreError::InvalidOutcome`]:
/// the problems, at paths under `outcome`).
pub async fn set_outcome(
    store: &Store,
    id: &str,
    outcome: Localized,
    by: &Author,
    now: OffsetDateTime,
) -> Result<AdminConsultation, StoreError> {
    change(store, id, by, now, |consultation| {
        consultation.outcome = Some(outcome);
        let problems: Vec<Problem> = check(consultation)
            .into_iter()
            .filter(|problem| problem.severity == Severity::Error && problem.path.starts_with("outcome"))
            .collect();
        if !problems.is_empty() {
            return Err(StoreError::InvalidOutcome(problems));
        }
        let languages: Vec<&str> =
            consultation.outcome.iter().flat_map(|outcome| outcome.0.keys()).map(String::as_str).collect();
        Ok(Some((ChangeAction::Outcome, languages.join(", "))))
    })
    .await
}

/// Every consultation as staff list them, archived ones too, the most
/// recently changed first.
pub async fn admin_list(store: &Store, now: OffsetDateTime) -> Result<Vec<AdminConsultation>, StoreError> {
    admin_view(store, None, now).await
}

/// One consultation as staff see it.
pub async fn admin_one(store: &Store, id: &str, now: OffsetDateTime) -> Result<AdminConsultation, StoreError> {
    admin_view(store, Some(id), now).await?.pop().ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))
}

/// A consultation's row as staff views read it.
#[derive(sqlx::FromRow)]
struct AdminRow {
    definition: String,
    published_at: i64,
    updated_at: i64,
    anonymised_at: Option<i64>,
    participants: i64,
}

/// Every consultation, or the one with `id`, with what staff see of it.
async fn admin_view(
    store: &Store,
    id: Option<&str>,
    now: OffsetDateTime,
) -> Result<Vec<AdminConsultation>, StoreError> {
    let mut db = store.read().await?;
    let rows: Vec<AdminRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT c.definition, c.published_at, c.updated_at, c.anonymised_at,
                COALESCE(s.participants, 0) AS participants
         FROM consultations c LEFT JOIN consultation_stats s ON s.consultation = c.n
         WHERE $1 IS NULL OR c.id = $1
         ORDER BY c.updated_at DESC, c.id",
    )
    .bind(id)
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|row| {
            let consultation = decode(&row.definition)?;
            let of = || format!("consultation {}", consultation.id);
            Ok(AdminConsultation {
                summary: ConsultationSummary::of(&consultation, now),
                archived: consultation.archived,
                participants: row.participants.max(0) as u64,
                published_at: stored_time(row.published_at, of)?,
                updated_at: stored_time(row.updated_at, of)?,
                outcome: consultation.outcome.clone(),
                eligibility: consultation.eligibility,
                results: consultation.results,
                anonymised_at: row.anonymised_at.map(|at| stored_time(at, of)).transpose()?,
            })
        })
        .collect()
}

/// Stored definitions were written by [`publish`]; one that no longer reads is
/// a server fault, reported as such rather than hidden.
fn decode(json: &str) -> Result<Consultation, StoreError> {
    serde_json::from_str(json).map_err(|error| StoreError::unreadable(format!("a stored definition: {error}")))
}

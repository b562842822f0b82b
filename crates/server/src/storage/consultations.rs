//! Storage of published consultation definitions, and the lifecycle staff
//! drive them through: publish, update, close early, archive, outcome. Every
//! change is checked by core's rules and written to the change log in the
//! same transaction.

use baraza_core::admin::{AdminConsultation, ChangeAction};
use baraza_core::api::ConsultationSummary;
use baraza_core::lifecycle::check_update;
use baraza_core::validate::{check, Problem, Severity};
use baraza_core::{Consultation, Localized, Status};
use sqlx::{Sqlite, SqlitePool, Transaction};
use time::OffsetDateTime;

use super::changes::{self, Author};
use super::{begin_write, stored_time, timestamp, StoreError};

/// Writes a definition as it is, replacing any earlier one with its id. The
/// lifecycle functions below decide whether it may; tests and the benchmark
/// use it to set the scene.
pub async fn store<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    consultation: &Consultation,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let definition = serde_json::to_string(consultation).expect("a definition always serializes");
    let now = timestamp(now);
    sqlx::query(
        "INSERT INTO consultations (id, level, definition, published_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (id) DO UPDATE SET level = ?2, definition = ?3, updated_at = ?4",
    )
    .bind(&consultation.id)
    .bind(consultation.level.as_str())
    .bind(definition)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
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
    pool: &SqlitePool,
    definitions: &[Consultation],
    by: &Author,
    now: OffsetDateTime,
) -> Result<Vec<Publication>, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut publications = Vec::with_capacity(definitions.len());
    let mut locked = Vec::new();
    for proposed in definitions {
        match publish_one(&mut tx, proposed, by, now).await? {
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

/// Publishes one definition in `tx`; `Ok(Err)`: the changes the lifecycle
/// rule refuses.
async fn publish_one(
    tx: &mut Transaction<'_, Sqlite>,
    proposed: &Consultation,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Result<Publication, Vec<Problem>>, StoreError> {
    let Some(current) = load(&mut **tx, &proposed.id).await? else {
        store(&mut **tx, proposed, now).await?;
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
    store(&mut **tx, &updated, now).await?;
    changes::record(tx, &updated.id, by, ChangeAction::Updated, &detail, now).await?;
    Ok(Ok(Publication::Updated))
}

/// The top-level fields of the definition that differ, for the change log.
fn changed_fields(before: &Consultation, after: &Consultation) -> Vec<String> {
    let as_object = |c: &Consultation| match serde_json::to_value(c).expect("a definition always serializes") {
        serde_json::Value::Object(fields) => fields,
        _ => unreachable!("a definition serializes as an object"),
    };
    let (before, after) = (as_object(before), as_object(after));
    let mut fields: Vec<String> =
        before.keys().chain(after.keys()).filter(|key| before.get(*key) != after.get(*key)).cloned().collect();
    fields.sort();
    fields.dedup();
    fields
}

/// A staff change to one stored consultation: it is read inside the write
/// transaction, so two staff acting at once never overwrite each other with
/// a stale copy. `edit` changes it and names the change for the log (`None`:
/// nothing to change); the change and its log entry are written together,
/// and the consultation is answered as staff then see it.
async fn change(
    pool: &SqlitePool,
    id: &str,
    by: &Author,
    now: OffsetDateTime,
    edit: impl FnOnce(&mut Consultation) -> Result<Option<(ChangeAction, String)>, StoreError>,
) -> Result<AdminConsultation, StoreError> {
    let mut tx = begin_write(pool).await?;
    let mut consultation = find(&mut *tx, id).await?;
    if let Some((action, detail)) = edit(&mut consultation)? {
        store(&mut *tx, &consultation, now).await?;
        changes::record(&mut tx, id, by, action, &detail, now).await?;
        tx.commit().await?;
    }
    admin_one(pool, id, now).await
}

/// Closes an open consultation now, ahead of its closing date
/// ([`StoreError::NotOpenYet`] or [`StoreError::AlreadyClosed`] otherwise).
/// Ballots cast offline before now still count within the grace window.
pub async fn close(
    pool: &SqlitePool,
    id: &str,
    by: &Author,
    now: OffsetDateTime,
) -> Result<AdminConsultation, StoreError> {
    change(pool, id, by, now, |consultation| {
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

/// Archives a consultation: it leaves the public list, and stays readable
/// by its address and to staff. Archiving twice changes nothing.
pub async fn archive(
    pool: &SqlitePool,
    id: &str,
    by: &Author,
    now: OffsetDateTime,
) -> Result<AdminConsultation, StoreError> {
    change(pool, id, by, now, |consultation| {
        if consultation.archived {
            return Ok(None);
        }
        consultation.archived = true;
        Ok(Some((ChangeAction::Archived, String::new())))
    })
    .await
}

/// Writes what came of the consultation, in each language, checked by the
/// same rules as the rest of the definition ([`StoreError::InvalidOutcome`]:
/// the problems, at paths under `outcome`).
pub async fn set_outcome(
    pool: &SqlitePool,
    id: &str,
    outcome: Localized,
    by: &Author,
    now: OffsetDateTime,
) -> Result<AdminConsultation, StoreError> {
    change(pool, id, by, now, |consultation| {
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
pub async fn admin_list(pool: &SqlitePool, now: OffsetDateTime) -> Result<Vec<AdminConsultation>, StoreError> {
    admin_view(pool, None, now).await
}

/// One consultation as staff see it.
pub async fn admin_one(pool: &SqlitePool, id: &str, now: OffsetDateTime) -> Result<AdminConsultation, StoreError> {
    admin_view(pool, Some(id), now).await?.pop().ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))
}

/// A consultation's row as staff views read it.
#[derive(sqlx::FromRow)]
struct AdminRow {
    definition: String,
    published_at: String,
    updated_at: String,
    participants: i64,
}

/// Every consultation, or the one with `id`, with what staff see of it.
async fn admin_view(
    pool: &SqlitePool,
    id: Option<&str>,
    now: OffsetDateTime,
) -> Result<Vec<AdminConsultation>, StoreError> {
    let rows: Vec<AdminRow> = sqlx::query_as(
        "SELECT c.definition, c.published_at, c.updated_at, COALESCE(s.participants, 0) AS participants
         FROM consultations c LEFT JOIN consultation_stats s ON s.consultation = c.id
         WHERE ?1 IS NULL OR c.id = ?1
         ORDER BY c.updated_at DESC, c.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let consultation = decode(&row.definition)?;
            let of = || format!("consultation {}", consultation.id);
            Ok(AdminConsultation {
                summary: ConsultationSummary::of(&consultation, now),
                archived: consultation.archived,
                participants: row.participants.max(0) as u64,
                published_at: stored_time(&row.published_at, of)?,
                updated_at: stored_time(&row.updated_at, of)?,
                outcome: consultation.outcome.clone(),
                eligibility: consultation.eligibility,
                results: consultation.results,
            })
        })
        .collect()
}

pub async fn load<'e>(db: impl sqlx::SqliteExecutor<'e>, id: &str) -> Result<Option<Consultation>, StoreError> {
    let definition: Option<String> =
        sqlx::query_scalar("SELECT definition FROM consultations WHERE id = ?1").bind(id).fetch_optional(db).await?;
    definition.map(|json| decode(&json)).transpose()
}

/// The consultation with `id`, or [`StoreError::ConsultationNotFound`].
pub async fn find<'e>(db: impl sqlx::SqliteExecutor<'e>, id: &str) -> Result<Consultation, StoreError> {
    load(db, id).await?.ok_or_else(|| StoreError::ConsultationNotFound(id.to_owned()))
}

pub async fn all(pool: &SqlitePool) -> Result<Vec<Consultation>, StoreError> {
    let definitions: Vec<String> =
        sqlx::query_scalar("SELECT definition FROM consultations ORDER BY id").fetch_all(pool).await?;
    definitions.iter().map(|json| decode(json)).collect()
}

/// Stored definitions were written by [`publish`]; one that no longer reads is
/// a server fault, reported as such rather than hidden.
fn decode(json: &str) -> Result<Consultation, StoreError> {
    serde_json::from_str(json).map_err(|error| StoreError::unreadable(format!("a stored definition: {error}")))
}

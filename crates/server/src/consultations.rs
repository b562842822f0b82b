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

use crate::changes::{self, Author};
use crate::db::{parse_timestamp, timestamp};

/// Writes a definition as it is, replacing any earlier one with its id. The
/// lifecycle functions below decide whether it may; tests and the benchmark
/// use it to set the scene.
pub async fn store<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    consultation: &Consultation,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
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

/// Publishes a checked definition: a new consultation, or an update that
/// core's lifecycle rule allows (`Err` holds every change it refuses, at its
/// path). An update keeps the stored archive state, and the stored outcome
/// when the file has none, so a file edited offline cannot undo them.
pub async fn publish(
    tx: &mut Transaction<'_, Sqlite>,
    proposed: &Consultation,
    by: &Author,
    now: OffsetDateTime,
) -> sqlx::Result<Result<Publication, Vec<Problem>>> {
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

/// Why a consultation cannot be closed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseRefusal {
    NotOpenYet,
    AlreadyClosed,
}

/// Closes an open consultation now, ahead of its closing date. Ballots
/// cast offline before now still count within the grace window.
pub async fn close(
    tx: &mut Transaction<'_, Sqlite>,
    mut consultation: Consultation,
    by: &Author,
    now: OffsetDateTime,
) -> sqlx::Result<Result<Consultation, CloseRefusal>> {
    match consultation.status_at(now) {
        Status::Open => {}
        Status::Upcoming => return Ok(Err(CloseRefusal::NotOpenYet)),
        Status::Closed | Status::Archived => return Ok(Err(CloseRefusal::AlreadyClosed)),
    }
    let detail = timestamp(consultation.closes_at);
    consultation.closes_at = now;
    store(&mut **tx, &consultation, now).await?;
    changes::record(tx, &consultation.id, by, ChangeAction::Closed, &detail, now).await?;
    Ok(Ok(consultation))
}

/// Archives a consultation: it leaves the public list, and stays readable
/// by its address and to staff. Archiving twice changes nothing.
pub async fn archive(
    tx: &mut Transaction<'_, Sqlite>,
    mut consultation: Consultation,
    by: &Author,
    now: OffsetDateTime,
) -> sqlx::Result<Consultation> {
    if !consultation.archived {
        consultation.archived = true;
        store(&mut **tx, &consultation, now).await?;
        changes::record(tx, &consultation.id, by, ChangeAction::Archived, "", now).await?;
    }
    Ok(consultation)
}

/// Writes what came of the consultation, in each language, checked by the
/// same rules as the rest of the definition (`Err`: the problems, at paths
/// under `outcome`).
pub async fn set_outcome(
    tx: &mut Transaction<'_, Sqlite>,
    mut consultation: Consultation,
    outcome: Localized,
    by: &Author,
    now: OffsetDateTime,
) -> sqlx::Result<Result<Consultation, Vec<Problem>>> {
    consultation.outcome = Some(outcome);
    let problems: Vec<Problem> = check(&consultation)
        .into_iter()
        .filter(|problem| problem.severity == Severity::Error && problem.path.starts_with("outcome"))
        .collect();
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let languages: Vec<&str> =
        consultation.outcome.iter().flat_map(|outcome| outcome.0.keys()).map(String::as_str).collect();
    let detail = languages.join(", ");
    store(&mut **tx, &consultation, now).await?;
    changes::record(tx, &consultation.id, by, ChangeAction::Outcome, &detail, now).await?;
    Ok(Ok(consultation))
}

/// Every consultation as staff list them, archived ones too, the most
/// recently changed first.
pub async fn admin_list(pool: &SqlitePool, now: OffsetDateTime) -> sqlx::Result<Vec<AdminConsultation>> {
    admin_view(pool, None, now).await
}

/// One consultation as staff see it.
pub async fn admin_one(pool: &SqlitePool, id: &str, now: OffsetDateTime) -> sqlx::Result<Option<AdminConsultation>> {
    Ok(admin_view(pool, Some(id), now).await?.pop())
}

/// Every consultation, or the one with `id`, with what staff see of it.
async fn admin_view(pool: &SqlitePool, id: Option<&str>, now: OffsetDateTime) -> sqlx::Result<Vec<AdminConsultation>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT c.definition, c.published_at, c.updated_at, COALESCE(s.participants, 0)
         FROM consultations c LEFT JOIN consultation_stats s ON s.consultation = c.id
         WHERE ?1 IS NULL OR c.id = ?1
         ORDER BY c.updated_at DESC, c.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(definition, published_at, updated_at, participants)| {
            let consultation = decode(&definition)?;
            let broken = || sqlx::Error::Decode(format!("unreadable dates of {}", consultation.id).into());
            Ok(AdminConsultation {
                summary: ConsultationSummary::of(&consultation, now),
                archived: consultation.archived,
                participants: participants.max(0) as u64,
                published_at: parse_timestamp(&published_at).ok_or_else(broken)?,
                updated_at: parse_timestamp(&updated_at).ok_or_else(broken)?,
                outcome: consultation.outcome.clone(),
                eligibility: consultation.eligibility,
                results: consultation.results,
            })
        })
        .collect()
}

pub async fn load<'e>(db: impl sqlx::SqliteExecutor<'e>, id: &str) -> sqlx::Result<Option<Consultation>> {
    let definition: Option<String> =
        sqlx::query_scalar("SELECT definition FROM consultations WHERE id = ?1").bind(id).fetch_optional(db).await?;
    definition.map(|json| decode(&json)).transpose()
}

pub async fn all(pool: &SqlitePool) -> sqlx::Result<Vec<Consultation>> {
    let definitions: Vec<String> =
        sqlx::query_scalar("SELECT definition FROM consultations ORDER BY id").fetch_all(pool).await?;
    definitions.iter().map(|json| decode(json)).collect()
}

/// Stored definitions were written by [`publish`]; one that no longer reads is
/// a server fault, reported as such rather than hidden.
fn decode(json: &str) -> sqlx::Result<Consultation> {
    serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

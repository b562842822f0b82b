//! Storage of published consultation definitions.

use baraza_core::Consultation;
use sqlx::SqlitePool;
use time::OffsetDateTime;

use crate::db::timestamp;

/// Stores a definition that passed core validation, replacing an earlier
/// version with the same id (what may change once a consultation has opened
/// is not decided yet: for now the newer definition simply wins).
pub async fn publish<'e>(
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

pub async fn load<'e>(db: impl sqlx::SqliteExecutor<'e>, id: &str) -> sqlx::Result<Option<Consultation>> {
    let definition: Option<String> = sqlx::query_scalar("SELECT definition FROM consultations WHERE id = ?1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    definition.map(|json| decode(&json)).transpose()
}

pub async fn all(pool: &SqlitePool) -> sqlx::Result<Vec<Consultation>> {
    let definitions: Vec<String> = sqlx::query_scalar("SELECT definition FROM consultations ORDER BY id")
        .fetch_all(pool)
        .await?;
    definitions.iter().map(|json| decode(json)).collect()
}

/// Stored definitions were written by [`publish`]; one that no longer reads is
/// a server fault, reported as such rather than hidden.
fn decode(json: &str) -> sqlx::Result<Consultation> {
    serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

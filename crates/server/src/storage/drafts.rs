//! Drafts kept for the staff editor (core's `drafts`): created, edited,
//! read, listed and deleted by publishers, and published through the same
//! lifecycle as any definition file ([`super::consultations`]). No public
//! route reads the `drafts` table. Every change goes to the draft's own
//! change log in the transaction that makes it; publishing also goes to the
//! consultation's.

use baraza_core::drafts::{self, Draft, DraftAction, DraftChange, DraftEdit, DraftSummary};
use baraza_core::staff::Role;
use baraza_core::validate::parse_definition;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::changes::{Author, ChangeRow, Logged};
use super::consultations::{self, Publication};
use super::{millis, on, stored_time, Connection, Store, StoreError, Tx};

/// A draft's row, with who created it and who last changed it from its log.
#[derive(sqlx::FromRow)]
struct DraftRow {
    id: String,
    definition: String,
    revision: i64,
    created_at: i64,
    updated_at: i64,
    published_as: Option<String>,
    created_by: String,
    updated_by: String,
}

const SELECT: &str = "SELECT d.id, d.definition, d.revision, d.created_at, d.updated_at, d.published_as,
        (SELECT by_name FROM draft_changes WHERE draft = d.id ORDER BY id LIMIT 1) AS created_by,
        (SELECT by_name FROM draft_changes WHERE draft = d.id ORDER BY id DESC LIMIT 1) AS updated_by
    FROM drafts d";

impl DraftRow {
    fn read(self) -> Result<Draft, StoreError> {
        let of = || format!("draft {}", self.id);
        let definition = match serde_json::from_str(&self.definition) {
            Ok(Value::Object(fields)) => fields,
            _ => return Err(StoreError::unreadable(format!("the definition of {}", of()))),
        };
        Ok(Draft {
            id: Uuid::parse_str(&self.id).map_err(|_| StoreError::unreadable(of()))?,
            revision: u32::try_from(self.revision).map_err(|_| StoreError::unreadable(of()))?,
            problems: drafts::problems(&definition),
            definition,
            created_at: stored_time(self.created_at, of)?,
            updated_at: stored_time(self.updated_at, of)?,
            created_by: self.created_by,
            updated_by: self.updated_by,
            published_as: self.published_as,
        })
    }
}

/// Stores a new draft, its creation logged.
pub async fn create(
    store: &Store,
    definition: &Map<String, Value>,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Draft, StoreError> {
    let id = Uuid::new_v4();
    let mut tx = store.begin_write().await?;
    on!(&mut tx, |c| sqlx::query(
        "INSERT INTO drafts (id, definition, revision, created_at, updated_at) VALUES ($1, $2, 1, $3, $3)"
    )
    .bind(id.to_string())
    .bind(Value::Object(definition.clone()).to_string())
    .bind(millis(now))
    .execute(c)
    .await
    .map(drop))?;
    record(&mut tx, id, by, DraftAction::Created, "", now).await?;
    let draft = read(&mut tx, id).await?;
    tx.commit().await?;
    Ok(draft)
}

/// The draft with `id`, or [`StoreError::DraftNotFound`].
pub async fn get(store: &Store, id: Uuid) -> Result<Draft, StoreError> {
    let mut db = store.read().await?;
    read(&mut db, id).await
}

async fn read(db: &mut impl Connection, id: Uuid) -> Result<Draft, StoreError> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    let row: Option<DraftRow> = on!(db, |c| sqlx::query_as(&sql).bind(id.to_string()).fetch_optional(c).await)?;
    row.ok_or(StoreError::DraftNotFound(id))?.read()
}

/// Every draft, the most recently changed first.
pub async fn list(store: &Store) -> Result<Vec<DraftSummary>, StoreError> {
    let mut db = store.read().await?;
    let sql = format!("{SELECT} ORDER BY d.updated_at DESC, d.id");
    let rows: Vec<DraftRow> = on!(&mut db, |c| sqlx::query_as(&sql).fetch_all(c).await)?;
    rows.into_iter().map(|row| row.read().map(|draft| DraftSummary::of(&draft))).collect()
}

/// The draft with `id`, read for a change: PostgreSQL locks its row until
/// the change commits, so two publishers saving at once take turns.
async fn load_for_change(tx: &mut Tx, id: Uuid) -> Result<Draft, StoreError> {
    if tx.is_postgres() {
        on!(tx, |c| sqlx::query("SELECT 1 FROM drafts WHERE id = $1 FOR UPDATE")
            .bind(id.to_string())
            .execute(c)
            .await
            .map(drop))?;
    }
    read(tx, id).await
}

/// Replaces the definition of the draft `id`. With a `revision`, refuses
/// ([`StoreError::DraftChanged`]) when the draft has moved on from it. An
/// edit that changes nothing is not logged and keeps the revision.
pub async fn update(
    store: &Store,
    id: Uuid,
    request: &DraftEdit,
    by: &Author,
    now: OffsetDateTime,
) -> Result<Draft, StoreError> {
    let mut tx = store.begin_write().await?;
    let current = load_for_change(&mut tx, id).await?;
    if request.revision.is_some_and(|revision| revision != current.revision) {
        return Err(StoreError::DraftChanged(current.revision));
    }
    let changed = drafts::changed_fields(&current.definition, &request.definition);
    if changed.is_empty() {
        return Ok(current);
    }
    on!(&mut tx, |c| sqlx::query(
        "UPDATE drafts SET definition = $2, revision = revision + 1, updated_at = $3 WHERE id = $1"
    )
    .bind(id.to_string())
    .bind(Value::Object(request.definition.clone()).to_string())
    .bind(millis(now))
    .execute(c)
    .await
    .map(drop))?;
    record(&mut tx, id, by, DraftAction::Edited, &changed.join(", "), now).await?;
    let draft = read(&mut tx, id).await?;
    tx.commit().await?;
    Ok(draft)
}

/// Deletes the draft `id` with its log; a consultation published from it
/// stays as it is.
pub async fn delete(store: &Store, id: Uuid) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    let deleted = on!(&mut tx, |c| sqlx::query("DELETE FROM drafts WHERE id = $1")
        .bind(id.to_string())
        .execute(c)
        .await
        .map(|done| done.rows_affected()))?;
    if deleted == 0 {
        return Err(StoreError::DraftNotFound(id));
    }
    tx.commit().await
}

/// Publishes the draft `id` as a consultation, checked by core's rules
/// ([`StoreError::InvalidDefinition`]) and lifecycle (as
/// [`consultations::publish`]), and logs it in both change logs, all in one
/// transaction. The draft stays, to be edited and published again.
pub async fn publish(
    store: &Store,
    id: Uuid,
    by: &Author,
    now: OffsetDateTime,
) -> Result<(Publication, Draft, Vec<baraza_core::validate::Problem>), StoreError> {
    let mut tx = store.begin_write().await?;
    let draft = load_for_change(&mut tx, id).await?;
    let text = Value::Object(draft.definition.clone()).to_string();
    let checked = parse_definition(&text).map_err(StoreError::InvalidDefinition)?;
    let consultation = &checked.consultation.id;
    let publication = consultations::publish_in(&mut tx, &checked.consultation, by, now)
        .await?
        .map_err(|problems| StoreError::DefinitionLocked(vec![(consultation.clone(), problems)]))?;
    on!(&mut tx, |c| sqlx::query("UPDATE drafts SET published_as = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(consultation)
        .execute(c)
        .await
        .map(drop))?;
    record(&mut tx, id, by, DraftAction::Published, consultation, now).await?;
    let draft = read(&mut tx, id).await?;
    tx.commit().await?;
    Ok((publication, draft, checked.warnings))
}

/// Records a change of a draft in the transaction that makes it.
async fn record(
    tx: &mut Tx,
    draft: Uuid,
    by: &Author,
    action: DraftAction,
    detail: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO draft_changes (draft, at, by_name, role, action, detail) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(draft.to_string())
    .bind(millis(now))
    .bind(by.name())
    .bind(by.role().map(Role::as_str))
    .bind(action.as_str())
    .bind(detail)
    .execute(c)
    .await
    .map(drop))?;
    Ok(())
}

/// Every change of the draft `id`, newest first.
pub async fn changes(store: &Store, id: Uuid) -> Result<Vec<DraftChange>, StoreError> {
    let mut db = store.read().await?;
    read(&mut db, id).await?;
    let rows: Vec<ChangeRow> = on!(&mut db, |c| sqlx::query_as(
        "SELECT at, by_name, role, action, detail FROM draft_changes WHERE draft = $1 ORDER BY id DESC"
    )
    .bind(id.to_string())
    .fetch_all(c)
    .await)?;
    rows.into_iter()
        .map(|row| {
            let Logged { at, by, role, action, detail } = row.read(DraftAction::parse)?;
            Ok(DraftChange { at, by, role, action, detail })
        })
        .collect()
}

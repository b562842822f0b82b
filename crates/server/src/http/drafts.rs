//! Staff routes of drafts: definitions publishers are still writing in the
//! editor, kept for staff only ([`crate::storage::drafts`]). Every route
//! needs a publisher token; no public route reads a draft.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use baraza_core::admin::Published;
use baraza_core::drafts::{Draft, DraftChangeLog, DraftEdit, DraftList, DraftRequest};
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::Publisher;
use super::error::Error;
use super::extract::{limited, JsonBody, Path, DEFINITION_BODY_LIMIT};
use super::AppState;
use crate::storage::changes::Author;
use crate::storage::consultations::Publication;
use crate::storage::drafts;

pub fn router() -> Router<AppState> {
    let bodies = Router::new()
        .route("/v1/admin/drafts", get(list).post(create))
        .route("/v1/admin/drafts/{draft}", get(read).put(update).delete(delete));
    Router::new()
        .merge(limited(bodies, DEFINITION_BODY_LIMIT))
        .route("/v1/admin/drafts/{draft}/publish", post(publish))
        .route("/v1/admin/drafts/{draft}/changes", get(change_log))
}

/// A draft's id from the path: one that is no UUID names no draft.
fn draft_id(text: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(text).map_err(|_| Error::DraftNotFound(text.to_owned()))
}

async fn list(State(state): State<AppState>, _: Publisher) -> Result<Json<DraftList>, Error> {
    Ok(Json(DraftList { drafts: drafts::list(&state.store).await? }))
}

async fn create(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    JsonBody(request): JsonBody<DraftRequest>,
) -> Result<(StatusCode, Json<Draft>), Error> {
    let by = Author::Staff(member);
    let draft = drafts::create(&state.store, &request.definition, &by, OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(draft)))
}

async fn read(State(state): State<AppState>, _: Publisher, Path(id): Path<String>) -> Result<Json<Draft>, Error> {
    Ok(Json(drafts::get(&state.store, draft_id(&id)?).await?))
}

async fn update(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<DraftEdit>,
) -> Result<Json<Draft>, Error> {
    let by = Author::Staff(member);
    Ok(Json(drafts::update(&state.store, draft_id(&id)?, &request, &by, OffsetDateTime::now_utc()).await?))
}

async fn delete(State(state): State<AppState>, _: Publisher, Path(id): Path<String>) -> Result<StatusCode, Error> {
    drafts::delete(&state.store, draft_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes the draft as `POST /api/v1/admin/consultations` publishes a
/// definition file: 201 for a new consultation, 200 for an update, with the
/// warnings it still carries.
async fn publish(
    State(state): State<AppState>,
    Publisher(member): Publisher,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Published>), Error> {
    let by = Author::Staff(member);
    let (publication, draft, warnings) =
        drafts::publish(&state.store, draft_id(&id)?, &by, OffsetDateTime::now_utc()).await?;
    let created = publication == Publication::Created;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    let id = draft.published_as.expect("a published draft names its consultation");
    Ok((status, Json(Published { id, created, warnings })))
}

async fn change_log(
    State(state): State<AppState>,
    _: Publisher,
    Path(id): Path<String>,
) -> Result<Json<DraftChangeLog>, Error> {
    Ok(Json(DraftChangeLog { changes: drafts::changes(&state.store, draft_id(&id)?).await? }))
}

//! `POST /api/v1/sync`: a batch of citizen actions, answered one status per
//! action once they are on disk (see [`crate::storage::sync`] for how they
//! are stored, [`crate::storage::writer`] for how many phones' actions share
//! one transaction).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use baraza_core::sync::{SyncRequest, SyncResponse, MAX_ACTIONS_PER_BATCH};
use time::OffsetDateTime;

use super::error::Error;
use super::extract::{limited, JsonBody, SYNC_BODY_LIMIT};
use super::AppState;
use crate::storage::sync::Received;

pub fn router() -> Router<AppState> {
    limited(Router::new().route("/v1/sync", post(sync)), SYNC_BODY_LIMIT)
}

async fn sync(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<SyncRequest>,
) -> Result<Json<SyncResponse>, Error> {
    if request.actions.len() > MAX_ACTIONS_PER_BATCH {
        return Err(Error::TooManyActions(MAX_ACTIONS_PER_BATCH));
    }
    let received = Received::new(request, OffsetDateTime::now_utc(), state.store.key());
    let results = state.writer.record(received).await?;
    Ok(Json(SyncResponse { results }))
}

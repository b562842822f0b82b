//! Routes for analysts: full results whatever the `results` rule,
//! breakdowns by profile group, and comment moderation.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use baraza_core::analysis::{AdminResults, HideRequest, ModeratedComment, ModerationPage};
use baraza_core::breakdown::Breakdowns;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::Analyst;
use super::consultations::{comment_paging, given};
use super::error::Error;
use super::extract::{limited, JsonBody, Path, Query, STAFF_BODY_LIMIT};
use super::AppState;
use crate::storage::{self, comments, results};

pub fn router() -> Router<AppState> {
    let requests = Router::new().route("/v1/admin/comments/{comment}/hide", post(hide));
    Router::new()
        .merge(limited(requests, STAFF_BODY_LIMIT))
        .route("/v1/admin/consultations/{id}/results", get(admin_results))
        .route("/v1/admin/consultations/{id}/breakdowns", get(breakdowns))
        .route("/v1/admin/consultations/{id}/comments", get(list_comments))
        .route("/v1/admin/comments/{comment}/restore", post(restore))
}

async fn admin_results(
    _: Analyst,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<AdminResults>, Error> {
    let definition = state.store.definition(&id).await?;
    Ok(Json(results::admin(&state.store, &definition).await?))
}

/// Participation and each item's results by the groups of every profile
/// question, small groups hidden (core's `breakdown`).
async fn breakdowns(
    _: Analyst,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Breakdowns>, Error> {
    let definition = state.store.definition(&id).await?;
    Ok(Json(storage::breakdowns::read(&state.store, &definition).await?))
}

#[derive(Deserialize)]
struct ModerationQuery {
    order: Option<String>,
    item: Option<String>,
    language: Option<String>,
    before: Option<String>,
    limit: Option<u32>,
}

async fn list_comments(
    _: Analyst,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ModerationQuery>,
) -> Result<Json<ModerationPage>, Error> {
    let (order, before, limit) = comment_paging(query.order, query.before, query.limit)?;
    let filter = comments::Filter {
        order,
        thread: comments::Thread::Any,
        item: given(query.item),
        language: given(query.language),
        include_hidden: true,
    };
    let consultation = state.store.find(&id).await?;
    let (comments, next) = comments::page(&state.store, &consultation.id, &filter, before.as_ref(), limit).await?;
    Ok(Json(ModerationPage { comments, next }))
}

/// Comment ids are UUIDs: anything else names no comment.
fn comment_id(text: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(text).map_err(|_| Error::CommentNotFound(text.to_owned()))
}

async fn hide(
    Analyst(member): Analyst,
    State(state): State<AppState>,
    Path(comment): Path<String>,
    JsonBody(request): JsonBody<HideRequest>,
) -> Result<Json<ModeratedComment>, Error> {
    let id = comment_id(&comment)?;
    let reason = request.checked_reason().map_err(Error::InvalidReason)?;
    Ok(Json(comments::hide(&state.store, id, reason, &member, OffsetDateTime::now_utc()).await?))
}

async fn restore(
    Analyst(member): Analyst,
    State(state): State<AppState>,
    Path(comment): Path<String>,
) -> Result<Json<ModeratedComment>, Error> {
    let id = comment_id(&comment)?;
    Ok(Json(comments::restore(&state.store, id, &member, OffsetDateTime::now_utc()).await?))
}

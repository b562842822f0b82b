//! Public reading: the list, one definition, its results and its comments.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::api::{CommentsPage, ConsultationList, ConsultationSummary, ResultsResponse};
use baraza_core::definition::ResultsVisibility;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::Error;
use super::extract::{Path, Query};
use super::{json_with_etag, AppState};
use crate::storage::{comments, results};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/consultations", get(list))
        .route("/v1/consultations/{id}", get(definition))
        .route("/v1/consultations/{id}/results", get(results))
        .route("/v1/consultations/{id}/comments", get(comments))
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Error> {
    let now = OffsetDateTime::now_utc();
    let consultations = state.store.all().await?;
    // Archived consultations stay readable at their address, off the list.
    let listed = consultations.iter().filter(|c| !c.archived);
    let list = ConsultationList { consultations: listed.map(|c| ConsultationSummary::of(c, now)).collect() };
    Ok(json_with_etag(&headers, &list))
}

async fn definition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let definition = state.store.definition(&id).await?;
    Ok(json_with_etag(&headers, &definition.consultation))
}

async fn results(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<ResultsResponse>, Error> {
    let definition = state.store.definition(&id).await?;
    let consultation = &definition.consultation;
    if !consultation.results_are_public(OffsetDateTime::now_utc()) {
        return Err(Error::ResultsNotPublic(match consultation.results {
            ResultsVisibility::AfterClose => format!(
                "the results are published when the consultation closes, at {}",
                // Read from RFC 3339, so it formats back; Display is the fallback.
                consultation.closes_at.format(&Rfc3339).unwrap_or_else(|_| consultation.closes_at.to_string())
            ),
            _ => "the results of this consultation are for staff only".to_owned(),
        }));
    }
    Ok(Json(results::tally(&state.store, &definition).await?))
}

pub(super) const COMMENTS_PER_PAGE: u32 = 20;
pub(super) const COMMENTS_PER_PAGE_MAX: u32 = 100;

#[derive(Deserialize)]
struct CommentsQuery {
    before: Option<String>,
    limit: Option<u32>,
}

async fn comments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<CommentsQuery>,
) -> Result<Json<CommentsPage>, Error> {
    let limit = query.limit.unwrap_or(COMMENTS_PER_PAGE);
    if !(1..=COMMENTS_PER_PAGE_MAX).contains(&limit) {
        return Err(Error::InvalidParameter(format!("limit must be from 1 to {COMMENTS_PER_PAGE_MAX}")));
    }
    let filter = comments::Filter::default();
    // A form or a client that leaves the cursor blank sends `before=`: the first page.
    let before = match query.before.as_deref().filter(|cursor| !cursor.is_empty()) {
        Some(cursor) => Some(
            comments::Cursor::parse(filter.order, cursor)
                .ok_or_else(|| Error::InvalidParameter("before is not a cursor this server gave".to_owned()))?,
        ),
        None => None,
    };
    let consultation = state.store.find(&id).await?;
    let (listed, next) = comments::page(&state.store, &consultation.id, &filter, before.as_ref(), limit).await?;
    Ok(Json(CommentsPage { comments: listed.into_iter().map(|listed| listed.comment).collect(), next }))
}

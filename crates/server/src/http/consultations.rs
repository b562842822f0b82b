//! Public reading: the list, one definition, its results and its comments.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::analysis::CommentOrder;
use baraza_core::api::{CommentsPage, ConsultationList, ConsultationSummary, ResultsResponse};
use baraza_core::definition::ResultsWithheld;
use serde::de::IntoDeserializer;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::Error;
use super::extract::{Path, Query};
use super::{json_with_etag, AppState};
use crate::storage::consultations::Definition;
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
    let (_, results) = public_results(&state, &id).await?;
    Ok(Json(results))
}

/// The tallies of consultation `id` where its `results` rule lets anyone
/// see them now, with its definition: the one gate of every public route
/// that shows tallies (results, open data).
pub(super) async fn public_results(state: &AppState, id: &str) -> Result<(Arc<Definition>, ResultsResponse), Error> {
    let definition = state.store.definition(id).await?;
    match definition.consultation.results_withheld(OffsetDateTime::now_utc()) {
        None => {}
        Some(ResultsWithheld::StaffOnly) => return Err(Error::ResultsStaffOnly),
        Some(ResultsWithheld::UntilClose(closes_at)) => {
            // Read from RFC 3339, so it formats back; Display is the fallback.
            return Err(Error::ResultsNotPublic(closes_at.format(&Rfc3339).unwrap_or_else(|_| closes_at.to_string())));
        }
    }
    let results = results::tally(&state.store, &definition).await?;
    Ok((definition, results))
}

const COMMENTS_PER_PAGE: u32 = 20;
const COMMENTS_PER_PAGE_MAX: u32 = 100;

/// A value of a query string, a blank one (a form's empty field) as none.
pub(super) fn given(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

/// How a list of comments is paged, as the public and the moderators' lists
/// both read it from their query strings: the order (newest first by
/// default), where the page starts, and how many it holds.
pub(super) fn comment_paging(
    order: Option<String>,
    before: Option<String>,
    limit: Option<u32>,
) -> Result<(CommentOrder, Option<comments::Cursor>, u32), Error> {
    let limit = limit.unwrap_or(COMMENTS_PER_PAGE);
    if !(1..=COMMENTS_PER_PAGE_MAX).contains(&limit) {
        return Err(Error::InvalidParameter(format!("limit must be from 1 to {COMMENTS_PER_PAGE_MAX}")));
    }
    let order = match given(order) {
        Some(order) => {
            CommentOrder::deserialize(order.as_str().into_deserializer()).map_err(|_: serde::de::value::Error| {
                Error::InvalidParameter("order must be newest, agreed or oldest".to_owned())
            })?
        }
        None => CommentOrder::default(),
    };
    let before = match given(before) {
        Some(cursor) => Some(comments::Cursor::parse(order, &cursor).ok_or_else(|| {
            Error::InvalidParameter("before is not a cursor this server gave for this order".to_owned())
        })?),
        None => None,
    };
    Ok((order, before, limit))
}

#[derive(Deserialize)]
struct CommentsQuery {
    order: Option<String>,
    before: Option<String>,
    limit: Option<u32>,
    /// A comment's id: its replies instead of the comments that answer none.
    reply_to: Option<String>,
}

async fn comments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<CommentsQuery>,
) -> Result<Json<CommentsPage>, Error> {
    let (order, before, limit) = comment_paging(query.order, query.before, query.limit)?;
    let thread = match given(query.reply_to) {
        Some(comment) => comments::Thread::RepliesTo(
            Uuid::parse_str(&comment)
                .map_err(|_| Error::InvalidParameter("reply_to is not a comment's id".to_owned()))?,
        ),
        None => comments::Thread::TopLevel,
    };
    let filter = comments::Filter { order, thread, ..comments::Filter::default() };
    let consultation = state.store.find(&id).await?;
    let (listed, next) = comments::page(&state.store, &consultation.id, &filter, before.as_ref(), limit).await?;
    Ok(Json(CommentsPage { comments: listed.into_iter().map(|listed| listed.comment).collect(), next }))
}

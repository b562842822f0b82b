//! Public reading: the list, one definition, its results and its comments.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use baraza_core::api::{Comment, CommentsPage, ConsultationList, ConsultationSummary, ItemResult, ResultsResponse};
use baraza_core::ballot::Ballot;
use baraza_core::definition::{Consultation, ResultsVisibility};
use serde::Deserialize;
use sqlx::SqlitePool;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::Error;
use super::{json_with_etag, AppState};
use crate::consultations;
use crate::db::{parse_timestamp, timestamp};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/consultations", get(list))
        .route("/v1/consultations/{id}", get(definition))
        .route("/v1/consultations/{id}/results", get(results))
        .route("/v1/consultations/{id}/comments", get(comments))
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Error> {
    let now = OffsetDateTime::now_utc();
    let consultations = consultations::all(&state.pool).await?;
    let list = ConsultationList {
        consultations: consultations.iter().map(|c| ConsultationSummary::of(c, now)).collect(),
    };
    Ok(json_with_etag(&headers, &list))
}

async fn definition(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let consultation = find(&state.pool, &id).await?;
    Ok(json_with_etag(&headers, &consultation))
}

pub(super) async fn find(pool: &SqlitePool, id: &str) -> Result<Consultation, Error> {
    consultations::load(pool, id).await?.ok_or_else(|| Error::ConsultationNotFound(id.to_owned()))
}

async fn results(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<ResultsResponse>, Error> {
    let consultation = find(&state.pool, &id).await?;
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
    Ok(Json(tally(&state.pool, &consultation).await?))
}

/// Reads the kept counters into results; no ballot is read here.
async fn tally(pool: &SqlitePool, consultation: &Consultation) -> sqlx::Result<ResultsResponse> {
    let participants: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT participant) FROM ballots WHERE consultation = ?1")
            .bind(&consultation.id)
            .fetch_one(pool)
            .await?;
    let ballots: HashMap<String, i64> =
        sqlx::query_as("SELECT item, COUNT(*) FROM ballots WHERE consultation = ?1 GROUP BY item")
            .bind(&consultation.id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let mut counters: HashMap<String, BTreeMap<String, u64>> = HashMap::new();
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT item, key, count FROM tallies WHERE consultation = ?1")
            .bind(&consultation.id)
            .fetch_all(pool)
            .await?;
    for (item, key, count) in rows {
        counters.entry(item).or_default().insert(key, count.max(0) as u64);
    }
    let empty = BTreeMap::new();
    let mut items = Vec::with_capacity(consultation.items.len());
    for item in &consultation.items {
        let ballot_count = ballots.get(item.id()).copied().unwrap_or(0).max(0) as u64;
        let mut result = ItemResult::from_counters(item, ballot_count, counters.get(item.id()).unwrap_or(&empty));
        if ItemResult::needs_ballots(item) {
            result.count_ballots(item, &standing_ballots(pool, &consultation.id, item.id()).await?);
        }
        items.push(result);
    }
    Ok(ResultsResponse { consultation: consultation.id.clone(), participants: participants as u64, items })
}

/// Every participant's standing ballot on one item, for the counting methods
/// that read whole ballots.
async fn standing_ballots(pool: &SqlitePool, consultation: &str, item: &str) -> sqlx::Result<Vec<Ballot>> {
    let stored: Vec<String> = sqlx::query_scalar("SELECT ballot FROM ballots WHERE consultation = ?1 AND item = ?2")
        .bind(consultation)
        .bind(item)
        .fetch_all(pool)
        .await?;
    stored
        .iter()
        .map(|json| serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error))))
        .collect()
}

const COMMENTS_PER_PAGE: u32 = 20;
const COMMENTS_PER_PAGE_MAX: u32 = 100;

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: String,
    item: Option<String>,
    reply_to: Option<String>,
    body: String,
    language: String,
    created_at: String,
    agree: i64,
    disagree: i64,
}

impl CommentRow {
    /// Stored rows were written by sync from parsed actions; one that no
    /// longer reads is a server fault, reported rather than skipped.
    fn into_comment(self) -> sqlx::Result<Comment> {
        let uuid = |text: &str| Uuid::parse_str(text).map_err(|error| sqlx::Error::Decode(Box::new(error)));
        Ok(Comment {
            id: uuid(&self.id)?,
            item: self.item,
            reply_to: self.reply_to.as_deref().map(uuid).transpose()?,
            body: self.body,
            language: self.language,
            created_at: parse_timestamp(&self.created_at)
                .ok_or_else(|| sqlx::Error::Decode(format!("stored time {:?}", self.created_at).into()))?,
            agree: self.agree.max(0) as u64,
            disagree: self.disagree.max(0) as u64,
        })
    }
}

#[derive(Deserialize)]
struct CommentsQuery {
    before: Option<String>,
    limit: Option<u32>,
}

/// A page cursor: the creation time and id of the last comment shown, so that
/// comments posted meanwhile never shift a page.
fn parse_cursor(cursor: &str) -> Option<(String, Uuid)> {
    let (at, id) = cursor.split_once('_')?;
    let at = parse_timestamp(at)?;
    Some((timestamp(at), Uuid::parse_str(id).ok()?))
}

async fn comments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<CommentsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CommentsPage>, Error> {
    let Query(query) = query.map_err(|rejection| Error::InvalidParameter(rejection.body_text()))?;
    let limit = query.limit.unwrap_or(COMMENTS_PER_PAGE);
    if !(1..=COMMENTS_PER_PAGE_MAX).contains(&limit) {
        return Err(Error::InvalidParameter(format!("limit must be from 1 to {COMMENTS_PER_PAGE_MAX}")));
    }
    let before = match &query.before {
        Some(cursor) => Some(
            parse_cursor(cursor)
                .ok_or_else(|| Error::InvalidParameter("before is not a cursor this server gave".to_owned()))?,
        ),
        None => None,
    };
    let consultation = find(&state.pool, &id).await?;
    let (before_at, before_id) = before.map_or((None, None), |(at, id)| (Some(at), Some(id.to_string())));
    let rows: Vec<CommentRow> = sqlx::query_as(
        "SELECT c.id, c.item, c.reply_to, c.body, c.language, c.created_at,
                (SELECT COUNT(*) FROM reactions r WHERE r.comment = c.id AND r.value = 'agree') AS agree,
                (SELECT COUNT(*) FROM reactions r WHERE r.comment = c.id AND r.value = 'disagree') AS disagree
         FROM comments c
         WHERE c.consultation = ?1 AND c.hidden = 0
           AND (?2 IS NULL OR c.created_at < ?2 OR (c.created_at = ?2 AND c.id < ?3))
         ORDER BY c.created_at DESC, c.id DESC
         LIMIT ?4",
    )
    .bind(&consultation.id)
    .bind(before_at)
    .bind(before_id)
    .bind(i64::from(limit) + 1)
    .fetch_all(&state.pool)
    .await?;
    let has_more = rows.len() > limit as usize;
    let comments = rows.into_iter().take(limit as usize).map(CommentRow::into_comment).collect::<sqlx::Result<Vec<_>>>()?;
    let next = has_more
        .then(|| comments.last().map(|last| format!("{}_{}", timestamp(last.created_at), last.id)))
        .flatten();
    Ok(Json(CommentsPage { comments, next }))
}

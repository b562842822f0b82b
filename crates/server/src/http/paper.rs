//! `POST /api/v1/admin/paper-ballots`: a clerk's batch of paper ballots
//! (core's `paper`). Each paper ballot goes through the sync writer as a
//! phone's batch does, checked by the same rules and counted alike, stored
//! as come on paper; the batch is then recorded in the change log of each
//! consultation it counted ballots in (who, when, how many).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use baraza_core::admin::ChangeAction;
use baraza_core::paper::{PaperBatch, PaperBatchResponse, PaperResult, MAX_PAPER_BALLOTS_PER_BATCH};
use baraza_core::sync::{ActionStatus, MAX_ACTIONS_PER_BATCH};
use time::OffsetDateTime;

use super::auth::Clerk;
use super::error::Error;
use super::extract::{limited, JsonBody, STAFF_BODY_LIMIT};
use super::AppState;
use crate::storage::changes::{self, Author};
use crate::storage::sync::Received;

pub fn router() -> Router<AppState> {
    limited(Router::new().route("/v1/admin/paper-ballots", post(enter)), STAFF_BODY_LIMIT)
}

async fn enter(
    Clerk(member): Clerk,
    State(state): State<AppState>,
    JsonBody(batch): JsonBody<PaperBatch>,
) -> Result<Json<PaperBatchResponse>, Error> {
    if batch.ballots.len() > MAX_PAPER_BALLOTS_PER_BATCH {
        return Err(Error::TooManyPaperBallots(MAX_PAPER_BALLOTS_PER_BATCH));
    }
    if batch.ballots.iter().any(|ballot| ballot.actions.len() > MAX_ACTIONS_PER_BATCH) {
        return Err(Error::TooManyActions(MAX_ACTIONS_PER_BATCH));
    }
    let now = OffsetDateTime::now_utc();
    let mut ballots = Vec::with_capacity(batch.ballots.len());
    // Paper ballots counted now, per consultation: a paper ballot counts
    // in each consultation one of its answers was accepted in.
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    // One after another, in the order entered: a code printed on two papers
    // counts for the first one entered.
    for ballot in batch.ballots {
        let participant = ballot.participant;
        let named: Vec<Option<String>> = ballot
            .actions
            .iter()
            .map(|action| action.get("consultation").and_then(|id| id.as_str()).map(str::to_owned))
            .collect();
        let results = state.writer().record(Received::paper(ballot, now, state.store.key())).await?;
        let mut counted_in: Vec<String> = named
            .into_iter()
            .zip(&results)
            .filter(|(_, result)| result.status == ActionStatus::Accepted)
            .filter_map(|(consultation, _)| consultation)
            .collect();
        counted_in.sort();
        counted_in.dedup();
        for consultation in counted_in {
            *counted.entry(consultation).or_default() += 1;
        }
        ballots.push(PaperResult::new(participant, results));
    }
    if !counted.is_empty() {
        let mut tx = state.store.begin_write().await?;
        for (consultation, count) in counted {
            let by = Author::Staff(member.clone());
            changes::record(&mut tx, &consultation, &by, ChangeAction::PaperBallots, &count.to_string(), now).await?;
        }
        tx.commit().await?;
    }
    Ok(Json(PaperBatchResponse { ballots }))
}

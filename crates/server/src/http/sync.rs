//! `POST /api/v1/sync`: a batch of citizen actions, answered one status per
//! action. Actions are keyed by the id the device made, so a
//! batch sent twice counts once.

use std::collections::HashMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};
use baraza_core::ballot::{tally_keys, useful_key};
use baraza_core::definition::{Consultation, Eligibility};
use baraza_core::sync::{
    admit, Action, ActionKind, ActionResult, ActionStatus, RejectCode, Rejection, SyncRequest, SyncResponse,
    MAX_ACTIONS_PER_BATCH,
};
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;

use super::error::Error;
use super::AppState;
use crate::db::{begin_write, timestamp};
use crate::{codes, consultations};

const BODY_LIMIT_BYTES: usize = 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/sync", post(sync)).layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

async fn sync(
    State(state): State<AppState>,
    request: Result<Json<SyncRequest>, JsonRejection>,
) -> Result<Json<SyncResponse>, Error> {
    let Json(request) = request?;
    if request.actions.len() > MAX_ACTIONS_PER_BATCH {
        return Err(Error::TooManyActions(MAX_ACTIONS_PER_BATCH));
    }
    let results = record_batch(&state, &request, OffsetDateTime::now_utc()).await?;
    Ok(Json(SyncResponse { results }))
}

/// Records a batch as received at `now`, in one transaction: one durable
/// write however many actions. What `POST /api/v1/sync` does once the
/// request is read.
async fn record_batch(state: &AppState, request: &SyncRequest, now: OffsetDateTime) -> sqlx::Result<Vec<ActionResult>> {
    let mut tx = begin_write(&state.pool).await?;
    let results = record_in(&mut tx, state, request, now).await?;
    tx.commit().await?;
    Ok(results)
}

/// Records a batch in a write transaction the caller commits: the benchmark
/// loads many participants' batches per transaction through it, so that it
/// measures the storage code sync uses without one disk flush per batch.
pub async fn record_in(
    tx: &mut Transaction<'_, Sqlite>,
    state: &AppState,
    request: &SyncRequest,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<ActionResult>> {
    let mut batch = Batch { state, request, now, consultations: HashMap::new() };
    let mut results = Vec::with_capacity(request.actions.len());
    for raw in &request.actions {
        results.push(batch.record(tx, raw).await?);
    }
    Ok(results)
}

struct Batch<'a> {
    state: &'a AppState,
    request: &'a SyncRequest,
    now: OffsetDateTime,
    /// Definitions read once per batch, `None` for an unknown id.
    consultations: HashMap<String, Option<Consultation>>,
}

impl Batch<'_> {
    async fn record(
        &mut self,
        tx: &mut Transaction<'_, Sqlite>,
        raw: &serde_json::Value,
    ) -> sqlx::Result<ActionResult> {
        let action = match Action::parse(raw, self.now) {
            Ok(action) => action,
            Err((id, rejection)) => return Ok(ActionResult::rejected(id, rejection)),
        };
        let id = action.id.to_string();
        let stored: Option<String> =
            sqlx::query_scalar("SELECT receipt FROM actions WHERE id = ?1").bind(&id).fetch_optional(&mut **tx).await?;
        if let Some(receipt) = stored {
            return Ok(ActionResult::counted(action.id, ActionStatus::Duplicate, receipt));
        }
        if !self.consultations.contains_key(&action.consultation) {
            let loaded = consultations::load(&mut **tx, &action.consultation).await?;
            self.consultations.insert(action.consultation.clone(), loaded);
        }
        let Some(consultation) = self.consultations[&action.consultation].as_ref() else {
            let rejection = Rejection::new(
                RejectCode::UnknownConsultation,
                format!("there is no consultation \"{}\"", action.consultation),
            );
            return Ok(ActionResult::rejected(id, rejection));
        };
        if let Err(rejection) = admit(consultation, &action, self.request.code.is_some(), self.now) {
            return Ok(ActionResult::rejected(id, rejection));
        }
        if let Err(rejection) = check_stored_references(tx, consultation, &action).await? {
            return Ok(ActionResult::rejected(id, rejection));
        }
        let voter = match self.voter(tx, consultation, &action).await? {
            Ok(voter) => voter,
            Err(rejection) => return Ok(ActionResult::rejected(id, rejection)),
        };
        let payload = serde_json::to_string(&action).expect("an action always serializes");
        let receipt = self.state.receipt_key.sign(&id, &payload);
        sqlx::query(
            "INSERT INTO actions (id, consultation, participant, kind, payload, receipt, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&id)
        .bind(&action.consultation)
        .bind(&voter)
        .bind(kind_name(&action.kind))
        .bind(&payload)
        .bind(&receipt)
        .bind(timestamp(self.now))
        .execute(&mut **tx)
        .await?;
        count_day(tx, &action.consultation, &timestamp(self.now), 0, 1).await?;
        self.apply(tx, &action, voter).await?;
        Ok(ActionResult::counted(action.id, ActionStatus::Accepted, receipt))
    }

    /// Whom an action is stored under and a ballot counts for: the
    /// participation code's voter for ballots in `codes` consultations (see
    /// [`codes`]; never the device, which the code's own row holds), the
    /// device everywhere else.
    async fn voter(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        consultation: &Consultation,
        action: &Action,
    ) -> sqlx::Result<Result<String, Rejection>> {
        let device = self.request.participant.to_string();
        match (&action.kind, &self.request.code) {
            (ActionKind::Ballot { .. }, Some(code)) if consultation.eligibility == Eligibility::Codes => {
                codes::redeem(tx, &self.state.receipt_key, &consultation.id, code, &device, self.now).await
            }
            _ => Ok(Ok(device)),
        }
    }

    /// Writes what an admitted action changes; ballots count for `voter`.
    async fn apply(&self, tx: &mut Transaction<'_, Sqlite>, action: &Action, voter: String) -> sqlx::Result<()> {
        let participant = self.request.participant.to_string();
        let standing = |item: &str, ballot: String, keys: Vec<String>, cast_at: OffsetDateTime| StandingBallot {
            consultation: action.consultation.clone(),
            item: item.to_owned(),
            participant: voter.clone(),
            action_id: action.id.to_string(),
            ballot,
            keys,
            cast_at: timestamp(cast_at),
            received_at: timestamp(self.now),
        };
        match &action.kind {
            ActionKind::Ballot { item, ballot, cast_at } => {
                let json = serde_json::to_string(ballot).expect("a ballot always serializes");
                standing(item, json, tally_keys(ballot), cast_at.unwrap_or(self.now)).store(tx).await
            }
            // A useful-mark is stored like a ballot: one per participant per
            // item, the newer replacing the older.
            ActionKind::Feedback { item, useful } => {
                let json = serde_json::json!({ "useful": useful }).to_string();
                standing(item, json, vec![useful_key(*useful).to_owned()], self.now).store(tx).await
            }
            ActionKind::Comment { item, reply_to, body, language } => sqlx::query(
                "INSERT INTO comments (id, consultation, item, reply_to, participant, body, language, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(action.id.to_string())
            .bind(&action.consultation)
            .bind(item)
            .bind(reply_to.map(|r| r.to_string()))
            .bind(&participant)
            .bind(body)
            .bind(language)
            .bind(timestamp(self.now))
            .execute(&mut **tx)
            .await
            .map(drop),
            ActionKind::Reaction { comment, value } => sqlx::query(
                "INSERT INTO reactions (comment, participant, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (comment, participant) DO UPDATE SET value = ?3",
            )
            .bind(comment.to_string())
            .bind(&participant)
            .bind(value.as_str())
            .execute(&mut **tx)
            .await
            .map(drop),
        }
    }
}

/// The rule that needs storage besides codes: the comment replied or
/// reacted to exists in the same consultation.
async fn check_stored_references(
    tx: &mut Transaction<'_, Sqlite>,
    consultation: &Consultation,
    action: &Action,
) -> sqlx::Result<Result<(), Rejection>> {
    let comment = match &action.kind {
        ActionKind::Comment { reply_to: Some(comment), .. } | ActionKind::Reaction { comment, .. } => *comment,
        _ => return Ok(Ok(())),
    };
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM comments WHERE id = ?1 AND consultation = ?2")
        .bind(comment.to_string())
        .bind(&consultation.id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match exists {
        Some(_) => Ok(()),
        None => Err(Rejection::new(RejectCode::UnknownComment, format!("there is no comment {comment} here"))),
    })
}

/// A participant's ballot on one item, as it stands.
struct StandingBallot {
    consultation: String,
    item: String,
    participant: String,
    action_id: String,
    ballot: String,
    /// The tally counters this ballot adds one to. Stored with the ballot so
    /// that replacing it takes back exactly what was counted, even if a later
    /// version of core counts differently.
    keys: Vec<String>,
    /// When it was cast (by the device's clock), else when it was received:
    /// what decides which of two ballots is the newer.
    cast_at: String,
    received_at: String,
}

impl StandingBallot {
    /// Stores this ballot unless the participant already has a newer one on the
    /// item, and moves the tally counters from the replaced ballot to this one.
    async fn store(&self, tx: &mut Transaction<'_, Sqlite>) -> sqlx::Result<()> {
        let previous: Option<(String, String)> = sqlx::query_as(
            "SELECT keys, cast_at FROM ballots WHERE consultation = ?1 AND item = ?2 AND participant = ?3",
        )
        .bind(&self.consultation)
        .bind(&self.item)
        .bind(&self.participant)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((previous_keys, previous_cast_at)) = &previous {
            if *previous_cast_at > self.cast_at {
                // An older ballot that arrived late: kept as an action, not counted over the newer one.
                return Ok(());
            }
            let previous_keys: Vec<String> =
                serde_json::from_str(previous_keys).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
            self.count(tx, &previous_keys, -1).await?;
        } else {
            self.count_participant(tx).await?;
        }
        // A new ballot adds one to the item's count; any change bumps its
        // version, so counts made from whole ballots are made again.
        sqlx::query(
            "INSERT INTO item_stats (consultation, item, ballots, version) VALUES (?1, ?2, 1, 1)
             ON CONFLICT (consultation, item) DO UPDATE SET ballots = ballots + ?3, version = version + 1",
        )
        .bind(&self.consultation)
        .bind(&self.item)
        .bind(i64::from(previous.is_none()))
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO ballots (consultation, item, participant, action_id, ballot, keys, cast_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (consultation, item, participant)
             DO UPDATE SET action_id = ?4, ballot = ?5, keys = ?6, cast_at = ?7, received_at = ?8",
        )
        .bind(&self.consultation)
        .bind(&self.item)
        .bind(&self.participant)
        .bind(&self.action_id)
        .bind(&self.ballot)
        .bind(serde_json::to_string(&self.keys).expect("strings always serialize"))
        .bind(&self.cast_at)
        .bind(&self.received_at)
        .execute(&mut **tx)
        .await?;
        self.count(tx, &self.keys, 1).await
    }

    /// Counts the participant, on their first ballot or useful-mark in the
    /// consultation, in the totals and on the day it arrived.
    async fn count_participant(&self, tx: &mut Transaction<'_, Sqlite>) -> sqlx::Result<()> {
        let first = sqlx::query(
            "INSERT INTO participants (consultation, participant, first_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (consultation, participant) DO NOTHING",
        )
        .bind(&self.consultation)
        .bind(&self.participant)
        .bind(&self.received_at)
        .execute(&mut **tx)
        .await?;
        if first.rows_affected() == 0 {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO consultation_stats (consultation, participants) VALUES (?1, 1)
             ON CONFLICT (consultation) DO UPDATE SET participants = participants + 1",
        )
        .bind(&self.consultation)
        .execute(&mut **tx)
        .await?;
        count_day(tx, &self.consultation, &self.received_at, 1, 0).await
    }

    async fn count(&self, tx: &mut Transaction<'_, Sqlite>, keys: &[String], delta: i64) -> sqlx::Result<()> {
        for key in keys {
            sqlx::query(
                "INSERT INTO tallies (consultation, item, key, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (consultation, item, key) DO UPDATE SET count = count + ?4",
            )
            .bind(&self.consultation)
            .bind(&self.item)
            .bind(key)
            .bind(delta)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }
}

/// Adds to the participation of the UTC day of `at` (a stored timestamp,
/// which starts with its `YYYY-MM-DD` date).
async fn count_day(
    tx: &mut Transaction<'_, Sqlite>,
    consultation: &str,
    at: &str,
    participants: i64,
    actions: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO daily_stats (consultation, day, participants, actions) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (consultation, day) DO UPDATE SET participants = participants + ?3, actions = actions + ?4",
    )
    .bind(consultation)
    .bind(&at[..10])
    .bind(participants)
    .bind(actions)
    .execute(&mut **tx)
    .await
    .map(drop)
}

fn kind_name(kind: &ActionKind) -> &'static str {
    match kind {
        ActionKind::Ballot { .. } => "ballot",
        ActionKind::Comment { .. } => "comment",
        ActionKind::Reaction { .. } => "reaction",
        ActionKind::Feedback { .. } => "feedback",
    }
}

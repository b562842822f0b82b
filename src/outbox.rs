//! The outbox: the one way a citizen's action (ballot, comment, and later
//! reactions and useful-marks) leaves the device.
//!
//! [`Outbox::submit`] gives the action a fresh UUID and writes it on the
//! phone (IndexedDB) before anything is sent; only then does it go
//! out with `POST /api/v1/sync` (through [`crate::api::sync`]). It stays on
//! the phone until the server has counted it, or the citizen has seen why it
//! was refused, so a reload, a closed tab or a lost connection loses nothing
//! and nothing is dropped without a word. The server's answer, receipt or
//! refusal, is kept on the phone too ([`Shelf::Answers`]) for the citizen's
//! "your input" screen.
//!
//! Sending is one round at a time ([`crate::sync::Engine`]), in every tab
//! under one Web Lock, so two tabs never send the same batch at once; a
//! round starts from what is on the phone, where another tab may have
//! answered or added actions. A round runs when the app starts, when the
//! connection comes back, after each new action, on "send again", and after
//! a failure by a timer that waits longer each time. Actions always go under
//! the same UUID, and the server counts each once. They leave in the order
//! they were made, so a newer ballot on an item replaces the older one.
//! Pages never call the network for an action themselves; they follow its
//! [`Delivery`].

use baraza_core::sync::{
    Action, ActionKind, ActionResult, ActionStatus, ReactionValue, RejectCode, SyncResponse, MAX_ACTIONS_PER_BATCH,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{self, AppError};
use crate::browser;
use crate::json;
use crate::storage::{self, Shelf};
use crate::sync::{AfterRound, Engine};

/// The Web Lock every tab takes to send.
const SYNC_LOCK: &str = "baraza-sync";

/// Where the participant id is kept between visits.
pub const PARTICIPANT_KEY: &str = "baraza.participant";

/// Where an action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Saved on the phone, and being sent.
    Sending,
    /// Saved on the phone, not counted yet: sent again when the connection
    /// comes back, or when the citizen asks.
    Saved(Failure),
    /// Stored by the server (now, or earlier under the same id), with its receipt.
    Counted { receipt: String },
    /// Refused by the server for this reason.
    Rejected(RejectCode),
}

/// Why a saved action is not counted yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection to the server.
    Network,
    /// The server answered, but not with a result for this action.
    Server,
}

impl Delivery {
    /// The stable `data-delivery` value the interface and its tests use.
    pub fn name(&self) -> &'static str {
        match self {
            Delivery::Sending => "sending",
            Delivery::Saved(_) => "saved",
            Delivery::Counted { .. } => "counted",
            Delivery::Rejected(_) => "rejected",
        }
    }

    /// The delivery of action `id` according to the server's answer.
    pub fn from_response(response: &SyncResponse, id: Uuid) -> Self {
        let id = id.to_string();
        match response.results.iter().find(|result| result.id == id) {
            Some(result) => Delivery::from_result(result),
            None => Delivery::Saved(Failure::Server),
        }
    }

    fn from_result(result: &ActionResult) -> Self {
        match result.status {
            ActionStatus::Accepted | ActionStatus::Duplicate => {
                Delivery::Counted { receipt: result.receipt.clone().unwrap_or_default() }
            }
            ActionStatus::Rejected => {
                Delivery::Rejected(result.error.as_ref().map_or(RejectCode::InvalidAction, |error| error.code))
            }
        }
    }

    fn from_error(error: AppError) -> Self {
        match error {
            AppError::Network => Delivery::Saved(Failure::Network),
            _ => Delivery::Saved(Failure::Server),
        }
    }

    /// Whether the action leaves the phone as soon as the server answers.
    /// A refusal stays until the citizen has seen it ([`Outbox::seen`]):
    /// nothing is dropped without a word. Until then it is sent again at
    /// each start, and refused again with the reason of the day.
    fn leaves_phone(&self) -> bool {
        matches!(self, Delivery::Counted { .. })
    }
}

/// How the app stands with the server, as the header shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Offline,
    Syncing,
    Online,
}

impl Connection {
    /// The stable `data-connection` value the interface and its tests use.
    pub fn name(self) -> &'static str {
        match self {
            Connection::Offline => "offline",
            Connection::Syncing => "syncing",
            Connection::Online => "online",
        }
    }
}

/// The kinds of action whose counting other parts of the page follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Ballot = 0,
    Comment = 1,
}

/// An action as the outbox keeps it, on the phone and in memory; on
/// [`Shelf::Answers`] with the server's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRecord {
    /// The action's id, as in its JSON.
    id: String,
    /// The action's JSON, sent again exactly as it was first written.
    action: String,
    /// The participation code it goes with, for `codes` eligibility.
    code: Option<String>,
    /// When it was made, in milliseconds by the device's clock: actions are
    /// sent in this order.
    pub made_at: u64,
    /// What it is about, so that a page finds it again after a reload.
    pub consultation: String,
    /// The item a ballot answers.
    pub ballot_item: Option<String>,
    pub comment: bool,
    /// The comment a reaction is about, and the reaction, so that the page
    /// shows the citizen's own choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reaction: Option<(String, ReactionValue)>,
    /// The information section a useful-mark is about, and the mark, as
    /// `reaction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    useful: Option<(String, bool)>,
    /// The server's receipt, once counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receipt: Option<String>,
    /// Why the server refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refused: Option<RejectCode>,
}

impl ActionRecord {
    fn new(action: &Action, code: Option<String>, made_at: u64) -> Self {
        let (ballot_item, comment) = match &action.kind {
            ActionKind::Ballot { item, .. } => (Some(item.clone()), false),
            ActionKind::Comment { .. } => (None, true),
            _ => (None, false),
        };
        let (reaction, useful) = match &action.kind {
            ActionKind::Reaction { comment, value } => (Some((comment.to_string(), *value)), None),
            ActionKind::Feedback { item, useful } => (None, Some((item.clone(), *useful))),
            _ => (None, None),
        };
        ActionRecord {
            id: action.id.to_string(),
            action: json::write(action),
            code,
            made_at,
            consultation: action.consultation.clone(),
            ballot_item,
            comment,
            reaction,
            useful,
            receipt: None,
            refused: None,
        }
    }

    /// This record with the server's final answer, to keep on [`Shelf::Answers`].
    fn answered(&self, delivery: &Delivery) -> Option<Self> {
        let mut answered = self.clone();
        match delivery {
            Delivery::Counted { receipt } => answered.receipt = Some(receipt.clone()),
            Delivery::Rejected(code) => answered.refused = Some(*code),
            Delivery::Sending | Delivery::Saved(_) => return None,
        }
        Some(answered)
    }

    /// The server's answer kept with this record, if it has one.
    pub fn answer(&self) -> Option<Delivery> {
        match (&self.receipt, self.refused) {
            (Some(receipt), _) => Some(Delivery::Counted { receipt: receipt.clone() }),
            (None, Some(code)) => Some(Delivery::Rejected(code)),
            (None, None) => None,
        }
    }

    /// The action's id as it was sent.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn action_id(&self) -> Option<Uuid> {
        self.id.parse().ok()
    }

    /// Its key on the phone: the time it was made first, so that the phone
    /// gives saved actions back in the order they were made.
    pub fn key(&self) -> String {
        format!("{:015}-{}", self.made_at, self.id)
    }

    fn counted(&self) -> Option<Counted> {
        match (&self.ballot_item, self.comment) {
            (Some(_), _) => Some(Counted::Ballot),
            (None, true) => Some(Counted::Comment),
            (None, false) => None,
        }
    }
}

/// The `POST /api/v1/sync` body for `actions`, each already JSON: a
/// [`baraza_core::sync::SyncRequest`].
fn sync_body(participant: Uuid, code: Option<&str>, actions: &[&str]) -> String {
    let mut body = format!("{{\"participant\":\"{participant}\"");
    if let Some(code) = code {
        body.push_str(",\"code\":");
        body.push_str(&json::write(code));
    }
    body.push_str(",\"actions\":[");
    body.push_str(&actions.join(","));
    body.push_str("]}");
    body
}

/// The actions `ready` to go, in the order they were made, in batches of one
/// participation code each and of at most [`MAX_ACTIONS_PER_BATCH`].
fn batches(actions: &[(Uuid, ActionRecord)], ready: impl Fn(Uuid) -> bool) -> Vec<Vec<Uuid>> {
    let mut by_code: Vec<(&Option<String>, Vec<Uuid>)> = Vec::new();
    for (id, pending) in actions.iter().filter(|(id, _)| ready(*id)) {
        match by_code.iter_mut().find(|(code, _)| **code == pending.code) {
            Some((_, ids)) => ids.push(*id),
            None => by_code.push((&pending.code, vec![*id])),
        }
    }
    by_code
        .into_iter()
        .flat_map(|(_, ids)| ids.chunks(MAX_ACTIONS_PER_BATCH).map(<[Uuid]>::to_vec).collect::<Vec<_>>())
        .collect()
}

/// The newest of `actions` that `matches`.
fn newest(actions: &[(Uuid, ActionRecord)], matches: impl Fn(&ActionRecord) -> bool) -> Option<Uuid> {
    actions.iter().rev().find(|(_, pending)| matches(pending)).map(|(id, _)| *id)
}

fn find(actions: &[(Uuid, ActionRecord)], id: Uuid) -> Option<&ActionRecord> {
    actions.iter().find(|(found, _)| *found == id).map(|(_, pending)| pending)
}

/// Whether the server has given its last word on an action.
fn answered(delivery: Option<&Delivery>) -> bool {
    matches!(delivery, Some(Delivery::Counted { .. } | Delivery::Rejected(_)))
}

/// The records on the phone's outbox, in the order they were made.
async fn on_phone() -> Vec<(Uuid, ActionRecord)> {
    storage::read_all(Shelf::Outbox)
        .await
        .iter()
        .filter_map(|record| json::parse::<ActionRecord>(record))
        .filter_map(|record| Some((record.action_id()?, record)))
        .collect()
}

/// What the outbox knows in this tab, in one signal that every reader
/// follows: a signal per part cost a copy of Leptos's signal code for each
/// part's type (about 6 KB of wasm in all).
struct State {
    /// Every action of this visit, and those found on the phone, in the
    /// order they were made.
    actions: Vec<(Uuid, ActionRecord)>,
    /// Where each action of `actions` stands, once known.
    deliveries: Vec<(Uuid, Delivery)>,
    /// How many ballots and comments were counted in this visit.
    counted: [u64; 2],
    /// The server's answers kept on the phone, oldest first: read at start,
    /// and each new one added.
    answers: Vec<ActionRecord>,
    syncing: bool,
    online: bool,
}

impl State {
    fn delivery(&self, id: Uuid) -> Option<&Delivery> {
        self.deliveries.iter().find(|(of, _)| *of == id).map(|(_, delivery)| delivery)
    }

    fn deliver(&mut self, id: Uuid, delivery: Delivery) {
        match self.deliveries.iter_mut().find(|(of, _)| *of == id) {
            Some((_, known)) => *known = delivery,
            None => self.deliveries.push((id, delivery)),
        }
    }

    /// The actions the server has not answered yet.
    fn waiting(&self) -> impl Iterator<Item = &(Uuid, ActionRecord)> {
        self.actions.iter().filter(|(id, _)| !answered(self.delivery(*id)))
    }
}

/// Provided once for the whole app; see [`use_outbox`].
#[derive(Clone, Copy)]
pub struct Outbox {
    participant: Uuid,
    state: RwSignal<State>,
    engine: StoredValue<Engine>,
}

impl Outbox {
    fn new() -> Self {
        Outbox::of(participant())
    }

    fn of(participant: Uuid) -> Self {
        let state = State {
            actions: Vec::new(),
            deliveries: Vec::new(),
            counted: [0; 2],
            answers: Vec::new(),
            syncing: false,
            online: browser::online(),
        };
        Outbox { participant, state: RwSignal::new(state), engine: StoredValue::new(Engine::default()) }
    }

    /// Saves a new action about `consultation` on the phone, with the
    /// participation `code` when the consultation needs one, then sends it;
    /// answers the action's id.
    pub fn submit(&self, consultation: &str, kind: ActionKind, code: Option<String>) -> Uuid {
        let id = new_uuid();
        let record =
            ActionRecord::new(&Action { id, consultation: consultation.to_owned(), kind }, code, browser::now_ms());
        let text = json::write(&record);
        self.state.update(|state| state.deliver(id, Delivery::Sending));
        let outbox = *self;
        leptos::task::spawn_local(async move {
            // On a phone that refuses storage the action still goes, from memory.
            storage::write(Shelf::Outbox, &record.key(), &text).await;
            outbox.state.update(|state| state.actions.push((id, record)));
            outbox.sync();
        });
        id
    }

    /// Sends again every saved action not counted yet, this one among them.
    pub fn retry(&self) {
        self.sync();
    }

    /// Where action `id` stands (reactive).
    pub fn delivery(&self, id: Uuid) -> Option<Delivery> {
        self.state.with(|state| state.delivery(id).cloned())
    }

    /// The newest ballot on `item` of `consultation` this phone made, in this
    /// visit or saved from an earlier one (reactive).
    pub fn newest_ballot(&self, consultation: &str, item: &str) -> Option<Uuid> {
        self.state.with(|state| {
            newest(&state.actions, |p| p.consultation == consultation && p.ballot_item.as_deref() == Some(item))
        })
    }

    /// The newest comment on `consultation` this phone made, as [`Outbox::newest_ballot`].
    pub fn newest_comment(&self, consultation: &str) -> Option<Uuid> {
        self.state.with(|state| newest(&state.actions, |p| p.consultation == consultation && p.comment))
    }

    /// The citizen's own view of `comment`: the newest reaction to it this
    /// phone made that was not refused, sent or waiting (reactive).
    pub fn reaction_to(&self, comment: Uuid) -> Option<ReactionValue> {
        let comment = comment.to_string();
        self.newest_standing(|record| {
            record.reaction.as_ref().filter(|(on, _)| *on == comment).map(|(_, value)| *value)
        })
    }

    /// Whether the citizen found the information section `item` of
    /// `consultation` useful, by their newest mark, as [`Outbox::reaction_to`].
    pub fn useful_mark(&self, consultation: &str, item: &str) -> Option<bool> {
        self.newest_standing(|record| {
            record
                .useful
                .as_ref()
                .filter(|(on, _)| record.consultation == consultation && on == item)
                .map(|(_, useful)| *useful)
        })
    }

    /// What `of` finds in the newest action of this phone that has it and
    /// was not refused: one made in this visit, else an answered one kept
    /// from earlier visits (reactive).
    fn newest_standing<T>(&self, of: impl Fn(&ActionRecord) -> Option<T>) -> Option<T> {
        self.state.with(|state| {
            let mut this_visit = state
                .actions
                .iter()
                .rev()
                .filter(|(id, _)| !matches!(state.delivery(*id), Some(Delivery::Rejected(_))));
            this_visit
                .find_map(|(_, record)| of(record))
                .or_else(|| state.answers.iter().rev().filter(|record| record.refused.is_none()).find_map(&of))
        })
    }

    /// Every action saved on the phone the server has not answered yet, in
    /// the order they were made (reactive).
    pub fn waiting(&self) -> Vec<ActionRecord> {
        self.state.with(|state| state.waiting().map(|(_, record)| record.clone()).collect())
    }

    /// How many actions wait on the phone (reactive).
    pub fn waiting_count(&self) -> usize {
        self.state.with(|state| state.waiting().count())
    }

    /// How the app stands with the server (reactive).
    pub fn connection(&self) -> Connection {
        self.state.with(|state| match (state.online, state.syncing) {
            (false, _) => Connection::Offline,
            (true, true) => Connection::Syncing,
            (true, false) => Connection::Online,
        })
    }

    /// Every answer of the server kept on the phone, oldest first (reactive).
    pub fn answers(&self) -> Vec<ActionRecord> {
        self.state.with(|state| state.answers.clone())
    }

    /// The citizen has seen where action `id` stands: a refusal then leaves
    /// the outbox (its answer stays on [`Shelf::Answers`]).
    pub fn seen(&self, id: Uuid) {
        let key = self.state.with_untracked(|state| match state.delivery(id) {
            Some(Delivery::Rejected(_)) => find(&state.actions, id).map(ActionRecord::key),
            _ => None,
        });
        if let Some(key) = key {
            leptos::task::spawn_local(async move {
                storage::remove(Shelf::Outbox, &key).await;
            });
        }
    }

    /// How many actions of this kind were counted so far (reactive): results
    /// and comment lists reload when it changes.
    pub fn counted(&self, kind: Counted) -> u64 {
        self.state.with(|state| state.counted[kind as usize])
    }

    /// Sends what an earlier visit left on the phone, and again whenever the
    /// connection comes back; then brings the kept consultations up to date.
    fn start(self) {
        leptos::task::spawn_local(self.read_answers());
        self.sync();
        crate::load::refresh_kept_consultations();
        let _ = window_event_listener(leptos::ev::online, move |_| {
            self.state.update(|state| state.online = true);
            self.sync();
            crate::load::refresh_kept_consultations();
        });
        let _ = window_event_listener(leptos::ev::offline, move |_| self.state.update(|state| state.online = false));
    }

    /// Asks for a round of sending: now, or right after the one under way.
    fn sync(self) {
        if !self.engine.try_update_value(Engine::ask).unwrap_or(false) {
            return;
        }
        self.state.update(|state| state.syncing = true);
        leptos::task::spawn_local(async move {
            loop {
                let succeeded = browser::with_lock(SYNC_LOCK, self.round()).await;
                let online = browser::online();
                let after =
                    self.engine.try_update_value(|engine| engine.round_done(succeeded, online, js_sys::Math::random()));
                match after {
                    Some(AfterRound::Again) => continue,
                    Some(AfterRound::RetryIn(wait_ms)) => {
                        set_timeout(
                            move || {
                                self.engine.update_value(Engine::retry_due);
                                self.sync();
                            },
                            std::time::Duration::from_millis(wait_ms),
                        );
                    }
                    Some(AfterRound::Idle) | None => {}
                }
                break;
            }
            self.state.try_update(|state| state.syncing = false);
        });
    }

    /// One round, holding the lock: takes up what is on the phone, then sends
    /// every action the server has not answered, batch by batch. A batch that
    /// fails stops the round: it and the batches after it stay saved, those
    /// before it are answered. `false` if a batch failed.
    async fn round(self) -> bool {
        let mut answers = self.take_up_phone().await;
        let batches = self.state.with_untracked(|state| {
            batches(&state.actions, |id| !answered(state.delivery(id)) && !answers.iter().any(|(a, _)| *a == id))
        });
        self.state.update(|state| {
            for id in batches.iter().flatten() {
                state.deliver(*id, Delivery::Sending);
            }
        });
        let mut failed = None;
        for (number, ids) in batches.iter().enumerate() {
            let body = self.state.with_untracked(|state| {
                let chosen: Vec<&ActionRecord> = ids.iter().filter_map(|id| find(&state.actions, *id)).collect();
                let code = chosen.first().and_then(|record| record.code.as_deref());
                let texts: Vec<&str> = chosen.iter().map(|record| record.action.as_str()).collect();
                sync_body(self.participant, code, &texts)
            });
            match api::sync(body).await {
                Ok(response) => answers.extend(ids.iter().map(|id| (*id, Delivery::from_response(&response, *id)))),
                Err(failure) => {
                    if let Some(wait_ms) = failure.retry_after_ms {
                        self.engine.update_value(|engine| engine.server_asks_to_wait(wait_ms));
                    }
                    failed = Some((number, failure.error));
                    break;
                }
            }
        }
        for (id, delivery) in answers {
            self.settle(id, delivery).await;
        }
        let Some((number, error)) = failed else { return true };
        self.state.update(|state| {
            for id in batches[number..].iter().flatten() {
                state.deliver(*id, Delivery::from_error(error));
            }
        });
        false
    }

    /// Brings this tab up to date with the phone's outbox: actions another
    /// tab (or an earlier visit) saved are taken up, and those another tab
    /// has had answered meanwhile take that answer (given back) rather than
    /// going again.
    async fn take_up_phone(self) -> Vec<(Uuid, Delivery)> {
        let stored = on_phone().await;
        let (known, gone): (Vec<Uuid>, Vec<Uuid>) = self.state.with_untracked(|state| {
            let known = state.actions.iter().map(|(id, _)| *id).collect();
            let gone = state.waiting().map(|(id, _)| *id).filter(|id| !stored.iter().any(|(on, _)| on == id)).collect();
            (known, gone)
        });
        let mut taken_up = gone;
        for (id, record) in stored {
            if known.contains(&id) {
                continue;
            }
            taken_up.push(id);
            self.state.update(|state| {
                let at = state.actions.partition_point(|(_, kept)| kept.made_at <= record.made_at);
                state.actions.insert(at, (id, record));
            });
        }
        // Another tab may have kept answers since this one read them.
        if !taken_up.is_empty() {
            self.read_answers().await;
        }
        // An action missing from the outbox with no answer kept stays to be
        // sent from memory: the phone may refuse storage.
        self.state.with_untracked(|state| {
            taken_up
                .iter()
                .filter_map(|id| {
                    let text = id.to_string();
                    Some((*id, state.answers.iter().find(|kept| kept.id == text)?.answer()?))
                })
                .collect()
        })
    }

    /// Reads the answers kept on the phone.
    async fn read_answers(self) {
        let kept = storage::read_all(Shelf::Answers).await;
        let answers = kept.iter().filter_map(|record| json::parse(record)).collect();
        self.state.try_update(|state| state.answers = answers);
    }

    /// Records the server's answer for action `id`: on screen, and on the
    /// phone (a counted action leaves the outbox, its receipt is kept).
    async fn settle(self, id: Uuid, delivery: Delivery) {
        let Some(record) = self.state.with_untracked(|state| find(&state.actions, id).cloned()) else { return };
        if let Some(answered) = record.answered(&delivery) {
            let text = json::write(&answered);
            storage::write(Shelf::Answers, &record.key(), &text).await;
            self.state.update(|state| {
                state.answers.retain(|kept| kept.id != answered.id);
                state.answers.push(answered);
            });
        }
        if delivery.leaves_phone() {
            storage::remove(Shelf::Outbox, &record.key()).await;
        }
        let counted = matches!(delivery, Delivery::Counted { .. }).then(|| record.counted()).flatten();
        self.state.update(|state| {
            state.deliver(id, delivery);
            if let Some(kind) = counted {
                state.counted[kind as usize] += 1;
            }
        });
    }
}

/// The random participant id of this device, made on the first visit and
/// kept in localStorage (no account, no e-mail).
fn participant() -> Uuid {
    if let Some(id) = browser::stored(PARTICIPANT_KEY).and_then(|stored| stored.parse::<Uuid>().ok()) {
        return id;
    }
    let id = new_uuid();
    browser::store(PARTICIPANT_KEY, &id.to_string());
    id
}

/// A version 4 UUID from the browser's `crypto.getRandomValues`.
pub fn new_uuid() -> Uuid {
    uuid::Builder::from_random_bytes(browser::random_bytes()).into_uuid()
}

pub fn provide_outbox() {
    let outbox = Outbox::new();
    provide_context(outbox);
    outbox.start();
}

/// An outbox that holds nothing and never sends, for the editor's preview:
/// it draws the citizen's question forms (whose buttons stay disabled there)
/// without reading or making this browser's participant, and without
/// sending anything this browser's citizen side left waiting.
pub fn provide_preview_outbox() {
    provide_context(Outbox::of(Uuid::nil()));
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::ballot::Ballot;
    use baraza_core::sync::{Rejection, SyncRequest};
    use time::macros::datetime;

    fn response(results: Vec<ActionResult>) -> SyncResponse {
        SyncResponse { results }
    }

    #[test]
    fn accepted_and_duplicate_actions_are_counted_with_their_receipt() {
        let id = Uuid::from_u128(7);
        for status in [ActionStatus::Accepted, ActionStatus::Duplicate] {
            let answer = response(vec![ActionResult::counted(id, status, "R-1".into())]);
            assert_eq!(Delivery::from_response(&answer, id), Delivery::Counted { receipt: "R-1".into() });
        }
    }

    #[test]
    fn a_rejection_keeps_its_code() {
        let id = Uuid::from_u128(7);
        let rejection = Rejection::new(RejectCode::ConsultationClosed, "closed");
        let answer = response(vec![ActionResult::rejected(id.to_string(), rejection)]);
        let delivery = Delivery::from_response(&answer, id);
        assert_eq!(delivery, Delivery::Rejected(RejectCode::ConsultationClosed));
        assert_eq!(delivery.name(), "rejected");
    }

    #[test]
    fn a_rejection_without_an_error_body_is_still_a_rejection() {
        let id = Uuid::from_u128(7);
        let mut result = ActionResult::rejected(id.to_string(), Rejection::new(RejectCode::InvalidBallot, "bad"));
        result.error = None;
        assert_eq!(Delivery::from_response(&response(vec![result]), id), Delivery::Rejected(RejectCode::InvalidAction));
    }

    #[test]
    fn an_answer_without_the_action_keeps_it_saved() {
        let answer = response(vec![ActionResult::counted(Uuid::from_u128(1), ActionStatus::Accepted, "R".into())]);
        let delivery = Delivery::from_response(&answer, Uuid::from_u128(2));
        assert_eq!(delivery, Delivery::Saved(Failure::Server));
        assert_eq!(delivery.name(), "saved");
        assert!(!delivery.leaves_phone());
    }

    #[test]
    fn a_network_failure_keeps_the_action_saved_for_later() {
        assert_eq!(Delivery::from_error(AppError::Network), Delivery::Saved(Failure::Network));
        assert_eq!(Delivery::from_error(AppError::Server), Delivery::Saved(Failure::Server));
    }

    #[test]
    fn counted_actions_leave_the_phone_and_refused_ones_wait_to_be_seen() {
        assert!(Delivery::Counted { receipt: "R".into() }.leaves_phone());
        assert!(!Delivery::Rejected(RejectCode::ConsultationClosed).leaves_phone());
        assert!(!Delivery::Sending.leaves_phone());
    }

    fn ballot(id: u128, item: &str, code: Option<&str>, made_at: u64) -> (Uuid, ActionRecord) {
        let kind = ActionKind::Ballot {
            item: item.into(),
            ballot: Ballot::Choice { choice: "blocks".into() },
            cast_at: Some(datetime!(2026-11-20 10:00 UTC)),
        };
        let action = Action { id: Uuid::from_u128(id), consultation: "water".into(), kind };
        (action.id, ActionRecord::new(&action, code.map(str::to_owned), made_at))
    }

    #[test]
    fn a_saved_action_reads_back_from_the_phone_as_it_was() {
        let (id, pending) = ballot(7, "tariff", Some("ABCD-2345"), 1_000);
        let record = serde_json::to_string(&pending).unwrap();
        let read: ActionRecord = serde_json::from_str(&record).unwrap();
        assert_eq!(read, pending);
        assert_eq!(read.id.parse::<Uuid>().unwrap(), id);
        assert_eq!(read.counted(), Some(Counted::Ballot));
        let action: Action = serde_json::from_str(&read.action).unwrap();
        assert_eq!(action.id, id);
        assert_eq!(action.consultation, "water");
    }

    #[test]
    fn the_servers_answer_is_kept_with_the_action_and_read_back() {
        let (_, record) = ballot(7, "tariff", None, 1_000);
        assert_eq!(record.answer(), None);
        assert_eq!(record.answered(&Delivery::Saved(Failure::Server)), None);
        for delivery in
            [Delivery::Counted { receipt: "R-7".into() }, Delivery::Rejected(RejectCode::ConsultationClosed)]
        {
            let answered = record.answered(&delivery).unwrap();
            let read: ActionRecord = serde_json::from_str(&serde_json::to_string(&answered).unwrap()).unwrap();
            assert_eq!(read.answer(), Some(delivery));
            assert_eq!(read.key(), record.key());
        }
        // A record kept before answers were kept reads as not answered.
        let without: ActionRecord = serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(without.answer(), None);
    }

    #[test]
    fn the_sync_body_is_a_sync_request_with_the_actions_as_they_were_saved() {
        let (_, first) = ballot(1, "tariff", None, 1);
        let (_, second) = ballot(2, "hours", None, 2);
        let participant = Uuid::from_u128(9);
        let body = sync_body(participant, Some("AB\"CD"), &[&first.action, &second.action]);
        let request: SyncRequest = serde_json::from_str(&body).unwrap();
        assert_eq!(request.participant, participant);
        assert_eq!(request.code.as_deref(), Some("AB\"CD"));
        let actions: Vec<Action> = request.actions.into_iter().map(|a| serde_json::from_value(a).unwrap()).collect();
        assert_eq!(actions.iter().map(|a| a.id).collect::<Vec<_>>(), vec![Uuid::from_u128(1), Uuid::from_u128(2)]);
        let without_code: SyncRequest = serde_json::from_str(&sync_body(participant, None, &[])).unwrap();
        assert_eq!(without_code.code, None);
        assert!(without_code.actions.is_empty());
    }

    #[test]
    fn the_phone_gives_saved_actions_back_in_the_order_they_were_made() {
        let keys: Vec<String> =
            [ballot(9, "a", None, 999), ballot(1, "a", None, 1_000), ballot(5, "a", None, 1_795_442_706_789)]
                .iter()
                .map(|(_, pending)| pending.key())
                .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn actions_leave_in_order_one_batch_per_code() {
        let actions = vec![
            ballot(5, "hours", None, 5),
            ballot(2, "tariff", None, 10),
            ballot(3, "tariff", Some("CODE"), 20),
            ballot(1, "tariff", None, 30),
            ballot(4, "hours", None, 40),
        ];
        let ids = |ns: &[u128]| ns.iter().map(|n| Uuid::from_u128(*n)).collect::<Vec<_>>();
        let not_sending = |id: Uuid| id != Uuid::from_u128(5);
        assert_eq!(batches(&actions, not_sending), vec![ids(&[2, 1, 4]), ids(&[3])]);
    }

    #[test]
    fn a_batch_never_holds_more_actions_than_the_server_takes() {
        let actions: Vec<(Uuid, ActionRecord)> =
            (0..MAX_ACTIONS_PER_BATCH as u128 + 1).map(|n| ballot(n, "tariff", None, n as u64)).collect();
        let sizes: Vec<usize> = batches(&actions, |_| true).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![MAX_ACTIONS_PER_BATCH, 1]);
    }

    #[test]
    fn a_form_finds_the_newest_answer_to_its_question() {
        let actions = vec![ballot(1, "tariff", None, 10), ballot(2, "tariff", None, 20), ballot(3, "hours", None, 30)];
        let on = |item: &'static str| move |p: &ActionRecord| p.ballot_item.as_deref() == Some(item);
        assert_eq!(newest(&actions, on("tariff")), Some(Uuid::from_u128(2)));
        assert_eq!(newest(&actions, on("hours")), Some(Uuid::from_u128(3)));
        assert_eq!(newest(&actions, on("kiosks")), None);
    }
}

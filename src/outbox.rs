//! The outbox: the one way a citizen's action (ballot, comment, and later
//! reactions and useful-marks) leaves the device.
//!
//! [`Outbox::submit`] gives the action a fresh UUID and writes it on the
//! phone (IndexedDB, DESIGN §6) before anything is sent; only then does it go
//! out with `POST /api/v1/sync` (through [`crate::api::sync`]). It stays on
//! the phone until the server has counted it, or the citizen has seen why it
//! was refused, so a reload, a closed tab or a lost connection loses nothing
//! and nothing is dropped without a word: what is left is sent again when the
//! app starts, when the connection comes back and on "send again", always
//! under the same UUID, and the server counts it once.
//! Actions leave in the order they were made, so a newer ballot on an item
//! replaces the older one. Pages never call the network for an action
//! themselves; they follow its [`Delivery`].

use std::collections::HashMap;

use baraza_core::sync::{
    Action, ActionKind, ActionResult, ActionStatus, RejectCode, SyncResponse, MAX_ACTIONS_PER_BATCH,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{self, AppError};
use crate::browser;
use crate::storage::{self, Shelf};

/// Where the participant id is kept between visits (DESIGN §7).
const PARTICIPANT_KEY: &str = "baraza.participant";

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

/// The kinds of action whose counting other parts of the page follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    Ballot,
    Comment,
}

/// An action as the outbox keeps it, on the phone and in memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pending {
    /// The action's id, as in its JSON.
    id: String,
    /// The action's JSON, sent again exactly as it was first written.
    action: String,
    /// The participation code it goes with, for `codes` eligibility.
    code: Option<String>,
    /// When it was made, in milliseconds by the device's clock: actions are
    /// sent in this order.
    made_at: u64,
    /// What it is about, so that a page finds it again after a reload.
    consultation: String,
    /// The item a ballot answers.
    ballot_item: Option<String>,
    comment: bool,
}

impl Pending {
    fn new(action: &Action, code: Option<String>, made_at: u64) -> Self {
        let (ballot_item, comment) = match &action.kind {
            ActionKind::Ballot { item, .. } => (Some(item.clone()), false),
            ActionKind::Comment { .. } => (None, true),
            _ => (None, false),
        };
        Pending {
            id: action.id.to_string(),
            action: serde_json::to_string(action).expect("an action always serializes"),
            code,
            made_at,
            consultation: action.consultation.clone(),
            ballot_item,
            comment,
        }
    }

    /// Its key on the phone: the time it was made first, so that the phone
    /// gives saved actions back in the order they were made.
    fn key(&self) -> String {
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
        body.push_str(&serde_json::to_string(code).expect("a text always serializes"));
    }
    body.push_str(",\"actions\":[");
    body.push_str(&actions.join(","));
    body.push_str("]}");
    body
}

/// The actions `ready` to go, in the order they were made, in batches of one
/// participation code each and of at most [`MAX_ACTIONS_PER_BATCH`].
fn batches(actions: &[(Uuid, Pending)], ready: impl Fn(Uuid) -> bool) -> Vec<Vec<Uuid>> {
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
fn newest(actions: &[(Uuid, Pending)], matches: impl Fn(&Pending) -> bool) -> Option<Uuid> {
    actions.iter().rev().find(|(_, pending)| matches(pending)).map(|(id, _)| *id)
}

fn find(actions: &[(Uuid, Pending)], id: Uuid) -> Option<&Pending> {
    actions.iter().find(|(found, _)| *found == id).map(|(_, pending)| pending)
}

/// Provided once for the whole app; see [`use_outbox`].
#[derive(Clone, Copy)]
pub struct Outbox {
    participant: Uuid,
    /// Every action of this visit, and those found on the phone at its
    /// start, in the order they were made.
    actions: RwSignal<Vec<(Uuid, Pending)>>,
    deliveries: RwSignal<HashMap<Uuid, Delivery>>,
    counted: RwSignal<HashMap<Counted, u64>>,
}

impl Outbox {
    fn new() -> Self {
        Outbox {
            participant: participant(),
            actions: RwSignal::new(Vec::new()),
            deliveries: RwSignal::new(HashMap::new()),
            counted: RwSignal::new(HashMap::new()),
        }
    }

    /// Saves a new action about `consultation` on the phone, with the
    /// participation `code` when the consultation needs one, then sends it;
    /// answers the action's id.
    pub fn submit(&self, consultation: &str, kind: ActionKind, code: Option<String>) -> Uuid {
        let id = new_uuid();
        let pending =
            Pending::new(&Action { id, consultation: consultation.to_owned(), kind }, code, browser::now_ms());
        let record = serde_json::to_string(&pending).expect("an action always serializes");
        self.deliveries.update(|d| {
            d.insert(id, Delivery::Sending);
        });
        let outbox = *self;
        leptos::task::spawn_local(async move {
            // On a phone that refuses storage the action still goes, from memory.
            storage::write(Shelf::Outbox, &pending.key(), &record).await;
            outbox.actions.update(|actions| actions.push((id, pending)));
            outbox.send(vec![id]);
        });
        id
    }

    /// Sends again every saved action not counted yet, this one among them.
    pub fn retry(&self) {
        self.send_saved();
    }

    /// Where action `id` stands (reactive).
    pub fn delivery(&self, id: Uuid) -> Option<Delivery> {
        self.deliveries.with(|deliveries| deliveries.get(&id).cloned())
    }

    /// The newest ballot on `item` of `consultation` this phone made, in this
    /// visit or saved from an earlier one (reactive).
    pub fn newest_ballot(&self, consultation: &str, item: &str) -> Option<Uuid> {
        self.actions.with(|actions| {
            newest(actions, |p| p.consultation == consultation && p.ballot_item.as_deref() == Some(item))
        })
    }

    /// The newest comment on `consultation` this phone made, as [`Outbox::newest_ballot`].
    pub fn newest_comment(&self, consultation: &str) -> Option<Uuid> {
        self.actions.with(|actions| newest(actions, |p| p.consultation == consultation && p.comment))
    }

    /// The citizen has seen where action `id` stands: a refusal then leaves
    /// the phone.
    pub fn seen(&self, id: Uuid) {
        if !matches!(self.deliveries.with_untracked(|d| d.get(&id).cloned()), Some(Delivery::Rejected(_))) {
            return;
        }
        if let Some(key) = self.actions.with_untracked(|actions| find(actions, id).map(Pending::key)) {
            leptos::task::spawn_local(async move {
                storage::remove(Shelf::Outbox, &key).await;
            });
        }
    }

    /// How many actions of this kind were counted so far (reactive): results
    /// and comment lists reload when it changes.
    pub fn counted(&self, kind: Counted) -> u64 {
        self.counted.with(|counted| counted.get(&kind).copied().unwrap_or(0))
    }

    /// Takes up the actions an earlier visit left on the phone, sends them,
    /// and sends what is saved whenever the connection comes back.
    fn start(self) {
        leptos::task::spawn_local(async move {
            let saved = storage::read_all(Shelf::Outbox).await;
            // In key order, which is the order they were made.
            let found: Vec<(Uuid, Pending)> = saved
                .iter()
                .filter_map(|record| serde_json::from_str::<Pending>(record).ok())
                .filter_map(|pending| Some((pending.id.parse::<Uuid>().ok()?, pending)))
                .collect();
            self.actions.update(|actions| actions.extend(found));
            self.send_saved();
        });
        let _ = window_event_listener(leptos::ev::online, move |_| self.send_saved());
    }

    /// Sends every action on the phone the server has not answered for yet
    /// and that is not on its way already.
    fn send_saved(self) {
        let batches = self.actions.with_untracked(|actions| {
            self.deliveries.with_untracked(|deliveries| {
                batches(actions, |id| matches!(deliveries.get(&id), None | Some(Delivery::Saved(_))))
            })
        });
        for ids in batches {
            self.send(ids);
        }
    }

    /// Sends these actions, all of one participation code, in one request.
    fn send(self, ids: Vec<Uuid>) {
        let Some(body) = self.actions.with_untracked(|actions| {
            let chosen: Vec<&Pending> = ids.iter().filter_map(|id| find(actions, *id)).collect();
            let code = chosen.first()?.code.as_deref();
            let texts: Vec<&str> = chosen.iter().map(|pending| pending.action.as_str()).collect();
            Some(sync_body(self.participant, code, &texts))
        }) else {
            return;
        };
        self.deliveries.update(|d| {
            for id in &ids {
                d.insert(*id, Delivery::Sending);
            }
        });
        leptos::task::spawn_local(async move {
            let answer = api::sync(body).await;
            for id in ids {
                let delivery = match &answer {
                    Ok(response) => Delivery::from_response(response, id),
                    Err(error) => Delivery::from_error(*error),
                };
                self.settle(id, delivery).await;
            }
        });
    }

    async fn settle(self, id: Uuid, delivery: Delivery) {
        let Some((key, kind)) =
            self.actions.with_untracked(|actions| find(actions, id).map(|pending| (pending.key(), pending.counted())))
        else {
            return;
        };
        if delivery.leaves_phone() {
            storage::remove(Shelf::Outbox, &key).await;
        }
        let counted = matches!(delivery, Delivery::Counted { .. });
        self.deliveries.update(|d| {
            d.insert(id, delivery);
        });
        if let (true, Some(kind)) = (counted, kind) {
            self.counted.update(|counted| *counted.entry(kind).or_default() += 1);
        }
    }
}

/// The random participant id of this device, made on the first visit and
/// kept in localStorage (no account, no e-mail: DESIGN §7).
fn participant() -> Uuid {
    if let Some(id) = browser::stored(PARTICIPANT_KEY).and_then(|stored| stored.parse::<Uuid>().ok()) {
        return id;
    }
    let id = new_uuid();
    browser::store(PARTICIPANT_KEY, &id.to_string());
    id
}

/// A version 4 UUID from the browser's `crypto.getRandomValues`.
fn new_uuid() -> Uuid {
    uuid::Builder::from_random_bytes(browser::random_bytes()).into_uuid()
}

pub fn provide_outbox() {
    let outbox = Outbox::new();
    provide_context(outbox);
    outbox.start();
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

    fn ballot(id: u128, item: &str, code: Option<&str>, made_at: u64) -> (Uuid, Pending) {
        let kind = ActionKind::Ballot {
            item: item.into(),
            ballot: Ballot::Choice { choice: "blocks".into() },
            cast_at: Some(datetime!(2026-11-20 10:00 UTC)),
        };
        let action = Action { id: Uuid::from_u128(id), consultation: "water".into(), kind };
        (action.id, Pending::new(&action, code.map(str::to_owned), made_at))
    }

    #[test]
    fn a_saved_action_reads_back_from_the_phone_as_it_was() {
        let (id, pending) = ballot(7, "tariff", Some("ABCD-2345"), 1_000);
        let record = serde_json::to_string(&pending).unwrap();
        let read: Pending = serde_json::from_str(&record).unwrap();
        assert_eq!(read, pending);
        assert_eq!(read.id.parse::<Uuid>().unwrap(), id);
        assert_eq!(read.counted(), Some(Counted::Ballot));
        let action: Action = serde_json::from_str(&read.action).unwrap();
        assert_eq!(action.id, id);
        assert_eq!(action.consultation, "water");
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
        let actions: Vec<(Uuid, Pending)> =
            (0..MAX_ACTIONS_PER_BATCH as u128 + 1).map(|n| ballot(n, "tariff", None, n as u64)).collect();
        let sizes: Vec<usize> = batches(&actions, |_| true).iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![MAX_ACTIONS_PER_BATCH, 1]);
    }

    #[test]
    fn a_form_finds_the_newest_answer_to_its_question() {
        let actions = vec![ballot(1, "tariff", None, 10), ballot(2, "tariff", None, 20), ballot(3, "hours", None, 30)];
        let on = |item: &'static str| move |p: &Pending| p.ballot_item.as_deref() == Some(item);
        assert_eq!(newest(&actions, on("tariff")), Some(Uuid::from_u128(2)));
        assert_eq!(newest(&actions, on("hours")), Some(Uuid::from_u128(3)));
        assert_eq!(newest(&actions, on("kiosks")), None);
    }
}

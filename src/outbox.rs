//! The outbox: the one way a citizen's action (ballot, comment, and later
//! reactions and useful-marks) leaves the device.
//!
//! [`Outbox::submit`] gives the action a fresh UUID, sends it with
//! `POST /api/v1/sync` (through [`crate::api::sync`]) and reports its
//! [`Delivery`] reactively. An action that could not be sent stays here so the
//! citizen can send it again with the same UUID: the server counts it once.
//! Pages never call the network for an action themselves, so making the
//! outbox durable (IndexedDB, DESIGN §6) changes this module only.

use std::collections::HashMap;

use baraza_core::sync::{Action, ActionKind, ActionResult, ActionStatus, RejectCode, SyncRequest, SyncResponse};
use leptos::prelude::*;
use uuid::Uuid;

use crate::api::{self, AppError};
use crate::browser;

/// Where the participant id is kept between visits (DESIGN §7).
const PARTICIPANT_KEY: &str = "baraza.participant";

/// Where an action stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sending,
    /// Stored by the server (now, or earlier under the same id), with its receipt.
    Counted {
        receipt: String,
    },
    /// Refused by the server for this reason.
    Rejected(RejectCode),
    /// Not delivered; kept for sending again.
    NotSent(Failure),
}

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
            Delivery::Counted { .. } => "counted",
            Delivery::Rejected(_) => "rejected",
            Delivery::NotSent(_) => "not-sent",
        }
    }

    /// The delivery of action `id` according to the server's answer.
    pub fn from_response(response: &SyncResponse, id: Uuid) -> Self {
        let id = id.to_string();
        match response.results.iter().find(|result| result.id == id) {
            Some(result) => Delivery::from_result(result),
            None => Delivery::NotSent(Failure::Server),
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
            AppError::Network => Delivery::NotSent(Failure::Network),
            _ => Delivery::NotSent(Failure::Server),
        }
    }
}

/// The kinds of action whose counting other parts of the page follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    Ballot,
    Comment,
}

#[derive(Clone)]
struct Pending {
    action: Action,
    code: Option<String>,
}

/// Provided once for the whole app; see [`use_outbox`].
#[derive(Clone, Copy)]
pub struct Outbox {
    participant: Uuid,
    pending: StoredValue<HashMap<Uuid, Pending>>,
    deliveries: RwSignal<HashMap<Uuid, Delivery>>,
    counted: RwSignal<HashMap<Counted, u64>>,
}

impl Outbox {
    fn new() -> Self {
        Outbox {
            participant: participant(),
            pending: StoredValue::new(HashMap::new()),
            deliveries: RwSignal::new(HashMap::new()),
            counted: RwSignal::new(HashMap::new()),
        }
    }

    /// Sends a new action about `consultation`, with the participation
    /// `code` when the consultation needs one; answers the action's id.
    pub fn submit(&self, consultation: &str, kind: ActionKind, code: Option<String>) -> Uuid {
        let id = new_uuid();
        let action = Action { id, consultation: consultation.to_owned(), kind };
        self.pending.update_value(|pending| {
            pending.insert(id, Pending { action, code });
        });
        self.send(id);
        id
    }

    /// Sends again an action that was not sent.
    pub fn retry(&self, id: Uuid) {
        if matches!(self.deliveries.with_untracked(|d| d.get(&id).cloned()), Some(Delivery::NotSent(_))) {
            self.send(id);
        }
    }

    /// Where action `id` stands (reactive).
    pub fn delivery(&self, id: Uuid) -> Option<Delivery> {
        self.deliveries.with(|deliveries| deliveries.get(&id).cloned())
    }

    /// How many actions of this kind were counted so far (reactive): results
    /// and comment lists reload when it changes.
    pub fn counted(&self, kind: Counted) -> u64 {
        self.counted.with(|counted| counted.get(&kind).copied().unwrap_or(0))
    }

    fn send(self, id: Uuid) {
        let Some(Pending { action, code }) = self.pending.with_value(|pending| pending.get(&id).cloned()) else {
            return;
        };
        self.deliveries.update(|d| {
            d.insert(id, Delivery::Sending);
        });
        let kind = match action.kind {
            ActionKind::Comment { .. } => Some(Counted::Comment),
            ActionKind::Ballot { .. } => Some(Counted::Ballot),
            _ => None,
        };
        let request = SyncRequest::new(self.participant, code, std::slice::from_ref(&action));
        leptos::task::spawn_local(async move {
            let delivery = match api::sync(&request).await {
                Ok(response) => Delivery::from_response(&response, id),
                Err(error) => Delivery::from_error(error),
            };
            if !matches!(delivery, Delivery::NotSent(_)) {
                self.pending.update_value(|pending| {
                    pending.remove(&id);
                });
            }
            let counted = matches!(delivery, Delivery::Counted { .. });
            self.deliveries.update(|d| {
                d.insert(id, delivery);
            });
            if let (true, Some(kind)) = (counted, kind) {
                self.counted.update(|counted| *counted.entry(kind).or_default() += 1);
            }
        });
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
    provide_context(Outbox::new());
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use baraza_core::sync::Rejection;

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
    fn an_answer_without_the_action_means_not_sent() {
        let answer = response(vec![ActionResult::counted(Uuid::from_u128(1), ActionStatus::Accepted, "R".into())]);
        let delivery = Delivery::from_response(&answer, Uuid::from_u128(2));
        assert_eq!(delivery, Delivery::NotSent(Failure::Server));
        assert_eq!(delivery.name(), "not-sent");
    }

    #[test]
    fn a_network_failure_keeps_the_action_for_retry() {
        assert_eq!(Delivery::from_error(AppError::Network), Delivery::NotSent(Failure::Network));
        assert_eq!(Delivery::from_error(AppError::Server), Delivery::NotSent(Failure::Server));
    }
}

//! Any bytes as the body of `POST /api/v1/sync`: reading the request and
//! each action, and admitting it into each reference consultation at every
//! moment that matters, never panics. An action read is one the server can
//! keep: its `cast_at` inside the calendar, never after its arrival, in
//! UTC, and it reads back the same from the JSON that is signed and stored.

#![no_main]

use baraza_core::ballot::tally_keys;
use baraza_core::bounds;
use baraza_core::sync::{admit, Action, ActionKind, SyncRequest, MAX_ACTIONS_PER_BATCH};
use baraza_fuzz::{examples, moments};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<SyncRequest>(data) else { return };
    let consultations = examples();
    for raw in request.actions.iter().take(MAX_ACTIONS_PER_BATCH) {
        for consultation in consultations {
            for received_at in moments(consultation) {
                let Ok(action) = Action::parse(raw, received_at) else { continue };
                if let ActionKind::Ballot { cast_at: Some(cast_at), ballot, .. } = &action.kind {
                    assert!(bounds::in_calendar(*cast_at) && *cast_at <= received_at, "{cast_at}");
                    assert_eq!(cast_at.offset(), time::UtcOffset::UTC);
                    let _ = tally_keys(ballot);
                }
                let stored = serde_json::to_value(&action).expect("an action always serializes");
                assert_eq!(Action::parse(&stored, received_at).ok().as_ref(), Some(&action));
                let _ = admit(consultation, &action, request.code.is_some(), received_at);
            }
        }
    }
});

//! `POST /api/v1/sync` with an action id that was used before: a receipt
//! answers only the participant who sent the action, for that very action,
//! so that it proves the action was theirs. Any other use of the id is
//! refused with `action_id_taken`, and nothing changes.

use rstest::rstest;
use rstest_reuse::apply;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::common::*;
use crate::common::{databases, Database};

fn assert_taken(result: &Value) {
    assert_eq!(result["status"], "rejected", "{result}");
    assert_eq!(result["error"]["code"], "action_id_taken", "{result}");
    assert!(result.get("receipt").is_none(), "{result}");
}

#[apply(databases)]
#[tokio::test]
async fn two_devices_sending_one_action_id_get_one_receipt_and_one_refusal(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let id = new_id();
    let vote = ballot(&id, WATER, "tariff", json!({"choice": "blocks"}));
    let mine = server.sync(PARTICIPANT, std::slice::from_ref(&vote)).await;
    assert_eq!(mine[0]["status"], "accepted");
    // Another device that learned the id sends the very same action.
    let theirs = server.sync(OTHER_PARTICIPANT, &[vote]).await;
    assert_taken(&theirs[0]);
    assert_eq!(server.counts(WATER, "tariff").await["blocks"], 1);
    assert_eq!(server.results(WATER).await["participants"], 1);
    let stored: i64 = server.scalar("SELECT COUNT(*) FROM actions").await;
    assert_eq!(stored, 1);

    // A comment's id is public: another device sending it is refused too.
    let said = comment(&new_id(), WATER, "Kiosks close too early.");
    assert_eq!(server.sync(PARTICIPANT, std::slice::from_ref(&said)).await[0]["status"], "accepted");
    assert_taken(&server.sync(OTHER_PARTICIPANT, &[said]).await[0]);
}

#[apply(databases)]
#[tokio::test]
async fn the_same_device_sending_other_content_under_a_used_id_is_refused(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let id = new_id();
    let first = server.sync(PARTICIPANT, &[ballot(&id, WATER, "tariff", json!({"choice": "blocks"}))]).await;
    assert_eq!(first[0]["status"], "accepted");
    let other = server.sync(PARTICIPANT, &[ballot(&id, WATER, "tariff", json!({"choice": "flat"}))]).await;
    assert_taken(&other[0]);
    let feedback_under_it = server.sync(PARTICIPANT, &[feedback(&id, WATER, "tariff", true)]).await;
    assert_taken(&feedback_under_it[0]);
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));

    // The action itself, sent again, is still answered its receipt.
    let again = server.sync(PARTICIPANT, &[ballot(&id, WATER, "tariff", json!({"choice": "blocks"}))]).await;
    assert_eq!(again[0]["status"], "duplicate");
    assert_eq!(again[0]["receipt"], first[0]["receipt"]);
}

#[apply(databases)]
#[tokio::test]
async fn a_ballot_from_a_clock_running_ahead_sent_again_is_a_duplicate(#[case] database: Database) {
    let server = TestServer::start(database).await;
    // Its cast time is read as its arrival, which is later on each retry.
    let ahead = rfc3339(OffsetDateTime::now_utc() + Duration::days(1));
    let vote = ballot_cast_at(&new_id(), WATER, "tariff", json!({"choice": "flat"}), &ahead);
    let first = server.sync(PARTICIPANT, std::slice::from_ref(&vote)).await;
    assert_eq!(first[0]["status"], "accepted");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = server.sync(PARTICIPANT, &[vote]).await;
    assert_eq!(again[0]["status"], "duplicate", "{again:?}");
    assert_eq!(again[0]["receipt"], first[0]["receipt"]);
}

//! `POST /api/v1/sync` with ballots: idempotency, replacement, rejection.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn a_batch_replayed_three_times_counts_once(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let batch = [
        ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
        comment(&new_id(), WATER, "Kiosks close too early."),
    ];
    let first = server.sync(PARTICIPANT, &batch).await;
    assert!(first.iter().all(|r| r["status"] == "accepted"), "{first:?}");
    for _ in 0..3 {
        let again = server.sync(PARTICIPANT, &batch).await;
        for (first, again) in first.iter().zip(&again) {
            assert_eq!(again["status"], "duplicate");
            assert_eq!(again["receipt"], first["receipt"]);
            assert_eq!(again["id"], first["id"]);
        }
    }
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));
    assert_eq!(server.results(WATER).await["participants"], 1);
    let comments = server.get(&format!("/api/v1/consultations/{WATER}/comments")).await.json();
    assert_eq!(comments["comments"].as_array().unwrap().len(), 1);
}

#[apply(databases)]
#[tokio::test]
async fn an_action_repeated_within_one_batch_counts_once(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let vote = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    let results = server.sync(PARTICIPANT, &[vote.clone(), vote]).await;
    assert_eq!(results[0]["status"], "accepted");
    assert_eq!(results[1]["status"], "duplicate");
    assert_eq!(results[1]["receipt"], results[0]["receipt"]);
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn a_receipt_is_the_servers_keyed_hash_of_the_action(#[case] database: Database) {
    use hmac::{Hmac, Mac};
    let server = TestServer::start(database).await;
    let id = new_id();
    let results = server.sync(PARTICIPANT, &[ballot(&id, WATER, "tariff", json!({"choice": "blocks"}))]).await;
    let receipt = results[0]["receipt"].as_str().unwrap().to_owned();
    assert_eq!(receipt.len(), 16);
    assert!(receipt.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{receipt}");

    // The action as core writes it, which is what the receipt signs.
    let key: String = server.scalar("SELECT value FROM settings WHERE key = 'receipt_key'").await;
    let action = baraza_core::sync::Action::parse(
        &ballot(&id, WATER, "tariff", json!({"choice": "blocks"})),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let payload = serde_json::to_string(&action).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("{id}\n{payload}").as_bytes());
    let expected: String = mac.finalize().into_bytes()[..8].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(receipt, expected);

    // Another action gets another receipt.
    let other = server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await;
    assert_ne!(other[0]["receipt"], receipt.as_str());

    // The time a device cast a ballot is signed in UTC, to the millisecond,
    // as it is stored: the same however the device wrote it.
    let cast_id = new_id();
    let cast = ballot_cast_at(&cast_id, WATER, "tariff", json!({"choice": "flat"}), "2026-11-20T13:00:00.123456+03:00");
    let results = server.sync(OTHER_PARTICIPANT, &[cast]).await;
    let as_stored = ballot_cast_at(&cast_id, WATER, "tariff", json!({"choice": "flat"}), "2026-11-20T10:00:00.123Z");
    let payload =
        serde_json::to_string(&baraza_core::sync::Action::parse(&as_stored, time::OffsetDateTime::now_utc()).unwrap())
            .unwrap();
    assert!(payload.contains("\"cast_at\":\"2026-11-20T10:00:00.123Z\""), "{payload}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(format!("{cast_id}\n{payload}").as_bytes());
    let expected: String = mac.finalize().into_bytes()[..8].iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(results[0]["receipt"], expected);
}

#[apply(databases)]
#[tokio::test]
async fn the_receipt_key_is_made_once_and_survives_a_restart(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let vote = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    let first = server.sync(PARTICIPANT, std::slice::from_ref(&vote)).await;
    let server = server.restart().await;
    let again = server.sync(PARTICIPANT, &[vote]).await;
    assert_eq!(again[0]["status"], "duplicate");
    assert_eq!(again[0]["receipt"], first[0]["receipt"]);
    let keys: i64 = server.scalar("SELECT COUNT(*) FROM settings").await;
    assert_eq!(keys, 1);
}

#[apply(databases)]
#[tokio::test]
async fn a_newer_ballot_replaces_the_older_one(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let older = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    let newer = ballot(&new_id(), WATER, "tariff", json!({"choice": "per-litre"}));
    server.sync(PARTICIPANT, &[older]).await;
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
    server.sync(PARTICIPANT, &[newer]).await;
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 0, "per-litre": 1}));
    let item = &server.results(WATER).await["items"][0];
    assert_eq!(item["ballots"], 1);

    // Another participant's ballot stands beside it.
    server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 1, "per-litre": 1}));
}

#[apply(databases)]
#[tokio::test]
async fn an_older_ballot_arriving_late_does_not_replace_a_newer_one(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut newer = ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}));
    newer["cast_at"] = json!("2026-11-20T10:05:00Z");
    let mut older = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    older["cast_at"] = json!("2026-11-20T10:00:00Z");
    server.sync(PARTICIPANT, &[newer]).await;
    let late = server.sync(PARTICIPANT, &[older]).await;
    assert_eq!(late[0]["status"], "accepted", "it is still recorded");
    assert!(late[0]["receipt"].is_string());
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));

    // A ballot cast after both still replaces the standing one.
    let mut newest = ballot(&new_id(), WATER, "tariff", json!({"choice": "per-litre"}));
    newest["cast_at"] = json!("2026-11-20T10:10:00Z");
    server.sync(PARTICIPANT, &[newest]).await;
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 0, "per-litre": 1}));
}

#[apply(databases)]
#[tokio::test]
async fn a_ballot_naming_an_unknown_option_is_rejected_while_the_rest_counts(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let results = server
        .sync(
            PARTICIPANT,
            &[
                ballot(&new_id(), WATER, "tariff", json!({"choice": "free-water"})),
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})),
                json!({"id": "not-a-uuid", "kind": "ballot"}),
                ballot(&new_id(), "no-such-consultation", "tariff", json!({"choice": "flat"})),
                ballot(&new_id(), WATER, "priorities", json!({"choices": ["leaks", "hours"]})),
                ballot(&new_id(), WATER, "no-such-item", json!({"choice": "flat"})),
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 99})),
            ],
        )
        .await;
    let statuses: Vec<_> = results.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["rejected", "accepted", "rejected", "rejected", "accepted", "rejected", "rejected"]);
    assert_eq!(results[5]["error"]["code"], "unknown_item");
    assert_eq!(results[6]["error"]["code"], "invalid_ballot");
    assert_eq!(results[0]["error"]["code"], "unknown_option");
    assert_eq!(results[0]["error"]["message"], "\"free-water\" is not an option of this item");
    assert!(results[0].get("receipt").is_none());
    assert_eq!(results[2]["id"], "not-a-uuid");
    assert_eq!(results[2]["error"]["code"], "invalid_action");
    assert_eq!(results[3]["error"]["code"], "unknown_consultation");
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 0, "per-litre": 0}));
    assert_eq!(server.counts(WATER, "satisfaction").await["4"], 1);
    assert_eq!(server.counts(WATER, "priorities").await, json!({"hours": 1, "kiosks": 0, "leaks": 1, "quality": 0}));
}

#[apply(databases)]
#[tokio::test]
async fn useful_marks_count_on_information_sections(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mark =
        |useful| json!({"id": new_id(), "consultation": ROAD, "kind": "feedback", "item": "stages", "useful": useful});
    server.sync(PARTICIPANT, &[mark(true)]).await;
    server.sync(OTHER_PARTICIPANT, &[mark(false)]).await;
    server.sync(PARTICIPANT, &[mark(false)]).await;
    let results = server.results(ROAD).await;
    assert_eq!(results["items"][0]["useful"], json!({"yes": 0, "no": 2}));
    assert_eq!(results["items"][1]["useful"], json!({"yes": 0, "no": 0}));

    let on_a_question =
        json!({"id": new_id(), "consultation": WATER, "kind": "feedback", "item": "tariff", "useful": true});
    assert_eq!(server.sync(PARTICIPANT, &[on_a_question]).await[0]["error"]["code"], "invalid_action");
}

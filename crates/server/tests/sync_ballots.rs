//! `POST /api/v1/sync` with ballots: idempotency, replacement, rejection.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn a_batch_sent_twice_counts_once() {
    let server = TestServer::start().await;
    let batch = [
        ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
        comment(&new_id(), WATER, "Kiosks close too early."),
    ];
    let first = server.sync(PARTICIPANT, &batch).await;
    assert!(first.iter().all(|r| r["status"] == "accepted"), "{first:?}");
    let second = server.sync(PARTICIPANT, &batch).await;
    for (first, second) in first.iter().zip(&second) {
        assert_eq!(second["status"], "duplicate");
        assert_eq!(second["receipt"], first["receipt"]);
        assert_eq!(second["id"], first["id"]);
    }
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));
    assert_eq!(server.results(WATER).await["participants"], 1);
    let comments = server.get(&format!("/api/v1/consultations/{WATER}/comments")).await.json();
    assert_eq!(comments["comments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_newer_ballot_replaces_the_older_one() {
    let server = TestServer::start().await;
    let older = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    let newer = ballot(&new_id(), WATER, "tariff", json!({"choice": "per-litre"}));
    server.sync(PARTICIPANT, &[older]).await;
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
    server.sync(PARTICIPANT, &[newer]).await;
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 0, "per-litre": 1}));
    let item = &server.results(WATER).await["items"][0];
    assert_eq!(item["ballots"], 1);

    // Another participant's ballot stands beside it.
    server.sync("7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22", &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 0, "flat": 1, "per-litre": 1}));
}

#[tokio::test]
async fn an_older_ballot_arriving_late_does_not_replace_a_newer_one() {
    let server = TestServer::start().await;
    let mut newer = ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}));
    newer["cast_at"] = json!("2026-11-20T10:05:00Z");
    let mut older = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    older["cast_at"] = json!("2026-11-20T10:00:00Z");
    server.sync(PARTICIPANT, &[newer]).await;
    let late = server.sync(PARTICIPANT, &[older]).await;
    assert_eq!(late[0]["status"], "accepted");
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));
}

#[tokio::test]
async fn a_ballot_naming_an_unknown_option_is_rejected_while_the_rest_counts() {
    let server = TestServer::start().await;
    let results = server
        .sync(
            PARTICIPANT,
            &[
                ballot(&new_id(), WATER, "tariff", json!({"choice": "free-water"})),
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})),
                json!({"id": "not-a-uuid", "kind": "ballot"}),
                ballot(&new_id(), "no-such-consultation", "tariff", json!({"choice": "flat"})),
                ballot(&new_id(), WATER, "priorities", json!({"choices": ["leaks", "hours"]})),
            ],
        )
        .await;
    let statuses: Vec<_> = results.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["rejected", "accepted", "rejected", "rejected", "accepted"]);
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

#[tokio::test]
async fn a_closed_consultation_rejects_ballots_except_those_cast_before_within_grace() {
    let server = TestServer::start().await;
    let now = time::OffsetDateTime::now_utc();
    let rfc3339 = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    let mut closed = definition(WATER);
    closed["opens_at"] = json!("2020-01-01T00:00:00Z");
    closed["closes_at"] = json!(rfc3339(now - time::Duration::hours(1)));
    closed["offline_grace_hours"] = json!(24);
    server.publish(closed).await;

    let mut cast_before = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
    cast_before["cast_at"] = json!(rfc3339(now - time::Duration::hours(2)));
    let mut cast_after = ballot(&new_id(), WATER, "satisfaction", json!({"value": 2}));
    cast_after["cast_at"] = json!(rfc3339(now - time::Duration::minutes(30)));
    let results = server.sync(PARTICIPANT, &[cast_before, cast_after]).await;
    assert_eq!(results[0]["status"], "accepted");
    assert_eq!(results[1]["status"], "rejected");
    assert_eq!(results[1]["error"]["code"], "consultation_closed");
}

#[tokio::test]
async fn a_codes_consultation_refuses_ballots_without_a_valid_code() {
    let server = TestServer::start().await;
    let vote = || ballot(&new_id(), VILLAGE, "market-day", json!({"answer": "yes"}));
    let without = server.sync(PARTICIPANT, &[vote()]).await;
    assert_eq!(without[0]["error"]["code"], "code_required");
    let with_unknown = server.sync_with_code(PARTICIPANT, Some("ABCD-EFGH"), &[vote()]).await;
    assert_eq!(with_unknown[0]["error"]["code"], "invalid_code");
}

#[tokio::test]
async fn useful_marks_count_on_information_sections() {
    let server = TestServer::start().await;
    let mark = |useful| json!({"id": new_id(), "consultation": ROAD, "kind": "feedback", "item": "stages", "useful": useful});
    server.sync(PARTICIPANT, &[mark(true)]).await;
    server.sync("7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22", &[mark(false)]).await;
    server.sync(PARTICIPANT, &[mark(false)]).await;
    let results = server.results(ROAD).await;
    assert_eq!(results["items"][0]["useful"], json!({"yes": 0, "no": 2}));
}

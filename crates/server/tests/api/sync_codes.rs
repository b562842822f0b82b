//! Ballots of a `codes` consultation: each issued code is one voter, bound
//! to the first device that votes with it.

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

use crate::common::*;

const THIRD_PARTICIPANT: &str = "0b7c3e55-1f2a-4d6b-9c8e-3a4f5b6c7d80";

/// The village budget, with results shown live so the tests can read them.
async fn village_with_codes(count: u32) -> (TestServer, Vec<String>) {
    let server = TestServer::empty().await;
    let mut village = definition(VILLAGE);
    village["results"] = json!("live");
    server.publish(village).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{VILLAGE}/codes");
    let answer = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": count }))).await;
    assert_eq!(answer.status, StatusCode::OK);
    let text = String::from_utf8(answer.body).unwrap();
    let codes = text.lines().skip(1).map(|line| line.trim().to_owned()).collect();
    (server, codes)
}

async fn vote(server: &TestServer, participant: &str, code: Option<&str>, answer: &str) -> Value {
    let action = ballot(&new_id(), VILLAGE, "market-day", json!({ "answer": answer }));
    server.sync_with_code(participant, code, &[action]).await.remove(0)
}

#[tokio::test]
async fn an_issued_code_counts_however_it_is_typed() {
    let (server, codes) = village_with_codes(2).await;
    let first = vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(first["status"], "accepted", "{first}");
    let typed = codes[1].to_lowercase().replace('-', " ");
    let second = vote(&server, OTHER_PARTICIPANT, Some(&typed), "no").await;
    assert_eq!(second["status"], "accepted", "{second}");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 1, "no": 1, "abstain": 0 }));
}

#[tokio::test]
async fn a_missing_or_unknown_code_is_refused() {
    let (server, _) = village_with_codes(1).await;
    let missing = vote(&server, PARTICIPANT, None, "yes").await;
    assert_eq!(missing["error"]["code"], "code_required");
    let unknown = vote(&server, PARTICIPANT, Some("2345-6789-ABCD"), "yes").await;
    assert_eq!(unknown["error"]["code"], "invalid_code");
    let garbled = vote(&server, PARTICIPANT, Some("0000"), "yes").await;
    assert_eq!(garbled["error"]["code"], "invalid_code");
}

#[tokio::test]
async fn a_used_code_belongs_to_its_first_device() {
    let (server, codes) = village_with_codes(1).await;
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    let stolen = vote(&server, OTHER_PARTICIPANT, Some(&codes[0]), "no").await;
    assert_eq!(stolen["status"], "rejected");
    assert_eq!(stolen["error"]["code"], "code_used");
    // Its owner may still change their mind: the newer ballot replaces the older.
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "no").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 0, "no": 1, "abstain": 0 }));
}

#[tokio::test]
async fn two_people_sharing_a_phone_vote_with_their_own_codes() {
    let (server, codes) = village_with_codes(2).await;
    assert_eq!(vote(&server, THIRD_PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    assert_eq!(vote(&server, THIRD_PARTICIPANT, Some(&codes[1]), "yes").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 2, "no": 0, "abstain": 0 }));
}

#[tokio::test]
async fn nothing_stored_with_a_code_ballot_leads_to_the_code_or_its_device() {
    let (server, codes) = village_with_codes(1).await;
    let at_vote = time::OffsetDateTime::now_utc();
    let counted = vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await;
    assert_eq!(counted["status"], "accepted", "{counted}");
    let (hash, device, used_at): (String, String, String) =
        sqlx::query_as("SELECT code_hash, participant, used_at FROM participation_codes WHERE consultation = ?1")
            .bind(VILLAGE)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(device, PARTICIPANT, "the code is bound to its device");
    assert_eq!(used_at, at_vote.date().to_string(), "only the day of first use is kept");

    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.participant, b.participant FROM actions a JOIN ballots b ON b.action_id = a.id
         WHERE a.consultation = ?1",
    )
    .bind(VILLAGE)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 1);
    for voter in [&stored[0].0, &stored[0].1] {
        assert!(voter.starts_with("voter:"), "{voter}");
        assert!(!voter.contains(&hash), "{voter} holds the code's hash");
        assert_ne!(voter, PARTICIPANT, "the ballot is stored under the device");
    }
    // Ballots and the code's row share no value at all.
    let shared: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ballots b, participation_codes c
         WHERE b.participant IN (c.code_hash, c.participant, 'code:' || c.code_hash)",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    assert_eq!(shared, 0);
}

#[tokio::test]
async fn a_ballot_stored_under_the_code_hash_before_is_replaced_not_counted_twice() {
    let (server, codes) = village_with_codes(1).await;
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "yes").await["status"], "accepted");
    // As earlier versions stored it: under `code:` and the code's hash, the
    // code marked by migration 0006 as used before.
    sqlx::query(
        "UPDATE ballots SET participant = 'code:' ||
           (SELECT code_hash FROM participation_codes WHERE consultation = ballots.consultation)",
    )
    .execute(&server.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE participation_codes SET ballots_under_hash = 1").execute(&server.pool).await.unwrap();
    assert_eq!(vote(&server, PARTICIPANT, Some(&codes[0]), "no").await["status"], "accepted");
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 0, "no": 1, "abstain": 0 }));
    let ballots: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ballots").fetch_one(&server.pool).await.unwrap();
    assert_eq!(ballots, 1);
    let still_marked: bool =
        sqlx::query_scalar("SELECT ballots_under_hash FROM participation_codes").fetch_one(&server.pool).await.unwrap();
    assert!(!still_marked, "the ballots move once");
}

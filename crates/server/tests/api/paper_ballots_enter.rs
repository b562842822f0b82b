//! `POST /api/v1/admin/paper-ballots`: a clerk enters paper ballots, each
//! counted as a phone's ballot is (codes refused once used, a batch sent
//! twice counted once), stored as come on paper, reported apart in the
//! results and exports, and recorded in the change log per batch.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

const PATH: &str = "/api/v1/admin/paper-ballots";

/// A paper ballot of the village budget vote: its answer on market day,
/// with the code printed on it.
fn village_paper(code: &str, answer: &str) -> Value {
    let action = ballot(&new_id(), VILLAGE, "market-day", json!({ "answer": answer }));
    json!({ "participant": new_id(), "code": code, "actions": [action] })
}

async fn enter(server: &TestServer, clerk: &str, ballots: &[Value]) -> Vec<Value> {
    let answer = server.send_as("POST", PATH, Some(clerk), Some(json!({ "ballots": ballots }))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    answer.json()["ballots"].as_array().unwrap().clone()
}

#[apply(databases)]
#[tokio::test]
async fn paper_ballots_count_as_online_ones_and_a_used_code_is_refused(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 4).await;
    // One code is used online first.
    let online = ballot(&new_id(), VILLAGE, "market-day", json!({ "answer": "no" }));
    assert_eq!(server.sync_with_code(PARTICIPANT, Some(&codes[0]), &[online]).await[0]["status"], "accepted");
    let clerk = server.token(Role::Clerk).await;
    let papers = [
        village_paper(&codes[1], "yes"),
        village_paper(&codes[2], "yes"),
        // The code used online, and a code already entered from another paper.
        village_paper(&codes[0], "yes"),
        village_paper(&codes[1], "no"),
        village_paper(&codes[3], "abstain"),
    ];
    let entered = enter(&server, &clerk, &papers).await;
    let statuses: Vec<&str> = entered.iter().map(|b| b["results"][0]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["accepted", "accepted", "rejected", "rejected", "accepted"]);
    for refused in &entered[2..4] {
        assert_eq!(refused["results"][0]["error"]["code"], "code_used");
        assert!(refused.get("receipt").is_none());
    }
    assert_eq!(entered[0]["participant"], papers[0]["participant"]);
    // Counting treats both channels alike.
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 2, "no": 1, "abstain": 1 }));

    // The receipt written on the paper checks as any receipt.
    let analyst = server.token(Role::Analyst).await;
    let receipt = entered[0]["receipt"].as_str().unwrap();
    let check = server.send_as("GET", &format!("/api/v1/admin/receipts/{receipt}"), Some(&analyst), None).await.json();
    assert_eq!(check["kind"], "ballot");
    assert_eq!(check["authentic"], true);
    assert_eq!(check["standing"], true);

    // The batch sent again (the clerk's device did not hear back) counts once.
    let again = enter(&server, &clerk, &papers).await;
    assert_eq!(again[0]["results"][0]["status"], "duplicate");
    assert_eq!(again[0]["receipt"], entered[0]["receipt"]);
    assert_eq!(server.counts(VILLAGE, "market-day").await, json!({ "yes": 2, "no": 1, "abstain": 1 }));

    // Results say how much came on paper.
    let results =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{VILLAGE}/results"), Some(&analyst), None).await;
    let results = results.json();
    assert_eq!(results["participants"], 4);
    assert_eq!(results["paper"], json!({ "participants": 3, "items": { "market-day": 3 } }));

    // The change log has the batch once: who, how many counted.
    let log =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{VILLAGE}/changes"), Some(&analyst), None).await;
    let batches: Vec<Value> = log.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|change| change["action"] == "paper_ballots")
        .cloned()
        .collect();
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert_eq!(batches[0]["by"], "Test clerk");
    assert_eq!(batches[0]["role"], "clerk");
    assert_eq!(batches[0]["detail"], "3");
}

#[apply(databases)]
#[tokio::test]
async fn exports_say_each_ballots_channel_where_ballots_are_not_secret(#[case] database: Database) {
    let server = TestServer::start(database).await;
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await;
    let clerk = server.token(Role::Clerk).await;
    let paper =
        json!({ "participant": new_id(), "actions": [ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))] });
    assert_eq!(enter(&server, &clerk, &[paper]).await[0]["results"][0]["status"], "accepted");
    let analyst = server.token(Role::Analyst).await;

    let csv =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/export.csv"), Some(&analyst), None).await;
    let csv = String::from_utf8(csv.body).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",text,channel"));
    let mut channels: Vec<(String, String)> = lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|fields| fields[1] == "tariff")
        .map(|fields| (fields[7].to_owned(), fields[15].to_owned()))
        .collect();
    channels.sort();
    assert_eq!(channels, [("blocks".to_owned(), "online".to_owned()), ("flat".to_owned(), "paper".to_owned())]);

    let json =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/export.json"), Some(&analyst), None).await;
    let json = json.json();
    assert_eq!(json["paper"], json!({ "participants": 1, "items": { "tariff": 1 } }));
    let paper: Vec<&Value> = json["ballots"].as_array().unwrap().iter().filter(|b| b["channel"] == "paper").collect();
    assert_eq!(paper.len(), 1);
    assert_eq!(paper[0]["ballot"], json!({"choice": "flat"}));
}

#[apply(databases)]
#[tokio::test]
async fn a_secret_ballots_channel_is_not_exported(#[case] database: Database) {
    let (server, codes) = village_with_codes(database, 1).await;
    let clerk = server.token(Role::Clerk).await;
    enter(&server, &clerk, &[village_paper(&codes[0], "yes")]).await;
    let analyst = server.token(Role::Analyst).await;
    let json = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{VILLAGE}/export.json"), Some(&analyst), None)
        .await;
    let json = json.json();
    let ballots = json["ballots"].as_array().unwrap();
    assert!(!ballots.is_empty());
    assert!(ballots.iter().all(|ballot| ballot["channel"].is_null()));
    // How many came on paper is still said, per item.
    assert_eq!(json["paper"]["items"]["market-day"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn a_paper_ballot_holds_ballots_only_and_a_batch_is_bounded(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let clerk = server.token(Role::Clerk).await;
    let remark = comment(&new_id(), WATER, "Written on the back of the paper.");
    let paper = json!({ "participant": new_id(), "actions": [remark] });
    let entered = enter(&server, &clerk, &[paper]).await;
    assert_eq!(entered[0]["results"][0]["status"], "rejected");
    assert_eq!(entered[0]["results"][0]["error"]["code"], "invalid_action");
    let public = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert!(public["comments"].as_array().unwrap().is_empty());

    let many: Vec<Value> = (0..=baraza_core::paper::MAX_PAPER_BALLOTS_PER_BATCH)
        .map(|_| json!({ "participant": new_id(), "actions": [ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))] }))
        .collect();
    let answer = server.send_as("POST", PATH, Some(&clerk), Some(json!({ "ballots": many }))).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "too_many_paper_ballots");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 0);
}

//! `GET /api/v1/consultations/{id}/results`.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn live_results_are_public_while_open() {
    let server = TestServer::start().await;
    let answer = server.get("/api/v1/consultations/water-services-2027/results").await;
    assert_eq!(answer.status, StatusCode::OK);
    let results = answer.json();
    assert_eq!(results["consultation"], WATER);
    assert_eq!(results["participants"], 0);
    assert_eq!(results["items"][0], json!({
        "id": "tariff", "type": "single_choice", "ballots": 0,
        "counts": {"flat": 0, "per-litre": 0, "blocks": 0},
    }));
}

#[tokio::test]
async fn after_close_results_are_refused_until_the_close() {
    let server = TestServer::start().await;
    let village = server.get("/api/v1/consultations/kijiji-budget-2027/results").await;
    assert_eq!(village.status, StatusCode::FORBIDDEN);
    assert_eq!(village.error_code(), "results_not_public");
    let message = village.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("when the consultation closes") && message.contains("2099-01-01T00:00:00Z"), "{message}");

    let mut closed = definition(VILLAGE);
    closed["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(closed).await;
    assert_eq!(server.get("/api/v1/consultations/kijiji-budget-2027/results").await.status, StatusCode::OK);
}

#[tokio::test]
async fn staff_only_results_are_never_public() {
    let server = TestServer::start().await;
    let mut staff_only = definition(WATER);
    staff_only["results"] = json!("staff_only");
    staff_only["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(staff_only).await;
    let hidden = server.get("/api/v1/consultations/water-services-2027/results").await;
    assert_eq!(hidden.status, StatusCode::FORBIDDEN);
    assert_eq!(hidden.error_code(), "results_not_public");
    assert!(hidden.json()["error"]["message"].as_str().unwrap().contains("staff only"));
}

#[tokio::test]
async fn results_of_an_unknown_consultation_are_a_404() {
    let server = TestServer::start().await;
    let missing = server.get("/api/v1/consultations/no-such-thing/results").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "consultation_not_found");
}

#[tokio::test]
async fn results_report_every_item_in_definition_order() {
    let server = TestServer::start().await;
    server.sync(PARTICIPANT, &[
        ballot(&new_id(), WATER, "satisfaction", json!({"value": 2})),
        ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
        ballot(&new_id(), WATER, "ideas", json!({"text": "Open kiosks at dawn."})),
    ]).await;
    server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "satisfaction", json!({"value": 5}))]).await;
    let results = server.results(WATER).await;
    let ids: Vec<_> = results["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tariff", "priorities", "satisfaction", "kiosk-sites", "ideas"]);
    assert_eq!(results["participants"], 2);
    let satisfaction = &results["items"][2];
    assert_eq!(satisfaction["ballots"], 2);
    assert_eq!(satisfaction["counts"]["2"], 1);
    assert_eq!(satisfaction["counts"]["5"], 1);
    assert_eq!(satisfaction["mean"], 3.5);
    assert_eq!(satisfaction["median"], 3.5);
    assert_eq!(results["items"][3]["counts"]["school"], 1, "a ranking counts first preferences");
    assert_eq!(results["items"][3]["counts"]["market"], 0);
    assert_eq!(results["items"][4]["ballots"], 1);
    assert!(results["items"][4].get("counts").is_none(), "text answers are not shown publicly");
}

//! `POST /api/v1/sync` requests that are malformed as a whole.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn malformed_json_is_a_400_json_error(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.post("/api/v1/sync", "application/json", "{\"participant\": ").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_request");
    assert!(!answer.json()["error"]["message"].as_str().unwrap().is_empty());
}

#[apply(databases)]
#[tokio::test]
async fn a_request_of_the_wrong_shape_is_a_400(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer =
        server.post("/api/v1/sync", "application/json", json!({"participant": "me", "actions": []}).to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_request");
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("participant"), "says what is wrong");

    let answer = server.post("/api/v1/sync", "application/json", json!({"participant": PARTICIPANT}).to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("actions"), "says what is missing");
}

#[apply(databases)]
#[tokio::test]
async fn a_body_not_sent_as_json_is_a_415(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.post("/api/v1/sync", "text/plain", "{}").await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.error_code(), "unsupported_media_type");
}

#[apply(databases)]
#[tokio::test]
async fn an_oversized_body_or_batch_is_a_413(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let huge = json!({"participant": PARTICIPANT, "actions": [], "padding": "x".repeat(2 * 1024 * 1024)});
    let answer = server.post("/api/v1/sync", "application/json", huge.to_string()).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "payload_too_large");

    let actions: Vec<_> = (0..=baraza_core::sync::MAX_ACTIONS_PER_BATCH)
        .map(|_| ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"})))
        .collect();
    let answer = server
        .post("/api/v1/sync", "application/json", json!({"participant": PARTICIPANT, "actions": actions}).to_string())
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "too_many_actions");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 0);
}

#[apply(databases)]
#[tokio::test]
async fn a_well_formed_batch_may_be_empty_and_json_may_name_its_charset(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let body = json!({"participant": PARTICIPANT, "actions": []}).to_string();
    let answer = server.post("/api/v1/sync", "application/json; charset=utf-8", body).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({"results": []}));
}

#[apply(databases)]
#[tokio::test]
async fn sync_takes_only_post(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/sync").await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.error_code(), "method_not_allowed");
}

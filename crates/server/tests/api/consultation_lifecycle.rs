//! Closing early, archiving and the outcome (`…/{id}/close`, `/archive`,
//! `/outcome`): what citizens then see and may still do.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;
use time::OffsetDateTime;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn closing_early_stops_new_ballots_now(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let before = OffsetDateTime::now_utc();
    let answer =
        server.send_as("POST", &format!("/api/v1/admin/consultations/{WATER}/close"), Some(&publisher), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let closed = answer.json();
    assert_eq!(closed["status"], "closed");
    let closes_at =
        OffsetDateTime::parse(closed["closes_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339)
            .unwrap();
    assert!(closes_at >= before - time::Duration::seconds(1) && closes_at <= OffsetDateTime::now_utc());

    let results = server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    assert_eq!(results[0]["status"], "rejected");
    assert_eq!(results[0]["error"]["code"], "consultation_closed");
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(public["closes_at"], closed["closes_at"]);
}

#[apply(databases)]
#[tokio::test]
async fn only_an_open_consultation_can_be_closed(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let close = format!("/api/v1/admin/consultations/{WATER}/close");
    assert_eq!(server.send_as("POST", &close, Some(&publisher), None).await.status, StatusCode::OK);
    let again = server.send_as("POST", &close, Some(&publisher), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "consultation_not_open");

    let mut upcoming = definition(ROAD);
    upcoming["opens_at"] = json!("2090-01-01T00:00:00Z");
    server.publish(upcoming).await;
    let answer =
        server.send_as("POST", &format!("/api/v1/admin/consultations/{ROAD}/close"), Some(&publisher), None).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.json()["error"]["message"].as_str().unwrap().contains("not opened yet"));

    let unknown = server.send_as("POST", "/api/v1/admin/consultations/nope/close", Some(&publisher), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[apply(databases)]
#[tokio::test]
async fn an_archived_consultation_leaves_the_public_list_but_stays_readable(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let archive = format!("/api/v1/admin/consultations/{ROAD}/archive");
    let answer = server.send_as("POST", &archive, Some(&publisher), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["archived"], true);
    assert_eq!(server.send_as("POST", &archive, Some(&publisher), None).await.status, StatusCode::OK, "twice");

    let listed = server.get("/api/v1/consultations").await.json();
    let ids: Vec<&str> =
        listed["consultations"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&ROAD), "{ids:?}");
    assert_eq!(ids.len(), 2);
    let direct = server.get(&format!("/api/v1/consultations/{ROAD}")).await;
    assert_eq!(direct.status, StatusCode::OK);
    assert_eq!(direct.json()["archived"], true);
    let archived: i64 = server.scalar("SELECT COUNT(*) FROM changes WHERE action = 'archived'").await;
    assert_eq!(archived, 1, "archiving twice is recorded once");
}

#[apply(databases)]
#[tokio::test]
async fn citizens_read_the_outcome_in_their_language(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{WATER}/outcome");
    let outcome = json!({ "outcome": { "en": "Block tariffs start in March.", "fr": "Les tarifs par tranches commencent en mars." } });
    let answer = server.send_as("PUT", &path, Some(&publisher), Some(outcome)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.json()["outcome"]["fr"], "Les tarifs par tranches commencent en mars.");
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(public["outcome"]["en"], "Block tariffs start in March.");
    let posted = json!({ "outcome": { "en": "Block tariffs start in April." } });
    assert_eq!(server.send_as("POST", &path, Some(&publisher), Some(posted)).await.status, StatusCode::OK);
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(public["outcome"]["en"], "Block tariffs start in April.");
    let log =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/changes"), Some(&publisher), None).await;
    assert_eq!(log.json()["changes"][1]["detail"], "en, fr");
}

#[apply(databases)]
#[tokio::test]
async fn an_outcome_without_the_default_language_is_refused(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{WATER}/outcome");
    let answer = server
        .send_as("PUT", &path, Some(&publisher), Some(json!({ "outcome": { "fr": "Seulement en français." } })))
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error_code(), "invalid_definition");
    let problems = answer.json()["error"]["problems"].as_array().unwrap().clone();
    assert!(!problems.is_empty());
    assert!(problems.iter().all(|p| p["path"].as_str().unwrap().starts_with("outcome")), "{problems:?}");
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert!(public.get("outcome").is_none_or(|outcome| outcome.is_null()), "nothing was saved");

    let malformed = server.send_as("PUT", &path, Some(&publisher), Some(json!({ "outcome": "text" }))).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.error_code(), "malformed_request");
}

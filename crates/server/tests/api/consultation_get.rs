//! `GET /api/v1/consultations/{id}`.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::{header, StatusCode};

#[apply(databases)]
#[tokio::test]
async fn a_definition_is_served_exactly_as_core_serializes_it(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/consultations/water-services-2027").await;
    assert_eq!(answer.status, StatusCode::OK);
    let checked = baraza_core::validate::parse_definition(&definition(WATER).to_string()).unwrap();
    assert_eq!(answer.json(), serde_json::to_value(&checked.consultation).unwrap());
    assert_eq!(answer.json()["items"][0]["options"][2]["id"], "blocks");
    // What the app reads back is the core type itself.
    let read: baraza_core::Consultation = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(read, checked.consultation);
}

#[apply(databases)]
#[tokio::test]
async fn an_unknown_consultation_is_a_json_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let missing = server.get("/api/v1/consultations/no-such-thing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "consultation_not_found");
    assert!(missing.json()["error"]["message"].as_str().unwrap().contains("no-such-thing"));
}

#[apply(databases)]
#[tokio::test]
async fn an_unchanged_definition_answers_304_to_its_etag(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let path = "/api/v1/consultations/coastal-road-plan";
    let first = server.get(path).await;
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-cache");
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = server.get_with(path, (header::IF_NONE_MATCH, &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // Each definition has its own tag.
    let other = server.get_with("/api/v1/consultations/water-services-2027", (header::IF_NONE_MATCH, &etag)).await;
    assert_eq!(other.status, StatusCode::OK);
}

//! `GET /api/v1/consultations`.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::{header, StatusCode};
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn the_list_has_every_consultation_with_level_and_status(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut upcoming = definition(ROAD);
    upcoming["opens_at"] = json!("2098-01-01T00:00:00Z");
    server.publish(upcoming).await;
    let mut closed = definition(VILLAGE);
    closed["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(closed).await;

    let answer = server.get("/api/v1/consultations").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
    let list = answer.json();
    let consultations = list["consultations"].as_array().unwrap();
    assert_eq!(consultations.len(), 3);
    let summary = |id: &str| consultations.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(summary(WATER)["level"], "consult");
    assert_eq!(summary(WATER)["status"], "open");
    assert_eq!(summary(ROAD)["level"], "inform");
    assert_eq!(summary(ROAD)["status"], "upcoming");
    assert_eq!(summary(VILLAGE)["level"], "decide");
    assert_eq!(summary(VILLAGE)["status"], "closed");
    assert_eq!(summary(WATER)["title"]["ar"], "خدمات المياه: ما الذي يجب أن يتغير في عام 2027؟");
    assert!(summary(WATER).get("items").is_none(), "the list carries no items");
}

/// The home screen's filters and cards read a consultation's topics and
/// region from the list, as its definition writes them; a consultation
/// without them lists no region and no topic.
#[apply(databases)]
#[tokio::test]
async fn the_list_carries_each_consultations_topics_and_region(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut without = definition(ROAD);
    without.as_object_mut().unwrap().remove("topics");
    without.as_object_mut().unwrap().remove("region");
    server.publish(without).await;

    let list = server.get("/api/v1/consultations").await.json();
    let consultations = list["consultations"].as_array().unwrap();
    let summary = |id: &str| consultations.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(summary(WATER)["topics"], json!(["water", "services"]));
    assert_eq!(summary(WATER)["region"], "Capital District");
    assert_eq!(summary(VILLAGE)["topics"], json!(["budget"]));
    assert_eq!(summary(VILLAGE)["region"], "Kijiji");
    assert_eq!(summary(ROAD)["topics"], json!([]));
    assert!(summary(ROAD).get("region").is_none(), "no region: {}", summary(ROAD));
}

#[apply(databases)]
#[tokio::test]
async fn an_empty_database_lists_nothing(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let answer = server.get("/api/v1/consultations").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({ "consultations": [] }));
}

#[apply(databases)]
#[tokio::test]
async fn an_unchanged_list_answers_304_to_its_etag(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let first = server.get("/api/v1/consultations").await;
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-cache");
    let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "a strong tag: {etag}");

    let again = server.get_with("/api/v1/consultations", (header::IF_NONE_MATCH, &etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.headers[header::ETAG], etag.as_str());

    // If-None-Match compares weakly, and may list several tags.
    let weak = format!("\"old\", W/{etag}");
    assert_eq!(
        server.get_with("/api/v1/consultations", (header::IF_NONE_MATCH, &weak)).await.status,
        StatusCode::NOT_MODIFIED
    );

    let stale = server.get_with("/api/v1/consultations", (header::IF_NONE_MATCH, "\"old\"")).await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.body, first.body);
}

#[apply(databases)]
#[tokio::test]
async fn a_change_of_content_changes_the_etag(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let before = server.get("/api/v1/consultations").await.headers[header::ETAG].clone();
    let mut changed = definition(WATER);
    changed["title"]["en"] = json!("Water services, revised");
    server.publish(changed).await;
    let after = server.get_with("/api/v1/consultations", (header::IF_NONE_MATCH, before.to_str().unwrap())).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.headers[header::ETAG], before);
}

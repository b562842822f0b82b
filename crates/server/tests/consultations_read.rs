//! `GET /api/v1/consultations`, `…/{id}` and `…/{id}/results`.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_list_has_every_consultation_with_level_and_status() {
    let server = TestServer::start().await;
    let mut upcoming = definition(ROAD);
    upcoming["opens_at"] = json!("2098-01-01T00:00:00Z");
    server.publish(upcoming).await;
    let answer = server.get("/api/v1/consultations").await;
    assert_eq!(answer.status, StatusCode::OK);
    let list = answer.json();
    let summary = |id: &str| list["consultations"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(summary(WATER)["level"], "consult");
    assert_eq!(summary(WATER)["status"], "open");
    assert_eq!(summary(ROAD)["status"], "upcoming");
    assert_eq!(summary(VILLAGE)["level"], "decide");
    assert_eq!(summary(WATER)["title"]["ar"], "خدمات المياه: ما الذي يجب أن يتغير في عام 2027؟");
    assert!(summary(WATER).get("items").is_none(), "the list carries no items");
}

#[tokio::test]
async fn an_unchanged_list_or_definition_answers_304_to_its_etag() {
    let server = TestServer::start().await;
    for path in ["/api/v1/consultations", "/api/v1/consultations/water-services-2027"] {
        let first = server.get(path).await;
        let etag = first.headers[header::ETAG].to_str().unwrap().to_owned();
        let again = server.send(Request::get(path).header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap()).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        let stale = server.send(Request::get(path).header(header::IF_NONE_MATCH, "\"old\"").body(Body::empty()).unwrap()).await;
        assert_eq!(stale.status, StatusCode::OK, "{path}");
    }
    // A change of content changes the tag.
    let before = server.get("/api/v1/consultations").await.headers[header::ETAG].clone();
    let mut changed = definition(WATER);
    changed["title"]["en"] = json!("Water services, revised");
    server.publish(changed).await;
    assert_ne!(server.get("/api/v1/consultations").await.headers[header::ETAG], before);
}

#[tokio::test]
async fn a_definition_is_served_whole_and_an_unknown_one_is_a_404() {
    let server = TestServer::start().await;
    let answer = server.get("/api/v1/consultations/water-services-2027").await;
    assert_eq!(answer.status, StatusCode::OK);
    let definition = answer.json();
    assert_eq!(definition["items"].as_array().unwrap().len(), 5);
    assert_eq!(definition["items"][0]["options"][2]["id"], "blocks");

    let missing = server.get("/api/v1/consultations/no-such-thing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "consultation_not_found");
    assert_eq!(server.get("/api/v1/consultations/no-such-thing/results").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn results_follow_the_definitions_visibility_rule() {
    let server = TestServer::start().await;
    // live: public at once.
    assert_eq!(server.get("/api/v1/consultations/water-services-2027/results").await.status, StatusCode::OK);

    // after_close: refused while open, public once closed.
    let village = server.get("/api/v1/consultations/kijiji-budget-2027/results").await;
    assert_eq!(village.status, StatusCode::FORBIDDEN);
    assert_eq!(village.error_code(), "results_not_public");
    let mut closed = definition(VILLAGE);
    closed["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(closed).await;
    assert_eq!(server.get("/api/v1/consultations/kijiji-budget-2027/results").await.status, StatusCode::OK);

    // staff_only: never public, even closed.
    let mut staff_only = definition(WATER);
    staff_only["results"] = json!("staff_only");
    staff_only["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(staff_only).await;
    let hidden = server.get("/api/v1/consultations/water-services-2027/results").await;
    assert_eq!(hidden.status, StatusCode::FORBIDDEN);
    assert_eq!(hidden.error_code(), "results_not_public");
}

#[tokio::test]
async fn results_report_every_item_in_definition_order() {
    let server = TestServer::start().await;
    server.sync(PARTICIPANT, &[
        ballot(&new_id(), WATER, "satisfaction", json!({"value": 2})),
        ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
        ballot(&new_id(), WATER, "ideas", json!({"text": "Open kiosks at dawn."})),
    ]).await;
    server.sync("7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22", &[ballot(&new_id(), WATER, "satisfaction", json!({"value": 5}))]).await;
    let results = server.results(WATER).await;
    let ids: Vec<_> = results["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tariff", "priorities", "satisfaction", "kiosk-sites", "ideas"]);
    assert_eq!(results["participants"], 2);
    let satisfaction = &results["items"][2];
    assert_eq!(satisfaction["ballots"], 2);
    assert_eq!(satisfaction["mean"], 3.5);
    assert_eq!(satisfaction["median"], 3.5);
    assert_eq!(results["items"][3]["counts"]["school"], 1);
    assert_eq!(results["items"][4]["ballots"], 1);
    assert!(results["items"][4].get("counts").is_none(), "text answers are not shown publicly");
}

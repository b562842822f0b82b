//! `POST /api/v1/admin/consultations`: publishing and updating a definition,
//! with core's validation and lifecycle rules.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

use crate::common::*;

async fn publish(server: &TestServer, token: &str, definition: &Value) -> Answer {
    server.send_as("POST", "/api/v1/admin/consultations", Some(token), Some(definition.clone())).await
}

/// The problem reported at `path`, as the answer carries it.
fn problem_at(answer: &Answer, path: &str) -> Value {
    let problems = answer.json()["error"]["problems"].clone();
    let found = problems.as_array().unwrap().iter().find(|p| p["path"] == path).cloned();
    found.unwrap_or_else(|| panic!("no problem at {path}: {problems}"))
}

fn problem_paths(answer: &Answer) -> Vec<String> {
    answer.json()["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap().to_owned())
        .collect()
}

#[apply(databases)]
#[tokio::test]
async fn a_new_definition_is_published_with_its_warnings(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut village = definition(VILLAGE);
    village["eligibility"] = json!("open");
    let answer = publish(&server, &publisher, &village).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&answer.body));
    let published = answer.json();
    assert_eq!(published["id"], VILLAGE);
    assert_eq!(published["created"], true);
    let warnings = published["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w["path"] == "eligibility" && w["severity"] == "warning"), "{warnings:?}");
    let listed = server.get("/api/v1/consultations").await.json();
    let decide: Vec<&Value> =
        listed["consultations"].as_array().unwrap().iter().filter(|c| c["level"] == "decide").collect();
    assert_eq!(decide.len(), 1);
    assert_eq!(decide[0]["id"], VILLAGE);
}

#[apply(databases)]
#[tokio::test]
async fn a_broken_definition_reports_every_problem_and_saves_nothing(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut broken = definition(WATER);
    broken["closes_at"] = json!("2019-01-01T00:00:00Z");
    broken["items"][1]["id"] = broken["items"][0]["id"].clone();
    broken["items"][2]["max"] = json!(0);
    let answer = publish(&server, &publisher, &broken).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error_code(), "invalid_definition");
    let paths = problem_paths(&answer);
    assert!(paths.contains(&"closes_at".to_owned()), "{paths:?}");
    // Each problem names its rule and the values its message names, for
    // clients that say it in another language.
    assert_eq!(
        problem_at(&answer, "items[1].id"),
        json!({
            "severity": "error",
            "path": "items[1].id",
            "message": "another item already has the id \"tariff\"",
            "code": "duplicate_item_id",
            "values": { "id": "tariff" },
        })
    );
    let scale = problem_at(&answer, "items[2].max");
    assert_eq!(scale["code"], "scale_max_not_over_min");
    assert_eq!(scale["values"], json!({ "min": "1", "max": "0" }));
    let closing = problem_at(&answer, "closes_at");
    assert_eq!((&closing["code"], &closing["values"]), (&json!("closes_not_after_opens"), &json!({})));
    assert_eq!(server.get(&format!("/api/v1/consultations/{WATER}")).await.status, StatusCode::NOT_FOUND);

    let mut typo = definition(WATER);
    typo["comments_enabled"] = json!(true);
    let answer = publish(&server, &publisher, &typo).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_paths(&answer), ["comments_enabled"]);
    let unknown = problem_at(&answer, "comments_enabled");
    assert_eq!(unknown["code"], "format");
    assert_eq!(unknown["values"]["detail"], unknown["message"]);
    assert!(unknown["message"].as_str().unwrap().starts_with("unknown field `comments_enabled`"), "{unknown}");

    let request = axum::http::Request::post("/api/v1/admin/consultations")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {publisher}"))
        .body(axum::body::Body::from("{ not json"))
        .unwrap();
    let answer = server.send(request).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error_code(), "invalid_definition");
    assert_eq!(answer.json()["error"]["problems"].as_array().unwrap().len(), 1);
}

#[apply(databases)]
#[tokio::test]
async fn anything_may_change_before_the_consultation_opens(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut upcoming = definition(WATER);
    upcoming["opens_at"] = json!("2090-01-01T00:00:00Z");
    assert_eq!(publish(&server, &publisher, &upcoming).await.status, StatusCode::CREATED);
    upcoming["items"].as_array_mut().unwrap().pop();
    upcoming["comments"] = json!(false);
    let answer = publish(&server, &publisher, &upcoming).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.json()["created"], false);
    let stored = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(stored["items"].as_array().unwrap().len(), upcoming["items"].as_array().unwrap().len());
}

#[apply(databases)]
#[tokio::test]
async fn once_open_only_texts_and_the_closing_date_may_change(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut corrected = definition(WATER);
    corrected["title"]["en"] = json!("Water services: corrected title");
    corrected["closes_at"] = json!("2099-06-01T00:00:00Z");
    let answer = publish(&server, &publisher, &corrected).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));

    let mut restructured = corrected.clone();
    let options = restructured["items"].as_array_mut().unwrap().iter_mut().find(|i| i["options"].is_array()).unwrap();
    options["options"][0]["id"] = json!("renamed");
    restructured["opens_at"] = json!("2021-01-01T00:00:00Z");
    let answer = publish(&server, &publisher, &restructured).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.error_code(), "definition_locked");
    let paths = problem_paths(&answer);
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths.contains(&"opens_at".to_owned()));
    assert!(paths.iter().any(|p| p.ends_with(".options[0].id")), "{paths:?}");
    let locked = problem_at(&answer, "opens_at");
    assert_eq!(locked["code"], "changed_after_opening");
    assert_eq!(locked["values"], json!({ "opened_on": "2020-01-01" }));

    let stored = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(stored["title"]["en"], "Water services: corrected title");
    assert_eq!(stored["opens_at"], "2020-01-01T00:00:00Z", "the refused update saved nothing");
}

#[apply(databases)]
#[tokio::test]
async fn an_update_keeps_the_outcome_and_archive_written_by_staff(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{ROAD}/outcome");
    let outcome = json!({ "outcome": { "en": "The road will follow the inland route." } });
    assert_eq!(server.send_as("PUT", &path, Some(&publisher), Some(outcome)).await.status, StatusCode::OK);
    let path = format!("/api/v1/admin/consultations/{ROAD}/archive");
    assert_eq!(server.send_as("POST", &path, Some(&publisher), None).await.status, StatusCode::OK);

    let mut corrected = definition(ROAD);
    corrected["summary"]["en"] = json!("A corrected summary.");
    assert_eq!(publish(&server, &publisher, &corrected).await.status, StatusCode::OK);
    let stored = server.get(&format!("/api/v1/consultations/{ROAD}")).await.json();
    assert_eq!(stored["outcome"]["en"], "The road will follow the inland route.");
    assert_eq!(stored["archived"], true);
    assert_eq!(stored["summary"]["en"], "A corrected summary.");
}

#[apply(databases)]
#[tokio::test]
async fn every_change_is_recorded_with_who_and_what(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let analyst = server.token(Role::Analyst).await;
    assert_eq!(publish(&server, &publisher, &definition(WATER)).await.status, StatusCode::CREATED);
    assert_eq!(publish(&server, &publisher, &definition(WATER)).await.status, StatusCode::OK, "unchanged");
    let mut corrected = definition(WATER);
    corrected["summary"]["en"] = json!("Corrected.");
    corrected["closes_at"] = json!("2098-01-01T00:00:00Z");
    assert_eq!(publish(&server, &publisher, &corrected).await.status, StatusCode::OK);
    let close = format!("/api/v1/admin/consultations/{WATER}/close");
    assert_eq!(server.send_as("POST", &close, Some(&publisher), None).await.status, StatusCode::OK);

    let log =
        server.send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/changes"), Some(&analyst), None).await;
    assert_eq!(log.status, StatusCode::OK);
    let changes = log.json()["changes"].as_array().unwrap().clone();
    let actions: Vec<&str> = changes.iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["closed", "updated", "published"], "newest first, the unchanged publication not recorded");
    assert!(changes.iter().all(|c| c["by"] == "Test publisher" && c["role"] == "publisher"));
    assert_eq!(changes[1]["detail"], "closes_at, summary");
    assert!(changes[0]["detail"].as_str().unwrap().starts_with("2098-01-01T00:00:00"), "{}", changes[0]["detail"]);

    let unknown = server.send_as("GET", "/api/v1/admin/consultations/nope/changes", Some(&analyst), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_code(), "consultation_not_found");
}

#[apply(databases)]
#[tokio::test]
async fn staff_list_every_consultation_with_participation(#[case] database: Database) {
    let server = TestServer::start(database).await;
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await;
    let publisher = server.token(Role::Publisher).await;
    let archive = format!("/api/v1/admin/consultations/{ROAD}/archive");
    server.send_as("POST", &archive, Some(&publisher), None).await;
    let list = server.send_as("GET", "/api/v1/admin/consultations", Some(&publisher), None).await.json();
    let list = list["consultations"].as_array().unwrap();
    assert_eq!(list.len(), 3, "archived ones too");
    let find = |id: &str| list.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(find(ROAD)["archived"], true);
    assert_eq!(find(ROAD)["status"], "archived");
    assert_eq!(find(WATER)["participants"], 1);
    assert_eq!(find(VILLAGE)["eligibility"], "codes");
}

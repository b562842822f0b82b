//! `GET /api/v1/consultations/{id}/tallies.csv` and `tallies.json`: anyone's
//! download of the tallies, where the results rule makes them public.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::{header, StatusCode};
use baraza_core::staff::Role;
use serde_json::{json, Value};

use crate::common::*;

/// The water consultation under `rule`, with two answers cast while it was
/// open, then closing at `closes_at`.
async fn water_with_answers(database: Database, rule: &str, closes_at: &str) -> TestServer {
    let server = TestServer::start(database).await;
    let mut water = definition(WATER);
    water["results"] = json!(rule);
    server.publish(water.clone()).await;
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await;
    server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "satisfaction", json!({"value": 4}))]).await;
    water["closes_at"] = json!(closes_at);
    server.publish(water).await;
    server
}

fn public(file: &str) -> String {
    format!("/api/v1/consultations/{WATER}/{file}")
}

#[apply(databases)]
#[tokio::test]
async fn a_closed_after_close_consultation_s_tallies_download_without_a_token_as_staff_get_them(
    #[case] database: Database,
) {
    let server = water_with_answers(database, "after_close", "2021-01-01T00:00:00Z").await;
    let csv = server.get(&public("tallies.csv")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", String::from_utf8_lossy(&csv.body));
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(csv.headers[header::CONTENT_DISPOSITION], format!("attachment; filename=\"{WATER}-tallies.csv\""));
    let analyst = server.token(Role::Analyst).await;
    let staff_path = format!("/api/v1/admin/consultations/{WATER}/tallies.csv");
    let staff = server.send_as("GET", &staff_path, Some(&analyst), None).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert_eq!(csv.body, staff.body, "the public file is the staff file");
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.contains("\r\nwater-services-2027,tariff,single_choice,,1,blocks,1,"), "{text}");

    let json = server.get(&public("tallies.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    let tallies = json.json();
    assert_eq!(tallies["format"], "baraza-tallies/1");
    assert_eq!(tallies["licence"], "CC-BY-4.0");
    assert_eq!(tallies["licence_url"], "https://spdx.org/licenses/CC-BY-4.0.html");
    assert_eq!(tallies["title"]["en"], "Water services: what should change in 2027?");
    let staff_results = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/results"), Some(&analyst), None)
        .await
        .json();
    assert_eq!(tallies["results"]["items"], staff_results["items"]);
    assert_eq!(tallies["results"]["participants"], 2);
}

#[apply(databases)]
#[tokio::test]
async fn the_licence_named_in_the_definition_goes_with_the_tallies(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut water = definition(WATER);
    water["licence"] = json!("LicenseRef-water-board-open-1");
    server.publish(water).await;
    let tallies = server.get(&public("tallies.json")).await.json();
    assert_eq!(tallies["licence"], "LicenseRef-water-board-open-1");
    assert_eq!(tallies.get("licence_url"), None, "a licence of the publisher's own has no SPDX page");
}

#[apply(databases)]
#[tokio::test]
async fn a_live_consultation_s_tallies_are_public_while_it_is_open(#[case] database: Database) {
    let server = water_with_answers(database, "live", "2099-01-01T00:00:00Z").await;
    let csv = server.get(&public("tallies.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(String::from_utf8(csv.body).unwrap().contains(",satisfaction,scale,,1,"));
    let json = server.get(&public("tallies.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.json()["results"]["participants"], 2);
}

/// Both tallies files of the water consultation, each refused 403 with `code`.
async fn refused_with(server: &TestServer, code: &str) -> Vec<Answer> {
    let mut refusals = Vec::new();
    for file in ["tallies.csv", "tallies.json"] {
        let refused = server.get(&public(file)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{file}");
        assert_eq!(refused.error_code(), code, "{file}");
        assert_eq!(refused.headers[header::CONTENT_TYPE], "application/json");
        refusals.push(refused);
    }
    refusals
}

#[apply(databases)]
#[tokio::test]
async fn staff_only_tallies_are_refused_even_after_the_close(#[case] database: Database) {
    let server = water_with_answers(database, "staff_only", "2021-01-01T00:00:00Z").await;
    refused_with(&server, "results_staff_only").await;
}

#[apply(databases)]
#[tokio::test]
async fn after_close_tallies_are_refused_until_the_close_with_its_time(#[case] database: Database) {
    let server = water_with_answers(database, "after_close", "2099-01-01T00:00:00Z").await;
    for refused in refused_with(&server, "results_not_public").await {
        let message = refused.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("2099-01-01T00:00:00Z"), "{message}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn tallies_of_an_unknown_consultation_are_a_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for file in ["tallies.csv", "tallies.json"] {
        let missing = server.get(&format!("/api/v1/consultations/no-such-thing/{file}")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.error_code(), "consultation_not_found");
    }
}

/// Ballot-level files have no public route.
#[apply(databases)]
#[tokio::test]
async fn ballots_stay_with_staff(#[case] database: Database) {
    let server = water_with_answers(database, "live", "2021-01-01T00:00:00Z").await;
    for path in [public("export.csv"), public("export.json"), format!("/api/v1/admin/consultations/{WATER}/export.csv")]
    {
        let answer = server.get(&path).await;
        assert!(matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED), "{path}");
        let body: Value = answer.json();
        assert!(body["error"]["code"].is_string(), "{path}");
    }
}

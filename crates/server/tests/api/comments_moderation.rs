//! Comment moderation: the analysts' list (hidden comments included, newest
//! or most agreed first, by item and language), hide with a reason, restore.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

const LIST: &str = "/api/v1/admin/consultations/water-services-2027/comments";

fn comment_on(id: &str, item: Option<&str>, language: &str, body: &str) -> Value {
    json!({ "id": id, "consultation": WATER, "kind": "comment", "item": item, "reply_to": null,
            "body": body, "language": language })
}

/// Posts a comment and answers its id.
async fn post(server: &TestServer, item: Option<&str>, language: &str, body: &str) -> String {
    let id = new_id();
    let results = server.sync(PARTICIPANT, &[comment_on(&id, item, language, body)]).await;
    assert_eq!(results[0]["status"], "accepted");
    id
}

/// `count` participants agree with the comment.
async fn agree(server: &TestServer, comment: &str, count: usize) {
    for _ in 0..count {
        server.sync(&new_id(), &[reaction(&new_id(), WATER, comment, "agree")]).await;
    }
}

async fn list(server: &TestServer, analyst: &str, query: &str) -> Value {
    let answer = server.send_as("GET", &format!("{LIST}{query}"), Some(analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    answer.json()
}

fn bodies(page: &Value) -> Vec<String> {
    page["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_owned()).collect()
}

/// Every page of a list, following `next`.
async fn all_pages(server: &TestServer, analyst: &str, query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut page = list(server, analyst, query).await;
    loop {
        seen.extend(bodies(&page));
        let Some(next) = page["next"].as_str() else { break };
        page = list(server, analyst, &format!("{query}&before={next}")).await;
    }
    seen
}

async fn public_bodies(server: &TestServer) -> Vec<String> {
    let answer = server.get("/api/v1/consultations/water-services-2027/comments").await;
    assert_eq!(answer.status, StatusCode::OK);
    bodies(&answer.json())
}

#[apply(databases)]
#[tokio::test]
async fn a_hidden_comment_leaves_the_public_list_at_once_and_comes_back_on_restore(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let kept = post(&server, None, "en", "Kiosks close too early.").await;
    let rude = post(&server, None, "en", "Rude words.").await;

    let hide = format!("/api/v1/admin/comments/{rude}/hide");
    let answer = server.send_as("POST", &hide, Some(&analyst), Some(json!({"reason": "  insults  "}))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let hidden = answer.json();
    assert_eq!(hidden["id"], rude);
    assert_eq!(hidden["hidden"], true);
    assert_eq!(hidden["hidden_reason"], "insults");
    assert_eq!(hidden["hidden_by"], "Test analyst");
    assert!(hidden["hidden_at"].as_str().unwrap().ends_with('Z'));

    assert_eq!(public_bodies(&server).await, ["Kiosks close too early."]);
    let moderated = list(&server, &analyst, "").await;
    assert_eq!(bodies(&moderated), ["Rude words.", "Kiosks close too early."]);
    assert_eq!(moderated["comments"][0]["hidden"], true);
    assert_eq!(moderated["comments"][1]["hidden"], false);
    assert_eq!(moderated["comments"][1]["hidden_reason"], Value::Null);
    assert_eq!(moderated["comments"][1]["id"], kept);

    let results =
        server.send_as("GET", "/api/v1/admin/consultations/water-services-2027/results", Some(&analyst), None).await;
    assert_eq!(results.json()["comments"], json!({"total": 2, "hidden": 1}));

    let restore = format!("/api/v1/admin/comments/{rude}/restore");
    let answer = server.send_as("POST", &restore, Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let restored = answer.json();
    assert_eq!(restored["hidden"], false);
    assert_eq!(restored["hidden_reason"], Value::Null);
    assert_eq!(restored["hidden_by"], Value::Null);
    assert_eq!(restored["hidden_at"], Value::Null);
    assert_eq!(public_bodies(&server).await, ["Rude words.", "Kiosks close too early."]);
}

#[apply(databases)]
#[tokio::test]
async fn hiding_needs_a_reason_and_an_existing_comment(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let id = post(&server, None, "en", "Hello.").await;
    let hide = format!("/api/v1/admin/comments/{id}/hide");
    for body in [json!({"reason": " \n "}), json!({})] {
        let answer = server.send_as("POST", &hide, Some(&analyst), Some(body)).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.error_code(), "reason_required");
    }
    let long = server.send_as("POST", &hide, Some(&analyst), Some(json!({"reason": "x".repeat(501)}))).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.error_code(), "reason_too_long");
    let wrong = server.send_as("POST", &hide, Some(&analyst), Some(json!({"reason": 3}))).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error_code(), "malformed_request");
    assert_eq!(public_bodies(&server).await, ["Hello."], "nothing was hidden");

    for missing in [new_id(), "not-a-uuid".to_owned()] {
        let answer = server
            .send_as(
                "POST",
                &format!("/api/v1/admin/comments/{missing}/hide"),
                Some(&analyst),
                Some(json!({"reason": "spam"})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.error_code(), "comment_not_found");
        let answer =
            server.send_as("POST", &format!("/api/v1/admin/comments/{missing}/restore"), Some(&analyst), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_eq!(answer.error_code(), "comment_not_found");
    }
}

#[apply(databases)]
#[tokio::test]
async fn most_agreed_first_pages_through_every_comment_once(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let mut ids = Vec::new();
    for (body, agrees) in [("a", 2), ("b", 0), ("c", 2), ("d", 3), ("e", 0)] {
        let id = post(&server, None, "en", body).await;
        agree(&server, &id, agrees).await;
        ids.push(id);
    }
    // A disagreement does not count as agreement.
    server.sync(&new_id(), &[reaction(&new_id(), WATER, &ids[1], "disagree")]).await;
    // Most agreed first; among equals, the newest first.
    assert_eq!(all_pages(&server, &analyst, "?order=agreed&limit=2").await, ["d", "c", "a", "e", "b"]);
    assert_eq!(all_pages(&server, &analyst, "?order=newest&limit=2").await, ["e", "d", "c", "b", "a"]);
    // A form that leaves the order blank asks for the default, newest first.
    assert_eq!(all_pages(&server, &analyst, "?order=&limit=2").await, ["e", "d", "c", "b", "a"]);
    let first = list(&server, &analyst, "?order=agreed&limit=1").await;
    assert_eq!(first["comments"][0]["agree"], 3);

    // A cursor of one order is refused in the other.
    let newest_cursor = list(&server, &analyst, "?limit=1").await["next"].as_str().unwrap().to_owned();
    let answer =
        server.send_as("GET", &format!("{LIST}?order=agreed&before={newest_cursor}"), Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_parameter");
    let answer = server.send_as("GET", &format!("{LIST}?order=loudest"), Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_parameter");
}

#[apply(databases)]
#[tokio::test]
async fn the_list_filters_by_item_and_language(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    post(&server, Some("tariff"), "en", "tariff in English").await;
    post(&server, Some("tariff"), "fr", "tarif en français").await;
    post(&server, None, "fr", "en général").await;
    assert_eq!(bodies(&list(&server, &analyst, "?item=tariff").await), ["tarif en français", "tariff in English"]);
    assert_eq!(bodies(&list(&server, &analyst, "?language=fr").await), ["en général", "tarif en français"]);
    assert_eq!(bodies(&list(&server, &analyst, "?item=tariff&language=en").await), ["tariff in English"]);
    assert_eq!(bodies(&list(&server, &analyst, "?item=&language=&before=").await).len(), 3, "blank filters");
}

/// The actions of a consultation's change log, newest first, with their
/// author and detail.
async fn logged(server: &TestServer, token: &str) -> Vec<(String, String, String)> {
    let answer =
        server.send_as("GET", "/api/v1/admin/consultations/water-services-2027/changes", Some(token), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            let field = |name: &str| change[name].as_str().unwrap().to_owned();
            (field("action"), field("by"), field("detail"))
        })
        .collect()
}

#[apply(databases)]
#[tokio::test]
async fn hiding_and_restoring_are_recorded_in_the_change_log_with_who_and_why(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let id = post(&server, None, "en", "Rude words.").await;
    let before = logged(&server, &analyst).await.len();

    // Restoring a comment that is shown changes nothing, and is not logged.
    let restore = format!("/api/v1/admin/comments/{id}/restore");
    assert_eq!(server.send_as("POST", &restore, Some(&analyst), None).await.status, StatusCode::OK);
    assert_eq!(logged(&server, &analyst).await.len(), before);

    let hide = format!("/api/v1/admin/comments/{id}/hide");
    let answer = server.send_as("POST", &hide, Some(&analyst), Some(json!({"reason": "insults, twice"}))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(server.send_as("POST", &restore, Some(&analyst), None).await.status, StatusCode::OK);

    let log = logged(&server, &analyst).await;
    assert_eq!(log.len(), before + 2);
    let by = "Test analyst".to_owned();
    assert_eq!(log[0], ("comment_restored".to_owned(), by.clone(), id.clone()));
    assert_eq!(log[1], ("comment_hidden".to_owned(), by, format!("{id} insults, twice")));
    let changes = server
        .send_as("GET", "/api/v1/admin/consultations/water-services-2027/changes", Some(&analyst), None)
        .await
        .json();
    assert_eq!(changes["changes"][0]["role"], "analyst");
    assert!(changes["changes"][0]["at"].as_str().unwrap().ends_with('Z'));
}

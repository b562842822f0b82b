//! `POST /api/v1/admin/drafts/{draft}/publish`: a draft becomes a
//! consultation through the same rules as a definition file, logged in the
//! draft's change log and the consultation's.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

use crate::common::*;
use crate::drafts_edit::create_draft;

async fn publish_draft(server: &TestServer, token: &str, draft: &Value) -> Answer {
    let path = format!("/api/v1/admin/drafts/{}/publish", draft["id"].as_str().unwrap());
    server.send_as("POST", &path, Some(token), None).await
}

#[apply(databases)]
#[tokio::test]
async fn a_valid_draft_is_published_and_stays_to_be_edited_again(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut upcoming = definition(WATER);
    upcoming["opens_at"] = json!("2090-01-01T00:00:00Z");
    let draft = create_draft(&server, &publisher, upcoming.clone()).await.json();

    let published = publish_draft(&server, &publisher, &draft).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&published.body));
    assert_eq!((&published.json()["id"], &published.json()["created"]), (&json!(WATER), &json!(true)));
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(public.json()["title"], upcoming["title"]);

    let path = format!("/api/v1/admin/drafts/{}", draft["id"].as_str().unwrap());
    let kept = server.send_as("GET", &path, Some(&publisher), None).await.json();
    assert_eq!(kept["published_as"], WATER);
    upcoming["title"]["en"] = json!("Water services for 2028");
    let edited = server.send_as("PUT", &path, Some(&publisher), Some(json!({ "definition": upcoming }))).await;
    assert_eq!(edited.status, StatusCode::OK);
    let again = publish_draft(&server, &publisher, &draft).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["created"], false);
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(public["title"]["en"], "Water services for 2028");

    let draft_log = server.send_as("GET", &format!("{path}/changes"), Some(&publisher), None).await.json();
    let actions: Vec<(&str, &str)> = draft_log["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, [("published", WATER), ("edited", "title"), ("published", WATER), ("created", "")]);
    let log = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/changes"), Some(&publisher), None)
        .await
        .json();
    let logged: Vec<(&str, &str)> = log["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["by"].as_str().unwrap()))
        .collect();
    assert_eq!(logged, [("updated", "Test publisher"), ("published", "Test publisher")]);
}

#[apply(databases)]
#[tokio::test]
async fn a_draft_that_breaks_a_rule_is_not_published(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut broken = definition(VILLAGE);
    broken["items"][0]["projects"][1]["cost"] = json!(6_000_000);
    let draft = create_draft(&server, &publisher, broken).await.json();
    let problem = &draft["problems"][0];
    assert_eq!(
        (&problem["path"], &problem["code"]),
        (&json!("items[0].projects[1].cost"), &json!("project_cost_over_total"))
    );

    let refused = publish_draft(&server, &publisher, &draft).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_code(), "invalid_definition");
    assert_eq!(refused.json()["error"]["problems"], draft["problems"]);
    assert_eq!(server.get(&format!("/api/v1/consultations/{VILLAGE}")).await.status, StatusCode::NOT_FOUND);
    let path = format!("/api/v1/admin/drafts/{}", draft["id"].as_str().unwrap());
    let kept = server.send_as("GET", &path, Some(&publisher), None).await.json();
    assert!(kept.get("published_as").is_none());
    let log = server.send_as("GET", &format!("{path}/changes"), Some(&publisher), None).await.json();
    assert_eq!(log["changes"].as_array().unwrap().len(), 1, "only its creation: {log}");
}

#[apply(databases)]
#[tokio::test]
async fn a_draft_of_an_open_consultation_changes_only_what_the_lifecycle_allows(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let mut restructured = definition(WATER);
    restructured["items"].as_array_mut().unwrap().pop();
    let draft = create_draft(&server, &publisher, restructured).await.json();
    let refused = publish_draft(&server, &publisher, &draft).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "definition_locked");
    let problems = refused.json()["error"]["problems"].clone();
    assert!(problems.as_array().unwrap().iter().all(|p| p["code"] == "changed_after_opening"), "{problems}");
    let public = server.get(&format!("/api/v1/consultations/{WATER}")).await.json();
    assert_eq!(public["items"], definition(WATER)["items"]);

    let unknown = format!("/api/v1/admin/drafts/{}/publish", new_id());
    let answer = server.send_as("POST", &unknown, Some(&publisher), None).await;
    assert_eq!((answer.status, answer.error_code()), (StatusCode::NOT_FOUND, "draft_not_found".to_owned()));
}

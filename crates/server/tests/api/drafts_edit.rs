//! `/api/v1/admin/drafts` and `/api/v1/admin/drafts/{draft}`: publishers
//! create, read, list, edit and delete drafts, which may break any rule
//! while they are being written; each change is logged with its author.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::{json, Value};

use crate::common::*;

/// Creates a draft holding `definition` as the holder of `token`.
pub async fn create_draft(server: &TestServer, token: &str, definition: Value) -> Answer {
    server.send_as("POST", "/api/v1/admin/drafts", Some(token), Some(json!({ "definition": definition }))).await
}

#[apply(databases)]
#[tokio::test]
async fn a_draft_keeps_what_was_written_with_its_problems(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let unfinished = json!({ "id": "roads-2028", "level": "consult", "title": { "en": "Roads", "fr": "" } });
    let created = create_draft(&server, &publisher, unfinished.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&created.body));
    let draft = created.json();
    assert_eq!(draft["definition"], unfinished);
    assert_eq!(draft["revision"], 1);
    assert_eq!(draft["created_by"], "Test publisher");
    assert_eq!(draft["updated_by"], "Test publisher");
    let problems = draft["problems"].as_array().unwrap();
    assert!(!problems.is_empty() && problems[0]["severity"] == "error", "{problems:?}");
    assert!(draft.get("published_as").is_none());

    let id = draft["id"].as_str().unwrap();
    let read = server.send_as("GET", &format!("/api/v1/admin/drafts/{id}"), Some(&publisher), None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json(), draft);

    let list = server.send_as("GET", "/api/v1/admin/drafts", Some(&publisher), None).await.json();
    let listed = &list["drafts"].as_array().unwrap()[..];
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["consultation"], "roads-2028");
    assert_eq!(listed[0]["title"], json!({ "en": "Roads", "fr": "" }));
    assert_eq!(
        listed[0]["errors"].as_u64().unwrap() as usize,
        problems.iter().filter(|p| p["severity"] == "error").count()
    );
}

#[apply(databases)]
#[tokio::test]
async fn an_edit_moves_the_revision_and_is_logged_with_its_fields(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let first = server.token(Role::Publisher).await;
    let draft = create_draft(&server, &first, json!({ "id": WATER })).await.json();
    let path = format!("/api/v1/admin/drafts/{}", draft["id"].as_str().unwrap());
    let second = tokens_named(&server, "Amina Publisher").await;

    let demo = definition(WATER);
    let edited = server.send_as("PUT", &path, Some(&second), Some(json!({ "definition": demo, "revision": 1 }))).await;
    assert_eq!(edited.status, StatusCode::OK, "{}", String::from_utf8_lossy(&edited.body));
    let edited = edited.json();
    assert_eq!(edited["revision"], 2);
    assert_eq!(edited["definition"], demo);
    assert_eq!(edited["problems"].as_array().unwrap().iter().filter(|p| p["severity"] == "error").count(), 0);
    assert_eq!((&edited["created_by"], &edited["updated_by"]), (&json!("Test publisher"), &json!("Amina Publisher")));

    // An edit from a revision someone else has saved over is refused, and saves nothing.
    let stale = server
        .send_as("PUT", &path, Some(&first), Some(json!({ "definition": { "id": "stale" }, "revision": 1 })))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.error_code(), "draft_changed");
    assert!(stale.json()["error"]["message"].as_str().unwrap().contains("revision 2"));
    assert_eq!(server.send_as("GET", &path, Some(&first), None).await.json()["definition"], demo);

    // The same definition again changes nothing and logs nothing.
    let again = server.send_as("PUT", &path, Some(&first), Some(json!({ "definition": demo }))).await;
    assert_eq!(again.json()["revision"], 2);

    let log = server.send_as("GET", &format!("{path}/changes"), Some(&first), None).await;
    assert_eq!(log.status, StatusCode::OK);
    let changes = log.json()["changes"].clone();
    assert_eq!(changes.as_array().unwrap().len(), 2, "{changes}");
    assert_eq!((&changes[0]["action"], &changes[0]["by"]), (&json!("edited"), &json!("Amina Publisher")));
    let fields: Vec<&str> = changes[0]["detail"].as_str().unwrap().split(", ").collect();
    assert!(fields.contains(&"items") && fields.contains(&"title") && !fields.contains(&"id"), "{fields:?}");
    assert_eq!((&changes[1]["action"], &changes[1]["role"]), (&json!("created"), &json!("publisher")));
}

/// A publisher token with `name`, as the change log shows it.
async fn tokens_named(server: &TestServer, name: &str) -> String {
    baraza_server::storage::tokens::create(&server.store, name, Role::Publisher, time::OffsetDateTime::now_utc())
        .await
        .unwrap()
}

#[apply(databases)]
#[tokio::test]
async fn a_deleted_draft_is_gone_with_its_log(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let draft = create_draft(&server, &publisher, json!({})).await.json();
    let path = format!("/api/v1/admin/drafts/{}", draft["id"].as_str().unwrap());
    let deleted = server.send_as("DELETE", &path, Some(&publisher), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    for (method, path) in [("GET", path.clone()), ("DELETE", path.clone()), ("GET", format!("{path}/changes"))] {
        let answer = server.send_as(method, &path, Some(&publisher), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(answer.error_code(), "draft_not_found");
    }
    assert_eq!(server.scalar::<i64>("SELECT COUNT(*) FROM draft_changes").await, 0);
    let list = server.send_as("GET", "/api/v1/admin/drafts", Some(&publisher), None).await.json();
    assert_eq!(list["drafts"], json!([]));
}

#[apply(databases)]
#[tokio::test]
async fn drafts_are_for_publishers_and_refuse_what_is_not_a_draft(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let publisher = server.token(Role::Publisher).await;
    let analyst = server.token(Role::Analyst).await;
    let draft = create_draft(&server, &publisher, json!({ "id": "roads" })).await.json();
    let path = format!("/api/v1/admin/drafts/{}", draft["id"].as_str().unwrap());
    for (method, path, body) in [
        ("GET", "/api/v1/admin/drafts".to_owned(), None),
        ("POST", "/api/v1/admin/drafts".to_owned(), Some(json!({ "definition": {} }))),
        ("GET", path.clone(), None),
        ("PUT", path.clone(), Some(json!({ "definition": {} }))),
        ("DELETE", path.clone(), None),
        ("POST", format!("{path}/publish"), None),
        ("GET", format!("{path}/changes"), None),
    ] {
        let without = server.send_as(method, &path, None, body.clone()).await;
        assert_eq!(without.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let as_analyst = server.send_as(method, &path, Some(&analyst), body).await;
        assert_eq!(as_analyst.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(as_analyst.error_code(), "forbidden");
    }

    for body in [json!({ "definition": [] }), json!({}), json!({ "definition": {}, "revision": 1 })] {
        let refused = server.send_as("POST", "/api/v1/admin/drafts", Some(&publisher), Some(body.clone())).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(refused.error_code(), "malformed_request");
    }
    let path_with = |body: Value| server.send_as("PUT", &path, Some(&publisher), Some(body));
    for body in [json!({ "definition": {}, "revision": "1" }), json!({ "definition": {}, "revision": -1 })] {
        let refused = path_with(body.clone()).await;
        assert_eq!(
            (refused.status, refused.error_code()),
            (StatusCode::BAD_REQUEST, "malformed_request".to_owned()),
            "{body}"
        );
    }
    for missing in ["/api/v1/admin/drafts/not-a-uuid", &format!("/api/v1/admin/drafts/{}", new_id())] {
        let answer = server.send_as("GET", missing, Some(&publisher), None).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(answer.error_code(), "draft_not_found");
    }
    let list = server.send_as("GET", "/api/v1/admin/drafts", Some(&publisher), None).await.json();
    assert_eq!(list["drafts"].as_array().unwrap().len(), 1, "nothing refused was saved");
}

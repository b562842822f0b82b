//! Every analyst route at the door: no token 401, a publisher's token 403, a
//! revoked analyst's token 401, a valid analyst's token through.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn analyst_routes_need_a_valid_analyst_token(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let comment_id = new_id();
    server.sync(PARTICIPANT, &[comment(&comment_id, WATER, "Hello.")]).await;
    let routes = [
        ("GET", "/api/v1/admin/consultations/water-services-2027/results".to_owned(), None),
        ("GET", "/api/v1/admin/consultations/water-services-2027/comments".to_owned(), None),
        ("POST", format!("/api/v1/admin/comments/{comment_id}/hide"), Some(json!({"reason": "test"}))),
        ("POST", format!("/api/v1/admin/comments/{comment_id}/restore"), None),
        ("GET", "/api/v1/admin/consultations/water-services-2027/export.csv".to_owned(), None),
        ("GET", "/api/v1/admin/consultations/water-services-2027/tallies.csv".to_owned(), None),
        ("GET", "/api/v1/admin/consultations/water-services-2027/export.json".to_owned(), None),
    ];
    let publisher = server.token(Role::Publisher).await;
    let revoked = server.token(Role::Analyst).await;
    revoke(&server, &revoked).await;
    let analyst = server.token(Role::Analyst).await;
    for (method, path, body) in &routes {
        let anonymous = server.send_as(method, path, None, body.clone()).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(anonymous.error_code(), "unauthorized");
        let wrong_role = server.send_as(method, path, Some(&publisher), body.clone()).await;
        assert_eq!(wrong_role.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(wrong_role.error_code(), "forbidden");
        let gone = server.send_as(method, path, Some(&revoked), body.clone()).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(gone.error_code(), "unauthorized");
        let allowed = server.send_as(method, path, Some(&analyst), body.clone()).await;
        assert_eq!(allowed.status, StatusCode::OK, "{method} {path}: {}", String::from_utf8_lossy(&allowed.body));
    }
    // Refused callers changed nothing: the comment was hidden only by the analyst, then restored.
    let public = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert_eq!(public["comments"].as_array().unwrap().len(), 1);
}

#[apply(databases)]
#[tokio::test]
async fn the_export_schema_is_public(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/schema/export.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), serde_json::from_str::<serde_json::Value>(baraza_core::analysis::EXPORT_SCHEMA).unwrap());
}

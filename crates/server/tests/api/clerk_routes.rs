//! The clerk role at the door: a clerk's token enters paper ballots and
//! lists consultations to choose one, and is refused everything else a
//! publisher or an analyst does (publishing, running a consultation,
//! reading results or exports, moderating); only a clerk enters paper
//! ballots.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn a_clerk_cannot_publish_read_results_or_moderate(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let comment_id = new_id();
    server.sync(PARTICIPANT, &[comment(&comment_id, WATER, "Hello.")]).await;
    let clerk = server.token(Role::Clerk).await;
    let refused = [
        ("POST", "/api/v1/admin/consultations".to_owned(), Some(definition(WATER))),
        ("POST", format!("/api/v1/admin/consultations/{WATER}/close"), None),
        ("POST", format!("/api/v1/admin/consultations/{WATER}/archive"), None),
        ("PUT", format!("/api/v1/admin/consultations/{WATER}/outcome"), Some(json!({"outcome": {"en": "Done."}}))),
        ("POST", format!("/api/v1/admin/consultations/{VILLAGE}/codes"), Some(json!({"count": 1}))),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/results"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/comments"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/export.csv"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/tallies.csv"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/export.json"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/breakdowns"), None),
        ("GET", format!("/api/v1/admin/consultations/{WATER}/breakdowns.csv"), None),
        ("POST", format!("/api/v1/admin/comments/{comment_id}/hide"), Some(json!({"reason": "test"}))),
        ("POST", format!("/api/v1/admin/comments/{comment_id}/restore"), None),
    ];
    for (method, path, body) in &refused {
        let answer = server.send_as(method, path, Some(&clerk), body.clone()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(answer.error_code(), "forbidden", "{method} {path}");
    }
    // Nothing changed: the comment is shown, the consultation still open.
    let public = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert_eq!(public["comments"].as_array().unwrap().len(), 1);
    let me = server.send_as("GET", "/api/v1/admin/me", Some(&clerk), None).await.json();
    assert_eq!(me["role"], "clerk");
    let list = server.send_as("GET", "/api/v1/admin/consultations", Some(&clerk), None).await;
    assert_eq!(list.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn only_a_clerk_enters_paper_ballots(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let path = "/api/v1/admin/paper-ballots";
    let paper = || {
        let answer = ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}));
        json!({"ballots": [{"participant": new_id(), "actions": [answer]}]})
    };
    let anonymous = server.send_as("POST", path, None, Some(paper())).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    for role in [Role::Publisher, Role::Analyst] {
        let token = server.token(role).await;
        let answer = server.send_as("POST", path, Some(&token), Some(paper())).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(answer.error_code(), "forbidden");
    }
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 0);
    let clerk = server.token(Role::Clerk).await;
    let answer = server.send_as("POST", path, Some(&clerk), Some(paper())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
}

//! Comments sent through sync and read through `GET …/comments`.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn comments_come_newest_first_in_pages() {
    let server = TestServer::start().await;
    for n in 1..=5 {
        server.sync(PARTICIPANT, &[comment(&new_id(), WATER, &format!("comment {n}"))]).await;
    }
    let page = server.get("/api/v1/consultations/water-services-2027/comments?limit=2").await.json();
    let bodies = |page: &serde_json::Value| -> Vec<String> {
        page["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(bodies(&page), ["comment 5", "comment 4"]);
    let next = page["next"].as_str().unwrap();
    let page2 = server.get(&format!("/api/v1/consultations/water-services-2027/comments?limit=2&before={next}")).await.json();
    assert_eq!(bodies(&page2), ["comment 3", "comment 2"]);
    let next = page2["next"].as_str().unwrap();
    let last = server.get(&format!("/api/v1/consultations/water-services-2027/comments?limit=2&before={next}")).await.json();
    assert_eq!(bodies(&last), ["comment 1"]);
    assert!(last.get("next").is_none());
}

#[tokio::test]
async fn reactions_and_replies_need_an_existing_comment() {
    let server = TestServer::start().await;
    let first = new_id();
    server.sync(PARTICIPANT, &[comment(&first, WATER, "Kiosks close too early.")]).await;
    let react = |comment: &str, value: &str| json!({"id": new_id(), "consultation": WATER, "kind": "reaction", "comment": comment, "value": value});
    let results = server.sync("7a1d1f36-2a7c-4c39-8f1f-9d5d3c1a0b22", &[react(&first, "agree"), react(&new_id(), "agree")]).await;
    assert_eq!(results[0]["status"], "accepted");
    assert_eq!(results[1]["error"]["code"], "unknown_comment");
    let mut reply = comment(&new_id(), WATER, "They open at six.");
    reply["reply_to"] = json!(new_id());
    assert_eq!(server.sync(PARTICIPANT, &[reply]).await[0]["error"]["code"], "unknown_comment");

    let listed = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert_eq!(listed["comments"].as_array().unwrap().len(), 1);
    assert_eq!(listed["comments"][0]["agree"], 1);
    assert_eq!(listed["comments"][0]["disagree"], 0);
}

#[tokio::test]
async fn comments_are_refused_where_the_definition_has_none_or_the_text_is_blank() {
    let server = TestServer::start().await;
    let results = server.sync(PARTICIPANT, &[comment(&new_id(), VILLAGE, "Hello"), comment(&new_id(), WATER, "   ")]).await;
    assert_eq!(results[0]["error"]["code"], "comments_disabled");
    assert_eq!(results[1]["error"]["code"], "invalid_comment");
}

#[tokio::test]
async fn a_bad_page_request_is_a_400() {
    let server = TestServer::start().await;
    for query in ["limit=0", "limit=101", "limit=abc", "before=yesterday"] {
        let answer = server.get(&format!("/api/v1/consultations/water-services-2027/comments?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.error_code(), "invalid_parameter", "{query}");
    }
}

//! `GET /api/v1/consultations/{id}/comments`.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

fn bodies(page: &Value) -> Vec<String> {
    page["comments"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap().to_owned()).collect()
}

#[apply(databases)]
#[tokio::test]
async fn comments_come_newest_first_in_pages(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for n in 1..=5 {
        server.sync(PARTICIPANT, &[comment(&new_id(), WATER, &format!("comment {n}"))]).await;
    }
    let path = "/api/v1/consultations/water-services-2027/comments";
    let page = server.get(&format!("{path}?limit=2")).await.json();
    assert_eq!(bodies(&page), ["comment 5", "comment 4"]);
    let next = page["next"].as_str().unwrap();

    // A comment posted meanwhile does not shift the following pages.
    server.sync(PARTICIPANT, &[comment(&new_id(), WATER, "comment 6")]).await;

    let page2 = server.get(&format!("{path}?limit=2&before={next}")).await.json();
    assert_eq!(bodies(&page2), ["comment 3", "comment 2"]);
    let next = page2["next"].as_str().unwrap();
    let last = server.get(&format!("{path}?limit=2&before={next}")).await.json();
    assert_eq!(bodies(&last), ["comment 1"]);
    assert!(last.get("next").is_none(), "the last page has no cursor");

    let first = server.get(path).await.json();
    assert_eq!(bodies(&first), ["comment 6", "comment 5", "comment 4", "comment 3", "comment 2", "comment 1"]);
    assert!(first.get("next").is_none());
}

#[apply(databases)]
#[tokio::test]
async fn a_blank_cursor_asks_for_the_first_page(#[case] database: Database) {
    let server = TestServer::start(database).await;
    server.sync(PARTICIPANT, &[comment(&new_id(), WATER, "Kiosks close too early.")]).await;
    let answer = server.get(&format!("/api/v1/consultations/{WATER}/comments?before=")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(bodies(&answer.json()), ["Kiosks close too early."]);
}

#[apply(databases)]
#[tokio::test]
async fn the_default_page_holds_20_comments(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let batch: Vec<_> = (0..21).map(|n| comment(&new_id(), WATER, &format!("comment {n}"))).collect();
    server.sync(PARTICIPANT, &batch).await;
    let page = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert_eq!(page["comments"].as_array().unwrap().len(), 20);
    let next = page["next"].as_str().unwrap();
    let rest = server.get(&format!("/api/v1/consultations/water-services-2027/comments?before={next}")).await.json();
    assert_eq!(rest["comments"].as_array().unwrap().len(), 1);
}

#[apply(databases)]
#[tokio::test]
async fn hidden_comments_and_other_consultations_comments_are_not_listed(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let hidden = new_id();
    server
        .sync(
            PARTICIPANT,
            &[
                comment(&new_id(), WATER, "Kiosks close too early."),
                comment(&hidden, WATER, "Something a moderator hid."),
                comment(&new_id(), ROAD, "Will the road flood?"),
            ],
        )
        .await;
    let analyst = server.token(baraza_core::staff::Role::Analyst).await;
    let path = format!("/api/v1/admin/comments/{hidden}/hide");
    let hide = server.send_as("POST", &path, Some(&analyst), Some(serde_json::json!({ "reason": "Off topic." }))).await;
    assert_eq!(hide.status, StatusCode::OK);
    let page = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    assert_eq!(bodies(&page), ["Kiosks close too early."]);
}

#[apply(databases)]
#[tokio::test]
async fn each_comment_carries_its_agree_and_disagree_counts(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let id = new_id();
    let mut on_item = comment(&id, WATER, "Blocks are fairer.");
    on_item["item"] = "tariff".into();
    server.sync(PARTICIPANT, &[on_item]).await;
    server.sync(PARTICIPANT, &[reaction(&new_id(), WATER, &id, "agree")]).await;
    server.sync(OTHER_PARTICIPANT, &[reaction(&new_id(), WATER, &id, "disagree")]).await;
    server.sync(&new_id(), &[reaction(&new_id(), WATER, &id, "pass")]).await;
    let page = server.get("/api/v1/consultations/water-services-2027/comments").await.json();
    let listed = &page["comments"][0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(listed["item"], "tariff");
    assert_eq!(listed["language"], "en");
    assert!(listed.get("reply_to").is_none());
    assert_eq!((listed["agree"].as_u64(), listed["disagree"].as_u64()), (Some(1), Some(1)));
    assert!(listed["created_at"].as_str().unwrap().ends_with('Z'));
}

#[apply(databases)]
#[tokio::test]
async fn a_bad_page_request_is_a_400(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for query in
        ["limit=0", "limit=101", "limit=abc", "limit=-1", "before=yesterday", "before=2026-01-01T00:00:00.000000Z_x"]
    {
        let answer = server.get(&format!("/api/v1/consultations/water-services-2027/comments?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.error_code(), "invalid_parameter", "{query}");
    }
    assert_eq!(server.get("/api/v1/consultations/water-services-2027/comments?limit=100").await.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn comments_of_an_unknown_consultation_are_a_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/consultations/no-such-thing/comments").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error_code(), "consultation_not_found");
}

fn reply(id: &str, to: &str, body: &str) -> Value {
    let mut reply = comment(id, WATER, body);
    reply["reply_to"] = to.into();
    reply
}

#[apply(databases)]
#[tokio::test]
async fn the_public_list_holds_comments_with_their_count_of_visible_replies_and_replies_come_oldest_first(
    #[case] database: Database,
) {
    let server = TestServer::start(database).await;
    let (asked, other, hidden) = (new_id(), new_id(), new_id());
    server.sync(PARTICIPANT, &[comment(&asked, WATER, "When do kiosks open?")]).await;
    server.sync(PARTICIPANT, &[comment(&other, WATER, "Blocks are fairer.")]).await;
    for (n, id) in [(1, new_id()), (2, hidden.clone()), (3, new_id())] {
        server.sync(OTHER_PARTICIPANT, &[reply(&id, &asked, &format!("answer {n}"))]).await;
    }
    let analyst = server.token(baraza_core::staff::Role::Analyst).await;
    let hide = format!("/api/v1/admin/comments/{hidden}/hide");
    assert_eq!(
        server.send_as("POST", &hide, Some(&analyst), Some(serde_json::json!({ "reason": "Off topic." }))).await.status,
        StatusCode::OK
    );

    let path = format!("/api/v1/consultations/{WATER}/comments");
    let page = server.get(&path).await.json();
    assert_eq!(bodies(&page), ["Blocks are fairer.", "When do kiosks open?"]);
    assert_eq!(page["comments"][0]["replies"], 0);
    assert_eq!(page["comments"][1]["replies"], 2, "a hidden reply is not counted");

    let replies = server.get(&format!("{path}?reply_to={asked}&order=oldest&limit=1")).await.json();
    assert_eq!(bodies(&replies), ["answer 1"]);
    let next = replies["next"].as_str().unwrap();
    let rest = server.get(&format!("{path}?reply_to={asked}&order=oldest&before={next}")).await.json();
    assert_eq!(bodies(&rest), ["answer 3"]);
    assert!(rest.get("next").is_none());

    // The moderators still read every comment and reply, newest first.
    let all = server
        .send_as("GET", &format!("/api/v1/admin/consultations/{WATER}/comments"), Some(&analyst), None)
        .await
        .json();
    assert_eq!(all["comments"].as_array().unwrap().len(), 5);
}

#[apply(databases)]
#[tokio::test]
async fn the_public_list_may_put_the_most_agreed_first(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let (old, new) = (new_id(), new_id());
    server.sync(PARTICIPANT, &[comment(&old, WATER, "Blocks are fairer.")]).await;
    server.sync(PARTICIPANT, &[comment(&new, WATER, "Kiosks close too early.")]).await;
    server.sync(OTHER_PARTICIPANT, &[reaction(&new_id(), WATER, &old, "agree")]).await;
    let path = format!("/api/v1/consultations/{WATER}/comments");
    assert_eq!(bodies(&server.get(&path).await.json()), ["Kiosks close too early.", "Blocks are fairer."]);
    let agreed = server.get(&format!("{path}?order=agreed")).await.json();
    assert_eq!(bodies(&agreed), ["Blocks are fairer.", "Kiosks close too early."]);
}

#[apply(databases)]
#[tokio::test]
async fn an_unknown_order_or_a_reply_to_that_is_no_comment_id_is_refused(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let path = format!("/api/v1/consultations/{WATER}/comments");
    for query in ["order=loudest", "reply_to=not-an-id"] {
        let answer = server.get(&format!("{path}?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["error"]["code"], "invalid_parameter", "{query}");
    }
}

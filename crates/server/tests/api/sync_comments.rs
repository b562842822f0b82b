//! `POST /api/v1/sync` with comments and reactions.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use serde_json::json;

async fn listed(server: &TestServer, consultation: &str) -> Vec<serde_json::Value> {
    let path = format!("/api/v1/consultations/{consultation}/comments");
    server.get(&path).await.json()["comments"].as_array().unwrap().clone()
}

#[apply(databases)]
#[tokio::test]
async fn a_comment_and_a_reply_to_it_are_stored(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let first = new_id();
    let results = server.sync(PARTICIPANT, &[comment(&first, WATER, "Kiosks close too early.")]).await;
    assert_eq!(results[0]["status"], "accepted");
    assert_eq!(results[0]["id"], first.as_str());

    let reply_id = new_id();
    let mut reply = comment(&reply_id, WATER, "They open at six.");
    reply["reply_to"] = json!(first);
    reply["language"] = json!("sw");
    assert_eq!(server.sync(OTHER_PARTICIPANT, &[reply]).await[0]["status"], "accepted");

    let comments = listed(&server, WATER).await;
    assert_eq!(comments.len(), 1, "the public list holds the comments that answer none");
    assert_eq!(comments[0]["body"], "Kiosks close too early.");
    assert_eq!(comments[0]["replies"], 1);
    let path = format!("/api/v1/consultations/{WATER}/comments?reply_to={first}");
    let replies = server.get(&path).await.json()["comments"].as_array().unwrap().clone();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["id"], reply_id.as_str());
    assert_eq!(replies[0]["reply_to"], first.as_str());
    assert_eq!(replies[0]["language"], "sw");
}

#[apply(databases)]
#[tokio::test]
async fn replies_and_reactions_need_an_existing_comment_of_the_same_consultation(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let on_road = new_id();
    server.sync(PARTICIPANT, &[comment(&on_road, ROAD, "Will the road flood?")]).await;

    let mut reply_elsewhere = comment(&new_id(), WATER, "Reply in the wrong place.");
    reply_elsewhere["reply_to"] = json!(on_road);
    let mut reply_to_nothing = comment(&new_id(), WATER, "Reply to nothing.");
    reply_to_nothing["reply_to"] = json!(new_id());
    let results = server
        .sync(
            PARTICIPANT,
            &[
                reply_elsewhere,
                reply_to_nothing,
                reaction(&new_id(), WATER, &on_road, "agree"),
                reaction(&new_id(), WATER, &new_id(), "agree"),
                reaction(&new_id(), ROAD, &on_road, "agree"),
            ],
        )
        .await;
    let codes: Vec<_> = results.iter().map(|r| r["error"]["code"].as_str().unwrap_or("none")).collect();
    assert_eq!(codes, ["unknown_comment", "unknown_comment", "unknown_comment", "unknown_comment", "none"]);
    assert_eq!(results[4]["status"], "accepted");
    assert!(listed(&server, WATER).await.is_empty());
    assert_eq!(listed(&server, ROAD).await[0]["agree"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn a_comment_can_be_replied_to_in_the_batch_that_posts_it(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let first = new_id();
    let mut reply = comment(&new_id(), WATER, "And on Sundays.");
    reply["reply_to"] = json!(first);
    let results = server.sync(PARTICIPANT, &[comment(&first, WATER, "Kiosks close too early."), reply]).await;
    assert!(results.iter().all(|r| r["status"] == "accepted"), "{results:?}");
}

#[apply(databases)]
#[tokio::test]
async fn a_newer_reaction_replaces_the_participants_older_one(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let id = new_id();
    server.sync(PARTICIPANT, &[comment(&id, WATER, "Kiosks close too early.")]).await;
    server.sync(OTHER_PARTICIPANT, &[reaction(&new_id(), WATER, &id, "agree")]).await;
    assert_eq!(listed(&server, WATER).await[0]["agree"], 1);
    server.sync(OTHER_PARTICIPANT, &[reaction(&new_id(), WATER, &id, "disagree")]).await;
    let comment = &listed(&server, WATER).await[0];
    assert_eq!((comment["agree"].as_u64(), comment["disagree"].as_u64()), (Some(0), Some(1)));
}

#[apply(databases)]
#[tokio::test]
async fn comments_are_refused_where_the_definition_has_none_or_the_text_is_not_a_comment(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut on_unknown_item = comment(&new_id(), WATER, "About what?");
    on_unknown_item["item"] = json!("no-such-item");
    let mut no_language = comment(&new_id(), WATER, "Hello");
    no_language["language"] = json!("english!");
    let results = server
        .sync(
            PARTICIPANT,
            &[
                comment(&new_id(), VILLAGE, "Hello"),
                comment(&new_id(), WATER, "   "),
                comment(&new_id(), WATER, &"x".repeat(baraza_core::sync::COMMENT_MAX_CHARS + 1)),
                on_unknown_item,
                no_language,
            ],
        )
        .await;
    let codes: Vec<_> = results.iter().map(|r| r["error"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["comments_disabled", "invalid_comment", "invalid_comment", "unknown_item", "invalid_comment"]);
    assert!(listed(&server, WATER).await.is_empty());
}

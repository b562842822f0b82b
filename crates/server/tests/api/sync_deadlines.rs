//! The deadline rule of `POST /api/v1/sync`: what counts after
//! the close, and what before the opening. These tests set the dates.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// The water consultation, closed `closed_ago` ago, with `grace_hours`.
async fn closed_server(database: Database, closed_ago: Duration, grace_hours: Option<u32>) -> TestServer {
    let server = TestServer::start(database).await;
    let mut closed = definition(WATER);
    closed["closes_at"] = json!(rfc3339(OffsetDateTime::now_utc() - closed_ago));
    if let Some(hours) = grace_hours {
        closed["offline_grace_hours"] = json!(hours);
    }
    server.publish(closed).await;
    server
}

fn cast(item: &str, choice: serde_json::Value, cast_at: OffsetDateTime) -> serde_json::Value {
    let mut vote = ballot(&new_id(), WATER, item, choice);
    vote["cast_at"] = json!(rfc3339(cast_at));
    vote
}

#[apply(databases)]
#[tokio::test]
async fn the_grace_window_admits_ballots_cast_before_the_close_only(#[case] database: Database) {
    let server = closed_server(database, Duration::hours(1), Some(24)).await;
    let now = OffsetDateTime::now_utc();
    let results = server
        .sync(
            PARTICIPANT,
            &[
                cast("tariff", json!({"choice": "flat"}), now - Duration::hours(2)),
                cast("satisfaction", json!({"value": 2}), now - Duration::minutes(30)),
                ballot(&new_id(), WATER, "priorities", json!({"choices": ["leaks"]})),
                comment(&new_id(), WATER, "Written before the close, sent after."),
            ],
        )
        .await;
    assert_eq!(results[0]["status"], "accepted");
    let codes: Vec<_> = results[1..].iter().map(|r| r["error"]["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["consultation_closed"; 3], "cast after the close, no cast time, not a ballot");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn after_the_grace_window_nothing_counts(#[case] database: Database) {
    let server = closed_server(database, Duration::hours(30), Some(24)).await;
    let cast_before = cast("tariff", json!({"choice": "flat"}), OffsetDateTime::now_utc() - Duration::hours(31));
    let results = server.sync(PARTICIPANT, &[cast_before]).await;
    assert_eq!(results[0]["error"]["code"], "consultation_closed");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 0);
}

#[apply(databases)]
#[tokio::test]
async fn without_a_grace_window_the_close_is_final(#[case] database: Database) {
    let server = closed_server(database, Duration::minutes(1), None).await;
    let cast_before = cast("tariff", json!({"choice": "flat"}), OffsetDateTime::now_utc() - Duration::hours(1));
    let results = server.sync(PARTICIPANT, &[cast_before]).await;
    assert_eq!(results[0]["status"], "rejected");
    assert_eq!(results[0]["error"]["code"], "consultation_closed");
}

#[apply(databases)]
#[tokio::test]
async fn an_upcoming_consultation_takes_nothing_yet(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut upcoming = definition(WATER);
    upcoming["opens_at"] = json!("2098-01-01T00:00:00Z");
    server.publish(upcoming).await;
    let results = server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    assert_eq!(results[0]["error"]["code"], "consultation_not_open");
}

//! `POST /api/v1/sync` and the device's clock: a `cast_at` outside the
//! calendar is refused on its own, one ahead of the server's clock is read
//! as the arrival time.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn a_cast_at_outside_the_calendar_is_refused_and_the_rest_counted(#[case] database: Database) {
    let server = TestServer::start(database).await;
    // The UTC time of the first is in the year 10000; the second before the year 1.
    let outside = ["9999-12-31T23:00:00-05:00", "0000-01-01T00:00:00+05:00", "3000-01-01T00:00:00Z"];
    let mut batch: Vec<_> = outside
        .iter()
        .map(|cast_at| ballot_cast_at(&new_id(), WATER, "tariff", json!({"choice": "flat"}), cast_at))
        .collect();
    batch.push(ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})));
    let results = server.sync(PARTICIPANT, &batch).await;
    for result in &results[..3] {
        assert_eq!(result["status"], "rejected", "{result}");
        assert_eq!(result["error"]["code"], "invalid_action", "{result}");
        assert!(result["error"]["message"].as_str().unwrap().contains("1970-01-01"), "{result}");
    }
    assert_eq!(results[3]["status"], "accepted");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 0);
}

#[apply(databases)]
#[tokio::test]
async fn a_clock_running_ahead_counts_as_the_arrival_and_the_later_ballot_still_wins(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let ahead = ballot_cast_at(&new_id(), WATER, "tariff", json!({"choice": "flat"}), "2999-06-01T00:00:00Z");
    assert_eq!(server.sync(PARTICIPANT, &[ahead]).await[0]["status"], "accepted");
    // Cast after the first arrived, by a phone whose clock is right.
    let later = ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}));
    assert_eq!(server.sync(PARTICIPANT, &[later]).await[0]["status"], "accepted");
    assert_eq!(server.counts(WATER, "tariff").await, json!({"blocks": 1, "flat": 0, "per-litre": 0}));

    let token = server.token(Role::Analyst).await;
    let path = format!("/api/v1/admin/consultations/{WATER}/export.json");
    let export = server.send_as("GET", &path, Some(&token), None).await;
    assert_eq!(export.status, StatusCode::OK);
    let ballots = export.json()["ballots"].as_array().unwrap().clone();
    let tariff = ballots.iter().find(|b| b["item"] == "tariff").unwrap();
    assert_eq!(tariff["ballot"], json!({"choice": "blocks"}));
    assert!(tariff["cast_at"].as_str().unwrap() < "2999", "{tariff}");
}

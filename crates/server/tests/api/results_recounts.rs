//! `GET /api/v1/consultations/{id}/results` read by many at once after a
//! ranking changed: one recount of the item, which every read shares (the
//! others are answered the last count or wait for this one), counted from
//! the item's profile of distinct ballots, never from every ballot.

use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::common::{databases, Database};

const RECOUNTS: &str = "baraza_results_recounts_total";

#[apply(databases)]
#[tokio::test]
async fn concurrent_reads_after_a_ballot_share_one_recount(#[case] database: Database) {
    let server = TestServer::start(database).await;
    // The ranking is counted once, then not again while no ballot changes it.
    server.results(WATER).await;
    let before = server.metric(RECOUNTS).await;
    server.results(WATER).await;
    assert_eq!(server.metric(RECOUNTS).await, before);

    let ranking = json!({"ranking": ["school", "market", "clinic", "bus"]});
    let vote = ballot(&new_id(), WATER, "kiosk-sites", ranking);
    assert_eq!(server.sync(PARTICIPANT, &[vote]).await[0]["status"], "accepted");
    let reads: Vec<_> = (0..16).map(|_| server.results(WATER)).collect();
    futures_util::future::join_all(reads).await;
    assert_eq!(server.metric(RECOUNTS).await, before + 1.0);
    // Every read after it is answered the count that holds the ballot.
    let item =
        server.results(WATER).await["items"].as_array().unwrap().iter().find(|i| i["id"] == "kiosk-sites").cloned();
    assert_eq!(item.unwrap()["ballots"], 1, "counted the new ballot");
}

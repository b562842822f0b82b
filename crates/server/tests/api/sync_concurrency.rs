//! Many phones syncing at once, to one server or to several on one database.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use std::sync::Arc;

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_batches_are_all_counted(#[case] database: Database) {
    const PHONES: usize = 24;
    let server = Arc::new(TestServer::start(database).await);
    let tasks: Vec<_> = (0..PHONES)
        .map(|_| {
            let server = server.clone();
            tokio::spawn(async move {
                // Each batch reads (duplicates, comments) before it writes,
                // the pattern that fails under SQLite's deferred transactions.
                let actions = [
                    ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"})),
                    comment(&new_id(), WATER, "Same time as everyone."),
                ];
                let body = json!({"participant": new_id(), "actions": actions}).to_string();
                server.post("/api/v1/sync", "application/json", body).await
            })
        })
        .collect();
    for task in tasks {
        let answer = task.await.unwrap();
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        assert!(answer.json()["results"].as_array().unwrap().iter().all(|r| r["status"] == "accepted"));
    }
    let results = server.results(WATER).await;
    assert_eq!(results["participants"], PHONES);
    assert_eq!(results["items"][0]["counts"]["flat"], PHONES);
}

/// A participant's id by number.
fn person(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_given_one_batch_at_once_count_it_once(#[case] database: Database) {
    const BATCHES: usize = 30;
    let first = TestServer::start(database).await;
    let second = first.another().await;
    let (first, second) = (Arc::new(first), Arc::new(second));
    let mut answers = Vec::new();
    for n in 0..BATCHES {
        // A phone whose answer was lost sends its batch again, and a proxy
        // takes it to the other server while the first still writes it.
        let batch = [
            ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"})),
            ballot(&new_id(), WATER, "satisfaction", json!({"value": 4})),
            comment(&new_id(), WATER, "Sent twice at once."),
        ];
        let (a, b) = (first.clone(), second.clone());
        let (batch_a, batch_b) = (batch.clone(), batch.clone());
        let (one, two) = tokio::join!(
            tokio::spawn(async move { a.sync(&person(n), &batch_a).await }),
            tokio::spawn(async move { b.sync(&person(n), &batch_b).await }),
        );
        answers.push((one.unwrap(), two.unwrap()));
    }
    for (one, two) in &answers {
        for (a, b) in one.iter().zip(two) {
            let mut statuses = [a["status"].as_str().unwrap(), b["status"].as_str().unwrap()];
            statuses.sort_unstable();
            assert_eq!(statuses, ["accepted", "duplicate"], "{a} {b}");
            assert_eq!(a["receipt"], b["receipt"], "both answer the one stored action's receipt");
        }
    }
    for server in [&first, &second] {
        let results = server.results(WATER).await;
        assert_eq!(results["participants"], BATCHES);
        let item = |id: &str| results["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
        assert_eq!(item("tariff")["counts"]["blocks"], BATCHES);
        assert_eq!(item("satisfaction")["ballots"], BATCHES);
    }
    let comments: i64 = first.scalar("SELECT COUNT(*) FROM comments").await;
    assert_eq!(comments as usize, BATCHES);
    let actions: i64 = first.scalar("SELECT COUNT(*) FROM actions").await;
    assert_eq!(actions as usize, 3 * BATCHES);
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_the_counters_exact(#[case] database: Database) {
    const SERVERS: usize = 4;
    const PEOPLE: usize = 40;
    const CHANGES: usize = 3;
    let first = TestServer::start(database).await;
    let mut servers = vec![Arc::new(first)];
    for _ in 1..SERVERS {
        servers.push(Arc::new(servers[0].another().await));
    }
    // Every person votes, then changes their vote twice, each time through
    // another server, all at once; newer ballots are cast later.
    let choices = ["flat", "per-litre", "blocks"];
    let tasks: Vec<_> = (0..PEOPLE)
        .flat_map(|n| (0..CHANGES).map(move |change| (n, change)))
        .map(|(n, change)| {
            let server = servers[(n + change) % SERVERS].clone();
            let choice = choices[(n + change) % choices.len()];
            let cast_at = format!("2026-11-20T10:00:0{change}Z");
            tokio::spawn(async move {
                let vote = ballot_cast_at(&new_id(), WATER, "tariff", json!({ "choice": choice }), &cast_at);
                let useful = feedback(&new_id(), ROAD, "stages", change % 2 == 0);
                let results = server.sync(&person(n), &[vote]).await;
                assert_eq!(results[0]["status"], "accepted");
                server.sync(&person(n), &[useful]).await;
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // What stands: each person's last ballot.
    let mut expected = json!({"flat": 0, "per-litre": 0, "blocks": 0});
    for n in 0..PEOPLE {
        let last = choices[(n + CHANGES - 1) % choices.len()];
        expected[last] = json!(expected[last].as_u64().unwrap() + 1);
    }
    for server in &servers {
        assert_eq!(server.counts(WATER, "tariff").await, expected);
        let results = server.results(WATER).await;
        assert_eq!(results["participants"], PEOPLE);
        assert_eq!(results["items"][0]["ballots"], PEOPLE);
        let road = server.results(ROAD).await;
        assert_eq!(road["participants"], PEOPLE);
        let marks = &road["items"].as_array().unwrap().iter().find(|i| i["id"] == "stages").unwrap()["useful"];
        assert_eq!(marks["yes"].as_u64().unwrap() + marks["no"].as_u64().unwrap(), PEOPLE as u64);
    }
    let standing: i64 = servers[0].scalar("SELECT COUNT(*) FROM actions WHERE standing").await;
    assert_eq!(standing as usize, 2 * PEOPLE, "one ballot and one useful-mark stand per person");
}

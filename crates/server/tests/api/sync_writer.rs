//! The sync writer: the requests waiting for it share one transaction, each
//! answered once it is committed; a full queue answers 503 with
//! `Retry-After`, and nothing of a refused request is stored.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use baraza_server::storage::Tx;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::common::{databases, Database};

/// Holds the database's write lock (SQLite) or the water consultation's row
/// (PostgreSQL) until the transaction ends, so that the writer waits.
pub async fn block_the_writer(server: &TestServer) -> Tx {
    let mut tx = server.store.begin_write().await.unwrap();
    baraza_server::on!(&mut tx, |c| sqlx::query("UPDATE consultations SET revision = revision WHERE id = $1")
        .bind(WATER)
        .execute(c)
        .await
        .map(drop))
    .unwrap();
    tx
}

/// Waits until the writer has `actions` actions waiting or being written.
pub async fn until_waiting(server: &TestServer, actions: f64) {
    for _ in 0..500 {
        if server.metric("baraza_sync_queue_actions").await >= actions {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the writer never had {actions} actions waiting");
}

fn vote(n: usize) -> (String, serde_json::Value) {
    let participant = format!("00000000-0000-4000-8000-{n:012}");
    (participant, ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"})))
}

/// `phones` phones voting at once: their answers, when they come.
fn phones_voting(server: &Arc<TestServer>, phones: usize) -> Vec<tokio::task::JoinHandle<Vec<serde_json::Value>>> {
    (0..phones)
        .map(|n| {
            let server = server.clone();
            tokio::spawn(async move {
                let (participant, ballot) = vote(n);
                server.sync(&participant, &[ballot]).await
            })
        })
        .collect()
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_that_wait_share_one_transaction(#[case] database: Database) {
    const PHONES: usize = 20;
    let server = Arc::new(TestServer::start(database).await);
    let blocker = block_the_writer(&server).await;
    let phones = phones_voting(&server, PHONES);
    until_waiting(&server, PHONES as f64).await;
    blocker.commit().await.unwrap();
    for phone in phones {
        assert_eq!(phone.await.unwrap()[0]["status"], "accepted");
    }
    assert_eq!(server.metric("baraza_sync_requests_total").await, PHONES as f64);
    // The first request waited alone in its transaction; the others came
    // meanwhile and went together in the next.
    assert_eq!(server.metric("baraza_sync_transactions_total").await, 2.0);
    assert_eq!(server.counts(WATER, "tariff").await["flat"], PHONES);
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_queue_answers_503_with_retry_after_and_stores_nothing_of_it(#[case] database: Database) {
    let server = Arc::new(TestServer::start(database).await.with_write_queue(2));
    let blocker = block_the_writer(&server).await;
    let waiting = phones_voting(&server, 2);
    until_waiting(&server, 2.0).await;
    let (participant, refused) = vote(2);
    let body = json!({ "participant": participant, "actions": [refused] }).to_string();
    let answer = server.post("/api/v1/sync", "application/json", body.clone()).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.error_code(), "busy");
    let wait: u64 = answer.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(server.metric("baraza_sync_refused_total").await, 1.0);

    blocker.commit().await.unwrap();
    for phone in waiting {
        assert_eq!(phone.await.unwrap()[0]["status"], "accepted");
    }
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 2, "the refused ballot was not stored");
    // Sent again once there is room, it counts.
    let again = server.post("/api/v1/sync", "application/json", body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["results"][0]["status"], "accepted");
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 3);
}

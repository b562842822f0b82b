//! Many phones syncing at once against one SQLite file.

use std::sync::Arc;

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_batches_are_all_counted() {
    const PHONES: usize = 24;
    let server = Arc::new(TestServer::start().await);
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

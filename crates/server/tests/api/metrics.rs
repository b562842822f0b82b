//! `GET /metrics` (`baraza serve --metrics-addr`) scraped after a burst:
//! the counts of that burst, by route and status, by kind and outcome; the
//! writer's histograms; counting times; the database's size; and no
//! identifier of anyone or anything in it.

use std::sync::Arc;

use baraza_core::staff::Role;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::common::{databases, Database};

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scrape_after_a_burst_counts_it_and_names_no_one(#[case] database: Database) {
    const PHONES: usize = 30;
    let server = Arc::new(TestServer::start(database).await);
    let participants: Vec<String> = (0..PHONES).map(|n| format!("00000000-0000-4000-8000-{n:012}")).collect();
    let mut ids = Vec::new();
    let burst: Vec<_> = participants
        .iter()
        .map(|participant| {
            let (server, participant) = (server.clone(), participant.clone());
            let (vote, ranking, comment_id) = (new_id(), new_id(), new_id());
            ids.extend([vote.clone(), ranking.clone(), comment_id.clone()]);
            tokio::spawn(async move {
                let actions = [
                    ballot(&vote, WATER, "tariff", json!({"choice": "blocks"})),
                    ballot(&ranking, WATER, "kiosk-sites", json!({"ranking": ["market", "school"]})),
                    comment(&comment_id, WATER, "Longer opening hours, please."),
                    // Not an option of the item: rejected.
                    ballot(&new_id(), WATER, "tariff", json!({"choice": "free"})),
                ];
                let first = server.sync(&participant, &actions).await;
                // The same batch again, as a phone that missed the answer sends it.
                let again = server.sync(&participant, &actions).await;
                [first, again].concat()
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for phone in burst {
        receipts.extend(phone.await.unwrap().iter().filter_map(|result| result["receipt"].as_str().map(str::to_owned)));
    }
    let analyst = server.token(Role::Analyst).await;
    let check = server.send_as("GET", &format!("/api/v1/admin/receipts/{}", receipts[0]), Some(&analyst), None).await;
    assert_eq!(check.status, 200);
    server.results(WATER).await;
    server.get("/api/v1/no-such-route").await;

    let metrics = server.metrics().await;
    let value = |line: &str| {
        let found = metrics.lines().find(|l| l.rsplit_once(' ').is_some_and(|(name, _)| name == line));
        found.and_then(|l| l.rsplit_once(' ')).map_or(0.0, |(_, value)| value.parse::<f64>().unwrap())
    };
    let phones = PHONES as f64;
    let sync = r#"baraza_http_requests_total{method="POST",route="/api/v1/sync",status="200"}"#;
    assert_eq!(value(sync), 2.0 * phones, "{metrics}");
    let receipt_route = r#"{method="GET",route="/api/v1/admin/receipts/{receipt}",status="200"}"#;
    assert_eq!(value(&format!("baraza_http_requests_total{receipt_route}")), 1.0);
    let results = r#"{method="GET",route="/api/v1/consultations/{id}/results",status="200"}"#;
    assert_eq!(value(&format!("baraza_http_requests_total{results}")), 1.0);
    assert_eq!(value(r#"baraza_http_requests_total{method="GET",route="(none)",status="404"}"#), 1.0);
    let answered = r#"baraza_http_answer_seconds_count{method="POST",route="/api/v1/sync"}"#;
    assert_eq!(value(answered), 2.0 * phones);

    for (kind, outcome, count) in [
        ("ballot", "accepted", 2.0 * phones),
        ("ballot", "duplicate", 2.0 * phones),
        ("ballot", "rejected", 2.0 * phones),
        ("comment", "accepted", phones),
        ("comment", "duplicate", phones),
    ] {
        let line = format!(r#"baraza_sync_actions_total{{kind="{kind}",outcome="{outcome}"}}"#);
        assert_eq!(value(&line), count, "{line}");
    }
    assert_eq!(value(r#"baraza_sync_rejected_total{code="unknown_option"}"#), 2.0 * phones);
    assert_eq!(value("baraza_sync_requests_total"), 2.0 * phones);
    let transactions = value("baraza_sync_transactions_total");
    assert!((1.0..=2.0 * phones).contains(&transactions), "{transactions}");
    assert_eq!(value("baraza_sync_transaction_seconds_count"), transactions);
    assert_eq!(value("baraza_sync_transaction_actions_count"), transactions);
    assert_eq!(value("baraza_sync_transaction_actions_sum"), 8.0 * phones, "every action of every request");
    assert_eq!(value("baraza_sync_queue_actions"), 0.0);
    assert_eq!(value("baraza_sync_queue_capacity"), 20_000.0);
    assert_eq!(value(r#"baraza_results_recount_seconds_count{method="instant_runoff"}"#), 1.0);
    assert!(value("baraza_database_bytes") > 0.0, "{metrics}");

    for identifier in participants.iter().chain(&ids).chain(&receipts).chain([&analyst, &WATER.to_owned()]) {
        assert!(!metrics.contains(identifier.as_str()), "{identifier} is in the metrics");
    }
    assert!(!metrics.contains("127.0.0.1"));
}

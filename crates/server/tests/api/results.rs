//! `GET /api/v1/consultations/{id}/results`.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[apply(databases)]
#[tokio::test]
async fn live_results_are_public_while_open(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let answer = server.get("/api/v1/consultations/water-services-2027/results").await;
    assert_eq!(answer.status, StatusCode::OK);
    let results = answer.json();
    assert_eq!(results["consultation"], WATER);
    assert_eq!(results["participants"], 0);
    assert_eq!(
        results["items"][0],
        json!({
            "id": "tariff", "type": "single_choice", "ballots": 0,
            "counts": {"flat": 0, "per-litre": 0, "blocks": 0},
        })
    );
}

#[apply(databases)]
#[tokio::test]
async fn after_close_results_are_refused_until_the_close(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let village = server.get("/api/v1/consultations/kijiji-budget-2027/results").await;
    assert_eq!(village.status, StatusCode::FORBIDDEN);
    assert_eq!(village.error_code(), "results_not_public");
    let message = village.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("when the consultation closes") && message.contains("2099-01-01T00:00:00Z"), "{message}");

    let mut closed = definition(VILLAGE);
    closed["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(closed).await;
    assert_eq!(server.get("/api/v1/consultations/kijiji-budget-2027/results").await.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn staff_only_results_are_never_public(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut staff_only = definition(WATER);
    staff_only["results"] = json!("staff_only");
    staff_only["closes_at"] = json!("2021-01-01T00:00:00Z");
    server.publish(staff_only).await;
    let hidden = server.get("/api/v1/consultations/water-services-2027/results").await;
    assert_eq!(hidden.status, StatusCode::FORBIDDEN);
    assert_eq!(hidden.error_code(), "results_staff_only");
    assert!(hidden.json()["error"]["message"].as_str().unwrap().contains("staff only"));
}

#[apply(databases)]
#[tokio::test]
async fn results_of_an_unknown_consultation_are_a_404(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let missing = server.get("/api/v1/consultations/no-such-thing/results").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "consultation_not_found");
}

#[apply(databases)]
#[tokio::test]
async fn results_report_every_item_in_definition_order(#[case] database: Database) {
    let server = TestServer::start(database).await;
    server
        .sync(
            PARTICIPANT,
            &[
                ballot(&new_id(), WATER, "satisfaction", json!({"value": 2})),
                ballot(&new_id(), WATER, "kiosk-sites", json!({"ranking": ["school", "market"]})),
                ballot(&new_id(), WATER, "ideas", json!({"text": "Open kiosks at dawn."})),
            ],
        )
        .await;
    server.sync(OTHER_PARTICIPANT, &[ballot(&new_id(), WATER, "satisfaction", json!({"value": 5}))]).await;
    let results = server.results(WATER).await;
    let ids: Vec<_> = results["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["tariff", "priorities", "satisfaction", "kiosk-sites", "ideas"]);
    assert_eq!(results["participants"], 2);
    let satisfaction = &results["items"][2];
    assert_eq!(satisfaction["ballots"], 2);
    assert_eq!(satisfaction["counts"]["2"], 1);
    assert_eq!(satisfaction["counts"]["5"], 1);
    assert_eq!(satisfaction["mean"], 3.5);
    assert_eq!(satisfaction["median"], 3.5);
    assert_eq!(results["items"][3]["counts"]["school"], 1, "a ranking counts first preferences");
    assert_eq!(results["items"][3]["counts"]["market"], 0);
    assert_eq!(results["items"][4]["ballots"], 1);
    assert!(results["items"][4].get("counts").is_none(), "text answers are not shown publicly");
}

#[apply(databases)]
#[tokio::test]
async fn a_ranking_is_counted_by_instant_runoff_round_by_round(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let rankings: [(usize, &[&str]); 4] =
        [(4, &["market", "school"]), (3, &["school", "clinic"]), (2, &["clinic", "school"]), (1, &["bus", "clinic"])];
    for (count, ranking) in rankings {
        for _ in 0..count {
            server.sync(&new_id(), &[ballot(&new_id(), WATER, "kiosk-sites", json!({ "ranking": ranking }))]).await;
        }
    }
    let results = server.results(WATER).await;
    let sites = results["items"].as_array().unwrap().iter().find(|i| i["id"] == "kiosk-sites").unwrap().clone();
    assert_eq!(sites["method"], "instant_runoff");
    assert_eq!(sites["counts"], json!({"bus": 1, "clinic": 2, "market": 4, "school": 3}), "first preferences");
    let rounds = sites["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 3);
    assert_eq!(rounds[0]["eliminated"], json!(["bus"]));
    // school and clinic tie on 3 in round 2; clinic had fewer in round 1.
    assert_eq!(rounds[1]["counts"], json!({"clinic": 3, "market": 4, "school": 3}));
    assert_eq!(rounds[1]["eliminated"], json!(["clinic"]));
    assert_eq!(rounds[2]["counts"], json!({"market": 4, "school": 5}));
    assert_eq!(rounds[2]["exhausted"], 1);
    assert_eq!(sites["winner"], "school");
}

#[apply(databases)]
#[tokio::test]
async fn a_budget_is_counted_by_equal_shares(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let mut village = definition(VILLAGE);
    village["eligibility"] = json!("open");
    village["results"] = json!("live");
    server.publish(village).await;
    for (count, projects) in [(6, ["well", "classroom"]), (4, ["road", "clinic-beds"])] {
        for _ in 0..count {
            let vote = ballot(&new_id(), VILLAGE, "projects", json!({ "projects": projects }));
            assert_eq!(server.sync(&new_id(), &[vote]).await[0]["status"], "accepted");
        }
    }
    let results = server.results(VILLAGE).await;
    let projects = &results["items"][0];
    assert_eq!(projects["method"], "equal_shares");
    assert_eq!(projects["counts"], json!({"classroom": 6, "clinic-beds": 4, "road": 4, "solar": 0, "well": 6}));
    // Each of the 10 voters controls 500,000: the minority's beds cost them
    // 200,000 each and are funded first; the majority's well costs 333,334.
    // Neither group can then pay for its other project alone.
    assert_eq!(projects["selected"], json!(["clinic-beds", "well"]));
    assert_eq!(projects["spent"], 2_800_000);
    assert_eq!(projects["share_per_voter"], 500_000.0);
}

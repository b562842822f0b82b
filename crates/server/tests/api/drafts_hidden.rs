//! A draft is for staff only: no public route lists it, reads it, counts
//! input for it or publishes its data, whatever id its definition carries.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

use crate::common::*;
use crate::drafts_edit::create_draft;

#[apply(databases)]
#[tokio::test]
async fn citizens_never_see_a_draft(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let list_before = server.get("/api/v1/consultations").await.body;
    let catalogue_before = server.get("/api/v1/catalogue").await.body;
    let mut draft = definition(WATER);
    draft["id"] = json!("water-draft-2028");
    let created = create_draft(&server, &publisher, draft).await;
    assert_eq!(created.status, StatusCode::CREATED);

    assert_eq!(server.get("/api/v1/consultations").await.body, list_before);
    assert_eq!(server.get("/api/v1/catalogue").await.body, catalogue_before);
    for path in ["", "/results", "/comments", "/tallies.json", "/tallies.csv", "/poster"] {
        let path = if path == "/poster" {
            "/c/water-draft-2028/poster".to_owned()
        } else {
            format!("/api/v1/consultations/water-draft-2028{path}")
        };
        assert_eq!(server.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let synced =
        server.sync(PARTICIPANT, &[ballot(&new_id(), "water-draft-2028", "tariff", json!({"choice": "flat"}))]).await;
    assert_eq!(
        (&synced[0]["status"], &synced[0]["error"]["code"]),
        (&json!("rejected"), &json!("unknown_consultation"))
    );
    // Nor do the staff's consultation routes: a draft is not a consultation until published.
    let staff = server.send_as("GET", "/api/v1/admin/consultations", Some(&publisher), None).await.json();
    assert!(staff["consultations"].as_array().unwrap().iter().all(|c| c["id"] != "water-draft-2028"));
}

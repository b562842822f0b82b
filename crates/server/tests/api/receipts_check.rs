//! `GET /api/v1/admin/receipts/{receipt}`: a citizen's receipt, checked by
//! staff against the stored action.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn a_receipt_names_its_action_and_whether_it_still_stands(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let first = server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await;
    let receipt = first[0]["receipt"].as_str().unwrap().to_owned();
    let analyst = server.token(Role::Analyst).await;
    // Read out in capitals, in groups of four: the same receipt.
    let grouped: Vec<String> =
        receipt.to_uppercase().as_bytes().chunks(4).map(|g| String::from_utf8(g.to_vec()).unwrap()).collect();
    let path = format!("/api/v1/admin/receipts/{}", grouped.join("-"));
    let answer = server.send_as("GET", &path, Some(&analyst), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    let check = answer.json();
    assert_eq!(check["receipt"], receipt);
    assert_eq!(check["action_id"], first[0]["id"]);
    assert_eq!(check["consultation"], WATER);
    assert_eq!(check["kind"], "ballot");
    assert_eq!(check["item"], "tariff");
    assert_eq!(check["authentic"], true);
    assert_eq!(check["standing"], true);

    // A newer ballot replaces it: the receipt still proves it arrived.
    server.sync(PARTICIPANT, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "blocks"}))]).await;
    let check = server.send_as("GET", &path, Some(&analyst), None).await.json();
    assert_eq!(check["standing"], false);

    // An action altered in the database no longer matches its receipt.
    let bytes: Vec<u8> = (0..8).map(|i| u8::from_str_radix(&receipt[2 * i..2 * i + 2], 16).unwrap()).collect();
    let mut tx = server.store.begin_write().await.unwrap();
    baraza_server::on!(&mut tx, |c| sqlx::query(
        "UPDATE actions SET content = replace(content, 'flat', 'blocks') WHERE receipt = $1"
    )
    .bind(&bytes)
    .execute(c)
    .await
    .map(drop))
    .unwrap();
    tx.commit().await.unwrap();
    let check = server.send_as("GET", &path, Some(&analyst), None).await.json();
    assert_eq!(check["authentic"], false);
}

#[apply(databases)]
#[tokio::test]
async fn an_unknown_receipt_is_a_404_and_staff_only(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let comment_receipt = server.sync(PARTICIPANT, &[comment(&new_id(), WATER, "Hello.")]).await[0]["receipt"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/admin/receipts/{comment_receipt}");
    assert_eq!(server.send_as("GET", &path, None, None).await.status, StatusCode::UNAUTHORIZED);
    let publisher = server.token(Role::Publisher).await;
    let check = server.send_as("GET", &path, Some(&publisher), None).await.json();
    assert_eq!(check["kind"], "comment");
    assert!(check["standing"].is_null());
    // A comment on the whole consultation is about no item.
    assert!(check.get("item").is_none());
    let unknown = server.send_as("GET", "/api/v1/admin/receipts/0123456789abcdef", Some(&publisher), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error_code(), "receipt_not_found");
}

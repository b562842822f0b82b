//! `POST …/{id}/codes`: participation codes as a CSV download, stored only
//! as keyed hashes.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::{header, StatusCode};
use baraza_core::codes;
use baraza_core::staff::Role;
use serde_json::json;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn codes_come_as_csv_and_are_stored_only_hashed(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let path = format!("/api/v1/admin/consultations/{VILLAGE}/codes");
    let answer = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": 25 }))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(answer.headers[header::CONTENT_DISPOSITION], format!("attachment; filename=\"{VILLAGE}-codes.csv\""));
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    let text = String::from_utf8(answer.body.clone()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut lines = text.split("\r\n").filter(|line| !line.is_empty());
    assert_eq!(lines.next(), Some("code"));
    let mut issued: Vec<&str> = lines.collect();
    assert_eq!(issued.len(), 25);
    assert!(issued.iter().all(|code| codes::normalize(code).as_deref() == Some(*code)), "{issued:?}");
    issued.sort();
    issued.dedup();
    assert_eq!(issued.len(), 25, "all different");

    let stored: Vec<String> = server.column("SELECT code_hash FROM participation_codes").await;
    assert_eq!(stored.len(), 25);
    for code in &issued {
        let bare = code.replace('-', "");
        assert!(stored.iter().all(|hash| !hash.contains(code) && !hash.contains(&bare)), "{code} is stored");
    }
}

#[apply(databases)]
#[tokio::test]
async fn codes_are_refused_for_open_eligibility_and_odd_counts(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let open = server
        .send_as(
            "POST",
            &format!("/api/v1/admin/consultations/{WATER}/codes"),
            Some(&publisher),
            Some(json!({ "count": 5 })),
        )
        .await;
    assert_eq!(open.status, StatusCode::CONFLICT);
    assert_eq!(open.error_code(), "codes_not_used");
    let path = format!("/api/v1/admin/consultations/{VILLAGE}/codes");
    for count in [json!(0), json!(10_001)] {
        let answer = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": count }))).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{count}");
        assert_eq!(answer.error_code(), "invalid_count");
    }
    let negative = server.send_as("POST", &path, Some(&publisher), Some(json!({ "count": -1 }))).await;
    assert_eq!(negative.status, StatusCode::BAD_REQUEST);
    let none: i64 = server.scalar("SELECT COUNT(*) FROM participation_codes").await;
    assert_eq!(none, 0);
}

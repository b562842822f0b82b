//! Requests the API cannot read — a body too large for its route, not
//! JSON, not text, too slow to arrive; a path or query that does not read —
//! are each answered in the JSON error shape with a precise code.

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use baraza_core::staff::Role;
use baraza_server::http::extract::{DEFINITION_BODY_LIMIT, STAFF_BODY_LIMIT, SYNC_BODY_LIMIT};
use futures_util::StreamExt;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::common::{databases, Database};

fn assert_too_large(answer: &Answer, limit: &str) {
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.error_code(), "payload_too_large");
    let message = answer.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(limit), "{message}");
}

/// `text` followed by spaces up to `bytes` bytes: still the same JSON.
fn padded(text: &str, bytes: usize) -> String {
    format!("{text}{}", " ".repeat(bytes - text.len()))
}

#[apply(databases)]
#[tokio::test]
async fn each_route_family_takes_bodies_up_to_its_own_limit_and_says_which(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let sync = json!({"participant": PARTICIPANT, "actions": []}).to_string();
    assert_eq!(
        server.post("/api/v1/sync", "application/json", padded(&sync, SYNC_BODY_LIMIT)).await.status,
        StatusCode::OK
    );
    let answer = server.post("/api/v1/sync", "application/json", padded(&sync, SYNC_BODY_LIMIT + 1)).await;
    assert_too_large(&answer, "1 MiB");

    // A definition file with long texts in many languages may be larger.
    let publish = |body: String| {
        let request = Request::post("/api/v1/admin/consultations")
            .header(header::AUTHORIZATION, format!("Bearer {publisher}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        server.send(request)
    };
    let mut road = definition(ROAD);
    road["summary"]["en"] = json!("A long summary.");
    let road = road.to_string();
    let answer = publish(padded(&road, DEFINITION_BODY_LIMIT)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
    assert_too_large(&publish(padded(&road, DEFINITION_BODY_LIMIT + 1)).await, "4 MiB");

    let outcome = json!({"outcome": {"en": "We heard you."}}).to_string();
    let set_outcome = |body: String| {
        let request = Request::put(format!("/api/v1/admin/consultations/{WATER}/outcome"))
            .header(header::AUTHORIZATION, format!("Bearer {publisher}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        server.send(request)
    };
    assert_eq!(set_outcome(padded(&outcome, STAFF_BODY_LIMIT)).await.status, StatusCode::OK);
    assert_too_large(&set_outcome(padded(&outcome, STAFF_BODY_LIMIT + 1)).await, "1 MiB");
}

#[apply(databases)]
#[tokio::test]
async fn a_body_of_unknown_length_is_cut_off_at_the_limit(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let chunks = (0..=SYNC_BODY_LIMIT / 1024).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024]));
    let request = Request::post("/api/v1/sync")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    assert_too_large(&server.send(request).await, "1 MiB");
}

#[apply(databases)]
#[tokio::test]
async fn a_definition_that_is_not_text_is_a_400_json_error(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let publisher = server.token(Role::Publisher).await;
    let request = Request::post("/api/v1/admin/consultations")
        .header(header::AUTHORIZATION, format!("Bearer {publisher}"))
        .body(Body::from(vec![b'{', 0xff, 0xfe, b'}']))
        .unwrap();
    let answer = server.send(request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_request");
}

#[apply(databases)]
#[tokio::test]
async fn a_missing_body_is_a_json_error(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let analyst = server.token(Role::Analyst).await;
    let path = format!("/api/v1/admin/comments/{}/hide", new_id());
    let request = |content_type: Option<&str>| {
        let mut request = Request::post(&path).header(header::AUTHORIZATION, format!("Bearer {analyst}"));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.body(Body::empty()).unwrap()
    };
    let answer = server.send(request(Some("application/json"))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "malformed_request");
    let answer = server.send(request(None)).await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.error_code(), "unsupported_media_type");
}

#[apply(databases)]
#[tokio::test]
async fn a_path_or_query_that_does_not_read_is_an_invalid_parameter(#[case] database: Database) {
    let server = TestServer::start(database).await;
    for path in ["/api/v1/consultations/%FF", "/api/v1/consultations/%C3%28/comments"] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.error_code(), "invalid_parameter", "{path}");
    }
    let answer = server.get(&format!("/api/v1/consultations/{WATER}/comments?limit=many")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error_code(), "invalid_parameter");
}

#[apply(databases)]
#[tokio::test]
async fn a_body_that_stops_arriving_is_a_408_json_error(#[case] database: Database) {
    let server = TestServer::start(database).await.with_body_timeout(Duration::from_millis(300));
    let begun = futures_util::stream::iter([Ok::<_, std::io::Error>(b"{\"participant\": ".to_vec())]);
    let stalled = begun.chain(futures_util::stream::pending());
    let request = Request::post("/api/v1/sync")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stalled))
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(10), server.send(request)).await.expect("answered");
    assert_eq!(answer.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(answer.error_code(), "request_timeout");
}

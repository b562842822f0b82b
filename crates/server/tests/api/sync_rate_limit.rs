//! Writes over a client address's limit: 429 with `Retry-After`, nothing
//! stored, every other address and every read untouched.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use baraza_server::http::limits::WriteLimit;
use serde_json::json;

use crate::common::*;

const PHONE: &str = "198.51.100.7:51000";
const OTHER_PHONE: &str = "203.0.113.9:40000";
const PROXY: &str = "127.0.0.1:45000";

/// A sync batch of one ballot on the water tariff, sent from `from`.
fn batch_from(from: &str, forwarded_for: Option<&str>, action_id: &str) -> Request<Body> {
    let body = json!({
        "participant": PARTICIPANT,
        "actions": [ballot(action_id, WATER, "tariff", json!({ "choice": "flat" }))],
    });
    let mut request = Request::post("/api/v1/sync").header(header::CONTENT_TYPE, "application/json");
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    let mut request = request.body(Body::from(body.to_string())).unwrap();
    request.extensions_mut().insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    request
}

fn read_from(from: &str, path: &str) -> Request<Body> {
    let mut request = Request::get(path).body(Body::empty()).unwrap();
    request.extensions_mut().insert(ConnectInfo(from.parse::<SocketAddr>().unwrap()));
    request
}

#[apply(databases)]
#[tokio::test]
async fn writes_over_the_limit_are_refused_with_when_to_try_again(#[case] database: Database) {
    let server = TestServer::start(database).await.with_write_limit(WriteLimit::new(2, None)).await;
    for _ in 0..2 {
        assert_eq!(server.send(batch_from(PHONE, None, &new_id())).await.status, StatusCode::OK);
    }
    let refused_id = new_id();
    let refused = server.send(batch_from(PHONE, None, &refused_id)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error_code(), "too_many_requests");
    let wait: u64 = refused.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=31).contains(&wait), "2 writes a minute: one more within 30 s, not {wait}");
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains(&format!("{wait} s")));
    let stored: i64 = server.scalar("SELECT COUNT(*) FROM actions").await;
    assert_eq!(stored, 2, "a refused batch stores nothing");

    // Reads from the same address, and writes from another, go on.
    assert_eq!(server.send(read_from(PHONE, &format!("/api/v1/consultations/{WATER}"))).await.status, StatusCode::OK);
    assert_eq!(server.send(batch_from(OTHER_PHONE, None, &new_id())).await.status, StatusCode::OK);
    // The ballots accepted counted once each (one participant: the newest stands).
    assert_eq!(server.counts(WATER, "tariff").await["flat"], 1);
}

#[apply(databases)]
#[tokio::test]
async fn behind_a_proxy_each_forwarded_address_has_its_own_limit(#[case] database: Database) {
    let header = Some("x-forwarded-for".parse().unwrap());
    let server = TestServer::start(database).await.with_write_limit(WriteLimit::new(1, header)).await;
    let first = server.send(batch_from(PROXY, Some("198.51.100.7"), &new_id())).await;
    assert_eq!(first.status, StatusCode::OK);
    // The proxy appends the address it saw: a client cannot pick its own.
    let spoofed = server.send(batch_from(PROXY, Some("192.0.2.1, 198.51.100.7"), &new_id())).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    let other = server.send(batch_from(PROXY, Some("203.0.113.9"), &new_id())).await;
    assert_eq!(other.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn behind_a_proxy_a_request_without_a_readable_address_counts_as_the_proxys(#[case] database: Database) {
    let header = Some("x-forwarded-for".parse().unwrap());
    let server = TestServer::start(database).await.with_write_limit(WriteLimit::new(2, header)).await;
    let without = server.send(batch_from(PROXY, None, &new_id())).await;
    assert_eq!(without.status, StatusCode::OK);
    let unreadable = server.send(batch_from(PROXY, Some("unknown"), &new_id())).await;
    assert_eq!(unreadable.status, StatusCode::OK);
    // Both counted for the proxy's own address, which has no write left.
    let refused = server.send(batch_from(PROXY, Some("not an address"), &new_id())).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.send(batch_from(PROXY, None, &new_id())).await.status, StatusCode::TOO_MANY_REQUESTS);
    // A client the proxy names is counted apart.
    assert_eq!(server.send(batch_from(PROXY, Some("198.51.100.7"), &new_id())).await.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn an_ipv6_client_is_counted_by_its_64(#[case] database: Database) {
    let server = TestServer::start(database).await.with_write_limit(WriteLimit::new(2, None)).await;
    let one_home = ["[2001:db8:1:2::1]:5000", "[2001:db8:1:2:ffff:ffff:ffff:ffff]:5000"];
    for address in one_home {
        assert_eq!(server.send(batch_from(address, None, &new_id())).await.status, StatusCode::OK);
    }
    let another_address = server.send(batch_from("[2001:db8:1:2:abcd::9]:6000", None, &new_id())).await;
    assert_eq!(another_address.status, StatusCode::TOO_MANY_REQUESTS, "the same /64");
    let next_64 = server.send(batch_from("[2001:db8:1:3::1]:5000", None, &new_id())).await;
    assert_eq!(next_64.status, StatusCode::OK);
    // An IPv4 client reached over IPv6 is the IPv4 address.
    assert_eq!(server.send(batch_from("198.51.100.7:1", None, &new_id())).await.status, StatusCode::OK);
    let mapped = server.send(batch_from("[::ffff:198.51.100.7]:2", None, &new_id())).await;
    assert_eq!(mapped.status, StatusCode::OK);
    let over = server.send(batch_from("198.51.100.7:3", None, &new_id())).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
}

#[apply(databases)]
#[tokio::test]
async fn a_limit_of_zero_is_no_limit(#[case] database: Database) {
    assert!(WriteLimit::new(0, None).is_none());
    let server = TestServer::start(database).await.with_write_limit(None).await;
    for _ in 0..5 {
        assert_eq!(server.send(batch_from(PHONE, None, &new_id())).await.status, StatusCode::OK);
    }
}

//! Staff tokens at the door of the admin API: missing, wrong or revoked
//! tokens get 401, a token of the other role 403.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use crate::common::TestServer;
use axum::http::{header, StatusCode};
use baraza_core::staff::Role;
use baraza_server::storage::tokens;
use time::OffsetDateTime;

#[apply(databases)]
#[tokio::test]
async fn me_names_the_holder_and_role_of_a_valid_token(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    for role in Role::ALL {
        let token = server.token(role).await;
        let answer = server.send_as("GET", "/api/v1/admin/me", Some(&token), None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json(), serde_json::json!({ "name": format!("Test {role}"), "role": role.as_str() }));
    }
}

#[apply(databases)]
#[tokio::test]
async fn a_missing_malformed_or_unknown_token_is_unauthorized(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let real = server.token(Role::Publisher).await;
    let tampered = format!("{}x", &real[..real.len() - 1]);
    let answer = server.send_as("GET", "/api/v1/admin/me", None, None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.error_code(), "unauthorized");
    assert_eq!(answer.headers[header::WWW_AUTHENTICATE], "Bearer");
    for wrong in [tampered.as_str(), "baraza_", "not-a-token", ""] {
        let answer = server.send_as("GET", "/api/v1/admin/me", Some(wrong), None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "token {wrong:?}");
        assert_eq!(answer.error_code(), "unauthorized");
    }
    // Another scheme than Bearer is not read as a token.
    let request = axum::http::Request::get("/api/v1/admin/me")
        .header(header::AUTHORIZATION, format!("Basic {real}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(server.send(request).await.status, StatusCode::UNAUTHORIZED);
}

#[apply(databases)]
#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let token = server.token(Role::Analyst).await;
    for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
        let request = axum::http::Request::get("/api/v1/admin/me")
            .header(header::AUTHORIZATION, format!("{scheme} {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(server.send(request).await.status, StatusCode::OK, "{scheme}");
    }
}

#[apply(databases)]
#[tokio::test]
async fn a_revoked_token_stops_working_and_others_do_not(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let kept = server.token(Role::Analyst).await;
    let revoked = server.token(Role::Analyst).await;
    let listed = tokens::list(&server.store).await.unwrap();
    let id = listed.iter().find(|t| revoked.contains(&t.id)).unwrap().id.clone();
    assert!(tokens::revoke(&server.store, &id, OffsetDateTime::now_utc()).await.unwrap());
    assert!(!tokens::revoke(&server.store, &id, OffsetDateTime::now_utc()).await.unwrap(), "revoked twice");
    let answer = server.send_as("GET", "/api/v1/admin/me", Some(&revoked), None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = server.send_as("GET", "/api/v1/admin/me", Some(&kept), None).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[apply(databases)]
#[tokio::test]
async fn tokens_are_stored_only_as_hashes(#[case] database: Database) {
    let server = TestServer::empty(database).await;
    let token = server.token(Role::Publisher).await;
    let stored: Vec<String> = server.column("SELECT id || name || role || token_hash FROM staff_tokens").await;
    let secret = token.rsplit('_').next().unwrap();
    assert!(stored.iter().all(|row| !row.contains(secret)), "the secret is stored");
}

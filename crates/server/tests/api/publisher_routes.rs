//! Every publisher route at the door, and the routes every staff member may
//! read: no token 401, a revoked token 401, the other role 403.

use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database};

use axum::http::StatusCode;
use baraza_core::staff::Role;
use serde_json::json;

use crate::common::*;

#[apply(databases)]
#[tokio::test]
async fn publisher_routes_need_a_valid_publisher_token(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let routes = [
        ("POST", "/api/v1/admin/consultations".to_owned(), definition(WATER)),
        ("PUT", format!("/api/v1/admin/consultations/{WATER}/outcome"), json!({ "outcome": { "en": "We listened." } })),
        ("POST", format!("/api/v1/admin/consultations/{VILLAGE}/codes"), json!({ "count": 2 })),
        ("POST", format!("/api/v1/admin/consultations/{ROAD}/archive"), json!({})),
        ("POST", format!("/api/v1/admin/consultations/{WATER}/close"), json!({})),
    ];
    let analyst = server.token(Role::Analyst).await;
    let revoked = server.token(Role::Publisher).await;
    revoke(&server, &revoked).await;
    let publisher = server.token(Role::Publisher).await;
    for (method, path, body) in &routes {
        let anonymous = server.send_as(method, path, None, Some(body.clone())).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(anonymous.error_code(), "unauthorized");
        let wrong_role = server.send_as(method, path, Some(&analyst), Some(body.clone())).await;
        assert_eq!(wrong_role.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(wrong_role.error_code(), "forbidden");
        let gone = server.send_as(method, path, Some(&revoked), Some(body.clone())).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let allowed = server.send_as(method, path, Some(&publisher), Some(body.clone())).await;
        assert_eq!(allowed.status, StatusCode::OK, "{method} {path}: {}", String::from_utf8_lossy(&allowed.body));
    }
    // Only the publisher's calls changed anything: one change each.
    let changes: i64 = server.scalar("SELECT COUNT(*) FROM changes").await;
    assert_eq!(changes, 4, "the unchanged definition records nothing, the four others one change each");
}

#[apply(databases)]
#[tokio::test]
async fn every_staff_member_may_list_consultations_and_read_change_logs(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let routes = ["/api/v1/admin/consultations".to_owned(), format!("/api/v1/admin/consultations/{WATER}/changes")];
    let revoked = server.token(Role::Analyst).await;
    revoke(&server, &revoked).await;
    for path in &routes {
        let anonymous = server.send_as("GET", path, None, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path}");
        let gone = server.send_as("GET", path, Some(&revoked), None).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{path}");
        for role in Role::ALL {
            let token = server.token(role).await;
            let answer = server.send_as("GET", path, Some(&token), None).await;
            assert_eq!(answer.status, StatusCode::OK, "{path} as {role}");
        }
    }
}

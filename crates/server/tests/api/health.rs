//! `GET /healthz` and `GET /readyz`, for load balancers.

use axum::http::StatusCode;
use rstest::rstest;
use rstest_reuse::apply;

use crate::common::*;
use crate::common::{databases, Database};

#[apply(databases)]
#[tokio::test]
async fn health_and_readiness_answer_for_load_balancers(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let health = server.get("/healthz").await;
    assert_eq!((health.status, health.body.as_slice()), (StatusCode::OK, b"ok".as_slice()));
    assert_eq!(server.get("/readyz").await.status, StatusCode::OK);
    server.store.close().await;
    assert_eq!(server.get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE, "no database, not ready");
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
}

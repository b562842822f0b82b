//! `GET /healthz` and `GET /readyz`, for load balancers: readiness fails
//! when the database is gone, when its schema is not the server's, and
//! while the write queue is full, and comes back when they mend.

use std::sync::Arc;

use axum::http::StatusCode;
use rstest::rstest;
use rstest_reuse::apply;
use serde_json::json;

use crate::common::*;
use crate::common::{databases, Database};
use crate::sync_writer::{block_the_writer, until_waiting};

/// `/readyz`'s status and text.
async fn readiness(server: &TestServer) -> (StatusCode, String) {
    let answer = server.get("/readyz").await;
    (answer.status, String::from_utf8(answer.body).unwrap())
}

#[apply(databases)]
#[tokio::test]
async fn a_server_on_its_database_is_healthy_and_ready(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let health = server.get("/healthz").await;
    assert_eq!((health.status, health.body.as_slice()), (StatusCode::OK, b"ok".as_slice()));
    assert_eq!(readiness(&server).await, (StatusCode::OK, "ready".to_owned()));
}

#[apply(databases)]
#[tokio::test]
async fn readiness_fails_when_the_database_is_gone_and_health_does_not(#[case] database: Database) {
    let server = TestServer::start(database).await;
    assert_eq!(readiness(&server).await.0, StatusCode::OK);
    match database {
        // Removed under the server: it would go on writing into a file that
        // is gone at the next start.
        Database::Sqlite => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", server.database.url));
            }
        }
        // Dropped, its connections cut: what a stopped cluster looks like to a server.
        Database::Postgres => server.database.drop_now().await,
    }
    let (status, text) = readiness(&server).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let expected = match database {
        Database::Sqlite => "the database file is gone",
        Database::Postgres => "the database does not answer",
    };
    assert_eq!(text, expected);
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK, "the process still answers");
}

#[apply(databases)]
#[tokio::test]
async fn readiness_fails_while_the_schema_is_not_the_servers(#[case] database: Database) {
    let server = TestServer::start(database).await;
    // As if a newer Baraza had migrated the database under this server.
    let newer = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99999, 'from a newer Baraza', TRUE, X'00', 0)";
    let newer = match database {
        Database::Sqlite => newer.to_owned(),
        Database::Postgres => newer.replace("X'00'", "'\\x00'::bytea"),
    };
    server.execute(&newer).await;
    assert_eq!(
        readiness(&server).await,
        (StatusCode::SERVICE_UNAVAILABLE, "the database's schema is not this server's".to_owned())
    );
    server.execute("DELETE FROM _sqlx_migrations WHERE version = 99999").await;
    assert_eq!(readiness(&server).await.0, StatusCode::OK, "ready again");
}

#[apply(databases)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_fails_while_the_write_queue_is_full(#[case] database: Database) {
    let server = Arc::new(TestServer::start(database).await.with_write_queue(2));
    let blocker = block_the_writer(&server).await;
    let waiting: Vec<_> = (0..2)
        .map(|n| {
            let server = server.clone();
            tokio::spawn(async move {
                let participant = format!("00000000-0000-4000-8000-{n:012}");
                server.sync(&participant, &[ballot(&new_id(), WATER, "tariff", json!({"choice": "flat"}))]).await
            })
        })
        .collect();
    until_waiting(&server, 2.0).await;
    assert_eq!(readiness(&server).await, (StatusCode::SERVICE_UNAVAILABLE, "the write queue is full".to_owned()));
    blocker.commit().await.unwrap();
    for phone in waiting {
        assert_eq!(phone.await.unwrap()[0]["status"], "accepted");
    }
    assert_eq!(readiness(&server).await, (StatusCode::OK, "ready".to_owned()));
}

//! The database `--database` names: created, migrated once, set up so that
//! an acknowledged ballot survives a crash; and databases made by earlier
//! versions brought up to date with nothing lost.

use baraza_server::storage::{Conn, Store};
use rstest::rstest;
use rstest_reuse::apply;

use crate::common::{databases, Database, TestServer};

#[tokio::test]
async fn a_sqlite_database_is_created_durable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists());
    let Conn::Sqlite(mut db) = store.read().await.unwrap() else { panic!("a file path opens SQLite") };
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *db).await.unwrap();
    assert_eq!(journal_mode, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&mut *db).await.unwrap();
    assert_eq!(synchronous, 2, "FULL");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&mut *db).await.unwrap();
    assert_eq!(foreign_keys, 1);
}

#[apply(databases)]
#[tokio::test]
async fn each_migration_runs_once_and_the_data_stays(#[case] database: Database) {
    let server = TestServer::start(database).await;
    let migrations = match database {
        Database::Sqlite => sqlx::migrate!("./migrations/sqlite").iter().count(),
        Database::Postgres => sqlx::migrate!("./migrations/postgres").iter().count(),
    };
    let server = server.restart().await;
    let applied: i64 = server.scalar("SELECT COUNT(*) FROM _sqlx_migrations").await;
    assert_eq!(applied as usize, migrations);
    assert_eq!(server.scalar::<i64>("SELECT COUNT(*) FROM consultations").await, 3);
}

/// A SQLite database with the migrations before `version` applied, and
/// `rows` written as the server of that time wrote them.
async fn sqlite_before(version: i64, rows: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let old = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = before.migrations.iter().filter(|m| m.version < version).cloned().collect::<Vec<_>>().into();
    before.run(&old).await.unwrap();
    sqlx::raw_sql(rows).execute(&old).await.unwrap();
    old.close().await;
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

const P1: &str = "00000000-0000-4000-8000-000000000001";
const P2: &str = "00000000-0000-4000-8000-000000000002";
const P3: &str = "00000000-0000-4000-8000-000000000003";

#[tokio::test]
async fn the_results_counters_are_filled_in_for_ballots_stored_before_them() {
    // A database as it was before migration 4, holding ballots.
    let (_dir, path) = sqlite_before(
        4,
        &format!(
            "INSERT INTO consultations VALUES ('c', 'consult', '{{}}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
             INSERT INTO actions VALUES
               ('a1', 'c', '{P1}', 'ballot', '{{\"item\":\"q\"}}', '0000000000000001', '2026-11-20T09:00:00.000000Z'),
               ('a2', 'c', '{P1}', 'ballot', '{{\"item\":\"q\"}}', '0000000000000002', '2026-11-21T09:00:00.000000Z'),
               ('a3', 'c', '{P2}', 'feedback', '{{\"item\":\"i\"}}', '0000000000000003', '2026-11-21T10:00:00.000000Z'),
               ('a4', 'c', '{P3}', 'comment', '{{}}', '0000000000000004', '2026-11-22T10:00:00.000000Z');
             INSERT INTO ballots VALUES
               ('c', 'q', '{P1}', 'a2', '{{\"choice\":\"x\"}}', '[\"x\"]', '2026-11-21T09:00:00.000000Z', '2026-11-21T09:00:00.000000Z'),
               ('c', 'i', '{P2}', 'a3', '{{\"useful\":true}}', '[\"yes\"]', '2026-11-21T10:00:00.000000Z', '2026-11-21T10:00:00.000000Z');"
        ),
    )
    .await;
    let store = Store::open(&path).await.unwrap();
    let mut db = store.read().await.unwrap();
    let items: Vec<(String, i64)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT i.id, s.ballots FROM item_stats s JOIN items i ON i.n = s.item ORDER BY i.id"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(items, [("i".to_owned(), 1), ("q".to_owned(), 1)]);
    let participants: i64 =
        baraza_server::on!(&mut db, |c| sqlx::query_scalar("SELECT participants FROM consultation_stats")
            .fetch_one(c)
            .await)
        .unwrap();
    assert_eq!(participants, 2);
    // P1 first took part on the 20th (the ballot later replaced), P2 on the
    // 21st; the commenter P3 has no ballot and is not a participant.
    let days: Vec<(String, i64, i64)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT day, participants, actions FROM daily_stats ORDER BY day"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(
        days,
        [("2026-11-20".to_owned(), 1, 1), ("2026-11-21".to_owned(), 1, 2), ("2026-11-22".to_owned(), 0, 1)]
    );
}

#[tokio::test]
async fn codes_used_before_voters_were_kept_apart_are_marked_and_keep_only_their_day() {
    // A database as it was before migration 6: one code used, one not.
    let (_dir, path) = sqlite_before(
        6,
        &format!(
            "INSERT INTO consultations VALUES ('c', 'decide', '{{}}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
             INSERT INTO participation_codes VALUES
               ('c', 'used', '2026-11-01T00:00:00.000000Z', '{P1}', '2026-11-20T09:41:07.123456Z'),
               ('c', 'unused', '2026-11-01T00:00:00.000000Z', NULL, NULL);"
        ),
    )
    .await;
    let store = Store::open(&path).await.unwrap();
    let mut db = store.read().await.unwrap();
    let codes: Vec<(String, Option<String>, bool)> = baraza_server::on!(&mut db, |c| sqlx::query_as(
        "SELECT code_hash, used_at, ballots_under_hash FROM participation_codes ORDER BY code_hash DESC",
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(codes, [("used".to_owned(), Some("2026-11-20".to_owned()), true), ("unused".to_owned(), None, false)]);
}

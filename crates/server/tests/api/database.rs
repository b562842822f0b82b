//! The SQLite file `--database` names: created, migrated, and set up so that
//! an acknowledged ballot survives a crash.

use baraza_server::storage as db;

#[tokio::test]
async fn the_database_is_created_durable_and_migrated_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let pool = db::open(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists());
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.unwrap();
    assert_eq!(journal_mode, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&pool).await.unwrap();
    assert_eq!(synchronous, 2, "FULL");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(foreign_keys, 1);
    pool.close().await;

    // Opening again finds the schema current and keeps the data.
    let pool = db::open(path.to_str().unwrap()).await.unwrap();
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
    assert_eq!(migrations as usize, sqlx::migrate!("./migrations").iter().count(), "each migration once");
}

#[tokio::test]
async fn a_postgres_url_is_refused_until_postgres_is_supported() {
    for url in ["postgres://localhost/baraza", "postgresql://localhost/baraza"] {
        let error = db::open(url).await.unwrap_err();
        assert!(error.to_string().contains("PostgreSQL is not supported yet"), "{error}");
    }
}

#[tokio::test]
async fn the_results_counters_are_filled_in_for_ballots_stored_before_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    // A database as it was before migration 4, holding ballots.
    let old = sqlx::SqlitePool::connect(&url).await.unwrap();
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = before.migrations.iter().filter(|m| m.version < 4).cloned().collect::<Vec<_>>().into();
    before.run(&old).await.unwrap();
    sqlx::query(
        "INSERT INTO consultations VALUES ('c', 'consult', '{}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
         INSERT INTO actions VALUES
           ('a1', 'c', 'p1', 'ballot', '{}', 'r', '2026-11-20T09:00:00.000000Z'),
           ('a2', 'c', 'p1', 'ballot', '{}', 'r', '2026-11-21T09:00:00.000000Z'),
           ('a3', 'c', 'p2', 'feedback', '{}', 'r', '2026-11-21T10:00:00.000000Z'),
           ('a4', 'c', 'p3', 'comment', '{}', 'r', '2026-11-22T10:00:00.000000Z');
         INSERT INTO ballots VALUES
           ('c', 'q', 'p1', 'a2', '{\"choice\":\"x\"}', '[\"x\"]', '2026-11-21T09:00:00.000000Z', '2026-11-21T09:00:00.000000Z'),
           ('c', 'i', 'p2', 'a3', '{\"useful\":true}', '[\"yes\"]', '2026-11-21T10:00:00.000000Z', '2026-11-21T10:00:00.000000Z');",
    )
    .execute(&old)
    .await
    .unwrap();
    old.close().await;

    let pool = db::open(path.to_str().unwrap()).await.unwrap();
    let items: Vec<(String, i64)> =
        sqlx::query_as("SELECT item, ballots FROM item_stats ORDER BY item").fetch_all(&pool).await.unwrap();
    assert_eq!(items, [("i".to_owned(), 1), ("q".to_owned(), 1)]);
    let participants: i64 = sqlx::query_scalar("SELECT participants FROM consultation_stats WHERE consultation = 'c'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(participants, 2);
    // p1 first took part on the 20th (the ballot later replaced), p2 on the
    // 21st; the commenter p3 has no ballot and is not a participant.
    let days: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT day, participants, actions FROM daily_stats ORDER BY day")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        days,
        [("2026-11-20".to_owned(), 1, 1), ("2026-11-21".to_owned(), 1, 2), ("2026-11-22".to_owned(), 0, 1)]
    );
}

#[tokio::test]
async fn codes_used_before_voters_were_kept_apart_are_marked_and_keep_only_their_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    // A database as it was before migration 6: one code used, one not.
    let old = sqlx::SqlitePool::connect(&url).await.unwrap();
    let mut before = sqlx::migrate!("./migrations");
    before.migrations = before.migrations.iter().filter(|m| m.version < 6).cloned().collect::<Vec<_>>().into();
    before.run(&old).await.unwrap();
    sqlx::query(
        "INSERT INTO consultations VALUES ('c', 'decide', '{}', '2026-11-01T00:00:00.000000Z', '2026-11-01T00:00:00.000000Z');
         INSERT INTO participation_codes VALUES
           ('c', 'used', '2026-11-01T00:00:00.000000Z', 'p1', '2026-11-20T09:41:07.123456Z'),
           ('c', 'unused', '2026-11-01T00:00:00.000000Z', NULL, NULL);",
    )
    .execute(&old)
    .await
    .unwrap();
    old.close().await;

    let pool = db::open(path.to_str().unwrap()).await.unwrap();
    let codes: Vec<(String, Option<String>, bool)> = sqlx::query_as(
        "SELECT code_hash, used_at, ballots_under_hash FROM participation_codes ORDER BY code_hash DESC",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(codes, [("used".to_owned(), Some("2026-11-20".to_owned()), true), ("unused".to_owned(), None, false)]);
}

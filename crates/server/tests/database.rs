//! The SQLite file `--database` names: created, migrated, and set up so that
//! an acknowledged ballot survives a crash.

use baraza_server::db;

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
    assert_eq!(migrations, 1);
}

#[tokio::test]
async fn a_postgres_url_is_refused_until_postgres_is_supported() {
    for url in ["postgres://localhost/baraza", "postgresql://localhost/baraza"] {
        let error = db::open(url).await.unwrap_err();
        assert!(error.to_string().contains("PostgreSQL is not supported yet"), "{error}");
    }
}
